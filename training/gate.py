"""Quality gate: a retrained model replaces the current one only if it is not measurably worse.

`gate_decision` compares the current and candidate models' FPR and recall, both measured on the same frozen
eval set (see `training.evalset`). The rule, named ``two-SE binomial noise margin``:

    pass  iff  candidate.fpr    <= current.fpr    + fpr_margin
          and  (candidate.recall >= current.recall - recall_margin  or  ahead at both operating points, below)

    fpr_margin    = max(0.001, 2 * sqrt(p (1 - p) / n_ham)),   p = (fp + 1) / (n_ham + 2)   (current model)
    recall_margin = max(0.005, 2 * sqrt(r (1 - r) / n_spam)),  r = (tp + 1) / (n_spam + 2)  (current model)

Two standard errors of the current estimate is roughly what re-sampling the eval set moves a rate by; the
add-one smoothing keeps 0 false positives from pretending to be a zero-noise measurement; the floors (0.1 pp FPR,
0.5 pp recall) keep a huge eval set from failing a candidate over a rounding-sized change. Candidates measured on
a different eval set (different ``evalset`` digest, or different n_ham / n_spam) are refused: the numbers would
not be comparable. So are figures measured with different reference tables (``tables``, see
`training.frozen.GATE_TABLES`; figures that do not say were measured with the model's own, ``bundled``).

When the current model cannot score the eval set (its artifact is missing, corrupt, or was built for other
features than this code computes), `recorded_figures` stands in for it: the figures its model card recorded
on the same eval set when it was promoted. Only without those is the candidate treated as the first model.

`crossing` gives both models' recall at each model's false-positive count, curve against curve. Two models'
ROC curves can cross, a candidate flagging fewer real pages and catching fewer spams, and then a refusal is a
trade-off between operating points rather than a regression; the gate output says which. One case is not a
trade-off, and the rule lets it through (named ``ahead at both operating points``): a candidate within the
FPR margin whose recall at its threshold falls short of the recall margin, but whose curve at both models'
false-positive counts catches at least as much as the current model's and more at one of them. Its lower
recall comes from a stricter threshold, not a worse ranking; refusing it kept the worse model
(2026.11.29-153149 against -150835, session 12, on the default set: 84.9 against 69.8% at the candidate's
0 false positives, 86.0 against 84.4% at the current model's 3). Without the current model's scores
(`recorded_figures`) there is no crossing, and the two margins decide alone.

`promote_atomically` then installs the candidate's files. See its docstring for why the order is safe.
"""
from __future__ import annotations

import math
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from training.threshold import confusion_at, cut_allowing

RULE = "two-SE binomial noise margin"
DOMINANCE_RULE = "ahead at both operating points"
FPR_FLOOR = 0.001
RECALL_FLOOR = 0.005
_replace = os.replace   # indirection so tests can inject a failure at the rename step
_fsync = os.fsync


@dataclass(frozen=True)
class GateDecision:
    """Whether the candidate may replace the current model, why, and a Markdown comparison table."""

    passed: bool
    reasons: list[str]
    table_markdown: str
    fpr_margin: float = 0.0
    recall_margin: float = 0.0
    rule: str = RULE
    details: dict[str, Any] = field(default_factory=dict)


BUNDLED_TABLES = "bundled"   # figures measured with the model's own reference tables


def gate_metrics(y_true: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray, threshold: float,
                 evalset: str | None = None, tables: str = BUNDLED_TABLES) -> dict[str, Any]:
    """The dict `gate_decision` compares: fpr, recall, n_ham, n_spam (+ fp, tp, threshold, evalset digest, and
    which reference tables the scores were computed with)."""
    c = confusion_at(y_true, scores, threshold)
    out: dict[str, Any] = {"fpr": c["fpr"], "recall": c["recall"], "n_ham": c["n_ham"], "n_spam": c["n_spam"],
                           "fp": c["fp"], "tp": c["tp"], "threshold": float(threshold), "tables": tables}
    if evalset:
        out["evalset"] = evalset
    return out


