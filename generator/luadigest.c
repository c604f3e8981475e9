/* luadigest: see luadigest.h. */
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "luadigest.h"

struct memo_slot {
	const void *p; /* NULL: empty */
	struct cache_key h;
};

struct walk {
	lua_State *L;
	const void *path[LUADIGEST_MAX_DEPTH]; /* the objects being walked */
	int depth;
	size_t visits;
	struct memo_slot *memo; /* digests that do not depend on the path */
	size_t cap, n;
};

static int value(struct walk *w, int idx, struct cache_key *out, int *ref);

static size_t slot_of(const struct walk *w, const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x & (w->cap - 1);
}

static int memo_get(const struct walk *w, const void *p, struct cache_key *out)
{
	if (!w->cap)
		return 0;
	for (size_t i = slot_of(w, p); w->memo[i].p; i = (i + 1) & (w->cap - 1)) {
		if (w->memo[i].p == p) {
			*out = w->memo[i].h;
			return 1;
		}
	}
	return 0;
}

static void memo_put(struct walk *w, const void *p, const struct cache_key *h)
{
	if (2 * (w->n + 1) > w->cap) {
		struct memo_slot *old = w->memo;
		size_t ocap = w->cap;
		w->cap = ocap ? 2 * ocap : 64;
		w->memo = xcalloc(w->cap, sizeof *w->memo);
		w->n = 0;
		for (size_t i = 0; i < ocap; i++)
			if (old[i].p)
				memo_put(w, old[i].p, &old[i].h);
		free(old);
	}
	size_t i = slot_of(w, p);
	while (w->memo[i].p)
		i = (i + 1) & (w->cap - 1);
	w->memo[i].p = p;
	w->memo[i].h = *h;
	w->n++;
}

static int cmp_key(const void *a, const void *b)
{
	const struct cache_key *x = a, *y = b;
	if (x->h[0] != y->h[0])
		return x->h[0] < y->h[0] ? -1 : 1;
	if (x->h[1] != y->h[1])
		return x->h[1] < y->h[1] ? -1 : 1;
	return 0;
}

static void put_key(struct cache_keybuf *kb, const struct cache_key *k)
{
	cache_key_bytes(kb, k->h, sizeof k->h);
}

/* The table's entries as a set (Lua's order of them differs from run
 * to run), then its metatable. */
static int table(struct walk *w, int idx, struct cache_keybuf *kb, int *ref)
{
	lua_State *L = w->L;
	struct cache_key *pairs = NULL;
	size_t n = 0, cap = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		struct cache_key k, v;
		int top = lua_gettop(L);
		if (value(w, top - 1, &k, ref) < 0 || value(w, top, &v, ref) < 0) {
			lua_pop(L, 2);
			free(pairs);
			return -1;
		}
		lua_pop(L, 1);
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			pairs = xrealloc(pairs, cap * sizeof *pairs);
		}
		struct cache_keybuf pb;
		cache_key_begin(NULL, &pb, "entry");
		put_key(&pb, &k);
		put_key(&pb, &v);
		pairs[n++] = cache_key_end(&pb);
	}
	if (n)
		qsort(pairs, n, sizeof *pairs, cmp_key);
	cache_key_int(kb, (long long)n);
	for (size_t i = 0; i < n; i++)
		put_key(kb, &pairs[i]);
	free(pairs);
	if (!lua_getmetatable(L, idx)) {
		cache_key_int(kb, 0);
		return 0;
	}
	struct cache_key m;
	int rc = value(w, lua_gettop(L), &m, ref);
	lua_pop(L, 1);
	if (rc == 0)
		put_key(kb, &m);
	return rc;
}

static int dump_writer(lua_State *L, const void *p, size_t sz, void *ud)
{
	(void)L;
	cache_key_bytes(ud, p, sz);
	return 0;
}

/* A C function by its library and its place in it: the same in every
 * run of the same binaries, where its address is not. */
static int c_function(lua_State *L, int idx, struct cache_keybuf *kb)
{
	lua_CFunction f = lua_tocfunction(L, idx);
	void *addr;
	Dl_info info;
	memcpy(&addr, &f, sizeof addr);
	if (!dladdr(addr, &info) || !info.dli_fname)
		return -1;
	const char *base = strrchr(info.dli_fname, '/');
	cache_key_str(kb, base ? base + 1 : info.dli_fname);
	cache_key_int(kb, (long long)((const char *)addr - (const char *)info.dli_fbase));
	return 0;
}

/* A Lua function by its code (with its debug information: error
 * messages quote lines), then its upvalues. */
