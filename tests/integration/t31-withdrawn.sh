#!/bin/sh
# t31: guidance withdrawn (deleted in git while published) keeps its
# address: a notice saying when, by whom and why, with its history and the
# version withdrawn; it is listed nowhere but in the recent changes and the
# feed, and what never was published (a draft, a page a hook hides) leaves
# no notice.
. "$(dirname "$0")/lib.sh"

site w
git -C "$S" init -q -b main
page "$S" index.md "Home" "Welcome."
page "$S" hr/pay.md "Pay" "Pay day is the 25th."
file "$S" hr/leave.md '---\ntitle: Old leave policy\nsummary: How leave used to be booked.\ntags: [leave]\n---\n# Booking\n\nAsk your manager by email.\n'
file "$S" hr/notes.md '---\ntitle: Draft notes\ndraft: true\n---\nNot checked yet.\n'
page "$S" legal/retired.md "Retired folder article" "The only article of its folder."
commit 2026-01-10T09:00:00Z "Ann Archer" "First guidance"
printf '\nOr use the form.\n' >> "$S/content/hr/leave.md"
commit 2026-01-20T09:00:00Z "Ann Archer" "Mention the form"
git -C "$S" rm -q content/hr/leave.md content/hr/notes.md content/legal/retired.md
git -C "$S" add -A
GIT_AUTHOR_DATE=2026-02-03T10:00:00Z GIT_COMMITTER_DATE=2026-02-03T10:00:00Z GIT_AUTHOR_NAME="Bob Baker" \
GIT_AUTHOR_EMAIL=bob@example.org GIT_COMMITTER_NAME=Bob GIT_COMMITTER_EMAIL=bob@example.org \
	git -C "$S" commit -q -m "Withdraw the old leave policy" -m "The statutory guidance replaces it."
run "$S" build
status_is "a site with withdrawn guidance builds" "$RC" 0
W=$S/public/hr/leave.html
contains "its address is a notice, not 'not found'" "$W" "This guidance was withdrawn on <time datetime=\"2026-02-03T10:00:00+00:00\">3 February 2026</time>"
contains "the notice names who withdrew it" "$W" "by Bob Baker"
contains "and the reason recorded with the change" "$W" "Withdraw the old leave policy"
contains "and the message's body" "$W" "The statutory guidance replaces it."
contains "it has the title of the version withdrawn" "$W" "<h1>Old leave policy</h1>"
contains "and its summary" "$W" "How leave used to be booked."
contains "the tab's title says it is withdrawn" "$W" "<title>Withdrawn: Old leave policy"
rev=$(git -C "$S" rev-parse HEAD~1 | cut -c1-10)
del=$(git -C "$S" rev-parse HEAD)
contains "it links to the version withdrawn" "$W" "href=\"leave.rev-$rev.html\">Read it as it stood when withdrawn"
contains "and to its history, at the withdrawal" "$W" "href=\"leave.history.html#$del\""
lacks "the notice holds none of the withdrawn text" "$W" "Ask your manager"
R=$S/public/hr/leave.rev-$rev.html
contains "the version withdrawn is kept, whole" "$R" "Or use the form."
contains "its banner says the guidance was withdrawn" "$R" "The guidance was withdrawn on"
contains "and leads to the notice" "$R" "href=\"leave.html\">see the notice"
lacks "not to 'the current guidance'" "$R" "Read the current guidance"
H=$S/public/hr/leave.history.html
contains "the history page says it was withdrawn" "$H" "This guidance was withdrawn on"
contains "and lists the withdrawal" "$H" "the article was withdrawn"
contains "and what it took away" "$H" "<del>Ask your manager by email.</del>"
contains "the recent changes list the withdrawal" "$S/public/changes.html" "Old leave policy</a> (withdrawn)"
contains "and the feed" "$S/public/changes.xml" "<title>Old leave policy (withdrawn): Withdraw the old leave policy</title>"
contains "the recent changes keep a list of all withdrawn guidance" "$S/public/changes.html" '<a href="hr/leave.html">Old leave policy</a> <span class="meta">withdrawn <time datetime="2026-02-03T10:00:00+00:00">3 February 2026</time>'
contains "(every one)" "$S/public/changes.html" '<a href="legal/retired.html">Retired folder article</a> <span class="meta">withdrawn'
lacks "the section no longer lists it" "$S/public/hr/index.html" "Old leave policy"
lacks "nor does the A to Z" "$S/public/a-z.html" "Old leave policy"
lacks "nor the home page" "$S/public/index.html" "Old leave policy"
lacks "nor its old topic" "$S/public/tags/leave.html" "Old leave policy" 2>/dev/null
lacks "search does not find it" "$S/public/search-index.js" "Old leave policy"
check "(its old topic has no page: it had no other article)" test ! -e "$S/public/tags/leave.html"
# a draft deleted was never published: no notice, history or version
check "a draft deleted leaves no notice" test ! -e "$S/public/hr/notes.html"
check "(nor a history page)" test ! -e "$S/public/hr/notes.history.html"
lacks "(nor an entry in the recent changes)" "$S/public/changes.html" "Draft notes"
# a folder deleted whole: the notice's breadcrumbs lead to the home page
contains "an article whose folder went too has a notice" "$S/public/legal/retired.html" "This guidance was withdrawn"
contains "(its breadcrumbs lead home)" "$S/public/legal/retired.html" "href=\"../index.html\""

