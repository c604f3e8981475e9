#!/bin/sh
# t50: Lua hooks in scripts/: what a script author can do (on_page, on_site,
# add_page, filters, slug, markdown, log), that every sandbox escape fails
# the build quickly at the script's line and leaves the previous output
# alone, and that the real site's scripts produce their pages.
. "$(dirname "$0")/lib.sh"

# ---- on_page -----------------------------------------------------------
site pg
page "$S" rights/privacy.md "Privacy at work" "## First\n\nBody with MARKER and [speech](speech.md)."
page "$S" rights/speech.md "Free speech" "Body."
script "$S" 10-pages '-- changes a title, adds a tag, tries to change the body
quire.on_page(function(page)
  if page.kind ~= "article" then return end
  if page.body:find("MARKER", 1, true) then
    page.title = page.title .. " (checked by a hook)"
    page.tags = page.tags or {}
    table.insert(page.tags, "Hook added")
  end
  page.params.source = page.path
  page.body = "This text must not reach the page."
end)'
run "$S" build
status_is "a site with an on_page hook builds" "$RC" 0
O=$S/public
contains "on_page can change a title (shown in <h1>)" "$O/rights/privacy.html" "<h1>Privacy at work (checked by a hook)</h1>"
contains "the changed title is used by links to the page" "$O/rights/index.html" "Privacy at work (checked by a hook)"
contains "on_page sees the Markdown body: pages without the marker keep their title" "$O/rights/speech.html" "<h1>Free speech</h1>"
check "a tag added by on_page gets a tag page" test -f "$O/tags/hook-added.html"
contains "the tag page lists the page" "$O/tags/hook-added.html" "privacy.html"
lacks "page.body is read-only: changing it does not change the page" "$O/rights/privacy.html" "must not reach the page"
contains "the page still renders its own body" "$O/rights/privacy.html" 'href="speech.html"'

