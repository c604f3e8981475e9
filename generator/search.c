/* search: tokenises and stems every page into an inverted index (stem ->
 * postings of document number and weight) and writes it as JavaScript
 * files the browser loads with <script>, so search works from file://.
 *
 * Files written (all into OUT):
 *   search-index.js    window.quireSearchIndex = {stop words, documents
 *                      (url, title, section), the documents that are
 *                      lists, shard directory}
 *   search-NN.js       quireSearch.add(NN, {stem: ",suf,-suf|mask|seen|postings"},
 *                      {word: stem}) for the words whose prefix the
 *                      directory maps to shard NN; a word is its stem
 *                      minus one character per leading "-", plus suf;
 *                      the optional mask (a varint, see form_of) adds
 *                      inflected forms, and the optional seen after it
 *                      (a varint, only with a mask) says which of
 *                      those forms pages have as written
 *   search-text-NN.js  quireSearch.text(NN, [snippet, ...]) for documents
 *                      NN*32 .. NN*32+31: each one's opening text
 *   search-body-NN.js  quireSearch.body(NN, [text, ...]) for documents
 *                      NN*8 .. NN*8+7: each one's text (blocks ended by
 *                      "\n"), where the page finds a passage around the
 *                      words a query matched; loaded only for the results
 *                      shown, so a search loads twenty of them at most,
 *                      however large the site
 * Postings: per document, v = (doc - previous doc - 1) * 32 + weight,
 * written as base-32 digits least significant first, a digit from the
 * upper half of ALPHABET meaning "more digits follow". */
#include "search.h"

#include <errno.h>
#include <libstemmer.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "par.h"
#include "slug.h"

/* Weights (0..31, see weight_of): any title hit outranks any summary hit
 * (the editor's words for what the whole page is about), which outranks
 * a heading (one section's subject: a glossary has a heading per term),
 * which outranks body text (body counts 1..3 by frequency).  A page's
 * tags say what the whole page is about too: a tag's word weighs from
 * W_TITLE on, as a title's does, but a title's word (W_OWN) outranks a
 * tag's with the word in the summary, headings and body as well: "Where
 * to get help", tagged and summed up as about whistleblowing, comes after
 * "Whistleblowing: the law".  The page's script counts any weight from
 * W_TITLE on as a title's, and ranks a list (a section, a tag's own
 * page) after the articles with as many of the words there: a tag's page
 * comes after the pages tagged. */
enum { W_TITLE = 16, W_SUMMARY = 8, W_HEAD = 4, W_OWN = 32 };
enum { F_TITLE, F_TAG, F_HEAD, F_SUMMARY, F_BODY };

#define MAX_WORD_BYTES 64 /* longer "words" are hashes, URLs, noise */
#define MAX_JOINED 8      /* words a hyphen joins taken together, at most */
#define SNIPPET_MAX 240   /* bytes of plain text kept per document */
#define TEXT_CHUNK 32     /* documents per search-text-NN.js */
#define BODY_MAX (16 * 1024) /* bytes of a page's text kept for passages */
/* Documents per search-body-NN.js.  A file each doubled the files a
 * build with history off writes (10,000 more at 10,000 articles); eight
 * a file add an eighth, and the 20 results a search shows load 20 files
 * at most: some 30-60 KB each for articles of 4-8 KB, and no more than
 * 8 * BODY_MAX (128 KiB) however long the pages. */
#define BODY_CHUNK SEARCH_TEXTS_PER_FILE
#define SHARD_TARGET (64 * 1024) /* bytes; shards are packed up to this */
#define MAX_KEY 8         /* longest shard key, in code points */
#define FIRST_KEY 2       /* shard keys start as two-letter prefixes */

static const char ALPHABET[] =
	"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

/* Sorted (strcmp order) for bsearch; search-index.js ships it so the page
 * drops the same words from a query. */
static const char *const STOP_WORDS[] = {
	"a", "about", "after", "all", "also", "am", "an", "and", "any",
	"are", "as", "at", "be", "been", "being", "but", "by", "can", "could",
	"d", "did", "do", "does", "for", "from", "had", "has", "have", "he",
	"her", "his", "how", "i", "if", "in", "into", "is", "it", "its",
	"ll", "m", "may", "me", "my", "of", "on", "or", "our", "re", "s",
	"she", "should", "so", "t", "than", "that", "the", "their", "them",
	"then", "there", "these", "they", "this", "those", "to", "too", "us",
	"ve", "was", "we", "were", "what", "when", "where", "which", "who",
	"why", "will", "with", "would", "you", "your",
};
#define N_STOP (sizeof STOP_WORDS / sizeof STOP_WORDS[0])

/* ---- UTF-8 ---- */

/* Decodes one code point from s (n > 0 bytes left) into *cp and returns the
 * bytes used; an invalid sequence yields U+FFFD and consumes one byte. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2, c &= 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, c &= 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		goto bad;
	}
	if (len > n)
		goto bad;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		goto bad;
	*cp = c;
	return len;
bad:
	*cp = 0xFFFD;
	return 1;
}

static void utf8_encode(struct buf *b, uint32_t c)
{
	char t[4];
	size_t n;

	if (c < 0x80) {
		t[0] = (char)c, n = 1;
	} else if (c < 0x800) {
		t[0] = (char)(0xC0 | (c >> 6));
		t[1] = (char)(0x80 | (c & 0x3F)), n = 2;
	} else if (c < 0x10000) {
		t[0] = (char)(0xE0 | (c >> 12));
		t[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		t[2] = (char)(0x80 | (c & 0x3F)), n = 3;
	} else {
		t[0] = (char)(0xF0 | (c >> 18));
		t[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		t[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		t[3] = (char)(0x80 | (c & 0x3F)), n = 4;
	}
	buf_put(b, t, n);
}

/* Capitals first, first + step, ... last lower-case to the code point
 * delta after them (step 2: capitals and small letters alternate). */
struct lower_run {
	uint32_t first, last;
	int32_t delta;
	uint32_t step;
};

/* The page's tokeniser, and so the index (a query's word is looked up as
 * it is): WORD_CP holds the word characters from U+0080 on, the page's
 * [\p{L}\p{N}\p{M}], with the code points Unicode has not assigned yet
 * between two of them (a browser with a later Unicode may know them for
 * letters), sorted and apart; LOWER what toLowerCase makes of each
 * capital, in runs. */
