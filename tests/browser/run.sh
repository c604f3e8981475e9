#!/bin/sh
# Browser tests: installs what is missing (Debian's chromium and node, and
# playwright-core + axe-core from package-lock.json; never a downloaded
# browser), then runs site.test.mjs (file://), sw.test.mjs (service worker
# over http), print.test.mjs (print.html) and serve.test.mjs (quire serve's
# reload, error panel and warnings) against $QUIRE_RELEASE
# (default ./quire).
# Ends with the line "N passed, N failed"; exits non-zero on any failure.
# Usage, from the repository root: sh tests/browser/run.sh
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
: "${QUIRE_RELEASE:=$root/quire}"
case $QUIRE_RELEASE in /*) ;; *) QUIRE_RELEASE=$PWD/$QUIRE_RELEASE ;; esac
export QUIRE_RELEASE
cd "$root/tests/browser" || exit 2
log=$(mktemp) tap=$(mktemp)
trap 'rm -f "$log" "$tap"' EXIT

fail_setup() { # message: set-up failed; show why and count it as one failure
	echo "browser tests: $1" >&2
	tail -n 20 "$log" >&2
	echo "0 passed, 1 failed"
	exit 1
}

apt_install() { # packages...: install from Debian when we are root
	[ "$(id -u)" -eq 0 ] || fail_setup "$* missing and not root: install $* first"
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get install -y -q "$@" || { apt-get update -q && apt-get install -y -q "$@"; }; } >"$log" 2>&1 ||
		fail_setup "apt-get install $* failed"
}

[ -x /usr/bin/chromium ] || apt_install chromium
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || apt_install nodejs npm
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
	npm ci --no-audit --no-fund >"$log" 2>&1 || fail_setup "npm ci failed"
fi

# spec for people, tap into a file for the counts (a test cancelled because
# the set-up failed counts as failed).  The timeout only stops a hang: on a
# loaded 2-core machine the four files took more than 120 s.
timeout 300 node --test --test-reporter=spec --test-reporter-destination=stdout \
	--test-reporter=tap --test-reporter-destination="$tap" site.test.mjs sw.test.mjs print.test.mjs serve.test.mjs
status=$?
pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" | tail -n 1)
failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" | tail -n 1)
cancelled=$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$tap" | tail -n 1)
failed=$((${failed:-0} + ${cancelled:-0}))
: "${pass:=0}"
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "$pass passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
