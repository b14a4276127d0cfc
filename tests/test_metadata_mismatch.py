"""metadata_mismatch: a synonym swapped into a passage the page's own metadata repeats word for word.

Each rule has a positive fixture and a near miss. The pages are written here; the inverse thesaurus is
a small hand-made table (tests/tablekit.py)."""
from __future__ import annotations

import json

import pytest

from model.page import MAX_METADATA_CHARS, parse_page
from model.signals import metadata_mismatch as M
from model.signals.spun_phrases import analysed_text
from tablekit import small_tables

LEDE = ("The Prime Minister said on Sunday that the talks with the delegation would resume next week after "
        "a pause of several months.")
REST = ("Officials from both sides met in the capital for several hours and agreed on a schedule for the "
        "coming meetings. The visit follows months of tension between the two governments over security "
        "and trade, according to people familiar with the discussions, who asked not to be named.")
TABLES = small_tables({"key": ["prime", "chief"], "stated": ["said"], "discussions": ["talks"]})


def _page(body_lede: str, *, description: str | None = LEDE, title: str = "Talks to resume next week",
          jsonld: dict | None = None, rest: str = REST) -> str:
    head = f"<title>{title}</title>"
    if description is not None:
        head += f'<meta name="description" content="{description}">'
    if jsonld is not None:
        head += f'<script type="application/ld+json">{json.dumps(jsonld)}</script>'
    return (f"<html><head>{head}</head><body><article><h1>{title}</h1><p>{body_lede}</p><p>{rest}</p>"
            f"</article></body></html>")


def _run(html: str, tables=TABLES, english: bool = True):
    page = parse_page(html)
    return M.compute(page, *analysed_text(page.main_text), tables, english=english)


def test_a_thesaurus_swap_against_the_description_fires_with_the_original_as_suggestion():
    feats, sig = _run(_page(LEDE.replace("Prime Minister", "Key Minister")))
    assert sig.fired and sig.reason == "synonyms_swapped_against_metadata"
    assert feats["meta_substitutions"] == 1 and feats["meta_thesaurus_substitutions"] == 1
    (ev,) = sig.evidence
    main = parse_page(_page(LEDE.replace("Prime Minister", "Key Minister"))).main_text
    assert main[ev.start:ev.end] == ev.text == "Key"
    assert ev.suggestion == "Prime" and ev.detail == "differs_from_description"


def test_near_miss_a_word_for_word_copy_does_not_fire():
    feats, sig = _run(_page(LEDE))
    assert not sig.fired and sig.reason == "matches_metadata"
    assert feats["meta_substitutions"] == 0 and feats["meta_aligned_words"] >= len(LEDE.split()) - 1


def test_a_swap_the_thesaurus_does_not_know_counts_but_fires_only_with_more():
    one = LEDE.replace("resume", "restart")
    feats, sig = _run(_page(one))
    assert feats["meta_substitutions"] == 1 and feats["meta_thesaurus_substitutions"] == 0
    assert not sig.fired and sig.reason == "metadata_differs_in_a_few_words"
    three = one.replace("delegation", "mission").replace("several", "many")
    feats, sig = _run(_page(three))
    assert feats["meta_substitutions"] == 3 and sig.fired and sig.reason == "words_swapped_against_metadata"


def test_near_miss_an_edited_lede_differs_by_cuts_and_insertions_not_swaps():
    shortened = "The Prime Minister said on Sunday that the talks would resume next week…"
    feats, sig = _run(_page(LEDE.replace("after a pause", "in the capital after a long pause"), description=shortened))
    assert feats["meta_substitutions"] == 0 and not sig.fired


@pytest.mark.parametrize("written,original", [
    ("2,000 officials", "3,000 officials"),          # an updated figure (both read as a number)
    ("nine officials", "9 officials"),               # a figure in words against digits (the NUM rule)
    ("e-mail", "email"),                            # a spelling variant
    ("resuming", "resume"),                          # the same word inflected
])
def test_near_miss_numbers_spellings_and_inflections_are_not_swaps(written, original):
    body = LEDE.replace("resume next week", f"resume next week {written} said")
    desc = LEDE.replace("resume next week", f"resume next week {original} said")
    feats, sig = _run(_page(body, description=desc))
    assert feats["meta_substitutions"] == 0 and not sig.fired


