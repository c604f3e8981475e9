/* markdown: cmark-gfm parsing, tree rewrites and rendering. */
#include "markdown.h"

#include <ctype.h>
#include <cmark-gfm-core-extensions.h>
#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "newpage.h"
#include "slug.h"

static const char *const extensions[] = {
	"table", "strikethrough", "autolink", "tagfilter", "tasklist",
};

static pthread_once_t registered = PTHREAD_ONCE_INIT;

/* cmark-gfm 0.29 keeps the inline parser's special characters ('~' for
 * strikethrough, '|' for tables, ':' and 'w' for autolinks) in one
 * process-wide table, and every parse switches its extensions' characters
 * on before parsing inlines and off after.  Two parses at once would
 * switch each other's extensions off (PR #176 upstream).
 *
 * libcmark-gfm does the switching through an exported function that it
 * calls through its PLT, so the definition below, in the executable, is
 * the one it reaches: it switches on the characters of every extension
 * quire uses (the list above) once, and never off.  A character that is
 * special for a parser without its extension only ends a run of text
 * there (text nodes are consolidated after parsing), so output is the
 * same, and parses can run at once.  (Emptying the extensions' character lists instead does
 * not work: the emphasis pass finds the extension for a '~' delimiter
 * through the same lists.)
 *
 * Should a libcmark-gfm bind the call internally, the definition is never
 * reached; md_parse finds that out on its first use and falls back to
 * parsing one document at a time under a lock.  These flags and the lock
 * are the only globals quire keeps: the state they guard is cmark's. */
static pthread_once_t chars_on = PTHREAD_ONCE_INIT;
static atomic_int chars_interposed;
static int parse_serial;
static pthread_mutex_t cmark_parse_lock = PTHREAD_MUTEX_INITIALIZER;

static void switch_all_chars_on(void)
{
	void (*real)(cmark_parser *, int);
	*(void **)&real = dlsym(RTLD_NEXT, "cmark_manage_extensions_special_characters");
	if (!real) {
		/* cannot happen when libcmark-gfm calls this one; rather than
		 * render every page without its extensions, stop */
		fprintf(stderr, "quire: libcmark-gfm's cmark_manage_extensions_special_characters not found\n");
		abort();
	}
	cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
	for (size_t i = 0; i < sizeof extensions / sizeof *extensions; i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(extensions[i]);
		if (ext)
			cmark_parser_attach_syntax_extension(p, ext);
	}
	real(p, 1);
	cmark_parser_free(p);
	atomic_store(&chars_interposed, 1);
}

void cmark_manage_extensions_special_characters(cmark_parser *parser, int add)
{
	(void)parser;
	if (add)
		pthread_once(&chars_on, switch_all_chars_on);
}

/* Parses a strikethrough before any other parse (inside pthread_once):
 * if the definition above was not reached, every later parse takes the
 * lock. */
static void check_interposed(void)
{
	cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
	cmark_syntax_extension *st = cmark_find_syntax_extension("strikethrough");
	if (st)
		cmark_parser_attach_syntax_extension(p, st);
	cmark_parser_feed(p, "~~a~~\n", 6);
	cmark_node *root = cmark_parser_finish(p);
	if (root)
		cmark_node_free(root);
	cmark_parser_free(p);
	parse_serial = !atomic_load(&chars_interposed);
}

static void register_extensions(void)
{
	cmark_gfm_core_extensions_ensure_registered();
	check_interposed();
}

int md_parse_is_serial(void)
{
	pthread_once(&registered, register_extensions);
	return parse_serial;
}

void md_cmark_lock(void)
{
	if (md_parse_is_serial())
		pthread_mutex_lock(&cmark_parse_lock);
}

void md_cmark_unlock(void)
{
	if (parse_serial)
		pthread_mutex_unlock(&cmark_parse_lock);
}

/* ---- a document's memory ------------------------------------------------ */

/* cmark-gfm allocates each node, text and buffer of a document with a call
 * of its own (some 450 for a 4 KB article) and frees them one by one, yet
 * they all die together in md_free: they come from the document's arena.
 * cmark_mem's functions get no context, so calloc (and realloc of NULL)
 * serves the calling thread's current arena, which each md_* call on a
 * document sets while it runs (doc_enter); a call with none set (a Lua
 * filter's nodes, md_finish's small documents) gets the heap; the pieces
 * carry their origin (arena_piece_new).  current_arena is the one other
 * global here, per thread, for the same reason as those above: the state
 * it stands for is cmark's, reached through an interface without one. */
static _Thread_local struct arena *current_arena;

static void *doc_calloc(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / 2 / size)
		abort();
	void *p = arena_piece_new(current_arena, count * size);
	memset(p, 0, count * size);
	return p;
}

static void *doc_realloc(void *p, size_t n)
{
	return p ? arena_piece_resize(p, n) : arena_piece_new(current_arena, n);
}

static void doc_free(void *p)
{
	arena_piece_free(p);
}

static cmark_mem doc_mem = { doc_calloc, doc_realloc, doc_free };

/* Makes doc's arena the one cmark's allocations on this thread come from;
 * returns the one to put back. */
static struct arena *doc_enter(struct md_doc *doc)
{
	struct arena *outer = current_arena;
	current_arena = doc->arena;
	return outer;
}

cmark_mem *md_mem(void)
{
	return &doc_mem;
}

cmark_node *md_node_new(cmark_node_type type)
{
	return cmark_node_new_with_mem(type, &doc_mem);
}

/* Renders with the heap: the caller frees the HTML with free(). */
static char *render_html(cmark_node *root, int options, cmark_llist *extensions)
{
	return cmark_render_html_with_mem(root, options, extensions, cmark_get_default_mem_allocator());
}

static int parse_options(int unsafe_html)
{
	return CMARK_OPT_FOOTNOTES | CMARK_OPT_SMART |
	       CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE |
	       (unsafe_html ? CMARK_OPT_UNSAFE : 0);
}

/* Whether the 8 bytes of x hold none of: a byte below 0x20, 0x7f, '|'.
 * (A byte below n sets its high bit in (x - n per byte) & ~x; a borrow can
 * flag a byte beside it too, but only when one is there.) */
static int word_is_plain(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t del = x ^ (ones * 0x7f), bar = x ^ (ones * '|');
	uint64_t hit = ((x - ones * 0x20) & ~x) | ((del - ones) & ~del) | ((bar - ones) & ~bar);
	return !(hit & highs);
}

/* Copies body with each control character but tab, CR and LF made a
 * space (they have no place in HTML, and quire uses none as markers), and
 * sets *too_wide to the (body) line of the first line with more than
 * MD_MAX_TABLE_COLUMNS pipes, 0 when none has:
 * cmark-gfm 0.29's table extension pads every row to the header's width,
 * so a header with tens of thousands of columns makes a build take minutes
 * (time grows with columns × rows), and such articles are parsed without
 * tables.  One pass, 8 bytes at a time where none of them matters. */
