/* template: compiles Mustache source once into a flat node array per
 * template (a section node knows where its body ends), then renders that
 * array against a stack of json_t contexts.  Rendering never parses and
 * never writes to the set or the context, so threads share one set. */
#include "template.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"

#define PARTIAL_DEPTH_MAX 64
#define NEST_DEPTH_MAX 512
#define DEFAULT_MAX_NODES ((size_t)100 * 1000 * 1000)
#define DEFAULT_MAX_OUTPUT ((size_t)256 << 20)

enum node_type {
	NODE_TEXT,     /* literal text */
	NODE_LINE,     /* a template line starts: write the partial indentation */
	NODE_VAR,      /* {{name}}, HTML-escaped */
	NODE_RAW,      /* {{{name}}} or {{&name}} */
	NODE_SECTION,  /* {{#name}}, body is nodes up to end */
	NODE_INVERTED, /* {{^name}}, body is nodes up to end */
	NODE_PARTIAL,  /* {{>name}} */
};

/* A tag's name, split once at compile time.  parts holds the dotted parts
 * separated by NULs; nparts is 0 for "." (the top of the stack); scoped is
 * set for a leading dot (".a" resolves inside the top of the stack only). */
struct name {
	char *raw;
	char *parts;
	size_t len0; /* of the first part: most lookups are of one part */
	int nparts;
	int scoped;
};

struct node {
	enum node_type type;
	const char *text;  /* NODE_TEXT: points into tmpl->src */
	size_t len;
	struct name name;
	size_t end;        /* sections: index of the first node after the body */
	char *indent;      /* standalone partial: its indentation (owned), else NULL */
	size_t indent_len;
	int line, col;     /* position of the tag, for diagnostics */
};

struct tmpl {
	char *name, *path, *src;
	size_t len;
	struct node *nodes;
	size_t n, cap;
	int broken;        /* failed to compile: known, but never rendered */
	uint64_t digest;   /* of it and the partials it includes (tmpl_set_seal) */
};

struct tmpl_set {
	struct tmpl **v;
	size_t n, cap;
	size_t max_nodes, max_output;
};

/* ---- compiling ---- */

struct parser {
	struct tmpl *t;
	const char *src;
	size_t len;
	const char *otag, *ctag;   /* current delimiters: static or into src */
	size_t olen, clen;
	size_t *open;              /* node indices of the open sections */
	size_t nopen, capopen;
	struct diag *d;
	int errors;
	size_t lc_off;             /* linecol's resume point */
	int lc_chars;              /* characters from its line's start to lc_off */
	const char *eq_miss_ctag;  /* no '=' + this ctag at or after eq_miss */
	size_t eq_miss;
	int lc_line;
};

/* Line and column (1-based, in characters, as editors and the articles'
 * messages count them) of offset off.  Tags are met in order, so the scan
 * resumes where the previous call stopped: compiling stays linear. */
static void linecol(struct parser *p, size_t off, int *line, int *col)
{
	if (off < p->lc_off) {
		p->lc_off = 0;
		p->lc_line = 1;
		p->lc_chars = 0;
	}
	for (size_t i = p->lc_off; i < off; i++) {
		if (p->src[i] == '\n') {
			p->lc_line++;
			p->lc_chars = 0;
		} else {
			p->lc_chars += ((unsigned char)p->src[i] & 0xC0) != 0x80;
		}
	}
	p->lc_off = off;
	*line = p->lc_line;
	*col = p->lc_chars + 1;
}

static void perr(struct parser *p, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr(struct parser *p, size_t off, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;
	int line, col;

	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	linecol(p, off, &line, &col);
	diag_error(p->d, p->t->path, line, col, "%s", buf_cstr(&msg));
	buf_free(&msg);
	p->errors++;
}

/* Appends a zeroed node; the returned pointer is valid until the next add. */
static struct node *add_node(struct tmpl *t, enum node_type type)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->nodes = xrealloc(t->nodes, t->cap * sizeof *t->nodes);
	}
	struct node *nd = &t->nodes[t->n++];
	memset(nd, 0, sizeof *nd);
	nd->type = type;
	return nd;
}

static int at_line_start(const struct parser *p, size_t off)
{
	return off == 0 || p->src[off - 1] == '\n';
}

/* Emits src[a, b) as text nodes, one per line, each line that starts here
 * preceded by a NODE_LINE so that an indented partial indents it. */
