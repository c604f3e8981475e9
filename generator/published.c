/* published: history without the revisions made while an article was a
 * draft (see published.h). */
#include "published.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"
#include "scan.h"

/* The table: a blob's 20-byte id and 1 for a draft or 0, for every
 * version read; the fingerprints (hist_file.fp, 16 bytes) of the
 * histories that hide nothing, so most articles are settled by one
 * lookup rather than one per revision; and the verdicts that read
 * quire.head, for the one head they hold for (the next commit's build
 * drops them: kept, they would pile up a set per commit).  The entry is
 * u32 blob records, u32 fingerprints, u32 head records, the head (20
 * bytes, zeros for none), then each set sorted. */
enum { ID = 20, REC = ID + 1, FP = 16, PREFIXES = 1 << 16 };

/* A sorted set of fixed-size records whose first two bytes are spread
 * evenly (hashes): the records beginning with the two bytes p are
 * first[p] .. first[p + 1] - 1, so a lookup is a comparison or two. */
struct rec_set {
	const unsigned char *rec;
	size_t n, size;
	uint32_t *first;
};

struct draft_blobs {
	struct rec_set blobs, clean;
	struct rec_set headed; /* for the judge's head; empty for another */
	char *own; /* the records' storage, when copied from the cache */
	const struct past_judge *judge; /* NULL: front matter alone decides */
};

/* With quire's own fingerprint: a version this quire judges as another
 * did is judged again.  Where on_page handlers judge versions too, one
 * table per set of scripts: a record then stands for a version at a
 * path (see verdict_id), hidden by its front matter or by a handler. */
static struct cache_key table_key(const struct cache *c, const struct past_judge *j)
{
	struct cache_keybuf kb;
	cache_key_begin(c, &kb, "draft-blobs-5");
	if (j) {
		cache_key_str(&kb, "judged by hooks");
		cache_key_bytes(&kb, j->scripts, sizeof j->scripts);
	}
	return cache_key_end(&kb);
}

/* 1 + the value of each hex digit, 0 for any other byte */
static const unsigned char HEX1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

/* 0, or -1 when hex is not 40 lower-case hex digits. */
static int unhex(const char *hex, unsigned char id[ID])
{
	for (int i = 0; i < ID; i++) {
		unsigned hi = HEX1[(unsigned char)hex[2 * i]], lo = HEX1[(unsigned char)hex[2 * i + 1]];
		if (!hi || !lo)
			return -1;
		id[i] = (unsigned char)((hi - 1) << 4 | (lo - 1));
	}
	return hex[2 * ID] ? -1 : 0;
}

static void fp_bytes(const uint64_t fp[2], unsigned char out[FP])
{
	for (int i = 0; i < FP; i++)
		out[i] = (unsigned char)(fp[i / 8] >> (56 - 8 * (i % 8)));
}

/* A record's id where handlers judge: a hash of the version's blob and
 * path (handlers see the path), and for a verdict that read quire.head,
 * of the head too (head NULL: not), so a new commit judges it again.
 * 0, or -1 when blob_hex is not a blob id. */
static int verdict_id(const char *blob_hex, const char *path, const char *head, unsigned char id[ID])
{
	if (unhex(blob_hex, id) < 0)
		return -1;
	struct cache_keybuf kb;
	cache_key_begin(NULL, &kb, "past-verdict-1");
	cache_key_str(&kb, blob_hex);
	cache_key_str(&kb, path);
	cache_key_str(&kb, head);
	struct cache_key k = cache_key_end(&kb);
	fp_bytes(k.h, id);
	memset(id + FP, 0, ID - FP);
	return 0;
}

static unsigned prefix(const unsigned char *r)
{
	return (unsigned)r[0] << 8 | r[1];
}

/* Takes n records of size bytes at r if they are sorted, each key
 * (the first klen bytes) once. */
