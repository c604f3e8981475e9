/* links: link resolution, backlinks and related pages. */
#include "links.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "par.h"
#include "buf.h"
#include "cache.h"
#include "diag.h"
#include "near.h"
#include "pastfiles.h"
#include "scan.h"
#include "slug.h"

/* Lower-case names to the pages that have them, in page order: a table
 * of its own, as every page adds to two of them on every build (a JSON
 * object of arrays cost three times as much). */
struct name_slot {
	char *key;      /* NULL: empty */
	uint64_t hash;
	int *pages;     /* capacity: the next power of two of n */
	size_t n;
};

struct name_map {
	struct name_slot *slots;
	size_t cap, len; /* cap: a power of two, or 0 */
};

struct links_index {
	struct name_map by_name;  /* lower-case file name → pages */
	struct name_map by_title; /* lower-case title → pages */
	/* For "did you mean" hints, each made the first time a link needs it
	 * (most builds never do): see enum near_kind. */
	const struct site *site;
	pthread_mutex_t near_lock;
	struct near_index *near[3]; /* by enum near_kind */
};

static struct name_slot *name_find(const struct name_map *m, const char *key, uint64_t h)
{
	if (!m->cap)
		return NULL;
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct name_slot *s = &m->slots[i];
		if (!s->key || (s->hash == h && !strcmp(s->key, key)))
			return s;
	}
}

static void name_grow(struct name_map *m)
{
	struct name_map old = *m;
	m->cap = old.cap ? old.cap * 2 : 256;
	m->slots = xcalloc(m->cap, sizeof *m->slots);
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].key)
			*name_find(m, old.slots[i].key, old.slots[i].hash) = old.slots[i];
	free(old.slots);
}

char *links_fold(const char *s)
{
	static const struct { const char *from, *to; } smart[] = {
		{ "\xE2\x80\x98", "'" }, { "\xE2\x80\x99", "'" }, { "\xE2\x80\x9C", "\"" },
		{ "\xE2\x80\x9D", "\"" }, { "\xE2\x80\x93", "--" }, { "\xE2\x80\x94", "---" },
		{ "\xE2\x80\xA6", "..." },
	};
	if (!strstr(s, "\xE2\x80"))
		return xstrdup_lower(s);
	struct buf b = BUF_INIT;
	while (*s) {
		size_t k = 0, n = sizeof smart / sizeof *smart;
		while (k < n && strncmp(s, smart[k].from, 3))
			k++;
		if (k < n) {
			buf_puts(&b, smart[k].to);
			s += 3;
		} else {
			buf_putc(&b, *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s);
			s++;
		}
	}
	return buf_detach(&b);
}

static uint64_t fold_hash(const char *s)
{
	char *f = links_fold(s);
	uint64_t h = str_hash(f, strlen(f));
	free(f);
	return h;
}

static void index_add(struct name_map *m, const char *key, int i)
{
	char *k = links_fold(key);
	uint64_t h = str_hash(k, strlen(k));
	if (4 * (m->len + 1) > 3 * m->cap)
		name_grow(m);
	struct name_slot *s = name_find(m, k, h);
	if (s->key) {
		free(k);
	} else {
		*s = (struct name_slot){ k, h, NULL, 0 };
		m->len++;
	}
	if ((s->n & (s->n - 1)) == 0)
		s->pages = xrealloc(s->pages, (s->n ? 2 * s->n : 1) * sizeof *s->pages);
	s->pages[s->n++] = i;
}

/* The slot of key (lower-case), or NULL. */
static const struct name_slot *index_get(const struct name_map *m, const char *key)
{
	const struct name_slot *s = name_find(m, key, str_hash(key, strlen(key)));
	return s && s->key ? s : NULL;
}

static void name_map_free(struct name_map *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->slots[i].key);
		free(m->slots[i].pages);
	}
	free(m->slots);
}

struct index_job {
	const struct site *s;
	struct name_map *map;
	int by_title;
};

static void index_fill(void *ctx)
{
	struct index_job *j = ctx;
	for (size_t i = 0; i < j->s->npages; i++) {
		const struct page *p = j->s->pages[i];
		const char *key = j->by_title ? page_title(p) : p->name;
		if (key && *key)
			index_add(j->map, key, (int)i);
	}
}

struct links_index *links_index_new(const struct site *s, int jobs)
{
	struct links_index *ix = xcalloc(1, sizeof *ix);
	ix->site = s;
	pthread_mutex_init(&ix->near_lock, NULL);
	/* The two maps are made side by side. */
	struct index_job names = { s, &ix->by_name, 0 }, titles = { s, &ix->by_title, 1 };
	struct par_task *t = par_start(jobs, index_fill, &titles);
	index_fill(&names);
	par_join(t);
	return ix;
}

void links_same_titles(const struct links_index *ix, void (*fn)(void *ctx, const int *pages, size_t n), void *ctx)
{
	for (size_t i = 0; i < ix->by_title.cap; i++) {
		const struct name_slot *s = &ix->by_title.slots[i];
		if (s->key && s->n > 1)
			fn(ctx, s->pages, s->n);
	}
}

void links_index_free(struct links_index *ix)
{
	if (!ix)
		return;
	name_map_free(&ix->by_name);
	name_map_free(&ix->by_title);
	for (int k = 0; k < 3; k++)
		near_free(ix->near[k]);
	pthread_mutex_destroy(&ix->near_lock);
	free(ix);
}

/* ---- "did you mean": names one edit away ---- */

static int moved_by_name(const struct links_ctx *c, const char *name);
static int hyphened_name(const struct links_ctx *c, const char *name);
static int alias_named(const struct links_ctx *c, const char *name);

/* The hint indexes: of the pages' file names and titles, folded (ids:
 * page * 2, + 1 for a title); of their paths in content/ and the
 * attachments' (ids: pages, then npages + attachment); and of the pages'
 * paths folded, as a wiki link names them. */
enum near_kind { NEAR_NAMES, NEAR_PATHS, NEAR_WIKI_PATHS };

static void near_add_folded(struct near_index *near, const char *name, int id)
{
	if (!name || !*name)
		return;
	char *k = links_fold(name);
	near_add(near, k, id);
	free(k);
}

/* Index kind, made on first use by whichever thread needs it first: a
 * memo behind the lock, the maps themselves stay read-only. */
static const struct near_index *near_ready(const struct links_index *cix, enum near_kind kind)
{
	struct links_index *ix = (struct links_index *)cix;
	const struct site *s = ix->site;
	pthread_mutex_lock(&ix->near_lock);
	if (!ix->near[kind]) {
		struct near_index *near = near_new();
		for (size_t i = 0; i < s->npages; i++) {
			const struct page *p = s->pages[i];
			if (kind == NEAR_PATHS) {
				near_add(near, p->key, (int)i);
			} else if (kind == NEAR_WIKI_PATHS) {
				near_add_folded(near, p->key, (int)i);
			} else {
				near_add_folded(near, p->name, (int)(2 * i));
				near_add_folded(near, page_title(p), (int)(2 * i + 1));
			}
		}
		for (size_t a = 0; a < s->nassets && kind == NEAR_PATHS; a++)
			near_add(near, s->assets[a], (int)(s->npages + a));
		near_seal(near);
		ix->near[kind] = near;
	}
	pthread_mutex_unlock(&ix->near_lock);
	return ix->near[kind];
}

/* Up to three suggestions as ": did you mean A, B or C?" (each already
 * quoted or bracketed); "" for none.  Frees them. */
static char *did_you_mean(char **v, size_t n)
{
	struct buf b = BUF_INIT;
	for (size_t k = 0; k < n; k++) {
		buf_puts(&b, k == 0 ? ": did you mean " : k + 1 == n ? " or " : ", ");
		buf_puts(&b, v[k]);
		free(v[k]);
	}
	if (n)
		buf_putc(&b, '?');
	return buf_detach(&b);
}

#define NEAR_SHOWN 3

/* How a wiki link names page i by its file name (title: 0) or title (1):
 * by its path in content/ when that name would not lead there (another
 * page has it; a title that is some page's file name, as file names win;
 * a title with a character a wiki link reads as its end or anchor). */
static const char *wiki_name_of(const struct links_index *ix, int i, int title)
{
	const struct page *p = ix->site->pages[i];
	const char *own = title ? page_title(p) : p->name;
	char *k = links_fold(own);
	const struct name_slot *hits = index_get(title ? &ix->by_title : &ix->by_name, k);
	int leads = hits && hits->n == 1 && !(title && (index_get(&ix->by_name, k) || strpbrk(own, "#|[]")));
	free(k);
	return leads ? own : p->key;
}

/* ": did you mean [[leave]]?" for a wiki link (path: its name or path,
 * without a leading '/') one edit from another article's file name, title
 * or path; else "". */
static char *wiki_near_hint(const struct links_ctx *c, const char *path, const char *anchor)
{
	int ids[2 * NEAR_SHOWN], pages[NEAR_SHOWN];
	int by_path = strchr(path, '/') != NULL;
	char *key = links_fold(path);
	size_t n = near_find(near_ready(c->ix, by_path ? NEAR_WIKI_PATHS : NEAR_NAMES), key, ids, 2 * NEAR_SHOWN);
	free(key);
	char *v[NEAR_SHOWN];
	size_t m = 0;
	for (size_t k = 0; k < n && m < NEAR_SHOWN; k++) {
		int page = by_path ? ids[k] : ids[k] / 2, seen = 0;
		if (page >= (int)c->site->npages || c->site->pages[page] == c->page)
			continue; /* an attachment (a wiki link names pages), or this page */
		for (size_t q = 0; q < m; q++)
			seen |= pages[q] == page;
		if (seen)
			continue;
		pages[m] = page;
		const char *name = by_path ? c->site->pages[page]->key : wiki_name_of(c->ix, page, ids[k] % 2);
		v[m++] = xasprintf("[[%s%s%s]]", name, anchor ? "#" : "", anchor ? anchor : "");
	}
	return did_you_mean(v, m);
}

/* ": did you mean 'leave.md'?" for a link whose target (inside content/,
 * ending in ext bytes of ".md" or ".html", or in none: an attachment, or a
 * page named without .md) is one edit from a page's or an attachment's
 * path; else NULL. */
