/* luadigest: equal Lua states digest alike across lua_States (whose table
 * orders differ), and any difference a function could read changes it. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "luadigest.h"
#include "unit.h"

/* Runs src in a fresh state and digests the value it returns: 0 and *k,
 * or -1.  pad adds that many unrelated strings first, so that the two
 * states' tables lay out their keys differently. */
static int digest_of(const char *src, int pad, struct cache_key *k)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	lua_newtable(L);
	for (int i = 0; i < pad; i++) {
		lua_pushfstring(L, "padding-%d", i * 7919);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setglobal(L, "padding");
	/* one chunk name for all: a function's digest includes its source's */
	if (luaL_loadbuffer(L, src, strlen(src), "=test") != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK) {
		printf("    lua: %s\n", lua_tostring(L, -1));
		lua_close(L);
		return -2;
	}
	struct cache_keybuf kb;
	struct luadigest_opts o = { 0 };
	cache_key_begin(NULL, &kb, "t");
	int rc = luadigest(L, 1, &o, &kb);
	*k = cache_key_end(&kb);
	lua_close(L);
	return rc;
}

static int same(const char *a, const char *b)
{
	struct cache_key x, y;
	if (digest_of(a, 0, &x) != 0 || digest_of(b, 300, &y) != 0)
		return -1;
	return x.h[0] == y.h[0] && x.h[1] == y.h[1];
}

#define BIG_TABLE                                                            \
	"local t = {} for i = 1, 200 do t['k' .. i] = i * 3 end "

static void equal_states_digest_alike_whatever_their_table_order(void)
{
	CHECK(same(BIG_TABLE "return t", BIG_TABLE "return t") == 1);
	/* the same entries put in the other order */
	CHECK(same(BIG_TABLE "return t",
		   "local t = {} for i = 200, 1, -1 do t['k' .. i] = i * 3 end return t") == 1);
}

static void a_changed_value_anywhere_changes_the_digest(void)
{
	CHECK(same(BIG_TABLE "return t", BIG_TABLE "t.k77 = 0 return t") == 0);
	CHECK(same("return { a = { b = { c = 'x' } } }", "return { a = { b = { c = 'y' } } }") == 0);
	CHECK(same("return { a = 1 }", "return { a = 1.0 }") == 0);
	CHECK(same("return { a = 1 }", "return { a = '1' }") == 0);
	CHECK(same("return { [1] = true }", "return { [2] = true }") == 0);
	CHECK(same("return setmetatable({}, { __index = { x = 1 } })",
		   "return setmetatable({}, { __index = { x = 2 } })") == 0);
}

static void functions_differ_by_code_and_by_upvalues(void)
{
	CHECK(same("local n = 1 return function() return n end", "local n = 1 return function() return n end") == 1);
	CHECK(same("local n = 1 return function() return n end", "local n = 2 return function() return n end") == 0);
	CHECK(same("return function(x) return x + 1 end", "return function(x) return x - 1 end") == 0);
	/* what a function reads through its upvalue's tables */
	CHECK(same("local t = { 'a' } return function() return t[1] end",
		   "local t = { 'b' } return function() return t[1] end") == 0);
	/* C functions by identity, the same in both states */
	CHECK(same("return { f = string.upper }", "return { f = string.upper }") == 1);
	CHECK(same("return { f = string.upper }", "return { f = string.lower }") == 0);
}

static void cycles_are_walked_and_told_apart(void)
{
	CHECK(same("local t = {} t.self = t return t", "local t = {} t.self = t return t") == 1);
	/* t.a.b is t, or t.a itself */
	CHECK(same("local t = { a = {} } t.a.b = t return t", "local t = { a = {} } t.a.b = t.a return t") == 0);
	CHECK(same("local a, b = {}, {} a.n, b.p = b, a a.v = 1 return a",
		   "local a, b = {}, {} a.n, b.p = b, a a.v = 2 return a") == 0);
}

/* What == and rawequal tell apart, and what # reads, digest apart. */
static void shared_objects_and_lengths_are_told_apart(void)
{
	/* the same table twice, or two equal tables */
	CHECK(same("local u = {} return { a = u, b = u }", "return { a = {}, b = {} }") == 0);
	CHECK(same("local u = {} return { a = u, b = u }", "local u = {} return { b = u, a = u }") == 1);
	/* a sentinel, or a table like it */
	CHECK(same("local UNSET = {} local cfg = UNSET return function() return cfg == UNSET end",
		   "local UNSET = {} local cfg = {} return function() return cfg == UNSET end") == 0);
	/* two closures over one local, or over two */
	CHECK(same("local n = 0 return { function() n = n + 1 end, function() return n end }",
		   "local function mk() local n = 0 return function() n = n + 1 end end "
		   "local n = 0 return { mk(), function() return n end }") == 0);
	/* the same entries, made so that # answers 3 or 1 */
	CHECK(same("return { 1, nil, 3 }", "local t = {} t[1] = 1 t[3] = 3 return t") == 0);
}

/* A cycle reached from several places digests alike in every run (the
 * walk numbers what it meets in key order, not in Lua's). */
static void cyclic_shapes_digest_alike_in_every_run(void)
{
	const char *tree = "local root = { kids = {} } local by = { root = root } "
			   "for i = 1, 5 do local n = { parent = root, kids = {} } root.kids[i] = n by['n' .. i] = n "
			   "for j = 1, 3 do local m = { parent = n } n.kids[j] = m by['m' .. i .. j] = m end end "
			   "return { root = root, by = by }";
	for (int pad = 1; pad < 60; pad += 7) {
		struct cache_key x, y;
		CHECK(digest_of(tree, 0, &x) == 0 && digest_of(tree, pad, &y) == 0);
		CHECK(x.h[0] == y.h[0] && x.h[1] == y.h[1]);
	}
}

static void a_value_without_a_digest_says_so(void)
{
	struct cache_key k;
	CHECK(digest_of("return { co = coroutine.create(function() end) }", 0, &k) == -1);
	CHECK(digest_of("local t = {} for i = 1, 2500 do t = { t } end return t", 0, &k) == -1);
	CHECK(digest_of("local t = {} for i = 1, 500 do t = { t } end return t", 0, &k) == 0);
	/* a table as a key: no order of keys the same in every run */
	CHECK(digest_of("return { [{}] = 1 }", 0, &k) == -1);
	/* userdata not named plain (io's files hold pointers) */
	CHECK(digest_of("return { f = io.stdout }", 0, &k) == -1);
}

int main(void)
{
	RUN(equal_states_digest_alike_whatever_their_table_order);
	RUN(a_changed_value_anywhere_changes_the_digest);
	RUN(functions_differ_by_code_and_by_upvalues);
	RUN(cycles_are_walked_and_told_apart);
	RUN(shared_objects_and_lengths_are_told_apart);
	RUN(cyclic_shapes_digest_alike_in_every_run);
	RUN(a_value_without_a_digest_says_so);
	UNIT_END();
}
