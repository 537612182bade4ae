#!/usr/bin/env python3
"""tests/integration/test_runs_faults.py: every pass of `moonwire run` ends whatever one outlet's host does —
refuses connections, accepts and never answers, answers everything but robots.txt, answers 503 for ever —
each in a config beside a healthy outlet (valley_ledger of the demo site, through examples/rules). The healthy
outlet's articles are all stored, each failure is one error record and one summary line, exit status 1; the
same under --every 2s for three passes (waiting on the passes' log lines). Limits are short and explicit so the
passes are quick; how long a pass takes is measured separately (never asserted here)."""
import json, os, re, sys, tempfile
sys.path.insert(0, os.path.dirname(__file__))
from harness import moonwire, main
from runs_lib import Testd, Run, closed_port, db, env, RULES, GUARD

VALLEY = sorted(["http://valley-ledger.example/local/7741-library-book-festival.html",
                 "http://valley-ledger.example/local/7752-grain-elevator-market-hall.html",
                 "http://valley-ledger.example/local/7760-cedar-avenue-water-main.html"])
LIMITS = ('limits = {delay = 0, timeout = "1s", connect_timeout = "1s", retries = 1, backoff = "100ms",\n'
          '            host_failures = 2, pass_time = "60s", host_time = "30s"}')
# label, host, mw-testd host fault (None: a port nothing listens on), what the one record says
FAULTS = [
    ("refused", "refused.test", None, r"robots\.txt unreachable; given up for this run \(parked\) after 2 "
                                      r"connection failures.*Couldn't connect"),
    ("silent", "silent.test", "hang", r"robots\.txt unreachable; given up .* after 2 connection failures or "
                                      r"time-outs.*(timed out|too slow)"),
    ("robotshang", "robots-hang.test", "robots-hang", r"robots\.txt unreachable; given up .*robots\.txt: "
                                                      r"Operation (timed out|too slow)"),   # the time-out or the
    # stall limit (no byte for a second), whichever a loaded machine reaches first: both say it never answered
    ("busy", "busy.test", "503", r"robots\.txt unreachable \(http://busy\.test/robots\.txt: HTTP 503 after 2 "
                                 r"tries\): host skipped for this run, as RFC 9309 asks"),
]
HOST_FAULTS = [(h, m) for _, h, m, _ in FAULTS if m]


def config(d, srv, faults, extra=""):
    closed = closed_port()
    resolve = [f'"valley-ledger.example:80:127.0.0.1:{srv.port}"']
    sources = []
    for label, host, mode, _ in faults:
        resolve.append(f'"{host}:80:127.0.0.1:{srv.port if mode else closed}"')
        sources.append(f'{{feed = "http://{host}/feed.xml", outlet = "{label}"}}')
    p = os.path.join(d, "run.lua")
    with open(p, "w") as f:
        f.write(f'return {{\n  store = "out/store.sqlite", rules = "{RULES}", outlets = {{"valley_ledger"}},\n'
                f'  sources = {{{", ".join(sources)}}},\n  resolve = {{{", ".join(resolve)}}},\n'
                f'  {LIMITS},\n{extra}}}\n')
    return p


def summary_block(text):
    """The failure lines of one pass's summary: {label: line}."""
    m = re.search(r"^(\d+) failures?:\n((?:  .*\n?)*)", text, re.M)
    assert m, text
    lines = [l[2:] for l in m.group(2).splitlines() if l.startswith("  ")]
    assert len(lines) == int(m.group(1)), (m.group(0), lines)
    return lines


def table_row(text, label):
    m = re.search(rf"^{re.escape(label)}\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", text, re.M)
    assert m, (label, text)
    return tuple(int(x) for x in m.groups())


def check_pass(records, summary, faults, first=True):
    """One pass's records and summary: the healthy articles, one record and one line per failing host."""
    ok = [r for r in records if r["error"] is None]
    bad = [r for r in records if r["error"] is not None]
    if first:
        assert sorted(r["url"] for r in ok) == VALLEY, [r["url"] for r in ok]
        assert all(r["outlet"] == "The Valley Ledger" and r["rule"] == "valley_ledger" for r in ok), ok
    assert sorted(r["outlet"] for r in bad) == sorted(f[0] for f in faults), [(r["outlet"], r["error"]) for r in bad]
    lines = summary_block(summary)
    for label, host, _, want in faults:
        (rec,) = [r for r in bad if r["outlet"] == label]
        assert rec["error"]["stage"] == "host" and rec["url"] == f"http://{host}", rec
        assert re.search(want, rec["error"]["message"]), (label, rec["error"]["message"])
        (line,) = [l for l in lines if l.startswith(label + ": ")]
        assert line == f"{label}: {rec['error']['message']}", (line, rec["error"]["message"])
        assert table_row(summary, label)[2] == 1, summary
    assert table_row(summary, "valley_ledger") == ((3, 3, 0, 0) if first else (0, 0, 0, 0)), summary
    m = re.search(r"^total\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", summary, re.M)
    assert m and int(m.group(3)) == len(faults), summary


