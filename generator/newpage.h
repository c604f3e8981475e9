/* newpage: `quire new` — starts an article with valid front matter, so an
 * editor begins from a page that builds. */
#ifndef QUIRE_NEWPAGE_H
#define QUIRE_NEWPAGE_H

#include "diag.h"

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
