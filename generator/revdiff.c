/* revdiff: turns two revisions of an article into a readable account of
 * what changed.  Bodies are normalised, split into blocks, aligned with a
 * bounded Myers diff; edited blocks are diffed again word by word.  Front
 * matter becomes a list of plain-English notes.  Output goes to the
 * history pages. */
#include "revdiff.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

/* Edit distances past MAX_D are not searched: the V history costs
 * (MAX_D+1)(MAX_D+2)/2 ints (2 MB).  WORK_BUDGET bounds the Myers and
 * pairing steps of one revdiff_body call, so a pathological revision costs
 * tens of milliseconds at most; past it, regions fall back to delete+insert. */
#define MAX_D 1000
#define WORK_BUDGET 16000000L
/* Dice similarity (per mille) from which a removed and an added block are
 * shown as one edited block; a lone block replaced at the same place needs
 * less evidence. */
#define PAIR_MIN 500
#define PAIR_MIN_ALONE 200
#define PAIR_DP_CELLS 100000
#define EXCERPT_WORDS 8
#define EXCERPT_BYTES 80
#define SCALAR_SHORT 80

/* A token: a word (with the whitespace that follows it, wslen bytes at
 * s + len) or a whole block (wslen 0).  Compared by hash, then bytes. */
struct tok {
	const char *s;
	size_t len, wslen;
	uint64_t h;
	int heading; /* a block that is a heading (shown as one) */
};

struct toks {
	struct tok *v;
	size_t n, cap;
};

/* Per-call state: the reusable Myers V history and the remaining budget. */
struct ctx {
	int32_t *v;
	size_t vcap;
	long budget;
};

/* Tokens are compared by hash first (text decides on a match), and a
 * block's hash covers a whole paragraph: 8 bytes a step, not 1. */
static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ n, w;
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xC4CEB9FE1A85EC53ULL;
	return h ^ (h >> 29);
}

static int tok_eq(const struct tok *a, const struct tok *b)
{
	return a->h == b->h && a->len == b->len &&
	       memcmp(a->s, b->s, a->len) == 0;
}

static void toks_push(struct toks *t, const char *s, size_t len, size_t wslen)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = xrealloc(t->v, t->cap * sizeof *t->v);
	}
	t->v[t->n++] = (struct tok){ s, len, wslen, hash_bytes(s, len), 0 };
}

/* Blanks that do not end a line; trailing ones are ignored everywhere. */
static inline int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static inline int is_space(char c)
{
	return is_blank(c) || c == '\n' || c == '\r';
}

/* ---- escaping -------------------------------------------------------- */

/* Appends s as HTML text: buf_put_html for valid UTF-8, U+FFFD for invalid
 * bytes and control characters, so old revisions in another encoding
 * cannot break the page. */
static void put_text(struct buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t run = 0, i = 0;
	while (i < n) {
		if (u[i] >= 0x20 && u[i] < 0x80) {
			i++; /* printable ASCII, most of any text: no decoding */
			continue;
		}
		size_t l = utf8_seq(u + i, n - i);
		if (l == 1 && u[i] < 0x20 && u[i] != '\t' && u[i] != '\n' &&
		    u[i] != '\r')
			l = 0;
		if (l == 0) {
			buf_put_html(out, s + run, i - run);
			buf_puts(out, "\xEF\xBF\xBD");
			run = ++i;
			continue;
		}
		i += l;
	}
	buf_put_html(out, s + run, n - run);
}

static void put_cstr(struct buf *out, const char *s)
{
	put_text(out, s, strlen(s));
}

/* ---- normalisation and blocks ------------------------------------------ */

/* Writes text to out with the BOM dropped, CRLF and CR turned into LF,
 * trailing blanks of each line and trailing blank lines removed, but for
 * a hard line break's two spaces (a line break readers see). */
