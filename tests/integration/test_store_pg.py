"""tests/integration/test_store_pg.py: one suite, two back ends — the store suite (build/tests/test_store_shared,
and its sanitized build) that runs on SQLite with the unit suites runs here against a real PostgreSQL (a
throw-away cluster, tests/integration/pg.py), one empty database per test; and the commands that read a store
(export, stats, status) on a PostgreSQL store, with their errors."""
import os, subprocess, sys

sys.path.insert(0, os.path.dirname(__file__))
import pg
from harness import ROOT, SANITIZED, main, moonwire as _moonwire

pg.skip_or_fail("test_store_pg")
CLUSTER = pg.Cluster()
SUITE_TESTS = 13   # the tests in tests/unit/test_store_shared.c (each gets database mwsuite<N>)


PLUGINS = {"MOONWIRE_PLUGIN_PATH": os.path.join(ROOT, "build", "plugins")}


def moonwire(*args):
    # the plugins are built once, beside build/moonwire (a sanitized build/san/moonwire loads the same ones)
    return _moonwire(*args, env=PLUGINS)


def run_suite(binary):
    tag = os.path.basename(os.path.dirname(os.path.dirname(binary)))
    for i in range(1, SUITE_TESTS + 1):
        CLUSTER.psql("postgres", f"CREATE DATABASE {tag}suite{i}")
    env = dict(os.environ, MW_TEST_STORE=f"{CLUSTER.base}/{tag}suite%d",
               MOONWIRE_PLUGIN_PATH=os.path.join(ROOT, "build", "plugins"))
    p = subprocess.run([binary], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    out = p.stdout.decode(errors="replace")
    assert p.returncode == 0 and f"PASSED  ] {SUITE_TESTS} test(s)" in out, out[-3000:]


def test_store_suite_on_postgresql():
    # the plain run drives the plain suite; the sanitized run (san-test_store_pg.py, phase 2 of make test,
    # after the ASan+UBSan build has finished) drives the sanitized one
    sub = ["san", "tests"] if SANITIZED else ["tests"]
    b = os.path.join(ROOT, "build", *sub, "test_store_shared")
    if not os.path.exists(b):
        raise AssertionError(f"{b} is missing: make {'sanitize' if SANITIZED else 'all'}")
    run_suite(b)


def test_commands_read_a_postgresql_store():
    url = CLUSTER.new_db()
    r = moonwire("status", "--store", url)   # an empty store is created and migrated on first open
    assert r.rc == 0 and "no workers have joined" in r.out, r.err
    assert CLUSTER.psql(url.rsplit("/", 1)[1], "select version from schema_version") == [["4"]]
    for cmd in (["export", "--store", url], ["stats", "--store", url], ["status", "--json", "--store", url]):
        r = moonwire(*cmd)
        assert r.rc == 0, (cmd, r.err)


def test_unreachable_database_is_one_clear_error():
    r = moonwire("export", "--store", f"postgresql://mw:secret@127.0.0.1:{pg._free_port()}/nothere")
    assert r.rc == 1, r.err
    msg = r.err
    assert "cannot connect" in msg and "secret" not in msg, msg   # the password is never printed


def test_without_the_plugin_the_error_says_what_is_missing():
    # a copy of the binary in a folder without plugins/, and no MOONWIRE_PLUGIN_PATH
    import shutil, tempfile
    d = tempfile.mkdtemp(prefix="mw-noplug-")
    try:
        exe = os.path.join(d, "moonwire")
        shutil.copy(os.path.join(ROOT, "build", "moonwire") if not SANITIZED else os.environ["MOONWIRE"], exe)
        p = subprocess.run([exe, "export", "--store", CLUSTER.base + "/postgres"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60, env=dict(os.environ, MOONWIRE_PLUGIN_PATH=""))
        assert p.returncode == 1 and b"postgres plugin" in p.stderr, p.stderr
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    try:
        main([test_store_suite_on_postgresql,
              test_commands_read_a_postgresql_store, test_unreachable_database_is_one_clear_error,
              test_without_the_plugin_the_error_says_what_is_missing])
    finally:
        CLUSTER.stop()
