/* build: the pipeline from a site folder to an output folder. */
#include "build.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "active.h"
#include "buf.h"
#include "cache.h"
#include "frontmatter.h"
#include "fsutil.h"
#include "history.h"
#include "hooks.h"
#include "links.h"
#include "markdown.h"
#include "newpage.h"
#include "output.h"
#include "par.h"
#include "pastfiles.h"
#include "published.h"
#include "render.h"
#include "scan.h"
#include "site.h"
#include "slug.h"
#include "sources.h"
#include "template.h"

/* Changes the build id when quire itself changes what it writes. */
#define QUIRE_BUILD_SALT "quire 0.1.0"

struct run {
	const struct build_opts *o;
	struct site site;
	struct diag *d;
	/* where link problems go: d, or (after a site hook failed, so the
	 * pages it would have added are missing) a diag nobody reads */
	struct diag *link_d;
	struct tmpl_set *tmpl;
	struct history *hist;
	struct hooks *hooks;
	struct links_index *ix;
	char *theme_dir;
	char *theme_rel;
	int jobs;
	struct cache *cache;    /* NULL: no on-disk cache */
	int cache_md;           /* phases A and B may use it (see filter_cache_open) */
	/* a site with Lua filters: the state they read in the phase at hand
	 * (hooks_filter_state), and whether phase B's is phase A's, so that
	 * both parse a page to the same tree */
	int filters;
	struct cache_key fstate;
	int fstate_same;
	int fcheck;          /* each page's filtering is checked against fstate */
	int no_fcache;       /* the build made again: none of the filters' work cached */
	atomic_int fmoved;   /* ... and one moved it */
	/* phases A and B with filters on several threads: pages are filtered
	 * in their order, as on one, so that a filter that counts or
	 * collects makes the same pages whatever -j (par_turns) */
	struct par_turns *turns;
	atomic_int a_cached; /* pages whose phase A came from the cache */
	struct cache_key env;   /* the link environment, for phase B */
	struct links_page_env *page_env; /* each page's part of it (render reads it too) */
	struct cache_key env_pages; /* the pages' keys and the assets, in order */
	/* the articles whose history ends in their deletion, and what git
	 * says of each (links_ctx.gone) */
	char **gone, **gone_note, **gone_title;
	size_t ngone;
	/* renames staged with git mv, not committed (sorted by from), and
	 * those with every committed move (hist_moves), for links' hints;
	 * the arrays are the run's, their strings the history's */
	const char **staged_from, **staged_to;
	size_t nstaged;
	const char **moves_from, **moves_to;
	size_t nmoves;
	const char **wt_deleted; /* see wt_deletions; NULL: not looked for yet */
	size_t nwt_deleted;
	int timings;            /* QUIRE_TIMINGS: print stage times */
	/* The errno (too many open files, no memory) that stopped sources
	 * being read, or 0: reported once, then the build stops. */
	atomic_int starved;
	int drop_bodies;        /* no print.html: free Markdown after phase B */
	int64_t start_ns;       /* when the build began (CLOCK_REALTIME) */
	struct sources snap;    /* the previous build's sources */
	struct buf new_sources; /* this build's, when they differ */
	/* Kept to the end (freed with the run, or by the process's end): the
	 * output paths claimed and the sources scanned, tens of thousands of
	 * blocks whose freeing was a rebuild's last few milliseconds. */
	json_t *claims;
	json_t *aliased; /* the output names aliases claimed (claim_key) -> true */
	/* the keys of pages whose output name another page claimed first:
	 * the clash waits for the on_page handlers, which may hide one of
	 * the two (settle_clashes) */
	char **clashes;
	size_t nclashes;
	struct scan_result scan;
	/* Phase B's entries, per page, put together when the phase ends:
	 * then they lie one after another in the cache, and the next build
	 * reads them through its mapping (cache_get_dense). */
	struct buf *b_entry;
	struct cache_key *b_key;
	/* ...and under its fine key (fine_key_b), when it has one: 1, put
	 * there too; 2, only kept (the entry is there already) */
	struct cache_key *b_fine;
	char *b_has_fine;
	/* Each page's fine key with the lookups its links made, kept for
	 * the next title or heading edit (see b_table_fine); the table is
	 * written when the link environment changed, b_rec per page. */
	struct links_table b_table;
	struct buf *b_rec;
	int b_write;
	/* pages whose phase A came from the cache: an earlier build may
	 * have left their phase B under its fine key */
	char *a_hit;
	size_t a_hit_n;
	atomic_int b_rendered;   /* bodies phase B rendered (QUIRE_TIMINGS) */
	atomic_int b_cached;     /* ...and took from the cache */
	int drafts_left;         /* drafts left out of this build */
	/* what earlier builds learnt of past versions, for page.history
	 * (loaded when a hook first reads one) */
	struct draft_blobs *hook_drafts;
	/* the on_page handlers as judges of past versions (judging: NULL
	 * when there are none, or with --drafts) */
	struct past_judge judge;
	const struct past_judge *judging;
	/* articles left out for their front matter, kept only to report
	 * their bodies' link problems too (check_orphans): not in the site */
	struct page **orphans;
	size_t norphans;
};

static int stopped(const struct run *r)
{
	return r->o->stop && *r->o->stop;
}

/* A source could not be read.  When the machine is out of something (file
 * descriptors, memory) every other read fails too: one message, not one per
 * file, and the build stops (see starved) rather than report the pages it
 * lost as broken links. */
static void unreadable(struct run *r, const char *path, int e)
{
	int none = 0;
	if (e != EMFILE && e != ENFILE && e != ENOMEM) {
		diag_fault(r->d, path, 0, 0, "cannot read the file: %s", strerror(e));
		return;
	}
	if (!atomic_compare_exchange_strong(&r->starved, &none, e))
		return;
	if (e == ENOMEM)
		diag_fault(r->d, path, 0, 0, "cannot read the file: %s", strerror(e));
	else
		diag_fault(r->d, path, 0, 0, "cannot read the file: %s (lower -j, or raise the limit with ulimit -n)",
			   strerror(e));
}

static int starved(struct run *r)
{
	return atomic_load(&r->starved) != 0;
}

/* ---- theme ---------------------------------------------------------- */

/* A theme's templates and assets go into every page: a symbolic link
 * among them could publish any file the build can read. */
static int theme_links(struct run *r)
{
	char **links;
	size_t n;
	fs_list_links(r->theme_dir, &links, &n);
	for (size_t i = 0; i < n; i++) {
		char *rel = xasprintf("%s/%s", r->theme_rel, links[i]);
		diag_error(r->d, rel, 0, 0, "is a symbolic link; a theme holds real files only, so that no link "
					    "can put a file from elsewhere into the site");
		free(rel);
		free(links[i]);
	}
	free(links);
	return n ? -1 : 0;
}

static int load_theme(struct run *r)
{
	r->theme_rel = xasprintf("themes/%s", r->site.cfg.theme);
	r->theme_dir = xasprintf("%s/%s", r->site.dir, r->theme_rel);
	char *tdir = xasprintf("%s/templates", r->theme_dir);
	char *trel = xasprintf("%s/templates", r->theme_rel);
	r->tmpl = tmpl_set_new();
	int rc = 0;
	if (!fs_is_dir(r->theme_dir)) {
		int line = r->site.cfg.theme_line;
		/* a new site names no theme, and may have no site.yml */
		diag_error(r->d, line ? "site.yml" : NULL, line, line ? 1 : 0,
			   "theme '%s' not found: there is no folder %s%s", r->site.cfg.theme, r->theme_rel,
			   line ? "" : " in the site; copy themes/default from quire's source (every site needs a "
				       "theme), or name another with theme: in site.yml");
		rc = -1;
	} else if (theme_links(r) < 0) {
		rc = -1;
	} else if (tmpl_set_load_dir(r->tmpl, tdir, trel, r->d) < 0) {
		rc = -1;
	} else {
		for (size_t i = 0; render_required_templates[i]; i++)
			if (!tmpl_set_has(r->tmpl, render_required_templates[i])) {
				diag_error(r->d, trel, 0, 0, "the theme has no template '%s.mustache'",
					   render_required_templates[i]);
				rc = -1;
			}
		tmpl_set_check_partials(r->tmpl, r->d);
		tmpl_set_seal(r->tmpl);
	}
	free(tdir);
	free(trel);
	return rc;
}

/* ---- pages from sources --------------------------------------------- */

static char *dirname_of(const char *rel)
{
	const char *slash = strrchr(rel, '/');
	return slash ? xstrndup(rel, (size_t)(slash - rel)) : xstrdup("");
}

static char *basename_of(const char *rel)
{
	const char *slash = strrchr(rel, '/');
	return xstrdup(slash ? slash + 1 : rel);
}

static void field_error(struct run *r, const char *path, const char *yaml, size_t ylen,
			int yline, const char *key, const char *msg)
{
	int line = yaml ? fm_key_line(yaml, ylen, yline, key) : 0;
	diag_error(r->d, path, line ? line : 1, 1, "%s", msg);
}

/* A value of key (v) that is not the text, or list of text (list), it
 * must be (must: "'title' must be text"): where YAML read a plain value
 * as a number, yes or no, or a comment, says so at that value with the
 * line to write instead; else msg at the key's line.  A value of the
 * wrong shape (a list for a title, text for tags) gets msg: quotes would
 * not mend it. */
static void text_error(struct run *r, const char *path, json_t *v, int list, const char *yaml, size_t ylen,
		       int yline, const char *key, const char *must, const char *msg)
{
	struct fm_untext u;
	int shape = list ? json_is_array(v) : !json_is_array(v) && !json_is_object(v);
	if (!yaml || !shape || fm_find_untext(yaml, ylen, yline, key, &u) < 0) {
		field_error(r, path, yaml, ylen, yline, key, msg);
		return;
	}
	if (!strcmp(u.read_as, "a comment"))
		diag_error(r->d, path, u.line, u.col,
			   "'%s' is empty: '#' starts a comment, so YAML ignores '%s': put the value in quotes: %s", key,
			   u.text, u.fix);
	else
		diag_error(r->d, path, u.line, u.col, "%s, but %s is read as %s: put it in quotes: %s", must, u.text,
			   u.read_as, u.fix);
	fm_untext_free(&u);
}

/* "front matter has no 'title'", and when it has 'Title', that keys are
 * lower case. */
static void no_title(struct run *r, const char *path, json_t *fm, const char *yaml, size_t ylen, int yline)
{
	const char *key;
	json_t *v;
	json_object_foreach(fm, key, v) {
		if (strcasecmp(key, "title"))
			continue;
		int line = yaml ? fm_key_line(yaml, ylen, yline, key) : 0;
		diag_error(r->d, path, line ? line : 1, 1,
			   "front matter has no 'title': keys are lower case, so write 'title', not '%s'", key);
		return;
	}
	diag_error(r->d, path, 1, 1, "front matter has no 'title'");
}

static int is_string_list(json_t *v)
{
	size_t i;
	json_t *x;
	if (!json_is_array(v))
		return 0;
	json_array_foreach(v, i, x) if (!json_is_string(x)) return 0;
	return 1;
}

/* 1 when a list of text holds one that is empty or only spaces. */
/* Text of nothing but spaces, tabs and line ends. */
static int blank_text(const char *s)
{
	return !s[strspn(s, " \t\r\n")];
}

static int has_blank(json_t *list)
{
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x)
		if (blank_text(json_string_value(x)))
			return 1;
	return 0;
}

/* "'title' must be text, not a list": for a value of the wrong shape,
 * which quotes would not mend (but to keep the brackets of "[Draft]");
 * else otherwise.  New string. */
static char *shape_msg(const char *key, json_t *v, const char *otherwise)
{
	if (json_is_array(v))
		return xasprintf("'%s' must be text, not a list: to keep the brackets, put the whole value in quotes", key);
	if (json_is_object(v))
		return xasprintf("'%s' must be text, not keys with values", key);
	return xstrdup(otherwise);
}

/* An item YAML reads as text written plain in a [list]: words of
 * letters, digits, '-', '_', '.' and '/', not one YAML takes for yes,
 * no or nothing. */
