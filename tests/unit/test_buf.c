/* Tests for buf.c's UTF-8 check: quire hands text that passes it to
 * jansson unchecked, so it must accept exactly what jansson accepts. */
#include <jansson.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "unit.h"

static int jansson_accepts(const unsigned char *s, size_t n)
{
	json_t *v = json_stringn((const char *)s, n);
	json_decref(v);
	return v != NULL;
}

/* Every sequence of up to three bytes, alone and after eight ASCII bytes
 * (the fast path), and every four-byte sequence from a lead byte of four. */
static void utf8_check_agrees_with_jansson_on_every_short_sequence(void)
{
	unsigned char s[16];
	size_t disagree = 0;
	for (unsigned a = 1; a < 256; a++)
		for (unsigned b = 1; b < 256; b++) {
			s[0] = (unsigned char)a, s[1] = (unsigned char)b;
			disagree += utf8_is_valid((char *)s, 2) != jansson_accepts(s, 2);
			if (a < 0xE0 || a > 0xF4)
				continue;
			for (unsigned c = 1; c < 256; c++) {
				s[2] = (unsigned char)c;
				disagree += utf8_is_valid((char *)s, 3) != jansson_accepts(s, 3);
				if (a >= 0xF0 && (c == 0x80 || c == 0xBF || c == 0x41)) {
					for (unsigned d = 1; d < 256; d++) {
						s[3] = (unsigned char)d;
						disagree += utf8_is_valid((char *)s, 4) != jansson_accepts(s, 4);
					}
				}
			}
		}
	memcpy(s, "abcdefgh", 8);
	for (unsigned a = 1; a < 256; a++)
		for (unsigned b = 1; b < 256; b++) {
			s[8] = (unsigned char)a, s[9] = (unsigned char)b;
			disagree += utf8_is_valid((char *)s, 10) != jansson_accepts(s, 10);
		}
	CHECK(disagree == 0);
}

static void utf8_check_finds_a_bad_byte_deep_in_ascii(void)
{
	char s[64];
	memset(s, 'a', sizeof s);
	CHECK(utf8_is_valid(s, sizeof s));
	s[41] = (char)0xFF;
	CHECK(!utf8_is_valid(s, sizeof s));
	s[41] = (char)0xC3; /* a lead byte cut off by the end */
	CHECK(!utf8_is_valid(s, 42));
}

/* Text from git history is made valid before it is shown: each byte that
 * starts no valid sequence becomes U+FFFD, valid sequences stay, and every
 * two-byte input comes out as what jansson accepts. */
static void utf8_valid_dup_replaces_each_bad_byte(void)
{
	char *v = utf8_valid_dup("caf\xE9 \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xC0\xAF \xED\xA0\x80 end\xE2\x82", 29);
	CHECK_STR(v, "caf\xEF\xBF\xBD \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBD\xEF\xBF\xBD "
		     "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end\xEF\xBF\xBD\xEF\xBF\xBD");
	free(v);
	v = utf8_valid_dup("plain", 5);
	CHECK_STR(v, "plain");
	free(v);
	size_t bad = 0;
	unsigned char s[2];
	for (unsigned a = 1; a < 256; a++)
		for (unsigned b = 1; b < 256; b++) {
			s[0] = (unsigned char)a, s[1] = (unsigned char)b;
			char *w = utf8_valid_dup((const char *)s, 2);
			bad += !jansson_accepts((const unsigned char *)w, strlen(w));
			free(w);
		}
	CHECK(bad == 0);
}

/* buf_printf formats in place when the result fits and again when it
 * does not: at every length around the room a buffer has, appended text
 * is what snprintf gives. */
static void printf_appends_what_snprintf_gives_at_every_length(void)
{
	char arg[700], want[1600];
	for (size_t pre = 0; pre < 200; pre += 37)
		for (size_t n = 0; n < sizeof arg; n += 13) {
			memset(arg, 'x', n);
			arg[n] = 0;
			struct buf b = BUF_INIT;
			for (size_t i = 0; i < pre; i++)
				buf_putc(&b, 'p');
			buf_printf(&b, "[%s|%zu]", arg, n);
			memset(want, 'p', pre);
			snprintf(want + pre, sizeof want - pre, "[%s|%zu]", arg, n);
			CHECK(b.len == strlen(want));
			CHECK(!strcmp(buf_cstr(&b), want));
			buf_free(&b);
		}
	char *s = xasprintf("%d-%s", 42, "end");
	CHECK(!strcmp(s, "42-end"));
	free(s);
}

/* FNV-1a as published (the history cache's file name is made with it, so
 * a change would orphan every site's cache). */
static void str_hash_is_fnv1a(void)
{
	CHECK(str_hash("", 0) == 0xcbf29ce484222325ULL);
	CHECK(str_hash("a", 1) == 0xaf63dc4c8601ec8cULL);
	CHECK(str_hash("foobar", 6) == 0x85944171f73967e8ULL);
	CHECK(str_hash("ab", 1) == str_hash("a", 1));
}

/* The integers of quire's own files are little-endian, whatever the
 * machine, and read back as written. */
