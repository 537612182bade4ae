#!/usr/bin/env python3
"""tests/integration/test_shell.py: `moonwire shell` driven through stdin (the scriptable mode) and through a
pseudo-terminal (readline, Ctrl-C, Ctrl-D, tab completion, history), and the replay of
examples/shell-walkthrough.md. Pages are read from examples/demo-site and ../shared/corpus, never copied."""
import errno, glob, gzip, json, os, pty, re, select, signal, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, moonwire, shared, main, ROOT, MOONWIRE

DEMO = os.path.join(ROOT, "examples", "demo-site", "valley-ledger.example", "local",
                    "7741-library-book-festival.html")
DEMO_URL = "http://valley-ledger.example/local/7741-library-book-festival.html"
WALKTHROUGH = os.path.join(ROOT, "examples", "shell-walkthrough.md")
GUARD = 60   # seconds: only keeps a hang from stalling CI, never a performance assertion


def clean_env(tmp, rules=None):
    """No rule directory or history of the person running the tests leaks in."""
    env = {"XDG_CONFIG_HOME": os.path.join(tmp, "config"), "XDG_STATE_HOME": os.path.join(tmp, "state"),
           "MOONWIRE_RULES": rules or "", "HOME": tmp, "TERM": "dumb"}
    for k in ("DISPLAY", "WAYLAND_DISPLAY"):
        env[k] = ""
    return env


def shell(stdin, *args, rules=None):
    tmp = tempfile.mkdtemp(prefix="mw-shell-")
    return moonwire("shell", *args, stdin=stdin, env=clean_env(tmp, rules))


# ---- through stdin ----

def test_expressions_statements_and_multiline():
    r = shell("1 + 1\n=2, 'two'\nx = 5\nx * 2\nfor i = 1, 3 do\n  print('line', i)\nend\n"
              "t = {1, 2, {a = 'b'}}\nt.self = t\nt\n")
    assert r.rc == 0, r.err
    assert r.out.startswith('2\n2\t"two"\n10\nline\t1\nline\t2\nline\t3\n'), r.out
    assert "self = <cycle: top>" in r.out and 'a = "b"' in r.out, r.out
    assert "mw>" not in r.out, "no prompts without a terminal"


def test_error_then_next_statement_works():
    r = shell("error('boom')\nprint('still here')\nlocal t = nil; return t.x\n= 6 * 7\n")
    assert r.rc == 1, "a failed statement makes the script's exit status 1"
    assert r.out == "still here\n42\n", r.out
    assert "stdin:1: boom" in r.err and "attempt to index a nil value" in r.err, r.err


def test_limits_apply_per_statement():
    r = shell("while true do end\nprint('next')\ns = string.rep('x', 1e10)\nprint('after memory')\n")
    assert "instruction budget" in r.err and "memory limit" in r.err, r.err
    assert r.out == "next\nafter memory\n", r.out
    r = shell("os.execute('true')\nprint(io.open ~= nil)\n")
    assert "os.execute" in r.err or "attempt to call a nil value" in r.err, r.err
    assert r.out == "true\n", "the shell may open files the user names"


def test_open_demo_page_sel_x_meta_extract():
    r = shell("sel('p.deck')\nsel('.story-text p')[2]\nsel('aside.nothing')\n#sel('p')\n"
              "x('//meta[@name=\"author\"]/@content')\nmeta().authors\npage.url\nextract()\n",
              DEMO, DEMO_URL)
    assert r.rc == 0, r.err
    assert '1 match for "p.deck":\n  1  <p.deck> "About 40 authors,' in r.out, r.out
    assert '<p> "Organizers expect about 40 authors, most from the …"' in r.out, r.out
    assert 'nothing matches "aside.nothing"' in r.out, r.out
    assert '{"Dana Okafor"}' in r.out and '"' + DEMO_URL + '"' in r.out, r.out
    card = r.out[r.out.index("rule generic"):]
    assert re.search(r"title\s+meta\s+Library's spring book festival", card), card
    assert re.search(r"body\s+generic\s+\d+ chars, \d+ paragraphs", card), card


def test_node_line_shows_tag_id_classes_words_and_paragraphs():
    page = ("<html><body><div id='main' class='article-body wide'>" +
            "".join(f"<p>Paragraph number {i} of the story.</p>" for i in range(12)) + "</div></body></html>")
    tmp = tempfile.mkdtemp(prefix="mw-shell-")
    path = os.path.join(tmp, "p.html")
    open(path, "w").write(page)
    r = shell("sel('div')[1]\n", path)
    assert r.out.startswith('<div#main.article-body.wide> "Paragraph number 0 of the story. Paragraph number …" '
                            '(12 p)'), r.out


