"""A crowd through the production stack: does it hold, and what does a killed worker cost?

Run from the repository root:  python -m bench.load [--connections 200] [--seconds 60]

Starts the stack as shipped (bench/stack.py: gunicorn by the systemd unit's commands, nginx
with deploy/nginx/waypost.conf) on a database of its own under var/bench/load (PostgreSQL, a
private server, when installed; SQLite otherwise), with the demo data. Then wrk (Debian's
`wrk`) sends requests from 200 connections for 60 s, in turn to a guide, a search and the
HSDS API, with `Accept-Encoding: gzip`, through nginx; a third of the way in, one gunicorn
worker is killed (SIGKILL). Reports requests per second, latency, and every failed request
(a socket error or a status other than 2xx/3xx), and writes var/bench/load.json.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench.postgres import pg_bin, private_postgres
from bench.stack import REPO_ROOT, Stack, prepare, production_stack, require

BENCH_DIR = REPO_ROOT / "var" / "bench" / "load"
RESULT_FILE = REPO_ROOT / "var" / "bench" / "load.json"
PATHS = [
    "/us/ct/norwalk/",
    "/search/?near=us%2Fct%2Fnorwalk&radius=25",
    "/api/hsds/services?page=1",
]
ROTATE = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def wrk(
    base: str,
    *,
    paths: list[str],
    threads: int,
    connections: int,
    seconds: int,
    folder: Path,
) -> dict[str, Any]:
    """wrk's figures: requests, requests/s, latency percentiles (ms), failures."""
    program = require("wrk", "wrk")
    command = [program, "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s"]
    command += ["--latency", "--timeout", "10s", "-H", "Accept-Encoding: gzip"]
    if len(paths) > 1:
        script = folder / "rotate.lua"
        script.write_text(ROTATE % ", ".join(json.dumps(p) for p in paths))
        command += ["-s", str(script)]
    done = subprocess.run([*command, base + paths[0]], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed: {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return round(float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit], 2)


def parse_wrk(out: str) -> dict[str, Any]:
    found: dict[str, Any] = {"output": out}
    total = re.search(r"(\d+) requests in ([\d.]+\w+),", out)
    assert total, out
    found["requests"] = int(total.group(1))
    found["requests_per_s"] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    found["latency_ms"] = {
        f"p{pct}": _ms(value) for pct, value in re.findall(r"\s(50|75|90|99)%\s+(\S+)", out)
    }
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    socket_errors = [int(n) for n in errors.groups()] if errors else [0, 0, 0, 0]
    found["socket_errors"] = dict(
        zip(["connect", "read", "write", "timeout"], socket_errors, strict=True)
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    found["non_2xx_3xx"] = int(non_2xx.group(1)) if non_2xx else 0
    found["failed"] = sum(socket_errors) + found["non_2xx_3xx"]
    return found


def run(connections: int, seconds: int, database: str) -> dict[str, Any]:
    shutil.rmtree(BENCH_DIR, ignore_errors=True)
    BENCH_DIR.mkdir(parents=True)
    with ExitStack() as stack:
        url = None
        if database == "postgresql":
            url = stack.enter_context(private_postgres()).url
        prepare(BENCH_DIR / "var", url)
        running: Stack = stack.enter_context(
            production_stack(BENCH_DIR / "web", var_dir=BENCH_DIR / "var", database_url=url)
        )
        killed: dict[str, Any] = {}

        def kill_later() -> None:
            time.sleep(seconds / 3)
            killed["pid"] = running.kill_a_worker()
            killed["at_s"] = round(seconds / 3, 1)

        killer = threading.Thread(target=kill_later)
        killer.start()
        figures = wrk(
            running.base,
            paths=PATHS,
            threads=2,
            connections=connections,
            seconds=seconds,
            folder=BENCH_DIR,
        )
        killer.join()
        workers_after = len(running.worker_pids())
        log = (running.folder / "logs" / "waypost.access.log").read_text().splitlines()
    statuses: dict[str, int] = {}
    for line in log:
        parts = line.split()
        if len(parts) >= 4:
            statuses[parts[3]] = statuses.get(parts[3], 0) + 1
    return {
        "database": database,
        "connections": connections,
        "seconds": seconds,
        "paths": PATHS,
        "killed_worker": killed,
        "workers_after": workers_after,
        "nginx_statuses": statuses,
        **figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgresql"],
        default="postgresql" if pg_bin() else "sqlite",
    )
    args = parser.parse_args()
    if args.connections < 1 or args.seconds < 3:
        parser.error("--connections must be at least 1 and --seconds at least 3")
    report = run(args.connections, args.seconds, args.database)
    output = report.pop("output")
    print(output)
    print(
        f"Load through nginx ({report['database']}): {report['connections']} connections, "
        f"{report['seconds']} s, guide + search + HSDS API: {report['requests']:,} requests, "
        f"{report['requests_per_s']:,} req/s, p99 {report['latency_ms'].get('p99')} ms; "
        f"failed {report['failed']} (socket {report['socket_errors']}, "
        f"non-2xx/3xx {report['non_2xx_3xx']}); worker {report['killed_worker'].get('pid')} "
        f"killed at {report['killed_worker'].get('at_s')} s, {report['workers_after']} "
        f"workers after; nginx statuses {report['nginx_statuses']}"
    )
    RESULT_FILE.write_text(json.dumps(report, indent=2) + "\n")
    print(f"  written to {RESULT_FILE.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
