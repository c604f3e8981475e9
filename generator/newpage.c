/* newpage: writes a new article skeleton under content/.  The front matter
 * it writes is what build validates, so a fresh page builds at once. */
#include "newpage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "search.h"
#include "site.h"

/* Decodes one UTF-8 sequence at s (n bytes left) into *cp.  Returns its
 * length, or 0 when it is malformed (overlong, surrogate, truncated). */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], min;
	size_t len;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0)
		len = 2, *cp = c & 0x1f, min = 0x80;
	else if ((c & 0xf0) == 0xe0)
		len = 3, *cp = c & 0x0f, min = 0x800;
	else if ((c & 0xf8) == 0xf0)
		len = 4, *cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[k] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

static int utf8_valid(const char *s)
{
	size_t n = strlen(s);
	unsigned cp;
	for (size_t i = 0, len; i < n; i += len)
		if (!(len = utf8_next((const unsigned char *)s + i, n - i, &cp)))
			return 0;
	return 1;
}

/* Appends s as a YAML double-quoted scalar.  Quotes, backslashes and
 * everything YAML does not allow raw (controls, C1 codes, NEL, the line
 * and paragraph separators, BOM, non-characters) are escaped, so any
 * title reads back exactly.  s must be valid UTF-8. */
static void put_yaml_quoted(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	buf_putc(b, '"');
	for (size_t i = 0, len; i < n; i += len) {
		unsigned cp;
		len = utf8_next((const unsigned char *)s + i, n - i, &cp);
		if (cp == '"')
			buf_puts(b, "\\\"");
		else if (cp == '\\')
			buf_puts(b, "\\\\");
		else if (cp == '\n')
			buf_puts(b, "\\n");
		else if (cp == '\t')
			buf_puts(b, "\\t");
		else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			buf_printf(b, "\\x%02X", cp);
		else if (cp == 0x2028 || cp == 0x2029 || cp == 0xfeff || cp == 0xfffe || cp == 0xffff)
			buf_printf(b, "\\u%04X", cp);
		else
			buf_put(b, s + i, len);
	}
	buf_putc(b, '"');
}

/* Checks PATH and returns it relative to content/ with ".md" added (new
 * string, caller frees), or NULL after reporting why it is refused.  PATH
 * is taken from the folder here under content/ (NULL: from content/); a
 * PATH starting "content/" is always from the site's folder, as nobody
 * means a content/ inside content/ (which would pass for a site). */
static char *clean_path(const char *path, const char *here, struct diag *d)
{
	const char *why = NULL;
	if (!strncmp(path, "content/", 8))
		path += 8, here = NULL;
	size_t n = strlen(path);
	/* "Leave.MD" names the article too: the build reads only ".md" */
	if (n > 3 && !strcasecmp(path + n - 3, ".md"))
		n -= 3;
	char *rel = here && *here && n && path[0] != '/' ? xasprintf("%s/%.*s", here, (int)n, path) : xstrndup(path, n);
	if (!*rel)
		why = "it is empty";
	else if (rel[0] == '/')
		why = "it is absolute; give it relative to content/, e.g. policy/court-orders";
	else if (strchr(rel, '\\'))
		why = "it contains a backslash; separate folders with '/'";
	else if (!utf8_valid(rel))
		why = "it is not valid UTF-8";
	for (const char *p = rel; !why && *p;) {
		size_t len = strcspn(p, "/");
		if (len == 0)
			why = "it has an empty folder name ('//' or a trailing '/')";
		else if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			why = "'.' and '..' may not be used: the article must stay inside content/";
		else if (p[0] == '.')
			why = "names starting with '.' are hidden files, which the build skips";
		for (size_t i = 0; !why && i < len; i++)
			if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
				why = "it contains a control character";
			else if (strchr("%\"<>?#:", p[i]))
				why = "it contains a character a link cannot carry (%, quotes, <, >, ?, # or :)";
		p += len;
		if (*p == '/' && !*++p && !why)
			why = "it has an empty folder name ('//' or a trailing '/')";
	}
	char *out = why ? NULL : xasprintf("%s.html", rel);
	const char *mine = out ? site_reserved(out) : NULL;
	free(out);
	if (mine) {
		diag_error(d, NULL, 0, 0, "cannot create an article at '%s': its page would replace %s", path, mine);
		free(rel);
		return NULL;
	}
	if (why) {
		diag_error(d, NULL, 0, 0, "cannot create an article at '%s': %s", path, why);
		free(rel);
		return NULL;
	}
	char *with_ext = xasprintf("%s.md", rel);
	free(rel);
	return with_ext;
}

