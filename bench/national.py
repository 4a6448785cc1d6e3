"""A national directory at scale: HSDS import throughput and search latency.

Run from the repository root:  python -m bench.national [--services N] [--quick]

1. Generates a deterministic (seeded) synthetic directory as an HSDS 3.1 tabular data package:
   services at about 1.2 locations each, spread over real US ZIP points (the `zipcodes`
   package), with Waypost categories, attributes, languages, phones and weekly schedules.
2. Imports it with `manage.py import_hsds` (a child process, so its peak memory is its own)
   into a SQLite database of its own under var/bench/national-N/ (migrated, gazetteer
   loaded), never the development database or one named by DATABASE_URL; and, with
   `--database postgresql` or `both` (the default when PostgreSQL is installed), into a
   private PostgreSQL server started for the run (bench/postgres.py), then vacuumed.
3. Times a fixed, seeded mix of searches three ways: through the whole Django stack (the WSGI
   application, on /api/search and on /search/), the search service alone, and as bare SQL on
   the same database (the floor): the main statement alone, and every statement the search
   ran (the result page's rows too). Wall and CPU time of each; on PostgreSQL, CPU time with
   the server's share too.
Prints a table per database and writes var/bench/national-N.json (SQLite) and
var/bench/national-N-postgresql.json.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import logging
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.postgres import pg_bin, private_postgres

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_ROOT = REPO_ROOT / "var" / "bench"
SEED = 20261123
FULL_SERVICES = 500_000
QUICK_SERVICES = 2_000
POSTGRES_SETTINGS = {"shared_buffers": "1GB", "effective_cache_size": "4GB"}

# Generated text: plausible names and words (keyword search needs words to find).
STREETS = ["Main", "Oak", "Elm", "Park", "Church", "Maple", "Washington", "Lake"]
KINDS = ["Clinic", "Center", "Program", "Project", "Services", "Outreach", "Collective", "Network"]
WORDS = [
    "community",
    "health",
    "harm reduction",
    "peer",
    "support",
    "testing",
    "counselling",
    "shelter",
    "legal",
    "housing",
    "recovery",
    "wellness",
    "safety",
    "advocacy",
    "youth",
    "family",
    "women",
    "trans",
    "clinic",
    "mobile",
    "drop-in",
    "confidential",
    "free",
]
LANGUAGES = [
    ("es", "Spanish", 0.35),
    ("zh", "Chinese", 0.05),
    ("vi", "Vietnamese", 0.04),
    ("ko", "Korean", 0.02),
    ("ru", "Russian", 0.02),
    ("ar", "Arabic", 0.02),
    ("fr", "French", 0.02),
    ("ht", "Haitian Creole", 0.02),
    ("tl", "Tagalog", 0.02),
    ("pt", "Portuguese", 0.02),
    ("asl", "American Sign Language", 0.02),
]
ATTRIBUTE_ODDS = {
    "free": 0.45,
    "low-cost": 0.15,
    "no-id-required": 0.3,
    "confidential": 0.5,
    "anonymous": 0.15,
    "no-police-involvement": 0.2,
    "walk-in": 0.35,
    "lgbtq-affirming": 0.25,
    "serves-minors": 0.15,
    "immigrant-safe": 0.2,
}
# (byday, opens, closes, share)
HOURS = [
    ("MO,TU,WE,TH,FR", "09:00:00", "17:00:00", 0.45),
    ("MO,TU,WE,TH,FR", "08:00:00", "20:00:00", 0.15),
    ("MO,WE,FR", "10:00:00", "16:00:00", 0.1),
    ("TU,TH,SA", "12:00:00", "19:00:00", 0.08),
    ("SA,SU", "10:00:00", "14:00:00", 0.07),
    ("MO,TU,WE,TH,FR,SA,SU", "00:00:00", "23:59:00", 0.15),
]


# Generation -------------------------------------------------------------------------------


def zip_points() -> list[dict[str, Any]]:
    """Every standard, active US ZIP with a point, in a fixed order."""
    import zipcodes

    points = [
        z
        for z in zipcodes.list_all()
        if z["active"] and z["zip_code_type"] == "STANDARD" and z["lat"] and z["long"]
    ]
    return sorted(points, key=lambda z: z["zip_code"])


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _terms() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]], list[str]]:
    """(id, code, name) of categories (leaves) and attributes, as Waypost's taxonomy has them."""
    from waypost.directory.taxonomy import ATTRIBUTES, CATEGORY_TREE

    def term_id(code: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"waypost-bench:{code}"))

    parents = [code for code, _n, _c in CATEGORY_TREE]
    leaves = [(term_id(c), c, n) for _p, _pn, children in CATEGORY_TREE for c, n in children]
    attributes = [(term_id(c), c, n) for c, n in ATTRIBUTES]
    return leaves, attributes, parents


