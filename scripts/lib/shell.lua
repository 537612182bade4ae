-- scripts/lib/shell.lua: what `moonwire shell` offers a person: the helpers (help, fetch, open, sel, x, meta,
-- extract, rule, reload, test, view, save) and the pretty printer for every value a statement returns.
-- Policy only: core/cli/shell.c reads input and gives the primitives (page bytes, the rule runner, files).

local M = {}
local prim, env          -- set by M.init
local quiet = false      -- the page named on the command line of a script: opened without a word

local NodeList = {}      -- metatable of sel()/x() results, so they print as numbered lists
local Record = {}        -- metatable of extract() results, so they print as a card
local label = setmetatable({}, {__mode = "k"})   -- list -> what it matched ('"p.lead"')

local WIDTH = 100        -- cut long strings inside tables near here
local TOP_STRING = 2000  -- and a string printed on its own here
local MAX_ITEMS = 50

-- ---- the pretty printer ----

-- Characters, not bytes: Cyrillic and Arabic pages count as a reader would (bytes when s is not UTF-8).
local function chars(s)
  return utf8.len(s) or #s
end

local function cut(s, n)
  if chars(s) <= n then return s end
  local i = utf8.offset(s, n + 1)
  if not i then   -- not UTF-8: cut bytes, but not inside a sequence
    i = n
    while i > 1 and (s:byte(i + 1) or 0) >= 0x80 and (s:byte(i + 1) or 0) < 0xC0 do i = i - 1 end
    return s:sub(1, i) .. "…"
  end
  return s:sub(1, i - 1) .. "…"
end

local function quote(s, n)
  local body = cut(s, n):gsub('[%c"\\]', function(c)
    if c == "\n" then return "\\n" elseif c == "\t" then return "\\t" elseif c == '"' then return '\\"'
    elseif c == "\\" then return "\\\\" else return string.format("\\%d", c:byte()) end
  end)
  if chars(s) > n then return '"' .. body .. '" (' .. chars(s) .. " chars)" end
  return '"' .. body .. '"'
end

