-- Reading time: adds params.reading_minutes to every article (about 200
-- words a minute, never less than 1), so listings can tell a manager how
-- long a piece of guidance takes to read.  Used by 30-audiences.lua.

local WORDS_PER_MINUTE = 200

-- Words a reader sees: link targets, HTML tags and Markdown punctuation
-- are not words.
local function count_words(markdown)
  local text = markdown
    :gsub("%]%b()", "]")        -- [text](url) keeps only the text
    :gsub("%[%[(.-)%]%]", function(inner)  -- [[page|text]] keeps the text
      return inner:match("|(.*)$") or inner
    end)
    :gsub("<[^>]*>", " ")       -- inline HTML
    :gsub("https?://%S+", " ")  -- bare URLs
  local n = 0
  for _ in text:gmatch("%w[%w'’%-]*") do
    n = n + 1
  end
  return n
end

quire.on_page(function(page)
  if page.kind ~= "article" or not page.body then
    return
  end
  local words = count_words(page.body)
  page.params.reading_words = words
  page.params.reading_minutes = math.max(1, (words + WORDS_PER_MINUTE // 2) // WORDS_PER_MINUTE)
end)