# ---- on_site, add_page, slug, markdown ---------------------------------
site st
page "$S" rights/privacy.md "Privacy at work" "## Monitoring rules\n\nSee [[listing]] and [[raw]]."
page "$S" rights/speech.md "Free speech" "Body with [a law](https://www.legislation.gov.uk/ukpga/1998/42/contents)."
script "$S" 20-site '-- lists every article, its headings and links, on an added page
quire.on_site(function(site)
  local lines = { "Pages of " .. site.site.title .. ":", "" }
  for _, p in ipairs(site.pages) do
    if p.kind == "article" then
      local src = p.path:gsub("^content/", "")
      local hs = {}
      for _, h in ipairs(p.headings) do hs[#hs + 1] = h.text .. "=" .. h.id end
      lines[#lines + 1] = ("- [%s](../%s) headings:%s links:%s"):format(
        p.title, src, table.concat(hs, ","), table.concat(p.links, ","))
    end
  end
  quire.add_page{ path = "extra/listing", title = "All the pages",
    markdown = table.concat(lines, "\n") .. "\n\nBack to [monitoring](../rights/privacy.md#monitoring-rules).\n" }
  quire.add_page{ path = "extra/raw.html", title = "Raw page", template = "page",
    html = quire.markdown("Some *emphasis*.") .. "<p id=\"slug\">" .. quire.slug("Court Orders & Costs: Part 2") .. "</p>",
    data = { audience = "hr", params = { kept = "yes" } } }
end)'
sed -i 's|<h1>{{title}}</h1>|<h1>{{title}}</h1><p id="data">{{params.audience}}/{{params.kept}}</p>|' "$S/themes/default/templates/page.mustache"
run "$S" build
status_is "a site with an on_site hook builds" "$RC" 0
O=$S/public
check "add_page with markdown writes OUT/PATH.html" test -f "$O/extra/listing.html"
contains "add_page's other data keys reach templates under params, beside data.params" "$O/extra/raw.html" '<p id="data">hr/yes</p>'
contains "the added page is rendered with the theme (title in <h1>)" "$O/extra/listing.html" "<h1>All the pages</h1>"
contains "on_site sees site.yml (site.site.title)" "$O/extra/listing.html" "Pages of Test site:"
contains "on_site sees every article's title" "$O/extra/listing.html" "Free speech"
contains "on_site sees headings (text and id)" "$O/extra/listing.html" "Monitoring rules=monitoring-rules"
contains "on_site sees each page's links" "$O/extra/listing.html" "https://www.legislation.gov.uk/ukpga/1998/42/contents"
contains "Markdown links in an added page resolve to the article's .html" "$O/extra/listing.html" 'href="../rights/privacy.html#monitoring-rules"'
check "add_page with html (path given with .html) writes OUT/extra/raw.html" test -f "$O/extra/raw.html"
contains "quire.markdown renders Markdown to HTML" "$O/extra/raw.html" "<em>emphasis</em>"
contains "quire.slug makes a heading-style slug" "$O/extra/raw.html" '<p id="slug">court-orders-costs-part-2</p>'
contains "articles can link to an added page by name ([[listing]])" "$O/rights/privacy.html" 'href="../extra/listing.html"'
contains "added pages are in the search index" "$O/search-index.js" "All the pages"

# A broken on_site hook is the one error: the pages it would have added are
# missing, but the articles linking to them are not at fault.
cat > "$S/scripts/30-broken.lua" <<'EOF'
quire.on_site(function(site)
  local x = nil
  return x.field
end)
EOF
run "$S" build
status_is "a failing on_site hook fails the build" "$RC" 1
contains "it is reported at its line" "$ERR" "scripts/30-broken.lua:3:"
lacks "an article linking to a page the hooks add is not blamed" "$ERR" "content/rights/privacy.md"
contains "one error in all" "$ERR" "1 error"
rm "$S/scripts/30-broken.lua"
# So is a script that does not load: the scripts add no page, and the
# articles linking to their pages are not blamed for it.
printf 'quire.on_site(function(site)\n  if then end\nend)\n' > "$S/scripts/30-broken.lua"
run "$S" build
status_is "a script that does not load fails the build" "$RC" 1
contains "it is reported at its line" "$ERR" "scripts/30-broken.lua:2:"
lacks "an article linking to a page the other scripts add is not blamed" "$ERR" "content/rights/privacy.md"
contains "one error in all" "$ERR" "1 error"
rm "$S/scripts/30-broken.lua"

# print() in a filter (run on pages on every core, and again for pages
# whose links are resolved late) gives the same messages on every build,
# each once.
site flog
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do page "$S" "p$i.md" "P$i" "Text $i."; done
script "$S" 10-f 'quire.filter{ paragraph = function(n, page_path) print("para in " .. page_path) end }'
"$QUIRE" build -j 2 -s "$S" -o "$TMP/flog-out" 2>&1 | grep -v '^built' > "$TMP/flog1"
"$QUIRE" build -j 2 -s "$S" -o "$TMP/flog-out" --force 2>&1 | grep -v '^built' > "$TMP/flog2"
check "a filter's prints come in the same order on every build" cmp "$TMP/flog1" "$TMP/flog2"
n=$(grep -c 'para in content/p7.md' "$TMP/flog1")
[ "$n" = 1 ] && ok "and each once" || not_ok "and each once" "seen $n times"

# Pages added with one text: the second on is found in the build cache as
# the first is made (a write past the end of a per-page table, caught by
# AddressSanitizer).
site same
page "$S" a.md "A" "Text."
script "$S" 10-same 'quire.on_site(function(site)
  for i = 1, 8 do quire.add_page{ path = "same/p" .. i, title = "Same " .. i, markdown = "One text." } end
end)'
run "$S" build
status_is "a hook adding pages with one text builds" "$RC" 0
contains "each of them" "$S/public/same/p8.html" "One text."
run "$S" build
status_is "and builds again from the cache" "$RC" 0

site br
page "$S" rights/speech.md "Free speech" "Body."
script "$S" 20-site '-- line 1
quire.on_site(function(site)
  quire.add_page{ path = "extra/broken", title = "Broken", markdown = "A [bad link](../rights/nowhere.md).\n" }
end)'
run "$S" build
status_is "a broken link in an added page fails the build" "$RC" 1
contains "the diagnostic names the added page and the link" "$ERR" "extra/broken:1:"
contains "the diagnostic says the target does not exist" "$ERR" "'../rights/nowhere.md' does not exist"
contains "and names the script line that added the page" "$ERR" "(in the page added at scripts/20-site.lua:3)"
contains "it is the only error" "$ERR" "1 error, "

script "$S" 20-site '-- line 1
quire.on_site(function(site)
  quire.add_page{ path = "rights/speech", title = "Clash", html = "<p>x</p>" }
end)'
run "$S" build
status_is "an added page that would overwrite an article fails the build" "$RC" 1
contains "the clash is reported" "$ERR" "writes the same output file 'rights/speech.html'"

