/* serve: the editors' preview server.  The main thread builds and then
 * watches the sources (inotify, debounced) and rebuilds; libmicrohttpd's
 * threads serve OUT and hold the live-reload event streams open; a third
 * thread waits for SIGINT/SIGTERM/SIGHUP.  They share one struct server. */
#include "serve.h"
#include "history.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <git2.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "build.h"
#include "diag.h"
#include "fsutil.h"
#include "scan.h"

#define EVENTS_URL "/__quire/events"
#define SCRIPT_URL "/__quire/reload.js"
#define SCRIPT_TAG "<script src=\"" SCRIPT_URL "\"></script>"

/* Quiet time after the last change before a rebuild starts, and the most
 * a stream of changes may delay it (a rebuild starts within a second). */
#define DEBOUNCE_MS 100
#define DEBOUNCE_MAX_MS 500
/* An idle event stream sends a comment this often, to notice closed tabs. */
#define PING_MS 5000
/* Event streams held at most, of the 256 connections: the newest ones; an
 * older one is ended (its tab reconnects), so a pile of streams whose tabs
 * closed never keeps pages from loading. */
#define STREAMS_MAX 64

/* The live-reload script.  Build errors arrive as `event: error` (a
 * MessageEvent with data, unlike the EventSource's own connection error)
 * and show in a panel; a build's warnings as `event: warnings`, shown as
 * a small button that opens them (until hidden, for that text, in this
 * tab).  Text goes in through textContent only. */
static const char reload_js[] =
	"(function () {\n"
	"  if (!window.EventSource) return;\n"
	"  var panel = null, pre = null;\n"
	"  function show(text) {\n"
	"    if (!document.body) {\n"
	"      document.addEventListener('DOMContentLoaded', function () { show(text); });\n"
	"      return;\n"
	"    }\n"
	"    var old = document.getElementById('quire-build-warnings');\n"
	"    if (old) old.parentNode.removeChild(old);\n"
	"    if (!panel) {\n"
	"      panel = document.createElement('div');\n"
	"      panel.id = 'quire-build-errors';\n"
	"      panel.setAttribute('role', 'alert');\n"
	"      panel.style.cssText = 'position:fixed;left:0;right:0;bottom:0;z-index:2147483647;'\n"
	"        + 'max-height:50vh;overflow:auto;margin:0;padding:1em 1.25em;background:#fff;'\n"
	"        + 'color:#0b0c0c;border-top:6px solid #d4351c;box-shadow:0 -2px 8px rgba(0,0,0,.3);'\n"
	"        + 'font:16px/1.4 sans-serif;text-align:left';\n"
	"      var head = document.createElement('strong');\n"
	"      head.textContent = 'Your last change did not build. This page shows the last good version.';\n"
	"      var hide = document.createElement('button');\n"
	"      hide.type = 'button';\n"
	"      hide.textContent = 'Hide';\n"
	"      hide.style.cssText = 'float:right;font:inherit;margin-left:1em';\n"
	"      hide.onclick = function () { panel.style.display = 'none'; };\n"
	"      pre = document.createElement('pre');\n"
	"      pre.style.cssText = 'white-space:pre-wrap;font:14px/1.5 monospace;margin:.75em 0 0';\n"
	"      panel.appendChild(hide);\n"
	"      panel.appendChild(head);\n"
	"      panel.appendChild(pre);\n"
	"      document.body.appendChild(panel);\n"
	"    }\n"
	"    pre.textContent = text;\n"
	"    panel.style.display = 'block';\n"
	"  }\n"
	/* since: when this page began to load; a build that finished after
	 * it is announced at once (it may have come before the stream) */
	"  var since = Math.floor(performance.timeOrigin || (Date.now() - performance.now()));\n"
	"  var es = new EventSource('" EVENTS_URL "?since=' + since);\n"
	"  es.addEventListener('reload', function () { location.reload(); });\n"
	"  es.addEventListener('error', function (e) {\n"
	"    if (typeof e.data === 'string') show(e.data);\n"
	"  });\n"
	"  function warn(text) {\n"
	"    if (!document.body) {\n"
	"      document.addEventListener('DOMContentLoaded', function () { warn(text); });\n"
	"      return;\n"
	"    }\n"
	"    var h = 0;\n"
	"    for (var i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;\n"
	"    var key = text.length + ':' + h;\n"
	"    try { if (sessionStorage.getItem('quire-warnings-hidden') === key) return; } catch (x) {}\n"
	"    var n = text.split('\\n').filter(function (l) { return l.indexOf(': warning: ') > 0; }).length;\n"
	"    var box = document.createElement('div');\n"
	"    box.id = 'quire-build-warnings';\n"
	"    box.style.cssText = 'position:fixed;right:1em;bottom:1em;z-index:2147483646;max-width:min(48em,90vw);'\n"
	"      + 'max-height:50vh;overflow:auto;background:#fff;color:#0b0c0c;border-left:6px solid #f47738;'\n"
	"      + 'box-shadow:0 2px 8px rgba(0,0,0,.3);font:16px/1.4 sans-serif;text-align:left;padding:.5em .75em';\n"
	"    var open = document.createElement('button');\n"
	"    open.type = 'button';\n"
	"    open.setAttribute('aria-expanded', 'false');\n"
	"    open.textContent = 'This build has ' + n + (n === 1 ? ' warning' : ' warnings');\n"
	"    open.style.cssText = 'font:inherit';\n"
	"    var hide = document.createElement('button');\n"
	"    hide.type = 'button';\n"
	"    hide.textContent = 'Hide';\n"
	"    hide.style.cssText = 'font:inherit;margin-left:.5em';\n"
	"    var list = document.createElement('pre');\n"
	"    list.style.cssText = 'display:none;white-space:pre-wrap;font:14px/1.5 monospace;margin:.75em 0 0';\n"
	"    list.textContent = text;\n"
	"    open.onclick = function () {\n"
	"      var shown = list.style.display !== 'none';\n"
	"      list.style.display = shown ? 'none' : 'block';\n"
	"      open.setAttribute('aria-expanded', shown ? 'false' : 'true');\n"
	"    };\n"
	"    hide.onclick = function () {\n"
	"      try { sessionStorage.setItem('quire-warnings-hidden', key); } catch (x) {}\n"
	"      box.parentNode.removeChild(box);\n"
	"    };\n"
	"    box.appendChild(open);\n"
	"    box.appendChild(hide);\n"
	"    box.appendChild(list);\n"
	"    document.body.appendChild(box);\n"
	"  }\n"
	"  es.addEventListener('warnings', function (e) {\n"
	"    if (typeof e.data === 'string' && !document.getElementById('quire-build-warnings')) warn(e.data);\n"
	"  });\n"
	"})();\n";

/* Served while the site is built again because its folder was removed. */
static const char rebuilding_html[] =
	"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	"<title>The site is being built again</title>" SCRIPT_TAG "</head>\n"
	"<body><h1>The site is being built again</h1>\n"
	"<p>Its output folder was removed. This page reloads by itself once it is back.</p>"
	"</body></html>\n";

/* Served for every page until a first build succeeds; the script shows why. */
static const char unbuilt_html[] =
	"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	"<title>The site has not built yet</title>" SCRIPT_TAG "</head>\n"
	"<body><h1>The site has not built yet</h1>\n"
	"<p>Fix the errors listed below and save: this page reloads by itself.</p>"
	"</body></html>\n";

