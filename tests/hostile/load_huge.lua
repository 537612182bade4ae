-- tests/hostile/load_huge.lua: compile a chunk of a few megabytes: C work the hook cannot see.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_load_huge",
  domains = {"load-huge.hostile.example"},
  title = function(doc)
    local f = assert(load(string.rep("local a = 1 ", 300000)))
    return "x"
  end,
}
