-- tests/hostile/css_contains_deep.lua: :contains() on deeply nested elements over a megabyte of text.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_css_contains_deep",
  domains = {"css-contains-deep.hostile.example"},
  title = function(doc)
    -- each of the 250 divs holds the megabyte: one selection reads 250 MB, a loop of them without end
    local d = html.parse(string.rep("<div>", 250) .. string.rep("x", 1 << 20))
    local n = 0
    while true do
      n = n + #d:select("div:contains('y')")
    end
  end,
}
