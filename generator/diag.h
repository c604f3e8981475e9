/* diag: collects every diagnostic of a run (errors and warnings, each with
 * path:line:col) so that all are reported, sorted and deterministic, even
 * when pages render on several threads.  main owns the collector. */
#ifndef QUIRE_DIAG_H
#define QUIRE_DIAG_H

#include <stdio.h>

#include "buf.h"

/* A fault is an error of the system, not of the site (a file quire may
 * not read): reported like an error, it makes the exit status 2. */
/* A log is a warning a hook script asked for (print, quire.log): a
 * file's logs come after its other messages, in the order they were
 * made, and none is merged with an equal one.  A filter's log is sorted
 * and merged as a warning is (a filter runs on pages on every core, and
 * twice on some), and counted as a log. */
enum diag_level { DIAG_WARNING, DIAG_ERROR, DIAG_FAULT, DIAG_LOG, DIAG_FILTER_LOG };

struct diag;

struct diag *diag_new(void);
void diag_free(struct diag *d);

/* Records one diagnostic.  path is relative to SITE (may be NULL for a
 * site-wide problem); line and col are 1-based, 0 when unknown.
 * Thread-safe. */
void diag_report(struct diag *d, enum diag_level lvl, const char *path,
		 int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void diag_error(struct diag *d, const char *path, int line, int col,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void diag_warning(struct diag *d, const char *path, int line, int col,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

void diag_fault(struct diag *d, const char *path, int line, int col,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* errors counts faults too */
int diag_errors(const struct diag *d);
int diag_faults(const struct diag *d);
int diag_warnings(const struct diag *d);
/* warnings less the logs hook scripts asked for */
int diag_warnings_of_quire(const struct diag *d);
/* "s" unless n is 1: "1 error", "2 errors". */
const char *diag_s(long n);

/* Writes every diagnostic, sorted by path, line, column, as
 * "path:line:col: error: message" lines. */
void diag_format(const struct diag *d, struct buf *out);
void diag_print(const struct diag *d, FILE *f);
/* Monotonic wall clock in milliseconds. */
double diag_clock_ms(void);
/* Stage timings for QUIRE_TIMINGS=1: when on, prints "stage: N ms" (the
 * time since *since) on stderr; always moves *since to now. */
void diag_lap(int on, const char *stage, double *since);

/* The i-th diagnostic recorded (i < diag_count(d)), in the order they
 * were made: strings owned by d (path NULL for a site-wide one).  Not
 * while other threads report to d. */
size_t diag_count(const struct diag *d);
void diag_at(const struct diag *d, size_t i, enum diag_level *lvl, const char **path, int *line, int *col,
	     const char **msg);
/* Records every diagnostic of src in dst as well, in src's order. */
void diag_merge(struct diag *dst, const struct diag *src);
/* Forgets every diagnostic (serve reuses one collector per rebuild). */
void diag_clear(struct diag *d);

#endif
