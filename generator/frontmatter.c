/* frontmatter: front matter splitting and YAML → json_t. */
#include "frontmatter.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "buf.h"
#include "fsutil.h"
#include "near.h"

#define FM_MAX_DEPTH 32

/* A line is a fence when it is exactly "---" with optional trailing
 * spaces and CR. */
static int is_fence(const char *p, size_t n)
{
	if (n < 3 || memcmp(p, "---", 3) != 0)
		return 0;
	for (size_t i = 3; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

int fm_split(const char *text, size_t len, const char *path,
	     struct fm_parts *out, struct diag *d)
{
	size_t pos = 0;
	memset(out, 0, sizeof *out);
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	out->body_off = pos;
	out->body_line = 1;
	const char *nl = memchr(text + pos, '\n', len - pos);
	size_t first_len = (nl ? (size_t)(nl - text) : len) - pos;
	if (!is_fence(text + pos, first_len))
		return 0;
	if (!nl) {
		diag_error(d, path, 1, 1, "front matter is not closed: add a line '---' after it");
		return -1;
	}
	size_t line_start = (size_t)(nl - text) + 1;
	int line = 2;
	out->yaml_off = line_start;
	out->yaml_line = 2;
	while (line_start < len) {
		const char *e = memchr(text + line_start, '\n', len - line_start);
		size_t end = e ? (size_t)(e - text) : len;
		if (is_fence(text + line_start, end - line_start)) {
			out->has_fm = 1;
			out->yaml_len = line_start - out->yaml_off;
			out->body_off = e ? end + 1 : len;
			out->body_line = line + 1;
			return 0;
		}
		line_start = end + 1;
		line++;
	}
	diag_error(d, path, 1, 1, "front matter is not closed: add a line '---' after it");
	return -1;
}

struct yp {
	yaml_parser_t parser;
	const char *yaml; /* the text, to explain an error by */
	size_t len;
	const char *path;
	int line0;
	struct diag *d;
	int failed;
};

static void yp_error_at(struct yp *y, yaml_mark_t m, const char *msg, const char *detail)
{
	diag_error(y->d, y->path, (int)m.line + y->line0, (int)m.column + 1,
		   "%s%s%s", msg, detail ? ": " : "", detail ? detail : "");
	y->failed = 1;
}

/* ---- the text behind libyaml's marks -------------------------------- */

/* The length of the line break at s (n bytes left), 0 if none: libyaml
 * counts CR LF, LF, CR, and U+0085, U+2028 and U+2029 as line breaks. */
static size_t break_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] == '\r')
		return n > 1 && u[1] == '\n' ? 2 : 1;
	if (u[0] == '\n')
		return 1;
	if (n > 1 && u[0] == 0xC2 && u[1] == 0x85)
		return 2;
	if (n > 2 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9))
		return 3;
	return 0;
}

/* A line of text (its bytes, without the break), as a mark names it. */
struct line {
	const char *s;
	size_t n;
};

/* Line number `line` (0-based) of the len bytes at text; empty past the end. */
static struct line line_at(const char *text, size_t len, size_t line)
{
	size_t i = 0;
	for (size_t l = 0; l < line && i < len;) {
		size_t b = break_len(text + i, len - i);
		i += b ? b : 1;
		l += b != 0;
	}
	size_t e = i;
	while (e < len && !break_len(text + e, len - e))
		e++;
	return (struct line){ text + i, e - i };
}

/* The byte offset in l of character column col (UTF-8), at most l.n. */
static size_t col_at(struct line l, size_t col)
{
	size_t i = 0;
	for (; i < l.n && col; col--)
		for (i++; i < l.n && ((unsigned char)l.s[i] & 0xC0) == 0x80; i++)
			;
	return i;
}

/* The character column of byte offset at in l. */
static int col_of(struct line l, size_t at)
{
	int col = 0;
	for (size_t i = 0; i < at && i < l.n; i++)
		col += ((unsigned char)l.s[i] & 0xC0) != 0x80;
	return col;
}

/* The offset of the first ": " (or ':' ending the line) in l from `from`
 * up to `to`, or SIZE_MAX: where a key ends. */
static size_t key_colon(struct line l, size_t from, size_t to)
{
	for (size_t i = from; i < to && i < l.n; i++)
		if (l.s[i] == ':' && (i + 1 == l.n || l.s[i + 1] == ' ' || l.s[i + 1] == '\t'))
			return i;
	return SIZE_MAX;
}

/* s (n bytes) without the blanks around it. */
static struct line trimmed(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return (struct line){ s, n };
}

/* s (n bytes) in double quotes, with '"' and '\\' escaped, to b. */
static void put_quoted(struct buf *b, const char *s, size_t n)
{
	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			buf_putc(b, '\\');
		buf_putc(b, s[i]);
	}
	buf_putc(b, '"');
}

/* "key: "value"": the line l's key with its value (from `at`) quoted.
 * A new string. */
static char *quoted_line(struct line l, size_t colon, size_t at)
{
	struct buf b = BUF_INIT;
	struct line key = trimmed(l.s, colon), value = trimmed(l.s + at, l.n - at);
	buf_put(&b, key.s, key.n);
	buf_puts(&b, ": ");
	put_quoted(&b, value.s, value.n);
	return buf_detach(&b);
}

