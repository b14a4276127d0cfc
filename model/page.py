"""HTML -> page structure: text blocks with link statistics, the main text, and page metadata.

One iterative pass over a selectolax (Lexbor) tree, in the manner of boilerpipe/jusText block
segmentation: a block is the text between two block-level boundaries; its link density and its
ancestors (nav/footer/aside, boilerplate class names) decide whether it is main text. Iterative, so
that deep nesting cannot exhaust the stack; capped in nodes, so that hostile pages take bounded time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from model import patterns as P

MAX_NODES = 60_000          # nodes visited at most; a page beyond this is truncated (reason "page_truncated")
MAX_TEXT_CHARS = 400_000    # characters of text kept at most
MAIN_MIN_WORDS = 10         # jusText's "length_low" is 70 characters, about ten words
MAIN_MAX_LINK_DENSITY = 0.3 # jusText's max_link_density default (0.2) is strict for news with inline links
MAX_DEPTH = 1_500           # nesting kept at most; the parser's cost grows with the square of the depth
DEPTH_SCAN_MIN_TAGS = 3_000 # pages with fewer tags than this cannot nest deeply enough to matter
_WS = re.compile(r"\s+")
_NESTING_TAG = re.compile(r"<(/?)(?:div|section|article|aside|main|header|footer|nav|ul|ol|dl|dd|blockquote|"
                          r"form|fieldset|center|details|figure)\b[^>]*>", re.I)
_TAG_LIKE = re.compile(r"<\s*[A-Za-z!/]")


@dataclass
class Block:
    """Text between two block boundaries, with its link statistics."""

    text: str
    tag: str
    boiler: bool
    heading: bool
    link_chars: int
    links: list[tuple[str, str]]      # (anchor text, href)
    index: int = 0
    main: bool = False

    @property
    def words(self) -> int:
        return self.text.count(" ") + 1 if self.text else 0

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


@dataclass
class Page:
    """Everything the signals need to know about a page."""

    blocks: list[Block]
    main_text: str
    title: str = ""
    url: str = ""
    lang_attr: str = ""
    site_tokens: frozenset[str] = frozenset()
    html_chars: int = 0
    n_tags: int = 0
    n_links: int = 0
    truncated: bool = False
    plain_text: bool = False
    main_first: int = 0               # index of the first main block
    main_last: int = -1               # index of the last main block
    reasons: list[str] = field(default_factory=list)

    @property
    def all_text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


class _Acc:
    __slots__ = ("parts", "link_chars", "links", "tag", "boiler", "heading")

    def __init__(self, tag: str, boiler: bool, heading: bool) -> None:
        self.parts: list[str] = []
        self.link_chars = 0
        self.links: list[tuple[str, str]] = []
        self.tag = tag
        self.boiler = boiler
        self.heading = heading


def _is_boiler(node) -> bool:
    tag = node.tag
    if tag in P.BOILERPLATE_TAGS:
        return True
    attrs = node.attributes
    if not attrs:
        return False
    names = (attrs.get("class") or "") + " " + (attrs.get("id") or "") + " " + (attrs.get("role") or "")
    return bool(names.strip()) and P.BOILERPLATE_ATTR.search(names) is not None


def _site_tokens(url: str, tree=None) -> frozenset[str]:
    """Lower-case name tokens of the page's own publisher: domain labels of the URL and, when a parsed
    tree is given, of its canonical URL, og:site_name and similar head metadata."""
    names: list[str] = []
    if url:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
        names.extend(l for l in host.split(".") if l not in ("www", "com", "org", "net", "co", "uk", "news"))
    head = tree.head if tree is not None else None
    if head is not None:
        for sel in ('meta[property="og:site_name"]', 'meta[name="application-name"]', 'meta[name="copyright"]',
                    'meta[name="author"]', 'link[rel="canonical"]', 'meta[property="og:url"]'):
            n = head.css_first(sel)
            if n is not None:
                v = n.attributes.get("content") or n.attributes.get("href") or ""
                if "://" in v:
                    host = urlsplit(v).hostname or ""
                    names.extend(host.split("."))
                else:
                    names.append(v)
    tokens = set()
    for n in names:
        for t in re.split(r"[^a-z0-9]+", n.lower()):
            if len(t) >= 3 and t not in P.FUNCTION_WORDS and t not in ("www", "com", "org", "net", "http", "https"):
                tokens.add(t)
    return frozenset(tokens)


def flatten_deep_nesting(html: str) -> tuple[str, bool]:
    """Drop block tags nested deeper than MAX_DEPTH (their text stays): 100,000 nested <div>s would
    otherwise take the parser minutes. (page, whether anything was dropped)."""
    if html.count("<") < DEPTH_SCAN_MIN_TAGS:
        return html, False
    depth = 0
    cut: list[tuple[int, int]] = []
    for m in _NESTING_TAG.finditer(html):
        if m.group(1):
            if depth > MAX_DEPTH:
                cut.append(m.span())
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > MAX_DEPTH:
                cut.append(m.span())
    if not cut:
        return html, False
    parts, last = [], 0
    for a, b in cut:
        parts.append(html[last:a])
        parts.append(" ")
        last = b
    parts.append(html[last:])
    return "".join(parts), True


def parse_page(html: str, url: str | None = None) -> Page:
    """Segment a decoded page into blocks and pick its main text. Never raises on odd markup."""
    url = url or ""
    if not _TAG_LIKE.search(html[:65536]):
        return _plain_text_page(html, url)
    html, flattened = flatten_deep_nesting(html)
    tree = LexborHTMLParser(html)
    title = ""
    head = tree.head if tree is not None else None
    if head is not None:
        t = head.css_first("title")
        if t is not None:
            title = _WS.sub(" ", t.text() or "").strip()[:300]
    root = tree.body or tree.root
    lang_attr = ""
    html_node = tree.root
    if html_node is not None and html_node.attributes:
        lang_attr = (html_node.attributes.get("lang") or "")[:16]
    blocks, n_tags, n_links, truncated = _walk(root) if root is not None else ([], 0, 0, False)
    page = Page(blocks=blocks, main_text="", title=title, url=url, lang_attr=lang_attr,
                site_tokens=_site_tokens(url, tree), html_chars=len(html), n_tags=n_tags, n_links=n_links,
                truncated=truncated)
    if truncated:
        page.reasons.append("page_truncated")
    if flattened:
        page.reasons.append("deep_nesting_flattened")
    _select_main(page)
    return page


_INLINE, _BLOCK, _ANCHOR = 0, 1, 2


def _walk(root) -> tuple[list[Block], int, int, bool]:
    """Iterative depth-first walk: (blocks, nodes visited, links, truncated)."""
    blocks: list[Block] = []
    parts: list[str] = []
    links: list[tuple[str, str]] = []
    link_chars = 0
    total_chars = 0
    visited = 0
    n_links = 0
    truncated = False
    tag_now, boiler_now, heading_now = "body", False, False
    anchor: list[str] | None = None          # [href, text parts...] of the open <a>

    def flush() -> None:
        nonlocal parts, links, link_chars, total_chars
        if parts:
            text = " ".join("".join(parts).split())
            if text:
                blocks.append(Block(text=text, tag=tag_now, boiler=boiler_now, heading=heading_now,
                                    link_chars=min(link_chars, len(text)), links=links, index=len(blocks)))
                total_chars += len(text)
        parts, links, link_chars = [], [], 0

    # frames: (children iterator, kind, saved state)
    stack: list[tuple] = [(root.iter(include_text=True), _INLINE, None)]
    while stack:
        it, kind, saved = stack[-1]
        node = next(it, None)
        if node is None:
            stack.pop()
            if kind == _BLOCK:
                flush()
                tag_now, boiler_now, heading_now = saved
            elif kind == _ANCHOR:
                text = _WS.sub(" ", "".join(anchor[1:])).strip() if anchor else ""
                if text:
                    links.append((text[:300], anchor[0]))
                anchor = saved
            continue
        visited += 1
        if visited > MAX_NODES or total_chars > MAX_TEXT_CHARS:
            truncated = True
            break
        tag = node.tag
        if tag == "-text":
            t = node.text_content
            if t:
                if t.isspace():
                    parts.append(" ")
                    continue
                parts.append(t)
                if anchor is not None:
                    link_chars += len(t.strip())
                    anchor.append(t)
            continue
        if not tag or tag[0] == "-" or tag in P.SKIP_TAGS:
            continue
        if tag in P.BLOCK_TAGS:
            flush()
            if tag == "br" or tag == "hr":
                continue
            saved_state = (tag_now, boiler_now, heading_now)
            boiler_now = boiler_now or (tag not in ("p", "li", "td", "h1", "h2", "h3", "h4", "h5", "h6")
                                        and _is_boiler(node))
            heading_now = tag in P.HEADING_TAGS
            tag_now = tag
            stack.append((node.iter(include_text=True), _BLOCK, saved_state))
            continue
        if tag == "a":
            n_links += 1
            attrs = node.attributes
            href = (attrs.get("href") or "")[:500] if attrs else ""
            stack.append((node.iter(include_text=True), _ANCHOR, anchor))
            anchor = [href]
            continue
        stack.append((node.iter(include_text=True), _INLINE, None))
    flush()
    return blocks, visited, n_links, truncated


def _select_main(page: Page) -> None:
    """Mark main-text blocks: long, few links, outside boilerplate; headings and short lines between them."""
    blocks = page.blocks
    good = [(not b.boiler) and b.words >= MAIN_MIN_WORDS and b.link_density <= MAIN_MAX_LINK_DENSITY
            for b in blocks]
    if not any(good):   # no clear article: fall back to any low-link text outside boilerplate
        good = [(not b.boiler) and b.words >= 3 and b.link_density < 0.5 for b in blocks]
    if not any(good):
        good = [b.words >= 3 and b.link_density < 0.5 for b in blocks]
    idx = [i for i, g in enumerate(good) if g]
    if not idx:
        page.main_text = ""
        page.reasons.append("no_main_text")
        return
    # jusText's context rule: a short block between two main blocks (a subheading, a one-line paragraph) is main
    chosen = set(idx)
    for a, b in zip(idx, idx[1:]):
        if b - a <= 3:
            for j in range(a + 1, b):
                blk = blocks[j]
                if not blk.boiler and blk.link_density <= 0.5 and blk.words <= 25:
                    chosen.add(j)
    # a heading right before the first main block
    first = min(chosen)
    if first > 0 and blocks[first - 1].heading and not blocks[first - 1].boiler:
        chosen.add(first - 1)
    ordered = sorted(chosen)
    for i in ordered:
        blocks[i].main = True
    page.main_first, page.main_last = ordered[0], ordered[-1]
    page.main_text = "\n".join(blocks[i].text for i in ordered)


def _plain_text_page(text: str, url: str) -> Page:
    """A document with no markup: each line is a block; lines under a related-links heading count as links."""
    lines = [_WS.sub(" ", ln).strip() for ln in text[:MAX_TEXT_CHARS].splitlines()]
    lines = [ln for ln in lines if ln]
    blocks: list[Block] = []
    under_heading = False
    for i, ln in enumerate(lines):
        is_heading = len(ln) <= 60 and P.RELATED_HEADING.match(ln) is not None
        if is_heading:
            under_heading = True
            blocks.append(Block(text=ln, tag="h3", boiler=False, heading=True, link_chars=0, links=[], index=i))
            continue
        short_title = ln.count(" ") < 16 and not ln.rstrip().endswith((".", "\u201d", '"'))
        if under_heading and short_title:
            blocks.append(Block(text=ln, tag="li", boiler=False, heading=False, link_chars=len(ln),
                                links=[(ln, "")], index=i))
            continue
        under_heading = False
        blocks.append(Block(text=ln, tag="p", boiler=False, heading=False, link_chars=0, links=[], index=i))
    page = Page(blocks=blocks, main_text="", url=url, html_chars=len(text), plain_text=True,
                site_tokens=_site_tokens(url))
    page.reasons.append("plain_text_input")
    _select_main(page)
    return page