static void normalize(const char *text, struct buf *out)
{
	const char *p = text ? text : "";
	if (strncmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	size_t left = strlen(p);
	buf_grow(out, left);
	while (*p) {
		/* a line ends at LF or CR: found with memchr, not byte by byte */
		const char *e = memchr(p, '\n', left), *cr;
		e = e ? e : p + left;
		if ((cr = memchr(p, '\r', (size_t)(e - p))))
			e = cr;
		const char *t = e;
		while (t > p && is_blank(t[-1]))
			t--;
		buf_put(out, p, (size_t)(t - p));
		if (!*e)
			break;
		if (e - t >= 2 && t > p && e[-1] == ' ' && e[-2] == ' ')
			buf_puts(out, "  ");
		buf_putc(out, '\n');
		const char *next = e + (e[0] == '\r' && e[1] == '\n' ? 2 : 1);
		left -= (size_t)(next - p);
		p = next;
	}
	while (out->len && out->ptr[out->len - 1] == '\n')
		out->len--;
	if (out->ptr)
		out->ptr[out->len] = '\0';
}

static size_t skip_blanks(const char *s, const char *e)
{
	size_t i = 0;
	while (s + i < e && is_blank(s[i]))
		i++;
	return i;
}

/* If the line [s,e) opens a code fence, returns its length and sets *ch. */
static size_t fence_open(const char *s, const char *e, char *ch)
{
	s += skip_blanks(s, e);
	if (s == e || (*s != '`' && *s != '~'))
		return 0;
	size_t n = 0;
	while (s + n < e && s[n] == *s)
		n++;
	if (n < 3)
		return 0;
	if (*s == '`' && memchr(s + n, '`', (size_t)(e - s - n)))
		return 0;
	*ch = *s;
	return n;
}

static int fence_close(const char *s, const char *e, char ch, size_t len)
{
	s += skip_blanks(s, e);
	size_t n = 0;
	while (s + n < e && s[n] == ch)
		n++;
	return n >= len && skip_blanks(s + n, e) == (size_t)(e - s - n);
}

static int atx_heading(const char *s, const char *e)
{
	size_t i = 0, h = 0;
	while (i < 3 && s + i < e && s[i] == ' ')
		i++;
	while (s + i < e && s[i] == '#')
		i++, h++;
	return h >= 1 && h <= 6 && (s + i == e || is_blank(s[i]));
}

static int list_item(const char *s, const char *e)
{
	s += skip_blanks(s, e);
	if (s < e && (*s == '-' || *s == '*' || *s == '+'))
		s++;
	else {
		size_t d = 0;
		while (s + d < e && s[d] >= '0' && s[d] <= '9')
			d++;
		if (d == 0 || d > 9 || s + d == e ||
		    (s[d] != '.' && s[d] != ')'))
			return 0;
		s += d + 1;
	}
	return s == e || is_blank(*s);
}

/* ---- raw HTML ------------------------------------------------------------
 *
 * What readers never see is no change of theirs, and may be what an
 * editor meant to keep out of sight: an HTML comment ("<!-- approved by
 * counsel -->"), and, with raw HTML off (the default), a whole HTML block,
 * which the page leaves out.  Such blocks are taken out before the text is
 * split, found as CommonMark finds them: at a line's start, outside code
 * and outside lists and quotes (whose lines start with their marks).
 * Comments and tags inside a paragraph are left out as it is read
 * (readable_inline). */

/* CommonMark's block-level tag names (start condition 6), sorted. */
static const char *const block_tags[] = {
	"address", "article", "aside", "base", "basefont", "blockquote", "body", "caption", "center", "col",
	"colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
	"footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr",
	"html", "iframe", "legend", "li", "link", "main", "menu", "menuitem", "nav", "noframes", "ol",
	"optgroup", "option", "p", "param", "search", "section", "source", "summary", "table", "tbody", "td",
	"tfoot", "th", "thead", "title", "tr", "track", "ul",
};

static int is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(unsigned char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

/* Whether [s,e) starts with word w (ASCII, any case) that ends there or
 * before a blank, '>' or "/>" (close_ok: or a '/' at all). */
static int tag_word(const char *s, const char *e, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(e - s) < n || strncasecmp(s, w, n))
		return 0;
	s += n;
	return s == e || is_blank(*s) || *s == '>' || (*s == '/' && s + 1 < e && s[1] == '>');
}

/* Where the searches for an end that is not there stopped: past them, the
 * next search for the same end fails at once (no quadratic rescans). */
struct html_ends {
	size_t no_comment, no_pi, no_cdata, no_gt;
};

static size_t find_end(const char *s, size_t from, size_t n, const char *pat, size_t *none)
{
	size_t pl = strlen(pat);
	if (from >= *none)
		return 0;
	const char *f = from < n ? memmem(s + from, n - from, pat, pl) : NULL;
	if (!f) {
		*none = from;
		return 0;
	}
	return (size_t)(f - s) + pl;
}

/* If raw HTML starts at s[i] (a tag, a closing tag, a comment, a
 * processing instruction, a declaration or CDATA, as CommonMark's inline
 * HTML), where it ends (past its last byte); 0 if it does not. */
static size_t html_inline_end(const char *s, size_t i, size_t n, struct html_ends *he)
{
	if (i + 2 > n)
		return 0;
	if (s[i + 1] == '!') {
		if (n - i >= 4 && !memcmp(s + i, "<!--", 4)) {
			/* cmark-gfm 0.29's comment: its text neither starts with
			 * ">" or "->" nor holds "--" (so neither ends with "-") */
			if ((n - i >= 5 && s[i + 4] == '>') || (n - i >= 6 && !memcmp(s + i + 4, "->", 2)))
				return 0;
			size_t dd = find_end(s, i + 4, n, "--", &he->no_comment);
			return dd && dd < n && s[dd] == '>' ? dd + 1 : 0;
		}
		if (n - i >= 9 && !memcmp(s + i, "<![CDATA[", 9))
			return find_end(s, i + 9, n, "]]>", &he->no_cdata);
		if (n - i >= 3 && is_alpha((unsigned char)s[i + 2]))
			return find_end(s, i + 2, n, ">", &he->no_gt);
		return 0;
	}
	if (s[i + 1] == '?')
		return find_end(s, i + 2, n, "?>", &he->no_pi);
	size_t k = i + 1;
	int closing = s[k] == '/';
	k += closing;
	if (k >= n || !is_alpha((unsigned char)s[k]))
		return 0;
	while (k < n && (is_alnum((unsigned char)s[k]) || s[k] == '-'))
		k++;
	if (closing) {
		while (k < n && is_space(s[k]))
			k++;
		return k < n && s[k] == '>' ? k + 1 : 0;
	}
	for (;;) {
		size_t ws = k;
		while (k < n && is_space(s[k]))
			k++;
		if (k < n && s[k] == '>')
			return k + 1;
		if (k + 1 < n && s[k] == '/' && s[k + 1] == '>')
			return k + 2;
		/* an attribute: after white space, a name, then maybe = value */
		if (k == ws || k >= n || !(is_alpha((unsigned char)s[k]) || s[k] == '_' || s[k] == ':'))
			return 0;
		while (k < n && (is_alnum((unsigned char)s[k]) || s[k] == '_' || s[k] == '.' || s[k] == ':' ||
				 s[k] == '-'))
			k++;
		size_t v = k;
		while (v < n && is_space(s[v]))
			v++;
		if (v >= n || s[v] != '=')
			continue;
		v++;
		while (v < n && is_space(s[v]))
			v++;
		if (v < n && (s[v] == '"' || s[v] == '\'')) {
			const char *q = memchr(s + v + 1, s[v], n - v - 1);
			if (!q)
				return 0;
			k = (size_t)(q - s) + 1;
		} else {
			size_t u = v;
			while (u < n && !is_space(s[u]) && !strchr("\"'=<>`", s[u]))
				u++;
			if (u == v)
				return 0;
			k = u;
		}
	}
}

/* The kind of HTML block line [s,e) starts (CommonMark's start conditions
 * 1 to 7), 0 for none; in_para: the line would continue a paragraph,
 * which kind 7 cannot interrupt. */
static int html_block_start(const char *s, const char *e, int in_para)
{
	size_t ind = 0;
	while (ind < 3 && s + ind < e && s[ind] == ' ')
		ind++;
	s += ind;
	if (s + 1 >= e || *s != '<')
		return 0;
	/* Kinds 1 to 5 run until their end marker, across blank lines: only
	 * one at the line's very start is taken (indented, it may be inside
	 * a list item, whose end this scan cannot see, and would hide the
	 * text after it); a comment inside a block is left out as it is read. */
	static const char *const raw[] = { "script", "pre", "style", "textarea" };
	for (size_t k = 0; !ind && k < sizeof raw / sizeof *raw; k++)
		if (tag_word(s + 1, e, raw[k]))
			return 1;
	if (!ind && e - s >= 4 && !memcmp(s, "<!--", 4))
		return 2;
	if (!ind && s[1] == '?')
		return 3;
	if (!ind && e - s >= 9 && !memcmp(s, "<![CDATA[", 9))
		return 5;
	if (!ind && s[1] == '!' && e - s >= 3 && is_alpha((unsigned char)s[2]))
		return 4;
	const char *t = s + 1 + (s[1] == '/');
	for (size_t k = 0; k < sizeof block_tags / sizeof *block_tags; k++)
		if (tag_word(t, e, block_tags[k]))
			return 6;
	if (in_para)
		return 0;
	struct html_ends he = { SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX };
	size_t end = html_inline_end(s, 0, (size_t)(e - s), &he);
	if (!end || s[1] == '!' || s[1] == '?')
		return 0;
	return skip_blanks(s + end, e) == (size_t)(e - s - end) ? 7 : 0;
}

/* Whether line [s,e) ends an HTML block of kind 1 to 5. */
static int html_block_ends(const char *s, const char *e, int kind)
{
	size_t n = (size_t)(e - s);
	switch (kind) {
	case 1:
		for (const char *p = s; (p = memchr(p, '<', (size_t)(e - p))) != NULL; p++)
			if (e - p >= 2 && p[1] == '/' &&
			    (tag_word(p + 2, e, "script") || tag_word(p + 2, e, "pre") || tag_word(p + 2, e, "style") ||
			     tag_word(p + 2, e, "textarea")))
				return 1;
		return 0;
	case 2: return memmem(s, n, "-->", 3) != NULL;
	case 3: return memmem(s, n, "?>", 2) != NULL;
	case 4: return memchr(s, '>', n) != NULL;
	default: return memmem(s, n, "]]>", 3) != NULL;
	}
}

/* Where a quoted line's content starts, past its quote marks (and the
 * space after each); NULL for a line that is no quote's. */
static const char *quote_content(const char *s, const char *e)
{
	const char *q = s;
	while (q < e && q - s < 3 && *q == ' ')
		q++;
	if (q == e || *q != '>')
		return NULL;
	while (q < e && *q == '>') {
		q++;
		if (q < e && *q == ' ')
			q++;
		const char *r = q;
		while (r < e && (*r == ' ' || *r == '\t'))
			r++;
		if (r < e && *r == '>')
			q = r;
	}
	return q;
}

/* Where a line's content starts inside its containers: past quote marks
 * and one list item's marker (a fence may open there: "- ```html"). */
static const char *container_content(const char *s, const char *e)
{
	const char *q = quote_content(s, e);
	q = q ? q : s;
	q += skip_blanks(q, e);
	if (list_item(q, e)) {
		while (q < e && !is_blank(*q))
			q++;
		q += skip_blanks(q, e);
	}
	return q;
}

/* A setext heading's underline or a thematic break: only '=' or only
 * one of '-', '*', '_', spaces aside. */
static int rule_line(const char *s, const char *e)
{
	s += skip_blanks(s, e);
	if (s == e || (*s != '=' && *s != '-' && *s != '*' && *s != '_'))
		return 0;
	char c = *s;
	size_t n = 0;
	for (; s < e; s++) {
		if (*s == c)
			n++;
		else if (!is_blank(*s))
			return 0;
	}
	return c == '=' || c == '-' || n >= 3;
}

/* The label of a footnote mark at s[i] ("[^label]": no space or bracket
 * in it), its length in *n; NULL when there is none. */
static const char *fn_label(const char *s, size_t i, size_t len, size_t *n)
{
	if (i + 3 >= len || s[i] != '[' || s[i + 1] != '^')
		return NULL;
	size_t j = i + 2;
	while (j < len && s[j] != ']' && s[j] != '[' && !is_space(s[j]))
		j++;
	if (j == i + 2 || j >= len || s[j] != ']')
		return NULL;
	*n = j - i - 2;
	return s + i + 2;
}

/* Footnotes as cmark-gfm numbers them: the labels defined (case folded),
 * and each one's number, in the order first referred to. */
struct fn_labels {
	struct strmap defined, number;
	size_t n;
};

/* Whether the mark at text[i] (label of n bytes) on the line from at is
 * a definition: "[^x]:" after at most three spaces. */
static int fn_is_definition(const char *text, size_t at, size_t i, size_t n, size_t end)
{
	return i - at <= 3 && strspn(text + at, " ") >= i - at && i + n + 3 < end && text[i + n + 3] == ':';
}

/* Calls each footnote mark of text outside code (a fenced block, or a
 * code span on its line) in order, by pass: 0 lists the labels defined,
 * 1 numbers each defined label at its first reference, 2 copies text to
 * out with each numbered label as its number. */
static void footnote_marks(const char *text, size_t len, struct fn_labels *fl, int pass, struct buf *out)
{
	size_t flen = 0; /* the open fence's length, or 0 */
	char fch = 0;
	for (size_t at = 0; at < len;) {
		const char *e = memchr(text + at, '\n', len - at);
		size_t end = e ? (size_t)(e - text) : len, ticks = 0;
		/* (a fence's own line is code too) */
		int fenced = flen != 0;
		if (flen && fence_close(text + at, text + end, fch, flen))
			flen = 0;
		else if (!flen && (flen = fence_open(text + at, text + end, &fch)) != 0)
			fenced = 1;
		for (size_t i = at; i < end; i++) {
			size_t n = 0;
			const char *l = fenced || ticks % 2 ? NULL : fn_label(text, i, end, &n);
			ticks += text[i] == '`';
			char *key = l ? xstrndup(l, n) : NULL;
			for (char *q = key; q && *q; q++)
				*q = (char)tolower((unsigned char)*q);
			int def = l && fn_is_definition(text, at, i, n, end);
			const struct strmap_entry *num = key && pass == 2 ? strmap_get(&fl->number, key) : NULL;
			if (key && pass == 0 && def) {
				strmap_put(&fl->defined, key, NULL);
			} else if (key && pass == 1 && !def && strmap_get(&fl->defined, key) &&
				   !strmap_get(&fl->number, key)) {
				char d[24];
				snprintf(d, sizeof d, "%zu", ++fl->n);
				strmap_put(&fl->number, key, d);
			} else if (num) {
				buf_printf(out, "[^%s]", num->val);
				i += n + 2;
				free(key);
				continue;
			}
			free(key);
			if (pass == 2)
				buf_putc(out, text[i]);
		}
		if (pass == 2 && e)
			buf_putc(out, '\n');
		at = e ? end + 1 : len;
	}
}

/* text with each footnote's label, in its marks and its definition,
 * replaced by the number readers see: cmark-gfm numbers footnotes in the
 * order they are first referred to ("[^source]" reads "[1]"); a mark with
 * no definition is text. */
static void number_footnotes(const char *text, size_t len, struct buf *out)
{
	/* (most articles have no footnote: copied as they are) */
	const char *b = text, *end = text + len;
	while ((b = memchr(b, '[', (size_t)(end - b))) && b + 1 < end && b[1] != '^')
		b++;
	if (!b || b + 1 >= end) {
		buf_put(out, text, len);
		return;
	}
	struct fn_labels fl = { STRMAP_INIT, STRMAP_INIT, 0 };
	for (int pass = 0; pass < 3; pass++)
		footnote_marks(text, len, &fl, pass, out);
	strmap_free(&fl.defined);
	strmap_free(&fl.number);
}

/* hide_html's copy of the normalised text in tmp (emptied), with its
 * footnotes numbered as readers see them. */
static void hide_html(const char *text, size_t len, int raw_html, struct buf *out);
static void numbered_html(struct buf *tmp, int raw_html, struct buf *out)
{
	struct buf num = BUF_INIT;
	number_footnotes(buf_cstr(tmp), tmp->len, &num);
	hide_html(buf_cstr(&num), num.len, raw_html, out);
	buf_free(&num);
	buf_reset(tmp);
}

/* Whether a and b differ in white space alone. */
static int same_but_spacing(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;
	for (;;) {
		while (i < an && is_space(a[i]))
			i++;
		while (j < bn && is_space(b[j]))
			j++;
		if (i == an || j == bn)
			return i == an && j == bn;
		if (a[i++] != b[j++])
			return 0;
	}
}

/* Copies normalised text to out without the HTML blocks readers do not
 * see (see above); raw_html: the site shows raw HTML. */
static void hide_html(const char *text, size_t len, int raw_html, struct buf *out)
{
	const char *p = text, *end = text + len;
	char fch = 0;
	size_t flen = 0;
	int in_para = 0, hiding = 0, kind = 0, quoted = 0, inside = 0;
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p)), *q;
		e = e ? e : end;
		int blank = skip_blanks(p, e) == (size_t)(e - p), keep = 1;
		if (kind) {
			/* inside an HTML block: 6 and 7 end before a blank line,
			 * one in a quote where the quote has no more of it */
			q = quoted ? quote_content(p, e) : p;
			if ((kind >= 6 && blank) || (quoted && (!q || skip_blanks(q, e) == (size_t)(e - q)))) {
				kind = 0; /* (this line is no part of it) */
			} else {
				inside = 1;
				keep = !hiding;
				if (kind <= 5 && html_block_ends(q, e, kind))
					kind = -kind; /* this line is its last */
			}
		}
		if (inside) {
			inside = 0;
		} else if (flen) {
			if (fence_close(container_content(p, e), e, fch, flen))
				flen = 0;
		} else if (blank) {
			in_para = 0;
		} else if (!in_para && skip_blanks(p, e) >= 4) {
			/* indented code */
		} else if ((flen = fence_open(container_content(p, e), e, &fch)) != 0) {
			in_para = 0;
		} else if ((kind = html_block_start(p, e, in_para)) != 0 ||
			   ((q = quote_content(p, e)) && (kind = html_block_start(q, e, in_para)) != 0)) {
			quoted = kind && html_block_start(p, e, in_para) == 0;
			const char *lt = quoted ? quote_content(p, e) : p + skip_blanks(p, e);
			/* (with raw HTML on, GFM's tagfilter shows a script or
			 * style block as text, tags and all: only comments,
			 * declarations and the like are never seen) */
			hiding = !raw_html || (kind >= 2 && kind <= 5);
			keep = !hiding;
			in_para = 0;
			if (kind <= 5 && html_block_ends(lt + 1, e, kind))
				kind = -kind;
		} else {
			/* a heading, a setext heading's rule or a thematic break
			 * ends what came before: an HTML block of kind 7 may follow */
			in_para = !atx_heading(p, e) && !rule_line(p, e);
		}
		if (kind < 0)
			kind = 0;
		if (keep) {
			buf_put(out, p, (size_t)(e - p));
			if (e < end)
				buf_putc(out, '\n');
		} else if (out->len && !(out->len >= 2 && !memcmp(out->ptr + out->len - 2, "\n\n", 2))) {
			buf_putc(out, '\n'); /* a blank line: what came before ends there */
		}
		p = e + 1;
	}
	while (out->len && out->ptr[out->len - 1] == '\n')
		out->len--;
	if (out->ptr)
		out->ptr[out->len] = '\0';
}