static void emit_text(struct parser *p, size_t a, size_t b)
{
	while (a < b) {
		if (at_line_start(p, a))
			add_node(p->t, NODE_LINE);
		const char *nl = memchr(p->src + a, '\n', b - a);
		size_t e = nl ? (size_t)(nl - p->src) + 1 : b;
		struct node *nd = add_node(p->t, NODE_TEXT);
		nd->text = p->src + a;
		nd->len = e - a;
		a = e;
	}
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/* Finds the first `lead` immediately followed by the closing delimiter,
 * at or after from (lead itself at or after from).  Returns its offset or
 * (size_t)-1. */
static size_t find_close(const struct parser *p, size_t from, char lead)
{
	size_t at = from;
	while (at < p->len) {
		const char *q = memmem(p->src + at, p->len - at, p->ctag, p->clen);
		if (!q)
			return (size_t)-1;
		size_t off = (size_t)(q - p->src);
		if (!lead)
			return off;
		if (off > from && p->src[off - 1] == lead)
			return off - 1;
		at = off + 1;
	}
	return (size_t)-1;
}

/* Parses a name; reports and returns -1 when it is empty or malformed. */
static int parse_name(struct parser *p, size_t tag, const char *s, size_t n,
		      struct name *out)
{
	memset(out, 0, sizeof *out);
	if (n == 0) {
		perr(p, tag, "empty tag name");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (is_blank(s[i])) {
			/* quoted up to its first line break: a message is one line */
			const char *nl = memchr(s, '\n', n);
			int shown = (int)(nl ? (size_t)(nl - s) : n);
			perr(p, tag, "tag name '%.*s%s' contains white space", shown, s, nl ? "…" : "");
			return -1;
		}
	}
	out->raw = xstrndup(s, n);
	if (n == 1 && s[0] == '.') {
		out->parts = xstrdup("");
		out->len0 = 0;
		return 0;
	}
	size_t skip = 0;
	if (s[0] == '.') {
		out->scoped = 1;
		skip = 1;
	}
	out->parts = xstrndup(s + skip, n - skip);
	out->nparts = 1;
	size_t plen = n - skip;
	int bad = plen == 0 || out->parts[0] == '.' ||
		  out->parts[plen - 1] == '.';
	for (size_t i = 0; i < plen; i++) {
		if (out->parts[i] != '.')
			continue;
		if (i + 1 < plen && out->parts[i + 1] == '.')
			bad = 1;
		out->parts[i] = '\0';
		out->nparts++;
	}
	out->len0 = strlen(out->parts);
	if (bad) {
		perr(p, tag, "malformed dotted name '%.*s'", (int)n, s);
		free(out->raw);
		free(out->parts);
		memset(out, 0, sizeof *out);
		return -1;
	}
	return 0;
}

/* Applies the body of a {{=OPEN CLOSE=}} tag; reports a malformed one. */
static void set_delimiters(struct parser *p, size_t tag, size_t a, size_t b)
{
	const char *s = p->src;
	size_t i = a, o, olen, c, clen;

	while (i < b && is_blank(s[i]))
		i++;
	o = i;
	while (i < b && !is_blank(s[i]))
		i++;
	olen = i - o;
	while (i < b && is_blank(s[i]))
		i++;
	c = i;
	while (i < b && !is_blank(s[i]))
		i++;
	clen = i - c;
	while (i < b && is_blank(s[i]))
		i++;
	if (olen == 0 || clen == 0 || i != b || memchr(s + o, '=', olen) ||
	    memchr(s + c, '=', clen)) {
		perr(p, tag, "bad set-delimiter tag '%.*s': expected two "
		     "delimiters without '=' or spaces, as in {{=<%% %%>=}}",
		     (int)(b - a), s + a);
		return;
	}
	p->otag = s + o;
	p->olen = olen;
	p->ctag = s + c;
	p->clen = clen;
}

static void open_section(struct parser *p, size_t idx)
{
	if (p->nopen == p->capopen) {
		p->capopen = p->capopen ? p->capopen * 2 : 16;
		p->open = xrealloc(p->open, p->capopen * sizeof *p->open);
	}
	p->open[p->nopen++] = idx;
}

static void close_section(struct parser *p, size_t tag, const char *s,
			  size_t n)
{
	struct node *nodes = p->t->nodes;

	if (p->nopen == 0) {
		perr(p, tag, "closing tag '%.*s' has no open section",
		     (int)n, s);
		return;
	}
	struct node *top = &nodes[p->open[p->nopen - 1]];
	if (strlen(top->name.raw) == n && memcmp(top->name.raw, s, n) == 0) {
		top->end = p->t->n;
		p->nopen--;
		return;
	}
	perr(p, tag, "closing tag '%.*s' does not match open section '%s' "
	     "(opened at line %d, column %d)", (int)n, s, top->name.raw,
	     top->line, top->col);
	/* Recover: close down to a matching outer section if there is one,
	 * else close the innermost, so one typo gives one error. */
	size_t k = p->nopen;
	while (k > 0) {
		struct node *o = &nodes[p->open[k - 1]];
		if (strlen(o->name.raw) == n && memcmp(o->name.raw, s, n) == 0)
			break;
		k--;
	}
	size_t keep = k > 0 ? k - 1 : p->nopen - 1;
	while (p->nopen > keep)
		nodes[p->open[--p->nopen]].end = p->t->n;
}

/* Handles one tag whose content (trimmed) is src[a, b). */
static void compile_tag(struct parser *p, char type, size_t tag, size_t a,
			size_t b, size_t indent_from, int standalone)
{
	const char *s = p->src + a;
	size_t n = b - a;
	struct name nm;
	struct node *nd;

	switch (type) {
	case '!':
		return;
	case '=':
		set_delimiters(p, tag, a, b);
		return;
	case '/':
		if (n == 0) {
			perr(p, tag, "empty tag name");
			return;
		}
		close_section(p, tag, s, n);
		return;
	case '<':
	case '$':
		perr(p, tag, "template inheritance ({{%c...}}) is not supported",
		     type);
		return;
	case '>':
		if (parse_name(p, tag, s, n, &nm) < 0)
			return;
		/* A partial's name is one key, not a dotted path. */
		free(nm.parts);
		nm.parts = xstrdup(nm.raw);
		nm.len0 = strlen(nm.parts);
		nm.nparts = 1;
		nm.scoped = 0;
		nd = add_node(p->t, NODE_PARTIAL);
		nd->name = nm;
		if (standalone) {
			nd->indent_len = tag - indent_from;
			nd->indent = xstrndup(p->src + indent_from,
					      nd->indent_len);
		}
		break;
	case '#':
	case '^':
		if (parse_name(p, tag, s, n, &nm) < 0)
			return;
		nd = add_node(p->t, type == '#' ? NODE_SECTION : NODE_INVERTED);
		nd->name = nm;
		open_section(p, p->t->n - 1);
		break;
	default: /* 0, '&', '{' */
		if (parse_name(p, tag, s, n, &nm) < 0)
			return;
		nd = add_node(p->t, type == 0 ? NODE_VAR : NODE_RAW);
		nd->name = nm;
		break;
	}
	linecol(p, tag, &nd->line, &nd->col);
}

/* Compiles p->src into p->t->nodes, reporting every error it can. */
static void compile(struct parser *p)
{
	const char *src = p->src;
	size_t len = p->len, pos = 0;

	while (pos < len) {
		const char *o = memmem(src + pos, len - pos, p->otag, p->olen);
		if (!o) {
			emit_text(p, pos, len);
			pos = len;
			break;
		}
		size_t tag = (size_t)(o - src), k = tag + p->olen;
		size_t a, b, end, close;
		char type = 0;

		if (k < len && src[k] == '{') {
			type = '{';
			k++;
			close = find_close(p, k, '}');
			if (close == (size_t)-1)
				goto unclosed;
			a = k;
			b = close;
			end = close + 1 + p->clen;
		} else {
			while (k < len && is_blank(src[k]))
				k++;
			if (k < len && strchr("#^/!>&=<$", src[k]) && src[k]) {
				type = src[k];
				k++;
			}
			if (type == '=') {
				/* Remembering a failed search keeps a run of
				 * bad {{= tags from rescanning to the end. */
				if (p->eq_miss_ctag == p->ctag && k >= p->eq_miss)
					close = (size_t)-1;
				else
					close = find_close(p, k, '=');
				if (close == (size_t)-1) {
					p->eq_miss_ctag = p->ctag;
					p->eq_miss = k;
				}
				if (close == (size_t)-1) {
					size_t c2 = find_close(p, k, 0);
					if (c2 == (size_t)-1)
						goto unclosed;
					emit_text(p, pos, tag);
					perr(p, tag, "bad set-delimiter tag: it must "
					     "end with '=' before the closing "
					     "delimiter");
					pos = c2 + p->clen;
					continue;
				}
				end = close + 1 + p->clen;
			} else {
				close = find_close(p, k, 0);
				if (close == (size_t)-1)
					goto unclosed;
				end = close + p->clen;
			}
			a = k;
			b = close;
		}
		while (a < b && is_blank(src[a]))
			a++;
		while (b > a && is_blank(src[b - 1]))
			b--;
		/* "{{title}</h1> ... {{#summary}}": the first tag lacks its
		 * end, and what follows is parsed on from the next tag, so one
		 * slip gives one error */
		const char *inner = type == '!' ? NULL : memmem(src + a, b - a, p->otag, p->olen);
		if (inner) {
			emit_text(p, pos, tag);
			perr(p, tag, "unclosed tag: this '%.*s' has no '%s%.*s' before the next '%.*s'",
			     (int)p->olen, p->otag, type == '{' ? "}" : "", (int)p->clen, p->ctag,
			     (int)p->olen, p->otag);
			pos = (size_t)(inner - src);
			continue;
		}

		/* Standalone: the tag alone on its line, apart from spaces and
		 * tabs; the whole line, newline included, then disappears. */
		int standalone = 0;
		size_t ls = tag, next = end;
		if (type && strchr("#^/!>=", type)) {
			while (ls > pos && (src[ls - 1] == ' ' || src[ls - 1] == '\t'))
				ls--;
			size_t e = end;
			while (e < len && (src[e] == ' ' || src[e] == '\t'))
				e++;
			if (at_line_start(p, ls)) {
				if (e == len) {
					standalone = 1;
					next = len;
				} else if (src[e] == '\n') {
					standalone = 1;
					next = e + 1;
				} else if (src[e] == '\r' && e + 1 < len &&
					   src[e + 1] == '\n') {
					standalone = 1;
					next = e + 2;
				}
			}
		}
		if (standalone) {
			emit_text(p, pos, ls);
		} else {
			emit_text(p, pos, tag);
			if (at_line_start(p, tag))
				add_node(p->t, NODE_LINE);
		}
		compile_tag(p, type, tag, a, b, ls, standalone);
		pos = standalone ? next : end;
		continue;
unclosed:
		emit_text(p, pos, tag);
		perr(p, tag, "unclosed tag: '%.*s' without '%s%.*s'",
		     (int)p->olen, p->otag, type == '{' ? "}" : "",
		     (int)p->clen, p->ctag);
		/* The rest of the file is inside the tag: nothing more to
		 * check, and unclosed sections would only repeat the news. */
		return;
	}
	while (p->nopen > 0) {
		struct node *nd = &p->t->nodes[p->open[--p->nopen]];
		nd->end = p->t->n;
		diag_error(p->d, p->t->path, nd->line, nd->col,
			   "unclosed section '%s'", nd->name.raw);
		p->errors++;
	}
}

static void tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->nodes[i].name.raw);
		free(t->nodes[i].name.parts);
		free(t->nodes[i].indent);
	}
	free(t->nodes);
	free(t->name);
	free(t->path);
	free(t->src);
	free(t);
}

