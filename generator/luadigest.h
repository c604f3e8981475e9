/* luadigest: a digest of a Lua value and of everything it reaches (table
 * entries and metatables, functions' code and upvalues, userdata bytes),
 * taken from outside without running any Lua.  Work a Lua function did
 * is cached under the digest of the function (and so of all it can read):
 * equal digests, equal behaviour on equal arguments.
 *
 * The digest is of values, not of identities: a table's entries are
 * taken in no particular order (Lua's order changes from run to run) and
 * a reference back to a table being walked is named by how far up it is.
 * Two states digest alike when they hold the same values in the same
 * shape.  Light userdata are pointers and count as one value; a C
 * function is known by where it lies in its library. */
#ifndef QUIRE_LUADIGEST_H
#define QUIRE_LUADIGEST_H

#include <lua.h>

#include "cache.h"

/* Limits of a walk: past them the value has no digest. */
#define LUADIGEST_MAX_DEPTH 200
#define LUADIGEST_MAX_VISITS (1u << 20)

/* Feeds kb the digest of the value at idx.  Returns 0, or -1 when the
 * value has none (a coroutine, a walk past the limits, no stack space):
 * then kb holds no meaningful digest.  Runs no Lua code and raises no
 * error. */
int luadigest(lua_State *L, int idx, struct cache_keybuf *kb);

#endif