static char *clean_input(const char *body, size_t len, int *too_wide)
{
	char *s = xmalloc(len + 1);
	size_t i = 0, pipes = 0;
	int line = 1;
	*too_wide = 0;
	while (i < len) {
		uint64_t x;
		if (len - i >= 8 && (memcpy(&x, body + i, 8), word_is_plain(x))) {
			memcpy(s + i, &x, 8);
			i += 8;
			continue;
		}
		unsigned char c = (unsigned char)body[i];
		if (c == '\n')
			pipes = 0, line++;
		else if (c == '|' && ++pipes > MD_MAX_TABLE_COLUMNS && !*too_wide)
			*too_wide = line;
		s[i++] = (c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f ? ' ' : (char)c;
	}
	s[len] = '\0';
	return s;
}

/* ---- bodies too costly to parse ----------------------------------------- */

/* The scan below must never miss a paragraph cmark would parse slowly,
 * so it ends a paragraph only where cmark surely does: at a blank line, a
 * heading at the start of a line, a fenced code block opened at the start
 * of a line (its lines are code, not parsed for inlines, until the fence
 * closes), and each row of a table it is sure cmark sees (each cell is
 * parsed on its own).  A list without blank lines counts as one paragraph:
 * it would take thousands of links to reach MD_COSTLY. */
struct costly {
	unsigned long long marks, closers;
	int start;       /* the line the counted text began on */
	char fence;      /* an open fence's character, or 0 */
	size_t fence_len;
	int tables;      /* the body's tables are parsed (not too wide) */
	int in_table;
	size_t head_cells; /* the line before, if it may head a table: its cells */
};

/* A line at the top level that no block but a paragraph or a table row
 * can begin with (no quote marker, indented at most 3, not a heading, a
 * list item, a fence, HTML or a rule), holding a pipe: its text without
 * the indentation, or NULL.  Anything else may end a table. */
static const char *row_text(const char *s, const char *e)
{
	const char *p = s;
	while (p < e && *p == ' ' && p - s < 4)
		p++;
	if (p - s > 3 || p == e || strchr("\t>#-*+`~<=_", *p) || (*p >= '0' && *p <= '9'))
		return NULL;
	return memchr(p, '|', (size_t)(e - p)) ? p : NULL;
}

static const char *trim_end(const char *s, const char *e)
{
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	return e;
}

/* A row's cells as GFM counts them: split at pipes (a backslash escapes
 * the character after it), less an opening and a closing pipe. */
static size_t row_cells(const char *s, const char *e)
{
	e = trim_end(s, e);
	size_t pipes = 0;
	int lead = 0, trail = 0;
	for (const char *p = s; p < e; p++) {
		if (*p == '\\') {
			p++;
			continue;
		}
		if (*p == '|') {
			pipes++;
			lead |= p == s;
			trail |= p == e - 1;
		}
	}
	return pipes + 1 > (size_t)(lead + trail) ? pipes + 1 - (size_t)(lead + trail) : 0;
}

/* A delimiter row's cells (each :?-+:? between pipes; at least one pipe),
 * or 0. */
static size_t delimiter_cells(const char *s, const char *e)
{
	e = trim_end(s, e);
	if (!memchr(s, '|', (size_t)(e - s)))
		return 0;
	const char *p = s < e && *s == '|' ? s + 1 : s;
	size_t n = 0;
	while (p < e) {
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		p += p < e && *p == ':';
		const char *d = p;
		while (p < e && *p == '-')
			p++;
		if (p == d)
			return 0;
		p += p < e && *p == ':';
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		n++;
		if (p < e && *p++ != '|')
			return 0;
	}
	return n;
}

static int tables_parsed(const char *body, size_t len)
{
	size_t pipes = 0;
	for (size_t i = 0; i < len; i++) {
		if (body[i] == '\n')
			pipes = 0;
		else if (body[i] == '|' && ++pipes > MD_MAX_TABLE_COLUMNS)
			return 0;
	}
	return 1;
}

/* A run of at least 3 backticks or tildes at s: its character and length. */
static int fence_run(const char *s, const char *e, char *ch, size_t *n)
{
	if (e - s < 3 || (*s != '`' && *s != '~'))
		return 0;
	const char *p = s;
	while (p < e && *p == *s)
		p++;
	*ch = *s;
	*n = (size_t)(p - s);
	/* (a backtick fence's info string has no backtick: "```a`b" is text) */
	return *n >= 3 && !(*ch == '`' && memchr(p, '`', (size_t)(e - p)));
}

static int top_heading(const char *s, const char *e)
{
	const char *p = s;
	while (p < e && *p == '#' && p - s < 7)
		p++;
	return p > s && p - s <= 6 && (p == e || *p == ' ' || *p == '\t' || *p == '\r');
}

static void restart(struct costly *c, int line)
{
	c->marks = c->closers = 0;
	c->start = line;
}

/* Takes line number line (s..e, without its newline); 1 when its
 * paragraph has become too costly. */
static int costly_line(struct costly *c, const char *s, const char *e, int line)
{
	const char *t = s;
	char ch;
	size_t n;
	while (t < e && (*t == ' ' || *t == '\t' || *t == '>' || *t == '\r'))
		t++;
	if (c->fence) {
		if (fence_run(t, e, &ch, &n) && ch == c->fence && n >= c->fence_len)
			c->fence = 0;
		c->head_cells = 0;
		restart(c, line + 1);
	} else if (fence_run(s, e, &ch, &n) || t == e) {
		if (t != e) {
			c->fence = ch;
			c->fence_len = n;
		}
		c->in_table = 0;
		c->head_cells = 0;
		restart(c, line + 1);
	} else {
		int heading = top_heading(s, e);
		const char *row = c->tables ? row_text(s, e) : NULL;
		if (c->in_table && !row)
			c->in_table = 0;
		else if (!c->in_table && row && c->head_cells && delimiter_cells(row, e) == c->head_cells)
			c->in_table = 1;
		if (heading || c->in_table)
			restart(c, line);
		c->head_cells = row && !c->in_table ? row_cells(row, e) : 0;
		for (const char *p = t; p < e; p++) {
			c->marks += *p == '*' || *p == '_';
			c->closers += *p == ']';
		}
		if (c->marks * c->closers > MD_COSTLY)
			return 1;
		if (heading)
			restart(c, line + 1);
	}
	return 0;
}

int md_costly_line(const char *body, size_t len)
{
	/* no paragraph of fewer bytes can pass: marks * closers <= (len / 2)^2 */
	if ((unsigned long long)len * len / 4 <= MD_COSTLY)
		return 0;
	struct costly c = { .start = 1, .tables = tables_parsed(body, len) };
	const char *p = body, *end = body + len;
	for (int line = 1; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		if (costly_line(&c, p, e, line))
			return c.start;
		p = e + 1;
	}
	return 0;
}

int md_parse(struct md_doc *doc, const char *body, size_t len, int body_line,
	     int unsafe_html)
{
	memset(doc, 0, sizeof *doc);
	pthread_once(&registered, register_extensions);
	doc->unsafe_html = unsafe_html;
	doc->body_line = body_line;
	doc->arena = xcalloc(1, sizeof *doc->arena);
	doc->arena->chunk_size = 32768;
	doc->arena->limit = MD_ARENA_MAX;
	struct arena *outer = doc_enter(doc);
	doc->parser = cmark_parser_new_with_mem(parse_options(unsafe_html), &doc_mem);
	char *clean = clean_input(body, len, &doc->tables_disabled);
	if (doc->tables_disabled)
		doc->tables_disabled += body_line - 1;
	for (size_t i = 0; i < sizeof extensions / sizeof *extensions; i++) {
		if (doc->tables_disabled && !strcmp(extensions[i], "table"))
			continue;
		cmark_syntax_extension *ext = cmark_find_syntax_extension(extensions[i]);
		if (ext)
			cmark_parser_attach_syntax_extension(doc->parser, ext);
	}
	int costly = md_costly_line(clean, len) > 0;
	md_cmark_lock();
	cmark_parser_feed(doc->parser, clean, costly ? 0 : len);
	doc->root = cmark_parser_finish(doc->parser);
	md_cmark_unlock();
	if (costly && doc->root) {
		cmark_node *code = cmark_node_new_with_mem(CMARK_NODE_CODE_BLOCK, &doc_mem);
		cmark_node_set_literal(code, clean);
		cmark_node_append_child(doc->root, code);
	}
	doc->src = clean;
	doc->src_len = len;
	if (doc->root)
		cmark_consolidate_text_nodes(doc->root);
	current_arena = outer;
	if (!doc->root) {
		md_free(doc);
		return -1;
	}
	return 0;
}

static void bury(struct md_doc *doc, cmark_node *n)
{
	cmark_node_unlink(n);
	if (doc->ngrave == doc->capgrave) {
		doc->capgrave = doc->capgrave ? doc->capgrave * 2 : 16;
		doc->graveyard = xrealloc(doc->graveyard, doc->capgrave * sizeof *doc->graveyard);
	}
	doc->graveyard[doc->ngrave++] = n;
}

void md_free(struct md_doc *doc)
{
	if (doc->root)
		cmark_node_free(doc->root);
	for (size_t i = 0; i < doc->ngrave; i++)
		cmark_node_free(doc->graveyard[i]);
	free(doc->graveyard);
	for (size_t i = 0; i < doc->nwiki; i++)
		free(doc->wiki[i]);
	free(doc->wiki);
	for (size_t i = 0; i < doc->ncell_ext; i++)
		free(doc->cell_ext[i]);
	free(doc->cell_ext);
	for (size_t i = 0; i < doc->nproblems; i++)
		free(doc->problems[i].msg);
	free(doc->problems);
	free(doc->src);
	free(doc->line_at);
	if (doc->parser)
		cmark_parser_free(doc->parser);
	if (doc->arena)
		arena_free(doc->arena);
	free(doc->arena);
	memset(doc, 0, sizeof *doc);
}

static void node_text(cmark_node *node, struct buf *b)
{
	cmark_iter *it = cmark_iter_new(node);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE: {
			const char *lit = cmark_node_get_literal(n);
			if (lit)
				buf_puts(b, lit);
			break;
		}
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

char *md_node_text(cmark_node *node)
{
	struct buf b = BUF_INIT;
	node_text(node, &b);
	return buf_detach(&b);
}

/* A wiki link carries its source position as user data: cmark has no
 * setter for positions, and the marker also tells md_render that the link
 * was a wiki link. */
struct wikipos {
	int line, col;
};

static struct wikipos *new_wikipos(struct md_doc *doc, int line, int col)
{
	if (doc->nwiki == doc->capwiki) {
		doc->capwiki = doc->capwiki ? doc->capwiki * 2 : 8;
		doc->wiki = xrealloc(doc->wiki, doc->capwiki * sizeof *doc->wiki);
	}
	struct wikipos *w = xmalloc(sizeof *w);
	w->line = line;
	w->col = col;
	doc->wiki[doc->nwiki++] = w;
	return w;
}

static struct wikipos *wiki_of(cmark_node *n)
{
	return cmark_node_get_user_data(n);
}

static int wiki_kind(cmark_node *link)
{
	if (!wiki_of(link))
		return 0;
	return cmark_node_first_child(link) ? MD_WIKI : MD_WIKI_TITLED;
}

/* cmark-gfm leaves inline nodes in table cells without a position; the
 * nearest ancestor that has one (the row) is the best we can report. */
static cmark_node *positioned(cmark_node *n)
{
	while (n && cmark_node_get_start_line(n) <= 0)
		n = cmark_node_parent(n);
	return n;
}

/* Line line (1-based) of the parsed body: its start and length. */
static int source_line(struct md_doc *doc, int line, const char **s, size_t *n)
{
	if (!doc->src || line < 1)
		return 0;
	if (!doc->line_at) {
		size_t cap = 64;
		doc->line_at = xmalloc(cap * sizeof *doc->line_at);
		doc->line_at[doc->nlines++] = 0;
		const char *e = doc->src + doc->src_len;
		for (const char *q = doc->src; (q = memchr(q, '\n', (size_t)(e - q))); q++) {
			if (doc->nlines == cap)
				doc->line_at = xrealloc(doc->line_at, (cap *= 2) * sizeof *doc->line_at);
			doc->line_at[doc->nlines++] = (size_t)(q - doc->src) + 1;
		}
	}
	if ((size_t)line > doc->nlines)
		return 0;
	size_t at = doc->line_at[line - 1];
	size_t end = (size_t)line < doc->nlines ? doc->line_at[line] - 1 : doc->src_len;
	*s = doc->src + at;
	*n = end - at;
	return 1;
}

/* cmark-gfm counts an inline's column on a paragraph's continuation line
 * from after the blanks the paragraph drops at its start: when expect
 * is not at col in the source, it is looked for past at most that many
 * blanks. */
static int fix_col(struct md_doc *doc, int line, int col, const char *expect)
{
	const char *s;
	size_t n, len = strlen(expect);
	if (col < 1 || !source_line(doc, line, &s, &n))
		return col;
	size_t i = (size_t)col - 1, blanks = strspn(s, " \t");
	for (size_t k = 0; k <= blanks && i + k + len <= n; k++)
		if (!memcmp(s + i + k, expect, len))
			return col + (int)k;
	return col;
}

/* cmark-gfm 0.29 places a link or image that wraps onto later lines at
 * the start of its last line; its first child (the text after "[")
 * still says where it begins.  That child, when it begins on an earlier
 * line, else NULL. */
static cmark_node *wrapped_start(cmark_node *n)
{
	cmark_node_type t = cmark_node_get_type(n);
	cmark_node *c = t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE ? cmark_node_first_child(n) : NULL;
	int line = c ? cmark_node_get_start_line(c) : 0;
	return line > 0 && line < cmark_node_get_start_line(n) ? c : NULL;
}

static int node_line(cmark_node *n)
{
	struct wikipos *w = wiki_of(n);
	cmark_node *p = positioned(n), *c = p == n ? wrapped_start(n) : NULL;
	return w ? w->line : c ? cmark_node_get_start_line(c) : p ? cmark_node_get_start_line(p) : 1;
}

/* The column editors count (characters: a UTF-8 letter is one, as the
 * front matter's are) of byte column col of body line line: cmark's
 * columns are bytes, so "Congé été [[x]]" put the link at 14, not 11. */
static int char_col(struct md_doc *doc, int line, int col)
{
	const char *s;
	size_t n;
	if (col <= 1 || !source_line(doc, line, &s, &n))
		return col;
	size_t end = (size_t)col - 1 < n ? (size_t)col - 1 : n, i = 0;
	int chars = 1;
	if (doc->cc_line == line && doc->cc_byte <= end) {
		i = doc->cc_byte;
		chars = doc->cc_chars;
	}
	for (; i < end; i++)
		chars += ((unsigned char)s[i] & 0xC0) != 0x80;
	doc->cc_line = line;
	doc->cc_byte = end;
	doc->cc_chars = chars;
	return chars + (int)((size_t)col - 1 - end);
}

static int node_col(struct md_doc *doc, cmark_node *n);

/* Where a link is reported: its line in the file and its column as
 * editors count it. */
static int report_col(struct md_doc *doc, cmark_node *n)
{
	return char_col(doc, node_line(n), node_col(doc, n));
}

static int node_col(struct md_doc *doc, cmark_node *n)
{
	struct wikipos *w = wiki_of(n);
	cmark_node *p = positioned(n), *c;
	int image = cmark_node_get_type(n) == CMARK_NODE_IMAGE;
	if (w)
		return w->col;
	if (p != n)
		return p ? cmark_node_get_start_column(p) : 1;
	if ((c = wrapped_start(n)))
		return fix_col(doc, cmark_node_get_start_line(c), cmark_node_get_start_column(c) - (image ? 2 : 1),
			       image ? "![" : "[");
	return fix_col(doc, cmark_node_get_start_line(n), cmark_node_get_start_column(n), image ? "![" : "[");
}

/* A wiki link may wrap onto the next line: "[[a|some" SOFTBREAK
 * "text]] ..." in cmark's tree.  join_wrapped makes such a run one text
 * node (breaks as "\n") and notes where each joined line starts in the
 * source, so the links in it are found and reported at their place. */
#define WRAP_LINES 16
/* At most this many joins, and no join once the text is this long: a
 * paragraph of wrapped links costs time in proportion to its length. */
#define WRAP_JOINS 16
#define WRAP_BYTES 8192
struct wrap {
	size_t n;
	size_t off[WRAP_JOINS * WRAP_LINES]; /* where a joined text node starts in the literal */
	int line[WRAP_JOINS * WRAP_LINES], col[WRAP_JOINS * WRAP_LINES];
};

/* 1 when lit has a "[[" that no "]]" after it closes. */
static int unclosed_wiki(const char *lit)
{
	const char *last = NULL;
	for (const char *o = strstr(lit, "[["); o; o = strstr(o + 1, "[["))
		last = o;
	return last && !strstr(last + 2, "]]");
}

/* Joins text with the soft breaks and text nodes after it, up to the one
 * that closes its open "[[" (at most WRAP_LINES lines on).  Returns 1
 * when it did (the joined siblings are buried), 0 when the link does not
 * close there and nothing changed. */
static int join_wrapped(struct md_doc *doc, cmark_node *text, struct wrap *w)
{
	struct buf b = BUF_INIT;
	size_t lines = 0;
	cmark_node *end = NULL;
	for (cmark_node *s = cmark_node_next(text); s && lines < WRAP_LINES; s = cmark_node_next(s)) {
		cmark_node_type t = cmark_node_get_type(s);
		if (t == CMARK_NODE_SOFTBREAK) {
			lines++;
			continue;
		}
		if (t != CMARK_NODE_TEXT)
			break;
		if (strstr(cmark_node_get_literal(s), "]]")) {
			end = s;
			break;
		}
	}
	if (!end)
		return 0;
	buf_puts(&b, cmark_node_get_literal(text));
	for (cmark_node *s = cmark_node_next(text), *next; s; s = next) {
		next = cmark_node_next(s);
		if (cmark_node_get_type(s) == CMARK_NODE_SOFTBREAK) {
			buf_putc(&b, '\n');
		} else {
			if (w->n < WRAP_JOINS * WRAP_LINES && cmark_node_get_start_line(s) > 0) {
				w->off[w->n] = b.len;
				w->line[w->n] = cmark_node_get_start_line(s);
				w->col[w->n++] = cmark_node_get_start_column(s);
			}
			buf_puts(&b, cmark_node_get_literal(s));
		}
		bury(doc, s);
		if (s == end)
			break;
	}
	cmark_node_set_literal(text, b.ptr);
	buf_free(&b);
	return 1;
}

/* Where the scans of one text's "[["s stopped, so that locating its
 * links one after another reads the text and its source line once, not
 * once per link (a paragraph of 80,000 links took seconds).  Zeroed per
 * text node; positions only grow. */
struct open_scan {
	size_t seg, i, k;         /* literal: from seg, scanned to i, k "[["s */
	int line, col;            /* source: line line from column col ... */
	size_t at, nth;           /* ... scanned to at, nth "[["s found */
};

/* The "[["s in s[0, n), each counted once ("[[[" is one), resuming sc
 * when it scanned the same s. */
static size_t opens_in(const char *s, size_t n, struct open_scan *sc, size_t seg)
{
	size_t i = 0, k = 0;
	if (sc && sc->seg == seg && sc->i <= n) {
		i = sc->i;
		k = sc->k;
	}
	for (; i + 1 < n; i++)
		if (s[i] == '[' && s[i + 1] == '[') {
			k++;
			i++;
		}
	if (sc)
		*sc = (struct open_scan){ seg, i, k, sc->line, sc->col, sc->at, sc->nth };
	return k;
}

/* The character the source at s[*i] puts in a text's literal, moving *i
 * past it: an escaped punctuation mark ("\\[") is the mark alone. */
static char literal_char(const char *s, size_t n, size_t *i)
{
	char c = s[*i];
	if (c == '\\' && *i + 1 < n && ispunct((unsigned char)s[*i + 1]))
		c = s[++*i];
	++*i;
	return c;
}

/* The column of the nth (0-based) "[[" of line line from column col on,
 * counted as opens_in counts them in the literal (so "\\[\\[" is one,
 * as the literal has it), or 0; resumes sc's scan of the same line. */
static int nth_open(struct md_doc *doc, int line, int col, size_t nth, struct open_scan *sc)
{
	const char *s;
	size_t n;
	if (col < 1 || !source_line(doc, line, &s, &n))
		return 0;
	size_t i = (size_t)col - 1, found = 0;
	if (sc && sc->line == line && sc->col == col && sc->nth <= nth && sc->at) {
		i = sc->at;
		found = sc->nth;
	}
	while (i < n) {
		if (literal_char(s, n, &i) != '[' || i >= n)
			continue;
		size_t at = i - 1; /* the '[' itself, after a backslash too */
		size_t j = i;
		if (literal_char(s, n, &j) != '[')
			continue;
		i = j;
		if (found++ == nth) {
			if (sc) {
				sc->line = line;
				sc->col = col;
				sc->at = i;
				sc->nth = found;
			}
			return (int)at + 1;
		}
	}
	return 0;
}

/* The source position of byte off of text's literal (w: its joined
 * lines, or NULL; sc: the scans of text's earlier offsets, or NULL).  An
 * entity or escape before it on its line makes the literal shorter than
 * the source ("&mdash;" is 3 bytes): the "[[" is found as the same "[[" of
 * the line, by count. */
static void wiki_where(struct md_doc *doc, cmark_node *text, const struct wrap *w, size_t off, int *line,
		       int *col, struct open_scan *sc)
{
	cmark_node *pos = positioned(text);
	size_t seg = 0;
	*line = pos ? cmark_node_get_start_line(pos) : 1;
	/* Inside a table cell only the row's position is known. */
	int seg_col = pos == text ? cmark_node_get_start_column(text) : 1;
	for (size_t k = 0; w && k < w->n; k++)
		if (w->off[k] <= off) {
			*line = w->line[k];
			seg_col = w->col[k];
			seg = w->off[k];
		}
	*col = seg_col + (int)(off - seg);
	if (pos != text)
		return;
	/* Counted, not measured: an entity or escape anywhere before it may
	 * shift the column onto another "[[" of the line. */
	const char *lit = cmark_node_get_literal(text);
	int at = lit && off >= seg ? nth_open(doc, *line, seg_col, opens_in(lit + seg, off - seg, sc, seg), sc) : 0;
	*col = at ? at : fix_col(doc, *line, *col, "[[");
}

/* The target of a wiki link that wrapped: its line break and the spaces
 * around it are one space. */
static char *wiki_target(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			while (b.len && b.ptr[b.len - 1] == ' ')
				b.len--;
			buf_putc(&b, ' ');
			while (i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\t'))
				i++;
		} else {
			buf_putc(&b, s[i]);
		}
	}
	return buf_detach(&b);
}

/* Whether the "[[" at line:col is written "\\[[" (an odd run of
 * backslashes before it): Markdown's escape, so text, not a link. */
static int escaped_open(struct md_doc *doc, int line, int col)
{
	const char *s;
	size_t n, k = 0;
	if (col < 2 || !source_line(doc, line, &s, &n) || (size_t)col - 1 > n)
		return 0;
	while (k + 1 < (size_t)col && s[col - 2 - k] == '\\')
		k++;
	return k % 2 == 1;
}

static void split_wikilinks(struct md_doc *doc, cmark_node *text, const struct wrap *w)
{
	const char *lit = cmark_node_get_literal(text);
	const char *open = lit ? strstr(lit, "[[") : NULL;
	if (!open)
		return;
	const char *p = lit, *from = lit; /* p: where to look on; from: text not yet placed */
	cmark_node *anchor = text;
	int changed = 0;
	struct open_scan sc = { 0 };
	while ((open = strstr(p, "[["))) {
		const char *close = strstr(open + 2, "]]");
		if (!close)
			break;
		const char *inner = open + 2;
		size_t ilen = (size_t)(close - inner);
		if (ilen == 0 || memchr(inner, '[', ilen)) {
			p = open + 1;
			continue;
		}
		/* The link's position is where "[[" stands in the source. */
		int line, col;
		wiki_where(doc, text, w, (size_t)(open - lit), &line, &col, &sc);
		if (escaped_open(doc, line, col)) {
			p = open + 2;
			continue;
		}
		if (open > from) {
			cmark_node *t = md_node_new(CMARK_NODE_TEXT);
			char *s = xstrndup(from, (size_t)(open - from));
			cmark_node_set_literal(t, s);
			free(s);
			cmark_node_insert_after(anchor, t);
			anchor = t;
		}
		const char *bar = memchr(inner, '|', ilen);
		size_t tlen = bar ? (size_t)(bar - inner) : ilen;
		char *target = memchr(inner, '\n', tlen) ? wiki_target(inner, tlen) : xstrndup(inner, tlen);
		cmark_node *link = md_node_new(CMARK_NODE_LINK);
		cmark_node_set_url(link, target);
		cmark_node_set_user_data(link, new_wikipos(doc, line, col));
		if (bar && close > bar + 1) {
			cmark_node *t = md_node_new(CMARK_NODE_TEXT);
			char *s = xstrndup(bar + 1, (size_t)(close - bar - 1));
			cmark_node_set_literal(t, s);
			free(s);
			cmark_node_append_child(link, t);
		}
		free(target);
		cmark_node_insert_after(anchor, link);
		anchor = link;
		p = from = close + 2;
		changed = 1;
	}
	if (!changed)
		return;
	if (*from) {
		cmark_node *t = md_node_new(CMARK_NODE_TEXT);
		cmark_node_set_literal(t, from);
		cmark_node_insert_after(anchor, t);
	}
	bury(doc, text);
}


void md_free_headings(struct heading *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].text);
		free(h[i].id);
	}
	free(h);
}

