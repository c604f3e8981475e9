#!/bin/sh
# t12: the output folder is replaced atomically and never somewhere unsafe.
. "$(dirname "$0")/lib.sh"

site s
page "$S" a.md "A" "first"
run "$S" build
status_is "first build succeeds" "$RC" 0
cp -r "$S/public" "$TMP/before"
page "$S" a.md "A" "[broken](nowhere.md)"
run "$S" build
status_is "a failing build exits 1" "$RC" 1
check "after a failing build OUT is byte-identical to before" diff -r "$TMP/before" "$S/public"
check "no staging folder is left behind" sh -c "! ls -a '$S' | grep -q staging"
page "$S" a.md "A" "second"
run "$S" build
contains "a good build replaces OUT" "$S/public/a.html" "second"

run "$S" build -o "$S"
status_is "OUT equal to SITE is refused" "$RC" 2
run "$S" build -o "$S/content/out"
status_is "OUT inside content/ is refused" "$RC" 2
run "$S" build -o "$TMP"
status_is "OUT containing SITE is refused" "$RC" 2
mkdir -p "$TMP/precious"; echo keep > "$TMP/precious/file.txt"
run "$S" build -o "$TMP/precious"
status_is "a non-empty folder quire did not make is refused" "$RC" 2
contains "the refusal says how to override" "$ERR" "--force"
check "the refused folder is untouched" test -f "$TMP/precious/file.txt"
run "$S" build -o "$TMP/precious" --force
status_is "--force replaces it" "$RC" 0
check "after --force it holds the site" test -f "$TMP/precious/a.html"
# OUT is prepared while the sources load, but what it has to say waits
# until the content is known to be right: a content error decides.
site e
page "$S" a.md "A" "[broken](nowhere.md)"
mkdir -p "$TMP/precious2"; echo keep > "$TMP/precious2/file.txt"
run "$S" build -o "$TMP/precious2"
status_is "a content error and a refused OUT: the content's error decides the status" "$RC" 1
lacks "and OUT's refusal is not reported with it" "$ERR" "--force"
check "the refused folder is untouched" test -f "$TMP/precious2/file.txt"

