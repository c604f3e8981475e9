/* slug: the one rule that turns text into URL and id fragments, shared by
 * heading ids, tag pages and hooks (quire.slug), so they never disagree. */
#ifndef QUIRE_SLUG_H
#define QUIRE_SLUG_H

#include <stddef.h>
#include <stdint.h>

/* Returns a new string (caller frees): the ASCII letters and digits of
 * text, lower-cased, Latin letters folded to ASCII as slug_fold does
 * ("Café" is "cafe", "Łódź" "lodz", "Straße" "strasse", "ﬁnal" "final"),
 * combining marks (slug_mark) left out, so decomposed text is as
 * precomposed ("e" U+0301 is "e"), with every run of anything else
 * collapsed to one '-', and no leading or trailing '-'.  May return ""
 * (e.g. for "日本"). */
char *slug_make(const char *text);
char *slug_maken(const char *text, size_t n);

/* Returns a new string: the id GitHub gives a heading with this text
 * (github-slugger, before it adds "-1", "-2" to repeats): lower case,
 * each space a '-', letters, digits, marks, '-' and '_' kept, the rest
 * dropped ("Unix/macOS" is "unixmacos", "ERR_FOO" "err_foo").  With
 * collapse, each run of '-' is one, as GitLab writes it.  NULL when the
 * text holds a character quire does not know github-slugger's answer for
 * (beyond Latin, Greek, Cyrillic, CJK and the common punctuation and
 * symbols): a hint is better missing than wrong.  For quire check's hints,
 * not quire's ids. */
char *slug_github(const char *text, int collapse);

/* The lower-case ASCII the code point c folds to, one to three letters
 * ("é" → "e", "Ł" → "l", "ß" → "ss", "ﬃ" → "ffi"), or NULL: Latin letters
 * whose canonical decomposition is an ASCII letter and combining marks,
 * and the Latin letters and ligatures with none that
 * tests/tools/fold_table.py lists (it makes the table).  The string is
 * static. */
const char *slug_fold(uint32_t c);

/* 1 when c is a combining mark folding drops, 0 if not: slugs wherever it
 * is, search after an ASCII letter ("e" U+0301 is "é" written decomposed,
 * as macOS and PDFs often write it).  U+0300-U+036F and the other blocks
 * of combining diacritics tests/tools/fold_table.py lists. */
int slug_mark(uint32_t c);

#endif
