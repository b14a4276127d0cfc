"""service/: a real gunicorn (2 workers, loopback) — scoring, metrics aggregated across workers, SIGHUP and
/admin/reload model updates that refuse a corrupt artifact and keep the old model serving."""
from __future__ import annotations

import json
import os
import shutil
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from service.testing import CannotBind, GunicornServer, write_tiny_artifact

pytestmark = pytest.mark.slow
ADMIN = "admin-token-0123456789abcdef"
MODEL_DIR = Path(__file__).resolve().parents[1] / "model" / "artifacts"


def metric_samples(server: GunicornServer) -> list:
    status, _h, body = server.request("GET", "/metrics")
    assert status == 200
    return [s for fam in text_string_to_metric_families(body.decode()) for s in fam.samples]


def score_total(samples: list) -> float:
    return sum(s.value for s in samples if s.name == "unspun_http_requests_total"
               and s.labels["endpoint"] == "/score" and s.labels["status"] == "200")


def ready_version(server: GunicornServer) -> str:
    status, body = server.json("GET", "/readyz")
    assert status == 200, body
    return body["model"]["version"]


def wait_for(condition, timeout: float = 60.0, what: str = "condition") -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def all_workers_serve(server: GunicornServer, version: str, probes: int = 12) -> bool:
    return all(ready_version(server) == version for _ in range(probes))


def restarted(server: GunicornServer, old: set[int]) -> bool:
    now = server.workers()
    return len(now) == 2 and not (now & old)


def start(server: GunicornServer) -> GunicornServer:
    try:
        return server.start()
    except CannotBind as exc:
        pytest.skip(f"gunicorn cannot bind a loopback port here: {exc}")


def test_gunicorn_two_workers_metrics_and_safe_model_updates(tmp_path: Path) -> None:
    source = tmp_path / "model"
    write_tiny_artifact(source, "A")
    prom = tmp_path / "prom"
    log = tmp_path / "gunicorn.log"
    # each page takes 50 ms, so that one worker cannot answer all 64 before the other accepts any (on a
    # busy machine a fake page that takes no time let one worker serve them all)
    server = GunicornServer("service.testing:create_fake_app()", workers=2, log_path=log, env={
        "UNSPUN_MODEL_DIR": str(source), "UNSPUN_ADMIN_TOKEN": ADMIN, "PROMETHEUS_MULTIPROC_DIR": str(prom),
        "UNSPUN_FAKE_DELAY": "0.05"})
    start(server)
    try:
        wait_for(lambda: len(server.workers()) == 2, what="two workers")
        assert ready_version(server) == "A"

        # 64 pages from 16 concurrent clients, each on its own connection: both workers answer
        page = b"<html><body><p>Story.</p><h3>More Stories</h3></body></html>"
        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(lambda _: server.request("POST", "/score", page, {"Content-Type": "text/html"}),
                                    range(64)))
        assert [a[0] for a in answers] == [200] * 64
        assert all(json.loads(a[2])["verdict"] == "spam" for a in answers)
        assert len({a[1]["x-request-id"] for a in answers}) == 64
        per_worker = [score_total([s for m in MultiProcessCollector.merge([str(f)], accumulate=True)
                                   for s in m.samples]) for f in prom.glob("counter_*.db")]
        assert len([n for n in per_worker if n]) == 2, per_worker  # both workers answered some pages
        samples = metric_samples(server)
        assert score_total(samples) == sum(per_worker) == 64  # /metrics sums every worker's file
        assert sum(s.value for s in samples if s.name == "unspun_verdicts_total"
                   and s.labels["verdict"] == "spam") == 64
        info = {s.labels["version"]: s.value for s in samples if s.name == "unspun_model_info"}
        assert info == {"A": 1.0}

        # SIGHUP with a corrupt artifact: workers restart, verification fails, they come back on A
        shutil.rmtree(source)
        write_tiny_artifact(source, "B")
        data = bytearray((source / "unspun.joblib").read_bytes())
        data[-20] ^= 0xFF
        (source / "unspun.joblib").write_bytes(bytes(data))
        old = server.workers()
        os.kill(server.pid, signal.SIGHUP)
        wait_for(lambda: restarted(server, old), what="workers restarted after HUP")
        assert all_workers_serve(server, "A")
        assert "reload_refused" in log.read_text()

        # SIGHUP with a valid artifact: every worker moves to C; counters survive the restart
        shutil.rmtree(source)
        write_tiny_artifact(source, "C")
        old = server.workers()
        os.kill(server.pid, signal.SIGHUP)
        wait_for(lambda: restarted(server, old), what="workers restarted after second HUP")
        wait_for(lambda: all_workers_serve(server, "C"), what="version C everywhere")
        samples = metric_samples(server)
        assert score_total(samples) == 64
        info = {s.labels["version"]: s.value for s in samples if s.name == "unspun_model_info" and s.value}
        assert info == {"C": 1.0}

        # /admin/reload: a corrupt artifact is refused by the worker; a valid one reaches every worker
        shutil.rmtree(source)
        write_tiny_artifact(source, "D")
        (source / "unspun.joblib").write_bytes((source / "unspun.joblib").read_bytes()[:50])
        status, body = server.json("POST", "/admin/reload", headers={"Authorization": f"Bearer {ADMIN}"})
        assert status == 422 and body["error"] == "artifact_rejected"
        assert all_workers_serve(server, "C")
        shutil.rmtree(source)
        write_tiny_artifact(source, "D")
        status, body = server.json("POST", "/admin/reload", headers={"Authorization": f"Bearer {ADMIN}"})
        assert status == 200 and body["scope"] == "all_workers" and body["model"]["version"] == "D"
        wait_for(lambda: all_workers_serve(server, "D"), what="version D everywhere")
    finally:
        code = server.stop()
    assert code == 0, log.read_text()[-3000:]
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("event") == "request"]
    assert requests and all(line.get("request_id") for line in requests)


def test_gunicorn_refuses_to_start_without_a_verified_model(tmp_path: Path) -> None:
    source = tmp_path / "model"
    write_tiny_artifact(source, "A")
    (source / "unspun.joblib").write_bytes(b"truncated")
    log = tmp_path / "gunicorn.log"
    server = GunicornServer("service.testing:create_fake_app()", workers=1, log_path=log,
                            env={"UNSPUN_MODEL_DIR": str(source)})
    with pytest.raises(RuntimeError, match="exited"):
        server.start(timeout=60)
    assert "no usable model" in log.read_text()


@pytest.mark.skipif(not (MODEL_DIR / "unspun.joblib").exists(), reason="trained model not in model/artifacts/ yet")
def test_make_serve_equivalent_with_the_bundled_model(tmp_path: Path) -> None:
    log = tmp_path / "gunicorn.log"
    server = start(GunicornServer(workers=2, log_path=log))
    try:
        status, body = server.json("POST", "/score", b"<html><body><p>Hello.</p></body></html>",
                                   {"Content-Type": "text/html; charset=utf-8"})
        assert status == 200 and body["verdict"] in {"spam", "ham"}
        assert server.json("GET", "/readyz")[0] == 200
    finally:
        assert server.stop() == 0, log.read_text()[-3000:]