/* 274 ranges of code points, 181 runs of capitals (Unicode 14.0.0): tests/tools/fold_table.py --search */
static const uint32_t WORD_CP[][2] = {
	{0x00AA, 0x00AA}, {0x00B2, 0x00B3}, {0x00B5, 0x00B5}, {0x00B9, 0x00BA}, {0x00BC, 0x00BE},
	{0x00C0, 0x00D6}, {0x00D8, 0x00F6}, {0x00F8, 0x02C1}, {0x02C6, 0x02D1}, {0x02E0, 0x02E4},
	{0x02EC, 0x02EC}, {0x02EE, 0x02EE}, {0x0300, 0x0374}, {0x0376, 0x037D}, {0x037F, 0x037F},
	{0x0386, 0x0386}, {0x0388, 0x03F5}, {0x03F7, 0x0481}, {0x0483, 0x0559}, {0x0560, 0x0588},
	{0x0591, 0x05BD}, {0x05BF, 0x05BF}, {0x05C1, 0x05C2}, {0x05C4, 0x05C5}, {0x05C7, 0x05F2},
	{0x0610, 0x061A}, {0x0620, 0x0669}, {0x066E, 0x06D3}, {0x06D5, 0x06DC}, {0x06DF, 0x06E8},
	{0x06EA, 0x06FC}, {0x06FF, 0x06FF}, {0x0710, 0x07F5}, {0x07FA, 0x07FD}, {0x0800, 0x082D},
	{0x0840, 0x085B}, {0x0860, 0x0887}, {0x0889, 0x088E}, {0x0898, 0x08E1}, {0x08E3, 0x0963},
	{0x0966, 0x096F}, {0x0971, 0x09F1}, {0x09F4, 0x09F9}, {0x09FC, 0x09FC}, {0x09FE, 0x0A75},
	{0x0A81, 0x0AEF}, {0x0AF9, 0x0B6F}, {0x0B71, 0x0BF2}, {0x0C00, 0x0C6F}, {0x0C78, 0x0C7E},
	{0x0C80, 0x0C83}, {0x0C85, 0x0D4E}, {0x0D54, 0x0D78}, {0x0D7A, 0x0DF3}, {0x0E01, 0x0E3A},
	{0x0E40, 0x0E4E}, {0x0E50, 0x0E59}, {0x0E81, 0x0F00}, {0x0F18, 0x0F19}, {0x0F20, 0x0F33},
	{0x0F35, 0x0F35}, {0x0F37, 0x0F37}, {0x0F39, 0x0F39}, {0x0F3E, 0x0F84}, {0x0F86, 0x0FBC},
	{0x0FC6, 0x0FC6}, {0x1000, 0x1049}, {0x1050, 0x109D}, {0x10A0, 0x10FA}, {0x10FC, 0x135F},
	{0x1369, 0x138F}, {0x13A0, 0x13FD}, {0x1401, 0x166C}, {0x166F, 0x167F}, {0x1681, 0x169A},
	{0x16A0, 0x16EA}, {0x16EE, 0x1734}, {0x1740, 0x17D3}, {0x17D7, 0x17D7}, {0x17DC, 0x17F9},
	{0x180B, 0x180D}, {0x180F, 0x193B}, {0x1946, 0x19DA}, {0x1A00, 0x1A1B}, {0x1A20, 0x1A99},
	{0x1AA7, 0x1AA7}, {0x1AB0, 0x1B59}, {0x1B6B, 0x1B73}, {0x1B80, 0x1BF3}, {0x1C00, 0x1C37},
	{0x1C40, 0x1C7D}, {0x1C80, 0x1CBF}, {0x1CD0, 0x1CD2}, {0x1CD4, 0x1FBC}, {0x1FBE, 0x1FBE},
	{0x1FC2, 0x1FCC}, {0x1FD0, 0x1FDB}, {0x1FE0, 0x1FEC}, {0x1FF2, 0x1FFC}, {0x2070, 0x2079},
	{0x207F, 0x2089}, {0x2090, 0x209C}, {0x20D0, 0x20F0}, {0x2102, 0x2102}, {0x2107, 0x2107},
	{0x210A, 0x2113}, {0x2115, 0x2115}, {0x2119, 0x211D}, {0x2124, 0x2124}, {0x2126, 0x2126},
	{0x2128, 0x2128}, {0x212A, 0x212D}, {0x212F, 0x2139}, {0x213C, 0x213F}, {0x2145, 0x2149},
	{0x214E, 0x214E}, {0x2150, 0x2189}, {0x2460, 0x249B}, {0x24EA, 0x24FF}, {0x2776, 0x2793},
	{0x2C00, 0x2CE4}, {0x2CEB, 0x2CF3}, {0x2CFD, 0x2CFD}, {0x2D00, 0x2D6F}, {0x2D7F, 0x2DFF},
	{0x2E2F, 0x2E2F}, {0x3005, 0x3007}, {0x3021, 0x302F}, {0x3031, 0x3035}, {0x3038, 0x303C},
	{0x3041, 0x309A}, {0x309D, 0x309F}, {0x30A1, 0x30FA}, {0x30FC, 0x318E}, {0x3192, 0x3195},
	{0x31A0, 0x31BF}, {0x31F0, 0x31FF}, {0x3220, 0x3229}, {0x3248, 0x324F}, {0x3251, 0x325F},
	{0x3280, 0x3289}, {0x32B1, 0x32BF}, {0x3400, 0x4DBF}, {0x4E00, 0xA48C}, {0xA4D0, 0xA4FD},
	{0xA500, 0xA60C}, {0xA610, 0xA672}, {0xA674, 0xA67D}, {0xA67F, 0xA6F1}, {0xA717, 0xA71F},
	{0xA722, 0xA788}, {0xA78B, 0xA827}, {0xA82C, 0xA835}, {0xA840, 0xA873}, {0xA880, 0xA8C5},
	{0xA8D0, 0xA8F7}, {0xA8FB, 0xA8FB}, {0xA8FD, 0xA92D}, {0xA930, 0xA953}, {0xA960, 0xA9C0},
	{0xA9CF, 0xA9D9}, {0xA9E0, 0xAA59}, {0xAA60, 0xAA76}, {0xAA7A, 0xAADD}, {0xAAE0, 0xAAEF},
	{0xAAF2, 0xAB5A}, {0xAB5C, 0xAB69}, {0xAB70, 0xABEA}, {0xABEC, 0xD7FB}, {0xF900, 0xFB28},
	{0xFB2A, 0xFBB1}, {0xFBD3, 0xFD3D}, {0xFD50, 0xFDC7}, {0xFDF0, 0xFDFB}, {0xFE00, 0xFE0F},
	{0xFE20, 0xFE2F}, {0xFE70, 0xFEFC}, {0xFF10, 0xFF19}, {0xFF21, 0xFF3A}, {0xFF41, 0xFF5A},
	{0xFF66, 0xFFDC}, {0x10000, 0x100FA}, {0x10107, 0x10133}, {0x10140, 0x10178}, {0x1018A, 0x1018B},
	{0x101FD, 0x1039D}, {0x103A0, 0x103CF}, {0x103D1, 0x10563}, {0x10570, 0x10855}, {0x10858, 0x10876},
	{0x10879, 0x1091B}, {0x10920, 0x10939}, {0x10980, 0x10A48}, {0x10A60, 0x10A7E}, {0x10A80, 0x10AC7},
	{0x10AC9, 0x10AEF}, {0x10B00, 0x10B35}, {0x10B40, 0x10B91}, {0x10BA9, 0x10EAC}, {0x10EB0, 0x10F54},
	{0x10F70, 0x10F85}, {0x10FB0, 0x11046}, {0x11052, 0x110BA}, {0x110C2, 0x110C2}, {0x110D0, 0x1113F},
	{0x11144, 0x11173}, {0x11176, 0x111C4}, {0x111C9, 0x111CC}, {0x111CE, 0x111DA}, {0x111DC, 0x111DC},
	{0x111E1, 0x11237}, {0x1123E, 0x112A8}, {0x112B0, 0x1144A}, {0x11450, 0x11459}, {0x1145E, 0x114C5},
	{0x114C7, 0x115C0}, {0x115D8, 0x11640}, {0x11644, 0x11659}, {0x11680, 0x116B8}, {0x116C0, 0x1173B},
	{0x11740, 0x1183A}, {0x118A0, 0x11943}, {0x11950, 0x119E1}, {0x119E3, 0x11A3E}, {0x11A47, 0x11A99},
	{0x11A9D, 0x11A9D}, {0x11AB0, 0x11C40}, {0x11C50, 0x11C6C}, {0x11C72, 0x11EF6}, {0x11FB0, 0x11FD4},
	{0x12000, 0x1246E}, {0x12480, 0x12FF0}, {0x13000, 0x1342E}, {0x14400, 0x16A69}, {0x16A70, 0x16AF4},
	{0x16B00, 0x16B36}, {0x16B40, 0x16B43}, {0x16B50, 0x16E96}, {0x16F00, 0x16FE1}, {0x16FE3, 0x1BC99},
	{0x1BC9D, 0x1BC9E}, {0x1CF00, 0x1CF46}, {0x1D165, 0x1D169}, {0x1D16D, 0x1D172}, {0x1D17B, 0x1D182},
	{0x1D185, 0x1D18B}, {0x1D1AA, 0x1D1AD}, {0x1D242, 0x1D244}, {0x1D2E0, 0x1D2F3}, {0x1D360, 0x1D6C0},
	{0x1D6C2, 0x1D6DA}, {0x1D6DC, 0x1D6FA}, {0x1D6FC, 0x1D714}, {0x1D716, 0x1D734}, {0x1D736, 0x1D74E},
	{0x1D750, 0x1D76E}, {0x1D770, 0x1D788}, {0x1D78A, 0x1D7A8}, {0x1D7AA, 0x1D7C2}, {0x1D7C4, 0x1D7FF},
	{0x1DA00, 0x1DA36}, {0x1DA3B, 0x1DA6C}, {0x1DA75, 0x1DA75}, {0x1DA84, 0x1DA84}, {0x1DA9B, 0x1E14E},
	{0x1E290, 0x1E2F9}, {0x1E7E0, 0x1E959}, {0x1EC71, 0x1ECAB}, {0x1ECAD, 0x1ECAF}, {0x1ECB1, 0x1ED2D},
	{0x1ED2F, 0x1EEBB}, {0x1F100, 0x1F10C}, {0x1FBF0, 0x3134A}, {0xE0100, 0xE01EF},
};
static const struct lower_run LOWER[] = {
	{0x00C0, 0x00D6, 32, 1}, {0x00D8, 0x00DE, 32, 1}, {0x0100, 0x012E, 1, 2}, {0x0132, 0x0136, 1, 2},
	{0x0139, 0x0147, 1, 2}, {0x014A, 0x0176, 1, 2}, {0x0178, 0x0178, -121, 1}, {0x0179, 0x017D, 1, 2},
	{0x0181, 0x0181, 210, 1}, {0x0182, 0x0184, 1, 2}, {0x0186, 0x0186, 206, 1}, {0x0187, 0x0187, 1, 1},
	{0x0189, 0x018A, 205, 1}, {0x018B, 0x018B, 1, 1}, {0x018E, 0x018E, 79, 1}, {0x018F, 0x018F, 202, 1},
	{0x0190, 0x0190, 203, 1}, {0x0191, 0x0191, 1, 1}, {0x0193, 0x0193, 205, 1}, {0x0194, 0x0194, 207, 1},
	{0x0196, 0x0196, 211, 1}, {0x0197, 0x0197, 209, 1}, {0x0198, 0x0198, 1, 1}, {0x019C, 0x019C, 211, 1},
	{0x019D, 0x019D, 213, 1}, {0x019F, 0x019F, 214, 1}, {0x01A0, 0x01A4, 1, 2}, {0x01A6, 0x01A6, 218, 1},
	{0x01A7, 0x01A7, 1, 1}, {0x01A9, 0x01A9, 218, 1}, {0x01AC, 0x01AC, 1, 1}, {0x01AE, 0x01AE, 218, 1},
	{0x01AF, 0x01AF, 1, 1}, {0x01B1, 0x01B2, 217, 1}, {0x01B3, 0x01B5, 1, 2}, {0x01B7, 0x01B7, 219, 1},
	{0x01B8, 0x01B8, 1, 1}, {0x01BC, 0x01BC, 1, 1}, {0x01C4, 0x01C4, 2, 1}, {0x01C5, 0x01C5, 1, 1},
	{0x01C7, 0x01C7, 2, 1}, {0x01C8, 0x01C8, 1, 1}, {0x01CA, 0x01CA, 2, 1}, {0x01CB, 0x01DB, 1, 2},
	{0x01DE, 0x01EE, 1, 2}, {0x01F1, 0x01F1, 2, 1}, {0x01F2, 0x01F4, 1, 2}, {0x01F6, 0x01F6, -97, 1},
	{0x01F7, 0x01F7, -56, 1}, {0x01F8, 0x021E, 1, 2}, {0x0220, 0x0220, -130, 1}, {0x0222, 0x0232, 1, 2},
	{0x023A, 0x023A, 10795, 1}, {0x023B, 0x023B, 1, 1}, {0x023D, 0x023D, -163, 1}, {0x023E, 0x023E, 10792, 1},
	{0x0241, 0x0241, 1, 1}, {0x0243, 0x0243, -195, 1}, {0x0244, 0x0244, 69, 1}, {0x0245, 0x0245, 71, 1},
	{0x0246, 0x024E, 1, 2}, {0x0370, 0x0372, 1, 2}, {0x0376, 0x0376, 1, 1}, {0x037F, 0x037F, 116, 1},
	{0x0386, 0x0386, 38, 1}, {0x0388, 0x038A, 37, 1}, {0x038C, 0x038C, 64, 1}, {0x038E, 0x038F, 63, 1},
	{0x0391, 0x03A1, 32, 1}, {0x03A3, 0x03AB, 32, 1}, {0x03C2, 0x03C2, 1, 1}, {0x03CF, 0x03CF, 8, 1},
	{0x03D8, 0x03EE, 1, 2}, {0x03F4, 0x03F4, -60, 1}, {0x03F7, 0x03F7, 1, 1}, {0x03F9, 0x03F9, -7, 1},
	{0x03FA, 0x03FA, 1, 1}, {0x03FD, 0x03FF, -130, 1}, {0x0400, 0x040F, 80, 1}, {0x0410, 0x042F, 32, 1},
	{0x0460, 0x0480, 1, 2}, {0x048A, 0x04BE, 1, 2}, {0x04C0, 0x04C0, 15, 1}, {0x04C1, 0x04CD, 1, 2},
	{0x04D0, 0x052E, 1, 2}, {0x0531, 0x0556, 48, 1}, {0x10A0, 0x10C5, 7264, 1}, {0x10C7, 0x10C7, 7264, 1},
	{0x10CD, 0x10CD, 7264, 1}, {0x13A0, 0x13EF, 38864, 1}, {0x13F0, 0x13F5, 8, 1}, {0x1C90, 0x1CBA, -3008, 1},
	{0x1CBD, 0x1CBF, -3008, 1}, {0x1E00, 0x1E94, 1, 2}, {0x1E9E, 0x1E9E, -7615, 1}, {0x1EA0, 0x1EFE, 1, 2},
	{0x1F08, 0x1F0F, -8, 1}, {0x1F18, 0x1F1D, -8, 1}, {0x1F28, 0x1F2F, -8, 1}, {0x1F38, 0x1F3F, -8, 1},
	{0x1F48, 0x1F4D, -8, 1}, {0x1F59, 0x1F5F, -8, 2}, {0x1F68, 0x1F6F, -8, 1}, {0x1F88, 0x1F8F, -8, 1},
	{0x1F98, 0x1F9F, -8, 1}, {0x1FA8, 0x1FAF, -8, 1}, {0x1FB8, 0x1FB9, -8, 1}, {0x1FBA, 0x1FBB, -74, 1},
	{0x1FBC, 0x1FBC, -9, 1}, {0x1FC8, 0x1FCB, -86, 1}, {0x1FCC, 0x1FCC, -9, 1}, {0x1FD8, 0x1FD9, -8, 1},
	{0x1FDA, 0x1FDB, -100, 1}, {0x1FE8, 0x1FE9, -8, 1}, {0x1FEA, 0x1FEB, -112, 1}, {0x1FEC, 0x1FEC, -7, 1},
	{0x1FF8, 0x1FF9, -128, 1}, {0x1FFA, 0x1FFB, -126, 1}, {0x1FFC, 0x1FFC, -9, 1}, {0x2126, 0x2126, -7517, 1},
	{0x212A, 0x212A, -8383, 1}, {0x212B, 0x212B, -8262, 1}, {0x2132, 0x2132, 28, 1}, {0x2160, 0x216F, 16, 1},
	{0x2183, 0x2183, 1, 1}, {0x24B6, 0x24CF, 26, 1}, {0x2C00, 0x2C2F, 48, 1}, {0x2C60, 0x2C60, 1, 1},
	{0x2C62, 0x2C62, -10743, 1}, {0x2C63, 0x2C63, -3814, 1}, {0x2C64, 0x2C64, -10727, 1}, {0x2C67, 0x2C6B, 1, 2},
	{0x2C6D, 0x2C6D, -10780, 1}, {0x2C6E, 0x2C6E, -10749, 1}, {0x2C6F, 0x2C6F, -10783, 1}, {0x2C70, 0x2C70, -10782, 1},
	{0x2C72, 0x2C72, 1, 1}, {0x2C75, 0x2C75, 1, 1}, {0x2C7E, 0x2C7F, -10815, 1}, {0x2C80, 0x2CE2, 1, 2},
	{0x2CEB, 0x2CED, 1, 2}, {0x2CF2, 0x2CF2, 1, 1}, {0xA640, 0xA66C, 1, 2}, {0xA680, 0xA69A, 1, 2},
	{0xA722, 0xA72E, 1, 2}, {0xA732, 0xA76E, 1, 2}, {0xA779, 0xA77B, 1, 2}, {0xA77D, 0xA77D, -35332, 1},
	{0xA77E, 0xA786, 1, 2}, {0xA78B, 0xA78B, 1, 1}, {0xA78D, 0xA78D, -42280, 1}, {0xA790, 0xA792, 1, 2},
	{0xA796, 0xA7A8, 1, 2}, {0xA7AA, 0xA7AA, -42308, 1}, {0xA7AB, 0xA7AB, -42319, 1}, {0xA7AC, 0xA7AC, -42315, 1},
	{0xA7AD, 0xA7AD, -42305, 1}, {0xA7AE, 0xA7AE, -42308, 1}, {0xA7B0, 0xA7B0, -42258, 1}, {0xA7B1, 0xA7B1, -42282, 1},
	{0xA7B2, 0xA7B2, -42261, 1}, {0xA7B3, 0xA7B3, 928, 1}, {0xA7B4, 0xA7C2, 1, 2}, {0xA7C4, 0xA7C4, -48, 1},
	{0xA7C5, 0xA7C5, -42307, 1}, {0xA7C6, 0xA7C6, -35384, 1}, {0xA7C7, 0xA7C9, 1, 2}, {0xA7D0, 0xA7D0, 1, 1},
	{0xA7D6, 0xA7D8, 1, 2}, {0xA7F5, 0xA7F5, 1, 1}, {0xFF21, 0xFF3A, 32, 1}, {0x10400, 0x10427, 40, 1},
	{0x104B0, 0x104D3, 40, 1}, {0x10570, 0x1057A, 39, 1}, {0x1057C, 0x1058A, 39, 1}, {0x1058C, 0x10592, 39, 1},
	{0x10594, 0x10595, 39, 1}, {0x10C80, 0x10CB2, 64, 1}, {0x118A0, 0x118BF, 32, 1}, {0x16E40, 0x16E5F, 32, 1},
	{0x1E900, 0x1E921, 34, 1},
};

