"""The training report's generalisation section (training/generalisation.py): written beside the report of
the model it measured, with the three protocols' tables; a clear refusal without ../shared."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from model.signals import FEATURE_NAMES, metadata_mismatch
from training import crossspin, farmpage, generalisation, plainpage
from training.compare import load_scores
from training.protocol import cut_flagging, share_above

PERCENT = re.compile(r"^\d{1,3}\.\d%")


def _table_rows(text: str, first_cell: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip("|").split("|")] for line in text.splitlines()
            if line.startswith(f"| {first_cell}")]


def test_refuses_without_shared(monkeypatch, tmp_path: Path, capsys) -> None:
    monkeypatch.setenv("UNSPUN_SHARED", str(tmp_path / "absent"))
    assert generalisation.main(["--reports", str(tmp_path)]) == 2
    assert "../shared is absent" in capsys.readouterr().out
    assert not list(tmp_path.iterdir())


def test_writes_all_three_protocols_beside_the_report(shared, detector, tmp_path: Path) -> None:
    code = generalisation.main(["--reports", str(tmp_path), "--inplace-pages", "2", "--plain-pages", "2",
                                "--farm-pages", "2", "--real-pages", "12"])
    assert code == 0
    text = (tmp_path / detector.version / "generalisation.md").read_text(encoding="utf-8")
    assert text.startswith(f"# unspun {detector.version}")
    for heading in ("## In place", "## Plain pages", "## Farm pages in held-out layouts"):
        assert heading in text
    for name in crossspin.DICTIONARIES:
        at_threshold, above_cut = _table_rows(text, name)[:2]
        assert len(at_threshold) == len(above_cut) == 1 + len(crossspin.RATES)
        assert all(PERCENT.match(c) or c == "–" for c in above_cut[1:])
    assert "All 12 real pages of the held-out fold" in text and "All 12 held-out texts" in text
    assert text.count("above the cut that flags") == 2
    for name in plainpage.DICTIONARIES:
        rows = _table_rows(text, name)
        assert any(len(r) == 1 + len(plainpage.RATES) and all(PERCENT.match(c) for c in r[1:]) for r in rows)
    for name in farmpage.DICTIONARIES:
        rows = [r for r in _table_rows(text, name) if len(r) == 2 + len(farmpage.RATES)]
        assert [r[1] for r in rows] == list(farmpage.VARIANTS)
        assert all(PERCENT.match(c) for r in rows for c in r[2:])
    assert "legitimate pages flagged: " in text and "real articles flagged: " in text
    scores = load_scores(tmp_path / detector.version)          # every score behind the first two tables
    assert len(scores["real_pages"]) == len(scores["plain_real"]) == 12
    assert set(scores["in_place"]) <= {f"{d} {r}" for d in crossspin.DICTIONARIES for r in crossspin.RATES}
    assert all(len(cell) <= 2 for cell in scores["in_place"].values())
    assert set(scores["plain"]) == {f"{d} {r}" for d in plainpage.DICTIONARIES for r in plainpage.RATES}
    assert all(len(cell) == 2 for cell in scores["plain"].values())
    assert text.count("actually changed (the column is the share asked)") == 2
    for key, rates, dictionaries in (("in_place_changed", crossspin.RATES, crossspin.DICTIONARIES),
                                     ("plain_changed", plainpage.RATES, plainpage.DICTIONARIES)):
        changed = scores[key]
        assert set(changed) == {f"{d} {r}" for d in dictionaries for r in rates}
        for cell, share in changed.items():    # a spinner never changes much more than it was asked to
            assert share != share or 0.0 <= share <= 1.5 * float(cell.split()[1]) + 0.01, (key, cell, share)
    # "seed" has few headwords: asked for 8% of the words, it runs out of eligible words well below that
    assert scores["plain_changed"]["seed 0.08"] < 0.08 * 0.75


def test_crossspin_verdicts_without_metadata_differ_only_by_the_metadata_comparison(detector, fixture_bytes,
                                                                                  described_news) -> None:
    _, spun = described_news
    with_meta, without_meta = crossspin.verdicts(detector, spun)
    assert with_meta.score == detector.score(spun).score
    assert "metadata_mismatch" in with_meta.fired and without_meta.score < with_meta.score
    # near miss: a page without a title, description or JSON-LD has no comparison to take away
    bare = farm_body(fixture_bytes)
    analysis = detector.analyse(bare)
    assert [sig.reason for sig in analysis.signals if sig.name == "metadata_mismatch"] == ["no_metadata"]
    assert all(analysis.vector[FEATURE_NAMES.index(n)] == 0.0 for n in metadata_mismatch.FEATURES)
    assert [v.score for v in crossspin.verdicts(detector, bare)] == [detector.score(bare).score] * 2


def farm_body(fixture_bytes) -> bytes:  # noqa: ANN001
    """The farm fixture's <body> alone: its text and links without a <head>."""
    html = fixture_bytes("farm_page.html").decode("utf-8")
    return ("<html>" + html[html.index("<body"):]).encode("utf-8")


def test_cut_flags_the_share_of_real_pages_asked_for() -> None:
    real = [i / 1000 for i in range(1000)]            # 0.000 .. 0.999, distinct
    cut = cut_flagging(real, 0.005)
    assert sum(s > cut for s in real) == 5 and cut == 0.994
    assert share_above([0.9945, 0.999, 0.5, 0.994], cut) == 0.5     # a spun page at the cut is not flagged


def test_cut_never_flags_more_than_the_share_when_real_scores_tie() -> None:
    real = [0.1] * 990 + [0.95] * 10                  # ten tied at the top: the cut cannot split them
    cut = cut_flagging(real, 0.005)
    assert cut == 0.95 and sum(s > cut for s in real) == 0
    assert cut_flagging([0.2, 0.3], 0.005) == 0.3     # fewer pages than one in 200: above the highest
    with pytest.raises(ValueError):
        cut_flagging([], 0.005)
