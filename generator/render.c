/* render: template contexts and every output file. */
#include "render.h"

#include <ctype.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "fsutil.h"
#include "feeds.h"
#include "feeds_change.h"
#include "frontmatter.h"
#include "markdown.h"
#include "message.h"
#include "near.h"
#include "par.h"
#include "pastfiles.h"
#include "published.h"
#include "revdiff.h"
#include "slug.h"
#include "strmap.h"

const char *const render_required_templates[] = {
	"article", "section", "home", "page", "tag", "tags", "az", "search",
	"404", "history", "revision", "changes", "redirect", NULL,
};

/* ---- small json helpers ---------------------------------------------- */

/* json_string refuses invalid UTF-8; sources are checked, but text from
 * git history is not, so fall back to a sanitised copy. */
static json_t *jstr(const char *s)
{
	/* pages' HTML is most of what passes here: checked eight bytes at a
	 * time, it is not checked again byte by byte */
	size_t n = s ? strlen(s) : 0;
	json_t *v = s && utf8_is_valid(s, n) ? json_stringn_nocheck(s, n) : json_string(s ? s : "");
	if (v)
		return v;
	char *c = xstrdup(s);
	for (char *p = c; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	v = json_string(c);
	free(c);
	return v ? v : json_string("");
}

/* A revision listed above another (newer) whose own date is earlier: made
 * later, further west.  Both give the time then, with its zone. */
static int dates_reversed(const struct hist_rev *newer, const struct hist_rev *older)
{
	return hist_day_of(newer->time, newer->tz_minutes) < hist_day_of(older->time, older->tz_minutes);
}

/* How close revision k of hf (newest first) is to the one before or after
 * it (hist_closeness).  Headings that differ only by their subject would
 * read as one day's entry twice, so those carry the time (to the second
 * within a minute). */
static int shares_date(const struct hist_file *hf, size_t k)
{
	int a = k > 0 ? hist_closeness(&hf->revs[k - 1], &hf->revs[k]) : 0;
	int b = k + 1 < hf->n ? hist_closeness(&hf->revs[k + 1], &hf->revs[k]) : 0;
	if (!a && k > 0 && dates_reversed(&hf->revs[k - 1], &hf->revs[k]))
		a = 1;
	if (!b && k + 1 < hf->n && dates_reversed(&hf->revs[k], &hf->revs[k + 1]))
		b = 1;
	return a > b ? a : b;
}

static void set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, jstr(v));
}

static void set_own(json_t *o, const char *k, char *v)
{
	json_object_set_new(o, k, jstr(v));
	free(v);
}

/* v, or false (not missing, so that a section does not find the key up
 * the context stack) when v is NULL. */
static void set_str_or_false(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, v ? jstr(v) : json_false());
}

/* Who committed rv, when not its author (names after .mailmap): NULL
 * when the same, or not known. */
static const char *other_committer(const struct hist_rev *rv)
{
	return rv->committer && *rv->committer && strcmp(rv->committer, rv->author) ? rv->committer : NULL;
}

/* {date, iso, time_of_day}: time_of_day is false unless close (what shares_date
 * says; false, not missing, so that a section does not find one up
 * the context stack). */
static void set_when(json_t *o, const struct hist_rev *rv, int close)
{
	set_own(o, "date", hist_date_human(rv->time, rv->tz_minutes));
	set_own(o, "iso", hist_date_iso(rv->time, rv->tz_minutes));
	if (close)
		set_own(o, "time_of_day", hist_time_hm(rv->time, rv->tz_minutes, close == 2));
	else
		json_object_set_new(o, "time_of_day", json_false());
	/* made on a branch: when it joined the main line (false, not
	 * missing, for the same reason) */
	if (rv->merged[0]) {
		json_t *m = json_object();
		set_own(m, "date", hist_date_human(rv->merged_time, rv->merged_tz));
		set_own(m, "iso", hist_date_iso(rv->merged_time, rv->merged_tz));
		set_own(m, "short_id", xstrndup(rv->merged, 10));
		set_str_or_false(m, "by", rv->merger && *rv->merger ? rv->merger : NULL);
		/* (dropped: never the guidance; settled: because the merge
		 * settled it with other text, not because it kept the main
		 * line's) */
		json_object_set_new(m, "dropped", json_boolean(rv->merge_dropped));
		json_object_set_new(m, "settled", json_boolean(rv->merge_dropped == HIST_MERGE_SETTLED));
		json_object_set_new(o, "merged", m);
	} else {
		json_object_set_new(o, "merged", json_false());
	}
	/* a merge that put a branch's change beside the main line's: its
	 * diff repeats that change, which the branch's revision carries */
	if (rv->merge_combined) {
		json_t *c = json_object();
		json_object_set_new(c, "own", json_boolean(rv->merge_combined == 2));
		json_object_set_new(o, "combined", c);
	} else {
		json_object_set_new(o, "combined", json_false());
	}
	/* written one day, committed (rebased, cherry-picked) a later one:
	 * when it became the guidance */
	if (hist_landed_later(rv)) {
		json_t *l = json_object();
		set_own(l, "date", hist_date_human(rv->committed, rv->committed_tz));
		set_own(l, "iso", hist_date_iso(rv->committed, rv->committed_tz));
		set_str_or_false(l, "by", other_committer(rv));
		json_object_set_new(o, "landed", l);
	} else {
		json_object_set_new(o, "landed", json_false());
	}
	/* who put it in the repository, when not its author (a patch
	 * applied, a commit amended, a rebase by another) */
	set_str_or_false(o, "committed_by", other_committer(rv));
}

/* Text quire made valid UTF-8 itself, so not checked again: most of the
 * bytes a context holds are such HTML. */
static void set_valid(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, json_stringn_nocheck(v, strlen(v)));
}

/* A page's HTML as Markdown renders it is valid UTF-8: sources are
 * checked when read, past versions made valid (version_load), hook
 * pages' HTML checked by the bridge.  A Lua filter may put any bytes in
 * it, so then it is checked. */
static void set_html(const struct render_env *e, json_t *o, const char *html)
{
	if (e->html_plain)
		set_valid(o, "content", html);
	else
		set_str(o, "content", html);
}

/* ---- the site's shape ------------------------------------------------ */

/* The section page of folder dir ("" for the top: the home page), or of
 * the nearest folder above it that has one that is no withdrawal notice
 * (a withdrawn index.md is no section), or -1. */
static int nearest_section(const struct site *s, const char *dir)
{
	char *d = xstrdup(dir);
	int i = -1;
	for (;;) {
		char *key = *d ? xasprintf("%s/index", d) : xstrdup("index");
		i = site_find(s, key);
		free(key);
		char *slash = strrchr(d, '/');
		if ((i >= 0 && s->pages[i]->kind != PAGE_WITHDRAWN) || !*d)
			break;
		if (slash)
			*slash = '\0';
		else
			*d = '\0';
	}
	free(d);
	return i >= 0 && s->pages[i]->kind == PAGE_WITHDRAWN ? -1 : i;
}

static int section_key(const struct site *s, const struct page *p)
{
	if (p->kind == PAGE_HOME)
		return -1;
	char *key;
	if (p->kind == PAGE_SECTION) {
		const char *slash = strrchr(p->dir, '/');
		key = slash ? xasprintf("%.*s/index", (int)(slash - p->dir), p->dir) : xstrdup("index");
	} else {
		key = *p->dir ? xasprintf("%s/index", p->dir) : xstrdup("index");
	}
	int i = site_find(s, key);
	free(key);
	/* A page added at "x/index" is found for its own folder: its section
	 * is the folder above, as a section page's is. */
	if (i >= 0 && s->pages[i] == p) {
		const char *slash = strrchr(p->dir, '/');
		key = slash ? xasprintf("%.*s/index", (int)(slash - p->dir), p->dir) : xstrdup("index");
		i = *p->dir ? site_find(s, key) : -1;
		free(key);
		if (i >= 0 && s->pages[i] == p)
			i = -1;
	}
	/* withdrawn guidance whose folder went with it, or a page below a
	 * withdrawn index.md: the nearest folder above that is a section */
	if ((i < 0 && p->kind == PAGE_WITHDRAWN && *p->dir) || (i >= 0 && s->pages[i]->kind == PAGE_WITHDRAWN)) {
		const char *dir = i >= 0 ? s->pages[i]->dir : p->dir;
		char *up = xstrdup(dir), *slash = strrchr(up, '/');
		if (i >= 0 || p->kind == PAGE_WITHDRAWN)
			slash ? (void)(*slash = '\0') : (void)(*up = '\0');
		i = nearest_section(s, up);
		free(up);
	}
	return i;
}

/* Pages compared by their titles, each looked up once per build, not
 * once per comparison. */
struct order {
	const struct site *s;
	const char *const *title; /* per page */
};

/* Reading order: weight, then title, then key, so it never depends on
 * the order pages were found in. */
static int cmp_reading(const void *a, const void *b, void *ctx)
{
	const struct order *o = ctx;
	int i = *(const int *)a, j = *(const int *)b;
	const struct page *x = o->s->pages[i], *y = o->s->pages[j];
	if (x->weight != y->weight)
		return x->weight < y->weight ? -1 : 1;
	int c = strcasecmp(o->title[i], o->title[j]);
	return c ? c : strcmp(x->key, y->key);
}

/* By place in the site's reading order (shape.reading): one sort of the
 * site by cmp_reading serves every list in that order. */
static int cmp_rank(const void *a, const void *b, void *ctx)
{
	const int *rank = ctx;
	int x = rank[*(const int *)a], y = rank[*(const int *)b];
	return (x > y) - (x < y);
}

static int cmp_title(const void *a, const void *b, void *ctx)
{
	const struct order *o = ctx;
	int i = *(const int *)a, j = *(const int *)b;
	int c = strcasecmp(o->title[i], o->title[j]);
	return c ? c : strcmp(o->s->pages[i]->key, o->s->pages[j]->key);
}

/* Grows by doubling: the capacity is the next power of two (a list has
 * no field for it), so a section of n pages costs log n reallocs, not n. */
static void list_push(struct links_list *l, int v)
{
	if ((l->n & (l->n - 1)) == 0)
		l->v = xrealloc(l->v, (l->n ? 2 * l->n : 1) * sizeof *l->v);
	l->v[l->n++] = v;
}

/* The site's shape — sections, their children in reading order, previous
 * and next, backlinks and related pages — computed once per build, so
 * rendering a page costs the same on a site of ten pages or ten thousand. */
struct shape {
	int *section;            /* per page: its section page, -1 for home */
	struct links_list *kids; /* per page: articles and added pages in it */
	struct links_list *subs; /* per page: sub-sections */
	int *prev, *next;        /* per article: neighbours in its section, or -1 */
	struct links_graph *graph;
	int home;
	int print;               /* print.html is written */
	json_t *navs;            /* folder → its nav (see nav_of) */
	struct cache_key *nav_fp; /* per page: the hash of its folder's nav */
	const char **title;      /* per page: page_title */
	int *reading;            /* per page: its place in the site's reading order */
	struct cache_key *ref;   /* per page: what other pages show of it (key_ref) */
};

static json_t *nav_new(const struct shape *sh, const struct site *s, const char *out);

struct graph_job {
	const struct site *s;
	int jobs;
	struct cache *c;
	struct links_graph *graph;
};

static void graph_task(void *ctx)
{
	struct graph_job *j = ctx;
	j->graph = links_graph_new(j->s, 5, j->jobs, j->c);
}

struct ref_job {
	const struct site *s;
	struct cache_key *ref;
};

/* What other pages show of page i: its title, path, summary and params. */
static void ref_of(void *ctx, size_t i)
{
	struct ref_job *j = ctx;
	const struct page *p = j->s->pages[i];
	struct cache_keybuf kb;
	cache_key_begin(NULL, &kb, "ref-2");
	cache_key_str(&kb, page_title(p));
	cache_key_str(&kb, p->out);
	cache_key_str(&kb, page_summary(p));
	cache_key_json(&kb, json_object_get(p->data, "params"));
	j->ref[i] = cache_key_end(&kb);
}

static struct shape *shape_new(const struct site *s, int jobs, struct cache *c)
{
	size_t n = s->npages;
	struct shape *sh = xcalloc(1, sizeof *sh);
	/* Backlinks and related pages need nothing of the rest. */
	struct graph_job gj = { s, jobs, c, NULL };
	struct par_task *graph = par_start(jobs, graph_task, &gj);
	sh->section = xcalloc(n + 1, sizeof *sh->section);
	sh->kids = xcalloc(n + 1, sizeof *sh->kids);
	sh->subs = xcalloc(n + 1, sizeof *sh->subs);
	sh->prev = xcalloc(n + 1, sizeof *sh->prev);
	sh->next = xcalloc(n + 1, sizeof *sh->next);
	sh->home = site_find(s, "index");
	sh->title = xcalloc(n + 1, sizeof *sh->title);
	for (size_t i = 0; i < n; i++)
		sh->title[i] = page_title(s->pages[i]);
	struct order ord = { s, sh->title };
	int *order = xmalloc((n + 1) * sizeof *order);
	sh->reading = xcalloc(n + 1, sizeof *sh->reading);
	for (size_t i = 0; i < n; i++) {
		order[i] = (int)i;
		sh->section[i] = section_key(s, s->pages[i]);
		sh->prev[i] = sh->next[i] = -1;
	}
	if (n)
		qsort_r(order, n, sizeof *order, cmp_reading, &ord);
	/* each section's lists filled in reading order: sorted as made */
	for (size_t r = 0; r < n; r++) {
		int i = order[r], sec = sh->section[i];
		const struct page *p = s->pages[i];
		sh->reading[i] = (int)r;
		if (sec < 0)
			continue;
		if (p->kind == PAGE_SECTION)
			list_push(&sh->subs[sec], i);
		else if (p->kind == PAGE_ARTICLE || p->kind == PAGE_ADDED)
			list_push(&sh->kids[sec], i);
	}
	free(order);
	for (size_t i = 0; i < n; i++) {
		struct links_list *k = &sh->kids[i];
		for (size_t j = 0; j < k->n; j++) {
			if (s->pages[k->v[j]]->kind != PAGE_ARTICLE)
				continue;
			/* prev/next skip pages added by hooks: they are not part of
			 * the reading order an editor set with weights. */
			for (size_t q = j; q-- > 0;)
				if (s->pages[k->v[q]]->kind == PAGE_ARTICLE) {
					sh->prev[k->v[j]] = k->v[q];
					break;
				}
			for (size_t q = j + 1; q < k->n; q++)
				if (s->pages[k->v[q]]->kind == PAGE_ARTICLE) {
					sh->next[k->v[j]] = k->v[q];
					break;
				}
		}
	}
	size_t articles = 0;
	for (size_t i = 0; i < n; i++)
		articles += s->pages[i]->kind == PAGE_ARTICLE;
	sh->print = sh->home >= 0 && articles <= RENDER_PRINT_MAX_ARTICLES;
	/* A section lists hundreds of pages and the home page all of them:
	 * each page's title, path and summary are hashed once, not once for
	 * every page that shows them. */
	sh->ref = xcalloc(n + 1, sizeof *sh->ref);
	struct ref_job rj = { s, sh->ref };
	par_for(n, jobs, ref_of, &rj);
	/* A folder's nav is hashed once, not once per page in it. */
	sh->navs = json_object();
	sh->nav_fp = xcalloc(n + 1, sizeof *sh->nav_fp);
	json_t *first = json_object(); /* folder → the first page in it */
	for (size_t i = 0; i < n; i++) {
		const char *out = s->pages[i]->out, *slash = strrchr(out, '/');
		char *dir = xstrndup(out, slash ? (size_t)(slash - out) : 0);
		json_t *f = json_object_get(first, dir);
		if (f) {
			sh->nav_fp[i] = sh->nav_fp[json_integer_value(f)];
		} else {
			json_t *nav = nav_new(sh, s, out);
			struct cache_keybuf kb;
			cache_key_begin(NULL, &kb, "nav");
			cache_key_json(&kb, nav);
			sh->nav_fp[i] = cache_key_end(&kb);
			json_object_set_new(sh->navs, dir, nav);
			json_object_set_new(first, dir, json_integer((json_int_t)i));
		}
		free(dir);
	}
	json_decref(first);
	par_join(graph);
	sh->graph = gj.graph;
	return sh;
}

static void shape_free(struct shape *sh, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(sh->kids[i].v);
		free(sh->subs[i].v);
	}
	free(sh->kids);
	free(sh->subs);
	free(sh->section);
	free(sh->prev);
	free(sh->next);
	free(sh->ref);
	free(sh->nav_fp);
	free(sh->title);
	free(sh->reading);
	links_graph_free(sh->graph);
	json_decref(sh->navs);
	free(sh);
}

/* The contexts of a page and its history pages (thousands of small JSON
 * values a page, each built, rendered once and freed) come from an arena
 * per page, dropped whole when the page is done: jansson's malloc and free
 * of each were some 5% of a full build's instructions.  The lists' pages
 * (a tag's, the A to Z: a value per page listed) do the same.  jansson's
 * allocator has no context, so it serves the calling thread's page_json
 * while one is set (render_page_and_history), else the heap; no value
 * made there outlives the page.  An arena past PAGE_JSON_MAX grows no
 * more (the rest come from the heap): a history of thousands of
 * revisions stays within bounds.
 * page_json is the one global here, per thread, for the same reason as
 * markdown.c's current_arena. */
#define PAGE_JSON_MAX (8u << 20)
static _Thread_local struct arena *page_json;

static void *json_piece(size_t n)
{
	return arena_piece_new(page_json, n);
}

void render_json_install(void)
{
	json_set_alloc_funcs(json_piece, arena_piece_free);
}

/* The JSON values this thread makes until json_scope_end come from a. */
static void json_scope_begin(struct arena *a)
{
	*a = (struct arena)ARENA_INIT(64 * 1024);
	a->limit = PAGE_JSON_MAX;
	page_json = a;
}

static void json_scope_end(struct arena *a)
{
	page_json = NULL;
	arena_free(a);
}

/* ---- contexts -------------------------------------------------------- */

/* Sets k to the page's own string value of that name, shared, not
 * copied: the values the lists of other pages show most. */
static void set_field(json_t *o, const char *k, const struct page *p)
{
	json_t *v = json_object_get(p->data, k);
	json_object_set_new(o, k, json_is_string(v) ? json_incref(v) : json_string(""));
}

static json_t *page_ref(const struct site *s, const char *from, int i)
{
	const struct page *p = s->pages[i];
	json_t *o = json_object();
	set_field(o, "title", p);
	set_own(o, "url", site_rel_url(from, p->out));
	set_field(o, "summary", p);
	/* its own params, shared: else a list's {{params.x}} would find the
	 * listing page's up the context stack */
	json_t *params = json_object_get(p->data, "params");
	json_object_set_new(o, "params", params ? json_incref(params) : json_object());
	return o;
}

static json_t *refs(const struct site *s, const char *from, const int *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, page_ref(s, from, v[i]));
	return a;
}

/* How many pages that link an article its page lists before the rest are
 * folded away: 38 of them, with summaries, were screens of scrolling. */
#define BACKLINKS_SHOWN 5

/* A long list of the n pages that link a page (more than BACKLINKS_SHOWN)
 * also as backlinks_first and backlinks_more (with backlinks_more_count),
 * for a theme that shows the first few and folds the rest; both false
 * when the list is short. */
static void add_backlinks_split(const struct site *s, json_t *c, const char *from, const int *v, size_t n)
{
	int split = n > BACKLINKS_SHOWN;
	json_object_set_new(c, "backlinks_first", split ? refs(s, from, v, BACKLINKS_SHOWN) : json_false());
	json_object_set_new(c, "backlinks_more", split ? refs(s, from, v + BACKLINKS_SHOWN, n - BACKLINKS_SHOWN)
						    : json_false());
	json_object_set_new(c, "backlinks_more_count", split ? json_integer((json_int_t)(n - BACKLINKS_SHOWN)) : json_false());
}

static char *tag_out(const char *tag)
{
	char *sl = slug_make(tag);
	/* a tag with no ASCII letter or digit (日本): named by a hash of its
	 * text, so two such tags do not both become tags/tag.html */
	char *out = *sl ? xasprintf("tags/%s.html", sl)
			: xasprintf("tags/tag-%08llx.html", (unsigned long long)(str_hash(tag, strlen(tag)) & 0xffffffffULL));
	free(sl);
	return out;
}

/* The top sections, as linked from the file out. */
static json_t *nav_new(const struct shape *sh, const struct site *s, const char *out)
{
	const struct links_list *secs = &sh->subs[sh->home >= 0 ? sh->home : 0];
	json_t *nav = json_array();
	for (size_t i = 0; sh->home >= 0 && i < secs->n; i++) {
		json_t *r = page_ref(s, out, secs->v[i]);
		const struct page *sp = s->pages[secs->v[i]];
		size_t dl = strlen(sp->dir);
		json_object_set_new(r, "current", json_boolean(!strncmp(out, sp->dir, dl) && out[dl] == '/'));
		json_array_append_new(nav, r);
	}
	return nav;
}

/* The navigation depends only on the folder out is in: every page's
 * folder gets one, made before rendering and shared (read-only) by all
 * the files written there. */
static json_t *nav_of(const struct shape *sh, const struct site *s, const char *out)
{
	const char *slash = strrchr(out, '/');
	char *dir = xstrndup(out, slash ? (size_t)(slash - out) : 0);
	json_t *nav = json_object_get(sh->navs, dir);
	free(dir);
	return nav ? json_incref(nav) : nav_new(sh, s, out);
}

static json_t *base_ctx(const struct render_env *e, const char *out, const char *title)
{
	const struct site *s = e->site;
	json_t *c = json_object();
	json_t *site = json_object();
	set_str(site, "title", s->cfg.title);
	set_str(site, "language", s->cfg.language);
	set_str(site, "base_url", s->cfg.base_url);
	json_object_set(site, "params", s->cfg.params);
	json_object_set_new(c, "site", site);
	char *root = site_root_prefix(out);
	set_own(c, "root", root);
	set_str(c, "title", title);
	set_own(c, "home_url", site_rel_url(out, "index.html"));
	set_own(c, "search_url", site_rel_url(out, "search.html"));
	set_own(c, "tags_url", site_rel_url(out, "tags/index.html"));
	set_own(c, "az_url", site_rel_url(out, "a-z.html"));
	set_own(c, "changes_url", site_rel_url(out, "changes.html"));
	set_str(c, "extra_head", e->extra_head ? e->extra_head : "");
	set_str(c, "build_id", e->build_id ? e->build_id : "");
	if (e->shape->print)
		set_own(c, "print_url", site_rel_url(out, "print.html"));
	json_object_set_new(c, "nav", nav_of(e->shape, s, out));
	return c;
}

/* The path of base_url ("https://host/guide" → "/guide/"), or NULL. */
static char *base_path(const char *base_url)
{
	if (!base_url || !*base_url)
		return NULL;
	const char *p = strstr(base_url, "://");
	p = p ? strchr(p + 3, '/') : base_url[0] == '/' ? base_url : NULL;
	size_t n = p ? strcspn(p, "?#") : 0;
	while (n && p[n - 1] == '/')
		n--;
	return xasprintf("%.*s/", (int)n, p ? p : "");
}

/* A web server shows the 404 page at the address that was not found,
 * at any depth: its links (root-relative, as it lies at the top) are
 * made to start at the site's root when that is known. */
static void root_absolute(const struct render_env *e, json_t *c)
{
	char *root = e->root_url ? xstrdup(e->root_url) : base_path(e->site->cfg.base_url);
	if (!root)
		return;
	const char *k;
	json_t *v;
	json_object_foreach(c, k, v) {
		size_t n = strlen(k);
		if (json_is_string(v) && (!strcmp(k, "root") || (n > 4 && !strcmp(k + n - 4, "_url"))))
			set_own(c, k, xstrcat(root, json_string_value(v)));
	}
	/* The navigation is shared with the other top-level pages. */
	json_t *nav = json_deep_copy(json_object_get(c, "nav"));
	size_t i;
	json_array_foreach(nav, i, v)
		if (json_is_string(json_object_get(v, "url")))
			set_own(v, "url", xstrcat(root, json_string_value(json_object_get(v, "url"))));
	if (nav)
		json_object_set_new(c, "nav", nav);
	free(root);
}

static json_t *breadcrumbs(const struct render_env *e, const char *from, int i)
{
	const struct site *s = e->site;
	int chain[64];
	int n = 0;
	for (int k = e->shape->section[i]; k >= 0 && n < 64; k = e->shape->section[k])
		chain[n++] = k;
	json_t *a = json_array();
	for (int k = n - 1; k >= 0; k--) {
		json_t *r = page_ref(s, from, chain[k]);
		/* The home page's title is often the site's long name. */
		if (chain[k] == e->shape->home)
			set_str(r, "title", "Home");
		json_array_append_new(a, r);
	}
	return a;
}

static json_t *tag_list(const struct page *p, const char *from)
{
	json_t *a = json_array();
	json_t *tags = json_object_get(p->data, "tags");
	size_t i;
	json_t *t;
	json_array_foreach(tags, i, t) {
		char *out = tag_out(json_string_value(t));
		json_t *o = json_object();
		json_object_set(o, "name", t);
		set_own(o, "url", site_rel_url(from, out));
		free(out);
		json_array_append_new(a, o);
	}
	return a;
}

static int in_toc(const struct heading *h)
{
	return h->level >= 2 && h->level <= 3;
}

/* Whether a page with these headings has a table of contents: h2 and h3,
 * when there are at least three. */
static int has_toc(const struct heading *hs, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		count += in_toc(&hs[i]);
	return count >= 3;
}

static void toc_add(json_t *a, const char *id, const char *text, int sub)
{
	json_t *o = json_object();
	set_str(o, "id", id);
	set_str(o, "text", text);
	json_object_set_new(o, "sub", json_boolean(sub));
	json_array_append_new(a, o);
}

static json_t *toc_of(const struct heading *hs, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0, any = has_toc(hs, n); any && i < n; i++)
		if (in_toc(&hs[i]))
			toc_add(a, hs[i].id, hs[i].text, hs[i].level == 3);
	return a;
}

/* A past version's table of contents as its cache entry keeps it: per
 * entry its level digit, then its id and its text, each as a length,
 * ':' and the bytes.  (A JSON text took longer to read back than the
 * rest of a past version's page took to make.) */
