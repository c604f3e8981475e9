/* Unit tests for generator/frontmatter.c: splitting and YAML → json_t. */
#include "frontmatter.h"
#include "unit.h"

#include <stdlib.h>

static json_t *parse(const char *yaml, struct diag *d)
{
	return fm_parse_yaml(yaml, strlen(yaml), "t.md", 2, d);
}

static void split_finds_yaml_and_body_lines(void)
{
	struct diag *d = diag_new();
	const char *t = "---\ntitle: A\n---\nbody\n";
	struct fm_parts p;
	CHECK(fm_split(t, strlen(t), "t.md", &p, d) == 0);
	CHECK(p.has_fm);
	CHECK(p.yaml_line == 2);
	CHECK(p.body_line == 4);
	CHECK_STR(t + p.body_off, "body\n");
	diag_free(d);
}

static void split_accepts_bom_and_crlf(void)
{
	struct diag *d = diag_new();
	const char *t = "\xEF\xBB\xBF---\r\ntitle: A\r\n---\r\nbody";
	struct fm_parts p;
	CHECK(fm_split(t, strlen(t), "t.md", &p, d) == 0);
	CHECK(p.has_fm);
	CHECK_STR(t + p.body_off, "body");
	diag_free(d);
}

static void split_without_fence_has_no_front_matter(void)
{
	struct diag *d = diag_new();
	const char *t = "# Just text\n";
	struct fm_parts p;
	CHECK(fm_split(t, strlen(t), "t.md", &p, d) == 0);
	CHECK(!p.has_fm);
	CHECK(p.body_off == 0);
	diag_free(d);
}

static void unterminated_front_matter_is_an_error(void)
{
	struct diag *d = diag_new();
	const char *t = "---\ntitle: A\nbody\n";
	struct fm_parts p;
	CHECK(fm_split(t, strlen(t), "t.md", &p, d) == -1);
	CHECK(diag_errors(d) == 1);
	diag_free(d);
}

static void plain_scalars_keep_yaml_types(void)
{
	struct diag *d = diag_new();
	json_t *v = parse("a: true\nb: 3\nc: 2.5\nd: ~\ne: '3'\nf: text\n", d);
	CHECK(v && json_is_true(json_object_get(v, "a")));
	CHECK(json_integer_value(json_object_get(v, "b")) == 3);
	CHECK(json_real_value(json_object_get(v, "c")) == 2.5);
	CHECK(json_is_null(json_object_get(v, "d")));
	CHECK_STR(json_string_value(json_object_get(v, "e")), "3");
	CHECK_STR(json_string_value(json_object_get(v, "f")), "text");
	json_decref(v);
	diag_free(d);
}

static void lists_and_maps_nest(void)
{
	struct diag *d = diag_new();
	json_t *v = parse("tags: [a, b]\nglossary:\n  Term: Meaning\n", d);
	CHECK(json_array_size(json_object_get(v, "tags")) == 2);
	CHECK_STR(json_string_value(json_object_get(json_object_get(v, "glossary"), "Term")), "Meaning");
	json_decref(v);
	diag_free(d);
}

static void duplicate_keys_are_reported_at_their_line(void)
{
	struct diag *d = diag_new();
	json_t *v = parse("title: A\nsummary: s\ntitle: B\n", d);
	CHECK(v == NULL);
	struct buf b = BUF_INIT;
	diag_format(d, &b);
	CHECK(strstr(buf_cstr(&b), "t.md:4:1: error: duplicate key: 'title' is set on line 2 already; keep one of the two") != NULL);
	buf_free(&b);
	diag_free(d);
}

static void aliases_are_refused(void)
{
	struct diag *d = diag_new();
	CHECK(parse("a: &x [1]\nb: *x\n", d) == NULL);
	CHECK(diag_errors(d) >= 1);
	diag_free(d);
}

static void syntax_errors_point_into_the_file(void)
{
	struct diag *d = diag_new();
	CHECK(parse("title: A\ntags: [a\n", d) == NULL);
	struct buf b = BUF_INIT;
	diag_format(d, &b);
	CHECK(strstr(buf_cstr(&b), "t.md:3:7: error: the list opened with '[' here is never closed") != NULL);
	buf_free(&b);
	diag_free(d);
}

/* The one diagnostic parsing yaml reports, as diag_format writes it
 * (caller frees). */
static char *error_of(const char *yaml)
{
	struct diag *d = diag_new();
	json_decref(parse(yaml, d));
	struct buf b = BUF_INIT;
	diag_format(d, &b);
	diag_free(d);
	return buf_detach(&b);
}

