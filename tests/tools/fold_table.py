#!/usr/bin/env python3
"""The one source of how quire folds Latin letters to ASCII (heading ids, tag
slugs, quire.slug and search all fold by it), and of the characters the
search index takes for parts of words and how it lower-cases them.

A code point below U+10000 folds when its canonical decomposition (NFD) is
an ASCII letter, or a letter of EXTRA, followed only by combining marks
(MARKS: U+0300-U+036F and the other blocks of them): "é" is "e", "Ǿ" (Ø
and an acute) is "o".  EXTRA holds the
Latin letters with no such decomposition and the ASCII people write for
them: "Ł" is "l", "ß" is "ss", "Þ" is "th", and the ligature "ﬃ" is "ffi".

  python3 tests/tools/fold_table.py          the table of generator/slug.c
  python3 tests/tools/fold_table.py --js     the map of themes/default/assets/search.js
  python3 tests/tools/fold_table.py --search the tables of generator/search.c
  python3 tests/tools/fold_table.py --check  exits 1 when any of the three differs
  python3 tests/tools/fold_table.py --unassigned  the code points below U+10000 it
                                    leaves unassigned (for tests/search_query.test.mjs)

search.js folds a query the same way: NFD, each EXTRA letter to its ASCII,
the marks after an ASCII letter dropped, NFC.  Its words are runs of
[\\p{L}\\p{N}\\p{M}], lower-cased by toLowerCase (and ς made σ): search.c's
tables are that class and those mappings."""
import os
import re
import sys
import unicodedata as u

# The letters of Latin-1 Supplement, Latin Extended-A and -B, Latin
# Extended Additional and the Latin ligatures of Alphabetic Presentation
# Forms that CLDR's Latin-ASCII transform (ICU's) writes in ASCII,
# lower-cased ("'n" is "n": an apostrophe is no letter), with their
# other case where CLDR lists only one (Ƕ, Ƞ, ⱥ, ⱦ, Ȿ, Ɀ and the IPA small
# letters of African capitals such as Ɓ ɓ).  Letters CLDR leaves alone
# (schwa Ə, open o Ɔ, ezh Ʒ, yogh Ȝ, wynn Ƿ...) are not folded: their ASCII
# is a matter of language, not of shape.
EXTRA = {
    # Latin-1 Supplement
    'Æ': 'ae', 'æ': 'ae', 'Ð': 'd', 'ð': 'd', 'Ø': 'o', 'ø': 'o',
    'Þ': 'th', 'þ': 'th', 'ß': 'ss',
    # Latin Extended-A
    'Đ': 'd', 'đ': 'd', 'Ħ': 'h', 'ħ': 'h', 'ı': 'i', 'Ĳ': 'ij', 'ĳ': 'ij',
    'ĸ': 'q', 'Ŀ': 'l', 'ŀ': 'l', 'Ł': 'l', 'ł': 'l', 'ŉ': 'n',
    'Ŋ': 'n', 'ŋ': 'n', 'Œ': 'oe', 'œ': 'oe', 'Ŧ': 't', 'ŧ': 't', 'ſ': 's',
    # Latin Extended-B
    'ƀ': 'b', 'Ƀ': 'b', 'Ɓ': 'b', 'ɓ': 'b', 'Ƃ': 'b', 'ƃ': 'b',
    'Ƈ': 'c', 'ƈ': 'c', 'Ɖ': 'd', 'ɖ': 'd', 'Ɗ': 'd', 'ɗ': 'd', 'Ƌ': 'd', 'ƌ': 'd',
    'Ɛ': 'e', 'ɛ': 'e', 'Ƒ': 'f', 'ƒ': 'f', 'Ɠ': 'g', 'ɠ': 'g', 'Ƕ': 'hv', 'ƕ': 'hv',
    'Ɩ': 'i', 'ɩ': 'i', 'Ɨ': 'i', 'ɨ': 'i', 'Ƙ': 'k', 'ƙ': 'k', 'Ƚ': 'l', 'ƚ': 'l',
    'Ɲ': 'n', 'ɲ': 'n', 'Ƞ': 'n', 'ƞ': 'n', 'Ƣ': 'oi', 'ƣ': 'oi', 'Ƥ': 'p', 'ƥ': 'p',
    'ƫ': 't', 'Ƭ': 't', 'ƭ': 't', 'Ʈ': 't', 'ʈ': 't', 'Ʋ': 'v', 'ʋ': 'v',
    'Ƴ': 'y', 'ƴ': 'y', 'Ƶ': 'z', 'ƶ': 'z',
    'Ǆ': 'dz', 'ǅ': 'dz', 'ǆ': 'dz', 'Ǉ': 'lj', 'ǈ': 'lj', 'ǉ': 'lj',
    'Ǌ': 'nj', 'ǋ': 'nj', 'ǌ': 'nj', 'Ǥ': 'g', 'ǥ': 'g', 'Ǳ': 'dz', 'ǲ': 'dz', 'ǳ': 'dz',
    'ȡ': 'd', 'Ȥ': 'z', 'ȥ': 'z', 'ȴ': 'l', 'ȵ': 'n', 'ȶ': 't', 'ȷ': 'j',
    'ȸ': 'db', 'ȹ': 'qp', 'Ⱥ': 'a', 'ⱥ': 'a', 'Ȼ': 'c', 'ȼ': 'c', 'Ⱦ': 't', 'ⱦ': 't',
    'ȿ': 's', 'Ȿ': 's', 'ɀ': 'z', 'Ɀ': 'z', 'Ʉ': 'u', 'ʉ': 'u', 'Ɇ': 'e', 'ɇ': 'e',
    'Ɉ': 'j', 'ɉ': 'j', 'Ɍ': 'r', 'ɍ': 'r', 'Ɏ': 'y', 'ɏ': 'y',
    # Latin Extended Additional
    'ẚ': 'a', 'ẜ': 's', 'ẝ': 's', 'ẞ': 'ss', 'Ỻ': 'll', 'ỻ': 'll', 'Ỽ': 'v', 'ỽ': 'v',
    'Ỿ': 'y', 'ỿ': 'y',
    # Alphabetic Presentation Forms: the Latin ligatures text pasted from a
    # PDF is full of ("ﬁnancial"), as the letters they join
    'ﬀ': 'ff', 'ﬁ': 'fi', 'ﬂ': 'fl', 'ﬃ': 'ffi', 'ﬄ': 'ffl', 'ﬅ': 'st', 'ﬆ': 'st',
}


