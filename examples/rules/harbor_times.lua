-- examples/rules/harbor_times.lua — Harbor Times, a fictional outlet of examples/demo-site.
-- Selectors from the demo pages themselves (examples/demo-site/README.md, "Where the fields are"); verified
-- against all four articles with `moonwire fetch` through build/mw-testd. Dates, modified time and tags come
-- from the page's JSON-LD / article:* tags through doc:meta(), so the rule leaves them out.
return rule {
  name     = "harbor_times",
  outlet   = "Harbor Times",
  domains  = {"harbor-times.example"},
  article  = "^https?://harbor%-times%.example[:%d]*/news/%d%d%d%d/%d%d/%d%d/[%w%-]+%.html$",
  lang     = "en",
  tz       = "+00:00",
  sources  = {rss = {"http://harbor-times.example/feed.xml"},
              sitemap = {"http://harbor-times.example/sitemap.xml"},
              listing = {url = "http://harbor-times.example/", links = "a.story-link"}},
  verified = true,
  title    = "h1.article-title",
  lead     = "p.standfirst",
  authors  = {"a.byline__name", "span.byline__name"},   -- a person links to a page, the desk does not
  section  = "span.kicker",
  tags     = "ul.tags a",
  body     = {"p.standfirst, div.article-body p", drop = ".inline-promo"},
  -- "PORT ELLIS, March 3 (Harbor Times) — " opens a wire story's first paragraph
  dateline = {from = "body", pattern = "%f[^\n\0](%u[%u%s%.%-']+), %a+ %d+ %(Harbor Times%) — "},
}
