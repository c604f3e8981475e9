/* Tests for cache.c: entries survive the process, damaged files are
 * misses, the reader never overruns, unused entries are compacted away. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "fsutil.h"
#include "unit.h"

/* cache.c compacts beyond 8 segments; the tests go past that. */
#define MAX_SEGMENTS_FOR_TESTS 8

static char *new_site(void)
{
	char tmpl[] = "/tmp/quire-cache-test.XXXXXX";
	char *dir = mkdtemp(tmpl);
	return dir ? xstrdup(dir) : NULL;
}

static struct cache_key key(struct cache *c, const char *s)
{
	struct cache_keybuf kb;
	cache_key_begin(c, &kb, "test");
	cache_key_str(&kb, s);
	return cache_key_end(&kb);
}

static int get_str(struct cache *c, const char *k, char **out)
{
	struct cache_key ck = key(c, k);
	size_t len;
	return cache_get(c, &ck, out, &len);
}

static void put_str(struct cache *c, const char *k, const char *v)
{
	struct cache_key ck = key(c, k);
	cache_put(c, &ck, v, strlen(v));
}

/* How many segment files the cache holds. */
static int count_segments(const char *site)
{
	char *dir = xasprintf("%s/.quire-cache/build-cache-v1", site);
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += !strncmp(e->d_name, "seg-", 4);
	if (d)
		closedir(d);
	free(dir);
	return n;
}

static void overwrite_segments(const char *site, const char *bytes, size_t len, long at)
{
	char *dir = xasprintf("%s/.quire-cache/build-cache-v1", site);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, "seg-", 4))
			continue;
		char *p = xasprintf("%s/%s", dir, e->d_name);
		FILE *f = fopen(p, "r+");
		if (f) {
			fseek(f, at, at < 0 ? SEEK_END : SEEK_SET);
			fwrite(bytes, 1, len, f);
			fclose(f);
		}
		free(p);
	}
	if (d)
		closedir(d);
	free(dir);
}

static void an_entry_put_in_one_build_is_found_by_the_next(void)
{
	char *site = new_site();
	struct cache *c = cache_open(site);
	CHECK(c != NULL);
	char *v = NULL;
	CHECK(get_str(c, "page", &v) == 0);
	put_str(c, "page", "<p>rendered</p>");
	cache_close(c, 1);
	c = cache_open(site);
	CHECK(get_str(c, "page", &v) == 1);
	CHECK_STR(v, "<p>rendered</p>");
	free(v);
	v = NULL;
	CHECK(get_str(c, "other page", &v) == 0);
	cache_close(c, 1);
	fs_rm_rf(site);
	free(site);
}

static void a_flipped_byte_in_an_entry_makes_it_a_miss(void)
{
	char *site = new_site();
	struct cache *c = cache_open(site);
	put_str(c, "page", "<p>rendered</p>");
	cache_close(c, 1);
	overwrite_segments(site, "X", 1, 9); /* inside the entry's bytes */
	c = cache_open(site);
	char *v = NULL;
	CHECK(get_str(c, "page", &v) == 0);
	CHECK(v == NULL);
	cache_close(c, 1);
	fs_rm_rf(site);
	free(site);
}

static void a_garbage_or_truncated_segment_is_ignored(void)
{
	char *site = new_site();
	struct cache *c = cache_open(site);
	put_str(c, "page", "<p>rendered</p>");
	cache_close(c, 1);
	overwrite_segments(site, "garbage garbage garbage garbage garbage", 39, -39);
	c = cache_open(site);
	CHECK(c != NULL);
	char *v = NULL;
	CHECK(get_str(c, "page", &v) == 0);
	put_str(c, "page", "again");
	cache_close(c, 1);
	c = cache_open(site);
	CHECK(get_str(c, "page", &v) == 1);
	CHECK_STR(v, "again");
	free(v);
	cache_close(c, 1);
	fs_rm_rf(site);
	free(site);
}