# ---- filters -----------------------------------------------------------
site fl
printf 'title: Test site\nhistory: false\n' > "$S/site.yml"
page "$S" rights/speech.md "Free speech" "Body with [a law](https://www.legislation.gov.uk/ukpga/1998/42/contents)."
script "$S" 20-filter '-- marks links to legislation.gov.uk and rewrites a word
quire.filter{
  link = function(link)
    if link.url:find("legislation.gov.uk", 1, true) then
      link.title = "Human Rights Act 1998"
      return link
    end
  end,
  text = function(t)
    if t.literal:find("Body with", 1, true) then
      return { literal = t.literal:gsub("Body with", "Text with") }
    end
  end,
}'
run "$S" build
status_is "a site with a document filter builds" "$RC" 0
contains "a link filter can set a link's title" "$S/public/rights/speech.html" 'title="Human Rights Act 1998"'
contains "a text filter can change text" "$S/public/rights/speech.html" "Text with"
# print.html shows each article as its page does, filters and all
contains "print.html shows the filter's link title" "$S/public/print.html" 'title="Human Rights Act 1998"'
contains "and its changed text" "$S/public/print.html" "Text with"
lacks "not the text as written" "$S/public/print.html" "Body with"

# A text node replaced by Markdown keeps the blanks at its ends: they part
# it from the link or emphasis beside it (docs/hooks.md's glossary example).
page "$S" rights/words.md "Words" "One two [x](https://e.org) three *em* four, and a Norwich Pharmacal order here."
page "$S" reference/glossary-terms.md "Terms" "## Norwich Pharmacal order\n\nText."
script "$S" 20-filter '-- returns text nodes as Markdown, and links a term
quire.filter{
  text = function(node, page_path)
    if node.literal:find("Norwich Pharmacal order", 1, true) and not page_path:find("glossary") then
      return (node.literal:gsub("Norwich Pharmacal order", "[%0](../reference/glossary-terms.md#norwich-pharmacal-order)", 1))
    end
    return node.literal
  end,
}'
run "$S" build
status_is "a filter that returns text as Markdown builds" "$RC" 0
contains "the words around a link stay apart" "$S/public/rights/words.html" '<p>One two <a href="https://e.org"'
contains "and after it" "$S/public/rights/words.html" '</a> three <em>em</em> four, and a <a href="../reference/glossary-terms.html#norwich-pharmacal-order">Norwich Pharmacal order</a> here.</p>'
contains "in print.html, a filter's link is resolved from the site's root" "$S/public/print.html" \
	'four, and a <a href="reference/glossary-terms.html#norwich-pharmacal-order">Norwich Pharmacal order</a> here.</p>'
rm "$S/content/rights/words.md" "$S/content/reference/glossary-terms.md"

script "$S" 20-filter '-- a filter that creates a broken link
quire.filter{
  text = function(t)
    if t.literal:find("Body with", 1, true) then
      return "[made up](nowhere.md)"
    end
  end,
}'
run "$S" build
status_is "a link created by a filter is checked: a broken one fails the build" "$RC" 1
contains "the broken filter-made link is reported on the article" "$ERR" "content/rights/speech.md"
contains "once, and counted once, though the filter runs more than once" "$ERR" "1 error, 0 warnings"

# A filter's raw HTML (let through where the site allows raw HTML) may hold
# bytes that are not UTF-8: the page is then checked and made valid.
site fu
printf 'markdown:\n  unsafe_html: true\n' >> "$S/site.yml"
page "$S" a.md "Alpha" "Body with a word."
script "$S" 20-filter '-- a filter that puts bytes that are not UTF-8 into the HTML
quire.filter{
  text = function(t)
    if t.literal:find("Body with", 1, true) then
      return { html = "<b>caf\xe9</b>" }
    end
  end,
}'
run "$S" build
status_is "a filter's raw HTML that is not UTF-8 still builds" "$RC" 0
contains "its bad bytes are replaced" "$S/public/a.html" "<b>caf?</b>"
check "and the page is valid UTF-8" python3 -c "import sys; open(sys.argv[1], 'rb').read().decode('utf-8')" "$S/public/a.html"

