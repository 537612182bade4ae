-- scripts/outlets/peoplesdaily.lua — People's Daily Online, 人民网 (people.com.cn and its channels).
-- Selectors from the corpus page peoplesdaily/People_2024_04_24 (politics.people.com.cn "n1" layout: h1,
-- ".channel" line "2024年04月24日23:52 | 来源：…", text in ".rm_txt_con"); verified against it. Authors are
-- the editors the page credits under the text: "(责编：牛镛、岳弘彬)".
return rule {
  name      = "peoplesdaily",
  outlet    = "People's Daily",
  domains   = {"people.com.cn"},
  fixtures  = {"../shared/corpus/outlets/peoplesdaily"},   -- verified by: People_2024_04_24
  article   = "^https?://[%w]+%.people%.com%.cn/n1/%d%d%d%d/%d%d%d%d/c%d+%-%d+%.html",
  lang      = "zh",
  tz        = "Asia/Shanghai",
  sources   = {rss = {"http://www.people.com.cn/rss/politics.xml"}},   -- UNVERIFIED
  -- the headline; <title> adds "--<channel>--人民网"
  title     = ".rm_txt h1, .col-1-1 h1, h1:not(.cf)",
  -- the time of day is only in the visible line; <meta name="publishdate"> holds the date alone
  published = {".channel, .col-1-1 .fl", pattern = "(%d+年%d+月%d+日%s*%d+:%d+)", format = "%Y年%m月%d日%H:%M"},
  authors   = {".edit", pattern = {"责编：(.-)%)", "责编：(.-)）"}, split = "、"},
  -- the text's paragraphs; the editors' line and the share prompt follow them in their own blocks
  body      = {".rm_txt_con > p:not(.paper_num), .rm_txt_con > h2, .rm_txt_con > h3"},
}