static void entries_a_complete_build_did_not_use_are_compacted_away(void)
{
	char *site = new_site();
	struct cache *c = cache_open(site);
	put_str(c, "old", "a long value nobody will read again, a long value nobody will read again");
	put_str(c, "kept", "short");
	cache_close(c, 1);
	c = cache_open(site);
	char *v = NULL;
	CHECK(get_str(c, "kept", &v) == 1);
	free(v);
	cache_close(c, 1);
	CHECK(count_segments(site) == 1);
	c = cache_open(site);
	v = NULL;
	CHECK(get_str(c, "old", &v) == 0);
	CHECK(get_str(c, "kept", &v) == 1);
	CHECK_STR(v, "short");
	free(v);
	cache_close(c, 1);
	fs_rm_rf(site);
	free(site);
}

/* A build parks a large site's HTML in the cache between its phases:
 * what it puts is found before the cache is closed, the newest value of a
 * key put twice, and still after the close. */
static void an_entry_is_found_in_the_build_that_put_it(void)
{
	char *site = new_site();
	struct cache *c = cache_open(site);
	char *v = NULL;
	CHECK(get_str(c, "page", &v) == 0);
	for (int i = 0; i < 3000; i++) {
		char k[32], val[32];
		snprintf(k, sizeof k, "k%d", i);
		snprintf(val, sizeof val, "value %d", i);
		put_str(c, k, val);
	}
	put_str(c, "page", "<p>first</p>");
	put_str(c, "page", "<p>second</p>");
	CHECK(get_str(c, "page", &v) == 1);
	CHECK_STR(v, "<p>second</p>");
	free(v);
	v = NULL;
	CHECK(get_str(c, "k2999", &v) == 1);
	CHECK_STR(v, "value 2999");
	free(v);
	v = NULL;
	CHECK(get_str(c, "k0", &v) == 1);
	CHECK_STR(v, "value 0");
	free(v);
	v = NULL;
	CHECK(get_str(c, "absent", &v) == 0);
	cache_close(c, 1);
	c = cache_open(site);
	CHECK(get_str(c, "page", &v) == 1);
	CHECK_STR(v, "<p>second</p>");
	free(v);
	cache_close(c, 1);
	fs_rm_rf(site);
	free(site);
}

/* A new quire (or theme) renders everything anew: the segments the
 * complete build used nothing of are deleted, however small, not copied
 * into the new one (that copy was most of the end of such a build). */
static void segments_a_complete_build_used_nothing_of_are_deleted(void)
{
	char *site = new_site();
	struct cache *c = cache_open(site);
	put_str(c, "old", "tiny");
	cache_close(c, 1);
	c = cache_open(site);
	put_str(c, "new", "a value far longer than the old one, which nobody looks up again");
	cache_close(c, 1);
	CHECK(count_segments(site) == 1);
	c = cache_open(site);
	char *v = NULL;
	CHECK(get_str(c, "old", &v) == 0);
	free(v);
	v = NULL;
	CHECK(get_str(c, "new", &v) == 1);
	CHECK_STR(v, "a value far longer than the old one, which nobody looks up again");
	free(v);
	cache_close(c, 1);
	fs_rm_rf(site);
	free(site);
}

/* The name of the one segment file the cache holds (caller frees). */
static char *only_segment(const char *site)
{
	char *dir = xasprintf("%s/.quire-cache/build-cache-v1", site);
	DIR *d = opendir(dir);
	char *name = NULL;
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, "seg-", 4)) {
			free(name);
			name = xasprintf("%s/%s", dir, e->d_name);
		}
	if (d)
		closedir(d);
	free(dir);
	return name;
}

/* A cold build leaves one big segment; every rebuild adds a small one.
 * Past the limit, the small ones are merged and the big one is left as it
 * is (rewriting it made every eighth rebuild copy the whole cache). */
