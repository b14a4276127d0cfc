"""Spin a real page's main text where it stands, leaving every other byte of the page untouched.

This makes positives that differ from their ham original *only* in the spun words: same template, same
boilerplate, same encoding. The page is decoded with its own encoding (BOM, else ``<meta charset>``, else
UTF-8) with ``surrogateescape`` so undecodable bytes survive the round trip. Text nodes are found in the raw
markup (between tags, outside ``script``/``style``/``textarea``/comments/CDATA); a node belongs to the main
text when its normalised words (>= 5) occur in the normalised ground-truth main text. Entities (``&amp;``)
are never touched: a node is spun in the pieces between them. Spun pieces are spliced back and the page is
re-encoded piecewise, so bytes outside the changed words are identical.
"""
from __future__ import annotations

import codecs
import html as html_lib
import random
import re
from dataclasses import dataclass

from training.spinner import Spinner

MIN_SEGMENT_WORDS = 5
MIN_LOCATED_WORDS = 30

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Markup that is not text: comments, CDATA, doctype/PIs, raw-text elements, tags.
_NON_TEXT = re.compile(
    r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<![^>]*>|<\?.*?>"
    r"|<(script|style|textarea|title|noscript|template|svg|math)\b[^>]*>.*?(?:</\1\s*>|\Z)"
    r"|</?[A-Za-z][^>]*>",
    re.S | re.I,
)
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
_WORD = re.compile(r"\w+")
_UNDECODABLE = re.compile("[\udc80-\udcff\ufffd]")


@dataclass
class InPlaceResult:
    """The re-spun page, the number of replacements, located main-text words and changed words / words."""

    html: bytes
    changes: int
    words: int
    rate: float


def page_encoding(raw: bytes) -> str:
    """The encoding the page declares: BOM, else ``<meta charset>`` in the first 4 KiB, else utf-8."""
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            return enc
    m = _META_CHARSET.search(raw[:4096])
    if m:
        try:
            name = codecs.lookup(m.group(1).decode("ascii", "ignore")).name
        except LookupError:
            name = "utf-8"
        if name.startswith("utf-16") or name.startswith("utf-32"):
            return "utf-8"   # a meta tag readable as ASCII means the bytes are not UTF-16
        return name
    return "utf-8"


def decode_reversibly(raw: bytes) -> tuple[str, str] | None:
    """(text, encoding) such that ``text.encode(encoding, "surrogateescape") == raw``; None if impossible."""
    for enc in dict.fromkeys((page_encoding(raw), "utf-8")):
        try:
            text = raw.decode(enc, "surrogateescape")
            if text.encode(enc, "surrogateescape") == raw:
                return text, enc
        except (UnicodeError, LookupError):
            continue
    return None


def _norm_words(text: str) -> list[str]:
    return _WORD.findall(html_lib.unescape(text).lower())


def text_nodes(markup: str) -> list[tuple[int, int]]:
    """(start, end) of every text run between tags, outside script/style/comments."""
    nodes = []
    pos = 0
    for m in _NON_TEXT.finditer(markup):
        if m.start() > pos:
            nodes.append((pos, m.start()))
        pos = m.end()
    if pos < len(markup):
        nodes.append((pos, len(markup)))
    return nodes


_INLINE_ONLY = re.compile(
    r"(?:\s*</?(?:a|abbr|b|bdi|bdo|cite|code|data|dfn|em|font|i|kbd|mark|q|s|samp|small|span|strong|sub|sup|"
    r"time|u|var|ins|del)\b[^>]*>)*\s*", re.I)


def _blocks(markup: str, nodes: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Group text nodes separated only by inline tags (<a>, <em>, <span>...) into blocks: a paragraph
    with a link in it is one block of three nodes."""
    blocks: list[list[tuple[int, int]]] = []
    for node in nodes:
        if blocks and _INLINE_ONLY.fullmatch(markup, blocks[-1][-1][1], node[0]):
            blocks[-1].append(node)
        else:
            blocks.append([node])
    return blocks


def main_text_segments(markup: str, main_text: str) -> list[tuple[int, int]]:
    """Text nodes belonging to the main text: every node of a block (text nodes joined across inline tags)
    whose normalised words (>= 5) occur in the normalised main text; failing that, single nodes of >= 5
    words that occur there. Nodes with undecodable bytes are never included."""
    haystack = " " + " ".join(_norm_words(main_text)) + " "

    def found(text: str) -> bool:
        words = _norm_words(text)
        return len(words) >= MIN_SEGMENT_WORDS and (" " + " ".join(words) + " ") in haystack

    out = []
    for block in _blocks(markup, text_nodes(markup)):
        clean = [(s, e) for s, e in block if not _UNDECODABLE.search(markup, s, e)]
        if len(clean) == len(block) and len(block) > 1 and found("".join(markup[s:e] for s, e in block)):
            for i, (s, e) in enumerate(block):
                # a node glued to its neighbour mid-word ("<b>T</b>he") is left alone
                glued = (i > 0 and markup[s].isalnum() and markup[block[i - 1][1] - 1].isalnum()) or \
                    (i + 1 < len(block) and markup[e - 1].isalnum() and markup[block[i + 1][0]].isalnum())
                if not glued and _WORD.search(markup, s, e):
                    out.append((s, e))
            continue
        out.extend((s, e) for s, e in clean if found(markup[s:e]))
    return out


def spin_in_place(html: bytes, main_text: str, spinner: Spinner, rate: float,
                  rng: random.Random) -> InPlaceResult | None:
    """Spin ~`rate` of the main-text words of page `html` in place; None when fewer than 30 main-text
    words could be located in the markup (or the page cannot be decoded reversibly)."""
    decoded = decode_reversibly(html)
    if decoded is None or not main_text:
        return None
    markup, enc = decoded
    segments = main_text_segments(markup, main_text)
    # Split each segment at entities: only the entity-free pieces are spun.
    pieces: list[tuple[int, int]] = []
    for s, e in segments:
        pos = s
        for m in _ENTITY.finditer(markup, s, e):
            if m.start() > pos:
                pieces.append((pos, m.start()))
            pos = m.end()
        if pos < e:
            pieces.append((pos, e))
    texts = [markup[s:e] for s, e in pieces]
    located = sum(len(_norm_words(markup[s:e])) for s, e in segments)
    if located < MIN_LOCATED_WORDS:
        return None
    results = spinner.spin_many(texts, rate, rng)
    out: list[bytes] = []
    pos = 0
    n_changes = 0
    changed_words = 0
    for (s, e), res in zip(pieces, results):
        if not res.changes:
            continue
        out.append(markup[pos:s].encode(enc, "surrogateescape"))
        out.append(res.text.encode(enc, "xmlcharrefreplace"))
        n_changes += len(res.changes)
        changed_words += round(res.rate * res.words)
        pos = e
    out.append(markup[pos:].encode(enc, "surrogateescape"))
    words = sum(r.words for r in results)
    return InPlaceResult(b"".join(out), n_changes, words, changed_words / words if words else 0.0)
