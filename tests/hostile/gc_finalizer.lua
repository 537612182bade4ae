-- tests/hostile/gc_finalizer.lua: a finalizer that never returns: it used to run outside any budget.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_gc_finalizer",
  domains = {"gc-finalizer.hostile.example"},
  title = function(doc)
    setmetatable({}, {__gc = function() while true do end end})
    return "x"
  end,
}
