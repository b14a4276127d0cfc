"""Quality gate, frozen eval set and atomic promotion."""
from __future__ import annotations

import gzip
import json
import math
import os
from pathlib import Path

import numpy as np
import pytest

import training.gate as gate
from training.evalset import DIGEST_FILE, MANIFEST, EvalSetError, load_evalset, manifest_digest, write_evalset
from training.gate import crossing, gate_decision, gate_metrics, noise_margin, promote_atomically, recall_at_ham_count
from training.operator_data import LabelledPage


def metrics(fpr: float, recall: float, n_ham: int = 1000, n_spam: int = 1000, **extra: object) -> dict:
    return {"fpr": fpr, "recall": recall, "n_ham": n_ham, "n_spam": n_spam, **extra}


# --------------------------------------------------------------------------- gate_decision

def test_identical_metrics_pass() -> None:
    d = gate_decision(metrics(0.004, 0.93), metrics(0.004, 0.93))
    assert d.passed and d.rule == "two-SE binomial noise margin"
    assert all(r.startswith("ok") for r in d.reasons)
    assert "| fpr | 0.40% | 0.40% | +0.00 pp |" in d.table_markdown


def test_swapped_labels_make_the_gate_refuse() -> None:
    rng = np.random.default_rng(7)
    y = np.r_[np.zeros(500, int), np.ones(500, int)]
    s = np.r_[rng.beta(2, 8, 500), rng.beta(8, 2, 500)]
    current = gate_metrics(y, s, 0.6, evalset="e1")
    candidate = gate_metrics(1 - y, s, 0.6, evalset="e1")           # trained on swapped labels
    d = gate_decision(current, candidate)
    assert not d.passed
    assert any(r.startswith("FAILED: candidate FPR") for r in d.reasons)
    assert any(r.startswith("FAILED: candidate recall") for r in d.reasons)


def test_default_fpr_margin_is_two_standard_errors_of_current() -> None:
    cur = metrics(0.010, 0.90, n_ham=1000)
    p = (10 + 1) / 1002
    expected = 2 * math.sqrt(p * (1 - p) / 1000)                    # about 0.66 pp
    assert noise_margin(0.010, 1000, 0.001) == pytest.approx(expected)
    ok = gate_decision(cur, metrics(0.010 + expected - 1e-4, 0.90))
    bad = gate_decision(cur, metrics(0.010 + expected + 1e-4, 0.90))
    assert ok.passed and ok.fpr_margin == pytest.approx(expected)
    assert not bad.passed and bad.details == {"fpr_ok": False, "recall_ok": True, "comparable": True,
                                              "dominates": False}


def test_default_recall_margin_is_two_standard_errors_of_current() -> None:
    cur = metrics(0.002, 0.90, n_spam=400)
    p = (360 + 1) / 402
    rm = 2 * math.sqrt(p * (1 - p) / 400)
    assert gate_decision(cur, metrics(0.002, 0.90 - rm + 1e-4, n_spam=400)).passed
    d = gate_decision(cur, metrics(0.002, 0.90 - rm - 1e-4, n_spam=400))
    assert not d.passed and d.details["recall_ok"] is False


def test_margins_have_floors_on_huge_eval_sets() -> None:
    big = 10_000_000
    cur = metrics(0.0, 1.0, n_ham=big, n_spam=big)
    assert noise_margin(0.0, big, gate.FPR_FLOOR) == gate.FPR_FLOOR
    assert gate_decision(cur, metrics(0.0009, 0.996, n_ham=big, n_spam=big)).passed
    assert not gate_decision(cur, metrics(0.0011, 1.0, n_ham=big, n_spam=big)).passed
    assert not gate_decision(cur, metrics(0.0, 0.994, n_ham=big, n_spam=big)).passed


