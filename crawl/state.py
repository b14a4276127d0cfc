"""Resumable run state in `OUT/.unspun-state/`: the run manifest, per-shard part files with their
completion markers, per-input "fully read" markers, and the atomic assembly of the final outputs.

Crash safety (SIGKILL at any instant): every file is written to a temp name in the same folder,
fsynced and renamed into place, and a shard's marker is renamed only after its part files, so a
shard either has a marker and complete parts or is redone. The final verdicts file is assembled
from the parts to a temp name and renamed; the parts are deleted only after `complete.json`.
"""
from __future__ import annotations

import fcntl
import glob
import json
import os
import shutil
from pathlib import Path
from typing import Any, Iterable

STATE_DIRNAME = ".unspun-state"
MANIFEST_VERSION = 1
PART_KINDS = ("jsonl", "kept.warc.gz", "dropped.warc.gz")


class StateMismatch(Exception):
    """OUT holds state of a run with other arguments, inputs or model: refuse to mix (exit code 2)."""


class StateBusy(Exception):
    """Another run holds OUT's lock (exit code 75: try again later)."""


def atomic_write(path: str | Path, chunks: Iterable[bytes] | bytes) -> None:
    """Write `chunks` to `path` so that readers (and a rerun after SIGKILL) see all of it or none."""
    path = Path(path)
    tmp = path.with_name(f"{path.name}.tmp.{os.getpid()}")
    with open(tmp, "wb") as fh:
        if isinstance(chunks, bytes):
            fh.write(chunks)
        else:
            for chunk in chunks:
                fh.write(chunk)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def shard_key(input_index: int, shard_index: int) -> str:
    """File-name key of a shard; sorts in input order."""
    return f"{input_index:05d}-{shard_index:06d}"


def write_shard(state_dir: str, input_index: int, shard_index: int, lines: bytes,
                kept_warc: bytes | None, dropped_warc: bytes | None, counts: dict[str, Any]) -> None:
    """Persist one finished shard (called in the worker): parts first, then the completion marker."""
    key = shard_key(input_index, shard_index)
    parts = Path(state_dir) / "parts"
    atomic_write(parts / f"{key}.jsonl", lines)
    if kept_warc is not None:
        atomic_write(parts / f"{key}.kept.warc.gz", kept_warc)
    if dropped_warc is not None:
        atomic_write(parts / f"{key}.dropped.warc.gz", dropped_warc)
    atomic_write(Path(state_dir) / "shards" / f"{key}.done.json", json.dumps(counts, sort_keys=True).encode())


def describe_difference(old: dict[str, Any], new: dict[str, Any]) -> str:
    """A short human explanation of how two manifests differ."""
    notes = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        if key == "inputs":
            old_in = {i.get("path"): i for i in old.get("inputs", [])}
            new_in = {i.get("path"): i for i in new.get("inputs", [])}
            if list(old_in) != list(new_in):
                notes.append(f"inputs were {list(old_in)}, now {list(new_in)}")
            else:
                changed = [p for p in new_in if old_in[p] != new_in[p]]
                notes.append(f"input(s) changed on disk since (size/mtime/listing): {changed}")
        elif key == "model":
            notes.append(f"model changed: was {old.get(key)}, now {new.get(key)}")
        elif isinstance(old.get(key), dict) and isinstance(new.get(key), dict):
            o, n = old[key], new[key]
            notes.extend(f"{k}: was {o.get(k)!r}, now {n.get(k)!r}" for k in sorted(set(o) | set(n))
                         if o.get(k) != n.get(k))
        else:
            notes.append(f"{key}: was {old.get(key)!r}, now {new.get(key)!r}")
    return "; ".join(notes)


