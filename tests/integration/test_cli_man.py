"""tests/integration/test_cli_man.py: the manual pages render with `man -l` (and without groff warnings), `moonwire
help CMD` is CMD's --help, and `make install PREFIX=DIR` installs the binary, the rules, the plugins and the man
pages, and the installed binary finds its rules and pages."""
import os, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import MOONWIRE, ROOT, Skip, main, moonwire

PAGES = {"moonwire.1": "MOONWIRE(1)", "moonwire-run.1": "MOONWIRE-RUN(1)", "moonwire-rules.5": "MOONWIRE-RULES(5)"}


def render(path, env=None):
    e = dict(os.environ, MANWIDTH="90", LC_ALL="C.UTF-8", **(env or {}))
    return subprocess.run(["man", "--warnings", "-l", path], capture_output=True, text=True, env=e)


def test_man_pages_render():
    if not shutil.which("man"):
        raise Skip("man (man-db) is not installed")
    for page, head in PAGES.items():
        r = render(os.path.join(ROOT, "man", page))
        assert r.returncode == 0, r.stderr
        assert r.stdout.lstrip().startswith(head), r.stdout[:200]
        assert "NAME" in r.stdout and "SEE ALSO" in r.stdout, page
        assert not r.stderr.strip(), f"{page}: {r.stderr}"
    run = render(os.path.join(ROOT, "man", "moonwire-run.1")).stdout
    # the reference page names every key the config loader knows
    for key in ("outlets", "sources", "rules", "store", "sinks", "resolve", "user_agent", "headers", "cookies",
                "proxy", "agent", "robots", "robots_sitemaps", "every", "pages_per_outlet", "max_age", "delay",
                "connections_per_host", "connections", "timeout", "connect_timeout", "retries", "backoff",
                "max_retry_after", "max_tries", "host_failures", "host_time", "pass_time", "max_body", "links",
                "next", "pages", "article", "outlet"):
        assert key in run, key
    src = open(os.path.join(ROOT, "core", "run", "config.c")).read()
    import re
    known = set()
    for block in re.findall(r'known\[\] = \{([^}]*)\}', src):
        known |= set(re.findall(r'"([a-z_]+)"', block))
    missing = [k for k in known if k not in run]
    assert not missing, f"run-config keys the page does not document: {missing}"


def test_help_command():
    for cmd in ("extract", "fetch", "run", "export", "rules", "test", "new", "shell"):
        a, b = moonwire("help", cmd), moonwire(cmd, "--help")
        assert a.rc == 0 and a.out == b.out and a.out.startswith("usage: moonwire " + cmd), (cmd, a.out[:80])
    r = moonwire("help", "frobnicate")
    assert r.rc == 2 and "unknown command" in r.err


def test_make_install():
    if not shutil.which("make"):
        raise Skip("make is not installed")
    prefix = tempfile.mkdtemp(prefix="mw-install-")
    r = subprocess.run(["make", "-s", "install", f"PREFIX={prefix}"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    for f in ("bin/moonwire", "share/moonwire/scripts/lib/rule.lua", "share/moonwire/scripts/outlets/tass.lua",
              "lib/moonwire/plugins/warc.so", "share/man/man1/moonwire.1", "share/man/man1/moonwire-run.1",
              "share/man/man5/moonwire-rules.5"):
        assert os.path.exists(os.path.join(prefix, f)), f
    assert os.access(os.path.join(prefix, "bin/moonwire"), os.X_OK)
    env = {k: v for k, v in os.environ.items() if k not in ("MOONWIRE_SCRIPTS", "MOONWIRE_RULES")}
    # the installed binary finds the installed rules, from anywhere
    r = subprocess.run([os.path.join(prefix, "bin/moonwire"), "rules", "--json"], capture_output=True, text=True,
                       env=env, cwd=tempfile.mkdtemp())
    assert r.returncode == 0 and '"name": "tass"' in r.stdout, r.stderr
    if shutil.which("man"):
        m = subprocess.run(["man", "-w", "moonwire-rules"], capture_output=True, text=True,
                           env=dict(env, MANPATH=os.path.join(prefix, "share/man")))
        assert m.stdout.strip() == os.path.join(prefix, "share/man/man5/moonwire-rules.5"), m.stdout + m.stderr


if __name__ == "__main__":
    main([test_man_pages_render, test_help_command, test_make_install])
