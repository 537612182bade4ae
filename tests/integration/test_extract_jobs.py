#!/usr/bin/env python3
"""tests/integration/test_extract_jobs.py: `moonwire extract -j N` extracts on N threads and still prints one
record per page in input order: the demo site's pages, a file that does not exist (its error record keeps its
place), and a WARC of /_gen/ pages in the middle. The output of -j 2 and -j 3 is byte for byte that of -j 1,
and each record equals the one the page gives when extracted alone (nothing leaks from one page to the next
in a thread's runner)."""
import glob, os, sys, tempfile
sys.path.insert(0, os.path.dirname(__file__))
from harness import ROOT, Server, main, moonwire
from test_warc import fetch, write_warc

DEMO = os.path.join(ROOT, "examples", "demo-site")


def inputs(tmp):
    pages = sorted(glob.glob(os.path.join(DEMO, "**", "*.html"), recursive=True))
    assert len(pages) >= 20, pages
    warc = os.path.join(tmp, "gen.warc.gz")
    with Server() as srv:
        got = [(srv.url(p), *fetch(srv.url(p))) for p in ("/_gen/a/7.html", "/_gen/a/8.html", "/_gen/a/9.html")]
    write_warc(warc, got)
    missing = os.path.join(tmp, "no-such-page.html")
    # a page a hundred times the others: the pages after it finish first on the other threads
    big = os.path.join(tmp, "big.html")
    para = "<p>" + "The harbour council met again on Monday to talk about the pay of the workers. " * 6 + "</p>\n"
    open(big, "w").write("<html><head><title>A long report</title></head><body><article><h1>A long report</h1>"
                         + para * 4000 + "</article></body></html>")
    return [big] + pages[:8] + [missing] + pages[8:14] + [warc, big] + pages[14:], missing, warc


def test_records_come_out_in_input_order():
    tmp = tempfile.mkdtemp(prefix="mw-it-jobs-")
    files, missing, warc = inputs(tmp)
    one = moonwire("extract", "-j", "1", *files, guard=120)
    assert one.rc == 1, one.err   # the missing file is an error record
    recs = one.records()
    order = [r["file"].split("#")[0] for r in recs]
    want = [f for f in files for _ in range(3 if f == warc else 1)]   # the WARC holds three HTML responses
    assert order == want, (order, want)
    assert [r for r in recs if r["error"]][0]["file"] == missing
    assert "no-such-page.html" in one.err
    for j in ("2", "3"):
        many = moonwire("extract", "-j", j, *files, guard=120)
        assert many.rc == 1 and many.out == one.out, f"-j {j} differs from -j 1"
        assert sorted(many.err.splitlines()) == sorted(one.err.splitlines()), many.err
    for f, r in zip(files[1:9], recs[1:9]):
        alone = moonwire("extract", f).records()[0]
        assert alone == r, f
    default = moonwire("extract", *files, guard=120)   # one thread per core
    assert default.out == one.out
    print(f"  extract -j: {len(recs)} records from {len(files)} inputs, the same with 1, 2, 3 and default threads")


def test_bad_jobs_is_a_usage_error():
    for bad in ("0", "x", "65", "-2"):
        r = moonwire("extract", "-j", bad, os.path.join(DEMO, "index.html"))
        assert r.rc == 2 and "-j wants a number of threads" in r.err, (bad, r.rc, r.err)


if __name__ == "__main__":
    main([test_records_come_out_in_input_order, test_bad_jobs_is_a_usage_error])
