-- scripts/outlets/japannews.lua — The Japan News by The Yomiuri Shimbun (japannews.yomiuri.co.jp).
-- Selectors from the corpus page japannews/TheJapanNews_2024_10_13 (WordPress, "#p-article-block");
-- verified against it. Title and dates come right from the page's meta.
return rule {
  name      = "japannews",
  outlet    = "The Japan News",
  domains   = {"japannews.yomiuri.co.jp"},
  fixtures  = {"../shared/corpus/outlets/japannews"},   -- verified by: TheJapanNews_2024_10_13
  article   = "^https?://japannews%.yomiuri%.co%.jp/[%w%-/]+/%d%d%d%d%d%d%d%d%-%d+/?$",
  lang      = "en",
  tz        = "Asia/Tokyo",
  sources   = {rss = {"https://japannews.yomiuri.co.jp/feed/"}},   -- WordPress default feed (UNVERIFIED)
  -- the printed byline ("By A and B / Yomiuri Shimbun Staff Writers"); JSON-LD names the uploader instead
  authors   = {"#p-article-block p.byline", pattern = "^[Bb]y%s+([^/]+)", split = {", ", " and "}},
  -- (byline and time stand inside the text block: selected around, not dropped, so authors still sees them)
  body      = "#p-article-block > :not(figure):not(.byline):not(.postdate):not(script):not(style)",
}
