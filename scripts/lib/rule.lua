-- scripts/lib/rule.lua: the rule{} constructor and the engine that applies a rule to a document.
-- Policy lives here (nmap-style): the C host gives primitives (html, date, text, url) and merges the
-- result with doc:meta() and the generic extractor for every field a rule leaves out.
--
-- A rule: name, outlet, domains (subdomains match), article (Lua patterns for article URLs), lang, tz (a
-- fixed offset, an abbreviation or an IANA name such as "Europe/Berlin" that date.c knows), sources
-- {rss, sitemap, listing}, fix(a, doc), layouts, and the fields title lead authors published modified
-- section tags images body dateline. A field is
--   "css"                      the first node with text gives the value (lists: every node);
--   {"css1", "css2", ...}      the first selector that matches anything wins (use "a, b" for a union);
--   {css..., attr = "content", pattern = P, format = F, split = S}
--       attr reads an attribute instead of the text; pattern keeps the first capture of a Lua pattern
--       (or of the first of a list of patterns that matches); format is date.parse's format (dates);
--       split cuts list values at a literal separator or at any of a list of them ("A, B and C");
--   function(doc, a)           returns the value itself; false (or {} for a list field) settles the field
--                              as empty: the outlet has none, so metadata and the generic extractor do not fill it.
-- body also takes drop = css or list (nodes removed from the document before the body is read; the body
-- runs after title, lead, authors, dates, section and tags, so those still see what drop removes — tags in a
-- share bar, say — while images and the metadata/generic fallbacks see the cleaned document),
-- stop = pattern(s) (the paragraph that matches and all after it go), skip = pattern(s) (matching
-- paragraphs go), all = false (only the first node).
-- dateline may instead be {from = "body", pattern = P or {P, ...}, keep = true?}: the first capture of
-- the first pattern that matches is the dateline, and the whole match is cut out of the source field
-- unless keep = true (for outlets whose text keeps "CITY (AP) — " as printed).
-- layouts = {{when = css, until = "YYYY-MM-DD", <fields>, fix = f}, ...}: the first whose `when` node
-- exists and whose `until` is not before the page's published date (from doc:meta()) overrides the
-- rule's fields. fix(a, doc) runs last and may change anything in a.

local M = {}

local FIELDS = {"title", "lead", "authors", "published", "modified", "section", "tags", "images",
                "body", "dateline"}
local LIST_FIELDS = {authors = true, tags = true, images = true}
local DATE_FIELDS = {published = true, modified = true}
local KNOWN = {name = 1, outlet = 1, domains = 1, article = 1, lang = 1, tz = 1, sources = 1, fix = 1,
               layouts = 1, when = 1, ["until"] = 1, fixtures = 1, verified = 1, notes = 1}
for _, f in ipairs(FIELDS) do KNOWN[f] = 1 end

-- The options a field's table may hold, beside its selectors (positional or css): a misspelled one is an
-- error when the rule loads, never silence.
local COMMON = {css = true, attr = true, pattern = true}
local OPTIONS = {
  body = {css = true, drop = true, stop = true, skip = true, all = true},
  dateline = {css = true, attr = true, pattern = true, from = true, keep = true},
  published = {format = true, tz = true}, modified = {format = true, tz = true},
  authors = {split = true}, tags = {split = true},
  images = {css = true, attr = true, caption = true},
}
for f, t in pairs(OPTIONS) do
  if f ~= "body" and f ~= "dateline" and f ~= "images" then for k in pairs(COMMON) do t[k] = true end end
end
local TYPES = {attr = "string", format = "string", tz = "string", caption = "string", from = "string",
               all = "boolean", keep = "boolean"}
local STRINGS = {css = true, pattern = true, split = true, drop = true, stop = true, skip = true}

local function closest(word, set)   -- a known option within two edits, for "did you mean"
  local best, bd = nil, 3
  for k in pairs(set) do
    local m, n = #word, #k
    local prev = {}
    for j = 0, n do prev[j] = j end
    for i = 1, m do
      local cur = {[0] = i}
      for j = 1, n do
        local cost = word:sub(i, i) == k:sub(j, j) and 0 or 1
        cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
      end
      prev = cur
    end
    if prev[n] < bd then best, bd = k, prev[n] end
  end
  return best
end