static char *path_near_hint(const struct links_ctx *c, const char *target, size_t ext, const char *rest)
{
	char *key = xstrndup(target, strlen(target) - ext);
	int ids[NEAR_SHOWN];
	size_t n = near_find(near_ready(c->ix, NEAR_PATHS), key, ids, NEAR_SHOWN), m = 0;
	free(key);
	char *v[NEAR_SHOWN];
	for (size_t k = 0; k < n; k++) {
		int page = ids[k] < (int)c->site->npages;
		if (!page && ext)
			continue; /* (an attachment has its extension in its path) */
		char *from = xasprintf("%s.md", c->page->key);
		char *file = page ? xasprintf("%s%s", c->site->pages[ids[k]]->key, ext ? target + strlen(target) - ext : ".md")
				  : xstrdup(c->site->assets[ids[k] - c->site->npages]);
		char *rel = site_rel_url(from, file);
		v[m++] = xasprintf("'%s%s'", rel, rest);
		free(rel);
		free(file);
		free(from);
	}
	if (!m)
		return NULL;
	return did_you_mean(v, m);
}

void links_page_env(const struct page *p, struct links_page_env *out)
{
	struct cache_keybuf kb;
	cache_key_begin(NULL, &kb, "page-env");
	cache_key_str(&kb, p->key);
	cache_key_str(&kb, p->src);
	cache_key_str(&kb, p->name);
	cache_key_str(&kb, p->out);
	cache_key_str(&kb, page_title(p));
	cache_key_int(&kb, p->kind);
	cache_key_int(&kb, p->shadowed); /* (site_find does not find it) */
	cache_key_int(&kb, (long long)p->nheadings);
	for (size_t k = 0; k < p->nheadings; k++) {
		cache_key_str(&kb, p->headings[k].id);
		cache_key_str(&kb, p->headings[k].text); /* (anchor_hint reads it) */
	}
	cache_key_str(&kb, p->fnids);
	/* (a broken wiki link's hint names the page that has it as an alias) */
	json_t *aliases = json_object_get(p->data, "aliases");
	if (aliases)
		cache_key_json(&kb, aliases);
	struct cache_key k = cache_key_end(&kb);
	out->all[0] = k.h[0];
	out->all[1] = k.h[1];
	out->title = fold_hash(page_title(p) ? page_title(p) : "");
	out->name = fold_hash(p->name ? p->name : "");
}

static void sig_name(struct links_sig *s, uint64_t h)
{
	if (s->nnames == s->capn) {
		s->capn = s->capn ? 2 * s->capn : 8;
		s->names = xrealloc(s->names, s->capn * sizeof *s->names);
	}
	s->names[s->nnames++] = h;
}

/* Grows by doubling (the capacity is the next power of two): a page
 * linked from thousands costs a few reallocs, not thousands. */
static void push_int(struct links_list *l, int v)
{
	if ((l->n & (l->n - 1)) == 0)
		l->v = xrealloc(l->v, (l->n ? 2 * l->n : 1) * sizeof *l->v);
	l->v[l->n++] = v;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Sorts v (n ints) and drops repeats; returns how many are left. */
static size_t sort_unique(int *v, size_t n)
{
	size_t m = 0;
	if (n)
		qsort(v, n, sizeof *v, cmp_int);
	for (size_t i = 0; i < n; i++)
		if (!m || v[m - 1] != v[i])
			v[m++] = v[i];
	return m;
}

void links_sig_tidy(struct links_sig *s)
{
	size_t m = 0;
	if (s->nnames)
		qsort(s->names, s->nnames, sizeof *s->names, cmp_u64);
	for (size_t i = 0; i < s->nnames; i++)
		if (!m || s->names[m - 1] != s->names[i])
			s->names[m++] = s->names[i];
	s->nnames = m;
	s->pages.n = sort_unique(s->pages.v, s->pages.n);
}

void links_sig_free(struct links_sig *s)
{
	free(s->names);
	free(s->pages.v);
	memset(s, 0, sizeof *s);
}

void links_change_make(struct links_change *ch, const struct links_page_env *old,
		       const struct links_page_env *cur, size_t n)
{
	memset(ch, 0, sizeof *ch);
	ch->page = xcalloc(n + 1, 1);
	size_t cap = 0;
	for (size_t i = 0; i < n; i++) {
		if (!memcmp(&old[i], &cur[i], sizeof old[i]))
			continue;
		ch->page[i] = 1;
		ch->nchanged++;
		if (ch->nnames + 4 > cap) {
			cap = cap ? 2 * cap : 16;
			ch->names = xrealloc(ch->names, cap * sizeof *ch->names);
		}
		ch->names[ch->nnames++] = old[i].title;
		ch->names[ch->nnames++] = cur[i].title;
		ch->names[ch->nnames++] = old[i].name;
		ch->names[ch->nnames++] = cur[i].name;
	}
	if (ch->nnames)
		qsort(ch->names, ch->nnames, sizeof *ch->names, cmp_u64);
}

int links_change_names(const struct links_change *ch, uint64_t name)
{
	size_t lo = 0, hi = ch->nnames;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ch->names[mid] == name)
			return 1;
		if (ch->names[mid] < name)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

void links_change_free(struct links_change *ch)
{
	free(ch->page);
	free(ch->names);
	memset(ch, 0, sizeof *ch);
}

/* Whether the lookups of the record at rd (its links_sig) meet ch.
 * Moves rd past them. */
static int sig_touched(struct cache_reader *rd, const struct links_change *ch, size_t npages)
{
	int hit = 0;
	uint32_t m = cache_r_u32(rd);
	if (!ch->nchanged) {
		/* nothing changed: only stepped over */
		if (m > (rd->len - rd->off) / 8)
			rd->bad = 1;
		rd->off += rd->bad ? 0 : (size_t)m * 8;
		m = cache_r_u32(rd);
		if (m > (rd->len - rd->off) / 4)
			rd->bad = 1;
		rd->off += rd->bad ? 0 : (size_t)m * 4;
		return 0;
	}
	for (uint32_t k = 0; k < m && !rd->bad; k++)
		hit |= links_change_names(ch, cache_r_u64(rd));
	m = cache_r_u32(rd);
	for (uint32_t k = 0; k < m && !rd->bad; k++) {
		uint32_t t = cache_r_u32(rd);
		if (t >= npages)
			rd->bad = 1;
		else
			hit |= ch->page[t];
	}
	return hit;
}

/* The environment at rd (a table's head) against env: the pages changed
 * since, in ch.  -1 when the table is of other pages. */
static int table_env(struct cache_reader *rd, size_t n, const struct cache_key *pages,
		     const struct links_page_env *env, struct links_change *ch)
{
	if (cache_r_u32(rd) != n)
		return -1;
	struct cache_key was;
	was.h[0] = cache_r_u64(rd);
	was.h[1] = cache_r_u64(rd);
	if (rd->bad || memcmp(&was, pages, sizeof was) || (rd->len - rd->off) / 32 < n)
		return -1;
	struct links_page_env *old = xmalloc((n + 1) * sizeof *old);
	for (size_t i = 0; i < n; i++) {
		old[i].all[0] = cache_r_u64(rd);
		old[i].all[1] = cache_r_u64(rd);
		old[i].title = cache_r_u64(rd);
		old[i].name = cache_r_u64(rd);
	}
	links_change_make(ch, old, env, n);
	free(old);
	return 0;
}

void links_table_parse(struct links_table *t, size_t n, const struct cache_key *pages,
		       const struct links_page_env *env, int changes_only)
{
	t->n = n;
	t->at = xmalloc((n + 1) * sizeof *t->at);
	t->rlen = xcalloc(n + 1, sizeof *t->rlen);
	for (size_t i = 0; i < n; i++)
		t->at[i] = SIZE_MAX;
	t->usable = 0;
	t->changed = 0;
	struct cache_reader rd = { .p = t->data, .len = t->data ? t->len : 0 };
	struct links_change ch;
	if (!t->data || table_env(&rd, n, pages, env, &ch) < 0)
		return;
	if (changes_only && !ch.nchanged) {
		t->usable = 1;
		links_change_free(&ch);
		return;
	}
	for (size_t i = 0; !rd.bad && i < n; i++) {
		size_t at = rd.off;
		uint32_t m = cache_r_u32(&rd);
		if (rd.bad || m > rd.len - rd.off) {
			rd.bad = 1;
			break;
		}
		rd.off += m;
		if (!m)
			continue;
		int touched = ch.page[i] | sig_touched(&rd, &ch, n);
		t->rlen[i] = rd.off - at;
		t->at[i] = touched ? SIZE_MAX : at;
	}
	if (rd.bad || rd.off != rd.len) {
		for (size_t i = 0; i < n; i++)
			t->at[i] = SIZE_MAX;
	} else {
		t->usable = 1;
		t->changed = ch.nchanged;
	}
	links_change_free(&ch);
}

void links_table_open(struct links_table *t, struct cache *c, const struct cache_key *k, size_t n,
		      const struct cache_key *pages, const struct links_page_env *env, int changes_only)
{
	memset(t, 0, sizeof *t);
	if (!cache_view(c, k, &t->data, &t->len) && cache_get(c, k, &t->own, &t->len))
		t->data = t->own;
	links_table_parse(t, n, pages, env, changes_only);
}

const char *links_table_payload(const struct links_table *t, size_t i, size_t *len)
{
	if (i >= t->n || t->at[i] == SIZE_MAX)
		return NULL;
	struct cache_reader rd = { .p = t->data, .len = t->len, .off = t->at[i] };
	*len = cache_r_u32(&rd);
	return t->data + rd.off;
}

void links_table_record(struct buf *b, const void *payload, size_t len, struct links_sig *sig)
{
	buf_reset(b);
	cache_w_u32(b, (uint32_t)len);
	buf_put(b, payload, len);
	links_sig_tidy(sig);
	cache_w_u32(b, (uint32_t)sig->nnames);
	for (size_t k = 0; k < sig->nnames; k++)
		cache_w_u64(b, sig->names[k]);
	cache_w_u32(b, (uint32_t)sig->pages.n);
	for (size_t k = 0; k < sig->pages.n; k++)
		cache_w_u32(b, (uint32_t)sig->pages.v[k]);
}

void links_table_put(struct cache *c, const struct cache_key *k, size_t n, const struct cache_key *pages,
		     const struct links_page_env *env, const struct buf *fresh, const struct links_table *old)
{
	struct buf b = BUF_INIT;
	cache_w_u32(&b, (uint32_t)n);
	cache_w_u64(&b, pages->h[0]);
	cache_w_u64(&b, pages->h[1]);
	for (size_t i = 0; i < n; i++) {
		cache_w_u64(&b, env[i].all[0]);
		cache_w_u64(&b, env[i].all[1]);
		cache_w_u64(&b, env[i].title);
		cache_w_u64(&b, env[i].name);
	}
	for (size_t i = 0; i < n; i++) {
		if (fresh[i].len)
			buf_put(&b, fresh[i].ptr, fresh[i].len);
		else if (old && i < old->n && old->at[i] != SIZE_MAX)
			buf_put(&b, old->data + old->at[i], old->rlen[i]);
		else
			cache_w_u32(&b, 0);
	}
	cache_put(c, k, b.ptr, b.len);
	buf_free(&b);
}

void links_table_close(struct links_table *t)
{
	free(t->own);
	free(t->at);
	free(t->rlen);
	memset(t, 0, sizeof *t);
}

/* The file of an article left out of this build (map: site.drafts or
 * site.broken) that a link asks for as kind1 or kind2 (e.g. "name:" and
 * "title:"), or NULL.  Borrowed. */
static const char *left_out(const json_t *map, const char *kind1, const char *what, const char *kind2)
{
	const char *kinds[2] = { kind1, kind2 };
	for (int k = 0; k < 2 && kinds[k]; k++) {
		char *key = xasprintf("%s%s", kinds[k], what);
		const char *src = json_string_value(json_object_get(map, key));
		free(key);
		if (src)
			return src;
	}
	return NULL;
}

static void problem(struct links_ctx *c, int line, int col, const char *fmt, const char *a, const char *b)
{
	if (!c->d || c->past)
		return;
	char *msg = xasprintf(fmt, a, b ? b : "");
	const char *path = c->page->src ? c->page->src : c->page->key;
	/* a hook's page has no file to open: name the line that made it */
	const char *at = c->page->origin ? " (in the page added at " : "", *end = c->page->origin ? ")" : "";
	const char *origin = c->page->origin ? c->page->origin : "";
	if (c->site->cfg.links_warn)
		diag_warning(c->d, path, line, col, "%s%s%s%s", msg, at, origin, end);
	else
		diag_error(c->d, path, line, col, "%s%s%s%s", msg, at, origin, end);
	free(msg);
}

/* Whether problems are told (not for a past version): their hints are
 * worked out only then. */
static int reports(const struct links_ctx *c)
{
	return c->d && !c->past;
}

/* Whether a problem's message is kept, so its hint is worth working out. */
static int hints(const struct links_ctx *c)
{
	return reports(c) && !c->no_hints;
}

/* What git says of the article at content/KEY.md deleted (key: a path in
 * content/ without ".md", or with a '/' nowhere, a file name), or NULL:
 * a link to guidance withdrawn is mended by removing it, not by a
 * near name. */
static const char *gone_note(const struct links_ctx *c, const char *key, size_t kl, int by_name)
{
	const char *found = NULL;
	for (size_t k = 0; k < c->ngone; k++) {
		const char *path = c->gone[k] + 8;
		size_t pl = strlen(path) - 3;
		const char *slash = by_name ? memrchr(path, '/', pl) : NULL;
		const char *cmp = slash ? slash + 1 : path;
		if ((size_t)(path + pl - cmp) != kl || (by_name ? strncasecmp(cmp, key, kl) : strncmp(cmp, key, kl)))
			continue;
		if (found)
			return NULL; /* two of that name: which one is not known */
		found = c->gone_note[k];
	}
	return found;
}

/* For a past version: the withdrawn page a wiki link names by its file
 * name or title (letter case aside), as a relative link finds it by its
 * path, or -1 (none, two, or one whose address another page took).  The
 * index of names was made before withdrawn pages were added. */
static int withdrawn_named(const struct links_ctx *c, const char *name)
{
	int found = -1;
	for (size_t i = site_listed(c->site); i < c->site->npages; i++) {
		const struct page *p = c->site->pages[i];
		if (p->shadowed || (strcasecmp(p->name, name) && strcasecmp(page_title(p), name)))
			continue;
		if (found >= 0)
			return -1;
		found = (int)i;
	}
	return found;
}

/* gone_note for a wiki link that names a deleted article by the title
 * its last version had (letter case aside), or NULL. */
static const char *gone_by_title(const struct links_ctx *c, const char *title)
{
	const char *found = NULL;
	for (size_t k = 0; c->gone_title && k < c->ngone; k++) {
		if (!c->gone_title[k] || strcasecmp(c->gone_title[k], title))
			continue;
		if (found)
			return NULL; /* two of that title */
		found = c->gone_note[k];
	}
	return found;
}

/* Whether a link (what: "wiki link [[x]]", "link to 'x.md'") that finds
 * no page asks (as kind1 or kind2, e.g. "name:" and "title:") for an
 * article left out of this build, and says so if it does: a draft is an
 * error, as the link would lead nowhere once published; a file with
 * errors of its own, reported under its name, only a warning, as the link
 * is not at fault and an editor told otherwise deletes a good link. */
static int linked_left_out(struct links_ctx *c, int line, int col, const char *what, const char *kind1,
			   const char *key, const char *kind2)
{
	const char *broken = left_out(c->site->broken, kind1, key, kind2);
	const char *draft = broken ? NULL : left_out(c->site->drafts, kind1, key, kind2);
	if (!c->d || c->past || (!broken && !draft))
		return broken || draft;
	if (broken)
		diag_warning(c->d, c->page->src ? c->page->src : c->page->key, line, col,
			     "%s: %s has errors of its own (reported under its name); the link itself is fine",
			     what, broken);
	else if (json_object_get(c->site->hook_hidden, draft))
		problem(c, line, col, "%s: %s is hidden by a script's on_page hook (page.draft = true) and will "
				      "not be published: remove the link; quire build --drafts includes it in a preview",
			what, draft);
	else
		problem(c, line, col, "%s: %s is a draft and will not be published: remove the link, or "
				      "publish the draft (draft: false); quire build --drafts includes drafts in a preview",
			what, draft);
	return 1;
}

static void add_target(struct links_ctx *c, int t)
{
	if (c->ntargets == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->targets = xrealloc(c->targets, c->cap * sizeof *c->targets);
	}
	c->targets[c->ntargets++] = t;
}

static int has_heading(const struct page *p, const char *id)
{
	for (size_t i = 0; i < p->nheadings; i++)
		if (!strcmp(p->headings[i].id, id))
			return 1;
	/* footnotes' ids, which cmark-gfm writes itself */
	return md_footnote_target(p->fnset, id);
}

/* The heading of the document being rendered with id id (a past
 * version's own, else the page's), or NULL. */
static const struct heading *own_heading(const struct links_ctx *c, const char *id)
{
	const struct heading *h = c->own ? c->own_h : c->page->headings;
	size_t n = c->own ? c->own_nh : c->page->nheadings;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(h[i].id, id))
			return &h[i];
	return NULL;
}

