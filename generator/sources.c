/* sources: the snapshot of source files a build keeps for the next one. */
#include "sources.h"

#include <stdlib.h>
#include <string.h>

#define SOURCES_MAGIC "quire-sources-2\n"
/* Deeper front matter than this is read from its file. */
#define FM_MAX_DEPTH 64

/* Reads n bytes at *off, advancing it; NULL past the end. */
static const char *take(const char *p, size_t len, size_t *off, size_t n)
{
	if (len - *off < n)
		return NULL;
	const char *q = p + *off;
	*off += n;
	return q;
}

static int take_u64(const char *p, size_t len, size_t *off, uint64_t *v)
{
	const char *q = take(p, len, off, sizeof *v);
	if (q)
		*v = get_u64le((const unsigned char *)q);
	return q ? 0 : -1;
}

static int take_u32(const char *p, size_t len, size_t *off, uint32_t *v)
{
	const char *q = take(p, len, off, sizeof *v);
	if (q)
		*v = get_u32le((const unsigned char *)q);
	return q ? 0 : -1;
}

void sources_begin(struct buf *image)
{
	buf_puts(image, SOURCES_MAGIC);
}

/* Front matter as a tagged tree, read back without parsing text (JSON
 * text took a tenth of a rebuild): a type byte, then for a string its
 * length (u32) and bytes, for an integer or a real 8 bytes, for an array
 * its count and items, for an object its count and each key (as a
 * string) with its value. */
static int put_json(struct buf *b, json_t *v, int depth)
{
	const char *key;
	json_t *x;
	size_t i;
	if (depth > FM_MAX_DEPTH)
		return -1;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		buf_putc(b, 'o');
		buf_put_u32le(b, (uint32_t)json_object_size(v));
		json_object_foreach(v, key, x) {
			buf_put_u32le(b, (uint32_t)strlen(key));
			buf_puts(b, key);
			if (put_json(b, x, depth + 1) < 0)
				return -1;
		}
		return 0;
	case JSON_ARRAY:
		buf_putc(b, 'a');
		buf_put_u32le(b, (uint32_t)json_array_size(v));
		json_array_foreach(v, i, x)
			if (put_json(b, x, depth + 1) < 0)
				return -1;
		return 0;
	case JSON_STRING:
		buf_putc(b, 's');
		buf_put_u32le(b, (uint32_t)json_string_length(v));
		buf_put(b, json_string_value(v), json_string_length(v));
		return 0;
	case JSON_INTEGER:
		buf_putc(b, 'i');
		buf_put_u64le(b, (uint64_t)json_integer_value(v));
		return 0;
	case JSON_REAL: {
		double d = json_real_value(v);
		uint64_t u;
		memcpy(&u, &d, sizeof u);
		buf_putc(b, 'r');
		buf_put_u64le(b, u);
		return 0;
	}
	case JSON_TRUE:
		buf_putc(b, 't');
		return 0;
	case JSON_FALSE:
		buf_putc(b, 'f');
		return 0;
	default:
		buf_putc(b, 'n');
		return 0;
	}
}

static json_t *take_json(const char *p, size_t len, size_t *off, int depth)
{
	const char *t = take(p, len, off, 1), *q;
	uint32_t n;
	uint64_t u;
	if (!t || depth > FM_MAX_DEPTH)
		return NULL;
	switch (*t) {
	case 'o': {
		if (take_u32(p, len, off, &n) < 0)
			return NULL;
		json_t *o = json_object();
		for (uint32_t i = 0; i < n; i++) {
			uint32_t kl;
			json_t *x;
			if (take_u32(p, len, off, &kl) < 0 || !(q = take(p, len, off, kl)) || memchr(q, 0, kl) ||
			    !(x = take_json(p, len, off, depth + 1)) || json_object_setn_new_nocheck(o, q, kl, x) < 0) {
				json_decref(o);
				return NULL;
			}
		}
		return o;
	}
	case 'a': {
		if (take_u32(p, len, off, &n) < 0)
			return NULL;
		json_t *a = json_array();
		for (uint32_t i = 0; i < n; i++) {
			json_t *x = take_json(p, len, off, depth + 1);
			if (!x || json_array_append_new(a, x) < 0) {
				json_decref(a);
				return NULL;
			}
		}
		return a;
	}
	case 's':
		if (take_u32(p, len, off, &n) < 0 || !(q = take(p, len, off, n)))
			return NULL;
		/* written from valid strings; a damaged record fails its checksum */
		return json_stringn_nocheck(q, n);
	case 'i':
		return take_u64(p, len, off, &u) < 0 ? NULL : json_integer((json_int_t)u);
	case 'r': {
		double d;
		if (take_u64(p, len, off, &u) < 0)
			return NULL;
		memcpy(&d, &u, sizeof d);
		return json_real(d);
	}
	case 't':
		return json_true();
	case 'f':
		return json_false();
	case 'n':
		return json_null();
	default:
		return NULL;
	}
}