/* A line that starts with a key and a colon but no space after it
 * ("title:Leave"), which YAML takes for text, not a key: 1 and where its
 * colon is.  Only lines that start a key at their first column count: an
 * indented one may continue a value ("see http://..."). */
static int no_space_key(struct line l, size_t *colon)
{
	size_t i = 0;
	if (!l.n || !(isalpha((unsigned char)l.s[0]) || l.s[0] == '_'))
		return 0;
	while (i < l.n && (isalnum((unsigned char)l.s[i]) || l.s[i] == '_' || l.s[i] == '-'))
		i++;
	if (i + 1 >= l.n || l.s[i] != ':' || strchr(" \t:/", l.s[i + 1]))
		return 0;
	*colon = i;
	return 1;
}

/* Reports the first line up to `last` written "key:value", 1; else 0.
 * One pass over the text, however many lines it has. */
static int report_no_space(struct yp *y, size_t last)
{
	size_t i = 0;
	for (size_t n = 0; n <= last && i < y->len; n++) {
		size_t e = i, colon;
		while (e < y->len && !break_len(y->yaml + e, y->len - e))
			e++;
		struct line l = { y->yaml + i, e - i };
		if (no_space_key(l, &colon)) {
			diag_error(y->d, y->path, (int)n + y->line0, col_of(l, colon) + 1,
				   "put a space after the colon: %.*s: %.*s", (int)colon, l.s,
				   (int)(l.n - colon - 1), l.s + colon + 1);
			y->failed = 1;
			return 1;
		}
		i = e < y->len ? e + break_len(y->yaml + e, y->len - e) : e;
	}
	return 0;
}

/* ---- libyaml's errors in plain words -------------------------------- */

