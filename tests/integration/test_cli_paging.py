"""tests/integration/test_cli_paging.py: listing pagination in run-config sources (next = a selector of the
next-page link, or a URL pattern with {n}; pages = the most read) and relative links, on a site written here:
/list/1.html .. /list/4.html each link three articles with relative hrefs and the next page with rel=next."""
import os, sys, tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import main, moonwire
from cli_lib import SpanServer

ART = ("<html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1><p>" +
       "This is story number {i} of the paging site, long enough to be an article body here. " * 3 +
       "</p></article></body></html>")


def site():
    root = tempfile.mkdtemp(prefix="mw-paging-")
    os.makedirs(os.path.join(root, "list"))
    os.makedirs(os.path.join(root, "a"))
    for p in range(1, 5):
        links = "".join(f'<li><a class="story" href="../a/{(p - 1) * 3 + k}.html">story</a></li>' for k in (1, 2, 3))
        nxt = f'<a rel="next" class="more" href="{p + 1}.html">older</a>' if p < 4 else ""
        with open(os.path.join(root, "list", f"{p}.html"), "w") as f:
            f.write(f"<html><body><ul>{links}</ul><nav>{nxt}</nav></body></html>")
    for i in range(1, 13):
        with open(os.path.join(root, "a", f"{i}.html"), "w") as f:
            f.write(ART.format(i=i))
    return root


def run(srv, d, source):
    cfg = os.path.join(d, "run.lua")
    with open(cfg, "w") as f:
        f.write(f"""return {{ sources = {{ {source} }}, store = "s.sqlite", robots = false,
  limits = {{delay = "0"}} }}""")
    r = moonwire("run", "--jsonl", "-q", cfg)
    assert r.rc == 0, r.err
    return sorted(int(x["url"].rsplit("/", 1)[1].split(".")[0]) for x in r.records())


def test_next_selector_and_page_limit():
    with SpanServer(root=site()) as srv:
        d = tempfile.mkdtemp()
        got = run(srv, d, f'{{listing = "{srv.url("/list/1.html")}", links = "a.story", next = "a[rel=next]", pages = 2}}')
        assert got == [1, 2, 3, 4, 5, 6], got
        lists = [s[3] for s in srv.spans() if s[3].startswith("/list/")]
        assert sorted(lists) == ["/list/1.html", "/list/2.html"], lists
        d = tempfile.mkdtemp()
        got = run(srv, d, f'{{listing = "{srv.url("/list/1.html")}", links = "a.story", next = "nav a.more"}}')
        assert got == list(range(1, 13)), got   # default limit (10) is past the last page: all four read


def test_next_url_pattern():
    with SpanServer(root=site()) as srv:
        d = tempfile.mkdtemp()
        got = run(srv, d, f'{{listing = "{srv.url("/list/1.html")}", links = "a.story", next = "{{n}}.html", pages = 3}}')
        assert got == list(range(1, 10)), got


def test_paging_config_errors():
    d = tempfile.mkdtemp()
    for src, want in (('{feed = "http://a.example/f.xml", next = "a.next"}', "sources[1].next: only a listing"),
                      ('{listing = "http://a.example/", next = "a[rel=next"}', "sources[1].next"),
                      ('{listing = "http://a.example/", next = "a.n", pages = 0}', "sources[1].pages")):
        cfg = os.path.join(d, "bad.lua")
        with open(cfg, "w") as f:
            f.write(f"return {{sources = {{ {src} }}}}")
        r = moonwire("run", cfg)
        assert r.rc == 2 and want in r.err, (src, r.err)


if __name__ == "__main__":
    main([test_next_selector_and_page_limit, test_next_url_pattern, test_paging_config_errors])
