#!/bin/sh
# t13: what quire new and quire check tell an editor: names that clash but
# for letter case, paths from inside content/, titles made from file names,
# unknown options, and front-matter values written almost right.
. "$(dirname "$0")/lib.sh"

# quire new PATH where a folder or article of another letter case exists:
# where case is ignored the two would be one page, and the build would stop.
site cs
page "$S" policy/remote-work.md "Remote work"
run "$S" new Policy/Remote-Work
status_is "quire new refuses a folder that exists in another letter case" "$RC" 1
contains "naming the folder that exists and why" "$ERR" "content/Policy/Remote-Work.md: error: content/policy/ exists, and names that differ only in letter case would write one page; write the folder as 'policy'"
check "and makes nothing" test ! -e "$S/content/Policy"
run "$S" new policy/Remote-Work.md
status_is "it refuses an article that exists in another letter case" "$RC" 1
contains "naming the article" "$ERR" "content/policy/Remote-Work.md: error: content/policy/remote-work.md exists, and names that differ only in letter case would write one page; edit that article, or give another name"
check "and makes nothing" test ! -e "$S/content/policy/Remote-Work.md"
page "$S" Guide/Leave.md "Leave"
run "$S" new guide/leave
status_is "and the other way round" "$RC" 1
contains "naming the one that exists" "$ERR" "content/Guide/ exists"
run "$S" new policy/other
status_is "a name of its own is fine" "$RC" 0
# the build's own clash message says why the two are one
mkdir -p "$S/content/Policy"
page "$S" Policy/Remote-Work.md "Remote work, again"
run "$S" check
status_is "two articles whose names differ only in case fail the check" "$RC" 1
contains "saying the names differ only in letter case" "$ERR" "content/policy/remote-work.md: error: writes the same output file 'policy/remote-work.html' as content/Policy/Remote-Work.md: the names differ only in letter case, which Windows, macOS and many web servers take for one name; rename one"
contains "(so do their folders)" "$ERR" "content/policy/: error: writes the same output file 'policy/index.html' as content/Policy/: the names differ only in letter case"
site cs2
page "$S" a.md "A"
file "$S" a.html "<p>a</p>"
run "$S" check
contains "a clash not of case is reported as before" "$ERR" "content/a.html: error: writes the same output file 'a.html' as content/a.md"
lacks "without the word on case" "$ERR" "letter case"

# A PATH ending in .md in any case names the article's file.
site ext
run "$S" new Leave.MD
status_is "quire new Leave.MD works" "$RC" 0
check "creating content/Leave.md" test -f "$S/content/Leave.md"
check "not content/Leave.MD.md" test ! -e "$S/content/Leave.MD.md"
contains "and says so" "$TMP/stdout" "created content/Leave.md"

# Without -s, quire new finds the site above, as git does its repository;
# inside content/, PATH is from the folder the editor is in.
site up
mkdir -p "$S/content/policy" "$S/content/hr"
(cd "$S/content/policy" && "$QUIRE" new remote-work >"$TMP/stdout" 2>"$TMP/stderr"); RC=$?
status_is "quire new run in content/policy/ works" "$RC" 0
check "creating content/policy/remote-work.md" test -f "$S/content/policy/remote-work.md"
contains "named from the site's folder" "$TMP/stdout" "created content/policy/remote-work.md"
check "with no content/ inside the section" test ! -e "$S/content/policy/content"
(cd "$S/content" && "$QUIRE" new hr/leave >"$TMP/stdout" 2>"$TMP/stderr"); RC=$?
status_is "run in content/ it works" "$RC" 0
check "creating content/hr/leave.md" test -f "$S/content/hr/leave.md"
(cd "$S/content/policy" && "$QUIRE" new content/hr/pay >"$TMP/stdout" 2>"$TMP/stderr"); RC=$?
check "a PATH starting content/ is from the site's folder" test -f "$S/content/hr/pay.md"
(cd "$S/themes" && "$QUIRE" new top >"$TMP/stdout" 2>"$TMP/stderr"); RC=$?
check "run elsewhere in the site, PATH is from content/" test -f "$S/content/top.md"
run "$S" check
status_is "what it made checks clean" "$RC" 0
"$QUIRE" new x -s "$S/content/policy" >/dev/null 2>"$TMP/stderr"; RC=$?
status_is "-s is still taken as it is given" "$RC" 2
contains "(a section is no site)" "$TMP/stderr" "is not a quire site"
mkdir -p "$TMP/nosite/deep"
(cd "$TMP/nosite/deep" && "$QUIRE" new x >"$TMP/stdout" 2>"$TMP/stderr"); RC=$?
status_is "in no site at all it is an environment error" "$RC" 2
contains "saying none was found above" "$TMP/stderr" "neither '.' nor a folder above it is a quire site"
check "and makes nothing" test -z "$(ls -A "$TMP/nosite/deep")"

