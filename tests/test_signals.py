"""Each rule has a positive fixture and a near-miss negative one."""
from model.page import parse_page
from model.signals import CATALOGUE, FEATURE_NAMES, copyright_residue, trailing_links


def _page(fixture_bytes, name):
    return parse_page(fixture_bytes(name).decode())


def test_catalogue_names_are_stable():
    assert set(CATALOGUE) == {"spun_phrases", "metadata_mismatch", "trailing_links", "copyright_residue",
                              "content_stats"}
    assert len(FEATURE_NAMES) == len(set(FEATURE_NAMES))


def test_trailing_links_fire_on_off_topic_spam_block(fixture_bytes):
    feats, sig = trailing_links.compute(_page(fixture_bytes, "farm_page.html"))
    assert sig.fired and sig.reason == "off_topic_links"
    assert feats["tl_heading_match"] == 1.0 and feats["tl_offtopic"] > 0.8
    assert any(e.detail == "spammy_title" for e in sig.evidence)


def test_trailing_links_do_not_fire_on_related_on_topic_block(fixture_bytes):
    feats, sig = trailing_links.compute(_page(fixture_bytes, "legit_news.html"))
    assert feats["tl_has_block"] == 1.0          # the block is seen...
    assert not sig.fired                           # ...but it is on topic
    assert feats["tl_offtopic"] < 0.5


def test_copyright_residue_fires_on_spun_foreign_boilerplate(fixture_bytes):
    feats, sig = copyright_residue.compute(_page(fixture_bytes, "farm_page.html"))
    assert sig.fired
    assert feats["cr_spun_boilerplate"] >= 1 and feats["cr_orphan_hash"] >= 1
    assert {"spun_boilerplate", "orphan_hash"} <= {e.detail for e in sig.evidence}


def test_copyright_residue_silent_on_own_copyright(fixture_bytes):
    feats, sig = copyright_residue.compute(_page(fixture_bytes, "legit_news.html"))
    assert not sig.fired
    assert feats["cr_copyright_lines"] == 1 and feats["cr_foreign_copyright"] == 0


def test_hash_inside_url_is_not_an_orphan_hash():
    html = ("<p>See https://cdn.example/img/3f9c2b8e1d7a4c6b9e0f2a1d3c5b7e9f.jpg for the picture of the harbour "
            "and the new terminal building.</p>")
    feats, _ = copyright_residue.compute(parse_page(html))
    assert feats["cr_orphan_hash"] == 0
