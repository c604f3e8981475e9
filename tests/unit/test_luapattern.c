/* Differential test of quire's Lua patterns (generator/luapattern.c)
 * against stock Lua 5.4's: random subjects, patterns, start positions and
 * replacements through string.find, match, gmatch and gsub, results and
 * error messages compared.  Quire's copy counts its steps (the sandbox's
 * time limit) and skips ahead to where a pattern's first item can match;
 * both must leave every answer as stock Lua gives it.  (The script was a
 * review's differential harness; a fixed seed keeps the run the same.) */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "luapattern.h"
#include "unit.h"

static const char SCRIPT[] =
	"local S = string\n"
	"local R = math.random\n"
	"math.randomseed(SEED)\n"
	"local N = N\n"
	"local leads = {\"a\",\"%.\",\"%%\",\"%^\",\"%$\",\"^\",\"$\",\"\\0\",\"%\\0\",\"\\xe9\",\"%\\xe9\",\"]\",\"*\",\"+\",\"-\",\"?\",\"%]\",\"%-\",\"%*\",\"%d\",\"[%s]\",\"[^a]\",\"%w\"}\n"
	"local alpha = {\"a\",\"b\",\"a\",\"b\",\"c\",\"^\",\"$\",\"%\",\".\",\"(\",\")\",\"\\0\",\"\\xe9\",\"\\x80\",\"[\",\"]\",\"-\",\"*\",\"+\",\"?\",\" \",\"1\",\"x\"}\n"
	"local function rsubj()\n"
	"  local n = R(0, 12); local t = {}\n"
	"  for i = 1, n do t[i] = alpha[R(#alpha)] end\n"
	"  return table.concat(t)\n"
	"end\n"
	"local items = {\"a\",\"b\",\"c\",\"^\",\"$\",\"%a\",\"%.\",\"%%\",\"%^\",\"%$\",\"%(\",\"%)\",\"%\\0\",\"%\\xe9\",\"%-\",\"%*\",\"%b()\",\"%bab\",\"%f[a]\",\"%f[%w]\",\"%1\",\"%2\",\"%0\",\"(\", \")\", \"()\", \"(a)\", \"(a*)\",\".\", \"[ab]\",\"[^a]\",\"[a-c]\",\"[%a]\",\"]\",\"\\0\",\"\\xe9\",\"\\x80\",\"*\",\"+\",\"-\",\"?\",\"%\",\"%w\",\"%s\",\"x\",\" \",\"[\",\"%z\",\"%Z\"}\n"
	"local quants = {\"\",\"\",\"\",\"\",\"*\",\"+\",\"-\",\"?\"}\n"
	"local function rpat()\n"
	"  local n = R(0, 4); local t = {}\n"
	"  if R(4) == 1 then t[#t+1] = \"^\" end\n"
	"  if R(2) == 1 then t[#t+1] = leads[R(#leads)] .. (R(3) == 1 and quants[R(#quants)] or \"\") end\n"
	"  for i = 1, n do t[#t+1] = items[R(#items)] .. quants[R(#quants)] end\n"
	"  if R(6) == 1 then t[#t+1] = \"$\" end\n"
	"  return table.concat(t)\n"
	"end\n"
	"local function ser(ok, ...)\n"
	"  local t = table.pack(...)\n"
	"  local o = {ok and \"ok\" or \"err\"}\n"
	"  for i = 1, t.n do local v = t[i]; o[#o+1] = type(v) .. \":\" .. S.format(\"%q\", type(v)==\"string\" and v or tostring(v)) end\n"
	"  return table.concat(o, \"|\")\n"
	"end\n"
	"local inits = {nil, 1, 0, -1, -2, 2, 3, 5, 13, 14, 20, -20, -100, math.mininteger, math.maxinteger}\n"
	"local function rinit() local i = R(0, #inits); if i == 0 then return nil end return inits[i] end\n"
	"local reps = {\"<%0>\", \"%1\", \"%2\", \"x\", \"%%\", \"%\", \"%x\", \"\", \"[%1|%0]\"}\n"
	"local function gm(lib, s, p, init)\n"
	"  local out = {}\n"
	"  local it = lib.gmatch(s, p, init)\n"
	"  for i = 1, 30 do\n"
	"    local r = table.pack(it())\n"
	"    if r[1] == nil then break end\n"
	"    for j = 1, r.n do out[#out+1] = tostring(r[j]) end\n"
	"    out[#out+1] = \";\"\n"
	"  end\n"
	"  return table.concat(out, \",\")\n"
	"end\n"
	"local bad = 0\n"
	"for iter = 1, N do\n"
	"  local s, p, init = rsubj(), rpat(), rinit()\n"
	"  local plain = R(8) == 1 or nil\n"
	"  local cases = {\n"
	"    {\"find\", function(l) return l.find(s, p, init, plain) end},\n"
	"    {\"match\", function(l) return l.match(s, p, init) end},\n"
	"    {\"gmatch\", function(l) return gm(l, s, p, init) end},\n"
	"  }\n"
	"  local rep = reps[R(#reps)]\n"
	"  local maxn = R(3) == 1 and R(-1, 3) or nil\n"
	"  local kind = R(3)\n"
	"  cases[#cases+1] = {\"gsub\", function(l)\n"
	"    if kind == 1 then return l.gsub(s, p, rep, maxn)\n"
	"    elseif kind == 2 then return l.gsub(s, p, function(...) local a = ... ; if a == \"a\" then return nil end return \"{\" .. table.concat({...}, \",\") .. \"}\" end, maxn)\n"
	"    else return l.gsub(s, p, {a = \"A\", [\"\"] = \"E\", b = false}, maxn) end\n"
	"  end}\n"
	"  for _, c in ipairs(cases) do\n"
	"    local a = ser(pcall(c[2], S))\n"
	"    local b = ser(pcall(c[2], Q))\n"
	"    if a ~= b then\n"
	"      bad = bad + 1\n"
	"      if bad <= 5 then\n"
	"        print(S.format(\"MISMATCH %s s=%q p=%q init=%s plain=%s rep=%q maxn=%s kind=%d\\n  stock: %s\\n  quire: %s\", c[1], s, p, tostring(init), tostring(plain), rep, tostring(maxn), kind, a, b))\n"
	"      end\n"
	"    end\n"
	"  end\n"
	"end\n"
	"return bad\n"
	"\n";

static int mismatches(int seed, int n)
{
	static struct luapat_guard g = { NULL, NULL, 0 };
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	lua_newtable(L); /* Q: a copy of string with quire's four */
	lua_getglobal(L, "string");
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_settable(L, -5);
	}
	lua_pop(L, 1);
	luapat_register(L, -1, &g);
	lua_setglobal(L, "Q");
	lua_pushinteger(L, seed);
	lua_setglobal(L, "SEED");
	lua_pushinteger(L, n);
	lua_setglobal(L, "N");
	int bad = -1;
	if (luaL_dostring(L, SCRIPT) == LUA_OK)
		bad = (int)lua_tointeger(L, -1);
	else
		printf("    %s\n", lua_tostring(L, -1));
	lua_close(L);
	return bad;
}

static void random_patterns_give_stock_luas_answers(void)
{
	for (int seed = 1; seed <= 3; seed++)
		CHECK(mismatches(seed, 10000) == 0);
}

int main(void)
{
	RUN(random_patterns_give_stock_luas_answers);
	UNIT_END();
}
