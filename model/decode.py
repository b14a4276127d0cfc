"""Bytes -> text: BOM, then the HTTP charset, then <meta charset>, then detection.

Order follows the HTML Living Standard's encoding sniffing algorithm (BOM wins over everything), with
charset-normalizer as the last resort instead of a locale default. Never raises: undecodable bytes are
replaced, so every page gets a verdict.
"""
from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),   # before UTF-16 LE: it shares the first two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,400}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_SNIFF_BYTES = 4096  # the spec's prescan window is 1024; real pages put meta late more often than that

# WHATWG maps these labels onto supersets; follow it so that e.g. "iso-8859-1" pages decode cp1252 quotes.
_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252",
            "ascii": "cp1252", "iso8859-1": "cp1252", "x-sjis": "shift_jis", "utf8": "utf-8",
            "gb2312": "gb18030", "gbk": "gb18030", "x-user-defined": "cp1252", "unicode": "utf-16-le"}


def normalise_encoding(label: str | None) -> str | None:
    """A Python codec name for an encoding label, or None when unknown."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def charset_from_content_type(content_type: str | None) -> str | None:
    """The charset parameter of an HTTP Content-Type header, if any."""
    if not content_type:
        return None
    m = _HTTP_CHARSET.search(content_type)
    return normalise_encoding(m.group(1)) if m else None


def sniff_encoding(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(codec, how) for page bytes; `how` is bom, http, meta, utf8, detected or fallback."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, "bom"
    http = charset_from_content_type(content_type)
    if http and not http.startswith("utf-16") and not http.startswith("utf-32"):
        return http, "http"
    if http:  # a UTF-16 label without a BOM: trust it only if the bytes look like it
        if b"\x00" in data[:200]:
            return http, "http"
    m = _META_CHARSET.search(data[:_SNIFF_BYTES])
    if m:
        meta = normalise_encoding(m.group(1).decode("ascii", "replace"))
        if meta and not meta.startswith("utf-16"):   # a meta claiming UTF-16 in ASCII bytes is wrong by definition
            return meta, "meta"
    try:
        data.decode("utf-8")
        return "utf-8", "utf8"
    except UnicodeDecodeError:
        pass
    return _detect(data), "detected"


def _detect(data: bytes) -> str:
    try:
        from charset_normalizer import from_bytes
        best = from_bytes(data[:65536]).best()
        if best is not None:
            name = normalise_encoding(best.encoding)
            if name:
                return name
    except Exception:  # noqa: BLE001 - detection is best effort; fall back below
        pass
    return "cp1252"


def decode_html(data: bytes | str, content_type: str | None = None) -> tuple[str, str]:
    """(text, encoding used). Strings pass through; bytes never fail to decode."""
    if isinstance(data, str):
        return data, "str"
    encoding, _ = sniff_encoding(data, content_type)
    text = data.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text, encoding
