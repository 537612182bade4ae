#!/usr/bin/env python3
"""tests/bench/scale.py (run by tests/bench/bench.sh): how moonwire holds up as the work grows, with figures
measured here, in interleaved rounds, each run a child process measured with wait4 (wall, CPU, peak RSS):

  big pages   synthetic 14 MB pages generated here with a fixed seed (no outlet's page: two shapes of the
              phenomenon): "heavy" — the shape of big real news pages: framework state as inline JSON,
              scripts, inline SVG, data-URI images, a long article with comments; "text" — 14 MB of article
              paragraphs, the worst case for the tree and the body. Peak RSS of `moonwire extract` on each,
              against the page size, and against a one-line page (the process itself).
  rules       10,000 generated rules loaded (`moonwire extract` of a one-line page with MOONWIRE_RULES set):
              CPU time less the same run without them. extract loads lazily (a rule file is indexed by its
              name and domains, run when a page of its comes), so also: a page of one of them, and `moonwire
              rules`, which runs and checks every file.
  extract -j  the corpus pages (../shared/corpus/*/, each 10 times) with -j 1 and -j 2: wall and CPU.

    scale.py [--corpus ../shared/corpus] [--rounds 3] [--only pages|rules|jobs]
The machine's load is printed with the figures: the cores may be shared."""
import argparse, base64, json, os, random, statistics, subprocess, sys, tempfile, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MW = os.path.join(ROOT, "build", "moonwire")
WORDS = ("the council said on monday that harbour workers would vote again after talks over pay and hours broke "
         "down late last week according to officials").split()


TIME = "/usr/bin/time"


def run(cmd, env=None):
    """(wall s, CPU s, peak RSS MB, exit code). Through GNU time when there is one: a child forked straight from
    this Python would count the parent's pages it had before exec in its peak RSS (ru_maxrss spans the exec)."""
    t0 = time.monotonic()
    if os.access(TIME, os.X_OK):
        with tempfile.NamedTemporaryFile("r") as f:
            rc = subprocess.run([TIME, "-o", f.name, "-f", "%U %S %M", *cmd], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env).returncode
            u, sy, m = f.read().split()[-3:]
        return time.monotonic() - t0, float(u) + float(sy), int(m) / 1024, rc
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, ru = os.wait4(p.pid, 0)
    return time.monotonic() - t0, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def sentence(rnd, a, b):
    return " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(a, b))).capitalize() + "."


def text_page(size):
    rnd = random.Random(15)
    out = ['<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A very long report</title></head>'
           '<body><nav>' + "".join(f'<a href="/s/{i}">Section {i}</a>' for i in range(30)) + '</nav>'
           '<article><h1>A very long report</h1><p class="byline">By Jane Doe</p>']
    n, i = len(out[0]), 0
    while n < size - 200:
        p = f"<p>{sentence(rnd, 30, 60)}</p>\n" if i % 10 else f"<h2>Part {i}</h2>\n<p>{sentence(rnd, 30, 60)}</p>\n"
        out.append(p)
        n += len(p)
        i += 1
    out.append("</article><footer>Footer</footer></body></html>")
    return "".join(out)


def heavy_page(size):
    rnd = random.Random(15)
    paras = [sentence(rnd, 30, 60) for _ in range(120)]
    parts = ['<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Harbour vote</title>']
    total = [len(parts[0])]

    def add_until(frac, make):
        target = total[0] + int(size * frac)
        while total[0] < target:
            s = make()
            parts.append(s)
            total[0] += len(s)
    teaser = lambda: {"id": rnd.randint(1, 10**9), "title": sentence(rnd, 6, 12), "summary": sentence(rnd, 20, 40)}
    state = json.dumps({"props": {"article": {"body": paras}, "related": [teaser() for _ in range(200)]}})
    add_until(0.45, lambda: '<script id="__NEXT_DATA__" type="application/json">' + state + "</script>")
    add_until(0.15, lambda: "<script>" + "".join(f"function f{i}(a,b){{return a*{i}+b;}}" for i in range(400)) + "</script>")
    parts.append("</head><body><nav>" + "".join(f'<a href="/s/{i}">Section {i}</a>' for i in range(40)) + "</nav>")
    icon = '<svg viewBox="0 0 24 24"><path d="' + " ".join(f"M{rnd.randint(0, 24)} {rnd.randint(0, 24)}L1 2" for _ in range(60)) + '"/></svg>'
    add_until(0.08, lambda: icon)
    img = base64.b64encode(bytes(rnd.getrandbits(8) for _ in range(60000))).decode()
    add_until(0.17, lambda: f'<img alt="photo" src="data:image/jpeg;base64,{img}">')
    parts.append("<article><h1>Harbour workers vote again</h1><p class=byline>By Jane Doe</p>")
    while total[0] < size - 200:
        s = (f"<p>{rnd.choice(paras)}</p>\n" if rnd.random() < 0.7 else
             f'<div class="comment"><p>{sentence(rnd, 10, 30)}</p></div>\n')
        parts.append(s)
        total[0] += len(s)
    parts.append("</article></body></html>")
    return "".join(parts)