static void yp_say(struct yp *y, size_t line, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void yp_say(struct yp *y, size_t line, size_t col, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	diag_error(y->d, y->path, (int)line + y->line0, (int)col + 1, "%s", buf_cstr(&msg));
	buf_free(&msg);
	y->failed = 1;
}

/* "mapping values are not allowed": a ':' and a space inside a value.
 * After the line's own key, the value needs quotes ("title: Social media:
 * a guide"); as the line's first, the line is read as more of the value
 * above (indented, or after a line that is no key). */
static void explain_colon(struct yp *y, yaml_mark_t at)
{
	struct line l = line_at(y->yaml, y->len, at.line);
	size_t colon = col_at(l, at.column), indent = 0;
	while (indent < l.n && l.s[indent] == ' ')
		indent++;
	size_t key_end = key_colon(l, indent, colon);
	if (key_end != SIZE_MAX) {
		char *fix = quoted_line(l, key_end, key_end + 1);
		yp_say(y, at.line, at.column,
		       "the value of '%.*s' contains ': ', which YAML reads as another key: put the value in double "
		       "quotes: %s", (int)(key_end - indent), l.s + indent, fix);
		free(fix);
	} else if (indent) {
		struct line key = trimmed(l.s + indent, colon - indent);
		yp_say(y, at.line, indent,
		       "'%.*s' is indented, so YAML reads it as more of the value above: start it at the beginning "
		       "of the line", (int)key.n, key.s);
	} else {
		yp_say(y, at.line, at.column,
		       "YAML reads this line as more of the value above, so this ':' does not end a key: check the "
		       "line above");
	}
}

/* A quoted value or a [list] or {map} never closed: at where it opens. */
static int explain_unclosed(struct yp *y, const char *problem, const char *context)
{
	yaml_mark_t opened = y->parser.context_mark, at = y->parser.problem_mark;
	struct line l = line_at(y->yaml, y->len, opened.line);
	size_t o = col_at(l, opened.column);
	char c = o < l.n ? l.s[o] : '?';
	if (!strcmp(context, "while scanning a quoted scalar") && strstr(problem, "end of stream")) {
		yp_say(y, opened.line, opened.column, "the quote (%c) that opens here is never closed: end the value "
						   "with %c", c, c);
		return 1;
	}
	int seq = !strcmp(context, "while parsing a flow sequence"), map = !strcmp(context, "while parsing a flow mapping");
	char close = seq ? ']' : '}';
	if ((seq || map) && at.line > opened.line && !memchr(l.s + o, close, l.n - o)) {
		yp_say(y, opened.line, opened.column, "the %s opened with '%c' here is never closed: end it with '%c'",
		       seq ? "list" : "mapping", c, close);
		return 1;
	}
	return 0;
}

/* "found character that cannot start any token", tabs, escapes. */
static int explain_char(struct yp *y, const char *problem, const char *context)
{
	yaml_mark_t at = y->parser.problem_mark;
	struct line l = line_at(y->yaml, y->len, at.line);
	size_t i = col_at(l, at.column);
	if (strstr(problem, "tab") || (i < l.n && l.s[i] == '\t' && strstr(problem, "cannot start"))) {
		yp_say(y, at.line, at.column, "a tab: indent with spaces, not tabs");
		return 1;
	}
	if (strstr(problem, "cannot start") && i < l.n && (l.s[i] == '@' || l.s[i] == '`')) {
		size_t colon = key_colon(l, 0, i);
		char *fix = colon != SIZE_MAX ? quoted_line(l, colon, colon + 1) : NULL;
		yp_say(y, at.line, at.column, "a value cannot start with '%c': put it in quotes%s%s", l.s[i],
		       fix ? ": " : "", fix ? fix : "");
		free(fix);
		return 1;
	}
	if (!strcmp(context, "while parsing a quoted scalar")) {
		while (i > 0 && (i >= l.n || l.s[i] != '\\'))
			i--;
		yp_say(y, at.line, (size_t)col_of(l, i), "in double quotes '\\' starts an escape such as \\n: write "
							"'\\\\' for a backslash, or use single quotes");
		return 1;
	}
	return 0;
}

/* A "key: 'value'" line whose value holds the quote it is in: the
 * parts around the value, and the value between its quotes. */
struct quoted_parts {
	struct line key;   /* up to and with the colon */
	struct line inner; /* between the opening and the real closing quote */
	char quote;
};

/* l as quoted_parts, its value cut short by the quote at q ('It's here';
 * a comment may follow): 0, or -1 when the line is not so. */
static int split_quoted(struct line l, size_t q, struct quoted_parts *out)
{
	size_t indent = strspn(l.s, " "), colon = key_colon(l, indent < l.n ? indent : l.n, q), end = l.n;
	if (colon == SIZE_MAX)
		return -1;
	struct line v = trimmed(l.s + colon + 1, q - colon - 1);
	char c = l.s[q];
	for (size_t k = q + 1; k + 1 < l.n; k++)
		if ((l.s[k] == ' ' || l.s[k] == '\t') && l.s[k + 1] == '#') {
			end = k;
			break;
		}
	struct line rest = trimmed(l.s + q, end - q);
	if (!v.n || v.s[0] != c || rest.n < 2 || rest.s[rest.n - 1] != c)
		return -1;
	const char *e = rest.s + rest.n - 1;
	*out = (struct quoted_parts){ { l.s, colon + 1 }, { v.s + 1, (size_t)(e - v.s - 1) }, c };
	return 0;
}

/* The line with the value in its own quotes as YAML wants it: in single
 * quotes each apostrophe twice, in double quotes '"' as \".  With
 * other, in double quotes instead (for single quotes only).  New string. */
static char *quoted_fix(const struct quoted_parts *p, int other)
{
	struct buf b = BUF_INIT, text = BUF_INIT;
	const char *s = p->inner.s, *e = s + p->inner.n;
	char c = p->quote;
	for (; s < e; s++) {
		int pair = s + 1 < e && ((c == '\'' && *s == '\'' && s[1] == '\'') || (c == '"' && *s == '\\'));
		if (pair && other)
			buf_putc(&text, *s++); /* '' is one apostrophe */
		else if (pair)
			buf_put(&text, s++, 2); /* written right already */
		else if (*s == c && !other)
			buf_puts(&text, c == '"' ? "\\\"" : "''");
		else
			buf_putc(&text, *s);
	}
	buf_put(&b, p->key.s, p->key.n);
	buf_putc(&b, ' ');
	if (other) {
		put_quoted(&b, text.ptr, text.len);
	} else {
		buf_putc(&b, c);
		buf_put(&b, text.ptr, text.len);
		buf_putc(&b, c);
	}
	buf_free(&text);
	return buf_detach(&b);
}

/* "title: 'It's here'": the apostrophe closed the value, which the rest
 * of the line then follows.  1 after saying how to write it, else 0. */
static int explain_inner_quote(struct yp *y, struct line l, size_t q)
{
	struct quoted_parts p;
	if (split_quoted(l, q, &p) < 0)
		return 0;
	yaml_mark_t at = y->parser.problem_mark;
	char *fix = quoted_fix(&p, 0), *other = p.quote == '\'' ? quoted_fix(&p, 1) : NULL;
	if (other)
		yp_say(y, at.line, (size_t)col_of(l, q), "this apostrophe ends the value in single quotes: write it twice "
							 "inside them, %s, or use double quotes, %s", fix, other);
	else
		yp_say(y, at.line, (size_t)col_of(l, q), "this '\"' ends the value in double quotes: write it as \\\" "
							 "inside them: %s", fix);
	free(fix);
	free(other);
	return 1;
}

/* Text after a closing quote or bracket, or a line that is no key or
 * does not line up with the lines above. */
static int explain_stray(struct yp *y, const char *problem, const char *context)
{
	yaml_mark_t at = y->parser.problem_mark;
	if (!strcmp(problem, "could not find expected ':'")) {
		yaml_mark_t m = y->parser.context_mark;
		/* front matter starts below its '---' (site.yml has none) */
		yp_say(y, m.line, m.column, "this line is not 'key: value': add the key and ': '%s",
		       y->line0 > 1 ? ", or move the text below the closing '---'" : "");
		return 1;
	}
	int block = !strcmp(problem, "did not find expected key") && !strcmp(context, "while parsing a block mapping");
	if (!block && strncmp(problem, "did not find expected ','", 25))
		return 0;
	struct line l = line_at(y->yaml, y->len, at.line);
	size_t i = col_at(l, at.column);
	while (i > 0 && l.s[i - 1] == ' ')
		i--;
	char c = i > 0 ? l.s[i - 1] : 0;
	if ((c == '"' || c == '\'') && block && explain_inner_quote(y, l, i - 1))
		return 1;
	size_t colon = block ? key_colon(l, strspn(l.s, " "), i) : SIZE_MAX;
	char *fix = colon != SIZE_MAX ? quoted_line(l, colon, colon + 1) : NULL;
	int said = 1;
	if (c == '"' || c == '\'')
		yp_say(y, at.line, at.column, "text after the closing quote: put the whole value inside the quotes%s%s",
		       fix ? ": " : "", fix ? fix : "");
	else if (block && (c == ']' || c == '}'))
		yp_say(y, at.line, at.column, "text after the closing '%c': put it inside, or put the whole value in "
					      "quotes", c);
	else if (block)
		yp_say(y, at.line, at.column, "this line does not line up with the lines above it: keys start at "
					      "the beginning of a line, and a list's items under their key all as "
					      "far in");
	else
		said = 0;
	free(fix);
	return said;
}

/* Reports why libyaml stopped, in words an editor can act on, at the
 * place to fix; libyaml's own words only for what is not foreseen. */
static void explain_error(struct yp *y)
{
	const char *problem = y->parser.problem ? y->parser.problem : "syntax error";
	const char *context = y->parser.context ? y->parser.context : "";
	yaml_mark_t at = y->parser.problem_mark;
	if (y->yaml && (report_no_space(y, at.line) || explain_unclosed(y, problem, context) ||
			explain_char(y, problem, context) || explain_stray(y, problem, context)))
		return;
	if (y->yaml && !strcmp(problem, "mapping values are not allowed in this context"))
		explain_colon(y, at);
	else
		yp_error_at(y, at, "invalid YAML", problem);
}

/* Plain scalars take YAML 1.2 core-schema types; quoted ones stay strings. */
static json_t *scalar_value(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return json_stringn(s, n);
	if (n == 0 || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL"))
		return json_null();
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		return json_true();
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return json_false();
	if (strlen(s) == n) {
		char *end;
		errno = 0;
		long long v = strtoll(s, &end, 10);
		if (*end == '\0' && errno == 0 && (s[0] == '-' || s[0] == '+' || (s[0] >= '0' && s[0] <= '9')))
			return json_integer(v);
		errno = 0;
		double dv = strtod(s, &end);
		if (*end == '\0' && errno == 0 && isfinite(dv) &&
		    (s[0] == '-' || s[0] == '+' || s[0] == '.' || (s[0] >= '0' && s[0] <= '9')))
			return json_real(dv);
	}
	json_t *v = json_stringn(s, n);
	return v ? v : json_string("");
}

static int next_event(struct yp *y, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&y->parser, ev)) {
		explain_error(y);
		return -1;
	}
	return 0;
}

