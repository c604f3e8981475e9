#!/bin/sh
# t41: the shipped git pre-commit hook blocks a commit whose staged files
# have errors, and lets a clean one through.
. "$(dirname "$0")/lib.sh"
site g
git -C "$S" init -q -b main
git -C "$S" config user.name Editor; git -C "$S" config user.email e@example.org
page "$S" a.md "A" "fine"
mkdir -p "$S/scripts"; cp "$REPO/scripts/pre-commit" "$S/scripts/pre-commit"
# installed as the README says, in a repository with no hooks folder yet
rm -rf "$S/.git/hooks"
(cd "$S" && h=$(git rev-parse --git-path hooks) && mkdir -p "$h" && ln -sf "$PWD/scripts/pre-commit" "$h/pre-commit")
check "the README's install line makes the hook" test -x "$S/.git/hooks/pre-commit"
git -C "$S" add -A
QUIRE=$QUIRE git -C "$S" commit -qm "first" >/dev/null 2>"$TMP/hook"
status_is "a clean commit goes through the hook" "$?" 0

page "$S" a.md "A" "[broken](missing.md)"
git -C "$S" add -A
QUIRE=$QUIRE git -C "$S" commit -qm "broken" >/dev/null 2>"$TMP/hook"; rc=$?
[ "$rc" -ne 0 ] && ok "a commit with a broken link is blocked" || not_ok "a commit with a broken link is blocked"
contains "the hook prints the error with file:line:col" "$TMP/hook" "content/a.md:4:1: error: link target 'missing.md' does not exist"
[ "$(git -C "$S" rev-list --count HEAD)" = 1 ] && ok "nothing was committed" || not_ok "nothing was committed"

# What counts is the staged file, not the working folder.
page "$S" a.md "A" "fixed but not staged"
QUIRE=$QUIRE git -C "$S" commit -qm "still broken" >/dev/null 2>"$TMP/hook"; rc=$?
[ "$rc" -ne 0 ] && ok "an unstaged fix does not let the broken staged file through" || not_ok "an unstaged fix does not let the broken staged file through"
contains "the hook says a fix may not be staged" "$TMP/hook" "have changes that are not staged (the check read them as staged); if an error above is fixed in your folder, git add the file:"
contains "naming the file" "$TMP/hook" "    content/a.md"
lacks "and no untracked file" "$TMP/hook" "not in the commit"
git -C "$S" add -A
QUIRE=$QUIRE git -C "$S" commit -qm "fixed" >/dev/null 2>&1
status_is "once the fix is staged the commit goes through" "$?" 0

# A check that cannot run at all (no such site folder: exit 2) says so,
# rather than asking to fix errors at file:line:col.
page "$S" a.md "A" "fine again"
git -C "$S" add -A
QUIRE=$QUIRE QUIRE_SITE=no-such-folder git -C "$S" commit -qm "x" >/dev/null 2>"$TMP/hook"; rc=$?
[ "$rc" -ne 0 ] && ok "a check that cannot run blocks the commit" || not_ok "a check that cannot run blocks the commit"
contains "and says it could not check the site" "$TMP/hook" "quire check could not check the site (exit status 2"

# A file the commit leaves out (untracked) must not make a staged link to
# it look fine, as the working folder would.
page "$S" c.md "C" "See [[untracked-target]]."
page "$S" untracked-target.md "Untracked target" "Not staged."
git -C "$S" add content/c.md
QUIRE=$QUIRE git -C "$S" commit -qm "c" >/dev/null 2>"$TMP/hook"; rc=$?
[ "$rc" -ne 0 ] && ok "a staged link to an untracked article is blocked" || not_ok "a staged link to an untracked article is blocked"
contains "as the link names no committed article" "$TMP/hook" "wiki link [[untracked-target]] matches no article"
contains "saying which files the commit leaves out" "$TMP/hook" "in your folder but not in the commit, so the check did not see them; if an error above is about one of them, git add it:"
contains "naming the article" "$TMP/hook" "    content/untracked-target.md"
# a name beyond ASCII as it is written, to copy into git add; a long list cut
cafe=$(printf 'caf\303\251.md')
page "$S" "$cafe" "Cafe" "Not staged."
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do page "$S" "extra-$i.md" "Extra $i" "Not staged."; done
QUIRE=$QUIRE git -C "$S" commit -qm "c" >/dev/null 2>"$TMP/hook"
contains "a name is shown as written" "$TMP/hook" "    content/$cafe"
contains "a long list says how many more" "$TMP/hook" "    (and 4 more)"
rm -f "$S/content/$cafe" "$S"/content/extra-*.md
git -C "$S" add -A
QUIRE=$QUIRE git -C "$S" commit -qm "c and its target" >/dev/null 2>&1
status_is "staged with its target, the commit goes through" "$?" 0

