-- scripts/outlets/bbc.lua — BBC News (bbc.com / bbc.co.uk, English).
-- Selectors from the corpus pages bbc/BBC_2024_08_01 and bbc/BBC_2026_04_25 (both the React layout whose
-- blocks carry data-component="text-block", "subheadline-block", ...); verified against both, and the
-- older layout against one page of ../shared/corpus/generic.
return rule {
  name      = "bbc",
  outlet    = "BBC News",
  domains   = {"bbc.com", "bbc.co.uk"},
  fixtures  = {"../shared/corpus/outlets/bbc"},   -- verified by: BBC_2024_08_01, BBC_2026_04_25
  article   = {"^https?://www%.bbc%.com/news/articles/%w+", "^https?://www%.bbc%.com/news/[%w%-]+%-%d+$",
               "^https?://www%.bbc%.co%.uk/news/articles/%w+", "^https?://www%.bbc%.co%.uk/news/[%w%-]+%-%d+$"},
  lang      = "en",
  tz        = "Europe/London",
  sources   = {rss = {"https://feeds.bbci.co.uk/news/rss.xml"}},
  lead      = "[data-component=text-block] p",   -- the description meta is a teaser, not the standfirst
  -- a text block that is only a list of links is a "related stories" box
  body      = {"[data-component=text-block], [data-component=subheadline-block]",
               drop = "[data-component=text-block] ul:not(:has(li:not(:has(> a:only-child))))"},
  -- the pre-2023 ".story-body" layout, from the generic corpus page of bbc.com/news/newsbeat-50470672;
  -- its text ends with the desk's "Follow Newsbeat on ..." lines
  layouts   = {{when = ".story-body__inner", lead = ".story-body__introduction",
                body = {".story-body__inner > p, .story-body__inner > h2, .story-body__inner > ul",
                        stop = {"^Follow Newsbeat on ", "^Listen to Newsbeat live "}}}},
}
