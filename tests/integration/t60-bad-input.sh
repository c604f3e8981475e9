#!/bin/sh
# t60: whatever lands in the repository, the build survives: a clear
# path:line:col error and exit 1, or a safe render — never a crash, a hang
# or a write outside OUT.
. "$(dirname "$0")/lib.sh"
limit() { timeout 20 "$@"; }

expect_error() { # DESCRIPTION FILE-CONTENT(printf format) EXPECTED-DIAGNOSTIC
	site e
	printf -- "$2" > "$S/content/bad.md"
	limit "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"; rc=$?
	if [ "$rc" = 1 ] && grep -qF -- "$3" "$TMP/err"; then ok "$1"; else not_ok "$1" "status $rc: $(cat "$TMP/err")"; fi
}
expect_error "a NUL byte is an error at its position" '---\ntitle: T\n---\nab\000c\n' "content/bad.md:4:3: error: the file contains a NUL byte"
# Runs of ASCII are checked eight bytes at a time: a bad byte deep in one,
# after two-byte characters, is still found and placed by character.
expect_error "a NUL byte after a long ASCII run is found at its column" '---\ntitle: T\n---\n\303\251\303\251abcdefghijklmnopqrstuvwxyz\000z and more text after it\n' "content/bad.md:4:29: error: the file contains a NUL byte"
expect_error "a stray continuation byte after a long ASCII run is found at its column" '---\ntitle: T\n---\nOne two three four five six seven\n\303\251abcdefghijklmnop\251x\n' "content/bad.md:5:18: error: the file is not valid UTF-8"
expect_error "an empty file has no front matter" '' "content/bad.md:1:1: error: the file has no front matter"
expect_error "tabs for YAML indentation are an error at their line" '---\ntitle: T\ntags:\n\t- a\n---\n' "content/bad.md:4:"
expect_error "a duplicate key is an error at its line" '---\ntitle: T\ntitle: U\n---\n' "content/bad.md:3:1: error: duplicate key: 'title' is set on line 2 already; keep one of the two"
expect_error "YAML aliases (alias bombs) are refused" '---\ntitle: T\na: &a [x, x]\nb: [*a, *a]\n---\n' "YAML aliases (*name) are not supported"
expect_error "custom YAML tags are refused" '---\ntitle: !!python/object:os.system x\n---\n' "custom YAML tags are not allowed"
expect_error "a title of the wrong type is an error" '---\ntitle: [a, b]\n---\n' "content/bad.md:2:1: error: 'title' must be text, not a list"
expect_error "a title of nothing but spaces is an error at its line, not a hook's" '---\ntitle: "   "\n---\n' "content/bad.md:2:1: error: 'title' must be non-empty text"
expect_error "a merge conflict git left in an article is an error at its first mark" '---\ntitle: T\n---\nIntro.\n\n<<<<<<< HEAD\nOurs.\n=======\nTheirs.\n>>>>>>> other\n' "content/bad.md:6:1: error: an unresolved merge conflict"
site fenced
printf -- '---\ntitle: Git help\n---\nA conflict looks like this:\n\n```\n<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> other\n```\n' > "$S/content/git-help.md"
run "$S" check
status_is "conflict marks shown in a fenced code block are an example, not a conflict" "$RC" 0
expect_error "front matter that is a list is an error" '---\n- a\n- b\n---\n' "front matter must be a mapping"
deep=$(python3 -c "print('a: ' + '['*200 + ']'*200)")
expect_error "deeply nested YAML is refused" "---\ntitle: T\n$deep\n---\n" "YAML nested too deeply"

site big
page "$S" ok.md "OK"
python3 -c "
import sys
sys.stdout.write('---\ntitle: Huge\n---\n' + ('word ' * 2000000))" > "$S/content/huge.md"
limit "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"; rc=$?
status_is "a file over the 8 MiB limit fails the build" "$rc" 1
contains "the size limit is named" "$TMP/err" "content/huge.md: error: the file is larger than the limit of 8 MiB"
python3 -c "
import sys
sys.stdout.write('---\ntitle: Long\n---\n' + ('x' * 3000000) + '\n' + '*' * 100000 + '\n' + '[' * 50000 + '\n')" > "$S/content/huge.md"
limit "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"; rc=$?
status_is "very long lines and pathological emphasis render safely" "$rc" 0