/* The ids the default theme gives its own elements (the skip link's
 * target, the contents' heading...): a heading "Main" must not make a
 * page's second id="main". */
static const char *const THEME_IDS[] = {
	"backlinks-title", "handbook-toc-title", "main", "related-title",
	"search-input", "search-results", "site-search", "toc-title",
};

static int theme_id(const char *id)
{
	if (!strchr("bhmrst", *id))
		return 0;
	for (size_t i = 0; i < sizeof THEME_IDS / sizeof *THEME_IDS; i++)
		if (!strcmp(THEME_IDS[i], id))
			return 1;
	return 0;
}

/* needle's first place in [p, end), or NULL: as strstr, but with the
 * end known, so a scan that calls it at each match is linear (ASan's
 * strstr measures the whole rest of the haystack at every call: a page
 * of 10,000 footnotes took 11 s to check), and memchr finding the
 * needle's first byte a vector at a time (glibc's memmem looked at every
 * byte: 7% of a cold full-history build's instructions for "[^" alone). */
static inline const char *find_in(const char *p, const char *end, const char *needle)
{
	size_t nl = strlen(needle);
	for (; p < end && (p = memchr(p, needle[0], (size_t)(end - p))); p++)
		if ((size_t)(end - p) >= nl && !memcmp(p, needle, nl))
			return p;
	return NULL;
}

/* The footnotes of a document: cmark-gfm gives each definition a
 * reference leads to the id "fn-LABEL", its first reference "fnref-LABEL"
 * and the next ones "fnref-LABEL-2", "-3", ... (no more than the document
 * has references).  cmark-gfm does not tell a footnote's label, so every
 * "[^LABEL]" in the source counts, definitions and references alike, in
 * lower case (as ids are; a set: a lookup per id tried). */
struct footnotes {
	json_t *labels; /* NULL: none */
	size_t refs;
};