# withdrawn: false in site.yml leaves withdrawn guidance out, as before
printf 'withdrawn: false\n' >> "$S/site.yml"
run "$S" build -o "$TMP/off"
check "withdrawn: false writes no notice" test ! -e "$TMP/off/hr/leave.html"
check "(nor its history)" test ! -e "$TMP/off/hr/leave.history.html"
lacks "(nor lists the withdrawal)" "$TMP/off/changes.html" "(withdrawn)"
lacks "(nor has a list of withdrawn guidance)" "$TMP/off/changes.html" "Withdrawn guidance"
sed -i '/^withdrawn:/d' "$S/site.yml"

# A link to withdrawn guidance stays an error: the editor is to mend it.
page "$S" hr/pay.md "Pay" "See [the old policy](leave.md)."
run "$S" check
status_is "a link to withdrawn guidance is an error" "$RC" 1
contains "(at the link)" "$ERR" "content/hr/pay.md:4:"
contains "the error says when and by whom it was withdrawn" "$ERR" "link target 'leave.md' does not exist: git shows the article was deleted on 3 February 2026 by Bob Baker ($(echo $del | cut -c1-10): Withdraw the old leave policy); remove the link, or point it at the guidance that replaces it"
page "$S" hr/pay.md "Pay" "See [[leave]] and [[notes]]."
run "$S" check
contains "so does a wiki link's, by file name" "$ERR" "wiki link [[leave]] matches no article (by file name or title): git shows the article was deleted on 3 February 2026"
contains "(a draft's deletion is named to the editor too)" "$ERR" "wiki link [[notes]] matches no article (by file name or title): git shows the article was deleted on 3 February 2026"
page "$S" hr/pay.md "Pay" "See [[old leave Policy]]."
run "$S" check
contains "and one by the title its last version had, in any case" "$ERR" "wiki link [[old leave Policy]] matches no article (by file name or title): git shows the article was deleted on 3 February 2026"
page "$S" hr/pay.md "Pay" "Pay day is the 25th."

# --drafts shows the deleted draft too, as it shows drafts
run "$S" build --drafts -o "$TMP/drafts"
contains "with --drafts a draft deleted has its notice" "$TMP/drafts/hr/notes.html" "This guidance was withdrawn"

# An alias of a live article claims the old address: the redirect wins.
page "$S" hr/holiday.md "Holiday" "Book holiday in the HR system."
sed -i 's/^title: Holiday$/title: Holiday\naliases: [hr\/leave]/' "$S/content/hr/holiday.md"
commit 2026-02-04T10:00:00Z "Ann Archer" "Holiday replaces leave"
run "$S" build
status_is "an alias at a withdrawn address builds" "$RC" 0
contains "the alias's redirect is written there" "$S/public/hr/leave.html" "This guidance has moved to"
contains "the withdrawn article keeps its history" "$S/public/hr/leave.history.html" "the article was withdrawn"
contains "(and its withdrawal stays in the recent changes, its title no link: the address is the alias's)" "$S/public/changes.html" ": Old leave policy (withdrawn) (<a href=\"hr/leave.history.html#$del\">what changed"
contains "(the list of withdrawn guidance leads to that history)" "$S/public/changes.html" '<a href="hr/leave.history.html">Old leave policy</a> <span class="meta">withdrawn'
R=$(ls "$S"/public/hr/leave.rev-*.html | head -1)
contains "(its past versions lead to what replaces it)" "$R" '<a href="leave.html">see what replaces it</a>'

# An article added again at the address is the article, its history whole.
page "$S" legal/retired.md "Retired, back" "Back again."
commit 2026-02-05T10:00:00Z "Ann Archer" "Bring it back"
run "$S" build
lacks "an article added again is no notice" "$S/public/legal/retired.html" "This guidance was withdrawn"
contains "(its history keeps the withdrawal)" "$S/public/legal/retired.history.html" "the article was withdrawn"
contains "the entry that brought it back says it was published again" "$S/public/legal/retired.history.html" '<p class="published"><strong>Published again</strong> · <a href="retired.rev-'
contains "(the oldest entry, first published)" "$S/public/legal/retired.history.html" '<p class="published"><strong>First published</strong>'
contains "(the recent changes say it was restored since, beside the title it took away)" "$S/public/changes.html" "Retired folder article</a> (withdrawn, later restored)"


