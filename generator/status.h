/* status: which Markdown sources have uncommitted changes (git status),
 * with what the last build learnt of it kept in the git dir, so that a
 * rebuild asks git only about the files that changed since.
 *
 * A source's state is git's: staged or unstaged changes against HEAD.
 * The memo (<gitdir>/quire/status-v1-<hash of the site folder>.bin,
 * written atomically) holds HEAD, the identity of git's index file and,
 * per source, its identity as the scan found it (see scan_stat) and its
 * state.  It is used only at the same HEAD with the same index file (git
 * replaces the index through a lock file: any change is a new file), and
 * per source only for the same identity.  A source or an index changed in
 * the two seconds before a build is never remembered (sources_settled),
 * since a second change within one tick of the file system's clock could
 * leave its identity as it was. */
#ifndef QUIRE_STATUS_H
#define QUIRE_STATUS_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

#include "scan.h"

/* git's index file: present or not, and its identity. */
struct status_index {
	int present;
	struct scan_stat st;
};

void status_index_of(git_repository *repo, struct status_index *out);

struct status_memo;

/* The memo of the site at prefix, made at head with the index ix; NULL
 * when there is none such (or it is damaged). */
struct status_memo *status_memo_load(git_repository *repo, const char *prefix, const git_oid *head,
				     const struct status_index *ix);

/* Sources (rel: relative to content/, with their identities st) the memo
 * does not vouch for: their indices into changed (n entries, caller
 * frees), in order.  Sets dirty[i] for the others. */
size_t status_memo_apply(const struct status_memo *m, char *const *rel, const struct scan_stat *st, size_t n,
			 unsigned char *dirty, size_t **changed);

/* The blob id git would store for the file at path (relative to the work
 * tree) as it is now, hashed from its bytes when no attributes file can
 * apply a filter to it (none in the work tree above it, in the git dir,
 * nor a global or system one) and it has no CR (which core.autocrlf may
 * change): 1 and *out; else 0, and git must be asked, as git's filters
 * read its index (5% of a rebuild's instructions at 10,000 articles). */
int status_plain_blob(git_repository *repo, const char *path, git_oid *out);

/* git's answer for one source (path: in the work tree, as
 * status_plain_blob's): 1 with uncommitted changes, 0 without, -1 when
 * git cannot tell.  A change of file mode alone is none (below). */
int status_of_file(git_repository *repo, const char *path);

/* 1 when git's status flags for path (in the work tree) say modified only
 * because its mode changed (chmod +x, a checkout onto a disk that keeps
 * no modes, staged or not): its bytes, and the index's, are HEAD's blob,
 * so readers see what was committed.  0 otherwise, or when it cannot
 * tell. */
int status_mode_only(git_repository *repo, const char *path, unsigned int flags);

/* Saves the memo for the n sources with their states dirty (silent on
 * failure: a read-only git dir just has none). */
void status_memo_save(git_repository *repo, const char *prefix, const git_oid *head,
		      const struct status_index *ix, char *const *rel, const struct scan_stat *st,
		      const unsigned char *dirty, size_t n, int64_t start_ns);

void status_memo_free(struct status_memo *m);

#endif
