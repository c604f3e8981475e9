/* cache: build results on disk, in segment files read with pread and
 * written once.
 *
 * A segment: "QRCACHE1", the entries' bytes, a table of count entries
 * (key, offset, length, checksum of the bytes) sorted by key, then a
 * trailer: count, a checksum of the table, "QRCACHE1".  The table is at
 * the end so a build can stream entries into the file as they are made
 * and write the table last. */
#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"

/* Bump when an entry's meaning or the file layout changes. */
#define CACHE_FORMAT "quire-build-cache-1"
#define SEG_MAGIC "QRCACHE1"
#define ENTRY_SIZE 40
#define TRAILER_SIZE 24
/* More unused bytes than used ones, and a complete build compacts every
 * segment into one.  More segments than MAX_SEGMENTS, and it merges the
 * newest ones, those no bigger than TIER times what is newer: a rebuild
 * that added a few pages' entries rewrites a few small segments, never the
 * big one a cold build left (hundreds of MB at 10,000 articles). */
#define MAX_SEGMENTS 8
/* Entries from this size on are read through a segment's mapping. */
#define SEG_MAP_MIN (256 * 1024)
#define TIER 4

struct entry {
	struct cache_key k;
	uint64_t off, len, check;
};

/* A segment is mapped whole, read only (written once, then only ever
 * unlinked: a mapping outlives that).  Its table, its large entries and
 * the entries a build reads in the order they were written
 * (cache_get_dense) are read through the mapping; other small ones with
 * pread, as they lie scattered and each would be a page fault.  Without a
 * mapping (mmap refused) everything is read with pread. */
struct seg {
	int fd;
	char *path;
	const unsigned char *map;
	size_t map_len;
	const unsigned char *tab; /* the table: n entries of ENTRY_SIZE bytes */
	unsigned char *tab_own;   /* the table, when read rather than mapped */
	size_t n;
	atomic_uchar *used;
	/* Where the keys whose top bits are b start: dir[b] .. dir[b + 1]. */
	uint32_t *dir;
	int bits;
};

/* A segment being written.  Its entries are found by key (ix: their
 * indices in tab + 1, by hash) and read back while the build goes on. */
struct writer {
	int fd;
	char *tmp;
	uint64_t off;
	struct entry *tab;
	size_t n, cap;
	uint32_t *ix;
	size_t ix_mask;
	int failed;
};

struct cache {
	char *dir;
	uint64_t salt[2];
	struct seg *segs;
	size_t nsegs;
	pthread_mutex_t lock;
	struct writer w; /* new entries; fd -1 until the first put */
	int readonly;    /* cache_open_readonly: the folder is never written */
};

/* ---- hashing (xxHash64) ------------------------------------------------ */

#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL
#define P3 0x165667B19E3779F9ULL
#define P4 0x85EBCA77C2B2AE63ULL
#define P5 0x27D4EB2F165667C5ULL

static uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint64_t xround(uint64_t acc, uint64_t in)
{
	acc += in * P2;
	acc = rotl(acc, 31);
	return acc * P1;
}

static uint64_t xmerge(uint64_t acc, uint64_t v)
{
	acc ^= xround(0, v);
	return acc * P1 + P4;
}

/* XXH64 in three steps, so a key can be hashed as its material comes
 * (cache_keybuf) with the same result as hashing it in one piece. */
static void xxh_init(uint64_t v[4], uint64_t seed)
{
	v[0] = seed + P1 + P2;
	v[1] = seed + P2;
	v[2] = seed;
	v[3] = seed - P1;
}

static void xxh_stripe(uint64_t v[4], const unsigned char *p)
{
	v[0] = xround(v[0], rd64(p));
	v[1] = xround(v[1], rd64(p + 8));
	v[2] = xround(v[2], rd64(p + 16));
	v[3] = xround(v[3], rd64(p + 24));
}

/* total: every byte hashed; tail: the last total % 32 of them. */
static uint64_t xxh_finish(const uint64_t v[4], uint64_t seed, uint64_t total, const unsigned char *p,
			   size_t n)
{
	const unsigned char *end = p + n;
	uint64_t h;
	if (total >= 32) {
		h = rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18);
		for (int i = 0; i < 4; i++)
			h = xmerge(h, v[i]);
	} else {
		h = seed + P5;
	}
	h += total;
	while (end - p >= 8) {
		h ^= xround(0, rd64(p));
		h = rotl(h, 27) * P1 + P4;
		p += 8;
	}
	if (end - p >= 4) {
		h ^= (uint64_t)rd32(p) * P1;
		h = rotl(h, 23) * P2 + P3;
		p += 4;
	}
	while (p < end) {
		h ^= (uint64_t)*p++ * P5;
		h = rotl(h, 11) * P1;
	}
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	h ^= h >> 32;
	return h;
}

static uint64_t xxh64(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t v[4];
	xxh_init(v, seed);
	size_t n = len;
	for (; n >= 32; n -= 32, p += 32)
		xxh_stripe(v, p);
	return xxh_finish(v, seed, len, p, n);
}

