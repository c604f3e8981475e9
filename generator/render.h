/* render: the templates stage.  Builds each page's template context (one
 * json_t per page: DESIGN.md's data model), renders it through the theme,
 * and writes every output file: articles, sections, home, tags, the A–Z
 * index, search, 404, history and past versions, recent changes, redirects,
 * sitemap and feed. */
#ifndef QUIRE_RENDER_H
#define QUIRE_RENDER_H

#include "cache.h"
#include "history.h"
#include "links.h"
#include "output.h"
#include "search.h"
#include "site.h"
#include "template.h"

#include <signal.h>

struct md_doc;

struct shape;
struct past_judge;

struct render_env {
	struct shape *shape;    /* filled in by render_site */
	volatile sig_atomic_t *stop; /* a signal asked the build to stop */
	struct site *site;
	const struct tmpl_set *tmpl;
	struct history *hist;   /* NULL when history is off */
	const struct links_index *ix;
	struct output *out;     /* NULL: check only, write nothing */
	struct diag *d;
	int jobs;
	const char *extra_head; /* raw HTML for <head>, e.g. serve's reload script */
	const char *root_url;   /* see build_opts.root_url */
	const char *build_id;   /* changes whenever any output may change */
	struct cache *cache;    /* NULL: render past versions and diffs afresh */
	struct cache_key link_env; /* what links in Markdown resolve against */
	/* per page, its part of link_env (NULL: none), and the pages' keys
	 * in order (see links_page_env) */
	const struct links_page_env *page_env;
	struct cache_key env_pages;
	int pages_written;
	int pages_rendered;     /* of them, made from their templates (not linked) */
	int print_articles;     /* articles print.html holds */
	int print_parsed;       /* of them, rendered from Markdown (not cached) */
	int timings;            /* QUIRE_TIMINGS: print each step's time; 2
				   (QUIRE_TIMINGS=pages): and each file rendered */
	struct cache_key render_key; /* theme and site.yml (see output_reuse) */
	int fp_build_id;        /* a template mentions build_id: it is part of fingerprints */
	struct hist_notes *notes;  /* per page: entries put together (render_site) */
	struct fines_table *fines; /* past versions' fine keys (render_site) */
	/* per page, looked up once (render_site): its history (NULL: none)
	 * and working-tree state */
	const struct hist_file **hist_of;
	signed char *state_of;
	uint32_t *born; /* the walk's order of its oldest revision (links_ctx.born) */
	/* Histories as published (published.h), unless hide_drafts is 0
	 * (--drafts): what earlier builds learnt of versions, and per page
	 * its own history when that hides revisions, whether a version must
	 * be read to tell, and what was learnt (all render_site's) */
	int hide_drafts;
	/* the site's on_page handlers, judging past versions as well (NULL:
	 * there are none) */
	const struct past_judge *judge;
	struct draft_blobs *drafts;
	struct hist_file **published;
	/* with hide_drafts 0, per withdrawn page: its history as such a
	 * build reads it (hist_in_sight) when that differs, else NULL */
	struct hist_file **sighted;
	/* per page: for a section page quire makes, the withdrawn record of
	 * the folder's own page at its address, else -1 (NULL: none at all) */
	int *former;
	char *drafts_unread; /* 1: to read; 2: settled, but not to be kept as
				hiding nothing (a version unread, or a verdict
				that read quire.head); 0: settled */
	struct buf *drafts_learnt;
	/* Reads (or makes again) the html and text of a page with html_lazy
	 * set; called from one thread per page at a time. */
	void (*load_html)(void *ctx, struct page *p);
	void *load_ctx;
	int html_plain;         /* page HTML is Markdown rendered as is (no Lua filter) */
	/* With Lua filters: parses a page's Markdown as its page was parsed
	 * (filters and all), and adds to a key what the filters' work on the
	 * page depends on besides its Markdown (NULL: that cannot be keyed) */
	void (*parse)(void *ctx, struct page *p, struct md_doc *doc);
	void (*key_filters)(void *ctx, const struct page *p, struct cache_keybuf *kb);
	/* With no output (quire check): the one page whose history pages are
	 * made, to try the theme's history templates (render_site).  Past
	 * versions report nothing (their links are history), and making them
	 * all was most of a check of a large site. */
	long history_sample;
	/* the attachments past versions link, as they were (NULL: none are
	 * written, as in quire check) */
	struct past_files *past_files;
	/* titles past versions' wiki links show: blob -> its title (render.c) */
	struct titles_then *titles;
};

/* Larger sites get no single-file handbook (print.html): it would be tens
 * of MB. */
#define RENDER_PRINT_MAX_ARTICLES 1000

/* Templates every theme must provide. */
extern const char *const render_required_templates[];

/* Renders and writes everything.  Returns 0 or -1 after reporting. */
int render_site(struct render_env *env);

/* What render_site says of the tags (two that would write one page, one
 * a slip from another), for a build that has errors and renders nothing:
 * every problem is told, not only those found first. */
void render_tag_problems(const struct site *s, struct diag *d);

/* Routes jansson's allocations through render's page arenas (render.c).
 * main calls it once, before any JSON value exists: one made before could
 * not be freed after. */
void render_json_install(void);

#endif
