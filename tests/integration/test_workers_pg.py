"""tests/integration/test_workers_pg.py: many `moonwire run --worker` processes over one PostgreSQL store (a
throw-away cluster, tests/integration/pg.py) and the local site of build/mw-testd, whose --spans file has every
request with its start and end (monotonic microseconds). Nothing here depends on timing: the workers' end is the
event waited for; the spans are read once the server holds no connection.

- four workers, 5,000 pages on 10 hosts with a per-host delay: every page stored once, requests = pages +
  sitemaps + robots.txt (no fetch twice), and between two requests to one host, over all workers, never less
  than the delay (from the end of one to the start of the next, so from start to start too);
- the crash test: one worker of four is SIGKILLed at 20 moments (after a random number of its pages, fixed
  printed seed) and started again; at the end every page is stored once and none is lost, and the dead
  workers' leases were taken over, each only after its lease had run out;
- a worker that died reading a sitemap leaves a claim that runs out; a waiting worker asks again and reads it;
- export gives the same output from a SQLite and a PostgreSQL store filled by the same crawl;
- two plain `moonwire run` on one SQLite file never fetch a page twice;
- `moonwire status` says a SIGKILLed worker is lost once its heartbeat is older than its lease."""
import json, os, random, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(__file__))
import pg
from harness import MOONWIRE, ROOT, SANITIZED, TESTD, Watch, main
from demo_lib import masked_jsonl, masked_csv

pg.skip_or_fail("test_workers_pg")
CLUSTER = pg.Cluster()
SEED = int(os.environ.get("MW_SEED", "16"))
# the plugins are built once, beside build/moonwire (a sanitized build/san/moonwire loads the same ones)
ENV = dict(os.environ, MOONWIRE_SCRIPTS=os.path.join(ROOT, "scripts"),
           MOONWIRE_PLUGIN_PATH=os.path.join(ROOT, "build", "plugins"))


class Site:
    """mw-testd with --spans; hosts h0.test ... resolve to it."""

    def __init__(self, latency=0):
        self.dir = tempfile.mkdtemp(prefix="mw-pgw-")
        self.spans = os.path.join(self.dir, "spans")
        pf = os.path.join(self.dir, "port")
        # --latency: every answer takes 10 ms, as a distant server's would; the spans' own timestamps can be late
        # on a loaded machine, by less than that
        self.proc = subprocess.Popen([TESTD, "--port", "0", "--port-file", pf, "--spans", self.spans, "--latency",
                                      str(latency), "--quiet"])
        for _ in range(400):
            if os.path.exists(pf) and open(pf).read().strip():
                break
            time.sleep(0.025)
        self.port = int(open(pf).read())

    def requests(self):
        """(start_us, end_us, host, target) of every answered request, once no connection is open."""
        from harness import Server
        quiet = Server.open_connections.__get__(self)
        deadline = time.monotonic() + 60
        while quiet() and time.monotonic() < deadline:
            time.sleep(0.01)
        rows = []
        for line in open(self.spans):
            f = line.split()
            rows.append((int(f[0]), int(f[1]), f[3], f[4]))
        return rows

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def config(path, site, store, hosts, pages, delay, extra="", timeout="5s"):
    srcs = ", ".join(f'{{sitemap = "http://h{i}.test:{site.port}/_gen/sitemap.xml?n={pages}", outlet = "gen"}}'
                     for i in range(hosts))
    res = ", ".join(f'"h{i}.test:{site.port}:127.0.0.1"' for i in range(hosts))
    with open(path, "w") as f:
        f.write(f"""return {{
  sources = {{{srcs}}},
  store = "{store}", robots = true, robots_sitemaps = false,
  resolve = {{{res}}},
  limits = {{delay = "{delay}", connections = 8, connections_per_host = 1, pages_per_outlet = 0, workers = 1,
            timeout = "{timeout}"{extra}}},
}}
""")
    return path


def worker(cfg, *more):
    return Watch([MOONWIRE, "run", "--worker", *more, cfg], env=ENV)


