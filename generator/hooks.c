/* hooks: the Lua stage.  Loads every scripts/NAME.lua into one sandboxed state,
 * keeps the handlers they register, and runs them over page data (json_t)
 * and article trees (cmark nodes), turning every Lua failure into a
 * diagnostic at the script's line. */
#include "hooks.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "buf.h"
#include "cache.h"
#include "fsutil.h"
#include "luadigest.h"
#include "luapattern.h"
#include "markdown.h"
#include "site.h"
#include "slug.h"

/* Instructions between two count-hook calls: the granularity of the budget,
 * of the wall-clock check and of the line blamed for a memory error. */
#define HOOK_INTERVAL 1000

/* Registry keys: only their addresses matter. */
static const char KEY_ARRAYS = 'a';
static const char KEY_NULL = 'n';
static const char KEY_ENVMT = 'e';
static const char KEY_PAGE = 'p';
static const char KEY_SITE = 's';
static const char KEY_FILTER = 'f';
static const char KEY_QUIRE = 'q';
static const char KEY_HEAD = 'H';
static const char KEY_RANDOM = 'r'; /* math.random's state */
static const char KEY_CODES = 'c';  /* see luadigest_opts.code_key */

enum violation { V_NONE, V_BUDGET, V_PATTERN, V_TIME, V_MEMORY, V_STOPPED };
enum phase { PH_IDLE, PH_LOAD, PH_RUN };

/* Node types a filter may name, in the spelling of
 * cmark_node_get_type_string; a filter's functions are kept as a bit mask
 * over this list so the walk never touches Lua for unwatched nodes. */
static const char *const filter_types[] = {
	"block_quote", "list", "item", "code_block", "html_block",
	"custom_block", "paragraph", "heading", "thematic_break",
	"footnote_definition", "text", "softbreak", "linebreak", "code",
	"html_inline", "custom_inline", "emph", "strong", "link", "image",
	"footnote_reference", "table", "table_header", "table_row",
	"table_cell", "strikethrough", "tasklist",
};
#define N_FILTER_TYPES (sizeof filter_types / sizeof filter_types[0])

struct script {
	char *path;      /* "scripts/NAME.lua", as diagnostics name it */
	char *chunkname; /* "@scripts/NAME.lua", as Lua names it */
};

/* Where and how a hook failed for one page (borrowed strings): the
 * context reads "in IN SEP PAGE TAIL" ("in on_page for content/a.md",
 * "in filter 'text' on content/a.md"). */
struct failure_at {
	int script, line;          /* script -1: none known */
	const char *msg;
	const char *in, *sep, *tail;
	const char *trace;         /* "" or the traceback, a '\n' before each line */
};

/* One way a hook failed in a batch (hooks_pages_begin): at one script
 * line, with one message, for the pages listed.  Owns its strings. */
struct page_failure {
	int script, line;
	char *msg, *in, *sep, *tail, *trace;
	char **pages;
	size_t npages, cap;
};

/* How many of a failure's pages its report names. */
#define FAILURE_PAGES 3

/* The state of the hook call in progress: a past version judged inside
 * a call (a handler reading page.history) saves it whole and gives it
 * back (see outer_save). */
struct call_state {
	struct diag *d;
	enum phase phase;
	int broken;    /* a limit was hit: later calls fail at once */
	int filtering; /* a filter runs: pages are filtered on every core */
	int head_read; /* quire.head was read while judging the past version at hand */
	enum violation violation;
	long long budget; /* shared by VM instructions and matcher steps */
	struct timespec deadline;
	int err_script, err_line;   /* location of the last error (msgh) */
	int last_script, last_line; /* last line the count hook saw */
	struct buf errmsg;          /* message of the last error, prefix stripped */
};

struct hooks {
	lua_State *L;
	volatile sig_atomic_t *stop; /* see hooks_set_stop; NULL: none */
	int (*tmpl_known)(void *ctx, const char *name); /* see hooks_set_templates */
	void *tmpl_ctx;
	pthread_mutex_t lock; /* recursive: quire.markdown may re-enter */
	hooks_markdown_fn md;
	void *md_ctx;
	hooks_history_fn history; /* page.history (see page_index); NULL: none */
	void *history_ctx;
	struct script *scripts;
	size_t nscripts;
	struct cache_keybuf digest; /* of every script's name and text, as loaded, and quire.site */
	struct cache_key site_fp;   /* quire.site's digest (filters may read it) */
	int head_at_load;  /* a script read quire.head while loading */
	int n_page, n_site;
	uint32_t *filters; /* one type mask per quire.filter table */
	size_t n_filter;

	/* per call */
	struct call_state call;
	int depth;  /* > 0 while a hook runs (re-entry guard) */
	json_t *added;
	size_t added_bytes; /* markdown and html of the pages added, in all */
	size_t filter_bytes; /* text the filters put into the page being filtered */
	int filter_tainted; /* a filter logged or read quire.head: see hooks_filter_doc */
	struct luapat_guard pattern; /* string.find & co. report steps here */
	struct buf scratch; /* conversion messages and plain text */

	/* on_page failures while a batch is open (hooks_pages_begin) */
	int batch;
	struct page_failure *failures;
	size_t nfailures, capfailures;

	/* limits */
	long long budget_limit;
	size_t mem, mem_limit;
	long time_limit_ms;
	void *null_ud; /* identity of quire.null */
	void *random_ud; /* math.random's state */
	const void *globals; /* the read-only global table */
};

static struct hooks *hooks_of(lua_State *L)
{
	void *ud;
	lua_getallocf(L, &ud);
	return ud;
}

/* ---- limits -------------------------------------------------------- */

static int past_deadline(const struct timespec *t);
static int script_index(const struct hooks *h, const char *source);

/* Remembers the script line running when a limit broke.  Only reads the
 * call stack (lua_getstack/lua_getinfo "Sl" allocate nothing), so the
 * allocator may call it. */
static void note_line(struct hooks *h)
{
	lua_Debug ar;
	for (int level = 0; lua_getstack(h->L, level, &ar); level++) {
		if (!lua_getinfo(h->L, "Sl", &ar) || ar.currentline <= 0)
			continue;
		int s = script_index(h, ar.source);
		if (s >= 0) {
			h->call.last_script = s;
			h->call.last_line = ar.currentline;
			return;
		}
	}
}

/* Allocations this big are rare and slow enough to deserve a look at the
 * clock: that is how a long C call (string building) meets the time
 * limit between two count hooks. */
#define BIG_ALLOC ((size_t)64 * 1024)

/* The state's allocator: refuses to grow past the ceiling (or, for big
 * blocks, past the deadline) and records the refusal as a violation so
 * that no pcall can swallow it. */
static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct hooks *h = ud;
	if (!ptr)
		osize = 0;
	if (nsize == 0) {
		free(ptr);
		h->mem -= osize;
		return NULL;
	}
	if (nsize > osize && (h->call.phase == PH_RUN || h->call.phase == PH_LOAD)) {
		enum violation v = V_NONE;
		if (h->mem + (nsize - osize) > h->mem_limit)
			v = V_MEMORY;
		else if (nsize >= BIG_ALLOC && past_deadline(&h->call.deadline))
			v = V_TIME;
		if (v != V_NONE) {
			if (h->call.violation == V_NONE) {
				h->call.violation = v;
				note_line(h);
			}
			return NULL;
		}
	} else if (nsize > osize && h->mem + (nsize - osize) > h->mem_limit) {
		return NULL;
	}
	void *p = realloc(ptr, nsize);
	if (!p)
		return NULL;
	h->mem = h->mem - osize + nsize;
	return p;
}

static int past_deadline(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec ||
	       (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

static int script_index(const struct hooks *h, const char *source)
{
	for (size_t i = 0; i < h->nscripts; i++)
		if (strcmp(h->scripts[i].chunkname, source) == 0)
			return (int)i;
	return -1;
}

static void violation_text(const struct hooks *h, struct buf *b)
{
	switch (h->call.violation) {
	case V_BUDGET:
		buf_printf(b, "instruction budget exceeded (%lld instructions "
			   "in one hook call: an endless loop?)", h->budget_limit);
		break;
	case V_PATTERN:
		buf_printf(b, "instruction budget exceeded in pattern matching "
			   "(%lld instructions and matching steps in one hook "
			   "call: a pattern that backtracks too much?)",
			   h->budget_limit);
		break;
	case V_TIME:
		buf_printf(b, "time limit exceeded (%ld ms in one hook call)",
			   h->time_limit_ms);
		break;
	case V_MEMORY:
		buf_printf(b, "memory limit exceeded (%zu MB for all scripts)",
			   h->mem_limit >> 20);
		break;
	case V_STOPPED:
		buf_puts(b, "stopped (the build was interrupted)");
		break;
	case V_NONE:
		break;
	}
}

/* Raises the error of the broken limit, located at the last script line
 * seen; sb_pcall and sb_xpcall pass it on. */
static int raise_violation(lua_State *L, struct hooks *h)
{
	struct buf *b = &h->scratch;
	buf_reset(b);
	if (h->call.last_script >= 0)
		buf_printf(b, "%s:%d: ", h->scripts[h->call.last_script].path,
			   h->call.last_line);
	violation_text(h, b);
	lua_pushstring(L, buf_cstr(b));
	return lua_error(L);
}

/* Counts instructions, watches the clock and remembers the running line.
 * Once a limit is hit it raises on every call, so code that catches the
 * error (a __close handler, an xpcall message handler) stops again at
 * once. */
static void count_hook(lua_State *L, lua_Debug *ar)
{
	struct hooks *h = hooks_of(L);
	if (!h->call.violation) {
		if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0) {
			int s = script_index(h, ar->source);
			if (s >= 0) {
				h->call.last_script = s;
				h->call.last_line = ar->currentline;
			}
		}
		h->call.budget -= HOOK_INTERVAL;
		if (h->call.budget <= 0)
			h->call.violation = V_BUDGET;
		else if (past_deadline(&h->call.deadline))
			h->call.violation = V_TIME;
		else if (h->stop && *h->stop)
			h->call.violation = V_STOPPED;
		if (!h->call.violation)
			return;
		h->call.broken = 1;
	}
	raise_violation(L, h);
}

void hooks_set_stop(struct hooks *h, volatile sig_atomic_t *stop)
{
	if (h)
		h->stop = stop;
}

void hooks_set_templates(struct hooks *h, int (*known)(void *ctx, const char *name), void *ctx)
{
	if (h) {
		h->tmpl_known = known;
		h->tmpl_ctx = ctx;
	}
}

/* A template the handler named that the theme lacks (front matter's own
 * was checked when it was read). */
static int check_template(const struct hooks *h, const json_t *old, const json_t *p, struct buf *b)
{
	const char *t = json_string_value(json_object_get(p, "template"));
	const char *was = json_string_value(json_object_get(old, "template"));
	if (!t || !h->tmpl_known || (was && !strcmp(t, was)) || h->tmpl_known(h->tmpl_ctx, t))
		return 0;
	buf_printf(b, "page.template: the theme has no template '%s' (no templates/%s.mustache)", t, t);
	return -1;
}

/* The tick of the pattern matcher (luapattern.c): its steps spend the
 * call's instruction budget, and it watches the clock, so a pattern that
 * backtracks for hours inside one C call stops like an endless loop. */
static void pattern_tick(lua_State *L, void *ctx, unsigned steps)
{
	struct hooks *h = ctx;
	if (!h->call.violation) {
		h->call.budget -= steps;
		if (h->call.budget <= 0)
			h->call.violation = V_PATTERN;
		else if (past_deadline(&h->call.deadline))
			h->call.violation = V_TIME;
		if (!h->call.violation)
			return;
		h->call.broken = 1;
		note_line(h);
	}
	raise_violation(L, h);
}

/* ---- JSON -> Lua ----------------------------------------------------- */

static void mark_array(lua_State *L)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_ARRAYS);
	lua_pushvalue(L, -2);
	lua_pushboolean(L, 1);
	lua_rawset(L, -3);
	lua_pop(L, 1);
}

static int is_marked_array(lua_State *L, int idx)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_ARRAYS);
	lua_pushvalue(L, idx);
	lua_rawget(L, -2);
	int r = lua_toboolean(L, -1);
	lua_pop(L, 2);
	return r;
}

/* Pushes a Lua copy of v (borrowed).  Raises a Lua error (so call it in
 * protected mode) when memory runs out or v nests too deeply. */
static void push_json(lua_State *L, json_t *v, int depth)
{
	if (depth > HOOKS_MAX_DEPTH || !lua_checkstack(L, 4))
		luaL_error(L, "data nested too deeply to pass to Lua");
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		lua_createtable(L, 0, (int)json_object_size(v));
		for (void *it = json_object_iter(v); it;
		     it = json_object_iter_next(v, it)) {
			lua_pushlstring(L, json_object_iter_key(it),
					json_object_iter_key_len(it));
			push_json(L, json_object_iter_value(it), depth + 1);
			lua_rawset(L, -3);
		}
		break;
	}
	case JSON_ARRAY: {
		size_t n = json_array_size(v);
		lua_createtable(L, n < INT_MAX ? (int)n : 0, 0);
		for (size_t i = 0; i < n; i++) {
			push_json(L, json_array_get(v, i), depth + 1);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		mark_array(L);
		break;
	}
	case JSON_STRING:
		lua_pushlstring(L, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		lua_pushinteger(L, (lua_Integer)json_integer_value(v));
		break;
	case JSON_REAL:
		lua_pushnumber(L, json_real_value(v));
		break;
	case JSON_TRUE:
		lua_pushboolean(L, 1);
		break;
	case JSON_FALSE:
		lua_pushboolean(L, 0);
		break;
	case JSON_NULL:
		lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_NULL);
		break;
	}
}

