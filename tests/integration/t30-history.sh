#!/bin/sh
# t30: every article's change history, read from git.
. "$(dirname "$0")/lib.sh"

# raw_commit AUTHOR_LINE MESSAGE: commits what is staged as the bytes given
# (git itself would re-encode or refuse them); prints the commit's id.
raw_commit() {
	rid=$(printf 'tree %s\nparent %s\nauthor %s\ncommitter C <c@x> 1767398400 +0000\n\n%b\n' \
		"$(git -C "$S" write-tree)" "$(git -C "$S" rev-parse HEAD)" "$1" "$2" |
		git -C "$S" hash-object -t commit -w --stdin --literally)
	git -C "$S" update-ref HEAD "$rid"
	echo "$rid"
}

site h
git -C "$S" init -q -b main
page "$S" guide/privacy.md "Privacy at work" "Employers may monitor email.\n\nA second paragraph stays."
commit "2026-03-03T10:00:00+00:00" "Cara Counsel" "Add privacy guidance"
page "$S" guide/privacy.md "Privacy at work" "Employers may monitor work email.\n\nA second paragraph stays."
commit "2026-04-20T09:30:00+01:00" "Dev Patel" "Clarify what may be monitored

Only work accounts are in scope."
page "$S" guide/other.md "Other" "See [[privacy]]."
commit "2026-04-21T09:00:00+00:00" "Cara Counsel" "Add other"
run "$S" build
status_is "a site in a git repository builds" "$RC" 0
A=$S/public/guide/privacy.html
H=$S/public/guide/privacy.history.html
contains "the article says when and by whom it was last updated" "$A" "Last updated <time datetime=\"2026-04-20T09:30:00+01:00\">20 April 2026</time> by Dev Patel"
contains "the article counts its revisions and links its history" "$A" '<a href="privacy.history.html">2 revisions'
check "the history page exists" test -f "$H"
contains "the history lists the newest revision with its subject" "$H" "20 April 2026</time> — Clarify what may be monitored"
contains "the history shows the message body" "$H" "Only work accounts are in scope."
contains "a short body shows whole, not collapsed" "$H" '<div class="message"><p>Only work accounts are in scope.</p></div>'
# The first entry says the article was first published, with a link to
# read it; its whole text as one insertion is kept, folded away.
contains "the first entry says the article was first published" "$H" "<p class=\"published\"><strong>First published</strong> · <a href=\"privacy.rev-$(git -C "$S" rev-list --reverse HEAD | head -n 1 | cut -c1-10).html\">Read this version</a></p>"
check "(only the first)" test "$(grep -c 'First published' "$H")" = 1
check "its whole text is collapsed, not removed" python3 -c "
import re, sys
h = open(sys.argv[1]).read()
entries = h.split('<li class=\"revision\"')
first = entries[-1]
m = re.search(r'<details class=\"whole-text\"><summary>The whole text as first published</summary>(.*?)</details>', first, re.S)
assert m and '<ins>Employers may monitor email.' in m.group(1), first
assert 'whole-text' not in entries[1], 'a later entry is not folded'
" "$H"
contains "the history lists the first revision's author" "$H" "By Cara Counsel"
contains "an inserted word is marked with <ins>" "$H" "<ins>work"
first=$(git -C "$S" rev-list --reverse HEAD | head -n 1 | cut -c1-10)
R=$S/public/guide/privacy.rev-$first.html
check "the first revision has its own page" test -f "$R"
contains "a past version shows the text as it was then" "$R" "Employers may monitor email."
contains "a past version carries the banner" "$R" "This is a past version from <time datetime=\"2026-03-03T10:00:00+00:00\">3 March 2026</time>"
contains "a past version links to the current guidance" "$R" 'href="privacy.html">Read the current guidance'
contains "the oldest version links to the newer one" "$R" "Newer version"
second=$(git -C "$S" rev-list -n 1 HEAD -- content/guide/privacy.md | cut -c1-10)
contains "the newest version of an article as committed says it is the current one" "$S/public/guide/privacy.rev-$second.html" \
	"<strong>This is the current version.</strong> It reads the same as the guidance today."
lacks "(in words staff use: nothing of the site's scripts)" "$S/public/guide/privacy.rev-$second.html" "the site's scripts"
contains "its date, author and revision follow, for the record" "$S/public/guide/privacy.rev-$second.html" \
	"<p class=\"banner-meta\">Current since <time datetime=\"2026-04-20T09:30:00+01:00\">20 April 2026</time> (a change by Dev Patel) · revision <code>$second</code></p>"
lacks "and does not say it may no longer be correct" "$S/public/guide/privacy.rev-$second.html" "may no longer be correct"
# A past version in a tab, a bookmark or a search engine is never taken
# for the current guidance.
contains "a past version's title says it is one, and of when" "$R" "<title>Past version (3 March 2026) of Privacy at work – Test site</title>"
contains "a past version asks search engines not to index it" "$R" '<meta name="robots" content="noindex">'
contains "a past version names the current article as the canonical page" "$R" '<link rel="canonical" href="privacy.html">'
contains "the newest version as committed is titled the current one" "$S/public/guide/privacy.rev-$second.html" "<title>Current version (20 April 2026) of Privacy at work – Test site</title>"
contains "the article's own title is unchanged" "$A" "<title>Privacy at work – Test site</title>"
lacks "and it is indexed" "$A" "noindex"
contains "recent changes groups by day" "$S/public/changes.html" "<h2>21 April 2026</h2>"
contains "the Atom feed lists a change" "$S/public/changes.xml" "<title>Privacy at work: Clarify what may be monitored</title>"

# A rename with edits keeps the history and leaves a redirect behind.
git -C "$S" mv content/guide/privacy.md content/guide/monitoring.md
sed -i 's/second paragraph stays/second paragraph stays, now moved/' "$S/content/guide/monitoring.md"
sed -i 's/\[\[privacy\]\]/[[monitoring]]/' "$S/content/guide/other.md"
commit "2026-05-01T12:00:00+00:00" "Sam Okafor" "Rename privacy guidance to monitoring"
run "$S" build
status_is "the renamed site builds" "$RC" 0
contains "history survives a rename (3 revisions)" "$S/public/guide/monitoring.html" "3 revisions"
contains "the history page shows the move, by the address readers knew" "$S/public/guide/monitoring.history.html" "moved here from the address <code>guide/privacy.html</code>"
check "the old address gets a redirect page" test -f "$S/public/guide/privacy.html"
contains "the redirect points at the new page" "$S/public/guide/privacy.html" 'url=monitoring.html'
# A link still naming the old file is told where git shows it went.
cp "$S/content/guide/other.md" "$TMP/other.md.kept"
printf '\n[[privacy]] [old](privacy.md#x)\n' >> "$S/content/guide/other.md"
run "$S" check
contains "a wiki link to the old name is told the new one" "$ERR" "wiki link [[privacy]] matches no article (by file name or title): did you mean [[monitoring]]? (git shows the article was moved there)"
contains "so is a link to the old file, anchor kept" "$ERR" "link target 'privacy.md#x' does not exist: did you mean 'monitoring.md#x'? (git shows the article was moved there)"
cp "$TMP/other.md.kept" "$S/content/guide/other.md"

# Uncommitted and untracked work while previewing.
echo "More text." >> "$S/content/guide/monitoring.md"
page "$S" guide/fresh.md "Fresh" "Not committed."
run "$S" build
contains "an article with uncommitted changes says so" "$S/public/guide/monitoring.html" "changes that are not committed"
contains "and the build to publish warns that readers will see it" "$ERR" "content/guide/monitoring.md: warning: has changes that are not committed: its page tells readers so"
contains "as it warns of an article not committed yet" "$ERR" "content/guide/fresh.md: warning: not committed yet: its page tells readers so"
"$QUIRE" check -s "$S" 2>"$TMP/wip-check"
lacks "quire check does not warn of it" "$TMP/wip-check" "tells readers so"
contains "a new untracked article builds without history" "$S/public/guide/fresh.html" "not yet committed"
newest=$(git -C "$S" rev-list -n 1 HEAD -- content/guide/monitoring.md | cut -c1-10)
contains "with uncommitted changes the newest committed version is a past one again" "$S/public/guide/monitoring.rev-$newest.html" "This is a past version from"
check "an untracked article has no history page" test ! -f "$S/public/guide/fresh.history.html"
git -C "$S" checkout -q -- . ; rm -f "$S/content/guide/fresh.md"
# A change of file mode alone (chmod +x, a CI checkout onto a disk that
# keeps no modes) leaves the text as committed: no "work in progress".
chmod +x "$S/content/guide/monitoring.md"
run "$S" build
lacks "a mode change alone is no uncommitted change" "$S/public/guide/monitoring.html" "changes that are not committed"
lacks "and is not warned of" "$ERR" "monitoring.md: warning: has changes"
git -C "$S" add content/guide/monitoring.md
run "$S" build
lacks "staged, neither" "$S/public/guide/monitoring.html" "changes that are not committed"
echo "Edited as well." >> "$S/content/guide/monitoring.md"
run "$S" build
contains "with the text changed too, it is one" "$S/public/guide/monitoring.html" "changes that are not committed"
git -C "$S" reset -q; git -C "$S" checkout -q -- .; chmod -x "$S/content/guide/monitoring.md"
# the same where git filters text (*.md text=auto, common in repositories)
printf '*.md text=auto\n' > "$S/.git/info/attributes"
chmod +x "$S/content/guide/monitoring.md"
run "$S" build
lacks "a mode change alone is none where git filters text either" "$ERR" "monitoring.md: warning: has changes"
chmod -x "$S/content/guide/monitoring.md"; rm "$S/.git/info/attributes"
# An article deleted but the deletion not committed: the build to publish
# warns that the site lacks what git holds.
rm "$S/content/guide/other.md"
run "$S" build
contains "a deletion not committed is warned of" "$ERR" "content/guide/other.md: warning: deleted, but the deletion is not committed"
lacks "no other article is said to be deleted" "$ERR" "monitoring.md: warning: deleted"
git -C "$S" checkout -q -- .
run "$S" build
lacks "restored, it is not" "$ERR" "deleted, but"
# Files the scan passes over (a dot-folder's templates), and a committed
# submodule's folder, are no deleted articles, fresh or from the cache.
mkdir -p "$S/content/.templates"
printf -- '---\ntitle: Skeleton\n---\nx\n' > "$S/content/.templates/skeleton.md"
mkdir -p "$S/content/sub"
git -C "$S" add -A && git -C "$S" update-index --add --cacheinfo 160000,1111111111111111111111111111111111111111,content/sub
git -C "$S" -c user.name=Sam -c user.email=s@x commit -q -m "Templates and a submodule"
run "$S" build
lacks "a committed file the scan skips is not called deleted" "$ERR" "deleted, but"
run "$S" build
lacks "nor, from the history cache, a submodule's folder" "$ERR" "deleted, but"
git -C "$S" rm -q --cached content/sub && rm -rf "$S/content/.templates" "$S/content/sub"
commit "2026-05-02T12:30:00+00:00" "Sam Okafor" "Remove them"

# The working tree's state is remembered between builds: a rebuild asks
# git only about the sources changed since, and the answer is still git's.
state() { # WANT DESCRIPTION: rebuilds, checking how the state was found
	# (no global attributes file of the machine's user: see status_plain_blob)
	n=$(XDG_CONFIG_HOME="$TMP/no-xdg" QUIRE_TIMINGS=1 "$QUIRE" build -s "$S" 2>&1 | grep '^working-tree state:')
	case "$n" in *"$1"*) ok "$2" ;; *) not_ok "$2" "$n" ;; esac
}
M=$S/public/guide/monitoring.html
sleep 2.2
run "$S" build
check "the state is kept in the git dir" sh -c "ls '$S'/.git/quire/status-v1-*.bin"
state "0 of 2 sources asked" "a rebuild with nothing changed asks git about no source"
lacks "a clean article is clean" "$M" "changes that are not committed"
echo "Uncommitted words." >> "$S/content/guide/monitoring.md"
state "1 of 2 sources asked (1 told by their blob alone)" "an edited source is the one git is asked about, and its blob tells (no index read)"
contains "and it has uncommitted changes" "$M" "changes that are not committed"
sleep 2.2
run "$S" build
state "0 of 2 sources asked" "once settled, the edited source is remembered"
contains "as having uncommitted changes" "$M" "changes that are not committed"
git -C "$S" show HEAD:content/guide/monitoring.md > "$S/content/guide/monitoring.md"
state "1 of 2 sources asked (0 told by their blob alone)" "a source put back as committed is asked about, of git (its blob is HEAD's)"
lacks "and is clean again" "$M" "changes that are not committed"
# Where an attributes file could give the article a filter (line ends,
# $Id$), git is asked, as only git applies filters.
sleep 2.2
run "$S" build
printf '*.md text\n' > "$S/.gitattributes"
echo "Words with attributes about." >> "$S/content/guide/monitoring.md"
state "1 of 2 sources asked (0 told by their blob alone)" "with a .gitattributes above it, git is asked about an edited source"
contains "which it says has uncommitted changes" "$M" "changes that are not committed"
rm -f "$S/.gitattributes"
git -C "$S" show HEAD:content/guide/monitoring.md > "$S/content/guide/monitoring.md"
sleep 2.2
run "$S" build
printf 'Carriage\r\nreturns.\r\n' >> "$S/content/guide/monitoring.md"
state "1 of 2 sources asked (0 told by their blob alone)" "an edited source with CR line ends is asked of git (core.autocrlf may strip them)"
git -C "$S" show HEAD:content/guide/monitoring.md > "$S/content/guide/monitoring.md"
run "$S" build
sleep 2.2
run "$S" build
mkdir -p "$TMP/xdg/git"
printf '*.md ident\n' > "$TMP/xdg/git/attributes"
echo "Words under a global attributes file." >> "$S/content/guide/monitoring.md"
n=$(XDG_CONFIG_HOME="$TMP/xdg" QUIRE_TIMINGS=1 "$QUIRE" build -s "$S" 2>&1 | grep '^working-tree state:')
case "$n" in *"(0 told by their blob alone)"*) ok "so is one under the user's global attributes file" ;; *) not_ok "so is one under the user's global attributes file" "$n" ;; esac
git -C "$S" show HEAD:content/guide/monitoring.md > "$S/content/guide/monitoring.md"
run "$S" build
# A worktree reads the main git dir's info/attributes, as git does.
git -C "$S" worktree add -q "$TMP/wt" 2>/dev/null
mkdir -p "$S/.git/info" && printf '*.md ident\n' > "$S/.git/info/attributes"
XDG_CONFIG_HOME="$TMP/no-xdg" "$QUIRE" build -s "$TMP/wt" >/dev/null 2>&1
sleep 2.2
XDG_CONFIG_HOME="$TMP/no-xdg" "$QUIRE" build -s "$TMP/wt" >/dev/null 2>&1
echo "Words in a worktree." >> "$TMP/wt/content/guide/monitoring.md"
n=$(XDG_CONFIG_HOME="$TMP/no-xdg" QUIRE_TIMINGS=1 "$QUIRE" build -s "$TMP/wt" 2>&1 | grep '^working-tree state:')
case "$n" in *"(0 told by their blob alone)"*) ok "in a worktree, the main git dir's info/attributes has git asked" ;; *) not_ok "in a worktree, the main git dir's info/attributes has git asked" "$n" ;; esac
rm -f "$S/.git/info/attributes"
git -C "$S" worktree remove --force "$TMP/wt"
# A change staged, then undone in the working tree, is still a change:
# the blob is HEAD's, so git's index is asked.
cp "$S/content/guide/monitoring.md" "$TMP/monitoring.md.kept"
echo "Staged, then undone." >> "$S/content/guide/monitoring.md"
git -C "$S" add content/guide/monitoring.md
cp "$TMP/monitoring.md.kept" "$S/content/guide/monitoring.md"
run "$S" build
contains "a change staged and undone in the working tree is still uncommitted" "$M" "changes that are not committed"
git -C "$S" reset -q -- content/guide/monitoring.md
run "$S" build
lacks "and unstaged, the article is clean" "$M" "changes that are not committed"
echo "Staged words." >> "$S/content/guide/monitoring.md"
sleep 2.2
run "$S" build
git -C "$S" add content/guide/monitoring.md
state "read whole" "a changed git index has git read the whole state"
contains "staged changes are uncommitted changes" "$M" "changes that are not committed"
commit "2026-05-01T13:00:00+00:00" "Sam Okafor" "Staged words"
state "read whole" "a new HEAD has git read the whole state"
lacks "a committed article is clean" "$M" "changes that are not committed"
# A new HEAD has the history walked, and git reads the working tree's
# state beside the walk: work left uncommitted is still seen, and the
# walk is saved for the next build.
echo "Committed words." >> "$S/content/guide/monitoring.md"
commit "2026-05-02T09:00:00+00:00" "Sam Okafor" "More words"
echo "Left uncommitted." >> "$S/content/guide/other.md"
rm -f "$S"/.git/quire/status-v1-*.bin
n=$(QUIRE_TIMINGS=1 "$QUIRE" build -s "$S" 2>&1 | grep -c '^history: ')
check "a new HEAD has the history walked" test "$n" = 1
contains "the state read beside the walk sees uncommitted work" "$S/public/guide/other.html" "changes that are not committed"
lacks "and sees the committed article clean" "$M" "changes that are not committed"
check "the walk is saved when the build ends" sh -c "ls '$S'/.git/quire/history-v*.bin"
n=$(QUIRE_TIMINGS=1 "$QUIRE" build -s "$S" 2>&1 | grep -c '^history (from cache): ')
check "and the next build reads it from there" test "$n" = 1
git -C "$S" checkout -q -- .
sleep 2.2
run "$S" build
for f in "$S"/.git/quire/status-v1-*.bin; do printf 'x' >> "$f"; done
echo "Damage test." >> "$S/content/guide/other.md"
state "read whole" "a damaged record of the state is not used"
contains "and the state is still right" "$S/public/guide/other.html" "changes that are not committed"
git -C "$S" checkout -q -- .

# A merge: the branch's own commits carry the credit.
git -C "$S" checkout -q -b side
page "$S" guide/other.md "Other" "See [[monitoring]]. Edited on a branch."
commit "2026-05-02T12:00:00+00:00" "Branch Author" "Edit on a branch"
git -C "$S" checkout -q main
page "$S" guide/third.md "Third" "Third."
commit "2026-05-03T12:00:00+00:00" "Cara Counsel" "Add third"
GIT_AUTHOR_DATE=2026-05-04T12:00:00Z GIT_COMMITTER_DATE=2026-05-04T12:00:00Z git -C "$S" merge -q --no-edit side >/dev/null 2>&1
run "$S" build
contains "a merged branch's commit is credited to its author" "$S/public/guide/other.history.html" "Branch Author"

