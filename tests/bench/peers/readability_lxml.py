#!/usr/bin/env python3
"""tests/bench/peers/readability_lxml.py: runs readability-lxml (Debian python3-readability) over saved pages
for tests/bench/bench.py. Not moonwire code; never imported by it.

    readability_lxml.py OUT.jsonl DIR [--reps N]

Run as readability-lxml's README and CLI run it: Document(html, url=...), .short_title(), .summary(), default
options, Python's collector left to itself (no forced gc.collect()). Reads every DIR/**/*.html.gz into memory
first, then per page times those calls in wall time and CPU time (time.process_time), converts the summary
HTML to paragraphs (timed apart and left out), and writes {"file", "title", "authors", "published", "body",
"ms", "cpu_ms", "ms_body", "ms_convert"} per line. Prints one JSON summary (peak RSS, RSS once the pages were
loaded) on stdout.
"""
import gzip, json, logging, os, resource, sys, time

import lxml.html
from readability import Document

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from paragraphs import lxml_paragraphs  # noqa: E402

logging.disable(logging.CRITICAL)   # readability logs every failed candidate search


def pages(root):
    out = []
    for d, _, files in os.walk(root):
        for f in sorted(files):
            if f.endswith(".html.gz"):
                out.append(os.path.join(d, f))
    out.sort()
    return out


def sidecar_url(path):
    try:
        with open(path[: -len(".html.gz")] + ".json", encoding="utf-8") as fh:
            return json.load(fh).get("url")
    except (OSError, ValueError):
        return None


def median(v):
    v = sorted(v)
    n = len(v)
    return 0.0 if not n else (v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2)


def one(html, url, t):
    c0 = t[1] = time.process_time()
    t0 = t[0] = time.perf_counter()
    doc = Document(html, url=url)
    title = doc.short_title()
    t1 = time.perf_counter()
    summary = doc.summary()
    t2 = time.perf_counter()
    c2 = time.process_time()
    body = lxml_paragraphs(lxml.html.document_fromstring(summary)) if summary and summary.strip() else ""
    t3 = time.perf_counter()
    return title, body, (t2 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3, (c2 - c0) * 1e3


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out_path, root = sys.argv[1], sys.argv[2]
    reps = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--reps" else 1
    loaded = []
    for p in pages(root):
        with gzip.open(p, "rb") as fh:
            # The corpus stores every page as UTF-8 (some still declare another charset): decode it here so
            # readability's own charset guess cannot garble a page moonwire reads right.
            loaded.append((p, fh.read().decode("utf-8", "replace"), sidecar_url(p)))
    loaded_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    failed = 0
    with open(out_path, "w", encoding="utf-8") as out:
        for path, html, url in loaded:
            rec = {"file": path, "title": None, "authors": [], "published": None, "body": ""}
            runs = []
            for _ in range(reps):
                t = [time.perf_counter(), time.process_time()]
                try:
                    title, body, ms, ms_body, ms_conv, cpu = one(html, url, t)
                    rec.update(title=title, body=body)
                except Exception as e:  # a peer failing on a page is a result (timed until it failed)
                    rec["error"] = f"{type(e).__name__}: {e}"[:300]
                    ms = ms_body = (time.perf_counter() - t[0]) * 1e3
                    cpu = (time.process_time() - t[1]) * 1e3
                    ms_conv = 0.0
                runs.append((ms, ms_body, ms_conv, cpu))
            failed += "error" in rec
            rec["ms"] = median([r[0] for r in runs])
            rec["cpu_ms"] = median([r[3] for r in runs])
            rec["ms_body"] = median([r[1] for r in runs])
            rec["ms_convert"] = median([r[2] for r in runs])
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    import readability
    print(json.dumps({"peer": "readability-lxml", "version": getattr(readability, "__version__", None),
                      "pages": len(loaded), "reps": reps, "failed": failed, "loaded_rss_kb": loaded_kb,
                      "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


if __name__ == "__main__":
    main()