static int set_adopt(struct rec_set *s, const unsigned char *r, size_t n, size_t size, size_t klen)
{
	for (size_t i = 1; i < n; i++)
		if (memcmp(r + (i - 1) * size, r + i * size, klen) >= 0)
			return -1;
	s->first = xcalloc(PREFIXES + 1, sizeof *s->first);
	for (size_t i = 0; i < n; i++)
		s->first[prefix(r + i * size) + 1]++;
	for (size_t p = 0; p < PREFIXES; p++)
		s->first[p + 1] += s->first[p];
	s->rec = r;
	s->n = n;
	s->size = size;
	return 0;
}

static const unsigned char *set_find(const struct rec_set *s, const unsigned char *key, size_t klen)
{
	if (!s->n)
		return NULL;
	unsigned p = prefix(key);
	for (uint32_t i = s->first[p]; i < s->first[p + 1]; i++) {
		const unsigned char *r = s->rec + (size_t)i * s->size;
		if (!memcmp(r, key, klen))
			return r;
	}
	return NULL;
}

/* The judge's head as 20 bytes (zeros: none, or not a commit id). */
static void head_bytes(const struct past_judge *j, unsigned char out[ID])
{
	if (!j || !j->head || unhex(j->head, out) < 0)
		memset(out, 0, ID);
}

static int adopt(struct draft_blobs *t, const char *data, size_t len)
{
	struct cache_reader rd = { .p = data, .len = len };
	size_t nb = cache_r_u32(&rd), nc = cache_r_u32(&rd), nh = cache_r_u32(&rd);
	if (rd.bad || len - rd.off < ID)
		return -1;
	const unsigned char *head = (const unsigned char *)data + rd.off, *r = head + ID;
	size_t left = len - rd.off - ID;
	if (left / REC < nb || (left - nb * REC) / FP < nc || left - nb * REC - nc * FP != nh * REC)
		return -1;
	if (set_adopt(&t->blobs, r, nb, REC, ID) < 0 || set_adopt(&t->clean, r + nb * REC, nc, FP, FP) < 0)
		return -1;
	unsigned char now[ID];
	head_bytes(t->judge, now);
	if (nh && !memcmp(head, now, ID) && set_adopt(&t->headed, r + nb * REC + nc * FP, nh, REC, ID) < 0)
		return -1;
	return 0;
}

struct draft_blobs *draft_blobs_load(struct cache *c, const struct past_judge *judge)
{
	struct draft_blobs *t = xcalloc(1, sizeof *t);
	t->judge = judge;
	struct cache_key k = table_key(c, judge);
	const char *data;
	size_t len;
	if (!c)
		return t;
	if (!cache_view(c, &k, &data, &len)) {
		if (!cache_get(c, &k, &t->own, &len))
			return t;
		data = t->own;
	}
	if (adopt(t, data, len) < 0) {
		free(t->blobs.first);
		free(t->clean.first);
		free(t->headed.first);
		free(t->own);
		memset(t, 0, sizeof *t);
		t->judge = judge;
	}
	return t;
}

/* A record's last byte: 1 hidden, 4 (with 1) broken; 2 while learnt,
 * for this head alone (see draft_blobs_save). */
static int verdict_of(const unsigned char *r)
{
	return !(r[ID] & 1) ? 0 : r[ID] & 4 ? 2 : 1;
}

int draft_blobs_get(const struct draft_blobs *t, const char *blob_hex, const char *path, int *by_head)
{
	unsigned char id[ID];
	const unsigned char *r = NULL;
	if (by_head)
		*by_head = 0;
	if (!t->judge) {
		if (unhex(blob_hex, id) == 0)
			r = set_find(&t->blobs, id, ID);
		return r ? verdict_of(r) : -1;
	}
	if (verdict_id(blob_hex, path, NULL, id) < 0)
		return -1;
	if (!(r = set_find(&t->blobs, id, ID)) && t->judge->head && verdict_id(blob_hex, path, t->judge->head, id) == 0 &&
	    (r = set_find(&t->headed, id, ID)) && by_head)
		*by_head = 1;
	return r ? verdict_of(r) : -1;
}

int draft_blobs_clean(const struct draft_blobs *t, const uint64_t fp[2])
{
	unsigned char k[FP];
	fp_bytes(fp, k);
	return set_find(&t->clean, k, FP) != NULL;
}

