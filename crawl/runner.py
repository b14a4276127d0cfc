"""The local batch filter: inputs -> deterministic shards -> worker processes -> one verdict line
per page, resumable after a kill.

Sharding: inputs are read in command-line order; each input's records are cut, in file order, into
shards of `shard_size` pages (non-page records are counted in the shard they fall in). A shard is
named by (input index, shard index), so the same inputs and arguments always make the same shards,
and the output is the shards' lines concatenated in that order, whatever the number of workers.

The main process reads the inputs and dispatches shards (a bounded number in flight); each worker
loads the detector once (pool initializer), scores a shard and persists it with `write_shard`.
"""
from __future__ import annotations

import concurrent.futures as cf
import ctypes
import json
import logging
import multiprocessing
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from crawl.inputs import Cursor, InputSpec, Page, Skip, read_input, resolve_input
from crawl.progress import Progress
from crawl.scoring import ModelLoadError, load_detector, model_identity, score_page
from crawl.state import RunState, atomic_write, write_shard
from crawl.warcout import warc_member

log = logging.getLogger("unspun.crawl")

DEFAULT_SHARD_SIZE = 500


class RunAborted(Exception):
    """A worker died or a shard could not be written; rerun with the same arguments to resume (exit 4)."""


@dataclass
class FilterConfig:
    """Everything `crawl filter` needs; the fields marked in `manifest_settings` fix the output."""

    inputs: list[str]
    out: str
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    shard_size: int = DEFAULT_SHARD_SIZE
    gzip: bool = False
    keep_warc: str | None = None
    drop_warc: str | None = None
    model_dir: str | None = None
    detector: str | None = None          # module:callable factory; default model.Detector.load
    threshold: float | None = None
    restart: bool = False
    progress: str = "auto"               # auto | bar | log | none
    log_interval: float = 30.0

    def verdicts_path(self) -> Path:
        return Path(self.out) / ("verdicts.jsonl.gz" if self.gzip else "verdicts.jsonl")

    def manifest_settings(self) -> dict[str, Any]:
        return {
            "shard_size": self.shard_size,
            "threshold": self.threshold,
            "gzip": self.gzip,
            "keep_warc": str(Path(self.keep_warc).resolve()) if self.keep_warc else None,
            "drop_warc": str(Path(self.drop_warc).resolve()) if self.drop_warc else None,
            "output": str(self.verdicts_path().resolve()),
        }


@dataclass
class Shard:
    """A run of consecutive records of one input."""

    input_index: int
    shard_index: int
    pages: list[Page]
    skipped: dict[str, int]


def iter_shards(spec: InputSpec, input_index: int, shard_size: int, *, with_raw: bool = False,
                cursor: Cursor | None = None) -> Iterator[Shard]:
    """Cut one input into shards of `shard_size` pages, in file order. Every input yields at least
    one shard (possibly empty) so that "this input is done" is recorded like any other shard."""
    k = 0
    pages: list[Page] = []
    skipped: Counter[str] = Counter()
    for item in read_input(spec, with_raw=with_raw, cursor=cursor):
        if isinstance(item, Skip):
            skipped[item.reason] += 1
            continue
        pages.append(item)
        if len(pages) >= shard_size:
            yield Shard(input_index, k, pages, dict(skipped))
            k += 1
            pages, skipped = [], Counter()
    if pages or skipped or k == 0:
        yield Shard(input_index, k, pages, dict(skipped))


def process_shard(detector: Any, shard: Shard, state_dir: str, *, threshold: float | None,
                  keep_warc: bool, drop_warc: bool) -> dict[str, Any]:
    """Score a shard and persist it (parts, then marker). Returns its counts."""
    lines = []
    kept: list[bytes] | None = [] if keep_warc else None
    dropped: list[bytes] | None = [] if drop_warc else None
    counts: dict[str, Any] = {"pages": 0, "spam": 0, "ham": 0, "errors": 0, "skipped": shard.skipped}
    for page in shard.pages:
        row = score_page(detector, page, threshold)
        lines.append(json.dumps(row, ensure_ascii=False, separators=(", ", ": ")).encode("utf-8") + b"\n")
        counts["pages"] += 1
        if "error" in row:
            counts["errors"] += 1
        else:
            counts[row["verdict"]] += 1
        target = dropped if row.get("verdict") == "spam" else kept   # errors are kept: never drop the unjudged
        if target is not None:
            target.append(warc_member(page))
    write_shard(state_dir, shard.input_index, shard.shard_index, b"".join(lines),
                b"".join(kept) if kept is not None else None,
                b"".join(dropped) if dropped is not None else None, counts)
    return counts