static void decimals_are_what_printf_writes(void)
{
	unsigned long long v[] = { 0, 7, 9, 10, 99, 100, 4294967295ULL, 18446744073709551615ULL };
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct buf b = BUF_INIT;
		char want[32];
		buf_puts(&b, "x");
		buf_put_dec(&b, v[i]);
		snprintf(want, sizeof want, "x%llu", v[i]);
		CHECK_STR(buf_cstr(&b), want);
		buf_free(&b);
	}
}

/* The escaping buf_put_html does, a byte at a time, to check it against. */
static void html_by_bytes(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		switch (s[i]) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default: buf_putc(b, s[i]);
		}
}

/* Plain text is skipped 16 bytes a step: each special character, alone
 * or beside another, at every offset of texts of every length up to 40,
 * is escaped as it is byte by byte. */
static void html_is_escaped_at_every_offset(void)
{
	const char *specials = "&<>\"'";
	int same = 1;
	for (size_t len = 0; len <= 40; len++)
		for (size_t at = 0; at < len; at++)
			for (const char *c = specials; *c; c++) {
				char text[41];
				memset(text, 'a' + (int)(at % 26), len);
				text[at] = *c;
				if (at + 1 < len)
					text[at + 1] = specials[(size_t)(c - specials + 1) % 5];
				struct buf got = BUF_INIT, want = BUF_INIT;
				buf_put_html(&got, text, len);
				html_by_bytes(&want, text, len);
				same &= got.len == want.len && !memcmp(buf_cstr(&got), buf_cstr(&want), got.len);
				buf_free(&got);
				buf_free(&want);
			}
	CHECK(same);
	struct buf b = BUF_INIT;
	buf_put_html(&b, "plain text with no specials, long enough", 40);
	CHECK_STR(buf_cstr(&b), "plain text with no specials, long enough");
	buf_free(&b);
}

static void strings_are_joined_whole(void)
{
	char *s = xstrcat("content/", "a/b.md");
	CHECK_STR(s, "content/a/b.md");
	free(s);
	s = xstrcat("", "");
	CHECK_STR(s, "");
	free(s);
}

static void integers_are_written_little_endian(void)
{
	struct buf b = BUF_INIT;
	buf_put_u32le(&b, 0x01020304u);
	buf_put_u64le(&b, 0x0102030405060708ull);
	CHECK(b.len == 12 && !memcmp(b.ptr, "\x04\x03\x02\x01\x08\x07\x06\x05\x04\x03\x02\x01", 12));
	CHECK(get_u32le((const unsigned char *)b.ptr) == 0x01020304u);
	CHECK(get_u64le((const unsigned char *)b.ptr + 4) == 0x0102030405060708ull);
	buf_free(&b);
}

/* A page's HTML and text wait in memory for the next phase: kept in
 * blocks of their length, not of the doubling that grew them. */
static void kept_strings_take_their_length_only(void)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < 1100; i++)
		buf_putc(&b, (char)('a' + i % 26));
	CHECK(b.cap >= 2048);
	char *s = buf_detach_fit(&b);
	CHECK(strlen(s) == 1100 && s[1099] == 'a' + 1099 % 26);
	CHECK(malloc_usable_size(s) < 1200);
	char *t = xmalloc(4096);
	strcpy(t, "short");
	t = str_fit(t);
	CHECK_STR(t, "short");
	CHECK(malloc_usable_size(t) < 64);
	free(s);
	free(t);
	struct buf e = BUF_INIT;
	s = buf_detach_fit(&e);
	CHECK_STR(s, "");
	free(s);
}

/* sitemap.xml and the Atom feed: a page's path as a URL's path. */
static void url_paths_percent_encode_all_but_unreserved_and_slash(void)
{
	struct buf b = BUF_INIT;
	buf_puts_url_path(&b, "my section/caf\xc3\xa9.html");
	CHECK_STR(buf_cstr(&b), "my%20section/caf%C3%A9.html");
	buf_reset(&b);
	buf_puts_url_path(&b, "A-z_0.9~/50%&<\"'>?#:+");
	CHECK_STR(buf_cstr(&b), "A-z_0.9~/50%25%26%3C%22%27%3E%3F%23%3A%2B");
	buf_reset(&b);
	buf_puts_url_path(&b, "");
	CHECK_STR(buf_cstr(&b), "");
	buf_free(&b);
}

int main(void)
{
	RUN(utf8_valid_dup_replaces_each_bad_byte);
	RUN(kept_strings_take_their_length_only);
	RUN(str_hash_is_fnv1a);
	RUN(integers_are_written_little_endian);
	RUN(decimals_are_what_printf_writes);
	RUN(strings_are_joined_whole);
	RUN(html_is_escaped_at_every_offset);
	RUN(printf_appends_what_snprintf_gives_at_every_length);
	RUN(utf8_check_agrees_with_jansson_on_every_short_sequence);
	RUN(utf8_check_finds_a_bad_byte_deep_in_ascii);
	RUN(url_paths_percent_encode_all_but_unreserved_and_slash);
	UNIT_END();
}