static json_t *parse_node(struct yp *y, yaml_event_t *ev, int depth);

static int check_tag(struct yp *y, const yaml_event_t *ev, const unsigned char *tag)
{
	(void)ev;
	if (!tag)
		return 0;
	const char *t = (const char *)tag;
	if (!strcmp(t, YAML_STR_TAG) || !strcmp(t, YAML_MAP_TAG) || !strcmp(t, YAML_SEQ_TAG) || !strcmp(t, "!"))
		return 0;
	yp_error_at(y, ev->start_mark, "custom YAML tags are not allowed", t);
	return -1;
}

static json_t *parse_seq(struct yp *y, int depth)
{
	json_t *arr = json_array();
	for (;;) {
		yaml_event_t ev;
		if (next_event(y, &ev) < 0)
			goto fail;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return arr;
		}
		json_t *v = parse_node(y, &ev, depth + 1);
		yaml_event_delete(&ev);
		if (!v)
			goto fail;
		json_array_append_new(arr, v);
	}
fail:
	json_decref(arr);
	return NULL;
}

static json_t *parse_map(struct yp *y, int depth)
{
	json_t *obj = json_object();
	json_t *lines = json_object(); /* key -> its line, for a duplicate's message */
	for (;;) {
		yaml_event_t kev;
		if (next_event(y, &kev) < 0)
			goto fail;
		if (kev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&kev);
			json_decref(lines);
			return obj;
		}
		if (kev.type != YAML_SCALAR_EVENT) {
			yp_error_at(y, kev.start_mark, "a key must be plain text", NULL);
			yaml_event_delete(&kev);
			goto fail;
		}
		if (check_tag(y, &kev, kev.data.scalar.tag) < 0) {
			yaml_event_delete(&kev);
			goto fail;
		}
		char *key = xstrndup((const char *)kev.data.scalar.value, kev.data.scalar.length);
		yaml_mark_t kmark = kev.start_mark;
		yaml_event_delete(&kev);
		yaml_event_t vev;
		if (next_event(y, &vev) < 0) {
			free(key);
			goto fail;
		}
		json_t *v = parse_node(y, &vev, depth + 1);
		yaml_event_delete(&vev);
		if (!v) {
			free(key);
			goto fail;
		}
		if (json_object_get(obj, key)) {
			char *first = xasprintf("'%s' is set on line %d already; keep one of the two",
						key, (int)json_integer_value(json_object_get(lines, key)));
			yp_error_at(y, kmark, "duplicate key", first);
			free(first);
			json_decref(v);
			free(key);
			continue;
		}
		json_object_set_new(obj, key, v);
		json_object_set_new(lines, key, json_integer((json_int_t)kmark.line + y->line0));
		free(key);
	}
