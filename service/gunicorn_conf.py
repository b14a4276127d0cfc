"""gunicorn settings for `make serve`, every one from the environment (defaults in brackets).

HOST [127.0.0.1], PORT [8000], UNSPUN_WORKERS [2 x cores], UNSPUN_THREADS [1: sync workers; >1: gthread],
UNSPUN_TIMEOUT [60 s: a worker silent for this long is killed and replaced, the hard guard against a page
that makes the detector hang], UNSPUN_LOG_LEVEL [INFO]. The app's own settings are in service/config.py.

Each worker builds the app (and so loads and verifies the model) once, at boot; preload_app stays off so
that a SIGHUP to the master restarts workers on the newly verified model (see service/gunicorn_hooks.py).
"""
import multiprocessing
import os
import sys
from pathlib import Path

_repo = str(Path(__file__).resolve().parents[1])
if _repo not in sys.path:
    sys.path.insert(0, _repo)

from service import gunicorn_hooks as _hooks  # noqa: E402


def _int_env(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise SystemExit(f"{name} must be at least {minimum}")
    return value


_host = os.environ.get("HOST", "").strip() or "127.0.0.1"
bind = f"[{_host}]:{_int_env('PORT', 8000, 0)}" if ":" in _host and not _host.startswith("[") else \
    f"{_host}:{_int_env('PORT', 8000, 0)}"
workers = _int_env("UNSPUN_WORKERS", 2 * (multiprocessing.cpu_count() or 1))
threads = _int_env("UNSPUN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int_env("UNSPUN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
preload_app = False
control_socket_disable = True  # management is SIGHUP + /admin/reload; no extra socket in $HOME
proc_name = "unspun"
accesslog = None              # the app logs one JSON line per request itself (with its request id)
errorlog = "-"
loglevel = os.environ.get("UNSPUN_LOG_LEVEL", "info").lower()
logconfig_dict = _hooks.LOGCONFIG
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
forwarded_allow_ips = "127.0.0.1"

_hooks.prepare_multiproc_dir()   # must be set before workers import prometheus_client

# One native thread per worker: parallelism comes from worker processes. The classifier predicts one row at a
# time, and OpenMP's thread team costs more than the work; with several workers on few cores its spin-waiting
# threads fight each other (measured: 16 ms per page single-threaded, 0.4-10 s with the default pool).
# Set before the workers import numpy/scikit-learn; an operator's explicit value wins.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

on_starting = _hooks.on_starting
on_reload = _hooks.on_reload
post_fork = _hooks.post_fork
child_exit = _hooks.child_exit
on_exit = _hooks.on_exit
