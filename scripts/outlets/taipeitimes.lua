-- scripts/outlets/taipeitimes.lua — Taipei Times (taipeitimes.com).
-- Selectors from the corpus page taipeitimes/TaipeiTimes_2024_10_15 (".archives": h1, an h2 standfirst,
-- the byline in "ul.as .name", paragraphs, photo boxes); verified against it. Title, authors (the
-- byline reader turns "AFP, MANILA" into AFP) and dates come right from the page's meta.
return rule {
  name      = "taipeitimes",
  outlet    = "Taipei Times",
  domains   = {"taipeitimes.com"},
  fixtures  = {"../shared/corpus/outlets/taipeitimes"},   -- verified by: TaipeiTimes_2024_10_15
  article   = "^https?://www%.taipeitimes%.com/News/%a+/archives/%d%d%d%d/%d%d/%d%d/%d+",
  lang      = "en",
  tz        = "+08:00",   -- Taipei, no DST
  sources   = {rss = {"https://www.taipeitimes.com/xml/index.rss"}},
  lead      = ".archives > h2",   -- og:description is the paper's motto
  -- standfirst and paragraphs; photo boxes (".imgboxa", captions in h1) are not direct children's text
  body      = ".archives > h2, .archives > p",
  -- wire bylines name the place: "AFP, MANILA"
  dateline  = {".archives ul.as .name", pattern = "^%u[%u%s]*, (%u[%u%s%.%-]+)$"},
}
