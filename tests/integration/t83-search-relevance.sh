#!/bin/sh
# t83: search finds what readers ask for, through the index a real build
# writes and the page's own script under node (tests/tools/search_run.mjs):
# an evaluation of questions and the article each should find first or in
# the top three, over a small site built to hold the traps a staff
# reader's review found (a word as typed against a longer word it begins,
# titles that tie, words next to each other, a missing everyday word, a
# list page made by a hook, site synonyms), then "did you mean", the
# passages results show, and a rebuild byte for byte.
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null || { not_ok "node is installed"; exit 1; }

# art PATH TITLE SUMMARY BODY: an article with the site's callout first
# and a list of sources last, as the guidance has them
art() {
	mkdir -p "$(dirname "$S/content/$1")"
	printf -- '---\ntitle: %s\nsummary: %s\n---\n\n> This is guidance, not legal advice. %s\n\n%b\n\n## Sources\n\n- Acas, advice on %s (accessed November 2026)\n' \
		"$2" "$3" "Ask HR, a lawyer or the data protection officer about $2." "$4" "$2" > "$S/content/$1"
}

site s
cat >> "$S/site.yml" <<'EOF'
search:
  synonyms:
    fired: [dismissed, dismissal]
    pha: Protection from Harassment Act
EOF
art data/a-subject-access.md "Subject access requests" "How to answer a request for personal data." \
	"A person may ask for a copy of their personal data. Answer within one month. An access request need not use any form of words.\n\nLog the date and forward it to the data protection officer at once.\n\n## Refusing\n\nYou may refuse a SAR only when it is manifestly unfounded."
art data/b-phones.md "Phones at work" "What the organisation can see on a personal phone." \
	"Sara shares rota screenshots in a group. Sara refuses to unlock her phone. HR tells the team leader that Sara need not unlock it, and Sara keeps her phone."
art data/c-data-protection.md "Data protection and the Data Protection Act" "What data protection law requires." \
	"Data protection law protects personal data. Protection applies to every record, harassment complaints too. The Act sets the rules on disclosure of data to others.\n\nPass every request to your data protection officer."
art law/a-harassment.md "When posts become harassment" "Criminal and civil harassment online." \
	"Repeated abusive posts can be harassment.\n\n## The Protection from Harassment Act 1997\n\nThe Act says a person must not pursue a course of conduct that amounts to harassment."
art law/b-whistleblowing.md "Whistleblowing" "What counts as a protected disclosure, and who it can be made to." \
	"A worker who reports wrongdoing in the public interest is protected. Managers should take advice on any disclosure."
art law/c-pharmacal.md "Norwich Pharmacal orders" "A court order that makes a platform name an anonymous poster." \
	"A Norwich Pharmacal order is made by the High Court. Pharmacal orders are costly."
art conf/a-ai-tools.md "Confidential information and AI tools at work" "Pasting into chatbots." \
	"Do not paste confidential material into a chatbot."
art conf/b-duty.md "The duty of confidentiality" "Where the duty comes from." \
	"Every worker owes a duty of confidentiality to the employer."
art conf/c-what-counts.md "What counts as confidential" "How to tell whether information is confidential." \
	"Trade secrets are confidential; the canteen menu is not."
art press/a-help.md "Where to get help" "Who to call about a problem at work." \
	"If a journalist called you, tell the press office. If you are unsure whether a dismissal was fair, ask your union."
art press/b-journalists.md "Talking to journalists" "What to say when the press gets in touch." \
	"Refer every journalist to the press office. Never brief a reporter yourself."
art press/c-dismissal.md "Dismissal for a post" "When a post can lead to dismissal." \
	"An employee was dismissed for a post. The tribunal found the dismissal fair. Tribunals treat fairly made decisions with respect."
# a hook's list of every article's title and summary, searched by its
# title alone (search: title)
script "$S" 30-audience 'quire.on_site(function(site)
  local md = {}
  for _, p in ipairs(site.pages) do
    if p.kind == "article" then md[#md + 1] = "- " .. p.title .. ": " .. (p.summary or "") end
  end
  quire.add_page{ path = "reference/guidance-by-audience", title = "Guidance by audience",
    markdown = table.concat(md, "\n") .. "\n", data = { summary = "Every article, by who it is for.", search = "title" } }
end)'
run "$S" build -o "$TMP/out"
status_is "the site builds" "$RC" 0

