/* cache: an on-disk store of expensive per-page build results (parsed
 * headings and links, rendered HTML, past versions, history diffs), kept
 * across processes so a rebuild redoes only the work whose inputs changed.
 *
 * Content-addressed: a key is a 128-bit hash of everything the result
 * depends on (the caller supplies the material; quire's own executable is
 * always part of it, so a rebuilt quire never reuses an older one's
 * output).  Lives in <gitdir>/quire/build-cache-v1/<site hash>/ when the
 * site is in a git repository, else in SITE/.quire-cache/.  New entries
 * are written at the end of a build as one segment file (tmp + rename);
 * segments whose entries went unused are compacted away.  Every byte read
 * is bounds-checked and checksummed: a damaged, truncated or foreign file
 * is a miss, never a failed build. */
#ifndef QUIRE_CACHE_H
#define QUIRE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"

struct cache;

struct cache_key {
	uint64_t h[2];
};

/* Hashes the material a key is computed from as it comes (no copy of
 * it is kept).  Each field is written with its length, so ("ab","c") and
 * ("a","bc") give different keys. */
struct cache_keybuf {
	uint64_t v[4];            /* the XXH64 state */
	unsigned char stripe[32]; /* material not yet hashed */
	size_t fill;
	uint64_t total;
};

/* Starts a key of the given kind ("phase-a", ...) for cache c (NULL: a
 * plain hash, without quire's own fingerprint). */
void cache_key_begin(const struct cache *c, struct cache_keybuf *kb, const char *kind);
void cache_key_bytes(struct cache_keybuf *kb, const void *data, size_t len);
void cache_key_str(struct cache_keybuf *kb, const char *s); /* NULL and "" differ */
void cache_key_int(struct cache_keybuf *kb, long long v);
/* A JSON value by structure (objects in their insertion order, which
 * quire keeps the same from build to build: see hooks.c sort_keys),
 * without serialising it. */
void cache_key_json(struct cache_keybuf *kb, json_t *v);
/* The key of the material hashed since cache_key_begin. */
struct cache_key cache_key_end(struct cache_keybuf *kb);
/* Key n of a family: cheap keys for the parts of one thing that k
 * stands for whole (different n, different keys). */
struct cache_key cache_key_derive(const struct cache_key *k, uint64_t n);

/* Opens the cache for site_dir, or returns NULL when there is no usable
 * place for one (nothing is reported: a build without a cache is only
 * slower).  Caller closes with cache_close. */
struct cache *cache_open(const char *site_dir);
/* The same for a run that must leave the repository as it found it
 * (quire check): the last builds' entries are read, but nothing in the
 * cache's folder is written or removed; what the run puts lives in an
 * unnamed temporary file until cache_close.  NULL when there is no
 * cache yet. */
struct cache *cache_open_readonly(const char *site_dir);

/* Looks k up.  Returns 1 and a new buffer in *data (caller frees; one
 * extra NUL byte follows the *len bytes) on a hit, 0 on a miss.
 * Thread-safe. */
int cache_get(struct cache *c, const struct cache_key *k, char **data, size_t *len);

/* The same, read through the segment's mapping: for small entries a
 * build reads in the order it wrote them (phase A's lie one after
 * another), which a page fault maps dozens at a time, where a read each
 * would be a system call each. */
int cache_get_dense(struct cache *c, const struct cache_key *k, char **data, size_t *len);

/* The same for a large entry (hundreds of kilobytes) of an earlier build:
 * 1 and a read-only view of its bytes (checked), valid until cache_close,
 * without copying them; 0 when the cache cannot give one (then
 * cache_get).  Thread-safe. */
int cache_view(struct cache *c, const struct cache_key *k, const char **data, size_t *len);

/* Marks k's entry (if any) as still needed, without reading it: a build
 * that reused an output made from it keeps it for the next build that
 * cannot.  1 when the cache holds k (from an earlier build), else 0.
 * Thread-safe. */
int cache_touch(struct cache *c, const struct cache_key *k);
/* cache_touch of each of the n keys k. */
void cache_touch_many(struct cache *c, const struct cache_key *k, size_t n);

/* Stores a copy of data under k, written out by cache_close.
 * Thread-safe. */
void cache_put(struct cache *c, const struct cache_key *k, const void *data, size_t len);
/* cache_put of n entries, stored one after another in the file: entries
 * a later build reads in a row (with cache_get_dense) are put so. */
void cache_put_many(struct cache *c, const struct cache_key *k, char *const *data, const size_t *len, size_t n);

/* Writes the entries put since cache_open and frees c (NULL is a no-op).
 * complete: the build looked up everything a successful build needs, so
 * segments holding mostly entries it did not use may be compacted away;
 * pass 0 after a failed or interrupted build. */
void cache_close(struct cache *c, int complete);

/* Serialising values into and out of entries.  The reader never reads
 * past its end; after any overrun it returns zeros and NULLs and sets bad. */
void cache_w_u32(struct buf *b, uint32_t v);
void cache_w_u64(struct buf *b, uint64_t v); /* low half first */
void cache_w_str(struct buf *b, const char *s); /* NULL is stored as "" */

struct cache_reader {
	const char *p;
	size_t len, off;
	int bad;
};

uint32_t cache_r_u32(struct cache_reader *r);
uint64_t cache_r_u64(struct cache_reader *r);
/* A new string (caller frees), or NULL with bad set. */
char *cache_r_str(struct cache_reader *r);

#endif
