#!/bin/sh
# t63: a rebuild that reuses the build cache writes exactly what a clean
# build writes, whatever changed in between.
. "$(dirname "$0")/lib.sh"

commit() {
	git -C "$S" add -A >/dev/null
	GIT_AUTHOR_DATE="$1" GIT_COMMITTER_DATE="$1" GIT_AUTHOR_NAME="Ann Editor" GIT_AUTHOR_EMAIL="ann@example.org" \
		GIT_COMMITTER_NAME="Ann Editor" GIT_COMMITTER_EMAIL="ann@example.org" git -C "$S" commit -q -m "$2" >/dev/null
}

# same DESCRIPTION [OPTION...]: builds into $TMP/inc with the cache, then
# into a fresh folder with no cache, and compares the two trees byte for
# byte.
same() {
	desc=$1
	shift
	run "$S" build "$@" -o "$TMP/inc"
	rc_inc=$RC
	cp "$ERR" "$TMP/err-inc"
	rm -rf "$TMP/aside" "$TMP/clean"
	[ -d "$C" ] && mv "$C" "$TMP/aside"
	run "$S" build "$@" -o "$TMP/clean"
	rm -rf "$C"
	[ -d "$TMP/aside" ] && mv "$TMP/aside" "$C"
	if [ "$rc_inc" != 0 ] || [ "$RC" != 0 ]; then
		not_ok "$desc" "builds failed: incremental $rc_inc, clean $RC: $(cat "$TMP/err-inc" "$ERR")"
	elif d=$(diff -r "$TMP/inc" "$TMP/clean" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc" "$(printf '%s\n' "$d" | head -n 20)"
	fi
}

# damage TEXT: changes one byte of every copy of TEXT in the cache at $C.
damage() {
	for seg in "$C"/build-cache-v1/seg-*.qcs; do
		for at in $(grep -boa "$1" "$seg" | cut -d: -f1); do
			printf 'Z' | dd of="$seg" bs=1 seek="$at" conv=notrunc 2>/dev/null
		done
	done
}

site s
C=$S/.git/quire/build-cache-v1
git -C "$S" init -q -b main
page "$S" index.md "Welcome" "Start with [[Privacy at work]] or [[speech]]."
page "$S" rights/privacy.md "Privacy at work" "## Costs\n\nWho pays: see [[speech]] and [the form](form.pdf).\n\n## Appeals\n\nText.\n\n### Deadlines\n\nMore."
page "$S" rights/speech.md "Free speech" "Read [costs](privacy.md#costs) first.\n\n- a list\n- of things\n\n| a | b |\n|---|---|\n| 1 | 2 |"
page "$S" other/leaf.md "Leaf" "Links to [[Privacy at work#appeals]] and [[speech|what you may say]]."
printf -- '---\ntitle: Tagged\ntags: [courts, privacy]\n---\nSee [[leaf]].\n' > "$S/content/other/tagged.md"
printf 'PDF' > "$S/content/rights/form.pdf"
commit 2026-01-01T10:00:00Z "First version"
printf '\nA second paragraph.\n' >> "$S/content/rights/privacy.md"
commit 2026-01-02T10:00:00Z "Add a paragraph"
printf -- '---\ntitle: Free speech\nsummary: What you may say\n---\nRead [costs](privacy.md#costs) first.\n\n- a list\n- of more things\n' > "$S/content/rights/speech.md"
commit 2026-01-03T10:00:00Z "Summary and list"

same "a first build with history matches a clean build"
check "the cache lives in the git dir" sh -c "ls '$C'/*/seg-*.qcs"
same "a rebuild with nothing changed matches a clean build"

# The second build links every page the first made, also when OUT was
# named by a relative path (or by default) and did not exist yet: the
# first build's record of its files must be found under the same name.
rendered_again() {
	(cd "$1" && QUIRE_TIMINGS=1 "$QUIRE" build $2 2>&1 >/dev/null) | sed -n 's/^pages: \([0-9]*\) rendered.*/\1/p'
}
for how in "-o rel-out" "-o rel-out/" ""; do
	rm -rf "$S/public" "$S/rel-out" "$S/.public.back" "$S/.rel-out.back"
	rendered_again "$S" "$how" >/dev/null
	n=$(rendered_again "$S" "$how")
	if [ "$n" = 0 ]; then
		ok "the second build (quire build ${how:-with no -o}, OUT new before the first) renders no page again"
	else
		not_ok "the second build (quire build ${how:-with no -o}, OUT new before the first) renders no page again" "rendered: ${n:-?}"
	fi
done
rm -rf "$S/public" "$S/rel-out" "$S/.public.back" "$S/.rel-out.back"

# Unchanged pages are linked from the previous build by fingerprint, without
# being rendered or read: a file edited by hand in the output is noticed by
# its inode, size and time, and made again.
rev=$(ls "$TMP/inc/rights/" | grep 'privacy.rev-' | head -n 1)
printf 'hand edit' >> "$TMP/inc/rights/privacy.html"
printf 'X' | dd of="$TMP/inc/rights/$rev" bs=1 seek=20 conv=notrunc 2>/dev/null
same "after output files were edited by hand (one grown, one overwritten in place), the rebuild matches a clean build"
lacks "the hand edit is gone" "$TMP/inc/rights/privacy.html" "hand edit"
i1=$(stat -c %i "$TMP/inc/rights/speech.history.html")
run "$S" build -o "$TMP/inc"
i2=$(stat -c %i "$TMP/inc/rights/speech.history.html")
if [ -n "$i1" ] && [ "$i1" = "$i2" ]; then ok "an unchanged history page is the previous build's file (a hard link)"; else not_ok "an unchanged history page is the previous build's file (a hard link)" "inode $i1 then $i2"; fi

printf '\nOne more sentence, not committed.\n' >> "$S/content/rights/speech.md"
same "after editing one article's body, the rebuild matches a clean build"
contains "the edit is in the rebuilt page" "$TMP/inc/rights/speech.html" "One more sentence"
printf '\nAnd another.\n' >> "$S/content/rights/speech.md"
QUIRE_TIMINGS=1 "$QUIRE" build -s "$S" -o "$TMP/inc" >/dev/null 2>"$TMP/timings"
n=$(sed -n 's/^pages: \([0-9]*\) rendered.*/\1/p' "$TMP/timings")
# print.html shows every article, each rendered from the site's root: the
# others' come from the build cache
if grep -qx 'print.html: 1 of 4 articles rendered from Markdown' "$TMP/timings"; then
	ok "an edit of one article's body renders only that article again for print.html"
else
	not_ok "an edit of one article's body renders only that article again for print.html" \
		"$(grep '^print.html' "$TMP/timings" || echo "no such line")"
fi
# its page and print.html, which shows every body; its history page and
# past versions show none of the article's text as it is now (the first
# edit made them again, for the note that it has uncommitted changes)
want=1
[ -f "$TMP/inc/print.html" ] && want=$((want + 1))
if [ "$n" = "$want" ]; then
	ok "a second edit of one article's body renders only the $want pages showing it"
else
	not_ok "a second edit of one article's body renders only the $want pages showing it" "rendered: ${n:-?}"
fi
same "(and the rebuild matches a clean build)"

sed -i 's/^title: Free speech$/title: Speaking freely/' "$S/content/rights/speech.md"
same "after changing a title (wiki links and backlinks elsewhere change), the rebuild matches"
contains "a wiki link elsewhere shows the new title" "$TMP/inc/rights/privacy.html" "Speaking freely"
# A title edit changes what every link resolves against, but each page's
# Markdown is kept by how its own links resolve: only the bodies showing
# the title are rendered again (index and privacy: [[speech]]), not one
# linking to it with text of its own ([[speech|what you may say]]).  A page
# whose HTML comes out the same keeps its fingerprint, and past versions
# go by how their own links resolve too.
sed -i 's/^title: Speaking freely$/title: Speaking out/' "$S/content/rights/speech.md"
QUIRE_TIMINGS=pages "$QUIRE" build -s "$S" -o "$TMP/inc" >/dev/null 2>"$TMP/rendered"
if grep -qx 'rendered rights/privacy.html' "$TMP/rendered" && ! grep -qx 'rendered other/tagged.html' "$TMP/rendered" &&
	! grep -qx 'rendered other/leaf.html' "$TMP/rendered"; then
	ok "a title edit renders the pages that show the title again, not pages whose HTML stays the same"
else
	not_ok "a title edit renders the pages that show the title again, not pages whose HTML stays the same" \
		"$(grep -c '^rendered ' "$TMP/rendered") rendered: $(grep '^rendered' "$TMP/rendered" | tr '\n' ' ')"
fi
# (of those two, print.html holds privacy: index is the home page)
if grep -qx 'print.html: 1 of 4 articles rendered from Markdown' "$TMP/rendered"; then
	ok "a title edit renders again for print.html only the article whose links show it"
else
	not_ok "a title edit renders again for print.html only the article whose links show it" \
		"$(grep '^print.html' "$TMP/rendered" || echo "no such line")"
fi
if grep -qx 'markdown bodies: 2 rendered, [0-9]* from the cache' "$TMP/rendered"; then
	ok "a title edit renders again only the Markdown of the two articles whose links show it"
else
	not_ok "a title edit renders again only the Markdown of the two articles whose links show it" \
		"$(grep '^markdown bodies' "$TMP/rendered")"
fi
if grep -q '^rendered rights/privacy\.rev-' "$TMP/rendered" && grep -q '^rendered index\.rev-' "$TMP/rendered" &&
	! grep -q '^rendered other/leaf\.' "$TMP/rendered" && ! grep -q '^rendered other/tagged\.' "$TMP/rendered"; then
	ok "a title edit renders the past versions whose links show the title, not those of articles linking elsewhere or with text of their own"
else
	not_ok "a title edit renders the past versions whose links show the title, not those of articles linking elsewhere or with text of their own" \
		"$(grep '^rendered' "$TMP/rendered" | tr '\n' ' ')"
fi
same "after a second title change, the rebuild matches"

# Past versions' links are resolved again only in the histories whose
# links look up an edited page's title or name, or lead to it: a heading
# added to a page nothing links to touches its own history alone, and a
# retitled page the histories of the pages linking to it too.
past_links() { # DESCRIPTION EXPECTED
	QUIRE_TIMINGS=1 "$QUIRE" build -s "$S" -o "$TMP/inc" >/dev/null 2>"$TMP/timings"
	if grep -qx "past versions' links: $2" "$TMP/timings"; then
		ok "$1"
	else
		not_ok "$1" "$(grep "^past versions' links" "$TMP/timings" || echo "no such line")"
	fi
}
printf '\n## A new part\n\nText.\n' >> "$S/content/other/tagged.md"
past_links "a heading added to a page nothing links to resolves again the past links of its own history alone" \
	"4 histories as they were, 1 resolved again"
same "after adding a heading, the rebuild matches"
sed -i 's/^title: Leaf$/title: Fallen leaf/' "$S/content/other/leaf.md"
past_links "a retitled page's history and the history of the page whose [[link]] names it resolve their links again, no others" \
	"3 histories as they were, 2 resolved again"
same "after retitling a page a past version links to, the rebuild matches"
# (its wiki link shows the title the page had when it was committed)
lacks "that past version still shows the title of then" "$TMP/inc/other/$(ls "$TMP/inc/other" | grep -m1 '^tagged\.rev-')" "Fallen leaf"
contains "(which was Leaf)" "$TMP/inc/other/$(ls "$TMP/inc/other" | grep -m1 '^tagged\.rev-')" ">Leaf</a>"
sed -i 's/^title: Fallen leaf$/title: Leaf/' "$S/content/other/leaf.md"
same "after retitling it back, the rebuild matches"

# An unchanged page is linked without its context being built, by a
# fingerprint of what the context is made from: each kind of thing a page
# shows of other pages must still reach it.
printf -- '---\ntitle: Leaf\nsummary: Where the leaves are\n---\nLinks to [[Privacy at work#appeals]] and [[speech|what you may say]].\n' > "$S/content/other/leaf.md"
same "after giving a page a summary that a page it links to lists (backlinks), the rebuild matches"
contains "the backlink shows the summary" "$TMP/inc/rights/privacy.html" "Where the leaves are"
sed -i 's/^summary: Where the leaves are$/summary: Where the leaves fall/' "$S/content/other/leaf.md"
same "after changing that summary, the rebuild matches"
contains "the backlink shows the new summary" "$TMP/inc/rights/privacy.html" "Where the leaves fall"
page "$S" rights/index.md "Your rights" "The rights section."
same "after giving a section a title page (breadcrumbs and navigation change), the rebuild matches"
sed -i 's/^title: Your rights$/title: Rights at work/' "$S/content/rights/index.md"
same "after retitling a section, the rebuild matches"
contains "the navigation elsewhere shows the new section title" "$TMP/inc/other/leaf.html" "Rights at work"
printf -- '---\ntitle: Tagged\ntags: [courts, employment]\n---\nSee [[leaf]].\n' > "$S/content/other/tagged.md"
same "after changing a page's tags, the rebuild matches"
# Tags are search words of the page and make pages of their own in the
# search index: a change of tags alone must reach both.
printf -- '---\ntitle: Tagged\ntags: [courts, zanzibar]\n---\nSee [[leaf]].\n' > "$S/content/other/tagged.md"
same "after changing only an article's tags, the rebuild (search index included) matches a clean build"
grep -q '"zanzibar":' "$TMP/inc"/search-[0-9]*.js && ok "the new tag's word is in the search index" ||
	not_ok "the new tag's word is in the search index"
contains "and the new tag's page" "$TMP/inc/search-index.js" '"zanzibar","Guidance tagged'
lacks "but not the page of the tag it lost" "$TMP/inc/search-index.js" '"employment","Guidance tagged'
# Related pages come from shared tags, and are kept in the cache while no
# page's kind, title or tags change: a page taking a tag another has, then
# a retitled one, change them.
printf -- '---\ntitle: Also tagged\ntags: [trade]\n---\nWords.\n' > "$S/content/rights/also.md"
same "after adding a page with a tag of its own, the rebuild matches"
printf -- '---\ntitle: Also tagged\ntags: [courts]\n---\nWords.\n' > "$S/content/rights/also.md"
same "after it takes a tag another page has (each is now related to the other), the rebuild matches"
printf -- '---\ntitle: Middle\ntags: [courts]\n---\nWords.\n' > "$S/content/rights/middle.md"
same "after a third page takes that tag too, the rebuild matches"
printf -- '---\ntitle: Zulu tagged\ntags: [courts]\n---\nWords.\n' > "$S/content/rights/also.md"
same "after retitling a related page (related pages of equal weight go by title), the rebuild matches"
rm "$S/content/rights/also.md" "$S/content/rights/middle.md"
# More pages of one tag than a related list holds (5): a retitled page
# enters the others' lists, leaves them, or changes nothing.
for t in Bravo Charlie Delta Echo Foxtrot Golf Hotel India; do
	printf -- '---\ntitle: %s\ntags: [many]\n---\nWords.\n' "$t" > "$S/content/rights/m-$t.md"
done
same "with eight pages of one tag, the rebuild matches"
sed -i 's/^title: India$/title: Alpha/' "$S/content/rights/m-India.md"
same "after the last of them by title is retitled to come first, the rebuild matches"
contains "(it is now in the related pages of the first)" "$TMP/inc/rights/m-Bravo.html" "Alpha"
sed -i 's/^title: Alpha$/title: Zulu/' "$S/content/rights/m-India.md"
same "after it is retitled to come last again, the rebuild matches"
sed -i 's/^title: Charlie$/title: Yankee/' "$S/content/rights/m-Charlie.md"
same "after one in the lists is retitled out of them, the rebuild matches"
sed -i 's/^title: Golf$/title: Golfer/' "$S/content/rights/m-Golf.md"
same "after one outside the lists is retitled and stays outside, the rebuild matches"
rm "$S"/content/rights/m-*.md
mkdir -p "$S/content/moved"; mv "$S/content/other/leaf.md" "$S/content/moved/leaf.md"
same "after moving an article to another section (its URL and neighbours change), the rebuild matches"
mv "$S/content/moved/leaf.md" "$S/content/other/leaf.md"; rmdir "$S/content/moved"
same "after moving it back, the rebuild matches"

sed -i 's/^## Appeals$/## Appealing a decision/' "$S/content/rights/privacy.md"
run "$S" build -o "$TMP/inc"
status_is "renaming a heading that another page links to is an error on rebuild" "$RC" 1
contains "the broken anchor is reported at the linking page" "$ERR" "content/other/leaf.md:"
sed -i 's/^## Appealing a decision$/## Appeals/' "$S/content/rights/privacy.md"
run "$S" build -o "$TMP/inc"
status_is "restoring the heading builds again" "$RC" 0
sed -i 's/^### Deadlines$/### Time limits for a zebrafish/' "$S/content/rights/privacy.md"
same "after renaming a heading no page links to, the rebuild (search index included) matches"
# a word of the shards (search-NN.js), not only of the page's text (search-body-N.js)
grep -q '"zebrafish":' "$TMP/inc"/search-[0-9]*.js && ok "the renamed heading's words are in the search index" ||
	not_ok "the renamed heading's words are in the search index"
grep -q 'zebrafish' "$TMP/inc"/search-body-00.js && ok "and in the page's text, for passages" ||
	not_ok "and in the page's text, for passages"
# A file of the pages' texts gone from OUT (deleted by hand) while its
# pages' search batch comes from the cache is made again from the pages.
rm "$TMP/inc/search-body-00.js"
same "a file of the pages' texts deleted from OUT is made again"

page "$S" rights/new.md "Brand new" "Links to [[leaf]] and [[privacy#costs]]."
same "after adding an article, the rebuild matches a clean build"
rm "$S/content/other/tagged.md"
same "after deleting an article, the rebuild matches a clean build"

printf '{{! a comment }}<!-- edited template -->\n' >> "$S/themes/default/templates/article.mustache"
same "after a template edit, the rebuild matches a clean build"
contains "the template edit shows" "$TMP/inc/rights/privacy.html" "edited template"

# Each output's fingerprint covers its own template and the partials it
# includes, not the whole theme: an edit renders again what it changes.
printf -- '---\ntitle: Tagged again\ntags: [courts]\n---\nSee [[leaf]].\n' > "$S/content/other/tagged.md"
same "after adding a tagged article back, the rebuild matches a clean build"
ino_art=$(stat -c %i "$TMP/inc/rights/privacy.html")
printf '\n/* edited stylesheet */\n' >> "$S/themes/default/assets/style.css"
same "after a stylesheet edit, the rebuild matches a clean build"
contains "the stylesheet edit is copied" "$TMP/inc/assets/style.css" "edited stylesheet"
[ "$(stat -c %i "$TMP/inc/rights/privacy.html")" = "$ino_art" ] && ok "a stylesheet edit renders no page again (same file)" ||
	not_ok "a stylesheet edit renders no page again (same file)"
printf '<!-- edited tag template -->\n' >> "$S/themes/default/templates/tag.mustache"
same "after editing the tag template, the rebuild matches a clean build"
contains "the tag pages show the edit" "$TMP/inc/tags/courts.html" "edited tag template"
[ "$(stat -c %i "$TMP/inc/rights/privacy.html")" = "$ino_art" ] && ok "editing the tag template leaves articles alone (same file)" ||
	not_ok "editing the tag template leaves articles alone (same file)"
printf '<!-- edited partial -->\n' >> "$S/themes/default/templates/toc.mustache"
same "after editing a partial (the table of contents), the rebuild matches a clean build"
contains "an article including the partial shows the edit" "$TMP/inc/rights/privacy.html" "edited partial"
rev=$(ls "$TMP/inc/rights/" | grep 'privacy.rev-' | head -n 1)
contains "a past version including it shows the edit too" "$TMP/inc/rights/$rev" "edited partial"

printf 'title: Renamed site\nmarkdown:\n  unsafe_html: true\n' > "$S/site.yml"
printf '\n<b>raw</b>\n' >> "$S/content/other/leaf.md"
same "after a site.yml change (title, unsafe_html), the rebuild matches a clean build"
contains "unsafe_html applies on rebuild" "$TMP/inc/other/leaf.html" "<b>raw</b>"

commit 2026-01-04T10:00:00Z "Many changes"
same "after a new commit, the rebuild matches a clean build"
printf '\nEdited again.\n' >> "$S/content/rights/privacy.md"
commit 2026-01-05T10:00:00Z "Edit privacy"
same "after another commit editing one article, the rebuild matches a clean build"
git -C "$S" revert --no-edit HEAD >/dev/null
same "after a revert (an old text again, after a different one), the rebuild matches a clean build"
GIT_COMMITTER_DATE=2026-01-07T10:00:00Z git -C "$S" commit -q --amend --no-edit --date=2026-01-07T09:00:00Z --author="Bo Reviewer <bo@example.org>"
same "after amending the last commit's author and date (same texts, same number of revisions), the rebuild matches"
contains "the article shows the amended author" "$TMP/inc/rights/privacy.html" "Bo Reviewer"

for f in "$C"/*/*; do printf 'garbage, not a cache segment' > "$f"; done
same "with garbage in every cache file, the build still matches a clean build"
for f in "$C"/*/*; do head -c 100 /dev/urandom > "$f"; done
run "$S" build -o "$TMP/inc"
status_is "random bytes in the cache do not fail the build" "$RC" 0
same "and the next rebuild matches too"
for f in "$C"/*/seg-*; do head -c 5000 "$f" > "$TMP/cut"; cat "$TMP/cut" > "$f"; done
same "with every cache segment truncated, the build still matches a clean build"
n=0
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	printf '\nEdit %s.\n' "$i" >> "$S/content/rights/speech.md"
	run "$S" build -o "$TMP/inc"
done
n=$(ls "$C"/*/seg-*.qcs | wc -l)
if [ "$n" -le 9 ]; then ok "many rebuilds keep a bounded number of cache segments ($n)"; else not_ok "many rebuilds keep a bounded number of cache segments" "$n segments"; fi
same "after many rebuilds, the output still matches a clean build"

