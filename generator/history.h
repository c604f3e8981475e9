/* history: reads every article's change history from git in one pass over
 * the repository that holds the site (libgit2), plus the working tree's
 * state per article, and hands both on to the page and feed stages.
 *
 * What counts as a revision of a file:
 *  - Every commit reachable from HEAD is visited once, children before
 *    parents, otherwise newest committer time first (git's --date-order).
 *    Each commit's tree is compared with its FIRST parent's tree (a root
 *    commit with the empty tree), only under <site>/content/, crediting
 *    every added, modified, renamed or deleted `.md` file.
 *  - Merge commits: a change against the first parent is dropped when the
 *    file in the merge is identical to (or, for a deletion, as absent as)
 *    the file in another parent, because the merged branch's own commits
 *    already carry that change and its author.  So a merge adds a revision
 *    only when it made the file differ from every parent (a conflict
 *    resolution or an edit inside the merge) — git's "TREESAME" rule.
 *    But a merge that kept one side's text while the other side's edit is
 *    newer is listed (above that edit), wherever a revision's starting
 *    text, or HEAD's text, is not that of the revision listed below it
 *    (settle_merges), so the record says who set the text aside.  Each
 *    branch revision is told what its merge did with the branch's change
 *    (hist_rev.merge_dropped), and a merge's own revision whether it only
 *    combined that change with the main line's (merge_combined).
 *  - Renames: in a commit that deletes one .md path and adds another, the
 *    pair is a rename when the blobs are identical, else when at least half
 *    of the bytes of the larger file are in lines the two share.  The
 *    renamed file's history continues under its new path; the old path is
 *    reported by hist_moves().
 *  - Moves into content/: an added .md path that no deletion in content/
 *    explains is paired the same way with the Markdown or text files the
 *    commit deleted elsewhere in the repository; the file's path there is
 *    then followed in older commits (through renames there too), its
 *    revisions' paths relative to the site folder ("wiki/a.md",
 *    "../wiki/a.md").  A copy, its original kept, is not followed.
 *  - History follows paths: a file deleted and later added again at the
 *    same path keeps one history (added, deleted, added).
 *  - Authors go through .mailmap.  Only blob content counts: a mode change
 *    alone is not a revision; symlinks and submodules are ignored.
 *  - Shallow clones: commits whose parents are missing (or listed in
 *    .git/shallow) are treated as having none; every file present there is
 *    marked truncated and its oldest revision is that boundary commit
 *    (HIST_ADDED, though the file may be older).
 *  - A detached HEAD is walked like any other HEAD.
 *
 * Cache: a walk's result is saved in the git dir
 * (<gitdir>/quire/history-v1-<hash of the site folder>.bin, written
 * atomically; not at all when the git dir is read-only) and the next
 * hist_load reuses it instead of walking when HEAD, the site folder's place
 * in the work tree, the mailmap sources and the shallow boundary are
 * unchanged.  A damaged, truncated or stale cache is ignored.  The working
 * tree's state is read from git, or, for the sources that did not change
 * since the last build at the same HEAD and git index, taken from what
 * that build saw (see status.h and hist_settle_state).
 */
#ifndef QUIRE_HISTORY_H
#define QUIRE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "scan.h"

enum hist_change { HIST_ADDED, HIST_MODIFIED, HIST_RENAMED, HIST_DELETED };

/* What the merge that brought a branch's revisions onto the main line did
 * with the branch's change to a file.  KEPT: its text is the branch's, or
 * every paragraph the branch changed (against the merge base) reads in it
 * as the branch left it; UNCHANGED: the merge left the file as its first
 * parent had it (the change was undone on the branch, or left out, or
 * made on the main line as well); SETTLED: neither, as when a conflict was
 * settled with other text: the merge's own revision carries what became
 * the guidance. */
enum hist_merge_fate { HIST_MERGE_KEPT, HIST_MERGE_UNCHANGED, HIST_MERGE_SETTLED };

/* An article's working-tree state.  HIST_UNTRACKED: not committed at HEAD
 * (new, staged-but-never-committed, or ignored); HIST_UNCOMMITTED: committed,
 * with staged or unstaged changes (or deleted); HIST_NOT_IN_REPO: the site is
 * in no repository (or history is off). */
