"""`make train DATA=...` end to end on a small operator folder: promotion, the gate's refusal of swapped
labels (bundled model byte for byte unchanged), and reproducibility with the same seed."""
from __future__ import annotations

import hashlib
import json
import random
import shutil
from pathlib import Path

import joblib
import pytest

from model.detector import DEFAULT_MODEL_DIR, Detector
from training import layouts
from training.train import TARGET_FPR
from training.train import main as train_main

pytestmark = pytest.mark.skipif(not (DEFAULT_MODEL_DIR / "unspun.joblib").exists(), reason="no bundled model")

TOPICS = ["harbour", "railway", "library", "orchard", "bridge", "market", "school", "museum", "stadium", "clinic"]


def _article(rng: random.Random, topic: str) -> tuple[str, list[str]]:
    title = f"Council approves new {topic} plan after long debate"
    paras = [f"The town council voted on {rng.choice(['Monday', 'Tuesday', 'Friday'])} to approve the new {topic} "
             f"plan, which residents have discussed for {rng.randint(2, 9)} years. Supporters said the {topic} "
             f"would bring jobs and visitors, while critics pointed to the cost and to traffic on the main road."
             for _ in range(4)]
    return title, paras


def _operator_folder(root: Path, swap: bool) -> Path:
    rng = random.Random(7)
    for label in ("spam", "ham"):
        (root / label).mkdir(parents=True)
    for i in range(60):
        topic = TOPICS[i % len(TOPICS)]
        title, paras = _article(rng, topic)
        spam = layouts.farm_page(title, paras, rng, spam_links=True, residue=True)
        ham = layouts.legit_page(title, paras, rng, site_name=f"Site {i % 12}", related_titles=None, own_copyright=True)
        spam_dir, ham_dir = ("ham", "spam") if swap else ("spam", "ham")
        (root / spam_dir / f"s{i}.html").write_text(spam, encoding="utf-8")
        (root / ham_dir / f"h{i}.html").write_text(ham, encoding="utf-8")
    return root


@pytest.fixture
def evalset(tmp_path: Path) -> Path:
    """A small frozen evaluation set of our own pages (correct labels), as an operator's EVAL= would be."""
    from training.evalset import write_evalset
    from training.operator_data import LabelledPage

    rng = random.Random(99)
    items = []
    for i in range(30):
        title, paras = _article(rng, TOPICS[(i + 3) % len(TOPICS)])
        items.append(LabelledPage(id=f"s{i}", label=1, kind="farm", html=layouts.farm_page(
            title, paras, rng, spam_links=True, residue=True).encode()))
        items.append(LabelledPage(id=f"h{i}", label=0, kind="ham", html=layouts.legit_page(
            title, paras, rng, site_name=f"Paper {i}", related_titles=None, own_copyright=True).encode()))
    d = tmp_path / "eval"
    write_evalset(d, items)
    return d


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    d = tmp_path / "model"
    d.mkdir()
    for name in ("unspun.joblib", "model_card.json"):
        shutil.copy(DEFAULT_MODEL_DIR / name, d / name)
    return d


def _train(data: Path, model_dir: Path, reports: Path, evalset: Path, *extra: str) -> int:
    return train_main(["--data", str(data), "--model-dir", str(model_dir), "--reports", str(reports),
                       "--eval", str(evalset),
                       "--folds", "3", "--workers", "1", "--seed", "11", *extra])