static int plain_item(const char *s, size_t n)
{
	static const char *const taken[] = { "true", "false", "null", "yes", "no", "on", "off" };
	for (size_t k = 0; k < sizeof taken / sizeof *taken; k++)
		if (strlen(taken[k]) == n && !strncasecmp(s, taken[k], n))
			return 0;
	if (!((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z') && (unsigned char)s[0] < 0x80)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x80 && !isalnum((unsigned char)s[i]) && !strchr(" -_./", s[i]))
			return 0;
	return 1;
}

/* "tags: hr, pay" → "tags: [hr, pay]": text (or a whole number) where a
 * list was wanted, as the list it most likely means, an item in quotes
 * where YAML would not read it as text plain.  NULL when it holds no
 * item.  New string. */
static char *list_fix(const char *key, json_t *v)
{
	char num[32];
	const char *s = json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		s = num;
	}
	struct buf b = BUF_INIT;
	int items = 0;
	buf_printf(&b, "%s: [", key);
	for (const char *p = s; p && *p; p += *p == ',') {
		size_t n = strcspn(p, ",");
		const char *t = p + strspn(p, " \t");
		size_t tn = (size_t)(p + n - t);
		while (tn && (t[tn - 1] == ' ' || t[tn - 1] == '\t'))
			tn--;
		p += n;
		if (!tn)
			continue;
		buf_puts(&b, items++ ? ", " : "");
		int plain = plain_item(t, tn);
		buf_puts(&b, plain ? "" : "\"");
		for (size_t i = 0; i < tn; i++) {
			if (!plain && (t[i] == '"' || t[i] == '\\'))
				buf_putc(&b, '\\');
			buf_putc(&b, t[i]);
		}
		buf_puts(&b, plain ? "" : "\"");
	}
	buf_putc(&b, ']');
	if (!items) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* "tags: intro hr" (Jekyll's way) → "[intro, hr]": words with no comma
 * between them, each as a tag (how many in *items_out), or NULL when s
 * is not two words or more of plain text.  New string. */
static char *words_fix(const char *s, int *items_out)
{
	if (!s || strchr(s, ','))
		return NULL;
	struct buf b = BUF_INIT;
	int items = 0;
	buf_putc(&b, '[');
	for (const char *p = s + strspn(s, " \t"); *p; p += strspn(p, " \t")) {
		size_t n = strcspn(p, " \t");
		if (!plain_item(p, n)) {
			buf_free(&b);
			return NULL;
		}
		buf_puts(&b, items++ ? ", " : "");
		buf_put(&b, p, n);
		p += n;
	}
	buf_putc(&b, ']');
	if (items < 2) {
		buf_free(&b);
		return NULL;
	}
	*items_out = items;
	return buf_detach(&b);
}

/* A list key (tags, aliases) given one value, not a list: the list
 * written right.  1 after reporting, else 0. */
static int one_value_error(struct run *r, const char *path, json_t *v, const char *yaml, size_t ylen, int yline,
			   const char *key)
{
	char *fix = list_fix(key, v);
	if (!fix)
		return 0;
	static const char *const counts[] = { "two", "three", "four", "five" };
	int n = 0;
	char *words = strcmp(key, "tags") ? NULL : words_fix(json_string_value(v), &n);
	char *more = words ? xasprintf("; for %s tags write %s", n <= 5 ? counts[n - 2] : "separate", words) : NULL;
	char *msg = xasprintf("'%s' must be a list, in brackets even for one: %s%s", key, fix, more ? more : "");
	free(more);
	field_error(r, path, yaml, ylen, yline, key, msg);
	free(msg);
	free(words);
	free(fix);
	return 1;
}

/* draft: "false" is text, as the quotes make it. */
static void draft_error(struct run *r, const char *path, json_t *v, const char *yaml, size_t ylen, int yline)
{
	const char *s = json_string_value(v);
	static const char *const yes[] = { "yes", "y", "on", "1" }, *const no[] = { "no", "n", "off", "0" };
	const char *meant = NULL;
	char num[32] = "";
	if (json_is_integer(v))
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	const char *word = s ? s : num;
	for (size_t k = 0; k < sizeof yes / sizeof *yes; k++)
		meant = !strcasecmp(word, yes[k]) ? "true" : !strcasecmp(word, no[k]) ? "false" : meant;
	char *msg = s && (!strcasecmp(s, "true") || !strcasecmp(s, "false"))
			    ? xasprintf("'draft' must be true or false, and the quotes make \"%s\" text: write draft: %s", s,
					(s[0] | 0x20) == 't' ? "true" : "false")
		    : meant ? xasprintf("'draft' must be true or false, not %s: write draft: %s", word, meant)
			    : xstrdup("'draft' must be true or false (draft: true keeps the page unpublished)");
	field_error(r, path, yaml, ylen, yline, "draft", msg);
	free(msg);
}

/* An empty "tags:" or "aliases:" (nothing to YAML) means none, as an
 * editor who emptied the list expects: the key is dropped. */
static void drop_empty_lists(json_t *fm)
{
	static const char *const lists[] = { "tags", "aliases" };
	for (size_t k = 0; k < sizeof lists / sizeof *lists; k++)
		if (json_is_null(json_object_get(fm, lists[k])))
			json_object_del(fm, lists[k]);
}

/* Checks the keys whose meaning quire fixes; every other key passes
 * through to templates and hooks as params. */
static int validate_fm(struct run *r, const char *path, json_t *fm, const char *yaml,
		       size_t ylen, int yline)
{
	int before = diag_errors(r->d);
	json_t *v;
	if (!json_is_object(fm)) {
		diag_error(r->d, path, yline, 1, "front matter must be a mapping of keys to values");
		return -1;
	}
	v = json_object_get(fm, "title");
	if (!v)
		no_title(r, path, fm, yaml, ylen, yline);
	else if (!json_is_string(v) || blank_text(json_string_value(v))) {
		char *msg = shape_msg("title", v, "'title' must be non-empty text");
		text_error(r, path, v, 0, yaml, ylen, yline, "title", "'title' must be text", msg);
		free(msg);
	}
	if ((v = json_object_get(fm, "summary")) && !json_is_string(v)) {
		char *msg = shape_msg("summary", v, "'summary' must be text");
		text_error(r, path, v, 0, yaml, ylen, yline, "summary", "'summary' must be text", msg);
		free(msg);
	} else if (v && !*json_string_value(v) && memmem(yaml, ylen, NEWPAGE_SUMMARY_TODO, strlen(NEWPAGE_SUMMARY_TODO))) {
		int line = fm_key_line(yaml, ylen, yline, "summary");
		diag_warning(r->d, path, line, 1, "the summary 'quire new' left empty is still empty: write one sentence "
			     "on what the reader will learn (lists and search results show it)");
	}
	if ((v = json_object_get(fm, "tags")) && !is_string_list(v) &&
	    !one_value_error(r, path, v, yaml, ylen, yline, "tags"))
		text_error(r, path, v, 1, yaml, ylen, yline, "tags", "'tags' must be a list of text",
			   "'tags' must be a list of text, e.g. [privacy, courts]");
	else if (v && is_string_list(v) && has_blank(v))
		field_error(r, path, yaml, ylen, yline, "tags", "'tags' holds an empty tag");
	/* each alias is checked once the hooks have had their say
	 * (claim_aliases) */
	if ((v = json_object_get(fm, "aliases")) && !is_string_list(v) &&
	    !one_value_error(r, path, v, yaml, ylen, yline, "aliases"))
		text_error(r, path, v, 1, yaml, ylen, yline, "aliases", "'aliases' must be a list of paths",
			   "'aliases' must be a list of paths");
	if ((v = json_object_get(fm, "draft")) && !json_is_boolean(v))
		draft_error(r, path, v, yaml, ylen, yline);
	if ((v = json_object_get(fm, "weight")) && !json_is_number(v))
		field_error(r, path, yaml, ylen, yline, "weight",
			    "'weight' must be a number, such as weight: 10 (a section lists lower weights first)");
	/* split_params makes params of the other keys: one written here
	 * would be lost */
	if (json_object_get(fm, "params"))
		field_error(r, path, yaml, ylen, yline, "params",
			    "'params' is made from the other keys: write 'KEY: value' at the top for params.KEY");
	if ((v = json_object_get(fm, "template"))) {
		if (!json_is_string(v))
			text_error(r, path, v, 0, yaml, ylen, yline, "template",
				   "'template' must be the name of a template", "'template' must be the name of a template");
		else if (r->tmpl && !tmpl_set_has(r->tmpl, json_string_value(v))) {
			char *msg = xasprintf("unknown template '%s': the theme has no %s/templates/%s.mustache",
					      json_string_value(v), r->theme_rel, json_string_value(v));
			field_error(r, path, yaml, ylen, yline, "template", msg);
			free(msg);
		}
	}
	return diag_errors(r->d) > before ? -1 : 0;
}

/* The front-matter keys whose meaning quire fixes. */
static const char *const fm_known[] = { "title", "summary", "tags", "draft", "weight", "aliases", "template", NULL };

/* The known key an unknown key of fm most likely misspells ("tag",
 * "Title"), when fm lacks that one, or NULL.  An unknown key is a
 * legal param, so this is for a warning only. */
static const char *misspelt(json_t *fm, const char *key)
{
	const char *near = strcmp(key, "params") ? fm_near_key(key, fm_known) : NULL;
	return near && !json_object_get(fm, near) ? near : NULL;
}

/* What quire does for a key of fm another site generator uses
 * ("description": quire's is 'summary'), unless fm has quire's key
 * too (the other may be meant for a hook), or NULL. */
static const char *foreign(json_t *fm, const char *key)
{
	const char *ours, *advice = fm_foreign_key(key, &ours);
	return advice && !(ours && json_object_get(fm, ours)) ? advice : NULL;
}

/* Warns, at its line, of each key of fm that misspells a known one or is
 * another generator's: the editor's tags would otherwise vanish into
 * params without a word. */
static void warn_misspelt(struct run *r, const char *path, json_t *fm, const char *yaml, size_t ylen, int yline)
{
	const char *key, *near, *advice;
	json_t *v;
	json_object_foreach(fm, key, v) {
		advice = foreign(fm, key);
		near = advice ? NULL : misspelt(fm, key);
		if (!advice && !near)
			continue;
		int line = fm_key_line(yaml, ylen, yline, key);
		if (advice)
			diag_warning(r->d, path, line ? line : yline, 1,
				     "'%s' is not a key quire knows: %s (other keys reach templates as params)", key, advice);
		else
			diag_warning(r->d, path, line ? line : yline, 1,
				     "'%s' is not a key quire knows: did you mean '%s'? (other keys reach templates as params)",
				     key, near);
	}
}

/* Whether fm has a key warn_misspelt warns of. */
static int has_misspelt(json_t *fm)
{
	const char *key;
	json_t *v;
	json_object_foreach(fm, key, v) if (foreign(fm, key) || misspelt(fm, key)) return 1;
	return 0;
}

/* Moves front-matter keys quire does not define into params, so templates
 * find site-specific keys in one place (DESIGN.md's data model). */
static void split_params(json_t *fm)
{
	const char *const *known = fm_known;
	json_t *params = json_object();
	const char *key;
	json_t *v;
	json_object_foreach(fm, key, v) {
		int k = 0;
		while (known[k] && strcmp(known[k], key))
			k++;
		if (!known[k] && strcmp(key, "params"))
			json_object_set(params, key, v);
	}
	json_object_set_new(fm, "params", params);
}

/* Where the first byte that is not valid UTF-8, or is NUL, starts; n if
 * none.  Runs of ASCII are skipped eight bytes at a time. */
static size_t utf8_bad_at(const char *s, size_t n)
{
	const uint64_t high = 0x8080808080808080ull, low = 0x0101010101010101ull;
	size_t i = 0;
	while (i < n) {
		uint64_t w;
		if (n - i >= 8) {
			memcpy(&w, s + i, 8);
			/* no byte >= 0x80 and no zero byte */
			if (!(w & high) && !((w - low) & ~w & high)) {
				i += 8;
				continue;
			}
		}
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		int ok = len && i + len <= n && c != '\0';
		for (size_t k = 1; ok && k < len; k++)
			ok = ((unsigned char)s[i + k] >> 6) == 2;
		if (!ok)
			return i;
		i += len;
	}
	return n;
}

/* Whether s[0, n) is ASCII alone: a file's first letter beyond it then
 * tells its encoding. */
static int ascii_before(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

static int check_utf8(struct run *r, const char *path, const char *s, size_t n)
{
	size_t bad = utf8_bad_at(s, n);
	if (bad == n)
		return 0;
	/* a file saved as UTF-16 starts with its byte-order mark */
	if (n >= 2 && (((unsigned char)s[0] == 0xFF && (unsigned char)s[1] == 0xFE) ||
		       ((unsigned char)s[0] == 0xFE && (unsigned char)s[1] == 0xFF))) {
		diag_error(r->d, path, 1, 1, "the file is UTF-16 (its first bytes say so): save it as UTF-8");
		return -1;
	}
	/* the position is worked out only for the message */
	int line = 1, col = 1;
	for (size_t i = 0; i < bad; i++) {
		if (s[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)s[i] >> 6) != 2) {
			col++;
		}
	}
	if (s[bad] == '\0')
		diag_error(r->d, path, line, col, "the file contains a NUL byte");
	else
		diag_error(r->d, path, line, col, "the file is not valid UTF-8 (save it as UTF-8%s)",
			   ascii_before(s, bad) && (unsigned char)s[bad] >= 0xA0
				   ? "; its first letter beyond ASCII is in Windows-1252 or Latin-1, which "
				     "iconv -f windows-1252 -t utf-8 converts" : "");
	return -1;
}

/* A paragraph the Markdown parser would take minutes over: the build
 * refuses the file, at line. */
static void report_costly(struct run *r, const char *path, int line)
{
	diag_error(r->d, path, line, 1,
		   "this paragraph has so many links and emphasis marks (* and _) that the Markdown "
		   "parser would take minutes over it: break it into shorter paragraphs with blank lines");
}

/* A page for the source content/rel with front matter fm (taken). */
static struct page *source_page(const char *rel, json_t *fm)
{
	struct page *p = xcalloc(1, sizeof *p);
	p->src = xstrcat("content/", rel);
	p->dir = dirname_of(rel);
	char *base = basename_of(rel);
	base[strlen(base) - 3] = '\0';
	if (!strcmp(base, "index")) {
		p->kind = *p->dir ? PAGE_SECTION : PAGE_HOME;
		free(base);
		p->name = *p->dir ? basename_of(p->dir) : xstrdup("");
		p->key = *p->dir ? xasprintf("%s/index", p->dir) : xstrdup("index");
	} else {
		p->kind = PAGE_ARTICLE;
		p->name = base;
		p->key = xstrndup(rel, strlen(rel) - 3);
	}
	p->out = xstrcat(p->key, ".html");
	p->data = fm;
	p->weight = json_number_value(json_object_get(p->data, "weight"));
	p->draft = json_is_true(json_object_get(p->data, "draft"));
	return p;
}

/* The body of content/rel, whose front matter failed, as a page of its
 * own that is never added to the site: its link problems are reported
 * with the front matter's (check_orphans), not after the next fix.
 * NULL when the body would be refused anyway (reported so). */
static struct page *orphan_page(struct run *r, const char *rel, const char *path, const char *text, size_t len,
				const struct fm_parts *parts)
{
	int slow = md_costly_line(text + parts->body_off, len - parts->body_off);
	if (slow) {
		report_costly(r, path, parts->body_line + slow - 1);
		return NULL;
	}
	struct page *p = source_page(rel, json_object());
	p->body = xstrndup(text + parts->body_off, len - parts->body_off);
	p->body_line = parts->body_line;
	p->body_off = parts->body_off;
	return p;
}

/* Reads and parses content/rel.  When the file is settled (see
 * sources.h), appends what the next build may take instead to rec.  NULL
 * for a draft left out (its title in *draft) or a file with errors (its
 * title, or "", in *broken; its body in *orphan when only its front
 * matter failed). */
static struct page *load_page(struct run *r, const char *rel, const struct scan_stat *st, struct buf *rec,
			      char **draft, char **broken, struct page **orphan)
{
	char *path = xasprintf("content/%s", rel);
	char *full = xasprintf("%s/%s", r->site.dir, path);
	char *text = NULL;
	size_t len;
	struct fm_parts parts;
	json_t *fm = NULL;
	struct page *p = NULL;
	int rc = fs_read_file(full, &text, &len);
	if (rc == -3) {
		diag_error(r->d, path, 0, 0, "the file is larger than the limit of %u MiB", FS_MAX_FILE >> 20);
		goto fail;
	} else if (rc < 0) {
		unreadable(r, path, errno);
		goto fail;
	}
	if (check_utf8(r, path, text, len) < 0)
		goto fail;
	int conflict = fm_conflict_line(text, len);
	if (conflict) {
		diag_error(r->d, path, conflict, 1,
			   "an unresolved merge conflict: keep the text you want and delete the <<<<<<<, ======= and "
			   ">>>>>>> lines (to show such lines as an example, put them in a fenced code block)");
		goto fail;
	}
	if (fm_split(text, len, path, &parts, r->d) < 0)
		goto fail;
	if (!parts.has_fm) {
		char *msg = fm_missing_msg(text, len);
		diag_error(r->d, path, 1, 1, "%s", msg);
		free(msg);
		goto fail;
	}
	fm = fm_parse_yaml(text + parts.yaml_off, parts.yaml_len, path, parts.yaml_line, r->d);
	if (json_is_object(fm)) {
		warn_misspelt(r, path, fm, text + parts.yaml_off, parts.yaml_len, parts.yaml_line);
		drop_empty_lists(fm);
	}
	if (!fm || validate_fm(r, path, fm, text + parts.yaml_off, parts.yaml_len, parts.yaml_line) < 0) {
		*orphan = orphan_page(r, rel, path, text, len, &parts);
		goto fail;
	}
	int slow = md_costly_line(text + parts.body_off, len - parts.body_off);
	if (slow) {
		report_costly(r, path, parts.body_line + slow - 1);
		goto fail;
	}
	split_params(fm);
	char *body = xstrndup(text + parts.body_off, len - parts.body_off);
	uint64_t fp[2];
	site_body_fp(body, fp);
	if (st && rec && sources_settled(st, r->start_ns) && parts.body_off <= UINT32_MAX)
		sources_put(rec, rel, st, fp, (uint32_t)parts.body_off, (uint32_t)parts.body_line, fm);
	if (json_is_true(json_object_get(fm, "draft")) && !r->o->drafts) {
		*draft = xstrdup(json_string_value(json_object_get(fm, "title")));
		free(body);
		goto fail;
	}
	p = source_page(rel, fm);
	fm = NULL;
	p->body = body;
	p->body_line = parts.body_line;
	p->body_off = parts.body_off;
	memcpy(p->body_fp, fp, sizeof fp);
fail:
	if (!p && !*draft) {
		const char *title = json_string_value(json_object_get(fm, "title"));
		*broken = xstrdup(title ? title : "");
	}
	json_decref(fm);
	free(text);
	free(full);
	free(path);
	return p;
}

/* The page the previous build read from an unchanged source: 1 and *out
 * (NULL for a draft left out), or 0 when the record cannot stand for the
 * file any more (the caller reads it). */
static int recorded_page(struct run *r, const char *rel, const struct source_rec *sr, struct page **out,
			 char **draft)
{
	json_t *fm = sources_fm(sr);
	/* The one check that depends on more than the file: the theme.  And
	 * a misspelt key is warned of at its line, which only the file has,
	 * as is an empty summary 'quire new' marked (its comment). */
	json_t *t = json_object_get(fm, "template"), *sum = json_object_get(fm, "summary");
	if (!json_is_object(fm) || (t && (!json_is_string(t) || !r->tmpl || !tmpl_set_has(r->tmpl, json_string_value(t)))) ||
	    has_misspelt(fm) || (json_is_string(sum) && !json_string_length(sum))) {
		json_decref(fm);
		return 0;
	}
	*out = NULL;
	if (json_is_true(json_object_get(fm, "draft")) && !r->o->drafts) {
		*draft = xstrdup(json_string_value(json_object_get(fm, "title")));
		json_decref(fm);
		return 1;
	}
	struct page *p = source_page(rel, fm);
	p->body_lazy = 1;
	p->body_line = (int)sr->body_line;
	p->body_off = sr->body_off;
	memcpy(p->body_fp, sr->body_fp, sizeof p->body_fp);
	*out = p;
	return 1;
}

/* The body of a page whose source was not read, or whose body was freed:
 * the file must still hold the body the page's hash is of.  0, or -1
 * after reporting. */
static int need_body(struct run *r, struct page *p)
{
	if (p->body || !p->body_lazy)
		return p->body ? 0 : -1;
	char *full = xasprintf("%s/%s", r->site.dir, p->src);
	char *text = NULL;
	size_t len = 0;
	int rc = fs_read_file(full, &text, &len);
	if (rc == -1) {
		/* not "changed": that would send the editor looking for an
		 * edit nobody made */
		unreadable(r, p->src, errno);
		free(full);
		return -1;
	}
	if (rc == 0 && len >= p->body_off) {
		char *body = xstrndup(text + p->body_off, len - p->body_off);
		uint64_t fp[2];
		site_body_fp(body, fp);
		if (!memcmp(fp, p->body_fp, sizeof fp))
			p->body = body;
		else
			free(body);
	}
	free(text);
	free(full);
	if (p->body)
		return 0;
	diag_error(r->d, p->src, 0, 0, "the file changed while the site was being built: build again");
	return -1;
}

static void need_body_of(void *ctx, size_t i)
{
	struct run *r = ctx;
	need_body(r, r->site.pages[i]);
}

/* Every body, for what reads them all (page hooks, print.html). */
static void need_bodies(struct run *r)
{
	par_for(r->site.npages, r->jobs, need_body_of, r);
}

/* Two sources must never write one file; on a case-insensitive disk
 * "A.md" and "a.md" would, so keys are compared without case. */
/* The key output names are claimed under: two names a disk that ignores
 * case (Windows, macOS) takes for one, "Ärger.html" and "ärger.html"
 * too, are one. */
static char *claim_key(const char *out)
{
	for (const char *c = out; *c; c++)
		if ((unsigned char)*c >= 0x80)
			return search_lower_dup(out);
	return xstrdup_lower(out);
}

/* Whether sources a and b (a folder's "content/D/" the same as its
 * "content/D/index.md") are one name but for letter case: their pages
 * are then one file only where case is ignored, which the message must
 * say, as on this disk both names exist. */
static int case_only(const char *a, const char *b)
{
	char *n[2], *k[2];
	const char *s[2] = { a, b };
	for (int i = 0; i < 2; i++) {
		size_t l = strlen(s[i]);
		int index = l >= 9 && !strcmp(s[i] + l - 9, "/index.md");
		n[i] = xstrndup(s[i], index ? l - 8 : l);
		k[i] = claim_key(n[i]);
	}
	int yes = strcmp(n[0], n[1]) && !strcmp(k[0], k[1]);
	for (int i = 0; i < 2; i++) {
		free(n[i]);
		free(k[i]);
	}
	return yes;
}

static void clash_error(struct run *r, const char *who, const char *out, const char *prev)
{
	diag_error(r->d, who, 0, 0, "writes the same output file '%s' as %s%s", out, prev,
		   case_only(who, prev) ? ": the names differ only in letter case, which Windows, macOS and many web "
					  "servers take for one name; rename one" : "");
}

static int claim(struct run *r, json_t *claims, const char *out, const char *who)
{
	char *k = claim_key(out);
	json_t *prev = json_object_get(claims, k);
	int rc = 0;
	size_t kl = strlen(k), wl = strlen(who);
	const char *mine = site_reserved(out);
	if (mine) {
		/* an article is named at its start: the whole file is at fault */
		int in_file = !strncmp(who, "content/", 8) && wl > 3 && !strcmp(who + wl - 3, ".md");
		diag_error(r->d, who, in_file, in_file, "cannot be written to '%s': that is %s; rename it", out, mine);
		rc = -1;
	} else if (prev) {
		clash_error(r, who, out, json_string_value(prev));
		rc = -1;
	} else if (utf8_is_valid(k, kl) && utf8_is_valid(who, wl)) {
		/* checked once here, not again by jansson: a site claims
		 * every page and asset on the main thread */
		json_object_setn_new_nocheck(claims, k, kl, json_stringn_nocheck(who, wl));
	} else {
		json_object_set_new(claims, k, json_string(who));
	}
	free(k);
	return rc;
}

/* The theme's assets/sw.js, which is written to OUT/sw.js only. */
static int is_worker_source(const char *dst_rel, const char *file)
{
	return !strcmp(dst_rel, "assets") && !strcmp(file, "sw.js");
}

/* The theme's assets are written to OUT/assets/ over whatever else is
 * there: a file of the site's own there is an error at that file, not
 * silently replaced. */
static void claim_theme_assets(struct run *r, json_t *claims)
{
	char *adir = xasprintf("%s/assets", r->theme_dir);
	char **files = NULL;
	size_t n = 0;
	if (fs_is_dir(adir) && fs_list_files(adir, &files, &n) == 0)
		for (size_t i = 0; i < n; i++) {
			if (is_worker_source("assets", files[i])) {
				free(files[i]);
				continue;
			}
			char *out = xasprintf("assets/%s", files[i]);
			char *k = claim_key(out);
			json_object_set_new(claims, k, json_sprintf("%s/%s", r->theme_rel, out));
			free(k);
			free(out);
			free(files[i]);
		}
	free(files);
	free(adir);
}

static struct page *generated_section(const char *dir)
{
	struct page *p = xcalloc(1, sizeof *p);
	p->kind = *dir ? PAGE_SECTION : PAGE_HOME;
	p->dir = xstrdup(dir);
	p->name = *dir ? basename_of(dir) : xstrdup("");
	p->key = *dir ? xasprintf("%s/index", dir) : xstrdup("index");
	p->out = xasprintf("%s.html", p->key);
	p->data = json_object();
	/* A folder's name stands in for a title: "identifying-posters" →
	 * "Identifying posters", "_posts" → "Posts". */
	char *t = *dir ? site_title_from_name(p->name) : xstrdup("Home");
	json_object_set_new(p->data, "title", json_string(t));
	json_object_set_new(p->data, "params", json_object());
	free(t);
	return p;
}

static void add_sections(struct run *r)
{
	size_t n = r->site.npages;
	const char *last = NULL;
	for (size_t i = 0; i < n; i++) {
		/* Every ancestor folder of a page is a section.  Pages come in
		 * source order, a folder's together: its sections are added
		 * once, not once a page. */
		if (last && !strcmp(last, r->site.pages[i]->dir))
			continue;
		last = r->site.pages[i]->dir;
		char *dir = xstrdup(last);
		for (;;) {
			char *key = *dir ? xasprintf("%s/index", dir) : xstrdup("index");
			if (site_find(&r->site, key) < 0)
				site_add_page(&r->site, generated_section(dir));
			free(key);
			if (!*dir)
				break;
			char *slash = strrchr(dir, '/');
			if (slash)
				*slash = '\0';
			else
				dir[0] = '\0';
		}
		free(dir);
	}
	if (site_find(&r->site, "index") < 0)
		site_add_page(&r->site, generated_section(""));
}

struct loading {
	struct run *r;
	const struct scan_result *sc;
	struct page **pages; /* per source, NULL when it was not loaded */
	const struct source_rec **kept; /* per source: its record, still good */
	struct buf *fresh;   /* per source: its new record, if any */
	char **draft;        /* per source: a draft's title, when it is left out */
	char **broken;       /* per source: its title ("" unknown), when it has errors */
	struct page **orphan; /* per source: its body, when only its front matter failed */
};

static void load_one(void *ctx, size_t i)
{
	struct loading *l = ctx;
	struct run *r = l->r;
	if (stopped(r))
		return;
	const char *rel = l->sc->md[i];
	const struct scan_stat *st = &l->sc->mdst[i];
	const struct source_rec *sr = sources_match(&r->snap, rel, st);
	if (sr && recorded_page(r, rel, sr, &l->pages[i], &l->draft[i]))
		l->kept[i] = sr;
	else
		l->pages[i] = load_page(r, rel, st, &l->fresh[i], &l->draft[i], &l->broken[i], &l->orphan[i]);
}

static struct cache_key sources_key(const struct run *r)
{
	struct cache_keybuf kb;
	cache_key_begin(r->cache, &kb, "sources");
	return cache_key_end(&kb);
}

/* What this build learnt of the sources, for the next one (stored by
 * store_sources). */
static void keep_sources(struct run *r, const struct loading *l)
{
	struct buf img = BUF_INIT;
	sources_begin(&img);
	for (size_t i = 0; i < l->sc->nmd; i++) {
		if (l->kept[i])
			buf_put(&img, l->kept[i]->raw, l->kept[i]->raw_len);
		else if (l->fresh[i].len)
			buf_put(&img, l->fresh[i].ptr, l->fresh[i].len);
	}
	struct cache_key k = sources_key(r);
	if (img.len == r->snap.len && !memcmp(img.ptr, r->snap.image, img.len)) {
		cache_touch(r->cache, &k);
		buf_free(&img);
	} else {
		r->new_sources = img;
	}
}

/* Stored once the hooks have run: a build that a hook failed writes
 * nothing in the site's folder.  Not held to the end of the build, where
 * its megabytes would add to the peak. */
static void store_sources(struct run *r)
{
	if (r->cache && r->new_sources.ptr && !diag_errors(r->d)) {
		struct cache_key k = sources_key(r);
		cache_put(r->cache, &k, r->new_sources.ptr, r->new_sources.len);
	}
	buf_free(&r->new_sources);
}

/* An article left out (a draft, or a file with errors) is remembered in
 * map by its key, file name and title (if it has one), so a link to it
 * says why it finds nothing. */
static void note_left_out(json_t *map, const char *rel, const char *title)
{
	char *src = xasprintf("content/%s", rel);
	size_t n = strlen(rel);
	char *key = xstrndup(rel, n > 3 ? n - 3 : n);
	const char *slash = strrchr(key, '/');
	/* names and titles are looked up in lower case, keys as they are */
	char *name = links_fold(slash ? slash + 1 : key), *low = links_fold(title ? title : "");
	char *k[3] = { xasprintf("key:%s", key), xasprintf("name:%s", name),
		       *low ? xasprintf("title:%s", low) : NULL };
	free(name);
	free(low);
	for (int j = 0; j < 3 && k[j]; j++) {
		if (utf8_is_valid(k[j], strlen(k[j])))
			json_object_set_new(map, k[j], json_string(src));
		free(k[j]);
	}
	free(key);
	free(src);
}

/* Sources are read and their front matter parsed on every core (or taken
 * from the previous build's record of an unchanged file); they are
 * claimed and added in source order, so the result never depends on
 * which thread finished first. */
/* Claims p's output name.  A name another page has (in another case)
 * is an error, but an on_page handler may hide one of the two: the page
 * stays for the handlers to see and its claim waits for settle_clashes
 * (the scripts are loaded after the pages). */
static int page_claim(struct run *r, json_t *claims, const struct page *p)
{
	if (!site_reserved(p->out)) {
		char *k = claim_key(p->out);
		const char *prev = json_string_value(json_object_get(claims, k));
		free(k);
		if (prev && !strncmp(prev, "content/", 8)) {
			r->clashes = xrealloc(r->clashes, (r->nclashes + 1) * sizeof *r->clashes);
			r->clashes[r->nclashes++] = xstrdup(p->key);
			return 0;
		}
	}
	return claim(r, claims, p->out, p->src);
}

static int load_pages(struct run *r, const struct scan_result *sc, json_t *claims)
{
	size_t n = sc->nmd ? sc->nmd : 1;
	struct loading l = { r, sc, xcalloc(n, sizeof *l.pages), xcalloc(n, sizeof *l.kept),
			     xcalloc(n, sizeof *l.fresh), xcalloc(n, sizeof *l.draft), xcalloc(n, sizeof *l.broken),
			     xcalloc(n, sizeof *l.orphan) };
	if (r->cache) {
		struct cache_key k = sources_key(r);
		char *img;
		size_t len;
		if (cache_get(r->cache, &k, &img, &len))
			sources_decode(&r->snap, img, len);
	}
	par_for(sc->nmd, r->jobs, load_one, &l);
	if (r->timings) {
		size_t kept = 0;
		for (size_t i = 0; i < sc->nmd; i++)
			kept += l.kept[i] != NULL;
		fprintf(stderr, "sources: %zu read, %zu unchanged since the last build\n", sc->nmd - kept, kept);
	}
	if (r->cache && !stopped(r))
		keep_sources(r, &l);
	sources_free(&r->snap);
	for (size_t i = 0; i < sc->nmd; i++) {
		buf_free(&l.fresh[i]);
		if (l.draft[i]) {
			r->drafts_left++;
			note_left_out(r->site.drafts, sc->md[i], l.draft[i]);
			free(l.draft[i]);
		}
		if (l.broken[i]) {
			note_left_out(r->site.broken, sc->md[i], l.broken[i]);
			free(l.broken[i]);
		}
		if (l.orphan[i]) {
			/* (in source order, whichever thread read it) */
			r->orphans = xrealloc(r->orphans, (r->norphans + 1) * sizeof *r->orphans);
			r->orphans[r->norphans++] = l.orphan[i];
		}
		struct page *p = l.pages[i];
		if (!p)
			continue;
		if (stopped(r) || page_claim(r, claims, p) < 0) {
			note_left_out(r->site.broken, sc->md[i], page_title(p));
			page_free(p);
			continue;
		}
		site_add_page(&r->site, p);
	}
	free(l.pages);
	free(l.kept);
	free(l.fresh);
	free(l.draft);
	free(l.broken);
	free(l.orphan);
	add_sections(r);
	for (size_t i = 0; i < sc->nassets; i++) {
		/* named as every other file is, by its path in the site */
		char *who = xstrcat("content/", sc->assets[i]);
		claim(r, claims, sc->assets[i], who);
		free(who);
	}
	r->site.assets = xcalloc(sc->nassets ? sc->nassets : 1, sizeof(char *));
	for (size_t i = 0; i < sc->nassets; i++)
		r->site.assets[i] = xstrdup(sc->assets[i]);
	r->site.nassets = sc->nassets;
	return 0;
}

/* ---- hooks ---------------------------------------------------------- */

static char *hook_markdown(const char *markdown, void *ctx)
{
	const struct run *r = ctx;
	return md_to_html(markdown, r->site.cfg.unsafe_html);
}

/* Text from git (a name, a subject) as JSON: it may be in no encoding
 * at all.  A new reference. */
static json_t *git_text(const char *s)
{
	char *v = utf8_valid_dup(s, strlen(s));
	json_t *j = json_string(v);
	free(v);
	return j;
}

static json_t *own_string(char *s)
{
	json_t *j = json_string(s);
	free(s);
	return j;
}

/* A revision as hooks see it: when, by whom and why, not what changed.
 * A shallow clone's boundary commit holds the text then, not a change
 * anyone made: it has no author or subject. */
static json_t *hook_revision(const struct history *h, const struct hist_rev *rv)
{
	int boundary = hist_is_boundary(h, rv);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(rv->id));
	json_object_set_new(o, "short_id", json_stringn(rv->id, 10));
	json_object_set_new(o, "time", json_integer(rv->time));
	json_object_set_new(o, "date", own_string(hist_date_human(rv->time, rv->tz_minutes)));
	json_object_set_new(o, "iso", own_string(hist_date_iso(rv->time, rv->tz_minutes)));
	json_object_set_new(o, "boundary", json_boolean(boundary));
	/* where the file was then, and whether this revision deleted it (a
	 * page made again later lists its deletion) */
	json_object_set_new(o, "path", git_text(rv->path));
	json_object_set_new(o, "deleted", json_boolean(rv->change == HIST_DELETED));
	if (!boundary) {
		json_object_set_new(o, "author", git_text(rv->author));
		json_object_set_new(o, "subject", git_text(rv->subject));
	}
	return o;
}

/* page.history: f's revisions newest first, their number, who made them
 * (each once, the latest first), and when the newest and the oldest
 * were made (not for a boundary commit).  A new reference. */
static json_t *history_json(const struct history *h, const struct hist_file *f)
{
	json_t *j = json_object(), *list = json_array(), *authors = json_array(), *seen = json_object();
	for (size_t k = 0; k < f->n; k++) {
		json_t *rv = hook_revision(h, &f->revs[k]);
		const char *a = json_string_value(json_object_get(rv, "author"));
		if (a && !json_object_get(seen, a)) {
			json_object_set_new(seen, a, json_true());
			json_array_append_new(authors, json_string(a));
		}
		json_array_append_new(list, rv);
	}
	json_decref(seen);
	json_object_set_new(j, "revisions", json_integer((json_int_t)f->n));
	const struct hist_rev *last = hist_last_change(h, f), *first = &f->revs[f->n - 1];
	if (last) {
		json_object_set_new(j, "updated", json_integer(last->time));
		json_object_set_new(j, "author", git_text(last->author));
	}
	if (!hist_is_boundary(h, first))
		json_object_set_new(j, "created", json_integer(first->time));
	json_object_set_new(j, "authors", authors);
	json_object_set_new(j, "list", list);
	return j;
}

/* page.history for the page at page_path: its history as the page shows
 * it, so without the revisions made while it was a draft, unless the
 * build shows drafts.  NULL when it has none (not committed, or made by
 * quire). */
static json_t *hook_history(const char *page_path, void *ctx)
{
	struct run *r = ctx;
	const struct hist_file *hf = hist_lookup(r->hist, page_path);
	struct hist_file *pub = NULL;
	if (hf && !r->o->drafts) {
		if (!r->hook_drafts)
			r->hook_drafts = draft_blobs_load(r->cache, r->judging);
		hist_published_read(r->hist, r->hook_drafts, r->judging, hf, &pub);
	}
	const struct hist_file *f = pub ? pub : hf;
	json_t *j = f && f->n ? history_json(r->hist, f) : NULL;
	hist_published_free(pub);
	return j;
}

/* quire.head: the commit the site is built from.  A hook that asks how
 * old an article is takes its date for "now", not the clock's: the
 * same commit then builds the same pages on any day, on any machine,
 * and a rebuild matches a clean build.  NULL without history. */
static json_t *hook_head(void *ctx)
{
	struct run *r = ctx;
	long long t;
	int tz;
	if (!r->hist || hist_head_time(r->hist, &t, &tz) < 0)
		return NULL;
	const char *id = hist_head(r->hist);
	json_t *j = json_object();
	json_object_set_new(j, "id", json_string(id));
	json_object_set_new(j, "short_id", json_stringn(id, 10));
	json_object_set_new(j, "time", json_integer(t));
	json_object_set_new(j, "date", own_string(hist_date_human(t, tz)));
	json_object_set_new(j, "iso", own_string(hist_date_iso(t, tz)));
	return j;
}

static json_t *page_json(const struct page *p)
{
	json_t *j = json_deep_copy(p->data);
	json_object_set_new(j, "path", json_string(p->src ? p->src : p->key));
	json_object_set_new(j, "url", json_string(p->out));
	json_object_set_new(j, "section", json_string(p->dir));
	json_object_set_new(j, "kind", json_string(p->kind == PAGE_ARTICLE ? "article" :
						    p->kind == PAGE_SECTION ? "section" :
						    p->kind == PAGE_HOME ? "home" : "added"));
	/* Read-only: hooks count words or look for phrases in it; a change
	 * is not read back. */
	if (p->body)
		json_object_set_new(j, "body", json_string(p->body));
	/* page.history is the page's own, made when a hook reads it, and
	 * page.past is set only on a past version being judged (front-matter
	 * keys of those names are still params.history and params.past) */
	json_object_del(j, "history");
	json_object_del(j, "past");
	return j;
}

/* A past_judge: whether the on_page handlers hide a past version.  They
 * see it as they see a page (page_json): its own front matter and body,
 * with the path, url, section and kind of the file where it was then,
 * no page.history, and page.past = true. */
static int judge_past(void *ctx, const char *path, const json_t *fm, const char *body, int *by_head,
		      struct buf *why)
{
	struct run *r = ctx;
	*by_head = 0;
	if (strncmp(path, "content/", 8) || strlen(path) < 11 || strcmp(path + strlen(path) - 3, ".md"))
		return 0; /* (history holds only content/'s articles) */
	struct page *p = source_page(path + 8, json_deep_copy(fm));
	split_params(p->data);
	p->body = xstrdup(body);
	json_t *j = page_json(p);
	json_object_set_new(j, "past", json_true());
	int d = hooks_judge_past(r->hooks, j, by_head, why);
	json_decref(j);
	page_free(p);
	return d;
}

/* Past versions are judged by the on_page handlers too, unless there are
 * none or the build shows drafts.  A verdict depends on the scripts and
 * on what quire.markdown renders (markdown.unsafe_html), and on HEAD
 * when it read quire.head. */
static void set_judge(struct run *r)
{
	if (!r->hooks || !hooks_has_page(r->hooks) || r->o->drafts || !r->hist)
		return;
	struct cache_keybuf kb;
	uint64_t scripts[2];
	hooks_digest(r->hooks, scripts);
	cache_key_begin(NULL, &kb, "past-judge-1");
	cache_key_bytes(&kb, scripts, sizeof scripts);
	cache_key_int(&kb, r->site.cfg.unsafe_html);
	struct cache_key k = cache_key_end(&kb);
	r->judge = (struct past_judge){ judge_past, r, { k.h[0], k.h[1] }, hist_head(r->hist) };
	r->judging = &r->judge;
}

/* Copies back what a hook may change; the page's identity (path, url)
 * is not the hook's to move. */
static int apply_page_json(struct run *r, struct page *p, json_t *j)
{
	const char *path = p->src ? p->src : p->key;
	json_t *title = json_object_get(j, "title");
	if (!json_is_string(title) || !*json_string_value(title)) {
		diag_error(r->d, path, 0, 0, "a hook left the page without a text 'title'");
		return -1;
	}
	json_t *tags = json_object_get(j, "tags");
	if (tags && !is_string_list(tags)) {
		diag_error(r->d, path, 0, 0, "a hook set 'tags' to something other than a list of text");
		return -1;
	}
	json_t *params = json_object_get(j, "params");
	if (params && !json_is_object(params)) {
		diag_error(r->d, path, 0, 0, "a hook set 'params' to something other than a table");
		return -1;
	}
	json_object_del(j, "path");
	json_object_del(j, "url");
	json_object_del(j, "section");
	json_object_del(j, "kind");
	json_object_del(j, "body");
	json_decref(p->data);
	p->data = json_incref(j);
	if (!params)
		json_object_set_new(p->data, "params", json_object());
	/* the reading order follows a weight a hook set */
	p->weight = json_number_value(json_object_get(p->data, "weight"));
	return 0;
}

static int theme_has(void *tmpl, const char *name)
{
	return tmpl && tmpl_set_has(tmpl, name);
}

/* A page an on_page handler set draft on is left out as a draft is,
 * unless the build shows drafts.  A page quire makes itself (a folder's
 * section page, a home page without index.md) has no front matter to
 * say so, and goes when its folder has no page left: on one, draft is
 * ignored. */
static int hidden_by_hook(const struct run *r, const struct page *p)
{
	return !r->o->drafts && p->src && json_is_true(json_object_get(p->data, "draft"));
}

/* Runs the on_page handlers over pages from..to-1, marking in gone
 * those they hide, noted as drafts under their title before and after
 * the handlers (a link may name either).  0, or -1 after reporting. */
static int page_hooks_over(struct run *r, size_t from, size_t to, char *gone)
{
	int rc = 0;
	for (size_t i = from; i < to && !stopped(r); i++) {
		struct page *p = r->site.pages[i];
		json_t *j = page_json(p);
		json_t *title0 = json_incref(json_object_get(p->data, "title"));
		if (hooks_run_page(r->hooks, &j, r->d) < 0 || apply_page_json(r, p, j) < 0) {
			rc = -1;
		} else if (hidden_by_hook(r, p)) {
			const char *t0 = json_string_value(title0), *t = page_title(p);
			note_left_out(r->site.drafts, p->src + 8, t);
			json_object_set_new(r->site.hook_hidden, p->src, json_true());
			if (t0 && strcmp(t0, t))
				note_left_out(r->site.drafts, p->src + 8, t0);
			r->drafts_left++;
			gone[i] = 1;
		}
		json_decref(title0);
		json_decref(j);
	}
	return rc;
}

/* Takes pages a hook hid out of the site and gives their output files
 * back (a page added later may use the name, as it may a draft's). */
static void drop_hidden(struct run *r, json_t *claims, const char *gone)
{
	for (size_t i = 0; i < r->site.npages; i++)
		if (gone[i]) {
			/* (a page whose claim waits, see page_claim, holds none) */
			const struct page *p = r->site.pages[i];
			char *k = claim_key(p->out);
			const char *who = json_string_value(json_object_get(claims, k));
			if (who && !strcmp(who, p->src ? p->src : p->key))
				json_object_del(claims, k);
			free(k);
		}
	site_drop_pages(&r->site, gone);
}

/* After pages were hidden: the section pages quire made for folders
 * left with no page go, as a folder of drafts gets none (the home page
 * stays). */
static void prune_sections(struct run *r)
{
	json_t *used = json_object();
	for (size_t i = 0; i < r->site.npages; i++) {
		const struct page *p = r->site.pages[i];
		if (!p->src)
			continue;
		char *dir = xstrdup(p->dir), *slash;
		json_object_set_new(used, dir, json_true());
		while ((slash = strrchr(dir, '/'))) {
			*slash = '\0';
			json_object_set_new(used, dir, json_true());
		}
		free(dir);
	}
	char *gone = xcalloc(r->site.npages + 1, 1);
	for (size_t i = 0; i < r->site.npages; i++) {
		const struct page *p = r->site.pages[i];
		gone[i] = !p->src && p->kind == PAGE_SECTION && !json_object_get(used, p->dir);
	}
	site_drop_pages(&r->site, gone);
	free(gone);
	json_decref(used);
}

/* Leaves out the pages marked in gone as drafts are left out.  A folder
 * whose index.md was hidden gets the page quire makes for a folder
 * without one, and handlers see that page as they would for a draft
 * index.md (they cannot hide it).  0, or -1 after reporting. */
static int leave_out_hidden(struct run *r, json_t *claims, char *gone)
{
	drop_hidden(r, claims, gone);
	size_t n = r->site.npages;
	memset(gone, 0, n);
	add_sections(r);
	int rc = page_hooks_over(r, n, r->site.npages, gone);
	prune_sections(r);
	return rc;
}

/* After the on_page handlers: each page whose claim waited claims its
 * name now, which the other page gave back if a handler hid it; if
 * neither was hidden, it is the error it would have been, and the page
 * is left out as a page with errors is. */
static void settle_clashes(struct run *r, json_t *claims)
{
	size_t n = r->site.npages;
	char *gone = xcalloc(n + 1, 1);
	for (size_t c = 0; c < r->nclashes; c++) {
		int i = site_find(&r->site, r->clashes[c]);
		struct page *p = i < 0 ? NULL : r->site.pages[i];
		if (p && claim(r, claims, p->out, p->src) < 0) {
			note_left_out(r->site.broken, p->src + strlen("content/"), page_title(p));
			gone[i] = 1;
		}
		free(r->clashes[c]);
	}
	free(r->clashes);
	r->clashes = NULL;
	r->nclashes = 0;
	if (memchr(gone, 1, n)) {
		site_drop_pages(&r->site, gone);
		prune_sections(r);
	}
	free(gone);
}

/* The pages quire makes for folders claim their names too, once the
 * on_page handlers have hidden what they hide (a folder of hidden pages
 * has none): two folders whose names differ only in case ("Docs",
 * "docs") would write one index.html where case is ignored (Windows,
 * macOS). */
static void claim_sections(struct run *r, json_t *claims)
{
	for (size_t i = 0; i < r->site.npages; i++) {
		const struct page *p = r->site.pages[i];
		if (p->src || (p->kind != PAGE_SECTION && p->kind != PAGE_HOME))
			continue;
		char *who = xasprintf("content/%s%s", p->dir, *p->dir ? "/" : "");
		char *k = claim_key(p->out);
		const char *prev = json_string_value(json_object_get(claims, k));
		size_t pl = prev ? strlen(prev) : 0;
		/* a file of the site's own there (assets claimed first) is the
		 * one to rename: the error is at it */
		if (prev && !strncmp(prev, "content/", 8) && pl > 8 && prev[pl - 1] != '/' &&
		    (pl < 3 || strcmp(prev + pl - 3, ".md")))
			clash_error(r, prev, prev + 8, who);
		else
			claim(r, claims, p->out, who);
		free(k);
		free(who);
	}
}

static int run_page_hooks(struct run *r, json_t *claims)
{
	if (!r->hooks || !hooks_has_page(r->hooks))
		return 0;
	size_t n = r->site.npages;
	char *gone = xcalloc(n + 1, 1);
	hooks_pages_begin(r->hooks);
	int rc = page_hooks_over(r, 0, n, gone);
	if (memchr(gone, 1, n) && leave_out_hidden(r, claims, gone) < 0)
		rc = -1;
	hooks_pages_end(r->hooks, r->d);
	free(gone);
	return rc;
}

/* ---- markdown: phase A (headings, links) and phase B (HTML) ----------- */

/* The page path Lua filters are given. */
static const char *filter_path(const struct page *p)
{
	return p->src ? p->src : p->key;
}

/* parse_page's turn for a page parsed outside phases A and B */
#define NO_TURN SIZE_MAX

/* Returns 1 when what the parse made may be cached: no filter failed,
 * logged or read quire.head on it.  turn: the page's index in phase A
 * or B (its filters wait for the pages before it), or NO_TURN. */
static int parse_page(struct run *r, struct page *p, struct md_doc *doc, size_t turn)
{
	int rc = 0;
	md_parse(doc, p->body, strlen(p->body), p->body_line, r->site.cfg.unsafe_html);
	if (r->filters && turn != NO_TURN)
		par_turn_take(r->turns, turn);
	if (r->filters)
		/* (once the state moved, the phase's outcome is known) */
		rc = hooks_filter_doc(r->hooks, doc->root, filter_path(p),
				      r->fcheck && !atomic_load(&r->fmoved) ? &r->fstate : NULL, r->d);
	if (rc > 0 && (rc & HOOKS_FILTER_MOVED))
		atomic_store(&r->fmoved, 1);
	md_expand_wikilinks(doc);
	return rc == 0;
}

/* On a site with Lua filters, the key of a page's parse names the state
 * they read and the page path they are given. */
static void key_filters(const struct run *r, const struct page *p, struct cache_keybuf *kb)
{
	if (!r->filters)
		return;
	cache_key_bytes(kb, r->fstate.h, sizeof r->fstate.h);
	cache_key_str(kb, filter_path(p));
}

/* The same for render (render_env.key_filters and .parse). */
static void render_key_filters(void *ctx, const struct page *p, struct cache_keybuf *kb)
{
	key_filters(ctx, p, kb);
}

static void render_parse(void *ctx, struct page *p, struct md_doc *doc)
{
	parse_page(ctx, p, doc, NO_TURN);
}

/* The entry that says filters changed their state while they ran in a
 * phase that began with state st. */
static struct cache_key moved_key(const struct run *r, const char *phase, const struct cache_key *st)
{
	struct cache_keybuf kb;
	cache_key_begin(r->cache, &kb, "filter-state-moved-1");
	cache_key_str(&kb, phase);
	cache_key_bytes(&kb, st->h, sizeof st->h);
	return cache_key_end(&kb);
}

/* The most values a filters' state may hold to be walked after every
 * page (about 0.15 µs each): the filters' work on a larger state is not
 * cached. */
#define FILTER_CHECK_VISITS HOOKS_FILTER_STATE_MAX

/* Whether a phase on a site with Lua filters may use the cache: what
 * the filters made is a function of the page and their state, unless
 * they change that state as they run (a counter, a table of what they
 * saw), which a build that began in the same state found (*st is it).
 * Each page filtered is then checked to leave the state as it was. */
static int filter_cache_open(struct run *r, const char *phase, struct cache_key *st)
{
	r->fcheck = 0;
	atomic_store(&r->fmoved, 0);
	/* (a state too large to walk after every page: see hooks_filter_state) */
	if (!r->cache || hooks_filter_state(r->hooks, st) < 0)
		return 0;
	struct cache_key mk = moved_key(r, phase, st);
	if (cache_touch(r->cache, &mk))
		return 0;
	/* The build made again still checks, so that the next one knows. */
	r->fcheck = 1;
	return !r->no_fcache;
}

/* After the phase: when a page's filtering moved the state, each page's
 * result depended on the pages filtered before it, and nothing is to be
 * made from st again.  1 when this phase took some (hits) from the cache
 * all the same: the build is to be made again. */
static int filter_cache_close(struct run *r, const char *phase, const struct cache_key *st, int hits)
{
	r->fcheck = 0;
	if (!atomic_load(&r->fmoved))
		return 0;
	struct cache_key mk = moved_key(r, phase, st);
	cache_put(r->cache, &mk, "1", 1);
	return hits > 0;
}

/* The turns of phase A or B: with Lua filters on more than one thread. */
static struct par_turns *turns_new(const struct run *r)
{
	return r->filters && r->jobs > 1 ? par_turns_new(r->site.npages) : NULL;
}

/* ---- the on-disk cache of phases A and B ----------------------------- */

/* Phase A (headings, links as written) depends only on the body, where it
 * starts in the file and the raw-HTML setting. */
static struct cache_key key_a(const struct run *r, const struct page *p)
{
	struct cache_keybuf kb;
	cache_key_begin(r->cache, &kb, "phase-a");
	cache_key_int(&kb, r->site.cfg.unsafe_html);
	cache_key_int(&kb, p->body_line);
	cache_key_bytes(&kb, p->body_fp, sizeof p->body_fp);
	key_filters(r, p, &kb);
	return cache_key_end(&kb);
}

/* Reports the links phase A found written so that they stay text, as
 * broken links are (warnings with links: warn); a likely one is a
 * warning. */
static void report_problems(const struct run *r, const struct page *p, const struct md_problem *v, size_t n)
{
	const char *path = p->src ? p->src : p->key;
	for (size_t i = 0; i < n; i++)
		diag_report(r->d, v[i].likely || r->site.cfg.links_warn ? DIAG_WARNING : DIAG_ERROR, path, v[i].line,
			    v[i].col, "%s", v[i].msg);
}

static void put_a(const struct run *r, const struct page *p, const struct cache_key *k,
		  const struct md_doc *doc)
{
	struct buf b = BUF_INIT;
	cache_w_u32(&b, (uint32_t)p->nheadings);
	for (size_t i = 0; i < p->nheadings; i++) {
		cache_w_u32(&b, (uint32_t)p->headings[i].level);
		cache_w_str(&b, p->headings[i].text);
		cache_w_str(&b, p->headings[i].id);
	}
	cache_w_str(&b, p->fnids);
	cache_w_u32(&b, (uint32_t)p->nrawlinks);
	for (size_t i = 0; i < p->nrawlinks; i++) {
		cache_w_str(&b, p->rawlinks[i].url);
		cache_w_u32(&b, (uint32_t)p->rawlinks[i].wiki);
		cache_w_u32(&b, (uint32_t)p->rawlinks[i].is_image);
		cache_w_u32(&b, (uint32_t)p->rawlinks[i].line);
		cache_w_u32(&b, (uint32_t)p->rawlinks[i].col);
	}
	cache_w_u32(&b, (uint32_t)doc->nproblems);
	for (size_t i = 0; i < doc->nproblems; i++) {
		cache_w_u32(&b, (uint32_t)doc->problems[i].line);
		cache_w_u32(&b, (uint32_t)doc->problems[i].col);
		cache_w_u32(&b, (uint32_t)doc->problems[i].likely);
		cache_w_str(&b, doc->problems[i].msg);
	}
	cache_put(r->cache, k, b.ptr ? b.ptr : "", b.len);
	buf_free(&b);
}

/* Reads the problems that end a phase A entry into a new array (*n of
 * them; NULL when none); rd is bad when they do not decode. */
static struct md_problem *get_problems(struct cache_reader *rd, size_t *n)
{
	uint32_t np = cache_r_u32(rd);
	*n = 0;
	if (rd->bad || !np || np > rd->len / 16) {
		rd->bad |= np > rd->len / 16;
		return NULL;
	}
	struct md_problem *v = xcalloc(np, sizeof *v);
	for (; *n < np && !rd->bad; ++*n) {
		v[*n].line = (int)cache_r_u32(rd);
		v[*n].col = (int)cache_r_u32(rd);
		v[*n].likely = (int)cache_r_u32(rd);
		v[*n].msg = cache_r_str(rd);
		if (!v[*n].msg)
			rd->bad = 1;
	}
	return v;
}

static void free_problems(struct md_problem *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].msg);
	free(v);
}

/* Fills p's headings and raw links from a cached entry, and reports the
 * problems it holds.  Returns 0, or -1 (p untouched, nothing reported)
 * when there is none or it does not decode. */
static int get_a(const struct run *r, struct page *p, const struct cache_key *k)
{
	char *data;
	size_t len;
	if (!cache_get_dense(r->cache, k, &data, &len))
		return -1;
	struct cache_reader rd = { .p = data, .len = len };
	uint32_t nh = cache_r_u32(&rd);
	if (nh > len / 12)
		rd.bad = 1;
	struct heading *hs = xcalloc(rd.bad || !nh ? 1 : nh, sizeof *hs);
	size_t gh = 0, gl = 0;
	for (; !rd.bad && gh < nh; gh++) {
		hs[gh].level = (int)cache_r_u32(&rd);
		hs[gh].text = cache_r_str(&rd);
		hs[gh].id = cache_r_str(&rd);
		if (!hs[gh].text || !hs[gh].id) {
			free(hs[gh].text);
			free(hs[gh].id);
			rd.bad = 1;
			break;
		}
	}
	char *fnids = rd.bad ? NULL : cache_r_str(&rd);
	uint32_t nl = cache_r_u32(&rd);
	if (nl > len / 20)
		rd.bad = 1;
	struct rawlink *ls = xcalloc(rd.bad || !nl ? 1 : nl, sizeof *ls);
	for (; !rd.bad && gl < nl; gl++) {
		ls[gl].url = cache_r_str(&rd);
		ls[gl].wiki = (int)cache_r_u32(&rd);
		ls[gl].is_image = (int)cache_r_u32(&rd);
		ls[gl].line = (int)cache_r_u32(&rd);
		ls[gl].col = (int)cache_r_u32(&rd);
		if (rd.bad) {
			free(ls[gl].url);
			break;
		}
	}
	size_t np = 0;
	struct md_problem *pv = rd.bad ? NULL : get_problems(&rd, &np);
	int bad = rd.bad || rd.off != len;
	free(data);
	if (!bad)
		report_problems(r, p, pv, np);
	free_problems(pv, np);
	if (bad) {
		md_free_headings(hs, gh);
		for (size_t i = 0; i < gl; i++)
			free(ls[i].url);
		free(ls);
		free(fnids);
		return -1;
	}
	p->headings = hs;
	p->nheadings = nh;
	/* (stored as "" when there are none) */
	if (fnids && !*fnids) {
		free(fnids);
		fnids = NULL;
	}
	p->fnids = fnids;
	p->fnset = md_footnote_set(fnids);
	p->rawlinks = ls;
	p->nrawlinks = nl;
	return 0;
}

/* What links_resolve reads about page i (key, names, title, headings). */
static void page_env(void *ctx, size_t i)
{
	struct run *r = ctx;
	links_page_env(r->site.pages[i], &r->page_env[i]);
}

/* Everything links_resolve reads about other pages (keys, names, titles,
 * heading ids, assets) and how problems are reported: phase B's output
 * for a page depends on its body and on this.  Each page's part is hashed
 * on every core (beside the maps links are looked up in), then the parts
 * in page order.  The parts stay for render, which tells from them the
 * links a title or heading edit may answer differently; env_pages says
 * whether two builds' parts are of the same pages. */
static struct cache_key link_env(struct run *r)
{
	r->page_env = xcalloc(r->site.npages + 1, sizeof *r->page_env);
	par_for(r->site.npages, r->jobs, page_env, r);
	struct cache_keybuf kb, pk;
	cache_key_begin(r->cache, &kb, "link-env-3");
	cache_key_begin(r->cache, &pk, "link-env-pages-1");
	cache_key_int(&kb, r->site.cfg.links_warn);
	cache_key_int(&kb, (long long)r->site.npages);
	cache_key_int(&pk, (long long)r->site.npages);
	for (size_t i = 0; i < r->site.npages; i++) {
		cache_key_bytes(&kb, &r->page_env[i], sizeof r->page_env[i]);
		cache_key_str(&pk, r->site.pages[i]->key);
	}
	/* (a link to an article left out says why: a problem's message,
	 * which phase B's entry keeps) */
	json_t *left[] = { r->site.drafts, r->site.hook_hidden, r->site.broken };
	for (size_t i = 0; i < sizeof left / sizeof *left; i++)
		if (left[i])
			cache_key_json(&kb, left[i]);
		else
			cache_key_str(&kb, NULL);
	cache_key_int(&kb, (long long)r->site.nassets);
	cache_key_int(&pk, (long long)r->site.nassets);
	for (size_t i = 0; i < r->site.nassets; i++) {
		cache_key_str(&kb, r->site.assets[i]);
		cache_key_str(&pk, r->site.assets[i]);
	}
	cache_key_int(&kb, (long long)r->ngone);
	for (size_t i = 0; i < r->ngone; i++) {
		cache_key_str(&kb, r->gone[i]);
		cache_key_str(&kb, r->gone_note[i]);
		cache_key_str(&kb, r->gone_title[i]);
	}
	/* (a broken link's hint names where git shows its article moved) */
	cache_key_int(&kb, (long long)r->nmoves);
	for (size_t i = 0; i < r->nmoves; i++) {
		cache_key_str(&kb, r->moves_from[i]);
		cache_key_str(&kb, r->moves_to[i]);
	}
	r->env_pages = cache_key_end(&pk);
	return cache_key_end(&kb);
}

static void link_env_task(void *ctx)
{
	struct run *r = ctx;
	r->env = link_env(r);
}

static struct cache_key key_b(const struct run *r, const struct page *p)
{
	struct cache_keybuf kb;
	cache_key_begin(r->cache, &kb, "phase-b-3");
	cache_key_int(&kb, r->site.cfg.unsafe_html);
	cache_key_int(&kb, p->body_line);
	cache_key_bytes(&kb, p->body_fp, sizeof p->body_fp);
	cache_key_str(&kb, p->key);
	cache_key_int(&kb, p->kind);
	cache_key_int(&kb, (long long)r->env.h[0]);
	cache_key_int(&kb, (long long)r->env.h[1]);
	cache_key_str(&kb, p->origin); /* (named in its problems' messages) */
	key_filters(r, p, &kb);
	return cache_key_end(&kb);
}

/* Phase B's key without the link environment: the page's own inputs and
 * how each of its links resolves (links_note).  A title or heading edit
 * changes the environment, and every page's key_b with it; a page none
 * of whose links answer differently finds its entry under this one. */
static void fine_b_begin(const struct run *r, const struct page *p, struct cache_keybuf *kb)
{
	cache_key_begin(r->cache, kb, "phase-b-fine-1");
	cache_key_int(kb, r->site.cfg.unsafe_html);
	cache_key_int(kb, p->body_line);
	cache_key_bytes(kb, p->body_fp, sizeof p->body_fp);
	cache_key_str(kb, p->key);
	cache_key_int(kb, p->kind);
	key_filters(r, p, kb);
}

/* The fine key of a page whose links as written came from an earlier
 * build (so its entry may be there), noting the lookups made in sig.  0
 * when it has none: that build did not see this body, or a link has a
 * problem. */
static int fine_key_b(const struct run *r, const struct page *p, size_t i, struct cache_key *k,
		      struct links_sig *sig)
{
	/* (phase A's links are phase B's when the filters' state is the same) */
	if (i >= r->a_hit_n || !r->a_hit[i] || (r->filters && !r->fstate_same))
		return 0;
	struct cache_keybuf kb;
	fine_b_begin(r, p, &kb);
	struct links_ctx lc = { .site = &r->site, .ix = r->ix, .page = p, .out_path = p->out,
				.d = diag_new(), .no_hints = 1, .sig = sig };
	int rc = links_digest(&lc, p->rawlinks, p->nrawlinks, 1, &kb);
	diag_free(lc.d);
	if (rc < 0)
		return 0;
	*k = cache_key_end(&kb);
	return 1;
}

/* The table of phase B's fine keys: a links_table whose record per page
 * is the key of the page's own inputs (fine_b_begin) and its fine key.
 * After a title or heading edit, a page whose links look up no changed
 * page takes its fine key from there instead of resolving them again. */
static struct cache_key b_table_key(const struct run *r)
{
	struct cache_keybuf kb;
	cache_key_begin(r->cache, &kb, "phase-b-fines-1");
	cache_key_int(&kb, r->site.cfg.unsafe_html);
	return cache_key_end(&kb);
}

static void b_table_open(struct run *r)
{
	struct cache_key k = b_table_key(r);
	links_table_open(&r->b_table, r->cache, &k, r->site.npages, &r->env_pages, r->page_env, 1);
	r->b_write = !r->b_table.usable || r->b_table.changed > 0;
	r->b_rec = xcalloc(r->site.npages + 1, sizeof *r->b_rec);
}

static struct cache_key own_key_b(const struct run *r, const struct page *p)
{
	struct cache_keybuf kb;
	fine_b_begin(r, p, &kb);
	return cache_key_end(&kb);
}

/* Page i's fine key as the table has it, if its record stands and is of
 * the same body. */
static int b_table_fine(const struct run *r, const struct page *p, size_t i, struct cache_key *k)
{
	size_t len;
	const char *rec = r->b_rec ? links_table_payload(&r->b_table, i, &len) : NULL;
	if (!rec || len != 32)
		return 0;
	struct cache_key own = own_key_b(r, p);
	struct cache_reader rd = { .p = rec, .len = len };
	uint64_t h0 = cache_r_u64(&rd), h1 = cache_r_u64(&rd);
	if (h0 != own.h[0] || h1 != own.h[1])
		return 0;
	k->h[0] = cache_r_u64(&rd);
	k->h[1] = cache_r_u64(&rd);
	return 1;
}

static void b_table_note(struct run *r, const struct page *p, size_t i, const struct cache_key *fine,
			 struct links_sig *sig)
{
	if (!r->b_write)
		return;
	struct cache_key own = own_key_b(r, p);
	struct buf rec = BUF_INIT;
	cache_w_u64(&rec, own.h[0]);
	cache_w_u64(&rec, own.h[1]);
	cache_w_u64(&rec, fine->h[0]);
	cache_w_u64(&rec, fine->h[1]);
	links_table_record(&r->b_rec[i], rec.ptr, rec.len, sig);
	buf_free(&rec);
}

static void b_table_close(struct run *r)
{
	if (!r->b_rec)
		return;
	if (r->b_write) {
		struct cache_key k = b_table_key(r);
		links_table_put(r->cache, &k, r->site.npages, &r->env_pages, r->page_env, r->b_rec, &r->b_table);
	}
	for (size_t i = 0; i < r->site.npages; i++)
		buf_free(&r->b_rec[i]);
	free(r->b_rec);
	r->b_rec = NULL;
	links_table_close(&r->b_table);
}

/* A page's HTML and text are an entry of their own beside its links: a
 * rebuild reads only the links of a page it does not render again.  The
 * entry's key is made from their hash (html_fp): pages whose links are
 * resolved again (another page's title changed) and come out the same
 * share it, and keep the same fingerprint. */
static struct cache_key html_key(const uint64_t fp[2])
{
	/* any fixed change of a 128-bit hash is another key */
	struct cache_key k = { { fp[0] ^ 0x9e3779b97f4a7c15ull, ~fp[1] } };
	return k;
}

/* An entry of phase B: the pages p links to, its HTML's fingerprint, its
 * fine key (when it has one) and the problems its links had.  links_to is
 * stored as page indices: key_b covers the link environment, which lists
 * every page in order, and the fine key each index with the URL it gave,
 * so an entry is found only by a build whose indices name the same
 * pages. */
static void put_b(const struct run *r, const struct page *p, size_t i, const struct cache_key *k,
		  const struct cache_key *fine, int fine_put, const struct diag *problems)
{
	if (fine) {
		r->b_fine[i] = *fine;
		r->b_has_fine[i] = fine_put ? 1 : 2;
	}
	struct buf *e = &r->b_entry[i];
	cache_w_u32(e, (uint32_t)p->nlinks_to);
	for (size_t j = 0; j < p->nlinks_to; j++)
		cache_w_u32(e, (uint32_t)p->links_to[j]);
	cache_w_u64(e, p->html_fp[0]);
	cache_w_u64(e, p->html_fp[1]);
	/* the fine key, kept by every build that finds the entry by key_b */
	cache_w_u32(e, fine != NULL);
	if (fine) {
		cache_w_u64(e, fine->h[0]);
		cache_w_u64(e, fine->h[1]);
	}
	size_t np = problems ? diag_count(problems) : 0;
	cache_w_u32(e, (uint32_t)np);
	for (size_t j = 0; j < np; j++) {
		enum diag_level lvl;
		const char *path, *msg;
		int line, col;
		diag_at(problems, j, &lvl, &path, &line, &col, &msg);
		cache_w_u32(e, (uint32_t)lvl);
		cache_w_u32(e, (uint32_t)line);
		cache_w_u32(e, (uint32_t)col);
		cache_w_str(e, path);
		cache_w_str(e, msg);
	}
	r->b_key[i] = *k;
	struct buf b = BUF_INIT;
	struct cache_key hk = html_key(p->html_fp);
	/* the same HTML an earlier build stored: kept, not written again */
	if (!cache_touch(r->cache, &hk)) {
		buf_reset(&b);
		cache_w_str(&b, p->html);
		cache_w_str(&b, p->text);
		cache_put(r->cache, &hk, b.ptr, b.len);
	}
	buf_free(&b);
}

/* Puts the entries phase B made, in page order, as one run (the next
 * build reads them in a row), then those under fine keys as another. */
static void put_b_entries(struct run *r)
{
	if (!r->b_entry)
		return;
	size_t n = r->site.npages, m = 0;
	struct cache_key *k = xmalloc((2 * n + 1) * sizeof *k);
	char **data = xmalloc((2 * n + 1) * sizeof *data);
	size_t *len = xmalloc((2 * n + 1) * sizeof *len);
	for (int fine = 0; fine < 2; fine++)
		for (size_t i = 0; i < n; i++)
			if (r->b_entry[i].len && (!fine || r->b_has_fine[i] == 1)) {
				k[m] = fine ? r->b_fine[i] : r->b_key[i];
				data[m] = r->b_entry[i].ptr;
				len[m++] = r->b_entry[i].len;
			}
	cache_put_many(r->cache, k, data, len, m);
	m = 0;
	for (size_t i = 0; i < n; i++)
		if (r->b_has_fine[i] == 2)
			k[m++] = r->b_fine[i];
	cache_touch_many(r->cache, k, m);
	for (size_t i = 0; i < n; i++)
		buf_free(&r->b_entry[i]);
	free(r->b_entry);
	free(r->b_key);
	free(r->b_fine);
	free(r->b_has_fine);
	r->b_entry = NULL;
	r->b_key = NULL;
	r->b_fine = NULL;
	r->b_has_fine = NULL;
	free(k);
	free(data);
	free(len);
}

/* The problems that end a phase B entry, in a new collector (NULL when
 * none); rd is bad when they do not decode. */
static struct diag *get_problems_b(struct cache_reader *rd)
{
	uint32_t np = cache_r_u32(rd);
	if (rd->bad || !np || np > rd->len / 20) {
		rd->bad |= np > rd->len / 20;
		return NULL;
	}
	struct diag *d = diag_new();
	for (uint32_t j = 0; j < np && !rd->bad; j++) {
		uint32_t lvl = cache_r_u32(rd), line = cache_r_u32(rd), col = cache_r_u32(rd);
		char *path = cache_r_str(rd), *msg = cache_r_str(rd);
		rd->bad |= !path || !msg || lvl > DIAG_FAULT || line > INT_MAX || col > INT_MAX;
		if (!rd->bad)
			diag_report(d, (enum diag_level)lvl, *path ? path : NULL, (int)line, (int)col, "%s", msg);
		free(path);
		free(msg);
	}
	return d;
}

/* Takes the page's links from the cache; its HTML stays there until
 * something shows it (see load_html). */
static int get_b(const struct run *r, struct page *p, size_t i, const struct cache_key *k)
{
	char *data;
	size_t len;
	if (!cache_get_dense(r->cache, k, &data, &len))
		return -1;
	struct cache_reader rd = { .p = data, .len = len };
	uint32_t n = cache_r_u32(&rd);
	if (n > len / 4)
		rd.bad = 1;
	int *to = xcalloc(rd.bad || !n ? 1 : n, sizeof *to);
	/* other pages, in increasing order, as links_finish leaves them */
	for (uint32_t j = 0; !rd.bad && j < n; j++) {
		uint32_t t = cache_r_u32(&rd);
		if (t >= r->site.npages || r->site.pages[t] == p || (j && t <= (uint32_t)to[j - 1]))
			rd.bad = 1;
		to[j] = (int)t;
	}
	uint64_t fp[2];
	fp[0] = cache_r_u64(&rd);
	fp[1] = cache_r_u64(&rd);
	struct cache_key fine;
	uint32_t has_fine = cache_r_u32(&rd);
	if (has_fine) {
		fine.h[0] = cache_r_u64(&rd);
		fine.h[1] = cache_r_u64(&rd);
	}
	struct diag *problems = get_problems_b(&rd);
	free(data);
	if (rd.bad || rd.off != len) {
		free(to);
		diag_free(problems);
		return -1;
	}
	/* reported again, as the build that cached them did */
	p->links_noisy = problems != NULL;
	if (problems)
		diag_merge(r->link_d, problems);
	diag_free(problems);
	free(p->links_to);
	p->links_to = to;
	p->nlinks_to = n;
	memcpy(p->html_fp, fp, sizeof p->html_fp);
	p->html_lazy = 1;
	if (has_fine) {
		r->b_fine[i] = fine;
		r->b_has_fine[i] = 2;
	}
	/* kept for the next build even when no page shows it this time */
	struct cache_key hk = html_key(fp);
	cache_touch(r->cache, &hk);
	return 0;
}

static int get_html(const struct run *r, struct page *p)
{
	char *data;
	size_t len;
	struct cache_key hk = html_key(p->html_fp);
	if (!cache_get(r->cache, &hk, &data, &len))
		return -1;
	struct cache_reader rd = { .p = data, .len = len };
	char *html = cache_r_str(&rd);
	char *text = cache_r_str(&rd);
	free(data);
	if (rd.bad || rd.off != len) {
		free(html);
		free(text);
		return -1;
	}
	p->html = html;
	p->text = text;
	return 0;
}

/* The HTML and text of a page whose links came from the cache.  Should
 * the entry have become unreadable since, the Markdown is rendered again:
 * its links were checked when it was cached, so nothing is reported, and
 * its links_to, which other threads read, is left alone. */
static void load_html(void *ctx, struct page *p)
{
	struct run *r = ctx;
	if (!p->html_lazy)
		return;
	if (get_html(r, p) < 0 && need_body(r, p) == 0) {
		struct md_doc doc;
		parse_page(r, p, &doc, NO_TURN);
		struct links_ctx lc = { .site = &r->site, .ix = r->ix, .page = p, .out_path = p->out,
					.d = diag_new(), .no_hints = 1 };
		md_render(&doc, links_resolve, &lc, &p->html, &p->text);
		free(lc.targets);
		diag_free(lc.d);
		md_free(&doc);
	}
	p->html_lazy = 0;
}

/* Phase A's answer for a link: external or not, or dropped (the site's
 * raw-HTML setting in ctx), is all it can know. */
static void resolve_early(void *ctx, const char *url, int wiki, int is_image, int line, int col,
			  struct md_link_result *res)
{
	const struct run *r = ctx;
	(void)line, (void)col;
	res->external = !wiki && links_is_external(url, is_image);
	res->unlink = !wiki && links_is_dropped(url, is_image, r->site.cfg.unsafe_html);
}

/* The prefix of an article's heading ids in print.html. */
static char *print_prefix(const struct page *p)
{
	char *sl = slug_make(p->key), *prefix = xasprintf("%s--", sl);
	free(sl);
	return prefix;
}

/* Whether p is in print.html (its articles and the pages hooks add),
 * when the build writes one (not quire check; a theme may have no print
 * template). */
static int in_print(const struct run *r, const struct page *p)
{
	return !r->drop_bodies && !r->o->check_only && (p->kind == PAGE_ARTICLE || p->kind == PAGE_ADDED) &&
	       r->tmpl && tmpl_set_has(r->tmpl, "print");
}

/* doc rendered with its links left open (md_render_pre), its part of
 * print.html too when it has one; NULL: render it whole. */
static struct md_pre *render_pre(const struct run *r, const struct page *p, struct md_doc *doc)
{
	char *prefix = in_print(r, p) ? print_prefix(p) : NULL;
	struct md_pre *pre = md_render_pre(doc, resolve_early, (void *)r, prefix);
	free(prefix);
	return pre;
}

/* An article's part of print.html, its links resolved from there, out of
 * the tree phase A rendered (a handbook's articles are not parsed twice). */
static void finish_print(struct run *r, struct page *p)
{
	if (!p->pre->print_html)
		return;
	char *prefix = print_prefix(p);
	struct links_ctx lc = { .site = &r->site, .ix = r->ix, .page = p, .out_path = "print.html",
				.anchor_prefix = prefix };
	free(p->print_html);
	p->print_html = md_finish_print(p->pre, links_resolve, &lc);
	free(lc.targets);
	free(prefix);
}

/* The tree phase A parsed is the one phase B would render (unless Lua
 * filters run on each parse): render it now, links left open, and the
 * body is not needed again on a site too large for print.html. */
static void render_early(struct run *r, struct page *p, struct md_doc *doc)
{
	if (r->filters)
		return;
	/* An article's part of print.html is the same tree rendered again
	 * (see print_html_of) */
	p->pre = render_pre(r, p, doc);
	p->pre_declined = !p->pre;
	if (!p->pre)
		return;
	/* (site hooks are shown the bodies) */
	if (r->drop_bodies && p->src && !r->hooks) {
		free(p->body);
		p->body = NULL;
		p->body_lazy = 1;
	}
}

/* Phase A: headings and links as written, for every page. */
static void phase_a_page(void *ctx, size_t i)
{
	struct run *r = ctx;
	if (stopped(r))
		return;
	struct page *p = r->site.pages[i];
	if ((!p->body && !p->body_lazy) || p->headings)
		return;
	struct cache_key k;
	if (r->cache_md) {
		k = key_a(r, p);
		if (get_a(r, p, &k) == 0) {
			if (i < r->a_hit_n) /* (not for a page a site hook adds) */
				r->a_hit[i] = 1;
			atomic_fetch_add(&r->a_cached, 1);
			return;
		}
	}
	if (need_body(r, p) < 0)
		return;
	struct md_doc doc;
	int clean = parse_page(r, p, &doc, i);
	par_turn_pass(r->turns, i);
	md_headings(&doc, &p->headings, &p->nheadings);
	p->fnids = md_footnotes(&doc);
	p->fnset = md_footnote_set(p->fnids);
	md_links(&doc, &p->rawlinks, &p->nrawlinks);
	report_problems(r, p, doc.problems, doc.nproblems);
	render_early(r, p, &doc);
	if (r->cache_md && clean)
		put_a(r, p, &k, &doc);
	md_free(&doc);
}

/* What a link's problem may be told of (a page being built never links
 * to an old name): where git shows articles moved, and what went. */
static void with_hints(const struct run *r, struct links_ctx *lc)
{
	lc->moved_from = r->moves_from;
	lc->moved_to = r->moves_to;
	lc->nmoved = r->nmoves;
	lc->gone = (const char *const *)r->gone;
	lc->gone_note = (const char *const *)r->gone_note;
	lc->gone_title = (const char *const *)r->gone_title;
	lc->ngone = r->ngone;
}

/* The link problems of an article left out for its front matter, as
 * phases A and B would report them if it were right (without Lua
 * filters, which are shown only the site's pages).  Nothing of it is
 * kept: links to it are still to an article with errors. */
static void check_orphan(struct run *r, struct page *p)
{
	struct md_doc doc;
	md_parse(&doc, p->body, strlen(p->body), p->body_line, r->site.cfg.unsafe_html);
	md_expand_wikilinks(&doc);
	md_headings(&doc, &p->headings, &p->nheadings);
	p->fnids = md_footnotes(&doc);
	p->fnset = md_footnote_set(p->fnids);
	report_problems(r, p, doc.problems, doc.nproblems);
	struct links_ctx lc = { .site = &r->site, .ix = r->ix, .page = p, .out_path = p->out, .d = r->link_d };
	with_hints(r, &lc);
	char *html = NULL, *text = NULL;
	md_render(&doc, links_resolve, &lc, &html, &text);
	free(html);
	free(text);
	free(lc.targets);
	md_free(&doc);
}

static void check_orphans(struct run *r)
{
	for (size_t i = 0; i < r->norphans && !stopped(r); i++)
		check_orphan(r, r->orphans[i]);
}

static void phase_a(void *ctx, size_t i)
{
	struct run *r = ctx;
	phase_a_page(r, i);
	par_turn_pass(r->turns, i); /* (a page with nothing to filter) */
}

/* Resolves links for phase B with problems going to a private collector
 * first: a link with a problem is resolved again to report it for real,
 * into the page's own (mine), and the page is marked noisy.  Its entry
 * keeps those reports, for every build that takes it to make again. */
struct b_ctx {
	struct links_ctx lc;
	struct diag *quiet, *mine;
	int noisy;
	struct cache_keybuf *fine; /* each answer noted (links_note), or NULL */
	size_t noted;
};

static void resolve_noting(void *ctx, const char *url, int wiki, int is_image, int line, int col,
			   struct md_link_result *res)
{
	struct b_ctx *b = ctx;
	int before = diag_errors(b->quiet) + diag_warnings(b->quiet);
	size_t targets = b->lc.ntargets;
	links_resolve(&b->lc, url, wiki, is_image, line, col, res);
	if (b->fine) {
		links_note(b->fine, url, wiki, is_image, res,
			   b->lc.ntargets > targets ? b->lc.targets[b->lc.ntargets - 1] : -1);
		b->noted++;
	}
	if (diag_errors(b->quiet) + diag_warnings(b->quiet) == before)
		return;
	b->noisy = 1;
	free(res->href);
	free(res->title);
	memset(res, 0, sizeof *res);
	if (!b->mine)
		b->mine = diag_new();
	b->lc.d = b->mine;
	b->lc.no_hints = 0;
	links_resolve(&b->lc, url, wiki, is_image, line, col, res);
	b->lc.d = b->quiet;
	b->lc.no_hints = 1;
}

/* The fingerprint of HTML and text that no cache key names. */
/* (Salted with quire's own fingerprint, as every cache key is: the HTML
 * entry is found by it, and another quire may store it otherwise.) */
static void hash_html(const struct run *r, struct page *p)
{
	struct cache_keybuf kb;
	cache_key_begin(r->cache, &kb, "html");
	cache_key_str(&kb, p->html);
	cache_key_str(&kb, p->text);
	struct cache_key k = cache_key_end(&kb);
	memcpy(p->html_fp, k.h, sizeof p->html_fp);
}

static void drop_pre(struct page *p)
{
	md_pre_free(p->pre);
	p->pre = NULL;
}

static void render_markdown(struct run *r, struct page *p, size_t i)
{
	if (!p->body && !p->body_lazy) {
		if (p->html_in && !p->html)
			p->html = xstrdup(p->html_in);
		hash_html(r, p);
		return;
	}
	struct cache_key k, fk;
	struct links_sig sig = { 0 };
	if (r->cache_md) {
		k = key_b(r, p);
		int hit = get_b(r, p, i, &k) == 0, fine = 0;
		/* The link environment changed: the entry is found under the
		 * fine key, from the table or by resolving the links again. */
		if (!hit && b_table_fine(r, p, i, &fk))
			hit = fine = get_b(r, p, i, &fk) == 0;
		if (!hit && fine_key_b(r, p, i, &fk, &sig) && get_b(r, p, i, &fk) == 0) {
			hit = fine = 1;
			b_table_note(r, p, i, &fk, &sig);
		}
		links_sig_free(&sig);
		if (fine)
			put_b(r, p, i, &k, &fk, 0, NULL); /* found under key_b by the next build */
		if (hit) {
			atomic_fetch_add(&r->b_cached, 1);
			drop_pre(p);
			return;
		}
	}
	atomic_fetch_add(&r->b_rendered, 1);
	struct md_doc doc = { 0 };
	int clean = 1;
	if (p->pre)
		doc.tables_disabled = p->pre->tables_disabled;
	else if (need_body(r, p) < 0)
		return;
	else
		clean = parse_page(r, p, &doc, i);
	if (doc.tables_disabled)
		diag_warning(r->d, p->src ? p->src : p->key, p->src ? doc.tables_disabled : 0, p->src ? 1 : 0,
			     "this line has more than %d '|' characters: tables in this article are shown as text",
			     MD_MAX_TABLE_COLUMNS);
	/* Lua filters run on this parse, not phase A's: print.html's part
	 * is made from it too, as the page shows it */
	if (!p->pre && !p->pre_declined && in_print(r, p)) {
		p->pre = render_pre(r, p, &doc);
		md_free(&doc);
		if (p->pre)
			doc.tables_disabled = p->pre->tables_disabled;
		else
			clean &= parse_page(r, p, &doc, i); /* the declined try rewrote the tree */
	}
	par_turn_pass(r->turns, i);
	struct cache_keybuf fkb;
	struct b_ctx b = { .lc = { .site = &r->site, .ix = r->ix, .page = p, .out_path = p->out, .sig = &sig },
			   .quiet = diag_new(), .fine = r->cache_md ? &fkb : NULL };
	with_hints(r, &b.lc);
	if (b.fine)
		fine_b_begin(r, p, b.fine);
	b.lc.d = b.quiet;
	b.lc.no_hints = 1; /* (the problems are told again into mine) */
	if (p->pre) {
		md_finish(p->pre, resolve_noting, &b, &p->html, &p->text);
		finish_print(r, p);
		drop_pre(p);
	} else {
		md_render(&doc, resolve_noting, &b, &p->html, &p->text);
		md_free(&doc);
	}
	links_finish(&b.lc, p);
	diag_free(b.quiet);
	if (b.mine)
		diag_merge(r->link_d, b.mine);
	/* what the page's fingerprint and its cached HTML go by */
	hash_html(r, p);
	p->links_noisy = b.noisy;
	if (r->cache_md && clean && !doc.tables_disabled) {
		/* as links_digest ends */
		cache_key_int(&fkb, (long long)b.noted);
		fk = cache_key_end(&fkb);
		/* A problem's hint may name any page or file (did you mean
		 * 'leave.md'?): only key_b, which covers them all, finds a
		 * noisy page's entry. */
		put_b(r, p, i, &k, b.noisy ? NULL : &fk, 1, b.mine);
		if (!b.noisy)
			b_table_note(r, p, i, &fk, &sig);
		diag_free(b.mine);
		b.mine = NULL;
		/* The HTML and text wait in the cache until the page is
		 * rendered (load_html): every page's at once was a large
		 * site's peak memory. */
		free(p->html);
		free(p->text);
		p->html = p->text = NULL;
		p->html_lazy = 1;
	}
	diag_free(b.mine);
	links_sig_free(&sig);
}

static void phase_b_page(struct run *r, size_t i)
{
	if (stopped(r))
		return;
	struct page *p = r->site.pages[i];
	render_markdown(r, p, i);
	par_turn_pass(r->turns, i);
	/* Hooks are done with the page's data: its hash serves the build id
	 * and every fingerprint of the page. */
	struct cache_keybuf kb;
	cache_key_begin(NULL, &kb, "data");
	cache_key_json(&kb, p->data);
	struct cache_key dk = cache_key_end(&kb);
	memcpy(p->data_fp, dk.h, sizeof p->data_fp);
	/* Only print.html parses the Markdown again, and a site too large
	 * for one has no use for it: keeping every body beside its HTML
	 * would be a large site's peak memory.  A page whose HTML is still
	 * in the cache may need its body again, should the entry prove
	 * unreadable: it is read again from its source, or kept when it
	 * has none. */
	if (r->drop_bodies && (p->src || !p->html_lazy)) {
		free(p->body);
		p->body = NULL;
		p->body_lazy = p->src != NULL;
	}
}

static void phase_b(void *ctx, size_t i)
{
	struct run *r = ctx;
	phase_b_page(r, i);
	par_turn_pass(r->turns, i); /* (a build stopped: the pages after wait) */
}

/* ---- hooks (site) --------------------------------------------------- */

static json_t *site_json(const struct run *r)
{
	json_t *site = json_object();
	json_t *cfg = json_deep_copy(r->site.cfg.params);
	json_object_set_new(site, "site", cfg);
	json_t *pages = json_array();
	for (size_t i = 0; i < r->site.npages; i++) {
		const struct page *p = r->site.pages[i];
		json_t *j = page_json(p);
		json_t *hs = json_array();
		for (size_t k = 0; k < p->nheadings; k++)
			json_array_append_new(hs, json_pack("{s:i,s:s,s:s}", "level", p->headings[k].level,
							    "text", p->headings[k].text, "id", p->headings[k].id));
		json_object_set_new(j, "headings", hs);
		json_t *ls = json_array();
		for (size_t k = 0; k < p->nrawlinks; k++)
			json_array_append_new(ls, json_string(p->rawlinks[k].url));
		json_object_set_new(j, "links", ls);
		json_array_append_new(pages, j); /* (history: see hook_history) */
	}
	json_object_set_new(site, "pages", pages);
	return site;
}

static struct page *added_page(struct run *r, json_t *spec)
{
	const char *path = json_string_value(json_object_get(spec, "path"));
	const char *title = json_string_value(json_object_get(spec, "title"));
	const char *tmpl = json_string_value(json_object_get(spec, "template"));
	const char *md = json_string_value(json_object_get(spec, "markdown"));
	const char *html = json_string_value(json_object_get(spec, "html"));
	json_t *data = json_object_get(spec, "data");
	if (!path || !title)
		return NULL;
	if (tmpl && !tmpl_set_has(r->tmpl, tmpl)) {
		const char *script = json_string_value(json_object_get(spec, "script"));
		int line = (int)json_integer_value(json_object_get(spec, "line"));
		diag_error(r->d, script ? script : path, script ? line : 0, script ? 1 : 0,
			   "quire.add_page: '%s' has the unknown template '%s' (the theme has no %s.mustache)", path,
			   tmpl, tmpl);
		return NULL;
	}
	struct page *p = xcalloc(1, sizeof *p);
	p->kind = PAGE_ADDED;
	p->key = xstrdup(path);
	const char *script = json_string_value(json_object_get(spec, "script"));
	if (script)
		p->origin = xasprintf("%s:%d", script, (int)json_integer_value(json_object_get(spec, "line")));
	p->out = xasprintf("%s.html", path);
	p->dir = dirname_of(path);
	p->name = basename_of(path);
	p->data = json_is_object(data) ? json_deep_copy(data) : json_object();
	json_object_set_new(p->data, "title", json_string(title));
	if (tmpl)
		json_object_set_new(p->data, "template", json_string(tmpl));
	/* Other keys reach templates under params, as front matter's do,
	 * beside what data.params already holds. */
	p->weight = json_number_value(json_object_get(p->data, "weight"));
	json_t *given = json_incref(json_object_get(p->data, "params"));
	split_params(p->data);
	if (json_is_object(given))
		json_object_update(json_object_get(p->data, "params"), given);
	json_decref(given);
	if (md) {
		p->body = xstrdup(md);
		p->body_line = 1;
		site_body_fp(p->body, p->body_fp);
	} else {
		p->html_in = xstrdup(html ? html : "");
	}
	return p;
}

static int run_site_hooks(struct run *r, json_t *claims)
{
	if (!r->hooks || !hooks_has_site(r->hooks))
		return 0;
	json_t *site = site_json(r);
	json_t *added = json_array();
	int rc = hooks_run_site(r->hooks, site, added, r->d);
	size_t i;
	json_t *spec;
	/* a failed hook fails the build: what it added is not made (nor put
	 * in the cache, as a failed build writes nothing in the site) */
	if (rc < 0)
		json_array_clear(added);
	json_array_foreach(added, i, spec) {
		struct page *p = added_page(r, spec);
		if (!p)
			continue;
		/* (the page quire makes for a folder claimed the name: below,
		 * that is the clearer error) */
		int at = site_find(&r->site, p->key);
		const struct page *had = at >= 0 ? r->site.pages[at] : NULL;
		int made = had && !had->src && (had->kind == PAGE_SECTION || had->kind == PAGE_HOME);
		if (!made && claim(r, claims, p->out, p->key) < 0) {
			page_free(p);
			rc = -1;
			continue;
		}
		if (site_add_page(&r->site, p) < 0) {
			/* the page quire makes for a folder with no index.md */
			const char *script = json_string_value(json_object_get(spec, "script"));
			int line = (int)json_integer_value(json_object_get(spec, "line"));
			diag_error(r->d, script ? script : p->key, script ? line : 0, script ? 1 : 0,
				   "quire.add_page: '%s' is the section page quire makes for the folder '%s'; "
				   "write content/%s.md to give it a text of its own", p->key, p->dir, p->key);
			page_free(p);
			rc = -1;
			continue;
		}
		phase_a(r, r->site.npages - 1);
	}
	/* a folder that only added pages are in gets the page quire makes for
	 * a folder, as one of articles does: a section listing them */
	size_t had = r->site.npages;
	if (rc == 0)
		add_sections(r);
	for (size_t i = had; i < r->site.npages; i++)
		phase_a(r, i);
	json_decref(added);
	json_decref(site);
	return rc;
}

/* ---- aliases --------------------------------------------------------- */

/* The line of key in the front matter of p's source, or 0 (no source, or
 * no such key there: a hook set it).  Reads the file again: only an error
 * needs it. */
static int source_key_line(const struct run *r, const struct page *p, const char *key)
{
	return p->src ? fm_file_key_line(r->site.dir, p->src, key) : 0;
}

/* Reports msg (taken) about an alias of p, at its aliases: line. */
static void alias_error(struct run *r, const struct page *p, char *msg)
{
	int line = source_key_line(r, p, "aliases");
	diag_error(r->d, p->src ? p->src : p->key, line, line ? 1 : 0, "%s", msg);
	free(msg);
}

/* The output file of alias al of p (new string), or NULL after reporting
 * an alias that cannot have one. */
static char *alias_out(struct run *r, const struct page *p, const char *al)
{
	char *key = site_alias_key(al);
	if (!key) {
		alias_error(r, p, xasprintf("alias '%s' must be a relative path inside the site", al));
		return NULL;
	}
	char *out = xasprintf("%s.html", key);
	const char *mine = site_reserved(out);
	int t = site_find(&r->site, key);
	if (mine) {
		alias_error(r, p, xasprintf("alias '%s' would replace %s (%s)", al, mine, out));
	} else if (t >= 0 && !r->site.pages[t]->src && r->site.pages[t]->kind != PAGE_ADDED) {
		/* a section page quire makes: never claimed */
		alias_error(r, p, xasprintf("alias '%s' collides with the page quire makes for the folder '%s' (both would write %s)",
					    al, r->site.pages[t]->dir, out));
	} else {
		free(key);
		return out;
	}
	free(key);
	free(out);
	return NULL;
}

/* Claims every page's aliases beside its pages and files, once the hooks
 * (which may change aliases or add pages) have run: a collision is
 * reported with every other error of the run, at the aliases: line, not
 * only once the site renders. */
static void claim_aliases(struct run *r, json_t *claims)
{
	for (size_t i = 0; i < r->site.npages; i++) {
		const struct page *p = r->site.pages[i];
		size_t k;
		json_t *a;
		json_array_foreach(json_object_get(p->data, "aliases"), k, a) {
			const char *al = json_string_value(a);
			char *out = al ? alias_out(r, p, al) : NULL;
			if (!out)
				continue;
			char *low = claim_key(out);
			const char *prev = json_string_value(json_object_get(claims, low));
			if (prev)
				alias_error(r, p, xasprintf("alias '%s' collides with %s (both would write %s)", al, prev, out));
			else
				json_object_set_new(claims, low, json_sprintf("the alias '%s' of %s", al, p->src ? p->src : p->key));
			if (!prev)
				json_object_set_new(r->aliased, low, json_true());
			free(low);
			free(out);
		}
	}
}

/* Two articles with one title look alike in search results, the A-Z
 * list and navigation, and [[that title]] is an error only once some page
 * writes it: the editor is told while it is one edit to fix (each later
 * one, at its title line, naming the first). */
static void same_title(void *ctx, const int *pages, size_t n)
{
	struct run *r = ctx;
	const struct page *first = NULL;
	for (size_t k = 0; k < n; k++) {
		const struct page *p = r->site.pages[pages[k]];
		if (!p->src)
			continue; /* a page quire or a hook made */
		if (!first) {
			first = p;
			continue;
		}
		int line = source_key_line(r, p, "title");
		const char *t = page_title(p);
		diag_warning(r->d, p->src, line, line ? 1 : 0,
			     "%s has the title '%s' too: readers cannot tell the two apart in search and the A-Z "
			     "list, and [[%s]] would be ambiguous; give one a more specific title",
			     first->src, t, t);
	}
}

/* ---- output --------------------------------------------------------- */

static int copy_tree(struct run *r, struct output *out, const char *src_dir, const char *dst_rel)
{
	char **files = NULL;
	size_t n = 0;
	int rc = 0;
	if (fs_list_files(src_dir, &files, &n) < 0) {
		diag_fault(r->d, r->theme_rel, 0, 0, "cannot read the theme's assets folder: %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (is_worker_source(dst_rel, files[i])) {
			free(files[i]);
			continue;
		}
		char *src = xasprintf("%s/%s", src_dir, files[i]);
		char *dst = xasprintf("%s/%s", dst_rel, files[i]);
		if (output_copy(out, dst, src, r->d) < 0)
			rc = -1;
		free(src);
		free(dst);
		free(files[i]);
	}
	free(files);
	return rc;
}

#define WIP_NAMED 10

/* An article committed at HEAD and deleted in the working tree, the
 * deletion not committed: the site published lacks what git says it
 * holds, and no page says so.  (The scan found the sources: sc->md, sorted.) */
static int rel_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(char *const *)elem);
}