/* ---- keys --------------------------------------------------------------- */

#define KEY_SEED2 0x2545F4914F6CDD1DULL

/* Hashes len bytes into the key's state (see key_put). */
static void key_put_slow(struct cache_keybuf *kb, const void *data, size_t len)
{
	const unsigned char *p = data;
	kb->total += len;
	if (kb->fill) {
		size_t take = 32 - kb->fill < len ? 32 - kb->fill : len;
		memcpy(kb->stripe + kb->fill, p, take);
		kb->fill += take;
		p += take;
		len -= take;
		if (kb->fill < 32)
			return;
		xxh_stripe(kb->v, kb->stripe);
		kb->fill = 0;
	}
	for (; len >= 32; len -= 32, p += 32)
		xxh_stripe(kb->v, p);
	memcpy(kb->stripe, p, len);
	kb->fill = len;
}

/* Most of a key's material comes a few bytes at a time (a marker, a
 * length, a short title): it only joins the stripe. */
static inline void key_put(struct cache_keybuf *kb, const void *data, size_t len)
{
	if (kb->fill + len < sizeof kb->stripe) {
		memcpy(kb->stripe + kb->fill, data, len);
		kb->fill += len;
		kb->total += len;
	} else {
		key_put_slow(kb, data, len);
	}
}

static void key_putc(struct cache_keybuf *kb, char c)
{
	if (kb->fill + 1 < sizeof kb->stripe) {
		kb->stripe[kb->fill++] = (unsigned char)c;
		kb->total++;
	} else {
		key_put_slow(kb, &c, 1);
	}
}

void cache_key_begin(const struct cache *c, struct cache_keybuf *kb, const char *kind)
{
	xxh_init(kb->v, 0);
	kb->fill = 0;
	kb->total = 0;
	if (c)
		key_put(kb, c->salt, sizeof c->salt);
	cache_key_str(kb, kind);
}

void cache_key_bytes(struct cache_keybuf *kb, const void *data, size_t len)
{
	uint64_t n = len;
	key_put(kb, &n, sizeof n);
	key_put(kb, data, len);
}

void cache_key_str(struct cache_keybuf *kb, const char *s)
{
	if (!s) {
		key_putc(kb, 0);
		return;
	}
	key_putc(kb, 1);
	cache_key_bytes(kb, s, strlen(s));
}

void cache_key_int(struct cache_keybuf *kb, long long v)
{
	key_put(kb, &v, sizeof v);
}

void cache_key_json(struct cache_keybuf *kb, json_t *v)
{
	const char *key;
	json_t *x;
	size_t i;
	key_putc(kb, (char)('0' + json_typeof(v)));
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		cache_key_int(kb, (long long)json_object_size(v));
		json_object_foreach(v, key, x) {
			cache_key_str(kb, key);
			cache_key_json(kb, x);
		}
		break;
	case JSON_ARRAY:
		cache_key_int(kb, (long long)json_array_size(v));
		json_array_foreach(v, i, x)
			cache_key_json(kb, x);
		break;
	case JSON_STRING:
		cache_key_bytes(kb, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		cache_key_int(kb, (long long)json_integer_value(v));
		break;
	case JSON_REAL: {
		double d = json_real_value(v);
		cache_key_bytes(kb, &d, sizeof d);
		break;
	}
	default: /* true, false, null: the type says it all */
		break;
	}
}

/* The first half is the XXH64 of the material; the second, an XXH64
 * (another seed) of what the first is made from: the four lanes, the
 * bytes after the last whole stripe and the length.  Two keys are equal
 * only if both are, so the material is hashed once, not once per half. */
struct cache_key cache_key_end(struct cache_keybuf *kb)
{
	struct cache_key k;
	unsigned char st[32 + 32 + 8];
	k.h[0] = xxh_finish(kb->v, 0, kb->total, kb->stripe, kb->fill);
	memcpy(st, kb->v, 32);
	memcpy(st + 32, kb->stripe, kb->fill);
	memcpy(st + 32 + kb->fill, &kb->total, 8);
	k.h[1] = xxh64(st, 32 + kb->fill + 8, KEY_SEED2);
	return k;
}

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

/* Both halves go through a bijection of 64 bits, so one key's derived
 * keys all differ, and the second half depends on the first. */
struct cache_key cache_key_derive(const struct cache_key *k, uint64_t n)
{
	struct cache_key d;
	d.h[0] = splitmix64(k->h[0] ^ splitmix64(n));
	d.h[1] = splitmix64(k->h[1] ^ d.h[0]);
	return d;
}

static int key_cmp(const struct cache_key *a, const struct cache_key *b)
{
	for (int i = 0; i < 2; i++)
		if (a->h[i] != b->h[i])
			return a->h[i] < b->h[i] ? -1 : 1;
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = key_cmp(&x->k, &y->k);
	/* Equal keys: in the order written, so the last (the newest value of
	 * a key that is not a pure function of its content, such as an output
	 * manifest) is the one kept. */
	return c ? c : (x->off > y->off) - (x->off < y->off);
}

