/* luadigest: a digest of Lua values and of everything they reach (table
 * entries, lengths and metatables, functions' code and upvalues, chosen
 * userdata's bytes), taken from outside without running any Lua.  Work a
 * Lua function did is cached under the digest of the function (and so of
 * all it can read): equal digests, equal behaviour on equal arguments.
 *
 * The walk is canonical: a table's entries are taken in the order of
 * their keys (Lua's own order changes from run to run), and each table,
 * function, userdata and upvalue is numbered when first met, so a second
 * reference to it is named by its number.  Two states digest alike when
 * they hold the same values in the same shape, shared where the other's
 * are shared.  Light userdata are pointers and count as one value; a C
 * function is known by where it lies in its library. */
#ifndef QUIRE_LUADIGEST_H
#define QUIRE_LUADIGEST_H

#include <lua.h>

#include "cache.h"

/* Past these the values have no digest. */
#define LUADIGEST_MAX_DEPTH 2000
#define LUADIGEST_MAX_VISITS (1u << 20)

struct luadigest_opts {
	/* a table digested as one constant value, not walked (the sandbox's
	 * read-only globals); NULL: none */
	const void *constant;
	/* the userdata whose bytes are their value (quire.null, the random
	 * generator's state); any other has no digest (its bytes may be
	 * pointers, as a pattern iterator's are) */
	const void *const *plain_ud;
	size_t nplain_ud;
	/* the most values to walk (0: LUADIGEST_MAX_VISITS) */
	size_t max_visits;
	/* where a table that keeps each Lua function's code digest between
	 * walks lies in the registry (lua_rawsetp; weak keys); NULL: none */
	const void *code_key;
};

/* Feeds kb the digest of the n values at the top of the stack (left
 * there), walked together.  Returns 0, or -1 when they have none (a
 * coroutine, a table or function used as a table key, other userdata, a
 * walk past the limits, no memory for it): then kb holds no meaningful
 * digest.  Runs no Lua code; errors are caught. */
int luadigest(lua_State *L, int n, const struct luadigest_opts *o, struct cache_keybuf *kb);

#endif
