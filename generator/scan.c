/* scan: walks content/. */
#include "scan.h"

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "buf.h"
#include "fsutil.h"

#define SCAN_MAX_DEPTH 32

struct walk {
	const char *content_real; /* realpath of SITE/content */
	struct scan_result *r;
	size_t cap_md, cap_assets;
	struct diag *d;
	int failed;
};

static void push(char ***v, size_t *n, size_t *cap, char *s)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	(*v)[(*n)++] = s;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

/* Names that cannot become a safe, portable URL are refused outright. */
int scan_ignored(const char *name)
{
	size_t n = strlen(name);
	if (!n || name[0] == '.' || (name[0] == '#' && name[n - 1] == '#') || name[n - 1] == '~' ||
	    !strcmp(name, "4913"))
		return 1;
	/* GNU sed -i writes "sed" and six random letters or digits beside
	 * the file; a word ("sediments") has no capital or digit among them
	 * (a temporary file that has none is skipped once it goes away) */
	if (n == 9 && !strncmp(name, "sed", 3)) {
		int mixed = 0;
		for (size_t i = 3; i < n; i++) {
			int lower = name[i] >= 'a' && name[i] <= 'z';
			int other = (name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= '0' && name[i] <= '9');
			if (!lower && !other)
				return 0;
			mixed |= other;
		}
		return mixed;
	}
	return 0;
}

int scan_bad_name(const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f || strchr("\\%\"<>?#:", *p))
			return 1;
	return 0;
}

int scan_source_path(const char *rel)
{
	char name[256];
	for (const char *p = rel; *p;) {
		size_t n = strcspn(p, "/");
		if (!n || n >= sizeof name)
			return 0;
		memcpy(name, p, n);
		name[n] = '\0';
		if (scan_ignored(name) || scan_bad_name(name))
			return 0;
		p += n + (p[n] == '/');
	}
	return *rel != '\0' && utf8_is_valid(rel, strlen(rel));
}

/* For a file another tool took for Markdown ("x.markdown", "X.MD"):
 * its name as quire's articles are named, "x.md" (new string); else
 * NULL.  Only ".md" makes an article: such a file would be published as
 * it is, its text unread, without a word. */
static char *md_name_for(const char *name)
{
	static const char *const exts[] = { ".md", ".markdown", ".mdown", ".mkd" };
	size_t n = strlen(name);
	for (size_t k = 0; k < sizeof exts / sizeof *exts; k++) {
		size_t m = strlen(exts[k]);
		if (n > m && !strcasecmp(name + n - m, exts[k]) && strcmp(name + n - m, ".md"))
			return xasprintf("%.*s.md", (int)(n - m), name);
	}
	return NULL;
}

/* Warns of a folder's introduction written another tool's way: Hugo's
 * "_index.md", a README.md for GitHub, in a folder without "index.md"
 * (names: its sorted entries).  Each is published as an article of its
 * own, and the folder gets a generated page. */
static void warn_intro_names(struct walk *w, const char *rel, char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], "index.md"))
			return;
	for (size_t i = 0; i < n; i++) {
		int readme = strlen(names[i]) == 9 && !strncasecmp(names[i], "readme", 6) && !strcmp(names[i] + 6, ".md");
		if (strcmp(names[i], "_index.md") && !readme)
			continue;
		char *shown = xasprintf("content/%s%s%s", rel, *rel ? "/" : "", names[i]);
		diag_warning(w->d, shown, 0, 0,
			     "quire takes a folder's introduction from index.md, so this is published as an article of "
			     "its own: rename it to index.md");
		free(shown);
	}
}

/* An entry's path as diagnostics show it, made the first time one does. */
static const char *shown_path(char **made, const char *rel)
{
	if (!*made)
		*made = xasprintf("content/%s", rel);
	return *made;
}