fail:
	json_decref(lines);
	json_decref(obj);
	return NULL;
}

static json_t *parse_node(struct yp *y, yaml_event_t *ev, int depth)
{
	if (depth > FM_MAX_DEPTH) {
		yp_error_at(y, ev->start_mark, "YAML nested too deeply", NULL);
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (check_tag(y, ev, ev->data.scalar.tag) < 0)
			return NULL;
		return scalar_value(ev);
	case YAML_SEQUENCE_START_EVENT:
		if (check_tag(y, ev, ev->data.sequence_start.tag) < 0)
			return NULL;
		return parse_seq(y, depth);
	case YAML_MAPPING_START_EVENT:
		if (check_tag(y, ev, ev->data.mapping_start.tag) < 0)
			return NULL;
		return parse_map(y, depth);
	case YAML_ALIAS_EVENT:
		yp_error_at(y, ev->start_mark, "YAML aliases (*name) are not supported", NULL);
		return NULL;
	default:
		yp_error_at(y, ev->start_mark, "unexpected YAML structure", NULL);
		return NULL;
	}
}

json_t *fm_parse_yaml(const char *yaml, size_t len, const char *path,
		      int first_line, struct diag *d)
{
	struct yp y = { .yaml = yaml, .len = len, .path = path, .line0 = first_line, .d = d };
	json_t *root = NULL;
	yaml_event_t ev;
	int started = 0;

	if (memchr(yaml, '\0', len)) {
		diag_error(d, path, first_line, 1, "front matter contains a NUL byte");
		return NULL;
	}
	yaml_parser_initialize(&y.parser);
	yaml_parser_set_input_string(&y.parser, (const unsigned char *)yaml, len);
	for (;;) {
		if (next_event(&y, &ev) < 0)
			goto fail;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_STREAM_START_EVENT || ev.type == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			if (started++) {
				yp_error_at(&y, y.parser.mark, "only one YAML document is allowed", NULL);
				goto fail;
			}
			continue;
		}
		if (root) {
			yaml_event_delete(&ev);
			break;
		}
		root = parse_node(&y, &ev, 0);
		yaml_event_delete(&ev);
		if (!root)
			goto fail;
	}
	yaml_parser_delete(&y.parser);
	/* "title:Leave" alone is read as one piece of text */
	if (json_is_string(root))
		report_no_space(&y, SIZE_MAX);
	if (y.failed) {
		json_decref(root);
		return NULL;
	}
	if (!root || json_is_null(root)) {
		json_decref(root);
		return json_object();
	}
	return root;
fail:
	yaml_parser_delete(&y.parser);
	json_decref(root);
	return NULL;
}

int fm_key_line(const char *yaml, size_t len, int first_line, const char *key)
{
	size_t klen = strlen(key);
	int line = first_line;
	for (size_t i = 0; i < len;) {
		if (len - i > klen && memcmp(yaml + i, key, klen) == 0 &&
		    (yaml[i + klen] == ':' || yaml[i + klen] == ' '))
			return line;
		const char *nl = memchr(yaml + i, '\n', len - i);
		if (!nl)
			break;
		i = (size_t)(nl - yaml) + 1;
		line++;
	}
	return 0;
}

int fm_file_key_line(const char *site_dir, const char *src, const char *key)
{
	char *full = xasprintf("%s/%s", site_dir, src), *text = NULL;
	size_t len;
	struct fm_parts parts;
	struct diag *quiet = diag_new();
	int line = 0;
	if (fs_read_file(full, &text, &len) == 0 && fm_split(text, len, src, &parts, quiet) == 0 && parts.has_fm)
		line = fm_key_line(text + parts.yaml_off, parts.yaml_len, parts.yaml_line, key);
	diag_free(quiet);
	free(text);
	free(full);
	return line;
}

/* ---- values YAML did not read as text -------------------------------- */

/* What a plain scalar is read as when it is not text, or NULL. */
static const char *read_as(const yaml_event_t *ev)
{
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return NULL;
	json_t *v = scalar_value(ev);
	const char *as = NULL;
	if (json_is_number(v))
		as = "a number";
	else if (json_is_boolean(v))
		as = "yes or no";
	else if (json_is_null(v))
		as = "nothing";
	json_decref(v);
	return as;
}

/* Steps over the value after a key: its events up to its end.  0, or -1
 * when the YAML stops parsing. */
static int skip_value(yaml_parser_t *p)
{
	int depth = 0;
	do {
		yaml_event_t e;
		if (!yaml_parser_parse(p, &e))
			return -1;
		depth += e.type == YAML_SEQUENCE_START_EVENT || e.type == YAML_MAPPING_START_EVENT;
		depth -= e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_MAPPING_END_EVENT;
		int end = e.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&e);
		if (end)
			return -1;
	} while (depth > 0);
	return 0;
}

/* A scalar value with nothing but a comment after its key ("title: #1
 * rule"): the comment, as the text meant.  0 and out filled, or -1. */
static int comment_value(const char *yaml, size_t len, int first_line, const yaml_event_t *ev, const char *key,
			 struct fm_untext *out)
{
	struct line l = line_at(yaml, len, ev->start_mark.line);
	size_t at = col_at(l, ev->start_mark.column);
	while (at < l.n && (l.s[at] == ' ' || l.s[at] == '\t'))
		at++;
	if (ev->data.scalar.length || at >= l.n || l.s[at] != '#')
		return -1;
	struct line text = trimmed(l.s + at, l.n - at);
	struct buf fix = BUF_INIT;
	buf_printf(&fix, "%s: ", key);
	put_quoted(&fix, text.s, text.n);
	*out = (struct fm_untext){ (int)ev->start_mark.line + first_line, col_of(l, at) + 1, "a comment",
				   xstrndup(text.s, text.n), buf_detach(&fix) };
	return 0;
}

/* The list that starts after ev: each item as written, the first one not
 * read as text quoted, in out.  0, or -1 (every item is text, or an item
 * is no scalar). */
static int list_untext(yaml_parser_t *p, const yaml_event_t *start, int first_line, const char *key,
		       struct fm_untext *out)
{
	int flow = start->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE, found = 0, ok = 1;
	struct buf all = BUF_INIT;
	buf_printf(&all, "%s: [", key);
	for (int n = 0; ok; n++) {
		yaml_event_t e;
		if (!yaml_parser_parse(p, &e)) {
			ok = 0;
			break;
		}
		if (e.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&e);
			break;
		}
		ok = e.type == YAML_SCALAR_EVENT;
		const char *as = ok ? read_as(&e) : NULL;
		const char *v = ok ? (const char *)e.data.scalar.value : "";
		size_t vn = ok ? e.data.scalar.length : 0;
		buf_puts(&all, n ? ", " : "");
		if (ok && (as || e.data.scalar.style != YAML_PLAIN_SCALAR_STYLE))
			put_quoted(&all, v, vn);
		else
			buf_put(&all, v, vn);
		if (ok && as && !found++) {
			struct buf item = BUF_INIT;
			buf_puts(&item, "- ");
			put_quoted(&item, v, vn);
			*out = (struct fm_untext){ (int)e.start_mark.line + first_line, (int)e.start_mark.column + 1, as,
						   xstrndup(v, vn), buf_detach(&item) };
		}
		yaml_event_delete(&e);
	}
	buf_putc(&all, ']');
	if (found && flow) {
		free(out->fix);
		out->fix = buf_detach(&all);
	}
	buf_free(&all);
	if (found && !ok)
		fm_untext_free(out);
	return found && ok ? 0 : -1;
}

/* The value of key in the mapping being read: out filled as
 * fm_find_untext says.  0, or -1. */
static int value_untext(yaml_parser_t *p, const char *yaml, size_t len, int first_line, const char *key,
			struct fm_untext *out)
{
	yaml_event_t v;
	if (!yaml_parser_parse(p, &v))
		return -1;
	int rc = -1;
	if (v.type == YAML_SEQUENCE_START_EVENT) {
		rc = list_untext(p, &v, first_line, key, out);
	} else if (v.type == YAML_SCALAR_EVENT && comment_value(yaml, len, first_line, &v, key, out) == 0) {
		rc = 0;
	} else if (v.type == YAML_SCALAR_EVENT && read_as(&v) && v.data.scalar.length) {
		const char *s = (const char *)v.data.scalar.value;
		size_t n = v.data.scalar.length;
		struct buf fix = BUF_INIT;
		buf_printf(&fix, "%s: ", key);
		put_quoted(&fix, s, n);
		*out = (struct fm_untext){ (int)v.start_mark.line + first_line, (int)v.start_mark.column + 1,
					   read_as(&v), xstrndup(s, n), buf_detach(&fix) };
		rc = 0;
	}
	yaml_event_delete(&v);
	return rc;
}

int fm_find_untext(const char *yaml, size_t len, int first_line, const char *key, struct fm_untext *out)
{
	yaml_parser_t p;
	yaml_event_t e;
	int rc = -1, in_map = 0, done = 0;
	memset(out, 0, sizeof *out);
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)yaml, len);
	while (!done && yaml_parser_parse(&p, &e)) {
		if (!in_map) {
			/* up to the top-level mapping */
			in_map = e.type == YAML_MAPPING_START_EVENT;
			done = !in_map && e.type != YAML_STREAM_START_EVENT && e.type != YAML_DOCUMENT_START_EVENT;
		} else if (e.type != YAML_SCALAR_EVENT) {
			done = 1; /* the mapping's end, or a key that is no text */
		} else if (!strcmp((const char *)e.data.scalar.value, key)) {
			rc = value_untext(&p, yaml, len, first_line, key, out);
			done = 1;
		} else {
			done = skip_value(&p) < 0;
		}
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	return rc;
}

void fm_untext_free(struct fm_untext *u)
{
	free(u->text);
	free(u->fix);
	memset(u, 0, sizeof *u);
}

/* ---- misspelt keys ----------------------------------------------------- */

#define NEAR_MAX 32 /* longer keys are nobody's misspelling of ours */

/* Whether one of a and b is the other with "s" or "es" added. */
static int plural_of(const char *a, size_t n, const char *b, size_t m)
{
	if (n > m)
		return plural_of(b, m, a, n);
	return !memcmp(a, b, n) && ((m == n + 1 && b[n] == 's') || (m == n + 2 && !memcmp(b + n, "es", 2)));
}

const char *fm_near_key(const char *key, const char *const *known)
{
	char low[NEAR_MAX + 1];
	size_t n = strlen(key);
	/* (most keys are known ones: every source's are looked at on every
	 * build, so those take no edit distance) */
	for (size_t k = 0; known[k]; k++)
		if (!strcmp(key, known[k]))
			return NULL;
	if (n > NEAR_MAX)
		return NULL;
	for (size_t i = 0; i <= n; i++)
		low[i] = key[i] >= 'A' && key[i] <= 'Z' ? (char)(key[i] - 'A' + 'a') : key[i];
	const char *best = NULL;
	int best_d = 3;
	for (size_t k = 0; known[k]; k++) {
		size_t m = strlen(known[k]);
		if (!strcmp(key, known[k]))
			return NULL;
		int dist = plural_of(low, n, known[k], m) ? 1 : near_distance(low, known[k], 2);
		if (dist < best_d && dist <= (m <= 4 || n <= 4 ? 1 : 2)) {
			best = known[k];
			best_d = dist;
		}
	}
	return best;
}

/* The line of a merge conflict git left in text (a "<<<<<<<" line, then
 * "=======" and ">>>>>>>" lines after it), or 0.  Published, its marks
 * would show and its "=======" turn the line above into a heading. */
int fm_conflict_line(const char *text, size_t len)
{
	if (!memmem(text, len, "<<<<<<<", 7))
		return 0;
	const char *end = text + len;
	int line = 1, open = 0, mid = 0;
	char fence = 0; /* inside a fenced block: ` or ~ (an example of one) */
	size_t fence_len = 0;
	for (const char *p = text; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n && p[n - 1] == '\r')
			n--;
		size_t ind = 0, run = 0;
		while (ind < 3 && ind < n && p[ind] == ' ')
			ind++;
		while (ind + run < n && (p[ind] == '`' || p[ind] == '~') && p[ind + run] == p[ind])
			run++;
		if (run >= 3 && (!fence || (p[ind] == fence && run >= fence_len))) {
			fence = fence ? 0 : p[ind];
			fence_len = run;
		} else if (fence) {
			;
		} else if (n >= 7 && !memcmp(p, "<<<<<<<", 7) && (n == 7 || p[7] == ' ') && !open)
			open = line;
		else if (open && n == 7 && !memcmp(p, "=======", 7))
			mid = 1;
		else if (open && mid && n >= 7 && !memcmp(p, ">>>>>>>", 7) && (n == 7 || p[7] == ' '))
			return open;
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

/* ---- keys and front matter from other site generators ------------------ */

struct foreign {
	const char *key, *ours, *advice;
};

#define AT_PATH                                                                                              \
	"quire publishes a page at its file's path (content/a/b.md is a/b.html): rename the file to move it; "   \
	"aliases: [old/address/] keeps an old address working"
#define FROM_GIT "quire dates a page from its git history, the commits that changed its file"

/* Keys Hugo, Jekyll (Just the Docs' nav_order too) and Docusaurus give
 * a page, with what quire does instead: a migrated page would otherwise
 * lose them without a word. */
static const struct foreign foreign_keys[] = {
	{ "description", "summary", "quire's is 'summary'" },
	{ "excerpt", "summary", "quire's is 'summary'" },
	{ "sidebar_position", "weight", "quire's is 'weight'" },
	{ "nav_order", "weight", "quire's is 'weight'" },
	{ "layout", "template", "quire's is 'template' (a template of the theme)" },
	{ "categories", "tags", "quire's is 'tags'" },
	{ "permalink", NULL, AT_PATH },
	{ "url", NULL, AT_PATH },
	{ "slug", NULL, AT_PATH },
	{ "date", NULL, FROM_GIT },
	{ "lastmod", NULL, FROM_GIT },
};

const char *fm_foreign_key(const char *key, const char **ours)
{
	for (size_t k = 0; k < sizeof foreign_keys / sizeof *foreign_keys; k++)
		if (!strcmp(key, foreign_keys[k].key)) {
			*ours = foreign_keys[k].ours;
			return foreign_keys[k].advice;
		}
	*ours = NULL;
	return NULL;
}

/* Whether YAML would read the plain value s (n bytes) as anything but
 * that text: a number, yes or no, nothing, a list, a comment, a key. */
static int needs_quotes(const char *s, size_t n)
{
	static const char *const words[] = { "true", "false", "null", "yes", "no", "on", "off", "~" };
	if (!n || strchr("[]{}#&*!|>'\"%@`,?:-", s[0]) || s[n - 1] == ':' || memmem(s, n, ": ", 2) ||
	    memmem(s, n, " #", 2))
		return 1;
	for (size_t k = 0; k < sizeof words / sizeof *words; k++)
		if (strlen(words[k]) == n && !strncasecmp(s, words[k], n))
			return 1;
	size_t k = 0; /* (s is not NUL-terminated at n) */
	while (k < n && strchr("0123456789.+-eE_", s[k]) && s[k])
		k++;
	return k == n;
}

/* The text of the "# Heading" that the first line of text with anything
 * on it is, without the marks around it; n 0 when it is no such line. */
static struct line opening_heading(const char *text, size_t len)
{
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - text) : len;
		struct line l = trimmed(text + i, e - i);
		while (l.n && l.s[l.n - 1] == '\r')
			l = trimmed(l.s, l.n - 1);
		if (l.n) {
			if (l.n < 3 || l.s[0] != '#' || (l.s[1] != ' ' && l.s[1] != '\t') || l.s - (text + i) > 3)
				return (struct line){ NULL, 0 };
			struct line h = trimmed(l.s + 1, l.n - 1);
			/* a closing "##" goes, if a space comes before it */
			size_t k = h.n;
			while (k && h.s[k - 1] == '#')
				k--;
			if (k < h.n && (!k || h.s[k - 1] == ' ' || h.s[k - 1] == '\t'))
				h = trimmed(h.s, k);
			return h;
		}
		i = e + 1;
	}
	return (struct line){ NULL, 0 };
}

