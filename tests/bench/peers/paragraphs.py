"""tests/bench/peers/paragraphs.py: a peer's article HTML -> text paragraphs joined by a blank line, the shape
of moonwire's "body", so a peer's quality figure is not handicapped by formatting. Used by the peer runners
only; the JavaScript twin is in readability_js.mjs."""
import re

# Elements that start and end a paragraph (mirrors BLOCK in readability_js.mjs).
BLOCK = frozenset("""address article aside blockquote body br caption center dd details dialog dir div dl dt
fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre
section summary table tbody td tfoot th thead tr ul""".split())
SKIP = frozenset("script style noscript template head title".split())
SPACE = re.compile(r"\s+")


def lxml_paragraphs(root):
    from lxml import etree
    paras, cur = [], []

    def flush():
        text = SPACE.sub(" ", "".join(cur)).strip()
        if text:
            paras.append(text)
        cur.clear()

    walk = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, el in walk:
        if event in ("comment", "pi"):   # their own text is not content; their tail is
            if el.tail:
                cur.append(el.tail)
            continue
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if event == "start":
            if tag in SKIP or tag is None:
                walk.skip_subtree()
                continue
            if tag in BLOCK:
                flush()
            if el.text:
                cur.append(el.text)
        else:
            if tag in BLOCK:
                flush()
            if el.tail and el is not root:
                cur.append(el.tail)
    flush()
    return "\n\n".join(paras)