static struct tmpl *find_tmpl(const struct tmpl_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i]->name, name) == 0)
			return s->v[i];
	return NULL;
}

struct tmpl_set *tmpl_set_new(void)
{
	return xcalloc(1, sizeof(struct tmpl_set));
}

void tmpl_set_free(struct tmpl_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		tmpl_free(s->v[i]);
	free(s->v);
	free(s);
}

void tmpl_set_limits(struct tmpl_set *s, size_t max_nodes, size_t max_output)
{
	s->max_nodes = max_nodes;
	s->max_output = max_output;
}

int tmpl_set_add(struct tmpl_set *s, const char *name, const char *src,
		 size_t len, const char *path, struct diag *d)
{
	struct tmpl *t = xcalloc(1, sizeof *t);
	struct parser p;

	t->name = xstrdup(name);
	t->path = xstrdup(path ? path : name);
	t->src = xstrndup(src ? src : "", src ? len : 0);
	t->len = src ? len : 0;

	memset(&p, 0, sizeof p);
	p.t = t;
	p.src = t->src;
	p.len = t->len;
	p.otag = "{{";
	p.olen = 2;
	p.ctag = "}}";
	p.clen = 2;
	p.d = d;
	p.lc_line = 1;
	compile(&p);
	free(p.open);
	t->broken = p.errors > 0;

	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->v[i]->name, name) == 0) {
			tmpl_free(s->v[i]);
			s->v[i] = t;
			return t->broken ? -1 : 0;
		}
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = t;
	return t->broken ? -1 : 0;
}

