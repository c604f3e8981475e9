/* site: the shared model every stage reads and fills in — the site's
 * configuration, its pages (articles, sections, pages added by hooks) and
 * the relations between them.  Later stages read what earlier ones wrote;
 * nothing here calls back into a stage. */
#ifndef QUIRE_SITE_H
#define QUIRE_SITE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

enum page_kind {
	PAGE_ARTICLE, /* content/A/B.md */
	PAGE_SECTION, /* content/A/index.md, or generated for a folder */
	PAGE_HOME,    /* content/index.md, or generated */
	PAGE_ADDED,   /* added by a Lua hook (quire.add_page) */
	PAGE_WITHDRAWN /* content/A/B.md deleted in git while published: its
			  notice, history and past versions stay (after every
			  other page, listed nowhere but in the recent changes) */
};

struct heading {
	int level;
	char *text; /* plain text */
	char *id;   /* unique within the page */
};

/* A link as written in the source, before resolution. */
struct rawlink {
	char *url;  /* for wiki links: the text between [[ and ]] up to | */
	int wiki, is_image; /* wiki: 0, MD_WIKI or MD_WIKI_TITLED (markdown.h) */
	int line, col; /* position in the source file */
};

struct config {
	char *title;
	char *base_url;   /* "" when unset; no trailing slash */
	char *theme;
	int theme_line;   /* its line in site.yml, 0: not set there */
	char *language;
	int unsafe_html;
	int history;
	int links_warn;   /* links: warn */
	int withdrawn;    /* withdrawn: an article deleted keeps a notice (default 1) */
	json_t *params;   /* every other key of site.yml (new ref) */
};

struct md_pre;

struct page {
	enum page_kind kind;
	char *src;       /* "content/a/b.md" relative to SITE; NULL when generated */
	char *key;       /* "a/b", "a/index", "index": output path without .html */
	char *out;       /* "a/b.html" */
	char *dir;       /* folder of the page inside content/: "a", "" at the root */
	char *name;      /* "b" for content/a/b.md; the folder name for a section */
	json_t *data;    /* front matter after hooks (new ref): title, summary, ... */
	char *body;      /* Markdown body (owned), or NULL: none, or (body_lazy)
			    not read; freed after phase B on sites too large
			    for print.html */
	int body_lazy;   /* the body is in src from body_off, not in memory */
	size_t body_off; /* where the body starts in src */
	int body_line;   /* line of the file where the body starts */
	char *html_in;   /* raw HTML body of a hook-added page (owned) or NULL */
	const char *template_name; /* borrowed from data or a constant */
	double weight;
	int draft;        /* a draft (shown with --drafts); withdrawn: its source is a draft today */

	struct heading *headings;
	size_t nheadings;
	/* the ids of its footnotes and their references, which links may
	 * lead to ("fn-1"; md_footnotes; NULL: none) */
	char *fnids;
	json_t *fnset; /* the same, to look them up (md_footnote_set) */
	struct rawlink *rawlinks;
	size_t nrawlinks;

	int *links_to;   /* indices of pages this one links to, unique, sorted */
	size_t nlinks_to;
	uint64_t body_fp[2]; /* hash of the Markdown body (site_body_fp), set with it */
	uint64_t data_fp[2]; /* hash of data once the hooks have run (phase B) */
	char *html;      /* rendered Markdown (owned); NULL while html_lazy */
	char *text;      /* plain text, for search (owned); NULL while html_lazy */
	uint64_t html_fp[2]; /* identifies html and text (set in phase B) */
	int html_lazy;   /* html and text are in the build cache, read when needed */
	int links_noisy; /* a link in the Markdown has a problem (reported each build) */
	int section_index; /* index of the section page it belongs to, -1 for home */
	/* data's title and summary, while nothing may change data (render_site
	 * sets them): looked up tens of times a page, each a hash lookup in
	 * memory not touched since the page was loaded.  NULL: look them up. */
	const char *title_memo, *summary_memo;
	struct md_pre *pre; /* HTML with its links still open (phase A to B), or NULL */
	char *print_html;   /* its part of print.html, made from the same parse (phase B), or NULL */
	int pre_declined;   /* phase A could not render it with its links left open */
	char *origin;       /* a hook's page: "scripts/x.lua:12", where it was added; else NULL */
	/* withdrawn guidance whose address an alias or a folder's section
	 * page took over: only its history and past versions are written,
	 * and site_find does not find it */
	int shadowed;
	/* withdrawn guidance that was a folder's index.md, deleted while the
	 * folder still held guidance (or the home page's): the section page
	 * quire makes replaced it, so no guidance was withdrawn, and only
	 * its record is kept (shadowed too) */
	int section_stays;
};

