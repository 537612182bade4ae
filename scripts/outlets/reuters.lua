-- scripts/outlets/reuters.lua — Reuters (reuters.com).
-- Selectors from the corpus pages reuters/Reuters_2023_05_16 (paragraphs are <p class="... body__large_body
-- ... article-body__element__*">) and reuters/Reuters_2024_03_07 ("article-body__paragraph__*" and
-- "article-body__heading__*" blocks); the class suffixes are build hashes, hence [class*=]. Verified
-- against both. Title, authors and dates (with zone) come right from the page's meta.
return rule {
  name      = "reuters",
  outlet    = "Reuters",
  domains   = {"reuters.com"},
  fixtures  = {"../shared/corpus/outlets/reuters"},   -- verified by: Reuters_2023_05_16, Reuters_2024_03_07
  article   = "^https?://www%.reuters%.com/[%w%-/]+%-%d%d%d%d%-%d%d%-%d%d/?",
  lang      = "en",
  tz        = "Z",
  -- UNVERIFIED: the Arc news sitemap index Reuters lists in robots.txt
  sources   = {sitemap = {"https://www.reuters.com/arc/outboundfeeds/news-sitemap-index/?outputType=xml"}},
  -- the first paragraph, dateline and all (the description meta drops the dateline)
  lead      = {'[class*="article-body__paragraph"]', 'p[class*="body__large_body"][class*="article-body__element"]'},
  -- the text; the credits ("Reporting by ...") and "Our Standards" blocks are not paragraphs of it,
  -- and links carry a visually hidden ", opens new tab"
  body      = {'[class*="article-body__paragraph"], [class*="article-body__heading"], ' ..
               'p[class*="body__large_body"][class*="article-body__element"]:not([class*="body__base"])',
               drop = 'a span[style*="clip"]'},
  dateline  = {from = "body", pattern = "^(.-), %a+%.? %d+ %(Reuters%) %- ", keep = true},
}
