"""service/: every endpoint's happy path and contract, on a fake detector (no trained model needed)."""
from __future__ import annotations

import json
import socket
from pathlib import Path

import jsonschema
import pytest
from openapi_spec_validator import validate as validate_spec
from prometheus_client.parser import text_string_to_metric_families
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from model.errors import ArtifactError
from service.app import create_app
from service.config import ConfigError, ServiceConfig
from service.testing import STABLE_SIGNALS, FakeDetector

MODEL_READY = (Path(__file__).resolve().parents[1] / "model" / "artifacts" / "unspun.joblib").exists()
requires_model = pytest.mark.skipif(not MODEL_READY, reason="trained model not in model/artifacts/ yet")

SPAM_PAGE = (b"<html><body><article><p>The Key Minister said the all-natural gasoline price rose.</p></article>"
             b"<aside><h3>More Stories</h3><a href='/a'>Win a cruise</a></aside></body></html>")
HAM_PAGE = (b"<html><body><article><p>The Prime Minister said the natural gas price rose.</p></article>"
            b"<aside><h3>Related</h3><a href='/a'>Energy prices</a></aside></body></html>")


def openapi_validator(doc: dict, schema_name: str) -> jsonschema.Draft202012Validator:
    """A validator for one component schema, resolving $refs inside the OpenAPI document."""
    resource = Resource.from_contents(doc, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:unspun:openapi", resource)
    return jsonschema.Draft202012Validator({"$ref": f"urn:unspun:openapi#/components/schemas/{schema_name}"},
                                           registry=registry)


# ---- /score ------------------------------------------------------------------------------------------
def test_score_raw_html_gives_spam_and_ham_verdicts(client) -> None:
    spam = client.post("/score", data=SPAM_PAGE, content_type="text/html")
    ham = client.post("/score", data=HAM_PAGE, content_type="text/html")
    assert spam.status_code == 200 and ham.status_code == 200
    assert spam.json["verdict"] == "spam" and spam.json["score"] == pytest.approx(0.9)
    assert ham.json["verdict"] == "ham"
    assert spam.json["request_id"] == spam.headers["X-Request-Id"]
    assert {s["name"] for s in spam.json["signals"]} == set(STABLE_SIGNALS)


def test_score_passes_the_content_type_with_charset_to_the_detector(client, fake: FakeDetector) -> None:
    page = "<p>café</p>".encode("windows-1252")
    response = client.post("/score", data=page, headers={"Content-Type": "text/html; charset=windows-1252"})
    assert response.status_code == 200
    assert fake.calls[-1]["page"] == page                       # bytes untouched: decoding is the model's job
    assert fake.calls[-1]["content_type"] == "text/html; charset=windows-1252"


def test_score_octet_stream_and_missing_content_type_are_raw(client, fake: FakeDetector) -> None:
    assert client.post("/score", data=SPAM_PAGE, content_type="application/octet-stream").json["verdict"] == "spam"
    assert client.post("/score", data=SPAM_PAGE).status_code == 200
    assert fake.calls[-1]["content_type"] is None


def test_score_json_body_passes_html_and_url_but_no_content_type(client, fake: FakeDetector) -> None:
    response = client.post("/score", json={"html": SPAM_PAGE.decode(), "url": "https://example.com/a"})
    assert response.status_code == 200 and response.json["verdict"] == "spam"
    assert fake.calls[-1]["url"] == "https://example.com/a"
    assert fake.calls[-1]["content_type"] is None
    assert isinstance(fake.calls[-1]["page"], str)


def test_score_raw_body_takes_url_from_the_query(client, fake: FakeDetector) -> None:
    client.post("/score?url=https%3A%2F%2Fexample.org%2Fx", data=HAM_PAGE, content_type="text/html")
    assert fake.calls[-1]["url"] == "https://example.org/x"


def test_threshold_query_overrides_the_model_threshold(client, fake: FakeDetector) -> None:
    response = client.post("/score?threshold=0.95", data=SPAM_PAGE, content_type="text/html")
    assert response.json["verdict"] == "ham" and response.json["threshold"] == 0.95
    assert fake.calls[-1]["threshold"] == 0.95
    lowered = client.post("/score?threshold=0.05", data=HAM_PAGE, content_type="text/html")
    assert lowered.json["verdict"] == "spam"


@pytest.mark.parametrize("value", ["-0.01", "1.5", "1e309", "nan", "inf", "abc", "", "0x1"])
def test_threshold_out_of_range_or_not_a_number_is_400(client, value: str) -> None:
    response = client.post(f"/score?threshold={value}", data=HAM_PAGE, content_type="text/html")
    assert response.status_code == 400 and response.json["error"] == "invalid_threshold"


@pytest.mark.parametrize("value", ["0", "1", "0.5"])
def test_threshold_bounds_are_accepted(client, value: str) -> None:
    assert client.post(f"/score?threshold={value}", data=HAM_PAGE, content_type="text/html").status_code == 200


def test_score_never_opens_a_network_connection(client, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a, **_k):
        raise AssertionError("the service tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    response = client.post("/score", json={"html": "<p>x</p>", "url": "http://127.0.0.1:9/never-fetched"})
    assert response.status_code == 200


# ---- request ids and logs ------------------------------------------------------------------------------
def test_a_sane_client_request_id_is_kept_and_an_odd_one_replaced(client) -> None:
    kept = client.get("/healthz", headers={"X-Request-Id": "abc-123.x:y"})
    assert kept.headers["X-Request-Id"] == "abc-123.x:y"
    for odd in ("has spaces", "x" * 200, "<script>", ""):
        replaced = client.get("/healthz", headers={"X-Request-Id": odd})
        assert replaced.headers["X-Request-Id"] != odd and len(replaced.headers["X-Request-Id"]) == 32


def test_every_response_and_log_line_carries_the_request_id(client, capsys: pytest.CaptureFixture) -> None:
    capsys.readouterr()
    ok = client.post("/score", data=SPAM_PAGE, content_type="text/html", headers={"X-Request-Id": "req-1"})
    bad = client.post("/score", data=b"", content_type="text/html", headers={"X-Request-Id": "req-2"})
    assert ok.headers["X-Request-Id"] == "req-1" and bad.headers["X-Request-Id"] == "req-2"
    assert bad.json["request_id"] == "req-2"
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    by_id = {line["request_id"]: line for line in lines if line.get("event") == "request"}
    assert by_id["req-1"]["status"] == 200 and by_id["req-1"]["verdict"] == "spam"
    assert by_id["req-2"]["status"] == 400 and by_id["req-2"]["endpoint"] == "/score"


# ---- /score/batch ------------------------------------------------------------------------------------
def test_batch_answers_each_item_in_order_and_isolates_errors(client) -> None:
    items = [{"id": "a", "html": SPAM_PAGE.decode()}, {"id": 7, "html": ""}, "not an object",
             {"id": "d", "html": HAM_PAGE.decode(), "url": "https://example.com"}, {"id": "e"},
             {"id": ["bad"], "html": "x"}, {"html": "no id"}]
    response = client.post("/score/batch", json=items)
    assert response.status_code == 200
    results = response.json["results"]
    assert response.json["count"] == len(items) == len(results)
    assert [r["id"] for r in results] == ["a", 7, 2, "d", "e", 5, 6]
    assert results[0]["verdict"] == "spam" and results[3]["verdict"] == "ham"
    assert results[1]["error"]["code"] == "empty_document"
    assert results[2]["error"]["code"] == "invalid_item"
    assert results[4]["error"]["code"] == "missing_html"
    assert results[5]["error"]["code"] == "invalid_id"
    assert results[6]["verdict"] == "ham"


@pytest.mark.parametrize("ctype", ["application/x-ndjson", "application/jsonl"])
def test_batch_accepts_json_lines_with_a_bad_line_reported_in_place(client, ctype: str) -> None:
    body = b'{"id": "x", "html": "More Stories"}\n\n{broken\n{"id": "z", "html": "plain"}\n'
    response = client.post("/score/batch", data=body, content_type=ctype)
    results = response.json["results"]
    assert response.status_code == 200 and len(results) == 3
    assert results[0]["verdict"] == "spam" and results[1]["error"]["code"] == "invalid_json"
    assert results[2]["id"] == "z" and results[2]["verdict"] == "ham"


def test_batch_threshold_applies_to_every_item(client) -> None:
    response = client.post("/score/batch?threshold=0.95", json=[{"id": 1, "html": "More Stories"}])
    assert response.json["results"][0]["verdict"] == "ham"


def test_batch_item_limit_is_enforced_exactly(fake: FakeDetector) -> None:
    client = create_app(fake, ServiceConfig(max_batch_items=3)).test_client()
    assert client.post("/score/batch", json=[{"html": "a"}] * 3).status_code == 200
    over = client.post("/score/batch", json=[{"html": "a"}] * 4)
    assert over.status_code == 413 and over.json["error"] == "too_many_items"
    lines = b"\n".join([b'{"html": "a"}'] * 4)
    assert client.post("/score/batch", data=lines, content_type="application/x-ndjson").status_code == 413


def test_batch_rejects_non_arrays_and_wrong_types(client) -> None:
    assert client.post("/score/batch", json={"html": "x"}).json["error"] == "invalid_request"
    assert client.post("/score/batch", data=b"<p>x</p>", content_type="text/html").status_code == 415
    empty = client.post("/score/batch", json=[])
    assert empty.status_code == 200 and empty.json["results"] == [] and empty.json["count"] == 0


def test_batch_budget_marks_items_it_could_not_start() -> None:
    slow = FakeDetector(delay=0.05)
    client = create_app(slow, ServiceConfig(batch_budget_seconds=0.08)).test_client()
    results = client.post("/score/batch", json=[{"id": i, "html": "x"} for i in range(6)]).json["results"]
    assert results[0]["verdict"] == "ham"
    assert results[-1]["error"]["code"] == "deadline_exceeded"
    assert len(slow.calls) < 6


def test_a_detector_crash_is_a_bare_500_and_costs_only_its_batch_item(capsys: pytest.CaptureFixture) -> None:
    class Flaky(FakeDetector):
        def score(self, page, **kw):  # noqa: ANN001, ANN003
            if "boom" in (page if isinstance(page, str) else page.decode()):
                raise RuntimeError("secret detail at /srv/unspun/model/x.py")
            return super().score(page, **kw)

    client = create_app(Flaky(), ServiceConfig()).test_client()
    single = client.post("/score", json={"html": "boom"})
    assert single.status_code == 500 and single.json["error"] == "internal_error"
    assert "secret" not in single.get_data(as_text=True) and "/srv" not in single.get_data(as_text=True)
    batch = client.post("/score/batch", json=[{"html": "boom"}, {"html": "fine"}]).json["results"]
    assert batch[0]["error"]["code"] == "internal_error" and batch[1]["verdict"] == "ham"
    assert "secret detail" in capsys.readouterr().err  # the detail goes to the log only


# ---- auth --------------------------------------------------------------------------------------------
def test_api_token_guards_scoring_but_not_probes(fake: FakeDetector) -> None:
    client = create_app(fake, ServiceConfig(api_token="s3cret-token-0123456789")).test_client()
    missing = client.post("/score", data=HAM_PAGE, content_type="text/html")
    assert missing.status_code == 401 and missing.json["error"] == "unauthorized"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = client.post("/score", data=HAM_PAGE, content_type="text/html",
                        headers={"Authorization": "Bearer s3cret-token-0123456788"})
    assert wrong.status_code == 403 and wrong.json["error"] == "forbidden"
    basic = client.post("/score/batch", json=[], headers={"Authorization": "Basic czNjcmV0"})
    assert basic.status_code == 401
    good = client.post("/score", data=HAM_PAGE, content_type="text/html",
                       headers={"Authorization": "Bearer s3cret-token-0123456789"})
    assert good.status_code == 200
    assert client.get("/healthz").status_code == 200 and client.get("/readyz").status_code == 200
    assert fake.calls and len(fake.calls) == 1  # only the authorised request reached the detector


# ---- operations endpoints ------------------------------------------------------------------------------
def test_healthz_and_readyz_when_ready(client, fake: FakeDetector) -> None:
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["model"] == {"version": "fake-1", "sha256": fake.sha256}


def test_unloadable_model_means_not_ready_and_503_for_scoring(tmp_path: Path) -> None:
    def broken_loader(model_dir, sha):  # noqa: ANN001
        raise ArtifactError(f"model artifact SHA-256 does not match its model card ({tmp_path}/unspun.joblib)")

    client = create_app(None, ServiceConfig(model_dir=tmp_path), loader=broken_loader).test_client()
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["error"] == "not_ready"
    assert "does not match" in ready.json["message"] and str(tmp_path) not in ready.json["message"]
    score = client.post("/score", data=HAM_PAGE, content_type="text/html")
    assert score.status_code == 503 and score.json["error"] == "model_unavailable"


def test_metrics_text_parses_and_counts_requests_verdicts_and_model(client) -> None:
    client.post("/score", data=SPAM_PAGE, content_type="text/html")
    client.post("/score", data=HAM_PAGE, content_type="text/html")
    client.post("/score", data=b"", content_type="text/html")
    client.get("/nope")
    text = client.get("/metrics")
    assert text.status_code == 200 and text.content_type.startswith("text/plain")
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for fam in text_string_to_metric_families(text.get_data(as_text=True)) for s in fam.samples}
    assert samples[("unspun_http_requests_total", (("endpoint", "/score"), ("method", "POST"), ("status", "200")))] == 2
    assert samples[("unspun_http_requests_total", (("endpoint", "/score"), ("method", "POST"), ("status", "400")))] == 1
    assert samples[("unspun_http_requests_total", (("endpoint", "unmatched"), ("method", "GET"), ("status", "404")))] == 1
    assert samples[("unspun_verdicts_total", (("verdict", "spam"),))] == 1
    assert samples[("unspun_verdicts_total", (("verdict", "ham"),))] == 1
    assert samples[("unspun_model_info", (("sha256", "0" * 64), ("version", "fake-1")))] == 1
    assert samples[("unspun_http_request_duration_seconds_count", (("endpoint", "/score"),))] == 3


def test_signals_lists_the_catalogue(fake: FakeDetector) -> None:
    custom = create_app(fake, ServiceConfig(), catalogue={"a": "first", "b": "second"}).test_client()
    assert custom.get("/signals").json["signals"] == [{"name": "a", "description": "first"},
                                                     {"name": "b", "description": "second"}]
    default = create_app(fake, ServiceConfig()).test_client().get("/signals").json
    assert set(STABLE_SIGNALS) <= {s["name"] for s in default["signals"]}


def test_unknown_path_and_wrong_method_are_json(client) -> None:
    missing = client.get("/nope")
    assert missing.status_code == 404 and missing.json["error"] == "not_found"
    wrong = client.get("/score")
    assert wrong.status_code == 405 and wrong.json["error"] == "method_not_allowed"
    assert "POST" in wrong.headers["Allow"]


def test_config_from_env_reads_and_validates(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"UNSPUN_MAX_BODY_BYTES": "2048", "UNSPUN_MAX_BATCH_ITEMS": "9", "UNSPUN_API_TOKEN": "t",
           "UNSPUN_MODEL_SHA256": "A" * 64, "UNSPUN_LOG_LEVEL": "warning"}
    cfg = ServiceConfig.from_env(env)
    assert (cfg.max_body_bytes, cfg.max_batch_items, cfg.api_token, cfg.model_sha256, cfg.log_level) == (
        2048, 9, "t", "a" * 64, "WARNING")
    assert not cfg.admin_enabled
    for bad in ({"UNSPUN_MAX_BODY_BYTES": "ten"}, {"UNSPUN_MAX_BATCH_ITEMS": "0"},
                {"UNSPUN_MODEL_SHA256": "abc"}, {"UNSPUN_LOG_LEVEL": "loud"}):
        with pytest.raises(ConfigError):
            ServiceConfig.from_env(bad)
    with pytest.raises(ConfigError):
        ServiceConfig().with_overrides({"no_such_setting": 1})
    monkeypatch.setenv("UNSPUN_MAX_BATCH_ITEMS", "2")
    app = create_app(FakeDetector(), {"max_body_bytes": 100})
    assert app.extensions["unspun"]["config"].max_batch_items == 2
    assert app.extensions["unspun"]["config"].max_body_bytes == 100


# ---- OpenAPI -----------------------------------------------------------------------------------------
def test_openapi_document_is_valid_and_covers_every_route(client) -> None:
    doc = client.get("/openapi.json").json
    validate_spec(doc)
    app_routes = {r.rule for r in client.application.url_map.iter_rules() if r.endpoint != "static"}
    assert app_routes == set(doc["paths"])


def test_real_responses_match_their_openapi_schemas(fake: FakeDetector, tmp_path: Path) -> None:
    client = create_app(fake, ServiceConfig(admin_token="admin-token-0123456789", model_dir=tmp_path),
                        loader=lambda d, s: FakeDetector(version="v2", sha256="1" * 64)).test_client()
    doc = client.get("/openapi.json").json
    checks = [
        ("ScoreResponse", client.post("/score", data=SPAM_PAGE, content_type="text/html")),
        ("BatchResponse", client.post("/score/batch", json=[{"id": "a", "html": "More Stories"}, {"id": 2}])),
        ("Health", client.get("/healthz")),
        ("Ready", client.get("/readyz")),
        ("SignalCatalogue", client.get("/signals")),
        ("Error", client.post("/score", data=b"", content_type="text/html")),
        ("Error", client.post("/score", data=b"x", content_type="image/png")),
        ("ReloadResponse", client.post("/admin/reload", headers={"Authorization": "Bearer admin-token-0123456789"})),
    ]
    for schema, response in checks:
        openapi_validator(doc, schema).validate(response.json)
    with pytest.raises(jsonschema.ValidationError):  # the schemas are not vacuous
        openapi_validator(doc, "ScoreResponse").validate({"verdict": "maybe"})


@requires_model
def test_real_model_scores_through_the_api() -> None:
    client = create_app(None, ServiceConfig()).test_client()
    assert client.get("/readyz").status_code == 200
    response = client.post("/score", data=SPAM_PAGE, content_type="text/html; charset=utf-8")
    assert response.status_code == 200 and response.json["verdict"] in {"spam", "ham"}
    doc = client.get("/openapi.json").json
    openapi_validator(doc, "ScoreResponse").validate(response.json)
    names = {s["name"] for s in client.get("/signals").json["signals"]}
    assert set(STABLE_SIGNALS) <= names