/* What the event streams announce; guarded by lock. */
struct live {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned long gen;  /* bumped after every finished build */
	int built;          /* some build succeeded: OUT can be served */
	int failed;         /* the latest build failed */
	char *errors;       /* its diagnostics, owned; NULL after a success */
	char *warnings;     /* a success's warnings, owned; NULL when it had none */
	int stopping;
	long long built_ms;         /* wall clock (ms) when the latest build finished */
	unsigned long streams_made; /* event streams opened so far */
	unsigned long streams_from; /* the oldest that may go on (STREAMS_MAX) */
};

/* libmicrohttpd, loaded when quire serve starts (mhd_load): linked into
 * every command, it and the TLS library it brings took a millisecond of
 * each build's and check's start. */
struct mhd {
	void *lib;
	__typeof__(&MHD_start_daemon) start_daemon;
	__typeof__(&MHD_stop_daemon) stop_daemon;
	__typeof__(&MHD_get_daemon_info) get_daemon_info;
	__typeof__(&MHD_get_connection_info) get_connection_info;
	__typeof__(&MHD_lookup_connection_value) lookup_connection_value;
	__typeof__(&MHD_create_response_from_buffer) create_response_from_buffer;
	__typeof__(&MHD_create_response_from_fd) create_response_from_fd;
	__typeof__(&MHD_create_response_from_fd_at_offset64) create_response_from_fd_at_offset64;
	__typeof__(&MHD_create_response_from_callback) create_response_from_callback;
	__typeof__(&MHD_add_response_header) add_response_header;
	__typeof__(&MHD_queue_response) queue_response;
	__typeof__(&MHD_destroy_response) destroy_response;
};

struct server {
	const struct serve_opts *o;
	char *out_dir;          /* OUT being served */
	char *tmp_root;         /* our private folder holding OUT, or NULL */
	int tmp_lock;           /* held on tmp_root's LOCK_NAME while we live, or -1 */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char *bind;             /* the address as a literal, without brackets */
	int port;
	struct live live;
	volatile sig_atomic_t stop;  /* set by the signal thread */
	int wake[2];            /* the signal thread writes here to end poll, a
				   request that finds OUT gone to have it built */
	atomic_int out_gone;    /* that request asked; cleared after the build */
	atomic_int told_host;   /* a refused Host: was said on stderr */
	sigset_t sigs;
	struct MHD_Daemon *mhd;
	struct mhd api;
	struct build_cache cache; /* history kept between rebuilds */
};

/* ---- request paths ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Well-formed UTF-8 only: overlong forms (the %c0%ae trick), surrogates and
 * values past U+10FFFF are rejected. */
static int utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i], cp, min;
		size_t len;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			len = 2, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return 0;
		}
		if (n - i < len)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

int serve_map_path(const char *url_path, char **rel)
{
	struct buf out = BUF_INIT;
	int status = 400;
	*rel = NULL;
	if (!url_path || url_path[0] != '/')
		goto fail;
	const char *p = url_path + 1, *end = url_path + strcspn(url_path, "?#");
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *seg_end = slash ? slash : end;
		size_t start = out.len;
		status = 400;
		if (seg_end == p)
			goto fail; /* "//" */
		for (const char *q = p; q < seg_end; q++) {
			unsigned char c = (unsigned char)*q;
			if (c == '%') {
				if (seg_end - q < 3 || hexval(q[1]) < 0 || hexval(q[2]) < 0)
					goto fail;
				c = (unsigned char)(hexval(q[1]) << 4 | hexval(q[2]));
				q += 2;
				if (c == '/') {
					status = 403;
					goto fail;
				}
			}
			if (c == '\\') {
				status = 403;
				goto fail;
			}
			if (c < 0x20 || c == 0x7f)
				goto fail;
			buf_putc(&out, (char)c);
		}
		const char *seg = out.ptr + start;
		size_t n = out.len - start;
		if (!utf8_valid((const unsigned char *)seg, n))
			goto fail;
		if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.')) {
			status = 403;
			goto fail;
		}
		if (seg[0] == '.') {
			status = 404; /* hidden files, e.g. the output marker */
			goto fail;
		}
		if (slash)
			buf_putc(&out, '/');
		p = slash ? slash + 1 : end;
	}
	if (out.len == 0 || out.ptr[out.len - 1] == '/')
		buf_puts(&out, "index.html");
	*rel = buf_detach(&out);
	return 0;
fail:
	buf_free(&out);
	return status;
}

/* Opens rel (from serve_map_path) under root without following any
 * symlink on the way, so nothing outside OUT can be reached.  Returns a
 * descriptor the caller closes, with *st filled, or -1. */
static int open_beneath(const char *root, const char *rel, struct stat *st)
{
	int dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char *copy = xstrdup(rel), *comp = copy;
	int fd = -1;
	if (dfd < 0)
		goto fail;
	for (;;) {
		char *slash = strchr(comp, '/');
		if (!slash)
			break;
		*slash = '\0';
		int next = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(dfd);
		dfd = next;
		if (dfd < 0)
			goto fail;
		comp = slash + 1;
	}
	/* O_NONBLOCK: a FIFO planted in OUT must not hang the connection. */
	fd = openat(dfd, comp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0 && fstat(fd, st) < 0) {
		close(fd);
		fd = -1;
	}
fail:
	if (dfd >= 0)
		close(dfd);
	free(copy);
	return fd;
}