# quire check, build and serve find the site above too: an editor in
# content/policy/ checks the whole site, named from its folder as ever.
site upb
page "$S" policy/leave.md "Leave" "See [[Pay]]."
(cd "$S/content/policy" && "$QUIRE" check >"$TMP/stdout" 2>"$TMP/stderr"); RC=$?
status_is "quire check run in content/policy/ checks the site" "$RC" 1
contains "naming the file from the site's folder" "$TMP/stderr" "content/policy/leave.md:4:5: error: wiki link [[Pay]] matches no article"
page "$S" policy/pay.md "Pay"
(cd "$S/content/policy" && "$QUIRE" check >"$TMP/stdout" 2>"$TMP/stderr"); RC=$?
status_is "and passes once the page is there" "$RC" 0
contains "counting every article" "$TMP/stderr" "checked 2 articles: 0 errors"
(cd "$S/content/policy" && "$QUIRE" build >"$TMP/stdout" 2>"$TMP/stderr"); RC=$?
status_is "quire build run there builds the site" "$RC" 0
check "into the site's public/" test -f "$S/public/policy/leave.html"
check "not into the editor's folder" test ! -e "$S/content/policy/public"
# not past the top of the repository the editor is in: a clone kept in a
# site's folder is not that site
mkdir -p "$S/vendor/other"
git init -q "$S/vendor/other"
(cd "$S/vendor/other" && "$QUIRE" check >"$TMP/stdout" 2>"$TMP/stderr"); RC=$?
status_is "a repository inside the site is not taken for it" "$RC" 2
contains "saying '.' is no site" "$TMP/stderr" "'.' is not a quire site"
(cd "$S/content/policy" && "$QUIRE" check >"$TMP/stdout" 2>"$TMP/stderr")
contains "a site found above is named" "$TMP/stderr" "quire: the site is '$(cd "$S" && pwd -P)' (the nearest folder up with site.yml or content/)"
# ...but content/ kept as a repository of its own (a submodule) is the
# site's: its repository's top is no wall for the site that holds it
git init -q "$S/content"
(cd "$S/content/policy" && "$QUIRE" check >"$TMP/stdout" 2>"$TMP/stderr"); RC=$?
status_is "with content/ a repository of its own, quire check in content/policy/ checks the site" "$RC" 0
(cd "$S/content/policy" && "$QUIRE" new sub-page >"$TMP/stdout" 2>"$TMP/stderr"); RC=$?
status_is "and quire new works there" "$RC" 0
check "writing content/policy/sub-page.md" test -f "$S/content/policy/sub-page.md"
rm -rf "$S/content/.git"
# not above the home folder, where anyone's content/ may lie
mkdir -p "$TMP/hometop/content" "$TMP/hometop/me/notes"
(cd "$TMP/hometop/me/notes" && HOME="$TMP/hometop/me" "$QUIRE" check >"$TMP/stdout" 2>"$TMP/stderr"); RC=$?
status_is "no site is looked for above the home folder" "$RC" 2
(cd "$TMP/hometop/me/notes" && HOME=/nonexistent "$QUIRE" check >"$TMP/stdout" 2>"$TMP/stderr")
contains "(with another home, the folder above is found)" "$TMP/stderr" "quire: the site is '$(cd "$TMP/hometop" && pwd -P)'"
# a file named content is no site
mkdir -p "$TMP/filec/deep" && : >"$TMP/filec/content"
(cd "$TMP/filec/deep" && HOME=/nonexistent "$QUIRE" check >"$TMP/stdout" 2>"$TMP/stderr"); RC=$?
status_is "a file named content does not make a site" "$RC" 2

