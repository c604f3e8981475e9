/* Unit tests for generator/near.c: the names one edit from a mistyped
 * one, which quire check suggests ("did you mean [[leave]]?"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "near.h"
#include "unit.h"

static void distance_counts_each_kind_of_edit_once(void)
{
	CHECK(near_distance("leave", "leave", 2) == 0);
	CHECK(near_distance("leave", "leav", 2) == 1);    /* dropped */
	CHECK(near_distance("leave", "leaves", 2) == 1);  /* added */
	CHECK(near_distance("leave", "lease", 2) == 1);   /* changed */
	CHECK(near_distance("leave", "leaev", 2) == 1);   /* neighbours swapped */
	CHECK(near_distance("leave", "eleav", 2) == 2);
	CHECK(near_distance("xabc", "abcy", 2) == 2);
	CHECK(near_distance("", "ab", 2) == 2);
}

static void distance_stops_past_its_limit(void)
{
	CHECK(near_distance("annual-leave", "sick-pay", 1) == 2);
	CHECK(near_distance("a", "abcdef", 2) == 3);
	CHECK(near_distance("kitten", "sitting", 3) == 3);
	CHECK(near_distance("kitten", "sitting", 2) == 3);
}

/* A letter beyond ASCII is one character, not two bytes. */
static void distance_counts_characters_not_bytes(void)
{
	CHECK(near_distance("café", "cafe", 2) == 1);
	CHECK(near_distance("straße", "strase", 2) == 1);
	CHECK(near_distance("日本語", "日本", 2) == 1);
}

/* The whole table, for comparison: optimal string alignment over bytes
 * (the texts below are ASCII). */
static int full_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int d[40][40];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			int v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

/* Up to 11 letters of "abc" into s. */
static void random_text(char *s, unsigned long long *seed)
{
	*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
	size_t n = (*seed >> 33) % 12;
	for (size_t i = 0; i < n; i++) {
		*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
		s[i] = "abc"[(*seed >> 33) % 3];
	}
	s[n] = 0;
}

/* The banded table agrees with the whole one on 200,000 random pairs of
 * texts over three letters (many near pairs), for every limit 0 to 3. */
static void distance_agrees_with_the_whole_table(void)
{
	unsigned long long seed = 42;
	int bad = 0;
	for (int k = 0; k < 200000 && bad < 5; k++) {
		char a[32], b[32];
		random_text(a, &seed);
		random_text(b, &seed);
		int want = full_distance(a, b), max = k % 4;
		int got = near_distance(a, b, max), expect = want <= max ? want : max + 1;
		if (got != expect) {
			printf("    '%s' '%s' max %d: %d, want %d\n", a, b, max, got, expect);
			bad++;
		}
	}
	CHECK(bad == 0);
}

/* A very long text is no one's slip (the hint is not worth its cost). */
static void distance_gives_up_on_very_long_texts(void)
{
	char a[400], b[400];
	memset(a, 'x', 399);
	a[399] = 0;
	memcpy(b, a, sizeof b);
	b[0] = 'y';
	CHECK(near_distance(a, b, 2) == 3);
	CHECK(near_distance(a + 200, b + 199, 2) == 1); /* 199 and 200 characters: fine */
}

static struct near_index *index_of(const char *const *names)
{
	struct near_index *ix = near_new();
	for (int i = 0; names[i]; i++)
		near_add(ix, names[i], i);
	near_seal(ix);
	return ix;
}

static const char *const NAMES[] = { "leave", "sick-pay", "annual leave", "leaves", "court-orders", "café", NULL };

static void find_gives_the_names_one_edit_away(void)
{
	struct near_index *ix = index_of(NAMES);
	int ids[8];
	size_t n = near_find(ix, "leav", ids, 8);
	CHECK(n == 1 && ids[0] == 0);
	n = near_find(ix, "leaev", ids, 8);
	CHECK(n == 1 && ids[0] == 0);
	n = near_find(ix, "sick-pya", ids, 8);
	CHECK(n == 1 && ids[0] == 1);
	n = near_find(ix, "anual leave", ids, 8);
	CHECK(n == 1 && ids[0] == 2);
	n = near_find(ix, "court-orderz", ids, 8);
	CHECK(n == 1 && ids[0] == 4);
	n = near_find(ix, "cafe", ids, 8);
	CHECK(n == 1 && ids[0] == 5);
	/* "leavs" is one edit from both "leave" and "leaves", in the order added */
	n = near_find(ix, "leavs", ids, 8);
	CHECK(n == 2 && ids[0] == 0 && ids[1] == 3);
	n = near_find(ix, "leavs", ids, 1);
	CHECK(n == 1 && ids[0] == 0);
	near_free(ix);
}

static void find_gives_nothing_for_names_further_away_or_exact(void)
{
	struct near_index *ix = index_of(NAMES);
	int ids[8];
	CHECK(near_find(ix, "leave", ids, 8) == 1 && ids[0] == 3); /* itself is no hint; "leaves" is */
	CHECK(near_find(ix, "court-orders", ids, 8) == 0);
	CHECK(near_find(ix, "holiday", ids, 8) == 0);
	CHECK(near_find(ix, "xsick-pa", ids, 8) == 0); /* two edits, though one drop each matches */
	CHECK(near_find(ix, "", ids, 8) == 0);
	near_free(ix);
}

/* One id under several names (a page's file name and its title) is
 * given once. */
static void find_gives_each_id_once(void)
{
	struct near_index *ix = near_new();
	near_add(ix, "leave", 7);
	near_add(ix, "leaves", 7);
	near_add(ix, "leaf", 9);
	near_seal(ix);
	int ids[8];
	size_t n = near_find(ix, "leave", ids, 8);
	CHECK(n == 1 && ids[0] == 7);
	n = near_find(ix, "leav", ids, 8);
	CHECK(n == 2 && ids[0] == 7 && ids[1] == 9);
	near_free(ix);
}

/* Thousands of names alike cost a bounded number of checks: the hint
 * may be missing, never slow. */
static void many_names_alike_stay_cheap(void)
{
	struct near_index *ix = near_new();
	char name[32];
	for (int i = 0; i < 20000; i++) {
		snprintf(name, sizeof name, "part-%d", i);
		near_add(ix, name, i);
	}
	near_seal(ix);
	int ids[4];
	for (int q = 0; q < 2000; q++) {
		snprintf(name, sizeof name, "part%d", q);
		size_t n = near_find(ix, name, ids, 4);
		CHECK(n <= 4);
	}
	size_t n = near_find(ix, "part-1234x", ids, 4);
	CHECK(n >= 1 && ids[0] == 1234);
	near_free(ix);
}

int main(void)
{
	RUN(distance_counts_each_kind_of_edit_once);
	RUN(distance_stops_past_its_limit);
	RUN(distance_counts_characters_not_bytes);
	RUN(distance_agrees_with_the_whole_table);
	RUN(distance_gives_up_on_very_long_texts);
	RUN(find_gives_the_names_one_edit_away);
	RUN(find_gives_nothing_for_names_further_away_or_exact);
	RUN(find_gives_each_id_once);
	RUN(many_names_alike_stay_cheap);
	UNIT_END();
}
