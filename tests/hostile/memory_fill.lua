-- tests/hostile/memory_fill.lua: fill the memory cap with a table.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_memory_fill",
  domains = {"memory-fill.hostile.example"},
  title = function(doc)
    local t = {}
    for i = 1, 1e9 do t[i] = {i} end
  end,
}
