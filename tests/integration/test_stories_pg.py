#!/usr/bin/env python3
"""tests/integration/test_stories_pg.py: stories on a PostgreSQL store (a throw-away cluster, pg.py) — one story
module (core/story/story_store.c) over the store's SQL seam, on both back ends.
- the same crawl of the demo site (examples/demo-site, served by harness.Server) into a SQLite file and into a
  PostgreSQL database: the run's own hook assigns every article on both; `moonwire export` (JSON lines, CSV) and
  every stories command (`stories` in its formats and filters, `--rebuild`, `compare` by URL and by story, text,
  JSON and HTML) print the same on both; only the fetch time, which two crawls cannot share, is blanked;
- a PostgreSQL store of schema version 3 (before the story tables) is migrated to 4 when opened, and `moonwire
  stories` then builds its stories: the same as the SQLite store's;
- three workers at once on one PostgreSQL store (build/mw-testd's generated site): the stories `moonwire stories`
  lists are a full rebuild's."""
import json, os, sys, tempfile

sys.path.insert(0, os.path.dirname(__file__))
import pg
from harness import Server, ROOT, main, moonwire as _moonwire
from demo_lib import SITE, SHARED_EVENT, demo_crawl, masked_jsonl, masked_csv

pg.skip_or_fail("test_stories_pg")
CLUSTER = pg.Cluster()
ENV = {"MOONWIRE_PLUGIN_PATH": os.path.join(ROOT, "build", "plugins"),
       "MOONWIRE_RULES": os.path.join(ROOT, "examples", "rules")}
ARTICLES = 18   # the demo site's


def moonwire(*args, **kw):
    return _moonwire(*args, env=ENV, **kw)


def crawl(srv, d, store):
    """One pass over the demo site into store; one connection and extraction in the loop's thread, so the
    articles are stored in the same order (the same ids) whatever the store."""
    demo_crawl(srv, d, store, limits='delay = "0ms", timeout = "10s", connections = 1, workers = 0', env=ENV)


def out(*args):
    r = moonwire(*args, guard=120)
    assert r.rc == 0, (args, r.err)
    return r.out


def outputs(store, d):
    """What every command that reads the store prints, keyed by the command."""
    o = {}
    o["export"] = masked_jsonl(out("export", "--store", store))
    o["export csv"] = masked_csv(out("export", "--store", store, "--format", "csv"))
    o["stories"] = out("stories", "--store", store, "--format", "jsonl")
    o["stories text"] = out("stories", "--store", store, "--format", "text")
    o["stories all"] = out("stories", "--store", store, "--format", "jsonl", "--min-articles", "1")
    o["stories since"] = out("stories", "--store", store, "--format", "jsonl", "--min-articles", "1",
                             "--since", "2026-03-14")
    o["stories until"] = out("stories", "--store", store, "--format", "jsonl", "--min-articles", "1",
                             "--until", "2026-03-10")
    o["stories outlets"] = out("stories", "--store", store, "--format", "jsonl", "--min-outlets", "3")
    story = json.loads(o["stories"].splitlines()[0])["story"]
    for i, url in enumerate(SHARED_EVENT):
        o[f"compare {i}"] = out("compare", "--store", store, url)
    o["compare json"] = out("compare", "--store", store, "--format", "json", SHARED_EVENT[0])
    o["compare story"] = out("compare", "--store", store, "--format", "json", str(story))
    html = os.path.join(d, "story.html")
    out("compare", "--store", store, SHARED_EVENT[1], "--html", html)
    o["compare html"] = open(html, encoding="utf-8").read()
    # the rebuild last: the full re-cluster must print what the run's hook had made
    o["rebuild"] = out("stories", "--store", store, "--rebuild", "--format", "jsonl", "--min-articles", "1")
    o["after rebuild"] = out("stories", "--store", store, "--format", "jsonl", "--min-articles", "1")
    return o


def compare_outputs(a, b):
    assert a.keys() == b.keys()
    for k in a:
        assert a[k] == b[k], f"`{k}` differs between SQLite and PostgreSQL:\n{a[k]!r:.3000}\n---\n{b[k]!r:.3000}"


def pg_story_rows(db):
    return CLUSTER.psql(db, "select count(*) from story_docs")[0][0], \
        CLUSTER.psql(db, "select coalesce((select value from story_meta where key = 'dirty'), '0')")[0][0]


def crawled_pair(srv):
    d = tempfile.mkdtemp(prefix="mw-stories-pg-")
    sq = os.path.join(d, "store.sqlite")
    url = CLUSTER.new_db()
    crawl(srv, d, sq)
    crawl(srv, d, url)
    return d, sq, url