/* Whether a same-page link to #id leads somewhere in the document. */
static int here_has(const struct links_ctx *c, const char *id)
{
	return own_heading(c, id) || md_footnote_target(c->own ? c->own_fn : c->page->fnset, id);
}

/* 1 when page t did not exist yet when the past version was committed. */
static int not_yet(struct links_ctx *c, int t)
{
	if (!c->past || !c->born)
		return 0;
	c->rev_bound = 1;
	return c->born[t] > c->rev_order;
}

/* Returns 1 for a URL with a scheme ("https:", "mailto:"). */
static int has_scheme(const char *url)
{
	const char *p = url;
	if (!isalpha((unsigned char)*p))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return *p == ':';
}

int links_is_dropped(const char *url, int is_image, int unsafe_html)
{
	static const char *const unsafe[] = { "javascript:", "vbscript:", "file:", "data:" };
	if (unsafe_html || is_image)
		return 0;
	for (size_t k = 0; k < sizeof unsafe / sizeof *unsafe; k++)
		if (!strncasecmp(url, unsafe[k], strlen(unsafe[k])))
			return 1;
	return 0;
}

static int dropped_scheme(const struct links_ctx *c, const char *url)
{
	return links_is_dropped(url, 0, c->site->cfg.unsafe_html);
}

/* A link with a scheme that readers would find broken, or that is left
 * out: told as a warning (the address is the editor's to check, and an
 * import may hold many).  "https:/x" or "https:" without a host, a slip
 * in "https" ("htps:", "hhtps:"), or "javascript:", which the site
 * removes, as it would run code. */
