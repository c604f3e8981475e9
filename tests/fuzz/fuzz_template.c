/* libFuzzer harness for generator/template.c: compiles the input as a
 * template, also registers it as the partial "p" (so "{{>p}}" recurses into
 * itself), and renders it against a small fixed context with nested objects
 * and arrays.  Compile errors are fine; crashes, leaks and unbounded
 * recursion or output are not. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "template.h"

static const char context_json[] =
	"{\"title\":\"T & <U>\",\"n\":3,\"r\":1.25,\"t\":true,\"f\":false,"
	"\"z\":null,\"e\":\"\",\"l\":[1,\"two\",{\"a\":{\"b\":\"deep\"}},[],"
	"[3,4]],\"o\":{\"a\":{\"b\":{\"c\":\"abc\"}},\"l\":[{\"x\":1},"
	"{\"x\":2}],\"p\":\"in o\"},\"a\":{\"a\":{\"a\":{}}}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tmpl_set *s = tmpl_set_new();
	struct diag *d = diag_new();
	struct buf out = BUF_INIT;
	json_t *ctx = json_loads(context_json, 0, NULL);
	char *err = NULL;

	if (!ctx)
		abort();
	/* Loops over the context can multiply work; keep each input cheap. */
	tmpl_set_limits(s, 200000, 1 << 20);
	int rc = tmpl_set_add(s, "main", (const char *)data, size,
			      "main.mustache", d);
	tmpl_set_add(s, "p", (const char *)data, size, "p.mustache", d);
	tmpl_set_check_partials(s, d);
	if (tmpl_render(s, "main", ctx, &out, &err) == 0) {
		if (rc != 0)
			abort(); /* a broken template must not render */
	} else if (!err) {
		abort(); /* every render error carries a message */
	}
	free(err);
	buf_free(&out);
	json_decref(ctx);
	diag_free(d);
	tmpl_set_free(s);
	return 0;
}
