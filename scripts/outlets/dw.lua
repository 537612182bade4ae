-- scripts/outlets/dw.lua — Deutsche Welle (dw.com, every language edition).
-- Selectors from the corpus pages dw/DW_2023_06_13 and dw/DW_2024_01_30 (React layout: ".teaser-text" +
-- ".rich-text") and dw/DW_2023_04_28 (older layout: "p.intro" + ".longText"); verified against all three.
-- Title and dates come right from the page's meta; the React layout's authors too. The older layout credits
-- its author only in the side box ("<li><strong>Autorin/Autor</strong> Name</li>", DW_2023_04_28).
return rule {
  name      = "dw",
  outlet    = "DW",
  domains   = {"dw.com"},
  fixtures  = {"../shared/corpus/outlets/dw"},   -- verified by: DW_2023_04_28, DW_2023_06_13, DW_2024_01_30
  article   = "^https?://www%.dw%.com/[%a%-]+/[^/]+/a%-%d+",
  lang      = "de",
  tz        = "Europe/Berlin",
  sources   = {rss = {"https://rss.dw.com/xml/rss-de-all", "https://rss.dw.com/xml/rss-en-all"}},
  authors   = {".smallList li", pattern = "^Autorin/Autor%s+(.+)$", split = {", ", " und "}},
  -- standfirst + text; embedded videos (".vjs-wrapper", headline only) and photo boxes are not text
  body      = {".teaser-text, .rich-text", "p.intro, .longText",
               drop = {".vjs-wrapper", ".picBox", ".rich-text figure", ".rich-text-ad"}},
}