def retried(url):
    """URLs a worker asked again after a failed try (its fetch log says "retrying"): on a machine loaded past
    limits.timeout an answer can come too late for the worker; that is a retry, not a second lease."""
    db = url.rsplit("/", 1)[1]
    rows = CLUSTER.psql(db, "select url, count(*) from fetch_log where error like '%retrying in%' group by 1")
    return {u: int(n) for u, n in rows}


def check_once(site, rows, hosts, pages, retries):
    """Every page, sitemap and robots.txt fetched once, besides the retries the workers logged."""
    seen = {}
    for _, _, host, target in rows:
        seen[(host, target)] = seen.get((host, target), 0) + 1
    twice = {k: n for k, n in seen.items() if n > 1 + retries.get(f"http://{k[0]}{k[1]}", 0)}
    assert not twice, f"fetched more than once: {sorted(twice.items())[:10]}"
    want = hosts * (pages + 2) + sum(retries.values())
    assert len(rows) == want, f"{len(rows)} requests, want {want} (pages + sitemaps + robots.txt + retries)"


def gaps(rows):
    by_host = {}
    for s, e, host, _ in rows:
        by_host.setdefault(host, []).append((s, e))
    start_start = end_start = 10 ** 12
    for spans in by_host.values():
        spans.sort()
        for (s0, e0), (s1, _) in zip(spans, spans[1:]):
            start_start = min(start_start, s1 - s0)
            end_start = min(end_start, s1 - e0)
    return start_start / 1000.0, end_start / 1000.0


def db_counts(url):
    db = url.rsplit("/", 1)[1]
    q = lambda sql: CLUSTER.psql(db, sql)[0]
    return {"articles": int(q("select count(*) from article_rows")[0]),
            "revisions": int(q("select count(*) from revisions")[0]),
            "done": int(q("select count(*) from frontier where state = 'done'")[0]),
            "not_done": int(q("select count(*) from frontier where state <> 'done'")[0]),
            "takeovers": int(q("select count(*) from takeovers")[0])}


def test_four_workers_every_page_once_at_the_host_rate():
    hosts, pages, delay = (10, 500, 30) if not SANITIZED else (4, 60, 30)
    site = Site(latency=10)
    try:
        url = CLUSTER.new_db()
        cfg = config(os.path.join(site.dir, "w.lua"), site, url, hosts, pages, f"{delay}ms", timeout="30s")
        t0 = time.monotonic()
        ws = [worker(cfg, "-q") for _ in range(4)]
        for w in ws:
            rc, out, err = w.finish(cap=900)
            assert rc == 0, err[-3000:]
        secs = time.monotonic() - t0
        rows = site.requests()
        retries = retried(url)
        check_once(site, rows, hosts, pages, retries)
        c = db_counts(url)
        n = hosts * pages
        assert c["articles"] == n and c["revisions"] == n and c["done"] == n and c["not_done"] == 0, c
        ss, es = gaps(rows)
        per = CLUSTER.psql(url.rsplit("/", 1)[1], "select name, pages from workers order by id")
        print(f"    4 workers, {n} pages on {hosts} hosts, delay {delay} ms: {len(rows)} requests "
              f"(= {n} pages + {hosts} sitemaps + {hosts} robots.txt + {sum(retries.values())} retries after a "
              f"time-out), each page stored once; smallest gap "
              f"between two requests to one host: {ss:.1f} ms start to start, {es:.1f} ms end to start; "
              f"pages per worker {[int(p) for _, p in per]}; {secs:.1f} s")
        # the delay runs from the end of one request (as the worker saw it) to the start of the next; the
        # server's end stamp can come after the worker has its answer, so start to start is what is asserted
        assert ss >= delay, (ss, es)
    finally:
        site.stop()