static void footnotes_of(const struct md_doc *doc, struct footnotes *fn)
{
	memset(fn, 0, sizeof *fn);
	if (!doc->src || !find_in(doc->src, doc->src + doc->src_len, "[^"))
		return;
	cmark_iter *it = cmark_iter_new(doc->root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
		fn->refs += ev == CMARK_EVENT_ENTER &&
			    cmark_node_get_type(cmark_iter_get_node(it)) == CMARK_NODE_FOOTNOTE_REFERENCE;
	cmark_iter_free(it);
	if (!fn->refs)
		return;
	fn->labels = json_object();
	const char *end = doc->src + doc->src_len;
	struct buf low = BUF_INIT;
	for (const char *q = doc->src; (q = find_in(q, end, "[^")); q += 2) {
		size_t len = 0;
		while (q + 2 + len < end && !memchr("]\n", q[2 + len], 3))
			len++;
		if (q + 2 + len >= end || q[2 + len] != ']' || !len)
			continue;
		buf_reset(&low);
		for (size_t k = 0; k < len; k++)
			buf_putc(&low, (char)tolower((unsigned char)q[2 + k]));
		json_object_setn_new_nocheck(fn->labels, low.ptr, low.len, json_true());
	}
	buf_free(&low);
}

/* Whether id is one of the footnotes' (a heading "Fn 1" beside [^1]). */
static int footnote_id(const struct footnotes *fn, const char *id)
{
	if (!fn->labels || strncmp(id, "fn", 2))
		return 0;
	if (!strncmp(id, "fn-", 3))
		return json_object_get(fn->labels, id + 3) != NULL;
	if (strncmp(id, "fnref-", 6))
		return 0;
	const char *rest = id + 6;
	if (json_object_get(fn->labels, rest))
		return 1;
	/* "fnref-LABEL-K", K from 2 to the number of references */
	const char *dash = strrchr(rest, '-');
	if (!dash || dash == rest || dash[1] < '1' || dash[1] > '9')
		return 0;
	char *stop;
	unsigned long k = strtoul(dash + 1, &stop, 10);
	return !*stop && k >= 2 && k <= fn->refs && json_object_getn(fn->labels, rest, (size_t)(dash - rest)) != NULL;
}

/* Appends "ID\n" for the ids in a footnote's html as cmark-gfm writes
 * it: the note's (its label as the definition spells it, escaped for a
 * URL) and its references', which its back-links lead to. */
static void ids_in(const char *html, struct buf *out)
{
	static const char *const marks[] = { "<li id=\"", " href=\"#fnref-" };
	for (size_t m = 0; m < 2; m++)
		for (const char *q = html, *hend = html + strlen(html); (q = find_in(q, hend, marks[m]));) {
			q += strlen(marks[m]) - (m ? strlen("fnref-") : 0);
			const char *end = strchr(q, '"');
			if (!end)
				break;
			/* (the attribute's value: '&' and '\'' are its only entities) */
			for (const char *s = q; s < end; s++) {
				if (!strncmp(s, "&amp;", 5) || !strncmp(s, "&#x27;", 6)) {
					buf_putc(out, s[1] == 'a' ? '&' : '\'');
					s += s[1] == 'a' ? 4 : 5;
				} else {
					buf_putc(out, *s);
				}
			}
			buf_putc(out, '\n');
			q = end;
		}
}

char *md_footnotes(struct md_doc *doc)
{
	if (!doc->src || !find_in(doc->src, doc->src + doc->src_len, "[^"))
		return NULL;
	struct arena *outer = doc_enter(doc);
	struct buf ids = BUF_INIT;
	cmark_iter *it = cmark_iter_new(doc->root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != CMARK_NODE_FOOTNOTE_DEFINITION)
			continue;
		/* cmark-gfm tells no label: the definition, rendered alone,
		 * says its id and its references' */
		char *html = render_html(n, CMARK_OPT_FOOTNOTES, NULL);
		if (!ids.len)
			buf_putc(&ids, '\n');
		ids_in(html, &ids);
		free(html);
	}
	cmark_iter_free(it);
	current_arena = outer;
	if (!ids.len)
		return NULL;
	return buf_detach(&ids);
}

json_t *md_footnote_set(const char *ids)
{
	if (!ids)
		return NULL;
	json_t *set = json_object();
	for (const char *q = ids; *q; q++) {
		const char *end = strchr(q, '\n');
		if (!end)
			break;
		if (end > q)
			json_object_setn_new_nocheck(set, q, (size_t)(end - q), json_true());
		q = end;
	}
	return set;
}

int md_footnote_target(const json_t *set, const char *id)
{
	if (!set || strncmp(id, "fn", 2))
		return 0;
	if (json_object_get(set, id))
		return 1;
	/* written as a reader's browser would take it, "#fn-café" for the id
	 * cmark-gfm escapes as a URL ("fn-caf%C3%A9": houdini_escape_href
	 * keeps letters, digits and -_.+!*'(),%#@?=;:/&$~) */
	struct buf esc = BUF_INIT;
	for (const unsigned char *s = (const unsigned char *)id; *s; s++) {
		if (isalnum(*s) || strchr("-_.+!*'(),%#@?=;:/&$~", *s))
			buf_putc(&esc, (char)*s);
		else
			buf_printf(&esc, "%%%02X", *s);
	}
	int found = strcmp(buf_cstr(&esc), id) && json_object_get(set, esc.ptr);
	buf_free(&esc);
	return found;
}

/* Ids follow DESIGN.md: the slug of the text, "-2", "-3" for repeats
 * (the theme's own ids and the footnotes' count as taken). */
/* An id for a heading no earlier heading (in taken) nor the theme uses:
 * its slug, else the slug with -2, -3, ... (the first free, as GitHub
 * numbers them).  next remembers, per slug, the first suffix not yet
 * tried: ids are only ever added, so every one below it is taken, and
 * thousands of headings alike cost a lookup each, not a scan each. */
static char *unique_id(const char *text, json_t *taken, json_t *next, const struct footnotes *fn)
{
	char *base = slug_make(text);
	if (!*base || !utf8_is_valid(base, strlen(base))) {
		free(base);
		base = xstrdup("section");
	}
	char *id = xstrdup(base);
	json_int_t k = json_integer_value(json_object_get(next, base));
	for (k = k ? k : 2; theme_id(id) || json_object_get(taken, id) || footnote_id(fn, id); k++) {
		free(id);
		id = xasprintf("%s-%lld", base, (long long)k);
	}
	if (strcmp(id, base))
		json_object_set_new(next, base, json_integer(k));
	json_object_set_new(taken, id, json_true());
	free(base);
	return id;
}

/* The nodes of the given types (a second type, or 0), in document order:
 * tree rewrites collect first and change after, since changing the tree
 * under an iterator is not allowed.  New array; caller frees. */
static size_t collect_nodes(struct md_doc *doc, cmark_node_type a, cmark_node_type b,
			    cmark_node ***out)
{
	cmark_node **v = NULL;
	size_t n = 0, cap = 0;
	cmark_iter *it = cmark_iter_new(doc->root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(node);
		if (ev != CMARK_EVENT_ENTER || (t != a && (!b || t != b)))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[n++] = node;
	}
	cmark_iter_free(it);
	*out = v;
	return n;
}

/* ---- links written so that they stay text ------------------------------ */
/* A text node with what the walk that finds it knows for free: its block
 * and whether a link holds it.  Asked of the node (walking up its
 * parents), that was a walk as deep as its emphasis per text: some
 * 80,000 nested "*a **a" took minutes. */
struct text_at {
	cmark_node *node;
	cmark_node *block; /* the leaf block (paragraph, heading, cell) holding it */
	int in_link;       /* inside a link or an image */
};

static void problem_at(struct md_doc *doc, int line, int col, int likely, char *msg);

/* A link or image being walked: whether it shows any text (an image
 * inside a link is its content, judged on its own). */
struct open_link {
	cmark_node *node;
	int text, image;
};
#define OPEN_LINKS 8 /* kept open at most (links hold no links: two deep) */

/* Notes an image without alt text or a link without text, which screen
 * readers announce by their address, if at all (WCAG 1.1.1 and 2.4.4). */
static void note_textless(struct md_doc *doc, const struct open_link *l)
{
	int image = cmark_node_get_type(l->node) == CMARK_NODE_IMAGE;
	if (l->text || (!image && l->image))
		return;
	const char *url = cmark_node_get_url(l->node);
	url = url ? url : "";
	char *msg = image ? xasprintf("image '%s' has no alt text: say what it shows between the brackets, "
				      "![like this](%s), for readers who cannot see it", url, url)
			  : xasprintf("link to '%s' has no text: a screen reader would read out its address; "
				      "write what it leads to between the brackets, [like this](%s)", url, url);
	problem_at(doc, node_line(l->node), node_col(doc, l->node), 1, msg);
}

static int has_visible(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 1;
	return 0;
}

/* The cells of a table row as written on its line: cells are what
 * unescaped '|' separate, a leading and a trailing one optional. */
static size_t written_cells(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	size_t i = strspn(s, " \t"), pipes = 0;
	int lead = i < n && s[i] == '|', trail = 0;
	for (; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
			continue;
		}
		if (s[i] == '|')
			pipes++, trail = i == n - 1;
	}
	return pipes + 1 - (size_t)lead - (size_t)(trail && pipes > (size_t)lead);
}

/* A table row with more cells than its header: cmark-gfm drops the
 * cells past the header's, and their text with them. */
static void check_row(struct md_doc *doc, cmark_node *row)
{
	cmark_node *table = cmark_node_parent(row);
	const char *s;
	size_t n;
	int line = cmark_node_get_start_line(row);
	if (!table || cmark_gfm_extensions_get_table_row_is_header(row) || !source_line(doc, line, &s, &n) ||
	    memmem(s, n, "[[", 2))
		return; /* (a wiki link's '|' in a row is an error of its own) */
	/* (the row starts at its column: "> " of a quote is not a cell) */
	size_t from = (size_t)cmark_node_get_start_column(row) - 1;
	if (from > n)
		return;
	size_t cols = cmark_gfm_extensions_get_table_columns(table), cells = written_cells(s + from, n - from);
	if (cells > cols)
		problem_at(doc, line, (int)from + 1, 1,
			   cells - cols == 1
				   ? xasprintf("this table row has %zu cells and its header %zu: the last is not shown "
					       "(add a column to the header, or write a '|' in a cell as '\\|')", cells, cols)
				   : xasprintf("this table row has %zu cells and its header %zu: the last %zu are not shown "
					       "(add columns to the header, or write a '|' in a cell as '\\|')",
					       cells, cols, cells - cols));
}

/* Raw HTML the site filters out (markdown.unsafe_html: false) is not
 * shown at all: said once a page, at the first, with how many more.  A
 * comment is hidden anyway, as its writer meant. */
static void note_raw_html(struct md_doc *doc, cmark_node *node, int *seen, int *line, int *col, int *br)
{
	const char *lit = cmark_node_get_literal(node);
	if (doc->unsafe_html || !lit || !strncmp(lit + strspn(lit, " \t\n"), "<!--", 4))
		return;
	*br |= !strncasecmp(lit, "<br", 3) && (lit[3] == '>' || lit[3] == '/' || lit[3] == ' ');
	if (!(*seen)++) {
		*line = cmark_node_get_start_line(node);
		*col = fix_col(doc, *line, cmark_node_get_start_column(node), "<");
	}
}

static size_t collect_texts(struct md_doc *doc, struct text_at **out)
{
	struct text_at *v = NULL;
	size_t n = 0, cap = 0, links = 0;
	struct open_link open[OPEN_LINKS];
	cmark_node *block = NULL;
	int html = 0, html_line = 0, html_col = 0, br = 0;
	cmark_iter *it = cmark_iter_new(doc->root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(node);
		if (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE) {
			note_raw_html(doc, node, &html, &html_line, &html_col, &br);
			continue;
		}
		if (ev == CMARK_EVENT_ENTER && !strcmp(cmark_node_get_type_string(node), "table_row"))
			check_row(doc, node); /* (a header row is "table_header") */
		if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) {
			if (ev == CMARK_EVENT_ENTER) {
				if (links < OPEN_LINKS)
					open[links] = (struct open_link){ node, 0, 0 };
				if (links > 0 && links <= OPEN_LINKS && t == CMARK_NODE_IMAGE)
					open[links - 1].image = 1;
				links++;
			} else if (ev == CMARK_EVENT_EXIT) {
				links--;
				if (links < OPEN_LINKS)
					note_textless(doc, &open[links]);
			}
			continue;
		}
		if (links && ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) &&
		    has_visible(cmark_node_get_literal(node)))
			for (size_t k = 0; k < links && k < OPEN_LINKS; k++)
				open[k].text = 1;
		/* text lies only in leaf blocks, which hold no block: the
		 * last block entered is the one holding it */
		if (ev == CMARK_EVENT_ENTER && (t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK)
			block = node;
		if (ev != CMARK_EVENT_ENTER || t != CMARK_NODE_TEXT)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[n++] = (struct text_at){ node, block, links > 0 };
	}
	cmark_iter_free(it);
	if (html) {
		char *more = html > 1 ? xasprintf(" (this and %d more on this page)", html - 1) : xstrdup("");
		problem_at(doc, html_line, html_col, 1,
			   xasprintf("raw HTML is not shown%s: the site leaves it out (markdown.unsafe_html: false in "
				     "site.yml); write it in Markdown%s", more,
				     br ? " (a line break, <br>, is a backslash at the end of the line)" : ""));
		free(more);
	}
	*out = v;
	return n;
}


