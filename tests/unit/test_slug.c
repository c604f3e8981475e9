/* Unit tests for slugs (generator/slug.c), heading ids and link positions
 * (generator/markdown.c), and relative URLs (generator/site.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "markdown.h"
#include "site.h"
#include "slug.h"
#include "unit.h"

static void check_slug(const char *in, const char *want)
{
	char *s = slug_make(in);
	CHECK_STR(s, want);
	free(s);
}

static void slugs_are_lower_case_ascii_joined_by_dashes_and_fold_accents(void)
{
	check_slug("Court Orders", "court-orders");
	check_slug("  What's next?  ", "what-s-next");
	check_slug("Article 8 & 10 (ECHR)", "article-8-10-echr");
	check_slug("Données personnelles", "donnees-personnelles");
	/* Latin accents fold as search folds them; other scripts drop out */
	check_slug("Bărbulescu Café", "barbulescu-cafe");
	check_slug("Ångström ŁÓDŹ", "angstrom-lodz");
	check_slug("日本", "");
}

static void check_github(const char *in, int collapse, const char *want)
{
	char *s = slug_github(in, collapse);
	CHECK_STR(s, want);
	free(s);
}

/* quire check's hints know the ids GitHub and GitLab give headings. */
static void github_ids_keep_letters_digits_dashes_and_underscores(void)
{
	check_github("Building Node.js", 0, "building-nodejs");
	check_github("Unix/macOS", 0, "unixmacos");
	check_github("ERR_NO_TITLE", 0, "err_no_title");
	check_github("A - B", 0, "a---b");
	check_github("A - B", 1, "a-b");
	check_github("Section 10(2): what it says", 0, "section-102-what-it-says");
	/* curly quotes, dashes and no-break spaces dropped; letters beyond
	 * ASCII kept, Latin-1's lower-cased */
	check_github("Employer\u2019s duty \u2014 \u00a7 10\u00a0", 0, "employers-duty---10");
	check_github("\u00dcber Caf\u00c9 \u00d7 2", 0, "\u00fcber-caf\u00e9--2");
	check_github("\u65e5\u672c", 0, "\u65e5\u672c");
	/* numbers that are not digits, currency, emoji: dropped, as
	 * github-slugger drops them; Greek and Cyrillic lower-cased */
	check_github("Area m\u00b2 \u00bd", 0, "area-m-");
	check_github("Price \u20ac5 \U0001F680 Launch", 0, "price-5--launch");
	check_github("\u0141\u00d3D\u0179 \u0394\u0391 \u041f\u0440\u0418\u0412\u0415\u0422 \u0401", 0,
		     "\u0142\u00f3d\u017a-\u03b4\u03b1-\u043f\u0440\u0438\u0432\u0435\u0442-\u0451");
	char *bad = slug_github("bad \xff\xc3 utf-8", 0); /* (never a heading's text) */
	CHECK(bad == NULL);
	free(bad);
	check_github("", 0, "");
}

/* github-slugger's own answers (tests/tools/github_slugs.mjs wrote them):
 * every code point slug_github claims to know, between two letters, and
 * random headings.  An answer slug_github gives is github-slugger's; it
 * gives none (NULL) only for text beyond what it knows. */
static void github_ids_are_github_sluggers(void)
{
	FILE *f = fopen("tests/unit/github_slugs.tsv", "r");
	CHECK(f != NULL);
	if (!f)
		return;
	char line[4096];
	long n = 0, known = 0, wrong = 0;
	while (fgets(line, sizeof line, f)) {
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		char *want = tab + 1;
		want[strcspn(want, "\n")] = '\0';
		char *got = slug_github(line, 0);
		n++;
		if (got) {
			known++;
			if (strcmp(got, want)) {
				if (wrong++ < 5)
					printf("#   '%s': github-slugger '%s', slug_github '%s'\n", line, want, got);
			}
		}
		free(got);
	}
	fclose(f);
	CHECK(wrong == 0);
	CHECK(n > 5000 && known > n * 9 / 10);
	char *s = slug_github("I\xc4\xb0 \xce\xa3 \xe3\x80\x85", 0); /* İ Σ 々: not known */
	CHECK(s == NULL);
	free(s);
}

/* Ł, Ø, Æ, ß have no decomposition to strip an accent from: they fold to
 * the ASCII people write for them, one letter or two, not to nothing. */
static void letters_without_a_decomposition_fold_as_people_write_them(void)
{
	check_slug("Łódź", "lodz");
	check_slug("Straße", "strasse");
	check_slug("Ærøskøbing", "aeroskobing");
	check_slug("ÞINGVELLIR Œuvre", "thingvellir-oeuvre");
	check_slug("Đakovo, Ħamrun, Iğdır", "dakovo-hamrun-igdir");
	check_slug("STRAẞE", "strasse");
	/* an extra letter with an accent on it (Ǿ, Ǽ) folds as the letter */
	check_slug("Ǿ Ǽ", "o-ae");
	check_slug("ß", "ss");
	CHECK_STR(slug_fold(0xDF), "ss");   /* ß */
	CHECK_STR(slug_fold(0x141), "l");   /* Ł */
	CHECK_STR(slug_fold(0xE9), "e");    /* é */
	CHECK(slug_fold(0x416) == NULL);    /* Ж */
	CHECK(slug_fold('a') == NULL);      /* ASCII is the caller's */
}

/* Text pasted from a PDF has ligatures for fi, ffi, st...: each is the
 * letters it joins, so "ﬁnancial" is "financial", not "nancial". */
static void ligatures_fold_to_the_letters_they_join(void)
{
	check_slug("ﬁnancial oﬃcer", "financial-officer");
	check_slug("ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ", "ff-fi-fl-ffi-ffl-st-st");
	check_slug("Baﬄed", "baffled");
	CHECK_STR(slug_fold(0xFB03), "ffi");   /* ﬃ */
}

