/* active: attachments that would run script when opened (see active.h).
 * A browser runs script in an SVG or XML file opened on its own, on the
 * site's address: a blocklist of words fails there (references spell
 * them, an iframe's srcdoc holds a page), so the file's markup is read:
 * tags, their names, their attributes' names and spelled-out values. */
#include "active.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "buf.h"

static int ends_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcasecmp(s + n - m, suffix);
}

enum active_kind active_kind_of(const char *name)
{
	static const char *const html[] = { ".html", ".htm", ".xhtml", ".xhtm", ".xht", ".shtml", ".mht", ".mhtml",
					    ".svgz" };
	static const char *const xml[] = { ".svg", ".xml", ".xsl", ".xslt", ".rss", ".atom", ".rdf", ".xsd", ".kml",
					   ".mml", ".rng", ".xspf", ".xul" };
	for (size_t k = 0; k < sizeof html / sizeof *html; k++)
		if (ends_ci(name, html[k]))
			return ACTIVE_HTML;
	for (size_t k = 0; k < sizeof xml / sizeof *xml; k++)
		if (ends_ci(name, xml[k]))
			return ACTIVE_XML;
	const char *base = strrchr(name, '/');
	return strchr(base ? base + 1 : name, '.') ? ACTIVE_NONE : ACTIVE_SNIFF;
}

int active_is_svg(const char *name)
{
	return ends_ci(name, ".svg");
}

/* Whether s[0, n) starts with word, in any case. */
static int starts_ci(const char *s, size_t n, const char *word)
{
	size_t m = strlen(word);
	return n >= m && !strncasecmp(s, word, m);
}

/* Where needle is in s[0, n), or n. */
static size_t find(const char *s, size_t n, const char *needle)
{
	const char *p = memmem(s, n, needle, strlen(needle));
	return p ? (size_t)(p - s) : n;
}

/* Entities the file declares (<!ENTITY name "value">), which attribute
 * values may use: a value holding '<' or '&' is refused where it is
 * declared, so spelling one out needs one level. */
#define ENTS_MAX 256
struct ents {
	struct {
		const char *name, *val;
		size_t nlen, vlen;
	} v[ENTS_MAX];
	size_t n;
};

/* Appends s[0, n) to out with character references, the five predefined
 * entities and declared ones spelled out ("jav&#x61;script:").  Returns 0,
 * or -1 for a reference to an entity the file does not declare: under an
 * XHTML document type a browser spells HTML's (&colon; is ':'). */
static int spell(const char *s, size_t n, const struct ents *e, struct buf *out)
{
	int unknown = 0;
	static const char *const pre[][2] = { { "lt", "<" }, { "gt", ">" }, { "amp", "&" }, { "quot", "\"" }, { "apos", "'" } };
	int semis = 1; /* a ';' may follow (once none does, none will) */
	for (size_t i = 0; i < n;) {
		const char *semi = semis && s[i] == '&' ? memchr(s + i, ';', n - i) : NULL;
		if (s[i] == '&' && !semi)
			semis = 0;
		if (!semi) {
			buf_putc(out, s[i++]);
			continue;
		}
		const char *nm = s + i + 1;
		size_t nl = (size_t)(semi - nm), k;
		i = (size_t)(semi - s) + 1;
		if (nl > 1 && nm[0] == '#') {
			int hex = (nm[1] | 0x20) == 'x';
			unsigned long v = 0;
			for (size_t j = 1 + (size_t)hex; j < nl && v < 0x110000; j++)
				v = v * (hex ? 16 : 10) + (unsigned long)(isdigit((unsigned char)nm[j]) ? nm[j] - '0'
									    : (nm[j] | 0x20) - 'a' + 10);
			buf_putc(out, v < 0x80 ? (char)v : '?');
			continue;
		}
		for (k = 0; k < sizeof pre / sizeof *pre; k++)
			if (strlen(pre[k][0]) == nl && !strncmp(nm, pre[k][0], nl))
				break;
		if (k < sizeof pre / sizeof *pre) {
			buf_puts(out, pre[k][1]);
			continue;
		}
		for (k = 0; k < e->n; k++)
			if (e->v[k].nlen == nl && !strncmp(nm, e->v[k].name, nl))
				break;
		if (k < e->n)
			buf_put(out, e->v[k].val, e->v[k].vlen);
		else
			unknown = 1;
	}
	return unknown ? -1 : 0;
}

/* Whether a spelled attribute value is an address a browser runs: its
 * scheme, with the spaces and control characters browsers drop left out. */
