#!/usr/bin/env python3
"""Prints the FOLD table of generator/slug.c (heading ids, tag slugs and search fold accents by it): every code point below U+10000 whose
canonical decomposition (NFD) is an ASCII letter followed only by
combining marks U+0300-U+036F (or the letter alone), with that letter in
lower case.  search.js folds the same way: NFD, drop those marks after an
ASCII letter, NFC.  Run: python3 tests/tools/fold_table.py"""
import unicodedata as u

rows = []
for cp in range(0x80, 0x10000):
    d = u.normalize('NFD', chr(cp))
    if d[0].isascii() and d[0].isalpha() and all(0x300 <= ord(c) <= 0x36F for c in d[1:]):
        rows.append((cp, d[0].lower()))
print("/* %d code points (Unicode %s): tests/tools/fold_table.py */" % (len(rows), u.unidata_version))
print("static const uint16_t FOLD_CP[] = {")
for i in range(0, len(rows), 10):
    print("\t" + " ".join("0x%04X," % cp for cp, _ in rows[i:i + 10]))
print("};")
s = "".join(b for _, b in rows)
print("static const char FOLD_TO[] =")
for i in range(0, len(s), 64):
    print('\t"%s"' % s[i:i + 64] + (";" if i + 64 >= len(s) else ""))
