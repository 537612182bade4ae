#!/usr/bin/env python3
"""tests/mutants.py (`make mutants`): a mutation check of the tests. It copies the source tree to
build/mutants/src, then, one mutant at a time, flips one comparison (< <=, > >=, == !=, && ||) or nudges one
constant that a comparison reads (n -> n+1) in core/meta, core/extract and core/rules, rebuilds, and runs the
suites that check those modules: the cmocka suites of meta, date, authors, generic, article, kind, runner,
fixtures, scan, text and lua, and `moonwire test` over tests/rules and ../shared/corpus/outlets. A mutant some
suite fails on is killed. A mutant they all pass is rebuilt with ASan+UBSan (as `make test` runs the suites
too) and the same suites run again: a mutant only they fail on (an out-of-bounds read that changes no output
of the plain build) is killed "by the sanitizer build", and counted apart. One that passes both is a survivor:
a change of behaviour no test notices (or an equivalent mutant — read it before writing a test). The sites are
drawn with a fixed seed, so two runs on the same code try the same mutants.

    python3 tests/mutants.py [-n N] [--seed S] [--only PATH_PART] [--list] [--no-san]

Writes the report to build/mutants/report.txt and prints it. Exit status 0 (survivors are a finding, not a
failure of the tool), 2 when the suites fail before any mutation.
"""
import argparse, os, random, re, shutil, subprocess, sys, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
WORK = os.path.join(ROOT, "build", "mutants")
SRC = os.path.join(WORK, "src")
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared"))
DIRS = ("core/meta", "core/extract", "core/rules")
UNIT = ["test_meta", "test_date", "test_authors", "test_generic", "test_article", "test_kind", "test_runner",
        "test_fixtures", "test_scan", "test_text", "test_lua"]
GUARD = 120   # seconds per suite: a mutant that loops forever is killed by the guard

FLIP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "==", "&&": "||", "||": "&&"}
TOKEN = re.compile(r"""
    (?P<skip>/\*.*?\*/ | //[^\n]* | "(?:\\.|[^"\\\n])*" | '(?:\\.|[^'\\\n])*' | ^[ \t]*\#[^\n]*)
  | (?P<op><<=|>>=|<<|>>|->|<=|>=|==|!=|&&|\|\||<|>)
  | (?P<num>\b(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?)[uUlLfF]*\b)
""", re.S | re.M | re.X)


def sites(path):
    """Mutation sites of a C file: (offset, old text, new text, kind)."""
    text = open(path, encoding="utf-8").read()
    out, last_op = [], None
    for m in TOKEN.finditer(text):
        if m.group("skip"):
            last_op = None
            continue
        if m.group("op"):
            op = m.group("op")
            last_op = op if op in FLIP else None
            if op in FLIP:
                out.append((m.start(), op, FLIP[op], "flip"))
            continue
        num = m.group("num")
        between = text[m.end(0) - len(num) - 40:m.start()] if last_op else ""
        # a constant a comparison reads: right after the operator, nothing but spaces between
        if last_op in ("<", "<=", ">", ">=", "==", "!=") and re.search(re.escape(last_op) + r"\s*$", between):
            digits = re.match(r"(0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?)", num).group(1)
            suffix = num[len(digits):]
            if "." in digits:
                new = repr(float(digits) + 0.1) + suffix
            else:
                new = str(int(digits, 0) + 1) + suffix
            out.append((m.start(), num, new, "const"))
        last_op = None
    return text, out


def line_of(text, off):
    return text.count("\n", 0, off) + 1


def run(cmd, cwd, env=None, guard=GUARD):
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=guard)
        return p.returncode, p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return "timeout", ""


def copy_tree():
    if os.path.isdir(SRC):
        shutil.rmtree(SRC)
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.split("\n")
    for f in files:
        if not f or f.startswith("build/") or f.startswith("peers/"):
            continue
        src, dst = os.path.join(ROOT, f), os.path.join(SRC, f)
        if os.path.isfile(src):
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst)


def build(targets):
    # warnings are not errors here: a flipped comparison may draw one, and is still a mutant worth running
    return run(["make", "-s", "-j2", "WARN=-std=c11 -w"] + targets, SRC, guard=600)


def targets_of(san):
    """The oracle's binaries: build/ (plain) or build/san/ (ASan+UBSan, as `make sanitize` builds them)."""
    top = os.path.join("build", "san") if san else "build"
    return [os.path.join(top, "moonwire")] + [os.path.join(top, "tests", t) for t in UNIT]


