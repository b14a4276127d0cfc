"""The page classifier, compiled for scoring one page at a time.

scikit-learn's `CalibratedClassifierCV(HistGradientBoostingClassifier, method="isotonic")` is the
trained artifact, and it stays the artifact. Asked for one row, it spends ~35 ms in per-call Python
overhead (input validation, one call per tree for 3 x 300 trees, label encoding per calibrator).
`CompiledClassifier` reads the same fitted trees once into flat arrays and walks all of them for a
batch of rows at once with numpy, one level per step, then applies the same isotonic calibrators.
It reproduces `predict_proba` exactly: the same comparisons (`x <= threshold`, NaN to the side the tree
learned), the leaf values summed in the same order as scikit-learn (baseline first, then tree by
tree), and the calibrators' own interpolation functions. `compile_classifier` returns None for any
other estimator shape, and callers then use the estimator as it is.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class CompiledTrees:
    """The trees of one fitted binary HistGradientBoostingClassifier as flat node arrays.

    Leaves point to themselves, so walking `depth_` levels from the roots lands every row on its leaf
    in every tree without a per-node leaf test."""

    feature_: np.ndarray      # int64 feature index per node (0 at leaves)
    threshold_: np.ndarray    # float64 split threshold (x <= threshold goes left)
    missing_left_: np.ndarray  # bool: NaN goes left
    left_: np.ndarray         # int64 global index of the left child (itself at leaves)
    right_: np.ndarray        # int64 global index of the right child (itself at leaves)
    value_: np.ndarray        # float64 leaf value (0 at inner nodes)
    roots_: np.ndarray        # int64 global index of each tree's root, in scikit-learn's order
    depth_: int               # deepest leaf
    baseline_: np.ndarray     # float64 baseline per forest
    segments_: np.ndarray     # int64 first tree of each forest in roots_ (plus the total at the end)
    n_features_: int

    @classmethod
    def from_hgb(cls, hgb: Any) -> "CompiledTrees | None":
        """Compile a fitted binary HistGradientBoostingClassifier; None if it uses categorical
        features or has more than one tree per iteration (multiclass)."""
        if getattr(hgb, "n_trees_per_iteration_", None) != 1 or getattr(hgb, "is_categorical_", None) is not None:
            return None
        parts: dict[str, list[np.ndarray]] = {k: [] for k in ("feature", "threshold", "missing", "left", "right",
                                                              "value", "leaf")}
        roots, offset, depth = [], 0, 0
        for (predictor,) in hgb._predictors:
            nodes = predictor.nodes
            if nodes["is_categorical"].any():
                return None
            n = len(nodes)
            own = np.arange(offset, offset + n, dtype=np.int64)
            leaf = nodes["is_leaf"].astype(bool)
            parts["feature"].append(np.where(leaf, 0, nodes["feature_idx"]).astype(np.int64))
            parts["threshold"].append(nodes["num_threshold"].astype(np.float64))
            parts["missing"].append(nodes["missing_go_to_left"].astype(bool))
            parts["left"].append(np.where(leaf, own, nodes["left"].astype(np.int64) + offset))
            parts["right"].append(np.where(leaf, own, nodes["right"].astype(np.int64) + offset))
            parts["value"].append(np.where(leaf, nodes["value"], 0.0).astype(np.float64))
            roots.append(offset)
            depth = max(depth, int(nodes["depth"].max()))
            offset += n
        cat = {k: np.concatenate(v) if v else np.zeros(0) for k, v in parts.items()}
        return cls(feature_=cat["feature"], threshold_=cat["threshold"], missing_left_=cat["missing"],
                   left_=cat["left"], right_=cat["right"], value_=cat["value"],
                   roots_=np.asarray(roots, dtype=np.int64), depth_=depth,
                   baseline_=np.asarray(hgb._baseline_prediction, dtype=np.float64).ravel()[:1],
                   segments_=np.asarray([0, len(roots)], dtype=np.int64), n_features_=int(hgb.n_features_in_))

    @classmethod
    def concatenate(cls, forests: "list[CompiledTrees]") -> "CompiledTrees":
        """Several forests over the same features walked together (one numpy pass for all)."""
        node_off = np.cumsum([0] + [len(f.feature_) for f in forests])
        tree_off = np.cumsum([0] + [len(f.roots_) for f in forests])
        return cls(
            feature_=np.concatenate([f.feature_ for f in forests]),
            threshold_=np.concatenate([f.threshold_ for f in forests]),
            missing_left_=np.concatenate([f.missing_left_ for f in forests]),
            left_=np.concatenate([f.left_ + o for f, o in zip(forests, node_off)]),
            right_=np.concatenate([f.right_ + o for f, o in zip(forests, node_off)]),
            value_=np.concatenate([f.value_ for f in forests]),
            roots_=np.concatenate([f.roots_ + o for f, o in zip(forests, node_off)]),
            depth_=max(f.depth_ for f in forests),
            baseline_=np.concatenate([f.baseline_ for f in forests]),
            segments_=np.asarray(tree_off, dtype=np.int64),
            n_features_=forests[0].n_features_,
        )

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """Raw scores (sum of the baseline and the leaf values), as `HistGradientBoostingClassifier.
        decision_function`: shape (rows, forests)."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features_:
            raise ValueError(f"expected {self.n_features_} features, got shape {X.shape}")
        rows = len(X)
        if rows == 0 or len(self.roots_) == 0:
            return np.broadcast_to(self.baseline_, (rows, len(self.baseline_))).copy()
        flat = X.ravel()
        base = (np.arange(rows, dtype=np.int64) * self.n_features_)[:, None]
        idx = np.broadcast_to(self.roots_, (rows, len(self.roots_))).copy()
        for _ in range(self.depth_):
            x = flat[base + self.feature_[idx]]
            go_left = np.where(np.isnan(x), self.missing_left_[idx], x <= self.threshold_[idx])
            moved = np.where(go_left, self.left_[idx], self.right_[idx])
            if np.array_equal(moved, idx):   # inner nodes always move: every row is on its leaves
                break
            idx = moved
        leaf_values = self.value_[idx]
        out = np.empty((rows, len(self.baseline_)))
        for k, (lo, hi) in enumerate(zip(self.segments_[:-1], self.segments_[1:])):
            # scikit-learn adds tree after tree to the baseline; a cumulative sum keeps that order exactly
            terms = np.concatenate([np.full((rows, 1), self.baseline_[k]), leaf_values[:, lo:hi]], axis=1)
            out[:, k] = np.cumsum(terms, axis=1)[:, -1]
        return out