static char *toc_encode(const struct heading *hs, size_t n)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0, any = has_toc(hs, n); any && i < n; i++) {
		if (!in_toc(&hs[i]))
			continue;
		/* level, then id and text each as length:bytes */
		size_t il = strlen(hs[i].id), tl = strlen(hs[i].text);
		buf_put_dec(&b, (unsigned long long)hs[i].level);
		buf_put_dec(&b, il);
		buf_putc(&b, ':');
		buf_put(&b, hs[i].id, il);
		buf_put_dec(&b, tl);
		buf_putc(&b, ':');
		buf_put(&b, hs[i].text, tl);
	}
	return buf_detach(&b);
}

/* Reads one "length:bytes" field at *p into a new string; NULL if bad. */
static char *toc_field(const char **p)
{
	char *end;
	unsigned long long len = strtoull(*p, &end, 10);
	if (end == *p || *end != ':' || len > SIZE_MAX || strnlen(end + 1, (size_t)len) < len)
		return NULL;
	*p = end + 1 + len;
	return xstrndup(end + 1, (size_t)len);
}

/* The table of contents toc_encode made (an empty one if s is damaged). */
static json_t *toc_decode(const char *s)
{
	json_t *a = json_array();
	while (s && (*s == '2' || *s == '3')) {
		int sub = *s++ == '3';
		char *id = toc_field(&s), *text = id ? toc_field(&s) : NULL;
		if (text)
			toc_add(a, id, text, sub);
		free(id);
		free(text);
		if (!text) {
			json_array_clear(a);
			break;
		}
	}
	if (s && *s)
		json_array_clear(a);
	return a;
}

static json_t *toc(const struct page *p)
{
	return toc_of(p->headings, p->nheadings);
}

static char *short_id(const char *id)
{
	return xstrndup(id, 10);
}

/* key + middle (its first n bytes) + ".html": a name made for every
 * history page and past version, so not through printf. */
static char *key_out(const struct page *p, const char *middle, size_t n)
{
	size_t k = strlen(p->key);
	char *s = xmalloc(k + n + 6);
	memcpy(s, p->key, k);
	memcpy(s + k, middle, n);
	memcpy(s + k + n, ".html", 6);
	return s;
}

static char *rev_out(const struct page *p, const char *id)
{
	char mid[16] = ".rev-";
	size_t n = strnlen(id, 10);
	memcpy(mid + 5, id, n);
	return key_out(p, mid, 5 + n);
}

static char *history_out(const struct page *p)
{
	return key_out(p, ".history", 8);
}

/* A revision's author, false for a shallow clone's boundary commit (which
 * changed nothing we know of): false, not missing, so that a section
 * does not find another author up the context stack. */
static void set_author(json_t *o, const struct hist_rev *rv, int boundary)
{
	if (boundary)
		json_object_set_new(o, "author", json_false());
	else
		set_str(o, "author", rv->author);
}

/* boundary: see set_author; such a revision has no "added" either. */
static json_t *rev_json(const struct page *p, const struct hist_rev *rv, const char *from, int boundary,
			int close)
{
	json_t *o = json_object();
	set_str(o, "id", rv->id);
	set_own(o, "short_id", short_id(rv->id));
	set_author(o, rv, boundary);
	json_object_set_new(o, "boundary", json_boolean(boundary));
	set_when(o, rv, close);
	set_str(o, "subject", rv->subject);
	set_str(o, "body", rv->body);
	json_t *blocks = message_blocks(rv->body);
	json_object_set_new(o, "body_paragraphs", message_paragraphs(blocks));
	json_object_set_new(o, "body_blocks", blocks);
	json_object_set_new(o, "body_long", json_boolean(message_long(rv->body)));
	char *msg = *rv->body ? xasprintf("%s\n\n%s", rv->subject, rv->body) : xstrdup(rv->subject);
	set_own(o, "message", msg);
	if (rv->change != HIST_DELETED) {
		char *ro = rev_out(p, rv->id);
		set_own(o, "url", site_rel_url(from, ro));
		free(ro);
	}
	json_object_set_new(o, "deleted", json_boolean(rv->change == HIST_DELETED));
	json_object_set_new(o, "taken_down", json_boolean(rv->taken_down));
	/* before it moved into content/, where the file was (relative to the
	 * site folder, as moved_from) */
	if (strncmp(rv->path, "content/", 8))
		set_str(o, "outside_path", rv->path);
	json_object_set_new(o, "added", json_boolean(rv->change == HIST_ADDED && !boundary));
	if (rv->change == HIST_RENAMED && rv->old_path) {
		set_str(o, "moved_from", rv->old_path);
		/* the address readers knew it by: content/a/b.md was a/b.html */
		char *was = site_source_key(rv->old_path);
		if (was)
			set_own(o, "moved_from_address", xasprintf("%s.html", was));
		else if (strncmp(rv->old_path, "content/", 8) && !strncmp(rv->path, "content/", 8))
			set_str(o, "moved_in_from", rv->old_path); /* a file that moved into content/ */
		free(was);
	}
	return o;
}

/* {date, iso, author}: when rv changed the guidance (hist_effective_time)
 * and (with_author) who made it. */
static json_t *when_by(const struct hist_rev *rv, int with_author)
{
	json_t *u = json_object();
	long long t;
	int tz;
	hist_effective_time(rv, &t, &tz);
	set_own(u, "date", hist_date_human(t, tz));
	set_own(u, "iso", hist_date_iso(t, tz));
	if (with_author)
		set_str(u, "author", rv->author);
	return u;
}

static const struct hist_file *page_history(const struct render_env *e, size_t i)
{
	return e->hist_of ? e->hist_of[i] : NULL;
}

/* The histories of the files article i links today (a form, a chart:
 * files in content/ the walk followed), each once, in the order first
 * linked; *n of them.  NULL when none. */
static const struct hist_file **linked_files(const struct render_env *e, size_t i, size_t *n)
{
	const struct page *p = e->site->pages[i];
	const struct hist_file **v = NULL;
	*n = 0;
	if (!e->hist || p->kind != PAGE_ARTICLE || !e->site->nassets)
		return NULL;
	for (size_t k = 0; k < p->nrawlinks; k++) {
		long a = links_asset_of(e->site, p->dir, p->rawlinks[k].url, p->rawlinks[k].wiki);
		if (a < 0)
			continue;
		char *path = xasprintf("content/%s", e->site->assets[a]);
		const struct hist_file *af = hist_lookup(e->hist, path);
		free(path);
		size_t j = 0;
		while (j < *n && v[j] != af)
			j++;
		if (!af || j < *n)
			continue;
		v = xrealloc(v, (*n + 1) * sizeof *v);
		v[(*n)++] = af;
	}
	return v;
}

/* Whether revision k of linked file af came after article hf was first
 * committed and changed what staff saw, as the recent changes judge an
 * article's: not a branch's edit its merge left out or settled with other
 * text, nor a merge that only combined edits listed already. */
/* Article hf's revision in force once rv (another file's) took effect:
 * the newest to take effect by then, newest first as listed; NULL when
 * none had. */
static const struct hist_rev *in_force(const struct hist_file *hf, const struct hist_rev *rv)
{
	for (size_t k = 0; k < hf->n; k++)
		if (hist_effective_order(&hf->revs[k]) <= hist_effective_order(rv))
			return &hf->revs[k];
	return NULL;
}

/* Whether the version of article hf in force when file revision rv took
 * effect (the article's own revision of that commit, if any) names the
 * file: a file it linked only later changed nothing it said then.  By
 * the file's name in the version's text, as it was or is now. */
static int named_then(const struct render_env *e, const struct hist_file *hf, const struct hist_file *af,
		      const struct hist_rev *rv)
{
	const struct hist_rev *in = in_force(hf, rv);
	if (!in || in->change == HIST_DELETED || !*in->blob)
		return 0;
	size_t len;
	char *text = hist_read_blob(e->hist, in->blob, &len);
	if (!text)
		return 1; /* (unreadable: counted, as before the check) */
	const char *names[2] = { strrchr(rv->path, '/'), strrchr(af->path, '/') };
	int named = 0;
	for (int j = 0; j < 2 && !named; j++) {
		const char *b = names[j] ? names[j] + 1 : j ? af->path : rv->path;
		named = *b && memmem(text, len, b, strlen(b)) != NULL;
	}
	free(text);
	return named;
}

static int file_change_counts(const struct render_env *e, const struct hist_file *hf, const struct hist_file *af,
			      size_t k)
{
	const struct hist_rev *rv = &af->revs[k];
	if (hist_effective_order(rv) <= hist_effective_order(&hf->revs[hf->n - 1]) || rv->merge_dropped ||
	    rv->merge_combined == 1)
		return 0;
	/* a merge listed for keeping the main line's file over a branch's
	 * edit left it as staff saw it: as the revision before it that
	 * counted (newest first, the next one down) */
	for (size_t j = k + 1; j < af->n; j++)
		if (!af->revs[j].merge_dropped) {
			if (!strcmp(af->revs[j].blob, rv->blob))
				return 0;
			break;
		}
	return named_then(e, hf, af, rv);
}

/* The newest change to a file article i links since it was first
 * committed (NULL: none), and that file's history in *which. */
static const struct hist_rev *newest_file_change(const struct render_env *e, size_t i,
						  const struct hist_file **which)
{
	const struct hist_file *hf = page_history(e, i);
	const struct hist_rev *best = NULL;
	size_t n;
	const struct hist_file **v = hf && hf->n ? linked_files(e, i, &n) : NULL;
	for (size_t j = 0; v && j < n; j++)
		for (size_t k = 0; k < v[j]->n; k++)
			if (!hist_is_boundary(e->hist, &v[j]->revs[k]) && file_change_counts(e, hf, v[j], k) &&
			    (!best || hist_effective_order(&v[j]->revs[k]) > hist_effective_order(best))) {
				best = &v[j]->revs[k];
				*which = v[j];
			}
	free(v);
	return best;
}

/* The file's name as the history shows it: its path under content/. */
static const char *file_shown(const struct hist_file *af)
{
	return af->path + (strncmp(af->path, "content/", 8) ? 0 : 8);
}

/* The changes to the files article i links, for its history page: each
 * file ({name, changes}) with its changes since the article was first
 * committed, newest first. */
static json_t *files_json(const struct render_env *e, size_t i)
{
	const struct hist_file *hf = page_history(e, i);
	json_t *a = json_array();
	size_t n;
	const struct hist_file **v = hf && hf->n ? linked_files(e, i, &n) : NULL;
	for (size_t j = 0; v && j < n; j++) {
		json_t *changes = json_array();
		for (size_t k = 0; k < v[j]->n; k++) {
			const struct hist_rev *rv = &v[j]->revs[k];
			if (hist_is_boundary(e->hist, rv) || !file_change_counts(e, hf, v[j], k))
				continue;
			json_t *o = when_by(rv, 1);
			set_str_or_false(o, "committed_by", other_committer(rv));
			set_str(o, "subject", rv->subject);
			set_own(o, "short_id", short_id(rv->id));
			json_object_set_new(o, "added", json_boolean(rv->change == HIST_ADDED));
			json_object_set_new(o, "deleted", json_boolean(rv->change == HIST_DELETED));
			json_array_append_new(changes, o);
		}
		if (!json_array_size(changes)) {
			json_decref(changes);
			continue;
		}
		json_t *f = json_object();
		set_str(f, "name", file_shown(v[j]));
		json_object_set_new(f, "changes", changes);
		json_array_append_new(a, f);
	}
	free(v);
	return a;
}

/* Whether an attachment article i links (a form, a chart) is not, at
 * HEAD, the file committed with its newest revision: the article's text
 * reads the same today, what it shows does not.  Unknown (git cannot be
 * read) counts as changed: the banner then claims nothing. */
static int files_changed(const struct render_env *e, size_t i)
{
	const struct hist_file *hf = page_history(e, i);
	size_t n;
	/* (a file with no history was in neither commit) */
	const struct hist_file **v = hf && hf->n ? linked_files(e, i, &n) : NULL;
	int changed = 0;
	for (size_t j = 0; v && j < n && !changed; j++) {
		char then[41], now[41];
		size_t size;
		int x = hist_blob_in_commit(e->hist, hf->revs[0].id, v[j]->path, then, &size);
		int y = x < 0 ? -1 : hist_blob_in_commit(e->hist, hist_head(e->hist), v[j]->path, now, &size);
		changed = x < 0 || y < 0 || x != y || (x && strcmp(then, now));
	}
	free(v);
	return changed;
}

/* When page i last changed (last: its own newest change, or NULL), and
 * by whom: a form or chart it links changed later changed what it shows,
 * and names the file; false with no change. */
static json_t *updated_json(const struct render_env *e, size_t i, const struct hist_rev *last)
{
	if (!last)
		return json_false();
	const struct hist_file *af = NULL;
	const struct hist_rev *file = newest_file_change(e, i, &af);
	int later = file && hist_effective_order(file) > hist_effective_order(last);
	json_t *u = when_by(later ? file : last, 1);
	set_str_or_false(u, "file", later ? file_shown(af) : NULL);
	return u;
}

/* For a folder's own page removed while the folder stayed
 * (page.section_stays; hf its history), the place in hf of the revision
 * that removed it, which withdrew nothing; SIZE_MAX for any other page. */
static size_t removal_of(const struct page *p, const struct hist_file *hf)
{
	size_t del, last;
	if (!p->section_stays || !hf || !hist_withdrawal(hf, &del, &last))
		return SIZE_MAX;
	return del;
}

/* The withdrawn record a section page quire makes stands in for: the
 * folder's own page (index.md), deleted, at its address; -1 for none
 * (see settle_formers). */
static int former_page(const struct render_env *e, size_t i)
{
	return e->former ? e->former[i] : -1;
}

/* For a section page quire makes where the folder had a page of its own
 * (former_page): until when, and that page's history, which the
 * recent changes' list of withdrawn guidance may not lead to (the
 * folder stayed).  false for any other page. */
static json_t *former_json(const struct render_env *e, size_t i, const char *from)
{
	int w = former_page(e, i);
	const struct hist_file *hf = w < 0 ? NULL : page_history(e, (size_t)w);
	size_t del, last;
	if (!hf || !hist_withdrawal(hf, &del, &last))
		return json_false();
	json_t *o = json_object();
	long long t;
	int tz;
	hist_effective_time(&hf->revs[del], &t, &tz);
	set_own(o, "date", hist_date_human(t, tz));
	set_own(o, "iso", hist_date_iso(t, tz));
	char *ho = history_out(e->site->pages[w]);
	set_own(o, "history_url", site_rel_url(from, ho));
	free(ho);
	return o;
}

static void add_history(const struct render_env *e, json_t *c, size_t i, const char *from)
{
	const struct page *p = e->site->pages[i];
	const struct hist_file *hf = page_history(e, i);
	json_t *list = json_array();
	size_t removal = removal_of(p, hf);
	for (size_t k = 0; hf && k < hf->n; k++) {
		json_t *r = rev_json(p, &hf->revs[k], from, hist_is_boundary(e->hist, &hf->revs[k]), shares_date(hf, k));
		json_object_set_new(r, "page_removed", json_boolean(k == removal));
		json_array_append_new(list, r);
	}
	json_object_set_new(c, "history", list);
	json_object_set_new(c, "revisions", json_integer(hf ? (json_int_t)hf->n : 0));
	json_object_set_new(c, "revisions_plural", json_boolean(!hf || hf->n != 1));
	const struct hist_rev *last = hist_last_change(e->hist, hf);
	json_object_set_new(c, "updated", updated_json(e, i, last));
	/* a shallow clone: the text was last changed on or before then */
	json_object_set_new(c, "updated_before", hf && hf->n && !last ? when_by(&hf->revs[0], 0) : json_false());
	if (hf && hf->n) {
		char *ho = history_out(p);
		set_own(c, "history_url", site_rel_url(from, ho));
		free(ho);
	}
	if (e->hist && p->src && p->kind != PAGE_WITHDRAWN) {
		enum hist_state st = (enum hist_state)e->state_of[i];
		json_object_set_new(c, "uncommitted", json_boolean(st == HIST_UNCOMMITTED));
		json_object_set_new(c, "untracked", json_boolean(st == HIST_UNTRACKED));
		json_object_set_new(c, "linked_file", json_boolean(!hf && st == HIST_CLEAN && hist_is_link(e->hist, p->src)));
	}
}

/* Every field of a revision, for fingerprints. */
/* What page_ref reads of page k. */
static void key_ref(struct cache_keybuf *kb, const struct shape *sh, int k)
{
	cache_key_int(kb, k);
	cache_key_bytes(kb, sh->ref[k].h, sizeof sh->ref[k].h);
}

static void key_refs(struct cache_keybuf *kb, const struct shape *sh, const int *v, size_t n)
{
	cache_key_int(kb, (long long)n);
	for (size_t i = 0; i < n; i++)
		key_ref(kb, sh, v[i]);
}

/* A fingerprint of everything page_ctx reads for page i (its own data,
 * HTML and headings, what it shows of the pages it refers to, the
 * navigation, its history), taken without building the context: when it
 * equals the previous build's, the page is linked and no context is made.
 * Whatever page_ctx comes to read must be added here; t63 compares
 * rebuilds with clean builds after each kind of edit (*own).  *hist: what
 * its history page and past versions take of it, all that but its HTML
 * and headings (each version shows its own; the history page none), so
 * an edit to an article's text, or to the title of a page it links to,
 * leaves them as they were. */
/* A page's headings, unless html_fp stands for them: without Lua filters
 * they come from the very document (the same Markdown, options and
 * links) html_fp is the key of.  A filter may rewrite a document each
 * time it is parsed, so with filters they are hashed. */
static void key_headings(struct cache_keybuf *kb, const struct render_env *e, const struct page *p)
{
	if (e->html_plain)
		return;
	cache_key_int(kb, (long long)p->nheadings);
	for (size_t k = 0; k < p->nheadings; k++) {
		cache_key_int(kb, p->headings[k].level);
		cache_key_str(kb, p->headings[k].id);
		cache_key_str(kb, p->headings[k].text);
	}
}

static void page_inputs(const struct render_env *e, int i, const char *tmpl, struct cache_key *own,
			struct cache_key *hist)
{
	const struct site *s = e->site;
	const struct page *p = s->pages[i];
	const struct shape *sh = e->shape;
	struct cache_keybuf kb;
	cache_key_begin(e->cache, &kb, "page-inputs-1");
	cache_key_bytes(&kb, e->render_key.h, sizeof e->render_key.h);
	cache_key_str(&kb, tmpl);
	cache_key_int(&kb, (long long)tmpl_digest(e->tmpl, tmpl));
	cache_key_str(&kb, p->out);
	cache_key_str(&kb, p->key);
	cache_key_int(&kb, p->kind);
	cache_key_int(&kb, p->shadowed);
	cache_key_str(&kb, e->extra_head);
	cache_key_str(&kb, e->fp_build_id ? e->build_id : NULL);
	cache_key_int(&kb, sh->print);
	cache_key_bytes(&kb, sh->nav_fp[i].h, sizeof sh->nav_fp[i].h);
	cache_key_bytes(&kb, p->data_fp, sizeof p->data_fp);
	for (int k = sh->section[i]; k >= 0; k = sh->section[k]) {
		key_ref(&kb, sh, k);
		cache_key_int(&kb, k == sh->home);
	}
	cache_key_int(&kb, -1);
	key_refs(&kb, sh, sh->graph->back[i].v, sh->graph->back[i].n);
	key_refs(&kb, sh, sh->graph->related[i].v, sh->graph->related[i].n);
	cache_key_int(&kb, sh->prev[i]);
	if (sh->prev[i] >= 0)
		key_ref(&kb, sh, sh->prev[i]);
	cache_key_int(&kb, sh->next[i]);
	if (sh->next[i] >= 0)
		key_ref(&kb, sh, sh->next[i]);
	if (p->kind == PAGE_SECTION || p->kind == PAGE_HOME) {
		key_refs(&kb, sh, sh->kids[i].v, sh->kids[i].n);
		cache_key_int(&kb, (long long)sh->subs[i].n);
		for (size_t k = 0; k < sh->subs[i].n; k++) {
			int sub = sh->subs[i].v[k];
			key_ref(&kb, sh, sub);
			key_refs(&kb, sh, sh->kids[sub].v, sh->kids[sub].n);
		}
	}
	const struct hist_file *hf = page_history(e, (size_t)i);
	cache_key_int(&kb, hf ? (long long)hf->n : -1);
	if (hf)
		cache_key_bytes(&kb, hf->fp, sizeof hf->fp);
	/* (a section page quire makes names the folder's own page it replaced) */
	int former = former_page(e, (size_t)i);
	const struct hist_file *ff = former >= 0 ? page_history(e, (size_t)former) : NULL;
	cache_key_int(&kb, ff ? (long long)ff->n : -1);
	if (ff)
		cache_key_bytes(&kb, ff->fp, sizeof ff->fp);
	/* (a withdrawn page shows no working-tree state) */
	cache_key_int(&kb, e->hist && p->src && p->kind != PAGE_WITHDRAWN ? (long long)e->state_of[i] : -1);
	/* (what files_changed says is a function of these and the article's
	 * history: not worked out for every page on every build) */
	size_t nf;
	const struct hist_file **lf = hf && hf->n ? linked_files(e, (size_t)i, &nf) : NULL;
	for (size_t j = 0; lf && j < nf; j++) {
		cache_key_str(&kb, lf[j]->path);
		cache_key_bytes(&kb, lf[j]->fp, sizeof lf[j]->fp);
	}
	free(lf);
	cache_key_int(&kb, e->html_plain);
	/* (the two keys part here: the history's takes of the HTML only what
	 * a section's page shows of it) */
	struct cache_keybuf hk = kb;
	if (p->kind == PAGE_SECTION || p->kind == PAGE_HOME)
		cache_key_int(&hk, links_every(p, sh->kids[i].v, sh->kids[i].n));
	*hist = cache_key_end(&hk);
	cache_key_bytes(&kb, p->html_fp, sizeof p->html_fp);
	key_headings(&kb, e, p);
	*own = cache_key_end(&kb);
}

/* Whether withdrawn page p's withdrawal rv is a taking down (a draft
 * committed over the article) and the article a draft still: taken off
 * the site, not deleted. */
static int draft_now(const struct page *p, const struct hist_rev *rv)
{
	return p->draft && rv->taken_down;
}

/* For withdrawn guidance (or NULL): when it was withdrawn, by whom and
 * why (its history's newest revision, as in `history`), where the
 * history lists that, and the version it took away. */
static json_t *withdrawn_json(const struct render_env *e, size_t i, const char *from)
{
	const struct page *p = e->site->pages[i];
	const struct hist_file *hf = page_history(e, i);
	size_t del, k;
	if (p->kind != PAGE_WITHDRAWN || !hf || !hist_withdrawal(hf, &del, &k))
		return json_false();
	const struct hist_rev *rv = &hf->revs[del];
	json_t *o = rev_json(p, rv, from, 0, 0);
	/* its address leads to what replaced it (an alias, a section) */
	json_object_set_new(o, "replaced", json_boolean(p->shadowed));
	json_object_set_new(o, "section_stays", json_boolean(p->section_stays));
	if (p->section_stays)
		set_own(o, "section_url", site_rel_url(from, p->out));
	json_object_set_new(o, "draft_now", json_boolean(draft_now(p, rv)));
	/* withdrawn when the deletion reached the main line (a branch's, at
	 * its merge) */
	long long t;
	int tz;
	hist_effective_time(rv, &t, &tz);
	set_own(o, "date", hist_date_human(t, tz));
	set_own(o, "iso", hist_date_iso(t, tz));
	char *ho = history_out(p), *at = xasprintf("%s#%s", ho, rv->id);
	set_own(o, "history_url", site_rel_url(from, at));
	free(at);
	free(ho);
	json_t *last = json_object();
	char *ro = rev_out(p, hf->revs[k].id);
	set_own(last, "url", site_rel_url(from, ro));
	free(ro);
	set_when(last, &hf->revs[k], 0);
	json_object_set_new(o, "last", last);
	return o;
}

/* The context of an article, section, home or added page; `from` is the
 * file being written (a past version passes its own). */
static json_t *page_ctx(const struct render_env *e, int i, const char *from, const char *html)
{
	const struct site *s = e->site;
	const struct page *p = s->pages[i];
	json_t *c = base_ctx(e, from, page_title(p));
	set_str(c, "summary", page_summary(p));
	set_str(c, "description", page_summary(p));
	set_own(c, "url", site_rel_url(from, p->out));
	set_html(e, c, html ? html : p->html ? p->html : "");
	json_object_set_new(c, "tags", tag_list(p, from));
	json_object_set_new(c, "toc", toc(p));
	json_object_set(c, "params", json_object_get(p->data, "params"));
	json_object_set_new(c, "is_article", json_boolean(p->kind == PAGE_ARTICLE));
	/* (only a --drafts preview has one) */
	json_object_set_new(c, "is_draft", json_boolean(p->kind == PAGE_ARTICLE && p->draft));
	json_object_set_new(c, "breadcrumbs", breadcrumbs(e, from, i));
	const struct shape *sh = e->shape;
	int sec = sh->section[i];
	json_object_set_new(c, "section", sec >= 0 ? page_ref(s, from, sec) : json_false());
	json_object_set_new(c, "backlinks", refs(s, from, sh->graph->back[i].v, sh->graph->back[i].n));
	add_backlinks_split(s, c, from, sh->graph->back[i].v, sh->graph->back[i].n);
	json_object_set_new(c, "related", refs(s, from, sh->graph->related[i].v, sh->graph->related[i].n));
	if (sh->prev[i] >= 0)
		json_object_set_new(c, "prev", page_ref(s, from, sh->prev[i]));
	if (sh->next[i] >= 0)
		json_object_set_new(c, "next", page_ref(s, from, sh->next[i]));
	if (p->kind == PAGE_SECTION || p->kind == PAGE_HOME) {
		json_object_set_new(c, "pages", refs(s, from, sh->kids[i].v, sh->kids[i].n));
		json_object_set_new(c, "pages_in_body", json_boolean(links_every(p, sh->kids[i].v, sh->kids[i].n)));
		json_t *sa = json_array();
		for (size_t k = 0; k < sh->subs[i].n; k++) {
			int sub = sh->subs[i].v[k];
			json_t *r = page_ref(s, from, sub);
			json_object_set_new(r, "pages", refs(s, from, sh->kids[sub].v, sh->kids[sub].n));
			json_array_append_new(sa, r);
		}
		json_object_set_new(c, "sections", sa);
	}
	add_history(e, c, (size_t)i, from);
	if (!p->src && (p->kind == PAGE_SECTION || p->kind == PAGE_HOME))
		json_object_set_new(c, "former", former_json(e, (size_t)i, from));
	if (p->kind == PAGE_WITHDRAWN) {
		json_object_set_new(c, "withdrawn", withdrawn_json(e, (size_t)i, from));
		json_object_set_new(c, "is_withdrawn", json_true());
	}
	return c;
}

