-- examples/rules/al_marsad.lua — المرصد, a fictional Arabic outlet of examples/demo-site (UTF-8, right to left).
-- Selectors from the demo page itself (examples/demo-site/README.md); verified with `moonwire fetch` through
-- build/mw-testd. The byline names the desk and place ("المرصد - القديرة"), so authors is left empty.
return rule {
  name      = "al_marsad",
  outlet    = "المرصد",
  domains   = {"al-marsad.example"},
  article   = "^https?://al%-marsad%.example[:%d]*/akhbar/%d%d%d%d/%d%d/%d+/$",
  lang      = "ar",
  tz        = "+03:00",
  sources   = {sitemap = {"http://al-marsad.example/sitemap.xml"},
               listing = {url = "http://al-marsad.example/", links = "a.story-link"}},
  verified  = true,
  title     = "h1.khabar-title",
  authors   = function() return {} end,
  published = {"span.date", attr = "data-time"},
  body      = {"div.khabar-text p", drop = "p.also"},
  fix       = function(a)   -- no standfirst: the lead is the first paragraph
    a.lead = a.body and a.body:match("^(.-)\n\n") or a.body
  end,
}
