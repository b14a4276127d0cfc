"""Trees that keep only what scoring reads: the fit statistics of a model's forests, zeroed before it is saved.

A fitted `HistGradientBoostingClassifier` keeps, in every node of every tree, statistics of its fit that
prediction never reads (scikit-learn 1.9.1, `ensemble/_hist_gradient_boosting/_predictor.pyx`): the split's
gain, the node's sample count, the threshold on binned features (read only by `predict_binned`, which
fitting uses for early stopping) and the values of inner nodes (read, with the counts, only by
`partial_dependence(method="recursion")`). `predict`, `predict_proba` and `decision_function` read the leaf
values, features, raw thresholds, missing-value sides, children, leaf and categorical flags, and our
compiled walker (`model.forest`) also the depth. Zeroed, the statistics compress to nothing: session 29's
bare-classifier model (124321), trained again so, went from 26.2 MB to 21.2 MB (143417; docs/measurements.md,
"Session 30") with every score unchanged. A stripped model cannot give recursion partial dependence; nothing
in unspun asks for it.
"""
from __future__ import annotations

from typing import Any

STRIPPED_FIELDS = ("gain", "count", "bin_threshold")   # zeroed in every node
STRIPPED_INNER_FIELDS = ("value",)                     # zeroed in inner nodes only (leaves keep theirs)


def _forests(obj: Any, seen: set[int]):  # noqa: ANN202 (yields fitted HistGradientBoosting estimators)
    """Fitted HistGradientBoosting estimators inside `obj`, searching dicts, lists, tuples and the attributes
    of scikit-learn objects only (a bundle's reference tables are not walked)."""
    from sklearn.ensemble._hist_gradient_boosting.gradient_boosting import BaseHistGradientBoosting

    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, BaseHistGradientBoosting):
        if hasattr(obj, "_predictors"):
            yield obj
        return
    if isinstance(obj, dict):
        children = obj.values()
    elif isinstance(obj, (list, tuple)):
        children = obj
    elif type(obj).__module__.startswith("sklearn.") and hasattr(obj, "__dict__"):
        children = vars(obj).values()
    else:
        return
    for child in children:
        yield from _forests(child, seen)


def strip_fit_statistics(obj: Any) -> int:
    """Zero, in place, the fit statistics of every fitted HistGradientBoosting estimator inside `obj` (a
    bundle, a pipeline, an estimator); returns how many estimators were stripped. Predictions are unchanged."""
    n = 0
    for hgb in _forests(obj, set()):
        for predictors in hgb._predictors:
            for predictor in predictors:
                nodes = predictor.nodes
                for field in STRIPPED_FIELDS:
                    nodes[field] = 0
                inner = nodes["is_leaf"] == 0
                for field in STRIPPED_INNER_FIELDS:
                    nodes[field][inner] = 0
        n += 1
    return n