def suites(env, san=False):
    """Run every oracle suite; the name of the first that fails ("san-" before it for the sanitized build), or
    None when all pass."""
    top, tag = (os.path.join("build", "san"), "san-") if san else ("build", "")
    mw = os.path.join(top, "moonwire")
    for t in UNIT:
        rc, _ = run([os.path.join(top, "tests", t)], SRC, env, guard=GUARD * (3 if san else 1))
        if rc != 0:
            return tag + t
    rc, _ = run([mw, "test", "--fixtures", "tests/rules"], SRC, env)
    if rc != 0:
        return tag + "rules-shape"
    if os.path.isdir(os.path.join(SHARED, "corpus", "outlets")):
        rc, _ = run([mw, "test", "--known", "tests/rules/corpus-known.json", "--fixtures",
                     os.path.join(SHARED, "corpus", "outlets")], SRC, env, guard=GUARD * (3 if san else 1))
        if rc != 0:
            return tag + "rules-corpus"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=int(os.environ.get("MW_MUTANTS", "40")), help="mutants (default 40)")
    ap.add_argument("--seed", type=int, default=int(os.environ.get("MW_MUTANTS_SEED", "11")))
    ap.add_argument("--only", help="only files whose path contains this")
    ap.add_argument("--list", action="store_true", help="list the chosen mutants and stop")
    ap.add_argument("--no-san", action="store_true", help="no second pass of the survivors under ASan+UBSan")
    a = ap.parse_args()

    files = sorted(os.path.join(d, f) for d in DIRS for f in os.listdir(os.path.join(ROOT, d)) if f.endswith(".c"))
    if a.only:
        files = [f for f in files if a.only in f]
    pool = []
    for f in files:
        text, ss = sites(os.path.join(ROOT, f))
        pool += [(f, off, old, new, kind, line_of(text, off)) for off, old, new, kind in ss]
    rnd = random.Random(a.seed)
    chosen = sorted(rnd.sample(pool, min(a.n, len(pool))), key=lambda m: (m[0], m[1]))
    print(f"mutants: {len(chosen)} of {len(pool)} sites in {len(files)} files (seed {a.seed})")
    if a.list:
        for f, off, old, new, kind, line in chosen:
            print(f"  {f}:{line}  {old} -> {new}")
        return 0

    os.makedirs(WORK, exist_ok=True)
    copy_tree()
    env = dict(os.environ, MOONWIRE_SCRIPTS=os.path.join(SRC, "scripts"), MW_SHARED=SHARED,
               MW_TESTD=os.path.join(SRC, "build", "mw-testd"),
               # as tests/run.sh runs the sanitized suites
               ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1",
               LSAN_OPTIONS="suppressions=" + os.path.join(SRC, "tests", "lsan.supp"))
    env.pop("MOONWIRE_RULES", None)
    targets, san_targets = targets_of(False), targets_of(True)
    for san in (False, True) if not a.no_san else (False,):
        rc, out = build(san_targets if san else targets)
        if rc != 0:
            print(out[-3000:])
            print("mutants: the unmutated tree does not build" + (" with ASan+UBSan" if san else ""))
            return 2
        first = suites(env, san)
        if first:
            print(f"mutants: {first} fails without any mutant: fix that first")
            return 2

    rows, t0 = [], time.monotonic()
    for i, (f, off, old, new, kind, line) in enumerate(chosen, 1):
        path = os.path.join(SRC, f)
        text = open(path, encoding="utf-8").read()
        assert text[off:off + len(old)] == old, (f, off, old)
        src_line = text.splitlines()[line - 1].strip()
        open(path, "w", encoding="utf-8").write(text[:off] + new + text[off + len(old):])
        rc, out = build(targets)
        if rc != 0:
            verdict, by = "stillborn", "does not compile"
        else:
            by = suites(env)
            if not by and not a.no_san:   # the plain build shows nothing: does the sanitized one?
                rc, out = build(san_targets)
                by = suites(env, True) if rc == 0 else None
            verdict = "killed" if by else "SURVIVED"
        open(path, "w", encoding="utf-8").write(text)
        os.utime(path)   # rebuilt from the original next time
        rows.append((verdict, f, line, old, new, by, src_line))
        print(f"  [{i:2d}/{len(chosen)}] {verdict:9s} {f}:{line}  {old} -> {new}" + (f"  ({by})" if by else ""),
              flush=True)
    build(targets)
    if not a.no_san:
        build(san_targets)

    killed = sum(1 for r in rows if r[0] == "killed")
    by_san = sum(1 for r in rows if r[0] == "killed" and r[5].startswith("san-"))
    survived = [r for r in rows if r[0] == "SURVIVED"]
    still = sum(1 for r in rows if r[0] == "stillborn")
    lines = [f"mutation check: {len(rows)} mutants (seed {a.seed}), {killed} killed"
             + ("" if a.no_san else f" ({by_san} only by the sanitizer build)")
             + f", {len(survived)} survived, {still} did not compile; {time.monotonic() - t0:.0f} s",
             f"oracle: {', '.join(UNIT)}, moonwire test on tests/rules and ../shared/corpus/outlets"
             + ("" if a.no_san else "; what those pass, again built with ASan+UBSan (san-)"), ""]
    by_suite = {}
    for r in rows:
        if r[0] == "killed":
            by_suite[r[5]] = by_suite.get(r[5], 0) + 1
    lines.append("killed by (first failing suite): " + ", ".join(f"{k} {v}" for k, v in sorted(by_suite.items())))
    lines.append("")
    lines.append("survivors (a change no suite notices):" if survived else "no survivors")
    for _, f, line, old, new, _, src_line in survived:
        lines.append(f"  {f}:{line}  {old} -> {new}    {src_line[:100]}")
    report = "\n".join(lines) + "\n"
    open(os.path.join(WORK, "report.txt"), "w").write(report)
    print("\n" + report, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