# .mailmap: the one committed at HEAD, alone.  Who made a change is part
# of the record: neither a file left uncommitted nor the builder's own git
# settings may rename anyone.
printf 'Cara Counsel-Smith <CaraCounsel@example.org>\n' > "$S/.mailmap"
rm -rf "$S/.git/quire" # (a walk, not the history cache of this HEAD)
run "$S" build
lacks "an uncommitted .mailmap renames nobody" "$S/public/guide/third.html" "Counsel-Smith"
git -C "$S" add .mailmap
GIT_AUTHOR_DATE=2026-05-05T12:00:00Z GIT_COMMITTER_DATE=2026-05-05T12:00:00Z git -C "$S" commit -q -m "Add a mailmap"
run "$S" build
contains "the committed .mailmap names are used" "$S/public/guide/third.html" "by Cara Counsel-Smith"
printf 'Someone Else <CaraCounsel@example.org>\n' > "$S/.mailmap"
mkdir -p "$TMP/home"
printf 'Mallory <CaraCounsel@example.org>\n' > "$TMP/home/mymailmap"
printf '[mailmap]\n\tfile = %s/mymailmap\n' "$TMP/home" > "$TMP/home/.gitconfig"
rm -rf "$S/.git/quire"
HOME=$TMP/home run "$S" build -o "$TMP/mailmap-home"
contains "an edit not committed, or the builder's own mailmap.file, changes nothing" "$TMP/mailmap-home/guide/third.html" "by Cara Counsel-Smith"
lacks "(not Mallory)" "$TMP/mailmap-home/guide/third.history.html" "Mallory"
git -C "$S" checkout -q -- .mailmap

# A shallow clone builds and says the history is partial.
git clone -q --depth 1 "file://$S" "$TMP/shallow" 2>/dev/null
run "$TMP/shallow" build -o "$TMP/shallow-out"
status_is "a shallow clone builds" "$RC" 0
contains "a shallow clone marks history as partial" "$TMP/shallow-out/guide/monitoring.history.html" "Only part of the history"

# The oldest commit of a shallow clone (CI's usual checkout) has no parent
# to compare with: it is not taken for a change its author made to every
# article.  The publisher is warned.
S0=$S
site shallow2
git -C "$S" init -q -b main
page "$S" leave.md "Leave" "Leave text."
page "$S" pay.md "Pay" "Pay text."
commit "2020-05-01T10:00:00+00:00" "Ann Old" "Add leave and pay"
page "$S" pay.md "Pay" "Pay text, typo."
commit "2025-03-01T10:00:00+00:00" "Bob Boundary" "Pay typo"
page "$S" pay.md "Pay" "Pay text, fixed."
commit "2026-03-01T10:00:00+00:00" "Cat Tip" "Fix a typo in pay"
git clone -q --depth 2 "file://$S" "$TMP/shallow2-ci" 2>/dev/null
run "$TMP/shallow2-ci" build -o "$TMP/shallow2-out"
status_is "a clone of depth 2 builds" "$RC" 0
contains "the publisher is warned that history is missing" "$ERR" "quire: warning: the repository is a shallow clone: its history before 2025-03-01 is missing"
O=$TMP/shallow2-out
lacks "an article unchanged since the oldest commit is not credited to its author" "$O/leave.html" "Bob Boundary"
contains "it says it was last changed on or before that commit" "$O/leave.html" "Last changed on or before <time datetime=\"2025-03-01T10:00:00+00:00\">1 March 2025</time>"
contains "an article changed since is credited to that change" "$O/pay.html" "by Cat Tip"
contains "the oldest entry of a history says what it is" "$O/pay.history.html" "the oldest version in this copy"
lacks "without the oldest commit's author" "$O/pay.history.html" "Bob Boundary"
lacks "or its subject" "$O/pay.history.html" "Pay typo"
lacks "or the whole text shown as added" "$O/pay.history.html" "<ins>Pay text"
lacks "the recent changes leave the oldest commit out" "$O/changes.html" "Pay typo"
lacks "so does the feed" "$O/changes.xml" "Pay typo"
contains "which lists the real change" "$O/changes.xml" "Fix a typo in pay"
R=$O/leave.rev-$(git -C "$TMP/shallow2-ci" rev-parse --short=10 HEAD~1).html
check "the oldest version has its page" test -f "$R"
lacks "which names no author" "$R" "Bob Boundary"
# A clone deep enough to reach past a merge has several boundary commits:
# none of them is taken for a change to every article.
site shallowmerge
git -C "$S" init -q -b main
page "$S" a.md "A" "alpha"
page "$S" b.md "B" "bee"
page "$S" c.md "C" "sea"
commit "2026-01-01T10:00:00+00:00" "Alice Old" "init"
page "$S" a.md "A" "alpha 2"
commit "2026-01-02T10:00:00+00:00" "Alice Old" "a2"
git -C "$S" checkout -q -b side
page "$S" b.md "B" "bee side"
commit "2026-01-03T10:00:00+00:00" "Bob Side" "b side"
git -C "$S" checkout -q main
page "$S" c.md "C" "sea 2"
commit "2026-01-04T10:00:00+00:00" "Carol Main" "c only"
GIT_AUTHOR_DATE="2026-01-05T10:00:00+00:00" GIT_COMMITTER_DATE="2026-01-05T10:00:00+00:00" \
	git -C "$S" -c user.name="Dave Merger" -c user.email=d@x merge -q --no-ff -m "merge side" side >/dev/null 2>&1
git clone -q --depth 2 "file://$S" "$TMP/shallowmerge-ci" 2>/dev/null
run "$TMP/shallowmerge-ci" build -o "$TMP/shallowmerge-out"
status_is "a clone of depth 2 past a merge builds" "$RC" 0
O=$TMP/shallowmerge-out
lacks "an article neither side changed names no author" "$O/a.html" "Last updated"
contains "but when it was last changed at the latest" "$O/a.html" "Last changed on or before"
lacks "no boundary commit shows as adding it" "$O/a.history.html" "Title added"
lacks "and the merge that changed nothing is no revision" "$O/b.history.html" "By Dave Merger"
S=$S0

# Outside a repository, and with history off.
site plain
page "$S" a.md "A" "text"
run "$S" build
status_is "a site outside any repository builds" "$RC" 0
check "no history pages are written without a repository" sh -c "! ls '$S/public' | grep -q history"
site off
git -C "$S" init -q -b main; page "$S" a.md "A" "text"; commit "2026-01-01T00:00:00Z" "X Y" "add"
printf 'title: T\nhistory: false\n' > "$S/site.yml"
run "$S" build
check "history: false writes no history pages" test ! -f "$S/public/a.history.html"
site empty
git -C "$S" init -q -b main; page "$S" a.md "A" "text"
run "$S" build
status_is "a repository with no commits builds" "$RC" 0

# A past version shows its own table of contents, not today's.
site toc
git -C "$S" init -q -b main
page "$S" a.md "Sections" "## Alpha\n\nOne.\n\n## Beta\n\nTwo.\n\n## Gamma\n\nThree.\n\n### 12:30 & 3: notes\n\nFour."
commit "2026-01-01T00:00:00Z" "X Y" "first headings"
page "$S" a.md "Sections" "## Delta\n\nOne.\n\n## Epsilon\n\nTwo.\n\n## Zeta\n\nThree."
commit "2026-01-02T00:00:00Z" "X Y" "new headings"
run "$S" build
first=$(git -C "$S" rev-list --reverse HEAD | head -n 1 | cut -c1-10)
R=$S/public/a.rev-$first.html
contains "a past version's contents list its own headings" "$R" '<li><a href="#alpha">Alpha</a></li>'
lacks "and not the current version's" "$R" '#delta'
contains "a contents entry with digits, colons and markup characters" "$R" '<a href="#12-30-3-notes">12:30 &amp; 3: notes</a>'
# Rendered again from the build cache (a template changed), the past
# version keeps its contents.
printf '\n' >> "$S/themes/default/templates/revision.mustache"
run "$S" build
contains "a past version made from the cache lists its own headings" "$R" '<li><a href="#alpha">Alpha</a></li>'
contains "all of them" "$R" '<a href="#12-30-3-notes">12:30 &amp; 3: notes</a>'
contains "the current article lists today's headings" "$S/public/a.html" '<li><a href="#delta">Delta</a></li>'

# The newest version's page is the article as it stands (its HTML is
# reused when its Markdown is the article's own), unless a link in it is
# broken: a past version turns a missing target into text, the article
# does not.
site newest
git -C "$S" init -q -b main
printf 'title: Test site\nlinks: warn\n' > "$S/site.yml"
page "$S" a.md "Alpha" "## Terms\n\nSee [[b]] for more.\n\n## Scope\n\nAll.\n\n## Notes\n\nNone."
page "$S" b.md "Beta" "Words."
page "$S" c.md "Gamma" "See [[b]]."
commit "2026-01-01T00:00:00Z" "X Y" "first"
page "$S" a.md "Alpha" "## Terms\n\nSee [[b]] for more, and today.\n\n## Scope\n\nAll.\n\n## Notes\n\nNone."
page "$S" c.md "Gamma" "See [[b]] and [[nowhere]]."
commit "2026-01-02T00:00:00Z" "X Y" "second"
run "$S" build
newest=$(git -C "$S" rev-parse HEAD | cut -c1-10)
R=$S/public/a.rev-$newest.html
contains "the newest version shows today's text" "$R" 'for more, and today.'
contains "with its links resolved" "$R" 'href="b.html"'
contains "and its contents" "$R" '<li><a href="#terms">Terms</a></li>'
contains "and the past-version banner" "$R" 'href="a.html">Read the current guidance'
R=$S/public/c.rev-$newest.html
contains "(the article marks a missing target as a broken link)" "$S/public/c.html" 'nowhere</a>'
lacks "a missing target in the newest version is text there" "$R" 'nowhere</a>'
contains "next to its resolved links" "$R" 'href="b.html"'

# A past version's link to an article since moved leads to it under its new
# name (the article still exists; the old address only redirects) — also
# when the move was built before it was committed.
site movedlink
git -C "$S" init -q -b main
page "$S" grievance.md "Grievances" "Read [the policy](leave.md) first."
page "$S" leave.md "Leave" "Text."
commit "2026-01-01T00:00:00Z" "X Y" "first"
old=$(git -C "$S" rev-parse HEAD | cut -c1-10)
page "$S" grievance.md "Grievances" "Ask HR first."
commit "2026-01-02T00:00:00Z" "X Y" "second"
run "$S" build
git -C "$S" mv content/leave.md content/annual-leave.md
run "$S" build
commit "2026-01-03T00:00:00Z" "X Y" "move"
run "$S" build
contains "a past version's link to a moved article leads to its new name" "$S/public/grievance.rev-$old.html" '<a href="annual-leave.html">the policy</a>'

# An image since deleted from content/ is its alt text in a past version,
# as a link to a deleted file is its text: not a broken image.
site goneimage
git -C "$S" init -q -b main
page "$S" pay.md "Pay" "See ![pay bands](bands.png) and [the form](form.pdf)."
printf 'PNG' > "$S/content/bands.png"
printf 'PDF' > "$S/content/form.pdf"
commit "2026-01-01T00:00:00Z" "X Y" "first"
old=$(git -C "$S" rev-parse HEAD | cut -c1-10)
bb=$(git -C "$S" rev-parse HEAD:content/bands.png | cut -c1-10)
page "$S" pay.md "Pay" "Bands are in the handbook."
git -C "$S" rm -q content/bands.png content/form.pdf
commit "2026-01-02T00:00:00Z" "X Y" "drop attachments"
run "$S" build
contains "a deleted image still shows in the past version that had it" "$S/public/pay.rev-$old.html" "<img src=\"_versions/$bb/bands.png\" alt=\"pay bands\" />"
check "(as it was committed)" grep -qx PNG "$S/public/_versions/$bb/bands.png"
check "(and is not published as today's)" test ! -e "$S/public/bands.png"

# Each past version shows its own title, however often the title changed
# back and forth (front matter read once is shared with the next revision
# only when it reads the same).
site titles
git -C "$S" init -q -b main
page "$S" a.md "Alpha" "One."
commit "2026-02-01T00:00:00Z" "X Y" "r1"
page "$S" a.md "Alpha" "Two."
commit "2026-02-02T00:00:00Z" "X Y" "r2"
page "$S" a.md "Beta" "Two."
commit "2026-02-03T00:00:00Z" "X Y" "r3"
printf -- '---\ntitle: Alpha\n---\nFour.\n' > "$S/content/a.md"
commit "2026-02-04T00:00:00Z" "X Y" "r4"
page "$S" a.md "Gamma" "Five."
commit "2026-02-05T07:08:09-05:30" "X Y" "r5"
run "$S" build
set -- $(git -C "$S" rev-list --reverse HEAD | cut -c1-10)
for want in "1 Alpha" "2 Alpha" "3 Beta" "4 Alpha" "5 Gamma"; do
	n=${want% *} title=${want#* }
	eval "rev=\${$n}"
	contains "past version $n has its own title ($title)" "$S/public/a.rev-$rev.html" "<h1>$title</h1>"
done
contains "the history notes each title change" "$S/public/a.history.html" "Beta"
contains "a date west of Greenwich is given in its own offset" "$S/public/a.html" '<time datetime="2026-02-05T07:08:09-05:30">5 February 2026</time>'

# A page's JSON comes from an arena that stops growing at 8 MB: an article
# near the size limit, with a past version as large, passes that bound in
# one page and still renders whole (under ASan: no piece freed twice or
# used after its arena).
site large
git -C "$S" init -q -b main
python3 -c "
print('---\ntitle: Long\n---\n')
for i in range(75000):
    print('Paragraph %d of a long article on the duty of confidence, long enough to fill a line.\n' % i)
print('The last paragraph of the first version.')
" > "$S/content/long.md"
commit "2026-03-01T00:00:00Z" "X Y" "first"
echo "A paragraph added later." >> "$S/content/long.md"
commit "2026-03-02T00:00:00Z" "X Y" "second"
run "$S" build
status_is "an article of 7.5 MB with two versions builds" "$RC" 0
contains "its page is whole" "$S/public/long.html" "A paragraph added later."
set -- $(git -C "$S" rev-list --reverse HEAD | cut -c1-10)
contains "and so is its past version" "$S/public/long.rev-$1.html" "The last paragraph of the first version."

# A past version in another encoding (the working copy is checked, history
# is not): its page and the diff show U+FFFD for the bad bytes, and every
# page stays valid UTF-8 (quire does not check the HTML it made again).
site latin
git -C "$S" init -q -b main
page "$S" cafe.md "Cafe" 'Caf\351 au lait, the old way.'
commit "2026-03-01T00:00:00Z" "X Y" "latin-1"
page "$S" cafe.md "Cafe" 'Café au lait, the new way.'
commit "2026-03-02T00:00:00Z" "X Y" "utf-8"
run "$S" build
status_is "a history with a past version that is not UTF-8 builds" "$RC" 0
set -- $(git -C "$S" rev-list --reverse HEAD | cut -c1-10)
contains "the past version shows U+FFFD for the bad byte" "$S/public/cafe.rev-$1.html" "Caf$(printf '\357\277\275') au lait, the old way."
contains "so does the diff on the history page" "$S/public/cafe.history.html" "<del>Caf$(printf '\357\277\275')"
check "and every page is valid UTF-8" python3 -c "
import pathlib, sys
for f in pathlib.Path(sys.argv[1]).rglob('*.html'):
    f.read_bytes().decode('utf-8')
" "$S/public"

# A commit message's body reads as paragraphs: git's wrapped lines are
# joined, in a list item too; a list is a list, code keeps its lines; a
# long body (developers' notes) is collapsed under the subject, not cut.
site msg
git -C "$S" init -q -b main
page "$S" a.md "Alpha" "Text."
commit "2026-02-01T00:00:00Z" "X Y" "Add alpha

This paragraph was wrapped
by the editor at seventy-two columns.

Changes:
- one, whose line the editor
  wrapped too
- two"
page "$S" a.md "Alpha" "Text, changed."
commit "2026-02-02T00:00:00Z" "X Y" "Content: legal fact-check of nine articles (factcheck-27b)

- speaking-up/harassment-and-threats.md: said once towards each of two or
  more people is a course of conduct
- a.md: changed

Checked with:

    quire check
    quire build

quire check: 43 articles, 0 errors, 0 warnings."
run "$S" build
H=$S/public/a.history.html
contains "a wrapped paragraph of a commit message is one line" "$H" '<p>This paragraph was wrapped by the editor at seventy-two columns.</p>'
contains "a list in a commit message is a list, its items' wrapped lines joined" "$H" '<p>Changes:</p><ul><li>one, whose line the editor wrapped too</li><li>two</li></ul>'
contains "the heading is the subject line alone" "$H" '</time> — Content: legal fact-check of nine articles (factcheck-27b)</h2>'
contains "a long message's body is collapsed under a summary" "$H" '<div class="message"><details><summary>More about this change</summary><ul><li>speaking-up/harassment-and-threats.md: said once towards each of two or more people is a course of conduct</li>'
contains "(all of it kept, code line by line)" "$H" '<pre>quire check
quire build</pre><p>quire check: 43 articles, 0 errors, 0 warnings.</p></details></div>'
lacks "no line of it is kept as git wrapped it" "$H" 'class="lines"'
lacks "the recent changes show the subject alone" "$S/public/changes.html" "course of conduct"
contains "(the subject)" "$S/public/changes.html" "<li>Content: legal fact-check of nine articles (factcheck-27b) <span"
contains "the feed keeps the whole message" "$S/public/changes.xml" "speaking-up/harassment-and-threats.md: said once towards each of two or
  more people is a course of conduct"

# On a branch, a revision's diff is with its own parent, not with the
# revision listed below it (which may be the other branch's); a merge
# shows what it brought in over its first parent.
site branches
git -C "$S" init -q -b main
page "$S" m.md "M" "one\n\ntwo"
commit "2020-01-01T10:00:00+00:00" "A B" "base"
git -C "$S" checkout -q -b side
page "$S" m.md "M" "ONE\n\ntwo"
commit "2020-01-03T10:00:00+00:00" "A B" "side"
git -C "$S" checkout -q main
page "$S" m.md "M" "one\n\nTWO"
commit "2020-01-02T10:00:00+00:00" "A B" "main"
GIT_AUTHOR_DATE="2020-01-04T10:00:00+00:00" GIT_COMMITTER_DATE="2020-01-04T10:00:00+00:00" \
	git -C "$S" -c user.name=A -c user.email=a@b merge -q --no-edit side >/dev/null 2>&1
run "$S" build
status_is "a site with a merged branch builds" "$RC" 0
H=$S/public/m.history.html
entry() { # SUBJECT: that revision's list item, one line (SUBJECT: the start of the subject)
	tr '\n' ' ' < "$H" | sed 's/<li class="revision"/\n&/g' | grep -F -- "— $1"
}
entry "side<" | grep -q '<del>one</del>' && ! entry "side<" | grep -q 'TWO' && ok "the branch's commit shows only its own change (one → ONE)" ||
	not_ok "the branch's commit shows only its own change (one → ONE)" "$(entry "side<")"
entry "main<" | grep -q '<del>two</del>' && ! entry "main<" | grep -q 'ONE' && ok "the main line's commit shows only its own (two → TWO)" ||
	not_ok "the main line's commit shows only its own (two → TWO)" "$(entry "main<")"
entry "Merge branch" | grep -q '<ins>ONE</ins>' && ok "the merge shows what it brought in over its first parent" ||
	not_ok "the merge shows what it brought in over its first parent" "$(entry "Merge branch")"

# A conflict settled by keeping one side's text: whichever side's edit is
# newer, the version called current is the article's text, and the merge
# that kept it is listed first with what it changed from the entry below.
for keep in ours theirs; do
	site "kept-$keep"
	git -C "$S" init -q -b main
	page "$S" leave.md "Leave" "Staff get 25 days."
	commit "2026-01-01T10:00:00+00:00" "Ann Editor" "Add leave policy"
	git -C "$S" checkout -q -b proposal
	page "$S" leave.md "Leave" "Staff get 30 days."
	[ $keep = ours ] && d1=03 d2=02 || d1=02 d2=03
	commit "2026-01-${d1}T10:00:00+00:00" "Pat Proposer" "Propose 30 days"
	git -C "$S" checkout -q main
	page "$S" leave.md "Leave" "Staff get 26 days."
	commit "2026-01-${d2}T10:00:00+00:00" "Ann Editor" "Raise to 26 days"
	GIT_AUTHOR_DATE="2026-01-04T10:00:00+00:00" GIT_COMMITTER_DATE="2026-01-04T10:00:00+00:00" \
		git -C "$S" -c user.name=Mo -c user.email=m@x merge -q proposal >/dev/null 2>&1
	git -C "$S" checkout -q --$keep content/leave.md
	git -C "$S" add content/leave.md
	GIT_AUTHOR_DATE="2026-01-04T10:00:00+00:00" GIT_COMMITTER_DATE="2026-01-04T10:00:00+00:00" \
		git -C "$S" -c user.name=Mo -c user.email=m@x commit -q --no-edit
	[ $keep = ours ] && text=26 || text=30
	run "$S" build
	status_is "a conflict settled with $keep builds" "$RC" 0
	H=$S/public/leave.history.html
	cur=$(grep -l "This is the current version" "$S"/public/leave.rev-*.html)
	if [ "$(echo "$cur" | wc -w)" = 1 ] && grep -q "Staff get $text days" "$cur"; then
		ok "kept $keep: the version called current is the article's text ($text days)"
	else
		not_ok "kept $keep: the version called current is the article's text ($text days)" "$cur"
	fi
	contains "kept $keep: the article was last updated by the merge" "$S/public/leave.html" "2026-01-04T10:00:00+00:00\">4 January 2026</time> by Mo"
	first=$(tr '\n' ' ' < "$H" | sed 's/<li class="revision"/\n&/g' | sed -n 2p)
	case $first in
	*"Merge branch"*"<ins>$text</ins>"*) ok "kept $keep: the merge heads the history, showing the text it kept" ;;
	*) not_ok "kept $keep: the merge heads the history, showing the text it kept" "$first" ;;
	esac