/* Reads a whole file into out; returns 0 or -1 with errno set. */
int tmpl_set_load_dir(struct tmpl_set *s, const char *dir, const char *relpath,
		      struct diag *d)
{
	static const char ext[] = ".mustache";
	const size_t elen = sizeof ext - 1;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	struct dirent *e;
	DIR *dh = opendir(dir);

	if (!dh) {
		diag_fault(d, relpath, 0, 0, "cannot open template folder: %s",
			   strerror(errno));
		return -1;
	}
	while ((e = readdir(dh)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l <= elen || strcmp(e->d_name + l - elen, ext) != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(dh);
	qsort(names, n, sizeof *names, str_cmp_sort);

	for (size_t i = 0; i < n; i++) {
		char *full = xasprintf("%s/%s", dir, names[i]);
		char *shown = *relpath ? xasprintf("%s/%s", relpath, names[i])
				       : xstrdup(names[i]);
		char *tname = xstrndup(names[i], strlen(names[i]) - elen);
		struct buf src = BUF_INIT;
		struct stat st;

		if (stat(full, &st) == 0 && !S_ISREG(st.st_mode))
			goto next;
		int got = fs_read_buf(full, &src);
		if (got == -3) {
			diag_error(d, shown, 0, 0, "the file is larger than the limit of %u MiB",
				   FS_MAX_FILE >> 20);
			rc = -1;
			goto next;
		} else if (got < 0) {
			diag_fault(d, shown, 0, 0, "cannot read template: %s", strerror(errno));
			rc = -1;
			goto next;
		}
		size_t skip = src.len >= 3 &&
			      memcmp(src.ptr, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
		if (tmpl_set_add(s, tname, buf_cstr(&src) + skip, src.len - skip,
				 shown, d) < 0)
			rc = -1;
next:
		buf_free(&src);
		free(tname);
		free(shown);
		free(full);
		free(names[i]);
	}
	free(names);
	return rc;
}

int tmpl_set_has(const struct tmpl_set *s, const char *name)
{
	return find_tmpl(s, name) != NULL;
}

/* ---- digests ---- */

static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
	for (const unsigned char *c = data; n--; c++)
		h = (h ^ *c) * 0x100000001b3ULL;
	return h;
}

static uint64_t missing_digest(const char *name)
{
	return fnv1a(0x84222325cbf29ce4ULL, name, strlen(name) + 1);
}

/* Adds to *sum the hash of template i and of every template it includes,
 * each once (seen); a partial that is not defined counts by its name. */
static void reach(const struct tmpl_set *s, size_t i, char *seen, uint64_t *sum)
{
	if (seen[i])
		return;
	seen[i] = 1;
	const struct tmpl *t = s->v[i];
	uint64_t h = fnv1a(0xcbf29ce484222325ULL, t->name, strlen(t->name) + 1);
	h = fnv1a(h, t->src, t->len);
	*sum += fnv1a(h, &t->broken, sizeof t->broken);
	for (size_t j = 0; j < t->n; j++) {
		if (t->nodes[j].type != NODE_PARTIAL)
			continue;
		size_t k = 0;
		while (k < s->n && strcmp(s->v[k]->name, t->nodes[j].name.raw))
			k++;
		if (k < s->n)
			reach(s, k, seen, sum);
		else
			*sum += missing_digest(t->nodes[j].name.raw);
	}
}

void tmpl_set_seal(struct tmpl_set *s)
{
	char *seen = xmalloc(s->n + 1);
	for (size_t i = 0; i < s->n; i++) {
		memset(seen, 0, s->n + 1);
		s->v[i]->digest = 0;
		reach(s, i, seen, &s->v[i]->digest);
	}
	free(seen);
}

uint64_t tmpl_digest(const struct tmpl_set *s, const char *name)
{
	const struct tmpl *t = find_tmpl(s, name);
	return t ? t->digest : missing_digest(name);
}

void tmpl_set_check_partials(const struct tmpl_set *s, struct diag *d)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct tmpl *t = s->v[i];
		for (size_t j = 0; j < t->n; j++) {
			const struct node *nd = &t->nodes[j];
			if (nd->type == NODE_PARTIAL &&
			    !find_tmpl(s, nd->name.raw))
				diag_warning(d, t->path, nd->line, nd->col,
					     "partial '%s' is not defined "
					     "(it renders as nothing)",
					     nd->name.raw);
		}
	}
}