# ---- log and print ------------------------------------------------------
site lg
page "$S" a.md "Alpha" "Text."
script "$S" 30-log '-- logs while loading and from a hook
print("loading", 42)
print(string.rep("x", 100000))
quire.on_site(function(site)
  quire.log("saw " .. #site.pages .. " pages")
end)'
run "$S" build
status_is "quire.log and print do not fail the build" "$RC" 0
contains "print becomes a warning at the script's line" "$ERR" "scripts/30-log.lua:2:"
contains "print joins its arguments with a tab" "$ERR" "loading	42"
contains "a huge print is cut to 4096 bytes, saying how much more there was" "$ERR" "xxx… (95904 more bytes)"
check "so the build's messages stay readable" test "$(wc -c < "$ERR")" -lt 10000
contains "quire.log becomes a warning at the script's line" "$ERR" "scripts/30-log.lua:5:"
contains "quire.log's message is shown" "$ERR" "saw 2 pages"
if [ -s "$TMP/stdout" ]; then not_ok "nothing from a script reaches stdout" "$(cat "$TMP/stdout")"; else ok "nothing from a script reaches stdout"; fi

# ---- the sandbox --------------------------------------------------------
# Every case: build once without the bad script, add it, build again into
# the same OUT.  The build must fail with status 1 within seconds, name the
# script's line, leave OUT byte-identical and write nothing in the site.
site sb
page "$S" a.md "Alpha" "Text."
page "$S" b.md "Beta" "Text."
script "$S" 10-good '-- a good script the bad ones run next to
quire.on_page(function(page) page.params.good = true end)'
"$QUIRE" build -s "$S" -o "$TMP/sb-out" >/dev/null 2>&1
cp -a "$TMP/sb-out" "$TMP/sb-before"

# violation DESCRIPTION LINE CODE [MESSAGE]: CODE goes into scripts/50-bad.lua
# after two comment lines, so its first line is line 3.
violation() {
	printf -- '-- a bad script\n-- %s\n%s\n' "$1" "$3" > "$S/scripts/50-bad.lua"
	touch "$TMP/sb-mark"
	sleep 1
	t0=$(date +%s)
	timeout 60 "$QUIRE" build -s "$S" -o "$TMP/sb-out" >"$TMP/stdout" 2>"$TMP/stderr"
	RC=$?
	secs=$(($(date +%s) - t0))
	status_is "$1: the build fails with status 1" "$RC" 1
	contains "$1: the error is at scripts/50-bad.lua:$2" "$TMP/stderr" "scripts/50-bad.lua:$2:"
	[ -n "${4:-}" ] && contains "$1: the message says what happened" "$TMP/stderr" "$4"
	if [ "$secs" -le 20 ]; then ok "$1: it stops within seconds (${secs}s)"; else not_ok "$1: it stops within seconds" "took ${secs}s"; fi
	check "$1: the previous OUT is byte-identical" diff -r "$TMP/sb-before" "$TMP/sb-out"
	new=$(find "$S" -newer "$TMP/sb-mark" ! -name 50-bad.lua)
	if [ -z "$new" ]; then ok "$1: nothing is written in the site folder"; else not_ok "$1: nothing is written in the site folder" "$new"; fi
	rm -f "$S/scripts/50-bad.lua"
}

violation "io.open" 3 'local f = io.open("/etc/passwd")' "global 'io'"
violation "os.execute" 3 "os.execute('touch $TMP/pwned')" "global 'os'"
check "os.execute ran nothing" test ! -e "$TMP/pwned"
violation "require" 3 'local io = require("io")' "global 'require'"
violation "package" 3 'package.loaded.io.open("/etc/passwd")' "global 'package'"
violation "debug" 3 'debug.sethook()' "global 'debug'"
violation "load with bytecode" 3 'local f = load(string.char(27) .. "LuaT\0", "x", "b")' "global 'load'"
violation "string.dump" 3 'local code = string.dump(function() end)' "field 'dump'"
violation "dofile" 3 'dofile("/etc/passwd")' "global 'dofile'"
violation "an endless loop inside pcall" 4 'quire.on_page(function(page)
  pcall(function() while true do end end)
end)' "instruction budget exceeded"
violation "an endless loop inside xpcall at load time" 3 'xpcall(function() while true do end end, function(e) return e end)' "instruction budget exceeded"
violation "a memory bomb of tables" 3 'local t = {} for i = 1, 1e9 do t[i] = { i } end' "memory limit exceeded"
violation "a memory bomb of doubled strings" 3 'local s = "x" for i = 1, 40 do s = s .. s end' "memory limit exceeded"
violation "string.rep beyond its cap" 3 'local s = string.rep("x", 1e9)' "string.rep"
violation "add_page with markdown past an article's limit" 4 'quire.on_site(function(site)
  quire.add_page{ path = "big", title = "Big", markdown = string.rep("word ", 2 * 1024 * 1024) }
