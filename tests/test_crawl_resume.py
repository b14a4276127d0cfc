"""crawl filter survives SIGKILL: killed twice mid-run and rerun, it ends with exactly one line per
page, byte-identical to an uninterrupted run, and its orphaned workers die with it."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawl.runner import FilterConfig, run_filter
from crawl.testing import write_test_warc

REPO = Path(__file__).resolve().parents[1]
FAKE = "crawl.testing:load_fake"


def command(inputs: list[str], out: Path) -> list[str]:
    return [sys.executable, "-m", "crawl", "filter", *inputs, "--out", str(out), "--workers", "2",
            "--shard-size", "4", "--detector", FAKE, "--progress", "log", "--log-interval", "0.2"]


def markers(out: Path) -> int:
    return len(list((out / ".unspun-state" / "shards").glob("*.done.json")))


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def kill_when(out: Path, args: list[str], at_least: int, env: dict) -> int:
    """Start a run, SIGKILL its main process once `at_least` shards are done; return markers then."""
    proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    try:
        while markers(out) < at_least:
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "the run made no progress"
            time.sleep(0.005)
        workers = children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = {w: Path(f"/proc/{w}/cmdline").read_bytes()[:200] for w in workers if alive(w)}
    assert workers and not survivors, f"workers outlived the killed run: {survivors}"
    return markers(out)


@pytest.mark.slow
def test_killed_twice_then_resumed_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    inputs = []
    for n, name in enumerate(("a.warc.gz", "b.warc.gz")):
        write_test_warc(str(tmp_path / name), 80, start=1000 * n)
        inputs.append(str(tmp_path / name))
    reference = tmp_path / "reference"
    run_filter(FilterConfig(inputs=inputs, out=str(reference), workers=1, shard_size=4, detector=FAKE,
                            progress="none"))
    expected = (reference / "verdicts.jsonl").read_bytes()
    total_shards = markers(reference)

    out = tmp_path / "out"
    env = {**os.environ, "UNSPUN_FAKE_DELAY": "0.01", "PYTHONPATH": str(REPO)}
    first = kill_when(out, command(inputs, out), 3, env)
    assert 3 <= first < total_shards
    assert not (out / "verdicts.jsonl").exists()
    second = kill_when(out, command(inputs, out), first + 3, env)
    assert first + 3 <= second < total_shards

    done = subprocess.run(command(inputs, out), cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "unspun filter:" in done.stderr and "pages/s" in done.stderr          # log lines, not a bar
    got = (out / "verdicts.jsonl").read_bytes()
    assert got == expected
    rows = [json.loads(line) for line in got.splitlines()]
    assert len(rows) == len({r["record_id"] for r in rows}) == 2 * 81
    summary = json.loads((out / "summary.json").read_text())
    assert summary["shards_resumed"] >= second and summary["pages"] == 2 * 81
    assert summary["pages_scored_this_run"] < summary["pages"]
    assert not list(out.rglob("*.tmp.*"))