def test_zero_false_positives_on_a_small_set_still_has_noise() -> None:
    m = noise_margin(0.0, 300, gate.FPR_FLOOR)
    assert m > 0.005                        # one extra FP among 300 hams (0.33 pp) is within noise
    assert gate_decision(metrics(0.0, 0.9, n_ham=300), metrics(1 / 300, 0.9, n_ham=300)).passed


def test_explicit_margins_are_used() -> None:
    cur = metrics(0.01, 0.90)
    assert not gate_decision(cur, metrics(0.0105, 0.90), fpr_margin=0.0, recall_margin=0.0).passed
    d = gate_decision(cur, metrics(0.0105, 0.90), fpr_margin=0.001, recall_margin=0.0)
    assert d.passed and "given by the caller" in d.reasons[0]


def test_different_eval_sets_are_not_compared() -> None:
    d = gate_decision(metrics(0.01, 0.9, evalset="aaa"), metrics(0.01, 0.9, evalset="bbb"))
    assert not d.passed and "different eval sets" in d.reasons[0]
    d2 = gate_decision(metrics(0.01, 0.9, n_ham=1000), metrics(0.01, 0.9, n_ham=999))
    assert not d2.passed and "n_ham differs" in d2.reasons[0]


def test_figures_measured_with_different_reference_tables_are_not_compared() -> None:
    held_out = metrics(0.004, 0.81, tables="without_eval_fold")
    d = gate_decision(metrics(0.001, 0.77), held_out)         # figures that do not say: the model's own tables
    assert not d.passed and "different reference tables" in d.reasons[0]
    assert gate_decision(metrics(0.001, 0.77, tables="bundled"), metrics(0.001, 0.77)).passed   # near miss: alike
    assert gate_decision(held_out, dict(held_out)).passed


def test_first_model_passes_and_invalid_metrics_raise() -> None:
    d = gate_decision(None, metrics(0.01, 0.9))
    assert d.passed and "no current model" in d.reasons[0]
    with pytest.raises(ValueError, match="lack 'recall'"):
        gate_decision(metrics(0.01, 0.9), {"fpr": 0.1, "n_ham": 1, "n_spam": 1})
    with pytest.raises(ValueError, match="within"):
        gate_decision(metrics(0.01, 0.9), metrics(1.5, 0.9))


# --------------------------------------------------------------------------- promote_atomically

def install_old(d: Path) -> dict[str, bytes]:
    old = {"unspun.joblib": b"old-artifact" * 100, "model_card.json": b'{"sha256": "old"}'}
    d.mkdir(parents=True, exist_ok=True)
    for name, data in old.items():
        (d / name).write_bytes(data)
    return old


NEW = {"unspun.joblib": b"new-artifact" * 100, "model_card.json": b'{"sha256": "new"}'}


def test_promote_installs_files_card_last_and_leaves_no_temps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "artifacts"
    install_old(d)
    src = tmp_path / "built.joblib"
    src.write_bytes(NEW["unspun.joblib"])
    calls: list[str] = []
    real = gate._replace
    monkeypatch.setattr(gate, "_replace", lambda a, b: (calls.append(Path(b).name), real(a, b)))
    out = promote_atomically({"model_card.json": NEW["model_card.json"], "unspun.joblib": src}, d)
    assert calls == ["unspun.joblib", "model_card.json"] and [p.name for p in out] == calls
    assert {p.name: p.read_bytes() for p in d.iterdir()} == NEW     # no temp or backup files left


def test_failure_before_rename_leaves_old_files_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "artifacts"
    old = install_old(d)

    def boom(fd: int) -> None:
        raise OSError("disk full (injected)")

    monkeypatch.setattr(gate, "_fsync", boom)
    with pytest.raises(OSError, match="injected"):
        promote_atomically(NEW, d)
    assert {p.name: p.read_bytes() for p in d.iterdir()} == old


