/* frontmatter: front matter splitting and YAML → json_t. */
#include "frontmatter.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "buf.h"

#define FM_MAX_DEPTH 32

/* A line is a fence when it is exactly "---" with optional trailing
 * spaces and CR. */
static int is_fence(const char *p, size_t n)
{
	if (n < 3 || memcmp(p, "---", 3) != 0)
		return 0;
	for (size_t i = 3; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

int fm_split(const char *text, size_t len, const char *path,
	     struct fm_parts *out, struct diag *d)
{
	size_t pos = 0;
	memset(out, 0, sizeof *out);
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	out->body_off = pos;
	out->body_line = 1;
	const char *nl = memchr(text + pos, '\n', len - pos);
	size_t first_len = (nl ? (size_t)(nl - text) : len) - pos;
	if (!is_fence(text + pos, first_len))
		return 0;
	if (!nl) {
		diag_error(d, path, 1, 1, "front matter is not closed: add a line '---' after it");
		return -1;
	}
	size_t line_start = (size_t)(nl - text) + 1;
	int line = 2;
	out->yaml_off = line_start;
	out->yaml_line = 2;
	while (line_start < len) {
		const char *e = memchr(text + line_start, '\n', len - line_start);
		size_t end = e ? (size_t)(e - text) : len;
		if (is_fence(text + line_start, end - line_start)) {
			out->has_fm = 1;
			out->yaml_len = line_start - out->yaml_off;
			out->body_off = e ? end + 1 : len;
			out->body_line = line + 1;
			return 0;
		}
		line_start = end + 1;
		line++;
	}
	diag_error(d, path, 1, 1, "front matter is not closed: add a line '---' after it");
	return -1;
}

struct yp {
	yaml_parser_t parser;
	const char *path;
	int line0;
	struct diag *d;
	int failed;
};

static void yp_error_at(struct yp *y, yaml_mark_t m, const char *msg, const char *detail)
{
	diag_error(y->d, y->path, (int)m.line + y->line0, (int)m.column + 1,
		   "%s%s%s", msg, detail ? ": " : "", detail ? detail : "");
	y->failed = 1;
}

/* Plain scalars take YAML 1.2 core-schema types; quoted ones stay strings. */
static json_t *scalar_value(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return json_stringn(s, n);
	if (n == 0 || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL"))
		return json_null();
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		return json_true();
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return json_false();
	if (strlen(s) == n) {
		char *end;
		errno = 0;
		long long v = strtoll(s, &end, 10);
		if (*end == '\0' && errno == 0 && (s[0] == '-' || s[0] == '+' || (s[0] >= '0' && s[0] <= '9')))
			return json_integer(v);
		errno = 0;
		double dv = strtod(s, &end);
		if (*end == '\0' && errno == 0 && isfinite(dv) &&
		    (s[0] == '-' || s[0] == '+' || s[0] == '.' || (s[0] >= '0' && s[0] <= '9')))
			return json_real(dv);
	}
	json_t *v = json_stringn(s, n);
	return v ? v : json_string("");
}

static int next_event(struct yp *y, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&y->parser, ev)) {
		yp_error_at(y, y->parser.problem_mark, "invalid YAML",
			    y->parser.problem ? y->parser.problem : "syntax error");
		return -1;
	}
	return 0;
}

static json_t *parse_node(struct yp *y, yaml_event_t *ev, int depth);

static int check_tag(struct yp *y, const yaml_event_t *ev, const unsigned char *tag)
{
	(void)ev;
	if (!tag)
		return 0;
	const char *t = (const char *)tag;
	if (!strcmp(t, YAML_STR_TAG) || !strcmp(t, YAML_MAP_TAG) || !strcmp(t, YAML_SEQ_TAG) || !strcmp(t, "!"))
		return 0;
	yp_error_at(y, ev->start_mark, "custom YAML tags are not allowed", t);
	return -1;
}

static json_t *parse_seq(struct yp *y, int depth)
{
	json_t *arr = json_array();
	for (;;) {
		yaml_event_t ev;
		if (next_event(y, &ev) < 0)
			goto fail;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return arr;
		}
		json_t *v = parse_node(y, &ev, depth + 1);
		yaml_event_delete(&ev);
		if (!v)
			goto fail;
		json_array_append_new(arr, v);
	}
fail:
	json_decref(arr);
	return NULL;
}

