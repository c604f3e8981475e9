/* buf: the one growable byte buffer, plus the allocation helpers every
 * module uses.  A buffer's ptr is always NUL-terminated once anything has
 * been written; an untouched BUF_INIT buffer has ptr == NULL (use buf_cstr). */
#ifndef QUIRE_BUF_H
#define QUIRE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct buf {
	char *ptr;
	size_t len, cap;
};

#define BUF_INIT { NULL, 0, 0 }

/* Allocation that never returns NULL: on exhaustion it prints a message and
 * aborts, as git's xmalloc does.  A CLI has nothing better to do. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A copy of s with ASCII letters in lower case (how names, titles and
 * output paths are compared without case). */
char *xstrdup_lower(const char *s);
/* a then b, in a new string: a path put together for every page, where
 * xasprintf's formatting would cost several times as much. */
char *xstrcat(const char *a, const char *b);
/* v as JSON (json_dumps's flags), appended: jansson allocates nothing the
 * caller must give back with its allocator.  0, or -1 when v cannot be
 * written. */
int buf_put_json(struct buf *b, const json_t *v, size_t flags);
/* v in decimal: what "%llu" writes, without printf's cost (an index
 * writes tens of thousands of numbers). */
void buf_put_dec(struct buf *b, unsigned long long v);
/* Little-endian integers, for the files quire writes for itself (caches,
 * manifests): the same bytes on any machine. */
void buf_put_u32le(struct buf *b, uint32_t v);
void buf_put_u64le(struct buf *b, uint64_t v);
uint32_t get_u32le(const unsigned char *p);
uint64_t get_u64le(const unsigned char *p);

/* FNV-1a: for tables of strings in memory (never stored; keys that
 * persist are cache keys). */
uint64_t str_hash(const char *s, size_t n);
/* qsort's comparison for an array of strings (char *), in strcmp order. */
int str_cmp_sort(const void *a, const void *b);
/* str_hash of s in lower case (ASCII), without a copy. */
uint64_t str_hash_lower(const char *s);
/* Returns a new string formatted like printf; caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void buf_grow(struct buf *b, size_t extra);
void buf_put(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc_grow(struct buf *b, char c);
/* Inline: text is often made a character at a time. */
static inline void buf_putc(struct buf *b, char c)
{
	if (b->len + 1 < b->cap) {
		b->ptr[b->len++] = c;
		b->ptr[b->len] = '\0';
	} else {
		buf_putc_grow(b, c);
	}
}
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* 1 when s (n bytes) is UTF-8 as JSON strings need it: no overlong forms,
 * surrogates or code points past U+10FFFF (jansson's rule); runs of ASCII
 * are checked eight bytes at a time. */
int utf8_is_valid(const char *s, size_t n);
/* The length of the valid UTF-8 sequence at p (n > 0 bytes left; 1 for
 * ASCII), or 0 when p starts none. */
size_t utf8_seq(const unsigned char *p, size_t n);
/* A NUL-terminated copy of s (n bytes) in which each byte that
 * starts no valid sequence, and each NUL, is U+FFFD: text from outside
 * (git history) made safe to show.  Caller frees. */
char *utf8_valid_dup(const char *s, size_t n);

/* Appends s with & < > " ' escaped for HTML text and attribute values. */
void buf_put_html(struct buf *b, const char *s, size_t n);
void buf_puts_html(struct buf *b, const char *s);
/* Appends path (a file's path in OUT, UTF-8) as the path of a URL, RFC
 * 3986: each byte but '/' and the unreserved letters, digits and - . _ ~
 * as %XX ("my section/café.html" gives "my%20section/caf%C3%A9.html").
 * What it writes needs no escaping in XML or HTML. */
void buf_puts_url_path(struct buf *b, const char *path);
/* Keeps the allocation, forgets the contents. */
void buf_reset(struct buf *b);
void buf_truncate(struct buf *b, size_t len);
void buf_free(struct buf *b);
/* Returns the contents as a NUL-terminated string ("" when empty); borrowed. */
const char *buf_cstr(const struct buf *b);
/* Hands the string to the caller (who frees it) and resets b. Never NULL. */
char *buf_detach(struct buf *b);
/* The same, in a block of its own length: for strings kept long, which
 * the doubling that grew them would leave up to half empty. */
char *buf_detach_fit(struct buf *b);
/* s (malloc'd, NUL-terminated) in a block of its own length. */
char *str_fit(char *s);

#endif
