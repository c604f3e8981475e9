/* Tests for markdown.c's parsing on several threads at once: cmark-gfm
 * 0.29 keeps the extensions' special characters in one process-wide
 * table, which quire switches on once (see markdown.c). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "markdown.h"
#include "unit.h"

#define ROUNDS 300

/* Each thread renders strikethrough, a table and an autolink, over and
 * over, and counts the renderings that lost one of them. */
static void *parse_many(void *arg)
{
	int *lost = arg;
	const char *md = "Some ~~old~~ text, see www.example.com now.\n\n"
			 "| a | b |\n|---|---|\n| ~~c~~ | d |\n";
	for (int i = 0; i < ROUNDS; i++) {
		char *html = md_to_html(md, 0);
		if (!strstr(html, "<del>old</del>") || !strstr(html, "<del>c</del>") ||
		    !strstr(html, "<table") || !strstr(html, "href=\"http://www.example.com\""))
			(*lost)++;
		free(html);
	}
	return NULL;
}

static void parses_on_several_threads_keep_every_extension(void)
{
	pthread_t t[4];
	int lost[4] = { 0 };
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, parse_many, &lost[i]);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 4; i++)
		CHECK(lost[i] == 0);
}

/* The speed of a cold build rests on this: with Debian's libcmark-gfm,
 * parses run at once rather than one at a time under a lock. */
static void parses_run_at_once_with_this_libcmark_gfm(void)
{
	CHECK(!md_parse_is_serial());
}

/* A character switched on for every parse must not change a page that
 * does not use its extension: tables are off for overly wide pages. */
static void a_pipe_outside_tables_stays_text(void)
{
	char *html = md_to_html("a | b and x~y~z w:w\n", 0);
	CHECK_STR(html, "<p>a | b and x~y~z w:w</p>\n");
	free(html);
}

/* The input is checked 8 bytes at a time: a control character (made a
 * space) or a pipe must be found at every offset within a word. */
static void control_characters_become_spaces_at_any_offset(void)
{
	const char bad[] = { 0x01, 0x1b, 0x7f, 0x0b };
	int wrong = 0;
	for (size_t k = 0; k < sizeof bad; k++)
		for (size_t at = 0; at < 24; at++) {
			char md[64];
			memset(md, 'a', sizeof md);
			md[at] = bad[k];
			md[40] = '\0';
			char *html = md_to_html(md, 0);
			char want[64] = "<p>";
			memcpy(want + 3, md, 40);
			want[3 + at] = ' ';
			strcpy(want + 43, "</p>\n");
			if (at == 0) /* a leading space is not part of the paragraph */
				memmove(want + 3, want + 4, strlen(want + 4) + 1);
			wrong += strcmp(html, want) != 0;
			free(html);
		}
	CHECK(wrong == 0);
	char *html = md_to_html("tab\there\r\nnext\n", 0);
	CHECK_STR(html, "<p>tab\there\nnext</p>\n");
	free(html);
}

/* A line of more than MD_MAX_TABLE_COLUMNS pipes turns tables off for the
 * page, wherever in the words the pipes fall; pipes on several lines do
 * not add up. */
static void tables_are_off_only_past_the_widest_line(void)
{
	for (size_t lead = 0; lead < 9; lead++)
		for (int extra = 0; extra <= 1; extra++) {
			struct buf b = BUF_INIT;
			for (size_t i = 0; i < lead; i++)
				buf_putc(&b, 'x');
			for (int i = 0; i < MD_MAX_TABLE_COLUMNS + extra; i++)
				buf_puts(&b, i % 3 ? "|" : "|ab");
			buf_puts(&b, "\n");
			for (int line = 0; line < 3; line++) {
				for (int i = 0; i < MD_MAX_TABLE_COLUMNS; i++)
					buf_putc(&b, '|');
				buf_putc(&b, '\n');
			}
			struct md_doc doc;
			CHECK(md_parse(&doc, b.ptr, b.len, 1, 0) == 0);
			CHECK(doc.tables_disabled == extra);
			md_free(&doc);
			buf_free(&b);
		}
}

