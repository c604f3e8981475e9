/* libFuzzer harness: wiki-link expansion, heading ids and link positions
 * on any Markdown.  Ids must be unique and made only of [a-z0-9-]. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct md_doc doc;
	if (md_parse(&doc, (const char *)data, size, 3, 0) < 0)
		return 0;
	md_expand_wikilinks(&doc);
	struct heading *h;
	size_t n;
	md_headings(&doc, &h, &n);
	for (size_t i = 0; i < n; i++) {
		if (!*h[i].id || strspn(h[i].id, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(h[i].id))
			abort();
		for (size_t j = 0; j < i; j++)
			if (!strcmp(h[i].id, h[j].id))
				abort();
	}
	md_free_headings(h, n);
	struct rawlink *l;
	md_links(&doc, &l, &n);
	for (size_t i = 0; i < n; i++) {
		if (l[i].line < 3)
			abort();
		free(l[i].url);
	}
	free(l);
	char *html, *text;
	md_render(&doc, NULL, NULL, &html, &text);
	if (strstr(html, "<script"))
		abort();
	free(html);
	free(text);
	md_free(&doc);
	return 0;
}