/* Notes a problem at byte off of text's literal (msg taken). */
static void problem_at(struct md_doc *doc, int line, int col, int likely, char *msg)
{
	if (doc->nproblems == doc->capproblems) {
		doc->capproblems = doc->capproblems ? doc->capproblems * 2 : 4;
		doc->problems = xrealloc(doc->problems, doc->capproblems * sizeof *doc->problems);
	}
	doc->problems[doc->nproblems++] = (struct md_problem){ doc->body_line - 1 + line, char_col(doc, line, col),
							       likely, msg };
}

static void add_problem(struct md_doc *doc, cmark_node *text, size_t off, const char *expect, int likely,
			char *msg)
{
	int line, col;
	wiki_where(doc, text, NULL, off, &line, &col, NULL);
	if (strcmp(expect, "[["))
		col = fix_col(doc, line, col, expect);
	problem_at(doc, line, col, likely, msg);
}

static int in_table_cell(cmark_node *n)
{
	for (cmark_node *p = cmark_node_parent(n); p; p = cmark_node_parent(p))
		if (!strcmp(cmark_node_get_type_string(p), "table_cell"))
			return 1;
	return 0;
}

/* What to write instead of the wiki link at line:col of a table row when
 * its '|' split the cell: the link as written, each '|' escaped (new
 * string), or NULL when no "]]" on the line closes it.  (Reported rather
 * than joined back: every other viewer of the Markdown, GitHub's too,
 * splits that row, and "\|" is GFM's own way to keep a '|' in a cell.) */
static char *escaped_in_row(struct md_doc *doc, int line, int col)
{
	const char *s;
	size_t n;
	if (!source_line(doc, line, &s, &n) || col < 1 || (size_t)col + 1 > n || memcmp(s + col - 1, "[[", 2))
		return NULL;
	const char *o = s + col - 1, *end = s + n, *c = o + 2;
	while (c + 1 < end && memcmp(c, "]]", 2) && memcmp(c, "[[", 2))
		c++;
	if (c + 1 >= end || c[0] != ']' || !memchr(o, '|', (size_t)(c - o)))
		return NULL;
	struct buf b = BUF_INIT;
	for (const char *q = o; q < c + 2; q++) {
		if (*q == '|' && q[-1] != '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, *q);
	}
	return buf_detach(&b);
}

/* Notes each "[[" of text that no "]]" after it closes, in the literal
 * or (closed: a later text of the same block has one) after it.  Only a
 * "[[" with a target after it opens a link: a run of brackets alone (at
 * the end of the text, or before a blank) is text. */
static void note_unclosed_wiki(struct md_doc *doc, cmark_node *text, int closed)
{
	const char *lit = cmark_node_get_literal(text), *last = NULL;
	if (closed)
		return;
	for (const char *c = strstr(lit, "]]"); c; c = strstr(c + 1, "]]"))
		last = c;
	struct open_scan sc = { 0 };
	for (const char *o = strstr(last ? last + 2 : lit, "[["), *after; o; o = strstr(after, "[[")) {
		size_t off = (size_t)(o - lit);
		after = o + 2 + strspn(o + 2, "[");
		if (!*after || *after == ' ' || *after == '\t')
			continue;
		char *fix = NULL;
		int line, col;
		wiki_where(doc, text, NULL, off, &line, &col, &sc);
		if (escaped_open(doc, line, col))
			continue; /* "\\[[" is text */
		if (in_table_cell(text))
			fix = escaped_in_row(doc, line, col);
		if (fix)
			problem_at(doc, line, col, 0,
				   xasprintf("in a table, the '|' of a wiki link ends the cell: write %s", fix));
		else
			problem_at(doc, line, col, 0, xstrdup("the wiki link is not closed: add ']]'"));
		free(fix);
	}
}

/* Notes a "](" of text that no ")" after it closes (in the literal or,
 * closed, in a later text of the block): an inline link's address not
 * closed, which cmark leaves text.  Reported at its '[' when the text
 * holds it, else at the "](". */
static void note_unclosed_inline(struct md_doc *doc, cmark_node *text, int closed)
{
	const char *lit = cmark_node_get_literal(text), *last = NULL;
	for (const char *o = strstr(lit, "]("); o; o = strstr(o + 1, "]("))
		last = o;
	if (!last || closed || strchr(last, ')'))
		return;
	const char *at = last, *expect = "](";
	while (at > lit && at[-1] != '[' && at[-1] != ']')
		at--;
	if (at > lit && at[-1] == '[') {
		at--;
		expect = "[";
	} else {
		at = last;
	}
	add_problem(doc, text, (size_t)(at - lit), expect, 1,
		    xstrdup("this link's address is not closed: add ')' after it"));
}

static int cmp_problems(const void *a, const void *b)
{
	const struct md_problem *x = a, *y = b;
	return x->line != y->line ? (x->line > y->line) - (x->line < y->line) : (x->col > y->col) - (x->col < y->col);
}

/* Notes the links of doc written so that they stay text, in document
 * order.  texts: every text node, in document order.  A block's texts are
 * walked from its end, so whether a later one closes a "[[" or "](" is
 * known in one pass. */
static void find_unclosed(struct md_doc *doc, const struct text_at *texts, size_t n)
{
	cmark_node *block = NULL;
	int wiki_closed = 0, inline_closed = 0;
	for (size_t i = n; i-- > 0;) {
		const char *lit = cmark_node_get_literal(texts[i].node);
		if (!lit)
			continue;
		cmark_node *b = texts[i].block;
		if (b == block && !strpbrk(lit, "[])"))
			continue; /* most text: nothing to note, nothing closed */
		if (b != block) {
			block = b;
			wiki_closed = inline_closed = 0;
		}
		int wiki = strstr(lit, "[[") != NULL, link = strstr(lit, "](") != NULL;
		if ((wiki || link) && !texts[i].in_link) {
			if (wiki)
				note_unclosed_wiki(doc, texts[i].node, wiki_closed);
			if (link)
				note_unclosed_inline(doc, texts[i].node, inline_closed);
		}
		wiki_closed |= strstr(lit, "]]") != NULL;
		inline_closed |= strchr(lit, ')') != NULL;
	}
	if (doc->nproblems > 1)
		qsort(doc->problems, doc->nproblems, sizeof *doc->problems, cmp_problems);
}

/* A level-1 heading that opens the body, as pages from other tools have
 * (MkDocs and GitBook take their titles from it): the theme shows the
 * title as the page's heading, so the page would show two. */
static void note_title_heading(struct md_doc *doc)
{
	cmark_node *first = cmark_node_first_child(doc->root);
	if (!first || cmark_node_get_type(first) != CMARK_NODE_HEADING || cmark_node_get_heading_level(first) != 1 ||
	    cmark_node_get_start_line(first) < 1)
		return;
	problem_at(doc, cmark_node_get_start_line(first), 1, 1,
		   xstrdup("the page already shows its title as its heading: remove this level-1 heading (if its "
			   "text is the better title, put it in 'title:')"));
}

/* Markup of other tools, which cmark shows as text (or not at all): a
 * page moved from Hugo, Jekyll, MkDocs, Docusaurus, GitBook, Obsidian or
 * GitHub would publish it as it is.  at_start: only first on a line (after
 * spaces, and "> " for an alert). */
static const struct foreign {
	const char *mark;
	int at_start;
	const char *msg;
} FOREIGN[] = {
	{ "{{<", 0, "'{{<' is a Hugo shortcode, which quire shows as text: write a link as [text](file.md), "
		    "a picture as ![text](file.png)" },
	{ "{{%", 0, "'{{%' is a Hugo shortcode, which quire shows as text: write it in Markdown (a note as a "
		    "quote, > **Note:** ...)" },
	{ "{% ", 0, "'{%' is a Liquid or GitBook tag, which quire shows as text: write a link as [text](file.md), "
		    "a hint as a quote (> **Note:** ...)" },
	{ "!!! ", 1, "'!!!' is a MkDocs admonition, which quire shows as text: write it as a quote (> **Note:** ...)" },
	{ ":::", 1, "':::' is a Docusaurus admonition, which quire shows as text: write it as a quote "
		    "(> **Note:** ...)" },
	{ "![[", 0, "'![[' is an Obsidian embed, which quire does not show: write a picture as ![text](file.png)" },
	{ "%%", 0, "'%%' marks an Obsidian comment, which quire publishes as text: remove it (an HTML comment, "
		   "<!-- ... -->, is never published)" },
	{ "[!", 2, "'[!' opens a GitHub alert, which quire shows as a quote with the word in brackets: write "
		   "> **Note:** ..." },
};

/* Whether s[0, n) opens or closes a fenced code block. */
static int fence_line(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && i < 3 && s[i] == ' ')
		i++;
	return n - i >= 3 && (!strncmp(s + i, "```", 3) || !strncmp(s + i, "~~~", 3));
}

/* Whether s (n bytes and a NUL) holds a FOREIGN mark anywhere: one pass
 * that skips to the bytes a mark starts with, as most pages have none. */
static int any_foreign(const char *s, size_t n)
{
	static const char starts[] = "{!:%[";
	for (size_t i = strcspn(s, starts); i < n; i += 1 + strcspn(s + i + 1, starts))
		for (size_t k = 0; k < sizeof FOREIGN / sizeof *FOREIGN; k++)
			if (s[i] == FOREIGN[k].mark[0] && !strncmp(s + i, FOREIGN[k].mark, strlen(FOREIGN[k].mark)))
				return 1;
	return 0;
}

/* The lines of a body outside fenced and indented code, in turn. */
struct prose {
	const char *s, *end;
	int line, in_fence;
};

/* The next line outside code, [*b, *e), its number in *line; 0 at the
 * body's end. */
static int next_prose(struct prose *p, const char **b, const char **e, int *line)
{
	while (p->s && p->s < p->end) {
		const char *s = p->s, *nl = memchr(s, '\n', (size_t)(p->end - s)), *le = nl ? nl : p->end;
		p->s = nl ? nl + 1 : p->end;
		p->line++;
		if (fence_line(s, (size_t)(le - s)))
			p->in_fence = !p->in_fence;
		else if (!p->in_fence && strspn(s, " ") < 4 && s[0] != '\t') {
			*b = s, *e = le, *line = p->line;
			return 1;
		}
	}
	return 0;
}

/* Names each kind of FOREIGN markup once a page, at its first place
 * outside code (fenced, indented or in backticks). */
static void note_foreign_markup(struct md_doc *doc)
{
	if (!doc->src || !any_foreign(doc->src, doc->src_len))
		return;
	struct prose p = { doc->src, doc->src + doc->src_len, 0, 0 };
	unsigned seen = 0;
	const char *s, *e;
	int line;
	while (next_prose(&p, &s, &e, &line)) {
		size_t n = (size_t)(e - s), lead = strspn(s, " ");
		for (size_t k = 0; k < sizeof FOREIGN / sizeof *FOREIGN; k++) {
			const struct foreign *f = &FOREIGN[k];
			size_t ml = strlen(f->mark), from = lead;
			if (seen & (1u << k))
				continue;
			if (f->at_start == 2 && from < n && s[from] == '>')
				from += 1 + strspn(s + from + 1, " ");
			const char *at = f->at_start ? (n - from >= ml && !strncmp(s + from, f->mark, ml) ? s + from : NULL)
						     : find_in(s, e, f->mark);
			if (!at)
				continue;
			size_t ticks = 0;
			for (const char *q = s; q < at; q++)
				ticks += *q == '`';
			if (ticks % 2)
				continue; /* inside `code` */
			seen |= 1u << k;
			problem_at(doc, line, (int)(at - s) + 1, 1, xstrdup(f->msg));
		}
	}
}

/* A link whose address has a space ("[Code](Code of Conduct.md)", as
 * GitHub wikis and file names with spaces give) is no link in Markdown:
 * the page shows it as typed.  A warning at the first on a page, outside
 * code, with the two ways to write it.  An address with a quoted title or
 * in <...> is a link, and not looked at. */
