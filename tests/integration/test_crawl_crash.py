#!/usr/bin/env python3
"""tests/integration/test_crawl_crash.py: crash safety of `moonwire run`. A 500-page site (mw-testd's /_gen/,
no delay, robots off) is crawled by runs killed with SIGKILL at 20 random moments, then one run to the end.
Afterwards every page is stored exactly once (one article, one revision), and no page was requested again
after a run had stored it: the store is read after each kill, and the server log says which run asked for
what."""
import os, random, signal, sqlite3, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, main, ROOT, MOONWIRE

PAGES = 500
KILLS = 20


def pages_stored(store):
    if not os.path.exists(store):
        return set()
    con = sqlite3.connect(store)
    try:
        return {r[0] for r in con.execute("select url from articles")}
    except sqlite3.OperationalError:   # killed before the schema was committed
        return set()
    finally:
        con.close()


def requests(log):
    out = []
    for line in open(log):
        parts = line.split()
        if len(parts) == 6 and "/_gen/a/" in parts[3]:
            out.append(parts[3])
    return out


def test_sigkill_at_random_moments_loses_and_repeats_nothing():
    seed = int(os.environ.get("MW_CRASH_SEED", time.time()))
    rnd = random.Random(seed)
    d = tempfile.mkdtemp(prefix="mw-crash-")
    store = os.path.join(d, "crash.sqlite")
    env = dict(os.environ)
    env.setdefault("MOONWIRE_SCRIPTS", os.path.join(ROOT, "scripts"))
    with Server(log=True) as srv:
        cfg = os.path.join(d, "crash.lua")
        with open(cfg, "w") as f:
            f.write(f'return {{ sources = {{{{sitemap = "http://127.0.0.1:{srv.port}/_gen/sitemap.xml?n={PAGES}", '
                    f'outlet = "gen"}}}}, store = "crash.sqlite", robots = false,\n'
                    f'  limits = {{delay = 0, connections_per_host = 4, pages_per_outlet = 0}} }}\n')
        # one clean run first shows how long a whole pass takes; the kills land inside that span
        probe = os.path.join(d, "probe.lua")
        with open(probe, "w") as f:
            f.write(open(cfg).read().replace('"crash.sqlite"', '"probe.sqlite"'))
        t0 = time.monotonic()
        subprocess.run([MOONWIRE, "run", "-q", probe], env=env, check=True, stdout=subprocess.DEVNULL,
                       timeout=120)
        span = time.monotonic() - t0
        base = len(requests(srv.log))

        runs = []   # (requests seen before the run started, pages stored before it)
        kills_landed = 0
        for k in range(KILLS):
            before = pages_stored(store)
            if len(before) == PAGES:
                break
            start = len(requests(srv.log)) - base
            p = subprocess.Popen([MOONWIRE, "run", "-q", cfg], env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            # early moments catch start-up and discovery; later ones catch pages in flight
            time.sleep(rnd.uniform(0.0, span * 0.09))
            p.send_signal(signal.SIGKILL)
            p.wait()
            # the server logs a request after answering it: let the answers to the dead run land in the log
            # before the next run's share of it begins
            time.sleep(0.2)
            kills_landed += p.returncode == -signal.SIGKILL
            runs.append((start, before))
        final_start = len(requests(srv.log)) - base
        final_before = pages_stored(store)
        r = subprocess.run([MOONWIRE, "run", "-q", cfg], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=120)
        assert r.returncode == 0, r.stderr
        runs.append((final_start, final_before))
        reqs = requests(srv.log)[base:]

    con = sqlite3.connect(store)
    n, distinct = con.execute("select count(*), count(distinct url) from articles").fetchone()
    assert n == distinct == PAGES, (seed, n, distinct)
    revs = con.execute("select count(*) from revisions").fetchone()[0]
    assert revs == PAGES, (seed, revs)   # a page fetched again unchanged is not a second revision
    assert con.execute("select count(*) from frontier where state <> 'done'").fetchone()[0] == 0
    ends = [s for s, _ in runs[1:]] + [len(reqs)]
    for (start, stored_before), end in zip(runs, ends):
        asked = {u.split("/_gen/a/")[1] for u in reqs[start:end]}
        again = {u for u in stored_before if u.split("/_gen/a/")[1] in asked}
        if again and os.environ.get("MW_CRASH_DEBUG"):
            for u in sorted(again)[:3]:
                name = u.split("/_gen/a/")[1]
                pos = [i for i, x in enumerate(reqs) if x.endswith("/_gen/a/" + name)]
                print("DEBUG", name, "requested at", pos, "runs start at", [r[0] for r in runs],
                      "stored-before sizes", [len(r[1]) for r in runs])
        assert not again, (seed, sorted(again)[:5])
    assert kills_landed >= KILLS // 2, (seed, kills_landed)
    refetched = len(reqs) - PAGES
    print(f"  crash test: seed {seed}, {kills_landed} SIGKILLs, {len(runs)} runs, {len(reqs)} page requests for "
          f"{PAGES} pages ({refetched} repeats of pages in flight at a kill, none of a stored page)")


if __name__ == "__main__":
    main([test_sigkill_at_random_moments_loses_and_repeats_nothing])
