"""tests/integration/test_cli_rules.py: rule writing without surprises. Two rules claiming one domain are reported
when loaded (which wins and why) and `moonwire test NAME` agrees with `moonwire extract` on which rule runs; a
misspelled field option and a bad selector in `drop` are load errors at the rule file's line; an error in fix()
keeps the fields the selectors found, with the error at the rule's line. Rules and pages are written here."""
import json, os, re, sys, tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import main, moonwire

PAGE = """<html><head><title>Quay works</title></head><body><article><h1 class="hl">Quay works begin</h1>
<div class="text"><p>The quay works began on Monday and will run until the end of the month, the port said.</p>
<p class="ad">Advertisement: subscribe now</p>
<p>Ferries use the south landing while the north quay is closed for the works, the port added.</p></div>
</article></body></html>"""


def rules_dir(**files):
    d = tempfile.mkdtemp(prefix="mw-rules-")
    for name, text in files.items():
        with open(os.path.join(d, name + ".lua"), "w") as f:
            f.write(text)
    return d


def page(d):
    p = os.path.join(d, "quay.html")
    with open(p, "w") as f:
        f.write(PAGE)
    return p


def line_of(path, needle):
    for i, l in enumerate(open(path), 1):
        if needle in l:
            return i
    raise AssertionError(f"{needle} not in {path}")


def rule(name, domain, extra=""):
    return f"""-- {name}: a rule of this test
return rule {{
  name    = "{name}",
  domains = {{"{domain}"}},
  title   = "h1.hl",
  body    = {{"div.text p", drop = "p.ad"}},{extra}
}}
"""


def test_duplicate_domain_reported_and_test_agrees_with_extract():
    d = rules_dir(alpha=rule("alpha", "dup.example"), beta=rule("beta", "dup.example"))
    env = {"MOONWIRE_RULES": d}
    p = page(d)
    r = moonwire("extract", "--url", "http://dup.example/news/1", p, env=env)
    assert r.rc == 0, r.err
    assert r.records()[0]["rule"] == "beta", r.records()[0]["rule"]
    a, b = os.path.join(d, "alpha.lua"), os.path.join(d, "beta.lua")
    want = (f'{b}:{line_of(b, "dup.example")}: rule beta and {a}:{line_of(a, "dup.example")}: rule alpha both claim '
            f'domain "dup.example": beta is used')
    assert want in r.err, r.err
    assert "loaded later" in r.err, r.err
    # a fixture of that domain: `test alpha` says extract would not run alpha; `test beta` runs what extract runs
    fx = os.path.join(d, "fixtures")
    os.makedirs(fx)
    with open(os.path.join(fx, "quay.html"), "w") as f:
        f.write(PAGE)
    with open(os.path.join(fx, "quay.json"), "w") as f:
        json.dump({"url": "http://dup.example/news/1", "title": "Quay works begin"}, f)
    t = moonwire("test", "--fixtures", fx, "alpha", env=env)
    assert t.rc == 1 and "runs rule beta" in t.out, t.out
    t = moonwire("test", "--fixtures", fx, "beta", env=env)
    assert t.rc == 0, t.out
    # a user's rule beats a shipped one claiming the same domain, and says so
    shipped = rules_dir(tass_copy=rule("tass_copy", "tass.com"))
    r = moonwire("extract", "--url", "https://tass.com/world/1", p, env={"MOONWIRE_RULES": shipped})
    assert r.records()[0]["rule"] == "tass_copy", r.records()[0]["rule"]
    assert "rule tass_copy and" in r.err and "scripts/outlets/tass.lua" in r.err, r.err


def multi_rule(name, domains):
    return rule(name, domains[0]).replace(f'{{"{domains[0]}"}}', "{" + ", ".join(f'"{x}"' for x in domains) + "}")


def test_shared_domains_each_pair_once_in_rule_order():
    # a: x, y; b: Y (case differs), z; c: x, z, q; d: q, X -- one note per pair of rules and domain, in the
    # order of the rules (the earlier rule, then the later one), then of the earlier rule's domains
    d = rules_dir(a=multi_rule("a", ["x.example", "y.example"]), b=multi_rule("b", ["Y.example", "z.example"]),
                  c=multi_rule("c", ["x.example", "z.example", "q.example"]), d=multi_rule("d", ["q.example", "X.example"]))
    r = moonwire("rules", env={"MOONWIRE_RULES": d})
    got = re.findall(r"rule (\w) and \S+ rule (\w) both claim domain \"([^\"]+)\"", r.err)
    want = [("b", "a", "y.example"), ("c", "a", "x.example"), ("d", "a", "x.example"), ("c", "b", "z.example"),
            ("d", "c", "x.example"), ("d", "c", "q.example")]
    assert got == want, (got, r.err)