static void merging_small_segments_leaves_the_big_one_alone(void)
{
	char *site = new_site();
	struct cache *c = cache_open(site);
	char *big = xmalloc(200000);
	memset(big, 'b', 199999);
	big[199999] = 0;
	put_str(c, "big", big);
	cache_close(c, 1);
	char *first = only_segment(site);
	CHECK(first != NULL);
	for (int round = 1; round <= 3 * MAX_SEGMENTS_FOR_TESTS; round++) {
		c = cache_open(site);
		char *v = NULL;
		CHECK(get_str(c, "big", &v) == 1);
		CHECK(v && !strcmp(v, big));
		free(v);
		char k[16], want[16];
		for (int i = 1; i < round; i++) {
			snprintf(k, sizeof k, "k%d", i);
			snprintf(want, sizeof want, "v%d", i);
			v = NULL;
			CHECK(get_str(c, k, &v) == 1);
			CHECK_STR(v, want);
			free(v);
		}
		snprintf(k, sizeof k, "k%d", round);
		snprintf(want, sizeof want, "v%d", round);
		put_str(c, k, want);
		cache_close(c, 1);
		CHECK(count_segments(site) <= MAX_SEGMENTS_FOR_TESTS);
		CHECK(access(first, F_OK) == 0);
	}
	free(first);
	free(big);
	fs_rm_rf(site);
	free(site);
}

/* Lookups in a segment of many entries (found by guessing a key's place
 * from its value): every key put is found with its value, and keys never
 * put are misses. */
static void every_key_of_a_big_segment_is_found(void)
{
	char *site = new_site();
	struct cache *c = cache_open(site);
	char k[32], v[32];
	for (int i = 0; i < 20000; i++) {
		snprintf(k, sizeof k, "key %d", i);
		snprintf(v, sizeof v, "value %d", i);
		put_str(c, k, v);
	}
	cache_close(c, 1);
	c = cache_open(site);
	int found = 0, wrong = 0, phantom = 0;
	for (int i = 0; i < 20000; i++) {
		snprintf(k, sizeof k, "key %d", i);
		snprintf(v, sizeof v, "value %d", i);
		char *got = NULL;
		if (get_str(c, k, &got)) {
			found++;
			wrong += strcmp(got, v) != 0;
		}
		free(got);
		snprintf(k, sizeof k, "absent %d", i);
		got = NULL;
		phantom += get_str(c, k, &got);
		free(got);
	}
	CHECK(found == 20000);
	CHECK(wrong == 0);
	CHECK(phantom == 0);
	cache_close(c, 1);
	fs_rm_rf(site);
	free(site);
}

/* Keys are placed by their top bits; keys that are not spread (all in
 * the first or last place of the table, or at either end of the range)
 * are still every one found, and keys between them are misses. */
static void keys_crowded_in_one_place_are_all_found(void)
{
	char *site = new_site();
	struct cache *c = cache_open(site);
	char v[32];
	for (uint64_t i = 0; i < 3000; i++) {
		struct cache_key lo = { { i * 2, 7 } }, hi = { { UINT64_MAX - i * 2, 7 } };
		snprintf(v, sizeof v, "low %llu", (unsigned long long)i);
		cache_put(c, &lo, v, strlen(v));
		snprintf(v, sizeof v, "high %llu", (unsigned long long)i);
		cache_put(c, &hi, v, strlen(v));
	}
	cache_close(c, 1);
	c = cache_open(site);
	int found = 0, wrong = 0, phantom = 0;
	for (uint64_t i = 0; i < 3000; i++) {
		struct cache_key lo = { { i * 2, 7 } }, hi = { { UINT64_MAX - i * 2, 7 } };
		struct cache_key gap = { { i * 2 + 1, 7 } }, other = { { i * 2, 8 } };
		char *got = NULL;
		size_t len;
		snprintf(v, sizeof v, "low %llu", (unsigned long long)i);
		if (cache_get(c, &lo, &got, &len)) {
			found++;
			wrong += strcmp(got, v) != 0;
			free(got);
		}
		snprintf(v, sizeof v, "high %llu", (unsigned long long)i);
		if (cache_get(c, &hi, &got, &len)) {
			found++;
			wrong += strcmp(got, v) != 0;
			free(got);
		}
		if (cache_get(c, &gap, &got, &len)) {
			phantom++;
			free(got);
		}
		if (cache_get(c, &other, &got, &len)) {
			phantom++;
			free(got);
		}
	}
	CHECK(found == 6000);
	CHECK(wrong == 0);
	CHECK(phantom == 0);
	cache_close(c, 1);
	fs_rm_rf(site);
	free(site);
}