static const char *mime_type(const char *rel)
{
	static const char *const types[][2] = {
		{ "html", "text/html; charset=utf-8" },
		{ "htm", "text/html; charset=utf-8" },
		{ "css", "text/css; charset=utf-8" },
		{ "js", "text/javascript; charset=utf-8" },
		{ "mjs", "text/javascript; charset=utf-8" },
		{ "json", "application/json" },
		{ "map", "application/json" },
		{ "xml", "application/xml" },
		{ "svg", "image/svg+xml" },
		{ "png", "image/png" },
		{ "jpg", "image/jpeg" },
		{ "jpeg", "image/jpeg" },
		{ "gif", "image/gif" },
		{ "webp", "image/webp" },
		{ "avif", "image/avif" },
		{ "pdf", "application/pdf" },
		{ "txt", "text/plain; charset=utf-8" },
		{ "md", "text/plain; charset=utf-8" },
		{ "ico", "image/x-icon" },
		{ "woff", "font/woff" },
		{ "woff2", "font/woff2" },
		{ "ttf", "font/ttf" },
		{ "otf", "font/otf" },
		{ "zip", "application/zip" },
		{ "csv", "text/csv; charset=utf-8" },
		{ "mp4", "video/mp4" },
		{ "webm", "video/webm" },
		{ "mp3", "audio/mpeg" },
		{ "ogg", "audio/ogg" },
		{ "wav", "audio/wav" },
		{ "wasm", "application/wasm" },
		{ "webmanifest", "application/manifest+json" },
		{ "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
		{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
		{ "odt", "application/vnd.oasis.opendocument.text" },
	};
	const char *base = strrchr(rel, '/');
	const char *dot = strrchr(base ? base : rel, '.');
	if (dot)
		for (size_t i = 0; i < sizeof types / sizeof *types; i++)
			if (!strcasecmp(dot + 1, types[i][0]))
				return types[i][1];
	return "application/octet-stream";
}

/* ---- Host and Origin checks ---- */

/* Whether name (an address literal) is the address in sa. */
static int addr_is(const char *name, const struct sockaddr *sa)
{
	unsigned char bin[16];
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		return inet_pton(AF_INET, name, bin) == 1 && !memcmp(bin, &in->sin_addr, 4);
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		if (inet_pton(AF_INET6, name, bin) == 1)
			return !memcmp(bin, &in6->sin6_addr, 16);
		return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && inet_pton(AF_INET, name, bin) == 1 &&
		       !memcmp(bin, (const unsigned char *)&in6->sin6_addr + 12, 4);
	}
	return 0;
}

/* A Host header naming this server: localhost, a loopback literal, the
 * bound address, or the address the connection arrived on.  A DNS
 * rebinding attack always arrives with some other name, so it is refused. */
static int host_allowed(const struct server *s, struct MHD_Connection *c, const char *host)
{
	const char *name_end, *port;
	int bracketed = host[0] == '[';
	if (bracketed) {
		name_end = strchr(host, ']');
		if (!name_end)
			return 0;
		port = name_end + 1;
	} else {
		name_end = host + strcspn(host, ":");
		port = name_end;
	}
	if (*port) {
		if (*port != ':' || !port[1] || strlen(port + 1) > 5 ||
		    strspn(port + 1, "0123456789") != strlen(port + 1))
			return 0;
	}
	char *name = xstrndup(host + bracketed, (size_t)(name_end - host - bracketed));
	int ok = 0;
	if (!*name)
		goto done;
	if (!bracketed && (!strcasecmp(name, "localhost") || !strcmp(name, "127.0.0.1"))) {
		ok = 1;
		goto done;
	}
	if (bracketed && !strcmp(name, "::1")) {
		ok = 1;
		goto done;
	}
	/* Address literals only from here: a v6 one must come bracketed. */
	if (bracketed != (strchr(name, ':') != NULL))
		goto done;
	if (addr_is(name, (const struct sockaddr *)&s->addr)) {
		ok = 1;
		goto done;
	}
	const union MHD_ConnectionInfo *ci = s->api.get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct sockaddr_storage local;
	socklen_t len = sizeof local;
	if (ci && getsockname(ci->connect_fd, (struct sockaddr *)&local, &len) == 0)
		ok = addr_is(name, (const struct sockaddr *)&local);
done:
	free(name);
	return ok;
}

/* ---- responses ---- */

static enum MHD_Result queue(const struct server *s, struct MHD_Connection *c, unsigned status,
			     struct MHD_Response *r, const char *type)
{
	if (!r)
		return MHD_NO;
	if (type)
		s->api.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	s->api.add_response_header(r, "X-Content-Type-Options", "nosniff");
	/* an SVG or XML file opened on its own runs no script (a picture in
	 * a page is not touched): a second wall behind the build's check */
	if (type && (!strcmp(type, "image/svg+xml") || !strcmp(type, "application/xml")))
		s->api.add_response_header(r, "Content-Security-Policy", "sandbox");
	s->api.add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	enum MHD_Result ret = s->api.queue_response(c, status, r);
	s->api.destroy_response(r);
	return ret;
}

/* Fixed texts only: an error body never echoes a path or a file. */
static enum MHD_Result reply_text(const struct server *s, struct MHD_Connection *c, unsigned status,
				  const char *text)
{
	struct MHD_Response *r = s->api.create_response_from_buffer(strlen(text), (void *)text,
								 MHD_RESPMEM_PERSISTENT);
	return queue(s, c, status, r, "text/plain; charset=utf-8");
}

/* A request named by a host name (kb.internal, the machine's name): the
 * Host check that stops DNS rebinding refuses it, so say so, to the
 * reader and, once, in serve's output. */
/* The Host a request named, as it may be shown (in the answer, on the
 * operator's terminal): a name of letters, digits, '.', '-', ':' and
 * brackets, else "that name" (it may hold escape sequences). */
static const char *host_shown(const char *host)
{
	size_t n = host ? strlen(host) : 0;
	return n && n <= 255 && strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") == n
		       ? host
		       : "that name";
}

static enum MHD_Result reply_host_refused(struct server *s, struct MHD_Connection *c, const char *host)
{
	host = host_shown(host);
	char *text = xasprintf("quire serve answers only requests addressed to localhost or to an IP address "
			       "of this machine (so that no web page can reach it through a name it controls: "
			       "DNS rebinding), not to '%s'. Open http://IP:%d/ with this machine's IP address, "
			       "or http://localhost:%d/ on it.\n",
			       host, s->port, s->port);
	int none = 0;
	if (atomic_compare_exchange_strong(&s->told_host, &none, 1))
		fprintf(stderr, "quire serve: refused a request addressed to '%s': open the site by IP address "
				"(http://IP:%d/) or as localhost; other names are refused (DNS rebinding)\n",
			host, s->port);
	struct MHD_Response *r = s->api.create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_COPY);
	free(text);
	return queue(s, c, 403, r, "text/plain; charset=utf-8");
}

static enum MHD_Result reply_status(const struct server *s, struct MHD_Connection *c, unsigned status)
{
	switch (status) {
	case 400: return reply_text(s, c, 400, "Bad request\n");
	case 403: return reply_text(s, c, 403, "Forbidden\n");
	case 405: return reply_text(s, c, 405, "Method not allowed\n");
	default: return reply_text(s, c, 404, "Not found\n");
	}
}

