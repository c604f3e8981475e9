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
contains "broken YAML is reported at its file and line" "$ERR" "content/yaml.md:3:7: error: the list opened with '[' here is never closed"
contains "a missing title is reported" "$ERR" "content/notitle.md:1:1: error: front matter has no 'title'"
contains "an unknown template names the key's line" "$ERR" "content/tmpl.md:3:1: error: unknown template 'nosuch'"
contains "unterminated front matter is reported" "$ERR" "content/open.md:1:1: error: front matter is not closed"
contains "the summary line counts errors" "$ERR" "4 errors"
check "a failed build writes no output folder" test ! -e "$S/public"

# A file whose front matter fails has its body's link problems reported
# too, at their lines, in the same run: not one fix and rerun per error.
site fmbody
page "$S" good.md "Good" 'See [the policy](yaml.md).\n\n## Section'
printf -- '---\ntitle: Broken\ntags: [a, b\n---\nSee [gone](missing.md), [fine](good.md#section).\n\n[nowhere](good.md#zz)\n' > "$S/content/yaml.md"
printf -- '---\nsummary: no title here\n---\nText.\n\nSee [[No such page]] and [[Good]].\n' > "$S/content/notitle.md"
printf -- '---\ntitle: HR\ntags: hr\n---\nA [missing anchor](#nope).\n' > "$S/content/tags.md"
run "$S" check
status_is "check still exits 1" "$RC" 1
contains "bad YAML is reported" "$ERR" "content/yaml.md:3:7: error: the list opened with '[' here is never closed"
contains "and the same file's broken link at its line" "$ERR" "content/yaml.md:5:5: error: link target 'missing.md' does not exist"
contains "and its link to a heading another page lacks" "$ERR" "content/yaml.md:7:1: error: 'content/good.md' has no heading with the id 'zz'"
contains "a missing title is reported" "$ERR" "content/notitle.md:1:1: error: front matter has no 'title'"
contains "and the same file's broken wiki link at its line" "$ERR" "content/notitle.md:6:5: error: wiki link [[No such page]] matches no article"
contains "a tags of the wrong type is reported" "$ERR" "content/tags.md:3:1: error: 'tags' must be a list"
contains "and the same file's anchor with no heading" "$ERR" "content/tags.md:5:3: error: this page has no heading with the id 'nope'"
contains "a link to the broken file still says why it finds nothing" "$ERR" "content/good.md:4:5: warning: link to 'yaml.md': content/yaml.md has errors of its own"
contains "every error is counted" "$ERR" "7 errors, 1 warning"
cp "$ERR" "$TMP/fmbody.check"
run "$S" build
status_is "the build still exits 1" "$RC" 1
check "and writes nothing" test ! -e "$S/public"
check "build reports what check does" grep -qF "content/notitle.md:6:5: error: wiki link [[No such page]]" "$ERR"
printf -- '---\ntitle: Broken\ntags: [a, b]\n---\nSee [gone](missing.md), [fine](good.md#section).\n\n[nowhere](good.md#zz)\n' > "$S/content/yaml.md"
run "$S" check
check "once the front matter is fixed, the same link errors at the same places" \
	sh -c "grep -F content/yaml.md: '$TMP/fmbody.check' | grep -v never > '$TMP/fmbody.1'; grep -F content/yaml.md: '$ERR' > '$TMP/fmbody.2'; cmp '$TMP/fmbody.1' '$TMP/fmbody.2'"
rm "$S/content/yaml.md" "$S/content/notitle.md" "$S/content/tags.md"
page "$S" good.md "Good" 'See [the section](#section).\n\n## Section'
run "$S" build
status_is "a correct site still builds" "$RC" 0
lacks "with no error" "$ERR" "error"

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
"$QUIRE" -s . build >/dev/null 2>"$TMP/stderr"; status_is "an option before the command is a usage error (2)" "$?" 2
contains "that says the command comes first" "$TMP/stderr" "quire: the command comes first"
"$QUIRE" frobnicate --help >/dev/null 2>"$TMP/stderr"; status_is "an unknown command with --help is a usage error (2)" "$?" 2
contains "naming the command, not quire help" "$TMP/stderr" "quire: unknown command 'frobnicate'"
"$QUIRE" chek >/dev/null 2>"$TMP/stderr"; status_is "a mistyped command is a usage error (2)" "$?" 2
contains "naming the command it was likely meant for" "$TMP/stderr" "quire: unknown command 'chek': did you mean 'quire check'?"
"$QUIRE" check content/a.md >/dev/null 2>"$TMP/err"; status_is "quire check FILE is a usage error (2)" "$?" 2
contains "that says check takes the whole site" "$TMP/err" "quire check: unexpected argument 'content/a.md': check takes no file name; it checks the whole site"
"$QUIRE" build -s "$TMP/nowhere" >/dev/null 2>&1; status_is "a missing site folder is an environment fault (2)" "$?" 2
"$QUIRE" --version | grep -q '^quire ' && ok "--version prints the version" || not_ok "--version prints the version"

site bu
page "$S" a.md "A"
printf 'title: T\nbase_url: example.com\n' > "$S/site.yml"
run "$S" check
status_is "a base_url that is not a full address is an error" "$RC" 1
contains "at its line, with an example of one" "$ERR" "site.yml:2:1: error: 'base_url' must be the site's full address, such as https://"
printf 'title: T\nbase_url: https://intranet.example.org/staff guidance\n' > "$S/site.yml"
run "$S" check
status_is "a base_url with a space is an error" "$RC" 1
contains "which says how to write the space" "$ERR" "site.yml:2:1: error: 'base_url' cannot hold a space as it is: write it percent-encoded (%20)"
# Every address of the sitemap and the feed is base_url + "/" + a page's:
# a query or fragment would land mid-address, credentials be published.
printf 'title: T\nbase_url: https://intranet.example.org/g?x=1\n' > "$S/site.yml"
run "$S" check
status_is "a base_url with a query is an error" "$RC" 1
contains "saying why" "$ERR" "site.yml:2:1: error: 'base_url' cannot end in a query ('?x=1'): every page's address in the sitemap and the feed is base_url followed by the page's path"
printf 'title: T\nbase_url: https://intranet.example.org/g#top\n' > "$S/site.yml"
run "$S" check
contains "so is one with a fragment" "$ERR" "site.yml:2:1: error: 'base_url' cannot end in a fragment ('#top')"
printf 'title: T\nbase_url: https://deploy:s3cret@intranet.example.org/g\n' > "$S/site.yml"
run "$S" check
contains "a user name and password are not published" "$ERR" "site.yml:2:1: error: 'base_url' holds a user name or password (before '@'): it would be published in sitemap.xml and changes.xml"
lacks "nor echoed" "$ERR" "s3cret"
printf 'title: T\nbase_url: https://intranet.example.org/caf\303\251\n' > "$S/site.yml"
run "$S" check
contains "a letter outside ASCII is written percent-encoded, as the sitemap needs" "$ERR" "site.yml:2:1: error: 'base_url' cannot hold 'é' as it is: write it percent-encoded (%C3%A9)"
printf 'title: T\nbase_url: https://intranet.example.org/caf%%C3%%A9/g@v2\n' > "$S/site.yml"
run "$S" check
status_is "percent-encoded, and an '@' in the path, it is fine" "$RC" 0

