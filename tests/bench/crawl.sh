#!/bin/sh
# tests/bench/crawl.sh (run by `make bench` through bench.sh): the crawler against a minimal Scrapy spider on a
# 5,000-page local site (build/mw-testd /_gen/: sitemap + ~20 KB article pages; no delay, robots off, 8
# connections each), twice: the full job (sitemap, fetch, extract, write records) and fetch+parse only.
# Prints pages/s (wall), CPU seconds (the client process's own, from wait4) and peak RSS side by side, then the 1,000,000-URL frontier memory check (build/bench/frontier).
# Scrapy and readability-lxml come from Debian (`make peers`); without them only moonwire's figures print.
set -eu
cd "$(dirname "$0")/../.."
N=${MW_BENCH_PAGES:-5000}
CONC=${MW_BENCH_CONC:-8}
tmp=$(mktemp -d)
trap 'kill "$srv" 2>/dev/null || true; wait "$srv" 2>/dev/null || true; rm -rf "$tmp"' EXIT INT TERM
build/mw-testd --port 0 --port-file "$tmp/port" --quiet &
srv=$!
i=0
while [ ! -s "$tmp/port" ]; do i=$((i + 1)); [ $i -gt 100 ] && exit 1; sleep 0.05; done
port=$(cat "$tmp/port")
SITEMAP="http://127.0.0.1:$port/_gen/sitemap.xml?n=$N"
cat > "$tmp/crawl.lua" <<EOF
return {
  sources = {{sitemap = "$SITEMAP", outlet = "gen"}},
  store = "$tmp/bench.sqlite", robots = false,
  limits = {delay = 0, connections_per_host = $CONC, connections = $CONC, pages_per_outlet = 0},
}
EOF

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
    "TELNETCONSOLE_ENABLED": False, "FEEDS": {OUT: {"format": "jsonlines"}},
})
p.crawl(Gen)
p.start()
EOF

cat > "$tmp/measure.py" <<'EOF'
# Run a command, report wall seconds, the child's peak RSS and its CPU seconds (user + system, wait4).
import os, subprocess, sys, time
out = sys.argv[1]
t0 = time.monotonic()
p = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
_, status, ru = os.wait4(p.pid, 0)
secs = time.monotonic() - t0
err = p.stderr.read().decode(errors="replace")
rc = os.waitstatus_to_exitcode(status)
if rc:
    sys.stderr.write(err[-2000:])
print(f"{secs:.3f} {ru.ru_maxrss} {rc} {ru.ru_utime + ru.ru_stime:.3f}")
EOF

measure() { label=$1; shift; /usr/bin/python3 "$tmp/measure.py" x "$@" > "$tmp/$label.m" 2> "$tmp/$label.err" || true; }

echo "crawl bench: $N pages from build/mw-testd /_gen/ on 127.0.0.1, $CONC connections, no delay, robots off"
measure mw_full build/moonwire run -q "$tmp/crawl.lua"
stored=$(sqlite3 "$tmp/bench.sqlite" "select count(*) from articles" 2>/dev/null || echo "?")
measure mw_parse build/bench/fetchparse "$SITEMAP" "$CONC"
have_scrapy=0
if /usr/bin/python3 -c 'import scrapy, readability, lxml' 2>/dev/null; then
  have_scrapy=1
  measure sc_full /usr/bin/python3 "$tmp/spider.py" full "$SITEMAP" "$tmp/sc_full.jsonl" "$CONC"
  measure sc_parse /usr/bin/python3 "$tmp/spider.py" parse "$SITEMAP" "$tmp/sc_parse.jsonl" "$CONC"
fi

/usr/bin/python3 - "$tmp" "$N" "$have_scrapy" "$stored" <<'EOF'
import os, sys
tmp, n, have, stored = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4]
def m(label):
    try:
        secs, rss, rc, cpu = open(os.path.join(tmp, label + ".m")).read().split()
        return float(secs), int(rss) / 1024, int(rc), float(cpu)
    except Exception:
        return None
def lines(p):
    try:
        return sum(1 for _ in open(p))
    except OSError:
        return 0
rows = [("full job (sitemap, fetch, extract, store)", "mw_full", "sc_full", stored, lines(os.path.join(tmp, "sc_full.jsonl"))),
        ("fetch + parse", "mw_parse", "sc_parse", n, lines(os.path.join(tmp, "sc_parse.jsonl")))]
print(f"{'':42} {'moonwire':>31} {'scrapy':>31} {'wall':>6} {'CPU':>6}")
print(f"{'':42} {'pages/s, CPU s, peak RSS':>31} {'pages/s, CPU s, peak RSS':>31} {'ratio':>6} {'ratio':>6}")
for title, a, b, na, nb in rows:
    ma, mb = m(a), (m(b) if have else None)
    ra = f"{n / ma[0]:7.0f} p/s {ma[3]:6.1f} s {ma[1]:5.0f} MB" if ma and ma[2] == 0 else "failed"
    rb = f"{n / mb[0]:7.0f} p/s {mb[3]:6.1f} s {mb[1]:5.0f} MB" if mb and mb[2] == 0 else ("not installed" if not have else "failed")
    both = ma and mb and ma[2] == 0 and mb[2] == 0
    ratio = f"{mb[0] / ma[0]:5.1f}x" if both else "-"
    cratio = f"{mb[3] / ma[3]:5.1f}x" if both and ma[3] > 0 else "-"
    print(f"{title:42} {ra:>31} {rb:>31} {ratio:>6} {cratio:>6}")
    print(f"{'  records written':42} {str(na):>20} {str(nb) if have else '-':>20}")
if not have:
    print("(scrapy / readability-lxml not installed: `make peers` installs python3-scrapy and python3-readability)")
EOF
for f in mw_full mw_parse sc_full sc_parse; do
  [ -s "$tmp/$f.err" ] && { echo "--- $f stderr:"; tail -5 "$tmp/$f.err"; }
done

echo
if [ -x build/bench/frontier ]; then
  build/bench/frontier 1000000 "$tmp/frontier.sqlite"
else
  echo "crawl bench: build/bench/frontier not built (make bench builds it)"
fi