def test_same_output_from_sqlite_and_postgresql():
    with Server(root=SITE) as srv:
        d, sq, url = crawled_pair(srv)
    db = url.rsplit("/", 1)[1]
    # the run's hook assigned every article on PostgreSQL too (not a rebuild by the first `stories`)
    assert pg_story_rows(db) == (str(ARTICLES), "0"), pg_story_rows(db)
    a, b = outputs(sq, d), outputs(url, d)
    assert len(a["export"]) == ARTICLES and len(a["stories all"].splitlines()) == 16, a["stories all"]
    listed = [json.loads(l) for l in a["stories"].splitlines()]
    assert len(listed) == 1 and listed[0]["articles"] == 3, listed
    assert "Coastline Wire" in a["compare 1"] and "Волна" in a["compare 1"], a["compare 1"]
    compare_outputs(a, b)
    print(f"    {len(a)} outputs (export, stories, compare) the same from SQLite and PostgreSQL")


def test_a_store_of_schema_3_is_migrated_and_gets_its_stories():
    with Server(root=SITE) as srv:
        d, sq, url = crawled_pair(srv)
    db = url.rsplit("/", 1)[1]
    # as a store made before the story tables: schema 3, none of them
    CLUSTER.psql(db, "drop table story_docs; drop table stories; drop table story_meta; "
                     "update schema_version set version = 3")
    want = out("stories", "--store", sq, "--format", "jsonl", "--min-articles", "1")
    got = out("stories", "--store", url, "--format", "jsonl", "--min-articles", "1")
    assert CLUSTER.psql(db, "select version from schema_version") == [["4"]]
    assert pg_story_rows(db) == (str(ARTICLES), "0"), pg_story_rows(db)
    assert got == want, (got, want)


def gen_site():
    """build/mw-testd's generated site (pages of random news words, a day apart): hosts h0.test ... resolve to it."""
    import subprocess, time
    from harness import TESTD
    d = tempfile.mkdtemp(prefix="mw-stories-gen-")
    pf = os.path.join(d, "port")
    proc = subprocess.Popen([TESTD, "--port", "0", "--port-file", pf, "--quiet"])
    for _ in range(400):
        if os.path.exists(pf) and open(pf).read().strip():
            break
        time.sleep(0.025)
    return d, proc, int(open(pf).read())


def test_workers_at_once_leave_stories_a_rebuild_agrees_with():
    """Three `moonwire run --worker` at once on one PostgreSQL store over 4 hosts of 100 generated pages: their
    hooks take turns at the story tables (a worker that finds them held leaves its article to `moonwire
    stories`); whatever the interleaving, what `moonwire stories` then lists is what a full rebuild lists."""
    from harness import MOONWIRE, Watch
    hosts, pages = 4, 100
    d, proc, port = gen_site()
    try:
        url = CLUSTER.new_db()
        srcs = ", ".join(f'{{sitemap = "http://h{i}.test:{port}/_gen/sitemap.xml?n={pages}", outlet = "gen"}}'
                         for i in range(hosts))
        res = ", ".join(f'"h{i}.test:{port}:127.0.0.1"' for i in range(hosts))
        cfg = os.path.join(d, "run.lua")
        open(cfg, "w").write(f'return {{\n  sources = {{{srcs}}},\n  store = "{url}", robots = false,\n'
                             f'  resolve = {{{res}}},\n  limits = {{delay = "0ms", connections = 4, '
                             'connections_per_host = 2, pages_per_outlet = 0, timeout = "10s"},\n}\n')
        env = dict(os.environ, MOONWIRE_SCRIPTS=os.path.join(ROOT, "scripts"), **ENV)
        ws = [Watch([MOONWIRE, "run", "--worker", "-q", cfg], env=env) for _ in range(3)]
        for w in ws:
            rc, _, err = w.finish(cap=600)
            assert rc == 0, err[-3000:]
    finally:
        proc.terminate()
        proc.wait(10)
    db = url.rsplit("/", 1)[1]
    assert CLUSTER.psql(db, "select count(*) from article_rows") == [[str(hosts * pages)]]
    n, dirty = pg_story_rows(db)
    print(f"    the workers' hooks assigned {n} of {hosts * pages} articles"
          + (", then found the tables out of step" if dirty == "1" else ""))
    synced = out("stories", "--store", url, "--format", "jsonl", "--min-articles", "1")
    assert pg_story_rows(db) == (str(hosts * pages), "0"), pg_story_rows(db)
    rebuilt = out("stories", "--store", url, "--rebuild", "--format", "jsonl", "--min-articles", "1")
    assert synced == rebuilt, "the stories listed after the workers differ from a rebuild's"
    assert sum(json.loads(l)["articles"] for l in synced.splitlines()) == hosts * pages


if __name__ == "__main__":
    try:
        main([test_same_output_from_sqlite_and_postgresql, test_a_store_of_schema_3_is_migrated_and_gets_its_stories,
              test_workers_at_once_leave_stories_a_rebuild_agrees_with])
    finally:
        CLUSTER.stop()
