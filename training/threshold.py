"""Threshold policy: pick the operating threshold from held-out scores under a false-positive budget.

Rule (Neyman–Pearson with a ham preference, in the spirit of SpamAssassin's ``ham_preference``):

1. A page is flagged when ``score >= threshold`` (the detector's comparison).
2. Only cut points between distinct scores are considered, so tied pages are never split.
3. Take the **lowest** cut whose false-positive rate on held-out hams is ``<= target_fpr``; a lower cut
   flags more spam, so this maximises recall within the budget. FPR exactly at the target is allowed.
4. Every threshold in the open gap below that cut gives the same counts on held-out data ("equal FPR"); the ham
   weight decides where in the gap it goes: ``lo + (hi - lo) * w / (1 + w)``, i.e. ``w`` times further from the
   page below than from the flagged page above. Hams are ``w`` times as costly to misclassify as spam, so the
   margin left for unseen hams is ``w`` times the margin left for unseen spam.
5. If the target is below what the held-out hams can resolve (fewer than ``1 / target_fpr`` hams) or no cut
   other than "above the highest ham" meets it, the threshold lands just above the highest ham score
   (FPR 0 on held-out) and the rule says so. If no page scores above the highest ham, recall is 0 and the rule
   says that too.

`fpr_upper_bound` gives the exact (Clopper–Pearson) 95% upper bound of a rate, used wherever an FPR is shown:
0 false positives among 300 hams still only bounds the FPR below about 1.2%.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
from scipy.stats import beta

GRID = tuple(round(0.05 * i, 2) for i in range(1, 20))  # 0.05 .. 0.95


def fpr_upper_bound(fp: int, n: int, confidence: float = 0.95) -> float:
    """Exact two-sided Clopper–Pearson upper confidence limit of a rate fp/n (1.0 when n is 0)."""
    if n <= 0:
        return 1.0
    if fp < 0 or fp > n:
        raise ValueError(f"need 0 <= fp <= n, got fp={fp}, n={n}")
    if fp >= n:
        return 1.0
    alpha = 1.0 - confidence
    return float(beta.ppf(1.0 - alpha / 2.0, fp + 1, n - fp))


def cut_allowing(ham_scores: Sequence[float] | np.ndarray, max_fp: int) -> float:
    """The score a page must exceed so that at most `max_fp` of `ham_scores` are flagged: the (max_fp+1)-th
    highest (tied hams are never split, so ties can flag fewer); -inf when every ham may be flagged. Compares
    models at one false-positive count (`training.gate.crossing`, `training.protocol.cut_flagging`)."""
    ranked = np.sort(np.asarray(ham_scores, dtype=float))[::-1]
    return float(ranked[max_fp]) if max_fp < len(ranked) else -math.inf


def as_arrays(y_true: Sequence[int] | np.ndarray,
              scores: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Validate labels (0/1) and scores (finite) of equal length; return them as numpy arrays."""
    y = np.asarray(y_true)
    s = np.asarray(scores, dtype=float)
    if y.ndim != 1 or s.ndim != 1 or len(y) != len(s):
        raise ValueError(f"y_true and scores must be 1-D and the same length (got {y.shape} and {s.shape})")
    if len(y) and not np.isin(y, (0, 1)).all():
        raise ValueError("y_true must hold only 0 (ham) and 1 (spam)")
    if not np.isfinite(s).all():
        raise ValueError("scores must be finite numbers")
    return y.astype(int), s


def confusion_at(y_true: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray,
                 threshold: float, ham_weight: float = 2.0) -> dict[str, Any]:
    """Counts and rates when flagging ``score >= threshold``; undefined rates are NaN."""
    y, s = as_arrays(y_true, scores)
    pred = s >= threshold
    tp = int(np.sum(pred & (y == 1)))
    fp = int(np.sum(pred & (y == 0)))
    fn = int(np.sum(~pred & (y == 1)))
    tn = int(np.sum(~pred & (y == 0)))
    return _row(threshold, tp, fp, tn, fn, ham_weight)


def _row(threshold: float, tp: int, fp: int, tn: int, fn: int, ham_weight: float) -> dict[str, Any]:
    n_ham, n_spam = fp + tn, tp + fn
    nan = float("nan")
    return {
        "threshold": float(threshold), "tp": tp, "fp": fp, "tn": tn, "fn": fn,
        "n_ham": n_ham, "n_spam": n_spam,
        "fpr": fp / n_ham if n_ham else nan,
        "fpr_upper95": fpr_upper_bound(fp, n_ham),
        "fnr": fn / n_spam if n_spam else nan,
        "recall": tp / n_spam if n_spam else nan,
        "precision": tp / (tp + fp) if tp + fp else nan,
        "cost": ham_weight * fp + fn,
    }


