#!/usr/bin/env python3
"""tests/bench/bench.py: the corpus half of `make bench` (tests/bench/bench.sh calls it from the project root).
Runs build/bench/parsebench (libxml2 parse vs moonwire extract, one process each so peak RSS is honest), the
CLI over the corpus, score.py on moonwire's and the installed peers' output, and prints one table; the same
figures go to build/bench/results.json. The peers themselves are tests/bench/peers/ (installed by make peers),
each run the way its own documentation runs it.

Speed is compared like with like: the contestants (moonwire extract, readability-lxml, Readability.js) run in
rounds, each round every contestant once over generic/ in its own process, the order turned each round, so a
busy spell on the shared machine falls on all of them alike. Every page is timed inside its runner in wall
time and in CPU time (in-process CPU clocks); every process's own CPU time comes from wait4's rusage. Figures
are medians over the rounds with their spread (min..max); a ratio is taken within each round (per-page
median of peer/moonwire), then its median and spread over the rounds.

    bench.py [--corpus ../shared/corpus] [--out build/bench]

Env: MW_BENCH_ROUNDS (default 3), MW_BENCH_REPS (runs per page for the own-process parse/extract figures,
default 5), MW_BENCH_CLI_RUNS (default 3).
"""
import argparse, datetime, json, os, platform, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
GOAL_EXTRACT_PARSE = 3.0                                   # extract at most 3x the bare libxml2 parse
GOAL_RULES_PARSE = 1.5                                     # with rules, on outlets/: at most 1.5x (issue 15)
GOAL_FASTER = {"readability-lxml": 8.0, "Readability.js": 20.0}


def run_child(cmd, stdout_path=None, timeout=None, cpu=None):
    """Run cmd; return (exit code, wall seconds, the child's own peak RSS in kB, stdout text or None). cpu (a
    list), when given, receives the child's own CPU seconds (user + system, from wait4)."""
    with tempfile.TemporaryFile() as err, (open(stdout_path, "wb") if stdout_path else tempfile.TemporaryFile()) as out:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err)
        # wait4 rather than wait(): it gives this child's own rusage, not the sum over all children.
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                break
            if timeout and time.perf_counter() - t0 > timeout:
                p.kill()
                _, _, ru = os.wait4(p.pid, 0)
                code = "timeout"
                break
            time.sleep(0.002)
        wall = time.perf_counter() - t0
        if cpu is not None:
            cpu.append(ru.ru_utime + ru.ru_stime)
        p.returncode = 0   # reaped above
        text = None
        if not stdout_path:
            out.seek(0)
            text = out.read().decode("utf-8", "replace")
        if code != 0:
            err.seek(0)
            sys.stderr.write(f"bench: {' '.join(map(str, cmd[:3]))} ...: exit {code}\n"
                             + err.read().decode("utf-8", "replace")[-2000:])
    return code, wall, ru.ru_maxrss, text


def score(score_py, truth_dir, pred):
    r = subprocess.run([sys.executable, score_py, truth_dir, pred, "--json"], capture_output=True, text=True)
    if r.returncode:
        sys.stderr.write(f"bench: score.py {truth_dir}: {r.stderr}")
        return None
    return json.loads(r.stdout)


def read_jsonl(path):
    with open(path, encoding="utf-8") as fh:
        return [json.loads(l) for l in fh if l.strip()]


def page_ms(path, key="ms"):
    return {os.path.basename(r["file"]): r[key] for r in read_jsonl(path) if r.get(key) is not None}


def spread(values):
    """median, min, max of a list (None when empty)."""
    v = [x for x in values if x is not None]
    return {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v)} if v else None


def per_page_median(rounds):
    """rounds: [{page: ms}] -> {page: median over the rounds that timed it}."""
    pages = set().union(*rounds) if rounds else set()
    return {k: statistics.median(r[k] for r in rounds if k in r) for k in pages}


