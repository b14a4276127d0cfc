"""Bearer-token checks for scoring and admin endpoints (constant-time comparison)."""
from __future__ import annotations

import hmac

from service.errors import ApiError


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def require_token(authorization: str | None, expected: str, realm: str) -> None:
    """Raise 401 when no bearer token is given, 403 when it is the wrong one."""
    challenge = {"WWW-Authenticate": f'Bearer realm="{realm}"'}
    given = bearer_token(authorization)
    if given is None:
        raise ApiError(401, "unauthorized", "a bearer token is required (Authorization: Bearer <token>)", challenge)
    if not hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode("utf-8")):
        raise ApiError(403, "forbidden", "the bearer token is not valid for this endpoint")
