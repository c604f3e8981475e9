/* near: which known names a mistyped one was probably meant to be, for
 * quire check's "did you mean" hints: the names one edit away (a
 * character added, dropped or changed, or two neighbours swapped), found
 * through an index of every name with each of its characters dropped in
 * turn, so a hint costs a few lookups however many names a site has. */
#ifndef QUIRE_NEAR_H
#define QUIRE_NEAR_H

#include <stddef.h>

struct near_index;

struct near_index *near_new(void);
/* Adds name (copied) under the caller's id; ids need not be distinct. */
void near_add(struct near_index *ix, const char *name, int id);
/* Makes the index ready for near_find: after the last near_add. */
void near_seal(struct near_index *ix);
/* The ids of the names one edit from name (not name itself), each once,
 * in the order they were added; at most max of them.  Returns how many. */
size_t near_find(const struct near_index *ix, const char *name, int *ids, size_t max);
void near_free(struct near_index *ix);

/* The edit distance between a and b in characters (UTF-8; a swap of two
 * neighbours is one edit), or max + 1 when it is more than max. */
int near_distance(const char *a, const char *b, int max);

#endif