# Titles made from the file name: one space between words, none around.
site ti
"$QUIRE" new -s "$S" -- -draft >/dev/null 2>&1
contains "a leading '-' gives no leading space" "$S/content/-draft.md" 'title: "Draft"'
"$QUIRE" new -s "$S" leave--policy_ >/dev/null 2>&1
contains "a run of separators is one space" "$S/content/leave--policy_.md" 'title: "Leave policy"'

# An unknown option: that command's option it was meant for, status 2.
site opt
"$QUIRE" new x --titel T -s "$S" >/dev/null 2>"$TMP/stderr"; RC=$?
status_is "an unknown option is a usage error (2)" "$RC" 2
contains "naming the option meant" "$TMP/stderr" "quire new: unknown option '--titel': did you mean '--title'?"
lacks "without every command's usage" "$TMP/stderr" "usage: quire <command>"
check "and nothing is made" test ! -e "$S/content/x.md"
"$QUIRE" build --drafs -s "$S" >/dev/null 2>"$TMP/stderr"
contains "build's options too" "$TMP/stderr" "quire build: unknown option '--drafs': did you mean '--drafts'?"
"$QUIRE" check --jbos 2 -s "$S" >/dev/null 2>"$TMP/stderr"
contains "check's" "$TMP/stderr" "quire check: unknown option '--jbos': did you mean '--jobs'?"
"$QUIRE" serve --prot 0 -s "$S" >/dev/null 2>"$TMP/stderr"; RC=$?
contains "serve's" "$TMP/stderr" "quire serve: unknown option '--prot': did you mean '--port'?"
status_is "(serve stops there, status 2)" "$RC" 2
"$QUIRE" new x -title T -s "$S" >/dev/null 2>"$TMP/stderr"
contains "a long option written with one dash" "$TMP/stderr" "quire new: unknown option '-title': did you mean '--title'?"
"$QUIRE" build --titel T -s "$S" >/dev/null 2>"$TMP/stderr"; RC=$?
status_is "an option of no command near is a usage error too" "$RC" 2
contains "named as written" "$TMP/stderr" "quire build: unknown option '--titel'"
lacks "with no guess from another command's options" "$TMP/stderr" "did you mean"
contains "but that command's usage line" "$TMP/stderr" "usage: quire build [-s SITE]"
"$QUIRE" new x -dash -s "$S" >/dev/null 2>"$TMP/stderr"
contains "an unknown word after the path is named, not the path" "$TMP/stderr" "quire new: unknown option '-dash'"
"$QUIRE" build -s "$S" -o >/dev/null 2>"$TMP/stderr"; RC=$?
status_is "an option without its value is a usage error" "$RC" 2
contains "saying it needs one" "$TMP/stderr" "quire build: option '-o' needs a value"
"$QUIRE" build --drafts=yes -s "$S" >/dev/null 2>"$TMP/stderr"
contains "an option given a value it takes none of" "$TMP/stderr" "quire build: option '--drafts' takes no value"
# getopt_long would take a unique beginning for the whole option: a slip
# ("--d") published drafts, and "--fo" replaced a folder quire did not make.
printf -- '---\ntitle: Secret\ndraft: true\n---\nNot yet.\n' > "$S/content/secret.md"
"$QUIRE" build --d -s "$S" -o "$TMP/opt-out" >/dev/null 2>"$TMP/stderr"; RC=$?
status_is "an option's beginning is no option: a usage error (2)" "$RC" 2
contains "named as written" "$TMP/stderr" "quire build: unknown option '--d'"
check "and no draft is published" test ! -e "$TMP/opt-out/secret.html"
"$QUIRE" build --dra -s "$S" -o "$TMP/opt-out" >/dev/null 2>"$TMP/stderr"; RC=$?
status_is "nor is a longer beginning" "$RC" 2
contains "which is named, with the option it begins" "$TMP/stderr" "quire build: unknown option '--dra': did you mean '--drafts'?"
mkdir -p "$TMP/foreign" && echo keep > "$TMP/foreign/mine.txt"
"$QUIRE" build --fo -s "$S" -o "$TMP/foreign" >/dev/null 2>"$TMP/stderr"; RC=$?
status_is "--fo is not --force" "$RC" 2
contains "a folder quire did not make is left as it was" "$TMP/foreign/mine.txt" "keep"
"$QUIRE" check --si="$S" >/dev/null 2>"$TMP/stderr"; RC=$?
contains "an option with its value after '=' too" "$TMP/stderr" "quire check: unknown option '--si=$S': did you mean '--site'?"
"$QUIRE" check --site="$S" >/dev/null 2>"$TMP/stderr"; RC=$?
status_is "spelled out, it is taken" "$RC" 0