def test_each_fault_beside_a_healthy_outlet():
    with Testd(faults=HOST_FAULTS) as srv:
        for fault in FAULTS:
            d = tempfile.mkdtemp(prefix="mw-runs-fault-")
            r = moonwire("run", "--jsonl", config(d, srv, [fault]), guard=GUARD, env=env())
            assert r.rc == 1, (fault[0], r.rc, r.err)
            check_pass(r.records(), r.err, [fault])
            con = db(os.path.join(d, "out", "store.sqlite"))   # out/ did not exist: the run made it
            assert sorted(u for (u,) in con.execute("select url from articles")) == VALLEY
            rows = con.execute("select kind, outlet, error from fetch_log where kind = 'host'").fetchall()
            assert len(rows) == 1 and rows[0][1] == fault[0] and re.search(fault[3], rows[0][2]), rows
            assert con.execute("select errors from runs").fetchall() == [(1,)]
            # robots.txt was asked for (RFC 9309), the failing host's feed never was
            if fault[2]:
                seen = [t for h, t, _ in srv.requests() if h == fault[1]]
                assert seen and set(seen) == {"/robots.txt"}, seen


def test_all_four_at_once():
    with Testd(faults=HOST_FAULTS) as srv:
        d = tempfile.mkdtemp(prefix="mw-runs-fault-")
        r = moonwire("run", "--jsonl", config(d, srv, FAULTS), guard=GUARD, env=env())
        assert r.rc == 1, r.err
        check_pass(r.records(), r.err, FAULTS)


def test_without_robots_the_feeds_fail_the_same_way():
    # robots = false: the feed itself meets the fault; a host that never answers, or refuses, is parked after
    # host_failures tries in a row (one record); the 503 host's feed is one error record after its retries
    faults = [("refused", "refused.test", None, r"^http://refused\.test: given up for this run \(parked\) after 2 "
                                                r"connection failures"),
              ("silent", "silent.test", "hang", r"^http://silent\.test: given up .*feed\.xml: Operation (timed out|too slow)")]
    with Testd(faults=HOST_FAULTS) as srv:
        d = tempfile.mkdtemp(prefix="mw-runs-fault-")
        cfg = config(d, srv, faults + [("busy", "busy.test", "503", None)], extra="  robots = false,\n")
        r = moonwire("run", "--jsonl", cfg, guard=GUARD, env=env())
        assert r.rc == 1, r.err
        recs = r.records()
        assert sorted(x["url"] for x in recs if x["error"] is None) == VALLEY
        (busy,) = [x for x in recs if x["outlet"] == "busy"]
        assert busy["url"] == "http://busy.test/feed.xml" and busy["error"]["stage"] == "fetch", busy
        assert busy["error"]["message"] == "http://busy.test/feed.xml: HTTP 503 after 2 tries", busy
        for label, host, _, want in faults:
            (rec,) = [x for x in recs if x["outlet"] == label]
            assert re.search(want, rec["error"]["message"]), rec
        assert len(summary_block(r.err)) == 3, r.err
        assert not [t for h, t, _ in srv.requests() if t == "/robots.txt" and h != "valley-ledger.example"]


def test_parked_pages_wait_for_the_next_run():
    # pages on hosts that refuse or never answer: one record per host, and the pages stay queued in the store
    d = tempfile.mkdtemp(prefix="mw-runs-fault-")
    over = os.path.join(d, "overlay", "feeds.test")
    os.makedirs(over)
    items = "".join(f"<item><link>http://{h}/story/{i}.html</link></item>" for h in ("silent.test", "refused.test")
                    for i in (1, 2, 3))
    open(os.path.join(over, "feed.xml"), "w").write(f'<?xml version="1.0"?><rss version="2.0"><channel><title>f'
                                                     f'</title>{items}</channel></rss>')
    closed = closed_port()
    with Testd(overlay=os.path.join(d, "overlay"), faults=HOST_FAULTS) as srv:
        cfg = os.path.join(d, "run.lua")
        open(cfg, "w").write(
            f'return {{\n  store = "store.sqlite", robots = false,\n'
            f'  sources = {{{{feed = "http://feeds.test/feed.xml", outlet = "mixed", article = "/story/"}}}},\n'
            f'  resolve = {{"feeds.test:80:127.0.0.1:{srv.port}", "silent.test:80:127.0.0.1:{srv.port}", '
            f'"refused.test:80:127.0.0.1:{closed}"}},\n  {LIMITS},\n}}\n')
        r = moonwire("run", "--jsonl", cfg, guard=GUARD, env=env())
        assert r.rc == 1, r.err
        errs = [x for x in r.records() if x["error"]]
        assert sorted(x["url"] for x in errs) == ["http://refused.test", "http://silent.test"], errs
        assert all(x["outlet"] == "mixed" and "3 queued pages wait for the next run" in x["error"]["message"]
                   for x in errs), errs
        states = db(os.path.join(d, "store.sqlite")).execute("select state, count(*) from frontier group by 1")
        assert dict(states.fetchall()) == {"queued": 6}   # all six still queued, none marked failed or done
        assert table_row(r.err, "mixed") == (0, 0, 2, 6), r.err