/* ---- file helpers -------------------------------------------------------- */

/* Reads (pread) or writes (pwrite) all of len bytes at off.  0 or -1. */
static int io_at(int fd, char *p, size_t len, uint64_t off, int out)
{
	while (len) {
		ssize_t r = out ? pwrite(fd, p, len, (off_t)off) : pread(fd, p, len, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

static int read_at(int fd, void *buf, size_t len, uint64_t off)
{
	return io_at(fd, buf, len, off, 0);
}

/* (pwrite does not write through p) */
static int write_at(int fd, const void *buf, size_t len, uint64_t off)
{
	return io_at(fd, (char *)buf, len, off, 1);
}

/* A hash of the running executable: output made by one build of quire is
 * never reused by another.  Returns 0 or -1. */
static int exe_hash(uint64_t out[2])
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct buf b = BUF_INIT;
	char chunk[65536];
	ssize_t r;
	while ((r = read(fd, chunk, sizeof chunk)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			buf_free(&b);
			return -1;
		}
		buf_put(&b, chunk, (size_t)r);
	}
	close(fd);
	buf_puts(&b, CACHE_FORMAT);
	buf_printf(&b, "%d.%d.%d", LIBGIT2_VER_MAJOR, LIBGIT2_VER_MINOR, LIBGIT2_VER_REVISION);
	out[0] = xxh64(b.ptr, b.len, 1);
	out[1] = xxh64(b.ptr, b.len, 2);
	buf_free(&b);
	return 0;
}

/* Where the cache lives: inside the git dir (per site folder) when the
 * site is in a repository, else SITE/.quire-cache.  New string. */
static char *cache_dir(const char *site_dir)
{
	char *dir = NULL;
	git_repository *repo = NULL;
	git_libgit2_init();
	if (git_repository_open_ext(&repo, site_dir, 0, NULL) == 0) {
		char *site_real = realpath(site_dir, NULL);
		const char *wd = git_repository_workdir(repo);
		char *wd_real = wd ? realpath(wd, NULL) : NULL;
		const char *rel = site_real ? site_real : site_dir;
		size_t wl = wd_real ? strlen(wd_real) : 0;
		if (wd_real && site_real && !strncmp(site_real, wd_real, wl) &&
		    (site_real[wl] == '/' || !site_real[wl]))
			rel = site_real + wl;
		dir = xasprintf("%squire/build-cache-v1/%016llx", git_repository_path(repo),
				(unsigned long long)xxh64(rel, strlen(rel), 0));
		free(site_real);
		free(wd_real);
		git_repository_free(repo);
	} else {
		dir = xasprintf("%s/.quire-cache/build-cache-v1", site_dir);
	}
	git_libgit2_shutdown();
	return dir;
}

/* ---- reading segments ---------------------------------------------------- */

/* Entry i of s's table, decoded (the table is bytes: no alignment). */
static struct entry seg_entry(const struct seg *s, size_t i)
{
	const unsigned char *e = s->tab + i * ENTRY_SIZE;
	return (struct entry){ { { rd64(e), rd64(e + 8) } }, rd64(e + 16), rd64(e + 24), rd64(e + 32) };
}

static uint64_t seg_key0(const struct seg *s, size_t i)
{
	return rd64(s->tab + i * ENTRY_SIZE);
}

static int seg_key_cmp(const struct seg *s, size_t i, const struct cache_key *k)
{
	struct cache_key a = { { rd64(s->tab + i * ENTRY_SIZE), rd64(s->tab + i * ENTRY_SIZE + 8) } };
	return key_cmp(&a, k);
}

/* Keys are hashes, spread evenly over 64 bits: their top bits place
 * them.  With about two slots a key, a lookup reads the slot and one
 * entry, or (a key not here, as in every segment but the one that holds
 * it) most often the slot alone: each read of a 4 MB table is a cache
 * miss. */
static void seg_index(struct seg *s)
{
	s->bits = 1;
	while (s->bits < 24 && ((size_t)1 << s->bits) < 2 * s->n)
		s->bits++;
	size_t slots = (size_t)1 << s->bits;
	s->dir = xmalloc((slots + 1) * sizeof *s->dir);
	size_t j = 0;
	for (size_t b = 0; b < slots; b++) {
		while (j < s->n && (seg_key0(s, j) >> (64 - s->bits)) < b)
			j++;
		s->dir[b] = (uint32_t)j;
	}
	s->dir[slots] = (uint32_t)s->n;
}

/* len bytes of s at off (within its size): from the mapping, or read into
 * buf.  NULL when they cannot be read. */
static const unsigned char *seg_bytes_at(const struct seg *s, uint64_t off, size_t len, unsigned char *buf)
{
	if (s->map)
		return s->map + off;
	return read_at(s->fd, buf, len, off) < 0 ? NULL : buf;
}

/* Checks a segment's table and indexes it; returns 0, or -1 when the file
 * is not a whole, well-formed segment. */
static int seg_load(struct seg *s, int fd)
{
	struct stat st;
	unsigned char tr_buf[TRAILER_SIZE], head_buf[8];
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 8 + TRAILER_SIZE ||
	    (uint64_t)st.st_size > SIZE_MAX)
		return -1;
	uint64_t size = (uint64_t)st.st_size;
	void *m = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
	s->fd = fd;
	if (m != MAP_FAILED) {
		s->map = m;
		s->map_len = (size_t)size;
	}
	const unsigned char *head = seg_bytes_at(s, 0, 8, head_buf);
	const unsigned char *tr = seg_bytes_at(s, size - TRAILER_SIZE, TRAILER_SIZE, tr_buf);
	if (!head || memcmp(head, SEG_MAGIC, 8) || !tr || memcmp(tr + 16, SEG_MAGIC, 8))
		goto fail;
	uint64_t n = rd64(tr), check = rd64(tr + 8);
	if (n > (size - 8 - TRAILER_SIZE) / ENTRY_SIZE || n > UINT32_MAX)
		goto fail;
	uint64_t tab_off = size - TRAILER_SIZE - n * ENTRY_SIZE;
	size_t tab_len = (size_t)(n * ENTRY_SIZE);
	if (!s->map)
		s->tab_own = xmalloc(tab_len ? tab_len : 1);
	s->tab = seg_bytes_at(s, tab_off, tab_len, s->tab_own);
	if (!s->tab || xxh64(s->tab, tab_len, 3) != check)
		goto fail;
	s->n = (size_t)n;
	for (size_t i = 0; i < s->n; i++) {
		struct entry t = seg_entry(s, i);
		/* Bytes must lie between the magic and the table; keys strictly
		 * ascending, for the binary search. */
		if (t.off < 8 || t.off > tab_off || t.len > tab_off - t.off || (i && seg_key_cmp(s, i - 1, &t.k) >= 0))
			goto fail;
	}
	s->used = xcalloc(s->n ? s->n : 1, sizeof *s->used);
	seg_index(s);
	return 0;
fail:
	if (s->map)
		munmap((void *)s->map, s->map_len);
	free(s->tab_own);
	s->map = s->tab = s->tab_own = NULL;
	s->n = 0;
	s->fd = -1;
	return -1;
}

static int has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

/* Oldest first: cache_get looks from the newest down. */
static int seg_cmp(const void *a, const void *b)
{
	return strcmp(((const struct seg *)a)->path, ((const struct seg *)b)->path);
}

static void open_segments(struct cache *c)
{
	/* (read-only: what is stale or damaged is skipped, not removed) */
	DIR *d = opendir(c->dir);
	if (!d)
		return;
	struct dirent *e;
	time_t now = time(NULL);
	while ((e = readdir(d))) {
		char *path = xasprintf("%s/%s", c->dir, e->d_name);
		if (!strncmp(e->d_name, "tmp-", 4)) {
			if (c->readonly)
				goto next;
			/* Left behind by a build that crashed. */
			struct stat st;
			if (lstat(path, &st) == 0 && st.st_mtime < now - 3600)
				unlink(path);
		} else if (!strncmp(e->d_name, "seg-", 4) && has_suffix(e->d_name, ".qcs")) {
			int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
			struct seg s = { .fd = -1 };
			if (fd >= 0 && seg_load(&s, fd) == 0) {
				s.path = path;
				path = NULL;
				c->segs = xrealloc(c->segs, (c->nsegs + 1) * sizeof *c->segs);
				c->segs[c->nsegs++] = s;
			} else if (fd >= 0) {
				close(fd);
				/* Not ours to keep: a damaged segment only wastes space. */
				if (!c->readonly)
					unlink(path);
			}
		}
next:
		free(path);
	}
	closedir(d);
	if (c->nsegs)
		qsort(c->segs, c->nsegs, sizeof *c->segs, seg_cmp);
}

/* The cache of site_dir (readonly: see cache_open_readonly), or NULL. */
static struct cache *open_cache(const char *site_dir, int readonly)
{
	uint64_t salt[2];
	if (exe_hash(salt) < 0)
		return NULL;
	char *dir = cache_dir(site_dir);
	int ok;
	if (readonly) {
		ok = fs_is_dir(dir);
	} else {
		char *probe = xasprintf("%s/x", dir);
		ok = fs_mkdirs_for(probe) == 0 && access(dir, W_OK | X_OK) == 0;
		free(probe);
	}
	if (!ok) {
		free(dir);
		return NULL;
	}
	struct cache *c = xcalloc(1, sizeof *c);
	c->dir = dir;
	c->salt[0] = salt[0];
	c->salt[1] = salt[1];
	c->w.fd = -1;
	c->readonly = readonly;
	pthread_mutex_init(&c->lock, NULL);
	open_segments(c);
	return c;
}

struct cache *cache_open_readonly(const char *site_dir)
{
	return open_cache(site_dir, 1);
}

struct cache *cache_open(const char *site_dir)
{
	return open_cache(site_dir, 0);
}

/* The slot of key k in w's index: its entry's, or the empty one where
 * it would go. */
static size_t writer_slot(const struct writer *w, const struct cache_key *k)
{
	size_t h = (size_t)k->h[0] & w->ix_mask;
	while (w->ix[h] && key_cmp(&w->tab[w->ix[h] - 1].k, k))
		h = (h + 1) & w->ix_mask;
	return h;
}

/* Indexes tab[i]; a key put again names its newest entry. */
static void writer_index(struct writer *w, size_t i)
{
	if (2 * w->n > w->ix_mask) {
		free(w->ix);
		w->ix_mask = w->ix_mask ? 2 * w->ix_mask + 1 : 2047;
		w->ix = xcalloc(w->ix_mask + 1, sizeof *w->ix);
		for (size_t j = 0; j < i; j++)
			w->ix[writer_slot(w, &w->tab[j].k)] = (uint32_t)j + 1;
	}
	w->ix[writer_slot(w, &w->tab[i].k)] = (uint32_t)i + 1;
}

/* The index of k's entry in s, or -1. */
static long seg_find(const struct seg *s, const struct cache_key *k)
{
	size_t b = (size_t)(k->h[0] >> (64 - s->bits));
	size_t lo = s->dir[b], hi = s->dir[b + 1];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = seg_key_cmp(s, mid, k);
		if (!cmp)
			return (long)mid;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Reads an entry's bytes from the file fd and checks them.  New buffer,
 * or NULL. */
static char *entry_read(int fd, const struct entry *t)
{
	if (t->len > SIZE_MAX - 1)
		return NULL;
	char *data = malloc((size_t)t->len + 1);
	if (!data)
		return NULL;
	if (read_at(fd, data, (size_t)t->len, t->off) < 0 || xxh64(data, (size_t)t->len, 4) != t->check) {
		free(data);
		return NULL;
	}
	data[t->len] = '\0';
	return data;
}

/* Entry i of s, checked, in a new buffer (NUL-terminated), or NULL.
 * A small one is read with pread unless mapped is set: entries a rebuild
 * reads lie all over a large segment, and through the mapping each would
 * be a page fault. */
static char *seg_read(const struct seg *s, size_t i, int mapped)
{
	struct entry t = seg_entry(s, i);
	if (!s->map || (t.len < SEG_MAP_MIN && !mapped))
		return entry_read(s->fd, &t);
	const unsigned char *p = s->map + t.off;
	if (xxh64(p, (size_t)t.len, 4) != t.check)
		return NULL;
	char *data = malloc((size_t)t.len + 1);
	if (!data)
		return NULL;
	memcpy(data, p, (size_t)t.len);
	data[t.len] = '\0';
	return data;
}

static int get_entry(struct cache *c, const struct cache_key *k, char **data, size_t *len, int mapped)
{
	if (!c)
		return 0;
	for (size_t i = c->nsegs; i-- > 0;) {
		const struct seg *s = &c->segs[i];
		long j = seg_find(s, k);
		char *d = j < 0 ? NULL : seg_read(s, (size_t)j, mapped);
		if (!d)
			continue;
		atomic_store_explicit(&s->used[j], 1, memory_order_relaxed);
		*data = d;
		*len = (size_t)seg_entry(s, (size_t)j).len;
		return 1;
	}
	/* Then what this build has put: the build lets a large site's HTML
	 * wait here between its phases rather than in memory.  An entry is
	 * written after its place is taken: one read too early fails its
	 * check, a miss like any other.  (Keys are content-addressed but for
	 * a few read before they are put, so which copy is found first does
	 * not matter.) */
	struct entry t = { { { 0, 0 } }, 0, 0, 0 };
	pthread_mutex_lock(&c->lock);
	int fd = c->w.fd;
	uint32_t at = c->w.ix ? c->w.ix[writer_slot(&c->w, k)] : 0;
	if (at)
		t = c->w.tab[at - 1];
	pthread_mutex_unlock(&c->lock);
	char *d = at && fd >= 0 ? entry_read(fd, &t) : NULL;
	if (!d)
		return 0;
	*data = d;
	*len = (size_t)t.len;
	return 1;
}

int cache_get(struct cache *c, const struct cache_key *k, char **data, size_t *len)
{
	return get_entry(c, k, data, len, 0);
}

int cache_get_dense(struct cache *c, const struct cache_key *k, char **data, size_t *len)
{
	return get_entry(c, k, data, len, 1);
}

int cache_view(struct cache *c, const struct cache_key *k, const char **data, size_t *len)
{
	if (!c)
		return 0;
	/* A value this build put is newer than any segment's. */
	pthread_mutex_lock(&c->lock);
	int mine = c->w.ix && c->w.ix[writer_slot(&c->w, k)];
	pthread_mutex_unlock(&c->lock);
	for (size_t i = c->nsegs; !mine && i-- > 0;) {
		const struct seg *s = &c->segs[i];
		long j = seg_find(s, k);
		if (j < 0)
			continue;
		struct entry t = seg_entry(s, (size_t)j);
		if (!s->map || t.len < SEG_MAP_MIN || xxh64(s->map + t.off, (size_t)t.len, 4) != t.check)
			return 0;
		atomic_store_explicit(&s->used[j], 1, memory_order_relaxed);
		*data = (const char *)s->map + t.off;
		*len = (size_t)t.len;
		return 1;
	}
	return 0;
}

/* Touches the n keys k, their table rows fetched from memory together:
 * a lookup in a large segment is two cache misses, one after the other
 * (the slot, then the row it names), and a history's keys are looked up
 * by the dozen. */
void cache_touch_many(struct cache *c, const struct cache_key *k, size_t n)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nsegs; i++)
		for (size_t j = 0; j < n; j++)
			__builtin_prefetch(&c->segs[i].dir[k[j].h[0] >> (64 - c->segs[i].bits)]);
	for (size_t i = 0; i < c->nsegs; i++)
		for (size_t j = 0; j < n; j++) {
			const struct seg *s = &c->segs[i];
			size_t b = (size_t)(k[j].h[0] >> (64 - s->bits));
			if (s->dir[b] < s->dir[b + 1])
				__builtin_prefetch(s->tab + (size_t)s->dir[b] * ENTRY_SIZE);
		}
	for (size_t j = 0; j < n; j++)
		cache_touch(c, &k[j]);
}

