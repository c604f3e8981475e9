#!/bin/sh
# t52: on_page handlers judge a page's past versions too.  A version a hook
# hid (page.draft = true) stays out of the history once the page is
# published, exactly as a version whose front matter said `draft: true`:
# no past-version page, no line in the history, diffs, recent changes or
# feed, no trace of its text anywhere in OUT; --drafts shows it.  A handler
# that fails on an old version hides that version with a warning naming
# the file and the revision.  Verdicts are cached: a rebuild equals a
# clean build.
. "$(dirname "$0")/lib.sh"

# short REV: the first 10 hex digits of a revision of $S
short() { git -C "$S" rev-parse "$1" | cut -c1-10; }

# same DESCRIPTION OUT: OUT (just built with the cache) equals a clean
# build (no cache) of $S
same() {
	C=$S/.git/quire
	rm -rf "$TMP/aside" "$TMP/clean"
	mv "$C" "$TMP/aside"
	run "$S" build -o "$TMP/clean"
	rm -rf "$C"
	mv "$TMP/aside" "$C"
	if d=$(diff -r "$2" "$TMP/clean" 2>&1); then ok "$1"; else not_ok "$1" "$(printf '%s\n' "$d" | head -n 20)"; fi
}

HIDE='quire.on_page(function(page)
  if page.params.audience == "internal" then page.draft = true end
end)'
SECRET="Pay bands freeze in May, tell nobody"

site s
git -C "$S" init -q -b main
script "$S" 05-internal "$HIDE"
page "$S" other.md "Other" "Ordinary guidance."
commit "2026-01-01T10:00:00+00:00" "Ann Editor" "Start"
file "$S" pay.md "---\ntitle: Pay review\naudience: internal\n---\n$SECRET.\n"
commit "2026-01-05T10:00:00+00:00" "Ann Editor" "Draft the internal pay note"
file "$S" pay.md "---\ntitle: Pay review\naudience: internal\n---\n$SECRET, still.\n"
commit "2026-01-06T10:00:00+00:00" "Ann Editor" "Tighten the internal pay note"
R1=$(short HEAD~1); R2=$(short HEAD)
file "$S" pay.md '---\ntitle: Pay review\naudience: staff\n---\nPay bands are reviewed every year.\n'
commit "2026-02-01T10:00:00+00:00" "Bo Reviewer" "Publish the pay review"
R3=$(short HEAD)
run "$S" build
O=$S/public
status_is "a page a hook hid, since published, builds" "$RC" 0
check "the published page is written" test -f "$O/pay.html"
check "its published version has its past-version page" test -f "$O/pay.rev-$R3.html"
check "the first version the hook hid has no past-version page" test ! -e "$O/pay.rev-$R1.html"
check "nor has the second" test ! -e "$O/pay.rev-$R2.html"
lacks "the history page does not list the hidden versions" "$O/pay.history.html" "$R1"
lacks "nor the second" "$O/pay.history.html" "$R2"
lacks "nor their commit subjects" "$O/pay.history.html" "internal pay note"
contains "the history counts one revision" "$O/pay.html" "1 revision"
lacks "the recent changes leave them out" "$O/changes.html" "internal pay note"
lacks "and so does the feed" "$O/changes.xml" "internal pay note"
lacks "the feed names no hidden revision" "$O/changes.xml" "$R1"
check "the secret sentence is nowhere in OUT (pages, diffs, feeds, search files)" sh -c "! grep -rqF 'tell nobody' '$O'"
check "the published version shows as new (no diff against a hidden one)" sh -c "! grep -qF 'Tighten' '$O/pay.rev-$R3.html'"

# page.history in hooks leaves the hidden versions out too.
script "$S" 10-count 'quire.on_page(function(page)
  if page.history then
    local s = {}
    for _, r in ipairs(page.history.list) do s[#s + 1] = r.subject end
    page.params.note = page.history.revisions .. " revisions: " .. table.concat(s, "|")
  end
end)'
sed -i 's|<h1>{{title}}</h1>|<h1>{{title}}</h1><p id="note">{{params.note}}</p>|' \
	"$S/themes/default/templates/article.mustache"
run "$S" build
contains "page.history counts only the published revision" "$O/pay.html" '<p id="note">1 revisions: Publish the pay review</p>'
rm "$S/scripts/10-count.lua"

