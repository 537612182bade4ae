-- scripts/outlets/pravda.lua — Ukrainska Pravda (pravda.com.ua; Ukrainian, /rus/ and /eng/ editions).
-- Selectors from the corpus page pravda/Pravda_2026_01_08 (an /articles/ page: ".post_article_text" with ad
-- slots and photo boxes inside, the authors in bold italics as the last paragraph); verified against it.
-- Title, authors and dates (with zone) come right from the page's meta.
return rule {
  name      = "pravda",
  outlet    = "Ukrainska Pravda",
  domains   = {"pravda.com.ua"},
  fixtures  = {"../shared/corpus/outlets/pravda"},   -- verified by: Pravda_2026_01_08
  article   = "^https?://www%.pravda%.com%.ua/[%a/]*%a+/%d%d%d%d/%d%d/%d%d/%d+/?",
  lang      = "uk",
  tz        = "Europe/Kyiv",
  sources   = {rss = {"https://www.pravda.com.ua/rss/", "https://www.pravda.com.ua/rus/rss/"}},   -- UNVERIFIED
  body      = {".post_article_text > p, .post_article_text > h2, .post_article_text > h3, " ..
               ".post_article_text > ul, .post_article_text > ol, .post_article_text > blockquote",
               drop = ".post_article_text > p:last-of-type:has(> strong:only-child > em:only-child)"},
}
