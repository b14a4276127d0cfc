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


def members_of(bundle: dict[str, Any]) -> list[tuple[Any, Any]]:
    """(swap model, page classifier) of each member of the bundle's ensemble, in order. A bundle without
    "members" is one member: its "token_model" (None when it has none) and its "pipeline". An ensemble's
    bundle keeps its first member under those two keys too, for tools that use one swap model. Raises
    `ArtifactError` for members that are not a non-empty list of dicts with a "pipeline"."""
    members = bundle.get("members")
    if members is None:
        return [(bundle.get("token_model"), bundle["pipeline"])]
    if not isinstance(members, list) or not members or \
            not all(isinstance(m, dict) and "pipeline" in m for m in members):
        raise ArtifactError("model artifact's members are malformed")
    return [(m.get("token_model"), m["pipeline"]) for m in members]


def _flag_of(bundle: dict[str, Any], name: str) -> bool:
    """The bundle's bool flag `name`, False when absent (artifacts from before it); `ArtifactError` when it
    is not a bool."""
    flag = bundle.get(name, False)
    if not isinstance(flag, bool):
        raise ArtifactError(f"model artifact's {name} flag is malformed")
    return flag


def pooled_swaps_of(bundle: dict[str, Any]) -> bool:
    """Whether the bundle's page classifiers read the swap features of their members' mean swap probability
    ("pooled_swaps", `train --pooled-swaps`) rather than each member's own swap model's."""
    return _flag_of(bundle, "pooled_swaps")


def read_comments_of(bundle: dict[str, Any]) -> bool:
    """Whether the bundle's classifiers were trained with the spun-phrase pass reading the page's comment
    sections after its main text ("read_comments", `train --read-comments`; `model.features.spun_text_of`)."""
    return _flag_of(bundle, "read_comments")


def bare_classifiers_of(bundle: dict[str, Any]) -> list[Any] | None:
    """Each member's classifier for bare article pages ("bare_pipeline", `train --bare-classifier`), in the
    order of `members_of`, or None when the bundle has none (bare pages are then scored by the page
    classifiers). Raises `ArtifactError` when some members have one and some not."""
    members = bundle.get("members")
    found = [bundle.get("bare_pipeline")] if members is None else \
        [m.get("bare_pipeline") if isinstance(m, dict) else None for m in members]
    if all(f is None for f in found):
        return None
    if any(f is None for f in found):
        raise ArtifactError("model artifact's members are malformed: some have a bare-page classifier and some not")
    return found


ARTIFACT_COMPRESSION = ("xz", 3)   # the bundled model's artifact: 19.0 MB against 21.2 MB with zlib level 3, loaded
                                   # in 0.55 s against 0.19 s, written in 10 s against 0.8 s (model 2026.11.29-150835);
                                   # three members take 22.6 MB (233443), four 24.5 MB (015026)


def dump_bundle(bundle: dict[str, Any]) -> bytes:
    """Serialise a bundle to joblib bytes (compressed: the reference tables dominate; joblib.load reads
    any of its compressions, so artifacts written with another load as they are)."""
    buf = io.BytesIO()
    joblib.dump(bundle, buf, compress=ARTIFACT_COMPRESSION)
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
    members_of(bundle)          # raises for malformed members
    bare_classifiers_of(bundle)
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
