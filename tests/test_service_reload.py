"""service/: model reloads load beside the old model, swap atomically, and refuse bad artifacts.

Artifacts are real directories written with model.artifact helpers (real SHA-256 cards), verified by
model.artifact.load_artifact; only the scoring rule is fake until the trained model lands.
"""
from __future__ import annotations

import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from service import gunicorn_hooks
from service.app import create_app
from service.artifact_check import main as artifact_check_main
from service.config import ENV_BOOT_MODEL_DIR, ENV_BOOT_MODEL_SHA256, ServiceConfig
from service.holder import ModelHolder, ReloadRefused
from service.testing import FakeDetector, artifact_loader, write_tiny_artifact

ADMIN = "admin-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {ADMIN}"}
MODEL_DIR = Path(__file__).resolve().parents[1] / "model" / "artifacts"
requires_model = pytest.mark.skipif(not (MODEL_DIR / "unspun.joblib").exists(),
                                    reason="trained model not in model/artifacts/ yet")


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    """The operator's model directory, holding version A."""
    path = tmp_path / "model"
    write_tiny_artifact(path, "A")
    return path


@pytest.fixture()
def client(source: Path):
    app = create_app(None, ServiceConfig(model_dir=source, admin_token=ADMIN), loader=artifact_loader)
    return app.test_client()


def serving(client) -> str:
    return client.post("/score", data=b"<p>page</p>", content_type="text/html").json["model"]["version"]


def replace_with(source: Path, version: str) -> str:
    shutil.rmtree(source)
    return write_tiny_artifact(source, version)


