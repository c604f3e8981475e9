/* Tests for markdown.c's parsing on several threads at once: cmark-gfm
 * 0.29 keeps the extensions' special characters in one process-wide
 * table, which quire switches on once (see markdown.c). */
#include <pthread.h>
#include <stdlib.h>

#include "markdown.h"
#include "unit.h"

#define ROUNDS 300

/* Each thread renders strikethrough, a table and an autolink, over and
 * over, and counts the renderings that lost one of them. */
static void *parse_many(void *arg)
{
	int *lost = arg;
	const char *md = "Some ~~old~~ text, see www.example.com now.\n\n"
			 "| a | b |\n|---|---|\n| ~~c~~ | d |\n";
	for (int i = 0; i < ROUNDS; i++) {
		char *html = md_to_html(md, 0);
		if (!strstr(html, "<del>old</del>") || !strstr(html, "<del>c</del>") ||
		    !strstr(html, "<table>") || !strstr(html, "href=\"http://www.example.com\""))
			(*lost)++;
		free(html);
	}
	return NULL;
}

static void parses_on_several_threads_keep_every_extension(void)
{
	pthread_t t[4];
	int lost[4] = { 0 };
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, parse_many, &lost[i]);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 4; i++)
		CHECK(lost[i] == 0);
}

/* The speed of a cold build rests on this: with Debian's libcmark-gfm,
 * parses run at once rather than one at a time under a lock. */
static void parses_run_at_once_with_this_libcmark_gfm(void)
{
	CHECK(!md_parse_is_serial());
}

/* A character switched on for every parse must not change a page that
 * does not use its extension: tables are off for overly wide pages. */
static void a_pipe_outside_tables_stays_text(void)
{
	char *html = md_to_html("a | b and x~y~z w:w\n", 0);
	CHECK_STR(html, "<p>a | b and x~y~z w:w</p>\n");
	free(html);
}

int main(void)
{
	RUN(parses_on_several_threads_keep_every_extension);
	RUN(parses_run_at_once_with_this_libcmark_gfm);
	RUN(a_pipe_outside_tables_stays_text);
	UNIT_END();
}
