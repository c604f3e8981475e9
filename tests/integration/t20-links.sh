#!/bin/sh
# t20: a web of links that never silently breaks.
. "$(dirname "$0")/lib.sh"

site l
printf 'title: Test site\nhistory: false\n' > "$S/site.yml" # (no git here: no warning of it)
printf -- '---\ntitle: Court orders\nsummary: How courts unmask posters.\ntags: [courts, anonymity]\nweight: 20\n---\n## Costs\n\nText.\n\n## Costs\n\nAgain.\n\n### Timescale\n\nMore.\n' > "$S/content/court-orders.md"
mkdir -p "$S/content/sec"
printf -- '---\ntitle: Blogging\ntags: [anonymity]\nweight: 10\n---\nSee [[court-orders]], [[Court Orders|the orders]], [[court-orders#costs-2]] and [costs](../court-orders.md#costs).\n\n`[[not-a-link]]` and\n\n```\n[x](nowhere.md)\n```\n\n[ext](https://www.legislation.gov.uk/ukpga/1998/42)\n' > "$S/content/sec/blogging.md"
printf -- '---\ntitle: Zeta\nweight: 30\n---\nLast in the section.\n' > "$S/content/sec/zeta.md"
run "$S" build
status_is "a site with wiki links and anchors builds" "$RC" 0
B=$S/public/sec/blogging.html
C=$S/public/court-orders.html
contains "a wiki link by file name resolves" "$B" 'href="../court-orders.html">Court orders</a>'
contains "a wiki link by title with text resolves" "$B" 'href="../court-orders.html">the orders</a>'
contains "a wiki link with an anchor keeps it" "$B" 'href="../court-orders.html#costs-2"'
contains "a relative .md link with an anchor becomes .html" "$B" 'href="../court-orders.html#costs"'
contains "wiki syntax in code spans is left alone" "$B" "<code>[[not-a-link]]</code>"
contains "links in code blocks are left alone" "$B" "[x](nowhere.md)"
contains "external links get rel=noopener and a marker" "$B" 'class="external" rel="noopener">ext<span class="visually-hidden"> (external link)</span>'
contains "repeated headings get -2 ids" "$C" 'id="costs-2"'
contains "headings carry a permalink" "$C" 'class="heading-anchor" href="#costs"'
contains "which screen readers do not read as part of the heading's name" "$C" 'href="#costs" aria-hidden="true" tabindex="-1"'
contains "an article with three headings has a table of contents" "$C" 'class="toc"'
lacks "an article with fewer headings has none" "$B" 'class="toc"'
contains "backlinks list the linking article" "$C" "Referred to by"
contains "backlinks name the linking article" "$C" 'href="sec/blogging.html">Blogging</a>'
contains "related guidance comes from shared tags" "$B" 'Related guidance'
check "a page per tag" test -f "$S/public/tags/anonymity.html"
contains "the tag page lists tagged articles" "$S/public/tags/anonymity.html" "Blogging"
contains "the all-tags page shows counts" "$S/public/tags/index.html" "(2)"
contains "breadcrumbs lead home › section" "$B" '<li><a href="../index.html">Home</a></li><li><a href="index.html">'
contains "previous/next follow weight within a section" "$B" 'rel="next"><span>Next</span> Zeta'
contains "the section page lists its articles with summaries" "$S/public/sec/index.html" "Blogging"
contains "the A-Z index lists every article" "$S/public/a-z.html" "Court orders"
contains "the home page presents the sections" "$S/public/index.html" 'class="guide"'
check "no base_url: no sitemap" test ! -e "$S/public/sitemap.xml"
lacks "and no warning about it (base_url is optional)" "$ERR" "warning"

# On a paragraph's indented continuation line a link is reported at its
# true column (cmark-gfm counts from after the blanks the paragraph drops).
site cols
page "$S" c.md "C" 'para first line\n   [[nope1]] indented continuation\n  also [[no-such-page]] and [x](gone.md) and ![i](no.png)\n\n- item\n   more [[y1]] here\n\n> quote\n> more [[q1]]'
run "$S" check
contains "a wiki link after three blanks is at column 4" "$ERR" "content/c.md:5:4: error: wiki link [[nope1]]"
contains "one after two blanks and a word is at column 8" "$ERR" "content/c.md:6:8: error: wiki link [[no-such-page]]"
contains "a Markdown link on that line is at its column" "$ERR" "content/c.md:6:29: error: link target 'gone.md'"
contains "an image on that line is at its column" "$ERR" "content/c.md:6:46: error:"
contains "in a list item's continuation too" "$ERR" "content/c.md:9:9: error: wiki link [[y1]]"
contains "and in a block quote, as before" "$ERR" "content/c.md:12:8: error: wiki link [[q1]]"

