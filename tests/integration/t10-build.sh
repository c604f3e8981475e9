#!/bin/sh
# t10: quire build renders a site per DESIGN.md's URL scheme.
. "$(dirname "$0")/lib.sh"

site s
page "$S" index.md "Welcome" "Start here."
page "$S" rights/privacy.md "Privacy at work" "## First\n\nText with a [link](../rights/speech.md).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ and https://example.org"
page "$S" rights/speech.md "Free speech" "Body."
page "$S" other/deep/leaf.md "Deep leaf" "Leaf."
printf 'PDF' > "$S/content/rights/form.pdf"
run "$S" build
status_is "a valid site builds with status 0" "$RC" 0
contains "the summary line counts pages and articles" "$ERR" "articles) in"
O=$S/public
check "articles are written as A/B.html" test -f "$O/rights/privacy.html"
check "the home page is index.html" test -f "$O/index.html"
check "a folder without index.md gets a generated section page" test -f "$O/rights/index.html"
check "nested folders get section pages too" test -f "$O/other/deep/index.html"
check "the 404 page is written" test -f "$O/404.html"
contains "without base_url the 404 page links relatively (it lies at the top)" "$O/404.html" 'href="assets/style.css"'
check "search page and index are written" test -f "$O/search.html" -a -f "$O/search-index.js"
check "theme assets are copied" test -f "$O/assets/style.css"
contains "pages name the theme's icon, so no browser asks for /favicon.ico" "$O/other/deep/leaf.html" '<link rel="icon" href="../../assets/favicon.svg" type="image/svg+xml">'
check "and the icon is written" test -f "$O/assets/favicon.svg"
check "non-Markdown files in content/ are copied as assets" test -f "$O/rights/form.pdf"
contains "links to .md sources become relative .html links" "$O/rights/privacy.html" 'href="speech.html"'
contains "GFM tables render, focusable so that a table wider than the screen scrolls from the keyboard" "$O/rights/privacy.html" "<table tabindex=\"0\">"
contains "strikethrough renders" "$O/rights/privacy.html" "<del>gone</del>"
contains "autolinks render as external links" "$O/rights/privacy.html" 'href="https://example.org" class="external" rel="noopener"'
contains "headings get stable ids" "$O/rights/privacy.html" '<h2 id="first">'
contains "the <title> holds the page and site titles" "$O/rights/privacy.html" "<title>Privacy at work – Test site</title>"
contains "stylesheet is linked relatively from a nested page" "$O/other/deep/leaf.html" 'href="../../assets/style.css"'
lacks "no page links root-absolutely" "$O/rights/privacy.html" 'href="/'

# Raw HTML is filtered unless the site opts in.
site raw
page "$S" a.md "Raw" '<script>alert(1)</script>\n\n<b>bold</b> [x](javascript:alert(1))'
run "$S" build
contains "raw HTML is omitted by default" "$S/public/a.html" "raw HTML omitted"
lacks "no script from Markdown reaches the page" "$S/public/a.html" "<script>alert"
lacks "javascript: URLs are dropped" "$S/public/a.html" 'href="javascript:'
printf 'title: T\nmarkdown:\n  unsafe_html: true\n' > "$S/site.yml"
run "$S" build
contains "markdown.unsafe_html: true lets raw HTML through" "$S/public/a.html" "<b>bold</b>"
lacks "the tagfilter extension still neutralises <script>" "$S/public/a.html" "<script>alert"

# Titles are escaped everywhere they are printed.
site xss
page "$S" x.md '"<img src=x onerror=alert(1)>"' "Body"
run "$S" build
status_is "a title with markup builds" "$RC" 0
lacks "the title is escaped in the page" "$S/public/x.html" "<img src=x"
contains "the escaped title is shown as text" "$S/public/x.html" "&lt;img src=x onerror=alert(1)&gt;"
lacks "the title is escaped in the A-Z index" "$S/public/a-z.html" "<img src=x"
lacks "the title is escaped in the search index" "$S/public/search-index.js" "<img"

