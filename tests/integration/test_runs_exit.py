#!/usr/bin/env python3
"""tests/integration/test_runs_exit.py: the exit-status table of README.md ("Exit status") for extract, fetch,
run and test, row by row: every (command, status) row of the README has cases here and every case here has
its README row; each case runs and must exit with that status. For extract and fetch, every failure is also
exactly one line on stderr (as curl and wget print), and a good input beside a bad one still gives its record."""
import json, os, re, shutil, sys, tempfile
sys.path.insert(0, os.path.dirname(__file__))
from harness import moonwire, main, ROOT
from runs_lib import Testd, closed_port, env, RULES

PAGE = os.path.join(ROOT, "examples", "demo-site", "valley-ledger.example", "local", "7741-library-book-festival.html")
PAGE_PATH = "/local/7741-library-book-festival.html"


def readme_rows():
    text = open(os.path.join(ROOT, "README.md")).read()
    sec = text[text.index("## Exit status"):]
    sec = sec[:sec.index("\n## ", 5)]
    rows = re.findall(r"^\| `(\w+)` \| (\d) \| (.+) \|$", sec, re.M)
    assert len(rows) >= 12, rows
    return {(cmd, int(st)) for cmd, st, _ in rows}


def setup(d, srv):
    """Files the cases use: a damaged WARC, a failing fixture, run configs."""
    open(os.path.join(d, "bad.warc"), "w").write("<html>this is not a WARC file</html>\n")
    fx = os.path.join(d, "fixtures", "tass")
    shutil.copytree(os.path.join(ROOT, "tests", "rules", "tass"), fx)
    exp = json.load(open(os.path.join(fx, "dateline-city.json")))
    exp["title"] = "A title the page does not have"
    json.dump(exp, open(os.path.join(fx, "dateline-city.json"), "w"))
    res = f'resolve = {{"valley-ledger.example:80:127.0.0.1:{srv.port}"}}'
    open(os.path.join(d, "good.lua"), "w").write(
        f'return {{store = "good.sqlite", rules = "{RULES}", outlets = {{"valley_ledger"}}, {res},\n'
        f'  limits = {{delay = 0}}}}\n')
    open(os.path.join(d, "fail.lua"), "w").write(
        f'return {{store = "fail.sqlite", rules = "{RULES}", outlets = {{"valley_ledger"}}, {res},\n'
        f'  sources = {{{{feed = "http://valley-ledger.example/no-such-feed.xml", outlet = "valley_ledger"}}}},\n'
        f'  limits = {{delay = 0, retries = 0}}}}\n')
    open(os.path.join(d, "bad.lua"), "w").write('return {outlets = {"valley_ledger"}, limits = {delay = 250}}\n')


def cases(d, srv):
    """(command, status) -> [(args, failures: stderr lines expected, or None to not count)]."""
    ok = "http://valley-ledger.example" + PAGE_PATH
    v = ["--resolve", f"valley-ledger.example:80:127.0.0.1:{srv.port}"]
    return {
        ("extract", 0): [(["extract", "--generic", PAGE], 0), (["extract", "--url", ok, PAGE], 0)],
        ("extract", 1): [(["extract", "/nonexistent/page.html"], 1),
                         (["extract", "--generic", PAGE, "/nonexistent/a.html", os.path.join(d, "bad.warc")], 2)],
        ("extract", 2): [(["extract"], None), (["extract", "--bogus", PAGE], None),
                         (["extract", "--rule", "x", "--generic", PAGE], None),
                         (["extract", "--rule", "no_such_rule", PAGE], None)],
        ("fetch", 0): [(["fetch", *v, ok], 0), (["fetch", *v, "--generic", ok, ok + "?again"], 0)],
        ("fetch", 1): [(["fetch", "not a url"], 1),
                       (["fetch", "--retries", "0", f"http://127.0.0.1:{closed_port()}/"], 1),
                       (["fetch", *v, "--retries", "0", ok, f"http://127.0.0.1:{srv.port}/missing.html",
                         "ftp://127.0.0.1/x"], 2)],
        ("fetch", 2): [(["fetch"], None), (["fetch", "--bogus", ok], None),
                       (["fetch", "--timeout", "0", ok], None)],
        ("run", 0): [(["run", "-q", os.path.join(d, "good.lua")], None)],
        ("run", 1): [(["run", "-q", os.path.join(d, "fail.lua")], None),
                     (["run", "-q", "--store", "/proc/no/such.sqlite", os.path.join(d, "good.lua")], None)],
        ("run", 2): [(["run"], None), (["run", os.path.join(d, "bad.lua")], None),
                     (["run", "--every", "soon", os.path.join(d, "good.lua")], None),
                     (["run", os.path.join(d, "absent.lua")], None)],
        ("test", 0): [(["test", "--fixtures", os.path.join(ROOT, "tests", "rules"), "tass"], None)],
        ("test", 1): [(["test", "--fixtures", os.path.join(d, "fixtures")], None)],
        ("test", 2): [(["test", "--bogus"], None), (["test", "--min-f1", "2"], None),
                      (["test", "--fixtures", os.path.join(d, "none")], None),
                      (["test", "--fixtures", os.path.join(ROOT, "tests", "rules"), "no_such_rule"], None)],
    }


def test_readme_exit_status_table():
    d = tempfile.mkdtemp(prefix="mw-runs-exit-")
    with Testd() as srv:
        setup(d, srv)
        table = cases(d, srv)
        assert set(table) == readme_rows(), (sorted(set(table) ^ readme_rows()))
        for (cmd, status), runs in sorted(table.items()):
            for args, failures in runs:
                r = moonwire(*args, env=env(), guard=90)
                assert r.rc == status, (args, r.rc, status, r.err)
                if failures is not None:
                    lines = [l for l in r.err.splitlines() if l.strip()]
                    assert len(lines) == failures, (args, lines)
                    assert all(l.startswith(f"moonwire: {cmd}: ") for l in lines), lines
                    recs = r.records()
                    assert len([x for x in recs if x["error"]]) == failures, (args, recs)
                    assert len(recs) >= failures and all(x.get("url") or x.get("file") for x in recs)


def test_each_failure_line_names_what_failed():
    with Testd() as srv:
        missing = f"http://127.0.0.1:{srv.port}/missing.html"
        r = moonwire("fetch", "--retries", "0", "not a url", missing, env=env())
        assert r.rc == 1
        assert r.err.splitlines() == ["moonwire: fetch: not a url: only http and https URLs are fetched",
                                      f"moonwire: fetch: {missing}: HTTP 404"], r.err   # run's wording (issue 12)
    r = moonwire("extract", "/nonexistent/page.html", env=env())
    assert r.err == "moonwire: extract: /nonexistent/page.html: No such file or directory\n", r.err


if __name__ == "__main__":
    main([test_readme_exit_status_table, test_each_failure_line_names_what_failed])
