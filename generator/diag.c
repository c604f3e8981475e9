/* diag: the diagnostics collector. */
#include "diag.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct entry {
	enum diag_level lvl;
	char *path;
	int line, col;
	size_t seq;
	char *msg;
};

struct diag {
	pthread_mutex_t lock;
	struct entry *v;
	size_t n, cap;
	int errors, warnings, faults, logs;
};

struct diag *diag_new(void)
{
	struct diag *d = xcalloc(1, sizeof *d);
	pthread_mutex_init(&d->lock, NULL);
	return d;
}

void diag_clear(struct diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].path);
		free(d->v[i].msg);
	}
	d->n = 0;
	d->errors = d->warnings = d->faults = d->logs = 0;
}

void diag_free(struct diag *d)
{
	if (!d)
		return;
	diag_clear(d);
	free(d->v);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

static void vreport(struct diag *d, enum diag_level lvl, const char *path,
		    int line, int col, const char *fmt, va_list ap)
{
	struct buf msg = BUF_INIT;
	buf_vprintf(&msg, fmt, ap);
	pthread_mutex_lock(&d->lock);
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->v = xrealloc(d->v, d->cap * sizeof *d->v);
	}
	struct entry *e = &d->v[d->n];
	e->lvl = lvl;
	e->path = path ? xstrdup(path) : NULL;
	e->line = line;
	e->col = col;
	e->seq = d->n++;
	e->msg = buf_detach(&msg);
	if (lvl == DIAG_WARNING || lvl == DIAG_LOG || lvl == DIAG_FILTER_LOG)
		d->warnings++;
	else
		d->errors++;
	d->faults += lvl == DIAG_FAULT;
	d->logs += lvl == DIAG_LOG || lvl == DIAG_FILTER_LOG;
	pthread_mutex_unlock(&d->lock);
}

void diag_merge(struct diag *dst, const struct diag *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct entry *e = &src->v[i];
		diag_report(dst, e->lvl, e->path, e->line, e->col, "%s", e->msg);
	}
}

size_t diag_count(const struct diag *d)
{
	return d->n;
}

void diag_at(const struct diag *d, size_t i, enum diag_level *lvl, const char **path, int *line, int *col,
	     const char **msg)
{
	const struct entry *e = &d->v[i];
	*lvl = e->lvl;
	*path = e->path;
	*line = e->line;
	*col = e->col;
	*msg = e->msg;
}

void diag_report(struct diag *d, enum diag_level lvl, const char *path,
		 int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(d, lvl, path, line, col, fmt, ap);
	va_end(ap);
}

void diag_error(struct diag *d, const char *path, int line, int col,
		const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(d, DIAG_ERROR, path, line, col, fmt, ap);
	va_end(ap);
}

void diag_fault(struct diag *d, const char *path, int line, int col,
		const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(d, DIAG_FAULT, path, line, col, fmt, ap);
	va_end(ap);
}

void diag_warning(struct diag *d, const char *path, int line, int col,
		  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(d, DIAG_WARNING, path, line, col, fmt, ap);
	va_end(ap);
}

int diag_errors(const struct diag *d)
{
	return d->errors;
}

const char *diag_s(long n)
{
	return n == 1 ? "" : "s";
}

int diag_faults(const struct diag *d)
{
	return d->faults;
}

int diag_warnings(const struct diag *d)
{
	return d->warnings;
}

int diag_warnings_of_quire(const struct diag *d)
{
	return d->warnings - d->logs;
}

/* Where a file's messages go: what the whole site reads (site.yml, the
 * scripts, the theme) before the articles, since a fault there is often
 * the cause of errors in them (a script that fails adds no page, and the
 * links to it break). */
static int rank(const char *path)
{
	if (!path)
		return 0;
	if (!strcmp(path, "site.yml"))
		return 1;
	if (!strncmp(path, "scripts", 7) && (path[7] == '/' || !path[7]))
		return 2;
	if (!strncmp(path, "themes", 6) && (path[6] == '/' || !path[6]))
		return 3;
	return 4;
}

