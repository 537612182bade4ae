-- examples/rules/valley_ledger.lua — The Valley Ledger, a fictional US outlet of examples/demo-site.
-- Selectors from the demo pages (examples/demo-site/README.md); verified against all three articles with
-- `moonwire fetch` through build/mw-testd. Meta-only pages: <meta name=pubdate> is the only date with a
-- zone (US daylight saving moves it from -06:00 to -05:00), so the rule names no fixed tz.
return rule {
  name      = "valley_ledger",
  outlet    = "The Valley Ledger",
  domains   = {"valley-ledger.example"},
  article   = "^https?://valley%-ledger%.example[:%d]*/local/%d+%-[%w%-]+%.html$",
  lang      = "en",
  sources   = {sitemap = {"http://valley-ledger.example/sitemap.xml"},
               listing = {url = "http://valley-ledger.example/", links = "a.story-link"}},
  verified  = true,
  title     = "h1.headline",
  lead      = "p.deck",
  authors   = {"meta[name=author]", attr = "content", split = ","},
  published = {"meta[name=pubdate]", attr = "content"},
  section   = {"div.crumbs", pattern = "/%s*([^/]+)$"},   -- the last crumb
  body      = {"p.deck, div.story-text p", drop = {".ad-slot", "p.signoff"}},
}