#define SPACED_LINKS_TOLD 10 /* each at its place; past these, counted */

static void note_spaced_links(struct md_doc *doc)
{
	if (!doc->src || !find_in(doc->src, doc->src + doc->src_len, "]("))
		return;
	struct prose p = { doc->src, doc->src + doc->src_len, 0, 0 };
	const char *s, *e;
	int line, told = 0, more = 0, last_line = 0;
	while (next_prose(&p, &s, &e, &line)) {
		size_t ticks = 0;
		/* (backticks counted as the scan goes: from the line's
		 * start for each "](" was quadratic in a long line) */
		for (const char *at = s, *counted = s; (at = find_in(at, e, "](")); at += 2) {
			const char *a = at + 2, *close = memchr(a, ')', (size_t)(e - a));
			if (!close)
				break; /* nor for any later "](" on this line */
			for (; counted < at; counted++)
				ticks += *counted == '`';
			if (ticks % 2 || *a == '<' || !memchr(a, ' ', (size_t)(close - a)) ||
			    memchr(a, '"', (size_t)(close - a)) || memchr(a, '\'', (size_t)(close - a)) ||
			    memchr(a, '(', (size_t)(close - a)) || *a == ' ')
				continue;
			at = close - 1; /* (the next "](" after this one) */
			if (told == SPACED_LINKS_TOLD) {
				more++;
				last_line = line;
				continue;
			}
			told++;
			char *addr = xstrndup(a, (size_t)(close - a));
			struct buf esc = BUF_INIT;
			for (const char *q = addr; *q; q++)
				*q == ' ' ? buf_puts(&esc, "%20") : buf_putc(&esc, *q);
			problem_at(doc, line, (int)(a - s) + 1, 1,
				   xasprintf("'%s' has a space, so this is no link and shows as typed: write it <%s> "
					     "or %s", addr, addr, buf_cstr(&esc)));
			buf_free(&esc);
			free(addr);
		}
	}
	if (more)
		problem_at(doc, last_line, 1, 1,
			   xasprintf("%d more links on this page have a space in their address, and show as typed "
				     "(the last here)", more));
}

/* A paragraph `quire new` wrote for the editor to replace, still there:
 * published, it would read as the guidance. */
static void note_placeholders(struct md_doc *doc)
{
	struct buf b = BUF_INIT;
	for (cmark_node *n = cmark_node_first_child(doc->root); n; n = cmark_node_next(n)) {
		cmark_node *first = cmark_node_first_child(n);
		const char *lit = first ? cmark_node_get_literal(first) : NULL;
		/* (most paragraphs differ at their first word: copied no further) */
		if (cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH || cmark_node_get_start_line(n) < 1 || !lit ||
		    (strncmp(lit, NEWPAGE_OPENING, 10) && strncmp(lit, NEWPAGE_STEPS, 10)))
			continue;
		buf_reset(&b);
		for (cmark_node *t = cmark_node_first_child(n); t; t = cmark_node_next(t))
			if (cmark_node_get_type(t) == CMARK_NODE_TEXT)
				buf_puts(&b, cmark_node_get_literal(t));
		/* (as parsed, with smart punctuation: "reader’s") */
		if (!strcmp(buf_cstr(&b), NEWPAGE_OPENING_SMART) || !strcmp(buf_cstr(&b), NEWPAGE_STEPS))
			problem_at(doc, cmark_node_get_start_line(n), 1, 1,
				   xstrdup("this is the placeholder 'quire new' wrote: replace it with the article's own "
					   "text before publishing"));
	}
	buf_free(&b);
}

static void expand_wikilinks_in(struct md_doc *doc)
{
	struct text_at *texts;
	note_title_heading(doc);
	note_placeholders(doc);
	note_foreign_markup(doc);
	note_spaced_links(doc);
	size_t n = collect_texts(doc, &texts);
	find_unclosed(doc, texts, n);
	for (size_t i = 0; i < n; i++) {
		cmark_node *t = texts[i].node;
		const char *lit = cmark_node_get_literal(t);
		/* A node joined into the one before it is buried: no parent.
		 * (Joining and splitting change no other text's ancestors.) */
		if (!lit || !strstr(lit, "[[") || !cmark_node_parent(t) || texts[i].in_link)
			continue;
		struct wrap w = { 0 };
		int joined = 0;
		while (joined < WRAP_JOINS && strlen(cmark_node_get_literal(t)) < WRAP_BYTES &&
		       unclosed_wiki(cmark_node_get_literal(t)) && join_wrapped(doc, t, &w))
			joined++;
		split_wikilinks(doc, t, joined ? &w : NULL);
	}
	free(texts);
}

static size_t collect_heading_nodes(struct md_doc *doc, cmark_node ***out)
{
	return collect_nodes(doc, CMARK_NODE_HEADING, 0, out);
}

static void headings_in(struct md_doc *doc, struct heading **out, size_t *count)
{
	cmark_node **nodes;
	size_t n = collect_heading_nodes(doc, &nodes);
	struct heading *h = xcalloc(n ? n : 1, sizeof *h);
	json_t *taken = json_object(), *next = json_object();
	struct footnotes fn;
	footnotes_of(doc, &fn);
	for (size_t i = 0; i < n; i++) {
		h[i].level = cmark_node_get_heading_level(nodes[i]);
		h[i].text = md_node_text(nodes[i]);
		h[i].id = unique_id(h[i].text, taken, next, &fn);
	}
	json_decref(fn.labels);
	json_decref(taken);
	json_decref(next);
	free(nodes);
	*out = h;
	*count = n;
}

/* texts: NULL, or each link's text too (see md_links_texts). */
static void links_in(struct md_doc *doc, struct rawlink **out, char ***texts, size_t *count)
{
	cmark_node **nodes;
	size_t n = collect_nodes(doc, CMARK_NODE_LINK, CMARK_NODE_IMAGE, &nodes);
	struct rawlink *v = xcalloc(n ? n : 1, sizeof *v);
	if (texts)
		*texts = xcalloc(n ? n : 1, sizeof **texts);
	for (size_t i = 0; i < n; i++) {
		if (texts)
			(*texts)[i] = md_node_text(nodes[i]);
		const char *url = cmark_node_get_url(nodes[i]);
		v[i].url = xstrdup(url ? url : "");
		v[i].wiki = wiki_kind(nodes[i]);
		v[i].is_image = cmark_node_get_type(nodes[i]) == CMARK_NODE_IMAGE;
		v[i].line = doc->body_line - 1 + node_line(nodes[i]);
		v[i].col = report_col(doc, nodes[i]);
	}
	free(nodes);
	*out = v;
	*count = n;
}

static void put_attr(struct buf *b, const char *s)
{
	buf_puts_html(b, s);
}

/* A heading's markup: its id (prefix, then bare_id) and a permalink. */
/* In print.html the handbook is the h1, a section's title an h2 and an
 * article's an h3: an article's own headings go two levels down, so a
 * screen reader's list of headings keeps the handbook's outline. */
static int print_level(int level)
{
	return level + 2 > 6 ? 6 : level + 2;
}

static void heading_markup(cmark_node *cb, int level, const char *prefix, const char *bare_id)
{
	char *id = xstrcat(prefix ? prefix : "", bare_id);
	struct buf open = BUF_INIT, close = BUF_INIT;
	buf_puts(&open, "<h");
	buf_put_dec(&open, (unsigned long long)level);
	buf_puts(&open, " id=\"");
	put_attr(&open, id);
	buf_puts(&open, "\">");
	buf_puts(&close, "<a class=\"heading-anchor\" href=\"#");
	put_attr(&close, id);
	/* Hidden from screen readers and the tab order: inside the heading,
	 * a label would become part of the heading's name. */
	buf_puts(&close, "\" aria-hidden=\"true\" tabindex=\"-1\" title=\"Link to this section\">#</a></h");
	buf_put_dec(&close, (unsigned long long)level);
	buf_putc(&close, '>');
	cmark_node_set_on_enter(cb, open.ptr);
	cmark_node_set_on_exit(cb, close.ptr);
	buf_free(&open);
	buf_free(&close);
	free(id);
}

/* A heading becomes a custom block so it can carry its id and a
 * permalink; its inline children move across unchanged.  Returns the
 * block. */
static cmark_node *rewrite_heading(struct md_doc *doc, cmark_node *h, const char *bare_id)
{
	cmark_node *cb = md_node_new(CMARK_NODE_CUSTOM_BLOCK);
	int level = cmark_node_get_heading_level(h);
	/* (an id prefix: the article is rendered for print.html) */
	heading_markup(cb, doc->id_prefix ? print_level(level) : level, doc->id_prefix, bare_id);
	cmark_node *c;
	while ((c = cmark_node_first_child(h))) {
		cmark_node_unlink(c);
		cmark_node_append_child(cb, c);
	}
	cmark_node_insert_before(h, cb);
	bury(doc, h);
	return cb;
}

/* cmark-gfm writes task-list boxes without a label; screen readers then
 * announce an unnamed checkbox: each is named by its state.  A table
 * scrolls sideways on a narrow screen: it takes the keyboard's focus, so
 * it can be scrolled without a mouse. */
static char *finish_boxes_and_tables(char *html)
{
	static const char *const from[] = { "<input type=\"checkbox\" checked=\"\" disabled=\"\" />",
					    "<input type=\"checkbox\" disabled=\"\" />", "<table>" };
	static const char *const to[] = { "<input type=\"checkbox\" checked=\"\" disabled=\"\" aria-label=\"Done\" />",
					  "<input type=\"checkbox\" disabled=\"\" aria-label=\"Not done\" />",
					  "<table tabindex=\"0\">" };
	enum { N = sizeof from / sizeof *from };
	/* Each pattern's next match is looked for again only once passed: the
	 * HTML is read about once per pattern, and copied in runs. */
	const char *next[N];
	int any = 0;
	for (size_t j = 0; j < N; j++)
		any |= (next[j] = strstr(html, from[j])) != NULL;
	if (!any)
		return html;
	struct buf b = BUF_INIT;
	const char *p = html;
	for (;;) {
		size_t k = N;
		for (size_t j = 0; j < N; j++) {
			if (next[j] && next[j] < p)
				next[j] = strstr(p, from[j]);
			if (next[j] && (k == N || next[j] < next[k]))
				k = j;
		}
		if (k == N)
			break;
		buf_put(&b, p, (size_t)(next[k] - p));
		buf_puts(&b, to[k]);
		p = next[k] + strlen(from[k]);
		next[k] = strstr(p, from[k]);
	}
	buf_puts(&b, p);
	free(html);
	return buf_detach(&b);
}

/* The URL of an external link in a table cell: CELL_MARK, its number,
 * CELL_MARK ("%02" stays as it is in an href, and no link of the page's
 * own can have it: a link to a missing file is an error). */
#define CELL_MARK "%02"

static void mark_cell_external(struct md_doc *doc, cmark_node *link, const char *href)
{
	struct buf b = BUF_INIT;
	put_attr(&b, href);
	doc->cell_ext = xrealloc(doc->cell_ext, (doc->ncell_ext + 1) * sizeof *doc->cell_ext);
	doc->cell_ext[doc->ncell_ext] = buf_detach(&b);
	buf_puts(&b, CELL_MARK);
	buf_put_dec(&b, doc->ncell_ext++);
	buf_puts(&b, CELL_MARK);
	cmark_node_set_url(link, b.ptr);
	buf_free(&b);
}

/* Gives each marked link in html (render_html's, taken) its href, the
 * external class and rel, and the hidden words the other external links
 * end with. */
