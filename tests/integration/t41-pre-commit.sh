#!/bin/sh
# t41: the shipped git pre-commit hook blocks a commit whose staged files
# have errors, and lets a clean one through.
. "$(dirname "$0")/lib.sh"
site g
git -C "$S" init -q -b main
git -C "$S" config user.name Editor; git -C "$S" config user.email e@example.org
page "$S" a.md "A" "fine"
mkdir -p "$S/scripts"; cp "$REPO/scripts/pre-commit" "$S/scripts/pre-commit"
ln -s ../../scripts/pre-commit "$S/.git/hooks/pre-commit"
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
QUIRE=$QUIRE git -C "$S" commit -qm "still broken" >/dev/null 2>&1; rc=$?
[ "$rc" -ne 0 ] && ok "an unstaged fix does not let the broken staged file through" || not_ok "an unstaged fix does not let the broken staged file through"
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
