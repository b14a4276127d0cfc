"""unspun on Spark: score every HTML page of a list of WARC files (cc-pyspark style).

    spark-submit --master local[2] crawl/spark_job.py PATHS.txt OUT_DIR --format parquet|json

PATHS.txt lists one WARC / WARC.gz path per line (blank lines and `#` comments ignored); each path
must be readable by the executors (local disk in local mode; a shared file system on a cluster).
Each file is one task (`process_warc`); every record goes through the local filter's own reader
(`crawl.inputs.read_warc`: same payload decoding, Content-Type and truncation handling) and then
`process_record`, which scores pages with `crawl.scoring.score_page`, so the rows equal
`python -m crawl filter` on the same WARCs. The detector is loaded once per
executor Python process (a lazy module-level singleton; PySpark reuses its workers).

Rows: url, record_id, input, verdict, score, signals (fired signal names), error {code, message}.
JSON output omits null fields, so a line has either verdict/score/signals or error, as locally.

Exit codes: 0 ok; 1 pages errored and --fail-on-error; 2 usage (paths file missing or empty,
output exists without --overwrite); 3 the model failed to load on the driver.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

if __package__ in (None, ""):  # run as a script by spark-submit: make the repo importable, then re-enter
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REPO = Path(__file__).resolve().parents[1]
SHIPPED_PACKAGES = ("crawl", "model")

_DETECTOR: Any = None
_DETECTOR_KEY: tuple[str | None, str | None] | None = None


def get_detector(model_dir: str | None, factory: str | None) -> Any:
    """The executor's detector, loaded on first use and kept for every later task in the process."""
    global _DETECTOR, _DETECTOR_KEY
    if _DETECTOR is None or _DETECTOR_KEY != (model_dir, factory):
        from crawl.scoring import load_detector

        _DETECTOR = load_detector(model_dir, factory)
        _DETECTOR_KEY = (model_dir, factory)
    return _DETECTOR


def process_record(item: Any, detector: Any, threshold: float | None) -> tuple[dict | None, str | None]:
    """One WARC record, as the shared reader turned it into a Page or a Skip -> (row, None) for a
    page, (None, skip reason) for a record that is not a page."""
    from crawl.inputs import Page
    from crawl.scoring import score_page

    if not isinstance(item, Page):
        return None, item.reason
    return score_page(detector, item, threshold), None


def _local_path(path: str) -> str:
    return path[len("file://"):] if path.startswith("file://") else path


def process_warc(path: str, settings: dict[str, Any], skipped: Any = None) -> Iterator[dict]:
    """Rows for every page of one WARC file, in file order (the same reader as the local filter,
    so a truncated file ends with one `unreadable_input` error row)."""
    from crawl.inputs import read_warc

    detector = get_detector(settings["model_dir"], settings["detector"])
    local = _local_path(path)
    if not os.path.isfile(local):
        yield {"url": None, "record_id": path, "input": path,
               "error": {"code": "unreadable_input", "message": f"no such file on the executor: {path}"}}
        return
    for item in read_warc(local):
        row, _skip_reason = process_record(item, detector, settings["threshold"])
        if row is None:
            if skipped is not None:
                skipped.add(1)
            continue
        yield row


def _rows(partition: Iterable[str], settings: dict[str, Any], counters: dict[str, Any]) -> Iterator[tuple]:
    for path in partition:
        for row in process_warc(path, settings, counters["skipped"]):
            counters["pages"].add(1)
            err = row.get("error")
            if err:
                counters["errors"].add(1)
            else:
                counters[row["verdict"]].add(1)
            yield (row.get("url"), row["record_id"], row["input"], row.get("verdict"), row.get("score"),
                   row.get("signals"), (err["code"], err["message"]) if err else None)


def build_code_zip(folder: str) -> str:
    """Zip the `crawl` and `model` packages (sources only, no artifacts) for sc.addPyFile."""
    out = os.path.join(folder, "unspun_code.zip")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for package in SHIPPED_PACKAGES:
            for file in sorted((REPO / package).rglob("*.py")):
                if "__pycache__" not in file.parts:
                    zf.write(file, file.relative_to(REPO).as_posix())
    return out


