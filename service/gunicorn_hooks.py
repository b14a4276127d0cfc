"""gunicorn master hooks: Prometheus multiprocess directory, and verified model snapshots for the workers.

Model updates under gunicorn (`kill -HUP <master>`, or POST /admin/reload which HUPs the master itself):
the master checks UNSPUN_MODEL_DIR in a throw-away process (SHA-256 against the card and UNSPUN_MODEL_SHA256,
unpickles into a complete bundle), copies the verified files into a private snapshot and re-hashes the copy.
Workers load only that snapshot. When the check fails the master keeps the previous snapshot, so the restarted
workers come back on the old model: a corrupt, truncated or mismatched artifact never takes the service down,
and an artifact edited in place later cannot break a worker respawned by gunicorn.

State lives in this module (imported once) and in os.environ, because gunicorn re-executes gunicorn_conf.py
on every HUP.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from service.config import ENV_BOOT_MODEL_DIR, ENV_BOOT_MODEL_SHA256, ENV_MASTER_PID
from service.logs import JsonFormatter

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CHECK_TIMEOUT_S = 120
ARTIFACT_FILES = ("unspun.joblib", "model_card.json")
_state: dict[str, Any] = {"runtime_dir": None, "own_multiproc": False}
log = logging.getLogger("unspun.master")

LOGCONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": JsonFormatter}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"level": "WARNING", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        "unspun.master": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}


class ModelCheckFailed(Exception):
    """The candidate model directory did not verify; the message is safe to log."""


def runtime_dir() -> Path:
    """A private directory for this server's snapshots (and metrics, unless the operator chose a dir)."""
    if _state["runtime_dir"] is None:
        _state["runtime_dir"] = Path(tempfile.mkdtemp(prefix="unspun-serve-"))
    return _state["runtime_dir"]


def prepare_multiproc_dir() -> Path:
    """Make sure PROMETHEUS_MULTIPROC_DIR exists before any worker imports prometheus_client."""
    current = os.environ.get(MULTIPROC_ENV)
    if current:
        path = Path(current)
    else:
        path = runtime_dir() / "prometheus"
        os.environ[MULTIPROC_ENV] = str(path)
        _state["own_multiproc"] = True
    path.mkdir(parents=True, exist_ok=True)
    return path


def wipe_multiproc_dir() -> None:
    """Metrics from a previous run must not leak into this one."""
    path = prepare_multiproc_dir()
    for stale in path.glob("*.db"):
        stale.unlink(missing_ok=True)


def source_model_dir() -> Path:
    """UNSPUN_MODEL_DIR, else the bundled model directory."""
    configured = os.environ.get("UNSPUN_MODEL_DIR", "").strip()
    if configured:
        return Path(configured).resolve()
    return Path(__file__).resolve().parents[1] / "model" / "artifacts"


def check_in_subprocess(model_dir: Path, pin: str | None) -> dict[str, Any]:
    """Run service.artifact_check in a fresh interpreter; return its verdict or raise ModelCheckFailed."""
    cmd = [sys.executable, "-m", "service.artifact_check", str(model_dir)] + (["--sha256", pin] if pin else [])
    repo = Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(repo), os.environ.get("PYTHONPATH")])))
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=CHECK_TIMEOUT_S, env=env, cwd=repo)
    except subprocess.TimeoutExpired:
        raise ModelCheckFailed(f"artifact check took longer than {CHECK_TIMEOUT_S} s") from None
    try:
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise ModelCheckFailed(f"artifact check crashed (exit {proc.returncode}): {proc.stderr.strip()[-300:]}") from None
    if proc.returncode != 0 or not result.get("ok"):
        raise ModelCheckFailed(str(result.get("reason", "artifact refused")))
    return result


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def promote(model_dir: Path, pin: str | None) -> dict[str, Any]:
    """Verify `model_dir`, snapshot it, and point future workers at the snapshot. Raises ModelCheckFailed."""
    result = check_in_subprocess(model_dir, pin)
    sha = result["sha256"]
    snapshot = runtime_dir() / "models" / sha
    if not (snapshot / ARTIFACT_FILES[0]).exists() or _sha256_file(snapshot / ARTIFACT_FILES[0]) != sha:
        staging = Path(tempfile.mkdtemp(prefix="staging-", dir=runtime_dir()))
        for name in ARTIFACT_FILES:
            shutil.copyfile(model_dir / name, staging / name)
        # The source may have changed after the check: the copy itself must be the verified bytes.
        card = json.loads((staging / ARTIFACT_FILES[1]).read_text(encoding="utf-8"))
        if _sha256_file(staging / ARTIFACT_FILES[0]) != sha or card.get("artifact_sha256") != sha:
            shutil.rmtree(staging, ignore_errors=True)
            raise ModelCheckFailed("the model directory changed while it was being verified; try again")
        shutil.rmtree(snapshot, ignore_errors=True)
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(snapshot)
    previous = os.environ.get(ENV_BOOT_MODEL_DIR)
    os.environ[ENV_BOOT_MODEL_DIR] = str(snapshot)
    os.environ[ENV_BOOT_MODEL_SHA256] = sha
    if previous and Path(previous) != snapshot and Path(previous).parent == snapshot.parent:
        shutil.rmtree(previous, ignore_errors=True)  # old workers have their model in memory already
    return result


# ---- gunicorn server hooks (wired in gunicorn_conf.py) -----------------------------------------------
def on_starting(server: Any) -> None:
    """Fresh metrics; refuse to start without a verified model (a clear error beats a fleet of 503s)."""
    wipe_multiproc_dir()
    source = source_model_dir()
    try:
        result = promote(source, os.environ.get("UNSPUN_MODEL_SHA256") or None)
    except ModelCheckFailed as exc:
        log.error("no usable model, not starting: %s", exc, extra={"event": "model_refused", "model_dir": str(source)})
        on_exit(server)
        sys.exit(3)
    log.info("model verified", extra={"event": "model_verified", "version": result["version"],
                                      "sha256": result["sha256"], "model_dir": str(source)})


def on_reload(server: Any) -> None:
    """SIGHUP: adopt the new artifact only if it verifies; otherwise workers restart on the old snapshot."""
    source = source_model_dir()
    try:
        result = promote(source, os.environ.get("UNSPUN_MODEL_SHA256") or None)
    except ModelCheckFailed as exc:
        log.error("model reload refused, keeping the previous model: %s", exc,
                  extra={"event": "reload_refused", "model_dir": str(source),
                         "serving_sha256": os.environ.get(ENV_BOOT_MODEL_SHA256)})
        return
    log.info("model reload verified", extra={"event": "reload_verified", **result})


def post_fork(server: Any, worker: Any) -> None:
    """Tell the worker who its master is, so /admin/reload can HUP it."""
    os.environ[ENV_MASTER_PID] = str(server.pid)


def child_exit(server: Any, worker: Any) -> None:
    """Drop a dead worker's live gauges from the multiprocess metrics."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    """Remove our private snapshots (and the metrics dir if we made it)."""
    directory = _state["runtime_dir"]
    if directory is not None:
        shutil.rmtree(directory, ignore_errors=True)