# Front matter: a quote inside its own quotes, with the line written right.
site fm
printf -- "---\ntitle: 'It's here'\n---\nBody\n" > "$S/content/apos.md"
run "$S" check
status_is "an apostrophe inside single quotes is an error" "$RC" 1
contains "saying how YAML writes one, with the line written right" "$ERR" "content/apos.md:2:11: error: this apostrophe ends the value in single quotes: write it twice inside them, title: 'It''s here', or use double quotes, title: \"It's here\""
lacks "not that the value goes inside the quotes (it is)" "$ERR" "put the whole value inside the quotes"
printf -- "---\ntitle: 'It''s here'\n---\nBody\n" > "$S/content/apos.md"
run "$S" check
status_is "the line as it says checks clean" "$RC" 0

# Values of the wrong kind: what YAML read them as, and the line written right.
site kinds
printf -- '---\ntitle: [Draft]\n---\nBody\n' > "$S/content/list.md"
printf -- '---\ntitle: D\ndraft: "false"\n---\nBody\n' > "$S/content/draft.md"
printf -- '---\ntitle: O\ntags: hr\n---\nBody\n' > "$S/content/one.md"
printf -- '---\ntitle: T\ntags: hr, 2024\n---\nBody\n' > "$S/content/two.md"
run "$S" check
status_is "each is an error" "$RC" 1
contains "a title in brackets is named a list" "$ERR" "content/list.md:2:1: error: 'title' must be text, not a list: to keep the brackets, put the whole value in quotes"
contains "a quoted false is text, as the quotes make it" "$ERR" "content/draft.md:3:1: error: 'draft' must be true or false, and the quotes make \"false\" text: write draft: false"
printf -- '---\ntitle: Draft yes\ndraft: yes\n---\nx\n' > "$S/content/draft.md"
run "$S" check
contains "draft: yes is told the word to write" "$ERR" "content/draft.md:3:1: error: 'draft' must be true or false, not yes: write draft: true"
contains "one tag without brackets gets them" "$ERR" "content/one.md:3:1: error: 'tags' must be a list, in brackets even for one: tags: [hr]"
contains "tags written as text become a list, quoted where need be" "$ERR" "content/two.md:3:1: error: 'tags' must be a list, in brackets even for one: tags: [hr, \"2024\"]"
site notags
printf -- '---\ntitle: N\ntags:\naliases:\n---\nBody\n' > "$S/content/n.md"
run "$S" check
status_is "an empty tags: (or aliases:) means none" "$RC" 0
run "$S" build
check "and the page is built" test -f "$S/public/n.html"

