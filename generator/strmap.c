#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

static struct strmap_entry *strmap_slot(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = str_hash(key, strlen(key)) & (m->cap - 1);; i = (i + 1) & (m->cap - 1))
		if (!m->v[i].key || !strcmp(m->v[i].key, key))
			return &m->v[i];
}

const struct strmap_entry *strmap_get(const struct strmap *m, const char *key)
{
	const struct strmap_entry *e = strmap_slot(m, key);
	return e && e->key ? e : NULL;
}

void strmap_put(struct strmap *m, const char *key, const char *val)
{
	if (2 * (m->n + 1) > m->cap) {
		struct strmap big = { xcalloc(m->cap ? 2 * m->cap : 64, sizeof *big.v), m->n, m->cap ? 2 * m->cap : 64 };
		for (size_t i = 0; i < m->cap; i++)
			if (m->v[i].key)
				*strmap_slot(&big, m->v[i].key) = m->v[i];
		free(m->v);
		*m = big;
	}
	struct strmap_entry *e = strmap_slot(m, key);
	if (e->key)
		return;
	e->key = xstrdup(key);
	e->val = val ? xstrdup(val) : NULL;
	m->n++;
}

void strmap_free(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->v[i].key);
		free(m->v[i].val);
	}
	free(m->v);
}