-- A selector that does not compile is an error now, at load, not a warning on every page later.
local probe
local function check_selector(name, field, what, sel, ctx)
  probe = probe or html.parse("<html><head></head><body></body></html>")
  local ok, msg = pcall(probe.select, probe, sel)
  if not ok then
    msg = tostring(msg):gsub("^[^:]*:%d+: ", "")
    error(string.format("rule %s: field '%s'%s: %s%s", name, field, what, msg, ctx), 0)
  end
end

local function each_string(v) -- a string or a list of strings
  if type(v) == "string" then return {v} end
  return v
end

local function check_spec(name, field, spec, ctx)
  local t = type(spec)
  if t == "function" then return end
  if t == "string" then return check_selector(name, field, "", spec, ctx) end
  if t ~= "table" then
    error(string.format("rule %s: field '%s' must be a selector, a list of selectors, a table or a function%s",
      name, field, ctx), 0)
  end
  local allowed = OPTIONS[field] or COMMON
  for k, v in pairs(spec) do
    if type(k) == "number" then
      if type(v) ~= "string" then
        error(string.format("rule %s: field '%s' holds a %s where a selector was expected%s", name, field,
          type(v), ctx), 0)
      end
      check_selector(name, field, "", v, ctx)
    elseif not allowed[k] then
      local near = closest(tostring(k), allowed)
      error(string.format("rule %s: field '%s': unknown option '%s'%s%s", name, field, tostring(k),
        near and (" (did you mean '" .. near .. "'?)") or "", ctx), 0)
    elseif TYPES[k] and type(v) ~= TYPES[k] then
      error(string.format("rule %s: field '%s': option '%s' must be a %s%s", name, field, k, TYPES[k], ctx), 0)
    elseif STRINGS[k] then
      if type(v) ~= "string" and type(v) ~= "table" then
        error(string.format("rule %s: field '%s': option '%s' must be a string or a list of strings%s", name,
          field, k, ctx), 0)
      end
      for _, e in ipairs(each_string(v)) do
        if type(e) ~= "string" then
          error(string.format("rule %s: field '%s': option '%s' holds a %s%s", name, field, k, type(e), ctx), 0)
        end
        if k == "css" or k == "drop" then check_selector(name, field, " " .. k, e, ctx) end
      end
    end
  end
  if spec.caption then check_selector(name, field, " caption", spec.caption, ctx) end
  if field == "dateline" and spec.from and not spec.pattern then
    error(string.format("rule %s: field 'dateline': from = '%s' needs a pattern%s", name, spec.from, ctx), 0)
  end
end

-- Errors raised while checking a rule name the rule file's line of the `rule {` call; the loader
-- (rules/runner.c) moves them to the line of the option or selector named in quotes.
local function checked(r, f, ...)
  local ok, err = pcall(f, r, ...)
  if not ok then error(err, 0) end   -- no position here: the loader adds the line of what it names
end

--- rule{...}: checks a rule table and returns it (the registry keeps it).
function M.rule(r)
  if type(r) ~= "table" then error("rule{}: expected a table", 2) end
  if type(r.name) ~= "string" or not r.name:match("^[%w_%-]+$") then
    error("rule{}: 'name' must be a word (letters, digits, '-', '_')", 2)
  end
  if type(r.domains) == "string" then r.domains = {r.domains} end
  if type(r.domains) ~= "table" or #r.domains == 0 then
    error("rule " .. r.name .. ": 'domains' must list at least one domain", 2)
  end
  if type(r.article) == "string" then r.article = {r.article} end
  r.article = r.article or {}
  r.outlet = r.outlet or r.name
  for k in pairs(r) do
    if not KNOWN[k] then error("rule " .. r.name .. ": unknown field '" .. tostring(k) .. "'", 2) end
  end
  for _, f in ipairs(FIELDS) do
    if r[f] ~= nil then checked(r.name, check_spec, f, r[f], "") end
  end
  if r.fix ~= nil and type(r.fix) ~= "function" then
    error("rule " .. r.name .. ": 'fix' must be a function", 2)
  end
  r.layouts = r.layouts or {}
  for i, l in ipairs(r.layouts) do
    if type(l) ~= "table" then error("rule " .. r.name .. ": layout " .. i .. " must be a table", 2) end
    for k in pairs(l) do
      if not KNOWN[k] or k == "name" or k == "domains" then
        error("rule " .. r.name .. ": layout " .. i .. ": unknown field '" .. tostring(k) .. "'", 2)
      end
    end
    for _, f in ipairs(FIELDS) do
      if l[f] ~= nil then checked(r.name, check_spec, f, l[f], " (layout " .. i .. ")") end
    end
    if l.when ~= nil then
      if type(l.when) ~= "string" then error("rule " .. r.name .. ": layout " .. i .. ": 'when' must be a selector", 2) end
      checked(r.name, function(n) check_selector(n, "when", "", l.when, " (layout " .. i .. ")") end)
    end
  end
  return r