/* ---- writing ---------------------------------------------------------- */

static int stopping(const struct render_env *e)
{
	return e->stop && *e->stop;
}

/* Mustache has no "if the list is not empty"; every non-empty top-level
 * list X gets a has_X flag so templates can wrap it in a heading. */
static void add_has_flags(json_t *ctx)
{
	const char *key;
	json_t *v;
	json_t *flags = json_object();
	json_object_foreach(ctx, key, v) {
		if (json_is_array(v) && json_array_size(v)) {
			char *k = xstrcat("has_", key);
			json_object_set_new(flags, k, json_true());
			free(k);
		}
	}
	json_object_update(ctx, flags);
	json_decref(flags);
}

/* Everything an output is made from: quire, the theme and site.yml (the
 * render key), the template, the path and the whole context.  The build id
 * changes with every source, so it counts only if a template uses it. */
static struct cache_key ctx_fp(const struct render_env *e, const char *out, const char *tmpl, json_t *ctx)
{
	struct cache_keybuf kb;
	json_t *bid = e->fp_build_id ? NULL : json_incref(json_object_get(ctx, "build_id"));
	if (bid)
		json_object_del(ctx, "build_id");
	cache_key_begin(e->cache, &kb, "output");
	cache_key_bytes(&kb, e->render_key.h, sizeof e->render_key.h);
	cache_key_str(&kb, tmpl);
	cache_key_int(&kb, (long long)tmpl_digest(e->tmpl, tmpl));
	cache_key_str(&kb, out);
	cache_key_json(&kb, ctx);
	if (bid)
		json_object_set_new(ctx, "build_id", bid);
	return cache_key_end(&kb);
}

static int fingerprinting(const struct render_env *e)
{
	return e->out && e->cache;
}

/* Renders ctx with tmpl into out, recorded under fp; with fp NULL, under
 * the context's own fingerprint, and then the previous build's out is
 * linked instead when it was made from the same one.  (Callers with an
 * fp have tried that already.) */
static void emit_fp(struct render_env *e, const char *out, const char *tmpl, json_t *ctx,
		    const struct cache_key *fp)
{
	struct buf b = BUF_INIT;
	struct cache_key k = { { 0, 0 } };
	add_has_flags(ctx);
	if (fingerprinting(e)) {
		k = fp ? *fp : ctx_fp(e, out, tmpl, ctx);
		if (!fp && output_reuse(e->out, out, k.h)) {
			atomic_fetch_add((atomic_int *)&e->pages_written, 1);
			return;
		}
	}
	char *err = NULL;
	buf_grow(&b, 16384); /* most pages fit: one malloc, not eight reallocs */
	if (tmpl_render(e->tmpl, tmpl, ctx, &b, &err) < 0) {
		char *path = xasprintf("themes/%s/templates/%s.mustache", e->site->cfg.theme, tmpl);
		diag_error(e->d, path, 0, 0, "%s (rendering %s)", err ? err : "cannot render", out);
		free(path);
		free(err);
	} else if (e->out) {
		output_write_fp(e->out, out, b.ptr ? b.ptr : "", b.len, fingerprinting(e) ? k.h : NULL, e->d);
		atomic_fetch_add((atomic_int *)&e->pages_written, 1);
		atomic_fetch_add((atomic_int *)&e->pages_rendered, 1);
		if (e->timings > 1)
			fprintf(stderr, "rendered %s\n", out);
	}
	buf_free(&b);
}

static void emit(struct render_env *e, const char *out, const char *tmpl, json_t *ctx)
{
	emit_fp(e, out, tmpl, ctx, NULL);
}

static const char *template_of(const struct page *p)
{
	const char *t = page_str(p, "template");
	if (*t)
		return t;
	switch (p->kind) {
	case PAGE_SECTION:
		return "section";
	case PAGE_HOME:
		return "home";
	case PAGE_ADDED:
		return "page";
	case PAGE_WITHDRAWN:
		return "withdrawn";
	default:
		return "article";
	}
}

/* Renders page i.  *art (when art is not NULL and the page is rendered)
 * gets a shallow copy of its context, made before the page's own flags
 * are added, for its past versions; *hist_in, when fingerprinting, what
 * they and the history page take of it (page_inputs). */
static void render_one(struct render_env *e, size_t i, json_t **art, struct cache_key *hist_in)
{
	if (stopping(e))
		return;
	struct page *p = e->site->pages[i];
	const char *tmpl = template_of(p);
	struct cache_key in = { { 0, 0 } };
	if (fingerprinting(e)) {
		page_inputs(e, (int)i, tmpl, &in, hist_in);
		if (!p->shadowed && output_reuse(e->out, p->out, in.h)) {
			atomic_fetch_add((atomic_int *)&e->pages_written, 1);
			return;
		}
	}
	if (p->shadowed)
		return; /* (its address is another page's) */
	if (p->html_lazy)
		e->load_html(e->load_ctx, p);
	json_t *c = page_ctx(e, (int)i, p->out, NULL);
	if (art)
		*art = json_copy(c);
	emit_fp(e, p->out, tmpl, c, fingerprinting(e) ? &in : NULL);
	json_decref(c);
}

/* ---- history pages ----------------------------------------------------- */

struct version {
	json_t *fm;  /* front matter (new ref) or NULL */
	char *body;  /* Markdown body or NULL */
	int failed;  /* the blob could not be read: nothing made from it is cached */
	int verdict;   /* what a build made of it (version_verdict;
			  VERSION_BROKEN for one with no front matter) */
	char *links;   /* version_links, once asked for */
};

/* The front matter last parsed among an article's revisions, and what it
 * parsed to (a version holds the reference). */
struct fm_memo {
	struct buf yaml;
	json_t *fm;
	int verdict;
};

/* Front matter seldom changes from one revision to the next, and libyaml
 * is a build's dearest way to read a few lines: a revision whose front
 * matter reads as the last one parsed shares that parse. */
static void version_load(struct render_env *e, const struct hist_rev *rv, struct version *v,
			 struct fm_memo *memo)
{
	memset(v, 0, sizeof *v);
	v->verdict = VERSION_BROKEN;
	if (rv->change == HIST_DELETED || !*rv->blob)
		return;
	size_t len;
	char *text = hist_read_blob(e->hist, rv->blob, &len);
	if (!text && len > FS_MAX_FILE) {
		/* a build would have refused it, so it was never published
		 * (broken, it is hidden); --drafts shows what it was */
		v->body = xasprintf("*This version is %zu MiB, larger than the %u MiB limit on an article: "
				    "it is not shown.*\n", len >> 20, FS_MAX_FILE >> 20);
		return;
	}
	if (!text) {
		v->failed = 1;
		return;
	}
	struct diag *quiet = diag_new();
	struct fm_parts parts;
	if (fm_split(text, len, rv->path, &parts, quiet) == 0) {
		const char *yaml = text + parts.yaml_off;
		if (parts.has_fm && memo->fm && memo->yaml.len == parts.yaml_len &&
		    !memcmp(memo->yaml.ptr, yaml, parts.yaml_len)) {
			v->fm = json_incref(memo->fm);
			v->verdict = memo->verdict;
		} else if (parts.has_fm) {
			v->fm = memo->fm = fm_parse_yaml(yaml, parts.yaml_len, rv->path, parts.yaml_line, quiet);
			v->verdict = memo->verdict = (int)version_verdict(v->fm, diag_errors(quiet));
			buf_reset(&memo->yaml);
			buf_put(&memo->yaml, yaml, parts.yaml_len);
		}
		v->body = utf8_valid_dup(text + parts.body_off, len - parts.body_off);
	} else {
		v->body = utf8_valid_dup(text, len);
	}
	/* a version git committed with a merge conflict in it: a build would
	 * have refused it, so it was never published */
	if (fm_conflict_line(text, len))
		v->verdict = VERSION_BROKEN;
	diag_free(quiet);
	free(text);
}

static void version_free(struct version *v)
{
	json_decref(v->fm);
	free(v->body);
	free(v->links);
}

/* What a revision's blob stands for in cache keys: a deleted file and a
 * missing blob both read as an empty version. */
static const char *blob_of(const struct hist_rev *rv)
{
	return rv->change == HIST_DELETED ? "" : rv->blob;
}

/* What an article's diffs and past versions are cached under.  A diff
 * depends on two revisions' blobs: one key stands for all the article's
 * blobs, and each revision's diff is found under it mixed with its place
 * in the list.  (A key per revision made most of a rebuild's hashing; a
 * commit to the article now makes its diffs again, which costs a
 * millisecond.)  pasts adds the page the versions belong to: their
 * fine keys (see past_note) are kept for it, and for what their links
 * resolved against (see fines_table). */
struct hist_keys {
	struct cache_key diffs, pasts;
};

static struct hist_keys hist_keys_of(const struct render_env *e, const struct page *p,
				     const struct hist_file *hf)
{
	struct hist_keys hk;
	struct cache_keybuf kb;
	cache_key_begin(e->cache, &kb, "revdiffs-3");
	cache_key_int(&kb, e->site->cfg.unsafe_html);
	cache_key_int(&kb, (long long)hf->n);
	for (size_t k = 0; k < hf->n; k++) {
		cache_key_str(&kb, blob_of(&hf->revs[k]));
		cache_key_str(&kb, hf->revs[k].base);
	}
	hk.diffs = cache_key_end(&kb);
	cache_key_begin(e->cache, &kb, "past-versions-4");
	cache_key_bytes(&kb, hk.diffs.h, sizeof hk.diffs.h);
	cache_key_int(&kb, e->site->cfg.unsafe_html);
	cache_key_str(&kb, p->key);
	hk.pasts = cache_key_end(&kb);
	return hk;
}


/* Reads n strings stored under k.  Returns 0, or -1 on a miss. */
static int get_strs(struct render_env *e, const struct cache_key *k, uint32_t *flag, char **v, size_t n)
{
	char *data;
	size_t len;
	if (!e->cache || !cache_get(e->cache, k, &data, &len))
		return -1;
	struct cache_reader rd = { .p = data, .len = len };
	*flag = cache_r_u32(&rd);
	for (size_t i = 0; i < n; i++)
		v[i] = cache_r_str(&rd);
	int bad = rd.bad || rd.off != len;
	free(data);
	if (bad) {
		for (size_t i = 0; i < n; i++) {
			free(v[i]);
			v[i] = NULL;
		}
		return -1;
	}
	return 0;
}

static void put_strs(struct render_env *e, const struct cache_key *k, uint32_t flag, char *const *v, size_t n)
{
	struct buf b = BUF_INIT;
	cache_w_u32(&b, flag);
	for (size_t i = 0; i < n; i++)
		cache_w_str(&b, v[i]);
	cache_put(e->cache, k, b.ptr, b.len);
	buf_free(&b);
}

/* A past version as its revision page shows it: its own title (NULL:
 * none), summary and tags (one per line; NULL or "": none), HTML and
 * table of contents (toc_encode), all new strings. */
struct past {
	char *title, *html, *toc, *summary, *tags;
};

static void past_free(struct past *v)
{
	free(v->title);
	free(v->html);
	free(v->toc);
	free(v->summary);
	free(v->tags);
}

/* The titles articles had, by blob, as past versions' wiki links show
 * them: read once per build (a rebuild renders few past versions). */
struct titles_then {
	pthread_mutex_t lock;
	struct strmap by_blob;
	struct strmap ids_by_version; /* "BLOB PATH" -> version_ids */
	/* the titles pages have had (held_make), made behind held_lock */
	pthread_mutex_t held_lock;
	int held_made;
	struct held *held;
	int *held_pages; /* held[k].page */
	size_t nheld;
};

/* The title of a published version (NULL: none, or not published). */
static const char *version_title(const struct version *v)
{
	return v->verdict == VERSION_PUBLISHED ? json_string_value(json_object_get(v->fm, "title")) : NULL;
}

/* Notes the titles of versions read anyway (a page's, for its history):
 * another page's past versions asking for them (title_then) need not
 * read the blobs again. */
static void note_titles(struct render_env *e, const struct hist_file *hf, const struct version *vs)
{
	struct titles_then *tt = e->titles;
	if (!tt)
		return;
	pthread_mutex_lock(&tt->lock);
	for (size_t k = 0; k < hf->n; k++)
		if (hf->revs[k].change != HIST_DELETED && *hf->revs[k].blob && !vs[k].failed)
			strmap_put(&tt->by_blob, hf->revs[k].blob, version_title(&vs[k]));
	pthread_mutex_unlock(&tt->lock);
}

static char *blob_title(struct render_env *e, const struct hist_rev *rv)
{
	struct titles_then *tt = e->titles;
	pthread_mutex_lock(&tt->lock);
	const struct strmap_entry *m = strmap_get(&tt->by_blob, rv->blob);
	int known = m != NULL;
	char *title = m && m->val ? xstrdup(m->val) : NULL;
	pthread_mutex_unlock(&tt->lock);
	if (known)
		return title;
	struct version v;
	struct fm_memo memo = { BUF_INIT, NULL, 0 };
	version_load(e, rv, &v, &memo);
	buf_free(&memo.yaml);
	const char *t = version_title(&v);
	title = t ? xstrdup(t) : NULL;
	version_free(&v);
	pthread_mutex_lock(&tt->lock);
	strmap_put(&tt->by_blob, rv->blob, title);
	pthread_mutex_unlock(&tt->lock);
	return title;
}

/* Page t's revision in force when the commit at order was made (in its
 * history as git has it, *hf): the newest to take effect by then (a
 * branch's at its merge, the newest of those it brought), not one a
 * merge dropped.  NULL when none had. */
static const struct hist_rev *rev_then(const struct render_env *e, int t, uint32_t order,
				       const struct hist_file **hf)
{
	const struct page *p = e->site->pages[t];
	*hf = p->src && e->hist ? hist_lookup(e->hist, p->src) : NULL;
	return *hf ? hist_rev_at(*hf, order) : NULL;
}

/* Page t's revision in force when the commit at order was made
 * (rev_then); today is set when that version is today's text. */
static const struct hist_rev *in_force_then(const struct render_env *e, int t, uint32_t order, int *today)
{
	const struct hist_file *hf;
	const struct hist_rev *in = rev_then(e, t, order, &hf);
	*today = in && in == &hf->revs[0] && e->state_of[t] == HIST_CLEAN;
	return in;
}

/* links_ctx.title_then: page t's title when the commit at order was
 * made: its version then, read from git, unless that is today's. */
static char *title_then(void *ctx, int t, uint32_t order)
{
	struct render_env *e = ctx;
	int today;
	const struct hist_rev *in = in_force_then(e, t, order, &today);
	if (!in || in->change == HIST_DELETED || today)
		return NULL;
	return blob_title(e, in);
}

/* The heading and footnote ids version rv was rendered with, as
 * "\nID\nID\n", when it has a page of its own (published: no draft, not
 * where the site reads no source, nor hidden by an on_page handler); NULL
 * when it has none.  A new string; each version is read once a build. */
static char *version_ids(struct render_env *e, const struct hist_rev *rv)
{
	struct titles_then *tt = e->titles;
	char *key = xasprintf("%s %s", rv->blob, rv->path);
	pthread_mutex_lock(&tt->lock);
	const struct strmap_entry *m = strmap_get(&tt->ids_by_version, key);
	int known = m != NULL;
	char *ids = m && m->val ? xstrdup(m->val) : NULL;
	pthread_mutex_unlock(&tt->lock);
	if (known) {
		free(key);
		return ids;
	}
	struct version v;
	struct fm_memo memo = { BUF_INIT, NULL, 0 };
	version_load(e, rv, &v, &memo);
	buf_free(&memo.yaml);
	int shown = version_title(&v) && !v.failed && !hist_unlisted(rv->path);
	if (shown && e->judge) {
		/* (a verdict that read quire.head would hold for this head
		 * alone: such a version is not linked) */
		struct buf why = BUF_INIT;
		int by_head = 0;
		shown = e->judge->judge(e->judge->ctx, rv->path, v.fm, v.body ? v.body : "", &by_head, &why) == 0 &&
			!by_head;
		buf_free(&why);
	}
	if (shown) {
		struct md_doc doc;
		struct heading *hs = NULL;
		size_t nh = 0;
		md_parse(&doc, v.body ? v.body : "", v.body ? strlen(v.body) : 0, 1, e->site->cfg.unsafe_html);
		md_expand_wikilinks(&doc);
		md_headings(&doc, &hs, &nh);
		char *fnids = md_footnotes(&doc);
		struct buf b = BUF_INIT;
		buf_putc(&b, '\n');
		for (size_t k = 0; k < nh; k++)
			buf_printf(&b, "%s\n", hs[k].id);
		if (fnids) /* (NULL: none) */
			buf_puts(&b, fnids + (*fnids == '\n'));
		ids = buf_detach(&b);
		free(fnids);
		md_free_headings(hs, nh);
		md_free(&doc);
	}
	version_free(&v);
	pthread_mutex_lock(&tt->lock);
	strmap_put(&tt->ids_by_version, key, ids);
	pthread_mutex_unlock(&tt->lock);
	free(key);
	return ids;
}

/* What a heading_then answer was read from, as a past version's fine
 * keys keep it: the revision rev of the linking page (by id), page t, and
 * t's revision in force then ("-" for none), its blob and path, one line. */
static void note_then(struct buf *used, const char *rev, int t, const struct hist_rev *in)
{
	struct buf line = BUF_INIT;
	buf_printf(&line, "%s %d %s %s %s", rev, t, in ? in->id : "-", in && *in->blob ? in->blob : "-",
		   in ? in->path : "-");
	for (size_t at = 0; at < used->len; at += strlen(used->ptr + at) + 1)
		if (!strcmp(used->ptr + at, buf_cstr(&line))) {
			buf_free(&line);
			return;
		}
	buf_put(used, line.ptr, line.len + 1);
	buf_free(&line);
}

/* links_ctx.heading_then: where page t, in force when the commit at
 * order was made, had the heading (or footnote) id: that version's page,
 * if it has one.  Asked only of a link to an id t has lost since. */
static char *heading_then(void *ctx, int t, uint32_t order, const char *id, const char *rev, struct buf *used)
{
	struct render_env *e = ctx;
	const struct hist_file *hf;
	const struct hist_rev *in = rev_then(e, t, order, &hf);
	if (in && in->change == HIST_DELETED)
		in = NULL;
	if (used && rev)
		note_then(used, rev, t, in);
	char *ids = in ? version_ids(e, in) : NULL;
	char *line = xasprintf("\n%s\n", id);
	int had = ids && strstr(ids, line);
	free(line);
	free(ids);
	return had ? rev_out(e->site->pages[t], in->id) : NULL;
}

/* links_ctx.held_title: whether page t was published under the title
 * key (as wiki links fold titles) when the commit at order was made:
 * written by then, not deleted then, nor a draft. */
static int held_title(void *ctx, int t, const char *key, uint32_t order)
{
	struct render_env *e = ctx;
	if (e->born[t] > order)
		return 0;
	int today;
	const struct hist_rev *in = in_force_then(e, t, order, &today);
	if (in && in->change == HIST_DELETED)
		return 0;
	/* (no revision in force: a page git does not hold, or one whose
	 * history is cut short, is taken as titled then as today) */
	const char *now = page_title(e->site->pages[t]);
	char *title = in && !today ? blob_title(e, in) : now ? xstrdup(now) : NULL;
	char *folded = title ? links_fold(title) : NULL;
	int held = folded && !strcmp(folded, key);
	free(folded);
	free(title);
	return held;
}

/* The titles each page has had (today's and its published versions'),
 * folded as wiki links look them up, sorted by title then page: made
 * the first time a past version's wiki link names a title no page
 * held then as today (most sites never do), which reads every version
 * no history page has yet (blob_title). */
struct held {
	char *title;
	int page;
};

static int held_cmp(const void *a, const void *b)
{
	const struct held *x = a, *y = b;
	int c = strcmp(x->title, y->title);
	return c ? c : (x->page > y->page) - (x->page < y->page);
}

static void held_add(struct titles_then *tt, size_t *cap, const char *title, int page)
{
	if (!title || !*title)
		return;
	if (tt->nheld == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		tt->held = xrealloc(tt->held, *cap * sizeof *tt->held);
		tt->held_pages = xrealloc(tt->held_pages, *cap * sizeof *tt->held_pages);
	}
	tt->held[tt->nheld++] = (struct held){ links_fold(title), page };
}

static void held_make(struct render_env *e)
{
	struct titles_then *tt = e->titles;
	size_t cap = 0;
	for (size_t i = 0; i < e->site->npages; i++) {
		const struct page *p = e->site->pages[i];
		/* git's history, not hist_of[i]: page i's own thread may be
		 * putting its published view there now (publish_read), and
		 * blob_title tells a published version anyway */
		const struct hist_file *hf = p->src && e->hist ? hist_lookup(e->hist, p->src) : NULL;
		if (p->shadowed)
			continue;
		held_add(tt, &cap, page_title(p), (int)i);
		for (size_t k = 0; hf && k < hf->n; k++) {
			const struct hist_rev *rv = &hf->revs[k];
			if (rv->merge_dropped || rv->change == HIST_DELETED || !*rv->blob)
				continue;
			char *t = blob_title(e, rv);
			held_add(tt, &cap, t, (int)i);
			free(t);
		}
	}
	if (tt->nheld)
		qsort(tt->held, tt->nheld, sizeof *tt->held, held_cmp);
	size_t n = 0;
	for (size_t k = 0; k < tt->nheld; k++) {
		if (n && !held_cmp(&tt->held[n - 1], &tt->held[k])) {
			free(tt->held[k].title);
			continue;
		}
		tt->held[n] = tt->held[k];
		tt->held_pages[n++] = tt->held[k].page;
	}
	tt->nheld = n;
	tt->held_made = 1;
}

/* links_ctx.titled_then: the pages that ever had the title key (folded),
 * in page order, in *v (borrowed); how many. */
static size_t titled_then(void *ctx, const char *key, const int **v)
{
	struct render_env *e = ctx;
	struct titles_then *tt = e->titles;
	pthread_mutex_lock(&tt->held_lock);
	if (!tt->held_made)
		held_make(e);
	pthread_mutex_unlock(&tt->held_lock);
	size_t lo = 0, hi = tt->nheld;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(tt->held[mid].title, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < tt->nheld && !strcmp(tt->held[end].title, key))
		end++;
	*v = tt->held_pages + lo;
	return end - lo;
}

/* Whether p's text, committed at order, made links then that it makes
 * otherwise today: one to an attachment (a version shows the file as it
 * was then, pastfiles.h), or to an article not written yet then (or
 * deleted then), or retitled since (a wiki link may show the title it
 * had then, or mean the article that had the title then). */
static int links_of_then(struct render_env *e, const struct page *p, uint32_t order)
{
	for (size_t k = 0; e->past_files && k < p->nrawlinks; k++)
		if (links_asset_of(e->site, p->dir, p->rawlinks[k].url, p->rawlinks[k].wiki) >= 0)
			return 1;
	for (size_t k = 0; e->titles && k < p->nlinks_to; k++) {
		int t = p->links_to[k];
		int today;
		const struct hist_rev *in = in_force_then(e, t, order, &today);
		if (e->born[t] > order || (in && in->change == HIST_DELETED))
			return 1; /* (not there then: its link meant another, or none) */
		char *then = title_then(e, t, order);
		int other = then && strcmp(then, page_title(e->site->pages[t]));
		free(then);
		if (other)
			return 1;
	}
	return 0;
}

/* A version whose Markdown is the article's own (body fingerprint fp)
 * renders to the article's HTML: its links resolve from the same folder,
 * and they all resolved (a page with a link problem, or a site whose Lua
 * filters rewrite pages, renders its versions afresh).  Returns 1 when
 * out took that HTML and contents. */
static int page_html_as_past(struct render_env *e, struct page *p, const uint64_t fp[2], uint32_t order,
			     struct past *out)
{
	if (!e->html_plain || p->links_noisy || memcmp(fp, p->body_fp, sizeof p->body_fp) ||
	    links_of_then(e, p, order))
		return 0;
	if (p->html_lazy)
		e->load_html(e->load_ctx, p);
	if (!p->html)
		return 0;
	out->html = xstrdup(p->html);
	out->toc = toc_encode(p->headings, p->nheadings);
	return 1;
}

static int past_is_current(struct render_env *e, struct page *p, const struct version *v, uint32_t order,
			   struct past *out, uint64_t fp[2])
{
	if (!v->body)
		return 0;
	site_body_fp(v->body, fp);
	return page_html_as_past(e, p, fp, order, out);
}

/* ---- past versions' fine keys ----------------------------------------- */

/* A past version's HTML is a function of its blob, the page it belongs to
 * (links are relative to it) and how each of its links resolves: its fine
 * key.  A title or heading edit changes the answers of the links that
 * look that title up or lead to that page, and no others: the versions
 * whose links do not stay as they were, and so do their cached HTML and
 * output files.  A history's links as written are one entry (keyed by its
 * blobs) its fine keys are worked out from, when the lookups they made
 * (links_sig) name an edited page. */
struct past_note {
	struct links_ctx lc;
	struct cache_keybuf kb;
	struct buf calls; /* the links as written: url, wiki, is_image */
	size_t n;
	char *dir;        /* version_dir (lc.dir) */
};

/* The folder inside content/ a version's links were written in: where
 * the file was then ("a" for content/a/b.md), a new string; NULL for a
 * file outside content/ then (its links are read from the page's). */
static char *version_dir(const struct hist_rev *rv)
{
	char *key = site_source_key(rv->path), *slash = key ? strrchr(key, '/') : NULL;
	if (key)
		*(slash ? slash : key) = '\0';
	return key;
}

