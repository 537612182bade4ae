"""tests/integration/test_warc.py: WARC files into `moonwire extract`. The warc plugin (build/plugins/warc.so)
is driven through ctypes with pages fetched from mw-testd, and the records from the WARC must equal the records
from the same pages saved as plain files; also the same file decompressed and whole-file gzipped, a WARC that
wget writes (when wget is installed), and a damaged file."""
import ctypes, gzip, hashlib, base64, json, os, shutil, subprocess, sys, tempfile, urllib.request, zlib

sys.path.insert(0, os.path.dirname(__file__))
from harness import ROOT, Server, Skip, main, moonwire

PLUGIN = os.path.join(ROOT, "build", "plugins", "warc.so")
PAGES = ["/_gen/a/1.html", "/_gen/a/2.html", "/_gen/a/3.html"]


class Event(ctypes.Structure):
    _fields_ = [("url", ctypes.c_char_p), ("final_url", ctypes.c_char_p), ("method", ctypes.c_char_p),
                ("request_headers", ctypes.c_char_p), ("status", ctypes.c_long), ("status_line", ctypes.c_char_p),
                ("response_headers", ctypes.c_char_p), ("body", ctypes.c_char_p), ("body_len", ctypes.c_size_t),
                ("fetched", ctypes.c_char_p), ("remote_ip", ctypes.c_char_p), ("ms", ctypes.c_double),
                ("error", ctypes.c_char_p)]


OPEN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p, ctypes.c_char_p,
                        ctypes.c_size_t)
ON_FETCH = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(Event), ctypes.c_char_p, ctypes.c_size_t)
FLUSH = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t)
CLOSE = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


class SinkOps(ctypes.Structure):
    _fields_ = [("open", OPEN), ("on_fetch", ON_FETCH), ("on_record", ctypes.c_void_p), ("flush", FLUSH),
                ("close", CLOSE)]


class Plugin(ctypes.Structure):
    _fields_ = [("abi", ctypes.c_uint), ("name", ctypes.c_char_p), ("version", ctypes.c_char_p),
                ("sink", ctypes.POINTER(SinkOps)), ("source", ctypes.c_void_p)]


def sink():
    if not os.path.exists(PLUGIN):
        raise AssertionError(f"{PLUGIN} is missing: run make")
    lib = ctypes.CDLL(PLUGIN)
    lib.moonwire_plugin.restype = ctypes.POINTER(Plugin)
    p = lib.moonwire_plugin().contents
    assert p.abi == 3 and p.name == b"warc", (p.abi, p.name)   # core/plugin.h MW_PLUGIN_ABI
    return lib, p.sink.contents


def fetch(url):
    """One page from mw-testd as the crawler would report it (gzip asked for, decoded here)."""
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip", "User-Agent": "mw-it"})
    with urllib.request.urlopen(req) as r:
        raw = r.read()
        headers = "".join(f"{k}: {v}\r\n" for k, v in r.getheaders())
        body = gzip.decompress(raw) if r.headers.get("Content-Encoding") == "gzip" else raw
        return r.status, headers, body


def write_warc(path, pages):
    """pages: (url, status, response headers, body); an image and a failed fetch are added."""
    lib, ops = sink()
    err = ctypes.create_string_buffer(256)
    st = ctypes.c_void_p()
    assert ops.open(ctypes.byref(st), json.dumps({"path": path}).encode(), err, 256) == 0, err.value
    keep = []
    extra = [("http://127.0.0.1:1/logo.png", 200, "Content-Type: image/png\r\n", b"\x89PNG\r\n\x1a\n\0\0")]
    for url, status, headers, body in pages + extra:
        host = url.split("/")[2]
        req = f"GET /{url.split('/', 3)[3]} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: gzip\r\n\r\n"
        fields = [url.encode(), None, b"GET", req.encode(), status, None, headers.encode(), body, len(body),
                  b"2026-11-29T10:00:00Z", b"127.0.0.1", 1.0, None]
        keep.append(fields)
        ev = Event(*fields)
        assert ops.on_fetch(st, ctypes.byref(ev), err, 256) == 0, err.value
    failed = Event(b"http://127.0.0.1:1/down", None, b"GET", None, 0, None, None, None, 0, None, None, 0.0,
                   b"connection refused")
    assert ops.on_fetch(st, ctypes.byref(failed), err, 256) == 0
    assert ops.flush(st, err, 256) == 0, err.value
    ops.close(st)


def members(path):
    """Start offsets of the gzip members, and each member's one WARC record."""
    data = open(path, "rb").read()
    pos, out = 0, []
    while pos < len(data):
        z = zlib.decompressobj(31)
        rec = z.decompress(data[pos:])
        assert z.eof, f"member at {pos} does not end"
        assert rec.startswith(b"WARC/1.1\r\n") and rec.endswith(b"\r\n\r\n") and rec.count(b"\r\nWARC/1.1\r\n") == 0
        out.append((pos, rec))
        pos = len(data) - len(z.unused_data)
    return out


