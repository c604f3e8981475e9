-- Glossary of terms: gathers the `glossary:` entries of every article's
-- front matter (term: definition) into one A–Z page, each term linked to
-- the article that explains it.  The hand-written reference/glossary.md
-- picks the essential terms; this page lists every term an article defines.

local PATH = "reference/glossary-terms"

-- Links from the page at PATH to a source file "a/b.md" come from
-- quire.relpath, so quire checks them like any link.

local function source_of(page)
  return page.path:match("^content/(.+%.md)$")
end

-- Sorts "Article 8" before "article 10"-style variants consistently and
-- ignores case and leading punctuation ("'Without prejudice'").
local function sort_key(term)
  return (term:lower():gsub("^[^%w]+", ""))
end

quire.on_site(function(site)
  local entries, by_key = {}, {}
  for _, page in ipairs(site.pages) do
    local src = source_of(page)
    local glossary = page.params.glossary
    if src and glossary ~= nil then
      if type(glossary) ~= "table" then
        error(page.path .. ": 'glossary' must be a mapping of term: definition", 0)
      end
      for term, definition in pairs(glossary) do
        if type(term) ~= "string" or type(definition) ~= "string" then
          error(("%s: glossary entry '%s' must be text: definition text")
            :format(page.path, tostring(term)), 0)
        end
        local key = sort_key(term)
        local e = by_key[key]
        if not e then
          e = { term = term, key = key, defs = {} }
          by_key[key] = e
          entries[#entries + 1] = e
        end
        e.defs[#e.defs + 1] = {
          text = definition:gsub("%s+$", ""),
          title = page.title,
          link = quire.relpath(PATH, src),
        }
      end
    end
  end
  table.sort(entries, function(a, b)
    if a.key ~= b.key then return a.key < b.key end
    return a.term < b.term
  end)
  for _, e in ipairs(entries) do
    table.sort(e.defs, function(a, b) return a.link < b.link end)
  end

  -- Group by first letter, with a jump list at the top.
  local letters, groups = {}, {}
  for _, e in ipairs(entries) do
    local letter = e.key:sub(1, 1):upper()
    if not letter:match("%a") then letter = "#" end
    if not groups[letter] then
      groups[letter] = {}
      letters[#letters + 1] = letter
    end
    table.insert(groups[letter], e)
  end

  local md = {}
  local function add(s) md[#md + 1] = s end
  add(("Every term that an article in this guidance defines, %d in all, "
    .. "in alphabetical order, as each article defines it. Each definition "
    .. "links to the article that explains the idea in full. The [[glossary]] "
    .. "explains the essential terms at more length: start there."):format(#entries))
  add("")
  add("> These definitions are simplified on purpose. They are guidance, not legal advice.")
  add("")
  local jump = {}
  for _, l in ipairs(letters) do
    jump[#jump + 1] = ("[%s](#%s)"):format(l, quire.slug(l))
  end
  add(table.concat(jump, " · "))
  for _, l in ipairs(letters) do
    add("")
    add("## " .. l)
    for _, e in ipairs(groups[l]) do
      add("")
      add("### " .. e.term)
      for _, d in ipairs(e.defs) do
        add("")
        add(("%s See [%s](%s)."):format(d.text, d.title, d.link))
      end
    end
  end

  quire.add_page{
    path = PATH,
    -- (not a second "Glossary": readers could not tell which to trust)
    title = "Index of terms: every term an article defines",
    markdown = table.concat(md, "\n") .. "\n",
    data = {
      summary = "Every term defined across this guidance, from A to Z, with a link to the article that explains it.",
      tags = { "reference" },
      weight = 12,
      -- a list of other pages' entries: searched by its title alone, or
      -- the words of unrelated entries would find it for any question
      search = "title",
    },
  }
end)