# -j N gives byte-identical output.
site par
for i in 1 2 3 4 5 6 7 8; do page "$S" "sec$((i % 3))/p$i.md" "Page $i" "Text $i links [[p1]]."; done
"$QUIRE" build -s "$S" -o "$TMP/j1" -j 1 2>/dev/null
"$QUIRE" build -s "$S" -o "$TMP/j4" -j 4 2>/dev/null
TZ=America/New_York "$QUIRE" build -s "$S" -o "$TMP/tz" -j 2 2>/dev/null
check "output is byte-identical with -j 1 and -j 4" diff -r "$TMP/j1" "$TMP/j4"
check "output does not depend on TZ" diff -r "$TMP/j1" "$TMP/tz"
LC_ALL=C "$QUIRE" build -s "$S" -o "$TMP/lc" -j 3 2>/dev/null
check "output does not depend on LC_ALL" diff -r "$TMP/j1" "$TMP/lc"

# ... also with a Lua filter that counts as it runs (docs/hooks.md asks
# filters not to, but a site may): the pages are filtered in their order
# on any number of threads, so each page shows the count -j 1 gives it.
site parcount
for i in $(seq 1 150); do page "$S" "p$i.md" "Page $i" "Paragraph one of $i.\n\nParagraph two of $i."; done
# (a page whose text looks like phase B's link placeholders is filtered
# again for print.html, at render time)
for i in $(seq 1 40); do page "$S" "q$i.md" "Q $i" "Para $i.\n\nCode %01u0%01 here."; done
script "$S" count 'local n = 0
quire.filter{ paragraph = function(node) n = n + 1; node.text = node.text .. " #" .. n; return node end }'
rm -rf "$S/.quire-cache"; "$QUIRE" build -s "$S" -o "$TMP/c1" -j 1 2>/dev/null
rm -rf "$S/.quire-cache"; "$QUIRE" build -s "$S" -o "$TMP/c4" -j 4 2>/dev/null
rm -rf "$S/.quire-cache"; "$QUIRE" build -s "$S" -o "$TMP/c2" -j 2 2>/dev/null
contains "(the filter numbered the paragraphs)" "$TMP/c1/p1.html" "Paragraph two of 1. #"
check "a filter that counts gives byte-identical output with -j 1 and -j 4" diff -r "$TMP/c1" "$TMP/c4"
check "and with -j 2" diff -r "$TMP/c1" "$TMP/c2"
contains "(print.html shows the count on each page too)" "$TMP/c4/print.html" "Code %01u0%01 here. #"

# cmark-gfm 0.29 switches extensions on and off in a process-wide table:
# parallel parses must not lose strikethrough or autolinks.
site race
body=$(for k in $(seq 1 60); do printf 'Line %s: ~~old~~ see https://example.org/%s and more words.\\n\\n' "$k" "$k"; done)
for i in $(seq 1 80); do page "$S" "p$i.md" "Page $i" "$body| a | b |\n|---|---|\n| ~~c~~ | www.example.com |"; done
"$QUIRE" build -s "$S" -j 8 >/dev/null 2>&1
miss=0
for i in $(seq 1 80); do
	[ "$(grep -c "<del>old</del>" "$S/public/p$i.html")" = 60 ] && grep -q 'href="https://example.org/60"' "$S/public/p$i.html" || miss=$((miss + 1))
done
[ "$miss" = 0 ] && ok "extensions work on every page of a parallel build" || not_ok "extensions work on every page of a parallel build" "$miss pages lost strikethrough or autolinks"

# A build with drafts is a preview: it says so, and so does each draft,
# which would otherwise look exactly like published guidance.
site pv
printf 'title: Test site\nhistory: false\n' > "$S/site.yml"
page "$S" a.md "A"
printf -- '---\ntitle: B\ndraft: true\n---\nNot yet.\n' > "$S/content/b.md"
run "$S" build --drafts
status_is "(a preview with a draft builds)" "$RC" 0
contains "the summary says it holds drafts and is no site to publish" "$ERR" "built 9 pages (2 articles, 1 of them draft: a preview, not for publishing)"
contains "the draft's page says it is one" "$S/public/b.html" "Draft: this article is not published."
lacks "a published article's does not" "$S/public/a.html" "Draft: this article"
run "$S" build
contains "without --drafts the summary is the usual one" "$ERR" "built 8 pages (1 article) in"
