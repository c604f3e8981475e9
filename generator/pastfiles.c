#include "pastfiles.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "active.h"
#include "buf.h"
#include "fsutil.h"
#include "strmap.h"

struct past_files {
	struct history *h;
	int unsafe_html;
	pthread_mutex_t lock;
	struct strmap asked;  /* "commit target" -> out path, or none */
	struct strmap judged; /* out path -> blob id, or none (refused) */
	struct strmap needed; /* out path -> blob id: to write */
	atomic_int failed;    /* a lookup could not read git */
};

struct past_files *past_files_new(struct history *h, int unsafe_html)
{
	struct past_files *pf = xcalloc(1, sizeof *pf);
	pf->h = h;
	pf->unsafe_html = unsafe_html;
	pthread_mutex_init(&pf->lock, NULL);
	return pf;
}

void past_files_free(struct past_files *pf)
{
	if (!pf)
		return;
	strmap_free(&pf->asked);
	strmap_free(&pf->judged);
	strmap_free(&pf->needed);
	pthread_mutex_destroy(&pf->lock);
	free(pf);
}

static int is_lfs_pointer(const char *data, size_t len)
{
	static const char spec[] = "version https://git-lfs.github.com/spec/";
	return len >= sizeof spec - 1 && !memcmp(data, spec, sizeof spec - 1);
}

/* Whether the blob (size bytes) may be published under name: what the
 * build refuses among today's attachments (build.c) is refused here. */
static int publishable(struct past_files *pf, const char *blob, const char *name, size_t size)
{
	if (size > PASTFILES_MAX)
		return 0;
	enum active_kind kind = pf->unsafe_html ? ACTIVE_NONE : active_kind_of(name);
	if (kind == ACTIVE_HTML)
		return 0;
	/* an LFS pointer is a line or three of text; a file with no
	 * extension past what the build reads to check is published today
	 * too (build.c) */
	if ((kind == ACTIVE_NONE && size > 200) || (kind == ACTIVE_SNIFF && size > FS_MAX_FILE))
		return 1;
	size_t len = 0, at;
	char *data = hist_read_blob_upto(pf->h, blob, FS_MAX_FILE, &len);
	if (!data && len <= FS_MAX_FILE)
		atomic_store(&pf->failed, 1);
	int ok = data && !is_lfs_pointer(data, len) && (kind == ACTIVE_NONE || !active_content(name, kind, data, len, &at));
	free(data);
	return ok;
}

/* How out was judged: 1 publishable as blob, 0 not (or another blob's
 * name: one with the same first 10 hex and name, judged first, keeps
 * it), -1 not yet.  Called with the lock held. */
static int judged(const struct past_files *pf, const char *out, const char *blob)
{
	const struct strmap_entry *e = strmap_get(&pf->judged, out);
	return !e ? -1 : e->val && !strcmp(e->val, blob);
}

/* The output path of target's blob in commit, once judged, or NULL. */
static char *look_up(struct past_files *pf, const char *commit, const char *target, char blob[41])
{
	size_t size = 0;
	char *path = xstrcat("content/", target);
	int there = hist_blob_in_commit(pf->h, commit, path, blob, &size);
	free(path);
	if (there < 0)
		atomic_store(&pf->failed, 1);
	if (there <= 0)
		return NULL;
	const char *slash = strrchr(target, '/'), *name = slash ? slash + 1 : target;
	char *out = xasprintf(PASTFILES_DIR "%.10s/%s", blob, name);
	pthread_mutex_lock(&pf->lock);
	int ok = judged(pf, out, blob);
	pthread_mutex_unlock(&pf->lock);
	if (ok < 0) {
		/* judged outside the lock (it may read the blob): two threads
		 * may judge one blob, and agree */
		ok = publishable(pf, blob, name, size);
		pthread_mutex_lock(&pf->lock);
		strmap_put(&pf->judged, out, ok ? blob : NULL);
		ok = judged(pf, out, blob);
		pthread_mutex_unlock(&pf->lock);
	}
	if (!ok) {
		free(out);
		out = NULL;
	}
	return out;
}

char *past_files_at(struct past_files *pf, const char *commit, const char *target, char blob[41])
{
	char *key = xasprintf("%s %s", commit, target), *out = NULL;
	pthread_mutex_lock(&pf->lock);
	const struct strmap_entry *e = strmap_get(&pf->asked, key);
	int asked = e != NULL;
	if (e && e->val) {
		out = xstrdup(e->val);
		memcpy(blob, strmap_get(&pf->judged, out)->val, 41);
	}
	pthread_mutex_unlock(&pf->lock);
	if (!asked) {
		out = look_up(pf, commit, target, blob);
		pthread_mutex_lock(&pf->lock);
		strmap_put(&pf->asked, key, out);
		if (out)
			strmap_put(&pf->needed, out, blob);
		pthread_mutex_unlock(&pf->lock);
	}
	free(key);
	return out;
}

void past_files_need(struct past_files *pf, const char *out, const char *blob)
{
	pthread_mutex_lock(&pf->lock);
	/* (judged too: a blob looked up later under the same name is this
	 * one, or refused) */
	strmap_put(&pf->judged, out, blob);
	strmap_put(&pf->needed, out, blob);
	pthread_mutex_unlock(&pf->lock);
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct strmap_entry *)a)->key, ((const struct strmap_entry *)b)->key);
}

int past_files_failed(const struct past_files *pf)
{
	return pf && atomic_load(&pf->failed);
}

int past_files_write(struct past_files *pf, struct output *o, struct diag *d)
{
	/* (as a past version git cannot read is left out with a warning:
	 * a partial clone still publishes) */
	if (past_files_failed(pf))
		diag_warning(d, NULL, 0, 0, "history: some pictures and files past versions link could not be read "
			     "from git (a damaged or partial clone?): those links show their text");
	struct strmap_entry *v = xmalloc((pf->needed.n + 1) * sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < pf->needed.cap; i++)
		if (pf->needed.v[i].key)
			v[n++] = pf->needed.v[i];
	qsort(v, n, sizeof *v, entry_cmp);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		/* the blob's id is a hash of its bytes: the file's fingerprint */
		uint64_t fp[2] = { 0, 0 };
		for (int k = 0; k < 32; k++) {
			char c = v[i].val[k];
			fp[k / 16] = fp[k / 16] << 4 | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
		}
		if (output_reuse(o, v[i].key, fp))
			continue;
		size_t len = 0;
		char *data = hist_read_blob_upto(pf->h, v[i].val, PASTFILES_MAX, &len);
		if (!data) {
			diag_error(d, NULL, 0, 0, "cannot read blob %s from the git repository, for %s", v[i].val,
				   v[i].key);
			rc = -1;
		} else if (output_write_fp(o, v[i].key, data, len, fp, d) < 0) {
			rc = -1;
		}
		free(data);
	}
	free(v);
	return rc;
}