static void scheme_warning(struct links_ctx *c, const char *url, int line, int col)
{
	size_t sl = strcspn(url, ":");
	char *scheme = xstrndup(url, sl);
	const char *rest = url + sl + 1, *path = c->page->src ? c->page->src : c->page->key;
	for (char *q = scheme; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	int web = !strcmp(scheme, "https") || !strcmp(scheme, "http");
	if (web && (strncmp(rest, "//", 2) || !rest[2] || rest[2] == '/'))
		diag_warning(c->d, path, line, col, "the web address '%s' is not whole: write it as "
			     "%s://host/path, e.g. 'https://www.acas.org.uk/'", url, scheme);
	else if (!web && (near_distance(scheme, "https", 2) <= 1 || near_distance(scheme, "http", 1) <= 1) &&
		 strcmp(scheme, "ftp"))
		diag_warning(c->d, path, line, col, "the address '%s' starts with '%s:': did you mean 'https:%s'?",
			     url, scheme, rest);
	else if (dropped_scheme(c, url))
		diag_warning(c->d, path, line, col, "a '%s:' link is not safe to follow, so the site shows its text "
			     "alone: link to a page or a web address instead", scheme);
	free(scheme);
}

/* A link that leaves the site for another (marked, and opened with
 * rel="noopener"): a web address.  An e-mail address or a telephone
 * number opens the reader's own program, which "(external link)" and an
 * arrow would not describe. */
static int web_address(const char *url)
{
	return !strncasecmp(url, "http://", 7) || !strncasecmp(url, "https://", 8);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The heading of p to which GitHub (or, with gitlab, GitLab) gives the id
 * anchor, or -1.  Both number a text's repeats "a", "a-1", "a-2";
 * github-slugger also skips a number some heading's own text took
 * ("a-1" written out), GitLab does not. */
static long github_heading(const struct page *p, const char *anchor, int gitlab)
{
	/* each id given (GitLab: each text's) → the repeats of it counted */
	json_t *seen = json_object();
	long found = -1;
	for (size_t i = 0; i < p->nheadings && found < 0; i++) {
		char *base = slug_github(p->headings[i].text, gitlab);
		if (!base)
			break; /* (a text whose id quire cannot tell: the numbering after it neither) */
		char *id = xstrdup(base);
		json_t *count = json_object_get(seen, base);
		/* (GitLab counts by the text's id alone) */
		while (count && (gitlab || json_object_get(seen, id))) {
			json_int_t k = json_integer_value(count) + 1;
			json_integer_set(count, k);
			free(id);
			id = xasprintf("%s-%lld", base, (long long)k);
			if (gitlab)
				break;
		}
		if (!count || !gitlab)
			json_object_set_new(seen, gitlab ? base : id, json_integer(0));
		if (!strcmp(id, anchor))
			found = (long)i;
		free(id);
		free(base);
	}
	json_decref(seen);
	return found;
}

/* ": did you mean 'annual-leave'?" when one of p's ids is one edit from
 * the anchor (two, for an anchor of ten characters or more), and no
 * other is as close; else NULL. */
static char *near_heading(const struct page *p, const char *anchor)
{
	int max = strlen(anchor) >= 10 ? 2 : 1, best = max + 1;
	long at = -1;
	for (size_t i = 0; i < p->nheadings; i++) {
		int d = near_distance(anchor, p->headings[i].id, best);
		if (d < best) {
			best = d;
			at = (long)i;
		} else if (d == best && at >= 0 && strcmp(p->headings[at].id, p->headings[i].id)) {
			at = -2; /* two as close: no hint */
		}
	}
	if (at == -2 || best > max || at < 0)
		return NULL;
	return xasprintf(": did you mean '%s'?", p->headings[at].id);
}

/* ": did you mean 'annual-leave'? ..." when the anchor as a heading id
 * would be (written with capitals or spaces: "Annual Leave", or
 * "Annual%20Leave" in a Markdown link) is one of p's ids; else "".  A new
 * string. */
static char *anchor_hint(const struct page *p, const char *anchor)
{
	struct buf text = BUF_INIT;
	for (const char *a = anchor; *a; a++) {
		if (a[0] == '%' && hexval(a[1]) >= 0 && hexval(a[2]) >= 0) {
			buf_putc(&text, (char)(hexval(a[1]) * 16 + hexval(a[2])));
			a += 2;
		} else {
			buf_putc(&text, *a);
		}
	}
	char *id = slug_make(buf_cstr(&text));
	char *hint = NULL;
	long gh;
	if (*id && strcmp(id, anchor) && has_heading(p, id))
		hint = xasprintf(": did you mean '%s'? (ids are lower case, with '-' between words)", id);
	else
		for (int gitlab = 0; gitlab < 2 && !hint; gitlab++)
			if ((gh = github_heading(p, buf_cstr(&text), gitlab)) >= 0)
				hint = xasprintf(": did you mean '%s'? (%s gives that heading this id; quire's are "
						 "lower case, with '-' between words)",
						 p->headings[gh].id, gitlab ? "GitLab" : "GitHub");
	if (!hint)
		hint = near_heading(p, *id ? id : anchor);
	buf_free(&text);
	free(id);
	return hint ? hint : xstrdup("");
}

/* Decodes %XX and normalises "." and ".." against the folder dir (inside
 * content/).  Returns a new string, or NULL when the path climbs out of
 * content/ or decodes to something no file can be called. */
static char *normalise(const char *dir, const char *path, size_t n)
{
	struct buf raw = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (path[i] == '%' && i + 2 < n && hexval(path[i + 1]) >= 0 && hexval(path[i + 2]) >= 0) {
			char c = (char)(hexval(path[i + 1]) * 16 + hexval(path[i + 2]));
			if (c == '\0' || c == '\\') {
				buf_free(&raw);
				return NULL;
			}
			buf_putc(&raw, c);
			i += 2;
		} else if (path[i] == '\\') {
			buf_free(&raw);
			return NULL;
		} else {
			buf_putc(&raw, path[i]);
		}
	}
	struct buf full = BUF_INIT;
	if (*dir) {
		buf_puts(&full, dir);
		buf_putc(&full, '/');
	}
	buf_puts(&full, buf_cstr(&raw));
	buf_free(&raw);

	char **parts = NULL;
	size_t np = 0, cap = 0;
	int ok = 1;
	char *save = NULL;
	char *tok = strtok_r(full.ptr, "/", &save);
	for (; tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			if (!np) {
				ok = 0;
				break;
			}
			np--;
			continue;
		}
		if (np == cap) {
			cap = cap ? cap * 2 : 8;
			parts = xrealloc(parts, cap * sizeof *parts);
		}
		parts[np++] = tok;
	}
	struct buf out = BUF_INIT;
	for (size_t i = 0; ok && i < np; i++) {
		if (i)
			buf_putc(&out, '/');
		buf_puts(&out, parts[i]);
	}
	free(parts);
	buf_free(&full);
	if (!ok) {
		buf_free(&out);
		return NULL;
	}
	return buf_detach(&out);
}

/* rel's place in the site's assets (sorted), or -1. */
static long asset_index(const struct site *s, const char *rel)
{
	size_t lo = 0, hi = s->nassets;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->assets[mid], rel);
		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int is_asset(const struct site *s, const char *rel)
{
	return asset_index(s, rel) >= 0;
}

static void link_to_page(struct links_ctx *c, int t, const char *anchor, int line, int col,
			 struct md_link_result *res)
{
	const struct page *tp = c->site->pages[t];
	if (not_yet(c, t)) {
		res->unlink = 1;
		return;
	}
	char *then = NULL;
	if (anchor && *anchor && !has_heading(tp, anchor)) {
		char *hint = hints(c) ? anchor_hint(tp, anchor) : xstrdup("");
		char *msg = xasprintf("'%s' has no heading with the id '%s'%s", tp->src ? tp->src : tp->key,
				      anchor, hint);
		problem(c, line, col, "%s%s", msg, NULL);
		free(msg);
		free(hint);
		/* a past version's reader is led where its writer pointed: to
		 * the article as it read then, when that had the heading */
		if (c->past && c->heading_then) {
			c->rev_bound = 1;
			then = c->heading_then(c->title_ctx, t, c->rev_order, anchor, c->rev, c->heads_used);
		}
	}
	char *rel = site_rel_url(c->out_path, then ? then : tp->out);
	free(then);
	then = NULL;
	if (anchor && *anchor) {
		struct buf h = BUF_INIT;
		buf_puts(&h, rel);
		buf_putc(&h, '#');
		buf_puts(&h, anchor);
		res->href = buf_detach(&h);
	} else {
		res->href = xstrdup(rel);
	}
	free(rel);
	if (c->past && c->want_title && c->title_then) {
		c->rev_bound = 1;
		then = c->title_then(c->title_ctx, t, c->rev_order);
	}
	res->title = then ? then : xstrdup(page_title(tp));
	add_target(c, t);
	if (c->sig)
		push_int(&c->sig->pages, t);
}

static int find_key_nocase(const struct links_ctx *c, const char *key);

/* [[hr/leave]]: a wiki link naming its article by its path in content/
 * (any case, without .md; a section by its folder), which is how an
 * editor picks one of two articles sharing a name.  -1 if it names none. */
static int wiki_path(struct links_ctx *c, const char *name)
{
	if (!strchr(name, '/'))
		return -1;
	name += strspn(name, "/"); /* [[/leave]]: content/leave.md */
	const char *slash = strrchr(name, '/'), *base = slash ? slash + 1 : name;
	if (!*base)
		return -1;
	if (c->sig) { /* the answer changes with a page of that name */
		char *low = links_fold(base);
		sig_name(c->sig, str_hash(low, strlen(low)));
		free(low);
	}
	int t = find_key_nocase(c, name);
	if (t < 0) {
		char *idx = xasprintf("%s/index", name);
		t = find_key_nocase(c, idx);
		free(idx);
	}
	return t;
}

/* [[#steps]]: a heading of this page, shown by its text; [[]] names
 * nothing. */
static void resolve_wiki_here(struct links_ctx *c, const char *anchor, int line, int col,
			      struct md_link_result *res)
{
	if (!anchor || !*anchor) {
		problem(c, line, col, "wiki link [[%s]] names no article: write an article's file name or title "
			"between the brackets%s", anchor ? "#" : "", NULL);
		if (c->past)
			res->unlink = 1;
		return;
	}
	if (!here_has(c, anchor)) {
		char *hint = hints(c) ? anchor_hint(c->page, anchor) : xstrdup("");
		char *what = xasprintf("#%s", anchor);
		problem(c, line, col, "wiki link [[%s]]: this page has no heading with that id%s", what, hint);
		free(what);
		free(hint);
		if (c->past)
			res->unlink = 1;
		return;
	}
	res->href = xasprintf("#%s%s", c->anchor_prefix ? c->anchor_prefix : "", anchor);
	const struct heading *h = own_heading(c, anchor);
	res->title = xstrdup(h && h->text ? h->text : anchor);
}

/* Whether each of the pages today titled key (folded) held that title
 * when the past version took effect (and so what the link meant); 1
 * for today's page. */
static int held_by_all(struct links_ctx *c, const char *key, const struct name_slot *hits)
{
	if (!c->past || !c->held_title)
		return 1;
	c->rev_bound = 1;
	for (size_t i = 0; i < hits->n; i++)
		if (!c->held_title(c->title_ctx, hits->pages[i], key, c->rev_order))
			return 0;
	return 1;
}

/* For a past version: the one page that held the title key (folded)
 * when the version took effect, though it may have dropped it since, or
 * -1 (none, or two, which is as ambiguous as two today).  Every page
 * that ever had the title is among the lookups noted: a change to any
 * can answer otherwise. */
