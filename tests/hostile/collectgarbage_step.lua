-- tests/hostile/collectgarbage_step.lua: drive the collector by hand in a loop.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_collectgarbage_step",
  domains = {"collectgarbage-step.hostile.example"},
  title = function(doc)
    while true do collectgarbage("step") end
  end,
}
