-- tests/hostile/xpath_namespace.lua: the namespace axis hands an xmlNs where an xmlNode is expected.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_xpath_namespace",
  domains = {"xpath-namespace.hostile.example"},
  title = function(doc)
    local r = doc:xpath("//*/namespace::*")
    return tostring(r[1]) .. doc:xpath("//p/namespace::*")[1]:text()
  end,
}