/* ---- Lua -> JSON ----------------------------------------------------- */

/* The conversion never calls a Lua function that allocates or raises, so
 * it may run outside protected mode and never leaks a half-built value. */
struct conv {
	struct hooks *h;
	lua_State *L;
	const void **anc; /* tables being converted (cycle check) */
	size_t nanc, cap;
	struct buf path;  /* where the error is, built innermost first */
	struct buf *err;  /* what is wrong */
};

static void path_prepend(struct buf *p, const char *s, size_t n)
{
	buf_grow(p, n);
	memmove(p->ptr + n, p->ptr, p->len + 1);
	memcpy(p->ptr, s, n);
	p->len += n;
}

static void path_key(struct conv *c, const char *k, size_t n)
{
	int ident = n > 0 && !isdigit((unsigned char)k[0]);
	for (size_t i = 0; i < n && ident; i++)
		ident = isalnum((unsigned char)k[i]) || k[i] == '_';
	struct buf seg = BUF_INIT;
	if (ident) {
		buf_putc(&seg, '.');
		buf_put(&seg, k, n);
	} else {
		buf_puts(&seg, "[\"");
		buf_put(&seg, k, strnlen(k, n));
		buf_puts(&seg, "\"]");
	}
	path_prepend(&c->path, seg.ptr, seg.len);
	buf_free(&seg);
}

static void path_index(struct conv *c, lua_Integer i)
{
	char *s = xasprintf("[%lld]", (long long)i);
	path_prepend(&c->path, s, strlen(s));
	free(s);
}

static json_t *to_json(struct conv *c, int idx, int depth);

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Re-inserts o's members in key order.  Lua's pairs() order changes from
 * run to run; a JSON object keeps insertion order, and every hash and
 * output quire makes of it must be the same from build to build. */
static void sort_keys(json_t *o)
{
	size_t n = json_object_size(o), k = 0;
	if (n < 2)
		return;
	const char **keys = xmalloc(n * sizeof *keys);
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v)
		keys[k++] = key;
	qsort(keys, n, sizeof *keys, cmp_key);
	json_t *copy = json_object();
	for (k = 0; k < n; k++)
		json_object_set(copy, keys[k], json_object_get(o, keys[k]));
	free(keys);
	json_object_clear(o);
	json_object_update(o, copy);
	json_decref(copy);
}

static json_t *table_to_json(struct conv *c, int idx, int depth)
{
	lua_State *L = c->L;
	int top = lua_gettop(L);
	const void *self = lua_topointer(L, idx);
	json_t *out = NULL;
	for (size_t i = 0; i < c->nanc; i++)
		if (c->anc[i] == self) {
			buf_puts(c->err, "table contains itself (a cycle)");
			return NULL;
		}
	if (depth > HOOKS_MAX_DEPTH || !lua_checkstack(L, 4)) {
		buf_puts(c->err, "tables nested too deeply");
		return NULL;
	}
	if (c->nanc == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 32;
		c->anc = xrealloc(c->anc, c->cap * sizeof *c->anc);
	}
	c->anc[c->nanc++] = self;

	size_t nstr = 0, nint = 0;
	lua_Integer maxk = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		int kt = lua_type(L, -2);
		if (kt == LUA_TSTRING) {
			nstr++;
		} else if (kt == LUA_TNUMBER && lua_isinteger(L, -2) &&
			   lua_tointeger(L, -2) >= 1) {
			nint++;
			if (lua_tointeger(L, -2) > maxk)
				maxk = lua_tointeger(L, -2);
		} else {
			if (kt == LUA_TNUMBER)
				buf_printf(c->err, "key %g is not a string or "
					   "a sequence index 1..n",
					   (double)lua_tonumber(L, -2));
			else
				buf_printf(c->err, "a %s key cannot cross to "
					   "JSON (keys must be strings)",
					   lua_typename(L, kt));
			goto fail;
		}
		lua_pop(L, 1);
	}
	int marked = is_marked_array(L, idx);
	if (nstr && (nint || marked)) {
		buf_puts(c->err, "table mixes sequence items (1..n) and "
				 "string keys");
		goto fail;
	}
	if (nint || marked) {
		if ((lua_Integer)nint != maxk) {
			lua_Integer i = 1;
			while (lua_rawgeti(L, idx, i) != LUA_TNIL) {
				lua_pop(L, 1);
				i++;
			}
			buf_printf(c->err, "sequence has a hole at index %lld "
				   "(use quire.null for a missing value)",
				   (long long)i);
			goto fail;
		}
		out = json_array();
		for (lua_Integer i = 1; i <= maxk; i++) {
			lua_rawgeti(L, idx, i);
			json_t *x = to_json(c, lua_gettop(L), depth + 1);
			if (!x) {
				path_index(c, i);
				goto fail;
			}
			json_array_append_new(out, x);
			lua_pop(L, 1);
		}
	} else {
		out = json_object();
		lua_pushnil(L);
		while (lua_next(L, idx)) {
			size_t kn;
			const char *k = lua_tolstring(L, -2, &kn);
			json_t *x = to_json(c, lua_gettop(L), depth + 1);
			if (!x) {
				path_key(c, k, kn);
				goto fail;
			}
			if (json_object_setn_new(out, k, kn, x) != 0) {
				buf_puts(c->err, "key is not valid UTF-8");
				path_key(c, k, kn);
				goto fail;
			}
			lua_pop(L, 1);
		}
		sort_keys(out);
	}
	c->nanc--;
	lua_settop(L, top);
	return out;
fail:
	json_decref(out);
	c->nanc--;
	lua_settop(L, top);
	return NULL;
}

static int ro_newindex(lua_State *L);

/* When the table at idx is a read-only view (push_readonly), pushes the
 * table it shows and returns 1; else pushes nothing and returns 0. */
static int readonly_target(lua_State *L, int idx)
{
	if (!lua_checkstack(L, 3) || !lua_getmetatable(L, idx))
		return 0;
	lua_getfield(L, -1, "__newindex");
	int ro = lua_tocfunction(L, -1) == ro_newindex;
	lua_pop(L, 1);
	if (ro && lua_getfield(L, -1, "__index") == LUA_TTABLE) {
		lua_remove(L, -2);
		return 1;
	}
	lua_pop(L, ro ? 2 : 1);
	return 0;
}

/* Returns a new reference to the JSON form of the value at idx, or NULL
 * with c->err and c->path saying what and where. */
static json_t *to_json(struct conv *c, int idx, int depth)
{
	lua_State *L = c->L;
	switch (lua_type(L, idx)) {
	case LUA_TBOOLEAN:
		return json_boolean(lua_toboolean(L, idx));
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx))
			return json_integer((json_int_t)lua_tointeger(L, idx));
		double n = lua_tonumber(L, idx);
		if (isnan(n)) {
			buf_puts(c->err, "NaN cannot cross to JSON");
			return NULL;
		}
		if (isinf(n)) {
			buf_puts(c->err, "infinity cannot cross to JSON");
			return NULL;
		}
		return json_real(n);
	case LUA_TSTRING: {
		size_t n;
		const char *s = lua_tolstring(L, idx, &n);
		json_t *j = json_stringn(s, n);
		if (!j)
			buf_puts(c->err, "string is not valid UTF-8");
		return j;
	}
	case LUA_TTABLE: {
		/* a read-only view (quire.site, quire.head): what it shows */
		int real = readonly_target(L, idx);
		json_t *j = table_to_json(c, real ? lua_gettop(L) : idx, depth);
		if (real)
			lua_pop(L, 1);
		return j;
	}
	case LUA_TUSERDATA:
		if (lua_touserdata(L, idx) == c->h->null_ud)
			return json_null();
		break;
	default:
		break;
	}
	buf_printf(c->err, "a %s cannot cross to JSON",
		   luaL_typename(L, idx));
	return NULL;
}

/* Converts the value at idx; on failure writes "ROOT.path: what" into
 * h->scratch and returns NULL.  Returns a new reference. */
static json_t *lua_to_json(struct hooks *h, int idx, const char *root)
{
	struct buf err = BUF_INIT;
	struct conv c = { h, h->L, NULL, 0, 0, BUF_INIT, &err };
	json_t *j = to_json(&c, lua_absindex(h->L, idx), 0);
	if (!j) {
		buf_reset(&h->scratch);
		buf_printf(&h->scratch, "%s%s: %s", root, buf_cstr(&c.path),
			   buf_cstr(&err));
	}
	free(c.anc);
	buf_free(&c.path);
	buf_free(&err);
	return j;
}

/* ---- sandboxed base functions ---------------------------------------- */

/* pcall and xpcall that catch ordinary errors but re-raise a broken limit,
 * so a loop wrapped in pcall still stops. */
static int sb_pcall(lua_State *L)
{
	luaL_checkany(L, 1);
	lua_pushboolean(L, 1);
	lua_insert(L, 1);
	int status = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
	if (status != LUA_OK) {
		if (hooks_of(L)->call.violation)
			return lua_error(L);
		lua_pushboolean(L, 0);
		lua_pushvalue(L, -2);
		return 2;
	}
	return lua_gettop(L);
}

/* xpcall's message handler: the script's own, except for a broken limit.
 * Lua runs message handlers before unwinding, and after an error raised
 * by a hook it runs them with hooks off, so a script's handler would run
 * without any budget. */
static int xpcall_msgh(lua_State *L)
{
	if (hooks_of(L)->call.violation)
		return 1;
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

static int sb_xpcall(lua_State *L)
{
	int n = lua_gettop(L);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, xpcall_msgh, 1);
	lua_replace(L, 2);
	lua_pushboolean(L, 1);
	lua_pushvalue(L, 1);
	lua_rotate(L, 3, 2); /* f, handler, true, f, args... */
	int status = lua_pcall(L, n - 2, LUA_MULTRET, 2);
	if (status != LUA_OK) {
		if (hooks_of(L)->call.violation)
			return lua_error(L);
		lua_pushboolean(L, 0);
		lua_pushvalue(L, -2);
		return 2;
	}
	return lua_gettop(L) - 2;
}

static int ro_newindex(lua_State *L)
{
	return luaL_error(L, "attempt to change a read-only library table");
}

static int is_readonly(lua_State *L, int idx)
{
	if (!lua_getmetatable(L, idx))
		return 0;
	lua_pushliteral(L, "__newindex");
	lua_rawget(L, -2);
	int r = lua_tocfunction(L, -1) == ro_newindex;
	lua_pop(L, 2);
	return r;
}

static int sb_rawset(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checkany(L, 2);
	luaL_checkany(L, 3);
	if (is_readonly(L, 1))
		return luaL_error(L, "attempt to change a read-only library "
				     "table");
	lua_settop(L, 3);
	lua_rawset(L, 1);
	return 1;
}

/* Finalizers run with hooks disabled (no budget), so __gc is refused. */
static int sb_setmetatable(lua_State *L)
{
	int t = lua_type(L, 2);
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
		return luaL_error(L, "cannot change a protected metatable");
	if (t == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "__gc metamethods are not "
					     "allowed in quire scripts");
		lua_pop(L, 1);
	}
	lua_settop(L, 2);
	lua_setmetatable(L, 1);
	return 1;
}

/* string.rep with a cap on the result, checked before allocating. */
/* table.move moves at most this many elements in one call: it loops in C,
 * where the time limit's instruction count cannot stop it (an empty range
 * of 2^62 keys ran for ever). */
#define HOOKS_TABLE_MOVE_MAX ((lua_Integer)1 << 24)

/* Counts steps a library function took in C, where the count hook never
 * runs, against the budget, and looks at the clock, as the count hook
 * would: a loop of large sorts or moves ran for minutes between two of
 * its checks. */
static void charge(lua_State *L, lua_Unsigned steps)
{
	struct hooks *h = hooks_of(L);
	h->call.budget -= steps > (lua_Unsigned)LLONG_MAX ? LLONG_MAX : (long long)steps;
	if (!h->call.violation && h->call.budget <= 0)
		h->call.violation = V_BUDGET;
	else if (!h->call.violation && past_deadline(&h->call.deadline))
		h->call.violation = V_TIME;
	if (h->call.violation) {
		h->call.broken = 1;
		raise_violation(L, h);
	}
}

/* Steps of sorting n things: n log2 n, counted as the sort would. */
static lua_Unsigned sort_steps(lua_Unsigned n)
{
	lua_Unsigned steps = 1;
	for (lua_Unsigned k = n; k > 1; k >>= 1)
		steps += n;
	return steps;
}

/* How a wrapped library function's work grows with its first argument. */
enum cost { COST_SORT, COST_SHIFT, COST_BYTES };

/* A library function that loops in C (upvalue 1: a C function using no
 * upvalues of its own), charged for the work its first argument makes
 * (upvalue 2: an enum cost). */
static int sb_timed(lua_State *L)
{
	enum cost cost = (enum cost)lua_tointeger(L, lua_upvalueindex(2));
	lua_Unsigned n = lua_type(L, 1) == LUA_TSTRING ? lua_rawlen(L, 1) : 0;
	if (cost != COST_BYTES && lua_type(L, 1) == LUA_TTABLE) {
		/* the length the function will loop to, __len and all: a
		 * table claiming 2^40 elements looped for hours; no real one
		 * that long fits in the scripts' memory */
		lua_Integer len = luaL_len(L, 1);
		if (len > HOOKS_TABLE_MOVE_MAX)
			return luaL_error(L, "a table of more than %d elements (its length says %I)",
					  (int)HOOKS_TABLE_MOVE_MAX, len);
		n = len > 0 ? (lua_Unsigned)len : 0;
	}
	lua_Unsigned steps = 1;
	switch (cost) {
	case COST_SORT:
		steps = sort_steps(n);
		break;
	case COST_SHIFT:
		steps += n;
		break;
	case COST_BYTES:
		steps += n / 8;
		break;
	}
	/* called in this frame, not through lua_call, so its errors name
	 * the function as the script called it ("bad argument #1 to 'sort'") */
	lua_CFunction f = lua_tocfunction(L, lua_upvalueindex(1));
	int results = f(L);
	charge(L, steps);
	return results;
}