/* A word character: an ASCII letter or digit, or a code point of
 * WORD_CP (so "K" and "Å", the Kelvin and Ångström signs, are letters on
 * both sides, and fold as K and Å do). */
static int is_word_cp(uint32_t c)
{
	size_t lo = 0, hi = sizeof WORD_CP / sizeof *WORD_CP;

	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		       (c >= 'A' && c <= 'Z');
	while (lo < hi) { /* the first range that ends at c or after it */
		size_t mid = (lo + hi) / 2;
		if (WORD_CP[mid][1] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sizeof WORD_CP / sizeof *WORD_CP && WORD_CP[lo][0] <= c;
}

static int word_ascii_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Lower-cases c as the page's toLowerCase does, in every script (LOWER
 * holds Unicode's mappings of a code point to one other; İ, which it
 * makes two, is folded to i before this), but ς is σ: the page writes a
 * word's last Σ ς, and this cannot tell which Σ is last. */
static uint32_t lower_cp(uint32_t c)
{
	size_t lo = 0, hi = sizeof LOWER / sizeof *LOWER;

	if (c < 0x80)
		return (c >= 'A' && c <= 'Z') ? c + 32 : c;
	while (lo < hi) { /* the first run that ends at c or after it */
		size_t mid = (lo + hi) / 2;
		if (LOWER[mid].last < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == sizeof LOWER / sizeof *LOWER || c < LOWER[lo].first ||
	    (c - LOWER[lo].first) % LOWER[lo].step)
		return c;
	return (uint32_t)((int32_t)c + LOWER[lo].delta);
}

char *search_lower_dup(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;
	struct buf b = BUF_INIT;
	while (i < n) {
		uint32_t c;
		size_t k = p[i] < 0x80 ? (c = p[i], 1) : utf8_decode(p + i, n - i, &c);
		if (c == 0xFFFD && k == 1) /* not UTF-8: the byte as it is */
			buf_put(&b, s + i, 1);
		else
			utf8_encode(&b, lower_cp(c));
		i += k;
	}
	return buf_detach(&b);
}

/* Appends code point c of a word to tok, lower-cased and folded ("Ł" is
 * "l", "ß" "ss", "ﬃ" "ffi": a fold may be up to three letters); a
 * combining mark after an ASCII letter is dropped (text that came
 * decomposed: "e" U+0301). */
static void put_word_cp(struct buf *tok, uint32_t c)
{
	const char *f = slug_fold(c);
	if (f) {
		buf_puts(tok, f);
	} else if (!(slug_mark(c) && tok->len && word_ascii_letter(tok->ptr[tok->len - 1]))) {
		utf8_encode(tok, lower_cp(c));
	}
}

/* Byte length of the first ncp code points of s (all of s if shorter);
 * s is valid UTF-8 (the tokeniser re-encodes everything it keeps). */
static size_t cp_prefix(const char *s, size_t ncp)
{
	size_t i = 0;

	for (; ncp && s[i]; ncp--) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
	}
	return i;
}

/* Appends s as a JavaScript string literal that cannot end a <script>
 * element or a line: < > & are \u-escaped, as are controls, U+2028/9 and
 * invalid UTF-8 (as U+FFFD). */
/* The bytes a JavaScript string literal shows as they are: printable
 * ASCII but for quotes, backslash and what could close a <script>. */
static const unsigned char JS_PLAIN[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* The characters of a JavaScript string literal, escaped, without quotes. */
static void put_js_chars(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	uint32_t c;

	while (i < n) {
		/* a run of ASCII that needs no escape, copied in one go */
		for (k = i; k < n && JS_PLAIN[p[k]]; k++)
			;
		if (k > i) {
			buf_put(b, s + i, k - i);
			i = k;
			continue;
		}
		k = utf8_decode(p + i, n - i, &c);
		if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)c);
		} else if (c == '\n') {
			buf_puts(b, "\\n"); /* a page's text has one per block */
		} else if (c < 0x20 || c == 0x7F || c == '<' || c == '>' ||
			   c == '&' || c == 0x2028 || c == 0x2029) {
			buf_printf(b, "\\u%04x", (unsigned)c);
		} else if (c == 0xFFFD) {
			utf8_encode(b, c);
		} else {
			buf_put(b, s + i, k);
		}
		i += k;
	}
}


static void put_js_string(struct buf *b, const char *s, size_t n)
{
	buf_putc(b, '"');
	put_js_chars(b, s, n);
	buf_putc(b, '"');
}

static void put_js_cstr(struct buf *b, const char *s)
{
	put_js_string(b, s, strlen(s));
}

/* ---- interned strings ---- */

/* Strings with dense ids in insertion order, found by hash.  Owns its
 * strings (in arena when it has one). */
struct strtab {
	char **str;
	uint32_t *hash; /* of each string, to skip most comparisons */
	uint32_t *len;  /* of each string */
	size_t n, cap;
	uint32_t *slot; /* id + 1; 0 is empty */
	size_t nslot;
	struct arena *arena;
};

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h ^ (h >> 15);
}

static long strtab_find_hashed(const struct strtab *t, const char *s, size_t n, uint32_t h)
{
	size_t i;

	if (!t->nslot)
		return -1;
	for (i = h & (t->nslot - 1);; i = (i + 1) & (t->nslot - 1)) {
		uint32_t v = t->slot[i];
		if (!v)
			return -1;
		if (t->hash[v - 1] == h && t->len[v - 1] == n && memcmp(t->str[v - 1], s, n) == 0)
			return (long)(v - 1);
	}
}

/* Returns the id of s (n bytes), or -1. */
static long strtab_find(const struct strtab *t, const char *s, size_t n)
{
	return strtab_find_hashed(t, s, n, hash_bytes(s, n));
}

static void strtab_place(struct strtab *t, size_t id)
{
	size_t j = t->hash[id] & (t->nslot - 1);

	while (t->slot[j])
		j = (j + 1) & (t->nslot - 1);
	t->slot[j] = (uint32_t)(id + 1);
}

/* Returns the id of s, adding a copy when new (*added says which). */
static uint32_t strtab_intern(struct strtab *t, const char *s, size_t n, int *added)
{
	uint32_t h = hash_bytes(s, n);
	long id = strtab_find_hashed(t, s, n, h);
	size_t i;

	*added = id < 0;
	if (id >= 0)
		return (uint32_t)id;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->str = xrealloc(t->str, t->cap * sizeof *t->str);
		t->hash = xrealloc(t->hash, t->cap * sizeof *t->hash);
		t->len = xrealloc(t->len, t->cap * sizeof *t->len);
	}
	t->len[t->n] = (uint32_t)n;
	t->str[t->n] = t->arena ? arena_strndup(t->arena, s, n) : xstrndup(s, n);
	t->hash[t->n++] = h;
	if (t->n * 2 > t->nslot) {
		free(t->slot);
		t->nslot = t->nslot ? t->nslot * 2 : 512;
		t->slot = xcalloc(t->nslot, sizeof *t->slot);
		for (i = 0; i < t->n; i++)
			strtab_place(t, i);
	} else {
		strtab_place(t, t->n - 1);
	}
	return (uint32_t)(t->n - 1);
}

static void strtab_free(struct strtab *t)
{
	size_t i;
	for (i = 0; !t->arena && i < t->n; i++)
		free(t->str[i]);
	free(t->str);
	free(t->hash);
	free(t->len);
	free(t->slot);
}

/* ---- the index ---- */

/* A stem's postings, kept in the form search-NN.js ships them: merging
 * batches then appends their text (re-basing the first posting of each)
 * instead of decoding and encoding every posting again.  The last posting
 * stays open while its document is the newest: the page's other forms of
 * the stem may still add to its weight. */
struct postings {
	struct buf enc;    /* the closed postings */
	uint32_t next;     /* the document after enc's last (0: enc is empty) */
	uint32_t n;        /* postings, the open one included */
	uint32_t open_doc; /* the open posting's document + 1; 0: none open */
	uint8_t flags;     /* W_OWN | W_TITLE | W_HEAD | W_SUMMARY, of the open one */
	uint8_t body;      /* its body occurrences, saturating */
};

struct doc {
	uint32_t dir, section;
	enum search_kind kind;
	char *file;    /* url minus its directory */
	char *title;
	char *snippet; /* plain text, at most SNIPPET_MAX bytes + "…" */
	char *body;    /* its text, at most BODY_MAX bytes (put_body) */
};

struct search_index {
	struct sb_stemmer *stemmer;
	struct strtab words, stems, dirs, sections;
	uint32_t *word_stem; /* stem id of each word id */
	size_t word_cap;
	struct postings *post; /* per stem id */
	size_t post_cap;
	struct doc *docs;
	size_t ndocs, docs_cap;
	atomic_size_t bytes_written, files_written;
	int jobs; /* threads search_write may use */
	search_writer_fn writer; /* NULL: files go into out_dir */
	void *writer_ctx;
	search_texts_fn texts_writer; /* NULL: the pages' texts go through writer */
	/* form masks: the last build's (search_masks_load), and this one's,
	 * per stem id, as form_mask gives them (search_write) */
	struct strtab known;
	uint32_t *known_mask;
	size_t known_cap; /* room in known_mask */
	uint32_t *masks;
	int masks_new; /* search_write worked out a mask the table lacked */
	struct synonym { char *word, *syn; size_t order; } *syn; /* search_add_synonym */
	size_t nsyn;
};

struct search_index *search_new(void)
{
	struct search_index *s = xcalloc(1, sizeof *s);

	s->jobs = 1;
	s->stemmer = sb_stemmer_new("english", NULL);
	if (!s->stemmer) {
		fprintf(stderr, "quire: libstemmer has no English stemmer\n");
		abort();
	}
	return s;
}

