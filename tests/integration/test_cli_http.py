"""tests/integration/test_cli_http.py: HTTP options: --user-agent, --header, --cookie FILE (Netscape format),
--proxy for `moonwire fetch`, and the run config's user_agent/headers/cookies/proxy keys. mw-testd's
/_fault/echo answers with the request head, so the records show what was sent; the proxy is mw-testd itself
(it serves absolute-form targets), so no other host is ever reached."""
import os, sys, tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import main, moonwire
from cli_lib import SpanServer

COOKIES = "# Netscape HTTP Cookie File\n# a comment\n\n.example.test\tTRUE\t/\tFALSE\t0\tsession\tabc123\n" \
          "#HttpOnly_www.example.test\tFALSE\t/\tFALSE\t0\tprefs\tdark\n"


def write(d, name, text):
    p = os.path.join(d, name)
    with open(p, "w") as f:
        f.write(text)
    return p


def test_fetch_sends_agent_headers_cookies():
    d = tempfile.mkdtemp(prefix="mw-http-")
    jar = write(d, "cookies.txt", COOKIES)
    with SpanServer() as srv:
        url = f"http://www.example.test:{srv.port}/_fault/echo"
        r = moonwire("fetch", "--delay", "0", *srv.resolve("www.example.test"), "-A", "Analyst/2.0",
                     "-H", "X-Desk: foreign", "--header", "Accept-Language: de", "-b", jar, url)
        assert r.rc == 0, r.err
        head = r.records()[0]["body"]
        assert "User-Agent: Analyst/2.0" in head, head
        assert "X-Desk: foreign" in head and "Accept-Language: de" in head, head
        assert "session=abc123" in head and "prefs=dark" in head, head
        # without them, none of it goes out
        plain = moonwire("fetch", "--delay", "0", *srv.resolve("www.example.test"), url).records()[0]["body"]
        assert "X-Desk" not in plain and "Cookie" not in plain and "User-Agent: moonwire/" in plain, plain


def test_fetch_through_proxy():
    with SpanServer() as srv:
        r = moonwire("fetch", "--delay", "0", "--proxy", srv.base, "http://proxied.example/_fault/echo")
        assert r.rc == 0, r.err
        assert "GET http://proxied.example/_fault/echo HTTP/1.1" in r.records()[0]["body"], r.out
        assert [s[3] for s in srv.spans()] == ["http://proxied.example/_fault/echo"], srv.spans()


def test_bad_http_options_are_usage_errors():
    d = tempfile.mkdtemp(prefix="mw-http-")
    bad = write(d, "bad.txt", "# Netscape HTTP Cookie File\n.example.test TRUE / FALSE 0 session abc\n")
    r = moonwire("fetch", "-b", bad, "http://127.0.0.1:1/")
    assert r.rc == 2 and f"{bad}:2: not a Netscape cookie line" in r.err, r.err
    r = moonwire("fetch", "-b", os.path.join(d, "none.txt"), "http://127.0.0.1:1/")
    assert r.rc == 2 and "none.txt" in r.err, r.err
    r = moonwire("fetch", "-H", "no colon here", "http://127.0.0.1:1/")
    assert r.rc == 2 and "Name: value" in r.err, r.err
    r = moonwire("fetch", "--proxy", "ftp://proxy:21", "http://127.0.0.1:1/")
    assert r.rc == 2 and "proxy" in r.err, r.err


def test_run_config_http_keys():
    d = tempfile.mkdtemp(prefix="mw-http-run-")
    write(d, "cookies.txt", COOKIES)
    root = os.path.join(d, "site")
    os.makedirs(root)
    write(root, "index.html", '<html><body><a href="/_fault/echo?page=1">echo</a></body></html>')
    with SpanServer(root=root) as srv:
        cfg = write(d, "run.lua", f"""return {{
  sources = {{{{listing = "http://www.example.test:{srv.port}/index.html", outlet = "echo",
               article = "_fault/echo"}}}},
  store = "store.sqlite",
  resolve = {{"www.example.test:{srv.port}:127.0.0.1"}},
  user_agent = "Desk crawler/1",
  headers = {{["X-Desk"] = "economy"}},
  cookies = "cookies.txt",
  limits = {{delay = "0"}},
}}""")
        r = moonwire("run", "--jsonl", "-q", cfg)
        assert r.rc == 0, r.err
        (rec,) = [x for x in r.records() if "echo" in x["url"]]
        assert "User-Agent: Desk crawler/1" in rec["body"] and "X-Desk: economy" in rec["body"], rec["body"]
        assert "session=abc123" in rec["body"], rec["body"]
        proxied = write(d, "proxied.lua", f"""return {{
  sources = {{{{listing = "http://elsewhere.example/index.html", outlet = "p", article = "echo"}}}},
  store = "p.sqlite", proxy = "{srv.base}", robots = false, limits = {{delay = "0"}} }}""")
        r = moonwire("run", "--jsonl", "-q", proxied)
        assert r.rc == 0, r.err
        assert "http://elsewhere.example/index.html" in [s[3] for s in srv.spans()], srv.spans()
        # mistakes are config errors at their key, before any request
        for key, value, want in (("headers", '{"X Bad"}', "headers[1]"), ("cookies", '"missing.txt"', "cookies"),
                                 ("proxy", '"gopher://x"', "proxy"), ("headers", '{["X-A"] = 3}', 'headers["X-A"]')):
            bad = write(d, "bad.lua", f'return {{sources = {{"http://a.example/feed.xml"}}, {key} = {value}}}')
            r = moonwire("run", bad)
            assert r.rc == 2 and f"bad.lua: {want}" in r.err, (key, r.err)


if __name__ == "__main__":
    main([test_fetch_sends_agent_headers_cookies, test_fetch_through_proxy, test_bad_http_options_are_usage_errors,
          test_run_config_http_keys])
