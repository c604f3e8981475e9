/* libFuzzer harness for serve_map_path (generator/serve.c): whatever the
 * request path, a mapped file path stays inside OUT — relative, no "." or
 * ".." segment, no empty segment, no backslash, no control character —
 * and a refusal is 400, 403 or 404 with no path handed back.  The same
 * bytes read as a Range header give a span inside the file or none. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

static void sp_check_rel(const char *rel)
{
	if (!rel || !*rel || rel[0] == '/' || strchr(rel, '\\'))
		abort();
	for (const char *p = rel; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			abort();
	for (const char *p = rel;;) {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			abort();
		if (!p[n])
			break;
		p += n + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *url = malloc(size + 1);
	char *rel = (char *)1;
	if (!url)
		return 0;
	memcpy(url, data, size);
	url[size] = '\0';
	int status = serve_map_path(url, &rel);
	if (status == 0) {
		sp_check_rel(rel);
		free(rel);
	} else if ((status != 400 && status != 403 && status != 404) || rel != NULL) {
		abort();
	}
	/* The size comes from the input too, so empty and tiny files are tried. */
	unsigned long long fsize = size ? data[0] % 64 : 0, off = 0, len = 0;
	int r = serve_parse_range(url, fsize, &off, &len);
	if (r < -1 || r > 1 || (r == 1 && (len == 0 || off >= fsize || len > fsize - off)))
		abort();
	free(url);
	return 0;
}
