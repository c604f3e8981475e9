#!/bin/sh
# t32: a past version shows the pictures and files it linked as they were
# committed with it, not today's.
. "$(dirname "$0")/lib.sh"

# rev FILE: the first 10 hex of the newest commit that changed content/FILE
rev() { git -C "$S" rev-list -n 1 HEAD -- "content/$1" | cut -c1-10; }
# blob REV FILE: the first 10 hex of FILE's blob at commit REV
blob() { git -C "$S" rev-parse "$1:content/$2" | cut -c1-10; }

site pa
git -C "$S" init -q -b main
page "$S" guide/plan.md "Plan" "![The chart](chart.png)\n\nFill in [the form](forms/form.pdf)."
file "$S" guide/chart.png 'chart as first drawn\n'
file "$S" guide/forms/form.pdf 'form, first edition\n'
commit "2026-02-01T09:00:00+00:00" "Ann Archer" "Add the plan"
r1=$(rev guide/plan.md)
b_chart1=$(blob HEAD guide/chart.png)
b_form1=$(blob HEAD guide/forms/form.pdf)
file "$S" guide/chart.png 'chart redrawn\n'
page "$S" guide/plan.md "Plan" "![The chart](chart.png)\n\nFill in [the form](forms/form.pdf) by Friday."
commit "2026-02-02T09:00:00+00:00" "Ann Archer" "Redraw the chart"
r2=$(rev guide/plan.md)
b_chart2=$(blob HEAD guide/chart.png)
git -C "$S" rm -q content/guide/forms/form.pdf
page "$S" guide/plan.md "Plan" "![The chart](chart.png)\n\nNo form is needed now."
commit "2026-02-03T09:00:00+00:00" "Ann Archer" "Drop the form"
r3=$(rev guide/plan.md)
run "$S" build
status_is "a site whose past versions link attachments builds" "$RC" 0
O=$S/public
contains "the first version shows the chart as it was then" "$O/guide/plan.rev-$r1.html" "src=\"../_versions/$b_chart1/chart.png\""
check "and that file holds the chart as first committed" grep -qx 'chart as first drawn' "$O/_versions/$b_chart1/chart.png"
contains "the first version's link to the form leads to the form as it was" "$O/guide/plan.rev-$r1.html" "href=\"../_versions/$b_form1/form.pdf\""
check "a file deleted since is still there for the versions that linked it" grep -qx 'form, first edition' "$O/_versions/$b_form1/form.pdf"
check "(and nowhere else: the site no longer publishes it)" test ! -e "$O/guide/forms/form.pdf"
contains "the second version shows the redrawn chart" "$O/guide/plan.rev-$r2.html" "src=\"../_versions/$b_chart2/chart.png\""
contains "the article shows today's chart" "$O/guide/plan.html" 'src="chart.png"'
check "(today's chart is today's file)" grep -qx 'chart redrawn' "$O/guide/chart.png"
n=$(find "$O/_versions" -type f | wc -l)
status_is "each blob is written once, however many versions link it" "$n" 3
lacks "a past version never links today's file for an attachment" "$O/guide/plan.rev-$r1.html" 'src="chart.png"'

# A rebuild with everything cached, and one after an edit elsewhere,
# write the same files (the versions' links are not looked up again).
run "$S" build
check "a rebuild keeps the past versions' files" cmp "$O/_versions/$b_form1/form.pdf" /dev/stdin <<EOF
form, first edition
EOF
page "$S" guide/other.md "Other" "See [[Plan]]."
commit "2026-02-04T09:00:00+00:00" "Ann Archer" "Add other"
run "$S" build
n=$(find "$O/_versions" -type f | wc -l)
status_is "a rebuild after another article's edit keeps every file" "$n" 3
mv "$S/.git/quire" "$TMP/pa-cache"
run "$S" build -o "$TMP/pa-clean"
check "the incremental build's output equals a clean build's" diff -r "$O" "$TMP/pa-clean"

# Only the picture changed: the article's one version is today's text,
# but it was committed with the first picture.
site pic
git -C "$S" init -q -b main
page "$S" a.md "A" "![Map](map.png)"
file "$S" map.png 'map one\n'
commit "2026-03-01T09:00:00+00:00" "Bo Brown" "Add A"
ra=$(rev a.md)
bm=$(blob HEAD map.png)
file "$S" map.png 'map two\n'
commit "2026-03-02T09:00:00+00:00" "Bo Brown" "New map"
run "$S" build
contains "a version whose text is today's still shows the picture it was committed with" "$S/public/a.rev-$ra.html" "src=\"_versions/$bm/map.png\""
contains "(the article shows today's)" "$S/public/a.html" 'src="map.png"'

