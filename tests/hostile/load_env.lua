-- tests/hostile/load_env.lua: load with an environment of its choosing, to find the host's globals.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_load_env",
  domains = {"load-env.hostile.example"},
  title = function(doc)
    local f = assert(load("return io or os.execute", "=x", "t", _G))
    local got = f()
    return got("true")
  end,
}