# ---------------------------------------------------------------- worker processes

_WORKER: dict[str, Any] = {}


def _die_with_parent(parent_pid: int) -> None:
    """Linux: SIGKILL this worker when the filter process dies, so no orphan keeps writing after a
    kill. A worker whose parent died before this call (a spawn still starting up) exits at once."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent_pid:
        os._exit(1)


def _init_worker(parent_pid: int, model_dir: str | None, factory: str | None, settings: dict[str, Any]) -> None:
    """Pool initializer: load the detector once per worker process (with one native thread)."""
    _die_with_parent(parent_pid)
    _WORKER.clear()
    _WORKER.update(settings)
    try:
        _WORKER["detector"] = load_detector(model_dir, factory)
    except ModelLoadError as exc:
        _WORKER["load_error"] = str(exc)


def _worker_shard(shard: Shard) -> dict[str, Any]:
    if "load_error" in _WORKER:
        raise ModelLoadError(_WORKER["load_error"])
    return process_shard(_WORKER["detector"], shard, _WORKER["state_dir"], threshold=_WORKER["threshold"],
                         keep_warc=_WORKER["keep_warc"], drop_warc=_WORKER["drop_warc"])


# ---------------------------------------------------------------- the run

def run_filter(cfg: FilterConfig) -> dict[str, Any]:
    """Run (or resume) a filter job and return its summary.

    Raises InputUsageError (bad inputs), ModelLoadError, StateMismatch, StateBusy, RunAborted."""
    specs = [resolve_input(p) for p in cfg.inputs]
    if cfg.shard_size < 1 or cfg.workers < 1:
        raise ValueError("--shard-size and --workers must be at least 1")
    detector = load_detector(cfg.model_dir, cfg.detector)
    manifest = {
        "inputs": [s.manifest_entry() for s in specs],
        "model": model_identity(detector),
        "settings": cfg.manifest_settings(),
    }
    out = Path(cfg.out)
    state = RunState.open(out, manifest, restart=cfg.restart)
    try:
        return _run(cfg, specs, detector, state)
    finally:
        state.close()


def _run(cfg: FilterConfig, specs: list[InputSpec], detector: Any, state: RunState) -> dict[str, Any]:
    verdicts = cfg.verdicts_path()
    kept = Path(cfg.keep_warc) if cfg.keep_warc else None
    dropped = Path(cfg.drop_warc) if cfg.drop_warc else None
    if state.is_finished():
        if verdicts.exists() and (kept is None or kept.exists()) and (dropped is None or dropped.exists()):
            summary = state.finished_summary()
            summary["already_complete"] = True
            log.info("unspun filter: %s is already complete for these inputs and model; nothing to do", cfg.out)
            return summary
        log.warning("unspun filter: %s was finished but its outputs are gone; running again", cfg.out)
        state.wipe()
        for sub in ("parts", "shards", "inputs"):
            (state.dir / sub).mkdir(exist_ok=True)
        atomic_write(state.dir / "manifest.json", json.dumps(state.manifest, indent=2, sort_keys=True).encode())

    start = time.monotonic()
    progress = Progress(sum(s.size for s in specs), mode=cfg.progress, interval=cfg.log_interval)
    settings = {"state_dir": str(state.dir), "threshold": cfg.threshold,
                "keep_warc": kept is not None, "drop_warc": dropped is not None}
    with_raw = kept is not None or dropped is not None
    resumed = dispatched = 0
    bytes_before = 0
    scored = Counter()

    def account(counts: dict[str, Any], bytes_read: int) -> None:
        scored.update({k: counts[k] for k in ("pages", "spam", "ham", "errors")})
        progress.update(pages=counts["pages"], spam=counts["spam"], errors=counts["errors"], bytes_read=bytes_read)

    executor: cf.ProcessPoolExecutor | None = None
    if cfg.workers > 1:
        del detector  # each worker loads its own; the main process only checked that it loads
        detector = None
        executor = cf.ProcessPoolExecutor(
            max_workers=cfg.workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker, initargs=(os.getpid(), cfg.model_dir, cfg.detector, settings))
    pending: set[cf.Future] = set()
    max_in_flight = 2 * cfg.workers

    def drain(block_until: int, bytes_read: int) -> None:
        nonlocal pending
        while len(pending) > block_until:
            done, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for fut in done:
                try:
                    account(fut.result(), bytes_read)
                except ModelLoadError:
                    raise
                except cf.process.BrokenProcessPool as exc:
                    raise RunAborted(f"a worker process died ({exc}); rerun with the same arguments to resume") from exc
                except OSError as exc:
                    raise RunAborted(f"could not write a shard: {exc}; rerun with the same arguments to resume") from exc

    try:
        for i, spec in enumerate(specs):
            if state.input_complete(i):
                resumed += state.input_shards(i) or 0
                bytes_before += spec.size
                progress.update(bytes_read=bytes_before)
                continue
            cursor = Cursor()
            n = 0
            for shard in iter_shards(spec, i, cfg.shard_size, with_raw=with_raw, cursor=cursor):
                n += 1
                position = bytes_before + cursor.pos
                if state.shard_done(i, shard.shard_index):
                    resumed += 1
                    progress.update(bytes_read=position)
                    continue
                dispatched += 1
                if executor is None:
                    try:
                        counts = process_shard(detector, shard, settings["state_dir"], threshold=cfg.threshold,
                                               keep_warc=settings["keep_warc"], drop_warc=settings["drop_warc"])
                    except OSError as exc:
                        raise RunAborted(f"could not write a shard: {exc}") from exc
                    account(counts, position)
                else:
                    pending.add(executor.submit(_worker_shard, shard))
                    drain(max_in_flight - 1, position)
            state.mark_input_read(i, n)
            bytes_before += spec.size
        drain(0, bytes_before)
    except BaseException:
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
            executor = None
        raise
    finally:
        if executor is not None:
            executor.shutdown(wait=True)
        progress.close()

    if not state.all_complete(len(specs)):  # pragma: no cover - every shard was written or raised
        raise RunAborted("some shards are missing after the run; rerun with the same arguments")
    state.assemble(len(specs), verdicts, gzip_out=cfg.gzip, kept_path=kept, dropped_path=dropped)
    elapsed = time.monotonic() - start
    totals = state.totals(len(specs))
    summary = {
        **totals,
        "shards": dispatched + resumed,
        "shards_resumed": resumed,
        "pages_scored_this_run": scored["pages"],
        "elapsed_s": round(elapsed, 3),
        "pages_per_s": round(scored["pages"] / elapsed, 2) if elapsed > 0 else 0.0,
        "workers": cfg.workers,
        "output": str(verdicts),
        "kept_warc": str(kept) if kept else None,
        "dropped_warc": str(dropped) if dropped else None,
        "model": state.manifest["model"],
        "already_complete": False,
    }
    atomic_write(Path(cfg.out) / "summary.json", json.dumps(summary, indent=2, sort_keys=True).encode())
    state.finish(summary)
    return summary


def format_summary(summary: dict[str, Any]) -> str:
    """The human summary printed at the end of a run."""
    by_reason = ", ".join(f"{k} {v:,}" for k, v in summary.get("skipped_by_reason", {}).items()) or "none"
    lines = [
        f"unspun filter: {summary['pages']:,} pages: {summary['spam']:,} spam, {summary['ham']:,} ham, "
        f"{summary['errors']:,} errors",
        f"  skipped {summary['skipped']:,} non-page records (not counted as pages): {by_reason}",
        f"  {summary['pages_scored_this_run']:,} pages scored in this run at {summary['pages_per_s']:,.1f} pages/s "
        f"({summary['workers']} workers, {summary['elapsed_s']:.1f} s); "
        f"{summary['shards_resumed']} of {summary['shards']} shards resumed from an earlier run",
        f"  verdicts: {summary['output']}",
    ]
    if summary.get("kept_warc"):
        lines.append(f"  kept pages: {summary['kept_warc']}")
    if summary.get("dropped_warc"):
        lines.append(f"  dropped pages: {summary['dropped_warc']}")
    if summary.get("already_complete"):
        lines.insert(0, "unspun filter: already complete; nothing was rescored")
    return "\n".join(lines)