def test_operator_training_promotes_then_gate_refuses_swapped_labels(tmp_path, model_dir, evalset, capsys):
    good = _operator_folder(tmp_path / "good", swap=False)
    assert _train(good, model_dir, tmp_path / "reports", evalset, "--force") == 0
    card = json.loads((model_dir / "model_card.json").read_text())
    assert card["artifact_sha256"] == _sha(model_dir / "unspun.joblib")
    assert card["training"] == {"folds": 3, "target_fpr": TARGET_FPR}
    assert "bare" not in card["threshold"]         # no bare pages of the operator's: bare pages get the page threshold
    assert (tmp_path / "reports" / card["version"] / "report.md").exists()
    base, trained = Detector.load(DEFAULT_MODEL_DIR), Detector.load(model_dir)    # the members' swap models kept
    assert "threshold_bare" not in trained.bundle and trained.threshold_bare == trained.threshold
    assert card["ensemble"]["members"] == len(trained.classifiers) == len(base.classifiers)
    assert [joblib.hash(m) for m in trained.token_models] == [joblib.hash(m) for m in base.token_models]
    assert trained.pooled_swaps == base.pooled_swaps      # featurised as the base model's members are
    assert trained.read_comments == base.read_comments
    before = {n: _sha(model_dir / n) for n in ("unspun.joblib", "model_card.json")}

    swapped = _operator_folder(tmp_path / "swapped", swap=True)
    capsys.readouterr()
    assert _train(swapped, model_dir, tmp_path / "reports2", evalset) == 1
    assert {n: _sha(model_dir / n) for n in ("unspun.joblib", "model_card.json")} == before
    refused = json.loads(next((tmp_path / "reports2").glob("*/model_card.json")).read_text())
    crossed = refused["gate"]["crossing"]          # behind where it operates and where the current one does
    assert crossed["finding"] == "candidate_behind_at_both_points"
    assert crossed["candidate_recall_at_current_fp"] < crossed["current_recall_at_current_fp"]
    assert crossed["candidate_recall_at_candidate_fp"] <= crossed["current_recall_at_candidate_fp"]  # both 100% there
    assert "candidate behind at both points" in capsys.readouterr().out


def test_same_data_and_seed_give_identical_metrics(tmp_path, model_dir, evalset):
    data = _operator_folder(tmp_path / "data", swap=False)
    second = tmp_path / "model2"
    shutil.copytree(model_dir, second)
    assert _train(data, model_dir, tmp_path / "r1", evalset, "--force") == 0
    assert _train(data, second, tmp_path / "r2", evalset, "--force") == 0
    m1 = json.loads((model_dir / "model_card.json").read_text())["metrics_test_split"]
    m2 = json.loads((second / "model_card.json").read_text())["metrics_test_split"]
    assert m1 == m2


def test_missing_class_is_a_clear_error(tmp_path, model_dir, evalset, capsys):
    root = _operator_folder(tmp_path / "d", swap=False)
    shutil.rmtree(root / "spam")
    assert _train(root, model_dir, tmp_path / "r", evalset) == 2
    assert "spam" in capsys.readouterr().err.lower()


def test_bare_pages_given_to_training_set_the_bare_threshold_its_card_and_report_record(tmp_path, model_dir, evalset,
                                                                                        monkeypatch):
    import numpy as np

    import training.train as T

    finish = T.finish

    def finish_with_bare_hams(args, samples, members, y, folds, tables, t0, K, data_summary, **options):
        hams = y == 0           # the hams' own features stand in for bare pages of real articles
        return finish(args, samples, [m._replace(bare_X=m.X[hams]) for m in members], y, folds, tables, t0, K,
                      data_summary, bare_folds=folds[hams], **options)

    monkeypatch.setattr(T, "finish", finish_with_bare_hams)
    data = _operator_folder(tmp_path / "data", swap=False)
    assert _train(data, model_dir, tmp_path / "reports", evalset, "--force", "--bare-target-fpr", "0.05") == 0
    card = json.loads((model_dir / "model_card.json").read_text())
    bare = card["threshold"]["bare"]
    trained = Detector.load(model_dir)
    assert trained.threshold_bare == bare["value"] == trained.bundle["threshold_bare"]
    assert bare["policy"]["target_fpr"] == 0.05
    assert bare["test_split"]["pages"] > 0 and 0 <= bare["test_split"]["flagged"] <= bare["test_split"]["pages"]
    assert np.isfinite(bare["value"])
    assert "## Bare article pages" in (tmp_path / "reports" / card["version"] / "report.md").read_text()
