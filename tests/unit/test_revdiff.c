/* Tests for generator/revdiff.c: what a reader of a history page sees for
 * each kind of edit, that nothing from an old revision can inject HTML,
 * and that pathological revisions still finish. */
#include <stdlib.h>

#include "markdown.h"
#include "revdiff.h"
#include "unit.h"

#define LQ "\xE2\x80\x9C" /* “ */
#define RQ "\xE2\x80\x9D" /* ” */
#define LS "\xE2\x80\x98" /* ‘ */
#define RS "\xE2\x80\x99" /* ’ */
#define ELL "\xE2\x80\xA6" /* … */
#define FFFD "\xEF\xBF\xBD" /* U+FFFD replacement character */

/* Returns the body diff as a new string; caller frees. */
static char *body(const char *old_md, const char *new_md)
{
	struct buf b = BUF_INIT;
	revdiff_body(old_md, new_md, 0, &b);
	return buf_detach(&b);
}

/* Returns the front-matter notes for two JSON texts; caller frees. */
static char *meta(const char *old_json, const char *new_json)
{
	struct buf b = BUF_INIT;
	json_t *o = old_json ? json_loads(old_json, 0, NULL) : NULL;
	json_t *n = new_json ? json_loads(new_json, 0, NULL) : NULL;
	revdiff_meta(o, n, &b);
	json_decref(o);
	json_decref(n);
	return buf_detach(&b);
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void one_changed_word_is_the_only_deletion_and_insertion(void)
{
	char *s = body("The quick brown fox jumps over the dog.\n",
		       "The slow brown fox jumps over the dog.\n");
	CHECK_STR(s, "<div class=\"diff-block\">The <del>quick</del> <ins>slow</ins>"
		     " brown fox jumps over the dog.</div>\n");
	free(s);
}

static void a_footnote_mark_reads_as_its_number(void)
{
	char *s = body("Leave is 28 days.[^1]\n\n[^1]: Working Time Regulations 1998.\n",
		       "Leave is 28 days.[^1]\n\n[^1]: Working Time Regulations 1998, reg 13.\n");
	CHECK(strstr(s, "[^") == NULL); /* no Markdown shows */
	CHECK(strstr(s, "[1]: Working Time Regulations <del>1998.</del> <ins>1998, reg 13.</ins>") != NULL);
	free(s);
	/* a named footnote reads as the number cmark-gfm gives it: the order
	 * of first reference, not of definition */
	s = body("Pay[^pay] and leave[^wtr].\n\n[^wtr]: Working Time Regulations.\n\n[^pay]: ERA 1996.\n",
		 "Pay[^pay] and leave[^wtr] now.\n\n[^wtr]: Working Time Regulations.\n\n[^pay]: ERA 1996.\n");
	CHECK(strstr(s, "Pay[1] and <del>leave[2].</del> <ins>leave[2] now.</ins>") != NULL);
	CHECK(strstr(s, "wtr") == NULL && strstr(s, "pay]") == NULL);
	free(s);
	s = body("Leave[^wtr].\n\n[^wtr]: The Regulations.\n",
		 "Leave[^wtr].\n\n[^wtr]: The Regulations, reg 13.\n");
	CHECK(strstr(s, "[1]: The <del>") != NULL); /* its definition too */
	free(s);
	/* labels match without case; a mark with no definition is text, as
	 * the page shows it; a definition may be indented three spaces */
	s = body("A[^Src] b[^none].\n\n   [^src]: Source.\n", "A[^Src] b[^none] c.\n\n   [^src]: Source.\n");
	CHECK(strstr(s, "A[1] <del>b[^none].</del>") != NULL);
	CHECK(strstr(s, "Src") == NULL);
	free(s);
	/* in code, a mark is text */
	s = body("```\nx[^a]\n```\n", "```\nx[^a] y\n```\n");
	CHECK(strstr(s, "[^a]") != NULL);
	free(s);
}

static void word_removed_at_the_end_keeps_the_space_before_it(void)
{
	char *s = body("Staff may appeal in writing", "Staff may appeal");
	CHECK_STR(s, "<div class=\"diff-block\">Staff may appeal <del>in writing</del></div>\n");
	free(s);
}

static void word_added_at_the_start_is_inserted_before_the_rest(void)
{
	char *s = body("managers must reply.", "All managers must reply.");
	CHECK_STR(s, "<div class=\"diff-block\"><ins>All</ins> managers must reply.</div>\n");
	free(s);
}

static void added_paragraph_is_shown_whole_as_inserted(void)
{
	char *s = body("First.\n\nThird.\n", "First.\n\nSecond is new.\n\nThird.\n");
	CHECK(strstr(s, "<div class=\"diff-block diff-added\"><ins>Second is new.</ins></div>") != NULL);
	CHECK(count(s, "<del>") == 0);
	free(s);
}

static void removed_paragraph_is_shown_whole_as_deleted(void)
{
	char *s = body("First.\n\nObsolete advice.\n\nThird.\n", "First.\n\nThird.\n");
	CHECK(strstr(s, "<div class=\"diff-block diff-removed\"><del>Obsolete advice.</del></div>") != NULL);
	CHECK(count(s, "<ins>") == 0);
	free(s);
}

static void unchanged_paragraphs_are_omitted_and_counted(void)
{
	char *s = body("Alpha one.\n\nBeta two.\n\nGamma three.\n\nDelta four.\n",
		       "Alpha one.\n\nBeta two.\n\nGamma three.\n\nDelta 4.\n");
	CHECK(strstr(s, "Alpha") == NULL);
	CHECK(strstr(s, "Gamma") == NULL);
	CHECK(strstr(s, "<p class=\"diff-skip\">" ELL " 3 unchanged paragraphs " ELL "</p>") == s);
	CHECK(strstr(s, "Delta <del>four.</del> <ins>4.</ins>") != NULL);
	free(s);
}

static void identical_bodies_say_no_change(void)
{
	char *s = body("Same text.\n\nStill the same.\n", "Same text.\n\nStill the same.\n");
	CHECK_STR(s, "<p class=\"diff-none\">No change to the text.</p>\n");
	CHECK(revdiff_changed("Same text.", "Same text.") == 0);
	free(s);
}

static void crlf_and_trailing_spaces_count_as_unchanged(void)
{
	const char *crlf = "\xEF\xBB\xBFLine one \r\nLine two\r\n\r\nPara two\t\r\n\r\n";
	const char *lf = "Line one\nLine two\n\nPara two";
	char *s = body(crlf, lf);
	CHECK_STR(s, "<p class=\"diff-none\">No change to the text.</p>\n");
	CHECK(revdiff_changed(crlf, lf) == 0);
	/* a lone CR ends a line too, and text after a NUL-free last line counts */
	CHECK(revdiff_changed("Line one\rLine two \r\rPara two", lf) == 0);
	CHECK(revdiff_changed("Line one\rLine two\r\rPara tw", lf) == 1);
	free(s);
	/* two spaces at a line's end are a line break readers see */
	s = body("Line one  \nLine two\n", "Line one\nLine two\n");
	CHECK_STR(s, "<p class=\"diff-none\">Only spacing or line breaks changed.</p>\n");
	free(s);
	/* a paragraph indented into a code block reads the same, shown otherwise */
	s = body("A.\n\nSome code here.\n", "A.\n\n    Some code here.\n");
	CHECK(strstr(s, "The formatting changed here.") != NULL);
	free(s);
}

static void one_letter_edit_counts_as_changed(void)
{
	CHECK(revdiff_changed("Notice period is 3 weeks.", "Notice period is 4 weeks.") == 1);
	CHECK(revdiff_changed(NULL, "x") == 1);
	CHECK(revdiff_changed(NULL, "") == 0);
}

static void script_in_new_text_is_escaped(void)
{
	char *s = body("Hello world.", "Hello <script>alert(\"x\")</script> world, 5 < 6 & \"q\" > 'p'.");
	CHECK(strstr(s, "<script") == NULL);
	CHECK(strstr(s, "&lt;script") == NULL); /* a tag is no text */
	CHECK(strstr(s, "Hello alert(&quot;x&quot;) world,") != NULL);
	CHECK(strstr(s, "5 &lt; 6 &amp; &quot;q&quot; &gt; &#39;p&#39;.") != NULL);
	free(s);
}

static void script_and_quotes_in_old_text_are_escaped(void)
{
	char *s = body("It's <img src=x onerror=\"boom()\"> \"a\" < b\n\nKept.\n", "Kept.\n");
	CHECK(strstr(s, "<img") == NULL);
	CHECK(strstr(s, "onerror") == NULL);
	CHECK(strstr(s, "<del>It&#39;s  &quot;a&quot; &lt; b</del>") != NULL);
	free(s);
}

static char *body_raw(const char *old_md, const char *new_md)
{
	struct buf b = BUF_INIT;
	revdiff_body(old_md, new_md, 1, &b);
	return buf_detach(&b);
}

/* What the page never shows is not in its history: an editor's comment,
 * and an HTML block while raw HTML is off (pages leave it out). */
static void hidden_html_is_not_shown(void)
{
	const char *old = "Public text.\n";
	const char *new = "Public text.\n\n<!-- internal: approved by X,\n\nprivileged -->\n\n"
			  "<div class=\"note\">PRIVILEGED: counsel advice</div>\n\n"
			  "See <span title=\"x\">INLINE</span> here <!-- a note -->.\n";
	char *s = body(old, new);
	CHECK(strstr(s, "privileged") == NULL);
	CHECK(strstr(s, "approved") == NULL);
	CHECK(strstr(s, "PRIVILEGED") == NULL);
	CHECK(strstr(s, "a note") == NULL);
	CHECK(strstr(s, "span") == NULL);
	CHECK(strstr(s, "<ins>See INLINE here .</ins>") != NULL);
	free(s);
	/* with raw HTML on, the block's text is shown, its tags and the comments are not */
	s = body_raw(old, new);
	CHECK(strstr(s, "PRIVILEGED: counsel advice") != NULL);
	CHECK(strstr(s, "&quot;note") == NULL && strstr(s, "&lt;div") == NULL);
	CHECK(strstr(s, "approved") == NULL);
	CHECK(strstr(s, "a note") == NULL);
	free(s);
	/* a script block: left out with raw HTML off; with it on, GFM's
	 * tagfilter shows it as text, so its text is there */
	s = body(old, "Public text.\n\n<script>\nvar secret = 1;\n</script>\n\nAfter.\n");
	CHECK(strstr(s, "secret") == NULL);
	CHECK(strstr(s, "<ins>After.</ins>") != NULL);
	free(s);
	s = body_raw(old, "Public text.\n\n<script>\nvar secret = 1;\n</script>\n\nAfter.\n");
	CHECK(strstr(s, "var secret = 1;") != NULL);
	free(s);
	/* a change to a comment alone is no change to the text */
	s = body("Text.\n\n<!-- draft one -->\n", "Text.\n\n<!-- draft two -->\n");
	CHECK(strcmp(s, "<p class=\"diff-none\">No change to the text.</p>\n") == 0);
	free(s);
	/* an HTML block ends at a blank line; the paragraph after it is text */
	s = body("A.\n", "A.\n<div>\nhidden\n</div>\n\nShown.\n");
	CHECK(strstr(s, "hidden") == NULL);
	CHECK(strstr(s, "<ins>Shown.</ins>") != NULL);
	free(s);
}

/* Cases where HTML was taken for hidden and a real edit went unrecorded,
 * or hidden text published (the review of the session's code). */
static void html_edges_follow_cmark(void)
{
	/* a fence opened on a list item's line: the comment inside is code,
	 * and the paragraph after it is text */
	char *s = body("- ```html\n  <!-- start of template\n  ```\n\nPay is monthly.\n",
		       "- ```html\n  <!-- start of template\n  ```\n\nPay is weekly.\n");
	CHECK(strstr(s, "<del>monthly.</del>") != NULL && strstr(s, "<ins>weekly.</ins>") != NULL);
	free(s);
	/* an HTML block after a setext heading or a thematic break is hidden */
	s = body("Title\n=====\n<span class=\"x\">\nSecret one\n", "Title\n=====\n<span class=\"x\">\nSecret two\n");
	CHECK(strstr(s, "Secret") == NULL);
	free(s);
	s = body("A\n\n***\n<span class=\"x\">\nSecret one\n", "A\n\n***\n<span class=\"x\">\nSecret two\n");
	CHECK(strstr(s, "Secret") == NULL);
	free(s);
	/* a processing instruction on one line ends there */
	s = body("<?>\nshown one\n", "<?>\nshown two\n");
	CHECK(strstr(s, "<ins>two</ins>") != NULL);
	free(s);
	/* indented code shows a comment as written */
	s = body("Use this:\n\n    <!-- keep: old value -->\n", "Use this:\n\n    <!-- keep: new value -->\n");
	CHECK(strstr(s, "<ins>new</ins>") != NULL);
	free(s);
	/* a comment changed in a quote or a list item is no change either */
	s = body("> Quoted.\n> <!-- secret one -->\n", "> Quoted.\n> <!-- secret two -->\n");
	CHECK(strstr(s, "secret") == NULL && strstr(s, "formatting") == NULL);
	free(s);
	s = body("1.  Item\n\n    <!-- secret one -->\n", "1.  Item\n\n    <!-- secret two -->\n");
	CHECK(strstr(s, "secret") == NULL);
	free(s);
	/* cmark-gfm 0.29 reads "<!-- a -- b -->" as text, not a comment */
	s = body("Type <!-- old -- text --> to start.\n", "Type <!-- new -- text --> to start.\n");
	CHECK(strstr(s, "<ins>new</ins>") != NULL);
	free(s);
}

/* A column added to a table shows the table before and after whole, not
 * the words of every row against each other. */
static void a_new_column_shows_both_tables(void)
{
	char *s = body("| Grade | Days |\n| --- | --- |\n| A | 25 |\n| B | 27 |\n",
		       "| Grade | Days | Notes |\n| --- | --- | --- |\n| A | 25 | none |\n| B | 27 | none |\n");
	CHECK(strstr(s, "<div class=\"diff-block diff-removed\"><del>Grade | Days\nA | 25\nB | 27</del></div>") != NULL);
	CHECK(strstr(s, "<div class=\"diff-block diff-added\"><ins>Grade | Days | Notes\nA | 25 | none\nB | 27 | none</ins></div>") != NULL);
	free(s);
	/* a cell changed keeps its word diff */
	s = body("| Grade | Days |\n| --- | --- |\n| A | 25 |\n", "| Grade | Days |\n| --- | --- |\n| A | 28 |\n");
	CHECK(strstr(s, "<del>25</del>") != NULL && strstr(s, "<ins>28</ins>") != NULL);
	free(s);
}

/* ---- against the page itself ---------------------------------------
 * Random documents made of the constructs that hide text or seem to, a
 * token in each: what the page (quire's own renderer) never shows must
 * not be in the history's diff, and a change the page shows must be. */

static const char *const hidden_pieces[] = {
	"Para text {T}.", "<!-- note {T} -->", "<!--\n{T}\n\nmore\n-->", "<div>{T}</div>", "<div>\n{T}\n</div>",
	"<span>{T}</span> x", "Text <!-- {T} --> more.", "- item {T}", "- ```\n  <!-- {T} -->\n  ```",
	"> <!-- {T} -->", "> quote {T}", "```\n<!-- {T} -->\n```", "    <!-- {T} -->", "Title\n=====\n<span>\n{T}",
	"***\n<b>\n{T}", "<?x {T} ?>", "<!X {T}>", "<![CDATA[ {T} ]]>", "<script>\n{T}\n</script>", "<pre>\n{T}\n</pre>",
	"1.  Item\n\n    <!-- {T} -->", "`<!-- {T} -->`", "A <!-- a -- {T} --> b", "<details>\n{T}\n</details>",
	"Para\n<div>\n{T}\n</div>", "Para\n<span>\n{T}", "Heading\n---\n<i>\n{T}", "- a\n\n  <div>{T}</div>",
	"> <div>\n> {T}\n> </div>", "<!-- x -->\n{T}", "Text\n<!-- {T} -->", "<div\nclass=\"x\">\n{T}\n</div>",
	"* * *\n<em>\n{T}", "<table><tr><td>{T}</td></tr></table>", "<br>\n{T}", "</div>\n{T}", "Line  \n{T}",
	"  <!-- {T} -->", "[x](y \"{T}\")", "<a href=\"{T}\">link</a>",
};

static unsigned long long hidden_rng = 88172645463325252ULL;

static size_t hidden_pick(size_t n)
{
	hidden_rng ^= hidden_rng << 13;
	hidden_rng ^= hidden_rng >> 7;
	hidden_rng ^= hidden_rng << 17;
	return (size_t)(hidden_rng % n);
}

static void hidden_doc(struct buf *b, const size_t *pick, size_t n, const char *tok)
{
	buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		for (const char *p = hidden_pieces[pick[i]]; *p; p++)
			if (!strncmp(p, "{T}", 3)) {
				buf_puts(b, tok);
				p += 2;
			} else {
				buf_putc(b, *p);
			}
		buf_puts(b, "\n\n");
	}
}

