"""Loading the detector for a batch run and turning one page into one verdict line.

The line carries exactly: url, record_id, input, and either verdict / score / signals (names of the
fired signals) or error {code, message}. The score is rounded as `/score` rounds it (6 places), and
the detector is called exactly as `/score` calls it: `score(body, url=..., content_type=...)`.
"""
from __future__ import annotations

import importlib
import os
from typing import Any, Callable

from crawl.inputs import Page

DEFAULT_FACTORY = "model:Detector.load"


class ModelLoadError(Exception):
    """The detector could not be loaded (missing / corrupt artifact, bad factory): exit code 3."""


def resolve_factory(spec: str) -> Callable[..., Any]:
    """`"package.module:attr.path"` -> the callable it names."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ModelLoadError(f"detector factory must look like module:callable, got {spec!r}")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def one_native_thread() -> None:
    """Limit OpenMP / BLAS pools to one thread in this process. Batch scoring is parallel across
    processes and scores one page per classifier call; a multi-threaded pool per call only adds
    thread wake-ups and oversubscribes the cores (measured: ~8x slower per page on 2 busy cores)."""
    for var in THREAD_VARS:
        os.environ.setdefault(var, "1")   # libraries loaded from now on
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1)        # libraries already loaded
    except ImportError:  # pragma: no cover - threadpoolctl is pinned in requirements.txt
        pass


def load_detector(model_dir: str | None = None, factory: str | None = None) -> Any:
    """Load the detector once: `model.Detector.load(model_dir)` unless another `factory` is named
    (a `module:callable` taking the model dir, e.g. the fake detector the tests use). Native thread
    pools are limited to one thread before and after loading (see `one_native_thread`)."""
    one_native_thread()
    try:
        make = resolve_factory(factory or DEFAULT_FACTORY)
        detector = make(model_dir) if model_dir else make()
    except ModelLoadError:
        raise
    except Exception as exc:  # ArtifactError, ImportError, anything: the run cannot start
        raise ModelLoadError(f"{type(exc).__name__}: {exc}") from exc
    one_native_thread()
    return detector


def model_identity(detector: Any) -> dict[str, str]:
    """What the run manifest records about the model: a changed model invalidates old state."""
    return {"sha256": str(getattr(detector, "sha256", "")), "version": str(getattr(detector, "version", ""))}


def score_page(detector: Any, page: Page, threshold: float | None = None) -> dict[str, Any]:
    """One output line for `page`. Never raises: a failure becomes `error: {code, message}`.

    An exception with a string `code` (the detector's `InputError`, e.g. ``empty_document``) keeps
    its code; anything else is reported as ``internal_error`` so one bad page cannot stop a run.
    """
    row: dict[str, Any] = {"url": page.url, "record_id": page.record_id, "input": page.input}
    if page.error is not None:
        row["error"] = {"code": page.error[0], "message": page.error[1]}
        return row
    try:
        verdict = detector.score(page.body, url=page.url, content_type=page.content_type, threshold=threshold)
    except Exception as exc:
        code = getattr(exc, "code", None)
        if isinstance(code, str) and code:
            row["error"] = {"code": code, "message": str(getattr(exc, "message", exc))}
        else:
            row["error"] = {"code": "internal_error", "message": f"{type(exc).__name__}: {exc}"}
        return row
    row["verdict"] = verdict.verdict
    row["score"] = round(float(verdict.score), 6)
    row["signals"] = list(verdict.fired)
    return row