/* Splits normalised text into blocks (borrowing from text). */
static void split_blocks(const char *text, size_t n, struct toks *out)
{
	const char *p = text, *end = text + n;
	const char *start = NULL, *last = NULL;
	char fch = 0;
	size_t flen = 0;

	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		int close = 0, alone = 0, open = 0;
		if (flen) {
			if (fence_close(p, e, fch, flen))
				flen = 0, close = 1;
		} else if (skip_blanks(p, e) == (size_t)(e - p)) {
			if (start)
				toks_push(out, start, (size_t)(last - start), 0);
			start = NULL;
			p = e + 1;
			continue;
		} else if ((flen = fence_open(p, e, &fch)) != 0 ||
			   list_item(p, e)) {
			open = 1;
		} else if (atx_heading(p, e)) {
			open = alone = 1;
		}
		if (open && start)
			toks_push(out, start, (size_t)(last - start), 0);
		if (open || !start)
			start = p;
		last = e;
		if (close || alone) {
			toks_push(out, start, (size_t)(last - start), 0);
			start = NULL;
		}
		p = e + 1;
	}
	if (start)
		toks_push(out, start, (size_t)(last - start), 0);
}

/* Splits a block into words, each carrying its trailing whitespace; *lead
 * gets the length of the whitespace before the first word. */
static void split_words(const char *s, size_t n, struct toks *out, size_t *lead)
{
	size_t i = 0;
	while (i < n && is_space(s[i]))
		i++;
	*lead = i;
	while (i < n) {
		size_t w = i;
		while (i < n && !is_space(s[i]))
			i++;
		size_t ws = i;
		while (i < n && is_space(s[i]))
			i++;
		toks_push(out, s + w, ws - w, i - ws);
	}
}

/* Whether block k of src is indented code: its first line indented four
 * spaces or a tab, no list item, and not after a list item or another
 * indented block (then it is more likely the list item's own text). */
static int indented_code(const struct toks *src, size_t k)
{
	const struct tok *b = &src->v[k];
	const char *e = memchr(b->s, '\n', b->len);
	e = e ? e : b->s + b->len;
	if (!((b->len >= 4 && !memcmp(b->s, "    ", 4)) || (b->len && b->s[0] == '\t')) || list_item(b->s, e))
		return 0;
	if (k > 0) {
		const struct tok *p = &src->v[k - 1];
		const char *pe = memchr(p->s, '\n', p->len);
		pe = pe ? pe : p->s + p->len;
		if (list_item(p->s, pe) || skip_blanks(p->s, pe) >= 2)
			return 0;
	}
	return 1;
}

/* ---- readable text ----------------------------------------------------- */

/* A history page's readers read the guidance, not its Markdown: a block is
 * shown, and compared, as it reads.  Link addresses, emphasis marks,
 * heading and quote marks and table rules are left out, so "**25 days**"
 * becoming "**28 days**" reads "<del>25</del> <ins>28</ins> days", not a
 * cut through the marks.  Fenced code stays as written.  Every pass is
 * linear: a block may be megabytes long. */

static int is_word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static int is_punct(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !is_word_byte(c);
}

/* A table's rule line: only |, :, - and blanks, with a - and a |. */
static int table_rule(const char *s, const char *e)
{
	int dash = 0, bar = 0;
	for (; s < e; s++) {
		if (*s == '-')
			dash = 1;
		else if (*s == '|')
			bar = 1;
		else if (*s != ':' && !is_blank(*s))
			return 0;
	}
	return dash && bar;
}

/* Line marks: quote marks, heading marks, list bullets (as "• "), table
 * rules and a table row's outer bars. */
static void readable_lines(const char *s, size_t n, struct buf *out)
{
	const char *end = s + n, *nl = memchr(s, '\n', n);
	const char *second = nl ? nl + 1 : end, *second_end = memchr(second, '\n', (size_t)(end - second));
	int table = nl && memchr(s, '|', (size_t)(nl - s)) && table_rule(second, second_end ? second_end : end);
	int first = 1;
	for (const char *p = s;; p++) {
		const char *e = memchr(p, '\n', (size_t)(end - p)), *stop;
		stop = e ? e : end;
		const char *q = p + skip_blanks(p, stop);
		while (q < stop && *q == '>') {
			q++;
			q += skip_blanks(q, stop);
		}
		int skip = table && table_rule(q, stop), bullet = 0;
		if (!skip && atx_heading(q, stop)) {
			while (q < stop && *q == '#')
				q++;
			q += skip_blanks(q, stop);
			const char *t = stop; /* a closing run of #s */
			while (t > q && t[-1] == '#')
				t--;
			if (t == q || is_blank(t[-1]))
				stop = t;
		} else if (!skip && list_item(q, stop) && (*q == '-' || *q == '*' || *q == '+')) {
			bullet = 1;
			q++;
			q += skip_blanks(q, stop);
		} else if (!skip && table) {
			if (q < stop && *q == '|')
				q++;
			if (stop > q && stop[-1] == '|' && (stop - 1 == q || stop[-2] != '\\'))
				stop--;
			q += skip_blanks(q, stop);
		}
		while (stop > q && is_blank(stop[-1]))
			stop--;
		if (!skip) {
			if (!first)
				buf_putc(out, '\n');
			if (bullet)
				buf_puts(out, "\xE2\x80\xA2 ");
			buf_put(out, q, (size_t)(stop - q));
			first = 0;
		}
		if (!e)
			break;
		p = e;
	}
}

enum { KEEP = 0, DROP = 1, LITERAL = 2 };

/* Code spans and backslash escapes: their bytes are text as written.  A
 * backtick run closes at the next run of its length (found from a table
 * of each run's next run of the same length, made from the right). */
static void mark_literals(const char *s, size_t n, unsigned char *m)
{
	enum { RUNS = 16 };
	size_t *next = xmalloc((n + 1) * sizeof *next), last[RUNS + 1];
	for (size_t k = 0; k <= RUNS; k++)
		last[k] = SIZE_MAX;
	/* (every place: an escape may start a run's scan inside a run) */
	for (size_t i = 0; i <= n; i++)
		next[i] = SIZE_MAX;
	for (size_t i = n; i-- > 0;) {
		if (s[i] != '`' || (i + 1 < n && s[i + 1] == '`'))
			continue;
		size_t b = i; /* i ends a run: find its start */
		while (b > 0 && s[b - 1] == '`')
			b--;
		size_t k = i - b + 1;
		if (k <= RUNS) {
			next[b] = last[k];
			last[k] = b;
		}
		i = b;
		if (i == 0)
			break;
	}
	for (size_t i = 0; i < n;) {
		if (s[i] == '\\' && i + 1 < n && is_punct((unsigned char)s[i + 1])) {
			m[i] = DROP;
			m[i + 1] = LITERAL;
			i += 2;
		} else if (s[i] == '`') {
			size_t k = 0;
			while (i + k < n && s[i + k] == '`')
				k++;
			size_t j = k <= RUNS ? next[i] : SIZE_MAX;
			if (j == SIZE_MAX) {
				i += k;
				continue;
			}
			memset(m + i, DROP, k);
			memset(m + i + k, LITERAL, j - i - k);
			memset(m + j, DROP, k);
			i = j + k;
		} else {
			i++;
		}
	}
	free(next);
}

/* close[i]: where the bracket or parenthesis opened at i closes, or
 * SIZE_MAX; one stack per kind. */
static void match_pairs(const char *s, size_t n, const unsigned char *m, size_t *close)
{
	size_t *sq = xmalloc((n + 1) * sizeof *sq), *pa = xmalloc((n + 1) * sizeof *pa);
	size_t nsq = 0, npa = 0;
	for (size_t i = 0; i < n; i++) {
		close[i] = SIZE_MAX;
		if (m[i] != KEEP)
			continue;
		if (s[i] == '[')
			sq[nsq++] = i;
		else if (s[i] == ']' && nsq)
			close[sq[--nsq]] = i;
		else if (s[i] == '(')
			pa[npa++] = i;
		else if (s[i] == ')' && npa)
			close[pa[--npa]] = i;
	}
	free(sq);
	free(pa);
}

static void drop_range(unsigned char *m, size_t from, size_t to)
{
	for (size_t k = from; k < to; k++)
		if (m[k] == KEEP)
			m[k] = DROP;
}

/* [[target|text]] shows text, [[target#part]] target, [[#part]] part. */
static size_t wiki_marks(const char *s, size_t i, size_t j, unsigned char *m)
{
	const char *bar = memchr(s + i + 2, '|', j - i - 2);
	const char *hash = bar ? NULL : memchr(s + i + 2, '#', j - i - 2);
	if (bar)
		drop_range(m, i, (size_t)(bar - s) + 1);
	else
		drop_range(m, i, i + 2);
	if (hash == s + i + 2)
		drop_range(m, i + 2, i + 3);
	else if (hash)
		drop_range(m, (size_t)(hash - s), j);
	drop_range(m, j, j + 2);
	return j + 2;
}

/* Emphasis and strike marks: a run is left out only when another of the
 * same kind closes it, as Markdown reads them ("12*2" keeps its star,
 * "a *b* c" loses both). */
struct mark {
	size_t at, len;
	char c;
	int open, close;
};

struct marks {
	struct mark *v;
	size_t n, cap;
};

static void add_mark(struct marks *ms, const char *s, size_t n, size_t i, size_t k)
{
	char c = s[i];
	int prev_space = i == 0 || is_space(s[i - 1]), next_space = k == n || is_space(s[k]);
	int prev_word = i > 0 && is_word_byte((unsigned char)s[i - 1]);
	int next_word = k < n && is_word_byte((unsigned char)s[k]);
	struct mark x = { i, k - i, c, !next_space, !prev_space };
	if (c == '_') { /* never inside a word: file_name */
		x.open = x.open && !prev_word;
		x.close = x.close && !next_word;
	}
	if (c == '~' && k - i == 1) /* a single ~ is text */
		return;
	if (!x.open && !x.close)
		return;
	if (ms->n == ms->cap) {
		ms->cap = ms->cap ? 2 * ms->cap : 16;
		ms->v = xrealloc(ms->v, ms->cap * sizeof *ms->v);
	}
	ms->v[ms->n++] = x;
}

/* Pairs each closing run with the nearest open one of its kind before
 * it (a stack per kind), and leaves both out. */
static void pair_marks(struct marks *ms, unsigned char *m)
{
	static const char kinds[] = "*_~";
	size_t *stack = xmalloc((ms->n + 1) * sizeof *stack);
	for (int t = 0; t < 3; t++) {
		size_t top = 0;
		for (size_t i = 0; i < ms->n; i++) {
			const struct mark *x = &ms->v[i];
			if (x->c != kinds[t])
				continue;
			if (x->close && top) {
				const struct mark *o = &ms->v[stack[--top]];
				drop_range(m, o->at, o->at + o->len);
				drop_range(m, x->at, x->at + x->len);
			} else if (x->open) {
				stack[top++] = i;
			}
		}
	}
	free(stack);
}

/* Link addresses met ahead of the scan, [a, b): a min-heap by a, so the
 * scan finds the next it reaches in O(log n), with no per-byte table to
 * clear for every paragraph. */
struct spans {
	struct { size_t a, b; } *v;
	size_t n, cap;
	size_t *heap; /* indexes into v */
	size_t nh;
};

static void spans_add(struct spans *sp, size_t a, size_t b)
{
	if (sp->n == sp->cap) {
		sp->cap = sp->cap ? 2 * sp->cap : 8;
		sp->v = xrealloc(sp->v, sp->cap * sizeof *sp->v);
		sp->heap = xrealloc(sp->heap, sp->cap * sizeof *sp->heap);
	}
	sp->v[sp->n].a = a;
	sp->v[sp->n].b = b;
	size_t k = sp->nh++;
	for (; k && sp->v[sp->heap[(k - 1) / 2]].a > a; k = (k - 1) / 2)
		sp->heap[k] = sp->heap[(k - 1) / 2];
	sp->heap[k] = sp->n++;
}

