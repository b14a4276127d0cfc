"""HTML -> page structure: text blocks with link statistics, the main text, and page metadata.

One pass over a selectolax (Lexbor) tree, in the manner of boilerpipe/jusText block segmentation: a
block is the text between two block-level boundaries; its link density and its ancestors (nav/footer/
aside, boilerplate class names) decide whether it is main text. The pass follows Lexbor's own preorder
traversal (no recursion, so deep nesting cannot exhaust the stack) and is capped in nodes, so that
hostile pages take bounded time; it is the parser's hot loop and is written for speed (see _walk).
"""
from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from model import patterns as P

MAX_NODES = 60_000          # nodes visited at most; a page beyond this is truncated (reason "page_truncated")
MAX_TEXT_CHARS = 400_000    # characters of text kept at most
MAIN_MIN_WORDS = 10         # jusText's "length_low" is 70 characters, about ten words
MAIN_MAX_LINK_DENSITY = 0.3 # jusText's max_link_density default (0.2) is strict for news with inline links
MAX_DEPTH = 1_500           # nesting kept at most; the parser's cost grows with the square of the depth
DEPTH_SCAN_MIN_TAGS = 3_000 # pages with fewer tags than this cannot nest deeply enough to matter
MAX_METADATA = 16           # metadata texts kept at most (head elements and JSON-LD fields)
MAX_METADATA_CHARS = 30_000 # characters kept of each (a JSON-LD articleBody can hold a whole article)
MAX_JSONLD_BLOCKS = 8       # JSON-LD script blocks read at most
SCRIPT_PROBES = 24          # four-word runs of the main text looked for in each inline script ...
SCRIPT_MIN_PROBES = 2       # ... of which a script holding a copy of the article has at least this many
SCRIPT_MIN_CHARS = 100      # scripts shorter than this are configuration, not searched
MAX_SCRIPT_CHARS = 4_000_000  # characters of inline scripts searched at most a page (one corpus page: 3.4 MB)
SCRIPT_MIN_SHARED = 2       # word trigrams a prose string of a script shares with the main text to be its copy
SCRIPT_MAX_PROSE = 5_000    # prose strings read at most a page (one corpus page has its copy after 2,000 others)
BARE_MAX_OTHER_WORDS = 25   # words outside the main text a bare article page may carry (its title heading) ...
ARTICLE_PART_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6"})   # ... not counting its own short
                            # paragraphs and headings (not boilerplate): a one-line paragraph is under MAIN_MIN_WORDS
_WS = re.compile(r"\s+")
# Opening or closing tags of the block elements that nest: div, dl, dd, details, section, article, aside,
# main, header, footer, form, fieldset, figure, nav, ul, ol, blockquote, center (grouped by first letter,
# so that the engine tries fewer alternatives at each "<").
_NESTING_TAG = re.compile(r"<(/?)(?:d(?:iv|l|d|etails)|section|a(?:rticle|side)|main|header|"
                          r"f(?:ooter|orm|ieldset|igure)|nav|ul|ol|blockquote|center)\b[^>]*>", re.I)
_TAG_LIKE = re.compile(r"<\s*[A-Za-z!/]")
_MARKUP = re.compile(r"<[^>]{0,500}>")
_WORD = re.compile(r"\w+")
_ESCAPE = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|.)")


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
    root: int = -1                    # innermost boilerplate element around it (an index of Page.roots), -1 none

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
    roots: list["BoilerRoot"] = field(default_factory=list)   # elements that made blocks boilerplate
    # (source, text) of the page's own descriptions of its article: <title>, meta description and social
    # titles, JSON-LD headline/description/articleBody (patterns.METADATA_SELECTORS, JSONLD_TEXT_FIELD),
    # and the article's paragraphs in an inline script's state ("script_text", see _script_copy)
    metadata: tuple[tuple[str, str], ...] = ()

    @property
    def all_text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


@dataclass
class BoilerRoot:
    """An element that makes its blocks boilerplate: by its tag (nav, footer...) or by its names."""

    parent: int                       # the boilerplate element around it, -1 none
    tokens: tuple[str, ...]           # what makes it boilerplate: "<tag>" or its boilerplate name tokens
    cleared: bool = False             # judged a misnamed wrapper of the content (see _clear_misnamed_wrappers)

    @property
    def comments(self) -> bool:
        """A comment section (patterns.COMMENT_NAMES in one of its tokens)."""
        return any(P.COMMENT_NAMES.search(t) for t in self.tokens)


