/* Tests for generator/search.c: stemming, stop words, the files written,
 * script-safe escaping, determinism and the size budgets on a synthetic
 * 10,000-article site.  `test_search --fixture DIR` only writes the small
 * fixture index into DIR, `test_search --folds FILE` the letters the
 * index folds and `test_search --words FILE` the words and slug it makes
 * of each character (tests/search_query.test.mjs queries the one and
 * checks the page's script folds and splits as the others say). */
#include <ctype.h>
#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "search.h"
#include "slug.h"
#include "unit.h"

/* Reads a whole file; caller frees.  NULL if missing.  *len gets its size. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(&b, chunk, n);
	fclose(f);
	if (len)
		*len = b.len;
	return buf_detach(&b);
}

static char *read_in(const char *dir, const char *name, size_t *len)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *s = slurp(path, len);
	free(path);
	return s;
}

static char *make_tmpdir(void)
{
	char *t = xstrdup("/tmp/quire-search-XXXXXX");
	if (!mkdtemp(t)) {
		perror("mkdtemp");
		exit(2);
	}
	return t;
}

static void remove_dir(char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;

	while (dp && (e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		char *p = xasprintf("%s/%s", dir, e->d_name);
		unlink(p);
		free(p);
	}
	if (dp)
		closedir(dp);
	rmdir(dir);
	free(dir);
}

/* Concatenates every file of dir in name order (for byte comparisons). */
static char *all_files(const char *dir, size_t *count)
{
	struct dirent **list;
	struct buf b = BUF_INIT;
	int n = scandir(dir, &list, NULL, alphasort), i;

	*count = 0;
	for (i = 0; i < n; i++) {
		if (list[i]->d_name[0] != '.') {
			size_t len;
			char *s = read_in(dir, list[i]->d_name, &len);
			buf_printf(&b, "== %s\n", list[i]->d_name);
			buf_put(&b, s, len);
			free(s);
			(*count)++;
		}
		free(list[i]);
	}
	free(list);
	return buf_detach(&b);
}

/* The small HR site the node query test also uses: url, title, section,
 * summary, headings, body, tags (joined by '\n'), and for a page found by
 * its title's words alone (a tag's page: search_page_titled) those words,
 * its summary then the opening results show. */
static const char *const FIXTURE[][8] = {
	{ "index.html", "Staff handbook", "", "How we work.",
	  "", "Start here for policies on employees, leave and monitoring." },
	{ "people/monitoring.html", "Monitoring employees at work",
	  "People", "When and how the company monitors staff email.",
	  "Email monitoring\nCCTV", "Employers may monitor email if they tell employees first. "
	  "Monitoring must be proportionate." },
	{ "people/leave.html", "Annual leave", "People",
	  "How much holiday employees get.", "Booking leave\nCarrying over",
	  "Every employee gets 25 days of leave. Monitoring of leave is done by managers." },
	{ "people/contracts.html", "Employment contracts", "People", "",
	  "Fixed-term contracts",
	  "A contract of employment sets out the terms. Employees receive it on day one." },
	{ "policy/caf\xC3\xA9.html", "Caf\xC3\xA9 rules", "Policy",
	  "Eating at the caf\xC3\xA9.", "", "The caf\xC3\xA9 opens at eight." },
	{ "policy/xss.html", "</script><script>alert(1)</script> \xE2\x80\xA8 line",
	  "Policy <b>", "Tags & \"quotes\"", "",
	  "Body with </script> and a \xE2\x80\xA9 separator and \x01 control." },
	/* accents: precomposed, decomposed (e U+0301), and a Cyrillic letter
	 * that is not folded */
	{ "law/barbulescu.html", "B\xC4\x83rbulescu v Romania", "Law", "A Grand Chamber judgment.", "",
	  "Decomposed: re\xCC\x81sume\xCC\x81. Cyrillic: \xD0\xB9\xD0\xBE\xD0\xB4." },
	/* a heading per term, as a glossary has */
	{ "law/glossary.html", "Glossary", "Law", "Terms used.", "Grand Chamber\nJudgment", "Words." },
	/* letters with no decomposition: Łódź, Ærøskøbing, Hauptstraße,
	 * Þingvellir, STRAẞE */
	{ "places/lodz.html", "\xC5\x81\xC3\xB3" "d\xC5\xBA office", "Places",
	  "Trips from \xC3\x86r\xC3\xB8sk\xC3\xB8" "bing.", "Hauptstra\xC3\x9F" "e",
	  "\xC3\x9Eingvellir and STRA\xE1\xBA\x9E" "E." },
	/* pasted from a PDF: ligatures (U+FB01 fi, U+FB03 ffi) in the
	 * summary, none in the body */
	{ "legal/pdf.html", "Pasted from a PDF", "Legal",
	  "The \xEF\xAC\x81nancial duties of e\xEF\xAC\x83" "cient trustees.", "", "A fiduciary duty." },
	/* capitals the old index did not lower-case: ƏLIYEV, ҐРУНТ, and a Σ
	 * that ends a word (ΟΔΟΣ) */
	{ "people/names.html", "Names in other scripts", "People", "", "",
	  "\xC6\x8FLIYEV, \xD2\x90\xD0\xA0\xD0\xA3\xD0\x9D\xD0\xA2 and \xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3." },
	/* a section: a list of its pages, their titles and summaries */
	{ "people/index.html", "People", "", "Guidance for the people who work here.", "",
	  "Monitoring employees at work\nWhen and how the company monitors staff email.\n"
	  "Annual leave\nHow much holiday employees get.\n" },
	/* hyphenated words: "e-mail" (ASCII, and U+2011, the non-breaking
	 * hyphen), "anti-virus", "up-to-date", and "well-being" with a soft
	 * hyphen (U+00AD) */
	{ "it/acceptable-use.html", "Acceptable use of IT", "IT", "Rules for e-mail and the intranet.", "",
	  "Never forward work E\xE2\x80\x91mail to a personal account. Keep anti-virus software up-to-date. "
	  "Breaks matter to your well\xC2\xAD" "being." },
	/* a long page whose one mention of "ombudsman" is far from its opening */
	{ "people/grievance.html", "Raising a grievance", "People", "How to raise a concern about your work.",
	  "Talk to your manager\nWrite to HR",
	  "Most concerns are settled by talking them through. Start with your manager, or another manager "
	  "if the concern is about yours.\n"
	  "Talk to your manager\nSay what the problem is and what would put it right. Keep a note of what "
	  "was agreed and when.\n"
	  "Write to HR\nIf talking does not settle it, write to HR. Say what happened, when, and who was "
	  "involved. HR will invite the people involved to a meeting within ten working days, and you may "
	  "bring a colleague as well as your notes.\n"
	  "If you are still unhappy after the appeal, you can take the matter to the independent ombudsman, "
	  "who looks at how the case was handled.\n" },
	/* tags: "whistleblowing" is a word of this page's tags alone, and
	 * "social-media" two words, not one */
	{ "people/speaking-up.html", "Speaking up", "People", "Who to tell when something at work is wrong.", "",
	  "Tell someone you trust first. The law protects a report of wrongdoing made in the public interest.",
	  "whistleblowing\nsocial-media" },
	/* the word in a title: a little above it in tags */
	{ "law/whistleblowing.html", "Whistleblowing law", "Law", "What the law protects.", "",
	  "Protected disclosures explained." },
	/* a tag's page, found by the tag's words alone, after the pages tagged */
	{ "tags/whistleblowing.html", "Guidance tagged \xE2\x80\x9Cwhistleblowing\xE2\x80\x9D", "All topics",
	  "1 page: Speaking up", "", "", NULL, "whistleblowing" },
	/* tagged, summed up and headed as about whistleblowing, yet not
	 * titled so: after the page whose title says it; and "social-media"
	 * as one word in its text */
	{ "people/help.html", "Where to get help", "People", "Who to ask about whistleblowing.",
	  "Whistleblowing", "Call the whistleblowing line. Our social-media investigation guide is separate.",
	  "whistleblowing" },
};
#define NFIXTURE (sizeof FIXTURE / sizeof FIXTURE[0])