static void spans_pop(struct spans *sp)
{
	size_t last = sp->heap[--sp->nh], k = 0;
	for (;;) {
		size_t c = 2 * k + 1;
		if (c >= sp->nh)
			break;
		if (c + 1 < sp->nh && sp->v[sp->heap[c + 1]].a < sp->v[sp->heap[c]].a)
			c++;
		if (sp->v[sp->heap[c]].a >= sp->v[last].a)
			break;
		sp->heap[k] = sp->heap[c];
		k = c;
	}
	sp->heap[k] = last;
}

/* Where the scan at i goes on: past the address that starts at i, or i.
 * Addresses the scan passed over (inside a run it skipped) are dropped
 * from the heap, as they were from the scan. */
static size_t spans_at(struct spans *sp, size_t i)
{
	while (sp->nh && sp->v[sp->heap[0]].a < i)
		spans_pop(sp);
	if (!sp->nh || sp->v[sp->heap[0]].a != i)
		return i;
	size_t b = sp->v[sp->heap[0]].b;
	spans_pop(sp);
	return b;
}

static int span_cmp(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	return a < b ? -1 : a > b;
}

/* Marks every address DROP: in order of their starts, each byte once
 * even where addresses overlap (a scan that skipped over an address's
 * start may meet addresses inside it). */
static void spans_drop(struct spans *sp, unsigned char *m)
{
	if (!sp->n)
		return;
	qsort(sp->v, sp->n, sizeof *sp->v, span_cmp);
	size_t reach = 0;
	for (size_t k = 0; k < sp->n; k++) {
		size_t a = sp->v[k].a > reach ? sp->v[k].a : reach, b = sp->v[k].b;
		if (b > a) {
			memset(m + a, DROP, b - a);
			reach = b;
		}
	}
}

/* A link's address, from its "](" to its ")", is left out whole, and the
 * scan goes on after it: links nest, and marking each address as it was
 * met marked the innermost bytes once per level.  The addresses are
 * kept (spans) and left out at the end, each byte once.  s[n] is a NUL. */
/* Appends link address [a,b) ("url", "<url>" or "url \"title\"": the
 * url) to addrs, NUL-ended. */
static void note_address(struct buf *addrs, const char *s, size_t a, size_t b)
{
	while (a < b && is_space(s[a]))
		a++;
	size_t e = a;
	if (a < b && s[a] == '<') {
		a++;
		e = a;
		while (e < b && s[e] != '>')
			e++;
	} else {
		while (e < b && !is_space(s[e]))
			e++;
	}
	buf_put(addrs, s + a, e - a);
	buf_putc(addrs, '\0');
}

/* What a wiki link without text of its own, [[target]] (len bytes at
 * t), reads as by w: the title its page showed (a new string), or NULL
 * to read its target as written.  [[#part]] is the version's own
 * heading, which w cannot see. */
static char *wiki_read(const struct revdiff_wiki *w, const char *t, size_t len)
{
	size_t sp = 0;
	while (sp < len && t[sp] == ' ')
		sp++;
	if (!w || !w->title || sp == len || t[sp] == '#')
		return NULL;
	char *target = xstrndup(t, len);
	char *title = w->title(w->ctx, target);
	free(target);
	return title;
}

/* Text put in place of what was left out, at a place of the source. */
struct subst {
	size_t at;
	char *text;
};

struct substs {
	struct subst *v;
	size_t n, cap, len; /* len: the texts' bytes */
};

static void subst_add(struct substs *ss, size_t at, char *text)
{
	if (ss->n == ss->cap) {
		ss->cap = ss->cap ? 2 * ss->cap : 4;
		ss->v = xrealloc(ss->v, ss->cap * sizeof *ss->v);
	}
	ss->v[ss->n++] = (struct subst){ at, text };
	ss->len += strlen(text);
}

/* The text of a block as it reads (a wiki link without text as w reads
 * it); with addrs, its links' addresses too (each NUL-ended: an inline
 * link's, a wiki link's target where the link shows other text). */
static void readable_inline(const char *s, size_t n, struct buf *out, struct buf *addrs,
			    const struct revdiff_wiki *w)
{
	/* Most paragraphs have no mark at all, and most of the rest no link
	 * or code: each pass runs only when its marks are there (a history's
	 * diffs read every paragraph of every revision twice). */
	int any = 0, brackets = 0, literals = 0;
	/* (s ends in a NUL: strcspn skips 16 bytes a step) */
	for (size_t i = strcspn(s, "[`\\*_~<"); i < n && !(brackets && literals); i += 1 + strcspn(s + i + 1, "[`\\*_~<"))
		switch (s[i]) {
		case '[': brackets = 1; any = 1; break;
		case '`': case '\\': literals = 1; any = 1; break;
		case '\0': break; /* a NUL inside: go on past it */
		default: any = 1; break;
		}
	if (!any) {
		buf_put(out, s, n);
		return;
	}
	unsigned char *m = xcalloc(n + 1, 1);
	size_t *close = brackets ? xmalloc((n + 1) * sizeof *close) : NULL;
	struct spans addr = { 0 }; /* the addresses, left out and skipped */
	struct marks marks = { 0 };
	struct html_ends he = { SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX };
	struct substs subs = { 0 }; /* the wiki links w read, by their places */
	if (literals)
		mark_literals(s, n, m);
	if (brackets)
		match_pairs(s, n, m, close);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (addr.nh) {
			size_t past = spans_at(&addr, i);
			if (past != i) {
				i = past;
				continue;
			}
		}
		if (m[i] != KEEP) {
			i++;
			continue;
		}
		size_t j = c == '[' ? close[i] : SIZE_MAX;
		if (c == '[' && i + 1 < n && s[i + 1] == '[' && close[i + 1] != SIZE_MAX &&
		    j == close[i + 1] + 1) {
			const char *bar = memchr(s + i + 2, '|', close[i + 1] - i - 2);
			char *title = bar ? NULL : wiki_read(w, s + i + 2, close[i + 1] - i - 2);
			if (addrs && bar)
				note_address(addrs, s, i + 2, (size_t)(bar - s));
			if (title) {
				subst_add(&subs, i, title);
				drop_range(m, i, close[i + 1] + 2);
				i = close[i + 1] + 2;
			} else {
				i = wiki_marks(s, i, close[i + 1], m);
			}
		} else if (c == '[' && j != SIZE_MAX && j + 1 < n && s[j + 1] == '(' &&
			   close[j + 1] != SIZE_MAX && !(i + 1 < n && s[i + 1] == '^')) {
			/* [text](address), ![alt](picture); not [a][b], which is
			 * as often "clauses [3][4]" as a link by label */
			if (i > 0 && s[i - 1] == '!' && m[i - 1] == KEEP)
				m[i - 1] = DROP;
			m[i] = DROP;
			if (addrs)
				note_address(addrs, s, j + 2, close[j + 1]);
			spans_add(&addr, j, close[j + 1] + 1);
			i++;
		} else if (c == '[' && j != SIZE_MAX && j > i + 2 && s[i + 1] == '^' &&
			   strspn(s + i + 2, "0123456789") == j - i - 2) {
			/* a footnote's mark, [^1], reads [1] (the page shows its
			 * number: number_footnotes gave each defined one its
			 * number), and so does its definition's */
			m[i + 1] = DROP;
			i += 2;
		} else if (c == '<') {
			size_t k = i + 1, t;
			while (k < n && s[k] != '>' && s[k] != '<' && !is_space(s[k]))
				k++;
			if (k < n && s[k] == '>' && k > i + 1 && is_word_byte((unsigned char)s[i + 1]) &&
			    (memchr(s + i, ':', k - i) || memchr(s + i, '@', k - i))) {
				m[i] = m[k] = DROP;
				i = k + 1;
			} else if ((t = html_inline_end(s, i, n, &he)) != 0) {
				/* raw HTML: its tags are no text, a comment none a reader sees */
				memset(m + i, DROP, t - i);
				i = t;
			} else {
				i = k;
			}
		} else if (c == '*' || c == '_' || c == '~') {
			size_t k = i;
			while (k < n && s[k] == (char)c && m[k] == KEEP)
				k++;
			add_mark(&marks, s, n, i, k);
			i = k;
		} else {
			i++;
		}
	}
	pair_marks(&marks, m);
	spans_drop(&addr, m);
	buf_grow(out, n + subs.len);
	char *dst = out->ptr + out->len;
	for (size_t i = 0, k = 0; i < n; i++) {
		if (k < subs.n && subs.v[k].at == i) {
			size_t len = strlen(subs.v[k].text);
			memcpy(dst, subs.v[k].text, len);
			dst += len;
			free(subs.v[k++].text);
		}
		if (m[i] != DROP)
			*dst++ = s[i];
	}
	out->len = (size_t)(dst - out->ptr);
	out->ptr[out->len] = '\0';
	free(subs.v);
	free(marks.v);
	free(addr.v);
	free(addr.heap);
	free(close);
	free(m);
}

/* Where block b of the other side, if given (its blocks osrc, their
 * readable text odisp), has the very same Markdown: most blocks of two
 * revisions do, and need reading only once.  SIZE_MAX if none. */
struct same_index {
	size_t *slot; /* 1 + block index, 0 empty */
	size_t mask;
};

static void same_index_build(struct same_index *ix, const struct toks *osrc)
{
	size_t cap = 16;
	while (cap < 2 * osrc->n + 1)
		cap *= 2;
	ix->slot = xcalloc(cap, sizeof *ix->slot);
	ix->mask = cap - 1;
	for (size_t k = 0; k < osrc->n; k++) {
		size_t i = (size_t)osrc->v[k].h & ix->mask;
		while (ix->slot[i])
			i = (i + 1) & ix->mask;
		ix->slot[i] = k + 1;
	}
}

static size_t same_index_find(const struct same_index *ix, const struct toks *osrc, const struct tok *b)
{
	for (size_t i = (size_t)b->h & ix->mask; ix->slot[i]; i = (i + 1) & ix->mask)
		if (tok_eq(&osrc->v[ix->slot[i] - 1], b))
			return ix->slot[i] - 1;
	return SIZE_MAX;
}

/* The readable text of each block of src into text, as tokens in out;
 * a block the other side (osrc, read as odisp) has too is taken from
 * there. */
static void readable_blocks(const struct toks *src, struct buf *text, struct toks *out,
			    const struct toks *osrc, const struct toks *odisp, const struct revdiff_wiki *w)
{
	struct buf line = BUF_INIT;
	struct same_index ix = { 0 };
	size_t *at = xmalloc((src->n + 1) * sizeof *at), *other = xmalloc((src->n + 1) * sizeof *other);
	if (osrc)
		same_index_build(&ix, osrc);
	for (size_t k = 0; k < src->n; k++) {
		const struct tok *b = &src->v[k];
		const char *nl = memchr(b->s, '\n', b->len);
		char ch;
		at[k] = text->len;
		other[k] = osrc ? same_index_find(&ix, osrc, b) : SIZE_MAX;
		if (other[k] != SIZE_MAX)
			continue;
		if (fence_open(b->s, nl ? nl : b->s + b->len, &ch) || indented_code(src, k)) {
			buf_put(text, b->s, b->len);
			continue;
		}
		buf_reset(&line);
		readable_lines(b->s, b->len, &line);
		readable_inline(buf_cstr(&line), line.len, text, NULL, w);
	}
	at[src->n] = text->len;
	/* (pointers last: the text grows until here) */
	for (size_t k = 0; k < src->n; k++) {
		const struct tok *b = &src->v[k];
		if (other[k] != SIZE_MAX) {
			const struct tok *o = &odisp->v[other[k]];
			toks_push(out, o->s, o->len, 0);
		} else {
			toks_push(out, buf_cstr(text) + at[k], at[k + 1] - at[k], 0);
		}
		out->v[out->n - 1].heading = atx_heading(b->s, b->s + b->len);
	}
	free(ix.slot);
	free(other);
	free(at);
	buf_free(&line);
}