def test_failure_between_renames_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "artifacts"
    old = install_old(d)
    real = gate._replace

    def second_fails(a: Path, b: Path) -> None:
        if Path(b).name == "model_card.json":
            raise OSError("rename failed (injected)")
        real(a, b)

    monkeypatch.setattr(gate, "_replace", second_fails)
    with pytest.raises(OSError, match="injected"):
        promote_atomically(NEW, d)
    assert {p.name: p.read_bytes() for p in d.iterdir()} == old


def test_failed_first_install_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "fresh"
    real = gate._replace
    monkeypatch.setattr(gate, "_replace", lambda a, b: (_ for _ in ()).throw(OSError("x")) if Path(b).name ==
                        "model_card.json" else real(a, b))
    with pytest.raises(OSError):
        promote_atomically(NEW, d)
    assert list(d.iterdir()) == []


@pytest.mark.parametrize("bad", ["../escape.json", "sub/card.json", "", ".."])
def test_promote_refuses_paths_outside_dest(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError, match="plain names"):
        promote_atomically({bad: b"x"}, tmp_path)


# --------------------------------------------------------------------------- frozen eval set

def items() -> list[LabelledPage]:
    return [
        LabelledPage(id="farm-1", html=b"<p>Key Minister said three,000 troops</p>", label=1, kind="farm_full",
                     url="http://farm.example/1", meta={"spin_rate": 0.05, "source": "bbc", "site": "farm.example"}),
        LabelledPage(id="ham-1", html=b"<p>The Prime Minister said 3,000 troops</p>", label=0,
                     meta={"source": "wcxb", "page_type": "article"}),
        LabelledPage(id="ham-2", html="<p>Caf\u00e9 menu</p>".encode(), label=0, kind="ham_related"),
    ]


def test_evalset_round_trip_and_deterministic_digest(tmp_path: Path) -> None:
    digest_file = write_evalset(tmp_path / "a", items())
    write_evalset(tmp_path / "b", list(reversed(items())))
    digest = digest_file.read_text().split()[0]
    assert digest == manifest_digest(tmp_path / "a") == manifest_digest(tmp_path / "b")
    assert (tmp_path / "a" / MANIFEST).read_bytes() == (tmp_path / "b" / MANIFEST).read_bytes()
    loaded = {it.id: it for it in load_evalset(tmp_path / "a", digest)}
    for it in items():
        got = loaded[it.id]
        assert (got.html, got.label, got.url) == (it.html, it.label, it.url)
        assert got.meta == it.meta and got.kind == (it.kind or "ham")
    rec = json.loads((tmp_path / "a" / MANIFEST).read_text().splitlines()[0])
    assert set(rec) == {"id", "sha256", "label", "kind", "spin_rate", "source", "site", "page_type", "url"}


def test_a_spun_pages_dictionary_round_trips_and_other_records_keep_their_fields(tmp_path: Path) -> None:
    spun = LabelledPage(id="inplace-1", html=b"<p>the Key Minister</p>", label=1, kind="inplace_spun",
                        meta={"spin_rate": 0.02, "dictionary": "private"})
    write_evalset(tmp_path, items() + [spun])
    loaded = {it.id: it for it in load_evalset(tmp_path)}
    assert loaded["inplace-1"].meta == spun.meta
    records = {r["id"]: r for r in map(json.loads, (tmp_path / MANIFEST).read_text().splitlines())}
    assert records["inplace-1"]["dictionary"] == "private"
    assert "dictionary" not in records["farm-1"] and "dictionary" not in records["ham-1"]


def test_recall_by_dictionary_counts_spun_pages_of_each_dictionary_at_the_threshold() -> None:
    from training.frozen import format_recall_by_dictionary, recall_by_dictionary

    pages = [LabelledPage(id=f"p{i}", html=b"x", label=label, meta={"dictionary": name} if name else {})
             for i, (label, name) in enumerate([(1, "seed"), (1, "seed"), (1, "moby"), (1, ""), (0, "")])]
    scores = [0.9, 0.4, 0.5, 0.99, 0.99]
    got = recall_by_dictionary(pages, scores, 0.5)
    assert got == {"moby": (1, 1), "seed": (1, 2)}           # at the threshold counts; hams and unknowns left out
    assert recall_by_dictionary(pages, scores, 0.95) == {"moby": (0, 1), "seed": (0, 2)}
    line = format_recall_by_dictionary({"seed": (0, 2)}, got)
    assert line == "moby 100.0% (n=1); seed 0.0% -> 50.0% (n=2)"


