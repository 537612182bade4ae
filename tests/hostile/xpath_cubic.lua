-- tests/hostile/xpath_cubic.lua: an XPath expression whose work is cubic in the page.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_xpath_cubic",
  domains = {"xpath-cubic.hostile.example"},
  title = function(doc)
    local d = html.parse(string.rep("<p>x</p>", 3000))
    return d:xpath("count(//p[count(//p[count(//p) > 0]) > 0])")
  end,
}
