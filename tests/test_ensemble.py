"""Ensembles: several swap models and page classifiers in one artifact, the page's score their mean
(model/detector.py, model/artifact.py `members_of`, training/train.py `finish`)."""
from __future__ import annotations

import argparse

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from model.artifact import load_artifact, members_of, write_model_dir
from model.detector import Detector
from model.errors import ArtifactError
from model.features import analyse_page

PAGE = ("<html><body><article><h1>Key Minister visits</h1><p>" + "The Key Minister said on Tuesday that the "
        "all-natural gasoline deal with the overseas minister would go ahead. " * 6 + "</p></article></body></html>")


class _ConstantSwaps:
    """A stand-in swap model: every candidate token gets probability `p`."""

    def __init__(self, p: float) -> None:
        self.p = p

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return np.column_stack([np.full(len(X), 1 - self.p), np.full(len(X), self.p)])


class _ConstantPages:
    """A stand-in page classifier: every page gets `p`."""

    def __init__(self, p: float) -> None:
        self.p = p

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return np.tile([1 - self.p, self.p], (len(X), 1))


def _ensemble(det: Detector, *members: tuple) -> dict:
    return {**det.bundle, "members": [{"token_model": t, "pipeline": p} for t, p in members]}


@pytest.fixture(scope="module")
def detector(detector: Detector) -> Detector:
    """The bundled model's first member alone (the bundled model may itself be an ensemble)."""
    single = {k: v for k, v in detector.bundle.items() if k != "members"}
    return Detector.from_bundle(single, detector.card, detector.sha256)


def test_a_bundle_without_members_is_one_member(detector):
    assert "members" not in detector.bundle
    assert members_of(detector.bundle) == [(detector.bundle["token_model"], detector.bundle["pipeline"])]
    assert members_of(_ensemble(detector, (None, "a"), ("t", "b"))) == [(None, "a"), ("t", "b")]


def test_the_score_is_the_members_mean(detector):
    own = detector.bundle["token_model"]
    bundle = _ensemble(detector, (own, detector.bundle["pipeline"]), (own, _ConstantPages(0.2)))
    ens = Detector.from_bundle(bundle, {"version": "ens"}, "0" * 64)
    single = detector.score(PAGE).score
    assert ens.score(PAGE).score == pytest.approx((single + 0.2) / 2)
    assert len(ens.classifiers) == 2 and ens.classifier is not detector.bundle["pipeline"]   # compiled


def test_each_member_scores_the_features_of_its_own_swap_model(detector):
    own, other = detector.bundle["token_model"], _ConstantSwaps(0.9)
    pipeline = detector.bundle["pipeline"]
    ens = Detector.from_bundle(_ensemble(detector, (own, pipeline), (other, pipeline)), {}, "0" * 64)
    tables = detector.bundle["tables"]
    by_own = analyse_page(PAGE, tables=tables, token_model=own).vector
    by_other = analyse_page(PAGE, tables=tables, token_model=other).vector
    assert not np.array_equal(by_own, by_other, equal_nan=True)
    expected = (pipeline.predict_proba(by_own[None])[0, 1] + pipeline.predict_proba(by_other[None])[0, 1]) / 2
    assert ens.score(PAGE).score == pytest.approx(expected, abs=1e-12)
    # near miss: one member is the model itself
    solo = Detector.from_bundle(_ensemble(detector, (own, pipeline)), {}, "0" * 64)
    assert solo.score(PAGE).score == detector.score(PAGE).score


def test_a_pooled_ensemble_scores_every_member_on_the_mean_swap_probability(detector):
    own, other = detector.bundle["token_model"], _ConstantSwaps(0.9)
    pipeline = detector.bundle["pipeline"]
    members = _ensemble(detector, (own, pipeline), (other, pipeline))
    pooled = Detector.from_bundle({**members, "pooled_swaps": True}, {}, "0" * 64)
    analysis = pooled.analyse(PAGE)
    assert len(analysis.vectors) == 2 and np.array_equal(*analysis.vectors, equal_nan=True)
    tables = detector.bundle["tables"]
    by_own = analyse_page(PAGE, tables=tables, token_model=own).vector
    by_other = analyse_page(PAGE, tables=tables, token_model=other).vector
    expected = analyse_page(PAGE, tables=tables, token_models=(own, other), pooled_swaps=True).vector
    assert np.array_equal(analysis.vectors[0], expected, equal_nan=True)
    assert pooled.score(PAGE).score == pytest.approx(pipeline.predict_proba(expected[None])[0, 1], abs=1e-12)
    # near miss: the same members unpooled score each member's own features, which differ from the pooled ones
    unpooled = Detector.from_bundle({**members, "pooled_swaps": False}, {}, "0" * 64).analyse(PAGE).vectors
    assert np.array_equal(unpooled[0], by_own, equal_nan=True) and np.array_equal(unpooled[1], by_other, equal_nan=True)
    assert not np.array_equal(expected, by_own, equal_nan=True) and not np.array_equal(expected, by_other, equal_nan=True)