def corrupt(source: Path) -> None:
    data = bytearray((source / "unspun.joblib").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (source / "unspun.joblib").write_bytes(bytes(data))


def truncate(source: Path) -> None:
    data = (source / "unspun.joblib").read_bytes()
    (source / "unspun.joblib").write_bytes(data[: len(data) // 3])


def test_admin_reload_is_404_when_no_admin_token_is_configured(source: Path) -> None:
    client = create_app(None, ServiceConfig(model_dir=source), loader=artifact_loader).test_client()
    response = client.post("/admin/reload", headers=AUTH)
    assert response.status_code == 404 and response.json["error"] == "not_found"


def test_admin_reload_needs_the_admin_token(source: Path) -> None:
    client = create_app(None, ServiceConfig(model_dir=source, admin_token=ADMIN, api_token="api-token-0123456789"),
                        loader=artifact_loader).test_client()
    assert client.post("/admin/reload").status_code == 401
    assert client.post("/admin/reload", headers={"Authorization": "Bearer wrong"}).status_code == 403
    api = client.post("/admin/reload", headers={"Authorization": "Bearer api-token-0123456789"})
    assert api.status_code == 403 and api.json["error"] == "forbidden"
    assert client.post("/admin/reload", headers=AUTH).status_code == 200


def test_a_valid_new_artifact_is_swapped_in(client, source: Path) -> None:
    assert serving(client) == "A"
    sha_b = replace_with(source, "B")
    response = client.post("/admin/reload", headers=AUTH)
    assert response.status_code == 200
    assert response.json["status"] == "reloaded" and response.json["scope"] == "this_process"
    assert response.json["model"] == {"version": "B", "sha256": sha_b}
    assert response.json["previous"]["version"] == "A"
    assert serving(client) == "B"
    assert client.get("/readyz").json["model"]["sha256"] == sha_b
    again = client.post("/admin/reload", headers=AUTH)
    assert again.status_code == 200 and again.json["status"] == "unchanged"


@pytest.mark.parametrize("damage,expected", [(corrupt, "does not match"), (truncate, "does not match"),
                                             (lambda p: (p / "unspun.joblib").unlink(), "unreadable"),
                                             (lambda p: (p / "model_card.json").unlink(), "no model card"),
                                             (lambda p: (p / "model_card.json").write_text("{not json"), "card")])
def test_a_damaged_artifact_is_refused_and_the_old_model_keeps_serving(client, source: Path, damage, expected: str,
                                                                       capsys: pytest.CaptureFixture) -> None:
    replace_with(source, "B")
    damage(source)
    capsys.readouterr()
    response = client.post("/admin/reload", headers=AUTH)
    assert response.status_code == 422 and response.json["error"] == "artifact_rejected"
    assert expected in response.json["message"]
    assert str(source) not in response.get_data(as_text=True)
    assert serving(client) == "A" and client.get("/readyz").status_code == 200
    logged = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    assert any(line.get("event") == "reload_refused" and line["serving"]["version"] == "A" for line in logged)
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'unspun_model_reloads_total{outcome="refused"} 1.0' in metrics


def test_a_pinned_hash_refuses_any_other_artifact(source: Path) -> None:
    sha_a = artifact_loader(source, None).sha256
    client = create_app(None, ServiceConfig(model_dir=source, admin_token=ADMIN, model_sha256=sha_a),
                        loader=artifact_loader).test_client()
    assert serving(client) == "A"
    replace_with(source, "B")  # a valid artifact, but not the pinned one
    response = client.post("/admin/reload", headers=AUTH)
    assert response.status_code == 422 and "pinned" in response.json["message"]
    assert serving(client) == "A"


def test_a_reload_can_ask_for_one_exact_hash(client, source: Path) -> None:
    sha_b = replace_with(source, "B")
    wrong = client.post("/admin/reload", headers=AUTH, json={"expected_sha256": "a" * 64})
    assert wrong.status_code == 409 and wrong.json["error"] == "sha256_mismatch"
    assert serving(client) == "A"
    bad = client.post("/admin/reload", headers=AUTH, json={"expected_sha256": "xyz"})
    assert bad.status_code == 400
    right = client.post("/admin/reload", headers=AUTH, json={"expected_sha256": sha_b.upper()})
    assert right.status_code == 200 and serving(client) == "B"


def test_an_artifact_that_loads_but_cannot_score_is_refused(source: Path) -> None:
    class Broken(FakeDetector):
        def score(self, page, **kw):  # noqa: ANN001, ANN003
            raise ValueError("X has 3 features, but the pipeline expects 41")

    loads = iter([FakeDetector(version="A"), Broken(version="B", sha256="b" * 64)])
    client = create_app(None, ServiceConfig(model_dir=source, admin_token=ADMIN),
                        loader=lambda d, s: next(loads)).test_client()
    response = client.post("/admin/reload", headers=AUTH)
    assert response.status_code == 422 and response.json["error"] == "artifact_unusable"
    assert serving(client) == "A"


def test_a_second_concurrent_reload_gets_409() -> None:
    entered, release = threading.Event(), threading.Event()

    def slow_loader(model_dir, sha):  # noqa: ANN001
        entered.set()
        release.wait(5)
        return FakeDetector(version="B", sha256="b" * 64)

    holder = ModelHolder(slow_loader, FakeDetector(version="A"))
    worker = threading.Thread(target=holder.reload, args=(None, None))
    worker.start()
    assert entered.wait(5)
    with pytest.raises(ReloadRefused) as second:
        holder.reload(None, None)
    assert second.value.status == 409 and second.value.code == "reload_in_progress"
    release.set()
    worker.join(5)
    assert holder.current.version == "B"


def test_a_request_in_flight_finishes_on_the_model_it_started_with(source: Path) -> None:
    started = threading.Event()

    class Slow(FakeDetector):
        def score(self, page, **kw):  # noqa: ANN001, ANN003
            if page == b"slow":
                started.set()
                time.sleep(0.3)
            return super().score(page, **kw)

    models = iter([Slow(version="A"), FakeDetector(version="B", sha256="b" * 64)])
    app = create_app(None, ServiceConfig(model_dir=source, admin_token=ADMIN), loader=lambda d, s: next(models))
    results: dict[str, str] = {}

    def slow_request() -> None:
        response = app.test_client().post("/score", data=b"slow", content_type="text/html")
        results["slow"] = response.json["model"]["version"]

    thread = threading.Thread(target=slow_request)
    thread.start()
    assert started.wait(5)
    assert app.test_client().post("/admin/reload", headers=AUTH).status_code == 200
    thread.join(5)
    assert results["slow"] == "A"
    assert serving(app.test_client()) == "B"


def test_startup_with_a_bad_artifact_is_unready_until_a_good_reload(source: Path) -> None:
    corrupt(source)
    client = create_app(None, ServiceConfig(model_dir=source, admin_token=ADMIN), loader=artifact_loader).test_client()
    assert client.get("/readyz").status_code == 503
    assert client.post("/score", data=b"<p>x</p>", content_type="text/html").status_code == 503
    replace_with(source, "C")
    assert client.post("/admin/reload", headers=AUTH).status_code == 200
    assert client.get("/readyz").status_code == 200 and serving(client) == "C"


# ---- the gunicorn master's side: verify in a subprocess, snapshot, keep the old snapshot on failure ------
def test_artifact_check_cli(source: Path, capsys: pytest.CaptureFixture) -> None:
    assert artifact_check_main([str(source)]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == "A"
    corrupt(source)
    assert artifact_check_main([str(source)]) == 2
    out = capsys.readouterr().out
    assert json.loads(out)["ok"] is False and str(source) not in out


def test_master_promotes_only_verified_artifacts_into_its_snapshot(source: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(gunicorn_hooks._state, "runtime_dir", tmp_path / "runtime")
    (tmp_path / "runtime").mkdir()
    monkeypatch.delenv(ENV_BOOT_MODEL_DIR, raising=False)
    monkeypatch.delenv(ENV_BOOT_MODEL_SHA256, raising=False)
    first = gunicorn_hooks.promote(source, None)
    snapshot_a = Path(os.environ[ENV_BOOT_MODEL_DIR])
    assert first["version"] == "A" and os.environ[ENV_BOOT_MODEL_SHA256] == first["sha256"]
    assert artifact_loader(snapshot_a, first["sha256"]).version == "A"
    replace_with(source, "B")
    truncate(source)
    with pytest.raises(gunicorn_hooks.ModelCheckFailed):
        gunicorn_hooks.promote(source, None)
    assert Path(os.environ[ENV_BOOT_MODEL_DIR]) == snapshot_a and snapshot_a.exists()
    sha_c = replace_with(source, "C")
    with pytest.raises(gunicorn_hooks.ModelCheckFailed, match="pinned"):
        gunicorn_hooks.promote(source, first["sha256"])
    assert gunicorn_hooks.promote(source, sha_c)["version"] == "C"
    assert os.environ[ENV_BOOT_MODEL_SHA256] == sha_c and not snapshot_a.exists()
    # workers booting from the snapshot are immune to later in-place damage of the source directory
    corrupt(source)
    assert artifact_loader(Path(os.environ[ENV_BOOT_MODEL_DIR]), sha_c).version == "C"


@requires_model
def test_real_artifact_copies_are_refused_when_damaged(tmp_path: Path) -> None:
    source = tmp_path / "model"
    shutil.copytree(MODEL_DIR, source)
    client = create_app(None, ServiceConfig(model_dir=source, admin_token=ADMIN)).test_client()
    assert client.get("/readyz").status_code == 200
    good = client.post("/score", data=b"<p>x</p>", content_type="text/html").json["model"]
    for damage in (corrupt, truncate):
        shutil.rmtree(source)
        shutil.copytree(MODEL_DIR, source)
        damage(source)
        response = client.post("/admin/reload", headers=AUTH)
        assert response.status_code == 422, damage.__name__
        assert client.post("/score", data=b"<p>x</p>", content_type="text/html").json["model"] == good
    shutil.rmtree(source)
    shutil.copytree(MODEL_DIR, source)
    pinned = create_app(None, ServiceConfig(model_dir=source, admin_token=ADMIN, model_sha256="0" * 64)).test_client()
    assert pinned.get("/readyz").status_code == 503