static void make_etag(const struct stat *st, struct buf *b)
{
	uint64_t mtime = (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec;
	buf_printf(b, "\"%" PRIx64 "-%" PRIx64 "-%" PRIx64 "\"", (uint64_t)st->st_size, mtime,
		   (uint64_t)st->st_ino);
}

/* If-None-Match holds a comma-separated list of (possibly weak) tags. */
static int etag_matches(const char *header, const char *etag)
{
	size_t elen = strlen(etag);
	const char *p = header;
	while (*p) {
		p += strspn(p, " \t,");
		if (!*p)
			break;
		size_t n = strcspn(p, ",");
		const char *t = p;
		size_t tn = n;
		while (tn && (t[tn - 1] == ' ' || t[tn - 1] == '\t'))
			tn--;
		if (tn >= 2 && !strncmp(t, "W/", 2))
			t += 2, tn -= 2;
		if ((tn == 1 && *t == '*') || (tn == elen && !strncmp(t, etag, elen)))
			return 1;
		p += n;
	}
	return 0;
}

/* 1 when OUT itself is gone (someone removed it while serving): the
 * watch loop is asked, once, to build it again (no source changed, so
 * nothing else would). */
static int out_was_removed(struct server *s)
{
	struct stat st;
	if (stat(s->out_dir, &st) == 0 || errno != ENOENT)
		return 0;
	if (!atomic_exchange(&s->out_gone, 1) && write(s->wake[1], "r", 1) < 0) {
		/* the pipe is never full: poll only needs one byte */
	}
	return 1;
}

/* Serves the site's 404.html with status 404, or a plain text. */
static enum MHD_Result reply_not_found(struct server *s, struct MHD_Connection *c)
{
	struct stat st;
	int fd = open_beneath(s->out_dir, "404.html", &st);
	if (fd >= 0 && S_ISREG(st.st_mode))
		return queue(s, c, 404, s->api.create_response_from_fd((size_t)st.st_size, fd),
			     "text/html; charset=utf-8");
	if (fd >= 0)
		close(fd);
	return reply_status(s, c, 404);
}

/* Digits to a number, saturating (a range past any file is still one);
 * NULL when there is no digit. */
static const char *range_number(const char *p, unsigned long long *v)
{
	if (*p < '0' || *p > '9')
		return NULL;
	*v = 0;
	for (; *p >= '0' && *p <= '9'; p++)
		*v = *v > (ULLONG_MAX - 9) / 10 ? ULLONG_MAX : *v * 10 + (unsigned)(*p - '0');
	return p;
}

int serve_parse_range(const char *h, unsigned long long size, unsigned long long *off,
		      unsigned long long *len)
{
	unsigned long long first, last = ULLONG_MAX;
	/* (an empty file has no part to send: RFC 9110 lets it go whole) */
	if (!h || strncasecmp(h, "bytes=", 6) || size == 0)
		return 0;
	const char *p = h + 6;
	p += strspn(p, " \t");
	if (*p == '-') {
		if (!(p = range_number(p + 1, &last)))
			return 0;
		p += strspn(p, " \t");
		if (*p)
			return 0;
		if (last == 0)
			return -1;
		*off = last < size ? size - last : 0;
		*len = size - *off;
		return 1;
	}
	if (!(p = range_number(p, &first)) || *p++ != '-')
		return 0;
	if (*p >= '0' && *p <= '9')
		p = range_number(p, &last);
	p += strspn(p, " \t");
	if (*p || last < first)
		return 0;
	if (first >= size)
		return -1;
	*off = first;
	*len = (last < size ? last + 1 : size) - first;
	return 1;
}

/* The Range a request asks of a file with this tag, as serve_parse_range
 * reads it; 0 (the whole file) when If-Range names another version: the
 * browser's copy is stale, so its missing part alone would not do. */
static int wanted_range(const struct server *s, struct MHD_Connection *c, const char *etag,
			unsigned long long size, unsigned long long *off, unsigned long long *len)
{
	const char *range = s->api.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE);
	const char *if_range = s->api.lookup_connection_value(c, MHD_HEADER_KIND,
							   MHD_HTTP_HEADER_IF_RANGE);
	if (!range || (if_range && strcmp(if_range, etag)))
		return 0;
	return serve_parse_range(range, size, off, len);
}

/* A file's bytes (all, or the range asked for) with its tag; a 304 when
 * the browser has this version already. Takes fd. */
static enum MHD_Result reply_regular(const struct server *s, struct MHD_Connection *c,
				     const char *rel, int fd, const struct stat *st, int get)
{
	struct buf etag = BUF_INIT, span = BUF_INIT;
	make_etag(st, &etag);
	const char *inm = s->api.lookup_connection_value(c, MHD_HEADER_KIND,
						      MHD_HTTP_HEADER_IF_NONE_MATCH);
	unsigned long long size = (unsigned long long)st->st_size, off = 0, len = size;
	struct MHD_Response *r;
	unsigned code = 200;
	int range = 0;
	if (inm && etag_matches(inm, buf_cstr(&etag))) {
		close(fd);
		r = s->api.create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		code = 304;
	} else if (get && (range = wanted_range(s, c, buf_cstr(&etag), size, &off, &len)) < 0) {
		close(fd);
		r = s->api.create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		code = 416;
		buf_printf(&span, "bytes */%llu", size);
	} else {
		if (range > 0) {
			code = 206;
			buf_printf(&span, "bytes %llu-%llu/%llu", off, off + len - 1, size);
		}
		r = s->api.create_response_from_fd_at_offset64(len, fd, off);
		if (!r)
			close(fd);
	}
	if (r) {
		s->api.add_response_header(r, MHD_HTTP_HEADER_ETAG, buf_cstr(&etag));
		s->api.add_response_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
		if (span.len)
			s->api.add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, buf_cstr(&span));
	}
	buf_free(&etag);
	buf_free(&span);
	return queue(s, c, code, r, code == 304 || code == 416 ? NULL : mime_type(rel));
}

/* get: a GET (a HEAD ignores Range, RFC 9110 14.2). */
static enum MHD_Result reply_file(struct server *s, struct MHD_Connection *c, const char *url, int get)
{
	char *rel = NULL;
	int status = serve_map_path(url, &rel);
	if (status)
		return status == 404 ? reply_not_found(s, c) : reply_status(s, c, (unsigned)status);

	pthread_mutex_lock(&s->live.lock);
	int built = s->live.built;
	pthread_mutex_unlock(&s->live.lock);
	if (!built) {
		free(rel);
		return queue(s, c, 503, s->api.create_response_from_buffer(strlen(unbuilt_html),
								     (void *)unbuilt_html,
								     MHD_RESPMEM_PERSISTENT),
			     "text/html; charset=utf-8");
	}

	struct stat st;
	int fd = open_beneath(s->out_dir, rel, &st);
	enum MHD_Result ret;
	if (fd < 0 && out_was_removed(s)) {
		ret = queue(s, c, 503, s->api.create_response_from_buffer(strlen(rebuilding_html),
									  (void *)rebuilding_html,
									  MHD_RESPMEM_PERSISTENT),
			    "text/html; charset=utf-8");
	} else if (fd < 0) {
		/* ELOOP (a symlink) is answered like a missing file. */
		ret = reply_not_found(s, c);
	} else if (S_ISDIR(st.st_mode)) {
		/* "/a" → "/a/", so the pages' relative links resolve. */
		close(fd);
		struct buf loc = BUF_INIT;
		buf_put(&loc, url, strcspn(url, "?#"));
		buf_putc(&loc, '/');
		struct MHD_Response *r = s->api.create_response_from_buffer(0, (void *)"",
									 MHD_RESPMEM_PERSISTENT);
		if (r)
			s->api.add_response_header(r, MHD_HTTP_HEADER_LOCATION, buf_cstr(&loc));
		buf_free(&loc);
		ret = queue(s, c, 301, r, NULL);
	} else if (!S_ISREG(st.st_mode)) {
		close(fd);
		ret = reply_not_found(s, c);
	} else {
		ret = reply_regular(s, c, rel, fd, &st, get);
	}
	free(rel);
	return ret;
}

/* ---- live reload: server-sent events ---- */

struct stream {
	struct server *s;
	unsigned long gen;  /* the build this client has been told about */
	unsigned long num;  /* its place among the streams opened */
	long long since;    /* when its page began to load (ms), or 0 */
	int started;
	struct buf pending; /* an event not yet handed to MHD */
	size_t off;
};

static void sse_event(struct buf *b, const char *event, const char *data)
{
	buf_printf(b, "event: %s\n", event);
	for (const char *p = data; *p;) {
		size_t n = strcspn(p, "\r\n");
		buf_puts(b, "data: ");
		buf_put(b, p, n);
		buf_putc(b, '\n');
		p += n;
		if (*p == '\r')
			p++;
		if (*p == '\n')
			p++;
	}
	if (!*data)
		buf_puts(b, "data:\n");
	buf_putc(b, '\n');
}

/* Runs on the connection's own thread (thread-per-connection), so it may
 * block until the next build finishes, the ping falls due, or we stop. */