/* Replaces field name of the table at the top with sb_timed over it. */
static void time_field(lua_State *L, const char *name, enum cost cost)
{
	lua_getfield(L, -1, name);
	lua_pushinteger(L, cost);
	lua_pushcclosure(L, sb_timed, 2);
	lua_setfield(L, -2, name);
}

/* table.move, refusing a range longer than HOOKS_TABLE_MOVE_MAX (the
 * library's own is upvalue 1). */
static int sb_move(lua_State *L)
{
	lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
	if (e >= f && (lua_Unsigned)e - (lua_Unsigned)f >= (lua_Unsigned)HOOKS_TABLE_MOVE_MAX)
		return luaL_error(L, "table.move: more than %d elements", (int)HOOKS_TABLE_MOVE_MAX);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	/* each element moved counts as an instruction */
	charge(L, e >= f ? (lua_Unsigned)e - (lua_Unsigned)f + 1 : 1);
	return 1;
}

static int sb_rep(lua_State *L)
{
	size_t l, lsep;
	const char *s = luaL_checklstring(L, 1, &l);
	lua_Integer n = luaL_checkinteger(L, 2);
	const char *sep = luaL_optlstring(L, 3, "", &lsep);
	if (n <= 0 || l + lsep == 0) {
		lua_pushliteral(L, "");
		return 1;
	}
	if ((lua_Unsigned)n > (HOOKS_STRING_REP_MAX + lsep) / (l + lsep))
		return luaL_error(L, "string.rep: result would exceed %d MB",
				  (int)(HOOKS_STRING_REP_MAX >> 20));
	size_t total = (size_t)n * l + (size_t)(n - 1) * lsep;
	luaL_Buffer b;
	char *p = luaL_buffinitsize(L, &b, total);
	if (l == 1 && lsep == 0) {
		memset(p, s[0], total);
		luaL_pushresultsize(&b, total);
		return 1;
	}
	for (lua_Integer i = 0; i < n; i++) {
		memcpy(p, s, l);
		p += l;
		if (i + 1 < n && lsep) {
			memcpy(p, sep, lsep);
			p += lsep;
		}
	}
	luaL_pushresultsize(&b, total);
	return 1;
}

/* The first script frame at or above level: where a message belongs. */
static int caller_location(lua_State *L, int level, int *script, int *line)
{
	struct hooks *h = hooks_of(L);
	lua_Debug ar;
	for (; lua_getstack(L, level, &ar); level++) {
		if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0)
			continue;
		int s = script_index(h, ar.source);
		if (s >= 0) {
			*script = s;
			*line = ar.currentline;
			return 0;
		}
	}
	return -1;
}

/* A message as a diagnostic line shows it: a NUL as \0 (it would end
 * the text there), and each line after the first indented, so no line
 * of it reads as a diagnostic of its own. */
static void log_text(struct buf *b, const char *msg, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (msg[i] == '\0')
			buf_puts(b, "\\0");
		else if (msg[i] == '\n')
			buf_puts(b, "\n    ");
		else
			buf_putc(b, msg[i]);
	}
}

static void log_here(lua_State *L, const char *msg, size_t n)
{
	struct hooks *h = hooks_of(L);
	int s, line;
	if (!h->call.d)
		return;
	struct buf b = BUF_INIT;
	log_text(&b, msg, n);
	/* in the order made, but from a filter, which runs on pages on
	 * every core (and twice on some), as a warning: sorted, once */
	enum diag_level lvl = h->call.filtering ? DIAG_FILTER_LOG : DIAG_LOG;
	h->filter_tainted |= h->call.filtering;
	if (caller_location(L, 1, &s, &line) == 0)
		diag_report(h->call.d, lvl, h->scripts[s].path, line, 0, "%s", buf_cstr(&b));
	else
		diag_report(h->call.d, lvl, "scripts", 0, 0, "%s", buf_cstr(&b));
	buf_free(&b);
}

#define PRINT_MAX 4096 /* bytes of one print() shown */

static int sb_print(lua_State *L)
{
	int n = lua_gettop(L);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (int i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	size_t len;
	const char *s = lua_tolstring(L, -1, &len);
	/* A message is for reading: a huge one is cut, saying how much. */
	if (len > PRINT_MAX) {
		size_t cut = PRINT_MAX;
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
		luaL_Buffer c;
		luaL_buffinit(L, &c);
		luaL_addlstring(&c, s, cut);
		lua_pushfstring(L, "… (%I more bytes)", (lua_Integer)(len - cut));
		luaL_addvalue(&c);
		luaL_pushresult(&c);
		s = lua_tolstring(L, -1, &len);
	}
	log_here(L, s, len);
	return 0;
}

/* ---- pairs in a fixed order ---------------------------------------- */

/* Lua's own order of a table's keys follows string hashes seeded afresh
 * in every process: a hook listing pairs(page.params.glossary) wrote its
 * terms in another order on every build.  pairs() goes through the keys
 * sorted: numbers, then strings (byte order), then false and true, then
 * any other key in the order the table held it. */
struct pkey {
	int rank;
	lua_Number num;
	const char *s;
	size_t len, at;
};

static int cmp_pkey(const void *a, const void *b)
{
	const struct pkey *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->rank == 0 && x->num != y->num)
		return x->num < y->num ? -1 : 1;
	if (x->rank == 1) {
		int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
		if (c || x->len != y->len)
			return c ? c : x->len < y->len ? -1 : 1;
	}
	if (x->rank == 2 && x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

/* The iterator: upvalue 1 the keys in order, 2 the table, 3 the place.
 * A key whose value was set to nil meanwhile is passed over, as next
 * would. */
static int sorted_next(lua_State *L)
{
	lua_Integer i = lua_tointeger(L, lua_upvalueindex(3));
	for (;;) {
		if (lua_rawgeti(L, lua_upvalueindex(1), ++i) == LUA_TNIL) {
			lua_pushinteger(L, i - 1);
			lua_replace(L, lua_upvalueindex(3));
			return 1;
		}
		lua_pushvalue(L, -1);
		if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNIL) {
			lua_pushinteger(L, i);
			lua_replace(L, lua_upvalueindex(3));
			return 2;
		}
		lua_pop(L, 2);
	}
}

/* Pushes the iterator over the table at idx, its keys sorted. */
static void push_sorted_iter(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	lua_Integer n = 0;
	lua_newtable(L); /* the keys as found */
	int found = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		lua_pushvalue(L, -1);
		lua_rawseti(L, found, ++n);
	}
	struct pkey *v = lua_newuserdatauv(L, (size_t)n * sizeof *v + 1, 0);
	for (lua_Integer i = 0; i < n; i++) {
		struct pkey *k = &v[i];
		memset(k, 0, sizeof *k);
		k->at = (size_t)i;
		switch (lua_rawgeti(L, found, i + 1)) {
		case LUA_TNUMBER: k->rank = 0; k->num = lua_tonumber(L, -1); break;
		case LUA_TSTRING: k->rank = 1; k->s = lua_tolstring(L, -1, &k->len); break;
		case LUA_TBOOLEAN: k->rank = 2; k->num = lua_toboolean(L, -1); break;
		default: k->rank = 3; break;
		}
		lua_pop(L, 1); /* (the string lives on in found) */
	}
	qsort(v, (size_t)n, sizeof *v, cmp_pkey);
	lua_createtable(L, (int)(n < INT_MAX ? n : INT_MAX), 0);
	for (lua_Integer i = 0; i < n; i++) {
		lua_rawgeti(L, found, (lua_Integer)v[i].at + 1);
		lua_rawseti(L, -2, i + 1);
	}
	lua_replace(L, found);
	lua_pop(L, 1); /* the userdata */
	lua_pushvalue(L, idx);
	lua_pushinteger(L, 0);
	lua_pushcclosure(L, sorted_next, 3);
	charge(L, sort_steps((lua_Unsigned)n));
}

/* pairs(t): t's __pairs if it has one, else the sorted keys. */
static int sb_pairs(lua_State *L)
{
	luaL_checkany(L, 1);
	if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {
		lua_pushvalue(L, 1);
		lua_call(L, 1, 3);
		return 3;
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	push_sorted_iter(L, 1);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* Read-only view of a library table: reads go to the real table, writes
 * raise, pairs() iterates (in order) without handing out the real table. */
static int ro_pairs(lua_State *L)
{
	push_sorted_iter(L, lua_upvalueindex(1));
	lua_pushnil(L);
	lua_pushnil(L);
	return 3;
}

static int ro_len(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
	return 1;
}

static void push_readonly(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	lua_newtable(L);
	lua_createtable(L, 0, 5);
	lua_pushvalue(L, idx);
	lua_pushcclosure(L, ro_len, 1);
	lua_setfield(L, -2, "__len");
	lua_pushvalue(L, idx);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, ro_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pushvalue(L, idx);
	lua_pushcclosure(L, ro_pairs, 1);
	lua_setfield(L, -2, "__pairs");
	lua_setmetatable(L, -2);
}

/* ---- the quire table --------------------------------------------------- */

static int push_cstring(lua_State *L)
{
	lua_pushstring(L, lua_touserdata(L, 1));
	return 1;
}

/* Pushes s and frees it, even when pushing runs out of memory. */
static void push_owned(lua_State *L, char *s)
{
	lua_pushcfunction(L, push_cstring);
	lua_pushlightuserdata(L, s);
	int status = lua_pcall(L, 1, 1, 0);
	free(s);
	if (status != LUA_OK)
		lua_error(L);
}

static int q_slug(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	push_owned(L, slug_maken(s, n));
	return 1;
}

/* quire.relpath(from, to): the relative link from the page at path
 * `from` to the file `to`, both relative to content/ — what a page added
 * with add_page needs to link to an article's .md source. */
/* 1 when p is a path inside content/: relative, no "." or ".." segment. */
static int inside_path(const char *p)
{
	if (!*p || *p == '/' || strchr(p, '\\'))
		return 0;
	for (const char *s = p; *s;) {
		size_t n = strcspn(s, "/");
		if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		s += n + (s[n] == '/');
	}
	return 1;
}

static int q_relpath(lua_State *L)
{
	const char *from = luaL_checkstring(L, 1);
	const char *to = luaL_checkstring(L, 2);
	if (!inside_path(from) || !inside_path(to))
		return luaL_error(L, "quire.relpath: both paths must be relative to content/, "
				     "with no '.' or '..' part (got \"%s\", \"%s\")", from, to);
	push_owned(L, site_rel_url(from, to));
	return 1;
}

static int q_log(lua_State *L)
{
	size_t n;
	const char *msg = luaL_tolstring(L, 1, &n);
	log_here(L, msg, n);
	return 0;
}

static int q_markdown(lua_State *L)
{
	struct hooks *h = hooks_of(L);
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	/* its parse tree is outside the scripts' memory: an article's limit */
	if (n > FS_MAX_FILE)
		return luaL_error(L, "quire.markdown: the text is longer than %d MiB, an article's limit",
				  (int)(FS_MAX_FILE >> 20));
	char *html = h->md ? h->md(s, h->md_ctx)
			   : cmark_markdown_to_html(s, n, CMARK_OPT_DEFAULT);
	if (!html)
		return luaL_error(L, "quire.markdown could not render the text");
	push_owned(L, html);
	return 1;
}

static int q_array(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	mark_array(L);
	return 1;
}

static void check_loading(lua_State *L, const char *fn)
{
	if (hooks_of(L)->call.phase != PH_LOAD)
		luaL_error(L, "%s can only be called while the script loads, "
			      "not from inside a hook", fn);
}

static void append_handler(lua_State *L, const void *key)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, key);
	lua_pushvalue(L, -2);
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	lua_pop(L, 1);
}

/* quire.on_page(fn) and quire.on_site(fn): fn joins the list at key. */
static int on_hook(lua_State *L, const char *name, const void *key, int *count)
{
	check_loading(L, name);
	luaL_checktype(L, 1, LUA_TFUNCTION);
	lua_settop(L, 1);
	append_handler(L, key);
	(*count)++;
	return 0;
}

static int q_on_page(lua_State *L)
{
	return on_hook(L, "quire.on_page", &KEY_PAGE, &hooks_of(L)->n_page);
}

static int q_on_site(lua_State *L)
{
	return on_hook(L, "quire.on_site", &KEY_SITE, &hooks_of(L)->n_site);
}

static int q_filter(lua_State *L)
{
	struct hooks *h = hooks_of(L);
	check_loading(L, "quire.filter");
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	lua_newtable(L); /* a private copy: later edits have no effect */
	uint32_t mask = 0;
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		if (lua_type(L, -2) != LUA_TSTRING)
			return luaL_error(L, "quire.filter: keys must be node "
					     "type names");
		const char *k = lua_tostring(L, -2);
		size_t t = 0;
		while (t < N_FILTER_TYPES && strcmp(filter_types[t], k) != 0)
			t++;
		if (t == N_FILTER_TYPES)
			return luaL_error(L, "quire.filter: unknown node type "
					     "'%s' (try heading, link, image, "
					     "text, code, code_block, "
					     "paragraph, ...)", k);
		if (lua_type(L, -1) != LUA_TFUNCTION)
			return luaL_error(L, "quire.filter: '%s' must be a "
					     "function, got %s", k,
					  luaL_typename(L, -1));
		mask |= (uint32_t)1 << t;
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, 2);
	}
	append_handler(L, &KEY_FILTER);
	h->filters = xrealloc(h->filters, (h->n_filter + 1) * sizeof *h->filters);
	h->filters[h->n_filter++] = mask;
	return 0;
}