def speed_of(ms_by_page, peak_kb=None, loaded_kb=None):
    v = list(ms_by_page.values())
    return {"pages": len(v), "ms_median": statistics.median(v) if v else None, "ms_total": sum(v),
            "peak_rss_kb": peak_kb, "loaded_rss_kb": loaded_kb}


def ratios(slow, fast):
    """How many times faster `fast` is than `slow`, over the pages both timed."""
    both = [k for k in fast if k in slow and fast[k] > 0]
    if not both:
        return None
    per_page = statistics.median(slow[k] / fast[k] for k in both)
    return {"pages": len(both), "per_page_median": per_page,
            "of_medians": statistics.median(slow[k] for k in both) / statistics.median(fast[k] for k in both),
            "of_totals": sum(slow[k] for k in both) / sum(fast[k] for k in both)}


def python_with_readability():
    for exe in ("python3", "/usr/bin/python3", sys.executable):
        try:
            if subprocess.run([exe, "-c", "import readability, lxml.html"], capture_output=True).returncode == 0:
                return exe
        except OSError:
            pass
    return None


def node_modules_with_readability(root):
    mods = os.path.join(root, "peers", "node", "node_modules")
    ok = all(os.path.exists(os.path.join(mods, m, "package.json")) for m in ("@mozilla/readability", "jsdom"))
    try:
        node = subprocess.run(["node", "--version"], capture_output=True).returncode == 0
    except OSError:
        node = False
    return mods if ok and node else None


def slug(name):
    return name.lower().replace(".", "")


def mb(kb):
    return "—" if kb is None else f"{kb / 1024:.1f} MB"