end)' "markdown is larger than the 8 MiB limit on an article"
violation "add_page with a title past an article's limit" 4 'quire.on_site(function(site)
  quire.add_page{ path = "big", title = string.rep("x", 9 * 1024 * 1024), markdown = "small" }
end)' "title is larger than the 8 MiB limit on an article"
violation "add_page called until its copies pass the Lua memory limit" 5 'local s = string.rep("word ", 1400 * 1024)
quire.on_site(function(site)
  for i = 1, 60 do quire.add_page{ path = "p" .. i, title = "p" .. i, markdown = s } end
end)' "the pages added come to more than 256 MB"
violation "a loop of the largest table.moves (each counted, element by element)" 3 'local a, b = {}, {} while true do table.move(a, 1, (1 << 24) - 1, 1, b) end' "instruction budget exceeded"
violation "table.move over a huge empty range (a loop in C the time limit cannot stop)" 3 'table.move({}, 1, math.maxinteger - 1, 1, {})' "table.move: more than"
violation "deep recursion" 3 'local function f(n) return 1 + f(n + 1) end f(1)' "stack overflow"
violation "changing a library table" 3 'string.upper = function() return "pwned" end' "read-only"
violation "rawset on a library table" 3 'rawset(string, "upper", print)' "read-only"
violation "the string metatable" 3 'getmetatable("").__index = { len = print }'
violation "error() with a table" 4 'quire.on_site(function(site)
  error({ code = 1 })
end)' "error object is a table value"
violation "error() with nil" 4 'quire.on_site(function(site)
  error(nil)
end)' "error object is a nil value"
violation "a NaN handed back" 3 'quire.on_page(function(page) page.params.x = 0/0 end)' "NaN cannot cross"
violation "a cyclic table handed back" 3 'quire.on_page(function(page) local t = {} t.self = t page.params.c = t end)' "table contains itself"
violation "a function handed back" 3 'quire.on_page(function(page) page.params.f = print end)' "page.params.f"
violation "a wrong type for title" 3 'quire.on_page(function(page) page.title = 42 end)' "page.title must be a string"
violation "add_page with a .. path" 4 'quire.on_site(function(site)
  quire.add_page{ path = "../escape", title = "Escape", html = "<p>x</p>" }
end)' "must not contain '.' or '..'"
violation "add_page with an absolute path" 4 'quire.on_site(function(site)
  quire.add_page{ path = "/tmp/escape", title = "Escape", html = "<p>x</p>" }
end)' "must be relative"
violation "add_page with a tag that is not text (it crashed the build)" 4 'quire.on_site(function(site)
  quire.add_page{ path = "t5", title = "T", markdown = "x", data = { tags = { 5 } } }
end)' "quire.add_page: data: page.tags must be a sequence of strings"
violation "add_page with a weight that is not a number" 4 'quire.on_site(function(site)
  quire.add_page{ path = "t6", title = "T", markdown = "x", data = { weight = "heavy" } }
end)' "quire.add_page: data: page.weight must be a number"
violation "add_page with an empty tag" 4 'quire.on_site(function(site)
  quire.add_page{ path = "t7", title = "T", markdown = "x", data = { tags = { "" } } }
end)' "page.tags holds an empty tag"
violation "add_page at the home page quire makes (it vanished without a word)" 4 'quire.on_site(function(site)
  quire.add_page{ path = "index", title = "Home", markdown = "x" }
end)' "'index' is the section page quire makes for the folder ''; write content/index.md"
violation "an empty title" 3 'quire.on_page(function(page) page.title = "" end)' "page.title must not be empty"
violation "add_page with a template the theme lacks" 4 'quire.on_site(function(site)
  quire.add_page{ path = "t8", title = "T", markdown = "x", template = "nope" }
end)' "quire.add_page: 't8' has the unknown template 'nope'"
violation "on_page naming a template the theme lacks (it was reported at the theme)" 3 'quire.on_page(function(page) page.template = "nope" end)' "page.template: the theme has no template 'nope'"
violation "quire.relpath out of content/" 3 'quire.on_site(function(site) quire.relpath("a", "../x.md") end)' "quire.relpath: both paths must be relative to content/"
violation "add_page outside on_site" 3 'quire.add_page{ path = "x", title = "X", html = "" }' "only be called from an on_site handler"
check "no page escaped OUT" test ! -e "$TMP/escape.html" -a ! -e /tmp/escape.html

