"""The national benchmark still runs end to end at a reduced size (its figures are read by
people, not asserted; what is asserted is that it measured what it says it measured)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TIMING_KEYS = {"n", "p50_ms", "p95_ms", "p99_ms", "max_ms"}


def test_national_bench_runs_quick_and_writes_its_report(tmp_path: Path) -> None:
    env = dict(os.environ)
    # The bench prepares its own SQLite file; it must not be pointed at a real database.
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "bench.national", "--quick", "--out", str(tmp_path)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "bare SQL, main statement" in result.stdout

    report = json.loads((tmp_path / "national-2000.json").read_text())
    assert report["services"] == 2000
    rows = report["package"]["rows"]
    assert rows["services.csv"] == 2000
    # About 1.2 locations per service, every one with an address and a schedule.
    assert 2200 <= rows["locations.csv"] <= 2600
    assert rows["addresses.csv"] == rows["locations.csv"] == rows["schedules.csv"]
    assert "2000 services" in report["import"]["summary"]
    assert report["import"]["services_per_s"] > 0
    assert 0 < report["import"]["peak_rss_mb"] < 500
    assert 0 < report["import"]["peak_rss_together_mb"] < 500
    assert report["database_mb"] > 1

    search = report["search"]
    assert search["queries"] == 200
    assert search["failure_count"] == 0, search["failures"]
    # A few generated city names are spelled otherwise in the gazetteer; not many.
    assert search["refused_count"] < 20, search["refused"]
    for key in ("stack_html", "search_service", "bare_sql", "bare_sql_all"):
        assert search[key].keys() >= TIMING_KEYS
        assert search[key]["n"] == 200 - (search["refused_count"] if key != "stack_html" else 0)
    if search["stack_api"] is not None:
        assert search["stack_api"]["n"] == 200
    # Searches over a real directory find things.
    assert search["results_per_query"]["max"] > 0
