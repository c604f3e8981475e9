/* par: runs fn(ctx, i) for i in [0, n) on up to jobs threads.  Work is
 * handed out by an atomic counter, so the order of calls varies but each
 * index runs exactly once; callers write results into slot i, which keeps
 * output independent of the thread count. */
#ifndef QUIRE_PAR_H
#define QUIRE_PAR_H

#include <stddef.h>

typedef void (*par_fn)(void *ctx, size_t i);

void par_for(size_t n, int jobs, par_fn fn, void *ctx);
/* The same, but the indices in flight at once are spread over the range
 * (the k-th of jobs equal blocks each), not neighbours.  For work that
 * creates files in index order, where neighbours share a folder: the
 * kernel creates files in one folder one at a time (the others spin on
 * its lock), in different folders at once. */
void par_for_spread(size_t n, int jobs, par_fn fn, void *ctx);
/* The index par_for_spread runs as its i-th item, for n items in blocks
 * blocks (i < blocks * (n / blocks)). */
size_t par_spread_index(size_t i, size_t n, size_t blocks);
/* Turns: a step of each item of a par_for taken in index order, as with
 * one thread (a Lua filter whose state moves as it runs sees the pages
 * in the same order whatever the thread count).  par_turn_take(t, i)
 * waits until every item below i has passed its turn; par_turn_pass(t,
 * i) passes i's, and may be called again, or without taking it first
 * (an item with no step passes at once).  par_for hands out indices in
 * order, so the lowest item not passed never waits.  NULL t: no-ops. */
struct par_turns;
struct par_turns *par_turns_new(size_t n);
void par_turn_take(struct par_turns *t, size_t i);
void par_turn_pass(struct par_turns *t, size_t i);
void par_turns_free(struct par_turns *t);
/* A task on a thread of its own while the caller goes on: for a stage
 * that keeps one core busy beside another that does the same.  With jobs
 * below 2, or when no thread can be made, fn runs at once in the caller.
 * par_join waits for it and frees t. */
struct par_task;
struct par_task *par_start(int jobs, void (*fn)(void *ctx), void *ctx);
void par_join(struct par_task *t);
/* The number of online processors (at least 1). */
int par_default_jobs(void);

#endif