/* Whether the page's HTML shows tok as text: not in a comment, a script
 * or a tag (an attribute is no text). */
static int page_shows(const char *html, const char *tok)
{
	struct buf t = BUF_INIT;
	for (const char *p = html; *p;) {
		const char *end = NULL;
		if (!strncmp(p, "<!--", 4))
			end = strstr(p + 4, "-->"), end = end ? end + 3 : NULL;
		else if (!strncasecmp(p, "<script", 7))
			end = strcasestr(p, "</script>"), end = end ? end + 9 : NULL;
		else if (*p == '<')
			end = strchr(p, '>'), end = end ? end + 1 : NULL;
		if (end) {
			buf_putc(&t, ' ');
			p = end;
		} else {
			buf_putc(&t, *p++);
		}
	}
	int shown = strstr(buf_cstr(&t), tok) != NULL;
	buf_free(&t);
	return shown;
}

static void hidden_html_matches_the_page(void)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	int leaks = 0, lost = 0;
	for (int i = 0; i < 800; i++) {
		size_t pick[4], n = 1 + hidden_pick(4);
		for (size_t k = 0; k < n; k++)
			pick[k] = hidden_pick(sizeof hidden_pieces / sizeof *hidden_pieces);
		int raw = i & 1;
		hidden_doc(&a, pick, n, "QQA");
		hidden_doc(&b, pick, n, "QQB");
		char *pa = md_to_html(buf_cstr(&a), raw), *pb = md_to_html(buf_cstr(&b), raw);
		int shown = page_shows(pa, "QQA") || page_shows(pb, "QQB");
		struct buf d = BUF_INIT;
		revdiff_body(buf_cstr(&a), buf_cstr(&b), raw, &d);
		int in_diff = strstr(buf_cstr(&d), "QQA") || strstr(buf_cstr(&d), "QQB");
		if (!shown && in_diff && leaks++ < 3)
			printf("    leaked (raw %d): %s\n", raw, buf_cstr(&b));
		if (shown && strstr(buf_cstr(&d), "No change to the text.") && lost++ < 3)
			printf("    edit not shown (raw %d): %s\n", raw, buf_cstr(&b));
		buf_free(&d);
		free(pa);
		free(pb);
	}
	CHECK(leaks == 0);
	CHECK(lost == 0);
	buf_free(&a);
	buf_free(&b);
}

