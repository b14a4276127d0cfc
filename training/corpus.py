"""The legitimate-page corpus in ../shared/corpus: pages, their site groups and ground-truth main text.

Pages of one site share templates, so train/test splits must be by site: every `CorpusPage` carries a
`site` grouping key, derived in this order (first that applies; recorded in `site_method`):

1. ``wcxb``: the benchmark's ``url_domain``.
2. ``dup_of``: a page the manifest marks as a duplicate takes the site of the page it duplicates.
   (CleanPortalEval: the domain its file name starts with, method ``filename``, comes first.)
3. ``header``: CleanEval / CleanPortalEval inputs start with ``<text id="URL" ...>``; the URL's domain.
4. ``canonical`` / ``og_url`` / ``base``: the domain of ``<link rel=canonical>``, ``<meta property=og:url>``
   or ``<base href>`` in the page itself.
5. ``filename``: a domain in the file name (CleanPortalEval ``bbc.co.uk_news_01``, newspaper
   ``247wallst.com1``, postlight ``www.nytimes.com``, newspaper4k ``yna_co_kr``).
6. ``links``: the dominant registered domain among the page's absolute ``href``/``src`` URLs (at least 5
   of them and 40 % of all, ignoring well-known third parties). Same-site pages reference the same
   asset hosts, so this groups them even when the key is a CDN name.
7. ``fallback``: ``source:dirname:file`` (one group per page), except mozilla-readability, whose test
   names group as ``mozilla-readability:<name without -N>`` (``yahoo-1``/``yahoo-2`` -> ``yahoo``).

Domains are reduced to the registered domain (``news.bbc.co.uk`` -> ``bbc.co.uk``) with ``tld``.
"""
from __future__ import annotations

import gzip
import html as html_lib
import json
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
FLAG_NAMES = ("rel_trailing_en", "widget_attr", "copyright_tail")


def shared_dir() -> Path | None:
    """The shared data dir: env ``UNSPUN_SHARED``, else ``<repo>/../shared``; None if it does not exist."""
    env = os.environ.get("UNSPUN_SHARED")
    path = Path(env) if env else REPO.parent / "shared"
    return path if path.is_dir() else None


@dataclass
class CorpusPage:
    """One legitimate page of the corpus and what we know about it."""

    path: Path                      # the .html.gz
    source: str                     # benchmark name (manifest ``source``)
    site: str                       # grouping key for splits (see module docstring)
    lang: str | None
    page_type: str | None           # WCXB page type, else None
    flags: dict[str, bool] = field(default_factory=dict)  # rel_trailing_en, widget_attr, copyright_tail
    gt: str | None = None           # ground-truth spec relative to the source folder (``file#key`` for JSON maps)
    gt_kind: str | None = None      # main_content, clean_text, article_text, article_html, expected_fields, product_fields
    site_method: str = "fallback"
    rel_path: str = ""              # path relative to corpus/pages
    sha1: str = ""


@dataclass
class Article:
    """One BBC News article (plain text)."""

    title: str
    text: str
    category: str
    file: str


# -- site keys -------------------------------------------------------------------------------------------------

_THIRD_PARTY = frozenset(
    "google.com googleapis.com gstatic.com google-analytics.com googletagmanager.com googlesyndication.com "
    "doubleclick.net googleadservices.com youtube.com ytimg.com facebook.com facebook.net fbcdn.net twitter.com "
    "twimg.com x.com instagram.com linkedin.com pinterest.com addthis.com sharethis.com disqus.com disquscdn.com "
    "w3.org schema.org ogp.me purl.org jquery.com cloudflare.com bootstrapcdn.com jsdelivr.net unpkg.com "
    "wordpress.org wordpress.com gravatar.com wp.com feedburner.com amazonaws.com akamaihd.net quantserve.com "
    "scorecardresearch.com outbrain.com taboola.com creativecommons.org adobe.com macromedia.com apple.com "
    "microsoft.com mozilla.org fakehost example.com example.org localhost typekit.net fonts.net "
    "chartbeat.com chartbeat.net newrelic.com nr-data.net omtrdc.net 2o7.net criteo.com yahoo.com".split()
)
_HEADER = re.compile(rb'<text\s+id="([^"]+)"', re.I)
_TAG_PATTERNS = (
    ("canonical", re.compile(rb"<link\b[^>]*\brel\s*=\s*[\"']?canonical[^>]*>", re.I)),
    ("og_url", re.compile(rb"<meta\b[^>]*\bproperty\s*=\s*[\"']?og:url[^>]*>", re.I)),
    ("base", re.compile(rb"<base\b[^>]*>", re.I)),
)
_ATTR_URL = re.compile(rb"\b(?:href|content)\s*=\s*[\"']?\s*(https?://[^\"'\s>]+)", re.I)
_ABS_URL = re.compile(rb"\b(?:href|src)\s*=\s*[\"']?\s*(?:https?:)?//([A-Za-z0-9.-]+)", re.I)
_DOMAIN_IN_NAME = re.compile(r"^((?:[a-z0-9-]+\.)+[a-z]{2,})(?:_|\d|$)", re.I)


