/* active: attachments in content/ that would run script on the site's
 * address when a browser opens them.  With raw HTML off
 * (markdown.unsafe_html: false) the build refuses them (build.c,
 * refuse_active_assets), as it filters raw HTML out of Markdown. */
#ifndef QUIRE_ACTIVE_H
#define QUIRE_ACTIVE_H

#include <stddef.h>

/* What kind of file name is for this check: */
enum active_kind {
	ACTIVE_NONE,   /* not looked at (a picture, a PDF, ...) */
	ACTIVE_HTML,   /* HTML whole (.html, .htm, .xhtml, .mht, ...): refused */
	ACTIVE_XML,    /* SVG or another XML type: refused when active_markup finds script */
	ACTIVE_SNIFF,  /* no extension: refused when it starts as HTML does (a server
			  may send it with no type, and the browser then sniffs it) */
};
enum active_kind active_kind_of(const char *name);

/* Where data (an ACTIVE_XML file of len bytes) holds what a browser
 * runs when it opens the file on its own: returns a description (static
 * text) and sets *at to its byte offset, or NULL when there is none.
 * It looks at markup, not text: element names (a script, iframe, embed
 * or object, with any prefix), attribute names (on... event handlers,
 * srcdoc), attribute values (a javascript: or vbscript: address, also
 * spelled with character references, declared entities or tabs), entity
 * declarations holding markup or naming outside files, an XSLT style
 * sheet, and an encoding other than UTF-8 (in which none of this can be
 * read).  Elements and attributes count where the SVG or XHTML namespace
 * is in force: from the start when svg is set (an .svg file), else from
 * the tag that declares one. */
const char *active_markup(const char *data, size_t len, int svg, size_t *at);

/* What in data (len bytes, the file name's, of kind ACTIVE_XML or
 * ACTIVE_SNIFF) a browser would run when it opens the file on its own:
 * active_markup's answer, or for a file with no extension the start of
 * an HTML page; NULL when nothing. */
const char *active_content(const char *name, enum active_kind kind, const char *data, size_t len, size_t *at);

/* Whether name is an SVG file's (.svg, any case). */
int active_is_svg(const char *name);

/* Whether data (an ACTIVE_SNIFF file) starts as an XML file does: a
 * server's sniffing sends it as XML, to be read by active_markup. */
int active_looks_xml(const char *data, size_t len);

/* Whether data (an ACTIVE_SNIFF file) starts as an HTML page does. */
int active_looks_html(const char *data, size_t len);

#endif
