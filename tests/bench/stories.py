#!/usr/bin/env python3
"""tests/bench/stories.py (run by `make bench` through bench.sh): the stories benchmark. Synthetic articles
(build/bench/stories gen, fixed seed 20260314) of made-up events, 10k and 100k (1M with MW_BENCH_STORIES_1M=1):
  - full clustering of N articles from JSON lines (`moonwire stories --format jsonl`): time, peak RSS, and the
    pairwise precision/recall of the grouping against the events the generator made;
  - a store of 100k articles: the full re-cluster (`moonwire stories --store --rebuild`), then 1,000 newer
    articles added the way `moonwire run` adds them (the sqlite sink and the story hook, up to 256 articles a
    transaction as run/crawl.c batches its writes), and again one transaction each (a fresh copy of the store);
  - the ratio of the 100k to the 10k clustering time (10 is linear);
then the same-story measure on the SemEval dev pairs (tests/bench/stories_eval.py) when ../shared has them.
Goals (issue 14): 100k in under 60 s on one core and under 1 GB; 1,000 new articles into a 100k store in
under 2 s. Every child runs alone, its peak RSS read with wait4. Figures also go to build/bench/stories.json."""
import collections, json, os, re, shutil, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
MW = os.path.join(ROOT, "build", "moonwire")
GEN = os.path.join(ROOT, "build", "bench", "stories")
SEED = 20260314


