-- tests/hostile/io_through_pcall.lua: reach io through pcall (it was there in the shell's state) and write a file.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_io_through_pcall",
  domains = {"io-through-pcall.hostile.example"},
  title = function(doc)
    local ok, lib = pcall(function() return io end)
    lib.open("/tmp/moonwire-hostile-io", "w"):write("escaped")
    return "x"
  end,
}
