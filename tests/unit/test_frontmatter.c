/* Unit tests for generator/frontmatter.c: splitting and YAML → json_t. */
#include "frontmatter.h"
#include "unit.h"

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
	CHECK(strstr(buf_cstr(&b), "t.md:4:1: error: duplicate key: title") != NULL);
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
	CHECK(strstr(buf_cstr(&b), "t.md:") != NULL && strstr(buf_cstr(&b), "invalid YAML") != NULL);
	buf_free(&b);
	diag_free(d);
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
	RUN(empty_yaml_is_an_empty_object);
	RUN(key_line_finds_the_key);
	UNIT_END();
}