# A page a hook hides was never published: deleted, it leaves no notice.
site k
git -C "$S" init -q -b main
page "$S" index.md "Home" "Welcome."
page "$S" internal.md "Internal memo" "For the board."
page "$S" open.md "Open memo" "For everyone."
script "$S" hide 'quire.on_page(function(page) if page.title == "Internal memo" then page.draft = true end end)'
commit 2026-03-01T09:00:00Z "Ann Archer" "Memos"
git -C "$S" rm -q content/internal.md content/open.md
commit 2026-03-02T09:00:00Z "Ann Archer" "Remove the memos"
run "$S" build
status_is "a site whose hook hid a withdrawn page builds" "$RC" 0
check "a page a hook hid leaves no notice when deleted" test ! -e "$S/public/internal.html"
lacks "(nor is its title in the recent changes)" "$S/public/changes.html" "Internal memo"
contains "the one it did not hide has its notice" "$S/public/open.html" "This guidance was withdrawn"

# A theme without a withdrawn template: no notices, as before.
rm "$S/themes/default/templates/withdrawn.mustache"
run "$S" build
status_is "a theme without the withdrawn template builds" "$RC" 0
check "(and writes no notice)" test ! -e "$S/public/open.html"
contains "(but says so, and how to have them)" "$ERR" "themes/default/templates: warning: the theme has no template 'withdrawn.mustache', so 1 withdrawn article (deleted in git while published) has no notice at its address: copy the template from quire's default theme, or set 'withdrawn: false' in site.yml"
printf 'withdrawn: false\n' >> "$S/site.yml"
run "$S" build
lacks "(withdrawn: false says nothing)" "$ERR" "withdrawn.mustache"

# Branches: what counts is what the main line (HEAD's first parents) had.
# gitc DATE ARGS...: git with the author and committer at DATE
gitc() { d=$1; shift; GIT_AUTHOR_DATE="$d" GIT_COMMITTER_DATE="$d" GIT_AUTHOR_NAME="Ann Archer" \
	GIT_AUTHOR_EMAIL=ann@example.org GIT_COMMITTER_NAME=Ann GIT_COMMITTER_EMAIL=ann@example.org git -C "$S" "$@"; }
site br
git -C "$S" init -q -b main
page "$S" index.md "Home" "Welcome."
page "$S" alpha.md "Alpha" "Alpha as published."
commit 2026-01-10T09:00:00Z "Ann Archer" "First"
git -C "$S" checkout -q -b feature
page "$S" tmp.md "Temp" "Text that never reached main."
commit 2026-01-11T09:00:00Z "Ann Archer" "Add temp on the branch"
git -C "$S" rm -q content/tmp.md
commit 2026-01-11T10:00:00Z "Ann Archer" "Remove temp on the branch"
page "$S" alpha.md "Alpha" "Alpha rewritten on the branch, never published."
commit 2026-01-12T09:00:00Z "Ann Archer" "Rewrite alpha on the branch"
git -C "$S" rm -q content/alpha.md
commit 2026-01-12T10:00:00Z "Bob Baker" "Withdraw alpha on the branch"
git -C "$S" checkout -q main
page "$S" index.md "Home" "Welcome again."
commit 2026-01-13T09:00:00Z "Ann Archer" "Main edit"
gitc 2026-01-15T09:00:00Z merge -q --no-ff feature -m "Merge feature"
run "$S" build
status_is "a site with branches merged builds" "$RC" 0
check "an article a branch added and deleted before its merge leaves no notice" test ! -e "$S/public/tmp.html"
lacks "(nor is it among the withdrawn)" "$S/public/changes.html" ">Temp</a> <span class=\"meta\">withdrawn"
contains "a branch's withdrawal is dated from its merge, when it took effect" "$S/public/alpha.html" 'withdrawn on <time datetime="2026-01-15T09:00:00+00:00">15 January 2026</time>'
contains "(by who withdrew it, with their message)" "$S/public/alpha.html" "Withdraw alpha on the branch"
first=$(git -C "$S" log --format=%H --reverse | head -1 | cut -c1-10)
contains "the version it took away is the one published, not the branch's rewrite" "$S/public/alpha.html" "href=\"alpha.rev-$first.html\">Read it as it stood"
# the recent changes and the feed date it as the notice does: from the
# merge (15 January), not from the branch's own commit (12 January)
lacks "the recent changes list a branch's withdrawal under its merge's day, not its own" "$S/public/changes.html" "<h2>12 January 2026</h2>"
entry=$(awk '/<entry>/ { e = "" } { e = e $0 } /<\/entry>/ && e ~ /Alpha \(withdrawn\)/ { print e }' "$S/public/changes.xml")
case $entry in
*"<updated>2026-01-15T09:00:00Z</updated>"*) ok "(and the feed dates it from the merge)" ;;
*) not_ok "(and the feed dates it from the merge)" "$entry" ;;
esac

