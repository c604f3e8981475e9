/* luapattern: Lua 5.4 pattern matching that counts its steps, so the hook
 * sandbox can stop a pattern that backtracks for hours.  The algorithm,
 * limits and messages follow the pattern-matching section of lstrlib.c
 * of Lua 5.4.4 (https://www.lua.org, github.com/lua/lua), rewritten here
 * around a step counter; the Lua licence applies to that design:
 *
 * Copyright (C) 1994-2022 Lua.org, PUC-Rio.
 *
 * Permission is hereby granted, free of charge, to any person obtaining
 * a copy of this software and associated documentation files (the
 * "Software"), to deal in the Software without restriction, including
 * without limitation the rights to use, copy, modify, merge, publish,
 * distribute, sublicense, and/or sell copies of the Software, and to
 * permit persons to whom the Software is furnished to do so, subject to
 * the following conditions:
 *
 * The above copyright notice and this permission notice shall be
 * included in all copies or substantial portions of the Software.
 *
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND,
 * EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
 * MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT.
 * IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY
 * CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT,
 * TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE
 * SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE. */
#include "luapattern.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include <lauxlib.h>

/* Captures one pattern may hold (Lua's LUA_MAXCAPTURES). */
#define MAX_CAPTURES 32
/* Nesting of the recursive matcher, which bounds its C stack (Lua's
 * MAXCCALLS for patterns). */
#define MAX_DEPTH 200
/* Bytes compared by a back-reference (%1) that count as one step. */
#define COMPARE_STEP 64

#define ESC '%'
#define SPECIALS "^$*+?.([%-"

#define CAP_UNFINISHED (-1)
#define CAP_POSITION (-2)

struct mstate {
	const char *src;     /* subject */
	const char *src_end; /* its end (a '\0' Lua keeps there) */
	const char *pat_end; /* end of the pattern */
	lua_State *L;
	struct luapat_guard *g;
	int depth_left;
	int level; /* captures opened so far, finished or not */
	struct {
		const char *init;
		ptrdiff_t len; /* or CAP_UNFINISHED, CAP_POSITION */
	} cap[MAX_CAPTURES];
};

static const char *match(struct mstate *ms, const char *s, const char *p);

/* Counts n steps and reports them once LUAPAT_TICK_STEPS have gathered;
 * the tick function may raise and not come back. */
static void step(struct mstate *ms, unsigned n)
{
	struct luapat_guard *g = ms->g;
	if (!g->tick)
		return;
	g->pending += n;
	if (g->pending >= LUAPAT_TICK_STEPS) {
		unsigned done = g->pending;
		g->pending = 0;
		g->tick(ms->L, g->ctx, done);
	}
}

/* ---- classes ----------------------------------------------------------- */

/* The index of a finished capture named by the digit l ('1'..'9'). */
static int capture_index(struct mstate *ms, int l)
{
	l -= '1';
	if (l < 0 || l >= ms->level || ms->cap[l].len == CAP_UNFINISHED)
		return luaL_error(ms->L, "invalid capture index %%%d", l + 1);
	return l;
}

static int capture_to_close(struct mstate *ms)
{
	for (int level = ms->level - 1; level >= 0; level--)
		if (ms->cap[level].len == CAP_UNFINISHED)
			return level;
	return luaL_error(ms->L, "invalid pattern capture");
}

/* Returns the end of the single-character class that starts at p. */
static const char *class_end(struct mstate *ms, const char *p)
{
	char c = *p++;
	if (c == ESC) {
		if (p == ms->pat_end)
			luaL_error(ms->L, "malformed pattern (ends with '%%')");
		return p + 1;
	}
	if (c == '[') {
		if (*p == '^')
			p++;
		do { /* the first character is never the closing ']' */
			if (p == ms->pat_end)
				luaL_error(ms->L, "malformed pattern "
						  "(missing ']')");
			if (*p++ == ESC && p < ms->pat_end)
				p++; /* an escape such as %] */
		} while (*p != ']');
		return p + 1;
	}
	return p;
}