# Pages moved from another site generator: keys quire does not know but
# Hugo, Jekyll or Docusaurus use are warnings at their line, naming what
# quire does instead; the build still succeeds.
site foreign
printf -- '---\ntitle: Leave\ndescription: How leave works.\nsidebar_position: 2\nlayout: post\ncategories: [hr]\npermalink: /hr/leave/\nurl: /x/\nslug: leave\ndate: 2024-01-02\nlastmod: 2024-02-01\nexcerpt: E\n---\nBody\n' > "$S/content/a.md"
printf -- '---\ntitle: Pay\nsummary: Pay.\ndescription: For a hook.\ntags: [pay]\ncategories: [hr]\n---\nBody\n' > "$S/content/b.md"
printf -- '---\ntitle: Sick\nnav_order: 3\n---\nBody\n' > "$S/content/c.md"
run "$S" check
status_is "another generator's keys do not fail the check" "$RC" 0
contains "description: names summary" "$ERR" "content/a.md:3:1: warning: 'description' is not a key quire knows: quire's is 'summary'"
contains "sidebar_position: names weight" "$ERR" "content/a.md:4:1: warning: 'sidebar_position' is not a key quire knows: quire's is 'weight'"
contains "layout: names template" "$ERR" "content/a.md:5:1: warning: 'layout' is not a key quire knows: quire's is 'template'"
contains "categories: names tags" "$ERR" "content/a.md:6:1: warning: 'categories' is not a key quire knows: quire's is 'tags'"
contains "permalink: says a page is at its file's path, and aliases keep old addresses" "$ERR" "content/a.md:7:1: warning: 'permalink' is not a key quire knows: quire publishes a page at its file's path (content/a/b.md is a/b.html): rename the file to move it; aliases: [old/address/] keeps an old address working"
contains "url: the same" "$ERR" "content/a.md:8:1: warning: 'url' is not a key quire knows: quire publishes a page at its file's path"
contains "slug: the same" "$ERR" "content/a.md:9:1: warning: 'slug' is not a key quire knows: quire publishes a page at its file's path"
contains "date: quire dates pages from git" "$ERR" "content/a.md:10:1: warning: 'date' is not a key quire knows: quire dates a page from its git history"
contains "lastmod: the same" "$ERR" "content/a.md:11:1: warning: 'lastmod' is not a key quire knows: quire dates a page from its git history"
contains "excerpt: names summary" "$ERR" "content/a.md:12:1: warning: 'excerpt' is not a key quire knows: quire's is 'summary'"
contains "nav_order (Just the Docs) names weight" "$ERR" "content/c.md:3:1: warning: 'nav_order' is not a key quire knows: quire's is 'weight'"
lacks "a page with quire's key too keeps the other for a hook" "$ERR" "content/b.md"
contains "one message a key, nothing else" "$ERR" "0 errors, 11 warnings"
find "$S/content" -type f -exec touch -d '2020-01-01 00:00:00' {} +
sleep 2.2 # settled: the build records the sources, the next takes them from there
run "$S" build
run "$S" build
status_is "the build succeeds" "$RC" 0
contains "a rebuild from recorded sources warns again" "$ERR" "content/a.md:7:1: warning: 'permalink' is not a key quire knows"

# An old address ending '/' (Hugo's, Jekyll's) redirects from its
# folder's index.html, which a web server serves there.
site slash
printf -- '---\ntitle: Leave\naliases: [old/leave/]\n---\nBody\n' > "$S/content/leave.md"
run "$S" build
status_is "an alias ending '/' builds" "$RC" 0
contains "redirecting from old/leave/index.html" "$S/public/old/leave/index.html" "../../leave.html"
check "not from a file named .html" test ! -e "$S/public/old/leave/.html"

