-- scripts/outlets/afp.lua — AFP's fact-check sites (faktencheck., factcheck., factuel., ... .afp.com).
-- Selectors from the corpus page afp/AFPFaktencheck_2026_05_24 (Drupal "node--type-article"), verified
-- against it. Title and published come right from the page's meta (wall clock, no zone stated).
-- Sources: per-site RSS at /rss.xml is the Drupal default (UNVERIFIED).
return rule {
  name      = "afp",
  outlet    = "AFP Fact Check",
  domains   = {"afp.com"},
  fixtures  = {"../shared/corpus/outlets/afp"},   -- verified by: AFPFaktencheck_2026_05_24
  article   = "^https?://[%w%-]+%.afp%.com/doc%.afp%.com%.%w+",
  lang      = "de",   -- the German desk's page; other editions state theirs in <html lang>
  tz        = "Europe/Paris",   -- the pages give the wall clock only
  sources   = {rss = {"https://faktencheck.afp.com/rss.xml"}},
  -- the byline ("Von: ...") and the desk credited for the translation ("Übersetzung und Adaptierung:")
  authors   = ".list-informations .person-link a",
  -- standfirst, then the text; photos with their captions sit inside the text
  body      = {".wrapper-summary, .wrapper-body", drop = {".wrapper-image", ".image-wrapper", ".legend"}},
}