@pytest.mark.parametrize("written,original,swaps", [
    ("nine officials", "9 officials", 0),           # near miss: a figure in words against its digit
    ("Key Minister", "Prime Minister", 1),          # a swap still counts beside the digits of small numbers
])
def test_tables_with_small_numbers_still_do_not_count_numbers_as_swaps(written, original, swaps):
    tables = small_tables({"key": ["prime"]})
    tables.description_["small_numbers"] = True     # "9" is a word of its own (`model.tokens.tokenize`)
    body = LEDE.replace("resume next week", f"resume next week, 9 of {written} said")
    desc = LEDE.replace("resume next week", f"resume next week, 9 of {original} said")
    page = parse_page(_page(body, description=desc))
    feats, _ = M.compute(page, *analysed_text(page.main_text, True), tables)
    assert feats["meta_substitutions"] == swaps and feats["meta_aligned_words"] >= len(LEDE.split())


def test_a_longer_word_that_starts_with_the_original_is_a_swap_when_it_is_a_word():
    # "towards" for "to", "inside" for "in": spinners' function-word swaps, once dropped as run-togethers
    tables = small_tables({}, zipf={"towards": 5.0, "inside": 5.1})
    lede = LEDE.replace("with the delegation", "to the delegation in the capital")
    body = lede.replace("to the delegation in", "towards the delegation inside")
    feats, _ = _run(_page(body, description=lede), tables=tables)
    assert feats["meta_substitutions"] == 2


def test_near_miss_words_run_together_where_the_markup_had_a_break_are_not_swaps():
    # a heading and the next word without their break ("WeekThe" where the description has "The")
    tables = small_tables({}, zipf={"the": 7.7, "week": 5.5})
    body = LEDE.replace("Sunday that the talks", "Sunday that weekthe talks")
    feats, _ = _run(_page(body), tables=tables)
    assert feats["meta_substitutions"] == 0
    assert M._same_spelling(["the"], ["weekthe"]) and not M._same_spelling(["to"], ["towards"], lambda w: True)


def test_a_two_word_spun_form_and_an_original_of_two_words_align():
    body = LEDE.replace("said on Sunday", "stated on Sunday").replace("the talks", "the discussions")
    feats, sig = _run(_page(body))
    assert feats["meta_thesaurus_substitutions"] == 2
    assert [(e.text, e.suggestion) for e in sig.evidence] == [("stated", "said"), ("discussions", "talks")]


def test_jsonld_article_body_is_compared_beyond_the_lede():
    body_rest = REST.replace("according to people", "according to persons")
    page = _page(LEDE, description=None, rest=body_rest,
                 jsonld={"@type": "NewsArticle", "headline": "Talks to resume next week",
                         "articleBody": f"<p>{LEDE}</p> <p>{REST}</p>"})
    feats, sig = _run(page)
    assert feats["meta_substitutions"] == 1
    (ev,) = sig.evidence
    assert (ev.text, ev.suggestion, ev.detail) == ("persons", "people", "differs_from_jsonld_articlebody")


def test_near_miss_metadata_about_something_else_is_not_aligned():
    feats, sig = _run(_page(LEDE, description="Read the latest news, sport and weather from our newsroom."))
    assert feats["meta_aligned_words"] == 0 and sig.reason == "metadata_not_in_main_text"


def test_not_english_gives_no_figures_and_no_page_without_metadata_fires():
    feats, sig = _run(_page(LEDE.replace("Prime", "Key")), english=False)
    assert sig.reason == "not_english" and all(v != v for v in feats.values())
    feats, sig = _run(f"<html><body><p>{LEDE}</p><p>{REST}</p></body></html>")
    assert not sig.fired and sig.reason == "no_metadata" and feats["meta_aligned_words"] == 0


def test_without_tables_swaps_are_counted_but_none_is_a_thesaurus_one():
    feats, sig = _run(_page(LEDE.replace("Prime Minister", "Key Minister")), tables=None)
    assert feats["meta_substitutions"] == 1 and feats["meta_thesaurus_substitutions"] == 0 and not sig.fired