site tpl
page "$S" a.md "A"
printf '{{#open}}\n' >> "$S/themes/default/templates/page.mustache"
run "$S" build
status_is "a broken template fails the build" "$RC" 1
contains "a template error names the template file and line" "$ERR" "themes/default/templates/page.mustache:"
site tpl2
page "$S" a.md "A"
sed -i 's|<h1>{{title}}</h1>|<h1>{{title}</h1>|' "$S/themes/default/templates/article.mustache"
sed -i 's|{{{extra_head}}}||' "$S"/themes/default/templates/*.mustache
run "$S" build
contains "a tag without its end is one error, on one line, at the tag" "$ERR" "themes/default/templates/article.mustache:3:7: error: unclosed tag: this '{{' has no '}}' before the next '{{'"
lacks "with no error after it for the tags that follow" "$ERR" "has no open section"
contains "a theme that never outputs extra_head is warned about" "$ERR" "themes/default/templates: warning: no template outputs {{{extra_head}}}"

site types
printf -- '---\ntitle: T\ndraft: maybe\nweight: heavy\ntags: hello\n---\n' > "$S/content/t.md"
run "$S" build
contains "draft must be a boolean" "$ERR" "content/t.md:3:1: error: 'draft' must be true or false"
contains "weight must be a number" "$ERR" "content/t.md:4:1: error: 'weight' must be a number"
contains "tags must be a list" "$ERR" "content/t.md:5:1: error: 'tags' must be a list"
printf -- '---\ntitle: T\ntags: [fine, "  "]\n---\n' > "$S/content/t.md"
run "$S" build
contains "an empty tag is an error at its line" "$ERR" "content/t.md:3:1: error: 'tags' holds an empty tag"

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

# Nothing of the site's may take the place of a page quire writes itself:
# an article, an alias or a hook's page there is an error, not a silent loss.
site reserved
page "$S" a.md "A"
page "$S" search.md "Search"
page "$S" tags/c.md "C"
page "$S" guide/a1.history.md "Looks like a history page"
page "$S" guide/a1.rev-0123456789.md "Looks like a past version"
printf -- '---\ntitle: Al\naliases: [fine/old, a-z, "404"]\n---\nx\n' > "$S/content/al.md"
run "$S" check
status_is "articles and aliases at quire's own paths fail check" "$RC" 1
contains "an article at search.md is refused at its file" "$ERR" "content/search.md:1:1: error: cannot be written to 'search.html': that is the search page"
contains "an article under tags/ is refused" "$ERR" "content/tags/c.md:1:1: error: cannot be written to 'tags/c.html': that is the topic pages' folder"
contains "a name of a history page is refused" "$ERR" "content/guide/a1.history.md:1:1: error: cannot be written to 'guide/a1.history.html'"
contains "a name of a past version is refused" "$ERR" "content/guide/a1.rev-0123456789.md:1:1: error: cannot be written to 'guide/a1.rev-0123456789.html'"
contains "an alias over the A to Z is refused at its line" "$ERR" "content/al.md:3:1: error: alias 'a-z' would replace the A to Z (a-z.html)"
contains "an alias over the 404 page is refused" "$ERR" "content/al.md:3:1: error: alias '404' would replace the page-not-found page (404.html)"
rm -r "$S/content/search.md" "$S/content/tags" "$S/content/guide" "$S/content/al.md"
mkdir -p "$S/scripts"
printf 'quire.on_site(function(s) quire.add_page{path="tags/index",title="X",markdown="x"} end)\n' > "$S/scripts/50-page.lua"
timeout -s KILL 20 "$QUIRE" build -s "$S" >"$TMP/stdout" 2>"$TMP/stderr"; RC=$?
status_is "a hook's page at tags/index fails the build, at once (it used to loop for ever)" "$RC" 1
contains "at the hook's line" "$ERR" "scripts/50-page.lua:1:"
contains "saying why" "$ERR" "path is one quire writes itself"
printf 'quire.on_site(function(s) quire.add_page{path="extra/index",title="Extra",markdown="x"} end)\n' > "$S/scripts/50-page.lua"
timeout -s KILL 20 "$QUIRE" build -s "$S" >"$TMP/stdout" 2>"$TMP/stderr"; RC=$?
status_is "a hook's page at a new folder's index builds (its section is the folder above)" "$RC" 0
check "and is written" test -f "$S/public/extra/index.html"
rm -r "$S/scripts"
mkdir -p "$S/content/assets"
printf 'PNG' > "$S/content/assets/logo.png"
run "$S" build
status_is "a picture kept in content/assets/ is fine (only pages there are refused)" "$RC" 0
check "and is copied" test -f "$S/public/assets/logo.png"
run "$S" new search
status_is "quire new refuses a path whose page quire writes itself" "$RC" 1
contains "saying which page" "$ERR" "its page would replace the search page"

# Aliases are checked with the front matter: a collision comes in the same
# run as every other error, at the aliases: line (it used to wait until
# the rest was fixed, being found only while rendering).
site aliases
printf -- '---\ntitle: A\naliases: [old/policy]\n---\nx\n' > "$S/content/a.md"
printf -- '---\ntitle: B\nsummary: s\naliases:\n  - Old/Policy\n  - a\n  - ../up\n---\nx\n' > "$S/content/b.md"
mkdir -p "$S/content/guide"
page "$S" guide/g.md "G"
printf -- '---\ntitle: C\naliases: [guide/index]\n---\nSee [[nowhere]].\n' > "$S/content/c.md"
run "$S" check
status_is "aliases that collide fail check" "$RC" 1
contains "the link error is reported" "$ERR" "content/c.md:5:5: error: wiki link [[nowhere]] matches no article"
contains "in the same run, a second article's alias (any case) at its aliases: line" "$ERR" "content/b.md:4:1: error: alias 'Old/Policy' collides with the alias 'old/policy' of content/a.md (both would write Old/Policy.html)"
contains "an alias over an article" "$ERR" "content/b.md:4:1: error: alias 'a' collides with content/a.md (both would write a.html)"
contains "an alias out of the site, at its line" "$ERR" "content/b.md:4:1: error: alias '../up' must be a relative path inside the site"
contains "an alias over a section page quire makes" "$ERR" "content/c.md:3:1: error: alias 'guide/index' collides with the page quire makes for the folder 'guide'"
contains "all five errors at once" "$ERR" "5 errors, 0 warnings"

# A key that misspells one quire knows is a warning at its line (an unknown
# key is a legal param, so not an error): the editor's tags would
# otherwise vanish without a word.
site nearkeys
printf 'titel: T\nbase_ulr: https://x.example/\nmarkdown:\n  unsafe-html: false\ntime: 3\n' > "$S/site.yml"
printf -- '---\ntitle: A\ntag: [a]\nalias: [x]\nsummery: s\naudience: [hr]\ndate: 2024\n---\nx\n' > "$S/content/a.md"
printf -- '---\nTitle: B\n---\nx\n' > "$S/content/b.md"
run "$S" check
status_is "misspelt keys alone do not fail check (b.md has no title)" "$RC" 1
contains "tag: is a warning naming tags" "$ERR" "content/a.md:3:1: warning: 'tag' is not a key quire knows: did you mean 'tags'? (other keys reach templates as params)"
contains "alias: names aliases" "$ERR" "content/a.md:4:1: warning: 'alias' is not a key quire knows: did you mean 'aliases'?"
contains "summery: names summary" "$ERR" "content/a.md:5:1: warning: 'summery' is not a key quire knows: did you mean 'summary'?"
contains "Title: names title, beside the error of the missing title" "$ERR" "content/b.md:2:1: warning: 'Title' is not a key quire knows: did you mean 'title'?"
contains "site.yml's titel: names title" "$ERR" "site.yml:1:1: warning: 'titel' is not a key quire knows: did you mean 'title'? (other keys reach templates as site.params)"
contains "site.yml's base_ulr: names base_url" "$ERR" "site.yml:2:1: warning: 'base_ulr' is not a key quire knows: did you mean 'base_url'?"
contains "markdown.unsafe-html names markdown.unsafe_html" "$ERR" "site.yml:4:1: warning: 'markdown.unsafe-html' is not a key quire knows: did you mean 'markdown.unsafe_html'?"
lacks "a param like audience is not warned of" "$ERR" "'audience'"
lacks "nor time, far from any known key" "$ERR" "'time'"
contains "date, another generator's key, says where quire's dates come from" "$ERR" "content/a.md:7:1: warning: 'date' is not a key quire knows: quire dates a page from its git history"
contains "and nothing else" "$ERR" "1 error, 8 warnings"
printf -- '---\ntitle: B\n---\nx\n' > "$S/content/b.md"
find "$S/content" -type f -exec touch -d '2020-01-01 00:00:00' {} +
sleep 2.2 # settled: the build records the sources, the next takes them from there
run "$S" build
run "$S" build
contains "a rebuild from recorded sources warns again, at the line" "$ERR" "content/a.md:3:1: warning: 'tag' is not a key quire knows"

# Options go before or after the path; one another command takes is refused.
site opts
run "$S" new guide/topic --title "A new topic"
status_is "quire new PATH --title TITLE works (the README's example)" "$RC" 0
contains "with that title" "$S/content/guide/topic.md" 'title: "A new topic"'
# what quire new leaves for the editor to write is a warning until it is
# written: published, a placeholder reads as the guidance
run "$S" check
contains "its empty summary is a warning, at its line" "$ERR" "content/guide/topic.md:3:1: warning: the summary 'quire new' left empty is still empty"
contains "so is its opening placeholder" "$ERR" "content/guide/topic.md:8:1: warning: this is the placeholder 'quire new' wrote: replace it"
contains "and its steps placeholder" "$ERR" "content/guide/topic.md:12:1: warning: this is the placeholder 'quire new' wrote"
touch -d '-5 seconds' "$S/content/guide/topic.md"
run "$S" build
run "$S" build
contains "(a rebuild from recorded sources warns of the summary again)" "$ERR" "content/guide/topic.md:3:1: warning: the summary 'quire new' left empty"
sed -i 's/^summary: "".*/summary: "What a topic is."/; s/^Start with.*/A topic is a subject./; s/^Explain the steps.*/Pick one./' "$S/content/guide/topic.md"
run "$S" check
lacks "written, no warning is left" "$ERR" "quire new"
run "$S" check --bundle x.zip
status_is "quire check --bundle is a usage error" "$RC" 2
contains "naming the command it goes with" "$ERR" "quire check: --bundle does not go with quire check (it is for: build)"
check "and writes no zip" test ! -e x.zip -a ! -e "$S/x.zip"

