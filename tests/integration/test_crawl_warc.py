#!/usr/bin/env python3
"""tests/integration/test_crawl_warc.py: a scheduled pass over the demo site with the WARC plugin as a second
sink beside SQLite: every response lands in the WARC, and `moonwire extract` over the WARC gives the same
articles as the store."""
import json, os, sqlite3, sys, tempfile
sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, moonwire, main, store_db, ROOT

HOSTS = ["harbor-times.example", "steppe-wire.example", "alsahil-news.example", "valley-ledger.example"]


def test_warc_sink_beside_sqlite():
    d = tempfile.mkdtemp(prefix="mw-crawl-warc-")
    with Server(root=os.path.join(ROOT, "examples", "demo-site")) as srv:
        resolve = ", ".join(f'"{h}:80:127.0.0.1:{srv.port}"' for h in HOSTS)
        cfg = os.path.join(d, "run.lua")
        open(cfg, "w").write(
            'return {\n  outlets = {"harbor_times", "steppe_wire", "alsahil_news", "valley_ledger"},\n'
            f'  rules = "{ROOT}/examples/rules",\n  store = "store.sqlite",\n'
            '  sinks = {"sqlite", warc = {path = "crawl.warc.gz"}},\n'
            f'  resolve = {{{resolve}}},\n  limits = {{delay = "0ms", timeout = "10s"}},\n}}\n')
        r = moonwire("run", "-q", cfg, env={"MOONWIRE_PLUGIN_PATH": os.path.join(ROOT, "build", "plugins")},
                     guard=120)
        assert r.rc == 0, r.err
    stored = {row[0] for row in store_db(os.path.join(d, "store.sqlite")).execute("select url from articles")}
    assert len(stored) == 15, stored
    warc = os.path.join(d, "crawl.warc.gz")
    assert os.path.getsize(warc) > 0
    x = moonwire("extract", warc, env={"MOONWIRE_RULES": os.path.join(ROOT, "examples", "rules")})
    assert x.rc == 0, x.err
    recs = [rec for rec in x.records() if rec["url"] in stored]   # the WARC also holds feeds and listings
    got = {rec["url"] for rec in recs}
    assert stored == got, (stored - got)
    for rec in recs:
        assert rec["rule"] != "generic" and not rec.get("warnings"), rec
        assert rec["file"].startswith(warc + "#") and rec["title"] and rec["body"], rec


if __name__ == "__main__":
    main([test_warc_sink_beside_sqlite])
