#!/usr/bin/env python3
"""tests/bench/bench.py: the corpus half of `make bench` (tests/bench/bench.sh calls it from the project root).
Runs build/bench/parsebench (libxml2 parse vs moonwire extract, one process each so peak RSS is honest), the
CLI over the corpus, score.py on moonwire's and the installed peers' output, and prints one table; the same
figures go to build/bench/results.json. The peers themselves are tests/bench/peers/ (installed by make peers).

    bench.py [--corpus ../shared/corpus] [--out build/bench]

Env: MW_BENCH_REPS (runs per page for parsebench, default 5), MW_BENCH_PEER_REPS (default 1: the peers are
10-100x slower, so their noise hardly moves a ratio, and the crawl benchmark shares the 5 minutes),
MW_BENCH_CLI_RUNS (default 3).
"""
import argparse, datetime, json, os, platform, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
GOAL_EXTRACT_PARSE = 3.0                                   # extract at most 3x the bare libxml2 parse
GOAL_RULES_PARSE = 1.5                                     # with rules, on outlets/: at most 1.5x (issue 15)
GOAL_FASTER = {"readability-lxml": 8.0, "Readability.js": 20.0}


def run_child(cmd, stdout_path=None, timeout=None):
    """Run cmd; return (exit code, wall seconds, the child's own peak RSS in kB, stdout text or None)."""
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