# Problems are reported on every build, not only when the page was rendered.
printf '\nA [broken](missing.md) link.\n' >> "$S/content/rights/speech.md"
run "$S" build -o "$TMP/inc"
status_is "a broken link fails the build" "$RC" 1
run "$S" build -o "$TMP/inc"
status_is "the same broken link fails the rebuild too" "$RC" 1
contains "and is reported again at its line" "$ERR" "content/rights/speech.md:"
printf 'title: Renamed site\nlinks: warn\n' > "$S/site.yml"
run "$S" build -o "$TMP/inc"
contains "with links: warn, the broken link is a warning" "$ERR" "warning:"
run "$S" build -o "$TMP/inc"
contains "and the warning is repeated on a rebuild" "$ERR" "warning:"
same "a site with warnings rebuilds to match a clean build"
# A broken link keeps its address as written, which is also what the
# page's HTML says once a file of that name arrives: print.html (which
# links from the site's root) must not take the other state's HTML.
printf '\nFill in [the form](leave-form.pdf).\n' >> "$S/content/rights/speech.md"
same "with a link to a file not there yet, the rebuild matches (print.html included)"
printf 'PDF' > "$S/content/rights/leave-form.pdf"
same "once the file arrives, the rebuild matches (print.html links it from the root)"
rm "$S/content/rights/leave-form.pdf"
same "and once it is gone again, the rebuild matches"