def big_pages(tmp, rounds):
    size = 14 << 20
    tiny = os.path.join(tmp, "tiny.html")
    open(tiny, "w").write("<html><body><p>x</p></body></html>")
    files = {"heavy": os.path.join(tmp, "heavy.html"), "text": os.path.join(tmp, "text.html")}
    open(files["heavy"], "w").write(heavy_page(size))
    open(files["text"], "w").write(text_page(size))
    rss = {k: [] for k in ["tiny", *files]}
    for _ in range(rounds):
        rss["tiny"].append(run([MW, "extract", tiny])[2])
        for k, f in files.items():
            rss[k].append(run([MW, "extract", f])[2])
    base = max(rss["tiny"])
    for k, f in files.items():
        mb = os.path.getsize(f) / 2**20
        peak = max(rss[k])
        print(f"big page ({k:5}): {mb:.1f} MB page, peak RSS {peak:.1f} MB = {peak / mb:.2f}x the page "
              f"(the process alone, on a one-line page: {base:.1f} MB; the page's share {peak - base:.1f} MB = "
              f"{(peak - base) / mb:.2f}x)")


def rules_load(tmp, rounds):
    d = os.path.join(tmp, "rules")
    os.makedirs(d)
    for i in range(10000):
        with open(os.path.join(d, f"r{i}.lua"), "w") as f:
            f.write(f'return rule {{\n  name = "r{i}", outlet = "Outlet {i}", domains = {{"o{i}.example"}},\n'
                    f'  article = "^https://o{i}%.example/news/%d+$",\n'
                    f'  title = "h1.title", body = {{".article p", drop = {{".ad"}}}},\n}}\n')
    tiny = os.path.join(tmp, "tiny.html")
    env = dict(os.environ, MOONWIRE_RULES=d)
    with_r, without, one, listed = [], [], [], []
    for _ in range(rounds):
        with_r.append(run([MW, "extract", tiny], env))
        without.append(run([MW, "extract", tiny]))
        one.append(run([MW, "extract", "--url", "https://o5000.example/news/1", tiny], env))
        listed.append(run([MW, "rules"], env))
    med = lambda rs, k: statistics.median(r[k] for r in rs)
    extra = med(with_r, 1) - med(without, 1)
    print(f"rules: 10,000 rules load in {1000 * extra:.0f} ms CPU ({1e6 * extra / 10000:.0f} us a rule; the run "
          f"with them {1000 * med(with_r, 1):.0f} ms CPU, {1000 * med(with_r, 0):.0f} ms wall, peak RSS "
          f"{med(with_r, 2):.1f} MB; without {1000 * med(without, 1):.0f} ms, {med(without, 2):.1f} MB; a page of "
          f"one of them {1000 * med(one, 1):.0f} ms CPU; `moonwire rules`, every file run and checked: "
          f"{med(listed, 1):.2f} s CPU; medians of {rounds})")


def extract_jobs(corpus, rounds):
    pages = sorted(os.path.join(corpus, d, f) for d in ("generic", "outlets", "publishers")
                   if os.path.isdir(os.path.join(corpus, d)) for f in os.listdir(os.path.join(corpus, d))
                   if f.endswith((".html", ".html.gz")))
    if not pages:
        print(f"extract -j: no pages under {corpus}: skipped")
        return
    args = pages * 10
    res = {1: [], 2: []}
    for _ in range(rounds):
        for j in (1, 2):
            res[j].append(run([MW, "extract", "-j", str(j), *args]))
    w = {j: statistics.median(r[0] for r in res[j]) for j in res}
    c = {j: statistics.median(r[1] for r in res[j]) for j in res}
    print(f"extract -j: {len(args)} pages; -j 1 {w[1]:.2f} s wall ({c[1]:.2f} s CPU), -j 2 {w[2]:.2f} s wall "
          f"({c[2]:.2f} s CPU): -j 2 is {w[1] / w[2]:.2f}x -j 1 in wall time (medians of {rounds})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", choices=["pages", "rules", "jobs"], help="one part of the bench")
    a = ap.parse_args()
    load = lambda: " ".join(open("/proc/loadavg").read().split()[:3])
    print(f"scale bench: {os.cpu_count()} cores, load {load()}")
    with tempfile.TemporaryDirectory() as tmp:
        if a.only in (None, "pages"):
            big_pages(tmp, a.rounds)
        if a.only in (None, "rules"):
            rules_load(tmp, a.rounds)
        if a.only in (None, "jobs"):
            extract_jobs(a.corpus, a.rounds)
    print(f"scale bench: load after {load()}")


if __name__ == "__main__":
    main()