/* Whether c is in the class %cl (upper case: its complement). */
static int class_match(int c, int cl)
{
	int r;
	switch (tolower(cl)) {
	case 'a': r = isalpha(c); break;
	case 'c': r = iscntrl(c); break;
	case 'd': r = isdigit(c); break;
	case 'g': r = isgraph(c); break;
	case 'l': r = islower(c); break;
	case 'p': r = ispunct(c); break;
	case 's': r = isspace(c); break;
	case 'u': r = isupper(c); break;
	case 'w': r = isalnum(c); break;
	case 'x': r = isxdigit(c); break;
	case 'z': r = c == 0; break;
	default: return cl == c;
	}
	return islower(cl) ? r != 0 : r == 0;
}

/* Whether c is in the set [...] from p (its '[') to close (its ']'). */
static int set_match(int c, const char *p, const char *close)
{
	int found = 1;
	if (p[1] == '^') {
		found = 0;
		p++;
	}
	while (++p < close) {
		if (*p == ESC) {
			p++;
			if (class_match(c, (unsigned char)*p))
				return found;
		} else if (p[1] == '-' && p + 2 < close) {
			p += 2;
			if ((unsigned char)p[-2] <= c && c <= (unsigned char)*p)
				return found;
		} else if ((unsigned char)*p == c) {
			return found;
		}
	}
	return !found;
}

/* Whether the character at s matches the class p..ep. */
static int single_match(struct mstate *ms, const char *s, const char *p,
			const char *ep)
{
	if (s >= ms->src_end)
		return 0;
	int c = (unsigned char)*s;
	switch (*p) {
	case '.': return 1;
	case ESC: return class_match(c, (unsigned char)p[1]);
	case '[': return set_match(c, p, ep - 1);
	default: return (unsigned char)*p == c;
	}
}

/* ---- the matcher ------------------------------------------------------- */

/* %bxy at s: the end of the balanced run, or NULL. */
static const char *match_balance(struct mstate *ms, const char *s,
				 const char *p)
{
	if (p >= ms->pat_end - 1)
		luaL_error(ms->L, "malformed pattern (missing arguments to "
				  "'%%b')");
	if (s >= ms->src_end || *s != *p)
		return NULL;
	char open = p[0], close = p[1];
	int depth = 1;
	while (++s < ms->src_end) {
		step(ms, 1);
		if (*s == close) {
			if (--depth == 0)
				return s + 1;
		} else if (*s == open) {
			depth++;
		}
	}
	return NULL;
}

/* Greedy repetition: the longest run first, then one shorter each time. */
static const char *max_expand(struct mstate *ms, const char *s,
			      const char *p, const char *ep)
{
	ptrdiff_t i = 0;
	while (single_match(ms, s + i, p, ep)) {
		step(ms, 1);
		i++;
	}
	for (; i >= 0; i--) {
		const char *r = match(ms, s + i, ep + 1);
		if (r)
			return r;
	}
	return NULL;
}

/* Lazy repetition: the shortest run first, then one longer each time. */
static const char *min_expand(struct mstate *ms, const char *s,
			      const char *p, const char *ep)
{
	for (;;) {
		const char *r = match(ms, s, ep + 1);
		if (r)
			return r;
		if (!single_match(ms, s, p, ep))
			return NULL;
		s++;
	}
}

static const char *start_capture(struct mstate *ms, const char *s,
				 const char *p, ptrdiff_t what)
{
	int level = ms->level;
	if (level >= MAX_CAPTURES)
		luaL_error(ms->L, "too many captures");
	ms->cap[level].init = s;
	ms->cap[level].len = what;
	ms->level = level + 1;
	const char *r = match(ms, s, p);
	if (!r)
		ms->level--;
	return r;
}

static const char *end_capture(struct mstate *ms, const char *s,
			       const char *p)
{
	int l = capture_to_close(ms);
	ms->cap[l].len = s - ms->cap[l].init;
	const char *r = match(ms, s, p);
	if (!r)
		ms->cap[l].len = CAP_UNFINISHED;
	return r;
}

