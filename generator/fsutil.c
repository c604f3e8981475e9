/* fsutil: checked file-system helpers. */
#include "fsutil.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "par.h"

int fs_read_file(const char *path, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT ? -2 : -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (errno == 0 || !S_ISREG(st.st_mode))
			errno = EINVAL;
		close(fd);
		return -1;
	}
	if ((unsigned long long)st.st_size > FS_MAX_FILE) {
		close(fd);
		return -3;
	}
	struct buf b = BUF_INIT;
	buf_grow(&b, (size_t)st.st_size);
	for (;;) {
		buf_grow(&b, 65536);
		ssize_t n = read(fd, b.ptr + b.len, 65536);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			buf_free(&b);
			return -1;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		if (b.len > FS_MAX_FILE) {
			close(fd);
			buf_free(&b);
			return -3;
		}
	}
	b.ptr[b.len] = '\0';
	close(fd);
	*len = b.len;
	*out = buf_detach(&b);
	return 0;
}

int fs_mkdir_p(const char *dir)
{
	char *p = xstrdup(dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = mkdir(p, 0777) < 0 && errno != EEXIST ? -1 : 0;
	free(p);
	return rc;
}

int fs_read_buf(const char *path, struct buf *out)
{
	char *text;
	size_t len;
	int rc = fs_read_file(path, &text, &len);
	if (rc == 0) {
		buf_free(out);
		*out = (struct buf){ text, len, len + 1 };
	}
	return rc;
}

int fs_mkdirs_for(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return 0;
	char *dir = xstrndup(path, (size_t)(slash - path));
	int rc = fs_mkdir_p(dir);
	free(dir);
	return rc;
}

int fs_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int fs_write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (fd < 0 && errno == ENOENT) {
		if (fs_mkdirs_for(path) < 0)
			return -1;
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
	}
	if (fd < 0)
		return -1;
	if (fs_write_all(fd, data, len) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

int fs_replace_file(const char *path, const char *data, size_t len)
{
	char *dir = xstrdup(path), *tmp = xasprintf("%s.XXXXXX", path);
	char *slash = strrchr(dir, '/');
	int fd = -1, rc = -1;
	if (slash)
		*slash = '\0';
	if ((slash && mkdir(dir, 0777) < 0 && errno != EEXIST) || (fd = mkstemp(tmp)) < 0)
		goto done;
	int written = fs_write_all(fd, data, len);
	int closed = close(fd);
	if (written == 0 && closed == 0 && rename(tmp, path) == 0)
		rc = 0;
	else
		unlink(tmp);
done:
	free(dir);
	free(tmp);
	return rc;
}

int fs_create_temp(const char *path, char **tmp)
{
	static atomic_uint count;
	const char *slash = strrchr(path, '/');
	size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
	/* The process id and a count: unique among live processes; a name
	 * left by a dead one that had this id is passed over (O_EXCL). */
	for (int tries = 0; tries < 1000; tries++) {
		*tmp = xasprintf("%.*s.%s.tmp-%ld-%u", (int)dir, path, path + dir, (long)getpid(),
				 atomic_fetch_add(&count, 1));
		int fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd >= 0)
			return fd;
		int e = errno;
		free(*tmp);
		*tmp = NULL;
		errno = e;
		if (e != EEXIST)
			return -1;
	}
	return -1;
}

/* Whether name is a temporary file fs_create_temp made for base (its
 * process id in *pid). */
static int temp_of(const char *name, const char *base, long *pid)
{
	size_t n = strlen(base);
	if (name[0] != '.' || strncmp(name + 1, base, n) || strncmp(name + 1 + n, ".tmp-", 5))
		return 0;
	char *end;
	*pid = strtol(name + n + 6, &end, 10);
	return *pid > 0 && *end == '-';
}

int fs_sweep_temps(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, (size_t)(slash - path) + 1) : xstrdup(".");
	const char *base = slash ? slash + 1 : path;
	DIR *d = opendir(dir);
	int removed = 0;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		long pid;
		struct stat st;
		if (!temp_of(de->d_name, base, &pid) || (pid_t)pid == getpid())
			continue;
		char *full = xasprintf("%s%s%s", dir, slash ? "" : "/", de->d_name);
		/* a live process of that id (or one we may not signal) may be
		 * writing it: only a dead one's, and not a recent file, since a
		 * process in another PID namespace is not seen */
		if (kill((pid_t)pid, 0) < 0 && errno == ESRCH && lstat(full, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_uid == geteuid() && st.st_mtime < time(NULL) - 3600 && unlink(full) == 0)
			removed++;
		free(full);
	}
	if (d)
		closedir(d);
	free(dir);
	return removed;
}

int fs_copy_file(const char *from, const char *to)
{
	char *data;
	size_t len;
	int fd = open(from, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	close(fd);
	/* Assets may be larger than sources: copy in chunks, no size cap. */
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (out < 0 && errno == ENOENT && fs_mkdirs_for(to) == 0)
		out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (out < 0) {
		close(in);
		return -1;
	}
	data = xmalloc(1 << 16);
	int rc = 0;
	for (;;) {
		ssize_t n = read(in, data, 1 << 16);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -1 : 0;
			break;
		}
		for (len = 0; len < (size_t)n;) {
			ssize_t w = write(out, data + len, (size_t)n - len);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				rc = -1;
				goto done;
			}
			len += (size_t)w;
		}
	}