def test_a_malformed_pooled_swaps_flag_is_refused(detector):
    with pytest.raises(ArtifactError, match="pooled_swaps flag is malformed"):
        Detector.from_bundle({**detector.bundle, "pooled_swaps": "yes"}, {}, "0")
    assert Detector.from_bundle(detector.bundle, {}, "0").pooled_swaps is False   # near miss: absent is off


def test_members_with_and_without_swap_models_are_refused(detector):
    with pytest.raises(ArtifactError, match="some have a swap model"):
        Detector.from_bundle(_ensemble(detector, (detector.bundle["token_model"], _ConstantPages(0.2)),
                                       (None, _ConstantPages(0.4))), {}, "0")


def test_an_analysis_from_another_detector_is_refused(detector):
    ens = Detector.from_bundle(_ensemble(detector, (None, _ConstantPages(0.2)), (None, _ConstantPages(0.4))), {}, "0")
    with pytest.raises(ValueError, match="analyse the page with this detector"):
        ens.verdict_for(detector.analyse(PAGE).__class__(vectors=[np.zeros(3)] * 3, signals=[], language="en"))


def _tiny_pipeline() -> Pipeline:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    return Pipeline([("lr", LogisticRegression())]).fit(X, (X[:, 0] > 0).astype(int))


def test_an_ensemble_artifact_round_trips(tmp_path):
    bundle = {"format": 1, "pipeline": _tiny_pipeline(), "threshold": 0.5, "feature_names": [], "tables": None,
              "token_features": [], "members": [{"token_model": None, "pipeline": _tiny_pipeline(), "seed": 1},
                                                {"token_model": None, "pipeline": _tiny_pipeline(), "seed": 1001}]}
    write_model_dir(tmp_path, bundle, {"version": "t"})
    loaded, _, _ = load_artifact(tmp_path)
    assert [m["seed"] for m in loaded["members"]] == [1, 1001]
    assert len(members_of(loaded)) == 2


@pytest.mark.parametrize("members", [[], [{"token_model": None}], "not a list"])
def test_malformed_members_are_refused(tmp_path, members):
    bundle = {"format": 1, "pipeline": _tiny_pipeline(), "threshold": 0.5, "feature_names": [], "tables": None,
              "token_features": [], "members": members}
    write_model_dir(tmp_path, bundle, {"version": "t"})
    with pytest.raises(ArtifactError, match="members are malformed"):
        load_artifact(tmp_path)


def test_token_models_fitted_in_parallel_equal_those_fitted_in_turn():
    from training.train import TokenData, fit_token_models

    rng = np.random.default_rng(1)
    from model.signals.spun_phrases import TOKEN_FEATURES

    def part() -> TokenData:
        X = rng.normal(size=(300, len(TOKEN_FEATURES))).astype(np.float32)
        return TokenData([X], [X[:, 0] + rng.normal(scale=0.5, size=300) > 1.0], [""])

    data = {k: part() for k in range(3)}
    serial, serial_all = fit_token_models(data, 3, seed=5, workers=1)
    forked, forked_all = fit_token_models(data, 3, seed=5, workers=2)
    probe = rng.normal(size=(50, len(TOKEN_FEATURES))).astype(np.float32)
    for k in range(3):
        assert np.array_equal(serial[(k, None)].predict_proba(probe), forked[(k, None)].predict_proba(probe))
    assert np.array_equal(serial_all.predict_proba(probe), forked_all.predict_proba(probe))
    assert not np.array_equal(serial[(0, None)].predict_proba(probe), serial[(1, None)].predict_proba(probe))  # other folds


