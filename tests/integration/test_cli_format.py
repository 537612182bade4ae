"""tests/integration/test_cli_format.py: `moonwire extract --format json|jsonl|csv|txt|markdown|xml`, `-i LIST`,
`-` and the sidecar's fetched/status. The TEI output is checked with libxml2 (xmllint, or lxml) for every page of
../shared/corpus/generic; the markdown test uses a page of the project's own writing."""
import csv, io, json, os, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import Skip, main, moonwire, shared

PAGE = """<html><head><title>Harbour dredging starts</title>
<meta name="author" content="Ana Lopes"><meta property="article:published_time" content="2026-03-14T08:00:00Z">
</head><body><nav><a href="/">Home</a></nav><article><h1>Harbour dredging starts</h1>
<p>The harbour board began dredging the inner basin on Monday, a job that will take most of the spring.</p>
<h2>Why the basin silted up</h2>
<p>Two dry winters left the river slow, and the silt it carried settled where the ferries turn round.</p>
<ul><li>The north quay closes to ferries until the end of April.</li>
<li>Fishing boats keep their moorings on the south side all through the works.</li></ul>
<h3>What it costs &amp; who pays</h3>
<ol><li>The board pays for the dredger and its crew out of this year's budget.</li>
<li>The town pays for moving the ferry landing to the south quay for a while.</li></ol>
<blockquote><p>We have put this off for six years and could not put it off any longer, said the harbour master.</p></blockquote>
<p>- A paragraph that only looks like a list item must stay a paragraph in the markdown output.</p>
<p>Work stops on Sundays and during the regatta weekend in May, the board said in its notice to residents.</p>
</article></body></html>"""


def tmpdir():
    return tempfile.mkdtemp(prefix="mw-fmt-")


def page_file(d, name="harbour.html", text=PAGE):
    p = os.path.join(d, name)
    with open(p, "w") as f:
        f.write(text)
    return p


def well_formed(xml_bytes):
    """None when libxml2 parses it, else its message."""
    try:
        from lxml import etree
        try:
            etree.fromstring(xml_bytes)
            return None
        except etree.XMLSyntaxError as e:
            return str(e)
    except ImportError:
        pass
    if not shutil.which("xmllint"):
        raise Skip("neither lxml nor xmllint (libxml2-utils) is installed")
    p = subprocess.run(["xmllint", "--noout", "-"], input=xml_bytes, capture_output=True)
    return None if p.returncode == 0 else p.stderr.decode("utf-8", "replace")


def test_markdown_keeps_headings_lists_quotes():
    d = tmpdir()
    r = moonwire("extract", "--format", "markdown", "--url", "http://harbor.example/n/1", page_file(d))
    assert r.rc == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == "# Harbour dredging starts", lines[:3]
    assert "## Why the basin silted up" in lines, r.out
    assert "### What it costs & who pays" in lines, r.out
    i = lines.index("- The north quay closes to ferries until the end of April.")
    assert lines[i + 1] == "- Fishing boats keep their moorings on the south side all through the works.", lines[i:i + 2]
    i = lines.index("1. The board pays for the dredger and its crew out of this year's budget.")
    assert lines[i + 1].startswith("2. The town pays"), lines[i:i + 2]
    assert any(l.startswith("> We have put this off") for l in lines), r.out
    assert "\\- A paragraph that only looks like a list item must stay a paragraph in the markdown output." in lines
    # the body itself stays plain text in JSON
    rec = moonwire("extract", "--url", "http://harbor.example/n/1", page_file(d)).records()[0]
    assert "## " not in rec["body"] and "Why the basin silted up" in rec["body"]


def test_markdown_with_metadata_front_matter():
    d = tmpdir()
    r = moonwire("extract", "--format", "markdown", "--with-metadata", "--url", "http://harbor.example/n/1",
                 page_file(d))
    assert r.rc == 0, r.err
    head = r.out.split("\n---\n", 1)[0].splitlines()
    assert head[0] == "---", head
    meta = dict(l.split(": ", 1) for l in head[1:])
    assert json.loads(meta["title"]) == "Harbour dredging starts"
    assert json.loads(meta["url"]) == "http://harbor.example/n/1"
    assert json.loads(meta["authors"]) == ["Ana Lopes"], meta
    assert json.loads(meta["published"]).startswith("2026-03-14T08:00:00"), meta
    assert "\n# Harbour dredging starts\n" in r.out


def test_xml_tei_structure():
    d = tmpdir()
    r = moonwire("extract", "--format", "xml", "--url", "http://harbor.example/n/1", page_file(d))
    assert r.rc == 0, r.err
    assert well_formed(r.out.encode()) is None, well_formed(r.out.encode())
    import xml.etree.ElementTree as ET
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    root = ET.fromstring(r.out)
    assert root.tag == "{http://www.tei-c.org/ns/1.0}TEI", root.tag
    assert root.find("t:teiHeader/t:fileDesc/t:titleStmt/t:title", ns).text == "Harbour dredging starts"
    assert root.find("t:teiHeader/t:fileDesc/t:sourceDesc/t:bibl/t:ptr", ns).get("target") == "http://harbor.example/n/1"
    art = root.find("t:text/t:body/t:div", ns)
    heads = [h.text for h in art.iter("{http://www.tei-c.org/ns/1.0}head")]
    assert heads == ["Why the basin silted up", "What it costs & who pays"], heads
    lists = list(art.iter("{http://www.tei-c.org/ns/1.0}list"))
    assert [l.get("rend") for l in lists] == ["bulleted", "numbered"], lists
    assert len(lists[0].findall("t:item", ns)) == 2
    # every <head> opens its own div, as TEI wants
    for div in art.iter("{http://www.tei-c.org/ns/1.0}div"):
        kids = [k.tag.split("}")[1] for k in div]
        assert "head" not in kids[1:], kids


