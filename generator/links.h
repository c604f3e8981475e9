/* links: resolves every link an article makes — relative links to .md
 * sources, wiki links by file name or title, #anchors, assets — into
 * relative .html URLs, reporting broken ones at their line:col, and
 * derives backlinks and related pages from the result.  Between builds
 * it tells which links a title or heading edit can answer differently
 * (links_table). */
#ifndef QUIRE_LINKS_H
#define QUIRE_LINKS_H

#include "buf.h"
#include "cache.h"
#include "markdown.h"
#include "site.h"

struct links_index;
struct past_files;

/* Builds the name and title lookup for wiki links over every page of s (on up to jobs threads).
 * Call after all pages are added. */
struct links_index *links_index_new(const struct site *s, int jobs);
/* A name or title as wiki links look it up: lower case, and the curly
 * quotes, dashes and ellipsis Markdown's smart punctuation makes of a
 * link's text put back as typed (' " -- --- ...), so [[Employer's duties]]
 * finds that title whichever quote either was written with.  New string. */
char *links_fold(const char *s);
/* Calls fn with each set of pages (by index, in site order) sharing a
 * title as wiki links compare titles. */
void links_same_titles(const struct links_index *ix, void (*fn)(void *ctx, const int *pages, size_t n), void *ctx);
void links_index_free(struct links_index *ix);

/* What links_resolve reads about one page, in hashes: all of it (key,
 * names, title, heading ids), and its lower-case title and file name as
 * wiki links look them up.  Two builds' records of the same pages tell
 * which links a title or heading edit can answer differently. */
struct links_page_env {
	uint64_t all[2];
	uint64_t title, name;
};

void links_page_env(const struct page *p, struct links_page_env *out);

/* A list of page indices. */
struct links_list {
	int *v;
	size_t n;
};

/* The lookups some links made that another page's change could answer
 * differently: wiki names (hashed as links_page_env hashes titles) and
 * the pages linked to.  links_sig_tidy sorts both, without repeats. */
struct links_sig {
	uint64_t *names;
	size_t nnames, capn;
	struct links_list pages;
};

void links_sig_tidy(struct links_sig *s);
void links_sig_free(struct links_sig *s);

/* The pages whose records differ between two builds of the same pages,
 * and their old and new titles and names. */
struct links_change {
	unsigned char *page; /* per page: 1 when it changed */
	uint64_t *names;     /* sorted */
	size_t nnames, nchanged;
};

void links_change_make(struct links_change *ch, const struct links_page_env *old,
		       const struct links_page_env *cur, size_t n);
int links_change_names(const struct links_change *ch, uint64_t name);
void links_change_free(struct links_change *ch);

/* A record per page kept between builds (a cache entry), headed by the
 * link environment it was made in: u32 npages, the key of the pages'
 * keys and assets in order, each page's links_page_env; then per page
 * u32 length (0: no record), that many bytes of payload and the lookups
 * its links made (links_sig: u32 and u64 names, u32 and u32 pages).  A
 * record stands while none of them meets a page changed since, and its
 * own page has not changed either. */
struct links_table {
	const char *data;
	char *own;        /* data, when it could not be viewed in place */
	size_t len, n;
	size_t *at;       /* per page: its standing record's offset, or SIZE_MAX */
	size_t *rlen;     /* and its length */
	size_t changed;   /* pages changed since it was made */
	int usable;       /* it is of the same pages */
};

/* Opens the table under k for this build's pages and env.  With
 * changes_only, a table made in this very environment is taken as usable
 * with no record standing (its user has no need of them then). */
void links_table_open(struct links_table *t, struct cache *c, const struct cache_key *k, size_t npages,
		      const struct cache_key *pages, const struct links_page_env *env, int changes_only);
/* links_table_open's reading of t->data (t->len bytes; NULL: no table). */
void links_table_parse(struct links_table *t, size_t npages, const struct cache_key *pages,
		       const struct links_page_env *env, int changes_only);
/* Page i's standing record's payload (and its length), or NULL. */
const char *links_table_payload(const struct links_table *t, size_t i, size_t *len);
/* A record of payload and sig (tidied), in b (emptied first). */
void links_table_record(struct buf *b, const void *payload, size_t len, struct links_sig *sig);
/* Puts the table anew: page i's record from fresh[i], else the standing
 * one of old (may be NULL), else none. */
void links_table_put(struct cache *c, const struct cache_key *k, size_t npages, const struct cache_key *pages,
		     const struct links_page_env *env, const struct buf *fresh, const struct links_table *old);
void links_table_close(struct links_table *t);

