/* Tests for generator/hooks.c: the Lua API and every sandbox escape we
 * could think of.  Each case writes a small site with scripts/NAME.lua
 * into a temporary folder. */
#include <ftw.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmark-gfm.h>
#include <jansson.h>

#include "buf.h"
#include "markdown.h"
#include "diag.h"
#include "hooks.h"
#include "unit.h"

static char *site_new(void)
{
	char tmpl[] = "/tmp/quire-hooks-XXXXXX";
	if (!mkdtemp(tmpl))
		abort();
	char *scripts = xasprintf("%s/scripts", tmpl);
	mkdir(scripts, 0777);
	free(scripts);
	return xstrdup(tmpl);
}

static void site_script(const char *dir, const char *name, const char *src)
{
	char *path = xasprintf("%s/scripts/%s", dir, name);
	FILE *f = fopen(path, "wb");
	fputs(src, f);
	fclose(f);
	free(path);
}

static int rm_entry(const char *p, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void rm_site(char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

/* Returns all diagnostics as text; caller frees. */
static char *diag_text(struct diag *d)
{
	struct buf b = BUF_INIT;
	diag_format(d, &b);
	return buf_detach(&b);
}

static json_t *sample_page(void)
{
	return json_pack("{s:s, s:s, s:[s], s:{s:i}, s:s, s:s}", "title",
			 "Costs", "summary", "About costs", "tags", "money",
			 "params", "weight", 3, "path", "content/costs.md",
			 "section", "");
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Loads a site whose only script is src (as scripts/NAME) and, if it
 * loads, runs one page through on_page.  Returns -1 when either failed;
 * *out gets the diagnostics (caller frees). */
static int run_one(const char *name, const char *src, char **out)
{
	char *dir = site_new();
	site_script(dir, name, src);
	struct diag *d = diag_new();
	int failed, rc = -1;
	struct hooks *h = hooks_load(dir, NULL, NULL, d, &failed);
	if (h) {
		json_t *page = sample_page();
		rc = hooks_run_page(h, &page, d);
		json_decref(page);
		hooks_free(h);
	}
	*out = diag_text(d);
	diag_free(d);
	rm_site(dir);
	return rc;
}

/* Expects src to fail the build with a diagnostic containing both want
 * and "scripts/NAME:LINE:", in a few seconds at most. */
static void expect_failure(const char *name, int line, const char *src,
			   const char *want)
{
	char *out;
	double t0 = now_s();
	int rc = run_one(name, src, &out);
	double dt = now_s() - t0;
	char *loc = xasprintf("scripts/%s:%d:", name, line);
	CHECK(rc == -1);
	CHECK(strstr(out, loc) != NULL);
	CHECK(strstr(out, want) != NULL);
	CHECK(strstr(out, "error:") != NULL);
	CHECK(dt < 8.0);
	if (!strstr(out, loc) || !strstr(out, want))
		printf("    diagnostics were:\n%s", out);
	free(loc);
	free(out);
}

/* ---- loading -------------------------------------------------------- */

static void a_site_without_scripts_has_no_hooks_and_no_failure(void)
{
	char tmpl[] = "/tmp/quire-hooks-XXXXXX";
	CHECK(mkdtemp(tmpl) != NULL);
	struct diag *d = diag_new();
	int failed = 7;
	CHECK(hooks_load(tmpl, NULL, NULL, d, &failed) == NULL);
	CHECK(failed == 0);
	char *dir = site_new();
	site_script(dir, "README.txt", "not lua");
	CHECK(hooks_load(dir, NULL, NULL, d, &failed) == NULL);
	CHECK(failed == 0);
	CHECK(diag_errors(d) == 0);
	diag_free(d);
	rm_site(dir);
	rmdir(tmpl);
}

static void a_syntax_error_fails_the_load_at_its_line(void)
{
	char *dir = site_new();
	site_script(dir, "ok.lua", "quire.on_page(function(p) end)\n");
	site_script(dir, "broken.lua", "local x = 1\nlocal = 2\n");
	struct diag *d = diag_new();
	int failed = 0;
	CHECK(hooks_load(dir, NULL, NULL, d, &failed) == NULL);
	CHECK(failed == 1);
	char *out = diag_text(d);
	CHECK(strstr(out, "scripts/broken.lua:2:") != NULL);
	free(out);
	diag_free(d);
	rm_site(dir);
}

/* ---- the API -------------------------------------------------------- */

static void on_page_changes_the_title_and_adds_a_tag(void)
{
	char *dir = site_new();
	site_script(dir, "10-title.lua",
		    "quire.on_page(function(page)\n"
		    "  page.title = page.title .. ' (guide)'\n"
		    "  table.insert(page.tags, 'guide')\n"
		    "end)\n");
	site_script(dir, "20-replace.lua",
		    "quire.on_page(function(page)\n"
		    "  return { title = page.title .. '!', tags = page.tags,\n"
		    "           params = { minutes = #page.summary // 2 } }\n"
		    "end)\n");
	struct diag *d = diag_new();
	int failed;
	struct hooks *h = hooks_load(dir, NULL, NULL, d, &failed);
	CHECK(h != NULL);
	CHECK(hooks_has_page(h) && !hooks_has_site(h) && !hooks_has_filter(h));
	json_t *page = sample_page();
	CHECK(hooks_run_page(h, &page, d) == 0);
	CHECK_STR(json_string_value(json_object_get(page, "title")),
		  "Costs (guide)!");
	json_t *tags = json_object_get(page, "tags");
	CHECK(json_array_size(tags) == 2);
	CHECK_STR(json_string_value(json_array_get(tags, 1)), "guide");
	CHECK(json_integer_value(json_object_get(
		      json_object_get(page, "params"), "minutes")) == 5);
	CHECK(json_object_get(page, "summary") == NULL);
	json_decref(page);
	hooks_free(h);
	diag_free(d);
	rm_site(dir);
}

/* table.insert loops in C to the table's length, which __len may give
 * as anything: 2^40 ran for hours without a look at the clock. */
static void a_table_claiming_a_huge_length_is_refused(void)
{
	expect_failure("len.lua", 3, "quire.on_page(function(p)\n"
				     "  local t = setmetatable({}, { __len = function() return 1 << 40 end })\n"
				     "  table.insert(t, 1, 'x')\nend)\n",
		       "a table of more than 16777216 elements");
}

/* A page a hook builds from pairs() must be the same on every build:
 * Lua's own order follows string hashes seeded anew in each process. */
static void pairs_goes_through_keys_in_a_fixed_order(void)
{
	const char *src = "quire.on_page(function(page)\n"
			  "  local t = { zebra = 1, apple = 2, [3] = 'c', [1] = 'a', mango = 3, [true] = 't',\n"
			  "              Banana = 4, [2.5] = 'x', apricot = 5, ['apple pie'] = 6 }\n"
			  "  local out = {}\n"
			  "  for k in pairs(t) do out[#out + 1] = tostring(k) end\n"
			  "  local lib = 0\n"
			  "  for k in pairs(string) do lib = lib + 1 end\n"
			  "  page.title = table.concat(out, ' ') .. ' / ' .. lib\n"
			  "end)\n";
	for (int run = 0; run < 2; run++) {
		char *dir = site_new();
		site_script(dir, "10-order.lua", src);
		struct diag *d = diag_new();
		int failed;
		struct hooks *h = hooks_load(dir, NULL, NULL, d, &failed);
		json_t *page = sample_page();
		CHECK(hooks_run_page(h, &page, d) == 0);
		CHECK_STR(json_string_value(json_object_get(page, "title")),
			  "1 2.5 3 Banana apple apple pie apricot mango zebra true / 16");
		json_decref(page);
		hooks_free(h);
		diag_free(d);
		rm_site(dir);
	}
}

static void on_site_sees_every_page_and_adds_a_page(void)
{
	char *dir = site_new();
	site_script(dir, "glossary.lua",
		    "quire.on_site(function(site)\n"
		    "  local terms = {}\n"
		    "  for _, p in ipairs(site.pages) do\n"
		    "    terms[#terms + 1] = '- ' .. p.title\n"
		    "  end\n"
		    "  quire.add_page{ path = 'reference/glossary.md',\n"
		    "    title = 'Glossary of ' .. site.site.title,\n"
		    "    template = 'article',\n"
		    "    markdown = table.concat(terms, '\\n'),\n"
		    "    data = { count = #terms, empty = quire.array{} } }\n"
		    "end)\n");
	struct diag *d = diag_new();
	int failed;
	struct hooks *h = hooks_load(dir, NULL, NULL, d, &failed);
	CHECK(h != NULL && hooks_has_site(h));
	json_t *site = json_pack("{s:{s:s}, s:[{s:s},{s:s}]}", "site", "title",
				 "Acme", "pages", "title", "Costs", "title",
				 "Appeals");
	json_t *added = json_array();
	CHECK(hooks_run_site(h, site, added, d) == 0);
	CHECK(json_array_size(added) == 1);
	json_t *p = json_array_get(added, 0);
	CHECK_STR(json_string_value(json_object_get(p, "path")),
		  "reference/glossary");
	CHECK_STR(json_string_value(json_object_get(p, "title")),
		  "Glossary of Acme");
	CHECK_STR(json_string_value(json_object_get(p, "markdown")),
		  "- Costs\n- Appeals");
	CHECK_STR(json_string_value(json_object_get(p, "template")), "article");
	CHECK(json_object_get(p, "html") == NULL);
	json_t *data = json_object_get(p, "data");
	CHECK(json_integer_value(json_object_get(data, "count")) == 2);
	CHECK(json_is_array(json_object_get(data, "empty")));
	CHECK_STR(json_string_value(json_object_get(p, "script")),
		  "scripts/glossary.lua");
	CHECK(json_integer_value(json_object_get(p, "line")) == 6);
	json_decref(site);
	json_decref(added);
	hooks_free(h);
	diag_free(d);
	rm_site(dir);
}

static void scripts_run_in_file_name_order(void)
{
	char *dir = site_new();
	site_script(dir, "b.lua", "quire.on_page(function(p) p.title = p.title "
				  ".. 'b' end)\n");
	site_script(dir, "a.lua", "quire.on_page(function(p) p.title = p.title "
				  ".. 'a' end)\n");
	site_script(dir, "c.lua", "quire.on_page(function(p) p.title = p.title "
				  ".. 'c' end)\n");
	struct diag *d = diag_new();
	int failed;
	struct hooks *h = hooks_load(dir, NULL, NULL, d, &failed);
	json_t *page = sample_page();
	CHECK(hooks_run_page(h, &page, d) == 0);
	CHECK_STR(json_string_value(json_object_get(page, "title")), "Costsabc");
	json_decref(page);
	hooks_free(h);
	diag_free(d);
	rm_site(dir);
}

static char *fake_markdown(const char *md, void *ctx)
{
	return xasprintf("<%s>%s", (const char *)ctx, md);
}

static void slug_markdown_log_and_print_helpers_work(void)
{
	char *dir = site_new();
	site_script(dir, "helpers.lua",
		    "quire.on_page(function(p)\n"
		    "  p.params.slug = quire.slug('Costs & Fees, 2024!')"
		    "; p.params.folded = quire.slug('\xC5\x81\xC3\xB3" "d\xC5\xBA Stra\xC3\x9F" "e')\n"
		    "  p.params.html = quire.markdown('*hi*')\n"
		    "  quire.log('checked ' .. p.path)\n"
		    "  print('printed', 1, nil) print('a\\0b\\nscripts/x.lua:1:1: error: not real')\n"
		    "  p.params.null = quire.null\n"
		    "  p.params.rel = quire.relpath('reference/terms', 'a/b.md')\n"
		    "  p.params.same = quire.relpath('a/x', 'a/b.md')\n"
		    "end)\n");
	struct diag *d = diag_new();
	int failed;
	struct hooks *h = hooks_load(dir, fake_markdown, "site", d, &failed);
	json_t *page = sample_page();
	fflush(stdout);
	CHECK(hooks_run_page(h, &page, d) == 0);
	json_t *params = json_object_get(page, "params");
	CHECK_STR(json_string_value(json_object_get(params, "slug")),
		  "costs-fees-2024");
	/* "Łódź Straße": as a heading with that text gets its id */
	CHECK_STR(json_string_value(json_object_get(params, "folded")), "lodz-strasse");
	CHECK_STR(json_string_value(json_object_get(params, "html")),
		  "<site>*hi*");
	CHECK(json_is_null(json_object_get(params, "null")));
	CHECK_STR(json_string_value(json_object_get(params, "rel")), "../a/b.md");
	CHECK_STR(json_string_value(json_object_get(params, "same")), "b.md");
	CHECK(diag_warnings(d) == 3 && diag_errors(d) == 0);
	char *out = diag_text(d);
	CHECK(strstr(out, "scripts/helpers.lua:4:1: warning: checked "
			  "content/costs.md") != NULL);
	CHECK(strstr(out, "scripts/helpers.lua:5:1: warning: printed\t1\tnil")
	      != NULL);
	/* a NUL shown, not an end; a second line not taken for a diagnostic */
	CHECK(strstr(out, "scripts/helpers.lua:5:1: warning: a\\0b\n    scripts/x.lua:1:1: error: not real") != NULL);
	free(out);
	json_decref(page);
	hooks_free(h);
	/* Without a callback quire.markdown uses cmark-gfm, raw HTML off. */
	site_script(dir, "helpers.lua",
		    "quire.on_page(function(p)\n"
		    "  p.params.html = quire.markdown('*hi* <b>x</b>')\n"
		    "end)\n");
	h = hooks_load(dir, NULL, NULL, d, &failed);
	page = sample_page();
	CHECK(hooks_run_page(h, &page, d) == 0);
	const char *html = json_string_value(
		json_object_get(json_object_get(page, "params"), "html"));
	CHECK(html && strstr(html, "<em>hi</em>") && !strstr(html, "<b>"));
	json_decref(page);
	hooks_free(h);
	diag_free(d);
	rm_site(dir);
}

/* With quire's allocator, as a page's tree is (filters splice its nodes in). */
static cmark_node *parse(const char *md)
{
	cmark_parser *p = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, md_mem());
	cmark_parser_feed(p, md, strlen(md));
	cmark_node *doc = cmark_parser_finish(p);
	cmark_parser_free(p);
	return doc;
}

static char *render(cmark_node *doc)
{
	return cmark_render_html_with_mem(doc, CMARK_OPT_UNSAFE, NULL, cmark_get_default_mem_allocator());
}

static void filters_rewrite_links_and_replace_text_nodes(void)
{
	char *dir = site_new();
	site_script(dir, "filters.lua",
		    "quire.filter{\n"
		    "  link = function(l, page)\n"
		    "    if l.url:find('^https://www.legislation.gov.uk') then\n"
		    "      l.url = l.url .. '?from=' .. page\n"
		    "      l.title = 'Legislation'\n"
		    "      return l\n"
		    "    end\n"
		    "  end,\n"
		    "  text = function(t)\n"
		    "    if t.text == 'ACAS' then return '[Acas](acas.md)' end\n"
		    "    if t.text == 'raw' then return { html = '<kbd>raw</kbd>' } end\n"
		    "  end,\n"
		    "  heading = function(h)\n"
		    "    return { level = h.level + 1, text = h.text:upper() }\n"
		    "  end,\n"
		    "  code_block = function(c) c.info = 'text'; return c end,\n"
		    "}\n");
	struct diag *d = diag_new();
	int failed;
	struct hooks *h = hooks_load(dir, NULL, NULL, d, &failed);
	CHECK(h && hooks_has_filter(h));
	cmark_node *doc = parse(
		"# Costs *now*\n\nSee [the Act](https://www.legislation.gov.uk/"
		"ukpga/1996/18) and [x](y.md).\n\nACAS\n\nraw\n\n```lua\nx\n```\n");
	CHECK(hooks_filter_doc(h, doc, "content/costs.md", NULL, d) == 0);
	char *html = render(doc);
	CHECK(strstr(html, "<h2>COSTS NOW</h2>") != NULL);
	CHECK(strstr(html, "href=\"https://www.legislation.gov.uk/ukpga/1996/18"
			   "?from=content/costs.md\" title=\"Legislation\"") != NULL);
	CHECK(strstr(html, "<a href=\"y.md\">x</a>") != NULL);
	CHECK(strstr(html, "<p><a href=\"acas.md\">Acas</a></p>") != NULL);
	CHECK(strstr(html, "<p><kbd>raw</kbd></p>") != NULL);
	CHECK(strstr(html, "class=\"language-text\"") != NULL);
	CHECK(diag_errors(d) == 0);
	free(html);
	cmark_node_free(doc);
	hooks_free(h);
	diag_free(d);
	rm_site(dir);
}

/* What filters put into a page is parsed outside the scripts' memory: a
 * megabyte for every word of a page is stopped at an article's limit,
 * and quire.markdown takes no more than an article either. */
static void filters_and_markdown_are_held_to_an_articles_size(void)
{
	char *dir = site_new();
	site_script(dir, "big.lua", "local big = ('*x* '):rep(256 * 1024)\n"
				    "quire.filter{\n  text = function(t)\n"
				    "    return big\n  end }\n");
	struct diag *d = diag_new();
	int failed;
	struct hooks *h = hooks_load(dir, NULL, NULL, d, &failed);
	struct buf md = BUF_INIT;
	for (int i = 0; i < 40; i++)
		buf_puts(&md, "word\n\n");
	cmark_node *doc = parse(buf_cstr(&md));
	CHECK(hooks_filter_doc(h, doc, "content/a.md", NULL, d) == -1);
	char *out = diag_text(d);
	CHECK(strstr(out, "scripts/big.lua:3:") != NULL);
	CHECK(strstr(out, "stack traceback:") == NULL); /* (nothing under it) */
	CHECK(strstr(out, "more than 8 MiB of text put into one page") != NULL);
	free(out);
	cmark_node_free(doc);
	buf_free(&md);
	hooks_free(h);
	diag_free(d);
	rm_site(dir);
	expect_failure("md.lua", 2, "quire.on_page(function(p)\n"
				    "  p.title = quire.markdown(('x'):rep(9 * 1024 * 1024))\nend)\n",
		       "quire.markdown: the text is longer than 8 MiB");
}

static void a_filter_error_names_its_line_and_the_page(void)
{
	char *dir = site_new();
	site_script(dir, "f.lua", "quire.filter{\n  text = function(t)\n"
				  "    return t.nope.x\n  end }\n");
	struct diag *d = diag_new();
	int failed;
	struct hooks *h = hooks_load(dir, NULL, NULL, d, &failed);
	cmark_node *doc = parse("hello\n");
	CHECK(hooks_filter_doc(h, doc, "content/a.md", NULL, d) == -1);
	char *out = diag_text(d);
	CHECK(strstr(out, "scripts/f.lua:3:") != NULL);
	CHECK(strstr(out, "content/a.md") != NULL);
	CHECK(strstr(out, "stack traceback:") != NULL);
	free(out);
	cmark_node_free(doc);
	hooks_free(h);
	diag_free(d);
	rm_site(dir);
}

struct filter_job {
	struct hooks *h;
	struct diag *d;
	int ok;
};

static void *filter_many(void *arg)
{
	struct filter_job *j = arg;
	for (int i = 0; i < 50; i++) {
		cmark_node *doc = parse("[a](old.md) and [b](old.md)\n");
		char *html = NULL;
		if (hooks_filter_doc(j->h, doc, "content/t.md", NULL, j->d) == 0) {
			html = render(doc);
			if (strstr(html, "new.md\">a") && strstr(html, "new.md\">b"))
				j->ok++;
		}
		free(html);
		cmark_node_free(doc);
	}
	return NULL;
}

static void filters_run_safely_from_several_threads(void)
{
	char *dir = site_new();
	site_script(dir, "f.lua", "quire.filter{ link = function(l)\n"
				  "  l.url = l.url:gsub('old', 'new'); return l\n"
				  "end }\n");
	struct diag *d = diag_new();
	int failed;
	struct hooks *h = hooks_load(dir, NULL, NULL, d, &failed);
	pthread_t t[4];
	struct filter_job jobs[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct filter_job){ h, d, 0 };
		pthread_create(&t[i], NULL, filter_many, &jobs[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK(jobs[i].ok == 50);
	}
	CHECK(diag_errors(d) == 0);
	hooks_free(h);
	diag_free(d);
	rm_site(dir);
}

static void values_cross_the_boundary_unchanged(void)
{
	const char *text = "{\"a\":[1,2.5,\"x\\u0000y\",null,true,false,[],{}],"
			   "\"b\":{\"c\":{\"d\":[[[]]]}},\"\\u00e9\":-0.0,"
			   "\"n\":9007199254740993}";
	json_error_t err;
	json_t *in = json_loads(text, JSON_ALLOW_NUL, &err);
	CHECK(in != NULL);
	json_t *out = hooks_roundtrip_json(in);
	CHECK(out != NULL && json_equal(in, out));
	CHECK(json_is_integer(json_object_get(out, "n")));
	CHECK(json_is_array(json_array_get(json_object_get(out, "a"), 6)));
	CHECK(json_is_object(json_array_get(json_object_get(out, "a"), 7)));
	json_decref(out);
	json_decref(in);
}

/* ---- mistakes in data handed back --------------------------------- */

static void a_cyclic_table_returned_from_on_page_is_an_error(void)
{
	expect_failure("cycle.lua", 1,
		       "quire.on_page(function(p)\n  p.params.self = p\nend)\n",
		       "page.params.self: table contains itself");
}

static void nan_returned_from_on_page_is_an_error(void)
{
	expect_failure("nan.lua", 1,
		       "quire.on_page(function(p)\n  p.params.x = 0/0\nend)\n",
		       "page.params.x: NaN");
}

static void a_wrong_title_type_from_on_page_is_an_error(void)
{
	expect_failure("title.lua", 2, "-- sets a number\n"
				       "quire.on_page(function(p) p.title = 5 end)\n",
		       "page.title must be a string, got a number");
}

static void mixed_keys_and_holes_are_errors(void)
{
	expect_failure("mixed.lua", 1,
		       "quire.on_page(function(p)\n  p.params.x = {1, y = 2}\nend)\n",
		       "mixes sequence items");
	expect_failure("hole.lua", 1,
		       "quire.on_page(function(p)\n  p.tags = {'a', nil, 'c'}\nend)\n",
		       "hole at index 2");
}

static void add_page_rejects_bad_paths_at_the_calling_line(void)
{
	static const char *const bad[] = { "../x", "a/../../etc/passwd",
					   "/abs", "a\\\\b", "", "a//b", "x/" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *src = xasprintf("quire.on_site(function(site)\n"
				      "  quire.add_page{ path = '%s', title = 't',"
				      " html = '' }\nend)\n", bad[i]);
		char *dir = site_new();
		site_script(dir, "add.lua", src);
		struct diag *d = diag_new();
		int failed;
		struct hooks *h = hooks_load(dir, NULL, NULL, d, &failed);
		json_t *site = json_object(), *added = json_array();
		CHECK(hooks_run_site(h, site, added, d) == -1);
		CHECK(json_array_size(added) == 0);
		char *out = diag_text(d);
		CHECK(strstr(out, "scripts/add.lua:2:") != NULL);
		CHECK(strstr(out, "quire.add_page") != NULL);
		free(out);
		json_decref(site);
		json_decref(added);
		hooks_free(h);
		diag_free(d);
		rm_site(dir);
		free(src);
	}
}

static void add_page_rejects_wrong_types_and_fields(void)
{
	static const struct { const char *call, *want; } cases[] = {
		{ "{ path = 'a', title = 5, html = '' }",
		  "title must be a string, got number" },
		{ "{ path = 'a', title = 't' }", "exactly one of markdown" },
		{ "{ path = 'a', title = 't', html = '', markdown = '' }",
		  "exactly one of markdown" },
		{ "{ path = 'a', title = 't', html = '', data = {1, 2} }",
		  "data must be a table with string keys" },
		{ "{ path = 'a', titel = 't', html = '' }", "unknown field titel" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *src = xasprintf("quire.on_site(function(site)\n\n"
				      "  quire.add_page%s\nend)\n", cases[i].call);
		char *dir = site_new();
		site_script(dir, "add.lua", src);
		struct diag *d = diag_new();
		int failed;
		struct hooks *h = hooks_load(dir, NULL, NULL, d, &failed);
		json_t *site = json_object(), *added = json_array();
		CHECK(hooks_run_site(h, site, added, d) == -1);
		char *out = diag_text(d);
		CHECK(strstr(out, "scripts/add.lua:3:") != NULL);
		CHECK(strstr(out, cases[i].want) != NULL);
		if (!strstr(out, cases[i].want))
			printf("    got: %s", out);
		free(out);
		json_decref(site);
		json_decref(added);
		hooks_free(h);
		diag_free(d);
		rm_site(dir);
		free(src);
	}
}

/* ---- sandbox escapes --------------------------------------------------- */

static void load_dofile_and_string_dump_are_unavailable(void)
{
	char *out;
	CHECK(run_one("absent.lua",
		      "assert(load == nil and loadfile == nil and dofile == nil)\n"
		      "assert(string.dump == nil and collectgarbage == nil)\n"
		      "assert(('').dump == nil)\n", &out) == 0);
	free(out);
	expect_failure("dump.lua", 2, "local f = function() end\n"
				      "local b = string.dump(f)\n",
		       "attempt to call a nil value");
}

static void bytecode_files_are_refused(void)
{
	expect_failure("bytecode.lua", 1, "\x1bLua\x54\x00garbage",
		       "attempt to load a binary chunk");
}

static void io_os_require_debug_and_package_are_absent(void)
{
	char *out;
	CHECK(run_one("absent.lua",
		      "assert(io == nil and os == nil and require == nil)\n"
		      "assert(debug == nil and package == nil)\n"
		      "assert(coroutine == nil)\n", &out) == 0);
	free(out);
	expect_failure("os.lua", 3, "\n\nos.execute('touch /tmp/pwned')\n",
		       "attempt to index a nil value (global 'os')");
}

static void string_metatable_tampering_does_not_reach_a_later_script(void)
{
	char *dir = site_new();
	site_script(dir, "a-evil.lua",
		    "local evil = function() return 'pwned' end\n"
		    "assert(getmetatable('') == false)\n"
		    "assert(not pcall(function() getmetatable('').__index.upper = evil end))\n"
		    "assert(not pcall(function() string.upper = evil end))\n"
		    "assert(not pcall(rawset, string, 'upper', evil))\n"
		    "assert(not pcall(setmetatable, string, {}))\n"
		    "assert(not pcall(function() table.insert = evil end))\n"
		    "local _, real = pairs(string)\n"
		    "assert(real == nil)\n"
		    "for k, v in pairs(string) do assert(type(v) ~= 'table') end\n"
		    "string = { upper = evil }\n");
	site_script(dir, "b-good.lua",
		    "quire.on_page(function(p)\n"
		    "  p.title = ('costs'):upper() .. string.upper('!')\n"
		    "end)\n");
	struct diag *d = diag_new();
	int failed;
	struct hooks *h = hooks_load(dir, NULL, NULL, d, &failed);
	CHECK(h != NULL);
	json_t *page = sample_page();
	CHECK(hooks_run_page(h, &page, d) == 0);
	CHECK_STR(json_string_value(json_object_get(page, "title")), "COSTS!");
	json_decref(page);
	hooks_free(h);
	diag_free(d);
	rm_site(dir);
}

static void rawset_on_globals_does_not_reach_other_scripts(void)
{
	char *dir = site_new();
	site_script(dir, "a-good.lua",
		    "quire.on_page(function(p)\n"
		    "  p.title = tostring(#p.tags) .. string.format('%d', 2)\n"
		    "end)\n");
	site_script(dir, "b-evil.lua",
		    "rawset(_G, 'tostring', function() return 'pwned' end)\n"
		    "rawset(_G, 'string', {})\n"
		    "_G.quire = nil\n"
		    "assert(not pcall(rawset, quire, 'on_page', print))\n"
		    "assert(getmetatable(_G) == false)\n"
		    "assert(not pcall(setmetatable, _G, nil))\n");
	struct diag *d = diag_new();
	int failed;
	struct hooks *h = hooks_load(dir, NULL, NULL, d, &failed);
	CHECK(h != NULL);
	json_t *page = sample_page();
	CHECK(hooks_run_page(h, &page, d) == 0);
	CHECK_STR(json_string_value(json_object_get(page, "title")), "12");
	json_decref(page);
	hooks_free(h);
	diag_free(d);
	rm_site(dir);
}

static void an_endless_loop_inside_pcall_is_stopped(void)
{
	expect_failure("loop.lua", 3,
		       "quire.on_page(function(p)\n"
		       "  while true do\n"
		       "    pcall(function() while true do end end)\n"
		       "  end\nend)\n",
		       "instruction budget exceeded");
	expect_failure("xloop.lua", 2,
		       "local function spin() while true do end end\n"
		       "while true do xpcall(spin, function(e) while true do end end) end\n",
		       "instruction budget exceeded");
}

static void a_limit_hit_inside_a_close_handler_still_stops(void)
{
	expect_failure("close.lua", 2,
		       "local mt = { __close = function() while true do end end }\n"
		       "do local x <close> = setmetatable({}, mt); while true do end end\n",
		       "instruction budget exceeded");
}

static void memory_bombs_are_stopped(void)
{
	expect_failure("tables.lua", 4,
		       "quire.on_page(function(p)\n"
		       "  pcall(function()\n"
		       "    local t = {}\n"
		       "    for i = 1, 1e9 do t[i] = {i, i, i} end\n"
		       "  end)\nend)\n",
		       "memory limit exceeded");
	expect_failure("rep.lua", 2, "quire.on_page(function(p)\n"
				     "  p.title = string.rep('x', 1e12)\nend)\n",
		       "string.rep: result would exceed 16 MB");
	expect_failure("concat.lua", 3, "local s = ('x'):rep(16 * 1024 * 1024)\n"
					"local t = {}\n"
					"while true do t[#t + 1] = s .. #t end\n",
		       "memory limit exceeded");
}

/* Runs the on_page hook src (scripts/slow.lua) once, with no instruction
 * budget to speak of, a time limit of time_ms and the interrupt flag stop
 * (or none): the call must fail within seconds at line where, saying why;
 * with again, a later call must fail too (the state is spent). */
static void expect_stopped(const char *src, long time_ms, volatile sig_atomic_t *stop, const char *where,
			   const char *why, int again)
{
	char *dir = site_new();
	site_script(dir, "slow.lua", src);
	struct diag *d = diag_new();
	int failed;
	struct hooks *h = hooks_load(dir, NULL, NULL, d, &failed);
	hooks_set_limits(h, (long long)1e15, 0, time_ms);
	hooks_set_stop(h, stop);
	json_t *page = sample_page();
	double t0 = now_s();
	CHECK(hooks_run_page(h, &page, d) == -1);
	CHECK(now_s() - t0 < 5.0);
	char *out = diag_text(d);
	CHECK(strstr(out, where) != NULL);
	CHECK(strstr(out, why) != NULL);
	free(out);
	if (again)
		CHECK(hooks_run_page(h, &page, d) == -1);
	json_decref(page);
	hooks_free(h);
	diag_free(d);
	rm_site(dir);
}

static void slow_c_calls_meet_the_wall_clock_limit(void)
{
	expect_stopped("quire.on_page(function(p)\n"
		       "  for i = 1, 1e9 do local s = ('x'):rep(8e6) .. i end\n"
		       "end)\n",
		       300, NULL, "scripts/slow.lua:2:", "time limit exceeded", 1);
}

/* table.sort loops in C, some 3 instructions a call: 1,000 of them came
 * between two looks at the clock, minutes past the limit. */
static void slow_sorts_meet_the_wall_clock_limit(void)
{
	expect_stopped("quire.on_page(function(p)\n"
		       "  local t = {} for i = 1, 3e5 do t[i] = i end\n"
		       "  for k = 1, 1e9 do table.sort(t) end\n"
		       "end)\n",
		       500, NULL, "scripts/slow.lua:3:", "time limit exceeded", 1);
}

/* Ctrl-C during a slow hook stops it at once, like a broken limit; the
 * flag is set before the call here, as a signal would set it during. */
static void an_interrupt_stops_a_slow_hook(void)
{
	volatile sig_atomic_t stop = 1;
	expect_stopped("quire.on_page(function(p)\n"
		       "  local x = 0 for i = 1, 1e12 do x = x + i end\n"
		       "end)\n",
		       60000, &stop, "scripts/slow.lua:2:", "stopped (the build was interrupted)", 0);
}

static void deep_recursion_is_reported(void)
{
	expect_failure("deep.lua", 1,
		       "local function f(n) return 1 + f(n + 1) end\n"
		       "quire.on_page(function(p) f(1) end)\n",
		       "stack overflow");
}

static void error_with_a_table_or_nil_is_reported_clearly(void)
{
	expect_failure("table.lua", 2, "quire.on_page(function(p)\n"
				       "  error({ code = 1 })\nend)\n",
		       "error object is a table value");
	expect_failure("nil.lua", 3, "quire.on_page(function(p)\n\n"
				     "  error(nil)\nend)\n",
		       "error object is a nil value");
	expect_failure("str.lua", 2, "quire.on_page(function(p)\n"
				     "  error('plain words')\nend)\n",
		       "plain words (in on_page for content/costs.md)\n"
		       "stack traceback:");
}

static void finalizers_are_refused(void)
{
	expect_failure("gc.lua", 1,
		       "setmetatable({}, { __gc = function() while true do end end })\n",
		       "__gc metamethods are not allowed");
}

static void handlers_register_only_while_loading(void)
{
	expect_failure("late.lua", 2, "quire.on_page(function(p)\n"
				      "  quire.on_page(print)\nend)\n",
		       "only be called while the script loads");
}

/* ---- pattern matching (luapattern.c) ------------------------------------ */

static void backtracking_patterns_fail_the_call_at_their_line(void)
{
	const char *want = "instruction budget exceeded in pattern matching";
	expect_failure("find.lua", 2, "local s = string.rep('a', 1e6)\n"
				      "local i = s:find('.-.-.-b')\n",
		       want);
	expect_failure("gsub.lua", 3,
		       "quire.on_page(function(p)\n"
		       "  local s = ('a'):rep(1e6)\n"
		       "  local ok = pcall(string.gsub, s, '.-x', '')\n"
		       "  p.title = 'escaped the limit'\n"
		       "end)\n",
		       want);
	expect_failure("match.lua", 4,
		       "quire.on_page(function(p)\n"
		       "  local s = ('a'):rep(1e6)\n"
		       "  while true do\n"
		       "    pcall(function() return s:match('(.-)(.-)(.-)b') end)\n"
		       "  end\n"
		       "end)\n",
		       want);
	expect_failure("gmatch.lua", 3,
		       "local s = ('ab'):rep(5e5)\n"
		       "local n = 0\n"
		       "for w in s:gmatch('%w-x') do n = n + 1 end\n",
		       want);
	expect_failure("balance.lua", 2,
		       "local s = ('('):rep(1e6)\n"
		       "print(s:find('%b()'))\n",
		       want);
}

static void a_slow_pattern_meets_the_wall_clock_limit(void)
{
	expect_stopped("quire.on_page(function(p)\n"
		       "  local s = ('a'):rep(1e6)\n"
		       "  pcall(string.find, s, '.-.-.-b')\n"
		       "end)\n",
		       300, NULL, "scripts/slow.lua:3:", "time limit exceeded", 0);
}

/* Each expression with what stock Lua 5.4.4 prints for it (values joined
 * by commas), as checked with the lua5.4 interpreter. */
static const struct {
	const char *expr, *want;
} pattern_cases[] = {
	{ "string.find('hello world', 'o w')", "5,7" },
	{ "string.find('hello world', 'l+')", "3,4" },
	{ "string.find('a.b', '.', 1, true)", "2,2" },
	{ "string.find('key = value', '(%w+)%s*=%s*(%w+)')",
	  "1,11,key,value" },
	{ "('abc'):find('b')", "2,2" },
	{ "string.find('abc', 'b', -1)", "nil" },
	{ "string.find('hello', 'l', 10)", "nil" },
	{ "string.find('hello', '')", "1,0" },
	{ "string.match('  trim me  ', '^%s*(.-)%s*$')", "trim me" },
	{ "string.match('hello', '()ll()')", "3,5" },
	{ "string.match('f(a(b)c)d', '%b()')", "(a(b)c)" },
	{ "string.match('2024-01-31', '(%d+)-(%d+)-(%d+)')", "2024,01,31" },
	{ "string.match('[[page|text]]', '%[%[([^|%]]+)|?([^%]]*)%]%]')",
	  "page,text" },
	{ "string.match('aaa', '(a*)%1')", "a" },
	{ "string.match('hello', '^ell')", "nil" },
	{ "string.match('hello', 'lo$')", "lo" },
	{ "string.match(12345, '3(%d)')", "4" },
	{ "string.gsub('THE (quick) fox', '%f[%w]%w+', function(w) "
	  "return w:sub(1, 1):upper() .. w:sub(2):lower() end)",
	  "The (Quick) Fox,3" },
	{ "string.gsub('hello world', '(%w+)', '<%1>')", "<hello> <world>,2" },
	{ "string.gsub('hello world', '%w+', '%0 %0', 1)",
	  "hello hello world,1" },
	{ "string.gsub('$name is $age', '%$(%w+)', { name = 'Ann', age = 42 })",
	  "Ann is 42,2" },
	{ "string.gsub('abc', '', '-')", "-a-b-c-,4" },
	{ "string.gsub('abc', '%w', '%%')", "%%%,3" },
	{ "string.gsub('a,b,,c', ',', ';', 2)", "a;b;,c,2" },
	{ "string.gsub('xxx', 'x', { x = false })", "xxx,3" },
	{ "string.gsub('hello world', 'o', '0', 0)", "hello world,0" },
	{ "string.gsub('hello', '()l', '%1')", "he34o,2" },
	{ "string.gsub('abc', '%w', function(c) if c == 'b' then return nil "
	  "end return c:upper() end)",
	  "AbC,3" },
	{ "pcall(string.find, 'x', '%')",
	  "false,malformed pattern (ends with '%')" },
	{ "pcall(string.gsub, 'x', 'x', '%2')",
	  "false,invalid capture index %2" },
	{ "pcall(string.match, 'x', '[a')",
	  "false,malformed pattern (missing ']')" },
	{ "pcall(string.gsub, 'x', 'x', { x = {} })",
	  "false,invalid replacement value (a table)" },
	{ "(function() local t = {} for k, v in string.gmatch('a=1, b=22', "
	  "'(%w+)=(%w+)') do t[#t + 1] = k .. ':' .. v end "
	  "return table.concat(t, ' ') end)()",
	  "a:1 b:22" },
	{ "(function() local t = {} for w in string.gmatch('one two three', "
	  "'%a+', 5) do t[#t + 1] = w end return table.concat(t, ' ') end)()",
	  "two three" },
	{ "(function() local t = {} for a, b in string.gmatch('abc', '()(.)') "
	  "do t[#t + 1] = a .. b end return table.concat(t, ' ') end)()",
	  "1a 2b 3c" },
	{ "(function() local t = {} for w in string.gmatch('abc', 'x*') do "
	  "t[#t + 1] = '[' .. w .. ']' end return table.concat(t) end)()",
	  "[][][][]" },
	{ "select(2, ('word '):rep(200000):gsub('%s+', ' '))", "200000" },
	/* a pattern led by one plain character skips ahead to it (lead_byte);
	 * these answers are stock Lua 5.4's */
	{ "string.gsub('a]b](c)d', '%]%b()', ']')", "a]b]d,1" },
	{ "string.gsub('x<y>z<w', '<[^>]*>', ' ')", "x z<w,1" },
	{ "string.find('abcabc', 'c', 4)", "6,6" },
	{ "string.find('aaa', 'b*')", "1,0" },
	{ "string.gsub('banana', 'an', 'AN', 1)", "bANana,1" },
	{ "string.gsub('b', 'a?b', '[%0]')", "[b],1" },
	{ "string.gsub('\xc3\xa9 \xc3\xa9', '\\195\\169', 'e')", "e e,2" },
	{ "string.find('xy', 'y$')", "2,2" },
	{ "string.find('x$', '$')", "3,2" },
	{ "string.gsub('ab^c', '^c', 'C')", "ab^c,0" },
	{ "(function() local t = {} for w in string.gmatch('a1 b22 c3', 'b%d+') do "
	  "t[#t + 1] = w end return table.concat(t, ' ') end)()",
	  "b22" },
	{ "(function() local t = {} for w in string.gmatch('x^y^', '^') do "
	  "t[#t + 1] = w end return #t end)()",
	  "2" },
	{ "string.gsub('aXbXc', 'X+', '-')", "a-b-c,2" },
	{ "string.gsub('a-b--c', '%-+', '_')", "a_b_c,2" },
	{ "string.match('say hi there', 'h(%a+)')", "i" },
	{ "string.find('abc', 'c', 10)", "nil" },
	/* led by a class or a set, it skips to where that matches */
	{ "string.gsub('a1 b22 c', '%d+', '#')", "a# b# c,2" },
	{ "string.find('  x', '%a')", "3,3" },
	{ "string.gsub('ab  cd', '[%s]+', '_')", "ab_cd,1" },
	{ "(function() local n = 0 for _ in string.gmatch('one, two; three', '%w[%w%-]*') do "
	  "n = n + 1 end return n end)()",
	  "3" },
	{ "string.match('x=[1]', '[%[]')", "[" },
	{ "string.gsub('AbC', '%u', '.')", ".b.,2" },
	{ "string.find('abc', '[^a]')", "2,2" },
	{ "string.find('', '%a')", "nil" },
	{ "string.gsub('a.b', '%W', '!')", "a!b,1" },
	{ "type(string.gmatch('x', '[a'))", "function" },
	{ "string.find('aXb', '%Z', 2)", "2,2" },
};

static void pattern_functions_behave_like_stock_lua(void)
{
	size_t n = sizeof pattern_cases / sizeof pattern_cases[0];
	struct buf src = BUF_INIT;
	buf_puts(&src, "local results = {}\n"
		       "local function show(...)\n"
		       "  local t = table.pack(...)\n"
		       "  for i = 1, t.n do t[i] = tostring(t[i]) end\n"
		       "  results[#results + 1] = table.concat(t, ',')\n"
		       "end\n");
	for (size_t i = 0; i < n; i++)
		buf_printf(&src, "show(%s)\n", pattern_cases[i].expr);
	buf_puts(&src, "quire.on_page(function(p) p.params.results = results "
		       "end)\n");
	char *dir = site_new();
	site_script(dir, "patterns.lua", buf_cstr(&src));
	struct diag *d = diag_new();
	int failed;
	struct hooks *h = hooks_load(dir, NULL, NULL, d, &failed);
	CHECK(h != NULL);
	json_t *page = sample_page();
	CHECK(h && hooks_run_page(h, &page, d) == 0);
	json_t *res = json_object_get(json_object_get(page, "params"),
				      "results");
	CHECK(json_array_size(res) == n);
	for (size_t i = 0; i < n && i < json_array_size(res); i++) {
		const char *got = json_string_value(json_array_get(res, i));
		if (!got || strcmp(got, pattern_cases[i].want) != 0)
			printf("    for %s\n", pattern_cases[i].expr);
		CHECK_STR(got, pattern_cases[i].want);
	}
	if (diag_errors(d)) {
		char *out = diag_text(d);
		printf("    diagnostics were:\n%s", out);
		free(out);
	}
	json_decref(page);
	hooks_free(h);
	diag_free(d);
	rm_site(dir);
	buf_free(&src);
}

/* ---- page.history and quire.head ------------------------------------- */

/* A history callback that counts its calls and knows one page. */
static int history_calls;

static json_t *fake_history(const char *path, void *ctx)
{
	(void)ctx;
	history_calls++;
	if (strcmp(path, "content/costs.md") != 0)
		return NULL;
	return json_pack("{s:i, s:i, s:s, s:[s], s:[{s:s, s:s}]}", "revisions", 1, "updated", 1700000000,
			 "author", "Ann", "authors", "Ann", "list", "date", "14 November 2023", "subject", "Fix costs");
}

static json_t *fake_head(void *ctx)
{
	(void)ctx;
	return json_pack("{s:s, s:i, s:s}", "short_id", "0123456789", "time", 1800000000, "date", "15 January 2027");
}

static struct hooks *load_with_history(const char *dir, struct diag *d)
{
	struct hooks_env env = { .history = fake_history, .head = fake_head };
	int failed;
	return hooks_load_env(dir, &env, d, &failed);
}

/* History is made only for a handler that reads it (a large site's
 * every page would otherwise carry its revisions into Lua), once per
 * handler, and is not among the fields handed back. */
static void page_history_is_made_only_when_a_handler_reads_it(void)
{
	char *dir = site_new();
	site_script(dir, "10-title.lua", "quire.on_page(function(page) page.title = page.title .. '.' end)\n");
	struct diag *d = diag_new();
	struct hooks *h = load_with_history(dir, d);
	json_t *page = sample_page();
	history_calls = 0;
	CHECK(hooks_run_page(h, &page, d) == 0);
	CHECK(history_calls == 0);
	hooks_free(h);
	json_decref(page);
	site_script(dir, "20-history.lua",
		    "quire.on_page(function(page)\n"
		    "  local h = page.history\n"
		    "  local n = 0\n"
		    "  for k in pairs(page) do if k == 'history' then n = n + 1 end end\n"
		    "  page.params.line = ('%d by %s on %s: %s (listed %d)'):format(h.revisions,\n"
		    "    page.history.author, h.list[1].date, h.list[1].subject, n)\n"
		    "end)\n");
	h = load_with_history(dir, d);
	page = sample_page();
	history_calls = 0;
	CHECK(hooks_run_page(h, &page, d) == 0);
	CHECK(history_calls == 1);
	CHECK_STR(json_string_value(json_object_get(json_object_get(page, "params"), "line")),
		  "1 by Ann on 14 November 2023: Fix costs (listed 0)");
	CHECK(json_object_get(page, "history") == NULL);
	char *out = diag_text(d);
	CHECK_STR(out, "");
	free(out);
	json_decref(page);
	hooks_free(h);
	diag_free(d);
	rm_site(dir);
}

/* page.history is the page's own even after a handler moved page.path,
 * nil for a page with none, and nil for every page when the build gives
 * no history (history: false). */
static void page_history_belongs_to_the_page_and_is_nil_without_one(void)
{
	char *dir = site_new();
	site_script(dir, "10.lua",
		    "quire.on_page(function(page)\n"
		    "  page.path = 'content/other.md'\n"
		    "  page.params.got = page.history and page.history.revisions or 'none'\n"
		    "end)\n");
	struct diag *d = diag_new();
	struct hooks *h = load_with_history(dir, d);
	json_t *page = sample_page();
	CHECK(hooks_run_page(h, &page, d) == 0);
	CHECK(json_integer_value(json_object_get(json_object_get(page, "params"), "got")) == 1);
	json_decref(page);
	page = sample_page();
	json_object_set_new(page, "path", json_string("content/new.md"));
	CHECK(hooks_run_page(h, &page, d) == 0);
	CHECK_STR(json_string_value(json_object_get(json_object_get(page, "params"), "got")), "none");
	json_decref(page);
	hooks_free(h);
	int failed;
	h = hooks_load(dir, NULL, NULL, d, &failed);
	page = sample_page();
	history_calls = 0;
	CHECK(hooks_run_page(h, &page, d) == 0);
	CHECK_STR(json_string_value(json_object_get(json_object_get(page, "params"), "got")), "none");
	CHECK(history_calls == 0);
	json_decref(page);
	hooks_free(h);
	CHECK(diag_errors(d) == 0);
	diag_free(d);
	rm_site(dir);
}

static void on_site_pages_have_their_own_history(void)
{
	char *dir = site_new();
	site_script(dir, "10.lua",
		    "quire.on_site(function(site)\n"
		    "  local out = {}\n"
		    "  for _, p in ipairs(site.pages) do\n"
		    "    out[#out + 1] = p.path .. '=' .. (p.history and p.history.authors[1] or 'none')\n"
		    "  end\n"
		    "  quire.add_page{ path = 'list', title = 'List', markdown = table.concat(out, ' ') }\n"
		    "end)\n");
	struct diag *d = diag_new();
	struct hooks *h = load_with_history(dir, d);
	json_t *site = json_pack("{s:{}, s:[{s:s},{s:s}]}", "site", "pages", "path", "content/costs.md", "path",
				 "content/new.md");
	json_t *added = json_array();
	history_calls = 0;
	CHECK(hooks_run_site(h, site, added, d) == 0);
	CHECK_STR(json_string_value(json_object_get(json_array_get(added, 0), "markdown")),
		  "content/costs.md=Ann content/new.md=none");
	CHECK(history_calls == 2);
	json_decref(site);
	json_decref(added);
	hooks_free(h);
	diag_free(d);
	rm_site(dir);
}

/* ---- judging past versions ------------------------------------------ */

static json_t *past_page(const char *params)
{
	json_t *p = sample_page();
	json_t *pp = json_loads(params, 0, NULL);
	json_object_set_new(pp, "past", json_true());
	json_object_set_new(p, "params", pp);
	return p;
}

static const char JUDGE_SCRIPT[] =
	"quire.on_page(function(page)\n"
	"  if page.params.past and page.history then error('a past version has no history') end\n"
	"  print('judging ' .. page.title)\n"
	"  if page.params.bad then error('bad ' .. page.params.bad) end\n"
	"  if page.params.spin then while true do end end\n"
	"  if page.params.embargo and quire.head.time < page.params.embargo then page.draft = true end\n"
	"  if page.params.audience == 'internal' then page.draft = true end\n"
	"end)\n";

/* A past version is judged by the handlers' page.draft, without
 * page.history; a failure (an error, a broken limit) is a verdict of
 * its own, with the script's line, and stops nothing else; what they
 * print is dropped; a verdict that read quire.head says so. */
static void a_past_version_is_judged_by_page_draft_and_a_failure_is_no_error(void)
{
	char *dir = site_new();
	site_script(dir, "10.lua", JUDGE_SCRIPT);
	struct diag *d = diag_new();
	struct hooks *h = load_with_history(dir, d);
	struct buf why = BUF_INIT;
	int by_head = -1;
	json_t *p = past_page("{\"audience\": \"internal\"}");
	history_calls = 0;
	CHECK(hooks_judge_past(h, p, &by_head, &why) == 1 && by_head == 0);
	CHECK(history_calls == 0);
	CHECK(json_object_get(p, "draft") == NULL); /* the page given is not changed */
	json_decref(p);
	p = past_page("{\"audience\": \"staff\"}");
	CHECK(hooks_judge_past(h, p, &by_head, &why) == 0 && by_head == 0);
	json_decref(p);
	p = past_page("{\"embargo\": 1900000000}");
	CHECK(hooks_judge_past(h, p, &by_head, &why) == 1 && by_head == 1);
	json_decref(p);
	p = past_page("{\"bad\": \"field\"}");
	CHECK(hooks_judge_past(h, p, &by_head, &why) == -1);
	CHECK(strstr(buf_cstr(&why), "scripts/10.lua:4: bad field") != NULL);
	json_decref(p);
	hooks_set_limits(h, 100000, 0, 0);
	buf_reset(&why);
	p = past_page("{\"spin\": true}");
	CHECK(hooks_judge_past(h, p, &by_head, &why) == -1);
	CHECK(strstr(buf_cstr(&why), "scripts/10.lua:5: instruction budget exceeded") != NULL);
	json_decref(p);
	p = past_page("{\"audience\": \"internal\"}");
	CHECK(hooks_judge_past(h, p, &by_head, &why) == 1); /* the limit stopped that call only */
	json_decref(p);
	p = sample_page();
	CHECK(hooks_run_page(h, &p, d) == 0);
	json_decref(p);
	char *out = diag_text(d);
	/* the page's own print, once: the judged versions' are dropped */
	const char *first = strstr(out, "judging Costs");
	CHECK(first != NULL && strstr(first + 1, "judging") == NULL);
	CHECK(diag_errors(d) == 0);
	free(out);
	buf_free(&why);
	hooks_free(h);
	diag_free(d);
	rm_site(dir);
}

/* A handler reading page.history has the versions judged inside its own
 * call: the verdicts are right, and a limit one of them broke leaves the
 * handler to go on with its own budget. */
static struct hooks *nested_hooks;
static int nested_verdict[2];

static json_t *judging_history(const char *path, void *ctx)
{
	(void)path;
	(void)ctx;
	static const char *const versions[] = { "{\"spin\": true}", "{\"audience\": \"internal\"}" };
	for (int i = 0; i < 2; i++) {
		json_t *p = past_page(versions[i]);
		struct buf why = BUF_INIT;
		int by_head;
		nested_verdict[i] = hooks_judge_past(nested_hooks, p, &by_head, &why);
		buf_free(&why);
		json_decref(p);
	}
	return json_pack("{s:i}", "revisions", 7);
}

static void past_versions_are_judged_inside_a_handler_reading_page_history(void)
{
	char *dir = site_new();
	site_script(dir, "10.lua",
		    "quire.on_page(function(page)\n"
		    "  if page.params.spin then while true do end end\n"
		    "  if page.params.audience == 'internal' then page.draft = true; return end\n"
		    "  local n = 0\n"
		    "  for i = 1, 50000 do n = n + 1 end\n"
		    "  page.params.got = page.history.revisions + n\n"
		    "  for i = 1, 50000 do n = n + 1 end\n"
		    "end)\n");
	struct diag *d = diag_new();
	struct hooks_env env = { .history = judging_history };
	int failed;
	nested_hooks = hooks_load_env(dir, &env, d, &failed);
	hooks_set_limits(nested_hooks, 1000000, 0, 0);
	json_t *page = sample_page();
	CHECK(hooks_run_page(nested_hooks, &page, d) == 0);
	CHECK(nested_verdict[0] == -1); /* its limit broke, and stopped only it */
	CHECK(nested_verdict[1] == 1);
	CHECK(json_integer_value(json_object_get(json_object_get(page, "params"), "got")) == 50007);
	CHECK(diag_errors(d) == 0);
	json_decref(page);
	hooks_free(nested_hooks);
	nested_hooks = NULL;
	diag_free(d);
	rm_site(dir);
}

/* quire.head is there while scripts load and when handlers run, and no
 * script can change what a later one sees of it. */
static void quire_head_is_there_from_the_start_and_read_only(void)
{
	char *dir = site_new();
	site_script(dir, "10.lua",
		    "local at_load = quire.head.date\n"
		    "local ok = pcall(function() quire.head.time = 0 end)\n"
		    "local ok2 = pcall(function() quire.head = {} end)\n"
		    "quire.on_page(function(page)\n"
		    "  page.params.head = ('%s %s %d %s %s'):format(at_load, quire.head.short_id,\n"
		    "    quire.head.time, tostring(ok), tostring(ok2))\n"
		    "end)\n");
	site_script(dir, "20.lua", "quire.on_page(function(page) page.params.later = quire.head.time end)\n");
	struct diag *d = diag_new();
	struct hooks *h = load_with_history(dir, d);
	CHECK(h != NULL);
	json_t *page = sample_page();
	CHECK(hooks_run_page(h, &page, d) == 0);
	json_t *params = json_object_get(page, "params");
	CHECK_STR(json_string_value(json_object_get(params, "head")), "15 January 2027 0123456789 1800000000 false false");
	CHECK(json_integer_value(json_object_get(params, "later")) == 1800000000);
	json_decref(page);
	hooks_free(h);
	diag_free(d);
	rm_site(dir);
}

int main(void)
{
	RUN(a_site_without_scripts_has_no_hooks_and_no_failure);
	RUN(an_interrupt_stops_a_slow_hook);
	RUN(a_syntax_error_fails_the_load_at_its_line);
	RUN(on_page_changes_the_title_and_adds_a_tag);
	RUN(on_site_sees_every_page_and_adds_a_page);
	RUN(scripts_run_in_file_name_order);
	RUN(slug_markdown_log_and_print_helpers_work);
	RUN(filters_rewrite_links_and_replace_text_nodes);
	RUN(a_filter_error_names_its_line_and_the_page);
	RUN(filters_run_safely_from_several_threads);
	RUN(values_cross_the_boundary_unchanged);
	RUN(a_cyclic_table_returned_from_on_page_is_an_error);
	RUN(nan_returned_from_on_page_is_an_error);
	RUN(a_wrong_title_type_from_on_page_is_an_error);
	RUN(mixed_keys_and_holes_are_errors);
	RUN(add_page_rejects_bad_paths_at_the_calling_line);
	RUN(add_page_rejects_wrong_types_and_fields);
	RUN(load_dofile_and_string_dump_are_unavailable);
	RUN(bytecode_files_are_refused);
	RUN(io_os_require_debug_and_package_are_absent);
	RUN(string_metatable_tampering_does_not_reach_a_later_script);
	RUN(rawset_on_globals_does_not_reach_other_scripts);
	RUN(an_endless_loop_inside_pcall_is_stopped);
	RUN(a_limit_hit_inside_a_close_handler_still_stops);
	RUN(memory_bombs_are_stopped);
	RUN(slow_c_calls_meet_the_wall_clock_limit);
	RUN(deep_recursion_is_reported);
	RUN(error_with_a_table_or_nil_is_reported_clearly);
	RUN(finalizers_are_refused);
	RUN(handlers_register_only_while_loading);
	RUN(backtracking_patterns_fail_the_call_at_their_line);
	RUN(a_slow_pattern_meets_the_wall_clock_limit);
	RUN(slow_sorts_meet_the_wall_clock_limit);
	RUN(pairs_goes_through_keys_in_a_fixed_order);
	RUN(a_table_claiming_a_huge_length_is_refused);
	RUN(filters_and_markdown_are_held_to_an_articles_size);
	RUN(pattern_functions_behave_like_stock_lua);
	RUN(page_history_is_made_only_when_a_handler_reads_it);
	RUN(page_history_belongs_to_the_page_and_is_nil_without_one);
	RUN(on_site_pages_have_their_own_history);
	RUN(quire_head_is_there_from_the_start_and_read_only);
	RUN(a_past_version_is_judged_by_page_draft_and_a_failure_is_no_error);
	RUN(past_versions_are_judged_inside_a_handler_reading_page_history);
	UNIT_END();
}