static int runs(const char *v, size_t n)
{
	char w[12];
	size_t k = 0;
	for (size_t i = 0; i < n && k < sizeof w - 1; i++)
		if ((unsigned char)v[i] > 0x20)
			w[k++] = (char)tolower((unsigned char)v[i]);
	w[k] = '\0';
	return !strncmp(w, "javascript:", 11) || !strncmp(w, "vbscript:", 9);
}

static int name_char(char c)
{
	return isalnum((unsigned char)c) || c == ':' || c == '-' || c == '_' || c == '.' || (unsigned char)c >= 0x80;
}

/* The length of the markup declaration at d, from its byte from: to the
 * first of stops outside a quoted literal (a '>' or '<' in one is not
 * markup), or n. */
static size_t declaration_end(const char *d, size_t n, size_t from, const char *stops)
{
	for (size_t i = from; i < n; i++) {
		if (d[i] == '"' || d[i] == '\'') {
			const char *q = memchr(d + i + 1, d[i], n - i - 1);
			if (!q)
				return n;
			i = (size_t)(q - d);
		} else if (strchr(stops, d[i])) {
			return i + 1;
		}
	}
	return n;
}

/* Where the white space from d[i] ends. */
static size_t past_space(const char *d, size_t n, size_t i)
{
	while (i < n && isspace((unsigned char)d[i]))
		i++;
	return i;
}

/* Where the name from d[i] ends. */
static size_t past_name(const char *d, size_t n, size_t i)
{
	while (i < n && name_char(d[i]))
		i++;
	return i;
}

/* An <!ENTITY ...> declaration at d (n bytes left): records it, or
 * returns why it is refused. *len is its length. */
static const char *entity(const char *d, size_t n, struct ents *e, size_t *len)
{
	*len = declaration_end(d, n, 2, ">");
	size_t i = past_space(d, n, 8); /* (after "<!ENTITY") */
	if (i < n && d[i] == '%')
		return "a parameter entity (which may declare others)";
	size_t name = i;
	i = past_name(d, n, i);
	size_t nlen = i - name;
	i = past_space(d, n, i);
	if (starts_ci(d + i, n - i, "SYSTEM") || starts_ci(d + i, n - i, "PUBLIC"))
		return "an entity naming an outside file";
	if (i >= n || (d[i] != '"' && d[i] != '\''))
		return NULL;
	const char *q = memchr(d + i + 1, d[i], n - i - 1);
	if (!q)
		return NULL;
	const char *val = d + i + 1;
	size_t vlen = (size_t)(q - val);
	if (memchr(val, '<', vlen) || memchr(val, '&', vlen))
		return "an entity holding markup or references";
	if (e->n == ENTS_MAX)
		return "more entity declarations than quire reads";
	{
		e->v[e->n].name = d + name;
		e->v[e->n].nlen = nlen;
		e->v[e->n].val = val;
		e->v[e->n++].vlen = vlen;
	}
	return NULL;
}

/* The encoding an XML declaration at the file's start names is UTF-8 (or
 * ASCII, or none). */
static int utf8_declared(const char *d, size_t n)
{
	if (!starts_ci(d, n, "<?xml"))
		return 1;
	size_t end = find(d, n, "?>"), at = find(d, end, "encoding");
	if (at == end)
		return 1;
	const char *v = d + at + 8;
	while (v < d + end && (*v == ' ' || *v == '=' || *v == '"' || *v == '\''))
		v++;
	/* (these write '<', quotes and every other ASCII letter as ASCII does) */
	static const char *const fine[] = { "utf-8", "utf8", "us-ascii", "ascii", "iso-8859-", "latin1",
					    "windows-125", "cp125" };
	for (size_t k = 0; k < sizeof fine / sizeof *fine; k++)
		if (starts_ci(v, (size_t)(d + end - v), fine[k]))
			return 1;
	return 0;
}

/* The namespaces in which a browser runs script: SVG's, XHTML's and
 * MathML's.  An element counts where its prefix (or, with none, the
 * default namespace) has been bound to one of them anywhere before or on
 * it: bindings are not scoped, which can only count more. */
#define PREFIXES_MAX 32
struct scope {
	int dflt;           /* the default namespace has been one */
	int all;            /* more prefixes than kept: every one counts */
	char pre[PREFIXES_MAX][32];
	size_t npre;
};

static int scripting_ns(const char *v, size_t n)
{
	static const char *const ns[] = { "http://www.w3.org/1999/xhtml", "http://www.w3.org/2000/svg",
					  "http://www.w3.org/1998/Math/MathML" };
	for (size_t k = 0; k < sizeof ns / sizeof *ns; k++)
		if (n && memmem(v, n, ns[k], strlen(ns[k])))
			return 1;
	return 0;
}

