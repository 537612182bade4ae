-- scripts/outlets/apnews.lua — The Associated Press (apnews.com).
-- Selectors from the corpus pages apnews/APNews_2024_09_03 (".RichTextStoryBody" layout) and
-- apnews/APNews_2023_04_28 (older "div.Article" layout); verified against both. Authors and dates come
-- right from the page's meta.
return rule {
  name      = "apnews",
  outlet    = "AP News",
  domains   = {"apnews.com"},
  fixtures  = {"../shared/corpus/outlets/apnews"},   -- verified by: APNews_2023_04_28, APNews_2024_09_03
  article   = "^https?://apnews%.com/article/[%w%-]+",
  lang      = "en",
  tz        = "America/New_York",
  sources   = {sitemap = {"https://apnews.com/news-sitemap-content.xml"}},   -- UNVERIFIED
  -- the headline AP declares (<title>, JSON-LD "headline"); the h1 may be a longer display variant
  title     = {"head > title", pattern = "^(.-)%s*|%s*AP News$"},
  body      = {".RichTextStoryBody > p, .RichTextStoryBody > h2", ".Article > p",
               stop = "^_+$"},   -- "___" and then the contributors' line
  dateline  = {from = "body", pattern = "^(.-) %(AP%) — ", keep = true},
}