/* Whether two blocks hold the same words, spacing aside. */
static int same_words(const struct tok *a, const struct tok *b)
{
	size_t i = 0, j = 0;
	for (;;) {
		while (i < a->len && is_space(a->s[i]))
			i++;
		while (j < b->len && is_space(b->s[j]))
			j++;
		if (i == a->len || j == b->len)
			return i == a->len && j == b->len;
		if (a->s[i] != b->s[j])
			return 0;
		/* a word's end must come at once in both */
		i++, j++;
		int ea = i == a->len || is_space(a->s[i]), eb = j == b->len || is_space(b->s[j]);
		if (ea != eb)
			return 0;
	}
}

/* ---- Myers ------------------------------------------------------------ */

static size_t vidx(long d, long k)
{
	return (size_t)(d * (d + 1) / 2 + (k + d) / 2);
}

/* The furthest x reachable on diagonal k with d edits, from the d-1 row
 * (-1 if none); *down says the last edit was an insertion. */
static long myers_step(const int32_t *v, long d, long k, long n, long m,
		       int *down)
{
	long xd = -1, xr = -1;
	if (k + 1 <= d - 1) {
		long px = v[vidx(d - 1, k + 1)];
		if (px >= 0 && px - (k + 1) < m)
			xd = px;
	}
	if (k - 1 >= -(d - 1)) {
		long px = v[vidx(d - 1, k - 1)];
		if (px >= 0 && px < n)
			xr = px + 1;
	}
	*down = xd >= 0 && xd >= xr;
	return *down ? xd : xr;
}

/* Marks in ka/kb (zeroed by the caller) the tokens of a longest common
 * subsequence of a and b.  Returns 0, or -1 when the edit distance passes
 * MAX_D or the budget runs out; then only the common prefix and suffix
 * are marked and the middle counts as changed. */
static int lcs(struct ctx *c, const struct tok *a, size_t na,
	       const struct tok *b, size_t nb, unsigned char *ka,
	       unsigned char *kb)
{
	if (!na || !nb)
		return 0; /* (an empty side may be NULL: no pointer is moved) */
	size_t pre = 0, suf = 0;
	while (pre < na && pre < nb && tok_eq(a + pre, b + pre))
		ka[pre] = kb[pre] = 1, pre++;
	while (suf < na - pre && suf < nb - pre &&
	       tok_eq(a + na - 1 - suf, b + nb - 1 - suf)) {
		ka[na - 1 - suf] = kb[nb - 1 - suf] = 1;
		suf++;
	}
	a += pre, b += pre, ka += pre, kb += pre;
	long n = (long)(na - pre - suf), m = (long)(nb - pre - suf);
	if (n == 0 || m == 0)
		return 0;
	if (n >= INT32_MAX || m >= INT32_MAX)
		return -1;

	long work = 0, D = -1, K = 0;
	for (long d = 0; d <= MAX_D && D < 0; d++) {
		size_t need = vidx(d, d) + 1;
		if (need > c->vcap) {
			c->vcap = need * 2;
			c->v = xrealloc(c->v, c->vcap * sizeof *c->v);
		}
		for (long k = -d; k <= d; k += 2) {
			int down;
			long x = d == 0 ? 0 : myers_step(c->v, d, k, n, m, &down);
			if (x < 0) {
				c->v[vidx(d, k)] = -1;
				continue;
			}
			long y = x - k, x0 = x;
			while (x < n && y < m && tok_eq(a + x, b + y))
				x++, y++;
			work += 1 + (x - x0);
			c->v[vidx(d, k)] = (int32_t)x;
			if (x == n && y == m) {
				D = d, K = k;
				break;
			}
			if (work > c->budget)
				goto out;
		}
	}
out:
	c->budget -= work;
	if (D < 0)
		return -1;

	long x = c->v[vidx(D, K)], k = K;
	for (long d = D; d >= 0; d--) {
		int down = 0;
		long mid = d == 0 ? 0 : myers_step(c->v, d, k, n, m, &down);
		for (long i = mid; i < x; i++)
			ka[i] = kb[i - k] = 1;
		if (d == 0)
			break;
		k = down ? k + 1 : k - 1;
		x = c->v[vidx(d - 1, k)];
	}
	return 0;
}

/* ---- word diff of one edited block ----------------------------------- */

/* A run of the alignment: equal words, or a change (deleted a0..a1,
 * inserted b0..b1). */
struct seg {
	int eq;
	size_t a0, a1, b0, b1;
	size_t alen, blen; /* bytes of the words, for the cleanup */
};

static size_t words_bytes(const struct tok *t, size_t from, size_t to)
{
	size_t n = 0;
	for (size_t i = from; i < to; i++)
		n += t[i].len;
	return n;
}

/* Merges short equalities squeezed between larger changes into them (the
 * "semantic cleanup" of diff-match-patch), so a rewritten sentence reads as
 * one deletion and one insertion instead of confetti around "the". */
static size_t cleanup(struct seg *s, size_t n)
{
	size_t top = 0;
	for (size_t i = 0; i < n; i++) {
		s[top++] = s[i];
		while (top >= 3 && !s[top - 1].eq && s[top - 2].eq &&
		       !s[top - 3].eq) {
			struct seg *l = &s[top - 3], *q = &s[top - 2],
				   *r = &s[top - 1];
			size_t left = l->alen > l->blen ? l->alen : l->blen;
			size_t right = r->alen > r->blen ? r->alen : r->blen;
			if (q->blen > left || q->blen > right)
				break;
			l->a1 = r->a1;
			l->b1 = r->b1;
			l->alen += q->alen + r->alen;
			l->blen += q->blen + r->blen;
			top -= 2;
		}
	}
	return top;
}

static void put_words(struct buf *out, const struct tok *t, size_t from,
		      size_t to)
{
	if (from < to)
		put_text(out, t[from].s,
			 (size_t)(t[to - 1].s + t[to - 1].len - t[from].s));
}

static void put_ws(struct buf *out, const struct tok *t)
{
	put_text(out, t->s + t->len, t->wslen);
}

/* Appends the word diff of an edited block (no wrapper).  Returns 0 when
 * the words are all the same (only spacing changed). */
static int word_diff(struct ctx *c, const struct tok *ob, const struct tok *nb,
		     struct buf *out)
{
	struct toks a = { 0 }, b = { 0 };
	size_t alead, blead, nseg = 0;
	unsigned char *ka = NULL, *kb = NULL;
	struct seg *segs = NULL;
	int changed = 0;

	split_words(ob->s, ob->len, &a, &alead);
	split_words(nb->s, nb->len, &b, &blead);
	ka = xcalloc(a.n + 1, 1);
	kb = xcalloc(b.n + 1, 1);
	lcs(c, a.v, a.n, b.v, b.n, ka, kb);
	segs = xmalloc((a.n + b.n + 1) * sizeof *segs);
	for (size_t i = 0, j = 0; i < a.n || j < b.n;) {
		struct seg s = { 0, i, i, j, j, 0, 0 };
		if (i < a.n && j < b.n && ka[i] && kb[j]) {
			s.eq = 1;
			while (i < a.n && j < b.n && ka[i] && kb[j])
				i++, j++;
		} else {
			while (i < a.n && !ka[i])
				i++;
			while (j < b.n && !kb[j])
				j++;
			changed = 1;
		}
		s.a1 = i, s.b1 = j;
		s.alen = words_bytes(a.v, s.a0, s.a1);
		s.blen = words_bytes(b.v, s.b0, s.b1);
		segs[nseg++] = s;
	}
	if (!changed)
		goto done;
	nseg = cleanup(segs, nseg);

	if (b.n)
		put_text(out, nb->s, blead);
	else
		put_text(out, ob->s, alead);
	for (size_t k = 0; k < nseg; k++) {
		const struct seg *s = &segs[k];
		if (s->eq) {
			for (size_t j = s->b0, i = s->a0; j < s->b1; j++, i++) {
				put_text(out, b.v[j].s, b.v[j].len);
				put_ws(out, b.v[j].wslen ? &b.v[j] : &a.v[i]);
			}
			continue;
		}
		/* a replacement reads "<del>old</del> <ins>new</ins>" followed
		 * by the new spacing; a bare deletion keeps the old spacing */
		if (s->a0 < s->a1) {
			buf_puts(out, "<del>");
			put_words(out, a.v, s->a0, s->a1);
			buf_puts(out, "</del>");
			if (s->b0 < s->b1)
				buf_putc(out, ' ');
			else
				put_ws(out, &a.v[s->a1 - 1]);
		}
		if (s->b0 < s->b1) {
			buf_puts(out, "<ins>");
			put_words(out, b.v, s->b0, s->b1);
			buf_puts(out, "</ins>");
			put_ws(out, &b.v[s->b1 - 1]);
		}
	}
done:
	free(segs);
	free(ka);
	free(kb);
	free(a.v);
	free(b.v);
	return changed;
}

/* ---- pairing removed and added blocks ------------------------------- */

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/* Returns the sorted word hashes of a block (caller frees), count in *n. */
static uint64_t *word_bag(const struct tok *blk, size_t *n)
{
	struct toks w = { 0 };
	size_t lead;
	split_words(blk->s, blk->len, &w, &lead);
	uint64_t *h = xmalloc((w.n + 1) * sizeof *h);
	for (size_t i = 0; i < w.n; i++)
		h[i] = w.v[i].h;
	qsort(h, w.n, sizeof *h, cmp_u64);
	*n = w.n;
	free(w.v);
	return h;
}

struct bag {
	uint64_t *h;
	size_t n;
};

/* Dice coefficient of two word multisets, per mille. */
static int similarity(const struct bag *x, const struct bag *y)
{
	size_t i = 0, j = 0, common = 0;
	if (x->n + y->n == 0)
		return 1000;
	while (i < x->n && j < y->n) {
		if (x->h[i] == y->h[j])
			common++, i++, j++;
		else if (x->h[i] < y->h[j])
			i++;
		else
			j++;
	}
	return (int)(2000 * common / (x->n + y->n));
}

/* Decides which removed blocks dl[0..a) are edits of which added blocks
 * il[0..b): sets pair[i] to an index into il or -1, keeping the order
 * (a dynamic programme maximising total similarity when the hunk is small,
 * else position by position). */
static void pair_blocks(struct ctx *c, const struct tok *ob, const size_t *dl,
			size_t a, const struct tok *nb, const size_t *il,
			size_t b, long *pair)
{
	struct bag *x = xcalloc(a + 1, sizeof *x), *y = xcalloc(b + 1, sizeof *y);
	size_t sa = 0, sb = 0;
	int min = a == 1 && b == 1 ? PAIR_MIN_ALONE : PAIR_MIN;

	for (size_t i = 0; i < a; i++)
		pair[i] = -1;
	if (a == 0 || b == 0)
		goto done; /* nothing to pair: no need for the bags */
	for (size_t i = 0; i < a; i++) {
		x[i].h = word_bag(&ob[dl[i]], &x[i].n);
		sa += x[i].n;
	}
	for (size_t j = 0; j < b; j++) {
		y[j].h = word_bag(&nb[il[j]], &y[j].n);
		sb += y[j].n;
	}

	double cost = (double)b * (double)sa + (double)a * (double)sb;
	if ((double)a * (double)b <= PAIR_DP_CELLS && cost <= (double)c->budget) {
		c->budget -= (long)cost;
		long *score = xcalloc((a + 1) * (b + 1), sizeof *score);
#define S(i, j) score[(i) * (b + 1) + (j)]
		for (size_t i = 1; i <= a; i++) {
			for (size_t j = 1; j <= b; j++) {
				int s = similarity(&x[i - 1], &y[j - 1]);
				long best = S(i - 1, j) > S(i, j - 1) ? S(i - 1, j)
								     : S(i, j - 1);
				if (s >= min && S(i - 1, j - 1) + s > best)
					best = S(i - 1, j - 1) + s;
				S(i, j) = best;
			}
		}
		for (size_t i = a, j = b; i > 0 && j > 0;) {
			/* on ties, pair as early as possible */
			if (S(i, j) == S(i, j - 1)) {
				j--;
			} else if (S(i, j) == S(i - 1, j)) {
				i--;
			} else {
				pair[i - 1] = (long)(j - 1);
				i--, j--;
			}
		}
#undef S
		free(score);
	} else {
		c->budget -= (long)(sa + sb);
		for (size_t i = 0; i < a && i < b; i++)
			if (similarity(&x[i], &y[i]) >= min)
				pair[i] = (long)i;
	}
done:
	for (size_t i = 0; i < a; i++)
		free(x[i].h);
	for (size_t j = 0; j < b; j++)
		free(y[j].h);
	free(x);
	free(y);
}