/* Site-wide messages (no path) come first, then the site's settings,
 * scripts and theme, then by file and position; the message text breaks
 * ties so parallel builds print identically. */
static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int rx = rank(x->path), ry = rank(y->path);
	if (rx != ry)
		return rx - ry;
	int c = strcmp(x->path ? x->path : "", y->path ? y->path : "");
	if (c)
		return c;
	int xl = x->lvl == DIAG_LOG, yl = y->lvl == DIAG_LOG;
	if (xl != yl)
		return xl - yl;
	if (xl)
		return x->seq < y->seq ? -1 : x->seq > y->seq;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	c = strcmp(x->msg, y->msg);
	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void diag_format(const struct diag *d, struct buf *out)
{
	struct diag *m = (struct diag *)d;
	pthread_mutex_lock(&m->lock);
	if (m->n)
		qsort(m->v, m->n, sizeof *m->v, cmp_entry);
	/* The same problem found twice (a filter runs more than once on a
	 * page) is reported, and counted, once. */
	size_t kept = 0;
	for (size_t i = 0; i < m->n; i++) {
		struct entry *e = &m->v[i], *k = kept ? &m->v[kept - 1] : NULL;
		if (k && k->lvl == e->lvl && e->lvl != DIAG_LOG && k->line == e->line && k->col == e->col && !strcmp(k->msg, e->msg) &&
		    !strcmp(k->path ? k->path : "", e->path ? e->path : "") && (!k->path) == (!e->path)) {
			*(e->lvl == DIAG_WARNING || e->lvl == DIAG_FILTER_LOG ? &m->warnings : &m->errors) -= 1;
			m->faults -= e->lvl == DIAG_FAULT;
			m->logs -= e->lvl == DIAG_FILTER_LOG; /* (never a script's other log) */
			free(e->path);
			free(e->msg);
			continue;
		}
		m->v[kept++] = *e;
	}
	m->n = kept;
	for (size_t i = 0; i < m->n; i++) {
		const struct entry *e = &m->v[i];
		const char *lvl = e->lvl == DIAG_ERROR || e->lvl == DIAG_FAULT ? "error" : "warning";
		if (!e->path)
			buf_printf(out, "quire: %s: %s\n", lvl, e->msg);
		else if (e->line <= 0)
			buf_printf(out, "%s: %s: %s\n", e->path, lvl, e->msg);
		else
			buf_printf(out, "%s:%d:%d: %s: %s\n", e->path, e->line,
				   e->col > 0 ? e->col : 1, lvl, e->msg);
	}
	pthread_mutex_unlock(&m->lock);
}

void diag_print(const struct diag *d, FILE *f)
{
	struct buf b = BUF_INIT;
	diag_format(d, &b);
	fputs(buf_cstr(&b), f);
	buf_free(&b);
}

double diag_clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void diag_lap(int on, const char *stage, double *since)
{
	double t = diag_clock_ms();
	if (on) {
		/* peak memory is measured (see bench): which stage set it */
		long rss = 0, peak = 0;
		char line[128];
		FILE *f = fopen("/proc/self/status", "r");
		while (f && fgets(line, sizeof line, f)) {
			if (!strncmp(line, "VmHWM:", 6))
				peak = atol(line + 6);
			else if (!strncmp(line, "VmRSS:", 6))
				rss = atol(line + 6);
		}
		if (f)
			fclose(f);
		/* the process's CPU so far: a stage that used less than its wall
		 * time on every core left a core idle */
		struct timespec cpu;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
		fprintf(stderr, "%s: %.0f ms (RSS %ld MB, peak %ld MB, CPU so far %.0f ms)\n", stage, t - *since,
			rss * 1024 / 1000000, peak * 1024 / 1000000, cpu.tv_sec * 1e3 + cpu.tv_nsec / 1e6);
	}
	*since = t;
}
