"""Stripping the trees' fit statistics (training/strip.py) must leave every prediction unchanged and shrink
the artifact; everything that is not a fitted forest is left alone."""
from __future__ import annotations

import copy
import lzma
import pickle

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.pipeline import Pipeline

from model.forest import compile_classifier
from training.strip import STRIPPED_FIELDS, strip_fit_statistics


def _data(n: int = 800, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    y = ((X[:, 0] - X[:, 1] * X[:, 2] + rng.normal(scale=0.5, size=n)) > 0).astype(int)
    X[rng.random(X.shape) < 0.1] = np.nan
    return X, y


def _pipeline() -> tuple[Pipeline, np.ndarray]:
    X, y = _data()
    hgb = HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=15, random_state=0)
    return Pipeline([("classifier", CalibratedClassifierCV(hgb, method="isotonic", cv=3))]).fit(X, y), X


def _nodes(pipe: Pipeline) -> list[np.ndarray]:
    return [p.nodes for c in pipe.steps[0][1].calibrated_classifiers_ for ps in c.estimator._predictors for p in ps]


def test_predictions_unchanged_and_statistics_zeroed():
    pipe, X = _pipeline()
    fresh, _ = _data(300, seed=1)
    fresh[::5] = np.nan                      # whole rows missing and values far outside the training range
    fresh[1::5] *= 50.0
    before = [pipe.predict_proba(rows) for rows in (X, fresh)]
    decision = [c.estimator.decision_function(fresh) for c in pipe.steps[0][1].calibrated_classifiers_]
    bundle = {"members": [{"pipeline": pipe, "seed": 7}], "threshold": 0.5}
    assert strip_fit_statistics(bundle) == 3            # one forest per calibration fold
    assert all(np.array_equal(pipe.predict_proba(rows), b) for rows, b in zip((X, fresh), before))
    assert all(np.array_equal(c.estimator.decision_function(fresh), d)
               for c, d in zip(pipe.steps[0][1].calibrated_classifiers_, decision))
    assert np.array_equal(compile_classifier(pipe).predict_proba(fresh), before[1])
    for nodes in _nodes(pipe):
        assert all(not nodes[f].any() for f in STRIPPED_FIELDS)
        assert not nodes["value"][nodes["is_leaf"] == 0].any()
        assert nodes["value"][nodes["is_leaf"] == 1].any()   # the leaves keep their values


def test_stripped_pipeline_compresses_smaller():
    pipe, _ = _pipeline()
    before = len(lzma.compress(pickle.dumps(pipe), preset=3))
    strip_fit_statistics(pipe)
    assert len(lzma.compress(pickle.dumps(pipe), preset=3)) < 0.9 * before


def test_a_bare_estimator_and_a_regressor_are_stripped_too():
    X, y = _data()
    clf = HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(X, y)
    reg = HistGradientBoostingRegressor(max_iter=10, random_state=0).fit(X, y.astype(float))
    expected = clf.predict_proba(X), reg.predict(X)
    assert strip_fit_statistics([clf, (reg,)]) == 2
    assert np.array_equal(clf.predict_proba(X), expected[0]) and np.array_equal(reg.predict(X), expected[1])


def test_unfitted_forests_and_other_objects_are_left_alone():
    unfitted = HistGradientBoostingClassifier(max_iter=10)
    tables = {"counts": np.arange(5)}
    kept = copy.deepcopy(tables)
    bundle = {"pipeline": unfitted, "tables": tables, "note": "text", "members": None}
    assert strip_fit_statistics(bundle) == 0
    assert np.array_equal(tables["counts"], kept["counts"])
    assert not hasattr(unfitted, "_predictors")


def test_shared_forest_is_stripped_once():
    pipe, _ = _pipeline()
    assert strip_fit_statistics({"pipeline": pipe, "members": [{"pipeline": pipe}]}) == 3
