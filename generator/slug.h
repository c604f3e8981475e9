/* slug: the one rule that turns text into URL and id fragments, shared by
 * heading ids, tag pages and hooks (quire.slug), so they never disagree. */
#ifndef QUIRE_SLUG_H
#define QUIRE_SLUG_H

#include <stddef.h>
#include <stdint.h>

/* Returns a new string (caller frees): the ASCII letters and digits of
 * text, lower-cased, Latin letters with accents folded to theirs ("Café"
 * is "cafe"), with every run of anything else collapsed to one '-', and
 * no leading or trailing '-'.  May return "" (e.g. for "日本"). */
char *slug_make(const char *text);
char *slug_maken(const char *text, size_t n);

/* The lower-case ASCII letter the code point c folds to ("é" → 'e'), or
 * 0: Latin letters whose canonical decomposition is an ASCII letter and
 * combining marks (tests/tools/fold_table.py makes the table). */
char slug_fold(uint32_t c);

#endif