static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct stream *st = cls;
	struct live *lv = &st->s->live;
	(void)pos;
	if (st->off == st->pending.len) {
		buf_reset(&st->pending);
		st->off = 0;
		pthread_mutex_lock(&lv->lock);
		if (!st->started) {
			st->started = 1;
			st->gen = lv->gen;
			buf_puts(&st->pending, "retry: 1000\n\n");
			/* A page opened while the site is broken shows why. */
			if (lv->failed && lv->errors)
				sse_event(&st->pending, "error", lv->errors);
			/* a build that finished after the page was fetched, before
			 * this stream opened, would go unannounced */
			else if (st->since > 0 && lv->built_ms > st->since)
				sse_event(&st->pending, "reload", "built");
			else if (lv->warnings)
				sse_event(&st->pending, "warnings", lv->warnings);
		} else {
			struct timespec until;
			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_sec += PING_MS / 1000;
			int rc = 0;
			while (!lv->stopping && st->gen == lv->gen && rc != ETIMEDOUT && st->num >= lv->streams_from)
				rc = pthread_cond_timedwait(&lv->cond, &lv->lock, &until);
			if (lv->stopping || st->num < lv->streams_from) {
				pthread_mutex_unlock(&lv->lock);
				return MHD_CONTENT_READER_END_OF_STREAM;
			}
			if (st->gen != lv->gen) {
				st->gen = lv->gen;
				if (lv->failed)
					sse_event(&st->pending, "error", lv->errors ? lv->errors : "");
				else
					sse_event(&st->pending, "reload", "built");
			} else {
				buf_puts(&st->pending, ": ping\n\n");
			}
		}
		pthread_mutex_unlock(&lv->lock);
	}
	size_t n = st->pending.len - st->off;
	if (n > max)
		n = max;
	memcpy(out, st->pending.ptr + st->off, n);
	st->off += n;
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	struct stream *st = cls;
	buf_free(&st->pending);
	free(st);
}

static enum MHD_Result reply_events(struct server *s, struct MHD_Connection *c, const char *host)
{
	/* Only pages of this server may listen: Origin, when sent, must be
	 * the origin the browser reached us by. */
	const char *origin = s->api.lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	if (origin) {
		struct buf own = BUF_INIT;
		buf_printf(&own, "http://%s", host);
		int same = !strcasecmp(origin, buf_cstr(&own));
		buf_free(&own);
		if (!same)
			return reply_status(s, c, 403);
	}
	struct stream *st = xcalloc(1, sizeof *st);
	st->s = s;
	const char *since = s->api.lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since");
	st->since = since ? strtoll(since, NULL, 10) : 0;
	pthread_mutex_lock(&s->live.lock);
	st->num = s->live.streams_made++;
	if (s->live.streams_made > STREAMS_MAX && s->live.streams_made - STREAMS_MAX > s->live.streams_from) {
		s->live.streams_from = s->live.streams_made - STREAMS_MAX;
		pthread_cond_broadcast(&s->live.cond);
	}
	pthread_mutex_unlock(&s->live.lock);
	struct MHD_Response *r = s->api.create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read,
								   st, stream_free);
	if (!r) {
		stream_free(st);
		return MHD_NO;
	}
	s->api.add_response_header(r, "X-Accel-Buffering", "no");
	return queue(s, c, 200, r, "text/event-stream; charset=utf-8");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	(void)version, (void)upload_data;
	/* The first call has only the headers: answering then makes
	 * libmicrohttpd close the connection, since it cannot know the
	 * request ended.  Answer on the next call and keep it alive. */
	if (!*con_cls) {
		*con_cls = s;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0; /* a body we refuse anyway */
		return MHD_YES;
	}
	const char *host = s->api.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	if (!host || !host_allowed(s, c, host))
		return reply_host_refused(s, c, host);
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD)) {
		struct MHD_Response *r = s->api.create_response_from_buffer(
			strlen("Method not allowed\n"), (void *)"Method not allowed\n",
			MHD_RESPMEM_PERSISTENT);
		if (r)
			s->api.add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
		return queue(s, c, 405, r, "text/plain; charset=utf-8");
	}
	size_t n = strcspn(url, "?#");
	if (n == strlen(EVENTS_URL) && !strncmp(url, EVENTS_URL, n))
		return reply_events(s, c, host);
	if (n == strlen(SCRIPT_URL) && !strncmp(url, SCRIPT_URL, n))
		return queue(s, c, 200, s->api.create_response_from_buffer(strlen(reload_js), (void *)reload_js,
								     MHD_RESPMEM_PERSISTENT),
			     "text/javascript; charset=utf-8");
	if (!strncmp(url, "/__quire/", 9))
		return reply_status(s, c, 404);
	return reply_file(s, c, url, !strcmp(method, MHD_HTTP_METHOD_GET));
}

/* The URL reaches on_request still percent-encoded: serve_map_path must see
 * %2f and %00 as they were sent, not as '/' and a truncated string. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls, (void)c;
	return strlen(s);
}

/* serve -o SITE/public writes its previews where quire build publishes
 * from: each page with serve's reload script and the 404 page's links
 * from "/", which would go out with the next copy of that folder. */
static void warn_if_published(const char *site_dir, const char *out_dir)
{
	char *pub = xasprintf("%s/public", site_dir);
	char *a = fs_resolve(pub), *b = fs_resolve(out_dir);
	if (a && b && !strcmp(a, b))
		fprintf(stderr, "quire serve: warning: %s is the folder quire build publishes from; serve's pages "
				"carry its reload script, so run quire build before you copy it to a web server\n",
			out_dir);
	free(a);
	free(b);
	free(pub);
}

/* ---- watching ---- */

#define WATCH_MASK                                                                        \
	(IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM | \
	 IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

struct watch {
	int wd;
	char *path;
	int is_root; /* SITE itself: only site.yml and the source folders count;
			2: the git dir (HEAD, packed-refs); 3: its refs/heads */
};

struct watcher {
	int fd;
	struct watch *v;
	size_t n, cap;
	int warned;
	char *site;  /* its folder, to look again after an overflow */
};

static const char *const watched_dirs[] = { "content", "themes", "scripts" };

static int is_watched_dir(const char *name)
{
	for (size_t i = 0; i < sizeof watched_dirs / sizeof *watched_dirs; i++)
		if (!strcmp(name, watched_dirs[i]))
			return 1;
	return 0;
}

/* Editors' swap, backup and lock files (".x.swp", "x~", "#x#", vim's
 * "4913" probe) are not sources; scan skips dot files too. */
static int ignorable(const char *name)
{
	return scan_ignored(name) || name[0] == '#';
}

static void watch_add(struct watcher *w, const char *path, int is_root, int follow)
{
	uint32_t mask = is_root ? (WATCH_MASK & ~(uint32_t)(IN_DELETE_SELF | IN_MOVE_SELF)) : WATCH_MASK;
	int wd = inotify_add_watch(w->fd, path, mask | (follow ? 0 : IN_DONT_FOLLOW));
	if (wd < 0) {
		if ((errno == ENOSPC || errno == ENOMEM) && !w->warned) {
			fprintf(stderr, "quire serve: warning: cannot watch every folder (%s); "
					"raise fs.inotify.max_user_watches\n", strerror(errno));
			w->warned = 1;
		}
		return;
	}
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].wd == wd) { /* the same folder reached again */
			free(w->v[i].path);
			w->v[i].path = xstrdup(path);
			return;
		}
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 32;
		w->v = xrealloc(w->v, w->cap * sizeof *w->v);
	}
	w->v[w->n++] = (struct watch){ wd, xstrdup(path), is_root };
}

/* Watches dir and every folder below it (not through symlinks, as scan
 * does not follow them either), each as a watch of kind (0: a folder of
 * sources, whose editors' files are skipped; 3: of branches, where a
 * branch "feature/x" is a file in refs/heads/feature/). */
