"""tests/bench/fetch_many.py: `moonwire fetch -i` of 40 URLs on 4 hosts (mw-testd, 127.0.0.1, every answer delayed
by --latency ms as a distant server's would be) at once versus one by one (--connections 1, the same code), versus
one process per URL (a shell loop of 40 `moonwire fetch URL`, as a user without -i would write it; each process
loads its rules and connects anew), and, when OLD_MOONWIRE names a binary, that binary fetching them as arguments.
ROUNDS rounds (default 5), the rows interleaved and their order rotated each round; prints per row the median and
range of wall and CPU (user+sys of the processes a row ran) times, what mw-testd's spans saw (requests, connections,
most requests in the server at once, overlapping pairs to one host and to different hosts), the load average, and
the speed-up of `fetch -i` against each row (ratio of medians).
Usage: ROUNDS=N python3 tests/bench/fetch_many.py [LATENCY_MS]   (a benchmark: nothing is asserted)"""
import os, resource, shlex, statistics, subprocess, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import MOONWIRE
from cli_lib import SpanServer, overlaps

HOSTS = ["one.test", "two.test", "three.test", "four.test"]


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(args):
    """Wall and CPU seconds of one command (CPU: user+sys of it and the children it waited for)."""
    c0, t0 = cpu_children(), time.monotonic()
    p = subprocess.run(args, capture_output=True, text=True)
    dt, cpu = time.monotonic() - t0, cpu_children() - c0
    n = len([l for l in p.stdout.splitlines() if l.strip()])
    return dt, cpu, n, p.returncode


def shell_loop(opts, urls):
    """sh -c 'for u in URL...; do moonwire fetch OPTS "$u"; done': one process per URL, one after another; its
    exit status is the last failure's."""
    q = " ".join
    script = (f'rc=0; for u in {q(map(shlex.quote, urls))}; do '
              f'{shlex.quote(MOONWIRE)} fetch {q(map(shlex.quote, opts))} "$u" || rc=$?; done; exit $rc')
    return ["sh", "-c", script]


def span_summary(spans):
    """(requests, connections, most in the server at once, overlapping pairs to one host, to different hosts)"""
    pairs = overlaps(spans)
    most = max((sum(1 for s in spans if s[0] <= t < s[1]) for t in (x[0] for x in spans)), default=0)
    return (len(spans), len({s[5] for s in spans}), most, sum(a[2] == b[2] for a, b in pairs),
            sum(a[2] != b[2] for a, b in pairs))


def new_spans(srv, seen):
    """The spans answered since the last call (seen: lines already read), with the connection number."""
    srv.wait_quiet()
    lines = open(srv.spans_file).read().splitlines()
    out = []
    for line in lines[seen[0]:]:
        t0, t1, _, host, target, status, conn = line.split()
        out.append((int(t0), int(t1), host.split(":")[0], target, int(status), conn))
    seen[0] = len(lines)
    return out


def fmt(xs):
    return f"{statistics.median(xs):6.2f} [{min(xs):.2f}-{max(xs):.2f}]"


def main():
    latency = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    rounds = int(os.environ.get("ROUNDS", "5"))
    with SpanServer(latency_ms=latency) as srv:
        urls = [f"http://{h}:{srv.port}/_gen/a/{k * 100 + i + 1}.html" for k, h in enumerate(HOSTS) for i in range(10)]
        lst = os.path.join(srv.dir, "urls.txt")
        open(lst, "w").write("\n".join(urls) + "\n")
        res = srv.resolve(*HOSTS)
        common = ["--delay", "0", *res]
        rows = [("at once (4 hosts, 1 per host)", [MOONWIRE, "fetch", *common, "-i", lst]),
                ("one by one (--connections 1)", [MOONWIRE, "fetch", *common, "--connections", "1", "-i", lst]),
                ("one process per URL (a shell loop, as without -i)", shell_loop(common, urls))]
        old = os.environ.get("OLD_MOONWIRE")
        if old:
            rows.append(("one by one (OLD_MOONWIRE, URLs as arguments)", [old, "fetch", *res, *urls]))
        runs = {label: [] for label, _ in rows}
        seen, loads = [0], [os.getloadavg()[0]]
        new_spans(srv, seen)
        for r in range(rounds):
            for label, args in rows[r % len(rows):] + rows[:r % len(rows)]:
                dt, cpu, n, rc = timed(args)
                runs[label].append((dt, cpu, n, rc, span_summary(new_spans(srv, seen))))
            loads.append(os.getloadavg()[0])
    print(f"fetch of 40 URLs on 4 hosts, server latency {latency} ms, {rounds} rounds interleaved, "
          f"1-min load {min(loads):.1f}-{max(loads):.1f}; median [min-max]:")
    for label, _ in rows:
        x = runs[label]
        recs, rcs, sp = {v[2] for v in x}, {v[3] for v in x}, {v[4] for v in x}
        print(f"  {label:50s} {fmt([v[0] for v in x])} s wall  {fmt([v[1] for v in x])} s cpu  "
              f"records {sorted(recs)} exit {sorted(rcs)}")
        for s in sorted(sp):
            print(f"      server: {s[0]} requests on {s[1]} connections, at most {s[2]} at once, "
                  f"overlapping pairs: {s[3]} to one host, {s[4]} to different hosts")
    base = statistics.median(v[0] for v in runs[rows[0][0]])
    base_cpu = statistics.median(v[1] for v in runs[rows[0][0]])
    for label, _ in rows[1:]:
        dt = statistics.median(v[0] for v in runs[label])
        cpu = statistics.median(v[1] for v in runs[label])
        ratios = sorted(a[0] / b[0] for a, b in zip(runs[label], runs[rows[0][0]]))
        print(f"  speed-up of fetch -i against {label}: {dt / base:.2f}x wall (per round "
              f"{ratios[0]:.2f}-{ratios[-1]:.2f}; it takes {cpu / base_cpu:.2f}x the cpu)")


if __name__ == "__main__":
    main()