# Symlinks, loops, FIFOs.
site links
page "$S" a.md "A"
echo secret > "$TMP/outside.md"
ln -s "$TMP/outside.md" "$S/content/leak.md"
ln -s missing.md "$S/content/dangling.md"
ln -s loop1.md "$S/content/loop2.md"; ln -s loop2.md "$S/content/loop1.md"
mkfifo "$S/content/pipe.md"
limit "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"; rc=$?
status_is "bad symlinks fail the build (and a FIFO does not hang it)" "$rc" 1
contains "a symlink out of the site is refused" "$TMP/err" "content/leak.md: error: symbolic link points outside content/"
contains "a dangling symlink is reported" "$TMP/err" "content/dangling.md: error: symbolic link is broken or loops"
contains "a symlink loop is reported" "$TMP/err" "content/loop1.md: error: symbolic link is broken or loops"
contains "a FIFO is skipped with a warning" "$TMP/err" "content/pipe.md: warning: not a regular file"
check "nothing was written" test ! -e "$S/public"
rm "$S/content/leak.md" "$S/content/dangling.md" "$S/content/loop1.md" "$S/content/loop2.md" "$S/content/pipe.md"
# Inside the site is not enough: .git/config or site.yml would be published.
ln -s ../site.yml "$S/content/settings.txt"
mkdir -p "$S/content/sub" && echo 'inner' > "$S/content/sub/real.txt" && ln -s sub/real.txt "$S/content/same.txt"
limit "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"; rc=$?
status_is "a symlink from content/ to site.yml fails the build" "$rc" 1
contains "as one that points outside content/" "$TMP/err" "content/settings.txt: error: symbolic link points outside content/"
rm "$S/content/settings.txt"
limit "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"; rc=$?
status_is "a symlink to a file inside content/ is fine" "$rc" 0
contains "and is copied" "$S/public/same.txt" "inner"
# A theme is real files only: a template or asset linked to any file would
# put that file into pages.
ln -s /etc/hostname "$S/themes/default/templates/leak.mustache"
ln -s /etc/passwd "$S/themes/default/assets/leak.txt"
limit "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"; rc=$?
status_is "symlinks in the theme fail the build" "$rc" 1
contains "a linked template is named" "$TMP/err" "themes/default/templates/leak.mustache: error: is a symbolic link"
contains "a linked asset is named" "$TMP/err" "themes/default/assets/leak.txt: error: is a symbolic link"
check "and no page was written from them" test ! -e "$S/public/assets/leak.txt"
rm "$S/themes/default/templates/leak.mustache" "$S/themes/default/assets/leak.txt"

# The site's own folders and site.yml are read as the site's: a committed
# symlink among them leading out of the site would publish what it points
# at, or hand a CI runner's secrets to hooks.
site outlinks
page "$S" a.md "A"
mkdir -p "$TMP/elsewhere/content" "$TMP/elsewhere/scripts"
echo 'SECRET=1' > "$TMP/elsewhere/content/credentials.txt"
printf 'title: Secret\ntoken: abc\n' > "$TMP/elsewhere/hosts.yml"
printf 'x = 1\n' > "$TMP/elsewhere/scripts/x.lua"
mv "$S/content" "$S/content-real"
ln -s "$TMP/elsewhere/content" "$S/content"
rm "$S/site.yml"; ln -s "$TMP/elsewhere/hosts.yml" "$S/site.yml"
mkdir -p "$S/scripts"; ln -s "$TMP/elsewhere/scripts/x.lua" "$S/scripts/x.lua"
limit "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"; rc=$?
status_is "symlinks out of the site among its own folders fail the build" "$rc" 1
contains "a linked content/ is named" "$TMP/err" "content: error: symbolic link to '$TMP/elsewhere/content', outside the site folder"
contains "a linked site.yml is named" "$TMP/err" "site.yml: error: symbolic link to '$TMP/elsewhere/hosts.yml', outside the site folder"
contains "a linked hook script is named" "$TMP/err" "scripts/x.lua: error: symbolic link to '$TMP/elsewhere/scripts/x.lua', outside the site folder"
check "nothing was published" test ! -e "$S/public"
rm "$S/content" "$S/site.yml" "$S/scripts/x.lua"
mv "$S/content-real" "$S/content"
ln -s content "$S/content-link" && printf 'title: T\n' > "$S/real.yml" && ln -s real.yml "$S/site.yml"
limit "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"; rc=$?
status_is "a symlink that stays inside the site is fine" "$rc" 0