static void walk_dir(struct walk *w, const char *abs, const char *rel, int depth)
{
	struct buf path = BUF_INIT, relpath = BUF_INIT;
	char *shown = xasprintf("content/%s", rel);
	if (depth > SCAN_MAX_DEPTH) {
		diag_error(w->d, shown, 0, 0, "folders nested too deeply");
		w->failed = 1;
		free(shown);
		return;
	}
	DIR *dir = opendir(abs);
	if (!dir) {
		diag_fault(w->d, shown, 0, 0, "cannot read folder: %s", strerror(errno));
		w->failed = 1;
		free(shown);
		return;
	}
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	while ((de = readdir(dir)))
		if (!scan_ignored(de->d_name))
			push(&names, &n, &cap, xstrdup(de->d_name));
	/* Entries are looked at from the folder, not walked to from / again:
	 * a site's thousands of files are a thousand deep paths otherwise. */
	int dfd = dirfd(dir);
	if (n)
		qsort(names, n, sizeof *names, str_cmp_sort);
	warn_intro_names(w, rel, names, n);
	for (size_t i = 0; i < n; i++) {
		buf_reset(&path);
		buf_puts(&path, abs);
		buf_putc(&path, '/');
		buf_puts(&path, names[i]);
		buf_reset(&relpath);
		buf_puts(&relpath, rel);
		if (*rel)
			buf_putc(&relpath, '/');
		buf_puts(&relpath, names[i]);
		char *shown_entry = NULL;
		struct stat st;
		if (!utf8_is_valid(names[i], strlen(names[i]))) {
			/* (shown with U+FFFD for the bytes: a terminal shows
			 * nothing useful of the raw ones) */
			char *readable = utf8_valid_dup(relpath.ptr, relpath.len);
			char *at = xasprintf("content/%s", readable);
			diag_error(w->d, at, 0, 0, "the file name is not valid UTF-8 (often a name from a Windows zip, "
						    "its accented letters in Windows-1252): rename it");
			free(at);
			free(readable);
			w->failed = 1;
			goto next;
		}
		if (scan_bad_name(names[i])) {
			diag_error(w->d, shown_path(&shown_entry, relpath.ptr), 0, 0,
				   "file name contains a character that cannot be used in a URL (\\, %%, quotes, <, >, ?, #, : or a control character)");
			w->failed = 1;
			goto next;
		}
		if (fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			goto next;
		if (S_ISLNK(st.st_mode)) {
			char *real = realpath(path.ptr, NULL);
			if (!real) {
				diag_error(w->d, shown_path(&shown_entry, relpath.ptr), 0, 0, "symbolic link is broken or loops (%s)", strerror(errno));
				w->failed = 1;
				goto next;
			}
			/* not even elsewhere in the site: .git/config or site.yml
			 * would be published */
			int ok = fs_within(real, w->content_real);
			free(real);
			if (!ok) {
				diag_error(w->d, shown_path(&shown_entry, relpath.ptr), 0, 0,
					   "symbolic link points outside content/");
				w->failed = 1;
				goto next;
			}
			if (stat(path.ptr, &st) < 0)
				goto next;
			if (S_ISDIR(st.st_mode)) {
				diag_warning(w->d, shown_path(&shown_entry, relpath.ptr), 0, 0, "symbolic link to a folder is not followed");
				goto next;
			}
		}
		if (S_ISDIR(st.st_mode)) {
			walk_dir(w, path.ptr, relpath.ptr, depth + 1);
		} else if (!S_ISREG(st.st_mode)) {
			diag_warning(w->d, shown_path(&shown_entry, relpath.ptr), 0, 0, "not a regular file (a FIFO, socket or device); skipped");
		} else if (ends_with(names[i], ".md")) {
			if (w->r->nmd == w->cap_md)
				w->r->mdst = xrealloc(w->r->mdst, (w->cap_md ? w->cap_md * 2 : 64) * sizeof *w->r->mdst);
			w->r->mdst[w->r->nmd] = (struct scan_stat){
				(uint64_t)st.st_dev, (uint64_t)st.st_ino, (uint64_t)st.st_size,
				(int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec,
				(int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec };
			push(&w->r->md, &w->r->nmd, &w->cap_md, xstrdup(relpath.ptr));
		} else {
			char *md = md_name_for(names[i]);
			if (md)
				diag_warning(w->d, shown_path(&shown_entry, relpath.ptr), 0, 0,
					     "published as it is, not as an article: quire reads articles only from "
					     "files ending .md; rename it to %s", md);
			free(md);
			push(&w->r->assets, &w->r->nassets, &w->cap_assets, xstrdup(relpath.ptr));
		}
next:
		free(shown_entry);
		free(names[i]);
	}
	closedir(dir);
	free(names);
	free(shown);
	buf_free(&path);
	buf_free(&relpath);
}

struct md_ent {
	char *rel;
	struct scan_stat st;
};

static int cmp_ent(const void *a, const void *b)
{
	return strcmp(((const struct md_ent *)a)->rel, ((const struct md_ent *)b)->rel);
}

/* Sources in path order, each with its identity. */
static void sort_md(struct scan_result *r)
{
	if (!r->nmd)
		return;
	struct md_ent *e = xmalloc(r->nmd * sizeof *e);
	for (size_t i = 0; i < r->nmd; i++)
		e[i] = (struct md_ent){ r->md[i], r->mdst[i] };
	qsort(e, r->nmd, sizeof *e, cmp_ent);
	for (size_t i = 0; i < r->nmd; i++) {
		r->md[i] = e[i].rel;
		r->mdst[i] = e[i].st;
	}
	free(e);
}

int scan_content(const char *site_dir, struct scan_result *out, struct diag *d)
{
	memset(out, 0, sizeof *out);
	char *content = xasprintf("%s/content", site_dir);
	char *content_real = realpath(content, NULL);
	struct stat st;
	if (!content_real || stat(content, &st) < 0 || !S_ISDIR(st.st_mode)) {
		diag_error(d, "content", 0, 0, "the site has no readable content/ folder");
		free(content);
		free(content_real);
		return -2;
	}
	struct walk w = { .content_real = content_real, .r = out, .d = d };
	walk_dir(&w, content, "", 0);
	sort_md(out);
	if (out->nassets)
		qsort(out->assets, out->nassets, sizeof *out->assets, str_cmp_sort);
	free(content);
	free(content_real);
	return w.failed ? -1 : 0;
}

void scan_free(struct scan_result *r)
{
	for (size_t i = 0; i < r->nmd; i++)
		free(r->md[i]);
	for (size_t i = 0; i < r->nassets; i++)
		free(r->assets[i]);
	free(r->md);
	free(r->mdst);
	free(r->assets);
	memset(r, 0, sizeof *r);
}
