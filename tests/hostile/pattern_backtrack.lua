-- tests/hostile/pattern_backtrack.lua: a pattern that backtracks for minutes inside string.find.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_pattern_backtrack",
  domains = {"pattern-backtrack.hostile.example"},
  title = function(doc)
    local s = string.rep("a", 30000)
    return s:find(".-.-.-b")
  end,
}