static void watch_tree(struct watcher *w, const char *dir, int kind, int follow)
{
	watch_add(w, dir, kind, follow);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (kind == 3 ? e->d_name[0] == '.' : ignorable(e->d_name))
			continue;
		char *sub = xasprintf("%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			watch_tree(w, sub, kind, 0);
		free(sub);
	}
	if (d)
		closedir(d);
}

/* Watches the site's folder and every folder of its sources (again after
 * an overflow: folders made meanwhile were never seen). */
static void watch_all(struct watcher *w)
{
	watch_add(w, w->site, 1, 1);
	for (size_t i = 0; i < sizeof watched_dirs / sizeof *watched_dirs; i++) {
		char *p = xasprintf("%s/%s", w->site, watched_dirs[i]);
		if (fs_is_dir(p))
			watch_tree(w, p, 0, 1);
		free(p);
	}
}

/* The folder the branches and packed-refs of the repository at gitdir
 * (ending in '/') are in: gitdir itself, or for a worktree
 * (.git/worktrees/NAME/) the one its "commondir" file names.  Caller
 * frees. */
static char *common_dir(const char *gitdir)
{
	char *file = xasprintf("%scommondir", gitdir), *text = NULL, *dir;
	size_t len;
	if (fs_read_file(file, &text, &len) == 0 && len) {
		while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
			text[--len] = '\0';
		dir = text[0] == '/' ? xasprintf("%s/", text) : xasprintf("%s%s/", gitdir, text);
	} else {
		dir = xstrdup(gitdir);
	}
	free(text);
	free(file);
	return dir;
}

static int watcher_open(struct watcher *w, const char *site)
{
	memset(w, 0, sizeof *w);
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		return -1;
	w->site = xstrdup(site);
	watch_all(w);
	/* A commit changes what every article's history says: HEAD or the
	 * branch it names moves. */
	git_buf gd = { 0 };
	char *from = hist_repo_dir(site); /* (content/'s own, when it has one) */
	int found = git_repository_discover(&gd, from, 0, NULL) == 0;
	free(from);
	if (found) {
		char *common = common_dir(gd.ptr), *refs = xasprintf("%srefs/heads", common);
		watch_add(w, gd.ptr, 2, 1);
		watch_add(w, common, 2, 1); /* (packed-refs; gd.ptr again outside a worktree) */
		watch_tree(w, refs, 3, 1);
		free(refs);
		free(common);
		git_buf_dispose(&gd);
	}
	return 0;
}

static void watcher_close(struct watcher *w)
{
	if (w->fd >= 0)
		close(w->fd);
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i].path);
	free(w->v);
	free(w->site);
}

static struct watch *watch_find(struct watcher *w, int wd)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].wd == wd)
			return &w->v[i];
	return NULL;
}

/* Reads the pending events.  Returns 1 when one of them touches a source,
 * 0 otherwise; new folders are watched as they appear. */
static int watcher_drain(struct watcher *w)
{
	char ev_buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	int relevant = 0, overflow = 0;
	for (;;) {
		ssize_t n = read(w->fd, ev_buf, sizeof ev_buf);
		if (n <= 0)
			break;
		for (char *p = ev_buf; p < ev_buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			p += sizeof *ev + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				relevant = overflow = 1;
				continue;
			}
			struct watch *wt = watch_find(w, ev->wd);
			if (!wt)
				continue;
			if (ev->mask & IN_IGNORED) {
				free(wt->path);
				*wt = w->v[--w->n];
				continue;
			}
			if (!ev->len) { /* the folder itself went away */
				relevant = 1;
				continue;
			}
			/* A folder moved out of the site keeps its watch (it
			 * follows the folder), under the path it had: what
			 * happens there is no longer the site's. */
			struct stat st;
			if (!wt->is_root && (stat(wt->path, &st) < 0 || !S_ISDIR(st.st_mode))) {
				inotify_rm_watch(w->fd, wt->wd);
				continue;
			}
			size_t nl = strlen(ev->name);
			if (wt->is_root == 2 || wt->is_root == 3) {
				if (wt->is_root == 3 ? nl < 5 || strcmp(ev->name + nl - 5, ".lock")
						     : !strcmp(ev->name, "HEAD") || !strcmp(ev->name, "packed-refs"))
					relevant = 1;
				if (wt->is_root == 3 && (ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
					char *sub = xasprintf("%s/%s", wt->path, ev->name);
					watch_tree(w, sub, 3, 0);
					free(sub);
				}
				continue;
			}
			if (wt->is_root ? !strcmp(ev->name, "site.yml") || is_watched_dir(ev->name)
					: !ignorable(ev->name))
				relevant = 1;
			else
				continue;
			if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO)) &&
			    (!wt->is_root || is_watched_dir(ev->name))) {
				char *sub = xasprintf("%s/%s", wt->path, ev->name);
				watch_tree(w, sub, 0, wt->is_root);
				free(sub);
			}
		}
	}
	if (overflow)
		watch_all(w);
	return relevant;
}

/* ---- building ---- */

/* A build's first n lines of messages (each page load is sent them: a
 * site imported with `links: warn` may have thousands), and how many
 * more there are.  Caller frees. */
#define WARNINGS_SHOWN 200
static char *first_lines(const char *text, size_t n)
{
	const char *p = text;
	for (size_t k = 0; k < n && *p; k++) {
		const char *nl = strchr(p, '\n');
		p = nl ? nl + 1 : p + strlen(p);
	}
	size_t more = 0;
	for (const char *q = p; *q; q++)
		more += *q == '\n';
	if (!more)
		return xstrdup(text);
	return xasprintf("%.*s… and %zu more lines in the terminal\n", (int)(p - text), text, more);
}

/* Runs one build and tells the event streams.  Returns build_run's
 * status. */
static int rebuild(struct server *s)
{
	/* A temp cleaner may have removed our folder: made again, the next
	 * build is whole (the one served meanwhile is gone with it). */
	if (s->tmp_root && mkdir(s->tmp_root, 0700) == 0)
		fprintf(stderr, "quire serve: the temporary folder %s had been removed; made it again\n", s->tmp_root);
	struct diag *d = diag_new();
	struct build_stats st;
	struct build_opts bo = {
		.site_dir = s->o->site_dir, .out_dir = s->out_dir, .jobs = s->o->jobs,
		.drafts = s->o->drafts, .force = s->o->force, .extra_head = SCRIPT_TAG, .root_url = "/",
		.new_files = 1, /* a response still being sent keeps its file's bytes */
		.stop = &s->stop,
		.cache = &s->cache,
	};
	int rc = build_run(&bo, d, &st);
	if (s->stop) {
		diag_free(d);
		return rc;
	}
	struct buf text = BUF_INIT;
	diag_format(d, &text);
	fputs(buf_cstr(&text), stderr);
	if (rc == 0)
		fprintf(stderr, "built %d page%s (%d article%s) in %.0f ms\n", st.pages, diag_s(st.pages),
			st.articles, diag_s(st.articles), st.ms);
	else
		fprintf(stderr, "%d error%s, %d warning%s%s\n", diag_errors(d), diag_s(diag_errors(d)),
			diag_warnings(d), diag_s(diag_warnings(d)),
			s->live.built ? " (still serving the last good build)" : "");
	int warned = diag_warnings(d) > 0;
	diag_free(d);

	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	pthread_mutex_lock(&s->live.lock);
	s->live.gen++;
	s->live.built_ms = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	s->live.failed = rc != 0;
	free(s->live.errors);
	s->live.errors = rc ? buf_detach(&text) : NULL;
	if (rc == 0) {
		free(s->live.warnings);
		s->live.warnings = warned ? first_lines(buf_cstr(&text), WARNINGS_SHOWN) : NULL;
	}
	if (rc == 0)
		s->live.built = 1;
	pthread_cond_broadcast(&s->live.cond);
	pthread_mutex_unlock(&s->live.lock);
	buf_free(&text);
	return rc;
}