# When what the check reads is exactly what is staged, the site is checked
# where it is, reading what the last build recorded.
"$QUIRE" build -s "$S" >/dev/null 2>&1
sleep 2.2
"$QUIRE" build -s "$S" >/dev/null 2>&1
page "$S" d.md "D" "See [[c]]."
git -C "$S" add -A
QUIRE=$QUIRE QUIRE_TIMINGS=1 git -C "$S" commit -qm "d" >/dev/null 2>"$TMP/hook"
status_is "a fully staged commit goes through" "$?" 0
contains "its check reads the sources the last build recorded" "$TMP/hook" "sources: 1 read, 3 unchanged since the last build"

# content/ as a symbolic link inside the site: git status sees the link,
# not an unstaged article behind it, so the check is made from a copy.
site gl
git -C "$S" init -q -b main
git -C "$S" config user.name Editor; git -C "$S" config user.email e@example.org
mkdir -p "$S/src" && mv "$S/content" "$S/src/content" && ln -s src/content "$S/content"
page "$S" ok.md "Ok" "fine"
mkdir -p "$S/scripts"; cp "$REPO/scripts/pre-commit" "$S/scripts/pre-commit"
# installed as the README says, in a repository with no hooks folder yet
rm -rf "$S/.git/hooks"
(cd "$S" && h=$(git rev-parse --git-path hooks) && mkdir -p "$h" && ln -sf "$PWD/scripts/pre-commit" "$h/pre-commit")
check "the README's install line makes the hook" test -x "$S/.git/hooks/pre-commit"
git -C "$S" add -A
QUIRE=$QUIRE git -C "$S" commit -qm "first" >/dev/null 2>&1
page "$S" ok.md "Ok" "See [[new-article]]."
git -C "$S" add src/content/ok.md
page "$S" new-article.md "New article" "Not staged."
QUIRE=$QUIRE git -C "$S" commit -qm "link" >/dev/null 2>"$TMP/hook"; rc=$?
[ "$rc" -ne 0 ] && ok "with content/ a symbolic link, a staged link to an unstaged article is blocked" ||
	not_ok "with content/ a symbolic link, a staged link to an unstaged article is blocked"

# A move or a deletion staged and not committed: the hook's check is the
# first to meet the links it broke, and says what git says of them.
site gm
git -C "$S" init -q -b main
git -C "$S" config user.name Editor; git -C "$S" config user.email e@example.org
page "$S" a.md "A" "See [[keeping-evidence]] and [the old one](old.md)."
page "$S" keeping-evidence.md "Keeping evidence" "K."
page "$S" old.md "Old" "O."
mkdir -p "$S/scripts"; cp "$REPO/scripts/pre-commit" "$S/scripts/pre-commit"
(cd "$S" && h=$(git rev-parse --git-path hooks) && mkdir -p "$h" && ln -sf "$PWD/scripts/pre-commit" "$h/pre-commit")
git -C "$S" add -A
QUIRE=$QUIRE git -C "$S" commit -qm "first" >/dev/null 2>&1
git -C "$S" mv content/keeping-evidence.md content/evidence.md
git -C "$S" rm -q content/old.md
QUIRE=$QUIRE git -C "$S" commit -qm "move and remove" >/dev/null 2>"$TMP/hook"; rc=$?
[ "$rc" -ne 0 ] && ok "a commit that breaks links by a move and a deletion is blocked" || not_ok "a commit that breaks links by a move and a deletion is blocked"
contains "the link to the article moved names where it goes" "$TMP/hook" "wiki link [[keeping-evidence]] matches no article (by file name or title): did you mean [[evidence]]? (git shows the article was moved there)"
contains "the link to the article deleted says so" "$TMP/hook" "link target 'old.md' does not exist: the article is deleted in the working tree (not yet committed); remove the link, or point it at the guidance that replaces it"