class _Acc:
    __slots__ = ("parts", "link_chars", "links", "tag", "boiler", "heading")

    def __init__(self, tag: str, boiler: bool, heading: bool) -> None:
        self.parts: list[str] = []
        self.link_chars = 0
        self.links: list[tuple[str, str]] = []
        self.tag = tag
        self.boiler = boiler
        self.heading = heading


def _boiler_keywords(pattern: re.Pattern) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """The keywords of `pattern` (patterns.BOILERPLATE_ATTR) as (words, hyphenated words), or None when the
    pattern is not of the shape _names_are_boiler mirrors: a separator, alternatives of lower-case words
    (optionally hyphenated, optionally with a plural "s?"), a separator; case-insensitive."""
    head, tail = r"(?:^|[\s_-])(?:", r")(?:$|[\s_-])"
    source = pattern.pattern
    if pattern.flags != re.I | re.U or not (source.startswith(head) and source.endswith(tail)):
        return None
    words: list[str] = []
    for alternative in source[len(head):-len(tail)].split("|"):
        m = re.fullmatch(r"([a-z]+(?:-[a-z]+)*)(s\?)?", alternative)
        if m is None:
            return None
        words.append(m.group(1))
        if m.group(2):
            words.append(m.group(1) + "s")
    return frozenset(w for w in words if "-" not in w), tuple(w for w in words if "-" in w)


_BOILER_KEYWORDS = _boiler_keywords(P.BOILERPLATE_ATTR)


def _names_are_boiler(names: str) -> bool:
    """patterns.BOILERPLATE_ATTR.search(names) is not None, computed on word tokens: several times faster
    than the regex, which tries its alternatives at every position. Falls back to the regex when the
    pattern is not of the shape mirrored here (see _boiler_keywords)."""
    if _BOILER_KEYWORDS is None:
        return P.BOILERPLATE_ATTR.search(names) is not None
    words, hyphenated = _BOILER_KEYWORDS
    folded = P.folded(names)
    if not words.isdisjoint(folded.replace("_", " ").replace("-", " ").split()):
        return True
    if "-" in folded:
        for word in hyphenated:
            at = folded.find(word)
            while at >= 0:
                after = at + len(word)
                if (at == 0 or _is_separator(folded[at - 1])) and \
                        (after == len(folded) or _is_separator(folded[after])):
                    return True
                at = folded.find(word, at + 1)
    return False


def _is_separator(char: str) -> bool:
    r"""Whether `char` separates words for BOILERPLATE_ATTR (its [\s_-]; re's \s is str.isspace)."""
    return char.isspace() or char == "_" or char == "-"


_BOILER_NAMES: dict[str, tuple[str, ...]] = {}  # _boiler_tokens_of's answer by class/id/role string: they repeat
_BOILER_NAMES_MAX = 20_000              # entries kept at most (the memo is emptied when full)
_BOILER_NAMES_MAX_KEY = 200             # longer strings are not kept


def _boiler_tokens_of(node, tag: str) -> tuple[str, ...]:
    """What makes an element (of tag name `tag`) boilerplate: ("<tag>",) for a boilerplate tag, CONSENT_TOKEN for
    a consent notice (patterns.CONSENT_NAMES in its class, id or aria-label), else the tokens of its
    class/id/role names that name boilerplate (see _boiler_tokens); () when it is not."""
    if tag in P.BOILERPLATE_TAGS:
        return ("<" + tag + ">",)
    attrs = node.attributes
    if not attrs:
        return ()
    label = attrs.get("aria-label")
    if label and P.CONSENT_NAMES.search(label):
        return (CONSENT_TOKEN,)
    names = (attrs.get("class") or "") + " " + (attrs.get("id") or "") + " " + (attrs.get("role") or "")
    tokens = _BOILER_NAMES.get(names)
    if tokens is None:
        tokens = _name_tokens(names)
        if len(names) <= _BOILER_NAMES_MAX_KEY:
            if len(_BOILER_NAMES) >= _BOILER_NAMES_MAX:
                _BOILER_NAMES.clear()
            _BOILER_NAMES[names] = tokens
    return tokens