end

-- Split a spec into its selectors and options.
local function selectors(spec)
  if type(spec) == "string" then return {spec}, {} end
  local sels = {}
  for _, s in ipairs(spec) do sels[#sels + 1] = s end
  if spec.css then
    if type(spec.css) == "string" then sels[#sels + 1] = spec.css
    else for _, s in ipairs(spec.css) do sels[#sels + 1] = s end end
  end
  return sels, spec
end

local function node_value(n, opts)
  local v
  if opts.attr then v = n:attr(opts.attr) else v = n:text("inline") end
  if v == nil then return nil end
  v = text.clean(v)
  if opts.pattern then
    local pats = type(opts.pattern) == "string" and {opts.pattern} or opts.pattern
    local got
    for _, pat in ipairs(pats) do
      got = v:match(pat)
      if got then break end
    end
    v = got and text.clean(got) or nil
  end
  if v == "" then return nil end
  return v
end

-- Cut v at every occurrence of any of the literal separators seps (a string or a list of strings).
local function split_all(v, seps)
  if type(seps) == "string" then seps = {seps} end
  local pieces = {v}
  for _, sep in ipairs(seps) do
    local nxt = {}
    for _, p in ipairs(pieces) do
      local from = 1
      while true do
        local s, e = p:find(sep, from, true)
        if not s then break end
        nxt[#nxt + 1] = p:sub(from, s - 1)
        from = e + 1
      end
      nxt[#nxt + 1] = p:sub(from)
    end
    pieces = nxt
  end
  return pieces
end

-- First selector that matches anything wins; returns its nodes.
local function first_match(doc, sels)
  for _, s in ipairs(sels) do
    local nodes = doc:select(s)
    if #nodes > 0 then return nodes, s end
  end
  return nil
end

local function parse_date(v, opts, r)
  if v == nil then return nil end
  local fmt = opts.format
  local iso = date.parse(v, {tz = opts.tz or r.tz, format = fmt, lang = r.lang})
  return iso
end

local function body_text(doc, nodes, opts)
  local parts = {}
  for _, n in ipairs(nodes) do
    local t = n:text()
    if t ~= "" then
      for para in (t .. "\n\n"):gmatch("(.-)\n\n") do
        para = text.clean(para)
        if para ~= "" then parts[#parts + 1] = para end
      end
    end
  end
  if opts.stop then
    local stops = type(opts.stop) == "string" and {opts.stop} or opts.stop
    for i, p in ipairs(parts) do
      local hit = false
      for _, s in ipairs(stops) do
        if p == s or p:find(s) then hit = true break end
      end
      if hit then
        for j = #parts, i, -1 do parts[j] = nil end
        break
      end
    end
  end
  if opts.skip then   -- paragraphs to leave out wherever they are
    local skips = type(opts.skip) == "string" and {opts.skip} or opts.skip
    local kept = {}
    for _, p in ipairs(parts) do
      local hit = false
      for _, s in ipairs(skips) do
        if p == s or p:find(s) then hit = true break end
      end
      if not hit then kept[#kept + 1] = p end
    end
    parts = kept
  end
  return table.concat(parts, "\n\n")
end

-- Evaluate one field spec. Returns value or nil, whether a selector matched, and what was read (--explain).
local function field(doc, a, r, name, spec)
  if type(spec) == "function" then
    return spec(doc, a), true, "function"
  end
  local sels, opts = selectors(spec)
  if name == "dateline" and opts.from then return nil, true end   -- handled after body
  if name == "body" then
    if opts.drop then
      local drops = type(opts.drop) == "string" and {opts.drop} or opts.drop
      for _, d in ipairs(drops) do
        for _, n in ipairs(doc:select(d)) do n:remove() end
      end
    end
    local nodes, sel = first_match(doc, sels)
    if not nodes then return nil, false end
    if opts.all == false then nodes = {nodes[1]} end
    local b = body_text(doc, nodes, opts)
    if b == "" then return nil, false end
    return b, true, sel
  end
  local nodes, sel = first_match(doc, sels)
  if not nodes then return nil, false end
  if opts.attr then sel = sel .. " @" .. opts.attr end
  if LIST_FIELDS[name] then
    local out, seen = {}, {}
    for _, n in ipairs(nodes) do
      if name == "images" then
        local src = n:attr(opts.attr or "src") or n:attr("data-src")
        if src and src ~= "" then
          local u = url.resolve(doc:url(), src)
          if u and not seen[u] then
            seen[u] = true
            local fig = opts.caption and n:closest("figure")   -- one selection over the page, not two
            local cap = fig and fig:first(opts.caption)
            out[#out + 1] = {url = u, caption = cap and text.clean(cap:text("inline")) or nil}
          end
        end
      else
        local v = node_value(n, opts)
        if v and opts.split then
          for _, piece in ipairs(split_all(v, opts.split)) do
            piece = text.clean(piece)
            if piece ~= "" and not seen[piece] then seen[piece] = true out[#out + 1] = piece end
          end
        elseif v and not seen[v] then
          seen[v] = true
          out[#out + 1] = v
        end
      end
    end
    if #out == 0 then return nil, true end
    return out, true, sel
  end
  local v
  for _, n in ipairs(nodes) do
    v = node_value(n, opts)
    if v then break end
  end
  if DATE_FIELDS[name] then v = parse_date(v, opts, r) end
  return v, true, sel
end

-- Which layout applies: the first whose `when` selector exists and whose `until` has not passed.
local function pick_layout(doc, r, published)
  for _, l in ipairs(r.layouts) do
    local ok = true
    if l.when and not doc:first(l.when) then ok = false end
    if ok and l["until"] and published and published:sub(1, #l["until"]) > l["until"] then ok = false end
    if ok then return l end
  end
  return nil
end

--- apply(rule, doc) -> fields, origin, warnings
function M.apply(r, doc)
  -- json.object: a rule that finds nothing still returns an object (an empty table would encode as [])
  local a, origin, warnings = json.object(), json.object(), {}
  local meta_pub = nil
  for _, l in ipairs(r.layouts) do   -- doc:meta() costs a pass over the page: only when a layout is dated
    if l["until"] then
      local m = doc:meta()
      meta_pub = m and type(m.published) == "string" and m.published or nil
      break
    end
  end
  local layout = pick_layout(doc, r, meta_pub)
  local function spec_of(f)
    if layout and layout[f] ~= nil then return layout[f] end
    return r[f]
  end
  -- body last: its drop list removes nodes, which must not take them from the other fields
  local order = {"title", "lead", "authors", "published", "modified", "section", "tags", "body",
                 "images", "dateline"}
  for _, f in ipairs(order) do
    local spec = spec_of(f)
    if spec ~= nil then
      local v, matched, how = field(doc, a, r, f, spec)
      if v == false or (type(spec) == "function" and type(v) == "table" and next(v) == nil) then
        origin[f] = "rule: settled as empty"   -- the outlet has none: nothing is filled in from elsewhere
      elseif v ~= nil and v ~= "" then
        a[f] = v
        origin[f] = "rule: " .. (how or "?")
      elseif (f == "title" or f == "body") and not matched then
        warnings[#warnings + 1] = string.format("%s: %s selector matched nothing, generic used", r.name, f)
      end
    end
  end
  local dl = spec_of("dateline")
  if type(dl) == "table" and dl.from and dl.pattern then
    local src = a[dl.from]
    if type(src) == "string" then
      local s, e, place
      for _, pat in ipairs(type(dl.pattern) == "string" and {dl.pattern} or dl.pattern) do
        s, e, place = src:find(pat)
        if s then break end
      end
      if s then
        a.dateline = text.clean(place)
        origin.dateline = "rule: dateline pattern in " .. dl.from
        if dl.keep ~= true then a[dl.from] = src:sub(1, s - 1) .. src:sub(e + 1) end
      end
    end
  end
  local fix = (layout and layout.fix) or r.fix
  if fix then
    local b = {}
    for k, v in pairs(a) do b[k] = v end
    local ok, err = pcall(fix, a, doc)
    if not ok then   -- the fields the selectors found are kept; only what fix() meant to change is lost
      for k in pairs(a) do a[k] = nil end
      for k, v in pairs(b) do a[k] = v end
      warnings[#warnings + 1] = string.format("%s: fix() failed: %s; the fields before fix() are kept", r.name,
        tostring(err))
    else
      for k, v in pairs(a) do
        if b[k] ~= v then origin[k] = "rule: fix" end
      end
    end
  end
  return a, origin, warnings
end

return M
