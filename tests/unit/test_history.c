/* Tests for generator/history.c: each case builds a throwaway git
 * repository with the git CLI (fixed authors and dates) and checks what
 * hist_load reads from it. */
#include <glob.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

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
	/* a file articles may link has its history too (no article's) */
	const struct hist_file *img = hist_lookup(h, "content/img.png");
	CHECK(img && img->n == 1 && !strcmp(img->revs[0].author, "Bob Builder"));
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

/* The move is still listed (the new source may be a draft, which leaves
 * the old address to the redirect); render leaves out a redirect where
 * it makes a page (t30 checks that). */
static void moved_path_that_is_a_source_again_is_still_listed(void)
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
	CHECK(hist_moves(h, &from, &to) == 1);
	CHECK_STR(from[0], "content/a.md");
	CHECK_STR(to[0], "content/b.md");
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

/* A repository where a branch (Bob, "Branch") and then the main line
 * (Cara, "Main") each edited content/a.md, and Dan merged the branch
 * ("Merge feature"): as git merges it when merged is NULL, else as
 * merged (a conflict settled, or an edit made in the merge).  Caller
 * removes it (rm_rf). */
static char *merged_repo(const char *branch, const char *main_text, const char *merged)
{
	char *r = repo_new();
	put(r, "content/a.md", "---\ntitle: A\n---\n\nOne.\n\nTwo.\n\nThree.\n");
	commit(r, "Alice", "alice@example.org", "2026-01-01 10:00:00 +0000", "Start\n");
	sh("cd '%s' && " GIT "checkout -q -b feature", r);
	put(r, "content/a.md", branch);
	commit(r, "Bob", "bob@example.org", "2026-01-02 10:00:00 +0000", "Branch\n");
	sh("cd '%s' && " GIT "checkout -q main", r);
	put(r, "content/a.md", main_text);
	commit(r, "Cara", "cara@example.org", "2026-01-03 10:00:00 +0000", "Main\n");
	sh("cd '%s' && (" GIT "merge -q --no-ff --no-commit feature || true)", r);
	if (merged)
		put(r, "content/a.md", merged);
	commit(r, "Dan", "dan@example.org", "2026-01-04 10:00:00 +0000", "Merge feature\n");
	char *second = git_out(r, "rev-parse HEAD^2");
	CHECK(strlen(second) == 40); /* HEAD really is a merge */
	free(second);
	return r;
}

/* The revision of f whose subject is subject, or NULL. */
static const struct hist_rev *rev_titled(const struct hist_file *f, const char *subject)
{
	for (size_t k = 0; f && k < f->n; k++)
		if (!strcmp(f->revs[k].subject, subject))
			return &f->revs[k];
	return NULL;
}

/* Checks what the merge in r did with Bob's change to a.md (fate), and
 * what Dan's merge's own revision is (combined; 0 too when it has none:
 * a merge that kept one side's text is listed only above a newer edit of
 * the other side). */
static void check_merge(const char *r, int fate, int combined)
{
	struct diag *d = diag_new();
	struct history *h = hist_load(r, d);
	CHECK(diag_errors(d) == 0);
	const struct hist_file *a = hist_lookup(h, "content/a.md");
	const struct hist_rev *bob = rev_titled(a, "Branch"), *dan = rev_titled(a, "Merge feature");
	CHECK(bob && bob->merged[0]);
	if (bob && bob->merge_dropped != fate)
		printf("    the branch's edit: fate %d, not %d\n", bob->merge_dropped, fate);
	CHECK(bob && bob->merge_dropped == fate);
	CHECK(dan ? dan->merge_combined == combined : combined == 0);
	hist_free(h);
	diag_free(d);
}

static void merge_that_settles_a_conflict_with_other_text_keeps_nothing_of_the_branch(void)
{
	char *r = merged_repo("---\ntitle: A\n---\n\nOne, 26.\n\nTwo.\n\nThree.\n",
			      "---\ntitle: A\n---\n\nOne, 27.\n\nTwo.\n\nThree.\n",
			      "---\ntitle: A\n---\n\nOne, 30.\n\nTwo.\n\nThree.\n");
	check_merge(r, HIST_MERGE_SETTLED, 0);
	rm_rf(r);
}

