/* Unit tests for published: histories without their draft revisions, and
 * the table of what builds learnt about past versions. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../generator/fsutil.h"
#include "../../generator/published.h"
#include "unit.h"

/* Blob ids: "d" + digit for drafts, "b" + digit for broken versions, "p" + digit for published ones,
 * spelt out to 40 hex digits (d -> 'd', p -> 'a'). */
static void blob(char out[41], const char *name)
{
	memset(out, name[0] == 'd' ? 'd' : name[0] == 'b' ? 'b' : 'a', 40);
	out[39] = name[1];
	out[40] = '\0';
}

static int is_draft(void *ctx, const char *hex, const char *path)
{
	(void)ctx;
	(void)path;
	return hex[0] == 'd';
}

static int knows_nothing(void *ctx, const char *hex, const char *path)
{
	(void)ctx;
	(void)hex;
	(void)path;
	return -1;
}

/* rev: change, own version and base (NULL: none) */
static struct hist_rev rev(enum hist_change ch, const char *own, const char *base)
{
	struct hist_rev r = { .change = ch, .path = "content/a.md" };
	if (own)
		blob(r.blob, own);
	if (base)
		blob(r.base, base);
	return r;
}

static void drafting_revisions_are_left_out_and_a_taking_down_is_kept(void)
{
	/* newest first: published, taken back into draft, edited, published,
	 * two drafts */
	struct hist_rev revs[] = {
		rev(HIST_MODIFIED, "p3", "d3"), rev(HIST_MODIFIED, "d3", "p2"), rev(HIST_MODIFIED, "p2", "p1"),
		rev(HIST_MODIFIED, "p1", "d2"), rev(HIST_MODIFIED, "d2", "d1"), rev(HIST_ADDED, "d1", NULL),
	};
	struct hist_file hf = { "content/a.md", revs, 6, 0, { 1, 2 } };
	struct hist_file *f = NULL;
	size_t orig[6];
	CHECK(hist_published(&hf, is_draft, NULL, &f, orig) == 0);
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK(f->n == 4);
	CHECK(orig[0] == 0 && orig[1] == 1 && orig[2] == 2 && orig[3] == 3);
	char p2[41];
	blob(p2, "p2");
	CHECK_STR(f->revs[0].base, p2); /* republished: against what was published before */
	/* the draft over a published version took the article off the site:
	 * kept, as a deletion with none of the draft's text */
	CHECK(f->revs[1].change == HIST_DELETED && f->revs[1].taken_down);
	CHECK_STR(f->revs[1].blob, "");
	CHECK_STR(f->revs[1].base, p2);
	CHECK(!f->revs[0].taken_down && !f->revs[2].taken_down);
	CHECK(f->revs[2].base[0] == 'a');
	CHECK_STR(f->revs[3].base, ""); /* first published: all new */
	CHECK(f->revs[3].change == HIST_ADDED);
	CHECK(memcmp(f->fp, hf.fp, sizeof hf.fp) != 0);
	CHECK(revs[0].base[0] == 'd'); /* the history itself is unchanged */
	hist_published_free(f);
}

/* d…: a draft (1); b…: broken, a build would have failed on it (2) */
static int is_draft_or_broken(void *ctx, const char *hex, const char *path)
{
	(void)ctx;
	(void)path;
	return hex[0] == 'd' ? 1 : hex[0] == 'b' ? 2 : 0;
}

static void a_broken_version_takes_nothing_down(void)
{
	struct hist_rev revs[] = { rev(HIST_MODIFIED, "p2", "p1"), rev(HIST_MODIFIED, "p1", "p0"),
				   rev(HIST_ADDED, "p0", NULL) };
	memset(revs[1].blob, 'b', 39); /* p1 -> a broken version */
	memset(revs[0].base, 'b', 39);
	struct hist_file hf = { "content/a.md", revs, 3, 0, { 1, 2 } };
	struct hist_file *f = NULL;
	size_t orig[3];
	CHECK(hist_published(&hf, is_draft_or_broken, NULL, &f, orig) == 0);
	CHECK(f && f->n == 2);
	for (size_t k = 0; f && k < f->n; k++)
		CHECK(!f->revs[k].taken_down && f->revs[k].change != HIST_DELETED);
	hist_published_free(f);
}

static void a_history_without_drafts_is_used_as_it_is(void)
{
	struct hist_rev revs[] = { rev(HIST_MODIFIED, "p2", "p1"), rev(HIST_ADDED, "p1", NULL) };
	struct hist_file hf = { "content/a.md", revs, 2, 0, { 1, 2 } };
	struct hist_file *f = (struct hist_file *)&hf;
	size_t orig[2];
	CHECK(hist_published(&hf, is_draft, NULL, &f, orig) == 0);
	CHECK(f == NULL);
}