def test_corpus_page_opens_and_extracts():
    pages = sorted(glob.glob(os.path.join(shared("corpus", "outlets"), "*", "*.html.gz")))
    assert pages
    page = pages[0]
    want = json.load(open(page[:-len(".html.gz")] + ".json"))
    r = shell(f"open({json.dumps(page)}, {json.dumps(want['url'])})\n#sel('p') > 0\nr = extract()\n"
              "r.url\nr.body ~= nil\nextract()\n")
    assert r.rc == 0, r.err
    lines = r.out.splitlines()
    assert lines[0].startswith(f"opened {page} (") and " KB); " in lines[0], lines[0]
    assert "true" in lines and json.dumps(want["url"]) in lines, r.out
    assert re.search(r"^rule \S+( \(.*\))? · " + re.escape(want["url"]) + r"\n  title ", r.out, re.M), r.out


class Session:
    """A non-interactive shell fed one statement at a time, so the test can change files in between."""

    def __init__(self, *args, env=None):
        e = dict(os.environ)
        e.setdefault("MOONWIRE_SCRIPTS", os.path.join(ROOT, "scripts"))
        e.update(env or {})
        self.p = subprocess.Popen([MOONWIRE, "shell", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, env=e, bufsize=0)
        self.buf = b""

    def do(self, stmt):
        self.p.stdin.write((stmt + "\nprint('<<end>>')\n").encode())
        while b"<<end>>\n" not in self.buf:
            ready, _, _ = select.select([self.p.stdout], [], [], GUARD)
            assert ready, f"no answer to {stmt!r}: {self.buf!r}"
            data = os.read(self.p.stdout.fileno(), 65536)
            assert data, f"shell ended during {stmt!r}: {self.buf!r}"
            self.buf += data
        out, self.buf = self.buf.split(b"<<end>>\n", 1)
        return out.decode()

    def close(self):
        self.p.stdin.close()
        self.p.stdout.read()
        return self.p.wait(GUARD)


RULE = """-- written by tests/integration/test_shell.py
return rule {
  name = "ledger-test",
  domains = {"valley-ledger.example"},
  title = "%s",
  body = {".story-text p", drop = {".signoff"}},
  fixtures = {%s},
}
"""


def test_reload_after_rule_changes_on_disk_keeps_doc_and_globals():
    tmp = tempfile.mkdtemp(prefix="mw-shell-")
    rules = os.path.join(tmp, "rules")
    os.makedirs(rules)
    path = os.path.join(rules, "ledger-test.lua")
    open(path, "w").write(RULE % ("p.deck", ""))
    s = Session(DEMO, DEMO_URL, env=clean_env(tmp, rules))
    try:
        assert s.do("page.rule") == '"ledger-test"\n'
        out = s.do("extract()")
        assert re.search(r"title\s+rule\s+About 40 authors", out), out
        assert s.do("mine = {kept = true}; n = sel('h1')[1]") == ""
        open(path, "w").write(RULE % ("h1.headline", ""))
        out = s.do("reload()")
        assert out.startswith("reloaded ") and "this page: rule ledger-test" in out, out
        out = s.do("extract()")
        assert re.search(r"title\s+rule\s+Library's spring book festival returns", out), out
        assert s.do("mine.kept, n:tag(), doc:first('p.deck') ~= nil") == "true\t\"h1\"\ttrue\n"
        assert 'title = "h1.headline"' in s.do("rule('ledger-test')")
        open(path, "w").write("return rule { name = 'ledger-test' }")   # broken: no domains
        out = s.do("reload()")
        assert "not loaded: " in out and "domains" in out and "no rule for this URL" in out, out
        assert "no rule named" in s.do("rule('ledger-test')")
        assert s.close() == 1
    finally:
        if s.p.poll() is None:
            s.p.kill()


def test_extract_with_a_forced_rule_and_unknown_rule():
    tmp = tempfile.mkdtemp(prefix="mw-shell-")
    rules = os.path.join(tmp, "rules")
    os.makedirs(rules)
    open(os.path.join(rules, "other.lua"), "w").write(
        'return rule { name = "other", domains = {"other.example"}, title = "p.deck" }')
    r = shell("page.rule\nextract('other')\nextract('nosuch')\n", DEMO, DEMO_URL, rules=rules)
    assert r.out.startswith("nil\nrule other · "), r.out
    assert re.search(r"title\s+rule\s+About 40 authors", r.out), r.out
    assert 'no rule named "nosuch"' in r.err, r.err


def test_save_then_test_checks_the_fixture():
    tmp = tempfile.mkdtemp(prefix="mw-shell-")
    rules, fx = os.path.join(tmp, "rules"), os.path.join(tmp, "fixtures")
    os.makedirs(rules)
    os.makedirs(fx)
    open(os.path.join(rules, "ledger-test.lua"), "w").write(RULE % ("h1.headline", json.dumps(fx)))
    base = os.path.join(fx, "festival")
    r = shell(f"save({json.dumps(base)})\ntest('ledger-test')\n", DEMO, DEMO_URL, rules=rules)
    assert r.rc == 0, r.err
    assert f"wrote {base}.html.gz and {base}.json" in r.out, r.out
    assert gzip.open(base + ".html.gz").read() == open(DEMO, "rb").read()
    want = json.load(open(base + ".json"))
    assert want["url"] == DEMO_URL and want["title"].startswith("Library's spring book festival"), want
    assert "Contact Dana Okafor" not in want["body"] and "Teresa Vang" in want["body"], want
    assert "1 passed, 0 failed" in r.out, r.out


def test_view_without_display_prints_the_path():
    r = shell("view(sel('h1')[1])\n", DEMO, DEMO_URL)
    m = re.match(r"wrote (\S+\.html) \(no DISPLAY", r.out)
    assert m, r.out
    html = open(m.group(1)).read()
    os.unlink(m.group(1))
    assert html.startswith('<h1 class="headline">Library'), html


def test_fetch_from_the_test_server():
    with Server(root=os.path.join(ROOT, "examples", "demo-site")) as srv:
        u = srv.url("/valley-ledger.example/local/7741-library-book-festival.html")
        r = shell(f"fetch({json.dumps(u)})\npage.status, page.url == {json.dumps(u)}\n#sel('.story-text p')\n"
                  f"fetch({json.dumps(srv.url('/nonexistent-page.html'))})\npage.status\n")
        assert r.rc == 0, r.err
        lines = r.out.splitlines()
        assert lines[0].startswith(f"fetched {u}: 200, text/html") and "no rule for this URL" in lines[0], r.out
        assert lines[1:3] == ["200\ttrue", "6"], r.out
        assert lines[3].startswith("fetched ") and ": 404, " in lines[3] and lines[4] == "404", r.out
        r = shell(f"fetch('http://127.0.0.1:1/')\nprint('next')\n")
        assert "fetch: " in r.err and r.out == "next\n", (r.out, r.err)


def test_helpers_without_a_page_say_so():
    r = shell("sel('p')\nextract()\nhelp()\n")
    assert r.err.count("no page yet: open(file) or fetch(url) first") == 2, r.err
    for h in ("fetch(url)", "open(file", "sel(css)", "x(xpath)", "meta()", "extract([rule])", "rule(name)",
              "reload()", "test(", "view([node])", "save(path)"):
        assert h in r.out, (h, r.out)


def test_usage():
    assert moonwire("shell", "--help").out.startswith("usage: moonwire shell")
    assert moonwire("shell", "a", "b", "c").rc == 2
    assert moonwire("repl", "--bogus").rc == 2
    for opt, val in (("--mem", "5x"), ("--cpu", "ten"), ("--instr", ""), ("--mem", "-1")):   # all of it a number
        r = moonwire("shell", opt, val)
        assert r.rc == 2 and f"{opt} takes a number" in r.err, (opt, val, r.err)
    assert shell("print('repl alias')\n").out == "repl alias\n"


# ---- through a pseudo-terminal ----

class Tty:
    def __init__(self, *args):
        self.tmp = tempfile.mkdtemp(prefix="mw-shell-")
        env = dict(os.environ)
        env.setdefault("MOONWIRE_SCRIPTS", os.path.join(ROOT, "scripts"))
        env.update(clean_env(self.tmp))
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(MOONWIRE, [MOONWIRE, "shell", *args], env)
        self.buf = b""

    def expect(self, what):
        """Read until `what` shows up; returns everything read up to and including it."""
        what = what.encode()
        while what not in self.buf:
            ready, _, _ = select.select([self.fd], [], [], GUARD)
            assert ready, f"waited for {what!r}, got {self.buf!r}"
            try:
                data = os.read(self.fd, 4096)
            except OSError as e:
                if e.errno != errno.EIO:
                    raise
                data = b""
            assert data, f"shell ended while waiting for {what!r}: {self.buf!r}"
            self.buf += data
        i = self.buf.index(what) + len(what)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out.decode("utf-8", "replace")

    def send(self, keys):
        os.write(self.fd, keys.encode())

    def wait(self):
        while True:   # drain so the child never blocks on a full pty
            ready, _, _ = select.select([self.fd], [], [], GUARD)
            assert ready, "shell did not exit"
            try:
                if not os.read(self.fd, 4096):
                    break
            except OSError:
                break
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def test_ctrl_c_stops_the_statement_not_the_shell():
    t = Tty("--instr", "1e15", DEMO, DEMO_URL)
    try:
        t.expect("mw> ")
        t.send('print("spinning") while true do end\r')
        t.expect("spinning\r\n")       # printed (not the echo of the line): the loop is running now
        t.send("\x03")                  # Ctrl-C, as the terminal sends it
        out = t.expect("mw> ")
        assert "interrupted" in out, out
        t.send("print(6 * 7)\r")
        assert "42" in t.expect("mw> ")
        t.send("half a line\x03")        # Ctrl-C at the prompt drops the line
        out = t.expect("mw> ")
        assert "^C" in out and "error" not in out, out
        t.send("for i = 1, 2 do\r")      # ... and an unfinished chunk
        t.expect("mw>> ")
        t.send("\x03")
        t.expect("mw> ")
        t.send("= #sel('p')\r")
        assert "11" in t.expect("mw> ")
        t.send("\x04")                   # Ctrl-D leaves
        assert t.wait() == 0
        hist = open(os.path.join(t.tmp, "state", "moonwire", "history")).read()
        assert "print(6 * 7)" in hist and "= #sel('p')" in hist and "half a line" not in hist, hist
    finally:
        try:
            os.kill(t.pid, signal.SIGKILL)
            os.waitpid(t.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def test_tab_completes_globals_fields_and_methods():
    t = Tty(DEMO, DEMO_URL)
    try:
        t.expect("mw> ")
        t.send("h = doc:fir\t")
        assert "doc:first" in t.expect("first")
        t.send("('h1')\r")
        t.expect("mw> ")
        t.send("= h:te\t")
        t.expect("text")
        t.send("()\r")
        assert "Library's spring book festival returns to Main Street" in t.expect("mw> ")
        t.send("= string.upp\t")
        t.expect("upper")
        t.send("(page.ur\t")
        t.expect("url")
        t.send(")\r")
        assert '"HTTP://VALLEY-LEDGER.EXAMPLE/' in t.expect("mw> ")
        t.send("mytable = {alpha = 1}\r")
        t.expect("mw> ")
        t.send("= mytable.al\t")
        t.expect("alpha")
        t.send("\r")
        assert "1" in t.expect("mw> ")
        t.send("\x04")
        assert t.wait() == 0
    finally:
        try:
            os.kill(t.pid, signal.SIGKILL)
            os.waitpid(t.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


# ---- the walkthrough ----

def walkthrough_blocks():
    """The ```mwshell blocks of the walkthrough: lines after a prompt are input, the rest is output."""
    text = open(WALKTHROUGH).read()
    return re.findall(r"^```mwshell\n(.*?)^```$", text, re.S | re.M)


def test_walkthrough_replays():
    blocks = walkthrough_blocks()
    assert len(blocks) >= 5, len(blocks)
    transcript = "".join(blocks)
    inputs = [l.split("> ", 1)[1] if l.startswith("mw> ") or l.startswith("mw>> ") else None
              for l in transcript.splitlines()]
    stdin = "".join(l + "\n" for l in inputs if l is not None)
    tmp = tempfile.mkdtemp(prefix="mw-shell-")
    rules = os.path.join(tmp, "rules")
    os.makedirs(rules)
    e = dict(os.environ)
    e.setdefault("MOONWIRE_SCRIPTS", os.path.join(ROOT, "scripts"))
    e.update(clean_env(tmp, rules))
    # errors are part of the story, so stderr joins stdout here, in order (the shell flushes between them)
    p = subprocess.run([MOONWIRE, "shell", "--echo"], input=stdin, cwd=ROOT, env=e, capture_output=False,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=GUARD)
    got = p.stdout
    if got != transcript:
        import difflib
        diff = "".join(difflib.unified_diff(transcript.splitlines(True), got.splitlines(True), "walkthrough",
                                            "shell"))
        raise AssertionError("the walkthrough no longer matches the shell:\n" + diff)
    assert os.path.exists(os.path.join(rules, "valley-ledger.lua"))


if __name__ == "__main__":
    main([test_expressions_statements_and_multiline, test_error_then_next_statement_works,
          test_limits_apply_per_statement, test_open_demo_page_sel_x_meta_extract,
          test_node_line_shows_tag_id_classes_words_and_paragraphs, test_corpus_page_opens_and_extracts,
          test_reload_after_rule_changes_on_disk_keeps_doc_and_globals,
          test_extract_with_a_forced_rule_and_unknown_rule, test_save_then_test_checks_the_fixture,
          test_view_without_display_prints_the_path, test_fetch_from_the_test_server, test_helpers_without_a_page_say_so, test_usage,
          test_ctrl_c_stops_the_statement_not_the_shell, test_tab_completes_globals_fields_and_methods,
          test_walkthrough_replays])
