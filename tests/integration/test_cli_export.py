"""tests/integration/test_cli_export.py: `moonwire export` filters (--published-since/--published-until, --lang,
--rule, --complete, --max) and output formats, on a store made by `moonwire run examples/demo.lua` against the demo
site. What each filter should keep is worked out here with Python's own date parsing, from the unfiltered export."""
import csv, io, json, os, sys, tempfile
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(__file__))
from harness import ROOT, Server, main, moonwire

STATE = {}


def store():
    if "store" not in STATE:
        d = tempfile.mkdtemp(prefix="mw-export-")
        st = os.path.join(d, "demo.sqlite")
        with Server(root=os.path.join(ROOT, "examples", "demo-site")) as srv:
            r = moonwire("run", "-q", os.path.join(ROOT, "examples", "demo.lua"), guard=300,
                         env={"MW_DEMO_PORT": str(srv.port), "MW_DEMO_STORE": st})
            assert r.rc == 0, r.err
        STATE["store"] = st
        STATE["all"] = moonwire("export", "--store", st).records()
        assert len(STATE["all"]) >= 10, len(STATE["all"])
    return STATE["store"], STATE["all"]


def when(s):
    d = datetime.fromisoformat(s.replace("Z", "+00:00"))
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def export(*args):
    st, _ = store()
    r = moonwire("export", "--store", st, *args)
    assert r.rc == 0, (args, r.err)
    return r.records()


def urls(recs):
    return [x["url"] for x in recs]


def test_published_since_and_until():
    _, every = store()
    dated = sorted((when(x["published"]), x["url"]) for x in every if x["published"])
    assert len(dated) >= 6, dated
    mid = dated[len(dated) // 2][0].astimezone(timezone.utc)
    iso = mid.strftime("%Y-%m-%dT%H:%M:%SZ")
    want = [x["url"] for x in every if x["published"] and when(x["published"]) >= mid]
    assert urls(export("--published-since", iso)) == want
    want = [x["url"] for x in every if x["published"] and when(x["published"]) <= mid]
    assert urls(export("--published-until", iso)) == want
    # a date alone: until counts the whole day (UTC), since starts it
    day = mid.strftime("%Y-%m-%d")
    start = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    want = [x["url"] for x in every if x["published"] and start <= when(x["published"]) < start + timedelta(days=1)]
    got = urls(export("--published-since", day, "--published-until", day))
    assert got == want and got, (got, want)
    st, _ = store()
    assert moonwire("export", "--store", st, "--published-since", "last tuesday").rc == 2


def test_lang_rule_complete_max():
    _, every = store()
    langs = {x["lang"] for x in every if x["lang"]}
    assert len(langs) >= 2, langs
    for lang in langs:
        assert urls(export("--lang", lang)) == [x["url"] for x in every if x["lang"] == lang]
    rules = {x["rule"] for x in every}
    for rule in rules:
        assert urls(export("--rule", rule)) == [x["url"] for x in every if x["rule"] == rule]
    want = [x["url"] for x in every if x["title"] and x["body"] and x["published"]]
    assert urls(export("--complete")) == want
    assert urls(export("--max", "3")) == urls(every)[:3]
    lang = sorted(langs)[0]
    assert urls(export("--lang", lang, "--max", "1")) == [x["url"] for x in every if x["lang"] == lang][:1]
    st, _ = store()
    assert moonwire("export", "--store", st, "--max", "0").rc == 2


def test_formats():
    st, every = store()
    r = moonwire("export", "--store", st, "--format", "csv", "--complete")
    rows = list(csv.DictReader(io.StringIO(r.out, newline="")))
    assert [x["url"] for x in rows] == urls(export("--complete")), r.out[:300]
    assert {"lead", "tags", "images", "dateline"} <= set(rows[0]), list(rows[0])
    r = moonwire("export", "--store", st, "--format", "json")
    assert urls(json.loads(r.out)) == urls(every)
    r = moonwire("export", "--store", st, "--format", "xml", "--max", "2")
    assert r.rc == 0 and r.out.count("\n<TEI") == 2 and "</teiCorpus>" in r.out, r.out[:200]


if __name__ == "__main__":
    main([test_published_since_and_until, test_lang_rule_complete_max, test_formats])