/* Whether the scan passes over rel (a name in it that scan_ignored
 * skips: ".drafts/x.md", "x.md~"): such a file is no source, deleted or not. */
static int scan_skips(const char *rel)
{
	char name[256];
	for (const char *p = rel; *p;) {
		size_t n = strcspn(p, "/");
		if (n < sizeof name) {
			memcpy(name, p, n);
			name[n] = '\0';
			if (scan_ignored(name))
				return 1;
		}
		p += n + (p[n] == '/');
	}
	return 0;
}

/* ---- withdrawn guidance -------------------------------------------- */

/* The articles committed at HEAD and deleted in the working tree, the
 * deletion not committed (the scan found the sources: sc->md, sorted),
 * found once a build: r->wt_deleted (sorted), their count returned. */
static size_t wt_deletions(struct run *r, const struct scan_result *sc)
{
	if (r->wt_deleted)
		return r->nwt_deleted;
	const char **live;
	size_t n = hist_live_paths(r->hist, &live), m = 0;
	for (size_t i = 0; i < n; i++)
		if (!strncmp(live[i], "content/", 8) && !scan_skips(live[i] + 8) &&
		    !bsearch(live[i] + 8, sc->md, sc->nmd, sizeof *sc->md, rel_cmp))
			live[m++] = live[i];
	r->wt_deleted = live;
	r->nwt_deleted = m;
	return m;
}

