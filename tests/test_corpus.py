"""Corpus loading (training/corpus.py): site keys, ground-truth formats, and the real corpus when present."""
from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from training.corpus import (
    CorpusPage, clean_eval_text, fallback_site, html_to_text, load_bbc, load_corpus, read_html, read_main_text,
    registered_domain, shared_dir, site_from_filename, site_from_html,
)

SHARED = shared_dir()
needs_shared = pytest.mark.skipif(SHARED is None, reason="../shared is absent (set UNSPUN_SHARED)")


# -- shared_dir ------------------------------------------------------------------------------------------------------

def test_shared_dir_env_and_absent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNSPUN_SHARED", str(tmp_path))
    assert shared_dir() == tmp_path
    monkeypatch.setenv("UNSPUN_SHARED", str(tmp_path / "missing"))
    assert shared_dir() is None


# -- site keys ---------------------------------------------------------------------------------------------------------

def test_registered_domain() -> None:
    assert registered_domain("http://news.bbc.co.uk/news/x") == "bbc.co.uk"
    assert registered_domain("WWW.Example-News.com:8080") == "example-news.com"
    assert registered_domain("http://fakehost/test/page.html") is None
    assert registered_domain("http://192.168.0.1/") is None
    assert registered_domain("https://www.facebook.com/sharer") is None      # third party, not a site key


def test_site_from_html_sources() -> None:
    assert site_from_html(b'<text id="http://blog.harbor-times.org/2007/01/x.html" title="t">\n<html>') == \
        ("harbor-times.org", "header")
    canon = b'<html><head><link href="https://www.dailyledger.com/a/b" rel="canonical"></head>'
    assert site_from_html(canon) == ("dailyledger.com", "canonical")
    og = b'<meta property="og:url" content="http://m.prairiepost.net/story/1">'
    assert site_from_html(og) == ("prairiepost.net", "og_url")
    links = b"".join(b'<img src="//img.riverbend-news.com/%d.jpg">' % i for i in range(6)) + \
        b'<a href="https://twitter.com/share">t</a><script src="https://www.google-analytics.com/ga.js"></script>'
    assert site_from_html(links) == ("riverbend-news.com", "links")


def test_site_from_html_near_misses() -> None:
    # too few own links, or only third parties: no key
    few = b"".join(b'<img src="//img.riverbend-news.com/%d.jpg">' % i for i in range(3))
    assert site_from_html(few) is None
    third = b"".join(b'<a href="https://www.facebook.com/p/%d">f</a>' % i for i in range(10))
    assert site_from_html(third) is None
    # a canonical tag pointing at a placeholder host is skipped
    assert site_from_html(b'<link rel="canonical" href="http://fakehost/x">') is None


def test_site_from_filename_and_fallback() -> None:
    assert site_from_filename("html-cleaning-dataset-merged", "CleanPortalEval/input/bbc.co.uk_news_01.html.gz") == \
        "bbc.co.uk"
    assert site_from_filename("newspaper", "newspaper/html/247wallst.com1.html.gz") == "247wallst.com"
    assert site_from_filename("postlight-parser", "fixtures/www.nytimes.com.html.gz") == "nytimes.com"
    assert site_from_filename("newspaper4k", "html/yna_co_kr.html.gz") == "yna.co.kr"
    assert site_from_filename("newspaper4k", "html/arabic_article.html.gz") is None
    assert site_from_filename("goose3", "content/test_aolNews.html.gz") is None
    assert fallback_site("mozilla-readability", "mozilla-readability/test-pages/yahoo-3/source.html.gz") == \
        "mozilla-readability:yahoo"
    assert fallback_site("goose3", "goose3/content/test_x.html.gz") == "goose3:content:test_x.html.gz"


# -- ground-truth formats ------------------------------------------------------------------------------------------------

def test_clean_eval_markers() -> None:
    raw = ("\nURL: http://example-town.org/news/1\n<h>Town fair opens\n \n<p>The annual fair opened on\n"
           " Saturday with   record crowds.\n\n<p>Organisers said it&#039;s the biggest yet &amp; growing.\n"
           "<l>  * Rides\n<l>  * Food stalls\n")
    assert clean_eval_text(raw) == ("Town fair opens\nThe annual fair opened on Saturday with record crowds.\n"
                                    "Organisers said it's the biggest yet & growing.\n* Rides\n* Food stalls")