static void note_begin(struct render_env *e, struct page *p, const struct hist_rev *rv,
		       struct past_note *pn, char *rel, struct links_sig *sig, struct buf *files_used,
		       struct buf *heads_used)
{
	pn->dir = version_dir(rv);
	pn->lc = (struct links_ctx){ .site = e->site, .ix = e->ix, .page = p, .out_path = rel, .past = 1,
				     .sig = sig, .dir = pn->dir, .files = e->past_files, .rev = rv->id,
				     .files_used = files_used, .born = e->born, .rev_order = hist_effective_order(rv),
				     .title_then = e->titles ? title_then : NULL, .title_ctx = e,
				     .heading_then = e->titles ? heading_then : NULL, .heads_used = heads_used,
				     .titled_then = e->titles ? titled_then : NULL,
				     .held_title = e->titles ? held_title : NULL };
	if (e->hist)
		pn->lc.nmoved = hist_moves(e->hist, &pn->lc.moved_from, &pn->lc.moved_to);
	cache_key_begin(e->cache, &pn->kb, "past-fine-1");
	cache_key_str(&pn->kb, rv->blob);
	cache_key_int(&pn->kb, e->site->cfg.unsafe_html);
	cache_key_str(&pn->kb, p->key);
	cache_key_str(&pn->kb, pn->dir ? pn->dir : p->dir);
	pn->calls = (struct buf)BUF_INIT;
	pn->n = 0;
}

/* Whether a link leads to a heading of its own document: a past
 * version's are its own, a function of its blob. */
static int same_page(const char *url, int wiki)
{
	return wiki ? url[strspn(url, " ")] == '#' : url[0] == '#';
}

static void note_call(struct past_note *pn, const char *url, int wiki, int is_image,
		      const struct md_link_result *res)
{
	/* (resolved without its document, from its links as written, such a
	 * link is noted as it is when rendered: by what it says alone) */
	static const struct md_link_result alone = { 0 };
	links_note(&pn->kb, url, wiki, is_image, same_page(url, wiki) ? &alone : res, -1);
	cache_w_str(&pn->calls, url);
	cache_w_u32(&pn->calls, (uint32_t)wiki);
	cache_w_u32(&pn->calls, (uint32_t)is_image);
	pn->n++;
}

/* The answers a history's links got, each asked once: an article's
 * versions share most of their links, and all lie in one folder (a
 * link's answer depends on its folder, not its file). */
#define ANSWERS_MAX 64

struct answers {
	struct answer {
		char *url, *dir; /* dir: the folder it was asked from */
		char *rev;       /* the revision it holds for (an attachment's), or NULL: any */
		int wiki, is_image;
		struct md_link_result res;
	} v[ANSWERS_MAX];
	size_t n;
};

static void answers_free(struct answers *a)
{
	for (size_t k = 0; k < a->n; k++) {
		free(a->v[k].url);
		free(a->v[k].dir);
		free(a->v[k].rev);
		free(a->v[k].res.href);
		free(a->v[k].res.title);
	}
	a->n = 0;
}

/* A link of a version that is not rendered now: resolved (or found in
 * a) only to be noted. */
static void note_link(struct past_note *pn, struct answers *a, const char *url, int wiki, int is_image)
{
	const char *dir = pn->dir ? pn->dir : pn->lc.page->dir;
	for (size_t k = 0; k < a->n; k++)
		if (a->v[k].wiki == wiki && a->v[k].is_image == is_image && !strcmp(a->v[k].url, url) &&
		    !strcmp(a->v[k].dir, dir) && (!a->v[k].rev || !strcmp(a->v[k].rev, pn->lc.rev))) {
			note_call(pn, url, wiki, is_image, &a->v[k].res);
			return;
		}
	struct md_link_result res = { 0 };
	pn->lc.rev_bound = 0;
	links_resolve(&pn->lc, url, wiki, is_image, 0, 0, &res);
	note_call(pn, url, wiki, is_image, &res);
	if (a->n < ANSWERS_MAX) {
		a->v[a->n++] = (struct answer){ xstrdup(url), xstrdup(dir), pn->lc.rev_bound ? xstrdup(pn->lc.rev) : NULL,
						wiki, is_image, res };
		return;
	}
	free(res.href);
	free(res.title);
}

static void resolve_noted(void *ctx, const char *url, int wiki, int is_image, int line, int col,
			  struct md_link_result *res)
{
	struct past_note *pn = ctx;
	links_resolve(&pn->lc, url, wiki, is_image, line, col, res);
	note_call(pn, url, wiki, is_image, res);
}

static struct cache_key note_end(struct past_note *pn)
{
	free(pn->lc.targets);
	pn->lc.targets = NULL;
	free(pn->dir);
	pn->dir = NULL;
	cache_key_int(&pn->kb, (long long)pn->n);
	return cache_key_end(&pn->kb);
}

static struct cache_key calls_key(const struct render_env *e, const struct hist_keys *hk)
{
	struct cache_keybuf kb;
	cache_key_begin(e->cache, &kb, "past-calls-1");
	cache_key_bytes(&kb, hk->diffs.h, sizeof hk->diffs.h);
	cache_key_int(&kb, e->site->cfg.unsafe_html);
	return cache_key_end(&kb);
}

/* Every history's fine keys are one entry for the site, read in place: a
 * links_table whose record per page is u32 n, the key of what the
 * history's keys were made from (hist_keys.pasts) and its n fine keys.
 * A record stands when its links made no lookup a changed page answers
 * (a title or heading edit elsewhere); else and when it is stale (its
 * revisions or its page changed) the history works its keys out again,
 * and the entry is written anew. */
struct fines_table {
	struct links_table t;
	atomic_int dirty;
	atomic_int kept, resolved; /* histories whose record stood; whose links were resolved again */
};

/* A history's links as written and (when its record changed) fine keys
 * wait in e->notes for the end of the pages: the links are put together,
 * not each beside pages of HTML. */
struct hist_notes {
	struct cache_key ck;
	struct buf fines, calls;
};

static struct cache_key fines_table_key(const struct render_env *e)
{
	struct cache_keybuf kb;
	cache_key_begin(e->cache, &kb, "past-fines-6");
	cache_key_int(&kb, e->site->cfg.unsafe_html);
	/* a link to an old name leads where the article went: a new move
	 * changes answers no title or heading edit explains */
	if (e->hist) {
		const char *const *from, *const *to;
		size_t n = hist_moves(e->hist, &from, &to);
		cache_key_int(&kb, (long long)n);
		for (size_t k = 0; k < n; k++) {
			cache_key_str(&kb, from[k]);
			cache_key_str(&kb, to[k]);
		}
	}
	return cache_key_end(&kb);
}

static struct fines_table *fines_table_load(struct render_env *e)
{
	struct fines_table *ft = xcalloc(1, sizeof *ft);
	struct cache_key k = fines_table_key(e);
	links_table_open(&ft->t, e->cache, &k, e->site->npages, &e->env_pages, e->page_env, 0);
	/* the same environment: the entry is written again only if a
	 * history's record changes */
	atomic_store(&ft->dirty, !ft->t.usable || ft->t.changed > 0);
	return ft;
}

/* Whether what a heading_then answer was read from (note_then's line)
 * holds still: the linking revision is one of hf's, and the linked page's
 * revision in force when it took effect is the one noted.  (A history
 * rewritten, an old commit amended, changes what the answer names with
 * no change to either page.) */
static int then_holds(const struct render_env *e, const struct hist_file *hf, const char *line)
{
	char rev[41], id[41], blob[41];
	int t, at = 0;
	if (sscanf(line, "%40s %d %40s %40s %n", rev, &t, id, blob, &at) != 4 || !at || t < 0 ||
	    (size_t)t >= e->site->npages)
		return 0;
	const struct hist_rev *own = NULL;
	for (size_t k = 0; k < hf->n && !own; k++)
		if (!strcmp(hf->revs[k].id, rev))
			own = &hf->revs[k];
	if (!own)
		return 0;
	const struct hist_file *thf;
	const struct hist_rev *in = rev_then(e, t, hist_effective_order(own), &thf);
	if (in && in->change == HIST_DELETED)
		in = NULL;
	if (!in)
		return !strcmp(id, "-");
	return !strcmp(in->id, id) && !strcmp(*in->blob ? in->blob : "-", blob) && !strcmp(in->path, line + at);
}

/* Page i's fine keys for history hf (n revisions) keyed hk, or NULL. */
static struct cache_key *fines_of(const struct render_env *e, size_t i, const struct hist_file *hf,
				  const struct hist_keys *hk, size_t n)
{
	size_t len;
	const char *rec = e->fines ? links_table_payload(&e->fines->t, i, &len) : NULL;
	if (!rec)
		return NULL;
	struct cache_reader rd = { .p = rec, .len = len };
	if (cache_r_u32(&rd) != n)
		return NULL;
	struct cache_key made;
	made.h[0] = cache_r_u64(&rd);
	made.h[1] = cache_r_u64(&rd);
	if (memcmp(&made, &hk->pasts, sizeof made))
		return NULL;
	struct cache_key *pf = xmalloc((n + 1) * sizeof *pf);
	for (size_t k = 0; k < n; k++) {
		pf[k].h[0] = cache_r_u64(&rd);
		pf[k].h[1] = cache_r_u64(&rd);
	}
	/* the attachments its versions link, as they were: this build
	 * writes them too */
	uint32_t nfiles = cache_r_u32(&rd);
	if (rd.bad || nfiles > (len - rd.off) / 8) { /* (each file two strings, each 4 bytes at least) */
		free(pf);
		return NULL;
	}
	char **files = xcalloc(2 * (size_t)nfiles + 1, sizeof *files);
	for (uint32_t k = 0; k < 2 * nfiles && !rd.bad; k++)
		files[k] = cache_r_str(&rd);
	/* what links to headings lost since were answered from (heading_then):
	 * under the scripts that judged the versions read, if any */
	uint32_t nthen = cache_r_u32(&rd);
	int good = !rd.bad;
	if (good && nthen) {
		uint64_t scripts[2];
		scripts[0] = cache_r_u64(&rd); /* (in turn: an initializer's order is not fixed) */
		scripts[1] = cache_r_u64(&rd);
		good = !memcmp(scripts, e->judge ? e->judge->scripts : (const uint64_t[2]){ 0, 0 }, sizeof scripts);
	}
	for (uint32_t k = 0; k < nthen && good; k++) {
		char *line = cache_r_str(&rd);
		good = !rd.bad && then_holds(e, hf, line);
		free(line);
	}
	good &= !rd.bad && rd.off == len;
	for (uint32_t k = 0; k < nfiles; k++) {
		if (good && e->past_files)
			past_files_need(e->past_files, files[2 * k], files[2 * k + 1]);
		free(files[2 * k]);
		free(files[2 * k + 1]);
	}
	free(files);
	if (!good) {
		free(pf);
		return NULL;
	}
	return pf;
}

static void put_fines(struct render_env *e, size_t i, const struct hist_keys *hk,
		      const struct cache_key *pf, size_t n, struct links_sig *sig, const struct buf *files,
		      const struct buf *heads)
{
	struct buf rec = BUF_INIT;
	cache_w_u32(&rec, (uint32_t)n);
	cache_w_u64(&rec, hk->pasts.h[0]);
	cache_w_u64(&rec, hk->pasts.h[1]);
	for (size_t k = 0; k < n; k++) {
		cache_w_u64(&rec, pf[k].h[0]);
		cache_w_u64(&rec, pf[k].h[1]);
	}
	uint32_t nfiles = 0;
	for (size_t at = 0; at < files->len; at += strlen(files->ptr + at) + 1)
		nfiles++;
	cache_w_u32(&rec, nfiles / 2);
	for (size_t at = 0; at < files->len; at += strlen(files->ptr + at) + 1)
		cache_w_str(&rec, files->ptr + at);
	uint32_t nthen = 0;
	for (size_t at = 0; at < heads->len; at += strlen(heads->ptr + at) + 1)
		nthen++;
	cache_w_u32(&rec, nthen);
	if (nthen) {
		cache_w_u64(&rec, e->judge ? e->judge->scripts[0] : 0);
		cache_w_u64(&rec, e->judge ? e->judge->scripts[1] : 0);
	}
	for (size_t at = 0; at < heads->len; at += strlen(heads->ptr + at) + 1)
		cache_w_str(&rec, heads->ptr + at);
	links_table_record(&e->notes[i].fines, rec.ptr, rec.len, sig);
	buf_free(&rec);
	atomic_store(&e->fines->dirty, 1);
}

/* The table again, each page's record new or as it was. */
static void put_fines_table(struct render_env *e)
{
	size_t n = e->site->npages;
	struct buf *fresh = xcalloc(n + 1, sizeof *fresh);
	for (size_t i = 0; i < n; i++)
		fresh[i] = e->notes[i].fines; /* (borrowed) */
	struct cache_key k = fines_table_key(e);
	links_table_put(e->cache, &k, n, &e->env_pages, e->page_env, fresh, &e->fines->t);
	free(fresh);
}

static void put_notes_all(struct render_env *e)
{
	if (e->timings)
		fprintf(stderr, "past versions' links: %d histories as they were, %d resolved again\n",
			atomic_load(&e->fines->kept), atomic_load(&e->fines->resolved));
	/* (with a file git could not read, no link is known to stand) */
	int trusted = !past_files_failed(e->past_files);
	if (trusted && atomic_load(&e->fines->dirty))
		put_fines_table(e);
	size_t n = e->site->npages, m = 0;
	struct cache_key *k = xmalloc((n + 1) * sizeof *k);
	char **data = xmalloc((n + 1) * sizeof *data);
	size_t *len = xmalloc((n + 1) * sizeof *len);
	for (size_t i = 0; i < n; i++) {
		struct hist_notes *hn = &e->notes[i];
		if (trusted && hn->calls.len) {
			k[m] = hn->ck;
			data[m] = hn->calls.ptr;
			len[m++] = hn->calls.len;
		}
	}
	cache_put_many(e->cache, k, data, len, m);
	for (size_t i = 0; i < n; i++) {
		buf_free(&e->notes[i].fines);
		buf_free(&e->notes[i].calls);
	}
	free(e->notes);
	e->notes = NULL;
	links_table_close(&e->fines->t);
	free(e->fines);
	e->fines = NULL;
	free(k);
	free(data);
	free(len);
}

/* The fine keys of a history's past versions (a new array; the deleted
 * ones' are zeros), or NULL when its links as written are not cached:
 * then each version is rendered, and its key noted as it is. */
static struct cache_key *past_fines(struct render_env *e, size_t i, const struct hist_file *hf,
				    const struct hist_keys *hk)
{
	struct page *p = e->site->pages[i];
	struct cache_key *pf = fines_of(e, i, hf, hk, hf->n);
	if (pf) {
		atomic_fetch_add(&e->fines->kept, 1);
		return pf;
	}
	struct cache_key ck = calls_key(e, hk);
	char *data;
	size_t len;
	/* (read only after a title or heading edit, one entry per history) */
	if (!cache_get(e->cache, &ck, &data, &len))
		return NULL;
	struct cache_reader rd = { .p = data, .len = len };
	struct answers *a = xmalloc(sizeof *a);
	struct links_sig sig = { 0 };
	struct buf files = BUF_INIT, heads = BUF_INIT;
	a->n = 0;
	pf = xcalloc(hf->n + 1, sizeof *pf);
	if (cache_r_u32(&rd) != hf->n)
		rd.bad = 1;
	for (size_t k = 0; !rd.bad && k < hf->n; k++) {
		uint32_t n = cache_r_u32(&rd);
		if (hf->revs[k].change == HIST_DELETED) {
			rd.bad |= n != 0;
			continue;
		}
		struct past_note pn;
		char *rel = rev_out(p, hf->revs[k].id);
		note_begin(e, p, &hf->revs[k], &pn, rel, &sig, &files, &heads);
		for (uint32_t j = 0; !rd.bad && j < n; j++) {
			char *url = cache_r_str(&rd);
			int wiki = (int)cache_r_u32(&rd), img = (int)cache_r_u32(&rd);
			if (!rd.bad)
				note_link(&pn, a, url, wiki, img);
			free(url);
		}
		pf[k] = note_end(&pn);
		buf_free(&pn.calls);
		free(rel);
	}
	answers_free(a);
	free(a);
	free(data);
	if (!rd.bad && rd.off == len) {
		put_fines(e, i, hk, pf, hf->n, &sig, &files, &heads);
		atomic_fetch_add(&e->fines->resolved, 1);
	} else {
		free(pf);
		pf = NULL;
	}
	links_sig_free(&sig);
	buf_free(&files);
	buf_free(&heads);
	return pf;
}

/* Stores what the versions rendered in this build noted: their links as
 * written (calls[k]) and fine keys. */
static void put_notes(struct render_env *e, size_t i, const struct hist_file *hf,
		      const struct hist_keys *hk, const struct cache_key *pf, struct buf *calls,
		      const size_t *ncalls, struct links_sig *sig, const struct buf *files, const struct buf *heads)
{
	struct hist_notes *hn = &e->notes[i];
	buf_reset(&hn->calls);
	cache_w_u32(&hn->calls, (uint32_t)hf->n);
	for (size_t k = 0; k < hf->n; k++) {
		cache_w_u32(&hn->calls, (uint32_t)ncalls[k]);
		buf_put(&hn->calls, calls[k].ptr, calls[k].len);
	}
	hn->ck = calls_key(e, hk);
	put_fines(e, i, hk, pf, hf->n, sig, files, heads);
}

/* ---- links that lead to other guidance -------------------------------- */

/* The links of ls[n] that may lead to an article, one a line as
 * "<wiki><url>\n" (wiki a digit), each once, in order: images and links
 * to the page's own headings lead to none.  A new string. */
static char *links_keys(const struct rawlink *ls, size_t n)
{
	struct buf b = BUF_INIT, key = BUF_INIT;
	struct strmap seen = STRMAP_INIT; /* (a page of links is no square) */
	for (size_t i = 0; i < n; i++) {
		const char *url = ls[i].url;
		if (ls[i].is_image || !*url || url[0] == '#' || strchr(url, '\n'))
			continue;
		buf_reset(&key);
		buf_putc(&key, (char)('0' + ls[i].wiki));
		buf_puts(&key, url);
		if (strmap_get(&seen, buf_cstr(&key)))
			continue;
		strmap_put(&seen, buf_cstr(&key), NULL);
		buf_put(&b, key.ptr, key.len);
		buf_putc(&b, '\n');
	}
	char *keys = xstrdup(buf_cstr(&b));
	strmap_free(&seen);
	buf_free(&key);
	buf_free(&b);
	return keys;
}

/* links_keys of a parsed document (its wiki links expanded). */
static char *doc_links(struct md_doc *doc)
{
	struct rawlink *ls = NULL;
	size_t n = 0;
	md_links(doc, &ls, &n);
	char *keys = links_keys(ls, n);
	for (size_t i = 0; i < n; i++)
		free(ls[i].url);
	free(ls);
	return keys;
}

/* Version v's links_keys, read once: a diff's two versions are each
 * other diff's too, and past_make notes them as it parses (or finds the
 * page's own text).  Borrowed from v. */
static const char *version_links(struct version *v, int unsafe_html)
{
	if (v->links)
		return v->links;
	/* (no link without a bracket: such a version needs no parse) */
	if (!v->body || !strchr(v->body, '[')) {
		v->links = xstrdup("");
		return v->links;
	}
	struct md_doc doc;
	md_parse(&doc, v->body, strlen(v->body), 1, unsafe_html);
	md_expand_wikilinks(&doc);
	v->links = doc_links(&doc);
	md_free(&doc);
	return v->links;
}

/* The links of version now written as old has them too (links_keys'
 * lines): what a change of folder or of the articles around can send
 * elsewhere.  A new string, "" for none. */
static char *links_kept(struct version *old, struct version *now, int unsafe_html)
{
	if (!old || !old->body || !now->body || !strchr(old->body, '[') || !strchr(now->body, '['))
		return xstrdup("");
	const char *o = version_links(old, unsafe_html), *n = version_links(now, unsafe_html);
	struct strmap had = STRMAP_INIT;
	struct buf b = BUF_INIT, key = BUF_INIT;
	for (const char *at = o; *at; at += strcspn(at, "\n") + 1) {
		buf_reset(&key);
		buf_put(&key, at, strcspn(at, "\n"));
		strmap_put(&had, buf_cstr(&key), NULL);
	}
	for (const char *line = n; *line; line += strcspn(line, "\n") + 1) {
		buf_reset(&key);
		buf_put(&key, line, strcspn(line, "\n"));
		if (strmap_get(&had, buf_cstr(&key)))
			buf_put(&b, line, key.len + 1);
	}
	char *kept = xstrdup(buf_cstr(&b));
	strmap_free(&had);
	buf_free(&key);
	buf_free(&b);
	return kept;
}

/* The link resolution of revision rv's past version (note_begin's,
 * without what only shows: attachments, titles), for leads_to. */
static void then_ctx(struct render_env *e, const struct page *p, const struct hist_rev *rv, char *dir,
		     struct links_ctx *lc)
{
	*lc = (struct links_ctx){ .site = e->site, .ix = e->ix, .page = p, .out_path = p->out, .past = 1,
				  .dir = dir, .born = e->born, .rev_order = hist_effective_order(rv), .title_ctx = e,
				  .titled_then = e->titles ? titled_then : NULL,
				  .held_title = e->titles ? held_title : NULL };
	if (e->hist)
		lc->nmoved = hist_moves(e->hist, &lc->moved_from, &lc->moved_to);
}

/* The page a link leads to in lc, or -1 (it is text, or no article's). */
static int leads_to(struct links_ctx *lc, const char *url, int wiki)
{
	struct md_link_result res = { 0 };
	size_t before = lc->ntargets;
	links_resolve(lc, url, wiki, 0, 0, 0, &res);
	free(res.href);
	free(res.title);
	return lc->ntargets > before ? lc->targets[lc->ntargets - 1] : -1;
}

/* Page t's title as it was at the walk's order (title_then), a new
 * string; NULL for t -1. */
static char *title_at(struct render_env *e, int t, uint32_t order)
{
	if (t < 0)
		return NULL;
	char *then = e->titles ? title_then(e, t, order) : NULL;
	return then ? then : xstrdup(page_title(e->site->pages[t]));
}

/* The revision whose text revision k's commit changed (its base): the
 * one below it, most often; -1 when it is none listed. */
static long base_rev(const struct hist_file *hf, size_t k)
{
	const struct hist_rev *rv = &hf->revs[k];
	for (size_t j = k + 1; *rv->base && j < hf->n; j++)
		if (hf->revs[j].change != HIST_DELETED && !strcmp(hf->revs[j].blob, rv->base))
			return (long)j;
	return -1;
}

/* Revision k's diff (with the one before it): a function of the two
 * blobs, and of how each version's wiki links read ([[leave]] shows its
 * article's title of then), which the versions' fine keys pf stand for:
 * k's, and its base's when that is a revision listed (one that is not,
 * on a branch, is read as k is: its links k has too are in k's key). */
static struct cache_key key_diff(const struct hist_keys *hk, const struct hist_file *hf,
				 const struct cache_key *pf, size_t k)
{
	struct cache_key d = cache_key_derive(&hk->diffs, (uint64_t)k);
	struct cache_keybuf kb;
	cache_key_begin(NULL, &kb, "revdiff-read-1");
	cache_key_bytes(&kb, d.h, sizeof d.h);
	long j = base_rev(hf, k);
	if (hf->revs[k].change != HIST_DELETED)
		cache_key_bytes(&kb, pf[k].h, sizeof pf[k].h);
	cache_key_int(&kb, j);
	if (j >= 0)
		cache_key_bytes(&kb, pf[j].h, sizeof pf[j].h);
	return cache_key_end(&kb);
}

/* revdiff_wiki.title: how a wiki link to target reads in the version
 * whose links ctx (a links_ctx) resolves, as its past version shows it:
 * the title of then of the article it leads to, or NULL when it is text
 * there (it reads as written). */
static char *wiki_title_then(void *ctx, const char *target)
{
	struct md_link_result res = { 0 };
	links_resolve(ctx, target, MD_WIKI_TITLED, 0, 0, 0, &res);
	char *title = res.href && res.title && *res.title ? res.title : NULL;
	if (!title)
		free(res.title);
	free(res.href);
	return title;
}

/* What the links of revision k's version to url[n] (links_keys' lines)
 * read: the text of the first link to each (its url when it shows none,
 * as a wiki link showing its target's title), new strings in text[n].
 * Read again from git: only a revision with a link note asks. */
static void link_texts(struct render_env *e, const struct hist_rev *rv, char **url, size_t n, char **text)
{
	struct version v;
	struct fm_memo memo = { BUF_INIT, NULL, 0 };
	version_load(e, rv, &v, &memo);
	buf_free(&memo.yaml);
	struct md_doc doc;
	struct rawlink *ls = NULL;
	char **texts = NULL;
	size_t nl = 0;
	md_parse(&doc, v.body ? v.body : "", v.body ? strlen(v.body) : 0, 1, e->site->cfg.unsafe_html);
	md_expand_wikilinks(&doc);
	md_links_texts(&doc, &ls, &texts, &nl);
	md_free(&doc);
	for (size_t i = 0; i < n; i++) {
		text[i] = NULL;
		for (size_t k = 0; k < nl && !text[i]; k++)
			if (!ls[k].is_image && '0' + ls[k].wiki == url[i][0] && !strcmp(ls[k].url, url[i] + 1) &&
			    *texts[k])
				text[i] = xstrdup(texts[k]);
		if (!text[i])
			text[i] = xstrdup(url[i] + 1);
	}
	for (size_t k = 0; k < nl; k++) {
		free(ls[k].url);
		free(texts[k]);
	}
	free(ls);
	free(texts);
	version_free(&v);
}

/* Revision k's diff body_html, with a note of the links written the same
 * as in its base (kept: links_kept's lines) that lead to another article
 * now than they did, each as its past version reads it (from the folder
 * the article was in then, among the articles of then).  What each led
 * to is in the versions' fine keys, so the history page's fingerprint
 * covers the note; the titles are those of then, fixed by git.  A new
 * string. */