# A merge that settled a conflict by keeping one side's deletion over the
# other side's later edit: the record says who withdrew it, and when.
site md
git -C "$S" init -q -b main
page "$S" index.md "Home" "Welcome."
page "$S" a.md "Alpha" "Alpha text."
commit 2026-01-10T09:00:00Z "Ann Archer" "First"
git -C "$S" checkout -q -b feature
git -C "$S" rm -q content/a.md
commit 2026-01-12T09:00:00Z "Bob Baker" "Remove alpha on the branch"
git -C "$S" checkout -q main
page "$S" a.md "Alpha" "Alpha text edited on main."
commit 2026-01-13T09:00:00Z "Dan Dee" "Edit alpha on main"
gitc 2026-01-15T09:00:00Z merge -q --no-ff feature -m "Merge feature" >/dev/null 2>&1
git -C "$S" rm -q content/a.md
gitc 2026-01-15T09:00:00Z commit -q -m "Merge feature, keeping the removal"
run "$S" build
contains "a merge that kept a deletion over a newer edit withdraws the article" "$S/public/a.html" 'withdrawn on <time datetime="2026-01-15T09:00:00+00:00">15 January 2026</time>'
contains "(the merge is the withdrawal, with its message)" "$S/public/a.html" "Merge feature, keeping the removal"
contains "(its history lists the merge)" "$S/public/a.history.html" "Merge feature, keeping the removal"
edit=$(git -C "$S" log --format=%H -1 --grep "Edit alpha on main" | cut -c1-10)
contains "(what it took away is main's edit)" "$S/public/a.html" "href=\"a.rev-$edit.html\">Read it as it stood"
contains "(and the recent changes list it)" "$S/public/changes.html" '<a href="a.html">Alpha</a> <span class="meta">withdrawn'
lacks "(the branch's deletion the merge kept is not said to have been undone since)" "$S/public/changes.html" "later restored"

# A draft committed where withdrawn guidance was keeps the notice: the
# draft is not published, the withdrawal is the last thing staff saw.
site dr
git -C "$S" init -q -b main
page "$S" index.md "Home" "Welcome."
page "$S" hr/leave.md "Leave" "Old rules."
commit 2026-01-10T09:00:00Z "Ann Archer" "First"
git -C "$S" rm -q content/hr/leave.md
commit 2026-01-11T09:00:00Z "Bob Baker" "Withdraw leave"
file "$S" hr/leave.md '---\ntitle: New leave\ndraft: true\n---\nWork in progress.\n'
commit 2026-01-12T09:00:00Z "Ann Archer" "Start a new leave draft"
run "$S" build
contains "a draft committed at a withdrawn address leaves the notice" "$S/public/hr/leave.html" "This guidance was withdrawn on"
lacks "(the draft is not on it)" "$S/public/hr/leave.html" "Work in progress"
lacks "(nor in the history)" "$S/public/hr/leave.history.html" "Work in progress"

# Old addresses: an article moved, and one with aliases, then withdrawn:
# its old addresses lead to the notice, as they led to the article.
site mv
git -C "$S" init -q -b main
page "$S" index.md "Home" "Welcome."
file "$S" hr/old-name.md '---\ntitle: Leave\naliases: [hr/holiday]\n---\nLeave text.\n'
commit 2026-01-10T09:00:00Z "Ann Archer" "First"
git -C "$S" mv content/hr/old-name.md content/hr/new-name.md
commit 2026-01-15T09:00:00Z "Ann Archer" "Rename"
git -C "$S" rm -q content/hr/new-name.md
commit 2026-01-20T09:00:00Z "Bob Baker" "Withdraw"
run "$S" build
contains "a withdrawn article's old name leads to its notice" "$S/public/hr/old-name.html" 'href="new-name.html"'
check "(as do its history's and past versions' old addresses)" test -e "$S/public/hr/old-name.history.html"
contains "its alias leads to the notice too" "$S/public/hr/holiday.html" 'href="new-name.html"'
contains "(saying it was withdrawn, not moved)" "$S/public/hr/holiday.html" '<p>This guidance was withdrawn: <a href="new-name.html">see the notice for Leave</a>.</p>'

