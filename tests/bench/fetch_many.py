"""tests/bench/fetch_many.py: `moonwire fetch -i` of 40 URLs on 4 hosts (mw-testd, 127.0.0.1, every answer delayed
by --latency ms as a distant server's would be) at once versus one by one (--connections 1, the same code), versus
one process per URL (a shell loop of 40 `moonwire fetch URL`, as a user without -i would write it; each process
loads its rules and connects anew), and, when OLD_MOONWIRE names a binary, that binary fetching them as arguments.
Prints wall and CPU (user+sys of the processes a row ran) times and the speed-up of `fetch -i` against each row.
Usage: python3 tests/bench/fetch_many.py [LATENCY_MS]   (a benchmark: nothing is asserted)"""
import os, resource, shlex, subprocess, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import MOONWIRE
from cli_lib import SpanServer

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


def main():
    latency = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    with SpanServer(latency_ms=latency) as srv:
        urls = [f"http://{h}:{srv.port}/_gen/a/{k * 100 + i + 1}.html" for k, h in enumerate(HOSTS) for i in range(10)]
        lst = os.path.join(srv.dir, "urls.txt")
        open(lst, "w").write("\n".join(urls) + "\n")
        res = srv.resolve(*HOSTS)
        rows = []
        common = ["--delay", "0", *res]
        for label, args in (("at once (4 hosts, 1 per host)", [MOONWIRE, "fetch", *common, "-i", lst]),
                            ("one by one (--connections 1)", [MOONWIRE, "fetch", *common, "--connections", "1",
                                                               "-i", lst]),
                            ("one process per URL (a shell loop, as without -i)", shell_loop(common, urls))):
            rows.append((label, *timed(args)))
        old = os.environ.get("OLD_MOONWIRE")
        if old:
            rows.append(("one by one (OLD_MOONWIRE, URLs as arguments)", *timed([old, "fetch", *res, *urls])))
    print(f"fetch of 40 URLs on 4 hosts, server latency {latency} ms:")
    for label, dt, cpu, n, rc in rows:
        print(f"  {label:50s} {dt:6.2f} s wall  {cpu:6.2f} s cpu  {n} records  exit {rc}")
    base, base_cpu = rows[0][1], rows[0][2]
    for label, dt, cpu, _, _ in rows[1:]:
        print(f"  speed-up of fetch -i against {label}: {dt / base:.2f}x wall (it takes {cpu / base_cpu:.2f}x the cpu)")


if __name__ == "__main__":
    main()
