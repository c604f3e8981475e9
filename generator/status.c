/* status: git status per source, remembered between builds (see status.h).
 *
 * The memo file: "QSTATUS1", HEAD (20 bytes), the index (present, then
 * dev, ino, size, mtime, ctime as u64), the number of sources (u64), then
 * per source its path (ending with a NUL), its identity (five u64) and its
 * state (one byte); last, an FNV-1a of all that (u64).  Numbers are
 * little-endian. */
#include "status.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "sources.h"

#define MEMO_MAGIC "QSTATUS1"
#define MEMO_MAX_SIZE (256u << 20)

struct status_memo {
	unsigned char *data;
	size_t n;
	const char **rel; /* into data, NUL-terminated there */
	struct scan_stat *st;
	unsigned char *dirty;
};

static void stat_id(const struct stat *s, struct scan_stat *out)
{
	*out = (struct scan_stat){ (uint64_t)s->st_dev, (uint64_t)s->st_ino, (uint64_t)s->st_size,
				   (int64_t)s->st_mtim.tv_sec * 1000000000 + s->st_mtim.tv_nsec,
				   (int64_t)s->st_ctim.tv_sec * 1000000000 + s->st_ctim.tv_nsec };
}

static int same_id(const struct scan_stat *a, const struct scan_stat *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime_ns == b->mtime_ns &&
	       a->ctime_ns == b->ctime_ns;
}

void status_index_of(git_repository *repo, struct status_index *out)
{
	char *path = xasprintf("%sindex", git_repository_path(repo));
	struct stat s;
	memset(out, 0, sizeof *out);
	if (stat(path, &s) == 0) {
		out->present = 1;
		stat_id(&s, &out->st);
	}
	free(path);
}

static char *memo_path(git_repository *repo, const char *prefix)
{
	return xasprintf("%squire/status-v1-%016llx.bin", git_repository_path(repo),
			 (unsigned long long)str_hash(prefix, strlen(prefix)));
}

static void put_id(struct buf *b, const struct scan_stat *st)
{
	buf_put_u64le(b, st->dev);
	buf_put_u64le(b, st->ino);
	buf_put_u64le(b, st->size);
	buf_put_u64le(b, (uint64_t)st->mtime_ns);
	buf_put_u64le(b, (uint64_t)st->ctime_ns);
}

static void get_id(const unsigned char *p, struct scan_stat *st)
{
	*st = (struct scan_stat){ get_u64le(p), get_u64le(p + 8), get_u64le(p + 16), (int64_t)get_u64le(p + 24),
				  (int64_t)get_u64le(p + 32) };
}

/* The header every memo of this HEAD and index starts with. */
static void put_header(struct buf *b, const git_oid *head, const struct status_index *ix)
{
	buf_put(b, MEMO_MAGIC, 8);
	buf_put(b, (const char *)head->id, GIT_OID_RAWSZ);
	buf_putc(b, (char)ix->present);
	put_id(b, &ix->st);
}

static unsigned char *read_all(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat s;
	unsigned char *data = NULL;
	size_t got = 0;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &s) < 0 || !S_ISREG(s.st_mode) || (uint64_t)s.st_size > MEMO_MAX_SIZE)
		goto fail;
	data = xmalloc((size_t)s.st_size + 1);
	while (got < (size_t)s.st_size) {
		ssize_t r = read(fd, data + got, (size_t)s.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto fail;
		got += (size_t)r;
	}
	close(fd);
	*len = got;
	return data;
fail:
	free(data);
	close(fd);
	return NULL;
}