/* ---- the body diff ---------------------------------------------------- */

enum item_kind { IT_SAME, IT_DEL, IT_INS, IT_EDIT, IT_MOVED_FROM, IT_MOVED_TO, IT_SPLIT, IT_JOIN };

/* One line of the account, in reading order; a and b index the old and
 * new blocks, partner the other end of a move, or for a split (one old
 * block, the new blocks b..) or a join (the old blocks a.., one new
 * block) how many blocks it became or was made of. */
struct item {
	enum item_kind kind;
	size_t a, b, partner;
};

struct items {
	struct item *v;
	size_t n, cap;
};

static void items_push(struct items *it, enum item_kind kind, size_t a, size_t b)
{
	if (it->n == it->cap) {
		it->cap = it->cap ? it->cap * 2 : 16;
		it->v = xrealloc(it->v, it->cap * sizeof *it->v);
	}
	it->v[it->n++] = (struct item){ kind, a, b, 0 };
}

/* A removed or added block, for finding blocks that moved unchanged. */
struct loose {
	const struct tok *t;
	size_t item;
};

static int cmp_loose(const void *x, const void *y)
{
	const struct loose *p = x, *q = y;
	if (p->t->h != q->t->h)
		return p->t->h < q->t->h ? -1 : 1;
	if (p->t->len != q->t->len)
		return p->t->len < q->t->len ? -1 : 1;
	int r = memcmp(p->t->s, q->t->s, p->t->len);
	if (r)
		return r;
	return p->item < q->item ? -1 : p->item > q->item;
}

static int loose_text_cmp(const struct tok *t, const struct loose *q)
{
	if (t->h != q->t->h)
		return t->h < q->t->h ? -1 : 1;
	if (t->len != q->t->len)
		return t->len < q->t->len ? -1 : 1;
	return memcmp(t->s, q->t->s, t->len);
}

/* Turns each added block that is an exact copy of a removed block into
 * the two ends of a move (first removed copy first). */
static void find_moves(struct items *it, const struct tok *ob, const struct tok *nb)
{
	struct loose *dels = xmalloc((it->n + 1) * sizeof *dels);
	size_t nd = 0;
	for (size_t i = 0; i < it->n; i++)
		if (it->v[i].kind == IT_DEL)
			dels[nd++] = (struct loose){ &ob[it->v[i].a], i };
	if (nd == 0)
		goto done;
	qsort(dels, nd, sizeof *dels, cmp_loose);
	/* used[g] counts the copies taken from the run of equal texts at g */
	size_t *used = xcalloc(nd, sizeof *used);
	for (size_t i = 0; i < it->n; i++) {
		if (it->v[i].kind != IT_INS)
			continue;
		const struct tok *t = &nb[it->v[i].b];
		size_t lo = 0, hi = nd;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (loose_text_cmp(t, &dels[mid]) > 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == nd || loose_text_cmp(t, &dels[lo]) != 0)
			continue;
		size_t g = lo, k = g + used[g];
		if (k >= nd || loose_text_cmp(t, &dels[k]) != 0)
			continue;
		used[g]++;
		struct item *from = &it->v[dels[k].item];
		from->kind = IT_MOVED_FROM;
		from->partner = i;
		it->v[i].kind = IT_MOVED_TO;
		it->v[i].partner = dels[k].item;
	}
	free(used);
done:
	free(dels);
}

/* Whether the words of blocks x[0..nx) read as those of y[0..ny), one
 * after another (spacing and line breaks aside). */
static int same_words_joined(const struct tok *x, size_t nx, const struct tok *y, size_t ny)
{
	struct toks a = { 0 }, b = { 0 };
	size_t lead;
	for (size_t i = 0; i < nx; i++)
		split_words(x[i].s, x[i].len, &a, &lead);
	for (size_t i = 0; i < ny; i++)
		split_words(y[i].s, y[i].len, &b, &lead);
	int same = a.n == b.n && a.n > 0;
	for (size_t i = 0; same && i < a.n; i++)
		same = tok_eq(&a.v[i], &b.v[i]);
	free(a.v);
	free(b.v);
	return same;
}

/* A paragraph divided in more blocks than this is no longer one. */
#define SPLIT_MAX 8

/* Whether the source blocks v[0..n) are plain paragraphs: a heading, a
 * list item, a quote, a table or code divided or joined changes what it
 * is, not only where a paragraph breaks. */
static int plain_paragraphs(const struct tok *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = v[i].s, *e = s + v[i].len;
		s += skip_blanks(s, e);
		if (v[i].heading || s == e || strchr("#>-*+|`~<", *s) || list_item(s, e))
			return 0;
	}
	return 1;
}

/* A hunk that only divides a paragraph (one block removed, the blocks
 * added reading as it did) or joins paragraphs (the other way round) is
 * one item, not a paragraph deleted and others added: an editor who
 * broke a long paragraph in two changed no word of it.  os and ns are
 * the source blocks, for what kind each is.  Each hunk is looked at once,
 * and only a small one: the test reads its words. */
static void find_splits(struct items *it, const struct tok *ob, const struct tok *nb, const struct tok *os,
			const struct tok *ns)
{
	struct items res = { 0 };
	for (size_t h = 0; h < it->n;) {
		size_t mid = h, end;
		while (mid < it->n && it->v[mid].kind == IT_DEL)
			mid++;
		end = mid;
		while (end < it->n && it->v[end].kind == IT_INS)
			end++;
		size_t a = mid - h, b = end - mid;
		if (end == h) {
			items_push(&res, it->v[h].kind, it->v[h].a, it->v[h].b);
			res.v[res.n - 1].partner = it->v[h].partner;
			h++;
			continue;
		}
		if (a == 0 || b == 0 || (a > 1 && b > 1) || a + b < 3 || a + b > SPLIT_MAX + 1 ||
		    !plain_paragraphs(&os[it->v[h].a], a) || !plain_paragraphs(&ns[it->v[mid].b], b) ||
		    !same_words_joined(&ob[it->v[h].a], a, &nb[it->v[mid].b], b)) {
			for (; h < end; h++) {
				items_push(&res, it->v[h].kind, it->v[h].a, it->v[h].b);
				res.v[res.n - 1].partner = it->v[h].partner;
			}
			continue;
		}
		items_push(&res, a == 1 ? IT_SPLIT : IT_JOIN, it->v[h].a, it->v[mid].b);
		res.v[res.n - 1].partner = a == 1 ? b : a;
		h = end;
	}
	free(it->v);
	*it = res;
}

/* Within each hunk (removed blocks followed by added ones), turns removed
 * and added blocks that are edits of each other into one edited block at
 * the place of the added one, keeping moves' partners pointing right. */
static void pair_hunks(struct ctx *c, struct items *it, const struct tok *ob,
		       const struct tok *nb)
{
	struct items res = { 0 };
	size_t *newpos = xmalloc((it->n + 1) * sizeof *newpos);
	size_t *dl = xmalloc((it->n + 1) * sizeof *dl);
	size_t *il = xmalloc((it->n + 1) * sizeof *il);
	size_t *dpos = xmalloc((it->n + 1) * sizeof *dpos);
	size_t *ipos = xmalloc((it->n + 1) * sizeof *ipos);
	long *pair = xmalloc((it->n + 1) * sizeof *pair);

	for (size_t h = 0; h < it->n;) {
		enum item_kind kind = it->v[h].kind;
		if (kind == IT_SAME || kind == IT_SPLIT || kind == IT_JOIN) {
			newpos[h] = res.n;
			items_push(&res, kind, it->v[h].a, it->v[h].b);
			res.v[res.n - 1].partner = it->v[h].partner;
			h++;
			continue;
		}
		size_t mid = h, end, a = 0, b = 0;
		while (mid < it->n && (it->v[mid].kind == IT_DEL ||
				       it->v[mid].kind == IT_MOVED_FROM))
			mid++;
		end = mid;
		while (end < it->n && (it->v[end].kind == IT_INS ||
				       it->v[end].kind == IT_MOVED_TO))
			end++;
		for (size_t k = h; k < mid; k++)
			if (it->v[k].kind == IT_DEL)
				dpos[a] = k, dl[a++] = it->v[k].a;
		for (size_t k = mid; k < end; k++)
			if (it->v[k].kind == IT_INS)
				ipos[b] = k, il[b++] = it->v[k].b;
		pair_blocks(c, ob, dl, a, nb, il, b, pair);

		size_t pd = h, pi = mid;
		for (size_t i = 0; i <= a; i++) {
			size_t dstop = mid, istop = end;
			if (i < a) {
				if (pair[i] < 0)
					continue;
				dstop = dpos[i];
				istop = ipos[pair[i]];
			}
			for (; pd < dstop; pd++) {
				newpos[pd] = res.n;
				items_push(&res, it->v[pd].kind, it->v[pd].a, 0);
				res.v[res.n - 1].partner = it->v[pd].partner;
			}
			for (; pi < istop; pi++) {
				newpos[pi] = res.n;
				items_push(&res, it->v[pi].kind, 0, it->v[pi].b);
				res.v[res.n - 1].partner = it->v[pi].partner;
			}
			if (i < a) {
				newpos[pd] = newpos[pi] = res.n;
				items_push(&res, IT_EDIT, it->v[pd].a, it->v[pi].b);
				pd++, pi++;
			}
		}
		h = end;
	}
	for (size_t k = 0; k < res.n; k++)
		if (res.v[k].kind == IT_MOVED_FROM || res.v[k].kind == IT_MOVED_TO)
			res.v[k].partner = newpos[res.v[k].partner];
	free(it->v);
	*it = res;
	free(newpos);
	free(dl);
	free(il);
	free(dpos);
	free(ipos);
	free(pair);
}

static void put_excerpt(struct buf *out, const struct tok *blk)
{
	size_t words = 0, i = 0, n = blk->len;
	const char *s = blk->s;
	while (i < n && is_space(s[i]))
		i++;
	size_t from = i, end = i;
	while (i < n && words < EXCERPT_WORDS) {
		while (i < n && !is_space(s[i]))
			i++;
		end = i;
		words++;
		while (i < n && is_space(s[i]))
			i++;
	}
	int cut = end < n;
	if (end - from > EXCERPT_BYTES) {
		end = from + EXCERPT_BYTES;
		while (end > from && ((unsigned char)s[end] & 0xC0) == 0x80)
			end--;
		cut = 1;
	}
	buf_puts(out, "\xE2\x80\x9C");
	put_text(out, s + from, end - from);
	if (cut)
		buf_puts(out, "\xE2\x80\xA6");
	buf_puts(out, "\xE2\x80\x9D");
}

/* Block b's Markdown without its HTML comments (in a quote, a list item,
 * a block of raw HTML), as a token of out's text. */
