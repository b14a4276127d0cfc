"""Evaluation report: files, metrics, per-group tables, worst errors with evidence, determinism."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from training.report import (
    compute_metrics, evidence_from_verdict, group_rates, spin_bucket, spin_bucket_order, write_report,
)

ARTIFACT = Path(__file__).resolve().parents[1] / "model" / "artifacts" / "unspun.joblib"
requires_model = pytest.mark.skipif(not ARTIFACT.exists(),
                                    reason="model/artifacts/unspun.joblib not trained yet (lead removes this skip)")

PNGS = ("roc.png", "pr.png", "score_hist.png", "calibration.png", "recall_by_kind.png", "recall_by_spin_rate.png",
        "fpr_by_source.png", "fpr_by_page_type.png")


def synthetic(n_ham: int = 120, n_spam: int = 80, seed: int = 3) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    rng = np.random.default_rng(seed)
    y = np.r_[np.zeros(n_ham, int), np.ones(n_spam, int)]
    s = np.r_[rng.beta(2, 8, n_ham), rng.beta(8, 2, n_spam)]
    rates = [0.01, 0.02, 0.03, 0.05, 0.08, 0.12, 0.15, None]
    meta = []
    for i in range(len(y)):
        if y[i]:
            meta.append({"id": f"spam-{i}", "kind": ("farm_full", "inplace_spun")[i % 2], "spin_rate": rates[i % 8],
                         "source": "bbc"})
        else:
            meta.append({"id": f"ham-{i}", "kind": ("ham", "ham_related")[i % 2],
                         "source": ("wcxb", "newspaper")[i % 2],
                         "page_type": ("article", "forum", "product")[i % 3]})
    return y, s, meta


def test_report_writes_markdown_metrics_and_every_plot(tmp_path: Path) -> None:
    y, s, meta = synthetic()
    r = write_report(tmp_path, title="Held-out eval", y_true=y, scores=s, threshold=0.6, meta=meta,
                     summary={"generated": "2026-01-01T00:00Z", "model": "abc"})
    assert r.path == tmp_path / "report.md"
    for name in PNGS:
        data = (tmp_path / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000, name
    md = r.path.read_text()
    for heading in ("## Metrics", "## Threshold table", "## Recall by kind of spam", "## Recall by spin rate",
                    "## FPR by source", "## FPR by page type", "## FPR by kind of ham", "## Worst false positives",
                    "## Worst false negatives"):
        assert heading in md
    for name in PNGS:
        assert f"]({name})" in md
    assert "- **generated**: 2026-01-01T00:00Z" in md and r.summary_line in md
    assert json.loads((tmp_path / "metrics.json").read_text()) == r.metrics


def test_metrics_match_hand_counts() -> None:
    y = [0, 0, 0, 0, 1, 1, 1]
    s = [0.1, 0.2, 0.3, 0.7, 0.4, 0.8, 0.9]
    m = compute_metrics(y, s, 0.5)
    assert (m["tp"], m["fp"], m["tn"], m["fn"]) == (2, 1, 3, 1)
    assert m["precision"] == pytest.approx(2 / 3) and m["recall"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(2 / 3) and m["accuracy"] == pytest.approx(5 / 7)
    assert m["fpr"] == pytest.approx(0.25) and m["fnr"] == pytest.approx(1 / 3)
    assert m["roc_auc"] == pytest.approx(11 / 12)          # 11 of 12 (spam, ham) pairs ordered correctly
    assert m["brier"] == pytest.approx(np.mean((np.array(s) - np.array(y)) ** 2))
    assert m["fpr_upper95"] > 0.25


def test_one_class_only_gives_no_auc_and_no_roc_plot(tmp_path: Path) -> None:
    meta = [{"id": f"h{i}", "source": "wcxb"} for i in range(5)]
    r = write_report(tmp_path, title="hams", y_true=[0] * 5, scores=[0.1, 0.2, 0.3, 0.4, 0.9], threshold=0.5,
                     meta=meta)
    assert r.metrics["roc_auc"] is None and r.metrics["recall"] is None and r.metrics["fp"] == 1
    assert not (tmp_path / "roc.png").exists() and (tmp_path / "score_hist.png").exists()
    assert "ROC-AUC=n/a" in r.summary_line


def test_scores_outside_unit_interval_skip_brier_and_calibration(tmp_path: Path) -> None:
    r = write_report(tmp_path, title="margins", y_true=[0, 0, 1, 1], scores=[-2.0, -1.0, 1.5, 3.0], threshold=0.0,
                     meta=[{"id": str(i)} for i in range(4)])
    assert r.metrics["brier"] is None and not (tmp_path / "calibration.png").exists()
    assert (tmp_path / "roc.png").exists()
    assert r.metrics["roc_auc"] == 1.0


@pytest.mark.parametrize("rate,bucket", [
    (0.0, "<=1%"), (0.01, "<=1%"), (0.011, "1%-2%"), (0.02, "1%-2%"), (0.03, "2%-3%"), (0.05, "3%-5%"),
    (0.08, "5%-8%"), (0.12, "8%-12%"), (0.15, "12%-15%"), (0.151, ">15%"), (None, "unknown"), (float("nan"), "unknown"),
])
def test_spin_buckets(rate: float | None, bucket: str) -> None:
    assert spin_bucket(rate) == bucket
    assert bucket in spin_bucket_order()


def test_recall_by_spin_rate_and_fpr_by_source_tables(tmp_path: Path) -> None:
    y = np.array([1, 1, 1, 1, 0, 0, 0])
    s = np.array([0.9, 0.2, 0.9, 0.95, 0.7, 0.1, 0.2])
    meta = [{"id": "a", "spin_rate": 0.05}, {"id": "b", "spin_rate": 0.05}, {"id": "c", "spin_rate": 0.15},
            {"id": "d", "spin_rate": 0.20}, {"id": "e", "source": "wcxb"}, {"id": "f", "source": "wcxb"},
            {"id": "g", "source": "bbc"}]
    md = write_report(tmp_path, title="t", y_true=y, scores=s, threshold=0.5, meta=meta, plots=False).path.read_text()
    assert not list(tmp_path.glob("*.png")) and "Plots not drawn" in md
    assert "| 3%-5% | 2 | 1 | 50.00% |" in md
    assert "| 12%-15% | 1 | 1 | 100.00% |" in md and "| >15% | 1 | 1 | 100.00% |" in md
    assert "| wcxb | 2 | 1 | 50.00% |" in md and "| bbc | 1 | 0 | 0.00% | 0.00% – 97.50% |" in md
    # spin buckets appear in rate order, not alphabetical
    assert md.index("| 3%-5% |") < md.index("| 12%-15% |") < md.index("| >15% |")


def test_group_rates_intervals_bracket_the_rate() -> None:
    y = np.array([1] * 10 + [0] * 10)
    s = np.array([0.9] * 7 + [0.1] * 3 + [0.1] * 10)
    (row,) = group_rates(y, s, 0.5, ["k"] * 20, 1)
    assert (row["n"], row["flagged"], row["rate"]) == (10, 7, 0.7)
    assert row["lower95"] < 0.7 < row["upper95"]


def test_worst_lists_are_the_real_errors_in_order_with_evidence_by_id(tmp_path: Path) -> None:
    y = np.array([0] * 30 + [1] * 3)
    s = np.array([0.5 + i / 100 for i in range(30)] + [0.05, 0.1, 0.99])    # hams 0.50..0.79, all >= 0.5
    meta = [{"id": f"h{i}", "kind": "ham"} for i in range(30)] + [{"id": "s|1", "kind": "farm_full"},
                                                                 {"id": "s2", "kind": "inplace_spun"},
                                                                 {"id": "s3", "kind": "farm_full"}]
    evidence = [{"id": "h29", "fired": ["trailing_links"], "examples": ["More Stories"]},
                {"id": "h0", "fired": ["copyright_residue"]},            # h0 is the 30th worst: not listed
                {"id": "s|1", "fired": []}]
    md = write_report(tmp_path, title="t", y_true=y, scores=s, threshold=0.5, meta=meta,
                      worst_evidence=evidence, plots=False).path.read_text()
    fp = md.split("## Worst false positives")[1].split("## Worst false negatives")[0]
    fn = md.split("## Worst false negatives")[1].split("## Closest calls")[0]
    rows = [line for line in fp.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert len(rows) == 20 and rows[0].startswith("| 1 | h29 | 0.7900 |") and rows[-1].startswith("| 20 | h10 |")
    assert '"fired": ["trailing_links"]' in rows[0] and "copyright_residue" not in md
    assert "| 1 | s\\|1 | 0.0500 | farm_full |" in fn and "| 2 | s2 | 0.1000 |" in fn and "s3" not in fn
    assert md.split("## Closest calls")[1].endswith("\n\nNone.\n")                  # every ham is at or above 0.5


def test_closest_calls_list_hams_just_below_the_threshold(tmp_path: Path) -> None:
    y = [0] * 14 + [1]
    s = [i / 20 for i in range(14)] + [0.9]                  # hams 0.00 .. 0.65; threshold 0.5
    md = write_report(tmp_path, title="t", y_true=y, scores=s, threshold=0.5,
                      meta=[{"id": f"h{i}"} for i in range(15)], plots=False).path.read_text()
    close = md.split("## Closest calls")[1]
    rows = [line for line in close.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert [r.split(" | ")[1] for r in rows] == ["h9", "h8", "h7", "h6", "h5", "h4", "h3", "h2", "h1", "h0"]


def test_stale_plots_from_an_earlier_run_are_removed(tmp_path: Path) -> None:
    y, s, meta = synthetic(20, 10)
    write_report(tmp_path, title="t", y_true=y, scores=s, threshold=0.5, meta=meta)
    assert (tmp_path / "roc.png").exists()
    write_report(tmp_path, title="t", y_true=y, scores=s, threshold=0.5, meta=meta, plots=False)
    assert not list(tmp_path.glob("*.png"))


def test_report_is_deterministic(tmp_path: Path) -> None:
    y, s, meta = synthetic()
    a = write_report(tmp_path / "a", title="t", y_true=y, scores=s, threshold=0.55, meta=meta, plots=False)
    b = write_report(tmp_path / "b", title="t", y_true=y, scores=s, threshold=0.55, meta=meta, plots=False)
    for name in ("report.md", "metrics.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert a.summary_line == b.summary_line


def test_meta_length_must_match(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="meta has 1 entries for 2 pages"):
        write_report(tmp_path, title="t", y_true=[0, 1], scores=[0.1, 0.9], threshold=0.5, meta=[{}])


# --------------------------------------------------------------------------- evidence from verdicts

@dataclass
class FakeEvidence:
    text: str
    suggestion: str | None = None


@dataclass
class FakeSignal:
    name: str
    strength: float
    fired: bool
    reason: str = ""
    evidence: tuple = ()


@dataclass
class FakeVerdict:
    score: float
    signals: tuple = field(default_factory=tuple)


def test_evidence_from_verdict_lists_fired_signals_and_examples() -> None:
    v = FakeVerdict(0.97, (
        FakeSignal("spun_phrases", 0.9, True, "inverse_thesaurus",
                   (FakeEvidence("Secretary of Point out", "Secretary of State"), FakeEvidence("Key Minister"))),
        FakeSignal("trailing_links", 0.1, False, "", (FakeEvidence("Related"),)),
    ))
    e = evidence_from_verdict("p1", v)
    assert e["id"] == "p1" and e["fired"] == ["spun_phrases"] and e["reasons"] == ["inverse_thesaurus"]
    assert e["strength"] == {"spun_phrases": 0.9, "trailing_links": 0.1}
    assert e["examples"][0] == "spun_phrases: Secretary of Point out -> Secretary of State"
    assert len(evidence_from_verdict("p1", v, max_examples=1)["examples"]) == 1


FARM = """<html><head><title>Embassy news</title></head><body><article>
<p>Secretary of Point out Mike Smith delivered the warning in latest phone calls to the Key Minister, the
officials said on Sunday. The governing administration said it would slice the variety of forces to about
three,000 from about five,200, and import all-natural gasoline from a neighbouring place.</p>
<p>Copyright &copy;2020 Dow Jones &amp; Firm, Inc. All Rights Reserved. 87990cbe856818d5eddac44c7b1cdeb8</p>
</article><div class="more"><h3>More Stories</h3><ul><li><a href="/a">Best keto pills 2020</a></li>
<li><a href="/b">Cheap car insurance quotes now</a></li><li><a href="/c">Celebrity net worth revealed</a></li>
</ul></div></body></html>"""
REAL = """<html><head><title>Council news</title></head><body><article>
<p>The town council voted on Tuesday to repair the bridge on Mill Road, the mayor said. Work starts in
March and will cost about 3,000 pounds, paid from the roads budget.</p><p>Residents welcomed the decision.</p>
</article></body></html>"""


@requires_model
def test_report_from_real_detector_scores(tmp_path: Path) -> None:
    from model import Detector

    det = Detector.load()
    pages = [("farm", FARM, 1), ("real", REAL, 0)]
    verdicts = [det.score(html.encode()) for _, html, _ in pages]
    r = write_report(tmp_path, title="smoke", y_true=[p[2] for p in pages], scores=[v.score for v in verdicts],
                     threshold=det.threshold, meta=[{"id": p[0], "kind": p[0]} for p in pages],
                     worst_evidence=[evidence_from_verdict(p[0], v) for p, v in zip(pages, verdicts)])
    assert r.metrics["n"] == 2 and 0.0 <= r.metrics["brier"] <= 1.0
    assert verdicts[0].score > verdicts[1].score
