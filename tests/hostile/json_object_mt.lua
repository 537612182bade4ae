-- tests/hostile/json_object_mt.lua: json.object's shared metatable: every rule's record fields become TAMPERED.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_json_object_mt",
  domains = {"json-object-mt.hostile.example"},
  title = function(doc)
    local mt = getmetatable(json.object())
    mt.__newindex = function(t, k) rawset(t, k, "TAMPERED") end
    return "x"
  end,
}