done

# Once an edit follows such a merge, the merge stays in the record, with
# its past version: it is what made the text the later edit started from.
S=$TMP/kept-ours
MERGE=$(git -C "$S" rev-parse HEAD | cut -c1-10)
page "$S" leave.md "Leave" "Staff get 26 days.\n\nCarry-over is five days."
commit "2026-01-05T10:00:00+00:00" "Ann Editor" "Add carry-over"
run "$S" build
H=$S/public/leave.history.html
second=$(tr '\n' ' ' < "$H" | sed 's/<li class="revision"/\n&/g' | sed -n 3p)
case $second in
*"Merge branch"*"<del>30</del>"*"<ins>26</ins>"*) ok "after a later edit, the merge that kept a side is still listed, below it" ;;
*) not_ok "after a later edit, the merge that kept a side is still listed, below it" "$second" ;;
esac
check "and its past version is still published" test -f "$S/public/leave.rev-$MERGE.html"
first=$(tr '\n' ' ' < "$H" | sed 's/<li class="revision"/\n&/g' | sed -n 2p)
case $first in
*"Add carry-over"*"<del>"*) not_ok "the later edit shows only its own change" "$first" ;;
*"Add carry-over"*) ok "the later edit shows only its own change" ;;
*) not_ok "the later edit shows only its own change" "$first" ;;
esac

# The same settled on the branch, by merging main into it and keeping
# main's text, before the branch is merged (a pull request's usual flow).
site kept-on-branch
git -C "$S" init -q -b main
page "$S" a.md "A" "base text"
commit "2026-01-01T10:00:00+00:00" "Alice Editor" "init"
git -C "$S" branch feat
page "$S" a.md "A" "main text"
commit "2026-01-02T10:00:00+00:00" "Mia Editor" "main edit"
git -C "$S" checkout -q feat
page "$S" a.md "A" "feature text"
commit "2026-01-03T10:00:00+00:00" "Fred Editor" "feature edit"
GIT_AUTHOR_DATE="2026-01-04T10:00:00+00:00" GIT_COMMITTER_DATE="2026-01-04T10:00:00+00:00" \
	git -C "$S" -c user.name="Fred Editor" -c user.email=f@x merge -q main >/dev/null 2>&1
git -C "$S" checkout -q --theirs content/a.md
commit "2026-01-04T10:00:00+00:00" "Fred Editor" "Merge branch main into feat"
git -C "$S" checkout -q main
GIT_AUTHOR_DATE="2026-01-05T10:00:00+00:00" GIT_COMMITTER_DATE="2026-01-05T10:00:00+00:00" \
	git -C "$S" -c user.name="Gina Merger" -c user.email=g@x merge -q --no-ff -m "Merge pull request" feat >/dev/null 2>&1
run "$S" build
status_is "a conflict settled on the branch builds" "$RC" 0
cur=$(grep -l "This is the current version" "$S"/public/a.rev-*.html)
if [ "$(echo "$cur" | wc -w)" = 1 ] && grep -q "main text" "$cur"; then
	ok "settled on the branch: the version called current is the article's text"
else
	not_ok "settled on the branch: the version called current is the article's text" "$cur"
fi
first=$(tr '\n' ' ' < "$S/public/a.history.html" | sed 's/<li class="revision"/\n&/g' | sed -n 2p)
case $first in
*"Merge branch main into feat"*"<ins>main</ins>"*) ok "the merge that settled it heads the history" ;;
*) not_ok "the merge that settled it heads the history" "$first" ;;
esac

# An article renamed on a branch while the main line edited it: after the
# merge its history keeps the main line's edit, and the merge is no new
# article (git merged the rename and the edit).
site renamed-on-branch
git -C "$S" init -q -b main
page "$S" leave.md "Leave" "Staff get 25 days.\n\nAsk your manager.\n\nDays do not carry over."
commit "2026-01-01T10:00:00+00:00" "Ann Editor" "Add leave policy"
git -C "$S" checkout -q -b tidy
git -C "$S" mv content/leave.md content/annual-leave.md
commit "2026-01-02T10:00:00+00:00" "Tom Editor" "Rename to annual-leave"
git -C "$S" checkout -q main
page "$S" leave.md "Leave" "Staff get 28 days.\n\nAsk your manager.\n\nDays do not carry over."
commit "2026-01-03T10:00:00+00:00" "Hana Editor" "Raise leave to 28 days"
GIT_AUTHOR_DATE="2026-01-04T10:00:00+00:00" GIT_COMMITTER_DATE="2026-01-04T10:00:00+00:00" \
	git -C "$S" -c user.name=Mo -c user.email=m@x merge -q --no-edit tidy >/dev/null 2>&1
run "$S" build
status_is "a rename merged over an edit builds" "$RC" 0
H=$S/public/annual-leave.history.html
contains "the main line's edit of the old name is in the renamed article's history" "$H" "Raise leave to 28 days"
entry "Raise leave" | grep -q '<ins>28</ins>' && ok "with its change (25 → 28)" || not_ok "with its change (25 → 28)" "$(entry "Raise leave")"
if entry "Merge branch" | grep -q 'Title added\|<ins>Ask your manager'; then
	not_ok "the merge is not shown as creating the article" "$(entry "Merge branch")"
else
	ok "the merge is not shown as creating the article"
fi
check "the old name redirects" test -f "$S/public/leave.html"

# A commit message in another encoding is converted as the commit declares
# it; bytes that are not UTF-8 anyway show as U+FFFD, and the feed stays
# well-formed XML.
site enc
git -C "$S" init -q -b main
page "$S" m.md "M" "v0"
commit "2026-01-01T00:00:00+00:00" "A B" "init"
page "$S" m.md "M" "v1"
git -C "$S" add -A
GIT_AUTHOR_DATE="2026-01-02T00:00:00+00:00" GIT_COMMITTER_DATE="2026-01-02T00:00:00+00:00" \
	git -C "$S" -c i18n.commitEncoding=ISO-8859-1 -c user.name="Ren$(printf '\351')e" -c user.email=r@x commit -q -m "$(printf 'Caf\351 rules')" >/dev/null 2>&1
page "$S" m.md "M" "v2"
git -C "$S" add -A
# git would re-encode a bad byte: the commit is written as bytes
raw_commit "A <a@b> 1767398400 +0000" 'Bad \377 byte' >/dev/null
run "$S" build
status_is "a history with a Latin-1 and a broken message builds" "$RC" 0
contains "a declared ISO-8859-1 message is converted" "$S/public/m.history.html" "Café rules"
contains "and so is its author's name" "$S/public/m.history.html" "Renée"
contains "a byte that is not UTF-8 shows as U+FFFD" "$S/public/m.history.html" "Bad � byte"
check "the Atom feed is valid UTF-8" python3 -c "import sys; open(sys.argv[1], 'rb').read().decode('utf-8')" "$S/public/changes.xml"
check "and well-formed XML" python3 -c "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])" "$S/public/changes.xml"

# A move leaves a redirect only where it can stand: not over a page quire
# writes itself, and not beside a page whose name differs only in case.
site moves
git -C "$S" init -q -b main
page "$S" Case.md "Case" "x"
page "$S" search.md "Search me" "words to keep the rename found"
commit "2026-01-01T00:00:00+00:00" "A B" "first"
git -C "$S" mv content/Case.md content/case.md
git -C "$S" mv content/search.md content/found.md
commit "2026-01-02T00:00:00+00:00" "A B" "renames"
run "$S" build
status_is "a site whose history has a case-only rename and a reserved old name builds" "$RC" 0
check "the case-only rename leaves no Case.html beside case.html" test "$(ls "$S/public" | grep -ci '^case\.html$')" = 1
contains "search.html is still the search page, not a redirect" "$S/public/search.html" 'id="search-results"'

# A NUL byte in a past version shows as U+FFFD; the text after it is kept.
site nul
git -C "$S" init -q -b main
printf -- '---\ntitle: N\n---\npara1\n\npara2 \0 rest\n\npara3\n' > "$S/content/n.md"
commit "2026-01-01T00:00:00+00:00" "A B" "with a NUL"
page "$S" n.md "N" "clean"
commit "2026-01-02T00:00:00+00:00" "A B" "clean"
run "$S" build
old=$(git -C "$S" rev-list --reverse HEAD | head -n 1 | cut -c1-10)
contains "the past version keeps the text after the NUL" "$S/public/n.rev-$old.html" "para3"
contains "and shows the NUL as U+FFFD" "$S/public/n.rev-$old.html" "para2 � rest"

# A commit whose header libgit2 cannot parse (git writes a date before 1970
# east of Greenwich as an unsigned wrap-around; an author without <email>)
# is read from its raw object with a warning: the site still builds.
site oddcommits
git -C "$S" init -q -b main
page "$S" a.md "A" "x"
commit "2026-01-01T00:00:00+00:00" "A B" "first"
page "$S" a.md "A" "y"
git -C "$S" add -A
GIT_AUTHOR_DATE="1970-01-01T00:00:00 +0100" GIT_COMMITTER_DATE="2026-01-02T00:00:00+00:00" \
	git -C "$S" -c user.name=Old -c user.email=o@x commit -q -m "before the epoch" >/dev/null 2>&1
page "$S" a.md "A" "z"
printf 'Cee Mapped <c@x>\n' > "$S/.mailmap"
git -C "$S" add -A
id=$(raw_commit "No Email 1767398400 +0000" "no email")
run "$S" build
status_is "a history with commits libgit2 cannot parse builds" "$RC" 0
contains "each is named in a warning" "$ERR" "warning: history: commit $(echo "$id" | cut -c1-10) has a header git's library cannot read"
contains "the pre-1970 commit is listed with its date" "$S/public/a.history.html" "1 January 1970, 00:00 UTC+1</time> — before the epoch"
contains "the one without an email is listed by its author" "$S/public/a.history.html" "By No Email"
contains "(and its committer, read from the raw header too, named by HEAD's .mailmap)" "$S/public/a.history.html" "By No Email, committed by Cee Mapped ·"
contains "(with its date, though it has no email)" "$S/public/a.history.html" '<time datetime="2026-01-03T00:00:00+00:00">3 January 2026'
lacks "(and its name without it)" "$S/public/a.history.html" 'By No Email 1767398400'

# Commits made in one second are listed in the order git made them.
site samesecond
git -C "$S" init -q -b main
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	page "$S" a.md "A" "version $i"
	commit "2026-01-01T00:00:00+00:00" "A B" "edit $i"
done
run "$S" build
got=$(grep -o 'edit [0-9]*' "$S/public/changes.html" | head -n 4 | tr '\n' ',')
[ "$got" = "edit 12,edit 11,edit 10,edit 9," ] && ok "recent changes of one second are newest first" ||
	not_ok "recent changes of one second are newest first" "got: $got"
run "$S" build
got=$(grep -o 'edit [0-9]*' "$S/public/changes.html" | head -n 4 | tr '\n' ',')
[ "$got" = "edit 12,edit 11,edit 10,edit 9," ] && ok "and so from the history's cache" || not_ok "and so from the history's cache" "got: $got"

# A commit with an empty message says so instead of ending in a dash.
site emptymsg
git -C "$S" init -q -b main
page "$S" a.md "A" "x"
git -C "$S" add -A
GIT_AUTHOR_DATE="2026-01-01T00:00:00+00:00" GIT_COMMITTER_DATE="2026-01-01T00:00:00+00:00" \
	git -C "$S" -c user.name=A -c user.email=a@b commit -q --allow-empty-message -m "" >/dev/null 2>&1
run "$S" build
contains "the history says there was no message" "$S/public/a.history.html" "1 January 2026</time> — (no message)</h2>"
contains "so do the recent changes" "$S/public/changes.html" "<li>(no message) <span"
# One commit that changed several articles is one entry of the recent
# changes: its message once, then the articles it changed.
page "$S" b.md "Bee" "b"
page "$S" c.md "Sea" "c"
git -C "$S" add -A
GIT_AUTHOR_DATE="2026-01-02T00:00:00+00:00" GIT_COMMITTER_DATE="2026-01-02T00:00:00+00:00" \
	git -C "$S" -c user.name=A -c user.email=a@b commit -q -m "Add two short pages" >/dev/null 2>&1
run "$S" build
check "a commit of two articles is one entry of the recent changes" [ "$(grep -o 'Add two short pages' "$S/public/changes.html" | wc -l)" = 1 ]
contains "naming both articles, each leading to the article" "$S/public/changes.html" '<li>Add two short pages <span class="meta">by A</span>: <a href="b.html">Bee</a> (<a href="b.history.html#'
contains "(the second after a comma)" "$S/public/changes.html" '<span class="visually-hidden"> in Bee</span></a>), <a href="c.html">Sea</a> (<a href="c.history.html#'
contains "and to what changed in it, saying so" "$S/public/changes.html" "(<a href=\"c.history.html#$(git -C "$S" rev-parse HEAD)\">what changed<span class=\"visually-hidden\"> in Sea</span></a>)</li>"
contains "the feed keeps an entry for each" "$S/public/changes.xml" "<title>Sea: Add two short pages</title>"

# Revisions made while an article was a draft were never published: its
# history, past versions and the recent changes leave them out, and the
# revision that published it is shown against what was published before.
site drafts
git -C "$S" init -q -b main
draft() { # BODY: the article as a draft
	printf -- '---\ntitle: Advice\ndraft: true\n---\n%b\n' "$1" > "$S/content/advice.md"
}
page "$S" other.md "Other" "Some text."
commit "2026-01-31T10:00:00+00:00" "Pat Publisher" "Add other"
draft "DRAFTWORDS one: advice nobody has checked."
commit "2026-02-01T10:00:00+00:00" "Dee Drafter" "Start drafting DRAFTSUBJECT"
draft "DRAFTWORDS two: still unchecked."
commit "2026-02-02T10:00:00+00:00" "Dee Drafter" "Draft edit DRAFTSUBJECT"
page "$S" advice.md "Advice" "Checked advice."
commit "2026-02-03T10:00:00+00:00" "Pat Publisher" "Publish the advice"
page "$S" advice.md "Advice" "Checked advice, edited."
commit "2026-02-04T10:00:00+00:00" "Pat Publisher" "Edit the advice"
draft "DRAFTWORDS three: withdrawn for review."
commit "2026-02-05T10:00:00+00:00" "Dee Drafter" "Take it down for review"
page "$S" advice.md "Advice" "Checked advice, edited again."
commit "2026-02-06T10:00:00+00:00" "Pat Publisher" "Publish again"
run "$S" build
status_is "a site whose article was once a draft builds" "$RC" 0
H=$S/public/advice.history.html
check "no draft text or message is published anywhere" sh -c "! grep -rl 'DRAFTWORDS\|DRAFTSUBJECT' '$S/public'"
contains "the article counts only its published revisions, and its taking down" "$S/public/advice.html" "4 revisions"
# A draft committed over a published version took the article off the
# site until the next published one: the record says so, with no text of
# the draft.
case $(entry "Take it down for review") in
*"the article was taken off the site (made a draft)"*) ok "the history says when the article was taken off the site" ;;
*) not_ok "the history says when the article was taken off the site" "$(entry "Take it down for review")" ;;
esac
case $(entry "Take it down for review") in
*"Read this version"*) not_ok "and has no version to read for it" ;;
*) ok "and has no version to read for it" ;;
esac
contains "the recent changes list it" "$S/public/changes.html" "Take it down for review <span"
contains "the history says drafts are not shown" "$H" "Some earlier versions are not shown: drafts, which were never published"
contains "the history lists the publishing revision" "$H" "Publish the advice"
contains "which shows the text as new" "$H" '<div class="diff-block diff-added"><ins>Checked advice.</ins></div>'
contains "republishing is shown against the version published before" "$H" "Checked advice, <del>edited.</del> <ins>edited again.</ins>"
for id in $(git -C "$S" log --format=%h --abbrev=10 --grep=DRAFTSUBJECT); do
	check "no page for draft revision $id" test ! -f "$S/public/advice.rev-$id.html"