def test_crash_sigkill_one_worker_twenty_times():
    rnd = random.Random(SEED)
    print(f"    seed {SEED} (MW_SEED to change it)")
    hosts, pages, kills = (10, 300, 20) if not SANITIZED else (2, 150, 6)
    site = Site()
    try:
        url = CLUSTER.new_db()
        db = url.rsplit("/", 1)[1]
        cfg = config(os.path.join(site.dir, "w.lua"), site, url, hosts, pages, "60ms", ', lease = "3s"')
        others = [worker(cfg, "-q") for _ in range(3)]
        killed = []
        for k in range(kills):
            want = rnd.randint(1, 8)
            v = worker(cfg)
            # the event: the victim has stored `want` pages (each page line comes when its batch commits)
            v.wait(lambda out, err: err.count("\npage ") >= want or v.proc.poll() is not None, cap=300,
                   what=f"kill {k + 1}: the victim's {want} pages")
            if v.proc.poll() is not None:
                break   # the crawl ended before this kill: the ones done still count
            v.proc.send_signal(signal.SIGKILL)
            v.finish(cap=60)
            killed.append(v.proc.pid)
        last = worker(cfg, "-q")
        for w in others + [last]:
            rc, out, err = w.finish(cap=900)
            assert rc == 0, err[-3000:]
        n = hosts * pages
        c = db_counts(url)
        assert c["articles"] == n and c["revisions"] == n and c["done"] == n and c["not_done"] == 0, c
        rows = site.requests()
        pages_seen = {(h, t) for _, _, h, t in rows if "/_gen/a/" in t}
        assert len(pages_seen) == n, f"{len(pages_seen)} pages fetched of {n}"
        again = sum(1 for _, _, h, t in rows if "/_gen/a/" in t) - n
        dead = ",".join(str(p) for p in killed) or "0"
        tk = CLUSTER.psql(db, f"select count(*), coalesce(sum((t.at >= t.prev_until)::int), 0) from takeovers t "
                              f"join workers w on w.id = t.prev_worker where w.pid in ({dead})")[0]
        early = CLUSTER.psql(db, "select count(*) from takeovers where at < prev_until")[0][0]
        print(f"    {len(killed)} SIGKILLs of one worker of four; {n} pages, each stored once, none lost; "
              f"{again} fetched twice (in flight or not yet committed at a kill); {tk[0]} leases of the killed "
              f"workers taken over, {tk[1]} of them after their lease ran out, {early} before")
        # sanitized, a worker starts so slowly that the others may finish the crawl first: there the kills are
        # for memory safety under SIGKILL and takeovers, and one is enough; the plain build must make all 20
        assert len(killed) >= (kills if not SANITIZED else 1), f"only {len(killed)} kills: the crawl ended first"
        assert int(tk[0]) > 0 and tk[0] == tk[1] and early == "0", tk
    finally:
        site.stop()


def export_of(store, *more):
    p = subprocess.run([MOONWIRE, "export", "--store", store, *more], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120, env=ENV)
    assert p.returncode == 0, p.stderr
    return p.stdout.decode()


def status_json(cfg):
    p = subprocess.run([MOONWIRE, "status", "--json", cfg], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120, env=ENV)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_status_says_a_killed_worker_is_lost():
    site = Site()
    try:
        url = CLUSTER.new_db()
        # a lease of 2 s: a worker beats every half second; silent for longer than 2 s, it is lost
        cfg = config(os.path.join(site.dir, "w.lua"), site, url, 2, 200, "100ms", ', lease = "2s"')
        v = worker(cfg)
        v.wait(lambda out, err: err.count("\npage ") >= 2 or v.proc.poll() is not None, cap=300,
               what="the worker's first pages")
        assert v.proc.poll() is None, "the crawl ended before the kill"
        states = [w["state"] for w in status_json(cfg)["workers"]]
        v.proc.send_signal(signal.SIGKILL)
        v.finish(cap=60)
        # the event: status says lost (the store still has the worker as running: nobody told it otherwise)
        deadline, lost = time.monotonic() + 120, None
        while time.monotonic() < deadline:
            ws = status_json(cfg)["workers"]
            if ws and ws[0]["state"] == "lost":
                lost = ws[0]
                break
            time.sleep(0.2)
        assert lost and lost["beat_s"] > 2, status_json(cfg)
        db = url.rsplit("/", 1)[1]
        assert CLUSTER.psql(db, "select count(*) from workers where stopped is null") == [["1"]]
        print(f"    a worker while it ran: {states}; SIGKILLed: lost after {lost['beat_s']:.1f} s without a heartbeat")
        assert "running" in states or "lost" in states, states
    finally:
        site.stop()


