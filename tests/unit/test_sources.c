/* Tests for sources.c: a record gives back the front matter it was made
 * from (types, order and all), matches only the very file it was made
 * from, and a damaged image is an empty snapshot, never a wrong one. */
#include <stdlib.h>
#include <string.h>

#include "sources.h"
#include "unit.h"

static const struct scan_stat ST = { 2049, 1234567, 4096, 1700000000123456789LL, 1700000000223456789LL };

static void put(struct buf *img, const char *rel, json_t *fm)
{
	uint64_t fp[2] = { 0x1111, 0x2222 };
	CHECK(sources_put(img, rel, &ST, fp, 40, 5, fm) == 0);
}

/* A snapshot of records for a and b, in that order. */
static void two_records(struct sources *s, const char *a, const char *b, json_t *fm)
{
	struct buf img = BUF_INIT;
	sources_begin(&img);
	put(&img, a, fm);
	put(&img, b, fm);
	size_t len = img.len;
	sources_decode(s, buf_detach(&img), len);
}

static void front_matter_comes_back_as_it_was_recorded(void)
{
	json_error_t err;
	const char *text = "{\"title\":\"Caf\\u00e9 \\u2014 rights\",\"weight\":-3,\"ratio\":0.1,"
			   "\"draft\":false,\"ok\":true,\"none\":null,\"tags\":[\"a\",\"b\",[]],"
			   "\"params\":{\"z\":1,\"a\":{\"deep\":[1,2.5,\"x\\u0000y\"]}},\"big\":9007199254740993}";
	json_t *fm = json_loads(text, JSON_ALLOW_NUL, &err);
	CHECK(fm != NULL);
	struct buf img = BUF_INIT;
	sources_begin(&img);
	put(&img, "a/b.md", fm);
	struct sources s;
	size_t len = img.len;
	sources_decode(&s, buf_detach(&img), len);
	CHECK(s.n == 1);
	const struct source_rec *r = sources_match(&s, "a/b.md", &ST);
	CHECK(r != NULL);
	json_t *back = r ? sources_fm(r) : NULL;
	CHECK(back && json_equal(back, fm));
	/* the same keys in the same order: templates and hashes see them so */
	char *a = json_dumps(fm, JSON_COMPACT | JSON_ENCODE_ANY), *b = back ? json_dumps(back, JSON_COMPACT) : NULL;
	CHECK(a && b && !strcmp(a, b));
	CHECK(r && r->body_off == 40 && r->body_line == 5 && r->body_fp[0] == 0x1111 && r->body_fp[1] == 0x2222);
	free(a);
	free(b);
	json_decref(back);
	json_decref(fm);
	sources_free(&s);
}

static void a_record_matches_only_the_file_it_was_made_from(void)
{
	json_t *fm = json_pack("{s:s}", "title", "T");
	struct sources s;
	two_records(&s, "a.md", "b.md", fm);
	CHECK(s.n == 2);
	CHECK(sources_match(&s, "b.md", &ST) != NULL);
	CHECK(sources_match(&s, "c.md", &ST) == NULL);
	struct scan_stat t = ST;
	t.ino++;
	CHECK(sources_match(&s, "a.md", &t) == NULL);
	t = ST;
	t.size--;
	CHECK(sources_match(&s, "a.md", &t) == NULL);
	t = ST;
	t.mtime_ns++;
	CHECK(sources_match(&s, "a.md", &t) == NULL);
	t = ST;
	t.ctime_ns++;
	CHECK(sources_match(&s, "a.md", &t) == NULL);
	t = ST;
	t.dev++;
	CHECK(sources_match(&s, "a.md", &t) == NULL);
	sources_free(&s);
	json_decref(fm);
}

/* Cut anywhere, or out of order, an image gives no record at all. */
static void a_damaged_image_is_an_empty_snapshot(void)
{
	json_t *fm = json_pack("{s:s,s:[i,i]}", "title", "T", "list", 1, 2);
	struct buf img = BUF_INIT;
	sources_begin(&img);
	put(&img, "a.md", fm);
	put(&img, "b.md", fm);
	for (size_t cut = 0; cut < img.len; cut++) {
		char *copy = malloc(cut + 1);
		memcpy(copy, img.ptr, cut);
		struct sources s;
		sources_decode(&s, copy, cut);
		/* a whole first record may stand alone, a part of one never */
		CHECK(s.n == 0 || (s.n == 1 && sources_match(&s, "a.md", &ST)));
		sources_free(&s);
	}
	struct sources s;
	two_records(&s, "b.md", "a.md", fm);
	CHECK(s.n == 0);
	sources_free(&s);
	buf_free(&img);
	json_decref(fm);
}

/* A file changed in the two seconds before a build is not recorded. */
static void only_settled_files_are_recorded(void)
{
	int64_t start = ST.mtime_ns + SOURCES_RACY_NS + 1000000000LL;
	CHECK(sources_settled(&ST, start));
	struct scan_stat t = ST;
	t.ctime_ns = start - 1000;
	CHECK(!sources_settled(&t, start));
	t = ST;
	t.mtime_ns = start - SOURCES_RACY_NS;
	CHECK(!sources_settled(&t, start));
}

int main(void)
{
	RUN(front_matter_comes_back_as_it_was_recorded);
	RUN(a_record_matches_only_the_file_it_was_made_from);
	RUN(a_damaged_image_is_an_empty_snapshot);
	RUN(only_settled_files_are_recorded);
	UNIT_END();
}