static char *finish_cell_links(const struct md_doc *doc, char *html)
{
	static const char open[] = "<a href=\"" CELL_MARK;
	const char *hend = html + strlen(html);
	if (!doc->ncell_ext || !find_in(html, hend, open))
		return html;
	struct buf b = BUF_INIT;
	const char *r = html, *p;
	while ((p = find_in(r, hend, open))) {
		const char *d = p + strlen(open), *e = d;
		size_t i = 0;
		while (*e >= '0' && *e <= '9' && e - d < 9)
			i = i * 10 + (size_t)(*e++ - '0');
		const char *end = e > d && !strncmp(e, CELL_MARK "\"", strlen(CELL_MARK) + 1) ? find_in(e, hend, "</a>") : NULL;
		if (i >= doc->ncell_ext || !end) {
			buf_put(&b, r, (size_t)(d - r));
			r = d;
			continue;
		}
		buf_put(&b, r, (size_t)(p - r));
		buf_puts(&b, "<a href=\"");
		buf_puts(&b, doc->cell_ext[i]);
		buf_puts(&b, "\" class=\"external\" rel=\"noopener\"");
		e += strlen(CELL_MARK) + 1;
		buf_put(&b, e, (size_t)(end - e));
		buf_puts(&b, "<span class=\"visually-hidden\"> (external link)</span>");
		r = end;
	}
	buf_puts(&b, r);
	free(html);
	return buf_detach(&b);
}

/* Rewrites link as the resolver's answer res says (and frees it). */
static void apply_link(struct md_doc *doc, cmark_node *link, struct md_link_result *res)
{
	int is_image = cmark_node_get_type(link) == CMARK_NODE_IMAGE;
	int wiki = wiki_of(link) != NULL;
	const char *url = cmark_node_get_url(link);
	if (wiki && !cmark_node_first_child(link)) {
		cmark_node *t = md_node_new(CMARK_NODE_TEXT);
		cmark_node_set_literal(t, res->title && *res->title ? res->title : url);
		cmark_node_append_child(link, t);
	}
	if (res->unlink) { /* a link or an image gone: its text or alt text stays */
		cmark_node *c;
		int moved = 1;
		while (moved && (c = cmark_node_first_child(link))) {
			cmark_node_unlink(c);
			moved = cmark_node_insert_before(link, c);
			if (!moved)
				cmark_node_prepend_child(link, c);
		}
		if (moved)
			bury(doc, link);
		else
			cmark_node_set_url(link, "");
	} else if (res->external && !is_image) {
		struct buf open = BUF_INIT;
		buf_puts(&open, "<a href=\"");
		put_attr(&open, res->href ? res->href : url);
		buf_puts(&open, "\"");
		const char *title = cmark_node_get_title(link);
		if (title && *title) {
			buf_puts(&open, " title=\"");
			put_attr(&open, title);
			buf_puts(&open, "\"");
		}
		buf_puts(&open, " class=\"external\" rel=\"noopener\">");
		cmark_node *ci = md_node_new(CMARK_NODE_CUSTOM_INLINE);
		cmark_node_set_on_enter(ci, open.ptr);
		cmark_node_set_on_exit(ci, "<span class=\"visually-hidden\"> (external link)</span></a>");
		/* Table cells refuse custom inlines: there the link stays a
		 * plain one, its URL a mark that render_doc makes the same
		 * opening tag of. */
		if (cmark_node_insert_before(link, ci)) {
			cmark_node *c;
			while ((c = cmark_node_first_child(link))) {
				cmark_node_unlink(c);
				cmark_node_append_child(ci, c);
			}
			bury(doc, link);
		} else {
			cmark_node_free(ci);
			mark_cell_external(doc, link, res->href ? res->href : url);
		}
		buf_free(&open);
	} else if (res->href) {
		cmark_node_set_url(link, res->href);
	}
	free(res->href);
	free(res->title);
}

static void rewrite_link(struct md_doc *doc, cmark_node *link, md_link_fn fn, void *ctx)
{
	const char *url = cmark_node_get_url(link);
	struct md_link_result res = { 0 };
	fn(ctx, url ? url : "", wiki_kind(link), cmark_node_get_type(link) == CMARK_NODE_IMAGE,
	   doc->body_line - 1 + node_line(link), report_col(doc, link), &res);
	apply_link(doc, link, &res);
}

static void plain_text(cmark_node *root, struct buf *b)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_CODE_BLOCK)) {
			const char *lit = cmark_node_get_literal(n);
			if (lit)
				buf_puts(b, lit);
		} else if ((ev == CMARK_EVENT_EXIT && (t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK) ||
			   t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
			if (b->len && b->ptr[b->len - 1] != ' ' && b->ptr[b->len - 1] != '\n')
				buf_putc(b, ev == CMARK_EVENT_EXIT ? '\n' : ' ');
		}
	}
	cmark_iter_free(it);
}

/* cmark-gfm names footnotes "fn-LABEL" and their references
 * "fnref-LABEL", with no way to set a prefix: where heading ids get one
 * (print.html holds every article), so do these, after rendering.  Text
 * cannot hold the markup looked for (its quotes are escaped); raw HTML an
 * opted-in site writes could, and is then prefixed as cmark's is.  Takes
 * html. */
static char *prefix_footnotes(char *html, const char *prefix)
{
	if (!prefix || !strstr(html, "data-footnote"))
		return html;
	struct buf b = BUF_INIT;
	const char *r = html, *hend = html + strlen(html);
	for (const char *q = html; (q = find_in(q, hend, "fn")); q += 2) {
		int named = (q - html >= 4 && !memcmp(q - 4, "id=\"", 4)) ||
			    (q - html >= 7 && !memcmp(q - 7, "href=\"#", 7));
		if (named && (q[2] == '-' || !strncmp(q + 2, "ref-", 4))) {
			buf_put(&b, r, (size_t)(q - r));
			buf_puts(&b, prefix);
			r = q;
		}
	}
	buf_puts(&b, r);
	free(html);
	return buf_detach(&b);
}