def test_export_same_from_sqlite_and_postgresql():
    site = Site()
    try:
        url = CLUSTER.new_db()
        sq = os.path.join(site.dir, "same.sqlite")
        outs = []
        for store in (sq, url):
            # one connection and extraction in the loop's thread: the pages are stored in the same order
            cfg = config(os.path.join(site.dir, "same.lua"), site, store, 2, 40, "0", ", workers = 0")
            cfg_text = open(cfg).read().replace("workers = 1,", "").replace("connections = 8", "connections = 1")
            open(cfg, "w").write(cfg_text)
            p = subprocess.run([MOONWIRE, "run", "-q", cfg], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=300, env=ENV)
            assert p.returncode == 0, p.stderr
            outs.append((masked_jsonl(export_of(store)), masked_csv(export_of(store, "--format", "csv")),
                         masked_jsonl(export_of(store, "--lang", "en", "--max", "7"))))
        assert len(outs[0][0]) == 80
        assert outs[0][0] == outs[1][0], "JSON lines differ between SQLite and PostgreSQL"
        assert outs[0][1] == outs[1][1], "CSV differs between SQLite and PostgreSQL"
        assert outs[0][2] == outs[1][2], "a filtered export differs"
        print("    export (JSON lines, CSV, filtered) the same from SQLite and PostgreSQL (80 articles)")
    finally:
        site.stop()


def test_a_source_whose_reader_died_is_read_by_a_waiting_worker():
    """A worker died while reading a sitemap (its claim stands, as a SIGKILL leaves it, until its lease runs
    out): a worker that was told "another is reading it" waits, asks again, and reads it; no page is lost."""
    site = Site()
    try:
        url = CLUSTER.new_db()
        db = url.rsplit("/", 1)[1]
        pages = 40
        cfg = config(os.path.join(site.dir, "w.lua"), site, url, 1, pages, "0", ', lease = "3s"')
        r = subprocess.run([MOONWIRE, "status", "--store", url], env=ENV, capture_output=True, timeout=120)
        assert r.returncode == 0, r.stderr   # the store's tables
        now = "(extract(epoch from clock_timestamp()) * 1000)::bigint"
        dead = CLUSTER.psql(db, f"insert into workers(name, host, pid, started, beat) values ('gone/1', 'gone', "
                                f"1, {now}, {now}) returning id")[0][0]
        sm = f"http://h0.test:{site.port}/_gen/sitemap.xml?n={pages}"
        CLUSTER.psql(db, f"insert into source_claims(url, taken_by, taken_until) values ('{sm}', {dead}, "
                         f"{now} + 3000)")
        rc, out, err = worker(cfg, "-q").finish(cap=300)
        assert rc == 0, err[-3000:]
        c = db_counts(url)
        claims = CLUSTER.psql(db, "select url, taken_by is null, read_at is not null from source_claims")
        assert claims == [[sm, "t", "t"]], claims   # one row: the dead worker's claim was the one asked for
        assert c["articles"] == pages and c["done"] == pages and c["not_done"] == 0, c
    finally:
        site.stop()


def test_two_plain_runs_on_one_sqlite_file_never_fetch_a_page_twice():
    site = Site()
    try:
        sq = os.path.join(site.dir, "two.sqlite")
        hosts, pages = (4, 150) if not SANITIZED else (2, 40)
        cfg = config(os.path.join(site.dir, "two.lua"), site, sq, hosts, pages, "0")
        ws = [Watch([MOONWIRE, "run", "-q", cfg], env=ENV) for _ in range(2)]
        for w in ws:
            rc, out, err = w.finish(cap=600)
            assert rc == 0, err[-3000:]
        rows = [r for r in site.requests() if "/_gen/a/" in r[3]]
        keys = [(h, t) for _, _, h, t in rows]
        assert len(keys) == len(set(keys)) == hosts * pages, (len(keys), len(set(keys)))
    finally:
        site.stop()


if __name__ == "__main__":
    try:
        main([test_four_workers_every_page_once_at_the_host_rate, test_crash_sigkill_one_worker_twenty_times,
              test_export_same_from_sqlite_and_postgresql, test_a_source_whose_reader_died_is_read_by_a_waiting_worker,
              test_two_plain_runs_on_one_sqlite_file_never_fetch_a_page_twice,
              test_status_says_a_killed_worker_is_lost])
    finally:
        CLUSTER.stop()
