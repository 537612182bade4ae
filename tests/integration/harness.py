"""tests/integration/harness.py: what the integration scripts share: starting the project's own HTTP
server (build/mw-testd) on 127.0.0.1 at a free port, running moonwire with resource accounting, and a tiny
test runner that ends with "N passed, N failed, N skipped" and exits 0 (all passed), 1 (a failure) or 77 (none
failed, some skipped: tests/run.sh counts the suite as skipped, and under CI=1 as failed unless allowed)."""
import json, os, subprocess, sys, tempfile, threading, time, traceback

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MOONWIRE = os.environ.get("MOONWIRE", os.path.join(ROOT, "build", "moonwire"))
TESTD = os.environ.get("MW_TESTD", os.path.join(ROOT, "build", "mw-testd"))
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared"))
# under ASan the shadow memory inflates RSS and the VM runs slower: memory bounds are checked on the plain build
SANITIZED = bool(os.environ.get("MW_SANITIZED"))


def start_testd(dirname, args):
    """build/mw-testd on 127.0.0.1 at a free port (it writes the port to DIR/port) with ARGS; returns (process,
    port) once it listens. The wait is on the port file, capped at 10 s; RuntimeError when it does not start."""
    pf = os.path.join(dirname, "port")
    proc = subprocess.Popen([TESTD, "--port", "0", "--port-file", pf, "--quiet", *args])
    for _ in range(400):
        if os.path.exists(pf) and open(pf).read().strip():
            return proc, int(open(pf).read())
        time.sleep(0.025)
    stop_process(proc)
    raise RuntimeError("mw-testd did not start")


