"""Property-based fuzzing of the pure core: decoding, parsing and every signal take any bytes."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.decode import decode_html
from model.lang import detect_language
from model.page import parse_page
from model.signals import content_stats, copyright_residue, metadata_mismatch, spun_phrases, trailing_links

TAGS = ["<div>", "</div>", "<p>", "</p>", "<a href='x'>", "</a>", "<h3>More Stories</h3>", "<ul><li>", "</li></ul>",
        "<script>", "</script>", "<!--", "-->", "<?php ?>", "<br>", "&copy;", "&#xFFFF;", "\x00", "©", "<meta charset=utf-16>",
        "<nav class='menu'>", "</nav>", "Copyright 2020 Dow Jones & Firm, Inc. All Legal rights Reserved. ",
        "87990cbe856818d5eddac44c7b1cdeb8", "three,000 ", "Key Minister ",
        "<meta name='description' content='The Prime Minister said on Sunday'>",
        "<script type='application/ld+json'>{\"articleBody\": \"The Prime Minister \\u00e9 said", "\"}</script>"]
html_like = st.lists(st.one_of(st.sampled_from(TAGS), st.text(max_size=40)), max_size=60).map("".join)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _all_signals(text: str) -> None:
    page = parse_page(text)
    lang, english = detect_language(page.main_text)
    spun_phrases.compute(page.main_text, None, english=lang == "en")
    metadata_mismatch.compute(page, *spun_phrases.analysed_text(page.main_text), None, english=lang == "en")
    trailing_links.compute(page)
    copyright_residue.compute(page)
    content_stats.compute(page, english)


@SETTINGS
@given(st.binary(max_size=3000), st.one_of(st.none(), st.sampled_from(
    ["text/html", "text/html; charset=utf-16", "text/html; charset=bogus", "text/html; charset=shift_jis"])))
def test_any_bytes_decode(data, content_type):
    text, encoding = decode_html(data, content_type)
    assert isinstance(text, str) and isinstance(encoding, str)


@SETTINGS
@given(st.binary(max_size=3000))
def test_any_bytes_parse_and_signal(data):
    _all_signals(decode_html(data)[0])


@SETTINGS
@given(html_like)
def test_markup_soup_parses_and_signals(text):
    _all_signals(text)


@SETTINGS
@given(html_like)
def test_markup_soup_gets_a_verdict_from_the_bundled_model(text):
    import pytest

    from model import Detector, InputError
    from model.detector import DEFAULT_MODEL_DIR

    if not (DEFAULT_MODEL_DIR / "unspun.joblib").exists():
        pytest.skip("no bundled model")
    det = _detector(Detector)
    try:
        v = det.score(text.encode("utf-8", "surrogatepass"))
    except InputError as exc:
        assert exc.code == "empty_document" and not text
        return
    assert 0.0 <= v.score <= 1.0 and v.verdict in ("spam", "ham")


_CACHE: dict = {}


def _detector(cls):
    if "d" not in _CACHE:
        _CACHE["d"] = cls.load()
    return _CACHE["d"]