/* XXH64 as its specification gives it, in one piece, to check the key
 * hashed as its material comes. */
static uint64_t ref_rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t ref_round(uint64_t acc, uint64_t in)
{
	acc += in * 0xC2B2AE3D27D4EB4FULL;
	return ref_rotl(acc, 31) * 0x9E3779B185EBCA87ULL;
}

/* The four lanes after every whole 32-byte stripe of p (seed 0). */
static void ref_lanes(const unsigned char *p, size_t len, uint64_t v[4])
{
	const uint64_t P1 = 0x9E3779B185EBCA87ULL, P2 = 0xC2B2AE3D27D4EB4FULL;
	uint64_t x;
	v[0] = P1 + P2, v[1] = P2, v[2] = 0, v[3] = -P1;
	for (; len >= 32; p += 32, len -= 32)
		for (int i = 0; i < 4; i++) {
			memcpy(&x, p + 8 * i, 8);
			v[i] = ref_round(v[i], x);
		}
}

static uint64_t ref_xxh64(const unsigned char *p, size_t len, uint64_t seed)
{
	const uint64_t P1 = 0x9E3779B185EBCA87ULL, P2 = 0xC2B2AE3D27D4EB4FULL, P3 = 0x165667B19E3779F9ULL,
		       P4 = 0x85EBCA77C2B2AE63ULL, P5 = 0x27D4EB2F165667C5ULL;
	const unsigned char *end = p + len;
	uint64_t h, v[4] = { seed + P1 + P2, seed + P2, seed, seed - P1 }, x;
	if (len >= 32) {
		for (; end - p >= 32; p += 32)
			for (int i = 0; i < 4; i++) {
				memcpy(&x, p + 8 * i, 8);
				v[i] = ref_round(v[i], x);
			}
		h = ref_rotl(v[0], 1) + ref_rotl(v[1], 7) + ref_rotl(v[2], 12) + ref_rotl(v[3], 18);
		for (int i = 0; i < 4; i++)
			h = (h ^ ref_round(0, v[i])) * P1 + P4;
	} else {
		h = seed + P5;
	}
	h += len;
	for (; end - p >= 8; p += 8) {
		memcpy(&x, p, 8);
		h = ref_rotl(h ^ ref_round(0, x), 27) * P1 + P4;
	}
	if (end - p >= 4) {
		uint32_t y;
		memcpy(&y, p, 4);
		h = ref_rotl(h ^ (uint64_t)y * P1, 23) * P2 + P3;
		p += 4;
	}
	for (; p < end; p++)
		h = ref_rotl(h ^ (uint64_t)*p * P5, 11) * P1;
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	return h ^ (h >> 32);
}

/* A key is the XXH64 of its material (each string as a 1, its length in
 * 8 bytes and its bytes), then the XXH64 (another seed) of the lanes that
 * hash is made from, the bytes after its last whole stripe and the
 * length.  Whatever the length, across the 32-byte stripes. */