done
pub=$(git -C "$S" log --format=%h --abbrev=10 --grep="Publish the advice")
contains "the publishing revision has its page" "$S/public/advice.rev-$pub.html" "Checked advice."
lacks "a history without drafts says nothing of them" "$S/public/other.history.html" "was a draft"
lacks "the recent changes leave the drafts out" "$S/public/changes.html" "DRAFTSUBJECT"
contains "and label the taking down" "$S/public/changes.html" "(taken off the site, later restored)"
contains "as the feed does" "$S/public/changes.xml" "<title>Advice (taken off the site, later restored): Take it down for review</title>"
# A rebuild knows the drafts without reading them and makes the same site.
cp -r "$S/public" "$TMP/drafts-first"
run "$S" build
check "a rebuild leaves drafts out as the first build did" diff -r "$TMP/drafts-first" "$S/public"
rm -rf "$S/.git/quire"
run "$S" build --force
check "and so does a build without a cache" diff -r "$TMP/drafts-first" "$S/public"
# Previewing drafts shows every revision; the next build hides them again.
run "$S" build --drafts
contains "a build with --drafts lists the draft revisions" "$S/public/advice.html" "6 revisions"
contains "and their text" "$H" "DRAFTWORDS two"
run "$S" build
check "the next build without --drafts hides them again" diff -r "$TMP/drafts-first" "$S/public"

# An address two articles were moved away from, one after the other,
# leads to the one that had it last.
site reused
git -C "$S" init -q -b main
page "$S" old.md "First holder" "The first article to live at this address."
commit "2026-01-01T00:00:00+00:00" "A B" "add"
git -C "$S" mv content/old.md content/aaa-first.md
commit "2026-01-02T00:00:00+00:00" "A B" "move the first away"
page "$S" old.md "Second holder" "Another article, later, at the same address."
commit "2026-01-03T00:00:00+00:00" "A B" "add the second"
git -C "$S" mv content/old.md content/zzz-second.md
commit "2026-01-04T00:00:00+00:00" "A B" "move the second away"
run "$S" build
status_is "a site with an address used twice builds" "$RC" 0
contains "the old address leads to the article that had it last" "$S/public/old.html" 'url=zzz-second.html'

# A version counts as published only if a build would have made it a
# page: `draft: yes` and front matter that does not parse were errors,
# never pages.  One that cannot be read is not shown either (with a
# warning): hiding guidance is better than publishing a draft.
site notpub
git -C "$S" init -q -b main
printf -- '---\ntitle: Advice\ndraft: yes\n---\nYESWORDS not published.\n' > "$S/content/advice.md"
commit "2026-03-01T10:00:00+00:00" "Dee Drafter" "Draft spelt yes"
printf -- '---\ntitle: Advice\ndraft: true\nsummary: Draft: not for staff\n---\nBADYAMLWORDS not published.\n' > "$S/content/advice.md"
commit "2026-03-02T10:00:00+00:00" "Dee Drafter" "Draft with a YAML error"
printf -- '---\ntitle: Advice\ndraft: true\n---\nLOSTWORDS not published.\n' > "$S/content/advice.md"
commit "2026-03-03T10:00:00+00:00" "Dee Drafter" "Draft whose blob goes missing"
lost=$(git -C "$S" rev-parse HEAD:content/advice.md)
page "$S" advice.md "Advice" "Published advice."
commit "2026-03-04T10:00:00+00:00" "Pat Publisher" "Publish"
rm -f "$S/.git/objects/$(echo "$lost" | cut -c1-2)/$(echo "$lost" | cut -c3-)"
run "$S" build
status_is "a history with unreadable and refused versions builds" "$RC" 0
check "no refused or unreadable version is published" sh -c "! grep -rl 'YESWORDS\|BADYAMLWORDS\|LOSTWORDS\|Dee Drafter' '$S/public'"
contains "only the published revision is counted" "$S/public/advice.html" "1 revision"
contains "the unreadable version is named in a warning" "$ERR" "content/advice.md: warning: history: 1 past version could not be read from git"

# Redirects come only from addresses staff could have used: not from a
# name only a draft had, and an old published address keeps its redirect
# when a new draft is written there.
site draftmoves
git -C "$S" init -q -b main
printf -- '---\ntitle: Dismissal\ndraft: true\n---\nText.\n' > "$S/content/dismissal-of-jane-roe.md"
commit "2026-04-01T10:00:00+00:00" "Dee Drafter" "Draft"
git -C "$S" mv content/dismissal-of-jane-roe.md content/dismissal.md
page "$S" dismissal.md "Dismissal" "Text."
commit "2026-04-02T10:00:00+00:00" "Pat Publisher" "Publish under a neutral name"
page "$S" old.md "Old" "Some guidance."
commit "2026-04-03T10:00:00+00:00" "Pat Publisher" "Add old"
git -C "$S" mv content/old.md content/new.md
commit "2026-04-04T10:00:00+00:00" "Pat Publisher" "Move old to new"
printf -- '---\ntitle: Secret\ndraft: true\n---\nText.\n' > "$S/content/old.md"
commit "2026-04-05T10:00:00+00:00" "Dee Drafter" "A new draft at the old name"
run "$S" build
status_is "a site with moves made while drafting builds" "$RC" 0
check "no redirect from a name only a draft had" test ! -e "$S/public/dismissal-of-jane-roe.html"
lacks "nor does the history name it" "$S/public/dismissal.history.html" "jane-roe"
contains "an old address with a draft at it still redirects" "$S/public/old.html" 'url=new.html'

# quire check makes the history pages of one article only (past versions
# report nothing), so a theme's history templates are still tried: one
# that cannot render fails the check as it fails the build.
printf '{{> head}}{{#revisions}}{{> revision}}{{/revisions}}{{> foot}}\n' > "$S/themes/default/templates/history.mustache"
printf '{{> revision}}\n' > "$S/themes/default/templates/revision.mustache"
run "$S" check
status_is "a history template that cannot render fails quire check" "$RC" 1
contains "naming the template" "$ERR" "themes/default/templates/history.mustache"

# A site kept in a folder of a larger repository keeps its articles'
# history when that folder is moved (git mv docs/kb kb).
R=$TMP/mono
mkdir -p "$R/docs/kb/content"
git -C "$R" init -q -b main
cp -r "$REPO/themes" "$R/docs/kb/"
printf 'title: KB\n' > "$R/docs/kb/site.yml"
printf -- '---\ntitle: Leave\n---\nVersion one.\n' > "$R/docs/kb/content/leave.md"
echo code > "$R/main.c"
S=$R
commit "2026-01-01T10:00:00+00:00" "Alice Writer" "Write the leave policy"
printf -- '---\ntitle: Leave\n---\nVersion two.\n' > "$R/docs/kb/content/leave.md"
commit "2026-01-02T10:00:00+00:00" "Bob Writer" "Leave policy v2"
git -C "$R" mv docs/kb kb
commit "2026-01-03T10:00:00+00:00" "Carol Mover" "Move the knowledge base to the top"
run "$R/kb" build -o "$TMP/mono-out"
status_is "a moved site folder builds" "$RC" 0
contains "its articles keep their history" "$TMP/mono-out/leave.history.html" "Alice Writer"
contains "and were last updated by their last edit, not by the move" "$TMP/mono-out/leave.html" "by Bob Writer"
lacks "the move is no revision of theirs" "$TMP/mono-out/leave.history.html" "Carol Mover"
# A site copied to start another (the first stays) keeps no history of
# the first: its articles begin at the copy.
S=$R
cp -r "$R/kb" "$R/kb-ie"
commit "2026-01-04T10:00:00+00:00" "Dan Copier" "Start the Irish knowledge base from the UK one"
run "$R/kb-ie" build -o "$TMP/copy-out"
status_is "a copied site folder builds" "$RC" 0
lacks "its articles do not take the first site's history" "$TMP/copy-out/leave.history.html" "Alice Writer"
contains "they begin at the copy" "$TMP/copy-out/leave.html" "by Dan Copier"

# An article git has committed in a way history does not follow (a
# symlink to another article, a file in a submodule) is not said to be
# "not yet committed".
M=$TMP/sub-shared
mkdir -p "$M"
git -C "$M" init -q -b main
printf -- '---\ntitle: Shared policy\n---\nShared text.\n' > "$M/shared.md"
git -C "$M" add -A
git -C "$M" -c user.name=A -c user.email=a@b commit -q -m shared
site linked
git -C "$S" init -q -b main
page "$S" leave.md "Leave" "Leave."
ln -s leave.md "$S/content/holiday.md"
git -C "$S" -c protocol.file.allow=always submodule add -q "file://$M" content/shared >/dev/null 2>&1
commit "2026-01-01T10:00:00+00:00" "A B" "init"
run "$S" build
status_is "a site with a symlinked article and a submodule builds" "$RC" 0
lacks "a committed symlinked article is not called uncommitted" "$S/public/holiday.html" "not yet committed"
contains "it says why it has no history" "$S/public/holiday.html" "Its file is committed as a symbolic link to another, whose changes git does not follow here: it has no history."
lacks "(an article of its own does not)" "$S/public/leave.html" "symbolic link"
check "the submodule's article is built" test -f "$S/public/shared/shared.html"
lacks "nor is an article in a submodule" "$S/public/shared/shared.html" "not yet committed"
page "$S" new.md "New" "Not committed."
run "$S" build
contains "(a new file still is)" "$S/public/new.html" "not yet committed"

# A rename staged but not yet committed (git mv) previews the article with
# its history, and the note that it has uncommitted changes; once
# committed, a rebuild matches a clean build.
site stagedmv
git -C "$S" init -q -b main
page "$S" leave.md "Leave" "Text."
commit "2026-01-01T10:00:00+00:00" "Ann Editor" "init"
run "$S" build
git -C "$S" mv content/leave.md content/annual-leave.md
run "$S" build
status_is "a staged rename builds" "$RC" 0
contains "the renamed article keeps its history" "$S/public/annual-leave.html" "by Ann Editor"
contains "and says it has uncommitted changes" "$S/public/annual-leave.html" "changes that are not committed yet"
lacks "it is not called new" "$S/public/annual-leave.html" "not yet committed, so it has no history"
check "its history page is made" test -f "$S/public/annual-leave.history.html"
commit "2026-01-02T10:00:00+00:00" "Bo Mover" "Rename leave"
run "$S" build
mv "$S/.git/quire" "$TMP/stagedmv-cache"
run "$S" build -o "$TMP/stagedmv-clean"
mv "$TMP/stagedmv-cache" "$S/.git/quire"
check "after the commit a rebuild matches a clean build" diff -r "$S/public" "$TMP/stagedmv-clean"

# A section's and the home page's own text has a history too: they say
# when they were last updated and link it, as an article does.  A section
# with no index.md (made by quire) has no history and says nothing.
site sections
git -C "$S" init -q -b main
page "$S" index.md "Test site" "Welcome."
page "$S" guide/index.md "Guide" "About the guide."
page "$S" guide/a.md "A" "Text."
page "$S" made/b.md "B" "Text."
commit "2026-02-02T10:00:00+00:00" "Ann Editor" "init"
page "$S" guide/index.md "Guide" "All about the guide."
commit "2026-02-03T10:00:00+00:00" "Bo Editor" "Reword the guide's introduction"
run "$S" build
status_is "a site with section pages in git builds" "$RC" 0
contains "a section page says when it was last updated" "$S/public/guide/index.html" "Last updated <time datetime=\"2026-02-03T10:00:00+00:00\">3 February 2026</time> by Bo Editor"
contains "and links its history" "$S/public/guide/index.html" '<a href="index.history.html">2 revisions — see what changed</a>'
check "which exists" test -f "$S/public/guide/index.history.html"
contains "the home page links its history too" "$S/public/index.html" '<a href="index.history.html">1 revision — see what changed</a>'
lacks "a section quire made has no history line" "$S/public/made/index.html" "see what changed"
lacks "nor an empty one" "$S/public/made/index.html" '<p class="meta">'
contains "the home page's title is the site's name, once" "$S/public/index.html" "<title>Test site</title>"
contains "a section's title names the site after it" "$S/public/guide/index.html" "<title>Guide – Test site</title>"

# Three edits on one day read as three different entries: each heading
# gives the time, to the second where two fall in one minute; an edit
# alone on its day shows the date only.
site sameday
git -C "$S" init -q -b main
page "$S" leave.md "Leave" "Staff get 25 days."
commit "2026-05-01T16:00:00+00:00" "Cara Counsel" "Add leave"
page "$S" leave.md "Leave" "Staff get 26 days."
commit "2026-05-04T09:05:00+01:00" "Dev Patel" "Raise leave"
page "$S" leave.md "Leave" "Staff get 27 days."
commit "2026-05-04T14:30:10+01:00" "Dev Patel" "Raise leave again"
page "$S" leave.md "Leave" "Staff get 28 days."
commit "2026-05-04T14:30:50+01:00" "Dev Patel" "Raise leave once more"
run "$S" build
H=$S/public/leave.history.html
contains "an edit alone on its day shows the date only" "$H" '">1 May 2026</time> — Add leave'
contains "an edit sharing its day shows the time" "$H" '">4 May 2026, 09:05 UTC+1</time> — Raise leave<'
contains "edits in one minute show the second" "$H" '">4 May 2026, 14:30:10 UTC+1</time> — Raise leave again'
contains "and so does the other" "$H" '">4 May 2026, 14:30:50 UTC+1</time> — Raise leave once more'
third=$(git -C "$S" rev-list -n 1 HEAD~1 | cut -c1-10)
contains "a past version sharing its day gives the time in its title" "$S/public/leave.rev-$third.html" \
	"<title>Past version (4 May 2026, 14:30:10 UTC+1) of Leave – Test site</title>"
contains "and in its banner" "$S/public/leave.rev-$third.html" '">4 May 2026, 14:30:10 UTC+1</time></strong>'
first=$(git -C "$S" rev-list --reverse HEAD | head -n 1 | cut -c1-10)
contains "a past version alone on its day does not" "$S/public/leave.rev-$first.html" "<title>Past version (1 May 2026) of Leave – Test site</title>"

# A version committed with a merge conflict in it (the pre-commit hook
# skipped) would have failed any build: it was never published, so it is
# not a past version, as a draft's is not; --drafts shows what it was.
site conflicted
git -C "$S" init -q -b main
page "$S" pay.md "Pay" "Pay is reviewed each April."
commit "2026-03-01T10:00:00+00:00" "Ann Editor" "Add pay"
printf -- '---\ntitle: Pay\n---\n<<<<<<< HEAD\nPay is reviewed each April.\n=======\nPay is reviewed each May.\n>>>>>>> other\n' > "$S/content/pay.md"
commit "2026-03-02T10:00:00+00:00" "Bo Merger" "Merge the May change"
BAD=$(git -C "$S" rev-parse HEAD | cut -c1-10)
page "$S" pay.md "Pay" "Pay is reviewed each May."
commit "2026-03-03T10:00:00+00:00" "Ann Editor" "Settle the conflict"
run "$S" build
status_is "a history with a conflicted version builds" "$RC" 0
check "the conflicted version has no page" test ! -e "$S/public/pay.rev-$BAD.html"
lacks "nor a line in the history" "$S/public/pay.history.html" "Merge the May change"
check "no page shows its conflict marks" sh -c "! grep -rl '&lt;&lt;&lt;&lt;&lt;&lt;&lt; HEAD' '$S/public'"
run "$S" build --drafts -o "$TMP/conflicted-drafts"
check "--drafts shows it" test -f "$TMP/conflicted-drafts/pay.rev-$BAD.html"

# A file moved into content/ from a folder that stays (git mv wiki/leave.md
# content/) keeps the history it had there: its earlier revisions, what
# each changed, and where it was then.
R=$TMP/movein
mkdir -p "$R/content" "$R/wiki"
git -C "$R" init -q -b main
cp -r "$REPO/themes" "$R/"
printf 'title: KB\n' > "$R/site.yml"
printf -- '---\ntitle: Home\n---\nHi.\n' > "$R/content/index.md"
para="Staff may take their leave at any time of year, with notice.\n\nCarry-over is allowed for five days.\n"
printf -- "---\ntitle: Leave\n---\nVersion one.\n\n$para" > "$R/wiki/leave.md"
echo "The wiki's front page." > "$R/wiki/Home.md"
S=$R
commit "2026-01-01T10:00:00+00:00" "Alice Wiki" "Wiki: write the leave page"
printf -- "---\ntitle: Leave\n---\nVersion two.\n\n$para" > "$R/wiki/leave.md"
commit "2026-01-02T10:00:00+00:00" "Bob Wiki" "Wiki: leave v2"
git -C "$R" mv wiki/leave.md content/leave.md
commit "2026-01-03T10:00:00+00:00" "Carol Mover" "Move the leave page into the site"
printf -- "---\ntitle: Leave\n---\nVersion three.\n\n$para" > "$R/content/leave.md"
commit "2026-01-04T10:00:00+00:00" "Dan Editor" "Leave v3"
run "$R" build -o "$TMP/movein-out"
status_is "a site with an article moved in from a folder that stays builds" "$RC" 0
H=$TMP/movein-out/leave.history.html
contains "the article keeps the revisions made before the move" "$H" "Alice Wiki"
contains "every one of them" "$H" "Wiki: leave v2"
contains "the move says where the file came from" "$H" "moved into the site from <code>wiki/leave.md</code>"
contains "a revision from before says where the file was then" "$H" "made before the file moved into the site, at <code>wiki/leave.md</code>"
contains "a revision from before shows what it changed" "$H" "<del>one.</del>"
BOB=$(git -C "$R" rev-parse HEAD~2 | cut -c1-10)
contains "its past version reads as it did then" "$TMP/movein-out/leave.rev-$BOB.html" "Version two."
check "the old place gets no redirect page" sh -c "! find '$TMP/movein-out' -path '$TMP/movein-out/*wiki*' | grep -q ."
run "$R" build -o "$TMP/movein-again"
check "a rebuild with the history from its cache is the same" diff -r "$TMP/movein-out" "$TMP/movein-again"

# Moved with its front matter added in the same commit (a wiki page has
# none): the move is found by its text.  Versions without front matter
# were never articles of this site, so they are not published; --drafts
# shows them.
printf -- "Wiki page on pay. Pay is reviewed each April by the committee.\n\nArrears are paid in the next month.\n" > "$R/wiki/Pay.md"
commit "2026-01-05T10:00:00+00:00" "Alice Wiki" "Wiki: pay page"
git -C "$R" rm -q wiki/Pay.md
printf -- "---\ntitle: Pay\n---\nWiki page on pay. Pay is reviewed each April by the committee.\n\nArrears are paid in the next month.\n" > "$R/content/pay.md"
commit "2026-01-06T10:00:00+00:00" "Carol Mover" "Move pay into the site, with front matter"
run "$R" build -o "$TMP/movein-out"
H=$TMP/movein-out/pay.history.html
contains "a version without front matter is not shown" "$H" "Some earlier versions are not shown"
lacks "nor who made it" "$H" "Alice Wiki"
run "$R" build --drafts -o "$TMP/movein-drafts"
contains "--drafts shows the page's history before the move, found by its text" "$TMP/movein-drafts/pay.history.html" "Alice Wiki"
contains "and names where it was" "$TMP/movein-drafts/pay.history.html" "moved into the site from <code>wiki/Pay.md</code>"

