"""crawl/spark_job.py: the per-file record processing equals the local filter, and a real
spark-submit on local[2] gives the same verdicts (skipped when pyspark or Java is missing)."""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from crawl import spark_job
from crawl.runner import FilterConfig, run_filter
from crawl.testing import write_test_warc

REPO = Path(__file__).resolve().parents[1]
FAKE = "crawl.testing:load_fake"


def local_rows(inputs: list[str], out: Path) -> list[dict]:
    run_filter(FilterConfig(inputs=inputs, out=str(out), workers=1, detector=FAKE, progress="none"))
    return [json.loads(line) for line in (out / "verdicts.jsonl").read_text().splitlines()]


def make_warcs(tmp_path: Path) -> list[str]:
    a, b, cut = tmp_path / "a.warc.gz", tmp_path / "b.warc", tmp_path / "cut.warc.gz"
    write_test_warc(str(a), 7)
    write_test_warc(str(b), 4, start=40, gzip=False)
    write_test_warc(str(cut), 5, start=80, extras=False)
    cut.write_bytes(cut.read_bytes()[:-300])
    return [str(a), str(b), str(cut)]


def test_process_warc_rows_equal_the_local_filter(tmp_path: Path) -> None:
    warcs = make_warcs(tmp_path)
    settings = {"model_dir": None, "detector": FAKE, "threshold": None}
    rows = [row for path in warcs for row in spark_job.process_warc(path, settings)]
    assert rows == local_rows(warcs, tmp_path / "local")
    assert any(r.get("error", {}).get("code") == "unreadable_input" for r in rows)


def test_detector_is_loaded_once_per_executor_process(tmp_path: Path) -> None:
    warcs = make_warcs(tmp_path)
    settings = {"model_dir": None, "detector": FAKE, "threshold": None}
    list(spark_job.process_warc(warcs[0], settings))
    first = spark_job.get_detector(None, FAKE)
    list(spark_job.process_warc(warcs[1], settings))
    assert spark_job.get_detector(None, FAKE) is first
    assert spark_job.get_detector(None, "crawl.testing:load_other_fake") is not first   # another model: reload


def test_a_missing_warc_on_the_executor_is_an_error_row_not_a_crash(tmp_path: Path) -> None:
    settings = {"model_dir": None, "detector": FAKE, "threshold": None}
    (row,) = list(spark_job.process_warc(str(tmp_path / "gone.warc.gz"), settings))
    assert row["error"]["code"] == "unreadable_input" and row["record_id"].endswith("gone.warc.gz")


def test_paths_file_parsing_and_driver_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert spark_job.read_paths(["a.warc.gz\n", "  \n", "# note\n", " b.warc \n"]) == ["a.warc.gz", "b.warc"]
    assert spark_job.main([str(tmp_path / "none.txt"), str(tmp_path / "out")]) == 2
    assert "paths file not found" in capsys.readouterr().err
    paths = tmp_path / "paths.txt"
    paths.write_text("x.warc.gz\n")
    assert spark_job.main([str(paths), str(tmp_path / "out"), "--detector", "crawl.testing:load_broken"]) == 3
    assert "model failed to load" in capsys.readouterr().err


def test_code_zip_ships_sources_but_not_artifacts(tmp_path: Path) -> None:
    with zipfile.ZipFile(spark_job.build_code_zip(str(tmp_path))) as zf:
        names = zf.namelist()
    assert "crawl/spark_job.py" in names and "crawl/inputs.py" in names and "model/detector.py" in names
    assert not [n for n in names if not n.endswith(".py")]


def spark_available() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (make spark installs requirements-spark.txt)"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime for Spark"
    return None


@pytest.mark.slow
@pytest.mark.skipif(spark_available() is not None, reason=str(spark_available()))
def test_spark_submit_local2_gives_the_local_filters_verdicts(tmp_path: Path) -> None:
    warcs = make_warcs(tmp_path)
    paths = tmp_path / "paths.txt"
    paths.write_text("# nightly crawl\n" + "\n".join(warcs) + "\n")
    spark_submit = Path(sys.executable).parent / "spark-submit"
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable,
           "SPARK_LOCAL_IP": "127.0.0.1"}
    out = tmp_path / "spark"
    done = subprocess.run(
        [str(spark_submit), "--master", "local[2]", "--conf", "spark.ui.enabled=false",
         str(REPO / "crawl" / "spark_job.py"), str(paths), str(out), "--format", "json", "--detector", FAKE],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "unspun spark: 3 WARC files" in done.stdout + done.stderr   # spark-submit relays the driver's stderr
    spark_rows = [json.loads(line) for part in sorted(out.glob("part-*.json")) for line in part.read_text().splitlines()]
    expected = local_rows(warcs, tmp_path / "local")
    key = lambda r: (r["input"], r["record_id"])  # noqa: E731 - Spark writes part files in no fixed order
    normalise = lambda r: {k: v for k, v in r.items() if v is not None}  # noqa: E731 - JSON omits nulls
    assert sorted(map(normalise, spark_rows), key=key) == sorted(map(normalise, expected), key=key)
    assert len(spark_rows) == len(expected) == 8 + 5 + 5