/* Watches and rebuilds until stopped.  A burst of saves (an editor writes
 * a swap file, the file, a backup) becomes one rebuild. */
static void watch_loop(struct server *s, struct watcher *w)
{
	struct pollfd fds[2] = { { w->fd, POLLIN, 0 }, { s->wake[0], POLLIN, 0 } };
	while (!s->stop) {
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			break;
		if (s->stop)
			break;
		if (fds[1].revents & POLLIN) {
			char byte[16];
			while (read(s->wake[0], byte, sizeof byte) > 0)
				;
			if (atomic_load(&s->out_gone)) {
				rebuild(s);
				atomic_store(&s->out_gone, 0);
				continue;
			}
		}
		if (!(fds[0].revents & POLLIN) || !watcher_drain(w))
			continue;
		double first = diag_clock_ms();
		while (!s->stop && diag_clock_ms() - first < DEBOUNCE_MAX_MS) {
			int rc = poll(fds, 2, DEBOUNCE_MS);
			if (rc == 0 || (rc > 0 && (fds[1].revents & POLLIN)))
				break; /* (quiet now; or stopping, or OUT was removed) */
			if (rc > 0 && (fds[0].revents & POLLIN))
				watcher_drain(w);
		}
		if (!s->stop)
			rebuild(s);
	}
}

/* ---- signals ---- */

/* SIGINT, SIGTERM and SIGHUP are blocked in every thread and taken here,
 * so no handler and no global flag are needed. */
static void *signal_main(void *arg)
{
	struct server *s = arg;
	int sig;
	sigwait(&s->sigs, &sig);
	s->stop = 1;
	if (write(s->wake[1], "x", 1) < 0) {
		/* the pipe is never full: poll only needs one byte */
	}
	pthread_mutex_lock(&s->live.lock);
	s->live.stopping = 1;
	pthread_cond_broadcast(&s->live.cond);
	pthread_mutex_unlock(&s->live.lock);
	return NULL;
}

/* ---- setup ---- */

/* Why the server could not listen at addr, found by binding a socket
 * there as it would (libmicrohttpd does not say). */
static const char *listen_problem(const struct sockaddr_storage *addr)
{
	int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), e = 0, on = 1;
	socklen_t len = addr->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	if (fd < 0)
		e = errno;
	else if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
		 bind(fd, (const struct sockaddr *)addr, len) < 0)
		e = errno;
	if (fd >= 0)
		close(fd);
	switch (e) {
	case EADDRINUSE:
		return "another server is using it: choose another with --port";
	case EADDRNOTAVAIL:
		return "no network interface of this machine has that address";
	case EACCES:
		return "ports below 1024 need root: choose another with --port";
	case 0:
		return "is another server using it? choose another with --port";
	default:
		return strerror(e);
	}
}

static int parse_bind(struct server *s, const char *bind, int port)
{
	unsigned char bin[16];
	if (!strcmp(bind, "localhost"))
		bind = "127.0.0.1";
	size_t n = strlen(bind);
	char *lit = (n > 2 && bind[0] == '[' && bind[n - 1] == ']') ? xstrndup(bind + 1, n - 2)
								     : xstrdup(bind);
	memset(&s->addr, 0, sizeof s->addr);
	if (inet_pton(AF_INET, lit, bin) == 1) {
		struct sockaddr_in *in = (struct sockaddr_in *)&s->addr;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		memcpy(&in->sin_addr, bin, 4);
		s->addrlen = sizeof *in;
	} else if (inet_pton(AF_INET6, lit, bin) == 1) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&s->addr;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		memcpy(&in6->sin6_addr, bin, 16);
		s->addrlen = sizeof *in6;
	} else {
		free(lit);
		return -1;
	}
	s->bind = lit;
	return 0;
}

static int is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
}

/* The address to print in the URL: a wildcard bind is reached locally
 * through loopback. */
static char *url_host(const struct server *s)
{
	if (s->addr.ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&s->addr;
		return IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr) ? xstrdup("[::1]")
								: xasprintf("[%s]", s->bind);
	}
	const struct sockaddr_in *in = (const struct sockaddr_in *)&s->addr;
	return in->sin_addr.s_addr == htonl(INADDR_ANY) ? xstrdup("127.0.0.1") : xstrdup(s->bind);
}

/* In our private folder: held locked (flock) for as long as serve runs,
 * so a later serve can tell a folder whose serve was killed (kill -9, the
 * OOM killer) from a live one, in any PID namespace. */
#define LOCK_NAME ".serve-lock"
#define TMP_PREFIX "quire-serve-"

/* Removes the private folders in tmp that serves which ended without
 * cleaning up left: each would keep a copy of its site until a reboot.
 * Only ours: a folder of this user, named like ours, whose lock file is
 * there and not held.  (A folder without one is a serve's that is still
 * starting, or an older quire's: left alone.) */
static void sweep_stale(const char *tmp)
{
	DIR *dir = opendir(tmp);
	if (!dir)
		return;
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)))
			continue;
		char *path = xasprintf("%s/%s", tmp, de->d_name);
		char *lock = xasprintf("%s/" LOCK_NAME, path);
		struct stat st;
		int fd = lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid()
				 ? open(lock, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
				 : -1;
		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 && fs_rm_rf(path) == 0)
			fprintf(stderr, "quire serve: removed %s, left by a serve that was stopped without cleaning up\n",
				path);
		if (fd >= 0)
			close(fd);
		free(lock);
		free(path);
	}
	closedir(dir);
}

/* Takes the lock in our new folder root.  It is made under another name
 * and locked before it is renamed into place: a sweeping serve never sees
 * it unlocked.  0, or -1 after saying why. */