#define CHECK_ERROR(yaml, want)                                                  \
	do {                                                                     \
		char *got_ = error_of(yaml);                                     \
		if (!strstr(got_, want))                                         \
			printf("    %s:%d: expected \"%s\"\n      got      \"%s\"\n", \
			       __FILE__, __LINE__, want, got_);                  \
		unit_cur_failed |= !strstr(got_, want);                          \
		free(got_);                                                      \
	} while (0)

static void a_colon_in_a_value_asks_for_quotes(void)
{
	CHECK_ERROR("title: Social media: a guide\n",
		    "t.md:2:20: error: the value of 'title' contains ': ', which YAML reads as another key: put the "
		    "value in double quotes: title: \"Social media: a guide\"");
	CHECK_ERROR("title: Say \"hi\": now\n", "title: \"Say \\\"hi\\\": now\"");
	CHECK_ERROR("title: Caf\xC3\xA9: guide\r\n", "t.md:2:12: error: the value of 'title'");
}

static void an_unclosed_quote_is_reported_where_it_opens(void)
{
	CHECK_ERROR("title: \"Bad\n", "t.md:2:8: error: the quote (\") that opens here is never closed");
	CHECK_ERROR("summary: s\ntitle: 'Bad\nweight: 1\n", "t.md:3:8: error: the quote (') that opens here");
}

static void a_key_without_a_space_is_named(void)
{
	CHECK_ERROR("title:NoSpace\n", "t.md:2:6: error: put a space after the colon: title: NoSpace");
	CHECK_ERROR("title:NoSpace\nsummary: s\n", "t.md:2:6: error: put a space after the colon");
	CHECK_ERROR("summary: s\ntitle:NoSpace\n", "t.md:3:6: error: put a space after the colon");
	/* a value may hold one, and so may an indented line of it */
	struct diag *d = diag_new();
	json_t *v = parse("title: a:b\nsummary: see\n  x:y\n", d);
	CHECK(v && diag_errors(d) == 0);
	json_decref(v);
	diag_free(d);
}

static void odd_characters_are_explained(void)
{
	CHECK_ERROR("title: @home\n", "t.md:2:8: error: a value cannot start with '@': put it in quotes: title: \"@home\"");
	CHECK_ERROR("title: T\n\tsummary: s\n", "t.md:3:1: error: a tab: indent with spaces");
	CHECK_ERROR("title: \"C:\\Users\"\n", "t.md:2:11: error: in double quotes '\\' starts an escape");
	CHECK_ERROR("title: \"Leave\" policy\n", "t.md:2:16: error: text after the closing quote");
	CHECK_ERROR("title: T\nsome words\n", "t.md:3:1: error: this line is not 'key: value'");
	CHECK_ERROR("title: T\n  summary: s\n", "t.md:3:3: error: 'summary' is indented");
}

/* YAML writes an apostrophe in single quotes twice: "put the whole
 * value inside the quotes" would not mend 'It's here'. */
static void a_quote_inside_its_own_quotes_is_explained(void)
{
	CHECK_ERROR("title: 'It's here'\n",
		    "t.md:2:11: error: this apostrophe ends the value in single quotes: write it twice inside them, "
		    "title: 'It''s here', or use double quotes, title: \"It's here\"");
	/* one written right already stays so; a comment after is no part */
	CHECK_ERROR("summary: s\ntitle: 'It''s Bob's'  # x\n", "t.md:3:18: error: this apostrophe ends the value in "
		    "single quotes: write it twice inside them, title: 'It''s Bob''s', or use double quotes, title: "
		    "\"It's Bob's\"");
	CHECK_ERROR("title: \"Say \"hi\" now\"\n", "t.md:2:13: error: this '\"' ends the value in double quotes: "
		    "write it as \\\" inside them: title: \"Say \\\"hi\\\" now\"");
	/* text after a value whose quotes are whole is another mistake */
	CHECK_ERROR("title: 'Leave' policy\n", "text after the closing quote: put the whole value inside the quotes: "
		    "title: \"'Leave' policy\"");
}

static void broken_text_ends_safely(void)
{
	/* marks past the end, lines of odd breaks, lone bytes */
	CHECK_ERROR("title: \"a\xE2\x80\xA8" "b", "the quote");
	free(error_of("a: [\x85"));
	CHECK_ERROR("\r\r\rtitle: a: b", "t.md:5:");
	free(error_of(":"));
}