/* Checks an add_page path and returns it without .md/.html, in b; or
 * returns an error message. */
static const char *normalise_page_path(const char *p, size_t n,
				       struct buf *b)
{
	if (n == 0)
		return "path is empty";
	if (memchr(p, '\0', n))
		return "path contains a NUL byte";
	if (p[0] == '/')
		return "path must be relative (no leading '/')";
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\\')
			return "path must use '/' (no backslash)";
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return "path contains a control character";
		if (strchr("%\"<>?#:", p[i]))
			return "path contains a character a link cannot carry (%, quotes, <, >, ?, # or :)";
	}
	if (n >= 5 && memcmp(p + n - 5, ".html", 5) == 0)
		n -= 5;
	else if (n >= 3 && memcmp(p + n - 3, ".md", 3) == 0)
		n -= 3;
	for (size_t i = 0, start = 0; i <= n; i++) {
		if (i < n && p[i] != '/')
			continue;
		size_t len = i - start;
		if (len == 0)
			return "path has an empty segment (leading, trailing "
			       "or doubled '/')";
		if ((len == 1 && p[start] == '.') ||
		    (len == 2 && p[start] == '.' && p[start + 1] == '.'))
			return "path must not contain '.' or '..' segments";
		start = i + 1;
	}
	buf_put(b, p, n);
	buf_puts(b, ".html");
	int mine = site_reserved(b->ptr) != NULL;
	b->len -= 5;
	b->ptr[b->len] = '\0';
	return mine ? "path is one quire writes itself (its own pages, tags/, assets/, "
		      "history pages and past versions)" : NULL;
}

static int check_page(const json_t *old, const json_t *p, struct buf *b);

static const char *const page_fields[] = {
	"path", "title", "template", "markdown", "html", "data",
};

/* Counts n more bytes copied out of Lua by quire.add_page: -1 past
 * HOOKS_MEMORY_LIMIT in all. */
static int add_bytes(struct hooks *h, size_t n)
{
	if (n > HOOKS_MEMORY_LIMIT - h->added_bytes)
		return -1;
	h->added_bytes += n;
	return 0;
}

static int q_add_page(lua_State *L)
{
	struct hooks *h = hooks_of(L);
	enum { F_PATH = 2, F_TITLE, F_TEMPLATE, F_MD, F_HTML, F_DATA };
	if (!h->added)
		return luaL_error(L, "quire.add_page can only be called from "
				     "an on_site handler");
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		size_t i = 0;
		if (lua_type(L, -2) == LUA_TSTRING)
			while (i < 6 && strcmp(page_fields[i],
					       lua_tostring(L, -2)) != 0)
				i++;
		if (lua_type(L, -2) != LUA_TSTRING || i == 6)
			return luaL_error(L, "quire.add_page: unknown field "
					     "%s (expected path, title, "
					     "template, markdown, html, data)",
					  luaL_tolstring(L, -2, NULL));
		lua_pop(L, 1);
	}
	for (size_t i = 0; i < 6; i++)
		lua_getfield(L, 1, page_fields[i]);
	static const int is_string[] = { 1, 1, 1, 1, 1, 0 };
	for (int i = 0; i < 6; i++) {
		int t = lua_type(L, F_PATH + i);
		int want = is_string[i] ? LUA_TSTRING : LUA_TTABLE;
		if (t != LUA_TNIL && t != want)
			return luaL_error(L, "quire.add_page: %s must be a %s, "
					     "got %s", page_fields[i],
					  lua_typename(L, want),
					  luaL_typename(L, F_PATH + i));
	}
	if (lua_isnil(L, F_PATH))
		return luaL_error(L, "quire.add_page: path is missing");
	if (lua_isnil(L, F_TITLE))
		return luaL_error(L, "quire.add_page: title is missing");
	if (lua_isnil(L, F_MD) == lua_isnil(L, F_HTML))
		return luaL_error(L, "quire.add_page: give exactly one of "
				     "markdown and html");
	/* What is copied out of Lua is not counted by its memory limit:
	 * each page is held to an article's limit, and all of them to the
	 * Lua state's (one 15 MB string added 60 times took gigabytes). */
	size_t body = 0;
	for (int i = F_TITLE; i <= F_HTML; i++) {
		size_t len = lua_isnil(L, i) ? 0 : lua_rawlen(L, i);
		if (len > FS_MAX_FILE)
			return luaL_error(L, "quire.add_page: %s is larger than the %d MiB limit on an article",
					  page_fields[i - F_PATH], (int)(FS_MAX_FILE >> 20));
		body += len;
	}
	if (add_bytes(h, body) < 0)
		return luaL_error(L, "quire.add_page: the pages added come to more than %d MB",
				  (int)(HOOKS_MEMORY_LIMIT >> 20));
	int script = -1, line = 0;
	caller_location(L, 1, &script, &line);

	/* From here on only C allocations until the object is appended;
	 * messages wait in h->scratch (freed with h, so a raise leaks
	 * nothing). */
	struct buf path = BUF_INIT;
	size_t n;
	const char *p = lua_tolstring(L, F_PATH, &n);
	const char *bad = normalise_page_path(p, n, &path);
	if (bad) {
		buf_free(&path);
		return luaL_error(L, "quire.add_page: %s: \"%s\"", bad, p);
	}
	json_t *data = NULL;
	if (!lua_isnil(L, F_DATA)) {
		data = lua_to_json(h, F_DATA, "data");
		if (data && add_bytes(h, json_dumpb(data, NULL, 0, JSON_COMPACT)) < 0) {
			json_decref(data);
			buf_free(&path);
			return luaL_error(L, "quire.add_page: the pages added come to more than %d MB",
					  (int)(HOOKS_MEMORY_LIMIT >> 20));
		}
		if (data && !json_is_object(data)) {
			json_decref(data);
			data = NULL;
			buf_reset(&h->scratch);
			buf_puts(&h->scratch, "data must be a table with "
					      "string keys");
		}
		if (!data) {
			buf_free(&path);
			return luaL_error(L, "quire.add_page: %s",
					  buf_cstr(&h->scratch));
		}
		/* the same rules as a page a hook reshapes (a tag that is
		 * not text would be slugged as nothing) */
		buf_reset(&h->scratch);
		if (check_page(NULL, data, &h->scratch) < 0) {
			json_decref(data);
			buf_free(&path);
			return luaL_error(L, "quire.add_page: data: %s",
					  buf_cstr(&h->scratch));
		}
	}
	json_t *page = json_object();
	int bad_utf8 = json_object_set_new(page, "path",
					   json_string(buf_cstr(&path))) != 0;
	buf_free(&path);
	static const char *const copied[] = { "title", "template", "markdown",
					      "html" };
	for (int i = 0; i < 4; i++) {
		if (lua_isnil(L, F_TITLE + i))
			continue;
		p = lua_tolstring(L, F_TITLE + i, &n);
		bad_utf8 |= json_object_set_new(page, copied[i],
						json_stringn(p, n)) != 0;
	}
	if (bad_utf8) {
		json_decref(page);
		json_decref(data);
		return luaL_error(L, "quire.add_page: a string is not valid "
				     "UTF-8");
	}
	if (data)
		json_object_set_new(page, "data", data);
	if (script >= 0) {
		json_object_set_new(page, "script",
				    json_string(h->scripts[script].path));
		json_object_set_new(page, "line", json_integer(line));
	}
	json_array_append_new(h->added, page);
	return 0;
}

static int null_tostring(lua_State *L)
{
	lua_pushliteral(L, "quire.null");
	return 1;
}

static const luaL_Reg quire_funcs[] = {
	{ "on_page", q_on_page },   { "on_site", q_on_site },
	{ "filter", q_filter },     { "add_page", q_add_page },
	{ "markdown", q_markdown }, { "slug", q_slug },
	{ "log", q_log },           { "array", q_array },
	{ "relpath", q_relpath },
	{ NULL, NULL },
};

/* ---- the state ---------------------------------------------------------- */

static void open_lib(lua_State *L, const char *name, lua_CFunction open)
{
	luaL_requiref(L, name, open, 0);
}

/* Builds the sandbox (runs in protected mode).  Leaves nothing on the
 * stack. */
static int setup_sandbox(lua_State *L)
{
	struct hooks *h = hooks_of(L);
	luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
	lua_pop(L, 1);
	lua_pushglobaltable(L);
	int G = lua_gettop(L);
	h->globals = lua_topointer(L, G);
	/* (_G too: a script that cleared its own _G would read the shared
	 * table through its globals' __index, and could write there) */
	static const char *const removed[] = {
		"load", "loadfile", "dofile", "collectgarbage", "warn",
		"require", "_G",
	};
	for (size_t i = 0; i < sizeof removed / sizeof removed[0]; i++) {
		lua_pushnil(L);
		lua_setfield(L, G, removed[i]);
	}
	static const luaL_Reg replaced[] = {
		{ "pcall", sb_pcall },   { "xpcall", sb_xpcall },
		{ "rawset", sb_rawset }, { "setmetatable", sb_setmetatable },
		{ "print", sb_print },   { "pairs", sb_pairs },
		{ NULL, NULL },
	};
	lua_pushvalue(L, G);
	luaL_setfuncs(L, replaced, 0);
	lua_pop(L, 1);

	open_lib(L, LUA_STRLIBNAME, luaopen_string);
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pushcfunction(L, sb_rep);
	lua_setfield(L, -2, "rep");
	h->pattern.tick = pattern_tick;
	h->pattern.ctx = h;
	luapat_register(L, -1, &h->pattern);
	lua_pushliteral(L, ""); /* protect the metatable all strings share */
	lua_getmetatable(L, -1);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);
	push_readonly(L, -1);
	lua_setfield(L, G, "string");
	lua_pop(L, 1);

	open_lib(L, LUA_MATHLIBNAME, luaopen_math);
	lua_getfield(L, -1, "randomseed"); /* reproducible builds */
	lua_pushinteger(L, 0);
	lua_call(L, 1, 0);
	lua_getfield(L, -1, "random"); /* its state, which filters may read */
	if (lua_getupvalue(L, -1, 1)) {
		if (lua_type(L, -1) == LUA_TUSERDATA) {
			h->random_ud = lua_touserdata(L, -1);
			lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_RANDOM);
		} else {
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);
	push_readonly(L, -1);
	lua_setfield(L, G, "math");
	lua_pop(L, 1);

	open_lib(L, LUA_TABLIBNAME, luaopen_table);
	lua_getfield(L, -1, "move");
	lua_pushcclosure(L, sb_move, 1);
	lua_setfield(L, -2, "move");
	time_field(L, "sort", COST_SORT);
	time_field(L, "insert", COST_SHIFT);
	time_field(L, "remove", COST_SHIFT);
	time_field(L, "concat", COST_SHIFT);
	time_field(L, "unpack", COST_SHIFT);
	push_readonly(L, -1);
	lua_setfield(L, G, "table");
	lua_pop(L, 1);

	open_lib(L, LUA_UTF8LIBNAME, luaopen_utf8);
	time_field(L, "len", COST_BYTES);
	time_field(L, "codepoint", COST_BYTES);
	time_field(L, "offset", COST_BYTES);
	push_readonly(L, -1);
	lua_setfield(L, G, "utf8");
	lua_pop(L, 1);

	lua_newtable(L);
	luaL_setfuncs(L, quire_funcs, 0);
	h->null_ud = lua_newuserdatauv(L, 1, 0);
	memset(h->null_ud, 0, 1); /* its byte is part of the filters' state (luadigest) */
	lua_createtable(L, 0, 2);
	lua_pushcfunction(L, null_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_NULL);
	lua_setfield(L, -2, "null");
	lua_pushvalue(L, -1); /* where quire.head goes (set_head) */
	lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_QUIRE);
	push_readonly(L, -1);
	lua_setfield(L, G, "quire");
	lua_pop(L, 1);

	lua_newtable(L); /* tables that are arrays even when empty */
	lua_createtable(L, 0, 1);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_ARRAYS);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_PAGE);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_SITE);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_FILTER);

	/* Every script's globals live in its own table that reads through
	 * to the shared (otherwise unreachable) global table. */
	lua_createtable(L, 0, 2);
	lua_pushvalue(L, G);
	lua_setfield(L, -2, "__index");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_ENVMT);
	lua_settop(L, 0);
	return 0;
}

static struct hooks *hooks_new(void)
{
	struct hooks *h = xcalloc(1, sizeof *h);
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&h->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	h->budget_limit = HOOKS_INSTRUCTION_BUDGET;
	h->mem_limit = HOOKS_MEMORY_LIMIT;
	h->time_limit_ms = HOOKS_TIME_LIMIT_MS;
	h->call.err_script = h->call.last_script = -1;
	cmark_gfm_core_extensions_ensure_registered();
	h->L = lua_newstate(sb_alloc, h);
	if (!h->L)
		goto fail;
	lua_pushcfunction(h->L, setup_sandbox);
	if (lua_pcall(h->L, 0, 0, 0) != LUA_OK)
		goto fail;
	lua_sethook(h->L, count_hook, LUA_MASKCOUNT, HOOK_INTERVAL);
	return h;
fail:
	hooks_free(h);
	return NULL;
}

static void free_failures(struct hooks *h)
{
	for (size_t i = 0; i < h->nfailures; i++) {
		struct page_failure *f = &h->failures[i];
		free(f->msg);
		free(f->in);
		free(f->sep);
		free(f->tail);
		free(f->trace);
		for (size_t k = 0; k < f->npages; k++)
			free(f->pages[k]);
		free(f->pages);
	}
	free(h->failures);
	h->failures = NULL;
	h->nfailures = h->capfailures = 0;
}

