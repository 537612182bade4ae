-- tests/hostile/os_date_format.lua: os.date with a format of a million conversions, in a loop.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_os_date_format",
  domains = {"os-date-format.hostile.example"},
  title = function(doc)
    local f = string.rep("%c", 500000)
    while true do os.date(f) end
  end,
}