def tables_of(figures: Mapping[str, Any]) -> str:
    """Which reference tables `figures` were measured with (older figures do not say: the model's own)."""
    return str(figures.get("tables", BUNDLED_TABLES))


def noise_margin(rate: float, n: int, floor: float) -> float:
    """Two standard errors of a binomial rate measured on n items (add-one smoothed), at least `floor`."""
    if n <= 0:
        return 1.0
    k = rate * n
    p = (k + 1.0) / (n + 2.0)
    return max(floor, 2.0 * math.sqrt(p * (1.0 - p) / n))


def gate_decision(current: Mapping[str, Any] | None, candidate: Mapping[str, Any], *,
                  fpr_margin: float | None = None, recall_margin: float | None = None,
                  crossed: Mapping[str, Any] | None = None) -> GateDecision:
    """Apply the gate (module doc). Margins default to the two-SE noise of the current model's estimates.

    `current` None (no model installed yet) passes with that reason, provided the candidate's numbers are valid.
    `crossed`: `crossing` of the two models on the same eval set, when both could score it.
    """
    _check(candidate, "candidate")
    if current is None:
        table = _table(None, candidate, fpr_margin or 0.0, recall_margin or 0.0)
        return GateDecision(True, ["no current model: the candidate is the first one"], table,
                            fpr_margin or 0.0, recall_margin or 0.0)
    _check(current, "current")
    fm = noise_margin(current["fpr"], int(current["n_ham"]), FPR_FLOOR) if fpr_margin is None else float(fpr_margin)
    rm = (noise_margin(current["recall"], int(current["n_spam"]), RECALL_FLOOR)
          if recall_margin is None else float(recall_margin))
    how = "default, " + RULE if fpr_margin is None or recall_margin is None else "given by the caller"
    reasons: list[str] = []
    ok = True
    ev_cur, ev_cand = current.get("evalset"), candidate.get("evalset")
    if ev_cur and ev_cand and ev_cur != ev_cand:
        ok = False
        reasons.append(f"REFUSED: measured on different eval sets ({ev_cur} vs {ev_cand}); re-evaluate the "
                       f"current model on the candidate's eval set")
    if tables_of(current) != tables_of(candidate):
        ok = False
        reasons.append(f"REFUSED: measured with different reference tables ({tables_of(current)} vs "
                       f"{tables_of(candidate)}); re-evaluate the current model as the candidate was")
    for n in ("n_ham", "n_spam"):
        if int(current[n]) != int(candidate[n]):
            ok = False
            reasons.append(f"REFUSED: {n} differs ({current[n]} vs {candidate[n]}): not the same eval set")
    fpr_ok = candidate["fpr"] <= current["fpr"] + fm + 1e-12
    reasons.append(f"{'ok' if fpr_ok else 'FAILED'}: candidate FPR {_pct(candidate['fpr'])} "
                   f"{'<=' if fpr_ok else '>'} current {_pct(current['fpr'])} + margin {_pct(fm)} ({how})")
    rec_ok = candidate["recall"] >= current["recall"] - rm - 1e-12
    reasons.append(f"{'ok' if rec_ok else 'FAILED'}: candidate recall {_pct(candidate['recall'])} "
                   f"{'>=' if rec_ok else '<'} current {_pct(current['recall'])} - margin {_pct(rm)} ({how})")
    dominates = False
    if ok and fpr_ok and not rec_ok and crossed is not None and crossed["finding"] == "candidate_ahead_at_both_points":
        dominates = True
        reasons.append(f"ok: {DOMINANCE_RULE}: {crossing_line(crossed)} Its lower recall is a stricter threshold, "
                       "not a worse model")
    passed = ok and fpr_ok and (rec_ok or dominates)
    return GateDecision(passed, reasons, _table(current, candidate, fm, rm), fm, rm,
                        details={"fpr_ok": fpr_ok, "recall_ok": rec_ok, "comparable": ok, "dominates": dominates})


