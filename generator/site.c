/* site: the model and the site configuration. */
#include "site.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "frontmatter.h"
#include "fsutil.h"

void site_init(struct site *s, const char *dir)
{
	memset(s, 0, sizeof *s);
	s->dir = xstrdup(dir);
	s->by_key = json_object();
	s->drafts = json_object();
	s->hook_hidden = json_object();
	s->broken = json_object();
}

void page_free(struct page *p)
{
	if (!p)
		return;
	free(p->src);
	free(p->key);
	free(p->out);
	free(p->dir);
	free(p->name);
	json_decref(p->data);
	free(p->body);
	free(p->html_in);
	free(p->origin);
	for (size_t i = 0; i < p->nheadings; i++) {
		free(p->headings[i].text);
		free(p->headings[i].id);
	}
	free(p->headings);
	free(p->fnids);
	json_decref(p->fnset);
	for (size_t i = 0; i < p->nrawlinks; i++)
		free(p->rawlinks[i].url);
	free(p->rawlinks);
	free(p->links_to);
	free(p->html);
	free(p->text);
	free(p->print_html);
	free(p);
}

void site_free(struct site *s)
{
	for (size_t i = 0; i < s->npages; i++)
		page_free(s->pages[i]);
	free(s->pages);
	json_decref(s->by_key);
	json_decref(s->drafts);
	json_decref(s->hook_hidden);
	json_decref(s->broken);
	for (size_t i = 0; i < s->nassets; i++)
		free(s->assets[i]);
	free(s->assets);
	config_free(&s->cfg);
	free(s->dir);
	memset(s, 0, sizeof *s);
}

int site_append_page(struct site *s, struct page *p)
{
	if (s->npages == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->pages = xrealloc(s->pages, s->cap * sizeof *s->pages);
	}
	s->pages[s->npages] = p;
	return (int)s->npages++;
}

int site_add_page(struct site *s, struct page *p)
{
	if (json_object_get(s->by_key, p->key))
		return -1;
	json_object_set_new(s->by_key, p->key, json_integer((json_int_t)s->npages));
	return site_append_page(s, p);
}

void site_drop_pages(struct site *s, const char *gone)
{
	size_t k = 0;
	json_object_clear(s->by_key);
	for (size_t i = 0; i < s->npages; i++) {
		if (gone[i]) {
			page_free(s->pages[i]);
			continue;
		}
		s->pages[k] = s->pages[i];
		json_object_set_new(s->by_key, s->pages[k]->key, json_integer((json_int_t)k));
		k++;
	}
	s->npages = k;
}

size_t site_listed(const struct site *s)
{
	return s->npages - s->nwithdrawn;
}

int site_find(const struct site *s, const char *key)
{
	json_t *v = json_object_get(s->by_key, key);
	return v ? (int)json_integer_value(v) : -1;
}

const char *page_str(const struct page *p, const char *field)
{
	const char *v = json_string_value(json_object_get(p->data, field));
	return v ? v : "";
}

const char *page_title(const struct page *p)
{
	return p->title_memo ? p->title_memo : page_str(p, "title");
}

const char *page_summary(const struct page *p)
{
	return p->summary_memo ? p->summary_memo : page_str(p, "summary");
}

static char *cfg_string(json_t *root, const char *key, const char *dflt)
{
	const char *v = json_string_value(json_object_get(root, key));
	return xstrdup(v ? v : dflt);
}

