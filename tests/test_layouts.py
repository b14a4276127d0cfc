"""Synthetic farm and legit layouts (training/layouts.py): they parse, carry the tells only when asked, and
differ from each other only in the tells."""
from __future__ import annotations

import random
import re

import pytest
from selectolax.lexbor import LexborHTMLParser

from training.layouts import (
    PUBLISHERS, RESIDUE_KINDS, SITE_NAMES, TEMPLATE_NAMES, TRAILING_HEADINGS, add_trailing_block,
    copyright_residue, farm_page, legit_page, residue_html, spam_link_titles, trailing_block_html,
)
from training.layouts import _SPAM_TOPICS
from training.spinner import Spinner

TITLE = "Harbour commission approves dredging plan"
PARAS = [
    "The harbour commission approved a plan on Thursday to dredge the northern channel before winter.",
    "Engineers said the work would take about three months & allow larger ships to reach the old docks.",
    "Fishermen asked the board to protect the oyster beds near the river mouth.",
]
RELATED = ["Oyster farmers count the cost of a dry summer", "New ferry route links the two harbour towns",
           "Dock workers vote on a pay offer"]
SPAM_WORDS = re.compile(
    r"casino|slot|poker|betting|bitcoin|crypto|nft|altcoin|seo|backlink|link building|insurance|dating|singles|"
    r"essay|dissertation|homework|cbd|hemp|delta 8|loan|credit|debt|forex|trading|stocks|affiliate|dropshipping|"
    r"weight|belly|keto|fasting|diet|business|money|income|vpn|hosting|laptop|roofing|solar|pest|plumbing|"
    r"remodel|spy|movie|gaming|email list|amazon|tiktok|online|market|bonus|spins|metabolism|soulmate|matches|"
    r"grades|writer|anxiety|sleep|joint|retire|ethereum|traffic|google|domain|premium|coverage|claim|quotes|"
    r"blackjack|football|stomach|pounds|supplement|detox|meal|passive|hustle|job|profile|ex\b|drain|bed bugs|"
    r"home|kitchen|carpet|water damage|pc|files|streaming|antivirus|course|print|store|commission",
    re.I,
)
HEX32 = re.compile(r"\b[0-9a-f]{32}\b")
RESIDUE = re.compile(r"(?i:originally)|Copyright|©|\(c\)|\[email protected\]|\b[0-9a-f]{32}\b|contributed|added to this|originally|"
                     r"initially|at first|\b(Source|Supply)\b", re.M)


def tree(markup: str) -> LexborHTMLParser:
    return LexborHTMLParser(markup)


def element_texts(markup: str) -> set[str]:
    return {n.text(deep=True).strip() for n in tree(markup).css("h1, h2, h3, h4, strong, span, em")}


# -- spam titles ---------------------------------------------------------------------------------------------------

def test_spam_titles_deterministic_distinct_and_many() -> None:
    a = spam_link_titles(random.Random(1), 6)
    assert a == spam_link_titles(random.Random(1), 6)
    assert len(a) == 6 and len(set(a)) == 6
    pool = {t for seed in range(400) for t in spam_link_titles(random.Random(seed), 8)}
    assert len(pool) > 2000
    topics_hit = set()
    for t in pool:
        assert "{" not in t and "}" not in t
        hits = [name for name, slots in _SPAM_TOPICS.items()
                if any(x.lower() in t.lower() for x in slots["subject"] + slots["goal"])]
        assert hits, t
        topics_hit.update(hits)
    assert len(topics_hit) >= 10


def test_spam_titles_can_be_spun() -> None:
    spinner = Spinner({"business": ["business enterprise"], "home": ["dwelling"], "online": ["on line"]}, name="t")
    plain = spam_link_titles(random.Random(3), 20, topics=["home_business"])
    spun = spam_link_titles(random.Random(3), 20, topics=["home_business"], spinner=spinner, spin_rate=1.0)
    assert spun != plain
    assert any(re.search(r"dwelling|business enterprise|on line", t, re.I) for t in spun)


# -- residue -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,pattern", [
    ("publisher_copyright", r"(Copyright|©).*\d{4}"),
    ("hash", r"^[0-9a-f]{32}$"),
    ("write_to", r"^(Write|Produce|Compose|Create|Publish) to .+ at \[email protected\]"),
    ("contributed", r"^\u2014.+ (contributed|added) to this"),
    ("originally_appeared", r"(originally|initially|at first)"),
    ("source", r"^(Source|Supply)"),
    ("agency_rights", r"^\(c\) \d{4} .+\. All (legal )?rights reserved\. This (material|product|content|substance)"),
])
def test_each_residue_kind(kind: str, pattern: str) -> None:
    for seed in range(20):
        lines = copyright_residue(random.Random(seed), [kind])
        assert len(lines) == 1
        assert re.search(pattern, lines[0], re.I), lines[0]