# Files without YAML front matter: TOML named as such; a page opening
# with a heading is shown the lines to add, with that heading's text.
site nofm
printf -- '+++\ntitle = "Sick pay"\n+++\nText\n' > "$S/content/toml.md"
printf -- '# Getting started\n\nText\n' > "$S/content/gs.md"
printf -- '\n# Social media: a guide #\n\nText\n' > "$S/content/colon.md"
printf -- 'Just text\n' > "$S/content/plain.md"
run "$S" check
status_is "each is an error" "$RC" 1
contains "TOML front matter is named" "$ERR" "content/toml.md:1:1: error: TOML front matter (+++) is not supported: write it as YAML between --- lines"
contains "a page opening with a heading gets the lines to add" "$ERR" "content/gs.md:1:1: error: the file has no front matter: start it with three lines: ---, title: Getting started, ---"
contains "quoted where YAML needs it" "$ERR" "content/colon.md:1:1: error: the file has no front matter: start it with three lines: ---, title: \"Social media: a guide\", ---"
contains "other text gets the message as before" "$ERR" "content/plain.md:1:1: error: the file has no front matter: start it with a '---' line, 'title: ...', and '---'"
# Front matter nearly there (the editor's review: each of these was
# told the file had none, though it is plainly there)
printf -- '\n---\ntitle: A\n---\nx\n' > "$S/content/blank.md"
printf -- '----\ntitle: C\n----\nx\n' > "$S/content/four.md"
printf -- '\342\200\224\ntitle: D\n\342\200\224\nx\n' > "$S/content/emdash.md"
printf -- 'title: E\n\nx\n' > "$S/content/bare.md"
printf -- '---\rtitle: F\r---\rx\r' > "$S/content/cr.md"
run "$S" check
contains "a blank line before the '---' is named" "$ERR" "content/blank.md:1:1: error: the front matter's '---' must be the very first line of the file: remove the blank lines or spaces before it"
contains "four hyphens are counted" "$ERR" "content/four.md:1:1: error: the front matter must start with a line of exactly three hyphens, '---' (this one has 4)"
contains "a word processor's dash is named" "$ERR" "content/emdash.md:1:1: error: the front matter must start with a line of three hyphens, '---', not a dash a word processor made"
contains "keys with no '---' get the lines to add" "$ERR" "content/bare.md:1:1: error: the front matter must be between two '---' lines: add a line '---' before 'title:' and another after the last key"
contains "old Mac line endings are named" "$ERR" "content/cr.md:1:1: error: the file's lines end in a carriage return alone (old Mac line endings)"
rm "$S"/content/blank.md "$S"/content/four.md "$S"/content/emdash.md "$S"/content/bare.md "$S"/content/cr.md

# Markdown under another extension, and a folder's introduction under
# another tool's name, are warned of; what is published does not change.
site exts
page "$S" index.md "Home"
for n in a.markdown b.mdown c.mkd D.MD; do printf 'text\n' > "$S/content/$n"; done
page "$S" hugo/_index.md "Hugo section"
page "$S" gh/README.md "GitHub section"
page "$S" both/index.md "Both"
page "$S" both/README.md "Read me"
run "$S" build
status_is "the build succeeds" "$RC" 0
contains ".markdown is named" "$ERR" "content/a.markdown: warning: published as it is, not as an article: quire reads articles only from files ending .md; rename it to a.md"
contains ".mdown" "$ERR" "content/b.mdown: warning: published as it is, not as an article"
contains ".mkd" "$ERR" "content/c.mkd: warning: published as it is, not as an article: quire reads articles only from files ending .md; rename it to c.md"
contains ".MD, .md in another case" "$ERR" "content/D.MD: warning: published as it is, not as an article: quire reads articles only from files ending .md; rename it to D.md"
check "and it is still published as it is" test -f "$S/public/a.markdown"
contains "Hugo's _index.md is named" "$ERR" "content/hugo/_index.md: warning: quire takes a folder's introduction from index.md, so this is published as an article of its own: rename it to index.md"
contains "and README.md" "$ERR" "content/gh/README.md: warning: quire takes a folder's introduction from index.md"
lacks "not beside an index.md" "$ERR" "content/both/README.md"
check "and README.md is still an article" test -f "$S/public/gh/README.html"

# tags written as words with spaces (Jekyll's way): one tag, or several.
site words
printf -- '---\ntitle: W\ntags: intro hr\n---\nBody\n' > "$S/content/w.md"
run "$S" check
contains "space-separated tags also get the list of each" "$ERR" "content/w.md:3:1: error: 'tags' must be a list, in brackets even for one: tags: [intro hr]; for two tags write [intro, hr]"