# --bundle writes the whole site as one zip for offline distribution.
site b
page "$S" a.md "A" "zip me"
run "$S" build --bundle "$TMP/site.zip"
status_is "build --bundle succeeds" "$RC" 0
check "the zip is valid" unzip -tq "$TMP/site.zip"
unzip -l "$TMP/site.zip" > "$TMP/zl" 2>&1
contains "the zip holds the pages" "$TMP/zl" "a.html"
contains "the zip holds the theme assets" "$TMP/zl" "assets/style.css"
run "$S" build --bundle "$TMP/site2.zip"
check "two bundles of one site are byte-identical" cmp "$TMP/site.zip" "$TMP/site2.zip"
# A build killed while writing its zip leaves its temporary file; the next
# bundling build removes it, if its process is gone and it is old (a live
# process, or a process in another PID namespace, may still be writing).
sh -c 'exit 0' & dead=$!; wait $dead
printf x > "$TMP/.site2.zip.tmp-$dead-0"; touch -d '2 hours ago' "$TMP/.site2.zip.tmp-$dead-0"
printf x > "$TMP/.site2.zip.tmp-$dead-1"
printf x > "$TMP/.site2.zip.tmp-$$-0"; touch -d '2 hours ago' "$TMP/.site2.zip.tmp-$$-0"
printf x > "$TMP/.other.zip.tmp-$dead-0"; touch -d '2 hours ago' "$TMP/.other.zip.tmp-$dead-0"
run "$S" build --bundle "$TMP/site2.zip"
check "a killed build's old temporary zip is removed" test ! -e "$TMP/.site2.zip.tmp-$dead-0"
check "a recent one is kept" test -e "$TMP/.site2.zip.tmp-$dead-1"
check "so is a live process's" test -e "$TMP/.site2.zip.tmp-$$-0"
check "and another zip's" test -e "$TMP/.other.zip.tmp-$dead-0"
rm -f "$TMP"/.*.zip.tmp-*
page "$S" a.md "A" "[broken](no.md)"
run "$S" build --bundle "$TMP/site3.zip"
check "a failing build writes no zip" test ! -e "$TMP/site3.zip"
page "$S" a.md "A" "zip me"
run "$S" build --bundle "$S/content/site.zip"
status_is "a zip inside content/ is refused before building (it would become content)" "$RC" 2
contains "saying why" "$ERR" "is inside the site's sources"
check "and is not written" test ! -e "$S/content/site.zip"
run "$S" build --bundle "$S/public/site.zip"
status_is "a zip inside the output folder is refused (the next build deletes it)" "$RC" 2
run "$S" build --bundle "$TMP/no/such/folder/site.zip"
status_is "a zip in a folder that does not exist is refused" "$RC" 2
check "and no folder is made for it" test ! -e "$TMP/no"
mkdir -p "$TMP/dist"
run "$S" build --bundle "$TMP/dist"
status_is "a folder given as the zip is refused before building" "$RC" 2
contains "saying to name the file" "$ERR" "--bundle: '$TMP/dist' is a folder: name the zip file to write, e.g. '$TMP/dist/guidance.zip'"
check "and the folder is left as it was" test -d "$TMP/dist"
run "$S" build --bundle "$S/.public.back/site.zip"
status_is "a zip in .public.back (the next build's staging folder) is refused" "$RC" 2
contains "saying why" "$ERR" "is one of the names quire keeps beside the output folder"
check "and is not written" test ! -e "$S/.public.back/site.zip"
ino=$(stat -c %i "$S/.public.lock")
run "$S" build --bundle "$S/.public.lock"
status_is "nor is the lock file named as the zip (a build holding it would lose it)" "$RC" 2
check "(the lock is the same file)" [ "$(stat -c %i "$S/.public.lock")" = "$ino" ]

# Two builds with --bundle into one OUT take turns for the zip too: each
# makes it of its own new site, under OUT's lock, in a file of its own
# renamed into place (both wrote ZIP.tmp, after the lock was released).
# A big file that does not compress makes each zip slow to write.
site bz
page "$S" a.md "A" "zip me"
head -c 6000000 /dev/urandom > "$S/content/big.bin"
run "$S" build --bundle "$TMP/bz.zip"
status_is "a bundle of a site with a big file builds" "$RC" 0
for i in 1 2 3; do
	"$QUIRE" build -s "$S" --bundle "$TMP/bz.zip" >/dev/null 2>"$TMP/bz1" & a=$!
	"$QUIRE" build -s "$S" --bundle "$TMP/bz.zip" >/dev/null 2>"$TMP/bz2" & b=$!
	wait $a; ra=$?; wait $b; rb=$?
	[ "$ra" = 0 ] && [ "$rb" = 0 ] && ok "two builds --bundle into one OUT at once both succeed ($i)" ||
		not_ok "two builds --bundle into one OUT at once both succeed ($i)" "status $ra and $rb: $(cat "$TMP/bz1" "$TMP/bz2")"
	check "and the zip they leave is whole ($i)" unzip -tq "$TMP/bz.zip"
done
check "no temporary zip is left beside it" sh -c "! ls -a '$TMP' | grep -q 'bz[.]zip[.]'"
rm -f "$TMP/bz.zip"
rm -rf "$S"

