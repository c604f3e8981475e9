/* message: a commit message's body as a reader sees it — git's hard
 * wraps joined into paragraphs, lists and code kept — for the history
 * page (render.c).  The feed keeps the message as written. */
#ifndef QUIRE_MESSAGE_H
#define QUIRE_MESSAGE_H

#include <jansson.h>

/* Bodies with more lines than this (blank lines not counted) are long:
 * the history page collapses them behind a summary. */
#define MESSAGE_SHORT_LINES 4

/* The body's blocks, in order (new reference), each with every key set
 * (false when not that kind), so a template section never finds one up
 * the context stack:
 *   text: a paragraph, its lines joined by spaces (lines: true when kept
 *         line by line, as a block of trailers such as "Signed-off-by:");
 *   list: true, ordered, items: [{text, value (an ordered item's number,
 *         as written), nested}], each item's wrapped lines joined;
 *   code: lines indented four spaces or more, as written.
 * body is borrowed; NULL reads as empty. */
json_t *message_blocks(const char *body);

/* The blocks as the paragraphs themes made before blocks read ({text,
 * lines}, new reference): a list, code or trailers is one paragraph
 * shown line by line (lines: true), each item on one line after its
 * marker ("- ", "2. ").  blocks is borrowed. */
json_t *message_paragraphs(const json_t *blocks);

/* 1 when body has more than MESSAGE_SHORT_LINES lines that are not blank. */
int message_long(const char *body);

#endif
