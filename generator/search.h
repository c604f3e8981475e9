/* search: builds the full-text search index at build time.  Pages are
 * tokenised and stemmed here (Snowball English), and written as scripts
 * (OUT/search-index.js plus shards loaded on demand) that
 * themes/default/assets/search.js reads, so search works from file://. */
#ifndef QUIRE_SEARCH_H
#define QUIRE_SEARCH_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

struct search_index;

/* Returns a new, empty index; free it with search_free.  Aborts on OOM or
 * when libstemmer has no English stemmer. */
struct search_index *search_new(void);

/* What a page is to the ranking: an article, or a page that lists
 * others (a section, the home page, a page a hook added), which ranks
 * after the articles that match a query as well. */
enum search_kind { SEARCH_ARTICLE, SEARCH_LIST };

/* Adds one page.  url is relative to OUT ("a/b.html"); section_title may be
 * ""; headings are the page's headings joined by '\n', tags its tags
 * joined by '\n' (an editor's words for what the whole page is about,
 * they rank it almost as its title's do; a hyphen in a tag is a space);
 * body is plain text (no HTML), its blocks ended by '\n'.  Any string may be NULL (treated as "").  All strings are
 * borrowed.  Call once per page in a deterministic order, from one
 * thread: the index owns one stemmer, which is not thread-safe. */
void search_add(struct search_index *s, const char *url, const char *title,
		const char *section_title, enum search_kind kind, const char *summary,
		const char *headings, const char *tags, const char *body);

/* The same in two steps, so pages can be prepared on many threads:
 * search_page_new (thread-safe; arguments as for search_add, borrowed)
 * splits a page into its words, snippet and text; search_add_page adds
 * it, in order, from one thread, and frees it. */
struct search_page;
struct search_page *search_page_new(const char *title, const char *summary,
				    const char *headings, const char *tags, const char *body);
/* A page found by the words of title alone, weighed and split as a
 * page's tags are (a tag's page, the A to Z: a list of other pages, whose
 * words would find it for theirs), with no text; results show opening
 * under it (clipped as a summary is; not searched).  Borrows both;
 * thread-safe, as search_page_new. */
struct search_page *search_page_titled(const char *title, const char *opening);
void search_add_page(struct search_index *s, const char *url, const char *title,
		     const char *section_title, enum search_kind kind, struct search_page *pg);

/* A page's words in bytes, for a cache: search_page_decode(data) gives a
 * page that adds to an index exactly as the encoded one.  Decoding takes
 * data (malloc'd, len bytes) on success and returns NULL, leaving data
 * with the caller, when the bytes are not an encoding. */
void search_page_encode(const struct search_page *pg, struct buf *b);
struct search_page *search_page_decode(char *data, size_t len);
/* Frees a page that will not be added. */
void search_page_drop(struct search_page *pg);

/* A whole index in bytes, for a cache: pages are added a batch at a time
 * to an index of their own, which is encoded, and merged into the site's.
 * search_merge_encoded adds the encoded batch's documents after s's, with
 * the same result as adding its pages to s one by one.  Returns 0, or -1
 * (s unchanged) when the bytes are not an encoding. */
void search_encode(const struct search_index *s, struct buf *b);
/* The same without the pages' texts (each ""): for a caller that keeps
 * them itself (see search_set_texts_writer). */
void search_encode_lean(const struct search_index *s, struct buf *b);
int search_merge_encoded(struct search_index *s, const char *data, size_t len);
/* The same for n batches in order, their postings appended on up to jobs
 * threads; -1 (s unchanged) when any is not an encoding. */
int search_merge_encoded_many(struct search_index *s, const char *const *data, const size_t *len, size_t n,
			      int jobs);
/* 1 when the bytes are an encoded batch search_merge_encoded takes. */
int search_batch_valid(const char *data, size_t len);

/* Adds a synonym of word (site.yml's search.synonyms): the page's
 * script finds the pages with every word of synonym (a word or a
 * phrase) for word too.  Borrows both; search_write ships them, by word
 * in strcmp order, each word's in the order added. */
