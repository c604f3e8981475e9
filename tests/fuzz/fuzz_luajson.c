/* libFuzzer harness for the JSON <-> Lua bridge of generator/hooks.c: any
 * document jansson accepts must come back from a trip through a sandboxed
 * Lua state equal to itself (same types, keys, integers vs reals, nulls,
 * empty arrays vs empty objects).
 *
 * Build: clang -fsanitize=fuzzer,address,undefined -Igenerator
 *   tests/fuzz/fuzz_luajson.c generator/hooks.c generator/buf.c
 *   generator/diag.c generator/slug.c
 *   $(pkg-config --cflags --libs lua5.4 jansson libcmark-gfm)
 *   -lcmark-gfm-extensions -lpthread -lm -o fuzz_luajson
 * Run:   ./fuzz_luajson tests/fuzz/corpus/luajson */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "hooks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	json_t *in = json_loadb((const char *)data, size,
				JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (!in)
		return 0;
	json_t *out = hooks_roundtrip_json(in);
	if (!out || !json_equal(in, out)) {
		char *a = json_dumps(in, JSON_ENCODE_ANY);
		char *b = out ? json_dumps(out, JSON_ENCODE_ANY) : NULL;
		fprintf(stderr, "round trip changed the value:\n in: %s\nout: %s\n",
			a ? a : "?", b ? b : "(conversion failed)");
		abort();
	}
	json_decref(out);
	json_decref(in);
	return 0;
}
