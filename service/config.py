"""Service settings, all read from the environment so that `make serve` needs no config file.

Only the settings the Flask app itself uses live here; the gunicorn process settings (HOST, PORT,
UNSPUN_WORKERS, UNSPUN_THREADS, UNSPUN_TIMEOUT) are read by `service/gunicorn_conf.py`.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Mapping

DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_BATCH_ITEMS = 256
_SHA256 = re.compile(r"^[0-9a-f]{64}$")

# Set by the gunicorn master (service/gunicorn_hooks.py) for its workers; not meant for operators.
ENV_BOOT_MODEL_DIR = "UNSPUN_BOOT_MODEL_DIR"
ENV_BOOT_MODEL_SHA256 = "UNSPUN_BOOT_MODEL_SHA256"
ENV_MASTER_PID = "UNSPUN_GUNICORN_MASTER_PID"


class ConfigError(ValueError):
    """An environment variable holds a value the service cannot run with."""


@dataclass(frozen=True)
class ServiceConfig:
    """What the app needs to know; immutable so every request sees one consistent view."""

    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES      # per request, on the wire and after decompression
    max_batch_items: int = DEFAULT_MAX_BATCH_ITEMS
    model_dir: Path | None = None                     # where reloads read from; None = bundled model
    model_sha256: str | None = None                   # pin: refuse any artifact with another hash
    api_token: str | None = None                      # bearer token for /score*; None = open
    admin_token: str | None = None                    # bearer token for /admin/*; None = admin disabled
    log_level: str = "INFO"
    slow_score_seconds: float = 2.0                   # a page slower than this is logged and counted
    batch_budget_seconds: float = 20.0                # batch items not started by then get deadline_exceeded
    boot_model_dir: Path | None = None                # gunicorn master's verified snapshot (overrides model_dir at boot)
    boot_model_sha256: str | None = None
    master_pid: int | None = None                     # gunicorn master to HUP after a successful /admin/reload

    def __post_init__(self) -> None:
        if self.max_body_bytes < 1:
            raise ConfigError("UNSPUN_MAX_BODY_BYTES must be a positive integer")
        if self.max_batch_items < 1:
            raise ConfigError("UNSPUN_MAX_BATCH_ITEMS must be a positive integer")
        if self.model_sha256 is not None and not _SHA256.match(self.model_sha256):
            raise ConfigError("UNSPUN_MODEL_SHA256 must be 64 lowercase hex digits")
        if self.log_level.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ConfigError("UNSPUN_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        if self.slow_score_seconds <= 0 or self.batch_budget_seconds <= 0:
            raise ConfigError("UNSPUN_SLOW_SCORE_SECONDS and UNSPUN_BATCH_BUDGET_SECONDS must be > 0")

    @property
    def admin_enabled(self) -> bool:
        return bool(self.admin_token)

    @property
    def auth_required(self) -> bool:
        return bool(self.api_token)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "ServiceConfig":
        """Build the config from environment variables; raises ConfigError naming the bad variable."""
        env = os.environ if env is None else env

        def text(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        def integer(name: str, default: int) -> int:
            raw = text(name)
            if raw is None:
                return default
            try:
                return int(raw.replace("_", ""))
            except ValueError:
                raise ConfigError(f"{name} must be an integer, got {raw!r}") from None

        def number(name: str, default: float) -> float:
            raw = text(name)
            if raw is None:
                return default
            try:
                return float(raw)
            except ValueError:
                raise ConfigError(f"{name} must be a number, got {raw!r}") from None

        sha = text("UNSPUN_MODEL_SHA256")
        model_dir = text("UNSPUN_MODEL_DIR")
        boot_dir = text(ENV_BOOT_MODEL_DIR)
        master = text(ENV_MASTER_PID)
        return cls(
            max_body_bytes=integer("UNSPUN_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
            max_batch_items=integer("UNSPUN_MAX_BATCH_ITEMS", DEFAULT_MAX_BATCH_ITEMS),
            model_dir=Path(model_dir) if model_dir else None,
            model_sha256=sha.lower() if sha else None,
            api_token=text("UNSPUN_API_TOKEN"),
            admin_token=text("UNSPUN_ADMIN_TOKEN"),
            log_level=(text("UNSPUN_LOG_LEVEL") or "INFO").upper(),
            slow_score_seconds=number("UNSPUN_SLOW_SCORE_SECONDS", 2.0),
            batch_budget_seconds=number("UNSPUN_BATCH_BUDGET_SECONDS", 20.0),
            boot_model_dir=Path(boot_dir) if boot_dir else None,
            boot_model_sha256=text(ENV_BOOT_MODEL_SHA256),
            master_pid=int(master) if master and master.isdigit() else None,
        )

    def with_overrides(self, overrides: Mapping[str, Any]) -> "ServiceConfig":
        """Copy with some fields replaced; unknown names are an error, not silently ignored."""
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise ConfigError(f"unknown service setting(s): {', '.join(sorted(unknown))}")
        return replace(self, **dict(overrides))
