-- tests/hostile/load_time_loop.lua: an endless loop in the rule file itself, run when the rule loads.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
while true do end
return rule {
  name = "hostile_load_time_loop",
  domains = {"load-time-loop.hostile.example"},
  title = "h1",
}