/* %1..%9: the text of a finished capture again at s. */
static const char *match_backref(struct mstate *ms, const char *s, int l)
{
	l = capture_index(ms, l);
	size_t len = (size_t)ms->cap[l].len;
	step(ms, (unsigned)(len / COMPARE_STEP));
	if ((size_t)(ms->src_end - s) >= len &&
	    memcmp(ms->cap[l].init, s, len) == 0)
		return s + len;
	return NULL;
}

/* Matches the pattern p (to pat_end) at s; returns the end of the match or
 * NULL.  Recurses for captures and repetitions, loops otherwise. */
static const char *match(struct mstate *ms, const char *s, const char *p)
{
	if (ms->depth_left-- == 0)
		luaL_error(ms->L, "pattern too complex");
again:
	step(ms, 1);
	if (p == ms->pat_end)
		goto done;
	switch (*p) {
	case '(':
		if (p[1] == ')')
			s = start_capture(ms, s, p + 2, CAP_POSITION);
		else
			s = start_capture(ms, s, p + 1, CAP_UNFINISHED);
		goto done;
	case ')':
		s = end_capture(ms, s, p + 1);
		goto done;
	case '$':
		if (p + 1 != ms->pat_end)
			break; /* an ordinary character */
		if (s != ms->src_end)
			s = NULL;
		goto done;
	case ESC:
		switch (p[1]) {
		case 'b':
			s = match_balance(ms, s, p + 2);
			if (s) {
				p += 4;
				goto again;
			}
			goto done;
		case 'f': {
			p += 2;
			if (*p != '[')
				luaL_error(ms->L, "missing '[' after '%%f' in "
						  "pattern");
			const char *ep = class_end(ms, p);
			int prev = s == ms->src ? 0 : (unsigned char)s[-1];
			int cur = s < ms->src_end ? (unsigned char)*s : 0;
			if (!set_match(prev, p, ep - 1) &&
			    set_match(cur, p, ep - 1)) {
				p = ep;
				goto again;
			}
			s = NULL;
			goto done;
		}
		case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9':
			s = match_backref(ms, s, (unsigned char)p[1]);
			if (s) {
				p += 2;
				goto again;
			}
			goto done;
		default:
			break; /* a class such as %a */
		}
		break;
	default:
		break;
	}

	/* A single-character class with an optional repetition suffix. */
	const char *ep = class_end(ms, p);
	if (!single_match(ms, s, p, ep)) {
		if (*ep == '*' || *ep == '?' || *ep == '-') {
			p = ep + 1; /* zero repetitions are fine */
			goto again;
		}
		s = NULL;
		goto done;
	}
	switch (*ep) {
	case '?': {
		const char *r = match(ms, s + 1, ep + 1);
		if (r) {
			s = r;
			goto done;
		}
		p = ep + 1;
		goto again;
	}
	case '+':
		s = max_expand(ms, s + 1, p, ep);
		goto done;
	case '*':
		s = max_expand(ms, s, p, ep);
		goto done;
	case '-':
		s = min_expand(ms, s, p, ep);
		goto done;
	default:
		s++;
		p = ep;
		goto again;
	}
done:
	ms->depth_left++;
	return s;
}

/* ---- captures to Lua ----------------------------------------------------- */

/* Capture i, or the whole match s..e when the pattern has none and i is 0.
 * A string capture sets *cap and returns its length; a position capture
 * pushes the position and returns CAP_POSITION. */
static ptrdiff_t get_capture(struct mstate *ms, int i, const char *s,
			     const char *e, const char **cap)
{
	if (i >= ms->level) {
		if (i != 0)
			luaL_error(ms->L, "invalid capture index %%%d", i + 1);
		*cap = s;
		return e - s;
	}
	ptrdiff_t len = ms->cap[i].len;
	*cap = ms->cap[i].init;
	if (len == CAP_UNFINISHED)
		luaL_error(ms->L, "unfinished capture");
	else if (len == CAP_POSITION)
		lua_pushinteger(ms->L, (ms->cap[i].init - ms->src) + 1);
	return len;
}