# Names: a notice where the scan would read a source, none where it would
# not; two names one disk that ignores case takes for one get one notice.
site nm
git -C "$S" init -q -b main
page "$S" index.md "Home" "Welcome."
page "$S" "forms/it's.md" "Apostrophe" "x"
page "$S" forms/4913.md "Form 4913" "x"
page "$S" legal/index.md "Legal" "Legal intro."
page "$S" legal/x.md "X" "X text."
commit 2026-01-10T09:00:00Z "Ann Archer" "First"
git -C "$S" rm -q "content/forms/it's.md" content/forms/4913.md
git -C "$S" rm -q -r content/legal
commit 2026-01-11T09:00:00Z "Bob Baker" "Remove"
page "$S" hr/Policy.md "Policy" "Upper."
commit 2026-01-12T09:00:00Z "Ann Archer" "Upper"
git -C "$S" rm -q content/hr/Policy.md
page "$S" hr/policy.md "policy" "Lower."
commit 2026-01-13T09:00:00Z "Ann Archer" "Lower"
git -C "$S" rm -q content/hr/policy.md
commit 2026-01-14T09:00:00Z "Ann Archer" "Neither"
run "$S" build
contains "a name with an apostrophe, published, has its notice" "$S/public/forms/it's.html" "This guidance was withdrawn"
contains "(so does 4913.md, which only a bare '4913' would be a temporary file)" "$S/public/forms/4913.html" "This guidance was withdrawn"
n=$(ls "$S/public/hr" | grep -ci '^policy\.html$')
if [ "$n" = 1 ]; then ok "two withdrawn names that differ only in case write one notice"; else not_ok "two withdrawn names that differ only in case write one notice" "$(ls "$S/public/hr")"; fi
contains "a folder withdrawn whole: its article's breadcrumbs skip the folder's own notice" "$S/public/legal/x.html" '<li><a href="../index.html">Home</a></li><li aria-current="page">X</li>'
contains "a notice asks search engines not to index it" "$S/public/legal/x.html" '<meta name="robots" content="noindex">'
contains "(the folder's own notice leads home too, not to itself)" "$S/public/legal/index.html" '<li><a href="../index.html">Home</a></li><li aria-current="page">Legal</li>'

