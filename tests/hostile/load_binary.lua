-- tests/hostile/load_binary.lua: load a binary chunk.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_load_binary",
  domains = {"load-binary.hostile.example"},
  title = function(doc)
    local f = assert(load("\27LuaT\0", "=x", "b"))
    return f()
  end,
}
