"""Load test: `make serve`-equivalent gunicorn on loopback, N page requests from C concurrent clients.

    .venv/bin/python -m bench.load_test [--requests 2000] [--concurrency 16] [--workers W] [--fake | --model-dir DIR]

Pages come from ../shared/corpus (or $UNSPUN_SHARED/corpus) when present, else are generated. Prints a
README-ready Markdown table: requests/s, p50/p90/p99/max latency, errors, and the peak memory of the
gunicorn process tree (sum of RSS, which double-counts shared pages, and PSS, which does not).
Exits 1 on any error. Talks only to 127.0.0.1. `--fake` serves the fake detector on a tiny artifact
(measures the HTTP layer alone, and works before a model is trained).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from service.testing import GunicornServer, child_pids, write_tiny_artifact  # noqa: E402


def shared_dir() -> Path:
    return Path(os.environ.get("UNSPUN_SHARED") or REPO.parent / "shared")


def corpus_pages(limit: int, seed: int) -> list[bytes]:
    """Up to `limit` real pages from the shared corpus (skipping synthetic fixtures), or [] without it."""
    corpus = shared_dir() / "corpus"
    manifest = corpus / "manifest.jsonl.gz"
    if not manifest.exists():
        return []
    with gzip.open(manifest, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    rows = [r for r in rows if not r.get("synthetic_fixture")]
    random.Random(seed).shuffle(rows)
    pages: list[bytes] = []
    for row in rows:
        path = corpus / "pages" / row["path"]
        try:
            data = path.read_bytes()
            pages.append(gzip.decompress(data) if path.suffix == ".gz" else data)
        except (OSError, EOFError, gzip.BadGzipFile):
            continue
        if len(pages) >= limit:
            break
    return pages


def generated_pages(count: int, seed: int) -> list[bytes]:
    """Article-like pages of varied length, some with a trailing link block."""
    rng = random.Random(seed)
    words = ("council budget school river market minister report city energy price water road "
             "library festival hospital vote court team season weather").split()
    pages = []
    for i in range(count):
        paragraphs = "".join(
            "<p>" + " ".join(rng.choice(words) for _ in range(rng.randint(20, 80))) + ".</p>"
            for _ in range(rng.randint(3, 30)))
        tail = ("<aside><h3>More Stories</h3>" + "".join(f"<a href='/s{j}'>Story {j}</a>" for j in range(5))
                + "</aside>") if i % 3 == 0 else ""
        pages.append(f"<html><head><title>Page {i}</title></head><body><article><h1>Title {i}</h1>"
                     f"{paragraphs}</article>{tail}<footer>Copyright 2020</footer></body></html>".encode())
    return pages


def tree_memory(root: int) -> tuple[int, int]:
    """(sum of RSS, sum of PSS) in bytes over `root` and all its descendants."""
    pids, frontier = {root}, [root]
    while frontier:
        kids = child_pids(frontier.pop())
        frontier.extend(kids - pids)
        pids |= kids
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
        except OSError:
            continue
    return rss, pss


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("UNSPUN_WORKERS", 0)) or None)
    parser.add_argument("--pages", type=int, default=300, help="distinct pages to cycle through")
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--fake", action="store_true", help="fake detector: measure the HTTP layer alone")
    parser.add_argument("--model-dir", type=Path, default=None, help="serve this model dir (UNSPUN_MODEL_DIR)")
    parser.add_argument("--timeout", type=float, default=120.0, help="per-request client timeout (s)")
    args = parser.parse_args(argv)
    workers = args.workers or 2 * (os.cpu_count() or 1)

    pages = corpus_pages(args.pages, args.seed)
    source = f"{len(pages)} corpus pages" if pages else ""
    if not pages:
        pages = generated_pages(args.pages, args.seed)
        source = f"{len(pages)} generated pages"
    page_bytes = sorted(len(p) for p in pages)

    with tempfile.TemporaryDirectory(prefix="unspun-load-") as tmp:
        env: dict[str, str] = {"UNSPUN_LOG_LEVEL": "WARNING"}
        app = "service.app:create_app()"
        if args.model_dir:
            env["UNSPUN_MODEL_DIR"] = str(args.model_dir.resolve())
        if args.fake:
            write_tiny_artifact(Path(tmp) / "model", "fake")
            env["UNSPUN_MODEL_DIR"] = str(Path(tmp) / "model")
            app = "service.testing:create_fake_app()"
        log_path = Path(tmp) / "gunicorn.log"
        server = GunicornServer(app, env=env, workers=workers, log_path=log_path)
        try:
            server.start(timeout=180)
        except RuntimeError as exc:
            print(f"could not start gunicorn: {exc}", file=sys.stderr)
            return 1
        try:
            deadline = time.monotonic() + 180
            while server.request("GET", "/readyz")[0] != 200:
                if time.monotonic() > deadline:
                    print("the service never became ready", file=sys.stderr)
                    return 1
                time.sleep(0.5)
            for page in pages[:10]:  # warm-up, not measured
                server.request("POST", "/score", page, {"Content-Type": "text/html"}, timeout=args.timeout)

            peak = [0, 0]
            stop = threading.Event()

            def sample_memory() -> None:
                while not stop.is_set():
                    rss, pss = tree_memory(server.pid)
                    peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
                    stop.wait(0.2)

            sampler = threading.Thread(target=sample_memory, daemon=True)
            sampler.start()
            errors: list[str] = []
            latencies: list[float] = []
            lock = threading.Lock()

            def one(i: int) -> None:
                page = pages[i % len(pages)]
                started = time.perf_counter()
                try:
                    status, _h, body = server.request("POST", "/score", page, {"Content-Type": "text/html"},
                                                      timeout=args.timeout)
                    ok = status == 200
                    detail = f"HTTP {status}: {body[:200]!r}"
                except OSError as exc:
                    ok, detail = False, f"{type(exc).__name__}: {exc}"
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if not ok:
                        errors.append(detail)

            began = time.perf_counter()
            with ThreadPoolExecutor(args.concurrency) as pool:
                list(pool.map(one, range(args.requests)))
            wall = time.perf_counter() - began
            stop.set()
            sampler.join(2)
        finally:
            server.stop()

    latencies.sort()
    ms = [x * 1000 for x in latencies]
    rows = [
        ("detector", "fake (HTTP layer only)" if args.fake else str(args.model_dir or "bundled model")),
        ("pages", f"{source}, median {statistics.median(page_bytes) / 1024:.0f} KiB, max {page_bytes[-1] / 1024:.0f} KiB"),
        ("requests / concurrency / workers", f"{args.requests} / {args.concurrency} / {workers}"),
        ("throughput", f"{args.requests / wall:.1f} requests/s"),
        ("latency p50 / p90 / p99 / max", f"{percentile(ms, .5):.0f} / {percentile(ms, .9):.0f} / "
                                          f"{percentile(ms, .99):.0f} / {ms[-1]:.0f} ms"),
        ("errors", str(len(errors))),
        ("peak memory of the gunicorn tree", f"RSS {peak[0] / 2**20:.0f} MiB (sum), PSS {peak[1] / 2**20:.0f} MiB"),
        ("machine", f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"),
    ]
    print("| load test | result |\n|---|---|")
    for key, value in rows:
        print(f"| {key} | {value} |")
    for detail in errors[:5]:
        print(f"error: {detail}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
