/* newpage: `quire new` — starts an article with valid front matter, so an
 * editor begins from a page that builds. */
#ifndef QUIRE_NEWPAGE_H
#define QUIRE_NEWPAGE_H

#include "diag.h"

/* Creates SITE/content/PATH.md (".md" added unless PATH has it; a leading
 * "content/" is accepted and dropped; missing folders are created) with
 * front matter: title (title, or when NULL one made from the file name:
 * "court-orders" gives "Court orders"), an empty summary marked TODO,
 * empty tags and audience lists and today's date in a comment, followed
 * by a placeholder body.  Never overwrites.  Prints "created
 * content/PATH.md" on stdout.  Returns 0; 1 when PATH is unsafe (absolute,
 * "..", ".", backslash, hidden, empty) or the file exists; 2 on an
 * environment fault, SITE not being a site among them (site_check_dir).
 * Every problem is reported to d. */
int newpage_create(const char *site_dir, const char *path, const char *title, struct diag *d);

#endif