def test_spun_and_plain_residue_forms() -> None:
    dj = "Dow Jones & Company, Inc."
    plain = copyright_residue(random.Random(0), ["publisher_copyright", "write_to"], spun=False, publisher=dj)
    assert "& Company" in plain[0] and plain[1].startswith("Write to ")
    spun = {line for s in range(30) for line in
            copyright_residue(random.Random(s), ["publisher_copyright", "write_to"], spun=True, publisher=dj)}
    assert any("& Firm" in x or "& Business" in x or "& Corporation" in x for x in spun)
    assert any(re.match(r"(Produce|Compose|Create|Publish) to", x) for x in spun)


def test_hash_joins_the_copyright_line_sometimes() -> None:
    joined = [copyright_residue(random.Random(s), ["publisher_copyright", "hash"]) for s in range(30)]
    assert any(len(x) == 1 and HEX32.search(x[0]) for x in joined)
    assert any(len(x) == 2 and HEX32.fullmatch(x[1]) for x in joined)


def test_default_residue_and_unknown_kind() -> None:
    for seed in range(30):
        lines = copyright_residue(random.Random(seed))
        assert 1 <= len(lines) <= 3
    with pytest.raises(ValueError):
        copyright_residue(random.Random(0), ["nonsense"])
    assert set(RESIDUE_KINDS) >= {"publisher_copyright", "hash", "write_to", "contributed", "source"}


# -- pages ---------------------------------------------------------------------------------------------------------

def article_text(markup: str) -> str:
    return tree(markup).body.text(separator=" ")


def test_farm_page_with_tells_parses_and_has_them_after_the_article() -> None:
    for seed in range(40):
        markup = farm_page(TITLE, PARAS, random.Random(seed), spam_links=True, residue=True)
        t = tree(markup)
        assert t.css_first("title") is not None and TITLE in t.css_first("title").text()
        text = t.body.text(separator=" ")
        for p in PARAS:
            assert p in text
        heads = element_texts(markup) & set(TRAILING_HEADINGS)
        assert heads, seed
        last_para = text.rfind(PARAS[-1]) + len(PARAS[-1])
        heading_pos = min(p for p in (text.find(h, last_para) for h in heads) if p >= 0)
        between = text[last_para:heading_pos]                     # residue sits between article and block
        assert RESIDUE.search(between), (seed, between)


def test_farm_page_without_tells_has_none() -> None:
    for seed in range(40):
        markup = farm_page(TITLE, PARAS, random.Random(seed), spam_links=False, residue=False)
        text = article_text(markup)
        assert not (element_texts(markup) & set(TRAILING_HEADINGS)), seed
        assert not any(pub in text for pub in PUBLISHERS)
        assert "[email protected]" not in text and not HEX32.search(text)
        assert "contributed to this" not in text and "originally appeared" not in text


def test_residue_only_and_links_only() -> None:
    r = farm_page(TITLE, PARAS, random.Random(5), spam_links=False, residue=True)
    s = farm_page(TITLE, PARAS, random.Random(5), spam_links=True, residue=False)
    assert not (element_texts(r) & set(TRAILING_HEADINGS))
    assert element_texts(s) & set(TRAILING_HEADINGS)
    assert not any(pub in article_text(s) for pub in PUBLISHERS)


def test_pages_are_deterministic() -> None:
    a = farm_page(TITLE, PARAS, random.Random(11), spam_links=True, residue=True)
    assert a == farm_page(TITLE, PARAS, random.Random(11), spam_links=True, residue=True)
    assert a != farm_page(TITLE, PARAS, random.Random(12), spam_links=True, residue=True)
    b = legit_page(TITLE, PARAS, random.Random(11), site_name="Harbor Times", related_titles=RELATED, own_copyright=True)
    assert b == legit_page(TITLE, PARAS, random.Random(11), site_name="Harbor Times", related_titles=RELATED,
                           own_copyright=True)


