"""Throughput of unspun on real corpus pages: `python -m bench.throughput [--pages N] [--json]`.

Measures, on the same N pages of ../shared/corpus (synthetic fixtures left out), in one run:
  (a) the detector end to end (bytes -> verdict), single process: pages/s per core;
  (b) trafilatura.extract, single process: the reference for "a fast extractor";
  (c) `crawl filter` over a WARC of those pages with all cores (reading, scoring, writing), wall
      clock and after start-up (model loading in the main process and the workers, timed as a
      run over one page per worker), since a nightly run amortises start-up over millions of pages.
and prints the ratios the issues set as targets (per-core unspun / trafilatura >= 10x, issue #2:
>= 200 pages/s per core end to end) plus peak RSS. Ratios, not absolute timings, are the targets:
the machine is shared. Skips cleanly (exit 0, a message) when ../shared is absent.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

REPO = Path(__file__).resolve().parents[1]
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # "per core": one native thread, as in crawl filter's workers
GOAL_RATIO = 10.0
GOAL_PER_CORE = 200.0


def shared_dir() -> Path:
    """../shared beside the repo, or $UNSPUN_SHARED."""
    return Path(os.environ.get("UNSPUN_SHARED") or REPO.parent / "shared")


def load_pages(shared: Path, n: int, seed: int = 1337) -> list[tuple[str, bytes]]:
    """`n` corpus pages (path, raw HTML bytes), a seeded sample across all sources, synthetic
    fixtures excluded. Fewer if the corpus is smaller."""
    corpus = shared / "corpus"
    with gzip.open(corpus / "manifest.jsonl.gz", "rt", encoding="utf-8") as fh:
        entries = [json.loads(line) for line in fh if line.strip()]
    entries = [e for e in entries if not e.get("synthetic_fixture") and e.get("path")]
    entries.sort(key=lambda e: e["path"])
    picked = random.Random(seed).sample(entries, min(n, len(entries)))
    pages = []
    for entry in picked:
        data = (corpus / "pages" / entry["path"]).read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        pages.append((entry["path"], data))
    return pages


def _rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def bench_detector(detector: Any, pages: list[tuple[str, bytes]]) -> dict[str, Any]:
    """(a) detector.score over every page, one process."""
    for _, body in pages[:3]:  # warm caches (first-call imports, regex compilation)
        try:
            detector.score(body)
        except Exception:
            pass
    errors = 0
    start = time.perf_counter()
    for path, body in pages:
        try:
            detector.score(body, url=f"http://corpus.invalid/{path}", content_type="text/html")
        except Exception:
            errors += 1
    seconds = time.perf_counter() - start
    return {"pages": len(pages), "seconds": round(seconds, 3), "pages_per_s": round(_rate(len(pages), seconds), 1),
            "errors": errors}


def bench_trafilatura(pages: list[tuple[str, bytes]]) -> dict[str, Any]:
    """(b) trafilatura.extract over every page, one process."""
    import trafilatura

    for _, body in pages[:3]:
        trafilatura.extract(body)
    start = time.perf_counter()
    for _, body in pages:
        trafilatura.extract(body)
    seconds = time.perf_counter() - start
    return {"pages": len(pages), "seconds": round(seconds, 3), "pages_per_s": round(_rate(len(pages), seconds), 1)}


def write_warc(pages: list[tuple[str, bytes]], path: Path) -> None:
    """The pages as HTTP responses in one WARC.gz, as a nightly crawl would hand them over."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for name, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"http://corpus.invalid/{name}", "response",
                                                          payload=io.BytesIO(body), length=len(body),
                                                          http_headers=headers))


def bench_filter(pages: list[tuple[str, bytes]], workers: int, model_dir: str | None,
                 detector: str | None) -> dict[str, Any]:
    """(c) `crawl filter` on all cores, wall clock from start to the assembled verdicts file
    (includes starting the workers and loading the model in each)."""
    from crawl.runner import FilterConfig, run_filter

    with tempfile.TemporaryDirectory(prefix="unspun-bench-") as tmp:
        warc = Path(tmp) / "pages.warc.gz"
        write_warc(pages, warc)
        tiny = Path(tmp) / "tiny.warc.gz"
        write_warc(pages[:workers], tiny)
        shard = max(1, len(pages) // (4 * workers))

        def timed(inputs: list[str], out: str, shard_size: int) -> tuple[dict[str, Any], float]:
            start = time.perf_counter()
            summary = run_filter(FilterConfig(inputs=inputs, out=str(Path(tmp) / out), workers=workers,
                                              shard_size=shard_size, model_dir=model_dir, detector=detector,
                                              progress="none"))
            return summary, time.perf_counter() - start

        # Start-up: the same run over one page per worker (every worker starts and loads the model).
        _, startup = timed([str(tiny)], "startup", 1)
        summary, seconds = timed([str(warc)], "out", shard)
    steady = max(seconds - startup, 1e-9)
    return {"pages": summary["pages"], "workers": workers, "seconds": round(seconds, 3),
            "pages_per_s": round(_rate(summary["pages"], seconds), 1), "startup_s": round(startup, 3),
            "pages_per_s_after_startup": round(_rate(summary["pages"], steady), 1),
            "errors": summary["errors"], "spam": summary["spam"]}


def peak_rss_mb() -> dict[str, float]:
    """Peak resident memory of this process and of the largest finished child (a filter worker)."""
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"main_mb": round(self_kb / 1024, 1), "largest_worker_mb": round(child_kb / 1024, 1)}