#define GONE_ADVICE "remove the link, or point it at the guidance that replaces it"

/* Whether path is the old name of a rename staged. */
static int moved_now(const struct run *r, const char *path)
{
	for (size_t i = 0; i < r->nstaged; i++)
		if (!strcmp(r->staged_from[i], path))
			return 1;
	return 0;
}

/* Every move a broken link's hint may name: those committed, and those
 * staged (git mv) and not committed yet, which a pre-commit check meets
 * first; a name moved twice goes where it went last. */
static void note_moves(struct run *r)
{
	const char *const *from, *const *to;
	size_t n = hist_moves(r->hist, &from, &to), k = 0, m = 0;
	r->nstaged = hist_staged_moves(r->hist, &r->staged_from, &r->staged_to);
	r->moves_from = xmalloc((n + r->nstaged + 1) * sizeof *r->moves_from);
	r->moves_to = xmalloc((n + r->nstaged + 1) * sizeof *r->moves_to);
	for (size_t i = 0; i < n || k < r->nstaged;) {
		int c = i == n ? 1 : k == r->nstaged ? -1 : strcmp(from[i], r->staged_from[k]);
		if (c < 0) {
			r->moves_from[m] = from[i];
			r->moves_to[m++] = to[i++];
		} else {
			i += c == 0;
			r->moves_from[m] = r->staged_from[k];
			r->moves_to[m++] = r->staged_to[k++];
		}
	}
	r->nmoves = m;
}

