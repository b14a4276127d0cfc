"""In-place re-spinning of real pages (training/inplace.py): only main-text words change, every other byte stays."""
from __future__ import annotations

import random
import re

import pytest
from selectolax.lexbor import LexborHTMLParser

from training.corpus import shared_dir
from training.inplace import decode_reversibly, main_text_segments, page_encoding, spin_in_place, text_nodes
from training.spinner import Spinner

SHARED = shared_dir()

PARAS = [
    "The harbour commission approved a plan on Thursday to dredge the northern channel before the winter storms.",
    "Engineers said the work would take about three months and would allow larger ships to reach the old docks.",
    "Fishermen welcomed the decision but asked the board to protect the oyster beds near the river mouth.",
    "The commission will publish a full schedule next week and hold a public meeting in the town hall.",
    "Critics said the cost had doubled since the first estimate, and that the state should share the burden.",
]
MAIN_TEXT = "\n".join(PARAS)

THESAURUS = {
    w: [w + "x", "the " + w + " thing"]
    for w in "harbour commission approved plan thursday dredge northern channel winter storms engineers work "
             "take months allow larger ships reach docks fishermen welcomed decision board protect oyster beds "
             "river mouth publish full schedule week hold public meeting town hall critics cost doubled first "
             "estimate state share burden menu home contact".split()
}


def page(paras: list[str] = PARAS, charset: str = "utf-8", extra_p: str = "") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paras)
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="{charset}"><title>Harbour plan approved by the commission board</title>'
        '<script>var plan = "the harbour commission approved a plan on Thursday to dredge";</script>'
        "<style>.commission { color: red }</style></head>\n<body><nav><a href=\"/\">Home</a> <a href=\"/c\">Contact</a>"
        "</nav>\n<!-- The harbour commission approved a plan on Thursday to dredge the northern channel -->\n"
        f'<article class="story">\n{body}\n{extra_p}</article>\n'
        "<footer><p>Menu: the harbour board of the town publishes its weekly minutes here</p></footer>\n</body></html>\n"
    )


def spinner() -> Spinner:
    return Spinner(THESAURUS, name="toy")


def assert_only_main_text_changed(before: bytes, after: bytes, main_text: str, enc: str = "utf-8") -> None:
    """Tags, comments, scripts and non-main text nodes are byte-identical; main-text nodes keep their entities."""
    a, _ = decode_reversibly(before)
    b, _ = decode_reversibly(after)
    na, nb = text_nodes(a), text_nodes(b)
    assert len(na) == len(nb)
    main = set(main_text_segments(a, main_text))
    prev_a = prev_b = 0
    for (sa, ea), (sb, eb) in zip(na, nb):
        assert a[prev_a:sa] == b[prev_b:sb]                          # markup between text nodes
        if (sa, ea) not in main:
            assert a[sa:ea] == b[sb:eb]
        else:
            ent = r"&(?:#\d+|#x[0-9a-f]+|[a-z]+);"
            assert re.findall(ent, a[sa:ea], re.I) == re.findall(ent, b[sb:eb], re.I)
        prev_a, prev_b = ea, eb
    assert a[prev_a:] == b[prev_b:]


def test_spins_main_text_and_keeps_everything_else() -> None:
    html = page().encode()
    r = spin_in_place(html, MAIN_TEXT, spinner(), 0.3, random.Random(1))
    assert r is not None
    assert r.html != html and r.changes > 0
    assert r.words >= 80 and 0.2 <= r.rate <= 0.4
    assert_only_main_text_changed(html, r.html, MAIN_TEXT)
    text = r.html.decode()
    # script, style, comment, title, nav and footer are untouched
    for kept in ('var plan = "the harbour commission approved a plan on Thursday to dredge";',
                 ".commission { color: red }", "<!-- The harbour commission approved a plan on Thursday to dredge",
                 "<title>Harbour plan approved by the commission board</title>", ">Home<", ">Contact<",
                 "Menu: the harbour board of the town publishes its weekly minutes here"):
        assert kept in text
    tree = LexborHTMLParser(text)
    paras = [p.text() for p in tree.css("article p")]
    assert len(paras) == len(PARAS)
    assert sum(p != q for p, q in zip(paras, PARAS)) >= 3


def test_entities_survive() -> None:
    extra = "<p>The board &amp; the commission said the plan&#8217;s cost would be shared with the town &mdash; fairly.</p>"
    main = MAIN_TEXT + "\nThe board & the commission said the plan\u2019s cost would be shared with the town \u2014 fairly."
    html = page(extra_p=extra).encode()
    r = spin_in_place(html, main, spinner(), 0.5, random.Random(2))
    assert r is not None
    assert_only_main_text_changed(html, r.html, main)
    out = r.html.decode()
    assert "&amp;" in out and "&#8217;" in out and "&mdash;" in out


