/* Tests for arena.c, and for the cmark allocator markdown.c builds on it:
 * pieces must not overlap, must be aligned for any type, and a tree mixing
 * nodes from an arena and from the heap must free cleanly (ASan checks). */
#include <sanitizer/asan_interface.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "markdown.h"
#include "unit.h"

static void pieces_are_aligned_and_keep_their_bytes(void)
{
	struct arena a = ARENA_INIT(256);
	unsigned char *p[200];
	for (int i = 0; i < 200; i++) {
		size_t n = (size_t)(i * 7 % 300) + 1; /* some larger than a chunk */
		p[i] = arena_alloc(&a, n);
		CHECK((uintptr_t)p[i] % alignof(max_align_t) == 0);
		memset(p[i], i, n);
	}
	int intact = 1;
	for (int i = 0; i < 200; i++)
		for (size_t k = 0; k < (size_t)(i * 7 % 300) + 1; k++)
			intact &= p[i][k] == (unsigned char)i;
	CHECK(intact);
	arena_free(&a);
	CHECK(a.head == NULL);
}

static void strings_are_copied_whole(void)
{
	struct arena a = ARENA_INIT(8);
	char *s = arena_strdup(&a, "duty of confidence");
	char *t = arena_strndup(&a, "abcdef", 3);
	CHECK_STR(s, "duty of confidence");
	CHECK_STR(t, "abc");
	arena_free(&a);
}

static void only_the_last_piece_resizes_in_place(void)
{
	struct arena a = ARENA_INIT(1024);
	char *p = arena_alloc(&a, 16);
	CHECK(arena_resize_last(&a, p, 16, 100));  /* grows */
	char *q = arena_alloc(&a, 16);
	CHECK(q >= p + 100);                       /* after the grown piece */
	CHECK(!arena_resize_last(&a, p, 100, 200)); /* no longer last */
	CHECK(!arena_resize_last(&a, q, 16, 4096)); /* no room in the chunk */
	CHECK(arena_resize_last(&a, q, 16, 0));     /* given back */
	char *r = arena_alloc(&a, 16);
	CHECK(r == q);
	arena_free(&a);
}

static void a_zero_chunk_size_still_works(void)
{
	struct arena a = { 0 };
	char *s = arena_strdup(&a, "x");
	char *t = arena_strdup(&a, "y");
	CHECK_STR(s, "x");
	CHECK_STR(t, "y");
	CHECK(t == s + 2 + ARENA_REDZONE); /* same chunk */
	arena_free(&a);
}

/* Pieces for a library's allocator: from an arena or the heap, each
 * resized and freed through the same calls, keeping its bytes; the last
 * arena piece freed gives its room back, and the arena counts its chunks'
 * bytes (the JSON of a page stops growing its arena past a bound). */
static void pieces_from_an_arena_or_the_heap_resize_and_free_alike(void)
{
	struct arena a = ARENA_INIT(1024);
	char *h = arena_piece_new(NULL, 10), *p = arena_piece_new(&a, 10);
	memcpy(h, "heap piece", 10);
	memcpy(p, "page piece", 10);
	CHECK(a.bytes == 1024);
	h = arena_piece_resize(h, 5000);
	p = arena_piece_resize(p, 5000); /* past the chunk: moved */
	CHECK(!memcmp(h, "heap piece", 10) && !memcmp(p, "page piece", 10));
	CHECK(a.bytes > 1024 + 5000);
	char *q = arena_piece_new(&a, 100);
	char *r = arena_piece_resize(q, 200); /* the last one carved: in place */
	CHECK(r == q);
	arena_piece_free(r);
	CHECK(arena_piece_new(&a, 100) == q); /* its room, again */
	arena_piece_free(h);
	arena_piece_free(p);
	arena_piece_free(NULL);
	arena_free(&a);
	CHECK(a.bytes == 0);
}

/* A parsed document (its nodes in its arena) with heap nodes put in, as a
 * Lua filter does, then nodes moved out and freed on their own: each
 * piece must go back to where it came from. */
static void a_document_mixing_arena_and_heap_nodes_frees_cleanly(void)
{
	struct md_doc doc;
	const char *md = "# Title\n\nSome *text* and a [link](a.md).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
	CHECK(md_parse(&doc, md, strlen(md), 1, 0) == 0);
	cmark_node *para = cmark_node_next(cmark_node_first_child(doc.root));
	cmark_node *heap = md_node_new(CMARK_NODE_TEXT);
	cmark_node_set_literal(heap, "added by a filter, with a literal long enough to need its own piece");
	cmark_node_append_child(para, heap);
	cmark_node *first = cmark_node_first_child(para);
	cmark_node_unlink(first); /* an arena node, freed on its own */
	cmark_node_free(first);
	char *html, *text;
	md_render(&doc, NULL, NULL, &html, &text);
	CHECK(strstr(html, "added by a filter") != NULL);
	CHECK(strstr(html, "<table") != NULL);
	CHECK(strstr(text, "Some") == NULL);
	free(html);
	free(text);
	md_free(&doc);
}

