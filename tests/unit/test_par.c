/* Tests for par.c: every index runs exactly once, whatever the count of
 * items and threads; spread runs keep neighbours apart. */
#include <stdatomic.h>
#include <stdlib.h>

#include "par.h"
#include "unit.h"

struct seen {
	atomic_int *count;
	atomic_size_t order; /* call number */
	size_t *at;          /* per index: its call number */
};

static void mark(void *ctx, size_t i)
{
	struct seen *s = ctx;
	atomic_fetch_add(&s->count[i], 1);
	s->at[i] = atomic_fetch_add(&s->order, 1);
}

static int once_each(size_t n, int jobs, int spread)
{
	struct seen s = { calloc(n + 1, sizeof *s.count), 0, calloc(n + 1, sizeof *s.at) };
	(spread ? par_for_spread : par_for)(n, jobs, mark, &s);
	int ok = 1;
	for (size_t i = 0; i < n; i++)
		ok &= atomic_load(&s.count[i]) == 1;
	free(s.count);
	free(s.at);
	return ok;
}

static void every_index_runs_exactly_once(void)
{
	const size_t ns[] = { 0, 1, 2, 3, 7, 64, 1001 };
	for (size_t a = 0; a < sizeof ns / sizeof *ns; a++)
		for (int jobs = 1; jobs <= 5; jobs++) {
			CHECK(once_each(ns[a], jobs, 0));
			CHECK(once_each(ns[a], jobs, 1));
		}
}

/* Items taken one after another come from different blocks: with two
 * threads, pages 0 and n/2, then 1 and n/2 + 1... */
static void spread_takes_turns_between_blocks(void)
{
	const size_t want[] = { 0, 5, 1, 6, 2, 7, 3, 8, 4, 9 };
	for (size_t i = 0; i < 10; i++)
		CHECK(par_spread_index(i, 10, 2) == want[i]);
	CHECK(par_spread_index(4, 9, 3) == 4);  /* block 1, second item */
	CHECK(par_spread_index(7, 100, 1) == 7);
}

static void bump(void *ctx)
{
	atomic_fetch_add((atomic_int *)ctx, 1);
}

/* A task runs exactly once by the time it is joined; with one job it has
 * run before par_start returns (no thread of its own). */
static void a_task_runs_once_by_its_join(void)
{
	for (int jobs = 1; jobs <= 3; jobs++) {
		atomic_int n = 0;
		struct par_task *t = par_start(jobs, bump, &n);
		if (jobs == 1)
			CHECK(atomic_load(&n) == 1);
		par_join(t);
		CHECK(atomic_load(&n) == 1);
	}
}

struct ordered {
	struct par_turns *t;
	size_t *log; /* the items whose step ran, in the order they ran */
	size_t nlog;
};

/* Every third item has no step (passes without taking its turn); the
 * rest log themselves in their turn, after some work of their own. */
static void step(void *ctx, size_t i)
{
	struct ordered *o = ctx;
	volatile unsigned spin = 0;
	for (unsigned k = 0; k < (unsigned)(i * 7919 % 2000); k++)
		spin += k;
	if (i % 3 != 2) {
		par_turn_take(o->t, i);
		o->log[o->nlog++] = i; /* safe: the turn is ours alone */
	}
	par_turn_pass(o->t, i);
	par_turn_pass(o->t, i); /* (again: a no-op) */
}

/* Steps taken in turns run in index order whatever the thread count. */
static void turns_run_steps_in_index_order(void)
{
	const size_t n = 3000;
	for (int jobs = 1; jobs <= 4; jobs++) {
		struct ordered o = { par_turns_new(n), calloc(n, sizeof(size_t)), 0 };
		par_for(n, jobs, step, &o);
		size_t want = 0, ok = 1;
		for (size_t i = 0; i < n; i++)
			if (i % 3 != 2)
				ok &= o.nlog > want && o.log[want++] == i;
		CHECK(ok && o.nlog == want);
		par_turns_free(o.t);
		free(o.log);
	}
	par_turn_take(NULL, 5); /* no turns: no-ops */
	par_turn_pass(NULL, 5);
}

int main(void)
{
	RUN(turns_run_steps_in_index_order);
	RUN(a_task_runs_once_by_its_join);
	RUN(every_index_runs_exactly_once);
	RUN(spread_takes_turns_between_blocks);
	UNIT_END();
}