struct site {
	char *dir;        /* SITE */
	struct config cfg;
	struct page **pages;
	size_t npages, cap;
	json_t *by_key;   /* key → index (json integer): a hash map */
	json_t *drafts;   /* drafts left out of this build, by "key:K", "name:N" and
			     "title:T" (lower case) → their file, to say so when linked */
	json_t *hook_hidden; /* of those, the files an on_page hook hid → true */
	json_t *broken;   /* articles left out for errors of their own, by the
			     same keys (title when known): a link to one is not
			     at fault */
	char **assets;    /* files under content/ that are not Markdown, relative to content/ */
	size_t nassets;
	size_t nwithdrawn; /* the last pages are these many PAGE_WITHDRAWN */
};

void site_init(struct site *s, const char *dir);
void site_free(struct site *s);
/* Takes ownership of p; returns its index.  -1 if the key is taken (the
 * caller reports the collision). */
int site_add_page(struct site *s, struct page *p);
/* The same for a page site_find is not to find (page.shadowed). */
int site_append_page(struct site *s, struct page *p);
/* Frees the pages i for which gone[i] is set, keeping the others in
 * their order (renumbered).  Only before anything holds a page's
 * index. */
void site_drop_pages(struct site *s, const char *gone);
int site_find(const struct site *s, const char *key);
/* How many pages come before the withdrawn ones: those listed anywhere
 * (search, the sitemap); the withdrawn are s->pages[site_listed(s)..]. */
size_t site_listed(const struct site *s);
/* The hash a page's body_fp holds, of any Markdown body: a past version
 * whose body has the page's hash is the page's own Markdown. */
void site_body_fp(const char *body, uint64_t fp[2]);
const char *page_title(const struct page *p);
const char *page_summary(const struct page *p);
const char *page_str(const struct page *p, const char *field); /* "" when missing */
void page_free(struct page *p);

/* Loads SITE/site.yml into cfg.  Returns 0, or -1 after reporting. */
int config_load(struct config *cfg, const char *site_dir, struct diag *d);
void config_free(struct config *cfg);

/* Whether SITE is a folder with site.yml or content/ in it, as build,
 * check and new require.  Returns 0, or -1 after reporting why not (an
 * environment fault: exit status 2). */
int site_check_dir(const char *dir, struct diag *d);
/* The same test, without a word: 1 when dir has site.yml or content/. */
int site_looks_like(const char *dir);
/* The page key alias al names (new string): ".md" or ".html" dropped, a
 * leading "/" (the site's root, as other generators write addresses)
 * too, a trailing "/" (a folder) made its index.  NULL for one that is
 * no path inside the site ("..", "//host", "\\", empty). */
char *site_alias_key(const char *al);
/* The page key of an article's path relative to the site ("content/a/b.md"
 * is "a/b"), a new string; NULL for a path that is no article's (outside
 * content/, as history's paths from before a file moved in are). */
char *site_source_key(const char *path);
/* The site a command works in when no -s is given, found as git finds
 * its repository: the nearest of the working folder and the folders
 * above it that has site.yml or content/, not past the top of the
 * repository the working folder is in.  *site is "." or "..", "../.."
 * and so on; *here the working folder's path under that site's content/
 * ("" for content/ itself), or NULL when it is not inside content/.
 * Both new strings.  Returns 0, or 2 after reporting that there is none. */
int site_locate(char **site, char **here, struct diag *d);
/* content/, site.yml, themes/ (and each theme's folder) and scripts/ are
 * read as the site's own: -1 after reporting each symlink among them that
 * leads out of the site folder, whose target would be published or handed
 * to hooks. */
int site_check_links(const char *dir, struct diag *d);

/* The relative prefix from an output file to the site root: "" for
 * "index.html", "../" for "a/b.html".  Caller frees. */
char *site_root_prefix(const char *out_path);
/* A URL from the file `from` (relative to OUT) to `to` (relative to OUT),
 * always relative so the site works from file://.  Caller frees. */
char *site_rel_url(const char *from, const char *to);

/* What quire itself writes at the output path out (compared without
 * case): one of its own pages or files, or a name kept for history pages,
 * past versions and their attachments, topic pages or the theme's assets.  NULL when a page or
 * file of the site's may be written there. */
const char *site_reserved(const char *out);

/* A title made from a file or folder name, for a page that has none of
 * its own: "court-orders" → "Court orders", "_posts" → "Posts" (each run
 * of '-', '_' and ' ' one space, none at the ends, a capital first).  A
 * name of nothing but those keeps them.  Caller frees. */
char *site_title_from_name(const char *name);

#endif
