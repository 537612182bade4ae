#!/usr/bin/env python3
"""tests/fuzz/seeds.py OUT: seed corpora for the fuzz targets, made from the project's own files (the demo
site, rule files, unit-test rows) into OUT/<target>/, one file per seed. Nothing comes from ../shared."""
import glob, gzip, hashlib, io, os, re, sys, zlib

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "fuzz", "seeds")


def files(pattern):
    return sorted(glob.glob(os.path.join(ROOT, pattern), recursive=True))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def literals(path, limit=200):
    """Double- and single-quoted string literals of a C or Lua file (escapes left as written)."""
    text = read(path).decode("utf-8", "replace")
    out = []
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'', text):
        s = m.group(1) if m.group(1) is not None else m.group(2)
        if 0 < len(s) <= limit:
            out.append(s.replace('\\"', '"').replace("\\'", "'").replace("\\\\", "\\"))
    return out


def save(target, seeds):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    n = 0
    for s in seeds:
        if isinstance(s, str):
            s = s.encode("utf-8", "surrogateescape")
        name = hashlib.sha1(s).hexdigest()[:16]
        with open(os.path.join(d, name), "wb") as f:
            f.write(s)
        n += 1
    return n


def html_pages():
    pages = files("examples/demo-site/**/*.html") + files("tests/rules/**/*.html")
    return [read(p) for p in pages]


def warc_record(typ, uri, block, extra=b""):
    head = (b"WARC/1.1\r\nWARC-Type: " + typ + b"\r\nWARC-Record-ID: <urn:uuid:" +
            hashlib.md5(block + (uri or b"")).hexdigest().encode() + b">\r\nWARC-Date: 2026-01-01T00:00:00Z\r\n" +
            (b"WARC-Target-URI: " + uri + b"\r\n" if uri else b"") + extra +
            b"Content-Length: " + str(len(block)).encode() + b"\r\n\r\n")
    return head + block + b"\r\n\r\n"


def warcs(pages):
    out = []
    for i, page in enumerate(pages[:6]):
        page = page[:4000]
        http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
                str(len(page)).encode() + b"\r\n\r\n" + page)
        chunked = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n" +
                   b"%x\r\n" % len(page) + page + b"\r\n0\r\n\r\n")
        gz = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n" + gzip.compress(page))
        recs = [warc_record(b"warcinfo", None, b"software: seeds\r\n", b"Content-Type: application/warc-fields\r\n"),
                warc_record(b"request", b"https://demo.example/%d" % i, b"GET / HTTP/1.1\r\nHost: demo.example\r\n\r\n"),
                warc_record(b"response", b"https://demo.example/%d" % i, [http, chunked, gz][i % 3],
                            b"Content-Type: application/http; msgtype=response\r\n")]
        plain = b"".join(recs)
        out.append(bytes([i]) + plain)
        out.append(bytes([0x80 | i]) + b"".join(gzip.compress(r) for r in recs))
        out.append(bytes([i + 3]) + gzip.compress(plain))
        out.append(bytes([i]) + plain.replace(b"WARC/1.1", b"WARC/1.0"))
    return out