# The same in a folder of a hundred articles, whose entries are looked at
# on every core.
site manylinks
for i in $(seq 1 100); do page "$S" "p$i.md" "Page $i"; done
ln -s "$TMP/outside.md" "$S/content/leak.md"
ln -s missing.md "$S/content/dangling.md"
mkfifo "$S/content/pipe.md"
limit "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"; rc=$?
status_is "in a folder of a hundred articles, bad symlinks fail the build too" "$rc" 1
contains "the symlink out of the site is refused" "$TMP/err" "content/leak.md: error: symbolic link points outside content/"
contains "the dangling symlink is reported" "$TMP/err" "content/dangling.md: error: symbolic link is broken or loops"
contains "the FIFO is skipped with a warning" "$TMP/err" "content/pipe.md: warning: not a regular file"
rm "$S/content/leak.md" "$S/content/dangling.md" "$S/content/pipe.md"
limit "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"; rc=$?
status_is "without them, the folder of a hundred articles builds" "$rc" 0
check "every article of it is built" test "$(ls "$S/public"/p[0-9]*.html | wc -l)" = 100

site names
page "$S" a.md "A"
mkdir -p "$S/content/x"; printf -- '---\ntitle: B\n---\n' > "$S/content/x/back\\slash.md"
printf -- '---\ntitle: C\n---\n' > "$S/content/x/%2e%2e.md"
limit "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"
contains "a backslash in a file name is refused" "$TMP/err" "cannot be used in a URL"
contains "a percent sign in a file name is refused" "$TMP/err" "content/x/%2e%2e.md: error"
printf -- '---\ntitle: D\n---\n' > "$S/content/x/q?x#y.md"
printf -- '---\ntitle: E\n---\n' > "$S/content/x/con:tent.md"
limit "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"
contains "a ? or # in a file name is refused (its links would break)" "$TMP/err" "content/x/q?x#y.md: error: file name contains a character"
contains "a : in a file name is refused (its links would read as a URL scheme)" "$TMP/err" "content/x/con:tent.md: error: file name contains a character"
# a name from a Windows zip: Latin-1 bytes, no UTF-8 (a section list
# linked it as "caf?.html", a query string; hooks saw no path)
printf -- '---\ntitle: F\n---\n' > "$S/content/x/caf$(printf '\351').md"
limit "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"
contains "a file name that is not UTF-8 is refused, at the file" "$TMP/err" "content/x/caf$(printf '\357\277\275').md: error: the file name is not valid UTF-8 (often a name from a Windows zip, its accented letters in Windows-1252): rename it"
rm "$S/content/x/caf$(printf '\351').md"
run "$S" new "guide/q?x"
contains "quire new refuses the same characters" "$ERR" "it contains a character a link cannot carry"
mkdir -p "$TMP/elsewhere" && ln -s "$TMP/elsewhere" "$S/content/away"
run "$S" new away/evil
status_is "quire new through a folder linked out of content/ is refused" "$RC" 1
check "and writes nothing there" test ! -e "$TMP/elsewhere/evil.md"
rm "$S/content/away"

# XSS vectors are escaped wherever they are printed.
site xss
V='"><script>alert(1)</script>'
printf -- '---\ntitle: %s\nsummary: %s\ntags: ["%s"]\n---\n# %s\n\n[link](b.md "%s")\n\n![%s](pic.png)\n\n```%s\ncode\n```\n\n[[b|%s]]\n' \
  "'$V'" "'$V'" '\"><script>alert(3)</script>' "$V" 'x\" onmouseover=\"alert(2)' "$V" '"><script>' "$V" > "$S/content/a.md"
page "$S" b.md "B"
printf 'P' > "$S/content/pic.png"
printf 'title: %s\nbase_url: https://x.example\n' "'$V'" > "$S/site.yml"
git -C "$S" init -q -b main && git -C "$S" add -A && git -C "$S" -c user.name="$V" -c user.email=a@b commit -q -m "$V"
limit "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"; rc=$?
status_is "a site full of markup in every field builds" "$rc" 0
for f in a.html b.html index.html a-z.html tags/index.html a.history.html changes.html search.html; do
	if grep -rq '<script>alert' "$S/public/$f"; then not_ok "no injected script in $f"; else ok "no injected script in $f"; fi
