#!/bin/sh
# t40-serve: `quire serve` end to end — starts the server on a free loopback
# port, fetches pages, edits a source and sees the rebuilt page, checks that
# traversal, symlink, Host and Origin attacks are refused, that a broken edit
# keeps the last good page and reports the error on /__quire/events, and that
# Ctrl-C stops cleanly.  Needs $QUIRE (the binary) and curl.
# Prints "ok - ..." / "not ok - ..." lines and "N passed, N failed".

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
QUIRE=${QUIRE:-$ROOT/quire}
T=$(mktemp -d "${TMPDIR:-/tmp}/quire-t40-XXXXXX")
SITE=$T/site
OUT=$T/out
PID=
EVPID=
passed=0
failed=0

cleanup() {
	[ -n "$EVPID" ] && kill "$EVPID" 2>/dev/null
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() { passed=$((passed + 1)); printf 'ok - %s\n' "$1"; }
not_ok() { failed=$((failed + 1)); printf 'not ok - %s\n' "$1"; [ -n "$2" ] && printf '#   %s\n' "$2"; }
check() { # check DESCRIPTION COMMAND...
	d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# wait_for FILE PATTERN SECONDS: until grep finds PATTERN in FILE.
wait_for() {
	end=$(($(now_ms) + $3 * 1000))
	while [ "$(now_ms)" -lt "$end" ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# get PATH [curl options...]: prints the status; body in $T/body, headers in $T/head.
get() {
	p=$1; shift
	curl -s --path-as-is --max-time 10 -o "$T/body" -D "$T/head" -w '%{http_code}' "$@" "$URL$p"
}
header() { tr -d '\r' <"$T/head" | sed -n "s/^$1: //Ip" | head -n 1; }

# ---- fixture ----
mkdir -p "$SITE/content/guide" "$SITE/themes"
cp -r "$ROOT/themes/default" "$SITE/themes/default"
cat >"$SITE/site.yml" <<'EOF'
title: Serve test site
history: false
EOF
cat >"$SITE/content/index.md" <<'EOF'
---
title: Home
---

Welcome. Read [Alpha](guide/alpha.md).
EOF
cat >"$SITE/content/guide/alpha.md" <<'EOF'
---
title: Alpha
---

Alpha says version one.

## Costs

Some text.
EOF
printf '\211PNG\r\n\032\nnot really a picture' >"$SITE/content/guide/pic.png"
printf '<svg xmlns="http://www.w3.org/2000/svg"><rect width="3" height="2"/></svg>' >"$SITE/content/guide/chart.svg"
printf 'name,days\nannual,25\n' >"$SITE/content/guide/leave.csv"
printf 'not really a film' >"$SITE/content/guide/intro.mp4"

# ---- start ----
"$QUIRE" serve -s "$SITE" -o "$OUT" --port 0 >"$T/serve.out" 2>"$T/serve.err" &
PID=$!
if wait_for "$T/serve.out" '^Serving .* at http://127.0.0.1:[0-9]*/ (Ctrl-C to stop)$' 30; then
	ok "serve prints the address it listens on"
else
	not_ok "serve prints the address it listens on" "$(cat "$T/serve.out" "$T/serve.err")"
	echo "$passed passed, $failed failed"
	exit 1
fi
PORT=$(sed -n 's|^Serving .* at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve.out")
URL=http://127.0.0.1:$PORT

# ---- pages, types, caching ----
s=$(get /)
check "home page is served as HTML" [ "$s" = 200 ]
check "home page has an HTML content type" sh -c "tr -d '\r' <'$T/head' | grep -qi '^content-type: text/html'"
check "pages carry the live-reload script" grep -q '/__quire/reload.js' "$T/body"

s=$(get /guide/alpha.html)
check "article is served" sh -c "[ '$s' = 200 ] && grep -q 'version one' '$T/body'"
ETAG=$(header etag)
check "article has an ETag" [ -n "$ETAG" ]
s=$(get /guide/alpha.html -H "If-None-Match: $ETAG")
check "matching If-None-Match gives 304" [ "$s" = 304 ]
s=$(get /guide/alpha.html -H 'If-None-Match: "other"')
check "other If-None-Match gives 200" [ "$s" = 200 ]

# A page and its stylesheet over one connection, as a browser asks.
curl -sv --max-time 10 -o /dev/null -o /dev/null "$URL/guide/alpha.html" "$URL/assets/style.css" 2>"$T/keepalive"
check "connections are kept alive between requests" grep -q "Re-using existing connection" "$T/keepalive"
check "and no response says Connection: close" sh -c "! tr -d '\r' <'$T/keepalive' | grep -qi '^< connection: close'"

s=$(get /assets/style.css)
check "stylesheet is served as text/css" sh -c "[ '$s' = 200 ] && [ \"\$(tr -d '\r' <'$T/head' | sed -n 's/^content-type: //Ip' | cut -d';' -f1)\" = text/css ]"
s=$(get /guide/pic.png)
check "picture is served as image/png" sh -c "[ '$s' = 200 ] && tr -d '\r' <'$T/head' | grep -qi '^content-type: image/png'"
check "and is not sandboxed (it runs nothing)" sh -c "! tr -d '\r' <'$T/head' | grep -qi '^content-security-policy'"
s=$(get /guide/chart.svg)
check "an SVG is served as image/svg+xml" sh -c "[ '$s' = 200 ] && tr -d '\r' <'$T/head' | grep -qi '^content-type: image/svg+xml'"
check "sandboxed, so opened on its own it runs no script" sh -c "tr -d '\r' <'$T/head' | grep -qi '^content-security-policy: sandbox'"
s=$(get /guide/leave.csv)
check "a table of figures is served as text/csv" sh -c "[ '$s' = 200 ] && tr -d '\r' <'$T/head' | grep -qi '^content-type: text/csv'"
s=$(get /guide/intro.mp4)
check "a film as video/mp4, so the browser plays it" sh -c "[ '$s' = 200 ] && tr -d '\r' <'$T/head' | grep -qi '^content-type: video/mp4'"
check "and says it may be asked for in parts (Accept-Ranges)" sh -c "tr -d '\r' <'$T/head' | grep -qi '^accept-ranges: bytes'"
FILM_TAG=$(header etag)
# A video's seek bar asks for the part it needs (Range); without it a
# preview's film cannot be sought.
s=$(get /guide/intro.mp4 -H 'Range: bytes=4-9')
check "a Range gives 206 and those bytes" sh -c "[ '$s' = 206 ] && [ \"\$(cat '$T/body')\" = really ]"
check "with Content-Range naming them and the size" sh -c "tr -d '\r' <'$T/head' | grep -qi '^content-range: bytes 4-9/17\$'"
check "and the film's own type" sh -c "tr -d '\r' <'$T/head' | grep -qi '^content-type: video/mp4'"
s=$(get /guide/intro.mp4 -I -H 'Range: bytes=4-9')
check "a HEAD ignores Range (200, the whole length)" sh -c "[ '$s' = 200 ] && tr -d '\r' <'$T/head' | grep -qi '^content-length: 17\$'"
s=$(get /guide/intro.mp4 -H 'Range: bytes=-4')
check "a suffix Range gives the last bytes" sh -c "[ '$s' = 206 ] && [ \"\$(cat '$T/body')\" = film ]"
s=$(get /guide/intro.mp4 -H 'Range: bytes=17-')
check "a Range past the end gives 416 with the size" sh -c "[ '$s' = 416 ] && tr -d '\r' <'$T/head' | grep -qi '^content-range: bytes \*/17\$'"
s=$(get /guide/intro.mp4 -H 'Range: bytes=0-3' -H "If-Range: $FILM_TAG")
check "If-Range naming this version gives the part" sh -c "[ '$s' = 206 ] && [ \"\$(cat '$T/body')\" = 'not ' ]"
s=$(get /guide/intro.mp4 -H 'Range: bytes=0-3' -H 'If-Range: "an-older-version"')
check "If-Range naming another version gives the whole file" sh -c "[ '$s' = 200 ] && [ \"\$(cat '$T/body')\" = 'not really a film' ]"
s=$(get /__quire/reload.js)
check "reload script is JavaScript that writes errors as text" sh -c "[ '$s' = 200 ] && tr -d '\r' <'$T/head' | grep -qi '^content-type: text/javascript' && grep -q textContent '$T/body'"

s=$(get /guide)
check "folder without slash redirects to the folder" sh -c "[ '$s' = 301 ] && [ \"\$(tr -d '\r' <'$T/head' | sed -n 's/^location: //Ip')\" = /guide/ ]"
s=$(get /no-such-page.html)
check "missing page is 404 with the site's 404 page" sh -c "[ '$s' = 404 ] && grep -qi '<html' '$T/body'"
# Shown at a deeper address, the 404 page's links must still lead home.
s=$(get /guide/deeper/no-such-page.html)
check "a missing page in a folder gets the 404 page with links from the site's root" \
	sh -c "[ '$s' = 404 ] && grep -q 'href=\"/assets/style.css\"' '$T/body' && grep -q 'href=\"/index.html\"' '$T/body' && grep -q 'href=\"/guide/index.html\"' '$T/body'"
s=$(get /guide/alpha.html -I)
check "HEAD is answered" [ "$s" = 200 ]
s=$(get /guide/alpha.html -X POST -d x=1)
check "POST is refused with 405" [ "$s" = 405 ]

# ---- traversal and symlinks ----
ln -s /etc/passwd "$OUT/leak.html"
ln -s / "$OUT/root"
ln -s "$SITE" "$OUT/site"
for p in '/../../../../etc/passwd' '/%2e%2e/%2e%2e/%2e%2e/etc/passwd' '/%2E%2E/%2E%2E/etc/passwd' \
	'/.%2e/.%2e/etc/passwd' '/..%2f..%2f..%2fetc%2fpasswd' '/%2f%2fetc/passwd' \
	'/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd' '/%e0%80%ae%e0%80%ae/etc/passwd' \
	'/..%5c..%5c..%5cetc%5cpasswd' '/..\..\..\etc\passwd' '/index.html%00.png' '/%00' \
	'//etc/passwd' '/guide/./alpha.html' '/guide/../../site.yml' '/leak.html' '/root/etc/passwd' \
	'/site/site.yml' '/site/content/index.md' '/.quire-output'; do
	s=$(get "$p")
	case $s in
	400 | 403 | 404)
		if grep -q -e 'root:' -e 'title: Serve test site' -e 'Welcome. Read' -e "$T" "$T/body"; then
			not_ok "$p is refused without leaking" "body holds file contents or a path"
		else
			ok "$p is refused ($s)"
		fi
		;;
	*) not_ok "$p is refused" "status $s" ;;
	esac
done

# ---- Host (DNS rebinding) ----
for h in "localhost:$PORT" "127.0.0.1:$PORT" "127.0.0.1" "LOCALHOST" "[::1]:$PORT"; do
	s=$(get / -H "Host: $h")
	check "Host $h is accepted" [ "$s" = 200 ]
done
for h in "evil.example" "evil.example:$PORT" "localhost.evil.example:$PORT" "127.0.0.1.nip.io:$PORT" \
	"127.0.0.2:$PORT" "[::2]:$PORT" "localhost:$PORT:1" "localhost:port"; do
	s=$(get / -H "Host: $h")
	check "Host $h is refused" sh -c "[ '$s' = 403 ] && ! grep -q -e 'Welcome' -e '$T' '$T/body'"
done
# A colleague who opens serve --bind 0.0.0.0 by the machine's name is
# told why it is refused and what to open instead; serve's output says it
# once.
s=$(get / -H "Host: kb-laptop:$PORT")
check "a host name is refused (403)" [ "$s" = 403 ]
check "saying why and what to open" grep -q "quire serve answers only requests addressed to localhost or to an IP address of this machine (so that no web page can reach it through a name it controls: DNS rebinding), not to 'kb-laptop:$PORT'. Open http://IP:$PORT/" "$T/body"
get / -H "Host: other-name:$PORT" >/dev/null
check "serve's output names the first refused host" grep -q "quire serve: refused a request addressed to 'evil.example': open the site by IP address (http://IP:$PORT/)" "$T/serve.err"
check "once, not at every request" [ "$(grep -c 'refused a request addressed to' "$T/serve.err")" = 1 ]
s=$(get / -H "$(printf 'Host: evil\033[31mRED\033[0m.example')")
check "a Host with other characters is refused too" [ "$s" = 403 ]
check "and not echoed (it may hold escape sequences)" sh -c "grep -q \"not to 'that name'\" '$T/body' && ! grep -q 'RED' '$T/body'"

# ---- Origin on the event stream ----
s=$(curl -s --max-time 1 -o /dev/null -w '%{http_code}' -H 'Origin: http://evil.example' "$URL/__quire/events")
check "event stream refuses a foreign Origin" [ "$s" = 403 ]
s=$(curl -s --max-time 1 -o /dev/null -w '%{http_code}' -H "Origin: http://evil.example:$PORT" -H "Host: evil.example:$PORT" "$URL/__quire/events")
check "event stream refuses a rebinding Host even with a matching Origin" [ "$s" = 403 ]
s=$(curl -s --max-time 1 -o /dev/null -w '%{http_code}' -H "Origin: http://127.0.0.1:$PORT" "$URL/__quire/events")
check "event stream accepts its own Origin" [ "$s" = 200 ]

# ---- live rebuild ----
curl -sN --max-time 60 "$URL/__quire/events" >"$T/events" 2>/dev/null &
EVPID=$!
wait_for "$T/events" '^retry:' 10
t0=$(now_ms)
sed 's/version one/version two/' "$SITE/content/guide/alpha.md" >"$T/alpha.md"
cat "$T/alpha.md" >"$SITE/content/guide/alpha.md"
served=
while [ $(($(now_ms) - t0)) -lt 10000 ]; do
	get /guide/alpha.html >/dev/null
	if grep -q 'version two' "$T/body"; then served=$(($(now_ms) - t0)); break; fi
	sleep 0.05
done
check "an edit is rebuilt and served (in ${served:-never} ms)" [ -n "$served" ]
check "the rebuilt page is served within 2 seconds of the save" [ "${served:-99999}" -lt 2000 ]
check "open pages are told to reload" wait_for "$T/events" '^event: reload' 5

mkdir -p "$SITE/content/later/deeper"
printf -- '---\ntitle: Deep\n---\n\nDeep page text.\n' >"$SITE/content/later/deeper/deep.md"
wait_for "$T/serve.err" 'built .* (3 articles)' 10
s=$(get /later/deeper/deep.html)
check "a page in a new folder is picked up" sh -c "[ '$s' = 200 ] && grep -q 'Deep page text' '$T/body'"

# ---- a broken edit ----
printf -- '---\ntitle: Alpha\n---\n\nAlpha says version three, see [[no-such-article]].\n' >"$SITE/content/guide/alpha.md"
check "a broken edit is reported on the event stream" wait_for "$T/events" '^data: content/guide/alpha.md:5:[0-9]*: error: ' 10
check "the error arrives as an error event" grep -q '^event: error' "$T/events"
s=$(get /guide/alpha.html)
check "the last good page is still served" sh -c "[ '$s' = 200 ] && grep -q 'version two' '$T/body'"
check "the error is printed on stderr" grep -q 'content/guide/alpha.md:5:.*error' "$T/serve.err"
curl -sN --max-time 2 "$URL/__quire/events" >"$T/events2" 2>/dev/null
check "a page opened while broken is shown the error" grep -q '^event: error' "$T/events2"

printf -- '---\ntitle: Alpha\n---\n\nAlpha says version four.\n' >"$SITE/content/guide/alpha.md"
n_before=$(grep -c '^event: reload' "$T/events")
end=$(($(now_ms) + 10000))
while [ "$(grep -c '^event: reload' "$T/events")" -le "$n_before" ] && [ "$(now_ms)" -lt "$end" ]; do sleep 0.05; done
check "fixing the error sends a reload" [ "$(grep -c '^event: reload' "$T/events")" -gt "$n_before" ]
s=$(get /guide/alpha.html)
check "the fixed page is served" grep -q 'version four' "$T/body"

# ---- port in use, Ctrl-C ----
"$QUIRE" serve -s "$SITE" -o "$T/out2" --port "$PORT" >/dev/null 2>"$T/busy.err"
check "a port in use is an environment fault (exit 2)" [ $? = 2 ]
check "serving into a folder of its own is no publishing folder" sh -c "! grep -q 'publishes from' '$T/busy.err'"
# serve -o SITE/public writes previews where quire build publishes from
"$QUIRE" serve -s "$SITE" -o "$SITE/public" --port "$PORT" >/dev/null 2>"$T/busy2.err"
check "serve into SITE/public warns that its pages carry the reload script" \
	grep -q "quire serve: warning: $SITE/public is the folder quire build publishes from; serve's pages carry its reload script, so run quire build before you copy it to a web server" "$T/busy2.err"

kill -INT "$PID"
rc=
for _ in $(seq 1 100); do
	if ! kill -0 "$PID" 2>/dev/null; then wait "$PID"; rc=$?; break; fi
	sleep 0.1
done
PID=
check "Ctrl-C stops serve with status 0 (got ${rc:-still running})" [ "$rc" = 0 ]
s=$(curl -s --max-time 2 -o /dev/null -w '%{http_code}' "$URL/")
check "the port is closed after Ctrl-C" [ "$s" = 000 ]

# ---- default OUT: a private folder, removed at exit; SITE/public untouched ----
mkdir -p "$T/tmp"
TMPDIR=$T/tmp "$QUIRE" serve -s "$SITE" --port "$PORT" >"$T/serve2.out" 2>"$T/serve2.err" &
PID=$!
wait_for "$T/serve2.out" "^Serving .*:$PORT/" 30
check "the freed port can be bound again" grep -q "^Serving .*:$PORT/" "$T/serve2.out"
s=$(get /guide/alpha.html)
check "without -o the site is served from a private folder" sh -c "[ '$s' = 200 ] && [ -n \"\$(ls -A '$T/tmp')\" ]"
kill -TERM "$PID"
wait "$PID"
rc=$?
PID=
check "SIGTERM stops serve with status 0" [ "$rc" = 0 ]
check "the private folder is removed at exit" [ -z "$(ls -A "$T/tmp")" ]
check "serve never writes SITE/public" [ ! -e "$SITE/public" ]

# A hangup (the terminal closed, an SSH session dropped) stops serve as
# SIGTERM does, private folder and all; under nohup it is ignored.
TMPDIR=$T/tmp "$QUIRE" serve -s "$SITE" --port 0 >"$T/serve9.out" 2>"$T/serve9.err" &
PID=$!
wait_for "$T/serve9.out" '^Serving' 30
URL=http://127.0.0.1:$(sed -n 's|^Serving .* at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve9.out")
s=$(get /guide/alpha.html)
check "serve builds into a private folder" sh -c "[ '$s' = 200 ] && [ -n \"\$(ls -A '$T/tmp')\" ]"
kill -HUP "$PID"
wait "$PID"
rc=$?
PID=
check "SIGHUP stops serve with status 0 (got $rc)" [ "$rc" = 0 ]
check "and removes the private folder" [ -z "$(ls -A "$T/tmp")" ]
TMPDIR=$T/tmp nohup "$QUIRE" serve -s "$SITE" --port 0 >"$T/serve9.out" 2>"$T/serve9.err" &
PID=$!
wait_for "$T/serve9.out" '^Serving' 30
kill -HUP "$PID"
sleep 0.5
check "under nohup a hangup leaves serve running" kill -0 "$PID"
kill -TERM "$PID"
wait "$PID"
rc=$?
PID=
check "and SIGTERM then stops it with status 0 (got $rc)" [ "$rc" = 0 ]
check "and removes the private folder" [ -z "$(ls -A "$T/tmp")" ]

# A serve killed outright (kill -9, the OOM killer) cannot clean up: the
# next serve removes its folder, and never a live serve's.
TMPDIR=$T/tmp "$QUIRE" serve -s "$SITE" --port 0 >"$T/serveK.out" 2>"$T/serveK.err" &
PID=$!
wait_for "$T/serveK.out" '^Serving' 30
killed=$(ls -A "$T/tmp")
kill -9 "$PID"; wait "$PID" 2>/dev/null; PID=
check "a serve killed with -9 leaves its folder" [ -n "$killed" ] && [ -d "$T/tmp/$killed" ]
mkdir "$T/tmp/quire-serve-other"
TMPDIR=$T/tmp "$QUIRE" serve -s "$SITE" --port 0 >"$T/serveL.out" 2>"$T/serveL.err" &
PID=$!
wait_for "$T/serveL.out" '^Serving' 30
check "the next serve removes it" [ ! -e "$T/tmp/$killed" ]
check "and says so" grep -qF "removed $T/tmp/$killed, left by a serve that was stopped without cleaning up" "$T/serveL.err"
check "a folder that is not a serve's (no lock file) is left alone" [ -d "$T/tmp/quire-serve-other" ]
live=$(ls -A "$T/tmp" | grep -v other)
TMPDIR=$T/tmp "$QUIRE" serve -s "$SITE" --port 0 >"$T/serveM.out" 2>"$T/serveM.err" &
PID2=$!
wait_for "$T/serveM.out" '^Serving' 30
check "a live serve's folder is left alone by another serve" [ -d "$T/tmp/$live" ]
kill -TERM "$PID2"; wait "$PID2"
kill -TERM "$PID"; wait "$PID"; PID=
rmdir "$T/tmp/quire-serve-other"
check "both remove their own folders at exit" [ -z "$(ls -A "$T/tmp")" ]

# ---- a non-loopback address warns ----
"$QUIRE" serve -s "$SITE" -o "$T/out3" --bind 0.0.0.0 --port 0 >"$T/serve3.out" 2>"$T/serve3.err" &
PID=$!
wait_for "$T/serve3.out" '^Serving' 30
check "binding a non-loopback address warns" grep -q 'warning: listening on 0.0.0.0' "$T/serve3.err"
kill -INT "$PID"
wait "$PID"
PID=

# ---- serve takes the working-tree state a build kept, and completes it ----
sed -i 's/^history: false$/history: true/' "$SITE/site.yml"
git -C "$SITE" init -q -b main
git -C "$SITE" add -A >/dev/null
git -C "$SITE" -c user.name=T -c user.email=t@example.org commit -q -m "Add the site" >/dev/null
echo "An uncommitted line." >>"$SITE/content/guide/alpha.md"
sleep 2.2
"$QUIRE" build -s "$SITE" -o "$T/out4" >/dev/null 2>&1
check "a build keeps the working-tree state" sh -c "ls '$SITE'/.git/quire/status-v1-*.bin >/dev/null"
"$QUIRE" serve -s "$SITE" -o "$T/out5" --port 0 >"$T/serve5.out" 2>"$T/serve5.err" &
PID=$!
wait_for "$T/serve5.out" '^Serving' 30
URL=http://127.0.0.1:$(sed -n 's|^Serving .* at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve5.out")
s=$(get /guide/alpha.html)
check "serve shows an article's uncommitted changes, as the kept state has them" \
	sh -c "[ '$s' = 200 ] && grep -q 'changes that are not committed' '$T/body'"
# A commit changes no source, but what the article's history says: serve
# notices it (HEAD's branch moved) and rebuilds.
git -C "$SITE" -c user.name=T -c user.email=t@example.org commit -qam "Commit the line" >/dev/null
seen=
for i in $(seq 1 50); do
	s=$(get /guide/alpha.html)
	if [ "$s" = 200 ] && ! grep -q 'changes that are not committed' "$T/body"; then seen=1; break; fi
	sleep 0.1
done
check "after a commit serve rebuilds: the article no longer says it has uncommitted changes" [ -n "$seen" ]
check "and its history counts the commit" grep -q "2 revisions" "$T/body"
# page_until PATH PATTERN [!]: fetches PATH until its body has PATTERN
# (or, with "!", has it no more); 0 once it does.
page_until() {
	for i in $(seq 1 60); do
		s=$(get "$1")
		if [ "$s" = 200 ]; then
			if [ "$3" = "!" ]; then grep -q "$2" "$T/body" || return 0; else grep -q "$2" "$T/body" && return 0; fi
		fi
		sleep 0.1
	done
	return 1
}
# A file still being sent when two rebuilds pass keeps its bytes: serve
# writes each file anew, never into the one of two builds back in place
# (a slow download would end with the newer build's bytes).
exec 3<"$T/out5/guide/alpha.html"
for k in 1 2; do
	echo "Edit $k for the open file." >>"$SITE/content/guide/alpha.md"
	page_until /guide/alpha.html "Edit $k for the open file"
done
check "a page served twice rebuilt since shows the edits" grep -q "Edit 2 for the open file" "$T/body"
check "while a file held open through both rebuilds keeps the bytes it had" sh -c "! grep -q 'Edit 1 for the open file' <&3"
exec 3<&-
git -C "$SITE" -c user.name=T -c user.email=t@example.org commit -qam "Commit the edits" >/dev/null
page_until /guide/alpha.html 'changes that are not committed' !
# A commit on a branch whose name has a '/' moves a file in a folder of
# refs/heads: serve watches those folders too.
git -C "$SITE" checkout -q -b feature/slash
echo "A line on the branch." >>"$SITE/content/guide/alpha.md"
page_until /guide/alpha.html 'changes that are not committed'
git -C "$SITE" -c user.name=T -c user.email=t@example.org commit -qam "Commit on feature/slash" >/dev/null
check "a commit on a branch named feature/slash is noticed" page_until /guide/alpha.html 'changes that are not committed' !
check "and counted" grep -q "4 revisions" "$T/body"
# A page fetched before that rebuild, whose event stream opens only now,
# is told to reload at once; one fetched after it is not.
before=$(( $(date +%s) * 1000 - 60000 ))
curl -s -N --max-time 1 "$URL/__quire/events?since=$before" >"$T/late" 2>/dev/null
check "a stream opened after a build its page missed announces a reload at once" grep -q "^event: reload" "$T/late"
after=$(( $(date +%s) * 1000 + 60000 ))
curl -s -N --max-time 1 "$URL/__quire/events?since=$after" >"$T/late" 2>/dev/null
check "a stream whose page is newer than the build does not" sh -c "! grep -q '^event: reload' '$T/late'"
kill -INT "$PID"
wait "$PID"
PID=

# ---- a site in a git worktree: its branch is in the main repository ----
git -C "$SITE" worktree add -q "$T/wt" -b wtbranch
"$QUIRE" serve -s "$T/wt" -o "$T/out6" --port 0 >"$T/serve6.out" 2>"$T/serve6.err" &
PID=$!
wait_for "$T/serve6.out" '^Serving' 30
URL=http://127.0.0.1:$(sed -n 's|^Serving .* at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve6.out")
echo "A line in the worktree." >>"$T/wt/content/guide/alpha.md"
page_until /guide/alpha.html 'changes that are not committed'
git -C "$T/wt" -c user.name=T -c user.email=t@example.org commit -qam "Commit in the worktree" >/dev/null
check "a commit in a git worktree is noticed" page_until /guide/alpha.html 'changes that are not committed' !
# A folder moved out of the site is no longer the site's: edits there
# make no rebuild.
mkdir -p "$T/wt/content/scratch"
printf -- '---\ntitle: Scratch note\n---\nx\n' >"$T/wt/content/scratch/note.md"
page_until /scratch/note.html 'Scratch note'
mv "$T/wt/content/scratch" "$T/scratch-out"
for i in $(seq 1 60); do [ "$(get /scratch/note.html)" = 404 ] && break; sleep 0.1; done
sleep 0.5
n=$(grep -c '^built ' "$T/serve6.err")
echo "y" >>"$T/scratch-out/note.md"
sleep 0.3
echo "z" >>"$T/scratch-out/note.md"
sleep 1.2
check "a folder moved out of the site makes no rebuild when edited" [ "$(grep -c '^built ' "$T/serve6.err")" = "$n" ]
kill -INT "$PID"
wait "$PID"
PID=

# ---- content/ as a symbolic link to a folder in the site ----
mkdir -p "$T/sym/realcontent" "$T/sym/themes"
cp -r "$ROOT/themes/default" "$T/sym/themes/default"
printf 'title: Symlinked content\nhistory: false\n' >"$T/sym/site.yml"
printf -- '---\ntitle: Sym\n---\nFirst words.\n' >"$T/sym/realcontent/a.md"
ln -s realcontent "$T/sym/content"
"$QUIRE" serve -s "$T/sym" -o "$T/out7" --port 0 >"$T/serve7.out" 2>"$T/serve7.err" &
PID=$!
wait_for "$T/serve7.out" '^Serving' 30
URL=http://127.0.0.1:$(sed -n 's|^Serving .* at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve7.out")
page_until /a.html 'First words'
printf -- '---\ntitle: Sym\n---\nSecond words.\n' >"$T/sym/content/a.md"
check "an edit through a content/ that is a symbolic link rebuilds" page_until /a.html 'Second words'
printf -- '---\ntitle: New\n---\nNew page.\n' >"$T/sym/content/new.md"
check "and so does a new article there" page_until /new.html 'New page'
# Its output folder removed while serving: the next request is told the
# site is being built again, and it is, with no source changed.
rm -rf "$T/out7"
s=$(get /a.html)
check "a page asked for after OUT was removed says the site is being built again (503)" \
	sh -c "[ '$s' = 503 ] && grep -q 'being built again' '$T/body'"
check "and the site is built again by itself" page_until /a.html 'Second words'
kill -INT "$PID"
wait "$PID"
PID=

# Event streams left by closed tabs never keep pages from loading: only the
# newest streams are held, an older one is ended (its tab reconnects).
"$QUIRE" serve -s "$SITE" -o "$T/out7" --port 0 >"$T/serve7.out" 2>"$T/serve7.err" &
PID=$!
wait_for "$T/serve7.out" '^Serving' 30
URL=http://127.0.0.1:$(sed -n 's|^Serving .* at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve7.out")
pids=""
for i in $(seq 1 300); do
	curl -s -N --max-time 60 "$URL/__quire/events" >/dev/null 2>&1 &
	pids="$pids $!"
done
sleep 2
kill $pids 2>/dev/null
for i in 1 2 3 4 5 6; do
	s=$(get /guide/alpha.html --max-time 2)
	[ "$s" = 200 ] && break
	sleep 0.5
done
check "a page loads within seconds after 300 event streams (more than the 256 connections) were opened and dropped (got $s; pages used to fail for half a minute)" [ "$s" = 200 ]
kill -INT "$PID"
wait "$PID"
PID=

# A temp cleaner that removes serve's own folder does not break it for good:
# the next save makes the folder again and builds into it.
mkdir -p "$T/tmps"
TMPDIR=$T/tmps "$QUIRE" serve -s "$SITE" --port 0 >"$T/serve8.out" 2>"$T/serve8.err" &
PID=$!
wait_for "$T/serve8.out" '^Serving' 30
URL=http://127.0.0.1:$(sed -n 's|^Serving .* at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve8.out")
rm -rf "$T/tmps"/quire-serve-*
echo "A line after the cleanup." >>"$SITE/content/guide/alpha.md"
ok8=
for i in $(seq 1 40); do
	s=$(get /guide/alpha.html)
	if [ "$s" = 200 ] && grep -q "A line after the cleanup." "$T/body"; then ok8=1; break; fi
	sleep 0.1
done
check "after its temporary folder was removed, serve makes it again and serves the next build" [ -n "$ok8" ]
kill -INT "$PID"
wait "$PID"
PID=

# --force lets serve build into a non-empty folder quire did not make.
mkdir -p "$T/notmine" && echo mine > "$T/notmine/keep.txt"
"$QUIRE" serve -s "$SITE" -o "$T/notmine" --port 0 >"$T/serve6.out" 2>"$T/serve6.err" &
PID=$!
wait "$PID"; rc=$?; PID=
check "without --force serve refuses a non-empty folder it did not make" [ "$rc" = 2 ]
"$QUIRE" serve -s "$SITE" -o "$T/notmine" --port 0 --force >"$T/serve6.out" 2>"$T/serve6.err" &
PID=$!
wait_for "$T/serve6.out" '^Serving' 30
URL=http://127.0.0.1:$(sed -n 's|^Serving .* at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve6.out")
s=$(get /guide/alpha.html)
check "with --force it builds there and serves (it was ignored)" [ "$s" = 200 ]
kill -INT "$PID"
wait "$PID"
PID=

# ---- content/ as a repository of its own: its commits are watched ----
mkdir -p "$T/own/content" "$T/own/themes"
cp -r "$ROOT/themes/default" "$T/own/themes/default"
printf 'title: Own content repository\n' >"$T/own/site.yml"
printf -- '---\ntitle: Own\n---\nFirst words.\n' >"$T/own/content/a.md"
git -C "$T/own/content" init -q -b main
git -C "$T/own/content" add -A
git -C "$T/own/content" -c user.name=T -c user.email=t@example.org commit -qm "First" >/dev/null
"$QUIRE" serve -s "$T/own" -o "$T/out-own" --port 0 >"$T/serve9.out" 2>"$T/serve9.err" &
PID=$!
wait_for "$T/serve9.out" '^Serving' 30
URL=http://127.0.0.1:$(sed -n 's|^Serving .* at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve9.out")
echo "A second line." >>"$T/own/content/a.md"
page_until /a.html 'changes that are not committed'
git -C "$T/own/content" -c user.name=T -c user.email=t@example.org commit -qam "Second" >/dev/null
check "a commit in content/'s own repository is noticed" page_until /a.html 'changes that are not committed' !
check "(and counted)" grep -q "2 revisions" "$T/body"
kill -INT "$PID"
wait "$PID"
PID=

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
