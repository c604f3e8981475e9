/* near: names one edit away (see near.h).
 *
 * Every name goes into one sorted table under the hash of its text and
 * under the hash of each text it gives with one character dropped.  A
 * name one edit from the query then shares an entry with it: the query
 * with a character dropped is the name (an extra character), the name
 * with one dropped is the query (a missing one), or both with one dropped
 * are the same (a changed character, two swapped).  What the table finds
 * is checked with near_distance, since two texts that agree once each has
 * lost a character may be two edits apart ("xabc", "abcy"). */
#include "near.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Longer names are not indexed: a mistyped title is shorter. */
#define NEAR_MAX_NAME 200
/* Candidates checked per query at most, so that thousands of names alike
 * ("part-1" … "part-999") cannot make one hint slow. */
#define NEAR_MAX_CHECKED 256

struct entry {
	uint64_t hash;
	uint32_t name;
};

struct near_index {
	char **names;
	int *ids;
	size_t n, cap;
	struct entry *e;
	size_t ne, cape;
	/* where the entries whose hash starts with each value of its top
	 * bits begin (sealed): a lookup reads one run, not a binary search
	 * of a million entries */
	uint32_t *start;
	int bits;
};

struct near_index *near_new(void)
{
	return xcalloc(1, sizeof(struct near_index));
}

void near_free(struct near_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->n; i++)
		free(ix->names[i]);
	free(ix->names);
	free(ix->ids);
	free(ix->e);
	free(ix->start);
	free(ix);
}

/* The length in bytes of the character at s (n > 0 bytes left): a byte
 * that starts no UTF-8 sequence counts as one. */
static size_t char_len(const char *s, size_t n)
{
	size_t k = utf8_seq((const unsigned char *)s, n);
	return k ? k : 1;
}

/* A text's hash is polynomial, so that of the text with any one character
 * dropped comes from its prefix hashes in a few operations: at 10,000
 * articles the index holds a million such texts. */
#define MUL 0x100000001b3ULL

struct hashes {
	uint64_t pre[NEAR_MAX_NAME + 1], pw[NEAR_MAX_NAME + 1];
	size_t n;
};

static void hashes_of(struct hashes *h, const char *s, size_t n)
{
	h->n = n;
	h->pre[0] = 0;
	h->pw[0] = 1;
	for (size_t k = 0; k < n; k++) {
		h->pre[k + 1] = h->pre[k] * MUL + (unsigned char)s[k] + 1;
		h->pw[k + 1] = h->pw[k] * MUL;
	}
}

