"""Paired comparison of two models' generalisation scores (training/compare.py): each model above its own
common cut, discordant pages counted per dictionary and tested with the exact sign test."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from training import compare
from training.generalisation import SCORES_NAME

REAL = {f"real/{i}": i / 1000 for i in range(400)}       # 400 real pages: the 0.5% cut lets the top 2 through


def _record(version: str, flagged: set[int], real: dict[str, float] = REAL, scale=lambda s: s) -> dict:
    """Scores of 20 spun pages per cell of two dictionaries, the pages in `flagged` well above the cut."""
    spun = {f"{name} 0.03": {f"page/{i}": scale(0.99 if i in flagged else 0.1) for i in range(20)}
            for name in ("moby", "seed")}
    return {"version": version, "threshold": 0.9, "real_pages": {k: scale(v) for k, v in real.items()},
            "in_place": spun, "plain_real": {k: scale(v) for k, v in real.items()}, "plain": spun}


def test_pages_only_one_model_flags_are_counted_and_tested() -> None:
    a, b = _record("A", set(range(5))), _record("B", set(range(10)))
    counts = compare.paired_counts(a, b, "in_place", "real_pages", 0.005)
    assert counts == {"moby": (20, 5, 0, 5), "seed": (20, 5, 0, 5)}
    assert compare.sign_test(0, 10) == pytest.approx(2 * 0.5 ** 10)


def test_the_same_flags_give_no_discordant_pages() -> None:
    a = _record("A", {1, 2, 3})
    counts = compare.paired_counts(a, _record("B", {1, 2, 3}), "in_place", "real_pages", 0.005)
    assert all(row[2] == row[3] == 0 for row in counts.values()) and compare.sign_test(0, 0) == 1.0


def test_each_model_flags_above_its_own_cut() -> None:
    # B's scores are A's squared: other numbers, the same ranking, so the same pages above each one's cut
    a, b = _record("A", {1, 2}), _record("B", {1, 2}, scale=lambda s: s * s)
    assert all(row[2] == row[3] == 0 for row in compare.paired_counts(a, b, "in_place", "real_pages", 0.005).values())
    # near miss: with A's cut applied to B's squared scores the comparison would not be fair
    real_b = {k: v * v for k, v in REAL.items()}
    assert compare.cut_flagging(list(real_b.values()), 0.005) != compare.cut_flagging(list(REAL.values()), 0.005)


def test_pages_scored_by_one_model_only_are_left_out() -> None:
    a, b = _record("A", set()), _record("B", {0})
    del b["in_place"]["seed 0.03"]["page/0"]
    del a["in_place"]["moby 0.03"]["page/0"]
    counts = compare.paired_counts(a, b, "in_place", "real_pages", 0.005)
    assert counts["moby"] == (19, 0, 0, 0) and counts["seed"] == (19, 0, 0, 0)


def test_cli_prints_both_protocols_and_refuses_missing_scores(tmp_path: Path, capsys) -> None:
    for version, flagged in (("A", set(range(4))), ("B", set(range(12)))):
        (tmp_path / version).mkdir()
        with gzip.open(tmp_path / version / SCORES_NAME, "wt", encoding="utf-8") as f:
            json.dump(_record(version, flagged), f)
    assert compare.main([str(tmp_path / "A"), str(tmp_path / "B")]) == 0
    out = capsys.readouterr().out
    assert out.count("| all | 40 | 8 | 0 | 16 |") == 2 and "in place" in out and "plain pages" in out
    assert compare.main([str(tmp_path / "A"), str(tmp_path / "missing")]) == 2
    assert "run `python -m training.generalisation` for both models first" in capsys.readouterr().out


def test_cli_refuses_a_record_without_the_real_scores_its_cut_needs(tmp_path: Path, capsys) -> None:
    record = _record("A", {1})
    del record["real_pages"]
    for version, rec in (("A", record), ("B", _record("B", {1}))):
        (tmp_path / version).mkdir()
        with gzip.open(tmp_path / version / SCORES_NAME, "wt", encoding="utf-8") as f:
            json.dump(rec, f)
    assert compare.main([str(tmp_path / "A"), str(tmp_path / "B")]) == 2
    assert "no 'real_pages' ones to place the cut on" in capsys.readouterr().out
    assert compare.main([str(tmp_path / "B"), str(tmp_path / "B")]) == 0     # near miss: a whole record


def test_averaged_scores_are_the_mean_page_by_page_over_what_every_model_scored() -> None:
    a, b = _record("A", {0, 1}), _record("B", {1, 2})
    del b["in_place"]["seed 0.03"]["page/3"]                  # a page B did not score
    del b["plain"]                                            # and a protocol it did not run
    avg = compare.average_scores([a, b])
    assert avg["version"] == "A+B" and "plain" not in avg
    cell = avg["in_place"]["moby 0.03"]
    assert cell["page/1"] == pytest.approx(0.99) and cell["page/0"] == cell["page/2"] == pytest.approx(0.545)
    assert cell["page/5"] == pytest.approx(0.1)
    assert "page/3" not in avg["in_place"]["seed 0.03"] and "page/3" in cell
    assert avg["real_pages"] == pytest.approx(REAL)
    assert compare.average_scores([a]) is a                   # near miss: one model is itself


def test_cli_compares_a_model_with_the_average_of_two(tmp_path: Path, capsys) -> None:
    for version, flagged in (("A", set(range(4))), ("B", set(range(4, 8))), ("C", set(range(8, 12)))):
        (tmp_path / version).mkdir()
        with gzip.open(tmp_path / version / SCORES_NAME, "wt", encoding="utf-8") as f:
            json.dump(_record(version, flagged), f)
    # B+C averages 0.545 on the pages either flags: above the cut its real pages place, so it flags 8
    assert compare.main([str(tmp_path / "A"), f"{tmp_path / 'B'}+{tmp_path / 'C'}"]) == 0
    out = capsys.readouterr().out
    assert out.count("| all | 40 | 0 | 8 | 16 |") == 2 and "B+C" in out
    assert compare.main([str(tmp_path / "A"), f"{tmp_path / 'B'}+{tmp_path / 'missing'}"]) == 2


def _tail_record(version: str, ten: float, rest: float = 0.1) -> dict:
    """REAL's real pages; per dictionary, spun pages 0-9 at `ten` and 10-19 at `rest`."""
    spun = {f"{name} 0.03": {f"page/{i}": (ten if i < 10 else rest) for i in range(20)} for name in ("moby", "seed")}
    return {"version": version, "threshold": 0.9, "real_pages": dict(REAL), "in_place": spun,
            "plain_real": dict(REAL), "plain": spun}


