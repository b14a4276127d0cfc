"""Threshold policy: FPR budget exactly met, infeasible targets, ties, ham-weighted placement, the table."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from training.threshold import GRID, choose_threshold, confusion_at, fpr_upper_bound, threshold_table

# 200 hams: 198 at 0.1, one at 0.6, one at 0.8; three spams at 0.5, 0.7, 0.9.
Y = [0] * 200 + [1, 1, 1]
S = [0.1] * 198 + [0.6, 0.8] + [0.5, 0.7, 0.9]


def test_fpr_exactly_at_target_is_accepted() -> None:
    c = choose_threshold(Y, S, target_fpr=0.01)          # 2 of 200 hams allowed; the cut at 0.5 has exactly 2
    assert c.counts["fp"] == 2 and c.fpr == pytest.approx(0.01) and c.recall == 1.0
    assert 0.1 < c.threshold <= 0.5
    assert c.threshold == pytest.approx(0.1 + 0.4 * 2 / 3)     # placed in the gap by ham_weight=2
    assert c.feasible


def test_just_below_target_moves_to_the_next_cut() -> None:
    c = choose_threshold(Y, S, target_fpr=0.0099)        # only 1 false positive allowed
    assert c.counts["fp"] == 1 and c.recall == pytest.approx(2 / 3)
    assert 0.6 < c.threshold <= 0.7


@pytest.mark.parametrize("w,expected", [(2.0, 0.6 + 0.1 * 2 / 3), (1.0, 0.65), (0.5, 0.6 + 0.1 / 3)])
def test_ham_weight_places_threshold_in_the_gap_and_is_recorded(w: float, expected: float) -> None:
    c = choose_threshold(Y, S, target_fpr=0.005, ham_weight=w)
    assert c.threshold == pytest.approx(expected)
    assert c.counts["fp"] == 1                           # same counts whatever the weight
    assert f"ham_weight={w:g}" in c.rule and c.ham_weight == w


def test_lower_cut_would_break_the_budget() -> None:
    c = choose_threshold(Y, S, target_fpr=0.005)
    assert confusion_at(Y, S, c.threshold)["fp"] <= 1
    assert confusion_at(Y, S, 0.6)["fp"] == 2            # the next lower distinct score exceeds the budget


def test_infeasible_target_takes_threshold_above_max_ham_and_says_so() -> None:
    y = [0] * 100 + [1] * 5
    s = [0.1] * 99 + [0.4] + [0.3, 0.9, 0.9, 0.95, 0.99]
    c = choose_threshold(y, s, target_fpr=0.005)         # one FP among 100 hams is already 1% > 0.5%
    assert not c.feasible
    assert c.counts["fp"] == 0 and 0.4 < c.threshold <= 0.9 and c.recall == pytest.approx(0.8)
    assert "below the resolution of 100 held-out hams" in c.rule
    # Near miss: 200 hams resolve 0.5%, so one false positive is allowed and the target is feasible.
    y2 = [0] * 200 + [1] * 5
    s2 = [0.1] * 199 + [0.4] + [0.3, 0.9, 0.9, 0.95, 0.99]
    c2 = choose_threshold(y2, s2, target_fpr=0.005)
    assert c2.feasible and c2.counts["fp"] == 1 and c2.recall == 1.0 and "resolution" not in c2.rule


def test_no_spam_above_the_highest_ham_flags_nothing_and_says_so() -> None:
    c = choose_threshold([0, 0, 0, 1], [0.2, 0.5, 0.9, 0.4], target_fpr=0.0)
    assert c.threshold > 0.9 and c.recall == 0.0 and c.counts["fp"] == 0
    assert "flags nothing" in c.rule
    assert math.isnan(c.precision) and c.to_dict()["precision"] is None


def test_tied_scores_are_never_split() -> None:
    y = [0] * 10 + [1] * 3
    s = [0.1] * 9 + [0.5] + [0.5, 0.5, 0.8]               # one ham tied with two spams at 0.5
    c = choose_threshold(y, s, target_fpr=0.0)
    assert c.threshold > 0.5 and c.counts["tp"] == 1      # the ham's FP cannot be avoided without the ties
    c2 = choose_threshold(y, s, target_fpr=0.1)
    assert c2.threshold <= 0.5 and c2.counts == {"tp": 3, "fp": 1, "tn": 9, "fn": 0, "n_ham": 10, "n_spam": 3}


def test_lowest_score_meeting_target_flags_everything() -> None:
    c = choose_threshold([0, 1, 1], [0.3, 0.1, 0.9], target_fpr=1.0)
    assert c.threshold == pytest.approx(0.1) and c.recall == 1.0


def test_table_has_grid_and_chosen_row_and_consistent_counts() -> None:
    c = choose_threshold(Y, S, target_fpr=0.005)
    thresholds = [r["threshold"] for r in c.table]
    assert thresholds == sorted(thresholds)
    assert set(GRID) | {c.threshold} == set(thresholds) and len(GRID) == 19
    for r in c.table:
        assert r["tp"] + r["fn"] == 3 and r["fp"] + r["tn"] == 200
        assert r["fpr"] == pytest.approx(r["fp"] / 200) and r["cost"] == 2 * r["fp"] + r["fn"]
        assert r["fpr_upper95"] >= r["fpr"]
    md = c.to_markdown()
    assert md.startswith("Lowest cut") and f"**{c.threshold:.4f}**" in md
    assert md.count("\n| ") == len(c.table) + 1          # header + one line per row


def test_threshold_table_row_for_a_given_threshold() -> None:
    (row,) = threshold_table([0, 0, 1, 1], [0.2, 0.6, 0.4, 0.7], [0.5])
    assert (row["tp"], row["fp"], row["tn"], row["fn"]) == (1, 1, 1, 1)
    assert row["precision"] == 0.5 and row["recall"] == 0.5 and row["fnr"] == 0.5


def test_fpr_upper_bound_clopper_pearson() -> None:
    assert fpr_upper_bound(0, 300) == pytest.approx(1 - 0.025 ** (1 / 300))   # closed form for 0 events
    assert fpr_upper_bound(0, 300) == pytest.approx(0.01222, abs=1e-4)
    assert fpr_upper_bound(5, 1000) == pytest.approx(0.01163, abs=1e-4)
    assert fpr_upper_bound(0, 0) == 1.0 and fpr_upper_bound(7, 7) == 1.0
    assert fpr_upper_bound(1, 100) < fpr_upper_bound(2, 100)
    assert fpr_upper_bound(10, 100) > 0.10
    with pytest.raises(ValueError):
        fpr_upper_bound(5, 3)


@pytest.mark.parametrize("y,s,msg", [
    ([0, 1], [0.5], "same length"),
    ([0, 2], [0.1, 0.2], "only 0"),
    ([0, 1], [0.1, float("nan")], "finite"),
    ([1, 1], [0.1, 0.2], "no ham"),
])
def test_bad_inputs_are_refused(y: list[int], s: list[float], msg: str) -> None:
    with pytest.raises(ValueError, match=msg):
        choose_threshold(y, s)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 20)), min_size=1, max_size=60),
       st.sampled_from([0.0, 0.005, 0.05, 0.2]))
def test_property_budget_met_and_no_lower_cut_meets_it(pairs: list[tuple[int, int]], target: float) -> None:
    y = np.array([p[0] for p in pairs] + [0])            # at least one ham
    s = np.array([p[1] / 20 for p in pairs] + [0.5])
    c = choose_threshold(y, s, target_fpr=target)
    n_ham = int(np.sum(y == 0))
    allowed = math.floor(target * n_ham + 1e-9)
    assert c.counts["fp"] <= allowed
    lower = [v for v in np.unique(s) if v < c.threshold]
    if lower:                                             # the next cut down would exceed the budget
        assert confusion_at(y, s, max(lower))["fp"] > allowed


def test_threshold_rows_leave_synthetic_hams_out():
    from training.evaluation import threshold_rows

    kinds = ["ham", "ham_layout", "ham_related", "inplace_spun", "ham_layout", "ham"]
    y = np.array([0, 0, 0, 1, 0, 0])
    train = np.array([True, True, True, True, True, False])
    assert threshold_rows(kinds, y, train).tolist() == [True, False, True, True, False, False]


def test_threshold_rows_keep_every_ham_when_none_is_real():  # near miss: only synthetic hams among the rows
    from training.evaluation import threshold_rows

    kinds = ["ham_layout", "farm_full", "ham_layout"]
    y = np.array([0, 1, 0])
    train = np.array([True, True, True])
    assert threshold_rows(kinds, y, train).tolist() == [True, True, True]


def test_a_second_training_in_the_same_second_gets_its_own_version(tmp_path):
    import datetime as dt

    from training.evaluation import claim_version
    now = dt.datetime(2026, 11, 30, 1, 2, 3, tzinfo=dt.timezone.utc)
    first, first_dir = claim_version(tmp_path / "reports", now)
    (first_dir / "report.md").write_text("first")
    second, second_dir = claim_version(tmp_path / "reports", now)
    assert (first, second) == ("2026.11.30-010203", "2026.11.30-010203-2")
    assert second_dir.is_dir() and second_dir != first_dir
    assert (first_dir / "report.md").read_text() == "first"   # the first one's report is left alone


def test_trainings_in_different_seconds_keep_plain_versions(tmp_path):  # near miss: no clash, no suffix
    import datetime as dt

    from training.evaluation import claim_version
    now = dt.datetime(2026, 11, 30, 1, 2, 3, tzinfo=dt.timezone.utc)
    versions = [claim_version(tmp_path, now + dt.timedelta(seconds=s))[0] for s in (0, 1)]
    assert versions == ["2026.11.30-010203", "2026.11.30-010204"]
