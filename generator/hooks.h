/* hooks: runs every scripts/NAME.lua of a site in one sandboxed Lua 5.4
 * state per build and exposes their handlers to the build: on_page
 * (reshape a page's data, hide a page), on_site (see every page, add
 * pages) and document filters (rewrite nodes of an article's cmark tree).
 * Values cross as json_t both ways; a page's history and the commit built
 * (quire.head) are asked of the build only when a script reads them.
 *
 * Lua <-> JSON: objects are tables with string keys, arrays are sequences
 * 1..n, JSON null is the sentinel quire.null (Lua nil cannot sit in a
 * table), integers stay integers and reals reals.  Tables that came in as
 * arrays (or went through quire.array(t)) go back as arrays even when
 * empty; any other empty table is an object.  Cycles, NaN/inf, functions,
 * holes, invalid UTF-8 and keys that are neither all strings nor exactly
 * 1..n are errors at the script's line.
 *
 * Sandbox: base library without load/loadfile/dofile/collectgarbage/warn,
 * with pcall/xpcall/rawset/setmetatable/print replaced; string (no dump,
 * capped rep, and find/match/gmatch/gsub from luapattern.c, whose matcher
 * steps spend the instruction budget), table, math, utf8 and quire, each
 * read-only; the string metatable protected; every script has its own
 * global table, so a later script cannot change what an earlier one sees.
 * Chunks load as text only.  Each call gets an instruction budget and a
 * wall-clock limit that pcall cannot catch; the state has a memory
 * ceiling. */
#ifndef QUIRE_HOOKS_H
#define QUIRE_HOOKS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <cmark-gfm.h>
#include <jansson.h>

#include "buf.h"
#include "diag.h"

struct cache_key;

/* Default limits (per hook call, and for the whole state).  Pattern
 * matching spends the instruction budget too, one unit per matcher step. */
#define HOOKS_INSTRUCTION_BUDGET 100000000LL
#define HOOKS_MEMORY_LIMIT ((size_t)256 * 1024 * 1024)
#define HOOKS_TIME_LIMIT_MS 10000L
/* Largest string string.rep may build. */
#define HOOKS_STRING_REP_MAX ((size_t)16 * 1024 * 1024)
/* Deepest table nesting that crosses the boundary (jansson's parser stops
 * at 2048, so every parsed document fits). */
#define HOOKS_MAX_DEPTH 4096

struct hooks;

/* Called by quire.markdown(text): renders Markdown to HTML the way the site
 * does; returns a new string (caller frees). */
typedef char *(*hooks_markdown_fn)(const char *markdown, void *ctx);

/* Called for page.history, the first time a handler reads it: the
 * history of the page whose page.path the build gave as page_path, a new
 * reference, or NULL when it has none (page.history is then nil). */
typedef json_t *(*hooks_history_fn)(const char *page_path, void *ctx);

/* Called once, when there are scripts, before the first one runs: the
 * value of quire.head (a new reference), or NULL to leave it nil. */
typedef json_t *(*hooks_head_fn)(void *ctx);

/* What a build offers scripts besides the pages; any member may be
 * NULL. */
struct hooks_env {
	hooks_markdown_fn markdown; /* quire.markdown; NULL: plain cmark-gfm */
	void *markdown_ctx;
	hooks_history_fn history;   /* page.history; NULL: always nil */
	void *history_ctx;
	hooks_head_fn head;         /* quire.head; NULL: nil */
	void *head_ctx;
	json_t *site;               /* quire.site: site.yml's keys (borrowed); NULL: nil */
};

/* Loads and runs every site_dir/scripts/NAME.lua (sorted by name) in a fresh
 * sandboxed state.  Returns NULL with *failed = 0 when there is no
 * scripts/ folder or no .lua file; returns NULL with *failed = 1 after
 * reporting errors (as "scripts/NAME.lua", line N, with the Lua message and
 * a traceback).  md may be NULL: quire.markdown then uses plain cmark-gfm
 * (CMARK_OPT_DEFAULT, no raw HTML).  The caller frees with hooks_free. */
struct hooks *hooks_load(const char *site_dir, hooks_markdown_fn md,
			 void *md_ctx, struct diag *d, int *failed);
/* hooks_load with everything env offers (env may be NULL).  Every page
 * table a handler gets (on_page's page, each of on_site's site.pages)
 * reads page.history through env->history; quire.head is a read-only
 * copy of env->head's value, quire.site of env->site (which the scripts'
 * digest and the filters' state then cover). */
struct hooks *hooks_load_env(const char *site_dir, const struct hooks_env *env, struct diag *d, int *failed);

/* Changes the limits for later calls (0 keeps a limit as it is).  For tests
 * and for sites that need more room. */
void hooks_set_limits(struct hooks *h, long long instructions,
		      size_t memory_bytes, long time_ms);

int hooks_has_page(const struct hooks *h);
int hooks_has_site(const struct hooks *h);
int hooks_has_filter(const struct hooks *h);

/* Calls each quire.on_page(fn) handler, in registration order, with the
 * page object (title, summary, tags, params, path, section, ...).  A handler
 * may change the table in place or return a replacement table; the result
 * replaces *page (the old value is json_decref'd; *page is a new reference
 * owned by the caller).  title must stay a string, summary a string, tags
 * and aliases arrays of strings, params an object, draft a boolean.  A
 * "history" member is dropped from what a handler hands back: handlers
 * read page.history from the build (hooks_env), and its copy is theirs.
 * Returns 0, or -1 after reporting (*page is then unchanged).
 * Thread-safe. */
