/* revdiff: what changed between two revisions of an article, written as
 * HTML a non-programmer can read (changed paragraphs with word-level
 * <ins>/<del>, plain-English notes on front matter).  The history stage
 * hands the fragments to the history page templates. */
#ifndef QUIRE_REVDIFF_H
#define QUIRE_REVDIFF_H

#include <jansson.h>

#include "buf.h"

/* Appends to out an HTML fragment describing how the Markdown body old_md
 * became new_md (either may be NULL or empty: a new article shows every
 * block inserted, a deleted one every block deleted).  Both strings are
 * borrowed.
 *
 * Bodies are compared after normalisation (BOM dropped, CRLF/CR -> LF,
 * trailing blanks of each line and trailing blank lines ignored), without
 * the raw HTML a reader does not see (HTML comments; with raw_html 0, the
 * site's default, whole HTML blocks, which pages leave out; inline tags
 * are no text either way), and split
 * into blocks: paragraphs separated by blank lines, a fenced code block as
 * one block, each list item and each ATX heading as its own block.
 * Output, in order of the new text:
 *   <p class="diff-skip">… N unchanged paragraphs …</p>   a run of unchanged blocks
 *   <div class="diff-block">…<del>old</del> <ins>new</ins>…</div>   an edited block
 *   <div class="diff-block diff-added"><ins>…</ins></div>           a new block
 *   <div class="diff-block diff-removed"><del>…</del></div>         a removed block
 *   <div class="diff-block diff-moved">
 *     <p class="diff-note">Moved here from further up.</p>…</div>  a block moved unchanged
 *   <div class="diff-block diff-moved-from"><p class="diff-note">…</p></div> where it was
 *   <p class="diff-none">No change to the text.</p>       nothing changed
 *   <p class="diff-none">Only spacing or line breaks changed.</p>
 *   <div class="diff-block diff-format"><p class="diff-note">A link or the
 *     formatting changed here.</p>…</div>   the same reading, other Markdown
 * A heading's block has the class diff-heading too.  Block text is the
 * text as it reads (link addresses, emphasis, heading and quote marks and
 * table rules left out, "• " for a bullet; fenced code and code spans as
 * written), HTML-escaped (invalid UTF-8 and control characters become
 * U+FFFD), newlines kept: style .diff-block with white-space: pre-wrap.  Deterministic.  Work is bounded (Myers diff with
 * an edit-distance cap and a step budget per call); past the budget an
 * edited region is shown as one deletion followed by one insertion. */
void revdiff_body(const char *old_md, const char *new_md, int raw_html, struct buf *out);

/* How one version's wiki links without text of their own ([[leave]],
 * which shows its article's title) read: title's answer for the link's
 * target as written (with ctx; a new string), or NULL to read the
 * target itself, as revdiff_body does. */
struct revdiff_wiki {
	char *(*title)(void *ctx, const char *target);
	void *ctx;
};

/* revdiff_body with the old and new versions' wiki links read by was and
 * now (either NULL: by their targets), so each side reads as its readers
 * saw it.  A block written the same in both reads as the old one. */
void revdiff_body_read(const char *old_md, const char *new_md, int raw_html, const struct revdiff_wiki *was,
		       const struct revdiff_wiki *now, struct buf *out);

/* Appends a <ul class="diff-meta"> of <li> notes in plain English for the
 * front-matter keys that differ between old_fm and new_fm (borrowed json
 * objects; NULL or a non-object counts as empty): title, summary, tags
 * ("Tag ‘x’ added."), then every other key in byte order ("‘audience’
 * changed from “managers” to “all staff”.", values shown when they are
 * short scalars; lists of scalars report items added and removed).
 * Appends nothing when nothing changed.  Everything is HTML-escaped. */
void revdiff_meta(json_t *old_fm, json_t *new_fm, struct buf *out);

/* Returns 1 if the two bodies differ in text at all, 0 if not, ignoring a
 * BOM, CRLF vs LF and trailing whitespace but a hard break's (the
 * normalisation revdiff_body uses, so revdiff_body writes "No change to
 * the text." whenever this returns 0, and also when only raw HTML a
 * reader does not see differs).  NULL counts as empty. */
int revdiff_changed(const char *old_md, const char *new_md);

/* How many links revdiff_links names: an article of hundreds of relative
 * links moved to another folder gets a note of a few lines. */
#define REVDIFF_LINKS_SHOWN 10

/* A link written the same in two versions that leads to other guidance
 * in the newer: its text, and the title and address (inside the site)
 * of the article it led to and leads to (a NULL title: none). */
struct revdiff_link {
	const char *text;
	const char *was, *was_at, *now, *now_at;
};

/* Appends body_html (revdiff_body's fragment, borrowed) to out, after a
 * note of the n links of v that now lead to other guidance: "A link now
 * leads to other guidance: “the policy” led to HR policy, now to Legal
 * policy." (an address beside each title when both bear the same one;
 * the first REVDIFF_LINKS_SHOWN by name, then "and 12 more": only those
 * of v need be filled in).
 * When revdiff_body found no change to the text, the note says instead
 * "The text is the same; a link now leads to other guidance: …", which
 * replaces that fragment.  With n 0, body_html alone.  HTML-escaped. */
void revdiff_links(const char *body_html, const struct revdiff_link *v, size_t n, struct buf *out);

#endif
