#!/usr/bin/env python3
"""tests/integration/test_runs_layout.py: layout-change alerts. A run over the demo site (examples/demo.lua,
its four outlets and their rules), then a run over the same site a week later (mw-testd --overlay
tests/layout-site): Harbor Times has moved to a new template, so its rule's selectors match nothing on its
three new pages, while the Valley Ledger publishes three new pages in its old template. The second run's
summary flags Harbor Times' changed fields with an example URL, the store keeps the history, `moonwire rules
--store` lists them, the records keep the generic result with a warning, and no other outlet is flagged."""
import json, os, re, sys, tempfile
sys.path.insert(0, os.path.dirname(__file__))
from harness import moonwire, main, ROOT
from runs_lib import Testd, db, env, RULES, GUARD

OVERLAY = os.path.join(ROOT, "tests", "layout-site")
DEMO_CFG = os.path.join(ROOT, "examples", "demo.lua")
NEW_HARBOR = ["http://harbor-times.example/news/2026/03/14/promenade-storm-shutters.html",
              "http://harbor-times.example/news/2026/03/15/island-school-escort.html",
              "http://harbor-times.example/news/2026/03/16/fish-market-ropeworks.html"]
# the fields harbor_times' rule fills from its own selectors on every old page and none of the new ones
CHANGED = {"title", "lead", "authors", "section", "tags", "body"}


def run_demo(srv, store, *extra):
    e = env()
    e.update({"MW_DEMO_PORT": str(srv.port), "MW_DEMO_STORE": store})
    return moonwire("run", *extra, DEMO_CFG, env=e, guard=GUARD)


def alerts(text):
    """{(rule, field): line} of the summary's layout-change lines."""
    out = {}
    for m in re.finditer(r"^probable layout change: (\S+) (\S+): (.*)$", text, re.M):
        out[(m.group(1), m.group(2))] = m.group(3)
    return out


def test_redesign_is_flagged_and_kept_in_the_store():
    d = tempfile.mkdtemp(prefix="mw-runs-layout-")
    store = os.path.join(d, "store", "demo.sqlite")
    with Testd() as srv:
        first = run_demo(srv, store)
    assert first.rc == 0, first.err
    assert not alerts(first.out), first.out          # no history yet: nothing to compare with
    with Testd(overlay=OVERLAY) as srv:
        second = run_demo(srv, store, "--jsonl")
        got = {x["url"]: x for x in second.records()}
    assert second.rc == 0, second.err               # a layout change is an alert, not an error
    flagged = alerts(second.err)                    # --jsonl: the summary goes to stderr
    assert {f for r, f in flagged} == CHANGED and {r for r, f in flagged} == {"harbor_times"}, flagged
    for (rule, field), line in flagged.items():
        m = re.match(r"the rule filled 0 of 3 pages this pass \((\d) from meta/generic, (\d) empty\), 4 of 4 "
                     r"before; e\.g\. (\S+)$", line)
        assert m and int(m.group(1)) + int(m.group(2)) == 3 and m.group(3) in NEW_HARBOR, (field, line)
    # the new pages: stored, generic/meta results kept, a warning names the rule and the selector
    assert sorted(u for u in got if "harbor" in u) == NEW_HARBOR, sorted(got)
    for u in NEW_HARBOR:
        rec = got[u]
        assert rec["error"] is None and rec["rule"] == "harbor_times" and rec["title"] and rec["body"], rec
        assert "origin" not in rec, rec
        assert any("harbor_times: body selector matched nothing, generic used" in w for w in rec["warnings"]), rec
    valley = [x for u, x in got.items() if "valley" in u]
    assert len(valley) == 3 and all(not x.get("warnings") for x in valley), valley
    # the history: both runs' counts per rule and field, the flags on the second
    con = db(store)
    rows = con.execute("select run_id, field, pages, rule_n, flagged from field_stats where rule = 'harbor_times' "
                       "order by run_id, field").fetchall()
    by_run = {}
    for run_id, field, pages, rule_n, fl in rows:
        by_run.setdefault(run_id, {})[field] = (pages, rule_n, fl)
    (r1, r2) = sorted(by_run)
    assert all(by_run[r1][f] == (4, 4, 0) for f in CHANGED), by_run[r1]
    assert all(by_run[r2][f] == (3, 0, 1) for f in CHANGED), by_run[r2]
    assert con.execute("select count(*) from field_stats where flagged and rule <> 'harbor_times'").fetchone() == (0,)
    assert con.execute("select pages, rule_n from field_stats where rule = 'valley_ledger' and field = 'body' "
                       "order by run_id").fetchall() == [(3, 3), (3, 3)]
    # and `moonwire rules --store` reports the standing flags
    e = env()
    e["MOONWIRE_RULES"] = RULES
    r = moonwire("rules", "--store", store, env=e)
    assert r.rc == 0, r.err
    listed = re.findall(r"^  (\S+) (\S+): run \d+ \(.*?\): the rule filled 0 of 3 pages .* e\.g\. (\S+)$", r.out, re.M)
    assert {(a, b) for a, b, _ in listed} == {("harbor_times", f) for f in CHANGED}, r.out
    assert all(u in NEW_HARBOR for _, _, u in listed), listed
    r = moonwire("rules", "--json", "--store", store, env=e)
    rules = {x["name"]: x for x in json.loads(r.out)}
    assert {a["field"] for a in rules["harbor_times"]["layout_alerts"]} == CHANGED
    assert rules["valley_ledger"]["layout_alerts"] == [] and rules["steppe_wire"]["layout_alerts"] == []
    assert moonwire("rules", "--store", os.path.join(d, "absent.sqlite"), env=e).rc == 1


def test_a_pass_without_pages_keeps_the_standing_flags():
    # fewer than three pages of a rule in a pass neither flag nor clear anything: the standing flag stays
    d = tempfile.mkdtemp(prefix="mw-runs-layout-")
    store = os.path.join(d, "demo.sqlite")
    with Testd() as srv:
        assert run_demo(srv, store, "-q").rc == 0
    with Testd(overlay=OVERLAY) as srv:
        assert run_demo(srv, store, "-q").rc == 0
        third = run_demo(srv, store)                  # nothing new: feeds 304, no pages
    assert third.rc == 0 and not alerts(third.out), third.out
    e = env()
    e["MOONWIRE_RULES"] = RULES
    r = moonwire("rules", "--store", store, env=e)
    assert "probable layout changes in " + store + ": 6" in r.out, r.out


if __name__ == "__main__":
    main([test_redesign_is_flagged_and_kept_in_the_store, test_a_pass_without_pages_keeps_the_standing_flags])