/* The warning names the first line too wide, as the file numbers it. */
static void tables_off_names_the_first_wide_line(void)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "Intro.\n\n");
	for (int line = 0; line < 2; line++) {
		for (int i = 0; i <= MD_MAX_TABLE_COLUMNS; i++)
			buf_putc(&b, '|');
		buf_putc(&b, '\n');
	}
	struct md_doc doc;
	CHECK(md_parse(&doc, b.ptr, b.len, 5, 0) == 0);
	CHECK(doc.tables_disabled == 7);
	md_free(&doc);
	buf_free(&b);
}

/* ---- rendering with the links left open (md_render_pre, md_finish) ---- */

/* A resolver like links.c's in what it can do: rewrite a URL (with
 * characters cmark must escape), give a wiki link's title (with
 * characters to escape, and text that reads as a placeholder), make
 * links external.  It writes down every call, in order. */
static int is_ext(const char *url, int is_image)
{
	return !is_image && (!strncmp(url, "http", 4) || !strncmp(url, "mailto:", 7));
}

static void resolve_all(void *ctx, const char *url, int wiki, int is_image, int line, int col,
			struct md_link_result *res)
{
	buf_printf(ctx, "%s|%d|%d|%d:%d\n", url, wiki, is_image, line, col);
	if (wiki) {
		res->href = xasprintf("w/%s.html?a=1&b='x'", url);
		if (strcmp(url, "Untitled"))
			res->title = xstrdup("T <&> \"q\" %01u0%01");
	} else if (is_ext(url, is_image)) {
		res->external = 1;
	} else if (strstr(url, ".md")) {
		res->href = xasprintf("../r/%s&x", url);
	}
}

static void resolve_ext(void *ctx, const char *url, int wiki, int is_image, int line, int col,
			struct md_link_result *res)
{
	(void)ctx, (void)line, (void)col;
	res->external = !wiki && is_ext(url, is_image);
}

/* md parsed and rendered after resolving, its heading ids after prefix
 * (NULL: none), as print.html had each article before it shared the
 * page's parse. */
static void render_after(const char *md, int unsafe, const char *prefix, struct buf *calls, char **html, char **text)
{
	struct md_doc a;
	md_parse(&a, md, strlen(md), 3, unsafe);
	a.id_prefix = prefix;
	md_expand_wikilinks(&a);
	md_render(&a, resolve_all, calls, html, text);
	md_free(&a);
}

/* Renders md both ways; 1 when the early way was taken (and checked to
 * match, and its second rendering for print.html to match a render with
 * prefixed ids), 0 when it declined, -1 when they differ. */
static int both_ways(const char *md, int unsafe)
{
	struct md_doc b;
	struct buf calls_a = BUF_INIT, calls_b = BUF_INIT, calls_p = BUF_INIT, calls_q = BUF_INIT;
	char *html_a, *text_a, *html_p, *html_b = NULL, *text_b = NULL, *html_q = NULL;
	render_after(md, unsafe, NULL, &calls_a, &html_a, &text_a);
	render_after(md, unsafe, "p--", &calls_p, &html_p, NULL);
	md_parse(&b, md, strlen(md), 3, unsafe);
	md_expand_wikilinks(&b);
	struct md_pre *pre = md_render_pre(&b, resolve_ext, NULL, "p--");
	int rc = pre != NULL;
	md_free(&b);
	if (rc) {
		md_finish(pre, resolve_all, &calls_b, &html_b, &text_b);
		html_q = md_finish_print(pre, resolve_all, &calls_q);
		md_pre_free(pre);
		if (strcmp(html_a, html_b) || strcmp(text_a, text_b) || strcmp(buf_cstr(&calls_a), buf_cstr(&calls_b))) {
			printf("    %s\n    md_render:\n%s%s    early:\n%s%s", md, html_a, buf_cstr(&calls_a), html_b,
			       buf_cstr(&calls_b));
			rc = -1;
		}
		if (!html_q || strcmp(html_p, html_q) || strcmp(buf_cstr(&calls_p), buf_cstr(&calls_q))) {
			printf("    %s\n    md_render, ids prefixed:\n%s    early, for print:\n%s", md, html_p,
			       html_q ? html_q : "(none)\n");
			rc = -1;
		}
	}
	free(html_a);
	free(text_a);
	free(html_p);
	free(html_b);
	free(text_b);
	free(html_q);
	buf_free(&calls_a);
	buf_free(&calls_b);
	buf_free(&calls_p);
	buf_free(&calls_q);
	return rc;
}

/* Each page is parsed once in a build: its HTML is made before the other
 * pages' headings are known, links left open, and finished in phase B.
 * It must be what rendering after resolving gives, byte for byte, with
 * the resolver asked the same questions in the same order. */
