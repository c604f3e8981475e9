/* libFuzzer harness for revdiff: the input is split at its first NUL byte
 * into the old and the new body (no NUL: the whole input is the old body
 * and the new one is NULL, as for a deleted article).  Besides the
 * sanitizers it checks what readers rely on: revdiff_changed is symmetric
 * and agrees with "No change to the text.", every '<' in the output opens
 * one of revdiff's own tags (so nothing in an old revision injects HTML),
 * and the output is valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "revdiff.h"

static const char *const allowed[] = {
	"<del>", "</del>", "<ins>", "</ins>", "<div class=\"diff-block",
	"</div>", "<p class=\"diff-", "<p>", "</p>",
};

static int tags_ok(const char *s)
{
	for (const char *p = strchr(s, '<'); p; p = strchr(p + 1, '<')) {
		size_t i;
		for (i = 0; i < sizeof allowed / sizeof *allowed; i++)
			if (!strncmp(p, allowed[i], strlen(allowed[i])))
				break;
		if (i == sizeof allowed / sizeof *allowed)
			return 0;
	}
	return 1;
}

static int utf8_ok(const unsigned char *s)
{
	while (*s) {
		size_t n = *s < 0x80 ? 1 : (*s & 0xE0) == 0xC0 ? 2
				   : (*s & 0xF0) == 0xE0 ? 3
				   : (*s & 0xF8) == 0xF0 ? 4 : 0;
		if (n == 0 || (n == 2 && *s < 0xC2))
			return 0;
		for (size_t i = 1; i < n; i++)
			if ((s[i] & 0xC0) != 0x80)
				return 0;
		s += n;
	}
	return 1;
}

/* (a change to raw HTML a reader does not see may read as none) */
static void check_body(const char *a, const char *b, int changed, int raw_html)
{
	struct buf out = BUF_INIT;
	revdiff_body(a, b, raw_html, &out);
	const char *s = buf_cstr(&out);
	int none = !strcmp(s, "<p class=\"diff-none\">No change to the text.</p>\n");
	if ((!changed && !none) || (none && changed && !strchr(a ? a : "", '<') && !strchr(b ? b : "", '<')) ||
	    !tags_ok(s) || !utf8_ok((const unsigned char *)s))
		abort();
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	const char *old_md = copy, *new_md = NULL;
	size_t nul = strlen(copy);
	if (nul < size)
		new_md = copy + nul + 1;

	int changed = revdiff_changed(old_md, new_md);
	if (changed != revdiff_changed(new_md, old_md) ||
	    revdiff_changed(old_md, old_md))
		abort();
	for (int raw = 0; raw < 2; raw++) {
		check_body(old_md, new_md, changed, raw);
		check_body(new_md, old_md, changed, raw);
	}
	free(copy);
	return 0;
}