# A section title made from a folder's name loses the marks around it.
site posts
page "$S" _posts/welcome.md "Welcome"
page "$S" -drafts-/x.md "X"
run "$S" build
status_is "a site with _posts/ builds" "$RC" 0
contains "its section is titled Posts" "$S/public/_posts/index.html" "<h1>Posts</h1>"
contains "in the page's title" "$S/public/_posts/index.html" "<title>Posts"
lacks "never ' posts'" "$S/public/index.html" "> posts<"
contains "-drafts- is Drafts" "$S/public/-drafts-/index.html" "<h1>Drafts</h1>"

# A body opening with a level-1 heading shows the title twice.
site twice
page "$S" a.md "Leave" "# Leave\\n\\nText."
page "$S" b.md "Pay" "\\n# Salaries\\n\\nText."
page "$S" c.md "Sick" "Intro.\\n\\n# Later\\n\\nText."
page "$S" d.md "Notes" "## Notes\\n\\nText."
run "$S" check
status_is "a heading that repeats the title is a warning" "$RC" 0
contains "at its line" "$ERR" "content/a.md:4:1: warning: the page already shows its title as its heading: remove this level-1 heading"
contains "whatever its text" "$ERR" "content/b.md:5:1: warning: the page already shows its title as its heading"
lacks "not one after text" "$ERR" "content/c.md"
lacks "nor a level-2 heading" "$ERR" "content/d.md"

# A link into a hidden folder (GitBook's .gitbook/assets) is not "missing".
site hidden
page "$S" book/setup.md "Setup" "![Shot](.gitbook/assets/shot.png) [notes](.notes.txt) [gone](.gitbook/none.png)"
mkdir -p "$S/content/book/.gitbook/assets"
printf 'png' > "$S/content/book/.gitbook/assets/shot.png"
printf 'n' > "$S/content/book/.notes.txt"
run "$S" check
status_is "it is an error" "$RC" 1
contains "saying the folder is hidden and not published" "$ERR" "content/book/setup.md:4:1: error: link target '.gitbook/assets/shot.png' is in a hidden folder ('.gitbook'), which quire does not publish: move the file to a folder whose name does not start with '.'"
contains "a hidden file likewise" "$ERR" "error: link target '.notes.txt' is a hidden file, which quire does not publish: rename it without the leading '.'"
contains "a file that is not there does not exist" "$ERR" "error: link target '.gitbook/none.png' does not exist"

# Markup of other tools, which would be published as text, is a warning
# once a page per kind at its first place, with quire's way; never in code.
site foreign
cat >"$S/content/a.md" <<'MD'
---
title: A
---
See {{< ref "b.md" >}} and `{{< ref >}}` in code, and {{< ref "c.md" >}} again.

!!! note
    Indented note.

::: tip
Hi
:::

{% include x.html %}

%% private %%

> [!NOTE]
> Alert.

```
{{% inside a fence %}}
```

    {{% indented code %}}
MD
run "$S" check
status_is "markup of other tools alone does not fail check" "$RC" 0
contains "a Hugo shortcode, at its place" "$ERR" "content/a.md:4:5: warning: '{{<' is a Hugo shortcode, which quire shows as text: write a link as [text](file.md)"
check "once a page" test "$(grep -c "Hugo shortcode" "$ERR")" = 1
contains "a MkDocs admonition" "$ERR" "content/a.md:6:1: warning: '!!!' is a MkDocs admonition"
contains "a Docusaurus admonition" "$ERR" "content/a.md:9:1: warning: ':::' is a Docusaurus admonition"
contains "a Liquid tag" "$ERR" "content/a.md:13:1: warning: '{%' is a Liquid or GitBook tag"
contains "an Obsidian comment" "$ERR" "content/a.md:15:1: warning: '%%' marks an Obsidian comment, which quire publishes as text"
contains "a GitHub alert" "$ERR" "content/a.md:17:3: warning: '[!' opens a GitHub alert"
lacks "not in a fence or indented code" "$ERR" "'{{%'"

