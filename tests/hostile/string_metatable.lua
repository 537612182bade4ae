-- tests/hostile/string_metatable.lua: the string metatable: point __index at its own table so s:format() is its.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_string_metatable",
  domains = {"string-metatable.hostile.example"},
  title = function(doc)
    local mt = getmetatable("")
    mt.__index = {format = function() return "TAMPERED" end}
    return "x"
  end,
}
