-- tests/hostile/utf8_ranges.lua: utf8 functions over huge ranges.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_utf8_ranges",
  domains = {"utf8-ranges.hostile.example"},
  title = function(doc)
    local s = string.rep("\u{e9}", 1000000)
    while true do utf8.len(s, 1, -1) utf8.codepoint(s, 1, 100000) end
  end,
}