/* Code shows HTML as written: in a fence or in a code span. */
static void html_in_code_is_text(void)
{
	char *s = body("A.\n", "A.\n\n```\n<!-- in a fence -->\n<div>x</div>\n```\n\n"
				"Use `<!-- span -->` and `<b>`.\n");
	CHECK(strstr(s, "&lt;!-- in a fence --&gt;") != NULL);
	CHECK(strstr(s, "&lt;div&gt;x&lt;/div&gt;") != NULL);
	CHECK(strstr(s, "Use &lt;!-- span --&gt; and &lt;b&gt;.") != NULL);
	free(s);
}

/* Many openings with no end: each is looked for once, not once per opening. */
static void unclosed_html_is_linear(void)
{
	size_t n = 200000;
	char *a = malloc(n * 5 + 1), *p = a;
	for (size_t i = 0; i < n; i++, p += 5)
		memcpy(p, i % 2 ? "x<!--" : "x<?a ", 5);
	*p = '\0';
	char *s = body("x", a);
	CHECK(strstr(s, "&lt;!--") != NULL);
	free(s);
	free(a);
}

static void new_article_shows_every_block_inserted(void)
{
	char *s = body(NULL, "# Leave\n\nYou get 25 days.\n");
	CHECK_STR(s, "<div class=\"diff-block diff-heading diff-added\"><ins>Leave</ins></div>\n"
		     "<div class=\"diff-block diff-added\"><ins>You get 25 days.</ins></div>\n");
	free(s);
}