static json_t *parse_map(struct yp *y, int depth)
{
	json_t *obj = json_object();
	for (;;) {
		yaml_event_t kev;
		if (next_event(y, &kev) < 0)
			goto fail;
		if (kev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&kev);
			return obj;
		}
		if (kev.type != YAML_SCALAR_EVENT) {
			yp_error_at(y, kev.start_mark, "a key must be plain text", NULL);
			yaml_event_delete(&kev);
			goto fail;
		}
		if (check_tag(y, &kev, kev.data.scalar.tag) < 0) {
			yaml_event_delete(&kev);
			goto fail;
		}
		char *key = xstrndup((const char *)kev.data.scalar.value, kev.data.scalar.length);
		yaml_mark_t kmark = kev.start_mark;
		yaml_event_delete(&kev);
		yaml_event_t vev;
		if (next_event(y, &vev) < 0) {
			free(key);
			goto fail;
		}
		json_t *v = parse_node(y, &vev, depth + 1);
		yaml_event_delete(&vev);
		if (!v) {
			free(key);
			goto fail;
		}
		if (json_object_get(obj, key)) {
			yp_error_at(y, kmark, "duplicate key", key);
			json_decref(v);
			free(key);
			continue;
		}
		json_object_set_new(obj, key, v);
		free(key);
	}
fail:
	json_decref(obj);
	return NULL;
}

static json_t *parse_node(struct yp *y, yaml_event_t *ev, int depth)
{
	if (depth > FM_MAX_DEPTH) {
		yp_error_at(y, ev->start_mark, "YAML nested too deeply", NULL);
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (check_tag(y, ev, ev->data.scalar.tag) < 0)
			return NULL;
		return scalar_value(ev);
	case YAML_SEQUENCE_START_EVENT:
		if (check_tag(y, ev, ev->data.sequence_start.tag) < 0)
			return NULL;
		return parse_seq(y, depth);
	case YAML_MAPPING_START_EVENT:
		if (check_tag(y, ev, ev->data.mapping_start.tag) < 0)
			return NULL;
		return parse_map(y, depth);
	case YAML_ALIAS_EVENT:
		yp_error_at(y, ev->start_mark, "YAML aliases (*name) are not supported", NULL);
		return NULL;
	default:
		yp_error_at(y, ev->start_mark, "unexpected YAML structure", NULL);
		return NULL;
	}
}

json_t *fm_parse_yaml(const char *yaml, size_t len, const char *path,
		      int first_line, struct diag *d)
{
	struct yp y = { .path = path, .line0 = first_line, .d = d };
	json_t *root = NULL;
	yaml_event_t ev;
	int started = 0;

	if (memchr(yaml, '\0', len)) {
		diag_error(d, path, first_line, 1, "front matter contains a NUL byte");
		return NULL;
	}
	yaml_parser_initialize(&y.parser);
	yaml_parser_set_input_string(&y.parser, (const unsigned char *)yaml, len);
	for (;;) {
		if (next_event(&y, &ev) < 0)
			goto fail;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_STREAM_START_EVENT || ev.type == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			if (started++) {
				yp_error_at(&y, y.parser.mark, "only one YAML document is allowed", NULL);
				goto fail;
			}
			continue;
		}
		if (root) {
			yaml_event_delete(&ev);
			break;
		}
		root = parse_node(&y, &ev, 0);
		yaml_event_delete(&ev);
		if (!root)
			goto fail;
	}
	yaml_parser_delete(&y.parser);
	if (y.failed) {
		json_decref(root);
		return NULL;
	}
	if (!root || json_is_null(root)) {
		json_decref(root);
		return json_object();
	}
	return root;
fail:
	yaml_parser_delete(&y.parser);
	json_decref(root);
	return NULL;
}

int fm_key_line(const char *yaml, size_t len, int first_line, const char *key)
{
	size_t klen = strlen(key);
	int line = first_line;
	for (size_t i = 0; i < len;) {
		if (len - i > klen && memcmp(yaml + i, key, klen) == 0 &&
		    (yaml[i + klen] == ':' || yaml[i + klen] == ' '))
			return line;
		const char *nl = memchr(yaml + i, '\n', len - i);
		if (!nl)
			break;
		i = (size_t)(nl - yaml) + 1;
		line++;
	}
	return 0;
}