/* "court-orders" → "Court orders": the file name with each run of '-'
 * and '_' as one space (none at its ends) and a capital first letter.
 * An index page takes its folder's name.  Returns a new string; caller
 * frees. */
static char *title_from_path(const char *rel)
{
	char *copy = xstrndup(rel, strlen(rel) - 3); /* without ".md" */
	char *base = strrchr(copy, '/');
	char *name = base ? base + 1 : copy;
	if (!strcmp(name, "index")) {
		if (!base) {
			free(copy);
			return xstrdup("Home");
		}
		*base = '\0';
		base = strrchr(copy, '/');
		name = base ? base + 1 : copy;
	}
	char *t = site_title_from_name(name);
	free(copy);
	return t;
}

static void put_skeleton(struct buf *b, const char *title)
{
	char date[16] = "";
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm))
		strftime(date, sizeof date, "%Y-%m-%d", &tm);
	buf_puts(b, "---\ntitle: ");
	put_yaml_quoted(b, title);
	buf_puts(b, "\n"
		    "summary: \"\"  " NEWPAGE_SUMMARY_TODO " (shown in lists and search)\n"
		    "tags: []\n");
	buf_printf(b, "# created %s\n", date);
	buf_puts(b, "---\n"
		    "\n"
		    NEWPAGE_OPENING "\n"
		    "\n"
		    "## What to do\n"
		    "\n"
		    NEWPAGE_STEPS "\n");
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* 1 when the folder that will hold full really lies in SITE/content (a
 * folder on the way may be a symbolic link to anywhere). */
static int folder_inside_content(const char *site_dir, const char *full)
{
	char *content = xasprintf("%s/content", site_dir);
	/* the deepest folder on the way that exists already */
	char *dir = xstrdup(full), *r = NULL, *slash;
	while (!r && (slash = strrchr(dir, '/'))) {
		*slash = '\0';
		r = realpath(dir, NULL);
	}
	char *c = realpath(content, NULL);
	if (!c) {
		/* content/ is made with the article */
		char *s = realpath(site_dir, NULL);
		c = s ? xasprintf("%s/content", s) : NULL;
		free(s);
	}
	size_t rn = r ? strlen(r) : 0;
	/* inside content/, or above a content/ that does not exist yet (the
	 * folders below are then made, not followed) */
	int in = c && r && (fs_within(r, c) || (!strncmp(c, r, rn) && c[rn] == '/'));
	free(content);
	free(dir);
	free(c);
	free(r);
	return in;
}

/* The name in dir that is name but for letter case, as a disk that
 * ignores case compares them (search_lower_dup, as the build claims
 * output names), or NULL: a folder when folder, else an article.  A new
 * string. */
static char *case_twin(const char *dir, const char *name, int folder)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return NULL;
	char *want = search_lower_dup(name), *twin = NULL;
	struct dirent *e;
	while (!twin && (e = readdir(dp))) {
		size_t n = strlen(e->d_name);
		if (!strcmp(e->d_name, name) || (!folder && (n < 3 || strcmp(e->d_name + n - 3, ".md"))))
			continue;
		char *low = search_lower_dup(e->d_name), *full = xasprintf("%s/%s", dir, e->d_name);
		if (!strcmp(low, want) && (!folder || fs_is_dir(full)))
			twin = xstrdup(e->d_name);
		free(low);
		free(full);
	}
	closedir(dp);
	free(want);
	return twin;
}

