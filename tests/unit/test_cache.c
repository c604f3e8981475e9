/* Tests for cache.c: entries survive the process, damaged files are
 * misses, the reader never overruns, unused entries are compacted away. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int main(void)
{
	RUN(an_entry_put_in_one_build_is_found_by_the_next);
	RUN(a_flipped_byte_in_an_entry_makes_it_a_miss);
	RUN(a_garbage_or_truncated_segment_is_ignored);
	RUN(entries_a_complete_build_did_not_use_are_compacted_away);
	RUN(merging_small_segments_leaves_the_big_one_alone);
	RUN(every_key_of_a_big_segment_is_found);
	RUN(an_incomplete_build_never_drops_entries);
	RUN(keys_differ_when_fields_are_split_differently);
	RUN(the_reader_stops_at_the_end_of_an_entry);
	RUN(a_key_put_again_by_a_later_build_reads_its_newest_value);
	UNIT_END();
}