int hooks_run_page(struct hooks *h, json_t **page, struct diag *d);

/* Runs the on_page handlers over a past version of a page, to tell
 * whether they hide it: page (borrowed, not changed) is built as for
 * hooks_run_page from the version's own front matter and body, with the
 * path, url, section and kind of the file as it was then; page.history is
 * nil.  Only page.draft is read from what they hand back.  Returns 1
 * when they hide it (page.draft = true), 0 when not, -1 when a handler
 * fails (a Lua error, a bad value, a broken limit), with the failure in
 * why, "scripts/NAME.lua:LINE: message"; such a failure is no error of
 * the build, and a broken limit stops only this call.  What handlers
 * print is dropped.  *read_head: 1 when the verdict may depend on
 * quire.head (a handler read it, or a script did while loading).
 * Thread-safe, and may be called while a handler runs (from page.history):
 * that handler's budget and time limit are left as they were. */
int hooks_judge_past(struct hooks *h, const json_t *page, int *read_head, struct buf *why);

/* A digest of the scripts (their names and texts), 16 bytes: what a
 * verdict of hooks_judge_past depends on besides the page. */
void hooks_digest(const struct hooks *h, uint64_t out[2]);

/* Between these, hooks_run_page and hooks_filter_doc report no failure
 * of their own: a bug in a handler or filter fails it for every page
 * alike, and one error a page buried the rest.  hooks_pages_end reports
 * each failure once (one per script line and message) to d, with how
 * many pages it failed for and the first few of them by name. */
void hooks_pages_begin(struct hooks *h);
void hooks_pages_end(struct hooks *h, struct diag *d);

/* Calls each quire.on_site(fn) handler with site (borrowed; a Lua copy, so
 * changes to it are not read back).  Each quire.add_page{...} call appends
 * a new object to added (borrowed array):
 *   { "path": "a/b" (normalised: no ".md"/".html"), "title": "...",
 *     "markdown": "..." or "html": "...", "template": "..." (if given),
 *     "data": {...} (if given), "script": "scripts/x.lua", "line": N }
 * Returns 0, or -1 after reporting.  Thread-safe. */
int hooks_run_site(struct hooks *h, json_t *site, json_t *added,
		   struct diag *d);

/* Applies every quire.filter{...} table, in registration order, to the
 * tree of one article, bottom-up (children before their parent, as Pandoc
 * does).  A function named for a node type ("heading", "link", "image",
 * "text", "code", "code_block", "html_inline", "paragraph", ...) gets
 *   fn({ type=, text=, url=, title=, level=, info=, literal= }, page_path)
 * and returns nil (no change), the table with changed url/title/text/
 * level/info/literal, a table { markdown = "..." } or { html = "..." } or a
 * Markdown string to replace the node.  Markdown replacing an inline node
 * must be one paragraph.  page_path names the page in diagnostics.
 * Returns -1 after reporting, or flags: HOOKS_FILTER_TAINTED when a
 * filter logged or read quire.head, so that what it made is not to be
 * cached (the log would be missing, the head may change);
 * HOOKS_FILTER_MOVED when state is not NULL and the filters left their
 * state (hooks_filter_state) other than state says, checked before any
 * other page is filtered.  Thread-safe (calls are serialised).
 * doc must be made with md_mem (an md_doc is): the nodes a filter puts in
 * are, and cmark frees a tree with its root's allocator. */
enum { HOOKS_FILTER_TAINTED = 1, HOOKS_FILTER_MOVED = 2 };
int hooks_filter_doc(struct hooks *h, cmark_node *doc, const char *page_path,
		     const struct cache_key *state, struct diag *d);

/* The most values a filters' state may hold to have a digest: it is
 * walked after every page filtered (about 0.15 µs a value). */
#define HOOKS_FILTER_STATE_MAX 400

/* A digest of all the filters can read besides their arguments: their
 * code and everything they reach (upvalues, their scripts' globals and
 * what those hold, math.random's state; the read-only libraries count as
 * one value), taken between hook calls.  A filter
 * is a function of its node, its page path and this: what it made for
 * an unchanged article may be reused while the digest is the same.
 * Returns 0 and *out, or -1 when there is none (no filters, a state of
 * more than HOOKS_FILTER_STATE_MAX values or holding a coroutine). */
int hooks_filter_state(struct hooks *h, struct cache_key *out);

void hooks_free(struct hooks *h);

/* A flag a signal handler sets: a hook call running when it is set stops
 * at once, as a broken limit does (Ctrl-C need not wait for a slow hook). */
void hooks_set_stop(struct hooks *h, volatile sig_atomic_t *stop);

/* How an on_page handler's page.template is checked: known(ctx, name) is
 * 1 when the theme has the template.  A handler that names one it lacks
 * is an error at the handler's line (without this, at the template). */
void hooks_set_templates(struct hooks *h, int (*known)(void *ctx, const char *name), void *ctx);

/* Test-only: converts v to Lua and back in a fresh sandboxed state.
 * Returns a new reference, or NULL when v cannot make the trip. */
json_t *hooks_roundtrip_json(json_t *v);

#endif