def test_load_evalset_refuses_a_tampered_page(tmp_path: Path) -> None:
    write_evalset(tmp_path, items())
    target = tmp_path / "pages" / f"{items()[1].sha256}.html.gz"
    target.write_bytes(gzip.compress(b"<p>The Prime Minister said 4,000 troops</p>"))
    with pytest.raises(EvalSetError, match="ham-1: page bytes hash to"):
        load_evalset(tmp_path)


def test_load_evalset_refuses_a_missing_page(tmp_path: Path) -> None:
    write_evalset(tmp_path, items())
    (tmp_path / "pages" / f"{items()[0].sha256}.html.gz").unlink()
    with pytest.raises(EvalSetError, match="farm-1: cannot read"):
        load_evalset(tmp_path)


def test_load_evalset_refuses_an_edited_manifest_or_an_unexpected_digest(tmp_path: Path) -> None:
    digest = write_evalset(tmp_path, items()).read_text().split()[0]
    assert len(load_evalset(tmp_path, digest.upper())) == 3                       # near miss: same digest
    with pytest.raises(EvalSetError, match="different eval set"):
        load_evalset(tmp_path, "0" * 64)
    m = tmp_path / MANIFEST
    m.write_text(m.read_text().replace('"label": 0', '"label": 1', 1))           # relabel one ham
    with pytest.raises(EvalSetError, match="changed after the set was frozen"):
        load_evalset(tmp_path, digest)
    (tmp_path / DIGEST_FILE).unlink()
    with pytest.raises(EvalSetError, match="cannot read MANIFEST.sha256"):
        load_evalset(tmp_path)


def test_write_evalset_refuses_overwrite_duplicates_and_empty(tmp_path: Path) -> None:
    write_evalset(tmp_path / "e", items())
    with pytest.raises(EvalSetError, match="already exists"):
        write_evalset(tmp_path / "e", items())
    smaller = items()[:2]
    write_evalset(tmp_path / "e", smaller, overwrite=True)
    on_disk = sorted(p.name for p in (tmp_path / "e" / "pages").iterdir())
    assert on_disk == sorted(f"{i.sha256}.html.gz" for i in smaller)
    dup = items() + [LabelledPage(id="copy", html=items()[0].html, label=1)]
    with pytest.raises(EvalSetError, match="identical bytes"):
        write_evalset(tmp_path / "d", dup)
    with pytest.raises(EvalSetError, match="duplicate id"):
        write_evalset(tmp_path / "d", items() + [LabelledPage(id="ham-1", html=b"<p>other</p>", label=0)])
    with pytest.raises(EvalSetError, match="empty"):
        write_evalset(tmp_path / "d", [])


def test_gz_pages_are_byte_stable(tmp_path: Path) -> None:
    write_evalset(tmp_path / "a", items())
    write_evalset(tmp_path / "b", items())
    for p in (tmp_path / "a" / "pages").iterdir():
        assert p.read_bytes() == (tmp_path / "b" / "pages" / p.name).read_bytes()
    assert os.path.getsize(tmp_path / "a" / DIGEST_FILE) == 64 + 2 + len(MANIFEST) + 1


