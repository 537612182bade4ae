-- scripts/outlets/voa.lua — Voice of America (voanews.com, English).
-- Selectors from the corpus page voa/VoiceOfAmerica_2024_04_28 (".wsw" text block: a "span.dateline", the
-- paragraphs, ".wsw__embed" photo boxes); verified against it. Title, authors and dates (with zone) come
-- right from the page's meta.
return rule {
  name      = "voa",
  outlet    = "Voice of America",
  domains   = {"voanews.com"},
  fixtures  = {"../shared/corpus/outlets/voa"},   -- verified by: VoiceOfAmerica_2024_04_28
  article   = "^https?://www%.voanews%.com/a/[%w%-]+/%d+%.html",
  lang      = "en",
  tz        = "America/New_York",
  sources   = {sitemap = {"https://www.voanews.com/sitemap.xml"}},   -- UNVERIFIED (feeds are listed at /rssfeeds)
  body      = ".wsw > p, .wsw > h2, .wsw > h3, .wsw > ul, .wsw > ol, .wsw > blockquote",
  -- "AUBURN, Wash. —" stands apart from the first paragraph
  dateline  = {".wsw > span.dateline", pattern = "^(.-)%s*—$"},
}
