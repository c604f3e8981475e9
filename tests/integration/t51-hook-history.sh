#!/bin/sh
# t51: what hooks read of the change history (page.history in on_page and
# in on_site's site.pages, quire.head for a "now" that keeps builds
# reproducible), and a hook hiding a page by setting page.draft, which
# leaves it out exactly as front matter's `draft: true` does.
. "$(dirname "$0")/lib.sh"

# note_template SITE: articles and sections show params.note
note_template() {
	for t in article section home; do
		sed -i 's|<h1>{{title}}</h1>|<h1>{{title}}</h1><p id="note">{{params.note}}</p>|' \
			"$1/themes/default/templates/$t.mustache"
	done
}

# ---- page.history --------------------------------------------------------
HISTORY_HOOK='-- a note from each page'"'"'s history, and a list of them all
local two_years = 2 * 365 * 24 * 3600
local function note(h)
  if not h then return "no history" end
  local subjects = {}
  for _, r in ipairs(h.list) do subjects[#subjects + 1] = #r.short_id .. ":" .. (r.subject or "-") end
  local last = h.list[1]
  return ("%d revisions; last %s by %s (%s); created %s; authors %s; subjects %s; stale %s"):format(
    h.revisions, last.date, h.author or "?", last.iso, tostring(h.created), table.concat(h.authors, "+"),
    table.concat(subjects, "|"), tostring(quire.head.time - (h.updated or 0) > two_years))
end
quire.on_page(function(page)
  page.params.note = note(page.history)
  page.history = "a hook cannot replace it"
end)
quire.on_site(function(site)
  local lines = { "Head " .. quire.head.date .. " " .. quire.head.short_id, "" }
  for _, p in ipairs(site.pages) do
    lines[#lines + 1] = "- " .. p.path .. ": " .. note(p.history)
  end
  quire.add_page{ path = "report", title = "History report", markdown = table.concat(lines, "\n") }
end)'

site h
note_template "$S"
git -C "$S" init -q -b main
page "$S" guide/old.md "Old guidance" "Unchanged for years."
page "$S" guide/index.md "Guide" "The guide."
commit "2020-05-01T10:00:00+00:00" "Ann Editor" "Start the guide"
file "$S" guide/leave.md '---\ntitle: Leave\ndraft: true\n---\nNot checked yet.\n'
commit "2026-02-01T10:00:00+00:00" "Dee Drafter" "Secret drafting subject"
page "$S" guide/leave.md "Leave" "Checked and published."
commit "2026-03-03T10:00:00+01:00" "Ann Editor" "Publish the leave guidance"
page "$S" guide/leave.md "Leave" "Checked, published and corrected."
commit "2026-04-20T09:30:00+01:00" "Bo Reviewer" "Correct the leave guidance"
page "$S" guide/new.md "New" "Not committed yet."
script "$S" 10-history "$HISTORY_HOOK"
run "$S" build
status_is "a site whose hooks read page.history builds" "$RC" 0
O=$S/public
contains "on_page sees the revisions as the page shows them (a draft's revision left out)" "$O/guide/leave.html" \
	'2 revisions; last 20 April 2026 by Bo Reviewer (2026-04-20T09:30:00+01:00)'
contains "and the page itself counts as many" "$O/guide/leave.html" '2 revisions — see what changed'
contains "created is when the page was published; authors and subjects newest first; short ids of 10" "$O/guide/leave.html" \
	"created $(date -d 2026-03-03T10:00:00+01:00 +%s); authors Bo Reviewer+Ann Editor; subjects 10:Correct the leave guidance|10:Publish the leave guidance;"
lacks "the draft's author is not among them" "$O/guide/leave.html" "Dee Drafter"
lacks "nor is the draft's commit subject" "$O/guide/leave.html" "Secret drafting subject"
contains "quire.head is HEAD's commit: an article unchanged for two years before it is stale" "$O/guide/old.html" "stale true"
contains "an article changed since is not" "$O/guide/leave.html" "stale false"
contains "a section with an index.md has its history" "$O/guide/index.html" "1 revisions; last 1 May 2020 by Ann Editor"
contains "an uncommitted article has none (page.history is nil)" "$O/guide/new.html" '<p id="note">no history</p>'
contains "nor has the home page quire makes" "$O/index.html" '<p id="note">no history</p>'
lacks "assigning page.history changes nothing" "$O/guide/leave.html" "cannot replace it"
head_short=$(git -C "$S" rev-parse HEAD | cut -c1-10)
contains "on_site sees quire.head (HEAD's date and short id)" "$O/report.html" "Head 20 April 2026 $head_short"
contains "on_site sees every page's history" "$O/report.html" "content/guide/leave.md: 2 revisions"
contains "and nil for a page without one" "$O/report.html" "content/guide/new.md: no history"
lacks "on_site's view leaves the draft's revision out too" "$O/report.html" "Secret drafting subject"

# The same commit builds the same pages whatever the number of threads.
run "$S" build -j 1 -o "$TMP/h-j1"
run "$S" build -j 4 -o "$TMP/h-j4"
check "with hooks reading history, -j 1 and -j 4 write the same bytes" diff -r "$TMP/h-j1" "$TMP/h-j4"

# --drafts shows every revision, in the page and to hooks alike.
run "$S" build --drafts -o "$TMP/h-drafts"
contains "with --drafts, hooks see the draft's revision too" "$TMP/h-drafts/guide/leave.html" \
	"3 revisions; last 20 April 2026 by Bo Reviewer"
contains "as the page shows it" "$TMP/h-drafts/guide/leave.html" "3 revisions — see what changed"

# A front-matter key named history stays the author's: under params.
file "$S" guide/keyed.md '---\ntitle: Keyed\nhistory: reviewed yearly\n---\nText.\n'
script "$S" 20-keyed 'quire.on_page(function(page)
  if page.path == "content/guide/keyed.md" then
    page.params.note = page.params.history .. " / " .. (page.history and "git" or "no git history")
  end
end)'
run "$S" build
contains "a front-matter key named history is params.history; page.history is still git's" \
	"$O/guide/keyed.html" "reviewed yearly / no git history"
rm "$S/content/guide/keyed.md" "$S/scripts/20-keyed.lua"

# A shallow clone's oldest commit changed nothing anyone made.
rm -r "$S/content/guide/new.md"
commit "2026-04-21T09:00:00+00:00" "Ann Editor" "Scripts and theme"
git clone -q --depth 1 "file://$S" "$TMP/h-shallow" 2>/dev/null
script "$TMP/h-shallow" 10-history 'quire.on_page(function(page)
  local h = page.history
  if h then
    local r = h.list[1]
    page.params.note = ("boundary %s author %s subject %s updated %s created %s"):format(tostring(r.boundary),
      tostring(r.author), tostring(r.subject), tostring(h.updated), tostring(h.created))
  end
end)'
run "$TMP/h-shallow" build
contains "in a shallow clone the boundary revision has no author or subject, and no updated or created time" \
	"$TMP/h-shallow/public/guide/old.html" "boundary true author nil subject nil updated nil created nil"

