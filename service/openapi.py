"""The OpenAPI 3.1 description of every endpoint, served at /openapi.json.

Schemas are JSON Schema 2020-12 (OpenAPI 3.1 dialect), so tests validate real responses against them
with `jsonschema`. Limits and auth in the document follow the running configuration.
"""
from __future__ import annotations

from typing import Any

from service.config import ServiceConfig

API_VERSION = "1.0.0"
RAW_MEDIA = ("text/html", "application/xhtml+xml", "text/plain", "application/octet-stream")
JSONL_MEDIA = ("application/x-ndjson", "application/jsonl")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error_responses(*statuses: int) -> dict[str, Any]:
    return {str(status): {"$ref": f"#/components/responses/E{status}"} for status in statuses}


SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object", "required": ["error", "message"],
        "properties": {"error": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                       "message": {"type": "string"}, "request_id": {"type": "string"}},
    },
    "Model": {
        "type": "object", "required": ["version", "sha256"],
        "properties": {"version": {"type": "string"}, "sha256": {"type": "string"}},
    },
    "Evidence": {
        "type": "object", "required": ["text"],
        "properties": {"text": {"type": "string"}, "start": {"type": "integer", "minimum": 0},
                       "end": {"type": "integer", "minimum": 0}, "suggestion": {"type": "string"},
                       "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                       "detail": {"type": "string"}},
    },
    "Signal": {
        "type": "object", "required": ["name", "description", "strength", "fired", "reason", "evidence"],
        "properties": {"name": {"type": "string"}, "description": {"type": "string"},
                       "strength": {"type": "number", "minimum": 0, "maximum": 1}, "fired": {"type": "boolean"},
                       "reason": {"type": "string"}, "evidence": {"type": "array", "items": _ref("Evidence")}},
    },
    "Verdict": {
        "type": "object",
        "required": ["verdict", "score", "threshold", "language", "reasons", "signals", "stats", "model"],
        "properties": {
            "verdict": {"type": "string", "enum": ["spam", "ham"]},
            "score": {"type": "number", "minimum": 0, "maximum": 1,
                      "description": "Calibrated probability that the page is a spun content-farm page."},
            "threshold": {"type": "number", "minimum": 0, "maximum": 1},
            "language": {"type": "string", "description": "Detected language code; `und` when unknown."},
            "reasons": {"type": "array", "items": {"type": "string"}},
            "signals": {"type": "array", "items": _ref("Signal")},
            "stats": {"type": "object"},
            "model": _ref("Model"),
        },
    },
    "ScoreRequest": {
        "type": "object", "required": ["html"],
        "properties": {"html": {"type": "string", "minLength": 1},
                       "url": {"type": ["string", "null"], "maxLength": 4096,
                               "description": "Where the page came from; used as a feature, never fetched."}},
    },
    "ScoreResponse": {
        "allOf": [_ref("Verdict"), {"type": "object", "required": ["request_id"],
                                    "properties": {"request_id": {"type": "string"}}}],
    },
    "BatchItem": {
        "type": "object", "required": ["html"],
        "properties": {"id": {"type": ["string", "integer"], "description": "Echoed back; defaults to the position."},
                       "html": {"type": "string"}, "url": {"type": ["string", "null"], "maxLength": 4096}},
    },
    "BatchItemError": {
        "type": "object", "required": ["id", "error"],
        "properties": {"id": {"type": ["string", "integer"]},
                       "error": {"type": "object", "required": ["code", "message"],
                                 "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}},
    },
    "BatchItemVerdict": {
        "allOf": [_ref("Verdict"), {"type": "object", "required": ["id"],
                                    "properties": {"id": {"type": ["string", "integer"]}}}],
    },
    "BatchResponse": {
        "type": "object", "required": ["request_id", "count", "results"],
        "properties": {"request_id": {"type": "string"}, "count": {"type": "integer", "minimum": 0},
                       "results": {"type": "array",
                                   "items": {"oneOf": [_ref("BatchItemVerdict"), _ref("BatchItemError")]}}},
    },
    "Health": {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}},
    "Ready": {"type": "object", "required": ["status", "model"],
              "properties": {"status": {"const": "ready"}, "model": _ref("Model")}},
    "SignalCatalogue": {
        "type": "object", "required": ["signals", "model"],
        "properties": {"signals": {"type": "array", "items": {
            "type": "object", "required": ["name", "description"],
            "properties": {"name": {"type": "string"}, "description": {"type": "string"}}}},
            "model": {"oneOf": [_ref("Model"), {"type": "null"}]}},
    },
    "ReloadRequest": {
        "type": "object",
        "properties": {"expected_sha256": {"type": "string", "pattern": "^[0-9a-fA-F]{64}$",
                                           "description": "Load only if the artifact has this SHA-256."}},
    },
    "ReloadResponse": {
        "type": "object", "required": ["status", "scope", "model", "previous", "seconds", "request_id"],
        "properties": {"status": {"enum": ["reloaded", "unchanged"]},
                       "scope": {"enum": ["this_process", "all_workers"]},
                       "model": _ref("Model"), "previous": {"oneOf": [_ref("Model"), {"type": "null"}]},
                       "seconds": {"type": "number", "minimum": 0}, "request_id": {"type": "string"}},
    },
}


def build_openapi(cfg: ServiceConfig) -> dict[str, Any]:
    """The OpenAPI document for this configuration (limits and required auth filled in)."""
    scoring_security: list[dict[str, list[str]]] = [{"apiToken": []}] if cfg.api_token else []
    request_id_header = {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}}
    threshold = {"name": "threshold", "in": "query", "required": False,
                 "description": "Override the model's threshold for this request (0..1).",
                 "schema": {"type": "number", "minimum": 0, "maximum": 1}}

    def ok(schema: str, description: str) -> dict[str, Any]:
        return {"description": description, "headers": request_id_header,
                "content": {"application/json": {"schema": _ref(schema)}}}

    raw_body = {media: {"schema": {"type": "string", "format": "binary"}} for media in RAW_MEDIA}
    paths: dict[str, Any] = {
        "/score": {"post": {
            "operationId": "score", "summary": "Score one page",
            "description": ("Body: the raw page (text/html with any charset, or application/octet-stream; the "
                            "charset parameter is passed to the decoder) or JSON {\"html\", \"url\"}. "
                            "Content-Encoding gzip/deflate accepted; the size limit "
                            f"({cfg.max_body_bytes} bytes) applies before and after decompression."),
            "security": scoring_security,
            "parameters": [threshold, {"name": "url", "in": "query", "required": False,
                                       "description": "Page URL for raw bodies (never fetched).",
                                       "schema": {"type": "string", "maxLength": 4096}}],
            "requestBody": {"required": True, "content": raw_body | {
                "application/json": {"schema": _ref("ScoreRequest")}}},
            "responses": {"200": ok("ScoreResponse", "The verdict with its signals and evidence")}
            | _error_responses(400, 401, 403, 413, 415, 503),
        }},
        "/score/batch": {"post": {
            "operationId": "scoreBatch", "summary": "Score many pages, answered per item in order",
            "description": (f"At most {cfg.max_batch_items} items and {cfg.max_body_bytes} bytes in total. "
                            "One item's error does not fail the others. Items not started within the batch "
                            f"budget ({cfg.batch_budget_seconds:g} s) get the error deadline_exceeded."),
            "security": scoring_security,
            "parameters": [threshold],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": {"type": "array", "items": _ref("BatchItem"),
                                                "maxItems": cfg.max_batch_items}}}
                | {media: {"schema": {"type": "string", "description": "One BatchItem JSON object per line"}}
                   for media in JSONL_MEDIA}},
            "responses": {"200": ok("BatchResponse", "One result per item, in order")}
            | _error_responses(400, 401, 403, 413, 415, 503),
        }},
        "/healthz": {"get": {"operationId": "healthz", "summary": "Liveness: the process answers",
                             "responses": {"200": ok("Health", "Alive")}}},
        "/readyz": {"get": {"operationId": "readyz", "summary": "Readiness: a verified model is loaded",
                            "responses": {"200": ok("Ready", "Ready to score")} | _error_responses(503)}},
        "/metrics": {"get": {"operationId": "metrics", "summary": "Prometheus metrics (all workers)",
                             "responses": {"200": {"description": "Prometheus text exposition format",
                                                   "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
        "/signals": {"get": {"operationId": "signals", "summary": "The catalogue of signal families",
                             "responses": {"200": ok("SignalCatalogue", "Signal names and descriptions")}}},
        "/openapi.json": {"get": {"operationId": "openapi", "summary": "This document",
                                  "responses": {"200": {"description": "OpenAPI 3.1 document",
                                                        "content": {"application/json": {
                                                            "schema": {"type": "object"}}}}}}},
        "/admin/reload": {"post": {
            "operationId": "adminReload", "summary": "Load, verify and atomically swap in the model in UNSPUN_MODEL_DIR",
            "description": ("Needs UNSPUN_ADMIN_TOKEN (404 when it is not configured). A corrupt, truncated or "
                            "hash-mismatched artifact is refused and the previous model keeps serving. Under "
                            "gunicorn a successful reload also HUPs the master so every worker restarts on it."),
            "security": [{"adminToken": []}],
            "requestBody": {"required": False, "content": {"application/json": {"schema": _ref("ReloadRequest")}}},
            "responses": {"200": ok("ReloadResponse", "Reloaded, or unchanged (same SHA-256)")}
            | _error_responses(400, 401, 403, 404, 409, 413, 422),
        }},
    }
    descriptions = {400: "Bad request (see `error` for the machine code)", 401: "Missing bearer token",
                    403: "Wrong bearer token", 404: "Not found",
                    409: "Conflict: another reload is running, or the SHA-256 is not the one asked for",
                    413: "Body, decompressed body or batch too large",
                    415: "Unsupported media type or content encoding",
                    422: "Artifact refused; the previous model keeps serving",
                    503: "No verified model is loaded"}
    responses = {f"E{status}": {"description": text, "headers": request_id_header,
                                "content": {"application/json": {"schema": _ref("Error")}}}
                 for status, text in descriptions.items()}
    return {
        "openapi": "3.1.0",
        "info": {"title": "unspun", "version": API_VERSION,
                 "description": "Tells spun content-farm pages from real ones. Never fetches any URL."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "responses": responses,
            "headers": {"XRequestId": {"description": "The request id (the client's if sane, else generated)",
                                       "schema": {"type": "string"}}},
            "securitySchemes": {
                "apiToken": {"type": "http", "scheme": "bearer", "description": "UNSPUN_API_TOKEN"},
                "adminToken": {"type": "http", "scheme": "bearer", "description": "UNSPUN_ADMIN_TOKEN"},
            },
        },
    }