static void push_capture(struct mstate *ms, int i, const char *s,
			 const char *e)
{
	const char *cap;
	ptrdiff_t len = get_capture(ms, i, s, e, &cap);
	if (len != CAP_POSITION)
		lua_pushlstring(ms->L, cap, (size_t)len);
}

/* Pushes every capture (or the whole match when there are none and s is
 * not NULL); returns how many values it pushed. */
static int push_captures(struct mstate *ms, const char *s, const char *e)
{
	int n = ms->level == 0 && s ? 1 : ms->level;
	luaL_checkstack(ms->L, n, "too many captures");
	for (int i = 0; i < n; i++)
		push_capture(ms, i, s, e);
	return n;
}

/* ---- the library functions ----------------------------------------------- */

static void prepare(struct mstate *ms, lua_State *L, struct luapat_guard *g,
		    const char *s, size_t ls, const char *p, size_t lp)
{
	ms->L = L;
	ms->g = g;
	ms->depth_left = MAX_DEPTH;
	ms->src = s;
	ms->src_end = s + ls;
	ms->pat_end = p + lp;
	ms->level = 0;
}

/* Start position argument: negative counts from the end, clipped to 1. */
static size_t start_pos(lua_Integer pos, size_t len)
{
	if (pos > 0)
		return (size_t)pos;
	if (pos == 0 || pos < -(lua_Integer)len)
		return 1;
	return len + (size_t)pos + 1;
}

static int has_specials(const char *p, size_t lp)
{
	for (size_t i = 0; i < lp; i++)
		if (p[i] && strchr(SPECIALS, p[i]))
			return 1;
	return 0;
}

/* Where a set's item ends ('[' at p), as class_end finds it, or NULL
 * where class_end would raise: the lead is found before any matching, and
 * must not raise an error sooner than the matcher would. */
static const char *set_end_quiet(const char *p, const char *pat_end)
{
	if (++p < pat_end && *p == '^')
		p++;
	for (;;) { /* the first character is never the closing ']' */
		if (p >= pat_end)
			return NULL;
		if (*p++ == ESC && p < pat_end)
			p++;
		if (p < pat_end && *p == ']')
			return p + 1;
	}
}

/* What every match of a pattern (unanchored) must start with, when its
 * first item is one character, a class or a set that cannot repeat zero
 * times: a search skips ahead to where it matches (memchr for a plain
 * byte) instead of trying the whole pattern at every position before it.
 * The same answers, without the steps. */
struct lead {
	int byte;          /* a plain character, or -1 */
	const char *p, *ep; /* else a class or set (single_match), or NULL */
};

static struct lead lead_of(const char *p, const char *pat_end)
{
	struct lead none = { -1, NULL, NULL }, l = none;
	if (p == pat_end)
		return none;
	const char *ep = p + 1;
	if (*p == ESC) {
		if (p + 1 == pat_end)
			return none;
		ep = p + 2;
		if (strchr("acdglpsuwxzACDGLPSUWXZ", p[1]) && p[1])
			l = (struct lead){ -1, p, ep };
		else if (isalnum((unsigned char)p[1]))
			return none; /* %b, %f, a back-reference */
		else
			l.byte = (unsigned char)p[1];
	} else if (*p == '[') {
		if (!(ep = set_end_quiet(p, pat_end)))
			return none;
		l = (struct lead){ -1, p, ep };
	} else if (*p == '(' || *p == ')' || *p == '.' || (*p == '$' && p + 1 == pat_end)) {
		return none;
	} else {
		l.byte = (unsigned char)*p;
	}
	if (ep < pat_end && strchr("*?-", *ep))
		return none;
	return l;
}

/* The first place at or after s where a match may start (see lead_of),
 * or NULL when there is none before the end. */