# A link to a draft left out of the build says so.
site drafts
printf -- '---\ntitle: Secret Plan\ndraft: true\n---\nx\n' > "$S/content/secret.md"
page "$S" l.md "L" 'See [[secret]], [[Secret plan]] and [x](secret.md).'
run "$S" check
contains "a wiki link by name to a draft says it will not be published" "$ERR" "content/l.md:4:5: error: wiki link [[secret]]: content/secret.md is a draft and will not be published: remove the link, or publish the draft (draft: false); quire build --drafts includes drafts in a preview"
contains "so does one by title" "$ERR" "content/l.md:4:17: error: wiki link [[Secret plan]]: content/secret.md is a draft and will not be published"
contains "and a Markdown link" "$ERR" "content/l.md:4:37: error: link to 'secret.md': content/secret.md is a draft and will not be published: remove the link, or publish the draft"
lacks "none says the draft does not exist" "$ERR" "does not exist"
lacks "or that it matches nothing" "$ERR" "matches no article"
run "$S" check --drafts
status_is "with --drafts the links resolve" "$RC" 0

# A heading never takes an id the theme gives its own elements: the skip
# link's target stays the page's only id="main".
site ids
page "$S" h.md "H" '## Main\n\nx\n\n## Toc title\n\n## Main'
run "$S" build
contains "a heading 'Main' is main-2" "$S/public/h.html" '<h2 id="main-2">'
contains "its repeat is main-3" "$S/public/h.html" '<h2 id="main-3">'
contains "a heading 'Toc title' is toc-title-2" "$S/public/h.html" '<h2 id="toc-title-2">'
check "the page has one id=\"main\"" test "$(grep -o 'id="main"' "$S/public/h.html" | wc -l)" = 1

# The A-Z files a title under its first word after "The", "A" or "An".
site az
page "$S" p.md "The policing example"
page "$S" m.md "A managers checklist"
page "$S" n.md "Notice periods"
page "$S" t.md "Theft"
run "$S" build
got=$(grep -o 'id="letter-[a-z]"\|>[A-Z][^<]*</a></li>' "$S/public/a-z.html" | sed 's/id="letter-\(.\)"/[\1]/; s/^>//; s/<.*//' | tr '\n' ',')
case $got in
*"[m],A managers checklist,[n],Notice periods,[p],The policing example,[t],Theft,"*) ok "the A-Z files 'The policing example' under P and 'A manager's checklist' under M" ;;
*) not_ok "the A-Z files 'The policing example' under P and 'A manager's checklist' under M" "got: $got" ;;
esac

# A section page whose text links to each of its articles does not list
# them again; once an article it does not mention is added, it does.
site intro
page "$S" sec/index.md "Section" "Read [[a]] first, then [[b]]."
page "$S" sec/a.md "Alpha"
page "$S" sec/b.md "Beta"
run "$S" build
lacks "a section page that introduces every article has no generated list" "$S/public/sec/index.html" "Guidance in this section"
page "$S" sec/c.md "Gamma"
run "$S" build
contains "with an article it does not mention, the rebuilt section page lists them all" "$S/public/sec/index.html" "Guidance in this section"
contains "(Gamma among them)" "$S/public/sec/index.html" 'href="c.html">Gamma</a>'

# Related guidance: most tags shared first, then by title (not by file).
site rel
printf -- '---\ntitle: Home page\ntags: [a, b]\n---\nText.\n' > "$S/content/home-page.md"
printf -- '---\ntitle: Zeta both\ntags: [a, b]\n---\nText.\n' > "$S/content/zeta.md"
printf -- '---\ntitle: Yankee one\ntags: [a]\n---\nText.\n' > "$S/content/alpha.md"
printf -- '---\ntitle: Xray one\ntags: [b]\n---\nText.\n' > "$S/content/beta.md"
printf -- '---\ntitle: Unrelated\ntags: [c]\n---\nText.\n' > "$S/content/unrelated.md"
run "$S" build
got=$(sed -n '/id="related-title"/,/<\/ul>/p' "$S/public/home-page.html" | grep -o '>[A-Za-z ]*</a>' | tr -d '<>/' | sed 's/a$//' | tr '\n' ',')
if [ "$got" = "Zeta both,Xray one,Yankee one," ]; then
	ok "related guidance lists the page sharing most tags first, then the rest by title"
else
	not_ok "related guidance lists the page sharing most tags first, then the rest by title" "got: $got"
fi

# On an article, the few related links come before the list of pages
# that link it; a long list is titles alone, the first five, the rest
# folded (all of them there, in order).
site refby
printf -- '---\ntitle: Target\ntags: [t]\n---\nText.\n' > "$S/content/target.md"
printf -- '---\ntitle: Kin\ntags: [t]\n---\nText.\n' > "$S/content/kin.md"
for i in 1 2 3 4 5 6 7; do
	printf -- '---\ntitle: Linker %s\nsummary: Summary of linker %s.\n---\nSee [[target]].\n' $i $i > "$S/content/l$i.md"
