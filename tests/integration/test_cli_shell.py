"""tests/integration/test_cli_shell.py: the shell's conveniences: extract.generic(doc) as design.md says,
--resolve (and the HTTP options) for fetch(), save() creating folders, Ctrl-L clearing the screen, character (not
byte) counts in the card, and a bad selector reported at the user's line."""
import os, pty, re, select, signal, sys, tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import MOONWIRE, ROOT, main, moonwire
from cli_lib import SpanServer

RU = ("<html lang=\"ru\"><head><meta charset=\"utf-8\"><title>Мост откроют весной</title></head><body><article>"
      "<h1>Мост откроют весной</h1><p>Новый мост через реку откроют весной, сообщили в администрации города.</p>"
      "<p>Движение по старому мосту закроют на два дня, пока идут последние работы на переправе.</p>"
      "</article></body></html>")


def env(tmp):
    return {"XDG_CONFIG_HOME": os.path.join(tmp, "config"), "XDG_STATE_HOME": os.path.join(tmp, "state"),
            "MOONWIRE_RULES": "", "HOME": tmp, "TERM": "dumb"}


def shell(stdin, *args):
    tmp = tempfile.mkdtemp(prefix="mw-cli-shell-")
    return moonwire("shell", *args, stdin=stdin, env=env(tmp)), tmp


def page(tmp, text=RU, name="ru.html"):
    p = os.path.join(tmp, name)
    with open(p, "w", encoding="utf-8") as f:
        f.write(text)
    return p


def test_extract_generic_and_extract():
    tmp = tempfile.mkdtemp()
    r, _ = shell('g = extract.generic(doc)\nprint(g.rule, g.title)\nprint(extract().title)\n', page(tmp))
    assert r.rc == 0, r.err
    assert r.out.splitlines()[-2:] == ["generic\tМост откроют весной", "Мост откроют весной"], r.out


def test_card_counts_characters():
    tmp = tempfile.mkdtemp()
    p = page(tmp)
    body = moonwire("extract", p).records()[0]["body"]
    assert len(body.encode()) > len(body) + 20   # Cyrillic: bytes and characters differ a lot
    r, _ = shell("extract()\n", p)
    m = re.search(r"body\s+\S+\s+(\d+) chars", r.out)
    assert m and int(m.group(1)) == len(body), (r.out, len(body))


def test_bad_selector_at_the_users_line():
    tmp = tempfile.mkdtemp()
    r, _ = shell('x = 1\n\ny = #doc:select("p")\nz = doc:select("div[class")\n', page(tmp))
    assert 'stdin:4: bad selector "div[class"' in r.err, r.err
    assert "rule.lua" not in r.err and "shell.lua" not in r.err, r.err


def test_save_creates_folders():
    tmp = tempfile.mkdtemp()
    target = os.path.join(tmp, "fixtures", "ru", "bridge")
    r, _ = shell(f'save("{target}", "http://ru.example/news/1")\n', page(tmp))
    assert r.rc == 0, r.err
    assert os.path.exists(target + ".html.gz") and os.path.exists(target + ".json"), os.listdir(tmp)


def test_resolve_and_http_options_for_fetch():
    with SpanServer() as srv:
        r, _ = shell(f'fetch("http://news.example:{srv.port}/_fault/echo")\n'
                     'print(extract.generic(doc).body)\n', "--resolve", f"news.example:{srv.port}:127.0.0.1",
                     "-A", "Desk/1", "-H", "X-Desk: metro")
        assert r.rc == 0, r.err
        assert [s[2] for s in srv.spans()] == ["news.example"], srv.spans()
        assert "User-Agent: Desk/1" in r.out and "X-Desk: metro" in r.out, r.out
    r, _ = shell("", "-H", "bad header")
    assert r.rc == 2, r.err


def test_ctrl_l_clears_the_screen():
    tmp = tempfile.mkdtemp()
    e = dict(os.environ)
    e.update(env(tmp))
    e.update(TERM="xterm", MOONWIRE_SCRIPTS=os.path.join(ROOT, "scripts"))
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(MOONWIRE, [MOONWIRE, "shell"], e)
    buf = b""
    try:
        def expect(what):
            nonlocal buf
            while what not in buf:
                ready, _, _ = select.select([fd], [], [], 60)
                assert ready, f"waited for {what!r}, got {buf!r}"
                buf += os.read(fd, 4096)
        expect(b"mw> ")
        buf = b""
        os.write(fd, b"\x0c")
        expect(b"mw> ")
        assert b"\x1b[H" in buf and (b"\x1b[2J" in buf or b"\x1b[J" in buf), buf   # xterm's clear, then the prompt
        os.write(fd, b"\x04")
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


if __name__ == "__main__":
    main([test_extract_generic_and_extract, test_card_counts_characters, test_bad_selector_at_the_users_line,
          test_save_creates_folders, test_resolve_and_http_options_for_fetch, test_ctrl_l_clears_the_screen])