void hooks_free(struct hooks *h)
{
	if (!h)
		return;
	if (h->L)
		lua_close(h->L);
	for (size_t i = 0; i < h->nscripts; i++) {
		free(h->scripts[i].path);
		free(h->scripts[i].chunkname);
	}
	free(h->scripts);
	free(h->filters);
	buf_free(&h->call.errmsg);
	buf_free(&h->scratch);
	free_failures(h);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

void hooks_set_limits(struct hooks *h, long long instructions,
		      size_t memory_bytes, long time_ms)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	if (instructions > 0)
		h->budget_limit = instructions;
	if (memory_bytes > 0)
		h->mem_limit = memory_bytes;
	if (time_ms > 0)
		h->time_limit_ms = time_ms;
	pthread_mutex_unlock(&h->lock);
}

int hooks_has_page(const struct hooks *h)
{
	return h && h->n_page > 0;
}

int hooks_has_site(const struct hooks *h)
{
	return h && h->n_site > 0;
}

int hooks_has_filter(const struct hooks *h)
{
	return h && h->n_filter > 0;
}

/* hooks_filter_state, the lock held. */
static int state_digest(struct hooks *h, struct cache_key *out)
{
	struct cache_keybuf kb;
	cache_key_begin(NULL, &kb, "filter-state-1");
	cache_key_bytes(&kb, h->site_fp.h, sizeof h->site_fp.h);
	lua_State *L = h->L;
	int rc = -1;
	/* the global table is read-only (every script writes its own), and
	 * so are the libraries in it: one value, but for math.random's state */
	const void *plain[] = { h->null_ud, h->random_ud };
	struct luadigest_opts o = { h->globals, plain, h->random_ud ? 2 : 1, HOOKS_FILTER_STATE_MAX, &KEY_CODES };
	if (lua_checkstack(L, 2)) {
		lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_FILTER);
		lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_RANDOM);
		rc = luadigest(L, 2, &o, &kb);
		lua_pop(L, 2);
	}
	*out = cache_key_end(&kb);
	return rc;
}

int hooks_filter_state(struct hooks *h, struct cache_key *out)
{
	int rc = -1;
	if (!h || !h->n_filter)
		return -1;
	pthread_mutex_lock(&h->lock);
	if (h->depth == 0 && !h->call.broken) {
		/* (collected first, as before on_site: weak tables hold the same) */
		lua_gc(h->L, LUA_GCCOLLECT);
		rc = state_digest(h, out);
	}
	pthread_mutex_unlock(&h->lock);
	return rc;
}

/* ---- calling into Lua and reporting ------------------------------------ */

/* Finds a "scripts/NAME.lua:LINE: " prefix; returns the text after it. */
static const char *strip_location(const struct hooks *h, const char *msg,
				  int *script, int *line)
{
	for (size_t i = 0; i < h->nscripts; i++) {
		size_t n = strlen(h->scripts[i].path);
		if (strncmp(msg, h->scripts[i].path, n) != 0 ||
		    msg[n] != ':' || !isdigit((unsigned char)msg[n + 1]))
			continue;
		char *end;
		long l = strtol(msg + n + 1, &end, 10);
		if (end[0] != ':' || end[1] != ' ' || l <= 0 || l > INT_MAX)
			continue;
		*script = (int)i;
		*line = (int)l;
		return end + 2;
	}
	return msg;
}

/* Message handler of every call: records the message and its script
 * line, and returns the traceback. */
static int msgh(lua_State *L)
{
	struct hooks *h = hooks_of(L);
	const char *msg;
	int t = lua_type(L, 1);
	if (t == LUA_TSTRING || t == LUA_TNUMBER)
		msg = lua_tostring(L, 1);
	else if (luaL_callmeta(L, 1, "__tostring") &&
		 lua_type(L, -1) == LUA_TSTRING)
		msg = lua_tostring(L, -1);
	else
		msg = lua_pushfstring(L, "error object is a %s value",
				      luaL_typename(L, 1));
	int s = -1, line = 0;
	msg = strip_location(h, msg, &s, &line);
	if (s < 0)
		caller_location(L, 1, &s, &line);
	h->call.err_script = s;
	h->call.err_line = line;
	buf_reset(&h->call.errmsg);
	buf_puts(&h->call.errmsg, msg);
	luaL_traceback(L, L, NULL, 1);
	return 1;
}

static void begin_call(struct hooks *h, int def_script, int def_line)
{
	h->call.violation = V_NONE;
	h->call.budget = h->budget_limit;
	clock_gettime(CLOCK_MONOTONIC, &h->call.deadline);
	h->call.deadline.tv_sec += h->time_limit_ms / 1000;
	h->call.deadline.tv_nsec += (h->time_limit_ms % 1000) * 1000000L;
	if (h->call.deadline.tv_nsec >= 1000000000L) {
		h->call.deadline.tv_sec++;
		h->call.deadline.tv_nsec -= 1000000000L;
	}
	h->call.err_script = -1;
	h->call.err_line = 0;
	buf_reset(&h->call.errmsg);
	h->call.last_script = def_script;
	h->call.last_line = def_line;
}

/* Appends the traceback without the frames of our own C runners. */
static void put_traceback(struct buf *m, const char *tb)
{
	/* "stack traceback:" only above a line of it: an error raised after
	 * a filter returned has none */
	const char *head = "stack traceback:";
	size_t hl = strlen(head);
	int held = !strncmp(tb, head, hl) && (tb[hl] == '\n' || !tb[hl]);
	if (held)
		tb += hl + (tb[hl] == '\n');
	while (*tb) {
		const char *nl = strchr(tb, '\n');
		size_t n = nl ? (size_t)(nl - tb) : strlen(tb);
		if (!(n == 10 && memcmp(tb, "\t[C]: in ?", 10) == 0)) {
			if (held) {
				buf_putc(m, '\n');
				buf_puts(m, head);
				held = 0;
			}
			buf_putc(m, '\n');
			buf_put(m, tb, n);
		}
		tb += n + (nl ? 1 : 0);
	}
}

/* The message of a failed lua_pcall (error value on top, popped here)
 * into msg, and its traceback into trace (a '\n' before each line), at
 * the best script line known: the error's own, the last line run, or the
 * handler's definition (*script -1: none). */
static void failure_text(struct hooks *h, int status, int def_script, int def_line, int *script, int *line,
			 struct buf *msg, struct buf *trace)
{
	lua_State *L = h->L;
	int s = h->call.err_script, l = h->call.err_line;
	const char *top = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
							 : NULL;
	if (h->call.violation) {
		violation_text(h, msg);
		h->call.broken = 1;
		if (s < 0) {
			s = h->call.last_script;
			l = h->call.last_line;
		}
	} else if (status == LUA_ERRMEM) {
		buf_puts(msg, "not enough memory");
		s = h->call.last_script;
		l = h->call.last_line;
	} else if (h->call.errmsg.len) {
		buf_puts(msg, buf_cstr(&h->call.errmsg));
	} else if (top) {
		buf_puts(msg, strip_location(h, top, &s, &l));
		top = NULL;
	} else {
		buf_puts(msg, "unknown error");
	}
	if (s < 0) {
		s = def_script;
		l = def_line;
	}
	if (top && status == LUA_ERRRUN && h->call.errmsg.len &&
	    strncmp(top, "stack traceback:", 16) == 0)
		put_traceback(trace, top);
	*script = s;
	*line = s >= 0 && l <= 0 ? 1 : l;
	lua_pop(L, 1);
}

/* Reports a failed lua_pcall (see failure_text), context in brackets
 * after the message. */
static void report_failure(struct hooks *h, int status, const char *context,
			   int def_script, int def_line)
{
	struct buf m = BUF_INIT, tb = BUF_INIT;
	int s, line;
	failure_text(h, status, def_script, def_line, &s, &line, &m, &tb);
	if (context)
		buf_printf(&m, " (%s)", context);
	buf_puts(&m, buf_cstr(&tb));
	if (s >= 0)
		diag_error(h->call.d, h->scripts[s].path, line, 0, "%s", buf_cstr(&m));
	else
		diag_error(h->call.d, "scripts", 0, 0, "%s", buf_cstr(&m));
	buf_free(&m);
	buf_free(&tb);
}

/* Where the function at idx was defined. */
static void func_location(struct hooks *h, int idx, int *script, int *line)
{
	lua_Debug ar;
	lua_pushvalue(h->L, idx);
	lua_getinfo(h->L, ">S", &ar);
	*script = script_index(h, ar.source);
	*line = ar.linedefined;
}

/* ---- loading ---------------------------------------------------------- */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs one loaded chunk (arg 1) with a fresh global table. */
static int run_chunk(lua_State *L)
{
	lua_newtable(L);
	lua_pushvalue(L, -1);
	lua_setfield(L, -2, "_G");
	lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_ENVMT);
	lua_setmetatable(L, -2);
	lua_setupvalue(L, 1, 1);
	lua_call(L, 0, 0);
	return 0;
}

static int load_script(struct hooks *h, size_t i, const char *site_dir)
{
	lua_State *L = h->L;
	struct buf src = BUF_INIT;
	char *file = xasprintf("%s/%s", site_dir, h->scripts[i].path);
	int rc = -1;
	int got = fs_read_buf(file, &src);
	if (got == -3) {
		diag_error(h->call.d, h->scripts[i].path, 0, 0, "the file is larger than the limit of %u MiB",
			   FS_MAX_FILE >> 20);
		goto fail;
	} else if (got < 0) {
		diag_fault(h->call.d, h->scripts[i].path, 0, 0, "cannot read: %s", strerror(errno));
		goto fail;
	}
	const char *text = buf_cstr(&src);
	size_t len = src.len;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	}
	cache_key_str(&h->digest, h->scripts[i].path);
	cache_key_bytes(&h->digest, text, len);
	begin_call(h, (int)i, 1);
	lua_pushcfunction(L, msgh);
	int base = lua_gettop(L);
	lua_pushcfunction(L, run_chunk);
	int status = luaL_loadbufferx(L, text, len, h->scripts[i].chunkname,
				      "t");
	if (status != LUA_OK) {
		report_failure(h, status, NULL, (int)i, 1);
		lua_settop(L, base - 1);
		goto fail;
	}
	h->call.phase = PH_LOAD;
	h->depth++;
	status = lua_pcall(L, 1, 0, base);
	h->depth--;
	h->call.phase = PH_IDLE;
	if (status != LUA_OK) {
		report_failure(h, status, NULL, (int)i, 1);
		lua_settop(L, base - 1);
		goto fail;
	}
	lua_settop(L, base - 1);
	rc = 0;
fail:
	free(file);
	buf_free(&src);
	return rc;
}

/* __index of the quire table: quire.head, noting that a script read it
 * (a past version's verdict that read it holds only for this head). */
static int quire_index(lua_State *L)
{
	struct hooks *h = hooks_of(L);
	if (lua_type(L, 2) != LUA_TSTRING || strcmp(lua_tostring(L, 2), "head") != 0)
		return 0;
	if (h->call.phase == PH_LOAD)
		h->head_at_load = 1;
	h->call.head_read = 1;
	h->filter_tainted |= h->call.filtering;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_HEAD);
	return 1;
}

/* Protected: sets quire.head to a read-only copy of the json_t at
 * index 1 (borrowed), read through quire_index. */
static int set_head(lua_State *L)
{
	json_t *head = lua_touserdata(L, 1);
	push_json(L, head, 0);
	push_readonly(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_HEAD);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_QUIRE);
	lua_createtable(L, 0, 1);
	lua_pushcfunction(L, quire_index);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
	return 0;
}

/* Pushes a read-only copy of v (borrowed), read-only all the way down:
 * what every handler and filter shares must stay what they were cached
 * under.  Raises a Lua error as push_json does. */
static void push_json_frozen(lua_State *L, json_t *v, int depth)
{
	if (depth > HOOKS_MAX_DEPTH || !lua_checkstack(L, 4))
		luaL_error(L, "data nested too deeply to pass to Lua");
	if (!json_is_object(v) && !json_is_array(v)) {
		push_json(L, v, depth);
		return;
	}
	size_t n = json_is_array(v) ? json_array_size(v) : 0;
	lua_createtable(L, n < INT_MAX ? (int)n : 0, json_is_object(v) ? (int)json_object_size(v) : 0);
	if (json_is_array(v)) {
		for (size_t i = 0; i < n; i++) {
			push_json_frozen(L, json_array_get(v, i), depth + 1);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
	} else {
		for (void *it = json_object_iter(v); it; it = json_object_iter_next(v, it)) {
			lua_pushlstring(L, json_object_iter_key(it), json_object_iter_key_len(it));
			push_json_frozen(L, json_object_iter_value(it), depth + 1);
			lua_rawset(L, -3);
		}
	}
	push_readonly(L, -1);
	lua_remove(L, -2);
}

/* Protected: quire.site, a read-only copy of the json_t at index 1
 * (borrowed). */
static int set_site(lua_State *L)
{
	json_t *site = lua_touserdata(L, 1);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_QUIRE);
	lua_pushliteral(L, "site");
	push_json_frozen(L, site, 0);
	lua_rawset(L, -3);
	return 0;
}

/* quire.site, before any script runs: a script may read a setting of its
 * own from site.yml when it loads, or in any handler.  What it holds is
 * part of what the filters' work and past versions' verdicts are cached
 * under. */
static int load_site(struct hooks *h, const struct hooks_env *env)
{
	struct cache_keybuf kb;
	cache_key_begin(NULL, &kb, "quire.site");
	if (env && env->site)
		cache_key_json(&kb, env->site);
	h->site_fp = cache_key_end(&kb);
	if (!env || !env->site)
		return 0;
	lua_pushcfunction(h->L, set_site);
	lua_pushlightuserdata(h->L, env->site);
	if (lua_pcall(h->L, 1, 0, 0) != LUA_OK) {
		lua_pop(h->L, 1);
		return -1;
	}
	return 0;
}

