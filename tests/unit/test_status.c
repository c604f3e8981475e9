/* status: the working-tree state remembered between builds. */
#include <git2.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "status.h"
#include "unit.h"

static char *new_repo(git_repository **repo)
{
	char tmpl[] = "/tmp/quire-status-XXXXXX";
	char *d = xstrdup(mkdtemp(tmpl));
	git_repository_init(repo, d, 0);
	return d;
}

static char *memo_file(git_repository *repo)
{
	/* the site folder is the work tree itself: prefix "" */
	return xasprintf("%squire/status-v1-%016llx.bin", git_repository_path(repo),
			 (unsigned long long)str_hash("", 0));
}

static const git_oid head = { { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 } };
static char *rel[] = { "a.md", "b/c.md", "d.md" };
static const struct scan_stat st[] = {
	{ 1, 10, 100, 1000000000, 1000000000 },
	{ 1, 11, 200, 1000000000, 1000000000 },
	{ 1, 12, 300, 1000000000, 1000000000 },
};
static const int64_t start = 9000000000LL; /* long after every file's times */

/* A new repository with the memo of the sources rel (identities sts,
 * states dirty) saved in it; *ix gets its index. */
static char *with_memo(git_repository **repo, struct status_index *ix, const struct scan_stat *sts,
		       const unsigned char *dirty)
{
	char *dir = new_repo(repo);
	status_index_of(*repo, ix);
	status_memo_save(*repo, "", &head, ix, rel, sts, dirty, 3, start);
	return dir;
}

static void done_with(git_repository *repo, char *dir)
{
	git_repository_free(repo);
	fs_rm_rf(dir);
	free(dir);
}

/* What one build saw, the next takes for every source it finds the same. */
static void a_saved_state_is_taken_for_unchanged_sources(void)
{
	git_repository *repo;
	struct status_index ix;
	const unsigned char dirty[] = { 0, 1, 0 };
	char *dir = with_memo(&repo, &ix, st, dirty);
	struct status_memo *m = status_memo_load(repo, "", &head, &ix);
	CHECK(m != NULL);
	if (m) {
		struct scan_stat now[3] = { st[0], st[1], st[2] };
		now[2].ctime_ns++; /* d.md changed */
		unsigned char got[4] = { 9, 9, 9, 9 };
		size_t *changed;
		size_t n = status_memo_apply(m, rel, now, 3, got, &changed);
		CHECK(n == 1 && changed[0] == 2);
		CHECK(got[0] == 0 && got[1] == 1);
		free(changed);
		/* a source the memo never saw is asked about */
		char *more[] = { "a.md", "aa.md", "b/c.md", "d.md" };
		struct scan_stat more_st[] = { st[0], st[0], st[1], st[2] };
		n = status_memo_apply(m, more, more_st, 4, got, &changed);
		CHECK(n == 1 && changed[0] == 1);
		free(changed);
		status_memo_free(m);
	}
	done_with(repo, dir);
}

/* The memo is of one HEAD and one git index; a source changed in the two
 * seconds before the build is left out of it. */
static void a_memo_is_only_for_its_head_and_index(void)
{
	git_repository *repo;
	struct status_index ix;
	const unsigned char dirty[] = { 1, 1, 1 };
	struct scan_stat racy[3] = { st[0], st[1], st[2] };
	racy[1].mtime_ns = start - 1000;
	char *dir = with_memo(&repo, &ix, racy, dirty);
	git_oid other = head;
	other.id[0] ^= 1;
	struct status_memo *m = status_memo_load(repo, "", &other, &ix);
	CHECK(m == NULL);
	status_memo_free(m);
	struct status_index ix2 = ix;
	ix2.st.ino++;
	m = status_memo_load(repo, "", &head, &ix2);
	CHECK(m == NULL);
	status_memo_free(m);
	m = status_memo_load(repo, "", &head, &ix);
	CHECK(m != NULL);
	if (m) {
		unsigned char got[3] = { 0, 0, 0 };
		size_t *changed;
		size_t n = status_memo_apply(m, rel, racy, 3, got, &changed);
		CHECK(n == 1 && changed[0] == 1); /* the racy one was not kept */
		free(changed);
		status_memo_free(m);
	}
	done_with(repo, dir);
}

/* Cut short at any length, or with any byte changed, the memo is not used
 * (and reading it never crashes). */
static void a_damaged_memo_is_never_used(void)
{
	git_repository *repo;
	struct status_index ix;
	const unsigned char dirty[] = { 0, 1, 0 };
	char *dir = with_memo(&repo, &ix, st, dirty);
	char *path = memo_file(repo);
	size_t len = 0;
	char *image = NULL;
	CHECK(fs_read_file(path, &image, &len) == 0);
	int used = 0;
	for (size_t cut = 0; image && cut < len; cut++) {
		FILE *f = fopen(path, "wb");
		fwrite(image, 1, cut, f);
		fclose(f);
		struct status_memo *m = status_memo_load(repo, "", &head, &ix);
		used += m != NULL;
		status_memo_free(m);
	}
	for (size_t at = 0; image && at < len; at++) {
		image[at] ^= 0x20;
		FILE *f = fopen(path, "wb");
		fwrite(image, 1, len, f);
		fclose(f);
		image[at] ^= 0x20;
		struct status_memo *m = status_memo_load(repo, "", &head, &ix);
		used += m != NULL;
		status_memo_free(m);
	}
	CHECK(used == 0);
	free(image);
	free(path);
	done_with(repo, dir);
}

int main(void)
{
	git_libgit2_init();
	RUN(a_saved_state_is_taken_for_unchanged_sources);
	RUN(a_memo_is_only_for_its_head_and_index);
	RUN(a_damaged_memo_is_never_used);
	git_libgit2_shutdown();
	UNIT_END();
}