@dataclass(frozen=True)
class ThresholdChoice:
    """The chosen threshold, its held-out performance, the grid table and the rule that picked it."""

    threshold: float
    fpr: float
    recall: float
    precision: float
    table: list[dict[str, Any]]
    rule: str
    target_fpr: float = 0.005
    ham_weight: float = 2.0
    feasible: bool = True   # False: target below what the held-out hams resolve; threshold above the top ham
    counts: dict[str, int] = field(default_factory=dict)
    fpr_upper95: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary for a model card (NaN becomes None)."""
        return _clean({
            "threshold": self.threshold, "fpr": self.fpr, "fpr_upper95": self.fpr_upper95,
            "recall": self.recall, "precision": self.precision, "target_fpr": self.target_fpr,
            "ham_weight": self.ham_weight, "feasible": self.feasible, "counts": self.counts, "rule": self.rule,
        })

    def to_markdown(self) -> str:
        """The rule in words plus a STATISTICS-style table (the chosen row marked)."""
        return f"{self.rule}\n\n{table_markdown(self.table, chosen=self.threshold)}\n"


def choose_threshold(y_true: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray, *,
                     target_fpr: float = 0.005, ham_weight: float = 2.0,
                     grid: Sequence[float] = GRID) -> ThresholdChoice:
    """Lowest threshold whose held-out FPR is <= `target_fpr`, placed in its gap by `ham_weight` (module doc)."""
    if not 0.0 <= target_fpr <= 1.0:
        raise ValueError(f"target_fpr must be within [0, 1], got {target_fpr}")
    if not ham_weight > 0:
        raise ValueError(f"ham_weight must be positive, got {ham_weight}")
    y, s = as_arrays(y_true, scores)
    hams = np.sort(s[y == 0])
    n_ham, n_spam = len(hams), int(np.sum(y == 1))
    if n_ham == 0:
        raise ValueError("no ham scores: the false-positive rate, and so the threshold, is undefined")
    allowed_fp = math.floor(target_fpr * n_ham + 1e-9)   # FPR exactly at the target counts as meeting it
    cuts = np.unique(s)                                  # ascending distinct scores
    fp_at = n_ham - np.searchsorted(hams, cuts, side="left")   # hams with score >= cut
    feasible_idx = np.nonzero(fp_at <= allowed_fp)[0]
    max_ham = float(hams[-1])
    notes: list[str] = []
    if len(feasible_idx):
        i = int(feasible_idx[0])
        hi = float(cuts[i])
        if i == 0:
            thr = hi
            notes.append("the lowest score already meets the target, so every page is flagged")
        else:
            lo = float(cuts[i - 1])
            thr = lo + (hi - lo) * ham_weight / (1.0 + ham_weight)
            if thr <= lo or thr > hi:     # gap below float resolution
                thr = hi
    else:
        thr = float(np.nextafter(float(cuts[-1]), math.inf))
        notes.append(f"no page scores above the highest ham ({max_ham:.6g}); the threshold sits just above it "
                     f"and flags nothing (recall 0)")
    at = confusion_at(y, s, thr, ham_weight)
    feasible = not (allowed_fp == 0 and target_fpr > 0)
    if not feasible:
        notes.insert(0, f"target FPR {target_fpr:.4%} is below the resolution of {n_ham} held-out hams "
                        f"(one false positive = {1 / n_ham:.4%}), so the threshold sits above the highest "
                        f"ham score ({max_ham:.6g}): FPR 0 on held-out")
    rule = (f"Lowest cut with held-out FPR <= {target_fpr:.4%} ({allowed_fp} of {n_ham} hams), flagging "
            f"score >= threshold; tied scores are never split; within the gap of equal FPR the threshold is "
            f"placed by ham_weight={ham_weight:g} (SpamAssassin ham_preference: a ham error costs "
            f"{ham_weight:g} spam errors), at lo + (hi - lo)*{ham_weight:g}/{1 + ham_weight:g}. "
            f"Chosen {thr:.6g}: FPR {_pct(at['fpr'])} (95% upper bound {_pct(at['fpr_upper95'])}), "
            f"recall {_pct(at['recall'])} on {n_spam} spams.")
    if notes:
        rule += " Note: " + "; ".join(notes) + "."
    table = threshold_table(y, s, list(grid) + [thr], ham_weight=ham_weight)
    return ThresholdChoice(
        threshold=float(thr), fpr=at["fpr"], recall=at["recall"], precision=at["precision"], table=table,
        rule=rule, target_fpr=target_fpr, ham_weight=ham_weight, feasible=feasible,
        counts={k: at[k] for k in ("tp", "fp", "tn", "fn", "n_ham", "n_spam")}, fpr_upper95=at["fpr_upper95"],
    )


def threshold_table(y_true: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray,
                    thresholds: Sequence[float], *, ham_weight: float = 2.0) -> list[dict[str, Any]]:
    """One row of counts and rates per distinct threshold, ascending (like SpamAssassin's STATISTICS)."""
    y, s = as_arrays(y_true, scores)
    return [confusion_at(y, s, t, ham_weight) for t in sorted({float(t) for t in thresholds})]


def table_markdown(table: list[dict[str, Any]], chosen: float | None = None) -> str:
    """Render a threshold table as Markdown; the chosen threshold's row is bold."""
    head = ("| threshold | TP | FP | TN | FN | FPR | FPR 95% upper | FNR | recall | precision | cost w·FP+FN |\n"
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    lines = [head]
    for r in table:
        cells = [f"{r['threshold']:.4f}", str(r["tp"]), str(r["fp"]), str(r["tn"]), str(r["fn"]), _pct(r["fpr"]),
                 _pct(r["fpr_upper95"]), _pct(r["fnr"]), _pct(r["recall"]), _pct(r["precision"]),
                 f"{r['cost']:g}"]
        if chosen is not None and r["threshold"] == float(chosen):
            cells = [f"**{c}**" for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _pct(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{100 * x:.2f}%"


def _clean(obj: Any) -> Any:
    if isinstance(obj, float):
        return None if math.isnan(obj) else obj
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj
