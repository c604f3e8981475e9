/* scan: lists the files under SITE/content — Markdown sources and the
 * assets copied beside them — refusing anything that would let a build read
 * outside the site (symlinks out, loops) or hang (FIFOs, devices). */
#ifndef QUIRE_SCAN_H
#define QUIRE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* A file's identity, to tell a later build whether it changed. */
struct scan_stat {
	uint64_t dev, ino, size;
	int64_t mtime_ns, ctime_ns;
};

struct scan_result {
	char **md;      /* Markdown files, relative to content/, sorted */
	struct scan_stat *mdst; /* each one's identity, as found by the walk */
	size_t nmd;
	char **assets;  /* every other regular file, relative to content/, sorted */
	size_t nassets;
};

/* Walks SITE/content.  Returns 0, -1 after reporting problems with
 * individual entries (the walk still lists the good ones), or -2 when
 * content/ itself is missing or unreadable (an environment fault). */
int scan_content(const char *site_dir, struct scan_result *out, struct diag *d);
void scan_free(struct scan_result *r);

/* 1 for a file name no site means to publish: hidden files, editors'
 * backups and temporary files ("x~", "#x#", vim's "4913", `sed -i`'s
 * "sedXXXXXX").  The build and serve's watcher skip the same names. */
int scan_ignored(const char *name);

/* 1 when a file name holds a character a relative URL cannot carry as it
 * is (\\ % " < > ? # : or a control character). */
int scan_bad_name(const char *name);

/* 1 when rel (a path inside content/) is one the scan would read: no part
 * of it a name the scan skips (scan_ignored: a hidden folder such as
 * ".drafts/") or refuses (scan_bad_name). */
int scan_source_path(const char *rel);

#endif
