-- examples/rules/alsahil_news.lua — الساحل نيوز, a fictional Arabic outlet of examples/demo-site.
-- Selectors from the demo pages (examples/demo-site/README.md); verified against all four articles with
-- `moonwire fetch` through build/mw-testd (windows-1256 and ISO-8859-6 pages, Eastern Arabic digits as
-- character references). <time datetime> carries the zone, so published needs no tz.
return rule {
  name      = "alsahil_news",
  outlet    = "الساحل نيوز",
  domains   = {"alsahil-news.example"},
  article   = "^https?://alsahil%-news%.example[:%d]*/ar/news/%d+/$",
  lang      = "ar",
  tz        = "+02:00",
  sources   = {rss = {"http://alsahil-news.example/atom.xml"},   -- Atom, read like RSS
               sitemap = {"http://alsahil-news.example/sitemap.xml", "http://alsahil-news.example/news-sitemap.xml"},
               listing = {url = "http://alsahil-news.example/", links = "a.story-link"}},
  verified  = true,
  title     = "h1.post-title",
  authors   = "span.post-author a[rel=author]",   -- the link only: "بقلم:" sits outside it
  published = {"time.post-date", attr = "datetime"},
  section   = "a.post-cat",
  tags      = "div.post-tags a",
  body      = {"div.post-content p", drop = "p.read-more"},
  -- "مدينة الساحل، ٤ مارس (الساحل نيوز) — "
  dateline  = {from = "body", pattern = "%f[^\n\0]([^\n]-)، [^\n]- %(الساحل نيوز%) — "},
  fix       = function(a)   -- no standfirst: the lead is the first paragraph, once the dateline is out
    a.lead = a.body and a.body:match("^(.-)\n\n") or a.body
  end,
}
