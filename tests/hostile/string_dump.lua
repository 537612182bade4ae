-- tests/hostile/string_dump.lua: string.dump a function, to load bytecode.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_string_dump",
  domains = {"string-dump.hostile.example"},
  title = function(doc)
    local b = string.dump(function() return 1 end)
    return "x"
  end,
}
