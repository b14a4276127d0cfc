"""crawl filter end to end (in-process, with the fake detector): one line per page, deterministic
order, kept/dropped WARCs, exit codes, refused state, progress output, and the detector contract."""
from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest

from crawl.cli import main
from crawl.inputs import Page, read_warc
from crawl.progress import Progress
from crawl.runner import FilterConfig, Shard, iter_shards, process_shard, run_filter
from crawl.inputs import resolve_input
from crawl.scoring import score_page
from crawl.state import RunState, StateBusy
from crawl.testing import FakeDetector, invented_page, write_test_warc

REPO = Path(__file__).resolve().parents[1]
FAKE = "crawl.testing:load_fake"


def lines(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


@pytest.fixture()
def crawl_inputs(tmp_path: Path) -> dict[str, Any]:
    """Two WARCs (one uncompressed), a JSONL file and an HTML folder: 26 pages in all."""
    src = tmp_path / "in"
    src.mkdir()
    a_urls = write_test_warc(str(src / "a.warc.gz"), 9)                        # 10 pages (one empty)
    b_urls = write_test_warc(str(src / "b.warc"), 4, start=50, gzip=False)    # 5 pages (one empty)
    jl = src / "pages.jsonl"
    jl.write_text("".join(json.dumps({"url": f"http://j.test/{i}", "html": invented_page(100 + i, i == 1).decode()})
                          + "\n" for i in range(5)) + "{broken\n")                # 6 pages (one bad)
    site = src / "site"
    (site / "sub").mkdir(parents=True)
    for i in range(3):
        (site / f"p{i}.html").write_bytes(invented_page(200 + i, spam=(i == 0)))
    (site / "sub" / "q.html.gz").write_bytes(gzip.compress(invented_page(300, spam=False)))
    (site / "sub" / "r.htm").write_bytes(invented_page(301, spam=True))
    (site / "style.css").write_text("body {}")                                 # 5 pages
    inputs = [str(src / "a.warc.gz"), str(src / "b.warc"), str(jl), str(site)]
    return {"inputs": inputs, "a_urls": a_urls, "b_urls": b_urls, "n_pages": 10 + 5 + 6 + 5}


def cfg(inputs: list[str], out: Path, **kw: Any) -> FilterConfig:
    kw.setdefault("detector", FAKE)
    kw.setdefault("progress", "none")
    return FilterConfig(inputs=inputs, out=str(out), **kw)


def test_one_line_per_page_in_input_order(crawl_inputs: dict, tmp_path: Path) -> None:
    summary = run_filter(cfg(crawl_inputs["inputs"], tmp_path / "out", workers=1, shard_size=4))
    rows = lines(tmp_path / "out" / "verdicts.jsonl")
    assert len(rows) == crawl_inputs["n_pages"] == summary["pages"]
    assert [r["url"] for r in rows[:15]] == crawl_inputs["a_urls"] + crawl_inputs["b_urls"]
    assert len({r["record_id"] for r in rows}) == len(rows)
    for row in rows:
        assert set(row) in ({"url", "record_id", "input", "verdict", "score", "signals"},
                            {"url", "record_id", "input", "error"})
    by_url = {r["url"]: r for r in rows if r["url"]}
    assert by_url["http://news.example.test/story/0"]["verdict"] == "spam"
    assert by_url["http://news.example.test/story/0"]["signals"] == ["spun_phrases", "trailing_links",
                                                                     "copyright_residue"]
    assert by_url["http://news.example.test/story/1"]["verdict"] == "ham"
    assert by_url["http://news.example.test/empty"]["error"]["code"] == "empty_document"
    assert rows[-5]["record_id"].endswith("site/p0.html") and rows[-1]["record_id"].endswith("site/sub/r.htm")
    assert rows[20]["error"]["code"] == "bad_json" and rows[20]["record_id"].endswith("pages.jsonl:6")
    assert summary["errors"] == 3 and summary["spam"] + summary["ham"] + summary["errors"] == summary["pages"]
    assert summary["skipped_by_reason"] == {"http_redirect": 2, "not_html": 2, "warc_metadata": 2,
                                            "warc_request": (9 + 3) + (4 + 3), "warc_warcinfo": 2}
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["pages"] == summary["pages"]


def test_output_is_identical_whatever_the_number_of_workers(crawl_inputs: dict, tmp_path: Path) -> None:
    run_filter(cfg(crawl_inputs["inputs"], tmp_path / "w1", workers=1, shard_size=3))
    run_filter(cfg(crawl_inputs["inputs"], tmp_path / "w2", workers=2, shard_size=3))
    assert (tmp_path / "w1" / "verdicts.jsonl").read_bytes() == (tmp_path / "w2" / "verdicts.jsonl").read_bytes()


def test_rows_equal_what_the_detector_answers_for_the_same_page(tmp_path: Path) -> None:
    warc = tmp_path / "a.warc.gz"
    write_test_warc(str(warc), 6)
    run_filter(cfg([str(warc)], tmp_path / "out", workers=1))
    det = FakeDetector()
    expected = []
    for page in read_warc(str(warc)):
        if isinstance(page, Page):
            expected.append(score_page(det, page))
    assert lines(tmp_path / "out" / "verdicts.jsonl") == expected


class RecordingDetector(FakeDetector):
    """Remembers what it was called with."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple] = []

    def score(self, page, *, url=None, content_type=None, threshold=None):  # type: ignore[no-untyped-def]
        self.calls.append((page, url, content_type, threshold))
        return super().score(page, url=url, content_type=content_type, threshold=threshold)


def test_detector_gets_body_url_and_http_content_type_like_score_endpoint(tmp_path: Path) -> None:
    warc = tmp_path / "a.warc.gz"
    urls = write_test_warc(str(warc), 3, extras=False)
    (shard,) = list(iter_shards(resolve_input(str(warc)), 0, 100))
    det = RecordingDetector()
    state = tmp_path / "state"
    for sub in ("parts", "shards"):
        (state / sub).mkdir(parents=True)
    counts = process_shard(det, shard, str(state), threshold=0.9, keep_warc=False, drop_warc=False)
    assert [c[1] for c in det.calls] == urls
    assert [c[2] for c in det.calls] == ["text/html", "text/html; charset=utf-8", "text/html"]
    assert [c[0] for c in det.calls] == [invented_page(i, spam=(i % 3 == 0)) for i in range(3)]
    assert {c[3] for c in det.calls} == {0.9}
    assert counts["pages"] == 3 and counts["skipped"] == {"warc_request": 3}


def test_threshold_override_changes_verdicts(tmp_path: Path) -> None:
    warc = tmp_path / "a.warc.gz"
    write_test_warc(str(warc), 6, extras=False)
    low = run_filter(cfg([str(warc)], tmp_path / "low", workers=1, threshold=0.001))
    high = run_filter(cfg([str(warc)], tmp_path / "high", workers=1, threshold=0.99))
    assert low["spam"] == 6 and high["spam"] == 0


def test_shards_cut_inputs_in_order_and_count_skips_where_they_fall(tmp_path: Path) -> None:
    warc = tmp_path / "a.warc.gz"
    write_test_warc(str(warc), 7)                  # 8 pages
    shards = list(iter_shards(resolve_input(str(warc)), 3, 3))
    assert [(s.input_index, s.shard_index, len(s.pages)) for s in shards] == [(3, 0, 3), (3, 1, 3), (3, 2, 2)]
    assert sum(sum(s.skipped.values()) for s in shards) == 1 + 9 + 4   # warcinfo, requests, extras
    empty = tmp_path / "empty"
    empty.mkdir()
    assert [(len(s.pages), s.skipped) for s in iter_shards(resolve_input(str(empty)), 0, 3)] == [(0, {})]


def test_kept_and_dropped_warcs_split_the_pages_and_read_back(crawl_inputs: dict, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run_filter(cfg(crawl_inputs["inputs"], out, workers=2, shard_size=4, keep_warc=str(out / "kept.warc.gz"),
                             drop_warc=str(out / "dropped.warc.gz")))
    again = run_filter(cfg([str(out / "kept.warc.gz"), str(out / "dropped.warc.gz")], tmp_path / "again", workers=1))
    rows = lines(tmp_path / "again" / "verdicts.jsonl")
    assert again["pages"] == summary["pages"]
    assert again["spam"] == summary["spam"] and again["skipped"] == 0
    n_kept = summary["ham"] + summary["errors"]
    assert all(r.get("verdict") != "spam" for r in rows[:n_kept])
    assert all(r["verdict"] == "spam" for r in rows[n_kept:])
    original = {r["url"] for r in lines(out / "verdicts.jsonl") if r["url"]}
    assert original <= {r["url"] for r in rows}                   # WARC pages are copied byte for byte


def test_gzip_output(crawl_inputs: dict, tmp_path: Path) -> None:
    run_filter(cfg(crawl_inputs["inputs"], tmp_path / "plain", workers=1))
    run_filter(cfg(crawl_inputs["inputs"], tmp_path / "gz", workers=1, gzip=True))
    assert not (tmp_path / "gz" / "verdicts.jsonl").exists()
    assert gzip.decompress((tmp_path / "gz" / "verdicts.jsonl.gz").read_bytes()) == \
        (tmp_path / "plain" / "verdicts.jsonl").read_bytes()


def test_rerun_of_a_finished_run_does_nothing(crawl_inputs: dict, tmp_path: Path) -> None:
    first = run_filter(cfg(crawl_inputs["inputs"], tmp_path / "out", workers=1, shard_size=5))
    before = (tmp_path / "out" / "verdicts.jsonl").read_bytes()
    second = run_filter(cfg(crawl_inputs["inputs"], tmp_path / "out", workers=1, shard_size=5))
    assert second["already_complete"] and not first["already_complete"]
    assert (tmp_path / "out" / "verdicts.jsonl").read_bytes() == before
    assert not list((tmp_path / "out" / ".unspun-state" / "parts").glob("*"))     # parts freed after assembly


# ---------------------------------------------------------------- the command line and its exit codes

def run_cli(args: list[str]) -> int:
    return main(["filter", "--detector", FAKE, "--progress", "none", *args])


def test_cli_exit_codes(crawl_inputs: dict, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    ins = crawl_inputs["inputs"]
    assert run_cli([*ins, "--out", str(tmp_path / "ok"), "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert "26 pages" in err and "skipped" in err and "not counted as pages" in err and "pages/s" in err
    assert run_cli([*ins, "--out", str(tmp_path / "strict"), "--workers", "1", "--fail-on-error"]) == 1
    clean = tmp_path / "clean.warc.gz"
    write_test_warc(str(clean), 3, extras=False)
    assert run_cli([str(clean), "--out", str(tmp_path / "strict2"), "--workers", "1", "--fail-on-error"]) == 0
    assert run_cli([str(tmp_path / "missing.warc.gz"), "--out", str(tmp_path / "x")]) == 2
    assert "input not found" in capsys.readouterr().err
    assert run_cli(["--out", str(tmp_path / "x")]) == 2                       # no input at all
    assert main(["filter", str(clean), "--out", str(tmp_path / "m"), "--detector", "crawl.testing:load_broken"]) == 3
    assert "model failed to load" in capsys.readouterr().err
    assert main(["filter", str(clean), "--out", str(tmp_path / "m"), "--model", str(tmp_path / "no-model")]) == 3
    assert run_cli([str(clean), "--out", str(tmp_path / "w"), "--workers", "0"]) == 2


def test_a_dead_worker_aborts_with_exit_4_and_a_rerun_completes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture) -> None:
    warc = tmp_path / "a.warc.gz"
    write_test_warc(str(warc), 12, extras=False)
    args = [str(warc), "--out", str(tmp_path / "out"), "--workers", "2", "--shard-size", "2"]
    monkeypatch.setenv("UNSPUN_FAKE_CRASH_ON", "Story 9<")
    assert run_cli(args) == 4
    assert "rerun" in capsys.readouterr().err
    assert not (tmp_path / "out" / "verdicts.jsonl").exists()
    monkeypatch.delenv("UNSPUN_FAKE_CRASH_ON")
    assert run_cli(args) == 0
    rows = lines(tmp_path / "out" / "verdicts.jsonl")
    assert [r["url"] for r in rows] == [f"http://news.example.test/story/{i}" for i in range(12)]


def test_changed_arguments_or_model_refuse_old_state_until_restart(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture) -> None:
    warc = tmp_path / "a.warc.gz"
    write_test_warc(str(warc), 5)
    out = str(tmp_path / "out")
    assert run_cli([str(warc), "--out", out, "--workers", "1", "--shard-size", "2"]) == 0
    capsys.readouterr()
    assert run_cli([str(warc), "--out", out, "--workers", "1", "--shard-size", "3"]) == 2
    assert "shard_size: was 2, now 3" in capsys.readouterr().err
    assert main(["filter", str(warc), "--out", out, "--workers", "1", "--shard-size", "2", "--progress", "none",
                 "--detector", "crawl.testing:load_other_fake"]) == 2
    assert "model changed" in capsys.readouterr().err
    write_test_warc(str(warc), 6)                                             # the input changed on disk
    assert run_cli([str(warc), "--out", out, "--workers", "1", "--shard-size", "2"]) == 2
    assert "changed on disk" in capsys.readouterr().err
    assert run_cli([str(warc), "--out", out, "--workers", "1", "--shard-size", "2", "--restart"]) == 0
    assert len(lines(Path(out) / "verdicts.jsonl")) == 7
    assert run_cli([str(warc), "--out", out, "--workers", "2", "--shard-size", "2"]) == 0   # workers may change


def test_a_second_concurrent_run_on_the_same_output_is_refused(tmp_path: Path) -> None:
    warc = tmp_path / "a.warc.gz"
    write_test_warc(str(warc), 2)
    holder = RunState.open(tmp_path / "out", {"inputs": []})
    try:
        with pytest.raises(StateBusy):
            RunState.open(tmp_path / "out", {"inputs": []})
        assert run_cli([str(warc), "--out", str(tmp_path / "out"), "--workers", "1"]) == 75
    finally:
        holder.close()
    assert run_cli([str(warc), "--out", str(tmp_path / "out"), "--workers", "1", "--restart"]) == 0


# ---------------------------------------------------------------- progress

def test_progress_bar_on_a_terminal_and_log_lines_otherwise() -> None:
    bar_out = io.StringIO()
    bar = Progress(1000, mode="bar", stream=bar_out, redraw=0.0)
    bar.update(pages=40, spam=3, bytes_read=500)
    bar.close()
    text = bar_out.getvalue()
    assert text.startswith("\r[##############--------------]") and "50.0%" in text and "40 pages" in text
    assert "pages/s" in text and "spam 3" in text and text.endswith("\n")

    log_out = io.StringIO()
    log = Progress(1000, mode="log", stream=log_out, interval=3600)
    log.update(pages=10, bytes_read=100)      # first update logs, the next ones wait for the interval
    log.update(pages=10, bytes_read=200)
    log.close()
    assert log_out.getvalue().count("\n") == 1 and "\r" not in log_out.getvalue()

    quiet = io.StringIO()
    none = Progress(1000, mode="none", stream=quiet)
    none.update(pages=5, force=True)
    none.close()
    assert quiet.getvalue() == ""


def test_auto_mode_picks_log_lines_when_not_a_terminal() -> None:
    assert Progress(1, mode="auto", stream=io.StringIO()).mode == "log"


# ---------------------------------------------------------------- the real model (once it lands)

requires_model = pytest.mark.skipif(not (REPO / "model" / "artifacts" / "unspun.joblib").exists(),
                                    reason="model/artifacts/unspun.joblib not trained yet")


@requires_model
def test_real_model_verdicts_equal_detector_score(tmp_path: Path) -> None:
    from model import Detector

    warc = tmp_path / "a.warc.gz"
    write_test_warc(str(warc), 6)
    run_filter(FilterConfig(inputs=[str(warc)], out=str(tmp_path / "out"), workers=2, shard_size=2,
                            progress="none"))
    det = Detector.load()
    rows = lines(tmp_path / "out" / "verdicts.jsonl")
    pages = [p for p in read_warc(str(warc)) if isinstance(p, Page)]
    assert len(rows) == len(pages)
    for row, page in zip(rows, pages):
        if not page.body:
            assert row["error"]["code"] == "empty_document"
            continue
        v = det.score(page.body, url=page.url, content_type=page.content_type).to_dict()
        assert row["verdict"] == v["verdict"] and row["score"] == v["score"]
        assert row["signals"] == [s["name"] for s in v["signals"] if s["fired"]]
