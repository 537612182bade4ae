#!/bin/sh
# examples/demo.sh (run by `make demo`): serve the offline demo site on 127.0.0.1 with the project's own
# server, fetch one page of each demo outlet through moonwire (the outlet host names are pointed at the
# local server, as curl --connect-to does), and print what came out.
set -eu
cd "$(dirname "$0")/.."
B=build
tmp=$(mktemp -d)
trap 'kill "$srv" 2>/dev/null || true; wait "$srv" 2>/dev/null || true; rm -rf "$tmp"' EXIT INT TERM
"$B/mw-testd" --port 0 --port-file "$tmp/port" --root examples/demo-site --quiet &
srv=$!
i=0
while [ ! -s "$tmp/port" ]; do
  i=$((i + 1)); [ $i -gt 100 ] && { echo "demo: the local server did not start" >&2; exit 1; }
  sleep 0.05
done
port=$(cat "$tmp/port")
echo "demo: serving examples/demo-site on 127.0.0.1:$port"
resolve=""
for h in harbor-times.example steppe-wire.example alsahil-news.example valley-ledger.example; do
  resolve="$resolve --resolve $h:80:127.0.0.1:$port"
done
out=examples/demo-out
mkdir -p "$out"
# shellcheck disable=SC2086
"$B/moonwire" fetch $resolve -o "$out/pages" \
  http://harbor-times.example/news/2026/03/03/harbour-reopens.html \
  http://valley-ledger.example/local/7752-grain-elevator-market-hall.html \
  http://steppe-wire.example/ru/article/1201.html \
  http://alsahil-news.example/ar/news/50311/ \
  http://harbor-times.example/no-such-page.html > "$out/records.jsonl"
echo "demo: $(wc -l < "$out/records.jsonl") records in $out/records.jsonl, raw pages in $out/pages/"
echo
python3 - "$out/records.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    print(r["url"])
    if r.get("error"):
        print("  error     ", r["error"]["stage"], "-", r["error"]["message"])
        print()
        continue
    body = r.get("body") or ""
    print("  title     ", r.get("title"))
    print("  published ", r.get("published"), "  lang", r.get("lang"), "  rule", r.get("rule"))
    print("  authors   ", ", ".join(r.get("authors") or []) or "-")
    print("  body      ", (body[:150] + "…") if len(body) > 150 else body, f"({len(body)} chars)")
    print()
PY