def page_ms(path):
    return {os.path.basename(r["file"]): r["ms"] for r in read_jsonl(path) if r.get("ms") is not None}


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
    peer_reps = int(os.environ.get("MW_BENCH_PEER_REPS", "1"))
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

    # 3. peers, each in its own process per set, when installed
    extractors = {"moonwire": {"installed": True, "speed": {
        "generic": speed_of(extract_ms, speed["extract"]["peak_rss_kb"], speed["extract"]["loaded_rss_kb"])}}}
    py = python_with_readability()
    mods = node_modules_with_readability(root)
    peer_cmds = {
        "readability-lxml": (lambda o, d, n: [py, os.path.join(HERE, "peers", "readability_lxml.py"), o, d,
                                              "--reps", str(n)]) if py else None,
        "Readability.js": (lambda o, d, n: ["node", "--expose-gc", os.path.join(HERE, "peers", "readability_js.mjs"),
                                            mods, o, d, "--reps", str(n)]) if mods else None,
    }
    for name, mk in peer_cmds.items():
        if not mk:
            extractors[name] = {"installed": False}
            notes.append(f"{name}: not installed: run make peers")
            continue
        ent = extractors[name] = {"installed": True, "speed": {}}
        for set_name, d in sets:
            pred = os.path.join(out, f"{name.lower().replace('.', '')}-{set_name}.jsonl")
            # speed is compared on generic/ only: outlets/ needs one run per page for its quality figures
            code, wall, _, text = run_child(mk(pred, d, peer_reps if set_name == "generic" else 1), timeout=280)
            if code:
                notes.append(f"{name} failed on {set_name}/ (exit {code})")
                continue
            summary = json.loads(text.strip().splitlines()[-1])
            ent["version"] = summary.get("version")
            ent["speed"][set_name] = speed_of(page_ms(pred), summary["peak_rss_kb"], summary["loaded_rss_kb"])
            ent["speed"][set_name]["failed"] = summary["failed"]
            ent["speed"][set_name]["wall_s"] = wall
            if summary["failed"]:
                notes.append(f"{name} raised on {summary['failed']} page(s) of {set_name}/ (see {pred})")
            if name == "readability-lxml":   # its title call re-parses the page: keep the body-only figure too
                body_only = {os.path.basename(r["file"]): r["ms_body"] for r in read_jsonl(pred)}
                ent["speed"][set_name]["ms_median_summary_only"] = statistics.median(body_only.values())
                ent["speed"][set_name]["ms_total_summary_only"] = sum(body_only.values())
            preds[(name, set_name)] = pred

    # 3b. moonwire again, after the peers: others' builds come and go on a shared machine, so each page's
    # moonwire time for the ratios is the slower of the two runs (the ratios can only err against moonwire).
    after_file = os.path.join(out, "extract-after-pages.jsonl")
    code, _, _, text = run_child([pb, "extract", gen, "--reps", str(reps), "--pages", after_file])
    after_ms = page_ms(after_file) if code == 0 else {}
    mw_for_ratio = {k: max(v, after_ms.get(k, v)) for k, v in extract_ms.items()}
    extractors["moonwire"]["speed"]["generic_after_peers"] = speed_of(after_ms)
    extractors["moonwire"]["speed"]["generic_for_ratios"] = speed_of(mw_for_ratio)
    for name in GOAL_FASTER:
        ent = extractors[name]
        if ent.get("installed") and "generic" in ent["speed"]:
            ent["faster"] = ratios(page_ms(preds[(name, "generic")]), mw_for_ratio)
            ent["faster"]["goal_min"] = GOAL_FASTER[name]
            if name == "readability-lxml":
                body_only = {os.path.basename(r["file"]): r["ms_body"]
                             for r in read_jsonl(preds[(name, "generic")])}
                ent["faster_summary_only"] = ratios(body_only, mw_for_ratio)

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
        "reps": reps, "peer_reps": peer_reps,
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
          f"{r['machine']['load_at_start']}\n")
    print(f"{'speed (generic/, in-process)':34s} {'ms/page median':>14s} {'ms total':>10s} {'peak RSS':>10s}"
          f" {'RSS with pages loaded':>22s}")
    pp = e["paired_parse"]
    print(f"{'libxml2 parse (htmlReadMemory)':34s} {p['ms_median']:14.2f} {p['ms_total']:10.1f}"
          f" {mb(p['peak_rss_kb']):>10s} {mb(p['loaded_rss_kb']):>22s}   (own process)")
    print(f"{'libxml2 parse, paired':34s} {pp['ms_median']:14.2f} {pp['ms_total']:10.1f} {'':>10s} {'':>22s}"
          f"   (interleaved with the extractions below)")
    print(f"{'moonwire extract --generic':34s} {e['ms_median']:14.2f} {e['ms_total']:10.1f}"
          f" {mb(e['peak_rss_kb']):>10s} {mb(e['loaded_rss_kb']):>22s}   (own process)")
    ok = "ok" if x["of_medians"] <= x["goal_max"] and x["of_totals"] <= x["goal_max"] else "MISSED"
    print(f"{'ratio extract/parse (paired)':34s} {x['of_medians']:13.2f}x {x['of_totals']:9.2f}x"
          f"   (per-page median {x['per_page_median']:.2f}x; goal <= {x['goal_max']:.0f}x: {ok})")
    rl = r.get("rules_over_parse")
    if rl:
        ok = "ok" if rl["of_totals"] <= rl["goal_max"] else "MISSED"
        print(f"{'ratio with rules (outlets/, CPU)':34s} {rl['of_medians']:13.2f}x {rl['of_totals']:9.2f}x"
              f"   (per-page median {rl['per_page_median']:.2f}x over {rl['pages']} pages; goal of totals <= "
              f"{rl['goal_max']:.1f}x: {ok})")
    print(f"{'CLI moonwire extract --generic':34s} {c['ms_per_page']:14.2f} {c['wall_s_median'] * 1e3:10.1f}"
          f" {mb(c['peak_rss_kb']):>10s}   (wall time / {c['pages']} pages, whole process, "
          f"median of {c['runs']} runs: {c['pages_per_s']:.0f} pages/s)")

    ex = r["extractors"]
    print(f"\nquality and speed side by side (quality: score.py; speed: generic/, measured inside each runner, "
          f"peers: {r['peer_reps']} run(s) per page)")
    hdr = (f"{'extractor':18s} {'generic':>8s} {'outlets':>8s} {'title':>6s} {'authors':>7s} {'publ.':>6s}"
           f" {'date':>6s} {'ms/page':>9s} {'ms total':>9s} {'peak RSS':>9s} {'moonwire faster':>22s}")
    print(hdr)
    print(f"{'':18s} {'body F1':>8s} {'body F1':>8s} {'(outlets/, share of pages right)':>28s}"
          f" {'median':>9s} {'':>9s} {'':>9s} {'per page (of totals)':>22s}")
    for name in ("moonwire", "readability-lxml", "Readability.js"):
        ent = ex.get(name, {})
        if not ent.get("installed"):
            print(f"{name:18s} not installed: run make peers")
            continue
        q = ent.get("quality", {})
        g, o = q.get("generic") or {}, q.get("outlets") or {}
        s = ent.get("speed", {}).get("generic") or {}
        fast = ent.get("faster")
        if name == "moonwire":
            ftxt = "—"
        elif fast:
            ok = "ok" if fast["per_page_median"] >= fast["goal_min"] else "MISSED"
            ftxt = f"{fast['per_page_median']:.1f}x ({fast['of_totals']:.1f}x) {ok}"
        else:
            ftxt = "—"
        ms_med = "—" if s.get("ms_median") is None else f"{s['ms_median']:.2f}"
        ms_tot = "—" if s.get("ms_total") is None else f"{s['ms_total']:.0f}"
        label = name + (" (generic)" if name == "moonwire" else "")
        print(f"{label:18s} {f3(g.get('body_f1')):>8s} {f3(o.get('body_f1')):>8s} {f3(o.get('title')):>6s}"
              f" {f3(o.get('authors')):>7s} {f3(o.get('published')):>6s} {f3(o.get('published_date')):>6s}"
              f" {ms_med:>9s} {ms_tot:>9s} {mb(s.get('peak_rss_kb')):>9s} {ftxt:>22s}")
    mw = ex["moonwire"]["speed"]
    if mw.get("generic_after_peers", {}).get("pages"):
        print(f"moonwire extract timed before and after the peers: {mw['generic']['ms_median']:.2f} and "
              f"{mw['generic_after_peers']['ms_median']:.2f} ms/page median; the ratios take the slower run per page")
    goals = ", ".join(f"{k} >= {v:.0f}x" for k, v in GOAL_FASTER.items())
    print(f"goals (per-page median of the per-page ratios): {goals}")
    rl = ex.get("readability-lxml", {})
    if rl.get("faster_summary_only"):
        print(f"readability-lxml times short_title() + summary() (each parses the page, as its own CLI does);"
              f" summary() alone: {rl['speed']['generic']['ms_median_summary_only']:.2f} ms/page, moonwire "
              f"{rl['faster_summary_only']['per_page_median']:.1f}x faster")
    print("peak RSS: the whole process with every page of the set held in memory (peers: their runtime too)")
    for n in r["notes"]:
        print(f"note: {n}")
    print(f"\nfigures: {r['results']} ({r['bench_seconds']:.0f} s)")


if __name__ == "__main__":
    main()
