/* feeds: the machine-readable outputs — sitemap.xml (needs base_url) and
 * the Atom feed of recent changes, changes.xml. */
#ifndef QUIRE_FEEDS_H
#define QUIRE_FEEDS_H

#include <stddef.h>

#include "history.h"
#include "output.h"
#include "site.h"

/* One entry of the recent-changes list (render.c builds them). */
struct change;

void feeds_sitemap(const struct site *s, struct output *out, struct diag *d);
void feeds_atom(const struct site *s, struct output *out, struct diag *d,
		const struct change *changes, size_t n);

#endif
