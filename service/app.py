"""The Flask app factory: HTTP protocol around `model.Detector`, and nothing else.

    gunicorn --config service/gunicorn_conf.py "service.app:create_app()"

All scoring logic lives in `model/`; this module parses requests, enforces limits and auth, maps errors to
JSON, counts metrics and logs one JSON line per request.
"""
from __future__ import annotations

import json
import logging
import math
import os
import signal
import time
from typing import Any, Mapping

from flask import Flask, Response, g, jsonify, request

from model.errors import InputError

from service.auth import require_token
from service.bodies import JSONL_TYPES, RAW_TYPES, is_json_type, media_type, read_body
from service.config import ServiceConfig
from service.errors import ApiError, error_response, register_error_handlers
from service.holder import PROBE_PAGE, DetectorLike, Loader, ModelHolder, ReloadRefused, default_loader, describe
from service.logs import (REQUEST_ID_HEADER, configure_logging, new_request_id, reset_request_id,
                          set_request_id)
from service.metrics import Metrics
from service.openapi import build_openapi

log = logging.getLogger("unspun.service")
MAX_URL_CHARS = 4096
MAX_ID_CHARS = 256


def create_app(detector: DetectorLike | None = None, config: ServiceConfig | Mapping[str, Any] | None = None,
               *, loader: Loader | None = None, catalogue: Mapping[str, str] | None = None) -> Flask:
    """Build the app. With no `detector`, load the bundled (or UNSPUN_MODEL_DIR) model now, verified.

    `config` is a ServiceConfig, or a mapping of overrides applied to the environment's settings.
    `loader` (model dir, sha pin) -> detector is used for the first load and for reloads; `catalogue`
    overrides model.signals.CATALOGUE for /signals. Both exist for tests and embedding.
    """
    if config is None:
        cfg = ServiceConfig.from_env()
    elif isinstance(config, ServiceConfig):
        cfg = config
    else:
        cfg = ServiceConfig.from_env().with_overrides(config)

    configure_logging(cfg.log_level)
    app = Flask("unspun")
    app.config["MAX_CONTENT_LENGTH"] = cfg.max_body_bytes  # backstop; bodies.read_body enforces the real limit
    app.json.sort_keys = False  # type: ignore[attr-defined]
    metrics = Metrics()
    holder = ModelHolder(loader or default_loader, detector)
    app.extensions["unspun"] = {"config": cfg, "holder": holder, "metrics": metrics}
    register_error_handlers(app)

    if cfg.api_token and cfg.admin_token and cfg.api_token == cfg.admin_token:
        log.warning("UNSPUN_API_TOKEN and UNSPUN_ADMIN_TOKEN are equal; use two different secrets",
                    extra={"event": "config_warning"})
    if detector is None:
        boot_dir = cfg.boot_model_dir or cfg.model_dir
        try:
            result = holder.reload(boot_dir, cfg.boot_model_sha256 or cfg.model_sha256,
                                   require_sha256=cfg.model_sha256)
            log.info("model loaded", extra={"event": "model_loaded", **result.current})
        except ReloadRefused as exc:
            # Start unready rather than crash: /readyz says 503 and an admin reload can fix it.
            log.error("model refused at startup: %s", exc.reason, extra={"event": "model_refused", "code": exc.code})
    metrics.set_model(None, describe(holder.current))

    # ---- per-request bookkeeping ------------------------------------------------------------------
    @app.before_request
    def _start() -> None:
        g.t0 = time.perf_counter()
        g.request_id = new_request_id(request.headers.get(REQUEST_ID_HEADER))
        g.rid_token = set_request_id(g.request_id)

    @app.after_request
    def _finish(response: Response) -> Response:
        request_id = getattr(g, "request_id", None) or new_request_id(None)
        response.headers[REQUEST_ID_HEADER] = request_id
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
        elapsed = time.perf_counter() - getattr(g, "t0", time.perf_counter())
        metrics.requests.labels(endpoint, request.method, str(response.status_code)).inc()
        metrics.latency.labels(endpoint).observe(elapsed)
        log.info("request", extra={
            "event": "request", "request_id": request_id, "method": request.method, "path": request.path[:200],
            "endpoint": endpoint, "status": response.status_code, "duration_ms": round(elapsed * 1000, 2),
            "bytes_in": request.content_length, "verdict": getattr(g, "verdict", None)})
        return response

    @app.teardown_request
    def _teardown(_exc: BaseException | None) -> None:
        token = g.pop("rid_token", None)
        if token is not None:
            reset_request_id(token)

    # ---- helpers ---------------------------------------------------------------------------------
    def authorize_scoring() -> None:
        if cfg.api_token:
            require_token(request.headers.get("Authorization"), cfg.api_token, "unspun")

    def serving_detector() -> DetectorLike:
        det = holder.current
        if det is None:
            raise ApiError(503, "model_unavailable", "no verified model is loaded; see /readyz",
                           {"Retry-After": "5"})
        return det

    def threshold_arg() -> float | None:
        raw = request.args.get("threshold")
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and 0.0 <= value <= 1.0):
            raise ApiError(400, "invalid_threshold", "threshold must be a number between 0 and 1")
        return value

    def body() -> bytes:
        data = read_body(request.stream, request.content_length, request.headers.get("Content-Encoding"),
                         cfg.max_body_bytes)
        if not data:
            raise ApiError(400, "empty_body", "the request body is empty")
        return data

    def parse_json(data: bytes) -> Any:
        try:
            return json.loads(data)
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
            raise ApiError(400, "invalid_json", f"the body is not valid JSON{where}") from None

    def check_url(value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or len(value) > MAX_URL_CHARS:
            raise ApiError(400, "invalid_url", f"url must be a string of at most {MAX_URL_CHARS} characters")
        return value or None

    def score_page(det: DetectorLike, page: bytes | str, url: str | None, content_type: str | None,
                   threshold: float | None) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            verdict = det.score(page, url=url, content_type=content_type, threshold=threshold)
        except InputError as exc:
            metrics.item_errors.labels(exc.code).inc()
            raise ApiError(400, exc.code, exc.message) from None
        finally:
            spent = time.perf_counter() - started
            metrics.score_seconds.observe(spent)
            if spent > cfg.slow_score_seconds:
                metrics.slow_scores.inc()
                log.warning("slow score", extra={"event": "slow_score", "seconds": round(spent, 3),
                                                 "bytes": len(page), "content_type": content_type})
        metrics.verdicts.labels(verdict.verdict).inc()
        return verdict.to_dict()

    # ---- scoring ---------------------------------------------------------------------------------
    @app.post("/score")
    def score() -> Response:
        authorize_scoring()
        threshold = threshold_arg()
        det = serving_detector()
        header = request.headers.get("Content-Type")
        mtype, _params = media_type(header)
        if is_json_type(mtype):
            doc = parse_json(body())
            if not isinstance(doc, dict):
                raise ApiError(400, "invalid_request", 'the JSON body must be an object {"html": "...", "url": "..."}')
            html = doc.get("html")
            if not isinstance(html, str):
                raise ApiError(400, "missing_html", 'the JSON body needs an "html" string')
            page: bytes | str = html
            url = check_url(doc.get("url"))
            content_type = None
        elif mtype in RAW_TYPES:
            page = body()
            url = check_url(request.args.get("url"))
            content_type = header or None
        else:
            hint = (" (curl --data sends application/x-www-form-urlencoded: add -H 'Content-Type: text/html')"
                    if mtype == "application/x-www-form-urlencoded" else "")
            raise ApiError(415, "unsupported_media_type",
                           "send the page as text/html or application/octet-stream, or JSON {\"html\": ...}" + hint)
        result = score_page(det, page, url, content_type, threshold)
        g.verdict = result["verdict"]
        result["request_id"] = g.request_id
        return jsonify(result)

    @app.post("/score/batch")
    def score_batch() -> Response:
        authorize_scoring()
        threshold = threshold_arg()
        det = serving_detector()
        mtype, _params = media_type(request.headers.get("Content-Type"))
        if is_json_type(mtype):
            doc = parse_json(body())
            if not isinstance(doc, list):
                raise ApiError(400, "invalid_request", "the JSON body must be an array of {id, html, url} objects")
            if len(doc) > cfg.max_batch_items:
                raise too_many(len(doc))
            items: list[Any] = doc
        elif mtype in JSONL_TYPES:
            lines = [line for line in body().split(b"\n") if line.strip()]
            if len(lines) > cfg.max_batch_items:
                raise too_many(len(lines))
            items = [_jsonl_item(line) for line in lines]
        else:
            raise ApiError(415, "unsupported_media_type",
                           "send a JSON array (application/json) or JSON lines (application/x-ndjson)")
        deadline = time.perf_counter() + cfg.batch_budget_seconds
        results = [batch_item(det, position, item, threshold, deadline) for position, item in enumerate(items)]
        return jsonify({"request_id": g.request_id, "count": len(results), "results": results})

    def too_many(count: int) -> ApiError:
        return ApiError(413, "too_many_items", f"the batch has {count} items; the limit is {cfg.max_batch_items}")

    def batch_item(det: DetectorLike, position: int, item: Any, threshold: float | None,
                   deadline: float) -> dict[str, Any]:
        if isinstance(item, _BadLine):
            return item_error(position, "invalid_json", "this line is not valid JSON")
        if not isinstance(item, dict):
            return item_error(position, "invalid_item", "each item must be an object {id, html, url}")
        item_id = item.get("id", position)
        if isinstance(item_id, bool) or not isinstance(item_id, (str, int)) or (
                isinstance(item_id, str) and len(item_id) > MAX_ID_CHARS):
            return item_error(position, "invalid_id", f"id must be a string (at most {MAX_ID_CHARS} characters) "
                                                      "or an integer")
        html = item.get("html")
        if not isinstance(html, str):
            return item_error(item_id, "missing_html", 'the item needs an "html" string')
        if time.perf_counter() > deadline:
            metrics.item_errors.labels("deadline_exceeded").inc()
            return item_error(item_id, "deadline_exceeded",
                              "the batch ran out of its time budget before this item; send it again")
        try:
            url = check_url(item.get("url"))
            return {"id": item_id, **score_page(det, html, url, None, threshold)}
        except ApiError as exc:
            return item_error(item_id, exc.code, exc.message)
        except Exception:  # a detector bug on one page must not lose the rest of the batch
            log.exception("scoring failed for a batch item", extra={"event": "item_failed", "item": position})
            metrics.item_errors.labels("internal_error").inc()
            return item_error(item_id, "internal_error", "this item could not be scored; see the server log")

    # ---- operations ------------------------------------------------------------------------------
    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify({"status": "ok"})

    @app.get("/readyz")
    def readyz() -> Response:
        det = holder.current
        if det is None:
            return error_response(503, "not_ready", "no verified model is loaded"
                                  + (f": {holder.last_error}" if holder.last_error else ""), {"Retry-After": "5"})
        return jsonify({"status": "ready", "model": describe(det)})

    @app.get("/metrics")
    def metrics_endpoint() -> Response:
        text, content_type = metrics.render()
        return Response(text, status=200, content_type=content_type)

    @app.get("/signals")
    def signals() -> Response:
        det = holder.current
        table = dict(catalogue) if catalogue is not None else signal_catalogue(det)
        return jsonify({"signals": [{"name": k, "description": v} for k, v in table.items()],
                        "model": describe(det)})

    @app.get("/openapi.json")
    def openapi() -> Response:
        return jsonify(build_openapi(cfg))

    @app.post("/admin/reload")
    def admin_reload() -> Response:
        if not cfg.admin_token:
            raise ApiError(404, "not_found", "the requested URL was not found on the server")
        require_token(request.headers.get("Authorization"), cfg.admin_token, "unspun-admin")
        require = None
        raw = read_body(request.stream, request.content_length, request.headers.get("Content-Encoding"), 4096)
        if raw.strip():
            doc = parse_json(raw)
            require = doc.get("expected_sha256") if isinstance(doc, dict) else None
            if require is not None and not (isinstance(require, str) and len(require) == 64
                                            and all(c in "0123456789abcdefABCDEF" for c in require)):
                raise ApiError(400, "invalid_request", "expected_sha256 must be 64 hex digits")
        try:
            result = holder.reload(cfg.model_dir, cfg.model_sha256, require_sha256=require)
        except ReloadRefused as exc:
            metrics.reloads.labels("refused").inc()
            log.warning("model reload refused: %s", exc.reason,
                        extra={"event": "reload_refused", "code": exc.code, "serving": describe(holder.current)})
            raise ApiError(exc.status, exc.code, exc.reason) from None
        metrics.reloads.labels("changed" if result.changed else "unchanged").inc()
        metrics.set_model(result.previous, result.current)
        scope = "this_process"
        if result.changed and cfg.master_pid and cfg.master_pid == os.getppid():
            os.kill(cfg.master_pid, signal.SIGHUP)  # the master re-verifies and restarts every worker on it
            scope = "all_workers"
        log.info("model reloaded", extra={"event": "model_reloaded", "changed": result.changed, "scope": scope,
                                          "previous": result.previous, **result.current})
        return jsonify({"status": "reloaded" if result.changed else "unchanged", "scope": scope,
                        "model": result.current, "previous": result.previous,
                        "seconds": round(result.seconds, 3), "request_id": g.request_id})

    return app


class _BadLine:
    """Marks a JSON-lines item that did not parse, so its error is reported in place."""


def _jsonl_item(line: bytes) -> Any:
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return _BadLine()


def item_error(item_id: Any, code: str, message: str) -> dict[str, Any]:
    return {"id": item_id, "error": {"code": code, "message": message}}


def signal_catalogue(det: DetectorLike | None) -> dict[str, str]:
    """model.signals.CATALOGUE; until it exists, the names and descriptions a probe verdict carries."""
    try:
        from model.signals import CATALOGUE  # type: ignore[attr-defined]
        return dict(CATALOGUE)
    except ImportError:
        pass
    if det is None:
        return {}
    try:
        verdict = det.score(PROBE_PAGE)
    except Exception:
        return {}
    return {s.name: s.description for s in verdict.signals}
