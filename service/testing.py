"""A stand-in detector with `model.Detector`'s surface, for service tests and the load-test harness.

It returns real `model.verdict.Verdict` objects (so responses have the production shape) from a trivial
rule: a page mentioning "More Stories" is spam. `artifact_loader` verifies real artifact directories with
`model.artifact.load_artifact` (same SHA-256 checks as `Detector.load`) and wraps them in a FakeDetector,
so reload paths are exercised on real files without a trained model.
"""
from __future__ import annotations

import os
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
    """Verify a real artifact directory (hash vs card, pin, unpickle) and serve it with the fake rule
    (each page taking $UNSPUN_FAKE_DELAY seconds)."""
    from model.artifact import load_artifact

    if model_dir is None:
        from model import DEFAULT_MODEL_DIR
        model_dir = DEFAULT_MODEL_DIR
    bundle, card, sha = load_artifact(Path(model_dir), expected_sha256)
    return FakeDetector(version=str(card.get("version", "unknown")), sha256=sha,
                        threshold=float(bundle["threshold"]), card=card,
                        delay=float(os.environ.get("UNSPUN_FAKE_DELAY", "0") or 0))


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


# ---- a real gunicorn on loopback, for integration tests and bench/load_test.py ---------------------------
REPO = Path(__file__).resolve().parents[1]


def free_loopback_port() -> int:
    """A port that was free on 127.0.0.1 a moment ago."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child_pids(pid: int) -> set[int]:
    """Direct children of `pid`, from /proc (Linux)."""
    found: set[int] = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


class CannotBind(RuntimeError):
    """gunicorn could not bind its loopback port (the caller may skip)."""


class GunicornServer:
    """`make serve` on 127.0.0.1 in a subprocess: start, talk HTTP to it, stop (bounded waits)."""

    def __init__(self, app_spec: str = "service.app:create_app()", env: dict[str, str] | None = None,
                 workers: int = 2, log_path: Path | None = None) -> None:
        self.app_spec = app_spec
        self.port = free_loopback_port()
        self.env = dict(os.environ, HOST="127.0.0.1", PORT=str(self.port),
                        UNSPUN_WORKERS=str(workers), **(env or {}))
        self.log_path = log_path
        self.proc: Any = None

    def start(self, timeout: float = 90.0) -> "GunicornServer":
        import subprocess
        import sys

        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(REPO / "service" / "gunicorn_conf.py"), self.app_spec],
            cwd=REPO, env=self.env, stdout=log, stderr=log, start_new_session=True)
        if self.log_path:
            log.close()  # the child holds its own descriptor
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                text = self.log_path.read_text(errors="replace") if self.log_path else ""
                if "Address already in use" in text or "Can't connect" in text:
                    raise CannotBind(text[-500:])
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}: {text[-2000:]}")
            try:
                status, _h, _b = self.request("GET", "/healthz", timeout=2)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer /healthz in time")

    @property
    def pid(self) -> int:
        return int(self.proc.pid)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                timeout: float = 30.0) -> tuple[int, dict[str, str], bytes]:
        """One request on a fresh loopback connection: (status, headers, body)."""
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def json(self, method: str, path: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, Any]:
        import json as _json

        status, _h, data = self.request(method, path, body, headers)
        return status, _json.loads(data)

    def workers(self) -> set[int]:
        return child_pids(self.pid)

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM the master (graceful), SIGKILL its process group if it lingers."""
        import signal
        import subprocess

        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            return self.proc.wait(10)

    def __enter__(self) -> "GunicornServer":
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
