"""tests/integration/runs_lib.py: what the test_runs_*.py scripts share beside harness.py: mw-testd with the
options they need (--overlay, --host-fault), a port nothing listens on, and a `moonwire run` child whose
stderr is read line by line so a test can wait for a pass's log line instead of sleeping."""
import os, select, signal, socket, sqlite3, subprocess, tempfile, time
from harness import ROOT, MOONWIRE, Server, store_db

GUARD = 120   # seconds: only keeps a hang from stalling CI, never a performance assertion
RULES = os.path.join(ROOT, "examples", "rules")
DEMO = os.path.join(ROOT, "examples", "demo-site")


class Testd(Server):
    """build/mw-testd on 127.0.0.1 at a free port with --root, --overlay, --host-fault HOST=MODE and a log."""

    def __init__(self, root=DEMO, overlay=None, faults=(), log=True):
        extra = ["--overlay", overlay] if overlay else []
        for host, mode in faults:
            extra += ["--host-fault", f"{host}={mode}"]
        super().__init__(root, log=log, extra=extra, dirname=tempfile.mkdtemp(prefix="mw-runs-srv-"))

    def requests(self):
        """(host, target, status) of every request logged so far."""
        if not self.log or not os.path.exists(self.log):
            return []
        out = []
        for line in open(self.log):
            _, _, host, target, status, _ = line.split()
            out.append((host, target, int(status)))
        return out


def closed_port():
    """A 127.0.0.1 port with nothing listening on it: connections are refused."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def env():
    e = dict(os.environ)
    e.setdefault("MOONWIRE_SCRIPTS", os.path.join(ROOT, "scripts"))
    e["MOONWIRE_RULES"] = ""
    e["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="mw-runs-xdg-")
    return e


class Run:
    """`moonwire run ...` in the background; wait_for() reads its stderr until a line matches."""

    def __init__(self, *args):
        self.out = tempfile.TemporaryFile()   # a file, not a pipe: --jsonl output never blocks the child
        self.p = subprocess.Popen([MOONWIRE, "run", *args], stdout=self.out, stderr=subprocess.PIPE, env=env())
        self.err_lines = []
        self._buf = b""
        self.t0 = time.monotonic()

    def wait_for(self, pred, what):
        """Lines of stderr until pred(line) holds; fails after GUARD seconds or when the process ends."""
        deadline = time.monotonic() + GUARD
        while True:
            while b"\n" in self._buf:
                line, self._buf = self._buf.split(b"\n", 1)
                text = line.decode("utf-8", "replace")
                self.err_lines.append(text)
                if pred(text):
                    return text
            left = deadline - time.monotonic()
            assert left > 0, f"waited {GUARD} s for {what}; stderr so far: {self.err_lines[-20:]}"
            ready, _, _ = select.select([self.p.stderr], [], [], left)
            if ready:
                data = os.read(self.p.stderr.fileno(), 65536)
                assert data, f"moonwire ended before {what}: {self.err_lines[-20:]}"
                self._buf += data

    def stop(self):
        """SIGTERM, then the rest of the output and the exit status."""
        self.p.send_signal(signal.SIGTERM)
        _, err = self.p.communicate(timeout=GUARD)
        rest = (self._buf + err).decode("utf-8", "replace")
        self.err_lines += rest.splitlines()
        self.out.seek(0)
        return self.p.returncode, self.out.read().decode("utf-8", "replace"), "\n".join(self.err_lines)

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.communicate()


def db(path):
    return store_db(path)