# An empty -o named the working folder ("CWD/"): the build rendered
# everything, then failed, leaving a file "..lock" where it was run.
site eo
page "$S" a.md "A"
(cd "$S" && "$QUIRE" build -o "" >/dev/null 2>"$TMP/err"); rc=$?
status_is "an empty -o is a usage error (exit 2)" "$rc" 2
contains "saying so" "$TMP/err" "-o needs an output folder, not an empty name"
check "and nothing is made in the working folder" sh -c "! ls -a '$S' | grep -q lock"
mkdir -p "$TMP/eo-cwd"
(cd "$TMP/eo-cwd" && "$QUIRE" build -s "$S" -o "" --force >/dev/null 2>&1)
check "nor in another working folder, with --force" sh -c "[ -z \"\$(ls -A '$TMP/eo-cwd')\" ]"
run "$S" build --bundle ""
status_is "an empty --bundle is a usage error too" "$RC" 2
(cd "$TMP/eo-cwd" && "$QUIRE" build -s "$S" -o "out//" >/dev/null 2>&1); rc=$?
status_is "-o with trailing slashes builds" "$rc" 0
check "into the folder named, its lock beside it" test -f "$TMP/eo-cwd/out/a.html" -a -f "$TMP/eo-cwd/.out.lock"

# A repository may commit "public" as a symbolic link to a folder outside
# the site (another site's output there): a plain build must not replace
# that folder.  Named with -o, a link is the user's choice.
site other
page "$S" b.md "B" "the other site"
mkdir -p "$TMP/www"
run "$S" build -o "$TMP/www/other"
cp -r "$TMP/www/other" "$TMP/other-before"
site sl
page "$S" a.md "A" "this site"
ln -s ../www/other "$S/public"
run "$S" build
status_is "a default OUT that is a symbolic link is refused (exit 2)" "$RC" 2
contains "saying to name it with -o to build there" "$ERR" "it is a symbolic link (to '$(cd "$TMP/www/other" && pwd -P)') and a build would replace the folder it leads to; to build there, name it with -o"
check "the folder it leads to is untouched" diff -r "$TMP/other-before" "$TMP/www/other"
check "and nothing is made beside it" test ! -e "$TMP/www/.other.back" -a ! -e "$TMP/.public.lock"
run "$S" build -o "$S/public"
status_is "named with -o, a link to a folder quire made is built into" "$RC" 0
contains "the folder it leads to has the site" "$TMP/www/other/a.html" "this site"
check "and the link stays a link" test -L "$S/public"
ln -s "$TMP/www/nowhere" "$S/dangling"
run "$S" build -o "$S/dangling"
status_is "a link to no folder is refused" "$RC" 2
contains "saying so" "$ERR" "output '$S/dangling' is a symbolic link that leads to no folder"
check "and nothing is made where it points" test ! -e "$TMP/www/nowhere"

# OUT and .OUT.back swap places on every build: a publisher's
# `chgrp www-data public; chmod 2750 public` held every other build.
site md
page "$S" a.md "A" "one"
run "$S" build
chmod 2750 "$S/public"
[ "$(id -u)" = 0 ] && chown 4242:4243 "$S/public"
want=$(stat -c '%a %u %g' "$S/public")
for i in 1 2 3; do
	page "$S" a.md "A" "edit $i"
	run "$S" build
	got=$(stat -c '%a %u %g' "$S/public")
	[ "$RC" = 0 ] && [ "$got" = "$want" ] && ok "OUT keeps its mode, owner and group over build $i ($want)" ||
		not_ok "OUT keeps its mode, owner and group over build $i" "expected $want, got $got (status $RC)"
done
[ "$(stat -c %g "$S/public/a.html")" = "$(stat -c %g "$S/public")" ] &&
	ok "a page written anew takes a setgid OUT's group" || not_ok "a page written anew takes a setgid OUT's group"

# OUT cannot be a mount point (a Docker volume): the swap with a folder
# beside it fails (EBUSY).  It is refused before anything is rendered.
# (An existing mount point; without --force, an older quire refused it
# only as a folder it did not make.)
mp=
for m in /proc /sys /dev/shm /dev /run; do
	[ -d "$m" ] && [ "$(stat -c %d "$m")" != "$(stat -c %d "$m/..")" ] && { mp=$m; break; }
done
if [ -z "$mp" ]; then
	not_ok "a mount point to build into is found" "none of /proc /sys /dev/shm /dev /run is one here"
