#!/usr/bin/env python3
"""tests/integration/test_runs_firststeps.py: what a new user of `moonwire run` meets first: the store's folder
is created, a config source's `outlet` label reaches the stored records (JSON and CSV), the progress line on
an 80-column terminal never wraps and is cleared at the end, the total row counts "skipped", `--every 1h30m`
is accepted and says when the next pass starts; and in the shell, Ctrl-C ends a fetch() that hangs."""
import csv, fcntl, io, json, os, pty, re, select, signal, struct, sys, tempfile, termios, time
sys.path.insert(0, os.path.dirname(__file__))
from harness import moonwire, main, MOONWIRE
from runs_lib import Testd, Run, db, env, GUARD
from test_shell import Tty

GEN_HOSTS = [f"gen{i}.test" for i in range(1, 7)]


def gen_config(d, srv, store="out/deep/er/my.sqlite", extra=""):
    resolve = ", ".join(f'"{h}:80:127.0.0.1:{srv.port}"' for h in GEN_HOSTS)
    sources = ", ".join(f'{{feed = "http://{h}/_gen/feed.xml?n=4", outlet = "gen-outlet-with-a-long-name-{i}", '
                        f'article = "/_gen/a/"}}' for i, h in enumerate(GEN_HOSTS, 1))
    p = os.path.join(d, "gen.lua")
    open(p, "w").write(f'return {{\n  store = "{store}", robots = false,\n  sources = {{{sources}}},\n'
                       f'  resolve = {{{resolve}}},\n  limits = {{delay = "50ms", pages_per_outlet = 3}},\n{extra}}}\n')
    return p


def test_store_folder_and_outlet_label():
    d = tempfile.mkdtemp(prefix="mw-runs-first-")
    with Testd() as srv:
        first = moonwire("run", gen_config(d, srv), env=env(), guard=GUARD)
    assert first.rc == 0, first.err
    store = os.path.join(d, "out", "deep", "er", "my.sqlite")   # three folders that did not exist
    con = db(store)
    rows = con.execute("select record, crawl_outlet from articles").fetchall()
    assert len(rows) == 6 * 3, len(rows)
    for rec, crawl in rows:
        assert json.loads(rec)["outlet"] == crawl and crawl.startswith("gen-outlet-with-a-long-name-"), (rec, crawl)
    r = moonwire("export", "--store", store, "--format", "csv", "--outlet", "gen-outlet-with-a-long-name-2", env=env())
    table = list(csv.DictReader(io.StringIO(r.out)))
    assert len(table) == 3 and {x["outlet"] for x in table} == {"gen-outlet-with-a-long-name-2"}, r.out
    # the summary: one row per outlet and a total that counts skipped (4 found, 3 allowed per outlet)
    assert re.search(r"^outlet\s+pages\s+articles\s+errors\s+skipped$", first.out, re.M), first.out
    m = re.search(r"^total\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", first.out, re.M)
    assert m and tuple(map(int, m.groups())) == (18, 18, 0, 6), first.out


def test_progress_line_fits_80_columns_and_is_cleared():
    d = tempfile.mkdtemp(prefix="mw-runs-first-")
    with Testd() as srv:
        cfg = gen_config(d, srv, store="tty.sqlite")
        pid, fd = pty.fork()
        if pid == 0:   # the child: an 80 x 24 terminal, then moonwire
            fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
            e = env()
            e.pop("COLUMNS", None)
            os.execve(MOONWIRE, [MOONWIRE, "run", cfg], e)
        buf = b""
        deadline = time.monotonic() + GUARD
        while True:
            ready, _, _ = select.select([fd], [], [], max(0.1, deadline - time.monotonic()))
            assert ready, buf[-2000:]
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:
                break
            buf += data
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, buf[-2000:]
    text = buf.decode("utf-8", "replace").replace("\r\n", "\n")
    draws = re.findall(r"\r\x1b\[K([^\r\n]*)", text)
    progress = [x for x in draws if " done, " in x]
    assert progress, draws   # the first event always draws; later ones at most every 0.1 s
    assert all(len(x) <= 79 for x in progress), max(progress, key=len)
    assert any(len(x) == 79 for x in progress), "six long outlet names should fill the line"
    # the last draw is cleared before the summary: no progress text is left on the screen
    tail = text[text.rindex(" done, "):]
    assert "\r\x1b[K\n" in tail or tail.split("\r\x1b[K")[-1].startswith("\n"), repr(tail[:300])


def test_every_1h30m_says_when_the_next_pass_starts():
    d = tempfile.mkdtemp(prefix="mw-runs-first-")
    with Testd() as srv:
        run = Run("--every", "1h30m", gen_config(d, srv, store="every.sqlite"))
        try:
            line = run.wait_for(lambda l: l.startswith("moonwire: pass 1 done in "), "the end of pass 1")
            rc, out, err = run.stop()
        finally:
            run.kill()
    assert re.match(r"moonwire: pass 1 done in [\d.]+ s; next pass at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d "
                    r"\(in 1h(29m\d+s|30m)\)$", line), line
    assert rc == 0 and "stopped by signal" in err, (rc, err)
    assert "moonwire: pass 2" not in err


def test_shell_ctrl_c_ends_a_hanging_fetch():
    with Testd(log=True) as srv:
        t = Tty()
        try:
            t.expect("mw> ")
            t.send(f'fetch("http://127.0.0.1:{srv.port}/_fault/hang")\r')
            deadline = time.monotonic() + GUARD   # wait for the server to hold the request, then Ctrl-C
            while not any(tg == "/_fault/hang" for _, tg, _ in srv.requests()):
                assert time.monotonic() < deadline, "the fetch never reached the server"
                time.sleep(0.05)
            t.send("\x03")
            out = t.expect("mw> ")
            assert re.search(r"fetch: http://127\.0\.0\.1:\d+/_fault/hang: interrupted", out), out
            t.send("print(6 * 7)\r")
            assert "42" in t.expect("mw> ")
            # the shell and its fetcher still work: the next fetch is not cut short by the old Ctrl-C
            t.send(f'fetch("http://127.0.0.1:{srv.port}/_fault/status/200")\r')
            out = t.expect("mw> ")
            assert "/_fault/status/200: 200, text/html" in out and "interrupted" not in out, out
            t.send("\x04")
            assert t.wait() == 0
        finally:
            try:
                os.kill(t.pid, signal.SIGKILL)
                os.waitpid(t.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


if __name__ == "__main__":
    main([test_store_folder_and_outlet_label, test_progress_line_fits_80_columns_and_is_cleared,
          test_every_1h30m_says_when_the_next_pass_starts, test_shell_ctrl_c_ends_a_hanging_fetch])
