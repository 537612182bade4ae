"""tests/bench/workers.py (`make bench`): the shared crawl's figures, on a throw-away PostgreSQL cluster with
fsync on (tests/integration/pg.py) and build/mw-testd's 5,000-page local site, no delay:
(a) 1 and 2 `moonwire run --worker` processes on PostgreSQL, each single-threaded (limits.workers = 0: one
    core per worker; this machine has 2), wall time and pages/s;
(b) 1 worker on PostgreSQL against 1 on SQLite, the same job (the price of a network store);
(c) the database's own ceiling: build/bench/storebench, 8 workers (threads, a connection each) doing lease +
    store (a ~20 KB record) + fetch log + frontier update per page, fetch and extract skipped;
then the projection: how many workers one database feeds at (a)'s pages/s per worker. Interleaved rounds
(MW_BENCH_ROUNDS, default 2), medians. The cores are shared: the load is printed before and after."""
import os, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import pg  # noqa: E402

MW = os.path.join(ROOT, "build", "moonwire")
N = int(os.environ.get("MW_BENCH_PAGES", "5000"))
ROUNDS = int(os.environ.get("MW_BENCH_ROUNDS", "2"))
ENV = dict(os.environ, MOONWIRE_SCRIPTS=os.path.join(ROOT, "scripts"),
           MOONWIRE_PLUGIN_PATH=os.path.join(ROOT, "build", "plugins"))


def load():
    return open("/proc/loadavg").read().split()[0]


def server(d):
    pf = os.path.join(d, "port")
    p = subprocess.Popen([os.path.join(ROOT, "build", "mw-testd"), "--port", "0", "--port-file", pf, "--quiet"])
    for _ in range(400):
        if os.path.exists(pf) and open(pf).read().strip():
            break
        time.sleep(0.025)
    return p, int(open(pf).read())


def config(path, port, store):
    with open(path, "w") as f:
        f.write(f"""return {{
  sources = {{{{sitemap = "http://127.0.0.1:{port}/_gen/sitemap.xml?n={N}", outlet = "gen"}}}},
  store = "{store}", robots = false,
  limits = {{delay = 0, connections_per_host = 8, connections = 8, pages_per_outlet = 0, workers = 0}},
}}
""")
    return path


def crawl(cfg, nworkers):
    t0 = time.monotonic()
    ps = [subprocess.Popen([MW, "run", "--worker", "-q", cfg], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           env=ENV) for _ in range(nworkers)]
    for p in ps:
        _, err = p.communicate(timeout=1800)
        if p.returncode:
            raise SystemExit(f"workers bench: a worker failed: {err.decode()[-2000:]}")
    return time.monotonic() - t0


def main():
    if pg.available():
        print(f"workers bench: skipped: {pg.available()}")
        return 0
    print(f"shared crawl on PostgreSQL ({N} pages, no delay; load before {load()})")
    d = tempfile.mkdtemp(prefix="mw-bench-w-")
    srv, port = server(d)
    res = {"pg1": [], "pg2": [], "sq1": []}
    with pg.Cluster(fsync=True) as cl:
        try:
            for r in range(ROUNDS):
                for key in ("pg1", "pg2", "sq1"):
                    store = cl.new_db() if key.startswith("pg") else os.path.join(d, f"r{r}.sqlite")
                    cfg = config(os.path.join(d, f"{key}.lua"), port, store)
                    res[key].append(crawl(cfg, 2 if key == "pg2" else 1))
            ceil = {}
            for kind in ("pg", "sq"):
                store = cl.new_db() if kind == "pg" else os.path.join(d, "ceiling.sqlite")
                # SQLite has one writer at a time: its figure is one worker's (eight only wait on its lock)
                out = subprocess.run([os.path.join(ROOT, "build", "bench", "storebench"), store,
                                      "8" if kind == "pg" else "1", "20000", "64"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=1800, env=ENV)
                if out.returncode:
                    raise SystemExit(f"storebench: {out.stderr.decode()[-2000:]}")
                line = out.stdout.decode().strip()
                ceil[kind] = float(line.split(" pages/s")[0].rsplit(" ", 1)[1])
                print(f"  (c) {line}")
        finally:
            srv.terminate()
            srv.wait()
    m = {k: statistics.median(v) for k, v in res.items()}
    rate = {k: N / v for k, v in m.items()}
    print(f"  (a) 1 worker on PostgreSQL: {m['pg1']:.1f} s, {rate['pg1']:.0f} pages/s; 2 workers: {m['pg2']:.1f} s, "
          f"{rate['pg2']:.0f} pages/s: {rate['pg2'] / rate['pg1']:.2f}x one (goal 1.7x)")
    print(f"  (b) 1 worker on SQLite: {m['sq1']:.1f} s, {rate['sq1']:.0f} pages/s; on PostgreSQL "
          f"{rate['pg1'] / rate['sq1'] * 100:.0f}% of that")
    print(f"  projection: the database sustains {ceil['pg']:.0f} pages/s of lease + store + frontier update with 8 "
          f"workers; at {rate['pg1']:.0f} pages/s per worker (one core each, no delay) one PostgreSQL feeds about "
          f"{ceil['pg'] / rate['pg1']:.0f} workers (SQLite, one machine, one writer: {ceil['sq']:.0f} pages/s)")
    print(f"  medians of {ROUNDS} interleaved rounds; load after {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
