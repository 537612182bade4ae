-- tests/hostile/css_has_nested.lua: nested :has() selectors.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_css_has_nested",
  domains = {"css-has-nested.hostile.example"},
  title = function(doc)
    local d = html.parse(string.rep("<div><p>x</p></div>", 2000))
    local n = #d:select("div:has(:has(:has(p)))")   -- three deep: linear passes in the matcher
    return d:select("div:has(:has(:has(:has(:has(:has(:has(:has(:has(:has(:has(:has(:has(:has(:has(:has(:has(p)))))))))))))))))")   -- seventeen deep: refused
  end,
}