done
lacks "no attribute breaks out of a link title" "$S/public/a.html" '" onmouseover="'
lacks "the feed escapes titles and authors" "$S/public/changes.xml" "<script>"
if grep -rl '</script' "$S/public"/search-*.js >/dev/null 2>&1; then not_ok "the search index cannot close its script"; else ok "the search index cannot close its script"; fi
check "every write stayed inside OUT" sh -c "[ -z \"\$(find '$TMP' -newer '$S/site.yml' -type f ! -path '$S/*' ! -path '$TMP/err' ! -path '$TMP/std*')\" ]"

# Editors' backups and temporary files are not published (an old backup may
# hold text since removed), and the watcher ignores the same names.
site temps
page "$S" a.md "A" "current text"
printf 'old text' > "$S/content/a.md~"
printf 'lock' > "$S/content/#a.md#"
printf 'probe' > "$S/content/4913"
printf 'temp' > "$S/content/sedAb12Cd"
printf 'PDF' > "$S/content/sediments"
limit "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"; rc=$?
status_is "a site with editors' backup and temporary files builds" "$rc" 0
check "a backup (a.md~) is not published" test ! -e "$S/public/a.md~"
check "an Emacs lock file (#a.md#) is not published" test ! -e "$S/public/#a.md#"
check "vim's 4913 probe is not published" test ! -e "$S/public/4913"
check "sed -i's temporary file is not published" test ! -e "$S/public/sedAb12Cd"
check "a file that only looks like one is" test -e "$S/public/sediments"

# Commits whose dates are out of range (anyone who can push chooses them):
# the build neither crashes nor prints memory; such a date reads as 1970.
site dates
page "$S" a.md "A" "text"
git -C "$S" init -q
git -C "$S" add -A
T=$(git -C "$S" write-tree)
C=$(printf 'tree %s\nauthor A <a@b> 99999999999999999 +0000\ncommitter C <c@d> 99999999999999999 +9999\n\nhuge\n' "$T" |
	git -C "$S" hash-object -t commit -w --literally --stdin)
git -C "$S" update-ref HEAD "$C"
printf 'history: true\nbase_url: https://d.example\n' >>"$S/site.yml"
limit "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"; rc=$?
status_is "a commit dated past the year 9999 builds" "$rc" 0
contains "its date reads as 1970" "$S/public/a.history.html" 'datetime="1970-01-01T00:00:00+00:00">1 January 1970'
check "the feed is well-formed XML" python3 -c "import xml.dom.minidom as m; m.parse('$S/public/changes.xml')"
# a control character in a commit message (an ESC from a terminal's
# colours) cannot make the feed unreadable (YAML refuses one in a title)
page "$S" a.md "A" "more text"
git -C "$S" add -A
GIT_AUTHOR_DATE=@1700000000 GIT_COMMITTER_DATE=@1700000000 git -C "$S" -c user.name=E -c user.email=e@x commit -qm "$(printf 'fix \033[31m colours')"
limit "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"; rc=$?
status_is "a commit message with an ESC builds" "$rc" 0
check "and the feed is still well-formed XML" python3 -c "import xml.dom.minidom as m; m.parse('$S/public/changes.xml')"