/* Decomposed text (macOS, PDFs) has its accents as combining marks after
 * the letter: they are left out, as search leaves them out, so "re"
 * U+0301 "sume" is resume, as the precomposed résumé is, not re-sume;
 * marks of the other blocks of combining diacritics too. */
static void combining_marks_are_left_out_as_search_leaves_them(void)
{
	check_slug("Re\xCC\x81sume\xCC\x81", "resume");
	check_slug("\xC5\x81o\xCC\x81" "dz\xCC\x81", "lodz"); /* Ł, o U+0301, z U+0301 */
	/* U+1AB0, U+1DC0, U+20D7, U+FE20 */
	check_slug("x\xE1\xAA\xB0y x\xE1\xB7\x80y x\xE2\x83\x97y x\xEF\xB8\xA0y", "xy-xy-xy-xy");
	/* a mark with no letter before it is still no separator of its own */
	check_slug("\xCC\x81" "a \xCC\x81 b", "a-b");
	check_slug("\xD0\xB8\xCC\x86 x", "x"); /* и U+0306, a decomposed й, drops out as й does */
	CHECK(slug_mark(0x301) && slug_mark(0x1DC0) && slug_mark(0xFE2F));
	CHECK(!slug_mark(0x2FF) && !slug_mark(0x370) && !slug_mark('e'));

	struct md_doc doc;
	const char *md = "## Re\xCC\x81sume\xCC\x81 writing\n";
	CHECK(md_parse(&doc, md, strlen(md), 1, 0) == 0);
	struct heading *h;
	size_t n;
	md_headings(&doc, &h, &n);
	CHECK(n == 1);
	if (n == 1)
		CHECK_STR(h[0].id, "resume-writing");
	md_free_headings(h, n);
	md_free(&doc);
}

/* A heading's id and quire.slug are the same rule (slug_make); the hooks'
 * test checks quire.slug's side. */
static void heading_ids_fold_letters_without_a_decomposition(void)
{
	struct md_doc doc;
	const char *md = "## Łódź and Straße\n\n## Ærøskøbing\n";
	CHECK(md_parse(&doc, md, strlen(md), 1, 0) == 0);
	struct heading *h;
	size_t n;
	md_headings(&doc, &h, &n);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(h[0].id, "lodz-and-strasse");
		CHECK_STR(h[1].id, "aeroskobing");
	}
	md_free_headings(h, n);
	md_free(&doc);
}

static void heading_ids_are_unique_within_a_page(void)
{
	struct md_doc doc;
	const char *md = "# Costs\n\n## Costs\n\n## Costs\n\n## 日本\n\n## `code` *and* text\n";
	CHECK(md_parse(&doc, md, strlen(md), 1, 0) == 0);
	struct heading *h;
	size_t n;
	md_headings(&doc, &h, &n);
	CHECK(n == 5);
	if (n == 5) {
		CHECK_STR(h[0].id, "costs");
		CHECK_STR(h[1].id, "costs-2");
		CHECK_STR(h[2].id, "costs-3");
		CHECK_STR(h[3].id, "section");
		CHECK_STR(h[4].id, "code-and-text");
		CHECK(h[1].level == 2);
	}
	md_free_headings(h, n);
	md_free(&doc);
}

static void wiki_links_carry_their_source_position(void)
{
	struct md_doc doc;
	const char *md = "Intro\n\nSee [[court-orders|the orders]] and `[[code]]`.\n";
	CHECK(md_parse(&doc, md, strlen(md), 10, 0) == 0);
	md_expand_wikilinks(&doc);
	struct rawlink *l;
	size_t n;
	md_links(&doc, &l, &n);
	CHECK(n == 1);
	if (n == 1) {
		CHECK_STR(l[0].url, "court-orders");
		CHECK(l[0].wiki);
		CHECK(l[0].line == 12);
		CHECK(l[0].col == 5);
		free(l[0].url);
	}
	free(l);
	md_free(&doc);
}

static void relative_urls_climb_only_as_far_as_needed(void)
{
	char *u = site_rel_url("a/b.html", "a/c.html");
	CHECK_STR(u, "c.html");
	free(u);
	u = site_rel_url("a/b/c.html", "d.html");
	CHECK_STR(u, "../../d.html");
	free(u);
	u = site_rel_url("index.html", "a/b.html");
	CHECK_STR(u, "a/b.html");
	free(u);
	u = site_root_prefix("a/b/c.html");
	CHECK_STR(u, "../../");
	free(u);
}

static void raw_html_is_omitted_unless_allowed(void)
{
	char *h = md_to_html("<b>x</b> [a](javascript:alert(1))", 0);
	CHECK(strstr(h, "<b>") == NULL);
	CHECK(strstr(h, "javascript:") == NULL);
	free(h);
	h = md_to_html("<b>x</b>", 1);
	CHECK(strstr(h, "<b>x</b>") != NULL);
	free(h);
}

int main(void)
{
	RUN(slugs_are_lower_case_ascii_joined_by_dashes_and_fold_accents);
	RUN(github_ids_keep_letters_digits_dashes_and_underscores);
	RUN(github_ids_are_github_sluggers);
	RUN(letters_without_a_decomposition_fold_as_people_write_them);
	RUN(ligatures_fold_to_the_letters_they_join);
	RUN(combining_marks_are_left_out_as_search_leaves_them);
	RUN(heading_ids_fold_letters_without_a_decomposition);
	RUN(heading_ids_are_unique_within_a_page);
	RUN(wiki_links_carry_their_source_position);
	RUN(relative_urls_climb_only_as_far_as_needed);
	RUN(raw_html_is_omitted_unless_allowed);
	UNIT_END();
}