static struct tok without_comments(const struct tok *b, struct buf *out)
{
	struct html_ends he = { SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX };
	size_t from = 0, t;
	buf_reset(out);
	for (size_t i = 0; i < b->len; i++)
		if (b->s[i] == '<' && i + 3 < b->len && !memcmp(b->s + i, "<!--", 4) &&
		    (t = html_inline_end(b->s, i, b->len, &he)) != 0) {
			buf_put(out, b->s + from, i - from);
			from = t;
			i = t - 1;
		}
	buf_put(out, b->s + from, b->len - from);
	return (struct tok){ .s = buf_cstr(out), .len = out->len };
}

/* Whether two blocks differ only in their HTML comments, which readers
 * do not see (spacing aside). */
static int same_but_comments(const struct tok *a, const struct tok *b)
{
	if (!memmem(a->s, a->len, "<!--", 4) && !memmem(b->s, b->len, "<!--", 4))
		return 0;
	struct buf x = BUF_INIT, y = BUF_INIT;
	struct tok ta = without_comments(a, &x), tb = without_comments(b, &y);
	int same = same_words(&ta, &tb);
	buf_free(&x);
	buf_free(&y);
	return same;
}

/* Block b's links' addresses (see readable_inline); *n their number. */
static void block_addresses(const struct tok *b, struct buf *addrs, size_t *n)
{
	struct buf line = BUF_INIT, text = BUF_INIT;
	readable_lines(b->s, b->len, &line);
	readable_inline(buf_cstr(&line), line.len, &text, addrs, NULL);
	*n = 0;
	for (size_t i = 0; i < addrs->len; i++)
		*n += addrs->ptr[i] == '\0';
	buf_free(&line);
	buf_free(&text);
}

/* What changed in a block that reads the same: which link now leads
 * elsewhere ("from <code>old</code> to <code>new</code>"), else that a
 * link came or went, else the formatting. */
static void note_format(struct buf *out, const struct tok *ob, const struct tok *nb)
{
	struct buf oa = BUF_INIT, na = BUF_INIT;
	size_t on, nn;
	block_addresses(ob, &oa, &on);
	block_addresses(nb, &na, &nn);
	buf_puts(out, "<p class=\"diff-note\">");
	if (on != nn) {
		buf_puts(out, nn > on ? "A link was added here." : "A link was taken out here.");
	} else {
		size_t changed = 0;
		for (const char *a = buf_cstr(&oa), *b = buf_cstr(&na), *end = a + oa.len; a < end;
		     a += strlen(a) + 1, b += strlen(b) + 1) {
			if (!strcmp(a, b))
				continue;
			buf_puts(out, changed++ ? "; from <code>" : "A link\xE2\x80\x99s address changed here: from <code>");
			put_text(out, a, strlen(a));
			buf_puts(out, "</code> to <code>");
			put_text(out, b, strlen(b));
			buf_puts(out, "</code>");
		}
		buf_puts(out, changed ? "." : "The formatting changed here.");
	}
	buf_puts(out, "</p>");
	buf_free(&oa);
	buf_free(&na);
}

static void flush_skip(struct buf *out, size_t *pending)
{
	if (*pending == 0)
		return;
	if (*pending == 1) {
		buf_puts(out, "<p class=\"diff-skip\">\xE2\x80\xA6 1 unchanged paragraph \xE2\x80\xA6</p>\n");
	} else {
		buf_puts(out, "<p class=\"diff-skip\">\xE2\x80\xA6 ");
		buf_put_dec(out, *pending);
		buf_puts(out, " unchanged paragraphs \xE2\x80\xA6</p>\n");
	}
	*pending = 0;
}

/* <div class="diff-block CLS"> (a heading's with diff-heading, so it
 * reads as one without its # marks) */
static void open_block(struct buf *out, const struct tok *blk, const char *cls)
{
	/* (appended piece by piece: a diff has many, and printf is slow) */
	buf_puts(out, "<div class=\"diff-block");
	if (blk->heading)
		buf_puts(out, " diff-heading");
	if (*cls) {
		buf_putc(out, ' ');
		buf_puts(out, cls);
	}
	buf_puts(out, "\">");
}

/* How many columns block b has as a table (by its rule line, the second),
 * 0 when it is no table. */
static size_t table_columns(const struct tok *b)
{
	const char *end = b->s + b->len, *nl = memchr(b->s, '\n', b->len);
	if (!nl || !memchr(b->s, '|', (size_t)(nl - b->s)))
		return 0;
	const char *r = nl + 1, *re = memchr(r, '\n', (size_t)(end - r));
	re = re ? re : end;
	if (!table_rule(r, re))
		return 0;
	r += skip_blanks(r, re);
	while (re > r && is_blank(re[-1]))
		re--;
	size_t bars = 0;
	for (const char *q = r; q < re; q++)
		bars += *q == '|';
	/* "| a | b |" has three bars and two columns, "a | b" one bar */
	return bars + 1 - (*r == '|') - (re > r && re[-1] == '|');
}

static void put_whole(struct buf *out, const char *cls, const char *tag,
		      const struct tok *blk)
{
	open_block(out, blk, cls);
	buf_puts(out, "<");
	buf_puts(out, tag);
	buf_putc(out, '>');
	put_text(out, blk->s, blk->len);
	buf_puts(out, "</");
	buf_puts(out, tag);
	buf_puts(out, "></div>\n");
}

static const char NO_CHANGE[] = "<p class=\"diff-none\">No change to the text.</p>\n";

void revdiff_body(const char *old_md, const char *new_md, int raw_html, struct buf *out)
{
	revdiff_body_read(old_md, new_md, raw_html, NULL, NULL, out);
}

void revdiff_body_read(const char *old_md, const char *new_md, int raw_html, const struct revdiff_wiki *was,
		       const struct revdiff_wiki *now, struct buf *out)
{
	struct buf na = BUF_INIT, nb = BUF_INIT, tmp = BUF_INIT, da = BUF_INIT, db = BUF_INIT;
	struct toks A = { 0 }, B = { 0 }, As = { 0 }, Bs = { 0 };
	struct items it = { 0 };
	struct ctx c = { NULL, 0, WORK_BUDGET };
	unsigned char *ka = NULL, *kb = NULL;
	size_t pending = 0;
	int shown = 0;

	normalize(old_md, &tmp);
	numbered_html(&tmp, raw_html, &na);
	normalize(new_md, &tmp);
	numbered_html(&tmp, raw_html, &nb);
	if (na.len == nb.len && memcmp(buf_cstr(&na), buf_cstr(&nb), na.len) == 0) {
		buf_puts(out, NO_CHANGE);
		goto done;
	}
	split_blocks(buf_cstr(&na), na.len, &As);
	split_blocks(buf_cstr(&nb), nb.len, &Bs);
	readable_blocks(&As, &da, &A, NULL, NULL, was);
	/* (a paragraph written the same reads the same: a link's article
	 * retitled between the two is no change of this revision's) */
	readable_blocks(&Bs, &db, &B, &As, &A, now);
	ka = xcalloc(A.n + 1, 1);
	kb = xcalloc(B.n + 1, 1);
	lcs(&c, A.v, A.n, B.v, B.n, ka, kb);

	for (size_t i = 0, j = 0; i < A.n || j < B.n;) {
		if (i < A.n && j < B.n && ka[i] && kb[j]) {
			items_push(&it, IT_SAME, i++, j++);
			continue;
		}
		size_t i0 = i, j0 = j;
		while (i < A.n && !ka[i])
			i++;
		while (j < B.n && !kb[j])
			j++;
		/* removed first, then added; pairing below merges edits */
		for (size_t k = i0; k < i; k++)
			items_push(&it, IT_DEL, k, 0);
		for (size_t k = j0; k < j; k++)
			items_push(&it, IT_INS, 0, k);
	}
	find_splits(&it, A.v, B.v, As.v, Bs.v);
	find_moves(&it, A.v, B.v);
	pair_hunks(&c, &it, A.v, B.v);

	for (size_t k = 0; k < it.n; k++) {
		const struct item *x = &it.v[k];
		switch (x->kind) {
		case IT_SAME:
			/* (most are the very same Markdown: no need to look) */
			if (tok_eq(&As.v[x->a], &Bs.v[x->b]) ||
			    (same_words(&As.v[x->a], &Bs.v[x->b]) &&
			     indented_code(&As, x->a) == indented_code(&Bs, x->b)) ||
			    same_but_comments(&As.v[x->a], &Bs.v[x->b])) {
				pending++;
				continue;
			}
			/* the same reading, but a link's address or the marks changed */
			flush_skip(out, &pending);
			open_block(out, &B.v[x->b], "diff-format");
			note_format(out, &As.v[x->a], &Bs.v[x->b]);
			put_text(out, B.v[x->b].s, B.v[x->b].len);
			buf_puts(out, "</div>\n");
			break;
		case IT_EDIT:
			if (table_columns(&As.v[x->a]) != table_columns(&Bs.v[x->b])) {
				/* a column added or taken out changes every row: the
				 * words of one table against the other do not read */
				flush_skip(out, &pending);
				put_whole(out, "diff-removed", "del", &A.v[x->a]);
				put_whole(out, "diff-added", "ins", &B.v[x->b]);
				break;
			}
			buf_reset(&tmp);
			if (!word_diff(&c, &A.v[x->a], &B.v[x->b], &tmp)) {
				if (indented_code(&As, x->a) == indented_code(&Bs, x->b)) {
					pending++;
					continue;
				}
				/* the same words, now shown as code, or no longer */
				flush_skip(out, &pending);
				open_block(out, &B.v[x->b], "diff-format");
				buf_puts(out, "<p class=\"diff-note\">The formatting changed here.</p>");
				put_text(out, B.v[x->b].s, B.v[x->b].len);
				buf_puts(out, "</div>\n");
				break;
			}
			flush_skip(out, &pending);
			open_block(out, &B.v[x->b], "");
			buf_put(out, buf_cstr(&tmp), tmp.len);
			buf_puts(out, "</div>\n");
			break;
		case IT_DEL:
			flush_skip(out, &pending);
			put_whole(out, "diff-removed", "del", &A.v[x->a]);
			break;
		case IT_INS:
			flush_skip(out, &pending);
			put_whole(out, "diff-added", "ins", &B.v[x->b]);
			break;
		case IT_MOVED_FROM:
			flush_skip(out, &pending);
			buf_puts(out, "<div class=\"diff-block diff-moved-from\"><p class=\"diff-note\">The paragraph ");
			put_excerpt(out, &A.v[x->a]);
			buf_printf(out, " moved from here to further %s.</p></div>\n",
				   x->partner > k ? "down" : "up");
			break;
		case IT_SPLIT:
			flush_skip(out, &pending);
			open_block(out, &B.v[x->b], "diff-split");
			buf_printf(out, "<p class=\"diff-note\">A paragraph was divided into %zu here; "
				   "no word of it changed.</p>", x->partner);
			for (size_t j = 0; j < x->partner; j++) {
				buf_puts(out, "<p>");
				put_text(out, B.v[x->b + j].s, B.v[x->b + j].len);
				buf_puts(out, "</p>");
			}
			buf_puts(out, "</div>\n");
			break;
		case IT_JOIN:
			flush_skip(out, &pending);
			open_block(out, &B.v[x->b], "diff-join");
			buf_printf(out, "<p class=\"diff-note\">%zu paragraphs were joined into one here; "
				   "no word of them changed.</p>", x->partner);
			put_text(out, B.v[x->b].s, B.v[x->b].len);
			buf_puts(out, "</div>\n");
			break;
		case IT_MOVED_TO:
			flush_skip(out, &pending);
			open_block(out, &B.v[x->b], "diff-moved");
			buf_printf(out, "<p class=\"diff-note\">Moved here from further %s.</p>",
				   x->partner < k ? "up" : "down");
			put_text(out, B.v[x->b].s, B.v[x->b].len);
			buf_puts(out, "</div>\n");
			break;
		}
		shown = 1;
	}
	if (shown)
		flush_skip(out, &pending);
	else if (same_but_spacing(buf_cstr(&na), na.len, buf_cstr(&nb), nb.len))
		buf_puts(out, "<p class=\"diff-none\">Only spacing or line breaks changed.</p>\n");
	else
		buf_puts(out, "<p class=\"diff-none\">Only what readers do not see changed: an HTML comment, or "
			      "markup the page leaves out.</p>\n");

done:
	buf_free(&tmp);
	buf_free(&na);
	buf_free(&nb);
	buf_free(&da);
	buf_free(&db);
	free(A.v);
	free(B.v);
	free(As.v);
	free(Bs.v);
	free(it.v);
	free(ka);
	free(kb);
	free(c.v);
}