TAXONOMIES = {
    "waypost-categories": str(uuid.uuid5(uuid.NAMESPACE_URL, "waypost-bench:categories")),
    "waypost-attributes": str(uuid.uuid5(uuid.NAMESPACE_URL, "waypost-bench:attributes")),
}


def generate_package(folder: Path, *, services: int, seed: int = SEED) -> dict[str, int]:
    """Write the package (same seed and size, same bytes); returns rows per file."""
    from waypost.hsds import tables as t
    from waypost.hsds.exporter import _resource

    rng = random.Random(seed)
    points = zip_points()
    leaves, attributes, _parents = _terms()
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with ExitStack() as stack:
        writers: dict[str, Any] = {}
        for table in t.TABLES:
            f = stack.enter_context((folder / table.file).open("w", encoding="utf-8", newline=""))
            writers[table.name] = (csv.writer(f), [c.name for c in table.columns])
            writers[table.name][0].writerow(writers[table.name][1])
            counts[table.file] = 0

        def put(table: str, **row: Any) -> None:
            writer, names = writers[table]
            writer.writerow(["" if row.get(n) is None else row[n] for n in names])
            counts[t.BY_NAME[table].file] += 1

        for name, hsds_id in TAXONOMIES.items():
            put("taxonomy", id=hsds_id, name=name, description=f"Waypost {name.split('-')[1]}")
        for hsds_id, code, name in leaves:
            put(
                "taxonomy_term",
                id=hsds_id,
                code=code,
                name=name,
                description=name,
                taxonomy="waypost-categories",
                taxonomy_id=TAXONOMIES["waypost-categories"],
            )
        for hsds_id, code, name in attributes:
            put(
                "taxonomy_term",
                id=hsds_id,
                code=code,
                name=name,
                description=name,
                taxonomy="waypost-attributes",
                taxonomy_id=TAXONOMIES["waypost-attributes"],
            )

        organization = ""
        org_point: dict[str, Any] = {}
        place = ""
        for n in range(services):
            if n % 5 == 0 or not organization:
                organization = _uuid(rng)
                org_point = rng.choice(points)
                place = f"{org_point['city']}, {org_point['state']}"
                put(
                    "organization",
                    id=organization,
                    name=f"{org_point['city']} {rng.choice(WORDS).title()} Alliance {n // 5}",
                    description=f"Community organization in {place}.",
                )
            service = _uuid(rng)
            categories = rng.sample(leaves, rng.choice([1, 1, 2, 2, 3]))
            first = categories[0][2]
            kind = rng.choice(KINDS)
            put(
                "service",
                id=service,
                organization_id=organization,
                name=f"{org_point['city']} {first} {kind}",
                description=f"{first} and {', '.join(rng.sample(WORDS, 4))} in {place}.",
                status="active" if rng.random() < 0.97 else "inactive",
                fees_description="Free" if rng.random() < 0.5 else "",
                last_modified="2026-10-01T12:00:00Z",
            )
            put(
                "phone",
                id=_uuid(rng),
                service_id=service,
                type="voice",
                number=f"+1 {rng.randint(201, 989)} {rng.randint(200, 999)} "
                f"{rng.randint(1, 9999):04}",
            )
            for hsds_id, _code, _name in categories:
                put(
                    "attribute",
                    id=_uuid(rng),
                    link_id=service,
                    taxonomy_term_id=hsds_id,
                    link_entity="service",
                )
            for hsds_id, code, _name in attributes:
                if rng.random() < ATTRIBUTE_ODDS[code]:
                    put(
                        "attribute",
                        id=_uuid(rng),
                        link_id=service,
                        taxonomy_term_id=hsds_id,
                        link_entity="service",
                    )
            put("language", id=_uuid(rng), service_id=service, code="en", name="English")
            for code, name, odds in LANGUAGES:
                if rng.random() < odds:
                    put("language", id=_uuid(rng), service_id=service, code=code, name=name)
            # 4 in 5 services have one location, 1 in 5 two: about 1.2 locations per service.
            for _ in range(1 if rng.random() < 0.8 else 2):
                point = org_point if rng.random() < 0.5 else rng.choice(points)
                location = _uuid(rng)
                put(
                    "location",
                    id=location,
                    location_type="physical",
                    organization_id=organization,
                    name=f"{point['city']} site",
                    latitude=round(float(point["lat"]) + rng.uniform(-0.03, 0.03), 5),
                    longitude=round(float(point["long"]) + rng.uniform(-0.03, 0.03), 5),
                )
                put(
                    "address",
                    id=_uuid(rng),
                    location_id=location,
                    address_1=f"{rng.randint(1, 9999)} {rng.choice(STREETS)} St",
                    city=point["city"],
                    state_province=point["state"],
                    postal_code=point["zip_code"],
                    country="US",
                    address_type="physical",
                )
                put("service_at_location", id=_uuid(rng), service_id=service, location_id=location)
                byday, opens, closes, _share = rng.choices(HOURS, weights=[h[3] for h in HOURS])[0]
                put(
                    "schedule",
                    id=_uuid(rng),
                    service_id=service,
                    location_id=location,
                    freq="WEEKLY",
                    byday=byday,
                    opens_at=opens,
                    closes_at=closes,
                )
    descriptor = {
        "name": "waypost-bench",
        "profile": "tabular-data-package",
        "resources": [_resource(table) for table in t.TABLES],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=1))
    return counts


