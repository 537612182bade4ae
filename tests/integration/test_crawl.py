#!/usr/bin/env python3
"""tests/integration/test_crawl.py: `moonwire run` and `moonwire export` against the project's own server:
feeds (RSS, Atom, RDF), sitemaps (index, gzip, Google News), listing pages through a rule's selector, robots.txt
(disallow, our own group, Crawl-delay measured from the server log), 429 + Retry-After, 304 on a second run,
revisions, a host that always hangs not stalling the others, failures as records, SIGTERM."""
import gzip, json, os, signal, sqlite3, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, Watch, moonwire, main, store_db, ROOT, MOONWIRE

ARTICLE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="canonical" href="http://{host}{path}"></head><body><header><nav><a href="/">Home</a></nav></header>
<article><h1>{title}</h1><p class="byline">By Ann Writer</p>
<p>{body} The council met on Tuesday to talk about the harbour, the bridge and the school roof.</p>
<p>Residents asked many questions about the plans, and the mayor answered each of them at length.</p>
<p>A decision is expected next month, after a second round of consultation with local groups.</p>
</article><footer>Footer text</footer></body></html>
"""


def write(root, host, path, text, binary=False):
    p = os.path.join(root, host, path.lstrip("/"))
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(text if binary else text.encode())


def article(root, host, path, title, body="Story text."):
    write(root, host, path, ARTICLE.format(title=title, host=host, path=path, body=body))


def rss(items):
    it = "".join(f"<item><title>t</title><link>{u}</link><pubDate>Tue, 03 Mar 2026 09:30:00 +0000</pubDate></item>"
                 for u in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{it}</channel></rss>'


def urlset(urls, news=False, lastmod="2026-03-01"):
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    body = ""
    for u in urls:
        extra = (f"<news:news><news:publication><news:name>N</news:name><news:language>en</news:language>"
                 f"</news:publication><news:publication_date>2026-03-04T10:00:00+02:00</news:publication_date>"
                 f"<news:title>t</news:title></news:news>") if news else f"<lastmod>{lastmod}</lastmod>"
        body += f"<url><loc>{u}</loc>{extra}</url>"
    return f'<?xml version="1.0" encoding="utf-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>{body}</urlset>'


def config(d, port, hosts, body, name="run.lua"):
    """A run config in d: resolve entries for hosts, store d/store.sqlite, the given Lua table fields."""
    resolve = ", ".join(f'"{h}:80:127.0.0.1:{port}"' for h in hosts)
    p = os.path.join(d, name)
    with open(p, "w") as f:
        f.write(f'return {{\n  store = "store.sqlite",\n  resolve = {{{resolve}}},\n{body}\n}}\n')
    return p


def db(d):
    return store_db(os.path.join(d, "store.sqlite"))


def log_lines(srv):
    out = []
    for line in open(srv.log):
        t, method, host, target, status, conn = line.split()
        out.append((int(t), host, target, int(status)))
    return out


def stored_urls(d):
    return sorted(r[0] for r in db(d).execute("select url from articles"))


# ---------------------------------------------------------------- discovery

def build_discovery_site(root):
    # RSS feed on news-a
    for i in (1, 2):
        article(root, "news-a.test", f"/story/{i}.html", f"News A story {i}")
    write(root, "news-a.test", "/rss.xml", rss([f"http://news-a.test/story/{i}.html" for i in (1, 2)]
                                                + ["http://news-a.test/about.html"]))
    write(root, "news-a.test", "/about.html", "<html><body><p>About us</p></body></html>")
    # Atom and RDF feeds on news-b
    for i in (1, 2):
        article(root, "news-b.test", f"/story/{i}.html", f"News B story {i}")
    write(root, "news-b.test", "/atom.xml", '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
          '<title>b</title><entry><title>t</title><link rel="alternate" href="http://news-b.test/story/1.html"/>'
          '<updated>2026-03-02T10:00:00Z</updated></entry></feed>')
    write(root, "news-b.test", "/rdf.xml", '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
          '22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
          '<channel rdf:about="http://news-b.test/"><title>b</title></channel>'
          '<item rdf:about="http://news-b.test/story/2.html"><title>t</title>'
          '<link>http://news-b.test/story/2.html</link><dc:date>2026-03-02T11:00:00Z</dc:date></item></rdf:RDF>')
    # sitemap index -> a plain sitemap, a gzipped one and a Google News one on maps
    for i in (1, 2, 3, 4):
        article(root, "maps.test", f"/n/{i}.html", f"Maps story {i}")
    write(root, "maps.test", "/sitemap_index.xml", '<?xml version="1.0"?><sitemapindex xmlns="http://www.'
          'sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>http://maps.test/sm/plain.xml</loc></sitemap>'
          '<sitemap><loc>http://maps.test/sm/packed.xml.gz</loc></sitemap>'
          '<sitemap><loc>/sm/news.xml</loc></sitemap></sitemapindex>')
    write(root, "maps.test", "/sm/plain.xml", urlset(["http://maps.test/n/1.html", "http://maps.test/pages/x.html"]))
    write(root, "maps.test", "/sm/packed.xml.gz", gzip.compress(urlset(["http://maps.test/n/2.html",
                                                                          "http://maps.test/n/3.html"]).encode()),
          binary=True)
    write(root, "maps.test", "/sm/news.xml", urlset(["http://maps.test/n/4.html"], news=True))
    # a listing page read through a rule's listing selector on list
    for i in (1, 2, 3):
        article(root, "list.test", f"/a/{i}.html", f"Listed story {i}")
    write(root, "list.test", "/index.html", "<html><body><ul>"
          '<li><a class="story" href="/a/1.html">1</a></li><li><a class="story" href="a/2.html">2</a></li>'
          '<li><a class="story" href="http://list.test/a/3.html#top">3</a></li>'
          '<li><a href="/a/4.html">not a story link</a></li><li><a class="story" href="/about.html">about</a></li>'
          "</ul></body></html>")
    article(root, "list.test", "/a/4.html", "Sidebar story")


LIST_RULE = """return rule {
  name = "list_test", outlet = "List Test", domains = {"list.test"},
  article = "^https?://list%.test/a/%d+%.html$",
  sources = {listing = {url = "http://list.test/", links = "a.story"}},
}
"""

DISCOVERY_HOSTS = ["news-a.test", "news-b.test", "maps.test", "list.test"]


def discovery_config(d, port):
    os.makedirs(os.path.join(d, "rules"), exist_ok=True)
    open(os.path.join(d, "rules", "list_test.lua"), "w").write(LIST_RULE)
    return config(d, port, DISCOVERY_HOSTS, """
  outlets = {"list_test"}, rules = "rules",
  sources = {
    {feed = "http://news-a.test/rss.xml", outlet = "a", article = "^http://news%-a%.test/story/"},
    {feed = "http://news-b.test/atom.xml", outlet = "b"},
    {url = "http://news-b.test/rdf.xml", outlet = "b"},
    {sitemap = "http://maps.test/sitemap_index.xml", outlet = "maps", article = "/n/%d+%.html$"},
  },
  robots = false,
  limits = {delay = "0s", timeout = "5s"},""")


def test_feeds_sitemaps_listing():
    d = tempfile.mkdtemp(prefix="mw-crawl-")
    root = os.path.join(d, "site")
    build_discovery_site(root)
    with Server(root=root, log=True) as srv:
        cfg = discovery_config(d, srv.port)
        r = moonwire("run", "--jsonl", cfg)
        assert r.rc == 0, r.err
        want = sorted([f"http://news-a.test/story/{i}.html" for i in (1, 2)]
                      + [f"http://news-b.test/story/{i}.html" for i in (1, 2)]
                      + [f"http://maps.test/n/{i}.html" for i in (1, 2, 3, 4)]
                      + [f"http://list.test/a/{i}.html" for i in (1, 2, 3)])
        assert stored_urls(d) == want, stored_urls(d)
        recs = r.records()
        assert sorted(x["url"] for x in recs) == want, [x["url"] for x in recs]
        assert all(x["error"] is None and "Residents asked" in x["body"] for x in recs), recs
        by_url = {x["url"]: x for x in recs}
        assert by_url["http://list.test/a/1.html"]["rule"] == "list_test"
        assert by_url["http://list.test/a/1.html"]["outlet"] == "List Test"
        targets = {(h, t) for _, h, t, _ in log_lines(srv)}
        # pages that no pattern takes are never fetched
        assert ("news-a.test", "/about.html") not in targets
        assert ("list.test", "/a/4.html") not in targets and ("maps.test", "/pages/x.html") not in targets
        assert ("maps.test", "/sm/packed.xml.gz") in targets and ("maps.test", "/sm/news.xml") in targets
        # the summary table
        assert "outlet" in r.err and "articles" in r.err and "list_test" in r.err, r.err
        kinds = dict(db(d).execute("select kind, count(*) from fetch_log group by kind").fetchall())
        assert kinds == {"page": 11, "sitemap": 4, "feed": 2, "source": 1, "listing": 1}, kinds


def test_second_run_gets_304_and_fetches_nothing_again():
    d = tempfile.mkdtemp(prefix="mw-crawl-")
    root = os.path.join(d, "site")
    build_discovery_site(root)
    with Server(root=root, log=True) as srv:
        cfg = discovery_config(d, srv.port)
        assert moonwire("run", "-q", cfg).rc == 0
        n1 = len(log_lines(srv))
        r = moonwire("run", cfg)
        assert r.rc == 0, r.err
        second = log_lines(srv)[n1:]
        statuses = {(h, t): s for _, h, t, s in second}
        assert statuses[("news-a.test", "/rss.xml")] == 304, second
        assert statuses[("maps.test", "/sitemap_index.xml")] == 304, second
        assert statuses[("list.test", "/")] == 304, second
        assert not [t for _, h, t, _ in second if "/story/" in t or "/n/" in t or "/a/" in t], second
        assert "(not modified)" in r.err
        con = db(d)
        assert con.execute("select count(*) from articles").fetchone()[0] == 11
        assert con.execute("select count(*) from fetch_log where status = 304").fetchone()[0] >= 4


def test_changed_page_is_a_new_revision():
    d = tempfile.mkdtemp(prefix="mw-crawl-")
    root = os.path.join(d, "site")
    article(root, "rev.test", "/p/1.html", "Revised story", "First version.")
    article(root, "rev.test", "/p/2.html", "Steady story", "Never changes.")
    write(root, "rev.test", "/sitemap.xml", urlset(["http://rev.test/p/1.html", "http://rev.test/p/2.html"]))
    with Server(root=root, log=True) as srv:
        cfg = config(d, srv.port, ["rev.test"], """
  sources = {{sitemap = "http://rev.test/sitemap.xml", outlet = "rev"}}, robots = false,
  limits = {delay = 0},""")
        assert moonwire("run", "-q", cfg).rc == 0
        # the page changes and the sitemap says so with a lastmod after the first fetch
        article(root, "rev.test", "/p/1.html", "Revised story", "Second version, with a correction.")
        future = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        write(root, "rev.test", "/sitemap.xml", urlset(["http://rev.test/p/1.html"], lastmod=future)
              .replace("</urlset>", "<url><loc>http://rev.test/p/2.html</loc><lastmod>2026-01-01</lastmod></url>"
                                    "</urlset>"))
        r = moonwire("run", cfg)
        assert r.rc == 0, r.err
        con = db(d)
        revs = dict(con.execute("select url, revisions from articles").fetchall())
        assert revs == {"http://rev.test/p/1.html": 2, "http://rev.test/p/2.html": 1}, revs
        bodies = [json.loads(x[0])["body"] for x in
                  con.execute("select cast(sqlar_uncompress(revisions.record, revisions.size) as text) from revisions "
                              "join articles on articles.id = article_id where url = 'http://rev.test/p/1.html' "
                              "order by rev")]
        assert "First version." in bodies[0] and "Second version" in bodies[1], bodies
        fetched = [t for _, h, t, _ in log_lines(srv) if t.startswith("/p/")]
        assert sorted(fetched) == ["/p/1.html", "/p/1.html", "/p/2.html"], fetched


# ---------------------------------------------------------------- politeness

def test_robots_disallow_and_crawl_delay():
    d = tempfile.mkdtemp(prefix="mw-crawl-")
    root = os.path.join(d, "site")
    for i in (1, 2, 3):
        article(root, "polite.test", f"/news/{i}.html", f"Polite {i}")
    article(root, "polite.test", "/private/secret.html", "Secret")
    write(root, "polite.test", "/robots.txt", "User-agent: *\nDisallow: /private/\nCrawl-delay: 1\n\n"
          "User-agent: GreedyBot\nDisallow: /\n")
    write(root, "polite.test", "/feed.xml", rss([f"http://polite.test/news/{i}.html" for i in (1, 2, 3)]
                                                + ["http://polite.test/private/secret.html"]))
    # a host whose robots.txt has a group for us: it wins over "*"
    article(root, "ours.test", "/open/1.html", "Ours open")
    article(root, "ours.test", "/closed/1.html", "Ours closed")
    write(root, "ours.test", "/robots.txt", "User-agent: *\nDisallow: /\n\nUser-agent: moonwire\n"
          "Disallow: /closed/\n")
    write(root, "ours.test", "/feed.xml", rss(["http://ours.test/open/1.html", "http://ours.test/closed/1.html"]))
    with Server(root=root, log=True) as srv:
        cfg = config(d, srv.port, ["polite.test", "ours.test"], """
  sources = {{feed = "http://polite.test/feed.xml", outlet = "polite"},
             {feed = "http://ours.test/feed.xml", outlet = "ours"}},
  limits = {delay = "100ms"},""")
        r = moonwire("run", cfg)
        assert r.rc == 0, r.err
        lines = log_lines(srv)
        targets = [t for _, h, t, _ in lines]
        assert "/private/secret.html" not in targets and "/closed/1.html" not in targets, targets
        assert "/open/1.html" in targets
        polite = [t for t, h, _, _ in lines if h == "polite.test"]
        assert len(polite) == 5, polite   # robots, feed, three articles
        gaps = [b - a for a, b in zip(polite, polite[1:])]
        assert min(gaps) >= 1000, gaps    # Crawl-delay: 1 beats the configured 100 ms
        ours = [t for t, h, _, _ in lines if h == "ours.test"]
        assert min(b - a for a, b in zip(ours, ours[1:])) >= 100, ours
        st = dict(db(d).execute("select url, state from frontier").fetchall())
        assert st["http://polite.test/private/secret.html"] == "robots", st   # refused by robots.txt, never fetched
        assert len(stored_urls(d)) == 4


def test_429_retry_after_is_honoured():
    d = tempfile.mkdtemp(prefix="mw-crawl-")
    root = os.path.join(d, "site")
    article(root, "busy.test", "/ok.html", "Fine page")
    with Server(root=root, log=True) as srv:
        page = "http://busy.test/_fault/429-retry-after?secs=2&fail=1&key=ra1"
        write(root, "busy.test", "/feed.xml", rss([page, "http://busy.test/ok.html"]).replace("&", "&amp;"))
        cfg = config(d, srv.port, ["busy.test"], """
  sources = {{feed = "http://busy.test/feed.xml", outlet = "busy"}}, robots = false,
  limits = {delay = 0, backoff = "100ms"},""")
        r = moonwire("run", cfg)
        assert r.rc == 0, r.err
        hits = [(t, s) for t, h, tg, s in log_lines(srv) if "ra1" in tg]
        assert [s for _, s in hits] == [429, 200], hits
        assert hits[1][0] - hits[0][0] >= 2000, hits   # Retry-After: 2 beats the 100 ms back-off
        rows = db(d).execute("select status, error from fetch_log where url like '%ra1%' order by id").fetchall()
        assert rows[0][0] == 429 and "retrying in 2000 ms" in rows[0][1] and rows[1] == (200, None), rows


def test_hanging_host_does_not_stall_others():
    d = tempfile.mkdtemp(prefix="mw-crawl-")
    root = os.path.join(d, "site")
    for i in range(1, 9):
        article(root, "fast.test", f"/s/{i}.html", f"Fast {i}")
    write(root, "fast.test", "/feed.xml", rss([f"http://fast.test/s/{i}.html" for i in range(1, 9)]))
    write(root, "hang.test", "/feed.xml", rss([f"http://hang.test/_fault/hang?i={i}" for i in range(1, 6)])
          .replace("&", "&amp;"))
    with Server(root=root, log=True) as srv:
        cfg = config(d, srv.port, ["fast.test", "hang.test"], """
  sources = {{feed = "http://hang.test/feed.xml", outlet = "hang"},
             {feed = "http://fast.test/feed.xml", outlet = "fast"}},
  robots = false,
  limits = {delay = "200ms", timeout = "2s", retries = 1, host_failures = 2},""")
        r = moonwire("run", "--jsonl", cfg, guard=120)
        assert r.rc == 1, r.err   # the given-up host is an error record: exit status 1 (issue 10)
        assert len(stored_urls(d)) == 8, stored_urls(d)
        # without the give-up five hanging pages with a retry each would be tried: it gives up after two
        # failures, and the pages it did not try stay queued (checked below)
        assert "given up for this run" in r.err, r.err
        # the fast host went on while the other hung: in the server's log (one line per request, in the order
        # they happened; a hanging request is logged when it arrives) some fast pages come between the hanging
        # host's first request and its last one. A crawler that waited on the hanging host would log them all
        # before or all after.
        lines = log_lines(srv)
        hang = [i for i, (_, h, tg, _) in enumerate(lines) if h == "hang.test" and "/_fault/hang" in tg]
        fast = [i for i, (_, h, tg, _) in enumerate(lines) if h == "fast.test" and "/s/" in tg]
        assert len(hang) >= 2 and len(fast) == 8, lines
        assert any(hang[0] < i < hang[-1] for i in fast), lines
        errs = [x for x in r.records() if x["error"]]
        assert any("hang" in x["url"] and "Timeout" in x["error"]["message"] or "timed out" in
                   x["error"]["message"] for x in errs), errs
        st = dict(db(d).execute("select url, state from frontier where url like '%hang%'").fetchall())
        assert list(st.values()).count("queued") >= 3, st   # not tried: left queued for the next run


def test_failures_are_records_and_the_run_goes_on():
    d = tempfile.mkdtemp(prefix="mw-crawl-")
    root = os.path.join(d, "site")
    article(root, "bad.test", "/good.html", "Good page")
    urls = ["http://bad.test/_fault/status/500", "http://bad.test/_fault/gzip-bomb?mb=64",
            "http://bad.test/_fault/truncated", "http://bad.test/_fault/status/404", "http://bad.test/good.html"]
    write(root, "bad.test", "/feed.xml", rss(urls).replace("&", "&amp;"))
    with Server(root=root, log=True) as srv:
        cfg = config(d, srv.port, ["bad.test"], """
  sources = {{feed = "http://bad.test/feed.xml", outlet = "bad"}, {feed = "http://bad.test/missing.xml",
              outlet = "bad"}},
  robots = false,
  limits = {delay = 0, retries = 0, max_body = "1MB"},""")
        r = moonwire("run", "--jsonl", cfg)
        assert r.rc == 1, r.err   # error records make the exit status 1 (issue 10)
        recs = {x["url"]: x for x in r.records()}
        assert recs["http://bad.test/good.html"]["error"] is None
        assert "HTTP 500" in recs["http://bad.test/_fault/status/500"]["error"]["message"]
        assert "HTTP 404" in recs["http://bad.test/_fault/status/404"]["error"]["message"]
        assert "larger than 1048576" in recs["http://bad.test/_fault/gzip-bomb?mb=64"]["error"]["message"]
        assert recs["http://bad.test/_fault/truncated"]["error"]["stage"] == "fetch"
        assert "HTTP 404" in recs["http://bad.test/missing.xml"]["error"]["message"]
        rows = dict(db(d).execute("select url, error from fetch_log where error is not null").fetchall())
        assert len(rows) == 5 and all(rows.values()), rows
        assert stored_urls(d) == ["http://bad.test/good.html"]
        assert "errors" in r.err


# ---------------------------------------------------------------- export, schedule, config

def test_export_formats_and_filters():
    d = tempfile.mkdtemp(prefix="mw-crawl-")
    root = os.path.join(d, "site")
    build_discovery_site(root)
    with Server(root=root) as srv:
        cfg = discovery_config(d, srv.port)
        assert moonwire("run", "-q", cfg).rc == 0
    store = os.path.join(d, "store.sqlite")
    r = moonwire("export", "--store", store)
    assert r.rc == 0 and len(r.records()) == 11, r.err
    r = moonwire("export", cfg, "--outlet", "list_test")
    assert r.rc == 0 and sorted(x["url"] for x in r.records()) == [f"http://list.test/a/{i}.html" for i in (1, 2, 3)]
    r = moonwire("export", "--store", store, "--outlet", "maps", "--format", "csv")
    lines = r.out.splitlines()
    assert r.rc == 0 and lines[0].startswith("url,canonical_url,outlet,rule,kind,title") and len(lines) >= 5, r.out
    assert moonwire("export", "--store", store, "--since", "1h").records()
    assert not moonwire("export", "--store", store, "--since", "2999-01-01").records()
    assert moonwire("export", "--store", store, "--format", "yaml").rc == 2   # xml is TEI since issue 12
    assert moonwire("export", "--store", os.path.join(d, "none.sqlite")).rc == 1


def test_every_stops_cleanly_on_sigterm():
    d = tempfile.mkdtemp(prefix="mw-crawl-")
    root = os.path.join(d, "site")
    build_discovery_site(root)
    with Server(root=root) as srv:
        cfg = discovery_config(d, srv.port)
        e = dict(os.environ)
        e.setdefault("MOONWIRE_SCRIPTS", os.path.join(ROOT, "scripts"))
        w = Watch([MOONWIRE, "run", "--every", "1s", cfg], env=e)
        # two passes done (each prints its summary table on stdout): then stop it
        w.wait(lambda out, err: out.count("total") >= 2, cap=120, what="two passes of --every 1s")
        w.proc.send_signal(signal.SIGTERM)
        rc, out, err = w.finish(cap=60)
        assert rc == 0, err
        assert err.count("pass ") >= 2 and "stopped by signal" in err, err
        assert out.count("total") >= 2, out
        assert len(stored_urls(d)) == 11


def test_usage_and_config_errors():
    d = tempfile.mkdtemp(prefix="mw-crawl-")
    assert moonwire("run").rc == 2
    r = moonwire("run", "--help")
    assert r.rc == 0 and "usage: moonwire run" in r.out and "--every" in r.out
    r = moonwire("export", "--help")
    assert r.rc == 0 and "usage: moonwire export" in r.out
    bad = {"typo.lua": ("return {outlets = {'x'}, limts = {}}", "limts: unknown key"),
           "delay.lua": ("return {sources = {'http://a.test/f.xml'}, limits = {delay = 'soon'}}", "limits.delay"),
           "none.lua": ("return {}", "name at least one outlet"),
           "rule.lua": ("return {outlets = {'no_such_rule'}, store = 's.sqlite'}", "no rule named \"no_such_rule\""),
           "syntax.lua": ("return {", "syntax.lua:1:")}
    for name, (code, want) in bad.items():
        p = os.path.join(d, name)
        open(p, "w").write(code)
        r = moonwire("run", p)
        assert r.rc == 2 and want in r.err, (name, r.rc, r.err)
    assert moonwire("run", "--every", "soon", os.path.join(d, "typo.lua")).rc == 2


if __name__ == "__main__":
    main([test_feeds_sitemaps_listing, test_second_run_gets_304_and_fetches_nothing_again,
          test_changed_page_is_a_new_revision, test_robots_disallow_and_crawl_delay, test_429_retry_after_is_honoured,
          test_hanging_host_does_not_stall_others, test_failures_are_records_and_the_run_goes_on,
          test_export_formats_and_filters, test_every_stops_cleanly_on_sigterm, test_usage_and_config_errors])
