-- tests/hostile/json_encode_big.lua: json.encode of a value that is small in Lua and big as JSON.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_json_encode_big",
  domains = {"json-encode-big.hostile.example"},
  title = function(doc)
    local s = string.rep("x", 1 << 20)   -- one megabyte, shared: 200 references cost Lua nothing
    local t = {}
    for i = 1, 200 do t[i] = s end
    return json.encode({t, t, t})         -- 600 MB of JSON
  end,
}