def test_a_pages_false_positive_cost_is_the_share_of_real_pages_at_or_above_it() -> None:
    costs = compare.fp_costs(_tail_record("A", 0.3985, rest=0.99), "in_place", "real_pages")
    assert costs[("moby 0.03", "page/0")] == pytest.approx(1 / 400)      # only 0.399 is above it
    assert costs[("seed 0.03", "page/15")] == 0.0
    tied = compare.fp_costs(_tail_record("A", 0.398), "in_place", "real_pages")
    assert tied[("moby 0.03", "page/0")] == pytest.approx(2 / 400)       # a real page at its score counts
    assert tied[("moby 0.03", "page/15")] == pytest.approx(300 / 400)


def test_without_a_cut_the_model_ranking_spun_pages_above_more_real_ones_wins() -> None:
    a, b = _tail_record("A", 0.3975), _tail_record("B", 0.3995)   # costs 2 / 400 (0.398, 0.399) and 0
    # the 0.5% cut (above the third highest real page, 0.397) flags pages 0-9 under both: no discordant page
    assert compare.paired_counts(a, b, "in_place", "real_pages", 0.005)["moby"] == (20, 10, 0, 0)
    # without a cut B ranks all ten below fewer real pages; pages 10-19 cost 75% under both and are left out
    assert compare.cost_counts(a, b, "in_place", "real_pages") == {"moby": (10, 0, 10), "seed": (10, 0, 10)}
    assert compare.recall_within(a, "in_place", "real_pages") == [0.0, 0.5, 0.5]
    assert compare.recall_within(b, "in_place", "real_pages") == [0.5, 0.5, 0.5]


def test_the_same_ranking_on_other_numbers_costs_the_same() -> None:  # near miss: only the ranking counts
    a = _tail_record("A", 0.3975)
    b = _tail_record("B", 0.3975 ** 2, rest=0.1 ** 2)
    b["real_pages"] = {page: score * score for page, score in REAL.items()}
    assert compare.cost_counts(a, b, "in_place", "real_pages") == {"moby": (10, 0, 0), "seed": (10, 0, 0)}


def test_pages_dear_under_both_models_are_outside_the_region() -> None:  # near miss: cheaper, but far from any cut
    a, b = _tail_record("A", 0.05), _tail_record("B", 0.2)            # costs 87.5% and 50%
    assert compare.cost_counts(a, b, "in_place", "real_pages") == {}


def test_cli_prints_the_cut_free_table_for_both_protocols(tmp_path: Path, capsys) -> None:
    for version, ten in (("A", 0.3975), ("B", 0.3995)):
        (tmp_path / version).mkdir()
        with gzip.open(tmp_path / version / SCORES_NAME, "wt", encoding="utf-8") as f:
            json.dump(_tail_record(version, ten), f)
    assert compare.main([str(tmp_path / "A"), str(tmp_path / "B")]) == 0
    out = capsys.readouterr().out
    assert out.count("| all | 20 | 0 | 20 | ") == 2 and out.count("without a cut") == 2
    assert "recall within 0.2% / 0.5% / 1.0% of real pages flagged: A 0.0% / 50.0% / 50.0%, B 50.0% / 50.0% / 50.0%" in out