def stop_process(proc, cap=10):
    """SIGTERM, then SIGKILL when it is still there after cap seconds; waits for it."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(cap)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Server:
    """mw-testd on 127.0.0.1 (never another address), a free port, optional --root, --log (DIR/requests.log)
    and further options (extra); its files in dirname (a new temp dir when None)."""

    def __init__(self, root=None, log=False, extra=(), dirname=None):
        self.dir = dirname or tempfile.mkdtemp(prefix="mw-it-")
        self.log = os.path.join(self.dir, "requests.log") if log else None
        args = list(extra)
        if root:
            args += ["--root", root]
        if self.log:
            args += ["--log", self.log]
        self.proc, self.port = start_testd(self.dir, args)
        self.base = f"http://127.0.0.1:{self.port}"

    def url(self, path):
        return self.base + path

    def open_connections(self):
        """Connections the server holds open on its port (a socket state, from /proc/net/tcp): established,
        half-closed by the client or not yet accepted. mw-testd logs each request before it reads the next
        one and closes a connection only after that, so none open means every answer is in the log."""
        n = 0
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                lines = open(table).read().splitlines()[1:]
            except OSError:
                continue
            for line in lines:
                f = line.split()
                if int(f[1].rsplit(":", 1)[1], 16) == self.port and f[3] in ("01", "03", "08"):
                    n += 1   # ESTABLISHED, SYN_RECV, CLOSE_WAIT
        return n

    def wait_quiet(self, cap=60):
        """Wait until the server has no connection open (see open_connections); cap only stops a hang."""
        deadline = time.monotonic() + cap
        while self.open_connections():
            if time.monotonic() > deadline:
                raise AssertionError(f"mw-testd still holds {self.open_connections()} connections after {cap} s")
            time.sleep(0.01)

    def stop(self):
        stop_process(self.proc)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()


class Result:
    def __init__(self, rc, out, err, seconds, maxrss_kb):
        self.rc, self.out, self.err, self.seconds, self.maxrss_kb = rc, out, err, seconds, maxrss_kb

    def records(self):
        return [json.loads(l) for l in self.out.splitlines() if l.strip()]


def _sqlar_uncompress(data, size):
    """The sqlite3 tool's sqlar_uncompress(X, SIZE): X as it is when SIZE is NULL, <= 0 or X's length."""
    if data is None or not size or size <= 0 or size == len(data):
        return data
    import zlib
    return zlib.decompress(data)


def store_db(path):
    """A connection to a store, as examples/store.md tells a Python user to open one: the `articles` view reads
    the (compressed) records through sqlar_uncompress, which the sqlite3 tool has built in."""
    import sqlite3
    con = sqlite3.connect(path)
    con.create_function("sqlar_uncompress", 2, _sqlar_uncompress, deterministic=True)
    return con


def moonwire(*args, stdin=None, guard=60, env=None):
    """Run build/moonwire; returns Result with exit code, output and the child's peak RSS (wait4).
    guard only stops a hang from stalling CI; it is not a performance assertion."""
    e = dict(os.environ)
    e.setdefault("MOONWIRE_SCRIPTS", os.path.join(ROOT, "scripts"))
    if env:
        e.update(env)
    t0 = time.monotonic()
    p = subprocess.Popen([MOONWIRE, *args], stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e)
    try:
        out, err = p.communicate(stdin.encode() if isinstance(stdin, str) else stdin, timeout=guard)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        raise AssertionError(f"moonwire {' '.join(args)} still running after {guard} s: killed")
    seconds = time.monotonic() - t0
    return Result(p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), seconds, None)


def peak_rss(*args, guard=60):
    """Run moonwire in a fresh child and return (Result, peak RSS in KB) measured with os.wait4."""
    e = dict(os.environ)
    e.setdefault("MOONWIRE_SCRIPTS", os.path.join(ROOT, "scripts"))
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        p = subprocess.Popen([MOONWIRE, *args], stdin=subprocess.DEVNULL, stdout=fo, stderr=fe, env=e)
        deadline = t0 + guard
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                p.kill()
                os.wait4(p.pid, 0)
                raise AssertionError(f"moonwire {' '.join(args)} still running after {guard} s: killed")
            time.sleep(0.01)
        p.returncode = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        r = Result(p.returncode, fo.read().decode("utf-8", "replace"), fe.read().decode("utf-8", "replace"),
                   time.monotonic() - t0, ru.ru_maxrss)
        r.cpu_seconds = ru.ru_utime + ru.ru_stime   # the child's CPU time: wall time on a loaded machine is not
    return r


class Watch:
    """A child whose stdout and stderr are read as they come, so a test can wait for what it prints (an
    event) instead of sleeping: wait(pred) returns as soon as pred(out, err) holds; cap only stops a hang."""

    def __init__(self, args, env=None, stdin=subprocess.DEVNULL):
        self.proc = subprocess.Popen(args, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.out, self.err = [], []
        self.cond = threading.Condition()
        self.readers = [threading.Thread(target=self._read, args=(self.proc.stdout, self.out), daemon=True),
                        threading.Thread(target=self._read, args=(self.proc.stderr, self.err), daemon=True)]
        for t in self.readers:
            t.start()

    def _read(self, stream, into):
        for line in iter(stream.readline, b""):
            with self.cond:
                into.append(line.decode("utf-8", "replace"))
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def text(self):
        with self.cond:
            return "".join(self.out), "".join(self.err)

    def wait(self, pred, cap=60, what="the event"):
        deadline = time.monotonic() + cap
        with self.cond:
            while not pred("".join(self.out), "".join(self.err)):
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not any(t.is_alive() for t in self.readers)):
                    out, err = "".join(self.out), "".join(self.err)
                    self.proc.kill()
                    raise AssertionError(f"{what}: not seen after {cap} s (exit {self.proc.poll()})\n"
                                         f"stdout: {out[-2000:]}\nstderr: {err[-2000:]}")
                self.cond.wait(min(left, 1.0))

    def finish(self, cap=60):
        """Wait for the exit (killed after cap): (exit code, stdout, stderr)."""
        try:
            rc = self.proc.wait(cap)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"still running {cap} s after it was told to stop: killed")
        for t in self.readers:
            t.join(cap)
        out, err = self.text()
        return rc, out, err


def shared(*parts):
    """Path under ../shared; when absent: skip outside CI, fail in CI (CI has it)."""
    p = os.path.join(SHARED, *parts)
    if not os.path.exists(p):
        if os.environ.get("CI"):
            raise AssertionError(f"{p} is missing (CI must have ../shared)")
        raise Skip(f"{p} is absent")
    return p


class Skip(Exception):
    pass


SKIPPED = 77   # the automake convention for "skipped", which tests/run.sh reads


def exit_code(passed, failed, skipped):
    """0 when everything ran and passed, 1 on any failure, SKIPPED when nothing failed but a test was skipped
    (a suite that skips is not a suite that passed)."""
    return 1 if failed else SKIPPED if skipped else 0


def main(tests):
    passed = failed = skipped = 0
    for t in tests:
        name = t.__name__
        try:
            t()
            passed += 1
            print(f"  ok    {name}")
        except Skip as s:
            skipped += 1
            print(f"  skip  {name}: {s}")
        except Exception:
            failed += 1
            print(f"  FAIL  {name}")
            print("        " + traceback.format_exc().replace("\n", "\n        "))
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    sys.exit(exit_code(passed, failed, skipped))