static void early_rendering_matches_rendering_after_resolving(void)
{
	static const char *const docs[] = {
		"See [a](a.md), [[Target Page]], [[t|text]], [[Untitled]] and ![img](pics/x.png \"ti\").\n",
		"<https://example.com/?a=1&b=2>, [ext](http://e.com/'q' \"T\"), [m](mailto:a@b.c) www.x.org\n",
		"[bad](javascript:alert(1)) ![d](data:text/html,x) [f](file:///etc/passwd) [v](<a b.md>) [u](é.md)\n",
		"| a | b |\n|---|---|\n| [x](x.md) | [e](https://e.com) [[W]] |\n",
		"Text[^1] and [[Wiki]].\n\n[^1]: See [f](f.md) and [[Wiki|w]].\n",
		"## See [h](h.md) and [[H]]\n\nBody [[Wiki]] [top](#see-hmd-and-h)\n",
		"[![i](i.png)](a.md) [r][1] [[a & b]]\n\n[1]: r.md \"T & t\"\n",
		"- [x] done [l](l.md)\n- [ ] todo\n\n> quote [[Q]]\n",
		"Just text, no links.\n",
		"`[[not a link]]` and\n\n    [code](c.md)\n",
		"<b>raw</b> [j](javascript:x) <a href=\"x.md\">html</a>\n",
	};
	for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
		CHECK(both_ways(docs[i], 0) == 1);
		CHECK(both_ways(docs[i], 1) == 1);
	}
}

/* Text that reads as a placeholder, and a link whose URL an image's
 * text never shows, make the early way decline: the page is then
 * rendered after resolving, and still right. */
static void early_rendering_declines_what_it_cannot_tell_apart(void)
{
	CHECK(both_ways("Literal %01u0%01 text and [a](a.md)\n", 0) == 0);
	CHECK(both_ways("Literal <%01t0%01> and [[W]]\n", 0) == 0);
	CHECK(both_ways("![alt [in](in.md) x](p.png)\n", 0) == 0);
	/* but a placeholder-like text beside no link at all is harmless */
	CHECK(both_ways("%01u7%01 alone\n", 0) == 0);
	CHECK(both_ways("50%01 of it, and [a](a.md)\n", 0) == 1);
	CHECK(both_ways("[a](a.md) [[W]] costs 50%01 less, %01u0 too\n", 0) == 1);
}

/* What a resolver was asked, call by call. */
struct asked {
	struct buf calls;
};

static void record_call(void *ctx, const char *url, int wiki, int is_image, int line, int col,
			struct md_link_result *res)
{
	struct asked *a = ctx;
	(void)line, (void)col, (void)res;
	buf_printf(&a->calls, "%s|%d|%d\n", url, wiki, is_image);
}

/* md_links_texts gives each link's text as it reads, beside md_links'
 * list: "" for a wiki link that shows its target's title. */
static void each_link_s_text_reads_as_written(void)
{
	const char *md = "Follow [the *HR* policy](policy.md), [[named|with text]] and [[Titled]].\n";
	struct md_doc doc;
	CHECK(md_parse(&doc, md, strlen(md), 1, 0) == 0);
	md_expand_wikilinks(&doc);
	struct rawlink *ls;
	char **texts;
	size_t n;
	md_links_texts(&doc, &ls, &texts, &n);
	md_free(&doc);
	CHECK(n == 3);
	if (n == 3) {
		CHECK_STR(ls[0].url, "policy.md");
		CHECK_STR(texts[0], "the HR policy");
		CHECK_STR(texts[1], "with text");
		CHECK_STR(texts[2], "");
		CHECK(ls[2].wiki == MD_WIKI_TITLED);
	}
	for (size_t k = 0; k < n; k++) {
		free(ls[k].url);
		free(texts[k]);
	}
	free(ls);
	free(texts);
}

/* The links as written (md_links) are the calls a render makes to its
 * resolver, in order: a rebuild works out how a page's or a past
 * version's links resolve from them alone, without rendering it. */