def test_finish_chooses_the_threshold_on_the_members_mean_out_of_fold_scores(monkeypatch):
    import training.train as T
    from training.dataset import Sample

    monkeypatch.setattr(T, "make_classifier", lambda seed: Pipeline([("lr", LogisticRegression(C=0.1 + seed))]))
    seen = {}
    monkeypatch.setattr(T, "evaluate_and_promote",
                        lambda args, bundle, samples, y, oof, train, test, test_scores, summary, versions, bare=None,
                        bare_labels=None:
                        seen.update(bundle=bundle, oof=oof, test_scores=test_scores, bare=bare) or 0)
    rng = np.random.default_rng(2)
    n, K = 200, 4
    y = np.arange(n) % 2
    folds = (np.arange(n) // 2) % K
    members = [T.Member(rng.normal(size=(n, 4)) + y[:, None] * s, f"swaps{m}", m * 1000)
               for m, s in enumerate((0.5, 1.5))]
    samples = [Sample(id=str(i), html=b"", label=int(y[i]), kind="spam" if y[i] else "ham", group=str(i),
                      fold=int(folds[i]), source="test") for i in range(n)]
    assert T.finish(argparse.Namespace(), samples, members, y, folds, None, 0.0, K, {}) == 0
    each = [T.fit_page_classifier(m.X, y, folds, K, m.seed) for m in members]
    assert np.allclose(seen["oof"], (each[0][0] + each[1][0]) / 2)
    assert np.allclose(seen["test_scores"], (each[0][2] + each[1][2]) / 2)
    assert [m["token_model"] for m in seen["bundle"]["members"]] == ["swaps0", "swaps1"]
    assert [m["seed"] for m in seen["bundle"]["members"]] == [0, 1000]
    assert seen["bundle"]["token_model"] == "swaps0"
    # near miss: one member is a single model, with no "members" key
    assert T.finish(argparse.Namespace(), samples, members[:1], y, folds, None, 0.0, K, {}) == 0
    assert "members" not in seen["bundle"] and np.allclose(seen["oof"], each[0][0])
    assert seen["bare"] is None                               # no bare pages given, no bare-page threshold
    assert seen["bundle"]["pooled_swaps"] is False
    assert T.finish(argparse.Namespace(), samples, members, y, folds, None, 0.0, K, {}, pooled_swaps=True) == 0
    assert seen["bundle"]["pooled_swaps"] is True             # the service must pool as training did
    assert seen["bundle"]["read_comments"] is False
    assert T.finish(argparse.Namespace(), samples, members, y, folds, None, 0.0, K, {}, read_comments=True) == 0
    assert seen["bundle"]["read_comments"] is True            # the service must read comments as training did


def test_training_features_pooled_are_the_mean_swap_models_features(detector):
    from types import SimpleNamespace

    from training.train import featurise

    pages = [SimpleNamespace(html=PAGE.encode(), url="", fold=0)]
    by_fold = {0: (detector.bundle["tables"], [_ConstantSwaps(0.9), _ConstantSwaps(0.3)])}
    pooled = featurise(pages, by_fold, workers=1, pooled_swaps=True)
    mean = featurise(pages, {0: (detector.bundle["tables"], [_ConstantSwaps(0.6)])}, workers=1)[0]
    assert len(pooled) == 2 and np.allclose(pooled[0], mean, equal_nan=True)
    assert np.array_equal(pooled[0], pooled[1], equal_nan=True)
    own = featurise(pages, by_fold, workers=1)            # near miss: each member's own swap model
    assert not np.allclose(own[0], own[1], equal_nan=True) and not np.allclose(own[0], mean, equal_nan=True)


def toy_training(monkeypatch, seed: int):
    """training.train with a logistic page classifier, and 200 pages of 3 features in 4 folds: (T, rng, X, y,
    folds, K)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    import training.train as T

    monkeypatch.setattr(T, "make_classifier", lambda seed: Pipeline([("lr", LogisticRegression())]))
    rng = np.random.default_rng(seed)
    n, K = 200, 4
    y = np.arange(n) % 2
    folds = (np.arange(n) // 2) % K
    return T, rng, rng.normal(size=(n, 3)) + y[:, None], y, folds, K


def test_bare_pages_are_scored_out_of_fold_and_never_fitted_on(monkeypatch):
    import argparse

    from training.dataset import Sample

    T, rng, X, y, folds, K = toy_training(monkeypatch, 3)
    n = len(y)
    bare_X, bare_folds = rng.normal(size=(40, 3)), np.arange(40) % K
    oof, clf, _, extra = T.fit_page_classifier(X, y, folds, K, 0, bare_X, bare_folds)
    held = T.make_classifier(0).fit(X[(folds != 0) & (folds != K - 1)], y[(folds != 0) & (folds != K - 1)])
    assert np.allclose(extra[bare_folds == 0], held.predict_proba(bare_X[bare_folds == 0])[:, 1])
    assert np.allclose(extra[bare_folds == K - 1], clf.predict_proba(bare_X[bare_folds == K - 1])[:, 1])
    assert np.allclose(oof, T.fit_page_classifier(X, y, folds, K, 0)[0])   # near miss: the same fits without them
    seen = {}
    monkeypatch.setattr(T, "evaluate_and_promote", lambda *args, bare=None, bare_labels=None: seen.update(bare=bare) or 0)
    samples = [Sample(id=str(i), html=b"", label=int(y[i]), kind="ham", group=str(i), fold=int(folds[i]),
                      source="test") for i in range(n)]
    assert T.finish(argparse.Namespace(), samples, [T.Member(X, None, 0, bare_X)], y, folds, None, 0.0, K, {},
                    bare_folds=bare_folds) == 0
    scores, training_folds = seen["bare"]
    assert np.allclose(scores, extra) and list(training_folds) == list(bare_folds != K - 1)


def test_bare_pages_fitted_on_count_for_the_bare_threshold_with_their_out_of_fold_scores(monkeypatch):
    import argparse

    from training.dataset import Sample

    T, rng, X, y, folds, K = toy_training(monkeypatch, 4)
    n = len(y)
    kinds = ["ham_bare" if (not y[i] and i % 4 == 0 and folds[i] != K - 1) else ("spam" if y[i] else "ham")
             for i in range(n)]
    samples = [Sample(id=str(i), html=b"", label=int(y[i]), kind=kinds[i], group=str(i), fold=int(folds[i]),
                      source="test") for i in range(n)]
    bare_X, bare_folds = rng.normal(size=(10, 3)), np.full(10, K - 1)      # the test fold's, scored only
    seen = {}
    monkeypatch.setattr(T, "evaluate_and_promote", lambda *args, bare=None, bare_labels=None:
                        seen.update(bare=bare, oof=args[4]) or 0)
    assert T.finish(argparse.Namespace(), samples, [T.Member(X, None, 0, bare_X)], y, folds, None, 0.0, K, {},
                    bare_folds=bare_folds) == 0
    fitted = np.array([k == "ham_bare" for k in kinds])
    scores, training_folds = seen["bare"]
    _, clf, _, extra = T.fit_page_classifier(X, y, folds, K, 0, bare_X, bare_folds)
    assert np.allclose(scores, np.concatenate([seen["oof"][fitted], extra]))
    assert list(training_folds) == [True] * int(fitted.sum()) + [False] * 10


def test_one_featurising_pass_gives_each_member_the_matrix_it_would_get_alone(detector, fixture_bytes):
    from training.dataset import Sample
    from training.train import featurise

    pages = [fixture_bytes("farm_page.html"), fixture_bytes("legit_news.html"), PAGE.encode()]
    samples = [Sample(id=str(i), html=html, label=0, kind="ham", group=str(i), fold=i % 2, source="test")
               for i, html in enumerate(pages)]
    tables, own, other = detector.bundle["tables"], detector.bundle["token_model"], _ConstantSwaps(0.9)
    both = featurise(samples, {k: (tables, [own, other]) for k in range(2)}, workers=1)
    alone = [featurise(samples, {k: (tables, [m]) for k in range(2)}, workers=1)[0] for m in (own, other)]
    assert len(both) == 2 and all(X.shape == (3, len(alone[0][0])) for X in both)
    for X_both, X_alone in zip(both, alone):
        assert np.array_equal(X_both, X_alone, equal_nan=True)
    assert not np.array_equal(both[0], both[1], equal_nan=True)        # the members differ


def test_bare_classifiers_are_fitted_on_the_bare_pages_alone_and_set_the_bare_threshold(monkeypatch):
    import argparse

    from training.dataset import Sample

    T, rng, X, y, folds, K = toy_training(monkeypatch, 5)
    n = len(y)
    bare_y = np.arange(80) % 2
    bare_folds = (np.arange(80) // 2) % K
    bare_X = rng.normal(size=(80, 3)) - bare_y[:, None]           # bare pages tell spun the other way round
    seen = {}
    monkeypatch.setattr(T, "evaluate_and_promote",
                        lambda *args, bare=None, bare_labels=None:
                        seen.update(args=args, bare=bare, labels=bare_labels) or 0)
    samples = [Sample(id=str(i), html=b"", label=int(y[i]), kind="ham", group=str(i), fold=int(folds[i]),
                      source="test") for i in range(n)]
    members = [T.Member(X, "swaps0", 0, bare_X), T.Member(X + 0.1, "swaps1", 1000, bare_X)]
    assert T.finish(argparse.Namespace(), samples, members, y, folds, None, 0.0, K, {},
                    bare_folds=bare_folds, bare_y=bare_y) == 0
    bundle, oof = seen["args"][1], seen["args"][4]
    assert np.allclose(oof, np.mean([T.fit_page_classifier(m.X, y, folds, K, m.seed)[0] for m in members], axis=0))
    own = [T.fit_page_classifier(bare_X, bare_y, bare_folds, K, m.seed) for m in members]
    scores, training_folds = seen["bare"]
    test = bare_folds == K - 1
    assert np.allclose(scores[~test], np.mean([f[0] for f in own], axis=0)[~test])
    assert np.allclose(scores[test], np.mean([f[2] for f in own], axis=0))
    assert list(training_folds) == list(~test) and list(seen["labels"]) == list(bare_y)
    assert all("bare_pipeline" in m for m in bundle["members"])
    assert scores[bare_y == 1].mean() > scores[bare_y == 0].mean()   # near miss: the page classifiers rank them wrong
    assert T.parse_args([]).bare_classifier == T.BARE_CLASSIFIER and not T.parse_args(["--no-bare-classifier"]).bare_classifier
    assert T.parse_args(["--fit-bare"]).bare_classifier is False       # the other way of learning bare pages


def test_fitting_on_bare_pages_adds_the_training_folds_and_scores_the_test_folds():
    import training.train as T
    from training.dataset import Sample

    def page(kind: str, label: int, fold: int) -> Sample:
        return Sample(id=f"{kind}{fold}", html=b"", label=label, kind=kind, group=str(fold), fold=fold, source="t")

    K = 4
    samples = [page("ham", 0, k) for k in range(K)]
    hams, spams = [page("ham_bare", 0, k) for k in range(K)], [page("bare_spun", 1, k) for k in range(K)]
    fitted, scored = T.with_bare_pages(samples, hams, spams, K)
    assert fitted[:K] == samples and len(fitted) == K + 2 * (K - 1)
    assert {(s.kind, s.fold) for s in fitted[K:]} == {(k, f) for k in ("ham_bare", "bare_spun") for f in range(K - 1)}
    assert scored == [hams[K - 1]]          # near miss: the test fold's bare ham is scored, its bare spam left out
    assert T.parse_args(["--fit-bare"]).fit_bare and not T.parse_args(["--no-fit-bare"]).fit_bare


ARTICLE = ("<p>The council approved the new budget for the harbour district after a long debate about "
           "ferry fares, road repairs and the cost of the winter lighting scheme.</p>") * 6
COMMENTED = ("<html><body><div>" + ARTICLE + '</div><div id="comments"><p>I heard the scheme will cost three,000 '
             "pounds a year, which is far too much for a town of this size.</p></div></body></html>")


def _spans(analysis) -> list:  # noqa: ANN001 (PageAnalysis)
    return [e for s in analysis.signals if s.name == "spun_phrases" for e in s.evidence if e.text == "three,000"]


def test_a_model_trained_reading_comments_reads_them_after_the_main_text(detector):
    from model.features import spun_text_of
    from model.page import comment_text, parse_page

    reading = Detector.from_bundle({**detector.bundle, "read_comments": True}, {}, "0" * 64)
    analysis = reading.analyse(COMMENTED)
    assert reading.read_comments is True and "comments_read" in analysis.reasons
    spans = _spans(analysis)
    assert spans and spans[0].start > len(analysis.main_text)     # the half-spelled number, in the comment
    text = spun_text_of(analysis.main_text, comment_text(parse_page(COMMENTED)), True)
    assert text[spans[0].start:spans[0].end] == "three,000"       # offsets count in the main text + comments
    # near miss: the bundled model (no flag) reads the main text alone
    plain = detector.analyse(COMMENTED)
    assert "comments_read" not in plain.reasons and not _spans(plain)


def test_a_malformed_read_comments_flag_is_refused(detector):
    with pytest.raises(ArtifactError, match="read_comments flag is malformed"):
        Detector.from_bundle({**detector.bundle, "read_comments": 1}, {}, "0")
    assert Detector.from_bundle(detector.bundle, {}, "0").read_comments is False   # near miss: absent is off


def test_training_features_read_comments_when_asked(detector):
    from types import SimpleNamespace

    from training.train import featurise

    pages = [SimpleNamespace(html=COMMENTED.encode(), url="", fold=0)]
    by_fold = {0: (detector.bundle["tables"], [_ConstantSwaps(0.2)])}
    reading = featurise(pages, by_fold, workers=1, read_comments=True)[0]
    expected = analyse_page(COMMENTED, tables=detector.bundle["tables"], token_models=(_ConstantSwaps(0.2),),
                            with_comments=True).vector
    assert np.array_equal(reading[0], expected, equal_nan=True)
    main_only = featurise(pages, by_fold, workers=1)[0]            # near miss: the main text alone
    assert not np.array_equal(reading[0], main_only[0], equal_nan=True)