CONSENT_TOKEN = "<consent>"   # the BoilerRoot token of a consent notice


def _name_tokens(names: str) -> tuple[str, ...]:
    """_boiler_tokens_of for class/id/role names: a consent notice, boilerplate tokens, or ()."""
    if P.CONSENT_NAMES.search(P.WP_TAXONOMY_CLASS.sub(" ", names) if P.WP_POST_CLASS.search(names) else names):
        return (CONSENT_TOKEN,)
    return _boiler_tokens(names) if _names_are_boiler(names) else ()


def _boiler_tokens(names: str) -> tuple[str, ...]:
    """The class/id/role tokens of `names` that name boilerplate on their own ("has-sidebar"), WordPress's
    taxonomy classes of a post ("tag-economy" beside "hentry") left out."""
    if P.WP_POST_CLASS.search(names):
        names = P.WP_TAXONOMY_CLASS.sub(" ", names)
    return tuple(dict.fromkeys(t.lower() for t in names.split() if _names_are_boiler(t)))


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


def _json_head(raw: str, limit: int) -> str:
    """The first `limit` characters of a JSON string literal's body, cut before any escape the cut could
    split."""
    if len(raw) <= limit:
        return raw
    raw = raw[:limit]
    return raw[: raw.rfind("\\")] if "\\" in raw[-6:] else raw


def _jsonld_string(raw: str) -> str:
    """The text of a JSON string literal's body (escapes decoded, markup and entities of HTML-valued
    fields removed); "" when its escapes are invalid."""
    try:
        value = json.loads(f'"{raw}"')
    except ValueError:
        return ""
    if "<" in value:
        value = _MARKUP.sub(" ", value)
    return _WS.sub(" ", html_lib.unescape(value)).strip()


def _metadata(tree, html: str, title: str) -> tuple[tuple[str, str], ...]:
    """The page's own descriptions of its article (see `Page.metadata`), each cut to MAX_METADATA_CHARS."""
    out: list[tuple[str, str]] = [("title", title)] if title else []
    head = tree.head
    if head is not None:
        for sel, source in P.METADATA_SELECTORS:
            node = head.css_first(sel)
            content = (node.attributes.get("content") or "") if node is not None else ""
            if content.strip():
                out.append((source, _WS.sub(" ", content).strip()[:MAX_METADATA_CHARS]))
    if "ld+json" in html:
        for node in tree.css('script[type="application/ld+json"]')[:MAX_JSONLD_BLOCKS]:
            for m in P.JSONLD_TEXT_FIELD.finditer(node.text() or ""):
                text = _jsonld_string(_json_head(m.group(2), MAX_METADATA_CHARS))
                if text:
                    out.append((f"jsonld_{m.group(1).lower()}", text))
    return tuple(dict.fromkeys(out))[:MAX_METADATA]


def flatten_deep_nesting(html: str) -> tuple[str, bool]:
    """Drop block tags nested deeper than MAX_DEPTH (their text stays): 100,000 nested <div>s would
    otherwise take the parser minutes. (page, whether anything was dropped)."""
    if html.count("<") < DEPTH_SCAN_MIN_TAGS:
        return html, False
    # First only the kind of each tag ("" opening, "/" closing): building no match objects is faster,
    # and a page that never nests deeper than MAX_DEPTH (any real one) is done.
    marks = _NESTING_TAG.findall(html)
    if len(marks) - marks.count("/") <= MAX_DEPTH or not _nests_deeper(marks, MAX_DEPTH):
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


def _nests_deeper(marks: list[str], limit: int) -> bool:
    """Whether the depth of a tag sequence ("" opening, "/" closing; a closing tag at depth 0 is ignored)
    ever exceeds `limit`."""
    depth = 0
    for closing in marks:
        if closing:
            if depth:
                depth -= 1
        else:
            depth += 1
            if depth > limit:
                return True
    return False