# A file copied in, its original kept, starts its history at the copy.
printf -- "---\ntitle: Sick pay\n---\nSick pay follows the statutory scheme.\n" > "$R/wiki/sick.md"
commit "2026-01-07T10:00:00+00:00" "Alice Wiki" "Wiki: sick pay"
cp "$R/wiki/sick.md" "$R/content/sick.md"
commit "2026-01-08T10:00:00+00:00" "Erin Copier" "Copy sick pay into the site"
run "$R" build -o "$TMP/movein-out"
lacks "a copy does not take the original's history" "$TMP/movein-out/sick.history.html" "Alice Wiki"
contains "it begins at the copy" "$TMP/movein-out/sick.history.html" "Erin Copier"

# A site in a folder of the repository: the file is followed from the
# repository's top, through a rename there, and named relative to the site.
R=$TMP/movein-mono
mkdir -p "$R/docs/kb/content" "$R/wiki"
git -C "$R" init -q -b main
cp -r "$REPO/themes" "$R/docs/kb/"
printf 'title: KB\n' > "$R/docs/kb/site.yml"
printf -- '---\ntitle: Home\n---\nHi.\n' > "$R/docs/kb/content/index.md"
printf -- "---\ntitle: Leave\n---\n$para" > "$R/wiki/holiday.md"
S=$R
commit "2026-01-01T10:00:00+00:00" "Alice Wiki" "Wiki: holiday page"
git -C "$R" mv wiki/holiday.md wiki/leave.md
commit "2026-01-02T10:00:00+00:00" "Bob Wiki" "Rename holiday to leave"
git -C "$R" mv wiki/leave.md docs/kb/content/leave.md
commit "2026-01-03T10:00:00+00:00" "Carol Mover" "Move leave into the knowledge base"
run "$R/docs/kb" build -o "$TMP/movein-mono-out"
H=$TMP/movein-mono-out/leave.history.html
contains "a site in a folder follows a file from the repository's top" "$H" "moved into the site from <code>../../wiki/leave.md</code>"
contains "through a rename made there" "$H" "Alice Wiki"
contains "naming where it was before that" "$H" "at <code>../../wiki/holiday.md</code>"

# The move made on a branch and merged: listed once, by the branch's commit.
R=$TMP/movein-merge
mkdir -p "$R/content" "$R/wiki"
git -C "$R" init -q -b main
cp -r "$REPO/themes" "$R/"
printf 'title: KB\n' > "$R/site.yml"
printf -- "---\ntitle: Leave\n---\n$para" > "$R/wiki/leave.md"
echo "The wiki's front page." > "$R/wiki/Home.md"
S=$R
commit "2026-01-01T10:00:00+00:00" "Alice Wiki" "Wiki: leave page"
git -C "$R" checkout -q -b move
git -C "$R" mv wiki/leave.md content/leave.md
commit "2026-01-02T10:00:00+00:00" "Carol Mover" "Move leave into the site"
git -C "$R" checkout -q main
mkdir -p "$R/content"
printf -- '---\ntitle: Home\n---\nHi.\n' > "$R/content/index.md"
commit "2026-01-03T10:00:00+00:00" "Dan Editor" "Add a home page"
GIT_AUTHOR_DATE="2026-01-04T10:00:00+00:00" GIT_COMMITTER_DATE="2026-01-04T10:00:00+00:00" \
	git -C "$R" -c user.name="Mel Merger" -c user.email=m@example.org merge -q --no-ff move -m "Merge the move" >/dev/null
run "$R" build -o "$TMP/movein-merge-out"
H=$TMP/movein-merge-out/leave.history.html
contains "a move merged from a branch keeps the history" "$H" "Alice Wiki"
contains "credited to the branch's commit" "$H" "Carol Mover"
lacks "not to the merge" "$H" "By Mel Merger"

# What the page never shows is not published in its history either: an
# editor's HTML comment, and (raw HTML off, the default) an HTML block.
site hiddenhtml
git -C "$S" init -q -b main
page "$S" pol.md "Policy" "Public text."
commit "2026-03-01T10:00:00+00:00" "Ann Editor" "v1"
printf -- '\n<!-- internal: approved by X, privileged -->\n\n<div class="note">PRIVILEGED: counsel advice on case 42</div>\n\nSee <span title="x">INLINE</span> here.\n' >> "$S/content/pol.md"
commit "2026-03-02T10:00:00+00:00" "Bo Editor" "v2"
run "$S" build
H=$S/public/pol.history.html
lacks "an HTML comment is not in the history" "$H" "privileged"
lacks "nor an HTML block the page leaves out" "$H" "PRIVILEGED"
lacks "nor a tag's markup" "$H" "title=&quot;x"
contains "the text a reader sees is" "$H" "See INLINE here."
printf 'title: Test site\nmarkdown:\n  unsafe_html: true\n' > "$S/site.yml"
run "$S" build
contains "with raw HTML on, the block's text is shown as the page shows it" "$H" "PRIVILEGED: counsel advice on case 42"
lacks "the comment still is not" "$H" "privileged"

# A past version shows that version's summary and tags, and describes
# itself with its own summary, not today's.
site pastmeta
git -C "$S" init -q -b main
printf -- '---\ntitle: Pay\nsummary: Applies to all staff.\ntags: [pay, everyone]\n---\nPay is reviewed in April.\n' > "$S/content/pay.md"
commit "2026-03-01T10:00:00+00:00" "Ann Editor" "v1"
V1=$(git -C "$S" rev-parse HEAD | cut -c1-10)
printf -- '---\ntitle: Pay\nsummary: Applies to managers only.\ntags: [pay, managers]\n---\nPay is reviewed in May.\n' > "$S/content/pay.md"
commit "2026-03-02T10:00:00+00:00" "Bo Editor" "v2"
run "$S" build
P=$S/public/pay.rev-$V1.html
contains "a past version shows its own summary" "$P" '<p class="lede">Applies to all staff.</p>'
contains "and describes itself with it" "$P" '<meta name="description" content="Applies to all staff.">'
lacks "not today's" "$P" "managers only"
contains "it lists its own tags" "$P" "<li>everyone</li>"
lacks "not today's tags" "$P" ">managers<"
run "$S" build -o "$TMP/pastmeta-again"
rm -rf "$S/.git/quire"
run "$S" build -o "$TMP/pastmeta-clean"
check "made from the build cache, it is the same as made afresh" diff -r "$TMP/pastmeta-again" "$TMP/pastmeta-clean"

# A moved article keeps its history's and past versions' addresses (each
# leads to the page now), and its feed entries keep their ids.
site movedrev
git -C "$S" init -q -b main
page "$S" hr/conduct.md "Conduct" "Be honest in all dealings with clients.\n\nKeep client information confidential."
commit "2026-04-01T09:00:00+00:00" "Ann Editor" "v1"
V1=$(git -C "$S" rev-parse HEAD | cut -c1-10)
V1FULL=$(git -C "$S" rev-parse HEAD)
run "$S" build -o "$TMP/movedrev-before"
contains "(before the move, the feed names the article where it is)" "$TMP/movedrev-before/changes.xml" "<id>urn:quire:$V1FULL:hr/conduct</id>"
mkdir -p "$S/content/legal"
git -C "$S" mv content/hr/conduct.md content/legal/conduct.md
commit "2026-04-02T09:00:00+00:00" "Bo Mover" "Move to legal"
run "$S" build
contains "the old history address leads to the history now" "$S/public/hr/conduct.history.html" "url=../legal/conduct.history.html"
contains "a past version's old address leads to it now" "$S/public/hr/conduct.rev-$V1.html" "url=../legal/conduct.rev-$V1.html"
check "the past version is there" test -f "$S/public/legal/conduct.rev-$V1.html"
M=$(git -C "$S" rev-parse HEAD | cut -c1-10)
check "no old address for a version made after the move" test ! -e "$S/public/hr/conduct.rev-$M.html"
contains "an entry's feed id is the one it had before the move" "$S/public/changes.xml" "<id>urn:quire:$V1FULL:hr/conduct</id>"

# Times say their zone: two edits of one day made in different zones read
# in order.  Recent changes are headed by day, in order, and list the
# commits that landed last, whatever dates they carry (a rebase keeps the
# date a change was written).
site zones
git -C "$S" init -q -b main
page "$S" pol.md "Policy" "Limit is 10."
commit "2026-03-03T09:00:00+09:00" "Tokyo Editor" "Tokyo edit"
page "$S" pol.md "Policy" "Limit is 20."
commit "2026-03-03T08:00:00+00:00" "London Editor" "London edit"
page "$S" pol.md "Policy" "Limit is 30."
commit "2026-03-05T00:10:00+01:00" "Paris Editor" "Paris edit"
page "$S" pol.md "Policy" "Limit is 40."
commit "2026-03-04T20:00:00-03:30" "StJohns Editor" "St John's edit"
run "$S" build
H=$S/public/pol.history.html
contains "a time names its zone" "$H" "3 March 2026, 09:00 UTC+9</time> — Tokyo edit"
contains "and UTC is named too" "$H" "3 March 2026, 08:00 UTC</time> — London edit"
contains "an edit listed above one dated later (made later, further west) gives its time" "$H" "4 March 2026, 20:00 UTC-3:30</time> — St John"
contains "and so does that one" "$H" "5 March 2026, 00:10 UTC+1</time> — Paris edit"
# St John's edit landed last (after Paris's, dated a day later but made
# twenty minutes earlier): it is listed first, under its own day.
order=$(grep -o '<h2>[^<]*</h2>' "$S/public/changes.html" | sed 's/<[^>]*>//g' | tr '\n' '|')
case $order in
"4 March 2026|5 March 2026|3 March 2026|") ok "recent changes are in the order they landed, each under its own day" ;;
*) not_ok "recent changes are in the order they landed, each under its own day" "$order" ;;
esac
for i in $(seq 1 101); do
	page "$S" pol.md "Policy" "Limit is $((100 + i))."
	commit "2026-04-01T$(printf '%02d' $((i / 60))):$(printf '%02d' $((i % 60))):00+00:00" "Ann Editor" "edit $i"
done
page "$S" gifts.md "Gifts" "No gifts over 10 GBP."
git -C "$S" add -A
GIT_AUTHOR_DATE=2026-01-05T09:00:00+00:00 GIT_COMMITTER_DATE=2026-05-01T09:00:00+00:00 \
	git -C "$S" -c user.name="Bob Rebaser" -c user.email=b@x commit -q -m "Add gifts rule (rebased)"
run "$S" build
contains "the commit that landed last is in the recent changes, though dated earlier" "$S/public/changes.html" "Add gifts rule (rebased)"
contains "and in the feed" "$S/public/changes.xml" "Add gifts rule (rebased)"
# Written on 5 January, committed (rebased) on 1 May: it became the
# guidance on 1 May, and every page dates it so.
first_day=$(grep -o '<h2>[^<]*</h2>' "$S/public/changes.html" | head -n 1)
status_is "the recent changes list it under the day it was committed" "$first_day" "<h2>1 May 2026</h2>"
contains "the article says it was last updated then" "$S/public/gifts.html" 'Last updated <time datetime="2026-05-01T09:00:00+00:00">1 May 2026</time> by Bob Rebaser'
contains "its history gives the day it was written, and when it was committed" "$S/public/gifts.history.html" \
	'5 January 2026</time> — Add gifts rule (rebased)'
contains "(committed)" "$S/public/gifts.history.html" 'committed on <time datetime="2026-05-01T09:00:00+00:00">1 May 2026</time>, when it became part of the guidance'
lacks "a commit made the day it was written says nothing of it" "$S/public/pol.history.html" "when it became part of the guidance"
lacks "the oldest of the newer edits is not (100 are listed)" "$S/public/changes.html" "edit 2<"

# An edit made on a branch says so, and from when it was part of the
# guidance: the merge that brought it onto the main line.  Main-line
# edits do not.
site branchnote
git -C "$S" init -q -b main
page "$S" pol.md "Policy" "Alpha one.\n\nBeta one.\n\nGamma one."
commit "2026-03-01T09:00:00+00:00" "Ann Editor" "v1"
git -C "$S" checkout -q -b br
page "$S" pol.md "Policy" "Alpha one.\n\nBeta one.\n\nGamma two."
commit "2026-03-02T09:00:00+00:00" "Eve Brancher" "branch: gamma two"
EVE=$(git -C "$S" rev-parse HEAD | cut -c1-10)
git -C "$S" checkout -q main
page "$S" pol.md "Policy" "Alpha two.\n\nBeta one.\n\nGamma one."
commit "2026-03-03T09:00:00+00:00" "Frank Main" "main: alpha two"
FRANK=$(git -C "$S" rev-parse HEAD | cut -c1-10)
GIT_AUTHOR_DATE=2026-03-10T09:00:00+00:00 GIT_COMMITTER_DATE=2026-03-10T09:00:00+00:00 \
	git -C "$S" -c user.name="Mel Merger" -c user.email=m@x merge -q --no-ff br -m "Merge br" >/dev/null 2>&1
MERGE=$(git -C "$S" rev-parse HEAD | cut -c1-10)
run "$S" build
H=$S/public/pol.history.html
entry() { tr '\n' ' ' < "$H" | sed 's/<li class="revision"/\n&/g' | grep -F "$1"; }
case $(entry "branch: gamma two") in
*"made on a branch, and part of the guidance from the merge of <time datetime=\"2026-03-10T09:00:00+00:00\">10 March 2026</time> by Mel Merger (revision <code>$MERGE</code>)"*)
	ok "a branch's edit says when it joined the guidance, and who merged it" ;;
*) not_ok "a branch's edit says when it joined the guidance, and who merged it" "$(entry "branch: gamma two")" ;;
esac
case $(entry "main: alpha two") in
*"made on a branch"*) not_ok "a main-line edit does not say so" ;;
*) ok "a main-line edit does not say so" ;;
esac
contains "its past version says the guidance did not read so before the merge" "$S/public/pol.rev-$EVE.html" "It was made on a branch: the guidance did not read like this before the merge of"
lacks "a main-line past version does not" "$S/public/pol.rev-$FRANK.html" "made on a branch"
rm -rf "$S/.git/quire"
run "$S" build -o "$TMP/branchnote-clean"
run "$S" build -o "$TMP/branchnote-cached"
check "read from the history cache, the same" diff -r "$TMP/branchnote-clean" "$TMP/branchnote-cached"

# A moved article's past versions read their links from the folder they
# were written in: a picture and an article beside the old place still show.
site movedlinks
git -C "$S" init -q -b main
mkdir -p "$S/content/hr" "$S/content/legal"
page "$S" hr/conduct.md "Conduct" "Be nice. ![Org chart](chart.png) See [pay](pay.md)."
page "$S" hr/pay.md "Pay" "Pay."
printf 'PNG-1' > "$S/content/hr/chart.png"
commit "2026-04-01T09:00:00+00:00" "Ann Editor" "v1"
V1=$(git -C "$S" rev-parse HEAD | cut -c1-10)
git -C "$S" mv content/hr/conduct.md content/legal/conduct.md
commit "2026-04-02T09:00:00+00:00" "Bo Mover" "Move to legal, links unchanged"
MV=$(git -C "$S" rev-parse HEAD | cut -c1-10)
page "$S" legal/conduct.md "Conduct" "Be nice. ![Org chart](../hr/chart.png) See [pay](../hr/pay.md)."
commit "2026-04-03T09:00:00+00:00" "Bo Mover" "Mend the links"
run "$S" build
CB=$(git -C "$S" rev-parse HEAD:content/hr/chart.png | cut -c1-10)
contains "a version written in the old folder shows its picture" "$S/public/legal/conduct.rev-$V1.html" "<img src=\"../_versions/$CB/chart.png\" alt=\"Org chart\" />"
contains "and links the article beside it then" "$S/public/legal/conduct.rev-$V1.html" '<a href="../hr/pay.html">pay</a>'
lacks "the version moved with its links unmended reads them from its new folder" "$S/public/legal/conduct.rev-$MV.html" "chart.png"
run "$S" build -o "$TMP/movedlinks-again"
rm -rf "$S/.git/quire"
run "$S" build -o "$TMP/movedlinks-clean"
check "from the cache, the same as afresh" diff -r "$TMP/movedlinks-again" "$TMP/movedlinks-clean"

# A whole wiki moved in at once, each page given front matter in the same
# commit (120 pages: past the 100 a side git's old rename limit allowed),
# keeps each page's history.
R=$TMP/movein-many
mkdir -p "$R/content" "$R/wiki"
git -C "$R" init -q -b main
cp -r "$REPO/themes" "$R/"
printf 'title: KB\n' > "$R/site.yml"
printf -- '---\ntitle: Home\n---\nHi.\n' > "$R/content/index.md"
for i in $(seq 1 120); do
	printf -- "---\ntitle: Page $i\n---\nPage $i says what staff on grade $i may do.\n\nIt was written for the wiki, page $i.\n\nA third paragraph for page $i.\n" > "$R/wiki/p$i.md"
done
echo keep > "$R/wiki/Home.txt"
S=$R
commit "2026-01-01T10:00:00+00:00" "Alice Wiki" "Wiki pages"
for i in $(seq 1 120); do
	git -C "$R" rm -q "wiki/p$i.md"
	printf -- "---\ntitle: Page $i\nsummary: Grade $i.\n---\nPage $i says what staff on grade $i may do.\n\nIt was written for the wiki, page $i.\n\nA third paragraph for page $i.\n" > "$R/content/p$i.md"
done
commit "2026-01-02T10:00:00+00:00" "Carol Mover" "Move the wiki in, with summaries"
run "$R" build -o "$TMP/movein-many-out"
contains "the 120th page moved in with an edit keeps its history" "$TMP/movein-many-out/p120.history.html" "Alice Wiki"
contains "and says where it came from" "$TMP/movein-many-out/p7.history.html" "moved into the site from <code>wiki/p7.md</code>"

# A folder moved whole: its section page's old address leads to the new
# folder's, nested folders too (a section is bookmarked as an article is).
site fmove
git -C "$S" init -q -b main
page "$S" index.md "Home" "Welcome."
page "$S" hr-leave/a.md "A" "A."
page "$S" hr-leave/forms/f.md "F" "F."
commit "2026-01-10T09:00:00+00:00" "Ann Archer" "First"
git -C "$S" mv content/hr-leave content/leave
commit "2026-01-11T09:00:00+00:00" "Ann Archer" "Rename the folder"
run "$S" build
contains "a folder moved whole: its old section address leads to the new one" "$S/public/hr-leave/index.html" 'url=../leave/index.html'
contains "(a folder inside it too)" "$S/public/hr-leave/forms/index.html" 'url=../../leave/forms/index.html'
contains "(its articles' old addresses as before)" "$S/public/hr-leave/a.html" 'url=../leave/a.html'