/* State for resolving the links of one page (use as md_link_fn ctx). */
struct links_ctx {
	const struct site *site;
	const struct links_index *ix;
	const struct page *page;
	const char *out_path;  /* the file being written (a past version differs) */
	const char *dir;       /* the folder inside content/ its links were written
				  in (a past version's, where it was then; NULL:
				  the page's) */
	struct diag *d;        /* NULL: report nothing */
	int no_hints;          /* problems are only counted (their messages are
				  dropped): no "did you mean" is worked out */
	int past;              /* a past version: missing targets become text */
	/* a past version's attachments are those of its commit rev (NULL:
	 * today's), each noted in files_used (NULL: not noted) as its output
	 * path and blob id; rev_bound is set when an answer came from rev */
	struct past_files *files;
	const char *rev;
	struct buf *files_used;
	int rev_bound;
	/* a past version's own headings and footnote ids, which its
	 * same-page links lead to (own: set; else the page's) */
	int own;
	const struct heading *own_h;
	size_t own_nh;
	const json_t *own_fn;
	/* a past version made by the commit at rev_order in the history's
	 * walk: a page whose first revision came after it (born, per page)
	 * did not exist then, and is not what the link meant (NULL: any) */
	const uint32_t *born;
	uint32_t rev_order;
	/* a past version's wiki link shows its article by the title it had
	 * then: title_then's answer for that page at rev_order (a new
	 * string; NULL: today's).  want_title: links_resolve's link shows
	 * one. */
	char *(*title_then)(void *ctx, int page, uint32_t order);
	void *title_ctx;
	/* a past version's wiki link by title means the article that held
	 * the title at rev_order (NULL: the one that holds it today):
	 * titled_then gives (in v, borrowed) the pages that ever had the
	 * title key as wiki links fold it, held_title whether page had it
	 * at order (both with title_ctx) */
	size_t (*titled_then)(void *ctx, const char *key, const int **v);
	int (*held_title)(void *ctx, int page, const char *key, uint32_t order);
	int want_title;
	/* a past version's link to a heading (or footnote) id that page no
	 * longer has: heading_then's answer, the output path of that page's
	 * revision in force at rev_order when that version was published
	 * with the id (a new string; NULL: none, the link leads to today's
	 * page).  Its ctx is title_ctx; what it read of the page's history
	 * is noted in heads_used (NULL: not noted), for whoever keeps the
	 * answer to tell when it no longer holds. */
	char *(*heading_then)(void *ctx, int page, uint32_t order, const char *id, const char *rev,
			      struct buf *used);
	struct buf *heads_used;
	const char *anchor_prefix; /* same-page #anchors get this (print.html) */
	int *targets;          /* pages linked to (filled in) */
	size_t ntargets, cap;
	struct links_sig *sig; /* NULL, or what the lookups made are noted in */
	/* a past version: the paths articles were moved away from, sorted,
	 * and where each is now (hist_moves), so a link to an old name leads
	 * to the article under its new one */
	const char *const *moved_from, *const *moved_to;
	size_t nmoved;
	/* for hints: the articles whose history ends in their deletion, or
	 * a move into a folder the site does not read, or deleted in the
	 * working tree ("content/a.md"), and the hint for a link to each
	 * ("git shows the article was deleted on 3 February 2026 by …") */
	const char *const *gone, *const *gone_note, *const *gone_title; /* (a title may be NULL) */
	size_t ngone;
};

/* Whether links_resolve makes a (non-wiki) link external: that depends on
 * its URL alone. */
int links_is_external(const char *url, int is_image);
/* Whether links_resolve replaces a (non-wiki) link by its text: an
 * address cmark-gfm's safe mode would empty (javascript:, vbscript:,
 * file:, data:), unless the site lets raw HTML through. */
int links_is_dropped(const char *url, int is_image, int unsafe_html);

/* The attachment that a Markdown link to url written in folder dir names:
 * its place in the site's assets, or -1; wiki links name pages. */
long links_asset_of(const struct site *s, const char *dir, const char *url, int wiki);

void links_resolve(void *ctx, const char *url, int wiki, int is_image,
		   int line, int col, struct md_link_result *res);

/* Hashes a link as written and links_resolve's answer for it into kb
 * (with target, the page it counted, or -1 to leave that out).  Two
 * renders of one body whose links got the same answers are the same:
 * line and column only place problems, and what has problems is never
 * cached.  A wiki link's target title counts only where it shows. */
struct cache_keybuf;
void links_note(struct cache_keybuf *kb, const char *url, int wiki, int is_image,
		const struct md_link_result *res, int target);

/* Resolves the n links as written, as a render of their document would,
 * noting each in kb (with the pages counted when targets is set), then n.
 * Returns 0, or -1 when one has a problem: c->d must then be a private
 * collector, and the digest stands for nothing. */
int links_digest(struct links_ctx *c, const struct rawlink *ls, size_t n, int targets,
		 struct cache_keybuf *kb);

/* Moves the targets found into page->links_to (sorted, unique). */
void links_finish(struct links_ctx *c, struct page *p);

/* 1 when p's text links to each of the n pages v, and n > 0 (a section
 * page that introduces every article itself need not list them again). */
int links_every(const struct page *p, const int *v, size_t n);

/* The site's link graph, computed once per build after every page's
 * links_to is known: for each page, the pages linking to it (in page
 * order) and up to max_related articles sharing its tags (most shared
 * first, then by title), worked out on up to jobs threads. */
struct links_graph {
	struct links_list *back, *related;
	size_t n;
};

/* Backlinks, and up to max_related related pages per page (by shared
 * tags); c (NULL: none) keeps the related pages for the next build. */
struct cache;
struct links_graph *links_graph_new(const struct site *s, size_t max_related, int jobs,
				    struct cache *c);
void links_graph_free(struct links_graph *g);

#endif
