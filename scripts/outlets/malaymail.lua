-- scripts/outlets/malaymail.lua — Malay Mail (malaymail.com).
-- Selectors from the corpus page malaymail/MalayMail_2024_11_22 (".article-body" of paragraphs between ad
-- slots); verified against it. Title, authors and dates (with zone) come right from the page's meta.
return rule {
  name      = "malaymail",
  outlet    = "Malay Mail",
  domains   = {"malaymail.com"},
  fixtures  = {"../shared/corpus/outlets/malaymail"},   -- verified by: MalayMail_2024_11_22
  article   = "^https?://www%.malaymail%.com/news/[%w%-]+/%d%d%d%d/%d%d/%d%d/[%w%-]+/%d+",
  lang      = "en",
  tz        = "+08:00",   -- Kuala Lumpur, no DST
  sources   = {rss = {"https://www.malaymail.com/feed/rss/malaysia"}},   -- UNVERIFIED
  body      = ".article-body > p, .article-body > h2, .article-body > h3, .article-body > ul, " ..
              ".article-body > blockquote",
  -- "PUTRAJAYA, Nov 22 — ...": the dateline stays in the text, as the outlet prints it
  dateline  = {from = "body", pattern = "^(%u[%u%s%.%-']+), %a+ %d+ — ", keep = true},
}
