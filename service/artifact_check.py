"""Verify a model directory in a throw-away process: `python -m service.artifact_check DIR [--sha256 HEX]`.

The gunicorn master uses it before (re)starting workers, so it never unpickles an artifact itself (joblib is
pickle: the master holds the listening socket and should run no model code). Prints one JSON line and exits
0 when the artifact's SHA-256 matches its card (and the pin) and it unpickles into a complete bundle, 2 when not.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from model.artifact import load_artifact
from model.errors import ArtifactError

from service.errors import scrub


def check(model_dir: Path, sha256: str | None) -> dict[str, str]:
    """{"sha256", "version"} of a verified artifact; raises ArtifactError."""
    _bundle, card, digest = load_artifact(model_dir, sha256)
    return {"sha256": digest, "version": str(card.get("version", "unknown"))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("--sha256", default=None)
    args = parser.parse_args(argv)
    try:
        result = check(args.model_dir, args.sha256)
    except ArtifactError as exc:
        print(json.dumps({"ok": False, "reason": scrub(str(exc))}))
        return 2
    print(json.dumps({"ok": True, **result}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