static void deleted_article_shows_every_block_deleted(void)
{
	char *s = body("Old guidance.\n\nMore of it.\n", NULL);
	CHECK(count(s, "<div class=\"diff-block diff-removed\"><del>") == 2);
	CHECK(count(s, "<ins>") == 0);
	free(s);
	s = body(NULL, NULL);
	CHECK_STR(s, "<p class=\"diff-none\">No change to the text.</p>\n");
	free(s);
}

static void fenced_code_block_with_blank_lines_is_one_block(void)
{
	char *s = body("```\nrun a\n\nrun b\n```\n", "```\nrun a\n\nrun c\n```\n");
	CHECK_STR(s, "<div class=\"diff-block\">```\nrun a\n\nrun <del>b</del> <ins>c</ins>\n```</div>\n");
	free(s);
}

static void list_items_are_separate_blocks(void)
{
	char *s = body("- bring ID\n- bring payslip\n- sign form\n",
		       "- bring ID\n- bring two payslips\n- sign form\n");
	CHECK(strstr(s, "bring ID") == NULL);
	CHECK(strstr(s, "sign form") == NULL);
	CHECK(strstr(s, "<div class=\"diff-block\">\xE2\x80\xA2 bring <ins>two</ins> <del>payslip</del>") == NULL);
	CHECK(strstr(s, "\xE2\x80\xA2 bring <del>payslip</del> <ins>two payslips</ins>") != NULL);
	free(s);
}

static void edited_heading_is_shown_as_one_edited_block(void)
{
	char *s = body("## Costs of a claim\nText.\n", "## Legal costs of a claim\nText.\n");
	CHECK(strstr(s, "<ins>Legal</ins> <del>Costs</del>") == NULL);
	CHECK(strstr(s, "<div class=\"diff-block diff-heading\"><del>Costs</del> <ins>Legal costs</ins> of a claim</div>") != NULL);
	CHECK(strstr(s, "Text.") == NULL);
	free(s);
}

static void moved_paragraph_is_reported_as_moved_not_rewritten(void)
{
	char *s = body("Intro.\n\nMove me please.\n\nMiddle.\n\nEnd.\n",
		       "Intro.\n\nMiddle.\n\nEnd.\n\nMove me please.\n");
	CHECK(strstr(s, "The paragraph " LQ "Move me please." RQ " moved from here to further down.") != NULL);
	CHECK(strstr(s, "<div class=\"diff-block diff-moved\"><p class=\"diff-note\">Moved here from further up.</p>Move me please.</div>") != NULL);
	CHECK(count(s, "<del>") == 0 && count(s, "<ins>") == 0);
	free(s);
}

static void paragraph_divided_in_two_is_one_note_not_a_rewrite(void)
{
	char *s = body("Intro.\n\nThe court may order disclosure. It rarely does so quickly.\n\nEnd.\n",
		       "Intro.\n\nThe court may order disclosure.\n\nIt rarely does so quickly.\n\nEnd.\n");
	CHECK(strstr(s, "<div class=\"diff-block diff-split\"><p class=\"diff-note\">A paragraph was divided into 2 here; "
			"no word of it changed.</p><p>The court may order disclosure.</p><p>It rarely does so quickly.</p></div>") != NULL);
	CHECK(count(s, "<del>") == 0 && count(s, "<ins>") == 0);
	CHECK(count(s, "unchanged paragraph") == 2); /* the intro and the end */
	free(s);
	/* into three */
	s = body("A b. C d. E f.\n", "A b.\n\nC d.\n\nE f.\n");
	CHECK(strstr(s, "A paragraph was divided into 3 here") != NULL);
	free(s);
}

static void paragraphs_joined_into_one_are_one_note(void)
{
	char *s = body("The court may order disclosure.\n\nIt rarely does so quickly.\n",
		       "The court may order disclosure. It rarely does so quickly.\n");
	CHECK_STR(s, "<div class=\"diff-block diff-join\"><p class=\"diff-note\">2 paragraphs were joined into one here; "
		     "no word of them changed.</p>The court may order disclosure. It rarely does so quickly.</div>\n");
	free(s);
}

