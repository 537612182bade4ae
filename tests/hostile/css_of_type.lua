-- tests/hostile/css_of_type.lua: *-of-type selectors on a long flat list of siblings.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_css_of_type",
  domains = {"css-of-type.hostile.example"},
  title = function(doc)
    -- 100,000 siblings: counting the siblings of each element's type before it is 5e9 steps in one call
    local d = html.parse("<div>" .. string.rep("<p>x</p><span>y</span>", 50000) .. "</div>")
    local n = 0
    while true do
      n = n + #d:select("p:nth-of-type(2n+1):not(:last-of-type)")
    end
  end,
}