static void a_key_is_the_xxh64_of_its_material(void)
{
	unsigned char mat[256], text[128];
	CHECK(ref_xxh64((const unsigned char *)"", 0, 0) == 0xEF46DB3751D8E999ULL); /* the specification's value */
	for (size_t n = 0; n < sizeof text; n++) {
		for (size_t i = 0; i < n; i++)
			text[i] = (unsigned char)('a' + (i * 7 + n) % 26);
		struct cache_keybuf kb;
		cache_key_begin(NULL, &kb, "x");
		cache_key_bytes(&kb, text, n);
		struct cache_key k = cache_key_end(&kb);
		size_t m = 0;
		uint64_t one = 1, len = n;
		mat[m++] = 1;
		memcpy(mat + m, &one, 8);
		m += 8;
		mat[m++] = 'x';
		memcpy(mat + m, &len, 8);
		m += 8;
		memcpy(mat + m, text, n);
		m += n;
		CHECK(k.h[0] == ref_xxh64(mat, m, 0));
		unsigned char st[72];
		uint64_t v[4], total = m;
		ref_lanes(mat, m, v);
		memcpy(st, v, 32);
		memcpy(st + 32, mat + m / 32 * 32, m % 32);
		memcpy(st + 32 + m % 32, &total, 8);
		CHECK(k.h[1] == ref_xxh64(st, 32 + m % 32 + 8, 0x2545F4914F6CDD1DULL));
	}
}

static void an_incomplete_build_never_drops_entries(void)
{
	char *site = new_site();
	struct cache *c = cache_open(site);
	put_str(c, "a", "one value that is not looked up by the failed build");
	cache_close(c, 1);
	c = cache_open(site);
	put_str(c, "b", "x");
	cache_close(c, 0);
	c = cache_open(site);
	char *v = NULL;
	CHECK(get_str(c, "a", &v) == 1);
	free(v);
	CHECK(get_str(c, "b", &v) == 1);
	free(v);
	cache_close(c, 0);
	fs_rm_rf(site);
	free(site);
}

static void keys_differ_when_fields_are_split_differently(void)
{
	char *site = new_site();
	struct cache *c = cache_open(site);
	struct cache_keybuf kb;
	cache_key_begin(c, &kb, "k");
	cache_key_str(&kb, "ab");
	cache_key_str(&kb, "c");
	struct cache_key k1 = cache_key_end(&kb);
	cache_key_begin(c, &kb, "k");
	cache_key_str(&kb, "a");
	cache_key_str(&kb, "bc");
	struct cache_key k2 = cache_key_end(&kb);
	cache_key_begin(c, &kb, "k");
	cache_key_str(&kb, NULL);
	struct cache_key k3 = cache_key_end(&kb);
	cache_key_begin(c, &kb, "k");
	cache_key_str(&kb, "");
	struct cache_key k4 = cache_key_end(&kb);
	CHECK(memcmp(&k1, &k2, sizeof k1) != 0);
	CHECK(memcmp(&k3, &k4, sizeof k3) != 0);
	cache_close(c, 0);
	fs_rm_rf(site);
	free(site);
}

static void the_reader_stops_at_the_end_of_an_entry(void)
{
	struct buf b = BUF_INIT;
	cache_w_u32(&b, 7);
	cache_w_str(&b, "hello");
	struct cache_reader r = { .p = b.ptr, .len = b.len };
	CHECK(cache_r_u32(&r) == 7);
	char *s = cache_r_str(&r);
	CHECK_STR(s, "hello");
	free(s);
	CHECK(!r.bad);
	CHECK(cache_r_u32(&r) == 0);
	CHECK(r.bad);
	/* A length that claims more bytes than there are. */
	struct buf lie = BUF_INIT;
	cache_w_u32(&lie, 1000000);
	buf_puts(&lie, "short");
	struct cache_reader r2 = { .p = lie.ptr, .len = lie.len };
	CHECK(cache_r_str(&r2) == NULL);
	CHECK(r2.bad);
	buf_free(&b);
	buf_free(&lie);
}

/* An output manifest is stored under the same key by every build: the
 * newest value must win, across segments and through compaction. */