int search_is_stop_word(const char *word)
{
	size_t lo = 0, hi = N_STOP;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(word, STOP_WORDS[mid]);
		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* Stems word (lower case) with st into out. */
static void stem_into(struct sb_stemmer *st, const char *w, size_t n, struct buf *out)
{
	const sb_symbol *r = sb_stemmer_stem(st, (const sb_symbol *)w, (int)n);

	if (!r) {
		fprintf(stderr, "quire: out of memory in stemmer\n");
		abort();
	}
	buf_put(out, (const char *)r, (size_t)sb_stemmer_length(st));
}

/* Adds the surface word w (new) as a form of stem sid; returns its id. */
static uint32_t add_word(struct search_index *s, const char *w, size_t n, uint32_t sid)
{
	int added;
	uint32_t wid = strtab_intern(&s->words, w, n, &added);

	if (s->words.n > s->word_cap) {
		s->word_cap = s->word_cap ? s->word_cap * 2 : 256;
		s->word_stem = xrealloc(s->word_stem, s->word_cap * sizeof *s->word_stem);
	}
	s->word_stem[wid] = sid;
	return wid;
}

void search_add_synonym(struct search_index *s, const char *word, const char *synonym)
{
	s->syn = xrealloc(s->syn, (s->nsyn + 1) * sizeof *s->syn);
	s->syn[s->nsyn] = (struct synonym){ xstrdup(word), xstrdup(synonym), s->nsyn };
	s->nsyn++;
}

/* By word, then in the order added. */
static int syn_cmp(const void *a, const void *b)
{
	const struct synonym *x = a, *y = b;
	int c = strcmp(x->word, y->word);
	return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* "syn":{"word":["synonym",...],...} for search-index.js. */
static void put_synonyms(struct search_index *s, struct buf *b)
{
	if (s->nsyn)
		qsort(s->syn, s->nsyn, sizeof *s->syn, syn_cmp);
	buf_puts(b, "\"syn\":{");
	for (size_t i = 0; i < s->nsyn; i++) {
		if (i == 0 || strcmp(s->syn[i - 1].word, s->syn[i].word) != 0) {
			buf_puts(b, i ? "],\n" : "\n");
			put_js_cstr(b, s->syn[i].word);
			buf_puts(b, ":[");
		} else {
			buf_putc(b, ',');
		}
		put_js_cstr(b, s->syn[i].syn);
	}
	buf_puts(b, s->nsyn ? "]},\n" : "},\n");
}

/* ---- pages ---- */

/* A page's words, made on any thread (no stemmer, no shared table): each
 * word once, in order of first appearance, with the fields it is in and
 * how often the body has it; and the page's snippet and text. */
struct search_page {
	struct arena arena;
	struct strtab words;   /* in arena */
	uint8_t *flags, *body; /* per word id */
	size_t cap;
	char *snippet, *text;
	char *blob;            /* a decoded page's words point into it */
};

/* Records one occurrence of the token tok in field. */
static void page_word(struct search_page *pg, const struct buf *tok, int field)
{
	int added;
	uint32_t id;

	if (tok->len > MAX_WORD_BYTES)
		return;
	id = strtab_intern(&pg->words, tok->ptr, tok->len, &added);
	if (added) {
		if (pg->words.n > pg->cap) {
			pg->cap = pg->cap ? pg->cap * 2 : 256;
			pg->flags = xrealloc(pg->flags, pg->cap);
			pg->body = xrealloc(pg->body, pg->cap);
		}
		pg->flags[id] = pg->body[id] = 0;
	}
	if (field == F_TITLE)
		pg->flags[id] |= W_OWN | W_TITLE;
	else if (field == F_TAG)
		pg->flags[id] |= W_TITLE;
	else if (field == F_HEAD)
		pg->flags[id] |= W_HEAD;
	else if (field == F_SUMMARY)
		pg->flags[id] |= W_SUMMARY;
	else if (pg->body[id] < 255)
		pg->body[id]++;
}

/* A byte of an ASCII word, lower-cased; 0 for any other byte. */
#define LETTER(c) [c] = c, [c - 32] = c
static const unsigned char word_byte[256] = {
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
	['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
	LETTER('a'), LETTER('b'), LETTER('c'), LETTER('d'), LETTER('e'), LETTER('f'), LETTER('g'),
	LETTER('h'), LETTER('i'), LETTER('j'), LETTER('k'), LETTER('l'), LETTER('m'), LETTER('n'),
	LETTER('o'), LETTER('p'), LETTER('q'), LETTER('r'), LETTER('s'), LETTER('t'), LETTER('u'),
	LETTER('v'), LETTER('w'), LETTER('x'), LETTER('y'), LETTER('z'),
};
#undef LETTER

/* 1 when the text at p starts with a word character. */
static int starts_word(const unsigned char *p)
{
	uint32_t c;
	if (word_byte[*p])
		return 1;
	if (*p < 0x80)
		return 0;
	utf8_decode(p, strnlen((const char *)p, 4), &c);
	return is_word_cp(c);
}

/* The hyphens that join words into one ("e-mail"), as the page's script
 * has them: ASCII's, the soft hyphen, U+2010 and the non-breaking U+2011. */
static int is_hyphen(uint32_t c)
{
	return c == '-' || c == 0xAD || c == 0x2010 || c == 0x2011;
}

/* Records every run of two or more of the nparts words in join (each
 * starting at part[i]) as one word: "anti-money-laundering" gives
 * "antimoney", "antimoneylaundering" and "moneylaundering", so a search
 * for "money-laundering" finds it. */
static void record_joins(struct search_page *pg, const struct buf *join, const size_t *part, size_t nparts,
			 int field)
{
	for (size_t i = 0; i + 1 < nparts; i++)
		for (size_t j = i + 2; j <= nparts; j++) {
			size_t end = j < nparts ? part[j] : join->len;
			struct buf run = { join->ptr + part[i], end - part[i], 0 };
			page_word(pg, &run, field);
		}
}

/* Splits text into lower-cased words (tok, join: scratch) and records each
 * under field.  Words joined by hyphens are recorded as one word as well
 * ("e-mail" as "e", "mail" and "email"; of more, every run: see
 * record_joins), as the page's script joins a query's: so "email" finds a
 * page that says "e-mail", as "e-mail" finds one that says "email".  But
 * not in a tag: tags are written as slugs, their hyphens spaces
 * ("social-media"), and a query's words apart are looked for only when no
 * page has them as one, so "social-media" would find the tagged pages
 * alone, not every page about social media. */
static void index_text(struct search_page *pg, struct buf *tok, struct buf *join, const char *text,
		       int field)
{
	const unsigned char *p = (const unsigned char *)text;
	uint32_t c = 0;

	/* ASCII is most text: a letter or digit goes straight into tok, which
	 * has room for the longest word kept (a longer one is cut one byte
	 * past that, and page_word drops it).  Locals, not tok's fields, in
	 * the loop: a store through tok->ptr could change them, as far as
	 * the compiler knows. */
	size_t part[MAX_JOINED], nparts = 0; /* where each joined word starts in join */
	buf_reset(tok);
	buf_reset(join);
	buf_grow(tok, MAX_WORD_BYTES + 1);
	char *w = tok->ptr;
	size_t n = 0;
	for (;;) {
		unsigned a = *p++, lc = word_byte[a];
		if (lc) {
			if (n <= MAX_WORD_BYTES)
				w[n++] = (char)lc;
			continue;
		}
		c = a;
		if (a >= 0x80) {
			p--;
			p += utf8_decode(p, strnlen((const char *)p, 4), &c);
			if (is_word_cp(c)) {
				tok->len = n;
				put_word_cp(tok, c);
				w = tok->ptr;
				n = tok->len;
				continue;
			}
		}
		if (n) {
			tok->len = n;
			page_word(pg, tok, field);
			/* words a hyphen joins go into join, and the last
			 * of them records its runs (past 64 bytes no more
			 * words go in) */
			if (field != F_TAG && (join->len || (is_hyphen(c) && starts_word(p)))) {
				if (join->len <= MAX_WORD_BYTES && nparts < MAX_JOINED) {
					part[nparts++] = join->len;
					buf_put(join, w, n);
				}
				if (!is_hyphen(c) || !starts_word(p)) {
					record_joins(pg, join, part, nparts, field);
					buf_reset(join);
					nparts = 0;
				}
			}
			n = 0;
		}
		if (!a)
			break;
	}
	tok->len = 0;
}

/* Appends text with whitespace runs collapsed, stopping before max bytes
 * at a word boundary (then adds "…").  Returns 1 if it was cut. */
static int put_clipped(struct buf *b, const char *text, size_t max)
{
	size_t start = b->len, last_space = 0;
	int space = 1; /* drop leading white space */

	for (; *text; text++) {
		unsigned char c = (unsigned char)*text;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			if (!space) {
				last_space = b->len;
				buf_putc(b, ' ');
			}
			space = 1;
			continue;
		}
		space = 0;
		if (b->len - start >= max && (c & 0xC0) != 0x80) {
			/* cut at the last space, or mid-word if there is none */
			if (last_space > start + max / 2)
				buf_truncate(b, last_space);
			buf_puts(b, "\xE2\x80\xA6");
			return 1;
		}
		buf_putc(b, (char)c);
	}
	while (b->len > start && b->ptr[b->len - 1] == ' ')
		buf_truncate(b, b->len - 1);
	return 0;
}

/* Appends a page's text (blocks ended by '\n') as the page's script
 * takes passages from it: white space runs made one space, empty blocks
 * left out, and at most max bytes, cut at a block or a word when one
 * ends in the last half. */
static int is_space_byte(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static void put_body(struct buf *b, const char *text, size_t max)
{
	size_t start = b->len;
	const char *p = text, *span;

	/* A run of one space or one new line stands as it is, copied with
	 * the words around it: this is every page's whole text. */
	while (is_space_byte((unsigned char)*p))
		p++;
	span = p;
	for (;;) {
		while (*p && !is_space_byte((unsigned char)*p))
			p++;
		if (!*p || b->len - start + (size_t)(p - span) > 2 * max + 64)
			break;
		const char *ws = p;
		int nl = 0;
		while (is_space_byte((unsigned char)*p))
			nl |= *p++ == '\n';
		if (!*p) {
			p = ws;
			break;
		}
		if (p - ws == 1 && (*ws == ' ' || *ws == '\n'))
			continue;
		buf_put(b, span, (size_t)(ws - span));
		buf_putc(b, nl ? '\n' : ' ');
		span = p;
	}
	buf_put(b, span, (size_t)(p - span));
	if (b->len - start <= max)
		return;
	/* Cut at the first character that starts at max or after (a
	 * character begun before it goes in whole), then back to the end of
	 * a word or block when one ends in the last half. */
	size_t q = start + max;
	while (q < b->len && (((unsigned char)b->ptr[q] & 0xC0) == 0x80 || b->ptr[q] == ' ' || b->ptr[q] == '\n'))
		q++;
	if (q == b->len)
		return;
	buf_truncate(b, q);
	size_t cut = q;
	while (cut > start + max / 2 && b->ptr[cut - 1] != ' ' && b->ptr[cut - 1] != '\n')
		cut--;
	buf_truncate(b, cut > start + max / 2 ? cut - 1 : q);
	/* a text cut short says so: the page's script then cannot tell a
	 * phrase is not in the page (search.js, withPhrases) */
	buf_puts(b, "\xE2\x80\xA6");
}

struct search_page *search_page_new(const char *title, const char *summary,
				    const char *headings, const char *tags, const char *body)
{
	struct search_page *pg = xcalloc(1, sizeof *pg);
	struct buf snip = BUF_INIT;

	pg->arena.chunk_size = 16384; /* a page's words */
	pg->words.arena = &pg->arena;
	title = title ? title : "";
	summary = summary ? summary : "";
	headings = headings ? headings : "";
	tags = tags ? tags : "";
	body = body ? body : "";

	/* The summary, topped up with the start of the body when short. */
	if (!put_clipped(&snip, summary, SNIPPET_MAX) && snip.len + 60 < SNIPPET_MAX && *body) {
		size_t keep = snip.len;
		if (snip.len)
			buf_putc(&snip, ' ');
		put_clipped(&snip, body, SNIPPET_MAX - snip.len);
		if (snip.len == keep + 1)
			buf_truncate(&snip, keep);
	}
	pg->snippet = buf_detach(&snip);
	struct buf text = BUF_INIT;
	put_body(&text, body, BODY_MAX);
	pg->text = buf_detach_fit(&text);

	struct buf tok = BUF_INIT, join = BUF_INIT;
	index_text(pg, &tok, &join, title, F_TITLE);
	index_text(pg, &tok, &join, tags, F_TAG);
	index_text(pg, &tok, &join, headings, F_HEAD);
	index_text(pg, &tok, &join, summary, F_SUMMARY);
	index_text(pg, &tok, &join, body, F_BODY);
	buf_free(&tok);
	buf_free(&join);
	return pg;
}

struct search_page *search_page_titled(const char *title, const char *opening)
{
	struct search_page *pg = xcalloc(1, sizeof *pg);
	struct buf snip = BUF_INIT, tok = BUF_INIT, join = BUF_INIT;

	pg->arena.chunk_size = 1024; /* a title's words */
	pg->words.arena = &pg->arena;
	put_clipped(&snip, opening ? opening : "", SNIPPET_MAX);
	pg->snippet = buf_detach(&snip);
	pg->text = xstrdup("");
	/* a tag's page is found by the tag's words as the pages tagged are */
	index_text(pg, &tok, &join, title ? title : "", F_TAG);
	buf_free(&tok);
	buf_free(&join);
	return pg;
}

void search_page_drop(struct search_page *pg)
{
	strtab_free(&pg->words);
	arena_free(&pg->arena);
	free(pg->flags);
	free(pg->body);
	free(pg->snippet);
	free(pg->text);
	free(pg->blob);
	free(pg);
}

/* The encoding: u32 snippet length, the snippet, u32 text length, the
 * text, u32 word count, a flags byte and a body count byte per word, then
 * the words, each followed by a NUL, in id order (so a decoded page adds
 * to the index exactly as the page it was encoded from). */
static void put_u32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 24) };
	buf_put(b, (const char *)x, 4);
}

