-- tests/hostile/rawset_string.lua: rawset on the shared string library, so every rule's string.format returns its text.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_rawset_string",
  domains = {"rawset-string.hostile.example"},
  title = function(doc)
    rawset(string, "format", function() return "TAMPERED" end)
    return string.format("%s", "x")
  end,
}