int cache_touch(struct cache *c, const struct cache_key *k)
{
	for (size_t i = c ? c->nsegs : 0; i-- > 0;) {
		const struct seg *s = &c->segs[i];
		long j = seg_find(s, k);
		if (j >= 0) {
			atomic_store_explicit(&s->used[j], 1, memory_order_relaxed);
			return 1;
		}
	}
	return 0;
}

/* ---- writing segments ---------------------------------------------------- */

static int writer_open(struct cache *c, struct writer *w)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	memset(w, 0, sizeof *w);
	if (c->readonly) {
		/* this run's entries live in a file of no name, gone with it */
		const char *t = getenv("TMPDIR");
		char *name = xasprintf("%s/quire-XXXXXX", t && *t ? t : "/tmp");
		w->fd = mkostemp(name, O_CLOEXEC);
		if (w->fd >= 0)
			unlink(name);
		free(name);
	} else {
		w->tmp = xasprintf("%s/tmp-%ld-%lld-%ld-%p.part", c->dir, (long)getpid(), (long long)ts.tv_sec,
				   ts.tv_nsec, (void *)w);
		w->fd = open(w->tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	}
	if (w->fd < 0 || fs_write_all(w->fd, SEG_MAGIC, 8) < 0) {
		w->failed = 1;
		return -1;
	}
	w->off = 8;
	return 0;
}