def test_host_time_and_pass_time_end_a_pass_and_keep_the_rest_queued():
    # a host that trickles (each page takes ~1.5 s) and a limits.host_time of 2 s: parked with one record;
    # then the same with limits.pass_time of 2 s: the pass stops, the summary says so, the pages stay queued
    d = tempfile.mkdtemp(prefix="mw-runs-fault-")
    over = os.path.join(d, "overlay", "slow.test")
    os.makedirs(over)
    items = "".join(f"<item><link>http://slow.test/_fault/slow?ms=100&amp;bytes=240&amp;i={i}</link></item>"
                    for i in range(1, 9))
    open(os.path.join(over, "feed.xml"), "w").write(f'<?xml version="1.0"?><rss version="2.0"><channel><title>s'
                                                     f'</title>{items}</channel></rss>')
    with Testd(overlay=os.path.join(d, "overlay")) as srv:
        def run(limits, store):
            cfg = os.path.join(d, store + ".lua")
            open(cfg, "w").write(
                f'return {{\n  store = "{store}.sqlite", robots = false,\n'
                f'  sources = {{{{feed = "http://slow.test/feed.xml", outlet = "slow", article = "/_fault/"}}}},\n'
                f'  resolve = {{"slow.test:80:127.0.0.1:{srv.port}"}},\n  limits = {{{limits}}},\n}}\n')
            return moonwire("run", "--jsonl", cfg, guard=GUARD, env=env())
        r = run('delay = 0, timeout = "10s", host_time = "2s"', "host")
        assert r.rc == 1, r.err
        errs = [x for x in r.records() if x["error"]]
        assert len(errs) == 1 and "still busy after limits.host_time (2s)" in errs[0]["error"]["message"], errs
        done = len([x for x in r.records() if not x["error"]])
        assert 0 < done < 8, r.err
        queued = db(os.path.join(d, "host.sqlite")).execute("select count(*) from frontier where state = 'queued'")
        assert queued.fetchone()[0] == 8 - done
        r = run('delay = 0, timeout = "10s", pass_time = "2s"', "pass")
        assert r.rc == 0, r.err    # a limit reached is not a failure
        done = len(r.records())
        m = re.search(r"^stopped at limits\.pass_time \(2s\): (\d+) pages left queued for the next pass$", r.err, re.M)
        assert m and int(m.group(1)) == 8 - done and done < 8, r.err
        queued = db(os.path.join(d, "pass.sqlite")).execute("select count(*) from frontier where state = 'queued'")
        assert queued.fetchone()[0] == 8 - done


def test_every_2s_three_passes():
    with Testd(faults=HOST_FAULTS) as srv:
        d = tempfile.mkdtemp(prefix="mw-runs-every-")
        run = Run("--every", "2s", "--jsonl", config(d, srv, FAULTS))
        try:
            for n in (1, 2, 3):
                line = run.wait_for(lambda l, n=n: l.startswith(f"moonwire: pass {n} done in "), f"pass {n}")
                assert re.match(rf"moonwire: pass {n} done in [\d.]+ s; next pass (at \d{{4}}-\d\d-\d\d "
                                rf"\d\d:\d\d:\d\d \(in \d+s\)|now .*)$", line), line
            rc, out, err = run.stop()
        finally:
            run.kill()
        assert rc == 1, err    # the last pass had failures
        recs = [json.loads(l) for l in out.splitlines() if l.strip()]
        passes = err.split("moonwire: pass ")
        summaries = [p for p in passes if "\ntotal " in p]
        assert len(summaries) >= 3, err
        # pass 1 stores the healthy outlet's articles; every pass has one record and one line per failing host
        check_pass(recs[:3 + len(FAULTS)], summaries[0], FAULTS)
        for s in summaries[1:3]:
            lines = summary_block(s)
            assert sorted(l.split(":")[0] for l in lines) == sorted(f[0] for f in FAULTS), lines
        errs = [x for x in recs if x["error"]]
        assert len(errs) >= 3 * len(FAULTS), len(errs)
        con = db(os.path.join(d, "out", "store.sqlite"))
        assert con.execute("select count(*) from articles").fetchone()[0] == 3
        runs = con.execute("select errors from runs where finished is not null order by id").fetchall()
        assert len(runs) >= 3 and all(e == len(FAULTS) for (e,) in runs[:3]), runs


if __name__ == "__main__":
    main([test_each_fault_beside_a_healthy_outlet, test_all_four_at_once,
          test_without_robots_the_feeds_fail_the_same_way, test_parked_pages_wait_for_the_next_run,
          test_host_time_and_pass_time_end_a_pass_and_keep_the_rest_queued, test_every_2s_three_passes])
