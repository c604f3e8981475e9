#!/bin/sh
# Runs every test: C unit tests and fuzz-corpus replays (built with ASan and
# UBSan), then the integration scenarios against $QUIRE (the sanitizer
# build), then the real site with the release binary.  Ends with the line
# "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
: "${QUIRE:=$PWD/quire}"
: "${QUIRE_RELEASE:=$PWD/quire}"
export QUIRE QUIRE_RELEASE
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TZ=UTC LC_ALL=C.UTF-8
passed=0
failed=0
log=$(mktemp)

tally() { # name, command...: runs a suite and adds its closing counts
	name=$1; shift
	"$@" >"$log" 2>&1
	status=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	[ -n "$line" ] || { p=0; f=1; }
	[ "$status" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	passed=$((passed + p)); failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		echo "FAIL $name ($p passed, $f failed)"
		grep -v '^ok - ' "$log" | tail -n 40 | sed 's/^/    /'
	else
		echo "ok   $name ($p passed)"
	fi
}

for t in build/unit/test_*; do
	[ -x "$t" ] && tally "unit/$(basename "$t")" "$t"
done
[ -x build/unit/fuzz_replay ] && tally "fuzz corpora replay" build/unit/fuzz_replay tests/fuzz/corpus
for t in tests/integration/t*.sh; do
	tally "integration/$(basename "$t")" sh "$t"
done
rm -f "$log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