static int held_then(struct links_ctx *c, const char *key)
{
	if (!c->past || !c->titled_then || !c->held_title)
		return -1;
	const int *v;
	size_t n = c->titled_then(c->title_ctx, key, &v);
	int found = -1, two = 0;
	c->rev_bound = 1;
	for (size_t i = 0; i < n; i++) {
		if (c->sig)
			push_int(&c->sig->pages, v[i]);
		if (two || !c->held_title(c->title_ctx, v[i], key, c->rev_order))
			continue;
		two = found >= 0;
		found = v[i];
	}
	return two ? -1 : found;
}

static void resolve_wiki(struct links_ctx *c, const char *url, int line, int col,
			 struct md_link_result *res)
{
	const char *hash = strchr(url, '#');
	char *name = xstrndup(url, hash ? (size_t)(hash - url) : strlen(url));
	/* Trim: editors write [[ Court orders ]] too. */
	char *b = name, *e = name + strlen(name);
	while (*b == ' ')
		b++;
	while (e > b && e[-1] == ' ')
		*--e = '\0';
	size_t blen = strlen(b);
	if (blen > 3 && !strcmp(b + blen - 3, ".md"))
		b[blen - 3] = '\0';
	if (!*b) {
		resolve_wiki_here(c, hash ? hash + 1 : NULL, line, col, res);
		free(name);
		return;
	}
	char *key = links_fold(b);
	if (c->sig)
		sig_name(c->sig, str_hash(key, strlen(key)));
	const struct name_slot *hits = index_get(&c->ix->by_name, key);
	int then = 0; /* today's holders of the title did not all hold it then */
	if (!hits) {
		hits = index_get(&c->ix->by_title, key);
		then = hits && !held_by_all(c, key, hits);
		if (then)
			hits = NULL;
	}
	int at = then ? held_then(c, key) : hits ? -1 : wiki_path(c, b);
	if (at < 0 && !hits && !then && c->past)
		at = withdrawn_named(c, b);
	if (at < 0 && !hits && !then && c->past)
		at = held_then(c, key);
	if (at >= 0) {
		link_to_page(c, at, hash ? hash + 1 : NULL, line, col, res);
	} else if (!hits) {
		char *what = xasprintf("wiki link [[%s]]", b);
		const char *path = b + strspn(b, "/");
		if (reports(c) && !linked_left_out(c, line, col, what, "name:", key, "title:") &&
		    !(strchr(path, '/') && linked_left_out(c, line, col, what, "key:", path, NULL))) {
			int moved = hints(c) ? moved_by_name(c, path) : -1;
			const char *gone = moved < 0 && hints(c) ? gone_note(c, path, strlen(path), !strchr(path, '/')) : NULL;
			if (!gone && moved < 0 && hints(c))
				gone = gone_by_title(c, b);
			int hyphened = moved < 0 && !gone && hints(c) ? hyphened_name(c, path) : -1;
			int aliased = moved < 0 && hyphened < 0 && hints(c) ? alias_named(c, path) : -1;
			const char *tag = hash ? "#" : "", *anchor = hash ? hash + 1 : "";
			char *hint = moved >= 0 ? xasprintf(": did you mean [[%s%s%s]]? (git shows the article was moved there)",
							    wiki_name_of(c->ix, moved, 0), tag, anchor)
				   : gone ? xasprintf(": %s", gone)
				   : hyphened >= 0 ? xasprintf(": did you mean [[%s%s%s]]? (a file name is written as it is, "
							       "hyphens and all)", wiki_name_of(c->ix, hyphened, 0), tag, anchor)
				   : aliased >= 0 ? xasprintf(": did you mean [[%s%s%s]]? ('%s' is one of its aliases: old "
							      "addresses that lead to it, not names to link by)",
							      wiki_name_of(c->ix, aliased, 0), tag, anchor, path)
				   : hints(c) ? wiki_near_hint(c, path, hash ? hash + 1 : NULL) : xstrdup("");
			char *tail = xasprintf("%s%s", strchr(b, '/') ? ", nor an article at that path in content/" : "",
					       hint);
			problem(c, line, col, "%s matches no article (by file name or title)%s", what, tail);
			free(tail);
			free(hint);
		}
		free(what);
		if (c->past)
			res->unlink = 1;
	} else if (hits->n > 1) {
		struct buf list = BUF_INIT;
		for (size_t i = 0; i < hits->n; i++) {
			const struct page *p = c->site->pages[hits->pages[i]];
			buf_printf(&list, "%s%s", i ? ", " : "", p->src ? p->src : p->key);
		}
		/* a section by its folder: "hr", not "hr/index" */
		const char *k0 = c->site->pages[hits->pages[0]]->key;
		size_t kl = strlen(k0);
		int sec = kl > 6 && !strcmp(k0 + kl - 6, "/index");
		char *msg = xasprintf("wiki link [[%s]] is ambiguous: it matches %s; name one by its path in "
				      "content/, e.g. [[%.*s]]", b, list.ptr, (int)(sec ? kl - 6 : kl), k0);
		problem(c, line, col, "%s%s", msg, NULL);
		free(msg);
		buf_free(&list);
		if (c->past)
			res->unlink = 1;
	} else {
		link_to_page(c, hits->pages[0], hash ? hash + 1 : NULL, line, col, res);
	}
	free(key);
	free(name);
}

/* The page whose key is key but for case, or -1.  Looked up by file
 * name (a section's: its folder's), as wiki links are: a broken link
 * costs no walk over every page. */
static int find_key_nocase(const struct links_ctx *c, const char *key)
{
	const char *slash = strrchr(key, '/'), *base = slash ? slash + 1 : key;
	char *name = NULL;
	if (!strcasecmp(base, "index")) {
		if (!slash)
			return site_find(c->site, "index");
		const char *up = slash;
		while (up > key && up[-1] != '/')
			up--;
		name = xstrndup(up, (size_t)(slash - up));
	}
	char *low = links_fold(name ? name : base);
	const struct name_slot *hits = index_get(&c->ix->by_name, low);
	int found = -1;
	for (size_t i = 0; hits && i < hits->n && found < 0; i++)
		if (!strcasecmp(c->site->pages[hits->pages[i]]->key, key))
			found = hits->pages[i];
	free(low);
	free(name);
	return found;
}

/* The attachment whose name is target but for case, or NULL.  Borrowed. */
static const char *find_asset_nocase(const struct site *s, const char *target)
{
	for (size_t i = 0; i < s->nassets; i++)
		if (!strcasecmp(s->assets[i], target))
			return s->assets[i];
	return NULL;
}

/* ": {before}did you mean 'to'?{after}": the file to (relative to
 * content/, ext appended) as a link from this page, with the query and
 * anchor written after the path (rest). */
static char *suggest(const struct links_ctx *c, const char *to, const char *ext, const char *rest,
		     const char *before, const char *after)
{
	char *from = xasprintf("%s.md", c->page->key), *file = xasprintf("%s%s", to, ext);
	char *rel = site_rel_url(from, file);
	char *hint = xasprintf(": %sdid you mean '%s%s'?%s", before, rel, rest, after);
	free(rel);
	free(file);
	free(from);
	return hint;
}

/* The length of the page extension target ends with (".md" or ".html"),
 * or 0. */
static size_t page_ext(const char *target)
{
	size_t tl = strlen(target);
	return tl > 3 && !strcmp(target + tl - 3, ".md") ? 3 : tl > 5 && !strcmp(target + tl - 5, ".html") ? 5 : 0;
}

static int moved_page(const struct links_ctx *c, const char *target);

/* What name_hint's and outside_hint's suggestions add. */
static const char OTHER_FOLDER[] = " (a link is relative to the folder of the file it is in)";
static const char INSIDE_CONTENT[] = " (a link is relative to this file, inside content/)";

/* The page now at the path an article named name (a wiki link's file
 * name, or its path in content/ with a '/') was moved away from, as git
 * shows; -1 when none was, or several were. */
/* The one page whose file name is name with its spaces as hyphens
 * ([[Code of Conduct]] for Code-of-Conduct.md, as GitHub wikis link), or
 * -1. */
static int hyphened_name(const struct links_ctx *c, const char *name)
{
	if (!strchr(name, ' ') || strchr(name, '/'))
		return -1;
	char *h = xstrdup(name);
	for (char *q = h; (q = strchr(q, ' ')); q++)
		*q = '-';
	char *key = links_fold(h);
	const struct name_slot *hits = index_get(&c->ix->by_name, key);
	free(key);
	free(h);
	return hits && hits->n == 1 ? hits->pages[0] : -1;
}

/* The one page that lists name among its aliases (any case), or -1: in
 * Obsidian an alias is another name to link by. */
static int alias_named(const struct links_ctx *c, const char *name)
{
	int found = -1;
	for (size_t i = 0; i < c->site->npages; i++) {
		size_t k;
		json_t *a;
		json_array_foreach(json_object_get(c->site->pages[i]->data, "aliases"), k, a) {
			const char *al = json_string_value(a);
			if (!al || strcasecmp(al, name))
				continue;
			if (found >= 0 && found != (int)i)
				return -1;
			found = (int)i;
		}
	}
	return found;
}

static int moved_by_name(const struct links_ctx *c, const char *name)
{
	int found = -1;
	size_t nl = strlen(name);
	for (size_t k = 0; k < c->nmoved; k++) {
		const char *from = c->moved_from[k], *to = c->moved_to[k];
		size_t fl = strlen(from), tl = strlen(to);
		if (fl < 11 || tl < 11 || strncmp(from, "content/", 8) || strncmp(to, "content/", 8))
			continue;
		/* content/KEY.md: its KEY for a path, its file name for a name */
		const char *key = from + 8, *slash = memrchr(key, '/', fl - 11);
		const char *cmp = strchr(name, '/') || !slash ? key : slash + 1;
		if ((size_t)(from + fl - 3 - cmp) != nl || strncasecmp(cmp, name, nl))
			continue;
		char *now = xstrndup(to + 8, tl - 11);
		int t = site_find(c->site, now);
		free(now);
		if (t < 0 || (found >= 0 && found != t))
			return -1;
		found = t;
	}
	return found;
}

/* Whether url (a link with no scheme that finds nothing) reads as a web
 * site's name: "acas.org.uk", "gov.uk/acas-code": its first segment is
 * dotted names ending in a top-level domain people write. */