# With raw HTML off, no attachment may run script on the site's pages when
# opened: an HTML file is refused, an SVG or XML file with script in it too,
# read as markup (references and entities spelled out), never as words.
site active
page "$S" a.md "A" 'A picture: ![d](d.svg)'
printf '<svg xmlns="http://www.w3.org/2000/svg"><rect width="3" height="2"/></svg>' >"$S/content/d.svg"
mkdir -p "$S/content/x" "$S/content/ok"
printf '<p>hi</p><script>alert(1)</script>' >"$S/content/x/page.html"
printf '<svg xmlns="http://www.w3.org/2000/svg">\n<circle r="4"/>\n  <SCRIPT>alert(1)</SCRIPT></svg>' >"$S/content/x/s.svg"
printf '<svg xmlns="http://www.w3.org/2000/svg"><rect onload = "alert(1)"/></svg>' >"$S/content/x/o.svg"
printf '<svg xmlns="http://www.w3.org/2000/svg"><a href="jav&#x61;script:alert(1)">x</a></svg>' >"$S/content/x/e.svg"
printf '<svg xmlns="http://www.w3.org/2000/svg"><a href="java&#9;script&#58;alert(1)">x</a></svg>' >"$S/content/x/t.svg"
printf '<!DOCTYPE svg [<!ENTITY j "javascript:alert(1)">]><svg xmlns="http://www.w3.org/2000/svg"><a href="&j;">x</a></svg>' >"$S/content/x/ent.svg"
printf '<svg xmlns="http://www.w3.org/2000/svg"><iframe xmlns="http://www.w3.org/1999/xhtml" srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"/></svg>' >"$S/content/x/srcdoc.svg"
printf '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>' | iconv -t UTF-16 >"$S/content/x/u16.svg"
printf '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(1)"/></div></foreignObject></svg>' >"$S/content/x/fo.svg"
printf '<?xml version="1.0" encoding="ISO-2022-JP"?><svg xmlns="http://www.w3.org/2000/svg"><scr\033(Bipt>alert(1)</scr\033(Bipt></svg>' >"$S/content/x/jis.svg"
printf '<?xml version="1.0"?><x:html xmlns:x="http://www.w3.org/1999/xhtml"><x:script>alert(1)</x:script></x:html>' >"$S/content/x/d.xml"
printf '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>' >"$S/content/x/s.xsl"
printf '<html><script>alert(1)</script></html>' >"$S/content/x/noext"
printf '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>' >"$S/content/x/noextxml"
printf '<!DOCTYPE svg [<!ATTLIST svg onload CDATA "alert(1)">]><svg xmlns="http://www.w3.org/2000/svg"/>' >"$S/content/x/attlist.svg"
{ printf '<!DOCTYPE x ['; i=0; while [ $i -lt 300 ]; do printf '<!ENTITY e%d "v">' $i; i=$((i + 1)); done; printf ']><x/>'; } >"$S/content/x/many.xml"
printf '<?xml-stylesheet type="text/xml" href="t.xml"?><x/>' >"$S/content/x/xslt.xml"
printf '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi onanimationstart="alert(1)">x</mi></math>' >"$S/content/x/m.xml"
printf '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>' >"$S/content/x/p.xhtm"
printf '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x"><html xmlns="http&colon;//www.w3.org/1999/xhtml"><script>alert(1)</script></html>' >"$S/content/x/colon.xml"
printf '<?xml-stylesheet href="s.xsl" xtype="text/css" type="text/xsl"?><x/>' >"$S/content/x/pitype.xml"
{ printf '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><desc>'; head -c 9000000 /dev/zero | tr '\0' 'x'; printf '</desc></svg>'; } >"$S/content/x/big.svg"
# what real files hold, and runs nothing
cat >"$S/content/ok/illustrator.svg" <<'SVG'
<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [
	<!ENTITY ns_extend "http://ns.adobe.com/Extensibility/1.0/">
]>
<svg xmlns:x="&ns_extend;" xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect style="fill:#fff" width="10" height="10"/></svg>
SVG
printf '<?xml-stylesheet type="text/css" href="s.css"?>\n<svg xmlns="http://www.w3.org/2000/svg"><text>JavaScript: 62%%, once = twice, It&#x2019;s &#160; fine</text><a href="http://example.com/">x</a></svg>' >"$S/content/ok/chart.svg"
printf '<project name="x"><target name="t"><script language="javascript">print(1)</script></target></project>\n' >"$S/content/ok/build.xml"
printf '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject width="80" height="20"><div xmlns="http://www.w3.org/1999/xhtml" style="font-size:12px">A label, as draw.io writes it</div></foreignObject></svg>' >"$S/content/ok/drawio.svg"
printf 'Plain notes, no extension.\n' >"$S/content/ok/NOTES"
printf '<?xml version="1.0" encoding="ISO-8859-1"?>\n<gpx><name>Caf\351</name></gpx>\n' >"$S/content/ok/track.xml"
printf '<rss xmlns:media="http://search.yahoo.com/mrss/" xmlns:xhtml="http://www.w3.org/1999/xhtml"><channel><item><media:embed url="http://example.com/v"/><description>&lt;script&gt; as text</description></item></channel></rss>' >"$S/content/ok/feed.rss"
printf '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject requiredExtensions="http://ns.adobe.com/AdobeIllustrator/10.0/"><i:pgfRef xmlns:i="http://ns.adobe.com/AdobeIllustrator/10.0/" xlink:href="#x"/></foreignObject><?xml-stylesheet type="text/css" href="s.css"?></svg>' >"$S/content/ok/ai.svg"
run "$S" build
status_is "a site with attachments that would run script fails" "$RC" 1
contains "an HTML file is raw HTML" "$ERR" "content/x/page.html: error: an HTML file is published as it is, with any script in it, and raw HTML is off"
contains "an SVG's script element, at its tag" "$ERR" "content/x/s.svg:3:3: error: this file would run script on the site's pages when opened (it has a script, iframe, embed or object element), and raw HTML is off: remove it, or set markdown.unsafe_html: true in site.yml"
contains "an event attribute, at its name" "$ERR" "content/x/o.svg:1:47: error: this file would run script on the site's pages when opened (it has an on... event attribute)"
contains "an address spelled with a character reference" "$ERR" "content/x/e.svg:1:44: error: this file would run script on the site's pages when opened (it has a javascript: or vbscript: address)"
contains "or with a tab in it" "$ERR" "content/x/t.svg:1:44: error: this file would run script"
contains "or with an entity the file declares" "$ERR" "content/x/ent.svg:1:"
contains "an HTML iframe inside (its srcdoc's script written with &lt;)" "$ERR" "content/x/srcdoc.svg:1:41: error: this file would run script on the site's pages when opened (it has a script, iframe, embed or object element)"
contains "HTML inside with an event attribute" "$ERR" "content/x/fo.svg:1:"
contains "UTF-16, which cannot be read for script" "$ERR" "content/x/u16.svg:1:1: error: this file would run script on the site's pages when opened (it has a UTF-16 encoding"
contains "another declared encoding" "$ERR" "content/x/jis.svg:1:1: error: this file would run script on the site's pages when opened (it has an encoding other than UTF-8"
contains "an XML file with HTML in it" "$ERR" "content/x/d.xml:1:"
contains "an XSL file too" "$ERR" "content/x/s.xsl:1:"
contains "a file with no extension that starts as an HTML page" "$ERR" "content/x/noext:1:1: error: this file would run script on the site's pages when opened (it has no extension and the start of an HTML page"
contains "or as an XML file with script" "$ERR" "content/x/noextxml:2:"
contains "an attribute list declaration (it may add an event handler)" "$ERR" "content/x/attlist.svg:1:16: error: this file would run script on the site's pages when opened (it has an attribute list declaration"
contains "more entity declarations than are read" "$ERR" "content/x/many.xml:1:"
contains "a style sheet of another type than CSS (run as XSLT)" "$ERR" "content/x/xslt.xml:1:1: error: this file would run script on the site's pages when opened (it has a style sheet that is not CSS"
contains "MathML's event attributes" "$ERR" "content/x/m.xml:1:"
contains ".xhtm is HTML" "$ERR" "content/x/p.xhtm: error: an HTML file is published as it is"
contains "an entity the file does not declare (an XHTML document type spells HTML's: &colon;)" "$ERR" "content/x/colon.xml:1:68: error: this file would run script on the site's pages when opened (it has a reference to an entity the file does not declare"
contains "a style sheet's type is its own pseudo-attribute, not text/css in another" "$ERR" "content/x/pitype.xml:1:1: error: this file would run script on the site's pages when opened (it has a style sheet that is not CSS"
contains "a file too large to read is not taken as harmless" "$ERR" "content/x/big.svg:1:1: error: this file would run script on the site's pages when opened (it has more than quire reads to check (8 MiB))"
lacks "a plain SVG is fine" "$ERR" "d.svg"
lacks "and so are what real files hold (Illustrator entities, a CSS sheet, words in text, an Ant script, draw.io's HTML labels, a Media RSS feed, notes)" "$ERR" "content/ok/"
check "and nothing was published" test ! -e "$S/public"
printf 'markdown:\n  unsafe_html: true\n' >>"$S/site.yml"
run "$S" build
status_is "with raw HTML on, they are published as they are" "$RC" 0
check "(the HTML file)" test -f "$S/public/x/page.html"
check "(the SVG)" test -f "$S/public/x/s.svg"