int revdiff_changed(const char *old_md, const char *new_md)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	normalize(old_md, &a);
	normalize(new_md, &b);
	int changed = a.len != b.len ||
		      memcmp(buf_cstr(&a), buf_cstr(&b), a.len) != 0;
	buf_free(&a);
	buf_free(&b);
	return changed;
}

/* ---- front matter ------------------------------------------------------ */

#define LQ "\xE2\x80\x9C" /* “ */
#define RQ "\xE2\x80\x9D" /* ” */
#define LS "\xE2\x80\x98" /* ‘ */
#define RS "\xE2\x80\x99" /* ’ */

static int is_scalar(const json_t *v)
{
	return json_is_string(v) || json_is_number(v) || json_is_boolean(v) ||
	       json_is_null(v);
}

/* Appends a value as a reader sees it: strings in curly quotes (quote set
 * by q), numbers and booleans bare, anything else as compact JSON. */
static void put_value(struct buf *out, const json_t *v, const char *lq,
		      const char *rq)
{
	if (json_is_string(v)) {
		buf_puts(out, lq);
		put_text(out, json_string_value(v), json_string_length(v));
		buf_puts(out, rq);
		return;
	}
	struct buf s = BUF_INIT;
	if (buf_put_json(&s, v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15)) == 0)
		put_cstr(out, buf_cstr(&s));
	buf_free(&s);
}

static int is_short(const json_t *v)
{
	if (json_is_string(v))
		return json_string_length(v) <= SCALAR_SHORT &&
		       !memchr(json_string_value(v), '\n', json_string_length(v));
	return is_scalar(v);
}

/* A title or summary: always shown in full, it is what readers know the
 * article by. */
/* A note ends with a full stop, unless the text quoted last ends it: no
 * 'Summary added: "How much leave you get.".' */
static void end_note(struct buf *out, const json_t *last)
{
	const char *t = json_string_value(last);
	size_t n = t ? strlen(t) : 0;
	if (n && (t[n - 1] == '.' || t[n - 1] == '!' || t[n - 1] == '?'))
		buf_puts(out, "</li>\n");
	else
		buf_puts(out, ".</li>\n");
}

static void note_text_key(struct buf *out, const char *name, json_t *o,
			  json_t *n)
{
	if (!o && !n)
		return;
	if (o && n && json_equal(o, n))
		return;
	buf_printf(out, "<li>%s ", name);
	if (o && n) {
		buf_puts(out, "changed from ");
		put_value(out, o, LQ, RQ);
		buf_puts(out, " to ");
		put_value(out, n, LQ, RQ);
	} else if (n) {
		buf_puts(out, "added: ");
		put_value(out, n, LQ, RQ);
	} else {
		buf_puts(out, "removed (was ");
		put_value(out, o, LQ, RQ);
		buf_puts(out, ").</li>\n");
		return;
	}
	end_note(out, n);
}

/* Items of a list value: an array of scalars, a lone scalar as a list of
 * one, NULL as empty.  Returns 0 for anything else. */
static int list_items(json_t *v, json_t ***items, size_t *n)
{
	*items = NULL;
	*n = 0;
	if (!v)
		return 1;
	if (is_scalar(v) && !json_is_null(v)) {
		*items = xmalloc(sizeof **items);
		(*items)[0] = v;
		*n = 1;
		return 1;
	}
	if (!json_is_array(v))
		return 0;
	*items = xmalloc((json_array_size(v) + 1) * sizeof **items);
	for (size_t i = 0; i < json_array_size(v); i++) {
		json_t *e = json_array_get(v, i);
		if (!is_scalar(e)) {
			free(*items);
			*items = NULL;
			return 0;
		}
		(*items)[(*n)++] = e;
	}
	return 1;
}

static int list_has(json_t **items, size_t n, size_t upto, json_t *v)
{
	for (size_t i = 0; i < n && i < upto; i++)
		if (json_equal(items[i], v))
			return 1;
	return 0;
}

/* Notes items added to and removed from a list key.  Returns 0 when the
 * values are not lists of scalars (or too long to compare item by item),
 * so the caller falls back to a generic note. */
static int note_list(struct buf *out, const char *key, int is_tags, json_t *o,
		     json_t *n)
{
	json_t **ov = NULL, **nv = NULL;
	size_t on, nn;
	int ok = 0, any = 0;
	if (!list_items(o, &ov, &on) || !list_items(n, &nv, &nn))
		goto fail;
	if ((double)on * (double)nn > 1e6)
		goto fail;
	for (int pass = 0; pass < 2; pass++) {
		json_t **from = pass ? ov : nv, **other = pass ? nv : ov;
		size_t fn = pass ? on : nn, otn = pass ? nn : on;
		for (size_t i = 0; i < fn; i++) {
			if (list_has(other, otn, otn, from[i]) ||
			    list_has(from, fn, i, from[i]))
				continue;
			any = 1;
			if (is_tags) {
				buf_puts(out, "<li>Tag ");
				put_value(out, from[i], LS, RS);
				buf_puts(out, pass ? " removed.</li>\n" : " added.</li>\n");
			} else {
				buf_puts(out, "<li>");
				put_value(out, from[i], LS, RS);
				buf_puts(out, pass ? " removed from " : " added to ");
				buf_puts(out, LS);
				put_cstr(out, key);
				buf_puts(out, RS ".</li>\n");
			}
		}
	}
	if (!any) {
		buf_puts(out, "<li>");
		if (is_tags) {
			buf_puts(out, "Order of the tags changed.");
		} else {
			buf_puts(out, "Order of " LS);
			put_cstr(out, key);
			buf_puts(out, RS " changed.");
		}
		buf_puts(out, "</li>\n");
	}
	ok = 1;
fail:
	free(ov);
	free(nv);
	return ok;
}

static void note_other(struct buf *out, const char *key, json_t *o, json_t *n)
{
	if (o && n && json_equal(o, n))
		return;
	if (o && n && (json_is_array(o) || json_is_array(n)) &&
	    note_list(out, key, 0, o, n))
		return;
	buf_puts(out, "<li>" LS);
	put_cstr(out, key);
	buf_puts(out, RS);
	if (o && n) {
		buf_puts(out, " changed");
		if (is_short(o) && is_short(n)) {
			buf_puts(out, " from ");
			put_value(out, o, LQ, RQ);
			buf_puts(out, " to ");
			put_value(out, n, LQ, RQ);
			end_note(out, n);
			return;
		}
	} else if (n) {
		buf_puts(out, " added");
		if (is_short(n)) {
			buf_puts(out, ": ");
			put_value(out, n, LQ, RQ);
			end_note(out, n);
			return;
		}
	} else {
		buf_puts(out, " removed");
		if (is_short(o)) {
			buf_puts(out, " (was ");
			put_value(out, o, LQ, RQ);
			buf_putc(out, ')');
		}
	}
	buf_puts(out, ".</li>\n");
}

void revdiff_meta(json_t *old_fm, json_t *new_fm, struct buf *out)
{
	struct buf notes = BUF_INIT;
	json_t *o = json_is_object(old_fm) ? old_fm : NULL;
	json_t *n = json_is_object(new_fm) ? new_fm : NULL;
	size_t nk = 0;
	const char **keys = xmalloc((json_object_size(o) + json_object_size(n) + 1) *
				    sizeof *keys);
	const char *key;
	json_t *v;

	note_text_key(&notes, "Title", json_object_get(o, "title"),
		      json_object_get(n, "title"));
	note_text_key(&notes, "Summary", json_object_get(o, "summary"),
		      json_object_get(n, "summary"));
	json_t *ot = json_object_get(o, "tags"), *nt = json_object_get(n, "tags");
	if ((ot || nt) && !(ot && nt && json_equal(ot, nt)) &&
	    !note_list(&notes, "tags", 1, ot, nt))
		note_other(&notes, "tags", ot, nt);

	if (o)
		json_object_foreach(o, key, v)
			keys[nk++] = key;
	if (n)
		json_object_foreach(n, key, v)
			if (!json_object_get(o, key))
				keys[nk++] = key;
	qsort(keys, nk, sizeof *keys, str_cmp_sort);
	for (size_t i = 0; i < nk; i++) {
		/* how the site files it, not what it says: weight (the order
		 * in its section), template, aliases (old addresses), draft
		 * (a published version is never one) */
		if (!strcmp(keys[i], "title") || !strcmp(keys[i], "summary") ||
		    !strcmp(keys[i], "tags") || !strcmp(keys[i], "weight") || !strcmp(keys[i], "template") ||
		    !strcmp(keys[i], "aliases") || !strcmp(keys[i], "draft"))
			continue;
		note_other(&notes, keys[i], json_object_get(o, keys[i]),
			   json_object_get(n, keys[i]));
	}
	if (notes.len) {
		buf_puts(out, "<ul class=\"diff-meta\">\n");
		buf_put(out, notes.ptr, notes.len);
		buf_puts(out, "</ul>\n");
	}
	free(keys);
	buf_free(&notes);
}

/* ---- links that lead to other guidance --------------------------------- */

/* "HR policy", or "no article" ("no article yet" before: staff read
 * "led to no article" as a broken link, where the article it names was
 * only written later); with its address when both ends of the change
 * bear one title (two folders' "Policy"). */
static void put_end(struct buf *out, const char *title, const char *at, int same, int before)
{
	if (!title) {
		buf_puts(out, before ? "no article yet" : "no article");
		return;
	}
	put_cstr(out, title);
	if (same && at) {
		buf_puts(out, " (<code>");
		put_cstr(out, at);
		buf_puts(out, "</code>)");
	}
}

void revdiff_links(const char *body_html, const struct revdiff_link *v, size_t n, struct buf *out)
{
	if (!n) {
		buf_puts(out, body_html);
		return;
	}
	/* the text alone is no longer the whole change */
	int same_text = !strcmp(body_html, NO_CHANGE);
	buf_puts(out, "<p class=\"diff-links\">");
	if (same_text)
		buf_puts(out, "The text is the same; ");
	if (n == 1) {
		buf_puts(out, same_text ? "a link now leads" : "A link now leads");
	} else {
		buf_put_dec(out, n);
		buf_puts(out, " links now lead");
	}
	buf_puts(out, " to other guidance: ");
	for (size_t i = 0; i < n && i < REVDIFF_LINKS_SHOWN; i++) {
		int same = v[i].was && v[i].now && !strcmp(v[i].was, v[i].now);
		buf_puts(out, i ? "; " LQ : LQ);
		put_cstr(out, v[i].text);
		buf_puts(out, RQ " led to ");
		put_end(out, v[i].was, v[i].was_at, same, v[i].now != NULL);
		buf_puts(out, ", now to ");
		put_end(out, v[i].now, v[i].now_at, same, 0);
	}
	if (n > REVDIFF_LINKS_SHOWN) {
		buf_puts(out, "; and ");
		buf_put_dec(out, n - REVDIFF_LINKS_SHOWN);
		buf_puts(out, " more");
	}
	buf_puts(out, ".</p>\n");
	if (!same_text)
		buf_puts(out, body_html);
}
