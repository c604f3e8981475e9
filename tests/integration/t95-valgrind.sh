#!/bin/sh
# t95: valgrind finds no leak and no memory error in a full build (release
# binary) of a fixture with history, wiki links, tables and tags.
. "$(dirname "$0")/lib.sh"
Q=${QUIRE_RELEASE:-$QUIRE}
command -v valgrind >/dev/null || { not_ok "valgrind is installed (make test installs it)"; exit 1; }
site v
git -C "$S" init -q -b main
page "$S" a/one.md "One" "## Part\n\n| x | y |\n|---|---|\n| [e](https://e.example) | [[two]] |\n\nSee [two](../b/two.md#part)."
page "$S" b/two.md "Two" "## Part\n\nText [[one|back]]."
git -C "$S" add -A && git -C "$S" -c user.name=A -c user.email=a@b commit -qm first
page "$S" a/one.md "One" "## Part\n\nChanged text [[two]]."
git -C "$S" add -A && git -C "$S" -c user.name=B -c user.email=b@b commit -qm second
valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
	"$Q" build -s "$S" -j 2 >/dev/null 2>"$TMP/vg"
rc=$?
[ "$rc" = 0 ] && ok "valgrind reports no leaks or errors in a full build" || not_ok "valgrind reports no leaks or errors in a full build" "$(head -n 30 "$TMP/vg")"
