/* par: runs fn(ctx, i) for i in [0, n) on up to jobs threads.  Work is
 * handed out by an atomic counter, so the order of calls varies but each
 * index runs exactly once; callers write results into slot i, which keeps
 * output independent of the thread count. */
#ifndef QUIRE_PAR_H
#define QUIRE_PAR_H

#include <stddef.h>

typedef void (*par_fn)(void *ctx, size_t i);

void par_for(size_t n, int jobs, par_fn fn, void *ctx);
/* The number of online processors (at least 1). */
int par_default_jobs(void);

#endif
