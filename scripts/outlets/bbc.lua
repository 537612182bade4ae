-- scripts/outlets/bbc.lua — BBC News (bbc.com / bbc.co.uk, English).
-- Selectors from the corpus pages bbc/BBC_2024_08_01 and bbc/BBC_2026_04_25 (both the React layout whose
-- blocks carry data-component="text-block", "subheadline-block", ...); verified against both.
return rule {
  name      = "bbc",
  outlet    = "BBC News",
  domains   = {"bbc.com", "bbc.co.uk"},
  article   = {"^https?://www%.bbc%.co[m%.uk]*/news/articles/%w+", "^https?://www%.bbc%.co[m%.uk]*/news/[%w%-]+%-%d+$"},
  lang      = "en",
  tz        = "Europe/London",
  sources   = {rss = {"https://feeds.bbci.co.uk/news/rss.xml"}},
  -- a text block that is only a list of links is a "related stories" box
  body      = {"[data-component=text-block], [data-component=subheadline-block]",
               drop = "[data-component=text-block] ul:not(:has(li:not(:has(> a:only-child))))"},
}