local function words(s, n)
  local out, k = {}, 0
  for w in s:gmatch("%S+") do
    k = k + 1
    if k > n then out[#out + 1] = "…" break end
    out[#out + 1] = w
  end
  return cut(table.concat(out, " "), 60)
end

--- <div#main.article-body> "First words…" (12 p)
local function node_line(n)
  local s = "<" .. n:tag()
  local id = n:attr("id")
  if id and id ~= "" then s = s .. "#" .. id end
  for c in (n:attr("class") or ""):gmatch("%S+") do s = s .. "." .. c end
  s = s .. ">"
  local t = words(n:text("inline"), 8)
  if t ~= "" then s = s .. ' "' .. t .. '"' end
  local ps = #n:select("p")
  if ps > 0 then s = s .. " (" .. ps .. " p)" end
  return s
end

local function doc_line(d)
  local t = d:first("title")
  local u = d:url()
  return "<document" .. (u and (" " .. u) or "") .. (t and (' "' .. words(t:text("inline"), 12) .. '"') or "") ..
         " (" .. #d:select("p") .. " p)>"
end

local function scalar(v, n)
  local t = type(v)
  if t == "string" then return quote(v, n or WIDTH) end
  if t == "function" then
    local w = prim.where(v)
    return w and ("function " .. w) or "builtin function"
  end
  local k = prim.kind(v)
  if k == "node" then
    local ok, s = pcall(node_line, v)
    return ok and s or tostring(v)
  end
  if k == "doc" then
    local ok, s = pcall(doc_line, v)
    return ok and s or tostring(v)
  end
  return tostring(v)
end

local function is_nodes(t)
  if getmetatable(t) == NodeList then return true end
  if #t == 0 then return false end
  for k, v in pairs(t) do
    if math.type(k) ~= "integer" or prim.kind(v) ~= "node" then return false end
  end
  return true
end

local function keyfmt(k)
  if type(k) == "string" and k:match("^[%a_][%w_]*$") then return k end
  return "[" .. scalar(k, 40) .. "]"
end

local function sorted_keys(t)
  local n, ks = #t, {}
  for k in pairs(t) do
    if not (math.type(k) == "integer" and k >= 1 and k <= n) then ks[#ks + 1] = k end
  end
  table.sort(ks, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    if ta == "number" or ta == "string" then return a < b end
    return tostring(a) < tostring(b)
  end)
  return n, ks
end

local fmt

local function nodes_block(t, indent)
  local lines = {}
  local what = label[t]
  if #t == 0 then
    return what and ("nothing matches " .. what) or "(no nodes)"
  end
  lines[1] = #t .. (#t == 1 and " match" or " matches") .. (what and (" for " .. what) or "") .. ":"
  local w = #tostring(math.min(#t, MAX_ITEMS))
  for i = 1, math.min(#t, MAX_ITEMS) do
    local v = t[i]
    local s = prim.kind(v) == "node" and scalar(v) or scalar(v, WIDTH)
    lines[#lines + 1] = indent .. "  " .. string.rep(" ", w - #tostring(i)) .. i .. "  " .. s
  end
  if #t > MAX_ITEMS then lines[#lines + 1] = indent .. "  … and " .. (#t - MAX_ITEMS) .. " more" end
  return table.concat(lines, "\n")
end

local card

function fmt(v, indent, path, open)
  if type(v) ~= "table" then return scalar(v) end
  if getmetatable(v) == Record then return card(v) end
  if open[v] then return "<cycle: " .. open[v] .. ">" end
  if is_nodes(v) then return nodes_block(v, indent) end
  local n, ks = sorted_keys(v)
  if n == 0 and #ks == 0 then return "{}" end
  -- a short list of scalars fits on one line
  if #ks == 0 and n <= 12 then
    local parts, flat = {}, true
    for i = 1, n do
      if type(v[i]) == "table" then flat = false break end
      parts[i] = scalar(v[i], 60)
    end
    local s = flat and ("{" .. table.concat(parts, ", ") .. "}")
    if s and #s <= WIDTH then return s end
  end
  open[v] = path
  local inner = indent .. "  "
  local lines, count = {"{"}, 0
  local function add(k, val, kp)
    count = count + 1
    if count > MAX_ITEMS then return end
    local s = fmt(val, inner, kp, open)
    lines[#lines + 1] = inner .. (k and (k .. " = ") or "") .. s .. ","
  end
  for i = 1, n do add(nil, v[i], path .. "[" .. i .. "]") end
  for _, k in ipairs(ks) do
    local kf = keyfmt(k)
    add(kf, v[k], path .. (kf:sub(1, 1) == "[" and kf or ("." .. kf)))
  end
  if count > MAX_ITEMS then lines[#lines + 1] = inner .. "-- … and " .. (count - MAX_ITEMS) .. " more" end
  lines[#lines + 1] = indent .. "}"
  open[v] = nil
  return table.concat(lines, "\n")
end

local CARD_FIELDS = {"title", "published", "modified", "authors", "section", "tags", "lang", "dateline", "lead"}

local function one_line(v)
  if v == nil or v == json.null then return "—" end
  if type(v) == "table" then
    local parts = {}
    for i, x in ipairs(v) do parts[i] = type(x) == "table" and (x.url or "?") or tostring(x) end
    if #parts == 0 then return "—" end
    return cut(table.concat(parts, "; "), 76)
  end
  return cut((tostring(v):gsub("%s+", " ")), 76)
end

--- An article record as a card: each field, and what filled it (rule, meta or generic).
function card(r)
  local origin = type(r.origin) == "table" and r.origin or {}
  local out = {}
  local head = "rule " .. tostring(r.rule or "?")
  if type(r.outlet) == "string" and r.outlet ~= r.rule then head = head .. " (" .. r.outlet .. ")" end
  if r.url and r.url ~= json.null then head = head .. " · " .. r.url end
  out[1] = head
  local function row(name, value, o)
    -- the card names the kind of source; r.origin says what exactly was read ("meta: og:title")
    out[#out + 1] = string.format("  %-10s %-8s %s", name, o and (o:match("^(%a+):") or o) or "", value)
  end
  for _, f in ipairs(CARD_FIELDS) do
    local v = r[f]
    local empty = v == nil or v == json.null or v == "" or (type(v) == "table" and #v == 0)
    if not empty or f == "title" or f == "published" or f == "authors" then
      row(f, one_line(v), (not empty) and origin[f] or nil)
    end
  end
  local body = r.body
  if type(body) == "string" and body ~= "" then
    local paras = {}
    for p in (body .. "\n\n"):gmatch("(.-)\n\n") do if p ~= "" then paras[#paras + 1] = p end end
    row("body", chars(body) .. " chars, " .. #paras .. (#paras == 1 and " paragraph" or " paragraphs"), origin.body)
    for i = 1, math.min(3, #paras) do out[#out + 1] = "             │ " .. cut(paras[i], 90) end
    if #paras > 3 then out[#out + 1] = "             │ …" end
  else
    row("body", "—")
  end
  if type(r.images) == "table" and #r.images > 0 then
    row("images", #r.images .. " (" .. cut(tostring(r.images[1].url), 60) .. (#r.images > 1 and ", …)" or ")"),
      origin.images)
  end
  if type(r.warnings) == "table" then
    for _, w in ipairs(r.warnings) do out[#out + 1] = "  warning    " .. tostring(w) end
  end
  if type(r.error) == "table" then
    out[#out + 1] = "  error      " .. tostring(r.error.stage) .. ": " .. tostring(r.error.message)
  end
  return table.concat(out, "\n")
end

--- show(...): print each value a statement returned.
function M.show(...)
  local n = select("#", ...)
  local all_scalar, parts = true, {}
  for i = 1, n do
    local v = select(i, ...)
    if type(v) == "table" then all_scalar = false break end
    parts[i] = type(v) == "string" and quote(v, TOP_STRING) or scalar(v)
  end
  if all_scalar then
    print(table.concat(parts, "\t"))
    return
  end
  for i = 1, n do
    local v = select(i, ...)
    print(fmt(v, "", "top", {}))
  end
end

-- ---- helpers ----

local H = {}
local HELP = {
  {"help()", "this list"},
  {"open(file [, url])", "read a saved page (.html, .html.gz); sets doc and page (url: when the page has no canonical)"},
  {"fetch(url)", "download a page; sets doc and page"},
  {"sel(css)", "the nodes a CSS selector matches, numbered (sel(css)[2] is the second)"},
  {"x(xpath)", "the same for an XPath expression (strings for attributes and text)"},
  {"meta()", "JSON-LD, OpenGraph and <meta> of the page, merged"},
  {"extract([rule])", "the article record, each field marked rule/meta/generic; a rule name forces that rule"},
  {"extract.generic(doc)", "the built-in extractor alone on doc, as a table shaped like the record"},
  {"rule(name)", "load and show one rule's table fresh from its file; rule{...} builds one"},
  {"rules()", "the loaded rules: name, domains, file"},
  {"reload()", "re-read every rule file; doc, page and your globals stay"},
  {"test([name])", "check a rule against its fixtures (its `fixtures` dirs, else ../shared/corpus/outlets/<name>)"},
  {"view([node])", "write the page or a node to a temp .html and open it (or print the path)"},
  {"save(path)", "save the page as a fixture: path.html.gz + path.json expecting today's record — check it!"},
}

function H.help()
  print("Helpers (the sandbox also has html, text, url, json, date, extract, http, io, string, table, math):")
  for _, h in ipairs(HELP) do print(string.format("  %-19s %s", h[1], h[2])) end
  print("Globals: doc (the page's document), page (where it came from), RULES_DIR (your rule directory).")
  print("`=expr` or a bare expression prints its value. Tab completes names, fields and doc:/node: methods.")
end

local function need_doc()
  local d = rawget(env, "doc")
  if d == nil then error("no page yet: open(file) or fetch(url) first", 3) end
  return d
end

local function canonical(d)
  local l = d:first("link[rel=canonical]") or d:first("meta[property='og:url']")
  local u = l and (l:attr("href") or l:attr("content"))
  if u and u:match("^https?://") then return u end
  return nil
end

local function set_page(d, p)
  p.rule = p.url and prim.pick(p.url) or nil
  rawset(env, "doc", d)
  rawset(env, "page", p)
  return p
end

local function size(n)
  if n >= 1048576 then return string.format("%.1f MB", n / 1048576) end
  if n >= 1024 then return string.format("%.1f KB", n / 1024) end
  return n .. " bytes"
end

local function says_rule(p)
  if p.rule then return "rule " .. p.rule end
  if p.url then return "no rule for this URL (generic)" end
  return "no URL known: open(file, url) to pick a rule"
end

function H.open(path, u)
  if type(path) ~= "string" then error("open(file [, url]): file must be a path", 2) end
  local d, n = prim.open(path, u)
  local p = set_page(d, {file = path, url = u or canonical(d), size = n})
  local q = quiet
  quiet = false
  if not q then
    print(string.format("opened %s (%s); %s", path, size(n), says_rule(p)))
  end
end

function H.fetch(u)
  if type(u) ~= "string" then error("fetch(url): url must be a string", 2) end
  local d, info = prim.fetch(u)
  local p = set_page(d, {url = canonical(d) or info.url, fetched = info.url, status = info.status,
    content_type = info.content_type, size = info.size})
  local q = quiet
  quiet = false
  if not q then
    print(string.format("fetched %s: %d, %s, %s in %d ms%s; %s", info.url, info.status,
      info.content_type or "no content type", size(info.size), info.ms,
      info.redirects > 0 and (" after " .. info.redirects .. " redirects") or "", says_rule(p)))
  end
end

local function listing(t, what)
  t = setmetatable(t, NodeList)
  label[t] = what
  return t
end

function H.sel(css)
  if type(css) ~= "string" then error("sel(css): css must be a string", 2) end
  return listing(need_doc():select(css), string.format("%q", css))
end

function H.x(expr)
  if type(expr) ~= "string" then error("x(xpath): xpath must be a string", 2) end
  local r = need_doc():xpath(expr)
  if type(r) ~= "table" then return r end
  return listing(r, string.format("%q", expr))
end

function H.meta()
  return need_doc():meta()
end

function H.extract(name)
  need_doc()
  local p = rawget(env, "page")
  if type(name) == "table" then name = name.name end
  if name ~= nil and type(name) ~= "string" then error("extract([rule]): rule must be a name", 2) end
  return setmetatable(prim.extract(p.url, name), Record)
end

local function rule_entry(name)
  local list = prim.rules()
  local names = {}
  for _, r in ipairs(list) do
    if r.name == name then return r end
    names[#names + 1] = r.name
  end
  table.sort(names)
  error(string.format("no rule named %q (loaded: %s)", tostring(name),
    #names > 0 and table.concat(names, ", ") or "none"), 3)
end

function H.rule(what)
  if type(what) == "table" then return prim.rule(what) end   -- rule{...}: the constructor
  if what == nil then
    local p = rawget(env, "page")
    what = p and p.rule
    if not what then error("rule(name): which rule? (this page has none)", 2) end
  end
  local e = rule_entry(what)
  return prim.loadrule(e.name)   -- a copy, loaded by the runner's sandbox: the shell's io never reaches it
end

function H.rules()
  local list, errs = prim.rules()
  local out = {}
  for _, r in ipairs(list) do
    out[#out + 1] = string.format("%-16s %-40s %s", r.name, cut(table.concat(r.domains or {}, " "), 40),
      r.file or "")
  end
  table.sort(out)
  for _, l in ipairs(out) do print(l) end
  for _, e in ipairs(errs) do print("not loaded: " .. e) end
end

function H.reload()
  local _, errs = prim.reload()
  local p = rawget(env, "page")
  if p and p.url then p.rule = prim.pick(p.url) end
  print("reloaded every rule file" .. (p and ("; this page: " .. says_rule(p)) or "") .. " (rules() lists them)")
  for _, e in ipairs(errs) do print("not loaded: " .. e) end
end

function H.test(name)
  if name == nil then
    local p = rawget(env, "page")
    name = p and p.rule
    if not name then error("test(name): which rule? (this page has none)", 2) end
  end
  local e = rule_entry(name)
  local dirs = e.fixtures
  if type(dirs) == "string" then dirs = {dirs} end
  if type(dirs) ~= "table" or #dirs == 0 then dirs = {"../shared/corpus/outlets/" .. name} end
  prim.test(name, dirs)
end

function H.view(n)
  local d = need_doc()
  local html
  if n == nil then html = d:html()
  elseif prim.kind(n) == "node" then html = n:html()
  elseif prim.kind(n) == "doc" then html = n:html()
  else error("view([node]): expected a node or a document", 2) end
  local path, opened = prim.view(html)
  if opened then print("opened " .. path)
  else print("wrote " .. path .. " (no DISPLAY or WAYLAND_DISPLAY to open it)") end
end

function H.save(path)
  if type(path) ~= "string" then error("save(path): path must be a string", 2) end
  need_doc()
  local p = rawget(env, "page")
  local gz, js = prim.save(path, p.url)
  print("wrote " .. gz .. " and " .. js)
  print("the .json expects what is extracted now: check every field against the page before you rely on it")
end

--- init(env, prim) -> the printer. env is the statements' environment; prim the C primitives.
function M.init(e, p)
  env, prim, quiet = e, p, p.quiet
  local module = rawget(env, "extract") or extract   -- the sandbox's extract module (extract.generic)
  for k, f in pairs(H) do rawset(env, k, f) end
  -- extract() is the helper, and extract.generic(doc) the built-in extractor, as in design.md
  local generic = type(module) == "table" and module.generic or nil
  rawset(env, "extract", setmetatable({generic = generic}, {
    __call = function(_, ...) return H.extract(...) end,
    __tostring = function() return "extract([rule]) / extract.generic(doc)" end}))
  return M.show
end

return M
