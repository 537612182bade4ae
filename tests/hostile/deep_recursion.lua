-- tests/hostile/deep_recursion.lua: deep Lua recursion.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_deep_recursion",
  domains = {"deep-recursion.hostile.example"},
  title = function(doc)
    local function f(n) return 1 + f(n + 1) end
    return f(1)
  end,
}
