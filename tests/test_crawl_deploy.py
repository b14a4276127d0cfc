"""crawl/deploy: the nightly wrapper runs the filter on a day's WARCs and the units fit together."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
from pathlib import Path

from crawl.testing import write_test_warc

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "crawl" / "deploy"


def nightly(tmp_path: Path, day: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "UNSPUN_CRAWL_ROOT": str(tmp_path / "crawl"), "UNSPUN_OUT_ROOT": str(tmp_path / "out"),
           "UNSPUN_FILTER_ARGS": "--detector crawl.testing:load_fake --workers 1"}
    return subprocess.run(["bash", str(DEPLOY / "nightly.sh"), day], env=env, capture_output=True, text=True,
                          timeout=120)


def test_nightly_script_filters_the_days_warcs_and_resumes_as_a_no_op(tmp_path: Path) -> None:
    day = tmp_path / "crawl" / "2026-11-27"
    day.mkdir(parents=True)
    write_test_warc(str(day / "a.warc.gz"), 5)
    done = nightly(tmp_path, "2026-11-27")
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out" / "2026-11-27"
    rows = [json.loads(x) for x in gzip.decompress((out / "verdicts.jsonl.gz").read_bytes()).splitlines()]
    assert len(rows) == 6 and (out / "dropped.warc.gz").exists()
    again = nightly(tmp_path, "2026-11-27")
    assert again.returncode == 0 and "already complete" in again.stderr


def test_nightly_script_exits_2_when_the_day_has_no_crawl(tmp_path: Path) -> None:
    (tmp_path / "crawl" / "2026-11-26").mkdir(parents=True)
    done = nightly(tmp_path, "2026-11-26")
    assert done.returncode == 2 and "no WARC files for 2026-11-26" in done.stderr


def test_systemd_units_reference_each_other_and_the_script() -> None:
    service = (DEPLOY / "unspun-filter.service").read_text()
    timer = (DEPLOY / "unspun-filter.timer").read_text()
    assert "Unit=unspun-filter.service" in timer and "OnCalendar=" in timer and "Persistent=true" in timer
    assert "ExecStart=/opt/unspun/crawl/deploy/nightly.sh" in service and "Type=oneshot" in service
    assert "RestartPreventExitStatus=1 2 3" in service
    assert "nightly.sh" in (DEPLOY / "crontab.example").read_text()
    assert os.access(DEPLOY / "nightly.sh", os.X_OK)