# rank_is N QUERY URL: URL is among the first N results of QUERY
rank_is() {
	got=$(node "$REPO/tests/tools/search_run.mjs" "$TMP/out" "$2" |
		node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
			console.log(r.results.slice(0, 5).map((x) => x.url).join(" "));')
	first=$(printf '%s\n' "$got" | tr ' ' '\n' | head -n "$1" | grep -cx "$3")
	if [ "$first" -ge 1 ]; then ok "\"$2\" finds $3 in the first $1"; else not_ok "\"$2\" finds $3 in the first $1" "got: $got"; fi
}

# An exact word before a word it begins: SAR before Sara.
rank_is 1 "SAR" data/a-subject-access.html
rank_is 1 "sar" data/a-subject-access.html
# A synonym is a word as typed: PHA before the Pharmacal pages it begins.
rank_is 1 "PHA" law/a-harassment.html
# Titles that tie go by how much of the title the words make up and the
# word as typed, not by name.
rank_is 1 "confidential" conf/c-what-counts.html
rank_is 1 "what is confidential" conf/c-what-counts.html
rank_is 1 "confidentiality" conf/b-duty.html
# Words next to each other as typed, in a heading or the summary.
rank_is 1 "Protection from Harassment Act" law/a-harassment.html
rank_is 1 "protected disclosure" law/b-whistleblowing.html
# An everyday word the article lacks does not hide it.
rank_is 1 "a journalist called me" press/b-journalists.html
# Few pages with every word: the best with most of them follow.
rank_is 3 "journalist fair" press/b-journalists.html
# A synonym from site.yml.
rank_is 1 "fired" press/c-dismissal.html
rank_is 1 "fired for a post" press/c-dismissal.html

# The list page a hook made is found by its title, not by its entries.
q=$(node "$REPO/tests/tools/search_run.mjs" "$TMP/out" "journalist press dismissal")
case $q in *guidance-by-audience*) not_ok "a list page (search: title) is not found by its entries' words" "$q";;
*) ok "a list page (search: title) is not found by its entries' words";; esac
rank_is 1 "audience" reference/guidance-by-audience.html

# The status line's numbers: some pages with every word, then the rest.
q=$(node "$REPO/tests/tools/search_run.mjs" "$TMP/out" "journalist fair" | node -e '
	const r = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(r.every, r.partial, r.results.length)')
if [ "$q" = "1 true 3" ]; then ok "one page has both words, the two with one follow, as partial results"
else not_ok "one page has both words, the two with one follow, as partial results" "every, partial, results: $q"; fi

# Did you mean: only a word a page has as written.
sugg() {
	node "$REPO/tests/tools/search_run.mjs" "$TMP/out" "$1" | node -e '
		const r = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(r.suggestions.map((s) => s[1]).join(" "))'
}
g=$(sugg "dismisal"); [ "$g" = "dismissal" ] && ok "a slip gets the word pages have" || not_ok "a slip gets the word pages have" "got: $g"
# "faired" is a form the index stands for (of "fair"), written nowhere
g=$(sugg "fairedd"); [ -z "$g" ] && ok "no word is offered that no page has" || not_ok "no word is offered that no page has" "got: $g"

# Passages: the page's own words, not the callout every page opens with or
# its sources, when those are not all it has.
p=$(node "$REPO/tests/tools/search_run.mjs" "$TMP/out" "data protection officer" | node -e '
	const r = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(r.passages[0])')
case $p in *"This is guidance"*) not_ok "a passage skips the callout every page has" "$p";;
*"[data] [protection] [officer]"*) ok "a passage skips the callout every page has";;
*) not_ok "a passage skips the callout every page has" "$p";; esac
p=$(node "$REPO/tests/tools/search_run.mjs" "$TMP/out" "subject access request" | node -e '
	const r = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(r.passages[0])')
case $p in *accessed*) not_ok "a passage skips the sources list" "$p";; *) ok "a passage skips the sources list";; esac

# A rebuild with the cache, and one on one thread, write the same bytes
# as a clean build.
run "$S" build -o "$TMP/out"
rm -rf "$S/.quire-cache"
run "$S" build -j 1 -o "$TMP/clean"
if d=$(diff -r "$TMP/out" "$TMP/clean" 2>&1); then ok "a cached rebuild matches a clean build on one thread byte for byte"
else not_ok "a cached rebuild matches a clean build on one thread byte for byte" "$(printf '%s\n' "$d" | head -n 10)"; fi

# search.synonyms must map words to words.
printf 'title: Test site\nsearch:\n  synonyms:\n    lies: [false]\n' > "$S/site.yml"
run "$S" check
status_is "a synonym YAML reads as no word is an error" "$RC" 1
contains "the error names the key and says to quote it" "$ERR" "site.yml:4:1: error: 'search.synonyms.lies' must be a word or phrase"

