"""Reading crawl inputs into pages: WARC / WARC.gz, folders of HTML files, JSONL(.gz) of {url, html}.

Every reader yields, in input order, either a `Page` (something to score, possibly carrying a read
error so it is reported instead of dropped) or a `Skip` (a record that is not a page: a WARC request,
metadata, an image...). The local filter and the Spark job both read through here, so the detector
sees the same bytes, URL and Content-Type on both paths.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
WARC_SUFFIXES = (".warc", ".warc.gz", ".warc.gzip")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
HTML_MIME = ("text/html", "application/xhtml+xml")


class InputUsageError(Exception):
    """An input path is missing or of a kind the filter cannot read (exit code 2)."""


@dataclass(frozen=True)
class Page:
    """One page to score. `error` is set (code, message) when the page could not even be read."""

    url: str | None
    record_id: str
    input: str
    body: bytes
    content_type: str | None = None
    raw_warc: bytes | None = None          # the page as one gzip WARC member (only when WARC output is on)
    error: tuple[str, str] | None = None


@dataclass(frozen=True)
class Skip:
    """A record that is not an HTML page; counted in the summary under `reason`."""

    reason: str


@dataclass(frozen=True)
class InputSpec:
    """One command-line input: its kind and the identity recorded in the run manifest."""

    path: str
    kind: str                                # "warc" | "html_dir" | "html_file" | "jsonl"
    size: int
    fingerprint: dict = field(default_factory=dict)

    def manifest_entry(self) -> dict:
        return {"path": str(Path(self.path).resolve()), "kind": self.kind, "size": self.size, **self.fingerprint}


def _sniff(path: str) -> str | None:
    """Guess an input's kind from its first bytes (gzip undone)."""
    try:
        with open(path, "rb") as raw:
            if raw.read(2) == b"\x1f\x8b":
                raw.seek(0)
                with gzip.GzipFile(fileobj=raw, mode="rb") as gz:
                    head = gz.read(512)
            else:
                raw.seek(0)
                head = raw.read(512)
    except (OSError, EOFError, zlib.error):
        return None
    head = head.lstrip()
    if head.startswith(b"WARC/"):
        return "warc"
    if head.startswith(b"{"):
        return "jsonl"
    low = head[:100].lower()
    if low.startswith(b"<!doctype html") or low.startswith(b"<html"):
        return "html_file"
    return None


def html_files(folder: str) -> list[str]:
    """HTML files under `folder`, recursively, sorted by their path relative to it (deterministic)."""
    found = []
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            if name.lower().endswith(HTML_SUFFIXES):
                full = os.path.join(dirpath, name)
                found.append((os.path.relpath(full, folder).replace(os.sep, "/"), full))
    return [full for _rel, full in sorted(found)]