# A link address with a space is no link in Markdown: shown as typed.
site spaced
page "$S" b.md "B"
page "$S" a.md "A" 'See [the code](Code of Conduct.md), [ok](b.md "A title here") and `[x](a b.md)`.'
run "$S" check
contains "a warning at the address, with both ways to write it" "$ERR" "content/a.md:4:16: warning: 'Code of Conduct.md' has a space, so this is no link and shows as typed: write it <Code of Conduct.md> or Code%20of%20Conduct.md"
check "and only that one (a title, code)" test "$(grep -c 'has a space' "$ERR")" = 1
# every one, not only a page's first (the editor's review): ten at their
# places, the rest counted
{ printf -- '---\ntitle: Many\n---\n'; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do printf 'See [x](my file %s.md).\n\n' $i; done; } > "$S/content/many.md"
run "$S" check
contains "the second spaced link on a page is warned of too" "$ERR" "content/many.md:6:9: warning: 'my file 2.md' has a space"
contains "(the tenth as well)" "$ERR" "content/many.md:22:9: warning: 'my file 10.md' has a space"
contains "past ten, counted" "$ERR" "content/many.md:26:1: warning: 2 more links on this page have a space in their address"

# Wiki links as other tools write them: a GitHub wiki's spaces for a file
# name's hyphens, an Obsidian alias as a name.
site wikis
printf -- '---\ntitle: Our code\n---\nc\n' >"$S/content/Code-of-Conduct.md"
printf -- '---\ntitle: Annual leave\naliases: [PTO]\n---\nl\n' >"$S/content/annual-leave.md"
page "$S" a.md "A" 'See [[Code of Conduct]] and [[pto#x]].'
run "$S" check
contains "spaces for hyphens: the file named" "$ERR" "content/a.md:4:5: error: wiki link [[Code of Conduct]] matches no article (by file name or title): did you mean [[Code-of-Conduct]]? (a file name is written as it is, hyphens and all)"
contains "an alias: the page that has it, the anchor kept" "$ERR" "content/a.md:4:29: error: wiki link [[pto]] matches no article (by file name or title): did you mean [[annual-leave#x]]? ('pto' is one of its aliases: old addresses that lead to it, not names to link by)"
run "$S" build
printf -- '---\ntitle: Annual leave\n---\nl\n' >"$S/content/annual-leave.md"
run "$S" build
lacks "once the alias is gone, the hint is too (not kept from the last build)" "$ERR" "is one of its aliases"

# Files from other tools in other encodings say which, and how to convert.
site enc
printf '\377\376-\000-\000-\000' >"$S/content/u16.md"
printf -- '---\ntitle: Caf\351\n---\nx\n' >"$S/content/latin.md"
run "$S" check
contains "UTF-16 is named" "$ERR" "content/u16.md:1:1: error: the file is UTF-16 (its first bytes say so): save it as UTF-8"
contains "Windows-1252 is suggested, with the command" "$ERR" "content/latin.md:2:11: error: the file is not valid UTF-8 (save it as UTF-8; its first letter beyond ASCII is in Windows-1252 or Latin-1, which iconv -f windows-1252 -t utf-8 converts)"

# Outside any repository, a site found above must be the user's own (root
# too: anyone may write site.yml into /tmp, which is root's).
mkdir -p "$TMP/planted/sub"
printf 'title: Planted\n' >"$TMP/planted/site.yml"
mkdir -p "$TMP/planted/content"
if [ "$(id -u)" = 0 ] && chown nobody "$TMP/planted/site.yml" "$TMP/planted/content" 2>/dev/null; then
	(cd "$TMP/planted/sub" && HOME=/nonexistent "$QUIRE" check >"$TMP/stdout" 2>"$TMP/stderr"); RC=$?
	status_is "a site another user planted above is not taken (as root)" "$RC" 2
	lacks "(not named as the site)" "$TMP/stderr" "quire: the site is"
	chown root "$TMP/planted/site.yml" "$TMP/planted/content"
	(cd "$TMP/planted/sub" && HOME=/nonexistent "$QUIRE" check >"$TMP/stdout" 2>"$TMP/stderr"); RC=$?
	contains "one of the user's own is" "$TMP/stderr" "quire: the site is '$(cd "$TMP/planted" && pwd -P)'"
fi # (only root can give a file to another user: CI runs these as root)
