-- tests/hostile/html_parse_big.lua: four html.parse of large strings: libxml2 memory outside the cap.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_html_parse_big",
  domains = {"html-parse-big.hostile.example"},
  title = function(doc)
    local s = "<p>" .. string.rep("word ", 2000000) .. "</p>"
    local keep = {}
    for i = 1, 4 do keep[i] = html.parse(s) end
    return "x"
  end,
}