def resolve_input(path: str) -> InputSpec:
    """Classify one input path. Raises `InputUsageError` if it is missing or unreadable as any kind."""
    if not os.path.exists(path):
        raise InputUsageError(f"input not found: {path}")
    if os.path.isdir(path):
        files = html_files(path)
        listing = hashlib.sha256()
        size = 0
        for f in files:
            st = os.stat(f)
            size += st.st_size
            listing.update(f"{os.path.relpath(f, path)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        return InputSpec(path, "html_dir", size, {"files": len(files), "listing_sha256": listing.hexdigest()})
    st = os.stat(path)
    low = path.lower()
    if low.endswith(WARC_SUFFIXES):
        kind = "warc"
    elif low.endswith(JSONL_SUFFIXES):
        kind = "jsonl"
    elif low.endswith(HTML_SUFFIXES):
        kind = "html_file"
    else:
        sniffed = _sniff(path)
        if sniffed is None:
            raise InputUsageError(f"cannot tell what {path} is: expected WARC(.gz), a folder of HTML files, "
                                  "JSONL(.gz) of {\"url\", \"html\"}, or an .html file")
        kind = sniffed
    return InputSpec(path, kind, st.st_size, {"mtime_ns": st.st_mtime_ns})


class Cursor:
    """How many bytes of the current input have been read so far (drives the progress bar)."""

    def __init__(self) -> None:
        self.pos = 0


# ---------------------------------------------------------------- WARC

def is_html_type(content_type: str | None) -> bool:
    """True for HTML media types (parameters such as charset ignored)."""
    if not content_type:
        return False
    return content_type.split(";", 1)[0].strip().lower() in HTML_MIME


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def page_from_warc_record(record, input_name: str) -> Page | Skip:  # type: ignore[no-untyped-def]
    """Turn one warcio record into a Page (an HTML `response`) or a Skip. Shared with the Spark job.

    The detector gets the decoded HTTP payload (chunked / gzip transfer undone), the record's
    WARC-Target-URI and the HTTP response's own Content-Type header, exactly as `/score` would.
    """
    if record.rec_type == "resource":
        return _page_from_resource(record, input_name)
    if record.rec_type != "response":
        return Skip(f"warc_{record.rec_type}")
    headers = record.http_headers
    if headers is None:
        return Skip("warc_response_not_http")
    content_type = headers.get_header("Content-Type")
    status = headers.get_statuscode() or ""
    if status.startswith("3"):
        return Skip("http_redirect")
    url = record.rec_headers.get_header("WARC-Target-URI")
    record_id = record.rec_headers.get_header("WARC-Record-ID") or ""
    try:
        body = record.content_stream().read()
    except Exception as exc:  # broken chunking / content-encoding: report, never drop
        return Page(url, record_id, input_name, b"", content_type,
                    error=("undecodable_payload", f"{type(exc).__name__}: {exc}"))
    if not is_html_type(content_type) and not (not content_type and _looks_like_html(body)):
        return Skip("not_html")
    return Page(url, record_id, input_name, body, content_type)


def _page_from_resource(record, input_name: str) -> Page | Skip:  # type: ignore[no-untyped-def]
    """A `resource` record (content without HTTP, e.g. a saved file): HTML by its WARC Content-Type."""
    content_type = record.rec_headers.get_header("Content-Type")
    if not is_html_type(content_type):
        return Skip("not_html")
    url = record.rec_headers.get_header("WARC-Target-URI")
    record_id = record.rec_headers.get_header("WARC-Record-ID") or ""
    return Page(url, record_id, input_name, record.content_stream().read(), content_type)


def read_warc(path: str, *, with_raw: bool = False, cursor: Cursor | None = None) -> Iterator[Page | Skip]:
    """Records of a WARC / WARC.gz file in order. `with_raw` attaches each page's original record as a
    gzip member (for --keep-warc / --drop-warc). A truncated or corrupt file ends with one error page."""
    from warcio.archiveiterator import ArchiveIterator

    fh = open(path, "rb")
    raw_fh = open(path, "rb") if with_raw else None
    gzipped = path.lower().endswith((".gz", ".gzip"))
    offset = end = 0
    pending: Page | Skip | None = None     # held back until we know its record is whole
    try:
        it = ArchiveIterator(fh)
        try:
            for record in it:
                item = page_from_warc_record(record, path)
                it.read_to_end()
                offset, length = it.get_record_offset(), it.get_record_length()
                end = offset + length
                if with_raw and isinstance(item, Page):
                    assert raw_fh is not None
                    raw_fh.seek(offset)
                    raw = raw_fh.read(length)
                    if not gzipped:
                        raw = gzip.compress(raw + b"\r\n\r\n", mtime=0)
                    item = Page(item.url, item.record_id, item.input, item.body, item.content_type,
                                raw_warc=raw, error=item.error)
                if pending is not None:
                    yield pending
                pending = item
                if cursor is not None:
                    cursor.pos = fh.tell()
            problem, last_partial = _truncation(path, end, offset, gzipped)
        except Exception as exc:
            problem, last_partial = f"{type(exc).__name__}: {exc}", False
        if problem and last_partial and isinstance(pending, Page):
            pending = Page(pending.url, pending.record_id, path, b"", pending.content_type,
                           error=("unreadable_input", f"record cut short at offset {offset}: {problem}"))
            problem = None
        if pending is not None:
            yield pending
        if problem:
            yield Page(None, f"{path}@{end}", path, b"", None,
                       error=("unreadable_input", f"WARC unreadable after offset {end}: {problem}"))
    finally:
        fh.close()
        if raw_fh is not None:
            raw_fh.close()


def _truncation(path: str, end: int, last_offset: int, gzipped: bool) -> tuple[str | None, bool]:
    """Why a WARC that warcio read to its end is incomplete, and whether its last record is the
    cut one. (None, False) when whole: nothing after the last record, and that record is complete
    (its gzip member reaches end-of-stream; an uncompressed file ends with the CRLF CRLF trailer)."""
    size = os.path.getsize(path)
    if size - end > 4:
        return f"{size - end} bytes after the last whole record (truncated or corrupt file)", False
    if end <= last_offset:
        return None, False
    with open(path, "rb") as fh:
        fh.seek(last_offset)
        member = fh.read(size - last_offset)
    if member[:2] == b"\x1f\x8b":
        dec = zlib.decompressobj(31)
        try:
            dec.decompress(member)
        except zlib.error as exc:
            return f"corrupt last gzip member: {exc}", True
        if not dec.eof:
            return "the last gzip member is cut short (truncated file)", True
    elif not gzipped and not member.endswith(b"\r\n\r\n"):
        return "the last record is cut short (truncated file)", True
    return None, False


# ---------------------------------------------------------------- HTML files

def read_html_file(path: str) -> Page:
    """One .html / .htm / .html.gz file as a page; url is unknown (None), record_id is the path."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        return Page(None, path, path, b"", None, error=("unreadable_input", f"{type(exc).__name__}: {exc}"))
    return Page(None, path, path, data, None)


def read_html_dir(folder: str, *, cursor: Cursor | None = None) -> Iterator[Page]:
    """Every HTML file under `folder`, recursively, in sorted order."""
    for path in html_files(folder):
        page = read_html_file(path)
        if cursor is not None:
            try:
                cursor.pos += os.path.getsize(path)
            except OSError:
                pass
        yield page


# ---------------------------------------------------------------- JSONL

def read_jsonl(path: str, *, cursor: Cursor | None = None) -> Iterator[Page | Skip]:
    """Lines of {"url", "html"} (optional "id", "content_type"); record_id is "id" or "<file>:<line>".
    A line that is not such an object becomes an error page; blank lines are skipped."""
    raw = open(path, "rb")
    try:
        magic = raw.read(2)
        raw.seek(0)
        stream: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if magic == b"\x1f\x8b" else raw  # type: ignore[assignment]
        lineno = 0
        try:
            for line in stream:
                lineno += 1
                if cursor is not None:
                    cursor.pos = raw.tell()
                if not line.strip():
                    yield Skip("blank_line")
                    continue
                yield _jsonl_page(line, path, lineno)
        except (OSError, EOFError, zlib.error) as exc:
            yield Page(None, f"{path}:{lineno + 1}", path, b"", None,
                       error=("unreadable_input", f"JSONL unreadable after line {lineno}: {type(exc).__name__}: {exc}"))
    finally:
        raw.close()


def _jsonl_page(line: bytes, path: str, lineno: int) -> Page:
    fallback_id = f"{path}:{lineno}"
    try:
        obj = json.loads(line)
    except ValueError as exc:
        return Page(None, fallback_id, path, b"", None, error=("bad_json", f"line {lineno}: {exc}"))
    if not isinstance(obj, dict):
        return Page(None, fallback_id, path, b"", None, error=("bad_record", f"line {lineno}: not a JSON object"))
    record_id = str(obj["id"]) if obj.get("id") is not None else fallback_id
    url = obj.get("url") if isinstance(obj.get("url"), str) else None
    html = obj.get("html")
    ctype = obj.get("content_type") if isinstance(obj.get("content_type"), str) else None
    if not isinstance(html, str):
        return Page(url, record_id, path, b"", ctype, error=("bad_record", f"line {lineno}: no \"html\" string"))
    return Page(url, record_id, path, html.encode("utf-8", "surrogatepass"), ctype)


# ---------------------------------------------------------------- dispatch

def read_input(spec: InputSpec, *, with_raw: bool = False, cursor: Cursor | None = None) -> Iterator[Page | Skip]:
    """All items of one input, in order; `cursor.pos` follows the bytes read."""
    if spec.kind == "warc":
        yield from read_warc(spec.path, with_raw=with_raw, cursor=cursor)
    elif spec.kind == "html_dir":
        yield from read_html_dir(spec.path, cursor=cursor)
    elif spec.kind == "html_file":
        page = read_html_file(spec.path)
        if cursor is not None:
            cursor.pos = spec.size
        yield page
    elif spec.kind == "jsonl":
        yield from read_jsonl(spec.path, cursor=cursor)
    else:  # pragma: no cover - resolve_input only makes the kinds above
        raise InputUsageError(f"unknown input kind {spec.kind}")
