#!/bin/sh
# t11: every problem is reported as path:line:col with the right status.
. "$(dirname "$0")/lib.sh"

site bad
page "$S" good.md "Good"
printf -- '---\ntitle: Broken\ntags: [a, b\n---\nBody\n' > "$S/content/yaml.md"
printf -- '---\nsummary: no title here\n---\nBody\n' > "$S/content/notitle.md"
printf -- '---\ntitle: T\ntemplate: nosuch\n---\nBody\n' > "$S/content/tmpl.md"
printf -- '---\ntitle: Unclosed\nBody with no closing fence\n' > "$S/content/open.md"
run "$S" build
status_is "a site with errors exits 1" "$RC" 1
contains "broken YAML is reported at its file and line" "$ERR" "content/yaml.md:4:"
contains "a missing title is reported" "$ERR" "content/notitle.md:1:1: error: front matter has no 'title'"
contains "an unknown template names the key's line" "$ERR" "content/tmpl.md:3:1: error: unknown template 'nosuch'"
contains "unterminated front matter is reported" "$ERR" "content/open.md:1:1: error: front matter is not closed"
contains "the summary line counts errors" "$ERR" "4 errors"
check "a failed build writes no output folder" test ! -e "$S/public"

site chk
page "$S" a.md "A" "[x](missing.md)"
run "$S" check
status_is "check exits 1 on a broken link" "$RC" 1
contains "check reports the link at line:col (front matter counted)" "$ERR" "content/a.md:4:1: error: link target 'missing.md' does not exist"
check "check writes nothing" test ! -e "$S/public"
page "$S" a.md "A" "fine"
run "$S" check
status_is "check exits 0 on a clean site" "$RC" 0
check "check still writes nothing" test ! -e "$S/public"

"$QUIRE" build --bogus >/dev/null 2>&1; status_is "an unknown option is a usage error (2)" "$?" 2
"$QUIRE" frobnicate >/dev/null 2>&1; status_is "an unknown command is a usage error (2)" "$?" 2
"$QUIRE" build -s "$TMP/nowhere" >/dev/null 2>&1; status_is "a missing site folder is an environment fault (2)" "$?" 2
"$QUIRE" --version | grep -q '^quire ' && ok "--version prints the version" || not_ok "--version prints the version"

site tpl
page "$S" a.md "A"
printf '{{#open}}\n' >> "$S/themes/default/templates/page.mustache"
run "$S" build
status_is "a broken template fails the build" "$RC" 1
contains "a template error names the template file and line" "$ERR" "themes/default/templates/page.mustache:"

site types
printf -- '---\ntitle: T\ndraft: maybe\nweight: heavy\ntags: hello\n---\n' > "$S/content/t.md"
run "$S" build
contains "draft must be a boolean" "$ERR" "content/t.md:3:1: error: 'draft' must be true or false"
contains "weight must be a number" "$ERR" "content/t.md:4:1: error: 'weight' must be a number"
contains "tags must be a list" "$ERR" "content/t.md:5:1: error: 'tags' must be a list"

site crlf
printf -- '\357\273\277---\r\ntitle: Windows file\r\n---\r\n\r\n## Heading\r\n\r\nText.\r\n' > "$S/content/w.md"
printf -- '---\ntitle: Bad bytes\n---\nok \377\376 here\n' > "$S/content/bin.md"
run "$S" build
contains "invalid UTF-8 is an error at its line and column" "$ERR" "content/bin.md:4:4: error: the file is not valid UTF-8"
rm "$S/content/bin.md"
run "$S" build
status_is "a file with a BOM and CRLF line ends builds" "$RC" 0
contains "CRLF front matter is read" "$S/public/w.html" "<h1>Windows file</h1>"

# check writes nothing at all, not even a cache in the repository.
site ck
page "$S" a.md "A" "fine"
git -C "$S" init -q -b main && git -C "$S" add -A && git -C "$S" -c user.name=A -c user.email=a@b commit -qm first
before=$(cd "$S" && find . | sort | md5sum)
run "$S" check
status_is "check in a repository succeeds" "$RC" 0
after=$(cd "$S" && find . | sort | md5sum)
[ "$before" = "$after" ] && ok "check creates no file anywhere in the site or its .git" || not_ok "check creates no file anywhere in the site or its .git" "$(cd "$S" && find . -newer site.yml)"
