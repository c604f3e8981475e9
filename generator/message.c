/* message: a commit message's body read into blocks a template shows as
 * HTML.  Editors wrap a message at some 72 columns; a page that keeps
 * those breaks shows lines broken mid-sentence on a phone, so the lines
 * of a paragraph or list item are joined again.  What the breaks mean is
 * kept: blank lines part paragraphs, "- " and "1. " start list items,
 * lines indented four spaces are code, and a block of trailers
 * ("Signed-off-by: …") keeps one per line. */
#include "message.h"

#include <string.h>

#include "buf.h"

enum block { NONE, PARA, LIST, CODE };

struct reader {
	json_t *blocks;
	enum block kind;
	struct buf text;   /* PARA: joined; CODE: its lines */
	struct buf raw;    /* PARA: its lines as written */
	int trailers;      /* PARA: every line reads "Token: value" */
	json_t *list;      /* LIST: the block */
	json_t *item;      /* LIST: the open item, NULL when none */
	struct buf words;  /* LIST: the open item's text */
	size_t list_lead;  /* LIST: its first item's indent */
	int ordered;       /* LIST: numbered */
	size_t blanks;     /* CODE: blank lines since its last line */
	int gap;           /* a blank line since the last line read */
};

/* Columns of leading space (a tab reaches the next multiple of four). */
static size_t indent(const char *s, size_t n, size_t *bytes)
{
	size_t col = 0, i = 0;
	for (; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
		col = s[i] == '\t' ? (col / 4 + 1) * 4 : col + 1;
	*bytes = i;
	return col;
}

/* The length of a list item's marker at s ("- ", "* ", "+ ", "12. ",
 * "3) "), its space included; 0 when the line starts no item.
 * *ordered says whether it is numbered. */
static size_t marker(const char *s, size_t n, int *ordered)
{
	*ordered = 0;
	if (n >= 2 && (*s == '-' || *s == '*' || *s == '+') && s[1] == ' ')
		return 2;
	size_t d = 0;
	while (d < n && d < 10 && s[d] >= '0' && s[d] <= '9')
		d++;
	if (!d || d > 9 || d + 1 >= n || (s[d] != '.' && s[d] != ')') || s[d + 1] != ' ')
		return 0;
	*ordered = 1;
	return d + 2;
}

/* Whether a line reads as a git trailer: "Token: value", the token one
 * word of letters, digits and hyphens. */
static int trailer_line(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
			 (i && ((s[i] >= '0' && s[i] <= '9') || s[i] == '-'))))
		i++;
	return i && i + 2 < n && s[i] == ':' && s[i + 1] == ' ';
}

/* A new block object with every key a template may look up. */
static json_t *block(void)
{
	json_t *b = json_object();
	const char *keys[] = { "text", "lines", "list", "ordered", "items", "code" };
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		json_object_set_new(b, keys[i], json_false());
	return b;
}

/* Sets b's key k to the buffer's text, as valid UTF-8. */
static void set_text(json_t *b, const char *k, const struct buf *t)
{
	char *s = utf8_valid_dup(t->ptr ? t->ptr : "", t->len);
	json_object_set_new(b, k, json_string(s));
	free(s);
}

static void end_item(struct reader *r)
{
	if (!r->item)
		return;
	set_text(r->item, "text", &r->words);
	buf_reset(&r->words);
	r->item = NULL;
}

/* Ends the open block, whatever its kind, and appends it. */
static void end_block(struct reader *r)
{
	json_t *b = NULL;
	if (r->kind == PARA) {
		b = block();
		int lines = r->trailers && memchr(r->raw.ptr, '\n', r->raw.len);
		set_text(b, "text", lines ? &r->raw : &r->text);
		json_object_set_new(b, "lines", json_boolean(lines));
	} else if (r->kind == CODE) {
		b = block();
		set_text(b, "code", &r->text);
	} else if (r->kind == LIST) {
		end_item(r);
		b = r->list;
		r->list = NULL;
	}
	if (b)
		json_array_append_new(r->blocks, b);
	buf_reset(&r->text);
	buf_reset(&r->raw);
	r->kind = NONE;
}

/* A line that starts an item (its text after the marker). */
static void add_item(struct reader *r, size_t col, const char *s, size_t n, size_t mark, int ordered)
{
	if (r->kind != LIST || r->ordered != ordered)
		end_block(r);
	if (r->kind != LIST) {
		r->kind = LIST;
		r->list = block();
		json_object_set_new(r->list, "list", json_true());
		json_object_set_new(r->list, "ordered", json_boolean(ordered));
		json_object_set_new(r->list, "items", json_array());
		r->ordered = ordered;
		r->list_lead = col;
	}
	end_item(r);
	r->item = json_object();
	json_object_set_new(r->item, "value", ordered ? json_stringn(s, mark - 2) : json_false());
	json_object_set_new(r->item, "nested", json_boolean(col > r->list_lead));
	json_array_append_new(json_object_get(r->list, "items"), r->item);
	buf_put(&r->words, s + mark, n - mark);
}

