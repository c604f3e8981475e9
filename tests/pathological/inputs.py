#!/usr/bin/env python3
"""Writes the pathological Markdown inputs of cmark's test suite
(test/pathological_tests.py) and of the published cmark-gfm security
advisories (GHSA/CVE-2022-24724, 2023-22483..22486, 2023-24824, 2023-26485,
2023-28626, 2023-37463) as articles of a site:  inputs.py SITE N
N scales every input (about N repetitions of its pattern)."""
import os, sys

def cases(n):
    yield "nested-strong-emph", ("*a **a " * n) + "b" + (" a** a*" * n)
    yield "emph-closers-no-openers", "a_ " * n
    yield "emph-openers-no-closers", "_a " * n
    yield "link-closers-no-openers", "a]" * n
    yield "link-openers-no-closers", "[a" * n
    yield "mismatched-openers-closers", "*a_ " * n
    yield "openers-closers-multiple-of-3", "a**b" + ("c* " * n)
    yield "link-openers-emph-closers", "[ a_" * n
    yield "bracket-paren-pattern", "[ (](" * n
    yield "nested-brackets", "[" * n + "a" + "]" * n
    yield "nested-block-quotes", "> " * min(n, 5000) + "a"
    yield "deep-lists", "".join("  " * i + "* a\n" for i in range(min(n, 2000)))
    yield "backticks", "".join("e" + "`" * i for i in range(1, min(n, 3000)))
    yield "unclosed-links-a", "[a](<b" * n
    yield "unclosed-links-b", "[a](b" * n
    yield "unclosed-link-title", '[a](b "' * n
    yield "many-link-refs", "".join(f"[{i}]: u\n" for i in range(n)) + "[0]" * n
    yield "table-many-columns", "|" + "x|" * min(n, 20000) + "\n|" + "-|" * min(n, 20000) + "\n" + ("|" + "y|" * 10 + "\n") * 100
    yield "table-many-rows", "|a|b|\n|-|-|\n" + "|x|y|\n" * n
    yield "table-rows-extension-cells", "|a|\n|-|\n" + ("|x" * 50 + "\n") * min(n, 4000)
    yield "autolink-www-underscores", "www." + "_" * n
    yield "autolink-many-at", "a@" * n
    yield "strikethrough-tildes", "~" * n + "a" + "~" * n
    yield "footnote-refs", "".join(f"[^{i}]" for i in range(n)) + "\n\n" + "".join(f"[^{i}]: x\n" for i in range(n))
    # headings whose ids would be the footnotes' (each one is checked against them)
    yield "headings-like-footnotes", "".join(f"## Fn {i}\n\n[^{i}]\n\n" for i in range(n // 4)) + \
        "".join(f"[^{i}]: x\n" for i in range(n // 4))
    yield "emph-underscores-in-words", "a_b_" * n
    yield "html-comment-openers", "<!--" * n
    yield "cdata-openers", "<![CDATA[" * n
    yield "entity-like", "&#" * n
    yield "wiki-link-openers", "[[a" * n
    yield "wiki-link-closers", "a]]" * n
    # quire's own passes (a security review found both slow)
    yield "same-headings", "# a\n\n" * n
    yield "wiki-links-after-entities", "&amp;[[a]] " * n

def main():
    site, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(os.path.join(site, "content"), exist_ok=True)
    for name, body in cases(n):
        with open(os.path.join(site, "content", name + ".md"), "w") as f:
            f.write(f"---\ntitle: {name}\n---\n{body}\n")

if __name__ == "__main__":
    main()
