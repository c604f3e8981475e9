#!/bin/sh
# make fuzz: builds each libFuzzer harness with clang and runs it for the
# given seconds over its corpus in tests/fuzz/corpus/NAME; new inputs and
# crashes stay in the corpus folder, which make test replays.
set -e
cd "$(dirname "$0")/../.."
secs=${1:-60}
PKGS="libcmark-gfm libgit2 lua5.4 yaml-0.1 jansson libmicrohttpd zlib"
LIB_SRCS=$(ls generator/*.c | grep -v main.c)
mkdir -p build/fuzz
for h in tests/fuzz/fuzz_*.c; do
	name=$(basename "$h" .c | sed 's/^fuzz_//')
	mkdir -p "tests/fuzz/corpus/$name"
	clang -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -Igenerator \
		$(pkg-config --cflags $PKGS) "$h" $LIB_SRCS -o "build/fuzz/$name" \
		$(pkg-config --libs $PKGS) -lcmark-gfm-extensions -lstemmer -lpthread -lm
	echo "fuzzing $name for ${secs}s"
	"build/fuzz/$name" -max_total_time="$secs" -artifact_prefix="tests/fuzz/corpus/$name/crash-" "tests/fuzz/corpus/$name"
done
