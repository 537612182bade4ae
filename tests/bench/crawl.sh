#!/bin/sh
# tests/bench/crawl.sh (run by `make bench` through bench.sh): the crawler against a minimal Scrapy spider on a
# 5,000-page local site (build/mw-testd /_gen/: sitemap + ~20 KB article pages; no delay, robots off, 8
# connections each). Interleaved rounds (MW_BENCH_ROUNDS, default 2) of: moonwire's full job (extraction on one
# thread per core), the same with extraction in the loop's thread (limits.workers = 0, the single-thread
# moonwire), fetch+parse only, and Scrapy full (readability-lxml) and parse; MW_BENCH_BASELINE=/path/moonwire
# adds an older build to each round. Each run's wall time and CPU time (user+sys, wait4) and peak RSS; the
# table gives medians. Then the store of the last full run: bytes per article against the records' JSON, and
# export as JSON lines against CSV (CPU time, 5 interleaved rounds). Then the 10,000,000-URL frontier
# (build/bench/frontier, MW_BENCH_FRONTIER to change N). The load of the machine is printed before and after:
# the cores are shared. Scrapy and readability-lxml come from Debian (`make peers`).
set -eu
cd "$(dirname "$0")/../.."
N=${MW_BENCH_PAGES:-5000}
CONC=${MW_BENCH_CONC:-8}
ROUNDS=${MW_BENCH_ROUNDS:-2}
BASE=${MW_BENCH_BASELINE:-}
tmp=$(mktemp -d)
trap 'kill "$srv" 2>/dev/null || true; wait "$srv" 2>/dev/null || true; rm -rf "$tmp"' EXIT INT TERM
build/mw-testd --port 0 --port-file "$tmp/port" --quiet &
srv=$!
i=0
while [ ! -s "$tmp/port" ]; do i=$((i + 1)); [ $i -gt 100 ] && exit 1; sleep 0.05; done
port=$(cat "$tmp/port")
SITEMAP="http://127.0.0.1:$port/_gen/sitemap.xml?n=$N"
config() {   # config NAME WORKERS(or "") -> $tmp/NAME.lua with its own store
  w=""
  [ -n "$2" ] && w=", workers = $2"
  cat > "$tmp/$1.lua" <<EOF
return {
  sources = {{sitemap = "$SITEMAP", outlet = "gen"}},
  store = "$tmp/$1.sqlite", robots = false,
  limits = {delay = 0, connections_per_host = $CONC, connections = $CONC, pages_per_outlet = 0$w},
}
EOF
}
config mw_full ""
config mw_single 0
config mw_base ""

cat > "$tmp/spider.py" <<'EOF'
# A minimal Scrapy spider doing the crawler's work: follow the sitemap, fetch every article, extract it with
# readability-lxml (full) or only parse it with lxml (parse), write JSON lines.
import json, sys
import lxml.html
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.spiders import SitemapSpider

MODE, SITEMAP, OUT, CONC = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

class Gen(SitemapSpider):
    name = "gen"
    sitemap_urls = [SITEMAP]

    def parse(self, response):
        if MODE == "full":
            from readability import Document
            doc = Document(response.text)
            body = lxml.html.fromstring(doc.summary()).text_content()
            yield {"url": response.url, "title": doc.short_title(), "body": body}
        else:
            root = lxml.html.fromstring(response.body)
            yield {"url": response.url, "nodes": len(root)}

p = CrawlerProcess(settings={
    "LOG_LEVEL": "ERROR", "ROBOTSTXT_OBEY": False, "CONCURRENT_REQUESTS": CONC,
    "CONCURRENT_REQUESTS_PER_DOMAIN": CONC, "DOWNLOAD_DELAY": 0, "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False, "FEEDS": {OUT: {"format": "jsonlines", "overwrite": True}},
})
p.crawl(Gen)
p.start()
EOF

cat > "$tmp/measure.py" <<'EOF'
# Run a command; append "wall cpu rss rc" (seconds, seconds of user+sys CPU, KB) to the label's file.
import os, subprocess, sys, time
out = sys.argv[1]
t0 = time.monotonic()
p = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = p.stderr.read().decode(errors="replace")
_, status, ru = os.wait4(p.pid, 0)
secs = time.monotonic() - t0
rc = os.waitstatus_to_exitcode(status)
if rc:
    sys.stderr.write(err[-2000:])
with open(out, "a") as f:
    f.write(f"{secs:.3f} {ru.ru_utime + ru.ru_stime:.3f} {ru.ru_maxrss} {rc}\n")
EOF

measure() { label=$1; shift; /usr/bin/python3 "$tmp/measure.py" "$tmp/$label.m" "$@" 2>> "$tmp/$label.err" || true; }
fresh() { rm -f "$tmp/$1.sqlite" "$tmp/$1.sqlite-wal" "$tmp/$1.sqlite-shm"; }