/* A conflict settled with the branch's text keeps the branch's change;
 * settled with the main line's, the merge brought no change. */
static void merge_that_settles_a_conflict_with_one_sides_text_keeps_or_drops_it(void)
{
	const char *branch = "---\ntitle: A\n---\n\nOne, 26.\n\nTwo.\n\nThree.\n";
	const char *main_text = "---\ntitle: A\n---\n\nOne, 27.\n\nTwo.\n\nThree.\n";
	char *r = merged_repo(branch, main_text, branch);
	check_merge(r, HIST_MERGE_KEPT, 0);
	rm_rf(r);
	r = merged_repo(branch, main_text, main_text);
	check_merge(r, HIST_MERGE_UNCHANGED, 0);
	rm_rf(r);
}

/* Edits to other paragraphs (and the title) merge cleanly: the branch's
 * change is kept, and the merge's own revision only combines the two. */
static void clean_merge_of_edits_on_both_sides_combines_them(void)
{
	char *r = merged_repo("---\ntitle: A, retitled\n---\n\nOne.\n\nTwo.\n\nThree, branch.\n",
			      "---\ntitle: A\n---\n\nOne, main.\n\nTwo.\n\nThree.\n", NULL);
	check_merge(r, HIST_MERGE_KEPT, 1);
	rm_rf(r);
}

/* A merge that kept both sides' changes and wrote one of its own. */
static void merge_that_also_edits_combines_the_sides_and_more(void)
{
	char *r = merged_repo("---\ntitle: A\n---\n\nOne.\n\nTwo.\n\nThree, branch.\n",
			      "---\ntitle: A\n---\n\nOne, main.\n\nTwo.\n\nThree.\n",
			      "---\ntitle: A\n---\n\nOne, main.\n\nTwo, the merger's.\n\nThree, branch.\n");
	check_merge(r, HIST_MERGE_KEPT, 2);
	rm_rf(r);
}

/* A conflict in one paragraph settled with other text, the branch's
 * other paragraph kept: the branch's change as a whole was not. */