def test_clean_text_without_markers_is_one_paragraph_per_line() -> None:
    raw = "Headline here\nJuly 1, 2012\n\nFirst paragraph, all on one line.\n\n\nSecond &amp; last."
    assert clean_eval_text(raw) == "Headline here\nJuly 1, 2012\nFirst paragraph, all on one line.\nSecond & last."


def test_html_to_text_blocks() -> None:
    frag = ('<div id="readability-page-1"><h2>Title</h2><p>One <a href="#">linked</a> word.</p>'
            '<ul><li>first</li><li>second</li></ul><script>var x=1;</script><p>Last&nbsp;line</p></div>')
    assert html_to_text(frag) == "Title\nOne linked word.\nfirst\nsecond\nLast line"


def _fake_shared(tmp: Path) -> Path:
    """A miniature shared/corpus with one page of every ground-truth kind (all text invented here)."""
    pages = tmp / "corpus" / "pages"
    rows = []

    def add(rel: str, html: str, **row) -> None:
        p = pages / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(gzip.compress(html.encode()))
        base = {"path": rel, "source": rel.split("/")[0], "lang": "en", "sha1": "x"}
        base.update(row)
        rows.append(base)

    def put(rel: str, data: bytes) -> None:
        p = pages / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)

    add("wcxb/dev/html/0001.html.gz", "<p>w</p>", gt="dev/ground-truth/0001.json.gz", gt_kind="main_content",
        url_domain="www.greenvalley.com", page_type="article", rel_trailing_en=True, copyright_tail=True)
    put("wcxb/dev/ground-truth/0001.json.gz",
        gzip.compress(json.dumps({"ground_truth": {"main_content": "Para one.\n\nPara two."}}).encode()))
    add("html-cleaning-dataset-merged/cleaneval-dev/input/1.html.gz",
        '<text id="http://www.hilltop-gazette.com/a" title="x">\n<html><p>x</p></html>',
        gt="cleaneval-dev/GoldStandard/1.txt", gt_kind="clean_text")
    put("html-cleaning-dataset-merged/cleaneval-dev/GoldStandard/1.txt", b"URL: http://x\n<p>Gold text\n here.\n")
    add("newspaper/html/lakesidecourier.com1.html.gz", "<html><p>n</p></html>", gt="text/lakesidecourier.com1.txt",
        gt_kind="article_text")
    put("newspaper/text/lakesidecourier.com1.txt", b"Line one.\n\n\nLine two.\n")
    add("mozilla-readability/test-pages/harbor-2/source.html.gz", "<html><p>r</p></html>",
        gt="test-pages/harbor-2/expected.html.gz", gt_kind="article_html")
    put("mozilla-readability/test-pages/harbor-2/expected.html.gz", gzip.compress(b"<div><p>Readable.</p><p>Two.</p></div>"))
    add("mozilla-readability/test-pages/001/source.html.gz", "<p>s</p>", gt="test-pages/001/expected.html.gz",
        gt_kind="article_html", synthetic_fixture=True)
    add("goose3/content/test_x.html.gz", '<link rel="canonical" href="https://www.summitreport.com/x">',
        gt="content/test_x.json", gt_kind="expected_fields")
    put("goose3/content/test_x.json", json.dumps({"url": "u", "expected": {"cleaned_text": "Goose text.\nMore."}}).encode())
    add("goose3/content/test_y.html.gz", "<p>duplicate</p>", gt="content/test_x.json", gt_kind="expected_fields",
        dup_of="goose3/content/test_x.html.gz")
    add("scrapinghub-product-extraction-benchmark/html/ab.html.gz", "<p>shop</p>", gt="ground-truth.json#ab",
        gt_kind="product_fields")
    add("postlight-parser/fixtures/www.pinecrestpost.com.html.gz", "<p>pl</p>", gt=None, gt_kind=None)
    (tmp / "corpus" / "manifest.jsonl.gz").write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode()))
    (tmp / "corpus" / "text").mkdir()
    (tmp / "corpus" / "text" / "bbc.jsonl.gz").write_bytes(gzip.compress(
        (json.dumps({"category": "tech", "file": "001.txt", "title": "Chips get faster", "text": "Body."}) + "\n").encode()))
    return tmp


