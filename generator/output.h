/* output: writes a build into a fresh staging folder beside OUT and swaps
 * it in at the end, so OUT is always wholly the old site or wholly the new
 * one.  Refuses an OUT that would destroy the site or someone's files.
 * A file whose bytes equal the previous OUT's file at the same path is
 * hard-linked from it instead of written: a rebuild allocates inodes only
 * for what changed.  Neither side is ever written through such a link. */
#ifndef QUIRE_OUTPUT_H
#define QUIRE_OUTPUT_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"

/* Marks a folder as quire's output, so a rebuild may replace it. */
#define OUTPUT_MARKER ".quire-output"

struct output_rec;
struct found;

/* Records found by path: a hash table of their indices (+1; 0 is empty). */
struct output_index {
	uint32_t *slot;
	size_t mask;
};

struct output {
	char *out_dir;  /* OUT as given */
	char *site_dir; /* SITE as given: files copied are named relative to it */
	char *staging;  /* the folder being written */
	int lock_fd;    /* held while building: two builds never interleave */
	int prev_fd;    /* the previous OUT (O_PATH), or -1: source of links */
	int staging_fd; /* staging (O_PATH), or -1 */
	int recycled;   /* staging is ".OUT.back", the site two builds ago */
	int prelinked;  /* staging is filled with links to OUT (output_prelink) */
	size_t prelink_next; /* the first chunk of records not yet linked */
	int preview;    /* a --drafts build: its marker says so (see keep_back) */
	int new_files;  /* OUTPUT_NEW_FILES */
	int jobs;       /* threads for sweeping staging */
	/* fingerprints (see output_reuse) */
	const char *prev_image;         /* the previous build's manifest (its base) */
	size_t prev_len;
	int prev_owned;                 /* prev_image is freed with o */
	char *delta_image;              /* and its delta, or NULL */
	int has_base;                   /* a delta was applied: base_id is set */
	uint64_t base_id[2];
	size_t nbase;                   /* records in the base */
	struct output_rec *prev;        /* its records */
	size_t nprev;
	/* This build's records, added by every rendering thread without a
	 * lock: chunk k holds made0 << k of them, allocated by the first
	 * thread to need it.  Gathered into recs (nrecs) for the commit. */
	_Atomic(struct output_rec *) made[40];
	size_t made0;
	atomic_size_t nmade;
	struct output_rec *recs;
	size_t nrecs;
	struct output_index prev_ix;    /* prev by path */
	struct found *found;            /* what a recycled staging held (see prune) */
	size_t nfound;
	/* The errno that ended the writing (a full disk, no file descriptors
	 * left), or 0: reported once, then every write refused quietly. */
	atomic_int failed;
};

/* Checks where --bundle would write its zip: its folder must exist, and
 * it must not lie in OUT (the next build would delete it) or in the
 * site's sources (it would become content).  0, or -2 after an error. */
int output_check_bundle(const char *site_dir, const char *out_dir, const char *zip, struct diag *d);

/* output_begin's flags */
#define OUTPUT_FORCE 1       /* replace a non-empty OUT that quire did not make */
#define OUTPUT_DEFAULT_OUT 2 /* OUT is SITE/public, not named by the user (-o) */
#define OUTPUT_NEW_FILES 4   /* every file written is a new inode: none of the
				recycled folder's is rewritten in place, so a
				reader holding one open (quire serve sending it)
				keeps the bytes it opened */

/* Checks OUT and prepares the staging folder (on up to jobs threads),
 * once it holds the lock beside OUT.  While another build holds that, it
 * says so on stderr and waits, until *stop (may be NULL) is set.  Returns
 * 0, or -2 after reporting an environment fault (unsafe or unwritable
 * OUT, or the wait interrupted). */
int output_begin(struct output *o, const char *site_dir, const char *out_dir,
		 int flags, int jobs, volatile sig_atomic_t *stop, struct diag *d);
/* Writes rel (relative to OUT; never absolute or containing "..") into
 * staging as a new file (or a hard link to the previous OUT's identical
 * file).  Thread-safe.  Returns 0 or -1 after reporting.  An error every
 * other file would meet too (a full disk, no file descriptors left) is
 * reported once, for OUT, and ends the writing: each call after it
 * returns -1 and reports nothing. */
int output_write(struct output *o, const char *rel, const char *data,
		 size_t len, struct diag *d);
/* Fingerprints: a file written with output_write_fp is recorded with fp (a
 * hash of everything it was made from) in a manifest, which the caller
 * keeps and hands to the next build with output_set_manifest.  Then
 * output_reuse links the previous OUT's file when its fingerprint is the
 * same, without the caller rendering it or quire reading it, as long as the
 * file is still the one recorded (same inode, size and modification time:
 * a hand-edited output is made again). */
void output_set_manifest(struct output *o, char *image, size_t len); /* takes image */
/* A manifest as output_commit leaves it: a base image (taken when owned,
 * else kept by the caller until output_commit or output_abort) and a
 * delta (taken; NULL: none).  A delta that is not for this base leaves
 * nothing trusted. */
void output_load_manifest(struct output *o, const char *base, size_t blen, int owned, char *delta,
			  size_t dlen);
/* What output_commit leaves for the next build: always a delta; a new
 * base image too when the last one is no longer most of the manifest.
 * The caller stores the base under an id of its own and names it in the
 * delta (output_name_base); a delta to the base the build read names that
 * one already. */
struct output_manifest {
	struct buf base, delta;
};
/* The id of the base a delta names: 1, or 0 when delta is not one (an
 * older quire's whole image, say). */
int output_delta_base(const char *delta, size_t len, uint64_t id[2]);
/* Names the base m->delta belongs to. */
void output_name_base(struct output_manifest *m, const uint64_t id[2]);
/* 1: rel was linked from the previous OUT (and recorded); 0: write it.
 * Also 1 once the writing has ended (a full disk): the build fails, and
 * rendering the rest of the site would only delay the news. */
int output_reuse(struct output *o, const char *rel, const uint64_t fp[2]);
/* The first rebuild into OUT has no ".OUT.back" to recycle: every file
 * it keeps must be linked from OUT.  output_prelink links the last
 * build's files (once its manifest is loaded) while the sources load, on
 * a core that would be idle then, until *stop is set; the caller sets it
 * and waits for it to return, then links the rest on every core with
 * output_prelink_finish before anything is written. */
void output_prelink(struct output *o, const atomic_int *stop);
/* Returns how many files it linked (0 when output_prelink did not begin). */
size_t output_prelink_finish(struct output *o);
int output_write_fp(struct output *o, const char *rel, const char *data,
		    size_t len, const uint64_t fp[2], struct diag *d);


/* Copies the regular file src to rel in staging, the same way. */
int output_copy(struct output *o, const char *rel, const char *src,
		struct diag *d);
/* Swaps staging in as OUT and removes the previous tree; with manifest
 * non-NULL, also appends this build's manifest to it, for the next build
 * (output_set_manifest).  With zip non-NULL, also writes the new site as
 * that zip (bundle_pack), before the swap and under the lock: a zip that
 * cannot be written leaves OUT as it was, and two builds never write one
 * zip at once.  Returns 0 or -2 after reporting. */
int output_commit(struct output *o, struct output_manifest *manifest, const char *zip, struct diag *d);
/* Removes staging and releases the lock (after a failed build). */
void output_abort(struct output *o);
/* The staging path, for stages that write big trees themselves. */
const char *output_staging(const struct output *o);

#endif
