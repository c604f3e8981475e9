#!/bin/sh
# t61: faults during a build — OUT is always wholly old or wholly new.
. "$(dirname "$0")/lib.sh"

# interrupt_ends DESCRIPTION PID: sends PID a SIGINT and checks it ends
# within 3 s (else kills it)
interrupt_ends() {
	kill -INT "$2"
	i=0; while [ $i -lt 30 ] && kill -0 "$2" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
	if kill -0 "$2" 2>/dev/null; then
		not_ok "$1" "still running 3 s later"
		kill -9 "$2"
	else
		ok "$1"
	fi
}

site f
for i in $(seq 1 60); do page "$S" "s$((i % 5))/p$i.md" "Page $i" "$(printf 'Para %s.\\n\\n' $(seq 1 40))"; done
run "$S" build
status_is "the fixture builds" "$RC" 0
cp -r "$S/public" "$TMP/good"

# A disk that fills up: writes fail part-way.  Every page is edited first:
# unchanged pages would be linked from the previous build, not written.
cp -r "$S/content" "$TMP/content-saved"
for f in "$S"/content/*/*.md; do printf '\nEdited.\n' >>"$f"; done
(trap '' XFSZ; ulimit -f 8; "$QUIRE" build -s "$S" -o "$S/public" >/dev/null 2>"$TMP/err"); rc=$?
rm -rf "$S/content"
cp -r "$TMP/content-saved" "$S/content"
# (ulimit -f gives EFBIG where a full disk gives ENOSPC: both are
# the environment's, and every other file would meet them too.)
status_is "a full disk fails the build as an environment fault (exit 2)" "$rc" 2
contains "one message names OUT and the reason" "$TMP/err" "error: cannot write the site into '$(cd "$S" && pwd -P)/public' (stopped at '"
n=$(grep -c 'error:' "$TMP/err")
[ "$n" = 1 ] && ok "and it is the only one (not a line per page)" || not_ok "and it is the only one (not a line per page)" "$n errors: $(head -5 "$TMP/err")"
check "after a full disk OUT is unchanged" diff -r "$TMP/good" "$S/public"
check "the staging folder is cleaned up" sh -c "! ls -a '$S' | grep -q staging"

# kill -9 mid-build, then a new build.
"$QUIRE" build -s "$S" -j 1 >/dev/null 2>&1 &
pid=$!
sleep 0.05; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
check "after kill -9 OUT is whole (old or new)" diff -r "$TMP/good" "$S/public"
run "$S" build
status_is "the next build succeeds after a kill -9" "$RC" 0
check "it removed the dead build's staging folder" sh -c "! ls -a '$S' | grep -q staging"

# SIGTERM mid-build.
"$QUIRE" build -s "$S" -j 1 >/dev/null 2>"$TMP/term" &
pid=$!
sleep 0.2; kill -TERM $pid 2>/dev/null; wait $pid; rc=$?
[ "$rc" = 2 ] || [ "$rc" = 0 ] && ok "SIGTERM ends the build with status 2 (or it had finished: $rc)" || not_ok "SIGTERM status" "got $rc"
check "after SIGTERM OUT is whole" diff -r "$TMP/good" "$S/public"
check "after SIGTERM no staging folder remains" sh -c "! ls -a '$S' | grep -q staging"

# A build waiting for another's lock says so, and Ctrl-C ends the wait
# (it blocked in flock, which a signal only restarted).
run "$S" build
cp -r "$S/public" "$TMP/good-lock"
(exec 9>>"$S/.public.lock"; flock 9 && exec sleep 30) & holder=$!
i=0; while [ $i -lt 50 ] && flock -n "$S/.public.lock" true; do sleep 0.1; i=$((i + 1)); done
"$QUIRE" build -s "$S" >/dev/null 2>"$TMP/wait" & pid=$!
i=0; while [ $i -lt 100 ] && ! grep -q "waiting for" "$TMP/wait"; do sleep 0.1; i=$((i + 1)); done
contains "a build that must wait for the lock says so" "$TMP/wait" \
	"waiting for another quire build of $S/public to finish (lock $(cd "$S" && pwd -P)/.public.lock)"
interrupt_ends "Ctrl-C ends a build waiting for the lock" $pid
wait $pid; rc=$?
kill $holder; wait $holder 2>/dev/null
status_is "with status 2, as any interrupted build" "$rc" 2
contains "saying it was interrupted" "$TMP/wait" "error: build interrupted"
[ "$(grep -c 'waiting for' "$TMP/wait")" = 1 ] && ok "the wait is told once" || not_ok "the wait is told once"
check "OUT is as it was" diff -r "$TMP/good-lock" "$S/public"
check "and no staging folder is left" sh -c "! ls -a '$S' | grep -q staging"

# A build stuck inside a library call never looks at the stop flag (here
# libgit2 opening a FIFO planted as .git/config; a truncated object once
# made it spin): a second Ctrl-C ends it at once, and the next build
# removes the staging folder it left.
site fq
page "$S" a.md "A"
git -C "$S" init -q && git -C "$S" add -A && git -C "$S" -c user.name=A -c user.email=a@x commit -qm init
run "$S" build
cp -r "$S/public" "$TMP/good-fq"
mv "$S/.git/config" "$TMP/fq-config"
mkfifo "$S/.git/config"
"$QUIRE" build -s "$S" >/dev/null 2>"$TMP/fq.err" & pid=$!
sleep 1
kill -INT $pid
sleep 0.5
if kill -0 $pid 2>/dev/null; then
	ok "a build stuck in a library call outlives the first Ctrl-C (the fixture holds)"
else
	not_ok "a build stuck in a library call outlives the first Ctrl-C (the fixture holds)" \
		"it ended: libgit2 no longer blocks on a FIFO as .git/config; find another stall"
fi
contains "the first Ctrl-C says a second quits at once" "$TMP/fq.err" "quire: stopping (press Ctrl-C again to quit at once)"
interrupt_ends "a second Ctrl-C ends it at once" $pid
wait $pid; rc=$?
status_is "with status 130 (128 + SIGINT)" "$rc" 130
contains "saying so" "$TMP/fq.err" "quire: quit at once; the next build removes what this one left"
rm "$S/.git/config"
mv "$TMP/fq-config" "$S/.git/config"
check "OUT is as it was" diff -r "$TMP/good-fq" "$S/public"
run "$S" build
status_is "the next build succeeds" "$RC" 0
check "and removes what the quit build left" sh -c "! ls -a '$S' | grep -q staging"
S=$TMP/f

# Two builds into one OUT at once take turns.
"$QUIRE" build -s "$S" >/dev/null 2>&1 & a=$!
"$QUIRE" build -s "$S" >/dev/null 2>&1 & b=$!
wait $a; ra=$?; wait $b; rb=$?
[ "$ra" = 0 ] && [ "$rb" = 0 ] && ok "two simultaneous builds both succeed" || not_ok "two simultaneous builds both succeed" "$ra $rb"
check "after two simultaneous builds OUT is whole" diff -r "$TMP/good" "$S/public"

# An article quire may not read is a fault of the system, not of the site:
# exit status 2, with every other error still reported.  (root reads any
# file: run as nobody where possible.)
site r
page "$S" a.md "A" "[[missing]]"
page "$S" b.md "B"
chmod 000 "$S/content/b.md"
as=
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && chmod 755 "$TMP" &&
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$QUIRE" --version >/dev/null 2>&1; then
	chown -R nobody "$S"
	as="setpriv --reuid=nobody --regid=nogroup --clear-groups"
fi
if [ "$(id -u)" != 0 ] || [ -n "$as" ]; then
	for cmd in build check; do
		$as "$QUIRE" $cmd -s "$S" >/dev/null 2>"$TMP/err"; rc=$?
		status_is "quire $cmd with an unreadable article exits 2 (an environment fault)" "$rc" 2
		contains "quire $cmd names the file" "$TMP/err" "content/b.md: error: cannot read the file: Permission denied"
		contains "quire $cmd still reports the site's own errors" "$TMP/err" "content/a.md:4:1: error: wiki link [[missing]]"
	done
	chmod 644 "$S/content/b.md"
	page "$S" a.md "A"
	mkdir -p "$S/scripts"
	printf 'x = 1\n' > "$S/scripts/hook.lua"
	chmod 000 "$S/scripts/hook.lua" "$S/themes/default/templates/tag.mustache"
	[ -n "$as" ] && chown -R nobody "$S"
	$as "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/err"; rc=$?
	status_is "an unreadable hook script or template exits 2 too" "$rc" 2
	contains "the script is named" "$TMP/err" "scripts/hook.lua: error: cannot read: Permission denied"
	contains "the template is named" "$TMP/err" "themes/default/templates/tag.mustache: error: cannot read template: Permission denied"
	chmod 644 "$S/scripts/hook.lua" "$S/themes/default/templates/tag.mustache"
	rm -rf "$S/scripts"
	printf 'PDF' > "$S/content/form.pdf"
	chmod 000 "$S/content/form.pdf" "$S/themes/default/assets/style.css"
	[ -n "$as" ] && chown -R nobody "$S"
	for cmd in build check; do
		$as "$QUIRE" $cmd -s "$S" >/dev/null 2>"$TMP/err"; rc=$?
		status_is "quire $cmd with an unreadable attachment and theme asset exits 2" "$rc" 2
		contains "quire $cmd names the attachment by its path in the site" "$TMP/err" "content/form.pdf: error:"
		contains "quire $cmd names the theme asset by its path in the site" "$TMP/err" "themes/default/assets/style.css: error:"
	done
fi
chmod -R u+rw "$S"

# A .git file naming a git folder that is gone (a pruned worktree) is a
# repository git cannot read, not a site without history: building on
# would publish no history at all.
site gone
page "$S" a.md "A"
printf 'gitdir: %s/no-such-worktree\n' "$TMP" > "$S/.git"
run "$S" build -o "$TMP/gone-out"
status_is "a .git file naming a missing folder exits 2 (an environment fault)" "$RC" 2
contains "it is named, with a remedy" "$ERR" "$S/.git names a git folder that is not there"
printf 'title: T\nhistory: false\n' > "$S/site.yml"
run "$S" build -o "$TMP/gone-out"
status_is "with history: false the site builds" "$RC" 0

# A damaged loose object: libgit2 1.5 loops for ever inflating one cut
# short, and overruns its buffer on one whose header claims fewer bytes
# than it holds.  Each loose object is checked (once) before it is read.
site damaged
page "$S" a.md "A" "First."
git -C "$S" init -q && git -C "$S" add -A && git -C "$S" -c user.name=A -c user.email=a@x commit -qm one
printf 'Second.\n' >> "$S/content/a.md"
git -C "$S" add -A && git -C "$S" -c user.name=A -c user.email=a@x commit -qm two
timeout -k 5 60 "$QUIRE" build -s "$S" -o "$TMP/damaged-out" >/dev/null 2>&1
obj=$(git -C "$S" rev-parse HEAD~1)
f="$S/.git/objects/$(echo "$obj" | cut -c1-2)/$(echo "$obj" | cut -c3-)"
chmod u+w "$f" && truncate -s 5 "$f"
# (every cache but the list of objects found whole goes: the walk reads
# them all again, as a fresh clone's first build would)
find "$S/.git/quire" -mindepth 1 -maxdepth 1 ! -name 'loose-checked*' -exec rm -rf {} +
timeout -k 5 60 "$QUIRE" build -s "$S" -o "$TMP/damaged-out" >/dev/null 2>"$TMP/err"; rc=$?
status_is "a commit object cut short (after a build checked it whole) fails the build with 2, not a hang" "$rc" 2
contains "naming the object and git fsck" "$TMP/err" "objects/$(echo "$obj" | cut -c1-2)/$(echo "$obj" | cut -c3-) is damaged (cut short or altered)"
git -C "$S" cat-file -p "HEAD:content/a.md" >/dev/null
blob=$(git -C "$S" rev-parse HEAD:content/a.md)
f="$S/.git/objects/$(echo "$blob" | cut -c1-2)/$(echo "$blob" | cut -c3-)"
chmod u+w "$f"
python3 -c "import sys, zlib; open(sys.argv[1], 'wb').write(zlib.compress(b'blob 12\0' + b'---\ntitle: x\n---\n' + b'A' * 200))" "$f"
rm -rf "$S/.git/quire"
timeout -k 5 60 "$QUIRE" build -s "$S" -o "$TMP/damaged-out" >/dev/null 2>"$TMP/err"; rc=$?
status_is "a blob whose header lies about its size fails the build with 2, no crash" "$rc" 2
contains "it is named" "$TMP/err" "is damaged (cut short or altered)"

# A repository git will not read (owned by another user, as in many CI
# containers) is an environment fault too: exit 2, with git's remedy.
if [ "$(id -u)" = 0 ] && getent passwd nobody >/dev/null 2>&1; then
	site own
	page "$S" a.md "A"
	git -C "$S" init -q && git -C "$S" add -A && git -C "$S" -c user.name=A -c user.email=a@x commit -qm init
	chown -R nobody "$S"
	HOME=$TMP "$QUIRE" build -s "$S" -o "$TMP/own-out" >/dev/null 2>"$TMP/err"; rc=$?
	status_is "a repository owned by another user exits 2 (an environment fault)" "$rc" 2
	contains "and says how to trust it" "$TMP/err" "safe.directory"
	chown -R root "$S"
fi

# Too few file descriptors.  A soft limit below the hard one is raised: the
# build goes through.  A hard limit too low fails with exit 2, naming the
# cause (not "the file changed", nor link errors for the pages it could not
# read), and leaves OUT alone.  (Where it fails depends on the descriptors
# the process starts with; reading sources says it once, not per file.)
if command -v prlimit >/dev/null 2>&1; then
	site fds
	for i in $(seq 1 60); do page "$S" "a/p$i.md" "Page $i" "See [[Page 1]]."; done
	prlimit --nofile=6:4096 "$QUIRE" build -s "$S" -j 8 >/dev/null 2>"$TMP/err" </dev/null; rc=$?
	status_is "a low soft limit on open files is raised: the build succeeds" "$rc" 0
	cp -r "$S/public" "$TMP/fds-good"
	for f in "$S"/content/a/*.md; do printf '\nEdited.\n' >>"$f"; done
	prlimit --nofile=6 "$QUIRE" build -s "$S" -j 8 >/dev/null 2>"$TMP/err" </dev/null; rc=$?
	status_is "too low a hard limit is an environment fault (exit 2)" "$rc" 2
	contains "the message says why" "$TMP/err" "Too many open files"
	lacks "no page is blamed for a link to a page that could not be read" "$TMP/err" "link"
	lacks "nothing is said to have changed while building" "$TMP/err" "changed while"
	check "OUT is unchanged" diff -r "$TMP/fds-good" "$S/public"
fi

# A file system that cannot exchange two folders at once (NFS, SMB, many
# FUSE ones): every build after the first failed with "Invalid argument".
# OUT is now replaced in steps, and the previous site kept as ever.
cc -shared -fPIC -o "$TMP/fs_shim.so" "$REPO/tests/tools/fs_shim.c" -ldl
shimmed() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" LD_PRELOAD="$TMP/fs_shim.so" "$@"; }
site nfs
printf 'title: Test site\nhistory: false\n' > "$S/site.yml"
page "$S" a.md "A" "First text."
shimmed "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/stderr"; RC=$?
status_is "without the exchange, a first build succeeds" "$RC" 0
page "$S" a.md "A" "Second text."
shimmed "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/stderr"; RC=$?
status_is "and so does the next, replacing OUT" "$RC" 0
contains "which has the new text" "$S/public/a.html" "Second text."
contains "the previous site is kept as .public.back, as ever" "$S/.public.back/a.html" "First text."
check "and no folder is left beside OUT" sh -c "! ls -a '$S' | grep -q staging"
page "$S" a.md "A" "Third text."
shimmed "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/stderr"; RC=$?
contains "a third build, from the recycled folder, too" "$S/public/a.html" "Third text."
# A folder beside OUT this user may not write (/var/www root's, OUT the
# deploy user's): the message says why quire writes there.
SHIM_DENY=.public.lock shimmed "$QUIRE" build -s "$S" >/dev/null 2>"$TMP/stderr"; RC=$?
status_is "a lock that cannot be made fails the build" "$RC" 2
contains "saying where quire writes beside OUT and what to do" "$TMP/stderr" "Permission denied: quire keeps its lock, its staging folder and '.public.back' beside OUT, in '$S', which this user must be able to write; or build into a folder of its own and copy that (rsync -a --delete)"
contains "and OUT is as it was" "$S/public/a.html" "Third text."
# A build killed between those steps leaves no OUT, the previous site
# under a staging name: the next build puts it back first, so that one
# failing too still leaves the previous site in place.
mv "$S/public" "$S/.public.staging-99999-old"
page "$S" a.md "A" "[broken](nowhere.md)"
"$QUIRE" build -s "$S" >/dev/null 2>"$TMP/stderr"; RC=$?
status_is "(a broken site fails)" "$RC" 1
contains "the previous site is back in place as OUT" "$S/public/a.html" "Third text."
check "and the folder it was left under is gone" test ! -e "$S/.public.staging-99999-old"
