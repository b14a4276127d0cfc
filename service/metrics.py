"""Prometheus metrics, correct under several gunicorn workers.

When PROMETHEUS_MULTIPROC_DIR is set (gunicorn_conf.py does it before any worker imports prometheus_client),
every worker writes its values to files there and /metrics aggregates all workers, dead ones included for
counters (their gauges are dropped by the master's `child_exit` hook). Without it (tests, `flask run`) the
app's own in-memory registry is served.
"""
from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


class Metrics:
    """The service's metrics, registered on a private registry so several apps can coexist in one process."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("unspun_http_requests", "HTTP requests answered, by endpoint, method and status.",
                                ["endpoint", "method", "status"], registry=r)
        self.latency = Histogram("unspun_http_request_duration_seconds", "Time to answer a request, by endpoint.",
                                 ["endpoint"], buckets=LATENCY_BUCKETS, registry=r)
        self.verdicts = Counter("unspun_verdicts", "Pages scored, by verdict class.", ["verdict"], registry=r)
        self.score_seconds = Histogram("unspun_score_duration_seconds", "Time the detector spent on one page.",
                                       buckets=LATENCY_BUCKETS, registry=r)
        self.slow_scores = Counter("unspun_slow_scores", "Pages whose scoring exceeded the slow-score threshold.",
                                   registry=r)
        self.item_errors = Counter("unspun_score_errors", "Pages not scored, by error code.", ["code"], registry=r)
        self.reloads = Counter("unspun_model_reloads", "Model reload attempts, by outcome.", ["outcome"], registry=r)
        self.model_info = Gauge("unspun_model_info", "The model a live worker is serving (value 1).",
                                ["version", "sha256"], multiprocess_mode="livemax", registry=r)
        self.model_loaded = Gauge("unspun_model_loaded", "1 when a verified model is loaded.",
                                  multiprocess_mode="livemin", registry=r)

    def set_model(self, previous: dict[str, str] | None, current: dict[str, str] | None) -> None:
        """Record which model this worker serves now (the old label set drops to 0)."""
        if previous and previous != current:
            self.model_info.labels(previous["version"], previous["sha256"]).set(0)
        if current:
            self.model_info.labels(current["version"], current["sha256"]).set(1)
        self.model_loaded.set(1 if current else 0)

    def render(self) -> tuple[bytes, str]:
        """The exposition text for /metrics, aggregated across workers in multiprocess mode."""
        if multiprocess_mode():
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