/* quire.head, before any script runs: scripts may read it at load. */
static int load_head(struct hooks *h, const struct hooks_env *env)
{
	json_t *head = env && env->head ? env->head(env->head_ctx) : NULL;
	if (!head)
		return 0;
	lua_pushcfunction(h->L, set_head);
	lua_pushlightuserdata(h->L, head);
	int status = lua_pcall(h->L, 1, 0, 0);
	json_decref(head);
	if (status != LUA_OK) {
		lua_pop(h->L, 1);
		return -1;
	}
	return 0;
}

struct hooks *hooks_load(const char *site_dir, hooks_markdown_fn md,
			 void *md_ctx, struct diag *d, int *failed)
{
	struct hooks_env env = { .markdown = md, .markdown_ctx = md_ctx };
	return hooks_load_env(site_dir, &env, d, failed);
}

struct hooks *hooks_load_env(const char *site_dir, const struct hooks_env *env, struct diag *d, int *failed)
{
	char *dir = xasprintf("%s/scripts", site_dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct hooks *h = NULL;
	int errors = 0;
	*failed = 0;
	DIR *dp = opendir(dir);
	if (!dp) {
		if (errno != ENOENT) {
			diag_fault(d, "scripts", 0, 0, "cannot open folder: %s",
				   strerror(errno));
			*failed = 1;
		}
		goto done;
	}
	struct dirent *e;
	while ((e = readdir(dp))) {
		size_t len = strlen(e->d_name);
		if (len <= 4 || e->d_name[0] == '.' ||
		    strcmp(e->d_name + len - 4, ".lua") != 0)
			continue;
		char *full = xasprintf("%s/%s", dir, e->d_name);
		struct stat st;
		int regular = stat(full, &st) == 0 && S_ISREG(st.st_mode);
		free(full);
		if (!regular)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(dp);
	if (n == 0)
		goto done;
	qsort(names, n, sizeof *names, cmp_names);

	h = hooks_new();
	if (!h || load_head(h, env) < 0 || load_site(h, env) < 0) {
		diag_error(d, "scripts", 0, 0, "cannot create the Lua state");
		hooks_free(h);
		h = NULL;
		*failed = 1;
		goto done;
	}
	if (env) {
		h->md = env->markdown;
		h->md_ctx = env->markdown_ctx;
		h->history = env->history;
		h->history_ctx = env->history_ctx;
	}
	h->call.d = d;
	cache_key_begin(NULL, &h->digest, "scripts-1");
	cache_key_bytes(&h->digest, h->site_fp.h, sizeof h->site_fp.h);
	h->scripts = xcalloc(n, sizeof *h->scripts);
	for (size_t i = 0; i < n; i++) {
		h->scripts[i].path = xasprintf("scripts/%s", names[i]);
		h->scripts[i].chunkname = xasprintf("@scripts/%s", names[i]);
	}
	h->nscripts = n;
	for (size_t i = 0; i < n; i++)
		if (load_script(h, i, site_dir) < 0)
			errors++;
	h->call.d = NULL;
	if (errors) {
		hooks_free(h);
		h = NULL;
		*failed = 1;
	}
done:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dir);
	return h;
}

/* ---- on_page / on_site ---------------------------------------------- */

struct call {
	const void *key; /* registry list of handlers */
	lua_Integer index;
	json_t *value;   /* borrowed */
	int pages;       /* value is a page (1), or value.pages lists pages (2) */
};

/* Protected: pushes a Lua copy of the json_t at index 1 (borrowed). */
static int push_json_arg(lua_State *L)
{
	push_json(L, lua_touserdata(L, 1), 0);
	return 1;
}

/* __index of a page table: page.history, asked of the build the first
 * time a handler reads it (the revisions of a large site's every page,
 * carried into Lua for hooks that never look, would be most of their
 * cost).  Upvalue 1 is page.path as the build gave it (a handler may
 * change the field; the history stays the page's), upvalue 2 the table
 * once made, or false when the page has none. */
static int page_index(lua_State *L)
{
	if (lua_type(L, 2) != LUA_TSTRING || strcmp(lua_tostring(L, 2), "history") != 0)
		return 0;
	if (lua_isnil(L, lua_upvalueindex(2))) {
		struct hooks *h = hooks_of(L);
		json_t *j = h->history(lua_tostring(L, lua_upvalueindex(1)), h->history_ctx);
		if (!j) {
			lua_pushboolean(L, 0);
		} else {
			lua_pushcfunction(L, push_json_arg);
			lua_pushlightuserdata(L, j);
			int status = lua_pcall(L, 1, 1, 0);
			json_decref(j);
			if (status != LUA_OK)
				return lua_error(L); /* a broken limit stays broken */
		}
		lua_copy(L, -1, lua_upvalueindex(2));
	}
	lua_pushvalue(L, lua_upvalueindex(2));
	return lua_toboolean(L, -1); /* false: no result, so nil */
}

/* Gives the page table at idx its page.history (see page_index). */
static void lazy_history(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	if (lua_getfield(L, idx, "path") != LUA_TSTRING) {
		lua_pop(L, 1);
		return;
	}
	lua_pushnil(L);
	lua_pushcclosure(L, page_index, 2);
	lua_createtable(L, 0, 1);
	lua_insert(L, -2);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, idx);
}

/* The same for every page in the on_site table at idx. */
static void lazy_histories(lua_State *L, int idx)
{
	if (lua_getfield(L, idx, "pages") == LUA_TTABLE) {
		for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
			lazy_history(L, -1);
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/* Puts back in page, a handler's result, the fields the build decides
 * (from was the page before the handler). */
static void keep_fields(json_t *page, const json_t *from)
{
	static const char *const fixed[] = { "path", "url" };
	for (size_t k = 0; json_is_object(page) && k < sizeof fixed / sizeof *fixed; k++) {
		json_t *v = json_object_get(from, fixed[k]);
		if (v)
			json_object_set(page, fixed[k], v);
		else
			json_object_del(page, fixed[k]);
	}
}

/* Protected: converts the value and calls handler key[index] with it.
 * Returns the argument table and the handler's result. */
static int run_handler(lua_State *L)
{
	struct call *c = lua_touserdata(L, 1);
	lua_rawgetp(L, LUA_REGISTRYINDEX, c->key);
	lua_rawgeti(L, -1, c->index);
	push_json(L, c->value, 0);
	if (c->pages == 1 && hooks_of(L)->history)
		lazy_history(L, -1);
	else if (c->pages == 2 && hooks_of(L)->history)
		lazy_histories(L, lua_gettop(L));
	lua_pushvalue(L, -1);
	lua_rotate(L, -3, 1); /* list, arg, fn, arg */
	lua_call(L, 1, 1);
	charge(L, 0); /* the time limit holds to the handler's last step */
	return 2;
}

/* Where handler key[index] was defined: the line blamed for problems
 * found after it returned. */
static void handler_location(struct hooks *h, const void *key,
			     lua_Integer index, int *script, int *line)
{
	lua_rawgetp(h->L, LUA_REGISTRYINDEX, key);
	lua_rawgeti(h->L, -1, index);
	func_location(h, -1, script, line);
	lua_pop(h->L, 2);
}

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "a table with string keys";
	case JSON_ARRAY: return "a sequence";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "quire.null";
	}
	return "?";
}

/* Checks the fields other stages rely on; writes the problem into b. */
static int check_page(const json_t *old, const json_t *p, struct buf *b)
{
	const json_t *v;
	if (!json_is_object(p)) {
		buf_printf(b, "the page must stay a table with string keys, "
			   "got %s", json_kind(p));
		return -1;
	}
	if (json_object_get(old, "title") && !json_object_get(p, "title")) {
		buf_puts(b, "page.title was removed");
		return -1;
	}
	const json_t *t = json_object_get(p, "title");
	if (json_is_string(t) && !json_string_value(t)[strspn(json_string_value(t), " \t\r\n")]) {
		buf_puts(b, "page.title must not be empty");
		return -1;
	}
	static const char *const strings[] = { "title", "summary", "template",
					       "path", "section", "url" };
	for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		v = json_object_get(p, strings[i]);
		if (v && !json_is_string(v) &&
		    !(json_is_null(v) && strcmp(strings[i], "title") != 0)) {
			buf_printf(b, "page.%s must be a string, got %s",
				   strings[i], json_kind(v));
			return -1;
		}
	}
	static const char *const lists[] = { "tags", "aliases" };
	for (size_t i = 0; i < 2; i++) {
		v = json_object_get(p, lists[i]);
		if (!v)
			continue;
		int ok = json_is_array(v);
		for (size_t j = 0; ok && j < json_array_size(v); j++)
			ok = json_is_string(json_array_get(v, j));
		if (!ok) {
			buf_printf(b, "page.%s must be a sequence of strings",
				   lists[i]);
			return -1;
		}
		for (size_t j = 0; i == 0 && j < json_array_size(v); j++) {
			const char *t = json_string_value(json_array_get(v, j));
			if (!t[strspn(t, " \t")]) {
				buf_puts(b, "page.tags holds an empty tag");
				return -1;
			}
		}
	}
	v = json_object_get(p, "params");
	if (v && !json_is_object(v)) {
		buf_printf(b, "page.params must be a table with string keys, "
			   "got %s", json_kind(v));
		return -1;
	}
	v = json_object_get(p, "draft");
	if (v && !json_is_boolean(v)) {
		buf_printf(b, "page.draft must be a boolean, got %s",
			   json_kind(v));
		return -1;
	}
	v = json_object_get(p, "weight");
	if (v && !json_is_number(v)) {
		buf_printf(b, "page.weight must be a number, got %s",
			   json_kind(v));
		return -1;
	}
	return 0;
}

/* Locks and checks that a call may start.  Returns 1 when the caller
 * should go on, 0 when it should return rc at once (already unlocked). */
static int enter(struct hooks *h, struct diag *d, int *rc)
{
	pthread_mutex_lock(&h->lock);
	if (h->depth > 0) { /* re-entered from quire.markdown */
		pthread_mutex_unlock(&h->lock);
		*rc = 0;
		return 0;
	}
	if (h->call.broken) {
		pthread_mutex_unlock(&h->lock);
		*rc = -1;
		return 0;
	}
	h->call.d = d;
	h->call.phase = PH_RUN;
	h->depth++;
	return 1;
}

static void leave(struct hooks *h)
{
	h->depth--;
	h->call.phase = PH_IDLE;
	h->call.d = NULL;
	h->added = NULL;
	pthread_mutex_unlock(&h->lock);
}

/* Notes that a hook failed for the page at ppath as f says: with the
 * failure of the same place and message when there is one. */
static void note_failure(struct hooks *h, const struct failure_at *f, const char *ppath)
{
	struct page_failure *g = NULL;
	for (size_t i = 0; i < h->nfailures && !g; i++) {
		struct page_failure *x = &h->failures[i];
		if (x->script == f->script && x->line == f->line && !strcmp(x->msg, f->msg) && !strcmp(x->in, f->in) &&
		    !strcmp(x->tail, f->tail))
			g = x;
	}
	if (!g) {
		if (h->nfailures == h->capfailures) {
			h->capfailures = h->capfailures ? h->capfailures * 2 : 4;
			h->failures = xrealloc(h->failures, h->capfailures * sizeof *h->failures);
		}
		g = &h->failures[h->nfailures++];
		*g = (struct page_failure){ f->script, f->line, xstrdup(f->msg), xstrdup(f->in), xstrdup(f->sep),
					    xstrdup(f->tail), xstrdup(f->trace), NULL, 0, 0 };
	}
	if (g->npages == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 4;
		g->pages = xrealloc(g->pages, g->cap * sizeof *g->pages);
	}
	g->pages[g->npages++] = xstrdup(ppath);
}

/* Reports f once: for one page as it always was, for many with how many
 * and the first few of them by name (sorted: filters run on several
 * threads, in no fixed order; a page seen twice counts once). */
static void report_page_failure(const struct hooks *h, struct page_failure *f, struct diag *d)
{
	struct buf m = BUF_INIT;
	size_t n = 0;
	qsort(f->pages, f->npages, sizeof *f->pages, str_cmp_sort);
	for (size_t k = 0; k < f->npages; k++)
		if (!n || strcmp(f->pages[n - 1], f->pages[k]))
			f->pages[n++] = f->pages[k];
		else
			free(f->pages[k]);
	f->npages = n;
	buf_puts(&m, f->msg);
	if (n == 1) {
		buf_printf(&m, " (in %s%s%s%s)", f->in, f->sep, f->pages[0], f->tail);
	} else {
		buf_printf(&m, " (in %s; it failed for %zu pages: ", f->in, n);
		for (size_t k = 0; k < FAILURE_PAGES && k < n; k++)
			buf_printf(&m, "%s%s", k ? ", " : "", f->pages[k]);
		if (n > FAILURE_PAGES)
			buf_printf(&m, " and %zu more", n - FAILURE_PAGES);
		buf_printf(&m, "%s)", f->tail);
	}
	buf_puts(&m, f->trace);
	if (f->script >= 0)
		diag_error(d, h->scripts[f->script].path, f->line, 0, "%s", buf_cstr(&m));
	else
		diag_error(d, "scripts", 0, 0, "%s", buf_cstr(&m));
	buf_free(&m);
}

/* A hook failed for the page at ppath as f says: reported now, or noted
 * while a batch is open. */
static void page_failed(struct hooks *h, const struct failure_at *f, const char *ppath)
{
	note_failure(h, f, ppath);
	if (!h->batch) {
		report_page_failure(h, &h->failures[0], h->call.d);
		free_failures(h);
	}
}