/* The first of a and b that is not NULL, or NULL. */
static const char *first_of(const char *a, const char *b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

/* Names cmark-gfm's footnotes for screen readers (WCAG 2.4.4, 2.4.6):
 * a reference's link is "Footnote 2", not "2"; a note's way back is "Back
 * to reference 2", not "Back to content" (the same for every note); and
 * the notes get a heading no one sees ("Footnotes"), at level (4 in
 * print.html), so they can be found by heading.  cmark-gfm writes the
 * notes last: the last such section is theirs (raw HTML before it may
 * look the same, where a site lets it through). */
static char *name_footnotes(char *html, int level)
{
	static const char SECTION[] = "<section class=\"footnotes\" data-footnotes>\n";
	static const char REF[] = " data-footnote-ref>", BACK[] = "aria-label=\"Back to content\"",
			  ITEM[] = "<li id=\"fn-";
	const char *sec = NULL;
	for (const char *q = html; (q = strstr(q, SECTION)); q++)
		sec = q;
	if (!sec)
		return html;
	const char *end = html + strlen(html), *notes = sec + sizeof SECTION - 1, *r = html;
	const char *item = find_in(notes, end, ITEM), *heading = notes;
	struct buf b = BUF_INIT;
	int note = 0, back = 0;
	/* references (in the text and in notes), the heading, the ways back
	 * (in the notes), in the order they come; the next of each is found
	 * again only once passed (from every place, it was quadratic) */
	const char *ref = find_in(html, end, REF), *bk = find_in(notes, end, BACK);
	for (const char *q = html;;) {
		if (ref && ref < q)
			ref = find_in(q, end, REF);
		if (bk && bk < q)
			bk = find_in(q, end, BACK);
		const char *at = first_of(first_of(ref, heading), bk);
		if (!at)
			break;
		buf_put(&b, r, (size_t)(at - r));
		if (at == heading) {
			buf_printf(&b, "<h%d class=\"visually-hidden\">Footnotes</h%d>\n", level, level);
			r = q = heading;
			heading = NULL;
		} else if (at == ref) {
			const char *num = ref + sizeof REF - 1;
			size_t n = strspn(num, "0123456789");
			if (n && !strncmp(num + n, "</a>", 4))
				buf_printf(&b, " data-footnote-ref aria-label=\"Footnote %.*s\">", (int)n, num);
			else
				buf_put(&b, ref, sizeof REF - 1);
			r = q = num;
		} else {
			for (; item && item < bk; item = find_in(item + 1, end, ITEM))
				note++, back = 0;
			/* a note referred to twice has a way back to each: "1 (2)" */
			if (++back > 1)
				buf_printf(&b, "aria-label=\"Back to reference %d (%d)\"", note, back);
			else
				buf_printf(&b, "aria-label=\"Back to reference %d\"", note);
			r = q = bk + sizeof BACK - 1;
		}
	}
	buf_put(&b, r, (size_t)(end - r));
	free(html);
	return buf_detach(&b);
}

static char *html_of(const struct md_doc *doc)
{
	return str_fit(finish_cell_links(doc, finish_boxes_and_tables(render_html(doc->root, parse_options(doc->unsafe_html),
										      cmark_parser_get_syntax_extensions(doc->parser)))));
}

/* Renders doc, its headings given the ids hs (md_headings of doc before
 * its links were rewritten, taken).  With print_html, renders
 * it once more with each id after print_prefix, as print.html shows it
 * among every article (the tree is parsed, and its links resolved or left
 * open, once for both). */
static void render_doc(struct md_doc *doc, struct heading *hs, size_t nh, char **html, char **text,
		       const char *print_prefix, char **print_html)
{
	cmark_node **nodes;
	size_t n = collect_heading_nodes(doc, &nodes);
	if (n > nh)
		n = nh;
	int *level = print_html ? xcalloc(n + 1, sizeof *level) : NULL;
	for (size_t i = 0; i < n; i++) {
		if (level)
			level[i] = cmark_node_get_heading_level(nodes[i]);
		nodes[i] = rewrite_heading(doc, nodes[i], hs[i].id);
	}

	/* A large site's pages wait with their HTML and text (a build's
	 * largest memory) for the next phase: in blocks of their length. */
	if (text) {
		struct buf b = BUF_INIT;
		plain_text(doc->root, &b);
		*text = buf_detach_fit(&b);
	}
	*html = prefix_footnotes(name_footnotes(html_of(doc), doc->id_prefix ? 4 : 2), doc->id_prefix);
	if (print_html) {
		for (size_t i = 0; i < n; i++)
			heading_markup(nodes[i], print_level(level[i]), print_prefix, hs[i].id);
		*print_html = prefix_footnotes(name_footnotes(html_of(doc), 4), print_prefix);
	}
	free(level);
	free(nodes);
	md_free_headings(hs, nh);
}

/* A heading's id comes from its text as written, as the table of
 * contents and links from other pages have it: a wiki link's title,
 * put in as the link's text, is not part of it. */
static void render_in(struct md_doc *doc, md_link_fn fn, void *ctx, char **html, char **text)
{
	struct heading *hs;
	size_t nh;
	headings_in(doc, &hs, &nh);
	cmark_node **nodes;
	size_t n = collect_nodes(doc, CMARK_NODE_LINK, CMARK_NODE_IMAGE, &nodes);
	for (size_t i = 0; i < n; i++)
		if (fn)
			rewrite_link(doc, nodes[i], fn, ctx);
	free(nodes);
	render_doc(doc, hs, nh, html, text, NULL, NULL);
}

/* ---- rendering before the links are known ------------------------------ */

/* A placeholder is "%01", a letter, the link's number and "%01": cmark
 * writes it unchanged in a URL and in text.  'u' stands for a URL, 't'
 * for a wiki link's missing text. */
#define PH "%01"
#define PH_LEN 3

static void put_placeholder(struct buf *b, char kind, size_t i)
{
	buf_puts(b, PH);
	buf_putc(b, kind);
	buf_put_dec(b, i);
	buf_puts(b, PH);
}

/* Reads the placeholder at s (if s starts one): its kind and number, and
 * its length.  Returns 0 when s does not start one. */
static size_t read_placeholder(const char *s, char *kind, size_t *num)
{
	if (strncmp(s, PH, PH_LEN) || (s[PH_LEN] != 'u' && s[PH_LEN] != 't'))
		return 0;
	const char *d = s + PH_LEN + 1, *e = d;
	size_t v = 0;
	while (*e >= '0' && *e <= '9' && e - d < 9)
		v = v * 10 + (size_t)(*e++ - '0');
	if (e == d || strncmp(e, PH, PH_LEN))
		return 0;
	*kind = s[PH_LEN];
	*num = v;
	return (size_t)(e + PH_LEN - s);
}

/* The first placeholder at or after s (NULL: none), with its kind,
 * number and length. */
static const char *next_placeholder(const char *s, const char *end, char *kind, size_t *num, size_t *len)
{
	for (const char *p = find_in(s, end, PH); p; p = find_in(p + 1, end, PH))
		if ((*len = read_placeholder(p, kind, num)))
			return p;
	return NULL;
}

/* Counts the placeholders in s into seen[2 * n] (URL and text of each
 * link).  Returns 0, or -1 on one that quire did not put there. */
static int count_placeholders(const char *s, size_t n, unsigned *seen)
{
	char kind;
	size_t i, len;
	const char *end = s + strlen(s);
	for (const char *p = s; (p = next_placeholder(p, end, &kind, &i, &len)); p += len) {
		if (i >= n)
			return -1;
		seen[2 * i + (kind == 't')]++;
	}
	return 0;
}

/* Whether s holds pre's placeholders once each, where expected (a link
 * inside an image's text shows no URL, and text that happens to read as
 * a placeholder would be taken for one): in the HTML (text 0), a link's
 * URL unless it is ready and a text-less wiki link's text; in the text,
 * that text alone. */
static int placeholders_in(const struct md_pre *pre, const char *s, int text)
{
	size_t n = pre->n;
	unsigned *c = xcalloc(2 * n + 1, sizeof *c);
	int ok = count_placeholders(s, n, c) == 0;
	for (size_t i = 0; ok && i < n; i++) {
		const struct md_deferred *l = &pre->links[i];
		ok = c[2 * i] == (!text && !l->ready) && c[2 * i + 1] == (!l->ready && l->textless);
	}
	free(c);
	return ok;
}

static int placeholders_exact(const struct md_pre *pre)
{
	return placeholders_in(pre, pre->html, 0) && placeholders_in(pre, pre->text, 1);
}

void md_pre_free(struct md_pre *pre)
{
	if (!pre)
		return;
	free(pre->html);
	free(pre->text);
	free(pre->print_html);
	free(pre); /* and its links and their URLs, in the same block */
}

static struct md_pre *render_pre_in(struct md_doc *doc, md_link_fn fn, void *ctx, const char *print_prefix)
{
	struct heading *hs;
	size_t nh;
	headings_in(doc, &hs, &nh);
	cmark_node **nodes;
	size_t n = collect_nodes(doc, CMARK_NODE_LINK, CMARK_NODE_IMAGE, &nodes);
	struct buf ph = BUF_INIT;
	/* One block for it all but the HTML and text: a page's small pieces
	 * kept from phase A to B would otherwise be scattered among the freed
	 * parse tree, and the heap they split makes later mallocs slower. */
	size_t bytes = sizeof(struct md_pre) + n * sizeof(struct md_deferred);
	for (size_t i = 0; i < n; i++) {
		const char *url = cmark_node_get_url(nodes[i]);
		bytes += (url ? strlen(url) : 0) + 1;
	}
	struct md_pre *out = xcalloc(1, bytes);
	out->links = (struct md_deferred *)(out + 1);
	char *urls = (char *)(out->links + n);
	out->n = n;
	out->unsafe_html = doc->unsafe_html;
	out->tables_disabled = doc->tables_disabled;
	for (size_t i = 0; i < n; i++) {
		cmark_node *link = nodes[i];
		struct md_deferred *l = &out->links[i];
		const char *url = cmark_node_get_url(link);
		size_t ul = url ? strlen(url) : 0;
		memcpy(urls, url ? url : "", ul + 1);
		l->url = urls;
		urls += ul + 1;
		l->wiki = wiki_kind(link);
		l->is_image = cmark_node_get_type(link) == CMARK_NODE_IMAGE;
		l->line = doc->body_line - 1 + node_line(link);
		l->col = report_col(doc, link);
		l->textless = l->wiki && !cmark_node_first_child(link);
		struct md_link_result res = { 0 };
		fn(ctx, l->url, l->wiki, l->is_image, l->line, l->col, &res);
		/* (an external link's result, or an unsafe one's, is its URL's
		 * alone: made now) */
		if ((res.external || res.unlink) && !l->is_image) {
			l->ready = 1;
			apply_link(doc, link, &res);
			continue;
		}
		free(res.href);
		free(res.title);
		buf_reset(&ph);
		put_placeholder(&ph, 'u', i);
		cmark_node_set_url(link, buf_cstr(&ph));
		if (l->textless) {
			buf_reset(&ph);
			put_placeholder(&ph, 't', i);
			cmark_node *t = md_node_new(CMARK_NODE_TEXT);
			cmark_node_set_literal(t, buf_cstr(&ph));
			cmark_node_append_child(link, t);
		}
	}
	free(nodes);
	buf_free(&ph);
	render_doc(doc, hs, nh, &out->html, &out->text, print_prefix, print_prefix ? &out->print_html : NULL);
	if (out->print_html && !placeholders_in(out, out->print_html, 0)) {
		free(out->print_html); /* print.html parses the article again */
		out->print_html = NULL;
	}
	if (placeholders_exact(out))
		return out;
	md_pre_free(out);
	return NULL;
}

/* What cmark writes for each deferred link's final URL and missing text,
 * escaped as it escapes them, from one small document of a paragraph
 * each.  url[i] and text[i] are new strings (NULL: none). */
static void escape_finals(const struct md_pre *pre, char *const *final, char *const *title, char **url,
			  char **text)
{
	cmark_node *root = md_node_new(CMARK_NODE_DOCUMENT);
	for (size_t i = 0; i < pre->n; i++) {
		if (pre->links[i].ready)
			continue;
		cmark_node *para = md_node_new(CMARK_NODE_PARAGRAPH);
		cmark_node *link = md_node_new(pre->links[i].is_image ? CMARK_NODE_IMAGE : CMARK_NODE_LINK);
		cmark_node_set_url(link, final[i]);
		cmark_node_append_child(para, link);
		cmark_node_append_child(root, para);
		if (title[i]) {
			para = md_node_new(CMARK_NODE_PARAGRAPH);
			cmark_node *t = md_node_new(CMARK_NODE_TEXT);
			cmark_node_set_literal(t, title[i]);
			cmark_node_append_child(para, t);
			cmark_node_append_child(root, para);
		}
	}
	char *html = render_html(root, parse_options(pre->unsafe_html), NULL);
	cmark_node_free(root);
	/* <p><a href="U"></a></p>, <p><img src="U" alt="" /></p>, <p>T</p> */
	const char *p = html, *hend = html + strlen(html);
	for (size_t i = 0; i < pre->n; i++) {
		if (pre->links[i].ready)
			continue;
		const char *q = strchr(p, '"') + 1, *e = strchr(q, '"');
		url[i] = xstrndup(q, (size_t)(e - q));
		p = find_in(e, hend, "</p>\n") + 5;
		if (title[i]) {
			q = strchr(p, '>') + 1;
			e = find_in(q, hend, "</p>\n");
			text[i] = xstrndup(q, (size_t)(e - q));
			p = e + 5;
		}
	}
	free(html);
}

/* Replaces each placeholder in *s: a URL by url[i], a text by text[i].
 * The result goes back into *s's own block when it fits there: the
 * pages' HTML is a build's largest memory, and a copy made beside each
 * one would leave the heap full of holes. */
static void fill(char **s, char *const *url, char *const *text)
{
	struct buf b = BUF_INIT;
	const char *r = *s;
	char kind;
	size_t i, len;
	const char *end = *s + strlen(*s);
	for (const char *p = *s; (p = next_placeholder(p, end, &kind, &i, &len)); p += len) {
		buf_put(&b, r, (size_t)(p - r));
		buf_puts(&b, kind == 'u' ? url[i] : text[i]);
		r = p + len;
	}
	if (r == *s)
		return; /* none */
	buf_puts(&b, r);
	if (b.len < malloc_usable_size(*s)) {
		memcpy(*s, b.ptr, b.len + 1);
		buf_free(&b);
	} else {
		free(*s);
		*s = buf_detach_fit(&b);
	}
}

/* Each deferred link's final URL and missing text, as fn resolves them,
 * escaped (see escape_finals); free with drop_finals. */
struct finals {
	char **url, **esc, **title;
};

static struct finals resolve_finals(const struct md_pre *pre, md_link_fn fn, void *ctx)
{
	size_t n = pre->n;
	char **final = xcalloc(n + 1, sizeof *final);
	struct finals f = { xcalloc(n + 1, sizeof *f.url), xcalloc(n + 1, sizeof *f.esc),
			    xcalloc(n + 1, sizeof *f.title) };
	for (size_t i = 0; i < n; i++) {
		const struct md_deferred *l = &pre->links[i];
		struct md_link_result res = { 0 };
		fn(ctx, l->url, l->wiki, l->is_image, l->line, l->col, &res);
		if (!l->ready) {
			final[i] = xstrdup(res.href ? res.href : l->url);
			if (l->textless)
				f.title[i] = xstrdup(res.title && *res.title ? res.title : l->url);
		}
		free(res.href);
		free(res.title);
	}
	escape_finals(pre, final, f.title, f.url, f.esc);
	for (size_t i = 0; i < n; i++)
		free(final[i]);
	free(final);
	return f;
}

static void drop_finals(struct finals *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f->url[i]);
		free(f->esc[i]);
		free(f->title[i]);
	}
	free(f->url);
	free(f->esc);
	free(f->title);
}

void md_finish(struct md_pre *pre, md_link_fn fn, void *ctx, char **html, char **text)
{
	struct finals f = resolve_finals(pre, fn, ctx);
	fill(&pre->html, f.url, f.esc);
	fill(&pre->text, f.url, f.title);
	*html = pre->html;
	pre->html = NULL;
	if (text) {
		*text = pre->text;
		pre->text = NULL;
	}
	drop_finals(&f, pre->n);
}

char *md_finish_print(struct md_pre *pre, md_link_fn fn, void *ctx)
{
	if (!pre->print_html)
		return NULL;
	struct finals f = resolve_finals(pre, fn, ctx);
	fill(&pre->print_html, f.url, f.esc);
	char *html = pre->print_html;
	pre->print_html = NULL;
	drop_finals(&f, pre->n);
	return html;
}

char *md_to_html(const char *markdown, int unsafe_html)
{
	struct md_doc doc;
	if (md_parse(&doc, markdown, strlen(markdown), 1, unsafe_html) < 0)
		return xstrdup("");
	char *html;
	md_render(&doc, NULL, NULL, &html, NULL);
	md_free(&doc);
	return html;
}

/* ---- the public calls on a document, inside its arena ---------------- */

void md_expand_wikilinks(struct md_doc *doc)
{
	struct arena *outer = doc_enter(doc);
	expand_wikilinks_in(doc);
	current_arena = outer;
}

void md_headings(struct md_doc *doc, struct heading **out, size_t *count)
{
	struct arena *outer = doc_enter(doc);
	headings_in(doc, out, count);
	current_arena = outer;
}

void md_links(struct md_doc *doc, struct rawlink **out, size_t *count)
{
	struct arena *outer = doc_enter(doc);
	links_in(doc, out, NULL, count);
	current_arena = outer;
}

void md_links_texts(struct md_doc *doc, struct rawlink **out, char ***texts, size_t *count)
{
	struct arena *outer = doc_enter(doc);
	links_in(doc, out, texts, count);
	current_arena = outer;
}

void md_render(struct md_doc *doc, md_link_fn fn, void *ctx, char **html, char **text)
{
	struct arena *outer = doc_enter(doc);
	render_in(doc, fn, ctx, html, text);
	current_arena = outer;
}

struct md_pre *md_render_pre(struct md_doc *doc, md_link_fn fn, void *ctx, const char *print_prefix)
{
	struct arena *outer = doc_enter(doc);
	struct md_pre *pre = render_pre_in(doc, fn, ctx, print_prefix);
	current_arena = outer;
	return pre;
}
