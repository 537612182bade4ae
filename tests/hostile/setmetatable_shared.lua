-- tests/hostile/setmetatable_shared.lua: setmetatable on a shared library table.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_setmetatable_shared",
  domains = {"setmetatable-shared.hostile.example"},
  title = function(doc)
    setmetatable(string, {__index = function() return "TAMPERED" end})
    return "x"
  end,
}
