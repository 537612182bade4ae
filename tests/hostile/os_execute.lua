-- tests/hostile/os_execute.lua: run a command.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_os_execute",
  domains = {"os-execute.hostile.example"},
  title = function(doc)
    os.execute("touch /tmp/moonwire-hostile-exec")
    return "x"
  end,
}
