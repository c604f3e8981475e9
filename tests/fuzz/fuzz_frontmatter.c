/* libFuzzer harness: front matter splitting and YAML → json_t on any
 * bytes, as an article's first lines. */
#include <stdint.h>
#include <stdlib.h>

#include "frontmatter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag *d = diag_new();
	struct fm_parts p;
	const char *text = (const char *)data;
	int split = fm_split(text, size, "f.md", &p, d);
	if (split == 0 && !p.has_fm)
		free(fm_missing_msg(text, size)); /* what an article without any is told */
	if (split == 0 && p.has_fm) {
		json_t *v = fm_parse_yaml(text + p.yaml_off, p.yaml_len, "f.md", p.yaml_line, d);
		if (v && !json_is_object(v) && !json_is_array(v) && !json_is_string(v) &&
		    !json_is_number(v) && !json_is_boolean(v) && !json_is_null(v))
			abort();
		json_decref(v);
		/* what build asks when a title or tags are not text */
		const char *keys[] = { "title", "tags" };
		for (int k = 0; k < 2; k++) {
			struct fm_untext u;
			if (fm_find_untext(text + p.yaml_off, p.yaml_len, p.yaml_line, keys[k], &u) == 0) {
				if (!u.read_as || !u.text || !u.fix || u.line < p.yaml_line || u.col < 1)
					abort();
				fm_untext_free(&u);
			}
		}
	}
	json_t *whole = fm_parse_yaml(text, size, "site.yml", 1, d);
	json_decref(whole);
	struct buf b = BUF_INIT;
	diag_format(d, &b);
	buf_free(&b);
	diag_free(d);
	return 0;
}
