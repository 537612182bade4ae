-- tests/hostile/closed_doc_node.lua: a node of a document closed with <close>, then used.
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_closed_doc_node",
  domains = {"closed-doc-node.hostile.example"},
  title = function(doc)
    local n
    do local d <close> = html.parse("<p id=a>x</p>") n = d:first("p") end
    local s = tostring(n)
    return n:text()
  end,
}
