/* Tests for links.c's tables of per-page records: a record stands across a
 * title or heading edit elsewhere only while none of its links' lookups
 * meets the edited page; a table of other pages, or a damaged one, has
 * no record at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "fsutil.h"
#include "links.h"
#include "unit.h"

#define NPAGES 4

static char *new_site(void)
{
	char tmpl[] = "/tmp/quire-links-test.XXXXXX";
	char *dir = mkdtemp(tmpl);
	return dir ? xstrdup(dir) : NULL;
}

static struct cache_key key_of(struct cache *c, const char *s)
{
	struct cache_keybuf kb;
	cache_key_begin(c, &kb, "links-test");
	cache_key_str(&kb, s);
	return cache_key_end(&kb);
}

/* Four pages, each with a title and file name of its own. */
static void env_of(struct links_page_env *env, const char *const title[NPAGES])
{
	static const char *const name[NPAGES] = { "alpha", "beta", "gamma", "delta" };
	for (size_t i = 0; i < NPAGES; i++) {
		env[i].all[0] = str_hash(title[i], strlen(title[i]));
		env[i].all[1] = i;
		env[i].title = str_hash_lower(title[i]);
		env[i].name = str_hash_lower(name[i]);
	}
}

/* Page 0 looks up [[Beta page]] (page 1, by title); page 2 links to page 3
 * by path; page 1 and page 3 link nowhere. */
static void put_table(const char *site, const struct links_page_env *env, const struct cache_key *pages)
{
	struct cache *c = cache_open(site);
	struct buf fresh[NPAGES] = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT };
	for (size_t i = 0; i < NPAGES; i++) {
		struct links_sig sig = { 0 };
		if (i == 0) {
			sig.names = xmalloc(sizeof *sig.names);
			sig.names[0] = str_hash_lower("Beta page");
			sig.nnames = sig.capn = 1;
		}
		if (i == 2) {
			sig.pages.v = xmalloc(sizeof *sig.pages.v);
			sig.pages.v[0] = 3;
			sig.pages.n = 1;
		}
		char payload[8];
		snprintf(payload, sizeof payload, "page %zu", i);
		links_table_record(&fresh[i], payload, strlen(payload), &sig);
		links_sig_free(&sig);
	}
	struct cache_key k = key_of(c, "table");
	links_table_put(c, &k, NPAGES, pages, env, fresh, NULL);
	for (size_t i = 0; i < NPAGES; i++)
		buf_free(&fresh[i]);
	cache_close(c, 1);
}

/* Which records stand when the table is opened with env now: a string
 * of one character per page, 's' standing, '-' not. */
static void standing(const char *site, const struct links_page_env *env, const struct cache_key *pages,
		     int changes_only, char out[NPAGES + 1], int *usable)
{
	struct cache *c = cache_open(site);
	struct cache_key k = key_of(c, "table");
	struct links_table t;
	links_table_open(&t, c, &k, NPAGES, pages, env, changes_only);
	for (size_t i = 0; i < NPAGES; i++) {
		size_t len = 0;
		const char *p = links_table_payload(&t, i, &len);
		char want[8];
		snprintf(want, sizeof want, "page %zu", i);
		out[i] = p && len == strlen(want) && !memcmp(p, want, len) ? 's' : '-';
	}
	out[NPAGES] = '\0';
	*usable = t.usable;
	links_table_close(&t);
	cache_close(c, 0);
}

static const char *const titles[NPAGES] = { "Alpha page", "Beta page", "Gamma page", "Delta page" };

static void every_record_stands_in_the_environment_it_was_made_in(void)
{
	char *site = new_site();
	struct links_page_env env[NPAGES];
	struct cache_key pages = { { 1, 2 } };
	env_of(env, titles);
	put_table(site, env, &pages);
	char got[NPAGES + 1];
	int usable;
	standing(site, env, &pages, 0, got, &usable);
	CHECK_STR(got, "ssss");
	CHECK(usable);
	/* opened for its changes only, it has none to give */
	standing(site, env, &pages, 1, got, &usable);
	CHECK_STR(got, "----");
	CHECK(usable);
	fs_rm_rf(site);
	free(site);
}

static void a_retitled_page_drops_its_own_record_and_those_that_looked_its_title_up(void)
{
	char *site = new_site();
	struct links_page_env env[NPAGES];
	struct cache_key pages = { { 1, 2 } };
	env_of(env, titles);
	put_table(site, env, &pages);
	const char *const retitled[NPAGES] = { "Alpha page", "Bravo page", "Gamma page", "Delta page" };
	env_of(env, retitled);
	char got[NPAGES + 1];
	int usable;
	standing(site, env, &pages, 0, got, &usable);
	CHECK_STR(got, "--ss");
	/* and a page some page links to by path, that one's record */
	const char *const delta[NPAGES] = { "Alpha page", "Beta page", "Gamma page", "Delta, renamed" };
	env_of(env, delta);
	standing(site, env, &pages, 0, got, &usable);
	CHECK_STR(got, "ss--");
	fs_rm_rf(site);
	free(site);
}

static void a_page_taking_a_title_looked_up_drops_the_record_of_the_page_that_looked(void)
{
	char *site = new_site();
	struct links_page_env env[NPAGES];
	struct cache_key pages = { { 1, 2 } };
	env_of(env, titles);
	put_table(site, env, &pages);
	/* [[Beta page]] is ambiguous now */
	const char *const clash[NPAGES] = { "Alpha page", "Beta page", "Beta page", "Delta page" };
	env_of(env, clash);
	char got[NPAGES + 1];
	int usable;
	standing(site, env, &pages, 0, got, &usable);
	CHECK_STR(got, "-s-s");
	fs_rm_rf(site);
	free(site);
}

static void a_table_of_other_pages_or_a_damaged_one_has_no_record(void)
{
	char *site = new_site();
	struct links_page_env env[NPAGES];
	struct cache_key pages = { { 1, 2 } }, others = { { 1, 3 } };
	env_of(env, titles);
	put_table(site, env, &pages);
	char got[NPAGES + 1];
	int usable;
	standing(site, env, &others, 0, got, &usable);
	CHECK_STR(got, "----");
	CHECK(!usable);
	/* a table cut short: its records are not trusted */
	struct cache *c = cache_open(site);
	struct cache_key k = key_of(c, "table");
	char *data;
	size_t len;
	CHECK(cache_get(c, &k, &data, &len));
	cache_put(c, &k, data, len - 3);
	free(data);
	cache_close(c, 1);
	standing(site, env, &pages, 0, got, &usable);
	CHECK_STR(got, "----");
	CHECK(!usable);
	fs_rm_rf(site);
	free(site);
}

int main(void)
{
	RUN(every_record_stands_in_the_environment_it_was_made_in);
	RUN(a_retitled_page_drops_its_own_record_and_those_that_looked_its_title_up);
	RUN(a_page_taking_a_title_looked_up_drops_the_record_of_the_page_that_looked);
	RUN(a_table_of_other_pages_or_a_damaged_one_has_no_record);
	UNIT_END();
}