static void a_divided_paragraph_with_a_word_changed_is_shown_as_edited(void)
{
	char *s = body("The court may order disclosure. It rarely does so quickly.\n",
		       "The court may order disclosure.\n\nIt seldom does so quickly.\n");
	CHECK(strstr(s, "divided") == NULL);
	CHECK(count(s, "<del>") + count(s, "<ins>") > 0);
	free(s);
}

static void a_heading_divided_is_no_paragraph_divided(void)
{
	/* the heading's text, and its id, changed */
	char *s = body("## Steps to take now\n\nText.\n", "## Steps to\n\ntake now\n\nText.\n");
	CHECK(strstr(s, "divided") == NULL);
	free(s);
	s = body("- one two\n", "- one\n\ntwo\n");
	CHECK(strstr(s, "divided") == NULL);
	free(s);
}

static void thousands_of_paragraphs_replaced_by_one_finish(void)
{
	struct buf a = BUF_INIT;
	for (int i = 0; i < 16000; i++)
		buf_printf(&a, "Paragraph %d of the old text.\n\n", i);
	/* (looking for a join hunk by hunk from each removed block took 33 s) */
	char *s = body(buf_cstr(&a), "One new paragraph.\n");
	CHECK(strstr(s, "One new paragraph.") != NULL);
	free(s);
	buf_free(&a);
}

static void reflowed_paragraph_reports_only_spacing(void)
{
	char *s = body("One two three\nfour five.", "One two\nthree four five.");
	CHECK_STR(s, "<p class=\"diff-none\">Only spacing or line breaks changed.</p>\n");
	CHECK(revdiff_changed("One two three\nfour five.", "One two\nthree four five.") == 1);
	free(s);
}

static void accented_and_curly_quoted_words_are_never_split(void)
{
	char *s = body("Ask " LQ "Zo\xC3\xAB" RQ " today.",
		       "Ask " LQ "Zo\xC3\xA9" RQ " today.");
	CHECK_STR(s, "<div class=\"diff-block\">Ask <del>" LQ "Zo\xC3\xAB" RQ "</del> "
		     "<ins>" LQ "Zo\xC3\xA9" RQ "</ins> today.</div>\n");
	free(s);
}

static void invalid_utf8_and_control_bytes_become_replacement_characters(void)
{
	char *s = body("caf\xE9 ok", "caf\xE9 \x01ok");
	CHECK(strstr(s, "caf" FFFD) != NULL);
	CHECK(strstr(s, "<ins>" FFFD "ok</ins>") != NULL);
	CHECK(strchr(s, '\x01') == NULL && strchr(s, '\xE9') == NULL);
	free(s);
}

static void rewritten_sentence_reads_as_one_deletion_and_one_insertion(void)
{
	char *s = body("The cat sat on the mat while the dog slept in the sun.",
		       "A bird flew over the house as the child played in the garden.");
	CHECK(count(s, "<del>") == 1);
	CHECK(count(s, "<ins>") == 1);
	free(s);
}

static void output_is_deterministic(void)
{
	const char *a = "A b c.\n\nD e f.\n\nG h.\n\n- x\n- y\n";
	const char *b = "A c b.\n\nG h.\n\nD e f g.\n\n- y\n- x\n- z\n";
	char *s1 = body(a, b), *s2 = body(a, b);
	CHECK_STR(s1, s2);
	free(s1);
	free(s2);
}

/* Builds n bytes of distinct words "w<prefix><i> ", optionally with a blank
 * line every `para` words; caller frees. */
static char *words(size_t n, const char *prefix, size_t para)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; b.len < n; i++)
		buf_printf(&b, "w%s%zu%s", prefix, i, para && i % para == para - 1 ? "\n\n" : " ");
	return buf_detach(&b);
}

static void huge_paragraph_with_every_word_different_finishes(void)
{
	char *a = words(200000, "a", 0), *b = words(200000, "b", 0);
	char *s = body(a, b);
	/* past the budget: one deletion of everything, one insertion */
	CHECK(count(s, "<del>") == 1 && count(s, "<ins>") == 1);
	CHECK(strstr(s, "wa0 ") != NULL && strstr(s, "wb0 ") != NULL);
	free(s);
	free(a);
	free(b);
}

static void thousands_of_changed_paragraphs_finish(void)
{
	char *a = words(200000, "a", 7), *b = words(200000, "b", 7);
	char *s = body(a, b);
	CHECK(count(s, "diff-removed") > 1000);
	CHECK(count(s, "diff-added") > 1000);
	free(s);
	free(a);
	free(b);
}

static void one_word_changed_in_a_megabyte_paragraph_is_found(void)
{
	char *a = words(1000000, "", 0), *b = xstrdup(a);
	char *mid = strstr(b, " w50000 ");
	CHECK(mid != NULL);
	if (mid)
		memcpy(mid + 1, "W5000X", 6);
	char *s = body(a, b);
	CHECK(count(s, "<del>") == 1 && count(s, "<ins>") == 1);
	CHECK(strstr(s, "<del>w50000</del> <ins>W5000X</ins>") != NULL);
	free(s);
	free(a);
	free(b);
}

static void title_change_is_noted_with_old_and_new(void)
{
	char *s = meta("{\"title\":\"Sick pay\"}", "{\"title\":\"Statutory sick pay\"}");
	CHECK_STR(s, "<ul class=\"diff-meta\">\n<li>Title changed from " LQ "Sick pay" RQ
		     " to " LQ "Statutory sick pay" RQ ".</li>\n</ul>\n");
	free(s);
}

static void tags_added_and_removed_are_noted_one_by_one(void)
{
	char *s = meta("{\"title\":\"T\",\"tags\":[\"pay\",\"leave\"]}",
		       "{\"title\":\"T\",\"tags\":[\"leave\",\"sickness\",\"absence\"]}");
	CHECK(strstr(s, "<li>Tag " LS "sickness" RS " added.</li>") != NULL);
	CHECK(strstr(s, "<li>Tag " LS "absence" RS " added.</li>") != NULL);
	CHECK(strstr(s, "<li>Tag " LS "pay" RS " removed.</li>") != NULL);
	CHECK(strstr(s, "leave") == NULL);
	CHECK(strstr(s, "Title") == NULL);
	free(s);
}

