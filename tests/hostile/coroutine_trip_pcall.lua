-- tests/hostile/coroutine_trip_pcall.lua: trip the budget inside a coroutine, then swallow every later stop with pcall.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_coroutine_trip_pcall",
  domains = {"coroutine-trip-pcall.hostile.example"},
  title = function(doc)
    local co = coroutine.wrap(function() while true do end end)
    pcall(co)
    while true do pcall(function() while true do end end) end
  end,
}
