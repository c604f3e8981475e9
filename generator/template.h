/* template: Mustache (interpolation, sections, inverted sections, comments,
 * partials, set delimiters; no lambdas) over jansson values.  A theme's
 * templates are compiled once into a read-only set, which any number of
 * threads then render pages with. */
#ifndef QUIRE_TEMPLATE_H
#define QUIRE_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"
#include "diag.h"

/* All templates of a theme, compiled once per build. */
struct tmpl_set;

struct tmpl_set *tmpl_set_new(void);
void tmpl_set_free(struct tmpl_set *s);

/* Compiles src (len bytes, copied) as template `name`, replacing any
 * template of that name.  Errors go to d as path:line:col (path is what to
 * print, e.g. "themes/default/templates/article.mustache"; line and byte
 * column 1-based, at the offending tag).  Returns 0, or -1 after reporting
 * every error found; a template with errors still counts for tmpl_set_has
 * (so no "missing" errors cascade) but refuses to render. */
int tmpl_set_add(struct tmpl_set *s, const char *name, const char *src,
		 size_t len, const char *path, struct diag *d);

/* Compiles every NAME.mustache in the folder dir (the template's name is
 * NAME; sub-folders are ignored, a leading UTF-8 BOM is dropped); relpath is
 * the folder as printed in diagnostics ("themes/default/templates").
 * Reports a missing folder or unreadable file too.  Returns 0 or -1. */
int tmpl_set_load_dir(struct tmpl_set *s, const char *dir, const char *relpath,
		      struct diag *d);

/* 1 if a template called name was added (even one with errors), else 0. */
int tmpl_set_has(const struct tmpl_set *s, const char *name);

/* After loading: reports, as warnings at the tag's position, partials that
 * are referenced but not defined (they render as the empty string). */
void tmpl_set_check_partials(const struct tmpl_set *s, struct diag *d);

/* After loading: computes each template's digest, a hash of its source and
 * of every partial it includes (a partial that is not defined counts by
 * its name), so an output's fingerprint changes exactly when a template
 * it is rendered with changes. */
void tmpl_set_seal(struct tmpl_set *s);
/* That digest; for a name not in the set, a hash of the name. */
uint64_t tmpl_digest(const struct tmpl_set *s, const char *name);

/* Safety limits on one tmpl_render call: at most max_nodes template nodes
 * visited and max_output bytes written (0 keeps the default: 100 million
 * nodes, 256 MiB).  Guards against templates whose nested loops explode.
 * Set before rendering starts. */
void tmpl_set_limits(struct tmpl_set *s, size_t max_nodes, size_t max_output);

/* Renders template `name` with ctx (borrowed, may be NULL) appended to out.
 * Thread-safe: the set and ctx are only read.  Returns 0, or -1 if name is
 * unknown or failed to compile, partials nest deeper than 64 levels
 * (self-inclusion), or a limit is exceeded; then out is left as it was and
 * a message is stored in *err if err != NULL (caller frees). */
int tmpl_render(const struct tmpl_set *s, const char *name, json_t *ctx,
		struct buf *out, char **err);

#endif