# A site in no repository keeps its cache in SITE/.quire-cache.
site plain
C=$S/.quire-cache
page "$S" a.md "Alpha" "See [[b]]."
page "$S" b.md "Beta" "## Part\n\nBack to [[a]]."
same "a site without git builds to match a clean build"
check "the cache lives in SITE/.quire-cache" sh -c "ls '$C'/build-cache-v1/seg-*.qcs"
sed -i 's/^title: Beta$/title: Bravo/' "$S/content/b.md"
same "without git, a title change rebuilds to match a clean build"

# A page's HTML is read from the cache only when the page is rendered
# again; should that entry be damaged by then, the page is made again from
# its Markdown.  Every copy of b's HTML in the cache gets one byte changed,
# and b.html is deleted from the output, so b must be rendered again.
damage 'Back to'
rm -f "$TMP/inc/b.html"
same "a page whose cached HTML was damaged is rendered again from its Markdown"
contains "and it has its text" "$TMP/inc/b.html" "Back to"

# Lua filters may rewrite any page: the result still matches.
mkdir -p "$S/scripts"
cat > "$S/scripts/filter.lua" <<'EOF'
quire.filter{ text = function(t) if t.literal:find("Back", 1, true) then return { literal = t.literal:gsub("Back", "Return") } end end }
EOF
run "$S" build -o "$TMP/probe"
if [ "$RC" = 0 ]; then
	same "with a Lua filter, the rebuild matches a clean build"
	contains "the filter ran" "$TMP/inc/b.html" "Return to"
	printf 'quire.filter{ text = function(t) if t.literal:find("Return", 1, true) then return { literal = "Changed" } end end }\n' > "$S/scripts/filter.lua"
	same "after editing the Lua filter, the rebuild matches a clean build"