json_t *sources_fm(const struct source_rec *r)
{
	size_t off = 0;
	json_t *v = take_json(r->fm, r->fm_len, &off, 0);
	if (v && off != r->fm_len) {
		json_decref(v);
		v = NULL;
	}
	return v;
}

/* A record: rel (u32 length, bytes, NUL), the identity (5 × u64), the
 * body's hash (2 × u64), body offset and line (2 × u32), the front
 * matter (u32 length, its tree).  Returns -1 (nothing appended) for front
 * matter too deep to record. */
int sources_put(struct buf *b, const char *rel, const struct scan_stat *st,
		const uint64_t body_fp[2], uint32_t body_off, uint32_t body_line, json_t *fm)
{
	struct buf tree = BUF_INIT;
	if (put_json(&tree, fm, 0) < 0 || tree.len > UINT32_MAX) {
		buf_free(&tree);
		return -1;
	}
	size_t n = strlen(rel), m = tree.len;
	const char *fm_bytes = tree.ptr;
	buf_put_u32le(b, (uint32_t)n);
	buf_put(b, rel, n + 1);
	buf_put_u64le(b, st->dev);
	buf_put_u64le(b, st->ino);
	buf_put_u64le(b, st->size);
	buf_put_u64le(b, (uint64_t)st->mtime_ns);
	buf_put_u64le(b, (uint64_t)st->ctime_ns);
	buf_put_u64le(b, body_fp[0]);
	buf_put_u64le(b, body_fp[1]);
	buf_put_u32le(b, body_off);
	buf_put_u32le(b, body_line);
	buf_put_u32le(b, (uint32_t)m);
	buf_put(b, fm_bytes, m);
	buf_free(&tree);
	return 0;
}

static int read_rec(const char *p, size_t len, size_t *off, struct source_rec *r)
{
	size_t start = *off;
	uint32_t n, m;
	uint64_t mt, ct;
	if (take_u32(p, len, off, &n) < 0 || !(r->rel = take(p, len, off, (size_t)n + 1)) || r->rel[n] ||
	    memchr(r->rel, 0, n) || take_u64(p, len, off, &r->st.dev) < 0 ||
	    take_u64(p, len, off, &r->st.ino) < 0 || take_u64(p, len, off, &r->st.size) < 0 ||
	    take_u64(p, len, off, &mt) < 0 || take_u64(p, len, off, &ct) < 0 ||
	    take_u64(p, len, off, &r->body_fp[0]) < 0 || take_u64(p, len, off, &r->body_fp[1]) < 0 ||
	    take_u32(p, len, off, &r->body_off) < 0 || take_u32(p, len, off, &r->body_line) < 0 ||
	    take_u32(p, len, off, &m) < 0 || !(r->fm = take(p, len, off, m)))
		return -1;
	r->st.mtime_ns = (int64_t)mt;
	r->st.ctime_ns = (int64_t)ct;
	r->fm_len = m;
	r->raw = p + start;
	r->raw_len = *off - start;
	return 0;
}

void sources_decode(struct sources *s, char *image, size_t len)
{
	memset(s, 0, sizeof *s);
	s->image = image;
	s->len = len;
	size_t off = strlen(SOURCES_MAGIC), cap = 0;
	if (len < off || memcmp(image, SOURCES_MAGIC, off))
		return;
	while (off < len) {
		struct source_rec r;
		/* Out of order or cut short: trust none of it. */
		if (read_rec(image, len, &off, &r) < 0 || (s->n && strcmp(s->recs[s->n - 1].rel, r.rel) >= 0)) {
			free(s->recs);
			s->recs = NULL;
			s->n = 0;
			return;
		}
		if (s->n == cap) {
			cap = cap ? cap * 2 : 1024;
			s->recs = xrealloc(s->recs, cap * sizeof *s->recs);
		}
		s->recs[s->n++] = r;
	}
}

void sources_free(struct sources *s)
{
	free(s->recs);
	free(s->image);
	memset(s, 0, sizeof *s);
}

const struct source_rec *sources_match(const struct sources *s, const char *rel,
				       const struct scan_stat *st)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->recs[mid].rel, rel);
		if (!c) {
			const struct scan_stat *a = &s->recs[mid].st;
			return a->dev == st->dev && a->ino == st->ino && a->size == st->size &&
			       a->mtime_ns == st->mtime_ns && a->ctime_ns == st->ctime_ns ? &s->recs[mid] : NULL;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int sources_settled(const struct scan_stat *st, int64_t start_ns)
{
	return st->mtime_ns < start_ns - SOURCES_RACY_NS && st->ctime_ns < start_ns - SOURCES_RACY_NS;
}