static char *with_link_note(struct render_env *e, const struct page *p, const struct hist_file *hf, size_t k,
			    const char *kept, const char *body_html)
{
	long j = *kept ? base_rev(hf, k) : -1;
	if (j < 0)
		return xstrdup(body_html);
	const struct hist_rev *was_rv = &hf->revs[j], *now_rv = &hf->revs[k];
	char *was_dir = version_dir(was_rv), *now_dir = version_dir(now_rv);
	struct links_ctx was, now;
	then_ctx(e, p, was_rv, was_dir, &was);
	then_ctx(e, p, now_rv, now_dir, &now);
	char **url = NULL;
	int *from = NULL, *to = NULL;
	size_t n = 0;
	for (const char *line = kept; *line; line += strcspn(line, "\n") + 1) {
		char *key = xstrndup(line, strcspn(line, "\n"));
		int a = leads_to(&was, key + 1, key[0] - '0'), b = leads_to(&now, key + 1, key[0] - '0');
		if (a == b) {
			free(key);
			continue;
		}
		url = xrealloc(url, (n + 1) * sizeof *url);
		from = xrealloc(from, (n + 1) * sizeof *from);
		to = xrealloc(to, (n + 1) * sizeof *to);
		url[n] = key;
		from[n] = a;
		to[n++] = b;
	}
	/* (the note names the first few) */
	size_t shown = n < REVDIFF_LINKS_SHOWN ? n : REVDIFF_LINKS_SHOWN;
	struct revdiff_link *v = xcalloc(n + 1, sizeof *v);
	char **text = xcalloc(n + 1, sizeof *text);
	if (n)
		link_texts(e, now_rv, url, shown, text);
	for (size_t i = 0; i < shown; i++)
		v[i] = (struct revdiff_link){ text[i], title_at(e, from[i], was.rev_order),
					      from[i] >= 0 ? e->site->pages[from[i]]->out : NULL,
					      title_at(e, to[i], now.rev_order), to[i] >= 0 ? e->site->pages[to[i]]->out : NULL };
	struct buf out = BUF_INIT;
	revdiff_links(body_html, v, n, &out);
	for (size_t i = 0; i < n; i++) {
		free(url[i]);
		free(text[i]);
		free((char *)v[i].was);
		free((char *)v[i].now);
	}
	free(url);
	free(from);
	free(to);
	free(text);
	free(v);
	free(was.targets);
	free(now.targets);
	free(was_dir);
	free(now_dir);
	return buf_detach(&out);
}

/* Makes past version v, noting its links in pn.  Its links point at
 * today's articles where they exist and become text where not.  1 when
 * it is the page's own HTML (the body's fingerprint in cur_fp). */
static int past_make(struct render_env *e, struct page *p, struct version *v,
		     struct past_note *pn, struct past *out, uint64_t cur_fp[2])
{
	const char *t = json_string_value(json_object_get(v->fm, "title"));
	out->title = t ? xstrdup(t) : NULL;
	t = json_string_value(json_object_get(v->fm, "summary"));
	out->summary = xstrdup(t ? t : "");
	struct buf tags = BUF_INIT;
	size_t ti;
	json_t *tv;
	json_array_foreach(json_object_get(v->fm, "tags"), ti, tv)
		if (json_is_string(tv) && !strchr(json_string_value(tv), '\n'))
			buf_printf(&tags, "%s%s", tags.len ? "\n" : "", json_string_value(tv));
	out->tags = xstrdup(buf_cstr(&tags));
	buf_free(&tags);
	/* (the page's HTML stands for the same Markdown written in the same
	 * folder only: moved, its links meant other files) */
	if ((!pn->dir || !strcmp(pn->dir, p->dir)) && past_is_current(e, p, v, pn->lc.rev_order, out, cur_fp)) {
		/* the same body: the same links */
		struct answers *a = xmalloc(sizeof *a);
		a->n = 0;
		for (size_t k = 0; k < p->nrawlinks; k++)
			note_link(pn, a, p->rawlinks[k].url, p->rawlinks[k].wiki, p->rawlinks[k].is_image);
		answers_free(a);
		free(a);
		if (!v->links)
			v->links = links_keys(p->rawlinks, p->nrawlinks);
		return 1;
	}
	struct md_doc doc;
	struct heading *hs = NULL;
	size_t nh = 0;
	md_parse(&doc, v->body ? v->body : "", v->body ? strlen(v->body) : 0, 1, e->site->cfg.unsafe_html);
	md_expand_wikilinks(&doc);
	/* (its diffs read its links: this parse serves them too) */
	if (!v->links)
		v->links = doc_links(&doc);
	md_headings(&doc, &hs, &nh);
	out->toc = toc_encode(hs, nh);
	/* its links to its own headings and footnotes find them there */
	char *fnids = md_footnotes(&doc);
	json_t *fnset = md_footnote_set(fnids);
	pn->lc.own = 1;
	pn->lc.own_h = hs;
	pn->lc.own_nh = nh;
	pn->lc.own_fn = fnset;
	md_render(&doc, resolve_noted, pn, &out->html, NULL);
	pn->lc.own = 0;
	json_decref(fnset);
	free(fnids);
	md_free_headings(hs, nh);
	md_free(&doc);
	return 0;
}

/* A past version goes through the same templates as the article, with
 * the article's context: it sits in the same folder, so every relative
 * URL in it is the same.  *art is that context, made on first use and
 * shared by the article's past versions (copied shallowly, never
 * changed). */
static void render_revision(struct render_env *e, int i, const struct hist_file *hf, size_t k,
			    const struct past *past, const struct cache_key *fp, json_t **art)
{
	const struct page *p = e->site->pages[i];
	const struct hist_rev *rv = &hf->revs[k];
	char *out = rev_out(p, rv->id);
	if (!*art)
		*art = page_ctx(e, i, p->out, "");
	json_t *c = json_copy(*art);
	set_html(e, c, past->html ? past->html : "");
	if (past->title)
		set_str(c, "title", past->title);
	/* that version's summary and tags, not today's (the tags as names:
	 * a topic of then may have no page now) */
	if (past->summary && *past->summary) {
		set_str(c, "summary", past->summary);
		set_str(c, "description", past->summary);
	} else {
		json_object_del(c, "summary");
		json_object_del(c, "description");
	}
	json_t *tags = json_array();
	for (const char *t = past->tags ? past->tags : ""; *t;) {
		size_t n = strcspn(t, "\n");
		json_t *o = json_object();
		json_object_set_new(o, "name", json_stringn(t, n));
		json_array_append_new(tags, o);
		t += n + (t[n] == '\n');
	}
	json_object_set_new(c, "tags", tags);
	json_object_set_new(c, "toc", toc_decode(past->toc));
	json_t *banner = json_object();
	set_when(banner, rv, shares_date(hf, k));
	set_author(banner, rv, hist_is_boundary(e->hist, rv));
	set_own(banner, "short_id", short_id(rv->id));
	set_own(banner, "current_url", site_rel_url(out, p->out));
	char *ho = history_out(p);
	set_own(banner, "history_url", site_rel_url(out, ho));
	free(ho);
	/* Older is further down the list (newest first). */
	for (size_t j = k + 1; j < hf->n; j++)
		if (hf->revs[j].change != HIST_DELETED) {
			char *o = rev_out(p, hf->revs[j].id);
			set_own(banner, "older_url", site_rel_url(out, o));
			free(o);
			break;
		}
	int newest = 1;
	for (size_t j = k; j-- > 0;)
		if (hf->revs[j].change != HIST_DELETED) {
			char *o = rev_out(p, hf->revs[j].id);
			set_own(banner, "newer_url", site_rel_url(out, o));
			free(o);
			newest = 0;
			break;
		}
	/* The newest version of an article as committed is today's guidance:
	 * its banner says so rather than warn (page_fp covers the state),
	 * and from when: made on a branch or committed later than written,
	 * from when it took effect (a draft's source may be clean, but what
	 * staff read was taken off the site) */
	if (newest && p->kind != PAGE_WITHDRAWN && e->state_of && e->state_of[i] == HIST_CLEAN) {
		json_t *l = when_by(rv, 0);
		long long t;
		int tz;
		hist_effective_time(rv, &t, &tz);
		if (t == rv->time)
			json_object_set(l, "time_of_day", json_object_get(banner, "time_of_day"));
		else
			json_object_set_new(l, "time_of_day", json_false());
		json_object_set_new(l, "files_changed", json_boolean(files_changed(e, i)));
		/* a past version is its Markdown as written: Lua filters shape
		 * only the pages being built (docs/hooks.md) */
		json_object_set_new(l, "filtered", json_boolean(!e->html_plain));
		json_object_set_new(banner, "latest", l);
	} else {
		json_object_set_new(banner, "latest", json_false());
	}
	json_object_set_new(c, "revision", banner);
	json_object_set_new(c, "is_revision", json_true());
	emit_fp(e, out, "revision", c, fp);
	json_decref(c);
	free(out);
}

/* Loads every version of a history once, the first time one is needed:
 * with everything cached, no blob is read at all. */
static struct version *versions(struct render_env *e, const struct hist_file *hf, struct version **vs)
{
	if (!*vs) {
		*vs = xcalloc(hf->n, sizeof **vs);
		struct fm_memo memo = { BUF_INIT, NULL, 0 };
		for (size_t k = 0; k < hf->n; k++)
			version_load(e, &hf->revs[k], &(*vs)[k], &memo);
		buf_free(&memo.yaml);
		note_titles(e, hf, *vs);
	}
	return *vs;
}

/* What an article's history page and past versions are made from: the
 * article's context but its HTML (page_inputs: its title, place, links
 * and history list; a past version's context is the article's with
 * other content) and each revision, with the cache keys its diff and past
 * HTML are functions of. */
static struct cache_key history_fp(struct render_env *e, size_t i, const struct cache_key *in,
				   const struct hist_file *hf, const struct hist_keys *hk, const struct cache_key *pf)
{
	struct cache_keybuf kb;
	cache_key_begin(e->cache, &kb, "history-outputs-5");
	cache_key_bytes(&kb, in->h, sizeof in->h);
	/* a --drafts preview shows a withdrawn article's history whole, with
	 * the revisions of a build to publish: only the notice of versions
	 * left out tells the two apart */
	cache_key_int(&kb, e->published && e->published[i]);
	cache_key_int(&kb, (long long)tmpl_digest(e->tmpl, "history"));
	cache_key_int(&kb, (long long)tmpl_digest(e->tmpl, "revision"));
	cache_key_int(&kb, hf->truncated);
	/* Each revision's own fields are in the page's fingerprint already. */
	cache_key_bytes(&kb, hk->diffs.h, sizeof hk->diffs.h);
	/* kept for a later build that must render this history again (a
	 * template edit, say) even when this one links it all */
	struct cache_key *keep = xmalloc((2 * hf->n + 1) * sizeof *keep);
	size_t nkeep = 0;
	keep[nkeep++] = calls_key(e, hk);
	for (size_t k = 0; k < hf->n; k++) {
		keep[nkeep++] = key_diff(hk, hf, pf, k);
		if (hf->revs[k].change != HIST_DELETED) {
			keep[nkeep++] = pf[k];
			cache_key_bytes(&kb, pf[k].h, sizeof pf[k].h);
		}
	}
	cache_touch_many(e->cache, keep, nkeep);
	free(keep);
	return cache_key_end(&kb);
}

/* The fingerprint of the history page (k = -1) or of past version k. */
static struct cache_key sub_fp(const struct cache_key *h, long long k)
{
	return cache_key_derive(h, (uint64_t)(k + 1));
}

/* Links what the previous build made from the same history: the history
 * page (*hist_done) and each past version (done[k]).  1 when all were. */
static int reuse_history(struct render_env *e, const struct page *p, const struct hist_file *hf,
			 const struct cache_key *hfp, int *hist_done, char *done)
{
	char *out = history_out(p);
	struct cache_key k = sub_fp(hfp, -1);
	int all = *hist_done = output_reuse(e->out, out, k.h);
	free(out);
	for (size_t r = 0; r < hf->n; r++) {
		if (hf->revs[r].change == HIST_DELETED) {
			done[r] = 1;
			continue;
		}
		k = sub_fp(hfp, (long long)r);
		out = rev_out(p, hf->revs[r].id);
		done[r] = (char)output_reuse(e->out, out, k.h);
		free(out);
		all &= done[r];
		atomic_fetch_add((atomic_int *)&e->pages_written, done[r]);
	}
	atomic_fetch_add((atomic_int *)&e->pages_written, *hist_done);
	return all;
}

/* Revision k's entry in the history page's list, with its readable diff
 * (with the revision before it, the next in the newest-first list). */
/* The older side of a diff: its wiki links read as its past version
 * shows them (was), but one the newer version (now, its body now_body)
 * writes the same reads as there: its article retitled between the
 * two is no change of the revision's, as in a paragraph left alone. */
struct older_read {
	struct links_ctx *was, *now;
	const char *now_body;
};

static char *older_title(void *ctx, const char *target)
{
	struct older_read *o = ctx;
	char *same = xasprintf("[[%s]]", target);
	int kept = o->now_body && strstr(o->now_body, same);
	free(same);
	return wiki_title_then(kept ? o->now : o->was, target);
}

/* The body of revision k's diff with older (NULL: none) into db, each
 * version's wiki links read as its past version shows them: k's by its
 * own links, older's by its listed revision's (else by k's), but for
 * those k kept (older_read). */
static void diff_read(struct render_env *e, const struct page *p, const struct hist_file *hf, size_t k,
		      const struct version *older, const struct version *now, struct buf *db)
{
	const struct hist_rev *rv = &hf->revs[k];
	long j = base_rev(hf, k);
	const struct hist_rev *was_rv = j >= 0 ? &hf->revs[j] : rv;
	char *now_dir = version_dir(rv), *was_dir = version_dir(was_rv);
	struct links_ctx was_lc, now_lc;
	then_ctx(e, p, rv, now_dir, &now_lc);
	then_ctx(e, p, was_rv, was_dir, &was_lc);
	now_lc.title_then = was_lc.title_then = e->titles ? title_then : NULL;
	struct older_read o = { &was_lc, &now_lc, now->body };
	struct revdiff_wiki was = { older_title, &o }, nw = { wiki_title_then, &now_lc };
	revdiff_body_read(older ? older->body : NULL, now->body, e->site->cfg.unsafe_html, &was, &nw, db);
	free(was_lc.targets);
	free(now_lc.targets);
	free(now_dir);
	free(was_dir);
}

static json_t *revision_entry(struct render_env *e, const struct page *p, const struct hist_file *hf,
			      size_t k, const struct hist_keys *hk, const struct cache_key *pf, json_t *made,
			      const char *out, struct version **vs)
{
	const struct hist_rev *rv = &hf->revs[k];
	json_t *r = made ? json_copy(json_array_get(made, k)) : rev_json(p, rv, out, hist_is_boundary(e->hist, &hf->revs[k]),
									    shares_date(hf, k));
	/* (the page is shadowed, made NULL, where a folder's own page was removed) */
	if (!made && p->section_stays)
		json_object_set_new(r, "page_removed", json_boolean(k == removal_of(p, hf)));
	char *md[3] = { NULL, NULL, NULL };
	uint32_t flag;
	struct cache_key dk;
	if (e->cache)
		dk = key_diff(hk, hf, pf, k);
	if (hist_is_boundary(e->hist, &hf->revs[k])) {
		md[0] = xstrdup(""); /* nothing to compare it with */
		md[1] = xstrdup("");
		md[2] = xstrdup("");
	} else if (get_strs(e, &dk, &flag, md, 3) < 0) {
		versions(e, hf, vs);
		/* What the commit changed: the file as its first parent had it,
		 * most often the revision listed below (not so on a branch). */
		struct version own = { 0 };
		struct version *older = NULL;
		if (!*rv->base) {
			older = NULL;
		} else if (k + 1 < hf->n && !strcmp(blob_of(&hf->revs[k + 1]), rv->base)) {
			older = &(*vs)[k + 1];
		} else {
			struct hist_rev b = { .change = HIST_MODIFIED, .path = rv->path };
			memcpy(b.blob, rv->base, sizeof b.blob);
			struct fm_memo memo = { BUF_INIT, NULL, 0 };
			version_load(e, &b, &own, &memo);
			buf_free(&memo.yaml);
			older = &own;
		}
		struct buf mb = BUF_INIT, db = BUF_INIT;
		revdiff_meta(older ? older->fm : NULL, (*vs)[k].fm, &mb);
		diff_read(e, p, hf, k, older, &(*vs)[k], &db);
		md[0] = xstrdup(buf_cstr(&mb));
		md[1] = xstrdup(buf_cstr(&db));
		md[2] = links_kept(older, &(*vs)[k], e->site->cfg.unsafe_html);
		buf_free(&mb);
		buf_free(&db);
		if (e->cache && !(*vs)[k].failed && !(older && older->failed))
			put_strs(e, &dk, 0, md, 3);
		version_free(&own);
	}
	/* (what the links lead to depends on more than the two blobs: it is
	 * worked out again each time, from what the diff's entry kept) */
	char *diff = with_link_note(e, p, hf, k, md[2], md[1]);
	/* revdiff writes bad bytes as U+FFFD */
	set_valid(r, "meta_html", md[0]);
	set_valid(r, "diff_html", diff);
	set_str(r, "anchor", rv->id);
	/* compared with nothing, the diff is the whole text as one insertion:
	 * the history says it was published (first: the oldest entry; else
	 * again, after a withdrawal), the text kept but folded away */
	int whole = !*rv->base && rv->change != HIST_DELETED && !hist_is_boundary(e->hist, rv);
	json_object_set_new(r, "whole", json_boolean(whole));
	json_object_set_new(r, "first", json_boolean(whole && k + 1 == hf->n));
	free(diff);
	for (size_t i = 0; i < 3; i++)
		free(md[i]);
	return r;
}

/* What the versions rendered in a build that had no fine keys for their
 * history noted: each one's key and links as written (see put_notes). */
struct pasts_noted {
	struct cache_key *keys;
	struct buf *calls;
	size_t *ncalls;
	struct links_sig sig;
	struct buf files; /* the attachments they link (links_ctx.files_used) */
	struct buf heads; /* what their links to lost headings read (links_ctx.heads_used) */
	int failed;
};

/* A past version's cache entry: its title (flag PAST_TITLE), HTML and
 * contents; or, for a version whose body is the page's (PAST_PAGE), its
 * title and the body's fingerprint: its HTML is the page's own, kept in
 * the cache already (not a second copy of every article). */
enum { PAST_TITLE = 1, PAST_PAGE = 2 };

static void fp_hex(const uint64_t fp[2], char out[33])
{
	for (int i = 0; i < 32; i++)
		out[i] = "0123456789abcdef"[(fp[i / 16] >> (60 - 4 * (i % 16))) & 15];
	out[32] = '\0';
}

/* The version cached under k, or -1. */
static int past_get(struct render_env *e, struct page *p, const struct cache_key *k, uint32_t order,
		    struct past *past)
{
	uint32_t flag;
	char *f[5];
	if (get_strs(e, k, &flag, f, 5) < 0)
		return -1;
	char *title = flag & PAST_TITLE ? f[0] : NULL;
	if (title != f[0])
		free(f[0]);
	if (!(flag & PAST_PAGE)) {
		*past = (struct past){ title, f[1], f[2], f[3], f[4] };
		return 0;
	}
	char have[33];
	fp_hex(p->body_fp, have);
	int same = !strcmp(f[1], have);
	free(f[1]);
	free(f[2]);
	/* (else the page's body has changed since: its HTML no longer stands
	 * for this version) */
	if (!same || !page_html_as_past(e, p, p->body_fp, order, past)) {
		free(title);
		free(f[3]);
		free(f[4]);
		return -1;
	}
	past->title = title;
	past->summary = f[3];
	past->tags = f[4];
	return 0;
}

static void past_put(struct render_env *e, const struct cache_key *k, const struct past *past, int page,
		     const uint64_t fp[2])
{
	char hex[33];
	uint32_t flag = (past->title ? PAST_TITLE : 0) | (page ? PAST_PAGE : 0);
	if (page)
		fp_hex(fp, hex);
	char *g[5] = { past->title, page ? hex : past->html, page ? "" : past->toc, past->summary, past->tags };
	put_strs(e, k, flag, g, 5);
}

/* Past version k, from the cache under its fine key pf[k] or made (and
 * noted in made, when there is no pf). */
static void past_of(struct render_env *e, struct page *p, const struct hist_file *hf, size_t k,
		    const struct cache_key *pf, struct pasts_noted *made, struct version **vs,
		    struct past *past)
{
	const struct hist_rev *rv = &hf->revs[k];
	if (pf && past_get(e, p, &pf[k], hist_effective_order(rv), past) == 0)
		return;
	versions(e, hf, vs);
	struct past_note pn;
	uint64_t fp[2];
	char *rel = rev_out(p, rv->id);
	note_begin(e, p, rv, &pn, rel, made ? &made->sig : NULL, made ? &made->files : NULL,
		   made ? &made->heads : NULL);
	int page = past_make(e, p, &(*vs)[k], &pn, past, fp);
	struct cache_key key = note_end(&pn);
	free(rel);
	if (made && rv->change != HIST_DELETED) {
		made->keys[k] = key;
		made->calls[k] = pn.calls;
		made->ncalls[k] = pn.n;
		made->failed |= (*vs)[k].failed;
	} else {
		buf_free(&pn.calls);
	}
	if (e->cache && !(*vs)[k].failed && !past_files_failed(e->past_files))
		past_put(e, &key, past, page, fp);
}

static void versions_free(struct version *vs, size_t n)
{
	for (size_t k = 0; vs && k < n; k++)
		version_free(&vs[k]);
	free(vs);
}

/* The history pages of page i; art is the article's context when
 * render_one made it, vs its history's versions when they were read
 * already (both taken over; NULL: made here if needed).  With the fine
 * keys of its past versions known, whatever the previous build made from
 * the same is linked, not made; without, each version is made and its
 * key noted, and the pages are fingerprinted once all are. */
static void render_history(struct render_env *e, size_t i, json_t *art, struct version *vs,
			   const struct cache_key *in)
{
	struct page *p = e->site->pages[i];
	const struct hist_file *hf = page_history(e, i);
	if (stopping(e) || !hf || !hf->n) {
		versions_free(vs, hf ? hf->n : 0);
		json_decref(art);
		return;
	}
	int fp = fingerprinting(e), hist_done = 0;
	struct cache_key hfp, kfp;
	struct hist_keys hk = hist_keys_of(e, p, hf);
	char *done = xcalloc(hf->n, 1);
	struct cache_key *pf = e->cache ? past_fines(e, i, hf, &hk) : NULL;
	if (fp && pf) {
		hfp = history_fp(e, i, in, hf, &hk, pf);
		if (reuse_history(e, p, hf, &hfp, &hist_done, done)) {
			versions_free(vs, hf->n);
			free(pf);
			free(done);
			json_decref(art);
			return;
		}
	}
	for (size_t k = 0; fp && k < hf->n; k++)
		done[k] |= hf->revs[k].change == HIST_DELETED;
	char *out = history_out(p);
	json_t *list = json_array();
	/* The article's context lists the same revisions, with URLs from the
	 * same folder: each entry is copied from there (its strings shared),
	 * not made again. */
	json_t *made = art ? json_object_get(art, "history") : NULL;
	if (json_array_size(made) != hf->n)
		made = NULL;
	struct pasts_noted noted = { 0 };
	if (!pf) {
		noted.keys = xcalloc(hf->n, sizeof *noted.keys);
		noted.calls = xcalloc(hf->n, sizeof *noted.calls);
		noted.ncalls = xcalloc(hf->n, sizeof *noted.ncalls);
	}
	struct past *pasts = xcalloc(hf->n, sizeof *pasts);
	/* (the past versions first: the parse that makes one reads its
	 * links for the diffs) */
	for (size_t k = 0; k < hf->n; k++)
		if (!done[k])
			past_of(e, p, hf, k, pf, pf ? NULL : &noted, &vs, &pasts[k]);
	for (size_t k = 0; k < hf->n && !hist_done; k++)
		json_array_append_new(list, revision_entry(e, p, hf, k, &hk, pf ? pf : noted.keys, made, out, &vs));
	if (!pf) {
		if (e->cache && !noted.failed)
			put_notes(e, i, hf, &hk, noted.keys, noted.calls, noted.ncalls, &noted.sig, &noted.files,
				  &noted.heads);
		links_sig_free(&noted.sig);
		buf_free(&noted.files);
		buf_free(&noted.heads);
		for (size_t k = 0; k < hf->n; k++)
			buf_free(&noted.calls[k]);
		free(noted.calls);
		free(noted.ncalls);
		pf = noted.keys;
		if (fp)
			hfp = history_fp(e, i, in, hf, &hk, pf);
	}
	for (size_t k = 0; k < hf->n; k++) {
		if (done[k])
			continue;
		if (fp)
			kfp = sub_fp(&hfp, (long long)k);
		render_revision(e, (int)i, hf, k, &pasts[k], fp ? &kfp : NULL, &art);
		past_free(&pasts[k]);
	}
	versions_free(vs, hf->n);
	free(pasts);
	free(pf);
	free(done);
	json_decref(art);
	if (!hist_done) {
		json_t *c = base_ctx(e, out, page_title(p));
		char *title = xasprintf("History of %s", page_title(p));
		set_own(c, "title", title);
		set_own(c, "description", xasprintf("Every change to %s: who made it, when, and what it changed.",
						    page_title(p)));
		json_object_set_new(c, "article", page_ref(e->site, out, (int)i));
		json_object_set_new(c, "breadcrumbs", breadcrumbs(e, out, (int)i));
		json_object_set_new(c, "truncated", json_boolean(hf->truncated));
		json_object_set_new(c, "drafts_hidden", json_boolean(e->published && e->published[i]));
		json_object_set_new(c, "withdrawn", withdrawn_json(e, i, out));
		json_object_set_new(c, "revisions", list);
		json_object_set_new(c, "files", files_json(e, i));
		if (fp)
			kfp = sub_fp(&hfp, -1);
		emit_fp(e, out, "history", c, fp ? &kfp : NULL);
		json_decref(c);
	} else {
		json_decref(list);
	}
	free(out);
}

/* ---- site-wide pages --------------------------------------------------- */

/* How the recent changes are listed, and which are recent: newest first
 * in the order they took effect on the main line (the walk's, which puts
 * a commit before the ones it was made on; a branch's edit at its merge),
 * not by the dates they carry: a rebase or a cherry-pick keeps the date a
 * change was first written, and a wrong clock gives any date at all.  The
 * commit that landed last is listed first, whatever its date; each still
 * shows its own, so a day may be headed twice.  A commit's pages stay next
 * to each other. */
