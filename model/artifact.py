"""The model artifact: `unspun.joblib` beside `model_card.json`, bound together by a SHA-256.

joblib files are pickles: loading one runs code. So the loader reads the bytes once, checks their
SHA-256 against the card (and against a pinned hash when the caller gives one), and only then
unpickles those same bytes: a file swapped between the check and the load cannot slip through.
"""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import joblib

from model.errors import ArtifactError

ARTIFACT_NAME = "unspun.joblib"
CARD_NAME = "model_card.json"
FORMAT_VERSION = 1
REQUIRED_KEYS = ("pipeline", "threshold", "feature_names", "tables", "format")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dump_bundle(bundle: dict[str, Any]) -> bytes:
    """Serialise a bundle to joblib bytes (compressed: the reference tables dominate)."""
    buf = io.BytesIO()
    joblib.dump(bundle, buf, compress=("zlib", 3))
    return buf.getvalue()


def read_card(model_dir: Path) -> dict[str, Any]:
    try:
        card = json.loads((model_dir / CARD_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ArtifactError(f"no model card {CARD_NAME} in the model directory") from exc
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"model card is unreadable: {exc.__class__.__name__}") from exc
    if not isinstance(card, dict) or not isinstance(card.get("artifact_sha256"), str):
        raise ArtifactError("model card has no artifact_sha256")
    return card


def load_artifact(model_dir: Path, expected_sha256: str | None = None) -> tuple[dict[str, Any], dict[str, Any], str]:
    """(bundle, card, sha256) from a model directory, verified before unpickling."""
    card = read_card(model_dir)
    try:
        data = (model_dir / ARTIFACT_NAME).read_bytes()
    except OSError as exc:
        raise ArtifactError(f"model artifact {ARTIFACT_NAME} is unreadable: {exc.__class__.__name__}") from exc
    digest = sha256_bytes(data)
    if digest != card["artifact_sha256"]:
        raise ArtifactError("model artifact SHA-256 does not match its model card")
    if expected_sha256 and digest != expected_sha256.strip().lower():
        raise ArtifactError("model artifact SHA-256 does not match the pinned hash")
    try:
        bundle = joblib.load(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means a bad artifact
        raise ArtifactError(f"model artifact failed to load: {exc.__class__.__name__}") from exc
    if not isinstance(bundle, dict) or any(k not in bundle for k in REQUIRED_KEYS):
        raise ArtifactError("model artifact lacks required parts")
    if bundle["format"] != FORMAT_VERSION:
        raise ArtifactError(f"model artifact format {bundle['format']} is not {FORMAT_VERSION}")
    return bundle, card, digest


def write_model_dir(model_dir: Path, bundle: dict[str, Any], card: dict[str, Any]) -> str:
    """Write artifact and card into `model_dir` (not atomic: see training.gate for promotion)."""
    data = dump_bundle(bundle)
    digest = sha256_bytes(data)
    card = dict(card, artifact_sha256=digest, artifact_bytes=len(data))
    model_dir.mkdir(parents=True, exist_ok=True)
    (model_dir / ARTIFACT_NAME).write_bytes(data)
    (model_dir / CARD_NAME).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return digest
