/* published: an article's history as staff may read it.  A revision made
 * while the article's front matter said `draft: true`, or while it lay
 * where the site reads no source (a hidden folder such as ".drafts/"), was
 * never published, and a draft may hold advice nobody has checked yet (a
 * move into such a folder reads as the article's deletion): unless a
 * build includes drafts (--drafts), such revisions are left out of the
 * article's history page, its past versions, its revision count and the
 * recent changes.  A revision that was published is then shown against
 * the version published before it, or as new when none was.
 *
 * A site's on_page handlers judge each version too (past_judge): one
 * they hide (page.draft = true), or fail on, is left out the same way.
 *
 * Whether a version was a draft is known only by reading it, so what
 * builds learn is kept in the build cache (blob id -> draft or not; where
 * handlers judge, a table per set of scripts, blob id and path -> hidden
 * or not, and for a verdict that read quire.head, the head too): a
 * rebuild reads no past version for it. */
#ifndef QUIRE_PUBLISHED_H
#define QUIRE_PUBLISHED_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"
#include "cache.h"
#include "history.h"

/* How a build's on_page handlers judge a past version.  judge: 1 when
 * they hide the version of the file at path (relative to SITE, as it was
 * then) whose front matter parsed to fm (borrowed) and whose Markdown
 * body is body; 0 when not; -1 when a handler failed on it (what failed
 * in why; the version is hidden all the same).  *by_head: the verdict
 * may depend on quire.head.  Called from any thread. */
struct past_judge {
	int (*judge)(void *ctx, const char *path, const json_t *fm, const char *body, int *by_head,
		     struct buf *why);
	void *ctx;
	uint64_t scripts[2]; /* what every verdict depends on (the scripts) */
	const char *head;    /* HEAD's id, for the verdicts that read quire.head */
};

/* What earlier builds learnt; read-only once loaded (any thread). */
struct draft_blobs;

/* The cache's table, or an empty one (c may be NULL), for versions
 * judged by their front matter and, when judge is not NULL (borrowed: it
 * must outlive the table), by judge.  Never NULL. */
struct draft_blobs *draft_blobs_load(struct cache *c, const struct past_judge *judge);
/* 1: blob_hex (40 hex digits) at path was a draft or hidden; 2: broken
 * (see draft_query); 0: neither; -1: not known.  *by_head (may be NULL): the answer holds for this
 * head only. */
int draft_blobs_get(const struct draft_blobs *t, const char *blob_hex, const char *path, int *by_head);
/* 1 when the history of fingerprint fp (hist_file.fp) was found to hide
 * nothing: most are, and this is one lookup, not one per revision. */
int draft_blobs_clean(const struct draft_blobs *t, const uint64_t fp[2]);
/* Appends what was learnt of blob_hex at path to learnt (a buffer per
 * thread or page; draft_blobs_save merges them); by_head: the verdict
 * read quire.head. */
void draft_blobs_note(const struct draft_blobs *t, struct buf *learnt, const char *blob_hex, const char *path,
		      int draft, int by_head);
/* Stores the table with the n buffers of notes merged in and, as its
 * histories that hide nothing, the nclean fingerprints clean (the
 * build's: those of histories gone are dropped), unless it would store
 * what it holds already. */
void draft_blobs_save(const struct draft_blobs *t, struct cache *c, const struct buf *learnt, size_t n,
		      const uint64_t (*clean)[2], size_t nclean);
void draft_blobs_free(struct draft_blobs *t);

/* Answers whether blob_hex, the file at path (relative to SITE) then,
 * was a draft (or hidden by a handler): 1; broken (VERSION_BROKEN, or a
 * handler failed on it): 2; published: 0; or -1 when it cannot tell. */
typedef int (*draft_query)(void *ctx, const char *blob_hex, const char *path);

/* hf as published.  Returns 0 with *out NULL when hf hides nothing, or a
 * new file (free with hist_published_free; its strings are hf's) and, in
 * orig[j] (room for hf->n), the place in hf of its revision j.  Returns -1
 * (and *out NULL) as soon as is_draft answers -1. */
int hist_published(const struct hist_file *hf, draft_query is_draft, void *ctx, struct hist_file **out,
		   size_t *orig);
void hist_published_free(struct hist_file *f);
/* hf as a build that shows drafts (--drafts) reads it: a move into a
 * folder the site does not read (".archive/") still took the article
 * away, and what was done to the file there since is no revision of the
 * article; nor is one made in such a folder before it came into place
 * (".drafts/").  Returns a new file as hist_published does (*out NULL
 * when hf holds no such revision). */
void hist_in_sight(const struct hist_file *hf, struct hist_file **out);
/* Whether rv moved the file into a folder the site does not read
 * (".archive/") from where it was published: to staff, the article went,
 * and its published history reads the move as a deletion. */
int hist_moved_out_of_sight(const struct hist_rev *rv);
/* Whether the file at path (relative to SITE) was where the site reads no
 * source: in a folder the scan skips (".drafts/"), so never published. */
int hist_unlisted(const char *path);

/* What a version whose front matter parsed to fm (NULL: it has none, or
 * it does not parse), with parse errors (fm_errors) or without, was to a
 * build: published (a mapping with a non-empty title whose `draft` is
 * missing or false), a draft (the same with `draft: true`: when it
 * follows a published version, the article was taken off the site), or
 * broken (anything else: a build would have failed on it, and the site
 * stayed as it was). */
enum version_verdict { VERSION_PUBLISHED, VERSION_DRAFT, VERSION_BROKEN };
enum version_verdict version_verdict(const json_t *fm, int fm_errors);
/* Whether version_verdict is VERSION_PUBLISHED.  The rule for a past version's front
 * matter; its text must also hold no merge conflict (fm_conflict_line),
 * which both callers check. */
int published_version(const json_t *fm, int fm_errors);

/* hf as published, as hist_published gives it (*out NULL when it hides
 * nothing), deciding each version from t where t knows it and otherwise
 * by reading it from h's repository (a version git cannot read counts
 * as never published) and asking judge (may be NULL).  What it reads is
 * not noted in t: the pages stage learns it again.  For the hooks, which
 * run before that stage. */
void hist_published_read(struct history *h, const struct draft_blobs *t, const struct past_judge *judge,
			 const struct hist_file *hf, struct hist_file **out);

#endif