static int function(struct walk *w, int idx, struct cache_keybuf *kb, int *ref)
{
	lua_State *L = w->L;
	if (lua_iscfunction(L, idx)) {
		if (c_function(L, idx, kb) < 0)
			return -1;
	} else {
		lua_pushvalue(L, idx);
		int rc = lua_dump(L, dump_writer, kb, 0);
		lua_pop(L, 1);
		if (rc != 0)
			return -1;
	}
	for (int i = 1; lua_getupvalue(L, idx, i); i++) {
		struct cache_key u;
		int rc = value(w, lua_gettop(L), &u, ref);
		lua_pop(L, 1);
		if (rc < 0)
			return -1;
		put_key(kb, &u);
	}
	return 0;
}

static int userdata(struct walk *w, int idx, struct cache_keybuf *kb, int *ref)
{
	lua_State *L = w->L;
	cache_key_bytes(kb, lua_touserdata(L, idx), lua_rawlen(L, idx));
	struct cache_key u;
	for (int i = 1; lua_getiuservalue(L, idx, i) != LUA_TNONE; i++) {
		int rc = value(w, lua_gettop(L), &u, ref);
		lua_pop(L, 1);
		if (rc < 0)
			return -1;
		put_key(kb, &u);
	}
	lua_pop(L, 1);
	if (!lua_getmetatable(L, idx)) {
		cache_key_int(kb, 0);
		return 0;
	}
	int rc = value(w, lua_gettop(L), &u, ref);
	lua_pop(L, 1);
	if (rc == 0)
		put_key(kb, &u);
	return rc;
}

/* A table, function or userdata.  One being walked (a cycle) is named by
 * how many levels up it is; *ref becomes the highest level such a name
 * reached.  An object none of whose names reach above it has a digest
 * of its own, kept for when it is met again. */
static int object(struct walk *w, int idx, int type, struct cache_keybuf *kb, int *ref)
{
	const void *p = lua_topointer(w->L, idx);
	for (int d = w->depth - 1; d >= 0; d--) {
		if (w->path[d] == p) {
			cache_key_int(kb, -1);
			cache_key_int(kb, w->depth - d);
			if (d < *ref)
				*ref = d;
			return 0;
		}
	}
	struct cache_key h;
	if (memo_get(w, p, &h)) {
		put_key(kb, &h);
		return 0;
	}
	if (w->depth >= LUADIGEST_MAX_DEPTH || !lua_checkstack(w->L, 8))
		return -1;
	int level = w->depth;
	w->path[w->depth++] = p;
	int mine = INT_MAX, rc;
	struct cache_keybuf ob;
	cache_key_begin(NULL, &ob, "object");
	cache_key_int(&ob, type);
	if (type == LUA_TTABLE)
		rc = table(w, idx, &ob, &mine);
	else if (type == LUA_TFUNCTION)
		rc = function(w, idx, &ob, &mine);
	else
		rc = userdata(w, idx, &ob, &mine);
	w->depth--;
	if (rc < 0)
		return -1;
	h = cache_key_end(&ob);
	put_key(kb, &h);
	if (mine >= level)
		memo_put(w, p, &h);
	else if (mine < *ref)
		*ref = mine;
	return 0;
}

static int value(struct walk *w, int idx, struct cache_key *out, int *ref)
{
	lua_State *L = w->L;
	if (++w->visits > LUADIGEST_MAX_VISITS)
		return -1;
	struct cache_keybuf kb;
	cache_key_begin(NULL, &kb, "value");
	int type = lua_type(L, idx);
	cache_key_int(&kb, type);
	switch (type) {
	case LUA_TNIL:
	case LUA_TLIGHTUSERDATA: /* a pointer: differs from run to run */
		break;
	case LUA_TBOOLEAN:
		cache_key_int(&kb, lua_toboolean(L, idx));
		break;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			cache_key_int(&kb, 1);
			cache_key_int(&kb, (long long)lua_tointeger(L, idx));
		} else {
			lua_Number x = lua_tonumber(L, idx);
			cache_key_int(&kb, 2);
			cache_key_bytes(&kb, &x, sizeof x);
		}
		break;
	case LUA_TSTRING: {
		size_t n;
		const char *s = lua_tolstring(L, idx, &n);
		cache_key_bytes(&kb, s, n);
		break;
	}
	case LUA_TTABLE:
	case LUA_TFUNCTION:
	case LUA_TUSERDATA:
		if (object(w, idx, type, &kb, ref) < 0)
			return -1;
		break;
	default: /* a coroutine: where it stopped is not to be had */
		return -1;
	}
	*out = cache_key_end(&kb);
	return 0;
}

int luadigest(lua_State *L, int idx, struct cache_keybuf *kb)
{
	struct walk w = { .L = L };
	struct cache_key h;
	int ref = INT_MAX;
	int rc = value(&w, lua_absindex(L, idx), &h, &ref);
	free(w.memo);
	if (rc == 0)
		put_key(kb, &h);
	return rc;
}