# site.yml's switches are true or false: "yes" is an error at its line, not
# a silent false.
site yes
printf 'title: T\nmarkdown:\n  unsafe_html: yes\nhistory: maybe\n' > "$S/site.yml"
page "$S" a.md "A"
run "$S" check
status_is "a switch given as yes or maybe fails" "$RC" 1
contains "markdown.unsafe_html: yes is reported at its line" "$ERR" "site.yml:3:1: error: 'markdown.unsafe_html' must be true or false"
contains "history: maybe is reported at its line" "$ERR" "site.yml:4:1: error: 'history' must be true or false"
contains "one error is counted as one error, not '1 errors'" "$ERR" "2 errors, 0 warnings"
printf -- '---\ntitle: P\nparams: {a: 1}\n---\nx\n' > "$S/content/p.md"
run "$S" check
contains "a params: key of an article's own (which would be lost) is an error at its line" "$ERR" "content/p.md:3:1: error: 'params' is made from the other keys"
rm "$S/content/p.md"
printf 'title: T\nlinks: 3\ntheme: nothere\n' > "$S/site.yml"
run "$S" check
contains "links: 3 is an error at its line, not taken for 'error'" "$ERR" "site.yml:2:1: error: 'links' must be 'error' or 'warn'"
contains "a theme that is not there is reported at its line" "$ERR" "site.yml:3:1: error: theme 'nothere' not found"
# A new site (content/ alone, no site.yml, no themes/): the error names no
# file that is not there, and says what to do.
mkdir -p "$TMP/bare/content"
printf -- '---\ntitle: Home\n---\nHi.\n' > "$TMP/bare/content/index.md"
run "$TMP/bare" check
status_is "a site with no theme fails" "$RC" 1
contains "saying to copy the default theme" "$ERR" "quire: error: theme 'default' not found: there is no folder themes/default in the site; copy themes/default from quire's source"
lacks "not naming a site.yml that is not there" "$ERR" "site.yml:"
site one
page "$S" a.md "A" "[[nobody]]"
run "$S" check
contains "the summary says 1 error" "$ERR" "1 error, 0 warnings"
rm "$S/content/a.md"; page "$S" a.md "A"
run "$S" build
contains "and 1 article" "$ERR" "(1 article) in"

# quire help COMMAND shows that command's options; an unknown one is a usage error.
"$QUIRE" help build >"$TMP/stdout" 2>"$TMP/stderr"; RC=$?
status_is "quire help build succeeds" "$RC" 0
contains "and explains --bundle" "$TMP/stdout" "--bundle FILE.zip  also write the whole site as one zip"
"$QUIRE" new --help >"$TMP/stdout" 2>"$TMP/stderr"; RC=$?
contains "quire new --help shows new's usage" "$TMP/stdout" "usage: quire new PATH [--title TITLE] [-s SITE]"
"$QUIRE" help bogus >"$TMP/stdout" 2>"$TMP/stderr"; RC=$?
status_is "quire help bogus is a usage error" "$RC" 2
contains "naming the command" "$TMP/stderr" "quire help: unknown command 'bogus'"

# A folder that is no site (neither site.yml nor content/) is said to be one,
# with exit status 2, and nothing is made in it.
mkdir -p "$TMP/nosite"
run "$TMP/nosite" build
status_is "building a folder that is no site is an environment error" "$RC" 2
contains "saying it is not a quire site" "$ERR" "is not a quire site: it has neither site.yml nor content/"
check "and leaves nothing in it (no lock file)" test -z "$(ls -A "$TMP/nosite")"

# quire new -s refuses such a folder as build and check do: it would
# otherwise make SITE/content/PATH.md where SITE is content/SECTION.
# Without -s, run from inside content/SECTION (where an editor works), it
# finds the site above instead, and never makes content/SECTION/content/.
run "$TMP/nosite" new foo
status_is "quire new in a folder that is no site is an environment error" "$RC" 2
contains "saying so as build does" "$ERR" "'$TMP/nosite' is not a quire site: it has neither site.yml nor content/"
check "and makes no content/ there" test -z "$(ls -A "$TMP/nosite")"
site newin
mkdir -p "$S/content/hr"
(cd "$S/content/hr" && "$QUIRE" new sick-pay --title "Sick pay" >"$TMP/stdout" 2>"$TMP/stderr"); RC=$?
status_is "quire new run from content/SECTION/ finds the site above (t13)" "$RC" 0
check "and makes no content/ inside the section" test ! -e "$S/content/hr/content"
(cd "$S" && "$QUIRE" new hr/notice --title "Notice" >"$TMP/stdout" 2>"$TMP/stderr"); RC=$?
status_is "from the site's folder it works" "$RC" 0
check "creating content/hr/notice.md" test -f "$S/content/hr/notice.md"
# nor through a content/ linked out of the site
site newlinked
mkdir -p "$TMP/newlinked-out"
rm -rf "$S/content" && ln -s "$TMP/newlinked-out" "$S/content"
run "$S" new leak
status_is "quire new refuses a content/ linked out of the site" "$RC" 1
check "and writes nothing there" test -z "$(ls -A "$TMP/newlinked-out")"

