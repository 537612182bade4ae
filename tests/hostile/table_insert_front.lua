-- tests/hostile/table_insert_front.lua: table.insert at the front of a big table: quadratic C work.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_table_insert_front",
  domains = {"table-insert-front.hostile.example"},
  title = function(doc)
    local t = {}
    for i = 1, 1e6 do table.insert(t, 1, i) end
    return "x"
  end,
}
