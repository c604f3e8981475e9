/* luadigest: see luadigest.h. */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "luadigest.h"

/* What the stream says before each value: its Lua type, or one of these. */
enum { D_SEEN = 100, D_CONSTANT, D_UPVALUE, D_UPVALUE_SEEN, D_NO_METATABLE };

struct walk {
	lua_State *L;
	const struct luadigest_opts *o;
	struct cache_keybuf *kb;
	int seen;  /* stack index: object (or upvalue id) -> its number */
	int codes; /* stack index: Lua function -> its code's digest; 0: none */
	lua_Integer next;
	size_t visits;
	int depth;
};

static int visit(struct walk *w, int idx);

/* A table key, as sorted: type, then value. */
struct key {
	int type, integer;
	lua_Integer i;
	lua_Number x;
	const char *s;
	size_t len;
	int slot; /* where the key is kept (keys table) */
};

static int cmp_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->type == LUA_TSTRING) {
		if (x->len != y->len)
			return x->len < y->len ? -1 : 1;
		return memcmp(x->s, y->s, x->len);
	}
	if (x->integer != y->integer)
		return x->integer ? -1 : 1;
	if (x->integer || x->type == LUA_TBOOLEAN)
		return x->i < y->i ? -1 : x->i > y->i;
	return x->x < y->x ? -1 : x->x > y->x;
}

/* The key on top of the stack into k; -1 for a key that cannot be
 * sorted the same in every run (a table, a function, ...). */
static int key_of(lua_State *L, struct key *k)
{
	memset(k, 0, sizeof *k);
	k->type = lua_type(L, -1);
	switch (k->type) {
	case LUA_TBOOLEAN:
		k->i = lua_toboolean(L, -1);
		return 0;
	case LUA_TNUMBER:
		k->integer = lua_isinteger(L, -1);
		if (k->integer)
			k->i = lua_tointeger(L, -1);
		else
			k->x = lua_tonumber(L, -1);
		return 0;
	case LUA_TSTRING:
		k->s = lua_tolstring(L, -1, &k->len);
		return 0;
	default:
		return -1;
	}
}

/* Its length (a border: which one depends on how it was filled), its
 * entries in key order, then its metatable. */
static int table(struct walk *w, int idx)
{
	lua_State *L = w->L;
	struct key *keys = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	lua_newtable(L); /* the keys, to push each again in order */
	int kt = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			keys = xrealloc(keys, cap * sizeof *keys);
		}
		if (key_of(L, &keys[n]) < 0) {
			lua_pop(L, 1);
			rc = -1;
			break;
		}
		keys[n].slot = (int)n + 1;
		lua_pushvalue(L, -1);
		lua_rawseti(L, kt, (lua_Integer)n + 1);
		n++;
	}
	if (rc == 0) {
		if (n)
			qsort(keys, n, sizeof *keys, cmp_key);
		cache_key_int(w->kb, (long long)lua_rawlen(L, idx));
		cache_key_int(w->kb, (long long)n);
	}
	for (size_t k = 0; rc == 0 && k < n; k++) {
		lua_rawgeti(L, kt, keys[k].slot);
		rc = visit(w, lua_gettop(L));
		lua_rawget(L, idx);
		if (rc == 0)
			rc = visit(w, lua_gettop(L));
		lua_pop(L, 1);
	}
	free(keys);
	lua_pop(L, 1);
	if (rc < 0)
		return -1;
	if (!lua_getmetatable(L, idx)) {
		cache_key_int(w->kb, D_NO_METATABLE);
		return 0;
	}
	rc = visit(w, lua_gettop(L));
	lua_pop(L, 1);
	return rc;
}

static int dump_writer(lua_State *L, const void *p, size_t sz, void *ud)
{
	(void)L;
	cache_key_bytes(ud, p, sz);
	return 0;
}

/* A Lua function's code, with its debug information (error messages
 * quote lines): its digest is kept by function between walks. */
