"""The national benchmark still runs end to end at a reduced size (its figures are read by
people, not asserted; what is asserted is that it measured what it says it measured)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.postgres import pg_bin

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULT_NAMES = {"sqlite": "national-2000.json", "postgresql": "national-2000-postgresql.json"}
TIMING_KEYS = {"n", "p50_ms", "p95_ms", "p99_ms", "max_ms"}


# PostgreSQL: a private server the bench starts (bench/postgres.py), when it is installed.
DATABASES = ["sqlite", "postgresql"] if pg_bin() else ["sqlite"]


@pytest.mark.parametrize("database", DATABASES)
def test_national_bench_runs_quick_and_writes_its_report(tmp_path: Path, database: str) -> None:
    env = dict(os.environ)
    # The bench prepares its own database; it must not be pointed at a real one.
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.national",
            "--quick",
            "--database",
            database,
            "--out",
            str(tmp_path),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "bare SQL, main statement" in result.stdout

    report = json.loads((tmp_path / RESULT_NAMES[database]).read_text())
    assert report["database"] == database
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

    # The searches are timed twice: as the database's memory fills, and in the steady state.
    assert report["search_first_pass"]["queries"] == 200
    assert report["search_first_pass"]["stack_html"]["n"] == report["search"]["stack_html"]["n"]
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
    # PostgreSQL runs the query in the server's process: its CPU time is counted beside the
    # benchmark's own (when the kernel keeps scheduler statistics), after a vacuum.
    with_server = search["cpu_with_server"]
    if database == "postgresql" and Path("/proc/self/schedstat").exists():
        assert report["vacuum_s"] >= 0
        for key in ("search_service", "bare_sql", "bare_sql_all"):
            assert with_server[key]["n"] == search[key]["n"]
            assert with_server[key]["p50_ms"] >= search["cpu"][key]["p50_ms"]
    elif database == "sqlite":
        assert with_server == {}
        assert "vacuum_s" not in report