else
	site mp
	page "$S" a.md "A"
	run "$S" build -o "$mp"
	status_is "a mount point as OUT is refused (exit 2; $mp)" "$RC" 2
	contains "saying why" "$ERR" "it is a mount point, and quire replaces OUT by swapping it with a folder beside it"
	contains "and what to do instead" "$ERR" "mount the folder above it instead"
	check "no lock file is made beside it" test ! -e "$(dirname "$mp")/.$(basename "$mp").lock"
fi

# A rebuild hard-links unchanged files from the previous OUT instead of
# writing them again; what changed is a new file, and no write ever goes
# through a link into the previous build's files.
site h
page "$S" a.md "A" "alpha"
page "$S" b.md "B" "beta"
run "$S" build
status_is "the first build of the link fixture succeeds" "$RC" 0
ino_b=$(stat -c %i "$S/public/b.html")
run "$S" build
[ "$(stat -c %i "$S/public/b.html")" = "$ino_b" ] && ok "a rebuild changing nothing reuses the previous files (same inode)" ||
	not_ok "a rebuild changing nothing reuses the previous files (same inode)"
run "$S" build
ino_a=$(stat -c %i "$S/public/a.html")
ino_b=$(stat -c %i "$S/public/b.html")
ino_css=$(stat -c %i "$S/public/assets/style.css")
cp -r "$S/public" "$TMP/h-before"
cp -al "$S/public" "$TMP/h-snapshot"
page "$S" a.md "A" "alpha, revised"
run "$S" build
status_is "the rebuild with one changed article succeeds" "$RC" 0
[ "$(stat -c %i "$S/public/b.html")" = "$ino_b" ] && ok "an unchanged page is the previous build's file (same inode)" ||
	not_ok "an unchanged page is the previous build's file (same inode)" "inode $ino_b became $(stat -c %i "$S/public/b.html")"
[ "$(stat -c %i "$S/public/assets/style.css")" = "$ino_css" ] && ok "an unchanged asset copy is the previous build's file" ||
	not_ok "an unchanged asset copy is the previous build's file"
[ "$(stat -c %i "$S/public/a.html")" != "$ino_a" ] && ok "the changed page is a new file" || not_ok "the changed page is a new file"
contains "the changed page has the new text" "$S/public/a.html" "alpha, revised"
check "the previous build's files were not written through the links" diff -r "$TMP/h-before" "$TMP/h-snapshot"
check "no staging folder is left after a linking rebuild" sh -c "! ls -a '$S' | grep -q staging"
run "$S" build
status_is "a rebuild changing nothing succeeds" "$RC" 0
run "$S" build -o "$TMP/h-clean"
check "a rebuild is byte-identical to a clean build into a new folder" diff -r "$TMP/h-clean" "$S/public"
# An asset whose source changes gets new content, not the old link.
printf 'body { color: red }\n' > "$S/themes/default/assets/style.css"
run "$S" build
contains "a changed asset is copied anew" "$S/public/assets/style.css" "color: red"
check "the snapshot still holds the old asset" sh -c "! grep -q 'color: red' '$TMP/h-snapshot/assets/style.css'"

# The folder a build swaps out is kept as .OUT.back and is the next
# build's staging folder: files both builds left alone are already there,
# its own files are rewritten in place, what the build does not make is
# pruned.  Whatever it held, the result is the clean build's.
site r
page "$S" a.md "A" "one"
page "$S" b.md "B" "two"
page "$S" gone/c.md "C" "three"
page "$S" kept/k1.md "K1" "four"
printf 'an asset file\n' > "$S/content/notes"
mkdir -p "$S/content/sub"; printf 'x\n' > "$S/content/sub/data.txt"
run "$S" build
check "a first build leaves no .public.back (nothing was swapped out)" test ! -e "$S/.public.back"
page "$S" a.md "A" "one, edited"
run "$S" build
check "the second build keeps the swapped-out site as .public.back" test -f "$S/.public.back/b.html"
cp -al "$S/public" "$TMP/r-live"
cp -r "$S/public" "$TMP/r-bytes"
ino_b=$(stat -c %i "$S/public/b.html")
page "$S" a.md "A" "one, edited again"
run "$S" build
status_is "a build into the recycled folder succeeds" "$RC" 0
check "the previous site's files were not written through (live links unchanged)" diff -r "$TMP/r-bytes" "$TMP/r-live"
[ "$(stat -c %i "$S/public/b.html")" = "$ino_b" ] && ok "a page both builds left alone is the same file" ||
	not_ok "a page both builds left alone is the same file"
