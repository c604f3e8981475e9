/* Tests for newpage_create (`quire new`): the file lands where the editor
 * asked, its front matter parses back to what was given, and nothing is
 * ever overwritten or written outside content/. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "frontmatter.h"
#include "fsutil.h"
#include "newpage.h"
#include "site.h"
#include "unit.h"

static char *site; /* a fresh site folder per test */

static void fresh_site(void)
{
	if (site) {
		fs_rm_rf(site);
		free(site);
	}
	site = xstrdup("/tmp/quire-test-newpage-XXXXXX");
	if (!mkdtemp(site))
		abort();
	char *content = xasprintf("%s/content", site);
	fs_mkdir_p(content);
	free(content);
}

/* Returns the file's text (caller frees) or NULL. */
static char *read_rel(const char *rel)
{
	char *path = xasprintf("%s/%s", site, rel), *text = NULL;
	size_t len;
	if (fs_read_file(path, &text, &len) < 0)
		text = NULL;
	free(path);
	return text;
}

/* Parses the front matter of a created file; new reference or NULL. */
static json_t *front_matter(const char *rel)
{
	char *text = read_rel(rel);
	json_t *fm = NULL;
	struct fm_parts parts;
	struct diag *d = diag_new();
	if (text && fm_split(text, strlen(text), rel, &parts, d) == 0 && parts.has_fm)
		fm = fm_parse_yaml(text + parts.yaml_off, parts.yaml_len, rel, parts.yaml_line, d);
	if (diag_errors(d))
		diag_print(d, stdout);
	diag_free(d);
	free(text);
	return fm;
}

static int create(const char *path, const char *title)
{
	struct diag *d = diag_new();
	int rc = newpage_create(site, NULL, path, title, d);
	diag_free(d);
	return rc;
}

static void new_page_has_front_matter_that_parses(void)
{
	fresh_site();
	CHECK(create("guide/court-orders", "Court orders and costs") == 0);
	json_t *fm = front_matter("content/guide/court-orders.md");
	CHECK(fm != NULL);
	CHECK_STR(json_string_value(json_object_get(fm, "title")), "Court orders and costs");
	CHECK_STR(json_string_value(json_object_get(fm, "summary")), "");
	CHECK(json_is_array(json_object_get(fm, "tags")) && json_array_size(json_object_get(fm, "tags")) == 0);
	/* no key of one site's hooks (this repository's audience) */
	CHECK(json_object_get(fm, "audience") == NULL);
	json_decref(fm);
}

static void title_is_made_from_the_file_name_when_not_given(void)
{
	fresh_site();
	CHECK(create("disclosure/court-orders", NULL) == 0);
	json_t *fm = front_matter("content/disclosure/court-orders.md");
	CHECK_STR(json_string_value(json_object_get(fm, "title")), "Court orders");
	json_decref(fm);
	CHECK(create("notice_periods", NULL) == 0);
	fm = front_matter("content/notice_periods.md");
	CHECK_STR(json_string_value(json_object_get(fm, "title")), "Notice periods");
	json_decref(fm);
}

static void index_page_takes_its_folder_name(void)
{
	fresh_site();
	CHECK(create("speaking-up/index", NULL) == 0);
	json_t *fm = front_matter("content/speaking-up/index.md");
	CHECK_STR(json_string_value(json_object_get(fm, "title")), "Speaking up");
	json_decref(fm);
}

static void md_extension_is_optional(void)
{
	fresh_site();
	CHECK(create("a/b.md", "B") == 0);
	char *text = read_rel("content/a/b.md");
	CHECK(text != NULL);
	free(text);
	text = read_rel("content/a/b.md.md");
	CHECK(text == NULL);
	free(text);
}

