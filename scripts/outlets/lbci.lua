-- scripts/outlets/lbci.lua — LBCI, Lebanese Broadcasting Corporation International (lbcgroup.tv).
-- Selectors from the corpus page lbci/LBCGroup_2026_01_08 (ASP.NET "ArticleDetailsTemplate1": the text is
-- one ".LongDesc" block of <br>-separated paragraphs); verified against it. Dates (with zone) come right
-- from the page's meta; the title is og:title, the headline without the quote marks the h1, JSON-LD and
-- twitter:title put around its first words (the annotation follows og:title); the byline guess of the generic reader is the section name, while the
-- page's microdata credits the station (<meta itemprop="author" content="LBCI">).
return rule {
  name      = "lbci",
  outlet    = "LBCI",
  domains   = {"lbcgroup.tv"},
  fixtures  = {"../shared/corpus/outlets/lbci"},   -- verified by: LBCGroup_2026_01_08
  article   = "^https?://www%.lbcgroup%.tv/news/[%w%-]+/%d+/",
  lang      = "ar",
  tz        = "Europe/Athens",   -- Beirut keeps the same offsets and DST days; date.c has no Asia/Beirut
  sources   = {rss = {"https://www.lbcgroup.tv/Rss/latest-news/ar"}},   -- UNVERIFIED
  title     = {"meta[property='og:title']", attr = "content"},
  authors   = {"meta[itemprop=author]", attr = "content"},
  -- the text; the photo box inside it has no text of its own
  body      = {".LongDesc", drop = ".LongDesc .DimgContainer, .LongDesc .my-gallery"},
}