static int get_u32(const char *p, size_t len, size_t *off, uint32_t *v)
{
	if (len - *off < 4)
		return -1;
	const unsigned char *x = (const unsigned char *)p + *off;
	*v = (uint32_t)x[0] | (uint32_t)x[1] << 8 | (uint32_t)x[2] << 16 | (uint32_t)x[3] << 24;
	*off += 4;
	return 0;
}

void search_page_encode(const struct search_page *pg, struct buf *b)
{
	size_t sn = strlen(pg->snippet), tn = strlen(pg->text);
	put_u32(b, (uint32_t)sn);
	buf_put(b, pg->snippet, sn);
	put_u32(b, (uint32_t)tn);
	buf_put(b, pg->text, tn);
	put_u32(b, (uint32_t)pg->words.n);
	for (size_t id = 0; id < pg->words.n; id++) {
		buf_putc(b, (char)pg->flags[id]);
		buf_putc(b, (char)pg->body[id]);
	}
	for (size_t id = 0; id < pg->words.n; id++)
		buf_put(b, pg->words.str[id], pg->words.len[id] + 1);
}

struct search_page *search_page_decode(char *data, size_t len)
{
	size_t off = 0;
	uint32_t sn, tn, n;
	if (get_u32(data, len, &off, &sn) < 0 || len - off < sn || memchr(data + off, '\0', sn))
		return NULL;
	size_t snip_at = off;
	off += sn;
	if (get_u32(data, len, &off, &tn) < 0 || len - off < tn || memchr(data + off, '\0', tn))
		return NULL;
	size_t text_at = off;
	off += tn;
	if (get_u32(data, len, &off, &n) < 0 || (len - off) / 4 < n)
		return NULL;
	struct search_page *pg = xcalloc(1, sizeof *pg);
	pg->arena.chunk_size = 16384;
	pg->words.arena = &pg->arena; /* the words are not the table's to free */
	pg->cap = n ? n : 1;
	pg->flags = xmalloc(pg->cap);
	pg->body = xmalloc(pg->cap);
	pg->words.str = xmalloc(pg->cap * sizeof *pg->words.str);
	pg->words.hash = xmalloc(pg->cap * sizeof *pg->words.hash);
	pg->words.len = xmalloc(pg->cap * sizeof *pg->words.len);
	for (uint32_t id = 0; id < n; id++) {
		pg->flags[id] = (uint8_t)data[off++];
		pg->body[id] = (uint8_t)data[off++];
	}
	for (uint32_t id = 0; id < n; id++) {
		const char *w = data + off, *end = memchr(w, '\0', len - off);
		size_t wn = end ? (size_t)(end - w) : 0;
		if (!end || !wn || wn > MAX_WORD_BYTES) {
			search_page_drop(pg);
			return NULL;
		}
		pg->words.str[id] = data + off;
		pg->words.hash[id] = hash_bytes(w, wn);
		pg->words.len[id] = (uint32_t)wn;
		pg->words.n = id + 1;
		off += wn + 1;
	}
	if (off != len) {
		search_page_drop(pg);
		return NULL;
	}
	pg->snippet = xstrndup(data + snip_at, sn);
	pg->text = xstrndup(data + text_at, tn);
	pg->blob = data;
	return pg;
}

/* ---- postings ---- */

/* v in ALPHABET digits, least significant first, a digit from the upper
 * half meaning more follow (the postings' and the masks' form).  Returns
 * the length: seven digits at most. */
static size_t digits_of(char *o, uint32_t v)
{
	size_t k = 0;
	for (; v >= 32; v >>= 5)
		o[k++] = ALPHABET[32 + (v & 31)];
	o[k++] = ALPHABET[v];
	return k;
}

/* A posting's digits: v = (documents skipped since the previous
 * posting) * 32 + weight. */
static size_t posting_digits(char *o, uint32_t skipped, uint32_t weight)
{
	return digits_of(o, skipped << 5 | weight);
}

/* A title's word 28..31 (28 + body); a tag's 16..27 (16 + summary 6 +
 * heading 3 + body 0..2); a summary's, a heading's and the body's below
 * 16 (summary 8 + heading 4 + body 0..3): each class above the next
 * whatever the body adds, and the page's script can tell from a weight
 * whether the page's text has the word (search.js's inText), but for a
 * title's word in a heading alone. */
static uint32_t weight_of(uint8_t flags, uint8_t body)
{
	uint32_t b = body == 0 ? 0 : body == 1 ? 1 : body <= 3 ? 2 : 3;
	if (flags & W_OWN)
		return 28 + b;
	if (flags & W_TITLE)
		return W_TITLE + (flags & W_SUMMARY ? 6 : 0) + (flags & W_HEAD ? 3 : 0) + (b < 2 ? b : 2);
	return (flags & W_SUMMARY) + (flags & W_HEAD) + b;
}

/* The open posting's digits (none when none is open). */
static size_t open_digits(const struct postings *pl, char *o)
{
	if (!pl->open_doc)
		return 0;
	return posting_digits(o, pl->open_doc - 1 - pl->next, weight_of(pl->flags, pl->body));
}

static void post_close(struct postings *pl)
{
	char d[8];
	size_t k = open_digits(pl, d);
	if (!k)
		return;
	buf_put(&pl->enc, d, k);
	pl->next = pl->open_doc;
	pl->open_doc = 0;
}

/* The document of pl's last posting + 1 (0: it has none). */
static uint32_t post_end(const struct postings *pl)
{
	return pl->open_doc ? pl->open_doc : pl->next;
}

/* The id of stem st (n bytes), added with an empty posting list if new. */
static uint32_t stem_id(struct search_index *s, const char *st, size_t n)
{
	int added;
	uint32_t sid = strtab_intern(&s->stems, st, n, &added);
	if (added && s->stems.n > s->post_cap) {
		size_t cap = s->post_cap ? s->post_cap * 2 : 256;
		s->post = xrealloc(s->post, cap * sizeof *s->post);
		memset(s->post + s->post_cap, 0, (cap - s->post_cap) * sizeof *s->post);
		s->post_cap = cap;
	}
	return sid;
}

/* Adds word id of pg to the index under the current (last) document. */
static void add_word_of(struct search_index *s, const struct search_page *pg, size_t id)
{
	const char *w = pg->words.str[id];
	size_t n = pg->words.len[id];
	uint32_t sid, doc = (uint32_t)s->ndocs - 1;
	long wid;
	struct postings *pl;

	/* stop words are never in the table: test them only on a miss */
	wid = strtab_find_hashed(&s->words, w, n, pg->words.hash[id]);
	if (wid < 0) {
		if (search_is_stop_word(w))
			return;
		struct buf st = BUF_INIT;
		stem_into(s->stemmer, w, n, &st);
		sid = stem_id(s, buf_cstr(&st), st.len);
		buf_free(&st);
		wid = add_word(s, w, n, sid);
	}
	sid = s->word_stem[wid];
	pl = &s->post[sid];
	/* forms of one stem in one page share its posting */
	if (pl->open_doc != doc + 1) {
		post_close(pl);
		pl->open_doc = doc + 1;
		pl->flags = 0;
		pl->body = 0;
		pl->n++;
	}
	pl->flags |= pg->flags[id];
	pl->body = pl->body + pg->body[id] > 255 ? 255 : (uint8_t)(pl->body + pg->body[id]);
}

/* Appends a document (its snippet and text still NULL). */
static struct doc *add_doc(struct search_index *s, const char *dir, size_t ndir, const char *file,
			   const char *section, size_t nsection, const char *title, enum search_kind kind)
{
	int added;
	if (s->ndocs == s->docs_cap) {
		s->docs_cap = s->docs_cap ? s->docs_cap * 2 : 64;
		s->docs = xrealloc(s->docs, s->docs_cap * sizeof *s->docs);
	}
	struct doc *d = &s->docs[s->ndocs++];
	d->dir = strtab_intern(&s->dirs, dir, ndir, &added);
	d->file = xstrdup(file);
	d->section = strtab_intern(&s->sections, section, nsection, &added);
	d->title = xstrdup(title);
	d->kind = kind;
	d->snippet = d->body = NULL;
	return d;
}

void search_add_page(struct search_index *s, const char *url, const char *title,
		     const char *section_title, enum search_kind kind, struct search_page *pg)
{
	struct doc *d;
	const char *slash;

	url = url ? url : "";
	title = title ? title : "";
	section_title = section_title ? section_title : "";

	slash = strrchr(url, '/');
	slash = slash ? slash + 1 : url;
	d = add_doc(s, url, (size_t)(slash - url), slash, section_title, strlen(section_title), title, kind);
	d->snippet = pg->snippet;
	d->body = pg->text;
	pg->snippet = pg->text = NULL;
	for (size_t id = 0; id < pg->words.n; id++)
		add_word_of(s, pg, id);
	search_page_drop(pg);
}

void search_add(struct search_index *s, const char *url, const char *title,
		const char *section_title, enum search_kind kind, const char *summary,
		const char *headings, const char *tags, const char *body)
{
	search_add_page(s, url, title, section_title, kind, search_page_new(title, summary, headings, tags, body));
}

/* ---- batches ---- */

/* A batch's encoding, in the order merging needs it: u32 ndocs, then per
 * document its dir, file, section title, title, snippet and text, and u32
 * its kind; u32 nstems
 * and the stems; u32 nwords and per word its text and stem number; then
 * per stem u32 n, u32 end (its last document + 1; 0 when n is 0) and its
 * n postings as search-NN.js writes them (the first counted from document
 * 0), a string.  Strings are u32 length + bytes. */
static void put_str(struct buf *b, const char *str, size_t n)
{
	put_u32(b, (uint32_t)n);
	buf_put(b, str, n);
}

static void encode(const struct search_index *s, struct buf *b, int texts);

void search_encode(const struct search_index *s, struct buf *b)
{
	encode(s, b, 1);
}

void search_encode_lean(const struct search_index *s, struct buf *b)
{
	encode(s, b, 0);
}

const char *search_doc_text(const struct search_index *s, size_t doc)
{
	return doc < s->ndocs && s->docs[doc].body ? s->docs[doc].body : "";
}

const char *search_page_text(const struct search_page *pg)
{
	return pg->text ? pg->text : "";
}

static void encode(const struct search_index *s, struct buf *b, int texts)
{
	put_u32(b, (uint32_t)s->ndocs);
	for (size_t i = 0; i < s->ndocs; i++) {
		const struct doc *d = &s->docs[i];
		const char *dir = s->dirs.str[d->dir], *sec = s->sections.str[d->section];
		put_str(b, dir, strlen(dir));
		put_str(b, d->file, strlen(d->file));
		put_str(b, sec, strlen(sec));
		put_str(b, d->title, strlen(d->title));
		put_str(b, d->snippet, strlen(d->snippet));
		put_str(b, d->body, texts ? strlen(d->body) : 0);
		put_u32(b, (uint32_t)d->kind);
	}
	put_u32(b, (uint32_t)s->stems.n);
	for (size_t i = 0; i < s->stems.n; i++)
		put_str(b, s->stems.str[i], strlen(s->stems.str[i]));
	put_u32(b, (uint32_t)s->words.n);
	for (size_t i = 0; i < s->words.n; i++) {
		put_str(b, s->words.str[i], strlen(s->words.str[i]));
		put_u32(b, s->word_stem[i]);
	}
	for (size_t i = 0; i < s->stems.n; i++) {
		const struct postings *pl = &s->post[i];
		char d[8];
		size_t k = open_digits(pl, d);
		put_u32(b, pl->n);
		put_u32(b, post_end(pl));
		put_u32(b, (uint32_t)(pl->enc.len + k));
		buf_put(b, buf_cstr(&pl->enc), pl->enc.len);
		buf_put(b, d, k);
	}
}

