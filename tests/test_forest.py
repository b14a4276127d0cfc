"""The compiled page classifier (model/forest.py) must give scikit-learn's probabilities bit for bit."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from model.forest import CompiledTrees, compile_classifier


def _data(n: int = 600, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 6))
    y = ((X[:, 0] + 0.5 * X[:, 1] ** 2 - X[:, 2] * X[:, 3] + rng.normal(scale=0.5, size=n)) > 0.3).astype(int)
    X[rng.random(X.shape) < 0.08] = np.nan      # the page features carry NaN (e.g. no token model)
    return X, y


@pytest.fixture(scope="module")
def fitted() -> tuple[Pipeline, np.ndarray]:
    X, y = _data()
    hgb = HistGradientBoostingClassifier(max_iter=40, max_leaf_nodes=15, random_state=0)
    pipe = Pipeline([("classifier", CalibratedClassifierCV(hgb, method="isotonic", cv=3))]).fit(X, y)
    return pipe, X


def test_compiled_probabilities_equal_sklearn_exactly(fitted):
    pipe, X = fitted
    compiled = compile_classifier(pipe)
    assert compiled is not None
    fresh, _ = _data(300, seed=1)
    fresh[::7] = np.nan                         # whole rows missing, and values outside the training range
    fresh[1::7] *= 100.0
    for rows in (X, fresh, fresh[:1]):
        assert np.array_equal(compiled.predict_proba(rows), pipe.predict_proba(rows))


def test_compiled_trees_equal_hgb_decision_function():
    X, y = _data()
    hgb = HistGradientBoostingClassifier(max_iter=25, random_state=0).fit(X, y)
    trees = CompiledTrees.from_hgb(hgb)
    assert np.array_equal(trees.decision_function(X)[:, 0], hgb.decision_function(X))
    assert trees.decision_function(X[:0]).shape == (0, 1)


def test_wrong_width_is_refused(fitted):
    pipe, X = fitted
    with pytest.raises(ValueError, match="features"):
        compile_classifier(pipe).predict_proba(X[:, :3])


def test_other_estimators_are_not_compiled():
    X, y = _data()
    X = np.nan_to_num(X)
    assert compile_classifier(Pipeline([("lr", LogisticRegression())]).fit(X, y)) is None
    sigmoid = CalibratedClassifierCV(HistGradientBoostingClassifier(max_iter=5), method="sigmoid", cv=2).fit(X, y)
    assert compile_classifier(sigmoid) is None
    assert CompiledTrees.from_hgb(HistGradientBoostingClassifier(max_iter=5, categorical_features=[0]).fit(
        np.abs(np.round(X)), y)) is None


def test_bundled_detector_scores_through_the_compiled_classifier():
    from model.artifact import bare_classifiers_of, members_of
    from model.detector import Detector

    det = Detector.load()
    assert det.classifier is not det.bundle["pipeline"]
    article = ("<article><h1>Key Minister visits</h1><p>" + "The Key Minister said on Tuesday that the all-natural "
               "gasoline deal with the overseas minister would go ahead. " * 6 + "</p></article>")
    site_page = f'<html><body><nav><a href="/">Home</a></nav>{article}</body></html>'
    bare_page = f"<html><body>{article}</body></html>"      # scored by the bare-page classifiers when it has them
    pipelines = [pipeline for _, pipeline in members_of(det.bundle)]     # one, or an ensemble's members
    assert all(compiled is not pipeline for compiled, pipeline in zip(det.classifiers, pipelines))
    for page, scoring in ((site_page, pipelines), (bare_page, bare_classifiers_of(det.bundle) or pipelines)):
        vectors = det.analyse(page).vectors
        expected = np.mean([p.predict_proba(v.reshape(1, -1))[0, 1] for p, v in zip(scoring, vectors)])
        assert det.score(page).score == float(expected)
    assert "bare_article_classifier" not in det.score(site_page).reasons     # the link makes it a site's page
