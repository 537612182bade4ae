-- tests/hostile/wrap_pcall_nested.lua: coroutine.wrap inside pcall inside coroutines, each catching the stop.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_wrap_pcall_nested",
  domains = {"wrap-pcall-nested.hostile.example"},
  title = function(doc)
    local function deep(n)
      if n == 0 then while true do end end
      local co = coroutine.wrap(function() return pcall(deep, n - 1) end)
      while true do pcall(co) end
    end
    deep(8)
  end,
}