# history: false, or no repository: no history and no head.
script "$S" 10-history 'quire.on_page(function(page)
  page.params.note = ("history %s head %s"):format(tostring(page.history), tostring(quire.head))
end)'
printf 'title: Test site\nhistory: false\n' > "$S/site.yml"
run "$S" build
contains "with history: false, page.history and quire.head are nil" "$O/guide/leave.html" "history nil head nil"
site nogit
note_template "$S"
page "$S" a.md "Alpha" "Text."
script "$S" 10-history 'quire.on_page(function(page)
  page.params.note = ("history %s head %s"):format(tostring(page.history), tostring(quire.head))
end)'
run "$S" build
contains "outside a repository, page.history and quire.head are nil" "$S/public/a.html" "history nil head nil"

# ---- page.draft: a hook hides a page --------------------------------------
HIDE_HOOK='quire.on_page(function(page)
  if page.params.internal then page.draft = true end
  if page.path == "open/index" then page.draft = true end
end)
quire.on_site(function(site)
  local seen = {}
  for _, p in ipairs(site.pages) do seen[#seen + 1] = p.path end
  quire.add_page{ path = "seen", title = "Seen", markdown = table.concat(seen, " ") }
end)'

site hide
git -C "$S" init -q -b main
page "$S" open/visible.md "Visible" "Published text."
file "$S" open/staff.md '---\ntitle: Staff only\ninternal: true\naliases: [old/staff]\n---\nSee [the form](form.pdf) and [the policy](policy.pdf).\n'
printf 'PDF' > "$S/content/open/form.pdf"
printf 'PDF' > "$S/content/open/policy.pdf"
page "$S" open/uses-policy.md "Uses the policy" "Read [the policy](policy.pdf)."
file "$S" closed/only.md '---\ntitle: Only page\ninternal: true\n---\nHidden with its folder.\n'
file "$S" team/index.md '---\ntitle: Team intro\ninternal: true\n---\nAbout the team.\n'
page "$S" team/member.md "Member" "A published page in the team folder."
commit "2026-01-01T10:00:00+00:00" "Ann Editor" "Staff-only guidance"
script "$S" 10-hide "$HIDE_HOOK"
run "$S" build
status_is "a site whose hook hides pages builds" "$RC" 0
O=$S/public
check "a page a hook set draft on is not written" test ! -f "$O/open/staff.html"
check "nor its history" test ! -f "$O/open/staff.history.html"
check "nor a redirect from its alias" test ! -f "$O/old/staff.html"
lacks "nor is it in the search index" "$O/search-index.js" "Staff only"
lacks "nor in the recent changes" "$O/changes.html" "Staff only"
lacks "nor in its section's list" "$O/open/index.html" "Staff only"
check "a file only the hidden page links to is not published (as a draft's)" test ! -f "$O/open/form.pdf"
check "one a published page links to too is" test -f "$O/open/policy.pdf"
check "a folder whose every page is hidden gets no section page" test ! -f "$O/closed/index.html"
lacks "and is not in the navigation" "$O/index.html" 'closed/index.html'
check "a folder whose index.md is hidden gets the section page quire makes" test -f "$O/team/index.html"
lacks "without the hidden index.md's text" "$O/team/index.html" "About the team"
check "a generated section page stays while its folder has pages (draft on it is ignored)" test -f "$O/open/index.html"
contains "on_site sees the published pages" "$O/seen.html" "content/open/visible.md"
lacks "but not a hidden page" "$O/seen.html" "content/open/staff.md"
lacks "nor a hidden index.md" "$O/seen.html" "content/team/index.md"
contains "and sees the section page standing in for it" "$O/seen.html" "team/index"

run "$S" check
contains "quire check counts hidden pages as drafts not checked" "$ERR" "checked 3 articles (3 drafts not checked: use --drafts)"

# A link to a hidden page is an error as a link to a draft is, saying why.
cp -r "$O" "$TMP/hide-before"
page "$S" open/links.md "Links" "See [[Staff only]] and [staff](staff.md)."
run "$S" build
status_is "a link to a page a hook hid fails the build" "$RC" 1
contains "as a link to a draft does, at its line, by title" "$ERR" \
	"content/open/links.md:4:5: error: wiki link [[Staff only]]: content/open/staff.md is hidden by a script's on_page hook (page.draft = true) and will not be published"
contains "and by path" "$ERR" "content/open/links.md:4:24: error: link to 'staff.md': content/open/staff.md is hidden by a script's on_page hook (page.draft = true) and will not be published"
lacks "without advising draft: false, which would not publish it" "$ERR" "draft: false"
lacks "the hook is not blamed" "$ERR" "scripts/"
check "the failed build leaves the output as it was" diff -r "$O" "$TMP/hide-before"

# A hook may rename the page it hides: a link by either title is to a draft.
script "$S" 20-rename 'quire.on_page(function(page) if page.params.internal then page.title = "Renamed " .. page.title end end)'
page "$S" open/links.md "Links" "See [[Staff only]] and [[Renamed Staff only]]."
run "$S" build
contains "a link by the title before the hook ran is a link to a draft" "$ERR" "[[Staff only]]: content/open/staff.md is hidden by a script's on_page hook"
contains "and so is one by the title the hook gave" "$ERR" "[[Renamed Staff only]]: content/open/staff.md is hidden by a script's on_page hook"
rm "$S/content/open/links.md" "$S/scripts/20-rename.lua"

# An added page may take a hidden page's address, as it may a draft's.
script "$S" 30-take 'quire.on_site(function() quire.add_page{ path = "open/staff", title = "Ask HR", markdown = "Ask HR." } end)'
run "$S" build
status_is "a page added at a hidden page's address builds" "$RC" 0
contains "and is written there" "$O/open/staff.html" "Ask HR"
rm "$S/scripts/30-take.lua"

# --drafts shows what hooks hid, as it shows drafts.
run "$S" build --drafts -o "$TMP/hide-drafts"
status_is "a preview with --drafts builds" "$RC" 0
check "with --drafts, a hidden page is built" test -f "$TMP/hide-drafts/open/staff.html"
check "with its attachment" test -f "$TMP/hide-drafts/open/form.pdf"
contains "the hidden index.md is its section's page" "$TMP/hide-drafts/team/index.html" "About the team"
check "and the folder of hidden pages has its section page" test -f "$TMP/hide-drafts/closed/index.html"

# A hook cannot publish a draft: hooks never see one.
file "$S" open/real-draft.md '---\ntitle: Real draft\ndraft: true\n---\nNot ready.\n'
script "$S" 40-undraft 'quire.on_page(function(page) page.draft = false end)'
run "$S" build
status_is "a hook setting draft = false builds" "$RC" 0
check "but publishes no draft" test ! -f "$O/open/real-draft.html"
check "and hides nothing" test -f "$O/open/visible.html"
script "$S" 50-bad 'quire.on_page(function(page) page.draft = "yes" end)'
run "$S" build
status_is "page.draft must be a boolean" "$RC" 1
contains "the error names the handler's line and what is wrong" "$ERR" "scripts/50-bad.lua:1:1: error: page.draft must be a boolean"

# page.path is the build's: a handler that changes it changes neither the
# page nor the history a later handler reads.
site pathfix
git -C "$S" init -q -b main
file "$S" a.md '---\ntitle: A\n---\na\n'
commit "2026-04-20T09:30:00+01:00" "Ann Editor" "add a"
file "$S" b.md '---\ntitle: B\n---\nb\n'
commit "2026-04-21T09:30:00+01:00" "Ann Editor" "add b"
script "$S" 10-move 'quire.on_page(function(page) if page.path == "content/a.md" then page.path = "content/b.md" end end)'
script "$S" 20-read 'quire.on_page(function(page) if page.history then quire.log(page.url .. " " .. page.path .. " " .. page.history.list[1].subject) end end)'
run "$S" build
status_is "a handler changing page.path builds" "$RC" 0
contains "a later handler sees the page's own path" "$ERR" "a.html content/a.md add a"
contains "and its own history" "$ERR" "b.html content/b.md add b"

# Each revision says where the file was then, and whether it deleted it:
# a page moved, and a page deleted and made again.
site moves
git -C "$S" init -q -b main
file "$S" internal/policy.md '---\ntitle: Policy\n---\nFirst.\n'
file "$S" gone.md '---\ntitle: Gone\n---\nOnce.\n'
commit "2026-01-01T10:00:00+00:00" "Ann Editor" "add both"
git -C "$S" mv content/internal/policy.md content/policy.md
commit "2026-01-02T10:00:00+00:00" "Ann Editor" "move the policy"
git -C "$S" rm -q content/gone.md
commit "2026-01-03T10:00:00+00:00" "Ann Editor" "delete gone"
file "$S" gone.md '---\ntitle: Gone\n---\nBack again.\n'
commit "2026-01-04T10:00:00+00:00" "Ann Editor" "make gone again"
script "$S" 10-paths 'quire.on_page(function(page)
  if not page.history then return end
  local s = {}
  for _, r in ipairs(page.history.list) do s[#s + 1] = r.subject .. "@" .. r.path .. (r.deleted and " (deleted)" or "") end
  quire.log(page.path .. ": " .. table.concat(s, "; "))
end)'
run "$S" build
status_is "a site with a moved and a re-made page builds" "$RC" 0
contains "a revision says where the file was then" "$ERR" "content/policy.md: move the policy@content/policy.md; add both@content/internal/policy.md"
contains "and a deletion says so" "$ERR" "content/gone.md: make gone again@content/gone.md; delete gone@content/gone.md (deleted); add both@content/gone.md"

# Two pages whose output names differ only in case clash (a case-blind
# disk would get one file), unless an on_page handler hides one of them.
site caseclash
file "$S" Leave.md '---\ntitle: Leave (staff only)\naudience: internal\n---\nInternal text.\n'
file "$S" leave.md '---\ntitle: Leave\n---\nPublic text.\n'
script "$S" 10-internal 'quire.on_page(function(page)
  if page.params.audience == "internal" then page.draft = true end
end)'
run "$S" build
status_is "a page hidden by a hook does not clash with the page it shares a name with" "$RC" 0
contains "the public page is built" "$S/public/leave.html" "Public text."
check "the hidden one is not" test ! -e "$S/public/Leave.html"
file "$S" Leave.md '---\ntitle: Leave (staff)\n---\nStaff text.\n'
file "$S" leave.md '---\ntitle: Leave\naudience: internal\n---\nInternal text.\n'
run "$S" build
status_is "nor when the hidden one comes second" "$RC" 0
contains "(the other is built)" "$S/public/Leave.html" "Staff text."
file "$S" leave.md '---\ntitle: Leave\n---\nPublic text.\n'
run "$S" build
status_is "with neither hidden, the two clash" "$RC" 1
contains "as they would without hooks" "$ERR" "writes the same output file 'leave.html' as content/Leave.md"
rm "$S/scripts/10-internal.lua"
run "$S" build
contains "(without hooks, the same error)" "$ERR" "writes the same output file 'leave.html' as content/Leave.md"