done
printf -- '---\ntitle: Few\nsummary: Summary of few.\n---\nSee [[kin]].\n' > "$S/content/few.md"
run "$S" build
T=$S/public/target.html
before "related guidance comes before the pages that link the article" "$T" 'id="related-title"' 'id="backlinks-title"'
contains "a long list shows the first five by title" "$T" '<ul><li><a href="l1.html">Linker 1</a></li><li><a href="l2.html">Linker 2</a></li><li><a href="l3.html">Linker 3</a></li><li><a href="l4.html">Linker 4</a></li><li><a href="l5.html">Linker 5</a></li></ul>'
contains "and folds the rest, saying how many" "$T" '<details><summary>Show 2 more</summary><ul><li><a href="l6.html">Linker 6</a></li><li><a href="l7.html">Linker 7</a></li></ul></details>'
lacks "titles alone: no summaries" "$T" "Summary of linker"
contains "a short list keeps each page's summary" "$S/public/kin.html" '<a href="few.html">Few</a><br><span class="summary">Summary of few.</span>'
lacks "(and folds nothing)" "$S/public/kin.html" "<details>"

# Broken links, every one reported at its line:col.
site bad
page "$S" a.md "A" "Fine line.\n[missing](gone.md) and [[nobody]] and [a](b.md#nope)\n\n[out](../../etc/passwd.md) [abs](/x.html) [here](#nowhere)"
page "$S" b.md "B" "## Real\n"
run "$S" build
status_is "broken links fail the build" "$RC" 1
contains "a missing article at line:col" "$ERR" "content/a.md:5:1: error: link target 'gone.md' does not exist"
contains "an unknown wiki link at line:col" "$ERR" "content/a.md:5:24: error: wiki link [[nobody]] matches no article"
contains "a missing heading at line:col" "$ERR" "content/a.md:5:39: error: 'content/b.md' has no heading with the id 'nope'"
contains "a link outside content/ is refused" "$ERR" "content/a.md:7:1: error: link '../../etc/passwd.md' points outside content/"
contains "a root-absolute link is refused" "$ERR" "content/a.md:7:28: error: link '/x.html' starts with '/'"
contains "a missing anchor in the same page" "$ERR" "content/a.md:7:43: error: this page has no heading with the id 'nowhere'"
printf 'title: T\nlinks: warn\n' > "$S/site.yml"
run "$S" build
status_is "links: warn builds despite broken links" "$RC" 0
contains "links: warn still lists each problem with line:col" "$ERR" "content/a.md:5:1: warning: link target 'gone.md' does not exist"

# Markdown's smart punctuation curls a wiki link's quotes and dashes; the
# title is found whichever way either was typed.
site smart
page "$S" index.md "Home" "See [[Employer's duties]], [[\"Quoted\" rules]], [[Rock -- roll]] and [[Manager’s list]]."
page "$S" hr/duties.md "Employer's duties"
printf -- '---\ntitle: "\\"Quoted\\" rules"\n---\nBody.\n' > "$S/content/hr/quoted.md"
page "$S" hr/rock.md "Rock -- roll"
page "$S" hr/list.md "Manager's list"
run "$S" build
status_is "wiki links to titles with quotes and dashes build" "$RC" 0
contains "[[Employer's duties]] finds its title" "$S/public/index.html" 'href="hr/duties.html"'
contains "[[\"Quoted\" rules]] finds its title" "$S/public/index.html" 'href="hr/quoted.html"'
contains "[[Rock -- roll]] finds its title" "$S/public/index.html" 'href="hr/rock.html"'
contains "a curly apostrophe typed in the link finds a straight one in the title" "$S/public/index.html" 'href="hr/list.html"'

# Brackets that open no wiki link ("[[]]", a "[" inside) stay text, and so
# does everything before them (it was dropped when a link followed).
site keeptext
printf 'title: T\nlinks: warn\n' > "$S/site.yml"
page "$S" x.md "X" "Hello a [[]] b [[x]] end. And c [[y[z]] d [[x]]."
run "$S" build
contains "the text around brackets that are no link is kept" "$S/public/x.html" '<p>Hello a [[]] b <a href="x.html">X</a> end. And c [[y[z]] d <a href="x.html">X</a>.</p>'
# Markdown's escape makes "\[[" text, as a code span does.
page "$S" y.md "Y" 'Show \\[[x]] as text, but [[x]] is a link; \\\\[[x]] too; \\[[open alone.'
run "$S" build
contains "an escaped [[ is text, and an escaped backslash before [[ is not" "$S/public/y.html" '<p>Show [[x]] as text, but <a href="x.html">X</a> is a link; \<a href="x.html">X</a> too; [[open alone.</p>'
lacks "an escaped [[ with no ]] is no unclosed link" "$ERR" "y.md"