else
	ok "# skipped: this build has no quire.filter ($(head -n 1 "$ERR"))"
fi

# What Lua filters make is cached under a digest of everything they can
# read besides the page (their code, upvalues, globals), so a rebuild
# after one edit parses that article alone; a change to what they read,
# here a global an on_site handler sets from a page's front matter,
# parses every page again.
site filt
C=$S/.quire-cache
mkdir -p "$S/scripts"
page "$S" a.md "Alpha" "Alpha says TERM."
page "$S" b.md "Beta" "Beta says TERM."
printf -- '---\ntitle: Terms\nterm: first word\n---\nThe glossary.\n' > "$S/content/terms.md"
cat > "$S/scripts/terms.lua" <<'EOF'
term = "?"
quire.on_site(function(site)
  for _, p in ipairs(site.pages) do
    if p.params.term then term = p.params.term end
  end
end)
quire.filter{ text = function(t)
  if t.literal:find("TERM", 1, true) then return { literal = (t.literal:gsub("TERM", term)) } end
end }
EOF
# bodies OPTION...: how many Markdown bodies a build into $TMP/inc parsed
bodies() {
	QUIRE_TIMINGS=1 "$QUIRE" build "$@" -s "$S" -o "$TMP/inc" 2>&1 >/dev/null |
		sed -n 's/^markdown bodies: \([0-9]*\) rendered.*/\1/p'
}
same "a site whose filter reads what on_site found builds to match a clean build"
contains "the filter used it" "$TMP/inc/b.html" "Beta says first word."
n=$(bodies)
if [ "$n" = 0 ]; then ok "with a Lua filter, a rebuild of an unchanged site parses no article"
else not_ok "with a Lua filter, a rebuild of an unchanged site parses no article" "parsed: ${n:-?}"; fi
printf 'More.\n' >> "$S/content/a.md"
n=$(bodies)
if [ "$n" = 1 ]; then ok "with a Lua filter, a rebuild after editing one article parses that one"
else not_ok "with a Lua filter, a rebuild after editing one article parses that one" "parsed: ${n:-?}"; fi
same "and it matches a clean build"
sed -i 's/^term: first word$/term: second word/' "$S/content/terms.md"
same "a change to what the filter reads rebuilds every page it filters, to match a clean build"
contains "with the new word" "$TMP/inc/b.html" "Beta says second word."

# A filter that changes its own state as it runs (a counter) makes each
# page depend on the pages filtered before it: once a build sees that, no
# page filtered from that state comes from the cache.  (Pages are filtered
# in their order on any number of threads: -j 3.)
cat > "$S/scripts/count.lua" <<'EOF'
local n = 0
quire.filter{ text = function(t)
  n = n + 1
  if t.literal:find("COUNT", 1, true) then return { literal = (t.literal:gsub("COUNT", tostring(n))) } end
end }
EOF
printf 'Seen COUNT.\n' >> "$S/content/b.md"
same "a filter that counts builds to match a clean build" -j 3
printf 'Even more.\n' >> "$S/content/terms.md"
same "after an edit, a filter that counts still matches a clean build" -j 3
rm "$S/scripts/count.lua"

# A filter that starts changing its state only when an edit brings the
# input for it: the build that sees it first already has pages from the
# cache, filtered from the state before, and is made again without them.
# (In the second pass alone, after on_site: the first pass's text is not
# what pages show.)
cat > "$S/scripts/late.lua" <<'EOF'
seen, pass = false, 1
quire.on_site(function(site) pass = 2 end)
quire.filter{ text = function(t)
  if pass == 2 and t.literal:find("TRIGGER", 1, true) then seen = true end
  if t.literal:find("MARK", 1, true) then return { literal = t.literal .. (seen and " after" or " before") } end
end }
EOF
page "$S" m1.md "M one" "MARK one"
page "$S" m2.md "M two" "plain"
page "$S" m3.md "M three" "MARK three"
same "a filter that changes its state only on some input builds to match a clean build" -j 1
same "(and rebuilds so, its work now in the cache)" -j 1
page "$S" m2.md "M two" "TRIGGER here"
QUIRE_TIMINGS=1 "$QUIRE" build -j 1 -s "$S" -o "$TMP/inc" >/dev/null 2>"$TMP/again.err"
contains "once an edit brings that input, the build is made again without the cache" "$TMP/again.err" "building again"
same "and matches a clean build" -j 1
rm "$S/scripts/late.lua" "$S/content/m1.md" "$S/content/m2.md" "$S/content/m3.md"

# A filter whose state moves in the first pass, which on_site puts back:
# the second pass then starts where the last build's did, and moves again
# (the build made again has none of the filters' work from the cache).
cat > "$S/scripts/reset.lua" <<'EOF'
seen = false
quire.on_site(function(site) seen = false end)
quire.filter{ text = function(t)
  if t.literal:find("TRIGGER", 1, true) then seen = true end
  if t.literal:find("MARK", 1, true) then return { literal = t.literal .. (seen and " after" or " before") } end
end }
EOF
page "$S" r1.md "R one" "MARK one"
page "$S" r2.md "R two" "plain"
page "$S" r3.md "R three" "MARK three"
same "a filter whose state on_site puts back builds to match a clean build" -j 1
same "(and rebuilds so)" -j 1
page "$S" r2.md "R two" "TRIGGER here"
same "once an edit moves it in both passes, the rebuild still matches a clean build" -j 1
contains "(the page after the edit shows it)" "$TMP/inc/r3.html" "MARK three after"
rm "$S"/content/r[123].md
# The build made again still checks each pass: the next build knows the
# state moves, and is not made twice (the same filter).
for i in 1 2 3 4 5 6; do page "$S" "q/q$i.md" "Q $i" "MARK $i"; done
run "$S" build -j 1 -o "$TMP/inc"
page "$S" q/q2.md "Q 2" "TRIGGER MARK 2"
run "$S" build -j 1 -o "$TMP/inc"
page "$S" q/q5.md "Q 5" "MARK 5 edited"
QUIRE_TIMINGS=1 "$QUIRE" build -j 1 -s "$S" -o "$TMP/inc" >/dev/null 2>"$TMP/again.err"
lacks "the build after one made again is not made twice" "$TMP/again.err" "building again"
same "and matches a clean build" -j 1
rm -r "$S/scripts/reset.lua" "$S/content/q"

# A state too large to walk after every page (more than 400 values: here a
# glossary) leaves the filters' work uncached: a change one page makes and
# a later page undoes would go unseen at the pass's end.
cat > "$S/scripts/span.lua" <<'EOF'
local glossary = {}
for i = 1, 1000 do glossary["term" .. i] = "definition " .. i end
inside = false
quire.filter{ text = function(t)
  if glossary[t.literal] then return { literal = glossary[t.literal] } end
  if t.literal:find("BEGIN", 1, true) then inside = true end
  if t.literal:find("END", 1, true) then inside = false end
  if t.literal:find("MARK", 1, true) then return { literal = t.literal .. (inside and " inside" or " outside") } end
end }
EOF
page "$S" s1.md "S one" "BEGIN here"
page "$S" s2.md "S two" "MARK two"
page "$S" s3.md "S three" "END here"
same "a filter whose flag spans pages, with a large state, builds to match a clean build" -j 1
page "$S" s2.md "S two" "MARK two, edited"
same "after an edit between the pages, it still matches a clean build" -j 1
contains "(the edited page is inside)" "$TMP/inc/s2.html" "inside"
rm "$S/scripts/span.lua" "$S"/content/s[123].md

# The digests of filter functions the state walks are kept between walks,
# not the functions: a filter keeping its last result in a closure leaves
# the garbage it replaces collectable (the scripts' memory limit is 256 MB).
cat > "$S/scripts/keep.lua" <<'EOF'
local last
quire.filter{ text = function(t, path)
  local big = (t.literal .. path):rep(400000)
  last = function() return big end
end }
EOF
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25; do page "$S" "k/k$i.md" "K $i" "word $i"; done
run "$S" build -j 1 -o "$TMP/inc"
status_is "a filter replacing a large closure on every page builds" "$RC" 0
rm -r "$S/scripts/keep.lua" "$S/content/k"

