/* buf: growable buffer and checked allocation. */
#include "buf.h"

#include <ctype.h>

#include <endian.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
	fprintf(stderr, "quire: out of memory (allocating %zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t count, size_t n)
{
	void *p = calloc(count ? count : 1, n ? n : 1);
	if (!p)
		oom(count * n);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrdup_lower(const char *s)
{
	char *l = xstrdup(s);
	for (char *c = l; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return l;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xasprintf(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b);
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->ptr = xrealloc(b->ptr, cap);
	b->cap = cap;
	/* Keep the invariant that ptr is a string even before a write. */
	b->ptr[b->len] = '\0';
}

void buf_put(struct buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->ptr + b->len, s, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void buf_putc_grow(struct buf *b, char c)
{
	buf_grow(b, 1);
	b->ptr[b->len++] = c;
	b->ptr[b->len] = '\0';
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	/* Most results fit in the room there is: formatted in one pass, not
	 * measured first (a path per output file is formatted). */
	buf_grow(b, 128);
	size_t room = b->cap - b->len;
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(b->ptr + b->len, room, fmt, cp);
	va_end(cp);
	if (n >= 0 && (size_t)n >= room) {
		buf_grow(b, (size_t)n);
		n = vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	}
	if (n < 0) {
		b->ptr[b->len] = '\0';
		return;
	}
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

typedef unsigned char bytes16 __attribute__((vector_size(16)));

/* 1 when one of the 16 bytes at p is one that HTML escapes. */
static int has_special16(const char *p)
{
	bytes16 x, m;
	uint64_t lo, hi;
	memcpy(&x, p, 16);
	m = (x == '&') | (x == '<') | (x == '>') | (x == '"') | (x == '\'');
	memcpy(&lo, &m, 8);
	memcpy(&hi, (const char *)&m + 8, 8);
	return (lo | hi) != 0;
}

void buf_put_html(struct buf *b, const char *s, size_t n)
{
	size_t start = 0, i = 0;
	while (i < n) {
		/* text is mostly plain: skip 16 bytes a step (every page's
		 * titles, summaries and links pass through here) */
		if (n - i >= 16 && !has_special16(s + i)) {
			i += 16;
			continue;
		}
		for (size_t end = n - i >= 16 ? i + 16 : n; i < end; i++) {
			const char *rep;
			switch (s[i]) {
			case '&': rep = "&amp;"; break;
			case '<': rep = "&lt;"; break;
			case '>': rep = "&gt;"; break;
			case '"': rep = "&quot;"; break;
			case '\'': rep = "&#39;"; break;
			default: continue;
			}
			buf_put(b, s + start, i - start);
			buf_puts(b, rep);
			start = i + 1;
		}
	}
	buf_put(b, s + start, n - start);
}

void buf_puts_html(struct buf *b, const char *s)
{
	buf_put_html(b, s, strlen(s));
}

void buf_puts_url_path(struct buf *b, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p)) {
			buf_putc(b, (char)*p);
			continue;
		}
		buf_putc(b, '%');
		buf_putc(b, hex[*p >> 4]);
		buf_putc(b, hex[*p & 15]);
	}
}

void buf_reset(struct buf *b)
{
	buf_truncate(b, 0);
}

void buf_truncate(struct buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->ptr[len] = '\0';
	}
}

void buf_free(struct buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

const char *buf_cstr(const struct buf *b)
{
	return b->ptr ? b->ptr : "";
}

char *buf_detach(struct buf *b)
{
	char *p = b->ptr ? b->ptr : xstrdup("");
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

/* Shrinking a block splits it where it stands: nothing is copied. */
static char *fit(char *s, size_t len)
{
	char *t = realloc(s, len + 1);
	return t ? t : s;
}

char *buf_detach_fit(struct buf *b)
{
	size_t len = b->len;
	return b->ptr && len + 1 < b->cap ? fit(buf_detach(b), len) : buf_detach(b);
}

char *str_fit(char *s)
{
	return fit(s, strlen(s));
}

size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	if (c < 0x80)
		return 1;
	size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 :
		     c >= 0xF0 && c <= 0xF4 ? 4 : 0;
	if (!len || len > n)
		return 0;
	uint32_t v = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
	for (size_t k = 1; k < len; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (p[k] & 0x3F);
	}
	if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || (len == 3 && v < 0x800) ||
	    (len == 4 && v < 0x10000))
		return 0;
	return len;
}

int utf8_is_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		if (n - i >= 8) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			if (!(w & 0x8080808080808080ull)) {
				i += 8;
				continue;
			}
		}
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t len = utf8_seq(p + i, n - i);
		if (!len)
			return 0;
		i += len;
	}
	return 1;
}

char *utf8_valid_dup(const char *s, size_t n)
{
	/* a NUL is valid UTF-8, but would end the string early */
	if (utf8_is_valid(s, n) && !memchr(s, '\0', n))
		return xstrndup(s, n);
	struct buf b = BUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0, i = 0;
	while (i < n) {
		size_t len = p[i] ? utf8_seq(p + i, n - i) : 0;
		if (len) {
			i += len;
			continue;
		}
		buf_put(&b, s + run, i - run);
		buf_puts(&b, "\xEF\xBF\xBD");
		run = ++i;
	}
	buf_put(&b, s + run, n - run);
	return buf_detach(&b);
}

int str_cmp_sort(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

uint64_t str_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

uint64_t str_hash_lower(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)tolower((unsigned char)*s)) * 0x100000001b3ULL;
	return h;
}

static int put_json_chunk(const char *chunk, size_t n, void *b)
{
	buf_put(b, chunk, n);
	return 0;
}

int buf_put_json(struct buf *b, const json_t *v, size_t flags)
{
	return json_dump_callback(v, put_json_chunk, b, flags);
}

char *xstrcat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = xmalloc(la + lb + 1);
	memcpy(s, a, la);
	memcpy(s + la, b, lb + 1);
	return s;
}

void buf_put_dec(struct buf *b, unsigned long long v)
{
	char d[20], *p = d + sizeof d;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	buf_put(b, p, (size_t)(d + sizeof d - p));
}

void buf_put_u32le(struct buf *b, uint32_t v)
{
	uint32_t le = htole32(v);
	buf_put(b, (const char *)&le, sizeof le);
}

void buf_put_u64le(struct buf *b, uint64_t v)
{
	uint64_t le = htole64(v);
	buf_put(b, (const char *)&le, sizeof le);
}

uint32_t get_u32le(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t get_u64le(const unsigned char *p)
{
	return (uint64_t)get_u32le(p) | (uint64_t)get_u32le(p + 4) << 32;
}