# A past version's links to its own headings and footnotes find them in
# that version, not in today's text.
site ownanchors
git -C "$S" init -q -b main
page "$S" a.md "A" "## Booking\n\nSee [[#booking]] and [booking](#booking) and a note[^n].\n\n[^n]: The note."
commit "2026-05-01T09:00:00+00:00" "Ann Archer" "First"
V1=$(git -C "$S" rev-parse HEAD | cut -c1-10)
page "$S" a.md "A" "## Booking leave\n\nSee [[#booking-leave]]."
commit "2026-05-02T09:00:00+00:00" "Ann Archer" "Rename the heading"
run "$S" build
R=$S/public/a.rev-$V1.html
contains "a past version's wiki link to its own heading leads there" "$R" '<a href="#booking">Booking</a>'
contains "and so does its Markdown link" "$R" '<a href="#booking">booking</a>'
contains "and its footnote reference" "$R" 'href="#fn-n"'
run "$S" build -o "$TMP/ownanchors-clean"
check "(a rebuild from the cache writes the same version)" cmp "$R" "$TMP/ownanchors-clean/a.rev-$V1.html"
page "$S" other.md "Other" "See [[A]]."
commit "2026-05-03T09:00:00+00:00" "Ann Archer" "Other"
page "$S" a.md "Alpha" "## Booking leave\n\nSee [[#booking-leave]]."
commit "2026-05-04T09:00:00+00:00" "Ann Archer" "Retitle"
run "$S" build
contains "(and after another page's title edit)" "$R" '<a href="#booking">Booking</a>'

# An article made after a version was committed is not what its link
# meant: a link to a name an article had then leads to that article under
# its new name, and one to an article nobody had written yet is text.
site notyet
git -C "$S" init -q -b main
page "$S" rules.md "Rules 2019" "The old rules."
page "$S" x.md "X" "Read [the current rules](rules.md) and [[Data policy]] and [[retention]]."
commit "2026-06-01T09:00:00+00:00" "Ann Archer" "First"
V1=$(git -C "$S" rev-parse HEAD | cut -c1-10)
git -C "$S" mv content/rules.md content/rules-2019.md
commit "2026-06-02T09:00:00+00:00" "Ann Archer" "Keep the 2019 rules under their year"
page "$S" rules.md "Cookie rules" "Unrelated."
page "$S" data.md "Data policy" "Written later."
page "$S" archive/retention.md "Retention archive" "Written later."
commit "2026-06-03T09:00:00+00:00" "Ann Archer" "New pages"
page "$S" x.md "X" "Read [the current rules](rules-2019.md) and [[Data policy]] and [[retention]]."
commit "2026-06-04T09:00:00+00:00" "Ann Archer" "Mend the link"
run "$S" build
R=$S/public/x.rev-$V1.html
contains "a past version's link leads to the article that had the name then" "$R" '<a href="rules-2019.html">the current rules</a>'
lacks "not to the one given that name since" "$R" 'href="rules.html"'
lacks "a wiki link to a title first written later is text" "$R" 'href="data.html"'
lacks "and one to a file name first used later" "$R" 'href="archive/retention.html"'
contains "(the newest version links all three)" "$S/public/x.html" 'href="data.html"'
run "$S" build -o "$TMP/notyet-clean"
check "(a rebuild from the cache writes the same version)" cmp "$R" "$TMP/notyet-clean/x.rev-$V1.html"

# Edits a branch made and undid before its merge, or that a merge left
# out (git merge -s ours), never were the guidance: their entries say so,
# and the recent changes and the feed leave them out.
site dropped
git -C "$S" init -q -b main
page "$S" pol.md "Policy" "Leave is two days."
commit "2026-03-01T09:00:00+00:00" "Ann Editor" "v1"
git -C "$S" checkout -q -b br
page "$S" pol.md "Policy" "Leave is five days."
commit "2026-03-02T09:00:00+00:00" "Eve Brancher" "Try five days"
FIVE=$(git -C "$S" rev-parse HEAD | cut -c1-10)
page "$S" pol.md "Policy" "Leave is two days."
commit "2026-03-03T09:00:00+00:00" "Eve Brancher" "Back to two days"
git -C "$S" checkout -q main
GIT_AUTHOR_DATE=2026-03-10T09:00:00+00:00 GIT_COMMITTER_DATE=2026-03-10T09:00:00+00:00 \
	git -C "$S" -c user.name="Mel Merger" -c user.email=m@x merge -q --no-ff br -m "Merge br" >/dev/null 2>&1
git -C "$S" checkout -q -b br2
page "$S" pol.md "Policy" "Leave is two days. REJECTED EDIT."
commit "2026-03-11T09:00:00+00:00" "Eve Brancher" "A rejected edit"
REJ=$(git -C "$S" rev-parse HEAD | cut -c1-10)
git -C "$S" checkout -q main
GIT_AUTHOR_DATE=2026-03-12T09:00:00+00:00 GIT_COMMITTER_DATE=2026-03-12T09:00:00+00:00 \
	git -C "$S" -c user.name="Mel Merger" -c user.email=m@x merge -q --no-ff -s ours br2 -m "Merge br2, keeping ours" >/dev/null 2>&1
run "$S" build
H=$S/public/pol.history.html
case $(entry "Try five days") in
*"made on a branch; the merge of <time datetime=\"2026-03-10T09:00:00+00:00\">10 March 2026</time>"*"brought no change to the article"*)
	ok "an edit a branch undid before its merge was never the guidance" ;;
*) not_ok "an edit a branch undid before its merge was never the guidance" "$(entry "Try five days")" ;;
esac
case $(entry "A rejected edit") in
*"brought no change to the article"*) ok "nor was an edit the merge left out (-s ours)" ;;
*) not_ok "nor was an edit the merge left out (-s ours)" "$(entry "A rejected edit")" ;;
esac
contains "its past version says the merge brought no change" "$S/public/pol.rev-$REJ.html" "It was made on a branch, and the merge of"
lacks "and does not say it read so from the merge" "$S/public/pol.rev-$REJ.html" "did not read like this before the merge"
lacks "the recent changes leave out an edit that never was the guidance" "$S/public/changes.html" "A rejected edit"
lacks "(nor the undone one)" "$S/public/changes.html" "Try five days"
lacks "and so does the feed" "$S/public/changes.xml" "A rejected edit"
contains "(the article's first version is listed)" "$S/public/changes.html" "v1"
rm -rf "$S/.git/quire"
run "$S" build -o "$TMP/dropped-clean"
run "$S" build -o "$TMP/dropped-cached"
check "read from the history cache, the same" diff -r "$TMP/dropped-clean" "$TMP/dropped-cached"

# A version that broke the build (front matter that does not parse)
# changed nothing staff saw: it is no taking down.  A draft committed over
# the published article, then its deletion, withdrew it when the draft
# took it off the site.
site takedown
git -C "$S" init -q -b main
page "$S" other.md "Other" "Other text."
page "$S" rule.md "Rule" "Rule one."
commit "2026-04-01T09:00:00+00:00" "Ann Archer" "Publish the rule"
printf -- '---\ntitle: [Rule\n---\nRule one, broken.\n' > "$S/content/rule.md"
commit "2026-04-02T09:00:00+00:00" "Ann Archer" "Break the front matter"
page "$S" rule.md "Rule" "Rule one, mended."
commit "2026-04-03T09:00:00+00:00" "Ann Archer" "Mend it"
printf -- '---\ntitle: Rule\ndraft: true\n---\nRule one, under review.\n' > "$S/content/rule.md"
commit "2026-04-04T09:00:00+00:00" "Bo Brown" "Take the rule down"
git -C "$S" rm -q content/rule.md
commit "2026-04-05T09:00:00+00:00" "Bo Brown" "Delete the rule"
run "$S" build
status_is "a site whose article was taken down, then deleted, builds" "$RC" 0
H=$S/public/rule.history.html
lacks "a broken version is no taking down" "$H" "Break the front matter"
contains "the taking down is in the history" "$H" "the article was taken off the site (made a draft)"
contains "its address says it was withdrawn when it was taken down" "$S/public/rule.html" "withdrawn on <time datetime=\"2026-04-04T09:00:00+00:00\">4 April 2026</time>"
mended=$(git -C "$S" log --format=%h --abbrev=10 --grep="Mend it")
contains "and leads to the version staff last read" "$S/public/rule.html" "rule.rev-$mended.html"
lacks "no text of the draft is published" "$S/public/rule.history.html" "under review"
check "(nowhere)" sh -c "! grep -rl 'under review' '$S/public'"

# A past version's wiki link shows its article by the title it had when
# the version was committed: what staff read then.
site titlethen
git -C "$S" init -q -b main
page "$S" leave.md "Leave is 25 days" "Leave."
page "$S" a.md "A" "Read [[leave]] first, or [[leave|the leave page]]."
page "$S" b.md "B" "See [[leave]]."
commit "2026-07-01T09:00:00+00:00" "Ann Archer" "First"
V1=$(git -C "$S" rev-parse HEAD | cut -c1-10)
page "$S" leave.md "Leave is 28 days" "Leave."
commit "2026-07-02T09:00:00+00:00" "Ann Archer" "More leave"
page "$S" a.md "A" "Read [[leave]] first, or [[leave|the leave page]], today."
commit "2026-07-03T09:00:00+00:00" "Ann Archer" "Edit A"
V3=$(git -C "$S" rev-parse HEAD | cut -c1-10)
run "$S" build
contains "a past version's wiki link shows the title its article had then" "$S/public/a.rev-$V1.html" '<a href="leave.html">Leave is 25 days</a>'
contains "(a link with its own text keeps it)" "$S/public/a.rev-$V1.html" '<a href="leave.html">the leave page</a>'
contains "a newer version shows the newer title" "$S/public/a.rev-$V3.html" '<a href="leave.html">Leave is 28 days</a>'
contains "a version whose text is today's shows the title of then too" "$S/public/b.rev-$V1.html" '<a href="leave.html">Leave is 25 days</a>'
contains "the feed titles each entry as its article was titled then" "$S/public/changes.xml" "<title>Leave is 25 days: First</title>"
contains "(the newer one by the newer title)" "$S/public/changes.xml" "<title>Leave is 28 days: More leave</title>"
contains "and so do the recent changes" "$S/public/changes.html" ">Leave is 25 days</a>"
contains "(while the article shows today's)" "$S/public/b.html" '<a href="leave.html">Leave is 28 days</a>'
page "$S" leave.md "Leave is 30 days" "Leave."
run "$S" build
contains "an uncommitted title edit leaves the past as it was" "$S/public/a.rev-$V1.html" '<a href="leave.html">Leave is 25 days</a>'
contains "(and the newest version shows the committed title)" "$S/public/a.rev-$V3.html" '<a href="leave.html">Leave is 28 days</a>'
contains "(the article shows today's)" "$S/public/a.html" '<a href="leave.html">Leave is 30 days</a>'
mv "$S/.git/quire" "$TMP/titlethen-cache"
run "$S" build -o "$TMP/titlethen-clean"
check "(a rebuild from the cache wrote what a clean build writes)" diff -r "$S/public" "$TMP/titlethen-clean"

# A past version's link to a heading its article has lost since leads to
# the article as it read then, where the heading was: what the writer
# pointed at, not the top of today's page.
site headsthen
git -C "$S" init -q -b main
page "$S" leave.md "Leave" "## Booking\n\nBook early.\n\n## Carry over\n\nFive days.[^c]\n\n[^c]: At most."
printf -- '---\ntitle: Plan\ndraft: true\n---\n## Rota\n\nText.\n' > "$S/content/plan.md"
page "$S" gone.md "Gone" "## Old rules\n\nText."
page "$S" a.md "A" "See [booking](leave.md#booking), [[leave#carry-over]], [the note](leave.md#fn-c), [appeals](leave.md#appeals) and [the rota](plan.md#rota)."
commit "2026-08-01T09:00:00+00:00" "Ann Archer" "First"
C1=$(git -C "$S" rev-parse HEAD | cut -c1-10)
page "$S" leave.md "Leave" "## Booking leave\n\nBook early.\n\n## Carry over\n\nFive days."
page "$S" plan.md "Plan" "## Shifts\n\nText."
git -C "$S" rm -q content/gone.md
page "$S" a.md "A" "See [booking](leave.md#booking-leave) and [the old rules](gone.md#old-rules)."
commit "2026-08-02T09:00:00+00:00" "Ann Archer" "Rename a heading, publish the plan, withdraw the rules"
C2=$(git -C "$S" rev-parse HEAD | cut -c1-10)
page "$S" gone.md "Gone" "## New rules\n\nText."
page "$S" a.md "A" "See [booking](leave.md#booking-leave), [[leave#carry-over]], [[plan#shifts]] and [[gone#new-rules]]."
commit "2026-08-03T09:00:00+00:00" "Ann Archer" "New rules"
run "$S" build
status_is "(the site builds)" "$RC" 0
R=$S/public/a.rev-$C1.html
contains "a past version's link to a heading its article has lost leads to the article as it read then" "$R" "href=\"leave.rev-$C1.html#booking\""
contains "(where the heading is)" "$S/public/leave.rev-$C1.html" 'id="booking"'
contains "and so does one to a footnote it has lost" "$R" "href=\"leave.rev-$C1.html#fn-c\""
contains "a heading the article still has is today's" "$R" 'href="leave.html#carry-over"'
contains "one no version of then had leads to today's page, as before" "$R" 'href="leave.html#appeals"'
contains "so does one whose article was a draft then (it has no page of that version)" "$R" 'href="plan.html#rota"'
check "(no draft's version is linked)" sh -c "! grep -q 'plan.rev-' '$R'"
contains "and one to an article that was not there then (withdrawn, later written again)" "$S/public/a.rev-$C2.html" 'href="gone.html#old-rules"'
contains "the article itself links today's headings" "$S/public/a.html" 'href="leave.html#booking-leave"'
mv "$S/.git/quire" "$TMP/headsthen-cache"
run "$S" build -o "$TMP/headsthen-clean"
mv "$TMP/headsthen-cache" "$S/.git/quire"
check "(a rebuild from the cache wrote what a clean build writes)" diff -r "$S/public" "$TMP/headsthen-clean"
# the current version is today's page: its link to a lost heading stays
# there (a warning with links: warn), whatever its versions do
printf 'links: warn\n' >> "$S/site.yml"
page "$S" a.md "A" "See [booking](leave.md#booking)."
run "$S" build
status_is "(links: warn builds)" "$RC" 0
contains "(and warns of the link)" "$ERR" "has no heading with the id 'booking'"
contains "the article's own link to a lost heading leads to today's page" "$S/public/a.html" 'href="leave.html#booking"'
contains "(its past version is as it was)" "$R" "href=\"leave.rev-$C1.html#booking\""

# "Then" is when the version took effect on the main line: a heading
# renamed on a branch before the link was written, but merged after it,
# was still there when the link's version was the guidance.
site headsbranch
git -C "$S" init -q -b main
page "$S" leave.md "Leave" "## Booking\n\nBook early."
page "$S" a.md "A" "Intro."
commit "2026-09-01T09:00:00+00:00" "Ann Archer" "First"
B1=$(git -C "$S" rev-parse HEAD | cut -c1-10)
git -C "$S" checkout -q -b side
page "$S" leave.md "Leave" "## Booking leave\n\nBook early."
commit "2026-09-02T09:00:00+00:00" "Bo Brown" "Rename the heading"
git -C "$S" checkout -q main
page "$S" a.md "A" "See [booking](leave.md#booking)."
commit "2026-09-03T09:00:00+00:00" "Ann Archer" "Link booking"
B3=$(git -C "$S" rev-parse HEAD | cut -c1-10)
GIT_AUTHOR_DATE=2026-09-04T09:00:00Z GIT_COMMITTER_DATE=2026-09-04T09:00:00Z git -C "$S" merge -q --no-ff --no-edit side >/dev/null 2>&1
page "$S" a.md "A" "See [booking](leave.md#booking-leave)."
commit "2026-09-05T09:00:00+00:00" "Ann Archer" "Follow the heading"
run "$S" build
status_is "(the site builds)" "$RC" 0
contains "a heading renamed on a branch merged after the link was written: the link leads to the main line's version of then" \
	"$S/public/a.rev-$B3.html" "href=\"leave.rev-$B1.html#booking\""

# Withdrawn guidance: a past version's link to one of its headings leads
# to its version of then (whose banner leads to the notice), not to the
# top of the notice; a link without a heading leads to the notice.
site headsgone
git -C "$S" init -q -b main
page "$S" stale.md "Stale" "## Booking\n\nOld advice."
page "$S" a.md "A" "See [booking](stale.md#booking) and [the rules](stale.md)."
commit "2026-08-01T09:00:00+00:00" "Ann Archer" "First"
G1=$(git -C "$S" rev-parse HEAD | cut -c1-10)
git -C "$S" rm -q content/stale.md
page "$S" a.md "A" "No link."
commit "2026-08-02T09:00:00+00:00" "Ann Archer" "Withdraw the rules"
run "$S" build
contains "a past version's link to a heading of withdrawn guidance leads to its version of then" "$S/public/a.rev-$G1.html" "href=\"stale.rev-$G1.html#booking\""
contains "(one without a heading to the notice)" "$S/public/a.rev-$G1.html" 'href="stale.html"'
contains "(whose banner says it was withdrawn)" "$S/public/stale.rev-$G1.html" "The guidance was withdrawn on"

# A version an on_page handler hid has no page of its own: a link to the
# heading it had leads to today's page.
site headshidden
git -C "$S" init -q -b main
printf -- '---\ntitle: Leave\ninternal: true\n---\n## Booking\n\nNot yet.\n' > "$S/content/leave.md"
page "$S" a.md "A" "See [booking](leave.md#booking)."
commit "2026-08-01T09:00:00+00:00" "Ann Archer" "First"
H1=$(git -C "$S" rev-parse HEAD | cut -c1-10)
page "$S" leave.md "Leave" "## Booking leave\n\nBook early."
page "$S" a.md "A" "See [booking](leave.md#booking-leave)."
commit "2026-08-02T09:00:00+00:00" "Ann Archer" "Publish leave"
script "$S" hide 'quire.on_page(function(page) if page.params.internal then page.draft = true end end)'
run "$S" build
status_is "(the site builds)" "$RC" 0
check "(the hidden version has no page)" test ! -e "$S/public/leave.rev-$H1.html"
contains "a link to a heading only a hidden version had leads to today's page" "$S/public/a.rev-$H1.html" 'href="leave.html#booking"'