# A filter that tells tables apart by identity (a sentinel) sees an equal
# but other table as other: the digest numbers shared tables.
cat > "$S/scripts/sentinel.lua" <<'EOF'
local UNSET = {}
cfg = UNSET
quire.on_site(function(site)
  cfg = UNSET
  for _, p in ipairs(site.pages) do if p.params.cfg then cfg = p.params.cfg end end
end)
quire.filter{ text = function(t)
  if t.literal == "MODE" then return { literal = cfg == UNSET and "default mode" or "custom mode" } end
end }
EOF
page "$S" mode.md "Mode" "MODE"
printf -- '---\ntitle: Conf\n---\nConfiguration.\n' > "$S/content/conf.md"
same "a filter comparing with a sentinel builds to match a clean build"
printf -- '---\ntitle: Conf\ncfg: {}\n---\nConfiguration.\n' > "$S/content/conf.md"
same "an equal table in its place rebuilds to match a clean build"
contains "(the filter saw the other table)" "$TMP/inc/mode.html" "custom mode"
rm "$S/scripts/sentinel.lua" "$S/content/mode.md" "$S/content/conf.md"

# A filter that logs (the log would be missing) or reads quire.head (the
# next commit changes it) makes nothing to cache.
printf 'quire.filter{ text = function(t) if t.literal:find("LOGME", 1, true) then quire.log("filtered LOGME") end end }\n' > "$S/scripts/log.lua"
printf 'Please LOGME.\n' >> "$S/content/a.md"
run "$S" build -o "$TMP/inc"
run "$S" build -o "$TMP/inc"
contains "a filter's log is there on every rebuild" "$ERR" "filtered LOGME"
rm "$S/scripts/log.lua" "$S/scripts/terms.lua"
printf 'quire.filter{ text = function(t) if t.literal:find("BOOM", 1, true) then error("boom") end end }\n' > "$S/scripts/boom.lua"
printf 'It goes BOOM.\n' > "$S/content/boom.md"
run "$S" build -o "$TMP/inc"
run "$S" build -o "$TMP/inc"
status_is "a filter that fails on a page fails the rebuild too" "$RC" 1
contains "naming the page" "$ERR" "content/boom.md"
rm "$S/scripts/boom.lua" "$S/content/boom.md"
git -C "$S" init -q -b main
C=$S/.git/quire/build-cache-v1
printf 'quire.filter{ text = function(t) if t.literal == "HEADTIME" then return { literal = tostring(quire.head.time) } end end }\n' > "$S/scripts/head.lua"
page "$S" h.md "Head" "HEADTIME"
commit 2026-02-01T10:00:00Z "First"
same "a filter that reads quire.head builds to match a clean build"
page "$S" other.md "Other" "Text."
commit 2026-03-01T10:00:00Z "Second"
same "after the next commit, it still matches a clean build"
lacks "the page shows the new head's time" "$TMP/inc/h.html" "$(date -d 2026-02-01T10:00:00Z +%s)"