void search_add_synonym(struct search_index *s, const char *word, const char *synonym);

/* Writes out_dir/search-index.js (documents table, stop words, shard
 * directory), out_dir/search-NN.js (vocabulary and postings, keyed by word
 * prefix), out_dir/search-text-NN.js (each page's opening text, 32
 * documents a file) and out_dir/search-body-NN.js (each page's text, for a
 * passage around the words matched: eight documents a file, loaded only
 * for the results shown).
 * out_dir must exist.  Output bytes depend only on the pages added and
 * their order.  Returns 0, or -1 after reporting an I/O error to d. */
int search_write(struct search_index *s, const char *out_dir, struct diag *d);

/* Hands every file search_write makes to fn (name relative to the output
 * folder) instead of writing it into out_dir; fn reports its own errors
 * and returns 0 or -1. */
typedef int (*search_writer_fn)(void *ctx, const char *name, const char *data, size_t len);
void search_set_writer(struct search_index *s, search_writer_fn fn, void *ctx);
/* Optional, for the files of the pages' texts (search-body-NN.js,
 * SEARCH_TEXTS_PER_FILE documents each), which hold most of the index's
 * bytes: search_write leaves file chunk (documents first .. first+n-1) to
 * fn(ctx, name, chunk, first, n), which keeps or writes it (0, or -1
 * after reporting), with the texts from wherever it keeps them (a caller
 * that does may encode its indexes without them: search_encode_lean).
 * ctx is the writer's. */
#define SEARCH_TEXTS_PER_FILE 8
typedef int (*search_texts_fn)(void *ctx, const char *name, size_t chunk, size_t first, size_t n);
void search_set_texts_writer(struct search_index *s, search_texts_fn fn);
/* Appends file chunk of the pages' texts, as search_write would write it. */
void search_put_texts(struct buf *b, size_t chunk, const char *const *texts, size_t n);
/* Document doc's text (blocks ended by '\n'; "" when an encoding without
 * texts made it). */
const char *search_doc_text(const struct search_index *s, size_t doc);
/* A page's text, as search_add_page would keep it. */
const char *search_page_text(const struct search_page *pg);
/* The forms each stem folds (see search_write) are found by stemming
 * every form of every stem, some 30 stemmer calls a stem: on a site of
 * varied words, a quarter of a rebuild's instructions.  search_write
 * takes the masks it finds in a table search_masks_save made (a build
 * keeps it for the next) and works out only the others; a table that
 * does not parse is taken as far as it does. */
void search_masks_load(struct search_index *s, const char *data, size_t len);
/* After search_write: the masks of this index's stems, into out (empty).
 * 0 when search_write worked out none (the table loaded has them all). */
int search_masks_save(const struct search_index *s, struct buf *out);

/* search_write makes and writes the shards on up to jobs threads (the
 * writer must then be thread-safe); 1 by default. */
void search_set_jobs(struct search_index *s, int jobs);

/* Total bytes written by the last search_write (0 before). */
size_t search_bytes_written(const struct search_index *s);

/* Number of files written by the last search_write. */
size_t search_files_written(const struct search_index *s);

void search_free(struct search_index *s);

/* A copy of s with every letter in lower case, in any script, as search
 * lowers words (Unicode's one-to-one mappings; bytes that are not UTF-8
 * kept as they are): how a disk that ignores case sees a file name. */
char *search_lower_dup(const char *s);

/* Test hook: the stem of a word as the index stores it (lower-cased, then
 * stemmed; the stop-word list is not applied).  Caller frees. */
char *search_stem(const char *word);
/* A fingerprint of how the system's libstemmer stems (a library upgrade
 * may change it): what a build keeps of stems goes by it. */
void search_stemmer_fp(uint64_t fp[2]);

/* Returns 1 when word (already lower case) is on the stop-word list that
 * both the index and the page's query parser drop. */
int search_is_stop_word(const char *word);

#endif
