"""A cache of fitted swap models, for experiments on what comes after them (`train --swap-model-cache`).

The swap (token) models are most of a training's time (2,064 of 2,845 s for three members, two trainings
side by side on two cores: model 093717), and an experiment on the page classifiers, their features or
the thresholds refits them exactly as before: they are deterministic given their seed. With the cache, a
member's cross-fitting swap models and the one fitted on every fold are loaded when a key says they were
fitted on the same inputs, and fitted and stored otherwise.

The key is a SHA-256 over everything the fits depend on: the member's seed, the options that shape the
swap models' training data (the spin rates among them), the source texts (group, fold, title, text), the
reference tables of every fold and the spinners (their contents, so the lexicons they were built from
count), the source of the modules that compute token features, spin texts and fit the models, and the
versions of Python, numpy and scikit-learn. Anything else changing (the page features, the classifier,
the thresholds) keeps the key; any of these changing misses. A miss costs a fit, never a wrong model.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import pickle
import platform
from pathlib import Path
from typing import Any, Callable, Iterable

import joblib

# Modules whose code decides the swap models' training data and fits (token features, tokens, tables, spinners).
SWAP_MODEL_MODULES = ("model.tokens", "model.tables", "model.coherence", "model.triples", "model.patterns",
                      "model.signals.spun_phrases", "training.spinner", "training.thesauri", "training.tables")


def canonical(obj: Any) -> Any:
    """`obj` with every set sorted and every dict's items sorted, so that its pickle does not depend on the
    process's string hashing (a frozenset's order does); objects become their class name and attributes."""
    if isinstance(obj, dict):
        return sorted(([canonical(k), canonical(v)] for k, v in obj.items()), key=lambda kv: repr(kv[0]))
    if isinstance(obj, (set, frozenset)):
        return sorted((canonical(v) for v in obj), key=repr)
    if isinstance(obj, (list, tuple)):
        return [canonical(v) for v in obj]
    if hasattr(obj, "__dict__") and not isinstance(obj, type):
        return [type(obj).__name__, canonical(vars(obj))]
    return obj


def inputs_digest(options: dict, docs: Iterable[Any], tables_by_fold: dict, spinners: dict,
                  functions: Iterable[Callable] = ()) -> str:
    """A digest of what every member's swap models are fitted on: `options` (JSON-serialisable), the texts of
    `docs`, `tables_by_fold` (pickled: their arrays, not their lazily built indexes) and `spinners` (made
    `canonical`), the source of SWAP_MODEL_MODULES and of `functions` (the caller's own fitting code), and
    the library versions."""
    import importlib

    import numpy
    import sklearn

    h = hashlib.sha256()
    h.update(json.dumps({"options": options, "python": platform.python_version(), "numpy": numpy.__version__,
                         "sklearn": sklearn.__version__}, sort_keys=True, default=str).encode("utf-8"))
    for d in docs:
        h.update(json.dumps([d.group, d.fold, d.title, d.text]).encode("utf-8"))
    for k in sorted(tables_by_fold):
        h.update(hashlib.sha256(pickle.dumps(tables_by_fold[k], protocol=5)).digest())
    for name in sorted(spinners):
        h.update(hashlib.sha256(pickle.dumps([name, canonical(spinners[name])], protocol=5)).digest())
    for module in SWAP_MODEL_MODULES:
        h.update(inspect.getsource(importlib.import_module(module)).encode("utf-8"))
    for fn in functions:
        h.update(inspect.getsource(fn).encode("utf-8"))
    return h.hexdigest()


def member_key(inputs: str, seed: int) -> str:
    """The cache key of the swap models of the member with `seed`, fitted on `inputs` (`inputs_digest`)."""
    return hashlib.sha256(f"{inputs}:{seed}".encode("utf-8")).hexdigest()


def load(directory: Path, key: str) -> Any | None:
    """The cached models under `key`, or None (not cached, or unreadable: then they are fitted again)."""
    path = directory / f"{key}.joblib"
    if not path.exists():
        return None
    try:
        return joblib.load(path)
    except Exception:  # noqa: BLE001 (a truncated or stale file is a miss, not a failure)
        return None


def save(directory: Path, key: str, models: Any) -> Path:
    """Store `models` under `key`, written to a temporary name first so that a reader never sees half a file."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{key}.joblib"
    tmp = path.with_suffix(".joblib.tmp")
    joblib.dump(models, tmp)
    tmp.replace(path)
    return path
