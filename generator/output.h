/* output: writes a build into a fresh staging folder beside OUT and swaps
 * it in at the end, so OUT is always wholly the old site or wholly the new
 * one.  Refuses an OUT that would destroy the site or someone's files.
 * A file whose bytes equal the previous OUT's file at the same path is
 * hard-linked from it instead of written: a rebuild allocates inodes only
 * for what changed.  Neither side is ever written through such a link. */
#ifndef QUIRE_OUTPUT_H
#define QUIRE_OUTPUT_H

#include <stddef.h>

#include "diag.h"

/* Marks a folder as quire's output, so a rebuild may replace it. */
#define OUTPUT_MARKER ".quire-output"

struct output {
	char *out_dir;  /* OUT as given */
	char *staging;  /* the folder being written */
	int lock_fd;    /* held while building: two builds never interleave */
	int prev_fd;    /* the previous OUT (O_PATH), or -1: source of links */
};

/* Checks OUT and prepares the staging folder.  Returns 0, or -2 after
 * reporting an environment fault (unsafe or unwritable OUT). */
int output_begin(struct output *o, const char *site_dir, const char *out_dir,
		 int force, struct diag *d);
/* Writes rel (relative to OUT; never absolute or containing "..") into
 * staging as a new file (or a hard link to the previous OUT's identical
 * file).  Thread-safe.  Returns 0 or -1 after reporting. */
int output_write(struct output *o, const char *rel, const char *data,
		 size_t len, struct diag *d);
/* Copies the regular file src to rel in staging, the same way. */
int output_copy(struct output *o, const char *rel, const char *src,
		struct diag *d);
/* Swaps staging in as OUT and removes the previous tree.  Returns 0 or
 * -2 after reporting. */
int output_commit(struct output *o, struct diag *d);
/* Removes staging and releases the lock (after a failed build). */
void output_abort(struct output *o);
/* The staging path, for stages that write big trees themselves. */
const char *output_staging(const struct output *o);

#endif
