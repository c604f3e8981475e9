#!/bin/sh
# t95: valgrind finds no leak and no memory error in a full build (release
# binary) of a fixture with history, wiki links, tables and tags.
. "$(dirname "$0")/lib.sh"
Q=${QUIRE_RELEASE:-$QUIRE}
command -v valgrind >/dev/null || { not_ok "valgrind is installed (make test installs it)"; exit 1; }
site v
git -C "$S" init -q -b main
page "$S" a/one.md "One" "## Part\n\n| x | y |\n|---|---|\n| [e](https://e.example) | [[two]] |\n\nSee [two](../b/two.md#part). ![Chart](chart.png)"
page "$S" b/two.md "Two" "## Part\n\nText [[one|back]]."
printf 'chart one' > "$S/content/a/chart.png"
git -C "$S" add -A && git -C "$S" -c user.name=A -c user.email=a@b commit -qm first
# (a past version's picture as it was, its link's title as it was, a
# draft that took a page down)
page "$S" a/one.md "One" "## Part\n\nChanged text [[two]]. ![Chart](chart.png)"
printf 'chart two' > "$S/content/a/chart.png"
page "$S" b/two.md "Two, renamed" "## Part\n\nText [[one|back]]."
git -C "$S" add -A && git -C "$S" -c user.name=B -c user.email=b@b commit -qm second
printf -- '---\ntitle: Two\ndraft: true\n---\nDraft.\n' > "$S/content/b/two.md"
git -C "$S" add -A && git -C "$S" -c user.name=B -c user.email=b@b commit -qm "take two down"
page "$S" b/two.md "Two, renamed" "## Part\n\nText [[one|back]], again."
git -C "$S" add -A && git -C "$S" -c user.name=B -c user.email=b@b commit -qm "two again"
# (a chart changed alone, committed by another than its author, with a
# committed .mailmap; and an article still a draft after its taking down)
printf 'chart three' > "$S/content/a/chart.png"
printf 'Bea Baker <b@b>\n' > "$S/.mailmap"
page "$S" c/three.md "Three" "Three."
git -C "$S" add -A && git -C "$S" -c user.name=C -c user.email=c@c commit -q --author="B <b@b>" -m "new chart"
printf -- '---\ntitle: Three\ndraft: true\n---\nDraft.\n' > "$S/content/c/three.md"
git -C "$S" add -A && git -C "$S" -c user.name=C -c user.email=c@c commit -qm "take three down"
valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
	"$Q" build -s "$S" -j 2 >/dev/null 2>"$TMP/vg"
rc=$?
[ "$rc" = 0 ] && ok "valgrind reports no leaks or errors in a full build" || not_ok "valgrind reports no leaks or errors in a full build" "$(head -n 30 "$TMP/vg")"
check "(that build published a past version's picture)" sh -c "ls '$S'/public/_versions/*/chart.png"
contains "(and a page's taking down)" "$S/public/b/two.history.html" "taken off the site"
contains "(and a chart's change in its article's history, committed by another)" "$S/public/a/one.history.html" "By Bea Baker, committed by C"
contains "(and the notice of an article still a draft)" "$S/public/c/three.html" "taken off the site on"