/* "Leave.MD" names the article: the build reads only ".md" files. */
static void md_extension_in_any_case_names_the_file(void)
{
	fresh_site();
	CHECK(create("z.MD", NULL) == 0);
	CHECK(create("y.Md", NULL) == 0);
	char *z = read_rel("content/z.md"), *y = read_rel("content/y.md"), *zz = read_rel("content/z.MD.md");
	CHECK(z != NULL && y != NULL && zz == NULL);
	free(z);
	free(y);
	free(zz);
	json_t *fm = front_matter("content/z.md");
	CHECK_STR(json_string_value(json_object_get(fm, "title")), "Z");
	json_decref(fm);
}

static void made_titles_have_one_space_between_words(void)
{
	static const char *const cases[][2] = {
		{ "-dash", "Dash" }, { "a--b", "A b" }, { "_x_-_y_", "X y" }, { "leave--policy-", "Leave policy" },
		{ "---", "---" },
	};
	fresh_site();
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *path = xasprintf("d%zu/%s", i, cases[i][0]), *rel = xasprintf("content/%s.md", path);
		CHECK(create(path, NULL) == 0);
		json_t *fm = front_matter(rel);
		CHECK_STR(json_string_value(json_object_get(fm, "title")), cases[i][1]);
		json_decref(fm);
		free(path);
		free(rel);
	}
}

/* Where case is ignored the two would be one page, and the build would
 * stop at the clash: refused, naming the one that exists. */
static void a_name_that_differs_only_in_case_is_refused(void)
{
	fresh_site();
	CHECK(create("policy/remote-work", "RW") == 0);
	static const char *const paths[][2] = {
		{ "Policy/Remote-Work", "content/policy/ exists" },
		{ "Policy/other", "content/policy/ exists" },
		{ "policy/Remote-work", "content/policy/remote-work.md exists" },
		{ "POLICY/new", "differ only in letter case" },
	};
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		struct diag *d = diag_new();
		CHECK(newpage_create(site, NULL, paths[i][0], NULL, d) == 1);
		struct buf msg = BUF_INIT;
		diag_format(d, &msg);
		CHECK(strstr(buf_cstr(&msg), paths[i][1]) != NULL);
		buf_free(&msg);
		diag_free(d);
	}
	char *p = xasprintf("%s/content/Policy", site);
	CHECK(!fs_exists(p));
	free(p);
	/* the other way round, and outside ASCII */
	CHECK(create("Guide/\xc3\x9c" "ber", "U") == 0);
	CHECK(create("guide/x", "X") == 1);
	CHECK(create("Guide/\xc3\xbc" "ber", "u") == 1);
	CHECK(create("policy/remote-work-2", "RW2") == 0);
}

/* quire new run in content/policy: PATH is from there, but one starting
 * "content/" is from the site's folder. */
static void path_is_taken_from_the_folder_the_editor_is_in(void)
{
	fresh_site();
	struct diag *d = diag_new();
	CHECK(newpage_create(site, "policy", "remote-work", NULL, d) == 0);
	CHECK(newpage_create(site, "", "top", NULL, d) == 0);
	CHECK(newpage_create(site, "policy", "content/hr/leave", NULL, d) == 0);
	CHECK(newpage_create(site, "policy", "../escape", NULL, d) == 1);
	CHECK(newpage_create(site, "policy", "/tmp/escape", NULL, d) == 1);
	diag_free(d);
	char *a = read_rel("content/policy/remote-work.md"), *b = read_rel("content/top.md"),
	     *c = read_rel("content/hr/leave.md");
	CHECK(a && b && c);
	free(a);
	free(b);
	free(c);
}

/* As git finds its repository: the nearest folder up with site.yml or
 * content/, and where the working folder is under its content/. */