def test_xml_well_formed_every_generic_page():
    corpus = shared("corpus", "generic")
    pages = sorted(os.path.join(corpus, f) for f in os.listdir(corpus) if f.endswith(".html.gz"))
    assert len(pages) > 20, corpus
    lst = os.path.join(tmpdir(), "pages.txt")
    with open(lst, "w") as f:
        f.write("# every page of the generic corpus\n" + "\n".join(pages) + "\n")
    r = moonwire("extract", "--format", "xml", "-i", lst, guard=600)
    msg = well_formed(r.out.encode())
    if msg:   # name the page that breaks it
        for p in pages:
            one = moonwire("extract", "--format", "xml", p).out.encode()
            assert well_formed(one) is None, f"{p}: {well_formed(one)}"
        raise AssertionError(msg)
    n_tei = r.out.count("\n<TEI")
    n_ok = sum(1 for rec in moonwire("extract", "-i", lst, guard=600).records() if not rec.get("error"))
    assert n_tei == n_ok and n_ok > 0, (n_tei, n_ok)
    assert r.out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<teiCorpus'), r.out[:80]
    # stable: the same pages give the same bytes
    assert moonwire("extract", "--format", "xml", "-i", lst, guard=600).out == r.out
    # one page alone is a bare <TEI>, well-formed as well
    one = moonwire("extract", "--format", "xml", pages[0])
    assert "<teiCorpus" not in one.out and well_formed(one.out.encode()) is None


def test_csv_carries_every_field():
    d = tmpdir()
    p = page_file(d)
    rec = moonwire("extract", "--url", "http://harbor.example/n/1", p).records()[0]
    r = moonwire("extract", "--format", "csv", "--url", "http://harbor.example/n/1", p)
    assert r.rc == 0, r.err
    rows = list(csv.DictReader(io.StringIO(r.out, newline="")))
    assert len(rows) == 1, rows
    row = rows[0]
    for k in rec:
        assert k in row, f"record field {k} is not a CSV column: {list(row)}"
    assert row["title"] == rec["title"] and row["body"] == rec["body"]
    assert row["authors"] == "; ".join(rec["authors"])
    assert row["tags"] == "; ".join(rec["tags"])
    assert json.loads(row["images"] or "[]") == rec["images"]
    assert row["file"] == p


def test_json_array_and_jsonl():
    d = tmpdir()
    a, b = page_file(d, "a.html"), page_file(d, "b.html")
    r = moonwire("extract", "--format", "json", a, b)
    assert r.rc == 0, r.err
    arr = json.loads(r.out)
    assert [x["file"] for x in arr] == [a, b]
    r = moonwire("extract", "--format", "json", os.path.join(d, "missing.html"))
    assert r.rc == 1 and json.loads(r.out)[0]["error"]["stage"] == "read"
    jl = moonwire("extract", a, b).records()
    assert [x["file"] for x in jl] == [a, b] and jl == arr


def test_txt_and_unknown_format():
    d = tmpdir()
    p = page_file(d)
    r = moonwire("extract", "--format", "txt", p)
    body = moonwire("extract", p).records()[0]["body"]
    assert r.out == body + "\n", r.out[:200]
    r = moonwire("extract", "--format", "txt", "--with-metadata", p)
    assert r.out.startswith("---\ntitle: \"Harbour dredging starts\"\n"), r.out[:100]
    assert r.out.endswith("---\n" + body + "\n")
    r = moonwire("extract", "--format", "yaml", p)
    assert r.rc == 2 and "--format" in r.err, r.err


def test_input_list_and_stdin():
    d = tmpdir()
    a, b = page_file(d, "a.html"), page_file(d, "b.html")
    lst = os.path.join(d, "list.txt")
    with open(lst, "w") as f:
        f.write(f"# saved pages\n\n  {a}  \n{b}\n")
    r = moonwire("extract", "-i", lst)
    assert r.rc == 0 and [x["file"] for x in r.records()] == [a, b], r.err
    r = moonwire("extract", "-i", "-", stdin=f"{b}\n{a}\n")
    assert [x["file"] for x in r.records()] == [b, a], r.out
    r = moonwire("extract", "--url", "http://harbor.example/n/1", "-", stdin=PAGE)
    assert r.rc == 0 and r.records()[0]["title"] == "Harbour dredging starts", r.err
    r = moonwire("extract", "-i", os.path.join(d, "nope.txt"))
    assert r.rc == 2 and "nope.txt" in r.err, r.err
    r = moonwire("extract", "-i", "-", stdin="http://harbor.example/n/1\n")
    assert r.rc == 1 and "moonwire fetch" in r.err, r.err


def test_sidecar_keeps_fetched_and_status():
    d = tmpdir()
    p = page_file(d, "n1.html")
    with open(os.path.join(d, "n1.json"), "w") as f:
        json.dump({"url": "http://harbor.example/n/1", "status": 203, "fetched": "2026-03-14T09:30:00Z"}, f)
    rec = moonwire("extract", p).records()[0]
    assert rec["url"] == "http://harbor.example/n/1", rec["url"]
    assert rec["fetched"] == "2026-03-14T09:30:00Z" and rec["status"] == 203, (rec["fetched"], rec["status"])
    rec = moonwire("extract", "--no-sidecar", p).records()[0]
    assert rec["fetched"] is None and rec["status"] is None


if __name__ == "__main__":
    main([test_markdown_keeps_headings_lists_quotes, test_markdown_with_metadata_front_matter, test_xml_tei_structure,
          test_xml_well_formed_every_generic_page, test_csv_carries_every_field, test_json_array_and_jsonl,
          test_txt_and_unknown_format, test_input_list_and_stdin, test_sidecar_keeps_fetched_and_status])
