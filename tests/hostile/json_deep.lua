-- tests/hostile/json_deep.lua: deeply nested JSON both ways.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_json_deep",
  domains = {"json-deep.hostile.example"},
  title = function(doc)
    local t = {}
    local c = t
    for i = 1, 1000 do c[1] = {} c = c[1] end
    assert(json.decode(string.rep("[", 100000) .. string.rep("]", 100000)))
    return json.encode(t)
  end,
}
