-- scripts/outlets/politico.lua — Politico Europe (politico.eu).
-- Selectors from the corpus page politico/PoliticoEu_2025_10_23 (WordPress: "p.hero__excerpt" standfirst,
-- the text split over several ".article__content" blocks between ads); verified against it. Title, authors
-- and dates (with zone) come right from the page's meta.
return rule {
  name      = "politico",
  outlet    = "Politico Europe",
  domains   = {"politico.eu"},
  fixtures  = {"../shared/corpus/outlets/politico"},   -- verified by: PoliticoEu_2025_10_23
  article   = "^https?://www%.politico%.eu/article/[%w%-]+/?",
  lang      = "en",
  tz        = "Europe/Brussels",
  sources   = {rss = {"https://www.politico.eu/feed/"}},
  body      = {".hero__excerpt, .article__content > p, .article__content > h2, .article__content > h3, " ..
               ".article__content > ul, .article__content > ol, .article__content > blockquote"},
  -- "DUBLIN — ..." opens the text, after the standfirst when there is one; it stays in the text
  dateline  = {from = "body", pattern = {"^(%u[%u%s%.%-']+) — ", "^[^\n]*\n\n(%u[%u%s%.%-']+) — "}, keep = true},
}