static void links_as_written_are_what_a_render_asks(void)
{
	static const char *docs[] = {
		"[[Titled]] and [[named|with text]] and [[anchor#costs]].\n",
		"![an image](pic.png) and [a link](a.md \"title\") and <https://example.org>\n",
		"| a | b |\n|---|---|\n| [[in cell]] | ![i](x.png) |\n",
		"![alt [inner](in.md) x](p.png) then [ref][r]\n\n[r]: r.md\n",
		"Footnote[^1] and www.example.com.\n\n[^1]: With [a link](f.md).\n",
		"`[[code]]` and\n\n```\n[x](nowhere.md)\n```\n[[after]]\n",
	};
	for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
		struct md_doc doc;
		CHECK(md_parse(&doc, docs[i], strlen(docs[i]), 1, 0) == 0);
		md_expand_wikilinks(&doc);
		struct rawlink *ls;
		size_t n;
		md_links(&doc, &ls, &n);
		struct buf written = BUF_INIT;
		for (size_t k = 0; k < n; k++) {
			buf_printf(&written, "%s|%d|%d\n", ls[k].url, ls[k].wiki, ls[k].is_image);
			free(ls[k].url);
		}
		free(ls);
		struct asked a = { BUF_INIT };
		char *html, *text;
		md_render(&doc, record_call, &a, &html, &text);
		CHECK(!strcmp(buf_cstr(&written), buf_cstr(&a.calls)));
		free(html);
		free(text);
		md_free(&doc);
		/* rendered early, links filled in after */
		CHECK(md_parse(&doc, docs[i], strlen(docs[i]), 1, 0) == 0);
		md_expand_wikilinks(&doc);
		struct asked early = { BUF_INIT }, late = { BUF_INIT };
		struct md_pre *pre = md_render_pre(&doc, record_call, &early, NULL);
		md_free(&doc);
		if (pre) {
			md_finish(pre, record_call, &late, &html, &text);
			CHECK(!strcmp(buf_cstr(&written), buf_cstr(&late.calls)));
			free(html);
			free(text);
			md_pre_free(pre);
		}
		buf_free(&early.calls);
		buf_free(&late.calls);
		buf_free(&written);
		buf_free(&a.calls);
	}
	/* and they tell a [[target]], which shows its title, from one with text */
	struct md_doc doc;
	const char *md = "[[a]] [[b|text]] ![i](x.png) [l](y.md)\n";
	CHECK(md_parse(&doc, md, strlen(md), 1, 0) == 0);
	md_expand_wikilinks(&doc);
	struct rawlink *ls;
	size_t n;
	md_links(&doc, &ls, &n);
	CHECK(n == 4);
	if (n == 4) {
		CHECK(ls[0].wiki == MD_WIKI_TITLED && ls[1].wiki == MD_WIKI && ls[2].wiki == 0 && ls[3].wiki == 0);
		CHECK(ls[2].is_image && !ls[0].is_image && !ls[3].is_image);
	}
	for (size_t k = 0; k < n; k++)
		free(ls[k].url);
	free(ls);
	md_free(&doc);
}

/* prefix, then n "*e* [l](u) " in one paragraph (sep between each
 * hundred), then suffix: a new string */
static char *pairs(const char *prefix, size_t n, const char *sep, const char *suffix)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, prefix);
	for (size_t i = 0; i < n; i++) {
		buf_puts(&b, "*e* [l](u) ");
		if (sep && i % 100 == 99)
			buf_puts(&b, sep);
	}
	buf_puts(&b, suffix);
	char *s = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return s;
}

static int costly(const char *s)
{
	return md_costly_line(s, strlen(s));
}

static void a_paragraph_cmark_would_parse_for_minutes_is_found_at_its_line(void)
{
	char *s = pairs("Intro.\n\n", 20000, NULL, "\n");
	CHECK(costly(s) == 3);
	struct md_doc doc;
	CHECK(md_parse(&doc, s, strlen(s), 1, 0) == 0);
	CHECK(cmark_node_get_type(cmark_node_first_child(doc.root)) == CMARK_NODE_CODE_BLOCK);
	md_free(&doc);
	free(s);
	s = pairs("", 20000, "\n", ""); /* line breaks do not end a paragraph */
	CHECK(costly(s) == 1);
	free(s);
	s = pairs("> quoted\n", 20000, "\n> ", ""); /* nor do quote markers */
	CHECK(costly(s) == 1);
	free(s);
	/* nor rows after a table: a heading ends the table, and then the
	 * lines are a paragraph's, pipes or not */
	s = pairs("| a | b |\n|---|---|\n| c | d |\n# H\n", 20000, "|\n", "");
	CHECK(costly(s) == 5);
	free(s);
}

