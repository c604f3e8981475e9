/* Tests for message.c: a commit message's body reads as paragraphs,
 * lists and code, with git's hard wraps joined and nothing lost. */
#include <stdlib.h>

#include "message.h"
#include "unit.h"

/* Block i of body's blocks, as one string: "p:TEXT", "l:TEXT" (kept
 * line by line), "ul:ITEM|ITEM", "ol:N.ITEM|…" ("+" before a nested
 * item) or "code:TEXT"; "" past the end.  Static storage. */
static const char *blk(const char *body, size_t i)
{
	static char out[1024];
	json_t *a = message_blocks(body), *b = json_array_get(a, i);
	out[0] = '\0';
	if (b && json_is_string(json_object_get(b, "text")))
		snprintf(out, sizeof out, "%s:%s", json_is_true(json_object_get(b, "lines")) ? "l" : "p",
			 json_string_value(json_object_get(b, "text")));
	else if (b && json_is_string(json_object_get(b, "code")))
		snprintf(out, sizeof out, "code:%s", json_string_value(json_object_get(b, "code")));
	else if (b) {
		int ol = json_is_true(json_object_get(b, "ordered"));
		size_t k, n = strlen(strcpy(out, ol ? "ol:" : "ul:"));
		json_t *it;
		json_array_foreach(json_object_get(b, "items"), k, it) {
			const json_t *v = json_object_get(it, "value");
			n += (size_t)snprintf(out + n, sizeof out - n, "%s%s%s%s%s", k ? "|" : "",
					      json_is_true(json_object_get(it, "nested")) ? "+" : "",
					      ol ? json_string_value(v) : "", ol ? "." : "",
					      json_string_value(json_object_get(it, "text")));
		}
	}
	json_decref(a);
	return out;
}

static size_t count(const char *body)
{
	json_t *a = message_blocks(body);
	size_t n = json_array_size(a);
	json_decref(a);
	return n;
}

static void a_wrapped_paragraph_is_one_line(void)
{
	CHECK_STR(blk("This was wrapped\nby the editor\n  at 72 columns.", 0), "p:This was wrapped by the editor at 72 columns.");
	CHECK(count("One.\n\nTwo.") == 2);
	CHECK_STR(blk("One.\n\n\n\nTwo.\n", 1), "p:Two.");
}

static void a_list_item_joins_its_wrapped_lines(void)
{
	const char *m = "Changes:\n- harassment.md: said once towards each of two or\n  more people is a course of conduct\n- second item\n* third";
	CHECK_STR(blk(m, 0), "p:Changes:");
	CHECK_STR(blk(m, 1), "ul:harassment.md: said once towards each of two or more people is a course of conduct|second item|third");
	CHECK(count(m) == 2);
}

static void numbered_items_keep_their_numbers(void)
{
	CHECK_STR(blk("1. first\n   wrapped\n2) second\n10. tenth", 0), "ol:1.first wrapped|2.second|10.tenth");
	/* a year at a line's start is no item */
	CHECK_STR(blk("2026.5 was the figure", 0), "p:2026.5 was the figure");
}

static void a_change_of_marker_starts_another_list(void)
{
	const char *m = "- a\n1. b";
	CHECK_STR(blk(m, 0), "ul:a");
	CHECK_STR(blk(m, 1), "ol:1.b");
}

static void items_parted_by_blank_lines_stay_one_list(void)
{
	CHECK_STR(blk("- a\n\n- b\n\n  more of b", 0), "ul:a|b more of b");
	CHECK(count("- a\n\n- b") == 1);
}

static void a_line_not_indented_after_a_blank_line_ends_the_list(void)
{
	const char *m = "- a\n  wrapped\n\nquire check: 43 articles.";
	CHECK_STR(blk(m, 0), "ul:a wrapped");
	CHECK_STR(blk(m, 1), "p:quire check: 43 articles.");
}

static void a_nested_item_says_so(void)
{
	CHECK_STR(blk("- a\n  - a1\n- b", 0), "ul:a|+a1|b");
}

static void indented_lines_are_code_as_written(void)
{
	const char *m = "Run:\n    make test\n      --verbose\n\n    make check\nDone.";
	CHECK_STR(blk(m, 0), "p:Run:");
	CHECK_STR(blk(m, 1), "code:make test\n  --verbose\n\nmake check");
	CHECK_STR(blk(m, 2), "p:Done.");
	CHECK_STR(blk("\tx = 1\n\ty = 2", 0), "code:x = 1\ny = 2");
}

static void trailers_keep_one_a_line(void)
{
	const char *m = "Fix.\n\nSigned-off-by: A <a@b>\nCo-authored-by: B <b@c>";
	CHECK_STR(blk(m, 1), "l:Signed-off-by: A <a@b>\nCo-authored-by: B <b@c>");
	/* one such line is a paragraph like any */
	CHECK_STR(blk("Note: short", 0), "p:Note: short");
	/* words before the colon are prose, joined */
	CHECK_STR(blk("quire check: 43 articles,\n0 errors.", 0), "p:quire check: 43 articles, 0 errors.");
}

static void carriage_returns_and_trailing_spaces_go(void)
{
	CHECK_STR(blk("a  \r\nb\r\n", 0), "p:a b");
}

static void an_empty_body_has_no_blocks(void)
{
	CHECK(count("") == 0);
	CHECK(count(NULL) == 0);
	CHECK(count("\n \n\t\n") == 0);
}

static void bytes_that_are_not_utf8_become_replacement_characters(void)
{
	CHECK_STR(blk("caf\xe9", 0), "p:caf\xef\xbf\xbd");
}

static void the_old_paragraphs_keep_a_list_line_by_line(void)
{
	json_t *b = message_blocks("Intro\nwrapped.\n\n- one\n  more\n3. three");
	json_t *p = message_paragraphs(b);
	CHECK(json_array_size(p) == 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(p, 0), "text")), "Intro wrapped.");
	CHECK(json_is_false(json_object_get(json_array_get(p, 0), "lines")));
	CHECK_STR(json_string_value(json_object_get(json_array_get(p, 1), "text")), "- one more");
	CHECK(json_is_true(json_object_get(json_array_get(p, 1), "lines")));
	CHECK_STR(json_string_value(json_object_get(json_array_get(p, 2), "text")), "3. three");
	json_decref(p);
	json_decref(b);
}

static void a_body_of_more_than_four_lines_is_long(void)
{
	CHECK(!message_long("a\nb\n\nc\nd"));
	CHECK(message_long("a\nb\n\nc\nd\ne"));
	CHECK(!message_long(""));
	CHECK(!message_long(NULL));
}

int main(void)
{
	RUN(a_wrapped_paragraph_is_one_line);
	RUN(a_list_item_joins_its_wrapped_lines);
	RUN(numbered_items_keep_their_numbers);
	RUN(a_change_of_marker_starts_another_list);
	RUN(items_parted_by_blank_lines_stay_one_list);
	RUN(a_line_not_indented_after_a_blank_line_ends_the_list);
	RUN(a_nested_item_says_so);
	RUN(indented_lines_are_code_as_written);
	RUN(trailers_keep_one_a_line);
	RUN(carriage_returns_and_trailing_spaces_go);
	RUN(an_empty_body_has_no_blocks);
	RUN(bytes_that_are_not_utf8_become_replacement_characters);
	RUN(the_old_paragraphs_keep_a_list_line_by_line);
	RUN(a_body_of_more_than_four_lines_is_long);
	UNIT_END();
}