static void a_version_not_known_stops_the_filter(void)
{
	struct hist_rev revs[] = { rev(HIST_ADDED, "p1", NULL) };
	struct hist_file hf = { "content/a.md", revs, 1, 0, { 1, 2 } };
	struct hist_file *f;
	size_t orig[1];
	CHECK(hist_published(&hf, knows_nothing, NULL, &f, orig) == -1);
	CHECK(f == NULL);
}

static void deleting_a_draft_is_hidden_and_deleting_guidance_is_not(void)
{
	/* published, deleted (as a draft), drafted again, deleted (published) */
	struct hist_rev revs[] = {
		rev(HIST_ADDED, "p2", NULL), rev(HIST_DELETED, NULL, "d1"), rev(HIST_ADDED, "d1", NULL),
		rev(HIST_DELETED, NULL, "p1"), rev(HIST_ADDED, "p1", NULL),
	};
	struct hist_file hf = { "content/a.md", revs, 5, 0, { 1, 2 } };
	struct hist_file *f = NULL;
	size_t orig[5];
	CHECK(hist_published(&hf, is_draft, NULL, &f, orig) == 0);
	CHECK(f && f->n == 3);
	if (f) {
		CHECK(f->revs[0].change == HIST_ADDED);
		CHECK(f->revs[1].change == HIST_DELETED);
		CHECK(f->revs[1].base[0] == 'a');
	}
	hist_published_free(f);
}

static void a_move_made_while_drafting_publishes_as_new(void)
{
	struct hist_rev revs[] = { rev(HIST_RENAMED, "p1", "d1"), rev(HIST_ADDED, "d1", NULL) };
	revs[0].old_path = "content/old.md";
	struct hist_file hf = { "content/a.md", revs, 2, 0, { 1, 2 } };
	struct hist_file *f = NULL;
	size_t orig[2];
	CHECK(hist_published(&hf, is_draft, NULL, &f, orig) == 0);
	CHECK(f && f->n == 1);
	if (f) {
		CHECK(f->revs[0].change == HIST_ADDED);
		CHECK(f->revs[0].old_path == NULL);
	}
	hist_published_free(f);
}

static void a_version_published_on_a_branch_is_shown_against_its_own_start(void)
{
	/* main: p1, then p2; a branch from p1: draft d1, published p3; then
	 * the merge.  Listed by date, p2 comes between p3 and the draft. */
	struct hist_rev revs[] = {
		rev(HIST_MODIFIED, "p4", "p2"), rev(HIST_MODIFIED, "p3", "d1"), rev(HIST_MODIFIED, "p2", "p1"),
		rev(HIST_MODIFIED, "d1", "p1"), rev(HIST_ADDED, "p1", NULL),
	};
	/* in the walk's order, the branch's two (merged by p4's commit) */
	for (size_t k = 0; k < 5; k++)
		revs[k].order = (uint32_t)(5 - k);
	for (size_t k = 1; k < 5; k += 2) {
		memset(revs[k].merged, 'e', 40);
		revs[k].merged_order = 5;
	}
	struct hist_file hf = { "content/a.md", revs, 5, 0, { 1, 2 } };
	struct hist_file *f = NULL;
	size_t orig[5];
	char p1[41];
	blob(p1, "p1");
	CHECK(hist_published(&hf, is_draft, NULL, &f, orig) == 0);
	CHECK(f && f->n == 4);
	if (f) {
		CHECK_STR(f->revs[1].base, p1); /* not p2, which it never saw */
		CHECK(f->revs[1].change == HIST_MODIFIED);
		/* a draft on a branch the merge did not bring took nothing off the site */
		for (size_t k = 0; k < f->n; k++)
			CHECK(!f->revs[k].taken_down);
	}
	hist_published_free(f);
}

static void moves_made_while_drafting_are_shown_as_one_move(void)
{
	/* published at guide.md, drafted there (taking it down), moved to
	 * secret-name.md as a draft, then moved to pay.md and published */
	struct hist_rev revs[] = {
		rev(HIST_RENAMED, "p2", "d2"), rev(HIST_RENAMED, "d2", "d1"), rev(HIST_MODIFIED, "d1", "p1"),
		rev(HIST_ADDED, "p1", NULL),
	};
	revs[0].path = "content/pay.md";
	revs[0].old_path = "content/secret-name.md";
	revs[1].path = "content/secret-name.md";
	revs[1].old_path = "content/guide.md";
	revs[2].path = revs[3].path = "content/guide.md";
	struct hist_file hf = { "content/pay.md", revs, 4, 0, { 1, 2 } };
	struct hist_file *f = NULL;
	size_t orig[4];
	char p1[41];
	blob(p1, "p1");
	CHECK(hist_published(&hf, is_draft, NULL, &f, orig) == 0);
	CHECK(f && f->n == 3);
	if (f) {
		CHECK(f->revs[0].change == HIST_RENAMED);
		CHECK_STR(f->revs[0].old_path, "content/guide.md");
		CHECK_STR(f->revs[0].base, p1);
		CHECK(f->revs[1].taken_down);
		CHECK_STR(f->revs[1].path, "content/guide.md");
	}
	hist_published_free(f);
}