# Queries ----------------------------------------------------------------------------------


def query_mix(count: int, seed: int) -> list[dict[str, str]]:
    """A fixed mix of searches an outreach worker would make."""
    from waypost.directory.taxonomy import ATTRIBUTES, CATEGORY_TREE

    rng = random.Random(seed + 1)
    points = zip_points()
    parents = [code for code, _n, _c in CATEGORY_TREE]
    leaves = [code for _p, _pn, children in CATEGORY_TREE for code, _n in children]
    attrs = [code for code, _n in ATTRIBUTES]
    cities = [(p["city"], p["state"]) for p in points]
    mix = []
    for _ in range(count):
        params: dict[str, str] = {}
        roll = rng.random()
        point = rng.choice(points)
        if roll < 0.6:
            params["near"] = point["zip_code"]
        elif roll < 0.85:
            params["near"] = f"{float(point['lat']):.4f},{float(point['long']):.4f}"
        else:
            city, state = rng.choice(cities)
            params["near"] = f"{city}, {state}"
        params["radius"] = str(rng.choice([5, 10, 10, 25, 25, 50]))
        if rng.random() < 0.6:
            params["category"] = rng.choice(leaves if rng.random() < 0.7 else parents)
        if rng.random() < 0.4:
            params["attr"] = rng.choice(attrs)
        if rng.random() < 0.2:
            params["lang"] = "es"
        if rng.random() < 0.2:
            params["open"] = "now"
        if rng.random() < 0.1:
            params["q"] = rng.choice(["testing", "harm reduction", "shelter", "legal", "peer"])
        mix.append(params)
    return mix


# Running ----------------------------------------------------------------------------------


def _configure(var_dir: Path, database_url: str | None) -> None:
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ["WAYPOST_VAR_DIR"] = str(var_dir)
    if database_url is None:
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypost.settings")
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))


