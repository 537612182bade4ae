-- tests/hostile/error_tostring_loop.lua: an error object whose __tostring never returns.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_error_tostring_loop",
  domains = {"error-tostring-loop.hostile.example"},
  title = function(doc)
    error(setmetatable({}, {__tostring = function() while true do end end}))
  end,
}
