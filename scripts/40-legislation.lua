-- Legislation cited: one page listing every Act, statutory instrument and
-- retained EU law that articles link to on legislation.gov.uk, each with
-- the articles that cite it.  A document filter also gives every link to
-- legislation.gov.uk a title naming the law, for readers who hover or use
-- a screen reader's link list.

local PATH = "reference/legislation-cited"

-- Names of the laws this guidance cites, by legislation.gov.uk's
-- TYPE/YEAR/NUMBER.  A law not listed here still appears, under a name
-- derived from its URL ("Act 2019 c. 12"): add it here for a proper name.
local NAMES = {
  ["ukpga/1980/58"] = "Limitation Act 1980",
  ["ukpga/1981/49"] = "Contempt of Court Act 1981",
  ["ukpga/1988/27"] = "Malicious Communications Act 1988",
  ["ukpga/1989/42"] = "Local Government and Housing Act 1989",
  ["ukpga/1990/18"] = "Computer Misuse Act 1990",
  ["ukpga/1992/52"] = "Trade Union and Labour Relations (Consolidation) Act 1992",
  ["ukpga/1996/18"] = "Employment Rights Act 1996",
  ["ukpga/1997/40"] = "Protection from Harassment Act 1997",
  ["ukpga/1998/23"] = "Public Interest Disclosure Act 1998",
  ["ukpga/1998/29"] = "Data Protection Act 1998",
  ["ukpga/1998/42"] = "Human Rights Act 1998",
  ["ukpga/1999/26"] = "Employment Relations Act 1999",
  ["ukpga/2000/23"] = "Regulation of Investigatory Powers Act 2000",
  ["ukpga/2003/21"] = "Communications Act 2003",
  ["ukpga/2010/15"] = "Equality Act 2010",
  ["ukpga/2013/24"] = "Enterprise and Regulatory Reform Act 2013",
  ["ukpga/2013/26"] = "Defamation Act 2013",
  ["ukpga/2016/25"] = "Investigatory Powers Act 2016",
  ["ukpga/2018/12"] = "Data Protection Act 2018",
  ["ukpga/2023/50"] = "Online Safety Act 2023",
  ["ukpga/2023/51"] = "Worker Protection (Amendment of Equality Act 2010) Act 2023",
  ["ukpga/2024/21"] = "Victims and Prisoners Act 2024",
  ["ukpga/2025/18"] = "Data (Use and Access) Act 2025",
  ["ukpga/2025/36"] = "Employment Rights Act 2025",
  ["ukpga/2026/19"] = "Victims and Courts Act 2026",
  ["uksi/1990/851"] = "Local Government Officers (Political Restrictions) Regulations 1990",
  ["uksi/2003/527"] = "Police Regulations 2003",
  ["uksi/2004/3426"] = "Information and Consultation of Employees Regulations 2004",
  ["uksi/2013/3028"] = "Defamation (Operators of Websites) Regulations 2013",
  ["uksi/2014/2418"] = "Public Interest Disclosure (Prescribed Persons) Order 2014",
  ["uksi/2018/597"] = "Trade Secrets (Enforcement, etc.) Regulations 2018",
  ["uksi/2020/4"] = "Police (Conduct) Regulations 2020",
  ["eur/2016/679"] = "UK GDPR (Regulation (EU) 2016/679 as retained)",
}

local KINDS = {
  { type = "ukpga", title = "Acts of Parliament" },
  { type = "uksi", title = "Statutory instruments" },
  { type = "eur", title = "Retained EU law" },
}

