/* libFuzzer harness for the reader of links.c's per-page tables
 * (links_table_parse), which a build runs on a cache entry after checking
 * its checksum (so the harness starts past that check).  The table is the
 * input, read for the pages its own head names (u32 npages, up to 32, and
 * the pages' key), in the environment its head records with one page
 * changed, chosen by the input's last byte (its top bit: only changes are
 * asked for), so that the records behind the head are reached.  Besides
 * the sanitizers it checks what the build relies on: a table not read
 * whole has no record standing, every standing record's payload lies
 * inside the input, and the changed page's own record never stands. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "links.h"

#define MAX_PAGES 32

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 21)
		return 0;
	size_t n = (size_t)(data[0] | data[1] << 8 | data[2] << 16 | (uint32_t)data[3] << 24);
	if (n > MAX_PAGES)
		n %= MAX_PAGES + 1;
	struct cache_key pages = { { le64(data + 4), le64(data + 12) } };
	struct links_page_env env[MAX_PAGES + 1];
	memset(env, 0, sizeof env);
	for (size_t i = 0; i < n && 20 + 32 * (i + 1) <= size; i++) {
		const uint8_t *e = data + 20 + 32 * i;
		env[i] = (struct links_page_env){ { le64(e), le64(e + 8) }, le64(e + 16), le64(e + 24) };
	}
	uint8_t ctl = data[size - 1];
	size_t changed = n && (ctl & 0x7f) ? (ctl & 0x7f) % n : SIZE_MAX;
	if (changed != SIZE_MAX) {
		env[changed].all[0] ^= 1;
		env[changed].title ^= 1;
	}
	struct links_table t;
	memset(&t, 0, sizeof t);
	t.data = (const char *)data;
	t.len = size;
	links_table_parse(&t, n, &pages, env, ctl >> 7);
	for (size_t i = 0; i < n; i++) {
		size_t len = 0;
		const char *p = links_table_payload(&t, i, &len);
		if (!p)
			continue;
		if (!t.usable || i == changed || p < (const char *)data || len > size ||
		    p + len > (const char *)data + size)
			abort();
	}
	links_table_close(&t);
	return 0;
}
