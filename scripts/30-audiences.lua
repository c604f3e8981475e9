-- Guidance by audience: one page listing the articles written for
-- managers, for staff and for HR (front matter `audience: [...]`), by
-- section, with each article's summary and reading time (from
-- 10-reading-time.lua).

local PATH = "reference/guidance-by-audience"

-- Known audiences in the order readers look for them; any other value an
-- article uses gets its own group after these.
local GROUPS = {
  { key = "managers", title = "Managers",
    intro = "For line managers deciding how to respond to a post, a complaint or a request." },
  { key = "staff", title = "Staff",
    intro = "For everyone who works here: what you may post, what you owe your employer and where the law protects you." },
  { key = "hr", title = "HR",
    intro = "For HR professionals running investigations, writing policy and advising managers." },
}


local function weight_of(page)
  return type(page.weight) == "number" and page.weight or 0
end

quire.on_site(function(site)
  local sections = {} -- folder → { title, weight }
  for _, page in ipairs(site.pages) do
    if page.kind == "section" then
      sections[page.section] = { title = page.title, weight = weight_of(page) }
    end
  end

  local groups, order = {}, {}
  for _, g in ipairs(GROUPS) do
    groups[g.key] = { title = g.title, intro = g.intro, pages = {} }
    order[#order + 1] = g.key
  end
  local extra = {}
  for _, page in ipairs(site.pages) do
    local src = page.path:match("^content/(.+%.md)$")
    local audience = page.params.audience
    if page.kind == "article" and src and audience ~= nil then
      if type(audience) == "string" then audience = { audience } end
      if type(audience) ~= "table" then
        error(page.path .. ": 'audience' must be a list such as [managers, staff, hr]", 0)
      end
      for _, who in ipairs(audience) do
        if type(who) ~= "string" then
          error(page.path .. ": 'audience' must be a list of words such as managers, staff, hr", 0)
        end
        local key = who:lower()
        if not groups[key] then
          groups[key] = { title = who:sub(1, 1):upper() .. who:sub(2), pages = {} }
          extra[#extra + 1] = key
        end
        table.insert(groups[key].pages, { page = page, src = src })
      end
    end
  end
  table.sort(extra)
  for _, k in ipairs(extra) do order[#order + 1] = k end

  local function section_of(entry)
    return sections[entry.page.section] or { title = entry.page.section, weight = 0 }
  end
  local function before(a, b)
    local sa, sb = section_of(a), section_of(b)
    if sa.weight ~= sb.weight then return sa.weight < sb.weight end
    if sa.title ~= sb.title then return sa.title < sb.title end
    local wa, wb = weight_of(a.page), weight_of(b.page)
    if wa ~= wb then return wa < wb end
    return a.page.title < b.page.title
  end

  local md = {}
  local function add(s) md[#md + 1] = s end
  add("Every article says who it is written for. Pick your role to see the "
    .. "guidance meant for you, section by section. Many articles are for "
    .. "more than one group, so they appear more than once.")
  add("")
  local jump = {}
  for _, key in ipairs(order) do
    local g = groups[key]
    jump[#jump + 1] = ("- [%s](#%s) — %d articles"):format(g.title, quire.slug(g.title), #g.pages)
  end
  add(table.concat(jump, "\n"))
  for _, key in ipairs(order) do
    local g = groups[key]
    table.sort(g.pages, before)
    add("")
    add("## " .. g.title)
    if g.intro then
      add("")
      add(g.intro)
    end
    local current
    for _, entry in ipairs(g.pages) do
      local s = section_of(entry)
      if s.title ~= current then
        current = s.title
        add("")
        add("### " .. s.title)
        add("")
      end
      local p = entry.page
      local line = ("- [%s](%s)"):format(p.title, quire.relpath(PATH, entry.src))
      local minutes = p.params.reading_minutes
      if minutes then
        line = line .. (" (%d min read)"):format(minutes)
      end
      if p.summary then
        line = line .. " — " .. p.summary
      end
      add(line)
    end
  end
  add("")
  add("> This guidance is not legal advice. For a decision about a real case, speak to HR or take legal advice.")

  quire.add_page{
    path = PATH,
    title = "Guidance by audience: managers, staff and HR",
    markdown = table.concat(md, "\n") .. "\n",
    data = {
      summary = "The articles written for managers, for staff and for HR, grouped by section, with reading times.",
      tags = { "reference" },
      weight = 14,
      -- a list of other pages' entries: searched by its title alone, or
      -- the words of unrelated entries would find it for any question
      search = "title",
    },
  }
end)
