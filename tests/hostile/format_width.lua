-- tests/hostile/format_width.lua: huge string.format widths and precisions.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_format_width",
  domains = {"format-width.hostile.example"},
  title = function(doc)
    local s = string.format("%99999999d", 1)
    return s
  end,
}