/* A fixture page is a list when it is a section, the home page or a
 * tag's page. */
static enum search_kind fixture_kind(size_t i)
{
	const char *url = FIXTURE[i][0], *slash = strrchr(url, '/');
	return strcmp(slash ? slash + 1 : url, "index.html") == 0 || FIXTURE[i][7] ? SEARCH_LIST : SEARCH_ARTICLE;
}

/* Fixture page i's words (new: search_add_page takes them). */
static struct search_page *fixture_page(size_t i)
{
	const char *const *f = FIXTURE[i];
	return f[7] ? search_page_titled(f[7], f[3]) : search_page_new(f[1], f[3], f[4], f[6], f[5]);
}

static void add_fixture(struct search_index *s)
{
	for (size_t i = 0; i < NFIXTURE; i++)
		search_add_page(s, FIXTURE[i][0], FIXTURE[i][1], FIXTURE[i][2], fixture_kind(i), fixture_page(i));
}

static char *write_fixture(struct search_index **out)
{
	struct search_index *s = search_new();
	struct diag *d = diag_new();
	char *dir = make_tmpdir();

	add_fixture(s);
	CHECK(search_write(s, dir, d) == 0);
	CHECK(diag_errors(d) == 0);
	diag_free(d);
	*out = s;
	return dir;
}

static void stemming_folds_plurals_and_verb_forms(void)
{
	char *a = search_stem("employees"), *b = search_stem("Employee");
	char *c = search_stem("monitoring"), *e = search_stem("monitored");
	char *f = search_stem("monitors");

	CHECK_STR(a, "employe");
	CHECK_STR(b, "employe");
	CHECK_STR(c, "monitor");
	CHECK_STR(e, "monitor");
	CHECK_STR(f, "monitor");
	free(a), free(b), free(c), free(e), free(f);
}

/* Readers type "Barbulescu" for "Bărbulescu": Latin letters lose their
 * accents, whether the text has them precomposed or decomposed; other
 * scripts' letters keep theirs (й is not и). */
static void latin_accents_are_folded_away(void)
{
	char *a = search_stem("B\xC4\x83rbulescu"), *b = search_stem("CAF\xC3\x89");
	char *c = search_stem("cafe\xCC\x81"), *d = search_stem("\xD0\xB9\xD0\xBE\xD0\xB4");
	char *e = search_stem("\xE2\x84\xAB"); /* ANGSTROM SIGN: A with a ring */
	CHECK_STR(a, "barbulescu");
	CHECK_STR(b, "cafe");
	CHECK_STR(c, "cafe");
	CHECK_STR(d, "\xD0\xB9\xD0\xBE\xD0\xB4");
	CHECK_STR(e, "a");
	free(a), free(b), free(c), free(d), free(e);
}

/* The words a page keeps, in the order first seen, each once: the tail of
 * search_page_encode (NUL-terminated words after the flags). */
static void page_words(const char *body, struct buf *out)
{
	struct search_page *pg = search_page_new("", "", "", NULL, body);
	struct buf b = BUF_INIT;
	search_page_encode(pg, &b);
	uint32_t sn, tn, n;
	memcpy(&sn, b.ptr, 4);
	memcpy(&tn, b.ptr + 4 + sn, 4);
	memcpy(&n, b.ptr + 8 + sn + tn, 4);
	const char *w = b.ptr + 12 + sn + tn + 2 * (size_t)n;
	for (uint32_t i = 0; i < n; i++) {
		buf_puts(out, w);
		buf_putc(out, ' ');
		w += strlen(w) + 1;
	}
	buf_free(&b);
	search_page_drop(pg);
}

/* Words are runs of letters and digits, ASCII or not, lower-cased and
 * with Latin accents folded away; one of more than 64 bytes (a hash, a
 * URL's tail) is left out. */
