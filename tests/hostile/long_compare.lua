-- tests/hostile/long_compare.lua: comparing two long strings again and again: each comparison is one slow instruction.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_long_compare",
  domains = {"long-compare.hostile.example"},
  title = function(doc)
    local a = string.rep("x", 15000000)
    local b = string.rep("x", 14999999) .. "y"
    local n = 0
    while true do if a == b then n = n + 1 end end
  end,
}
