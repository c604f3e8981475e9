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
	size_t blocks;        /* spread: > 1 */
	par_fn fn;
	void *ctx;
};

size_t par_spread_index(size_t i, size_t n, size_t blocks)
{
	return (i % blocks) * (n / blocks) + i / blocks;
}

static void *worker(void *arg)
{
	struct job *j = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&j->next, 1);
		if (i >= j->n)
			break;
		j->fn(j->ctx, j->blocks > 1 ? par_spread_index(i, j->n, j->blocks) : i);
	}
	return NULL;
}

/* With n = blocks * block exactly the permutation is a bijection; the
 * remainder runs last, in order. */
static void run(size_t n, int jobs, par_fn fn, void *ctx, int spread)
{
	struct job j = { .n = n, .fn = fn, .ctx = ctx };
	atomic_init(&j.next, 0);
	if (jobs < 1)
		jobs = 1;
	if ((size_t)jobs > n)
		jobs = n ? (int)n : 1;
	if (spread && jobs > 1) {
		j.blocks = (size_t)jobs;
		j.n = n / j.blocks * j.blocks;
	}
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
	for (size_t i = j.n; i < n; i++)
		fn(ctx, i);
}

void par_for(size_t n, int jobs, par_fn fn, void *ctx)
{
	run(n, jobs, fn, ctx, 0);
}

void par_for_spread(size_t n, int jobs, par_fn fn, void *ctx)
{
	run(n, jobs, fn, ctx, 1);
}

struct par_turns {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t next; /* every item below has passed */
	size_t n;
	unsigned char *passed;
};

struct par_turns *par_turns_new(size_t n)
{
	struct par_turns *t = xcalloc(1, sizeof *t);
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	t->n = n;
	t->passed = xcalloc(n + 1, 1);
	return t;
}

void par_turn_take(struct par_turns *t, size_t i)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->mu);
	while (t->next < i)
		pthread_cond_wait(&t->cv, &t->mu);
	pthread_mutex_unlock(&t->mu);
}

void par_turn_pass(struct par_turns *t, size_t i)
{
	if (!t || i >= t->n)
		return;
	pthread_mutex_lock(&t->mu);
	t->passed[i] = 1;
	size_t was = t->next;
	while (t->next < t->n && t->passed[t->next])
		t->next++;
	if (t->next != was)
		pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
}

void par_turns_free(struct par_turns *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->cv);
	free(t->passed);
	free(t);
}

struct par_task {
	pthread_t thread;
	void (*fn)(void *ctx);
	void *ctx;
};

static void *task_main(void *arg)
{
	struct par_task *t = arg;
	t->fn(t->ctx);
	return NULL;
}

struct par_task *par_start(int jobs, void (*fn)(void *ctx), void *ctx)
{
	struct par_task *t = xcalloc(1, sizeof *t);
	t->fn = fn;
	t->ctx = ctx;
	if (jobs < 2 || pthread_create(&t->thread, NULL, task_main, t) != 0) {
		fn(ctx);
		t->fn = NULL; /* done: nothing to join */
	}
	return t;
}

void par_join(struct par_task *t)
{
	if (t && t->fn)
		pthread_join(t->thread, NULL);
	free(t);
}

int par_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}
