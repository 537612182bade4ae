-- tests/hostile/table_move.lua: table.move of 2^63 elements: a loop in C with no instruction.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_table_move",
  domains = {"table-move.hostile.example"},
  title = function(doc)
    table.move({}, 1, math.maxinteger - 1, 1)
    return "x"
  end,
}