static void summary_added_and_removed_are_noted(void)
{
	char *s = meta("{\"title\":\"T\"}", "{\"title\":\"T\",\"summary\":\"How to claim.\"}");
	/* the quoted sentence's own full stop ends the note */
	CHECK(strstr(s, "<li>Summary added: " LQ "How to claim." RQ "</li>") != NULL);
	free(s);
	s = meta("{\"title\":\"T\"}", "{\"title\":\"T\",\"summary\":\"How to claim\"}");
	CHECK(strstr(s, "<li>Summary added: " LQ "How to claim" RQ ".</li>") != NULL);
	free(s);
	s = meta("{\"summary\":\"Old.\"}", "{}");
	CHECK(strstr(s, "<li>Summary removed (was " LQ "Old." RQ ").</li>") != NULL);
	free(s);
}

static void other_keys_show_short_values_and_name_long_ones(void)
{
	char *s = meta("{\"audience\":\"managers\",\"weight\":3,\"draft\":true,\"owner\":{\"team\":\"HR\"}}",
		       "{\"audience\":\"all staff\",\"weight\":5,\"owner\":{\"team\":\"Legal\"},\"region\":\"UK\"}");
	CHECK(strstr(s, "<li>" LS "audience" RS " changed from " LQ "managers" RQ " to " LQ "all staff" RQ ".</li>") != NULL);
	/* how the site files the article is not news to its readers */
	CHECK(strstr(s, "weight") == NULL);
	CHECK(strstr(s, "draft") == NULL);
	CHECK(strstr(s, "<li>" LS "owner" RS " changed.</li>") != NULL);
	CHECK(strstr(s, "<li>" LS "region" RS " added: " LQ "UK" RQ ".</li>") != NULL);
	/* keys in byte order, so the page is the same on every build */
	CHECK(strstr(s, "audience") < strstr(s, "owner") && strstr(s, "owner") < strstr(s, "region"));
	free(s);
}

static void unchanged_front_matter_appends_nothing(void)
{
	char *s = meta("{\"title\":\"T\",\"tags\":[\"a\"]}", "{\"tags\":[\"a\"],\"title\":\"T\"}");
	CHECK_STR(s, "");
	free(s);
	s = meta(NULL, NULL);
	CHECK_STR(s, "");
	free(s);
}

static void new_article_front_matter_notes_title_added(void)
{
	char *s = meta(NULL, "{\"title\":\"Grievances\",\"tags\":[\"hr\"]}");
	CHECK(strstr(s, "<li>Title added: " LQ "Grievances" RQ ".</li>") != NULL);
	CHECK(strstr(s, "<li>Tag " LS "hr" RS " added.</li>") != NULL);
	free(s);
}

static void front_matter_html_is_escaped(void)
{
	char *s = meta("{\"title\":\"<b>Old</b>\",\"x<y\":\"a\"}",
		       "{\"title\":\"New & \\\"improved\\\"\",\"x<y\":\"<script>\"}");
	CHECK(strstr(s, "<b>") == NULL && strstr(s, "<script>") == NULL && strstr(s, "<y") == NULL);
	CHECK(strstr(s, "&lt;b&gt;Old&lt;/b&gt;") != NULL);
	CHECK(strstr(s, "New &amp; &quot;improved&quot;") != NULL);
	CHECK(strstr(s, "x&lt;y") != NULL && strstr(s, "&lt;script&gt;") != NULL);
	free(s);
}


/* Readers see the text as it reads, not its Markdown. */
static void emphasis_marks_are_not_shown_or_cut(void)
{
	char *s = body("You get **25 days** of leave.\n", "You get **28 days** of leave.\n");
	CHECK_STR(s, "<div class=\"diff-block\">You get <del>25</del> <ins>28</ins> days of leave.</div>\n");
	free(s);
	s = body("Use _care_ with file_name and 2 * 3.\n", "Use _great care_ with file_name and 2 * 3.\n");
	CHECK(strstr(s, "Use <ins>great</ins> care with file_name and 2 * 3.") != NULL);
	free(s);
	/* a star nothing closes is text */
	s = body("The rate is 12*2 a day.\n", "The rate is 12*3 a day.\n");
	CHECK(strstr(s, "<del>12*2</del> <ins>12*3</ins>") != NULL);
	free(s);
	s = body("x\n", "A *b* c and **d** and ~~e~~ and a*b*c.\n");
	CHECK(strstr(s, "<ins>A b c and d and e and abc.</ins>") != NULL);
	free(s);
}

static void links_show_their_text(void)
{
	char *s = body("See [the Act](https://example.org/a) and [[data-protection|data protection]].\n",
		       "See [the new Act](https://example.org/a) and [[data-protection|data protection]].\n");
	CHECK_STR(s, "<div class=\"diff-block\">See the <ins>new</ins> Act and data protection.</div>\n");
	free(s);
	s = body("Read [[hr/leave#costs]], ![a chart](c.png) and <https://example.org>.\n\nx\n",
		 "Read [[hr/leave#costs]], ![a chart](c.png) and <https://example.org>.\n\ny\n");
	CHECK(strstr(s, "Read hr/leave, a chart and https://example.org.") == NULL); /* unchanged: skipped */
	free(s);
	s = body("x\n", "Read [[hr/leave#costs]], ![a chart](c.png), [ref][1] and <https://example.org>.\n");
	/* [a][b] stays as written: as often "clauses [3][4]" as a link by label */
	CHECK(strstr(s, "<ins>Read hr/leave, a chart, [ref][1] and https://example.org.</ins>") != NULL);
	free(s);
	s = body("See clauses [3][4].\n", "See clauses [3][5].\n");
	CHECK(strstr(s, "<del>[3][4].</del> <ins>[3][5].</ins>") != NULL);
	free(s);
}