# Ambiguity and collisions.
site amb
page "$S" x/policy.md "Policy one"
page "$S" y/policy.md "Policy two"
page "$S" z.md "Z" "[[policy]]"
run "$S" build
status_is "an ambiguous wiki link fails" "$RC" 1
contains "the ambiguity lists both candidates" "$ERR" "matches content/x/policy.md, content/y/policy.md"
contains "and says how to pick one" "$ERR" "name one by its path in content/, e.g. [[x/policy]]"
# A path picks one of the two; any case, .md or not, a section by its folder.
printf -- '---\ntitle: X section\n---\n# Start\n' > "$S/content/x/index.md"
printf -- '---\ntitle: Secret\ndraft: true\n---\nNot yet.\n' > "$S/content/y/secret.md"
page "$S" z.md "Z" "[[x/policy]], [[Y/Policy.md|the other one]], [[y/policy#intro]], [[/x]]."
page "$S" y/policy.md "Policy two" "## Intro\n\nText."
run "$S" build
status_is "wiki links naming an article by its path build" "$RC" 0
contains "[[x/policy]] leads to that article, with its title" "$S/public/z.html" '<a href="x/policy.html">Policy one</a>'
contains "[[Y/Policy.md|text]] leads to the other, in any case and with .md" "$S/public/z.html" '<a href="y/policy.html">the other one</a>'
contains "[[y/policy#intro]] keeps its anchor" "$S/public/z.html" 'href="y/policy.html#intro"'
contains "[[/x]] names the section" "$S/public/z.html" '<a href="x/index.html">X section</a>'
page "$S" z.md "Z" "[[x/nothing]] and [[y/policy#nowhere]] and [[y/secret]]."
run "$S" build
status_is "a wiki link to a path with no article fails" "$RC" 1
contains "it says no article is at that path" "$ERR" "content/z.md:4:1: error: wiki link [[x/nothing]] matches no article (by file name or title), nor an article at that path in content/"
contains "a path's anchor is checked" "$ERR" "'content/y/policy.md' has no heading with the id 'nowhere'"
contains "a path naming a draft says it is a draft" "$ERR" "wiki link [[y/secret]]: content/y/secret.md is a draft"
site col
page "$S" Guide.md "Upper"
page "$S" guide.md "Lower"
run "$S" build
status_is "case-only duplicates fail" "$RC" 1
contains "the collision names both files" "$ERR" "writes the same output file"
site tagcol
printf -- '---\ntitle: A\ntags: [Data Protection, data-protection]\n---\n' > "$S/content/a.md"
run "$S" build
contains "tags with one slug collide" "$ERR" "would both write tags/data-protection.html"
printf -- '---\ntitle: B\ntags: [privacy]\n---\n' > "$S/content/b.md"
printf -- '---\ntitle: C\ntags: [privacy]\n---\n' > "$S/content/c.md"
printf -- '---\ntitle: D\nsummary: One capital.\ntags: [hr, Privacy]\n---\n' > "$S/content/d.md"
run "$S" build
contains "the tag fewer articles have is told at its tags: line, with the one to write" "$ERR" "content/d.md:4:1: error: tag 'Privacy' and the tag 'privacy' (on 2 articles) would both write tags/privacy.html: write this one 'privacy' too"
printf -- '---\ntitle: E\ntags: [PRIVACY]\n---\n' > "$S/content/e.md"
printf -- '---\ntitle: F\ntags: [C++]\n---\n' > "$S/content/f.md"
printf -- '---\ntitle: G\ntags: [C#]\n---\n' > "$S/content/g.md"
run "$S" build
check "three spellings: each other one is told once, against the most used" sh -c "[ \$(grep -c \"and the tag 'privacy' (on 2 articles)\" '$ERR') = 2 ] && ! grep -q \"the tag 'Privacy'\" '$ERR'"
contains "tags that differ in more than case are not called one topic" "$ERR" "would both write tags/c.html: rename one, or write this one"

# The topics page: case-blind order; a tag named twice by one page counts it once.
site tagorder
printf -- '---\ntitle: A\ntags: [zeta, Alpha, zeta]\n---\n' > "$S/content/a.md"
printf -- '---\ntitle: B\ntags: [beta]\n---\n' > "$S/content/b.md"
run "$S" build
status_is "a page naming a tag twice builds" "$RC" 0
check "topics are listed in case-blind order" sh -c "tr '<' '\n' < '$S/public/tags/index.html' | grep -E '^a href=\"(alpha|beta|zeta)' | cut -d'\"' -f2 | tr '\n' ' ' | grep -qx 'alpha.html beta.html zeta.html '"
contains "a tag named twice by one page counts it once" "$S/public/tags/index.html" 'zeta</a> <span class="count">(1)</span>'
check "and lists it once" sh -c "[ \$(grep -o '>A</a>' '$S/public/tags/zeta.html' | wc -l) = 1 ]"