# A version whose picture was not committed yet shows its text: there is
# nothing to show as it was.
site late
git -C "$S" init -q -b main
page "$S" a.md "A" "![Late map](late.png) and [notes](notes.txt)."
commit "2026-03-01T09:00:00+00:00" "Bo Brown" "Add A, forgetting the picture"
ra=$(rev a.md)
file "$S" late.png 'late\n'
file "$S" notes.txt 'notes\n'
commit "2026-03-02T09:00:00+00:00" "Bo Brown" "Add the picture"
run "$S" build
status_is "a version linking a file committed later builds" "$RC" 0
lacks "the version links no picture it did not have" "$S/public/a.rev-$ra.html" 'late.png'
lacks "nor a file" "$S/public/a.rev-$ra.html" 'notes.txt"'
contains "its link's text stays" "$S/public/a.rev-$ra.html" 'notes'

# A folder moved: a version written in the old folder links the file
# where it was then.
site moved
git -C "$S" init -q -b main
page "$S" old/a.md "A" "[Form](form.pdf)"
file "$S" old/form.pdf 'old form\n'
commit "2026-03-01T09:00:00+00:00" "Bo Brown" "Add A"
ra=$(rev old/a.md)
bf=$(blob HEAD old/form.pdf)
git -C "$S" mv content/old content/new
file "$S" new/form.pdf 'new form\n'
commit "2026-03-02T09:00:00+00:00" "Bo Brown" "Move and revise"
run "$S" build
contains "a version written in a folder since moved links its file as it was there" "$S/public/new/a.rev-$ra.html" "href=\"../_versions/$bf/form.pdf\""
check "(the old form)" grep -qx 'old form' "$S/public/_versions/$bf/form.pdf"

# What the site would refuse today it does not publish from the past
# either: script in an old SVG while raw HTML is off, and a Git LFS
# pointer (its picture is not in git).
site unsafe
git -C "$S" init -q -b main
page "$S" a.md "A" "![Logo](logo.svg) ![Photo](photo.jpg)"
file "$S" logo.svg '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n'
file "$S" photo.jpg 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n'
git -C "$S" add -A
GIT_AUTHOR_DATE="2026-03-01T09:00:00+00:00" GIT_COMMITTER_DATE="2026-03-01T09:00:00+00:00" git -C "$S" -c user.name=B -c user.email=b@x commit -q -m first
ra=$(rev a.md)
file "$S" logo.svg '<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>\n'
file "$S" photo.jpg 'the photo itself\n'
page "$S" a.md "A" "![Logo](logo.svg) ![Photo](photo.jpg) Now clean."
commit "2026-03-02T09:00:00+00:00" "Bo Brown" "Clean logo"
run "$S" build
status_is "a site whose history holds an SVG with script builds" "$RC" 0
lacks "the old SVG with script is not linked" "$S/public/a.rev-$ra.html" 'logo.svg'
check "nor published" sh -c "! grep -rl 'alert(1)' '$S/public'"
lacks "an LFS pointer is not shown as the picture" "$S/public/a.rev-$ra.html" 'photo.jpg'
contains "the clean SVG of the newer version is shown" "$S/public/a.rev-$(rev a.md).html" 'logo.svg'
printf 'title: Test site\nmarkdown:\n  unsafe_html: true\n' > "$S/site.yml"
run "$S" build
contains "with raw HTML on, the old SVG is published as it was" "$S/public/a.rev-$ra.html" 'logo.svg'

# The folder is quire's: a file of the site's there is an error.
site reserved
page "$S" a.md "A"
file "$S" _versions/x.png 'x'
run "$S" build
status_is "a file in content/_versions/ is refused" "$RC" 1
contains "the error names the folder" "$ERR" "_versions/"