def test_deterministic() -> None:
    html = page().encode()
    a = spin_in_place(html, MAIN_TEXT, spinner(), 0.2, random.Random(5))
    b = spin_in_place(html, MAIN_TEXT, spinner(), 0.2, random.Random(5))
    c = spin_in_place(html, MAIN_TEXT, spinner(), 0.2, random.Random(6))
    assert a is not None and b is not None and c is not None
    assert a.html == b.html and a.html != c.html


def test_none_when_main_text_not_found() -> None:
    other = "\n".join(["A completely different story about mountain goats climbing steep cliffs every spring."] * 6)
    assert spin_in_place(page().encode(), other, spinner(), 0.2, random.Random(0)) is None
    # near miss: only two paragraphs (< 30 words) of the main text are on the page
    short = page(PARAS[:1]).encode()
    assert spin_in_place(short, MAIN_TEXT, spinner(), 0.2, random.Random(0)) is None
    assert spin_in_place(page(PARAS[:3]).encode(), MAIN_TEXT, spinner(), 0.2, random.Random(0)) is not None


def test_short_nodes_are_not_matched() -> None:
    markup = "<p>The harbour commission</p><p>" + PARAS[0] + "</p>"
    segs = main_text_segments(markup, MAIN_TEXT)
    assert [markup[s:e] for s, e in segs] == [PARAS[0]]


def test_paragraphs_split_by_inline_tags_are_one_block() -> None:
    para = ('The <a href="/h">harbour commission</a> approved a <em>plan</em> on Thursday, and the '
            '<b>B</b>oard met the fishermen.')
    markup = f"<div><p>{para}</p><p>Unrelated footer text about the weather in the mountains.</p></div>"
    main = "The harbour commission approved a plan on Thursday, and the Board met the fishermen."
    segs = [markup[s:e] for s, e in main_text_segments(markup, main)]
    # every node of the paragraph except the glued drop-cap pair ("B" + "oard met...")
    assert segs == ["The ", "harbour commission", " approved a ", "plan", " on Thursday, and the "]
    # near miss: the same paragraph is not main text on another article
    assert main_text_segments(markup, "Something else entirely, about goats and cliffs and rain.") == []


def test_windows_1252_page_keeps_its_bytes() -> None:
    paras = [p.replace("oyster", "caf\u00e9 oyster") for p in PARAS]
    html = page(paras, charset="windows-1252").encode("cp1252").replace(b"<footer>", b"<footer>\x81\x90 ")
    assert page_encoding(html) == "cp1252"
    main = "\n".join(paras)
    r = spin_in_place(html, main, spinner(), 0.3, random.Random(3))
    assert r is not None
    assert b"caf\xe9" in r.html and b"\x81\x90" in r.html
    assert_only_main_text_changed(html, r.html, main)


def test_invalid_utf8_bytes_are_kept() -> None:
    html = page().encode().replace(b"<footer>", b"<footer>\xff\xfe\xc3 ")
    r = spin_in_place(html, MAIN_TEXT, spinner(), 0.3, random.Random(3))
    assert r is not None and b"<footer>\xff\xfe\xc3 " in r.html
    assert_only_main_text_changed(html, r.html, MAIN_TEXT)


def test_utf16_page_round_trips() -> None:
    html = b"\xff\xfe" + page().encode("utf-16-le")
    r = spin_in_place(html, MAIN_TEXT, spinner(), 0.3, random.Random(3))
    assert r is not None and r.html.startswith(b"\xff\xfe") and r.html != html
    assert r.html.decode("utf-16").count("<p>") == len(PARAS) + 1       # + the footer's
    assert_only_main_text_changed(html, r.html, MAIN_TEXT)


def test_replacement_not_encodable_becomes_char_ref() -> None:
    s = Spinner({w: ["na\u00efve " + w] for w in THESAURUS}, name="accents")
    html = page(charset="ascii").encode("ascii")
    r = spin_in_place(html, MAIN_TEXT, s, 0.3, random.Random(0))
    assert r is not None
    r.html.decode("ascii")                  # still pure ASCII: the new character became a reference
    assert b"na&#239;ve" in r.html


@pytest.mark.skipif(SHARED is None, reason="../shared is absent (set UNSPUN_SHARED)")
def test_real_pages_keep_all_other_bytes() -> None:
    from training.corpus import load_corpus, read_html, read_main_text
    from training.spinner import SPINNER_DICTIONARIES

    s = SPINNER_DICTIONARIES["moby"](SHARED)
    pages = [p for p in load_corpus(SHARED, verbose=False, sites=False) if p.gt_kind][::97][:40]
    done = 0
    for p in pages:
        main = read_main_text(p)
        if not main:
            continue
        html = read_html(p)
        r = spin_in_place(html, main, s, 0.08, random.Random(0))
        if r is None:
            continue
        done += 1
        assert 0.04 <= r.rate <= 0.12, (p.rel_path, r.rate)
        assert_only_main_text_changed(html, r.html, main)
        LexborHTMLParser(r.html.decode("utf-8", "replace")).body
    assert done >= 25
