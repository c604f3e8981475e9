/* Tests for generator/history.c: each case builds a throwaway git
 * repository with the git CLI (fixed authors and dates) and checks what
 * hist_load reads from it. */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "history.h"
#include "unit.h"

/* git without the user's or the system's configuration */
#define GIT                                                                      \
	"GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 git -c init.defaultBranch=main " \
	"-c user.name=Nobody -c user.email=nobody@example.org "

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	struct buf cmd = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&cmd, fmt, ap);
	va_end(ap);
	buf_puts(&cmd, " >/dev/null 2>&1");
	int rc = system(cmd.ptr);
	if (rc != 0)
		printf("    command failed (%d): %s\n", rc, cmd.ptr);
	buf_free(&cmd);
	return rc;
}

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/quire-hist-XXXXXX";
	char *d = mkdtemp(tmpl);
	return d ? xstrdup(d) : NULL;
}

static char *repo_new(void)
{
	char *d = tmpdir();
	if (d)
		sh("cd '%s' && " GIT "init -q", d);
	return d;
}

static void rm_rf(char *dir)
{
	if (dir)
		sh("rm -rf '%s'", dir);
	free(dir);
}

/* Writes dir/rel (creating folders), replacing what was there. */
static void put(const char *dir, const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", dir, rel);
	sh("mkdir -p \"$(dirname '%s')\"", path);
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	free(path);
}

/* Stages everything and commits as who <email> at date (author and
 * committer alike); msg may hold a body after a blank line. */
static void commit(const char *dir, const char *who, const char *email, const char *date,
		   const char *msg)
{
	char *file = xasprintf("%s/.git/quire-msg", dir);
	FILE *f = fopen(file, "w");
	if (f) {
		fputs(msg, f);
		fclose(f);
	}
	sh("cd '%s' && " GIT "add -A && GIT_AUTHOR_NAME='%s' GIT_AUTHOR_EMAIL='%s' "
	   "GIT_AUTHOR_DATE='%s' GIT_COMMITTER_NAME='%s' GIT_COMMITTER_EMAIL='%s' "
	   "GIT_COMMITTER_DATE='%s' " GIT "commit -q --allow-empty -F '%s'",
	   dir, who, email, date, who, email, date, file);
	free(file);
}

