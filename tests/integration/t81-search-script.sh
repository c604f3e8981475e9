#!/bin/sh
# t81: the search page's own script, run in node against an index written
# by the C indexer: ranking, word forms, prefixes, escaping, shard loading,
# and for every character below U+10000, its folding, splitting and
# lower-casing against the index's and the slugs'.
REPO=$(cd "$(dirname "$0")/../.." && pwd)
command -v node >/dev/null || { echo "not ok - node is installed"; echo "0 passed, 1 failed"; exit 1; }
out=$(QUIRE_TEST_SEARCH=$REPO/build/unit/test_search node --test --test-reporter=tap "$REPO/tests/search_query.test.mjs" 2>&1)
status=$?
echo "$out" | grep -E '^(not )?ok ' 
p=$(echo "$out" | sed -n 's/^# pass \([0-9]*\)$/\1/p' | tail -n 1)
f=$(echo "$out" | sed -n 's/^# fail \([0-9]*\)$/\1/p' | tail -n 1)
[ -n "$p" ] || { echo "$out" | tail -n 20; p=0; f=1; }
[ "$status" -ne 0 ] && [ "${f:-0}" -eq 0 ] && f=1
echo "$p passed, ${f:-0} failed"
[ "$status" -eq 0 ]
