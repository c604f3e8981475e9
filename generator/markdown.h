/* markdown: parses an article's Markdown with cmark-gfm (tables,
 * strikethrough, autolinks, tagfilter, task lists, footnotes, smart
 * punctuation), gives every heading a stable id, turns wiki links into
 * link nodes, rewrites each link through a resolver the caller supplies
 * (links.c), and renders HTML and plain text.  Raw HTML and dangerous URLs
 * are filtered unless the site opts in. */
#ifndef QUIRE_MARKDOWN_H
#define QUIRE_MARKDOWN_H

#include <cmark-gfm.h>
#include <stddef.h>

#include "site.h"

/* Widest table row quire parses as a table (see md_parse). */
#define MD_MAX_TABLE_COLUMNS 256

/* A 4 KB article's parse carves some 100 KB from its arena; past
 * MD_ARENA_MAX the rest of a document comes from the heap, freed piece by
 * piece, as an arena keeps all that cmark frees until the end (a table of
 * 300,000 rows took 60% more memory, and three times as long, with every
 * piece in the arena). */
#define MD_ARENA_MAX ((size_t)1 << 20)

struct arena;

/* A link written so that it stays text: an unclosed [[, a wiki link whose
 * '|' splits a table cell, an inline link without its ')'.  md_expand_wikilinks
 * finds them, at file positions; the caller reports them. */
struct md_problem {
	int line, col;
	int likely;  /* 1: most probably a mistake, not certainly (a warning) */
	char *msg;
};

struct md_doc {
	int tables_disabled;    /* the file line of a line too wide, so tables
				   are not parsed; 0: none */
	const char *id_prefix;  /* put before every heading id (print.html); NULL: none */
	struct arena *arena;    /* the parse tree's memory (see markdown.c) */
	cmark_parser *parser;
	cmark_node *root;
	int unsafe_html;
	int body_line;          /* file line of the body's first line */
	cmark_node **graveyard; /* nodes unlinked from the tree; freed last,
				   because cmark-gfm text still points into them */
	size_t ngrave, capgrave;
	struct wikipos **wiki;  /* positions of wiki links (user data) */
	size_t nwiki, capwiki;
	char *src;              /* the body as parsed, for true columns (fix_col) */
	size_t src_len;
	size_t *line_at;        /* where each line of src starts; made when needed */
	size_t nlines;
	/* char_col's place: on line cc_line, byte cc_byte is character
	 * cc_chars (a line's problems and links are met left to right, so
	 * each is counted from the last, not from the line's start) */
	int cc_line, cc_chars;
	size_t cc_byte;
	char **cell_ext;        /* external links in table cells: their escaped
				   href, for render_doc to mark (see apply_link) */
	size_t ncell_ext;
	struct md_problem *problems; /* see struct md_problem */
	size_t nproblems, capproblems;
};

/* What a resolver says about one link. */
struct md_link_result {
	char *href;     /* new string, or NULL: leave the link as written */
	char *title;    /* for wiki links without text: the target's title */
	int external;   /* render with rel="noopener" and an external marker */
	int unlink;     /* replace the link by its text (past versions) */
};

/* The wiki argument of md_link_fn (and rawlink.wiki): 0 for a Markdown
 * link or image; MD_WIKI for [[target|text]]; MD_WIKI_TITLED for
 * [[target]], which shows its target's title. */
enum { MD_WIKI = 1, MD_WIKI_TITLED = 2 };

/* Resolves url (wiki: the [[target]] text) found at file line:col.
 * Fills res; reports problems itself. */
typedef void (*md_link_fn)(void *ctx, const char *url, int wiki, int is_image,
			   int line, int col, struct md_link_result *res);

/* cmark frees a whole tree with its root's allocator, so every node and
 * parser whose nodes can meet a document's (a Lua filter's) is made with
 * this one (see markdown.c). */
cmark_mem *md_mem(void);
cmark_node *md_node_new(cmark_node_type type);

/* cmark-gfm 0.29.0.gfm.6 takes time that grows with a paragraph's
 * emphasis marks times its closing brackets (the CVE-2023-24824 kind:
 * 40,000 links beside as many emphases in one paragraph take 4 s, twice
 * as many 16 s, an 8 MiB article hours).  The line (1-based, in body)
 * where a paragraph, heading or table row begins whose count passes
 * MD_COSTLY (about 30 ms of parsing), or 0.  Errs on the side of finding
 * one: it never misses a paragraph cmark would parse slowly. */
