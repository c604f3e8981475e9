/* build: runs the pipeline — scan → front matter → history → hooks (page)
 * → markdown → links → hooks (site) → templates → output — for `build`,
 * `check` and `serve`.  Holds the state of one run. */
#ifndef QUIRE_BUILD_H
#define QUIRE_BUILD_H

#include <signal.h>

#include "diag.h"

/* What one build can hand the next inside one process (quire serve): the
 * history, reused while HEAD is unchanged. */
struct build_cache {
	struct history *hist;
};

void build_cache_free(struct build_cache *c);

struct build_opts {
	const char *site_dir;  /* SITE */
	const char *out_dir;   /* OUT; NULL means SITE/public */
	int jobs;              /* render threads; 0 = one per core */
	int drafts;            /* include draft: true pages */
	int check_only;        /* validate everything, write nothing */
	int force;             /* replace a non-empty OUT quire did not make */
	int strict;            /* a warning (not a hook's log) fails the build */
	const char *bundle;    /* also write the site as this zip, or NULL */
	const char *extra_head;/* HTML added to every page's <head> (serve) */
	const char *root_url;  /* where the site's root is served, for the 404
				  page (serve: "/"); NULL: base_url's path */
	int new_files;         /* write no file in place (serve: see OUTPUT_NEW_FILES) */
	volatile sig_atomic_t *stop; /* set by a signal handler: abandon the build */
	struct build_cache *cache;   /* NULL, or kept by the caller across builds */
	void **keep;           /* non-NULL: the run's memory is handed over here,
				  not freed (a process about to exit: freeing a
				  large site's blocks one by one was a tenth of a
				  rebuild) */
	/* Non-NULL: libgit2 may still be setting up on another thread (main);
	 * the build calls this, with git_ctx, before it first uses libgit2
	 * on a thread, and it returns once libgit2 is set up. */
	void (*git_ready)(void *git_ctx);
	void *git_ctx;
};

struct build_stats {
	int pages;      /* files written from templates */
	int articles;
	int drafts;     /* drafts left out (built without --drafts) */
	int drafts_in;  /* drafts built (--drafts) */
	double ms;
};

/* Returns 0 on success, 1 when the site has errors (all reported to d),
 * 2 on a usage or environment fault.  OUT is replaced only on success. */
int build_run(const struct build_opts *o, struct diag *d, struct build_stats *st);

#endif