static void merge_that_keeps_part_of_the_branchs_change_settled_it(void)
{
	char *r = merged_repo("---\ntitle: A\n---\n\nOne, 26.\n\nTwo.\n\nThree, branch.\n",
			      "---\ntitle: A\n---\n\nOne, 27.\n\nTwo.\n\nThree.\n",
			      "---\ntitle: A\n---\n\nOne, 30.\n\nTwo.\n\nThree, branch.\n");
	check_merge(r, HIST_MERGE_SETTLED, 0);
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

/* ---- the cache ---- */

/* A repository with edits, a message body, a rename with edits, a delete
 * and re-add, and a .mailmap: everything a cached history must keep. */
static char *cache_repo(void)
{
	char *r = repo_new();
	put(r, ".mailmap", "Alice Author <alice@example.org> <al@old.example.org>\n");
	put(r, "content/social.md", LONG_TEXT);
	put(r, "content/a.md", "---\ntitle: A\n---\nfirst\n");
	put(r, "content/gone.md", "---\ntitle: Gone\n---\nsoon gone\n");
	commit(r, "Al", "al@old.example.org", "2026-01-01 10:00:00 +0000", "Add\n");
	put(r, "content/a.md", "---\ntitle: A\n---\nsecond\n");
	sh("rm '%s/content/gone.md'", r);
	commit(r, "Bob", "bob@example.org", "2026-01-02 10:00:00 -0530",
	       "Edit A, withdraw Gone\n\nBody line one.\nBody line two.\n");
	sh("cd '%s' && mkdir -p content/policy && " GIT "mv content/social.md "
	   "content/policy/social-media.md", r);
	put(r, "content/gone.md", "---\ntitle: Gone\n---\nback again\n");
	commit(r, "Cara", "cara@example.org", "2026-01-03 10:00:00 +0200", "Move, reinstate\n");
	return r;
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* 1 when a and b hold the same files, revisions (every field), moves,
 * HEAD and shallow flag; prints the first difference. */
static int same_history(const struct history *a, const struct history *b)
{
	size_t na, nb;
	const struct hist_file *fa = hist_files(a, &na), *fb = hist_files(b, &nb);
	if (na != nb || strcmp(hist_head(a), hist_head(b)) || hist_is_shallow(a) != hist_is_shallow(b)) {
		printf("    %zu vs %zu files, head %s vs %s\n", na, nb, hist_head(a), hist_head(b));
		return 0;
	}
	for (size_t i = 0; i < na; i++) {
		/* fp is stored with the cache: it must be the walk's, or pages
		 * would miss a change of their history */
		if (strcmp(fa[i].path, fb[i].path) || fa[i].n != fb[i].n ||
		    fa[i].truncated != fb[i].truncated || hist_lookup(b, fa[i].path) != &fb[i] ||
		    fa[i].fp[0] != fb[i].fp[0] || fa[i].fp[1] != fb[i].fp[1] || (!fa[i].fp[0] && !fa[i].fp[1])) {
			printf("    file %zu differs: %s vs %s\n", i, fa[i].path, fb[i].path);
			return 0;
		}
		for (size_t k = 0; k < fa[i].n; k++) {
			const struct hist_rev *x = &fa[i].revs[k], *y = &fb[i].revs[k];
			if (strcmp(x->id, y->id) || !same_str(x->author, y->author) ||
			    !same_str(x->email, y->email) || x->time != y->time ||
			    x->tz_minutes != y->tz_minutes || !same_str(x->subject, y->subject) ||
			    !same_str(x->body, y->body) || !same_str(x->path, y->path) ||
			    !same_str(x->old_path, y->old_path) || x->change != y->change ||
			    strcmp(x->blob, y->blob) || x->merge_dropped != y->merge_dropped ||
			    x->merge_combined != y->merge_combined) {
				printf("    %s revision %zu differs\n", fa[i].path, k);
				return 0;
			}
		}
	}
	const char *const *f1, *const *t1, *const *f2, *const *t2;
	size_t m1 = hist_moves(a, &f1, &t1), m2 = hist_moves(b, &f2, &t2);
	if (m1 != m2) {
		printf("    %zu vs %zu moves\n", m1, m2);
		return 0;
	}
	for (size_t i = 0; i < m1; i++)
		if (strcmp(f1[i], f2[i]) || strcmp(t1[i], t2[i])) {
			printf("    move %zu differs\n", i);
			return 0;
		}
	return 1;
}

/* The path of the one cache file in r's git dir; caller frees (NULL: none). */
static char *cache_file(const char *r)
{
	char *pattern = xasprintf("%s/.git/quire/history-v*.bin", r), *out = NULL;
	glob_t g;
	if (glob(pattern, 0, NULL, &g) == 0) {
		if (g.gl_pathc == 1)
			out = xstrdup(g.gl_pathv[0]);
		globfree(&g);
	}
	free(pattern);
	return out;
}

/* Reads a whole file; caller frees. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while (f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&b, chunk, n);
	if (f)
		fclose(f);
	*len = b.len;
	return buf_detach(&b);
}

static void spit(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(data, 1, len, f);
		fclose(f);
	}
}

static void second_load_of_an_unchanged_repository_comes_from_the_cache_unchanged(void)
{
	char *r = cache_repo();
	struct diag *d = diag_new();
	struct history *walked = hist_load(r, d);
	struct history *cached = hist_load(r, d);
	CHECK(diag_errors(d) == 0);
	CHECK(!hist_from_cache(walked));
	CHECK(hist_from_cache(cached));
	CHECK(same_history(walked, cached));
	const struct hist_file *f = hist_lookup(cached, "content/policy/social-media.md");
	CHECK(f && f->n == 2 && f->revs[0].change == HIST_RENAMED);
	const struct hist_file *a = hist_lookup(cached, "content/a.md");
	CHECK(a && a->n == 2);
	if (a && a->n == 2) {
		CHECK_STR(a->revs[1].author, "Alice Author");
		CHECK_STR(a->revs[0].body, "Body line one.\nBody line two.");
		CHECK(a->revs[0].tz_minutes == -330);
		/* the past version is still readable from a cached history */
		char *past = hist_read_blob(cached, a->revs[1].blob, NULL);
		CHECK_STR(past, "---\ntitle: A\n---\nfirst\n");
		free(past);
	}
	const struct hist_file *g = hist_lookup(cached, "content/gone.md");
	CHECK(g && g->n == 3 && g->revs[1].change == HIST_DELETED && !g->revs[1].blob[0]);
	CHECK(hist_state(cached, "content/a.md") == HIST_CLEAN);
	CHECK(hist_state(cached, "content/policy/social-media.md") == HIST_CLEAN);
	hist_free(walked);
	hist_free(cached);
	diag_free(d);
	rm_rf(r);
}

