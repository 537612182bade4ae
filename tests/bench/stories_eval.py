#!/usr/bin/env python3
"""tests/bench/stories_eval.py: the same-story measure on human-judged article pairs (../shared/stories,
SemEval-2022 Task 8 dev pairs). Turns each pair into {"a": record, "b": record} (text as body, the language,
an id as url), runs `moonwire stories --pairs`, and prints Pearson r between the similarity and -overall and
the F1 of same_story against overall <= 2: overall, per language pair, and the ten worst-judged pairs.

The decision threshold is the module's (MW_STORY_THRESHOLD, set on these pairs): the in-sample F1 uses it;
the cross-validated F1 re-fits a threshold on one half of the pairs (split by a hash of pair_id) and scores
the other half, both ways. Pearson r needs no fit.

    stories_eval.py [--pairs FILE] [--moonwire build/moonwire] [--convert-only OUT] [--json] [--worst N]

The pairs are the outlets' words: they are read from ../shared at run time, never copied into the project."""
import argparse, collections, hashlib, json, math, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
DEFAULT = os.path.join(ROOT, "..", "shared", "stories", "semeval2022-dev.jsonl")


def records(p):
    """The pair as two article records: ids from pair_id, the text as body (title left unknown)."""
    ids = p["pair_id"].split("_")
    rec = lambda i, k: {"url": "semeval:" + ids[i], "lang": p["lang%d" % (i + 1)], "title": None,
                        "body": p["text%d" % (i + 1)], "published": None}
    return {"a": rec(0, 1), "b": rec(1, 2)}


def pearson(x, y):
    n = len(x)
    if n < 2:
        return float("nan")
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sx = math.sqrt(sum((a - mx) ** 2 for a in x))
    sy = math.sqrt(sum((b - my) ** 2 for b in y))
    return sxy / (sx * sy) if sx and sy else float("nan")


def f1(pred, gold):
    tp = sum(1 for a, b in zip(pred, gold) if a and b)
    fp = sum(1 for a, b in zip(pred, gold) if a and not b)
    fn = sum(1 for a, b in zip(pred, gold) if not a and b)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def best_threshold(sims, gold):
    best = (0.0, 0.0)
    for t in sorted(set(sims)):
        f = f1([s >= t for s in sims], gold)
        if f > best[0]:
            best = (f, t)
    return best[1]


def fold(pair_id):
    return hashlib.sha1(pair_id.encode()).digest()[0] & 1


def cross_validated(pairs, sims, gold):
    """Fit a threshold on one half, predict the other, both ways; F1 of the pooled predictions and per half."""
    pred = [None] * len(pairs)
    halves = []
    for k in (0, 1):
        train = [i for i, p in enumerate(pairs) if fold(p["pair_id"]) != k]
        test = [i for i, p in enumerate(pairs) if fold(p["pair_id"]) == k]
        t = best_threshold([sims[i] for i in train], [gold[i] for i in train])
        for i in test:
            pred[i] = sims[i] >= t
        halves.append({"threshold": round(t, 4), "f1": round(f1([pred[i] for i in test], [gold[i] for i in test]), 4),
                       "pairs": len(test)})
    return f1(pred, gold), halves, pred


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", default=DEFAULT)
    ap.add_argument("--moonwire", default=os.environ.get("MOONWIRE", os.path.join(ROOT, "build", "moonwire")))
    ap.add_argument("--convert-only", metavar="OUT")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--worst", type=int, default=10)
    a = ap.parse_args()
    if not os.path.exists(a.pairs):
        print(f"stories_eval: {a.pairs} is absent: skipping the same-story measure")
        return 0
    pairs = [json.loads(l) for l in open(a.pairs, encoding="utf-8") if l.strip()]
    lines = "".join(json.dumps(records(p), ensure_ascii=False) + "\n" for p in pairs)
    if a.convert_only:
        open(a.convert_only, "w", encoding="utf-8").write(lines)
        return 0
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as f:
        f.write(lines)
    try:
        r = subprocess.run([a.moonwire, "stories", "--pairs", f.name], capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    if r.returncode:
        sys.stderr.write(r.stderr)
        return 1
    out = [json.loads(l) for l in r.stdout.splitlines()]
    assert len(out) == len(pairs), (len(out), len(pairs))
    sims = [o["similarity"] for o in out]
    same = [o["same_story"] for o in out]
    neg = [-p["overall"] for p in pairs]
    gold = [p["overall"] <= 2 for p in pairs]
    cv, halves, cvpred = cross_validated(pairs, sims, gold)
    res = {"pairs": len(pairs), "pearson": round(pearson(sims, neg), 4), "f1": round(f1(same, gold), 4),
           "f1_cv": round(cv, 4), "cv_halves": halves, "by_langs": {}}
    by = collections.defaultdict(list)
    for i, p in enumerate(pairs):
        by[p["lang1"] + "-" + p["lang2"]].append(i)
    for k, idx in sorted(by.items(), key=lambda kv: -len(kv[1])):
        res["by_langs"][k] = {"pairs": len(idx), "pearson": round(pearson([sims[i] for i in idx], [neg[i] for i in idx]), 3),
                              "f1": round(f1([same[i] for i in idx], [gold[i] for i in idx]), 3),
                              "f1_cv": round(f1([cvpred[i] for i in idx], [gold[i] for i in idx]), 3)}
    # worst judged: the largest gap between the similarity and the annotators' score mapped onto 0..1
    gap = sorted(range(len(pairs)), key=lambda i: -abs(sims[i] - (4 - pairs[i]["overall"]) / 3))
    res["worst"] = [{"pair_id": pairs[i]["pair_id"], "langs": pairs[i]["lang1"] + "-" + pairs[i]["lang2"],
                     "overall": round(pairs[i]["overall"], 2), "similarity": sims[i], "same_story": same[i],
                     "a": pairs[i]["text1"][:90].replace("\n", " "), "b": pairs[i]["text2"][:90].replace("\n", " ")}
                    for i in gap[:a.worst]]
    if a.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return 0
    print(f"same-story pairs: {res['pairs']} (SemEval-2022 Task 8 dev; a dev set: the threshold was set on it)")
    print(f"  Pearson r (similarity vs -overall): {res['pearson']:.3f}")
    print(f"  F1 same_story vs overall<=2: in-sample {res['f1']:.3f}, cross-validated {res['f1_cv']:.3f} "
          f"(halves: {', '.join('%.3f@%.3f' % (h['f1'], h['threshold']) for h in halves)})")
    print("  by language pair:   pairs  Pearson   F1   F1(cv)")
    for k, v in res["by_langs"].items():
        print(f"    {k:<16} {v['pairs']:6d}  {v['pearson']:6.3f}  {v['f1']:5.3f}  {v['f1_cv']:5.3f}")
    print(f"  worst judged ({a.worst}):")
    for w in res["worst"]:
        print(f"    {w['pair_id']} {w['langs']} overall {w['overall']} sim {w['similarity']:.3f}: {w['a'][:60]!r} | {w['b'][:60]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