class RunState:
    """The state folder of one output directory, locked for the duration of a run."""

    def __init__(self, out_dir: str | Path, manifest: dict[str, Any], lock_fd: int) -> None:
        self.out_dir = Path(out_dir)
        self.dir = self.out_dir / STATE_DIRNAME
        self.manifest = manifest
        self._lock_fd = lock_fd

    @classmethod
    def open(cls, out_dir: str | Path, manifest: dict[str, Any], *, restart: bool = False) -> "RunState":
        """Lock OUT, then start fresh state, resume matching state, or refuse mismatching state.

        Raises `StateBusy` when another run holds the lock and `StateMismatch` when old state
        belongs to other arguments / inputs / model (unless `restart`, which discards it)."""
        out = Path(out_dir)
        state = out / STATE_DIRNAME
        state.mkdir(parents=True, exist_ok=True)
        fd = os.open(state / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StateBusy(f"another unspun filter run is using {out} (lock {state / 'lock'} is held)") from None
        manifest = {"manifest_version": MANIFEST_VERSION, **manifest}
        run = cls(out, manifest, fd)
        try:
            old = run.read_manifest()
            if old is not None and old != manifest:
                if not restart:
                    raise StateMismatch(
                        f"{out} holds an unfinished or finished run with different settings "
                        f"({describe_difference(old, manifest)}). Rerun with the original arguments to resume, "
                        f"pass --restart to discard that state, or choose another --out.")
                run.wipe()
            elif old is not None and restart:
                run.wipe()
            for sub in ("parts", "shards", "inputs"):
                (state / sub).mkdir(exist_ok=True)
            run.remove_temp_files()
            if run.read_manifest() is None:
                atomic_write(state / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True).encode())
        except BaseException:
            run.close()
            raise
        return run

    def close(self) -> None:
        """Release the lock."""
        if self._lock_fd >= 0:
            os.close(self._lock_fd)
            self._lock_fd = -1

    def read_manifest(self) -> dict[str, Any] | None:
        try:
            return json.loads((self.dir / "manifest.json").read_text())
        except FileNotFoundError:
            return None

    def wipe(self) -> None:
        """Discard all state except the lock (for --restart or a stale finished run)."""
        for child in self.dir.iterdir():
            if child.name == "lock":
                continue
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()

    def remove_temp_files(self) -> None:
        """Remove half-written temp files left by a killed run (only ever done under the lock)."""
        for pattern in ("*.tmp.*", "*/*.tmp.*"):
            for path in glob.glob(str(self.dir / pattern)):
                os.unlink(path)
        for path in glob.glob(str(self.out_dir / "*.tmp.*")):
            os.unlink(path)

    # -- shards and inputs

    def shard_done(self, input_index: int, shard_index: int) -> bool:
        return (self.dir / "shards" / f"{shard_key(input_index, shard_index)}.done.json").exists()

    def mark_input_read(self, input_index: int, n_shards: int) -> None:
        """Record that input `input_index` has been read to the end and split into `n_shards` shards."""
        atomic_write(self.dir / "inputs" / f"{input_index:05d}.json", json.dumps({"shards": n_shards}).encode())

    def input_shards(self, input_index: int) -> int | None:
        """Number of shards of a fully read input, or None if it was never read to the end."""
        try:
            return int(json.loads((self.dir / "inputs" / f"{input_index:05d}.json").read_text())["shards"])
        except FileNotFoundError:
            return None

    def input_complete(self, input_index: int) -> bool:
        n = self.input_shards(input_index)
        return n is not None and all(self.shard_done(input_index, k) for k in range(n))

    def all_complete(self, n_inputs: int) -> bool:
        return all(self.input_complete(i) for i in range(n_inputs))

    def shard_keys(self, n_inputs: int) -> list[str]:
        """Keys of every shard of a complete run, in output order."""
        keys = []
        for i in range(n_inputs):
            n = self.input_shards(i)
            assert n is not None
            keys.extend(shard_key(i, k) for k in range(n))
        return keys

    def totals(self, n_inputs: int) -> dict[str, Any]:
        """Counts summed over every finished shard (this run and earlier, interrupted ones)."""
        total: dict[str, Any] = {"pages": 0, "spam": 0, "ham": 0, "errors": 0, "skipped": 0, "skipped_by_reason": {}}
        for path in sorted((self.dir / "shards").glob("*.done.json")):
            if int(path.name[:5]) >= n_inputs:
                continue
            counts = json.loads(path.read_text())
            for key in ("pages", "spam", "ham", "errors"):
                total[key] += counts.get(key, 0)
            for reason, n in counts.get("skipped", {}).items():
                total["skipped"] += n
                total["skipped_by_reason"][reason] = total["skipped_by_reason"].get(reason, 0) + n
        total["skipped_by_reason"] = dict(sorted(total["skipped_by_reason"].items()))
        return total

    # -- completion

    def is_finished(self) -> bool:
        return (self.dir / "complete.json").exists()

    def assemble(self, n_inputs: int, verdicts_path: Path, *, gzip_out: bool,
                 kept_path: Path | None, dropped_path: Path | None) -> None:
        """Concatenate the parts, in input order, into the final files (each written atomically)."""
        keys = self.shard_keys(n_inputs)
        parts = self.dir / "parts"

        def chunks(suffix: str) -> Iterable[bytes]:
            for key in keys:
                path = parts / f"{key}.{suffix}"
                if suffix != "jsonl" and not path.exists():
                    continue
                with open(path, "rb") as fh:
                    while True:
                        block = fh.read(1 << 20)
                        if not block:
                            break
                        yield block

        if gzip_out:
            atomic_write(verdicts_path, _gzip_stream(chunks("jsonl")))
        else:
            atomic_write(verdicts_path, chunks("jsonl"))
        if kept_path is not None:
            atomic_write(kept_path, chunks("kept.warc.gz"))
        if dropped_path is not None:
            atomic_write(dropped_path, chunks("dropped.warc.gz"))

    def finish(self, summary: dict[str, Any]) -> None:
        """Mark the run complete, then drop the (now assembled) parts to free the disk."""
        atomic_write(self.dir / "complete.json", json.dumps(summary, indent=2, sort_keys=True).encode())
        shutil.rmtree(self.dir / "parts", ignore_errors=True)

    def finished_summary(self) -> dict[str, Any]:
        return json.loads((self.dir / "complete.json").read_text())


def _gzip_stream(chunks: Iterable[bytes]) -> Iterable[bytes]:
    """Gzip a byte stream incrementally with a fixed header time (same input -> same bytes)."""
    import zlib

    comp = zlib.compressobj(6, zlib.DEFLATED, 31)
    # zlib's gzip wrapper writes mtime 0 and no file name, so the output is deterministic.
    for chunk in chunks:
        out = comp.compress(chunk)
        if out:
            yield out
    yield comp.flush()