def run(pages_wanted: int, workers: int, model_dir: str | None, detector_spec: str | None,
        skip_filter: bool = False) -> dict[str, Any]:
    """All three measurements and the ratios; {"skipped": reason} when the corpus is absent."""
    shared = shared_dir()
    if not (shared / "corpus" / "manifest.jsonl.gz").exists():
        return {"skipped": f"no corpus at {shared}/corpus (set UNSPUN_SHARED to the shared data folder)"}
    from crawl.scoring import load_detector, model_identity

    pages = load_pages(shared, pages_wanted)
    detector = load_detector(model_dir, detector_spec)
    result: dict[str, Any] = {"pages": len(pages), "mean_page_kb": round(sum(len(b) for _, b in pages)
                                                                        / max(1, len(pages)) / 1024, 1),
                              "model": model_identity(detector), "cores": os.cpu_count()}
    result["unspun_single"] = bench_detector(detector, pages)
    result["trafilatura_single"] = bench_trafilatura(pages)
    if not skip_filter:
        result["crawl_filter"] = bench_filter(pages, workers, model_dir, detector_spec)
    per_core = result["unspun_single"]["pages_per_s"]
    result["ratio_unspun_per_core_vs_trafilatura"] = round(per_core / result["trafilatura_single"]["pages_per_s"], 2)
    result["goals"] = {
        "ratio_vs_trafilatura": {"goal": GOAL_RATIO, "met": result["ratio_unspun_per_core_vs_trafilatura"] >= GOAL_RATIO},
        "pages_per_s_per_core": {"goal": GOAL_PER_CORE, "met": per_core >= GOAL_PER_CORE},
    }
    if not skip_filter:
        result["crawl_filter"]["scaling_vs_single"] = round(
            result["crawl_filter"]["pages_per_s_after_startup"] / per_core, 2)
    result["peak_rss"] = peak_rss_mb()
    return result


def report(result: dict[str, Any]) -> str:
    """Human-readable lines."""
    if "skipped" in result:
        return f"bench.throughput skipped: {result['skipped']}"
    a, b = result["unspun_single"], result["trafilatura_single"]
    ok = lambda met: "ok" if met else "BELOW GOAL"  # noqa: E731
    lines = [
        f"{result['pages']} corpus pages (mean {result['mean_page_kb']} KB), model {result['model']['version']} "
        f"{result['model']['sha256'][:12]}, {result['cores']} cores",
        f"(a) unspun, 1 process:        {a['pages_per_s']:>8.1f} pages/s  ({a['seconds']} s, {a['errors']} errors)",
        f"(b) trafilatura, 1 process:   {b['pages_per_s']:>8.1f} pages/s  ({b['seconds']} s)",
    ]
    if "crawl_filter" in result:
        c = result["crawl_filter"]
        lines.append(f"(c) crawl filter, {c['workers']} workers:  {c['pages_per_s']:>8.1f} pages/s  ({c['seconds']} s "
                     f"wall incl. {c['startup_s']} s start-up; {c['pages_per_s_after_startup']} pages/s after it, "
                     f"{c['scaling_vs_single']}x one process)")
    g = result["goals"]
    lines += [
        f"unspun per core / trafilatura = {result['ratio_unspun_per_core_vs_trafilatura']}x "
        f"(goal >= {GOAL_RATIO:g}x: {ok(g['ratio_vs_trafilatura']['met'])})",
        f"unspun per core = {a['pages_per_s']} pages/s (issue #2 goal >= {GOAL_PER_CORE:g}: "
        f"{ok(g['pages_per_s_per_core']['met'])})",
        f"peak RSS: main {result['peak_rss']['main_mb']} MB, largest worker {result['peak_rss']['largest_worker_mb']} MB",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__.split("\n\n")[0])
    p.add_argument("--pages", type=int, default=300, help="corpus pages to time (default %(default)s)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="workers for (c) (default all cores)")
    p.add_argument("--model", default=None, metavar="DIR", help="model folder (default the bundled model)")
    p.add_argument("--detector", default=None, metavar="MODULE:CALLABLE", help="detector factory")
    p.add_argument("--fake", action="store_true", help="use the fake detector (crawl.testing) to time the machinery")
    p.add_argument("--no-filter", action="store_true", help="skip (c)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument("--check", action="store_true", help="exit 1 if a goal is not met")
    args = p.parse_args(argv)
    from crawl.scoring import ModelLoadError

    try:
        result = run(args.pages, args.workers, args.model, "crawl.testing:load_fake" if args.fake else args.detector,
                     skip_filter=args.no_filter)
    except ModelLoadError as exc:
        print(f"bench.throughput: the model failed to load ({exc}); train it first or pass --fake", file=sys.stderr)
        return 3
    print(json.dumps(result, indent=2, sort_keys=True) if args.json else report(result))
    if args.check and "goals" in result and not all(g["met"] for g in result["goals"].values()):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
