"""Structured JSON logging to stderr, with the current request id stamped on every line."""
from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
import uuid

REQUEST_ID_HEADER = "X-Request-Id"
_SANE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$")
_current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("unspun_request_id", default=None)
_STANDARD = set(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {"message", "asctime", "taskName"}


def new_request_id(client_value: str | None) -> str:
    """Keep a client's id when it is short and plain (no spaces or control characters), else make one."""
    if client_value and _SANE_ID.match(client_value):
        return client_value
    return uuid.uuid4().hex


def set_request_id(request_id: str | None) -> contextvars.Token:
    return _current_request_id.set(request_id)


def reset_request_id(token: contextvars.Token) -> None:
    _current_request_id.reset(token)


def current_request_id() -> str | None:
    return _current_request_id.get()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            out["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in out and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str, ensure_ascii=False)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at emit time (so test capture or a redirect never sees a closed file)."""

    @property  # type: ignore[override]
    def stream(self):  # noqa: ANN201
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # noqa: ANN001
        pass


def configure_logging(level: str) -> logging.Logger:
    """Send the service's loggers to stderr as JSON lines (idempotent: one handler however often called).

    Only `unspun.service` is touched, so other parts' loggers (and pytest's caplog on them) are unaffected.
    """
    logger = logging.getLogger("unspun.service")
    logger.setLevel(level)
    if not any(getattr(h, "_unspun_json", False) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(JsonFormatter())
        handler._unspun_json = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.propagate = False
    return logger