/* ---- rendering ---- */

struct render {
	const struct tmpl_set *set;
	struct buf *out;
	size_t out_start, max_nodes, max_output, visited;
	json_t **stack;            /* borrowed references */
	size_t n, cap;
	struct buf indent;         /* partial indentation: [base, len) applies */
	size_t indent_base;
	int partials, depth;
	char *err;
};

static int fail(struct render *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct render *r, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	if (!r->err) {
		va_start(ap, fmt);
		buf_vprintf(&msg, fmt, ap);
		va_end(ap);
		r->err = buf_detach(&msg);
	}
	return -1;
}

static void push(struct render *r, json_t *v)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->stack = xrealloc(r->stack, r->cap * sizeof *r->stack);
	}
	r->stack[r->n++] = v;
}

/* Resolves a name against the context stack; borrowed, NULL when missing. */
static json_t *lookup(const struct render *r, const struct name *nm)
{
	const char *part = nm->parts;
	json_t *v = NULL;

	if (r->n == 0)
		return NULL;
	if (nm->nparts == 0)
		return r->stack[r->n - 1];
	if (nm->scoped) {
		v = json_object_getn(r->stack[r->n - 1], part, nm->len0);
	} else {
		for (size_t i = r->n; i-- > 0;) {
			v = json_object_getn(r->stack[i], part, nm->len0);
			if (v)
				break;
		}
	}
	for (int k = 1; v && k < nm->nparts; k++) {
		part += strlen(part) + 1;
		v = json_object_get(v, part);
	}
	return v;
}