enum hist_state { HIST_CLEAN, HIST_UNCOMMITTED, HIST_UNTRACKED, HIST_NOT_IN_REPO };

/* One revision of one file.  Every string is owned by the history and
 * lives until hist_free. */
struct hist_rev {
	char id[41];          /* commit id, hex */
	char *author, *email; /* after .mailmap */
	long long time;       /* author time, seconds since the epoch */
	int tz_minutes;       /* author's UTC offset */
	long long committed;  /* committer time (a rebase or cherry-pick keeps
				 the author's, and sets this anew) */
	int committed_tz;
	char *committer;      /* committer's name, after .mailmap (NULL: unknown) */
	char *subject, *body; /* commit message split at the first blank line; body may be "" */
	char *path;           /* the file's path at this revision, relative to the SITE folder ("content/a/b.md";
				 before it moved into content/, where it was: "wiki/b.md", "../wiki/b.md") */
	char *old_path;       /* for HIST_RENAMED: the path before this commit; else NULL */
	enum hist_change change;
	char blob[41];        /* the file's blob id at this revision ("" for HIST_DELETED) */
	char base[41];        /* its blob in the commit's first parent (the old path's,
				 for a rename): what this revision changed ("": none) */
	uint32_t order;       /* the commit's place in the walk, counted from the
				 oldest: orders commits made in one second */
	/* made on a branch: the merge that brought it onto HEAD's first-parent
	 * line (hex; "" when made on that line), and that merge's author date */
	char merged[41];
	long long merged_time;
	int merged_tz;
	uint32_t merged_order; /* that merge's place in the walk (see order) */
	char *merger;          /* that merge's author, after .mailmap (NULL: none) */
	/* how that merge took the branch's change to the file
	 * (enum hist_merge_fate): nonzero, the guidance never read as this */
	int merge_dropped;
	/* for a merge's own revision: 1 when its text is its first parent's
	 * with a branch's change put in, which that branch's revisions carry
	 * (a clean merge of edits made on both sides: its diff repeats the
	 * branch's change), 2 when it also changed the text itself; else 0 */
	int merge_combined;
	/* in a history as published (published.h): this revision made the
	 * article a draft, taking it off the site (change HIST_DELETED) */
	int taken_down;
};

/* path: the file's newest path (relative to SITE); revs newest first;
 * truncated: older revisions exist but are not in this (shallow) clone;
 * fp: a hash of every field of every revision (made with the history, on
 * whichever thread loads it, so a page's fingerprint takes 16 bytes). */
struct hist_file {
	const char *path;
	const struct hist_rev *revs;
	size_t n;
	int truncated;
	uint64_t fp[2];
};

struct history;

/* Walks the repository holding site_dir once (or reads the cache above).  Never returns NULL: with no
 * repository (no diagnostic), no commits, or a fault it returns an empty
 * history.  Reports real faults (a repository owned by another user, a
 * corrupt object) to d as errors.  Caller frees with hist_free. */
struct history *hist_load(const char *site_dir, struct diag *d);
/* Where git is asked for site_dir's history (a new string): its content/
 * when that holds a repository of its own (a submodule, a clone), else
 * site_dir, from which git searches up as usual. */
char *hist_repo_dir(const char *site_dir);
/* hist_load that reads the cache but, with save_cache 0, writes nothing
 * (quire check must leave the repository as it found it), and compares
 * trees on up to jobs threads (hist_load: one per core; the result is the
 * same whatever jobs). */
struct history *hist_load_ex(const char *site_dir, int save_cache, int jobs, struct diag *d);
/* 1 when hist_load_ex would read site_dir's history from its cache file
 * (it was written at the current HEAD, with the same key): no walk, so
 * the load may run beside other work without raising peak memory.  A
 * wrong guess only costs time. */
int hist_cache_current(const char *site_dir);
/* Completes a loaded history's working-tree state once the sources are
 * known (rel: relative to content/, sorted, with their identities st):
 * hist_load may have taken the last build's state (status.h) and left the
 * sources changed since to this.  With save, keeps the state for the next
 * build.  *asked: how many sources git was asked about one by one
 * (SIZE_MAX: git read the whole state), *by_blob how many of them were
 * told by their blob alone, without git's index.  Call before hist_state;
 * 0, or -1 after reporting a git fault. */