have_scrapy=0
/usr/bin/python3 -c 'import scrapy, readability, lxml' 2>/dev/null && have_scrapy=1
echo "crawl bench: $N pages from build/mw-testd /_gen/ on 127.0.0.1, $CONC connections, no delay, robots off; $ROUNDS interleaved rounds; $(nproc) cores"
echo "  load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# One unmeasured fetch pass fills mw-testd's page cache, so every measured run (the first included) meets the
# same warm server; the server's own CPU then stays out of the crawlers' cores.
build/bench/fetchparse "$SITEMAP" "$CONC" >/dev/null 2>&1 || true
for r in $(seq "$ROUNDS"); do
  fresh mw_full; measure mw_full build/moonwire run -q "$tmp/mw_full.lua"
  fresh mw_single; measure mw_single build/moonwire run -q "$tmp/mw_single.lua"
  if [ -n "$BASE" ]; then fresh mw_base; measure mw_base "$BASE" run -q "$tmp/mw_base.lua"; fi
  measure mw_parse build/bench/fetchparse "$SITEMAP" "$CONC"
  if [ $have_scrapy = 1 ]; then
    measure sc_full /usr/bin/python3 "$tmp/spider.py" full "$SITEMAP" "$tmp/sc_full.jsonl" "$CONC"
    measure sc_parse /usr/bin/python3 "$tmp/spider.py" parse "$SITEMAP" "$tmp/sc_parse.jsonl" "$CONC"
  fi
done
echo "  load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
stored=$(sqlite3 "$tmp/mw_full.sqlite" "select count(*) from articles" 2>/dev/null || echo "?")

/usr/bin/python3 - "$tmp" "$N" "$have_scrapy" "$stored" "$BASE" <<'EOF'
import os, statistics, sys
tmp, n, have, stored, base = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4], sys.argv[5]
def runs(label):
    try:
        rows = [l.split() for l in open(os.path.join(tmp, label + ".m"))]
    except OSError:
        return None
    ok = [(float(w), float(c), int(k)) for w, c, k, rc in rows if rc == "0"]
    if not ok:
        return None
    return (statistics.median(w for w, _, _ in ok), statistics.median(c for _, c, _ in ok),
            max(k for _, _, k in ok) / 1024, len(ok), len(rows))
rows = [("moonwire full job (workers: one per core)", "mw_full"),
        ("moonwire full job, single thread (workers = 0)", "mw_single"),
        ("baseline build full job (MW_BENCH_BASELINE)", "mw_base"),
        ("Scrapy + readability-lxml full job", "sc_full"),
        ("moonwire fetch + parse", "mw_parse"),
        ("Scrapy + lxml fetch + parse", "sc_parse")]
m = {k: runs(k) for _, k in rows}
print(f"{'':48} {'pages/s':>8} {'wall s':>7} {'CPU s':>7} {'CPU ms/page':>12} {'peak RSS':>9} {'runs':>5}")
for title, k in rows:
    r = m[k]
    if r is None:
        if k.startswith("sc") and not have:
            print(f"{title:48} {'not installed (make peers)':>30}")
        elif k == "mw_base" and not base:
            continue
        else:
            print(f"{title:48} {'failed':>8}")
        continue
    w, c, rss, good, total = r
    print(f"{title:48} {n / w:8.0f} {w:7.1f} {c:7.1f} {1000 * c / n:12.2f} {rss:7.0f} MB {good}/{total}")
def ratio(a, b, what):
    if m.get(a) and m.get(b):
        print(f"  {what}: wall {m[b][0] / m[a][0]:.2f}x, CPU {m[b][1] / m[a][1]:.2f}x")
print(f"  articles stored by the last full run: {stored} (of {n})")
ratio("mw_full", "sc_full", "moonwire full job vs Scrapy+readability-lxml (higher = moonwire faster)")
ratio("mw_full", "mw_single", "moonwire threads vs single thread")
ratio("mw_full", "mw_base", "moonwire vs the baseline build")
ratio("mw_parse", "sc_parse", "fetch+parse vs Scrapy+lxml")
EOF
for f in mw_full mw_single mw_base mw_parse sc_full sc_parse; do
  [ -s "$tmp/$f.err" ] && { echo "--- $f stderr:"; tail -5 "$tmp/$f.err"; }
done

echo
if [ -s "$tmp/mw_full.sqlite" ]; then
  sqlite3 "$tmp/mw_full.sqlite" "PRAGMA wal_checkpoint(TRUNCATE);" > /dev/null
  bytes=$(stat -c %s "$tmp/mw_full.sqlite")
  sqlite3 "$tmp/mw_full.sqlite" "select count(*), sum(length(record)) from articles" | {
    IFS='|' read -r arts json
    /usr/bin/python3 -c "import sys; b, a, j = map(int, sys.argv[1:]); print(f'store: {b / a:.0f} bytes per article, the record JSON {j / a:.0f} bytes: {b / j:.2f}x (everything in the file: records, revisions, columns, indexes, fetch log, frontier)')" "$bytes" "$arts" "$json"
  }
  for r in 1 2 3 4 5; do
    measure exp_jsonl build/moonwire export --store "$tmp/mw_full.sqlite" --format jsonl
    measure exp_csv build/moonwire export --store "$tmp/mw_full.sqlite" --format csv
  done
  /usr/bin/python3 - "$tmp" <<'EOF'
import os, statistics, sys
tmp = sys.argv[1]
def cpu(label):
    rows = [l.split() for l in open(os.path.join(tmp, label + ".m"))]
    return statistics.median(float(r[1]) for r in rows), statistics.median(float(r[0]) for r in rows)
(jc, jw), (cc, cw) = cpu("exp_jsonl"), cpu("exp_csv")
print(f"export: JSON lines {jc:.3f} s CPU ({jw:.3f} s wall), CSV {cc:.3f} s CPU ({cw:.3f} s wall): CSV/JSONL {cc / jc:.2f}x CPU, {cw / jw:.2f}x wall (5 interleaved rounds, medians)")
EOF
fi

echo
if [ -x build/bench/frontier ]; then
  build/bench/frontier "${MW_BENCH_FRONTIER:-10000000}" "$tmp/frontier.sqlite"
else
  echo "crawl bench: build/bench/frontier not built (make bench builds it)"
fi
