"""crawl.inputs: which records are pages, what the detector is handed, and input detection."""
from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawl.inputs import (Cursor, InputUsageError, Page, Skip, html_files, read_input, read_jsonl, read_warc,
                          resolve_input)
from crawl.testing import invented_page, write_test_warc


def _pages(items: list) -> list[Page]:
    return [i for i in items if isinstance(i, Page)]


def _skips(items: list) -> list[str]:
    return [i.reason for i in items if isinstance(i, Skip)]


def test_warc_html_responses_are_pages_and_everything_else_is_counted_as_skipped(tmp_path: Path) -> None:
    path = str(tmp_path / "crawl.warc.gz")
    urls = write_test_warc(path, 4)
    items = list(read_warc(path))
    pages = _pages(items)
    assert [p.url for p in pages] == urls                      # order kept, empty page included
    assert sorted(_skips(items)) == sorted(
        ["warc_warcinfo", "warc_request"] + ["warc_request"] * 6 + ["not_html", "http_redirect", "warc_metadata"])
    first = pages[0]
    assert first.body == invented_page(0, spam=True)
    assert first.content_type == "text/html"                   # the HTTP header, verbatim
    assert pages[1].content_type == "text/html; charset=utf-8"
    assert first.record_id.startswith("<urn:uuid:") and first.input == path
    assert pages[-1].body == b"" and pages[-1].error is None   # empty: the detector reports it, not the reader


def test_uncompressed_warc_reads_the_same_pages(tmp_path: Path) -> None:
    gz, plain = str(tmp_path / "a.warc.gz"), str(tmp_path / "a.warc")
    write_test_warc(gz, 3)
    write_test_warc(plain, 3, gzip=False)
    assert [(p.url, p.body, p.content_type) for p in _pages(list(read_warc(gz)))] == \
        [(p.url, p.body, p.content_type) for p in _pages(list(read_warc(plain)))]


def _warc_with(tmp_path: Path, build) -> str:  # type: ignore[no-untyped-def]
    path = str(tmp_path / "one.warc.gz")
    with open(path, "wb") as fh:
        build(WARCWriter(fh, gzip=True))
    return path


def test_payload_is_decoded_from_content_encoding_before_scoring(tmp_path: Path) -> None:
    html = invented_page(7, spam=False)

    def build(w: WARCWriter) -> None:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                              ("Content-Encoding", "gzip")], protocol="HTTP/1.1")
        body = gzip.compress(html)
        w.write_record(w.create_warc_record("http://x.test/a", "response", payload=io.BytesIO(body),
                                            length=len(body), http_headers=headers))

    pages = _pages(list(read_warc(_warc_with(tmp_path, build))))
    assert len(pages) == 1 and pages[0].body == html


def test_html_is_recognised_without_content_type_only_when_it_looks_like_html(tmp_path: Path) -> None:
    def build(w: WARCWriter) -> None:
        for url, body in (("http://x.test/html", b"<!DOCTYPE html><html><body>hi</body></html>"),
                          ("http://x.test/bin", b"GIF89a\x00\x01")):
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                                http_headers=StatusAndHeaders("200 OK", [], protocol="HTTP/1.1")))

    items = list(read_warc(_warc_with(tmp_path, build)))
    assert [p.url for p in _pages(items)] == ["http://x.test/html"]
    assert _skips(items) == ["not_html"]


def test_resource_records_are_pages_by_their_warc_content_type(tmp_path: Path) -> None:
    def build(w: WARCWriter) -> None:
        w.write_record(w.create_warc_record("file:///a.html", "resource", payload=io.BytesIO(b"<html>a</html>"), length=14,
                                            warc_content_type="text/html"))
        w.write_record(w.create_warc_record("file:///a.txt", "resource", payload=io.BytesIO(b"plain"), length=5,
                                            warc_content_type="text/plain"))

    items = list(read_warc(_warc_with(tmp_path, build)))
    assert [(p.url, p.body) for p in _pages(items)] == [("file:///a.html", b"<html>a</html>")]
    assert _skips(items) == ["not_html"]


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.8, 0.97, 0.999])
@pytest.mark.parametrize("gz", [True, False])
def test_truncated_warc_keeps_its_pages_and_reports_the_rest_as_one_error(tmp_path: Path, keep: float,
                                                                          gz: bool) -> None:
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    write_test_warc(str(path), 6, extras=False, gzip=gz)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    pages = _pages(list(read_warc(str(path))))
    good = [p for p in pages if p.error is None]
    bad = [p for p in pages if p.error is not None]
    assert len(good) < 6
    assert all(p.body in {invented_page(i, spam=(i % 3 == 0)) for i in range(6)} for p in good)
    assert len(bad) == 1 and bad[0].error[0] == "unreadable_input"
    assert pages[-1] is bad[0]


