-- tests/hostile/xpcall_handler_loop.lua: xpcall whose message handler overflows (a Lua 5.4.4 bug).
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_xpcall_handler_loop",
  domains = {"xpcall-handler-loop.hostile.example"},
  title = function(doc)
    local function loop() assert(pcall(loop)) end
    local ok, e = xpcall(loop, loop)
    error(tostring(e))
  end,
}
