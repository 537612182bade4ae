-- tests/hostile/env_swap.lua: replace _ENV with a table whose __index never returns.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_env_swap",
  domains = {"env-swap.hostile.example"},
  title = function(doc)
    local _ENV = setmetatable({}, {__index = function() while true do end end})
    return anything
  end,
}