/* Spreads the polynomial's bits (its low bits alone are weak). */
static uint64_t mix(uint64_t x, size_t n)
{
	x ^= (uint64_t)n * 0x9E3779B97F4A7C15ULL;
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

/* The hash of the text without its bytes [a, b) ([0, 0): the whole). */
static uint64_t hash_without(const struct hashes *h, size_t a, size_t b)
{
	uint64_t tail = h->pre[h->n] - h->pre[b] * h->pw[h->n - b];
	return mix(h->pre[a] * h->pw[h->n - b] + tail, h->n - (b - a));
}

static void put_entry(struct near_index *ix, uint64_t hash, size_t name)
{
	if (ix->ne == ix->cape) {
		ix->cape = ix->cape ? ix->cape * 2 : 1024;
		ix->e = xrealloc(ix->e, ix->cape * sizeof *ix->e);
	}
	ix->e[ix->ne++] = (struct entry){ hash, (uint32_t)name };
}

void near_add(struct near_index *ix, const char *name, int id)
{
	size_t n = strlen(name);
	if (!n || n > NEAR_MAX_NAME || ix->n >= UINT32_MAX)
		return;
	if (ix->n == ix->cap) {
		ix->cap = ix->cap ? ix->cap * 2 : 64;
		ix->names = xrealloc(ix->names, ix->cap * sizeof *ix->names);
		ix->ids = xrealloc(ix->ids, ix->cap * sizeof *ix->ids);
	}
	size_t k = ix->n++;
	ix->names[k] = xstrdup(name);
	ix->ids[k] = id;
	struct hashes h;
	hashes_of(&h, name, n);
	put_entry(ix, hash_without(&h, 0, 0), k);
	for (size_t at = 0, len; at < n; at += len) {
		len = char_len(name + at, n - at);
		put_entry(ix, hash_without(&h, at, at + len), k);
	}
}

/* By hash, a radix sort of 16 bits a pass: stable, so the entries of one
 * hash stay in the order their names were added. */
void near_seal(struct near_index *ix)
{
	struct entry *tmp = xmalloc((ix->ne ? ix->ne : 1) * sizeof *tmp), *from = ix->e, *to = tmp;
	size_t *count = xmalloc(65536 * sizeof *count);
	for (int shift = 0; shift < 64; shift += 16) {
		memset(count, 0, 65536 * sizeof *count);
		for (size_t i = 0; i < ix->ne; i++)
			count[(from[i].hash >> shift) & 0xFFFF]++;
		size_t sum = 0;
		for (size_t d = 0; d < 65536; d++) {
			size_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < ix->ne; i++)
			to[count[(from[i].hash >> shift) & 0xFFFF]++] = from[i];
		struct entry *t = from;
		from = to;
		to = t;
	}
	free(count);
	free(to); /* (four passes: the sorted entries are back in ix->e) */
	ix->bits = 4;
	while (ix->bits < 24 && ((size_t)4 << ix->bits) < ix->ne) /* about four a run */
		ix->bits++;
	size_t nb = (size_t)1 << ix->bits;
	ix->start = xmalloc((nb + 1) * sizeof *ix->start);
	size_t i = 0;
	for (size_t b = 0; b < nb; b++) {
		ix->start[b] = (uint32_t)i;
		while (i < ix->ne && (ix->e[i].hash >> (64 - ix->bits)) == b)
			i++;
	}
	ix->start[nb] = (uint32_t)i;
}

struct found {
	uint32_t v[NEAR_MAX_CHECKED];
	size_t n;
};

/* Adds the names filed under hash h to f (until it is full). */
static void lookup(const struct near_index *ix, uint64_t h, struct found *f)
{
	if (!ix->start)
		return;
	size_t b = h >> (64 - ix->bits), end = ix->start[b + 1];
	for (size_t i = ix->start[b]; i < end && ix->e[i].hash <= h && f->n < NEAR_MAX_CHECKED; i++)
		if (ix->e[i].hash == h)
			f->v[f->n++] = ix->e[i].name;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

size_t near_find(const struct near_index *ix, const char *name, int *ids, size_t max)
{
	size_t n = strlen(name);
	if (!ix || !n || n > NEAR_MAX_NAME)
		return 0;
	struct found *f = xmalloc(sizeof *f);
	struct hashes *h = xmalloc(sizeof *h);
	f->n = 0;
	hashes_of(h, name, n);
	lookup(ix, hash_without(h, 0, 0), f);
	for (size_t at = 0, len; at < n; at += len) {
		len = char_len(name + at, n - at);
		lookup(ix, hash_without(h, at, at + len), f);
	}
	free(h);
	qsort(f->v, f->n, sizeof *f->v, cmp_u32);
	size_t got = 0;
	for (size_t i = 0; i < f->n && got < max; i++) {
		if (i && f->v[i] == f->v[i - 1])
			continue;
		int id = ix->ids[f->v[i]], seen = 0;
		for (size_t k = 0; k < got; k++)
			seen |= ids[k] == id;
		if (!seen && near_distance(name, ix->names[f->v[i]], 1) == 1)
			ids[got++] = id;
	}
	free(f);
	return got;
}

/* Texts longer than this (in bytes) are no one's slip of another. */
#define NEAR_MAX_TEXT 256

/* s's characters as numbers (a character's bytes, packed) into v (room
 * for NEAR_MAX_TEXT); returns how many. */
static size_t chars_of(const char *s, size_t n, uint32_t *v)
{
	size_t m = 0;
	for (size_t at = 0, len; at < n; at += len) {
		len = char_len(s + at, n - at);
		uint32_t c = 0;
		for (size_t k = 0; k < len; k++)
			c = c << 8 | (unsigned char)s[at + k];
		v[m++] = c;
	}
	return m;
}

/* Optimal string alignment in a band: only the cells within max of the
 * diagonal can end at max or less, so a pair costs its length times
 * 2 max + 1, and a row whose every cell is past max ends it. */
int near_distance(const char *a, const char *b, int max)
{
	size_t na = strlen(a), nb = strlen(b);
	if (max < 0)
		return max + 1;
	size_t lim = (size_t)max, big = lim + 1;
	/* (a character is at most 4 bytes: a byte count this far apart is
	 * a character count too far apart) */
	if (na > NEAR_MAX_TEXT || nb > NEAR_MAX_TEXT || (na > nb ? na - nb : nb - na) > 4 * lim)
		return max + 1;
	uint32_t x[NEAR_MAX_TEXT], y[NEAR_MAX_TEXT];
	size_t la = chars_of(a, na, x), lb = chars_of(b, nb, y);
	if ((la > lb ? la - lb : lb - la) > lim)
		return max + 1;
	size_t rows[3][NEAR_MAX_TEXT + 1];
	size_t *r0 = rows[0], *r1 = rows[1], *r2 = rows[2];
	for (size_t j = 0; j <= lb; j++)
		r1[j] = j <= lim ? j : big;
	for (size_t i = 1; i <= la; i++) {
		size_t lo = i > lim ? i - lim : 1, hi = i + lim < lb ? i + lim : lb, least = big;
		r2[0] = i <= lim ? i : big;
		if (lo > 1)
			r2[lo - 1] = big;
		for (size_t j = lo; j <= hi; j++) {
			size_t v = r1[j - 1] + (x[i - 1] != y[j - 1]);
			if (r1[j] + 1 < v)
				v = r1[j] + 1;
			if (r2[j - 1] + 1 < v)
				v = r2[j - 1] + 1;
			if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] && r0[j - 2] + 1 < v)
				v = r0[j - 2] + 1;
			r2[j] = v < big ? v : big;
			if (r2[j] < least)
				least = r2[j];
		}
		if (hi < lb)
			r2[hi + 1] = big;
		if (least > lim && (i > lim || r2[0] > lim))
			return max + 1;
		size_t *t = r0;
		r0 = r1;
		r1 = r2;
		r2 = t;
	}
	return r1[lb] <= lim ? (int)r1[lb] : max + 1;
}