static void scope_bind(struct scope *sc, const char *prefix, size_t plen)
{
	if (!plen)
		sc->dflt = 1;
	else if (plen >= sizeof sc->pre[0] || sc->npre == PREFIXES_MAX)
		sc->all = 1;
	else
		memcpy(sc->pre[sc->npre], prefix, plen), sc->pre[sc->npre++][plen] = '\0';
}

static int scope_has(const struct scope *sc, const char *prefix, size_t plen)
{
	if (!plen)
		return sc->dflt;
	if (sc->all)
		return 1;
	for (size_t k = 0; k < sc->npre; k++)
		if (strlen(sc->pre[k]) == plen && !strncmp(sc->pre[k], prefix, plen))
			return 1;
	return 0;
}

/* The tag at d (n bytes left, d[0] '<', a start tag): why it would run
 * script, or NULL.  Its elements and attributes count where a scripting
 * namespace is in force (sc): without one a browser runs no script in
 * XML, whatever its elements are called (an Ant build.xml's <script>).
 * HTML inside an SVG (a diagram's labels in a foreignObject, as draw.io
 * writes them) is read by the same rules.  *len is the tag's length, *at
 * where the reason is. */
static const char *tag(const char *d, size_t n, const struct ents *e, struct scope *sc, size_t *len, size_t *at)
{
	static const char *const elements[] = { "script", "iframe", "frame", "embed", "object", "applet", "handler",
						"listener" };
	size_t name = 1, i = past_name(d, n, name);
	const char *colon = memchr(d + name, ':', i - name), *local = colon ? colon + 1 : d + name;
	size_t plen = colon ? (size_t)(colon - d - name) : 0, llen = (size_t)(d + i - local);
	const char *el = NULL, *attr = NULL, *why = NULL;
	size_t attr_at = 0;
	for (size_t k = 0; k < sizeof elements / sizeof *elements; k++)
		if (strlen(elements[k]) == llen && !strncasecmp(local, elements[k], llen))
			el = "a script, iframe, embed or object element";
	struct buf v = BUF_INIT;
	while (i < n && d[i] != '>' && !why) {
		if (isspace((unsigned char)d[i]) || d[i] == '/') {
			i++;
			continue;
		}
		size_t an = i;
		i = past_name(d, n, i);
		if (i == an) {
			i++;
			continue;
		}
		size_t anl = i - an;
		const char *ac = memchr(d + an, ':', anl), *al = ac ? ac + 1 : d + an;
		size_t alen = (size_t)(d + i - al);
		if (!attr && alen > 2 && !strncasecmp(al, "on", 2))
			attr = "an on... event attribute", attr_at = an;
		else if (!attr && alen == 6 && !strncasecmp(al, "srcdoc", 6))
			attr = "a srcdoc attribute (a page inside)", attr_at = an;
		i = past_space(d, n, i);
		if (i >= n || d[i] != '=')
			continue;
		i = past_space(d, n, i + 1);
		size_t vs = i, ve;
		if (i < n && (d[i] == '"' || d[i] == '\'')) {
			const char *q = memchr(d + i + 1, d[i], n - i - 1);
			vs = i + 1;
			ve = q ? (size_t)(q - d) : n;
			i = ve + 1;
		} else {
			while (i < n && !isspace((unsigned char)d[i]) && d[i] != '>')
				i++;
			ve = i;
		}
		buf_reset(&v);
		if (spell(d + vs, ve - vs, e, &v) < 0) {
			why = "a reference to an entity the file does not declare (a browser may spell it as HTML does)";
			*at = an;
			break;
		}
		int xmlns = anl >= 5 && !strncmp(d + an, "xmlns", 5) && (anl == 5 || d[an + 5] == ':');
		if (xmlns && scripting_ns(v.ptr, v.len))
			scope_bind(sc, anl == 5 ? "" : d + an + 6, anl == 5 ? 0 : anl - 6);
		else if (!xmlns && !attr && runs(v.ptr ? v.ptr : "", v.len))
			attr = "a javascript: or vbscript: address", attr_at = an;
	}
	buf_free(&v);
	*len = i < n ? i + 1 : n;
	int counts = scope_has(sc, d + name, plen);
	if (!why && counts && el)
		why = el, *at = 0;
	else if (!why && counts && attr)
		why = attr, *at = attr_at;
	return why;
}

/* Whether the <?xml-stylesheet ...?> at d (n bytes) names a CSS sheet:
 * type="text/css" exactly. */