static int looks_like_host(const char *url)
{
	static const char *const tlds[] = { "com", "org", "net", "uk", "gov", "eu", "edu" };
	size_t n = strcspn(url, "/?#");
	const char *dot = NULL;
	for (size_t i = 0; i < n; i++) {
		if (url[i] == '.')
			dot = url + i;
		else if (!isalnum((unsigned char)url[i]) && url[i] != '-')
			return 0;
	}
	if (!dot || dot == url || dot + 1 == url + n)
		return 0;
	for (size_t k = 0; k < sizeof tlds / sizeof *tlds; k++)
		if ((size_t)(url + n - dot - 1) == strlen(tlds[k]) && !strncasecmp(dot + 1, tlds[k], strlen(tlds[k])))
			return 1;
	return 0;
}

/* ": did you mean '../reference/leave.md'?" when the file name the link
 * ends with is one page's alone (or one attachment's), in another folder:
 * a link is relative to the file it is in, and "reference/leave.md" from
 * content/policy/ names content/policy/reference/leave.md.  NULL when no
 * page or several have that name. */
static char *name_hint(const struct links_ctx *c, const char *target, const char *rest)
{
	const char *slash = strrchr(target, '/'), *base = slash ? slash + 1 : target;
	size_t bl = strlen(base), cut = page_ext(base);
	if (!bl)
		return NULL;
	if (cut) {
		char *name = xstrndup(base, bl - cut), *low = links_fold(name);
		const struct name_slot *hits = index_get(&c->ix->by_name, low);
		free(low);
		free(name);
		if (!hits || hits->n != 1 || !c->site->pages[hits->pages[0]]->src)
			return NULL;
		return suggest(c, c->site->pages[hits->pages[0]]->key, base + bl - cut, rest, "",
			       OTHER_FOLDER);
	}
	const char *found = NULL;
	for (size_t a = 0; a < c->site->nassets; a++) {
		const char *as = strrchr(c->site->assets[a], '/');
		if (strcmp(as ? as + 1 : c->site->assets[a], base))
			continue;
		if (found)
			return NULL;
		found = c->site->assets[a];
	}
	return found ? suggest(c, found, "", rest, "", OTHER_FOLDER)
		     : NULL;
}

static int page_of_file(const struct site *s, const char *target, const char **ext);

/* ": did you mean '../reference/leave.md'?" for a link that leaves
 * content/ to come back into it ("../../content/reference/leave.md", as
 * GitHub reads the repository): what follows its last "content/", when
 * that names a page or an attachment.  NULL otherwise. */
static char *outside_hint(const struct links_ctx *c, const char *url, size_t plen)
{
	const char *in = NULL;
	for (const char *p = url; (p = strstr(p, "content/")) && p < url + plen; p++)
		if (p == url || p[-1] == '/')
			in = p + 8;
	if (!in)
		return NULL;
	char *path = xstrndup(in, (size_t)(url + plen - in));
	const char *ext = NULL;
	int t = page_of_file(c->site, path, &ext);
	char *hint = t >= 0 ? suggest(c, c->site->pages[t]->key, ext, url + plen, "", INSIDE_CONTENT)
		   : is_asset(c->site, path) ? suggest(c, path, "", url + plen, "", INSIDE_CONTENT)
		   : NULL;
	free(path);
	return hint;
}

/* target is the path resolved inside content/, rest the query and anchor
 * after it. */
static char *file_hint(const struct links_ctx *c, const char *target, const char *rest);

/* What a link that finds nothing was probably meant to be, as the end of
 * its message, or NULL: a file or page of the site (file_hint) first,
 * then a web or e-mail address written without its scheme (not for an
 * image: "logo@2x.png" is a file). */
static char *target_hint(const struct links_ctx *c, const char *url, const char *target, const char *rest,
			 int is_image)
{
	if (!strncasecmp(url, "www.", 4))
		return xasprintf(": a link to a website starts with https://, e.g. 'https://%s'", url);
	char *h = file_hint(c, target, rest);
	if (h)
		return h;
	if (!strncasecmp(url, "https//", 7) || !strncasecmp(url, "http//", 6)) {
		size_t sl = strcspn(url, "/");
		return xasprintf(": did you mean '%.*s:%s'?", (int)sl, url, url + sl);
	}
	if (!is_image && strchr(url, '@') && !strchr(url, '/'))
		return xasprintf(": an e-mail address is written 'mailto:%s'", url);
	if (!is_image && looks_like_host(url))
		return xasprintf(": a link to a website starts with https://, e.g. 'https://%s'", url);
	return NULL;
}

/* A page or file of the site the link was probably meant to name: a name
 * in the wrong case (the web server tells cases apart, the editor's
 * laptop may not), an article without .md, a folder for its index, a
 * name one slip away, the file in another folder; NULL when none. */
static char *file_hint(const struct links_ctx *c, const char *target, const char *rest)
{
	static const char case_note[] = "names are case-sensitive; ";
	size_t tl = strlen(target), cut = page_ext(target);
	const char *ext = cut ? target + tl - cut : NULL;
	if (ext) {
		char *key = xstrndup(target, tl - strlen(ext));
		int t = find_key_nocase(c, key);
		free(key);
		if (t >= 0)
			return suggest(c, c->site->pages[t]->key, ext, rest, case_note, "");
		char *near = path_near_hint(c, target, strlen(ext), rest);
		return near ? near : name_hint(c, target, rest);
	}
	int t = find_key_nocase(c, target);
	if (t < 0) {
		char *index = xasprintf("%s/index", target);
		t = find_key_nocase(c, index);
		free(index);
	}
	if (t >= 0)
		return suggest(c, c->site->pages[t]->key, ".md", rest, "", " (a link names the article's file, with .md)");
	const char *asset = find_asset_nocase(c->site, target);
	if (asset)
		return suggest(c, asset, "", rest, case_note, "");
	char *near = path_near_hint(c, target, 0, rest);
	return near ? near : name_hint(c, target, rest);
}

/* The page a path inside content/ names (its .md or .html file), or -1;
 * *ext (when not NULL) is that extension. */
static int page_of_file(const struct site *s, const char *target, const char **ext)
{
	size_t tl = strlen(target), cut = page_ext(target);
	if (!cut)
		return -1;
	char *key = xstrndup(target, tl - cut);
	int t = site_find(s, key);
	free(key);
	if (ext)
		*ext = target + tl - cut;
	return t;
}

/* ": did you mean '../x.md'?" for a link written from the site's root
 * ("/x.md", or "/content/x.md" as GitHub reads a link in a repository)
 * when that names a page or file, or one but for case or .md; else "". */
static char *root_hint(const struct links_ctx *c, const char *url)
{
	size_t plen = strcspn(url, "?#");
	const char *p = url + 1;
	size_t n = plen - 1;
	if (*p == '/')
		return xstrdup(""); /* ("//host/x" names another site) */
	if (n > 8 && !strncmp(p, "content/", 8)) {
		p += 8;
		n -= 8;
	}
	char *target = normalise("", p, n), *hint = NULL;
	if (target && *target) {
		const char *ext;
		int t = page_of_file(c->site, target, &ext);
		if (t >= 0)
			hint = suggest(c, c->site->pages[t]->key, ext, url + plen, "", "");
		else if (is_asset(c->site, target))
			hint = suggest(c, target, "", url + plen, "", "");
		else
			hint = target_hint(c, url, target, url + plen, 0);
	}
	free(target);
	return hint ? hint : xstrdup("");
}

long links_asset_of(const struct site *s, const char *dir, const char *url, int wiki)
{
	if (wiki || !*url || url[0] == '#' || url[0] == '/' || has_scheme(url))
		return -1;
	char *target = normalise(dir, url, strcspn(url, "?#"));
	long i = target && *target ? asset_index(s, target) : -1;
	free(target);
	return i;
}

int links_is_external(const char *url, int is_image)
{
	return !is_image && url[0] != '#' && has_scheme(url) && web_address(url);
}

/* The page an article moved away from target (inside content/, .md or
 * .html) is now, or -1. */
