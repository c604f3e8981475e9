/* strmap: a table of strings to strings (or to nothing), for the few
 * lookups built up while a site renders: open addressing over str_hash.
 * Not thread-safe: callers that share one hold a lock. */
#ifndef QUIRE_STRMAP_H
#define QUIRE_STRMAP_H

#include <stddef.h>

struct strmap_entry {
	char *key, *val; /* val NULL: the key maps to nothing */
};

struct strmap {
	struct strmap_entry *v;
	size_t n, cap; /* cap: a power of two, or 0 */
};

#define STRMAP_INIT { NULL, 0, 0 }

/* key's entry, or NULL; borrowed until the next put. */
const struct strmap_entry *strmap_get(const struct strmap *m, const char *key);
/* Adds key with val (both copied; val may be NULL), unless key is there. */
void strmap_put(struct strmap *m, const char *key, const char *val);
void strmap_free(struct strmap *m);

#endif