static int lua_code(struct walk *w, int idx)
{
	lua_State *L = w->L;
	if (w->codes) {
		lua_pushvalue(L, idx);
		lua_rawget(L, w->codes);
		if (lua_type(L, -1) == LUA_TSTRING) {
			size_t len;
			const char *s = lua_tolstring(L, -1, &len);
			cache_key_bytes(w->kb, s, len);
			lua_pop(L, 1);
			return 0;
		}
		lua_pop(L, 1);
	}
	struct cache_keybuf cb;
	cache_key_begin(NULL, &cb, "lua code");
	lua_pushvalue(L, idx);
	int rc = lua_dump(L, dump_writer, &cb, 0);
	lua_pop(L, 1);
	if (rc != 0)
		return -1;
	struct cache_key k = cache_key_end(&cb);
	cache_key_bytes(w->kb, k.h, sizeof k.h);
	if (w->codes) {
		lua_pushvalue(L, idx);
		lua_pushlstring(L, (const char *)k.h, sizeof k.h);
		lua_rawset(L, w->codes);
	}
	return 0;
}

/* A C function by its library and its place in it: the same in every
 * run of the same binaries, where its address is not. */
static int c_code(struct walk *w, int idx)
{
	lua_CFunction f = lua_tocfunction(w->L, idx);
	void *addr;
	Dl_info info;
	memcpy(&addr, &f, sizeof addr);
	if (!addr || !dladdr(addr, &info) || !info.dli_fname)
		return -1;
	const char *base = strrchr(info.dli_fname, '/');
	cache_key_str(w->kb, base ? base + 1 : info.dli_fname);
	cache_key_int(w->kb, (long long)((const char *)addr - (const char *)info.dli_fbase));
	return 0;
}

/* Its code, then its upvalues: each numbered when first met, so that
 * two functions sharing one (a local both close over) say so. */
