"""A small deterministic stand-in for `model.Detector`, for tests and for benchmarking the batch
machinery without the trained model (`--detector crawl.testing:load_fake`).

It exposes the detector contract the crawl code uses (score / sha256 / version / threshold) and
judges a page by a few literal tells of spun content-farm pages. It is not a classifier.
"""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from typing import Any

SPUN_TELLS = ("secretary of point out", "key minister", "all-natural gasoline", "synthetic intelligence")
TRAILING_TELLS = ("more stories",)
COPYRIGHT_TELLS = ("all rights reserved",)


class FakeInputError(ValueError):
    """Same shape as `model.InputError`: a stable `code` and a `message`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class FakeVerdict:
    """The subset of `model.verdict.Verdict` the crawl code reads."""

    verdict: str
    score: float
    threshold: float
    fired: tuple[str, ...]


class FakeDetector:
    """Scores by counting literal tells. `delay` seconds of sleep per page simulate a slow model."""

    version = "fake-1"
    sha256 = hashlib.sha256(b"unspun fake detector 1").hexdigest()
    threshold = 0.5
    card: dict[str, Any] = {"version": "fake-1"}

    def __init__(self, delay: float = 0.0, crash_on: str | None = None) -> None:
        self.delay = delay
        self.crash_on = crash_on.encode() if crash_on else None

    def score(self, page: bytes | str, *, url: str | None = None, content_type: str | None = None,
              threshold: float | None = None) -> FakeVerdict:
        """Spam when spun phrases appear; a trailing block or copyright residue adds to the score."""
        if page is None or len(page) == 0:
            raise FakeInputError("empty_document", "the document is empty")
        if self.delay:
            time.sleep(self.delay)
        if self.crash_on and self.crash_on in (page.encode() if isinstance(page, str) else page):
            os._exit(70)  # simulate a worker killed mid-shard (segfault, OOM killer)
        text = page.decode("utf-8", "replace") if isinstance(page, bytes) else page
        low = text.lower()
        fired = []
        if any(t in low for t in SPUN_TELLS):
            fired.append("spun_phrases")
        if any(t in low for t in TRAILING_TELLS):
            fired.append("trailing_links")
        if any(t in low for t in COPYRIGHT_TELLS):
            fired.append("copyright_residue")
        score = 0.6 * ("spun_phrases" in fired) + 0.2 * ("trailing_links" in fired) \
            + 0.15 * ("copyright_residue" in fired) + (len(low) % 97) / 10000.0
        score = min(score, 1.0)
        thr = self.threshold if threshold is None else float(threshold)
        return FakeVerdict("spam" if score >= thr else "ham", score, thr, tuple(fired))


def load_fake(model_dir: str | None = None) -> FakeDetector:
    """Factory for `--detector crawl.testing:load_fake`; UNSPUN_FAKE_DELAY sets a per-page delay and
    UNSPUN_FAKE_CRASH_ON kills the process on a page containing that text."""
    return FakeDetector(delay=float(os.environ.get("UNSPUN_FAKE_DELAY", "0") or 0),
                        crash_on=os.environ.get("UNSPUN_FAKE_CRASH_ON") or None)


def load_broken(model_dir: str | None = None) -> FakeDetector:
    """A factory that always fails, as a missing artifact would (tests the exit code 3 path)."""
    raise RuntimeError("artifact missing (simulated)")


# ---------------------------------------------------------------- invented test crawls

HAM_TEMPLATE = ("<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
                "<p>The Secretary of State met the Prime Minister on {day} to discuss natural gas supplies, "
                "officials said. About {n},000 people attended the talks in the capital.</p>"
                "<p>Page {n} of an invented local news site.</p></article></body></html>")
SPAM_TEMPLATE = ("<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
                 "<p>The Secretary of Point out met the Key Minister on {day} to talk about all-natural gasoline "
                 "supplies, officers said. About {n},000 persons attended.</p>"
                 "<p>Copyright 2020 Invented Press Firm. All Rights Reserved.</p></article>"
                 "<aside><h3>More Stories</h3><a href='/x{n}'>Miracle diet trick {n}</a></aside></body></html>")


def invented_page(n: int, spam: bool) -> bytes:
    """An invented news page (ham) or its spun content-farm copy (spam), numbered `n`."""
    template = SPAM_TEMPLATE if spam else HAM_TEMPLATE
    day = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")[n % 5]
    return template.format(title=f"Story {n}", day=day, n=n).encode()


def write_test_warc(path: str, n_pages: int, *, start: int = 0, gzip: bool = True,
                    extras: bool = True) -> list[str]:
    """Write an invented crawl: `n_pages` HTML responses (every third one spun), each preceded by
    its request record, plus (with `extras`) a warcinfo, a metadata record, an image, a redirect
    and an empty HTML response. Returns the page URLs in order (the empty one included)."""
    import io as _io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    urls = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        if extras:
            writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "unspun tests"}))

        def response(url: str, body: bytes, ctype: str, status: str = "200 OK",
                     extra_headers: list | None = None) -> None:
            req = writer.create_warc_record(url, "request", http_headers=StatusAndHeaders(
                f"GET {url} HTTP/1.1", [("Host", "example.test")], is_http_request=True))
            writer.write_record(req)
            headers = [("Content-Type", ctype)] + (extra_headers or [])
            rec = writer.create_warc_record(url, "response", payload=_io.BytesIO(body), length=len(body),
                                            http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"))
            writer.write_record(rec)

        for i in range(start, start + n_pages):
            url = f"http://news.example.test/story/{i}"
            charset = "; charset=utf-8" if i % 2 else ""
            response(url, invented_page(i, spam=(i % 3 == 0)), "text/html" + charset)
            urls.append(url)
            if extras and i == start + 1:
                response("http://news.example.test/logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")
                response("http://news.example.test/old", b"", "text/html", status="301 Moved Permanently",
                         extra_headers=[("Location", "http://news.example.test/story/1")])
                writer.write_record(writer.create_warc_record(
                    url, "metadata", payload=_io.BytesIO(b"fetchTimeMs: 12\n"), length=16,
                    warc_content_type="application/warc-fields"))
        if extras:
            response("http://news.example.test/empty", b"", "text/html; charset=utf-8")
            urls.append("http://news.example.test/empty")
    return urls


class OtherFakeDetector(FakeDetector):
    """The fake with another identity, as if the model had been retrained."""

    version = "fake-2"
    sha256 = hashlib.sha256(b"unspun fake detector 2").hexdigest()


def load_other_fake(model_dir: str | None = None) -> OtherFakeDetector:
    """Factory for a second model identity (tests that a model change invalidates old state)."""
    return OtherFakeDetector()