static int cmp_change(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	uint32_t ox = hist_effective_order(x->rv), oy = hist_effective_order(y->rv);
	if (ox != oy)
		return ox > oy ? -1 : 1;
	/* (the edits one merge brought, the branch's newest first; the merge's
	 * own revision above them) */
	if (x->rv->order != y->rv->order)
		return x->rv->order > y->rv->order ? -1 : 1;
	int c = strcmp(x->rv->id, y->rv->id);
	if (c || x->page != y->page)
		return c ? c : x->page - y->page;
	/* (an article's own revision before the files it links) */
	return !x->file || !y->file ? !!x->file - !!y->file : strcmp(x->file, y->file);
}

#define RECENT_CHANGES 100

/* The newest RECENT_CHANGES revisions of every page (cmp_change), kept in
 * order as they are met: a site's tens of thousands are not sorted for a
 * hundred.  Caller frees *out. */
/* Puts c among the n (up to RECENT_CHANGES) in v, in order, if it is
 * recent enough. */
static void keep_recent(struct change *v, size_t *n, const struct change *c)
{
	if (*n == RECENT_CHANGES && cmp_change(c, &v[*n - 1]) >= 0)
		return;
	size_t lo = 0, hi = *n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_change(&v[mid], c) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (*n < RECENT_CHANGES)
		(*n)++;
	memmove(&v[lo + 1], &v[lo], (*n - 1 - lo) * sizeof *v);
	v[lo] = *c;
}

/* Whether article hf has a revision made by commit id: a change to a
 * file it links made in the same commit is told by its history page,
 * not listed again. */
static int article_changed_in(const struct hist_file *hf, const char *id)
{
	for (size_t k = 0; k < hf->n; k++)
		if (!strcmp(hf->revs[k].id, id))
			return 1;
	return 0;
}

/* Where article hf was when file revision rv took effect: the path of
 * its newest revision before (the feed names an entry by the article's
 * address then, so a move since does not make it new). */
static const char *article_path_at(const struct hist_file *hf, const struct hist_rev *rv)
{
	const struct hist_rev *in = in_force(hf, rv);
	return in ? in->path : hf->revs[hf->n - 1].path;
}

/* The changes to the files page i links (hf its history), as the recent
 * changes list them: what the article showed changed. */
static void keep_file_changes(const struct render_env *e, size_t i, const struct hist_file *hf, struct change *v,
			      size_t *n, json_t *seen)
{
	size_t nf;
	const struct hist_file **lf = hf && hf->n ? linked_files(e, i, &nf) : NULL;
	for (size_t j = 0; lf && j < nf; j++)
		for (size_t k = 0; k < lf[j]->n; k++) {
			const struct hist_rev *rv = &lf[j]->revs[k];
			if (hist_is_boundary(e->hist, rv) || article_changed_in(hf, rv->id) ||
			    !file_change_counts(e, hf, lf[j], k))
				continue;
			/* (named where the file was then, as the article is) */
			const char *then = rv->path + (strncmp(rv->path, "content/", 8) ? 0 : 8);
			/* a logo every article shows, changed once, is one change,
			 * not a hundred: listed under the first article */
			char *key = xasprintf("%s\t%s", rv->id, then);
			json_t *count = json_object_get(seen, key);
			if (count) {
				json_integer_set(count, json_integer_value(count) + 1);
			} else {
				json_object_set_new(seen, key, json_integer(0));
				struct change c = { 0, 0, (int)i, rv, NULL, 0, then, article_path_at(hf, rv), 0, 0 };
				hist_effective_time(rv, &c.time, &c.tz);
				keep_recent(v, n, &c);
			}
			free(key);
		}
	free(lf);
}

/* Whether the article came back after deletion k took it away: the
 * file is there after a main-line commit that took effect later (its
 * newest revision of those that commit brought, as hist_withdrawal reads
 * them).  Not the order listed: the main line's edit below a merge that
 * kept a branch's deletion over it is listed above the branch's
 * deletion, yet took effect before it. */
static int restored_after(const struct hist_file *hf, size_t k)
{
	uint32_t at = hist_effective_order(&hf->revs[k]);
	for (size_t j = 0; j < k; j++) {
		const struct hist_rev *rv = &hf->revs[j];
		uint32_t o = hist_effective_order(rv);
		if (o <= at || rv->change == HIST_DELETED || rv->merge_dropped)
			continue;
		size_t tip = 0; /* (that commit's newest) */
		while (hist_effective_order(&hf->revs[tip]) != o)
			tip++;
		if (tip == j)
			return 1;
	}
	return 0;
}

static size_t recent_changes(const struct render_env *e, struct change **out)
{
	struct change *v = xmalloc(RECENT_CHANGES * sizeof *v);
	size_t n = 0;
	json_t *seen = json_object(); /* "commit\tfile" -> articles after the first */
	for (size_t i = 0; i < e->site->npages; i++) {
		const struct hist_file *hf = page_history(e, i);
		size_t removal = removal_of(e->site->pages[i], hf);
		for (size_t k = 0; hf && k < hf->n; k++) {
			if (hist_is_boundary(e->hist, &hf->revs[k]))
				continue; /* no change anyone made then */
			if (hf->revs[k].merge_dropped)
				continue; /* nor a change to the guidance */
			if (hf->revs[k].merge_combined == 1)
				continue; /* nor one listed already: the branch's and the main line's */
			/* (dated when it became the guidance) */
			struct change c = { 0, 0, (int)i, &hf->revs[k], NULL, 0, NULL, NULL, 0, 0 };
			c.restored = hf->revs[k].change == HIST_DELETED && restored_after(hf, k);
			c.page_removed = k == removal;
			hist_effective_time(&hf->revs[k], &c.time, &c.tz);
			keep_recent(v, &n, &c);
		}
		keep_file_changes(e, i, hf, v, &n, seen);
	}
	for (size_t k = 0; k < n; k++)
		if (v[k].file) {
			char *key = xasprintf("%s\t%s", v[k].rv->id, v[k].file);
			v[k].others = (int)json_integer_value(json_object_get(seen, key));
			free(key);
		}
	json_decref(seen);
	*out = v;
	return n;
}

/* Every withdrawn article, the last withdrawn first (in git's order, as
 * the recent changes are listed, cmp_change): the recent changes
 * keep a withdrawal only until a hundred changes follow it, and the
 * record of what no longer applies should not scroll away. */
static json_t *withdrawn_list(const struct render_env *e, const char *from)
{
	const struct site *s = e->site;
	size_t n = 0, first = site_listed(s);
	struct change *v = xmalloc((s->nwithdrawn + 1) * sizeof *v);
	for (size_t i = first; i < s->npages; i++) {
		const struct hist_file *hf = page_history(e, i);
		size_t del, last;
		/* (a folder's own page whose section stays withdrew nothing) */
		if (hf && !s->pages[i]->section_stays && hist_withdrawal(hf, &del, &last)) {
			v[n] = (struct change){ 0, 0, (int)i, &hf->revs[del], NULL, 0, NULL, NULL, 0, 0 };
			hist_effective_time(v[n].rv, &v[n].time, &v[n].tz);
			n++;
		}
	}
	if (n)
		qsort(v, n, sizeof *v, cmp_change);
	json_t *a = json_array();
	for (size_t k = 0; k < n; k++) {
		const struct page *p = s->pages[v[k].page];
		json_t *o = json_object();
		set_str(o, "title", page_title(p));
		/* (one whose address another page took: its history) */
		char *ho = history_out(p);
		set_own(o, "url", site_rel_url(from, p->shadowed ? ho : p->out));
		free(ho);
		set_own(o, "date", hist_date_human(v[k].time, v[k].tz));
		set_own(o, "iso", hist_date_iso(v[k].time, v[k].tz));
		json_object_set_new(o, "draft_now", json_boolean(draft_now(p, v[k].rv)));
		json_array_append_new(a, o);
	}
	free(v);
	return a;
}

/* The version a change left (a deletion's: the one it took away), or "". */
static const char *version_taken(const struct hist_rev *rv)
{
	return rv->change != HIST_DELETED ? rv->blob : rv->base;
}

/* The titles the n changes' articles had then (each NULL: none to
 * read, or a version with none), also set in ch[k].title: read from git
 * once, then kept in the cache for as long as the list is the same (a
 * rebuild after an edit not yet committed reads no blob). */
static char **change_titles(struct render_env *e, struct change *ch, size_t n)
{
	char **then = xcalloc(n + 1, sizeof *then);
	if (!e->titles)
		return then;
	struct cache_keybuf kb;
	cache_key_begin(e->cache, &kb, "change-titles-2");
	for (size_t k = 0; k < n; k++)
		cache_key_str(&kb, ch[k].file ? "" : version_taken(ch[k].rv));
	struct cache_key key = cache_key_end(&kb);
	uint32_t flag;
	if (!e->cache || get_strs(e, &key, &flag, then, n) < 0) {
		for (size_t k = 0; k < n; k++) {
			/* (a deletion's: the title of the version it took away) */
			struct hist_rev v = *ch[k].rv;
			memmove(v.blob, version_taken(ch[k].rv), sizeof v.blob);
			v.change = HIST_MODIFIED;
			/* (a file it links has no title: the article's today) */
			char *t = *v.blob && !ch[k].file ? blob_title(e, &v) : NULL;
			then[k] = t ? t : xstrdup("");
		}
		if (e->cache)
			put_strs(e, &key, 0, then, n);
	}
	for (size_t k = 0; k < n; k++) {
		if (!*then[k]) {
			free(then[k]);
			then[k] = NULL;
		}
		ch[k].title = then[k];
	}
	return then;
}

static void render_changes(struct render_env *e)
{
	struct change *ch;
	size_t n = recent_changes(e, &ch);
	const char *out = "changes.html";
	json_t *c = base_ctx(e, out, "Recent changes");
	set_str(c, "description", "The latest changes to the guidance, newest first.");
	json_t *days = json_array();
	json_t *day = NULL, *commit = NULL;
	char *cur = NULL;
	/* each entry by the title its article had then: a feed reader keeps
	 * an entry's first title, and the record reads as it was */
	char **then = change_titles(e, ch, n);
	for (size_t k = 0; k < n; k++) {
		const struct page *p = e->site->pages[ch[k].page];
		const char *title = ch[k].title ? ch[k].title : page_title(p);
		char *d = hist_date_human(ch[k].time, ch[k].tz);
		/* a heading wherever the day differs from the one above: in
		 * git's order (cmp_change) a day may be headed twice */
		if (!cur || strcmp(cur, d)) {
			day = json_object();
			set_str(day, "date", d);
			json_object_set_new(day, "changes", json_array());
			json_object_set_new(day, "commits", json_array());
			json_array_append_new(days, day);
			free(cur);
			cur = xstrdup(d);
			commit = NULL;
		}
		free(d);
		json_t *r = rev_json(p, ch[k].rv, out, 0, 0);
		set_str(r, "title", title);
		char *ho = history_out(p);
		char *url = ch[k].file ? xasprintf("%s#files", ho) : xasprintf("%s#%s", ho, ch[k].rv->id);
		set_str_or_false(r, "file", ch[k].file);
		if (ch[k].file) {
			/* (no version of the article to read; the file's deletion
			 * took nothing off the site) */
			json_object_set_new(r, "url", json_false());
			json_object_set_new(r, "file_deleted", json_boolean(ch[k].rv->change == HIST_DELETED));
			json_object_set_new(r, "file_others", ch[k].others ? json_integer(ch[k].others) : json_false());
			json_object_set_new(r, "file_others_one", json_boolean(ch[k].others == 1));
			json_object_set_new(r, "deleted", json_false());
			json_object_set_new(r, "taken_down", json_false());
		}
		set_own(r, "history_url", site_rel_url(out, url));
		free(url);
		free(ho);
		/* One commit's pages together (cmp_change keeps them next to
		 * each other): a change to twenty articles is one entry, its
		 * message once, not twenty times. */
		if (!commit || strcmp(ch[k].rv->id, ch[k - 1].rv->id)) {
			commit = json_deep_copy(r);
			json_object_del(commit, "title");
			json_object_del(commit, "history_url");
			json_object_del(commit, "url");
			json_object_set_new(commit, "pages", json_array());
			json_array_append_new(json_object_get(day, "commits"), commit);
		}
		json_t *pg = json_object(), *pages = json_object_get(commit, "pages");
		if (json_array_size(pages))
			set_str(pg, "sep", ", "); /* before each page but the first */
		set_str(pg, "title", title);
		/* the article itself, beside what changed in it: its address
		 * today (a notice, if withdrawn); none when another page took
		 * the address, but for the list of a folder's guidance that
		 * took its own page's */
		if (p->shadowed && !ch[k].page_removed)
			json_object_set_new(pg, "article_url", json_false());
		else
			set_own(pg, "article_url", site_rel_url(out, p->out));
		json_object_set(pg, "history_url", json_object_get(r, "history_url"));
		json_object_set(pg, "deleted", json_object_get(r, "deleted"));
		json_object_set(pg, "taken_down", json_object_get(r, "taken_down"));
		json_object_set_new(pg, "restored", json_boolean(ch[k].restored));
		json_object_set_new(pg, "page_removed", json_boolean(ch[k].page_removed));
		json_object_set(pg, "file", json_object_get(r, "file"));
		json_object_set(pg, "file_deleted", json_object_get(r, "file_deleted"));
		json_object_set(pg, "file_others", json_object_get(r, "file_others"));
		json_object_set(pg, "file_others_one", json_object_get(r, "file_others_one"));
		json_array_append_new(pages, pg);
		json_array_append_new(json_object_get(day, "changes"), r);
	}
	free(cur);
	json_object_set_new(c, "days", days);
	json_object_set_new(c, "withdrawn", withdrawn_list(e, out));
	emit(e, out, "changes", c);
	json_decref(c);
	if (e->out)
		feeds_atom(e->site, e->out, e->d, ch, n);
	for (size_t k = 0; k < n; k++)
		free(then[k]);
	free(then);
	free(ch);
}

/* A tag: the pages carrying it are page[at .. at + n - 1], in page order. */
struct tag {
	const char *name;
	size_t at, n;
	size_t first; /* the tag's first use in the site: the order of equal names */
};

struct tag_job {
	struct render_env *e;
	const int *page;
	const struct tag *tags; /* in the order the topics page lists them */
};

/* The page of tag k: its pages in reading order. */
/* The fingerprint of an output whose context is c plus a list made of
 * the pages v (n; shown through page_ref, or grouped by their titles),
 * taken before the list is made: an output that is reused costs no list. */
static struct cache_key refs_fp(const struct render_env *e, const char *out, const char *tmpl,
				json_t *c, const int *v, size_t n)
{
	struct cache_key base = ctx_fp(e, out, tmpl, c);
	struct cache_keybuf kb;
	cache_key_begin(e->cache, &kb, "refs-output");
	cache_key_bytes(&kb, base.h, sizeof base.h);
	key_refs(&kb, e->shape, v, n);
	return cache_key_end(&kb);
}

/* Reuses out when its fingerprint (refs_fp) is the recorded one. */
static int reuse_refs(struct render_env *e, const char *out, const char *tmpl, json_t *c,
		      const int *v, size_t n, struct cache_key *fp)
{
	if (!fingerprinting(e))
		return 0;
	*fp = refs_fp(e, out, tmpl, c, v, n);
	if (!output_reuse(e->out, out, fp->h))
		return 0;
	atomic_fetch_add((atomic_int *)&e->pages_written, 1);
	return 1;
}

/* What a tag's page is called. Caller frees. */
static char *tag_title(const char *name)
{
	return xasprintf("Guidance tagged “%s”", name);
}

static const char AZ_TITLE[] = "A to Z of guidance";
static const char TOPICS_TITLE[] = "All topics";

/* Tag k's pages in reading order, the order its page lists them.  Caller
 * frees. */
static int *tag_pages(const struct render_env *e, const struct tag *t, const int *page)
{
	int *v = xcalloc(t->n ? t->n : 1, sizeof *v);
	memcpy(v, page + t->at, t->n * sizeof *v);
	if (t->n)
		qsort_r(v, t->n, sizeof *v, cmp_rank, e->shape->reading);
	return v;
}

static void render_tag(void *ctx, size_t k)
{
	const struct tag_job *tj = ctx;
	const struct site *s = tj->e->site;
	const struct tag *t = &tj->tags[k];
	size_t m = t->n;
	struct arena json;
	json_scope_begin(&json);
	int *v = tag_pages(tj->e, t, tj->page);
	char *out = tag_out(t->name);
	char *title = tag_title(t->name);
	json_t *c = base_ctx(tj->e, out, title);
	free(title);
	set_str(c, "tag", t->name);
	set_own(c, "description", xasprintf("Guidance on %s: %zu article%s.", t->name, m, m == 1 ? "" : "s"));
	struct cache_key fp;
	if (!reuse_refs(tj->e, out, "tag", c, v, m, &fp)) {
		json_object_set_new(c, "pages", refs(s, out, v, m));
		emit_fp(tj->e, out, "tag", c, fingerprinting(tj->e) ? &fp : NULL);
	}
	json_decref(c);
	json_scope_end(&json);
	free(v);
	free(out);
}

/* Topics in case-blind order; tags that differ only in case, in the order
 * they first appear. */
static int cmp_tag(const void *a, const void *b)
{
	const struct tag *x = a, *y = b;
	int c = strcasecmp(x->name, y->name);
	return c ? c : (x->first > y->first) - (x->first < y->first);
}

/* A site has thousands of tag uses and a few dozen tags: each use is
 * looked up in a small table of the tags, not sorted with the rest. */
struct tag_table {
	uint32_t *slot; /* tag index + 1; 0: empty */
	size_t mask;
};

static uint32_t tag_intern(struct tag_table *tt, struct tag **tags, size_t *n, const char *name, size_t use)
{
	if (2 * (*n + 1) > tt->mask + 1) {
		size_t cap = tt->mask ? 2 * (tt->mask + 1) : 64;
		free(tt->slot);
		tt->slot = xcalloc(cap, sizeof *tt->slot);
		tt->mask = cap - 1;
		for (size_t k = 0; k < *n; k++) {
			size_t h = (size_t)str_hash((*tags)[k].name, strlen((*tags)[k].name)) & tt->mask;
			while (tt->slot[h])
				h = (h + 1) & tt->mask;
			tt->slot[h] = (uint32_t)k + 1;
		}
	}
	size_t h = (size_t)str_hash(name, strlen(name)) & tt->mask;
	for (; tt->slot[h]; h = (h + 1) & tt->mask)
		if (!strcmp((*tags)[tt->slot[h] - 1].name, name))
			return tt->slot[h] - 1;
	if ((*n & (*n - 1)) == 0)
		*tags = xrealloc(*tags, (*n ? 2 * *n : 1) * sizeof **tags);
	(*tags)[*n] = (struct tag){ name, 0, 0, use };
	tt->slot[h] = (uint32_t)*n + 1;
	return (uint32_t)(*n)++;
}

/* The site's tags, in the order the topics page lists them; tag k's pages
 * are page[tags[k].at ..], in page order.  Made once, before the tag
 * pages and the search index (which lists them too) are. */
struct tag_list {
	struct tag *tags;
	int *page;
	size_t n;
};

static void tags_collect(const struct site *s, struct tag_list *tl)
{
	struct tag *tags = NULL;
	struct tag_table tt = { NULL, 0 };
	uint32_t *of = NULL; /* per use: its tag */
	int *user = NULL;    /* per use: its page */
	size_t n = 0, nuse = 0, cap = 0;
	for (size_t i = 0; i < s->npages; i++) {
		size_t k, mine = nuse;
		json_t *t;
		json_array_foreach(json_object_get(s->pages[i]->data, "tags"), k, t) {
			if (!json_is_string(t))
				continue;
			if (nuse == cap) {
				cap = cap ? 2 * cap : 1024;
				of = xrealloc(of, cap * sizeof *of);
				user = xrealloc(user, cap * sizeof *user);
			}
			uint32_t id = tag_intern(&tt, &tags, &n, json_string_value(t), nuse);
			int again = 0; /* a page lists a tag once, however often it names it */
			for (size_t j = mine; j < nuse; j++)
				again |= of[j] == id;
			if (again)
				continue;
			of[nuse] = id;
			user[nuse++] = (int)i;
			tags[id].n++;
		}
	}
	free(tt.slot);
	int *page = xcalloc(nuse + 1, sizeof *page);
	for (size_t k = 0, at = 0; k < n; at += tags[k++].n)
		tags[k].at = at;
	size_t *fill = xcalloc(n + 1, sizeof *fill);
	for (size_t j = 0; j < nuse; j++)
		page[tags[of[j]].at + fill[of[j]]++] = user[j];
	free(fill);
	free(of);
	free(user);
	if (n)
		qsort(tags, n, sizeof *tags, cmp_tag);
	*tl = (struct tag_list){ tags, page, n };
}

/* A tag on one article alone, one typing slip from a tag other articles
 * share ("data-protecton" beside "data-protection"), keeps the article off
 * that tag's page without a word: the editor is told, at its tags: line.
 * Short tags ("hr", "pr") are alike by nature: none under five
 * characters is judged.  A site with no such tag makes no index. */
#define TAG_SLIP_MIN 5

/* Whether a and b differ only in digits ("phase-1", "phase-2";
 * "budget-2023", "budget-2024"): a series, not a slip. */
static int only_digits_differ(const char *a, const char *b)
{
	for (; *a || *b; a++, b++) {
		while (*a >= '0' && *a <= '9')
			a++;
		while (*b >= '0' && *b <= '9')
			b++;
		if (*a != *b)
			return 0;
		if (!*a)
			break;
	}
	return 1;
}

static void warn_tag_slips(const struct site *site, struct diag *d, const struct tag_list *tl)
{
	struct near_index *near = NULL;
	char **slugs = xcalloc(tl->n + 1, sizeof *slugs);
	for (size_t k = 0; k < tl->n; k++)
		slugs[k] = slug_make(tl->tags[k].name);
	for (size_t k = 0; k < tl->n; k++) {
		const struct tag *t = &tl->tags[k];
		const struct page *p = site->pages[tl->page[t->at]];
		if (t->n != 1 || strlen(slugs[k]) < TAG_SLIP_MIN || !p->src)
			continue;
		if (!near) {
			near = near_new();
			for (size_t q = 0; q < tl->n; q++)
				if (tl->tags[q].n > 1)
					near_add(near, slugs[q], (int)q);
			near_seal(near);
		}
		int o;
		if (near_find(near, slugs[k], &o, 1) != 1 || only_digits_differ(slugs[k], slugs[o]))
			continue;
		int line = fm_file_key_line(site->dir, p->src, "tags");
		diag_warning(d, p->src, line, line ? 1 : 0,
			     "tag '%s' is on no other article: did you mean '%s' (on %zu)? A slip keeps this article "
			     "off that tag's page",
			     t->name, tl->tags[o].name, tl->tags[o].n);
	}
	near_free(near);
	for (size_t k = 0; k < tl->n; k++)
		free(slugs[k]);
	free(slugs);
}

static void tags_free(struct tag_list *tl)
{
	free(tl->tags);
	free(tl->page);
}

/* A tag (odd) that would write the page another (keep, which more
 * articles have) writes: told at the tags: line of odd's first article,
 * the one to change. */
static void tag_clash(const struct site *site, struct diag *d, const struct tag *keep, const struct tag *odd,
		      const int *pages, const char *out)
{
	const struct page *p = site->pages[pages[odd->at]];
	int line = p->src ? fm_file_key_line(site->dir, p->src, "tags") : 0;
	int case_only = !strcasecmp(keep->name, odd->name);
	diag_error(d, p->src ? p->src : p->key, line, line ? 1 : 0,
		   "tag '%s' and the tag '%s' (on %zu article%s) would both write %s: %s'%s'%s", odd->name,
		   keep->name, keep->n, keep->n == 1 ? "" : "s", out,
		   case_only ? "write this one " : "rename one, or write this one ", keep->name,
		   case_only ? " too (the two differ only in letter case)" : " if they are one topic");
}

/* Tags that would write one page (tag_clash): each told against the
 * spelling most articles use, once. */
static void check_tag_names(const struct site *s, struct diag *d, const struct tag_list *tl)
{
	json_t *best = json_object();
	char **outs = xcalloc(tl->n + 1, sizeof *outs);
	for (size_t k = 0; k < tl->n; k++) {
		outs[k] = tag_out(tl->tags[k].name);
		json_t *b = json_object_get(best, outs[k]);
		if (!b || tl->tags[json_integer_value(b)].n < tl->tags[k].n)
			json_object_set_new(best, outs[k], json_integer((json_int_t)k));
	}
	for (size_t k = 0; k < tl->n; k++) {
		size_t b = (size_t)json_integer_value(json_object_get(best, outs[k]));
		if (b != k)
			tag_clash(s, d, &tl->tags[b], &tl->tags[k], tl->page, outs[k]);
		free(outs[k]);
	}
	free(outs);
	json_decref(best);
}

static void render_tags(struct render_env *e, const struct tag_list *tl)
{
	const struct tag *tags = tl->tags;
	size_t n = tl->n;
	json_t *all = json_array();
	check_tag_names(e->site, e->d, tl);
	for (size_t k = 0; k < n; k++) {
		char *out = tag_out(tags[k].name);
		json_t *t = json_object();
		set_str(t, "name", tags[k].name);
		set_own(t, "url", site_rel_url("tags/index.html", out));
		json_object_set_new(t, "count", json_integer((json_int_t)tags[k].n));
		json_array_append_new(all, t);
		free(out);
	}
	struct tag_job tj = { e, tl->page, tags };
	par_for(n, e->jobs, render_tag, &tj);
	json_t *c = base_ctx(e, "tags/index.html", TOPICS_TITLE);
	set_str(c, "description", "Every topic of the guidance, with the articles on it.");
	json_object_set_new(c, "tags", all);
	emit(e, "tags/index.html", "tags", c);
	json_decref(c);
}

void render_tag_problems(const struct site *s, struct diag *d)
{
	struct tag_list tl;
	tags_collect(s, &tl);
	check_tag_names(s, d, &tl);
	warn_tag_slips(s, d, &tl);
	tags_free(&tl);
}