static int falsy(const json_t *v)
{
	return !v || json_is_null(v) || json_is_false(v) ||
	       (json_is_array(v) && json_array_size(v) == 0) ||
	       (json_is_string(v) && json_string_length(v) == 0);
}

/* Integral reals print as integers, others as the shortest decimal that
 * reads back as the same double (1.210 prints 1.21). */
static void put_real(struct buf *b, double v)
{
	char tmp[40];

	if (v > -1e15 && v < 1e15 && v == (double)(long long)v) {
		buf_printf(b, "%lld", (long long)v);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	buf_puts(b, tmp);
}

/* Strings as they are, numbers as above, booleans as true/false, null as
 * nothing, objects and arrays as compact JSON. */
static void interpolate(struct buf *out, json_t *v, int escape)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (escape)
			buf_put_html(out, json_string_value(v),
				     json_string_length(v));
		else
			buf_put(out, json_string_value(v),
				json_string_length(v));
		break;
	case JSON_INTEGER:
		buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		put_real(out, json_real_value(v));
		break;
	case JSON_TRUE:
		buf_puts(out, "true");
		break;
	case JSON_FALSE:
		buf_puts(out, "false");
		break;
	case JSON_NULL:
		break;
	case JSON_OBJECT:
	case JSON_ARRAY: {
		struct buf s = BUF_INIT;
		if (buf_put_json(&s, v, JSON_COMPACT | JSON_ENCODE_ANY) == 0) {
			if (escape)
				buf_puts_html(out, buf_cstr(&s));
			else
				buf_puts(out, buf_cstr(&s));
		}
		buf_free(&s);
		break;
	}
	}
}

static int render_nodes(struct render *r, const struct tmpl *t, size_t from,
			size_t to);