def run(cmd, stdout=None):
    """(wall seconds, user+sys CPU seconds, peak RSS MB) of one child, run through `stories rss`: a child forked
    by this script would start its peak RSS at the script's own size."""
    t0 = time.perf_counter()
    p = subprocess.run([GEN, "rss", stdout or os.devnull, *cmd], stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode:
        raise RuntimeError(f"{' '.join(cmd[:3])}: exit {p.returncode}: {err[-800:]}")
    _, user, sys_, kb = err.strip().splitlines()[-1].split()
    return wall, float(user) + float(sys_), int(kb) / 1024


def quality(articles, stories):
    """Pairwise precision and recall of the grouping against the generator's events (/e<N>/ in each url)."""
    truth = {}
    with open(articles) as f:
        for l in f:
            u = json.loads(l)["url"]
            truth[u] = re.search(r"/e(\d+)/", u).group(1)
    pred = {}
    with open(stories) as f:
        for l in f:
            s = json.loads(l)
            for m in s["members"]:
                pred[m["url"]] = s["story"]
    pairs = lambda lab: sum(n * (n - 1) // 2 for n in collections.Counter(lab).values())
    both = pairs((truth[u], pred.get(u, "lone:" + u)) for u in truth)
    p, r = pairs(pred.values()), pairs(truth.values())
    return (both / p if p else 1.0), (both / r if r else 1.0)


def head(src, dst, n, skip=0):
    with open(src) as f, open(dst, "w") as o:
        for i, l in enumerate(f):
            if i >= skip + n:
                break
            if i >= skip:
                o.write(l)


def main():
    tmp = tempfile.mkdtemp(prefix="mw-bench-stories-")
    sizes = [10_000, 100_000] + ([1_000_000] if os.environ.get("MW_BENCH_STORIES_1M") else [])
    res = {"seed": SEED, "cluster": {}, "store": {}}
    print(f"stories benchmark (synthetic articles, seed {SEED}; one core each)")
    print(f"  {'articles':>9}  {'wall s':>7}  {'cpu s':>7}  {'peak MB':>8}  {'precision':>9}  {'recall':>6}  stories")
    for n in sizes:
        src = os.path.join(tmp, f"a{n}.jsonl")
        with open(src, "wb") as f:
            subprocess.run([GEN, "gen", str(n + (1000 if n == 100_000 else 0)), str(SEED)], stdout=f, check=True)
        data = src
        if n == 100_000:   # the last 1,000 (the newest) are the ones added to the store below
            data = os.path.join(tmp, "a100k.jsonl")
            head(src, data, n)
            head(src, os.path.join(tmp, "new1000.jsonl"), 1000, skip=n)
        out = os.path.join(tmp, f"s{n}.jsonl")
        wall, cpu, rss = run([MW, "stories", "--format", "jsonl", "--min-articles", "2", data], stdout=out)
        p, r = quality(data, out)
        nst = sum(1 for _ in open(out))
        res["cluster"][n] = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "peak_mb": round(rss, 1),
                             "precision": round(p, 4), "recall": round(r, 4), "stories_2plus": nst}
        print(f"  {n:>9}  {wall:7.2f}  {cpu:7.2f}  {rss:8.1f}  {p:9.3f}  {r:6.3f}  {nst} with 2+ articles")
    c = res["cluster"]
    res["ratio_100k_10k"] = round(c[100_000]["cpu_s"] / c[10_000]["cpu_s"], 2)
    print(f"  100k / 10k CPU time: {res['ratio_100k_10k']} (10 = linear; both over one year, so the 100k "
          f"hold ten times as many articles per day, and an article's window ten times the candidates)")
    # the same density: 10k over a tenth of the year against the 100k over the year
    src = os.path.join(tmp, "a10k-dense.jsonl")
    with open(src, "wb") as f:
        subprocess.run([GEN, "gen", "10000", str(SEED), "36"], stdout=f, check=True)
    out = os.path.join(tmp, "s10k-dense.jsonl")
    wall, cpu, rss = run([MW, "stories", "--format", "jsonl", "--min-articles", "2", src], stdout=out)
    res["cluster_10k_36_days"] = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "peak_mb": round(rss, 1)}
    res["ratio_100k_10k_same_density"] = round(c[100_000]["cpu_s"] / cpu, 2)
    print(f"  10k over 36 days (the 100k's articles per day): {wall:.2f} s wall, {cpu:.2f} s CPU; 100k / 10k at "
          f"the same density: {res['ratio_100k_10k_same_density']}")

    store = os.path.join(tmp, "store.sqlite")
    run([GEN, "load", store, os.path.join(tmp, "a100k.jsonl")])
    os.sync()
    wall, cpu, rss = run([MW, "stories", "--store", store, "--rebuild", "--format", "jsonl"])
    res["store"]["rebuild_100k"] = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "peak_mb": round(rss, 1)}
    print(f"  store of 100k: full re-cluster (stories --rebuild): {wall:.2f} s wall, {cpu:.2f} s CPU, {rss:.0f} MB")
    base = os.path.join(tmp, "store100k.sqlite")
    shutil.copyfile(store, base)   # the same 100k store for both ways of adding
    for batch, key, how in ((256, "add_1000", "up to 256 a transaction, as run batches"),
                            (1, "add_1000_each", "one transaction each")):
        for ext in ("", "-wal", "-shm"):
            if os.path.exists(store + ext):
                os.unlink(store + ext)
        shutil.copyfile(base, store)
        os.sync()   # the copy's writeback is not the additions' cost
        wall, cpu, rss = run([GEN, "add", store, os.path.join(tmp, "new1000.jsonl"), str(batch)])
        res["store"][key] = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "peak_mb": round(rss, 1),
                             "batch": batch}
        print(f"  1,000 new articles into it with the story hook, {how}: {wall:.2f} s wall, {cpu:.2f} s CPU, "
              f"{rss:.0f} MB")
    t100 = c[100_000]
    ok = t100["cpu_s"] < 60 and t100["peak_mb"] < 1024 and res["store"]["add_1000"]["wall_s"] < 2
    print(f"  goals (100k < 60 s and < 1 GB; 1,000 into 100k < 2 s): {'met' if ok else 'NOT met'} "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: wall times grow with it)")
    os.makedirs(os.path.join(ROOT, "build", "bench"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "bench", "stories.json"), "w") as f:
        json.dump(res, f, indent=1)
    for name in os.listdir(tmp):
        os.unlink(os.path.join(tmp, name))
    os.rmdir(tmp)
    print()
    subprocess.run([sys.executable, os.path.join(HERE, "stories_eval.py")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
