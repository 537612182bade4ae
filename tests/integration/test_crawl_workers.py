#!/usr/bin/env python3
"""tests/integration/test_crawl_workers.py: extraction on worker threads changes nothing but where the work
runs. The same 300-page site (mw-testd /_gen/) is crawled with limits.workers = 0 (extraction in the loop's
thread) and = 3, then with the rule-driven demo site; the stored records are the same (the fetch time apart),
every JSON line printed is a record the store holds, and the summary counts agree."""
import json, os, sys, tempfile
sys.path.insert(0, os.path.dirname(__file__))
from harness import ROOT, Server, main, moonwire

PAGES = 300


def crawl(d, srv, workers, jsonl=False):
    store = os.path.join(d, f"w{workers}.sqlite")
    cfg = os.path.join(d, f"w{workers}.lua")
    with open(cfg, "w") as f:
        f.write(f'return {{ sources = {{{{sitemap = "{srv.url(f"/_gen/sitemap.xml?n={PAGES}")}", outlet = "gen"}}}},'
                f' store = "{store}", robots = false,\n'
                f'  limits = {{delay = 0, connections_per_host = 6, pages_per_outlet = 0, workers = {workers}}} }}\n')
    r = moonwire("run", *(["--jsonl"] if jsonl else ["-q"]), cfg, guard=180)
    assert r.rc == 0, r.err
    return store, r


def stored(store):
    r = moonwire("export", "--store", store)
    assert r.rc == 0, r.err
    return {rec["url"]: {k: v for k, v in rec.items() if k != "fetched"} for rec in r.records()}


# the demo site (examples/demo-site): 18 articles by the 7 outlets of examples/rules
DEMO_ARTICLES = 18
DEMO_RULES = {"harbor_times", "steppe_wire", "alsahil_news", "valley_ledger", "coastline_wire", "volna_news",
              "al_marsad"}


def test_threads_store_what_the_loop_thread_stores():
    d = tempfile.mkdtemp(prefix="mw-it-workers-")
    with Server() as srv:
        s0, _ = crawl(d, srv, 0)
        s3, r3 = crawl(d, srv, 3, jsonl=True)
    a, b = stored(s0), stored(s3)
    assert len(a) == PAGES and a == b, (len(a), len(b), [u for u in a if a[u] != b.get(u)][:3])
    printed = {json.loads(l)["url"] for l in r3.out.splitlines()}
    assert printed == set(b), len(printed ^ set(b))
    assert any(line.split()[:4] == ["gen", str(PAGES), str(PAGES), "0"] for line in r3.err.splitlines()), r3.err
    print(f"  workers: {PAGES} pages, records identical with 0 and 3 extraction threads")


def test_rules_on_threads():
    d = tempfile.mkdtemp(prefix="mw-it-workers-demo-")
    out = {}
    with Server(root=os.path.join(ROOT, "examples", "demo-site")) as srv:
        for w in (0, 2):
            store = os.path.join(d, f"demo{w}.sqlite")
            r = moonwire("run", "-q", os.path.join(ROOT, "examples", "demo.lua"),
                         env={"MW_DEMO_PORT": str(srv.port), "MW_DEMO_STORE": store}, guard=120)
            assert r.rc == 0, r.err
            out[w] = stored(store)
    assert len(out[0]) == DEMO_ARTICLES and out[0] == out[2], (len(out[0]), len(out[2]))
    assert {x["rule"] for x in out[2].values()} == DEMO_RULES


if __name__ == "__main__":
    main([test_threads_store_what_the_loop_thread_stores, test_rules_on_threads])