def _manage(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done


def _timed_import(package: Path) -> tuple[float, float, int, int, str]:
    """Wall time, CPU time and peak resident memory (kB) of the import (its process and the
    one it reads files in), and its summary. CPU time is what other load on a shared machine
    does not inflate. Memory is given twice: the largest process's peak (from the kernel),
    and the two processes' memory together (sampled every 0.1 s; an upper bound, as pages the
    reading process shares with its parent count twice)."""
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "manage.py", "import_hsds", str(package)],
            cwd=REPO_ROOT,
            env=os.environ.copy(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        together = _RssSampler(child.pid)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        together.stop()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    if child.returncode != 0:
        raise SystemExit(f"import_hsds failed:\n{text}")
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss, together.peak_kb, text.strip().splitlines()[0]


class _RssSampler:
    """The largest resident memory of a process and its children together, sampled."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.done.set()
        self.thread.join()

    def _sample(self) -> None:
        while not self.done.wait(0.1):
            try:
                children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
                pids = [self.pid, *map(int, children.split())]
                self.peak_kb = max(self.peak_kb, sum(map(_rss_kb, pids)))
            except OSError:  # the process has ended
                return


def _rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _migrations_key() -> str:
    names = sorted(
        str(p.relative_to(REPO_ROOT)) for p in REPO_ROOT.glob("waypost/*/migrations/0*.py")
    )
    return hashlib.sha1("\n".join(names).encode()).hexdigest()[:10]


def _remove_database(database: Path) -> None:
    # The database is in WAL mode (settings.py): a log left beside it by a run that was
    # stopped would be replayed into the next file of that name.
    for path in (database, *(Path(f"{database}{side}") for side in ("-wal", "-shm"))):
        path.unlink(missing_ok=True)


def prepare_database(var_dir: Path) -> None:
    """A fresh database: migrated and with the gazetteer (copied from a cached template).
    A PostgreSQL server is new for each run: migrated and loaded there."""
    if os.environ.get("DATABASE_URL"):
        _manage("migrate", "--noinput", "-v0")
        _manage("load_gazetteer")
        return
    template = var_dir / f"template-{_migrations_key()}.sqlite3"
    database = var_dir / "waypost.sqlite3"
    if not template.exists():
        for old in var_dir.glob("template-*.sqlite3"):
            old.unlink()
        _remove_database(database)
        _manage("migrate", "--noinput", "-v0")
        _manage("load_gazetteer")
        # Each manage.py process wrote its log back into the file when it closed.
        shutil.copy(database, template)
    _remove_database(database)
    shutil.copy(template, database)


@contextmanager
def _statements() -> Iterator[list[tuple[str, Any]]]:
    from django.db import connection

    seen: list[tuple[str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


class _Cpu:
    """CPU time a search costs: this process's, and on PostgreSQL also that of the server
    process serving this connection (same machine; the kernel's scheduler statistics, in
    nanoseconds). On a shared machine wall times grow with other people's load; CPU times
    do not, and without the server's share PostgreSQL's would leave out the query itself."""

    def __init__(self) -> None:
        self.started = time.process_time()
        self.backend = self._backend()
        self.server = self._server_ns(self.backend)

    @staticmethod
    def _backend() -> int | None:
        from django.db import connection

        if connection.vendor != "postgresql" or connection.connection is None:
            return None
        return int(connection.connection.info.backend_pid)

    @staticmethod
    def _server_ns(pid: int | None) -> int | None:
        if pid is None:
            return None
        try:
            return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def ms(self) -> tuple[float, float | None]:
        """(this process, this process and the database server) in ms since creation; the
        second is None on SQLite, or when the connection changed or cannot be observed."""
        own = (time.process_time() - self.started) * 1000
        backend = self._backend()
        server = self._server_ns(backend) if backend == self.backend else None
        if server is None or self.server is None:
            return own, None
        return own, own + (server - self.server) / 1e6


def _routed(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def time_queries(mix: list[dict[str, str]]) -> dict[str, Any]:
    from django.db import connection

    from bench.guide_pages import Timer, summarize
    from waypost.search.services import BadSearch, SearchQuery, search

    timer = Timer()
    # Searches refused as bad input (a generated city the gazetteer spells otherwise, or
    # names twice) are counted in the report; their log lines would drown the table. Set
    # here: the WSGI application configures logging again.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    routes = {"stack_api": "/api/search", "stack_html": "/search/"}
    available = {key: route for key, route in routes.items() if _routed(route)}
    stack: dict[str, list[float]] = {key: [] for key in available}
    keys = [*available, "search_service", "bare_sql", "bare_sql_all"]
    cpu: dict[str, list[float]] = {key: [] for key in keys}
    with_server: dict[str, list[float]] = {key: [] for key in keys}

    def spent(key: str, meter: _Cpu) -> None:
        own, both = meter.ms()
        cpu[key].append(own)
        if both is not None:
            with_server[key].append(both)

    service: list[float] = []
    floor: list[float] = []
    floor_all: list[float] = []
    results: list[int] = []
    refused: list[tuple[str, str]] = []
    for warm in mix[:20]:
        for route in available.values():
            timer.get_ms(f"{route}?{urlencode(warm)}")
    timer.failures.clear()
    for params in mix:
        query_string = urlencode(params)
        for key, route in available.items():
            meter = _Cpu()
            stack[key].append(timer.get_ms(f"{route}?{query_string}"))
            spent(key, meter)
        try:
            started, meter = time.perf_counter(), _Cpu()
            query = SearchQuery.from_params({k: [v] for k, v in params.items()})
            with _statements() as seen:
                page = search(query)
            service.append((time.perf_counter() - started) * 1000)
            spent("search_service", meter)
        except BadSearch as exc:
            refused.append((query_string, str(exc)))
            continue
        results.append(page.total)
        # The floor: the statement that finds and ranks the page, run alone; and every
        # statement the search ran (the page's rows too), one after the other.
        main = next(s for s in seen if "COUNT(*) OVER ()" in s[0])
        with connection.cursor() as cursor:
            started, meter = time.perf_counter(), _Cpu()
            cursor.execute(*main)
            cursor.fetchall()
            floor.append((time.perf_counter() - started) * 1000)
            spent("bare_sql", meter)
            started, meter = time.perf_counter(), _Cpu()
            for statement in seen:
                cursor.execute(*statement)
                cursor.fetchall()
            floor_all.append((time.perf_counter() - started) * 1000)
            spent("bare_sql_all", meter)
    stack_failures = [f for f in timer.failures if f[1] != 400]
    return {
        "queries": len(mix),
        **{key: summarize(stack[key]) if key in stack else None for key in routes},
        "routes_missing": sorted(set(routes.values()) - set(available.values())),
        "search_service": summarize(service) if service else None,
        "bare_sql": summarize(floor) if floor else None,
        "bare_sql_all": summarize(floor_all) if floor_all else None,
        # CPU time of this process per search: what other load on the machine does not inflate.
        "cpu": {key: summarize(values) for key, values in cpu.items() if values},
        # PostgreSQL: the server's CPU time for the connection added (see _Cpu).
        "cpu_with_server": {
            key: summarize(values) for key, values in with_server.items() if values
        },
        "results_per_query": {
            "min": min(results, default=0),
            "median": sorted(results)[len(results) // 2] if results else 0,
            "max": max(results, default=0),
        },
        "refused": refused[:10],
        "refused_count": len(refused),
        "failures": stack_failures[:10],
        "failure_count": len(stack_failures),
    }


def run(
    services: int, queries: int, seed: int, database_url: str | None, root: Path = BENCH_ROOT
) -> dict[str, Any]:
    var_dir = root / f"national-{services}"
    _configure(var_dir, database_url)
    import django
    from django.db import connection

    django.setup()
    report: dict[str, Any] = {
        "database": connection.vendor,
        "services": services,
        "seed": seed,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs (shared: timings are noisy)",
        "python": platform.python_version(),
    }
    started = time.perf_counter()
    package = var_dir / f"package-{seed}"
    if not (package / "complete").exists():
        shutil.rmtree(package, ignore_errors=True)
        rows = generate_package(package, services=services, seed=seed)
        (package / "complete").write_text(json.dumps(rows))
    rows = json.loads((package / "complete").read_text())
    report["generate_s"] = round(time.perf_counter() - started, 1)
    report["package"] = {
        "rows": rows,
        "bytes": sum(p.stat().st_size for p in package.glob("*.csv")),
    }
    started = time.perf_counter()
    prepare_database(var_dir)
    from django.core.management import call_command

    # The HTML page links static files through the manifest collectstatic writes.
    call_command("collectstatic", interactive=False, verbosity=0)
    report["prepare_db_s"] = round(time.perf_counter() - started, 1)

    seconds, cpu, peak_kb, together_kb, summary = _timed_import(package)
    total_rows = sum(rows.values())
    report["import"] = {
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "services_per_s": round(services / seconds),
        "services_per_cpu_s": round(services / cpu),
        "rows_per_s": round(total_rows / seconds),
        "peak_rss_mb": round(peak_kb / 1024),
        "peak_rss_together_mb": round(together_kb / 1024),
        "summary": summary,
    }
    if connection.vendor == "postgresql":
        # A server's autovacuum visits the freshly written tables soon after a large import
        # (setting hint bits, and the visibility map that index-only scans need); done here
        # first, so that the searches time the steady state rather than that first pass.
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        report["vacuum_s"] = round(time.perf_counter() - started, 1)
    report["database_mb"] = round(_database_bytes(var_dir) / 2**20, 1)
    mix = query_mix(queries, seed)
    # The same searches twice. The first pass reads much of the directory into the
    # database's memory (PostgreSQL's shared buffers, SQLite's page cache) for the first
    # time, as a server does after a restart; the second times the steady state of a server
    # that has been answering searches, which is what the targets are about. Both are kept.
    report["search_first_pass"] = time_queries(mix)
    report["search"] = time_queries(mix)
    return report


def _database_bytes(var_dir: Path) -> int:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return int(cursor.fetchone()[0])
    return (var_dir / "waypost.sqlite3").stat().st_size


def print_table(report: dict[str, Any]) -> None:
    imp = report["import"]
    print(
        f"National directory on {report['database']}: {report['services']:,} services "
        f"(seed {report['seed']}), {report['machine']}"
    )
    print(
        f"  package {report['package']['bytes'] / 2**20:.0f} MB, "
        f"{sum(report['package']['rows'].values()):,} rows; "
        f"database {report['database_mb']} MB"
    )
    print(
        f"  import  {imp['seconds']} s ({imp['cpu_seconds']} s CPU): "
        f"{imp['services_per_s']:,} services/s ({imp['services_per_cpu_s']:,} per CPU second), "
        f"{imp['rows_per_s']:,} rows/s, "
        f"peak RSS {imp['peak_rss_mb']} MB "
        f"({imp['peak_rss_together_mb']} MB with the reading process)"
    )
    if "vacuum_s" in report:
        print(f"  VACUUM (ANALYZE) after the import: {report['vacuum_s']} s")
    first = report.get("search_first_pass")
    if first:
        print("  first pass over the searches (the database's memory filling), p50 / p95:")
        for label, key in (("stack /api/search", "stack_api"), ("stack /search/", "stack_html")):
            row = first.get(key)
            used = first.get("cpu_with_server", {}).get(key) or first["cpu"].get(key)
            if row and used:
                print(
                    f"    {label:<22} wall {row['p50_ms']} / {row['p95_ms']}, "
                    f"CPU{' with server' if first.get('cpu_with_server') else ''} "
                    f"{used['p50_ms']} / {used['p95_ms']}"
                )
    search = report["search"]
    print(
        f"  {search['queries']} searches, steady state (the second pass; "
        f"{search['refused_count']} refused as bad input, {search['failure_count']} failed)"
    )
    print(f"  {'ms (wall / CPU)':<24}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>9}")
    for label, key in [
        ("stack /api/search", "stack_api"),
        ("stack /search/ (HTML)", "stack_html"),
        ("search() service", "search_service"),
        ("bare SQL, main statement", "bare_sql"),
        ("bare SQL, all statements", "bare_sql_all"),
    ]:
        row = search.get(key)
        if not row:
            print(f"  {label:<24}{'(route not there)':>33}")
        else:
            print(
                f"  {label:<24}{row['p50_ms']:>8}{row['p95_ms']:>8}"
                f"{row['p99_ms']:>8}{row['max_ms']:>9}"
            )
            for name, used in (
                ("  CPU", search["cpu"].get(key)),
                ("  CPU with server", search.get("cpu_with_server", {}).get(key)),
            ):
                if used:
                    print(
                        f"  {name:<24}{used['p50_ms']:>8}{used['p95_ms']:>8}"
                        f"{used['p99_ms']:>8}{used['max_ms']:>9}"
                    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=FULL_SERVICES)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_SERVICES:,} services, 200 searches"
    )
    parser.add_argument(
        "--out", type=Path, default=BENCH_ROOT, help="folder for the database and results"
    )
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgresql", "both"],
        default="both" if pg_bin() else "sqlite",
        help="where to import and search (default: both when PostgreSQL is installed)",
    )
    args = parser.parse_args()
    root = args.out.resolve()
    services, queries = (QUICK_SERVICES, 200) if args.quick else (args.services, args.queries)
    if services < 1 or queries < 1:
        parser.error("--services and --queries must be at least 1")
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    # Each database in a process of its own: Django is set up once per process.
    for database in databases:
        child = [sys.executable, "-m", "bench.national", "--database", database]
        child += ["--out", str(root)]
        if len(databases) > 1:
            options = ["--services", str(services), "--queries", str(queries)]
            done = subprocess.run([*child, *options, "--seed", str(args.seed)], cwd=REPO_ROOT)
            if done.returncode != 0:
                raise SystemExit(done.returncode)
            continue
        run_one(database, services, queries, args.seed, root)


def run_one(database: str, services: int, queries: int, seed: int, root: Path) -> None:
    suffix = "" if database == "sqlite" else f"-{database}"
    out = root / f"national-{services}{suffix}.json"
    with ExitStack() as stack:
        url = None
        if database == "postgresql":
            # Memory for a directory of about a gigabyte, as a production server would have.
            # Under var/bench: the postgres user cannot enter a test's private temp folder.
            server = private_postgres(settings=POSTGRES_SETTINGS)
            url = stack.enter_context(server).url
        report = run(services, queries, seed, url, root)
    print_table(report)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"  written to {out}")


if __name__ == "__main__":
    main()
