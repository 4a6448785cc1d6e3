"""The guide-page benchmark still runs end to end (its figures are read by people, not asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TIMING_KEYS = {"n", "p50_ms", "p95_ms", "p99_ms", "max_ms"}


def test_guide_pages_bench_runs_quick_and_writes_its_report(tmp_path: Path) -> None:
    env = dict(os.environ)
    # The bench prepares its own SQLite file; it must not be pointed at a real database.
    env.pop("DATABASE_URL", None)
    # Its demo without the national data sets: this checks that the bench runs, quickly.
    env.pop("WAYPOST_DATASETS_DIR", None)
    result = subprocess.run(
        [sys.executable, "-m", "bench.guide_pages", "--quick", "--out", str(tmp_path)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    report = json.loads((tmp_path / "guide_pages.json").read_text())
    assert {"quick", "renders", "norwalk", "sample", "sizes", "failures"} <= report.keys()
    assert report["quick"] is True
    assert report["failures"] == []
    assert set(report["norwalk"]) == {"/us/ct/norwalk/", "/us/ca/norwalk/"}
    for row in [*report["norwalk"].values(), report["sample"]]:
        # Composed and from the page cache, each with its CPU time.
        for timed in (row, row["cpu"], row["cached"], row["cached"]["cpu"]):
            assert timed.keys() >= TIMING_KEYS
    # Some cities with nothing kept at all, as the first page after a change to the data.
    cold = report["sample"]["cold"]
    assert cold["n"] > 0
    assert cold.keys() >= TIMING_KEYS and cold["cpu"].keys() >= TIMING_KEYS
    for row in report["sizes"]["pages"].values():
        assert 0 < row["gzip_bytes"] < row["bytes"]
    assert {"site/site.css", "site/quick-exit.js"} <= report["sizes"]["static"].keys()
