#!/bin/sh
# t62: cmark's pathological inputs and those of the cmark-gfm security
# advisories build quickly (a smoke check; make bench measures growth).
. "$(dirname "$0")/lib.sh"

# bounded SECONDS STATUS DESCRIPTION ARGS...: runs quire with ARGS (stderr
# in $TMP/err), stopped after SECONDS, and checks it ended with STATUS.
bounded() {
	bound=$1 want=$2 desc=$3
	shift 3
	start=$(date +%s)
	timeout -k 5 "$bound" "$QUIRE" "$@" >/dev/null 2>"$TMP/err"
	rc=$?
	status_is "$desc (in $(( $(date +%s) - start ))s; bound ${bound}s)" "$rc" "$want"
}
site p
printf 'title: P\nhistory: false\nlinks: warn\n' > "$S/site.yml"
python3 "$REPO/tests/pathological/inputs.py" "$S" 10000
bounded 120 0 "every pathological input builds" build -s "$S"
contains "a table too wide to parse is reported and shown as text" "$TMP/err" "content/table-many-columns.md:4:1: warning: this line has more than 256 '|' characters"
check "the deep nesting inputs produced pages" test -f "$S/public/nested-block-quotes.html" -a -f "$S/public/deep-lists.html"

# 80,000 nested emphasis marks around a word: finding links written so
# that they stay text walked up every text's parents (as deep as the
# emphasis) and took nine minutes.
site nested
printf 'title: N\nhistory: false\n' > "$S/site.yml"
python3 -c "print('---\ntitle: Nested\n---\n' + '*a **a ' * 80000 + 'b' + ' a** a*' * 80000)" > "$S/content/nested.md"
bounded 60 0 "80,000 nested emphasis marks build" build -s "$S"

# 5,000 headings of one text and 50 links to ids none has: each link's
# hint numbers the headings' GitHub ids as github-slugger does, a counter
# per id (trying "-1", "-2"... afresh for each heading took minutes).
site repeats
printf 'title: R\nhistory: false\nlinks: warn\n' > "$S/site.yml"
python3 -c "print('---\ntitle: Big\n---\n' + '## Example\n\nText.\n\n' * 5000)" > "$S/content/big.md"
python3 -c "print('---\ntitle: L\n---\n' + ' '.join('[x](big.md#nope-%d)' % i for i in range(50)) + ' [y](big.md#example-1)')" > "$S/content/l.md"
bounded 60 0 "links to missing ids among 5,000 equal headings are checked" check -s "$S"
contains "(GitHub's second is quire's second)" "$TMP/err" "has no heading with the id 'example-1': did you mean 'example-2'? (GitHub gives"

# Headings and anchors of thousands of characters: a "did you mean" for a
# missing id compares the anchor with each id only within a band of the
# edit table, and none of such length (a pair cost their lengths'
# product: 40 such links took 47 s); 2,000 headings and 2,000 anchors
# one slip from them are each given their id.
site longids
printf 'title: L\nhistory: false\nlinks: warn\n' > "$S/site.yml"
python3 -c "
long = 'word ' * 600
hs = ''.join('## %s%d\n\ntext\n\n' % (long, i) for i in range(40))
links = ' '.join('[a](#%s%dx)' % (long.strip().replace(' ', '-'), i) for i in range(40))
print('---\ntitle: Long\n---\n' + links + '\n\n' + hs)" > "$S/content/long.md"
python3 -c "
print('---\ntitle: Many\n---\n' + ' '.join('[a](#heading-number-%d-about-thingsx)' % i for i in range(2000)) + '\n\n' + ''.join('## Heading number %d about things\n\n' % i for i in range(2000)))" > "$S/content/many.md"
bounded 60 0 "missing ids among long and many headings are checked" check -s "$S"
contains "(an anchor one slip from an id is given it)" "$TMP/err" "has no heading with the id 'heading-number-1999-about-thingsx': did you mean 'heading-number-1999-about-things'?"

# 30,000 footnotes, each with a link to it: every link's target is looked
# up in a set of the page's footnote ids, and the HTML's link placeholders
# are found with the page's end known (strstr from each one measured the
# rest of the page under the sanitizers: 10,000 took 11 s).
site notes
printf 'title: N\nhistory: false\n' > "$S/site.yml"
python3 -c "n = 30000; print('---\ntitle: Notes\n---\n' + ' '.join('t[^n%d] [l](#fn-n%d)' % (i, i) for i in range(n)) + ' [x](#fn-none)\n\n' + '\n'.join('[^n%d]: Note %d.' % (i, i) for i in range(n)))" > "$S/content/notes.md"
bounded 60 1 "30,000 footnotes and links to them are checked" check -s "$S"
contains "(the one link to a note that is not there is the one error)" "$TMP/err" "1 error"

# cmark-gfm 0.29.0.gfm.6 is quadratic in a paragraph's emphasis marks times
# its links (80,000 of each took minutes): such a paragraph is an error at
# its line, and a past version holding one is shown as text, at once.
site slow
printf 'title: S\n' > "$S/site.yml"
git -C "$S" init -q -b main
python3 -c "print('---\ntitle: Slow\n---\nIntro.\n\n' + '*e* [l](u) ' * 80000)" > "$S/content/slow.md"
bounded 60 1 "a paragraph too costly to parse is an error" check -s "$S"
contains "at the line where it begins" "$TMP/err" "content/slow.md:6:1: error: this paragraph has so many links and emphasis marks"
git -C "$S" add -A && git -C "$S" -c user.name=A -c user.email=a@b commit -qm "slow version"
printf -- '---\ntitle: Slow\n---\nFixed.\n' > "$S/content/slow.md"
git -C "$S" add -A && git -C "$S" -c user.name=A -c user.email=a@b commit -qm "fixed"
bounded 60 0 "a history holding such a version builds" build -s "$S"
old=$(git -C "$S" rev-parse --short=10 HEAD~1)
contains "and the version is shown as its text" "$S/public/slow.rev-$old.html" "<pre><code>Intro."

# A past version past the 8 MiB limit on an article (a 50 MB blob packs
# to kilobytes) is never read whole: a build would have refused it, so it
# was never published, and memory stays bounded.
site bigpast
printf 'title: B\n' > "$S/site.yml"
git -C "$S" init -q -b main
python3 -c "open('$S/content/p.md','w').write('---\ntitle: P\n---\n' + ('word ' * 20 + '\n\n') * 500000)"
git -C "$S" add -A && git -C "$S" -c user.name=A -c user.email=a@b commit -qm "huge version"
printf -- '---\ntitle: P\n---\nSmall.\n' > "$S/content/p.md"
git -C "$S" add -A && git -C "$S" -c user.name=A -c user.email=a@b commit -qm "small"
git -C "$S" gc -q
Q=${QUIRE_RELEASE:-$QUIRE}
(ulimit -v 1000000; timeout 60 "$Q" build -s "$S" >/dev/null 2>"$TMP/err"); rc=$?
status_is "a history with a 50 MB version builds in 1 GB of address space" "$rc" 0
check "the huge version has no page" test -z "$(find "$S/public" -name 'p.rev-*' -size +1M)"
lacks "and is no entry of the history" "$S/public/p.history.html" "huge version"
