#!/bin/sh
# Times quire on each pathological input alone at sizes N and 4N and prints
# the ratio (about 4 means linear, 16 quadratic).  Used by make bench.
Q=${QUIRE:-./quire}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-5000}
T=$(mktemp -d)
python3 "$REPO/tests/pathological/inputs.py" "$T/all1" "$N"
python3 "$REPO/tests/pathological/inputs.py" "$T/all4" "$((N * 4))"
printf '%-32s %10s %10s %6s\n' input "N=$N" "N=$((N*4))" ratio
for f in "$T"/all1/content/*.md; do
	name=$(basename "$f" .md)
	for k in 1 4; do
		rm -rf "$T/one"; mkdir -p "$T/one/content"; cp -r "$REPO/themes" "$T/one/"
		printf 'title: p\nhistory: false\n' > "$T/one/site.yml"
		cp "$T/all$k/content/$name.md" "$T/one/content/"
		s=$(date +%s.%N)
		# Status 1 is a build that reported problems in the input (some
		# inputs are all broken links): timed like any other.  Worse is a
		# crash, a fault or the timeout.
		timeout 120 "$Q" build -s "$T/one" -j 1 >/dev/null 2>&1
		rc=$?
		[ "$rc" -le 1 ] || echo "  $name N*$k: failed (status $rc) or timed out"
		e=$(date +%s.%N)
		eval "t$k=\$(awk -v a=\"\$s\" -v b=\"\$e\" 'BEGIN { print b - a }')"
	done
	printf '%-32s %9.3fs %9.3fs %6.1f\n' "$name" "$t1" "$t4" "$(awk -v a="$t1" -v b="$t4" 'BEGIN { print b / (a + 0.001) }')"
done
rm -rf "$T"