static void a_changed_link_address_is_noted(void)
{
	char *s = body("Read [the law](https://example.org/old).\n", "Read [the law](https://example.org/new).\n");
	CHECK_STR(s, "<div class=\"diff-block diff-format\"><p class=\"diff-note\">A link" RS "s address changed "
		     "here: from <code>https://example.org/old</code> to <code>https://example.org/new</code>.</p>"
		     "Read the law.</div>\n");
	free(s);
	/* a wiki link's target, another link of the block unchanged, a title aside */
	s = body("See [[reg-2019|the regulations]] and [x](a.md \"t\").\n",
		 "See [[reg-2024|the regulations]] and [x](a.md \"u\").\n");
	CHECK(strstr(s, "from <code>reg-2019</code> to <code>reg-2024</code>.</p>") != NULL);
	CHECK(strstr(s, "a.md") == NULL);
	free(s);
	s = body("Read the law.\n", "Read [the law](x.md).\n");
	CHECK(strstr(s, "A link was added here.") != NULL);
	free(s);
	s = body("Read *the* law.\n", "Read **the** law.\n");
	CHECK(strstr(s, "The formatting changed here.") != NULL);
	free(s);
	s = body("Same  words\nhere.\n", "Same words here.\n");
	CHECK_STR(s, "<p class=\"diff-none\">Only spacing or line breaks changed.</p>\n");
	free(s);
	/* a comment inside a paragraph: no word readers see changed, but not
	 * the spacing alone either */
	s = body("Pay is monthly. <!-- checked by HR -->\n", "Pay is monthly. <!-- checked by counsel -->\n");
	CHECK_STR(s, "<p class=\"diff-none\">Only what readers do not see changed: an HTML comment, or markup the "
		     "page leaves out.</p>\n");
	free(s);
}

/* A version's titles for tests: "leave" had the title in ctx; any other
 * target is text (NULL). */
static char *title_of(void *ctx, const char *target)
{
	return !strcmp(target, "leave") || !strcmp(target, "leave#carry-over") ? xstrdup(ctx) : NULL;
}

static char *body_read(const char *old_md, const char *new_md, const char *was_title, const char *now_title)
{
	struct buf b = BUF_INIT;
	struct revdiff_wiki was = { title_of, (void *)was_title }, now = { title_of, (void *)now_title };
	revdiff_body_read(old_md, new_md, 0, &was, &now, &b);
	return buf_detach(&b);
}

static void a_wiki_link_reads_as_the_title_its_version_showed(void)
{
	char *s = body_read("x\n", "Read [[leave]] and [[leave#carry-over]] first.\n", "Holiday", "Annual leave");
	CHECK(strstr(s, "<ins>Read Annual leave and Annual leave first.</ins>") != NULL);
	free(s);
	/* each side as its own readers saw it */
	s = body_read("Read [[leave]] now.\n", "Read [[leave]] today.\n", "Holiday", "Annual leave");
	CHECK_STR(s, "<div class=\"diff-block\">Read <del>Holiday now.</del> <ins>Annual leave today.</ins></div>\n");
	free(s);
	/* a paragraph written the same is no change of the revision's */
	s = body_read("Read [[leave]].\n\nOld.\n", "Read [[leave]].\n\nNew.\n", "Holiday", "Annual leave");
	CHECK(strstr(s, "Holiday") == NULL && strstr(s, "Annual leave") == NULL);
	free(s);
	/* its own text, a target the version showed as text, a heading of its own: as before */
	s = body_read("x\n", "[[leave|the rules]], [[gone]] and [[#steps]].\n", "Holiday", "Annual leave");
	CHECK(strstr(s, "<ins>the rules, gone and steps.</ins>") != NULL);
	free(s);
}

static void code_and_escapes_stay_as_written(void)
{
	char *s = body("x\n", "Type `**bold**` or \\*stars\\* and `a``b`.\n");
	CHECK(strstr(s, "<ins>Type **bold** or *stars* and a``b.</ins>") != NULL);
	free(s);
	s = body("x\n", "```\n**kept** [as](written)\n```\n");
	CHECK(strstr(s, "<ins>```\n**kept** [as](written)\n```</ins>") != NULL);
	free(s);
}

static void tables_lose_their_rules_and_quotes_their_marks(void)
{
	char *s = body("x\n", "| Who | When |\n|---|:---:|\n| HR | 5 days |\n");
	CHECK(strstr(s, "<ins>Who | When\nHR | 5 days</ins>") != NULL);
	free(s);
	s = body("x\n", "> Quoted **advice**\n> here.\n");
	CHECK(strstr(s, "<ins>Quoted advice\nhere.</ins>") != NULL);
	free(s);
}

/* An escaped backtick before more backticks starts the scan inside a
 * run (an unset slot once sent it writing anywhere). */
static void an_escape_before_a_backtick_run_is_text(void)
{
	char *s = body("x\n", "Type \\```text`` to start a block.\n");
	CHECK(strstr(s, "<ins>Type `") != NULL);
	free(s);
}

/* Links nested a hundred thousand deep: each address is left out once,
 * not once per level (that took 30 s for a megabyte). */
static void deeply_nested_links_are_linear(void)
{
	struct buf b = BUF_INIT;
	size_t n = 40000;
	for (size_t i = 0; i < n; i++)
		buf_puts(&b, "[a ");
	for (size_t i = 0; i < n; i++)
		buf_puts(&b, "](https://e.org ");
	for (size_t i = 0; i < n; i++)
		buf_puts(&b, ") ");
	char *s = body("x\n", buf_cstr(&b));
	CHECK(strstr(s, "<ins>a a a") != NULL);
	CHECK(strstr(s, "e.org") == NULL);
	free(s);
	buf_free(&b);
}

/* Every pass over a block is linear: a megabyte of openers is quick. */
static void many_unclosed_marks_are_handled(void)
{
	size_t n = 1 << 20;
	char *big = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		big[i] = "[`(*_<!"[i % 7];
	big[n] = 0;
	char *s = body("x\n", big);
	CHECK(strstr(s, "<ins>[") != NULL);
	free(s);
	free(big);
}

/* Returns revdiff_links' fragment for body_html and v[n]; caller frees. */
static char *links(const char *body_html, const struct revdiff_link *v, size_t n)
{
	struct buf b = BUF_INIT;
	revdiff_links(body_html, v, n, &b);
	return buf_detach(&b);
}

static void a_link_to_other_guidance_replaces_no_change_to_the_text(void)
{
	char *none = body("Follow [the policy](policy.md).\n", "Follow [the policy](policy.md).\n");
	struct revdiff_link v = { "the policy", "HR policy", "hr/policy.html", "Legal policy", "legal/policy.html" };
	char *s = links(none, &v, 1);
	CHECK_STR(s, "<p class=\"diff-links\">The text is the same; a link now leads to other guidance: " LQ
		     "the policy" RQ " led to HR policy, now to Legal policy.</p>\n");
	free(s);
	free(none);
}

