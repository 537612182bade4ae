-- scripts/outlets/alahed.lua — Al-Ahed News, English edition (english.alahednews.com.lb).
-- UNVERIFIED, and weaker than the other rules: no saved page and no public scraper of the current (2019+)
-- layout exist (../shared/outlets/FACTS.md §4). What is known is the TEXT shape of its pages (seed 001 and
-- stored page texts): "No Script", "Please Wait...", a ticker line, the title twice, "folder_open<Section>
-- access_time<age>", "starAdd to favorites", "By <credit>", then the story. So this rule works on text, not
-- selectors: the generic body with that head cut off, the section and byline read from the page text.
-- tests/rules/alahed/ holds a synthetic page of our own in that text shape; its markup is invented.
-- Not settled: any selector; an absolute date (the page shows only "6 days ago", so `published` is left to
-- page metadata and stays null without it, never computed from the fetch time); the English feed;
-- the time zone (Beirut switches between +02:00 and +03:00, so none is assumed).
local HEAD = {["No Script"] = true, ["Please Wait..."] = true, ["Please Wait…"] = true}

return rule {
  name     = "alahed",
  outlet   = "Al-Ahed News",
  domains  = {"english.alahednews.com.lb"},
  article  = {"^https?://[%w%.]*english%.alahednews%.com%.lb/%d+/%d+$",   -- /<article id>/<category id>
              "^https?://[%w%.]*english%.alahednews%.com%.lb/essaydetails%.php%?eid=%d+&cid=%d+$"},
  lang     = "en",
  verified = false,
  fix      = function(a, doc)
    local page = doc:first("body")
    local t = page and page:text() or ""
    a.section = t:match("folder_open%s*([^\n]-)%s*access_time")
    local by = t:match("%f[^\n\0]By%s+([^\n]+)")
    if by then
      a.authors = {}
      for name in (text.clean(by) .. ","):gmatch("%s*(.-)%s*,") do if name ~= "" then a.authors[#a.authors + 1] = name end end
    end
    local g = extract.generic(doc)
    local paras, cut = {}, 0
    for p in ((g.body or "") .. "\n\n"):gmatch("(.-)\n\n") do
      if not HEAD[p] then paras[#paras + 1] = p end
      if #paras <= 8 and (p:find("^By%s") or p:find("Add to favorites$") or p:find("access_time")) then cut = #paras end
    end
    a.body = table.concat(paras, "\n\n", cut + 1)   -- the story starts after the byline (or the icon lines)
    if a.body == "" then a.body = nil end
  end,
}