/* The front matter of version blob of the file at path (a new
 * reference), or NULL when it has none that parses; *read: the blob
 * could be read.  Nothing is reported: the version is history. */
static json_t *blob_front_matter(struct run *r, const char *blob, const char *path, int *read)
{
	size_t len;
	char *text = hist_read_blob(r->hist, blob, &len);
	struct diag *quiet = diag_new();
	struct fm_parts parts;
	json_t *fm = NULL;
	if (text && fm_split(text, len, path, &parts, quiet) == 0 && parts.has_fm)
		fm = fm_parse_yaml(text + parts.yaml_off, parts.yaml_len, path, parts.yaml_line, quiet);
	*read = text != NULL;
	diag_free(quiet);
	free(text);
	return fm;
}

/* The title of the version of an article a deletion took away (blob, the
 * file at path then), for the hint of a wiki link by that title; NULL
 * when it has none.  Kept in the build cache by blob: a build reads no
 * blob for it again.  A new string. */
static char *gone_title(struct run *r, const char *blob, const char *path)
{
	if (!*blob)
		return NULL;
	struct cache_keybuf kb;
	cache_key_begin(r->cache, &kb, "gone-title-1");
	cache_key_str(&kb, blob);
	struct cache_key k = cache_key_end(&kb);
	char *t;
	size_t len;
	if (r->cache && cache_get(r->cache, &k, &t, &len)) {
		char *title = len ? xstrndup(t, len) : NULL;
		free(t);
		return title;
	}
	int read;
	json_t *fm = blob_front_matter(r, blob, path, &read);
	const char *v = json_string_value(json_object_get(fm, "title"));
	char *title = v && *v ? xstrdup(v) : NULL;
	if (r->cache && read && !r->o->check_only)
		cache_put(r->cache, &k, title ? title : "", title ? strlen(title) : 0);
	json_decref(fm);
	return title;
}