def test_load_corpus_on_a_miniature(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shared = _fake_shared(tmp_path)
    pages = load_corpus(shared)
    err = capsys.readouterr().err
    assert "dropped 1 synthetic" in err and "site groups" in err
    by = {p.rel_path.split("/")[-1]: p for p in pages}
    assert "source.html.gz" in by and len(pages) == 8           # the synthetic fixture is gone
    assert by["0001.html.gz"].site == "greenvalley.com" and by["0001.html.gz"].page_type == "article"
    assert by["0001.html.gz"].flags == {"rel_trailing_en": True, "widget_attr": False, "copyright_tail": True}
    assert (by["1.html.gz"].site, by["1.html.gz"].site_method) == ("hilltop-gazette.com", "header")
    assert by["lakesidecourier.com1.html.gz"].site == "lakesidecourier.com"
    assert by["source.html.gz"].site == "mozilla-readability:harbor"
    assert (by["test_x.html.gz"].site, by["test_x.html.gz"].site_method) == ("summitreport.com", "canonical")
    assert (by["test_y.html.gz"].site, by["test_y.html.gz"].site_method) == ("summitreport.com", "dup_of")
    assert by["www.pinecrestpost.com.html.gz"].site == "pinecrestpost.com"
    texts = {k: read_main_text(p) for k, p in by.items()}
    assert texts["0001.html.gz"] == "Para one.\nPara two."
    assert texts["1.html.gz"] == "Gold text here."
    assert texts["lakesidecourier.com1.html.gz"] == "Line one.\nLine two."
    assert texts["source.html.gz"] == "Readable.\nTwo."
    assert texts["test_x.html.gz"] == "Goose text.\nMore."
    assert texts["ab.html.gz"] is None and texts["www.pinecrestpost.com.html.gz"] is None
    assert read_html(by["test_y.html.gz"]) == b"<p>duplicate</p>"
    quick = {p.rel_path.split("/")[-1]: p for p in load_corpus(shared, verbose=False, sites=False)}
    assert quick["0001.html.gz"].site == "greenvalley.com"        # WCXB keys need no page reads
    assert quick["test_x.html.gz"].site == "goose3:content:test_x.html.gz"
    arts = load_bbc(shared)
    assert [(a.title, a.category, a.file) for a in arts] == [("Chips get faster", "tech", "001.txt")]


def test_missing_gold_file_gives_none(tmp_path: Path) -> None:
    page = CorpusPage(path=tmp_path / "newspaper" / "html" / "a.html.gz", source="newspaper", site="s", lang="en",
                      page_type=None, gt="text/a.txt", gt_kind="article_text", rel_path="newspaper/html/a.html.gz")
    assert read_main_text(page) is None


# -- the real corpus -------------------------------------------------------------------------------------------------------

@needs_shared
def test_real_corpus_loads_every_source() -> None:
    pages = load_corpus(SHARED, verbose=False)
    assert len(pages) == 4797 - 36
    sources = Counter(p.source for p in pages)
    assert set(sources) == {"wcxb", "html-cleaning-dataset-merged", "scrapinghub-product-extraction-benchmark",
                            "newspaper", "newspaper4k", "mozilla-readability", "postlight-parser", "goose3"}
    ok: Counter[str] = Counter()
    for p in pages:
        if p.gt_kind in (None, "product_fields"):
            continue
        text = read_main_text(p)
        if text and len(text.split()) >= 5:
            ok[p.source] += 1
    minimum = {"wcxb": 1800, "html-cleaning-dataset-merged": 2100, "newspaper": 130, "newspaper4k": 20,
               "mozilla-readability": 90, "goose3": 45}
    for source, n in minimum.items():
        assert ok[source] >= n, (source, ok[source])
    groups = Counter(p.site for p in pages)
    assert len(groups) > 2000
    bbc_portal = {p.site for p in pages if "CleanPortalEval/input/bbc.co.uk_news" in p.rel_path}
    assert bbc_portal == {"bbc.co.uk"}
    assert sum(p.site_method == "fallback" for p in pages) < 200
    sample = next(p for p in pages if p.gt_kind == "clean_text")
    text = read_main_text(sample)
    assert text and not text.startswith("URL:") and "<p>" not in text


@needs_shared
def test_real_bbc() -> None:
    arts = load_bbc(SHARED)
    assert len(arts) == 2225
    assert {a.category for a in arts} == {"business", "entertainment", "politics", "sport", "tech"}
    assert all(a.title and len(a.text.split()) > 50 for a in arts[::50])