void draft_blobs_note(const struct draft_blobs *t, struct buf *learnt, const char *blob_hex, const char *path,
		      int draft, int by_head)
{
	unsigned char r[REC];
	if (t->judge ? verdict_id(blob_hex, path, by_head ? t->judge->head : NULL, r) < 0 : unhex(blob_hex, r) < 0)
		return;
	r[ID] = (unsigned char)((draft ? 1 : 0) | (draft == 2 ? 4 : 0) | (by_head && t->judge && t->judge->head ? 2 : 0));
	buf_put(learnt, (const char *)r, REC);
}

static int cmp_rec(const void *a, const void *b)
{
	return memcmp(a, b, ID);
}

static int cmp_fp(const void *a, const void *b)
{
	return memcmp(a, b, FP);
}

/* The table's blobs with the notes merged in (the notes win), in out. */
static void merge_blobs(const struct rec_set *old, struct buf *add, struct buf *out)
{
	size_t na = add->len / REC;
	if (na)
		qsort(add->ptr, na, REC, cmp_rec);
	const unsigned char *a = (const unsigned char *)add->ptr;
	size_t i = 0, j = 0;
	while (i < old->n || j < na) {
		const unsigned char *x = i < old->n ? old->rec + i * REC : NULL, *y = j < na ? a + j * REC : NULL;
		int d = !x ? 1 : !y ? -1 : memcmp(x, y, ID);
		const unsigned char *take = d < 0 ? x : y;
		if (out->len < REC || memcmp(out->ptr + out->len - REC, take, ID))
			buf_put(out, (const char *)take, REC);
		i += d <= 0;
		j += d >= 0;
	}
}

void draft_blobs_save(const struct draft_blobs *t, struct cache *c, const struct buf *learnt, size_t n,
		      const uint64_t (*clean)[2], size_t nclean)
{
	struct buf add = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_put(&add, learnt[i].ptr, learnt[i].len);
	int same = !add.len && nclean == t->clean.n;
	for (size_t i = 0; same && i < nclean; i++)
		same = draft_blobs_clean(t, clean[i]);
	if (!c || same) {
		buf_free(&add);
		return;
	}
	/* the verdicts that read quire.head apart, unmarked */
	struct buf free_add = BUF_INIT, head_add = BUF_INIT;
	for (size_t i = 0; i + REC <= add.len; i += REC) {
		unsigned char *r = (unsigned char *)add.ptr + i;
		struct buf *to = r[ID] & 2 ? &head_add : &free_add;
		r[ID] &= 5;
		buf_put(to, (const char *)r, REC);
	}
	struct buf blobs = BUF_INIT, headed = BUF_INIT, out = BUF_INIT;
	merge_blobs(&t->blobs, &free_add, &blobs);
	merge_blobs(&t->headed, &head_add, &headed);
	unsigned char head[ID];
	head_bytes(t->judge, head);
	unsigned char *fps = xmalloc(nclean * FP + 1);
	for (size_t i = 0; i < nclean; i++)
		fp_bytes(clean[i], fps + i * FP);
	qsort(fps, nclean, FP, cmp_fp);
	size_t m = 0; /* (two pages never share a history; still, once each) */
	for (size_t i = 0; i < nclean; i++)
		if (!m || memcmp(fps + (m - 1) * FP, fps + i * FP, FP))
			memmove(fps + m++ * FP, fps + i * FP, FP);
	cache_w_u32(&out, (uint32_t)(blobs.len / REC));
	cache_w_u32(&out, (uint32_t)m);
	cache_w_u32(&out, (uint32_t)(headed.len / REC));
	buf_put(&out, (const char *)head, ID);
	buf_put(&out, blobs.ptr, blobs.len);
	buf_put(&out, (const char *)fps, m * FP);
	buf_put(&out, headed.ptr, headed.len);
	struct cache_key k = table_key(c, t->judge);
	cache_put(c, &k, out.ptr, out.len);
	free(fps);
	buf_free(&out);
	buf_free(&blobs);
	buf_free(&headed);
	buf_free(&free_add);
	buf_free(&head_add);
	buf_free(&add);
}