static int function(struct walk *w, int idx)
{
	lua_State *L = w->L;
	if ((lua_iscfunction(L, idx) ? c_code(w, idx) : lua_code(w, idx)) < 0)
		return -1;
	for (int i = 1; lua_getupvalue(L, idx, i); i++) {
		lua_pushlightuserdata(L, lua_upvalueid(L, idx, i));
		lua_rawget(L, w->seen);
		if (lua_isinteger(L, -1)) {
			cache_key_int(w->kb, D_UPVALUE_SEEN);
			cache_key_int(w->kb, (long long)lua_tointeger(L, -1));
			lua_pop(L, 2);
			continue;
		}
		lua_pop(L, 1);
		lua_pushlightuserdata(L, lua_upvalueid(L, idx, i));
		lua_pushinteger(L, ++w->next);
		lua_rawset(L, w->seen);
		cache_key_int(w->kb, D_UPVALUE);
		int rc = visit(w, lua_gettop(L));
		lua_pop(L, 1);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int userdata(struct walk *w, int idx)
{
	lua_State *L = w->L;
	const void *p = lua_touserdata(L, idx);
	size_t k = 0;
	while (k < w->o->nplain_ud && w->o->plain_ud[k] != p)
		k++;
	if (k == w->o->nplain_ud)
		return -1;
	cache_key_bytes(w->kb, p, lua_rawlen(L, idx));
	for (int i = 1; lua_getiuservalue(L, idx, i) != LUA_TNONE; i++) {
		int rc = visit(w, lua_gettop(L));
		lua_pop(L, 1);
		if (rc < 0)
			return -1;
	}
	lua_pop(L, 1);
	if (!lua_getmetatable(L, idx)) {
		cache_key_int(w->kb, D_NO_METATABLE);
		return 0;
	}
	int rc = visit(w, lua_gettop(L));
	lua_pop(L, 1);
	return rc;
}

/* A table, function or userdata: its number if met before, else it is
 * numbered and walked. */
static int object(struct walk *w, int idx, int type)
{
	lua_State *L = w->L;
	if (w->o->constant && lua_topointer(L, idx) == w->o->constant) {
		cache_key_int(w->kb, D_CONSTANT);
		return 0;
	}
	lua_pushvalue(L, idx);
	lua_rawget(L, w->seen);
	if (lua_isinteger(L, -1)) {
		cache_key_int(w->kb, D_SEEN);
		cache_key_int(w->kb, (long long)lua_tointeger(L, -1));
		lua_pop(L, 1);
		return 0;
	}
	lua_pop(L, 1);
	if (w->depth >= LUADIGEST_MAX_DEPTH || !lua_checkstack(L, 8))
		return -1;
	lua_pushvalue(L, idx);
	lua_pushinteger(L, ++w->next);
	lua_rawset(L, w->seen);
	cache_key_int(w->kb, type);
	w->depth++;
	int rc = type == LUA_TTABLE ? table(w, idx) : type == LUA_TFUNCTION ? function(w, idx) : userdata(w, idx);
	w->depth--;
	return rc;
}

static int visit(struct walk *w, int idx)
{
	lua_State *L = w->L;
	if (++w->visits > (w->o->max_visits ? w->o->max_visits : LUADIGEST_MAX_VISITS))
		return -1;
	int type = lua_type(L, idx);
	switch (type) {
	case LUA_TNIL:
	case LUA_TLIGHTUSERDATA: /* a pointer: differs from run to run */
		cache_key_int(w->kb, type);
		return 0;
	case LUA_TBOOLEAN:
		cache_key_int(w->kb, type);
		cache_key_int(w->kb, lua_toboolean(L, idx));
		return 0;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			cache_key_int(w->kb, type);
			cache_key_int(w->kb, (long long)lua_tointeger(L, idx));
		} else {
			lua_Number x = lua_tonumber(L, idx);
			cache_key_int(w->kb, -type);
			cache_key_bytes(w->kb, &x, sizeof x);
		}
		return 0;
	case LUA_TSTRING: {
		size_t n;
		const char *s = lua_tolstring(L, idx, &n);
		cache_key_int(w->kb, type);
		cache_key_bytes(w->kb, s, n);
		return 0;
	}
	case LUA_TTABLE:
	case LUA_TFUNCTION:
	case LUA_TUSERDATA:
		return object(w, idx, type);
	default: /* a coroutine: where it stopped is not to be had */
		return -1;
	}
}

/* Protected: the walk allocates (its tables of what it met), and an
 * allocation may fail. */
static int walk_all(lua_State *L)
{
	struct walk *w = lua_touserdata(L, lua_gettop(L));
	int n = lua_gettop(L) - 1, rc = 0;
	w->L = L;
	lua_newtable(L);
	w->seen = lua_gettop(L);
	if (w->o->code_key) {
		if (lua_rawgetp(L, LUA_REGISTRYINDEX, w->o->code_key) != LUA_TTABLE) {
			lua_pop(L, 1);
			lua_newtable(L);
			/* weak keys: a digest kept must not keep its function
			 * (and all its upvalues hold) from being collected */
			lua_createtable(L, 0, 1);
			lua_pushliteral(L, "k");
			lua_setfield(L, -2, "__mode");
			lua_setmetatable(L, -2);
			lua_pushvalue(L, -1);
			lua_rawsetp(L, LUA_REGISTRYINDEX, w->o->code_key);
		}
		w->codes = lua_gettop(L);
	}
	for (int i = 1; rc == 0 && i <= n; i++)
		rc = visit(w, i);
	lua_pushboolean(L, rc == 0);
	return 1;
}

int luadigest(lua_State *L, int n, const struct luadigest_opts *o, struct cache_keybuf *kb)
{
	if (!lua_checkstack(L, n + 3))
		return -1;
	struct walk w = { .L = L, .o = o, .kb = kb };
	int base = lua_gettop(L) - n + 1;
	/* no collection while walking: a finalizer would run Lua code, and
	 * change what is being digested */
	int running = lua_gc(L, LUA_GCISRUNNING);
	lua_gc(L, LUA_GCSTOP);
	lua_pushcfunction(L, walk_all);
	for (int i = 0; i < n; i++)
		lua_pushvalue(L, base + i);
	lua_pushlightuserdata(L, &w);
	int ok = lua_pcall(L, n + 1, 1, 0) == LUA_OK && lua_toboolean(L, -1);
	lua_pop(L, 1);
	if (running)
		lua_gc(L, LUA_GCRESTART);
	return ok ? 0 : -1;
}