static void a_key_put_again_by_a_later_build_reads_its_newest_value(void)
{
	char *site = new_site();
	char want[32];
	for (int round = 0; round < 3 * MAX_SEGMENTS_FOR_TESTS; round++) {
		struct cache *c = cache_open(site);
		char *v = NULL;
		if (round) {
			CHECK(get_str(c, "manifest", &v));
			CHECK_STR(v, want);
		}
		free(v);
		snprintf(want, sizeof want, "build %d", round);
		put_str(c, "manifest", want);
		/* a build putting it twice: the later value is the one kept */
		if (round % 4 == 1) {
			put_str(c, "manifest", "overwritten");
			put_str(c, "manifest", want);
		}
		cache_close(c, round % 2);
	}
	struct cache *c = cache_open(site);
	char *v = NULL;
	CHECK(get_str(c, "manifest", &v));
	CHECK_STR(v, want);
	free(v);
	cache_close(c, 1);
	fs_rm_rf(site);
	free(site);
}

/* An article's diffs and past versions are found under keys derived from
 * one: each of a family differs from the others and from every other
 * family's, and is the same in the next build. */
static void derived_keys_are_distinct_and_stable(void)
{
	struct cache_keybuf kb;
	struct cache_key a, b;
	cache_key_begin(NULL, &kb, "family");
	cache_key_str(&kb, "a");
	a = cache_key_end(&kb);
	cache_key_begin(NULL, &kb, "family");
	cache_key_str(&kb, "b");
	b = cache_key_end(&kb);
	enum { N = 2000 };
	static struct cache_key all[2 * N];
	for (uint64_t n = 0; n < N; n++) {
		all[n] = cache_key_derive(&a, n);
		all[N + n] = cache_key_derive(&b, n);
	}
	int same = 0;
	for (size_t i = 0; i < 2 * N; i++)
		for (size_t j = i + 1; j < 2 * N; j++)
			same += all[i].h[0] == all[j].h[0] || all[i].h[1] == all[j].h[1];
	CHECK(same == 0);
	struct cache_key again = cache_key_derive(&a, 7);
	CHECK(again.h[0] == all[7].h[0] && again.h[1] == all[7].h[1]);
	CHECK(all[0].h[0] != a.h[0] && all[0].h[1] != a.h[1]);
}

/* A large entry of an earlier build is seen in place, as cache_get reads
 * it; a small one, a damaged one or one this build put again is not
 * (the caller falls back to cache_get). */
static void a_large_entry_is_viewed_in_place(void)
{
	char *site = new_site();
	size_t n = 300 * 1024;
	char *big = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		big[i] = (char)('a' + i % 23);
	struct cache *c = cache_open(site);
	struct cache_key kb = key(c, "manifest"), ks = key(c, "small");
	cache_put(c, &kb, big, n);
	put_str(c, "small", "tiny");
	cache_close(c, 1);

	c = cache_open(site);
	const char *v = NULL;
	size_t len = 0;
	CHECK(cache_view(c, &kb, &v, &len) == 1);
	CHECK(len == n && v && !memcmp(v, big, n));
	CHECK(cache_view(c, &ks, &v, &len) == 0);
	big[0] = 'Z';
	cache_put(c, &kb, big, n);
	CHECK(cache_view(c, &kb, &v, &len) == 0);
	cache_close(c, 0);

	/* the newest of the two, then damaged: a miss, not bad bytes */
	c = cache_open(site);
	CHECK(cache_view(c, &kb, &v, &len) == 1 && v[0] == 'Z');
	cache_close(c, 0);
	overwrite_segments(site, "#", 1, 100);
	c = cache_open(site);
	CHECK(cache_view(c, &kb, &v, &len) == 0);
	cache_close(c, 0);
	free(big);
	fs_rm_rf(site);
	free(site);
}

/* Entries put together are found one by one, by cache_get and by
 * cache_get_dense, each with its own bytes (none of its neighbours'). */
