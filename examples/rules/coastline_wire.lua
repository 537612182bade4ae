-- examples/rules/coastline_wire.lua — Coastline Wire, a fictional English newswire of examples/demo-site.
-- Selectors from the demo page itself (examples/demo-site/README.md); verified with `moonwire fetch` through
-- build/mw-testd. Its one story is the demo's shared event (also told by al-marsad.example and volna-news.example).
return rule {
  name      = "coastline_wire",
  outlet    = "Coastline Wire",
  domains   = {"coastline-wire.example"},
  article   = "^https?://coastline%-wire%.example[:%d]*/wire/%d%d%d%d/%d%d/%d%d/[%w%-]+%.html$",
  lang      = "en",
  tz        = "+00:00",
  sources   = {sitemap = {"http://coastline-wire.example/sitemap.xml"},
               listing = {url = "http://coastline-wire.example/", links = "a.story-link"}},
  verified  = true,
  title     = "h1.wire-title",
  lead      = "p.wire-summary",
  authors   = "span.wire-author",
  published = {"time.wire-time", attr = "datetime"},
  body      = {"p.wire-summary, div.wire-body p", drop = {".wire-photo", "p.wire-end"}},
  -- "QADIRA, March 14 (Coastline Wire) — "
  dateline  = {from = "body", pattern = "%f[^\n\0](%u[%u%s%.%-']+), %a+ %d+ %(Coastline Wire%) — "},
}