def f3(x):
    return "—" if x is None else f"{x:.3f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="../shared/corpus")
    ap.add_argument("--out", default="build/bench")
    a = ap.parse_args()
    reps = int(os.environ.get("MW_BENCH_REPS", "5"))
    rounds = max(1, int(os.environ.get("MW_BENCH_ROUNDS", "3")))
    cli_runs = int(os.environ.get("MW_BENCH_CLI_RUNS", "3"))
    root = os.getcwd()
    out = a.out
    os.makedirs(out, exist_ok=True)
    gen = os.path.join(a.corpus, "generic")
    outl = os.path.join(a.corpus, "outlets")
    score_py = os.path.join(a.corpus, "..", "tools", "score.py")
    have_score = os.path.exists(score_py)
    sets = [("generic", gen)] + ([("outlets", outl)] if os.path.isdir(outl) else [])
    gen_pages = sorted(f for f in os.listdir(gen) if f.endswith(".html.gz"))
    outlet_pages = []
    for d, _, files in os.walk(outl):
        outlet_pages += [os.path.join(d, f) for f in files if f.endswith(".html.gz")]
    outlet_pages.sort()
    notes = []
    t_start = time.perf_counter()
    load_at_start = " ".join(f"{v:.2f}" for v in os.getloadavg())   # others' builds skew every timing

    # 1. in-process: bare libxml2 parse, then moonwire extract, one process each
    pb = os.path.join("build", "bench", "parsebench")   # built by make bench, whatever --out says
    speed = {}
    for mode in ("parse", "extract"):
        pages_file = os.path.join(out, f"{mode}-pages.jsonl")
        code, _, child_kb, text = run_child([pb, mode, gen, "--reps", str(reps), "--pages", pages_file])
        if code:
            sys.exit("bench: parsebench failed")
        speed[mode] = json.loads(text)
        speed[mode]["peak_rss_kb_child"] = child_kb
        speed[mode]["per_page"] = page_ms(pages_file)
    speed["parse"].pop("per_page")
    extract_ms = speed["extract"].pop("per_page")
    # The ratio uses the parses interleaved with the extractions in the same process: on a shared, busy
    # machine two separate runs can differ by a third, which would swamp the ratio.
    paired = {os.path.basename(r["file"]): r["parse_ms"]
              for r in read_jsonl(os.path.join(out, "extract-pages.jsonl"))}
    pp = speed["extract"]["paired_parse"]
    ex_over_parse = {
        "of_medians": speed["extract"]["ms_median"] / pp["ms_median"],
        "of_totals": speed["extract"]["ms_total"] / pp["ms_total"],
        "per_page_median": statistics.median(extract_ms[k] / paired[k] for k in extract_ms if paired.get(k)),
        "goal_max": GOAL_EXTRACT_PARSE,
    }

    # 1b. extraction with scripts/'s rules over outlets/, CPU time, the bare parse interleaved the same way
    rules = None
    if outlet_pages:
        rp = os.path.join(out, "rules-pages.jsonl")
        code, _, _, text = run_child([pb, "rules", outl, "--reps", str(reps), "--cpu", "--pages", rp])
        if code:
            notes.append(f"parsebench rules exited {code} on outlets/")
        else:
            j, rows = json.loads(text), read_jsonl(rp)
            rules = {"pages": j["pages"], "failed": j["failed"], "ms_total": j["ms_total"],
                     "parse_ms_total": j["paired_parse"]["ms_total"],
                     "of_totals": j["ms_total"] / j["paired_parse"]["ms_total"],
                     "of_medians": j["ms_median"] / j["paired_parse"]["ms_median"],
                     "per_page_median": statistics.median(r["ms"] / r["parse_ms"] for r in rows if r["parse_ms"]),
                     "goal_max": GOAL_RULES_PARSE, "clock": "process CPU time"}

    # 2. the whole CLI (process start, reading, gunzip, JSON out), over the same pages
    cli = [os.path.join("build", "moonwire"), "extract", "--generic"]
    walls, rss = [], []
    preds = {}
    for i in range(max(1, cli_runs)):
        pred = os.path.join(out, "moonwire-generic.jsonl")
        code, wall, kb, _ = run_child(cli + [os.path.join(gen, f) for f in gen_pages], pred)
        if code:
            notes.append(f"moonwire extract exited {code} on generic/")
        walls.append(wall)
        rss.append(kb)
    preds[("moonwire", "generic")] = pred
    cli_res = {"pages": len(gen_pages), "runs": len(walls), "wall_s_median": statistics.median(walls),
               "wall_s_runs": walls, "ms_per_page": statistics.median(walls) * 1e3 / len(gen_pages),
               "pages_per_s": len(gen_pages) / statistics.median(walls), "peak_rss_kb": max(rss)}
    if outlet_pages:
        pred = os.path.join(out, "moonwire-outlets.jsonl")
        code, _, _, _ = run_child(cli + outlet_pages, pred)
        if code:
            notes.append(f"moonwire extract exited {code} on outlets/")
        preds[("moonwire", "outlets")] = pred

    # 3. the contestants in rounds over generic/, the order turned each round; outlets/ once, for quality
    py = python_with_readability()
    mods = node_modules_with_readability(root)
    pb_cmd = lambda o, d: [pb, "extract", d, "--reps", "1", "--no-pair", "--pages", o]
    peer_cmds = {
        "readability-lxml": (lambda o, d: [py, os.path.join(HERE, "peers", "readability_lxml.py"), o, d])
        if py else None,
        # plain node, as Readability.js's README runs it: no --expose-gc, no forced collections
        "Readability.js": (lambda o, d: ["node", os.path.join(HERE, "peers", "readability_js.mjs"), mods, o, d])
        if mods else None,
    }
    extractors = {"moonwire": {"installed": True, "speed": {}}}
    racers = {"moonwire": pb_cmd}
    for name, mk in peer_cmds.items():
        if mk:
            extractors[name] = {"installed": True, "speed": {}}
            racers[name] = mk
        else:
            extractors[name] = {"installed": False}
            notes.append(f"{name}: not installed: run make peers")
    names = list(racers)
    timed = {n: {"ms": [], "cpu": [], "proc_cpu_s": [], "proc_wall_s": [], "peak_kb": []} for n in names}
    failed_rounds = {n: 0 for n in names}
    for rnd in range(rounds):
        order = names[rnd % len(names):] + names[:rnd % len(names)]
        for name in order:
            pred = os.path.join(out, f"{slug(name)}-generic-r{rnd}.jsonl")
            cpu = []
            code, wall, kb, text = run_child(racers[name](pred, gen), timeout=600, cpu=cpu)
            if code:
                notes.append(f"{name} failed on generic/ in round {rnd + 1} (exit {code})")
                failed_rounds[name] += 1
                continue
            t = timed[name]
            t["ms"].append(page_ms(pred))
            t["cpu"].append(page_ms(pred, "cpu_ms"))
            t["proc_cpu_s"].append(cpu[0])
            t["proc_wall_s"].append(wall)
            summary = json.loads(text.strip().splitlines()[-1])
            t["peak_kb"].append(summary.get("peak_rss_kb") or kb)
            ent = extractors[name]
            if name != "moonwire":
                ent["version"] = summary.get("version")
                if summary.get("failed") and rnd == 0:
                    notes.append(f"{name} raised on {summary['failed']} page(s) of generic/ (see {pred})")
            preds.setdefault((name, "generic"), pred)   # the first round's output is scored
    for name in names:
        t = timed[name]
        if not t["ms"]:
            continue
        ms, cpu = per_page_median(t["ms"]), per_page_median(t["cpu"])
        sp = speed_of(ms, max(t["peak_kb"]))
        sp.update({"cpu_ms_median": statistics.median(cpu.values()), "cpu_ms_total": sum(cpu.values()),
                   "rounds": len(t["ms"]),
                   "round_ms_total": spread([sum(r.values()) for r in t["ms"]]),
                   "round_cpu_ms_total": spread([sum(r.values()) for r in t["cpu"]]),
                   "round_ms_median": spread([statistics.median(r.values()) for r in t["ms"]]),
                   "round_cpu_ms_median": spread([statistics.median(r.values()) for r in t["cpu"]]),
                   "process_cpu_s": spread(t["proc_cpu_s"]), "process_wall_s": spread(t["proc_wall_s"])})
        extractors[name]["speed"]["generic"] = sp
    mw = timed["moonwire"]
    for name in names[1:]:
        t = timed[name]
        pairs = [(p, m) for p, m in zip(t["ms"], mw["ms"])] if len(t["ms"]) == len(mw["ms"]) else []
        cpairs = [(p, m) for p, m in zip(t["cpu"], mw["cpu"])] if len(t["cpu"]) == len(mw["cpu"]) else []
        if not pairs:
            continue
        per_round = [ratios(p, m) for p, m in pairs]
        per_round_cpu = [ratios(p, m) for p, m in cpairs]
        extractors[name]["faster"] = {
            "cpu_per_page_median": spread([r["per_page_median"] for r in per_round_cpu]),
            "cpu_of_totals": spread([r["of_totals"] for r in per_round_cpu]),
            "wall_per_page_median": spread([r["per_page_median"] for r in per_round]),
            "wall_of_totals": spread([r["of_totals"] for r in per_round]),
            "pages": per_round[0]["pages"], "goal_min": GOAL_FASTER[name]}
    for name, mk in peer_cmds.items():
        if mk and os.path.isdir(outl):
            pred = os.path.join(out, f"{slug(name)}-outlets.jsonl")
            code, _, _, _ = run_child(mk(pred, outl), timeout=600)
            if code:
                notes.append(f"{name} failed on outlets/ (exit {code})")
            else:
                preds[(name, "outlets")] = pred

    # 4. quality, the same score.py for everyone
    for (name, set_name), pred in preds.items():
        if have_score:
            extractors[name].setdefault("quality", {})[set_name] = score(score_py, d_of(sets, set_name), pred)
    if not have_score:
        notes.append(f"{score_py} not found: no quality figures")

    results = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpu": cpu_name(), "cores": os.cpu_count(), "python": platform.python_version(),
                    "load_at_start": load_at_start},
        "corpus": a.corpus, "generic_pages": len(gen_pages), "outlet_pages": len(outlet_pages),
        "reps": reps, "rounds": rounds, "load_at_end": " ".join(f"{v:.2f}" for v in os.getloadavg()),
        "parse": speed["parse"], "extract": speed["extract"], "extract_over_parse": ex_over_parse,
        "rules_over_parse": rules,
        "cli": cli_res, "extractors": extractors, "notes": notes,
        "bench_seconds": time.perf_counter() - t_start, "results": os.path.join(out, "results.json"),
    }
    with open(os.path.join(out, "results.json"), "w", encoding="utf-8") as fh:
        json.dump(results, fh, indent=2)
        fh.write("\n")
    print_table(results)