int hist_settle_state(struct history *h, char *const *rel, const struct scan_stat *st, size_t n,
		      int64_t start_ns, int save, size_t *asked, size_t *by_blob, struct diag *d);
/* An empty history, as for a site in no repository (for `history: false`).
 * Caller frees with hist_free. */
struct history *hist_empty(void);

/* A history that ends in the file's deletion (f: as published, newest
 * first), read as the main line saw it: each revision counts from the
 * commit that brought it onto HEAD's first-parent line (its own, or the
 * merge of its branch), and the file's state after such a commit is the
 * newest revision it brought.  When the file was there on the main line
 * and is gone at its end, *del is the revision that took it away (the
 * deletion that ended its last stay there) and *last the one whose text
 * it took away: returns 1.  0 when it never was there (added and deleted
 * on a branch), or is there at the end. */
int hist_withdrawal(const struct hist_file *f, size_t *del, size_t *last);
/* The revision of f in force once the main-line commit at place order
 * (hist_effective_order) had taken effect: the newest of those the last
 * commit up to it brought (a merge that dropped the branch's change
 * brought none), read as hist_withdrawal reads them.  NULL: the file had
 * none yet.  Borrowed. */
const struct hist_rev *hist_rev_at(const struct hist_file *f, uint32_t order);
/* When a revision took effect on the main line: its merge's date when it
 * was made on a branch, its commit's when committed on a later day than
 * written (hist_landed_later), else its own. */
void hist_effective_time(const struct hist_rev *rv, long long *time, int *tz_minutes);
/* The day t (seconds since the epoch) was in, in the offset tz_minutes
 * east of UTC, counted from the epoch's. */
long long hist_day_of(long long t, int tz_minutes);
/* Whether rv, made on the main line, was committed on a later day than
 * it was written (a rebase, a cherry-pick, an amend): it took effect when
 * committed, its effective time. */
int hist_landed_later(const struct hist_rev *rv);
/* Its place on the main line: of two revisions, the one that took effect
 * later has the greater (the walk's order of that commit). */
uint32_t hist_effective_order(const struct hist_rev *rv);

/* Borrowed; NULL when the path (relative to SITE, "content/a/b.md") has no
 * committed history.  O(1). */
const struct hist_file *hist_lookup(const struct history *h, const char *site_path);
/* Whether rv was made by a commit of a shallow clone's boundary (listed
 * in .git/shallow): it holds its files with no parent to compare, so it
 * shows their text then, not a change its author made, nor when the text
 * was last changed.  A clone of some depth past a merge has several. */
int hist_is_boundary(const struct history *h, const struct hist_rev *rv);
/* The newest revision of hf when it is a change someone made (not a
 * boundary), else NULL. */
const struct hist_rev *hist_last_change(const struct history *h, const struct hist_file *hf);
/* Every file with history, live or deleted, sorted by path; borrowed. */
const struct hist_file *hist_files(const struct history *h, size_t *n);
enum hist_state hist_state(const struct history *h, const char *site_path);
/* The articles committed at HEAD ("content/a.md", relative to SITE),
 * sorted; *out is a new array of borrowed strings (caller frees the array). */
size_t hist_live_paths(const struct history *h, const char ***out);
/* 1 when site_path ("content/a.md") is committed at HEAD as a symbolic
 * link, whose history the walk does not follow. */
int hist_is_link(const struct history *h, const char *site_path);
/* Re-reads the working tree's state (git status) without walking history
 * again, for a rebuild whose HEAD did not change.  0 or negative on error
 * (reported to d; states then read as clean).  Not thread-safe: call it
 * between builds, not while pages render. */
int hist_refresh_state(struct history *h, struct diag *d);
/* For a rebuild (quire serve) of a site with history on: when the
 * repository's HEAD (and cache key) still equal old's, refreshes old's
 * working-tree state and returns old; otherwise frees old and returns
 * hist_load(site_dir, d).  old may be NULL.  Caller frees the result. */
