-- scripts/outlets/telesur.lua — teleSUR English (telesurenglish.net) and Spanish (telesurtv.net).
-- UNVERIFIED: no rendered teleSUR page is saved. Selectors are the OpenCms "tfsla" templates of 2016
-- (jvillegas1/wp_produccion TS_Article_WorldPage2.jsp) as read in ../shared/outlets/FACTS.md §3.2, used
-- by dreglad/telesur-scraper into 2019: h1[itemprop~=headline], div.subtitle, div.txt_newworld,
-- .capaut meta[itemprop=name], .itacaput a, .tagBarNews a[title]. The seed-002 furniture (nav bullets,
-- duplicated caption) sits outside those blocks; "RELATED:" / "LEA TAMBIÉN:" inserts are cut in fix.
-- tests/rules/telesur/ holds synthetic pages of our own in that shape (rule logic only, no verification).
-- Not settled: div.capdate prints the LAST-MODIFIED date (template), so it goes to `modified`, and
-- `published` is JSON-LD datePublished, else the creation date in the URL; whether the 2021+ and 2025
-- layouts (slug-only WordPress-like URLs, div.content-area__text__full) still look like this; the feeds.
return rule {
  name      = "telesur",
  outlet    = "teleSUR",
  domains   = {"telesurenglish.net", "telesurtv.net"},
  article   = {"^https?://www%.telesurenglish%.net/[%w]+/[%w%-]+%-%d%d%d%d%d%d%d%d%-%d+%.html$",
               "^https?://www%.telesurtv%.net/[%w/]+/[%w%-]+%-%d%d%d%d%d%d%d%d%-%d+%.html$"},
  tz        = "-04:00",   -- Caracas
  sources   = {rss = {"https://www.telesurenglish.net/rss/RssHome.html", "https://www.telesurtv.net/rss/RssPortada.html"}},
  verified  = false,
  title     = {"h1[itemprop~=headline]", ".nworldtop h1"},
  lead      = "div.subtitle",
  authors   = {".capaut meta[itemprop=name]", attr = "content", split = ","},
  section   = ".nworldtop .itacaput a:last-child",
  tags      = {".tagBarNews a", attr = "title"},
  modified  = {"div.capdate", pattern = "(%d+%s+%S+%s+%d%d%d%d)"},
  published = function(doc)   -- JSON-LD/OG, never the capdate microdata; else the URL's creation date
    local m = doc:meta({tz = "-04:00"})
    local src = m.sources and m.sources.published
    if m.published and src ~= "microdata" and src ~= "page" then return m.published end
    local y, mo, d = doc:url():match("%-(%d%d%d%d)(%d%d)(%d%d)%-%d+%.html$")
    return y and date.parse(y .. "-" .. mo .. "-" .. d, {tz = "-04:00"})
  end,
  body      = {"div.subtitle, div.txt_newworld", drop = "div.txt_newworld figure, .barra-redes, .sharemob"},
  fix       = function(a)   -- "RELATED:" + the linked headline, as one paragraph or as two
    if not a.body then return end
    local out, cut = {}, false
    for p in (a.body .. "\n\n"):gmatch("(.-)\n\n") do
      local ins = p:match("^RELATED:%s*(.*)$") or p:match("^LEA TAMBIÉN:%s*(.*)$") or p:match("^Lea también:%s*(.*)$")
      if ins then cut = (ins == "") elseif cut then cut = false else out[#out + 1] = p end
    end
    a.body = table.concat(out, "\n\n")
  end,
}
