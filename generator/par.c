/* par: a tiny parallel-for over pthreads. */
#include "par.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include <stdlib.h>

#include "buf.h"

struct job {
	atomic_size_t next;
	size_t n;
	par_fn fn;
	void *ctx;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&j->next, 1);
		if (i >= j->n)
			break;
		j->fn(j->ctx, i);
	}
	return NULL;
}

void par_for(size_t n, int jobs, par_fn fn, void *ctx)
{
	struct job j = { .n = n, .fn = fn, .ctx = ctx };
	atomic_init(&j.next, 0);
	if (jobs < 1)
		jobs = 1;
	if ((size_t)jobs > n)
		jobs = n ? (int)n : 1;
	pthread_t *t = xcalloc((size_t)jobs, sizeof *t);
	int started = 0;
	for (int k = 1; k < jobs; k++) {
		if (pthread_create(&t[k], NULL, worker, &j) != 0)
			break; /* the calling thread still finishes the work */
		started++;
	}
	worker(&j);
	for (int k = 1; k <= started; k++)
		pthread_join(t[k], NULL);
	free(t);
}

int par_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}
