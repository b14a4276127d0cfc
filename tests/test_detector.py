"""The bundled model end to end: the seed is spam with all three tells, near misses are ham."""
from __future__ import annotations

import json
import shutil

import pytest

from model import ArtifactError, Detector, InputError
from model.detector import DEFAULT_MODEL_DIR

pytestmark = pytest.mark.skipif(not (DEFAULT_MODEL_DIR / "unspun.joblib").exists(), reason="no bundled model")


def test_seed_is_spam_with_all_three_tells(detector, shared):
    seed = (shared / "seeds" / "000_27933aabe9871010.txt").read_bytes()
    v = detector.score(seed)
    assert v.verdict == "spam", v.to_dict()
    assert {"spun_phrases", "trailing_links", "copyright_residue"} <= set(v.fired)
    by_name = {s.name: s for s in v.signals}
    assert any(e.suggestion for e in by_name["spun_phrases"].evidence)
    assert any(e.detail == "heading" and e.text == "More Stories" for e in by_name["trailing_links"].evidence)
    assert any(e.detail == "orphan_hash" for e in by_name["copyright_residue"].evidence)


def test_farm_fixture_is_spam(detector, fixture_bytes):
    v = detector.score(fixture_bytes("farm_page.html"))
    assert v.verdict == "spam" and v.score >= v.threshold


def test_legit_news_with_own_copyright_and_on_topic_more_stories_is_ham(detector, fixture_bytes):
    v = detector.score(fixture_bytes("legit_news.html"), url="https://www.lakesidegazette.example/news/ferry")
    assert v.verdict == "ham", v.to_dict()
    assert "trailing_links" not in v.fired and "copyright_residue" not in v.fired


def test_threshold_override_changes_only_the_verdict(detector, fixture_bytes):
    page = fixture_bytes("legit_news.html")
    low = detector.score(page, threshold=0.0)
    high = detector.score(page, threshold=1.0)
    assert low.score == high.score and low.verdict == "spam" and high.verdict == "ham"


def test_non_english_page_says_so(detector):
    html = ("<html lang=de><body><p>" + "Der Rat der Stadt hat am Dienstag den neuen Hafen genehmigt, und die "
            "Bürger sind mit dem Plan nicht zufrieden, weil er zu teuer ist. " * 6 + "</p></body></html>")
    v = detector.score(html.encode())
    assert v.language == "de" and "not_english" in v.reasons
    assert {s.name: s for s in v.signals}["spun_phrases"].reason == "not_english"


def test_empty_page_is_an_input_error(detector):
    with pytest.raises(InputError) as exc:
        detector.score(b"")
    assert exc.value.code == "empty_document"


def test_to_dict_is_json_ready(detector, fixture_bytes):
    d = detector.score(fixture_bytes("farm_page.html")).to_dict()
    assert json.loads(json.dumps(d)) == d
    assert set(d) >= {"verdict", "score", "threshold", "signals", "model", "language", "reasons"}
    assert d["model"]["sha256"] == detector.sha256


def test_tampered_artifact_is_refused(tmp_path):
    d = tmp_path / "m"
    shutil.copytree(DEFAULT_MODEL_DIR, d)
    data = bytearray((d / "unspun.joblib").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (d / "unspun.joblib").write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="SHA-256"):
        Detector.load(d)


def test_pinned_hash_mismatch_is_refused():
    with pytest.raises(ArtifactError, match="pinned"):
        Detector.load(expected_sha256="0" * 64)


def test_bundled_model_is_small_and_carded():
    card = json.loads((DEFAULT_MODEL_DIR / "model_card.json").read_text())
    assert (DEFAULT_MODEL_DIR / "unspun.joblib").stat().st_size < 25 * 2**20
    for key in ("version", "created", "seed", "data", "libraries", "features", "threshold", "gate",
                "artifact_sha256"):
        assert key in card


def test_artifact_for_other_features_is_refused(tmp_path):
    from model.artifact import load_artifact, write_model_dir

    bundle, card, _ = load_artifact(DEFAULT_MODEL_DIR)
    bundle = dict(bundle, feature_names=list(bundle["feature_names"])[:-1])
    write_model_dir(tmp_path, bundle, card)
    with pytest.raises(ArtifactError, match="other features"):
        Detector.load(tmp_path)


def test_a_word_swapped_against_the_page_description_is_shown_with_its_original(detector, described_news):
    page, spun = described_news
    before, after = detector.score(page), detector.score(spun)
    by_name = {s.name: s for s in before.signals}
    assert by_name["metadata_mismatch"].reason == "matches_metadata" and before.verdict == "ham"
    signal = {s.name: s for s in after.signals}["metadata_mismatch"]
    assert signal.fired and signal.reason == "synonyms_swapped_against_metadata"
    (ev,) = signal.evidence
    assert (ev.text, ev.suggestion, ev.detail) == ("fresh", "new", "differs_from_description")
    assert after.score > before.score


def test_one_swap_is_one_piece_of_evidence(detector):
    """A two-word spun form ("Point out" for "State") is listed once with its original, not beside a second
    item for its second word; evidence spans never overlap."""
    text = ("The Secretary of Point out met the Key Minister on Monday to discuss the trade agreement. "
            "Officials said the Point out Office would publish the details of the deal later this week, "
            "after talks with the overseas minister and the leaders of the two international locations. ") * 3
    v = detector.score(f"<html><body><p>{text}</p></body></html>".encode())
    swaps = [e for e in {s.name: s for s in v.signals}["spun_phrases"].evidence
             if e.detail in ("inverse_thesaurus", "collocation_anomaly")]
    spans = sorted((e.start, e.end) for e in swaps)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:]))
    office = [e for e in swaps if text[e.start:e.end + 7].endswith("Office")]
    assert [(e.text, e.suggestion) for e in office] == [("Point out", "State")] * 3