/* The articles whose history ends in their deletion, for the hint of a
 * link to one: when, by whom and why git says it went.  A withdrawal the
 * site does not show (a draft's) is named too: the editor sees drafts. */
static void note_gone(struct run *r, const struct scan_result *sc)
{
	size_t n;
	const struct hist_file *f = hist_files(r->hist, &n);
	r->gone = xmalloc((n + 1) * sizeof *r->gone);
	r->gone_note = xmalloc((n + 1) * sizeof *r->gone_note);
	r->gone_title = xmalloc((n + 1) * sizeof *r->gone_title);
	for (size_t i = 0; i < n; i++) {
		const struct hist_rev *rv = f[i].n ? &f[i].revs[0] : NULL;
		const char *path = rv && rv->change == HIST_DELETED ? f[i].path : NULL;
		char *how = NULL;
		/* moved into a folder the site does not read (".archive/") */
		if (rv && hist_moved_out_of_sight(rv)) {
			path = rv->old_path;
			how = xasprintf("moved to %s (a folder the site does not read)", f[i].path);
		}
		size_t pl = path ? strlen(path) : 0;
		if (pl > 11 && !strncmp(path, "content/", 8) && !strcmp(path + pl - 3, ".md")) {
			char *day = hist_date_human(rv->time, rv->tz_minutes);
			r->gone[r->ngone] = xstrdup(path);
			r->gone_title[r->ngone] = gone_title(r, rv->base, path);
			r->gone_note[r->ngone++] = xasprintf("git shows the article was %s on %s by %s (%.10s: %s); %s",
							     how ? how : "deleted", day, rv->author, rv->id,
							     rv->subject, GONE_ADVICE);
			free(day);
		}
		free(how);
	}
	/* deleted and not yet committed: a pre-commit check's usual case */
	size_t nd = wt_deletions(r, sc);
	r->gone = xrealloc(r->gone, (r->ngone + nd + 1) * sizeof *r->gone);
	r->gone_note = xrealloc(r->gone_note, (r->ngone + nd + 1) * sizeof *r->gone_note);
	r->gone_title = xrealloc(r->gone_title, (r->ngone + nd + 1) * sizeof *r->gone_title);
	for (size_t i = 0; i < nd; i++)
		if (!moved_now(r, r->wt_deleted[i])) {
			r->gone_title[r->ngone] = NULL;
			r->gone[r->ngone] = xstrdup(r->wt_deleted[i]);
			r->gone_note[r->ngone++] = xasprintf("the article is deleted in the working tree (not yet "
							     "committed); %s", GONE_ADVICE);
		}
}

/* The aliases of withdrawn guidance that are still free (as claimed,
 * not to be claimed again): its old addresses lead to the notice. */
static json_t *free_aliases(json_t *claims, json_t *aliases, const char *who)
{
	json_t *keep = json_array(), *a;
	size_t k;
	json_array_foreach(aliases, k, a) {
		char *key = site_alias_key(json_string_value(a));
		char *out = key ? xasprintf("%s.html", key) : NULL, *low = out ? claim_key(out) : NULL;
		if (low && !site_reserved(out) && !json_object_get(claims, low)) {
			json_object_set_new(claims, low, json_sprintf("the alias '%s' of %s", json_string_value(a), who));
			json_array_append(keep, a);
		}
		free(low);
		free(out);
		free(key);
	}
	return keep;
}

/* The title and summary of the version of an article a withdrawal took
 * away (blob, the file at path then): the notice names what was
 * withdrawn.  A new object, with its aliases (settle_withdrawn keeps
 * those still free); its title from the file's name when the
 * version has none (a build showing drafts). */
static json_t *withdrawn_data(struct run *r, const char *blob, const char *path, const char *name)
{
	int read;
	json_t *data = json_object(), *fm = *blob ? blob_front_matter(r, blob, path, &read) : NULL;
	const char *keys[] = { "title", "summary" };
	for (size_t k = 0; k < 2; k++) {
		const char *v = json_string_value(json_object_get(fm, keys[k]));
		if (v && *v)
			json_object_set_new(data, keys[k], json_string(v));
	}
	if (!json_object_get(data, "title"))
		json_object_set_new(data, "title", own_string(site_title_from_name(name)));
	json_t *aliases = json_object_get(fm, "aliases");
	if (json_is_array(aliases))
		json_object_set(data, "aliases", aliases); /* (free_aliases keeps those still free) */
	json_object_set_new(data, "params", json_object());
	json_decref(fm);
	return data;
}

/* Whether the article whose history is hf was published, and then
 * withdrawn: its history as staff read it (without drafts, nor what
 * hooks hide) ends in a deletion that took it off the main line, where it
 * had been (hist_withdrawal; not an article a branch added and deleted
 * again before it was merged).  *blob: the version it took away. */
static int withdrawn_while_published(struct run *r, struct draft_blobs *t, const struct hist_file *hf,
				     char blob[41], char **key, uint32_t *when)
{
	struct hist_file *pub = NULL;
	if (!r->o->drafts)
		hist_published_read(r->hist, t, r->judging, hf, &pub);
	else
		hist_in_sight(hf, &pub); /* (a preview hides no withdrawal) */
	const struct hist_file *f = pub ? pub : hf;
	size_t del, last;
	int yes = hist_withdrawal(f, &del, &last) && !hist_is_boundary(r->hist, &f->revs[del]) &&
		  (*key = site_source_key(f->revs[del].path)) != NULL;
	if (yes) {
		memcpy(blob, f->revs[last].blob, 41);
		*when = hist_effective_order(&f->revs[del]);
	}
	hist_published_free(pub);
	return yes;
}

/* Whether the source at path (content/K.md) is a draft this build
 * leaves out. */
static int left_out_draft(const struct run *r, const char *path)
{
	size_t n = strlen(path);
	if (n < 12 || strcmp(path + n - 3, ".md"))
		return 0;
	char *k = xasprintf("key:%.*s", (int)(n - 11), path + 8);
	const char *src = json_string_value(json_object_get(r->site.drafts, k));
	free(k);
	return src && !strcmp(src, path);
}

/* Whether hf may end in a withdrawal (the published history is read
 * only for those): it has a deletion (a draft committed since at the
 * same place leaves the withdrawal the last thing staff saw), it lies
 * where the site reads no source (moved to ".archive/"), or it is a
 * draft today, which may have taken a published article off the site. */
static int may_be_withdrawn(const struct run *r, const struct hist_file *hf)
{
	size_t n = strlen(hf->path);
	/* (the history of a file articles link is no article's) */
	if (hf->n < 2 || strncmp(hf->path, "content/", 8) || n < 11 || strcmp(hf->path + n - 3, ".md"))
		return 0;
	if (!scan_source_path(hf->path + 8) || left_out_draft(r, hf->path))
		return 1;
	for (size_t k = 0; k < hf->n; k++)
		if (hf->revs[k].change == HIST_DELETED)
			return 1;
	return 0;
}

/* What render reads of the pages' link environment covers withdrawn
 * pages too (their past versions' links are noted by page), and which
 * pages there are says so. */
static void with_env(struct run *r, const struct page *p)
{
	if (!r->page_env)
		return;
	size_t n = r->site.npages;
	r->page_env = xrealloc(r->page_env, (n + 1) * sizeof *r->page_env);
	links_page_env(p, &r->page_env[n - 1]);
	struct cache_keybuf kb;
	cache_key_begin(r->cache, &kb, "link-env-pages-withdrawn");
	cache_key_bytes(&kb, r->env_pages.h, sizeof r->env_pages.h);
	cache_key_str(&kb, p->key);
	/* (a shadowed page is one site_find does not find: as if another
	 * page, for the links that looked for it and found nothing) */
	cache_key_int(&kb, p->shadowed);
	r->env_pages = cache_key_end(&kb);
}

/* The page of withdrawn guidance at key (taken), hf its history and
 * blob the version withdrawn; shadowed: its address is another's (see
 * page.shadowed).  Returns it (the site's). */
static struct page *withdrawn_page(struct run *r, json_t *claims, const struct hist_file *hf, char *key,
				   const char *blob, int shadowed)
{
	struct page *p = xcalloc(1, sizeof *p);
	p->kind = PAGE_WITHDRAWN;
	p->shadowed = shadowed;
	p->src = xstrdup(hf->path);
	p->dir = dirname_of(key);
	p->name = basename_of(key);
	p->key = key;
	p->out = xasprintf("%s.html", key);
	char *low = claim_key(p->out);
	if (!shadowed)
		json_object_set_new(claims, low, json_string(hf->path));
	free(low);
	p->data = withdrawn_data(r, blob, hf->path, p->name);
	/* a draft today: a taking down is its withdrawal (see may_be_withdrawn) */
	p->draft = left_out_draft(r, hf->path);
	if (shadowed)
		site_append_page(&r->site, p);
	else
		site_add_page(&r->site, p);
	r->site.nwithdrawn++;
	with_env(r, p);
	return p;
}

/* Where withdrawn guidance may go (withdrawn_address). */
enum { ADDR_TAKEN, ADDR_FREE, ADDR_ALIAS, ADDR_SECTION };

/* Whether the address of withdrawn guidance at key (its output claimed
 * as low) is free, taken by an alias or by the section page quire makes
 * for a folder, which keep it while the guidance keeps its history, or
 * taken otherwise. */
static int withdrawn_address(const struct run *r, json_t *claims, const char *key, const char *low)
{
	int t = site_find(&r->site, key);
	if (t < 0 && !json_object_get(claims, low))
		return ADDR_FREE;
	if (t < 0)
		return json_object_get(r->aliased, low) ? ADDR_ALIAS : ADDR_TAKEN;
	const struct page *p = r->site.pages[t];
	return !p->src && (p->kind == PAGE_SECTION || p->kind == PAGE_HOME) ? ADDR_SECTION : ADDR_TAKEN;
}

/* Whether the folder of a withdrawn index.md (key "D/index", gone its
 * history) still held guidance once the deletion took effect (when, its
 * place on the main line): then the deletion withdrew no guidance, the
 * section page quire makes took the place of the folder's own.  The home
 * page always stays.  Read from the histories of every file: asked only
 * where such a section page has the address. */
static int folder_stays(const struct run *r, const struct hist_file *gone, const char *key, uint32_t when)
{
	size_t n, dl = strlen(key) - strlen("index");
	if (!dl)
		return 1;
	const struct hist_file *f = hist_files(r->hist, &n);
	for (size_t i = 0; i < n; i++) {
		const struct hist_rev *rv = &f[i] == gone ? NULL : hist_rev_at(&f[i], when);
		const char *rel = rv && !strncmp(rv->path, "content/", 8) ? rv->path + 8 : NULL;
		size_t len = rel ? strlen(rel) : 0;
		if (rel && rv->change != HIST_DELETED && len > dl + 3 && !strncmp(rel, key, dl) &&
		    !strcmp(rel + len - 3, ".md") && scan_source_path(rel))
			return 1;
	}
	return 0;
}

/* The aliases of the withdrawn pages, once every withdrawn address is
 * claimed (an alias does not take another withdrawn article's), and
 * their data's fingerprints, which the aliases are part of. */
static void settle_withdrawn(struct run *r, json_t *claims)
{
	for (size_t i = site_listed(&r->site); i < r->site.npages; i++) {
		struct page *p = r->site.pages[i];
		json_t *al = json_object_get(p->data, "aliases");
		if (al)
			json_object_set_new(p->data, "aliases", free_aliases(claims, al, p->src));
		struct cache_keybuf kb;
		cache_key_begin(NULL, &kb, "withdrawn-data");
		cache_key_json(&kb, p->data);
		cache_key_int(&kb, p->draft);
		cache_key_int(&kb, p->section_stays);
		struct cache_key dk = cache_key_end(&kb);
		memcpy(p->data_fp, dk.h, sizeof p->data_fp);
	}
}

/* A withdrawal found: its history, where (key, taken), the version it
 * took away and when it took effect. */
struct withdrawal {
	const struct hist_file *hf;
	char *key;
	char blob[41];
	uint32_t when;
};

/* Every withdrawal, the newest at each address (an article archived,
 * then another written there and withdrawn too: the later one is the
 * address's), in the histories' order.  Returns the count. */