/* A title as an index files it: "The policing example" under P, "A
 * manager's checklist" under M. */
static const char *filing_title(const char *t)
{
	static const char *const lead[] = { "the ", "a ", "an " };
	for (size_t k = 0; k < sizeof lead / sizeof *lead; k++) {
		size_t n = strlen(lead[k]);
		if (!strncasecmp(t, lead[k], n)) {
			const char *r = t + n + strspn(t + n, " ");
			if (*r)
				return r;
		}
	}
	return t;
}

static void render_az(struct render_env *e)
{
	const struct site *s = e->site;
	int *v = xcalloc(s->npages + 1, sizeof *v);
	const char **filing = xcalloc(s->npages + 1, sizeof *filing);
	size_t n = 0;
	for (size_t i = 0; i < s->npages; i++) {
		filing[i] = filing_title(e->shape->title[i]);
		if (s->pages[i]->kind == PAGE_ARTICLE || s->pages[i]->kind == PAGE_ADDED)
			v[n++] = (int)i;
	}
	struct order ord = { s, filing };
	if (n)
		qsort_r(v, n, sizeof *v, cmp_title, &ord);
	const char *out = "a-z.html";
	struct arena json;
	json_scope_begin(&json);
	json_t *c = base_ctx(e, out, AZ_TITLE);
	set_str(c, "description", "Every article of the guidance, from A to Z.");
	struct cache_key fp;
	if (reuse_refs(e, out, "az", c, v, n, &fp))
		goto done;
	json_t *letters = json_array();
	json_t *cur = NULL;
	char last = 0;
	for (size_t k = 0; k < n; k++) {
		unsigned char f = (unsigned char)filing[v[k]][0];
		char L = isalpha(f) ? (char)toupper(f) : '#';
		if (!cur || L != last) {
			cur = json_object();
			char ls[2] = { L, 0 };
			set_str(cur, "letter", ls);
			set_str(cur, "id", L == '#' ? "other" : (char[]){ (char)tolower((unsigned char)L), 0 });
			json_object_set_new(cur, "pages", json_array());
			json_array_append_new(letters, cur);
			last = L;
		}
		json_array_append_new(json_object_get(cur, "pages"), page_ref(s, out, v[k]));
	}
	json_object_set_new(c, "letters", letters);
	emit_fp(e, out, "az", c, fingerprinting(e) ? &fp : NULL);
done:
	json_decref(c);
	json_scope_end(&json);
	free(v);
	free(filing);
}

/* A redirect from from_out to to_out, a file of page p (its own page,
 * or its history's). */
static void render_redirect(struct render_env *e, const char *from_out, const char *to_out, const struct page *p)
{
	json_t *c = base_ctx(e, from_out, page_title(p));
	set_own(c, "target", site_rel_url(from_out, to_out));
	/* (to a notice: the guidance did not move, it went) */
	json_object_set_new(c, "withdrawn", json_boolean(p->kind == PAGE_WITHDRAWN && !p->shadowed &&
							 !strcmp(to_out, p->out)));
	emit(e, from_out, "redirect", c);
	json_decref(c);
}

static void taken_add(json_t *taken, const char *out)
{
	char *l = xstrdup_lower(out);
	json_object_set_new(taken, l, json_true());
	free(l);
}

static int taken_has(json_t *taken, const char *out)
{
	char *l = xstrdup_lower(out);
	int has = json_object_get(taken, l) != NULL;
	free(l);
	return has;
}

/* Aliases and moves keep old addresses working. */
/* Whether a version of page i staff could read lived at path: a name
 * only its drafts had was never published, and may say what a draft was
 * about. */
static int published_at(const struct render_env *e, size_t i, const char *path)
{
	const struct hist_file *hf = e->hist_of[i];
	if (!e->published || !e->published[i])
		return 1;
	for (size_t k = 0; k < hf->n; k++)
		if (!strcmp(hf->revs[k].path, path) || (hf->revs[k].old_path && !strcmp(hf->revs[k].old_path, path)))
			return 1;
	return 0;
}

/* A moved article's history page, and the pages of the past versions
 * made while it was at path (named after the address it had), keep their
 * old addresses too: a revision's address quoted in a memo still leads
 * to it. */
static void move_history_redirects(struct render_env *e, json_t *taken, const char *okey, const char *path,
				   size_t t)
{
	const struct page *p = e->site->pages[t];
	const struct hist_file *hf = e->hist_of ? e->hist_of[t] : NULL;
	if (!hf || !hf->n)
		return;
	/* (names only quire's own pages have: okey is no article now, the
	 * caller saw to that, so none of its pages are there) */
	char *out = xasprintf("%s.history.html", okey), *to = history_out(p);
	if (!taken_has(taken, out)) {
		taken_add(taken, out);
		render_redirect(e, out, to, p);
	}
	free(out);
	free(to);
	for (size_t k = 0; k < hf->n; k++) {
		const struct hist_rev *rv = &hf->revs[k];
		if (rv->change == HIST_DELETED || strcmp(rv->path, path))
			continue;
		out = xasprintf("%s.rev-%.10s.html", okey, rv->id);
		to = rev_out(p, rv->id);
		if (!taken_has(taken, out)) {
			taken_add(taken, out);
			render_redirect(e, out, to, p);
		}
		free(out);
		free(to);
	}
}

/* The redirects of an article moved from path (its page key then okey;
 * NULL for a folder's section page quire made)
 * to page t: the old address, and its history's (move_history_redirects);
 * not over a page of quire's own, nor at a name no URL can reach (a name
 * the build now refuses; a ".." git itself would not check out, which
 * made every build fail), nor where something is written already. */
static void move_redirects(struct render_env *e, json_t *taken, const char *okey, const char *path, size_t t)
{
	char *out = xasprintf("%s.html", okey), *rel = xasprintf("%s.md", okey);
	/* (nor from a folder the site does not read: .drafts/) */
	if (!site_reserved(out) && !strpbrk(okey, "\\%\"'<>?#") && !strstr(okey, "..") && okey[0] != '/' &&
	    scan_source_path(rel) && !taken_has(taken, out)) {
		taken_add(taken, out);
		render_redirect(e, out, e->site->pages[t]->out, e->site->pages[t]);
		if (path) /* (NULL: a folder's section page, which had no file) */
			move_history_redirects(e, taken, okey, path, t);
	}
	free(rel);
	free(out);
}

/* Notes that the folder of okey went where nkey's is (a folder moved
 * whole, git mv hr-leave leave): each folder above too, as long as their
 * names go on alike ("hr-leave/forms" to "leave/forms": "hr-leave" to
 * "leave").  A folder whose pages went to two places is marked "". */
static void note_folder_move(json_t *dirs, const char *okey, const char *nkey)
{
	char *od = xstrdup(okey), *nd = xstrdup(nkey), *os, *ns;
	while ((os = strrchr(od, '/')) && (ns = strrchr(nd, '/'))) {
		*os = *ns = '\0';
		if (!strcmp(od, nd))
			break;
		const char *was = json_string_value(json_object_get(dirs, od));
		json_object_set_new(dirs, od, json_string(was && strcmp(was, nd) ? "" : nd));
		char *ol = strrchr(od, '/'), *nl = strrchr(nd, '/');
		if (strcmp(ol ? ol + 1 : od, nl ? nl + 1 : nd))
			break;
	}
	free(od);
	free(nd);
}

/* The section page of a folder moved whole, gone from its old address:
 * the old one leads to the new (a bookmark of a section, like one of an
 * article, still works). */
static void render_folder_redirects(struct render_env *e, json_t *taken, json_t *dirs)
{
	const char *od;
	json_t *v;
	json_object_foreach(dirs, od, v) {
		const char *nd = json_string_value(v);
		char *okey = xasprintf("%s/index", od), *nkey = xasprintf("%s/index", nd);
		int t = *nd && site_find(e->site, okey) < 0 ? site_find(e->site, nkey) : -1;
		if (t >= 0)
			move_redirects(e, taken, okey, NULL, (size_t)t);
		free(okey);
		free(nkey);
	}
}

/* Withdrawn guidance moved before: its old addresses lead to the
 * notice, as they led to the article. */
static void withdrawn_move_redirects(struct render_env *e, json_t *taken)
{
	for (size_t t = site_listed(e->site); t < e->site->npages; t++) {
		const struct hist_file *hf = e->hist_of ? e->hist_of[t] : NULL;
		for (size_t k = 0; hf && k < hf->n; k++) {
			const struct hist_rev *rv = &hf->revs[k];
			char *okey = rv->change == HIST_RENAMED && rv->old_path ? site_source_key(rv->old_path) : NULL;
			if (okey)
				move_redirects(e, taken, okey, rv->old_path, t);
			free(okey);
		}
	}
}

static void render_redirects(struct render_env *e)
{
	const struct site *s = e->site;
	json_t *done = json_object();
	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];
		size_t k;
		json_t *a;
		json_array_foreach(json_object_get(p->data, "aliases"), k, a) {
			char *key = site_alias_key(json_string_value(a));
			if (!key)
				continue; /* (claim_aliases reported it; a site with errors is not rendered) */
			char *out = xasprintf("%s.html", key);
			/* the build checked every alias (claim_aliases) and
			 * renders only a site without errors: these are its
			 * safeguard, not its diagnostics */
			if (!site_reserved(out) && site_find(s, key) < 0 && !json_object_get(done, out)) {
				json_object_set_new(done, out, json_true());
				render_redirect(e, out, p->out, p);
			}
			free(out);
			free(key);
		}
	}
	if (e->hist) {
		const char *const *from, *const *to;
		size_t n = hist_moves(e->hist, &from, &to);
		/* What is written already, without case: on a disk that ignores
		 * case, Case.html and case.html are one file. */
		json_t *taken = json_object(), *dirs = json_object();
		for (size_t i = 0; (n || s->nwithdrawn) && i < s->npages; i++)
			taken_add(taken, s->pages[i]->out);
		const char *key;
		json_t *v;
		json_object_foreach(done, key, v)
			taken_add(taken, key);
		for (size_t k = 0; k < n; k++) {
			/* content/a/old.md → a/old.html, pointing at the new page. */
			if (strncmp(from[k], "content/", 8) || strncmp(to[k], "content/", 8))
				continue;
			char *okey = xstrndup(from[k] + 8, strlen(from[k] + 8) - 3);
			char *nkey = xstrndup(to[k] + 8, strlen(to[k] + 8) - 3);
			int t = site_find(s, nkey);
			/* (not from a name only a draft had) */
			if (t >= 0 && published_at(e, (size_t)t, from[k])) {
				move_redirects(e, taken, okey, from[k], (size_t)t);
				note_folder_move(dirs, okey, nkey);
			}
			free(okey);
			free(nkey);
		}
		render_folder_redirects(e, taken, dirs);
		withdrawn_move_redirects(e, taken);
		json_decref(taken);
		json_decref(dirs);
	}
	json_decref(done);
}

/* Search files go through the output like pages, fingerprinted by their
 * bytes: an unchanged shard is linked from the previous build without
 * its old copy being read. */
/* What search_write's callbacks write with: the render and, for the
 * files of the pages' texts, the pages' search keys and which files the
 * batches wrote this build. */
struct search_out {
	struct render_env *e;
	const struct cache_key *keys;
	const unsigned char *written;
};

static int write_search_file(void *ctx, const char *name, const char *data, size_t len)
{
	struct render_env *e = ((struct search_out *)ctx)->e;
	struct cache_keybuf kb;
	cache_key_begin(e->cache, &kb, "search-file");
	cache_key_bytes(&kb, data, len);
	struct cache_key fp = cache_key_end(&kb);
	if (output_reuse(e->out, name, fp.h))
		return 0;
	return output_write_fp(e->out, name, data, len, fp.h, e->d);
}

/* A file of the pages' texts is a function of its pages' search keys
 * (which cover the text each is made of). */
static struct cache_key texts_key(const struct render_env *e, const struct cache_key *keys, size_t first, size_t n)
{
	struct cache_keybuf kb;
	cache_key_begin(e->cache, &kb, "search-texts-2");
	cache_key_int(&kb, (long long)n);
	for (size_t k = first; k < first + n; k++)
		cache_key_bytes(&kb, keys[k].h, sizeof keys[k].h);
	return cache_key_end(&kb);
}

static int put_texts_file(const struct render_env *e, size_t chunk, const char *const *texts, size_t n,
			  const struct cache_key *key)
{
	char *name = xasprintf("search-body-%02zu.js", chunk);
	struct buf b = BUF_INIT;
	search_put_texts(&b, chunk, texts, n);
	int rc = output_write_fp(e->out, name, b.ptr, b.len, key->h, e->d);
	buf_free(&b);
	free(name);
	return rc;
}

/* The files of the texts of pages at .. at+n-1, whose batch index bx was
 * just made (a batch holds whole files; the last batch's last file also
 * holds the documents after the pages, ndocs in all, which have no text):
 * kept from the last build or written from bx, and noted in written. */
static void write_batch_texts(const struct render_env *e, const struct cache_key *keys, size_t at, size_t n,
			      size_t ndocs, const struct search_index *bx, unsigned char *written)
{
	const size_t per = SEARCH_TEXTS_PER_FILE;
	for (size_t c = at / per; c * per < at + n; c++) {
		size_t first = c * per, m = ndocs - first < per ? ndocs - first : per;
		struct cache_key key = texts_key(e, keys, first, m);
		char *name = xasprintf("search-body-%02zu.js", c);
		int kept = output_reuse(e->out, name, key.h);
		free(name);
		if (!kept) {
			const char *texts[SEARCH_TEXTS_PER_FILE];
			for (size_t k = 0; k < m; k++)
				texts[k] = first + k < at + n ? search_doc_text(bx, first - at + k) : "";
			put_texts_file(e, c, texts, m, &key);
		}
		written[c] = 1;
	}
}

static struct search_page *search_page_of(const struct render_env *e, struct page *p,
					  const struct cache_key *key);

/* search_write's callback for the files of the pages' texts: done by the
 * batch that was made this build, else kept from the last build, else
 * (the file gone or changed since) made from the pages' search words. */
static int write_search_texts(void *ctx, const char *name, size_t chunk, size_t first, size_t n)
{
	const struct search_out *so = ctx;
	struct render_env *e = so->e;
	if (so->written[chunk])
		return 0;
	struct cache_key key = texts_key(e, so->keys, first, n);
	if (output_reuse(e->out, name, key.h))
		return 0;
	struct search_page *pg[SEARCH_TEXTS_PER_FILE] = { NULL };
	const char *texts[SEARCH_TEXTS_PER_FILE];
	for (size_t k = 0; k < n; k++) {
		if (first + k < site_listed(e->site))
			pg[k] = search_page_of(e, e->site->pages[first + k], &so->keys[first + k]);
		texts[k] = pg[k] ? search_page_text(pg[k]) : "";
	}
	int rc = put_texts_file(e, chunk, texts, n, &key);
	for (size_t k = 0; k < n; k++)
		if (pg[k])
			search_page_drop(pg[k]);
	return rc;
}

#define SEARCH_BATCH 256

static char *headings_text(const struct page *p)
{
	struct buf hs = BUF_INIT;
	for (size_t h = 0; h < p->nheadings; h++) {
		buf_puts(&hs, p->headings[h].text);
		buf_putc(&hs, '\n');
	}
	return buf_detach(&hs);
}

/* A page's tags, each ended by '\n' (as search_page_new takes them).
 * Caller frees. */
static char *tags_text(const struct page *p)
{
	struct buf ts = BUF_INIT;
	size_t k;
	json_t *t;
	json_array_foreach(json_object_get(p->data, "tags"), k, t) {
		if (json_is_string(t)) {
			buf_puts(&ts, json_string_value(t));
			buf_putc(&ts, '\n');
		}
	}
	return buf_detach(&ts);
}

struct search_job {
	const struct render_env *e;
	struct cache_key *keys; /* per document: a page's search_key, a list's list_key */
	size_t ndocs;           /* the pages and the lists after them */
	size_t first;           /* first batch of this round */
	char **enc;             /* per batch of the round: its encoding */
	size_t *len;
	unsigned char *written; /* per file of texts: made by its batch (write_batch_texts) */
	uint64_t stems[2];      /* search_stemmer_fp */
};

/* What a page's words are made of: its title, summary and tags (data_fp
 * stands for them, as for all its data), its text and its headings
 * (html_fp stands for those: see key_headings).  Hashes, not strings: a
 * rebuild makes this key for every page. */
static void search_key(void *ctx, size_t i)
{
	struct search_job *j = ctx;
	const struct page *p = j->e->site->pages[i];
	struct cache_keybuf kb;
	cache_key_begin(j->e->cache, &kb, "search-page-7");
	cache_key_bytes(&kb, j->stems, sizeof j->stems);
	cache_key_bytes(&kb, p->data_fp, sizeof p->data_fp);
	cache_key_bytes(&kb, p->html_fp, sizeof p->html_fp);
	key_headings(&kb, j->e, p);
	j->keys[i] = cache_key_end(&kb);
}

/* A page whose front matter (or the hook that added it) says `search:
 * title` lists other pages, entry by entry (the guidance by audience, a
 * glossary of terms): search finds it by its title's words alone, as the
 * A to Z, or its text's words from every entry would find it for any mix
 * of them. */
static int searched_by_title(const struct page *p)
{
	const char *v = json_string_value(json_object_get(p->data, "search"));
	if (!v)
		v = json_string_value(json_object_get(json_object_get(p->data, "params"), "search"));
	return v && strcmp(v, "title") == 0;
}

/* A page's words come from the cache when everything they are made of is
 * the same: a rebuild splits only the pages that changed, and reads no
 * other page's text. */
static struct search_page *search_page_of(const struct render_env *e, struct page *p,
					  const struct cache_key *key)
{
	char *data;
	size_t len;
	if (e->cache && cache_get(e->cache, key, &data, &len)) {
		struct search_page *pg = search_page_decode(data, len);
		if (pg)
			return pg;
		free(data);
	}
	struct search_page *pg;
	if (searched_by_title(p)) {
		/* its opening: the summary, else the start of its text */
		const char *sum = page_summary(p);
		if (!*sum && p->html_lazy)
			e->load_html(e->load_ctx, p);
		pg = search_page_titled(page_title(p), *sum ? sum : p->text ? p->text : "");
	} else {
		if (p->html_lazy)
			e->load_html(e->load_ctx, p);
		char *hs = headings_text(p), *ts = tags_text(p);
		pg = search_page_new(page_title(p), page_summary(p), hs, ts, p->text ? p->text : "");
		free(hs);
		free(ts);
	}
	if (e->cache) {
		struct buf b = BUF_INIT;
		search_page_encode(pg, &b);
		cache_put(e->cache, key, b.ptr, b.len);
		buf_free(&b);
	}
	return pg;
}

/* Only an article, written as one, ranks as one: a section or the home
 * page lists pages, and a page a hook added is made of other pages (an
 * A-Z of terms, the guidance by audience). */
static enum search_kind search_kind_of(const struct page *p)
{
	return p->kind == PAGE_ARTICLE && !searched_by_title(p) ? SEARCH_ARTICLE : SEARCH_LIST;
}

/* The index of the n pages from at, encoded: from the cache when none of
 * them changed (unless cached is 0), else made from their words. */
static char *search_batch_of(const struct render_env *e, const struct cache_key *keys, size_t ndocs, size_t at,
			     size_t n, size_t *len, int cached, unsigned char *written)
{
	const struct site *s = e->site;
	struct cache_keybuf kb;
	cache_key_begin(e->cache, &kb, "search-batch-7");
	cache_key_int(&kb, (long long)n);
	for (size_t k = at; k < at + n; k++) {
		/* the page's title is in its key; its section's, in that
		 * section's data */
		int sec = e->shape->section[k];
		cache_key_bytes(&kb, keys[k].h, sizeof keys[k].h);
		cache_key_str(&kb, s->pages[k]->out);
		cache_key_int(&kb, s->pages[k]->kind);
		cache_key_int(&kb, sec);
		if (sec >= 0)
			cache_key_bytes(&kb, s->pages[sec]->data_fp, sizeof s->pages[sec]->data_fp);
	}
	struct cache_key key = cache_key_end(&kb);
	char *data;
	if (cached && e->cache && cache_get(e->cache, &key, &data, len))
		return data;
	struct search_index *bx = search_new();
	for (size_t k = at; k < at + n; k++) {
		struct page *p = s->pages[k];
		int sec = e->shape->section[k];
		search_add_page(bx, p->out, page_title(p), sec >= 0 ? page_title(s->pages[sec]) : "",
				search_kind_of(p), search_page_of(e, p, &keys[k]));
	}
	/* the pages' texts go to their files now, not through the cache
	 * with the batch: a rebuild would copy and decode them all */
	write_batch_texts(e, keys, at, n, ndocs, bx, written);
	struct buf enc = BUF_INIT;
	search_encode_lean(bx, &enc);
	search_free(bx);
	if (e->cache)
		cache_put(e->cache, &key, enc.ptr ? enc.ptr : "", enc.len);
	*len = enc.len;
	return buf_detach(&enc);
}

static size_t batch_size(size_t npages, size_t b)
{
	size_t at = b * SEARCH_BATCH;
	return npages - at < SEARCH_BATCH ? npages - at : SEARCH_BATCH;
}

static void search_batch_job(void *ctx, size_t w)
{
	struct search_job *j = ctx;
	size_t b = j->first + w;
	j->enc[w] = search_batch_of(j->e, j->keys, j->ndocs, b * SEARCH_BATCH, batch_size(site_listed(j->e->site), b),
				    &j->len[w], 1, j->written);
}

/* A round with a batch that is not what this quire encodes: each such
 * batch is made again, not trusted, and the round merged.  Returns how
 * many batches were merged (kept at the front of j->enc). */
static size_t merge_checked(struct render_env *e, struct search_job *j, struct search_index *ix, size_t m)
{
	size_t good = 0;
	for (size_t w = 0; w < m; w++) {
		size_t b = j->first + w, n = batch_size(site_listed(e->site), b);
		if (!search_batch_valid(j->enc[w], j->len[w])) {
			free(j->enc[w]);
			j->enc[w] = search_batch_of(e, j->keys, j->ndocs, b * SEARCH_BATCH, n, &j->len[w], 0, j->written);
		}
		if (search_batch_valid(j->enc[w], j->len[w])) {
			j->enc[good] = j->enc[w];
			j->len[good++] = j->len[w];
		} else {
			diag_error(e->d, NULL, 0, 0, "the search index of pages %zu to %zu could not be merged",
				   b * SEARCH_BATCH + 1, b * SEARCH_BATCH + n);
			free(j->enc[w]);
		}
	}
	search_merge_encoded_many(ix, (const char *const *)j->enc, j->len, good, e->jobs);
	return good;
}

/* A list's text key: it has none (search_page_titled). */
static struct cache_key list_key(const struct render_env *e)
{
	struct cache_keybuf kb;
	cache_key_begin(e->cache, &kb, "search-list-1");
	return cache_key_end(&kb);
}

/* The first (at most LIST_SHOWN) of a tag's n pages v in reading order,
 * into first; returns how many.  A selection, not a sort of them all:
 * the result shows a few titles of a tag's hundreds of pages. */
#define LIST_SHOWN 8
static size_t first_read(const int *rank, const int *v, size_t n, int *first)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		size_t at = m;
		while (at > 0 && rank[first[at - 1]] > rank[v[i]])
			at--;
		if (at == LIST_SHOWN)
			continue;
		if (m < LIST_SHOWN)
			m++;
		memmove(first + at + 1, first + at, (m - 1 - at) * sizeof *first);
		first[at] = v[i];
	}
	return m;
}

/* The pages search finds by their titles alone, after the site's pages
 * (search_lists of them): the A to Z, the topics, and each tag's page,
 * whose title words are the tag's (not "Guidance tagged"), and which
 * shows how many pages it lists and the first of them.  Their words are
 * not kept in the cache: there are a few dozen, and most are words of the
 * pages' tags already; nor their texts, which are empty. */
static size_t search_lists(const struct tag_list *tl)
{
	return 2 + tl->n;
}

static void search_add_lists(const struct render_env *e, struct search_index *ix, const struct tag_list *tl)
{
	const struct site *s = e->site;
	search_add_page(ix, "a-z.html", AZ_TITLE, "", SEARCH_LIST,
			search_page_titled(AZ_TITLE, "Every page of the guidance by title, from A to Z."));
	search_add_page(ix, "tags/index.html", TOPICS_TITLE, "", SEARCH_LIST,
			search_page_titled(TOPICS_TITLE, "Every topic of the guidance, with the pages on each."));
	struct buf b = BUF_INIT;
	for (size_t k = 0; k < tl->n; k++) {
		const struct tag *t = &tl->tags[k];
		int first[LIST_SHOWN];
		size_t m = first_read(e->shape->reading, tl->page + t->at, t->n, first);
		buf_reset(&b);
		buf_printf(&b, "%zu %s: ", t->n, t->n == 1 ? "page" : "pages");
		for (size_t i = 0; i < m; i++) {
			if (i)
				buf_puts(&b, ", ");
			buf_puts(&b, page_title(s->pages[first[i]]));
		}
		if (m < t->n)
			buf_puts(&b, ", \xE2\x80\xA6"); /* … */
		char *out = tag_out(t->name), *title = tag_title(t->name);
		search_add_page(ix, out, title, TOPICS_TITLE, SEARCH_LIST, search_page_titled(t->name, buf_cstr(&b)));
		free(out);
		free(title);
	}
	buf_free(&b);
}

/* site.yml's search.synonyms (config_load checked their types): each
 * word's, a word or phrase or a list of them. */
static void add_synonyms(struct search_index *ix, json_t *syn)
{
	const char *word;
	json_t *v, *x;
	size_t i;
	json_object_foreach(syn, word, v) {
		if (json_is_string(v))
			search_add_synonym(ix, word, json_string_value(v));
		json_array_foreach(v, i, x)
			if (json_is_string(x))
				search_add_synonym(ix, word, json_string_value(x));
	}
}