static const char *skip_to(struct mstate *ms, const char *s, const struct lead *l)
{
	if (l->byte >= 0)
		return s < ms->src_end ? memchr(s, l->byte, (size_t)(ms->src_end - s)) : NULL;
	if (!l->p)
		return s;
	while (s < ms->src_end && !single_match(ms, s, l->p, l->ep))
		s++;
	return s < ms->src_end ? s : NULL;
}

static struct luapat_guard *guard_of(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

static int find_aux(lua_State *L, int find)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	size_t init = start_pos(luaL_optinteger(L, 3, 1), ls) - 1;
	if (init > ls) {
		luaL_pushfail(L);
		return 1;
	}
	if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
		const char *at = memmem(s + init, ls - init, p, lp);
		if (at) {
			lua_pushinteger(L, (at - s) + 1);
			lua_pushinteger(L, (at - s) + (lua_Integer)lp);
			return 2;
		}
		luaL_pushfail(L);
		return 1;
	}
	struct mstate ms;
	const char *s1 = s + init;
	int anchor = *p == '^';
	if (anchor) {
		p++;
		lp--;
	}
	prepare(&ms, L, guard_of(L), s, ls, p, lp);
	struct lead lead = anchor ? (struct lead){ -1, NULL, NULL } : lead_of(p, ms.pat_end);
	do {
		if (!(s1 = skip_to(&ms, s1, &lead)))
			break;
		ms.level = 0;
		const char *e = match(&ms, s1, p);
		if (e) {
			if (!find)
				return push_captures(&ms, s1, e);
			lua_pushinteger(L, (s1 - s) + 1);
			lua_pushinteger(L, e - s);
			return push_captures(&ms, NULL, NULL) + 2;
		}
	} while (s1++ < ms.src_end && !anchor);
	luaL_pushfail(L);
	return 1;
}

static int pat_find(lua_State *L)
{
	return find_aux(L, 1);
}

static int pat_match(lua_State *L)
{
	return find_aux(L, 0);
}

/* The state of one gmatch iterator (a userdata upvalue of it; the
 * subject and pattern strings are upvalues too, which keeps them alive). */
struct gmatch {
	const char *src;       /* where the next search starts */
	const char *p;
	struct lead lead;      /* see lead_of */
	const char *lastmatch; /* end of the last match: no empty match there */
	struct mstate ms;
};

static int gmatch_next(lua_State *L)
{
	struct gmatch *gm = lua_touserdata(L, lua_upvalueindex(3));
	gm->ms.L = L;
	for (const char *src = gm->src; src <= gm->ms.src_end; src++) {
		if (!(src = skip_to(&gm->ms, src, &gm->lead)))
			break;
		gm->ms.level = 0;
		gm->ms.depth_left = MAX_DEPTH; /* an error may have left it low */
		const char *e = match(&gm->ms, src, gm->p);
		if (e && e != gm->lastmatch) {
			gm->src = gm->lastmatch = e;
			return push_captures(&gm->ms, src, e);
		}
	}
	return 0;
}

static int pat_gmatch(lua_State *L)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	size_t init = start_pos(luaL_optinteger(L, 3, 1), ls) - 1;
	struct luapat_guard *g = guard_of(L);
	lua_settop(L, 2);
	struct gmatch *gm = lua_newuserdatauv(L, sizeof *gm, 0);
	if (init > ls)
		init = ls + 1; /* past the end: no match, and no overflow */
	prepare(&gm->ms, L, g, s, ls, p, lp);
	gm->src = s + init;
	gm->p = p;
	gm->lead = lead_of(p, gm->ms.pat_end);
	gm->lastmatch = NULL;
	lua_pushcclosure(L, gmatch_next, 3);
	return 1;
}