def strip(rec, *keys):
    return {k: v for k, v in rec.items() if k not in keys}


def plain_records(tmp, pages):
    """The records of the same pages saved as files, extracted with --url."""
    out = {}
    for i, (url, _, _, body) in enumerate(pages):
        f = os.path.join(tmp, f"page{i}.html")
        open(f, "wb").write(body)
        r = moonwire("extract", "--generic", "--url", url, f)
        assert r.rc == 0, r.err
        out[url] = r.records()[0]
    return out


def with_pages(fn):
    def run():
        tmp = tempfile.mkdtemp(prefix="mw-it-warc-")
        try:
            with Server() as srv:
                pages = []
                for p in PAGES:
                    status, headers, body = fetch(srv.url(p))
                    pages.append((srv.url(p), status, headers, body))
            fn(tmp, pages)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    run.__name__ = fn.__name__
    return run


@with_pages
def test_plugin_warc_extract(tmp, pages):
    path = os.path.join(tmp, "crawl.warc.gz")
    write_warc(path, pages)
    ms = members(path)
    # warcinfo, then request + response per page and the image
    assert len(ms) == 1 + 2 * (len(pages) + 1), len(ms)
    for off, rec in ms:
        head, _, block = rec[:-4].partition(b"\r\n\r\n")
        fields = dict(l.split(": ", 1) for l in head.decode().split("\r\n")[1:])
        assert int(fields["Content-Length"]) == len(block)
        if "WARC-Block-Digest" in fields:
            assert fields["WARC-Block-Digest"] == "sha1:" + base64.b32encode(hashlib.sha1(block).digest()).decode()
    r = moonwire("extract", "--generic", path)
    assert r.rc == 0, r.err
    recs = r.records()
    assert [x["url"] for x in recs] == [p[0] for p in pages]
    response_offsets = [off for off, rec in ms if b"WARC-Type: response" in rec]
    assert [x["file"] for x in recs] == [f"{path}#{o}" for o in response_offsets[:len(pages)]]
    want = plain_records(tmp, pages)
    for x in recs:
        assert x["error"] is None, x["error"]
        assert x["status"] == 200 and x["fetched"] == "2026-11-29T10:00:00Z"
        assert x["title"] and x["body"]
        assert strip(x, "file", "status", "fetched") == strip(want[x["url"]], "file", "status", "fetched")


@with_pages
def test_plain_and_whole_gzip(tmp, pages):
    path = os.path.join(tmp, "crawl.warc.gz")
    write_warc(path, pages)
    first = moonwire("extract", "--generic", path).records()
    plain = os.path.join(tmp, "crawl.warc")
    with gzip.open(path, "rb") as src, open(plain, "wb") as dst:
        data = src.read()
        dst.write(data)
    whole = os.path.join(tmp, "whole.warc.gz")
    with open(whole, "wb") as dst:
        dst.write(gzip.compress(data))
    for f in (plain, whole):
        r = moonwire("extract", "--generic", f)
        assert r.rc == 0, r.err
        recs = r.records()
        assert [strip(x, "file") for x in recs] == [strip(x, "file") for x in first]
        offs = [int(x["file"].rsplit("#", 1)[1]) for x in recs]
        assert all(data[o:o + 9] == b"WARC/1.1\r" for o in offs), offs


def test_wget_warc():
    if not shutil.which("wget"):
        raise Skip("wget is not installed")
    tmp = tempfile.mkdtemp(prefix="mw-it-warc-")
    try:
        with Server() as srv:
            urls = [srv.url(p) for p in PAGES]
            base = os.path.join(tmp, "wget")
            p = subprocess.run(["wget", "-q", "--warc-file=" + base, "--no-warc-keep-log",
                                "--header=Accept-Encoding: gzip", "-O", os.devnull, *urls], cwd=tmp, timeout=60)
            assert p.returncode == 0
            pages = [(u, *fetch(u)) for u in urls]
        r = moonwire("extract", "--generic", base + ".warc.gz")
        assert r.rc == 0, r.err
        recs = r.records()
        assert [x["url"] for x in recs] == urls
        want = plain_records(tmp, pages)
        for x in recs:
            assert x["title"] and x["body"]
            assert strip(x, "file", "status", "fetched") == strip(want[x["url"]], "file", "status", "fetched")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_damaged_warc():
    tmp = tempfile.mkdtemp(prefix="mw-it-warc-")
    try:
        path = os.path.join(tmp, "bad.warc")
        open(path, "w").write("<html>this is not a WARC file</html>\n")
        r = moonwire("extract", "--generic", path, os.path.join(tmp, "absent.warc.gz"))
        assert r.rc == 1, r.err   # error records: exit status 1 (issue 10)
        recs = r.records()
        assert len(recs) == 2
        assert recs[0]["file"] == path and "not a WARC file" in recs[0]["error"]["message"]
        assert recs[1]["error"]["message"].endswith("absent.warc.gz: No such file or directory")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main([test_plugin_warc_extract, test_plain_and_whole_gzip, test_wget_warc, test_damaged_warc])
