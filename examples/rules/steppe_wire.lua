-- examples/rules/steppe_wire.lua — «Степной телеграф», a fictional outlet of examples/demo-site.
-- Selectors from the demo pages (examples/demo-site/README.md); verified against all four articles with
-- `moonwire fetch` through build/mw-testd. The pages are windows-1251 with no JSON-LD or OG tags, a table
-- layout, and body text as bare lines split by <br><br>: div.n-text's text already comes out as paragraphs.
return rule {
  name      = "steppe_wire",
  outlet    = "Степной телеграф",
  domains   = {"steppe-wire.example"},
  article   = "^https?://steppe%-wire%.example[:%d]*/ru/article/%d+%.html$",
  lang      = "ru",
  tz        = "+05:00",
  sources   = {rss = {"http://steppe-wire.example/rss.xml"},
               sitemap = {"http://steppe-wire.example/sitemap.xml"},
               listing = {url = "http://steppe-wire.example/", links = "a.story-link"}},
  verified  = true,
  title     = "h1.n-title",
  authors   = {"span.n-author", pattern = "^Автор:%s*(.+)$", split = ","},
  published = "span.n-date",                                  -- "2 марта 2026, 10:15", local time
  section   = {"div#path", pattern = ".*»%s*(.+)$"},             -- the last crumb
  body      = {"div.n-text", drop = {".n-photo", ".read-also"}},
  -- "НОВОСТЕПСК, 2 марта (Степной телеграф) — "
  dateline  = {from = "body", pattern = "%f[^\n\0]([^\n,]-), %d+ %S+ %(Степной телеграф%) — "},
  fix       = function(a)   -- no standfirst: the lead is the first paragraph, once the dateline is out
    a.lead = a.body and a.body:match("^(.-)\n\n") or a.body
  end,
}