static size_t find_withdrawals(struct run *r, struct withdrawal **out)
{
	size_t n, m = 0;
	const struct hist_file *f = hist_files(r->hist, &n);
	struct withdrawal *v = xmalloc((n + 1) * sizeof *v);
	json_t *at = json_object(); /* claim_key of the address -> its index in v */
	struct draft_blobs *t = NULL;
	for (size_t i = 0; i < n; i++) {
		struct withdrawal w = { &f[i], NULL, "", 0 };
		if (!may_be_withdrawn(r, w.hf))
			continue;
		if (!t && !r->o->drafts)
			t = draft_blobs_load(r->cache, r->judging);
		if (!withdrawn_while_published(r, t, w.hf, w.blob, &w.key, &w.when))
			continue;
		char *out = xasprintf("%s.html", w.key), *low = claim_key(out);
		json_t *had = json_object_get(at, low);
		if (!had) {
			json_object_set_new(at, low, json_integer((json_int_t)m));
			v[m++] = w;
		} else if (v[json_integer_value(had)].when < w.when) {
			free(v[json_integer_value(had)].key);
			v[json_integer_value(had)] = w;
		} else {
			free(w.key);
		}
		free(low);
		free(out);
	}
	draft_blobs_free(t);
	json_decref(at);
	*out = v;
	return m;
}

/* An article deleted in git while published keeps its address: a notice
 * that it was withdrawn, when and by whom, with its history and past
 * versions (withdrawn: false in site.yml leaves them out, as a theme
 * without a withdrawn template does).  Not where any other page, alias
 * or file is written, nor at a name the scan would pass over, and only
 * once every link is resolved: a link to withdrawn guidance stays an
 * error. */
static void add_withdrawn(struct run *r, json_t *claims)
{
	if (!r->hist || !r->site.cfg.withdrawn || !r->tmpl)
		return;
	/* a theme made before quire wrote notices: said, not guessed at */
	int theme = tmpl_set_has(r->tmpl, "withdrawn");
	size_t without = 0;
	struct withdrawal *v;
	size_t n = find_withdrawals(r, &v);
	for (size_t i = 0; i < n; i++) {
		char *out = xasprintf("%s.html", v[i].key), *low = claim_key(out), *rel = xasprintf("%s.md", v[i].key);
		int at = scan_source_path(rel) && !site_reserved(out) ? withdrawn_address(r, claims, v[i].key, low)
									: ADDR_TAKEN;
		if (at != ADDR_TAKEN && theme) {
			struct page *p = withdrawn_page(r, claims, v[i].hf, v[i].key, v[i].blob, at != ADDR_FREE);
			p->section_stays = at == ADDR_SECTION && folder_stays(r, v[i].hf, v[i].key, v[i].when);
			v[i].key = NULL;
		}
		without += at != ADDR_TAKEN && !theme;
		free(rel);
		free(low);
		free(out);
		free(v[i].key);
	}
	free(v);
	settle_withdrawn(r, claims);
	if (without) {
		char *trel = xasprintf("%s/templates", r->theme_rel);
		diag_warning(r->d, trel, 0, 0, "the theme has no template 'withdrawn.mustache', so %zu withdrawn "
			     "article%s (deleted in git while published) %s no notice at %s address: copy the template "
			     "from quire's default theme, or set 'withdrawn: false' in site.yml", without,
			     without == 1 ? "" : "s", without == 1 ? "has" : "have", without == 1 ? "its" : "their");
		free(trel);
	}
}

static void warn_uncommitted_deletions(struct run *r, const struct scan_result *sc, struct diag *d)
{
	size_t n = wt_deletions(r, sc), more = n > WIP_NAMED ? n - WIP_NAMED : 0;
	for (size_t i = 0; i < n && i < WIP_NAMED; i++)
		diag_warning(d, r->wt_deleted[i], 0, 0, "deleted, but the deletion is not committed: its page is left "
			     "out of this build though git still holds it (commit the deletion before publishing, "
			     "or restore the file)");
	if (more)
		diag_warning(d, NULL, 0, 0, "%zu more articles are deleted without the deletion committed", more);
}

/* A build to publish (not serve's preview) of articles with work not
 * committed: the default theme's article page says so, which readers
 * would see.  Named up to WIP_NAMED, then counted. */
static void warn_work_in_progress(struct run *r, const struct scan_result *sc, struct diag *d)
{
	size_t more = 0, named = 0;
	if (!r->hist)
		return;
	for (size_t i = 0; r->hist && i < r->site.npages; i++) {
		const struct page *p = r->site.pages[i];
		enum hist_state st = p->src && p->kind == PAGE_ARTICLE ? hist_state(r->hist, p->src) : HIST_CLEAN;
		if (st != HIST_UNCOMMITTED && st != HIST_UNTRACKED)
			continue;
		if (named++ >= WIP_NAMED) {
			more++;
			continue;
		}
		diag_warning(d, p->src, 0, 0, "%s: its page tells readers so (commit it before publishing; "
			     "quire serve previews without this warning)",
			     st == HIST_UNTRACKED ? "not committed yet" : "has changes that are not committed");
	}
	if (more)
		diag_warning(d, NULL, 0, 0, "%zu more articles have work not committed, and their pages tell readers so",
			     more);
	warn_uncommitted_deletions(r, sc, d);
}

/* Appends text with each @MARK@ of marks[] replaced by its value. */
static void put_marked(struct buf *b, const char *text, size_t len, const char *const marks[][2],
		       size_t nmarks)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *at = memchr(p, '@', (size_t)(end - p));
		size_t i = 0;
		if (!at) {
			buf_put(b, p, (size_t)(end - p));
			break;
		}
		buf_put(b, p, (size_t)(at - p));
		for (; i < nmarks; i++) {
			size_t ml = strlen(marks[i][0]);
			if ((size_t)(end - at) >= ml && !memcmp(at, marks[i][0], ml))
				break;
		}
		if (i < nmarks) {
			buf_puts(b, marks[i][1]);
			p = at + strlen(marks[i][0]);
		} else {
			buf_putc(b, '@');
			p = at + 1;
		}
	}
}

/* A language tag as BCP 47 writes one (letters, digits, '-'), so it can
 * go into the worker's script as it is; else NULL. */
static const char *plain_language(const char *lang)
{
	if (!lang || !*lang)
		return NULL;
	for (const char *p = lang; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return NULL;
	return lang;
}

/* The service worker must sit at the root for its scope to be the whole
 * site, and it carries the build id (pages do not, so a rebuild leaves
 * unchanged pages byte-identical) and the site's language (its offline
 * page's).  The theme's assets/sw.js is its source, not an asset: it is
 * not copied to OUT/assets/ (is_worker_source). */
static int write_service_worker(struct run *r, struct output *out, const char *bid)
{
	char *path = xasprintf("%s/assets/sw.js", r->theme_dir);
	char *text = NULL;
	size_t len = 0;
	int rc = 0;
	if (fs_read_file(path, &text, &len) == 0) {
		struct buf b = BUF_INIT;
		const char *lang = plain_language(r->site.cfg.language);
		/* the title goes between double quotes in the script: JSON's
		 * escapes, in ASCII, are a JavaScript string's too */
		json_t *t = json_string(r->site.cfg.title);
		struct buf quoted = BUF_INIT;
		if (t && buf_put_json(&quoted, t, JSON_ENCODE_ANY | JSON_ENSURE_ASCII) == 0 && quoted.len >= 2)
			quoted.ptr[--quoted.len] = '\0';
		json_decref(t);
		const char *const marks[][2] = { { "@QUIRE_BUILD@", bid },
						 { "@QUIRE_LANG@", lang ? lang : "@QUIRE_LANG@" },
						 { "@QUIRE_TITLE@", quoted.len ? quoted.ptr + 1 : "@QUIRE_TITLE@" } };
		put_marked(&b, text, len, marks, 3);
		buf_free(&quoted);
		rc = output_write(out, "sw.js", buf_cstr(&b), b.len, r->d);
		buf_free(&b);
	}
	free(text);
	free(path);
	return rc;
}

/* Whether url might name one of the attachments (its file name, or
 * percent-escapes): the few drafts' attachments are looked for in every
 * page's links. */
static int may_name(const char *url, char *const *names, size_t n)
{
	if (strchr(url, '%'))
		return 1;
	for (size_t i = 0; i < n; i++)
		if (strstr(url, names[i]))
			return 1;
	return 0;
}

/* Marks with bit in mark the attachments the links name (written in
 * folder dir); with names, only links that may name one of them. */
static void mark_assets(const struct site *s, const char *dir, const struct rawlink *l, size_t n, char *mark,
			int bit, char *const *names, size_t nnames)
{
	for (size_t k = 0; k < n; k++) {
		if (names && !may_name(l[k].url, names, nnames))
			continue;
		long a = links_asset_of(s, dir, l[k].url, l[k].wiki);
		if (a >= 0)
			mark[a] |= (char)bit;
	}
}

/* Marks the attachments the draft left out at content/src (src is
 * "content/...") links to. */
static void mark_draft_assets(struct run *r, const char *src, char *mark)
{
	char *full = xasprintf("%s/%s", r->site.dir, src);
	char *text = NULL, *dir = xstrdup(src + 8);
	size_t len;
	struct fm_parts parts;
	struct diag *quiet = diag_new();
	char *slash = strrchr(dir, '/');
	*(slash ? slash : dir) = '\0';
	if (fs_read_file(full, &text, &len) == 0 && fm_split(text, len, src, &parts, quiet) == 0) {
		struct md_doc doc;
		struct rawlink *links = NULL;
		size_t n = 0;
		md_parse(&doc, text + parts.body_off, len - parts.body_off, parts.body_line, r->site.cfg.unsafe_html);
		md_links(&doc, &links, &n);
		md_free(&doc);
		mark_assets(&r->site, dir, links, n, mark, 1, NULL, 0);
		for (size_t k = 0; k < n; k++)
			free(links[k].url);
		free(links);
	}
	diag_free(quiet);
	free(text);
	free(dir);
	free(full);
}

/* Which attachments only drafts link to (1; 0 the others), or NULL: a
 * draft's attachment (a letter, a form) is as unpublished as its text.
 * One no page links to is published: it may be linked from elsewhere. */
static char *draft_only_assets(struct run *r)
{
	if (!r->site.nassets || !json_object_size(r->site.drafts))
		return NULL;
	char *mark = xcalloc(r->site.nassets, 1);
	const char *key;
	json_t *v;
	json_object_foreach(r->site.drafts, key, v)
		if (!strncmp(key, "key:", 4))
			mark_draft_assets(r, json_string_value(v), mark);
	char **names = xcalloc(r->site.nassets, sizeof *names);
	size_t nn = 0;
	for (size_t i = 0; i < r->site.nassets; i++)
		if (mark[i]) {
			const char *slash = strrchr(r->site.assets[i], '/');
			names[nn++] = (char *)(slash ? slash + 1 : r->site.assets[i]);
		}
	for (size_t i = 0; nn && i < r->site.npages; i++) {
		const struct page *p = r->site.pages[i];
		mark_assets(&r->site, p->dir, p->rawlinks, p->nrawlinks, mark, 2, names, nn);
	}
	free(names);
	if (!nn) {
		free(mark);
		return NULL;
	}
	return mark;
}

static int write_assets(struct run *r, struct output *out)
{
	int rc = 0;
	char *draft_only = draft_only_assets(r);
	for (size_t i = 0; i < r->site.nassets; i++) {
		if (draft_only && draft_only[i] == 1)
			continue;
		char *src = xasprintf("%s/content/%s", r->site.dir, r->site.assets[i]);
		if (output_copy(out, r->site.assets[i], src, r->d) < 0)
			rc = -1;
		free(src);
	}
	free(draft_only);
	char *adir = xasprintf("%s/assets", r->theme_dir);
	if (copy_tree(r, out, adir, "assets") < 0)
		rc = -1;
	free(adir);
	return rc;
}

/* ---- attachments that would run script ------------------------------- */

/* Raw HTML is off unless the site says so (markdown.unsafe_html): then
 * no attachment in content/ may run script on the site's pages either.
 * An HTML file is raw HTML whole; an SVG or XML file only when it holds
 * script (active_markup), as a browser opening it runs that on the
 * site's address. */
static void refuse_active_assets(struct run *r)
{
	if (r->site.cfg.unsafe_html)
		return;
	for (size_t i = 0; i < r->site.nassets; i++) {
		const char *a = r->site.assets[i];
		enum active_kind kind = active_kind_of(a);
		if (kind == ACTIVE_NONE)
			continue;
		char *rel = xasprintf("content/%s", a);
		if (kind == ACTIVE_HTML) {
			diag_error(r->d, rel, 0, 0, "%s file is published as it is, with any script in it, and raw HTML is off: "
				   "write it as Markdown, or set markdown.unsafe_html: true in site.yml to publish it",
				   strlen(a) > 5 && !strcasecmp(a + strlen(a) - 5, ".svgz") ? "a compressed SVG (which quire cannot look into)" : "an HTML");
			free(rel);
			continue;
		}
		char *full = xasprintf("%s/%s", r->site.dir, rel), *data = NULL;
		size_t len = 0, at = 0;
		const char *why = NULL;
		int read = fs_read_file(full, &data, &len);
		/* one that cannot be read whole cannot be said to run nothing */
		if (read != 0 && kind == ACTIVE_XML)
			why = read == -3 ? "more than quire reads to check (8 MiB)" : "nothing quire could read to check";
		else if (read == 0)
			why = active_content(a, kind, data, len, &at);
		if (why) {
			int line = 1, col = 1;
			for (size_t k = 0; k < at; k++)
				data[k] == '\n' ? (line++, col = 1) : col++;
			diag_error(r->d, rel, line, col, "this file would run script on the site's pages when opened (it has "
				   "%s), and raw HTML is off: remove it, or set markdown.unsafe_html: true in site.yml", why);
		}
		free(data);
		free(full);
		free(rel);
	}
}

/* quire check copies nothing, but says what a build could not copy: a
 * file of the site it may not read (the environment's fault: exit 2). */
static void check_readable(struct run *r, const char *rel)
{
	char *full = xasprintf("%s/%s", r->site.dir, rel);
	int fd = open(full, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	else if (errno != ENOENT)
		unreadable(r, rel, errno);
	free(full);
}

static void check_assets(struct run *r)
{
	for (size_t i = 0; i < r->site.nassets; i++) {
		char *rel = xasprintf("content/%s", r->site.assets[i]);
		check_readable(r, rel);
		free(rel);
	}
	char *adir = xasprintf("%s/assets", r->theme_dir);
	char **files = NULL;
	size_t n = 0;
	if (fs_list_files(adir, &files, &n) == 0)
		for (size_t i = 0; i < n; i++) {
			char *rel = xasprintf("%s/assets/%s", r->theme_rel, files[i]);
			check_readable(r, rel);
			free(rel);
			free(files[i]);
		}
	free(files);
	free(adir);
}

/* ---- build id ---------------------------------------------------------- */

static void fnv(uint64_t *h, const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++) {
		*h ^= p[i];
		*h *= 0x100000001b3ULL;
	}
	*h ^= 0xff; /* field separator */
	*h *= 0x100000001b3ULL;
}

static void fnv_str(uint64_t *h, const char *s)
{
	fnv(h, s ? s : "", s ? strlen(s) : 0);
}

static void fnv_json(uint64_t *h, json_t *v)
{
	struct buf d = BUF_INIT;
	buf_put_json(&d, v, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
	fnv_str(h, buf_cstr(&d));
	buf_free(&d);
}

/* The theme's files hashed, read once, with what a build asks of its
 * templates' text: whether one mentions build_id (then it is part of
 * fingerprints) and whether one outputs extra_head. */
static uint64_t theme_digest(const struct run *r, int *uses_build_id, int *has_extra_head)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	char **files = NULL;
	size_t n = 0;
	*uses_build_id = *has_extra_head = 0;
	fs_list_files(r->theme_dir, &files, &n);
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", r->theme_dir, files[i]);
		char *data = NULL;
		size_t len = 0;
		fnv_str(&h, files[i]);
		if (fs_read_file(path, &data, &len) == 0) {
			fnv(&h, data, len);
			if (!strncmp(files[i], "templates/", 10)) {
				*uses_build_id |= memmem(data, len, "build_id", 8) != NULL;
				*has_extra_head |= memmem(data, len, "extra_head", 10) != NULL;
			}
		} else {
			/* unread (no descriptor left, say): assume it holds both,
			 * which costs renders, not a false warning or a stale page */
			fnv_str(&h, "\x01unread");
			*uses_build_id = *has_extra_head = 1;
		}
		free(data);
		free(path);
		free(files[i]);
	}
	free(files);
	return h;
}

/* Where what the cache keeps of kind for the files written into out lives
 * (their manifest, the look they were made with). */
static struct cache_key out_key(const struct run *r, const char *out, const char *kind)
{
	struct cache_keybuf kb;
	/* the same key before OUT exists (the first build) as after */
	char *real = fs_resolve(out);
	cache_key_begin(r->cache, &kb, kind);
	cache_key_str(&kb, real ? real : out);
	free(real);
	return cache_key_end(&kb);
}

/* What every rendered output depends on besides its own context and its
 * template (tmpl_digest, in each fingerprint): site.yml and --extra-head
 * (quire itself is in every cache key).  Outputs whose context, template
 * and render key are unchanged are linked from the previous build without
 * rendering (output_reuse).  The theme's assets are not in it: they are
 * copied, not rendered into pages. */
static struct cache_key render_key(const struct run *r)
{
	struct cache_keybuf kb;
	char *cfg = xasprintf("%s/site.yml", r->site.dir), *data = NULL;
	size_t len = 0;
	cache_key_begin(r->cache, &kb, "render-2");
	if (fs_read_file(cfg, &data, &len) == 0)
		cache_key_bytes(&kb, data, len);
	cache_key_str(&kb, r->o->extra_head);
	free(data);
	free(cfg);
	return cache_key_end(&kb);
}

/* A fingerprint of everything a build reads, so the service worker knows
 * when to refresh its cache.  Never a time: rebuilding the same sources
 * must give the same bytes. */
static char *build_id(const struct run *r, uint64_t th)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	fnv_str(&h, QUIRE_BUILD_SALT);
	fnv_json(&h, r->site.cfg.params);
	for (size_t i = 0; i < r->site.npages; i++) {
		const struct page *p = r->site.pages[i];
		struct cache_keybuf kb;
		cache_key_begin(NULL, &kb, "page");
		cache_key_str(&kb, p->key);
		cache_key_bytes(&kb, p->data_fp, sizeof p->data_fp);
		cache_key_bytes(&kb, p->body_fp, sizeof p->body_fp);
		cache_key_str(&kb, p->html_in);
		struct cache_key k = cache_key_end(&kb);
		fnv(&h, k.h, sizeof k.h);
	}
	for (size_t i = 0; i < r->site.nassets; i++)
		fnv_str(&h, r->site.assets[i]);
	fnv(&h, &th, sizeof th);
	if (r->hist)
		fnv_str(&h, hist_head(r->hist));
	return xasprintf("%016llx", (unsigned long long)h);
}

/* ---- the run -------------------------------------------------------- */

void build_cache_free(struct build_cache *c)
{
	if (c && c->hist)
		hist_free(c->hist);
	if (c)
		c->hist = NULL;
}

static void free_page(void *ctx, size_t i)
{
	struct site *s = ctx;
	if (s->pages[i])
		drop_pre(s->pages[i]);
	page_free(s->pages[i]);
	s->pages[i] = NULL;
}

static void run_free(struct run *r)
{
	/* A large site's pages are some hundred thousand blocks: freed on
	 * every core. */
	par_for(r->site.npages, r->jobs, free_page, &r->site);
	links_index_free(r->ix);
	for (size_t i = 0; i < r->norphans; i++)
		page_free(r->orphans[i]);
	free(r->orphans);
	free(r->page_env);
	if (r->hooks)
		hooks_free(r->hooks);
	/* A cached history belongs to the caller's build_cache. */
	if (r->hist && !(r->o->cache && r->o->cache->hist == r->hist))
		hist_free(r->hist);
	if (r->tmpl)
		tmpl_set_free(r->tmpl);
	site_free(&r->site);
	free(r->theme_dir);
	free(r->theme_rel);
	sources_free(&r->snap);
	buf_free(&r->new_sources);
	json_decref(r->claims);
	json_decref(r->aliased);
	for (size_t i = 0; i < r->nclashes; i++)
		free(r->clashes[i]);
	free(r->clashes);
	for (size_t i = 0; i < r->ngone; i++) {
		free(r->gone[i]);
		free(r->gone_note[i]);
		free(r->gone_title[i]);
	}
	free(r->gone);
	free(r->gone_note);
	free(r->gone_title);
	free(r->staged_from);
	free(r->staged_to);
	free(r->moves_from);
	free(r->moves_to);
	free(r->wt_deleted);
	scan_free(&r->scan);
	free(r->a_hit);
	draft_blobs_free(r->hook_drafts);
}

/* A shallow clone (CI's usual checkout) has no history before its oldest
 * commits: the publisher is told, as the site cannot say who last changed
 * an article older than that, nor list its changes. */
static void warn_shallow(const struct history *h, struct diag *d)
{
	size_t n;
	const struct hist_file *f = hist_files(h, &n);
	long long at = LLONG_MIN;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; f[i].truncated && k < f[i].n; k++)
			if (hist_is_boundary(h, &f[i].revs[k]) && f[i].revs[k].time > at)
				at = f[i].revs[k].time;
	if (at == LLONG_MIN)
		return;
	time_t t = (time_t)at;
	struct tm tm;
	char day[32] = "its oldest commit";
	if (gmtime_r(&t, &tm))
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
	diag_warning(d, NULL, 0, 0,
		     "the repository is a shallow clone: its history before %s is missing, so for an article "
		     "unchanged since then it cannot say who last changed it or when, and histories and the recent "
		     "changes begin there; "
		     "build from a full clone (git fetch --unshallow; in CI, e.g. fetch-depth: 0)",
		     day);
}