# A hidden folder is no place the site reads: an article moved into
# ".archive/" is withdrawn, and one written in ".drafts/" before it was
# moved into place was never published there.
site hid
git -C "$S" init -q -b main
page "$S" index.md "Home" "Welcome."
page "$S" hr/b.md "B" "B text."
page "$S" .drafts/x.md "X" "Secret early draft.\n\nA second paragraph that stays the same in every version of the draft, long enough to keep the file similar when it moves."
commit 2026-01-10T09:00:00Z "Ann Archer" "First"
page "$S" .drafts/x.md "X" "Checked text.\n\nA second paragraph that stays the same in every version of the draft, long enough to keep the file similar when it moves."
commit 2026-01-11T09:00:00Z "Ann Archer" "Check the draft"
mkdir -p "$S/content/.archive"
git -C "$S" mv content/hr/b.md content/.archive/b.md
git -C "$S" mv content/.drafts/x.md content/x.md
page "$S" x.md "X" "Published text.\n\nA second paragraph that stays the same in every version of the draft, long enough to keep the file similar when it moves."
commit 2026-01-12T09:00:00Z "Bob Baker" "Archive b, publish x"
run "$S" build
contains "an article moved into a hidden folder is withdrawn" "$S/public/hr/b.html" "This guidance was withdrawn on"
contains "(its history ends in the withdrawal)" "$S/public/hr/b.history.html" "the article was withdrawn"
if leaked=$(grep -l "Secret early draft" "$S"/public/x.* "$S"/public/*.html); then
	not_ok "a version written in .drafts/ is published nowhere" "$leaked"
else
	ok "a version written in .drafts/ is published nowhere"
fi
contains "(the article's history starts where it was published)" "$S/public/x.history.html" "Archive b, publish x"
lacks "(without the revisions made in .drafts/)" "$S/public/x.history.html" "Check the draft"
lacks "(nor a diff against them: it was published as new)" "$S/public/x.history.html" "Checked"
lacks "(nor a move from there)" "$S/public/x.history.html" "moved here from"
check "(nor a redirect from .drafts/)" test ! -e "$S/public/.drafts"
# a preview that shows drafts hides no withdrawal: the notice is there too
run "$S" build --drafts -o "$TMP/hid-drafts"
contains "with --drafts, an article moved into a hidden folder has its notice too" "$TMP/hid-drafts/hr/b.html" "This guidance was withdrawn on"
contains "(its history ends in the withdrawal)" "$TMP/hid-drafts/hr/b.history.html" "the article was withdrawn"
contains "(and the recent changes list it)" "$TMP/hid-drafts/changes.html" '<a href="hr/b.html">B</a> <span class="meta">withdrawn'
page "$S" x.md "X" "See [b](hr/b.md)."
run "$S" check
contains "a link to it says where git shows it went" "$ERR" "link target 'hr/b.md' does not exist: git shows the article was moved to content/.archive/b.md (a folder the site does not read) on 12 January 2026 by Bob Baker"

# A folder withdrawn whole, its index.md too, then a new article in it:
# the section page quire makes takes the address, the old section's
# history stays.
site sec
git -C "$S" init -q -b main
page "$S" index.md "Home" "Welcome."
page "$S" pensions/index.md "Pensions" "All about pensions."
page "$S" pensions/old.md "Old scheme" "Closed."
commit 2026-01-10T09:00:00Z "Ann Archer" "First"
git -C "$S" rm -q -r content/pensions
commit 2026-01-11T09:00:00Z "Bob Baker" "Withdraw pensions"
page "$S" pensions/auto-enrolment.md "Auto-enrolment" "New."
commit 2026-01-12T09:00:00Z "Ann Archer" "New pensions guidance"
run "$S" build
status_is "a withdrawn folder written to again builds" "$RC" 0
contains "the folder's section page is quire's, listing the new article" "$S/public/pensions/index.html" "Auto-enrolment"
contains "the withdrawn section keeps its history" "$S/public/pensions/index.history.html" "the article was withdrawn"
contains "(listed among the withdrawn, at its history)" "$S/public/changes.html" '<a href="pensions/index.history.html">Pensions</a> <span class="meta">withdrawn'

contains "(the section page says the folder had a page of its own, and leads to its history)" "$S/public/pensions/index.html" 'This page had text of its own until <time datetime="2026-01-11T09:00:00+00:00">11 January 2026</time>: <a href="index.history.html">its history</a>'

# A folder's index.md deleted while the folder keeps its guidance: the
# section page quire makes replaces it, so nothing was withdrawn; its
# record stays, reached from the section page.  The home page's the same.
site idx
git -C "$S" init -q -b main
page "$S" index.md "Home" "Welcome, as we wrote it."
page "$S" pensions/index.md "Pensions" "All about pensions, as we wrote it."
page "$S" pensions/auto.md "Auto-enrolment" "Auto text."
commit 2026-01-10T09:00:00Z "Ann Archer" "First"
git -C "$S" rm -q content/pensions/index.md
commit 2026-01-11T09:00:00Z "Bob Baker" "Let quire list the pensions guidance"
git -C "$S" rm -q content/index.md
commit 2026-01-12T09:00:00Z "Bob Baker" "Let quire make the home page"
run "$S" build
status_is "a folder whose index.md was deleted builds" "$RC" 0
C=$S/public/changes.html
contains "its address is the section page quire makes" "$S/public/pensions/index.html" '<a href="auto.html">Auto-enrolment</a>'
lacks "a folder's own page removed, the folder staying, is not listed as withdrawn guidance" "$C" '<span class="meta">withdrawn'
lacks "(no list of withdrawn guidance at all)" "$C" 'id="withdrawn"'
lacks "(nor is its removal called a withdrawal)" "$C" "Pensions</a> (withdrawn)"
contains "the recent changes say what became of it" "$C" '>Pensions</a> (replaced by the list of its guidance)'
contains "(so does the feed)" "$S/public/changes.xml" "<title>Pensions (replaced by the list of its guidance): Let quire list the pensions guidance</title>"
contains "the section page leads to its former text's history" "$S/public/pensions/index.html" 'This page had text of its own until <time datetime="2026-01-11T09:00:00+00:00">11 January 2026</time>: <a href="index.history.html">its history</a>'
H=$S/public/pensions/index.history.html
contains "its history says it was replaced, not withdrawn" "$H" 'This page was removed on <time datetime="2026-01-11T09:00:00+00:00">11 January 2026</time> and replaced by <a href="index.html">the list of its guidance</a>: no guidance was withdrawn.'
lacks "(not that the guidance no longer applies)" "$H" "it no longer applies"
contains "(its entry too)" "$H" "the page was removed, replaced by the list of its guidance"
lacks "(not 'the article was withdrawn')" "$H" "the article was withdrawn"
R=$(ls "$S"/public/pensions/index.rev-*.html | head -1)
contains "its past version says so, and leads to the section" "$R" '11 January 2026</time> and replaced by the list of its guidance: <a href="index.html">see it today</a>.'
contains "the home page's own text removed: the same" "$C" '>Home</a> (replaced by the list of its guidance)'
contains "(the home page leads to its history)" "$S/public/index.html" '<a href="index.history.html">its history</a>'

# Two withdrawals at one address (an article archived, another written
# there and withdrawn too): the address is the later one's.
site two
git -C "$S" init -q -b main
page "$S" index.md "Home" "Welcome."
page "$S" b.md "B one" "The first B."
commit 2026-01-10T09:00:00Z "Ann Archer" "First"
mkdir -p "$S/content/.archive"
git -C "$S" mv content/b.md content/.archive/b.md
commit 2026-01-11T09:00:00Z "Ann Archer" "Archive B one"
page "$S" b.md "B two" "The second B, quite different from the first one in every word of it."
commit 2026-01-12T09:00:00Z "Ann Archer" "Write B two"
git -C "$S" rm -q content/b.md
commit 2026-01-13T09:00:00Z "Bob Baker" "Withdraw B two"
run "$S" build
contains "two withdrawals at one address: the notice is the later one's" "$S/public/b.html" "<h1>B two</h1>"
contains "(dated by it)" "$S/public/b.html" "13 January 2026"
n=$(grep -c 'class="meta">withdrawn' "$S/public/changes.html")
[ "$n" = 1 ] && ok "(one entry in the list of withdrawn guidance)" || not_ok "(one entry in the list of withdrawn guidance)" "$n entries"

# A folder withdrawn with a folder inside it: each notice's breadcrumbs
# skip the withdrawn sections above it.
site nest
git -C "$S" init -q -b main
page "$S" index.md "Home" "W."
page "$S" a/index.md "Section A" "A."
page "$S" a/b/index.md "Section B" "B."
page "$S" a/b/k.md "K" "K."
commit 2026-01-10T09:00:00Z "Ann" "First"
git -C "$S" rm -q -r content/a
commit 2026-01-11T09:00:00Z "Ann" "withdraw a"
run "$S" build
contains "nested withdrawn section: breadcrumbs skip the withdrawn parent" "$S/public/a/b/index.html" '<li><a href="../../index.html">Home</a></li><li aria-current="page">Section B</li>'

# An article taken off the site (a draft committed over it) and still a
# draft today keeps a notice at its address, as withdrawn guidance does:
# when, by whom, the version staff last read and the history, with none
# of the draft's text.  Published again, it is the article once more.
site td
git -C "$S" init -q -b main
page "$S" index.md "Home" "Welcome."
page "$S" hr/rule.md "Rule" "Rule one."
commit 2026-05-01T09:00:00Z "Ann Archer" "Publish the rule"
page "$S" hr/rule.md "Rule" "Rule one, as amended."
commit 2026-05-02T09:00:00Z "Ann Archer" "Amend the rule"
LAST=$(git -C "$S" rev-parse HEAD | cut -c1-10)
run "$S" build
file "$S" hr/rule.md '---\ntitle: Rule\ndraft: true\n---\nDRAFTWORDS under review.\n'
commit 2026-05-03T09:00:00Z "Bo Brown" "Take the rule down for review"
DOWN=$(git -C "$S" rev-parse HEAD)
file "$S" hr/rule.md '---\ntitle: Rule (new)\ndraft: true\n---\nDRAFTWORDS still under review.\n'
commit 2026-05-04T09:00:00Z "Bo Brown" "Rework the draft DRAFTSUBJECT"
run "$S" build
status_is "a site whose article is taken down and still a draft builds" "$RC" 0
N=$S/public/hr/rule.html
contains "its address says it was taken off the site, and when" "$N" "This guidance was taken off the site on <time datetime=\"2026-05-03T09:00:00+00:00\">3 May 2026</time>"
contains "(and by whom)" "$N" "by Bo Brown"
contains "(and why)" "$N" "Take the rule down for review"
contains "it leads to the version staff last read" "$N" "href=\"rule.rev-$LAST.html\">Read it as it stood when taken off the site"
contains "and to the history, at the taking down" "$N" "href=\"rule.history.html#$DOWN\""
contains "it has the title staff last read" "$N" "<h1>Rule</h1>"
contains "the tab's title says it is off the site" "$N" "<title>Off the site: Rule"
check "no draft text or message is published anywhere" sh -c "! grep -rl 'DRAFTWORDS\|DRAFTSUBJECT\|Rule (new)' '$S/public'"
contains "the history page says it is off the site" "$S/public/hr/rule.history.html" "This guidance was taken off the site on"
contains "the version last read says so" "$S/public/hr/rule.rev-$LAST.html" "The guidance was taken off the site on"
contains "and leads to the notice" "$S/public/hr/rule.rev-$LAST.html" "href=\"rule.html\">see the notice"
contains "the recent changes list it among guidance no longer in force" "$S/public/changes.html" '<a href="hr/rule.html">Rule</a> <span class="meta">taken off the site <time datetime="2026-05-03T09:00:00+00:00">'
lacks "search does not find it" "$S/public/search-index.js" "Rule one"
lacks "the section does not list it" "$S/public/hr/index.html" "rule.html"
cp -r "$S" "$TMP/td-clean" && rm -rf "$TMP/td-clean/.git/quire" "$TMP/td-clean/public"
run "$TMP/td-clean" build
check "(a rebuild over the published article's output writes what a clean build writes)" diff -r "$S/public" "$TMP/td-clean/public"
run "$S" build --drafts -o "$TMP/td-drafts"
contains "--drafts shows the draft itself" "$TMP/td-drafts/hr/rule.html" "DRAFTWORDS still under review."
lacks "(not the notice)" "$TMP/td-drafts/hr/rule.html" "taken off the site on"
# A link to it is still an error: the editor is to mend it.
page "$S" hr/pay.md "Pay" "See [the rule](rule.md)."
run "$S" check
status_is "a link to an article taken down stays an error" "$RC" 1
page "$S" hr/pay.md "Pay" "Pay day."
page "$S" hr/rule.md "Rule" "Rule one, as reviewed."
commit 2026-05-05T09:00:00Z "Ann Archer" "Publish the reviewed rule"
run "$S" build
contains "published again, its address is the article" "$N" "Rule one, as reviewed."
lacks "(no notice)" "$N" "taken off the site on"
lacks "(nor in the recent changes' list)" "$S/public/changes.html" '<span class="meta">taken off the site'

# An article moved to the address of one withdrawn before: the history
# there is the moved article's alone (the withdrawn one's revisions are
# not its own, nor its text its past version), and nothing says the
# withdrawn article came back.
site into
git -C "$S" init -q -b main
page "$S" a.md "Alpha leave" "Leave is 25 days.\n\nAlpha second para about pensions."
page "$S" b.md "Beta sickness" "Sick pay is 10 days.\n\nBeta para about doctors notes."
commit 2026-01-01T10:00:00Z "Ann" "Add alpha and beta"
ADD=$(git -C "$S" rev-parse HEAD | cut -c1-10)
git -C "$S" rm -q content/a.md
commit 2026-02-01T10:00:00Z "Bob" "Withdraw alpha"
git -C "$S" mv content/b.md content/a.md
commit 2026-03-01T10:00:00Z "Cat" "Move beta to a"
run "$S" build
H=$S/public/a.history.html
lacks "the moved article's history has none of the withdrawn one's revisions" "$H" "Withdraw alpha"
check "(one entry for the commit that added both)" [ "$(grep -c 'Add alpha and beta</h2>' "$H")" = 1 ]
lacks "(nor the withdrawn one's title)" "$H" "Alpha leave"
contains "its version of that commit is its own text" "$S/public/a.rev-$ADD.html" "Sick pay is 10 days."
lacks "the recent changes do not say the withdrawn article was restored" "$S/public/changes.html" "later restored"
contains "the moved article's old address leads to it" "$S/public/b.html" "a.html"

# An article moved over another in one commit (git mv -f b.md a.md) is a
# move: its old address leads to it, and its history follows, not a
# withdrawal of it while its text is live at the other address.
site over
git -C "$S" init -q -b main
page "$S" a.md "Alpha leave" "Leave is 25 days.\n\nAlpha second para about pensions."
page "$S" b.md "Beta sickness" "Sick pay is 10 days.\n\nBeta para about doctors notes."
commit 2026-01-01T10:00:00Z "Ann" "Add alpha and beta"
page "$S" b.md "Beta sickness" "Sick pay is 12 days.\n\nBeta para about doctors notes."
commit 2026-01-15T10:00:00Z "Ann" "Edit beta"
git -C "$S" mv -f content/b.md content/a.md
commit 2026-03-01T10:00:00Z "Cat" "Replace alpha by beta"
run "$S" build
lacks "the article moved over another is not withdrawn at its old address" "$S/public/b.html" "This guidance was withdrawn"
contains "(its old address leads to it)" "$S/public/b.html" "<title>Moved: Beta sickness"
contains "its history follows it from its old address" "$S/public/a.history.html" "moved here from the address <code>b.html"
contains "(with its own edits)" "$S/public/a.history.html" "Edit beta"
lacks "(and not the other article's title as a change of its own)" "$S/public/a.history.html" "Alpha leave"

# A preview (--drafts) and the build to publish share the build cache:
# each writes into OUT what a clean build of its kind writes.  An archived article's
# history page differs between them only by its notice of versions left
# out, which a preview after a build to publish took from the cache.
site arcache
git -C "$S" init -q -b main
page "$S" leave.md "Leave" "Leave."
page "$S" arch.md "Archived one" "Soon archived."
commit 2026-07-01T09:00:00Z "Ann Archer" "First"
mkdir -p "$S/content/.archive"
git -C "$S" mv content/arch.md content/.archive/arch.md
commit 2026-07-03T09:00:00Z "Ann Archer" "Archive it"
run "$S" build
run "$S" build --drafts
cp -a "$S/public" "$TMP/arcache-drafts"
rm -rf "$TMP/arcache-clean" && cp -a "$S" "$TMP/arcache-clean" && rm -rf "$TMP/arcache-clean/.git/quire" "$TMP/arcache-clean/public"
run "$TMP/arcache-clean" build --drafts -o "$TMP/arcache-clean-drafts"
check "a preview after a build to publish writes what a clean preview does" diff -r "$TMP/arcache-drafts" "$TMP/arcache-clean-drafts"
run "$S" build
rm -rf "$TMP/arcache-clean/.git/quire"
run "$TMP/arcache-clean" build -o "$TMP/arcache-clean-out"
check "and a build to publish after a preview what a clean build does" diff -r "$S/public" "$TMP/arcache-clean-out"