static void new_commit_makes_the_next_load_walk_again(void)
{
	char *r = cache_repo();
	struct diag *d = diag_new();
	hist_free(hist_load(r, d));
	put(r, "content/a.md", "---\ntitle: A\n---\nthird\n");
	commit(r, "Dan", "dan@example.org", "2026-01-04 10:00:00 +0000", "Third A\n");
	struct history *h = hist_load(r, d);
	CHECK(!hist_from_cache(h));
	const struct hist_file *a = hist_lookup(h, "content/a.md");
	CHECK(a && a->n == 3 && !strcmp(a->revs[0].author, "Dan"));
	char *head = git_out(r, "rev-parse HEAD");
	CHECK_STR(hist_head(h), head);
	/* and that walk is cached in turn */
	struct history *again = hist_load(r, d);
	CHECK(hist_from_cache(again));
	CHECK(same_history(h, again));
	CHECK(diag_errors(d) == 0);
	free(head);
	hist_free(h);
	hist_free(again);
	diag_free(d);
	rm_rf(r);
}

/* Only the committed .mailmap counts: an edit in the working tree keeps
 * the cached history (and its names) until it is committed. */
static void mailmap_counts_once_committed(void)
{
	char *r = cache_repo();
	struct diag *d = diag_new();
	hist_free(hist_load(r, d));
	put(r, ".mailmap", "Alice Renamed <alice@example.org> <al@old.example.org>\n");
	struct history *h = hist_load(r, d);
	CHECK(hist_from_cache(h));
	const struct hist_file *a = hist_lookup(h, "content/a.md");
	CHECK(a && a->n == 2 && !strcmp(a->revs[1].author, "Alice Author"));
	hist_free(h);
	commit(r, "Cara", "cara@example.org", "2026-01-04 10:00:00 +0000", "Rename Alice\n");
	h = hist_load(r, d);
	CHECK(!hist_from_cache(h));
	a = hist_lookup(h, "content/a.md");
	CHECK(a && a->n == 2 && !strcmp(a->revs[1].author, "Alice Renamed"));
	hist_free(h);
	diag_free(d);
	rm_rf(r);
}

static void damaged_or_truncated_cache_is_ignored_and_history_stays_right(void)
{
	char *r = cache_repo();
	struct diag *d = diag_new();
	struct history *walked = hist_load(r, d);
	char *path = cache_file(r);
	CHECK(path != NULL);
	size_t len = 0;
	char *good = path ? slurp(path, &len) : NULL;
	CHECK(len > 64);
	for (int round = 0; path && good && round < 4; round++) {
		char *bad = xmalloc(len);
		memcpy(bad, good, len);
		size_t badlen = len;
		if (round == 0)
			memset(bad, 'x', len); /* garbage */
		else if (round == 1)
			badlen = len / 2; /* truncated */
		else if (round == 2)
			bad[len / 2] ^= 0x10; /* one flipped bit */
		else
			badlen = 0; /* empty */
		spit(path, bad, badlen);
		free(bad);
		struct history *h = hist_load(r, d);
		CHECK(!hist_from_cache(h));
		CHECK(same_history(walked, h));
		hist_free(h);
		/* the walk rewrote a good cache */
		h = hist_load(r, d);
		CHECK(hist_from_cache(h));
		hist_free(h);
	}
	CHECK(diag_errors(d) == 0 && diag_warnings(d) == 0);
	free(good);
	free(path);
	hist_free(walked);
	diag_free(d);
	rm_rf(r);
}