# The combining marks folding drops after a letter ("e" and U+0301 is "é"
# written decomposed, as macOS and PDFs often write it): Combining
# Diacritical Marks, their Extended and Supplement blocks, those for
# symbols and the half marks.  Slugs drop them wherever they are.
MARKS = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F))


def is_mark(c):
    return any(a <= ord(c) <= b for a, b in MARKS)


def check_extra():
    """EXTRA's own rules: a letter with no decomposition of its own, whose
    other case (if it is one non-ASCII letter) folds the same, to one to
    three lower-case ASCII letters (slug_fold's contract: ﬃ is ffi)."""
    for c, to in EXTRA.items():
        assert u.normalize('NFD', c) == c, 'U+%04X decomposes' % ord(c)
        assert 1 <= len(to) <= 3 and to.isascii() and to.isalpha() and to.islower(), to
        for other in (c.lower(), c.upper()):
            if len(other) == 1 and not other.isascii():
                assert EXTRA.get(other) == to, 'U+%04X: U+%04X folds otherwise' % (ord(c), ord(other))


def folds():
    """(code point, ASCII) for every code point that folds, in order."""
    rows = []
    for cp in range(0x80, 0x10000):
        d = u.normalize('NFD', chr(cp))
        if not all(is_mark(c) for c in d[1:]):
            continue
        if d[0].isascii() and d[0].isalpha():
            rows.append((cp, d[0].lower()))
        elif d[0] in EXTRA:
            rows.append((cp, EXTRA[d[0]]))
    return rows


def c_table(rows):
    out = ["/* %d code points (Unicode %s): tests/tools/fold_table.py */" % (len(rows), u.unidata_version),
           "static const uint16_t FOLD_CP[] = {"]
    for i in range(0, len(rows), 10):
        out.append("\t" + " ".join("0x%04X," % cp for cp, _ in rows[i:i + 10]))
    out += ["};", "static const char FOLD_TO[][4] = {"]
    for i in range(0, len(rows), 12):
        out.append("\t" + " ".join('"%s",' % to for _, to in rows[i:i + 12]))
    out += ["};", "static const uint16_t FOLD_MARK[][2] = {",
            "\t" + " ".join("{0x%04X, 0x%04X}," % r for r in MARKS), "};"]
    return "\n".join(out) + "\n"


def js_map():
    cells = ["'\\u%04x': '%s'," % (ord(c), to) for c, to in sorted(EXTRA.items())]
    out = ["  /* tests/tools/fold_table.py --js: %d Latin letters and ligatures with" % len(cells),
           "   * no decomposition, and their ASCII; the marks dropped after a letter. */",
           "  var FOLD_EXTRA = {"]
    for i in range(0, len(cells), 6):
        out.append("    " + " ".join(cells[i:i + 6]))
    out[-1] = out[-1].rstrip(',')
    out += ["  };", "  var FOLD_MARKS = /([A-Za-z])[%s]+/g;" % "".join("\\u%04x-\\u%04x" % r for r in MARKS)]
    return "\n".join(out) + "\n"