# A file in content/ is named by its path in the site, as every other is.
site clash
page "$S" a.md "A"
printf 'x' > "$S/content/a.html"
run "$S" check
contains "an HTML file beside its article is named with content/" "$ERR" "content/a.html: error: writes the same output file 'a.html' as content/a.md"
printf 'x' > "$S/content/search.html"
run "$S" check
contains "so is one at a name quire keeps for itself" "$ERR" "content/search.html: error: cannot be written to 'search.html'"
rm "$S/content/a.html" "$S/content/search.html"
# the theme's assets are copied over OUT/assets/: a file of the site's own
# there would be lost without a word
mkdir -p "$S/content/assets"
printf '<svg/>' > "$S/content/assets/favicon.svg"
printf 'png' > "$S/content/assets/photo.png"
run "$S" build -o "$TMP/clash-out"
status_is "a site file where the theme has an asset fails the build" "$RC" 1
contains "it is named with the theme's file" "$ERR" "content/assets/favicon.svg: error: writes the same output file 'assets/favicon.svg' as themes/default/assets/favicon.svg"
lacks "a picture of another name in assets/ is fine" "$ERR" "photo.png"

# Two folders whose names differ only in case share one folder where case
# is ignored (Windows, macOS): the pages quire makes for them clash there.
site caseclash
page "$S" Docs/a.md "A"
page "$S" docs/b.md "B"
run "$S" build -o "$TMP/caseclash-out"
status_is "folders whose names differ only in case fail the build" "$RC" 1
contains "naming both folders" "$ERR" "content/docs/: error: writes the same output file 'docs/index.html' as content/Docs/"
page "$S" docs/index.md "Docs"
run "$S" build -o "$TMP/caseclash-out"
contains "(with an index.md in one, the same)" "$ERR" "content/Docs/: error: writes the same output file 'Docs/index.html' as content/docs/index.md"
rm -r "$S/content/Docs"
run "$S" build -o "$TMP/caseclash-out"
status_is "one folder of that name builds" "$RC" 0
# a folder whose pages an on_page handler hides has no page to clash
page "$S" Docs/a.md "A"
script "$S" 10-hide 'quire.on_page(function(p) if p.path:find("content/Docs/", 1, true) then p.draft = true end end)'
run "$S" build -o "$TMP/caseclash-out"
status_is "nor does one whose pages a handler hides" "$RC" 0
rm -r "$S/content/Docs" "$S/scripts"
# case in any script, as such a disk ignores it
page "$S" Über.md "Ü upper"
page "$S" über.md "ü lower"
run "$S" build -o "$TMP/caseclash-out"
contains "two pages whose names differ only in a letter's case outside ASCII clash" "$ERR" "content/über.md: error: writes the same output file 'über.html' as content/Über.md"
rm "$S/content/Über.md" "$S/content/über.md"
# a file of the site's own where quire makes a folder's page is the one named
printf 'x' > "$S/content/docs/index.html"
run "$S" build -o "$TMP/caseclash-out"
contains "an index.html in a folder without index.md is named" "$ERR" "content/docs/index.html: error: writes the same output file 'docs/index.html' as content/docs/"
rm "$S/content/docs/index.html"

# quire check says how many drafts it left out, so "checked 0 articles" on
# a site of drafts does not read as a site with nothing in it.
site drafted
printf -- '---\ntitle: D\ndraft: true\n---\nx\n' > "$S/content/d.md"
run "$S" check
status_is "a site of one draft checks" "$RC" 0
contains "check names the draft it did not check" "$ERR" "checked 0 articles (1 draft not checked: use --drafts): 0 errors, 0 warnings"
printf -- '---\ntitle: E\ndraft: true\n---\nx\n' > "$S/content/e.md"
page "$S" a.md "A"
run "$S" check
contains "and counts them" "$ERR" "checked 1 article (2 drafts not checked: use --drafts): 0 errors, 0 warnings"
run "$S" check --drafts
contains "with --drafts every one is checked" "$ERR" "checked 3 articles: 0 errors, 0 warnings"
run "$S" build
contains "build's summary keeps its fixed form" "$ERR" "built "
lacks "without the drafts' count" "$ERR" "not checked"

# A link to an article that has errors of its own is not the link's fault:
# it says so, and does not send the editor to delete a good link.
site followon
printf -- '---\ntitle: "Bad\n---\n' > "$S/content/bad.md"
printf -- '---\ntitle: Refused\ntemplate: nosuch\n---\nx\n' > "$S/content/refused.md"
printf -- '---\ntitle: G\n---\n[[bad]] [b](bad.md) [[Refused]] [r](refused.md#x)\n' > "$S/content/good.md"
run "$S" check
status_is "the site still fails" "$RC" 1
lacks "no link to it is said not to exist" "$ERR" "does not exist"
lacks "no wiki link is said to match nothing" "$ERR" "matches no article"
contains "a wiki link to it names the file at fault" "$ERR" "content/good.md:4:1: warning: wiki link [[bad]]: content/bad.md has errors of its own (reported under its name); the link itself is fine"
contains "so does a Markdown link" "$ERR" "content/good.md:4:9: warning: link to 'bad.md': content/bad.md has errors of its own (reported under its name); the link itself is fine"
contains "a wiki link by title to a refused article too" "$ERR" "content/good.md:4:21: warning: wiki link [[Refused]]: content/refused.md has errors of its own"
contains "and a link with an anchor" "$ERR" "content/good.md:4:33: warning: link to 'refused.md#x': content/refused.md has errors of its own"
contains "only the files at fault count as errors" "$ERR" "2 errors, 4 warnings"
page "$S" search.md "Search"
page "$S" good.md "G" "[s](search.md)"
rm "$S/content/bad.md" "$S/content/refused.md"
run "$S" check
contains "an article refused for its name counts as one with errors of its own" "$ERR" "content/good.md:4:1: warning: link to 'search.md': content/search.md has errors of its own"

