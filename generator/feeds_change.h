/* The recent-changes entry shared by render.c and feeds.c. */
#ifndef QUIRE_FEEDS_CHANGE_H
#define QUIRE_FEEDS_CHANGE_H

#include "history.h"

struct change {
	long long time;
	int tz;
	int page;
	const struct hist_rev *rv;
	const char *title; /* the article's title at rv (NULL: today's) */
	int restored;      /* rv took the article away, and a later revision
			      brought it back */
	const char *file;  /* rv is of a file the article links (its path
			      under content/), not of the article: NULL */
	const char *at;    /* with file: the article's path then ("content/a.md") */
	int others;        /* with file: how many other articles link it too
			      (listed once, under the first) */
	int page_removed;  /* rv removed a folder's own page (index.md) while
			      the folder stayed: no withdrawal (page.section_stays) */
};

#endif
