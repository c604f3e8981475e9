/* Tests for serve_map_path, the one gate between a request URL and a file
 * under OUT.  Normal paths map to the file a browser expects; every way of
 * spelling "go up a folder" or smuggling a separator is refused.  Then
 * serve_parse_range: which bytes of a file a Range header asks for. */
#include <stdlib.h>

#include "serve.h"
#include "unit.h"

/* Maps url and returns the status; *got is the path or NULL (freed by the
 * next call, so a failed CHECK_STR still prints it). */
static char *last;

static int map(const char *url)
{
	free(last);
	last = NULL;
	return serve_map_path(url, &last);
}

static void root_maps_to_the_home_page(void)
{
	CHECK(map("/") == 0);
	CHECK_STR(last, "index.html");
}

static void folder_with_trailing_slash_maps_to_its_index(void)
{
	CHECK(map("/guide/") == 0);
	CHECK_STR(last, "guide/index.html");
	CHECK(map("/a/b/") == 0);
	CHECK_STR(last, "a/b/index.html");
}

static void article_path_maps_to_its_file(void)
{
	CHECK(map("/disclosure/court-orders.html") == 0);
	CHECK_STR(last, "disclosure/court-orders.html");
	CHECK(map("/assets/style.css") == 0);
	CHECK_STR(last, "assets/style.css");
}

static void folder_without_slash_maps_to_the_folder_name(void)
{
	/* The server redirects it to "/guide/" once it sees a folder. */
	CHECK(map("/guide") == 0);
	CHECK_STR(last, "guide");
}

static void query_string_and_fragment_are_ignored(void)
{
	CHECK(map("/search.html?q=court+orders") == 0);
	CHECK_STR(last, "search.html");
	CHECK(map("/a.html#costs") == 0);
	CHECK_STR(last, "a.html");
	CHECK(map("/?q=..%2f..") == 0);
	CHECK_STR(last, "index.html");
}

static void percent_escapes_are_decoded_once(void)
{
	CHECK(map("/court%20orders.html") == 0);
	CHECK_STR(last, "court orders.html");
	/* %25 is a literal '%': "%252e%252e" names a file called "%2e%2e". */
	CHECK(map("/%252e%252e/x") == 0);
	CHECK_STR(last, "%2e%2e/x");
}

static void utf8_names_are_served(void)
{
	CHECK(map("/caf%C3%A9.html") == 0);
	CHECK_STR(last, "caf\xc3\xa9.html");
	CHECK(map("/caf\xc3\xa9.html") == 0);
	CHECK_STR(last, "caf\xc3\xa9.html");
}

static void names_with_dots_inside_are_not_traversal(void)
{
	CHECK(map("/a..b/c...html") == 0);
	CHECK_STR(last, "a..b/c...html");
	CHECK(map("/..a") == 404); /* hidden, not traversal */
}

static void plain_dot_dot_segments_are_refused(void)
{
	CHECK(map("/..") == 403);
	CHECK(map("/../etc/passwd") == 403);
	CHECK(map("/a/../../etc/passwd") == 403);
	CHECK(map("/a/..") == 403);
	CHECK(map("/a/../") == 403);
	CHECK(last == NULL);
}

static void single_dot_segments_are_refused(void)
{
	CHECK(map("/.") == 403);
	CHECK(map("/./index.html") == 403);
	CHECK(map("/a/./b") == 403);
}

static void percent_encoded_dots_are_refused_in_any_case(void)
{
	CHECK(map("/%2e%2e/etc/passwd") == 403);
	CHECK(map("/%2E%2E/etc/passwd") == 403);
	CHECK(map("/%2e./x") == 403);
	CHECK(map("/.%2E/x") == 403);
	CHECK(map("/a/%2e") == 403);
	CHECK(map("/a/%2e%2e/%2e%2e/secret") == 403);
}

static void overlong_utf8_dots_and_slashes_are_refused(void)
{
	CHECK(map("/%c0%ae%c0%ae/etc/passwd") == 400);
	CHECK(map("/%C0%AE%C0%AE/x") == 400);
	CHECK(map("/%e0%80%ae%e0%80%ae/x") == 400);
	CHECK(map("/%f0%80%80%ae/x") == 400);
	CHECK(map("/..%c0%af../x") == 400);
	CHECK(map("/..%c1%9c../x") == 400);
	CHECK(map("/\xc0\xae\xc0\xae/x") == 400);
}

static void invalid_utf8_is_refused(void)
{
	CHECK(map("/%ff.html") == 400);
	CHECK(map("/%c3") == 400);              /* truncated */
	CHECK(map("/%ed%a0%80") == 400);        /* surrogate */
	CHECK(map("/%f4%90%80%80") == 400);     /* past U+10FFFF */
}

static void encoded_slashes_are_refused(void)
{
	CHECK(map("/..%2f..%2fetc/passwd") == 403);
	CHECK(map("/a%2Fb") == 403);
	CHECK(map("/a%2fb") == 403);
}

static void backslashes_are_refused_raw_or_encoded(void)
{
	CHECK(map("/..\\..\\etc\\passwd") == 403);
	CHECK(map("/a\\b") == 403);
	CHECK(map("/..%5c..%5cetc/passwd") == 403);
	CHECK(map("/a%5Cb") == 403);
}

static void nul_and_control_characters_are_refused(void)
{
	CHECK(map("/index.html%00.png") == 400);
	CHECK(map("/a%0d%0aSet-Cookie:x") == 400);
	CHECK(map("/a%09b") == 400);
	CHECK(map("/a%7fb") == 400);
	CHECK(map("/a\tb") == 400);
}

