/* output: staging folder, guards and the atomic swap.  Unchanged files are
 * hard links to the previous OUT's, so a rebuild of a big site does not
 * allocate (and later free) an inode per page.  The folder swapped out is
 * kept beside OUT as ".OUT.back" and is the next build's staging folder:
 * a file both builds left alone is already there (the same inode as
 * OUT's), a file only it holds is rewritten in place, and what the build
 * does not make is pruned before the swap.  A rebuild thus neither links
 * nor unlinks the whole site.  The first rebuild into OUT has no such
 * folder: it links OUT's files into a new one while the sources load
 * (output_prelink), then goes on as a recycled build would. */
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "bundle.h"
#include "fsutil.h"
#include "par.h"

/* OUT may sit in SITE (SITE/public is the default) but never in a folder
 * the site is made of. */
static int inside_sources(const char *out_real, const char *site_real)
{
	static const char *const sources[] = { "content", "themes", "scripts", ".git" };
	for (size_t i = 0; i < sizeof sources / sizeof *sources; i++) {
		char *p = xasprintf("%s/%s", site_real, sources[i]);
		int in = fs_within(out_real, p);
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

/* Gives the owner of quire's own folder dir (a staging folder, ".OUT.back")
 * back the rights to empty it: it has OUT's mode (see take_mode), which
 * may be read-only, and a folder that cannot be emptied is left behind. */
static void own_again(const char *dir)
{
	struct stat st;
	if (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & S_IRWXU) != S_IRWXU)
		(void)!chmod(dir, (st.st_mode | S_IRWXU) & 07777);
}

/* The end of the staging name the previous site has while OUT is
 * replaced in steps (swap_in_steps). */
#define SWAPPED_OUT "-old"

/* Staging folders left by a killed build are removed once we hold the
 * lock: no live build can own them then.  But with OUT missing, the
 * previous site moved aside by a swap in steps (swap_in_steps: the build
 * killed between its steps, or the step back failed) is put back. */
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
		size_t n = strlen(e->d_name);
		size_t sl = strlen(SWAPPED_OUT);
		if (n < sl || strcmp(e->d_name + n - sl, SWAPPED_OUT) || access(out_real, F_OK) == 0 || errno != ENOENT ||
		    rename(p, out_real) < 0) {
			own_again(p);
			fs_rm_rf(p);
		}
		free(p);
	}
	if (d)
		closedir(d);
	free(dir);
	free(prefix);
}

/* Errors every other file would meet too: the disk or the process is out
 * of something, or the disk is failing. */
static int ends_writing(int e)
{
	return e == ENOSPC || e == EDQUOT || e == EFBIG || e == EMFILE || e == ENFILE || e == EROFS || e == EIO;
}

/* Whether the writing has ended (see write_failed): then the build fails
 * and nothing more is written. */
static int given_up(struct output *o)
{
	return atomic_load_explicit(&o->failed, memory_order_relaxed) != 0;
}

/* Reports that rel could not be written to staging (errno e).  An error
 * every other file would meet too is reported once, for OUT as a whole,
 * and ends the writing: a full disk gave a line per page (4,913 of them).
 * Either is the environment's fault, not the site's (exit 2). */
static void write_failed(struct output *o, const char *rel, int e, struct diag *d)
{
	int none = 0;
	if (!ends_writing(e))
		diag_fault(d, NULL, 0, 0, "cannot write '%s': %s", rel, strerror(e));
	else if (atomic_compare_exchange_strong(&o->failed, &none, e))
		diag_fault(d, NULL, 0, 0, "cannot write the site into '%s' (stopped at '%s'): %s%s", o->out_dir, rel,
			   strerror(e), e == EMFILE || e == ENFILE ? " (lower -j, or raise the limit with ulimit -n)" : "");
}

/* ---- the folder kept from the build before last ---- */

struct output_rec {
	char *rel;      /* previous: inside prev_image; this build's: owned */
	int has_fp;     /* 0: written by bytes (kept from pruning, not reused) */
	uint64_t fp[2];
	unsigned long long ino;
	long long size, mtime_s, mtime_ns;
	/* A previous record only.  staged: the sweep found staging's file at
	 * rel to be the very file recorded.  kept: this build has the file
	 * (output_reuse linked it), so its record stands for this build too.
	 * One byte each: rendering threads set kept on records side by side. */
	unsigned char staged, kept;
	int32_t base_ix; /* a previous record's place in the base image, or -1 */
};

/* A hash of a path.  Records are found through a hash table, not sorted
 * and halved: a rebuild looks up and records 50,000 paths, and sorting
 * them was a third of its commit. */
static uint64_t path_hash(const char *s)
{
	size_t n = strlen(s);
	uint64_t h = 0xcbf29ce484222325ULL ^ n, w;
	/* eight bytes a step: paths are long and alike */
	for (; n >= 8; n -= 8, s += 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	for (; n; n--, s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h ^ (h >> 32);
}

static void index_build(struct output_index *ix, const struct output_rec *v, size_t n)
{
	size_t cap = 16;
	while (cap < 2 * n)
		cap <<= 1;
	free(ix->slot);
	ix->slot = xcalloc(cap, sizeof *ix->slot);
	ix->mask = cap - 1;
	for (size_t i = 0; i < n; i++) {
		size_t h = (size_t)path_hash(v[i].rel) & ix->mask;
		while (ix->slot[h])
			h = (h + 1) & ix->mask;
		ix->slot[h] = (uint32_t)(i + 1);
	}
}

/* The index of rel's record among v (indexed by ix), or -1. */
static long index_at(const struct output_index *ix, const struct output_rec *v, const char *rel)
{
	if (!ix->slot)
		return -1;
	for (size_t h = (size_t)path_hash(rel) & ix->mask; ix->slot[h]; h = (h + 1) & ix->mask)
		if (!strcmp(v[ix->slot[h] - 1].rel, rel))
			return (long)ix->slot[h] - 1;
	return -1;
}

/* A file's identity as a manifest records it. */
struct file_id {
	unsigned long long ino;
	long long size, mtime_s, mtime_ns;
};

/* What the sweep of a recycled folder leaves in it, for prune to work
 * from without reading every folder again: paths inside staging, a folder
 * before what it holds.  Each file is stat'ed as its folder is read (one
 * path component from an open folder, its entry just read) and matched
 * with the previous build's record of the same path (see match_found):
 * the rendering threads then keep an unchanged file with no system call. */
struct found {
	struct buf names; /* the paths, each ending in NUL, in one block */
	size_t *at;       /* where each starts in names */
	int32_t *parent;  /* index of the folder holding it in this list; -1: none */
	unsigned char *is_dir;
	struct file_id *id; /* a file's; ino 0: not a regular file */
	int32_t *prev;      /* the previous record of its path, or -1 */
	size_t n, cap;
};

static int32_t found_add(struct found *f, const char *rel, int32_t parent, int is_dir, const struct stat *st)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 256;
		f->at = xrealloc(f->at, f->cap * sizeof *f->at);
		f->parent = xrealloc(f->parent, f->cap * sizeof *f->parent);
		f->is_dir = xrealloc(f->is_dir, f->cap);
		f->id = xrealloc(f->id, f->cap * sizeof *f->id);
		f->prev = xrealloc(f->prev, f->cap * sizeof *f->prev);
	}
	f->at[f->n] = f->names.len;
	buf_put(&f->names, rel, strlen(rel) + 1);
	f->parent[f->n] = parent;
	f->is_dir[f->n] = (unsigned char)is_dir;
	f->id[f->n] = st && S_ISREG(st->st_mode) ?
		(struct file_id){ (unsigned long long)st->st_ino, (long long)st->st_size,
				  (long long)st->st_mtim.tv_sec, (long long)st->st_mtim.tv_nsec } :
		(struct file_id){ 0, 0, 0, 0 };
	f->prev[f->n] = -1;
	return (int32_t)f->n++;
}