contains "the edited page has its new text" "$S/public/a.html" "one, edited again"
rm -r "$S/content/gone" "$S/content/notes" "$S/content/sub" "$S/content/kept/k1.md"
page "$S" kept/k2.md "K2" "five"
printf 'stray\n' > "$S/.public.back/stray.html"
mkdir -p "$S/.public.back/old/deep"; printf 'stray\n' > "$S/.public.back/old/deep/x.html"
page "$S" notes/n.md "Notes" "a folder where a file was"
printf 'now a file\n' > "$S/content/sub"
page "$S" links/l.md "L" "a new section"
mkdir -p "$TMP/outside"
ln -s "$TMP/outside" "$S/.public.back/links"
run "$S" build
status_is "a build changing the site's shape into the recycled folder succeeds" "$RC" 0
check "a deleted article's page is pruned" test ! -e "$S/public/gone/c.html"
check "a deleted section's folder is pruned" test ! -e "$S/public/gone"
check "a folder whose old pages all went but which has a new one stays" \
	sh -c "test ! -e '$S/public/kept/k1.html' && test -f '$S/public/kept/k2.html'"
check "files put in .public.back by hand are pruned, folders and all" \
	sh -c "test ! -e '$S/public/stray.html' && test ! -e '$S/public/old'"
check "a folder replaces a file of the same name" test -f "$S/public/notes/n.html"
check "a file replaces a folder of the same name" test -f "$S/public/sub"
check "a symlink planted in .public.back is not followed" sh -c "[ -z \"\$(ls -A '$TMP/outside')\" ]"
check "the planted symlink's folder is written as a real folder" test -f "$S/public/links/l.html" -a ! -L "$S/public/links"
# The folders of .public.back are swept on every core: a symlink planted
# inside one (where the build writes a folder) is removed as well.
page "$S" links/deeper/d.md "D" "deeper"
run "$S" build
mkdir -p "$TMP/outside2"
rm -rf "$S/.public.back/links/deeper"
mkdir -p "$S/.public.back/links"
ln -s "$TMP/outside2" "$S/.public.back/links/deeper"
page "$S" links/deeper/d.md "D" "deeper, edited"
run "$S" build
status_is "a build over a symlink planted in a folder of .public.back succeeds" "$RC" 0
check "that symlink is not followed" sh -c "[ -z \"\$(ls -A '$TMP/outside2')\" ]"
check "and its folder is written as a real folder" test -f "$S/public/links/deeper/d.html" -a ! -L "$S/public/links/deeper"
run "$S" build -o "$TMP/r-clean"
check "a build into the recycled folder is byte-identical to a clean build" diff -r "$TMP/r-clean" "$S/public"

