/* libFuzzer harness: the whole page pipeline on one input — front matter,
 * Markdown, wiki links and relative links resolved against a small site,
 * headings, rendering — as the build runs it for an article. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"
#include "links.h"
#include "markdown.h"
#include "site.h"

static struct page *mkpage(const char *key, const char *title)
{
	struct page *p = xcalloc(1, sizeof *p);
	p->kind = PAGE_ARTICLE;
	p->key = xstrdup(key);
	p->out = xasprintf("%s.html", key);
	const char *slash = strrchr(key, '/');
	p->dir = slash ? xstrndup(key, (size_t)(slash - key)) : xstrdup("");
	p->name = xstrdup(slash ? slash + 1 : key);
	p->src = xasprintf("content/%s.md", key);
	p->data = json_pack("{s:s}", "title", title);
	p->headings = xcalloc(1, sizeof *p->headings);
	p->headings[0].level = 2;
	p->headings[0].text = xstrdup("Costs");
	p->headings[0].id = xstrdup("costs");
	p->nheadings = 1;
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag *d = diag_new();
	struct site s;
	site_init(&s, ".");
	s.cfg.title = xstrdup("");
	s.cfg.base_url = xstrdup("");
	s.cfg.theme = xstrdup("default");
	s.cfg.language = xstrdup("en");
	s.cfg.params = json_object();
	site_add_page(&s, mkpage("a/court-orders", "Court orders"));
	site_add_page(&s, mkpage("b/court-orders", "Other orders"));
	site_add_page(&s, mkpage("policy", "Policy"));
	struct page *me = mkpage("a/me", "Me");
	int mi = site_add_page(&s, me);
	struct fm_parts parts;
	const char *text = (const char *)data;
	if (fm_split(text, size, me->src, &parts, d) == 0) {
		json_decref(fm_parse_yaml(text + parts.yaml_off, parts.yaml_len, me->src, parts.yaml_line, d));
		struct links_index *ix = links_index_new(&s, 1);
		struct md_doc doc;
		if (md_parse(&doc, text + parts.body_off, size - parts.body_off, parts.body_line, 0) == 0) {
			md_expand_wikilinks(&doc);
			struct links_ctx lc = { .site = &s, .ix = ix, .page = s.pages[mi], .out_path = me->out, .d = d };
			char *html, *plain;
			md_render(&doc, links_resolve, &lc, &html, &plain);
			links_finish(&lc, s.pages[mi]);
			if (strstr(html, "href=\"javascript:") || strstr(html, "<script"))
				abort();
			free(html);
			free(plain);
			md_free(&doc);
		}
		links_index_free(ix);
	}
	site_free(&s);
	diag_free(d);
	return 0;
}