struct history *hist_reload(struct history *old, const char *site_dir, struct diag *d);

/* Paths (relative to SITE) that existed at some commit but were renamed
 * away, with the path the file has at HEAD, for automatic redirect pages;
 * sorted by from, one each (of two files renamed away from one path,
 * the later).  A from path that is a source again at HEAD is listed too
 * (the source may be a draft): the caller leaves out the redirect where
 * it makes a page.  Returns the count; *from and *to are borrowed arrays. */
size_t hist_moves(const struct history *h, const char *const **from, const char *const **to);

/* Renames staged with `git mv` and not committed (relative to SITE),
 * sorted by from; *from and *to are new arrays of borrowed strings
 * (caller frees the arrays).  Known once the working tree's state was
 * read whole (hist_settle_state reads it so when a source is new to HEAD,
 * as a rename's new name is). */
size_t hist_staged_moves(const struct history *h, const char ***from, const char ***to);

/* The content of a blob (e.g. an article at a past revision), NUL-
 * terminated, its length in *len (may be NULL); caller frees.  NULL if
 * unreadable or no repository (*len 0), or larger than FS_MAX_FILE, the
 * limit on an article (*len its size: it is not read).  Thread-safe: up to 16 threads read in
 * parallel, each on its own repository handle (a fast-import pack that was
 * never repacked has long forward delta chains and reads slowly). */
char *hist_read_blob(struct history *h, const char *blob_hex, size_t *len);
/* hist_read_blob with a limit of max bytes (an attachment's, not an
 * article's). */
char *hist_read_blob_upto(struct history *h, const char *blob_hex, size_t max, size_t *len);
/* Whether commit_hex's tree has a file (not a link or submodule) at
 * site_path (relative to SITE): 1 with its blob id in blob_hex and its
 * size in *size, else 0; -1 when git could not be read (a damaged or
 * partial clone).  Thread-safe, as hist_read_blob. */
int hist_blob_in_commit(struct history *h, const char *commit_hex, const char *site_path, char blob_hex[41],
			size_t *size);

/* Closes the blob readers not in use (each maps the pack files): they are
 * opened again on demand. */
void hist_release_readers(struct history *h);
int hist_is_shallow(const struct history *h);
/* 0 when the site is in no git repository (or none git can read). */
int hist_in_repo(const struct history *h);
/* 1 when hist_load read the revisions from the cache instead of walking. */
int hist_from_cache(const struct history *h);
/* For the fuzzer and tests: fills h, fresh from hist_empty, from a cache
 * file's bytes (data borrowed).  0, or -1 when the bytes are not a whole,
 * well-formed cache (h then stays empty).  Never trusts a size or an
 * offset.  The file's checksum is left to hist_load, so a fuzzer can reach
 * the structure behind it. */
int hist_cache_parse(struct history *h, const void *data, size_t len);
/* HEAD commit hex, or "" — the key for caching.  Borrowed. */
const char *hist_head(const struct history *h);
/* When HEAD was committed (its committer date: seconds since the epoch,
 * and the committer's UTC offset in minutes), read the first time it is
 * asked for.  0, or -1 when there is no HEAD or it cannot be read.  Not
 * thread-safe: call it from one thread at a time. */
int hist_head_time(struct history *h, long long *time, int *tz_minutes);

/* A date as pages show it, "20 April 2026", and as ISO 8601,
 * "2026-04-20T09:30:00+01:00", both in the offset given (the author's,
 * never the builder's time zone: the same on every machine).  Caller
 * frees. */
char *hist_date_human(long long t, int tz_minutes);
char *hist_date_iso(long long t, int tz_minutes);
/* "21:59 UTC+1", or with seconds "21:59:46 UTC+1", in the same offset,
 * which it names ("UTC", "UTC+5:30", "UTC-3"). */
char *hist_time_hm(long long t, int tz_minutes, int seconds);
/* 0: a and b were made on different days (each in its own offset);
 * 1: on the same day; 2: in the same minute. */
int hist_closeness(const struct hist_rev *a, const struct hist_rev *b);
void hist_free(struct history *h);

#endif