/* Every prefix of a real cache file is rejected, and no single changed
 * byte makes the reader crash or hand on an inconsistent history (it may
 * accept a changed letter in a message: the checksum that hist_load checks
 * catches those). */
static void cache_reader_rejects_truncations_and_survives_damaged_bytes(void)
{
	char *r = cache_repo();
	struct diag *d = diag_new();
	hist_free(hist_load(r, d));
	char *path = cache_file(r);
	size_t len = 0;
	char *good = path ? slurp(path, &len) : NULL;
	struct history *h = hist_empty();
	CHECK(good && hist_cache_parse(h, good, len) == 0);
	size_t n;
	hist_files(h, &n);
	CHECK(n == 3 && hist_lookup(h, "content/a.md") != NULL);
	CHECK(hist_cache_parse(h, good, len) < 0); /* only into an empty history */
	hist_free(h);
	int accepted = 0, inconsistent = 0;
	for (size_t cut = 0; good && cut < len; cut++) {
		h = hist_empty();
		accepted += hist_cache_parse(h, good, cut) == 0;
		hist_files(h, &n);
		accepted += n != 0;
		hist_free(h);
	}
	for (size_t i = 0; good && i < len; i++) {
		for (int bit = 0; bit < 8; bit += 7) {
			good[i] ^= (char)(1 << bit);
			h = hist_empty();
			if (hist_cache_parse(h, good, len) == 0) {
				const struct hist_file *f = hist_files(h, &n);
				for (size_t k = 0; k < n; k++)
					inconsistent += hist_lookup(h, f[k].path) != &f[k] ||
							(k && strcmp(f[k - 1].path, f[k].path) >= 0);
			}
			hist_free(h);
			good[i] ^= (char)(1 << bit);
		}
	}
	CHECK(accepted == 0);
	CHECK(inconsistent == 0);
	free(good);
	free(path);
	diag_free(d);
	rm_rf(r);
}

static void working_tree_edits_after_caching_are_still_reported(void)
{
	char *r = cache_repo();
	struct diag *d = diag_new();
	hist_free(hist_load(r, d));
	put(r, "content/a.md", "---\ntitle: A\n---\nedited, not committed\n");
	put(r, "content/brand-new.md", "---\ntitle: New\n---\nnew\n");
	struct history *h = hist_load(r, d);
	CHECK(hist_from_cache(h));
	CHECK(hist_state(h, "content/a.md") == HIST_UNCOMMITTED);
	CHECK(hist_state(h, "content/gone.md") == HIST_CLEAN);
	CHECK(hist_state(h, "content/brand-new.md") == HIST_UNTRACKED);
	CHECK(!hist_lookup(h, "content/brand-new.md"));
	hist_free(h);
	diag_free(d);
	rm_rf(r);
}