static void entries_put_together_are_found_one_by_one(void)
{
	char *site = new_site();
	struct cache *c = cache_open(site);
	struct cache_key k[3] = { key(c, "b1"), key(c, "b2"), key(c, "b3") };
	char *data[3] = { "first", "", "third entry" };
	size_t len[3] = { 5, 0, 11 };
	put_str(c, "before", "single");
	cache_put_many(c, k, data, len, 3);
	put_str(c, "after", "single again");
	cache_close(c, 1);
	c = cache_open(site);
	for (int i = 0; i < 3; i++) {
		char *v = NULL, *w = NULL;
		size_t n = 99, m = 99;
		CHECK(cache_get(c, &k[i], &v, &n) == 1 && n == len[i] && !memcmp(v, data[i], n));
		CHECK(cache_get_dense(c, &k[i], &w, &m) == 1 && m == len[i] && !strcmp(w, data[i]));
		free(v);
		free(w);
	}
	char *v = NULL;
	CHECK(get_str(c, "before", &v) == 1);
	CHECK_STR(v, "single");
	free(v);
	CHECK(get_str(c, "after", &v) == 1);
	CHECK_STR(v, "single again");
	free(v);
	cache_close(c, 1);
	fs_rm_rf(site);
	free(site);
}

/* Every file of the cache folder with its size and time, one per line. */
static char *listing(const char *site)
{
	char *dir = xasprintf("%s/.quire-cache/build-cache-v1", site);
	struct buf b = BUF_INIT;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		struct stat st;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		if (e->d_name[0] != '.' && stat(path, &st) == 0)
			buf_printf(&b, "%s %lld %lld.%09ld\n", e->d_name, (long long)st.st_size,
				   (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
		free(path);
	}
	if (d)
		closedir(d);
	free(dir);
	return buf_detach(&b);
}

/* quire check reads the builds' entries and writes nothing: what it puts
 * is found while it runs and gone after, even after a complete close. */
static void a_read_only_cache_reads_and_leaves_the_folder_alone(void)
{
	char *site = new_site();
	CHECK(cache_open_readonly(site) == NULL); /* no cache yet */
	struct cache *c = cache_open(site);
	put_str(c, "page", "<p>built</p>");
	cache_close(c, 1);
	char *before = listing(site);
	c = cache_open_readonly(site);
	CHECK(c != NULL);
	char *v = NULL;
	CHECK(get_str(c, "page", &v) == 1);
	CHECK_STR(v, "<p>built</p>");
	free(v);
	v = NULL;
	put_str(c, "checked", "<p>checked</p>");
	CHECK(get_str(c, "checked", &v) == 1);
	CHECK_STR(v, "<p>checked</p>");
	free(v);
	v = NULL;
	cache_close(c, 1);
	char *after = listing(site);
	CHECK_STR(after, before);
	c = cache_open(site);
	CHECK(get_str(c, "checked", &v) == 0);
	CHECK(get_str(c, "page", &v) == 1);
	free(v);
	cache_close(c, 1);
	free(before);
	free(after);
	fs_rm_rf(site);
	free(site);
}

int main(void)
{
	RUN(an_entry_put_in_one_build_is_found_by_the_next);
	RUN(a_flipped_byte_in_an_entry_makes_it_a_miss);
	RUN(a_garbage_or_truncated_segment_is_ignored);
	RUN(entries_a_complete_build_did_not_use_are_compacted_away);
	RUN(segments_a_complete_build_used_nothing_of_are_deleted);
	RUN(an_entry_is_found_in_the_build_that_put_it);
	RUN(merging_small_segments_leaves_the_big_one_alone);
	RUN(every_key_of_a_big_segment_is_found);
	RUN(keys_crowded_in_one_place_are_all_found);
	RUN(a_key_is_the_xxh64_of_its_material);
	RUN(an_incomplete_build_never_drops_entries);
	RUN(keys_differ_when_fields_are_split_differently);
	RUN(derived_keys_are_distinct_and_stable);
	RUN(the_reader_stops_at_the_end_of_an_entry);
	RUN(a_key_put_again_by_a_later_build_reads_its_newest_value);
	RUN(a_large_entry_is_viewed_in_place);
	RUN(entries_put_together_are_found_one_by_one);
	RUN(a_read_only_cache_reads_and_leaves_the_folder_alone);
	UNIT_END();
}