def main():
    pages = html_pages()
    counts = {}
    charsets = [None, "text/html", "text/html; charset=utf-8", "text/html; charset=windows-1251"]
    counts["fuzz_html"] = save("fuzz_html", [bytes([i % 4]) + p for i, p in enumerate(pages)] + [b"\x00", b"\x01<p>x"])
    sels = set()
    for f in files("scripts/outlets/*.lua") + files("scripts/lib/*.lua") + files("tests/unit/test_css.c"):
        for s in literals(f):
            if not re.search(r"[%^$]|\\[nt]", s) and re.match(r"^[\w.#\[:*>+~ ,='\"()\-@|^$]+$", s):
                sels.add(s)
    counts["fuzz_css"] = save("fuzz_css", sorted(sels)[:400])
    dates = [s for s in literals(os.path.join(ROOT, "tests/unit/test_date.c")) if re.search(r"\d", s)]
    counts["fuzz_date"] = save("fuzz_date", ["\n\n\n" + d for d in dates] +
                               ["en\n+03:00\n\n" + d for d in dates[:40]] + ["\n\n%d.%m.%Y %H:%M\n14.01.2020 12:05",
                                                                         "\n\nunix\n1579003500"])
    src = files("examples/demo-site/**/*.xml") + files("examples/demo-site/**/robots.txt") + \
        files("examples/demo-site/*/index.html")
    counts["fuzz_discover"] = save("fuzz_discover", [bytes([i % 8]) + read(p) for i, p in enumerate(src)] +
                                   [b"\x00" + gzip.compress(read(p)) for p in files("examples/demo-site/**/sitemap.xml")])
    urls = literals(os.path.join(ROOT, "tests/unit/test_url.c"))
    bases = [u for u in urls if u.startswith("http")][:20] or ["https://a.example/b/c"]
    counts["fuzz_url"] = save("fuzz_url", [b + "\n" + r for b in bases[:8] for r in urls[:60]] + ["\n" + u for u in urls])
    ld = []
    for p in pages:
        ld += re.findall(rb'<script[^>]*ld\+json[^>]*>(.*?)</script>', p, re.S)
    counts["fuzz_jsonld"] = save("fuzz_jsonld", ld + [b'{"@type":"NewsArticle","headline":"h",}', b"<!--[{\"@graph\":[]}]-->"])
    state = []
    for p in pages:   # a page's headline and its inline JSON blobs (not JSON-LD)
        h1 = re.search(rb"<h1[^>]*>(.*?)</h1>", p, re.S)
        for attrs, blob in re.findall(rb"<script([^>]*)>(.*?)</script>", p, re.S):
            if b"json" in attrs and b"ld+json" not in attrs:
                state.append((h1.group(1).strip() if h1 else b"") + b"\n" + blob)
    para = b'{"type":"paragraph","text":"A paragraph of the story, which is long enough to read as prose."}'
    state += [b"Pier to be rebuilt after storms\n" + b'{"story":{"headline":"Pier to be rebuilt after storms","blocks":[' +
              b",".join([para] * 3) + b"]}}",
              b"Pier to be rebuilt after storms\n" + b'{"s":{"h":"\\u0050ier to be rebuilt","p":["One\\u0020two\\u0020'
              b'three\\u0020four-and-on-and-on-to-forty","One two three four and on and on to forty","x y z w and on and '
              b'on and on to forty bytes"]}}']
    counts["fuzz_state"] = save("fuzz_state", state)
    counts["fuzz_warc_read"] = save("fuzz_warc_read", warcs(pages))
    ev = []
    for i, p in enumerate(pages[:8]):
        ev.append(b"\0".join([b'{"path": "x.warc"}', b"https://demo.example/%d" % i, b"https://demo.example/f%d" % i if i % 2 else b"",
                              b"GET / HTTP/1.1\r\nHost: demo.example\r\n" if i % 3 else b"", b"HTTP/1.1 200 OK",
                              b"Content-Type: text/html\r\nContent-Length: 5\r\n", b"127.0.0.1", b"2026-01-01T00:00:00Z",
                              p[:2000]]))
    counts["fuzz_warc_write"] = save("fuzz_warc_write", ev)
    pool = [b"a", b"p", b"//p/namespace::*", b"article p", b"h1, h2", b'{"a": [1, 2, {"b": null}]}', b"%w+", b"(%a+)",
            b"14.01.2020", b"https://a.example/x/", b"../y?utm_source=z", b"  a\n\n b  ", b"return 1 + 1"]
    lua = []
    for i, p in enumerate(pages[:10]):
        ops = bytes((i * 7 + k * 3) % 34 for k in range(40))
        lua.append(ops + b"\0" + p[:3000] + b"\0" + b"\0".join(pool))
    lua.append(bytes(range(34)) + b"\0" + b"<p id=a class='b c'>x</p>" + b"\0" + b"\0".join(pool))
    lua.append(bytes([0, 3, 14, 5, 6, 7, 33]) + b"\0<p>x</p>\0p")   # close the document, then use its node
    counts["fuzz_lua"] = save("fuzz_lua", lua)
    pats = set()
    for f in files("scripts/outlets/*.lua") + files("scripts/lib/*.lua"):
        pats.update(s for s in literals(f, 80) if "%" in s or "^" in s)
    subjects = ["CAIRO, January 14. /TASS/. Text", "By Jane Doe and John Roe", "2020-01-14T12:05:00+03:00",
                "a,b,,c", "  spaced  out  ", "[x](y) {z}"]
    counts["fuzz_pattern"] = save("fuzz_pattern", [s + "\0" + p + "\0%1-%0\0\x01" for p in sorted(pats)[:80]
                                                   for s in subjects[:3]] +
                                  [s + "\0" + p + "\0<%0>\0\x00" for s in subjects for p in
                                   ["(%w+)", "%f[%w]%w+", "%b()", "(a*(.)%w(%s*))", "^(.-)$", "[%]%-]", "()x"]])
    print(" ".join(f"{k}={v}" for k, v in counts.items()))


main()