/* The output of a git command in dir, trimmed; caller frees. */
static char *git_out(const char *dir, const char *args)
{
	char *cmd = xasprintf("cd '%s' && " GIT "%s 2>/dev/null", dir, args);
	FILE *p = popen(cmd, "r");
	struct buf b = BUF_INIT;
	char chunk[256];
	size_t n;
	while (p && (n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_put(&b, chunk, n);
	if (p)
		pclose(p);
	free(cmd);
	while (b.len && (b.ptr[b.len - 1] == '\n' || b.ptr[b.len - 1] == ' '))
		buf_truncate(&b, b.len - 1);
	return buf_detach(&b);
}

static const char *LONG_TEXT =
	"---\ntitle: Social media\n---\n\n# Social media\n\n"
	"Staff may use personal accounts outside working hours.\n"
	"They must not share confidential information.\n"
	"Posts about colleagues need their consent.\n"
	"Report harassment to your line manager.\n"
	"Keep work devices for work.\n"
	"Ask the press office before speaking for us.\n";

static void revisions_are_counted_per_file_with_authors_dates_and_messages(void)
{
	char *r = repo_new();
	struct diag *d = diag_new();
	put(r, "site.yml", "title: T\n");
	put(r, "content/a.md", "---\ntitle: A\n---\nfirst\n");
	commit(r, "Alice Author", "alice@example.org", "2026-03-03 10:00:00 +0000", "Add A\n");
	put(r, "content/b.md", "---\ntitle: B\n---\nbee\n");
	put(r, "content/img.png", "not an article");
	put(r, "README.md", "outside content\n");
	commit(r, "Bob Builder", "bob@example.org", "2026-03-10 09:30:00 +0100", "Add B\n");
	put(r, "content/a.md", "---\ntitle: A\n---\nsecond\n");
	commit(r, "Cara Counsel", "cara@example.org", "2026-04-20 16:45:00 +0200",
	       "Clarify A\n\nThe first wording was ambiguous.\nSee ticket 12.\n");

	struct history *h = hist_load(r, d);
	CHECK(diag_errors(d) == 0);
	char *head = git_out(r, "rev-parse HEAD");
	CHECK_STR(hist_head(h), head);
	const struct hist_file *a = hist_lookup(h, "content/a.md");
	const struct hist_file *b = hist_lookup(h, "content/b.md");
	CHECK(a && a->n == 2 && !a->truncated);
	CHECK(b && b->n == 1);
	CHECK(!hist_lookup(h, "content/img.png"));
	CHECK(!hist_lookup(h, "README.md"));
	if (a && a->n == 2) {
		const struct hist_rev *v = &a->revs[0];
		CHECK_STR(v->id, head);
		CHECK_STR(v->author, "Cara Counsel");
		CHECK_STR(v->email, "cara@example.org");
		CHECK(v->time == 1776696300LL); /* 2026-04-20 14:45:00 UTC */
		CHECK(v->tz_minutes == 120);
		CHECK_STR(v->subject, "Clarify A");
		CHECK_STR(v->body, "The first wording was ambiguous.\nSee ticket 12.");
		CHECK_STR(v->path, "content/a.md");
		CHECK(v->change == HIST_MODIFIED && v->old_path == NULL);
		char *blob = git_out(r, "rev-parse HEAD:content/a.md");
		CHECK_STR(v->blob, blob);
		free(blob);
		CHECK_STR(a->revs[1].author, "Alice Author");
		CHECK(a->revs[1].change == HIST_ADDED);
		CHECK_STR(a->revs[1].body, "");
		CHECK(a->revs[1].time == 1772532000LL);
		size_t len = 0;
		char *old = hist_read_blob(h, a->revs[1].blob, &len);
		CHECK_STR(old, "---\ntitle: A\n---\nfirst\n");
		CHECK(len == strlen("---\ntitle: A\n---\nfirst\n"));
		free(old);
	}
	if (b && b->n == 1)
		CHECK(b->revs[0].tz_minutes == 60 && b->revs[0].time == 1773131400LL);
	CHECK(hist_read_blob(h, "0123456789012345678901234567890123456789", NULL) == NULL);
	CHECK(hist_read_blob(h, "nonsense", NULL) == NULL);
	CHECK(hist_state(h, "content/a.md") == HIST_CLEAN);
	free(head);
	hist_free(h);
	diag_free(d);
	rm_rf(r);
}

static void renamed_article_keeps_its_full_history_and_is_reported_as_moved(void)
{
	char *r = repo_new();
	struct diag *d = diag_new();
	put(r, "content/social.md", LONG_TEXT);
	put(r, "content/old/x.md", "---\ntitle: X\n---\nunchanged body of x\n");
	commit(r, "Alice", "alice@example.org", "2026-01-01 10:00:00 +0000", "Add\n");
	put(r, "content/social.md", "---\ntitle: Social media\n---\n\n# Social media\n\n"
				    "Staff may use personal accounts outside working hours.\n"
				    "They must not share confidential information.\n"
				    "Posts about colleagues need their consent.\n"
				    "Report harassment to your line manager.\n"
				    "Keep work devices for work.\n"
				    "Ask the press office before speaking for us.\n"
				    "Add a line.\n");
	commit(r, "Bob", "bob@example.org", "2026-01-02 10:00:00 +0000", "Edit\n");
	/* move and edit in one commit, plus a move without edits */
	sh("cd '%s' && mkdir -p content/policy content/new && " GIT "mv content/social.md "
	   "content/policy/social-media.md && " GIT "mv content/old/x.md content/new/x.md", r);
	put(r, "content/policy/social-media.md",
	    "---\ntitle: Social media policy\n---\n\n# Social media\n\n"
	    "Staff may use personal accounts outside working hours.\n"
	    "They must not share confidential information.\n"
	    "Posts about colleagues need their consent.\n"
	    "Report harassment to your line manager.\n"
	    "Keep work devices for work.\n"
	    "Ask the press office before speaking for us.\n"
	    "Add a line.\n");
	put(r, "content/unrelated.md", "---\ntitle: Something else entirely\n---\nNo.\n");
	commit(r, "Cara", "cara@example.org", "2026-01-03 10:00:00 +0000", "Move into policy\n");

	struct history *h = hist_load(r, d);
	CHECK(diag_errors(d) == 0);
	const struct hist_file *f = hist_lookup(h, "content/policy/social-media.md");
	CHECK(f && f->n == 3);
	if (f && f->n == 3) {
		CHECK(f->revs[0].change == HIST_RENAMED);
		CHECK_STR(f->revs[0].path, "content/policy/social-media.md");
		CHECK_STR(f->revs[0].old_path, "content/social.md");
		CHECK_STR(f->revs[0].author, "Cara");
		CHECK(f->revs[1].change == HIST_MODIFIED);
		CHECK_STR(f->revs[1].path, "content/social.md");
		CHECK_STR(f->revs[1].author, "Bob");
		CHECK(f->revs[2].change == HIST_ADDED);
		CHECK_STR(f->revs[2].author, "Alice");
	}
	const struct hist_file *x = hist_lookup(h, "content/new/x.md");
	CHECK(x && x->n == 2 && x->revs[0].change == HIST_RENAMED);
	const struct hist_file *u = hist_lookup(h, "content/unrelated.md");
	CHECK(u && u->n == 1 && u->revs[0].change == HIST_ADDED);
	CHECK(!hist_lookup(h, "content/social.md"));
	const char *const *from, *const *to;
	size_t n = hist_moves(h, &from, &to);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(from[0], "content/old/x.md");
		CHECK_STR(to[0], "content/new/x.md");
		CHECK_STR(from[1], "content/social.md");
		CHECK_STR(to[1], "content/policy/social-media.md");
	}
	hist_free(h);
	diag_free(d);
	rm_rf(r);
}

static void moved_path_that_is_an_article_again_gets_no_redirect(void)
{
	char *r = repo_new();
	struct diag *d = diag_new();
	put(r, "content/a.md", LONG_TEXT);
	commit(r, "Alice", "alice@example.org", "2026-01-01 10:00:00 +0000", "Add\n");
	sh("cd '%s' && " GIT "mv content/a.md content/b.md", r);
	commit(r, "Bob", "bob@example.org", "2026-01-02 10:00:00 +0000", "Move\n");
	put(r, "content/a.md", "---\ntitle: A new article\n---\nfresh\n");
	commit(r, "Cara", "cara@example.org", "2026-01-03 10:00:00 +0000", "New A\n");

	struct history *h = hist_load(r, d);
	const struct hist_file *a = hist_lookup(h, "content/a.md");
	const struct hist_file *b = hist_lookup(h, "content/b.md");
	CHECK(a && a->n == 1 && a->revs[0].change == HIST_ADDED);
	CHECK(b && b->n == 2 && b->revs[1].change == HIST_ADDED);
	const char *const *from, *const *to;
	CHECK(hist_moves(h, &from, &to) == 0);
	hist_free(h);
	diag_free(d);
	rm_rf(r);
}

static void deleted_and_readded_article_keeps_one_history(void)
{
	char *r = repo_new();
	struct diag *d = diag_new();
	put(r, "content/a.md", "one\n");
	put(r, "content/keep.md", "keep\n");
	commit(r, "Alice", "alice@example.org", "2026-01-01 10:00:00 +0000", "Add\n");
	sh("rm '%s/content/a.md'", r);
	commit(r, "Bob", "bob@example.org", "2026-01-02 10:00:00 +0000", "Withdraw A\n");
	put(r, "content/a.md", "two\n");
	commit(r, "Cara", "cara@example.org", "2026-01-03 10:00:00 +0000", "Reinstate A\n");

	struct history *h = hist_load(r, d);
	const struct hist_file *a = hist_lookup(h, "content/a.md");
	CHECK(a && a->n == 3);
	if (a && a->n == 3) {
		CHECK(a->revs[0].change == HIST_ADDED);
		CHECK(a->revs[1].change == HIST_DELETED);
		CHECK_STR(a->revs[1].blob, "");
		CHECK_STR(a->revs[1].subject, "Withdraw A");
		CHECK(a->revs[2].change == HIST_ADDED);
		char *past = hist_read_blob(h, a->revs[2].blob, NULL);
		CHECK_STR(past, "one\n");
		free(past);
	}
	const char *const *from, *const *to;
	CHECK(hist_moves(h, &from, &to) == 0);
	hist_free(h);
	diag_free(d);
	rm_rf(r);
}

/* Merges: the branch's commits carry the credit; a merge is a revision
 * only when the file differs from every parent. */
static void merged_branch_commits_carry_the_credit_not_the_merge(void)
{
	char *r = repo_new();
	struct diag *d = diag_new();
	put(r, "content/a.md", "a1\n");
	put(r, "content/b.md", "b1\n");
	commit(r, "Alice", "alice@example.org", "2026-01-01 10:00:00 +0000", "Start\n");
	sh("cd '%s' && " GIT "checkout -q -b feature", r);
	put(r, "content/a.md", "a2\n");
	commit(r, "Bob", "bob@example.org", "2026-01-02 10:00:00 +0000", "Edit A on a branch\n");
	sh("cd '%s' && " GIT "checkout -q main", r);
	put(r, "content/b.md", "b2\n");
	commit(r, "Cara", "cara@example.org", "2026-01-03 10:00:00 +0000", "Edit B\n");
	sh("cd '%s' && GIT_AUTHOR_NAME=Dan GIT_AUTHOR_EMAIL=dan@example.org "
	   "GIT_AUTHOR_DATE='2026-01-04 10:00:00 +0000' GIT_COMMITTER_NAME=Dan "
	   "GIT_COMMITTER_EMAIL=dan@example.org GIT_COMMITTER_DATE='2026-01-04 10:00:00 +0000' "
	   GIT "merge -q --no-ff -m 'Merge feature' feature", r);
	char *second = git_out(r, "rev-parse HEAD^2");
	CHECK(strlen(second) == 40); /* HEAD really is a merge */
	free(second);

	struct history *h = hist_load(r, d);
	CHECK(diag_errors(d) == 0);
	const struct hist_file *a = hist_lookup(h, "content/a.md");
	const struct hist_file *b = hist_lookup(h, "content/b.md");
	CHECK(a && a->n == 2);
	if (a && a->n == 2) {
		CHECK_STR(a->revs[0].author, "Bob");
		CHECK_STR(a->revs[1].author, "Alice");
	}
	CHECK(b && b->n == 2);
	if (b && b->n == 2)
		CHECK_STR(b->revs[0].author, "Cara");
	hist_free(h);
	diag_free(d);
	rm_rf(r);
}

static void merge_that_resolves_a_conflict_is_a_revision(void)
{
	char *r = repo_new();
	struct diag *d = diag_new();
	put(r, "content/a.md", "original\n");
	commit(r, "Alice", "alice@example.org", "2026-01-01 10:00:00 +0000", "Start\n");
	sh("cd '%s' && " GIT "checkout -q -b feature", r);
	put(r, "content/a.md", "branch wording\n");
	commit(r, "Bob", "bob@example.org", "2026-01-02 10:00:00 +0000", "Branch\n");
	sh("cd '%s' && " GIT "checkout -q main", r);
	put(r, "content/a.md", "main wording\n");
	commit(r, "Cara", "cara@example.org", "2026-01-03 10:00:00 +0000", "Main\n");
	sh("cd '%s' && (" GIT "merge -q feature || true)", r);
	put(r, "content/a.md", "agreed wording\n");
	commit(r, "Dan", "dan@example.org", "2026-01-04 10:00:00 +0000", "Merge feature\n");
	char *second = git_out(r, "rev-parse HEAD^2");
	CHECK(strlen(second) == 40); /* HEAD really is a merge */
	free(second);

	struct history *h = hist_load(r, d);
	const struct hist_file *a = hist_lookup(h, "content/a.md");
	CHECK(a && a->n == 4);
	if (a && a->n == 4) {
		CHECK_STR(a->revs[0].author, "Dan");
		CHECK_STR(a->revs[0].subject, "Merge feature");
		CHECK_STR(a->revs[3].author, "Alice");
	}
	hist_free(h);
	diag_free(d);
	rm_rf(r);
}

static void mailmap_gives_the_canonical_author(void)
{
	char *r = repo_new();
	struct diag *d = diag_new();
	put(r, ".mailmap", "Alice Real <alice@real.org> <alice@old.org>\n");
	put(r, "content/a.md", "a\n");
	commit(r, "al", "alice@old.org", "2026-01-01 10:00:00 +0000", "Add\n");

	struct history *h = hist_load(r, d);
	const struct hist_file *a = hist_lookup(h, "content/a.md");
	CHECK(a && a->n == 1);
	if (a && a->n == 1) {
		CHECK_STR(a->revs[0].author, "Alice Real");
		CHECK_STR(a->revs[0].email, "alice@real.org");
	}
	hist_free(h);
	diag_free(d);
	rm_rf(r);
}

static void site_in_a_subfolder_of_the_repository_reads_its_own_content(void)
{
	char *r = repo_new();
	struct diag *d = diag_new();
	/* the site is "docs [v2]/" (a name that is also a glob); "docs2/" and
	 * the root's content/ belong to others */
	put(r, "content/root.md", "not the site's\n");
	put(r, "docs [v2]/site.yml", "title: T\n");
	put(r, "docs [v2]/content/a.md", "a1\n");
	put(r, "docs [v2]/content/s.md", "s1\n");
	put(r, "docs2/content/a.md", "a sibling site\n");
	put(r, "docs2/content/b.md", "b\n");
	commit(r, "Alice", "alice@example.org", "2026-01-01 10:00:00 +0000", "Add\n");
	put(r, "docs [v2]/content/a.md", "a2\n");
	put(r, "content/root.md", "still not the site's\n");
	put(r, "docs2/content/a.md", "sibling edit\n");
	commit(r, "Bob", "bob@example.org", "2026-01-02 10:00:00 +0000", "Edit\n");
	put(r, "docs [v2]/content/s.md", "s2 uncommitted\n");
	put(r, "docs [v2]/content/new.md", "new\n");
	put(r, "docs2/content/a.md", "sibling uncommitted\n");

	char *site = xasprintf("%s/docs [v2]", r);
	struct history *h = hist_load(site, d);
	CHECK(diag_errors(d) == 0);
	const struct hist_file *a = hist_lookup(h, "content/a.md");
	CHECK(a && a->n == 2);
	if (a && a->n == 2)
		CHECK_STR(a->revs[0].path, "content/a.md");
	CHECK(!hist_lookup(h, "content/root.md"));
	CHECK(!hist_lookup(h, "content/b.md"));
	CHECK(hist_state(h, "content/a.md") == HIST_CLEAN);
	CHECK(hist_state(h, "content/s.md") == HIST_UNCOMMITTED);
	CHECK(hist_state(h, "content/new.md") == HIST_UNTRACKED);
	CHECK(hist_state(h, "content/b.md") == HIST_UNTRACKED);
	hist_free(h);
	free(site);
	diag_free(d);
	rm_rf(r);
}

static void shallow_clone_is_marked_truncated_without_error(void)
{
	char *r = repo_new(), *c = tmpdir();
	struct diag *d = diag_new();
	put(r, "content/a.md", "a1\n");
	put(r, "content/b.md", "b1\n");
	commit(r, "Alice", "alice@example.org", "2026-01-01 10:00:00 +0000", "One\n");
	put(r, "content/a.md", "a2\n");
	commit(r, "Bob", "bob@example.org", "2026-01-02 10:00:00 +0000", "Two\n");
	put(r, "content/a.md", "a3\n");
	put(r, "content/c.md", "c1\n");
	commit(r, "Cara", "cara@example.org", "2026-01-03 10:00:00 +0000", "Three\n");
	sh(GIT "clone -q --depth 2 'file://%s' '%s/clone'", r, c);

	char *clone = xasprintf("%s/clone", c);
	struct history *h = hist_load(clone, d);
	CHECK(diag_errors(d) == 0 && diag_warnings(d) == 0);
	CHECK(hist_is_shallow(h));
	const struct hist_file *a = hist_lookup(h, "content/a.md");
	const struct hist_file *b = hist_lookup(h, "content/b.md");
	const struct hist_file *cf = hist_lookup(h, "content/c.md");
	CHECK(a && a->n == 2 && a->truncated);
	if (a && a->n == 2) {
		CHECK_STR(a->revs[0].author, "Cara");
		CHECK_STR(a->revs[1].author, "Bob");
	}
	CHECK(b && b->n == 1 && b->truncated);
	CHECK(cf && cf->n == 1 && !cf->truncated);
	hist_free(h);

	/* depth 1: one revision each, still no error */
	sh("rm -rf '%s' && " GIT "clone -q --depth 1 'file://%s' '%s'", clone, r, clone);
	h = hist_load(clone, d);
	CHECK(diag_errors(d) == 0);
	a = hist_lookup(h, "content/a.md");
	CHECK(a && a->n == 1 && a->truncated);
	CHECK(hist_state(h, "content/a.md") == HIST_CLEAN);
	hist_free(h);

	/* without .git/shallow the missing parent itself ends the walk */
	sh("rm '%s/.git/shallow'", clone);
	h = hist_load(clone, d);
	CHECK(diag_errors(d) == 0);
	a = hist_lookup(h, "content/a.md");
	CHECK(a && a->n == 1 && a->truncated);
	hist_free(h);
	free(clone);
	diag_free(d);
	rm_rf(r);
	rm_rf(c);
}

static void site_outside_any_repository_has_empty_history_and_no_diagnostic(void)
{
	char *s = tmpdir();
	struct diag *d = diag_new();
	put(s, "content/a.md", "a\n");
	struct history *h = hist_load(s, d);
	CHECK(h != NULL);
	CHECK(diag_errors(d) == 0 && diag_warnings(d) == 0);
	CHECK(!hist_lookup(h, "content/a.md"));
	CHECK(hist_state(h, "content/a.md") == HIST_NOT_IN_REPO);
	CHECK_STR(hist_head(h), "");
	CHECK(!hist_is_shallow(h));
	size_t n = 1;
	hist_files(h, &n);
	CHECK(n == 0);
	const char *const *from, *const *to;
	CHECK(hist_moves(h, &from, &to) == 0);
	CHECK(hist_read_blob(h, "0123456789012345678901234567890123456789", NULL) == NULL);
	hist_free(h);
	h = hist_empty();
	CHECK(hist_state(h, "content/a.md") == HIST_NOT_IN_REPO);
	hist_free(h);
	diag_free(d);
	rm_rf(s);
}

static void uncommitted_edit_and_untracked_article_are_told_apart(void)
{
	char *r = repo_new();
	struct diag *d = diag_new();
	put(r, "content/a.md", "a\n");
	put(r, "content/b.md", "b\n");
	put(r, "content/s/c.md", "c\n");
	commit(r, "Alice", "alice@example.org", "2026-01-01 10:00:00 +0000", "Add\n");
	put(r, "content/a.md", "a edited\n");
	put(r, "content/new.md", "new\n");
	put(r, "content/s/staged.md", "staged\n");
	sh("cd '%s' && " GIT "add content/s/staged.md && " GIT "rm -q content/s/c.md", r);

	struct history *h = hist_load(r, d);
	CHECK(diag_errors(d) == 0);
	CHECK(hist_state(h, "content/a.md") == HIST_UNCOMMITTED);
	CHECK(hist_state(h, "content/b.md") == HIST_CLEAN);
	CHECK(hist_state(h, "content/new.md") == HIST_UNTRACKED);
	CHECK(hist_state(h, "content/s/staged.md") == HIST_UNTRACKED);
	CHECK(hist_state(h, "content/s/c.md") == HIST_UNCOMMITTED);
	CHECK(!hist_lookup(h, "content/new.md"));
	/* after the edit is undone, a refresh sees a clean article */
	sh("cd '%s' && " GIT "checkout -q -- content/a.md", r);
	CHECK(hist_refresh_state(h, d) == 0);
	CHECK(hist_state(h, "content/a.md") == HIST_CLEAN);
	hist_free(h);
	diag_free(d);
	rm_rf(r);
}

static void repository_without_commits_has_empty_history(void)
{
	char *r = repo_new();
	struct diag *d = diag_new();
	put(r, "content/a.md", "a\n");
	struct history *h = hist_load(r, d);
	CHECK(diag_errors(d) == 0 && diag_warnings(d) == 0);
	CHECK(!hist_lookup(h, "content/a.md"));
	CHECK_STR(hist_head(h), "");
	CHECK(hist_state(h, "content/a.md") == HIST_UNTRACKED);
	hist_free(h);
	diag_free(d);
	rm_rf(r);
}

static void detached_head_reads_history_up_to_that_commit(void)
{
	char *r = repo_new();
	struct diag *d = diag_new();
	put(r, "content/a.md", "a1\n");
	commit(r, "Alice", "alice@example.org", "2026-01-01 10:00:00 +0000", "One\n");
	put(r, "content/a.md", "a2\n");
	commit(r, "Bob", "bob@example.org", "2026-01-02 10:00:00 +0000", "Two\n");
	put(r, "content/a.md", "a3\n");
	commit(r, "Cara", "cara@example.org", "2026-01-03 10:00:00 +0000", "Three\n");
	sh("cd '%s' && " GIT "checkout -q --detach HEAD~1", r);

	struct history *h = hist_load(r, d);
	CHECK(diag_errors(d) == 0);
	char *head = git_out(r, "rev-parse HEAD");
	CHECK_STR(hist_head(h), head);
	const struct hist_file *a = hist_lookup(h, "content/a.md");
	CHECK(a && a->n == 2);
	if (a && a->n == 2)
		CHECK_STR(a->revs[0].author, "Bob");
	free(head);
	hist_free(h);
	diag_free(d);
	rm_rf(r);
}

struct reader_job {
	struct history *h;
	const struct hist_file *f;
	int wrong;
};

static void *read_every_revision(void *arg)
{
	struct reader_job *job = arg;
	for (int round = 0; round < 20; round++)
		for (size_t k = 0; k < job->f->n; k++) {
			char *want = xasprintf("version %zu\n", job->f->n - 1 - k);
			char *got = hist_read_blob(job->h, job->f->revs[k].blob, NULL);
			job->wrong += !got || strcmp(got, want) != 0;
			free(got);
			free(want);
		}
	return NULL;
}

static void past_versions_read_correctly_from_several_threads_at_once(void)
{
	char *r = repo_new();
	struct diag *d = diag_new();
	for (int v = 0; v < 6; v++) {
		char *text = xasprintf("version %d\n", v);
		char *date = xasprintf("2026-01-0%d 10:00:00 +0000", v + 1);
		put(r, "content/a.md", text);
		commit(r, "Alice", "alice@example.org", date, "Edit\n");
		free(text);
		free(date);
	}
	struct history *h = hist_load(r, d);
	const struct hist_file *f = hist_lookup(h, "content/a.md");
	CHECK(f && f->n == 6);
	if (f) {
		pthread_t t[6];
		struct reader_job jobs[6];
		for (int i = 0; i < 6; i++) {
			jobs[i] = (struct reader_job){ h, f, 0 };
			pthread_create(&t[i], NULL, read_every_revision, &jobs[i]);
		}
		for (int i = 0; i < 6; i++) {
			pthread_join(t[i], NULL);
			CHECK(jobs[i].wrong == 0);
		}
	}
	hist_free(h);
	diag_free(d);
	rm_rf(r);
}

/* Only checkable as root: the repository is handed to another user. */
static void repository_owned_by_another_user_names_safe_directory(void)
{
	if (geteuid() != 0) {
		printf("    (skipped: needs root to give a repository away)\n");
		return;
	}
	char *r = repo_new();
	struct diag *d = diag_new();
	put(r, "content/a.md", "a\n");
	commit(r, "Alice", "alice@example.org", "2026-01-01 10:00:00 +0000", "Add\n");
	sh("chown -R 65534:65534 '%s'", r);
	struct history *h = hist_load(r, d);
	struct buf msg = BUF_INIT;
	diag_format(d, &msg);
	CHECK(diag_errors(d) == 1);
	CHECK(strstr(buf_cstr(&msg), "git config --global --add safe.directory") != NULL);
	CHECK(!hist_lookup(h, "content/a.md"));
	buf_free(&msg);
	hist_free(h);
	diag_free(d);
	rm_rf(r);
}

int main(void)
{
	RUN(revisions_are_counted_per_file_with_authors_dates_and_messages);
	RUN(renamed_article_keeps_its_full_history_and_is_reported_as_moved);
	RUN(moved_path_that_is_an_article_again_gets_no_redirect);
	RUN(deleted_and_readded_article_keeps_one_history);
	RUN(merged_branch_commits_carry_the_credit_not_the_merge);
	RUN(merge_that_resolves_a_conflict_is_a_revision);
	RUN(mailmap_gives_the_canonical_author);
	RUN(site_in_a_subfolder_of_the_repository_reads_its_own_content);
	RUN(shallow_clone_is_marked_truncated_without_error);
	RUN(site_outside_any_repository_has_empty_history_and_no_diagnostic);
	RUN(uncommitted_edit_and_untracked_article_are_told_apart);
	RUN(repository_without_commits_has_empty_history);
	RUN(detached_head_reads_history_up_to_that_commit);
	RUN(past_versions_read_correctly_from_several_threads_at_once);
	RUN(repository_owned_by_another_user_names_safe_directory);
	UNIT_END();
}