void draft_blobs_free(struct draft_blobs *t)
{
	if (!t)
		return;
	free(t->blobs.first);
	free(t->clean.first);
	free(t->headed.first);
	free(t->own);
	free(t);
}

/* ---- the history as published ---- */

/* Whether the file at path (relative to SITE) was where the site reads no
 * source: in a folder the scan skips (".drafts/"), so never published. */
int hist_unlisted(const char *path)
{
	return path && !strncmp(path, "content/", 8) && !scan_source_path(path + 8);
}

int hist_moved_out_of_sight(const struct hist_rev *rv)
{
	return rv->change == HIST_RENAMED && hist_unlisted(rv->path) && rv->old_path && !hist_unlisted(rv->old_path);
}

/* Whether revision rv was left unpublished: a version that was a draft,
 * or lay where the site reads no source, or the deletion of one.  1, 0 or
 * -1 (not known). */
static int hidden(const struct hist_rev *rv, draft_query is_draft, void *ctx)
{
	if (hist_moved_out_of_sight(rv))
		return *rv->base ? is_draft(ctx, rv->base, rv->old_path) : 0;
	if (hist_unlisted(rv->path))
		return 1;
	if (rv->change != HIST_DELETED)
		return *rv->blob ? is_draft(ctx, rv->blob, rv->path) : 0;
	return *rv->base ? is_draft(ctx, rv->base, rv->old_path ? rv->old_path : rv->path) : 0;
}

static const char *version_of(const struct hist_rev *rv)
{
	return rv->change == HIST_DELETED ? "" : rv->blob;
}

/* The revision older than place k whose version is blob: the nearest. */
static const struct hist_rev *version_at(const struct hist_file *hf, size_t *k, const char *blob)
{
	for (size_t j = *k + 1; j < hf->n; j++)
		if (hf->revs[j].change != HIST_DELETED && !strcmp(hf->revs[j].blob, blob)) {
			*k = j;
			return &hf->revs[j];
		}
	return NULL;
}

/* Whether a revision's starting version (blob base, the file at from)
 * was unpublished: a draft, or in a folder the site does not read (a
 * version in .drafts/ is no text to show a diff against, nor a name to
 * say the article moved from). */
static int base_hidden(const char *base, const char *from, draft_query is_draft, void *ctx)
{
	if (!*base)
		return 0;
	return hist_unlisted(from) ? 1 : is_draft(ctx, base, from);
}

/* Revision r, a copy of hf's revision k, is shown; older is the revision
 * shown below it (NULL: none).  A commit that started from a draft shows
 * what it changed against the last published version it came from: the
 * bases are followed back through the draft versions (on a branch that
 * is not the revision listed below).  Failing that, against the version
 * shown below, or as new.  Where that version lived says whether the
 * article moved. */
static int rebase(struct hist_rev *r, const struct hist_file *hf, size_t k, const struct hist_rev *older,
		  draft_query is_draft, void *ctx)
{
	const char *base = r->base, *from = r->old_path ? r->old_path : r->path;
	int d = base_hidden(base, from, is_draft, ctx);
	for (size_t steps = 0; d > 0 && steps < hf->n; steps++) {
		const struct hist_rev *v = version_at(hf, &k, base);
		if (!v) {
			base = older ? version_of(older) : "";
			from = older ? older->path : NULL;
			d = 0;
			break;
		}
		base = v->base;
		from = v->old_path ? v->old_path : v->path;
		d = base_hidden(base, from, is_draft, ctx);
	}
	if (d < 0)
		return -1;
	if (d > 0) /* (a cycle of versions: cannot happen in git) */
		base = "";
	if (base == r->base)
		return 0;
	memmove(r->base, base, strlen(base) + 1);
	if (r->change == HIST_DELETED)
		return 0;
	if (!*r->base) {
		r->change = HIST_ADDED;
		r->old_path = NULL;
	} else if (from && strcmp(from, r->path)) {
		r->change = HIST_RENAMED;
		r->old_path = (char *)from;
	} else {
		r->change = HIST_MODIFIED;
		r->old_path = NULL;
	}
	return 0;
}

