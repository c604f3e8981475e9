/* output: staging folder, guards and the atomic swap. */
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"

/* realpath for a path that may not exist yet: resolve the parent. */
static char *resolve(const char *path)
{
	char *r = realpath(path, NULL);
	if (r)
		return r;
	const char *slash = strrchr(path, '/');
	char *parent = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
	char *rp = realpath(parent, NULL);
	free(parent);
	if (!rp)
		return NULL;
	char *full = xasprintf("%s/%s", rp, slash ? slash + 1 : path);
	free(rp);
	return full;
}

static int within(const char *a, const char *b)
{
	size_t n = strlen(b);
	return !strncmp(a, b, n) && (a[n] == '/' || a[n] == '\0' || (n == 1 && b[0] == '/'));
}

/* OUT may sit in SITE (SITE/public is the default) but never in a folder
 * the site is made of. */
static int inside_sources(const char *out_real, const char *site_real)
{
	static const char *const sources[] = { "content", "themes", "scripts", ".git" };
	for (size_t i = 0; i < sizeof sources / sizeof *sources; i++) {
		char *p = xasprintf("%s/%s", site_real, sources[i]);
		int in = within(out_real, p);
		free(p);
		if (in)
			return 1;
	}
	return 0;
}

static int dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 1;
	struct dirent *e;
	int empty = 1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

static char *sibling(const char *out_real, const char *suffix)
{
	const char *slash = strrchr(out_real, '/');
	char *dir = xstrndup(out_real, slash == out_real ? 1 : (size_t)(slash - out_real));
	char *p = xasprintf("%s%s.%s%s", dir, strcmp(dir, "/") ? "/" : "", slash + 1, suffix);
	free(dir);
	return p;
}

/* Staging folders left by a killed build are removed once we hold the
 * lock: no live build can own them then. */
static void remove_stale(const char *out_real)
{
	const char *slash = strrchr(out_real, '/');
	char *dir = xstrndup(out_real, slash == out_real ? 1 : (size_t)(slash - out_real));
	char *prefix = xasprintf(".%s.staging-", slash + 1);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		char *p = xasprintf("%s/%s", dir, e->d_name);
		fs_rm_rf(p);
		free(p);
	}
	if (d)
		closedir(d);
	free(dir);
	free(prefix);
}

int output_begin(struct output *o, const char *site_dir, const char *out_dir,
		 int force, struct diag *d)
{
	memset(o, 0, sizeof *o);
	o->lock_fd = -1;
	char *site_real = realpath(site_dir, NULL);
	char *out_real = resolve(out_dir);
	char *content = site_real ? xasprintf("%s/content", site_real) : NULL;
	char *lock = NULL;
	if (!site_real || !out_real) {
		diag_error(d, NULL, 0, 0, "output folder '%s' is not reachable (its parent folder must exist)", out_dir);
		goto fail;
	}
	if (within(site_real, out_real)) {
		diag_error(d, NULL, 0, 0, "refusing to build into '%s': it contains the site itself", out_dir);
		goto fail;
	}
	if (within(out_real, content) || inside_sources(out_real, site_real)) {
		diag_error(d, NULL, 0, 0, "refusing to build into '%s': it is inside the site's sources", out_dir);
		goto fail;
	}
	struct stat st;
	if (lstat(out_real, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			diag_error(d, NULL, 0, 0, "output '%s' exists and is not a folder", out_dir);
			goto fail;
		}
		char *marker = xasprintf("%s/%s", out_real, OUTPUT_MARKER);
		int ours = fs_exists(marker);
		free(marker);
		if (!ours && !dir_is_empty(out_real) && !force) {
			diag_error(d, NULL, 0, 0,
				   "refusing to replace '%s': it is not empty and quire did not create it (use --force to replace it)",
				   out_dir);
			goto fail;
		}
	}
	lock = sibling(out_real, ".lock");
	o->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (o->lock_fd < 0 || flock(o->lock_fd, LOCK_EX) < 0) {
		diag_error(d, NULL, 0, 0, "cannot lock '%s': %s", lock, strerror(errno));
		goto fail;
	}
	remove_stale(out_real);
	char *suffix = xasprintf(".staging-%ld", (long)getpid());
	o->staging = sibling(out_real, suffix);
	free(suffix);
	if (mkdir(o->staging, 0777) < 0) {
		diag_error(d, NULL, 0, 0, "cannot create a staging folder beside '%s': %s", out_dir, strerror(errno));
		free(o->staging);
		o->staging = NULL;
		goto fail;
	}
	o->out_dir = out_real;
	free(site_real);
	free(content);
	free(lock);
	return 0;
fail:
	if (o->lock_fd >= 0)
		close(o->lock_fd);
	o->lock_fd = -1;
	free(site_real);
	free(out_real);
	free(content);
	free(lock);
	return -2;
}

static int safe_rel(const char *rel)
{
	if (!*rel || rel[0] == '/' || strstr(rel, "\\"))
		return 0;
	for (const char *p = rel; *p;) {
		size_t n = strcspn(p, "/");
		if ((n == 2 && !strncmp(p, "..", 2)) || (n == 1 && *p == '.') || n == 0)
			return 0;
		p += n;
		if (*p)
			p++;
	}
	return 1;
}

int output_write(struct output *o, const char *rel, const char *data,
		 size_t len, struct diag *d)
{
	if (!safe_rel(rel)) {
		diag_error(d, NULL, 0, 0, "refusing to write '%s': not a path inside the output folder", rel);
		return -1;
	}
	char *path = xasprintf("%s/%s", o->staging, rel);
	int rc = fs_write_file(path, data, len);
	if (rc < 0)
		diag_error(d, NULL, 0, 0, "cannot write '%s': %s", rel, strerror(errno));
	free(path);
	return rc;
}

int output_copy(struct output *o, const char *rel, const char *src, struct diag *d)
{
	if (!safe_rel(rel)) {
		diag_error(d, NULL, 0, 0, "refusing to write '%s': not a path inside the output folder", rel);
		return -1;
	}
	char *path = xasprintf("%s/%s", o->staging, rel);
	int rc = fs_copy_file(src, path);
	if (rc < 0)
		diag_error(d, NULL, 0, 0, "cannot copy to '%s': %s", rel, strerror(errno));
	free(path);
	return rc;
}

const char *output_staging(const struct output *o)
{
	return o->staging;
}

static void release(struct output *o)
{
	if (o->lock_fd >= 0)
		close(o->lock_fd);
	o->lock_fd = -1;
	free(o->staging);
	free(o->out_dir);
	o->staging = o->out_dir = NULL;
}

int output_commit(struct output *o, struct diag *d)
{
	if (output_write(o, OUTPUT_MARKER, "quire output folder: replaced on every build\n", 45, d) < 0)
		goto fail;
	if (renameat2(AT_FDCWD, o->staging, AT_FDCWD, o->out_dir, RENAME_EXCHANGE) == 0) {
		/* staging now holds the previous site. */
		fs_rm_rf(o->staging);
	} else if (errno == ENOENT) {
		if (rename(o->staging, o->out_dir) < 0)
			goto fail_errno;
	} else {
		goto fail_errno;
	}
	release(o);
	return 0;
fail_errno:
	diag_error(d, NULL, 0, 0, "cannot replace the output folder: %s", strerror(errno));
fail:
	output_abort(o);
	return -2;
}

void output_abort(struct output *o)
{
	if (o->staging)
		fs_rm_rf(o->staging);
	release(o);
}
