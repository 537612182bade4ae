-- tests/hostile/gsub_recursion.lua: gsub callbacks calling gsub: C recursion.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_gsub_recursion",
  domains = {"gsub-recursion.hostile.example"},
  title = function(doc)
    local function f(s) return (s:gsub(".", f)) end
    return f(string.rep("x", 300))
  end,
}