def test_misspelled_option_is_a_load_error_at_its_line():
    d = rules_dir(typo=rule("typo", "typo.example", '\n  section = {"a.cat",\n             atr = "title"},'))
    f = os.path.join(d, "typo.lua")
    r = moonwire("extract", "--url", "http://typo.example/a", page(d), env={"MOONWIRE_RULES": d})
    want = f"{f}:{line_of(f, 'atr =')}: rule typo: field 'section': unknown option 'atr' (did you mean 'attr'?)"
    assert want in r.err, r.err
    d = rules_dir(typo=rule("typo", "typo.example").replace('drop = "p.ad"', 'dorp = "p.ad"'))
    f = os.path.join(d, "typo.lua")
    r = moonwire("rules", env={"MOONWIRE_RULES": d})
    assert f"{f}:{line_of(f, 'dorp')}: rule typo: field 'body': unknown option 'dorp' (did you mean 'drop'?)" in r.err, r.err
    # the page of a rule that did not load says so, and still gets the generic result
    rec = moonwire("extract", "--url", "http://typo.example/a", page(d), env={"MOONWIRE_RULES": d}).records()[0]
    assert rec["rule"] == "generic" and any("did not load" in w for w in rec["warnings"]), rec


def test_bad_selector_in_drop_is_a_load_error_at_its_line():
    d = rules_dir(sel=rule("sel", "sel.example").replace('drop = "p.ad"', 'drop = {"p.ad",\n                        "div[data-x"}'))
    f = os.path.join(d, "sel.lua")
    r = moonwire("rules", env={"MOONWIRE_RULES": d})
    want = f'{f}:{line_of(f, "div[data-x")}: rule sel: field \'body\' drop: bad selector "div[data-x"'
    assert want in r.err, r.err
    assert "rule.lua" not in r.err, r.err


def test_error_in_fix_keeps_the_fields():
    extra = """
  fix     = function(a, doc)
    a.lead = a.body:sub(1, 20)
    local byline = doc:first("p.byline")
    a.authors = {byline:text()}      -- there is no byline: this line fails
  end,"""
    d = rules_dir(fixer=rule("fixer", "fix.example", extra))
    f = os.path.join(d, "fixer.lua")
    r = moonwire("extract", "--url", "http://fix.example/a", page(d), env={"MOONWIRE_RULES": d})
    assert r.rc == 0, r.err
    rec = r.records()[0]
    assert rec["rule"] == "fixer" and rec["title"] == "Quay works begin", rec
    assert "quay works began" in rec["body"] and "Advertisement" not in rec["body"], rec["body"]
    w = [x for x in rec.get("warnings", []) if "fix() failed" in x]
    assert w and f"{f}:{line_of(f, 'byline:text()')}:" in w[0], rec.get("warnings")
    assert "fields before fix() are kept" in w[0]


def test_rules_finds_the_shared_corpus_from_any_directory():
    import subprocess
    from harness import MOONWIRE, ROOT, shared
    shared("corpus", "outlets")
    here = moonwire("rules", "--json")
    elsewhere = subprocess.run([MOONWIRE, "rules", "--json"], cwd=tempfile.mkdtemp(), capture_output=True,
                               env={**os.environ, "MOONWIRE_SCRIPTS": os.path.join(ROOT, "scripts")})
    a = {x["name"]: x["pages"] for x in json.loads(here.out)}
    b = {x["name"]: x["pages"] for x in json.loads(elsewhere.stdout)}
    assert sum(a.values()) > 0 and a == b, (a, b)


def test_too_many_fixture_dirs_is_a_usage_error():
    d = tempfile.mkdtemp()
    r = moonwire("rules", *sum((["--fixtures", d] for _ in range(33)), []))   # the 33rd was dropped unsaid
    assert r.rc == 2 and "at most 32 --fixtures" in r.err, (r.rc, r.err)
    assert moonwire("rules", *sum((["--fixtures", d] for _ in range(32)), [])).rc == 0


if __name__ == "__main__":
    main([test_duplicate_domain_reported_and_test_agrees_with_extract, test_shared_domains_each_pair_once_in_rule_order,
          test_misspelled_option_is_a_load_error_at_its_line,
          test_bad_selector_in_drop_is_a_load_error_at_its_line, test_error_in_fix_keeps_the_fields,
          test_rules_finds_the_shared_corpus_from_any_directory, test_too_many_fixture_dirs_is_a_usage_error])
