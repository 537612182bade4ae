"""tests/integration/test_cli_new.py: `moonwire new NAME PAGE...` takes several pages: the `article` pattern fits
the URL of every page (checked with Lua's own string.find through `moonwire eval`), each page's URL comes from its
canonical link when --url is not given, and each page becomes a fixture the rule passes."""
import glob, json, os, re, sys, tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import main, moonwire, shared


def lua_finds(pattern, urls):
    d = tempfile.mkdtemp()
    script = os.path.join(d, "m.lua")
    with open(script, "w") as f:
        f.write(f"local p = {json.dumps(pattern)}\n")
        for u in urls:
            f.write(f"print(string.find({json.dumps(u)}, p) ~= nil)\n")
    r = moonwire("eval", script)
    assert r.rc == 0, r.err
    return [l == "true" for l in r.out.split()]


def test_several_pages_one_pattern_urls_from_canonical():
    pages = sorted(glob.glob(os.path.join(shared("corpus", "outlets", "anadolu"), "*.html.gz")))
    assert len(pages) >= 3, pages
    urls = [json.load(open(p[:-8] + ".json"))["url"] for p in pages]
    out = tempfile.mkdtemp(prefix="mw-new-")
    r = moonwire("new", "ana", "-o", out, *pages)
    assert r.rc == 0, r.err
    rule = open(os.path.join(out, "ana.lua")).read()
    pattern = re.search(r'article = "([^"]*)"', rule).group(1).replace("\\\\", "\\")
    assert all(lua_finds(pattern, urls)), (pattern, urls)
    # not a catch-all: another site's URL and the outlet's home page do not fit
    assert lua_finds(pattern, ["https://www.aa.com.tr/", "https://example.org/tr/ekonomi/x/1"]) == [False, False]
    fixtures = sorted(glob.glob(os.path.join(out, "ana", "*.json")))
    assert sorted(json.load(open(f))["url"] for f in fixtures) == sorted(urls)   # each page's canonical link
    t = moonwire("test", "--fixtures", os.path.join(out, "ana"), "ana", env={"MOONWIRE_RULES": out})
    assert t.rc == 0 and f"{len(pages)} passed, 0 failed" in t.out, t.out


def test_url_rules():
    d = tempfile.mkdtemp()
    bare = os.path.join(d, "bare.html")
    with open(bare, "w") as f:
        f.write("<html><head><title>x</title></head><body><h1>x</h1><p>no canonical link here</p></body></html>")
    r = moonwire("new", "bare", "-o", d, bare)
    assert r.rc == 2 and "--url" in r.err and "canonical" in r.err, r.err
    r = moonwire("new", "bare", "-o", d, "--url", "http://bare.example/a/1", bare, bare)
    assert r.rc == 2 and "one page" in r.err, r.err
    for url in ("ftp://bare.example/news/1", "file:///tmp/bare.html"):   # a host, but not a web page's
        r = moonwire("new", "bare", "-o", d, "--url", url, bare)
        assert r.rc == 2 and "absolute http(s) URL" in r.err, (url, r.err)
    r = moonwire("new", "bare", "-o", d, "--url", "http://bare.example/news/2026/story-one", bare)
    assert r.rc == 0, r.err
    assert 'domains = {"bare.example"}' in open(os.path.join(d, "bare.lua")).read()


if __name__ == "__main__":
    main([test_several_pages_one_pattern_urls_from_canonical, test_url_rules])
