"""tests/integration/cli_lib.py: what the test_cli_*.py scripts share: mw-testd with --spans/--latency (the
request spans show which requests were in the server at once), virtual hosts through --resolve."""
import os, tempfile

from harness import Server


class SpanServer(Server):
    """mw-testd on 127.0.0.1 at a free port, logging request spans; latency_ms delays every answer."""

    def __init__(self, root=None, latency_ms=0, extra=()):
        d = tempfile.mkdtemp(prefix="mw-cli-")
        self.spans_file = os.path.join(d, "spans.log")
        super().__init__(root, log=True, dirname=d,
                         extra=["--spans", self.spans_file, "--latency", str(latency_ms), *extra])

    def spans(self):
        """[(start_us, end_us, host without port, target, status)] in the order answered. A span is written once
        its answer is sent, which can be after the client has read it: wait until the server holds no
        connection (it writes a span before closing one), so every answered request is in the file."""
        self.wait_quiet()
        out = []
        for line in open(self.spans_file):
            t0, t1, _, host, target, status, _ = line.split()
            out.append((int(t0), int(t1), host.split(":")[0], target, int(status)))
        return out

    def resolve(self, *hosts):
        """--resolve arguments sending each virtual host to this server."""
        args = []
        for h in hosts:
            args += ["--resolve", f"{h}:{self.port}:127.0.0.1"]
        return args


def overlaps(spans):
    """Pairs of spans that were in the server at the same time (strictly: one started before the other ended)."""
    pairs = []
    s = sorted(spans)
    for i, a in enumerate(s):
        for b in s[i + 1:]:
            if b[0] >= a[1]:
                break
            pairs.append((a, b))
    return pairs