def test_page_metadata_sources_decoding_and_bounds():
    jsonld = ('{"headline": "Talks \\u201cto resume\\u201d", "description": "bad \\q escape", '
              '"articleBody": "<p>One &amp; two</p><p>three</p>"}')
    html = (f'<html><head><title>T</title><meta property="og:description" content="A &amp; B">'
            f'<meta name="twitter:title" content="  ">'
            f'<script type="application/ld+json">{jsonld}</script></head><body><p>x</p></body></html>')
    meta = dict(parse_page(html).metadata)
    assert meta == {"title": "T", "og_description": "A & B", "jsonld_headline": "Talks \u201cto resume\u201d",
                    "jsonld_articlebody": "One & two three"}      # invalid escapes and blank values dropped
    long_body = json.dumps({"articleBody": "word " * (MAX_METADATA_CHARS // 2)})
    page = parse_page(f'<html><head><script type="application/ld+json">{long_body}</script></head><body></body></html>')
    (source, text), = page.metadata
    assert source == "jsonld_articlebody" and len(text) <= MAX_METADATA_CHARS
    unterminated = '<html><head><script type="application/ld+json">{"articleBody": "never closed</script></head></html>'
    assert parse_page(unterminated).metadata == ()
    assert parse_page("plain text, no markup").metadata == ()


def _state_page(body_lede: str, state: object, *, rest: str = REST, attrs: str = 'id="__NEXT_DATA__" '
                'type="application/json"') -> str:
    """A page with no head metadata whose inline script holds the site's state (`state`, as JSON)."""
    return (f"<html><head><title>Talks</title></head><body><article><p>{body_lede}</p><p>{rest}</p></article>"
            f"<script {attrs}>{json.dumps(state)}</script></body></html>")


STATE = {"props": {"pageProps": {"id": 7, "slug": "talks-to-resume", "related": ["Other story title here"],
                                 "content": [{"type": "p", "html": f"<p>{LEDE}</p>"},
                                             {"type": "p", "html": f"<p>{REST}</p>"}]}}}


def test_a_swap_against_the_articles_copy_in_the_sites_script_state_is_evidence():
    feats, sig = _run(_state_page(LEDE.replace("Prime Minister", "Key Minister"), STATE))
    assert feats["meta_substitutions"] == 1 and feats["meta_thesaurus_substitutions"] == 1 and sig.fired
    (ev,) = sig.evidence
    assert (ev.text, ev.suggestion, ev.detail) == ("Key", "Prime", "differs_from_script_text")
    # the whole article is aligned, its second paragraph too, and the script's other strings are not kept
    assert feats["meta_aligned_words"] >= len((LEDE + " " + REST).split()) - 2
    assert dict(parse_page(_state_page(LEDE, STATE)).metadata)["script_text"] == f"{LEDE}\n{REST}"


def test_near_miss_a_script_state_that_matches_the_text_or_is_about_something_else_finds_nothing():
    feats, sig = _run(_state_page(LEDE, STATE))
    assert feats["meta_substitutions"] == 0 and not sig.fired and sig.reason == "matches_metadata"
    other = {"items": ["Officials from the league met the clubs on Monday and agreed a date for the final.",
                       "The club's visit to the capital follows a long dispute over the transfer fee."]}
    assert "script_text" not in dict(parse_page(_state_page(LEDE, other)).metadata)


def test_a_script_is_read_only_with_two_of_the_main_texts_word_runs():
    one_run = {"text": "the talks with the delegation would resume, officials in the capital said today"}
    assert "script_text" not in dict(parse_page(_state_page(LEDE, one_run)).metadata)
    external = '<script src="/app.js">{"x": "%s"}</script>' % LEDE
    html = _state_page(LEDE, {}).replace("</body>", external + "</body>")
    assert "script_text" not in dict(parse_page(html).metadata)


def test_a_json_document_inside_a_json_string_is_decoded_twice():
    inner = json.dumps({"body": f"<p>{LEDE}</p>\n<p>{REST}</p>"})
    page = parse_page(_state_page(LEDE, {"apolloState": inner}, attrs=""))
    text = dict(page.metadata)["script_text"]
    assert "\\" not in text and LEDE in text and REST in text
    feats, sig = _run(_state_page(LEDE.replace("said", "stated"), {"apolloState": inner}, attrs=""))
    assert [(e.text, e.suggestion, e.detail) for e in sig.evidence] == [("stated", "said", "differs_from_script_text")]


def test_script_reading_is_bounded_in_characters_and_in_prose_strings(monkeypatch):
    import model.page as page_module
    filler = ["one two three four five six seven"] * 30
    html = _state_page(LEDE, {"filler": filler, "content": [LEDE, REST]})
    assert "script_text" in dict(parse_page(html).metadata)
    monkeypatch.setattr(page_module, "SCRIPT_MAX_PROSE", 20)     # the copy comes after 30 other prose strings
    assert "script_text" not in dict(parse_page(html).metadata)
    monkeypatch.setattr(page_module, "SCRIPT_MAX_PROSE", 5_000)
    monkeypatch.setattr(page_module, "MAX_SCRIPT_CHARS", 500)    # a script longer than the budget is skipped
    assert "script_text" not in dict(parse_page(html).metadata)
    monkeypatch.setattr(page_module, "MAX_SCRIPT_CHARS", 4_000_000)
    huge = f"<p>{LEDE}</p><p>{REST}</p>" + "<p>more words here</p>" * 10_000   # one string of 240,000 characters
    text = dict(parse_page(_state_page(LEDE, {"body": huge})).metadata)["script_text"]
    assert text.startswith(LEDE) and len(text) <= MAX_METADATA_CHARS     # its head is read, not all of it
    small = _state_page(LEDE, {"content": [LEDE]}, rest="")
    assert "script_text" in dict(parse_page(small.replace("</body>", "<script>x</script></body>")).metadata)