static int moved_page(const struct links_ctx *c, const char *target)
{
	size_t tl = strlen(target), cut = page_ext(target);
	if (!cut || !c->nmoved)
		return -1;
	char *from = xasprintf("content/%.*s.md", (int)(tl - cut), target);
	size_t lo = 0, hi = c->nmoved;
	int t = -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(c->moved_from[mid], from);
		if (!cmp) {
			const char *to = c->moved_to[mid];
			size_t n = strlen(to);
			if (!strncmp(to, "content/", 8) && n > 11) {
				char *key = xstrndup(to + 8, n - 11);
				t = site_find(c->site, key);
				free(key);
			}
			break;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	free(from);
	return t;
}

/* The hidden folder or file (its name starting with '.') in target, a
 * path in content/, that holds the file there: the scan skips those, so
 * the file is never published.  Its length in *n, or NULL (no such part,
 * or no such file). */
static const char *hidden_part(const struct links_ctx *c, const char *target, size_t *n)
{
	const char *p = target;
	while (*p && *p != '.')
		p = strchr(p, '/') ? strchr(p, '/') + 1 : p + strlen(p);
	if (!*p)
		return NULL;
	struct stat st;
	char *full = xasprintf("%s/content/%s", c->site->dir, target);
	int there = stat(full, &st) == 0 && S_ISREG(st.st_mode);
	free(full);
	*n = strcspn(p, "/");
	return there ? p : NULL;
}

/* Whether used (output paths and blob ids, each NUL-ended) holds out. */
static int files_noted(const struct buf *used, const char *out)
{
	for (size_t at = 0; at < used->len; at += strlen(used->ptr + at) + 1 + 41)
		if (!strcmp(used->ptr + at, out))
			return 1;
	return 0;
}

/* A past version's link to an attachment: the file as it was committed
 * with the version (pastfiles.h), or text when there was none. */
static void past_attachment(struct links_ctx *c, const char *target, struct md_link_result *res)
{
	char blob[41];
	char *out = past_files_at(c->files, c->rev, target, blob);
	c->rev_bound = 1;
	if (!out) {
		res->unlink = 1;
		return;
	}
	res->href = site_rel_url(c->out_path, out);
	if (c->files_used && !files_noted(c->files_used, out)) {
		buf_put(c->files_used, out, strlen(out) + 1);
		buf_put(c->files_used, blob, 41);
	}
	free(out);
}

void links_resolve(void *ctx, const char *url, int wiki, int is_image,
		   int line, int col, struct md_link_result *res)
{
	struct links_ctx *c = ctx;
	c->want_title = wiki == MD_WIKI_TITLED;
	if (wiki) {
		resolve_wiki(c, url, line, col, res);
		return;
	}
	if (!*url)
		return;
	if (url[0] == '#') {
		if (!here_has(c, url + 1)) {
			char *hint = hints(c) ? anchor_hint(c->page, url + 1) : xstrdup("");
			problem(c, line, col, "this page has no heading with the id '%s'%s", url + 1, hint);
			free(hint);
		} else if (c->anchor_prefix)
			res->href = xasprintf("#%s%s", c->anchor_prefix, url + 1);
		return;
	}
	if (has_scheme(url)) {
		res->external = links_is_external(url, is_image);
		if (reports(c) && !is_image)
			scheme_warning(c, url, line, col);
		if (!is_image && dropped_scheme(c, url))
			res->unlink = 1; /* (not an empty link to click) */
		return;
	}
	if (url[0] == '/') {
		char *hint = hints(c) ? root_hint(c, url) : NULL;
		problem(c, line, col, "link '%s' starts with '/': write it relative to this file so the site works from any folder%s", url, hint);
		free(hint);
		if (c->past)
			res->unlink = 1;
		return;
	}
	size_t plen = strcspn(url, "?#");
	const char *anchor = url[plen] == '#' ? url + plen + 1 : (strchr(url, '#') ? strchr(url, '#') + 1 : NULL);
	char *target = normalise(c->dir ? c->dir : c->page->dir, url, plen);
	if (!target) {
		char *hint = hints(c) ? outside_hint(c, url, plen) : NULL;
		problem(c, line, col, "link '%s' points outside content/%s", url, hint);
		free(hint);
		if (c->past)
			res->unlink = 1;
		return;
	}
	int t = page_of_file(c->site, target, NULL);
	if (t >= 0 && not_yet(c, t))
		t = -1; /* (the article that had the name then may have moved) */
	if (t < 0 && c->past)
		t = moved_page(c, target);
	if (t >= 0) {
		link_to_page(c, t, anchor, line, col, res);
	} else if (c->files && c->rev && *target && !page_ext(target) && scan_source_path(target)) {
		past_attachment(c, target, res);
	} else if (*target && is_asset(c->site, target)) {
		char *to = xstrdup(target);
		res->href = site_rel_url(c->out_path, to);
		free(to);
	} else if (!*target && !plen) {
		/* "?x" or "" — nothing to check */
	} else {
		size_t tl2 = strlen(target);
		char *key = xstrndup(target, tl2 > 3 && !strcmp(target + tl2 - 3, ".md") ? tl2 - 3 : tl2);
		char *what = xasprintf("link to '%s'", url);
		size_t hn;
		int left_out = linked_left_out(c, line, col, what, "key:", key, NULL);
		const char *hidden = left_out || !reports(c) ? NULL : hidden_part(c, target, &hn);
		if (hidden && hidden[hn]) {
			char *folder = xstrndup(hidden, hn);
			problem(c, line, col, "link target '%s' is in a hidden folder ('%s'), which quire does not "
					      "publish: move the file to a folder whose name does not start with '.'",
				url, folder);
			free(folder);
		} else if (hidden) {
			problem(c, line, col, "link target '%s' is a hidden file, which quire does not publish: rename "
					      "it without the leading '.'%s", url, NULL);
		} else if (!left_out) {
			int moved = hints(c) ? moved_page(c, target) : -1;
			const char *ext = target + tl2 - page_ext(target);
			size_t cut = page_ext(target);
			const char *gone = moved < 0 && cut && hints(c) ? gone_note(c, target, tl2 - cut, 0) : NULL;
			char *hint = moved >= 0 ? suggest(c, c->site->pages[moved]->key, ext, url + plen, "",
							  " (git shows the article was moved there)")
				   : gone ? xasprintf(": %s", gone)
				   : hints(c) ? target_hint(c, url, target, url + plen, is_image) : NULL;
			problem(c, line, col, "link target '%s' does not exist%s", url, hint);
			free(hint);
		}
		free(what);
		free(key);
		if (c->past)
			res->unlink = 1;
	}
	free(target);
}

void links_note(struct cache_keybuf *kb, const char *url, int wiki, int is_image,
		const struct md_link_result *res, int target)
{
	cache_key_str(kb, url);
	cache_key_int(kb, wiki);
	cache_key_int(kb, is_image);
	cache_key_str(kb, res->href);
	cache_key_str(kb, wiki == MD_WIKI_TITLED ? res->title : NULL);
	cache_key_int(kb, res->external);
	cache_key_int(kb, res->unlink);
	cache_key_int(kb, target);
}

int links_digest(struct links_ctx *c, const struct rawlink *ls, size_t n, int targets,
		 struct cache_keybuf *kb)
{
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		int problems = c->d ? diag_errors(c->d) + diag_warnings(c->d) : 0;
		size_t before = c->ntargets;
		struct md_link_result res = { 0 };
		links_resolve(c, ls[i].url, ls[i].wiki, ls[i].is_image, ls[i].line, ls[i].col, &res);
		int t = targets && c->ntargets > before ? c->targets[c->ntargets - 1] : -1;
		links_note(kb, ls[i].url, ls[i].wiki, ls[i].is_image, &res, t);
		if (c->d && diag_errors(c->d) + diag_warnings(c->d) != problems)
			rc = -1;
		free(res.href);
		free(res.title);
	}
	cache_key_int(kb, (long long)n);
	free(c->targets);
	c->targets = NULL;
	c->ntargets = c->cap = 0;
	return rc;
}

int links_every(const struct page *p, const int *v, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (!p->nlinks_to || !bsearch(&v[k], p->links_to, p->nlinks_to, sizeof *v, cmp_int))
			return 0;
	return n > 0;
}

void links_finish(struct links_ctx *c, struct page *p)
{
	size_t m = sort_unique(c->targets, c->ntargets), n = 0;
	for (size_t i = 0; i < m; i++)
		if (c->site->pages[c->targets[i]] != p)
			c->targets[n++] = c->targets[i];
	free(p->links_to);
	p->links_to = c->targets;
	p->nlinks_to = n;
	c->targets = NULL;
	c->ntargets = c->cap = 0;
}

struct scored {
	int page, score, rank;
};

/* Most shared tags first, then by title (rank: see title_ranks). */
static int cmp_scored(const struct scored *x, const struct scored *y)
{
	if (x->score != y->score)
		return y->score - x->score;
	return x->rank - y->rank;
}

static int cmp_title(const void *a, const void *b, void *ctx)
{
	const char *const *title = ctx;
	int x = *(const int *)a, y = *(const int *)b;
	int c = strcmp(title[x], title[y]);
	return c ? c : x - y;
}

/* Each page's place in title order (page order among equal titles): a
 * candidate is compared with the best so far thousands of times per page,
 * by one integer instead of two titles. */
static int *title_ranks(const struct site *s)
{
	size_t n = s->npages;
	const char **title = xcalloc(n ? n : 1, sizeof *title);
	int *order = xcalloc(n ? n : 1, sizeof *order);
	int *rank = xcalloc(n ? n : 1, sizeof *rank);
	for (size_t k = 0; k < n; k++) {
		title[k] = page_title(s->pages[k]);
		order[k] = (int)k;
	}
	qsort_r(order, n, sizeof *order, cmp_title, title);
	for (size_t r = 0; r < n; r++)
		rank[order[r]] = (int)r;
	free(order);
	free(title);
	return rank;
}

#define RELATED_CHUNK 256

struct related_job {
	size_t n, max;
	const int *only;        /* NULL: every page; else the pages to work out */
	size_t nonly;
	int **mytags;           /* per page: its tags (indices into bytag) */
	const size_t *nmytags;
	const struct links_list *bytag;
	const int *rank;
	const struct site *site;
	struct links_list *related; /* out, per page */
};

/* The related pages of one chunk of pages, with its own scratch. */
static void related_chunk(void *ctx, size_t c)
{
	const struct related_job *rj = ctx;
	size_t n = rj->n, todo = rj->only ? rj->nonly : n;
	size_t end = (c + 1) * RELATED_CHUNK < todo ? (c + 1) * RELATED_CHUNK : todo;
	int *score = xcalloc(n, sizeof *score);
	int *touched = xcalloc(n, sizeof *touched);
	struct scored best[16];
	for (size_t at = c * RELATED_CHUNK; at < end; at++) {
		size_t i = rj->only ? (size_t)rj->only[at] : at, nt = 0, nb = 0;
		for (size_t q = 0; q < rj->nmytags[i]; q++) {
			const struct links_list *l = &rj->bytag[rj->mytags[i][q]];
			for (size_t j = 0; j < l->n; j++) {
				int k = l->v[j];
				if (k != (int)i && !score[k]++)
					touched[nt++] = k;
			}
		}
		/* Keep the best few by insertion: far cheaper than sorting
		 * thousands of candidates for every page. */
		for (size_t m = 0; m < nt; m++) {
			int k = touched[m];
			struct scored cand = { k, score[k], rj->rank[k] };
			score[k] = 0;
			if (nb == rj->max && cmp_scored(&cand, &best[nb - 1]) >= 0)
				continue;
			size_t pos = nb < rj->max ? nb++ : nb - 1;
			while (pos > 0 && cmp_scored(&cand, &best[pos - 1]) < 0) {
				best[pos] = best[pos - 1];
				pos--;
			}
			best[pos] = cand;
		}
		for (size_t m = 0; m < nb; m++)
			push_int(&rj->related[i], best[m].page);
	}
	free(score);
	free(touched);
}

/* Related pages are made of nothing but each page's kind, title and tags
 * (in page order).  The cache keeps them with what they were made from,
 * a record per page: an edit that changes none of that, the usual one,
 * finds them all; a title edit works out again only the pages that share
 * a tag with a retitled page (it moved in their candidates' order, and in
 * no other page's) and whose lists it is in or would now enter
 * (retitled_reach); any other change, every page. */