static const char *found_rel(const struct found *f, size_t i)
{
	return f->names.ptr + f->at[i];
}

static void found_free(struct found *f)
{
	buf_free(&f->names);
	free(f->at);
	free(f->parent);
	free(f->is_dir);
	free(f->id);
	free(f->prev);
	memset(f, 0, sizeof *f);
}

static void drop_found(struct output *o)
{
	for (size_t i = 0; i < o->nfound; i++)
		found_free(&o->found[i]);
	free(o->found);
	o->found = NULL;
	o->nfound = 0;
}

static int sweep(int dfd, struct buf *rel, struct found *f, int32_t parent);

/* Sweeps one entry of the folder dfd (rel: its path inside staging), noting
 * what stays in f.  Returns -1 when a folder cannot be read or written. */
static int sweep_entry(int dfd, const char *name, unsigned char type, struct buf *rel, struct found *f,
		       int32_t parent)
{
	struct stat st;
	int have = 0;
	if (type == DT_UNKNOWN || type == DT_REG) {
		have = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
		type = !have ? DT_UNKNOWN : S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
	}
	size_t base = rel->len;
	if (base)
		buf_putc(rel, '/');
	buf_puts(rel, name);
	int rc = 0;
	if (type == DT_DIR) {
		int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int32_t at = found_add(f, rel->ptr, parent, 1, NULL);
		if (sub < 0 || sweep(sub, rel, f, at) < 0 || faccessat(dfd, name, W_OK | X_OK, AT_EACCESS) < 0)
			rc = -1;
	} else if (type == DT_REG) {
		found_add(f, rel->ptr, parent, 0, &st);
	} else if (unlinkat(dfd, name, 0) < 0) {
		rc = -1;
	}
	buf_truncate(rel, base);
	return rc;
}

/* Removes what a staging folder must not hold below the open folder dfd
 * (rel: its path inside staging): symlinks, FIFOs and the like, so no
 * write follows a link out of the folder.  Returns 0, or -1 when a folder
 * cannot be read or written: one that cannot be read may hide a symlink,
 * one that cannot be written would fail the build.  Takes dfd. */
static int sweep(int dfd, struct buf *rel, struct found *f, int32_t parent)
{
	DIR *dir = fdopendir(dfd);
	if (!dir) {
		close(dfd);
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(dir)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			rc |= sweep_entry(dirfd(dir), e->d_name, e->d_type, rel, f, parent);
	closedir(dir);
	return rc;
}

/* The folders at the top of staging are swept on every core: a site keeps
 * its thousands of pages in a few folders.  Each has its list of what
 * stays; the last list holds the files at the top. */
struct sweep_top {
	int dfd;
	char **dirs;
	int *rc;
	struct found *lists;
};

static void sweep_one_dir(void *ctx, size_t i)
{
	struct sweep_top *t = ctx;
	struct buf rel = BUF_INIT;
	t->rc[i] = sweep_entry(t->dfd, t->dirs[i], DT_DIR, &rel, &t->lists[i], -1);
	buf_free(&rel);
}

/* sweep at the top of o's staging (dfd, taken), with its folders in
 * parallel; o->found gets the lists of what stays. */
static int sweep_staging(struct output *o, int dfd, int jobs)
{
	DIR *dir = fdopendir(dfd);
	if (!dir) {
		close(dfd);
		return -1;
	}
	struct sweep_top t = { dirfd(dir), NULL, NULL, NULL };
	struct found top = { 0 };
	size_t n = 0, cap = 0;
	int rc = 0;
	struct buf rel = BUF_INIT;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (e->d_type != DT_DIR) {
			rc |= sweep_entry(t.dfd, e->d_name, e->d_type, &rel, &top, -1);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			t.dirs = xrealloc(t.dirs, cap * sizeof *t.dirs);
		}
		t.dirs[n++] = xstrdup(e->d_name);
	}
	t.rc = xcalloc(n ? n : 1, sizeof *t.rc);
	t.lists = xcalloc(n + 1, sizeof *t.lists);
	par_for(n, jobs, sweep_one_dir, &t);
	for (size_t i = 0; i < n; i++) {
		rc |= t.rc[i];
		free(t.dirs[i]);
	}
	t.lists[n] = top;
	o->found = t.lists;
	o->nfound = n + 1;
	free(t.dirs);
	free(t.rc);
	buf_free(&rel);
	closedir(dir);
	return rc;
}

/* Makes ".OUT.back" (the site two builds ago, linked with OUT where the
 * two agree) the staging folder.  Only a folder quire made (it has the
 * marker) is taken.  Returns 0, or -1: staging must be made afresh. */
static int recycle(struct output *o, const char *out_real, const char *staging, int jobs)
{
	char *back = sibling(out_real, ".back");
	char *marker = xasprintf("%s/%s", back, OUTPUT_MARKER);
	struct stat st;
	int rc = -1;
	if (lstat(back, &st) == 0 && S_ISDIR(st.st_mode) && lstat(marker, &st) == 0 &&
	    S_ISREG(st.st_mode) && rename(back, staging) == 0) {
		own_again(staging);
		int fd = open(staging, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		rc = fd >= 0 && access(staging, W_OK | X_OK) == 0 && sweep_staging(o, fd, jobs) == 0 ? 0 : -1;
		/* What cannot be removed is set aside again, out of the way. */
		if (rc < 0 && fs_rm_rf(staging) < 0)
			rename(staging, back);
	}
	free(back);
	free(marker);
	return rc;
}

/* Whether path is, or lies in, one of the names quire keeps beside OUT:
 * ".OUT.back", ".OUT.lock", ".OUT.staging-…", all ".OUT." and more. */
static int beside_out(const char *path, const char *out_real)
{
	char *ours = sibling(out_real, ".");
	int in = !strncmp(path, ours, strlen(ours));
	free(ours);
	return in;
}

int output_check_bundle(const char *site_dir, const char *out_dir, const char *zip, struct diag *d)
{
	char *site_real = realpath(site_dir, NULL);
	char *out_real = fs_resolve(out_dir);
	char *zip_real = fs_resolve(zip);
	int rc = 0;
	if (!zip_real) {
		diag_error(d, NULL, 0, 0, "--bundle: the folder of '%s' does not exist", zip);
		rc = -2;
	} else if (out_real && fs_within(zip_real, out_real)) {
		diag_error(d, NULL, 0, 0, "--bundle: '%s' is inside the output folder, which every build replaces", zip);
		rc = -2;
	} else if (site_real && inside_sources(zip_real, site_real)) {
		diag_error(d, NULL, 0, 0, "--bundle: '%s' is inside the site's sources (content/, themes/, scripts/ or .git/)", zip);
		rc = -2;
	} else if (fs_is_dir(zip_real)) {
		diag_error(d, NULL, 0, 0, "--bundle: '%s' is a folder: name the zip file to write, e.g. '%s/guidance.zip'",
			   zip, zip);
		rc = -2;
	} else if (out_real && beside_out(zip_real, out_real)) {
		diag_error(d, NULL, 0, 0,
			   "--bundle: '%s' is one of the names quire keeps beside the output folder (its lock, its "
			   "staging folder or .back, which a build takes over): write the zip elsewhere", zip);
		rc = -2;
	}
	free(site_real);
	free(out_real);
	free(zip_real);
	return rc;
}

/* Whether the folder path (st: its lstat) is a mount point: a build
 * swaps OUT with a folder beside it (rename), which the kernel refuses
 * for a mount point (EBUSY), so it is found before anything is rendered.
 * The kernel says so where it can (a bind mount of a folder of the same
 * file system has its parent's st_dev); else st_dev tells. */
static int is_mount_point(const char *path, const struct stat *st)
{
#ifdef STATX_ATTR_MOUNT_ROOT
	struct statx sx;
	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) == 0 &&
	    (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
#endif
	const char *slash = strrchr(path, '/');
	char *parent = xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
	struct stat pst;
	int mp = stat(parent, &pst) == 0 && pst.st_dev != st->st_dev;
	free(parent);
	return mp;
}

/* Takes the lock on fd for OUT (out_dir as the user named it), waiting
 * for the build that holds it.  It polls rather than block in flock:
 * signals restart a blocked flock (SA_RESTART), so Ctrl-C did nothing
 * until the other build ended.  0; 1 when *stop was set while waiting;
 * -1 (errno) when the lock cannot be taken at all. */
static int take_lock(int fd, const char *out_dir, const char *lock, volatile sig_atomic_t *stop)
{
	int told = 0;
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return -1;
		if (stop && *stop)
			return 1;
		if (!told) {
			fprintf(stderr, "waiting for another quire build of %s to finish (lock %s)\n", out_dir, lock);
			told = 1;
		}
		/* the flag is seen within a tenth of a second (the signal may
		 * well go to another thread than this one, sleeping) */
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	}
}