struct span {
	const char *p;
	uint32_t n;
};

static int get_str(const char *p, size_t len, size_t *off, struct span *out)
{
	uint32_t n;
	if (get_u32(p, len, off, &n) < 0 || len - *off < n || memchr(p + *off, '\0', n))
		return -1;
	out->p = p + *off;
	out->n = n;
	*off += n;
	return 0;
}

/* ALPHABET's digits: value + 1 (0: not a digit). */
static const unsigned char DIGIT_VALUE[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['g'] = 17, ['h'] = 18, ['i'] = 19, ['j'] = 20, ['k'] = 21, ['l'] = 22, ['m'] = 23,
	['n'] = 24, ['o'] = 25, ['p'] = 26, ['q'] = 27, ['r'] = 28, ['s'] = 29, ['t'] = 30,
	['u'] = 31, ['v'] = 32, ['w'] = 33, ['x'] = 34, ['y'] = 35, ['z'] = 36, ['A'] = 37,
	['B'] = 38, ['C'] = 39, ['D'] = 40, ['E'] = 41, ['F'] = 42, ['G'] = 43, ['H'] = 44,
	['I'] = 45, ['J'] = 46, ['K'] = 47, ['L'] = 48, ['M'] = 49, ['N'] = 50, ['O'] = 51,
	['P'] = 52, ['Q'] = 53, ['R'] = 54, ['S'] = 55, ['T'] = 56, ['U'] = 57, ['V'] = 58,
	['W'] = 59, ['X'] = 60, ['Y'] = 61, ['Z'] = 62, ['-'] = 63, ['_'] = 64
};

/* Decodes the first posting of sl digits at q into *v; returns the digits
 * it takes, or 0 when it does not end within seven (35 bits). */
static size_t first_posting(const unsigned char *q, size_t sl, uint64_t *v)
{
	*v = 0;
	for (size_t k = 0; k < sl && k < 7; k++) {
		unsigned d = DIGIT_VALUE[q[k]] - 1u;
		*v |= (uint64_t)(d & 31) << (5 * k);
		if (d < 32)
			return k + 1;
	}
	return 0;
}

typedef signed char bytes16 __attribute__((vector_size(16)));

/* Of 16 bytes: -1 in the lanes that are ALPHABET digits (*ok) and that
 * end a posting (returned: 0-9, a-v), else 0.  Bytes from 0x80 are
 * negative here: no digit. */
static bytes16 digits16(bytes16 x, bytes16 *ok)
{
	bytes16 dec = (x >= '0') & (x <= '9'), low = (x >= 'a') & (x <= 'z');
	*ok = dec | low | ((x >= 'A') & (x <= 'Z')) | (x == '-') | (x == '_');
	return dec | ((x >= 'a') & (x <= 'v'));
}

/* Checks a stem's encoded postings (sl bytes at q) as far as merging
 * relies on them: ALPHABET digits only (search-NN.js holds them in a
 * string as they are), n of them ending a posting, the last one whole,
 * and end within the batch's ndocs documents.  The skips between are not
 * summed: like every cached page, the batch is what this quire wrote,
 * and the cache's checksums catch damage. */
static int postings_check(const unsigned char *q, uint32_t sl, uint32_t n, uint32_t end, uint32_t ndocs)
{
	uint32_t count = 0, bad = 0, i = 0;
	/* 16 bytes a step: every posting's digits are looked at, and the
	 * batches of a large site hold millions */
	while (sl - i >= 16) {
		bytes16 seen = { 0 }, ok_all = ~(bytes16){ 0 };
		for (int k = 0; k < 120 && sl - i >= 16; k++, i += 16) {
			bytes16 x, ok;
			memcpy(&x, q + i, 16);
			seen -= digits16(x, &ok); /* at most 120 per lane */
			ok_all &= ok;
		}
		for (int k = 0; k < 16; k++) {
			count += (uint32_t)seen[k];
			bad |= !ok_all[k];
		}
	}
	for (; i < sl; i++) {
		unsigned d = DIGIT_VALUE[q[i]];
		bad |= d == 0;
		count += d - 1u < 32u;
	}
	uint64_t v;
	if (bad || count != n || end > ndocs || end < n)
		return -1;
	return !n || (DIGIT_VALUE[q[sl - 1]] - 1u < 32u && first_posting(q, sl, &v) && v >> 5 < end) ? 0 : -1;
}

/* Checks an encoding end to end: every length inside it, every stem
 * number in range, each stem's postings as postings_check does.  Fills
 * the offsets of its parts. */
struct batch_parts {
	uint32_t ndocs, nstems, nwords;
	size_t docs, stems, words, post;
};

static int batch_check(const char *p, size_t len, struct batch_parts *bp)
{
	size_t off = 0;
	struct span sp;
	if (get_u32(p, len, &off, &bp->ndocs) < 0)
		return -1;
	bp->docs = off;
	for (uint32_t i = 0; i < bp->ndocs; i++) {
		uint32_t kind;
		for (int f = 0; f < 6; f++)
			if (get_str(p, len, &off, &sp) < 0)
				return -1;
		if (get_u32(p, len, &off, &kind) < 0 || kind > SEARCH_LIST)
			return -1;
	}
	if (get_u32(p, len, &off, &bp->nstems) < 0)
		return -1;
	bp->stems = off;
	for (uint32_t i = 0; i < bp->nstems; i++)
		if (get_str(p, len, &off, &sp) < 0)
			return -1;
	if (get_u32(p, len, &off, &bp->nwords) < 0)
		return -1;
	bp->words = off;
	for (uint32_t i = 0; i < bp->nwords; i++) {
		uint32_t st;
		if (get_str(p, len, &off, &sp) < 0 || !sp.n || sp.n > MAX_WORD_BYTES ||
		    get_u32(p, len, &off, &st) < 0 || st >= bp->nstems)
			return -1;
	}
	bp->post = off;
	for (uint32_t i = 0; i < bp->nstems; i++) {
		uint32_t n = 0, end = 0, sl = 0;
		if (get_u32(p, len, &off, &n) < 0 || get_u32(p, len, &off, &end) < 0 ||
		    get_u32(p, len, &off, &sl) < 0 || len - off < sl ||
		    postings_check((const unsigned char *)p + off, sl, n, end, bp->ndocs) < 0)
			return -1;
		off += sl;
	}
	return off == len ? 0 : -1;
}

/* Adds a valid batch's documents, words and stems to s, in the batch's
 * order of first use; map gets each batch stem's number in s (UINT32_MAX
 * for a stem no word of the batch has). */
static void merge_names(struct search_index *s, const char *p, size_t len, const struct batch_parts *bp,
			uint32_t *map)
{
	size_t off = bp->docs;
	for (uint32_t i = 0; i < bp->ndocs; i++) {
		struct span f[6];
		uint32_t kind = 0;
		for (int k = 0; k < 6; k++)
			get_str(p, len, &off, &f[k]);
		get_u32(p, len, &off, &kind);
		char *file = xstrndup(f[1].p, f[1].n), *title = xstrndup(f[3].p, f[3].n);
		struct doc *d = add_doc(s, f[0].p, f[0].n, file, f[2].p, f[2].n, title, (enum search_kind)kind);
		free(file);
		free(title);
		d->snippet = xstrndup(f[4].p, f[4].n);
		d->body = xstrndup(f[5].p, f[5].n);
	}
	struct span *stems = xcalloc(bp->nstems + 1, sizeof *stems);
	off = bp->stems;
	for (uint32_t i = 0; i < bp->nstems; i++) {
		get_str(p, len, &off, &stems[i]);
		map[i] = UINT32_MAX;
	}
	off = bp->words;
	for (uint32_t i = 0; i < bp->nwords; i++) {
		struct span w;
		uint32_t st = 0;
		get_str(p, len, &off, &w);
		get_u32(p, len, &off, &st);
		long wid = strtab_find(&s->words, w.p, w.n);
		if (wid < 0)
			wid = add_word(s, w.p, w.n, stem_id(s, stems[st].p, stems[st].n));
		map[st] = s->word_stem[wid];
	}
	free(stems);
}

/* The postings of several batches, appended on every core: part t of
 * parts takes the stems whose number is t modulo parts, so no two threads
 * touch one list, and each takes the batches in order. */
struct merging {
	struct search_index *s;
	const char *const *p;
	const struct batch_parts *bp;
	uint32_t *const *map;
	const uint32_t *base;
	size_t n, parts;
};

static uint32_t le32(const unsigned char *q)
{
	return (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
}

/* Appends a batch's postings of a stem (sl bytes at q, n of them, the
 * last document end - 1, all counted from the batch's document 0) to pl,
 * the batch's documents starting at base: only the first posting is
 * written anew, as it now counts from pl's last. */
static void post_append(struct postings *pl, const unsigned char *q, uint32_t sl, uint32_t n, uint32_t end,
			uint32_t base)
{
	if (!n)
		return;
	post_close(pl);
	uint64_t v;
	size_t k = first_posting(q, sl, &v); /* batch_check saw it end */
	char first[8];
	size_t fl = posting_digits(first, base + (uint32_t)(v >> 5) - pl->next, (uint32_t)(v & 31));
	buf_grow(&pl->enc, fl + sl - k);
	buf_put(&pl->enc, first, fl);
	buf_put(&pl->enc, (const char *)q + k, sl - k);
	pl->next = base + end;
	pl->n += n;
}

static void merge_postings(void *ctx, size_t t)
{
	const struct merging *m = ctx;
	for (size_t b = 0; b < m->n; b++) {
		/* batch_check saw every length and digit */
		const unsigned char *q = (const unsigned char *)m->p[b] + m->bp[b].post;
		for (uint32_t i = 0; i < m->bp[b].nstems; i++) {
			uint32_t n = le32(q), end = le32(q + 4), sl = le32(q + 8), id = m->map[b][i];
			q += 12;
			if (id != UINT32_MAX && id % m->parts == t)
				post_append(&m->s->post[id], q, sl, n, end, m->base[b]);
			q += sl;
		}
	}
}

/* Batches are checked on every core. */
struct checking {
	const char *const *p;
	const size_t *len;
	struct batch_parts *bp;
	atomic_int bad;
};

static void check_one(void *ctx, size_t b)
{
	struct checking *c = ctx;
	if (batch_check(c->p[b], c->len[b], &c->bp[b]) < 0)
		atomic_store(&c->bad, 1);
}

int search_merge_encoded_many(struct search_index *s, const char *const *p, const size_t *len, size_t n,
			      int jobs)
{
	struct batch_parts *bp = xcalloc(n ? n : 1, sizeof *bp);
	struct checking c = { p, len, bp, 0 };
	par_for(n, jobs, check_one, &c);
	if (atomic_load(&c.bad)) {
		free(bp);
		return -1;
	}
	uint32_t **map = xcalloc(n ? n : 1, sizeof *map), *base = xcalloc(n ? n : 1, sizeof *base);
	for (size_t b = 0; b < n; b++) {
		base[b] = (uint32_t)s->ndocs;
		map[b] = xmalloc((bp[b].nstems + 1) * sizeof **map);
		merge_names(s, p[b], len[b], &bp[b], map[b]);
	}
	struct merging m = { s, p, bp, map, base, n, jobs > 1 ? (size_t)jobs : 1 };
	par_for(m.parts, jobs, merge_postings, &m);
	for (size_t b = 0; b < n; b++)
		free(map[b]);
	free(map);
	free(base);
	free(bp);
	return 0;
}

int search_merge_encoded(struct search_index *s, const char *p, size_t len)
{
	return search_merge_encoded_many(s, &p, &len, 1, 1);
}

int search_batch_valid(const char *p, size_t len)
{
	struct batch_parts bp;
	return batch_check(p, len, &bp) == 0;
}

/* ---- writing ---- */

/* Inflected forms: for a lower-case ASCII stem of 3+ letters, form bit
 * r * 16 + k is the stem minus r final letters (r = 1 only after i, e or
 * y) plus SUFFIXES[k], or for k >= 13 (r = 0, final consonant) the final
 * letter doubled plus DOUBLED[k - 13].  A stem's mask sets the bits of
 * the forms Snowball folds into it, so "monitored" finds a page that
 * only says "monitoring" without a stemmer in the browser; search.js
 * expands the mask with the same table. */
static const char *const SUFFIXES[] = {
	"", "e", "s", "es", "ed", "d", "ing", "er", "ers", "y", "ies", "ied", "ly",
};
static const char *const DOUBLED[] = { "ed", "ing", "er" };
#define N_SUFFIXES 13

/* Writes form bit of stem into out; returns 0 if the rule does not apply. */
static int form_of(const char *stem, int bit, struct buf *out)
{
	size_t sl = strlen(stem), r = (size_t)bit / 16, k = (size_t)bit % 16;
	const char *c;

	if (sl < 3)
		return 0;
	for (c = stem; *c; c++)
		if (*c < 'a' || *c > 'z')
			return 0;
	if (r == 1 && !strchr("iey", stem[sl - 1]))
		return 0;
	if (k >= N_SUFFIXES && (r || strchr("aeiouwxy", stem[sl - 1])))
		return 0;
	buf_reset(out);
	buf_put(out, stem, sl - r);
	if (k < N_SUFFIXES) {
		buf_puts(out, SUFFIXES[k]);
	} else {
		buf_putc(out, stem[sl - 1]);
		buf_puts(out, DOUBLED[k - N_SUFFIXES]);
	}
	return 1;
}

/* The mask of forms that stem folds: not stop words, stemmed back to it. */
static uint32_t form_mask(struct sb_stemmer *st, const char *stem, struct buf *tmp,
			  struct buf *out)
{
	uint32_t mask = 0;
	int bit;

	for (bit = 0; bit < 32; bit++) {
		if (!form_of(stem, bit, tmp) || search_is_stop_word(tmp->ptr))
			continue;
		buf_reset(out);
		stem_into(st, tmp->ptr, tmp->len, out);
		if (strcmp(out->ptr, stem) == 0)
			mask |= (uint32_t)1 << bit;
	}
	return mask;
}

/* How w is written in its stem's entry: the stem minus *drop trailing
 * ASCII characters, then w + return value.  Returns -1 when w cannot be
 * written that way (it shares too little of the stem). */
static long stem_suffix(const char *w, const char *st, size_t *drop)
{
	size_t i = 0, sl = strlen(st), k;

	while (w[i] && w[i] == st[i])
		i++;
	while (i > 0 && ((unsigned char)w[i] & 0xC0) == 0x80)
		i--; /* stay on a code point boundary */
	*drop = sl - i;
	if (*drop > 3)
		return -1;
	for (k = i; k < sl; k++)
		if ((unsigned char)st[k] >= 0x80)
			return -1;
	return (long)i;
}

/* The bits of mask whose forms of stem are words of the index that the
 * mask stands for (covered: not listed with the stem's suffixes). */
static uint32_t seen_forms(const struct search_index *s, const char *stem, uint32_t mask, const uint8_t *covered,
			   struct buf *form)
{
	uint32_t seen = 0;
	for (int bit = 0; bit < 32; bit++) {
		if (!(mask >> bit & 1) || !form_of(stem, bit, form))
			continue;
		long wid = strtab_find(&s->words, form->ptr, form->len);
		if (wid >= 0 && covered[wid])
			seen |= (uint32_t)1 << bit;
	}
	return seen;
}

static void put_varint(struct buf *b, uint32_t v)
{
	char d[8];
	buf_put(b, d, digits_of(d, v));
}

/* A word or stem placed by its key into a bucket (a prefix) of the shard
 * directory; size estimates its bytes in the shard. */
struct item {
	const char *key;
	size_t size;
};

struct bucket {
	char *key;
	size_t size;
};

struct buckets {
	struct bucket *b;
	size_t n, cap;
};

static int item_cmp(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->key, ((const struct item *)b)->key);
}