# The lock file beside OUT is never opened through a symlink a repository
# may commit there (it created a file wherever the link pointed).
rm -f "$S/.public.lock"
ln -s "$TMP/lock-target" "$S/.public.lock"
run "$S" build
status_is "a symlink where the lock file goes stops the build (exit 2)" "$RC" 2
contains "saying what it is" "$ERR" ".public.lock' is a symbolic link, not quire's lock file: remove it"
check "nothing is created where it points" test ! -e "$TMP/lock-target"
rm -f "$S/.public.lock"
page "$S" b.md "B" "[broken](nowhere.md)"
cp -r "$S/public" "$TMP/r-before"
run "$S" build
status_is "a failing build into the recycled folder exits 1" "$RC" 1
check "after it OUT is byte-identical to before" diff -r "$TMP/r-before" "$S/public"
check "no staging folder is left after it" sh -c "! ls -a '$S' | grep -q staging"
page "$S" b.md "B" "two, fixed"
run "$S" build
rm -rf "$TMP/r-clean"
run "$S" build -o "$TMP/r-clean"
check "the next good build is byte-identical to a clean build" diff -r "$TMP/r-clean" "$S/public"
run "$S" build
rm -rf "$S/public"
run "$S" build
check "with OUT deleted, the kept folder is reused and gives the clean build" diff -r "$TMP/r-clean" "$S/public"
rm -rf "$S/.public.back"; mkdir "$S/.public.back"; printf 'mine\n' > "$S/.public.back/mine.txt"
run "$S" build
check "a .public.back without quire's marker is left alone" test -f "$S/.public.back/mine.txt"

# An attachment only drafts link to is as unpublished as their text; one a
# published page links to, or that no page links to, is published.
site att
page "$S" a.md "A" "See [the form](forms/public.pdf)."
printf -- '---\ntitle: Secret\ndraft: true\n---\n[letter](forms/settlement-letter.pdf) and [form](forms/public.pdf)\n' > "$S/content/secret.md"
mkdir -p "$S/content/forms"
for f in settlement-letter public loose; do printf '%s\n' "$f" > "$S/content/forms/$f.pdf"; done
run "$S" build
status_is "a site whose draft has attachments builds" "$RC" 0
check "an attachment only a draft links to is not published" test ! -e "$S/public/forms/settlement-letter.pdf"
check "one a published page links to is" test -f "$S/public/forms/public.pdf"
check "one no page links to is" test -f "$S/public/forms/loose.pdf"
run "$S" build --drafts -o "$TMP/att-preview"
check "a preview with drafts has the draft's attachment" test -f "$TMP/att-preview/forms/settlement-letter.pdf"

# A preview with drafts is not kept as .OUT.back beside a site built
# without them: that folder often sits where a web server can serve it.
site pv
page "$S" a.md "A" "one"
printf -- '---\ntitle: Secret\ndraft: true\n---\nDRAFTWORDS\n' > "$S/content/secret.md"
run "$S" build --drafts
run "$S" build --drafts
check "a preview keeps the preview before it, as any build does" test -f "$S/.public.back/secret.html"
run "$S" build
status_is "a build without drafts after a preview succeeds" "$RC" 0
check "it does not keep the preview beside OUT" sh -c "! grep -rl DRAFTWORDS '$S/.public.back' '$S/public'"
run "$S" build
check "the next build keeps the site it replaces again" test -f "$S/.public.back/a.html"