# A past version's wiki link by a title its article has dropped since
# leads to that article (by the title of then), and one by a title
# another article took since leads where it led then: the titles held
# when the version took effect decide, not today's.
site formertitle
git -C "$S" init -q -b main
page "$S" leave.md "Holiday entitlement" "Leave."
page "$S" guide.md "Staff guide" "Guide."
page "$S" hand.md "Handbook" "Hand."
page "$S" wages.md "Pay" "Pay."
page "$S" f1.md "Forms" "One."
page "$S" f2.md "Forms" "Two."
page "$S" z.md "Zed" "Zed."
page "$S" policy.md "Policy" "See [[Holiday entitlement]], [[holiday entitlement|the leave rules]], [[Staff guide]], [[Pay]], [[Forms]] and [[Data rules]]."
commit "2026-07-01T09:00:00+00:00" "Ann Archer" "First"
V1=$(git -C "$S" rev-parse HEAD | cut -c1-10)
page "$S" leave.md "Annual leave" "Leave."
page "$S" guide.md "Old staff guide" "Guide."
page "$S" hand.md "Staff guide" "Hand."
page "$S" wages.md "Salary" "Pay."
page "$S" pay-2026.md "Pay" "Pay from 2026."
page "$S" f1.md "Forms one" "One."
page "$S" f2.md "Forms two" "Two."
page "$S" z.md "Data rules" "Zed."
page "$S" policy.md "Policy" "See [[Annual leave]], [[Old staff guide]], [[Salary]], [[Forms one]] and [[Data rules]]."
commit "2026-07-02T09:00:00+00:00" "Ann Archer" "Retitle"
run "$S" build
status_is "(the site builds)" "$RC" 0
P=$S/public/policy.rev-$V1.html
contains "a past version's wiki link by a title its article dropped since leads to it, titled as then" "$P" '<a href="leave.html">Holiday entitlement</a>'
contains "(a link with its own text too)" "$P" '<a href="leave.html">the leave rules</a>'
contains "a title another article took since leads to the one that had it then" "$P" '<a href="guide.html">Staff guide</a>'
lacks "(not to the one that has it now)" "$P" 'href="hand.html"'
contains "a title an article written since took leads to the one that had it then" "$P" '<a href="wages.html">Pay</a>'
lacks "(not to the new one)" "$P" 'href="pay-2026.html"'
lacks "a title two articles had then is text, as today's ambiguity is" "$P" 'href="f1.html"'
lacks "(either of them)" "$P" 'href="f2.html"'
lacks "a title first given after the version is not what the link meant" "$P" 'href="z.html"'
contains "(it reads as written)" "$P" 'Data rules'
mv "$S/.git/quire" "$TMP/formertitle-cache"
run "$S" build -o "$TMP/formertitle-clean" -j 1
check "(a rebuild from the cache wrote what a clean build on one thread writes)" diff -r "$S/public" "$TMP/formertitle-clean"

# The history's diffs read a wiki link as its version showed it: by the
# title of then (one the revision kept, by the newer title: the article
# retitled is no change of this one's), and again when that changes.
site difftitles
git -C "$S" init -q -b main
page "$S" leave.md "Leave is 25 days" "Leave."
page "$S" a.md "A" "Read [[leave]] first, or [[leave|the leave page]]."
commit "2026-07-01T09:00:00+00:00" "Ann Archer" "First"
page "$S" leave.md "Leave is 28 days" "Leave."
commit "2026-07-02T09:00:00+00:00" "Ann Archer" "More leave"
page "$S" a.md "A" "Read [[leave]] first, or [[leave|the leave page]], today."
commit "2026-07-03T09:00:00+00:00" "Ann Archer" "Edit A"
page "$S" a.md "A" "Read the leave rules first."
commit "2026-07-04T09:00:00+00:00" "Ann Archer" "No link"
run "$S" build
H=$S/public/a.history.html
contains "a diff reads a wiki link by the title its version showed" "$H" '<ins>Read Leave is 25 days first, or the leave page.</ins>'
contains "(a link the revision kept reads by the newer title, not as a change)" "$H" 'Read Leave is 28 days first, or the leave <del>page.</del>'
git -C "$S" mv content/leave.md content/holiday.md
commit "2026-07-05T09:00:00+00:00" "Ann Archer" "Rename leave"
run "$S" build
contains "a diff reads it again when its version reads it otherwise (a name no article has now: as written)" "$H" '<ins>Read leave first, or the leave page.</ins>'
mv "$S/.git/quire" "$TMP/difftitles-cache"
run "$S" build -o "$TMP/difftitles-clean"
check "(the rebuild's diffs are a clean build's)" diff -r "$S/public" "$TMP/difftitles-clean"

# A change cherry-picked onto the main line, then merged with its branch,
# is listed once in the recent changes (the merge brought no change).
site cherry
git -C "$S" init -q -b main
page "$S" pol.md "Policy" "Rule one.\n\nRule two."
commit "2026-03-01T09:00:00+00:00" "Ann Editor" "v1"
git -C "$S" checkout -q -b fix
page "$S" pol.md "Policy" "Rule one, fixed.\n\nRule two."
commit "2026-03-05T09:00:00+00:00" "Fay Fixer" "Fix rule one"
git -C "$S" checkout -q main
GIT_COMMITTER_DATE=2026-03-08T09:00:00+00:00 git -C "$S" -c user.name=Cy -c user.email=c@x cherry-pick fix >/dev/null 2>&1
GIT_AUTHOR_DATE=2026-03-15T09:00:00+00:00 GIT_COMMITTER_DATE=2026-03-15T09:00:00+00:00 \
	git -C "$S" -c user.name="Mel Merger" -c user.email=m@x merge -q --no-ff fix -m "Merge fix" >/dev/null 2>&1
run "$S" build
n=$(grep -o "Fix rule one" "$S/public/changes.html" | wc -l)
status_is "a cherry-picked change is listed once in the recent changes" "$n" 1
n=$(grep -o "Fix rule one</title>" "$S/public/changes.xml" | wc -l)
status_is "and once in the feed" "$n" 1

# A draft made on a branch takes the article off the site when the merge
# brings it in.
site mergedraft
git -C "$S" init -q -b main
page "$S" other.md "Other" "Other text."
page "$S" a.md "A" "A one."
commit "2026-05-01T09:00:00+00:00" "Ann Archer" "Add A"
git -C "$S" checkout -q -b review
printf -- '---\ntitle: A\ndraft: true\n---\nA under review.\n' > "$S/content/a.md"
commit "2026-05-02T09:00:00+00:00" "Bo Brown" "Draft A for review"
git -C "$S" checkout -q main
GIT_AUTHOR_DATE=2026-05-04T09:00:00+00:00 GIT_COMMITTER_DATE=2026-05-04T09:00:00+00:00 \
	git -C "$S" -c user.name="Mel Merger" -c user.email=m@x merge -q --no-ff review -m "Merge review" >/dev/null 2>&1
page "$S" a.md "A" "A two."
commit "2026-05-06T09:00:00+00:00" "Ann Archer" "Republish A"
run "$S" build
H=$S/public/a.history.html
case $(entry "Draft A for review") in
*"the article was taken off the site (made a draft)"*) ok "a draft merged from a branch took the article off the site" ;;
*) not_ok "a draft merged from a branch took the article off the site" "$(entry "Draft A for review")" ;;
esac
lacks "(none of its text)" "$S/public/a.history.html" "under review"
contains "the recent changes date it from the merge" "$S/public/changes.html" "<h2>4 May 2026</h2>"

# In the recent changes, a taking down is named by the title of the
# version it took away, and says whether the article came back after it.
site downtitle
git -C "$S" init -q -b main
page "$S" other.md "Other" "Other text."
page "$S" a.md "A one" "Text."
commit "2026-06-01T09:00:00+00:00" "Ann Archer" "Add A"
printf -- '---\ntitle: A two\ndraft: true\n---\nDraft.\n' > "$S/content/a.md"
commit "2026-06-02T09:00:00+00:00" "Ann Archer" "Draft a"
page "$S" a.md "A three" "Text again."
commit "2026-06-03T09:00:00+00:00" "Ann Archer" "Republish a"
git -C "$S" rm -q content/a.md
commit "2026-06-04T09:00:00+00:00" "Ann Archer" "Delete a"
run "$S" build
contains "the taking down is named by the title it took away, and was undone" "$S/public/changes.html" ">A one</a> (taken off the site, later restored)"
contains "the withdrawal by the title then, and not undone" "$S/public/changes.html" ">A three</a> (withdrawn)"
contains "(so does the feed)" "$S/public/changes.xml" "<title>A one (taken off the site, later restored): Draft a</title>"

# What a version's links meant is judged by what was in force on the main
# line then: a retitle and a new article made on a branch count from the
# branch's merge.
site branchthen
git -C "$S" init -q -b main
page "$S" t.md "Old title" "T."
page "$S" p.md "P" "See [[t]]."
commit "2026-08-01T09:00:00+00:00" "Ann Archer" "First"
git -C "$S" checkout -q -b side
page "$S" t.md "New title" "T."
page "$S" n.md "Newcomer" "N."
commit "2026-08-02T09:00:00+00:00" "Bo Brown" "Retitle t, add n"
git -C "$S" checkout -q main
page "$S" p.md "P" "See [[t]] and [[Newcomer]]."
commit "2026-08-03T09:00:00+00:00" "Ann Archer" "Edit p"
V3=$(git -C "$S" rev-parse HEAD | cut -c1-10)
GIT_AUTHOR_DATE=2026-08-04T09:00:00+00:00 GIT_COMMITTER_DATE=2026-08-04T09:00:00+00:00 \
	git -C "$S" -c user.name="Mel Merger" -c user.email=m@x merge -q --no-ff side -m "Merge side" >/dev/null 2>&1
page "$S" p.md "P" "See [[t]] and [[Newcomer]], today."
commit "2026-08-05T09:00:00+00:00" "Ann Archer" "Edit p again"
run "$S" build
contains "a main-line version shows the title in force then, not a branch's not yet merged" "$S/public/p.rev-$V3.html" '<a href="t.html">Old title</a>'
lacks "and a link to an article a branch had but the main line had not is text" "$S/public/p.rev-$V3.html" 'href="n.html"'

# The current version's banner dates it from when it took effect: a
# branch's from its merge.
site currentmerge
git -C "$S" init -q -b main
page "$S" a.md "A" "A one."
commit "2026-09-01T09:00:00+00:00" "Ann Archer" "First"
git -C "$S" checkout -q -b side
page "$S" a.md "A" "A two."
commit "2026-09-02T09:00:00+00:00" "Bo Brown" "Edit on a branch"
V2=$(git -C "$S" rev-parse HEAD | cut -c1-10)
git -C "$S" checkout -q main
GIT_AUTHOR_DATE=2026-09-05T09:00:00+00:00 GIT_COMMITTER_DATE=2026-09-05T09:00:00+00:00 \
	git -C "$S" -c user.name="Mel Merger" -c user.email=m@x merge -q --no-ff side -m "Merge side" >/dev/null 2>&1
run "$S" build
contains "the current version made on a branch is current from its merge" "$S/public/a.rev-$V2.html" \
	'Current since <time datetime="2026-09-05T09:00:00+00:00">5 September 2026</time>'
contains "(a main-line one from its own date, as before)" "$TMP/titlethen/public/a.rev-$(git -C "$TMP/titlethen" rev-parse HEAD | cut -c1-10).html" \
	'Current since <time datetime="2026-07-03T09:00:00+00:00">3 July 2026</time>'

# Who put a change in the repository, when not its author, is part of the
# record: a patch applied by another, a rebase by another on a later day.
site committers
git -C "$S" init -q -b main
printf 'Cyril Committer <cy@x>\n' > "$S/.mailmap"
page "$S" pol.md "Policy" "Rule one."
commit "2026-06-01T09:00:00+00:00" "Ann Author" "Ann writes and commits"
page "$S" pol.md "Policy" "Rule one, patched."
git -C "$S" add -A
GIT_AUTHOR_DATE=2026-06-02T09:00:00+00:00 GIT_COMMITTER_DATE=2026-06-02T09:00:00+00:00 \
	git -C "$S" -c user.name="Cy" -c user.email=cy@x commit -q --author="Pat Patch <p@x>" -m "Patch applied by Cy"
page "$S" pol.md "Policy" "Rule one, rebased."
git -C "$S" add -A
GIT_AUTHOR_DATE=2026-06-03T09:00:00+00:00 GIT_COMMITTER_DATE=2026-06-20T09:00:00+00:00 \
	git -C "$S" -c user.name="Rita Rebaser" -c user.email=r@x commit -q --author="Pat Patch <p@x>" -m "Edit rebased by Rita"
run "$S" build
H=$S/public/pol.history.html
entry() { tr '\n' ' ' < "$H" | sed 's/<li class="revision"/\n&/g' | grep -F "$1"; }
case $(entry "Patch applied by Cy") in
*"By Pat Patch, committed by Cyril Committer ·"*) ok "a change committed by another names both (the committer after .mailmap)" ;;
*) not_ok "a change committed by another names both (the committer after .mailmap)" "$(entry "Patch applied by Cy")" ;;
esac
case $(entry "Edit rebased by Rita") in
*"By Pat Patch ·"*"committed by Rita Rebaser on <time datetime=\"2026-06-20T09:00:00+00:00\">20 June 2026</time>, when it became part of the guidance"*)
	ok "one committed on a later day says who committed it, and when" ;;
*) not_ok "one committed on a later day says who committed it, and when" "$(entry "Edit rebased by Rita")" ;;
esac
case $(entry "Ann writes and commits") in
*"committed by"*) not_ok "one its author committed names nobody else" "$(entry "Ann writes and commits")" ;;
*) ok "one its author committed names nobody else" ;;
esac
rm -rf "$S/.git/quire/build-cache-v1"
run "$S" build -o "$TMP/committers-cached"
check "(read from the history cache, the same)" diff -r "$S/public" "$TMP/committers-cached"

# Two articles written from one template share their boilerplate: one
# withdrawn as the other is added, in one commit, is no move (git's
# half-the-lines rule would pair them).  A move that changes the title
# keeps its history when the text is nearly the same.
site template
git -C "$S" init -q -b main
B="## Scope\n\nThis policy applies to all employees, workers and contractors of the organisation.\n\n## Questions\n\nAsk your line manager or contact the HR team on extension 4000.\n\n## Review\n\nThis policy is reviewed every year by the HR committee."
page "$S" hr/leave.md "Annual leave policy" "Staff get 25 days of annual leave.\n\n$B"
page "$S" hr/blog.md "Blogging" "Staff may blog anonymously.\n\n$B\n\nA long paragraph that makes most of the text, about blogging and social media and what staff may say."
commit "2026-01-01T10:00:00+00:00" "Ann Author" "Add leave and blogging"
git -C "$S" rm -q content/hr/leave.md
page "$S" hr/sickness.md "Sickness absence policy" "Report sickness by 9am on the first day.\n\n$B"
git -C "$S" mv content/hr/blog.md content/hr/social.md
page "$S" hr/social.md "Blogging and social media" "Staff may blog anonymously.\n\n$B\n\nA long paragraph that makes most of the text, about blogging and social media and what staff may say."
commit "2026-02-01T10:00:00+00:00" "Bob Baker" "Withdraw leave; add sickness; rename blogging"
run "$S" build
contains "a policy withdrawn as another from its template is added is withdrawn" "$S/public/hr/leave.html" "This guidance was withdrawn on"
lacks "(not moved)" "$S/public/hr/leave.html" "has moved to"
lacks "the new policy's history does not begin with the old one's text" "$S/public/hr/sickness.history.html" "25 days"
contains "a retitled move of nearly the same text keeps its history" "$S/public/hr/social.history.html" "Add leave and blogging"
contains "(and its old address leads to it)" "$S/public/hr/blog.html" "social.html"

# The recent changes and the feed list changes in the order they landed
# (git's), newest first, not by the dates they carry: the dates of edits
# made in other zones, or on a machine whose clock was wrong, do not
# reorder them; each keeps its own date, under a heading of its own day.
site landed
printf 'base_url: https://kb.example.org\n' >> "$S/site.yml"
git -C "$S" init -q -b main
page "$S" a.md "Alpha" "Leave is 25 days."
commit "2026-01-01T09:00:00+00:00" "Ann" "Add"
page "$S" a.md "Alpha" "Leave is 26 days."
commit "2026-01-02T01:00:00+09:00" "Kenji" "Tokyo edit"
page "$S" a.md "Alpha" "Leave is 27 days."
commit "2026-01-01T20:00:00-05:00" "Nora" "New York edit"
run "$S" build
C=$S/public/changes.html
X=$S/public/changes.xml
before "the change that landed last is listed first, though dated a day earlier where it was made" "$C" "New York edit" "Tokyo edit"
before "(under its own day)" "$C" "<h2>1 January 2026</h2>" "<h2>2 January 2026</h2>"
check "the day is headed again below a change of another day" [ "$(grep -c '<h2>1 January 2026</h2>' "$C")" = 2 ]
before "the feed lists the change that landed last first" "$X" "<title>Alpha: New York edit</title>" "<title>Alpha: Tokyo edit</title>"
contains "each entry keeps its own date" "$X" "<updated>2026-01-02T01:00:00Z</updated>"
contains "(the one below it too)" "$X" "<updated>2026-01-01T16:00:00Z</updated>"
case $(grep -m 1 -o '<updated>[^<]*' "$X") in
"<updated>2026-01-02T01:00:00Z") ok "the feed is updated as of its latest entry" ;;
*) not_ok "the feed is updated as of its latest entry" "$(grep -m 1 -o '<updated>[^<]*' "$X")" ;;
esac
# A commit made on a machine whose clock was wrong: dated 1 February,
# made on one dated 1 March.
page "$S" a.md "Alpha" "Leave is 28 days."
commit "2026-03-01T09:00:00+00:00" "Ann" "March edit"
page "$S" a.md "Alpha" "Leave is 29 days."
commit "2026-02-01T09:00:00+00:00" "Wes Wrongclock" "Edit from a wrong clock"
run "$S" build
before "a child dated before its parent is listed above it" "$C" "Edit from a wrong clock" "March edit"
before "(under the day it carries)" "$C" "<h2>1 February 2026</h2>" "<h2>1 March 2026</h2>"
before "and so in the feed" "$X" "Alpha: Edit from a wrong clock" "Alpha: March edit"
case $(grep -m 1 -o '<updated>[^<]*' "$X") in
"<updated>2026-03-01T09:00:00Z") ok "the feed is updated as of the latest date, not the first entry's" ;;
*) not_ok "the feed is updated as of the latest date, not the first entry's" "$(grep -m 1 -o '<updated>[^<]*' "$X")" ;;
esac
rm -rf "$S/.git/quire/build-cache-v1"
run "$S" build -o "$TMP/landed-clean"
check "(a rebuild after it matches a clean build)" diff -r "$S/public" "$TMP/landed-clean"
# A branch's edit takes effect at its merge: of the 100 changes listed,
# the latest to land, though the edit is older in the walk than a commit
# of 100 articles made on the main line meanwhile.
site landedmerge
git -C "$S" init -q -b main
page "$S" old.md "Old" "First."
commit "2026-05-01T09:00:00+00:00" "Ann" "First landed"
git -C "$S" checkout -q -b side
page "$S" z.md "Zed" "Made on a branch."
commit "2026-05-02T09:00:00+00:00" "Bo" "Branch edit"
git -C "$S" checkout -q main
for i in $(seq 100 199); do page "$S" "p$i.md" "P $i" "Page $i."; done
commit "2026-05-03T09:00:00+00:00" "Cy" "Hundred pages"
GIT_AUTHOR_DATE=2026-05-04T09:00:00+00:00 GIT_COMMITTER_DATE=2026-05-04T09:00:00+00:00 \
	git -C "$S" -c user.name="Mel Merger" -c user.email=m@x merge -q --no-ff side -m "Merge side" >/dev/null 2>&1