static void an_article_that_is_all_drafts_has_no_published_history(void)
{
	struct hist_rev revs[] = { rev(HIST_MODIFIED, "d2", "d1"), rev(HIST_ADDED, "d1", NULL) };
	struct hist_file hf = { "content/a.md", revs, 2, 0, { 1, 2 } };
	struct hist_file *f = NULL;
	size_t orig[2];
	CHECK(hist_published(&hf, is_draft, NULL, &f, orig) == 0);
	CHECK(f && f->n == 0);
	hist_published_free(f);
}

static void what_one_build_learns_the_next_knows(void)
{
	char tmpl[] = "/tmp/quire-published-test.XXXXXX";
	char *site = mkdtemp(tmpl);
	CHECK(site != NULL);
	struct cache *c = cache_open(site);
	struct draft_blobs *t = draft_blobs_load(c, NULL);
	char d1[41], p1[41], p2[41], b1[41];
	blob(d1, "d1");
	blob(p1, "p1");
	blob(p2, "p2");
	blob(b1, "b1");
	CHECK(draft_blobs_get(t, d1, "content/a.md", NULL) == -1);
	struct buf learnt[2] = { BUF_INIT, BUF_INIT };
	draft_blobs_note(t, &learnt[0], d1, "content/a.md", 1, 0);
	draft_blobs_note(t, &learnt[0], b1, "content/a.md", 2, 0); /* broken */
	draft_blobs_note(t, &learnt[1], p1, "content/a.md", 0, 0);
	draft_blobs_note(t, &learnt[1], d1, "content/a.md", 1, 0); /* two threads learnt one */
	uint64_t clean[2][2] = { { 1, 2 }, { 3, 4 } };
	draft_blobs_save(t, c, learnt, 2, (const uint64_t (*)[2])clean, 2);
	draft_blobs_free(t);
	cache_close(c, 1);
	buf_free(&learnt[0]);
	buf_free(&learnt[1]);

	c = cache_open(site);
	t = draft_blobs_load(c, NULL);
	CHECK(draft_blobs_get(t, d1, "content/a.md", NULL) == 1);
	CHECK(draft_blobs_get(t, b1, "content/a.md", NULL) == 2); /* not taken for a draft */
	CHECK(draft_blobs_get(t, p1, "content/a.md", NULL) == 0);
	CHECK(draft_blobs_get(t, p2, "content/a.md", NULL) == -1);
	CHECK(draft_blobs_get(t, "not a blob id", "content/a.md", NULL) == -1);
	CHECK(draft_blobs_clean(t, clean[0]) && draft_blobs_clean(t, clean[1]));
	uint64_t other[2] = { 1, 3 };
	CHECK(!draft_blobs_clean(t, other));
	struct buf more = BUF_INIT;
	draft_blobs_note(t, &more, p2, "content/a.md", 0, 0);
	draft_blobs_save(t, c, &more, 1, (const uint64_t (*)[2])clean, 1);
	draft_blobs_free(t);
	cache_close(c, 1);
	buf_free(&more);

	c = cache_open(site);
	t = draft_blobs_load(c, NULL);
	CHECK(draft_blobs_get(t, d1, "content/a.md", NULL) == 1); /* kept beside what was learnt later */
	CHECK(draft_blobs_get(t, p2, "content/a.md", NULL) == 0);
	CHECK(draft_blobs_clean(t, clean[0]));
	CHECK(!draft_blobs_clean(t, clean[1])); /* a history the last build did not have */
	draft_blobs_free(t);
	cache_close(c, 1);
	fs_rm_rf(site);
}

/* Where on_page handlers judge versions, a verdict holds for one set of
 * scripts and one path (handlers see it), and one that read quire.head
 * for that head alone; the front matter's table is another. */
