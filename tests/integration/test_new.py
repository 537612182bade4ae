#!/usr/bin/env python3
"""tests/integration/test_new.py: `moonwire new` on one saved page of each outlet that has two or more:
the scaffolded rule loads, reproduces its own fixture, and — reported, not asserted, since a scaffold is a
starting point — how it does unchanged on the outlet's other pages (body F1, title, date)."""
import glob, json, os, sys, tempfile
sys.path.insert(0, os.path.dirname(__file__))
from harness import moonwire, shared, main


def outlets_with_pages():
    root = shared("corpus", "outlets")
    for d in sorted(glob.glob(os.path.join(root, "*"))):
        pages = sorted(glob.glob(os.path.join(d, "*.html.gz")))
        if len(pages) >= 2:
            yield os.path.basename(d), pages


def test_new_scaffolds_every_outlet():
    rows = []
    for outlet, pages in outlets_with_pages():
        out = tempfile.mkdtemp(prefix="mw-new-")
        first = pages[0]
        url = json.load(open(first[:-8] + ".json"))["url"]
        name = "new_" + outlet
        r = moonwire("new", name, "--url", url, "-o", out, first)
        assert r.rc == 0, (outlet, r.err)
        rule = open(os.path.join(out, name + ".lua")).read()
        assert 'name    = "%s"' % name in rule and "body" in rule and "title" in rule, rule
        assert len(rule.splitlines()) < 40, rule
        env = {"MOONWIRE_RULES": out}
        own = moonwire("test", "--fixtures", os.path.join(out, name), name, env=env)
        assert own.rc == 0 and "1 passed, 0 failed" in own.out, (outlet, own.out, own.err)
        # the same rule, unchanged, on the outlet's other pages
        res = moonwire("extract", "--rule", name, *pages[1:], env=env)
        assert res.rc == 0, res.err
        for rec in res.records():
            truth = json.load(open(rec["file"][:-8] + ".json"))
            f1 = body_f1(rec.get("body") or "", truth.get("body") or "")
            rows.append((outlet, os.path.basename(rec["file"]), f1, norm(rec.get("title")) == norm(truth.get("title")),
                         (rec.get("published") or "")[:10] == (truth.get("published") or "")[:10],
                         not any("matched nothing" in w for w in rec.get("warnings", []))))
    print("        outlet        page                              body F1  title  date  selectors held")
    for o, p, f1, t, d, held in rows:
        print(f"        {o:13s} {p:33s} {f1:6.3f}   {'yes' if t else 'no ':3s}    {'yes' if d else 'no ':3s}   {'yes' if held else 'no'}")
    n = len(rows)
    print(f"        {n} other pages: mean body F1 {sum(r[2] for r in rows) / n:.3f}, title {sum(r[3] for r in rows)}/{n},"
          f" date {sum(r[4] for r in rows)}/{n}, selectors held {sum(r[5] for r in rows)}/{n}")
    assert n >= 5


def norm(s):
    return " ".join((s or "").split()).casefold()


def body_f1(pred, truth):
    sys.path.insert(0, os.path.join(shared("tools")))
    import score
    tp, fp, fn, _ = score.body_counts(pred, truth)
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


if __name__ == "__main__":
    main([test_new_scaffolds_every_outlet])