def test_template_variety() -> None:
    assert len(TEMPLATE_NAMES) >= 8
    shapes = set()
    for seed in range(120):
        markup = farm_page(TITLE, PARAS, random.Random(seed), spam_links=True, residue=True)
        body = tree(markup).body
        shapes.add(tuple(n.tag for n in body.iter())[:4] + (body.attributes.get("class"),))
        classes = set(re.findall(r'class="([^"]+)"', markup))
    assert len(shapes) >= 8
    assert classes


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_every_template_serves_both_kinds(template: str) -> None:
    farm = farm_page(TITLE, PARAS, random.Random(1), spam_links=True, residue=True, template=template)
    legit = legit_page(TITLE, PARAS, random.Random(1), site_name="Harbor Times", related_titles=RELATED,
                       own_copyright=True, template=template)
    for markup in (farm, legit):
        text = article_text(markup)
        assert all(p in text for p in PARAS)
    legit_text = article_text(legit)
    assert all(t in legit_text for t in RELATED)


def test_legit_page_has_own_copyright_and_on_topic_links() -> None:
    for seed in range(30):
        site = SITE_NAMES[seed % len(SITE_NAMES)]
        markup = legit_page(TITLE, PARAS, random.Random(seed), site_name=site, related_titles=RELATED,
                            own_copyright=True)
        text = article_text(markup)
        cr = [line for line in re.split(r"\s{2,}|\n", text) if "©" in line or "Copyright" in line]
        assert cr and all(site in line for line in cr)
        body = tree(markup).body.html
        for line in cr:
            body = body.replace(line.strip(), "")
        assert site in body                                        # the logo/header names the same site
        assert not any(pub in text for pub in PUBLISHERS)
        assert all(t in text for t in RELATED)
        assert element_texts(markup) & set(TRAILING_HEADINGS)
        links = [a.text() for a in tree(markup).css("a")]
        assert not any(SPAM_WORDS.search(x) and x not in RELATED and len(x) > 25 for x in links)


def test_legit_near_miss_without_copyright_or_links() -> None:
    markup = legit_page(TITLE, PARAS, random.Random(0), site_name="Harbor Times", related_titles=None,
                        own_copyright=False)
    text = article_text(markup)
    assert "©" not in text and "Copyright" not in text
    assert not (element_texts(markup) & set(TRAILING_HEADINGS))


# -- blocks for real pages -------------------------------------------------------------------------------------------

def test_trailing_block_variants_keep_heading_and_titles() -> None:
    titles = ["Cheap Car Insurance & Quotes", "Win at <Slots> Tonight", "Bitcoin for Beginners"]
    seen = set()
    for seed in range(60):
        block = trailing_block_html("More Stories", titles, random.Random(seed))
        t = tree(f"<html><body>{block}</body></html>")
        assert [a.text() for a in t.css("a") if a.text()] == titles
        assert "More Stories" in t.body.text()
        seen.add(re.sub(r"[^<>a-z]+", "", re.sub(r"<(\w+)[^>]*>", r"<\1>", block))[:60])
    assert len(seen) >= 6


def test_residue_html_escapes_and_keeps_lines() -> None:
    lines = ["Copyright ©2020 Dow Jones & Firm, Inc. All Rights Reserved.", "<b>not markup</b>"]
    for seed in range(8):
        markup = residue_html(lines, random.Random(seed))
        assert "& Firm" not in markup and "&amp; Firm" in markup
        text = tree(f"<html><body>{markup}</body></html>").body.text(separator="\n")
        assert all(line in text for line in lines)
    assert residue_html([], random.Random(0)) == ""


def test_add_trailing_block_inserts_before_last_body_close() -> None:
    page = b"<html><body><p>caf\xc3\xa9</p><div>a</body> trick</div></BODY>\n</html>\n"
    block = '<div class="more"><h3>More Stories</h3><a href="/x">Caf\u00e9 deals</a></div>'
    out = add_trailing_block(page, block)
    i = page.lower().rfind(b"</body")
    assert out[:i] == page[:i] and out.endswith(page[i:])
    inserted = out[i:len(out) - len(page) + i]
    assert inserted == b'<div class="more"><h3>More Stories</h3><a href="/x">Caf&#233; deals</a></div>'
    # no </body>: appended
    assert add_trailing_block(b"<p>x</p>", "<p>y</p>") == b"<p>x</p><p>y</p>"


def test_add_trailing_block_utf16() -> None:
    page = "\ufeff<html><body><p>x</p></body></html>".encode("utf-16-le")
    out = add_trailing_block(page, "<p>More Stories</p>")
    assert out.decode("utf-16-le") == "\ufeff<html><body><p>x</p><p>More Stories</p></body></html>"