/* Takes the place of an entry of len bytes in w's file (their check
 * given); the caller writes them there.  The offset, or -1 when w failed. */
static int64_t writer_claim(struct writer *w, const struct cache_key *k, size_t len, uint64_t check)
{
	if (w->failed || w->n >= UINT32_MAX - 1)
		return -1;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 1024;
		w->tab = xrealloc(w->tab, w->cap * sizeof *w->tab);
	}
	w->tab[w->n++] = (struct entry){ *k, w->off, len, check };
	writer_index(w, w->n - 1);
	w->off += len;
	return (int64_t)(w->off - len);
}

static void writer_add(struct writer *w, const struct cache_key *k, const void *data, size_t len)
{
	int64_t at = writer_claim(w, k, len, xxh64(data, len, 4));
	if (at >= 0 && write_at(w->fd, data, len, (uint64_t)at) < 0)
		w->failed = 1;
}

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Sorts the table (dropping repeated keys), writes it and the trailer, and
 * renames the file into place.  Frees w either way.  Returns 0 or -1. */
static int writer_finish(struct cache *c, struct writer *w)
{
	int rc = -1;
	unsigned char *raw = NULL;
	if (w->failed || w->fd < 0)
		goto fail;
	if (w->n)
		qsort(w->tab, w->n, sizeof *w->tab, entry_cmp);
	size_t n = 0;
	for (size_t i = 0; i < w->n; i++) {
		if (n && !key_cmp(&w->tab[n - 1].k, &w->tab[i].k))
			n--;
		w->tab[n++] = w->tab[i];
	}
	raw = xmalloc(n * ENTRY_SIZE + TRAILER_SIZE);
	for (size_t i = 0; i < n; i++) {
		unsigned char *e = raw + i * ENTRY_SIZE;
		put64(e, w->tab[i].k.h[0]);
		put64(e + 8, w->tab[i].k.h[1]);
		put64(e + 16, w->tab[i].off);
		put64(e + 24, w->tab[i].len);
		put64(e + 32, w->tab[i].check);
	}
	unsigned char *tr = raw + n * ENTRY_SIZE;
	put64(tr, n);
	put64(tr + 8, xxh64(raw, n * ENTRY_SIZE, 3));
	memcpy(tr + 16, SEG_MAGIC, 8);
	if (write_at(w->fd, raw, n * ENTRY_SIZE + TRAILER_SIZE, w->off) < 0)
		goto fail;
	int fd = w->fd;
	w->fd = -1;
	if (close(fd) < 0)
		goto fail;
	/* Named by time, so segments load oldest first and a key's newest
	 * value wins ('t' sorts after the hex of older, untimed names). */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	char *path = xasprintf("%s/seg-t%016llx%016llx.qcs", c->dir,
			       (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec,
			       (unsigned long long)xxh64(raw, n * ENTRY_SIZE + TRAILER_SIZE, (uint64_t)getpid()) ^
				       xxh64(w->tmp, strlen(w->tmp), 5));
	rc = rename(w->tmp, path) == 0 ? 0 : -1;
	free(path);
fail:
	if (w->fd >= 0)
		close(w->fd);
	if (rc < 0 && w->tmp)
		unlink(w->tmp);
	free(raw);
	free(w->tab);
	free(w->ix);
	free(w->tmp);
	memset(w, 0, sizeof *w);
	w->fd = -1;
	return rc;
}

/* Every rendering thread puts entries: the lock only hands out places in
 * the file, and the bytes are hashed and written outside it (a build at
 * 10,000 articles puts 100,000 entries; writing them under the lock was a
 * third of its threads' waits). */
void cache_put(struct cache *c, const struct cache_key *k, const void *data, size_t len)
{
	if (!c)
		return;
	uint64_t check = xxh64(data, len, 4);
	pthread_mutex_lock(&c->lock);
	if (c->w.fd < 0 && !c->w.failed)
		writer_open(c, &c->w);
	int64_t at = writer_claim(&c->w, k, len, check);
	int fd = c->w.fd;
	pthread_mutex_unlock(&c->lock);
	if (at >= 0 && write_at(fd, data, len, (uint64_t)at) < 0) {
		pthread_mutex_lock(&c->lock);
		c->w.failed = 1;
		pthread_mutex_unlock(&c->lock);
	}
}

void cache_put_many(struct cache *c, const struct cache_key *k, char *const *data, const size_t *len, size_t n)
{
	if (!c || !n)
		return;
	struct buf all = BUF_INIT;
	uint64_t *check = xmalloc(n * sizeof *check);
	for (size_t i = 0; i < n; i++) {
		check[i] = xxh64(data[i], len[i], 4);
		buf_put(&all, data[i], len[i]);
	}
	pthread_mutex_lock(&c->lock);
	if (c->w.fd < 0 && !c->w.failed)
		writer_open(c, &c->w);
	int64_t at = -1;
	size_t claimed = 0; /* bytes: the places follow one another, under one lock */
	for (size_t i = 0; i < n; i++) {
		int64_t a = writer_claim(&c->w, &k[i], len[i], check[i]);
		if (a < 0)
			break;
		if (i == 0)
			at = a;
		claimed += len[i];
	}
	int fd = c->w.fd;
	pthread_mutex_unlock(&c->lock);
	if (at >= 0 && claimed && write_at(fd, all.ptr, claimed, (uint64_t)at) < 0) {
		pthread_mutex_lock(&c->lock);
		c->w.failed = 1;
		pthread_mutex_unlock(&c->lock);
	}
	free(check);
	buf_free(&all);
}

/* Copies entry t of the file fd into w.  Returns 0 or -1. */
static int copy_entry(struct writer *w, int fd, const struct entry *t)
{
	char *d = entry_read(fd, t);
	if (!d)
		return -1;
	writer_add(w, &t->k, d, (size_t)t->len);
	free(d);
	return 0;
}

/* Copies entry i of s into w.  Returns 0 or -1. */
static int copy_seg_entry(struct writer *w, const struct seg *s, size_t i)
{
	char *d = seg_read(s, i, 0);
	if (!d)
		return -1;
	struct entry t = seg_entry(s, i);
	writer_add(w, &t.k, d, (size_t)t.len);
	free(d);
	return 0;
}

static void seg_free(struct seg *s)
{
	if (s->fd >= 0)
		close(s->fd);
	if (s->map)
		munmap((void *)s->map, s->map_len);
	free(s->tab_own);
	free(s->dir);
	free((void *)s->used);
	free(s->path);
}

static uint64_t seg_bytes(const struct seg *s, int used)
{
	uint64_t n = 0;
	for (size_t j = 0; j < s->n; j++)
		if (atomic_load_explicit(&s->used[j], memory_order_relaxed) == used)
			n += seg_entry(s, j).len;
	return n;
}

/* The first of the segments a complete build merges with its new entries
 * (oldest first; c->nsegs: none).  Only the newest ones are ever merged,
 * so the merged segment, named as the newest, holds no value older than
 * one it would hide. */
static size_t merge_from(const struct cache *c, int complete)
{
	uint64_t used = 0, unused = 0;
	for (size_t i = 0; i < c->nsegs; i++) {
		used += seg_bytes(&c->segs[i], 1);
		unused += seg_bytes(&c->segs[i], 0);
	}
	uint64_t fresh = 0;
	for (size_t j = 0; j < c->w.n; j++)
		fresh += c->w.tab[j].len;
	if (!complete || !c->nsegs)
		return c->nsegs;
	if (unused > used + fresh)
		return 0;
	size_t from = c->nsegs;
	if (from + (c->w.n > 0) <= MAX_SEGMENTS)
		return from;
	uint64_t newer = fresh;
	while (from > 0) {
		uint64_t b = seg_bytes(&c->segs[from - 1], 1);
		/* One merged segment and what is kept must fit the limit. */
		if (b > TIER * newer && from < MAX_SEGMENTS)
			break;
		newer += b;
		from--;
	}
	return from;
}

/* Deletes the oldest segments while a complete build used nothing of them
 * (a new quire or theme renders everything anew): merging them would only
 * copy the new entries into another file.  Newer ones stay, so no older
 * value of a key comes back. */
static void drop_unused(struct cache *c)
{
	size_t k = 0;
	for (; k < c->nsegs; k++) {
		int used = 0;
		for (size_t j = 0; j < c->segs[k].n && !used; j++)
			used = atomic_load_explicit(&c->segs[k].used[j], memory_order_relaxed);
		if (used)
			break;
		unlink(c->segs[k].path);
		seg_free(&c->segs[k]);
	}
	if (!k)
		return;
	memmove(c->segs, c->segs + k, (c->nsegs - k) * sizeof *c->segs);
	c->nsegs -= k;
}

void cache_close(struct cache *c, int complete)
{
	if (!c)
		return;
	if (c->readonly) {
		if (c->w.fd >= 0)
			close(c->w.fd);
		free(c->w.tab);
		free(c->w.ix);
		c->w = (struct writer){ .fd = -1 };
		goto free_all;
	}
	if (complete)
		drop_unused(c);
	size_t from = merge_from(c, complete);
	int done = 0;
	if (from < c->nsegs) {
		/* The new entries are read back from the file being written. */
		int rfd = c->w.tmp ? open(c->w.tmp, O_RDONLY | O_CLOEXEC) : -1;
		if (!c->w.failed && (c->w.n == 0 || rfd >= 0)) {
			struct writer w;
			int ok = writer_open(c, &w) == 0;
			for (size_t i = from; ok && i < c->nsegs; i++)
				for (size_t j = 0; j < c->segs[i].n; j++)
					if (atomic_load_explicit(&c->segs[i].used[j], memory_order_relaxed))
						copy_seg_entry(&w, &c->segs[i], j);
			for (size_t j = 0; ok && j < c->w.n; j++)
				copy_entry(&w, rfd, &c->w.tab[j]);
			if (writer_finish(c, &w) == 0) {
				done = 1;
				for (size_t i = from; i < c->nsegs; i++)
					unlink(c->segs[i].path);
			}
		}
		if (rfd >= 0)
			close(rfd);
	}
	if (done) {
		if (c->w.fd >= 0)
			close(c->w.fd);
		if (c->w.tmp)
			unlink(c->w.tmp);
		free(c->w.tab);
		free(c->w.ix);
		free(c->w.tmp);
	} else if (c->w.n || c->w.tmp) {
		writer_finish(c, &c->w);
	}
free_all:
	for (size_t i = 0; i < c->nsegs; i++)
		seg_free(&c->segs[i]);
	free(c->segs);
	pthread_mutex_destroy(&c->lock);
	free(c->dir);
	free(c);
}

/* ---- values -------------------------------------------------------------- */

void cache_w_u32(struct buf *b, uint32_t v)
{
	buf_put(b, (const char *)&v, sizeof v);
}

void cache_w_u64(struct buf *b, uint64_t v)
{
	cache_w_u32(b, (uint32_t)v);
	cache_w_u32(b, (uint32_t)(v >> 32));
}

void cache_w_str(struct buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	cache_w_u32(b, (uint32_t)n);
	buf_put(b, s ? s : "", n);
}

uint32_t cache_r_u32(struct cache_reader *r)
{
	uint32_t v = 0;
	if (r->bad || r->len - r->off < sizeof v) {
		r->bad = 1;
		return 0;
	}
	memcpy(&v, r->p + r->off, sizeof v);
	r->off += sizeof v;
	return v;
}

uint64_t cache_r_u64(struct cache_reader *r)
{
	uint64_t lo = cache_r_u32(r);
	return lo | (uint64_t)cache_r_u32(r) << 32;
}

char *cache_r_str(struct cache_reader *r)
{
	uint32_t n = cache_r_u32(r);
	if (r->bad || r->len - r->off < n) {
		r->bad = 1;
		return NULL;
	}
	char *s = xstrndup(r->p + r->off, n);
	r->off += n;
	return s;
}