/* A failed lua_pcall of a hook for the page at ppath (see failure_text):
 * reported now, or noted while a batch is open. */
static void call_failed(struct hooks *h, int status, int def_script, int def_line, const char *in,
			const char *sep, const char *ppath)
{
	struct buf m = BUF_INIT, tb = BUF_INIT;
	struct failure_at f = { .in = in, .sep = sep, .tail = "" };
	failure_text(h, status, def_script, def_line, &f.script, &f.line, &m, &tb);
	f.msg = buf_cstr(&m);
	f.trace = buf_cstr(&tb);
	page_failed(h, &f, ppath);
	buf_free(&m);
	buf_free(&tb);
}

void hooks_pages_begin(struct hooks *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	h->batch = 1;
	pthread_mutex_unlock(&h->lock);
}

void hooks_pages_end(struct hooks *h, struct diag *d)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	for (size_t i = 0; i < h->nfailures; i++)
		report_page_failure(h, &h->failures[i], d);
	free_failures(h);
	h->batch = 0;
	pthread_mutex_unlock(&h->lock);
}

/* Calls on_page handler i on page (with page.history to read, or not),
 * where the handler was defined (*s, *line).  Returns lua_pcall's status,
 * the handler's results on the stack above *base (its error, if it
 * failed); the caller pops them. */
static int call_page_handler(struct hooks *h, lua_Integer i, json_t *page, int history, int *s, int *line,
			     int *base)
{
	lua_State *L = h->L;
	handler_location(h, &KEY_PAGE, i, s, line);
	struct call c = { &KEY_PAGE, i, page, history };
	begin_call(h, *s, *line);
	lua_pushcfunction(L, msgh);
	*base = lua_gettop(L);
	lua_pushcfunction(L, run_handler);
	lua_pushlightuserdata(L, &c);
	return lua_pcall(L, 1, 2, *base);
}

/* The page a handler that returned left (the table it returned, or the
 * one it changed), checked against page; NULL with the reason in
 * h->scratch. */
static json_t *page_result(struct hooks *h, json_t *page)
{
	lua_State *L = h->L;
	int t = lua_type(L, -1);
	json_t *np = NULL;
	buf_reset(&h->scratch);
	if (t == LUA_TNIL || t == LUA_TTABLE)
		np = lua_to_json(h, t == LUA_TNIL ? -2 : -1, "page");
	else
		buf_printf(&h->scratch, "the on_page handler must return a table or nil, got %s", luaL_typename(L, -1));
	/* page.history is the build's (page_index): what a handler puts
	 * there reaches neither later handlers nor the page; nor do path and
	 * url, which the build decides (a later handler's page.history is
	 * looked up by path) */
	json_object_del(np, "history");
	keep_fields(np, page);
	if (np && check_page(page, np, &h->scratch) < 0) {
		json_decref(np);
		np = NULL;
	}
	return np;
}

int hooks_run_page(struct hooks *h, json_t **page, struct diag *d)
{
	int rc = 0;
	if (!h || !h->n_page)
		return 0;
	if (!enter(h, d, &rc))
		return rc;
	lua_State *L = h->L;
	const char *ppath = json_string_value(json_object_get(*page, "path"));
	char *page_name = xstrdup(ppath ? ppath : "a page");
	for (lua_Integer i = 1; i <= h->n_page && rc == 0; i++) {
		int s, line, base;
		int status = call_page_handler(h, i, *page, 1, &s, &line, &base);
		if (status != LUA_OK) {
			call_failed(h, status, s, line, "on_page", " for ", page_name);
			rc = -1;
		} else {
			json_t *np = page_result(h, *page);
			if (np && check_template(h, *page, np, &h->scratch) < 0) {
				json_decref(np);
				np = NULL;
			}
			if (np) {
				json_decref(*page);
				*page = np;
			} else {
				struct failure_at f = { s, line, buf_cstr(&h->scratch), "on_page", " for ",
							", handler defined here", "" };
				page_failed(h, &f, page_name);
				rc = -1;
			}
		}
		lua_settop(L, base - 1);
	}
	free(page_name);
	leave(h);
	return rc;
}

/* ---- judging a past version ------------------------------------------ */

/* What a call in progress keeps while a past version is judged inside it
 * (a handler reading page.history): its budget, clock and error. */
struct outer_call {
	struct call_state saved;
	struct timespec began;
};

static void outer_save(struct hooks *h, struct outer_call *o)
{
	o->saved = h->call;
	clock_gettime(CLOCK_MONOTONIC, &o->began);
	h->call.errmsg = (struct buf)BUF_INIT;
}

/* Gives the call back what it had; the time the judging took is not
 * counted against its limit. */
static void outer_restore(struct hooks *h, struct outer_call *o)
{
	struct timespec now, *dl = &o->saved.deadline;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ns = (now.tv_sec - o->began.tv_sec) * 1000000000LL + (now.tv_nsec - o->began.tv_nsec);
	dl->tv_sec += (time_t)(ns / 1000000000LL);
	dl->tv_nsec += (long)(ns % 1000000000LL);
	if (dl->tv_nsec >= 1000000000L) {
		dl->tv_sec++;
		dl->tv_nsec -= 1000000000L;
	}
	buf_free(&h->call.errmsg);
	h->call = o->saved;
}

/* Handler i over *page, as hooks_run_page calls it, with no page.history.
 * 0 with *page replaced by the result, or -1 with the failure in why. */
static int judge_with(struct hooks *h, lua_Integer i, json_t **page, struct buf *why)
{
	int s, line, base, rc = -1;
	int status = call_page_handler(h, i, *page, 0, &s, &line, &base);
	struct buf tb = BUF_INIT;
	if (status != LUA_OK) {
		failure_text(h, status, s, line, &s, &line, why, &tb);
	} else {
		json_t *np = page_result(h, *page);
		if (np) {
			json_decref(*page);
			*page = np;
			rc = 0;
		} else {
			buf_puts(why, buf_cstr(&h->scratch));
		}
	}
	if (rc < 0 && s >= 0) { /* "scripts/NAME.lua:LINE: message" */
		struct buf m = BUF_INIT;
		buf_printf(&m, "%s:%d: %s", h->scripts[s].path, line, buf_cstr(why));
		buf_reset(why);
		buf_puts(why, buf_cstr(&m));
		buf_free(&m);
	}
	buf_free(&tb);
	lua_settop(h->L, base - 1);
	return rc;
}

int hooks_judge_past(struct hooks *h, const json_t *page, int *read_head, struct buf *why)
{
	*read_head = 0;
	if (!h || !h->n_page)
		return 0;
	pthread_mutex_lock(&h->lock);
	struct outer_call o;
	int nested = h->depth > 0, rc = 0;
	if (nested)
		outer_save(h, &o);
	else if (h->call.broken) {
		buf_puts(why, "a limit was hit earlier in this build: no more hooks run");
		pthread_mutex_unlock(&h->lock);
		return -1;
	}
	/* what handlers print about a past version is not shown: they run
	 * over every version, on every core, and not at all for a version
	 * an earlier build judged */
	h->call.d = NULL;
	h->call.phase = PH_RUN;
	h->call.filtering = 0;
	h->call.head_read = 0;
	h->depth++;
	json_t *p = json_deep_copy(page);
	for (lua_Integer i = 1; i <= h->n_page && rc == 0; i++)
		rc = judge_with(h, i, &p, why);
	if (rc == 0)
		rc = json_is_true(json_object_get(p, "draft"));
	json_decref(p);
	*read_head = h->call.head_read || h->head_at_load;
	if (h->call.violation == V_MEMORY)
		lua_gc(h->L, LUA_GCCOLLECT);
	h->depth--;
	if (nested) {
		outer_restore(h, &o);
	} else {
		/* a broken limit stops this version, not the rest: a version
		 * is judged alone (its verdict hides it) */
		h->call.broken = 0;
		h->call.violation = V_NONE;
		h->call.phase = PH_IDLE;
		h->call.d = NULL;
	}
	pthread_mutex_unlock(&h->lock);
	return rc;
}

void hooks_digest(const struct hooks *h, uint64_t out[2])
{
	struct cache_keybuf kb = h->digest;
	struct cache_key k = cache_key_end(&kb);
	out[0] = k.h[0];
	out[1] = k.h[1];
}

int hooks_run_site(struct hooks *h, json_t *site, json_t *added,
		   struct diag *d)
{
	int rc = 0;
	if (!h || !h->n_site)
		return 0;
	if (!enter(h, d, &rc))
		return rc;
	lua_State *L = h->L;
	/* What weak tables still hold is state too, and it must not depend on
	 * how many pages' filters ran (the rest came from the cache): the
	 * handlers see a collected state in every build. */
	lua_gc(L, LUA_GCCOLLECT);
	h->added = added;
	h->added_bytes = 0;
	for (lua_Integer i = 1; i <= h->n_site && rc == 0; i++) {
		int s, line;
		handler_location(h, &KEY_SITE, i, &s, &line);
		struct call c = { &KEY_SITE, i, site, 2 };
		begin_call(h, s, line);
		lua_pushcfunction(L, msgh);
		int base = lua_gettop(L);
		lua_pushcfunction(L, run_handler);
		lua_pushlightuserdata(L, &c);
		int status = lua_pcall(L, 1, 2, base);
		if (status != LUA_OK) {
			report_failure(h, status, "in on_site", s, line);
			rc = -1;
		}
		lua_settop(L, base - 1);
	}
	leave(h);
	return rc;
}

/* ---- document filters ------------------------------------------------ */

static int type_index(const char *name)
{
	for (size_t t = 0; t < N_FILTER_TYPES; t++)
		if (strcmp(filter_types[t], name) == 0)
			return (int)t;
	return -1;
}

/* The node's text as a reader sees it: literals of text and code
 * descendants, breaks as spaces. */
static void plain_text(cmark_node *node, struct buf *b)
{
	cmark_iter *it = cmark_iter_new(node);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_CODE_BLOCK:
		case CMARK_NODE_HTML_INLINE:
		case CMARK_NODE_HTML_BLOCK:
			buf_puts(b, cmark_node_get_literal(n) ?
					    cmark_node_get_literal(n) : "");
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_putc(b, ' ');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

static int has_literal(cmark_node *n)
{
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_TEXT:
	case CMARK_NODE_CODE:
	case CMARK_NODE_CODE_BLOCK:
	case CMARK_NODE_HTML_INLINE:
	case CMARK_NODE_HTML_BLOCK:
		return 1;
	default:
		return 0;
	}
}

static int is_inline(cmark_node *n)
{
	return (cmark_node_get_type(n) & CMARK_NODE_TYPE_MASK) ==
	       CMARK_NODE_TYPE_INLINE;
}

static void set_str(lua_State *L, const char *k, const char *v)
{
	lua_pushstring(L, v ? v : "");
	lua_setfield(L, -2, k);
}

static void push_node(struct hooks *h, lua_State *L, cmark_node *n)
{
	lua_createtable(L, 0, 6);
	set_str(L, "type", cmark_node_get_type_string(n));
	buf_reset(&h->scratch);
	plain_text(n, &h->scratch);
	set_str(L, "text", buf_cstr(&h->scratch));
	if (has_literal(n))
		set_str(L, "literal", cmark_node_get_literal(n));
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_LINK:
	case CMARK_NODE_IMAGE:
		set_str(L, "url", cmark_node_get_url(n));
		set_str(L, "title", cmark_node_get_title(n));
		break;
	case CMARK_NODE_HEADING:
		lua_pushinteger(L, cmark_node_get_heading_level(n));
		lua_setfield(L, -2, "level");
		break;
	case CMARK_NODE_CODE_BLOCK:
		set_str(L, "info", cmark_node_get_fence_info(n));
		break;
	default:
		break;
	}
}

static cmark_node *parse_markdown(const char *md, size_t len)
{
	static const char *const exts[] = { "table", "strikethrough",
					    "autolink", "tasklist" };
	cmark_parser *p = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, md_mem());
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
		if (e)
			cmark_parser_attach_syntax_extension(p, e);
	}
	md_cmark_lock();
	cmark_parser_feed(p, md, len);
	cmark_node *doc = cmark_parser_finish(p);
	md_cmark_unlock();
	cmark_parser_free(p);
	return doc;
}

/* Puts the children of from before node, then frees node.  On failure
 * (the parent cannot hold them) nothing changes and -1 is returned. */
static int splice_children(cmark_node *node, cmark_node *from)
{
	cmark_node *first = cmark_node_first_child(from), *c;
	size_t moved = 0;
	while ((c = cmark_node_first_child(from))) {
		if (!cmark_node_insert_before(node, c)) {
			for (size_t i = 0; i < moved; i++) {
				cmark_node *back = first;
				first = cmark_node_next(first);
				cmark_node_append_child(from, back);
			}
			return -1;
		}
		moved++;
	}
	cmark_node_free(node);
	return 0;
}

/* cmark-gfm's inline text points into its paragraph's buffer, which dies
 * with the parsed fragment; setting each literal again makes the node own
 * a copy, so the fragment can be freed after its nodes move. */
static void own_literals(cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		const char *lit;
		if (ev != CMARK_EVENT_ENTER || !(lit = cmark_node_get_literal(n)))
			continue;
		char *copy = strdup(lit);
		if (copy) {
			cmark_node_set_literal(n, copy);
			free(copy);
		}
	}
	cmark_iter_free(it);
}

/* Replaces node with parsed Markdown, or returns an error message. */
/* Puts a text node of the n blanks at s before (or after) node; a line
 * break becomes a space, as a soft break would show. */