static int render_partial(struct render *r, const struct tmpl *t,
			  const struct node *nd)
{
	const struct tmpl *p = find_tmpl(r->set, nd->name.raw);
	size_t saved_base = r->indent_base, saved_len = r->indent.len;
	int rc;

	if (!p)
		return 0; /* the spec: a missing partial is the empty string */
	if (p->broken)
		return fail(r, "partial '%s' (%s:%d:%d) has errors",
			    nd->name.raw, t->path, nd->line, nd->col);
	if (r->partials >= PARTIAL_DEPTH_MAX)
		return fail(r, "partials nested deeper than %d levels at "
			    "%s:%d:%d (does '%s' include itself?)",
			    PARTIAL_DEPTH_MAX, t->path, nd->line, nd->col,
			    nd->name.raw);
	if (nd->indent)
		buf_put(&r->indent, nd->indent, nd->indent_len);
	else
		r->indent_base = r->indent.len;
	r->partials++;
	rc = render_nodes(r, p, 0, p->n);
	r->partials--;
	r->indent_base = saved_base;
	buf_truncate(&r->indent, saved_len);
	return rc;
}

static int render_section(struct render *r, const struct tmpl *t, size_t i)
{
	const struct node *nd = &t->nodes[i];
	json_t *v = lookup(r, &nd->name);
	int rc = 0;

	if (nd->type == NODE_INVERTED)
		return falsy(v) ? render_nodes(r, t, i + 1, nd->end) : 0;
	if (falsy(v))
		return 0;
	if (json_is_array(v)) {
		for (size_t k = 0; k < json_array_size(v) && rc == 0; k++) {
			push(r, json_array_get(v, k));
			rc = render_nodes(r, t, i + 1, nd->end);
			r->n--;
		}
		return rc;
	}
	/* Objects and truthy scalars alike go on the stack: names look
	 * through a scalar, and {{.}} shows it (the spec's "Variable test"). */
	push(r, v);
	rc = render_nodes(r, t, i + 1, nd->end);
	r->n--;
	return rc;
}

static int render_nodes(struct render *r, const struct tmpl *t, size_t from,
			size_t to)
{
	int rc = 0;

	if (r->depth >= NEST_DEPTH_MAX)
		return fail(r, "%s: sections and partials nested deeper than "
			    "%d levels", t->path, NEST_DEPTH_MAX);
	r->depth++;
	for (size_t i = from; i < to && rc == 0; i++) {
		const struct node *nd = &t->nodes[i];

		if (++r->visited > r->max_nodes) {
			rc = fail(r, "%s: rendering visits more than %zu "
				  "template nodes", t->path, r->max_nodes);
			break;
		}
		switch (nd->type) {
		case NODE_TEXT:
			buf_put(r->out, nd->text, nd->len);
			break;
		case NODE_LINE:
			if (r->indent.len > r->indent_base)
				buf_put(r->out, r->indent.ptr + r->indent_base,
					r->indent.len - r->indent_base);
			break;
		case NODE_VAR:
		case NODE_RAW: {
			json_t *v = lookup(r, &nd->name);
			if (v)
				interpolate(r->out, v, nd->type == NODE_VAR);
			break;
		}
		case NODE_SECTION:
		case NODE_INVERTED:
			rc = render_section(r, t, i);
			i = nd->end - 1;
			break;
		case NODE_PARTIAL:
			rc = render_partial(r, t, nd);
			break;
		}
		if (rc == 0 && r->out->len - r->out_start > r->max_output)
			rc = fail(r, "%s: output larger than %zu bytes",
				  t->path, r->max_output);
	}
	r->depth--;
	return rc;
}

int tmpl_render(const struct tmpl_set *s, const char *name, json_t *ctx,
		struct buf *out, char **err)
{
	const struct tmpl *t = find_tmpl(s, name);
	struct render r;
	int rc;

	memset(&r, 0, sizeof r);
	r.set = s;
	r.out = out;
	r.out_start = out->len;
	r.max_nodes = s->max_nodes ? s->max_nodes : DEFAULT_MAX_NODES;
	r.max_output = s->max_output ? s->max_output : DEFAULT_MAX_OUTPUT;

	if (!t)
		rc = fail(&r, "unknown template '%s'", name);
	else if (t->broken)
		rc = fail(&r, "template '%s' (%s) has errors", name, t->path);
	else {
		if (ctx)
			push(&r, ctx);
		rc = render_nodes(&r, t, 0, t->n);
	}
	if (rc < 0) {
		buf_truncate(out, r.out_start);
		if (err)
			*err = r.err;
		else
			free(r.err);
	}
	free(r.stack);
	buf_free(&r.indent);
	return rc;
}