def recall_at_ham_count(y_true: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray,
                        max_fp: int) -> float:
    """Recall at the lowest cut that flags at most `max_fp` hams (a spam is caught when its score is above
    the (max_fp+1)-th highest ham score; tied hams are never split, so ties can flag fewer)."""
    y = np.asarray(y_true).astype(int)
    s = np.asarray(scores, dtype=float)
    spams = s[y == 1]
    if len(spams) == 0:
        return float("nan")
    return float(np.mean(spams > cut_allowing(s[y == 0], max_fp)))


def crossing(y_true: Sequence[int] | np.ndarray, current_scores: Sequence[float] | np.ndarray,
             current: Mapping[str, Any], candidate_scores: Sequence[float] | np.ndarray,
             candidate: Mapping[str, Any]) -> dict[str, Any]:
    """Both models' recall at each model's false-positive count on the same eval set (`recall_at_ham_count`,
    curve against curve: a model's recall at its own threshold can be below its curve at its own count, when
    spams sit between its threshold and the next ham down), and a named finding: the candidate is ahead at
    both points (at least as high at both, higher at one), behind at both, level, or the curves cross."""
    cur_fp, cand_fp = int(current["fp"]), int(candidate["fp"])
    at = {(who, fp): recall_at_ham_count(y_true, scores, fp)
          for who, scores in (("current", current_scores), ("candidate", candidate_scores)) for fp in (cur_fp, cand_fp)}
    gaps = [at["candidate", fp] - at["current", fp] for fp in (cur_fp, cand_fp)]
    finding = ("candidate_level_at_both_points" if min(gaps) == 0.0 == max(gaps) else
               "candidate_ahead_at_both_points" if min(gaps) >= 0.0 else
               "candidate_behind_at_both_points" if max(gaps) <= 0.0 else
               "curves_cross")
    return {"current_fp": cur_fp, "candidate_fp": cand_fp,
            "candidate_recall_at_current_fp": at["candidate", cur_fp],
            "current_recall_at_current_fp": at["current", cur_fp],
            "candidate_recall_at_candidate_fp": at["candidate", cand_fp],
            "current_recall_at_candidate_fp": at["current", cand_fp],
            "finding": finding}


def crossing_line(c: Mapping[str, Any]) -> str:
    """One line for the gate output: both models' recall at each model's false-positive count, and the finding."""
    return (f"At the current model's {c['current_fp']} false positives the candidate catches "
            f"{_pct(c['candidate_recall_at_current_fp'])} (current {_pct(c['current_recall_at_current_fp'])}); at "
            f"the candidate's {c['candidate_fp']}, {_pct(c['candidate_recall_at_candidate_fp'])} (current "
            f"{_pct(c['current_recall_at_candidate_fp'])}): {c['finding'].replace('_', ' ')}.")


def recorded_figures(model_dir: Path, evalset: str, tables: str = BUNDLED_TABLES) -> dict[str, Any] | None:
    """The eval-set figures the installed model's card recorded at its promotion (`gate.candidate`), if they
    were measured on `evalset` with `tables` and are complete; None otherwise (no card, unreadable, other eval
    set or tables)."""
    import json

    try:
        card = json.loads((Path(model_dir) / "model_card.json").read_text(encoding="utf-8"))
        figures = dict(card["gate"]["candidate"])
        _check(figures, "recorded")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if figures.get("evalset") != evalset or tables_of(figures) != tables:
        return None
    figures["source"] = f"model card of {card.get('version', '?')} (recorded at its promotion)"
    return figures


def _check(d: Mapping[str, Any], who: str) -> None:
    for k in ("fpr", "recall", "n_ham", "n_spam"):
        if k not in d or d[k] is None:
            raise ValueError(f"{who} metrics lack {k!r} (need fpr, recall, n_ham, n_spam)")
    for k in ("fpr", "recall"):
        v = float(d[k])
        if not 0.0 <= v <= 1.0 or math.isnan(v):
            raise ValueError(f"{who} {k} must be within [0, 1], got {d[k]!r}")


