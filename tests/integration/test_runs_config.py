#!/usr/bin/env python3
"""tests/integration/test_runs_config.py: `moonwire run` checks the whole config before it fetches anything.
A table of bad configs, each beside a good source whose host points at the local server: the exact one-line
message with the key's position ("sources[2].feed: ..."), exit status 2, no request reaches the server and no
store is created. Then good configs in the forms the README shows, and durations with units."""
import os, sys, tempfile
sys.path.insert(0, os.path.dirname(__file__))
from harness import moonwire, main
from runs_lib import Testd, env, RULES

GOOD = '{feed = "http://ok.test/feed.xml", outlet = "ok"}'

# (the config's keys beside the store and a resolve entry for ok.test, the message after "moonwire: FILE: ")
BAD = [
    (f'sources = {{{GOOD}}}, limts = {{}}', 'limts: unknown key (did you mean "limits"?)'),
    (f'sources = {{{GOOD}}}, limits = {{delay = 250}}',
     'limits.delay: 250 has no unit: write "250ms" or "250s" (units: ms, s, m, h, d, w)'),
    (f'sources = {{{GOOD}}}, limits = {{delay = "250"}}',
     'limits.delay: "250" has no unit: write "250ms" or "250s" (units: ms, s, m, h, d, w)'),
    (f'sources = {{{GOOD}}}, limits = {{delay = "soon"}}',
     'limits.delay: expected a duration such as "250ms", "1s", "15m", "1h30m" (got "soon")'),
    (f'sources = {{{GOOD}}}, limits = {{timeout = "0s"}}', 'limits.timeout: must be more than 0'),
    (f'sources = {{{GOOD}}}, limits = {{pass_time = 0}}', 'limits.pass_time: must be more than 0'),
    (f'sources = {{{GOOD}}}, limits = {{host_time = "1h 30"}}',
     'limits.host_time: expected a duration such as "250ms", "1s", "15m", "1h30m" (got "1h 30")'),
    (f'sources = {{{GOOD}}}, limits = {{connections_per_host = 0}}',
     'limits.connections_per_host: expected a whole number from 1 to 64'),
    (f'sources = {{{GOOD}}}, limits = {{retries = 1.5}}', 'limits.retries: expected a whole number from 0 to 20'),
    (f'sources = {{{GOOD}}}, limits = {{max_body = "lots"}}',
     'limits.max_body: expected a size such as "16MB", "512k" or a number of bytes'),
    (f'sources = {{{GOOD}}}, limits = 5', 'limits: expected a table such as {delay = "1s", timeout = "30s"}'),
    (f'sources = {{{GOOD}}}, every = 900',
     'every: 900 has no unit: write "900ms" or "900s" (units: ms, s, m, h, d, w)'),
    (f'sources = {{{GOOD}}}, every = "500ms"', 'every: must be at least 1s'),
    (f'sources = {{{GOOD}}}, robots = "yes"', 'robots: expected true or false'),
    (f'sources = {{{GOOD}}}, outlets = {{1, 2}}', 'outlets[1]: expected a rule name (a string)'),
    (f'sources = {{{GOOD}}}, rules = "{RULES}", outlets = {{"harbor_times", "no_such_rule"}}',
     'outlets[2]: no rule named "no_such_rule" (see `moonwire rules`; rules come from scripts/outlets, the '
     "config's `rules` and MOONWIRE_RULES)"),
    (f'sources = {{{GOOD}, {{outlet = "x"}}}}',
     'sources[2]: names no URL (feed = ..., sitemap = ..., listing = ... or url = ...)'),
    (f'sources = {{{GOOD}, {{feed = "ftp://ok.test/feed.xml"}}}}',
     'sources[2].feed: "ftp://ok.test/feed.xml": only http:// and https:// URLs are fetched (not ftp:)'),
    (f'sources = {{{GOOD}, {{feed = "not a url"}}}}',
     'sources[2].feed: "not a url" is not a URL (expected http://host/path or https://host/path)'),
    (f'sources = {{{GOOD}, "http://"}}', 'sources[2]: "http://" has no valid host name'),
    (f'sources = {{{GOOD}, {{sitemap = "http://ok.test:99999/s.xml"}}}}',
     'sources[2].sitemap: "http://ok.test:99999/s.xml" has a bad port'),
    (f'sources = {{{GOOD}, "http://ok.test/a", "http://ok.test/b", "http://ok.test/c", '
     f'{{listing = {{url = "http://ok.test/", links = "a.story"}}}}}}',
     'sources[5].listing: expected a URL string; in a run config the selector goes beside it: '
     '{listing = URL, links = CSS}'),
    (f'sources = {{{GOOD}, {{feed = "http://ok.test/a.xml", sitemap = "http://ok.test/s.xml"}}}}',
     'sources[2]: give one of feed, sitemap, listing, robots or url (got feed and sitemap)'),
    (f'sources = {{{GOOD}, {{feed = "http://ok.test/a.xml", outlet = "a", extra = 1}}}}',
     'sources[2].extra: unknown key'),
    (f'sources = {{{GOOD}, {{feed = "http://ok.test/a.xml", article = "["}}}}',
     "sources[2].article: bad Lua pattern \"[\": malformed pattern (missing ']')"),
    (f'sources = {{{GOOD}, {{feed = "http://ok.test/a.xml", article = {{"^http", 5}}}}}}',
     'sources[2].article[2]: expected a Lua pattern'),
    (f'sources = {{{GOOD}, {{listing = "http://ok.test/", links = "a[[["}}}}',
     "sources[2].links: bad selector \"a[[[\": expected attribute name, found '[' at column 3"),
    (f'sources = {{{GOOD}, {{feed = "http://ok.test/a.xml", links = "a.story"}}}}',
     'sources[2].links: only a listing page has links (this source is a feed)'),
    (f'sources = {{{GOOD}, {{feed = "http://ok.test/a.xml", outlet = ""}}}}', 'sources[2].outlet: must not be empty'),
    (f'sources = {GOOD}', 'sources: expected a list of sources: {{feed = URL, outlet = NAME}, ...}'),
    (f'sources = {{{GOOD}}}, resolve = {{"garbage"}}',
     'resolve[1]: "garbage": expected "HOST:PORT:ADDRESS" (as curl --resolve) or "HOST:PORT:ADDRESS:PORT" '
     '(as curl --connect-to)'),
    (f'sources = {{{GOOD}}}, resolve = {{"ok.test:99999:127.0.0.1"}}',
     'resolve[1]: "ok.test:99999:127.0.0.1": expected "HOST:PORT:ADDRESS" (as curl --resolve) or '
     '"HOST:PORT:ADDRESS:PORT" (as curl --connect-to)'),
    (f'sources = {{{GOOD}}}, resolve = {{"[::1]:80:127.0.0.1"}}',
     'resolve[1]: "[::1]:80:127.0.0.1": expected "HOST:PORT:ADDRESS" (as curl --resolve) or '
     '"HOST:PORT:ADDRESS:PORT" (as curl --connect-to)'),
    (f'sources = {{{GOOD}}}, sinks = {{3}}', 'sinks[1]: each sink is a name or name = {options}'),
    (f'sources = {{{GOOD}}}, agent = "moon wire"',
     "agent: \"moon wire\": a robots.txt product token is letters, digits, '-' and '_' only"),
    (f'sources = {{{GOOD}}}, user_agent = "a\\nb"', 'user_agent: must be one line'),
    (f'sources = {{{GOOD}}}, rules = "no/such/dir"', '{dir}/no/such/dir: no such directory'),
    ('limits = {delay = "1s"}', 'outlets: name at least one outlet (a rule name) or one entry of sources'),
]
# whole files that are not a config table (the message after "moonwire: ")
BAD_FILES = [
    ("return 42", "{cfg}: the file must return a table (return { ... })"),
    ("return {", "{cfg}:1: unexpected symbol near <eof>"),
    ("os.execute('true')", "{cfg}:1: attempt to call a nil value (field 'execute')"),
]


