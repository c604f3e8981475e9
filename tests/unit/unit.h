/* unit.h: the smallest test harness that reads well.  Each test is a
 * function whose name reads as a sentence; RUN() calls it and counts.
 * The binary ends with "N passed, N failed" and exits 1 on any failure. */
#ifndef QUIRE_UNIT_H
#define QUIRE_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_passed, unit_failed, unit_cur_failed;

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			printf("    %s:%d: check failed: %s\n", __FILE__,   \
			       __LINE__, #cond);                             \
			unit_cur_failed = 1;                                 \
		}                                                            \
	} while (0)

#define CHECK_STR(got, want)                                                 \
	do {                                                                 \
		const char *g_ = (got), *w_ = (want);                        \
		if (!g_ || strcmp(g_, w_) != 0) {                            \
			printf("    %s:%d: expected \"%s\"\n      got      \"%s\"\n", \
			       __FILE__, __LINE__, w_, g_ ? g_ : "(null)");  \
			unit_cur_failed = 1;                                 \
		}                                                            \
	} while (0)

#define RUN(fn)                                                              \
	do {                                                                 \
		unit_cur_failed = 0;                                         \
		fn();                                                        \
		if (unit_cur_failed) {                                       \
			unit_failed++;                                       \
			printf("not ok - %s\n", #fn);                        \
		} else {                                                     \
			unit_passed++;                                       \
			printf("ok - %s\n", #fn);                            \
		}                                                            \
	} while (0)

#define UNIT_END()                                                           \
	do {                                                                 \
		printf("%d passed, %d failed\n", unit_passed, unit_failed); \
		return unit_failed ? 1 : 0;                                  \
	} while (0)

#endif
