-- scripts/outlets/kommersant.lua — Kommersant (kommersant.ru).
-- Selectors from the corpus page kommersant/Kommersant_2025_05_14 ("article.doc": "h2.doc_header__subheader"
-- standfirst, ".article_text_wrapper" text with the author line last); verified against it.
-- Title, authors and dates (with zone) come right from the page's meta.
return rule {
  name      = "kommersant",
  outlet    = "Kommersant",
  domains   = {"kommersant.ru"},
  fixtures  = {"../shared/corpus/outlets/kommersant"},   -- verified by: Kommersant_2025_05_14
  article   = "^https?://www%.kommersant%.ru/doc/%d+",
  lang      = "ru",
  tz        = "Europe/Moscow",
  sources   = {rss = {"https://www.kommersant.ru/RSS/news.xml"}},
  -- standfirst, then the text's paragraphs and subheadings (photo viewers are divs, the author line a p)
  body      = {".doc_header__subheader, .article_text_wrapper > p:not(.document_authors), " ..
               ".article_text_wrapper > h2, .article_text_wrapper > h3"},
}