static int cfg_bool(json_t *root, const char *key, int dflt)
{
	json_t *v = json_object_get(root, key);
	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

/* Keys with a fixed meaning must have the right type; a typo'd type is an
 * error rather than a silently ignored setting. */
static void cfg_check_type(json_t *root, const char *key, json_type want,
			   const char *yaml, size_t len, struct diag *d)
{
	json_t *v = json_object_get(root, key);
	if (!v || json_typeof(v) == want || (want == JSON_TRUE && json_is_boolean(v)))
		return;
	diag_error(d, "site.yml", fm_key_line(yaml, len, 1, key), 1,
		   "'%s' must be %s", key, want == JSON_STRING ? "a string" :
		   want == JSON_OBJECT ? "a mapping" : "true or false");
}

static int nested_key_line(const char *yaml, size_t len, const char *key);

/* search.synonyms: a word, each to a word or phrase or a list of them
 * (search finds a page with any of them for the word). */
static void cfg_check_synonyms(json_t *syn, const char *yaml, size_t len, struct diag *d)
{
	const char *key;
	json_t *v, *x;
	size_t i;
	if (!syn)
		return;
	if (!json_is_object(syn)) {
		diag_error(d, "site.yml", nested_key_line(yaml, len, "synonyms"), 1,
			   "'search.synonyms' must be a mapping of words to what else they may be written as, "
			   "such as  fired: [dismissed, dismissal]");
		return;
	}
	json_object_foreach(syn, key, v) {
		int ok = json_is_string(v) || json_is_array(v);
		json_array_foreach(v, i, x)
			ok = ok && json_is_string(x);
		if (!ok)
			diag_error(d, "site.yml", nested_key_line(yaml, len, key), 1,
				   "'search.synonyms.%s' must be a word or phrase, or a list of them (quote a word "
				   "YAML reads as something else: \"false\", \"yes\", \"2010\")", key);
	}
}

/* The line of an indented key (one inside a mapping), or 1. */
static int nested_key_line(const char *yaml, size_t len, const char *key)
{
	size_t klen = strlen(key);
	int line = 1;
	for (size_t i = 0; i < len; line++) {
		size_t at = i + strspn(yaml + i, " \t");
		if (at + klen < len && !memcmp(yaml + at, key, klen) && (yaml[at + klen] == ':' || yaml[at + klen] == ' '))
			return line;
		const char *nl = memchr(yaml + i, '\n', len - i);
		if (!nl)
			break;
		i = (size_t)(nl - yaml) + 1;
	}
	return 1;
}

/* Warns of each key of site.yml (and of its markdown: mapping) that
 * misspells one quire knows: the setting would otherwise be a param
 * that nothing reads, without a word. */
static void cfg_warn_misspelt(json_t *root, const char *yaml, size_t len, struct diag *d)
{
	static const char *const known[] = { "title", "base_url", "theme", "language", "markdown", "history", "links",
					      "withdrawn", "search", NULL };
	static const char *const md_known[] = { "unsafe_html", NULL };
	const char *key, *near;
	json_t *v, *md = json_object_get(root, "markdown");
	json_object_foreach(root, key, v) {
		if ((near = fm_near_key(key, known)) && !json_object_get(root, near))
			diag_warning(d, "site.yml", fm_key_line(yaml, len, 1, key), 1,
				     "'%s' is not a key quire knows: did you mean '%s'? (other keys reach templates as site.params)",
				     key, near);
	}
	if (!json_is_object(md))
		return;
	json_object_foreach(md, key, v) {
		if ((near = fm_near_key(key, md_known)) && !json_object_get(md, near))
			diag_warning(d, "site.yml", nested_key_line(yaml, len, key), 1,
				     "'markdown.%s' is not a key quire knows: did you mean 'markdown.%s'?", key, near);
	}
}

/* http:// or https://, a host, and nothing a URL cannot hold (a space, a
 * quote, an angle bracket): what sitemap.xml and the Atom feed start
 * every address with. */
/* The first character of u an address may not hold as it is (a space, a
 * quote, '<'…), or NULL. */
static const char *unescaped_char(const char *u)
{
	for (const char *p = u; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("\"'<>\\`{}|^", *p))
			return p;
	return NULL;
}

static int absolute_url(const char *u)
{
	size_t scheme = !strncmp(u, "https://", 8) ? 8 : !strncmp(u, "http://", 7) ? 7 : 0;
	return scheme && u[scheme] && u[scheme] != '/' && !unescaped_char(u);
}

/* What an absolute base_url may not hold, though a browser would take
 * it: every address of the sitemap and the feed is base_url + "/" + a
 * page's, so a query or fragment would end up in the middle of each, a
 * user name and password would be published in them, and a letter
 * outside ASCII breaks the sitemap's rule that addresses be escaped. */
static void check_base_url_parts(const char *u, int line, struct diag *d)
{
	const char *host = strstr(u, "://") + 3, *path = host + strcspn(host, "/?#");
	const char *at = memchr(host, '@', (size_t)(path - host)), *qf = strpbrk(u, "?#");
	const char *wide = u;
	while (*wide && (unsigned char)*wide < 0x80)
		wide++;
	if (at)
		diag_error(d, "site.yml", line, 1,
			   "'base_url' holds a user name or password (before '@'): it would be published in "
			   "sitemap.xml and changes.xml; give the address without it");
	else if (qf)
		diag_error(d, "site.yml", line, 1,
			   "'base_url' cannot end in a %s ('%s'): every page's address in the sitemap and the feed is "
			   "base_url followed by the page's path, so give the folder the site is served from",
			   *qf == '?' ? "query" : "fragment", qf);
	else if (*wide && wide < path)
		diag_error(d, "site.yml", line, 1,
			   "'base_url' has a host name with letters outside ASCII: write it as DNS does (xn--…, "
			   "its punycode form)");
	else if (*wide) {
		struct buf esc = BUF_INIT;
		size_t n = 1;
		while (((unsigned char)wide[n] & 0xC0) == 0x80)
			n++;
		for (size_t k = 0; k < n; k++)
			buf_printf(&esc, "%%%02X", (unsigned char)wide[k]);
		diag_error(d, "site.yml", line, 1,
			   "'base_url' cannot hold '%.*s' as it is: write it percent-encoded (%s), as the addresses "
			   "of the sitemap and the feed must be",
			   (int)n, wide, esc.ptr);
		buf_free(&esc);
	}
}

int config_load(struct config *cfg, const char *site_dir, struct diag *d)
{
	memset(cfg, 0, sizeof *cfg);
	char *path = xasprintf("%s/site.yml", site_dir);
	size_t len = 0;
	char *text = NULL;
	json_t *root = NULL;
	int rc = fs_read_file(path, &text, &len);
	int errors = diag_errors(d);
	if (rc == -2) {
		root = json_object();
	} else if (rc == -3) {
		diag_error(d, "site.yml", 0, 0, "the file is larger than the limit of %u MiB", FS_MAX_FILE >> 20);
		goto fail;
	} else if (rc < 0) {
		diag_fault(d, "site.yml", 0, 0, "cannot read the file: %s", strerror(errno));
		goto fail;
	} else {
		root = fm_parse_yaml(text, len, "site.yml", 1, d);
		if (!root)
			goto fail;
		if (!json_is_object(root)) {
			diag_error(d, "site.yml", 1, 1, "site.yml must be a mapping of keys to values");
			goto fail;
		}
		cfg_warn_misspelt(root, text, len, d);
		cfg_check_type(root, "title", JSON_STRING, text, len, d);
		cfg_check_type(root, "base_url", JSON_STRING, text, len, d);
		cfg_check_type(root, "theme", JSON_STRING, text, len, d);
		cfg_check_type(root, "language", JSON_STRING, text, len, d);
		cfg_check_type(root, "markdown", JSON_OBJECT, text, len, d);
		cfg_check_type(root, "history", JSON_TRUE, text, len, d);
		cfg_check_type(root, "withdrawn", JSON_TRUE, text, len, d);
		cfg_check_type(root, "search", JSON_OBJECT, text, len, d);
		cfg_check_synonyms(json_object_get(json_object_get(root, "search"), "synonyms"), text, len, d);
		json_t *md = json_object_get(root, "markdown");
		json_t *unsafe = json_object_get(md, "unsafe_html");
		if (unsafe && !json_is_boolean(unsafe))
			diag_error(d, "site.yml", nested_key_line(text, len, "unsafe_html"), 1,
				   "'markdown.unsafe_html' must be true or false (yes, 1 or \"true\" are not)");
	}
	cfg->title = cfg_string(root, "title", "Guidance");
	cfg->base_url = cfg_string(root, "base_url", "");
	size_t bl = strlen(cfg->base_url);
	while (bl && cfg->base_url[bl - 1] == '/')
		cfg->base_url[--bl] = '\0';
	const char *bad = unescaped_char(cfg->base_url);
	if (*cfg->base_url && bad) {
		char what[24];
		if (*bad == ' ')
			snprintf(what, sizeof what, "a space");
		else if ((unsigned char)*bad < ' ')
			snprintf(what, sizeof what, "a control character");
		else
			snprintf(what, sizeof what, "'%c'", *bad);
		diag_error(d, "site.yml", fm_key_line(text, len, 1, "base_url"), 1,
			   "'base_url' cannot hold %s as it is: write it percent-encoded (%%%02X), as in "
			   "https://intranet.example.org/staff%%20guidance", what, (unsigned char)*bad);
	} else if (*cfg->base_url && !absolute_url(cfg->base_url)) {
		diag_error(d, "site.yml", fm_key_line(text, len, 1, "base_url"), 1,
			   "'base_url' must be the site's full address, such as https://intranet.example.org/guidance "
			   "(the sitemap and the feed need one), not '%s'", cfg->base_url);
	} else if (*cfg->base_url) {
		check_base_url_parts(cfg->base_url, fm_key_line(text, len, 1, "base_url"), d);
	}
	cfg->theme = cfg_string(root, "theme", "default");
	cfg->theme_line = json_object_get(root, "theme") ? fm_key_line(text, len, 1, "theme") : 0;
	cfg->language = cfg_string(root, "language", "en-GB");
	cfg->unsafe_html = cfg_bool(json_object_get(root, "markdown"), "unsafe_html", 0);
	cfg->history = cfg_bool(root, "history", 1);
	cfg->withdrawn = cfg_bool(root, "withdrawn", 1);
	json_t *lv = json_object_get(root, "links");
	const char *links = json_string_value(lv);
	if (lv && !links)
		diag_error(d, "site.yml", fm_key_line(text, len, 1, "links"), 1, "'links' must be 'error' or 'warn'");
	else if (links && strcmp(links, "warn") && strcmp(links, "error"))
		diag_error(d, "site.yml", fm_key_line(text, len, 1, "links"), 1,
			   "'links' must be 'error' or 'warn', not '%s'", links);
	cfg->links_warn = links && !strcmp(links, "warn");
	if (strchr(cfg->theme, '/') || strchr(cfg->theme, '\\') || cfg->theme[0] == '.' || !cfg->theme[0])
		diag_error(d, "site.yml", fm_key_line(text, len, 1, "theme"), 1,
			   "'theme' must be the name of a folder in themes/");
	cfg->params = root;
	root = NULL;
	free(path);
	free(text);
	return diag_errors(d) > errors ? -1 : 0;
fail:
	cfg->params = json_object();
	cfg->title = xstrdup("");
	cfg->base_url = xstrdup("");
	cfg->theme = xstrdup("default");
	cfg->language = xstrdup("en");
	json_decref(root);
	free(path);
	free(text);
	return -1;
}

void config_free(struct config *cfg)
{
	free(cfg->title);
	free(cfg->base_url);
	free(cfg->theme);
	free(cfg->language);
	json_decref(cfg->params);
	memset(cfg, 0, sizeof *cfg);
}

/* A folder with neither site.yml nor content/ is no site: most often the
 * editor is in content/ or a folder below it. */
int site_looks_like(const char *dir)
{
	char *yml = xasprintf("%s/site.yml", dir), *content = xasprintf("%s/content", dir);
	int yes = fs_exists(yml) || fs_is_dir(content);
	free(yml);
	free(content);
	return yes;
}

#define LINK_WALK_DEPTH 32

/* Whether rel (under dir, resolved root) is a symlink leading out of the
 * site: then it is reported.  With walk, what a folder holds is looked at
 * too, down to LINK_WALK_DEPTH from depth: every script is read (the
 * links inside a theme are refused where the theme is read). */
static int escapes(const char *dir, const char *root, const char *rel, int walk, int depth, struct diag *d)
{
	char *path = xasprintf("%s/%s", dir, rel);
	struct stat st;
	int bad = 0;
	if (lstat(path, &st) < 0) {
		free(path);
		return 0;
	}
	if (S_ISLNK(st.st_mode)) {
		char *real = realpath(path, NULL);
		if (real && !fs_within(real, root)) {
			diag_error(d, rel, 0, 0, "symbolic link to '%s', outside the site folder: quire reads only "
						"what is inside it (copy what you need into the site)", real);
			bad = 1;
		}
		free(real);
	} else if (walk && S_ISDIR(st.st_mode) && depth < LINK_WALK_DEPTH) {
		DIR *dh = opendir(path);
		struct dirent *e;
		while (dh && (e = readdir(dh))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char *sub = xasprintf("%s/%s", rel, e->d_name);
			bad |= escapes(dir, root, sub, 1, depth + 1, d);
			free(sub);
		}
		if (dh)
			closedir(dh);
	}
	free(path);
	return bad;
}

/* A folder with .git in it (a folder, or a worktree's file) tops a
 * repository. */
static int repo_top(const char *dir)
{
	char *git = xasprintf("%s/.git", dir);
	int yes = fs_exists(git);
	free(git);
	return yes;
}

/* The length of the prefix of cwd (an absolute path) that is the top of
 * the git repository it is in (a folder with .git), or SIZE_MAX. */
static size_t repo_top_of(const char *cwd)
{
	for (size_t e = strcmp(cwd, "/") ? strlen(cwd) : 0;;) {
		char *dir = xstrndup(cwd, e ? e : 1);
		int top = repo_top(dir);
		free(dir);
		if (top)
			return e;
		if (e == 0)
			return SIZE_MAX;
		while (cwd[--e] != '/')
			;
	}
}

/* Whether the climb may go on from cwd[0, end) to the folder above, up:
 * not past "/" nor the user's home folder; and out of the working
 * folder's repository (rtop: its top's length), or where there is none,
 * not into a folder someone else owns (anyone may make /tmp/content, as
 * git's safe.directory warns of repositories; own_site checks the site
 * found). */
static int may_climb(const char *cwd, size_t end, const char *up, size_t rtop)
{
	if (end == 0)
		return 0;
	const char *home = getenv("HOME");
	size_t hl = home ? strlen(home) : 0;
	while (hl > 1 && home[hl - 1] == '/')
		hl--;
	if (hl > 1 && end == hl && !strncmp(cwd, home, hl))
		return 0;
	if (rtop != SIZE_MAX && end > rtop)
		return 1; /* still inside the repository */
	struct stat st;
	return stat(up, &st) == 0 && st.st_uid == geteuid();
}

/* Whether dir's site.yml, or else its content/, is the user's own: a site
 * found outside the working folder's repository must be (root too: /tmp
 * is root's, and anyone may make /tmp/site.yml). */
static int own_site(const char *dir)
{
	char *yml = xasprintf("%s/site.yml", dir), *content = xasprintf("%s/content", dir);
	struct stat st;
	int own = (lstat(yml, &st) == 0 || lstat(content, &st) == 0) && st.st_uid == geteuid();
	free(yml);
	free(content);
	return own;
}

int site_locate(char **site, char **here, struct diag *d)
{
	*site = *here = NULL;
	char *cwd = getcwd(NULL, 0);
	if (!cwd) {
		diag_error(d, NULL, 0, 0, "cannot read the working folder: %s", strerror(errno));
		return 2;
	}
	/* cwd[0, end) is the folder looked at ("" for "/"), up the folders
	 * climbed: ".", "..", "../.." */
	size_t end = strcmp(cwd, "/") ? strlen(cwd) : 0, climbed = end, rtop = repo_top_of(cwd);
	struct buf up = BUF_INIT, above = BUF_INIT;
	buf_puts(&up, ".");
	int found = 0;
	for (;;) {
		if (site_looks_like(buf_cstr(&up))) {
			/* above the repository's top, only a site whose content/
			 * holds the working folder (content/ kept as a repository
			 * of its own, a submodule): a clone kept in a site's
			 * folder is not that site */
			const char *c = cwd + climbed;
			int inside = rtop != SIZE_MAX && end >= rtop;
			found = (inside || !strcmp(c, "content") || !strncmp(c, "content/", 8) || rtop == SIZE_MAX) &&
				(inside || up.len == 1 || own_site(buf_cstr(&up)));
			break;
		}
		buf_reset(&above);
		buf_printf(&above, "%s/..", buf_cstr(&up));
		if (!may_climb(cwd, end, buf_cstr(&above), rtop))
			break;
		while (cwd[--end] != '/')
			;
		climbed = end + 1;
		buf_puts(&up, up.len == 1 ? "." : "/..");
	}
	buf_free(&above);
	if (!found) {
		diag_error(d, NULL, 0, 0, "neither '.' nor a folder above it is a quire site (one with site.yml or "
			   "content/): run quire in the site's folder, or give it with -s SITE");
		free(cwd);
		buf_free(&up);
		return 2;
	}
	const char *c = cwd + climbed;
	if (!strcmp(c, "content") || !strncmp(c, "content/", 8))
		*here = xstrdup(c[7] ? c + 8 : "");
	*site = buf_detach(&up);
	free(cwd);
	return 0;
}

char *site_source_key(const char *path)
{
	size_t n = strlen(path);
	if (strncmp(path, "content/", 8) || n <= 11 || strcmp(path + n - 3, ".md"))
		return NULL;
	return xstrndup(path + 8, n - 11);
}

char *site_alias_key(const char *al)
{
	if (!al)
		return NULL;
	/* an address as another generator writes it: "/hr/leave/" is the
	 * site's hr/leave/, served as hr/leave/index.html */
	while (al[0] == '/' && al[1] && al[1] != '/')
		al++;
	size_t l = strlen(al);
	char *key = l && al[l - 1] == '/' ? xasprintf("%sindex", al)
		    : xstrndup(al, l > 3 && !strcmp(al + l - 3, ".md") ? l - 3 : l > 5 && !strcmp(al + l - 5, ".html") ? l - 5 : l);
	if (strstr(key, "..") || key[0] == '/' || strchr(key, '\\') || !*key) {
		free(key);
		return NULL;
	}
	return key;
}

int site_check_dir(const char *dir, struct diag *d)
{
	if (!fs_is_dir(dir)) {
		diag_error(d, NULL, 0, 0, "site folder '%s' does not exist", dir);
		return -1;
	}
	if (!site_looks_like(dir)) {
		diag_error(d, NULL, 0, 0,
			   "'%s' is not a quire site: it has neither site.yml nor content/ (run quire in the site's "
			   "folder, or give it with -s SITE)", dir);
		return -1;
	}
	return 0;
}

int site_check_links(const char *dir, struct diag *d)
{
	char *root = realpath(dir, NULL);
	if (!root)
		return 0;
	/* content/'s own links scan.c checks; a theme's, the theme loader */
	int bad = escapes(dir, root, "content", 0, 0, d) | escapes(dir, root, "site.yml", 0, 0, d) |
		  escapes(dir, root, "themes", 1, LINK_WALK_DEPTH - 1, d) | escapes(dir, root, "scripts", 1, 0, d);
	free(root);
	return bad ? -1 : 0;
}

char *site_root_prefix(const char *out_path)
{
	struct buf b = BUF_INIT;
	for (const char *p = out_path; *p; p++)
		if (*p == '/')
			buf_puts(&b, "../");
	return buf_detach(&b);
}

char *site_title_from_name(const char *name)
{
	char *t = xstrdup(name), *out = t;
	/* "-draft", "a--b": one space between words, none around them */
	for (const char *p = name; *p; p++)
		if (*p != '-' && *p != '_' && *p != ' ') {
			if (out > t && strchr("-_ ", p[-1]))
				*out++ = ' ';
			*out++ = *p;
		}
	*out = '\0';
	if (!*t) {
		/* a name of nothing but dashes keeps them: a title is needed */
		free(t);
		t = xstrdup(name);
	}
	if (t[0] >= 'a' && t[0] <= 'z')
		t[0] = (char)(t[0] - 'a' + 'A');
	return t;
}

const char *site_reserved(const char *out)
{
	static const char *const own[][2] = {
		{ "404.html", "the page-not-found page" }, { "a-z.html", "the A to Z" },
		{ "changes.html", "the recent changes" }, { "changes.xml", "the Atom feed" },
		{ "print.html", "the print handbook" }, { "search.html", "the search page" },
		{ "search-index.js", "the search index" }, { "sitemap.xml", "the sitemap" },
		{ "sw.js", "the offline reading worker" }, { ".quire-output", "quire's marker file" },
	};
	for (size_t k = 0; k < sizeof own / sizeof *own; k++)
		if (!strcasecmp(out, own[k][0]))
			return own[k][1];
	size_t n = strlen(out);
	/* Pages there would be taken for topic pages or the theme's files; a
	 * picture or PDF kept in a folder of that name is fine. */
	int page = n > 5 && !strcasecmp(out + n - 5, ".html");
	if (page && !strncasecmp(out, "tags/", 5))
		return "the topic pages' folder (tags/)";
	if (page && !strncasecmp(out, "assets/", 7))
		return "the theme's assets folder (assets/)";
	if (!strncasecmp(out, "_versions/", 10))
		return "the folder of past versions' attachments (_versions/)";
	if (!strncasecmp(out, "search-", 7) && n > 10 && !strcasecmp(out + n - 3, ".js"))
		return "the search index's files (search-*.js)";
	if (n > 13 && !strcasecmp(out + n - 13, ".history.html"))
		return "a history page's name (NAME.history.html)";
	/* NAME.rev-0123456789.html */
	if (n > 20 && !strcasecmp(out + n - 5, ".html") && !strncasecmp(out + n - 20, ".rev-", 5) &&
	    strspn(out + n - 15, "0123456789abcdefABCDEF") == 10)
		return "a past version's name (NAME.rev-ID.html)";
	return NULL;
}

char *site_rel_url(const char *from, const char *to)
{
	/* Share the common folder prefix, then climb out of the rest. */
	size_t common = 0;
	for (size_t i = 0; from[i] && to[i] && from[i] == to[i]; i++)
		if (from[i] == '/')
			common = i + 1;
	/* One block of the exact size: pages ask for thousands of these. */
	size_t ups = 0, rest = strlen(to + common), spaces = 0;
	for (const char *p = from + common; *p; p++)
		ups += *p == '/';
	for (const char *p = to + common; (p = memchr(p, ' ', rest - (size_t)(p - (to + common)))); p++)
		spaces++;
	char *out = xmalloc(3 * ups + rest + 2 * spaces + 1), *q = out;
	for (size_t i = 0; i < ups; i++, q += 3)
		memcpy(q, "../", 3);
	if (!spaces) {
		memcpy(q, to + common, rest + 1);
		return out;
	}
	/* a space is no character of a URL (an HTML checker says so; the
	 * article's own links have it as %20 too) */
	for (const char *p = to + common; *p; p++)
		if (*p == ' ') {
			memcpy(q, "%20", 3);
			q += 3;
		} else {
			*q++ = *p;
		}
	*q = '\0';
	return out;
}

void site_body_fp(const char *body, uint64_t fp[2])
{
	struct cache_keybuf kb;
	cache_key_begin(NULL, &kb, "body");
	cache_key_str(&kb, body);
	struct cache_key k = cache_key_end(&kb);
	fp[0] = k.h[0];
	fp[1] = k.h[1];
}