# Aliases
site al
printf -- '---\ntitle: New home\naliases: [old/place, legacy.html]\n---\nBody\n' > "$S/content/new.md"
run "$S" build
check "an alias writes a redirect page" test -f "$S/public/old/place.html"
contains "the redirect refreshes to the article" "$S/public/old/place.html" 'content="0; url=../new.html"'
contains "the redirect has a plain link" "$S/public/legacy.html" '<a href="new.html">New home</a>'
page "$S" taken.md "Taken"
printf -- '---\ntitle: New home\naliases: [taken]\n---\nBody\n' > "$S/content/new.md"
run "$S" build
contains "an alias that collides with a page is an error" "$ERR" "alias 'taken' collides"
printf 'title: T\nbase_url: https://intranet.example/guide/\n' > "$S/site.yml"
page "$S" taken.md "Taken"; page "$S" new.md "New"
run "$S" build
contains "with base_url a sitemap is written" "$S/public/sitemap.xml" "<loc>https://intranet.example/guide/new.html</loc>"
contains "with base_url the Atom feed names its own address (rel=self)" "$S/public/changes.xml" '<link rel="self" href="https://intranet.example/guide/changes.xml"/>'
# A server shows 404.html at any depth: with base_url its links start at
# the site's root (base_url's path), so they lead home from anywhere.
contains "with base_url the 404 page's stylesheet is linked from the site's root" "$S/public/404.html" 'href="/guide/assets/style.css"'
contains "with base_url the 404 page's home link is from the site's root" "$S/public/404.html" 'href="/guide/index.html"'
lacks "other pages still link relatively" "$S/public/new.html" 'href="/guide/'

# Links inside table cells keep their text (cmark-gfm cells refuse custom
# nodes), and an external one is marked as it is anywhere else.
site tbl
printf -- '---\ntitle: T\n---\n| a | b |\n|---|---|\n| [ext](https://x.example/?a=1&b=2 "T") | [[u]] |\n| <https://y.example> | **[z](https://z.example)** |\n' > "$S/content/t.md"
page "$S" u.md "U"
run "$S" build
contains "an external link in a table cell keeps its text, with the external class, rel and marker" "$S/public/t.html" \
	'<td><a href="https://x.example/?a=1&amp;b=2" class="external" rel="noopener" title="T">ext<span class="visually-hidden"> (external link)</span></a></td>'
contains "an autolink in a table cell is marked external" "$S/public/t.html" \
	'<td><a href="https://y.example" class="external" rel="noopener">https://y.example<span class="visually-hidden"> (external link)</span></a></td>'
contains "an external link in bold in a table cell is marked" "$S/public/t.html" \
	'<strong><a href="https://z.example" class="external" rel="noopener">z<span class="visually-hidden"> (external link)</span></a></strong>'
lacks "no cell link keeps quire's mark" "$S/public/t.html" '%02'
contains "a wiki link in a table cell resolves" "$S/public/t.html" '<td><a href="u.html">U</a></td>'
printf -- '---\ntitle: T\n---\nIntro\n\n| a | b |\n|---|---|\n| x | [[nope]] |\n' > "$S/content/t.md"
run "$S" build
contains "a broken link in a table cell is reported at its line and column" "$ERR" "content/t.md:8:7: error: wiki link [[nope]] matches no article"

# A heading that holds a wiki link without text: the table of contents,
# links from other pages and the heading itself agree on its id (the
# target's title, shown as the link's text, is not part of it).
site hid
printf -- '---\ntitle: H\n---\n## About [[u]]\n\nx\n\n## Two\n\n## Three\n' > "$S/content/h.md"
page "$S" u.md "Unit Title"
page "$S" v.md "V" 'See [it](h.md#about).'
run "$S" build
status_is "a heading with a text-less wiki link builds" "$RC" 0
contains "its heading id is from the text as written" "$S/public/h.html" '<h2 id="about">'
contains "the table of contents links to that id" "$S/public/h.html" 'href="#about"'
contains "the heading shows the target's title" "$S/public/h.html" '<a href="u.html">Unit Title</a>'
contains "another page links to that id" "$S/public/v.html" 'href="h.html#about"'

# A wiki link whose text (or target) wraps onto the next line is a link
# like any other: resolved, and reported at its "[[" when it is broken.
site wrap
page "$S" target.md "Target page"
page "$S" a.md "A" 'See the [[target|the\n  target page]] and [[Target\npage]] here.\n\n- item [[target|wrapped\n  in a list]] ok'
run "$S" build
status_is "wiki links that wrap onto the next line build" "$RC" 0
contains "a wrapped link's text stays its text" "$S/public/a.html" '<a href="target.html">the
target page</a>'
contains "a wrapped target resolves by title" "$S/public/a.html" '<a href="target.html">Target page</a>'
contains "a wrapped link in a list item resolves" "$S/public/a.html" '<a href="target.html">wrapped
in a list</a>'
lacks "no wiki syntax is left in the page" "$S/public/a.html" '[['
page "$S" b.md "B" 'Fine.\n\n- one\n- [[missing-\n  target|text]] and [[x|a\nb]]'
run "$S" build
status_is "a broken wrapped wiki link fails the build" "$RC" 1
contains "it is reported at its [[" "$ERR" "content/b.md:7:3: error: wiki link [[missing- target]] matches no article"
contains "the second wrapped link on those lines at its own line:col" "$ERR" "content/b.md:8:21: error: wiki link [[x]] matches no article"