/* An arena with a limit adds no chunk past it: the pieces it cannot hold
 * come from the heap (freed on their own), and so does a piece that a
 * resize moves once the arena is full. */
static void a_limited_arena_serves_the_heap_once_full(void)
{
	struct arena a = ARENA_INIT(1024);
	a.limit = 2048;
	char *p[8];
	for (int i = 0; i < 8; i++) {
		p[i] = arena_piece_new(&a, 500);
		memset(p[i], 'a' + i, 500);
	}
	CHECK(a.bytes == 2048);
	char *big = arena_piece_new(&a, 4096); /* larger than the limit */
	memset(big, 'z', 4096);
	p[0] = arena_piece_resize(p[0], 1500); /* moved, to the heap */
	CHECK(p[0][499] == 'a' && p[7][0] == 'h' && big[4095] == 'z');
	memset(p[0] + 500, 'A', 1000);
	CHECK(a.bytes == 2048);
	for (int i = 0; i < 8; i++)
		arena_piece_free(p[i]);
	arena_piece_free(big);
	arena_free(&a);
}

/* In an ASan build (as the unit tests are) the bytes between pieces and
 * a piece given back are poisoned: a parse tree in an arena is checked as
 * one in malloc's pieces would be. */
static void freed_pieces_and_the_gaps_between_are_poisoned_for_asan(void)
{
#if ARENA_REDZONE
	struct arena a = ARENA_INIT(4096);
	char *p = arena_piece_new(&a, 40), *q = arena_piece_new(&a, 40);
	CHECK(!__asan_region_is_poisoned(p, 40) && !__asan_region_is_poisoned(q, 40));
	CHECK(__asan_address_is_poisoned(p + 40)); /* the redzone after p */
	arena_piece_free(p);                       /* not the last: poisoned */
	CHECK(__asan_address_is_poisoned(p));
	char *r = arena_piece_resize(q, 20);       /* the last: shrinks in place */
	CHECK(r == q && __asan_address_is_poisoned(q + 20));
	arena_piece_free(r);
	CHECK(arena_piece_new(&a, 40) == q);       /* its room, again, unpoisoned */
	CHECK(!__asan_region_is_poisoned(q, 40));
	char *s = arena_strdup(&a, "abc");
	CHECK(!__asan_region_is_poisoned(s, 4) && __asan_address_is_poisoned(s + 4));
	arena_free(&a);
#else
	printf("    (not an ASan build: nothing to check)\n");
#endif
}

/* A huge document's arena stops at MD_ARENA_MAX (the rest of its pieces
 * from the heap) and the document still renders and frees whole. */
static void a_huge_documents_arena_stays_within_its_bound(void)
{
	struct buf md = BUF_INIT;
	buf_puts(&md, "| a | b |\n|---|---|\n");
	for (int i = 0; i < 20000; i++)
		buf_puts(&md, "| x *y* | [z](q.md) |\n");
	struct md_doc doc;
	CHECK(md_parse(&doc, md.ptr, md.len, 1, 0) == 0);
	CHECK(doc.arena->bytes <= MD_ARENA_MAX);
	char *html;
	md_render(&doc, NULL, NULL, &html, NULL);
	CHECK(html && strstr(html, "<td><a href=\"q.md\">z</a></td>\n</tr>\n</tbody>") != NULL);
	free(html);
	md_free(&doc);
	buf_free(&md);
}

int main(void)
{
	RUN(pieces_are_aligned_and_keep_their_bytes);
	RUN(strings_are_copied_whole);
	RUN(only_the_last_piece_resizes_in_place);
	RUN(a_zero_chunk_size_still_works);
	RUN(pieces_from_an_arena_or_the_heap_resize_and_free_alike);
	RUN(a_document_mixing_arena_and_heap_nodes_frees_cleanly);
	RUN(a_limited_arena_serves_the_heap_once_full);
	RUN(freed_pieces_and_the_gaps_between_are_poisoned_for_asan);
	RUN(a_huge_documents_arena_stays_within_its_bound);
	UNIT_END();
}
