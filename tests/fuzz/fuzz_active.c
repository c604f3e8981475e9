/* fuzz_active: the attachment check (active.c) on any bytes, as an SVG
 * (odd length) or other XML: it must end, read nothing outside the file,
 * and name a place inside it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "active.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *d = malloc(size ? size : 1);
	if (!d)
		return 0;
	memcpy(d, data, size);
	size_t at = 0;
	if (active_markup(d, size, (int)(size & 1), &at) && size && at >= size)
		abort();
	active_looks_html(d, size);
	active_looks_xml(d, size);
	free(d);
	return 0;
}
