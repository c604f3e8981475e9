/* frontmatter: splits an article into YAML front matter and Markdown body,
 * and turns YAML (front matter and site.yml) into json_t with YAML's types
 * kept (true is a boolean, 3 a number).  Hands the body and data on to the
 * rest of the pipeline. */
#ifndef QUIRE_FRONTMATTER_H
#define QUIRE_FRONTMATTER_H

#include <jansson.h>
#include <stddef.h>

#include "diag.h"

/* Where the parts of a source file lie.  Offsets index the text given to
 * fm_split; lines are 1-based lines of the file. */
struct fm_parts {
	int has_fm;
	size_t yaml_off, yaml_len; /* the YAML between the --- lines */
	int yaml_line;             /* file line of the YAML's first line */
	size_t body_off;           /* start of the Markdown body */
	int body_line;             /* file line where the body starts */
};

/* Finds the front matter of text (a whole file, BOM and CRLF allowed).
 * Returns 0, or -1 after reporting an unterminated block to d. */
int fm_split(const char *text, size_t len, const char *path,
	     struct fm_parts *out, struct diag *d);

/* Parses one YAML document into a new reference (an object when the
 * document is a mapping).  Lines in diagnostics are offset by first_line - 1
 * so they point into the containing file.  Returns NULL after reporting
 * every problem (syntax, duplicate keys, aliases, custom tags, too deep). */
json_t *fm_parse_yaml(const char *yaml, size_t len, const char *path,
		      int first_line, struct diag *d);

/* Convenience: the key's line in the front matter, for diagnostics about
 * a value (e.g. "title must be a string").  0 when unknown. */
int fm_key_line(const char *yaml, size_t len, int first_line, const char *key);
/* The same, read from the file src of the site in site_dir: for a message
 * about a page made long after its source was read.  0 when unknown. */
int fm_file_key_line(const char *site_dir, const char *src, const char *key);

/* The line of a merge conflict git left in a source's text (a "<<<<<<<"
 * line, then "=======" and ">>>>>>>" lines, outside fenced code), or 0.
 * A build refuses such a file; a past version holding one was never
 * published. */
int fm_conflict_line(const char *text, size_t len);

/* Where text was wanted under the top-level key, the first plain value
 * YAML read as something else: 2024 a number, true yes or no, a value
 * starting with '#' a comment (so nothing).  How to write it as text is
 * the line it is on with that value quoted: title: "2024", tags: [hr,
 * "2024"], - "2024".  Lines and columns are of the file (as in
 * fm_parse_yaml). */
struct fm_untext {
	int line, col;
	const char *read_as; /* "a number", "yes or no", "nothing", "a comment" */
	char *text;          /* the value as written */
	char *fix;           /* the line written right */
};

/* 0 and *out filled (free with fm_untext_free), or -1 when the value
 * holds no such plain value (or the YAML does not parse). */
int fm_find_untext(const char *yaml, size_t len, int first_line, const char *key, struct fm_untext *out);
void fm_untext_free(struct fm_untext *u);

/* The key of known (a NULL-ended list) that key most likely misspells,
 * or NULL: one equal to it but for case, one or two edits away (a letter
 * added, dropped, changed, or two swapped; one edit only when either key
 * has four letters or fewer, so "time" is not "title" nor "lang" "tags"),
 * or its singular or plural ("tag", "alias").
 * A key of known itself is no misspelling. */
const char *fm_near_key(const char *key, const char *const *known);

/* What quire has for a front-matter key another site generator uses and
 * quire does not (Hugo's "description", Jekyll's "permalink",
 * Docusaurus's "sidebar_position"), or NULL for any other key.  *ours is
 * the key of quire's that does its job ("summary"), or NULL when quire
 * has none (the advice says what it does instead).  Both static. */
const char *fm_foreign_key(const char *key, const char **ours);

/* The error for a file without front matter (text, len bytes, is the
 * whole file): TOML front matter (+++) named as such, else the lines to
 * start the file with, its title taken from a "# Heading" the body opens
 * with when it has one.  New string. */
char *fm_missing_msg(const char *text, size_t len);

#endif