done:
	free(data);
	close(in);
	if (close(out) < 0)
		rc = -1;
	return rc;
}

/* Empties the folder open as dfd (closed here).  Names are unlinked by
 * their type from readdir, with no stat per file, and sub-folders opened
 * without following links, so a symlink is removed, never followed.  The
 * first level is shared among jobs threads: removing the previous build's
 * 50,000 pages is the last thing a rebuild waits for. */
struct rm_ctx {
	int dfd, failed;
	char **names;
	unsigned char *dirs;
};

static int rm_in(int dfd, int depth);

static void rm_one(struct rm_ctx *c, const char *name, int is_dir, int depth)
{
	if (is_dir) {
		int sub = openat(c->dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 || rm_in(sub, depth + 1) < 0)
			c->failed = 1;
		if (unlinkat(c->dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
			c->failed = 1;
	} else if (unlinkat(c->dfd, name, 0) < 0 && errno != ENOENT) {
		c->failed = 1;
	}
}

static int entry_is_dir(int dfd, const struct dirent *de)
{
	struct stat st;
	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	return fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

static int rm_in(int dfd, int depth)
{
	DIR *d = depth > 64 ? NULL : fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -1;
	}
	struct rm_ctx c = { .dfd = dfd };
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		rm_one(&c, de->d_name, entry_is_dir(dfd, de), depth);
	}
	closedir(d);
	return c.failed ? -1 : 0;
}

static void rm_top(void *ctx, size_t i)
{
	struct rm_ctx *c = ctx;
	struct rm_ctx one = { .dfd = c->dfd };
	rm_one(&one, c->names[i], c->dirs[i], 1);
	if (one.failed)
		c->failed = 1;
}

int fs_rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	struct rm_ctx c = { .dfd = dfd };
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			c.names = xrealloc(c.names, cap * sizeof *c.names);
			c.dirs = xrealloc(c.dirs, cap);
		}
		c.dirs[n] = (unsigned char)entry_is_dir(dfd, de);
		c.names[n++] = xstrdup(de->d_name);
	}
	par_for(n, par_default_jobs(), rm_top, &c);
	for (size_t i = 0; i < n; i++)
		free(c.names[i]);
	free(c.names);
	free(c.dirs);
	closedir(d);
	if (rmdir(path) < 0 && errno != ENOENT)
		c.failed = 1;
	return c.failed ? -1 : 0;
}

char *fs_resolve(const char *path)
{
	char *r = realpath(path, NULL);
	if (r)
		return r;
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--; /* "public/" names public */
	char *p = xstrndup(path, n);
	const char *slash = strrchr(p, '/');
	const char *name = slash ? slash + 1 : p;
	char *parent = slash ? xstrndup(p, slash == p ? 1 : (size_t)(slash - p)) : xstrdup(".");
	/* "" or a name that climbs ("a/.." where a is missing) names no
	 * folder of its own: the answer would end in "/" or "/.." and pass
	 * for a folder beside its parent */
	char *rp = !*name || !strcmp(name, ".") || !strcmp(name, "..") ? NULL : realpath(parent, NULL);
	char *full = NULL;
	if (rp)
		full = xasprintf("%s%s%s", rp, strcmp(rp, "/") ? "/" : "", name);
	free(parent);
	free(rp);
	free(p);
	return full;
}

int fs_within(const char *path, const char *root)
{
	size_t n = strlen(root);
	return !strncmp(path, root, n) && (path[n] == '/' || path[n] == '\0' || (n == 1 && root[0] == '/'));
}

int fs_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int fs_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* Lists below dir the regular files, or (links) the symbolic links. */
static int list_into(const char *dir, const char *rel, char ***v, size_t *n, size_t *cap, int depth, int links)
{
	if (depth > 32)
		return -1;
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT && depth == 0 ? 0 : -1;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		char *r = *rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (list_into(path, r, v, n, cap, depth + 1, links) < 0)
				rc = -1;
			free(r);
		} else if (lstat(path, &st) == 0 && (links ? S_ISLNK(st.st_mode) : S_ISREG(st.st_mode))) {
			if (*n == *cap) {
				*cap = *cap ? *cap * 2 : 32;
				*v = xrealloc(*v, *cap * sizeof **v);
			}
			(*v)[(*n)++] = r;
		} else {
			free(r);
		}
		free(path);
	}
	closedir(d);
	return rc;
}

int fs_list_files(const char *dir, char ***out, size_t *n)
{
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc = list_into(dir, "", out, n, &cap, 0, 0);
	if (*n)
		qsort(*out, *n, sizeof **out, str_cmp_sort);
	return rc;
}

int fs_list_links(const char *dir, char ***out, size_t *n)
{
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc = list_into(dir, "", out, n, &cap, 0, 1);
	if (*n)
		qsort(*out, *n, sizeof **out, str_cmp_sort);
	return rc;
}
