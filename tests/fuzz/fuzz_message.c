/* libFuzzer harness for message_blocks (generator/message.c): whatever a
 * commit message's body holds, nothing of it is lost — every character
 * but spacing and list markers ("-", "*", "+", the "." or ")" after a
 * number, whose digits are the item's value) is in exactly one block —
 * and every block has every key a template looks up. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "message.h"

static size_t msg_ink(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++)
		n += *s != ' ' && *s != '\t' && *s != '\n';
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* (a body is a C string, checked as UTF-8 by then; \r is spacing) */
	char *body = malloc(size + 1);
	if (!body)
		return 0;
	memcpy(body, data, size);
	body[size] = '\0';
	size_t len = strlen(body);
	for (char *p = body; *p; p++)
		if (*p == '\r')
			*p = ' ';
	json_t *a = message_blocks(body);
	size_t ink = 0, i;
	json_t *b;
	json_array_foreach(a, i, b) {
		const char *keys[] = { "text", "lines", "list", "ordered", "items", "code" };
		for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
			if (!json_object_get(b, keys[k]))
				abort();
		ink += msg_ink(json_string_value(json_object_get(b, "text")));
		ink += msg_ink(json_string_value(json_object_get(b, "code")));
		size_t j;
		json_t *it;
		json_array_foreach(json_object_get(b, "items"), j, it) {
			ink += msg_ink(json_string_value(json_object_get(it, "text"))) + 1;
			ink += msg_ink(json_string_value(json_object_get(it, "value")));
		}
	}
	if (utf8_is_valid(body, len) && ink != msg_ink(body))
		abort();
	json_t *p = message_paragraphs(a);
	if (json_array_size(p) != json_array_size(a))
		abort();
	json_decref(p);
	json_decref(a);
	message_long(body);
	free(body);
	return 0;
}