# A broken link says what was probably meant.
site hints
mkdir -p "$S/content/hr"
printf -- '---\ntitle: Leave\n---\n## Annual Leave\n\nx\n' > "$S/content/hr/leave.md"
printf 'pdf' > "$S/content/hr/form.pdf"
page "$S" hr/l.md "L" '[a](Leave.md) [b](leave) [c](www.example.com/x) [d](leave.md#Annual-Leave)\n\n[[leave#Annual Leave]] [e](Form.PDF) [g](../HR/Leave.md#annual-leave)'
page "$S" same.md "Same" '[f](#Annual-Leave)\n\n## Annual Leave'
page "$S" top.md "Top" '[h](hr/leave#annual-leave) [i](hr/) [j](hr/leave.md#Annual%20Leave)'
run "$S" check
contains "a name in the wrong case: names are case-sensitive" "$ERR" "content/hr/l.md:4:1: error: link target 'Leave.md' does not exist: names are case-sensitive; did you mean 'leave.md'?"
contains "a link without .md is told to add it" "$ERR" "content/hr/l.md:4:15: error: link target 'leave' does not exist: did you mean 'leave.md'? (a link names the article's file, with .md)"
contains "a web address without https:// is told to add it" "$ERR" "content/hr/l.md:4:26: error: link target 'www.example.com/x' does not exist: a link to a website starts with https://, e.g. 'https://www.example.com/x'"
contains "an anchor in the wrong case gets the id" "$ERR" "content/hr/l.md:4:49: error: 'content/hr/leave.md' has no heading with the id 'Annual-Leave': did you mean 'annual-leave'? (ids are lower case, with '-' between words)"
contains "so does a wiki link's heading with spaces" "$ERR" "content/hr/l.md:6:1: error: 'content/hr/leave.md' has no heading with the id 'Annual Leave': did you mean 'annual-leave'?"
contains "an attachment in the wrong case" "$ERR" "content/hr/l.md:6:24: error: link target 'Form.PDF' does not exist: names are case-sensitive; did you mean 'form.pdf'?"
contains "a same-page anchor in the wrong case" "$ERR" "content/same.md:4:1: error: this page has no heading with the id 'Annual-Leave': did you mean 'annual-leave'?"
contains "a folder in the wrong case, keeping the anchor" "$ERR" "content/hr/l.md:6:38: error: link target '../HR/Leave.md#annual-leave' does not exist: names are case-sensitive; did you mean 'leave.md#annual-leave'?"
contains "a link from another folder without .md" "$ERR" "content/top.md:4:1: error: link target 'hr/leave#annual-leave' does not exist: did you mean 'hr/leave.md#annual-leave'?"
contains "a link to a folder is told of its index" "$ERR" "content/top.md:4:28: error: link target 'hr/' does not exist: did you mean 'hr/index.md'?"
contains "a heading's text with %20 for its spaces gets the id" "$ERR" "content/top.md:4:37: error: 'content/hr/leave.md' has no heading with the id 'Annual%20Leave': did you mean 'annual-leave'?"

# A link written from the site's root names the file it means as a link
# from this page: from content/ ("/hr/leave.md"), or from the repository
# as GitHub reads it ("/content/hr/leave.md"), keeping the anchor.
page "$S" hr/deep/d.md "D" '[k](/hr/leave.md#annual-leave) [l](/content/hr/form.pdf) [m](/HR/Leave.md) [n](/nowhere.md)\n\n[o](//hr/leave.md)'
run "$S" check
contains "a link from the site's root names the relative one" "$ERR" "content/hr/deep/d.md:4:1: error: link '/hr/leave.md#annual-leave' starts with '/': write it relative to this file so the site works from any folder: did you mean '../leave.md#annual-leave'?"
contains "so does one from the repository's root, to a file" "$ERR" "content/hr/deep/d.md:4:32: error: link '/content/hr/form.pdf' starts with '/': write it relative to this file so the site works from any folder: did you mean '../form.pdf'?"
contains "and one in the wrong case" "$ERR" "link '/HR/Leave.md' starts with '/': write it relative to this file so the site works from any folder: names are case-sensitive; did you mean '../leave.md'?"
check "a root link to nothing has no hint" grep -qx "content/hr/deep/d.md:4:76: error: link '/nowhere.md' starts with '/': write it relative to this file so the site works from any folder" "$ERR"
check "a link to another site's root ('//host/x') has none" grep -qx "content/hr/deep/d.md:6:1: error: link '//hr/leave.md' starts with '/': write it relative to this file so the site works from any folder" "$ERR"
rm "$S/content/hr/deep/d.md"

# A name, title, path or heading id one typing slip away from one that
# exists is named (two slips for a long id); several as near are all
# named; one further away, or two ids as near, are not guessed at.
printf -- '---\ntitle: Annual leave rules\n---\n## Carrying over\n\n## How to book leave\n' > "$S/content/hr/annual.md"
printf -- '---\ntitle: Leaves\n---\nx\n' > "$S/content/hr/leaves.md"
printf '<svg xmlns="http://www.w3.org/2000/svg"/>' > "$S/content/hr/chart.svg"
page "$S" hr/typo.md "Typo" '[[anual]] [[Anual leave rules#carrying-over]] [[hr/anual]] [[leavs]]\n\n[a](anual.md#carrying-over) ![b](chrat.svg) [c](annual.md#carying-over) [d](annual.md#how-to-bok-leav)\n\n[[annnual-x]] [e](annual.md#carrying-overs-x) [f](nowhere.md)'
run "$S" check
contains "a wiki link's file name one slip away" "$ERR" "content/hr/typo.md:4:1: error: wiki link [[anual]] matches no article (by file name or title): did you mean [[annual]]?"
contains "a title one slip away, keeping the anchor" "$ERR" "content/hr/typo.md:4:11: error: wiki link [[Anual leave rules]] matches no article (by file name or title): did you mean [[Annual leave rules#carrying-over]]?"
contains "a path one slip away" "$ERR" "content/hr/typo.md:4:47: error: wiki link [[hr/anual]] matches no article (by file name or title), nor an article at that path in content/: did you mean [[hr/annual]]?"
contains "two names as near are both named" "$ERR" "content/hr/typo.md:4:60: error: wiki link [[leavs]] matches no article (by file name or title): did you mean [[leave]] or [[leaves]]?"
contains "a link's file one slip away, keeping the anchor" "$ERR" "content/hr/typo.md:6:1: error: link target 'anual.md#carrying-over' does not exist: did you mean 'annual.md#carrying-over'?"
contains "an attachment with two letters swapped" "$ERR" "content/hr/typo.md:6:29: error: link target 'chrat.svg' does not exist: did you mean 'chart.svg'?"
contains "a heading id one slip away" "$ERR" "content/hr/typo.md:6:45: error: 'content/hr/annual.md' has no heading with the id 'carying-over': did you mean 'carrying-over'?"
contains "a long id two slips away" "$ERR" "content/hr/typo.md:6:73: error: 'content/hr/annual.md' has no heading with the id 'how-to-bok-leav': did you mean 'how-to-book-leave'?"
check "a name two slips away is no guess" grep -qx "content/hr/typo.md:8:1: error: wiki link \[\[annnual-x\]\] matches no article (by file name or title)" "$ERR"
check "nor an id further away" grep -qx "content/hr/typo.md:8:15: error: 'content/hr/annual.md' has no heading with the id 'carrying-overs-x'" "$ERR"
check "nor a file like none" grep -qx "content/hr/typo.md:8:47: error: link target 'nowhere.md' does not exist" "$ERR"
rm "$S/content/hr/typo.md" "$S/content/hr/annual.md" "$S/content/hr/leaves.md" "$S/content/hr/chart.svg"

