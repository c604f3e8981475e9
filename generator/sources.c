/* sources: the snapshot of source files a build keeps for the next one. */
#include "sources.h"

#include <stdlib.h>
#include <string.h>

#define SOURCES_MAGIC "quire-sources-1\n"

static void put_u64(struct buf *b, uint64_t v)
{
	buf_put(b, (const char *)&v, sizeof v);
}

static void put_u32(struct buf *b, uint32_t v)
{
	buf_put(b, (const char *)&v, sizeof v);
}

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
		memcpy(v, q, sizeof *v);
	return q ? 0 : -1;
}

static int take_u32(const char *p, size_t len, size_t *off, uint32_t *v)
{
	const char *q = take(p, len, off, sizeof *v);
	if (q)
		memcpy(v, q, sizeof *v);
	return q ? 0 : -1;
}

void sources_begin(struct buf *image)
{
	buf_puts(image, SOURCES_MAGIC);
}

/* A record: rel (u32 length, bytes, NUL), the identity (5 × u64), the
 * body's hash (2 × u64), body offset and line (2 × u32), the front
 * matter (u32 length, bytes). */
void sources_put(struct buf *b, const char *rel, const struct scan_stat *st,
		 const uint64_t body_fp[2], uint32_t body_off, uint32_t body_line,
		 const char *fm_json)
{
	size_t n = strlen(rel), m = strlen(fm_json);
	put_u32(b, (uint32_t)n);
	buf_put(b, rel, n + 1);
	put_u64(b, st->dev);
	put_u64(b, st->ino);
	put_u64(b, st->size);
	put_u64(b, (uint64_t)st->mtime_ns);
	put_u64(b, (uint64_t)st->ctime_ns);
	put_u64(b, body_fp[0]);
	put_u64(b, body_fp[1]);
	put_u32(b, body_off);
	put_u32(b, body_line);
	put_u32(b, (uint32_t)m);
	buf_put(b, fm_json, m);
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