/* Orders the revisions' places (into hf->revs, ctx) as they took effect
 * on the main line, oldest first: a branch's at its merge. */
static int effect_cmp(const void *a, const void *b, void *ctx)
{
	const struct hist_file *hf = ctx;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	uint32_t oi = hist_effective_order(&hf->revs[i]), oj = hist_effective_order(&hf->revs[j]);
	/* (then as listed: newest first) */
	return oi != oj ? (oi < oj ? -1 : 1) : (i > j ? -1 : i < j);
}

/* Whether revision k, made on a branch, is the newest the file has from
 * that branch's merge. */
static int branch_tip(const struct hist_file *hf, size_t k)
{
	for (size_t j = 0; j < k; j++)
		if (!strcmp(hf->revs[j].merged, hf->revs[k].merged))
			return 0;
	return 1;
}

/* Whether each revision is hidden (hidden's answer, in h), and which
 * took the article off the site (1 in h): a draft that came into force
 * (made on the main line, or brought in by a merge) after a version that
 * was in force (a broken version changed nothing:
 * the site stayed as it was).  0, or -1 when a version is not known. */
static int judge_all(const struct hist_file *hf, draft_query is_draft, void *ctx, signed char *h)
{
	size_t *at = xmalloc((hf->n + 1) * sizeof *at);
	for (size_t k = 0; k < hf->n; k++)
		at[k] = k;
	qsort_r(at, hf->n, sizeof *at, effect_cmp, (void *)hf);
	int live = 0, rc = 0;
	for (size_t i = 0; i < hf->n && !rc; i++) {
		size_t k = at[i];
		const struct hist_rev *rv = &hf->revs[k];
		int v = hidden(rv, is_draft, ctx);
		if (v < 0) {
			rc = -1;
			break;
		}
		h[k] = (signed char)(v ? 2 : 0);
		/* of a branch's revisions, the merge brought in the last one's
		 * version (none, when it dropped the branch's change) */
		if (rv->merged[0] && (rv->merge_dropped || !branch_tip(hf, k)))
			continue;
		if (!v) {
			live = rv->change != HIST_DELETED && !hist_moved_out_of_sight(rv);
		} else if (v == 1 && live && rv->change != HIST_DELETED && !hist_unlisted(rv->path)) {
			h[k] = 1;
			live = 0;
		}
	}
	free(at);
	return rc;
}

int hist_published(const struct hist_file *hf, draft_query is_draft, void *ctx, struct hist_file **out,
		   size_t *orig)
{
	*out = NULL;
	size_t m = 0;
	int moved = 0;
	signed char *down = xcalloc(hf->n + 1, 1);
	if (judge_all(hf, is_draft, ctx, down) < 0) {
		free(down);
		return -1;
	}
	for (size_t k = 0; k < hf->n; k++) {
		if (down[k] != 2)
			orig[m++] = k;
		moved |= down[k] == 1 || (!down[k] && hist_moved_out_of_sight(&hf->revs[k]));
	}
	if (m == hf->n && !moved) {
		free(down);
		return 0;
	}
	struct hist_rev *revs = xcalloc(m + 1, sizeof *revs);
	struct cache_keybuf kb;
	cache_key_begin(NULL, &kb, "published-1");
	cache_key_bytes(&kb, hf->fp, sizeof hf->fp);
	for (size_t j = 0; j < m; j++) {
		revs[j] = hf->revs[orig[j]];
		if (hist_moved_out_of_sight(&revs[j])) {
			revs[j].change = HIST_DELETED;
			revs[j].path = revs[j].old_path;
			revs[j].old_path = NULL;
			revs[j].blob[0] = '\0';
		} else if (down[orig[j]] == 1) {
			/* read as the article's deletion: it left the site */
			revs[j].change = HIST_DELETED;
			revs[j].old_path = NULL;
			revs[j].blob[0] = '\0';
			revs[j].taken_down = 1;
		}
		if (rebase(&revs[j], hf, orig[j], j + 1 < m ? &hf->revs[orig[j + 1]] : NULL, is_draft, ctx) < 0) {
			free(revs);
			free(down);
			return -1;
		}
		cache_key_int(&kb, (long long)orig[j]);
		cache_key_str(&kb, revs[j].base);
		cache_key_int(&kb, revs[j].change);
		cache_key_int(&kb, revs[j].taken_down);
	}
	free(down);
	struct cache_key fp = cache_key_end(&kb);
	struct hist_file *f = xmalloc(sizeof *f);
	*f = (struct hist_file){ hf->path, revs, m, hf->truncated, { fp.h[0], fp.h[1] } };
	*out = f;
	return 0;
}

