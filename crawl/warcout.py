"""Kept / dropped pages as WARC.gz members (one gzip member per record, so parts concatenate).

A page read from a WARC is copied byte for byte (its original record); a page read from an HTML
file or JSONL line, which has no HTTP exchange, becomes a `resource` record (WARC Content-Type
text/html), which `crawl filter` reads back as a page.
"""
from __future__ import annotations

import io
from pathlib import Path

from crawl.inputs import Page


def page_uri(page: Page) -> str:
    """The WARC-Target-URI for a page: its URL, else a file: URI or an unspun record URN."""
    if page.url:
        return page.url
    if Path(page.record_id).exists():
        return Path(page.record_id).resolve().as_uri()
    return f"urn:unspun:record:{page.record_id}"


def warc_member(page: Page) -> bytes:
    """The page as one gzip-compressed WARC record."""
    if page.raw_warc is not None:
        return page.raw_warc
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    record = writer.create_warc_record(page_uri(page), "resource", payload=io.BytesIO(page.body),
                                       length=len(page.body), warc_content_type=page.content_type or "text/html")
    writer.write_record(record)
    return buf.getvalue()
