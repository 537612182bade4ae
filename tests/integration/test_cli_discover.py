"""tests/integration/test_cli_discover.py: one-off discovery without a config: `moonwire fetch --feed URL`,
`--sitemap URL`, `--crawl URL [--max N]` against mw-testd's synthetic site (/_gen/), records printed as they
come; robots.txt is obeyed for discovery."""
import os, sys, tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import main, moonwire
from cli_lib import SpanServer


def articles(r):
    return sorted(x["url"] for x in r.records() if not x.get("error"))


def test_feed():
    with SpanServer() as srv:
        r = moonwire("fetch", "--delay", "0", "--feed", srv.url("/_gen/feed.xml?n=4"))
        assert r.rc == 0, r.err
        assert articles(r) == sorted(srv.url(f"/_gen/a/{i}.html") for i in range(1, 5)), r.out
        assert all(x["title"] for x in r.records())
        targets = [s[3] for s in srv.spans()]
        assert targets[0] == "/robots.txt", targets   # discovery obeys robots.txt
        r = moonwire("fetch", "--delay", "0", "--feed", srv.url("/_gen/feed.xml?n=30"), "--max", "5")
        assert len(articles(r)) == 5, r.out


def test_sitemap_with_max_and_article_pattern():
    with SpanServer() as srv:
        r = moonwire("fetch", "--delay", "0", "--sitemap", srv.url("/_gen/sitemap.xml?n=40"), "--max", "3")
        assert r.rc == 0 and len(articles(r)) == 3, (r.rc, r.out)
        r = moonwire("fetch", "--delay", "0", "--sitemap", srv.url("/_gen/sitemap.xml?n=40"), "--max", "0",
                     "--article", "/a/1%d%.html$")
        assert articles(r) == sorted(srv.url(f"/_gen/a/1{i}.html") for i in range(10)), articles(r)


def test_crawl_follows_links_within_the_site():
    with SpanServer() as srv:
        r = moonwire("fetch", "--delay", "0", "--crawl", srv.url("/_gen/index.html?n=3"), "--max", "8",
                     "--format", "jsonl")
        recs = r.records()
        assert len(recs) == 8, [x["url"] for x in recs]
        urls = [x["url"] for x in recs]
        # the listing's own links first, then links found on those pages
        assert sorted(urls[:3]) == [srv.url(f"/_gen/a/{i}.html") for i in (1, 2, 3)], urls
        assert any(u not in [srv.url(f"/_gen/a/{i}.html") for i in (1, 2, 3)] for u in urls[3:]), urls
        assert all(u.startswith(srv.base) for u in urls)
        pages = [s for s in srv.spans() if s[3] not in ("/robots.txt", "/_gen/index.html?n=3")]
        assert len(pages) == 8, pages   # --max is what was fetched, not only what was printed


def test_failed_feed_is_an_error_record():
    with SpanServer() as srv:
        r = moonwire("fetch", "--delay", "0", "--retries", "0", "--feed", srv.url("/_fault/status/500"))
        assert r.rc == 1, r.err
        (rec,) = r.records()
        assert rec["error"] and "500" in rec["error"]["message"], rec
        assert r.err.count("moonwire: fetch:") == 1, r.err


if __name__ == "__main__":
    main([test_feed, test_sitemap_with_max_and_article_pattern, test_crawl_follows_links_within_the_site,
          test_failed_feed_is_an_error_record])
