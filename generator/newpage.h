/* newpage: `quire new` — starts an article with valid front matter, so an
 * editor begins from a page that builds. */
#ifndef QUIRE_NEWPAGE_H
#define QUIRE_NEWPAGE_H

#include "diag.h"

/* The placeholder lines of the body `quire new` writes, and the marker
 * of its empty summary: the build warns of any still there. */
#define NEWPAGE_OPENING "Start with a sentence or two that answers the reader's question."
#define NEWPAGE_OPENING_SMART "Start with a sentence or two that answers the reader\xE2\x80\x99s question."
#define NEWPAGE_STEPS "Explain the steps here, in plain language."
#define NEWPAGE_SUMMARY_TODO "# TODO: one sentence on what the reader will learn"

/* Creates SITE/content/PATH.md (".md", in any case, replaced by ".md";
 * missing folders are created) with front matter: title (title, or when
 * NULL one made from the file name: "court-orders" gives "Court orders"),
 * an empty summary marked TODO, empty tags and audience lists and today's
 * date in a comment, followed by a placeholder body.  PATH is taken from
 * the folder here under content/ ("" for content/ itself), or from
 * content/ when here is NULL; a PATH starting "content/" is always from
 * SITE.  Never overwrites.  Prints "created content/PATH.md" on stdout.
 * Returns 0; 1 when PATH is unsafe (absolute, "..", ".", backslash,
 * hidden, empty), the file exists, or it or a folder on its way is an
 * existing one's name but for letter case; 2 on an environment fault,
 * SITE not being a site among them (site_check_dir).  Every problem is
 * reported to d. */
int newpage_create(const char *site_dir, const char *here, const char *path, const char *title, struct diag *d);

#endif