static void keep_blank(cmark_node *node, const char *s, size_t n, int before)
{
	if (!n)
		return;
	char *t = xstrndup(s, n);
	for (char *c = t; *c; c++)
		if (*c == '\n' || *c == '\t')
			*c = ' ';
	cmark_node *tn = md_node_new(CMARK_NODE_TEXT);
	cmark_node_set_literal(tn, t);
	free(t);
	if (!(before ? cmark_node_insert_before(node, tn) : cmark_node_insert_after(node, tn)))
		cmark_node_free(tn);
}

static const char *replace_markdown(cmark_node *node, const char *md,
				    size_t len)
{
	cmark_node *doc = parse_markdown(md, len);
	cmark_node *from = doc;
	const char *err = NULL;
	if (is_inline(node)) {
		cmark_node *para = cmark_node_first_child(doc);
		if (para && (cmark_node_next(para) ||
			     cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)) {
			err = "Markdown replacing an inline node must be one "
			      "paragraph";
			goto done;
		}
		/* A paragraph drops the blanks at its ends; inline they part
		 * words ("One two " before a link), so they are kept. */
		size_t lead = strspn(md, " \t\n"), trail = 0;
		while (trail < len - lead && strchr(" \t\n", md[len - 1 - trail]))
			trail++;
		keep_blank(node, md, lead, 1);
		keep_blank(node, md + len - trail, para ? trail : 0, 0);
		if (!para) {
			cmark_node_free(node);
			goto done;
		}
		from = para;
	}
	own_literals(from);
	if (splice_children(node, from) < 0)
		err = "the Markdown cannot stand where this node stands";
done:
	cmark_node_free(doc);
	return err;
}

static const char *replace_html(cmark_node *node, const char *html)
{
	cmark_node *n = md_node_new(is_inline(node) ? CMARK_NODE_HTML_INLINE
						       : CMARK_NODE_HTML_BLOCK);
	cmark_node_set_literal(n, html);
	if (!cmark_node_insert_before(node, n)) {
		cmark_node_free(n);
		return "HTML cannot stand where this node stands";
	}
	cmark_node_free(node);
	return NULL;
}

/* Counts text a filter puts into the page: the Markdown it returns is
 * parsed outside the scripts' memory, so a filter returning megabytes for
 * every word took gigabytes.  A page gets what an article may hold. */
static void count_filter_text(lua_State *L, size_t n)
{
	struct hooks *h = hooks_of(L);
	if (n > FS_MAX_FILE - h->filter_bytes)
		luaL_error(L, "filter results: more than %d MiB of text put into one page, an article's limit",
			   (int)(FS_MAX_FILE >> 20));
	h->filter_bytes += n;
}

/* Reads field k of the result table (at 1) as an optional string. */
static const char *opt_field(lua_State *L, int res, const char *k)
{
	int t = lua_getfield(L, res, k);
	if (t == LUA_TNIL)
		return NULL;
	if (t != LUA_TSTRING)
		luaL_error(L, "filter result: %s must be a string, got %s", k,
			   luaL_typename(L, -1));
	size_t n;
	const char *v = lua_tolstring(L, -1, &n);
	count_filter_text(L, n);
	return v;
}

static int differs(const char *now, const char *want)
{
	return want && strcmp(now ? now : "", want) != 0;
}

struct node_call {
	struct hooks *h;
	cmark_node *node;
	lua_Integer filter;
	const char *page_path;
};

/* Protected: calls the filter's function for the node and applies what
 * it returns.  All Lua work (which may raise) happens before the tree is
 * touched. */
static int run_filter(lua_State *L)
{
	struct node_call *c = lua_touserdata(L, 1);
	cmark_node *n = c->node;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_FILTER);
	lua_rawgeti(L, -1, c->filter);
	lua_getfield(L, -1, cmark_node_get_type_string(n));
	push_node(c->h, L, n);
	lua_pushstring(L, c->page_path ? c->page_path : "");
	lua_call(L, 2, 1);
	int res = lua_gettop(L);
	const char *err = NULL;
	switch (lua_type(L, res)) {
	case LUA_TNIL:
		return 0;
	case LUA_TSTRING: {
		size_t len;
		const char *md = lua_tolstring(L, res, &len);
		count_filter_text(L, len);
		err = replace_markdown(n, md, len);
		break;
	}
	case LUA_TTABLE: {
		const char *html = opt_field(L, res, "html");
		const char *md = opt_field(L, res, "markdown");
		if (html && md)
			return luaL_error(L, "filter result: give html or "
					     "markdown, not both");
		if (html || md) {
			err = html ? replace_html(n, html)
				   : replace_markdown(n, md, strlen(md));
			break;
		}
		const char *url = opt_field(L, res, "url");
		const char *title = opt_field(L, res, "title");
		const char *info = opt_field(L, res, "info");
		const char *literal = opt_field(L, res, "literal");
		const char *text = opt_field(L, res, "text");
		int lt = lua_getfield(L, res, "level");
		lua_Integer level = lua_tointeger(L, -1);
		if (lt != LUA_TNIL && (!lua_isinteger(L, -1) || level < 1 ||
				       level > 6))
			return luaL_error(L, "filter result: level must be an "
					     "integer from 1 to 6");
		cmark_node_type t = cmark_node_get_type(n);
		if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) {
			if (differs(cmark_node_get_url(n), url))
				cmark_node_set_url(n, url);
			if (differs(cmark_node_get_title(n), title))
				cmark_node_set_title(n, title);
		}
		if (t == CMARK_NODE_HEADING && lt != LUA_TNIL)
			cmark_node_set_heading_level(n, (int)level);
		if (t == CMARK_NODE_CODE_BLOCK &&
		    differs(cmark_node_get_fence_info(n), info))
			cmark_node_set_fence_info(n, info);
		if (has_literal(n)) {
			const char *now = cmark_node_get_literal(n);
			if (differs(now, literal))
				cmark_node_set_literal(n, literal);
			else if (differs(now, text))
				cmark_node_set_literal(n, text);
		} else if (text) {
			struct buf *b = &c->h->scratch;
			buf_reset(b);
			plain_text(n, b);
			if (strcmp(buf_cstr(b), text) != 0) {
				cmark_node *ch;
				cmark_node *tn = md_node_new(CMARK_NODE_TEXT);
				cmark_node_set_literal(tn, text);
				if (cmark_node_append_child(n, tn)) {
					while ((ch = cmark_node_first_child(n)) != tn)
						cmark_node_free(ch);
				} else {
					cmark_node_free(tn);
					err = "text cannot be set on this node";
				}
			}
		}
		break;
	}
	default:
		return luaL_error(L, "a filter must return nil, a table or a "
				     "Markdown string, got %s",
				  luaL_typename(L, res));
	}
	if (err)
		return luaL_error(L, "filter result: %s", err);
	return 0;
}

static int leaf_type(cmark_node *n)
{
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_HTML_BLOCK:
	case CMARK_NODE_THEMATIC_BREAK:
	case CMARK_NODE_CODE_BLOCK:
	case CMARK_NODE_TEXT:
	case CMARK_NODE_SOFTBREAK:
	case CMARK_NODE_LINEBREAK:
	case CMARK_NODE_CODE:
	case CMARK_NODE_HTML_INLINE:
		return 1;
	default:
		return 0;
	}
}

/* The length of the wiki link ("[[name|text]]", on one line) that s
 * starts with, or 0. */
static size_t wiki_link_at(const char *s)
{
	if (s[0] != '[' || s[1] != '[')
		return 0;
	for (size_t i = 2; s[i] && s[i] != '\n'; i++) {
		if (s[i] == '[')
			return 0;
		if (s[i] == ']')
			return s[i + 1] == ']' && i > 2 ? i + 2 : 0;
	}
	return 0;
}

/* Whether a text node is one wiki link split off by isolate_wikilinks. */
static int is_wiki_text(cmark_node *n)
{
	const char *lit = cmark_node_get_literal(n);
	size_t k = lit ? wiki_link_at(lit) : 0;
	return k && !lit[k];
}

static int in_link(cmark_node *n)
{
	for (cmark_node *p = cmark_node_parent(n); p; p = cmark_node_parent(p))
		if (cmark_node_get_type(p) == CMARK_NODE_LINK || cmark_node_get_type(p) == CMARK_NODE_IMAGE)
			return 1;
	return 0;
}

/* Wiki links are resolved after the filters, so a text filter would see
 * one as text and could put a link inside it ("[[leave|[the policy](…)]]"),
 * which broke it without a word.  Each wiki link written on one line in
 * a text node is split off into a text node of its own, which text
 * filters are not given (is_wiki_text). */
static void isolate_wikilinks(cmark_node *doc)
{
	cmark_node **texts = NULL;
	size_t n = 0, cap = 0;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *t = cmark_iter_get_node(it);
		const char *lit;
		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(t) != CMARK_NODE_TEXT ||
		    !(lit = cmark_node_get_literal(t)) || !strstr(lit, "[[") || in_link(t))
			continue;
		if (n == cap)
			texts = xrealloc(texts, (cap = cap ? 2 * cap : 16) * sizeof *texts);
		texts[n++] = t;
	}
	cmark_iter_free(it);
	for (size_t i = 0; i < n; i++) {
		char *lit = xstrdup(cmark_node_get_literal(texts[i]));
		const char *rest = lit;
		for (const char *p = lit; (p = strstr(p, "[[")) != NULL;) {
			size_t k = wiki_link_at(p);
			if (!k) {
				p += 1;
				continue;
			}
			const char *parts[2] = { rest, p };
			size_t lens[2] = { (size_t)(p - rest), k };
			for (int j = 0; j < 2; j++) {
				if (!lens[j])
					continue;
				char *piece = xstrndup(parts[j], lens[j]);
				cmark_node *pn = md_node_new(CMARK_NODE_TEXT);
				cmark_node_set_literal(pn, piece);
				free(piece);
				if (!cmark_node_insert_before(texts[i], pn))
					cmark_node_free(pn);
			}
			rest = p += k;
		}
		if (rest != lit)
			cmark_node_set_literal(texts[i], rest);
		free(lit);
	}
	free(texts);
}

int hooks_filter_doc(struct hooks *h, cmark_node *doc, const char *page_path,
		     const struct cache_key *state, struct diag *d)
{
	int rc = 0;
	if (!h || !h->n_filter)
		return 0;
	if (!enter(h, d, &rc))
		return rc;
	h->filter_bytes = 0;
	h->call.filtering = 1;
	h->filter_tainted = 0;
	lua_State *L = h->L;
	cmark_node **nodes = NULL;
	size_t cap = 0, called = 0; /* (no call, no change to the state) */
	int text = type_index("text");
	for (size_t f = 0; f < h->n_filter; f++)
		if (h->filters[f] & ((uint32_t)1 << text)) {
			isolate_wikilinks(doc);
			break;
		}
	for (size_t f = 0; f < h->n_filter && rc == 0; f++) {
		/* Collect first, children before parents: a replaced node's
		 * descendants are then already done, and the iterator never
		 * sees a changed tree. */
		size_t count = 0;
		cmark_iter *it = cmark_iter_new(doc);
		cmark_event_type ev;
		while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
			cmark_node *n = cmark_iter_get_node(it);
			if (n == doc || (ev == CMARK_EVENT_ENTER && !leaf_type(n)))
				continue;
			int t = type_index(cmark_node_get_type_string(n));
			if (t < 0 || !(h->filters[f] & ((uint32_t)1 << t)) || (t == text && is_wiki_text(n)))
				continue;
			if (count == cap) {
				cap = cap ? 2 * cap : 64;
				nodes = xrealloc(nodes, cap * sizeof *nodes);
			}
			nodes[count++] = n;
		}
		cmark_iter_free(it);
		called += count;
		for (size_t i = 0; i < count && rc == 0; i++) {
			const char *type = cmark_node_get_type_string(nodes[i]);
			int s, line;
			lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_FILTER);
			lua_rawgeti(L, -1, (lua_Integer)f + 1);
			lua_getfield(L, -1, type);
			func_location(h, -1, &s, &line);
			lua_pop(L, 3);
			struct node_call c = { h, nodes[i], (lua_Integer)f + 1,
					       page_path };
			begin_call(h, s, line);
			lua_pushcfunction(L, msgh);
			int base = lua_gettop(L);
			lua_pushcfunction(L, run_filter);
			lua_pushlightuserdata(L, &c);
			int status = lua_pcall(L, 1, 0, base);
			if (status != LUA_OK) {
				char *in = xasprintf("filter '%s'", type);
				call_failed(h, status, s, line, in, " on ", page_path ? page_path : "a page");
				free(in);
				rc = -1;
			}
			lua_settop(L, base - 1);
		}
	}
	free(nodes);
	h->call.filtering = 0;
	if (rc == 0 && h->filter_tainted)
		rc |= HOOKS_FILTER_TAINTED;
	/* (checked before another page's filters run: a change one page
	 * made and the next undid would be missed after both) */
	struct cache_key now;
	h->call.phase = PH_IDLE; /* (the digest's memory is not a hook's) */
	if (rc >= 0 && state && called && (state_digest(h, &now) < 0 || memcmp(&now, state, sizeof now)))
		rc |= HOOKS_FILTER_MOVED;
	leave(h);
	return rc;
}

/* ---- test-only round trip -------------------------------------------- */

static int push_arg(lua_State *L)
{
	push_json(L, lua_touserdata(L, 1), 0);
	return 1;
}

json_t *hooks_roundtrip_json(json_t *v)
{
	struct hooks *h = hooks_new();
	json_t *out = NULL;
	if (!h)
		return NULL;
	begin_call(h, -1, 0);
	lua_pushcfunction(h->L, push_arg);
	lua_pushlightuserdata(h->L, v);
	if (lua_pcall(h->L, 1, 1, 0) == LUA_OK)
		out = lua_to_json(h, -1, "value");
	hooks_free(h);
	return out;
}
