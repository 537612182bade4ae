-- tests/hostile/coroutine_close_nest.lua: 20,000 nested coroutine.close: a C-stack overflow in Lua 5.4.4.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_coroutine_close_nest",
  domains = {"coroutine-close-nest.hostile.example"},
  title = function(doc)
    local coro = false
    for i = 1, 20000 do
      local previous = coro
      coro = coroutine.create(function()
        local cc <close> = setmetatable({}, {__close = function() if previous then assert(coroutine.close(previous)) end end})
        coroutine.yield()
      end)
      assert(coroutine.resume(coro))
    end
    assert(coroutine.close(coro))
  end,
}
