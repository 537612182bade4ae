-- tests/hostile/json_big.lua: json.decode and json.encode of big values, in pcall so a leak would pile up.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_json_big",
  domains = {"json-big.hostile.example"},
  title = function(doc)
    local parts = {}
    for i = 1, 200000 do parts[i] = '{"a":[1,2,"xxxxxxxxxxxx"]}' end
    local s = "[" .. table.concat(parts, ",") .. "]"
    local keep = {}
    for i = 1, 50 do local ok, v = pcall(json.decode, s) keep[i] = v end
    return json.encode(keep)
  end,
}