static void untext_finds_a_number_where_text_was_wanted(void)
{
	const char *y = "title: 2024\ntags: [hr, 2024, true, \"x\"]\nsummary: #1 rule\naliases:\n  - a\n  - 7\n";
	struct fm_untext u;
	CHECK(fm_find_untext(y, strlen(y), 2, "title", &u) == 0);
	CHECK(u.line == 2 && u.col == 8);
	CHECK_STR(u.read_as, "a number");
	CHECK_STR(u.fix, "title: \"2024\"");
	fm_untext_free(&u);
	CHECK(fm_find_untext(y, strlen(y), 2, "tags", &u) == 0);
	CHECK(u.line == 3 && u.col == 12);
	CHECK_STR(u.fix, "tags: [hr, \"2024\", \"true\", \"x\"]");
	fm_untext_free(&u);
	CHECK(fm_find_untext(y, strlen(y), 2, "summary", &u) == 0);
	CHECK_STR(u.read_as, "a comment");
	CHECK_STR(u.text, "#1 rule");
	CHECK(u.line == 4 && u.col == 10);
	fm_untext_free(&u);
	CHECK(fm_find_untext(y, strlen(y), 2, "aliases", &u) == 0);
	CHECK(u.line == 7 && u.col == 5);
	CHECK_STR(u.fix, "- \"7\"");
	fm_untext_free(&u);
	CHECK(fm_find_untext(y, strlen(y), 2, "weight", &u) == -1);
	const char *ok = "title: T\ntags: [a, 'b']\nx: {a: [1]}\nsummary:\n";
	CHECK(fm_find_untext(ok, strlen(ok), 2, "tags", &u) == -1);
	CHECK(fm_find_untext(ok, strlen(ok), 2, "summary", &u) == -1);
	CHECK(fm_find_untext(ok, strlen(ok), 2, "title", &u) == -1);
	CHECK(fm_find_untext("[1]", 3, 2, "title", &u) == -1);
	CHECK(fm_find_untext("a: [", 4, 2, "a", &u) == -1);
}

static void empty_yaml_is_an_empty_object(void)
{
	struct diag *d = diag_new();
	json_t *v = parse("", d);
	CHECK(json_is_object(v) && json_object_size(v) == 0);
	json_decref(v);
	diag_free(d);
}

static void key_line_finds_the_key(void)
{
	const char *y = "title: A\ntags: [x]\n";
	CHECK(fm_key_line(y, strlen(y), 2, "tags") == 3);
	CHECK(fm_key_line(y, strlen(y), 2, "nope") == 0);
}

/* A misspelt key names the known one it most likely means; a key that is
 * known, or only looks like one from afar, names none. */
static void near_keys_name_the_key_meant(void)
{
	static const char *const known[] = { "title", "summary", "tags", "draft", "weight", "aliases", "template", NULL };
	static const char *const cases[][2] = {
		{ "tag", "tags" },        { "alias", "aliases" },   { "Title", "title" },  { "summery", "summary" },
		{ "TAGS", "tags" },       { "tgas", "tags" },       { "titel", "title" },  { "templates", "template" },
		{ "tempalte", "template" }, { "weigth", "weight" }, { "title", NULL },     { "tags", NULL },
		{ "audience", NULL },     { "glossary", NULL },     { "lang", NULL },      { "date", NULL },
		{ "time", NULL },         { "owner", NULL },        { "type", NULL },      { "params", NULL },
		{ "a-key-far-longer-than-any-known-key-is", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *got = fm_near_key(cases[i][0], known);
		if (cases[i][1])
			CHECK_STR(got, cases[i][1]);
		else if (got) {
			printf("    '%s' is taken for '%s'\n", cases[i][0], got);
			unit_cur_failed = 1;
		}
	}
}

int main(void)
{
	RUN(split_finds_yaml_and_body_lines);
	RUN(split_accepts_bom_and_crlf);
	RUN(split_without_fence_has_no_front_matter);
	RUN(unterminated_front_matter_is_an_error);
	RUN(plain_scalars_keep_yaml_types);
	RUN(lists_and_maps_nest);
	RUN(duplicate_keys_are_reported_at_their_line);
	RUN(aliases_are_refused);
	RUN(syntax_errors_point_into_the_file);
	RUN(a_colon_in_a_value_asks_for_quotes);
	RUN(an_unclosed_quote_is_reported_where_it_opens);
	RUN(a_key_without_a_space_is_named);
	RUN(odd_characters_are_explained);
	RUN(a_quote_inside_its_own_quotes_is_explained);
	RUN(broken_text_ends_safely);
	RUN(untext_finds_a_number_where_text_was_wanted);
	RUN(empty_yaml_is_an_empty_object);
	RUN(key_line_finds_the_key);
	RUN(near_keys_name_the_key_meant);
	UNIT_END();
}