/* Indexes the memo's sources; -1 when one runs past the end. */
static int parse_entries(struct status_memo *m, const unsigned char *p, size_t len)
{
	if (len < 8)
		return -1;
	uint64_t n = get_u64le(p);
	size_t off = 8;
	if (n > len / 42)
		return -1;
	m->rel = xcalloc(n ? n : 1, sizeof *m->rel);
	m->st = xcalloc(n ? n : 1, sizeof *m->st);
	m->dirty = xcalloc(n ? n : 1, 1);
	for (uint64_t i = 0; i < n; i++) {
		const unsigned char *end = memchr(p + off, '\0', len - off);
		if (!end || (size_t)(end - p) + 1 + 41 > len)
			return -1;
		m->rel[i] = (const char *)p + off;
		off = (size_t)(end - p) + 1;
		get_id(p + off, &m->st[i]);
		m->dirty[i] = p[off + 40] != 0;
		off += 41;
	}
	m->n = (size_t)n;
	return off == len ? 0 : -1;
}

struct status_memo *status_memo_load(git_repository *repo, const char *prefix, const git_oid *head,
				     const struct status_index *ix)
{
	char *path = memo_path(repo, prefix);
	size_t len = 0;
	unsigned char *data = read_all(path, &len);
	struct buf hdr = BUF_INIT;
	struct status_memo *m = NULL;
	free(path);
	if (!data)
		return NULL;
	put_header(&hdr, head, ix);
	if (len < hdr.len + 8 || memcmp(data, hdr.ptr, hdr.len) ||
	    str_hash((const char *)data, len - 8) != get_u64le(data + len - 8))
		goto fail;
	m = xcalloc(1, sizeof *m);
	m->data = data;
	if (parse_entries(m, data + hdr.len, len - 8 - hdr.len) < 0)
		goto fail;
	buf_free(&hdr);
	return m;
fail:
	buf_free(&hdr);
	if (m)
		status_memo_free(m);
	else
		free(data);
	return NULL;
}

size_t status_memo_apply(const struct status_memo *m, char *const *rel, const struct scan_stat *st, size_t n,
			 unsigned char *dirty, size_t **changed)
{
	size_t nch = 0, j = 0;
	*changed = xcalloc(n ? n : 1, sizeof **changed);
	/* Both lists come in the scan's order: a merge, not a lookup each. */
	for (size_t i = 0; i < n; i++) {
		int c = 1;
		while (j < m->n && (c = strcmp(m->rel[j], rel[i])) < 0)
			j++;
		if (j < m->n && c == 0 && same_id(&m->st[j], &st[i]))
			dirty[i] = m->dirty[j];
		else
			(*changed)[nch++] = i;
	}
	return nch;
}

static int exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 || errno != ENOENT;
}

/* Whether some attributes file could give path (relative to the work
 * tree wd, which ends in '/') a filter: a .gitattributes in a folder
 * above it, the git dir's info/attributes, core.attributesFile, the
 * global (XDG) or system one.  Anything unsure counts as one. */
static int attributes_may_apply(git_repository *repo, const char *wd, const char *path)
{
	struct buf b = BUF_INIT;
	int found = 0;
	buf_puts(&b, wd);
	for (const char *p = path, *slash; !found; p = slash + 1) {
		size_t at = b.len;
		buf_puts(&b, ".gitattributes");
		found = exists(buf_cstr(&b));
		b.len = at;
		if (!(slash = strchr(p, '/')))
			break;
		buf_put(&b, p, (size_t)(slash - p + 1));
	}
	/* (a worktree's git dir has none of its own: git reads the common one) */
	buf_reset(&b);
	buf_printf(&b, "%sinfo/attributes", git_repository_path(repo));
	found = found || exists(buf_cstr(&b));
	buf_reset(&b);
	buf_printf(&b, "%sinfo/attributes", git_repository_commondir(repo));
	found = found || exists(buf_cstr(&b));
	git_config *cfg = NULL;
	git_buf val = { 0 };
	if (git_repository_config_snapshot(&cfg, repo) < 0) {
		found = 1;
		git_error_clear();
	} else if (git_config_get_string_buf(&val, cfg, "core.attributesfile") == 0) {
		found = 1;
	} else {
		git_error_clear();
	}
	git_buf_dispose(&val);
	git_config_free(cfg);
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	buf_reset(&b);
	if (xdg && *xdg)
		buf_printf(&b, "%s/git/attributes", xdg);
	else if (home && *home)
		buf_printf(&b, "%s/.config/git/attributes", home);
	found = found || (b.len && exists(buf_cstr(&b))) || exists("/etc/gitattributes");
	buf_free(&b);
	return found;
}