# A folder in .public.back that quire cannot read could hide a symlink out
# of it: such a .public.back is not reused.  (Only a user without root's
# rights is stopped by permissions: run as nobody where possible.)
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && chmod 755 "$TMP" &&
	as_nobody "$QUIRE" --version >/dev/null 2>&1; then
	site u
	page "$S" sec/deep/p.md "P" "one"
	page "$S" other.md "O" "two"
	mkdir -p "$TMP/u-outside"
	chown -R nobody "$S" "$TMP/u-outside"
	as_nobody "$QUIRE" build -s "$S" >/dev/null 2>&1
	page "$S" other.md "O" "two, edited"
	chown -R nobody "$S"
	as_nobody "$QUIRE" build -s "$S" >/dev/null 2>&1
	rm -rf "$S/.public.back/sec/deep"
	ln -s "$TMP/u-outside" "$S/.public.back/sec/deep"
	chown -h nobody "$S/.public.back/sec/deep"
	chmod 300 "$S/.public.back/sec"
	as_nobody "$QUIRE" build -s "$S" >"$TMP/stdout" 2>"$TMP/stderr"
	status_is "a build beside an unreadable .public.back still succeeds" "$?" 0
	check "nothing is written through a symlink hidden in an unreadable folder" sh -c "[ -z \"\$(ls -A '$TMP/u-outside')\" ]"
	check "the page is in OUT" test -f "$S/public/sec/deep/p.html" -a ! -L "$S/public/sec/deep"
	chmod -R u+rwx "$S" 2>/dev/null
	rm -rf "$S/.public.back"
	page "$S" sec/deep/p.md "P" "one, edited"
	chown -R nobody "$S"
	as_nobody "$QUIRE" build -s "$S" >/dev/null 2>&1
	chmod 555 "$S/.public.back/sec/deep"
	page "$S" sec/deep/p2.md "P2" "a new page in the read-only folder"
	chown -R nobody "$S/content"
	as_nobody "$QUIRE" build -s "$S" >"$TMP/stdout" 2>"$TMP/stderr"
	status_is "a build beside a .public.back with a read-only folder still succeeds" "$?" 0
	contains "and writes the new page" "$S/public/sec/deep/p2.html" "a new page in the read-only folder"
	chmod -R u+rwx "$S" 2>/dev/null
	# OUT's mode is kept even when it is read-only, and the folders
	# swapped out with that mode are still removed or reused; a group
	# the user may not give a folder is said, not silently lost.
	site um
	page "$S" a.md "A" "one"
	chown -R nobody "$S"
	as_nobody "$QUIRE" build -s "$S" >/dev/null 2>&1
	chmod 555 "$S/public"
	for i in 1 2 3; do
		page "$S" a.md "A" "edit $i"
		chown -R nobody "$S/content"
		as_nobody "$QUIRE" build -s "$S" >"$TMP/stdout" 2>"$TMP/stderr"
		status_is "a build as a user into a read-only OUT succeeds ($i)" "$?" 0
	done
	[ "$(stat -c %a "$S/public")" = 555 ] && ok "and OUT stays read-only" || not_ok "and OUT stays read-only"
	contains "with the new page" "$S/public/a.html" "edit 3"
	check "no staging folder is left behind" sh -c "! ls -a '$S' | grep -q staging"
	chmod 2750 "$S/public"
	chgrp 4243 "$S/public"
	page "$S" a.md "A" "edit 4"
	chown -R nobody "$S/content"
	as_nobody "$QUIRE" build -s "$S" >"$TMP/stdout" 2>"$TMP/stderr"
	status_is "a build into an OUT of a group the user is not in succeeds" "$?" 0
	contains "saying OUT could not keep its group and mode" "$TMP/stderr" "cannot have the old one's group (gid 4243) and mode 2750"
	chmod -R u+rwx "$S" 2>/dev/null
fi

# A file name may hold a space or a letter outside ASCII; sitemap.xml and
# the Atom feed give such a page's address percent-encoded (RFC 3986, as
# the sitemap protocol asks), never raw.
site urls
printf 'title: T\nbase_url: https://kb.example.org/\n' > "$S/site.yml"
page "$S" index.md "Home"
page "$S" "my section/two words.md" "Two words"
page "$S" "my section/café.md" "Café"
git -C "$S" init -q -b main
git -C "$S" add -A
git -C "$S" -c user.name=A -c user.email=a@example.org commit -q -m "Add the pages"
run "$S" build
status_is "a site with spaces and accents in its file names builds" "$RC" 0
contains "the sitemap percent-encodes a space" "$S/public/sitemap.xml" "<loc>https://kb.example.org/my%20section/two%20words.html</loc>"
contains "and a letter outside ASCII, byte by byte" "$S/public/sitemap.xml" "<loc>https://kb.example.org/my%20section/caf%C3%A9.html</loc>"
contains "the feed's link to a history page is percent-encoded" "$S/public/changes.xml" 'href="https://kb.example.org/my%20section/caf%C3%A9.history.html#'
contains "and so is the key in an entry's id" "$S/public/changes.xml" ':my%20section/two%20words</id>'
check "no address in the sitemap or the feed holds a space or a byte outside ASCII" python3 -c '
import re, sys
for f in sys.argv[1:]:
    for m in re.findall(r"<loc>([^<]*)</loc>|href=\"([^\"]*)\"|<id>([^<]*)</id>", open(f, encoding="utf-8").read()):
        u = "".join(m)
        if re.search(r"[\s\x80-\U0010ffff]", u): sys.exit(f + ": " + u)