static int lock_private_out(struct server *s)
{
	char *tmp = xasprintf("%s/.serve-lock-new", s->tmp_root), *lock = xasprintf("%s/" LOCK_NAME, s->tmp_root);
	int rc = -1;
	s->tmp_lock = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (s->tmp_lock < 0 || flock(s->tmp_lock, LOCK_EX) < 0 || rename(tmp, lock) < 0) {
		fprintf(stderr, "quire serve: cannot lock the temporary folder %s: %s\n", s->tmp_root, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	free(tmp);
	free(lock);
	return rc;
}

static int make_private_out(struct server *s)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	sweep_stale(tmp);
	char *tmpl = xasprintf("%s/" TMP_PREFIX "XXXXXX", tmp);
	if (!mkdtemp(tmpl)) {
		fprintf(stderr, "quire serve: cannot create a temporary folder in %s: %s\n", tmp, strerror(errno));
		free(tmpl);
		return -1;
	}
	s->tmp_root = tmpl;
	if (lock_private_out(s) < 0)
		return -1;
	/* OUT is a subfolder: the build puts its lock and staging folder
	 * beside OUT, which keeps them inside our folder too. */
	s->out_dir = xasprintf("%s/site", tmpl);
	return 0;
}

/* Loads libmicrohttpd's functions into m.  0, or -1 after saying what is
 * missing. */
static int mhd_load(struct mhd *m)
{
	static const char *const names[] = { "libmicrohttpd.so.12", "libmicrohttpd.so" };
	for (size_t i = 0; i < sizeof names / sizeof *names && !m->lib; i++)
		m->lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!m->lib) {
		fprintf(stderr, "quire serve: cannot load libmicrohttpd (%s); install it: "
				"apt-get install libmicrohttpd12\n", dlerror());
		return -1;
	}
	struct {
		const char *name;
		void **fn;
	} fns[] = {
		{ "MHD_start_daemon", (void **)&m->start_daemon },
		{ "MHD_stop_daemon", (void **)&m->stop_daemon },
		{ "MHD_get_daemon_info", (void **)&m->get_daemon_info },
		{ "MHD_get_connection_info", (void **)&m->get_connection_info },
		{ "MHD_lookup_connection_value", (void **)&m->lookup_connection_value },
		{ "MHD_create_response_from_buffer", (void **)&m->create_response_from_buffer },
		{ "MHD_create_response_from_fd", (void **)&m->create_response_from_fd },
		{ "MHD_create_response_from_fd_at_offset64",
		  (void **)&m->create_response_from_fd_at_offset64 },
		{ "MHD_create_response_from_callback", (void **)&m->create_response_from_callback },
		{ "MHD_add_response_header", (void **)&m->add_response_header },
		{ "MHD_queue_response", (void **)&m->queue_response },
		{ "MHD_destroy_response", (void **)&m->destroy_response },
	};
	for (size_t i = 0; i < sizeof fns / sizeof *fns; i++)
		if (!(*fns[i].fn = dlsym(m->lib, fns[i].name))) {
			fprintf(stderr, "quire serve: libmicrohttpd has no %s\n", fns[i].name);
			return -1;
		}
	return 0;
}

int serve_run(const struct serve_opts *o)
{
	struct server s;
	struct watcher w = { .fd = -1 };
	sigset_t old_mask;
	pthread_t sig_thread;
	int status = 2, sig_started = 0, watching = 0;

	memset(&s, 0, sizeof s);
	s.o = o;
	s.wake[0] = s.wake[1] = -1;
	s.tmp_lock = -1;
	pthread_mutex_init(&s.live.lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s.live.cond, &ca);
	pthread_condattr_destroy(&ca);

	const char *bind = o->bind ? o->bind : "127.0.0.1";
	if (parse_bind(&s, bind, o->port) < 0) {
		fprintf(stderr, "quire serve: --bind needs an IP address such as 127.0.0.1 or ::1, not '%s'\n", bind);
		goto fail;
	}
	if (!fs_is_dir(o->site_dir)) {
		fprintf(stderr, "quire serve: site folder '%s' does not exist\n", o->site_dir);
		goto fail;
	}
	if (mhd_load(&s.api) < 0)
		goto fail;
	if (o->out_dir) {
		s.out_dir = xstrdup(o->out_dir);
		warn_if_published(o->site_dir, o->out_dir);
	} else if (make_private_out(&s) < 0) {
		goto fail;
	}
	if (pipe2(s.wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		fprintf(stderr, "quire serve: %s\n", strerror(errno));
		goto fail;
	}

	/* Block the signals before any thread starts, so all inherit it.
	 * A closed terminal or a dropped SSH session (SIGHUP) stops serve as
	 * Ctrl-C does, so its temporary folder goes too; unless hangups are
	 * ignored (nohup): Linux queues a blocked signal even then. */
	struct sigaction hup;
	sigemptyset(&s.sigs);
	sigaddset(&s.sigs, SIGINT);
	sigaddset(&s.sigs, SIGTERM);
	if (sigaction(SIGHUP, NULL, &hup) == 0 && hup.sa_handler != SIG_IGN)
		sigaddset(&s.sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &s.sigs, &old_mask);
	if (pthread_create(&sig_thread, NULL, signal_main, &s)) {
		fprintf(stderr, "quire serve: cannot start a thread\n");
		goto fail_mask;
	}
	sig_started = 1;

	s.mhd = s.api.start_daemon(MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD |
					 MHD_USE_THREAD_PER_CONNECTION |
					 (s.addr.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				 (uint16_t)o->port, NULL, NULL, on_request, &s,
				 MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&s.addr,
				 MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
				 MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
				 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
				 MHD_OPTION_END);
	if (!s.mhd) {
		fprintf(stderr, "quire serve: cannot listen on %s port %d (%s)\n", bind, o->port, listen_problem(&s.addr));
		goto fail_mask;
	}
	const union MHD_DaemonInfo *di = s.api.get_daemon_info(s.mhd, MHD_DAEMON_INFO_BIND_PORT);
	s.port = di ? di->port : o->port;
	if (!is_loopback(&s.addr))
		fprintf(stderr, "quire serve: warning: listening on %s, which other machines can reach; "
				"anyone on that network can read the site\n", bind);

	/* Watch before the first build, so a save during it is not lost. */
	if (watcher_open(&w, o->site_dir) < 0) {
		fprintf(stderr, "quire serve: cannot watch the site for changes: %s\n", strerror(errno));
		goto fail_mask;
	}
	watching = 1;

	int rc = rebuild(&s);
	if (s.stop) {
		status = 0;
		goto fail_mask;
	}
	if (rc == 2) /* the site or OUT is unusable: rebuilding will not help */
		goto fail_mask;
	char *host = url_host(&s);
	printf("Serving %s at http://%s:%d/ (Ctrl-C to stop)\n", o->site_dir, host, s.port);
	fflush(stdout);
	free(host);

	watch_loop(&s, &w);
	status = 0;

fail_mask:
	pthread_mutex_lock(&s.live.lock);
	s.live.stopping = 1;
	pthread_cond_broadcast(&s.live.cond);
	pthread_mutex_unlock(&s.live.lock);
	if (s.mhd) {
		s.api.stop_daemon(s.mhd);
		s.mhd = NULL;
	}
	if (sig_started) {
		if (!s.stop)
			pthread_kill(sig_thread, SIGTERM);
		pthread_join(sig_thread, NULL);
	}
	/* Swallow a second Ctrl-C pressed while we were stopping, then
	 * give the caller its signal mask back. */
	struct timespec zero = { 0, 0 };
	while (sigtimedwait(&s.sigs, NULL, &zero) > 0)
		;
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
fail:
	if (watching)
		watcher_close(&w);
	if (s.tmp_root)
		fs_rm_rf(s.tmp_root);
	if (s.tmp_lock >= 0)
		close(s.tmp_lock);
	if (s.wake[0] >= 0)
		close(s.wake[0]);
	if (s.wake[1] >= 0)
		close(s.wake[1]);
	build_cache_free(&s.cache);
	free(s.tmp_root);
	free(s.out_dir);
	free(s.bind);
	free(s.live.errors);
	free(s.live.warnings);
	pthread_cond_destroy(&s.live.cond);
	pthread_mutex_destroy(&s.live.lock);
	/* libmicrohttpd stays loaded until the process ends, as a linked
	 * library would: unloaded here, LeakSanitizer's exit check crashed
	 * on its stale thread-local storage in about half of the runs
	 * ("Tracer caught signal 11"), failing the serve tests at random. */
	return status;
}
