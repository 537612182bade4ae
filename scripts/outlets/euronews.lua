-- scripts/outlets/euronews.lua — Euronews (euronews.com and its language editions de., fr., ...).
-- Selectors from the corpus pages euronews/Euronews{EN,DE,FR}_2024_04_30 and _2026_01_06 (one layout:
-- ".c-article-content" holding paragraphs, subheadings and "widget" boxes); verified against all six.
-- Authors and dates (with zone) come right from the page's meta. The title is og:title: Euronews rewrites the
-- h1 for the page (EN_2024_04_30 "... of information leaks ...", FR_2024_04_30 a different sentence) and the
-- annotated headline of all six pages is the og:title one.
return rule {
  name      = "euronews",
  outlet    = "Euronews",
  domains   = {"euronews.com"},
  fixtures  = {"../shared/corpus/outlets/euronews"},   -- verified by: EuronewsDE_2024_04_30, EuronewsDE_2026_01_06, EuronewsEN_2024_04_30, EuronewsEN_2026_01_06, EuronewsFR_2024_04_30, EuronewsFR_2026_01_06
  article   = "^https?://[%a]*%.?euronews%.com/[%w%-/]*%d%d%d%d/%d%d/%d%d/[%w%-]+",
  lang      = "en",
  tz        = "Europe/Paris",   -- Lyon
  sources   = {rss = {"https://www.euronews.com/rss", "https://de.euronews.com/rss",
                      "https://fr.euronews.com/rss"}},
  title     = {"meta[property='og:title']", attr = "content"},
  lead      = ".c-article-summary",   -- the description meta appends hashtags ("#EuropeNews")
  -- the summary (standfirst), then the text; photos, "related" boxes, infographics, video players and
  -- pull quotes (which repeat the text) are widgets
  body      = {".c-article-summary, .c-article-content",
               drop = {".c-article-content .widget", ".c-article-content .c-ad", ".c-article-content .advertising",
                       ".c-article-content .connatix-container"}},
}
