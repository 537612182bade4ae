-- scripts/outlets/tass.lua — TASS: tass.com (English) and tass.ru (Russian), which share one page template.
-- VERIFIED for tass.ru by ../shared/corpus/outlets/tass/TASSru_2020_06_29 (2020): h1.news-header__title,
-- .news-header__lead (not repeated in the text), .text-content > .text-block > p and h2 sub-headings,
-- <dateformat mode=abs time=> in Unix seconds, a.tags__item, no byline (the JSON-LD author is the agency itself,
-- the same Organization as the publisher, so authors stay []), the "МОСКВА, 29 июня. /ТАСС/. " dateline.
-- tass.com (English) is UNVERIFIED: no saved tass.com article page; its selectors are the same template's, from
-- ../shared/outlets/FACTS.md §1 (opnweb/tass-scraper 2024-12, rhetoric-corpus 2026-10, RSSHub), the
-- "CITY, Month D. /TASS/. " dateline from seed 004; tests/rules/tass/ holds synthetic pages of our own in that
-- shape. Not settled for tass.com: in-body "read also" boxes, tags, whether the sitemaps list current articles.
local sitemaps = {}
for i = 0, 9 do sitemaps[#sitemaps + 1] = "https://tass.com/sitemap/sitemap_news" .. i .. ".xml" end

return rule {
  name      = "tass",
  outlet    = "TASS",
  domains   = {"tass.com", "tass.ru"},
  fixtures  = {"../shared/corpus/outlets/tass"},   -- verified by: TASSru_2020_06_29
  article   = {"^https?://tass%.com/[%a%-]+/%d+$", "^https?://tass%.ru/[%a%-]+/%d+$"},
  tz        = "+03:00",   -- the page's dates are UTC; TASS writes Moscow time
  sources   = {rss = {"https://tass.com/rss/v2.xml"}, sitemap = sitemaps},
  verified  = true,
  title     = function(doc)   -- the h1, else og:title without its " - Section - TASS" tail
    local h = doc:first("h1.news-header__title")
    if h then return text.clean(h:text("inline")) end
    local m = doc:first("meta[property='og:title']")
    return m and m:attr("content") and (text.clean(m:attr("content")):gsub("%s+%-%s+[^%-]+%s+%-%s+TASS$", ""))
  end,
  lead      = ".news-header__lead",
  -- no byline: the JSON-LD author is the agency itself (Organization "ТАСС", the publisher), not a credit
  authors   = function() return {} end,
  tags      = "a.tags__item",
  section   = {"meta[property='og:title']", attr = "content", pattern = "%s%-%s([^%-]+)%s%-%sTASS$"},
  published = {"dateformat[mode=abs]", "span > dateformat", attr = "time", format = "unix"},
  images    = ".news-media img, .text-include-photo__img img, img.text-include-photo__img",
  -- the standfirst is not repeated in the text, so the body starts with it
  -- (in-body photos, div.text-include-photo__img, are no <p>: they stay out of the text and stay images)
  body      = ".news-header__lead, .text-content .text-block > p, .text-content .text-block > h2",
  -- "CAIRO, January 14. /TASS/. " or "IGORA /Leningrad Region/, December 26. /TASS/. " opens a paragraph
  dateline  = {from = "body", pattern = {"%f[^\n\0](%u[%u%s%.%-']+[^\n,]-), %a+%.? %d+%. /TASS/%.%s*",
                                        "%f[^\n\0]([^\n,%.]-), %d+ [^%s%.]+%. /ТАСС/%.%s*"}},
}