def _table(cur: Mapping[str, Any] | None, cand: Mapping[str, Any], fm: float, rm: float) -> str:
    rows = ["| metric | current | candidate | change | allowed |", "|---|---:|---:|---:|---|"]
    for k, allowed in (("fpr", f"<= +{_pct(fm)}"), ("recall", f">= -{_pct(rm)}")):
        c = None if cur is None else float(cur[k])
        d = float(cand[k])
        change = "–" if c is None else f"{100 * (d - c):+.2f} pp"
        rows.append(f"| {k} | {_pct(c)} | {_pct(d)} | {change} | {allowed} |")
    for k in ("n_ham", "n_spam"):
        rows.append(f"| {k} | {'–' if cur is None else cur[k]} | {cand[k]} | | same |")
    return "\n".join(rows)


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * float(x):.2f}%"


# --------------------------------------------------------------------------- promotion

PROMOTED_MODE = 0o644


def promote_atomically(files: Mapping[str, bytes | Path], dest_dir: Path, *,
                       last: Sequence[str] = ("model_card.json",)) -> list[Path]:
    """Install `files` (name -> bytes or source path) into `dest_dir` so readers never load a torn file.

    1. Every file is written to a temp name in `dest_dir` (same filesystem), flushed and fsync'ed. Any failure
       here deletes the temps and leaves the installed files byte-identical.
    2. The temps are renamed over the targets with ``os.replace`` (atomic per file): the artifact first, the
       names in `last` (the model card) last, then the folder is fsync'ed. If a rename fails, the files already
       replaced are restored from hard-link backups taken just before, so the old set is back.
    3. Between two renames (microseconds) a reader can see the new artifact with the old card. That pair is
       never loaded silently: the card records the artifact's SHA-256 and `Detector.load` refuses a mismatch
       with ArtifactError, which a reloading service can retry. A crash (power loss) in that window leaves the
       same refused pair until promotion is rerun — loud, never a wrong model.

    A versioned folder plus an atomic symlink swap would close the window entirely, but the detector reads
    a fixed, committed folder (model/artifacts/), so per-file replace with hash verification is the simplest
    correct choice here. Returns the installed paths, in rename order.
    """
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    for name in files:
        if not name or Path(name).name != name or name in (".", ".."):
            raise ValueError(f"file names must be plain names inside dest_dir, got {name!r}")
    order = sorted(n for n in files if n not in last) + [n for n in last if n in files]
    temps: dict[str, Path] = {}
    try:
        for name in order:
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=dest_dir)
            temps[name] = Path(tmp)
            os.chmod(fd, PROMOTED_MODE)   # mkstemp makes 0600; a service running as another user must read it
            with os.fdopen(fd, "wb") as out:
                src = files[name]
                if isinstance(src, (bytes, bytearray, memoryview)):
                    out.write(src)
                else:
                    with open(src, "rb") as fh:
                        shutil.copyfileobj(fh, out, 1 << 20)
                out.flush()
                _fsync(out.fileno())
    except BaseException:
        _remove(temps.values())
        raise

    backups: dict[str, Path] = {}
    replaced: list[str] = []
    try:
        for name in order:
            target = dest_dir / name
            if target.exists():
                backup = dest_dir / f".{name}.{os.getpid()}.bak"
                if backup.exists():
                    backup.unlink()
                os.link(target, backup)
                backups[name] = backup
            _replace(temps[name], target)
            replaced.append(name)
        _fsync_dir(dest_dir)
    except BaseException:
        for name in reversed(replaced):       # put the old files back
            if name in backups:
                os.replace(backups.pop(name), dest_dir / name)
            else:
                (dest_dir / name).unlink(missing_ok=True)
        _remove(t for n, t in temps.items() if n not in replaced)
        _remove(backups.values())
        raise
    _remove(backups.values())
    return [dest_dir / n for n in order]


def _fsync_dir(path: Path) -> None:
    """Make the renames durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        _fsync(fd)
    finally:
        os.close(fd)


def _remove(paths: Any) -> None:
    for p in list(paths):
        try:
            Path(p).unlink()
        except FileNotFoundError:
            pass