static void words_are_lowercased_runs_and_overlong_ones_are_dropped(void)
{
	char body[400];
	snprintf(body, sizeof body, "Caf\xC3\xA9-2024 STRASSE \xC3\x89" "cole x%s y%s \xE2\x80\x94" "end\xC3\x89",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",   /* x + 63: 64 bytes */
		 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"); /* y + 64: 65 bytes */
	struct buf got = BUF_INIT;
	page_words(body, &got);
	CHECK_STR(got.ptr, "cafe 2024 cafe2024 strasse ecole "
			   "xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ende ");
	/* every ASCII letter in both cases and every digit; the characters
	 * either side of each range end a word */
	buf_reset(&got);
	page_words("ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789 "
		   "a@b[c`d{e/f:g\x7Fh\x01i", &got);
	CHECK_STR(got.ptr, "abcdefghijklmnopqrstuvwxyz 0123456789 a b c d e f g h i ");
	buf_free(&got);
}

/* Words a hyphen joins are a word of their own too, after their parts,
 * and so is every run of them (so "email" finds "e-mail", as "e-mail"
 * finds "email", and "to-date" finds "up-to-date"): joined by
 * ASCII's hyphen, U+2010, the non-breaking U+2011 or a soft hyphen, as
 * the page's script joins a query's; a hyphen with no word after it
 * joins nothing, and a joined word past 64 bytes is left out as any. */
static void words_joined_by_hyphens_are_indexed_as_one_word_too(void)
{
	struct buf got = BUF_INIT;
	page_words("E-mail, e\xE2\x80\x91mail; up-to-date anti- virus co--operate well\xC2\xAD" "being "
		   "x\xE2\x80\x90y x- "
		   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", &got);
	CHECK_STR(got.ptr, "e mail email up to date upto uptodate todate anti virus co operate well being wellbeing "
			   "x y xy aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb ");
	buf_free(&got);

	/* every run of the words, so "money-laundering" finds "anti-money-
	 * laundering"; of the first eight words only */
	got = (struct buf)BUF_INIT;
	page_words("anti-money-laundering a-b-c-d-e-f-g-h-i", &got);
	CHECK_STR(got.ptr, "anti money laundering antimoney antimoneylaundering moneylaundering "
			   "a b c d e f g h i ab abc abcd abcde abcdef abcdefg abcdefgh bc bcd bcde bcdef bcdefg "
			   "bcdefgh cd cde cdef cdefg cdefgh de def defg defgh ef efg efgh fg fgh gh ");
	buf_free(&got);

	/* the fixture's "e-mail" page is filed under the stem of "email" */
	struct search_index *s;
	char *dir = write_fixture(&s);
	size_t n;
	char *all = all_files(dir, &n);
	CHECK(strstr(all, "\"email\":") != NULL);
	CHECK(strstr(all, "\"antivirus\":") != NULL);
	CHECK(strstr(all, "\"wellb\":") != NULL);
	free(all);
	search_free(s);
	remove_dir(dir);
}

/* A page's text is kept for passages as blocks, white space made one
 * space, and cut at a word past 16 KiB: a page of 8 MiB does not ship
 * 8 MiB to every search that shows it. */
static void a_pages_text_is_kept_in_blocks_up_to_a_limit(void)
{
	struct buf body = BUF_INIT;
	buf_puts(&body, "  First   block\t here.\n\n\nSecond\r\nblock ");
	for (int i = 0; i < 5000; i++)
		buf_puts(&body, "word ");
	struct search_index *s = search_new();
	struct diag *d = diag_new();
	char *dir = make_tmpdir();
	search_add(s, "long.html", "Long", "", SEARCH_ARTICLE, "", "", NULL, buf_cstr(&body));
	CHECK(search_write(s, dir, d) == 0);
	size_t len;
	char *f = read_in(dir, "search-body-00.js", &len);
	const char *head = "quireSearch.body(0,[\n\"First block here.\\nSecond\\nblock word word ";
	CHECK(f && strncmp(f, head, strlen(head)) == 0);
	/* 16 KiB of text and the script around it, ending with a whole word
	 * and "…", which tells the page's script the text was cut */
	CHECK(len > 16 * 1024 - 8 && len < 16 * 1024 + 32);
	CHECK(f && len > 13 && strcmp(f + len - 13, " word\xE2\x80\xA6\"]);\n") == 0);
	free(f);
	buf_free(&body);
	diag_free(d);
	search_free(s);
	remove_dir(dir);
}

/* A word is a run of letters, digits and marks ([\p{L}\p{N}\p{M}]), as
 * the page's script splits a query: the Kelvin and Ångström signs are
 * letters (and fold as K and Å), so are "²", "½", "ℓ" and the "々" of
 * "人々"; the Arabic comma, "™", "©" and emoji are not. */
static void words_are_runs_of_letters_digits_and_marks_as_on_the_page(void)
{
	char *k = search_stem("\xE2\x84\xAA"); /* KELVIN SIGN */
	CHECK_STR(k, "k");
	free(k);

	struct buf got = BUF_INIT;
	page_words("5 \xE2\x84\xAA, 1 \xE2\x84\xAB" "ngstr\xC3\xB6m m\xC2\xB2 \xC2\xBD "
		   "\xE4\xBA\xBA\xE3\x80\x85 a\xD8\x8C" "b x\xE2\x84\x93 \xE2\x84\xA2 \xC2\xA9 \xF0\x9F\x98\x80", &got);
	CHECK_STR(got.ptr, "5 k 1 angstrom m\xC2\xB2 \xC2\xBD \xE4\xBA\xBA\xE3\x80\x85 a b x\xE2\x84\x93 ");
	buf_free(&got);
}

/* Every script's capitals are lower-cased as the page's toLowerCase does
 * them, not only Latin-1's, Latin Extended-A's, Greek's and Russian's: the
 * schwa of an Azerbaijani name, Ukrainian Ґ, Greek with breathings,
 * full-width and Roman-numeral letters, Deseret; and a Σ is σ wherever it
 * is, as is ς (the page writes ς for a last Σ: see lower_cp). */
static void capitals_are_lower_cased_in_every_script_as_the_page_does(void)
{
	struct buf got = BUF_INIT;
	/* ƏLIYEV ҐРУНТ ἈΘῆΝΑΙ ΟΔΟΣ οδός ＡＢＣ Ⅻ 𐐀 */
	page_words("\xC6\x8FLIYEV \xD2\x90\xD0\xA0\xD0\xA3\xD0\x9D\xD0\xA2 "
		   "\xE1\xBC\x88\xCE\x98\xE1\xBF\x86\xCE\x9D\xCE\x91\xCE\x99 \xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3 "
		   "\xCE\xBF\xCE\xB4\xCF\x8C\xCF\x82 \xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3 \xE2\x85\xAB \xF0\x90\x90\x80", &got);
	/* əliyev ґрунт ἀθῆναι οδοσ οδόσ ａｂｃ ⅻ 𐐨 */
	CHECK_STR(got.ptr, "\xC9\x99liyev \xD2\x91\xD1\x80\xD1\x83\xD0\xBD\xD1\x82 "
		  "\xE1\xBC\x80\xCE\xB8\xE1\xBF\x86\xCE\xBD\xCE\xB1\xCE\xB9 \xCE\xBF\xCE\xB4\xCE\xBF\xCF\x83 "
		  "\xCE\xBF\xCE\xB4\xCF\x8C\xCF\x83 \xEF\xBD\x81\xEF\xBD\x82\xEF\xBD\x83 \xE2\x85\xBB \xF0\x90\x90\xA8 ");
	buf_free(&got);
}

/* Ł, Ø, Æ, ß have no accent to drop: the index holds them as people
 * type them (Łódź is lodz, Straße strasse), decomposed text too (Ø and
 * U+0301 is o, as Ǿ is), and a word stems as its folded form does. */
static void letters_without_a_decomposition_are_folded_as_typed(void)
{
	char *a = search_stem("\xC5\x81\xC3\xB3" "d\xC5\xBA");              /* Łódź */
	char *b = search_stem("Stra\xC3\x9F" "e"), *c = search_stem("strasse");  /* Straße */
	char *e = search_stem("\xC3\x86r\xC3\x98sk\xC3\xB8" "bing");          /* ÆrØskøbing */
	CHECK_STR(a, "lodz");
	CHECK_STR(b, c);
	CHECK_STR(e, "aeroskob");
	free(a), free(b), free(c), free(e);

	struct buf got = BUF_INIT;
	page_words("\xC5\x81\xC3\xB3" "d\xC5\xBA Hauptstra\xC3\x9F" "e \xC3\x9Eingvellir "
		   "\xC5\x92uvre STRA\xE1\xBA\x9E" "E \xC3\x98\xCC\x81re \xC7\xBEl", &got);
	CHECK_STR(got.ptr, "lodz hauptstrasse thingvellir oeuvre strasse ore ol ");
	buf_free(&got);

	/* the fixture's Łódź page is filed under the folded stems */
	struct search_index *s;
	char *dir = write_fixture(&s);
	size_t n;
	char *all = all_files(dir, &n);
	CHECK(strstr(all, "\"lodz\":") != NULL);
	CHECK(strstr(all, "\"aeroskob\":") != NULL);
	CHECK(strstr(all, "\"thingvellir\":") != NULL);
	CHECK(strstr(all, "\"odz\":") == NULL);
	free(all);
	search_free(s);
	remove_dir(dir);
}

/* A combining mark after a Latin letter is dropped, of any of the blocks
 * of combining diacritics (U+0301, U+1AB0, U+1DC0, U+20D7, U+FE20), as
 * the page drops it from a query and a slug from an id. */
static void combining_marks_of_every_block_are_dropped_after_a_latin_letter(void)
{
	struct buf got = BUF_INIT;
	page_words("re\xCC\x81sume\xCC\x81 a\xE1\xAA\xB0" "b c\xE1\xB7\x80" "d e\xE2\x83\x97" "f g\xEF\xB8\xA0h", &got);
	CHECK_STR(got.ptr, "resume ab cd ef gh ");
	buf_free(&got);
}

/* A PDF's ligatures are the letters they join: "ﬁnancial" (U+FB01) is
 * indexed and stemmed as "financial", "oﬃce" (U+FB03, three letters) as
 * "office". */
static void ligatures_are_indexed_as_the_letters_they_join(void)
{
	char *a = search_stem("\xEF\xAC\x81nancial"), *b = search_stem("financial");
	CHECK_STR(a, b);
	free(a), free(b);

	struct buf got = BUF_INIT;
	page_words("\xEF\xAC\x81nancial o\xEF\xAC\x83" "ce \xEF\xAC\x80 \xEF\xAC\x82" "at "
		   "\xEF\xAC\x84 \xEF\xAC\x85 \xEF\xAC\x86", &got);
	CHECK_STR(got.ptr, "financial office ff flat ffl st ");
	buf_free(&got);
}

static void stop_words_are_left_out_of_the_index(void)
{
	struct search_index *s;
	char *dir = write_fixture(&s);
	size_t n;
	char *all = all_files(dir, &n);

	CHECK(search_is_stop_word("the"));
	CHECK(!search_is_stop_word("leave"));
	/* "the", "of", "at" occur in the fixture but are no key or word */
	CHECK(strstr(all, "\"the\":") == NULL);
	CHECK(strstr(all, "\"of\":") == NULL);
	CHECK(strstr(all, "\"at\":") == NULL);
	CHECK(strstr(all, "\"leav\":") != NULL);
	/* the page gets the same list to drop from queries */
	CHECK(strstr(all, "\"stop\":\"a about") != NULL);
	free(all);
	search_free(s);
	remove_dir(dir);
}

static void index_files_are_written_with_the_expected_names(void)
{
	struct search_index *s;
	char *dir = write_fixture(&s);
	size_t len, total = 0, n;
	char *idx = read_in(dir, "search-index.js", &len), *sh, *tx, *all;

	CHECK(idx != NULL);
	CHECK(idx && strstr(idx, "window.quireSearchIndex={") != NULL);
	sh = read_in(dir, "search-00.js", NULL);
	CHECK(sh && strncmp(sh, "quireSearch.add(0,{", 19) == 0);
	tx = read_in(dir, "search-text-00.js", NULL);
	CHECK(tx && strncmp(tx, "quireSearch.text(0,[", 20) == 0);
	CHECK(tx && strstr(tx, "How much holiday employees get.") != NULL);
	/* the pages' texts, eight a file: the grievance page's (document 13,
	 * the sixth of the second file) whole */
	char *body = read_in(dir, "search-body-01.js", NULL);
	CHECK(body && strncmp(body, "quireSearch.body(1,[\n", 21) == 0);
	const char *g = body ? strstr(body, "\"Most concerns") : NULL;
	size_t before = 0;
	for (const char *q = body; g && q < g; q++)
		before += *q == '\n';
	CHECK(g && before == 6); /* the call's line and five texts before it */
	CHECK(body && strstr(body, "\\nTalk to your manager\\nSay what") != NULL);
	CHECK(body && strstr(body, "independent ombudsman, who looks at how the case was handled.\",\n") != NULL);
	free(body);
	/* a page found by its title alone (document 16) has no text; the
	 * page after it has its own */
	body = read_in(dir, "search-body-02.js", NULL);
	CHECK_STR(body ? body : "", "quireSearch.body(2,[\n\"\",\n"
		  "\"Call the whistleblowing line. Our social-media investigation guide is separate.\"]);\n");
	free(body);
	/* the lists are named: the home page, the section and the tag's page */
	CHECK(idx && strstr(idx, "\"lists\":[0,11,16],") != NULL);
	/* a small site fits in one shard and one text chunk, and has a file
	 * of texts per eight pages */
	size_t nbody = (NFIXTURE + 7) / 8;
	CHECK(search_files_written(s) == 3 + nbody);
	all = all_files(dir, &n);
	CHECK(n == 3 + nbody);
	for (size_t i = 0; i < n; i++) {
		char *name = i >= nbody ? xstrdup((const char *[]){ "search-00.js", "search-index.js",
								    "search-text-00.js" }[i - nbody])
					: xasprintf("search-body-%02zu.js", i);
		size_t flen = 0;
		char *f = read_in(dir, name, &flen);
		CHECK(f != NULL);
		total += flen;
		free(f);
		free(name);
	}
	CHECK(search_bytes_written(s) == total);
	free(all), free(idx), free(sh), free(tx);
	search_free(s);
	remove_dir(dir);
}

static void title_with_script_end_tag_cannot_break_out_of_the_script(void)
{
	struct search_index *s;
	char *dir = write_fixture(&s);
	size_t n, i;
	char *all = all_files(dir, &n);
	const unsigned char *p = (const unsigned char *)all;

	CHECK(strstr(all, "<") == NULL);
	CHECK(strstr(all, "\xE2\x80\xA8") == NULL);
	CHECK(strstr(all, "\xE2\x80\xA9") == NULL);
	for (i = 0; p[i]; i++)
		CHECK(p[i] >= 0x20 || p[i] == '\n');
	/* the text survives, escaped */
	CHECK(strstr(all, "\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)") != NULL);
	CHECK(strstr(all, "\\u2028 line\"") != NULL);
	CHECK(strstr(all, "Tags \\u0026 \\\"quotes\\\"") != NULL);
	free(all);
	search_free(s);
	remove_dir(dir);
}

static void two_builds_write_identical_bytes(void)
{
	struct search_index *s1, *s2;
	char *d1 = write_fixture(&s1), *d2 = write_fixture(&s2);
	size_t n1, n2;
	char *a = all_files(d1, &n1), *b = all_files(d2, &n2);

	CHECK(n1 == n2);
	CHECK_STR(a, b);
	free(a), free(b);
	search_free(s1), search_free(s2);
	remove_dir(d1), remove_dir(d2);
}

struct prep { size_t i; struct search_page *pg; };

static void *prepare(void *arg)
{
	struct prep *p = arg;
	p->pg = fixture_page(p->i);
	return NULL;
}

/* Writes s2 into d2 and checks it holds the same files, byte for byte, as
 * d1 (written from s1); frees both. */
static void writes_the_same_files(struct search_index *s1, char *d1, struct search_index *s2, char *d2)
{
	struct diag *d = diag_new();
	CHECK(search_write(s2, d2, d) == 0);
	diag_free(d);
	size_t n1, n2;
	char *a = all_files(d1, &n1), *b = all_files(d2, &n2);
	CHECK(n1 == n2 && n1 > 2);
	CHECK_STR(a, b);
	free(a), free(b);
	search_free(s1), search_free(s2);
	remove_dir(d1), remove_dir(d2);
}

/* quire prepares pages on many threads, in any order, and adds them in
 * order: the files are the same bytes as adding each page in one step. */
static void pages_prepared_on_threads_write_the_same_bytes(void)
{
	struct search_index *s1, *s2 = search_new();
	char *d1 = write_fixture(&s1), *d2 = make_tmpdir();
	struct prep preps[NFIXTURE];
	pthread_t t[NFIXTURE];
	for (size_t i = NFIXTURE; i-- > 0;) {
		preps[i].i = i;
		CHECK(pthread_create(&t[i], NULL, prepare, &preps[i]) == 0);
	}
	for (size_t i = 0; i < NFIXTURE; i++)
		pthread_join(t[i], NULL);
	for (size_t i = 0; i < NFIXTURE; i++)
		search_add_page(s2, FIXTURE[i][0], FIXTURE[i][1], FIXTURE[i][2], fixture_kind(i), preps[i].pg);
	writes_the_same_files(s1, d1, s2, d2);
}

/* A rebuild takes unchanged pages' words from the cache: a page encoded
 * and decoded writes the same bytes as the page itself. */
static void pages_decoded_from_the_cache_write_the_same_bytes(void)
{
	struct search_index *s1, *s2 = search_new();
	char *d1 = write_fixture(&s1), *d2 = make_tmpdir();
	for (size_t i = 0; i < NFIXTURE; i++) {
		const char *const *f = FIXTURE[i];
		struct search_page *pg = fixture_page(i);
		struct buf b = BUF_INIT;
		search_page_encode(pg, &b);
		search_page_drop(pg);
		size_t len = b.len;
		struct search_page *back = search_page_decode(buf_detach(&b), len);
		CHECK(back != NULL);
		if (back)
			search_add_page(s2, f[0], f[1], f[2], fixture_kind(i), back);
	}
	writes_the_same_files(s1, d1, s2, d2);
}

/* A rebuild takes each stem's mask of word forms from the table the last
 * build saved: the files are the same bytes, and nothing is new to save.
 * A table cut short is taken as far as it goes, the rest worked out. */
static void form_masks_from_the_last_build_write_the_same_bytes(void)
{
	struct search_index *s1;
	char *d1 = write_fixture(&s1);
	struct buf saved = BUF_INIT;
	CHECK(search_masks_save(s1, &saved) == 1 && saved.len > 0);
	for (int cut = 0; cut < 2; cut++) {
		struct search_index *s2, *s3;
		char *d2 = make_tmpdir(), *d3 = write_fixture(&s3);
		s2 = search_new();
		for (size_t i = 0; i < NFIXTURE; i++)
			search_add_page(s2, FIXTURE[i][0], FIXTURE[i][1], FIXTURE[i][2], fixture_kind(i), fixture_page(i));
		search_masks_load(s2, saved.ptr, cut ? saved.len / 2 : saved.len);
		struct diag *d = diag_new();
		CHECK(search_write(s2, d2, d) == 0);
		diag_free(d);
		struct buf again = BUF_INIT;
		/* whole, nothing was worked out again; cut, the rest was */
		CHECK(search_masks_save(s2, &again) == cut);
		buf_free(&again);
		search_free(s2);
		struct search_index *s4 = search_new();
		for (size_t i = 0; i < NFIXTURE; i++)
			search_add_page(s4, FIXTURE[i][0], FIXTURE[i][1], FIXTURE[i][2], fixture_kind(i), fixture_page(i));
		search_masks_load(s4, saved.ptr, cut ? saved.len / 2 : saved.len);
		writes_the_same_files(s3, d3, s4, d2);
	}
	buf_free(&saved);
	search_free(s1);
	remove_dir(d1);
}

/* Tables loaded one after another add up (the second may hold stems the
 * first lacks) within the room kept for them (ASan checks). */
static void form_mask_tables_add_up(void)
{
	struct buf t = BUF_INIT, u = BUF_INIT;
	char w[32];
	for (int i = 0; i < 1100; i++) {
		buf_put_u32le(&t, 1);
		int n = snprintf(w, sizeof w, "stem%d", i);
		buf_put(&t, w, (size_t)n + 1);
	}
	for (int i = 0; i < 10; i++) {
		buf_put_u32le(&u, 0xffffffffu);
		int n = snprintf(w, sizeof w, "other%d", i);
		buf_put(&u, w, (size_t)n + 1);
	}
	struct search_index *s = search_new();
	search_masks_load(s, t.ptr, t.len);
	search_masks_load(s, u.ptr, u.len); /* (ASan: within its room) */
	search_free(s);
	buf_free(&t), buf_free(&u);
}

static char *encode_batch(size_t from, size_t to, size_t *len)
{
	struct search_index *bx = search_new();
	for (size_t i = from; i < to; i++)
		search_add_page(bx, FIXTURE[i][0], FIXTURE[i][1], FIXTURE[i][2], fixture_kind(i), fixture_page(i));
	struct buf b = BUF_INIT;
	search_encode(bx, &b);
	search_free(bx);
	*len = b.len;
	return buf_detach(&b);
}

/* Pages go in by batches with an index of their own (cached), merged in
 * order: the files are the same bytes as adding every page to one index,
 * however the pages are cut into batches. */
static void batches_merged_in_order_write_the_same_bytes(void)
{
	for (size_t cut = 0; cut <= NFIXTURE; cut++) {
		struct search_index *s1, *s2 = search_new();
		char *d1 = write_fixture(&s1), *d2 = make_tmpdir();
		size_t la, lb;
		char *a = encode_batch(0, cut, &la), *b = encode_batch(cut, NFIXTURE, &lb);
		CHECK(search_merge_encoded(s2, a, la) == 0);
		CHECK(search_merge_encoded(s2, b, lb) == 0);
		free(a), free(b);
		writes_the_same_files(s1, d1, s2, d2);
	}
}

/* Batches merged together, their postings appended on three threads,
 * write the same bytes as every page added to one index; a round with a
 * cut batch in it is refused whole and changes nothing. */
static void batches_merged_at_once_on_threads_write_the_same_bytes(void)
{
	for (size_t cut = 0; cut + 1 < NFIXTURE; cut++) {
		struct search_index *s1, *s2 = search_new();
		char *d1 = write_fixture(&s1), *d2 = make_tmpdir();
		size_t len[3];
		char *enc[3] = { encode_batch(0, cut, &len[0]), encode_batch(cut, cut + 1, &len[1]),
				 encode_batch(cut + 1, NFIXTURE, &len[2]) };
		size_t cut_len[3] = { len[0], len[1] - 1, len[2] };
		CHECK(search_merge_encoded_many(s2, (const char *const *)enc, cut_len, 3, 3) < 0);
		CHECK(search_merge_encoded_many(s2, (const char *const *)enc, len, 3, 3) == 0);
		for (int k = 0; k < 3; k++)
			free(enc[k]);
		writes_the_same_files(s1, d1, s2, d2);
	}
}

/* A cut or damaged batch is refused whole, and the index it was to go
 * into writes as if it had never been offered. */
static void a_truncated_batch_is_refused_and_changes_nothing(void)
{
	size_t len;
	char *enc = encode_batch(0, NFIXTURE, &len);
	int refused = 1;
	for (size_t n = 0; n < len; n++) {
		struct search_index *s = search_new();
		refused &= search_merge_encoded(s, enc, n) < 0;
		search_free(s);
	}
	CHECK(refused);
	struct search_index *s1, *s2 = search_new();
	char *d1 = write_fixture(&s1), *d2 = make_tmpdir();
	size_t la;
	char *a = encode_batch(0, NFIXTURE, &la);
	CHECK(search_merge_encoded(s2, enc, len - 1) < 0);
	CHECK(search_merge_encoded(s2, a, la) == 0);
	free(a);
	free(enc);
	writes_the_same_files(s1, d1, s2, d2);
}

/* Counts the search-NN.js files handed to it that are not a call with
 * two JSON objects, quireSearch.add(N,{...},{...}): a quote let into a
 * string unescaped ends it early and breaks the rest. */
static int count_broken_shards(void *ctx, const char *name, const char *data, size_t len)
{
	size_t *broken = ctx;
	if (strncmp(name, "search-", 7) || !isdigit((unsigned char)name[7]))
		return 0;
	const char *comma = memchr(data, ',', len);
	json_t *v = NULL;
	if (comma && len >= 4 && !memcmp(data + len - 3, ");\n", 3)) {
		struct buf b = BUF_INIT;
		buf_putc(&b, '[');
		buf_put(&b, comma + 1, (size_t)(data + len - 3 - (comma + 1)));
		buf_putc(&b, ']');
		v = json_loadb(b.ptr, b.len, 0, NULL);
		buf_free(&b);
	}
	*broken += !json_is_array(v) || json_array_size(v) != 2;
	json_decref(v);
	return 0;
}

static size_t broken_shards(struct search_index *s)
{
	size_t broken = 0;
	struct diag *d = diag_new();
	search_set_writer(s, count_broken_shards, &broken);
	CHECK(search_write(s, "/nonexistent", d) == 0);
	diag_free(d);
	return broken;
}

/* A batch's postings go into search-NN.js strings as they are: a batch
 * with anything but digits there is refused, never written into a
 * script.  Each byte of an encoding in turn becomes a double quote: the
 * batches still taken (the quote fell in a word or a title, which are
 * escaped) write shards that still parse. */
static void a_batch_with_a_quote_in_its_postings_is_refused(void)
{
	size_t len, taken = 0, refused = 0, broke_out = 0;
	char *enc = encode_batch(0, NFIXTURE, &len);
	struct search_index *s = search_new();
	CHECK(search_merge_encoded(s, enc, len) == 0);
	CHECK(broken_shards(s) == 0);
	search_free(s);
	for (size_t i = 0; i < len; i++) {
		char was = enc[i];
		enc[i] = '"';
		s = search_new();
		if (search_merge_encoded(s, enc, len) < 0) {
			refused++;
		} else {
			taken++;
			broke_out += broken_shards(s) != 0;
		}
		search_free(s);
		enc[i] = was;
	}
	CHECK(refused > 0 && taken > 0);
	CHECK(broke_out == 0);
	free(enc);
}

/* A word on every other page of 600 has postings long enough to be
 * checked 16 bytes a step, two digits each: each of their bytes turned
 * into a quote, or from the end of a posting into a digit that says more
 * follow, and the batch is refused. */
static void every_byte_of_long_postings_is_checked(void)
{
	struct search_index *bx = search_new();
	for (int i = 0; i < 600; i++) {
		char url[32], body[64];
		snprintf(url, sizeof url, "p%03d.html", i);
		snprintf(body, sizeof body, "%s number%c%c.", i % 2 ? "Other" : "Handbook", 'a' + i % 26,
			 'a' + i / 26);
		search_add(bx, url, "", "", SEARCH_ARTICLE, "", "", NULL, body);
	}
	struct buf b = BUF_INIT;
	search_encode(bx, &b);
	search_free(bx);
	/* the longest run of digits is a posting list */
	size_t at = 0, run = 0;
	for (size_t i = 0, k = 0; i < b.len; i++) {
		k = isalnum((unsigned char)b.ptr[i]) || b.ptr[i] == '-' || b.ptr[i] == '_' ? k + 1 : 0;
		if (k > run)
			run = k, at = i + 1 - k;
	}
	CHECK(run >= 600);
	struct search_index *s = search_new();
	CHECK(search_merge_encoded(s, b.ptr, b.len) == 0);
	search_free(s);
	size_t taken = 0;
	for (size_t i = at; i < at + run; i++) {
		char was = b.ptr[i];
		int ends = isdigit((unsigned char)was) || (was >= 'a' && was <= 'v');
		for (int m = 0; m < 1 + ends; m++) {
			b.ptr[i] = m ? 'w' : '"';
			s = search_new();
			taken += search_merge_encoded(s, b.ptr, b.len) == 0;
			search_free(s);
		}
		b.ptr[i] = was;
	}
	CHECK(taken == 0);
	buf_free(&b);
}

/* Bytes that are not a whole encoding (a truncated or damaged entry)
 * decode to nothing, never to a page that reads past them. */
static void a_truncated_or_damaged_encoding_is_refused(void)
{
	struct search_page *pg = fixture_page(1);
	struct buf b = BUF_INIT;
	search_page_encode(pg, &b);
	search_page_drop(pg);
	int refused = 1;
	for (size_t n = 0; n < b.len; n++) {
		char *cut = xmalloc(n + 1);
		memcpy(cut, b.ptr, n);
		struct search_page *got = search_page_decode(cut, n);
		if (got) {
			refused = 0;
			search_page_drop(got);
		} else {
			free(cut);
		}
	}
	CHECK(refused);
	/* a word without its NUL, and one byte too many */
	char *tail = xmalloc(b.len + 1);
	memcpy(tail, b.ptr, b.len);
	tail[b.len - 1] = 'x';
	struct search_page *got = search_page_decode(tail, b.len);
	CHECK(got == NULL);
	if (got)
		search_page_drop(got);
	else
		free(tail);
	char *extra = xmalloc(b.len + 1);
	memcpy(extra, b.ptr, b.len);
	extra[b.len] = 'x';
	got = search_page_decode(extra, b.len + 1);
	CHECK(got == NULL);
	if (got)
		search_page_drop(got);
	else
		free(extra);
	buf_free(&b);
}

static void unwritable_folder_is_reported_not_ignored(void)
{
	struct search_index *s = search_new();
	struct diag *d = diag_new();
	struct buf out = BUF_INIT;

	add_fixture(s);
	CHECK(search_write(s, "/nonexistent/quire-out", d) == -1);
	CHECK(diag_errors(d) == 1);
	diag_format(d, &out);
	CHECK(strstr(buf_cstr(&out), "/nonexistent/quire-out/search-") != NULL);
	buf_free(&out);
	diag_free(d);
	search_free(s);
}

static void empty_site_writes_an_index_that_finds_nothing(void)
{
	struct search_index *s = search_new();
	struct diag *d = diag_new();
	char *dir = make_tmpdir(), *idx;

	CHECK(search_write(s, dir, d) == 0);
	idx = read_in(dir, "search-index.js", NULL);
	CHECK(idx && strstr(idx, "\"keys\":\"\",\n\"starts\":[]") != NULL);
	CHECK(idx && strstr(idx, "\"docs\":[]};") != NULL);
	CHECK(search_files_written(s) == 1);
	free(idx);
	diag_free(d);
	search_free(s);
	remove_dir(dir);
}

/* ---- a synthetic 10,000-article site ---- */

static uint64_t rng_next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Frequent real words first (Zipf ranks), then invented words with
 * English inflections for the long tail. */
static const char *const COMMON[] = {
	"the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "as",
	"with", "be", "on", "not", "this", "by", "are", "or", "at", "from",
	"employee", "employees", "work", "staff", "manager", "policy", "may",
	"must", "time", "pay", "leave", "contract", "should", "company",
	"employer", "working", "right", "rights", "notice", "meeting", "any",
	"your", "their", "has", "have", "will", "can", "if", "when", "which",
	"period", "holiday", "sick", "absence", "process", "request", "data",
	"information", "social", "media", "post", "posts", "confidential",
	"disciplinary", "grievance", "hearing", "appeal", "dismissal",
	"investigation", "evidence", "reasonable", "fair", "unfair", "law",
	"tribunal", "claim", "claims", "week", "weeks", "days", "day", "year",
	"salary", "training", "team", "role", "job", "jobs", "hours", "flexible",
	"monitoring", "monitored", "email", "emails", "privacy", "consent",
	"equality", "discrimination", "harassment", "bullying", "complaint",
	"complaints", "health", "safety", "risk", "assessment", "review",
};
#define N_COMMON (sizeof COMMON / sizeof COMMON[0])
#define N_VOCAB 60000
#define N_SYNTH_DOCS 10000
#define WORDS_PER_DOC 600

struct synth {
	char **vocab;
	double *cdf;
	uint64_t rng;
};

static void synth_init(struct synth *y)
{
	static const char *const syl[] = {
		"ba", "ker", "lo", "mi", "tan", "sor", "vel", "pra", "den", "qui",
		"ro", "stu", "fen", "gal", "ho", "jus", "cor", "ne", "wi", "tri",
		"pla", "mon", "ex", "con", "re", "de", "in", "ul", "ya", "zo",
	};
	static const char *const infl[] = { "", "s", "ed", "ing", "er", "ation", "ly" };
	size_t i;
	double sum = 0;

	y->rng = 88172645463325252ull;
	y->vocab = xmalloc(N_VOCAB * sizeof *y->vocab);
	y->cdf = xmalloc(N_VOCAB * sizeof *y->cdf);
	for (i = 0; i < N_VOCAB; i++) {
		if (i < N_COMMON) {
			y->vocab[i] = xstrdup(COMMON[i]);
		} else {
			struct buf w = BUF_INIT;
			size_t k, ns = 2 + rng_next(&y->rng) % 3;
			for (k = 0; k < ns; k++)
				buf_puts(&w, syl[rng_next(&y->rng) % 30]);
			buf_puts(&w, infl[rng_next(&y->rng) % 7]);
			y->vocab[i] = buf_detach(&w);
		}
		sum += 1.0 / (double)(i + 1);
		y->cdf[i] = sum;
	}
	for (i = 0; i < N_VOCAB; i++)
		y->cdf[i] /= sum;
}

static const char *synth_word(struct synth *y)
{
	double u = (double)(rng_next(&y->rng) >> 11) / 9007199254740992.0;
	size_t lo = 0, hi = N_VOCAB - 1;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (y->cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return y->vocab[lo];
}

/* Appends n words: mostly Zipf-distributed, a sixth from the page's topic. */
static void synth_text(struct synth *y, struct buf *b, size_t n, const char **topic)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (i)
			buf_putc(b, i % 12 == 11 ? '.' : ' ');
		if (i % 12 == 11)
			buf_putc(b, ' ');
		if (rng_next(&y->rng) % 6 == 0)
			buf_puts(b, topic[rng_next(&y->rng) % 20]);
		else
			buf_puts(b, synth_word(y));
	}
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); /* load-independent */
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void large_site_index_fits_the_first_search_budget(void)
{
	double t_add = 0, t0;
	struct synth y;
	struct search_index *s = search_new();
	struct diag *d = diag_new();
	char *dir = make_tmpdir();
	size_t i, k, text_bytes = 0, index_len = 0, largest = 0, nshards = 0, len;
	size_t body_bytes = 0, body_largest = 0, text_largest = 0;
	struct buf title = BUF_INIT, summary = BUF_INIT, heads = BUF_INIT, body = BUF_INIT;
	const char *topic[20];
	char *idx;

	synth_init(&y);
	for (i = 0; i < N_SYNTH_DOCS; i++) {
		char *url;
		for (k = 0; k < 20; k++)
			topic[k] = y.vocab[500 + rng_next(&y.rng) % 20000];
		buf_reset(&title), buf_reset(&summary), buf_reset(&heads), buf_reset(&body);
		synth_text(&y, &title, 5, topic);
		synth_text(&y, &summary, 25, topic);
		for (k = 0; k < 4; k++) {
			if (k)
				buf_putc(&heads, '\n');
			synth_text(&y, &heads, 3, topic);
		}
		synth_text(&y, &body, WORDS_PER_DOC, topic);
		url = xasprintf("section-%zu/%s-%s-%zu.html", i % 25, topic[0], topic[1], i);
		t0 = now();
		search_add(s, url, buf_cstr(&title), "Section title", SEARCH_ARTICLE, buf_cstr(&summary),
			   buf_cstr(&heads), NULL, buf_cstr(&body));
		t_add += now() - t0;
		text_bytes += title.len + summary.len + heads.len + body.len;
		free(url);
	}
	t0 = now();
	CHECK(search_write(s, dir, d) == 0);
	printf("    10k docs: search_add %.2f s CPU in all, search_write %.2f s CPU\n", t_add, now() - t0);

	idx = read_in(dir, "search-index.js", &index_len);
	free(idx);
	for (i = 0;; i++) {
		char *name = xasprintf("search-%02zu.js", i);
		char *sh = read_in(dir, name, &len);
		free(name);
		if (!sh)
			break;
		free(sh);
		nshards++;
		if (len > largest)
			largest = len;
	}
	for (i = 0;; i++) {
		char *name = xasprintf("search-body-%02zu.js", i);
		char *sh = read_in(dir, name, &len);
		free(name);
		if (!sh)
			break;
		free(sh);
		body_bytes += len;
		body_largest = len > body_largest ? len : body_largest;
	}
	for (i = 0;; i++) {
		char *name = xasprintf("search-text-%02zu.js", i);
		char *sh = read_in(dir, name, &len);
		free(name);
		if (!sh)
			break;
		free(sh);
		text_largest = len > text_largest ? len : text_largest;
	}
	size_t index_bytes = search_bytes_written(s) - body_bytes;
	printf("    10k docs: text %zu KB, index total %zu KB (%.1f%%) and the pages' texts %zu KB, "
	       "search-index.js %zu KB, %zu shards, largest %zu KB, %zu files\n",
	       text_bytes / 1024, index_bytes / 1024, 100.0 * (double)index_bytes / (double)text_bytes,
	       body_bytes / 1024, index_len / 1024, nshards, largest / 1024, search_files_written(s));
	CHECK(nshards > 1);
	CHECK(index_len <= 2u * 1024 * 1024);
	CHECK(index_len + largest <= 2u * 1024 * 1024);
	/* the first page of 20 results loads as many opening texts and texts
	 * at most: the texts, the largest part, are loaded only for them */
	CHECK(index_len + largest + 20 * (text_largest + body_largest) <= 2u * 1024 * 1024);
	/* what every search may load, and the worker keeps: the articles'
	 * HTML is larger than their text, so this is stricter than "under
	 * 30% of the HTML" */
	CHECK(index_bytes * 10 < text_bytes * 3);
	/* each page's text once, and no more of it than it has */
	CHECK(body_bytes > text_bytes / 2 && body_bytes < text_bytes + 64 * N_SYNTH_DOCS);

	/* Shards made and written on three threads are the same files. */
	char *dir3 = make_tmpdir();
	search_set_jobs(s, 3);
	CHECK(search_write(s, dir3, d) == 0);
	size_t na, nb;
	char *a = all_files(dir, &na), *b = all_files(dir3, &nb);
	CHECK(na == nb && na > 3);
	CHECK(a && b && !strcmp(a, b));
	free(a), free(b);
	remove_dir(dir3);

	for (i = 0; i < N_VOCAB; i++)
		free(y.vocab[i]);
	free(y.vocab), free(y.cdf);
	buf_free(&title), buf_free(&summary), buf_free(&heads), buf_free(&body);
	diag_free(d);
	search_free(s);
	remove_dir(dir);
}

/* Writes "HEX FOLD" for every code point below U+10000 that the index
 * folds to ASCII (put_word_cp takes slug_fold's letters), so the node
 * test can check the page's script folds each one the same. */
static int write_folds(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return 1;
	for (uint32_t c = 0x80; c < 0x10000; c++) {
		const char *to = slug_fold(c);
		if (to)
			fprintf(f, "%04X %s\n", (unsigned)c, to);
	}
	return fclose(f) ? 1 : 0;
}

/* Appends c, from U+0080 to U+FFFF, in UTF-8. */
static void put_bmp(struct buf *b, uint32_t c)
{
	if (c < 0x800) {
		buf_putc(b, (char)(0xC0 | c >> 6));
	} else {
		buf_putc(b, (char)(0xE0 | c >> 12));
		buf_putc(b, (char)(0x80 | (c >> 6 & 0x3F)));
	}
	buf_putc(b, (char)(0x80 | (c & 0x3F)));
}

/* Writes "HEX<tab>WORDS<tab>SLUG" for every code point c below U+10000
 * (but surrogates): the words the index takes from the text
 * "c xcy xc" (each once, in the order first seen) and its slug, so the
 * node test can check the page's script splits, lower-cases and folds
 * each the same, alone, inside a word and ending one, and that the slug
 * is those words with all but a-z and 0-9 made a '-'. */
static int write_words(const char *path)
{
	FILE *f = fopen(path, "w");
	struct buf probe = BUF_INIT, got = BUF_INIT;
	if (!f)
		return 1;
	for (uint32_t c = 0x80; c < 0x10000; c++) {
		if (c >= 0xD800 && c < 0xE000)
			continue;
		buf_reset(&probe);
		put_bmp(&probe, c);
		buf_puts(&probe, " x");
		put_bmp(&probe, c);
		buf_puts(&probe, "y x");
		put_bmp(&probe, c);
		buf_reset(&got);
		page_words(probe.ptr, &got);
		if (got.len)
			buf_truncate(&got, got.len - 1); /* the last word's space */
		char *slug = slug_make(probe.ptr);
		fprintf(f, "%04X\t%s\t%s\n", (unsigned)c, buf_cstr(&got), slug);
		free(slug);
	}
	buf_free(&probe);
	buf_free(&got);
	return fclose(f) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--folds") == 0)
		return write_folds(argv[2]);
	if (argc == 3 && strcmp(argv[1], "--words") == 0)
		return write_words(argv[2]);
	if (argc == 3 && strcmp(argv[1], "--fixture") == 0) {
		struct search_index *s = search_new();
		struct diag *d = diag_new();
		int rc;
		add_fixture(s);
		rc = search_write(s, argv[2], d);
		if (diag_errors(d)) /* diag_print on an empty collector trips UBSan (qsort of NULL) */
			diag_print(d, stderr);
		diag_free(d);
		search_free(s);
		return rc ? 1 : 0;
	}
	RUN(stemming_folds_plurals_and_verb_forms);
	RUN(latin_accents_are_folded_away);
	RUN(letters_without_a_decomposition_are_folded_as_typed);
	RUN(ligatures_are_indexed_as_the_letters_they_join);
	RUN(combining_marks_of_every_block_are_dropped_after_a_latin_letter);
	RUN(words_are_lowercased_runs_and_overlong_ones_are_dropped);
	RUN(words_are_runs_of_letters_digits_and_marks_as_on_the_page);
	RUN(words_joined_by_hyphens_are_indexed_as_one_word_too);
	RUN(a_pages_text_is_kept_in_blocks_up_to_a_limit);
	RUN(capitals_are_lower_cased_in_every_script_as_the_page_does);
	RUN(stop_words_are_left_out_of_the_index);
	RUN(index_files_are_written_with_the_expected_names);
	RUN(title_with_script_end_tag_cannot_break_out_of_the_script);
	RUN(two_builds_write_identical_bytes);
	RUN(pages_prepared_on_threads_write_the_same_bytes);
	RUN(pages_decoded_from_the_cache_write_the_same_bytes);
	RUN(form_masks_from_the_last_build_write_the_same_bytes);
	RUN(form_mask_tables_add_up);
	RUN(a_truncated_or_damaged_encoding_is_refused);
	RUN(batches_merged_in_order_write_the_same_bytes);
	RUN(batches_merged_at_once_on_threads_write_the_same_bytes);
	RUN(a_truncated_batch_is_refused_and_changes_nothing);
	RUN(a_batch_with_a_quote_in_its_postings_is_refused);
	RUN(every_byte_of_long_postings_is_checked);
	RUN(unwritable_folder_is_reported_not_ignored);
	RUN(empty_site_writes_an_index_that_finds_nothing);
	if (!getenv("QUIRE_SEARCH_QUICK"))
		RUN(large_site_index_fits_the_first_search_budget);
	UNIT_END();
}