# A blob git cannot read (a damaged or partial clone): the link shows its
# text, with a warning, and nothing of it is kept: once git has the blob
# again, the next build shows the file.
site damaged
git -C "$S" init -q -b main
page "$S" a.md "A" "![Map](map.png)"
file "$S" map.png 'map one\n'
commit "2026-03-01T09:00:00+00:00" "Bo Brown" "Add A"
ra=$(rev a.md)
bm=$(git -C "$S" rev-parse HEAD:content/map.png)
file "$S" map.png 'map two\n'
page "$S" a.md "A" "![Map](map.png) Edited."
commit "2026-03-02T09:00:00+00:00" "Bo Brown" "New map"
obj=$S/.git/objects/$(echo "$bm" | cut -c1-2)/$(echo "$bm" | cut -c3-)
mv "$obj" "$TMP/map-object"
run "$S" build
status_is "a build with an attachment's blob missing from git still publishes" "$RC" 0
contains "and warns" "$ERR" "could not be read from git"
lacks "the version shows the picture's text" "$S/public/a.rev-$ra.html" "_versions/"
mv "$TMP/map-object" "$obj"
run "$S" build
contains "with the blob back, the next build shows the picture" "$S/public/a.rev-$ra.html" "src=\"_versions/$(echo "$bm" | cut -c1-10)/map.png\""

# A file an article links changed since the article's newest revision:
# that version's text reads as today's, what it shows does not, and its
# banner does not say the guidance reads the same today.
site formchanged
git -C "$S" init -q -b main
page "$S" hr/a.md "Expenses" "Fill in [the claim form](form.txt).\n\n![Rates](rates.svg)"
file "$S" hr/form.txt 'CLAIM FORM v1: mileage 45p\n'
file "$S" hr/rates.svg '<svg xmlns="http://www.w3.org/2000/svg"><text y="15">45p</text></svg>\n'
page "$S" hr/b.md "Pay" "Pay day is the 25th."
commit "2026-01-01T10:00:00+00:00" "Ann Archer" "Add expenses"
ra=$(rev hr/a.md)
run "$S" build
contains "before the form changes, the newest version is today's guidance" "$S/public/hr/a.rev-$ra.html" "It reads the same as the guidance today."
file "$S" hr/form.txt 'CLAIM FORM v2: mileage 25p\n'
commit "2026-02-01T10:00:00+00:00" "Bob Baker" "Cut the mileage rate"
run "$S" build
lacks "after, its banner does not say the guidance reads the same" "$S/public/hr/a.rev-$ra.html" "It reads the same as the guidance today."
contains "it says a file it links has changed since" "$S/public/hr/a.rev-$ra.html" "but a file it links (a form, a picture) has changed since: this version shows the file as it was then."
contains "(an article linking no changed file is today's still)" "$S/public/hr/b.rev-$(rev hr/b.md).html" "It reads the same as the guidance today."
H=$S/public/hr/a.history.html
contains "the article's history lists the change to the file it links" "$H" '<h3><code>hr/form.txt</code></h3>'
contains "(when, what and who)" "$H" '<time datetime="2026-02-01T10:00:00+00:00">1 February 2026</time> — Cut the mileage rate <span class="meta">By Bob Baker'
lacks "(a file unchanged since is not listed)" "$H" '<code>hr/rates.svg</code>'
contains "the article was last updated by that change" "$S/public/hr/a.html" 'Last updated <time datetime="2026-02-01T10:00:00+00:00">1 February 2026</time> by Bob Baker (the file <code>hr/form.txt</code>)'
lacks "an article linking no changed file has no such list" "$S/public/hr/b.history.html" "Files it links"
file "$S" hr/form.txt 'CLAIM FORM v3: mileage 30p\n'
commit "2026-03-01T10:00:00+00:00" "Cy Clerk" "Mileage up again"
run "$S" build
contains "a rebuild after another change to the file lists it" "$H" "Mileage up again"
contains "(and the article was last updated by it)" "$S/public/hr/a.html" "by Cy Clerk (the file"
contains "(as print.html says too)" "$S/public/print.html" "by Cy Clerk (the file hr/form.txt)"
contains "the recent changes list a change to a file an article links, under the article" "$S/public/changes.html" \
	'Mileage up again <span class="meta">by Cy Clerk</span>: <a href="hr/a.html">Expenses</a> (the file <code>hr/form.txt</code>) (<a href="hr/a.history.html#files">what changed<span class="visually-hidden"> in Expenses</span></a>)'
