/* sources: what a build learnt of each Markdown source (its front matter,
 * where its body starts, the body's hash), kept for the next build by the
 * file's identity: device, inode, size, modification and change times,
 * as git's index keeps them.  A rebuild takes an unchanged file from here
 * instead of reading and parsing it, and reads its body only when a page
 * is rendered again from it. */
#ifndef QUIRE_SOURCES_H
#define QUIRE_SOURCES_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"
#include "scan.h"

/* A file modified or changed this close to the start of the build is not
 * recorded: within one tick of the file system's clock, a second edit of
 * the same size would leave every time as it was (git's "racy" files). */
#define SOURCES_RACY_NS 2000000000LL

struct source_rec {
	const char *rel;      /* relative to content/ (points into the image) */
	struct scan_stat st;
	uint64_t body_fp[2];  /* site_body_fp of the body */
	uint32_t body_off;    /* where the body starts in the file */
	uint32_t body_line;
	const char *fm;       /* front matter, encoded (see sources_fm) */
	size_t fm_len;
	const char *raw;      /* the whole record, to carry it to the next snapshot */
	size_t raw_len;
};

struct sources {
	char *image;
	size_t len;
	struct source_rec *recs; /* sorted by rel */
	size_t n;
};

/* Takes image (malloc'd, len bytes).  A damaged or foreign image gives an
 * empty snapshot: every source is read. */
void sources_decode(struct sources *s, char *image, size_t len);
void sources_free(struct sources *s);
/* The record of rel when st is still the file it was made from, else NULL. */
const struct source_rec *sources_match(const struct sources *s, const char *rel,
				       const struct scan_stat *st);
/* 1 when a file with these times may be recorded by a build that began at
 * start_ns (see SOURCES_RACY_NS). */
int sources_settled(const struct scan_stat *st, int64_t start_ns);

/* Appends one record; records must be appended in rel order.  0, or -1
 * (nothing appended) when the front matter cannot be recorded. */
int sources_put(struct buf *image, const char *rel, const struct scan_stat *st,
		const uint64_t body_fp[2], uint32_t body_off, uint32_t body_line, json_t *fm);
/* The front matter of a record (new reference), or NULL when it does not
 * decode. */
json_t *sources_fm(const struct source_rec *r);
/* Starts an image (its header). */
void sources_begin(struct buf *image);

#endif