static void render_search(struct render_env *e, const struct tag_list *tl)
{
	const struct site *s = e->site;
	json_t *c = base_ctx(e, "search.html", "Search");
	set_str(c, "description", "Search the guidance.");
	emit(e, "search.html", "search", c);
	json_decref(c);
	c = base_ctx(e, "404.html", "Page not found");
	root_absolute(e, c);
	emit(e, "404.html", "404", c);
	json_decref(c);
	if (!e->out)
		return;
	double t0 = diag_clock_ms();
	struct search_index *ix = search_new();
	/* Pages go in by batches with an index of their own (kept in the
	 * cache), made on every core a round at a time (to keep memory flat)
	 * and merged into the site's in page order: a rebuild after one edit
	 * splits one page and merges the rest whole. */
	size_t nb = (site_listed(s) + SEARCH_BATCH - 1) / SEARCH_BATCH, round = e->jobs > 0 ? (size_t)e->jobs : 1;
	size_t ndocs = site_listed(s) + search_lists(tl);
	struct search_job j = { .e = e, .keys = xcalloc(ndocs, sizeof *j.keys), .ndocs = ndocs,
				.enc = xcalloc(round, sizeof *j.enc), .len = xcalloc(round, sizeof *j.len),
				.written = xcalloc(ndocs / SEARCH_TEXTS_PER_FILE + 1, 1) };
	search_stemmer_fp(j.stems);
	par_for(site_listed(s), e->jobs, search_key, &j);
	struct cache_key none = list_key(e);
	for (size_t k = site_listed(s); k < ndocs; k++)
		j.keys[k] = none;
	for (j.first = 0; j.first < nb; j.first += round) {
		size_t m = nb - j.first < round ? nb - j.first : round;
		par_for(m, e->jobs, search_batch_job, &j);
		if (search_merge_encoded_many(ix, (const char *const *)j.enc, j.len, m, e->jobs) < 0)
			m = merge_checked(e, &j, ix, m);
		for (size_t w = 0; w < m; w++)
			free(j.enc[w]);
	}
	free(j.enc);
	free(j.len);
	search_add_lists(e, ix, tl);
	add_synonyms(ix, json_object_get(json_object_get(s->cfg.params, "search"), "synonyms"));
	double t = diag_clock_ms();
	diag_lap(e->timings, "    search index", &t0);
	/* a document is a page, in order (search_batch_of adds every one),
	 * then a list search_add_lists adds */
	struct search_out so = { e, j.keys, j.written };
	search_set_writer(ix, write_search_file, &so);
	search_set_texts_writer(ix, write_search_texts);
	search_set_jobs(ix, e->jobs);
	struct cache_key mk = { { 0, 0 } };
	if (e->cache) {
		struct cache_keybuf kb;
		char *masks;
		size_t mlen;
		cache_key_begin(e->cache, &kb, "search-form-masks-1");
		cache_key_bytes(&kb, j.stems, sizeof j.stems);
		mk = cache_key_end(&kb);
		if (cache_get(e->cache, &mk, &masks, &mlen)) {
			search_masks_load(ix, masks, mlen);
			free(masks);
		}
	}
	search_write(ix, output_staging(e->out), e->d);
	struct buf masks = BUF_INIT;
	if (e->cache && search_masks_save(ix, &masks))
		cache_put(e->cache, &mk, masks.ptr, masks.len);
	buf_free(&masks);
	diag_lap(e->timings, "    search files", &t);
	search_free(ix);
	free(j.keys);
	free(j.written);
}

/* An article's HTML in print.html: its Markdown rendered again, with
 * heading ids made unique in the handbook and links from the site's root.
 * With every link resolved, that is a function of the page's own inputs,
 * of what Lua filters read (key_filters) and of its HTML (html_fp): a
 * link leads from print.html where it leads from the page, and two
 * targets cannot share the page's relative URL.  So it is kept in the
 * build cache under those, and a rebuild after one edit renders one
 * article here, not every one. */
static int print_key(const struct render_env *e, const struct page *p, struct cache_key *k)
{
	if (!e->cache || (!e->html_plain && !e->key_filters))
		return 0;
	struct cache_keybuf kb;
	cache_key_begin(e->cache, &kb, "print-article-1");
	/* A link with a problem keeps its address as written, from any
	 * page: the page's HTML no longer says where it leads, and what
	 * every page's title, headings and path are stands in for it. */
	if (p->links_noisy)
		cache_key_bytes(&kb, e->link_env.h, sizeof e->link_env.h);
	if (e->key_filters)
		e->key_filters(e->load_ctx, p, &kb);
	cache_key_int(&kb, e->site->cfg.unsafe_html);
	cache_key_int(&kb, p->body_line);
	cache_key_bytes(&kb, p->body_fp, sizeof p->body_fp);
	cache_key_str(&kb, p->key);
	cache_key_str(&kb, p->out);
	cache_key_bytes(&kb, p->html_fp, sizeof p->html_fp);
	*k = cache_key_end(&kb);
	return 1;
}

static char *print_html_of(struct render_env *e, struct page *p)
{
	struct cache_key k;
	int keyed = print_key(e, p, &k);
	char *html = NULL;
	size_t len;
	if (p->print_html) {
		/* made from the page's own parse (build.c, finish_print) */
		html = p->print_html;
		p->print_html = NULL;
		atomic_fetch_add((atomic_int *)&e->print_parsed, 1);
		if (keyed)
			cache_put(e->cache, &k, html, strlen(html));
		return html;
	}
	if (keyed && cache_get(e->cache, &k, &html, &len))
		return html;
	char *sl = slug_make(p->key);
	char *prefix = xasprintf("%s--", sl);
	struct md_doc doc;
	if (e->parse) {
		e->parse(e->load_ctx, p, &doc);
	} else {
		md_parse(&doc, p->body, strlen(p->body), p->body_line, e->site->cfg.unsafe_html);
		md_expand_wikilinks(&doc);
	}
	doc.id_prefix = prefix;
	struct links_ctx lc = { .site = e->site, .ix = e->ix, .page = p, .out_path = "print.html",
				.anchor_prefix = prefix };
	md_render(&doc, links_resolve, &lc, &html, NULL);
	free(lc.targets);
	md_free(&doc);
	free(prefix);
	free(sl);
	atomic_fetch_add((atomic_int *)&e->print_parsed, 1);
	if (keyed && html)
		cache_put(e->cache, &k, html, strlen(html));
	return html;
}

/* The articles print.html holds, in reading order. */
struct print_job {
	struct render_env *e;
	struct { int *v; size_t n, cap; } order;
	char **html; /* per entry of order */
	size_t next; /* entries taken by print_article so far */
};

static void print_collect(struct print_job *j, int sec)
{
	const struct shape *sh = j->e->shape;
	for (size_t k = 0; k < sh->kids[sec].n; k++) {
		if (j->order.n == j->order.cap) {
			j->order.cap = j->order.cap ? 2 * j->order.cap : 64;
			j->order.v = xrealloc(j->order.v, j->order.cap * sizeof *j->order.v);
		}
		j->order.v[j->order.n++] = sh->kids[sec].v[k];
	}
	for (size_t k = 0; k < sh->subs[sec].n; k++)
		print_collect(j, sh->subs[sec].v[k]);
}

static void print_html_job(void *ctx, size_t k)
{
	struct print_job *j = ctx;
	struct page *p = j->e->site->pages[j->order.v[k]];
	if (p->body || p->print_html)
		j->html[k] = print_html_of(j->e, p);
}

static json_t *print_article(struct print_job *j, int i)
{
	struct render_env *e = j->e;
	const struct page *p = e->site->pages[i];
	json_t *r = page_ref(e->site, "print.html", i);
	/* Ids are the page's output path, unique in the handbook. */
	set_own(r, "url", site_rel_url("print.html", p->out)); /* (an id: a space as %20) */
	const char *html = j->html[j->next++];
	set_str(r, "content", html ? html : p->html_in ? p->html_in : "");
	const struct hist_rev *last = hist_last_change(e->hist, page_history(e, (size_t)i));
	if (last)
		json_object_set_new(r, "updated", updated_json(e, (size_t)i, last));
	return r;
}

/* print_collect's walk again, the articles' HTML made. */
static void print_section(struct print_job *j, int sec, json_t *out)
{
	const struct shape *sh = j->e->shape;
	if (sh->kids[sec].n) {
		json_t *so = page_ref(j->e->site, "print.html", sec);
		set_own(so, "url", site_rel_url("print.html", j->e->site->pages[sec]->out));
		json_t *pages = json_array();
		for (size_t k = 0; k < sh->kids[sec].n; k++)
			json_array_append_new(pages, print_article(j, sh->kids[sec].v[k]));
		json_object_set_new(so, "pages", pages);
		json_array_append_new(out, so);
	}
	for (size_t k = 0; k < sh->subs[sec].n; k++)
		print_section(j, sh->subs[sec].v[k], out);
}

/* print.html: the whole site in reading order, for a printed handbook.
 * The articles' HTML is made on every core first. */
static void render_print(struct render_env *e)
{
	if (!e->out || !e->shape->print)
		return;
	struct print_job j = { .e = e };
	print_collect(&j, e->shape->home);
	j.html = xcalloc(j.order.n + 1, sizeof *j.html);
	e->print_articles = (int)j.order.n;
	/* With Lua filters, a page phase B left no part (its text looks like
	 * a placeholder) is filtered again here: in page order, on one
	 * thread, so that a filter that counts gives the same whatever -j
	 * (the other parts are the cache's or phase B's, a copy each). */
	par_for(j.order.n, e->parse ? 1 : e->jobs, print_html_job, &j);
	json_t *c = base_ctx(e, "print.html", "Handbook: every article");
	set_str(c, "description", "Every article of the guidance on one page, to print.");
	json_t *sections = json_array();
	print_section(&j, e->shape->home, sections);
	json_object_set_new(c, "sections", sections);
	emit(e, "print.html", "print", c);
	json_decref(c);
	for (size_t k = 0; k < j.order.n; k++)
		free(j.html[k]);
	free(j.html);
	free(j.order.v);
}

/* The search index is made on a core of its own, beside the lists. */
struct search_task_ctx {
	struct render_env *e;
	const struct tag_list *tags;
};

static void search_task(void *ctx)
{
	const struct search_task_ctx *sc = ctx;
	render_search(sc->e, sc->tags);
}

/* ---- histories as published ---- */

/* What earlier builds learnt, and whether an answer holds for this
 * head only (then the history is not marked as hiding nothing). */
struct known_query {
	const struct draft_blobs *t;
	int by_head;
};

static int draft_known(void *ctx, const char *blob, const char *path)
{
	struct known_query *q = ctx;
	int by_head, d = draft_blobs_get(q->t, blob, path, &by_head);
	q->by_head |= by_head;
	return d;
}

/* Tells a draft by reading the version: the history's own when it has
 * it (read once for its pages too), else the blob alone. */
struct draft_reader {
	struct render_env *e;
	const struct hist_file *hf;
	struct version **vs;
	struct buf *learnt;
	int failed;       /* versions that could not be read */
	struct buf unread; /* their blob ids, each once */
	int by_head;      /* a verdict read quire.head (see known_query) */
	json_t *judged;   /* "BLOB PATH" -> the handlers' verdict, each asked once */
};

/* Whether a version was never published: a draft, or what a build would
 * have refused (front matter that does not parse, no title, a draft flag
 * that is not false: `draft: yes` is an error, not a published page).  A
 * version that cannot be read counts as never published: hiding guidance
 * that was is better than showing a draft. */
static int unpublished(const struct version *v)
{
	return v->failed ? VERSION_BROKEN : v->verdict;
}

/* The newest revision that made version blob of the file at path (or,
 * failing that, at any path), or NULL: a version from another branch. */
static const struct hist_rev *made_by(const struct hist_file *hf, const char *blob, const char *path, size_t *at)
{
	const struct hist_rev *rv = NULL;
	for (size_t k = 0; k < hf->n; k++) {
		const struct hist_rev *r = &hf->revs[k];
		if (r->change == HIST_DELETED || strcmp(r->blob, blob) || (rv && strcmp(r->path, path)))
			continue;
		rv = r;
		*at = k;
		if (!strcmp(r->path, path))
			break;
	}
	return rv;
}

/* Whether the site's on_page handlers hide version v (made by rv, or
 * NULL), the file at path then: 1 or 0.  A handler that fails on it
 * hides it, and says so: the revision cannot be mended, so it is no
 * error, and it is judged again (and said again) at the next build.
 * *keep: the verdict may be kept for later builds. */
static int judged(struct draft_reader *q, const struct version *v, const struct hist_rev *rv, const char *blob,
		  const char *path, int *keep, int *by_head)
{
	const struct past_judge *j = q->e->judge;
	struct buf why = BUF_INIT;
	*by_head = 0;
	int d = j->judge(j->ctx, path, v->fm, v->body ? v->body : "", by_head, &why);
	*keep = d >= 0;
	if (d < 0) {
		struct buf at = BUF_INIT;
		if (rv)
			buf_printf(&at, "revision %.10s", rv->id);
		else
			buf_printf(&at, "a version (blob %.10s)", blob);
		if (strcmp(path, q->hf->path))
			buf_printf(&at, ", then %s,", path);
		diag_warning(q->e->d, q->hf->path, 0, 0,
			     "history: %s is left out (as a draft would be): an on_page handler failed on it: %s",
			     buf_cstr(&at), buf_cstr(&why));
		buf_free(&at);
		d = VERSION_BROKEN;
	}
	buf_free(&why);
	return d;
}

static int draft_read(void *ctx, const char *blob, const char *path)
{
	struct draft_reader *q = ctx;
	int by_head, d = draft_blobs_get(q->e->drafts, blob, path, &by_head);
	if (d >= 0) {
		q->by_head |= by_head;
		return d;
	}
	char *memo_key = NULL;
	if (q->e->judge) {
		memo_key = xasprintf("%s %s", blob, path);
		json_t *m = json_object_get(q->judged, memo_key);
		if (m) {
			free(memo_key);
			return (int)json_integer_value(m);
		}
	}
	struct version own = { 0 };
	const struct version *v = NULL;
	size_t at = 0;
	const struct hist_rev *rv = made_by(q->hf, blob, path, &at);
	if (rv)
		v = &versions(q->e, q->hf, q->vs)[at];
	if (!v) {
		struct hist_rev b = { .change = HIST_MODIFIED, .path = (char *)q->hf->path };
		memcpy(b.blob, blob, sizeof b.blob);
		struct fm_memo memo = { BUF_INIT, NULL, 0 };
		version_load(q->e, &b, &own, &memo);
		buf_free(&memo.yaml);
		v = &own;
	}
	d = unpublished(v);
	int keep = !v->failed;
	by_head = 0;
	if (!d && q->e->judge)
		d = judged(q, v, rv, blob, path, &keep, &by_head);
	q->by_head |= by_head;
	if (keep)
		draft_blobs_note(q->e->drafts, q->learnt, blob, path, d, by_head);
	if (memo_key)
		json_object_set_new(q->judged, memo_key, json_integer(d));
	free(memo_key);
	if (v->failed && !strstr(buf_cstr(&q->unread), blob)) {
		buf_puts(&q->unread, blob);
		buf_putc(&q->unread, ' ');
		q->failed++;
	}
	version_free(&own);
	return d;
}

/* Page i's history as published, with what earlier builds learnt: set
 * now, or left for its rendering thread to read versions for. */
static void publish_known(struct render_env *e, size_t i)
{
	const struct hist_file *hf = e->hist_of[i];
	if (!e->drafts || !hf || !hf->n || draft_blobs_clean(e->drafts, hf->fp))
		return;
	size_t *orig = xmalloc(hf->n * sizeof *orig);
	struct hist_file *f;
	struct known_query q = { e->drafts, 0 };
	if (hist_published(hf, draft_known, &q, &f, orig) < 0)
		e->drafts_unread[i] = 1;
	else if (f)
		e->hist_of[i] = e->published[i] = f;
	if (e->drafts_unread[i] != 1 && q.by_head)
		e->drafts_unread[i] = 2; /* not to be marked as hiding nothing */
	free(orig);
}

/* The same for a page left unread: its versions, when read, are kept (in
 * *vs, the published history's) for its history pages.  Only page i's
 * rendering reads hist_of[i] while pages render. */
static void publish_read(struct render_env *e, size_t i, struct version **vs)
{
	const struct hist_file *hf = e->hist_of[i];
	if (!e->drafts_unread || e->drafts_unread[i] != 1)
		return;
	size_t *orig = xmalloc(hf->n * sizeof *orig);
	struct version *all = NULL;
	struct draft_reader q = { e, hf, &all, &e->drafts_learnt[i], 0, BUF_INIT, 0, json_object() };
	struct hist_file *f;
	hist_published(hf, draft_read, &q, &f, orig);
	buf_free(&q.unread);
	json_decref(q.judged);
	e->drafts_unread[i] = q.failed || q.by_head ? 2 : 0;
	if (q.failed)
		diag_warning(e->d, e->site->pages[i]->src, 0, 0,
			     "history: %d past version%s could not be read from git (a partial or damaged "
			     "clone?) and %s not shown", q.failed, q.failed == 1 ? "" : "s",
			     q.failed == 1 ? "is" : "are");
	if (f) {
		e->hist_of[i] = e->published[i] = f;
		if (all && f->n) {
			*vs = xcalloc(f->n, sizeof **vs);
			for (size_t j = 0; j < f->n; j++) {
				/* (a revision read as the article's deletion, a
				 * move out of sight or a draft, has no text) */
				if (f->revs[j].change != HIST_DELETED || hf->revs[orig[j]].change == HIST_DELETED) {
					(*vs)[j] = all[orig[j]];
					all[orig[j]] = (struct version){ 0 };
				} else {
					(*vs)[j] = (struct version){ .verdict = VERSION_BROKEN };
				}
			}
		}
		versions_free(all, hf->n);
	} else {
		*vs = all;
	}
	free(orig);
}

/* Which section pages quire makes stand in for a folder's own page,
 * deleted (former_page), and that page's history as published, settled
 * now: the section page shows when it went, and pages render on many
 * threads, each settling only its own history.  Only where there is
 * withdrawn guidance; the versions read are read again when its history
 * pages are made (a rare page). */
static void settle_formers(struct render_env *e)
{
	const struct site *s = e->site;
	if (!s->nwithdrawn)
		return;
	e->former = xmalloc((s->npages + 1) * sizeof *e->former);
	for (size_t i = 0; i < s->npages; i++)
		e->former[i] = -1;
	for (size_t w = site_listed(s); w < s->npages; w++) {
		int t = s->pages[w]->shadowed ? site_find(s, s->pages[w]->key) : -1;
		if (t < 0 || s->pages[t]->src || (s->pages[t]->kind != PAGE_SECTION && s->pages[t]->kind != PAGE_HOME))
			continue;
		e->former[t] = (int)w;
		struct version *vs = NULL;
		if (e->hist_of[w])
			publish_read(e, w, &vs);
		versions_free(vs, vs ? e->hist_of[w]->n : 0);
	}
}

/* A page, then its history pages while its HTML is at hand (its newest
 * version usually is that HTML); then the HTML is given back: nothing
 * else shows it, and a large site's peak memory stays down. */
static void render_page_and_history(void *ctx, size_t i)
{
	struct render_env *e = ctx;
	struct page *p = e->site->pages[i];
	json_t *art = NULL;
	struct version *vs = NULL;
	struct arena json;
	json_scope_begin(&json);
	int hist = e->hist && (e->out || (long)i == e->history_sample);
	if (hist)
		publish_read(e, i, &vs);
	struct cache_key hist_in = { { 0, 0 } };
	render_one(e, i, hist && p->src ? &art : NULL, &hist_in);
	if (hist)
		render_history(e, i, art, vs, &hist_in);
	else
		json_decref(art);
	json_scope_end(&json);
	free(p->html);
	p->html = NULL;
}

/* Page i's title, summary, history and state, looked up once. */
static void memo_page(void *ctx, size_t i)
{
	struct render_env *e = ctx;
	struct page *p = e->site->pages[i];
	p->title_memo = page_str(p, "title");
	p->summary_memo = page_str(p, "summary");
	if (e->hist && p->src) {
		const struct hist_file *hf = e->hist_of[i] = hist_lookup(e->hist, p->src);
		e->state_of[i] = (signed char)hist_state(e->hist, p->src);
		/* a past version's link to an article made since meant another
		 * (or none): one new to git came after every version */
		e->born[i] = (!hf && e->state_of[i] == HIST_UNTRACKED) || (hf && !hf->truncated && hf->n) ? UINT32_MAX : 0;
		for (size_t k = 0; hf && !hf->truncated && k < hf->n; k++)
			if (!hf->revs[k].merge_dropped && hist_effective_order(&hf->revs[k]) < e->born[i])
				e->born[i] = hist_effective_order(&hf->revs[k]);
		publish_known(e, i);
		if (e->sighted && p->kind == PAGE_WITHDRAWN && hf) {
			struct hist_file *f;
			hist_in_sight(hf, &f);
			if (f)
				e->hist_of[i] = e->sighted[i] = f;
		}
	}
}

static void forget_memos(struct render_env *e)
{
	for (size_t i = 0; i < e->site->npages; i++)
		e->site->pages[i]->title_memo = e->site->pages[i]->summary_memo = NULL;
	free(e->hist_of);
	free(e->state_of);
	free(e->born);
	if (e->titles) {
		strmap_free(&e->titles->by_blob);
		strmap_free(&e->titles->ids_by_version);
		pthread_mutex_destroy(&e->titles->lock);
		for (size_t k = 0; k < e->titles->nheld; k++)
			free(e->titles->held[k].title);
		free(e->titles->held);
		free(e->titles->held_pages);
		pthread_mutex_destroy(&e->titles->held_lock);
		free(e->titles);
		e->titles = NULL;
	}
	free(e->former);
	e->former = NULL;
	e->hist_of = NULL;
	e->state_of = NULL;
	e->born = NULL;
	for (size_t i = 0; e->published && i < e->site->npages; i++)
		hist_published_free(e->published[i]);
	free(e->published);
	for (size_t i = 0; e->sighted && i < e->site->npages; i++)
		hist_published_free(e->sighted[i]);
	free(e->sighted);
	e->sighted = NULL;
	free(e->drafts_unread);
	draft_blobs_free(e->drafts);
	e->published = NULL;
	e->drafts_unread = NULL;
	e->drafts = NULL;
}

/* What this build learnt of past versions, for the next, with the
 * histories found to hide nothing (not those it could not read, nor
 * those an interrupted build did not reach). */
static void save_drafts_learnt(struct render_env *e)
{
	if (!e->drafts_learnt)
		return;
	size_t n = 0;
	uint64_t (*clean)[2] = xmalloc((e->site->npages + 1) * sizeof *clean);
	for (size_t i = 0; i < e->site->npages; i++) {
		const struct hist_file *hf = e->hist_of[i];
		if (hf && hf->n && !e->published[i] && !e->drafts_unread[i]) {
			clean[n][0] = hf->fp[0];
			clean[n++][1] = hf->fp[1];
		}
	}
	draft_blobs_save(e->drafts, e->cache, e->drafts_learnt, e->site->npages, (const uint64_t (*)[2])clean, n);
	free(clean);
	for (size_t i = 0; i < e->site->npages; i++)
		buf_free(&e->drafts_learnt[i]);
	free(e->drafts_learnt);
	e->drafts_learnt = NULL;
}

int render_site(struct render_env *e)
{
	int before = diag_errors(e->d);
	double t = diag_clock_ms();
	/* Nothing changes a page's data from here on. */
	e->hist_of = xcalloc(e->site->npages + 1, sizeof *e->hist_of);
	e->state_of = xcalloc(e->site->npages + 1, sizeof *e->state_of);
	e->born = xcalloc(e->site->npages + 1, sizeof *e->born);
	if (e->hist) {
		e->titles = xcalloc(1, sizeof *e->titles);
		pthread_mutex_init(&e->titles->lock, NULL);
		pthread_mutex_init(&e->titles->held_lock, NULL);
	}
	if (e->hist && e->hide_drafts) {
		size_t n = e->site->npages + 1;
		e->drafts = draft_blobs_load(e->cache, e->judge);
		e->published = xcalloc(n, sizeof *e->published);
		e->drafts_unread = xcalloc(n, 1);
		e->drafts_learnt = xcalloc(n, sizeof *e->drafts_learnt);
	}
	/* (a preview reads a move out of sight as a build does) */
	if (e->hist && !e->hide_drafts && e->site->nwithdrawn)
		e->sighted = xcalloc(e->site->npages + 1, sizeof *e->sighted);
	par_for(e->site->npages, e->jobs, memo_page, e);
	settle_formers(e);
	e->history_sample = -1;
	for (size_t i = 0; !e->out && i < e->site->npages && e->history_sample < 0; i++)
		if (e->hist_of[i] && e->hist_of[i]->n)
			e->history_sample = (long)i;
	e->shape = shape_new(e->site, e->jobs, e->cache);
	if (e->cache && e->hist && e->page_env) {
		e->notes = xcalloc(e->site->npages + 1, sizeof *e->notes);
		e->fines = fines_table_load(e);
	}
	diag_lap(e->timings, "  shape", &t);
	if (!tmpl_set_has(e->tmpl, "print"))
		e->shape->print = 0;
	par_for_spread(e->site->npages, e->jobs, render_page_and_history, e);
	if (e->notes)
		put_notes_all(e);
	save_drafts_learnt(e);
	if (e->hist)
		hist_release_readers(e->hist);
	malloc_trim(0);
	diag_lap(e->timings, e->hist ? "  pages and history pages" : "  pages", &t);
	/* The search index is made beside the lists, print page and feeds:
	 * both have long stretches on one core (merging the index's names,
	 * sorting a list), and neither reads what the other makes. */
	struct tag_list tags;
	tags_collect(e->site, &tags);
	warn_tag_slips(e->site, e->d, &tags);
	struct search_task_ctx sc = { e, &tags };
	struct par_task *search = par_start(e->jobs, search_task, &sc);
	render_changes(e);
	render_tags(e, &tags);
	render_az(e);
	render_redirects(e);
	diag_lap(e->timings, "  lists (beside the search index)", &t);
	render_print(e);
	if (e->out)
		feeds_sitemap(e->site, e->out, e->d);
	diag_lap(e->timings, "  print and feeds (beside it)", &t);
	par_join(search);
	tags_free(&tags);
	diag_lap(e->timings, "  search (what was left of it)", &t);
	shape_free(e->shape, e->site->npages);
	e->shape = NULL;
	forget_memos(e);
	return diag_errors(e->d) > before ? -1 : 0;
}
