/* feeds: sitemap and Atom, written directly as XML.  A page's address in
 * them is percent-encoded (buf_puts_url_path): a file name may hold a space
 * or a letter outside ASCII, which a URL or an Atom id may not. */
#include "feeds.h"

#include <string.h>
#include <time.h>

#include "buf.h"
#include "feeds_change.h"

/* Text escaped for XML.  The control characters XML 1.0 forbids (a
 * commit message may hold an ESC from a terminal's colours) become
 * U+FFFD: one would make the whole feed unreadable. */
static void xml_text(struct buf *b, const char *s)
{
	s = s ? s : "";
	for (const char *r = s;; s++) {
		unsigned char c = (unsigned char)*s;
		if (c && (c >= 0x20 || c == '\t' || c == '\n' || c == '\r'))
			continue;
		buf_put_html(b, r, (size_t)(s - r));
		if (!c)
			return;
		buf_puts(b, "\xEF\xBF\xBD");
		r = s + 1;
	}
}

void feeds_sitemap(const struct site *s, struct output *out, struct diag *d)
{
	/* base_url is optional (an intranet needs no sitemap): no warning */
	if (!*s->cfg.base_url)
		return;
	struct buf b = BUF_INIT;
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (size_t i = 0; i < site_listed(s); i++) {
		buf_puts(&b, "  <url><loc>");
		xml_text(&b, s->cfg.base_url);
		buf_putc(&b, '/');
		buf_puts_url_path(&b, s->pages[i]->out);
		buf_puts(&b, "</loc></url>\n");
	}
	buf_puts(&b, "</urlset>\n");
	output_write(out, "sitemap.xml", b.ptr, b.len, d);
	buf_free(&b);
}

static void iso_utc(struct buf *b, long long t)
{
	time_t s = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&s, &tm)) { /* (history.c keeps dates in years 1 to 9999) */
		memset(&tm, 0, sizeof tm);
		tm.tm_mday = 1;
		tm.tm_year = 70;
	}
	buf_printf(b, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		   tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* An entry's id names the article by its address when the revision was
 * made: a move since does not make every old entry new to feed readers. */
static void put_entry_key(struct buf *b, const struct page *p, const struct hist_rev *rv)
{
	char *key = site_source_key(rv->path);
	buf_puts_url_path(b, key ? key : p->key);
	free(key);
}

/* The feed's <updated>: the latest date among its entries (RFC 4287's
 * "most recent instant" the feed changed), not the first entry's: the
 * entries are in the order they landed, and a rebase or a wrong clock
 * may date the newest earlier than one below it.  0 with no entries. */
static long long feed_updated(const struct change *ch, size_t n)
{
	long long t = n ? ch[0].time : 0;
	for (size_t k = 1; k < n; k++)
		if (ch[k].time > t)
			t = ch[k].time;
	return t;
}

void feeds_atom(const struct site *s, struct output *out, struct diag *d,
		const struct change *ch, size_t n)
{
	struct buf b = BUF_INIT;
	const char *base = s->cfg.base_url;
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>");
	xml_text(&b, s->cfg.title);
	buf_puts(&b, ": recent changes</title>\n  <id>");
	if (*base)
		xml_text(&b, base);
	else
		buf_puts(&b, "urn:quire:");
	buf_puts(&b, "/changes.xml</id>\n  <updated>");
	iso_utc(&b, feed_updated(ch, n));
	buf_puts(&b, "</updated>\n");
	if (*base) {
		buf_puts(&b, "  <link rel=\"alternate\" href=\"");
		xml_text(&b, base);
		buf_puts(&b, "/changes.html\"/>\n  <link rel=\"self\" href=\"");
		xml_text(&b, base);
		buf_puts(&b, "/changes.xml\"/>\n");
	}
	for (size_t k = 0; k < n; k++) {
		const struct page *p = s->pages[ch[k].page];
		buf_puts(&b, "  <entry>\n    <title>");
		xml_text(&b, ch[k].title ? ch[k].title : page_title(p));
		int restored = ch[k].restored;
		if (ch[k].file) {
			buf_puts(&b, " (the file ");
			xml_text(&b, ch[k].file);
			if (ch[k].rv->change == HIST_DELETED)
				buf_puts(&b, ", deleted");
			if (ch[k].others)
				buf_printf(&b, ", which %d other article%s too", ch[k].others,
					   ch[k].others == 1 ? " links" : "s link");
			buf_puts(&b, "): ");
		} else {
			buf_puts(&b, ch[k].rv->change != HIST_DELETED ? ": "
				     : ch[k].page_removed ? " (replaced by the list of its guidance): "
				     : ch[k].rv->taken_down ? (restored ? " (taken off the site, later restored): "
									: " (taken off the site): ")
				     : restored ? " (withdrawn, later restored): " : " (withdrawn): ");
		}
		xml_text(&b, ch[k].rv->subject);
		buf_puts(&b, "</title>\n    <id>urn:quire:");
		xml_text(&b, ch[k].rv->id);
		buf_putc(&b, ':');
		/* (an article's entry is named by its article, a file's by both) */
		if (ch[k].file) {
			put_entry_key(&b, p, &(struct hist_rev){ .path = (char *)ch[k].at });
			buf_puts(&b, ":file:");
			xml_text(&b, ch[k].file);
		} else {
			put_entry_key(&b, p, ch[k].rv);
		}
		buf_puts(&b, "</id>\n    <updated>");
		iso_utc(&b, ch[k].time);
		buf_puts(&b, "</updated>\n    <author><name>");
		xml_text(&b, ch[k].rv->author);
		buf_puts(&b, "</name></author>\n");
		/* Relative links resolve against the feed's own address. */
		buf_puts(&b, "    <link href=\"");
		if (*base) {
			xml_text(&b, base);
			buf_putc(&b, '/');
		}
		buf_puts_url_path(&b, p->key);
		buf_puts(&b, ".history.html#");
		xml_text(&b, ch[k].file ? "files" : ch[k].rv->id);
		buf_puts(&b, "\"/>\n    <summary>");
		xml_text(&b, ch[k].rv->body && *ch[k].rv->body ? ch[k].rv->body : ch[k].rv->subject);
		buf_puts(&b, "</summary>\n  </entry>\n");
	}
	buf_puts(&b, "</feed>\n");
	output_write(out, "changes.xml", b.ptr, b.len, d);
	buf_free(&b);
}
