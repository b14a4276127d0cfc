"""Read a request body safely: size-bounded on the wire and after gzip/deflate decompression.

Decompression is streamed in fixed-size steps with `max_length`, so a zip bomb costs at most
`limit` bytes of output and is refused as soon as it crosses the limit, whatever its ratio.
"""
from __future__ import annotations

import zlib
from typing import BinaryIO, Iterator

from service.errors import ApiError

CHUNK = 64 * 1024
_GZIP = {"gzip", "x-gzip"}
_DEFLATE = {"deflate"}
_IDENTITY = {"identity", ""}
MAX_CODINGS = 2


def too_large(limit: int, what: str = "request body") -> ApiError:
    return ApiError(413, "payload_too_large", f"the {what} exceeds the limit of {limit} bytes")


def parse_content_encoding(header: str | None) -> list[str]:
    """The codings in the order they were applied; refuses unknown ones with 415."""
    if not header:
        return []
    codings = [c.strip().lower() for c in header.split(",")]
    codings = [c for c in codings if c not in _IDENTITY]
    for coding in codings:
        if coding not in _GZIP | _DEFLATE:
            raise ApiError(415, "unsupported_content_encoding",
                           f"Content-Encoding {coding[:40]!r} is not supported; use gzip, deflate or identity",
                           {"Accept-Encoding": "gzip, deflate, identity"})
    if len(codings) > MAX_CODINGS:
        raise ApiError(415, "unsupported_content_encoding", f"at most {MAX_CODINGS} content codings are accepted")
    return codings


def _wire_chunks(stream: BinaryIO, limit: int) -> Iterator[bytes]:
    """Raw body chunks; 413 once more than `limit` bytes arrive (covers missing/lying Content-Length)."""
    total = 0
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return
        total += len(chunk)
        if total > limit:
            raise too_large(limit)
        yield chunk


def _decompressor(coding: str, first: bytes) -> "zlib._Decompress":
    if coding in _GZIP:
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    # HTTP "deflate" is zlib-wrapped (RFC 9110), but some clients send raw deflate: sniff the zlib header.
    if len(first) >= 2 and (first[0] & 0x0F) == 8 and ((first[0] << 8) | first[1]) % 31 == 0:
        return zlib.decompressobj(zlib.MAX_WBITS)
    return zlib.decompressobj(-zlib.MAX_WBITS)


def _decode(chunks: Iterator[bytes], coding: str, limit: int) -> Iterator[bytes]:
    """Decompress one coding layer, never producing more than `limit` + 1 bytes in total."""
    produced = 0
    decomp = None
    finished = False
    for chunk in chunks:
        data = chunk
        while data:
            if decomp is None or finished:
                if finished and coding in _DEFLATE:
                    return  # trailing bytes after a complete deflate stream: ignored
                decomp = _decompressor(coding, data)  # a new gzip member starts
                finished = False
            try:
                out = decomp.decompress(data, CHUNK)
            except zlib.error:
                raise ApiError(400, "invalid_content_encoding",
                               f"the body is not valid {coding} data") from None
            data = decomp.unconsumed_tail
            if out:
                produced += len(out)
                if produced > limit:
                    raise too_large(limit, "decompressed request body")
                yield out
            if decomp.eof:
                finished = True
                data = decomp.unused_data + data
                if coding in _GZIP and data.strip(b"\0") == b"":
                    data = b""  # zero padding after the last gzip member
    if decomp is None:
        return
    if not finished:
        raise ApiError(400, "invalid_content_encoding", f"the {coding} body is truncated")


def read_body(stream: BinaryIO, content_length: int | None, content_encoding: str | None, limit: int) -> bytes:
    """The request body, decoded; raises ApiError 413 (too large), 415 (unknown coding), 400 (corrupt)."""
    codings = parse_content_encoding(content_encoding)
    if content_length is not None and content_length > limit:
        raise too_large(limit)
    chunks: Iterator[bytes] = _wire_chunks(stream, limit)
    for coding in reversed(codings):
        chunks = _decode(chunks, coding, limit)
    parts: list[bytes] = []
    for part in chunks:
        parts.append(part)
    return b"".join(parts)


def media_type(header: str | None) -> tuple[str, dict[str, str]]:
    """Split a Content-Type header into its lowercase media type and parameters."""
    if not header:
        return "", {}
    pieces = header.split(";")
    mtype = pieces[0].strip().lower()
    params: dict[str, str] = {}
    for piece in pieces[1:]:
        if "=" in piece:
            key, _, value = piece.partition("=")
            params[key.strip().lower()] = value.strip().strip('"')
    return mtype, params


RAW_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", "application/octet-stream", ""})
JSONL_TYPES = frozenset({"application/x-ndjson", "application/jsonl", "application/x-jsonlines",
                         "application/jsonlines"})


def is_json_type(mtype: str) -> bool:
    return mtype == "application/json" or (mtype.startswith("application/") and mtype.endswith("+json"))