def test_whole_warc_reports_no_error(tmp_path: Path) -> None:
    for gz in (True, False):
        path = tmp_path / f"whole{gz}.warc"
        write_test_warc(str(path), 6, gzip=gz)
        assert all(p.error is None for p in _pages(list(read_warc(str(path)))))


def test_raw_records_are_copied_for_warc_output(tmp_path: Path) -> None:
    path = str(tmp_path / "a.warc.gz")
    write_test_warc(path, 2, extras=False)
    pages = _pages(list(read_warc(path, with_raw=True)))
    assert all(p.raw_warc and p.raw_warc[:2] == b"\x1f\x8b" for p in pages)
    data = Path(path).read_bytes()
    for page in pages:
        assert page.raw_warc in data
        assert b"WARC-Type: response" in gzip.decompress(page.raw_warc)
    assert all(p.raw_warc is None for p in _pages(list(read_warc(path))))


def test_html_folder_is_read_recursively_in_sorted_order_and_ignores_other_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "2.html").write_bytes(b"<html>b2</html>")
    (tmp_path / "a" / "9.htm").write_bytes(b"<html>a9</html>")
    (tmp_path / "a" / "10.html.gz").write_bytes(gzip.compress(b"<html>a10</html>"))
    (tmp_path / "a" / "notes.txt").write_bytes(b"not a page")
    (tmp_path / "top.html").write_bytes(b"<html>top</html>")
    spec = resolve_input(str(tmp_path))
    assert spec.kind == "html_dir" and spec.fingerprint["files"] == 4
    pages = list(read_input(spec))
    assert [Path(p.record_id).relative_to(tmp_path).as_posix() for p in pages] == \
        ["a/10.html.gz", "a/9.htm", "b/2.html", "top.html"]
    assert pages[0].body == b"<html>a10</html>" and pages[0].url is None


def test_corrupt_gzip_html_file_becomes_an_error_page(tmp_path: Path) -> None:
    (tmp_path / "bad.html.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (page,) = list(read_input(resolve_input(str(tmp_path))))
    assert page.error is not None and page.error[0] == "unreadable_input"


def test_jsonl_ids_fallbacks_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl.gz"
    lines = [json.dumps({"url": "http://x.test/1", "html": "<p>one</p>", "id": "first"}),
             json.dumps({"url": "http://x.test/2", "html": "<p>two ü</p>"}),
             "",
             "{not json",
             json.dumps({"url": "http://x.test/4"}),
             json.dumps(["a", "list"])]
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    items = list(read_input(resolve_input(str(path))))
    pages = _pages(items)
    assert _skips(items) == ["blank_line"]
    assert [p.record_id for p in pages] == ["first", f"{path}:2", f"{path}:4", f"{path}:5", f"{path}:6"]
    assert pages[1].body == "<p>two ü</p>".encode() and pages[1].error is None
    assert [p.error[0] if p.error else None for p in pages] == [None, None, "bad_json", "bad_record", "bad_record"]


def test_cursor_follows_bytes_read(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps({"url": f"u{i}", "html": "x" * 5000}) + "\n" for i in range(50)))
    cursor = Cursor()
    seen = []
    for _ in read_jsonl(str(path), cursor=cursor):
        seen.append(cursor.pos)
    assert seen == sorted(seen) and seen[-1] == path.stat().st_size


def test_input_kinds_are_detected_by_suffix_or_content(tmp_path: Path) -> None:
    write_test_warc(str(tmp_path / "crawl.bin"), 1, extras=False)   # no suffix: sniffed
    (tmp_path / "dump.data").write_text(json.dumps({"url": "u", "html": "<p>x</p>"}) + "\n")
    (tmp_path / "page.html").write_text("<html></html>")
    (tmp_path / "readme.md").write_text("# not an input")
    assert resolve_input(str(tmp_path / "crawl.bin")).kind == "warc"
    assert resolve_input(str(tmp_path / "dump.data")).kind == "jsonl"
    assert resolve_input(str(tmp_path / "page.html")).kind == "html_file"
    with pytest.raises(InputUsageError, match="cannot tell"):
        resolve_input(str(tmp_path / "readme.md"))
    with pytest.raises(InputUsageError, match="not found"):
        resolve_input(str(tmp_path / "missing.warc.gz"))
    assert html_files(str(tmp_path)) == [str(tmp_path / "page.html")]
