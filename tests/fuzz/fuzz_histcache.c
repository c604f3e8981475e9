/* libFuzzer harness for the history cache reader (hist_cache_parse), which
 * hist_load runs on a file in the git dir after checking its checksum (so
 * the harness starts past that check).  Besides the sanitizers it checks
 * what the page stages rely on: a rejected input leaves the history empty;
 * an accepted one has files sorted by path, each found by hist_lookup,
 * every revision's strings readable, an old path exactly on renames, and
 * every move pointing at a file with history. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"

static int rev_ok(const struct hist_rev *v)
{
	size_t sum = strlen(v->id) + strlen(v->author) + strlen(v->email) + strlen(v->subject) +
		     strlen(v->body) + strlen(v->path) + strlen(v->blob);
	return sum > 0 && strlen(v->id) == 40 && v->change <= HIST_DELETED &&
	       (v->change == HIST_RENAMED) == (v->old_path != NULL) &&
	       (!v->old_path || strlen(v->old_path) < SIZE_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* one history kept for the whole run keeps libgit2 initialised: its
	 * init and shutdown on every input would be most of the time */
	static struct history *pin;
	if (!pin)
		pin = hist_empty();
	struct history *h = hist_empty();
	int rc = hist_cache_parse(h, data, size);
	size_t n;
	const struct hist_file *f = hist_files(h, &n);
	const char *const *from, *const *to;
	size_t nmoves = hist_moves(h, &from, &to);
	if (rc < 0 && (n || nmoves || hist_head(h)[0]))
		abort();
	for (size_t i = 0; i < n; i++) {
		if (hist_lookup(h, f[i].path) != &f[i] || (i && strcmp(f[i - 1].path, f[i].path) >= 0))
			abort();
		for (size_t k = 0; k < f[i].n; k++)
			if (!rev_ok(&f[i].revs[k]))
				abort();
	}
	for (size_t m = 0; m < nmoves; m++)
		if (!hist_lookup(h, to[m]) || (m && strcmp(from[m - 1], from[m]) >= 0))
			abort();
	hist_free(h);
	return 0;
}
