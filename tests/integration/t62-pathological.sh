#!/bin/sh
# t62: cmark's pathological inputs and those of the cmark-gfm security
# advisories build quickly (a smoke check; make bench measures growth).
. "$(dirname "$0")/lib.sh"
site p
printf 'title: P\nhistory: false\nlinks: warn\n' > "$S/site.yml"
python3 "$REPO/tests/pathological/inputs.py" "$S" 10000
start=$(date +%s)
timeout 120 "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"; rc=$?
secs=$(( $(date +%s) - start ))
status_is "every pathological input builds (in ${secs}s; bound 120s)" "$rc" 0
contains "a table too wide to parse is reported and shown as text" "$TMP/err" "content/table-many-columns.md: warning: a line has more than 256 '|' characters"
check "the deep nesting inputs produced pages" test -f "$S/public/nested-block-quotes.html" -a -f "$S/public/deep-lists.html"