static void a_link_to_other_guidance_heads_an_edit(void)
{
	char *edit = body("Follow [the policy](policy.md).\n", "Always follow [the policy](policy.md).\n");
	struct revdiff_link v[2] = { { "the policy", "HR policy", "hr/policy.html", NULL, NULL },
				     { "rules", "Rules", "rules-2019.html", "Rules", "rules.html" } };
	char *s = links(edit, v, 2);
	CHECK(!strncmp(s, "<p class=\"diff-links\">2 links now lead to other guidance: " LQ "the policy" RQ
			  " led to HR policy, now to no article; " LQ "rules" RQ " led to Rules (<code>rules-2019.html"
			  "</code>), now to Rules (<code>rules.html</code>).</p>\n", strlen(s) - strlen(edit)));
	CHECK_STR(s + strlen(s) - strlen(edit), edit);
	free(s);
	free(edit);
}

static void a_link_to_an_article_written_since_led_to_none_yet(void)
{
	struct revdiff_link v = { "reputation", NULL, NULL, "Damaging the employer's reputation", "r.html" };
	char *s = links("", &v, 1);
	CHECK(strstr(s, LQ "reputation" RQ " led to no article yet, now to Damaging the employer"));
	free(s);
}

static void no_link_to_other_guidance_leaves_the_diff_as_it_is(void)
{
	char *s = links("<p class=\"diff-none\">No change to the text.</p>\n", NULL, 0);
	CHECK_STR(s, "<p class=\"diff-none\">No change to the text.</p>\n");
	free(s);
}

static void a_link_note_names_the_first_few_and_counts_the_rest(void)
{
	struct revdiff_link v[REVDIFF_LINKS_SHOWN + 3] = { { 0 } };
	for (size_t i = 0; i < REVDIFF_LINKS_SHOWN; i++)
		v[i] = (struct revdiff_link){ "x", "A", NULL, "B", NULL };
	char *s = links("", v, REVDIFF_LINKS_SHOWN + 3);
	const char *head = "<p class=\"diff-links\">13 links now lead to other guidance: ";
	CHECK(!strncmp(s, head, strlen(head)));
	CHECK(count(s, LQ "x" RQ " led to A, now to B") == REVDIFF_LINKS_SHOWN);
	CHECK(strstr(s, "now to B; and 3 more.</p>\n") != NULL);
	free(s);
}

static void a_link_note_is_escaped(void)
{
	struct revdiff_link v = { "<b>x</b>", "A & B", NULL, "<i>", NULL };
	char *s = links("", &v, 1);
	CHECK(strstr(s, "<b>") == NULL && strstr(s, "<i>") == NULL);
	CHECK(strstr(s, LQ "&lt;b&gt;x&lt;/b&gt;" RQ " led to A &amp; B, now to &lt;i&gt;.") != NULL);
	free(s);
}

int main(void)
{
	RUN(one_changed_word_is_the_only_deletion_and_insertion);
	RUN(a_wiki_link_reads_as_the_title_its_version_showed);
	RUN(word_removed_at_the_end_keeps_the_space_before_it);
	RUN(word_added_at_the_start_is_inserted_before_the_rest);
	RUN(added_paragraph_is_shown_whole_as_inserted);
	RUN(removed_paragraph_is_shown_whole_as_deleted);
	RUN(unchanged_paragraphs_are_omitted_and_counted);
	RUN(identical_bodies_say_no_change);
	RUN(crlf_and_trailing_spaces_count_as_unchanged);
	RUN(one_letter_edit_counts_as_changed);
	RUN(script_in_new_text_is_escaped);
	RUN(script_and_quotes_in_old_text_are_escaped);
	RUN(hidden_html_is_not_shown);
	RUN(html_in_code_is_text);
	RUN(a_new_column_shows_both_tables);
	RUN(hidden_html_matches_the_page);
	RUN(html_edges_follow_cmark);
	RUN(unclosed_html_is_linear);
	RUN(emphasis_marks_are_not_shown_or_cut);
	RUN(links_show_their_text);
	RUN(a_changed_link_address_is_noted);
	RUN(code_and_escapes_stay_as_written);
	RUN(tables_lose_their_rules_and_quotes_their_marks);
	RUN(many_unclosed_marks_are_handled);
	RUN(an_escape_before_a_backtick_run_is_text);
	RUN(deeply_nested_links_are_linear);
	RUN(new_article_shows_every_block_inserted);
	RUN(deleted_article_shows_every_block_deleted);
	RUN(fenced_code_block_with_blank_lines_is_one_block);
	RUN(list_items_are_separate_blocks);
	RUN(edited_heading_is_shown_as_one_edited_block);
	RUN(moved_paragraph_is_reported_as_moved_not_rewritten);
	RUN(paragraph_divided_in_two_is_one_note_not_a_rewrite);
	RUN(paragraphs_joined_into_one_are_one_note);
	RUN(a_divided_paragraph_with_a_word_changed_is_shown_as_edited);
	RUN(a_heading_divided_is_no_paragraph_divided);
	RUN(thousands_of_paragraphs_replaced_by_one_finish);
	RUN(reflowed_paragraph_reports_only_spacing);
	RUN(accented_and_curly_quoted_words_are_never_split);
	RUN(invalid_utf8_and_control_bytes_become_replacement_characters);
	RUN(rewritten_sentence_reads_as_one_deletion_and_one_insertion);
	RUN(output_is_deterministic);
	RUN(huge_paragraph_with_every_word_different_finishes);
	RUN(thousands_of_changed_paragraphs_finish);
	RUN(one_word_changed_in_a_megabyte_paragraph_is_found);
	RUN(title_change_is_noted_with_old_and_new);
	RUN(tags_added_and_removed_are_noted_one_by_one);
	RUN(summary_added_and_removed_are_noted);
	RUN(other_keys_show_short_values_and_name_long_ones);
	RUN(unchanged_front_matter_appends_nothing);
	RUN(new_article_front_matter_notes_title_added);
	RUN(front_matter_html_is_escaped);
	RUN(a_footnote_mark_reads_as_its_number);
	RUN(a_link_to_other_guidance_replaces_no_change_to_the_text);
	RUN(a_link_to_other_guidance_heads_an_edit);
	RUN(a_link_to_an_article_written_since_led_to_none_yet);
	RUN(no_link_to_other_guidance_leaves_the_diff_as_it_is);
	RUN(a_link_note_names_the_first_few_and_counts_the_rest);
	RUN(a_link_note_is_escaped);
	UNIT_END();
}