#define MD_COSTLY 20000000ULL
int md_costly_line(const char *body, size_t len);

/* Parses body (len bytes).  A body md_costly_line finds too costly is not
 * parsed: the document is its text as one code block (the build reports
 * it; a past version or a hook's text is shown as it is).  Returns 0 or
 * -1. */
int md_parse(struct md_doc *doc, const char *body, size_t len, int body_line,
	     int unsafe_html);
void md_free(struct md_doc *doc);

/* Turns [[target]], [[target|text]] and [[target#id]] in text (never in
 * code) into link nodes, and notes in doc->problems the links written so
 * that they stay text. */
void md_expand_wikilinks(struct md_doc *doc);

/* Lists the headings with their unique ids (new arrays; caller frees with
 * md_free_headings). */
void md_headings(struct md_doc *doc, struct heading **out, size_t *n);
void md_free_headings(struct heading *h, size_t n);

/* The ids of doc's footnotes and of the references to them, as cmark-gfm
 * writes them ("fn-Note", "fnref-Note", "fnref-Note-2": the label as its
 * definition spells it, escaped for a URL): a new string "\nID\nID\n", or
 * NULL when it has none. */
char *md_footnotes(struct md_doc *doc);
/* Those ids as a set (a new object; NULL for NULL), and whether id is
 * one of them. */
json_t *md_footnote_set(const char *ids);
int md_footnote_target(const json_t *set, const char *id);

/* Lists every link and image as written, with file positions. */
void md_links(struct md_doc *doc, struct rawlink **out, size_t *n);
/* md_links, with each link's text as it reads in *texts (new strings;
 * "" for an image without alt text or a wiki link that shows its
 * target's title). */
void md_links_texts(struct md_doc *doc, struct rawlink **out, char ***texts, size_t *n);

/* Resolves every link through fn, puts ids and permalink anchors on the
 * headings, and renders.  *html and *text are new strings. */
void md_render(struct md_doc *doc, md_link_fn fn, void *ctx, char **html,
	       char **text);

/* A document rendered before its links can be resolved: each link's URL
 * (and a text-less wiki link's text) is a placeholder that md_finish
 * fills in, so a page is parsed once although its links need every
 * page's headings. */
struct md_deferred {
	char *url;        /* as written */
	int wiki, is_image, line, col;
	int textless;     /* a wiki link without text: it shows the target's title */
	int ready;        /* rendered already (an external link) */
};
struct md_pre {
	char *html, *text;
	char *print_html; /* as print.html shows it (see md_render_pre), or NULL */
	struct md_deferred *links; /* every link and image, in document order */
	size_t n;
	int unsafe_html, tables_disabled; /* as md_doc's */
};
/* Renders doc as md_render would, with links left open.  fn is asked
 * about each link first; the external links it names are rendered now
 * (so it must answer for them as md_finish's fn will).  Returns a new
 * md_pre (free with md_pre_free), or NULL when the placeholders could be
 * mistaken for the document's own text: then doc has been rewritten, and
 * must be parsed again for md_render.
 * With print_prefix, print_html is rendered too, each heading's id after
 * the prefix, as doc->id_prefix would make it (it may stay NULL). */
struct md_pre *md_render_pre(struct md_doc *doc, md_link_fn fn, void *ctx, const char *print_prefix);
/* Resolves pre's links through fn, each in document order as md_render
 * does, and makes the final *html and *text (text may be NULL) out of
 * pre's own, which it takes.  fn never unlinks here. */
void md_finish(struct md_pre *pre, md_link_fn fn, void *ctx, char **html, char **text);
/* The same for pre's print_html, with fn resolving links as print.html
 * has them: a new string (NULL when pre has none). */
char *md_finish_print(struct md_pre *pre, md_link_fn fn, void *ctx);
void md_pre_free(struct md_pre *pre);
/* Renders a Markdown fragment (for hooks' quire.markdown) with the site's
 * safety settings and no link rewriting.  Caller frees. */
char *md_to_html(const char *markdown, int unsafe_html);

/* Every cmark-gfm parse with extensions, anywhere in quire, runs between
 * these.  They hold a lock only when parses cannot run at once (see
 * markdown.c: cmark-gfm 0.29 is not thread-safe there); md_parse_is_serial
 * says which. */
int md_parse_is_serial(void);
void md_cmark_lock(void);
void md_cmark_unlock(void);

/* The plain text of a node and its children (headings, link text). */
char *md_node_text(cmark_node *node);

#endif
