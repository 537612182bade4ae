"""tests/integration/pg.py: a throw-away PostgreSQL cluster for the tests and benchmarks of the PostgreSQL store:
initdb + pg_ctl in a temp directory, listening on 127.0.0.1 at a free port, run as an unprivileged user (CI runs
as root and postgres refuses root: then the cluster belongs to `nobody`), removed after. Nothing is mocked.
Absent binaries skip with a clear message, except under CI=1, where that is a failure."""
import glob, os, shutil, socket, subprocess, sys, tempfile

from harness import ROOT


def _bindir():
    for d in [os.environ.get("MW_PG_BINDIR", "")] + sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if d and os.path.exists(os.path.join(d, "initdb")) and os.path.exists(os.path.join(d, "pg_ctl")):
            return d
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb and shutil.which("pg_ctl") else None


def available():
    """None when a cluster can be made, else why not."""
    if not _bindir():
        return "PostgreSQL binaries (initdb, pg_ctl) not found: apt-get install postgresql (.ci/install-deps)"
    if not os.path.exists(os.path.join(ROOT, "build", "plugins", "postgres.so")):
        return "build/plugins/postgres.so is missing (libpq-dev not installed when moonwire was built)"
    return None


def skip_or_fail(name):
    """Call at the top of a PostgreSQL suite: exits 0 with a message when it cannot run here (outside CI)."""
    why = available()
    if not why:
        return
    if os.environ.get("CI"):
        print(f"{name}: FAIL: {why} (CI must run the PostgreSQL tests)")
        print("0 passed, 1 failed")
        sys.exit(1)
    print(f"{name}: skipped: {why}")
    print("0 passed, 0 failed, 1 skipped")
    sys.exit(0)


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Cluster:
    """A cluster of its own: `with Cluster() as pg: url = pg.new_db()`."""

    def __init__(self, fsync=False):
        self.bindir = _bindir()
        self.dir = tempfile.mkdtemp(prefix="mw-pg-")
        os.chmod(self.dir, 0o755)
        self.data = os.path.join(self.dir, "data")
        self.port = _free_port()
        self.as_user = []
        if os.geteuid() == 0:   # postgres will not run as root
            import pwd
            nobody = pwd.getpwnam("nobody")
            os.chown(self.dir, nobody.pw_uid, nobody.pw_gid)
            self.as_user = ["runuser", "-u", "nobody", "--"]
        self.ndb = 0
        self._run("initdb", "-D", self.data, "-U", "mw", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200 "
                f"-c shared_buffers=64MB")
        if not fsync:   # tests: durability across a power cut is PostgreSQL's business, not what they check
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"), "-o", opts, "-w", "-t", "60",
                  "start")
        self.base = f"postgresql://mw@127.0.0.1:{self.port}"

    def _run(self, tool, *args):
        p = subprocess.run(self.as_user + [os.path.join(self.bindir, tool), *args], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=120, cwd=self.dir)
        if p.returncode:
            raise RuntimeError(f"{tool} failed: {p.stdout.decode(errors='replace')[-2000:]}")
        return p.stdout.decode(errors="replace")

    def psql(self, db, sql):
        """Rows of one query (psql -At), as lists of strings."""
        psql = os.path.join(self.bindir, "psql")
        if not os.path.exists(psql):
            psql = shutil.which("psql")
        p = subprocess.run([psql, "-X", "-At", "-F", "\t", "-h", "127.0.0.1", "-p", str(self.port), "-U", "mw",
                            "-d", db, "-c", sql], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        if p.returncode:
            raise AssertionError(f"psql {sql!r}: {p.stderr.decode(errors='replace')}")
        return [l.split("\t") for l in p.stdout.decode().splitlines() if l != ""]

    def new_db(self, name=None):
        """A new empty database; its store URL."""
        self.ndb += 1
        name = name or f"mw{self.ndb}"
        self.psql("postgres", f"CREATE DATABASE {name}")
        return f"{self.base}/{name}"

    def stop(self):
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            try:
                self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
            except Exception as e:   # still remove the directory
                print(f"pg_ctl stop: {e}", file=sys.stderr)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()