def word_ranges():
    """[first, last] ranges of the code points from U+0080 that the page's
    tokeniser takes for word characters ([\\p{L}\\p{N}\\p{M}]), the ones
    this Unicode leaves unassigned between two of them included: a later
    Unicode most likely makes those letters of the same script, and a
    browser that knows it takes them for letters."""
    rows = []
    for cp in range(0x80, 0x110000):
        cat = u.category(chr(cp))
        if cat[0] in 'LNM':
            if rows and all(u.category(chr(c)) == 'Cn' for c in range(rows[-1][1] + 1, cp)):
                rows[-1][1] = cp
            else:
                rows.append([cp, cp])
    return rows


# JavaScript's toLowerCase makes a Σ that ends a word ς, another σ; the
# index lower-cases a letter at a time and cannot tell, so both sides
# write σ for ς, as Unicode's case folding does.
LOWER_EXTRA = {'ς': 'σ'}


def lower_runs():
    """[first, last, delta, step]: the code points from U+0080 that
    JavaScript's toLowerCase makes one other code point (İ, which it makes
    two, folds to i before), first, first + step, ... last, each lower-cased
    by adding delta; step is 1, or 2 for the alternating capitals and small
    letters of most Latin, Greek and Cyrillic blocks."""
    runs = []
    for cp in range(0x80, 0x110000):
        to = LOWER_EXTRA.get(chr(cp), chr(cp).lower())
        if len(to) != 1 or to == chr(cp):
            continue
        delta = ord(to) - cp
        if runs and runs[-1][2] == delta:
            r = runs[-1]
            if r[0] == r[1] and cp - r[1] in (1, 2):
                r[1], r[3] = cp, cp - r[1]
                continue
            if r[0] != r[1] and cp - r[1] == r[3]:
                r[1] = cp
                continue
        runs.append([cp, cp, delta, 1])
    return runs


def search_tables():
    """The tables of generator/search.c: word characters, lower case."""
    words, runs = word_ranges(), lower_runs()
    out = ["/* %d ranges of code points, %d runs of capitals (Unicode %s): tests/tools/fold_table.py --search */"
           % (len(words), len(runs), u.unidata_version),
           "static const uint32_t WORD_CP[][2] = {"]
    for i in range(0, len(words), 5):
        out.append("\t" + " ".join("{0x%04X, 0x%04X}," % (a, b) for a, b in words[i:i + 5]))
    out += ["};", "static const struct lower_run LOWER[] = {"]
    for i in range(0, len(runs), 4):
        out.append("\t" + " ".join("{0x%04X, 0x%04X, %d, %d}," % tuple(r) for r in runs[i:i + 4]))
    out.append("};")
    return "\n".join(out) + "\n"


def unassigned():
    """This Unicode's version, then the ranges of code points below U+10000
    it leaves unassigned, a "FIRST-LAST" line each (hexadecimal): the node
    test does not hold the index to a browser's later Unicode there."""
    out = ['Unicode ' + u.unidata_version]
    start = None
    for cp in range(0x80, 0x10001):
        free = cp < 0x10000 and u.category(chr(cp)) == 'Cn'
        if free and start is None:
            start = cp
        elif not free and start is not None:
            out.append('%04X-%04X' % (start, cp - 1))
            start = None
    return "\n".join(out) + "\n"


def check(root):
    """1 when generator/slug.c, search.c or search.js does not hold what
    this makes (0 with a note when this Python's Unicode is not the
    table's: the table is then not comparable)."""
    bad = 0
    for path, text in (('generator/slug.c', c_table(folds())),
                       ('generator/search.c', search_tables()),
                       ('themes/default/assets/search.js', js_map())):
        with open(os.path.join(root, path), encoding='utf-8') as f:
            have = f.read()
        if text in have:
            continue
        m = re.search(r'\(Unicode ([0-9.]+)\): tests/tools/fold_table.py', have)
        if m and m.group(1) != u.unidata_version:
            print('%s: made with Unicode %s, this Python has %s: not checked' % (path, m.group(1), u.unidata_version))
            continue
        print('%s: the fold table differs from tests/tools/fold_table.py\'s' % path)
        bad = 1
    return bad


check_extra()
if sys.argv[1:] == ['--js']:
    sys.stdout.write(js_map())
elif sys.argv[1:] == ['--search']:
    sys.stdout.write(search_tables())
elif sys.argv[1:] == ['--unassigned']:
    sys.stdout.write(unassigned())
elif sys.argv[1:] == ['--check']:
    sys.exit(check(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')))
else:
    sys.stdout.write(c_table(folds()))
