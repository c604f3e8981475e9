/* serve: `quire serve` — builds the site, serves OUT over HTTP on a
 * loopback address, watches the sources with inotify and rebuilds on every
 * save, telling open pages to reload (or showing the errors) through
 * server-sent events at /__quire/events. */
#ifndef QUIRE_SERVE_H
#define QUIRE_SERVE_H

struct serve_opts {
	const char *site_dir;  /* SITE */
	const char *out_dir;   /* OUT; NULL = a private temporary folder,
				* removed at exit, so serve never touches
				* SITE/public */
	const char *bind;      /* address to listen on; NULL = "127.0.0.1" */
	int port;              /* 0 = any free port (the chosen one is printed) */
	int jobs;              /* render threads; 0 = one per core */
	int drafts;            /* include draft: true pages */
	int force;             /* build into a non-empty OUT quire did not make */
};

/* Builds, serves, watches and rebuilds until SIGINT or SIGTERM.  Prints
 * "Serving SITE at http://HOST:PORT/ (Ctrl-C to stop)" on stdout once
 * listening.  Returns the exit status: 0 after a clean stop, 2 when the
 * port cannot be bound, the site folder is missing or OUT is unusable. */
int serve_run(const struct serve_opts *o);

/* Maps the path of a request URL (raw, still percent-encoded; anything
 * from '?' or '#' on is ignored) to a file path relative to OUT.
 * Returns 0 and sets *rel to a new string the caller frees: "/" gives
 * "index.html", "/a/" gives "a/index.html", "/a/b.html" gives "a/b.html".
 * Otherwise returns an HTTP status and sets *rel to NULL: 400 for a
 * malformed path (no leading '/', bad %-escape, NUL or control character,
 * invalid or overlong UTF-8, empty segment), 403 for a path that tries to
 * leave OUT ("." or ".." segments however encoded, %2f, %5c, backslash),
 * 404 for hidden files (a segment starting with '.'). */
int serve_map_path(const char *url_path, char **rel);

/* Reads a Range header for a file of size bytes (RFC 9110 14.2): one
 * range, "bytes=FIRST-", "bytes=FIRST-LAST" or "bytes=-SUFFIX".  Returns 1
 * and sets *off and *len for a range to send (206); -1 when it cannot be
 * satisfied (416: it starts at or past the end, or asks for an empty
 * suffix); 0 when the whole file is sent (200): no header, another unit,
 * several ranges, a malformed one, which RFC 9110 says to ignore, or an
 * empty file. */
int serve_parse_range(const char *header, unsigned long long size, unsigned long long *off,
		      unsigned long long *len);

#endif