/* Groups sorted items by their first ncp code points; a group bigger
 * than SHARD_TARGET is split by one more code point (its items no longer
 * than ncp stay in a bucket keyed by the group's prefix). */
static void make_buckets(const struct item *it, size_t n, size_t ncp, struct buckets *out)
{
	size_t i = 0;

	while (i < n) {
		size_t kl = cp_prefix(it[i].key, ncp), j = i, total = 0;
		while (j < n && cp_prefix(it[j].key, ncp) == kl &&
		       memcmp(it[j].key, it[i].key, kl) == 0)
			total += it[j++].size;
		if (total > SHARD_TARGET && ncp < MAX_KEY && strlen(it[j - 1].key) > kl) {
			make_buckets(it + i, j - i, ncp + 1, out);
		} else {
			if (out->n == out->cap) {
				out->cap = out->cap ? out->cap * 2 : 64;
				out->b = xrealloc(out->b, out->cap * sizeof *out->b);
			}
			out->b[out->n].key = xstrndup(it[i].key, kl);
			out->b[out->n++].size = total;
		}
		i = j;
	}
}

/* The bucket whose key is the longest prefix of w (every indexed word and
 * stem has one). */
static uint32_t bucket_of(const struct strtab *keys, const char *w)
{
	size_t ncp, kl, last = (size_t)-1;
	long id;

	for (ncp = MAX_KEY; ncp > 0; ncp--) {
		kl = cp_prefix(w, ncp);
		if (kl == last)
			continue;
		last = kl;
		id = strtab_find(keys, w, kl);
		if (id >= 0)
			return (uint32_t)id;
	}
	return 0;
}

void search_set_writer(struct search_index *s, search_writer_fn fn, void *ctx)
{
	s->writer = fn;
	s->writer_ctx = ctx;
}

void search_set_texts_writer(struct search_index *s, search_texts_fn fn)
{
	s->texts_writer = fn;
}

static int write_file(struct search_index *s, const char *dir, const char *name,
		      const struct buf *b, struct diag *d)
{
	if (s->writer) {
		if (s->writer(s->writer_ctx, name, b->ptr ? b->ptr : "", b->len) < 0)
			return -1;
		atomic_fetch_add(&s->bytes_written, b->len);
		atomic_fetch_add(&s->files_written, 1);
		return 0;
	}
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	int rc = -1;

	if (!f)
		goto fail;
	if (b->len && fwrite(b->ptr, 1, b->len, f) != b->len) {
		fclose(f);
		goto fail;
	}
	if (fclose(f) != 0)
		goto fail;
	atomic_fetch_add(&s->bytes_written, b->len);
	atomic_fetch_add(&s->files_written, 1);
	rc = 0;
fail:
	if (rc)
		diag_error(d, NULL, 0, 0, "cannot write %s: %s", path, strerror(errno));
	free(path);
	return rc;
}

/* Per shard: its stem entries and its exception words (words whose stem
 * is not a prefix of them or lives in another shard). */
struct shard {
	struct buf stems, words;
};

void search_set_jobs(struct search_index *s, int jobs)
{
	s->jobs = jobs < 1 ? 1 : jobs;
}

/* Shards are made and written on every core (the writer is thread-safe). */
struct shard_writing {
	struct search_index *s;
	const char *out_dir;
	const struct shard *sh;
	struct diag *d;
	atomic_int failed;
};

static void write_shard(void *ctx, size_t i)
{
	struct shard_writing *w = ctx;
	char *name = xasprintf("search-%02zu.js", i);
	struct buf b = BUF_INIT;
	buf_printf(&b, "quireSearch.add(%zu,{", i);
	buf_put(&b, buf_cstr(&w->sh[i].stems), w->sh[i].stems.len);
	buf_puts(&b, "},{");
	buf_put(&b, buf_cstr(&w->sh[i].words), w->sh[i].words.len);
	buf_puts(&b, "});\n");
	if (write_file(w->s, w->out_dir, name, &b, w->d))
		atomic_store(&w->failed, 1);
	buf_free(&b);
	free(name);
}

/* The snippets, TEXT_CHUNK documents a file, or (body) the pages'
 * texts, BODY_CHUNK a file, on every core. */
struct text_writing {
	struct search_index *s;
	const char *out_dir;
	struct diag *d;
	int body;
	atomic_int failed;
};

void search_put_texts(struct buf *b, size_t chunk, const char *const *texts, size_t n)
{
	buf_printf(b, "quireSearch.body(%zu,[", chunk);
	for (size_t j = 0; j < n; j++) {
		buf_puts(b, j ? ",\n" : "\n");
		put_js_cstr(b, texts[j]);
	}
	buf_puts(b, "]);\n");
}

static void write_text(void *ctx, size_t i)
{
	struct text_writing *w = ctx;
	const struct search_index *s = w->s;
	size_t chunk = w->body ? BODY_CHUNK : TEXT_CHUNK, first = i * chunk;
	size_t n = s->ndocs - first < chunk ? s->ndocs - first : chunk;
	char *name = xasprintf(w->body ? "search-body-%02zu.js" : "search-text-%02zu.js", i);
	struct buf b = BUF_INIT;
	if (w->body && s->writer && s->texts_writer) {
		if (s->texts_writer(s->writer_ctx, name, i, first, n) < 0)
			atomic_store(&w->failed, 1);
		atomic_fetch_add(&w->s->files_written, 1);
	} else if (w->body) {
		const char *texts[BODY_CHUNK];
		for (size_t j = 0; j < n; j++)
			texts[j] = s->docs[first + j].body;
		search_put_texts(&b, i, texts, n);
	} else {
		buf_printf(&b, "quireSearch.text(%zu,[", i);
		for (size_t j = 0; j < n; j++) {
			buf_puts(&b, j ? ",\n" : "\n");
			put_js_cstr(&b, s->docs[first + j].snippet);
		}
		buf_puts(&b, "]);\n");
	}
	if (b.len && write_file(w->s, w->out_dir, name, &b, w->d))
		atomic_store(&w->failed, 1);
	buf_free(&b);
	free(name);
}

