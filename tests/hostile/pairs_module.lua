-- tests/hostile/pairs_module.lua: pairs(html) hands out the real module table: replace html.parse in it.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_pairs_module",
  domains = {"pairs-module.hostile.example"},
  title = function(doc)
    local _, real = pairs(html)
    real.parse = function() error("TAMPERED") end
    return "x"
  end,
}
