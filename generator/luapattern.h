/* luapattern: Lua 5.4's string.find, string.match, string.gmatch and
 * string.gsub with a pattern matcher that counts its steps.  Stock Lua
 * matches inside one C call that no count hook can interrupt, and a
 * backtracking pattern ("(.-)(.-)(.-)x" over a long string) can run for
 * hours; these versions report their progress to a tick function every
 * LUAPAT_TICK_STEPS steps, and the tick function stops them by raising a
 * Lua error.  Results and error messages are those of Lua 5.4.4. */
#ifndef QUIRE_LUAPATTERN_H
#define QUIRE_LUAPATTERN_H

#include <lua.h>

/* Matcher steps between two calls of the tick function. */
#define LUAPAT_TICK_STEPS 4096

/* Called with the number of steps since the previous call.  Returns to let
 * the match go on; to stop it, raises a Lua error (lua_error, luaL_error)
 * and does not return. */
typedef void (*luapat_tick_fn)(lua_State *L, void *ctx, unsigned steps);

struct luapat_guard {
	luapat_tick_fn tick; /* NULL: no limit */
	void *ctx;           /* passed to tick */
	unsigned pending;    /* steps not yet reported (start it at 0) */
};

/* Sets find, match, gmatch and gsub in the table at index idx (normally a
 * copy of the string library) to the counting versions.  g is borrowed:
 * it must stay valid while the functions (and any gmatch iterator) can
 * run, in practice as long as the lua_State. */
void luapat_register(lua_State *L, int idx, struct luapat_guard *g);

#endif
