-- tests/hostile/require_c.lua: load a C module.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_require_c",
  domains = {"require-c.hostile.example"},
  title = function(doc)
    local m = require("io")
    return "x"
  end,
}