# A hint names a page as a link would reach it: by its path when its title
# is another page's file name (file names win) or has a '#' (a wiki link
# reads it as an anchor); never the page the link is on; a link without
# .md gets the page's file; an anchor written %-escaped gets the id.
site hintnames
printf -- '---\ntitle: Sick\n---\nx\n' > "$S/content/leave.md"
printf -- '---\ntitle: Other\n---\nx\n' > "$S/content/sick.md"
printf -- '---\ntitle: C# guide\n---\nx\n' > "$S/content/csharp.md"
printf -- '---\ntitle: Über uns\n---\n## Über uns\n\nx\n' > "$S/content/about.md"
page "$S" pa.md "Pa" '[[sik]] [[C guide]] [[pax]]\n\n[x](leav) [y](about.md#%C3%BCber-un)'
run "$S" check
contains "a title that is another's file name is named by path" "$ERR" "content/pa.md:4:1: error: wiki link [[sik]] matches no article (by file name or title): did you mean [[leave]] or [[sick]]?"
contains "so is a title with a '#'" "$ERR" "content/pa.md:4:9: error: wiki link [[C guide]] matches no article (by file name or title): did you mean [[csharp]]?"
check "the page a link is on is never suggested" grep -qx "content/pa.md:4:21: error: wiki link \[\[pax\]\] matches no article (by file name or title)" "$ERR"
contains "a link without .md one slip from a page's file" "$ERR" "content/pa.md:6:1: error: link target 'leav' does not exist: did you mean 'leave.md'?"
contains "an anchor written %-escaped gets the id" "$ERR" "content/pa.md:6:11: error: 'content/about.md' has no heading with the id '%C3%BCber-un': did you mean 'uber-uns'?"
page "$S" sub/q.md "Q"
page "$S" pb.md "Pb" '[[SUB/Qx]] [[/leav]]'
run "$S" check
contains "a wiki path in another case, one slip away" "$ERR" "content/pb.md:4:1: error: wiki link [[SUB/Qx]] matches no article (by file name or title), nor an article at that path in content/: did you mean [[sub/q]]?"
contains "a name written with a leading '/'" "$ERR" "did you mean [[leave]]?"

# Columns count characters, as editors do (and the front matter's
# messages): an accent before a link is one column, not two bytes.
site cols
page "$S" a.md "A" 'Congé été [[nosuch]]\n\nÉtape: [x](nosuch.md) “quoted” ![](p.png)'
run "$S" check
contains "a wiki link after accents is at its character column" "$ERR" "content/a.md:4:11: error: wiki link [[nosuch]]"
contains "so is a link" "$ERR" "content/a.md:6:8: error: link target 'nosuch.md' does not exist"
contains "and a warning after curly quotes" "$ERR" "content/a.md:6:32: warning: image 'p.png' has no alt text"
printf '<p>Été</p>{{#x}}\n' >> "$S/themes/default/templates/article.mustache"
run "$S" check
contains "a template's column too" "$ERR" "themes/default/templates/article.mustache:$(wc -l < "$S/themes/default/templates/article.mustache"):11: error: unclosed section 'x'"

# What the editor wrote and readers would not see is a warning: a table
# row's cells past its header's, raw HTML the site leaves out (not a
# comment, which is hidden by intent).
site unseen
page "$S" a.md "A" '| Leave | Days |\n|---|---|\n| Annual | 25 | with bank holidays |\n| Sick | 10 |\n| `a|b` | c | d |\n\n<div class="warning">Do not share passwords.</div>\n\nSee <b>this</b>. <!-- a note for editors -->'
run "$S" check
status_is "what readers would not see only warns" "$RC" 0
contains "a row with a cell past the header's is named" "$ERR" "content/a.md:6:1: warning: this table row has 3 cells and its header 2: the last is not shown (add a column to the header, or write a '|' in a cell as '\\|')"
contains "a '|' in code splits a cell too, as GitHub has it" "$ERR" "content/a.md:8:1: warning: this table row has 4 cells and its header 2: the last 2 are not shown"
lacks "a row as wide as its header is fine" "$ERR" "content/a.md:7:"
contains "raw HTML is named once, at the first, with how many more" "$ERR" "content/a.md:10:1: warning: raw HTML is not shown (this and 2 more on this page): the site leaves it out (markdown.unsafe_html: false in site.yml); write it in Markdown"
page "$S" q.md "Q" '> | a | b |\n> |---|---|\n> | 1 | 2 |\n\n- item\n\n  | a | b |\n  |---|---|\n  | 1 | 2 | 3 |\n\nText\n    more <b>x</b>'
run "$S" check
lacks "a table in a quote: its '>' is no cell" "$ERR" "content/q.md:6:"
contains "a row in a list is named at its column" "$ERR" "content/q.md:12:3: warning: this table row has 3 cells and its header 2"
contains "raw HTML on a continuation line is named at its '<'" "$ERR" "content/q.md:15:10: warning: raw HTML is not shown"
printf -- '---\ntitle: Br\n---\nLine one<br>line two\n' > "$S/content/br.md"
run "$S" check
contains "a <br> is told the Markdown for a line break" "$ERR" "content/br.md:4:9: warning: raw HTML is not shown: the site leaves it out (markdown.unsafe_html: false in site.yml); write it in Markdown (a line break, <br>, is a backslash at the end of the line)"
rm "$S/content/br.md"
rm "$S/content/q.md"
printf 'title: T\nmarkdown:\n  unsafe_html: true\n' > "$S/site.yml"
run "$S" check
lacks "a site that lets raw HTML through is not told" "$ERR" "raw HTML"
page "$S" b.md "B" 'Text.\n\n<!-- only a note -->'
printf 'title: T\n' > "$S/site.yml"
run "$S" check
lacks "a comment alone is no raw HTML to warn of" "$ERR" "content/b.md"

# A web or e-mail address mistyped is told how to write it: a slip in
# https (a warning: external addresses are the editor's to check), one
# not whole, one without its ':' or without https:// at all, an e-mail
# address without mailto:, and a javascript: link, which is removed.
site addr
page "$S" a.md "A" '[a](htps://acas.org.uk) [b](https:/acas.org.uk) [c](https//acas.org.uk) [d](acas.org.uk/x) [e](hr@example.org) [f](javascript:alert(1)) [g](mailto:hr@example.org) [h](https://www.gov.uk/x) [i](ftp://x.org/f)'
run "$S" check
contains "a slip in https is named" "$ERR" "content/a.md:4:1: warning: the address 'htps://acas.org.uk' starts with 'htps:': did you mean 'https://acas.org.uk'?"
contains "an address not whole is named" "$ERR" "content/a.md:4:25: warning: the web address 'https:/acas.org.uk' is not whole"
contains "one without its ':' is mended" "$ERR" "link target 'https//acas.org.uk' does not exist: did you mean 'https://acas.org.uk'?"
contains "a site's name is told https://" "$ERR" "link target 'acas.org.uk/x' does not exist: a link to a website starts with https://, e.g. 'https://acas.org.uk/x'"
contains "an e-mail address is told mailto:" "$ERR" "link target 'hr@example.org' does not exist: an e-mail address is written 'mailto:hr@example.org'"
contains "a javascript: link is said to be shown as text" "$ERR" "warning: a 'javascript:' link is not safe to follow, so the site shows its text alone"
check "good addresses are not named (three errors, three warnings in all)" grep -q "^3 errors, 3 warnings" "$ERR"
site addr2
page "$S" a.md "A" 'See [f](javascript:alert(1)) and [g](mailto:hr@example.org).'
run "$S" build
contains "and it is: its text, no empty link" "$S/public/a.html" "See f and <a href=\"mailto:hr@example.org\">g</a>."