int search_write(struct search_index *s, const char *out_dir, struct diag *d)
{
	size_t nstems = s->stems.n, nwords = s->words.n, i, nitems = 0;
	size_t nshards = 0, shard_size = 0, nlists;
	struct buf *sufs = xcalloc(nstems + 1, sizeof *sufs);
	struct item *items = xmalloc((nstems + nwords + 1) * sizeof *items);
	uint32_t *stem_bucket = xmalloc((nstems + 1) * sizeof *stem_bucket);
	uint32_t *mask = xcalloc(nstems + 1, sizeof *mask);
	uint8_t *covered = xcalloc(nwords + 1, 1); /* word is a form in a mask */
	uint32_t *shard_of = NULL, *shard_start = NULL;
	struct buckets bk = { NULL, 0, 0 };
	struct strtab keys = { 0 };
	struct shard *sh = NULL;
	struct buf b = BUF_INIT, val = BUF_INIT, form = BUF_INIT;
	int rc = -1, added, bit;
	long wid;

	atomic_store(&s->bytes_written, 0);
	atomic_store(&s->files_written, 0);

	/* Size every entry, then cut the sorted keys into buckets. */
	free(s->masks);
	s->masks = xcalloc(nstems + 1, sizeof *s->masks);
	s->masks_new = 0;
	for (i = 0; i < nstems; i++) {
		long k = s->known.n ? strtab_find(&s->known, s->stems.str[i], s->stems.len[i]) : -1;
		if (k >= 0) {
			mask[i] = s->known_mask[k];
		} else {
			mask[i] = form_mask(s->stemmer, s->stems.str[i], &form, &val);
			s->masks_new = 1;
		}
		for (bit = 0; bit < 32; bit++) {
			if (!(mask[i] >> bit & 1))
				continue;
			if (!form_of(s->stems.str[i], bit, &form)) {
				/* (a damaged table cannot claim a form there is not) */
				mask[i] &= ~((uint32_t)1 << bit);
				continue;
			}
			wid = strtab_find(&s->words, form.ptr, form.len);
			if (wid >= 0)
				covered[wid] = 1;
		}
		s->masks[i] = mask[i];
	}
	for (i = 0; i < nstems; i++) {
		post_close(&s->post[i]);
		items[nitems].key = s->stems.str[i];
		items[nitems++].size = strlen(s->stems.str[i]) + s->post[i].enc.len + 7 + (mask[i] ? 8 : 0);
	}
	for (i = 0; i < nwords; i++) {
		const char *w = s->words.str[i], *st = s->stems.str[s->word_stem[i]];
		size_t drop, wl = strlen(w);
		long at = stem_suffix(w, st, &drop);
		items[nitems].key = w;
		items[nitems++].size = covered[i] ? 0 : at >= 0 ? wl - (size_t)at + drop + 1
							       : wl + strlen(st) + 6;
	}
	qsort(items, nitems, sizeof *items, item_cmp);
	make_buckets(items, nitems, FIRST_KEY, &bk);

	/* Pack consecutive buckets into shards of about SHARD_TARGET bytes. */
	shard_of = xmalloc((bk.n + 1) * sizeof *shard_of);
	shard_start = xmalloc((bk.n + 1) * sizeof *shard_start);
	for (i = 0; i < bk.n; i++) {
		if (i == 0 || shard_size + bk.b[i].size > SHARD_TARGET) {
			shard_start[nshards++] = (uint32_t)i;
			shard_size = 0;
		}
		shard_size += bk.b[i].size;
		shard_of[i] = (uint32_t)(nshards - 1);
		strtab_intern(&keys, bk.b[i].key, strlen(bk.b[i].key), &added);
	}
	sh = xcalloc(nshards ? nshards : 1, sizeof *sh);

	/* Attach each word to its stem's entry when the stem is a prefix of it
	 * and both share a bucket; otherwise list it as an exception.  Words
	 * go in sorted order so suffix lists come out sorted. */
	/* A form stays in the mask only if the page looks for it in the
	 * stem's bucket; a corpus word dropped from a mask is listed. */
	for (i = 0; i < nstems; i++) {
		stem_bucket[i] = bucket_of(&keys, s->stems.str[i]);
		for (bit = 0; bit < 32; bit++) {
			if (!(mask[i] >> bit & 1))
				continue;
			form_of(s->stems.str[i], bit, &form);
			if (bucket_of(&keys, form.ptr) == stem_bucket[i])
				continue;
			mask[i] &= ~((uint32_t)1 << bit);
			wid = strtab_find(&s->words, form.ptr, form.len);
			if (wid >= 0)
				covered[wid] = 0;
		}
	}
	for (i = 0; i < nitems; i++) {
		long at;
		const char *w, *st;
		uint32_t sid, wb;
		size_t drop;
		/* a stem spelt like a word sorts next to it: handle each key once */
		if (i > 0 && strcmp(items[i - 1].key, items[i].key) == 0)
			continue;
		wid = strtab_find(&s->words, items[i].key, strlen(items[i].key));
		if (wid < 0 || covered[wid])
			continue;
		w = s->words.str[wid];
		sid = s->word_stem[wid];
		st = s->stems.str[sid];
		wb = bucket_of(&keys, w);
		at = stem_suffix(w, st, &drop);
		if (wb == stem_bucket[sid] && at >= 0) {
			buf_putc(&sufs[sid], ',');
			while (drop--)
				buf_putc(&sufs[sid], '-');
			buf_puts(&sufs[sid], w + at);
		} else {
			struct buf *x = &sh[shard_of[wb]].words;
			buf_puts(x, x->len ? ",\n" : "\n");
			put_js_cstr(x, w);
			buf_putc(x, ':');
			put_js_cstr(x, st);
		}
	}

	/* Stem entries, in sorted order. */
	for (i = 0; i < nitems; i++) {
		long sid = strtab_find(&s->stems, items[i].key, strlen(items[i].key));
		struct buf *x;
		if (sid < 0 || (i > 0 && strcmp(items[i - 1].key, items[i].key) == 0))
			continue;
		x = &sh[shard_of[stem_bucket[sid]]].stems;
		buf_puts(x, x->len ? ",\n" : "\n");
		put_js_cstr(x, items[i].key);
		buf_putc(x, ':');
		buf_reset(&val);
		buf_put(&val, buf_cstr(&sufs[sid]), sufs[sid].len);
		buf_putc(&val, '|');
		if (mask[sid]) {
			put_varint(&val, mask[sid]);
			buf_putc(&val, '|');
			/* the forms of the mask pages have as written: "did you
			 * mean" offers only words the site has */
			uint32_t seen = seen_forms(s, s->stems.str[sid], mask[sid], covered, &form);
			if (seen) {
				put_varint(&val, seen);
				buf_putc(&val, '|');
			}
		}
		/* The postings are ALPHABET digits, which a JavaScript string
		 * holds as they are: only the rest is escaped. */
		buf_putc(x, '"');
		put_js_chars(x, val.ptr, val.len);
		buf_put(x, buf_cstr(&s->post[sid].enc), s->post[sid].enc.len);
		buf_putc(x, '"');
	}

	struct shard_writing sw = { s, out_dir, sh, d, 0 };
	par_for(nshards, s->jobs, write_shard, &sw);
	if (atomic_load(&sw.failed))
		goto fail;

	struct text_writing tw = { s, out_dir, d, 0, 0 };
	par_for((s->ndocs + TEXT_CHUNK - 1) / TEXT_CHUNK, s->jobs, write_text, &tw);
	if (atomic_load(&tw.failed))
		goto fail;
	tw.body = 1;
	par_for((s->ndocs + BODY_CHUNK - 1) / BODY_CHUNK, s->jobs, write_text, &tw);
	if (atomic_load(&tw.failed))
		goto fail;

	/* The index proper: everything the first query needs besides a shard. */
	buf_reset(&b);
	buf_puts(&b, "/* quire search index (generated). Read by assets/search.js. */\n"
		     "window.quireSearchIndex={\"version\":1,");
	buf_printf(&b, "\"chunk\":%d,\"bodychunk\":%d,\"maxkey\":%d,\"ndocs\":%zu,\n\"stop\":\"",
		   TEXT_CHUNK, BODY_CHUNK, MAX_KEY, s->ndocs);
	for (i = 0; i < N_STOP; i++) {
		if (i)
			buf_putc(&b, ' ');
		buf_puts(&b, STOP_WORDS[i]);
	}
	buf_puts(&b, "\",\n\"keys\":");
	buf_reset(&val);
	for (i = 0; i < bk.n; i++) {
		/* keys are word characters: never a space */
		if (i)
			buf_putc(&val, ' ');
		buf_puts(&val, bk.b[i].key);
	}
	put_js_string(&b, buf_cstr(&val), val.len);
	buf_puts(&b, ",\n\"starts\":[");
	for (i = 0; i < nshards; i++) {
		if (i)
			buf_putc(&b, ',');
		buf_put_dec(&b, shard_start[i]);
	}
	buf_puts(&b, "],\n\"sections\":[");
	for (i = 0; i < s->sections.n; i++) {
		if (i)
			buf_putc(&b, ',');
		put_js_cstr(&b, s->sections.str[i]);
	}
	/* the documents that are lists, in order: a few of the site's */
	buf_puts(&b, "],\n\"lists\":[");
	for (i = 0, nlists = 0; i < s->ndocs; i++) {
		if (s->docs[i].kind != SEARCH_LIST)
			continue;
		if (nlists++)
			buf_putc(&b, ',');
		buf_put_dec(&b, i);
	}
	buf_puts(&b, "],\n");
	put_synonyms(s, &b);
	buf_puts(&b, "\"dirs\":[");
	for (i = 0; i < s->dirs.n; i++) {
		if (i)
			buf_putc(&b, ',');
		put_js_cstr(&b, s->dirs.str[i]);
	}
	/* docs: flat [dir, file, title, section] per document; file drops a
	 * final ".html", or starts with "!" when it is kept verbatim. */
	buf_puts(&b, "],\n\"docs\":[");
	for (i = 0; i < s->ndocs; i++) {
		const struct doc *dc = &s->docs[i];
		size_t fl = strlen(dc->file);
		buf_puts(&b, i ? ",\n" : "\n");
		buf_put_dec(&b, dc->dir);
		buf_putc(&b, ',');
		if (fl > 5 && dc->file[0] != '!' && strcmp(dc->file + fl - 5, ".html") == 0) {
			put_js_string(&b, dc->file, fl - 5);
		} else {
			char *lit = xasprintf("!%s", dc->file);
			put_js_cstr(&b, lit);
			free(lit);
		}
		buf_putc(&b, ',');
		put_js_cstr(&b, dc->title);
		buf_putc(&b, ',');
		buf_put_dec(&b, dc->section);
	}
	buf_puts(&b, "]};\n");
	rc = write_file(s, out_dir, "search-index.js", &b, d);

fail:
	for (i = 0; i < nstems; i++)
		buf_free(&sufs[i]);
	for (i = 0; i < bk.n; i++)
		free(bk.b[i].key);
	for (i = 0; sh && i < nshards; i++) {
		buf_free(&sh[i].stems);
		buf_free(&sh[i].words);
	}
	free(sh);
	free(bk.b);
	strtab_free(&keys);
	free(sufs);
	free(items);
	free(stem_bucket);
	free(shard_of);
	free(shard_start);
	free(mask);
	free(covered);
	buf_free(&b);
	buf_free(&val);
	buf_free(&form);
	return rc;
}

size_t search_bytes_written(const struct search_index *s)
{
	return s->bytes_written;
}

size_t search_files_written(const struct search_index *s)
{
	return s->files_written;
}

void search_masks_load(struct search_index *s, const char *data, size_t len)
{
	size_t cap = s->known_cap;
	for (const char *p = data, *end = data + len; end - p > 4;) {
		const char *stem = p + 4, *nul = memchr(stem, '\0', (size_t)(end - stem));
		if (!nul || nul == stem)
			break;
		int added;
		uint32_t id = strtab_intern(&s->known, stem, (size_t)(nul - stem), &added);
		if (id >= cap) {
			cap = cap ? 2 * cap : 1024;
			s->known_mask = xrealloc(s->known_mask, cap * sizeof *s->known_mask);
		}
		s->known_mask[id] = get_u32le((const unsigned char *)p);
		p = nul + 1;
	}
	s->known_cap = cap;
}

int search_masks_save(const struct search_index *s, struct buf *out)
{
	if (!s->masks_new)
		return 0;
	for (size_t i = 0; i < s->stems.n; i++) {
		buf_put_u32le(out, s->masks[i]);
		buf_put(out, s->stems.str[i], (size_t)s->stems.len[i] + 1);
	}
	return 1;
}

void search_free(struct search_index *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->ndocs; i++) {
		free(s->docs[i].file);
		free(s->docs[i].title);
		free(s->docs[i].snippet);
		free(s->docs[i].body);
	}
	for (i = 0; i < s->stems.n; i++)
		buf_free(&s->post[i].enc);
	free(s->post);
	free(s->docs);
	free(s->word_stem);
	strtab_free(&s->words);
	strtab_free(&s->stems);
	strtab_free(&s->dirs);
	strtab_free(&s->sections);
	strtab_free(&s->known);
	free(s->known_mask);
	free(s->masks);
	for (i = 0; i < s->nsyn; i++) {
		free(s->syn[i].word);
		free(s->syn[i].syn);
	}
	free(s->syn);
	sb_stemmer_delete(s->stemmer);
	free(s);
}

void search_stemmer_fp(uint64_t fp[2])
{
	/* words each of whose stems goes through a different Snowball rule */
	static const char *const probes[] = {
		"caresses", "ponies", "cats", "agreed", "disabled", "matting", "messing", "meeting",
		"happiness", "relational", "conditional", "generalization", "generously", "triplicate",
		"formative", "electrical", "adjustable", "controlling", "effective", "employment",
		"dependent", "adoption", "homologous", "communism", "activate", "angularity",
		"discriminating", "allowances", "monitoring", "sky", "dying", "news", "proceeded",
	};
	struct sb_stemmer *st = sb_stemmer_new("english", NULL);
	struct buf all = BUF_INIT;
	if (!st) {
		fprintf(stderr, "quire: libstemmer has no English stemmer\n");
		abort();
	}
	for (size_t i = 0; i < sizeof probes / sizeof *probes; i++) {
		stem_into(st, probes[i], strlen(probes[i]), &all);
		buf_putc(&all, '\0');
	}
	sb_stemmer_delete(st);
	uint32_t h = hash_bytes(all.ptr, all.len);
	fp[0] = h;
	fp[1] = all.len;
	buf_free(&all);
}

char *search_stem(const char *word)
{
	struct sb_stemmer *st = sb_stemmer_new("english", NULL);
	const unsigned char *p = (const unsigned char *)word;
	struct buf low = BUF_INIT, out = BUF_INIT;
	size_t i = 0, n = strlen(word);
	uint32_t c;

	if (!st) {
		fprintf(stderr, "quire: libstemmer has no English stemmer\n");
		abort();
	}
	while (i < n) {
		i += utf8_decode(p + i, n - i, &c);
		put_word_cp(&low, c);
	}
	stem_into(st, buf_cstr(&low), low.len, &out);
	sb_stemmer_delete(st);
	buf_free(&low);
	return buf_detach(&out);
}