contains "and so does the feed" "$S/public/changes.xml" "<title>Expenses (the file hr/form.txt): Mileage up again</title>"
check "(the feed is well-formed XML)" python3 -c "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])" "$S/public/changes.xml"
page "$S" hr/a.md "Expenses" "Fill in [the claim form](form.txt) by the 5th.\n\n![Rates](rates.svg)"
file "$S" hr/form.txt 'CLAIM FORM v4\n'
commit "2026-03-02T10:00:00+00:00" "Di Editor" "New form and deadline"
run "$S" build
check "a commit that changed the article and its file is listed once" [ "$(grep -o 'New form and deadline <span' "$S/public/changes.html" | wc -l)" = 1 ]
lacks "(as the article's change)" "$S/public/changes.html" "New form and deadline <span class=\"meta\">by Di Editor</span>: <a href=\"hr/a.html\">Expenses</a> (the file"
contains "(the history page lists the file's change too)" "$H" "New form and deadline"
cp -r "$S" "$TMP/formchanged-clean" && rm -rf "$TMP/formchanged-clean/.git/quire" "$TMP/formchanged-clean/public"
run "$TMP/formchanged-clean" build
check "(the rebuild writes what a clean build writes)" diff -r "$S/public" "$TMP/formchanged-clean/public"
# The feed names a file's change by where the article and the file were
# then: moving them since does not make the entry new to feed readers.
id_before=$(grep -o 'urn:quire:[^<]*:file:hr/form.txt' "$S/public/changes.xml" | head -n 1)
git -C "$S" mv content/hr content/money
commit "2026-03-03T10:00:00+00:00" "Di Editor" "Rename the folder"
run "$S" build
check "a file change's feed entry keeps its id after the article and file move" grep -qF "$id_before<" "$S/public/changes.xml"

# A change to a file made on a branch that its merge left out (-s ours)
# was never what staff saw: not listed, and not the article's last update.
site formours
git -C "$S" init -q -b main
page "$S" a.md "Claims" "Use [the form](form.txt)."
file "$S" form.txt 'form v1\n'
commit "2026-01-01T10:00:00+00:00" "Ann" "Add claims"
git -C "$S" checkout -q -b b1
file "$S" form.txt 'form UNAPPROVED\n'
commit "2026-01-02T10:00:00+00:00" "Eve" "Unapproved form"
git -C "$S" checkout -q main
GIT_AUTHOR_DATE=2026-01-03T10:00:00+00:00 GIT_COMMITTER_DATE=2026-01-03T10:00:00+00:00 \
	git -C "$S" -c user.name=Mel -c user.email=m@x merge -q -s ours --no-edit b1 >/dev/null 2>&1
run "$S" build
lacks "a file change its merge left out is not in the article's history" "$S/public/a.history.html" "Unapproved form"
lacks "(nor the recent changes)" "$S/public/changes.html" "Unapproved form"
lacks "(nor is it the article's last update)" "$S/public/a.html" "(the file"

# A file many articles show, changed once, is one change in the recent
# changes and the feed (under the first article), not one per article.
site logo
git -C "$S" init -q -b main
for n in 1 2 3; do page "$S" a$n.md "Article $n" "![Logo](logo.png) Text $n."; done
file "$S" logo.png 'logo one\n'
commit "2026-01-01T10:00:00+00:00" "Ann" "Add articles"
file "$S" logo.png 'logo two\n'
commit "2026-01-02T10:00:00+00:00" "Bob" "New logo colour"
run "$S" build
check "a file three articles show, changed once, is one entry of the feed" [ "$(grep -c '<title>.*New logo colour' "$S/public/changes.xml")" = 1 ]
contains "(which says how many other articles link it)" "$S/public/changes.xml" "<title>Article 1 (the file logo.png, which 2 other articles link too): New logo colour</title>"
contains "(so do the recent changes)" "$S/public/changes.html" "(the file <code>logo.png</code>, which 2 other articles link too)"
contains "(each article's history lists it)" "$S/public/a3.history.html" "New logo colour"

# A change to a file made before an article linked it is none of that
# article's record: only the articles that named it then list it.
site laterlink
git -C "$S" init -q -b main
page "$S" claims.md "Claims" "Use [the form](form.txt)."
page "$S" travel.md "Travel" "Book trains early."
file "$S" form.txt 'form v1\n'
commit "2026-01-01T10:00:00+00:00" "Ann" "Add articles"
file "$S" form.txt 'form v2\n'
commit "2026-01-02T10:00:00+00:00" "Bob" "Form v2"
page "$S" travel.md "Travel" "Book trains early. Claim with [the form](form.txt)."
commit "2026-01-05T10:00:00+00:00" "Cy" "Travel links the form"
run "$S" build
contains "the article that linked the file then lists its change" "$S/public/claims.history.html" "Form v2"
lacks "one that linked it only later does not" "$S/public/travel.history.html" "Form v2"
lacks "(nor does the feed put it under that article)" "$S/public/changes.xml" "Travel (the file form.txt)"
