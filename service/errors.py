"""One error shape for every failure: `{"error": "<machine_code>", "message": "...", "request_id": "..."}`.

Handlers turn werkzeug's HTTP exceptions and anything unexpected into that shape, so no HTML error page,
stack trace or file path ever reaches a client.
"""
from __future__ import annotations

import logging
import re

from flask import Flask, Response, current_app, g, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger("unspun.service")

# werkzeug status -> our machine code, for errors raised by the routing layer itself
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    411: "length_required",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "too_many_requests",
    431: "headers_too_large",
}
_PATHLIKE = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][\w.\-~+@]+){2,}[\\/]?")


class ApiError(Exception):
    """An error meant for the client: HTTP status, stable machine code, human message."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def scrub(message: str) -> str:
    """Remove file-system paths from a message that may be shown to a client."""
    return _PATHLIKE.sub("<path>", message)


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """Build the JSON error response (request id included when one is set)."""
    body = {"error": code, "message": message}
    request_id = getattr(g, "request_id", None) if g else None
    if request_id:
        body["request_id"] = request_id
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def register_error_handlers(app: Flask) -> None:
    """Install handlers so every error leaves as the JSON shape above."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        code = _HTTP_CODES.get(status, "http_error" if status < 500 else "internal_error")
        headers = {}
        if status == 405 and getattr(exc, "valid_methods", None):
            headers["Allow"] = ", ".join(sorted(exc.valid_methods))
        message = exc.description if status < 500 and exc.description else "the server could not answer"
        if status == 413:
            message = f"the request body exceeds the limit of {current_app.config['MAX_CONTENT_LENGTH']} bytes"
        return error_response(status, code, scrub(str(message)), headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        # The details go to the log (with the request id), never to the client.
        log.exception("unhandled error", extra={"event": "unhandled_error", "error_type": type(exc).__name__})
        return error_response(500, "internal_error", "internal error; see the server log for this request id")