struct related_rec {
	uint64_t key, shape, title; /* hashes: its key; kind and tags; title */
};

static void related_recs(const struct site *s, struct related_rec *r)
{
	for (size_t k = 0; k < s->npages; k++) {
		const struct page *p = s->pages[k];
		json_t *tags = json_object_get(p->data, "tags");
		struct cache_keybuf kb;
		cache_key_begin(NULL, &kb, "related-shape");
		cache_key_int(&kb, p->kind);
		if (tags)
			cache_key_json(&kb, tags);
		else
			cache_key_int(&kb, -1);
		struct cache_key sk = cache_key_end(&kb);
		const char *t = page_title(p) ? page_title(p) : "";
		r[k] = (struct related_rec){ str_hash(p->key, strlen(p->key)), sk.h[0] ^ sk.h[1],
					     str_hash(t, strlen(t)) };
	}
}

static struct cache_key related_key(struct cache *c, size_t max)
{
	struct cache_keybuf kb;
	cache_key_begin(c, &kb, "related-2");
	cache_key_int(&kb, (long long)max);
	return cache_key_end(&kb);
}

/* The related pages cached for the same pages with the same kinds and
 * tags (rec), in g, with retitled[k] set for the pages whose title
 * changed since.  Returns how many, or -1 (g left empty). */
static long related_get(struct cache *c, const struct cache_key *k, struct links_graph *g,
			size_t n, size_t max, const struct related_rec *rec, unsigned char *retitled)
{
	char *data;
	size_t len;
	long changed = 0;
	if (!cache_get(c, k, &data, &len))
		return -1;
	struct cache_reader rd = { .p = data, .len = len };
	int bad = cache_r_u32(&rd) != n;
	for (size_t i = 0; !bad && i < n; i++) {
		struct related_rec was;
		was.key = cache_r_u64(&rd);
		was.shape = cache_r_u64(&rd);
		was.title = cache_r_u64(&rd);
		bad = rd.bad || was.key != rec[i].key || was.shape != rec[i].shape;
		retitled[i] = was.title != rec[i].title;
		changed += retitled[i];
	}
	for (size_t i = 0; !bad && i < n; i++) {
		uint32_t m = cache_r_u32(&rd);
		bad = m > max;
		for (uint32_t j = 0; !bad && j < m; j++) {
			uint32_t v = cache_r_u32(&rd);
			bad = rd.bad || v >= n || v == i;
			if (!bad)
				push_int(&g->related[i], (int)v);
		}
	}
	bad |= rd.bad || rd.off != len;
	free(data);
	if (bad)
		for (size_t i = 0; i < n; i++) {
			free(g->related[i].v);
			g->related[i] = (struct links_list){ NULL, 0 };
		}
	return bad ? -1 : changed;
}

static void related_put(struct cache *c, const struct cache_key *k, const struct links_graph *g, size_t n,
			const struct related_rec *rec)
{
	struct buf b = BUF_INIT;
	cache_w_u32(&b, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		cache_w_u64(&b, rec[i].key);
		cache_w_u64(&b, rec[i].shape);
		cache_w_u64(&b, rec[i].title);
	}
	for (size_t i = 0; i < n; i++) {
		cache_w_u32(&b, (uint32_t)g->related[i].n);
		for (size_t j = 0; j < g->related[i].n; j++)
			cache_w_u32(&b, (uint32_t)g->related[i].v[j]);
	}
	cache_put(c, k, b.ptr, b.len);
	buf_free(&b);
}

/* How many tags pages a and b share. */
static int shared_tags(const struct related_job *rj, int a, int b)
{
	int n = 0;
	for (size_t x = 0; x < rj->nmytags[a]; x++)
		for (size_t y = 0; y < rj->nmytags[b]; y++)
			n += rj->mytags[a][x] == rj->mytags[b][y];
	return n;
}

/* Whether page i's related pages (its cached list l) may change now that
 * page t has a new title: only if t is among them, or would now beat
 * the last of a full list (with the same tags shared, by title).  The
 * order of the other candidates, all titled as before, stays. */
static int retitle_reaches(const struct related_job *rj, int i, int t, const struct links_list *l)
{
	if (!rj->max)
		return 0;
	for (size_t k = 0; k < l->n; k++)
		if (l->v[k] == t)
			return 1;
	if (l->n < rj->max)
		return 1; /* (t would be in it already: it was worked out otherwise) */
	int last = l->v[l->n - 1];
	struct scored cand = { t, shared_tags(rj, i, t), rj->rank[t] };
	struct scored was = { last, shared_tags(rj, i, last), rj->rank[last] };
	return cmp_scored(&cand, &was) < 0;
}

/* The pages to work out again after the pages marked in retitled got new
 * titles: of the pages sharing a tag with one (its candidates), those
 * whose related pages it may now enter, leave or move in (a new array).
 * The retitled page's own list does not change: its candidates' titles
 * did not. */
static int *retitled_reach(const struct related_job *rj, const unsigned char *retitled, size_t ntags,
			   const struct links_list *cached, size_t *nonly)
{
	size_t n = rj->n, m = 0, nr = 0;
	unsigned char *mark = xcalloc(ntags + 1, 1);
	int *r = xmalloc((n + 1) * sizeof *r);
	for (size_t i = 0; i < n; i++)
		if (retitled[i])
			r[nr++] = (int)i;
	for (size_t k = 0; k < nr; k++)
		for (size_t q = 0; q < rj->nmytags[r[k]]; q++)
			mark[rj->mytags[r[k]][q]] = 1;
	int *only = xmalloc((n + 1) * sizeof *only);
	for (size_t i = 0; i < n; i++) {
		int near = 0, hit = 0;
		for (size_t q = 0; !near && q < rj->nmytags[i]; q++)
			near = mark[rj->mytags[i][q]];
		/* (a candidate shares a tag and is an article: see bytag) */
		for (size_t k = 0; near && !hit && k < nr; k++)
			hit = r[k] != (int)i && rj->site->pages[r[k]]->kind == PAGE_ARTICLE && shared_tags(rj, (int)i, r[k]) &&
			      retitle_reaches(rj, (int)i, r[k], &cached[i]);
		if (hit)
			only[m++] = (int)i;
	}
	free(r);
	free(mark);
	*nonly = m;
	return only;
}

/* Backlinks invert every page's links_to in one pass; related pages come
 * from a tag → pages index, so the work grows with shared tags, not with
 * the square of the site, and is shared out in chunks of pages. */
struct links_graph *links_graph_new(const struct site *s, size_t max_related, int jobs,
				    struct cache *c)
{
	size_t n = s->npages;
	struct links_graph *g = xcalloc(1, sizeof *g);
	g->back = xcalloc(n ? n : 1, sizeof *g->back);
	g->related = xcalloc(n ? n : 1, sizeof *g->related);
	g->n = n;
	for (size_t k = 0; k < n; k++)
		for (size_t j = 0; j < s->pages[k]->nlinks_to; j++)
			push_int(&g->back[s->pages[k]->links_to[j]], (int)k);
	if (max_related > 16)
		max_related = 16;
	struct cache_key rk;
	struct related_rec *rec = NULL;
	unsigned char *retitled = NULL;
	long got = -1;
	if (c) {
		rec = xmalloc((n + 1) * sizeof *rec);
		retitled = xcalloc(n + 1, 1);
		related_recs(s, rec);
		rk = related_key(c, max_related);
		got = related_get(c, &rk, g, n, max_related, rec, retitled);
		if (got == 0) {
			free(rec);
			free(retitled);
			return g;
		}
	}

	/* tag → index into lists: pages carrying that tag, in page order. */
	json_t *tagix = json_object();
	struct links_list *bytag = NULL;
	size_t ntags = 0;
	int **mytags = xcalloc(n ? n : 1, sizeof *mytags);
	size_t *nmytags = xcalloc(n ? n : 1, sizeof *nmytags);
	for (size_t k = 0; k < n; k++) {
		size_t t;
		json_t *tag;
		json_array_foreach(json_object_get(s->pages[k]->data, "tags"), t, tag) {
			json_t *ix = json_object_get(tagix, json_string_value(tag));
			if (!ix) {
				ix = json_integer((json_int_t)ntags);
				json_object_set_new(tagix, json_string_value(tag), ix);
				bytag = xrealloc(bytag, (ntags + 1) * sizeof *bytag);
				bytag[ntags++] = (struct links_list){ NULL, 0 };
			}
			int ti = (int)json_integer_value(ix);
			int dup = 0;
			for (size_t q = 0; q < nmytags[k]; q++)
				dup |= mytags[k][q] == ti;
			if (dup)
				continue;
			mytags[k] = xrealloc(mytags[k], (nmytags[k] + 1) * sizeof **mytags);
			mytags[k][nmytags[k]++] = ti;
			if (s->pages[k]->kind == PAGE_ARTICLE)
				push_int(&bytag[ti], (int)k);
		}
	}
	int *rank = title_ranks(s);
	struct related_job rj = { .n = n, .max = max_related, .mytags = mytags, .nmytags = nmytags,
				  .bytag = bytag, .rank = rank, .site = s, .related = g->related };
	int *only = NULL;
	if (got > 0) {
		only = retitled_reach(&rj, retitled, ntags, g->related, &rj.nonly);
		rj.only = only;
		for (size_t k = 0; k < rj.nonly; k++) {
			struct links_list *l = &g->related[only[k]];
			free(l->v);
			*l = (struct links_list){ NULL, 0 };
		}
	}
	size_t todo = only ? rj.nonly : n;
	par_for((todo + RELATED_CHUNK - 1) / RELATED_CHUNK, jobs, related_chunk, &rj);
	for (size_t k = 0; k < n; k++)
		free(mytags[k]);
	free(only);
	free(mytags);
	free(nmytags);
	for (size_t t = 0; t < ntags; t++)
		free(bytag[t].v);
	free(bytag);
	free(rank);
	json_decref(tagix);
	if (c)
		related_put(c, &rk, g, n, rec);
	free(rec);
	free(retitled);
	return g;
}

void links_graph_free(struct links_graph *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++) {
		free(g->back[i].v);
		free(g->related[i].v);
	}
	free(g->back);
	free(g->related);
	free(g);
}
