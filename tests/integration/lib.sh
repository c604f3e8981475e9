# Shared helpers for the integration scenarios: each scenario builds small
# sites in a temporary folder, runs the real binary ($QUIRE) and checks what
# a user would see: files, HTML, exit status, diagnostics.
: "${QUIRE:?set QUIRE to the quire binary}"
T_PASSED=0
T_FAILED=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/quire-test.XXXXXX")
trap 'rm -rf "$TMP"; echo "$T_PASSED passed, $T_FAILED failed"; [ $T_FAILED -eq 0 ]' EXIT

ok() { T_PASSED=$((T_PASSED + 1)); echo "ok - $1"; }
not_ok() { T_FAILED=$((T_FAILED + 1)); echo "not ok - $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'; }

# check DESCRIPTION COMMAND...: passes when the command succeeds
check() { d=$1; shift; if "$@" >/dev/null 2>&1; then ok "$d"; else not_ok "$d" "command failed: $*"; fi; }
# contains DESCRIPTION FILE TEXT: fixed-string match
contains() { if grep -qF -- "$3" "$2" 2>/dev/null; then ok "$1"; else not_ok "$1" "$2 lacks: $3"; fi; }
lacks() { if grep -qF -- "$3" "$2" 2>/dev/null; then not_ok "$1" "$2 contains: $3"; else ok "$1"; fi; }
# before DESCRIPTION FILE A B: A first occurs in FILE before B does
before() {
	a=$(grep -boF -- "$3" "$2" | head -n 1 | cut -d: -f1)
	b=$(grep -boF -- "$4" "$2" | head -n 1 | cut -d: -f1)
	if [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; then ok "$1"; else
		not_ok "$1" "$2: expected '$3' (at ${a:-none}) before '$4' (at ${b:-none})"; fi
}
status_is() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected exit status $3, got $2"; fi; }

# site NAME: a minimal valid site at $TMP/NAME using the repository's theme
site() {
	S=$TMP/$1
	mkdir -p "$S/content"
	cp -r "$REPO/themes" "$S/"
	printf 'title: Test site\n' > "$S/site.yml"
}
REPO=$(cd "$(dirname "$0")/../.." && pwd)

# page SITE PATH TITLE [BODY]
page() {
	mkdir -p "$(dirname "$1/content/$2")"
	printf -- '---\ntitle: %s\n---\n%b\n' "$3" "${4:-Some text.}" > "$1/content/$2"
}

# file SITE PATH TEXT: writes content/PATH as TEXT (printf escapes)
file() {
	mkdir -p "$(dirname "$1/content/$2")"
	printf -- "$3" > "$1/content/$2"
}

# script SITE NAME CODE: writes SITE/scripts/NAME.lua
script() {
	mkdir -p "$1/scripts"
	printf '%s\n' "$3" > "$1/scripts/$2.lua"
}

# run SITE ARGS...: runs quire, keeping stderr in $ERR and status in $RC
run() {
	s=$1; shift
	"$QUIRE" "$@" -s "$s" >"$TMP/stdout" 2>"$TMP/stderr"
	RC=$?
	ERR=$TMP/stderr
}

# commit DATE AUTHOR MESSAGE: commits all of $S as AUTHOR at DATE
commit() {
	git -C "$S" add -A >/dev/null
	GIT_AUTHOR_DATE="$1" GIT_COMMITTER_DATE="$1" GIT_AUTHOR_NAME="$2" GIT_AUTHOR_EMAIL="$(echo "$2" | tr -d ' ')@example.org" \
	GIT_COMMITTER_NAME="$2" GIT_COMMITTER_EMAIL="x@example.org" git -C "$S" commit -q -m "$3" >/dev/null
}
