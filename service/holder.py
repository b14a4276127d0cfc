"""The model currently serving, and its verified, atomic replacement.

A reload loads the new artifact *beside* the old one (the loader verifies its SHA-256), scores a probe page
with it, and only then swaps one reference. Requests read the reference once, so an in-flight request finishes
on the model it started with; a refused artifact leaves the old model serving untouched.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol

from model.errors import ArtifactError

from service.errors import scrub

# A tiny page every real model must be able to score; catches artifacts that unpickle but cannot predict.
PROBE_PAGE = (b"<html><head><title>Probe</title></head><body><article><h1>Council approves budget</h1>"
              b"<p>The city council approved the annual budget on Tuesday after a long debate about "
              b"road repairs, school funding and the new library.</p></article></body></html>")


class DetectorLike(Protocol):
    """What the service needs from `model.Detector` (tests inject fakes with the same surface)."""

    version: str
    sha256: str
    threshold: float
    card: dict[str, Any]

    def score(self, page: bytes | str, *, url: str | None = None, content_type: str | None = None,
              threshold: float | None = None) -> Any: ...


Loader = Callable[[Path | None, str | None], DetectorLike]


class ReloadRefused(Exception):
    """The candidate artifact was not swapped in; `status`/`code`/`reason` go to the client."""

    def __init__(self, status: int, code: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class ReloadResult:
    changed: bool
    previous: dict[str, str] | None
    current: dict[str, str]
    seconds: float


def describe(det: DetectorLike | None) -> dict[str, str] | None:
    """Version and hash of a detector, for responses and logs."""
    if det is None:
        return None
    return {"version": str(det.version), "sha256": str(det.sha256)}


def default_loader(model_dir: Path | None, expected_sha256: str | None) -> DetectorLike:
    """`model.Detector.load`, imported late so the service module imports cheaply."""
    from model import Detector

    return Detector.load(model_dir, expected_sha256=expected_sha256)


def smoke_test(det: DetectorLike) -> None:
    """Raise ReloadRefused unless `det` scores the probe page into a sane verdict."""
    try:
        verdict = det.score(PROBE_PAGE)
        ok = verdict.verdict in ("spam", "ham") and 0.0 <= float(verdict.score) <= 1.0
    except Exception as exc:  # any failure of an untrusted candidate is a refusal, not a crash
        raise ReloadRefused(422, "artifact_unusable",
                            f"the artifact loaded but failed to score a probe page ({type(exc).__name__})") from None
    if not ok:
        raise ReloadRefused(422, "artifact_unusable", "the artifact loaded but returned an invalid verdict")


class ModelHolder:
    """Holds the serving detector; `reload` swaps in a verified one or raises ReloadRefused."""

    def __init__(self, loader: Loader = default_loader, detector: DetectorLike | None = None) -> None:
        self._loader = loader
        self._detector = detector
        self._reload_lock = threading.Lock()
        self.last_error: str | None = None

    @property
    def current(self) -> DetectorLike | None:
        """The serving detector (None until one loads). Read once per request."""
        return self._detector

    @property
    def ready(self) -> bool:
        return self._detector is not None

    def reload(self, model_dir: Path | None, expected_sha256: str | None = None,
               require_sha256: str | None = None) -> ReloadResult:
        """Load `model_dir` beside the current model and swap it in only if it verifies.

        `expected_sha256` is the configured pin (passed to the loader); `require_sha256` is an extra pin
        for this one reload (e.g. from an admin request). Raises ReloadRefused (409 when another reload
        is running, 422 when the artifact is refused).
        """
        if not self._reload_lock.acquire(blocking=False):
            raise ReloadRefused(409, "reload_in_progress", "another reload is in progress; try again shortly")
        started = time.perf_counter()
        try:
            try:
                candidate = self._loader(model_dir, expected_sha256)
            except ArtifactError as exc:
                self.last_error = scrub(str(exc)) or "artifact refused"
                raise ReloadRefused(422, "artifact_rejected", self.last_error) from None
            except Exception as exc:  # e.g. unpickling errors the loader did not wrap
                self.last_error = f"the artifact could not be loaded ({type(exc).__name__})"
                raise ReloadRefused(422, "artifact_rejected", self.last_error) from None
            if require_sha256 and str(candidate.sha256).lower() != require_sha256.lower():
                self.last_error = "the artifact's SHA-256 does not match the one this reload asked for"
                raise ReloadRefused(409, "sha256_mismatch", self.last_error)
            try:
                smoke_test(candidate)
            except ReloadRefused as exc:
                self.last_error = exc.reason
                raise
            previous = self._detector
            changed = previous is None or str(previous.sha256) != str(candidate.sha256)
            self._detector = candidate  # the atomic swap: one reference assignment
            self.last_error = None
            return ReloadResult(changed=changed, previous=describe(previous), current=describe(candidate) or {},
                                seconds=time.perf_counter() - started)
        finally:
            self._reload_lock.release()