# Each script has its own globals and cannot reach into the next one.
script "$S" 20-tamper '-- tries to leak into later scripts
shared = "from 20"
pcall(function() string.len = function() return 0 end end)
pcall(function() getmetatable("").__index = {} end)
-- with its own _G gone, _G must not lead to the table every script reads through
_G = nil
pcall(function() _G.shared = "through _G" end)
pcall(function() _G.string.len = function() return 0 end end)'
script "$S" 30-victim '-- must see clean globals and a working string library
if shared ~= nil then error("saw a global of another script") end
if ("abc"):upper() ~= "ABC" or #"abc" ~= 3 or string.len("abc") ~= 3 then
  error("the string library was changed by another script")
end'
run "$S" build -o "$TMP/sb-out2"
status_is "a script cannot change what a later script sees" "$RC" 0
rm -f "$S/scripts/20-tamper.lua" "$S/scripts/30-victim.lua"

# Messages of NaN errors name the field correctly on every page: had a
# later page's message come out otherwise, it would be a second error.
printf -- '-- NaN on every page\nquire.on_page(function(page) page.params.x = 0/0 end)\n' > "$S/scripts/50-bad.lua"
run "$S" build -o "$TMP/sb-out3"
n_all=$(grep -ac "NaN cannot cross" "$ERR")
n_good=$(grep -ac "error: page.params.x: NaN cannot cross.*it failed for 3 pages" "$ERR")
if [ "$n_all" = 1 ] && [ "$n_good" = 1 ]; then ok "every page's error names page.params.x cleanly"; else not_ok "every page's error names page.params.x cleanly" "$(cat -v "$ERR")"; fi
rm -f "$S/scripts/50-bad.lua"

# One bug in a handler fails it for every page alike: it is reported once,
# with how many pages it failed for and the first few, not once a page.
for i in 1 2 3 4 5 6; do page "$S" "many/m$i.md" "M$i"; done
printf -- '-- a bug\nquire.on_page(function(page)\n  return page.params.x.y\nend)\n' > "$S/scripts/50-bad.lua"
run "$S" check
status_is "a handler that fails for every page fails the check" "$RC" 1
contains "its error is reported once, with the pages it failed for" "$ERR" "scripts/50-bad.lua:3:1: error: attempt to index a nil value (field 'x') (in on_page; it failed for 10 pages: content/a.md, content/b.md, content/many/m1.md and 7 more)"
n=$(grep -c 'error:' "$ERR")
if [ "$n" = 1 ]; then ok "and only once (with one traceback)"; else not_ok "and only once (with one traceback)" "$(cat "$ERR")"; fi
contains "the summary counts one error" "$ERR" "1 error, 0 warnings"
# errors that differ by page (a hook checking pages) are each reported
printf -- 'quire.on_page(function(page)\n  if page.path:find("m[12]") then error(page.path .. " has no owner") end\nend)\n' > "$S/scripts/50-bad.lua"
run "$S" check
contains "a message naming its page is reported for that page" "$ERR" "scripts/50-bad.lua:2:1: error: content/many/m1.md has no owner (in on_page for content/many/m1.md)"
contains "and the other page's too" "$ERR" "content/many/m2.md has no owner (in on_page for content/many/m2.md)"
# and so is a Lua filter's, which runs on every page (on several threads)
printf -- 'quire.filter{ text = function(node, path)\n  return node.x.y\nend }\n' > "$S/scripts/50-bad.lua"
run "$S" check
contains "a filter failing on every page is reported once, its pages sorted" "$ERR" "scripts/50-bad.lua:2:1: error: attempt to index a nil value (field 'x') (in filter 'text'; it failed for 8 pages: content/a.md, content/b.md, content/many/m1.md and 5 more)"
contains "as one error" "$ERR" "1 error, 0 warnings"
rm -rf "$S/scripts/50-bad.lua" "$S/content/many"

