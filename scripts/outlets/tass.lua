-- scripts/outlets/tass.lua — TASS, English edition (tass.com). UNVERIFIED: no saved tass.com article page.
-- Selectors from ../shared/outlets/FACTS.md §1: h1.news-header__title, .news-header__lead, .text-content >
-- .text-block > p (opnweb/tass-scraper 2024-12, rhetoric-corpus 2026-10, RSSHub), <dateformat time=> in Unix
-- seconds (public scraper configs 2026), .text-include-photo__img (≈2022), the "CITY, Month D. /TASS/. "
-- dateline (seed 004). tests/rules/tass/ holds synthetic pages of our own in that shape: they test this
-- rule's logic, they verify nothing about tass.com. Not settled by the facts: whether sub-headings (h2/h3)
-- sit inside .text-block, whether in-body "read also" boxes exist, a byline element (none known: authors
-- stay []), tags on tass.com, and whether the sitemaps still list current articles.
local sitemaps = {}
for i = 0, 9 do sitemaps[#sitemaps + 1] = "https://tass.com/sitemap/sitemap_news" .. i .. ".xml" end

return rule {
  name      = "tass",
  outlet    = "TASS",
  domains   = {"tass.com"},
  article   = "^https?://tass%.com/[%a%-]+/%d+$",
  lang      = "en",
  tz        = "+03:00",   -- the page's dates are UTC; TASS writes Moscow time
  sources   = {rss = {"https://tass.com/rss/v2.xml"}, sitemap = sitemaps},
  verified  = false,
  title     = function(doc)   -- the h1, else og:title without its " - Section - TASS" tail
    local h = doc:first("h1.news-header__title")
    if h then return text.clean(h:text("inline")) end
    local m = doc:first("meta[property='og:title']")
    return m and m:attr("content") and (text.clean(m:attr("content")):gsub("%s+%-%s+[^%-]+%s+%-%s+TASS$", ""))
  end,
  lead      = ".news-header__lead",
  section   = {"meta[property='og:title']", attr = "content", pattern = "%s%-%s([^%-]+)%s%-%sTASS$"},
  published = {"dateformat[mode=abs]", "span > dateformat", attr = "time", format = "unix"},
  images    = ".news-media img, .text-include-photo__img img, img.text-include-photo__img",
  -- the standfirst is not repeated in the text, so the body starts with it
  -- (in-body photos, div.text-include-photo__img, are no <p>: they stay out of the text and stay images)
  body      = ".news-header__lead, .text-content .text-block > p, .text-content .text-block > h2",
  -- "CAIRO, January 14. /TASS/. " or "IGORA /Leningrad Region/, December 26. /TASS/. " opens a paragraph
  dateline  = {from = "body", pattern = "%f[^\n\0](%u[%u%s%.%-']+[^\n,]-), %a+%.? %d+%. /TASS/%.%s*"},
}
