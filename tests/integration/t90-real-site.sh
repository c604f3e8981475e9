#!/bin/sh
# t90: the repository's own site builds cleanly with the release binary and
# every link in the output resolves (the whole-output link check).
. "$(dirname "$0")/lib.sh"
Q=${QUIRE_RELEASE:-$QUIRE}
"$Q" build -s "$REPO" -o "$TMP/out" >"$TMP/log" 2>&1
status_is "the real site builds with no errors" "$?" 0
# (a CI checkout may be a shallow clone: that warning is about the clone,
# not the content)
if grep -v "warning: the repository is a shallow clone" "$TMP/log" | grep -q "warning"; then not_ok "the real site builds with no warnings" "$(cat "$TMP/log")"; else ok "the real site builds with no warnings"; fi
if python3 "$REPO/tests/tools/linkcheck.py" "$TMP/out" >"$TMP/links" 2>&1; then
	ok "every internal link and anchor in the output resolves ($(tail -n 1 "$TMP/links"))"
else
	not_ok "every internal link and anchor in the output resolves" "$(head -n 20 "$TMP/links")"
fi
# make site builds into public/: what it leaves beside it (the folder swapped
# out, the lock) must not show in `git status` either.
if git -C "$REPO" check-ignore -q public/index.html && git -C "$REPO" check-ignore -q .public.back/index.html &&
	git -C "$REPO" check-ignore -q .public.lock; then
	ok "the output, the folder kept beside it and its lock are ignored by git"
else
	not_ok "the output, the folder kept beside it and its lock are ignored by git" \
		"$(cd "$REPO" && for f in public/index.html .public.back/index.html .public.lock; do git check-ignore -q "$f" || echo "not ignored: $f"; done)"
fi
n=$(find "$REPO/content" -name '*.md' ! -name index.md | wc -l)
[ "$n" -ge 25 ] && ok "the site has at least 25 articles ($n)" || not_ok "the site has at least 25 articles ($n)"
for f in $(find "$REPO/content" -name '*.md' ! -name index.md); do
	grep -qi "not legal advice" "$f" || not_ok "$f says it is guidance, not legal advice"
done
ok "every article says it is guidance, not legal advice"
check "history pages are written for committed articles" test -f "$TMP/out/confidentiality/duty-of-confidentiality.history.html"
ls "$TMP/out/confidentiality/" | grep -q 'duty-of-confidentiality\.rev-[0-9a-f]\{10\}\.html' && ok "past versions are written" || not_ok "past versions are written"
missing=""
for f in $(cd "$REPO/content" && find . -name '*.md' ! -name index.md | sed 's|^\./||; s|\.md$||'); do
	grep -q "Referred to by" "$TMP/out/$f.html" || missing="$missing $f"
done
[ -z "$missing" ] && ok "every article is linked from at least one other" || not_ok "every article is linked from at least one other" "no backlinks:$missing"
# Wiki syntax shows only in history pages (their diffs are of the Markdown
# source): every other page, past versions too, has its links made.
raw=$(grep -l '\[\[' $(find "$TMP/out" -name '*.html' ! -name '*.history.html') 2>/dev/null | sed "s|$TMP/out/||")
[ -z "$raw" ] && ok "no page shows unmade wiki links" || not_ok "no page shows unmade wiki links" "$raw"
