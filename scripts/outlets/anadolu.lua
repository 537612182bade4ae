-- scripts/outlets/anadolu.lua — Anadolu Agency, English (/en/) and Turkish (/tr/) editions.
-- Verified: the three saved pages of ../shared/corpus/outlets/anadolu (V1 2025-04-03, 2025-04-05;
-- V2 2026-04-20, all /tr/); the /en/ edition uses the same templates (FACTS.md §2.1, not checked here).
-- V1 (classic, to ~April 2026): every selector read off the saved pages. V2 (Next.js): DOM selectors from
-- the saved page; published/modified/tags/section come from its JSON-LD through doc:meta() (local time,
-- no zone, hence tz). V2's article sits inside <div hidden>: nothing here may drop [hidden]. The breaking-news
-- lines skipped in V1 are quoted in fundus PR #722 (FACTS.md §2.2); no saved page shows them.
-- The dateline is its own element (h6 / span), never in the body. Feeds: FACTS.md §2.4 (no sitemap).
return rule {
  name     = "anadolu",
  outlet   = "Anadolu Agency",
  domains  = {"aa.com.tr"},
  article  = {"^https?://www%.aa%.com%.tr/[et][nr]/[%w%-]+/[%w%-]+/%d+$",
              "^https?://aa%.com%.tr/[et][nr]/[%w%-]+/[%w%-]+/%d+$"},
  tz       = "+03:00",
  sources  = {rss = {"https://www.aa.com.tr/en/rss/default?cat=guncel",
                     "https://www.aa.com.tr/tr/rss/default?cat=guncel"}},
  verified = true,
  fixtures  = {"../shared/corpus/outlets/anadolu"},   -- verified by: AnadoluAjansi_2025_04_03, AnadoluAjansi_2025_04_05, AnadoluAjansi_2026_04_20
  layouts  = {
    { -- V1: h1/h4/byline in .detay-spot-category, text in .detay-icerik, date "05.04.2025 - Update : ..."
      when      = ".detay-icerik",
      title     = ".detay-spot-category > h1",
      lead      = ".detay-spot-category > h4",
      authors   = {".detay-spot-category > div.row > span:not(.tarih)", pattern = "^([^|]+)", split = ","},
      published = {"span.tarih", pattern = "(%d%d%.%d%d%.%d%d%d%d)", format = "%d.%m.%Y"},
      modified  = {"span.tarih", pattern = ":%s*(%d%d%.%d%d%.%d%d%d%d)", format = "%d.%m.%Y"},
      section   = ".detay-news-category a",
      tags      = ".detay-paylas a.btn-outline-secondary",
      dateline  = ".detay-icerik > h6",
      body      = {".detay-spot-category > h4, .detay-icerik > div > p, .detay-icerik > div > h3",
                   drop = ".detay-foto-editor",    -- the subscriber notice; .detay-paylas holds the tags
                   skip = {"^Bu bir sıcak gelişme haberidir", "^Son dakika gelişmelere anında ulaşmak için"}},
      images    = "img.detay-buyukFoto, .detay-icerik > div > p img",
    },
    { -- V2: Tailwind classes; the standfirst is the span right after the h1, the text is div[dir]
      when      = "div[dir] > p",
      title     = "h1",
      lead      = "h1 + span.text-descriptionColor",
      authors   = {"span.caustenMedium.text-base", split = ","},
      dateline  = "span.text-dateColor",
      body      = "h1 + span.text-descriptionColor, div[dir] > p, div[dir] > h2",
      images    = {".content-media-slider img, div[dir] img", caption = "figcaption"},
    },
  },
}