static void reload_keeps_the_history_until_a_commit_changes_head(void)
{
	char *r = cache_repo();
	struct diag *d = diag_new();
	struct history *h = hist_load(r, d);
	struct history *same = hist_reload(h, r, d);
	CHECK(same == h);
	CHECK(hist_state(same, "content/a.md") == HIST_CLEAN);
	/* an edit shows up without a new walk */
	put(r, "content/a.md", "---\ntitle: A\n---\nediting\n");
	same = hist_reload(same, r, d);
	CHECK(same == h);
	CHECK(hist_state(same, "content/a.md") == HIST_UNCOMMITTED);
	commit(r, "Dan", "dan@example.org", "2026-01-04 10:00:00 +0000", "Commit the edit\n");
	struct history *fresh = hist_reload(same, r, d);
	const struct hist_file *a = hist_lookup(fresh, "content/a.md");
	CHECK(a && a->n == 3 && !strcmp(a->revs[0].subject, "Commit the edit"));
	CHECK(hist_state(fresh, "content/a.md") == HIST_CLEAN);
	char *head = git_out(r, "rev-parse HEAD");
	CHECK_STR(hist_head(fresh), head);
	free(head);
	/* from nothing, reload is a load */
	struct history *first = hist_reload(NULL, r, d);
	CHECK(first && hist_from_cache(first) && same_history(first, fresh));
	CHECK(diag_errors(d) == 0);
	hist_free(first);
	hist_free(fresh);
	diag_free(d);
	rm_rf(r);
}

/* A cache file an older quire wrote for the same site (another format
 * version) is removed when this one saves its own. */
static void an_older_versions_cache_file_is_removed(void)
{
	char *r = repo_new();
	struct diag *d = diag_new();
	put(r, "content/a.md", "a\n");
	commit(r, "Alice", "alice@example.org", "2026-01-01 10:00:00 +0000", "Add\n");
	char *dir = xasprintf("%s/.git/quire", r);
	mkdir(dir, 0777);
	char *old = xasprintf("%s/history-v1-%016llx.bin", dir, (unsigned long long)str_hash("", 0));
	char *other = xasprintf("%s/history-v1-0123456789abcdef.bin", dir);
	spit(old, "old", 3);
	spit(other, "another site's", 14);
	hist_free(hist_load(r, d));
	CHECK(access(old, F_OK) != 0);
	CHECK(access(other, F_OK) == 0); /* another site's is not ours to remove */
	unlink(other);
	char *now = cache_file(r);
	CHECK(now && !strstr(now, "history-v1-")); /* the one left is this version's */
	free(now);
	free(old);
	free(other);
	free(dir);
	diag_free(d);
	rm_rf(r);
}

static void site_in_a_subfolder_has_its_own_cache(void)
{
	char *r = repo_new();
	struct diag *d = diag_new();
	put(r, "docs/content/a.md", "a\n");
	put(r, "content/top.md", "top\n");
	commit(r, "Alice", "alice@example.org", "2026-01-01 10:00:00 +0000", "Add\n");
	char *docs = xasprintf("%s/docs", r);
	hist_free(hist_load(r, d));
	struct history *sub = hist_load(docs, d);
	CHECK(!hist_from_cache(sub)); /* the top site's cache is not the subfolder's */
	CHECK(hist_lookup(sub, "content/a.md") && !hist_lookup(sub, "content/top.md"));
	struct history *top = hist_load(r, d);
	CHECK(hist_from_cache(top));
	CHECK(hist_lookup(top, "content/top.md") && !hist_lookup(top, "content/a.md"));
	struct history *sub2 = hist_load(docs, d);
	CHECK(hist_from_cache(sub2) && same_history(sub, sub2));
	hist_free(sub);
	hist_free(sub2);
	hist_free(top);
	free(docs);
	diag_free(d);
	rm_rf(r);
}

/* Past 64 folder comparisons at a depth, they are shared between two
 * threads: the history read on two is the one read on one, revision by
 * revision (120 commits over four folders, with a rename and a deletion). */
