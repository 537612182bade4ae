-- tests/hostile/string_rep_empty.lua: string.rep of the empty string 2^63 times, then a huge one.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_string_rep_empty",
  domains = {"string-rep-empty.hostile.example"},
  title = function(doc)
    local s = string.rep("", math.maxinteger)
    return s .. string.rep("x", math.maxinteger)
  end,
}