def registered_domain(host_or_url: str) -> str | None:
    """``http://news.bbc.co.uk/x`` -> ``bbc.co.uk``; None for hosts that do not name a public site."""
    text = host_or_url.strip()
    host = urlsplit(text if "//" in text else "//" + text).hostname or ""
    host = host.strip(".").lower()
    if not host or "." not in host or re.fullmatch(r"[\d.]+", host):
        return None
    try:
        from tld import get_fld

        dom = get_fld(host, fix_protocol=True, fail_silently=True)
    except Exception:  # pragma: no cover - tld problems fall back to the last two labels
        dom = None
    if not dom:
        dom = ".".join(host.split(".")[-2:])
    return None if dom in _THIRD_PARTY else dom


def site_from_html(raw: bytes) -> tuple[str, str] | None:
    """(domain, method) from the page's own markup: CleanEval header, canonical, og:url, base href, links."""
    head = raw[:300_000]
    m = _HEADER.search(head[:2000])
    if m:
        dom = registered_domain(m.group(1).decode("latin-1"))
        if dom:
            return dom, "header"
    for method, pat in _TAG_PATTERNS:
        for tag in pat.finditer(head):
            u = _ATTR_URL.search(tag.group(0))
            if u:
                dom = registered_domain(u.group(1).decode("latin-1"))
                if dom:
                    return dom, method
    hosts = Counter()
    total = 0
    for u in _ABS_URL.finditer(raw):
        total += 1
        dom = registered_domain(u.group(1).decode("latin-1"))
        if dom:
            hosts[dom] += 1
    if hosts:
        dom, n = hosts.most_common(1)[0]
        if n >= 5 and n >= 0.4 * total:
            return dom, "links"
    return None


def site_from_filename(source: str, rel_path: str) -> str | None:
    """A domain spelled in the file name: ``bbc.co.uk_news_01``, ``247wallst.com1``, ``yna_co_kr``."""
    name = Path(rel_path).name
    for suffix in (".gz", ".html", ".htm"):
        name = name.removesuffix(suffix)
    m = _DOMAIN_IN_NAME.match(name)
    if m:
        return registered_domain(m.group(1))
    if source == "newspaper4k":
        m = re.match(r"^([a-z0-9]+(?:_[a-z0-9]+)*_(?:com|org|net|co_uk|co_kr|de|fr|kr|jp|in|au))(?:\d|$)", name)
        if m:
            return registered_domain(m.group(1).replace("_", "."))
    return None


def fallback_site(source: str, rel_path: str) -> str:
    """One group per page (``source:dirname:file``); readability test names group by their stem."""
    p = Path(rel_path)
    if source == "mozilla-readability":
        return "mozilla-readability:" + re.sub(r"-\d+$", "", p.parent.name)
    return f"{source}:{p.parent.name}:{p.name}"


# -- loading ---------------------------------------------------------------------------------------------------

def corpus_dir(shared: Path) -> Path:
    return Path(shared) / "corpus"


def load_manifest(shared: Path) -> list[dict]:
    with gzip.open(corpus_dir(shared) / "manifest.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_corpus(shared: Path, *, verbose: bool = True, sites: bool = True) -> list[CorpusPage]:
    """All usable corpus pages with their site keys (the synthetic readability fixtures are dropped).

    Deriving site keys reads every non-WCXB page (~10 s); ``sites=False`` skips that and gives each such
    page its fallback key (for quick listings, never for splitting)."""
    rows = load_manifest(shared)
    pages_dir = corpus_dir(shared) / "pages"
    kept = [r for r in rows if not r.get("synthetic_fixture")]
    dropped = len(rows) - len(kept)
    by_path: dict[str, CorpusPage] = {}
    pages: list[CorpusPage] = []
    deferred: list[tuple[CorpusPage, str]] = []
    for r in kept:
        rel = r["path"]
        source = r["source"]
        page = CorpusPage(
            path=pages_dir / rel, source=source, site="", lang=r.get("lang") or None,
            page_type=r.get("page_type"), flags={k: bool(r.get(k)) for k in FLAG_NAMES},
            gt=r.get("gt"), gt_kind=r.get("gt_kind"), rel_path=rel, sha1=r.get("sha1", ""),
        )
        if source == "wcxb" and r.get("url_domain"):
            page.site = registered_domain(r["url_domain"]) or r["url_domain"].lower()
            page.site_method = "wcxb"
        elif not sites:
            page.site = fallback_site(source, rel)
        elif r.get("dup_of"):
            deferred.append((page, r["dup_of"]))
        else:
            _assign_site(page)
        by_path[rel] = page
        pages.append(page)
    for page, original in deferred:
        orig = by_path.get(original)
        if orig is not None:
            page.site, page.site_method = orig.site, "dup_of"
        else:
            _assign_site(page)
    if verbose:
        methods = Counter(p.site_method for p in pages)
        print(f"corpus: {len(pages)} pages, dropped {dropped} synthetic fixtures, "
              f"{len({p.site for p in pages})} site groups (site keys by {dict(methods)})", file=sys.stderr)
    return pages


def _assign_site(page: CorpusPage) -> None:
    found = None
    if page.source in ("html-cleaning-dataset-merged",) and "CleanPortalEval" in page.rel_path:
        dom = site_from_filename(page.source, page.rel_path)
        found = (dom, "filename") if dom else None
    if found is None:
        try:
            found = site_from_html(read_html(page))
        except OSError:
            found = None
    if found is None:
        dom = site_from_filename(page.source, page.rel_path)
        found = (dom, "filename") if dom else None
    if found is None:
        found = (fallback_site(page.source, page.rel_path), "fallback")
    page.site, page.site_method = found


def read_html(page: CorpusPage) -> bytes:
    """The page's raw bytes (gunzipped)."""
    with gzip.open(page.path, "rb") as fh:
        return fh.read()


# -- ground truth ------------------------------------------------------------------------------------------------

_CE_MARKER = re.compile(r"^\s*<(p|h|l)>\s*", re.I)
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote", "tr", "td", "th",
               "dt", "dd", "figcaption", "section", "article", "header", "footer", "br", "table", "ul", "ol"}


