"""bench/throughput.py runs on a miniature corpus laid out like ../shared and skips cleanly without it."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from bench import throughput
from crawl.testing import invented_page


def miniature_shared(root: Path, n: int) -> Path:
    pages = root / "corpus" / "pages" / "mini"
    pages.mkdir(parents=True)
    entries = []
    for i in range(n):
        (pages / f"p{i}.html.gz").write_bytes(gzip.compress(invented_page(i, spam=(i % 2 == 0))))
        entries.append({"path": f"mini/p{i}.html.gz", "source": "mini"})
    entries.append({"path": "mini/fixture.html.gz", "source": "mini", "synthetic_fixture": True})
    (root / "corpus" / "manifest.jsonl.gz").write_bytes(
        gzip.compress("".join(json.dumps(e) + "\n" for e in entries).encode()))
    return root


def test_bench_measures_all_three_and_reports_ratios(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("UNSPUN_SHARED", str(miniature_shared(tmp_path / "shared", 8)))
    assert throughput.main(["--fake", "--pages", "6", "--workers", "1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["pages"] == 6 and result["model"]["version"] == "fake-1"
    assert result["unspun_single"]["pages"] == result["trafilatura_single"]["pages"] == 6
    assert result["crawl_filter"]["pages"] == 6 and result["crawl_filter"]["spam"] >= 1
    ratio = result["unspun_single"]["pages_per_s"] / result["trafilatura_single"]["pages_per_s"]
    assert result["ratio_unspun_per_core_vs_trafilatura"] == pytest.approx(ratio, rel=0.05)
    assert set(result["goals"]) == {"ratio_vs_trafilatura", "pages_per_s_per_core"}
    assert result["peak_rss"]["main_mb"] > 0


def test_synthetic_fixtures_are_left_out(tmp_path: Path) -> None:
    shared = miniature_shared(tmp_path / "shared", 3)
    names = [name for name, _ in throughput.load_pages(shared, 50)]
    assert sorted(names) == ["mini/p0.html.gz", "mini/p1.html.gz", "mini/p2.html.gz"]


def test_bench_skips_with_a_message_without_the_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("UNSPUN_SHARED", str(tmp_path / "absent"))
    assert throughput.main(["--fake"]) == 0
    assert "skipped: no corpus" in capsys.readouterr().out


def test_bench_text_report_names_the_goals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("UNSPUN_SHARED", str(miniature_shared(tmp_path / "shared", 4)))
    assert throughput.main(["--fake", "--pages", "4", "--no-filter"]) == 0
    out = capsys.readouterr().out
    assert "unspun per core / trafilatura" in out and "goal >= 10x" in out and "peak RSS" in out
    assert "(c)" not in out
