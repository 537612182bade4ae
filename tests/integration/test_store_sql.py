#!/usr/bin/env python3
"""tests/integration/test_store_sql.py: a store people can query with plain sqlite3 (examples/store.md). The
demo site is crawled, then the questions an analyst asks are put to the sqlite3 command-line tool itself:
titles and dates, counts per outlet, authors and languages, states by name, every time in one format. A store
made by moonwire 0.1.0 (tests/integration/data/store-v1-demo.sql, the demo crawled by the main branch before
schema_version) is migrated on open: same records, same resume state. `moonwire stats` answers per outlet."""
import json, os, re, shutil, sqlite3, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, main, moonwire, ROOT

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
DEMO = os.path.join(ROOT, "examples", "demo-site")
V1_DUMP = os.path.join(os.path.dirname(__file__), "data", "store-v1-demo.sql")
# every column that holds a time the store wrote (published is the article's own date, checked apart)
TIME_COLUMNS = [("article_rows", "first_seen"), ("article_rows", "last_seen"), ("revisions", "fetched"),
                ("fetch_log", "fetched"), ("frontier", "discovered"), ("frontier", "fetched"),
                ("frontier", "lastmod"), ("runs", "started"), ("runs", "finished"), ("feed_state", "checked")]


# the demo site (examples/demo-site): 18 articles by 7 outlets
DEMO_ARTICLES = 18
DEMO_OUTLETS = 7
DEMO_CONFIG_OUTLETS = {"harbor_times", "valley_ledger", "alsahil_news", "steppe_wire", "coastline_wire", "volna_news",
                       "al_marsad"}