static int css_sheet(const char *d, size_t n)
{
	/* its pseudo-attributes, name="value", one by one: a "type" inside
	 * another's value or name is not the type */
	for (size_t i = 16; i < n;) { /* (after "<?xml-stylesheet") */
		size_t name = past_space(d, n, i);
		i = past_name(d, n, name);
		size_t nlen = i - name;
		i = past_space(d, n, i);
		if (!nlen || i >= n || d[i] != '=')
			return 0;
		i = past_space(d, n, i + 1);
		if (i >= n || (d[i] != '"' && d[i] != '\''))
			return 0;
		const char *q = memchr(d + i + 1, d[i], n - i - 1);
		if (!q)
			return 0;
		if (nlen == 4 && !strncmp(d + name, "type", 4))
			return (size_t)(q - d) - i - 1 == 8 && !strncasecmp(d + i + 1, "text/css", 8);
		i = (size_t)(q - d) + 1;
	}
	return 0;
}

const char *active_markup(const char *d, size_t n, int svg, size_t *at)
{
	struct scope sc = { .dflt = svg };
	const unsigned char *u = (const unsigned char *)d;
	*at = 0;
	if (n >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE)))
		return "a UTF-16 encoding, which quire cannot read for script";
	const char *nul = memchr(d, '\0', n);
	if (nul) {
		*at = (size_t)(nul - d);
		return "a NUL byte (an encoding other than UTF-8, which quire cannot read for script)";
	}
	if (!utf8_declared(d, n))
		return "an encoding other than UTF-8, which quire cannot read for script";
	struct ents *e = xcalloc(1, sizeof *e);
	const char *why = NULL;
	for (size_t i = 0; i < n && !why;) {
		const char *lt = memchr(d + i, '<', n - i);
		if (!lt)
			break;
		i = (size_t)(lt - d);
		const char *s = d + i;
		size_t left = n - i, len = 1, where = 0;
		if (starts_ci(s, left, "<!--")) {
			len = find(s, left, "-->") + 3;
		} else if (starts_ci(s, left, "<![CDATA[")) {
			len = find(s, left, "]]>") + 3;
		} else if (starts_ci(s, left, "<!ENTITY")) {
			why = entity(s, left, e, &len);
		} else if (starts_ci(s, left, "<!DOCTYPE")) {
			/* to its internal subset, whose declarations are read one by one */
			len = declaration_end(s, left, 9, "[>");
		} else if (starts_ci(s, left, "<!ATTLIST")) {
			why = "an attribute list declaration (which may add attributes or a namespace to elements)";
		} else if (starts_ci(s, left, "<!")) {
			len = declaration_end(s, left, 2, ">");
		} else if (starts_ci(s, left, "<?")) {
			len = find(s, left, "?>") + 2;
			if (starts_ci(s, left, "<?xml-stylesheet") && !css_sheet(s, len < left ? len : left))
				why = "a style sheet that is not CSS (a browser runs one of another type as XSLT, which may write script)";
		} else if (left > 1 && s[1] != '/') {
			why = tag(s, left, e, &sc, &len, &where);
		} else {
			len = find(s, left, ">") + 1;
		}
		if (why) {
			*at = i + where;
			break;
		}
		i += len > left ? left : len;
	}
	free(e);
	return why;
}

int active_looks_xml(const char *d, size_t n)
{
	size_t i = n >= 3 && !memcmp(d, "\xEF\xBB\xBF", 3) ? 3 : 0;
	while (i < n && isspace((unsigned char)d[i]))
		i++;
	return starts_ci(d + i, n - i, "<?xml");
}

int active_looks_html(const char *d, size_t n)
{
	static const char *const starts[] = { "<!doctype html", "<html", "<head", "<script", "<iframe", "<h1", "<div",
					      "<font", "<table", "<a", "<style", "<title", "<b", "<body", "<br", "<p",
					      "<!--" };
	size_t i = 0;
	if (n >= 3 && !memcmp(d, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < n && isspace((unsigned char)d[i]))
		i++;
	for (size_t k = 0; k < sizeof starts / sizeof *starts; k++) {
		size_t m = strlen(starts[k]);
		/* a tag ends at a space or '>' ("<b" is not "<base") */
		if (starts_ci(d + i, n - i, starts[k]) &&
		    (i + m == n || d[i + m] == ' ' || d[i + m] == '>' || starts[k][1] == '!'))
			return 1;
	}
	return 0;
}

const char *active_content(const char *name, enum active_kind kind, const char *data, size_t len, size_t *at)
{
	*at = 0;
	if (kind == ACTIVE_XML)
		return active_markup(data, len, active_is_svg(name), at);
	if (active_looks_html(data, len))
		return "no extension and the start of an HTML page (a server may send it as one)";
	return active_looks_xml(data, len) ? active_markup(data, len, 0, at) : NULL;
}