static void hooks_verdicts_are_kept_per_scripts_path_and_head(void)
{
	char tmpl[] = "/tmp/quire-published-test.XXXXXX";
	char *site = mkdtemp(tmpl);
	CHECK(site != NULL);
	char head1[41], head2[41], p1[41], p2[41];
	memset(head1, '1', 40);
	memset(head2, '2', 40);
	head1[40] = head2[40] = '\0';
	blob(p1, "p1");
	blob(p2, "p2");
	struct past_judge j = { NULL, NULL, { 7, 8 }, head1 };
	struct cache *c = cache_open(site);
	struct draft_blobs *t = draft_blobs_load(c, &j);
	struct buf learnt = BUF_INIT;
	draft_blobs_note(t, &learnt, p1, "content/internal/a.md", 1, 0);
	draft_blobs_note(t, &learnt, p1, "content/a.md", 0, 0);
	draft_blobs_note(t, &learnt, p2, "content/a.md", 1, 1); /* read quire.head */
	draft_blobs_save(t, c, &learnt, 1, NULL, 0);
	draft_blobs_free(t);
	cache_close(c, 1);
	buf_free(&learnt);

	c = cache_open(site);
	t = draft_blobs_load(c, &j);
	int by_head = -1;
	CHECK(draft_blobs_get(t, p1, "content/internal/a.md", &by_head) == 1 && by_head == 0);
	CHECK(draft_blobs_get(t, p1, "content/a.md", NULL) == 0);
	CHECK(draft_blobs_get(t, p1, "content/b.md", NULL) == -1);
	CHECK(draft_blobs_get(t, p2, "content/a.md", &by_head) == 1 && by_head == 1);
	draft_blobs_free(t);
	j.head = head2; /* a new commit */
	t = draft_blobs_load(c, &j);
	CHECK(draft_blobs_get(t, p2, "content/a.md", NULL) == -1);
	CHECK(draft_blobs_get(t, p1, "content/a.md", NULL) == 0);
	draft_blobs_free(t);
	/* the next commit's build learns its own: the first head's go */
	struct buf learnt2 = BUF_INIT;
	t = draft_blobs_load(c, &j);
	draft_blobs_note(t, &learnt2, p2, "content/b.md", 0, 1);
	draft_blobs_save(t, c, &learnt2, 1, NULL, 0);
	draft_blobs_free(t);
	buf_free(&learnt2);
	cache_close(c, 1);
	c = cache_open(site);
	t = draft_blobs_load(c, &j);
	CHECK(draft_blobs_get(t, p2, "content/b.md", &by_head) == 0 && by_head == 1);
	CHECK(draft_blobs_get(t, p1, "content/internal/a.md", NULL) == 1);
	draft_blobs_free(t);
	j.head = head1; /* (back at the first head: forgotten, judged again) */
	t = draft_blobs_load(c, &j);
	CHECK(draft_blobs_get(t, p2, "content/a.md", NULL) == -1);
	CHECK(draft_blobs_get(t, p1, "content/a.md", NULL) == 0);
	draft_blobs_free(t);
	j.scripts[0] = 9; /* another script */
	t = draft_blobs_load(c, &j);
	CHECK(draft_blobs_get(t, p1, "content/a.md", NULL) == -1);
	draft_blobs_free(t);
	t = draft_blobs_load(c, NULL); /* no hooks */
	CHECK(draft_blobs_get(t, p1, "content/a.md", NULL) == -1);
	draft_blobs_free(t);
	cache_close(c, 1);
	fs_rm_rf(site);
}

/* The one rule render and the hooks' page.history both judge a past
 * version by. */
static void a_version_was_published_when_its_front_matter_says_so(void)
{
	const char *cases[][2] = {
		{ "{\"title\": \"Costs\"}", "1" },
		{ "{\"title\": \"Costs\", \"draft\": false}", "1" },
		{ "{\"title\": \"Costs\", \"draft\": true}", "0" },
		{ "{\"title\": \"Costs\", \"draft\": \"yes\"}", "0" }, /* a build refuses it */
		{ "{\"title\": \"\"}", "0" },
		{ "{\"summary\": \"no title\"}", "0" },
		{ "[\"not a mapping\"]", "0" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *fm = json_loads(cases[i][0], 0, NULL);
		CHECK(published_version(fm, 0) == (cases[i][1][0] == '1'));
		json_decref(fm);
	}
	json_t *fm = json_pack("{s:s}", "title", "Costs");
	CHECK(!published_version(fm, 1)); /* front matter with errors */
	json_decref(fm);
	CHECK(!published_version(NULL, 0)); /* none at all */
}

int main(void)
{
	RUN(drafting_revisions_are_left_out_and_a_taking_down_is_kept);
	RUN(a_broken_version_takes_nothing_down);
	RUN(a_history_without_drafts_is_used_as_it_is);
	RUN(a_version_not_known_stops_the_filter);
	RUN(deleting_a_draft_is_hidden_and_deleting_guidance_is_not);
	RUN(a_move_made_while_drafting_publishes_as_new);
	RUN(a_version_published_on_a_branch_is_shown_against_its_own_start);
	RUN(moves_made_while_drafting_are_shown_as_one_move);
	RUN(an_article_that_is_all_drafts_has_no_published_history);
	RUN(what_one_build_learns_the_next_knows);
	RUN(hooks_verdicts_are_kept_per_scripts_path_and_head);
	RUN(a_version_was_published_when_its_front_matter_says_so);
	UNIT_END();
}
