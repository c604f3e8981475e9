/* replay: runs every libFuzzer harness over its kept corpus (and every
 * crash found) as a plain program, so make test replays them under ASan and
 * UBSan without clang.  Each harness file is included with its entry point
 * renamed. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"

#define LLVMFuzzerTestOneInput fuzz_template
#include "fuzz_template.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_revdiff
#include "fuzz_revdiff.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_serve_path
#include "fuzz_serve_path.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_frontmatter
#include "fuzz_frontmatter.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_markdown
#include "fuzz_markdown.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_page
#include "fuzz_page.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_luapattern
#include "fuzz_luapattern.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_histcache
#include "fuzz_histcache.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_luajson
#include "fuzz_luajson.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_linkstable
#include "fuzz_linkstable.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_active
#include "fuzz_active.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_message
#include "fuzz_message.c"
#undef LLVMFuzzerTestOneInput

struct harness {
	const char *name;
	int (*fn)(const uint8_t *, size_t);
};

static const struct harness harnesses[] = {
	{ "template", fuzz_template },
	{ "revdiff", fuzz_revdiff },
	{ "serve_path", fuzz_serve_path },
	{ "luajson", fuzz_luajson },
	{ "histcache", fuzz_histcache },
	{ "luapattern", fuzz_luapattern },
	{ "frontmatter", fuzz_frontmatter },
	{ "markdown", fuzz_markdown },
	{ "page", fuzz_page },
	{ "linkstable", fuzz_linkstable },
	{ "active", fuzz_active },
	{ "message", fuzz_message },
};

int main(int argc, char **argv)
{
	const char *root = argc > 1 ? argv[1] : "tests/fuzz/corpus";
	int passed = 0;
	for (size_t h = 0; h < sizeof harnesses / sizeof *harnesses; h++) {
		char *dir = NULL;
		if (asprintf(&dir, "%s/%s", root, harnesses[h].name) < 0)
			return 2;
		char **files;
		size_t n;
		fs_list_files(dir, &files, &n);
		for (size_t i = 0; i < n; i++) {
			char *path = NULL, *data;
			size_t len;
			if (asprintf(&path, "%s/%s", dir, files[i]) >= 0 && fs_read_file(path, &data, &len) == 0) {
				harnesses[h].fn((const uint8_t *)data, len);
				free(data);
			}
			free(path);
			free(files[i]);
		}
		free(files);
		printf("ok - %s: %zu inputs replayed\n", harnesses[h].name, n);
		passed++;
		free(dir);
	}
	printf("%d passed, 0 failed\n", passed);
	return 0;
}
