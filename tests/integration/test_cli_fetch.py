"""tests/integration/test_cli_fetch.py: `moonwire fetch` inputs and outputs: -i LIST and - (stdin), many hosts at
once but one request at a time per host (checked from mw-testd's request spans, never from elapsed time), error
records for bad URLs and HTTP errors, -o DIR/host/path.html.gz with a sidecar that `extract` reads back."""
import gzip, json, os, sys, tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import main, moonwire
from cli_lib import SpanServer, overlaps

HOSTS = ["one.test", "two.test", "three.test", "four.test"]


def test_forty_urls_four_hosts_concurrent_but_polite():
    # latency makes each request last long enough to be seen in the server beside others
    with SpanServer(latency_ms=40) as srv:
        urls = [f"http://{h}:{srv.port}/_gen/a/{k * 100 + i + 1}.html" for k, h in enumerate(HOSTS) for i in range(10)]
        lst = os.path.join(srv.dir, "urls.txt")
        with open(lst, "w") as f:
            f.write("# forty pages on four hosts\n" + "\n".join(urls) + "\n")
        r = moonwire("fetch", "--delay", "0", *srv.resolve(*HOSTS), "-i", lst, guard=120)
        assert r.rc == 0, r.err
        recs = r.records()
        assert sorted(x["url"] for x in recs) == sorted(urls), len(recs)
        assert all(x["status"] == 200 and x["title"] for x in recs)
        spans = [s for s in srv.spans() if "/_gen/a/" in s[3]]
        assert len(spans) == 40, len(spans)
        pairs = overlaps(spans)
        same = [(a, b) for a, b in pairs if a[2] == b[2]]
        cross = [(a, b) for a, b in pairs if a[2] != b[2]]
        assert not same, f"two requests to one host at once: {same[:2]}"
        assert cross, "no two requests to different hosts were ever in the server at once"
        # all four hosts were busy together at some moment
        assert any(len({s[2] for s in spans if s[0] < t < s[1]}) == 4 for t in (x[0] + 1 for x in spans)), spans[:8]


def test_stdin_and_dash():
    with SpanServer() as srv:
        urls = [srv.url(f"/_gen/a/{i}.html") for i in (1, 2, 3)]
        r = moonwire("fetch", "--delay", "0", "-", stdin="\n".join(urls) + "\n")
        assert r.rc == 0, r.err
        assert sorted(x["url"] for x in r.records()) == sorted(urls)
        r = moonwire("fetch", "--delay", "0", "-i", "-", urls[0], stdin=urls[1] + "\n")
        assert sorted(x["url"] for x in r.records()) == sorted(urls[:2]), r.out


def test_errors_are_records_and_status_1():
    with SpanServer() as srv:
        r = moonwire("fetch", "--delay", "0", "--retries", "0", srv.url("/_gen/a/1.html"), srv.url("/_fault/status/404"),
                     "ftp://example.test/x", "--format", "json")
        assert r.rc == 1, r.rc
        recs = {x["url"]: x for x in json.loads(r.out)}
        assert recs[srv.url("/_gen/a/1.html")]["error"] is None
        assert "HTTP 404" in recs[srv.url("/_fault/status/404")]["error"]["message"]
        assert recs["ftp://example.test/x"]["error"]["stage"] == "fetch"
        lines = [l for l in r.err.splitlines() if l.startswith("moonwire: fetch:")]
        assert len(lines) == 2, r.err   # one line per failure
        assert moonwire("fetch").rc == 2
        assert moonwire("fetch", "--delay", "soon", srv.url("/")).rc == 2


def test_output_dir_readable_names_and_sidecar():
    with SpanServer() as srv:
        out = tempfile.mkdtemp(prefix="mw-fetch-o-")
        urls = [f"http://news.test:{srv.port}/_gen/a/7.html", f"http://news.test:{srv.port}/_gen/index.html?n=2",
                f"http://news.test:{srv.port}/_gen/"]
        r = moonwire("fetch", "--delay", "0", *srv.resolve("news.test"), "-o", out, *urls)
        assert r.rc == 0, r.err
        host = f"news.test_{srv.port}"
        want = {f"{host}/_gen/a/7.html.gz", f"{host}/_gen/index_q_n_2.html.gz", f"{host}/_gen/index.html.gz"}
        got = set()
        for d, _, files in os.walk(out):
            got |= {os.path.relpath(os.path.join(d, f), out) for f in files if f.endswith(".html.gz")}
        assert got == want, got
        assert not any(".html.html" in g for g in got)
        page = os.path.join(out, host, "_gen", "a", "7.html.gz")
        side = json.load(open(page[:-len(".html.gz")] + ".json"))
        assert side["url"] == urls[0] and side["status"] == 200 and side["fetched"], side
        assert "<html" in gzip.open(page).read().decode().lower()
        # re-extracting the saved page keeps what fetch knew
        fetched = {x["url"]: x for x in r.records()}[urls[0]]
        rec = moonwire("extract", page).records()[0]
        assert rec["url"] == urls[0], rec["url"]
        assert rec["fetched"] == side["fetched"] and rec["status"] == 200, (rec["fetched"], rec["status"])
        assert rec["title"] == fetched["title"] and rec["body"] == fetched["body"]


def test_numbers_must_be_numbers():
    for opt, val in (("--max-size", "abc"), ("--max-size", "-5"), ("--max-size", "0"), ("--max-size", "12k"),
                     ("--retries", ""), ("--connections", "many"), ("--max", "")):
        r = moonwire("fetch", opt, val, "http://example.test/")
        assert r.rc == 2 and f"{opt} wants" in r.err, (opt, val, r.rc, r.err)   # before: --max-size abc ran, 0
    with SpanServer() as srv:
        r = moonwire("fetch", "--delay", "0", "--retries", "0", "--max-size", "1000", srv.url("/_gen/a/1.html"))
        assert r.rc == 1 and r.records()[0]["error"], r.out   # a ~20 KB page over a 1,000-byte cap


def test_robots_flags_and_connect_to():
    with SpanServer() as srv:
        page = srv.url("/_gen/a/1.html")
        assert moonwire("fetch", "--delay", "0", "--robots", page).rc == 0
        assert [s[3] for s in srv.spans()] == ["/robots.txt", "/_gen/a/1.html"]
    with SpanServer() as srv:
        page = srv.url("/_gen/a/1.html")
        assert moonwire("fetch", "--delay", "0", "--robots", "--no-robots", page).rc == 0   # the last word wins
        assert [s[3] for s in srv.spans()] == ["/_gen/a/1.html"]
        # host:port:addr:port2 moves the port too (CURLOPT_CONNECT_TO): a feed's http://outlet.example/ served here
        r = moonwire("fetch", "--delay", "0", "--resolve", f"outlet.example:80:127.0.0.1:{srv.port}",
                     "http://outlet.example/_gen/a/2.html")
        assert r.rc == 0 and r.records()[0]["status"] == 200, (r.err, r.out)
        assert srv.spans()[-1][2:4] == ("outlet.example", "/_gen/a/2.html"), srv.spans()


if __name__ == "__main__":
    main([test_forty_urls_four_hosts_concurrent_but_polite, test_stdin_and_dash, test_errors_are_records_and_status_1,
          test_output_dir_readable_names_and_sidecar, test_numbers_must_be_numbers, test_robots_flags_and_connect_to])
