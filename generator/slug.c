/* slug: text to URL/id fragment. */
#include "slug.h"

#include <string.h>

#include "buf.h"

/* Latin letters are folded to ASCII as readers type them: "é" is
 * searched as "e", "Bărbulescu" found by "barbulescu", "Łódź" by "lodz".
 * A letter folds when its canonical decomposition is an ASCII letter and
 * combining marks only, or is one of the Latin letters with no such
 * decomposition that fold_table.py lists with the ASCII people write for
 * them (Ł is l, ß is ss, Þ is th, the ligature ﬃ ffi); other scripts'
 * letters stay (й is not и).  A fold is one to three letters, so each
 * entry has room for three and the NUL.  FOLD_MARK holds the blocks of
 * combining marks that folding drops. */
/* 635 code points (Unicode 14.0.0): tests/tools/fold_table.py */
static const uint16_t FOLD_CP[] = {
	0x00C0, 0x00C1, 0x00C2, 0x00C3, 0x00C4, 0x00C5, 0x00C6, 0x00C7, 0x00C8, 0x00C9,
	0x00CA, 0x00CB, 0x00CC, 0x00CD, 0x00CE, 0x00CF, 0x00D0, 0x00D1, 0x00D2, 0x00D3,
	0x00D4, 0x00D5, 0x00D6, 0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x00DD, 0x00DE,
	0x00DF, 0x00E0, 0x00E1, 0x00E2, 0x00E3, 0x00E4, 0x00E5, 0x00E6, 0x00E7, 0x00E8,
	0x00E9, 0x00EA, 0x00EB, 0x00EC, 0x00ED, 0x00EE, 0x00EF, 0x00F0, 0x00F1, 0x00F2,
	0x00F3, 0x00F4, 0x00F5, 0x00F6, 0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x00FD,
	0x00FE, 0x00FF, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104, 0x0105, 0x0106, 0x0107,
	0x0108, 0x0109, 0x010A, 0x010B, 0x010C, 0x010D, 0x010E, 0x010F, 0x0110, 0x0111,
	0x0112, 0x0113, 0x0114, 0x0115, 0x0116, 0x0117, 0x0118, 0x0119, 0x011A, 0x011B,
	0x011C, 0x011D, 0x011E, 0x011F, 0x0120, 0x0121, 0x0122, 0x0123, 0x0124, 0x0125,
	0x0126, 0x0127, 0x0128, 0x0129, 0x012A, 0x012B, 0x012C, 0x012D, 0x012E, 0x012F,
	0x0130, 0x0131, 0x0132, 0x0133, 0x0134, 0x0135, 0x0136, 0x0137, 0x0138, 0x0139,
	0x013A, 0x013B, 0x013C, 0x013D, 0x013E, 0x013F, 0x0140, 0x0141, 0x0142, 0x0143,
	0x0144, 0x0145, 0x0146, 0x0147, 0x0148, 0x0149, 0x014A, 0x014B, 0x014C, 0x014D,
	0x014E, 0x014F, 0x0150, 0x0151, 0x0152, 0x0153, 0x0154, 0x0155, 0x0156, 0x0157,
	0x0158, 0x0159, 0x015A, 0x015B, 0x015C, 0x015D, 0x015E, 0x015F, 0x0160, 0x0161,
	0x0162, 0x0163, 0x0164, 0x0165, 0x0166, 0x0167, 0x0168, 0x0169, 0x016A, 0x016B,
	0x016C, 0x016D, 0x016E, 0x016F, 0x0170, 0x0171, 0x0172, 0x0173, 0x0174, 0x0175,
	0x0176, 0x0177, 0x0178, 0x0179, 0x017A, 0x017B, 0x017C, 0x017D, 0x017E, 0x017F,
	0x0180, 0x0181, 0x0182, 0x0183, 0x0187, 0x0188, 0x0189, 0x018A, 0x018B, 0x018C,
	0x0190, 0x0191, 0x0192, 0x0193, 0x0195, 0x0196, 0x0197, 0x0198, 0x0199, 0x019A,
	0x019D, 0x019E, 0x01A0, 0x01A1, 0x01A2, 0x01A3, 0x01A4, 0x01A5, 0x01AB, 0x01AC,
	0x01AD, 0x01AE, 0x01AF, 0x01B0, 0x01B2, 0x01B3, 0x01B4, 0x01B5, 0x01B6, 0x01C4,
	0x01C5, 0x01C6, 0x01C7, 0x01C8, 0x01C9, 0x01CA, 0x01CB, 0x01CC, 0x01CD, 0x01CE,
	0x01CF, 0x01D0, 0x01D1, 0x01D2, 0x01D3, 0x01D4, 0x01D5, 0x01D6, 0x01D7, 0x01D8,
	0x01D9, 0x01DA, 0x01DB, 0x01DC, 0x01DE, 0x01DF, 0x01E0, 0x01E1, 0x01E2, 0x01E3,
	0x01E4, 0x01E5, 0x01E6, 0x01E7, 0x01E8, 0x01E9, 0x01EA, 0x01EB, 0x01EC, 0x01ED,
	0x01F0, 0x01F1, 0x01F2, 0x01F3, 0x01F4, 0x01F5, 0x01F6, 0x01F8, 0x01F9, 0x01FA,
	0x01FB, 0x01FC, 0x01FD, 0x01FE, 0x01FF, 0x0200, 0x0201, 0x0202, 0x0203, 0x0204,
	0x0205, 0x0206, 0x0207, 0x0208, 0x0209, 0x020A, 0x020B, 0x020C, 0x020D, 0x020E,
	0x020F, 0x0210, 0x0211, 0x0212, 0x0213, 0x0214, 0x0215, 0x0216, 0x0217, 0x0218,
	0x0219, 0x021A, 0x021B, 0x021E, 0x021F, 0x0220, 0x0221, 0x0224, 0x0225, 0x0226,
	0x0227, 0x0228, 0x0229, 0x022A, 0x022B, 0x022C, 0x022D, 0x022E, 0x022F, 0x0230,
	0x0231, 0x0232, 0x0233, 0x0234, 0x0235, 0x0236, 0x0237, 0x0238, 0x0239, 0x023A,
	0x023B, 0x023C, 0x023D, 0x023E, 0x023F, 0x0240, 0x0243, 0x0244, 0x0246, 0x0247,
	0x0248, 0x0249, 0x024C, 0x024D, 0x024E, 0x024F, 0x0253, 0x0256, 0x0257, 0x025B,
	0x0260, 0x0268, 0x0269, 0x0272, 0x0288, 0x0289, 0x028B, 0x1E00, 0x1E01, 0x1E02,
	0x1E03, 0x1E04, 0x1E05, 0x1E06, 0x1E07, 0x1E08, 0x1E09, 0x1E0A, 0x1E0B, 0x1E0C,
	0x1E0D, 0x1E0E, 0x1E0F, 0x1E10, 0x1E11, 0x1E12, 0x1E13, 0x1E14, 0x1E15, 0x1E16,
	0x1E17, 0x1E18, 0x1E19, 0x1E1A, 0x1E1B, 0x1E1C, 0x1E1D, 0x1E1E, 0x1E1F, 0x1E20,
	0x1E21, 0x1E22, 0x1E23, 0x1E24, 0x1E25, 0x1E26, 0x1E27, 0x1E28, 0x1E29, 0x1E2A,
	0x1E2B, 0x1E2C, 0x1E2D, 0x1E2E, 0x1E2F, 0x1E30, 0x1E31, 0x1E32, 0x1E33, 0x1E34,
	0x1E35, 0x1E36, 0x1E37, 0x1E38, 0x1E39, 0x1E3A, 0x1E3B, 0x1E3C, 0x1E3D, 0x1E3E,
	0x1E3F, 0x1E40, 0x1E41, 0x1E42, 0x1E43, 0x1E44, 0x1E45, 0x1E46, 0x1E47, 0x1E48,
	0x1E49, 0x1E4A, 0x1E4B, 0x1E4C, 0x1E4D, 0x1E4E, 0x1E4F, 0x1E50, 0x1E51, 0x1E52,
	0x1E53, 0x1E54, 0x1E55, 0x1E56, 0x1E57, 0x1E58, 0x1E59, 0x1E5A, 0x1E5B, 0x1E5C,
	0x1E5D, 0x1E5E, 0x1E5F, 0x1E60, 0x1E61, 0x1E62, 0x1E63, 0x1E64, 0x1E65, 0x1E66,
	0x1E67, 0x1E68, 0x1E69, 0x1E6A, 0x1E6B, 0x1E6C, 0x1E6D, 0x1E6E, 0x1E6F, 0x1E70,
	0x1E71, 0x1E72, 0x1E73, 0x1E74, 0x1E75, 0x1E76, 0x1E77, 0x1E78, 0x1E79, 0x1E7A,
	0x1E7B, 0x1E7C, 0x1E7D, 0x1E7E, 0x1E7F, 0x1E80, 0x1E81, 0x1E82, 0x1E83, 0x1E84,
	0x1E85, 0x1E86, 0x1E87, 0x1E88, 0x1E89, 0x1E8A, 0x1E8B, 0x1E8C, 0x1E8D, 0x1E8E,
	0x1E8F, 0x1E90, 0x1E91, 0x1E92, 0x1E93, 0x1E94, 0x1E95, 0x1E96, 0x1E97, 0x1E98,
	0x1E99, 0x1E9A, 0x1E9B, 0x1E9C, 0x1E9D, 0x1E9E, 0x1EA0, 0x1EA1, 0x1EA2, 0x1EA3,
	0x1EA4, 0x1EA5, 0x1EA6, 0x1EA7, 0x1EA8, 0x1EA9, 0x1EAA, 0x1EAB, 0x1EAC, 0x1EAD,
	0x1EAE, 0x1EAF, 0x1EB0, 0x1EB1, 0x1EB2, 0x1EB3, 0x1EB4, 0x1EB5, 0x1EB6, 0x1EB7,
	0x1EB8, 0x1EB9, 0x1EBA, 0x1EBB, 0x1EBC, 0x1EBD, 0x1EBE, 0x1EBF, 0x1EC0, 0x1EC1,
	0x1EC2, 0x1EC3, 0x1EC4, 0x1EC5, 0x1EC6, 0x1EC7, 0x1EC8, 0x1EC9, 0x1ECA, 0x1ECB,
	0x1ECC, 0x1ECD, 0x1ECE, 0x1ECF, 0x1ED0, 0x1ED1, 0x1ED2, 0x1ED3, 0x1ED4, 0x1ED5,
	0x1ED6, 0x1ED7, 0x1ED8, 0x1ED9, 0x1EDA, 0x1EDB, 0x1EDC, 0x1EDD, 0x1EDE, 0x1EDF,
	0x1EE0, 0x1EE1, 0x1EE2, 0x1EE3, 0x1EE4, 0x1EE5, 0x1EE6, 0x1EE7, 0x1EE8, 0x1EE9,
	0x1EEA, 0x1EEB, 0x1EEC, 0x1EED, 0x1EEE, 0x1EEF, 0x1EF0, 0x1EF1, 0x1EF2, 0x1EF3,
	0x1EF4, 0x1EF5, 0x1EF6, 0x1EF7, 0x1EF8, 0x1EF9, 0x1EFA, 0x1EFB, 0x1EFC, 0x1EFD,
	0x1EFE, 0x1EFF, 0x212A, 0x212B, 0x2C65, 0x2C66, 0x2C7E, 0x2C7F, 0xFB00, 0xFB01,
	0xFB02, 0xFB03, 0xFB04, 0xFB05, 0xFB06,
};
static const char FOLD_TO[][4] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
	"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "o",
	"u", "u", "u", "u", "y", "th", "ss", "a", "a", "a", "a", "a",
	"a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", "d",
	"n", "o", "o", "o", "o", "o", "o", "u", "u", "u", "u", "y",
	"th", "y", "a", "a", "a", "a", "a", "a", "c", "c", "c", "c",
	"c", "c", "c", "c", "d", "d", "d", "d", "e", "e", "e", "e",
	"e", "e", "e", "e", "e", "e", "g", "g", "g", "g", "g", "g",
	"g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i",
	"i", "i", "i", "i", "ij", "ij", "j", "j", "k", "k", "q", "l",
	"l", "l", "l", "l", "l", "l", "l", "l", "l", "n", "n", "n",
	"n", "n", "n", "n", "n", "n", "o", "o", "o", "o", "o", "o",
	"oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s",
	"s", "s", "s", "s", "t", "t", "t", "t", "t", "t", "u", "u",
	"u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "w", "w",
	"y", "y", "y", "z", "z", "z", "z", "z", "z", "s", "b", "b",
	"b", "b", "c", "c", "d", "d", "d", "d", "e", "f", "f", "g",
	"hv", "i", "i", "k", "k", "l", "n", "n", "o", "o", "oi", "oi",
	"p", "p", "t", "t", "t", "t", "u", "u", "v", "y", "y", "z",
	"z", "dz", "dz", "dz", "lj", "lj", "lj", "nj", "nj", "nj", "a", "a",
	"i", "i", "o", "o", "u", "u", "u", "u", "u", "u", "u", "u",
	"u", "u", "a", "a", "a", "a", "ae", "ae", "g", "g", "g", "g",
	"k", "k", "o", "o", "o", "o", "j", "dz", "dz", "dz", "g", "g",
	"hv", "n", "n", "a", "a", "ae", "ae", "o", "o", "a", "a", "a",
	"a", "e", "e", "e", "e", "i", "i", "i", "i", "o", "o", "o",
	"o", "r", "r", "r", "r", "u", "u", "u", "u", "s", "s", "t",
	"t", "h", "h", "n", "d", "z", "z", "a", "a", "e", "e", "o",
	"o", "o", "o", "o", "o", "o", "o", "y", "y", "l", "n", "t",
	"j", "db", "qp", "a", "c", "c", "l", "t", "s", "z", "b", "u",
	"e", "e", "j", "j", "r", "r", "y", "y", "b", "d", "d", "e",
	"g", "i", "i", "n", "t", "u", "v", "a", "a", "b", "b", "b",
	"b", "b", "b", "c", "c", "d", "d", "d", "d", "d", "d", "d",
	"d", "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e",
	"e", "f", "f", "g", "g", "h", "h", "h", "h", "h", "h", "h",
	"h", "h", "h", "i", "i", "i", "i", "k", "k", "k", "k", "k",
	"k", "l", "l", "l", "l", "l", "l", "l", "l", "m", "m", "m",
	"m", "m", "m", "n", "n", "n", "n", "n", "n", "n", "n", "o",
	"o", "o", "o", "o", "o", "o", "o", "p", "p", "p", "p", "r",
	"r", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s",
	"s", "s", "s", "s", "s", "t", "t", "t", "t", "t", "t", "t",
	"t", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "v",
	"v", "v", "v", "w", "w", "w", "w", "w", "w", "w", "w", "w",
	"w", "x", "x", "x", "x", "y", "y", "z", "z", "z", "z", "z",
	"z", "h", "t", "w", "y", "a", "s", "s", "s", "ss", "a", "a",
	"a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a",
	"a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "e", "e",
	"e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e",
	"e", "e", "i", "i", "i", "i", "o", "o", "o", "o", "o", "o",
	"o", "o", "o", "o", "o", "o", "o", "o", "o", "o", "o", "o",
	"o", "o", "o", "o", "o", "o", "u", "u", "u", "u", "u", "u",
	"u", "u", "u", "u", "u", "u", "u", "u", "y", "y", "y", "y",
	"y", "y", "y", "y", "ll", "ll", "v", "v", "y", "y", "k", "a",
	"a", "t", "s", "z", "ff", "fi", "fl", "ffi", "ffl", "st", "st",
};
static const uint16_t FOLD_MARK[][2] = {
	{0x0300, 0x036F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x20D0, 0x20FF}, {0xFE20, 0xFE2F},
};

