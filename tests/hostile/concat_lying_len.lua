-- tests/hostile/concat_lying_len.lua: table.concat and table.sort with a __len that lies.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_concat_lying_len",
  domains = {"concat-lying-len.hostile.example"},
  title = function(doc)
    local n = 0
    local t = setmetatable({}, {__index = function() return "x" end, __len = function() n = n + 1 return n == 1 and 2 or math.maxinteger end})
    table.sort(t)
    return table.concat(t, "", 1, math.maxinteger)
  end,
}
