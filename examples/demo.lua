-- examples/demo.lua: the run config of `make demo` (examples/demo.sh). A run config is a Lua file returning
-- one table; `moonwire run examples/demo.lua` does one pass. getenv() is available so that a port or a path
-- can come from the environment: demo.sh sets MW_DEMO_PORT to the local server's port.
local port = getenv("MW_DEMO_PORT") or "8080"

-- the four fictional outlets keep their real-looking names (http://harbor-times.example/...); each name is
-- pointed at the local server, as `curl --connect-to harbor-times.example:80:127.0.0.1:PORT` would
local resolve = {}
for _, host in ipairs({"harbor-times.example", "steppe-wire.example", "alsahil-news.example",
                       "valley-ledger.example", "coastline-wire.example", "al-marsad.example",
                       "volna-news.example"}) do
  resolve[#resolve + 1] = host .. ":80:127.0.0.1:" .. port
end

return {
  -- outlets by rule name: each rule's `sources` (feeds, sitemaps, listing pages) and `article` patterns
  -- the last three each tell the demo's one shared event (a ship aground off Qadira) in en, ar and ru
  outlets = {"harbor_times", "steppe_wire", "alsahil_news", "valley_ledger", "coastline_wire", "al_marsad",
             "volna_news"},
  rules   = "rules",                      -- more rule directories, relative to this file (examples/rules)
  -- extra sources beside the rules' own, e.g.
  --   sources = {{feed = "https://example.org/rss.xml", outlet = "example", article = "^https://example%.org/news/"}},
  store   = getenv("MW_DEMO_STORE") or "demo-out/demo.sqlite",   -- relative to this file
  sinks   = {"sqlite"},                   -- plugins by name too: {"sqlite", warc = {path = "demo-out/demo.warc.gz"}}
  resolve = resolve,
  every   = "15m",                        -- for `moonwire run --schedule`; cron/systemd call plain `run`
  limits  = {
    pages_per_outlet = 100,               -- article pages per outlet per pass; the rest wait for the next pass
    max_age  = "3650d",                   -- entries dated older than this are not fetched
    delay    = "250ms",                   -- between requests to one host; robots.txt Crawl-delay wins if longer
    connections_per_host = 1,
    timeout  = "10s",                     -- one request
    retries  = 2,
    host_time = "5m",                     -- one host's share of a pass; then it is parked, its pages wait
    pass_time = "10m",                    -- the whole pass (default 1h): then it stops, the rest stays queued
    -- durations need a unit ("250ms", "1s", "1h30m"); a bare number other than 0 is an error
  },
}