def read_paths(text_lines: Iterable[str]) -> list[str]:
    """Paths from the list file: stripped, without blank lines and `#` comments, order kept."""
    return [line.strip() for line in text_lines if line.strip() and not line.strip().startswith("#")]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="spark-submit crawl/spark_job.py", description=__doc__.split("\n\n")[0])
    p.add_argument("paths", help="text file with one WARC path per line")
    p.add_argument("out", help="output folder (Spark writes part files into it)")
    p.add_argument("--format", choices=("parquet", "json"), default="parquet")
    p.add_argument("--model", default=None, metavar="DIR", help="model folder readable on the executors")
    p.add_argument("--detector", default=None, metavar="MODULE:CALLABLE", help="detector factory (tests)")
    p.add_argument("--threshold", type=float, default=None)
    p.add_argument("--overwrite", action="store_true", help="replace an existing output folder")
    p.add_argument("--no-driver-check", action="store_true",
                   help="do not load the model on the driver first (when --model exists only on executors)")
    p.add_argument("--no-ship-code", action="store_true",
                   help="do not addPyFile the crawl/model packages (they are installed on the executors)")
    p.add_argument("--fail-on-error", action="store_true", help="exit 1 if any page could not be scored")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the job; returns the exit code."""
    args = build_parser().parse_args(argv)
    from crawl.scoring import ModelLoadError, load_detector, model_identity

    if not args.paths.startswith(("hdfs:", "s3:", "s3a:", "gs:")) and not os.path.isfile(_local_path(args.paths)):
        print(f"unspun spark: paths file not found: {args.paths}", file=sys.stderr)
        return 2
    identity = None
    if not args.no_driver_check:
        try:
            identity = model_identity(load_detector(args.model, args.detector))
        except ModelLoadError as exc:
            print(f"unspun spark: the model failed to load: {exc}", file=sys.stderr)
            return 3

    from pyspark.sql import SparkSession
    from pyspark.sql.types import ArrayType, DoubleType, StringType, StructField, StructType

    spark = SparkSession.builder.appName("unspun-filter").getOrCreate()
    sc = spark.sparkContext
    try:
        paths = read_paths(sc.textFile(args.paths).collect())
        if not paths:
            print(f"unspun spark: no WARC paths in {args.paths}", file=sys.stderr)
            return 2
        if not args.no_ship_code:
            sc.addPyFile(build_code_zip(tempfile.mkdtemp(prefix="unspun-spark-")))
        settings = {"model_dir": str(Path(args.model).resolve()) if args.model and os.path.isdir(args.model)
                    else args.model, "detector": args.detector, "threshold": args.threshold}
        counters = {k: sc.accumulator(0) for k in ("pages", "spam", "ham", "errors", "skipped")}
        schema = StructType([
            StructField("url", StringType()), StructField("record_id", StringType()),
            StructField("input", StringType()), StructField("verdict", StringType()),
            StructField("score", DoubleType()), StructField("signals", ArrayType(StringType())),
            StructField("error", StructType([StructField("code", StringType()), StructField("message", StringType())])),
        ])
        rdd = sc.parallelize(paths, len(paths)).mapPartitions(lambda part: _rows(part, settings, counters))
        writer = spark.createDataFrame(rdd, schema).write.mode("overwrite" if args.overwrite else "errorifexists")
        try:
            (writer.parquet if args.format == "parquet" else writer.json)(args.out)
        except Exception as exc:
            if "already exists" in str(exc):
                print(f"unspun spark: {args.out} exists; pass --overwrite to replace it", file=sys.stderr)
                return 2
            raise
        c = {k: v.value for k, v in counters.items()}
        print(f"unspun spark: {len(paths)} WARC files, {c['pages']:,} pages: {c['spam']:,} spam, {c['ham']:,} ham, "
              f"{c['errors']:,} errors; skipped {c['skipped']:,} non-page records (not pages); "
              f"model {identity or 'unchecked on the driver'}; output {args.out} ({args.format})",
              file=sys.stderr)
        return 1 if args.fail_on_error and c["errors"] else 0
    finally:
        spark.stop()


if __name__ == "__main__":
    from crawl.spark_job import main as _main  # closures must reference the importable module, not __main__

    sys.exit(_main())