int status_plain_blob(git_repository *repo, const char *path, git_oid *out)
{
	const char *wd = git_repository_workdir(repo);
	char *text = NULL, *full;
	size_t len = 0;
	int ok = 0;
	if (!wd || attributes_may_apply(repo, wd, path))
		return 0;
	full = xasprintf("%s%s", wd, path);
	if (fs_read_file(full, &text, &len) == 0 && !memchr(text, '\r', len))
		ok = git_odb_hash(out, text, len, GIT_OBJECT_BLOB) == 0;
	free(text);
	free(full);
	return ok;
}

static int regular_mode(uint32_t mode)
{
	return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

int status_mode_only(git_repository *repo, const char *path, unsigned int flags)
{
	const unsigned int modified = GIT_STATUS_INDEX_MODIFIED | GIT_STATUS_WT_MODIFIED;
	git_index *ix = NULL;
	git_object *head = NULL;
	git_tree_entry *te = NULL;
	git_oid now;
	int only = 0;
	if (!flags || (flags & ~modified))
		return 0;
	/* through git's filters (*.md text=auto) when the bytes alone cannot tell */
	if (!status_plain_blob(repo, path, &now) && git_repository_hashfile(&now, repo, path, GIT_OBJECT_BLOB, NULL) < 0) {
		git_error_clear();
		return 0;
	}
	if (git_repository_index(&ix, repo) < 0 || git_revparse_single(&head, repo, "HEAD^{tree}") < 0 ||
	    git_tree_entry_bypath(&te, (git_tree *)head, path) < 0)
		goto done;
	const git_index_entry *ie = git_index_get_bypath(ix, path, 0);
	only = ie && regular_mode(ie->mode) && regular_mode(git_tree_entry_filemode(te)) &&
	       git_oid_equal(&ie->id, git_tree_entry_id(te)) && git_oid_equal(&now, &ie->id);
done:
	git_error_clear();
	git_tree_entry_free(te);
	git_object_free(head);
	git_index_free(ix);
	return only;
}

int status_of_file(git_repository *repo, const char *path)
{
	unsigned int flags = 0;
	int rc = git_status_file(&flags, repo, path);
	if (rc < 0) {
		git_error_clear();
		return -1;
	}
	/* as a status list without untracked files would list it */
	flags &= ~(unsigned int)(GIT_STATUS_WT_NEW | GIT_STATUS_IGNORED);
	return flags != 0 && !status_mode_only(repo, path, flags);
}

void status_memo_save(git_repository *repo, const char *prefix, const git_oid *head,
		      const struct status_index *ix, char *const *rel, const struct scan_stat *st,
		      const unsigned char *dirty, size_t n, int64_t start_ns)
{
	if (ix->present && !sources_settled(&ix->st, start_ns))
		return;
	struct buf b = BUF_INIT;
	char *path = memo_path(repo, prefix);
	put_header(&b, head, ix);
	size_t count_at = b.len;
	uint64_t count = 0;
	buf_put_u64le(&b, 0);
	for (size_t i = 0; i < n; i++) {
		if (!sources_settled(&st[i], start_ns))
			continue;
		buf_put(&b, rel[i], strlen(rel[i]) + 1);
		put_id(&b, &st[i]);
		buf_putc(&b, (char)(dirty[i] != 0));
		count++;
	}
	for (int i = 0; i < 8; i++)
		b.ptr[count_at + (size_t)i] = (char)(count >> (8 * i));
	buf_put_u64le(&b, str_hash(b.ptr, b.len));
	fs_replace_file(path, b.ptr, b.len);
	buf_free(&b);
	free(path);
}

void status_memo_free(struct status_memo *m)
{
	if (!m)
		return;
	free(m->data);
	free(m->rel);
	free(m->st);
	free(m->dirty);
	free(m);
}