' "$S/public/sitemap.xml" "$S/public/changes.xml"
check "the pages themselves keep their names" test -f "$S/public/my section/café.html"
contains "a section's list writes a space in an address as %20 (an HTML checker flags a raw one)" "$S/public/my section/index.html" 'href="two%20words.html"'
contains "and so does the A to Z" "$S/public/a-z.html" 'href="my%20section/two%20words.html"'
check "no href in a page holds a raw space" sh -c '! grep -rho --include=*.html "href=\"[^\"]* [^\"]*\"" "$1"' _ "$S/public"

# Pages quire makes say what they are in a meta description too (a link
# shared in a chat shows it), as articles do with their summaries.
site desc
printf -- '---\ntitle: Leave\nsummary: How leave works.\ntags: [leave]\n---\nx\n' > "$S/content/a.md"
run "$S" build
contains "an article's is its summary" "$S/public/a.html" '<meta name="description" content="How leave works.">'
contains "a tag's page says what it lists" "$S/public/tags/leave.html" '<meta name="description" content="Guidance on leave: 1 article.">'
contains "so does the A to Z" "$S/public/a-z.html" '<meta name="description" content="Every article of the guidance, from A to Z.">'
contains "and the recent changes" "$S/public/changes.html" '<meta name="description" content="The latest changes to the guidance, newest first.">'
contains "and the topics" "$S/public/tags/index.html" '<meta name="description" content="Every topic of the guidance'
contains "and search" "$S/public/search.html" '<meta name="description" content="Search the guidance.">'

# Aliases written as other generators write addresses: a leading "/" is
# the site's root, a trailing "/" a folder served by its index.html.
site aliasfolders
mkdir -p "$S/content/posts"
printf -- '---\ntitle: Leave\naliases: [/hr/annual-leave/, old/b/, /x.html]\n---\ntext\n' > "$S/content/posts/leave.md"
run "$S" build
status_is "aliases with a leading or trailing slash build" "$RC" 0
check "/hr/annual-leave/ redirects from hr/annual-leave/index.html" test -f "$S/public/hr/annual-leave/index.html"
contains "to the article, from where that page is" "$S/public/hr/annual-leave/index.html" 'url=../../posts/leave.html'
check "old/b/ from old/b/index.html" test -f "$S/public/old/b/index.html"
check "not a hidden old/b/.html no server would serve" test ! -e "$S/public/old/b/.html"
check "/x.html from x.html" test -f "$S/public/x.html"
printf -- '---\ntitle: Leave\naliases: ["//evil.example/x", /]\n---\ntext\n' > "$S/content/posts/leave.md"
run "$S" check
contains "an address of another host is refused" "$ERR" "alias '//evil.example/x' must be a relative path inside the site"
contains "and the root alone" "$ERR" "alias '/' must be a relative path inside the site"

# The service worker's offline page shows the site's title: written into
# sw.js as a JavaScript string, whatever the title holds.
site swt
printf 'title: "Staff \\"guide\\" \\\\ for all – été </script>"\nhistory: false\n' > "$S/site.yml"
page "$S" a.md "A"
run "$S" build
status_is "(a title with quotes, a backslash and letters outside ASCII builds)" "$RC" 0
contains "the title is in sw.js, escaped as a JavaScript string" "$S/public/sw.js" 'var TITLE = "Staff \"guide\" \\ for all \u2013 \u00E9t\u00E9 </script>";'
check "and the script still parses" node --check "$S/public/sw.js"
