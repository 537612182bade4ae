"""tests/bench/fetch_many.py: `moonwire fetch -i` of 40 URLs on 4 hosts (mw-testd, 127.0.0.1, every answer delayed
by --latency ms as a distant server's would be) at once versus one by one (--connections 1, the same code; and,
when OLD_MOONWIRE names a binary, that binary fetching them as arguments). Prints wall times and the ratio.
Usage: python3 tests/bench/fetch_many.py [LATENCY_MS]   (a benchmark: nothing is asserted)"""
import os, subprocess, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import MOONWIRE
from cli_lib import SpanServer

HOSTS = ["one.test", "two.test", "three.test", "four.test"]


def timed(args):
    t0 = time.monotonic()
    p = subprocess.run(args, capture_output=True, text=True)
    dt = time.monotonic() - t0
    n = len([l for l in p.stdout.splitlines() if l.strip()])
    return dt, n, p.returncode


def main():
    latency = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    with SpanServer(latency_ms=latency) as srv:
        urls = [f"http://{h}:{srv.port}/_gen/a/{k * 100 + i + 1}.html" for k, h in enumerate(HOSTS) for i in range(10)]
        lst = os.path.join(srv.dir, "urls.txt")
        open(lst, "w").write("\n".join(urls) + "\n")
        res = srv.resolve(*HOSTS)
        rows = []
        for label, args in (("at once (4 hosts, 1 per host)", [MOONWIRE, "fetch", "--delay", "0", *res, "-i", lst]),
                            ("one by one (--connections 1)", [MOONWIRE, "fetch", "--delay", "0", "--connections", "1",
                                                               *res, "-i", lst])):
            rows.append((label, *timed(args)))
        old = os.environ.get("OLD_MOONWIRE")
        if old:
            rows.append(("one by one (OLD_MOONWIRE, URLs as arguments)", *timed([old, "fetch", *res, *urls])))
    print(f"fetch of 40 URLs on 4 hosts, server latency {latency} ms:")
    for label, dt, n, rc in rows:
        print(f"  {label:46s} {dt:6.2f} s  {n} records  exit {rc}")
    base = rows[0][1]
    for label, dt, _, _ in rows[1:]:
        print(f"  speed-up against {label}: {dt / base:.2f}x")


if __name__ == "__main__":
    main()