# A link written from the wrong folder (the other folder left out, the
# file name alone, or through the repository as GitHub reads it) is
# offered the one page or attachment of that file name.
site relhint
mkdir -p "$S/content/policy" "$S/content/reference"
printf -- '---\ntitle: Help\n---\nx\n' > "$S/content/reference/where-to-get-help.md"
printf 'pdf' > "$S/content/reference/form.pdf"
page "$S" policy/p.md "P" '[a](reference/where-to-get-help.md) [b](where-to-get-help.md#x) [c](form.pdf) [d](../../content/reference/where-to-get-help.md)'
run "$S" check
contains "a folder left out is put in" "$ERR" "content/policy/p.md:4:1: error: link target 'reference/where-to-get-help.md' does not exist: did you mean '../reference/where-to-get-help.md'? (a link is relative to the folder of the file it is in)"
contains "a file name alone finds the one page of that name, anchor kept" "$ERR" "link target 'where-to-get-help.md#x' does not exist: did you mean '../reference/where-to-get-help.md#x'?"
contains "so does an attachment's" "$ERR" "link target 'form.pdf' does not exist: did you mean '../reference/form.pdf'?"
contains "a path through the repository is put inside content/" "$ERR" "link '../../content/reference/where-to-get-help.md' points outside content/: did you mean '../reference/where-to-get-help.md'? (a link is relative to this file, inside content/)"
page "$S" other/where-to-get-help.md "Two"
run "$S" check
lacks "two pages of that name: no guess" "$ERR" "did you mean '../reference/where-to-get-help.md#x'"

# A tag on one article alone, one slip from a tag others share, is told
# at its tags: line; a tag on one article like no other, or a short one,
# is not.
site tagslips
printf -- '---\ntitle: A\ntags: [leave-policy, hr]\n---\nx\n' > "$S/content/a.md"
printf -- '---\ntitle: B\ntags: [leave-policy, hr]\n---\nx\n' > "$S/content/b.md"
printf -- '---\ntitle: C\nsummary: s\ntags:\n  - leave-polcy\n  - pr\n  - overtime\n---\nx\n' > "$S/content/c.md"
run "$S" check
status_is "a slip in a tag is a warning, not an error" "$RC" 0
contains "a tag one slip from a shared one is named, at its tags: line" "$ERR" "content/c.md:4:1: warning: tag 'leave-polcy' is on no other article: did you mean 'leave-policy' (on 2)? A slip keeps this article off that tag's page"
lacks "a short tag is not judged" "$ERR" "tag 'pr'"
lacks "nor a tag like no other" "$ERR" "tag 'overtime'"
printf -- '---\ntitle: D\ntags: [phase-1, budget-2023]\n---\nx\n' > "$S/content/d.md"
printf -- '---\ntitle: E\ntags: [phase-1, budget-2023]\n---\nx\n' > "$S/content/e.md"
printf -- '---\ntitle: F\ntags: [phase-2, budget-2024]\n---\nx\n' > "$S/content/f.md"
run "$S" check
lacks "tags of a series (differing only in digits) are no slip" "$ERR" "content/f.md"
page "$S" g.md "G" '[[nosuch]]'
run "$S" check
contains "with an error elsewhere, the slip is still named" "$ERR" "content/c.md:4:1: warning: tag 'leave-polcy' is on no other article"
printf -- '---\ntitle: H\ntags: [Leave-Policy]\n---\nx\n' > "$S/content/h.md"
run "$S" check
contains "and two tags of one page name are an error beside the other" "$ERR" "content/h.md:3:1: error: tag 'Leave-Policy' and the tag 'leave-policy'"

# An anchor written as GitHub or GitLab would have it (an article moved
# from a wiki, or previewed there) is told quire's id for that heading,
# repeats counted as they count them ("-1" is quire's "-2").
site ghids
printf -- '---\ntitle: Build\n---\n## Unix/macOS\n\n## Unix/macOS\n\n## ERR_NO_TITLE\n\n## Employer\342\200\231s duty \342\200\224 s.10(2)\n\nx\n' > "$S/content/build.md"
page "$S" from.md "From" '[a](build.md#unixmacos) [b](build.md#unixmacos-1)\n\n[c](build.md#err_no_title) [d](build.md#employers-duty--s102) [e](build.md#employers-duty-s102)'
page "$S" self.md "Self" '[f](#unixmacos-1)\n\n## Unix/macOS\n\n## Unix/macOS'
run "$S" check
contains "GitHub's id for a heading gets quire's" "$ERR" "content/from.md:4:1: error: 'content/build.md' has no heading with the id 'unixmacos': did you mean 'unix-macos'? (GitHub gives that heading this id; quire's are lower case, with '-' between words)"
contains "their second of two headings is '-1', quire's '-2'" "$ERR" "content/from.md:4:25: error: 'content/build.md' has no heading with the id 'unixmacos-1': did you mean 'unix-macos-2'?"
contains "GitHub keeps '_'" "$ERR" "content/from.md:6:1: error: 'content/build.md' has no heading with the id 'err_no_title': did you mean 'err-no-title'?"
contains "and drops curly quotes and dashes, keeping each space" "$ERR" "has no heading with the id 'employers-duty--s102': did you mean 'employer-s-duty-s-10-2'?"
contains "GitLab's runs of '-' as one" "$ERR" "has no heading with the id 'employers-duty-s102': did you mean 'employer-s-duty-s-10-2'? (GitLab gives that heading this id"
contains "on the same page too" "$ERR" "content/self.md:4:1: error: this page has no heading with the id 'unixmacos-1': did you mean 'unix-macos-2'?"

# Front matter mistakes are explained in plain words, at the place to fix.
site yaml
fm() { printf -- "---\n$2\n---\nText.\n" > "$S/content/$1.md"; }
fm colon 'title: Social media: a guide'
fm quote 'title: "Bad\nsummary: s'
fm squote "title: 'Bad"
fm list 'title: T\ntags: [a, b'
fm hash 'title: #1 rule'
fm number 'title: 2024'
fm yesno 'title: true'
fm upper 'Title: Leave'
fm nospace 'title:NoSpace'
fm nospace2 'summary: s\ntitle:NoSpace'
fm tagnum 'title: T\ntags: [hr, 2024]'
fm tagblock 'title: T\ntags:\n  - hr\n  - 2024'
fm at 'title: @home'
fm tab 'title: T\n\tsummary: s'
fm indent 'title: T\n  summary: s'
fm backslash 'title: "C:\\Users"'
fm after 'title: "Leave" policy'
fm stray 'title: T\nsome words'
run "$S" check
status_is "front matter mistakes fail check" "$RC" 1
lacks "no message is libyaml's own words" "$ERR" "invalid YAML"
contains "a value with ': ' is to be quoted" "$ERR" "content/colon.md:2:20: error: the value of 'title' contains ': ', which YAML reads as another key: put the value in double quotes: title: \"Social media: a guide\""
contains "an unclosed quote is reported where it opens" "$ERR" "content/quote.md:2:8: error: the quote (\") that opens here is never closed: end the value with \""
contains "so is a single quote" "$ERR" "content/squote.md:2:8: error: the quote (') that opens here is never closed: end the value with '"
contains "an unclosed list is reported at its [" "$ERR" "content/list.md:3:7: error: the list opened with '[' here is never closed: end it with ']'"
contains "a value starting with # is explained" "$ERR" "content/hash.md:2:8: error: 'title' is empty: '#' starts a comment, so YAML ignores '#1 rule': put the value in quotes: title: \"#1 rule\""
contains "a title read as a number is to be quoted" "$ERR" "content/number.md:2:8: error: 'title' must be text, but 2024 is read as a number: put it in quotes: title: \"2024\""
contains "a title read as yes or no is to be quoted" "$ERR" "content/yesno.md:2:8: error: 'title' must be text, but true is read as yes or no: put it in quotes: title: \"true\""
contains "a key in capitals is named" "$ERR" "content/upper.md:2:1: error: front matter has no 'title': keys are lower case, so write 'title', not 'Title'"
contains "a key without a space after its colon" "$ERR" "content/nospace.md:2:6: error: put a space after the colon: title: NoSpace"
contains "after another key too" "$ERR" "content/nospace2.md:3:6: error: put a space after the colon: title: NoSpace"
contains "a tag read as a number" "$ERR" "content/tagnum.md:3:12: error: 'tags' must be a list of text, but 2024 is read as a number: put it in quotes: tags: [hr, \"2024\"]"
contains "in a list of lines too" "$ERR" "content/tagblock.md:5:5: error: 'tags' must be a list of text, but 2024 is read as a number: put it in quotes: - \"2024\""
contains "a value starting with @ is to be quoted" "$ERR" "content/at.md:2:8: error: a value cannot start with '@': put it in quotes: title: \"@home\""
contains "a tab is named" "$ERR" "content/tab.md:3:1: error: a tab: indent with spaces"
contains "an indented key is explained" "$ERR" "content/indent.md:3:3: error: 'summary' is indented, so YAML reads it as more of the value above: start it at the beginning of the line"
contains "a backslash in double quotes is explained" "$ERR" "content/backslash.md:2:11: error: in double quotes '\\' starts an escape such as \\n: write '\\\\' for a backslash, or use single quotes"
contains "text after a closing quote is explained" "$ERR" "content/after.md:2:16: error: text after the closing quote: put the whole value inside the quotes"
contains "a line that is no key: value" "$ERR" "content/stray.md:3:1: error: this line is not 'key: value': add the key and ': ', or move the text below the closing '---'"