static void a_history_read_on_two_threads_is_the_one_read_on_one(void)
{
	char *r = repo_new();
	struct diag *d = diag_new();
	put(r, "site.yml", "title: T\n");
	CHECK(sh("cd '%s' && for i in $(seq 1 120); do f=content/s$((i %% 4))/a$((i %% 7)).md; "
		 "mkdir -p $(dirname $f) && echo \"line $i\" >> $f && "
		 "if [ $i = 60 ]; then " GIT "add -A && " GIT "mv content/s1/a1.md content/s1/moved.md; fi && "
		 "if [ $i = 90 ]; then " GIT "rm -q content/s2/a2.md; fi && "
		 GIT "add -A && " GIT "commit -q -m \"change $i\"; done", r) == 0);
	struct history *one = hist_load_ex(r, 0, 1, d), *two = hist_load_ex(r, 0, 2, d);
	size_t n1, n2;
	const struct hist_file *f1 = hist_files(one, &n1), *f2 = hist_files(two, &n2);
	CHECK(n1 == n2 && n1 >= 20);
	size_t revs = 0, same = 1;
	for (size_t i = 0; i < n1 && n1 == n2; i++) {
		same &= !strcmp(f1[i].path, f2[i].path) && f1[i].n == f2[i].n;
		for (size_t k = 0; same && k < f1[i].n; k++, revs++) {
			const struct hist_rev *a = &f1[i].revs[k], *b = &f2[i].revs[k];
			same &= !strcmp(a->id, b->id) && !strcmp(a->blob, b->blob) && a->change == b->change &&
				!strcmp(a->path, b->path) &&
				!strcmp(a->old_path ? a->old_path : "", b->old_path ? b->old_path : "");
		}
	}
	CHECK(same);
	CHECK(revs >= 120);
	CHECK(diag_errors(d) == 0);
	hist_free(one);
	hist_free(two);
	diag_free(d);
	rm_rf(r);
}

int main(void)
{
	/* Held for the whole run, as quire's main does: each history takes
	 * and drops a reference, and the last one dropped tears libgit2 down
	 * (its TLS set-up is most of a start-up), which the cache test's
	 * thousands of parses would otherwise pay for each time. */
	git_libgit2_init();
	RUN(revisions_are_counted_per_file_with_authors_dates_and_messages);
	RUN(renamed_article_keeps_its_full_history_and_is_reported_as_moved);
	RUN(moved_path_that_is_a_source_again_is_still_listed);
	RUN(deleted_and_readded_article_keeps_one_history);
	RUN(merged_branch_commits_carry_the_credit_not_the_merge);
	RUN(merge_that_resolves_a_conflict_is_a_revision);
	RUN(merge_that_settles_a_conflict_with_other_text_keeps_nothing_of_the_branch);
	RUN(merge_that_settles_a_conflict_with_one_sides_text_keeps_or_drops_it);
	RUN(clean_merge_of_edits_on_both_sides_combines_them);
	RUN(merge_that_also_edits_combines_the_sides_and_more);
	RUN(merge_that_keeps_part_of_the_branchs_change_settled_it);
	RUN(mailmap_gives_the_canonical_author);
	RUN(site_in_a_subfolder_of_the_repository_reads_its_own_content);
	RUN(shallow_clone_is_marked_truncated_without_error);
	RUN(site_outside_any_repository_has_empty_history_and_no_diagnostic);
	RUN(uncommitted_edit_and_untracked_article_are_told_apart);
	RUN(repository_without_commits_has_empty_history);
	RUN(detached_head_reads_history_up_to_that_commit);
	RUN(past_versions_read_correctly_from_several_threads_at_once);
	RUN(repository_owned_by_another_user_names_safe_directory);
	RUN(second_load_of_an_unchanged_repository_comes_from_the_cache_unchanged);
	RUN(an_older_versions_cache_file_is_removed);
	RUN(new_commit_makes_the_next_load_walk_again);
	RUN(mailmap_counts_once_committed);
	RUN(damaged_or_truncated_cache_is_ignored_and_history_stays_right);
	RUN(cache_reader_rejects_truncations_and_survives_damaged_bytes);
	RUN(working_tree_edits_after_caching_are_still_reported);
	RUN(reload_keeps_the_history_until_a_commit_changes_head);
	RUN(site_in_a_subfolder_has_its_own_cache);
	RUN(a_history_read_on_two_threads_is_the_one_read_on_one);
	git_libgit2_shutdown();
	UNIT_END();
}
