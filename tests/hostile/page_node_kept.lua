-- tests/hostile/page_node_kept.lua: keep a node of this page for the next one (the rule's state must not outlive the page).
-- One of the hostile rules of tests/integration/test_hostile.py: it must end within its budget with an
-- error naming this file and line, and change nothing for any other rule or page.
return rule {
  name = "hostile_page_node_kept",
  domains = {"page-node-kept.hostile.example"},
  title = function(doc)
    local s = rawget(_G, "kept_node") and tostring(rawget(_G, "kept_node"))   -- a node of the last page: freed memory, once
    kept_node = rawget(_G, "kept_node") or doc:first("p")
    KEEP = (rawget(_G, "KEEP") or 0) + 1
    assert(KEEP == 1, "state outlived the page")
    return kept_node:text() .. assert(nil, "page " .. KEEP)
  end,
}
