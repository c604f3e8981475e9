/* libFuzzer harness for generator/luapattern.c: the input is split at its
 * first NUL byte into the subject and the pattern (no NUL: the whole input
 * is the pattern, matched against a fixed sample text).  find, match,
 * gmatch and gsub run with a small step limit, so the slowest pattern
 * stops quickly.  Besides the sanitizers it checks what callers rely on:
 * find's positions lie inside the subject, find and match agree on whether
 * there is a match, gsub with "%0" gives the subject back, and gsub with a
 * function returning its first argument equals gsub with "%1".
 *
 * Build: clang -fsanitize=fuzzer,address,undefined -Igenerator
 *   tests/fuzz/fuzz_luapattern.c generator/luapattern.c
 *   $(pkg-config --cflags --libs lua5.4) -o fuzz_luapattern
 * Run:   ./fuzz_luapattern tests/fuzz/corpus/luapattern */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "luapattern.h"

/* Matcher steps one call may take. */
#define LP_STEP_LIMIT 200000

struct lp_budget {
	long left;
	int hit; /* the limit stopped a call */
};

static void lp_tick(lua_State *L, void *ctx, unsigned steps)
{
	struct lp_budget *b = ctx;
	b->left -= (long)steps;
	if (b->left <= 0) {
		b->hit = 1;
		luaL_error(L, "step limit");
	}
}

static int lp_first_arg(lua_State *L)
{
	lua_settop(L, 1);
	return 1;
}

static void lp_fail(const char *what, const char *s, size_t ls,
		    const char *p, size_t lp)
{
	fprintf(stderr, "luapattern: %s\nsubject (%zu bytes): %.*s\n"
			"pattern (%zu bytes): %.*s\n",
		what, ls, (int)ls, s, lp, (int)lp, p);
	abort();
}

/* Calls lib[name](subject, pattern, extra...) with nargs extra values
 * already on the stack; leaves the results (or the error) and returns the
 * lua_pcall status.  The budget starts afresh for each call. */
static int lp_call(lua_State *L, struct lp_budget *b, int lib,
		   const char *name, const char *s, size_t ls, const char *p,
		   size_t lp, int nargs)
{
	int base = lua_gettop(L) - nargs;
	lua_getfield(L, lib, name);
	lua_pushlstring(L, s, ls);
	lua_pushlstring(L, p, lp);
	lua_rotate(L, base + 1, 3);
	b->left = LP_STEP_LIMIT;
	b->hit = 0;
	return lua_pcall(L, nargs + 2, LUA_MULTRET, 0);
}

static void lp_run(lua_State *L, struct lp_budget *b, int lib, const char *s,
		   size_t ls, const char *p, size_t lp)
{
	/* find: positions inside the subject */
	int top = lua_gettop(L);
	int st = lp_call(L, b, lib, "find", s, ls, p, lp, 0);
	int find_hit = b->hit, found = -1;
	if (st == LUA_OK) {
		found = !lua_isnil(L, top + 1);
		if (found) {
			lua_Integer i = lua_tointeger(L, top + 1);
			lua_Integer j = lua_tointeger(L, top + 2);
			if (i < 1 || j < i - 1 || j > (lua_Integer)ls)
				lp_fail("find returned positions outside the "
					"subject", s, ls, p, lp);
		}
	}
	lua_settop(L, top);

	/* match: succeeds exactly when find does */
	st = lp_call(L, b, lib, "match", s, ls, p, lp, 0);
	if (st == LUA_OK && found >= 0 && !find_hit &&
	    found != !lua_isnil(L, top + 1))
		lp_fail("find and match disagree", s, ls, p, lp);
	lua_settop(L, top);

	/* gsub with "%0": the subject unchanged */
	lua_pushliteral(L, "%0");
	st = lp_call(L, b, lib, "gsub", s, ls, p, lp, 1);
	if (st == LUA_OK) {
		size_t lr;
		const char *r = lua_tolstring(L, top + 1, &lr);
		if (!r || lr != ls || memcmp(r, s, ls) != 0)
			lp_fail("gsub with %0 changed the subject", s, ls, p, lp);
	}
	lua_settop(L, top);

	/* gsub with a function equals gsub with "%1" */
	lua_pushliteral(L, "%1");
	lua_pushinteger(L, 8);
	st = lp_call(L, b, lib, "gsub", s, ls, p, lp, 2);
	int hit = b->hit;
	lua_pushcfunction(L, lp_first_arg);
	lua_pushinteger(L, 8);
	int st2 = lp_call(L, b, lib, "gsub", s, ls, p, lp, 2);
	if (st == LUA_OK && st2 == LUA_OK && !hit && !b->hit &&
	    (lua_compare(L, top + 1, lua_gettop(L) - 1, LUA_OPEQ) != 1 ||
	     lua_compare(L, top + 2, lua_gettop(L), LUA_OPEQ) != 1))
		lp_fail("gsub with a function differs from gsub with %1", s,
			ls, p, lp);
	lua_settop(L, top);

	/* gmatch from the second byte, for a few matches */
	lua_pushinteger(L, 2);
	if (lp_call(L, b, lib, "gmatch", s, ls, p, lp, 1) == LUA_OK) {
		int it = lua_gettop(L);
		for (int k = 0; k < 16; k++) {
			lua_settop(L, it);
			lua_pushvalue(L, it);
			b->left = LP_STEP_LIMIT;
			if (lua_pcall(L, 0, 1, 0) != LUA_OK || lua_isnil(L, -1))
				break;
		}
	}
	lua_settop(L, top);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sample[] =
		"Costs (and [[court-orders|orders]]) on 2024-01-31: 100% of "
		"f(a(b)c)d, aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.";
	const char *in = (const char *)data;
	const char *nul = memchr(in, '\0', size);
	const char *s = sample, *p = in;
	size_t ls = sizeof sample - 1, lp = size;
	if (nul) {
		s = in;
		ls = (size_t)(nul - in);
		p = nul + 1;
		lp = size - ls - 1;
	}
	lua_State *L = luaL_newstate();
	if (!L)
		return 0;
	struct lp_budget b = { 0, 0 };
	struct luapat_guard g = { lp_tick, &b, 0 };
	lua_newtable(L);
	luapat_register(L, -1, &g);
	lp_run(L, &b, lua_gettop(L), s, ls, p, lp);
	lua_close(L);
	return 0;
}