def parse_page(html: str, url: str | None = None) -> Page:
    """Segment a decoded page into blocks and pick its main text. Never raises on odd markup."""
    url = url or ""
    if not _TAG_LIKE.search(html, 0, 65536):      # (the first 64 KiB, without copying them)
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
    blocks, roots, n_tags, n_links, truncated = _walk(root) if root is not None else ([], [], 0, 0, False)
    page = Page(blocks=blocks, main_text="", title=title, url=url, lang_attr=lang_attr,
                site_tokens=_site_tokens(url, tree), html_chars=len(html), n_tags=n_tags, n_links=n_links,
                truncated=truncated, roots=roots, metadata=_metadata(tree, html, title))
    if truncated:
        page.reasons.append("page_truncated")
    if flattened:
        page.reasons.append("deep_nesting_flattened")
    if _clear_misnamed_wrappers(page):
        page.reasons.append("boilerplate_named_wrapper_kept")
    _select_main(page)
    copy = _script_copy(tree, page.main_text)
    if copy:
        page.metadata = page.metadata + (("script_text", copy),)
    return page


def _probes(text: str) -> list[str]:
    """Up to SCRIPT_PROBES four-word runs of `text`, the first of each of that many equal slices (one
    short search a slice, not a scan of the whole text)."""
    step = max(1, len(text) // SCRIPT_PROBES)
    found = (P.PLAIN_WORD_RUN.search(text, start) for start in range(0, len(text), step))
    return list(dict.fromkeys(m.group() for m in found if m is not None))[:SCRIPT_PROBES]


def _holds(items: Iterable[Any], container: Container[Any], needed: int) -> bool:
    """Whether `needed` of `items` are in `container` (stops at the `needed`th)."""
    for item in items:
        if item in container:
            needed -= 1
            if not needed:
                return True
    return False


def _script_copy(tree, main_text: str) -> str:
    """The main text's paragraphs as an inline script holds them (a site's own state, such as Next.js's
    `__NEXT_DATA__`), joined and cut to MAX_METADATA_CHARS; "" when no script holds them. A script is
    read only when it contains SCRIPT_MIN_PROBES of the main text's four-word runs (a substring test, so
    the scripts of most pages cost one scan each); then its JSON string literals that are prose and share
    SCRIPT_MIN_SHARED word trigrams with the main text are kept, in order."""
    probes = _probes(main_text)
    if len(probes) < SCRIPT_MIN_PROBES:
        return ""
    trigrams: set[tuple[str, ...]] | None = None
    kept: list[str] = []
    budget, size, prose = MAX_SCRIPT_CHARS, 0, SCRIPT_MAX_PROSE
    for node in tree.css("script"):
        attrs = node.attributes
        if "src" in attrs or "ld+json" in (attrs.get("type") or ""):
            continue
        source = node.text() or ""
        if len(source) > budget:
            continue
        budget -= len(source)
        if len(source) < SCRIPT_MIN_CHARS or not _holds(probes, source, SCRIPT_MIN_PROBES):
            continue
        if trigrams is None:
            words = _WORD.findall(main_text.lower())
            trigrams = set(zip(words, words[1:], words[2:]))
        for raw in filter(None, P.SCRIPT_PROSE_STRING.findall(source)):
            prose -= 1
            if prose < 0:
                break
            text = _jsonld_string(_json_head(raw, 2 * MAX_METADATA_CHARS))   # (markup takes a share)
            if "\\" in text:          # a JSON document inside a JSON string: its escapes read once more
                text = _jsonld_string(text) or _ESCAPE.sub(" ", text)
            words = _WORD.findall(text.lower())
            if _holds(zip(words, words[1:], words[2:]), trigrams, SCRIPT_MIN_SHARED):
                kept.append(text)
                size += len(text) + 1
                if size >= MAX_METADATA_CHARS:
                    break
        if size >= MAX_METADATA_CHARS or prose < 0:
            break
    return "\n".join(dict.fromkeys(kept))[:MAX_METADATA_CHARS]


# What the walk does with a node, by tag: text; skip it with its subtree; block boundary (the text so far
# is a block, and so is the text inside); line break (a boundary, nothing inside counts); link; other
# (inline: its text belongs to the enclosing block).
_TEXT, _SKIP, _BLOCK, _BREAK, _ANCHOR, _INLINE = range(6)
_NO_BOILER_CHECK = frozenset({"p", "li", "td", "h1", "h2", "h3", "h4", "h5", "h6"})
# HTML element names besides those of patterns.py, so that inline tags too have their kind by tag id.
_HTML_TAG_NAMES = (
    "a abbr acronym area b base bdi bdo big blink caption cite code col colgroup data datalist del dfn "
    "dialog em font frame frameset hgroup i image img input ins kbd label legend map mark marquee "
    "meter nobr noembed noframes optgroup output param picture plaintext progress q rb rp rt rtc ruby s samp "
    "search slot small source span strike strong sub sup tbody textarea tfoot time tt u var wbr xmp").split()


def _kind_of(tag: str | None) -> int:
    """The walk's action for a node of selectolax tag name `tag` ("-text", "-comment", None...)."""
    if tag == "-text":
        return _TEXT
    if not tag or tag[0] == "-" or tag in P.SKIP_TAGS:
        return _SKIP
    if tag in P.BLOCK_TAGS:
        return _BREAK if tag in ("br", "hr") else _BLOCK
    if tag == "a":
        return _ANCHOR
    return _INLINE


def _static_tag_ids() -> tuple[dict[int, int], dict[int, str]]:
    """(kind, tag name) by Lexbor tag id, for the ids that Lexbor assigns statically.

    `node.tag_id` (an int) is cheaper to read than `node.tag` (a decoded string). Custom elements get
    ids per document, so only ids equal in two live documents are listed; the walk reads `node.tag` for
    any other. (SVG elements may be named in camel case, as clipPath; no such name is listed, and the
    walk skips <svg> and <math> whole anyway.)"""
    one = LexborHTMLParser("<html><body><!--c-->t</body></html>")
    two = LexborHTMLParser("")
    kinds: dict[int, int] = {}
    names: dict[int, str] = {}
    for name in sorted(P.SKIP_TAGS | P.BLOCK_TAGS | set(_HTML_TAG_NAMES)):
        node = one.create_node(name)
        if node.tag == name and node.tag_id == two.create_node(name).tag_id:
            kinds[node.tag_id], names[node.tag_id] = _kind_of(name), name
    for node in one.body.iter(include_text=True):      # the text and the comment node
        kinds[node.tag_id] = _kind_of(node.tag)
    return kinds, names


_KIND_BY_ID, _NAME_BY_ID = _static_tag_ids()


def _walk(root) -> tuple[list[Block], list[BoilerRoot], int, int, bool]:
    """Depth-first walk under `root`: (blocks, boilerplate elements, nodes visited, links, truncated).

    The parser's hot loop, so written for speed, around what costs: every read of a node property is a
    call. Lexbor's own preorder traversal (C) gives the nodes, instead of a Python stack of per-element
    child iterators; a block or a link, which must be closed, is closed when the traversal passes the
    last node of its subtree (found when it opens); the subtree of a skipped element is passed over
    unexamined; nodes are told apart by text content first (most nodes are text), then by tag id.
    A block is the whitespace-collapsed text between two boundaries; blank text only separates words."""
    blocks: list[Block] = []
    parts: list[str] = []                    # text of the current block (blank pieces too: separators)
    has_text = False                         # whether parts holds more than blank text
    links: list[tuple[str, str]] = []        # (anchor text, href) of the current block
    link_chars = 0
    total_chars = 0
    max_text_chars = MAX_TEXT_CHARS
    text_full = total_chars > max_text_chars # past MAX_TEXT_CHARS: the walk stops at the next node
    visited = 0
    n_links = 0
    truncated = False
    tag_now, boiler_now, heading_now = "body", False, False
    roots: list[BoilerRoot] = []
    root_now = -1                            # innermost boilerplate element (index in roots), -1 none
    anchor: list[str] | None = None          # [href, text parts...] of the open <a>
    kinds, names = _KIND_BY_ID, _NAME_BY_ID

    def flush() -> None:
        """End the current block, which has text, and start the next one."""
        nonlocal links, link_chars, total_chars, text_full, has_text
        text = " ".join("".join(parts).split())
        blocks.append(Block(text, tag_now, boiler_now, heading_now, min(link_chars, len(text)), links,
                            len(blocks), root=root_now))
        total_chars += len(text)
        text_full = total_chars > max_text_chars
        parts.clear()
        links, link_chars, has_text = [], 0, False

    # open blocks and links, innermost last: (mem_id of the last node of their subtree, kind, saved state)
    frames: list[tuple[int, int, object]] = []
    end = -1                                 # frames[-1][0]: where the innermost open element ends
    nodes = root.traverse(include_text=True)
    next(nodes)                              # the root itself
    # `visited` numbers the nodes of this loop, not those passed over inside skipped elements (taken from
    # `nodes` directly); the range ends the loop after MAX_NODES of them
    for visited, node in zip(range(1, MAX_NODES + 1), nodes):
        if text_full:
            truncated = True
            break
        t = node.text_content                # None unless a text node
        if t is not None:
            if t:
                parts.append(t)
                if not t.isspace():
                    has_text = True
                    if anchor is not None:
                        link_chars += len(t.strip())
                        anchor.append(t)
            last = node.mem_id
        else:
            tag_id = node.tag_id
            kind = kinds.get(tag_id)
            if kind is None:
                kind = _kind_of(node.tag)
            if kind == _INLINE or kind == _TEXT:
                last = node.mem_id           # an empty inline element may be where an open element ends
            else:
                # the last node of this element's subtree
                this = node.mem_id
                sub = node.last_child
                if sub is None:
                    last = this
                else:
                    while sub is not None:
                        deepest, sub = sub, sub.last_child
                    last = deepest.mem_id
                if kind == _BLOCK:
                    if has_text:
                        flush()
                    elif links:              # links whose text went to an inner block: dropped
                        links = []
                    tag = names.get(tag_id) or node.tag
                    frames.append((last, _BLOCK, (tag_now, boiler_now, heading_now, root_now)))
                    end = last
                    # every boilerplate element is recorded, nested ones too: an outer one may be cleared
                    tokens = () if tag in _NO_BOILER_CHECK else _boiler_tokens_of(node, tag)
                    if tokens:
                        roots.append(BoilerRoot(root_now, tokens))
                        root_now = len(roots) - 1
                        boiler_now = True
                    heading_now = tag in P.HEADING_TAGS
                    tag_now = tag
                    if last != this:         # it ends with the last node of its subtree
                        continue
                elif kind == _ANCHOR:
                    href = node.attrs.get("href")                 # attrs: no dict of all attributes
                    if href is None:
                        # a named anchor (<a name="top">), not a link: left unclosed, the parser would
                        # otherwise make the rest of the page link text
                        last = this
                    else:
                        n_links += 1
                        frames.append((last, _ANCHOR, anchor))
                        end = last
                        anchor = [href[:500]]
                        if last != this:
                            continue
                else:                        # skipped, or <br>/<hr>: nothing inside them counts
                    if kind == _BREAK:
                        if has_text:
                            flush()
                        elif links:
                            links = []
                    if last != this:         # pass over the subtree
                        for inner in nodes:
                            if inner.mem_id == last:
                                break
        if last != end:
            continue
        # this node is the last of the innermost open elements: close them
        while last == end:
            _, frame_kind, saved = frames.pop()
            end = frames[-1][0] if frames else -1
            if frame_kind == _BLOCK:
                if has_text:
                    flush()
                elif links:
                    links = []
                tag_now, boiler_now, heading_now, root_now = saved
            else:
                text = " ".join("".join(anchor[1:]).split())
                if text:
                    links.append((text[:300], anchor[0]))
                anchor = saved
    else:
        if next(nodes, None) is not None:    # a node past MAX_NODES
            visited += 1
            truncated = True
    if has_text:
        flush()
    return blocks, roots, visited, n_links, truncated


WRAPPER_SHARE = 0.5     # boilerplate names holding this share of a page's content name a wrapper
COMMENTS_FALLBACK_WORDS = 150   # a main text shorter than this takes in the page's comment sections
COMMENT_MIN_WORDS = 3           # a comment-section block kept in `comment_text` ("Great recipe, thanks!"),
                                # not a "Reply" or "Log in" line


def _clear_misnamed_wrappers(page: Page) -> bool:
    """Un-mark boilerplate whose name wraps most of the page's content.

    Names describe layout as often as role: WordPress puts "tag-<slug>" and "category-<slug>" on the
    article element, themes put "has-sidebar" or "header-full-width" on the page wrapper, Elementor
    puts every paragraph in an "elementor-widget-container". A boilerplate token (or tag) whose elements
    hold WRAPPER_SHARE or more of the words of the page's content-like blocks (jusText's long, low-link
    blocks; comment sections and consent notices left out) names a wrapper on this page, not boilerplate; an
    element named only by such tokens is not boilerplate (readability's unlikely-candidate names meet the same
    problem with its "okMaybeItsACandidate" exception). Comment sections and consent notices stay
    boilerplate: on a page whose article is not found they can hold most of its words. Link-heavy blocks stay
    out of the main text anyway by their link density. Whether anything was un-marked."""
    roots = page.roots
    if not roots:
        return False
    stays_boiler = [CONSENT_TOKEN in r.tokens or r.comments for r in roots]
    held: dict[str, int] = {}
    total = 0
    for block in page.blocks:
        if block.words < MAIN_MIN_WORDS or block.link_density > MAIN_MAX_LINK_DENSITY:
            continue
        tokens: set[str] = set()
        r = block.root
        left_out = False
        while r >= 0:
            left_out = left_out or stays_boiler[r]
            tokens.update(roots[r].tokens)
            r = roots[r].parent
        if left_out:
            continue
        total += block.words
        for t in tokens:
            held[t] = held.get(t, 0) + block.words
    wrappers = {t for t, w in held.items() if total and w >= WRAPPER_SHARE * total}
    cleared = False
    for r, root in enumerate(roots):
        if root.tokens and not stays_boiler[r] and wrappers.issuperset(root.tokens):
            root.cleared = cleared = True
    if cleared:
        for block in page.blocks:
            r = block.root
            while r >= 0 and roots[r].cleared:
                r = roots[r].parent
            block.boiler = r >= 0
    return cleared


def _in_comments_only(page: Page, block: Block) -> bool:
    """The block is boilerplate only because it sits in a comment section (every boilerplate element around it
    is named as comments, replies or discussion)."""
    r = block.root
    if r < 0:
        return False
    while r >= 0:
        root = page.roots[r]
        if not root.cleared and not root.comments:
            return False
        r = root.parent
    return True


def _select_main(page: Page) -> None:
    """Mark main-text blocks: long, few links, outside boilerplate; headings and short lines between them."""
    blocks = page.blocks
    long_low_link = [b.words >= MAIN_MIN_WORDS and b.link_density <= MAIN_MAX_LINK_DENSITY for b in blocks]
    good = [ok and not b.boiler for b, ok in zip(blocks, long_low_link)]
    if sum(b.words for b, g in zip(blocks, good) if g) < COMMENTS_FALLBACK_WORDS:
        with_comments = [g or (ok and b.boiler and _in_comments_only(page, b))
                         for b, g, ok in zip(blocks, good, long_low_link)]
        if with_comments != good:
            good = with_comments
            page.reasons.append("comments_as_main_text")
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


def comment_text(page: Page) -> str:
    """The blocks that are boilerplate only because they sit in a comment section (`_in_comments_only`), outside
    the main text: what readers wrote under the article. Some extraction benchmarks' gold texts count comments
    (6% of the held-out fold's gold main-text words), so such a page spun in place by its gold text has spun
    comments; the spun-phrase pass may read them after the main text (`analyse_page(with_comments=)`). Computed
    only when asked, not for every parsed page."""
    return "\n".join(
        b.text for b in page.blocks
        if not b.main and b.boiler and b.words >= COMMENT_MIN_WORDS and b.link_density <= MAIN_MAX_LINK_DENSITY
        and _in_comments_only(page, b))


def is_bare_article(page: Page) -> bool:
    """The page is its article and nothing else: main text, not one link, and outside the main text at most
    a title's words (BARE_MAX_OTHER_WORDS) besides the article's own short paragraphs and headings
    (ARTICLE_PART_TAGS, not boilerplate). A text/plain body or a page of a title and paragraphs is bare,
    however short some of its paragraphs; a site's page, with its navigation, links and footer, is not (93
    of the corpus's 4,797 real pages have no link at all). The detector scores bare pages against their own
    threshold (`Detector.threshold_for`)."""
    if not page.main_text or page.n_links or any(b.links for b in page.blocks):
        return False
    return sum(b.words for b in page.blocks
               if not b.main and (b.boiler or b.tag not in ARTICLE_PART_TAGS)) <= BARE_MAX_OTHER_WORDS


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