/* Appends the replacement string (argument 3) with %0..%9 and %%. */
static void add_string(struct mstate *ms, luaL_Buffer *b, const char *s,
		       const char *e)
{
	lua_State *L = ms->L;
	size_t l;
	const char *r = lua_tolstring(L, 3, &l);
	const char *esc;
	while ((esc = memchr(r, ESC, l)) != NULL) {
		luaL_addlstring(b, r, (size_t)(esc - r));
		esc++;
		if (*esc == ESC) {
			luaL_addchar(b, ESC);
		} else if (*esc == '0') {
			luaL_addlstring(b, s, (size_t)(e - s));
		} else if (isdigit((unsigned char)*esc)) {
			const char *cap;
			ptrdiff_t len = get_capture(ms, *esc - '1', s, e, &cap);
			if (len == CAP_POSITION)
				luaL_addvalue(b);
			else
				luaL_addlstring(b, cap, (size_t)len);
		} else {
			luaL_error(L, "invalid use of '%c' in replacement "
				      "string", ESC);
		}
		l -= (size_t)(esc + 1 - r);
		r = esc + 1;
	}
	luaL_addlstring(b, r, l);
}

/* Appends the replacement of the match s..e; returns whether it differs
 * from the match (nil or false from a function or table keeps it). */
static int add_value(struct mstate *ms, luaL_Buffer *b, const char *s,
		     const char *e, int type)
{
	lua_State *L = ms->L;
	if (type == LUA_TFUNCTION) {
		lua_pushvalue(L, 3);
		int n = push_captures(ms, s, e);
		lua_call(L, n, 1);
	} else if (type == LUA_TTABLE) {
		push_capture(ms, 0, s, e);
		lua_gettable(L, 3);
	} else {
		add_string(ms, b, s, e);
		return 1;
	}
	if (!lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		luaL_addlstring(b, s, (size_t)(e - s));
		return 0;
	}
	if (!lua_isstring(L, -1))
		return luaL_error(L, "invalid replacement value (a %s)",
				  luaL_typename(L, -1));
	luaL_addvalue(b);
	return 1;
}

static int pat_gsub(lua_State *L)
{
	size_t ls, lp;
	const char *src = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	const char *lastmatch = NULL;
	int type = lua_type(L, 3);
	lua_Integer max_n = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
	int anchor = *p == '^';
	lua_Integer n = 0;
	int changed = 0;
	struct mstate ms;
	luaL_Buffer b;
	luaL_argexpected(L, type == LUA_TNUMBER || type == LUA_TSTRING ||
				    type == LUA_TFUNCTION || type == LUA_TTABLE,
			 3, "string/function/table");
	luaL_buffinit(L, &b);
	if (anchor) {
		p++;
		lp--;
	}
	prepare(&ms, L, guard_of(L), src, ls, p, lp);
	struct lead lead = anchor ? (struct lead){ -1, NULL, NULL } : lead_of(p, ms.pat_end);
	while (n < max_n) {
		const char *at = skip_to(&ms, src, &lead);
		if (!at)
			break;
		luaL_addlstring(&b, src, (size_t)(at - src));
		src = at;
		ms.level = 0;
		const char *e = match(&ms, src, p);
		if (e && e != lastmatch) {
			n++;
			changed |= add_value(&ms, &b, src, e, type);
			src = lastmatch = e;
		} else if (src < ms.src_end) {
			luaL_addchar(&b, *src++);
		} else {
			break;
		}
		if (anchor)
			break;
	}
	if (!changed) {
		lua_pushvalue(L, 1);
	} else {
		luaL_addlstring(&b, src, (size_t)(ms.src_end - src));
		luaL_pushresult(&b);
	}
	lua_pushinteger(L, n);
	return 2;
}

void luapat_register(lua_State *L, int idx, struct luapat_guard *g)
{
	static const luaL_Reg funcs[] = {
		{ "find", pat_find },     { "match", pat_match },
		{ "gmatch", pat_gmatch }, { "gsub", pat_gsub },
		{ NULL, NULL },
	};
	lua_pushvalue(L, idx);
	lua_pushlightuserdata(L, g);
	luaL_setfuncs(L, funcs, 1);
	lua_pop(L, 1);
}