# What a weak table still holds depends on when the collector last ran,
# which depends on how many pages' filters ran: on_site and each pass see
# a collected state in every build.  (A site of its own: what else the
# scripts allocate moves the collections.)
site weakgc
C=$S/.quire-cache
for i in 1 2 3; do page "$S" "p$i.md" "P$i" "WEAK $i"; done
mkdir -p "$S/scripts"
cat > "$S/scripts/weak.lua" <<'EOF'
local ballast = {} for i = 1, 30000 do ballast[i] = {} end
local pending = setmetatable({}, { __mode = "v" })
quire.on_page(function() pending.x = {} end)
quire.on_site(function() flag = (pending.x and "alive" or "collected") .. (#ballast > 0 and "" or "") end)
quire.filter{ text = function(t)
  for i = 1, 1000 do local g = {} end
  if t.literal:find("WEAK", 1, true) then return { literal = t.literal .. " " .. tostring(flag) } end
end }
EOF
same "a script with a weak table builds to match a clean build" -j 1
same "and rebuilds so, its pages from the cache" -j 1

# A site of more than 1,000 articles drops each Markdown body once its
# HTML is made (no print.html): a page whose HTML stayed in the cache keeps
# its body, so a damaged entry can still be made again.
site large
C=$S/.quire-cache
for i in $(seq 1 1100); do
	printf -- '---\ntitle: Page %s\n---\nBody of page %s.\n' "$i" "$i" > "$S/content/p$i.md"
done
printf -- '---\ntitle: Page 7\n---\nThe seventh page, Unique words.\n' > "$S/content/p7.md"
run "$S" build -o "$TMP/inc"
# A first build records more files than its first block of records holds
# (1,024): every one must reach the manifest, or the next build renders
# the missing ones again.
n=$(QUIRE_TIMINGS=1 "$QUIRE" build -s "$S" -o "$TMP/inc" 2>&1 | sed -n 's/^pages: \([0-9]*\) rendered.*/\1/p')
if [ "$n" = 0 ]; then
	ok "a rebuild of an unchanged site of 1,100 articles renders nothing"
else
	not_ok "a rebuild of an unchanged site of 1,100 articles renders nothing" "rendered: ${n:-?}"
fi
damage 'Unique words'
rm -f "$TMP/inc/p7.html"
same "on a site of over 1,000 articles, a page whose cached HTML was damaged is made again"
contains "with its text" "$TMP/inc/p7.html" "Unique words"

# Sources whose identity (inode, size, modification and change times) is
# the one the last build recorded are not read again: their front matter
# comes from the cache, their Markdown is read only when their page is
# rendered again.  A file modified or changed in the two seconds before a
# build is read by every build until it is older (its times might not show
# a second edit made within the same tick), so the scenario waits, once
# after dating the files in the past and once after an edit.
site snap
C=$S/.quire-cache
page "$S" a.md "Alpha" "See [[b]] and [[c]]."
page "$S" b.md "Beta" "## Part\n\nBack to [[a]]. Words of beta."
printf -- '---\ntitle: Gamma\ntemplate: special\n---\nThe page in a template of its own.\n' > "$S/content/c.md"
printf -- '---\ntitle: Draft one\ndraft: true\n---\nNot yet.\n' > "$S/content/d.md"
cp "$S/themes/default/templates/page.mustache" "$S/themes/default/templates/special.mustache"
find "$S/content" -type f -exec touch -d '2020-01-01 00:00:00' {} +
# sources WANT DESCRIPTION: rebuilds, checking how many sources were read
sources() {
	n=$(QUIRE_TIMINGS=1 "$QUIRE" build -s "$S" -o "$TMP/inc" 2>&1 | grep '^sources:')
	if [ "$n" = "sources: $1 since the last build" ]; then ok "$2"; else not_ok "$2" "$n"; fi
}
sleep 2.2
run "$S" build -o "$TMP/inc"
status_is "a site dated in the past builds" "$RC" 0
sources "0 read, 4 unchanged" "a rebuild reads none of its unchanged sources"
same "a rebuild from recorded sources matches a clean build"

# An edit of the same size in place (the same inode), with the old
# modification time put back, still changes the file's change time.
sed 's/Words of beta/Words of BETA/; s/^title: Beta$/title: Bert/' "$S/content/b.md" > "$TMP/b.md"
cat "$TMP/b.md" > "$S/content/b.md"
touch -d '2020-01-01 00:00:00' "$S/content/b.md"
sources "1 read, 3 unchanged" "a file edited to the same size and date is read again"
contains "its new text is shown" "$TMP/inc/b.html" "Words of BETA"
contains "and its new title where another page links to it" "$TMP/inc/a.html" ">Bert</a>"
same "the rebuild matches a clean build"

# A page from a recorded source whose cached HTML is damaged is made again
# from its Markdown, read from the file then.
sleep 2.2
run "$S" build -o "$TMP/inc"
sources "0 read, 4 unchanged" "once settled, the edited file is recorded by the next build"

# quire check reads what the builds recorded (the pre-commit hook runs it
# on every commit) but writes nothing, and still finds a new mistake.
before=$(find "$C" -type f -printf '%p %s %T@\n' | sort)
n=$(QUIRE_TIMINGS=1 "$QUIRE" check -s "$S" 2>&1 | grep '^sources:')
if [ "$n" = "sources: 0 read, 4 unchanged since the last build" ]; then ok "quire check reads no unchanged source"; else not_ok "quire check reads no unchanged source" "$n"; fi
after=$(find "$C" -type f -printf '%p %s %T@\n' | sort)
if [ "$before" = "$after" ] && [ -n "$before" ]; then ok "and leaves the cache as it was"; else not_ok "and leaves the cache as it was" "$(printf '%s\n---\n%s' "$before" "$after")"; fi
cp "$S/content/a.md" "$TMP/a-saved.md"
printf -- '---\ntitle: Alpha\n---\nSee [[b]], [[c]] and [[nowhere]].\n' > "$S/content/a.md"
run "$S" check
status_is "quire check with the cache finds a new broken link" "$RC" 1
contains "at its place" "$ERR" "error: wiki link [[nowhere]] matches no article"
cp "$TMP/a-saved.md" "$S/content/a.md"
touch -d '2020-01-01 00:00:00' "$S/content/a.md"
sleep 2.2
run "$S" build -o "$TMP/inc"

# A page hook is shown every page's body, a recorded source's too.
mkdir -p "$S/scripts"
printf 'quire.on_page(function(page)\n  if page.kind == "article" and page.body:find("of its own", 1, true) then page.title = page.title .. " (hooked)" end\nend)\n' > "$S/scripts/10-body.lua"
sources "0 read, 4 unchanged" "with a page hook, unchanged sources are still not parsed again"
contains "and the hook saw a recorded page's body" "$TMP/inc/c.html" "Gamma (hooked)"
rm -r "$S/scripts"
damage 'Words of BETA'
rm -f "$TMP/inc/b.html"
same "a recorded page whose cached HTML was damaged is made from its file"
contains "with its text" "$TMP/inc/b.html" "Words of BETA"

# An editor that saves by writing a new file and renaming it over the old
# one leaves a new inode, whatever the times say.
cp -p "$S/content/b.md" "$TMP/b-new.md"
sed -i 's/Words of BETA/Words of beta/' "$TMP/b-new.md"
touch -d '2020-01-01 00:00:00' "$TMP/b-new.md"
mv "$TMP/b-new.md" "$S/content/b.md"
sources "1 read, 3 unchanged" "a file replaced by rename, same size and date, is read again"
contains "with its new text" "$TMP/inc/b.html" "Words of beta"

# The one check that depends on more than the file: the template it names
# must still be in the theme.
mv "$S/themes/default/templates/special.mustache" "$TMP/special.mustache"
run "$S" build -o "$TMP/inc"
status_is "a recorded page naming a template the theme lost fails the build" "$RC" 1
contains "at the file and line of its 'template' key" "$ERR" "content/c.md:3:"
mv "$TMP/special.mustache" "$S/themes/default/templates/special.mustache"

# A draft recorded by a build with --drafts stays out of one without.
run "$S" build --drafts -o "$TMP/inc"
check "with --drafts, the draft is built" test -f "$TMP/inc/d.html"
same "without --drafts, the recorded draft is left out again"
check "so the draft's page is gone" test ! -f "$TMP/inc/d.html"

# Hooks that read the history and quire.head, and hide pages: what they
# read changes with a commit, so the pages they change must too.
site hh
C=$S/.git/quire/build-cache-v1
git -C "$S" init -q -b main
sed -i 's|<h1>{{title}}</h1>|<h1>{{title}}</h1><p id="note">{{params.note}}</p>|' "$S/themes/default/templates/article.mustache"
page "$S" a/fresh.md "Fresh" "Changed often. See [[Stale]]."
page "$S" a/stale.md "Stale" "Changed once."
page "$S" b/index.md "B" "The B section."
page "$S" b/one.md "One" "Text."
commit 2024-01-01T10:00:00Z "First version"
mkdir -p "$S/scripts"
cat > "$S/scripts/10-history.lua" <<'EOF'
quire.on_page(function(page)
  local h = page.history
  if page.params.hide then page.draft = true end
  if not h then page.params.note = "none"; return end
  local old = quire.head.time - h.updated > 365 * 24 * 3600
  page.params.note = ("%d by %s on %s%s"):format(h.revisions, h.author, h.list[1].date, old and " (stale)" or "")
end)
EOF
commit 2024-01-02T10:00:00Z "Add the history script"
same "a site whose hooks read the history matches a clean build"
contains "(the hook's note is on the page)" "$TMP/inc/a/fresh.html" "1 by Ann Editor on 1 January 2024"
printf '\nMore.\n' >> "$S/content/a/fresh.md"
commit 2024-06-01T10:00:00Z "Edit fresh"
same "after a commit a hook reads in page.history, the rebuild matches a clean build"
contains "(the note counts the new revision)" "$TMP/inc/a/fresh.html" "2 by Ann Editor on 1 June 2024"
lacks "(no article is a year old yet)" "$TMP/inc/a/stale.html" "(stale)"
printf '/* a new look */\n' >> "$S/themes/default/assets/style.css"
commit 2025-03-01T10:00:00Z "Only the stylesheet"
same "after a commit that changes no article but moves quire.head, the rebuild matches a clean build"
contains "(quire.head moved: the article not changed for a year is now stale)" "$TMP/inc/a/stale.html" "(stale)"
lacks "(the one changed since is not)" "$TMP/inc/a/fresh.html" "(stale)"
printf -- '---\ntitle: Fresh\ndraft: true\n---\nDrafting a rewrite.\n' > "$S/content/a/fresh.md"
commit 2025-06-03T10:00:00Z "Draft a rewrite"
page "$S" a/fresh.md "Fresh" "Rewritten. See [[Stale]]."
commit 2025-06-04T10:00:00Z "Publish the rewrite"
same "after a draft revision and its publication, the rebuild matches a clean build"
# (the draft took the published article off the site: an entry of its
# history, with no text)
contains "(the draft's revision counts as the article's taking down)" "$TMP/inc/a/fresh.html" "4 by Ann Editor on 4 June 2025"
lacks "(and shows none of the draft)" "$TMP/inc/a/fresh.history.html" "Drafting a rewrite"
printf -- '---\ntitle: One\nhide: true\n---\nText.\n' > "$S/content/b/one.md"
same "after a hook hides a page, the rebuild matches a clean build"
check "(the hidden page is gone)" test ! -f "$TMP/inc/b/one.html"
printf -- '---\ntitle: B\nhide: true\n---\nThe B section.\n' > "$S/content/b/index.md"
same "after a hook hides a section's index.md too, the rebuild matches a clean build"
check "(the folder has no section page left)" test ! -f "$TMP/inc/b/index.html"
page "$S" b/one.md "One" "Text."
same "after the page is shown again, the rebuild matches a clean build"
contains "(and the section page quire makes stands in for the hidden index.md)" "$TMP/inc/b/index.html" "<h1>B</h1>"
# Withdrawn guidance: a deletion committed, the notice at its address; an
# edit of the hidden page committed, then its deletion, leaves none.
git -C "$S" rm -q content/a/stale.md
sed -i 's/ See \[\[Stale\]\]\.//' "$S/content/a/fresh.md"
commit 2025-07-01T10:00:00Z "Withdraw stale"
same "after an article is withdrawn, the rebuild matches a clean build"
contains "(its address is a notice)" "$TMP/inc/a/stale.html" "This guidance was withdrawn"
printf -- '---\ntitle: Fresh\naliases: [a/stale]\n---\nRewritten.\n' > "$S/content/a/fresh.md"
same "after an alias takes a withdrawn address, the rebuild matches a clean build"
contains "(the past versions' banners lead to what replaces it)" "$(ls "$TMP"/inc/a/stale.rev-*.html | head -1)" "see what replaces it"
git -C "$S" checkout -q content/a/fresh.md
printf -- '---\ntitle: One\nhide: true\n---\nText.\n' > "$S/content/b/one.md"
commit 2025-07-02T10:00:00Z "Hide one"
git -C "$S" rm -q content/b/one.md
commit 2025-07-03T10:00:00Z "Delete one"
same "after a page a hook hides is deleted, the rebuild matches a clean build"
# (published, then hidden by the hook, then deleted: it left the site
# when hidden, and its address says so)
contains "(its notice dates its withdrawal from when the hook hid it)" "$TMP/inc/b/one.html" "withdrawn on <time datetime=\"2025-07-02"
page "$S" a/stale.md "Stale again" "Back."
commit 2025-07-04T10:00:00Z "Restore stale"
same "after withdrawn guidance is added again, the rebuild matches a clean build"
lacks "(it is the article again)" "$TMP/inc/a/stale.html" "This guidance was withdrawn"

# The first rebuild into OUT has no ".OUT.back" to recycle: the last
# build's files are linked into the staging folder while the sources load
# (output_prelink), and what this build no longer makes is taken out again.
# first DESCRIPTION [no]: same, for a first rebuild; checks the last
# build's files were linked ahead (or, with "no", that none were).
first() {
	rm -rf "$TMP/.inc.back"
	export QUIRE_TIMINGS=1
	same "$1"
	unset QUIRE_TIMINGS
	ahead=$(sed -n 's/^first rebuild into OUT: \([0-9]*\) files linked ahead.*/\1/p' "$TMP/err-inc")
	if [ "${2:-}" = no ] && [ -z "$ahead" ]; then
		ok "(no file was linked ahead)"
	elif [ "${2:-}" != no ] && [ "${ahead:-0}" -gt 0 ]; then
		ok "(the last build's files were linked ahead: $ahead)"
	else
		not_ok "(files linked ahead: ${ahead:-none}, expected ${2:-some})" "$(grep -i 'linked\|^pages' "$TMP/err-inc")"
	fi
}
site fr
# (withdrawn guidance keeps a notice in its folder: left out here, where
# what is checked is that a folder emptied is removed)
printf 'withdrawn: false\n' >> "$S/site.yml"
C=$S/.git/quire/build-cache-v1
git -C "$S" init -q -b main
page "$S" index.md "Home" "See [[Kept]]."
page "$S" a/kept.md "Kept" "Stays as it is."
page "$S" a/edited.md "Edited" "First text."
page "$S" gone/only.md "Only" "The one page of its folder."
printf 'PDF' > "$S/content/a/form.pdf"
commit 2026-02-01T10:00:00Z "First version"
rm -rf "$TMP/inc" "$TMP/.inc.back"
run "$S" build -o "$TMP/inc"
i1=$(stat -c %i "$TMP/inc/a/kept.html")
printf '\nSecond text.\n' >> "$S/content/a/edited.md"
first "a first rebuild after one edit matches a clean build"
i2=$(stat -c %i "$TMP/inc/a/kept.html")
if [ -n "$i1" ] && [ "$i1" = "$i2" ]; then ok "(its unchanged pages are the first build's files)"; else not_ok "(its unchanged pages are the first build's files)" "inode $i1 then $i2"; fi
contains "(the edit is in its page)" "$TMP/inc/a/edited.html" "Second text"
git -C "$S" rm -q -r content/gone
commit 2026-02-02T10:00:00Z "Remove the gone folder"
first "a first rebuild after a folder's only article is removed matches a clean build"
check "(the folder is gone from OUT, not left empty)" test ! -e "$TMP/inc/gone"
page "$S" old/x.md "X" "A folder of its own."
commit 2026-02-02T11:00:00Z "Add the old folder"
run "$S" build -o "$TMP/inc"
rm -f "$TMP"/inc/old/*
git -C "$S" rm -q -r content/old
commit 2026-02-02T12:00:00Z "Remove the old folder"
first "a first rebuild after a folder whose output files were deleted by hand is removed matches a clean build"
check "(no empty folder is left for it)" test ! -e "$TMP/inc/old"
printf 'hand edit' >> "$TMP/inc/a/kept.html"
first "a first rebuild after an output file was edited by hand matches a clean build"
lacks "(the hand edit is gone)" "$TMP/inc/a/kept.html" "hand edit"
git -C "$S" mv content/a/form.pdf content/a/form-2026.pdf
sed -i 's/^title: Kept$/title: Kept on/' "$S/content/a/kept.md"
commit 2026-02-03T10:00:00Z "Rename the form, retitle a page"
first "a first rebuild after a rename and a title edit matches a clean build"
check "(the old name's file is gone)" test ! -e "$TMP/inc/a/form.pdf"
# A template change renders every page again: linking them all ahead
# would be wasted, so it is not done.
printf '<!-- a new footer -->\n' >> "$S/themes/default/templates/foot.mustache"
first "a first rebuild after a template edit matches a clean build" no
contains "(with the new footer)" "$TMP/inc/a/kept.html" "a new footer"
printf '\nThird text.\n' >> "$S/content/a/edited.md"
first "then a first rebuild after one edit links ahead again, and matches a clean build"
# A failed first rebuild: OUT stays as it was, and nothing is left beside it.
cp -r "$TMP/inc" "$TMP/inc-before"
printf -- '---\ntitle: [unclosed\n---\nBad.\n' > "$S/content/a/bad.md"
run "$S" build -o "$TMP/inc"
status_is "a first rebuild with a broken source fails" "$RC" 1
if d=$(diff -r "$TMP/inc-before" "$TMP/inc" 2>&1); then ok "(and leaves OUT as it was)"; else not_ok "(and leaves OUT as it was)" "$(printf '%s\n' "$d" | head -n 5)"; fi
check "(with no staging folder left beside it)" sh -c "! ls -a '$TMP' | grep -q '^\.inc\.staging'"
rm -f "$S/content/a/bad.md"

# A past version shows the article's context but its own text: an edit to
# the text now leaves the past versions as they were, unless it changes
# what the context takes from it (a section's page that links to every
# page of the section does not list them again; a theme's revision
# template may say so too).
site secpast
git -C "$S" init -q -b main
C=$S/.git/quire/build-cache-v1
page "$S" s/index.md "S" "The S section."
page "$S" s/one.md "One" "First."
page "$S" s/two.md "Two" "Second."
commit 2026-03-01T10:00:00Z "Add S"
printf -- '---\ntitle: S\n---\nThe S section, revised.\n' > "$S/content/s/index.md"
commit 2026-03-02T10:00:00Z "Revise S"
printf '{{#pages_in_body}}<p>EVERY-PAGE-LINKED</p>{{/pages_in_body}}\n' >> "$S/themes/default/templates/revision.mustache"
run "$S" build -o "$TMP/inc"
printf '\nNot committed.\n' >> "$S/content/s/index.md"
same "a section page's text edited (not committed): the rebuild matches a clean build"
printf '\nSee [[one]] and [[two]].\n' >> "$S/content/s/index.md"
same "then edited to link every page of the section: the rebuild matches a clean build"
rev=$(ls "$TMP/inc/s/" | grep '^index\.rev-' | head -n 1)
contains "(its past versions say it links every page)" "$TMP/inc/s/$rev" "EVERY-PAGE-LINKED"

# A page whose links have problems (here warnings, links: warn) is taken
# from the build cache like any other, and its problems are reported again
# as they were; a change to what they say (the article linked to turned
# draft, then deleted; a heading's text; the script line that added a
# page) says it anew.
site noisy
printf 'title: Noisy\nlinks: warn\n' > "$S/site.yml"
page "$S" a.md "A" '[x](missing.md) [y](b.md) [z](c.md#unixmacos)'
page "$S" b.md "B" 'Bee.'
page "$S" c.md "C" '## Unix/macOS\n\nSee.'
script "$S" 20-add '-- line 1
quire.on_site(function(site)
  quire.add_page{ path = "added", title = "Added", markdown = "A [bad](nowhere.md).\n" }
end)'
run "$S" build -o "$TMP/noisy"
cp "$ERR" "$TMP/noisy1.err"
contains "a broken link is a warning with links: warn" "$ERR" "content/a.md:4:1: warning: link target 'missing.md' does not exist"
contains "(with GitHub's id, the hint)" "$ERR" "content/a.md:4:27: warning: 'content/c.md' has no heading with the id 'unixmacos': did you mean 'unix-macos'?"
QUIRE_TIMINGS=1 "$QUIRE" build -s "$S" -o "$TMP/noisy" >/dev/null 2>"$TMP/noisy2.err"
contains "a rebuild takes those pages from the cache" "$TMP/noisy2.err" "markdown bodies: 0 rendered, 4 from the cache"
grep -v '^ *[a-z.A-Z\x27 ]*: [0-9]' "$TMP/noisy2.err" | grep -v '^\(sources\|working-tree\|markdown bodies\|past versions\|pages\|print\.html\|history\)' > "$TMP/noisy2.msgs"
check "and reports their problems as the first build did" cmp "$TMP/noisy1.err" "$TMP/noisy2.msgs"
page "$S" b.md "B" 'Bee.' && sed -i 's/^title: B$/title: B\ndraft: true/' "$S/content/b.md"
run "$S" build -o "$TMP/noisy"
contains "an article linked to turns draft: the link says so" "$ERR" "content/a.md:4:17: warning: link to 'b.md': content/b.md is a draft"
rm "$S/content/b.md"
run "$S" build -o "$TMP/noisy"
contains "then it is deleted: the link says that" "$ERR" "content/a.md:4:17: warning: link target 'b.md' does not exist"
lacks "(and no longer that it is a draft)" "$ERR" "is a draft"
page "$S" c.md "C" '## Unix macOS\n\nSee.'
run "$S" build -o "$TMP/noisy"
contains "a heading's text changes, its id kept" "$ERR" "content/a.md:4:27: warning: 'content/c.md' has no heading with the id 'unixmacos'"
lacks "(GitHub's id for it is no longer the anchor: no GitHub hint)" "$ERR" "GitHub gives that heading"
contains "(the added page's problem, from the script's line 3)" "$ERR" "(in the page added at scripts/20-add.lua:3)"
script "$S" 20-add '-- line 1

quire.on_site(function(site)
  quire.add_page{ path = "added", title = "Added", markdown = "A [bad](nowhere.md).\n" }
end)'
run "$S" build -o "$TMP/noisy"
contains "the script's line moves: the message names the new one" "$ERR" "(in the page added at scripts/20-add.lua:4)"
same "and the output matches a clean build"
page "$S" n.md "N" '[note](c.md#fn-x)'
run "$S" build -o "$TMP/noisy"
contains "a link to a footnote a page lacks is a problem" "$ERR" "content/n.md:4:1: warning: 'content/c.md' has no heading with the id 'fn-x'"
page "$S" c.md "C" '## Unix macOS\n\nSee[^x].\n\n[^x]: The note.'
run "$S" build -o "$TMP/noisy"
lacks "the footnote added, the link is fine" "$ERR" "fn-x"
same "(and the rebuild matches a clean build)"

# Past versions of another article that linked withdrawn guidance: the
# link leads to the notice, and turns to text once an alias takes the
# address (site_find no longer finds the notice), on a rebuild as on a
# clean build.
site wl
C=$S/.git/quire/build-cache-v1
git -C "$S" init -q -b main
page "$S" index.md "Home" "Welcome."
page "$S" a/stale.md "Stale" "Old advice."
page "$S" a/fresh.md "Fresh" "See [the old](stale.md) and [[Stale]]."
commit 2026-01-10T09:00:00Z "First"
FIRST=$(git -C "$S" rev-parse HEAD | cut -c1-10)
page "$S" a/fresh.md "Fresh" "Rewritten, no links."
git -C "$S" rm -q content/a/stale.md
commit 2026-01-11T09:00:00Z "Withdraw stale"
same "a past version linking withdrawn guidance matches a clean build"
contains "(its links, relative and wiki, lead to the notice)" "$TMP/inc/a/fresh.rev-$FIRST.html" '<p>See <a href="stale.html">the old</a> and <a href="stale.html">Stale</a>.</p>'
printf -- '---\ntitle: Home\naliases: [a/stale]\n---\nWelcome.\n' > "$S/content/index.md"
commit 2026-01-12T09:00:00Z "An alias takes its address"
same "after an alias takes that address, the rebuild matches a clean build"
contains "(then both are text)" "$TMP/inc/a/fresh.rev-$FIRST.html" '<p>See the old and Stale.</p>'
page "$S" index.md "Home" "Welcome."
commit 2026-01-13T09:00:00Z "The alias goes"
same "after the alias goes, the rebuild matches a clean build"

# A past version's link to a heading its article has lost since leads to
# that article's version of then, an answer read from the article's
# history: a heading lost in an uncommitted edit, then committed, and a
# history rewritten (every commit a new id, the texts as they were, so
# neither page changed) must reach the version's page, on a rebuild as on
# a clean build.
site heads
C=$S/.git/quire/build-cache-v1
git -C "$S" init -q -b main
page "$S" leave.md "Leave" "## Booking\n\nBook early.\n\n## Carry over\n\nFive days."
page "$S" a.md "A" "See [booking](leave.md#booking) and [carry over](leave.md#carry-over)."
commit 2026-02-01T09:00:00Z "First"
page "$S" leave.md "Leave" "## Booking leave\n\nBook early.\n\n## Carry over\n\nFive days."
page "$S" a.md "A" "See [booking](leave.md#booking-leave) and [carry over](leave.md#carry-over)."
commit 2026-02-02T09:00:00Z "Rename booking"
FIRST=$(git -C "$S" rev-parse HEAD~1 | cut -c1-10)
same "a past version linking a heading lost since matches a clean build"
contains "(it leads to the version of then)" "$TMP/inc/a.rev-$FIRST.html" "href=\"leave.rev-$FIRST.html#booking\""
page "$S" leave.md "Leave" "## Booking leave\n\nBook early.\n\n## Carrying over\n\nFive days."
page "$S" a.md "A" "See [booking](leave.md#booking-leave) and [carry over](leave.md#carrying-over)."
same "after another heading it links is lost (not yet committed), the rebuild matches a clean build"
contains "(that link leads to the version of then too)" "$TMP/inc/a.rev-$FIRST.html" "href=\"leave.rev-$FIRST.html#carry-over\""
commit 2026-02-03T09:00:00Z "Rename carry over"
same "after that edit is committed, the rebuild matches a clean build"
FILTER_BRANCH_SQUELCH_WARNING=1 git -C "$S" filter-branch -f --msg-filter 'sed "s/^/Reworded: /"' >/dev/null 2>&1
FIRST=$(git -C "$S" rev-parse HEAD~2 | cut -c1-10)
same "after the history is rewritten (new commit ids, the same texts), the rebuild matches a clean build"
contains "(the version of then under its new id)" "$TMP/inc/a.rev-$FIRST.html" "href=\"leave.rev-$FIRST.html#booking\""
# a script that hides that version (it has no page then): the link leads
# to today's page
script "$S" hide 'quire.on_page(function(page) if page.past and page.body:find("## Booking\n", 1, true) then page.draft = true end end)'
same "after a script hides the version a link led to, the rebuild matches a clean build"
contains "(the link leads to today's page)" "$TMP/inc/a.rev-$FIRST.html" 'href="leave.html#booking"'

# A folder's index.md deleted while the folder keeps its guidance: the
# section page quire makes takes the address and leads to the old page's
# history, on a rebuild as on a clean build; and once index.md is back,
# no longer.
site ix
C=$S/.git/quire/build-cache-v1
git -C "$S" init -q -b main
page "$S" index.md "Home" "Welcome."
page "$S" p/index.md "Pensions" "About pensions."
page "$S" p/auto.md "Auto" "Auto text."
commit 2026-01-10T09:00:00Z "First"
run "$S" build -o "$TMP/inc"
git -C "$S" rm -q content/p/index.md
commit 2026-01-11T09:00:00Z "Let quire list the folder"
same "after a folder's index.md is deleted, the rebuild matches a clean build"
contains "(the section page leads to the old page's history)" "$TMP/inc/p/index.html" '<a href="index.history.html">its history</a>'
# (between two builds, index.md back and deleted again: the section page
# is quire's in both, and says when the later deletion was)
page "$S" p/index.md "Pensions" "About pensions, for a while."
commit 2026-01-12T09:00:00Z "The folder's page for a while"
git -C "$S" rm -q content/p/index.md
commit 2026-01-13T09:00:00Z "Let quire list the folder again"
same "after it is added and deleted again, the rebuild matches a clean build"
contains "(the section page gives the later deletion's date)" "$TMP/inc/p/index.html" "13 January 2026</time>: <a href=\"index.history.html\">its history</a>"
page "$S" p/index.md "Pensions" "About pensions, again."
commit 2026-01-14T09:00:00Z "Bring the folder's page back"
same "after it is added again, the rebuild matches a clean build"
lacks "(the section page is the folder's own again)" "$TMP/inc/p/index.html" "had text of its own until"
