#!/usr/bin/env python3
"""tests/integration/test_crawl_crash.py: crash safety of `moonwire run`. A 500-page site (mw-testd's /_gen/,
no delay, robots off) is crawled by runs killed with SIGKILL, then one run to the end. Afterwards every page is
stored exactly once (one article, one revision), and no page was requested again after a run had stored it:
the store is read before each run, and the server log says which run asked for what.

The kill moments are events, not clock times: a run is killed right after it starts, after the server has
answered its sitemap request, or after it has answered a chosen number of its page requests — so where the
kills land does not depend on how fast the machine is. The choices come from a fixed seed, printed
(MW_CRASH_SEED=N repeats another). Under MW_SANITIZED the plan is smaller (the kills leave the sanitizers
nothing to report; what they check there is the resume after each kill)."""
import os, random, signal, sqlite3, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, main, store_db, ROOT, MOONWIRE, SANITIZED

PAGES, KILLS = (150, 8) if SANITIZED else (500, 20)
SEED = int(os.environ.get("MW_CRASH_SEED", "20261201"))
CAP = 120   # seconds any one wait may take before the test calls it a hang


def pages_stored(store):
    if not os.path.exists(store):
        return set()
    con = store_db(store)
    try:
        return {r[0] for r in con.execute("select url from articles")}
    except sqlite3.OperationalError:   # killed before the schema was committed
        return set()
    finally:
        con.close()


def log_targets(log):
    out = []
    for line in open(log):
        parts = line.split()
        if len(parts) == 6:
            out.append(parts[3])
    return out


def pages_in(targets):
    return [t for t in targets if "/_gen/a/" in t]


def wait_for(p, log, pred, what):
    """Poll the server log (a file that only grows) until pred(new lines) holds or p exits."""
    deadline = time.monotonic() + CAP
    while not pred():
        if p.poll() is not None:
            return False   # the run ended first: its kill does not land
        if time.monotonic() > deadline:
            p.kill()
            raise AssertionError(f"seed {SEED}: {what} not seen after {CAP} s")
        time.sleep(0.005)
    return True


def test_sigkill_at_chosen_moments_loses_and_repeats_nothing():
    rnd = random.Random(SEED)
    print(f"        crash test: seed {SEED} (MW_CRASH_SEED={SEED} repeats it), {PAGES} pages, {KILLS} kills")
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
        runs = []   # (log lines before the run started, pages stored before it)
        kills_landed = 0
        plan = []
        for k in range(KILLS):
            before = pages_stored(store)
            left = PAGES - len(before)
            if left <= 10:
                break
            start = len(log_targets(srv.log))
            roll = rnd.random()
            # early moments catch start-up and discovery; later ones catch pages in flight
            kind, n = ("start", 0) if roll < 0.15 else ("sitemap", 0) if roll < 0.3 else \
                ("pages", rnd.randint(1, min(left - 10, 2 * PAGES // KILLS)))
            plan.append(f"{kind}{n if n else ''}")
            p = subprocess.Popen([MOONWIRE, "run", "-q", cfg], env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            if kind == "sitemap":
                wait_for(p, srv.log, lambda: any("sitemap" in t for t in log_targets(srv.log)[start:]),
                         "the sitemap request")
            elif kind == "pages":
                wait_for(p, srv.log, lambda: len(pages_in(log_targets(srv.log)[start:])) >= n,
                         f"{n} page requests")
            p.send_signal(signal.SIGKILL)
            p.wait()
            kills_landed += p.returncode == -signal.SIGKILL
            # the answers to the dead run's requests land in the log before the next run's share begins:
            # mw-testd has logged every request of a connection it has closed
            srv.wait_quiet(CAP)
            runs.append((start, before))
        final_start = len(log_targets(srv.log))
        final_before = pages_stored(store)
        r = subprocess.run([MOONWIRE, "run", "-q", cfg], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=CAP * 2)
        assert r.returncode == 0, (SEED, r.stderr)
        srv.wait_quiet(CAP)
        runs.append((final_start, final_before))
        targets = log_targets(srv.log)

    con = store_db(store)
    n, distinct = con.execute("select count(*), count(distinct url) from articles").fetchone()
    assert n == distinct == PAGES, (SEED, n, distinct)
    revs = con.execute("select count(*) from revisions").fetchone()[0]
    assert revs == PAGES, (SEED, revs)   # a page fetched again unchanged is not a second revision
    assert con.execute("select count(*) from frontier where state <> 'done'").fetchone()[0] == 0
    ends = [s for s, _ in runs[1:]] + [len(targets)]
    for (start, stored_before), end in zip(runs, ends):
        asked = {u.split("/_gen/a/")[1] for u in pages_in(targets[start:end])}
        again = {u for u in stored_before if u.split("/_gen/a/")[1] in asked}
        assert not again, (SEED, "pages stored before a run and requested by it", sorted(again)[:5])
    assert kills_landed >= len(plan) - 2, (SEED, kills_landed, plan)
    reqs = len(pages_in(targets))
    print(f"        crash test: seed {SEED}, kills {' '.join(plan)}: {kills_landed} landed, {len(runs)} runs, "
          f"{reqs} page requests for {PAGES} pages ({reqs - PAGES} repeats of pages in flight at a kill, "
          f"none of a stored page)")


if __name__ == "__main__":
    main([test_sigkill_at_chosen_moments_loses_and_repeats_nothing])
