"""A stand-in detector with `model.Detector`'s surface, for service tests and the load-test harness.

It returns real `model.verdict.Verdict` objects (so responses have the production shape) from a trivial
rule: a page mentioning "More Stories" is spam. `artifact_loader` verifies real artifact directories with
`model.artifact.load_artifact` (same SHA-256 checks as `Detector.load`) and wraps them in a FakeDetector,
so reload paths are exercised on real files without a trained model.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from flask import Flask

from model.errors import InputError
from model.verdict import Evidence, Signal, Verdict

STABLE_SIGNALS = {
    "spun_phrases": "Phrases that read like thesaurus substitutions of common phrases.",
    "trailing_links": "A trailing block of links unrelated to the article.",
    "copyright_residue": "Copyright lines of another publisher left in the page.",
    "content_stats": "Statistics of the main text (length, word rarity, numbers spelled oddly).",
}


class FakeDetector:
    """Deterministic detector: "More Stories" in the page -> spam (0.9), else ham (0.1)."""

    def __init__(self, version: str = "fake-1", sha256: str = "0" * 64, threshold: float = 0.5,
                 delay: float = 0.0, card: dict[str, Any] | None = None) -> None:
        self.version = version
        self.sha256 = sha256
        self.threshold = threshold
        self.delay = delay
        self.card = card or {"version": version}
        self.calls: list[dict[str, Any]] = []

    def score(self, page: bytes | str, *, url: str | None = None, content_type: str | None = None,
              threshold: float | None = None) -> Verdict:
        if page is None or len(page) == 0:
            raise InputError("empty_document", "the document is empty")
        self.calls.append({"page": page, "url": url, "content_type": content_type, "threshold": threshold})
        if self.delay:
            time.sleep(self.delay)
        text = page.decode("utf-8", "replace") if isinstance(page, bytes) else page
        spammy = "more stories" in text.lower()
        score = 0.9 if spammy else 0.1
        thr = self.threshold if threshold is None else float(threshold)
        signals = tuple(
            Signal(name=name, description=desc, strength=score if name == "trailing_links" else 0.0,
                   fired=spammy and name == "trailing_links", reason="fake",
                   evidence=(Evidence(text="More Stories", start=0, end=12, confidence=0.9),)
                   if spammy and name == "trailing_links" else ())
            for name, desc in STABLE_SIGNALS.items())
        return Verdict(verdict="spam" if score >= thr else "ham", score=score, threshold=thr, signals=signals,
                       language="en", model_version=self.version, model_sha256=self.sha256,
                       reasons=("fake",), stats={"bytes": len(page)})


def artifact_loader(model_dir: Path | None, expected_sha256: str | None) -> FakeDetector:
    """Verify a real artifact directory (hash vs card, pin, unpickle) and serve it with the fake rule."""
    from model.artifact import load_artifact

    if model_dir is None:
        from model import DEFAULT_MODEL_DIR
        model_dir = DEFAULT_MODEL_DIR
    bundle, card, sha = load_artifact(Path(model_dir), expected_sha256)
    return FakeDetector(version=str(card.get("version", "unknown")), sha256=sha,
                        threshold=float(bundle["threshold"]), card=card)


def write_tiny_artifact(model_dir: Path, version: str, threshold: float = 0.5) -> str:
    """A small but valid artifact directory (right keys, real SHA-256 card); returns its SHA-256."""
    from model.artifact import FORMAT_VERSION, write_model_dir

    bundle = {"pipeline": {"kind": "fake", "version": version}, "threshold": threshold,
              "feature_names": ["x"], "tables": {}, "format": FORMAT_VERSION}
    return write_model_dir(Path(model_dir), bundle, {"version": version})


def create_fake_app() -> Flask:
    """App factory for gunicorn-level tests: real config, hooks and artifact checks, fake scoring rule."""
    from service.app import create_app

    return create_app(loader=artifact_loader, catalogue=STABLE_SIGNALS)