def write(d, name, text):
    p = os.path.join(d, name)
    with open(p, "w") as f:
        f.write(text)
    return p


def test_bad_configs_exit_2_fetch_nothing_and_name_the_key():
    assert len(BAD) + len(BAD_FILES) >= 25
    with Testd() as srv:
        for i, (keys, want) in enumerate(BAD):
            d = tempfile.mkdtemp(prefix="mw-runs-cfg-")
            resolve = "" if "resolve =" in keys else f'  resolve = {{"ok.test:80:127.0.0.1:{srv.port}"}},\n'
            cfg = write(d, "bad.lua", f'return {{\n  store = "out/store.sqlite",\n{resolve}  {keys},\n}}\n')
            r = moonwire("run", cfg, env=env())
            want = want.replace("{dir}", "rules: " + d) if want.startswith("{dir}") else want
            assert r.rc == 2, (i, keys, r.rc, r.err)
            assert r.err == f"moonwire: {cfg}: {want}\n", (i, r.err, want)
            assert not os.path.exists(os.path.join(d, "out")), (i, "a store was made")
        for code, want in BAD_FILES:
            d = tempfile.mkdtemp(prefix="mw-runs-cfg-")
            cfg = write(d, "bad.lua", code)
            r = moonwire("run", cfg, env=env())
            assert r.rc == 2 and r.err == "moonwire: " + want.replace("{cfg}", cfg) + "\n", (code, r.rc, r.err)
        assert srv.requests() == [], srv.requests()   # nothing was fetched


def test_good_forms_are_accepted():
    # the forms the README and examples/demo.lua use, plus compound durations and a lone 0
    with Testd() as srv:
        d = tempfile.mkdtemp(prefix="mw-runs-cfg-")
        cfg = write(d, "good.lua", f'''return {{
  store = "out/store.sqlite", robots = false, every = "1h30m",
  sources = {{"http://ok.test/none.xml", {{sitemap = "https://ok.test/s.xml", outlet = "ok", article = {{"^https?://", "/a/"}}}},
             {{listing = "http://ok.test/", links = "a.story", outlet = "ok"}}}},
  resolve = {{"ok.test:80:127.0.0.1:{srv.port}", "ok.test:443:127.0.0.1", "ok6.test:80:[::1]", "ok2.test:80:127.0.0.1,127.0.0.2"}},
  limits = {{delay = 0, timeout = "1m30s", connect_timeout = "1.5s", backoff = "0", max_age = "2w",
            pass_time = "10m", host_time = "2m", max_body = "1MB"}},
}}
''')
        r = moonwire("run", "--store", os.path.join(d, "s.sqlite"), cfg, env=env())
        assert r.rc == 1, r.err   # it ran: the sources 404 (error records), so 1, not the 2 of a bad config
        assert "unknown key" not in r.err and "expected" not in r.err, r.err
        assert any(t == "/none.xml" for _, t, _ in srv.requests()), (srv.requests(), r.err)
    for bad in ("1h30", "h", "-1s", "1.5.5s", "1hh"):
        r = moonwire("run", "--every", bad, cfg, env=env())
        assert r.rc == 2 and "--every wants a duration" in r.err, (bad, r.rc, r.err)


if __name__ == "__main__":
    main([test_bad_configs_exit_2_fetch_nothing_and_name_the_key, test_good_forms_are_accepted])