int slug_mark(uint32_t c)
{
	for (size_t i = 0; i < sizeof FOLD_MARK / sizeof *FOLD_MARK; i++)
		if (c >= FOLD_MARK[i][0] && c <= FOLD_MARK[i][1])
			return 1;
	return 0;
}

const char *slug_fold(uint32_t c)
{
	size_t lo = 0, hi = sizeof FOLD_CP / sizeof *FOLD_CP;
	if (c < FOLD_CP[0] || c > 0xFFFF)
		return NULL;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (FOLD_CP[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sizeof FOLD_CP / sizeof *FOLD_CP && FOLD_CP[lo] == c ? FOLD_TO[lo] : NULL;
}

/* The code point of the 2- or 3-byte UTF-8 sequence at s (n bytes
 * left), and its length; 0 when it is none. */
static size_t utf8_bmp(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (n >= 2 && (s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
		*cp = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
		return *cp >= 0x80 ? 2 : 0;
	}
	if (n >= 3 && (s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
		*cp = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
		return *cp >= 0x800 ? 3 : 0;
	}
	return 0;
}

/* Appends the letter or digit c, after a '-' when anything else came
 * between it and the last one (none at the start). */
static inline void put_alnum(struct buf *b, int *pending_dash, char c)
{
	if (*pending_dash && b->len)
		buf_putc(b, '-');
	*pending_dash = 0;
	buf_putc(b, c);
}

char *slug_maken(const char *text, size_t n)
{
	struct buf b = BUF_INIT;
	int pending_dash = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c >= 0x80) {
			uint32_t cp;
			size_t len = utf8_bmp((const unsigned char *)text + i, n - i, &cp);
			const char *fold = len ? slug_fold(cp) : NULL;
			/* "é" is "e" and "ß" "ss", as search has them: "Café" is
			 * cafe, not caf */
			if (fold) {
				put_alnum(&b, &pending_dash, fold[0]);
				buf_puts(&b, fold + 1);
				i += len - 1;
				continue;
			}
			/* a mark belongs to the letter before it, as in search:
			 * "re" U+0301 "sume" (decomposed "résumé") is resume,
			 * not re-sume */
			if (len && slug_mark(cp)) {
				i += len - 1;
				continue;
			}
		}
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			put_alnum(&b, &pending_dash, (char)c);
		else
			pending_dash = 1;
	}
	return buf_detach(&b);
}

char *slug_make(const char *text)
{
	size_t n = 0;
	while (text[n])
		n++;
	return slug_maken(text, n);
}

/* What github-slugger does with code point c beyond ASCII, where quire
 * knows it exactly (tests/unit/github_slugs.tsv is github-slugger's own
 * answers): GH_DROP (punctuation, symbols, numbers other than digits,
 * spaces other than ' ', format characters), GH_KEEP (letters, digits
 * and marks, written in lower case as JavaScript's toLowerCase writes
 * them: *lower), or GH_UNKNOWN (scripts and blocks not modelled here). */
enum { GH_UNKNOWN, GH_DROP, GH_KEEP };

static int github_class(uint32_t c, uint32_t *lower)
{
	*lower = c;
	if (c <= 0xFF) { /* Latin-1: its letters ª µ º and À-ÿ, not × ÷ */
		if (c < 0xC0)
			return c == 0xAA || c == 0xB5 || c == 0xBA ? GH_KEEP : GH_DROP;
		if (c == 0xD7 || c == 0xF7)
			return GH_DROP;
		if (c <= 0xDE)
			*lower = c + 0x20;
		return GH_KEEP;
	}
	if (c <= 0x17F) { /* Latin Extended-A: capital, small, in pairs */
		if (c == 0x130 || c == 0x149 || c == 0x17F)
			return GH_UNKNOWN; /* (İ lower-cases to two code points) */
		if (c == 0x178)
			*lower = 0xFF;
		else if ((c < 0x138 && !(c & 1) && c != 0x130) || (c > 0x149 && c < 0x178 && !(c & 1)) ||
			 (((c > 0x138 && c < 0x149) || c > 0x178) && (c & 1)))
			*lower = c + 1;
		return GH_KEEP;
	}
	if (c >= 0x300 && c <= 0x36F)
		return GH_KEEP; /* combining marks */
	if (c >= 0x386 && c <= 0x3CE && c != 0x38B && c != 0x38D && c != 0x3A2) { /* Greek */
		if (c == 0x387)
			return GH_DROP;
		if (c == 0x386)
			*lower = 0x3AC;
		else if (c <= 0x38A)
			*lower = c + 0x25;
		else if (c == 0x38C)
			*lower = 0x3CC;
		else if (c <= 0x38F)
			*lower = c + 0x3F;
		else if (c == 0x3A3)
			return GH_UNKNOWN; /* (Σ ends a word as ς) */
		else if (c >= 0x391 && c <= 0x3AB)
			*lower = c + 0x20;
		return GH_KEEP;
	}
	if (c >= 0x400 && c <= 0x45F) { /* Cyrillic */
		if (c <= 0x40F)
			*lower = c + 0x50;
		else if (c <= 0x42F)
			*lower = c + 0x20;
		return GH_KEEP;
	}
	if (c == 0x203F || c == 0x2040 || c == 0x2054)
		return GH_KEEP; /* connector punctuation, as '_' */
	if (c >= 0x24B6 && c <= 0x24E9) { /* circled letters count as letters */
		if (c <= 0x24CF)
			*lower = c + 0x1A;
		return GH_KEEP;
	}
	if ((c >= 0x2000 && c <= 0x206F) || (c >= 0x20A0 && c <= 0x20CF) || (c >= 0x2190 && c <= 0x27BF) ||
	    (c >= 0x2B00 && c <= 0x2BFF) || (c >= 0x1F300 && c <= 0x1F5FF) || (c >= 0x1F600 && c <= 0x1F64F) ||
	    (c >= 0x1F680 && c <= 0x1F6FF) || (c >= 0x1F900 && c <= 0x1F9FF))
		return GH_DROP; /* punctuation, currency, arrows to dingbats, emoji */
	if (c >= 0x3000 && c <= 0x30FF) { /* CJK punctuation, kana: their letters and marks */
		static const uint16_t kept[][2] = { { 0x3005, 0x3007 }, { 0x3021, 0x302F }, { 0x3031, 0x3035 },
						    { 0x3038, 0x303C }, { 0x3041, 0x3096 }, { 0x3099, 0x309A },
						    { 0x309D, 0x309F }, { 0x30A1, 0x30FA }, { 0x30FC, 0x30FF } };
		for (size_t k = 0; k < sizeof kept / sizeof *kept; k++)
			if (c >= kept[k][0] && c <= kept[k][1])
				return GH_KEEP;
		return GH_DROP;
	}
	if (c >= 0xFF01 && c <= 0xFF5E) { /* full-width ASCII */
		if (c >= 0xFF21 && c <= 0xFF3A)
			*lower = c + 0x20;
		return (c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) || c == 0xFF3F ||
				       (c >= 0xFF41 && c <= 0xFF5A)
			       ? GH_KEEP
			       : GH_DROP;
	}
	if ((c >= 0x4E00 && c <= 0x9FFC) || (c >= 0xAC00 && c <= 0xD7A3))
		return GH_KEEP; /* CJK ideographs, Hangul */
	return GH_UNKNOWN;
}

/* The code point of the UTF-8 sequence at s (n bytes left) and its
 * length, 0 when it is none (malformed, overlong, a surrogate). */
static size_t utf8_cp(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len = utf8_bmp(s, n, cp);
	if (len)
		return (*cp >= 0xD800 && *cp <= 0xDFFF) ? 0 : len;
	if (n >= 4 && (s[0] & 0xF8) == 0xF0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
	    (s[3] & 0xC0) == 0x80) {
		*cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 | (uint32_t)(s[2] & 0x3F) << 6 |
		      (s[3] & 0x3F);
		return *cp >= 0x10000 && *cp <= 0x10FFFF ? 4 : 0;
	}
	return 0;
}

static void put_utf8(struct buf *b, uint32_t cp)
{
	if (cp < 0x800) {
		buf_putc(b, (char)(0xC0 | cp >> 6));
	} else if (cp < 0x10000) {
		buf_putc(b, (char)(0xE0 | cp >> 12));
		buf_putc(b, (char)(0x80 | (cp >> 6 & 0x3F)));
	} else {
		buf_putc(b, (char)(0xF0 | cp >> 18));
		buf_putc(b, (char)(0x80 | (cp >> 12 & 0x3F)));
		buf_putc(b, (char)(0x80 | (cp >> 6 & 0x3F)));
	}
	buf_putc(b, (char)(0x80 | (cp & 0x3F)));
}

static void put_dash(struct buf *b, int collapse)
{
	if (!collapse || !b->len || b->ptr[b->len - 1] != '-')
		buf_putc(b, '-');
}

char *slug_github(const char *text, int collapse)
{
	struct buf b = BUF_INIT;
	size_t n = strlen(text);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c < 0x80) {
			if (c >= 'A' && c <= 'Z')
				buf_putc(&b, (char)(c - 'A' + 'a'));
			else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
				buf_putc(&b, (char)c);
			else if (c == ' ' || c == '-')
				put_dash(&b, collapse);
			continue;
		}
		uint32_t cp, lower;
		size_t len = utf8_cp((const unsigned char *)text + i, n - i, &cp);
		int class = len ? github_class(cp, &lower) : GH_UNKNOWN;
		if (class == GH_UNKNOWN) {
			buf_free(&b);
			return NULL;
		}
		if (class == GH_KEEP)
			put_utf8(&b, lower);
		i += len - 1;
	}
	return buf_detach(&b);
}
