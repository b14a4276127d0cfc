"""Evaluation report: metrics, plots and error lists an operator can read to trust (or distrust) a model.

`write_report` writes into `out_dir`:

* ``report.md`` — summary line, metrics, the threshold table, recall by kind of spam and by spin rate, FPR by
  kind / source / page type of ham (with exact 95% intervals), the twenty worst false positives and false
  negatives and the ten highest-scoring hams below the threshold, with their evidence, and links to the plots;
* ``metrics.json`` — the metrics, keys sorted;
* PNGs — ``roc.png``, ``pr.png``, ``score_hist.png``, ``calibration.png``, ``recall_by_kind.png``,
  ``recall_by_spin_rate.png``, ``fpr_by_source.png``, ``fpr_by_page_type.png``.

The same inputs give the same ``report.md`` and ``metrics.json`` byte for byte: nothing time-dependent is written
except what the caller passes in `summary` (e.g. one ``generated`` line). Plots use the Agg backend, no display.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
import numpy as np  # noqa: E402
from sklearn.calibration import calibration_curve  # noqa: E402
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score, roc_curve  # noqa: E402

from training.threshold import (  # noqa: E402
    GRID, as_arrays, confusion_at, fpr_upper_bound, table_markdown, threshold_table,
)

SPIN_BUCKETS = (0.01, 0.02, 0.03, 0.05, 0.08, 0.12, 0.15)   # spin rate as a fraction of words (0.05 = 5%)
N_WORST = 20
N_CLOSE = 10                                                # closest calls: hams just below the threshold
PLOT_FILES = ("roc.png", "pr.png", "score_hist.png", "calibration.png", "recall_by_kind.png",
              "recall_by_spin_rate.png", "fpr_by_source.png", "fpr_by_page_type.png")
_NONE = "(none)"
_PNG_META = {"Software": None}                              # no version string: same inputs, same bytes


@dataclass(frozen=True)
class ReportResult:
    """Where the report went, the one-line summary for stdout, and the metrics (JSON-ready)."""

    path: Path
    summary_line: str
    metrics: dict[str, Any]


def compute_metrics(y_true: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray,
                    threshold: float) -> dict[str, Any]:
    """Precision, recall, F1, accuracy, FPR (+ 95% upper bound), ROC-AUC, average precision, Brier, counts.

    Undefined values (e.g. ROC-AUC with one class) are None, so the dict is JSON-ready.
    """
    y, s = as_arrays(y_true, scores)
    c = confusion_at(y, s, threshold)
    n = len(y)
    both = c["n_ham"] > 0 and c["n_spam"] > 0
    p, r = c["precision"], c["recall"]
    in_unit = bool(n) and float(s.min()) >= 0.0 and float(s.max()) <= 1.0
    out = {
        "threshold": float(threshold), "n": n, "n_ham": c["n_ham"], "n_spam": c["n_spam"],
        "tp": c["tp"], "fp": c["fp"], "tn": c["tn"], "fn": c["fn"],
        "precision": p, "recall": r,
        "f1": 2 * p * r / (p + r) if not (math.isnan(p) or math.isnan(r)) and p + r > 0 else float("nan"),
        "accuracy": (c["tp"] + c["tn"]) / n if n else float("nan"),
        "fpr": c["fpr"], "fpr_upper95": c["fpr_upper95"], "fnr": c["fnr"],
        "roc_auc": float(roc_auc_score(y, s)) if both else float("nan"),
        "average_precision": float(average_precision_score(y, s)) if both else float("nan"),
        "brier": float(np.mean((s - y) ** 2)) if in_unit else float("nan"),
    }
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in out.items()}


def summary_line(title: str, m: dict[str, Any]) -> str:
    """One line for stdout / CI logs."""
    return (f"{title}: n={m['n']} (ham {m['n_ham']}, spam {m['n_spam']}) threshold={m['threshold']:.4f} "
            f"precision={_f(m['precision'])} recall={_f(m['recall'])} F1={_f(m['f1'])} "
            f"FPR={_pct(m['fpr'])} (95% upper {_pct(m['fpr_upper95'])}) "
            f"ROC-AUC={_f(m['roc_auc'])} Brier={_f(m['brier'])}")


def spin_bucket(rate: float | None) -> str:
    """Name of the spin-rate bucket a fraction falls in: <=1%, 1-2%, ..., 12-15%, >15%, or unknown."""
    if rate is None or (isinstance(rate, float) and math.isnan(rate)):
        return "unknown"
    lo = 0.0
    for edge in SPIN_BUCKETS:
        if rate <= edge + 1e-9:
            return f"<={_pc(edge)}" if lo == 0.0 else f"{_pc(lo)}-{_pc(edge)}"
        lo = edge
    return f">{_pc(SPIN_BUCKETS[-1])}"


def spin_bucket_order() -> list[str]:
    """Bucket names in ascending order of spin rate (then 'unknown')."""
    names = [spin_bucket(e) for e in SPIN_BUCKETS]
    return names + [f">{_pc(SPIN_BUCKETS[-1])}", "unknown"]


def group_rates(y: np.ndarray, s: np.ndarray, threshold: float, keys: list[str], label: int,
                order: list[str] | None = None) -> list[dict[str, Any]]:
    """Per group of pages with the given label: n, flagged, rate flagged (+ exact 95% bounds).

    For spam (label 1) the rate is recall; for ham (label 0) it is the FPR.
    """
    rows = []
    present = sorted({k for k, yy in zip(keys, y) if yy == label})
    names = [k for k in order if k in present] + [k for k in present if k not in order] if order else present
    for name in names:
        idx = np.array([i for i, k in enumerate(keys) if k == name and y[i] == label], dtype=int)
        n = len(idx)
        flagged = int(np.sum(s[idx] >= threshold))
        rows.append({"group": name, "n": n, "flagged": flagged, "rate": flagged / n,
                     "upper95": fpr_upper_bound(flagged, n),
                     "lower95": 1.0 - fpr_upper_bound(n - flagged, n)})
    return rows


def evidence_from_verdict(page_id: str, verdict: Any, max_examples: int = 3) -> dict[str, Any]:
    """Compact evidence for the worst-error lists from a `model.verdict.Verdict` (or anything with `.score`
    and `.signals` of objects with name/strength/fired/reason/evidence[.text])."""
    fired = [sg.name for sg in verdict.signals if sg.fired]
    examples = []
    for sg in verdict.signals:
        for e in getattr(sg, "evidence", ())[:max_examples]:
            text = getattr(e, "text", str(e))
            sugg = getattr(e, "suggestion", None)
            examples.append(f"{sg.name}: {text}" + (f" -> {sugg}" if sugg else ""))
    return {"id": page_id, "fired": fired,
            "strength": {sg.name: round(float(sg.strength), 3) for sg in verdict.signals},
            "reasons": [sg.reason for sg in verdict.signals if sg.fired and sg.reason],
            "examples": examples[:max_examples]}


def write_report(out_dir: Path, *, title: str, y_true: Sequence[int] | np.ndarray,
                 scores: Sequence[float] | np.ndarray, threshold: float, meta: list[dict[str, Any]],
                 worst_evidence: list[dict[str, Any]] | None = None, summary: dict[str, Any] | None = None,
                 extra_markdown: str = "", plots: bool = True) -> ReportResult:
    """Write report.md, metrics.json and the plots into `out_dir` (created if needed); see the module doc.

    `meta[i]` describes page i (keys used: id, kind, spin_rate, source, page_type; missing keys show as
    "(none)"). `worst_evidence`: dicts with an ``id`` key, shown next to that page in the worst-error lists.
    `summary`: key/value lines for the header (the only place for a timestamp).
    `plots`: False skips the PNGs (quick runs); the Markdown and metrics are the same apart from image links.
    """
    y, s = as_arrays(y_true, scores)
    if len(meta) != len(y):
        raise ValueError(f"meta has {len(meta)} entries for {len(y)} pages")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    thr = float(threshold)
    m = compute_metrics(y, s, thr)
    line = summary_line(title, m)

    def key(name: str) -> list[str]:
        return [_s(mi.get(name)) for mi in meta]

    ids = [str(mi.get("id", i)) for i, mi in enumerate(meta)]
    kinds = key("kind")
    spin = [spin_bucket(_num(mi.get("spin_rate"))) for mi in meta]
    by_kind = group_rates(y, s, thr, kinds, 1)
    by_spin = group_rates(y, s, thr, spin, 1, order=spin_bucket_order())
    ham_kind = group_rates(y, s, thr, kinds, 0)
    by_source = group_rates(y, s, thr, key("source"), 0)
    by_type = group_rates(y, s, thr, key("page_type"), 0)

    images = _plots(out_dir, y, s, m, [("Recall by kind of spam", by_kind, "recall", "recall_by_kind.png"),
                                       ("Recall by spin rate", by_spin, "recall", "recall_by_spin_rate.png"),
                                       ("FPR by source", by_source, "FPR", "fpr_by_source.png"),
                                       ("FPR by page type", by_type, "FPR", "fpr_by_page_type.png")]) if plots else []
    for stale in set(PLOT_FILES) - {fname for _, fname in images}:   # from an earlier run into the same folder
        (out_dir / stale).unlink(missing_ok=True)

    ev: dict[str, list[dict[str, Any]]] = {}
    for e in worst_evidence or []:
        ev.setdefault(str(e.get("id")), []).append({k: v for k, v in e.items() if k != "id"})
    order_fp = [i for i in np.argsort(-s, kind="stable") if y[i] == 0 and s[i] >= thr][:N_WORST]
    order_fn = [i for i in np.argsort(s, kind="stable") if y[i] == 1 and s[i] < thr][:N_WORST]
    order_close = [i for i in np.argsort(-s, kind="stable") if y[i] == 0 and s[i] < thr][:N_CLOSE]

    md: list[str] = [f"# {title}", ""]
    for k, v in (summary or {}).items():
        md.append(f"- **{k}**: {v}")
    if summary:
        md.append("")
    md += ["## Summary", "", f"`{line}`", "", "## Metrics", "", "| metric | value |", "|---|---:|"]
    for k in ("n", "n_ham", "n_spam", "tp", "fp", "tn", "fn"):
        md.append(f"| {k} | {m[k]} |")
    for k in ("precision", "recall", "f1", "accuracy", "fpr", "fpr_upper95", "fnr"):
        md.append(f"| {k} | {_pct(m[k])} |")
    for k in ("roc_auc", "average_precision", "brier", "threshold"):
        md.append(f"| {k} | {_f(m[k])} |")
    md += ["", "FPR upper bound: exact (Clopper–Pearson) 95% interval on the held-out hams.", "",
           "## Threshold table", "", table_markdown(threshold_table(y, s, list(GRID) + [thr]), chosen=thr), "",
           "## Plots", ""]
    for name, fname in images:
        md += [f"![{name}]({fname})", ""]
    if not plots:
        md += ["Plots not drawn (plots=False).", ""]
    md += _group_section("Recall by kind of spam", "recall", by_kind)
    md += _group_section("Recall by spin rate (fraction of words spun)", "recall", by_spin)
    md += _group_section("FPR by kind of ham", "FPR", ham_kind)
    md += _group_section("FPR by source", "FPR", by_source)
    md += _group_section("FPR by page type", "FPR", by_type)
    md += _worst_section(f"Worst false positives (highest-scoring hams at or above {thr:.4f})",
                         order_fp, ids, s, kinds, meta, ev)
    md += _worst_section(f"Worst false negatives (lowest-scoring spams below {thr:.4f})",
                         order_fn, ids, s, kinds, meta, ev)
    md += _worst_section(f"Closest calls (highest-scoring hams below {thr:.4f})", order_close, ids, s, kinds, meta, ev)
    if extra_markdown:
        md += [extra_markdown.rstrip(), ""]
    path = out_dir / "report.md"
    path.write_text("\n".join(md), encoding="utf-8")
    (out_dir / "metrics.json").write_text(json.dumps(m, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return ReportResult(path=path, summary_line=line, metrics=m)


# --------------------------------------------------------------------------- markdown pieces

def _group_section(title: str, what: str, rows: list[dict[str, Any]]) -> list[str]:
    out = [f"## {title}", ""]
    if not rows:
        return out + ["No pages in this category.", ""]
    flagged = "detected" if what == "recall" else "false positives"
    out += [f"| group | n | {flagged} | {what} | 95% interval |", "|---|---:|---:|---:|---|"]
    for r in rows:
        out.append(f"| {_cell(r['group'])} | {r['n']} | {r['flagged']} | {_pct(r['rate'])} | "
                   f"{_pct(r['lower95'])} – {_pct(r['upper95'])} |")
    return out + [""]


def _worst_section(title: str, order: list[int], ids: list[str], s: np.ndarray, kinds: list[str],
                   meta: list[dict[str, Any]], ev: dict[str, list[dict[str, Any]]]) -> list[str]:
    out = [f"## {title}", ""]
    if not order:
        return out + ["None.", ""]
    out += ["| # | id | score | kind | source | page type | evidence |", "|---:|---|---:|---|---|---|---|"]
    for rank, i in enumerate(order, 1):
        evidence = "; ".join(json.dumps(e, sort_keys=True, ensure_ascii=False, default=str) for e in ev.get(ids[i], []))
        if len(evidence) > 400:
            evidence = evidence[:397] + "..."
        out.append(f"| {rank} | {_cell(ids[i])} | {s[i]:.4f} | {_cell(kinds[i])} | {_cell(_s(meta[i].get('source')))} "
                   f"| {_cell(_s(meta[i].get('page_type')))} | {_cell(evidence) or '–'} |")
    return out + [""]


# --------------------------------------------------------------------------- plots

def _plots(out_dir: Path, y: np.ndarray, s: np.ndarray, m: dict[str, Any],
           groups: list[tuple[str, list[dict[str, Any]], str, str]]) -> list[tuple[str, str]]:
    """Draw every plot that the data allow; return (caption, file name) pairs in report order."""
    thr = m["threshold"]
    images: list[tuple[str, str]] = []
    both = m["n_ham"] > 0 and m["n_spam"] > 0
    if both:
        images += [("ROC curve", _plot_roc(out_dir, y, s, m)), ("Precision-recall curve", _plot_pr(out_dir, y, s, m))]
    images.append(("Score distribution by class (log scale)", _plot_hist(out_dir, y, s, thr)))
    if both and m["brier"] is not None:
        images.append(("Calibration (reliability diagram)", _plot_calibration(out_dir, y, s)))
    for name, rows, what, fname in groups:
        if rows:
            images.append((name, _plot_groups(out_dir / fname, rows, name, what)))
    return images


def _save(fig: Any, path: Path, **adjust: float) -> str:
    fig.subplots_adjust(**{"left": 0.12, "right": 0.96, "top": 0.9, "bottom": 0.12, **adjust})  # fixed: fast
    fig.savefig(path, dpi=100, metadata=_PNG_META)
    plt.close(fig)
    return path.name


def _plot_roc(out_dir: Path, y: np.ndarray, s: np.ndarray, m: dict[str, Any]) -> str:
    fpr, tpr, _ = roc_curve(y, s)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.5))
    for ax, logx in zip(axes, (False, True)):
        ax.plot(fpr, tpr, label=f"ROC-AUC {m['roc_auc']:.4f}")
        ax.plot([m["fpr"]], [m["recall"]], "o", color="red", label=f"threshold {m['threshold']:.3f}")
        ax.set_xlabel("false-positive rate" + (" (log)" if logx else ""))
        ax.set_ylabel("recall (true-positive rate)")
        if logx:
            ax.set_xscale("symlog", linthresh=1e-3)
            ax.set_xlim(0, 1)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right")
    fig.suptitle("ROC curve")
    return _save(fig, out_dir / "roc.png", left=0.07, right=0.98, wspace=0.25, top=0.88)


def _plot_pr(out_dir: Path, y: np.ndarray, s: np.ndarray, m: dict[str, Any]) -> str:
    precision, recall, _ = precision_recall_curve(y, s)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.plot(recall, precision, label=f"average precision {m['average_precision']:.4f}")
    if m["precision"] is not None:
        ax.plot([m["recall"]], [m["precision"]], "o", color="red", label=f"threshold {m['threshold']:.3f}")
    ax.set(xlabel="recall", ylabel="precision", title="Precision-recall curve", ylim=(0, 1.02))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left")
    return _save(fig, out_dir / "pr.png")


def _plot_hist(out_dir: Path, y: np.ndarray, s: np.ndarray, thr: float) -> str:
    lo, hi = min(0.0, float(s.min()) if len(s) else 0.0), max(1.0, float(s.max()) if len(s) else 1.0)
    bins = np.linspace(lo, hi, 51)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, name, color in ((0, "ham", "tab:blue"), (1, "spam", "tab:orange")):
        vals = s[y == label]
        if len(vals):
            ax.hist(vals, bins=bins, alpha=0.6, label=f"{name} (n={len(vals)})", color=color)
    ax.axvline(thr, color="red", linestyle="--", label=f"threshold {thr:.3f}")
    ax.set_yscale("log")
    ax.set(xlabel="score", ylabel="pages (log)", title="Scores by class")
    ax.legend()
    return _save(fig, out_dir / "score_hist.png")


def _plot_calibration(out_dir: Path, y: np.ndarray, s: np.ndarray) -> str:
    frac_pos, mean_pred = calibration_curve(y, s, n_bins=10, strategy="uniform")
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfectly calibrated")
    ax.plot(mean_pred, frac_pos, "o-", label="model")
    ax.set(xlabel="mean predicted score (bin)", ylabel="fraction of spam in bin", title="Reliability diagram",
           xlim=(0, 1), ylim=(0, 1))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    return _save(fig, out_dir / "calibration.png")


def _plot_groups(path: Path, rows: list[dict[str, Any]], title: str, what: str) -> str:
    names = [r["group"] for r in rows]
    rates = np.array([r["rate"] for r in rows])
    err = np.array([[r["rate"] - r["lower95"] for r in rows], [r["upper95"] - r["rate"] for r in rows]])
    fig, ax = plt.subplots(figsize=(max(6.0, 0.6 * len(rows) + 2), 4.5))
    xs = np.arange(len(rows))
    ax.bar(xs, rates, yerr=np.clip(err, 0, None), capsize=3, color="tab:orange" if what == "recall" else "tab:blue")
    for x, r in zip(xs, rows):
        ax.annotate(f"{r['flagged']}/{r['n']}", (x, r["upper95"]), ha="center", va="bottom", fontsize=7,
                    xytext=(0, 2), textcoords="offset points")
    ax.set_xticks(xs, names, rotation=45, ha="right", fontsize=8)
    ax.set(ylabel=what + " (95% interval)", title=title, ylim=(0, 1.08) if what == "recall" else None)
    ax.grid(axis="y", alpha=0.3)
    return _save(fig, path, bottom=0.25)


# --------------------------------------------------------------------------- formatting

def _num(v: Any) -> float | None:
    try:
        return None if v is None else float(v)
    except (TypeError, ValueError):
        return None


def _s(v: Any) -> str:
    return _NONE if v is None or v == "" else str(v)


def _pc(x: float) -> str:
    return f"{100 * x:g}%"


def _pct(x: float | None) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.2f}%"


def _f(x: float | None) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.4f}"


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")