/* A line indented as code: kept as written, less its indent of four. */
static void add_code(struct reader *r, const char *s, size_t n)
{
	if (r->kind != CODE) {
		end_block(r);
		r->kind = CODE;
	} else {
		for (size_t i = 0; i <= r->blanks; i++)
			buf_putc(&r->text, '\n');
	}
	r->blanks = 0;
	size_t drop = 0;
	if (*s == '\t')
		drop = 1;
	else
		while (drop < 4 && s[drop] == ' ')
			drop++;
	buf_put(&r->text, s + drop, n - drop);
}

/* A line of prose (s without its indent): joins the paragraph above
 * unless a blank line parted them. */
static void add_prose(struct reader *r, const char *s, size_t n)
{
	if (r->kind != PARA || r->gap) {
		end_block(r);
		r->kind = PARA;
		r->trailers = 1;
	}
	if (r->text.len) {
		buf_putc(&r->text, ' ');
		buf_putc(&r->raw, '\n');
	}
	buf_put(&r->text, s, n);
	buf_put(&r->raw, s, n);
	r->trailers &= trailer_line(s, n);
}

/* One line, its end's spaces already dropped. */
static void add_line(struct reader *r, const char *s, size_t n)
{
	if (!n) {
		r->gap = 1;
		if (r->kind == CODE)
			r->blanks++;
		return;
	}
	size_t lead;
	size_t col = indent(s, n, &lead);
	int ordered;
	size_t mark = marker(s + lead, n - lead, &ordered);
	if (mark && (col < 4 || r->kind == LIST))
		add_item(r, col, s + lead, n - lead, mark, ordered);
	else if (r->kind == LIST && r->item && (col > 0 || !r->gap)) {
		/* an item's wrapped line (a line that is not indented, after a
		 * blank one, ends the list) */
		buf_putc(&r->words, ' ');
		buf_put(&r->words, s + lead, n - lead);
	} else if (col >= 4)
		add_code(r, s, n);
	else
		add_prose(r, s + lead, n - lead);
	r->gap = 0;
}

json_t *message_blocks(const char *body)
{
	struct reader r = { .blocks = json_array(), .text = BUF_INIT, .raw = BUF_INIT, .words = BUF_INIT };
	for (const char *p = body ? body : ""; *p;) {
		size_t n = strcspn(p, "\n"), t = n;
		while (t && (p[t - 1] == ' ' || p[t - 1] == '\t' || p[t - 1] == '\r'))
			t--;
		add_line(&r, p, t);
		p += n + (p[n] == '\n');
	}
	end_block(&r);
	buf_free(&r.text);
	buf_free(&r.raw);
	buf_free(&r.words);
	return r.blocks;
}

/* A list's items, one a line, each after its marker. */
static void list_lines(struct buf *b, const json_t *items)
{
	size_t i;
	const json_t *it;
	json_array_foreach(items, i, it) {
		const json_t *v = json_object_get(it, "value");
		if (i)
			buf_putc(b, '\n');
		if (json_is_string(v))
			buf_printf(b, "%s. ", json_string_value(v));
		else
			buf_puts(b, "- ");
		buf_puts(b, json_string_value(json_object_get(it, "text")));
	}
}

json_t *message_paragraphs(const json_t *blocks)
{
	json_t *a = json_array();
	struct buf b = BUF_INIT;
	size_t i;
	const json_t *bl;
	json_array_foreach(blocks, i, bl) {
		const json_t *text = json_object_get(bl, "text"), *code = json_object_get(bl, "code");
		buf_reset(&b);
		if (json_is_string(text))
			buf_puts(&b, json_string_value(text));
		else if (json_is_string(code))
			buf_puts(&b, json_string_value(code));
		else
			list_lines(&b, json_object_get(bl, "items"));
		json_t *o = json_object();
		json_object_set_new(o, "text", json_string(buf_cstr(&b)));
		json_object_set_new(o, "lines", json_boolean(!json_is_string(text) || json_is_true(json_object_get(bl, "lines"))));
		json_array_append_new(a, o);
	}
	buf_free(&b);
	return a;
}

int message_long(const char *body)
{
	int lines = 0;
	for (const char *p = body ? body : ""; *p;) {
		size_t n = strcspn(p, "\n");
		if (strspn(p, " \t\r") < n)
			lines++;
		p += n + (p[n] == '\n');
	}
	return lines > MESSAGE_SHORT_LINES;
}