/* Refuses rel (under content/) when a folder on its way or its own name
 * is one that exists but for letter case: where case is ignored (Windows,
 * macOS, many web servers) the two write one page, and the build stops
 * at the clash.  0, or 1 after reporting. */
static int case_clash(const char *site_dir, const char *rel, const char *shown, struct diag *d)
{
	struct buf dir = BUF_INIT;
	buf_printf(&dir, "%s/content", site_dir);
	int rc = 0;
	for (const char *p = rel; *p && !rc;) {
		size_t len = strcspn(p, "/");
		int folder = p[len] == '/';
		char *name = xstrndup(p, len), *twin = case_twin(buf_cstr(&dir), name, folder);
		if (twin && folder)
			diag_error(d, shown, 0, 0, "content/%.*s%s/ exists, and names that differ only in letter case would "
				   "write one page; write the folder as '%s'", (int)(p - rel), rel, twin, twin);
		else if (twin)
			diag_error(d, shown, 0, 0, "content/%.*s%s exists, and names that differ only in letter case would "
				   "write one page; edit that article, or give another name", (int)(p - rel), rel, twin);
		rc = twin != NULL;
		buf_printf(&dir, "/%s", name);
		free(name);
		free(twin);
		/* below a folder still to be made, nothing can clash */
		if (!rc && folder && !fs_is_dir(buf_cstr(&dir)))
			break;
		p += len + folder;
	}
	buf_free(&dir);
	return rc;
}

int newpage_create(const char *site_dir, const char *here, const char *path, const char *title, struct diag *d)
{
	struct buf text = BUF_INIT;
	char *rel = NULL, *shown = NULL, *full = NULL, *made_title = NULL;
	int status = 1, fd = -1;

	if (!path || !(rel = clean_path(path, here, d)))
		goto fail;
	if (title) {
		const char *p = title + strspn(title, " \t\r\n");
		if (!*p) {
			diag_error(d, NULL, 0, 0, "the title is empty; give one with --title or leave --title out");
			goto fail;
		}
		if (!utf8_valid(title)) {
			diag_error(d, NULL, 0, 0, "the title is not valid UTF-8");
			goto fail;
		}
	} else {
		title = made_title = title_from_path(rel);
	}
	/* Run from content/SECTION/, the article would land in
	 * content/SECTION/content/ and be published there. */
	status = 2;
	if (site_check_dir(site_dir, d) < 0)
		goto fail;
	status = 1;
	if (site_check_links(site_dir, d) < 0)
		goto fail; /* content/ linked out of the site: never written through */
	shown = xasprintf("content/%s", rel);
	if (case_clash(site_dir, rel, shown, d))
		goto fail;
	status = 2;
	full = xasprintf("%s/%s", site_dir, shown);
	if (!folder_inside_content(site_dir, full)) {
		status = 1;
		diag_error(d, shown, 0, 0, "its folder is a symbolic link out of content/; quire new writes only inside content/");
		goto fail;
	}
	if (fs_mkdirs_for(full) < 0) {
		status = errno == ENOTDIR || errno == EEXIST ? 1 : 2;
		diag_error(d, shown, 0, 0, "cannot create its folder: %s", strerror(errno));
		goto fail;
	}
	/* O_EXCL: never overwrite, not even through a dangling symlink. */
	fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (fd < 0) {
		status = errno == EEXIST ? 1 : 2;
		if (errno == EEXIST)
			diag_error(d, shown, 0, 0, "already exists; quire new never overwrites a file");
		else
			diag_error(d, shown, 0, 0, "cannot create: %s", strerror(errno));
		goto fail;
	}
	put_skeleton(&text, title);
	int wrote = write_all(fd, text.ptr, text.len);
	if (close(fd) < 0)
		wrote = -1;
	fd = -1;
	if (wrote < 0) {
		diag_error(d, shown, 0, 0, "cannot write: %s", strerror(errno));
		unlink(full);
		goto fail;
	}
	printf("created %s\n", shown);
	fflush(stdout);
	status = 0;
fail:
	if (fd >= 0)
		close(fd);
	buf_free(&text);
	free(rel);
	free(shown);
	free(full);
	free(made_title);
	return status;
}