@dataclass
class CompiledClassifier:
    """`predict_proba` of a fitted Pipeline/CalibratedClassifierCV over binary HGB, isotonic method."""

    trees_: CompiledTrees          # one forest per CV member, walked together
    calibrators_: list[Any]        # the fitted IsotonicRegression of each member

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Mean over the calibrated members of the calibrated positive-class probability."""
        X = np.asarray(X, dtype=np.float64)
        mean = np.zeros((len(X), 2))
        raws = self.trees_.decision_function(X)
        for k, calibrator in enumerate(self.calibrators_):
            raw = np.clip(raws[:, k], calibrator.X_min_, calibrator.X_max_)
            pos = np.asarray(calibrator.f_(raw)).astype(np.float64)
            mean[:, 1] += pos
            mean[:, 0] += 1.0 - pos
        mean /= len(self.calibrators_)
        return mean


def compile_classifier(estimator: Any) -> CompiledClassifier | None:
    """Compile a Pipeline whose only step is an isotonic CalibratedClassifierCV over binary
    HistGradientBoostingClassifier (see training/train.py `make_classifier`); None for anything else."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.isotonic import IsotonicRegression
    from sklearn.pipeline import Pipeline

    if isinstance(estimator, Pipeline):
        if len(estimator.steps) != 1:
            return None
        estimator = estimator.steps[0][1]
    if not isinstance(estimator, CalibratedClassifierCV) or list(getattr(estimator, "classes_", [])) != [0, 1]:
        return None
    forests, calibrators = [], []
    for member in estimator.calibrated_classifiers_:
        hgb = member.estimator
        if not isinstance(hgb, HistGradientBoostingClassifier) or list(hgb.classes_) != [0, 1] or \
                len(member.calibrators) != 1 or not isinstance(member.calibrators[0], IsotonicRegression) or \
                member.calibrators[0].out_of_bounds != "clip":
            return None
        trees = CompiledTrees.from_hgb(hgb)
        if trees is None:
            return None
        forests.append(trees)
        calibrators.append(member.calibrators[0])
    return CompiledClassifier(CompiledTrees.concatenate(forests), calibrators) if forests else None