# Two articles with one title (as wiki links compare titles) get a warning
# at the second's title line, before any link names it.
site sametitle
page "$S" hr/leave.md "Annual leave"
mkdir -p "$S/content/pay"; printf -- '---\nsummary: Days off\ntitle: annual LEAVE\n---\nText.\n' > "$S/content/pay/leave.md"
page "$S" other.md "Annual leave policy"
run "$S" check
status_is "two articles with one title only warn" "$RC" 0
contains "the second is warned at its title line, naming the first" "$ERR" "content/pay/leave.md:3:1: warning: content/hr/leave.md has the title 'annual LEAVE' too"
lacks "a title that only starts alike is no duplicate" "$ERR" "other.md"

# What the whole site reads is reported before the articles; a script
# that does not load adds no page, and the links to it are not blamed.
site rootcause
script "$S" 10-add 'quire.on_site(function(site)
  quire.add_page{ path = "glossary", title = "Glossary", markdown = "Terms." }
end'
page "$S" a.md "A" '[[glossary]]'
printf -- '---\ntitle: B\nsummary: [unclosed\n---\nx\n' > "$S/content/b.md"
run "$S" check
status_is "a script that does not load fails the check" "$RC" 1
lacks "the link to the page it would add is not blamed" "$ERR" "content/a.md:4:1: error: wiki link [[glossary]]"
contains "an article's own error is reported" "$ERR" "content/b.md:3:"
check "after the script's error, which comes first" sh -c "grep 'error' '$ERR' | head -n 1 | grep -q '^scripts/10-add.lua:'"

# A line with too many '|' to parse tables is named by its line: the
# editor must find it in a long article.
site pipes
page "$S" a.md "A" "Intro.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nx $(printf '%0300d' 0 | tr 0 '|')\n\nEnd."
run "$S" build
status_is "a line too wide for tables only warns" "$RC" 0
contains "and is named by its line" "$ERR" "content/a.md:10:1: warning: this line has more than 256 '|' characters: tables in this article are shown as text"
run "$S" build
contains "on a rebuild too" "$ERR" "content/a.md:10:1: warning: this line has more than 256 '|' characters"

# An image without alt text or a link without text is a warning (screen
# readers would announce an address, or nothing); on a rebuild too, from
# the cache.
site a11y
printf '<svg xmlns="http://www.w3.org/2000/svg"/>' > "$S/content/chart.svg"
page "$S" b.md "B"
page "$S" a.md "A" '![](chart.svg) ![Leave taken by month](chart.svg)\n\n[](b.md) [Leave](b.md) [`code`](b.md) [![Chart](chart.svg)](b.md) [![](chart.svg)](b.md) [[b]] <https://example.org/>'
run "$S" build
status_is "missing alt text and link text only warn" "$RC" 0
contains "an image without alt text is named" "$ERR" "content/a.md:4:1: warning: image 'chart.svg' has no alt text: say what it shows between the brackets, ![like this](chart.svg), for readers who cannot see it"
contains "so is a link without text" "$ERR" "content/a.md:6:1: warning: link to 'b.md' has no text: a screen reader would read out its address"
check "a link whose content is an image is judged by the image alone (three warnings in all)" [ "$(grep -c 'warning: \(image\|link to\)' "$ERR")" = 3 ]
run "$S" build
contains "a rebuild from the cache warns again" "$ERR" "content/a.md:4:1: warning: image 'chart.svg' has no alt text"

# --strict (for CI): a warning fails the build as an error would, and the
# site already published stays as it was; a hook's own log does not.
site strict
page "$S" a.md "A" 'Text.'
run "$S" build --strict
status_is "a site in no git repository fails a strict build: it would go out with no history" "$RC" 1
contains "as the warning says" "$ERR" "quire: warning: history is on, but the site is in no git repository"
printf 'title: Test site\nhistory: false\n' > "$S/site.yml"
run "$S" build --strict
status_is "a strict build with no warning succeeds" "$RC" 0
page "$S" a.md "A" 'Text, now with a new line.\n\n![](chart.svg)'
printf '<svg xmlns="http://www.w3.org/2000/svg"/>' > "$S/content/chart.svg"
run "$S" build --strict
status_is "a warning fails a strict build (1)" "$RC" 1
contains "the warning is told as a warning" "$ERR" "content/a.md:6:1: warning: image 'chart.svg' has no alt text"
contains "and the summary says why it failed" "$ERR" "0 errors, 1 warning (--strict: a warning fails it too)"
lacks "the published site is left as it was" "$S/public/a.html" "now with a new line"
run "$S" check --strict
status_is "quire check --strict fails on it too" "$RC" 1
run "$S" build
status_is "without --strict the same site builds" "$RC" 0
contains "and is published" "$S/public/a.html" "now with a new line"
page "$S" a.md "A" 'Text.'
rm "$S/content/chart.svg"
script "$S" 10-log 'quire.on_page(function(page) quire.log("seen " .. page.title) end)'
run "$S" build --strict
status_is "a hook's log is its own message, not a warning of quire's" "$RC" 0
contains "and is still shown" "$ERR" "seen A"
script "$S" 20-filter 'quire.filter{ paragraph = function(n) print("filtered a paragraph") end }'
run "$S" build --strict
status_is "nor is a filter's, though sorted and merged as a warning is" "$RC" 0
contains "(shown once)" "$ERR" "scripts/20-filter.lua:1:1: warning: filtered a paragraph"
check "(once)" [ "$(grep -c 'filtered a paragraph' "$ERR")" = 1 ]
rm "$S/scripts/20-filter.lua"
"$QUIRE" serve --strict -s "$S" >/dev/null 2>"$TMP/stderr"; RC=$?
status_is "serve takes no --strict (a usage error)" "$RC" 2