/* OUT's mode (setgid included), owner and group, set on the staging
 * folder: OUT and ".OUT.back" swap places on every build, so a
 * publisher's `chgrp www-data public; chmod 2750 public` held only every
 * other build.  Done when staging is made (what the build creates in it
 * inherits a setgid folder's group, as it would in OUT), with the bits in
 * also (the owner's rwx: the build must write there whatever OUT's mode),
 * and exactly before the swap.  A user who may not give the folder away
 * (not root) keeps it, and the group when it is one of theirs; the mode
 * is copied only when the group is OUT's, else it could let the wrong
 * group in or keep the right one out. */
static void take_mode(const struct output *o, mode_t also, struct diag *d)
{
	struct stat want, cur;
	if (o->prev_fd < 0 || !o->staging || fstat(o->prev_fd, &want) < 0)
		return;
	int fd = open(o->staging, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	mode_t mode = (want.st_mode | also) & 07777;
	if (fstat(fd, &cur) == 0 && (cur.st_uid != want.st_uid || cur.st_gid != want.st_gid) &&
	    fchown(fd, want.st_uid, want.st_gid) < 0 && errno == EPERM && cur.st_gid != want.st_gid)
		(void)!fchown(fd, (uid_t)-1, want.st_gid);
	if (fstat(fd, &cur) == 0 && cur.st_gid == want.st_gid && (cur.st_mode & 07777) != mode)
		(void)!fchmod(fd, mode);
	/* (said once, before the swap, that a publisher may put it right) */
	if (d && fstat(fd, &cur) == 0 && cur.st_gid != want.st_gid)
		diag_warning(d, NULL, 0, 0,
			     "the new '%s' cannot have the old one's group (gid %u) and mode %04o: this user may not "
			     "give a folder that group; it has gid %u and mode %04o",
			     o->out_dir, (unsigned)want.st_gid, (unsigned)(want.st_mode & 07777), (unsigned)cur.st_gid,
			     (unsigned)(cur.st_mode & 07777));
	close(fd);
}

int output_begin(struct output *o, const char *site_dir, const char *out_dir,
		 int flags, int jobs, volatile sig_atomic_t *stop, struct diag *d)
{
	memset(o, 0, sizeof *o);
	o->jobs = jobs;
	o->made0 = 1024;
	o->lock_fd = -1;
	o->prev_fd = -1;
	o->staging_fd = -1;
	o->new_files = !!(flags & OUTPUT_NEW_FILES);
	char *site_real = realpath(site_dir, NULL);
	char *out_real = *out_dir ? fs_resolve(out_dir) : NULL;
	char *content = site_real ? xasprintf("%s/content", site_real) : NULL;
	char *lock = NULL;
	struct stat st;
	if (!site_real || !out_real) {
		diag_error(d, NULL, 0, 0, "output folder '%s' is not reachable (its parent folder must exist)", out_dir);
		goto fail;
	}
	/* A repository may commit "public" as a link to a folder outside
	 * the site (another site's output): a plain `quire build` must not
	 * replace that.  Named with -o, a link is the user's choice: the
	 * folder it leads to is OUT (its lock and ".back" sit beside it). */
	if ((flags & OUTPUT_DEFAULT_OUT) && lstat(out_dir, &st) == 0 && S_ISLNK(st.st_mode)) {
		diag_error(d, NULL, 0, 0,
			   "refusing to build into '%s': it is a symbolic link (to '%s') and a build would replace "
			   "the folder it leads to; to build there, name it with -o",
			   out_dir, out_real);
		goto fail;
	}
	if (fs_within(site_real, out_real)) {
		diag_error(d, NULL, 0, 0, "refusing to build into '%s': it contains the site itself", out_dir);
		goto fail;
	}
	if (fs_within(out_real, content) || inside_sources(out_real, site_real)) {
		diag_error(d, NULL, 0, 0, "refusing to build into '%s': it is inside the site's sources", out_dir);
		goto fail;
	}
	if (lstat(out_real, &st) == 0) {
		if (S_ISLNK(st.st_mode)) { /* (one to a folder is resolved) */
			diag_error(d, NULL, 0, 0, "output '%s' is a symbolic link that leads to no folder", out_dir);
			goto fail;
		}
		if (!S_ISDIR(st.st_mode)) {
			diag_error(d, NULL, 0, 0, "output '%s' exists and is not a folder", out_dir);
			goto fail;
		}
		if (is_mount_point(out_real, &st)) {
			diag_error(d, NULL, 0, 0,
				   "cannot build into '%s': it is a mount point, and quire replaces OUT by swapping it "
				   "with a folder beside it, which a mount point cannot be; mount the folder above it "
				   "instead and build into a folder inside that",
				   out_dir);
			goto fail;
		}
		char *marker = xasprintf("%s/%s", out_real, OUTPUT_MARKER);
		int ours = fs_exists(marker);
		free(marker);
		if (!ours && !dir_is_empty(out_real) && !(flags & OUTPUT_FORCE)) {
			diag_error(d, NULL, 0, 0,
				   "refusing to replace '%s': it is not empty and quire did not create it (use --force to replace it)",
				   out_dir);
			goto fail;
		}
	}
	lock = sibling(out_real, ".lock");
	/* never through a symlink (a repository may commit one there) */
	o->lock_fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (o->lock_fd < 0 && errno == ELOOP) {
		diag_error(d, NULL, 0, 0, "'%s' is a symbolic link, not quire's lock file: remove it", lock);
		goto fail;
	}
	int locked = o->lock_fd < 0 ? -1 : take_lock(o->lock_fd, out_dir, lock, stop);
	if (locked > 0) {
		diag_error(d, NULL, 0, 0, "build interrupted");
		goto fail;
	}
	if (locked < 0 && (errno == EACCES || errno == EPERM || errno == EROFS)) {
		/* /var/www root's, /var/www/guidance the deploy user's */
		const char *slash = strrchr(out_real, '/');
		diag_error(d, NULL, 0, 0,
			   "cannot lock '%s': %s: quire keeps its lock, its staging folder and '.%s.back' beside "
			   "OUT, in '%.*s', which this user must be able to write; or build into a folder of its own "
			   "and copy that (rsync -a --delete)",
			   lock, strerror(errno), slash + 1, slash == out_real ? 1 : (int)(slash - out_real), out_real);
		goto fail;
	}
	if (locked < 0) {
		diag_error(d, NULL, 0, 0, "cannot lock '%s': %s", lock, strerror(errno));
		goto fail;
	}
	remove_stale(out_real);
	/* Missing (first build) is fine: nothing to link from. */
	o->prev_fd = open(out_real, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	char *suffix = xasprintf(".staging-%ld", (long)getpid());
	o->staging = sibling(out_real, suffix);
	free(suffix);
	o->recycled = recycle(o, out_real, o->staging, jobs) == 0;
	if (!o->recycled)
		drop_found(o);
	if (!o->recycled && mkdir(o->staging, 0777) < 0) {
		diag_error(d, NULL, 0, 0, "cannot create a staging folder beside '%s': %s", out_dir, strerror(errno));
		free(o->staging);
		o->staging = NULL;
		goto fail;
	}
	take_mode(o, S_IRWXU, NULL);
	o->staging_fd = open(o->staging, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	o->out_dir = out_real;
	o->site_dir = xstrdup(site_dir);
	free(site_real);
	free(content);
	free(lock);
	return 0;
fail:
	if (o->lock_fd >= 0)
		close(o->lock_fd);
	if (o->prev_fd >= 0)
		close(o->prev_fd);
	o->lock_fd = o->prev_fd = -1;
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

/* Opens rel in the previous OUT for reading, or returns -1.  No symlink is
 * followed on the way (where openat2 is allowed), so a link made from it
 * never reaches a file outside the previous OUT. */
static int open_prev(const struct output *o, const char *rel)
{
	if (o->prev_fd < 0)
		return -1;
	struct open_how how = { .flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS };
	int fd = (int)syscall(SYS_openat2, o->prev_fd, rel, &how, sizeof how);
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = openat(o->prev_fd, rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	return fd;
}

/* Reads up to n bytes at off; short only at the end of the file. */
static ssize_t read_at(int fd, char *p, size_t n, off_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, p + got, n - got, off + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

#define CHUNK ((size_t)1 << 16)

/* 1 when the regular file fd holds exactly len bytes equal to data (a
 * missing data means: equal to the regular file other). */
static int same_bytes(int fd, const char *data, size_t len, int other)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (off_t)len != st.st_size)
		return 0;
	size_t cap = len < CHUNK ? len : CHUNK;
	char *a = xmalloc(cap + 1), *b = data ? NULL : xmalloc(cap + 1);
	int same = 1;
	for (size_t off = 0; same && off < len; off += cap) {
		size_t n = len - off < cap ? len - off : cap;
		/* Asking for one byte more notices a file that grew. */
		size_t want = off + n == len ? n + 1 : n;
		if (read_at(fd, a, want, (off_t)off) != (ssize_t)n)
			same = 0;
		else if (data)
			same = !memcmp(a, data + off, n);
		else
			same = read_at(other, b, want, (off_t)off) == (ssize_t)n && !memcmp(a, b, n);
	}
	free(a);
	free(b);
	return same;
}

/* In a recycled staging folder, the site of two builds ago may have a file
 * where this build needs a folder, or the reverse: clears the way to path
 * (a file in place of a folder on it, a folder at its end). */
static void clear_way(const struct output *o, const char *path)
{
	size_t skip = strlen(o->staging) + 1;
	char *p = xstrdup(path);
	struct stat st;
	for (char *slash = strchr(p + skip, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (lstat(p, &st) == 0 && !S_ISDIR(st.st_mode))
			unlink(p);
		*slash = '/';
	}
	if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
		fs_rm_rf(p);
	free(p);
}

/* After an attempt to make path failed with errno: in a recycled folder,
 * clears the way when that is what stopped it.  1: try once more. */
static int cleared(const struct output *o, const char *path)
{
	if ((!o->recycled && !o->prelinked) || (errno != ENOTDIR && errno != EEXIST && errno != EISDIR))
		return 0;
	clear_way(o, path);
	return fs_mkdirs_for(path) == 0;
}

/* Opens a file only the recycled staging folder holds for rewriting in
 * place: no inode is allocated or freed.  A file shared with OUT (a hard
 * link) is never opened this way.  Returns an fd or -1. */
static int rewrite_own(const char *path)
{
	int fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 && ftruncate(fd, 0) == 0)
		return fd;
	close(fd);
	return -1;
}

/* Creates path in staging as a new file and returns its fd.  A path that
 * already exists (written twice, or a link) is unlinked first, so no
 * write ever goes through a hard link into the previous OUT. */
static int create_new(const struct output *o, const char *path)
{
	int fd = o->recycled && !o->new_files ? rewrite_own(path) : -1;
	if (fd >= 0)
		return fd;
	int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	fd = open(path, flags, 0666);
	if (fd < 0 && errno == ENOENT && fs_mkdirs_for(path) == 0)
		fd = open(path, flags, 0666);
	if (fd < 0 && errno == EEXIST && unlink(path) == 0)
		fd = open(path, flags, 0666);
	if (fd < 0 && cleared(o, path))
		fd = open(path, flags, 0666);
	return fd;
}

/* 1 when staging's path already is rel in the previous OUT (a recycled
 * staging folder keeps the files both builds left alone). */
static int already_linked(const struct output *o, const char *rel, const char *path)
{
	struct stat a, b;
	return (o->recycled || o->prelinked) && lstat(path, &a) == 0 && S_ISREG(a.st_mode) &&
	       fstatat(o->prev_fd, rel, &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* Makes staging's path a hard link to rel in the previous OUT, creating
 * folders and replacing what path held.  0 or -1. */
static int link_from_prev(const struct output *o, const char *rel, const char *path)
{
	int rc = linkat(o->prev_fd, rel, AT_FDCWD, path, 0);
	if (rc < 0 && errno == ENOENT && fs_mkdirs_for(path) == 0)
		rc = linkat(o->prev_fd, rel, AT_FDCWD, path, 0);
	if (rc < 0 && errno == EEXIST && already_linked(o, rel, path))
		return 0;
	if (rc < 0 && errno == EEXIST && unlink(path) == 0)
		rc = linkat(o->prev_fd, rel, AT_FDCWD, path, 0);
	if (rc < 0 && cleared(o, path))
		rc = linkat(o->prev_fd, rel, AT_FDCWD, path, 0);
	return rc;
}

/* Makes staging's path a hard link to rel in the previous OUT, checking
 * that it is the very file old was opened on.  Returns 0 or -1 (then path
 * does not exist and the caller writes it). */
static int link_prev(const struct output *o, const char *rel, const char *path, int old)
{
	if (link_from_prev(o, rel, path) < 0)
		return -1;
	struct stat a, b;
	if (fstat(old, &a) == 0 && lstat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return 0;
	unlink(path);
	return -1;
}

/* Links rel from the previous OUT when its bytes equal data (or the file
 * src).  Returns 1 when linked, 0 when the caller must write. */
static int reuse_prev(const struct output *o, const char *rel, const char *path,
		      const char *data, size_t len, int src)
{
	int old = open_prev(o, rel);
	if (old < 0)
		return 0;
	int linked = same_bytes(old, data, len, src) && link_prev(o, rel, path, old) == 0;
	close(old);
	return linked;
}

/* Closes fd, keeping the first error's errno. */
static int finish(int fd, int rc)
{
	int e = errno;
	if (close(fd) < 0 && rc == 0)
		return -1;
	errno = e;
	return rc;
}

/* ---- fingerprints ---- */

/* The manifest: MANIFEST_MAGIC, then per file its fingerprint (two u64),
 * inode, size, modification time (seconds, nanoseconds; each u64,
 * little-endian), the length of its path (u32), the path and a NUL (so
 * the path is read in place).  Binary: a rebuild reads and writes 50,000
 * of them, and text was most of the time spent on them. */
#define MANIFEST_MAGIC "QMF1"
/* A delta: MANIFEST_DELTA, the base's id (16 bytes, the caller's), the
 * number of records in the base (u64), a bitmap of those kept (bit i of
 * byte i / 8), then records of its own as in the base.  A rebuild writes
 * a few kilobytes, not every record again. */
#define MANIFEST_DELTA "QMD1"
#define REC_FIXED (6 * 8 + 4)

/* One record at p (n bytes left): its size, or 0 when it is not whole. */
static size_t parse_rec(const unsigned char *p, size_t n, struct output_rec *r)
{
	if (n < REC_FIXED + 1)
		return 0;
	uint32_t k = get_u32le(p + 48);
	if (k == 0 || n - REC_FIXED - 1 < k || p[REC_FIXED + k] != '\0' || memchr(p + REC_FIXED, '\0', k))
		return 0;
	*r = (struct output_rec){ (char *)p + REC_FIXED, 1, { get_u64le(p), get_u64le(p + 8) }, get_u64le(p + 16),
				  (long long)get_u64le(p + 24), (long long)get_u64le(p + 32),
				  (long long)get_u64le(p + 40), 0, 0, -1 };
	return REC_FIXED + (size_t)k + 1;
}

static int same_id(const struct output_rec *r, const struct file_id *id)
{
	return id->ino && r->ino == id->ino && r->size == id->size && r->mtime_s == id->mtime_s &&
	       r->mtime_ns == id->mtime_ns;
}

/* Matches one list of what the sweep found with the previous records. */
static void match_list(void *ctx, size_t k)
{
	struct output *o = ctx;
	struct found *f = &o->found[k];
	for (size_t i = 0; i < f->n; i++) {
		if (f->is_dir[i] || !f->id[i].ino)
			continue;
		long j = index_at(&o->prev_ix, o->prev, found_rel(f, i));
		if (j < 0)
			continue;
		f->prev[i] = (int32_t)j;
		if (same_id(&o->prev[j], &f->id[i]))
			o->prev[j].staged = 1;
	}
}

/* Marks the previous records whose file the recycled staging folder
 * holds as it was recorded: output_reuse then trusts them without a
 * system call, and prune knows them by number, not by path. */
static void match_found(struct output *o)
{
	if (o->found && o->nprev && o->nprev <= INT32_MAX)
		par_for(o->nfound, o->jobs, match_list, o);
}

static void drop_image(struct output *o)
{
	if (o->prev_owned)
		free((char *)o->prev_image);
	free(o->delta_image);
	o->prev_image = NULL;
	o->delta_image = NULL;
	o->prev_owned = 0;
	o->has_base = 0;
}

/* Appends the records of image[off, len) to o->prev (cap: its room).  A
 * record that does not parse ends the reading: at worst pages are
 * rendered again. */
static void parse_recs(struct output *o, size_t *cap, const char *image, size_t off, size_t len)
{
	const unsigned char *p = (const unsigned char *)image;
	size_t used;
	struct output_rec r;
	for (; off < len && (used = parse_rec(p + off, len - off, &r)); off += used) {
		if (o->nprev == *cap) {
			*cap = *cap ? *cap * 2 : 1024;
			o->prev = xrealloc(o->prev, *cap * sizeof *o->prev);
		}
		o->prev[o->nprev++] = r;
	}
}

#define DELTA_HEAD (4 + 16 + 8)

int output_delta_base(const char *delta, size_t len, uint64_t id[2])
{
	if (len < DELTA_HEAD || memcmp(delta, MANIFEST_DELTA, 4))
		return 0;
	memcpy(id, delta + 4, 16);
	return 1;
}

void output_name_base(struct output_manifest *m, const uint64_t id[2])
{
	if (m->delta.len >= DELTA_HEAD)
		memcpy(m->delta.ptr + 4, id, 16);
}

/* Keeps of the base's records those the delta's bitmap names and adds
 * the delta's own.  -1 when the delta is not for this base. */
static int apply_delta(struct output *o, size_t *cap, char *delta, size_t dlen)
{
	size_t head = DELTA_HEAD;
	if (!output_delta_base(delta, dlen, o->base_id))
		return -1;
	uint64_t nbase = get_u64le((const unsigned char *)delta + 20);
	size_t bits = (size_t)(nbase + 7) / 8;
	if (nbase != o->nprev || dlen - head < bits)
		return -1;
	const unsigned char *bm = (const unsigned char *)delta + head;
	size_t n = 0;
	for (size_t i = 0; i < o->nprev; i++) {
		if (!(bm[i / 8] >> (i % 8) & 1))
			continue;
		o->prev[n] = o->prev[i];
		o->prev[n++].base_ix = (int32_t)i;
	}
	o->nprev = n;
	o->nbase = (size_t)nbase;
	o->delta_image = delta;
	parse_recs(o, cap, delta, head + bits, dlen);
	return 0;
}

void output_load_manifest(struct output *o, const char *base, size_t blen, int owned, char *delta, size_t dlen)
{
	drop_image(o);
	free(o->prev);
	o->prev_image = base;
	o->prev_owned = owned;
	o->prev_len = blen + dlen;
	o->prev = NULL;
	o->nprev = 0;
	size_t cap = 0;
	if (blen >= 4 && !memcmp(base, MANIFEST_MAGIC, 4))
		parse_recs(o, &cap, base, 4, blen);
	if (delta) {
		if (apply_delta(o, &cap, delta, dlen) == 0) {
			o->has_base = 1;
		} else {
			free(delta);
			o->nprev = 0; /* not this base's: nothing is trusted */
		}
	}
	index_build(&o->prev_ix, o->prev, o->nprev);
	match_found(o);
	/* as many as the last build made, to start with, if none is made yet */
	if (!atomic_load(&o->nmade) && !atomic_load(&o->made[0]))
		o->made0 = o->nprev + o->nprev / 8 + 1024;
}

static int same_file(const struct output_rec *r, const struct stat *st)
{
	return S_ISREG(st->st_mode) && r->ino == (unsigned long long)st->st_ino && r->size == (long long)st->st_size &&
	       r->mtime_s == (long long)st->st_mtim.tv_sec && r->mtime_ns == (long long)st->st_mtim.tv_nsec;
}

/* Links the previous record r into staging when OUT's file is still the
 * one recorded: then it is staged, as a recycled folder's would be. */
static void prelink_one(struct output *o, struct output_rec *r)
{
	if (!safe_rel(r->rel))
		return;
	int rc = linkat(o->prev_fd, r->rel, o->staging_fd, r->rel, 0);
	if (rc < 0 && errno == ENOENT) { /* its folder's first file */
		char *path = xasprintf("%s/%s", o->staging, r->rel);
		if (fs_mkdirs_for(path) == 0)
			rc = linkat(o->prev_fd, r->rel, o->staging_fd, r->rel, 0);
		free(path);
	}
	if (rc < 0)
		return;
	struct stat st;
	if (fstatat(o->staging_fd, r->rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && same_file(r, &st))
		r->staged = 1;
	else
		unlinkat(o->staging_fd, r->rel, 0);
}

/* Records are linked 64 at a time: a chunk of neighbours shares few
 * folders, and threads on different chunks rarely wait on one folder's
 * lock. */
#define PRELINK_CHUNK 64

static size_t prelink_chunks(const struct output *o)
{
	return (o->nprev + PRELINK_CHUNK - 1) / PRELINK_CHUNK;
}

static void prelink_chunk(void *ctx, size_t c)
{
	struct output *o = ctx;
	c += o->prelink_next;
	size_t end = (c + 1) * PRELINK_CHUNK < o->nprev ? (c + 1) * PRELINK_CHUNK : o->nprev;
	for (size_t i = c * PRELINK_CHUNK; i < end; i++)
		prelink_one(o, &o->prev[i]);
}

void output_prelink(struct output *o, const atomic_int *stop)
{
	if (o->recycled || o->prev_fd < 0 || o->staging_fd < 0 || !o->nprev)
		return;
	/* (when the caller is waiting already, output_prelink_finish links
	 * them all on every core) */
	o->prelinked = 1;
	size_t n = prelink_chunks(o);
	while (o->prelink_next < n && !atomic_load_explicit(stop, memory_order_relaxed)) {
		prelink_chunk(o, 0);
		o->prelink_next++;
	}
}

size_t output_prelink_finish(struct output *o)
{
	size_t n = prelink_chunks(o), linked = 0;
	if (!o->prelinked)
		return 0;
	if (o->prelink_next < n)
		par_for_spread(n - o->prelink_next, o->jobs, prelink_chunk, o);
	o->prelink_next = n;
	for (size_t i = 0; i < o->nprev; i++)
		linked += o->prev[i].staged;
	return linked;
}

void output_set_manifest(struct output *o, char *image, size_t len)
{
	output_load_manifest(o, image, len, 1, NULL, 0);
}

/* The slot of this build's record i (see struct output). */
static struct output_rec *rec_slot(struct output *o, size_t i)
{
	size_t q = i / o->made0 + 1;
	int k = 63 - __builtin_clzll((unsigned long long)q);
	size_t start = o->made0 * (((size_t)1 << k) - 1);
	struct output_rec *c = atomic_load_explicit(&o->made[k], memory_order_acquire);
	if (!c) {
		struct output_rec *fresh = xmalloc((o->made0 << k) * sizeof *fresh);
		if (atomic_compare_exchange_strong_explicit(&o->made[k], &c, fresh, memory_order_acq_rel,
							    memory_order_acquire))
			c = fresh;
		else
			free(fresh); /* another thread's is there (c) */
	}
	return &c[i - start];
}

/* Records a file this build made: with its fingerprint and identity for
 * the manifest, or (fp NULL) only so that pruning a recycled folder keeps
 * it.  Several rendering threads record files at once: a mutex here was
 * most of a rebuild's sleeps.  (A file linked from the last build is not
 * recorded here: its previous record is marked kept.) */
static void record(struct output *o, const char *rel, const uint64_t fp[2], const struct stat *st)
{
	if (!fp && !o->recycled && !o->prelinked)
		return; /* nothing to prune, nothing for the manifest */
	struct output_rec r = { .rel = xstrdup(rel), .has_fp = fp != NULL };
	if (fp)
		r = (struct output_rec){ r.rel, 1, { fp[0], fp[1] }, (unsigned long long)st->st_ino,
					 (long long)st->st_size, (long long)st->st_mtim.tv_sec,
					 (long long)st->st_mtim.tv_nsec, 0, 0, -1 };
	*rec_slot(o, atomic_fetch_add_explicit(&o->nmade, 1, memory_order_relaxed)) = r;
}

/* Gathers the records into recs, once no thread adds any: the common
 * case, one chunk, is taken as it is. */
static void gather(struct output *o)
{
	size_t n = atomic_load(&o->nmade);
	struct output_rec *first = atomic_load(&o->made[0]);
	if (n <= o->made0) {
		o->recs = first;
	} else {
		o->recs = xmalloc(n * sizeof *o->recs);
		for (size_t i = 0; i < n; i++)
			o->recs[i] = *rec_slot(o, i);
		free(first);
	}
	for (size_t k = 0; k < sizeof o->made / sizeof *o->made; k++) {
		if (k)
			free(atomic_load(&o->made[k]));
		atomic_store(&o->made[k], NULL);
	}
	o->nrecs = n;
	atomic_store(&o->nmade, 0);
}

int output_reuse(struct output *o, const char *rel, const uint64_t fp[2])
{
	if (given_up(o))
		return 1; /* the build has failed: making the file is wasted */
	long j = o->prev_fd < 0 || !o->nprev ? -1 : index_at(&o->prev_ix, o->prev, rel);
	struct output_rec *r = j < 0 ? NULL : &o->prev[j];
	if (!r || r->fp[0] != fp[0] || r->fp[1] != fp[1] || !safe_rel(rel))
		return 0;
	/* Most often the recycled staging folder holds the very file
	 * already (the sweep saw it).  Else link it, then check what was
	 * linked: the very file recorded, not one edited or swapped in since. */
	int ok = r->staged;
	if (!ok) {
		struct stat st;
		char *path = xasprintf("%s/%s", o->staging, rel);
		int rc = link_from_prev(o, rel, path);
		ok = rc == 0 && lstat(path, &st) == 0 && same_file(r, &st);
		if (rc == 0 && !ok)
			unlink(path);
		free(path);
	}
	if (ok)
		r->kept = 1;
	return ok;
}

/* A manifest record, as parse_rec reads it. */
static void put_rec(struct buf *b, const struct output_rec *r)
{
	size_t k = strlen(r->rel);
	buf_put_u64le(b, r->fp[0]);
	buf_put_u64le(b, r->fp[1]);
	buf_put_u64le(b, r->ino);
	buf_put_u64le(b, (uint64_t)r->size);
	buf_put_u64le(b, (uint64_t)r->mtime_s);
	buf_put_u64le(b, (uint64_t)r->mtime_ns);
	buf_put_u32le(b, (uint32_t)k);
	buf_put(b, r->rel, k + 1);
}

struct manifest_job {
	const struct output *o;
	struct output_manifest *m;
};

/* This build's own records that go in a manifest. */
static int in_manifest(const struct output_rec *r)
{
	return r->has_fp && strlen(r->rel) <= UINT32_MAX;
}

/* A new base: the records of the previous build this one kept, then its
 * own in the order they came.  Its delta keeps all of them. */
static void format_base(const struct output *o, struct output_manifest *m)
{
	/* About as long as the last one: grown once, not doubled from small
	 * (each doubling copies it and touches fresh memory). */
	buf_grow(&m->base, o->prev_len + o->prev_len / 8 + 4096);
	buf_put(&m->base, MANIFEST_MAGIC, 4);
	size_t n = 0;
	for (size_t i = 0; i < o->nprev; i++)
		if (o->prev[i].kept) {
			put_rec(&m->base, &o->prev[i]);
			n++;
		}
	for (size_t i = 0; i < o->nrecs; i++)
		if (in_manifest(&o->recs[i])) {
			put_rec(&m->base, &o->recs[i]);
			n++;
		}
	buf_put(&m->delta, MANIFEST_DELTA, 4);
	buf_put(&m->delta, (const char[16]){ 0 }, 16);
	buf_put_u64le(&m->delta, n);
	for (size_t i = 0; i < n / 8; i++)
		buf_putc(&m->delta, (char)0xff);
	if (n % 8)
		buf_putc(&m->delta, (char)((1u << (n % 8)) - 1));
}

/* The manifest, as a delta to the base this build read when that is
 * still most of it, else as a new base (see struct output_manifest). */
static void format_manifest(void *ctx)
{
	const struct manifest_job *j = ctx;
	const struct output *o = j->o;
	size_t own = 0;
	for (size_t i = 0; i < o->nprev; i++)
		own += o->prev[i].kept && o->prev[i].base_ix < 0;
	for (size_t i = 0; i < o->nrecs; i++)
		own += in_manifest(&o->recs[i]);
	if (!o->has_base || own > o->nbase / 8 + 64) {
		format_base(o, j->m);
		return;
	}
	struct buf *d = &j->m->delta;
	buf_put(d, MANIFEST_DELTA, 4);
	buf_put(d, (const char *)o->base_id, 16);
	buf_put_u64le(d, o->nbase);
	size_t at = d->len, bits = (o->nbase + 7) / 8;
	for (size_t i = 0; i < bits; i++)
		buf_putc(d, 0);
	for (size_t i = 0; i < o->nprev; i++) {
		const struct output_rec *r = &o->prev[i];
		if (r->kept && r->base_ix >= 0)
			d->ptr[at + (size_t)r->base_ix / 8] |= (char)(1u << (r->base_ix % 8));
		else if (r->kept)
			put_rec(d, r);
	}
	for (size_t i = 0; i < o->nrecs; i++)
		if (in_manifest(&o->recs[i]))
			put_rec(d, &o->recs[i]);
}

/* ---- writing ---- */

int output_write_fp(struct output *o, const char *rel, const char *data,
		    size_t len, const uint64_t fp[2], struct diag *d)
{
	if (!safe_rel(rel)) {
		diag_error(d, NULL, 0, 0, "refusing to write '%s': not a path inside the output folder", rel);
		return -1;
	}
	if (given_up(o))
		return -1;
	char *path = xasprintf("%s/%s", o->staging, rel);
	int rc = 0;
	if (!reuse_prev(o, rel, path, data ? data : "", len, -1)) {
		int fd = create_new(o, path);
		rc = fd < 0 ? -1 : finish(fd, fs_write_all(fd, data, len));
	}
	struct stat st;
	if (rc < 0)
		write_failed(o, rel, errno, d);
	else if (!fp)
		record(o, rel, NULL, NULL);
	else if (lstat(path, &st) == 0)
		record(o, rel, fp, &st);
	free(path);
	return rc;
}

int output_write(struct output *o, const char *rel, const char *data,
		 size_t len, struct diag *d)
{
	return output_write_fp(o, rel, data, len, NULL, d);
}

/* src as the site names it ("content/a/x.pdf"), for messages. */
/* src as the site names it ("content/form.pdf", "themes/default/...") */
static const char *src_rel(const struct output *o, const char *src)
{
	size_t n = o->site_dir ? strlen(o->site_dir) : 0;
	if (n && !strncmp(src, o->site_dir, n) && src[n] == '/')
		return src + n + 1;
	const char *c = strstr(src, "/content/");
	return c ? c + 1 : src;
}

int output_copy(struct output *o, const char *rel, const char *src, struct diag *d)
{
	if (!safe_rel(rel)) {
		diag_error(d, NULL, 0, 0, "refusing to write '%s': not a path inside the output folder", rel);
		return -1;
	}
	if (given_up(o))
		return -1;
	char *path = xasprintf("%s/%s", o->staging, rel);
	char *chunk = NULL;
	int rc = -1, out = -1;
	int writing = 0; /* a failure is staging's, not the source's */
	/* O_NONBLOCK: a FIFO among the assets must not hang the build. */
	int in = open(src, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (in < 0 && errno == ENOENT) {
		/* gone since the folder was read (an editor's temporary file,
		 * `sed -i`'s): nothing to publish, and the next build sees it */
		diag_warning(d, NULL, 0, 0, "'%s' went away while the site was being built; skipped", src_rel(o, src));
		free(path);
		return 0;
	}
	if (in < 0)
		goto fail;
	if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if (reuse_prev(o, rel, path, NULL, (size_t)st.st_size, in)) {
		rc = 0;
		goto fail;
	}
	writing = 1;
	out = create_new(o, path);
	if (out < 0)
		goto fail;
	/* Assets may be larger than sources: copy in chunks, no size cap. */
	chunk = xmalloc(CHUNK);
	for (off_t off = 0;;) {
		writing = 0;
		ssize_t n = read_at(in, chunk, CHUNK, off);
		if (n < 0)
			goto fail;
		writing = 1;
		if (n > 0 && fs_write_all(out, chunk, (size_t)n) < 0)
			goto fail;
		if ((size_t)n < CHUNK)
			break;
		off += n;
	}
	rc = 0;
fail:
	if (out >= 0 && finish(out, rc) < 0 && rc == 0) {
		rc = -1;
		writing = 1;
	}
	/* a file quire may not read, or an output it cannot write: the
	 * environment's fault, not the site's (exit 2) */
	if (rc < 0 && writing)
		write_failed(o, rel, errno, d);
	else if (rc < 0)
		diag_fault(d, src_rel(o, src), 0, 0, "cannot copy it to '%s': %s", rel, strerror(errno));
	else
		record(o, rel, NULL, NULL);
	if (in >= 0)
		close(in);
	free(chunk);
	free(path);
	return rc;
}

const char *output_staging(const struct output *o)
{
	return o->staging;
}

static void release(struct output *o)
{
	drop_found(o);
	if (o->lock_fd >= 0)
		close(o->lock_fd);
	if (o->prev_fd >= 0)
		close(o->prev_fd);
	if (o->staging_fd >= 0)
		close(o->staging_fd);
	o->lock_fd = o->prev_fd = o->staging_fd = -1;
	if (!o->recs)
		gather(o);
	for (size_t i = 0; i < o->nrecs; i++)
		free(o->recs[i].rel);
	free(o->recs);
	free(o->prev);
	drop_image(o);
	free(o->prev_ix.slot);
	o->prev_ix.slot = NULL;
	o->recs = o->prev = NULL;
	o->prev_len = 0;
	o->nrecs = o->nprev = 0;
	free(o->staging);
	free(o->out_dir);
	free(o->site_dir);
	o->staging = o->out_dir = o->site_dir = NULL;
}

/* Removes what the site of two builds ago had and this build did not make,
 * from the lists the recycling sweep made (nothing but this build has
 * written in staging since).  A folder goes when nothing it held stays;
 * one the build put new files in is not empty, and stays. */
struct pruning {
	const struct output *o;
	struct output_index ix;
	atomic_int failed;
};

/* Removes rel from staging (a folder only when empty).  1 when something
 * stays there; what the build put in its place (a file for a folder, a
 * folder for a file, files in a folder) stays. */
static int prune_one(const struct output *o, const char *rel, int is_dir, atomic_int *failed)
{
	if (unlinkat(o->staging_fd, rel, is_dir ? AT_REMOVEDIR : 0) == 0 || errno == ENOENT || errno == ENOTDIR)
		return 0;
	if (errno != EISDIR && errno != ENOTEMPTY && errno != EEXIST)
		atomic_store(failed, 1);
	return 1;
}

static void prune_list(void *ctx, size_t k)
{
	struct pruning *pr = ctx;
	const struct found *f = &pr->o->found[k];
	uint32_t *left = xcalloc(f->n ? f->n : 1, sizeof *left); /* what stays in each folder */
	/* Backwards: what a folder holds comes before the folder. */
	for (size_t i = f->n; i-- > 0;) {
		const char *rel = found_rel(f, i);
		int stays = f->is_dir[i] ? left[i] > 0 || prune_one(pr->o, rel, 1, &pr->failed) :
			    (f->prev[i] >= 0 && pr->o->prev[f->prev[i]].kept) ||
			    index_at(&pr->ix, pr->o->recs, rel) >= 0 || prune_one(pr->o, rel, 0, &pr->failed);
		if (stays && f->parent[i] >= 0)
			left[f->parent[i]]++;
	}
	free(left);
}

static int prune(struct output *o)
{
	struct pruning pr = { o, { NULL, 0 }, 0 };
	index_build(&pr.ix, o->recs, o->nrecs);
	par_for(o->nfound, o->jobs, prune_list, &pr);
	free(pr.ix.slot);
	return atomic_load(&pr.failed) ? -1 : 0;
}

/* Removes from a prelinked staging folder the files of the last build
 * this one did not make, and the folders that leaves empty (or that were
 * made for a link that did not hold). */
static int prune_prelinked(struct output *o)
{
	struct output_index ix = { NULL, 0 };
	index_build(&ix, o->recs, o->nrecs);
	int rc = 0;
	for (size_t i = 0; i < o->nprev && rc == 0; i++) {
		struct output_rec *r = &o->prev[i];
		if (r->kept || !safe_rel(r->rel) || index_at(&ix, o->recs, r->rel) >= 0)
			continue;
		if (r->staged && unlinkat(o->staging_fd, r->rel, 0) < 0) {
			/* a folder the build made in its place stays */
			if (errno != ENOENT && errno != EISDIR && errno != ENOTDIR)
				rc = -1;
			continue;
		}
		char *dir = xstrdup(r->rel);
		for (char *slash = strrchr(dir, '/'); slash; slash = strrchr(dir, '/')) {
			*slash = '\0';
			if (unlinkat(o->staging_fd, dir, AT_REMOVEDIR) < 0)
				break; /* not empty: the build wrote there */
		}
		free(dir);
	}
	free(ix.slot);
	return rc;
}

static const char MARKER_TEXT[] = "quire output folder: replaced on every build\n";
static const char PREVIEW_TEXT[] = "quire output folder (a preview with drafts): replaced on every build\n";

/* Whether the folder dir was a --drafts build, by its marker. */
static int was_preview(const char *dir)
{
	char *path = xasprintf("%s/%s", dir, OUTPUT_MARKER);
	char got[sizeof PREVIEW_TEXT];
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(got, 1, sizeof got, f) : 0;
	if (f)
		fclose(f);
	free(path);
	return n == sizeof PREVIEW_TEXT - 1 && !memcmp(got, PREVIEW_TEXT, n);
}

/* Keeps the folder swapped out (the previous site) as the next build's
 * staging folder, or removes it when that place is taken.  A preview of
 * drafts is not kept beside a site built without them: ".OUT.back" often
 * sits in a web server's folder, and its drafts would stay readable
 * there. */
static void keep_back(const struct output *o)
{
	char *back = sibling(o->out_dir, ".back");
	own_again(o->staging);
	if ((!o->preview && was_preview(o->staging)) || rename(o->staging, back) < 0)
		fs_rm_rf(o->staging);
	free(back);
}

/* The swap on a file system that cannot exchange two folders at once
 * (NFS, SMB, many FUSE ones): OUT is moved aside, staging put in its
 * place, and the previous site made the staging folder, as the exchange
 * leaves it.  Between the first two steps there is no OUT; a build killed
 * there leaves the previous site under a staging name, which the next
 * build removes.  0, or -1 with errno and OUT as it was. */
static int swap_in_steps(struct output *o)
{
	char *suffix = xasprintf(".staging-%ld" SWAPPED_OUT, (long)getpid());
	char *aside = sibling(o->out_dir, suffix);
	int rc = -1, e;
	free(suffix);
	if (rename(o->out_dir, aside) < 0) {
		if (errno == ENOENT) /* the first build */
			rc = rename(o->staging, o->out_dir);
		goto done;
	}
	if (rename(o->staging, o->out_dir) < 0) {
		e = errno;
		(void)!rename(aside, o->out_dir);
		errno = e;
		goto done;
	}
	rc = 0;
	if (rename(aside, o->staging) == 0) {
		keep_back(o);
	} else {
		own_again(aside);
		fs_rm_rf(aside);
	}
done:
	free(aside);
	return rc;
}

int output_commit(struct output *o, struct output_manifest *manifest, const char *zip, struct diag *d)
{
	char *zip_tmp = NULL;
	const char *marker = o->preview ? PREVIEW_TEXT : MARKER_TEXT;
	if (given_up(o) || output_write(o, OUTPUT_MARKER, marker, strlen(marker), d) < 0)
		goto fail;
	gather(o);
	/* The manifest is written out while what the build no longer makes
	 * is pruned: both only read the records. */
	struct manifest_job mj = { o, manifest };
	struct par_task *t = manifest ? par_start(o->jobs, format_manifest, &mj) : NULL;
	int pruned = o->recycled ? prune(o) == 0 : !o->prelinked || prune_prelinked(o) == 0;
	par_join(t);
	if (!pruned)
		goto fail_errno;
	take_mode(o, 0, d);
	/* staging is the new site, whole: the zip is made of it before the
	 * swap, so that a zip that cannot be written fails the build. */
	if (zip && bundle_pack(o->staging, zip, &zip_tmp, d) < 0)
		goto fail;
	if (renameat2(AT_FDCWD, o->staging, AT_FDCWD, o->out_dir, RENAME_EXCHANGE) == 0) {
		/* staging now holds the previous site. */
		keep_back(o);
	} else if (errno == ENOENT) {
		if (rename(o->staging, o->out_dir) < 0)
			goto fail_errno;
	} else if (errno == EINVAL || errno == ENOTSUP || errno == ENOSYS) {
		if (swap_in_steps(o) < 0)
			goto fail_errno;
	} else {
		goto fail_errno;
	}
	/* in place while the lock is held: the next build's zip comes after */
	int rc = zip_tmp && bundle_place(zip_tmp, zip, d) < 0 ? -2 : 0;
	free(zip_tmp);
	release(o);
	return rc;
fail_errno:
	diag_fault(d, NULL, 0, 0, "cannot replace the output folder: %s", strerror(errno));
fail:
	if (zip_tmp)
		unlink(zip_tmp);
	free(zip_tmp);
	output_abort(o);
	return -2;
}

void output_abort(struct output *o)
{
	/* A recycled folder is kept: the next build trusts none of its files
	 * that are not still the ones OUT's manifest recorded.  Not on a full
	 * disk, though: what this build wrote in it is what filled it. */
	int full = atomic_load(&o->failed) == ENOSPC || atomic_load(&o->failed) == EDQUOT;
	if (o->staging && o->recycled && !full)
		keep_back(o);
	else if (o->staging)
		fs_rm_rf(o->staging);
	release(o);
}
