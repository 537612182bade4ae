#!/bin/sh
# examples/demo.sh (run by `make demo`): serve the offline demo site on 127.0.0.1 with the project's own
# server, run one scheduled pass over the four demo outlets (`moonwire run examples/demo.lua`: feeds, sitemaps,
# listing pages, robots.txt, one connection per host; the outlet host names are pointed at the local server
# by the config's resolve entries), then show what the store holds. Leaves examples/demo-out/demo.sqlite for
# `sqlite3` and `moonwire export`. Ends with the stories the run left in the store and the comparison of the
# one event three demo outlets share (English, Arabic, Russian), also written to examples/demo-out/story.html.
set -eu
cd "$(dirname "$0")/.."
B=build
tmp=$(mktemp -d)
trap 'kill "$srv" 2>/dev/null || true; wait "$srv" 2>/dev/null || true; rm -rf "$tmp"' EXIT INT TERM
"$B/mw-testd" --port 0 --port-file "$tmp/port" --root examples/demo-site --log "$tmp/requests.log" --quiet &
srv=$!
i=0
while [ ! -s "$tmp/port" ]; do
  i=$((i + 1)); [ $i -gt 100 ] && { echo "demo: the local server did not start" >&2; exit 1; }
  sleep 0.05
done
port=$(cat "$tmp/port")
out=examples/demo-out
mkdir -p "$out"
store="$out/demo.sqlite"
rm -f "$store" "$store-wal" "$store-shm"
echo "demo: serving examples/demo-site on 127.0.0.1:$port"
echo "demo: moonwire run examples/demo.lua   (store $store)"
echo
MW_DEMO_PORT=$port MW_DEMO_STORE="$PWD/$store" "$B/moonwire" run examples/demo.lua
echo
n=$("$B/moonwire" export --store "$store" | wc -l)
echo "demo: $n articles in $store (expected 18)"
if grep -q ' /private/' "$tmp/requests.log"; then
  echo "demo: FAIL: a /private/ page was fetched despite robots.txt" >&2; exit 1
fi
echo "demo: /private/ pages fetched: none (robots.txt Disallow obeyed)"
echo "demo: requests the server saw: $(wc -l < "$tmp/requests.log")"
echo
echo "demo: moonwire export --store $store --format csv   (first columns)"
"$B/moonwire" export --store "$store" --format csv | python3 -c '
import csv, sys
for row in csv.reader(sys.stdin):
    print("  " + " | ".join(c.replace("\n", " ")[:38] for c in row[:6]))
'
echo
echo "demo: sqlite3 $store \"select kind, status, count(*) from fetch_log group by 1, 2\""
if command -v sqlite3 >/dev/null; then
  sqlite3 "$store" "select kind, status, count(*) from fetch_log group by 1, 2" | sed 's/^/  /'
fi
echo
echo "demo: a second pass finds nothing new (feeds and sitemaps answer 304 Not Modified):"
MW_DEMO_PORT=$port MW_DEMO_STORE="$PWD/$store" "$B/moonwire" run -q examples/demo.lua
[ "$n" -eq 18 ] || { echo "demo: FAIL: expected 18 articles, got $n" >&2; exit 1; }
echo
echo "demo: moonwire stories --store $store --format text --min-articles 1   (each run assigned its articles)"
"$B/moonwire" stories --store "$store" --format text --min-articles 1
shared=http://coastline-wire.example/wire/2026/03/14/marisol-star-aground.html
echo
echo "demo: moonwire compare --store $store $shared --html $out/story.html"
"$B/moonwire" compare --store "$store" "$shared" --html "$out/story.html"
echo "demo: the side-by-side page: $out/story.html"