# A link written so that it stays text is reported, not rendered as
# brackets without a word: GFM ends a table cell at a wiki link's '|'
# (the rest of the row is lost and the target never checked), and an
# unclosed [[ or inline link leaves text.
site astext
printf 'title: T\nhistory: false\n' > "$S/site.yml"
page "$S" leave.md "Leave"
cat > "$S/content/t.md" <<'MD'
---
title: T
---
| who | read |
| --- | --- |
| staff | [[nowhere|text]] |
| staff | [[leave\|annual leave]] |

See [[leave] and [[leave and more; `[[code` is fine.

Read [the policy](leave.md
MD
run "$S" check
status_is "a wiki link's '|' in a table fails the check" "$RC" 1
contains "it is reported at its [[ with the form to write" "$ERR" "content/t.md:6:11: error: in a table, the '|' of a wiki link ends the cell: write [[nowhere\|text]]"
contains "an unclosed [[ is an error at its [[" "$ERR" "content/t.md:9:5: error: the wiki link is not closed: add ']]'"
contains "a second unclosed [[ on the line at its own column" "$ERR" "content/t.md:9:18: error: the wiki link is not closed: add ']]'"
lacks "a [[ in a code span is not a link" "$ERR" "t.md:9:3"
contains "an inline link without its ')' is a warning at its '['" "$ERR" "content/t.md:11:6: warning: this link's address is not closed: add ')' after it"
grep -c 'error:' "$ERR" | grep -qx 3 && ok "nothing else is reported" || not_ok "nothing else is reported" "$(cat "$ERR")"
run "$S" build
run "$S" build
contains "a rebuild from the cache reports them again" "$ERR" "content/t.md:6:11: error: in a table"
contains "a rebuild from the cache reports the warning again" "$ERR" "content/t.md:11:6: warning:"
printf 'title: T\nlinks: warn\n' > "$S/site.yml"
run "$S" check
status_is "with links: warn they are warnings" "$RC" 0
contains "an unclosed [[ is then a warning" "$ERR" "content/t.md:9:5: warning: the wiki link is not closed"
sed -i 's/\[\[nowhere|text\]\]/[[leave\\|text]]/; s/\[\[leave\] and \[\[leave and more/[[leave]] and more/; s/(leave.md$/(leave.md)/' "$S/content/t.md"
printf 'title: T\nhistory: false\n' > "$S/site.yml"
run "$S" build
status_is "written as the messages say, the page builds" "$RC" 0
contains "the escaped form is a link with its text in the cell" "$S/public/t.html" '<td><a href="leave.html">annual leave</a></td>'
lacks "and nothing is reported" "$ERR" "warning"

# Tags with no ASCII letter get pages of their own, not one tags/tag.html.
site cjk
page "$S" j.md "J"
printf -- '---\ntitle: J\ntags: [日本, 中国]\n---\nx\n' > "$S/content/j.md"
run "$S" build
status_is "two tags with no ASCII letters build" "$RC" 0
check "each has its own page" test "$(ls "$S/public/tags" | grep -c '^tag-[0-9a-f]*\.html$')" = 2

# Accents fold in ids and tag pages as they do in search.
site accents
printf -- '---\ntitle: H\ntags: [Café, Ærø, ﬁnance]\n---\n## Bărbulescu v Romania\n\nx\n\n## Łódź and Straße\n\ny\n\n## The ﬁnancial eﬀect\n\nz\n\n## Re\314\201sume\314\201 writing\n\nw\n' > "$S/content/h.md"
page "$S" l.md "L" 'See [the case](h.md#barbulescu-v-romania) and [the office](h.md#lodz-and-strasse).'
run "$S" build
status_is "a link to an accented heading by its folded id builds" "$RC" 0
contains "the heading's id drops the accent" "$S/public/h.html" '<h2 id="barbulescu-v-romania">'
check "the tag Café has the page tags/cafe.html" test -f "$S/public/tags/cafe.html"
contains "Ł and ß fold as they are typed, not to nothing" "$S/public/h.html" '<h2 id="lodz-and-strasse">'
check "the tag Ærø has the page tags/aero.html" test -f "$S/public/tags/aero.html"
contains "a PDF's ligatures are the letters they join" "$S/public/h.html" '<h2 id="the-financial-effect">'
check "the tag ﬁnance has the page tags/finance.html" test -f "$S/public/tags/finance.html"
contains "decomposed text (e and U+0301) has the id precomposed text has" "$S/public/h.html" '<h2 id="resume-writing">'

# A wiki link's column is where its [[ stands even after an entity or an
# escape earlier on its line (the parsed text is shorter than the source).
site wcol
printf -- '---\ntitle: A\n---\nPay &mdash; see [[nowhere]] and [[other]].\n\nEsc \\* and \\[x] then [[gone]].\n' > "$S/content/a.md"
run "$S" check
contains "after an entity" "$ERR" "content/a.md:4:17: error: wiki link [[nowhere]] matches no article"
contains "the next link on that line too" "$ERR" "content/a.md:4:33: error: wiki link [[other]] matches no article"
contains "after escapes" "$ERR" "content/a.md:6:22: error: wiki link [[gone]] matches no article"
# escaped brackets make "[[" in the text the source line does not have, and
# an entity can shift the column onto another link's "[["
printf -- '---\ntitle: A\n---\n\\[\\[ [[n4]] &#x41; [[other]] [[n5]]\n' > "$S/content/b.md"
run "$S" check
contains "after escaped brackets" "$ERR" "content/b.md:4:6: error: wiki link [[n4]] matches no article"
contains "after an entity that shifts onto another link" "$ERR" "content/b.md:4:30: error: wiki link [[n5]] matches no article"

# A Markdown link or image that wraps is reported where it begins (cmark
# places it at the start of its last line).
site wrapl
printf -- '---\ntitle: A\n---\nSee the\n[policy on\nannual leave](gone.md) and\n  [x\ny](gone2.md), ![a\npicture](none.png) and [one](line.md).\n' > "$S/content/a.md"
run "$S" check
contains "a wrapped link at its first line" "$ERR" "content/a.md:5:1: error: link target 'gone.md' does not exist"
contains "an indented one at its [" "$ERR" "content/a.md:7:3: error: link target 'gone2.md' does not exist"
contains "a wrapped image at its ![" "$ERR" "content/a.md:8:15: error: link target 'none.png' does not exist"
contains "a link on one line where it stands" "$ERR" "content/a.md:9:24: error: link target 'line.md' does not exist"

# A link inside an image's alt text never shows its address: the page is
# rendered after its links are resolved, not with them left open, and no
# placeholder of quire's reaches the output, with or without Lua filters.
site alt
page "$S" sec/a.md "A" '## Costs\n\n![alt with [a link](b.md) inside](pic.png)\n\nSee [[B]] and [costs](#costs).'
page "$S" sec/b.md "B" "b."
printf 'PNG' > "$S/content/sec/pic.png"
run "$S" build
status_is "an image whose alt text holds a link builds" "$RC" 0
check "and no placeholder reaches a page or print.html" sh -c "! grep -rl '%01' '$S/public'"
contains "(print.html has the article)" "$S/public/print.html" 'alt="alt with a link inside"'
mkdir -p "$S/scripts"
printf 'quire.filter{ text = function(t) return t end }\n' > "$S/scripts/10-noop.lua"
run "$S" build
status_is "so it does with a Lua filter" "$RC" 0
check "and no placeholder reaches a page or print.html then" sh -c "! grep -rl '%01' '$S/public'"

# Footnotes: print.html holds every article, so each article's footnotes
# are named after it there (its [^1] would otherwise lead to the first
# article's); the article's own page keeps cmark's names.
site fn
page "$S" a/one.md "One" 'Text[^1] and [the note](#fn-1).\n\n[^1]: Note one.'
page "$S" a/two.md "Two" 'Other[^1].\n\n[^1]: Note two.'
run "$S" build
status_is "a site with footnotes in two articles builds" "$RC" 0
contains "print.html names the first article's footnote after it" "$S/public/print.html" 'id="a-one--fn-1"'
contains "and the second's after it" "$S/public/print.html" 'id="a-two--fn-1"'
contains "its reference leads to its own note" "$S/public/print.html" 'href="#a-two--fn-1" id="a-two--fnref-1"'
contains "as does a link written to the note" "$S/public/print.html" '<a href="#a-one--fn-1">the note</a>'
lacks "no footnote keeps cmark's bare name there" "$S/public/print.html" 'id="fn-1"'
contains "the article's page keeps cmark's names" "$S/public/a/one.html" 'id="fn-1"'
# what a screen reader hears of them: numbered links, and a heading
contains "a reference's link is named 'Footnote 1', not '1'" "$S/public/a/one.html" 'data-footnote-ref aria-label="Footnote 1">1</a>'
contains "a note's way back names its reference" "$S/public/a/one.html" 'aria-label="Back to reference 1">'
lacks "not 'Back to content' for every note" "$S/public/a/one.html" 'Back to content'
contains "the notes have a heading no one sees" "$S/public/a/one.html" '<h2 class="visually-hidden">Footnotes</h2>'
contains "in print.html two levels down, as its headings are" "$S/public/print.html" '<h4 class="visually-hidden">Footnotes</h4>'
page "$S" a/three.md "Three" 'A[^x], b[^y] and a[^x].\n\n[^x]: X.\n[^y]: Y.'
run "$S" build
contains "the second note's way back is 'Back to reference 2'" "$S/public/a/three.html" 'href="#fnref-y" class="footnote-backref" data-footnote-backref aria-label="Back to reference 2"'
contains "and a note referred to twice has '1 (2)' for its second" "$S/public/a/three.html" 'href="#fnref-x-2" class="footnote-backref" data-footnote-backref aria-label="Back to reference 1 (2)"'
# a note that refers to another: its reference is named too
page "$S" a/three.md "Three" 'A[^x].\n\n[^x]: X, see[^y].\n[^y]: Y.'
run "$S" build
contains "a reference inside a note is named" "$S/public/a/three.html" 'id="fnref-y" data-footnote-ref aria-label="Footnote 2">2</a>'
rm "$S/content/a/three.md"
# where raw HTML is let through, a copy of the notes' markup before them
# is not taken for them
fnsite=$S
site fnraw
printf 'title: Raw\nmarkdown:\n  unsafe_html: true\n' >"$S/site.yml"
page "$S" r.md "Raw" '<section class="footnotes" data-footnotes>\n<p>not the notes</p>\n</section>\n\nText[^1].\n\n[^1]: One.'
run "$S" build
contains "the real reference is named" "$S/public/r.html" 'data-footnote-ref aria-label="Footnote 1">1</a>'
contains "the real note's way back is 1" "$S/public/r.html" 'aria-label="Back to reference 1"'
check "the hidden heading is in the real notes, once" test "$(grep -c 'class="visually-hidden">Footnotes' "$S/public/r.html")" = 1
check "not in the copy" test "$(grep -B1 'not the notes' "$S/public/r.html" | head -n 1)" = '<section class="footnotes" data-footnotes>'
S=$fnsite

# A link to a footnote is checked like one to a heading: the note, or a
# reference to it (the second is "fnref-1-2"), must be there.
page "$S" a/two.md "Two" 'Other[^1] and again[^1].\n\n[^1]: Note two.'
page "$S" a/links.md "Links" '[a](two.md#fn-1) [b](two.md#fnref-1-2) [c](two.md#fn-2) [d](two.md#fnref-1-3) [e](one.md#fn-1)\n\n[f](#fn-1)'
run "$S" check
contains "a link to a note that is not there is an error" "$ERR" "content/a/links.md:4:40: error: 'content/a/two.md' has no heading with the id 'fn-2'"
contains "nor a third reference to a note referred to twice" "$ERR" "content/a/links.md:4:57: error: 'content/a/two.md' has no heading with the id 'fnref-1-3'"
contains "nor a note on a page with none" "$ERR" "content/a/links.md:6:1: error: this page has no heading with the id 'fn-1'"
contains "the rest lead where they should (three errors in all)" "$ERR" "3 errors"
# The ids are cmark-gfm's own: the label as its definition spells it,
# escaped for a URL (a link may write it either way), and only for notes
# that are referred to, and references that are there.
page "$S" a/three.md "Three" 'One[^Note], two[^caf\303\251], three[^once].\n\n`[^code]`\n\n[^Note]: A.\n[^caf\303\251]: B.\n[^once]: C.\n[^unused]: D.'
page "$S" a/links.md "Links" '[a](three.md#fn-Note) [b](three.md#fn-caf%C3%A9) [c](three.md#fn-caf\303\251) [d](three.md#fnref-once)\n\n[e](three.md#fn-note) [f](three.md#fnref-once-2) [g](three.md#fn-unused) [h](three.md#fn-code)'
run "$S" check
contains "a note's id keeps its label's case: the other case is an error" "$ERR" "content/a/links.md:6:1: error: 'content/a/three.md' has no heading with the id 'fn-note'"
contains "a second reference to a note referred to once is an error" "$ERR" "has no heading with the id 'fnref-once-2'"
contains "a note no reference refers to has no id" "$ERR" "has no heading with the id 'fn-unused'"
contains "nor a '[^code]' in code" "$ERR" "has no heading with the id 'fn-code'"
contains "the note in its case, escaped or not, and its reference lead there (four errors in all)" "$ERR" "4 errors"

# [[#id]] is a heading of the page it is on, shown by its text; [[ ]]
# names nothing.
site here
page "$S" a.md "A" '## Steps to take\n\nSee [[#steps-to-take]], [[#steps-to-take|the steps]] and [[#nosuch]] [[ ]].'
run "$S" build
contains "a missing heading of this page is an error at its place" "$ERR" "content/a.md:6:58: error: wiki link [[#nosuch]]: this page has no heading with that id"
contains "an empty wiki link names nothing" "$ERR" "content/a.md:6:70: error: wiki link [[]] names no article"
page "$S" a.md "A" '## Steps to take\n\nSee [[#steps-to-take]] and [[#steps-to-take|the steps]].'
run "$S" build
status_is "a link to a heading of this page builds" "$RC" 0
contains "shown by the heading's text" "$S/public/a.html" '<a href="#steps-to-take">Steps to take</a>'
contains "or the text written" "$S/public/a.html" '<a href="#steps-to-take">the steps</a>'


# An e-mail address or a phone number is no external site: no arrow, no
# "(external link)" for a screen reader.
site mail
page "$S" a.md "A" '[HR](mailto:hr@example.org), [call](tel:+441234567890), [Acas](https://www.acas.org.uk/).'
run "$S" build
contains "a mailto: link is a plain link" "$S/public/a.html" '<a href="mailto:hr@example.org">HR</a>'
contains "so is a tel: link" "$S/public/a.html" '<a href="tel:+441234567890">call</a>'
contains "a web address is marked external" "$S/public/a.html" 'class="external"'