static void each_row_of_a_table_is_parsed_on_its_own(void)
{
	char *s = pairs("| a | b |\n|---|:--:|\n| ", 20000, "|\n| ", "|\n");
	CHECK(costly(s) == 0);
	free(s);
	/* not tables: a delimiter cell without a dash, cells that do not
	 * match (an escaped backslash is not an escaped pipe), a header in a
	 * quote */
	s = pairs("| a | b |\n|---|:|\n| ", 20000, "|\n| ", "|\n");
	CHECK(costly(s) == 1);
	free(s);
	s = pairs("| a \\\\| b | c |\n|---|---|\n| ", 20000, "|\n| ", "|\n");
	CHECK(costly(s) == 1);
	free(s);
	s = pairs("> | a | b |\n> |---|---|\n> | ", 20000, "|\n> | ", "|\n");
	CHECK(costly(s) == 1);
	free(s);
}

static void paragraphs_of_ordinary_size_pass_however_many(void)
{
	char *s = pairs("", 20000, "\n\n", "");
	CHECK(costly(s) == 0);
	free(s);
	s = pairs("", 20000, "\n# Heading\n", ""); /* a heading ends one */
	CHECK(costly(s) == 0);
	free(s);
	s = pairs("```\n", 20000, NULL, "\n```\n"); /* code is not parsed for links */
	CHECK(costly(s) == 0);
	free(s);
	CHECK(costly("Short *text* with [a link](x.md).") == 0);
}

static void what_only_looks_like_a_break_does_not_hide_one(void)
{
	/* not a fence: a backtick in the info string, or indented */
	char *s = pairs("```a`b\n", 20000, NULL, "");
	CHECK(costly(s) == 1);
	free(s);
	s = pairs("    ```\n", 20000, NULL, "");
	CHECK(costly(s) == 1);
	free(s);
	/* a fence in a quote ends with the quote: what follows is parsed */
	s = pairs("> ```\n", 20000, NULL, "");
	CHECK(costly(s) != 0);
	free(s);
	s = pairs("", 20000, "\n#not-a-heading\n", "");
	CHECK(costly(s) == 1);
	free(s);
}

/* Links written so that they stay text are noted at their place: an
 * unclosed [[ (not one in code, nor one a later "]]" of the paragraph
 * closes), a wiki link whose '|' split a table row's cell, an inline
 * link without its ')'. */