static void site_is_found_above_the_working_folder(void)
{
	fresh_site();
	char *old = getcwd(NULL, 0), *deep = xasprintf("%s/content/policy/rules", site);
	fs_mkdir_p(deep);
	char *found = NULL, *here = NULL;
	struct diag *d = diag_new();
	CHECK(chdir(deep) == 0);
	CHECK(site_locate(&found, &here, d) == 0);
	CHECK_STR(found, "../../..");
	CHECK_STR(here, "policy/rules");
	free(found);
	free(here);
	CHECK(chdir(site) == 0);
	CHECK(site_locate(&found, &here, d) == 0);
	CHECK_STR(found, ".");
	CHECK(here == NULL);
	free(found);
	free(here);
	char *content = xasprintf("%s/content", site);
	CHECK(chdir(content) == 0);
	CHECK(site_locate(&found, &here, d) == 0);
	CHECK_STR(found, "..");
	CHECK_STR(here, "");
	free(found);
	free(here);
	free(content);
	CHECK(diag_errors(d) == 0);
	diag_free(d);
	CHECK(chdir(old) == 0);
	free(old);
	free(deep);
}

static void leading_content_folder_is_accepted(void)
{
	fresh_site();
	CHECK(create("content/policy/new-rule.md", "R") == 0);
	char *text = read_rel("content/policy/new-rule.md");
	CHECK(text != NULL);
	free(text);
}

static void missing_folders_are_created(void)
{
	fresh_site();
	CHECK(create("one/two/three/page", "Deep") == 0);
	char *text = read_rel("content/one/two/three/page.md");
	CHECK(text != NULL);
	free(text);
}

/* A site of site.yml alone gets its content/ with its first article. */
static void content_folder_is_created_when_missing(void)
{
	fresh_site();
	char *content = xasprintf("%s/content", site), *yml = xasprintf("%s/site.yml", site);
	rmdir(content);
	CHECK(fs_write_file(yml, "title: T\n", 9) == 0);
	free(content);
	free(yml);
	CHECK(create("first", "First") == 0);
	char *text = read_rel("content/first.md");
	CHECK(text != NULL);
	free(text);
}

/* quire new run in content/SECTION/ or any folder that is no site. */
static void folder_that_is_no_site_is_refused(void)
{
	fresh_site();
	char *content = xasprintf("%s/content", site);
	rmdir(content);
	free(content);
	struct diag *d = diag_new();
	CHECK(newpage_create(site, NULL, "first", "First", d) == 2);
	CHECK(diag_errors(d) == 1);
	diag_free(d);
	char *text = read_rel("content/first.md");
	CHECK(text == NULL);
	free(text);
}

static void todays_date_is_in_a_comment(void)
{
	fresh_site();
	CHECK(create("dated", "Dated") == 0);
	char want[64];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(want, sizeof want, "\n# created %Y-%m-%d\n", &tm);
	char *text = read_rel("content/dated.md");
	CHECK(text && strstr(text, want));
	CHECK(text && strstr(text, "summary: \"\"  # TODO"));
	free(text);
}

static void body_has_a_placeholder_with_a_heading(void)
{
	fresh_site();
	CHECK(create("body", "Body") == 0);
	char *text = read_rel("content/body.md");
	const char *end = text ? strstr(text + 3, "\n---\n") : NULL;
	CHECK(end != NULL);
	CHECK(end && strstr(end, "\n## "));
	free(text);
}

static void existing_file_is_never_overwritten(void)
{
	fresh_site();
	char *path = xasprintf("%s/content/mine.md", site);
	fs_write_file(path, "my words\n", 9);
	struct diag *d = diag_new();
	CHECK(newpage_create(site, NULL, "mine", "Mine", d) == 1);
	struct buf msg = BUF_INIT;
	diag_format(d, &msg);
	CHECK(strstr(buf_cstr(&msg), "content/mine.md") != NULL);
	CHECK(strstr(buf_cstr(&msg), "already exists") != NULL);
	buf_free(&msg);
	diag_free(d);
	char *text = read_rel("content/mine.md");
	CHECK_STR(text, "my words\n");
	free(text);
	free(path);
}

static void second_create_of_the_same_page_is_refused(void)
{
	fresh_site();
	CHECK(create("twice", "First title") == 0);
	CHECK(create("twice.md", "Second title") == 1);
	json_t *fm = front_matter("content/twice.md");
	CHECK_STR(json_string_value(json_object_get(fm, "title")), "First title");
	json_decref(fm);
}

