#!/bin/sh
# t82: tags in search, through the index files a real build writes and the
# page's own script run under node (tests/tools/search_run.mjs): a word of
# an article's tags alone finds it, a tag's page is found by the tag and
# ranks as a list, after the articles that match as well; a change of tags
# reaches the index on a rebuild.
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null || { not_ok "node is installed"; exit 1; }

# query OUT WORDS: the results' URLs, one line, then each shown passage
query() {
	node "$REPO/tests/tools/search_run.mjs" "$1" "$2" |
		node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
			console.log(r.results.map((x) => x.url).join(" "));
			r.passages.forEach((p) => console.log(p));'
}
# results_are DESCRIPTION OUT WORDS URLS
results_are() {
	got=$(query "$2" "$3" | head -n 1)
	if [ "$got" = "$4" ]; then ok "$1"; else not_ok "$1" "query \"$3\": expected $4, got $got"; fi
}

site s
page "$S" law/pida.md "Whistleblowing law" "What the Public Interest Disclosure Act protects."
mkdir -p "$S/content/people"
printf -- '---\ntitle: Speaking up\nsummary: Who to tell when something at work is wrong.\ntags: [whistleblowing, social-media]\n---\n%s\n' \
	'Tell someone you trust first. The law protects a report of wrongdoing made in the public interest.' \
	> "$S/content/people/speaking-up.md"
page "$S" people/handbook.md "Staff handbook notes" "Our policy on whistleblowing is in the staff handbook."
run "$S" build -o "$TMP/out"
status_is "a site with tags builds" "$RC" 0

results_are "a word of an article's tags alone finds it; the tag's page (a list) comes after it and before an article with the word only in its text" \
	"$TMP/out" "whistleblowing" "law/pida.html people/speaking-up.html tags/whistleblowing.html people/handbook.html"
query "$TMP/out" "whistleblowing" > "$TMP/q"
if sed -n 3p "$TMP/q" | grep -qx 'Who to tell when something at work is wrong\. Tell someone you trust first\. The law protects a report of wrongdoing made in the public interest\.'; then
	ok "the article found by its tag shows its opening, not an empty passage"
else
	not_ok "the article found by its tag shows its opening, not an empty passage" "$(sed -n 3p "$TMP/q")"
fi
if sed -n 4p "$TMP/q" | grep -qx '1 page: Speaking up'; then
	ok "the tag's page shows how many pages it lists and their titles"
else
	not_ok "the tag's page shows how many pages it lists and their titles" "$(sed -n 4p "$TMP/q")"
fi
results_are "a hyphenated tag is found by its words, with the hyphen or without" "$TMP/out" "social media" \
	"people/speaking-up.html tags/social-media.html"
results_are "and as typed in its tag's form" "$TMP/out" "social-media" "people/speaking-up.html tags/social-media.html"
results_are "the A to Z is found by its title" "$TMP/out" "a to z" "a-z.html"
results_are "the topics page is found by its title" "$TMP/out" "topics" "tags/index.html"
contains "a tag's page is listed under its title in the index" "$TMP/out/search-index.js" '"whistleblowing","Guidance tagged “whistleblowing”"'

# A change of tags alone (title and text the same) is a change of the
# article's search words and of the tag pages: the rebuild, with the
# cache, finds the new tag and no longer the old, as a clean build does.
sed -i 's/^tags: .*/tags: [confidentiality, social-media]/' "$S/content/people/speaking-up.md"
run "$S" build -o "$TMP/out"
status_is "the rebuild after a change of tags succeeds" "$RC" 0
results_are "the rebuild finds the article by its new tag, with the new tag's page" "$TMP/out" "confidentiality" \
	"people/speaking-up.html tags/confidentiality.html"
results_are "and no longer by the old one, whose page is gone" "$TMP/out" "whistleblowing" "law/pida.html people/handbook.html"
rm -rf "$S/.quire-cache"
run "$S" build -o "$TMP/clean"
if d=$(diff -r "$TMP/out" "$TMP/clean" 2>&1); then ok "the rebuild matches a clean build byte for byte"; else not_ok "the rebuild matches a clean build byte for byte" "$(printf '%s\n' "$d" | head -n 10)"; fi