# ---- the real site's scripts --------------------------------------------
Q=${QUIRE_RELEASE:-$QUIRE}
"$Q" build -s "$REPO" -o "$TMP/real" >"$TMP/real.log" 2>&1
status_is "the real site builds with its scripts" "$?" 0
R=$TMP/real/reference
check "20-glossary.lua writes reference/glossary-terms.html" test -f "$R/glossary-terms.html"
contains "the glossary lists a term from an article's front matter" "$R/glossary-terms.html" "Norwich Pharmacal order"
contains "the glossary links the term to the article that defines it" "$R/glossary-terms.html" 'href="../identifying-posters/norwich-pharmacal-orders.html"'
missing=""
for f in $(grep -l '^glossary:' -r "$REPO/content"); do
	term=$(awk '/^---/{n++; next} n==1 && /^glossary:/{g=1; next} n==1 && g && /^  [^ ]/{sub(/^  /, ""); sub(/:.*/, ""); print; exit}' "$f")
	grep -qF -- "$term" "$R/glossary-terms.html" || missing="$missing $term ($f)"
done
if [ -z "$missing" ]; then ok "the glossary has a term from every article with glossary: entries"; else not_ok "the glossary has a term from every article with glossary: entries" "missing:$missing"; fi
check "30-audiences.lua writes reference/guidance-by-audience.html" test -f "$R/guidance-by-audience.html"
contains "the audience page has a Managers group" "$R/guidance-by-audience.html" '<h2 id="managers">'
contains "the audience page has a Staff group" "$R/guidance-by-audience.html" '<h2 id="staff">'
contains "the audience page has an HR group" "$R/guidance-by-audience.html" '<h2 id="hr">'
contains "the audience page shows reading times from 10-reading-time.lua" "$R/guidance-by-audience.html" "min read)"
check "40-legislation.lua writes reference/legislation-cited.html" test -f "$R/legislation-cited.html"
contains "the legislation page names Acts" "$R/legislation-cited.html" "Employment Rights Act 1996"
contains "the legislation page lists the articles citing an Act" "$R/legislation-cited.html" 'href="../speaking-up/whistleblowing.html"'
contains "the legislation filter titles links to legislation.gov.uk" "$TMP/real/responding/disciplinary-action.html" 'title="Trade Union and Labour Relations (Consolidation) Act 1992, section 207A (legislation.gov.uk)"'
contains "the reference section links the added pages" "$R/index.html" 'href="guidance-by-audience.html"'
"$Q" build -s "$REPO" -o "$TMP/real2" -j 1 >/dev/null 2>&1
check "the scripts' pages are byte-identical from build to build (no table-order leaks)" diff -r "$TMP/real" "$TMP/real2"

# A weight a hook sets, on a page or on a page it adds, sets the reading
# order as front matter's does.
site weights
page "$S" a/first.md "First" "One."
page "$S" a/second.md "Second" "Two."
script "$S" 10-w 'quire.on_page(function(page)
  if page.path == "content/a/first.md" then page.weight = 99 end
end)
quire.on_site(function(site)
  quire.add_page{ path = "a/added", title = "Added", markdown = "Added text.", data = { weight = 50 } }
end)'
run "$S" build
status_is "a site whose hooks set weights builds" "$RC" 0
contains "a weight set by on_page moves the article after the other" "$S/public/a/second.html" '<a class="next" href="first.html"'
order=$(grep -o 'handbook-article-title">[A-Za-z]*' "$S/public/print.html" | sed 's/.*>//' | tr '\n' ' ')
case $order in
*"Second Added First"*) ok "the handbook follows the weights, an added page's too" ;;
*) not_ok "the handbook follows the weights, an added page's too" "$order" ;;
esac

# A list of pages gives each its own params (front matter's, or a hook's):
# a theme's {{params.x}} in the list is the listed page's, never the
# listing page's found up the context stack.
site listparams
mkdir -p "$S/content/s"
printf -- '---\ntitle: Sec\nowner: Section Owner\n---\nA section.\n' > "$S/content/s/index.md"
printf -- '---\ntitle: Owned\nowner: Ann Owner\n---\nx\n' > "$S/content/s/owned.md"
page "$S" s/other.md "Other" "y"
script "$S" 10-r 'quire.on_page(function(page) if page.title == "Other" then page.params.minutes = 3 end end)'
sed -i 's|{{#pages}}<li>|{{#pages}}<li>[{{title}}:{{params.owner}}:{{params.minutes}}]|' "$S/themes/default/templates/section.mustache"
run "$S" build
contains "a listed page's own param is shown" "$S/public/s/index.html" "[Owned:Ann Owner:]"
contains "a page without it shows none, and a hook's param is there" "$S/public/s/index.html" "[Other::3]"
printf -- '---\ntitle: Owned\nowner: Bo Owner\n---\nx\n' > "$S/content/s/owned.md"
run "$S" build
contains "a rebuild after the param changes shows the new one" "$S/public/s/index.html" "[Owned:Bo Owner:]"