static void paths_leaving_content_are_refused(void)
{
	fresh_site();
	CHECK(create("../escape", "X") == 1);
	CHECK(create("a/../../escape", "X") == 1);
	CHECK(create("/tmp/escape", "X") == 1);
	CHECK(create("a\\..\\escape", "X") == 1);
	CHECK(create("./here", "X") == 1);
	CHECK(create("a//b", "X") == 1);
	CHECK(create("a/", "X") == 1);
	CHECK(create("", "X") == 1);
	CHECK(create(".hidden", "X") == 1);
	CHECK(create("a/.md", "X") == 1);
	CHECK(create("a\nb", "X") == 1);
	char *text = read_rel("escape.md");
	CHECK(text == NULL);
	free(text);
	char *parent = xasprintf("%s/../escape.md", site);
	CHECK(!fs_exists(parent));
	free(parent);
}

static void awkward_titles_read_back_exactly(void)
{
	static const char *const titles[] = {
		"Costs: who pays \"what\"",
		"C:\\path\\ and # not a comment",
		"- [x] {y} & *z* | >w ! %t @u `v`",
		"yes",
		"3.14",
		"null",
		"Line one\nline two\ttabbed",
		"Caf\xc3\xa9 \xe2\x80\xa8 separator \xc2\x85 NEL \xef\xbb\xbf BOM",
		"  leading and trailing spaces  ",
		"'single' quotes",
	};
	fresh_site();
	for (size_t i = 0; i < sizeof titles / sizeof *titles; i++) {
		char *path = xasprintf("t%zu", i), *rel = xasprintf("content/t%zu.md", i);
		CHECK(create(path, titles[i]) == 0);
		json_t *fm = front_matter(rel);
		json_t *t = json_object_get(fm, "title");
		CHECK(json_is_string(t));
		CHECK_STR(json_string_value(t), titles[i]);
		json_decref(fm);
		free(path);
		free(rel);
	}
}

static void empty_or_invalid_titles_are_refused(void)
{
	fresh_site();
	CHECK(create("a", "") == 1);
	CHECK(create("b", "   ") == 1);
	CHECK(create("c", "bad \xff utf8") == 1);
	char *text = read_rel("content/a.md");
	CHECK(text == NULL);
	free(text);
}

static void missing_site_folder_is_an_environment_fault(void)
{
	struct diag *d = diag_new();
	CHECK(newpage_create("/nonexistent/quire-site", NULL, "a", "A", d) == 2);
	CHECK(diag_errors(d) == 1);
	diag_free(d);
}

int main(void)
{
	RUN(new_page_has_front_matter_that_parses);
	RUN(title_is_made_from_the_file_name_when_not_given);
	RUN(index_page_takes_its_folder_name);
	RUN(md_extension_is_optional);
	RUN(md_extension_in_any_case_names_the_file);
	RUN(made_titles_have_one_space_between_words);
	RUN(a_name_that_differs_only_in_case_is_refused);
	RUN(path_is_taken_from_the_folder_the_editor_is_in);
	RUN(site_is_found_above_the_working_folder);
	RUN(leading_content_folder_is_accepted);
	RUN(missing_folders_are_created);
	RUN(content_folder_is_created_when_missing);
	RUN(folder_that_is_no_site_is_refused);
	RUN(todays_date_is_in_a_comment);
	RUN(body_has_a_placeholder_with_a_heading);
	RUN(existing_file_is_never_overwritten);
	RUN(second_create_of_the_same_page_is_refused);
	RUN(paths_leaving_content_are_refused);
	RUN(awkward_titles_read_back_exactly);
	RUN(empty_or_invalid_titles_are_refused);
	RUN(missing_site_folder_is_an_environment_fault);
	if (site) {
		fs_rm_rf(site);
		free(site);
	}
	UNIT_END();
}