static void links_written_as_text_are_noted_where_they_stand(void)
{
	static const struct {
		const char *md, *want;
	} cases[] = {
		{ "See [[leave] and [[leave and more.\n",
		  "3:5:0:the wiki link is not closed: add ']]'\n3:18:0:the wiki link is not closed: add ']]'\n" },
		{ "| a | b |\n| --- | --- |\n| x | [[leave|annual leave]] |\n",
		  "5:7:0:in a table, the '|' of a wiki link ends the cell: write [[leave\\|annual leave]]\n" },
		{ "| a | b |\n| --- | --- |\n| x | [[leave |\n", "5:7:0:the wiki link is not closed: add ']]'\n" },
		{ "| a |\n| --- |\n| [[leave\\|annual leave]] |\n", "" },
		{ "`[[code` and\n\n    [[block\n\n[[leave|wrapped\n  text]] and [[a *b* c]]\n", "" },
		{ "## Heading [[x\n\n> quote\n> [[y\n",
		  "3:12:0:the wiki link is not closed: add ']]'\n6:3:0:the wiki link is not closed: add ']]'\n" },
		{ "Read [the policy](leave.md\n", "3:6:1:this link's address is not closed: add ')' after it\n" },
		{ "[a](b) and [c](d) and (an aside)\n", "" },
		{ "Brackets alone [[ are text, as is a run of them: [[[[[\n", "" },
		{ "[[[leave\n", "3:1:0:the wiki link is not closed: add ']]'\n" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct md_doc doc;
		CHECK(md_parse(&doc, cases[i].md, strlen(cases[i].md), 3, 0) == 0);
		md_expand_wikilinks(&doc);
		struct buf got = BUF_INIT;
		for (size_t k = 0; k < doc.nproblems; k++)
			buf_printf(&got, "%d:%d:%d:%s\n", doc.problems[k].line, doc.problems[k].col,
				   doc.problems[k].likely, doc.problems[k].msg);
		CHECK_STR(buf_cstr(&got), cases[i].want);
		buf_free(&got);
		md_free(&doc);
	}
}

/* A page's text (what search indexes and shows passages of) breaks
 * where a block ends, not where emphasis, a link or code ends: a case
 * name in italics stays in its sentence, "**e**mail" is one word. */
static void a_pages_text_breaks_only_between_blocks(void)
{
	const char *md = "In *Author v Times* [2009] EWHC and **e**mail, see [the guide](g.md) `now`.\n\n"
			 "# Heading\n\n- one\n- two\n\n| a | b |\n|---|---|\n| c | d |\n";
	struct md_doc doc;
	char *html, *text;
	md_parse(&doc, md, strlen(md), 1, 0);
	md_expand_wikilinks(&doc);
	md_render(&doc, resolve_ext, NULL, &html, &text);
	CHECK_STR(text, "In Author v Times [2009] EWHC and email, see the guide now.\nHeading\none\ntwo\n"
			"a\nb\nc\nd\n");
	md_free(&doc);
	free(html);
	free(text);
}

/* 1 when no two id="..." in html are alike. */
static int ids_distinct(const char *html)
{
	const char *ids[128];
	size_t lens[128], n = 0;
	for (const char *q = html; (q = strstr(q, "id=\"")) && n < 128; q++) {
		ids[n] = q + 4;
		lens[n] = strcspn(q + 4, "\"");
		for (size_t k = 0; k < n; k++)
			if (lens[k] == lens[n] && !memcmp(ids[k], ids[n], lens[n]))
				return 0;
		n++;
	}
	return 1;
}

static void a_heading_never_takes_a_footnotes_id(void)
{
	/* the tenth reference to one note is fnref-1-10 */
	struct buf many = BUF_INIT;
	buf_puts(&many, "## Fnref 1 10\n\n");
	for (int i = 0; i < 12; i++)
		buf_puts(&many, "See[^1]. ");
	buf_puts(&many, "\n\n[^1]: Note.\n");
	char *mh, *mt;
	struct buf mc = BUF_INIT;
	render_after(buf_cstr(&many), 0, NULL, &mc, &mh, &mt);
	CHECK(strstr(mh, "id=\"fnref-1-10\"") != NULL);
	CHECK(ids_distinct(mh));
	free(mh);
	free(mt);
	buf_free(&mc);
	buf_free(&many);

	const char *md = "## Fn 1\n\nText[^1] and again[^1].\n\n## Fnref 1 2\n\n## FN NOTE\n\nSee[^Note].\n\n"
			 "[^1]: The note.\n[^note]: Another.\n";
	for (int print = 0; print < 2; print++) {
		char *html, *text;
		struct buf calls = BUF_INIT;
		render_after(md, 0, print ? "p--" : NULL, &calls, &html, &text);
		buf_free(&calls);
		CHECK(ids_distinct(html));
		CHECK(strstr(html, print ? "id=\"p--fn-1-2\"" : "id=\"fn-1-2\"") != NULL);
		CHECK(strstr(html, print ? "id=\"p--fn-note-2\"" : "id=\"fn-note-2\"") != NULL);
		free(html);
		free(text);
	}
}

int main(void)
{
	RUN(parses_on_several_threads_keep_every_extension);
	RUN(parses_run_at_once_with_this_libcmark_gfm);
	RUN(a_pipe_outside_tables_stays_text);
	RUN(control_characters_become_spaces_at_any_offset);
	RUN(tables_are_off_only_past_the_widest_line);
	RUN(tables_off_names_the_first_wide_line);
	RUN(early_rendering_matches_rendering_after_resolving);
	RUN(early_rendering_declines_what_it_cannot_tell_apart);
	RUN(links_as_written_are_what_a_render_asks);
	RUN(each_link_s_text_reads_as_written);
	RUN(a_paragraph_cmark_would_parse_for_minutes_is_found_at_its_line);
	RUN(paragraphs_of_ordinary_size_pass_however_many);
	RUN(what_only_looks_like_a_break_does_not_hide_one);
	RUN(each_row_of_a_table_is_parsed_on_its_own);
	RUN(links_written_as_text_are_noted_where_they_stand);
	RUN(a_pages_text_breaks_only_between_blocks);
	RUN(a_heading_never_takes_a_footnotes_id);
	UNIT_END();
}
