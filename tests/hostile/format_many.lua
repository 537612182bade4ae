-- tests/hostile/format_many.lua: string.format with a format of 100,000 conversions, in a loop.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_format_many",
  domains = {"format-many.hostile.example"},
  title = function(doc)
    local fmt = string.rep("%5.2f", 100000)
    local args = {}
    for i = 1, 100000 do args[i] = i end
    while true do string.format(fmt, table.unpack(args)) end
  end,
}