# A folder that only pages a hook added are in gets a section page, as a
# folder of articles does: it lists them, and they have breadcrumbs.
site hookfolder
script "$S" 10-o 'quire.on_site(function(site)
  quire.add_page{ path = "owners/jane", title = "Jane policies", markdown = "Jane owns these." }
  quire.add_page{ path = "owners/bo", title = "Bo policies", markdown = "Bo owns those." }
end)'
run "$S" build
status_is "a site whose hook adds a folder of pages builds" "$RC" 0
contains "the folder has a section page listing them" "$S/public/owners/index.html" '<a href="jane.html">Jane policies</a>'
contains "which the top navigation names" "$S/public/index.html" 'href="owners/index.html"'
contains "and the pages have breadcrumbs to it" "$S/public/owners/bo.html" 'href="index.html">Owners'

# A text filter is not given a wiki link: the hooks guide's glossary
# example put a link inside one and broke it without a word.
site wikifilter
page "$S" a/norwich-pharmacal-orders.md "NPO" "Orders."
page "$S" a/glossary-terms.md "Gloss" "## Norwich Pharmacal order\n\nx"
page "$S" a/keep.md "Keep" "Ask about [[norwich-pharmacal-orders|a Norwich Pharmacal order]] early. A Norwich Pharmacal order is costly."
script "$S" 92-gloss 'quire.filter{
  text = function(node, page_path)
    if node.literal:find("Norwich Pharmacal order", 1, true) then
      return (node.literal:gsub("Norwich Pharmacal order", "[%0](glossary-terms.md#norwich-pharmacal-order)", 1))
    end
  end,
}'
run "$S" build
status_is "a text filter beside a wiki link builds" "$RC" 0
contains "the wiki link is whole" "$S/public/a/keep.html" '<a href="norwich-pharmacal-orders.html">a Norwich Pharmacal order</a> early.'
contains "and the filter still works on the text after it" "$S/public/a/keep.html" 'A <a href="glossary-terms.html#norwich-pharmacal-order">Norwich Pharmacal order</a> is costly.'

# quire.site: site.yml's keys, for a script's own settings, read-only all
# the way down, at load and in every handler.
site siteyml
printf 'reading_speed: 100\nteam:\n  names: [Ann, Bo]\n' >> "$S/site.yml"
page "$S" a.md "A" "one two three four five six seven eight nine ten"
sed -i 's|<h1>{{title}}</h1>|<h1>{{title}}</h1><p id="note">{{params.note}}</p>|' "$S/themes/default/templates/article.mustache"
script "$S" 10-speed 'local speed = quire.site.reading_speed
quire.on_page(function(page)
  if page.kind ~= "article" then return end
  local wrote = pcall(function() quire.site.team.names[1] = "Eve" end)
  local wrote2 = pcall(function() quire.site.title = "Mine" end)
  page.params.note = ("%d per minute; %s; team %d, first %s; write %s %s"):format(
    speed, quire.site.title, #quire.site.team.names, quire.site.team.names[1], tostring(wrote), tostring(wrote2))
  page.tags = quire.site.team.names
end)'
run "$S" build
status_is "a script reading quire.site builds" "$RC" 0
contains "it reads a key of its own at load, and site.yml's title, lists and all" "$S/public/a.html" '<p id="note">100 per minute; Test site; team 2, first Ann; write false false</p>'
contains "a value of quire.site can be handed back into page data (the page's tags here)" "$S/public/tags/bo.html" 'href="../a.html"'
# a filter reading quire.site: its cached work follows site.yml
script "$S" 10-speed 'quire.filter{ text = function(t)
  if t.literal:find("one", 1, true) then return { literal = t.literal:gsub("one", quire.site.team.names[2]) } end
end }'
run "$S" build
contains "a filter reads quire.site too" "$S/public/a.html" "Bo two three"
sed -i 's/names: \[Ann, Bo\]/names: [Ann, Cy]/' "$S/site.yml"
run "$S" build
contains "and its cached work is redone when site.yml changes" "$S/public/a.html" "Cy two three"