/* What keeps a file that was meant to have front matter (first: its
 * first line, trimmed) from starting with it, or NULL: the "---" not on
 * the first line, a line of dashes that is not three hyphens, keys with
 * no "---" above them, lines ending in CR alone. */
static char *fm_near_start(const char *text, size_t len, struct line first)
{
	if (memchr(text, '\r', len) && !memchr(text, '\n', len))
		return xstrdup("the file's lines end in a carriage return alone (old Mac line endings), so it reads as one "
			       "line: save it with LF (or CRLF) line endings");
	size_t i = 0;
	struct line l = { NULL, 0 };
	while (i < len && !l.n) { /* the first line with anything on it */
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - text) : len;
		l = trimmed(text + i, e - i);
		while (l.n && l.s[l.n - 1] == '\r')
			l = trimmed(l.s, l.n - 1);
		i = e + 1;
	}
	if (l.n == 3 && !memcmp(l.s, "---", 3))
		return xstrdup(l.s == text ? "the front matter's '---' must be alone on the file's first line"
					   : "the front matter's '---' must be the very first line of the file: remove the "
					     "blank lines or spaces before it");
	size_t dashes = 0;
	while (dashes < first.n && first.s[dashes] == '-')
		dashes++;
	if (first.n && dashes == first.n && first.n != 3)
		return xasprintf("the front matter must start with a line of exactly three hyphens, '---' (this one has "
				 "%zu)", first.n);
	if (first.n >= 3 && (!memcmp(first.s, "\xE2\x80\x94", 3) || !memcmp(first.s, "\xE2\x80\x93", 3)))
		return xstrdup("the front matter must start with a line of three hyphens, '---', not a dash a word "
			       "processor made ('\xE2\x80\x94' or '\xE2\x80\x93'): type three hyphens");
	size_t key = 0;
	while (key < first.n && (isalpha((unsigned char)first.s[key]) || first.s[key] == '_'))
		key++;
	if (key && key < first.n && first.s[key] == ':' && (key + 1 == first.n || first.s[key + 1] == ' '))
		return xasprintf("the front matter must be between two '---' lines: add a line '---' before '%.*s:' "
				 "and another after the last key", (int)key, first.s);
	return NULL;
}

char *fm_missing_msg(const char *text, size_t len)
{
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		text += 3, len -= 3;
	const char *nl = memchr(text, '\n', len);
	struct line first = trimmed(text, nl ? (size_t)(nl - text) : len);
	while (first.n && first.s[first.n - 1] == '\r')
		first = trimmed(first.s, first.n - 1);
	if (first.n == 3 && !memcmp(first.s, "+++", 3))
		return xstrdup("TOML front matter (+++) is not supported: write it as YAML between --- lines");
	char *near = fm_near_start(text, len, first);
	if (near)
		return near;
	struct line h = opening_heading(text, len);
	if (!h.n)
		return xstrdup("the file has no front matter: start it with a '---' line, 'title: ...', and '---'");
	struct buf b = BUF_INIT;
	buf_puts(&b, "the file has no front matter: start it with three lines: ---, title: ");
	if (needs_quotes(h.s, h.n))
		put_quoted(&b, h.s, h.n);
	else
		buf_put(&b, h.s, h.n);
	buf_printf(&b, ", --- (and remove the heading '# %.*s': the page shows its title as its heading)", (int)h.n,
		   h.s);
	return buf_detach(&b);
}