def d_of(sets, name):
    return dict(sets)[name]


def cpu_name():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def print_table(r):
    p, e, x, c = r["parse"], r["extract"], r["extract_over_parse"], r["cli"]
    mbytes = p["input_bytes"] / 1e6
    print(f"\nmoonwire bench: {r['corpus']}/generic, {r['generic_pages']} pages, {mbytes:.1f} MB of HTML; "
          f"in-process figures are the per-page median of {r['reps']} runs")
    print(f"machine: {r['machine']['cpu']} ({r['machine']['cores']} cores), load average at start "
          f"{r['machine']['load_at_start']}, at the end {r['load_at_end']}\n")
    print(f"{'speed (generic/, in-process)':34s} {'CPU ms/page':>11s} {'wall ms/page':>12s} {'ms total':>10s}"
          f" {'peak RSS':>10s} {'RSS with pages loaded':>22s}")
    pp = e["paired_parse"]
    print(f"{'libxml2 parse (htmlReadMemory)':34s} {p['cpu_ms_median']:11.2f} {p['ms_median']:12.2f}"
          f" {p['ms_total']:10.1f} {mb(p['peak_rss_kb']):>10s} {mb(p['loaded_rss_kb']):>22s}   (own process)")
    print(f"{'libxml2 parse, paired':34s} {'':>11s} {pp['ms_median']:12.2f} {pp['ms_total']:10.1f} {'':>10s}"
          f" {'':>22s}   (interleaved with the extractions below)")
    print(f"{'moonwire extract --generic':34s} {e['cpu_ms_median']:11.2f} {e['ms_median']:12.2f}"
          f" {e['ms_total']:10.1f} {mb(e['peak_rss_kb']):>10s} {mb(e['loaded_rss_kb']):>22s}   (own process)")
    ok = "ok" if x["of_medians"] <= x["goal_max"] and x["of_totals"] <= x["goal_max"] else "MISSED"
    print(f"{'ratio extract/parse (paired)':34s} {x['of_medians']:23.2f}x {x['of_totals']:9.2f}x"
          f"   (per-page median {x['per_page_median']:.2f}x; goal <= {x['goal_max']:.0f}x: {ok})")
    rl = r.get("rules_over_parse")
    if rl:
        ok = "ok" if rl["of_totals"] <= rl["goal_max"] else "MISSED"
        print(f"{'ratio with rules (outlets/, CPU)':34s} {rl['of_medians']:23.2f}x {rl['of_totals']:9.2f}x"
              f"   (per-page median {rl['per_page_median']:.2f}x over {rl['pages']} pages; goal of totals <= "
              f"{rl['goal_max']:.1f}x: {ok})")
    print(f"{'CLI moonwire extract --generic':34s} {'':>11s} {c['ms_per_page']:12.2f} {c['wall_s_median'] * 1e3:10.1f}"
          f" {mb(c['peak_rss_kb']):>10s}   (wall time / {c['pages']} pages, whole process, "
          f"median of {c['runs']} runs: {c['pages_per_s']:.0f} pages/s)")

    ex = r["extractors"]
    print(f"\nquality (score.py) and speed (generic/, {r['rounds']} interleaved rounds, each contestant in its own"
          f" process per round; per page: the median over the rounds)")
    hdr = (f"{'extractor':18s} {'generic':>8s} {'outlets':>8s} {'title':>6s} {'authors':>7s} {'publ.':>6s}"
           f" {'date':>6s} {'CPU ms':>8s} {'wall ms':>8s} {'CPU s total':>18s} {'peak RSS':>9s}")
    print(hdr)
    print(f"{'':18s} {'body F1':>8s} {'body F1':>8s} {'(outlets/, share of pages right)':>28s}"
          f" {'/page':>8s} {'/page':>8s} {'median (min..max)':>18s}")
    for name in ("moonwire", "readability-lxml", "Readability.js"):
        ent = ex.get(name, {})
        if not ent.get("installed"):
            print(f"{name:18s} not installed: run make peers")
            continue
        q = ent.get("quality", {})
        g, o = q.get("generic") or {}, q.get("outlets") or {}
        sp = ent.get("speed", {}).get("generic") or {}
        tot = sp.get("round_cpu_ms_total")
        tot_txt = "—" if not tot else f"{tot['median'] / 1e3:.2f} ({tot['min'] / 1e3:.2f}..{tot['max'] / 1e3:.2f})"
        cpu_med = "—" if sp.get("cpu_ms_median") is None else f"{sp['cpu_ms_median']:.2f}"
        ms_med = "—" if sp.get("ms_median") is None else f"{sp['ms_median']:.2f}"
        label = name + (" (generic)" if name == "moonwire" else "")
        print(f"{label:18s} {f3(g.get('body_f1')):>8s} {f3(o.get('body_f1')):>8s} {f3(o.get('title')):>6s}"
              f" {f3(o.get('authors')):>7s} {f3(o.get('published')):>6s} {f3(o.get('published_date')):>6s}"
              f" {cpu_med:>8s} {ms_med:>8s} {tot_txt:>18s} {mb(sp.get('peak_rss_kb')):>9s}")
    print(f"\nhow many times faster moonwire is (per round: the per-page median of peer/moonwire; then the median"
          f" and min..max over the {r['rounds']} rounds)")
    print(f"{'peer':18s} {'CPU time':>22s} {'wall time':>22s} {'CPU, of totals':>22s} {'goal':>6s}")
    for name in GOAL_FASTER:
        fast = ex.get(name, {}).get("faster")
        if not fast:
            continue
        c, w, ct = fast["cpu_per_page_median"], fast["wall_per_page_median"], fast["cpu_of_totals"]
        ok = "ok" if c and c["median"] >= fast["goal_min"] else "MISSED"
        fmt = lambda x: "—" if not x else f"{x['median']:.1f}x ({x['min']:.1f}..{x['max']:.1f})"
        print(f"{name:18s} {fmt(c):>22s} {fmt(w):>22s} {fmt(ct):>22s} {fast['goal_min']:5.0f}x {ok}")
    mwp = ex["moonwire"].get("speed", {}).get("generic", {}).get("process_cpu_s")
    if mwp:
        parts = []
        for name in ("moonwire", "readability-lxml", "Readability.js"):
            pc = ex.get(name, {}).get("speed", {}).get("generic", {}).get("process_cpu_s")
            if pc:
                parts.append(f"{name} {pc['median']:.2f} s")
        print("whole-process CPU per round (wait4: start-up, loading the pages, the runtime): " + ", ".join(parts))
    print("peak RSS: the whole process with every page of the set held in memory (peers: their runtime too)")
    for n in r["notes"]:
        print(f"note: {n}")
    print(f"\nfigures: {r['results']} ({r['bench_seconds']:.0f} s)")


if __name__ == "__main__":
    main()