/* The draft_query of a build that shows drafts: no version is one. */
static int shown(void *ctx, const char *blob_hex, const char *path)
{
	(void)ctx;
	(void)blob_hex;
	(void)path;
	return 0;
}

void hist_in_sight(const struct hist_file *hf, struct hist_file **out)
{
	*out = NULL;
	if (!hf->n)
		return;
	size_t *orig = xmalloc(hf->n * sizeof *orig);
	hist_published(hf, shown, NULL, out, orig);
	free(orig);
}

void hist_published_free(struct hist_file *f)
{
	if (!f)
		return;
	free((void *)f->revs);
	free(f);
}

/* ---- telling a draft by reading it ---- */

enum version_verdict version_verdict(const json_t *fm, int fm_errors)
{
	const char *t = json_string_value(json_object_get(fm, "title"));
	const json_t *d = json_object_get(fm, "draft");
	if (!json_is_object(fm) || fm_errors || !t || !*t || (d && !json_is_boolean(d)))
		return VERSION_BROKEN;
	return json_is_true(d) ? VERSION_DRAFT : VERSION_PUBLISHED;
}

int published_version(const json_t *fm, int fm_errors)
{
	return version_verdict(fm, fm_errors) == VERSION_PUBLISHED;
}

struct reading {
	struct history *h;
	const struct draft_blobs *t;
	const struct past_judge *judge;
};

/* A draft_query that never answers "not known".  A handler that fails
 * hides the version here without a word: the pages stage judges it
 * again and says so. */
static int read_query(void *ctx, const char *blob_hex, const char *path)
{
	struct reading *q = ctx;
	int d = draft_blobs_get(q->t, blob_hex, path, NULL);
	if (d >= 0)
		return d;
	size_t len;
	char *text = hist_read_blob(q->h, blob_hex, &len);
	if (!text)
		return 2; /* past an article's size limit, or unreadable */
	struct diag *quiet = diag_new();
	struct fm_parts parts;
	json_t *fm = NULL;
	int split = fm_split(text, len, path, &parts, quiet);
	if (split == 0 && parts.has_fm)
		fm = fm_parse_yaml(text + parts.yaml_off, parts.yaml_len, path, parts.yaml_line, quiet);
	d = fm_conflict_line(text, len) ? 2 : (int)version_verdict(fm, diag_errors(quiet));
	if (!d && q->judge) {
		char *body = utf8_valid_dup(text + parts.body_off, len - parts.body_off);
		struct buf why = BUF_INIT;
		int by_head;
		d = q->judge->judge(q->judge->ctx, path, fm, body, &by_head, &why);
		d = d < 0 ? 2 : d > 0;
		buf_free(&why);
		free(body);
	}
	json_decref(fm);
	diag_free(quiet);
	free(text);
	return d;
}

void hist_published_read(struct history *h, const struct draft_blobs *t, const struct past_judge *judge,
			 const struct hist_file *hf, struct hist_file **out)
{
	*out = NULL;
	if (!hf->n || draft_blobs_clean(t, hf->fp))
		return;
	size_t *orig = xmalloc(hf->n * sizeof *orig);
	struct reading q = { h, t, judge };
	hist_published(hf, read_query, &q, out, orig);
	free(orig);
}