static void malformed_escapes_are_refused(void)
{
	CHECK(map("/a%") == 400);
	CHECK(map("/a%2") == 400);
	CHECK(map("/a%zz") == 400);
	CHECK(map("/%%32%65") == 400);
	CHECK(map("/a%2/b") == 400);
}

static void paths_that_are_not_absolute_url_paths_are_refused(void)
{
	CHECK(map("") == 400);
	CHECK(map("index.html") == 400);
	CHECK(map("../etc/passwd") == 400);
	CHECK(map("http://evil.example/") == 400);
	CHECK(map(NULL) == 400);
}

static void absolute_paths_after_decoding_and_empty_segments_are_refused(void)
{
	CHECK(map("//etc/passwd") == 400);
	CHECK(map("/%2fetc/passwd") == 403);
	CHECK(map("/a//b") == 400);
	CHECK(map("/a/b//") == 400);
}

static void hidden_files_are_not_found(void)
{
	CHECK(map("/.quire-output") == 404);
	CHECK(map("/.git/config") == 404);
	CHECK(map("/a/.%68idden") == 404);
	CHECK(map("/%2equire-output") == 404);
}

/* serve_parse_range: what a video's seek or a resumed download asks for. */
static unsigned long long roff, rlen;

static int range(const char *h, unsigned long long size)
{
	roff = rlen = 12345;
	return serve_parse_range(h, size, &roff, &rlen);
}

static void a_closed_range_is_sent_with_both_ends(void)
{
	CHECK(range("bytes=0-9", 100) == 1 && roff == 0 && rlen == 10);
	CHECK(range("bytes=10-10", 100) == 1 && roff == 10 && rlen == 1);
	CHECK(range("BYTES=5-14", 100) == 1 && roff == 5 && rlen == 10);
}

static void an_open_range_runs_to_the_end(void)
{
	CHECK(range("bytes=0-", 100) == 1 && roff == 0 && rlen == 100);
	CHECK(range("bytes=99-", 100) == 1 && roff == 99 && rlen == 1);
}

static void a_last_byte_past_the_end_is_cut_to_the_file(void)
{
	CHECK(range("bytes=90-199", 100) == 1 && roff == 90 && rlen == 10);
	CHECK(range("bytes=0-99999999999999999999999", 100) == 1 && roff == 0 && rlen == 100);
}

static void a_suffix_range_is_the_files_last_bytes(void)
{
	CHECK(range("bytes=-10", 100) == 1 && roff == 90 && rlen == 10);
	CHECK(range("bytes=-500", 100) == 1 && roff == 0 && rlen == 100);
}

static void a_range_past_the_end_cannot_be_satisfied(void)
{
	CHECK(range("bytes=100-", 100) == -1);
	CHECK(range("bytes=100-200", 100) == -1);
	CHECK(range("bytes=99999999999999999999999-", 100) == -1);
	CHECK(range("bytes=-0", 100) == -1);
}

static void an_empty_file_goes_whole(void)
{
	CHECK(range("bytes=0-", 0) == 0);
	CHECK(range("bytes=-5", 0) == 0);
}

static void other_ranges_get_the_whole_file(void)
{
	CHECK(range(NULL, 100) == 0);
	CHECK(range("", 100) == 0);
	CHECK(range("items=0-9", 100) == 0);
	CHECK(range("bytes=", 100) == 0);
	CHECK(range("bytes=-", 100) == 0);
	CHECK(range("bytes=9-0", 100) == 0);       /* last before first */
	CHECK(range("bytes=0-9,20-29", 100) == 0); /* several: whole file */
	CHECK(range("bytes=a-9", 100) == 0);
	CHECK(range("bytes=0-9x", 100) == 0);
	CHECK(range("bytes=--5", 100) == 0);
	CHECK(rlen == 12345);                      /* untouched when 0 */
}

int main(void)
{
	RUN(root_maps_to_the_home_page);
	RUN(folder_with_trailing_slash_maps_to_its_index);
	RUN(article_path_maps_to_its_file);
	RUN(folder_without_slash_maps_to_the_folder_name);
	RUN(query_string_and_fragment_are_ignored);
	RUN(percent_escapes_are_decoded_once);
	RUN(utf8_names_are_served);
	RUN(names_with_dots_inside_are_not_traversal);
	RUN(plain_dot_dot_segments_are_refused);
	RUN(single_dot_segments_are_refused);
	RUN(percent_encoded_dots_are_refused_in_any_case);
	RUN(overlong_utf8_dots_and_slashes_are_refused);
	RUN(invalid_utf8_is_refused);
	RUN(encoded_slashes_are_refused);
	RUN(backslashes_are_refused_raw_or_encoded);
	RUN(nul_and_control_characters_are_refused);
	RUN(malformed_escapes_are_refused);
	RUN(paths_that_are_not_absolute_url_paths_are_refused);
	RUN(absolute_paths_after_decoding_and_empty_segments_are_refused);
	RUN(hidden_files_are_not_found);
	RUN(a_closed_range_is_sent_with_both_ends);
	RUN(an_open_range_runs_to_the_end);
	RUN(a_last_byte_past_the_end_is_cut_to_the_file);
	RUN(a_suffix_range_is_the_files_last_bytes);
	RUN(a_range_past_the_end_cannot_be_satisfied);
	RUN(other_ranges_get_the_whole_file);
	RUN(an_empty_file_goes_whole);
	free(last);
	UNIT_END();
}
