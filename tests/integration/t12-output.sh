#!/bin/sh
# t12: the output folder is replaced atomically and never somewhere unsafe.
. "$(dirname "$0")/lib.sh"

site s
page "$S" a.md "A" "first"
run "$S" build
status_is "first build succeeds" "$RC" 0
cp -r "$S/public" "$TMP/before"
page "$S" a.md "A" "[broken](nowhere.md)"
run "$S" build
status_is "a failing build exits 1" "$RC" 1
check "after a failing build OUT is byte-identical to before" diff -r "$TMP/before" "$S/public"
check "no staging folder is left behind" sh -c "! ls -a '$S' | grep -q staging"
page "$S" a.md "A" "second"
run "$S" build
contains "a good build replaces OUT" "$S/public/a.html" "second"

run "$S" build -o "$S"
status_is "OUT equal to SITE is refused" "$RC" 2
run "$S" build -o "$S/content/out"
status_is "OUT inside content/ is refused" "$RC" 2
run "$S" build -o "$TMP"
status_is "OUT containing SITE is refused" "$RC" 2
mkdir -p "$TMP/precious"; echo keep > "$TMP/precious/file.txt"
run "$S" build -o "$TMP/precious"
status_is "a non-empty folder quire did not make is refused" "$RC" 2
contains "the refusal says how to override" "$ERR" "--force"
check "the refused folder is untouched" test -f "$TMP/precious/file.txt"
run "$S" build -o "$TMP/precious" --force
status_is "--force replaces it" "$RC" 0
check "after --force it holds the site" test -f "$TMP/precious/a.html"

# --bundle writes the whole site as one zip for offline distribution.
site b
page "$S" a.md "A" "zip me"
run "$S" build --bundle "$TMP/site.zip"
status_is "build --bundle succeeds" "$RC" 0
check "the zip is valid" unzip -tq "$TMP/site.zip"
unzip -l "$TMP/site.zip" > "$TMP/zl" 2>&1
contains "the zip holds the pages" "$TMP/zl" "a.html"
contains "the zip holds the theme assets" "$TMP/zl" "assets/style.css"
run "$S" build --bundle "$TMP/site2.zip"
check "two bundles of one site are byte-identical" cmp "$TMP/site.zip" "$TMP/site2.zip"
page "$S" a.md "A" "[broken](no.md)"
run "$S" build --bundle "$TMP/site3.zip"
check "a failing build writes no zip" test ! -e "$TMP/site3.zip"