# --drafts shows what the hook hid, as it shows drafts.
run "$S" build --drafts -o "$TMP/drafts"
status_is "--drafts builds" "$RC" 0
check "with --drafts the hidden version's page is written" test -f "$TMP/drafts/pay.rev-$R1.html"
contains "and holds its text" "$TMP/drafts/pay.rev-$R1.html" "tell nobody"
contains "the history lists it" "$TMP/drafts/pay.history.html" "$R1"

# Without the hook the versions are published (the verdicts follow the
# scripts, not a stale cache).
mv "$S/scripts/05-internal.lua" "$TMP/05-internal.lua"
run "$S" build
check "without the hook, the version is shown again" test -f "$O/pay.rev-$R1.html"
mv "$TMP/05-internal.lua" "$S/scripts/05-internal.lua"
run "$S" build
check "with the hook back, it is hidden again" test ! -e "$O/pay.rev-$R1.html"
same "a rebuild with the hook back equals a clean build" "$O"

file "$S" pay.md '---\ntitle: Pay review\naudience: staff\n---\nPay bands are reviewed every year, in April.\n'
commit "2026-02-02T10:00:00+00:00" "Bo Reviewer" "Say when"
run "$S" build
same "after a new commit, the rebuild equals a clean build" "$O"
check "the hidden versions stay hidden after a new commit" test ! -e "$O/pay.rev-$R1.html"

# A handler that fails on old versions hides them, with a warning naming
# the file and the revision; the build succeeds.
script "$S" 20-legacy 'quire.on_page(function(page)
  if page.params.legacy then error("cannot read the legacy field " .. page.params.legacy) end
end)'
file "$S" leave.md '---\ntitle: Leave\nlegacy: old\n---\nOld leave text.\n'
commit "2026-03-01T10:00:00+00:00" "Ann Editor" "Leave, old style"
L1=$(short HEAD)
page "$S" leave.md "Leave" "New leave text."
commit "2026-03-02T10:00:00+00:00" "Ann Editor" "Leave, new style"
L2=$(short HEAD)
run "$S" build
status_is "a handler failing on an old version is no build error" "$RC" 0
contains "it is a warning naming the file" "$ERR" "content/leave.md"
contains "and the revision's short id" "$ERR" "$L1"
contains "and the handler's message, at its line" "$ERR" "scripts/20-legacy.lua:2: cannot read the legacy field old"
check "the version it failed on is hidden" test ! -e "$O/leave.rev-$L1.html"
check "the others are shown" test -f "$O/leave.rev-$L2.html"
lacks "its text is not in the history" "$O/leave.history.html" "Old leave"
run "$S" build
contains "a rebuild warns again" "$ERR" "$L1"
same "and equals a clean build" "$O"
rm "$S/scripts/20-legacy.lua"

# A handler that breaks a limit on an old version: that version is
# hidden, and the limit stops nothing else (the page itself is built).
script "$S" 25-loop 'quire.on_page(function(page)
  if page.params.spin then while true do end end
end)'
file "$S" spin.md '---\ntitle: Spin\nspin: true\n---\nSpinning text.\n'
commit "2026-03-10T10:00:00+00:00" "Ann Editor" "Spin, old style"
S1=$(short HEAD)
page "$S" spin.md "Spin" "Still text."
commit "2026-03-11T10:00:00+00:00" "Ann Editor" "Spin, new style"
run "$S" build
status_is "an endless loop on an old version is no build error" "$RC" 0
contains "it is a warning with the revision and the limit" "$ERR" "revision $S1 is left out (as a draft would be): an on_page handler failed on it: scripts/25-loop.lua:2: instruction budget exceeded"
check "that version is hidden" test ! -e "$O/spin.rev-$S1.html"
check "the page is built" test -f "$O/spin.html"
rm "$S/scripts/25-loop.lua"

# A handler reading quire.head while judging: an embargo that ends.
script "$S" 30-embargo 'quire.on_page(function(page)
  local e = page.params.embargo_until
  if e and quire.head and quire.head.time < e then page.draft = true end
end)'
file "$S" notice.md "---\ntitle: Notice\nembargo_until: $(date -d 2026-05-01T00:00:00Z +%s)\n---\nEmbargoed notice text.\n"
commit "2026-04-01T10:00:00+00:00" "Ann Editor" "Embargoed notice"
E1=$(short HEAD)
page "$S" notice.md "Notice" "Public notice."
commit "2026-04-02T10:00:00+00:00" "Ann Editor" "Public notice"
run "$S" build
check "a version a handler hides by quire.head is hidden while the head is before the embargo" \
	test ! -e "$O/notice.rev-$E1.html"
