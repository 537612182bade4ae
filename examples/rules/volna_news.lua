-- examples/rules/volna_news.lua — «Волна», a fictional Russian outlet of examples/demo-site (UTF-8).
-- Selectors from the demo page itself (examples/demo-site/README.md); verified with `moonwire fetch` through
-- build/mw-testd. The dateline is written the TASS way: "КАДИРА, 14 марта /Волна/. ".
return rule {
  name      = "volna_news",
  outlet    = "Волна",
  domains   = {"volna-news.example"},
  article   = "^https?://volna%-news%.example[:%d]*/news/%d+%.html$",
  lang      = "ru",
  tz        = "+03:00",
  sources   = {sitemap = {"http://volna-news.example/sitemap.xml"},
               listing = {url = "http://volna-news.example/", links = "a.story-link"}},
  verified  = true,
  title     = "h1.material-title",
  lead      = {"meta[name=description]", attr = "content"},
  published = "div.material-date",                 -- "14 марта 2026, 13:05", Moscow time
  body      = {"div.material-text p"},
  dateline  = {from = "body", pattern = "^([^\n,]-), %d+ %S+ /Волна/%. "},
}