/* OUT is checked, locked and its staging folder prepared (with the
 * previous build's manifest read) while the sources load: it depends on
 * none of them.  Its diagnostics wait in d until the build knows it will
 * write.  The staging folder is begun first thing (begin: sweeping it
 * stats every file kept from the build before last); the manifest is read
 * once the cache is open (open_output, which waits for begin). */
struct output_job {
	struct run *r;
	struct output *out;
	const char *out_path;
	struct diag *d;
	int rc;
	struct cache_key mkey;
	struct par_task *begin;
	atomic_int stop_prelink; /* set before the task is joined */
	int theme_read;          /* theme_digest's answers, read by the task: */
	int uses_bid, extra_head;
	uint64_t theme;
	struct cache_key lkey, look; /* the look, and where the cache keeps it */
};

static void begin_output(void *ctx)
{
	struct output_job *j = ctx;
	const struct build_opts *o = j->r->o;
	j->rc = output_begin(j->out, o->site_dir, j->out_path,
			     (o->force ? OUTPUT_FORCE : 0) | (o->out_dir ? 0 : OUTPUT_DEFAULT_OUT) |
				     (o->new_files ? OUTPUT_NEW_FILES : 0),
			     j->r->jobs, o->stop,
			     j->d);
}

/* The delta the last build left, and the base it names (seen in place
 * in the cache when it can be); an older quire's whole image, as such. */
static void load_manifest(struct output_job *j)
{
	struct cache *c = j->r->cache;
	char *delta, *img;
	const char *view;
	size_t dlen, len;
	struct cache_key bkey;
	if (!cache_get(c, &j->mkey, &delta, &dlen))
		return;
	if (!output_delta_base(delta, dlen, bkey.h)) {
		output_set_manifest(j->out, delta, dlen);
		return;
	}
	if (cache_view(c, &bkey, &view, &len))
		output_load_manifest(j->out, view, len, 0, delta, dlen);
	else if (cache_get(c, &bkey, &img, &len))
		output_load_manifest(j->out, img, len, 1, delta, dlen);
	else
		free(delta);
}

/* Stores what output_commit left: a new base under a key made from its
 * bytes, named in the delta; else the base read is kept for the next. */
static void store_manifest(struct run *r, const struct cache_key *mkey, struct output_manifest *m)
{
	struct cache_key bkey;
	if (m->base.len) {
		struct cache_keybuf kb;
		cache_key_begin(r->cache, &kb, "output-manifest-base");
		cache_key_bytes(&kb, m->base.ptr, m->base.len);
		bkey = cache_key_end(&kb);
		cache_put(r->cache, &bkey, m->base.ptr, m->base.len);
		output_name_base(m, bkey.h);
	} else if (output_delta_base(m->delta.ptr, m->delta.len, bkey.h)) {
		cache_touch(r->cache, &bkey);
	}
	cache_put(r->cache, mkey, m->delta.ptr, m->delta.len);
}

/* What every page's look depends on: the theme, site.yml and
 * --extra-head (render_key) and the scripts. */
static struct cache_key look_of(const struct run *r, uint64_t theme)
{
	struct cache_keybuf kb;
	struct cache_key rk = render_key(r);
	char *dir = xasprintf("%s/scripts", r->site.dir), **files = NULL;
	size_t n = 0;
	cache_key_begin(r->cache, &kb, "look");
	cache_key_bytes(&kb, &theme, sizeof theme);
	cache_key_bytes(&kb, rk.h, sizeof rk.h);
	fs_list_files(dir, &files, &n);
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, files[i]), *data = NULL;
		size_t len = 0;
		cache_key_str(&kb, files[i]);
		if (fs_read_file(path, &data, &len) == 0)
			cache_key_bytes(&kb, data, len);
		free(data);
		free(path);
		free(files[i]);
	}
	free(files);
	free(dir);
	return cache_key_end(&kb);
}

/* Whether the last build into OUT had this look: then most of its files
 * will be kept, and linking them all ahead pays (output_prelink).  After
 * a change of template, linking them would be wasted, and so would
 * unlinking each to write its new page. */
static int same_look(struct output_job *j)
{
	char *last;
	size_t len;
	j->lkey = out_key(j->r, j->out_path, "output-look");
	j->look = look_of(j->r, j->theme);
	if (!cache_get(j->r->cache, &j->lkey, &last, &len))
		return 0;
	int same = len == sizeof j->look.h && !memcmp(last, j->look.h, len);
	free(last);
	return same;
}

static void open_output(void *ctx)
{
	struct output_job *j = ctx;
	par_join(j->begin);
	j->begin = NULL;
	if (j->rc == 0 && j->r->cache) {
		j->mkey = out_key(j->r, j->out_path, "output-manifest");
		load_manifest(j);
		j->theme = theme_digest(j->r, &j->uses_bid, &j->extra_head);
		j->theme_read = 1;
		if (same_look(j))
			output_prelink(j->out, &j->stop_prelink);
	}
}

struct history_job {
	const struct build_opts *o;
	const char *site_dir;
	int save_cache, jobs;
	struct diag *d;
	struct history *h;
};

static void git_ready(const struct build_opts *o)
{
	if (o->git_ready)
		o->git_ready(o->git_ctx);
}

/* A history read from its cache loads beside the sources; a walk waits
 * for them (beside them, its garbage would be the peak), so this loads
 * nothing when the cache is not current.  The probe is made here, off
 * the main thread: it is the build's first call into libgit2, which may
 * still be setting up (see main). */
static void load_history(void *ctx)
{
	struct history_job *j = ctx;
	git_ready(j->o);
	if (hist_cache_current(j->site_dir))
		j->h = hist_load_ex(j->site_dir, j->save_cache, j->jobs, j->d);
}

/* --strict: CI publishes nothing a warning is about (a shallow clone's
 * missing revisions, text not committed, a placeholder left in). */
static int failed_strict(const struct build_opts *o, const struct diag *d)
{
	return o->strict && diag_warnings_of_quire(d) > 0;
}

/* One try at the build.  *again: Lua filters moved their state while
 * some pages' work came from the cache (filter_cache_close), and the
 * build is to be made again, nothing of this try kept. */
static int build_once(const struct build_opts *o, struct diag *d, struct build_stats *st, int *again_out)
{
	double t0 = diag_clock_ms(), tl = t0;
	int again = 0, no_fcache = *again_out;
	const char *tv = getenv("QUIRE_TIMINGS");
	struct run r = { .o = o, .d = d, .timings = !tv ? 0 : !strcmp(tv, "pages") ? 2 : 1, .no_fcache = no_fcache };
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	r.start_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	struct scan_result sc = { 0 };
	struct output out = { 0 };
	struct history_job hj = { o, o->site_dir, !o->check_only, 1, d, NULL };
	struct par_task *hist_task = NULL, *out_task = NULL;
	json_t *claims = json_object();
	r.aliased = json_object();
	int status = 0, hook_failed = 0, out_open = 0, rendered = 0;
	char *out_path = o->out_dir ? xstrdup(o->out_dir) : xasprintf("%s/public", o->site_dir);
	struct output_job oj = { .r = &r, .out = &out, .out_path = out_path, .rc = -1 };
	memset(st, 0, sizeof *st);
	r.jobs = o->jobs > 0 ? o->jobs : par_default_jobs();
	hj.jobs = r.jobs;
	site_init(&r.site, o->site_dir);

	/* Nothing (not even the output's lock file) is made in a folder that
	 * is no site. */
	if (site_check_dir(o->site_dir, d) < 0) {
		status = 2;
		goto done;
	}
	if (site_check_links(o->site_dir, d) < 0) {
		status = 1; /* the site's own files, as a link out of content/ is */
		goto done;
	}
	if (o->bundle && !o->check_only && output_check_bundle(o->site_dir, out_path, o->bundle, d) < 0) {
		status = 2;
		goto done;
	}
	config_load(&r.site.cfg, o->site_dir, d);
	if (r.site.cfg.history && !o->cache)
		hist_task = par_start(r.jobs, load_history, &hj);
	if (!o->check_only) {
		oj.d = diag_new();
		oj.begin = par_start(r.jobs, begin_output, &oj);
	}
	load_theme(&r);
	if (scan_content(o->site_dir, &sc, d) == -2) {
		status = 2;
		goto done;
	}
	/* quire check writes nothing, not even a cache, but reads what the
	 * last builds left: an unchanged source is not parsed again. */
	git_ready(o);
	r.cache = o->check_only ? cache_open_readonly(o->site_dir) : cache_open(o->site_dir);
	if (!o->check_only)
		out_task = par_start(r.jobs, open_output, &oj);
	if (r.theme_dir)
		claim_theme_assets(&r, claims);
	load_pages(&r, &sc, claims);
	diag_lap(r.timings, "load", &tl);
	if (starved(&r)) {
		status = 2;
		goto done;
	}
	if (hist_task) {
		par_join(hist_task);
		hist_task = NULL;
		r.hist = hj.h;
	}
	if (r.site.cfg.history && o->cache)
		r.hist = o->cache->hist = hist_reload(o->cache->hist, o->site_dir, d);
	else if (r.site.cfg.history && !r.hist)
		r.hist = hist_load_ex(o->site_dir, !o->check_only, r.jobs, d);
	if (r.hist)
		warn_shallow(r.hist, d);
	/* A site copied without .git (a Docker context, git archive) went
	 * out with no history, no redirects and no notices, and no word. */
	if (r.hist && !hist_in_repo(r.hist) && !o->check_only && !o->extra_head && !diag_faults(d))
		diag_warning(d, NULL, 0, 0,
			     "history is on, but the site is in no git repository: its pages have no change history, "
			     "moved articles no redirects and withdrawn ones no notice; build from a clone of the "
			     "repository, or set history: false in site.yml to publish without it");
	if (r.hist) {
		size_t asked, by_blob;
		hist_settle_state(r.hist, sc.md, sc.mdst, sc.nmd, r.start_ns, !o->check_only, &asked, &by_blob, d);
		if (r.timings && hist_head(r.hist)[0] && asked == SIZE_MAX)
			fprintf(stderr, "working-tree state: read whole from git\n");
		else if (r.timings && hist_head(r.hist)[0])
			fprintf(stderr, "working-tree state: %zu of %zu sources asked (%zu told by their blob alone), "
				"the rest as the last build saw them\n", asked, sc.nmd, by_blob);
	}
	if (r.hist) {
		note_moves(&r);
		note_gone(&r, &sc);
	}
	/* The walk frees far more than it keeps: give it back before the
	 * pages take their share (peak memory is measured, see bench). */
	if (r.hist && !hist_from_cache(r.hist))
		malloc_trim(0);
	if (r.hist)
		diag_lap(r.timings, hist_from_cache(r.hist) ? "history (from cache)" : "history", &tl);
	struct hooks_env henv = { .markdown = hook_markdown, .markdown_ctx = &r, .site = r.site.cfg.params };
	if (r.hist) {
		henv.history = hook_history;
		henv.history_ctx = henv.head_ctx = &r;
		henv.head = hook_head;
	}
	r.hooks = hooks_load_env(o->site_dir, &henv, d, &hook_failed);
	hooks_set_stop(r.hooks, o->stop);
	hooks_set_templates(r.hooks, theme_has, r.tmpl);
	r.filters = hooks_has_filter(r.hooks);
	r.cache_md = r.cache != NULL;
	if (r.hooks && hooks_has_page(r.hooks))
		need_bodies(&r); /* a page hook is shown each page's body */
	set_judge(&r);
	if (starved(&r)) {
		status = 2;
		goto done;
	}
	run_page_hooks(&r, claims);
	settle_clashes(&r, claims);
	claim_sections(&r, claims);
	diag_lap(r.timings, "hooks", &tl);
	size_t articles = 0;
	for (size_t i = 0; i < r.site.npages; i++)
		articles += r.site.pages[i]->kind == PAGE_ARTICLE;
	r.drop_bodies = articles > RENDER_PRINT_MAX_ARTICLES;
	r.a_hit_n = r.site.npages;
	r.a_hit = xcalloc(r.a_hit_n + 1, 1);
	/* A Lua filter's bug fails it on every page: reported once (it runs
	 * again in phase B, where the same report is one diag drops). */
	hooks_pages_begin(r.hooks);
	if (r.filters)
		r.cache_md = filter_cache_open(&r, "a", &r.fstate);
	r.turns = turns_new(&r);
	par_for(r.site.npages, r.jobs, phase_a, &r);
	par_turns_free(r.turns);
	r.turns = NULL;
	if (r.fcheck && filter_cache_close(&r, "a", &r.fstate, atomic_load(&r.a_cached))) {
		again = 1;
		goto done;
	}
	malloc_trim(0); /* the parse trees are gone; keep the peak low */
	diag_lap(r.timings, "markdown", &tl);
	r.link_d = d;
	/* A script that did not load, or an on_site handler that failed, adds
	 * no page: link errors would blame content for the script. */
	int site_failed = run_site_hooks(&r, claims) < 0;
	if ((hook_failed || site_failed) && diag_errors(d))
		r.link_d = diag_new();
	hooks_pages_end(r.hooks, d);
	draft_blobs_free(r.hook_drafts);
	r.hook_drafts = NULL;
	claim_aliases(&r, claims);
	store_sources(&r);
	/* Two passes over every page's title and headings, one per core. */
	struct par_task *env_task = r.cache ? par_start(r.jobs, link_env_task, &r) : NULL;
	r.ix = links_index_new(&r.site, r.jobs);
	links_same_titles(r.ix, same_title, &r);
	par_join(env_task);
	check_orphans(&r);
	struct cache_key fstate_a = r.fstate;
	if (r.filters) {
		r.cache_md = filter_cache_open(&r, "b", &r.fstate);
		r.fstate_same = !memcmp(&fstate_a, &r.fstate, sizeof fstate_a);
	}
	if (r.cache_md) {
		r.b_entry = xcalloc(r.site.npages + 1, sizeof *r.b_entry);
		r.b_key = xcalloc(r.site.npages + 1, sizeof *r.b_key);
		r.b_fine = xcalloc(r.site.npages + 1, sizeof *r.b_fine);
		r.b_has_fine = xcalloc(r.site.npages + 1, 1);
		if (r.page_env)
			b_table_open(&r);
	}
	hooks_pages_begin(r.hooks);
	r.turns = turns_new(&r);
	par_for(r.site.npages, r.jobs, phase_b, &r);
	par_turns_free(r.turns);
	r.turns = NULL;
	again = r.fcheck && filter_cache_close(&r, "b", &r.fstate, atomic_load(&r.b_cached));
	hooks_pages_end(r.hooks, d);
	put_b_entries(&r); /* (after a move, under a state never looked up again) */
	b_table_close(&r);
	if (again)
		goto done;
	if (!r.drop_bodies)
		need_bodies(&r); /* print.html shows every body */
	if (starved(&r)) {
		status = 2;
		goto done;
	}
	malloc_trim(0);
	diag_lap(r.timings, "links", &tl);
	if (r.timings)
		fprintf(stderr, "markdown bodies: %d rendered, %d from the cache\n", atomic_load(&r.b_rendered),
			atomic_load(&r.b_cached));
	if (stopped(&r)) {
		diag_error(d, NULL, 0, 0, "build interrupted");
		status = 2;
		goto done;
	}
	if (!diag_errors(d))
		add_withdrawn(&r, claims);

	if (out_task) {
		atomic_store(&oj.stop_prelink, 1);
		par_join(out_task);
		out_task = NULL;
		if (!diag_errors(d)) {
			diag_merge(d, oj.d);
			if (oj.rc < 0) {
				status = 2;
				goto done;
			}
			out_open = 1;
			size_t ahead = output_prelink_finish(&out);
			if (r.timings && ahead)
				fprintf(stderr, "first rebuild into OUT: %zu files linked ahead from the last build\n", ahead);
		} else if (oj.rc == 0) {
			output_abort(&out);
		}
	}
	struct cache_key mkey = oj.mkey, rkey = { { 0, 0 } };
	int uses_bid = oj.uses_bid, extra_head = oj.extra_head;
	uint64_t theme = oj.theme_read ? oj.theme : theme_digest(&r, &uses_bid, &extra_head);
	/* (serve adds its reload script through extra_head) */
	if (!extra_head && fs_is_dir(r.theme_dir)) {
		char *trel = xasprintf("%s/templates", r.theme_rel);
		diag_warning(d, trel, 0, 0, "no template outputs {{{extra_head}}} in <head>: "
			     "quire serve cannot reload the pages in the browser");
		free(trel);
	}
	if (out_open && r.cache)
		rkey = render_key(&r);
	char *bid = build_id(&r, theme);
	diag_lap(r.timings, "build id and manifest", &tl);
	struct render_env env = { .build_id = bid, .site = &r.site, .tmpl = r.tmpl, .hist = r.hist, .ix = r.ix,
				  .cache = r.cache, .link_env = r.env, .page_env = r.page_env,
				  .env_pages = r.env_pages,
				  .out = out_open ? &out : NULL, .d = d, .jobs = r.jobs,
				  .extra_head = o->extra_head, .root_url = o->root_url, .stop = o->stop,
				  .timings = r.timings, .render_key = rkey, .fp_build_id = uses_bid,
				  .load_html = load_html, .load_ctx = &r, .hide_drafts = !o->drafts, .judge = r.judging,
				  .html_plain = !r.filters, .parse = r.filters ? render_parse : NULL,
				  .key_filters = r.filters && r.cache_md ? render_key_filters : NULL };
	if (out_open && r.hist)
		env.past_files = past_files_new(r.hist, r.site.cfg.unsafe_html);
	refuse_active_assets(&r);
	if (!diag_errors(d)) {
		render_site(&env);
		rendered = !stopped(&r);
		if (!o->check_only && !o->extra_head)
			warn_work_in_progress(&r, &sc, d);
	} else if (!stopped(&r)) {
		render_tag_problems(&r.site, d);
	}
	diag_lap(r.timings, "render", &tl);
	if (out_open && !diag_errors(d)) {
		if (write_assets(&r, &out) == 0 && (!env.past_files || past_files_write(env.past_files, &out, d) == 0))
			write_service_worker(&r, &out, bid);
	} else if (o->check_only) {
		check_assets(&r);
	}
	past_files_free(env.past_files);
	if (stopped(&r))
		diag_error(d, NULL, 0, 0, "build interrupted");
	if (out_open) {
		struct output_manifest manifest = { BUF_INIT, BUF_INIT };
		out.preview = o->drafts;
		if (diag_errors(d) || stopped(&r) || failed_strict(o, d)) {
			output_abort(&out);
		} else if (output_commit(&out, r.cache ? &manifest : NULL, o->bundle, d) < 0) {
			status = 2;
		} else if (r.cache) {
			/* the next build links what it would render the same */
			store_manifest(&r, &mkey, &manifest);
			if (oj.theme_read)
				cache_put(r.cache, &oj.lkey, oj.look.h, sizeof oj.look.h);
		}
		buf_free(&manifest.base);
		buf_free(&manifest.delta);
		out_open = 0;
		diag_lap(r.timings, "commit", &tl);
	}
	st->pages = env.pages_written;
	if (r.timings)
		fprintf(stderr, "pages: %d rendered, %d linked from the last build\n", env.pages_rendered,
			env.pages_written - env.pages_rendered);
	if (r.timings && env.print_articles)
		fprintf(stderr, "print.html: %d of %d articles rendered from Markdown\n", env.print_parsed,
			env.print_articles);
	free(bid);
	for (size_t i = 0; i < r.site.npages; i++) {
		st->articles += r.site.pages[i]->kind == PAGE_ARTICLE;
		st->drafts_in += r.site.pages[i]->kind == PAGE_ARTICLE && r.site.pages[i]->draft;
	}
	st->drafts = r.drafts_left;
done:
	if (out_task || oj.begin) {
		atomic_store(&oj.stop_prelink, 1);
		par_join(out_task ? out_task : oj.begin);
		if (oj.rc == 0)
			output_abort(&out);
	}
	diag_free(oj.d);
	if (hist_task) {
		par_join(hist_task);
		r.hist = hj.h;
	}
	if (out_open)
		output_abort(&out);
	if (!status && diag_errors(d))
		status = stopped(&r) || diag_faults(d) ? 2 : 1;
	if (!status && failed_strict(o, d))
		status = 1;
	/* Entries are right whatever the build's outcome; only a build that
	 * rendered everything knows which old ones are no longer needed. */
	cache_close(r.cache, rendered);
	diag_lap(r.timings, "cache", &tl);
	if (r.link_d != d)
		diag_free(r.link_d);
	r.link_d = NULL;
	st->ms = diag_clock_ms() - t0;
	free(out_path);
	r.claims = claims;
	r.scan = sc;
	if (o->keep && !again) {
		struct run *k = xmalloc(sizeof *k);
		*k = r;
		*o->keep = k;
	} else {
		run_free(&r);
	}
	*again_out = again;
	return status;
}

int build_run(const struct build_opts *o, struct diag *d, struct build_stats *st)
{
	struct diag *first = diag_new();
	int again = 0;
	int status = build_once(o, first, st, &again);
	if (again) {
		if (getenv("QUIRE_TIMINGS"))
			fprintf(stderr, "Lua filters changed their state as they ran: building again, "
					"with none of their work from the cache\n");
		diag_free(first);
		/* (again = 1 in: the filters' cache is off, so it cannot come
		 * out 1 again) */
		return build_once(o, d, st, &again);
	}
	diag_merge(d, first);
	diag_free(first);
	return status;
}
