"""tests/integration/demo_lib.py: what the scripts that crawl examples/demo-site share: its hosts and outlets,
one `moonwire run` pass over it into a store (SQLite file or postgresql:// URL), and exports with the one field
two crawls cannot share, the fetch time, blanked."""
import csv, io, json, os
from harness import ROOT, moonwire

SITE = os.path.join(ROOT, "examples", "demo-site")
HOSTS = ["harbor-times.example", "steppe-wire.example", "alsahil-news.example", "valley-ledger.example",
         "coastline-wire.example", "al-marsad.example", "volna-news.example"]
OUTLETS = ["harbor_times", "steppe_wire", "alsahil_news", "valley_ledger", "coastline_wire", "al_marsad",
           "volna_news"]
# the demo's one event in three languages
SHARED_EVENT = ["http://coastline-wire.example/wire/2026/03/14/marisol-star-aground.html",
                "http://al-marsad.example/akhbar/2026/03/8817/", "http://volna-news.example/news/3391.html"]


def demo_crawl(srv, d, store="store.sqlite", limits='delay = "0ms", timeout = "10s"', env=None):
    """One pass of `moonwire run` over the demo site served by srv into store (relative to d for a file);
    returns the store's path or URL."""
    resolve = ", ".join(f'"{h}:80:127.0.0.1:{srv.port}"' for h in HOSTS)
    cfg = os.path.join(d, "run.lua")
    outlets = ", ".join(f'"{o}"' for o in OUTLETS)
    open(cfg, "w").write(f'return {{\n  outlets = {{{outlets}}},\n  rules = "{ROOT}/examples/rules",\n'
                         f'  store = "{store}",\n  resolve = {{{resolve}}},\n  limits = {{{limits}}},\n}}\n')
    r = moonwire("run", "-q", cfg, guard=180, env=env)
    assert r.rc == 0, r.err
    return store if "://" in store else os.path.join(d, store)


def masked_jsonl(text):
    """JSON lines as rows, the fetch time blanked."""
    rows = [json.loads(l) for l in text.splitlines() if l.strip()]
    for r in rows:
        if "fetched" in r:
            r["fetched"] = "-"
    return rows


def masked_csv(text):
    """CSV as rows, the fetch time blanked."""
    rows = list(csv.reader(io.StringIO(text)))
    k = rows[0].index("fetched")
    for r in rows[1:]:
        r[k] = "-"
    return rows