-- Splits a legislation.gov.uk URL into the law's key, its name and the
-- part cited ("section 207A", "Schedule 1"), or returns nil.
local function parse(url)
  local kind, year, number, rest =
    url:match("^https?://www%.legislation%.gov%.uk/(%a+)/(%d+)/(%d+)(.*)$")
  if not kind then
    return nil
  end
  local key = kind .. "/" .. year .. "/" .. number
  local name = NAMES[key]
  if not name then
    if kind == "ukpga" then
      name = ("Act %s c. %s"):format(year, number)
    elseif kind == "uksi" then
      name = ("SI %s/%s"):format(year, number)
    else
      name = ("%s %s/%s"):format(kind, year, number)
    end
  end
  rest = rest:gsub("[?#].*$", ""):gsub("/$", "")
  local part
  local what, which = rest:match("^/(%a+)/([%w%-]+)")
  if what == "section" then
    part = "section " .. which
  elseif what == "schedule" then
    part = "Schedule " .. which
  elseif what == "regulation" then
    part = "regulation " .. which
  elseif what == "article" then
    part = "Article " .. which
  elseif what == "part" then
    part = "Part " .. which
  end
  return key, name, kind, year, number, part
end


quire.on_site(function(site)
  local laws = {} -- key → { name, kind, year, number, cites = { src → entry } }
  for _, page in ipairs(site.pages) do
    local src = page.path:match("^content/(.+%.md)$")
    for _, url in ipairs(src and page.links or {}) do
      local key, name, kind, year, number, part = parse(url)
      if key then
        local law = laws[key]
        if not law then
          law = { key = key, name = name, kind = kind, year = tonumber(year),
                  number = tonumber(number), cites = {}, list = {} }
          laws[key] = law
        end
        local cite = law.cites[src]
        if not cite then
          cite = { page = page, src = src, parts = {}, seen = {} }
          law.cites[src] = cite
          law.list[#law.list + 1] = cite
        end
        if part and not cite.seen[part] then
          cite.seen[part] = true
          cite.parts[#cite.parts + 1] = part
        end
      end
    end
  end

  local md = {}
  local function add(s) md[#md + 1] = s end
  add("The laws this guidance links to on legislation.gov.uk, and the articles "
    .. "that cite each one. Use it to find every piece of guidance affected "
    .. "when a law changes, or to read the law behind an article.")
  add("")
  add("> legislation.gov.uk may show a law before recent amendments are applied. "
    .. "This list is guidance, not legal advice.")
  local total = 0
  for _, k in ipairs(KINDS) do
    local list = {}
    for _, law in pairs(laws) do
      if law.kind == k.type then list[#list + 1] = law end
    end
    table.sort(list, function(a, b)
      if a.year ~= b.year then return a.year < b.year end
      if a.number ~= b.number then return a.number < b.number end
      return a.name < b.name
    end)
    if #list > 0 then
      add("")
      add("## " .. k.title)
      for _, law in ipairs(list) do
        total = total + 1
        table.sort(law.list, function(a, b) return a.page.title < b.page.title end)
        add("")
        add("### " .. law.name)
        add("")
        add(("[%s on legislation.gov.uk](https://www.legislation.gov.uk/%s/contents) "
          .. "— cited by %d article%s:"):format(law.name, law.key, #law.list,
          #law.list == 1 and "" or "s"))
        add("")
        for _, cite in ipairs(law.list) do
          local line = ("- [%s](%s)"):format(cite.page.title, quire.relpath(PATH, cite.src))
          if #cite.parts > 0 then
            table.sort(cite.parts)
            line = line .. " (" .. table.concat(cite.parts, ", ") .. ")"
          end
          add(line)
        end
      end
    end
  end
  if total == 0 then
    add("")
    add("No article links to legislation.gov.uk yet.")
  end

  quire.add_page{
    path = PATH,
    title = "Legislation cited in this guidance",
    markdown = table.concat(md, "\n") .. "\n",
    data = {
      summary = "Every Act, regulation and retained EU law this guidance links to, with the articles that cite it.",
      tags = { "reference" },
      weight = 16,
    },
  }
end)

-- Links to legislation.gov.uk get a title naming the law, unless the
-- author gave one.
quire.filter{
  link = function(link)
    if link.title ~= "" then
      return nil
    end
    local key, name, _, _, _, part = parse(link.url)
    if not key then
      return nil
    end
    link.title = (part and (name .. ", " .. part) or name) .. " (legislation.gov.uk)"
    return link
  end,
}