run "$S" build
C=$S/public/changes.html
contains "the branch's edit merged last is one of the recent changes" "$C" "Branch edit"
before "listed first" "$C" "Branch edit" "Hundred pages"
contains "(dated from its merge)" "$C" "<h2>4 May 2026</h2>"
lacks "the change that landed first is not (100 are listed)" "$C" "First landed"
contains "the feed has the branch's edit too" "$S/public/changes.xml" "<title>Zed: Branch edit</title>"
# content/ kept as a repository of its own (a submodule's checkout, or a
# repository inside a site folder that may be in none) holds the articles'
# history: it is read from there, its paths relative to content/.  Never
# "not yet committed" for an article committed there.
site subup
U=$S/content
S=$U
git -C "$S" init -q -b main
page "$(dirname "$U")" policy/leave.md "Leave" "Leave is 25 days.\n\n![Chart](chart.png)"
file "$(dirname "$U")" policy/chart.png 'chart as first drawn\n'
commit "2026-01-01T10:00:00+00:00" "Ann Archer" "Add leave"
V1=$(git -C "$U" rev-parse HEAD | cut -c1-10)
B1=$(git -C "$U" rev-parse HEAD:policy/chart.png | cut -c1-10)
page "$(dirname "$U")" policy/leave.md "Leave" "Leave is 28 days.\n\n![Chart](chart.png)"
file "$(dirname "$U")" policy/chart.png 'chart redrawn\n'
commit "2026-02-01T10:00:00+00:00" "Bo Brown" "Raise leave"
site submod
git -C "$S" init -q -b main
rmdir "$S/content"
git -C "$S" -c protocol.file.allow=always submodule add -q "file://$U" content >/dev/null 2>&1
commit "2026-03-01T10:00:00+00:00" "Pat Publisher" "Publish the site"
run "$S" build
status_is "a site whose content/ is a submodule builds" "$RC" 0
lacks "its committed article is not called new" "$S/public/policy/leave.html" "not yet committed"
lacks "nor warned of as not committed" "$ERR" "not committed yet"
contains "it has the submodule's history" "$S/public/policy/leave.html" "by Bo Brown"
contains "every revision of it" "$S/public/policy/leave.history.html" "Add leave"
lacks "and not the site repository's commits" "$S/public/policy/leave.history.html" "Publish the site"
check "a past version has its page" test -f "$S/public/policy/leave.rev-$V1.html"
contains "showing the picture as it was then" "$S/public/policy/leave.rev-$V1.html" "src=\"../_versions/$B1/chart.png\""
check "(read from the submodule's repository)" grep -qx 'chart as first drawn' "$S/public/_versions/$B1/chart.png"
check "the history cache is kept in the submodule's git folder" ls "$S/.git/modules/content/quire/"
# the working tree's state is the submodule's too
page "$S" policy/leave.md "Leave" "Leave is 30 days."
page "$S" policy/new.md "New" "Not committed."
run "$S" build
contains "an uncommitted edit in the submodule says so" "$S/public/policy/leave.html" "changes that are not committed"
contains "(a new file there is still new)" "$S/public/policy/new.html" "not yet committed"
git -C "$S/content" checkout -q -- . && rm "$S/content/policy/new.md"
git -C "$S/content" mv policy/leave.md policy/annual-leave.md
run "$S" build
contains "a rename staged in the submodule keeps the history" "$S/public/policy/annual-leave.html" "by Bo Brown"
lacks "and is not called new" "$S/public/policy/annual-leave.html" "not yet committed"
S=$TMP/submod/content
page "$TMP/submod" policy/annual-leave.md "Leave" "Leave is 28 days a year.\n\n![Chart](chart.png)"
commit "2026-04-01T10:00:00+00:00" "Cy Cole" "Rename leave"
S=$TMP/submod
run "$S" build
contains "a commit in the submodule is seen by the next build" "$S/public/policy/annual-leave.html" "by Cy Cole"
run "$S" build
mv "$S/.git/quire" "$TMP/submod-cache" && mv "$S/.git/modules/content/quire" "$TMP/submod-hcache"
run "$S" build -o "$TMP/submod-clean"
check "a rebuild from the caches matches a clean build" diff -r "$S/public" "$TMP/submod-clean"
mv "$TMP/submod-cache" "$S/.git/quire" && mv "$TMP/submod-hcache" "$S/.git/modules/content/quire"
# The same content/ as a repository of its own in a site folder in no
# repository (a clone kept there), and in one that is.
site nested
rmdir "$S/content"
git clone -q "$TMP/submod/content" "$S/content"
run "$S" build
status_is "a site whose content/ is a clone of its own builds" "$RC" 0
check "(its article is built)" test -f "$S/public/policy/annual-leave.html"
lacks "its article is not called new" "$S/public/policy/annual-leave.html" "not yet committed"
contains "it has the clone's history" "$S/public/policy/annual-leave.history.html" "Raise leave"
run "$S" build -o "$TMP/nested-cached"
check "(from the history cache, the same)" diff -r "$S/public" "$TMP/nested-cached"
git -C "$S" init -q -b main
printf 'content/\n' > "$S/.gitignore"
commit "2026-05-01T10:00:00+00:00" "Pat Publisher" "The site, content/ apart"
run "$S" build -o "$TMP/nested-in-site"
contains "with the site folder in a repository too, content/'s own history wins" "$TMP/nested-in-site/policy/annual-leave.history.html" "Raise leave"
lacks "(the site repository's commits are not the articles')" "$TMP/nested-in-site/policy/annual-leave.history.html" "The site, content/ apart"
# A content/.git git cannot read is reported, not passed over for the
# repository above, whose content/ is not the articles'
printf 'gitdir: ../no-such-folder\n' > "$TMP/nested-bad.git"
rm -rf "$S/content/.git" && cp "$TMP/nested-bad.git" "$S/content/.git"
run "$S" build -o "$TMP/nested-bad"
status_is "a broken content/.git stops the build" "$RC" 2
contains "naming it" "$ERR" "content/.git names a git folder that is not there"

# A branch's edit that a merge settled with other text (a conflict
# resolved by hand) never was the guidance: its entry and past version
# say so, and the recent changes and the feed leave it out; the merge's
# own revision carries the text that was published.  A merge that put
# the branch's change beside the main line's, as git merges edits of
# other paragraphs, says so: its diff repeats the branch's change, which
# is listed once.
# merged_site NAME BRANCH_TEXT MAIN_TEXT [MERGED_TEXT]: the main line and
# a branch each edit a.md; Dan merges the branch (as MERGED_TEXT, else as
# git merges it)
merged_site() {
	site "$1"
	git -C "$S" init -q -b main
	page "$S" a.md "Alpha" "Leave is 25 days.\n\nOther para."
	commit "2026-01-01T10:00:00+00:00" "Ann" "Add alpha"
	git -C "$S" checkout -q -b br
	page "$S" a.md "Alpha" "$2"
	commit "2026-02-01T10:00:00+00:00" "Bob" "Branch edit"
	BR=$(git -C "$S" rev-parse HEAD | cut -c1-10)
	git -C "$S" checkout -q main
	page "$S" a.md "Alpha" "$3"
	commit "2026-02-02T10:00:00+00:00" "Cat" "Main edit"
	git -C "$S" merge -q --no-ff --no-commit br >/dev/null 2>&1
	[ -n "${4:-}" ] && page "$S" a.md "Alpha" "$4"
	commit "2026-03-01T10:00:00+00:00" "Dan" "Merge br"
	MERGE=$(git -C "$S" rev-parse HEAD | cut -c1-10)
	run "$S" build
	H=$S/public/a.history.html
}
merged_site settled "Leave is 26 days.\n\nOther para." "Leave is 27 days.\n\nOther para." \
	"Leave is 30 days.\n\nOther para."
case $(entry "Branch edit") in
*"made on a branch; the merge of <time datetime=\"2026-03-01T10:00:00+00:00\">1 March 2026</time> by Dan (revision <code>$MERGE</code>) settled it with other text"*)
	ok "a branch's edit a merge settled with other text says so" ;;
*) not_ok "a branch's edit a merge settled with other text says so" "$(entry "Branch edit")" ;;
esac
case $(entry "Branch edit") in
*"part of the guidance"*) not_ok "and not that it became part of the guidance" "$(entry "Branch edit")" ;;
*) ok "and not that it became part of the guidance" ;;
esac
contains "its past version says the merge settled it with other text" "$S/public/a.rev-$BR.html" \
	"It was made on a branch, and the merge of <time datetime=\"2026-03-01T10:00:00+00:00\">1 March 2026</time> (revision $MERGE) settled it with other text: the guidance never read like this."
lacks "(not that the guidance read like it from the merge)" "$S/public/a.rev-$BR.html" "did not read like this before the merge"
lacks "the recent changes leave it out" "$S/public/changes.html" "Branch edit"
lacks "and so does the feed" "$S/public/changes.xml" "Branch edit"
contains "the merge is listed, with the text it published" "$S/public/changes.html" "Merge br"
case $(entry "Merge br") in
*"<del>27</del>"*"<ins>30</ins>"*) ok "(its diff shows what it changed from the main line's text)" ;;
*) not_ok "(its diff shows what it changed from the main line's text)" "$(entry "Merge br")" ;;
esac
rm -rf "$S/.git/quire"
run "$S" build -o "$TMP/settled-clean"
run "$S" build -o "$TMP/settled-cached"
check "(read from the history cache, the same)" diff -r "$TMP/settled-clean" "$TMP/settled-cached"

merged_site combined "Leave is 25 days.\n\nOther para, from the branch." "Leave is 27 days.\n\nOther para."
case $(entry "Branch edit") in
*"made on a branch, and part of the guidance from the merge of"*) ok "a branch's edit merged cleanly beside the main line's is part of the guidance" ;;
*) not_ok "a branch's edit merged cleanly beside the main line's is part of the guidance" "$(entry "Branch edit")" ;;
esac
case $(entry "Merge br") in
*"a merge that combined the change made on a branch (listed below) with the main line's, and made no change of its own"*)
	ok "the merge says it combined the branch's change with the main line's" ;;
*) not_ok "the merge says it combined the branch's change with the main line's" "$(entry "Merge br")" ;;
esac
contains "the recent changes list the branch's edit" "$S/public/changes.html" "Branch edit"
contains "(and the main line's)" "$S/public/changes.html" "Main edit"
lacks "not the merge that only combined them" "$S/public/changes.html" "Merge br"
lacks "nor does the feed" "$S/public/changes.xml" "Merge br"
rm -rf "$S/.git/quire"
run "$S" build -o "$TMP/combined-clean"
run "$S" build -o "$TMP/combined-cached"
check "(read from the history cache, the same)" diff -r "$TMP/combined-clean" "$TMP/combined-cached"

merged_site ownedit "Leave is 25 days.\n\nOther para, from the branch." "Leave is 27 days.\n\nOther para." \
	"Leave is 27 days.\n\nOther para, from the branch.\n\nA paragraph the merger wrote."
case $(entry "Merge br") in
*"a merge that combined the change made on a branch (listed below) with the main line's, and changed the text further"*)
	ok "a merge that also wrote text of its own says so" ;;
*) not_ok "a merge that also wrote text of its own says so" "$(entry "Merge br")" ;;
esac
contains "and is one of the recent changes" "$S/public/changes.html" "Merge br"

# A link written the same that leads to other guidance than it did: the
# article moved to another folder, where its relative link names another
# article, and the history says so rather than "No change to the text".
site linkmoves
git -C "$S" init -q -b main
page "$S" hr/a.md "Conduct" "Follow [the policy](policy.md) at all times.\n\nSee [[hr/policy|the HR policy]] and [the rules](../rules.md)."
page "$S" hr/policy.md "HR policy" "Be nice."
page "$S" legal/policy.md "Legal policy" "Sue them."
page "$S" rules.md "Working rules" "Rules of 2019."
commit "2026-01-01T10:00:00+00:00" "Ann" "Add"
git -C "$S" mv content/hr/a.md content/legal/a.md
commit "2026-02-01T10:00:00+00:00" "Bob" "Move conduct to legal"
MOVE=$(git -C "$S" rev-parse HEAD)
run "$S" build
H=$S/public/legal/a.history.html
status_is "a site whose article moved folder builds" "$RC" 0
contains "a move that sends a relative link to another article says so" "$H" \
	"The text is the same; a link now leads to other guidance: “the policy” led to HR policy, now to Legal policy."
lacks "and does not say the text did not change" "$H" "No change to the text"
contains "(as the past versions read it)" "$S/public/legal/a.rev-$(echo "$MOVE" | cut -c1-10).html" '<a href="policy.html">the policy</a>'
lacks "a wiki link by path and a link up the tree lead where they did: not noted" "$H" "the HR policy”"
lacks "(nor the rules)" "$H" "the rules”"
# Without a move: the file a link names was renamed and its name given to
# new rules; the next edit of the article links the new ones, written the
# same (the old version's link leads to the renamed article, as its past
# version does).  Both were titled alike then: their addresses tell them
# apart.
git -C "$S" mv content/rules.md content/rules-2019.md
commit "2026-03-01T10:00:00+00:00" "Cy" "Keep the old rules as rules-2019"
page "$S" rules.md "Working rules" "Rules of 2026."
commit "2026-03-01T11:00:00+00:00" "Cy" "New rules"
page "$S" legal/a.md "Conduct" "Follow [the policy](policy.md) at all times.\n\nSee [[hr/policy|the HR policy]] and [the rules](../rules.md), which changed."
commit "2026-03-02T10:00:00+00:00" "Dee" "Note the rules changed"
run "$S" build
contains "an edit after the name was given to another article notes the link's new target" "$H" \
	"A link now leads to other guidance: “the rules” led to Working rules (<code>rules-2019.html</code>), now to Working rules (<code>rules.html</code>)."
before "(above the diff of the text)" "$H" "now to Working rules (<code>rules.html</code>)" "<ins>rules, which changed.</ins>"
lacks "(the move's entry names only the policy)" "$H" "2 links now lead"
# An article retitled or moved is the same guidance: no note.
git -C "$S" mv content/legal/policy.md content/legal/litigation.md
page "$S" legal/litigation.md "Litigation policy" "Sue them."
commit "2026-04-01T10:00:00+00:00" "Eve" "Rename the legal policy"
page "$S" legal/a.md "Conduct" "Follow [the policy](litigation.md) at all times.\n\nSee [[hr/policy|the HR policy]] and [the rules](../rules.md), which changed."
commit "2026-04-02T10:00:00+00:00" "Eve" "Follow the rename"
run "$S" build
check "the retitled, moved article is the same guidance: one note each, as before" [ "$(grep -c 'diff-links' "$H")" = 2 ]
contains "(its address change is the one noted)" "$H" "A link’s address changed here: from <code>policy.md</code> to <code>litigation.md</code>."
contains "a note names the title of then" "$H" "now to Legal policy."
# What the note names can change with no commit to the article: the old
# rules moved again, their address with them (built before the move was
# committed too).  A rebuild from the cache writes what a clean build
# writes.
git -C "$S" mv content/rules-2019.md content/archive-rules-2019.md
run "$S" build
commit "2026-05-01T10:00:00+00:00" "Fay" "Archive the old rules"
run "$S" build
contains "a rebuild names the old rules where they are now" "$H" "led to Working rules (<code>archive-rules-2019.html</code>)"
rm -rf "$S/.git/quire"
run "$S" build -o "$TMP/linkmoves-clean"
check "(a rebuild from the cache wrote what a clean build writes)" diff -r "$S/public" "$TMP/linkmoves-clean"

# git merges lines, not paragraphs: a branch's edit to one item of a list
# and the main line's to another merge cleanly, and the branch's edit is
# kept, listed in the recent changes and the feed under its author.
site listmerge
git -C "$S" init -q -b main
page "$S" a.md "Leave" "- Item one.\n- Leave is 20 days.\n- Item three.\n- Item four.\n- Item five.\n- Item six.\n- Item seven.\n- Ask your manager."
commit "2026-01-01T09:00:00+00:00" "Ann" "Add leave"
git -C "$S" checkout -q -b b1
page "$S" a.md "Leave" "- Item one.\n- Leave is 25 days.\n- Item three.\n- Item four.\n- Item five.\n- Item six.\n- Item seven.\n- Ask your manager."
commit "2026-01-02T09:00:00+00:00" "Bea" "Leave is 25 days"
git -C "$S" checkout -q main
page "$S" a.md "Leave" "- Item one.\n- Leave is 20 days.\n- Item three.\n- Item four.\n- Item five.\n- Item six.\n- Item seven.\n- Ask HR."
commit "2026-01-03T09:00:00+00:00" "Cat" "Ask HR"
GIT_AUTHOR_DATE=2026-01-04T09:00:00+00:00 GIT_COMMITTER_DATE=2026-01-04T09:00:00+00:00 \
	git -C "$S" -c user.name=Mel -c user.email=m@x merge -q --no-edit b1 >/dev/null 2>&1
run "$S" build
lacks "a branch's list edit git merged cleanly is not 'settled with other text'" "$S/public/a.history.html" "settled it with other text"
contains "(the merge combined the two)" "$S/public/a.history.html" "combined the change made on a branch"
contains "the feed lists the branch's edit" "$S/public/changes.xml" "<title>Leave: Leave is 25 days</title>"

# A file beside an article does not spend what the article's move may:
# an edited article moved in the commit that replaces a 9 MB file keeps
# its history (the file is no candidate for a similar article).
site bigfile
git -C "$S" init -q -b main
body=""; i=0; while [ $i -lt 30 ]; do body="$body\nLine $i of the expenses policy, with enough words to count.\n"; i=$((i+1)); done
page "$S" hr/expenses.md "Expenses" "$body"
head -c 9000000 /dev/urandom > "$S/content/hr/form.bin"
commit "2026-01-01T09:00:00+00:00" "Ann" "Add expenses"
mkdir -p "$S/content/money"
git -C "$S" mv content/hr/expenses.md content/money/expenses.md
git -C "$S" mv content/hr/form.bin content/money/form.bin
page "$S" money/expenses.md "Expenses" "$body\nOne more line after the move."
head -c 9000000 /dev/urandom > "$S/content/money/form.bin"
commit "2026-01-02T09:00:00+00:00" "Ann" "Move expenses to money/, new form"
run "$S" build
contains "an edited article moved beside a large file replaced keeps its history" "$S/public/money/expenses.history.html" "moved here from the address <code>hr/expenses.html"
contains "(its old address leads to it)" "$S/public/hr/expenses.html" "<title>Moved: Expenses"

# A site copied without its repository (a Docker context, git archive)
# would go out with no history: the build to publish says so.
site nogit
page "$S" a.md "A"
run "$S" build
status_is "a site in no repository builds" "$RC" 0
contains "and the publisher is told it has no history" "$ERR" "quire: warning: history is on, but the site is in no git repository: its pages have no change history, moved articles no redirects and withdrawn ones no notice"
run "$S" check
lacks "quire check does not say it (nothing is published)" "$ERR" "no git repository"
printf 'title: Test site\nhistory: false\n' > "$S/site.yml"
run "$S" build
lacks "with history: false it is meant, and not said" "$ERR" "no git repository"