def _clean_lines(lines: list[str]) -> str:
    out = [" ".join(line.split()) for line in lines]
    return "\n".join(line for line in out if line)


def clean_eval_text(raw: str) -> str:
    """CleanEval gold standard -> plain paragraphs: drop the ``URL:`` header, split at ``<p>``/``<h>``/``<l>``
    markers and join the hard-wrapped lines between them, unescape entities. Without markers (the Dragnet
    gold files) every non-empty line is a paragraph."""
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines = lines[1:]
    if lines and lines[0].startswith("URL:"):
        lines = lines[1:]
    has_markers = any(_CE_MARKER.match(line) for line in lines)
    paras: list[list[str]] = [[]]
    for line in lines:
        if has_markers:
            if _CE_MARKER.match(line):
                paras.append([_CE_MARKER.sub("", line)])
                continue
        else:
            paras.append([line])      # Dragnet gold: one paragraph per line, never hard-wrapped
            continue
        paras[-1].append(line)
    text = [html_lib.unescape(" ".join(p)) for p in paras]
    return _clean_lines(text)


def html_to_text(markup: str) -> str:
    """Readable text of an HTML fragment, one block element per line."""
    import lxml.html

    if not markup.strip():
        return ""
    root = lxml.html.fromstring(markup)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in ("script", "style"):
            el.text = ""
        elif el.tag in _BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
            el.text = "\n" + (el.text or "")
    return _clean_lines(root.text_content().split("\n"))


def _text_lines(raw: str) -> str:
    return _clean_lines(raw.replace("\r", "\n").split("\n"))


def read_main_text(page: CorpusPage) -> str | None:
    """Ground-truth main text as plain paragraphs separated by "\\n"; None when the source has none
    (product fields, postlight, pages without a gold file)."""
    if not page.gt or page.gt_kind in (None, "product_fields"):
        return None
    source_dir = page.path.parents[len(Path(page.rel_path).parts) - 2]
    gt_file, _, key = page.gt.partition("#")
    path = source_dir / gt_file
    if not path.exists():
        return None
    kind = page.gt_kind
    if kind == "main_content":
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        gt = data.get("ground_truth", data)
        text = gt.get("main_content") or ""
        return _text_lines(text) or None
    raw_bytes = gzip.open(path).read() if path.suffix == ".gz" else path.read_bytes()
    raw = raw_bytes.decode("utf-8", errors="replace")
    if kind == "clean_text":
        return clean_eval_text(raw) or None
    if kind == "article_text":
        return _text_lines(raw) or None
    if kind == "article_html":
        return html_to_text(raw) or None
    if kind == "expected_fields":
        data = json.loads(raw)
        if key:
            data = data.get(key, {})
        fields = data.get("expected", data)
        return _text_lines(fields.get("cleaned_text") or "") or None
    return None


def load_bbc(shared: Path) -> list[Article]:
    """The 2,225 BBC News articles of ``text/bbc.jsonl.gz``."""
    out = []
    with gzip.open(corpus_dir(shared) / "text" / "bbc.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                out.append(Article(title=d.get("title", ""), text=d.get("text", ""),
                                   category=d.get("category", ""), file=d.get("file", "")))
    return out


def summary(shared: Path) -> dict[str, dict[str, int]]:
    """Per source: pages, pages with usable ground-truth text, and site groups (for README/report numbers)."""
    pages = load_corpus(shared)
    out: dict[str, dict[str, int]] = {}
    for p in pages:
        row = out.setdefault(p.source, {"pages": 0, "main_text": 0, "sites": 0})
        row["pages"] += 1
        text = read_main_text(p)
        if text and len(text.split()) >= 5:
            row["main_text"] += 1
    for source in out:
        out[source]["sites"] = len({p.site for p in pages if p.source == source})
    return out


if __name__ == "__main__":
    root = shared_dir()
    if root is None:
        raise SystemExit("../shared is absent; set UNSPUN_SHARED")
    for name, row in sorted(summary(root).items()):
        print(f"{name:45s} pages={row['pages']:5d} main_text={row['main_text']:5d} sites={row['sites']:5d}")