run "$S" build
check "and stays hidden at a rebuild of the same head (the verdict from the cache)" test ! -e "$O/notice.rev-$E1.html"
same "that rebuild equals a clean build" "$O"
page "$S" other.md "Other" "Ordinary guidance, edited after the embargo."
commit "2026-06-01T10:00:00+00:00" "Ann Editor" "After the embargo"
run "$S" build
check "and shown once a commit moves the head past it" test -f "$O/notice.rev-$E1.html"
same "the rebuild after the head moved equals a clean build" "$O"
rm "$S/scripts/30-embargo.lua"

# The same sources give the same bytes whatever -j.
run "$S" build -j 1 -o "$TMP/j1"
run "$S" build -j 4 -o "$TMP/j4"
check "-j 1 and -j 4 write the same bytes" diff -r "$TMP/j1" "$TMP/j4"

# page.past tells a past version from the page as it is now: a handler
# that hides the pages not committed yet (no history) leaves the past
# versions of the others alone when it checks it; without it, every past
# version has no history either, and is hidden.
site pastflag
git -C "$S" init -q -b main
file "$S" kept.md '---\ntitle: Kept\npast: a front-matter key\n---\nFirst text.\n'
commit "2026-01-01T10:00:00+00:00" "Ann Editor" "Add kept"
K1=$(short HEAD)
file "$S" kept.md '---\ntitle: Kept\npast: a front-matter key\n---\nSecond text.\n'
commit "2026-01-02T10:00:00+00:00" "Ann Editor" "Edit kept"
file "$S" new.md '---\ntitle: New\n---\nNot committed.\n'
script "$S" 10-committed 'quire.on_page(function(page)
  if page.past then return end
  if not page.history then page.draft = true end
end)'
run "$S" build
O=$S/public
status_is "a handler checking page.past builds" "$RC" 0
check "it hides the page not committed yet" test ! -e "$O/new.html"
check "and leaves the committed page's past versions alone" test -f "$O/kept.rev-$K1.html"
script "$S" 10-committed 'quire.on_page(function(page)
  if page.past then quire.log("past " .. page.path .. " " .. tostring(page.params.past)) return end
  quire.log("now " .. page.path .. " " .. tostring(page.past))
  if not page.history then page.draft = true end
end)'
run "$S" build
contains "page.past is nil on the page as it is now (a front-matter past: is params.past)" "$ERR" "now content/kept.md nil"
script "$S" 10-committed 'quire.on_page(function(page)
  if page.past == true and page.params.past == "a front-matter key" then page.draft = true end
end)'
run "$S" build
check "and true on a past version, whose own front-matter past: is params.past" test ! -e "$O/kept.rev-$K1.html"
script "$S" 10-committed 'quire.on_page(function(page)
  if not page.history then page.draft = true end
end)'
run "$S" build
check "without the check, the past versions are hidden too (page.history is nil on them)" \
	test ! -e "$O/kept.rev-$K1.html"

# A past version is its Markdown as written, without the site's filters:
# the newest one does not claim the guidance reads the same today when a
# filter shapes the current page.
site filtered
git -C "$S" init -q -b main
printf 'leave_days: 25\n' >> "$S/site.yml"
page "$S" a.md "Leave" "Annual leave is LEAVE_DAYS days."
commit "2026-01-01T10:00:00+00:00" "Ann" "Add leave"
run "$S" build
contains "without filters, the newest version is today's guidance" "$S/public/a.rev-$(short HEAD).html" "It reads the same as the guidance today."
script "$S" 10-vars 'quire.filter{ text = function(node)
  if node.literal:find("LEAVE_DAYS", 1, true) then
    return (node.literal:gsub("LEAVE_DAYS", tostring(quire.site.leave_days)))
  end
end }'
run "$S" build
contains "(the filter shapes the current page)" "$S/public/a.html" "Annual leave is 25 days."
lacks "with a filter, the newest version does not claim the page reads the same" "$S/public/a.rev-$(short HEAD).html" "It reads the same as the guidance today."
contains "it says its text does, and how the page may differ, in words staff use" "$S/public/a.rev-$(short HEAD).html" "Its text reads the same as the guidance today, though the guidance page may show it slightly differently (for example, with added links)."
lacks "(not \"the site's scripts\")" "$S/public/a.rev-$(short HEAD).html" "the site's scripts"