def sql(store, query):
    """The sqlite3 command-line tool, as a user would run it: rows of |-separated values."""
    r = subprocess.run(["sqlite3", store, query], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, (query, r.stderr)
    return [line.split("|") for line in r.stdout.splitlines()]


def crawl_demo(d):
    store = os.path.join(d, "demo.sqlite")
    with Server(root=DEMO) as srv:
        r = moonwire("run", "-q", os.path.join(ROOT, "examples", "demo.lua"),
                     env={"MW_DEMO_PORT": str(srv.port), "MW_DEMO_STORE": store}, guard=120)
    assert r.rc == 0, r.err
    return store


def test_questions_answered_with_plain_sqlite3():
    d = tempfile.mkdtemp(prefix="mw-sql-")
    store = crawl_demo(d)
    rows = sql(store, "select title, published from articles order by published")
    assert len(rows) == DEMO_ARTICLES and all(t for t, _ in rows), rows
    assert all(ISO_UTC.match(p) for _, p in rows), rows   # the column is UTC, so it sorts
    per_outlet = dict(sql(store, "select outlet, count(*) from articles group by outlet"))
    assert len(per_outlet) == DEMO_OUTLETS and sum(map(int, per_outlet.values())) == DEMO_ARTICLES, per_outlet
    # authors as people read them; the full list stays in the JSON record
    for authors, rec in sql(store, "select authors, record from articles where authors is not null"):
        assert authors == "; ".join(json.loads(rec)["authors"]), (authors, rec)
    assert {l for (l,) in sql(store, "select distinct lang from articles")} <= {"en", "ar", "ru", "kk"}
    # the record is the whole JSON, and json_extract reads it
    body = sql(store, "select json_extract(record, '$.body') is not null, length(record) > 0 from articles")
    assert all(r == ["1", "1"] for r in body), body
    assert set(x for (x,) in sql(store, "select distinct state from frontier")) <= {"queued", "done", "error",
                                                                                   "robots"}
    assert sql(store, "select version from schema_version") == [["4"]]
    for table, col in TIME_COLUMNS:
        for (v,) in sql(store, f"select {col} from {table} where {col} is not null"):
            assert ISO_UTC.match(v), (table, col, v)
    # one copy of each record: in revisions; the current one is the latest
    assert sql(store, "select count(*) from revisions") == [[str(DEMO_ARTICLES)]]
    assert sql(store, "select count(*) from pragma_table_info('article_rows') where name = 'record'") == [["0"]]
    # kept compressed (zlib, as sqlar): the view reads them through the tool's own sqlar_uncompress
    assert sql(store, "select count(*) from revisions where typeof(record) = 'blob' and length(record) < size") == \
        [[str(DEMO_ARTICLES)]]
    assert sql(store, "select count(*) from revisions r join articles a on a.id = r.article_id where "
                      "cast(sqlar_uncompress(r.record, r.size) as text) = a.record") == [[str(DEMO_ARTICLES)]]
    st = moonwire("stats", "--store", store)
    assert st.rc == 0, st.err
    lines = st.out.splitlines()
    assert lines[0].split()[:3] == ["outlet", "articles", "last"], st.out
    # per outlet as the run config names them (the records' outlet is the display name)
    names = {l.split()[0] for l in lines[1:]}
    assert names == DEMO_CONFIG_OUTLETS, st.out
    js = json.loads(moonwire("stats", "--store", store, "--json").out)
    by_config = dict(sql(store, "select crawl_outlet, count(*) from articles group by 1"))
    assert {o["outlet"]: o["articles"] for o in js} == {k: int(v) for k, v in by_config.items()}, js
    assert all(o["median_body_chars"] > 100 and o["pages_failed"] == 0 for o in js), js
    # CSV is written straight from the stored JSON text: it must say what the JSON says
    import csv, io
    tricky = {"url": "http://t.test/1", "outlet": "T, \"quoted\"", "rule": "generic", "title": "He said \"no\"\n\tthen\u0001 left",
              "authors": ["A; B", "C \\ D", "\u00e9\u00e8 \U0001F600"], "published": None, "section": "a/b",
              "lang": "fr", "body": "line one\r\nline \"two\"\n\n\u2028end \\ \u00e9"}
    con = sqlite3.connect(store)
    con.execute("insert into article_rows(key, url, hash, first_seen, last_seen) values('http://t.test/1', "
                "'http://t.test/1', 'x', '2999-01-01T00:00:00Z', '2999-01-01T00:00:00Z')")
    con.execute("insert into revisions(article_id, rev, hash, record, fetched) values(last_insert_rowid(), 1, 'x', ?, "
                "'2999-01-01T00:00:00Z')", (json.dumps(tricky),))
    con.commit()
    con.close()
    jl = [json.loads(l) for l in moonwire("export", "--store", store).out.splitlines()]
    assert jl[-1] == tricky
    table = list(csv.DictReader(io.StringIO(moonwire("export", "--store", store, "--format", "csv").out)))
    assert len(table) == len(jl) == DEMO_ARTICLES + 1
    for rec, row in zip(jl, table):
        for col in ("url", "outlet", "rule", "title", "published", "section", "lang", "body"):
            assert row[col] == (rec[col] or ""), (col, row[col][:80], (rec[col] or "")[:80])
        assert row["authors"] == "; ".join(rec["authors"]), (row["authors"], rec["authors"])
    print(f"  store: {DEMO_ARTICLES} articles, {len(per_outlet)} outlets answered by sqlite3; stats:\n    " + "\n    ".join(lines))


def test_a_store_made_by_moonwire_0_1_0_is_migrated():
    d = tempfile.mkdtemp(prefix="mw-sql-v1-")
    store = os.path.join(d, "old.sqlite")
    con = sqlite3.connect(store)
    con.executescript(open(V1_DUMP).read())
    before = dict(con.execute("select key, record from articles"))
    pending = [u for (u,) in con.execute("select url from frontier where state = 0 or (state = 2 and tries < 3) "
                                         "order by discovered, url")]
    states = dict(con.execute("select url, state from frontier"))
    con.close()
    assert len(before) == 15
    r = moonwire("export", "--store", store)
    assert r.rc == 0, r.err
    after = {(json.loads(l).get("canonical_url") or json.loads(l)["url"]): l for l in r.out.splitlines()}
    assert after == before, set(after) ^ set(before)
    assert sql(store, "select version from schema_version") == [["4"]]
    names = {0: "queued", 1: "done", 2: "error", 3: "robots"}
    assert dict(sql(store, "select url, state from frontier")) == {u: names[s] for u, s in states.items()}
    assert [u for (u,) in sql(store, "select url from frontier where state <> 'done' order by id")] == pending
    for table, col in TIME_COLUMNS:
        for (v,) in sql(store, f"select {col} from {table} where {col} is not null"):
            assert ISO_UTC.match(v), (table, col, v)
    assert all(t for (t,) in sql(store, "select title from articles")), "titles became columns"
    # the migrated store takes the next pass: nothing new, nothing fetched twice
    st = moonwire("stats", "--store", store)
    assert st.rc == 0 and len(st.out.splitlines()) == 5, st.out
    shutil.rmtree(d)


if __name__ == "__main__":
    main([test_questions_answered_with_plain_sqlite3, test_a_store_made_by_moonwire_0_1_0_is_migrated])