def test_evalset_cli_verifies(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from training.evalset import main

    digest = write_evalset(tmp_path, items()).read_text().split()[0]
    assert main([str(tmp_path), "--digest", digest]) == 0
    assert "ok: 3 pages (1 spam, 2 ham)" in capsys.readouterr().out
    assert main([str(tmp_path), "--digest", "f" * 64]) == 1
    assert "different eval set" in capsys.readouterr().err


# --------------------------------------------------------------------------- promotion against the real loader

def model_pair(version: str) -> dict[str, bytes]:
    """A loadable (artifact, card) pair in the detector's format, with a stand-in pipeline."""
    from model.artifact import ARTIFACT_NAME, CARD_NAME, FORMAT_VERSION, dump_bundle, sha256_bytes

    data = dump_bundle({"pipeline": version, "threshold": 0.5, "feature_names": [], "tables": {},
                        "format": FORMAT_VERSION})
    card = {"version": version, "artifact_sha256": sha256_bytes(data)}
    return {ARTIFACT_NAME: data, CARD_NAME: json.dumps(card).encode()}


def test_promoted_pair_loads_and_a_half_promoted_pair_is_refused(tmp_path: Path) -> None:
    from model.artifact import ARTIFACT_NAME, load_artifact
    from model.errors import ArtifactError

    d = tmp_path / "artifacts"
    promote_atomically(model_pair("v1"), d)
    assert load_artifact(d)[1]["version"] == "v1"
    promote_atomically(model_pair("v2"), d)
    bundle, card, _ = load_artifact(d)
    assert card["version"] == "v2" and bundle["pipeline"] == "v2"
    # What a reader sees between the two renames (or after a crash there): new artifact, old card.
    (d / ARTIFACT_NAME).write_bytes(model_pair("v3")[ARTIFACT_NAME])
    with pytest.raises(ArtifactError, match="does not match its model card"):
        load_artifact(d)


def test_rolled_back_promotion_still_loads_the_old_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from model.artifact import CARD_NAME, load_artifact

    d = tmp_path / "artifacts"
    promote_atomically(model_pair("v1"), d)
    real = gate._replace
    monkeypatch.setattr(gate, "_replace", lambda a, b: (_ for _ in ()).throw(OSError("injected"))
                        if Path(b).name == CARD_NAME else real(a, b))
    with pytest.raises(OSError, match="injected"):
        promote_atomically(model_pair("v2"), d)
    assert load_artifact(d)[1]["version"] == "v1"


# --------------------------------------------------------------------------- the whole operator flow

class FakeDetector:
    """Stands in for model.Detector: scores by counting spun phrases; same attributes the toolkit uses."""

    threshold = 0.5
    version = "fake-1"

    def score(self, page: bytes) -> object:
        text = page.decode()
        hits = sum(text.count(p) for p in ("Point out", "Key Minister", "all-natural gasoline"))

        class V:
            score = min(1.0, 0.2 + 0.3 * hits)
        return V()


def test_operator_flow_data_evalset_threshold_report_gate(tmp_path: Path) -> None:
    from training.operator_data import dataset_sha256, load_labelled
    from training.report import write_report
    from training.threshold import choose_threshold

    root = tmp_path / "data"
    for label, text in (("spam", "Secretary of Point out met the Key Minister about all-natural gasoline"),
                        ("ham", "Secretary of State met the Prime Minister about natural gas")):
        (root / label).mkdir(parents=True)
        for i in range(25):
            extra = " Point out" if label == "ham" and i == 0 else ""       # one hard ham
            (root / label / f"{i}.html").write_text(f"<p>{text} ({i}){extra}</p>")
    data = load_labelled(root)
    digest = write_evalset(tmp_path / "eval", data.items).read_text().split()[0]
    pages = load_evalset(tmp_path / "eval", digest)
    assert dataset_sha256(pages) == dataset_sha256(data.items)

    det = FakeDetector()
    y = [p.label for p in pages]
    s = [det.score(p.html).score for p in pages]
    choice = choose_threshold(y, s, target_fpr=0.05)
    assert choice.counts["fp"] <= 1 and choice.recall == 1.0
    r = write_report(tmp_path / "report", title="operator eval", y_true=y, scores=s, threshold=choice.threshold,
                     meta=[{"id": p.id, "kind": p.kind, **p.meta} for p in pages], plots=False,
                     extra_markdown="## Threshold choice\n\n" + choice.to_markdown())
    assert "## Threshold choice" in r.path.read_text() and r.metrics["recall"] == 1.0
    current = gate_metrics(y, s, choice.threshold, evalset=digest)
    assert gate_decision(current, dict(current)).passed
    worse = gate_metrics(y, [1.0 - v for v in s], choice.threshold, evalset=digest)
    assert not gate_decision(current, worse).passed


# --------------------------------------------------------------------------- crossing curves

def test_recall_at_ham_count_uses_the_strictest_cut_within_the_count() -> None:
    y = [0, 0, 0, 0, 1, 1, 1, 1]
    s = [0.9, 0.6, 0.2, 0.1, 0.95, 0.7, 0.5, 0.3]
    assert recall_at_ham_count(y, s, 0) == 0.25        # above the top ham (0.9): one spam
    assert recall_at_ham_count(y, s, 1) == 0.5         # above the second ham (0.6)
    assert recall_at_ham_count(y, s, 4) == 1.0         # every ham may be flagged
    tied = [0.8, 0.8, 0.2, 0.1, 0.95, 0.85, 0.8, 0.3]  # near miss: two hams tied at 0.8 cannot be split
    assert recall_at_ham_count(y, tied, 1) == 0.5      # a spam at the tie is not above the cut


def _scored(y: list[int], s: list[float], threshold: float) -> dict:
    return gate_metrics(y, s, threshold)


def test_crossing_says_when_a_stricter_candidate_is_a_trade_off_not_a_regression() -> None:
    y = [0] * 6 + [1] * 10
    current = [0.9, 0.8, 0.3, 0.2, 0.1, 0.0] + [0.95, 0.92, 0.88, 0.86, 0.84, 0.82, 0.5, 0.4, 0.35, 0.3]
    # stricter: no ham above 0.6, so at no false positive it catches more than the current model does; where
    # the current model operates (two false positives) it catches less
    candidate = [0.6, 0.5, 0.45, 0.2, 0.1, 0.0] + [0.99, 0.9, 0.8, 0.7, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05]
    cur, cand = _scored(y, current, 0.75), _scored(y, candidate, 0.65)
    assert (cur["fp"], cand["fp"]) == (2, 0) and (cur["recall"], cand["recall"]) == (0.6, 0.4)
    c = crossing(y, current, cur, candidate, cand)
    assert (c["candidate_recall_at_candidate_fp"], c["current_recall_at_candidate_fp"]) == (0.4, 0.2)   # ahead
    assert (c["candidate_recall_at_current_fp"], c["current_recall_at_current_fp"]) == (0.4, 0.9)       # behind
    assert c["finding"] == "curves_cross"
    decision = gate_decision(cur, cand, fpr_margin=0.001, recall_margin=0.05, crossed=c)
    assert not decision.passed and not decision.details["dominates"]   # a trade-off is not let through


def test_a_stricter_candidate_ahead_at_both_operating_points_passes() -> None:
    y = [0] * 6 + [1] * 10
    current = [0.9, 0.8, 0.3, 0.2, 0.1, 0.0] + [0.95, 0.92, 0.88, 0.86, 0.84, 0.82, 0.5, 0.4, 0.35, 0.3]
    # a better ranking at a stricter threshold: no false positive and 30% caught where the current model has
    # 2 and 60%; at 0 false positives its curve catches 70% against 20%, at 2 it catches 80% against 90%...
    candidate = [0.6, 0.5, 0.45, 0.2, 0.1, 0.0] + [0.99, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.55, 0.3, 0.1]
    cur, cand = _scored(y, current, 0.75), _scored(y, candidate, 0.88)
    assert (cur["fp"], cur["recall"], cand["fp"], cand["recall"]) == (2, 0.6, 0, 0.3)
    c = crossing(y, current, cur, candidate, cand)
    assert (c["candidate_recall_at_candidate_fp"], c["current_recall_at_candidate_fp"]) == (0.7, 0.2)
    assert (c["candidate_recall_at_current_fp"], c["current_recall_at_current_fp"]) == (0.8, 0.9)
    assert c["finding"] == "curves_cross"            # ...so not yet: 80% is below 90%
    current[-4:] = [0.25, 0.2, 0.15, 0.1]           # the current model's tail is weaker: 60% at 2 false positives
    c = crossing(y, current, cur, candidate, cand)
    assert (c["candidate_recall_at_current_fp"], c["current_recall_at_current_fp"]) == (0.8, 0.6)
    assert c["finding"] == "candidate_ahead_at_both_points"
    decision = gate_decision(cur, cand, fpr_margin=0.001, recall_margin=0.05, crossed=c)
    assert decision.passed and decision.details == {"fpr_ok": True, "recall_ok": False, "comparable": True,
                                                    "dominates": True}
    assert any(r.startswith("ok: ahead at both operating points") for r in decision.reasons)
    # near misses: without the current model's scores the margins decide alone; over the FPR margin, refused
    assert not gate_decision(cur, cand, fpr_margin=0.001, recall_margin=0.05).passed
    looser = {**cand, "fpr": cur["fpr"] + 0.01}
    assert not gate_decision(cur, looser, fpr_margin=0.001, recall_margin=0.05, crossed=c).passed


def test_the_same_model_at_a_stricter_threshold_is_level_not_ahead() -> None:
    y = [0] * 6 + [1] * 10
    scores = [0.9, 0.8, 0.3, 0.2, 0.1, 0.0] + [0.95, 0.92, 0.88, 0.86, 0.84, 0.82, 0.5, 0.4, 0.35, 0.3]
    cur, stricter = _scored(y, scores, 0.75), _scored(y, scores, 0.91)
    c = crossing(y, scores, cur, scores, stricter)
    assert c["finding"] == "candidate_level_at_both_points"
    assert not gate_decision(cur, stricter, fpr_margin=0.001, recall_margin=0.05, crossed=c).passed


def test_crossing_of_a_dominated_or_dominating_candidate() -> None:
    y = [0] * 4 + [1] * 4
    good = [0.4, 0.3, 0.2, 0.1, 0.9, 0.8, 0.7, 0.6]
    bad = [0.9, 0.3, 0.2, 0.1, 0.95, 0.5, 0.35, 0.25]
    g, b = _scored(y, good, 0.5), _scored(y, bad, 0.5)
    assert crossing(y, good, g, bad, b)["finding"] == "candidate_behind_at_both_points"
    assert crossing(y, bad, b, good, g)["finding"] == "candidate_ahead_at_both_points"


def _card(tmp_path: Path, figures: dict, version: str = "v1") -> Path:
    (tmp_path / "model_card.json").write_text(json.dumps({"version": version, "gate": {"candidate": figures}}))
    return tmp_path


def test_recorded_figures_stand_in_for_a_model_that_cannot_score(tmp_path: Path) -> None:
    recorded = metrics(0.0, 0.678, n_ham=689, n_spam=873, evalset="abc")
    current = gate.recorded_figures(_card(tmp_path, recorded), "abc")
    assert current is not None and current["fpr"] == 0.0 and "v1" in current["source"]
    # 2 false positives of 689 against a recorded 0: just outside the two-SE margin, so refused
    assert not gate_decision(current, metrics(2 / 689, 0.693, n_ham=689, n_spam=873, evalset="abc")).passed
    assert gate_decision(current, metrics(1 / 689, 0.693, n_ham=689, n_spam=873, evalset="abc")).passed


def test_recorded_figures_of_another_eval_set_or_a_broken_card_are_not_used(tmp_path: Path) -> None:
    assert gate.recorded_figures(_card(tmp_path, metrics(0.0, 0.7, evalset="abc")), "other") is None
    assert gate.recorded_figures(_card(tmp_path, {"fpr": 0.0}), "abc") is None          # incomplete
    (tmp_path / "model_card.json").write_text("{not json")
    assert gate.recorded_figures(tmp_path, "abc") is None
    assert gate.recorded_figures(tmp_path / "missing", "abc") is None


def test_recorded_figures_are_used_only_for_the_same_reference_tables(tmp_path: Path) -> None:
    card = _card(tmp_path, metrics(0.0, 0.7, evalset="abc"))                 # recorded before tables were named
    assert gate.recorded_figures(card, "abc") is not None
    assert gate.recorded_figures(card, "abc", "without_eval_fold") is None
    card = _card(tmp_path, metrics(0.0, 0.7, evalset="abc", tables="without_eval_fold"))
    assert gate.recorded_figures(card, "abc", "without_eval_fold") is not None
    assert gate.recorded_figures(card, "abc") is None


def test_re_recorded_figures_keep_the_ones_they_replace(tmp_path: Path) -> None:
    from training.frozen import GATE_TABLES, record_figures

    old = metrics(0.0015, 0.771, evalset="abc")
    new = metrics(0.0044, 0.808, evalset="abc", tables=GATE_TABLES)
    record_figures(_card(tmp_path, old), new, "2026-11-29")
    gate_part = json.loads((tmp_path / "model_card.json").read_text())["gate"]
    assert gate_part["candidate"] == new
    assert gate_part["replaced"] == [{"figures": old, "replaced_on": "2026-11-29",
                                      "why": f"re-measured with reference tables {GATE_TABLES}"}]
    assert gate.recorded_figures(tmp_path, "abc", GATE_TABLES)["recall"] == 0.808
    repinned = metrics(0.0, 0.757, evalset="def0123456789abcdef", tables=GATE_TABLES)
    record_figures(tmp_path, repinned, "2026-11-30")
    gate_part = json.loads((tmp_path / "model_card.json").read_text())["gate"]
    assert gate_part["replaced"][-1] == {"figures": new, "replaced_on": "2026-11-30",
                                         "why": "re-measured on the re-pinned evaluation set def0123456789abc..."}
    assert gate.recorded_figures(tmp_path, "abc", GATE_TABLES) is None      # the old set's figures are history


def test_recording_the_figures_already_recorded_replaces_nothing(tmp_path: Path) -> None:
    from training.frozen import GATE_TABLES, record_figures

    figures = metrics(0.0015, 0.778, evalset="abc", tables=GATE_TABLES)
    card_before = (_card(tmp_path, figures) / "model_card.json").read_text()
    record_figures(tmp_path, dict(figures), "2026-12-01")     # as `make train` gated it: nothing to replace
    assert (tmp_path / "model_card.json").read_text() == card_before
    record_figures(tmp_path, metrics(0.0015, 0.779, evalset="abc", tables=GATE_TABLES), "2026-12-01")  # near miss
    assert len(json.loads((tmp_path / "model_card.json").read_text())["gate"]["replaced"]) == 1


def test_rewriting_the_set_never_leaves_a_partial_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # two `make train` runs build the same cached set at once: a page being rewritten must stay whole for the
    # other run's reader, so each file goes to a temp name and is renamed over the old one
    write_evalset(tmp_path, items())
    real_replace, renamed = os.replace, []

    def fails_on_the_second_page(src: str, dst: str) -> None:
        renamed.append(dst)
        if len(renamed) == 2:
            raise OSError("disk full (injected)")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fails_on_the_second_page)
    with pytest.raises(OSError, match="injected"):
        write_evalset(tmp_path, items(), overwrite=True)
    monkeypatch.undo()
    assert Path(renamed[1]).parent.name == "pages"
    assert len(load_evalset(tmp_path)) == 3          # the page whose rewrite failed is still the whole old one
    assert [p.name for p in tmp_path.rglob("*.tmp")] == []
