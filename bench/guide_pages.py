"""Server time and weight of city guide pages, through the whole Django stack, in-process.

Run from the repository root:  python -m bench.guide_pages [--quick] [--out DIR]

It prepares its own SQLite database under DIR (default var/bench: migrate, then the demo
data when it is missing), so it never touches the development database or one named by
DATABASE_URL. Each page is timed twice: composed and rendered (the page cache emptied
before each request, the rows many pages share kept as a running site keeps them) and from
the page cache (asked again, unchanged data). Some cities are timed a third way, with nothing
kept at all, as the first page after a change to the data finds it. Results are printed and
written to DIR/guide_pages.json.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import math
import os
import platform
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = REPO_ROOT / "var" / "bench"
RESULT_NAME = "guide_pages.json"

NORWALKS = ["/us/ct/norwalk/", "/us/ca/norwalk/"]
STATIC_FILES = ["site/site.css", "site/quick-exit.js", "site/favicon.svg"]
SEED = 42
WARMUP = 10


@dataclass(frozen=True)
class Plan:
    renders: int
    cities: int


FULL = Plan(renders=200, cities=1000)
QUICK = Plan(renders=20, cities=50)
# Cities timed with every cache emptied: each such request also reads the rows all guides
# share, so a few are enough to show what that costs.
COLD_CITIES = 50


def _configure_environment(folder: Path) -> None:
    # Settings read these at import time, so they must be set before django.setup().
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["WAYPOST_VAR_DIR"] = str(folder)
    # Pages are kept in this process's memory, whatever the environment names.
    os.environ.pop("WAYPOST_CACHE_URL", None)
    # A benchmark that migrates and loads data must never reach a configured database.
    os.environ.pop("DATABASE_URL", None)
    # Time what production runs: DEBUG would record every query and slow each page.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypost.settings")
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile: a value that was actually measured, never an interpolation."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summarize(samples_ms: list[float]) -> dict[str, float | int]:
    return {
        "n": len(samples_ms),
        "p50_ms": round(percentile(samples_ms, 50), 2),
        "p95_ms": round(percentile(samples_ms, 95), 2),
        "p99_ms": round(percentile(samples_ms, 99), 2),
        "max_ms": round(max(samples_ms), 2),
    }


def prepare_database() -> str:
    from django.core.management import call_command

    from waypost.datasets.demo import load_demo
    from waypost.guides.models import EditorialAnswer
    from waypost.places.models import Place

    call_command("migrate", interactive=False, verbosity=0)
    # load_demo writes editorial answers last, so their presence means a complete earlier load.
    loaded = (
        Place.objects.filter(path__in=[p.strip("/") for p in NORWALKS]).count() == len(NORWALKS)
        and EditorialAnswer.objects.exists()
    )
    if loaded:
        return "demo data already loaded"
    started = time.perf_counter()
    load_demo()
    return f"demo data loaded in {time.perf_counter() - started:.1f} s"


def collect_static() -> None:
    from django.core.management import call_command

    # WhiteNoise serves (and pre-compresses) what collectstatic wrote; measure that.
    call_command("collectstatic", interactive=False, verbosity=0)


class Timer:
    """GET through the WSGI application as a server calls it: every middleware, gzip
    accepted, and none of the test client's instrumentation (which copies each template
    context and would be counted as server time)."""

    def __init__(self) -> None:
        from django.core.wsgi import get_wsgi_application

        self.app = get_wsgi_application()
        self.failures: list[tuple[str, int]] = []
        self.cpu_ms: list[float] = []

    def _get(self, path: str, encoding: str) -> tuple[int, bytes]:
        route, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": route,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_ACCEPT_ENCODING": encoding,
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        statuses: list[str] = []

        def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            statuses.append(status)
            return lambda data: None

        result = self.app(environ, start_response)
        try:
            # A streamed body (static files) is only produced when read; time that too.
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        code = int(statuses[0].split()[0])
        if code != 200:
            self.failures.append((path, code))
        return code, body

    def get_ms(self, path: str, *, cached: bool = False, cold: bool = False) -> float:
        if not cached:
            from django.core.cache import caches

            from waypost.guides import shared

            # Emptied before the clock starts: the request composes and renders the page.
            caches["default"].clear()
            if cold:
                caches[shared.CACHE].clear()
        cpu_started = time.process_time()
        started = time.perf_counter()
        self._get(path, "gzip")
        elapsed = (time.perf_counter() - started) * 1000
        # CPU time of this process alone: on a shared machine other work inflates the
        # wall-clock figure, not this one, so both are reported.
        self.cpu_ms.append((time.process_time() - cpu_started) * 1000)
        return elapsed

    def body(self, path: str, compressed: bool) -> bytes:
        return self._get(path, "gzip" if compressed else "identity")[1]


def _timed(timer: Timer, paths: list[str], *, cached: bool, cold: bool = False) -> dict[str, Any]:
    timer.cpu_ms.clear()
    samples = [timer.get_ms(path, cached=cached, cold=cold) for path in paths]
    slowest = max(range(len(paths)), key=samples.__getitem__)
    return {**summarize(samples), "slowest_path": paths[slowest], "cpu": summarize(timer.cpu_ms)}


def time_norwalks(timer: Timer, plan: Plan) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for path in NORWALKS:
        for _ in range(WARMUP):
            timer.get_ms(path)
        results[path] = _timed(timer, [path] * plan.renders, cached=False)
        timer.get_ms(path)
        results[path]["cached"] = _timed(timer, [path] * plan.renders, cached=True)
    return results


def city_paths() -> list[str]:
    from waypost.places.models import Place, PlaceKind

    cities = Place.objects.filter(kind=PlaceKind.CITY).order_by("path")
    return [f"/{path}/" for path in cities.values_list("path", flat=True)]


def time_sample(timer: Timer, plan: Plan) -> dict[str, Any]:
    paths = city_paths()
    sample = random.Random(SEED).sample(paths, min(plan.cities, len(paths)))
    uncached = _timed(timer, sample, cached=False)
    # Each city once more, into the cache, then timed from it.
    for path in sample:
        timer.get_ms(path, cached=True)
    cached = _timed(timer, sample, cached=True)
    cold = _timed(timer, sample[: min(COLD_CITIES, len(sample))], cached=False, cold=True)
    return {"seed": SEED, "cities_total": len(paths), **uncached, "cached": cached, "cold": cold}


def measure_sizes(timer: Timer) -> dict[str, Any]:
    from django.templatetags.static import static

    pages = {}
    for path in NORWALKS:
        raw = timer.body(path, False)
        pages[path] = {
            "bytes": len(raw),
            # As served: Django's GZipMiddleware pads with 0-100 random bytes against BREACH,
            # so this moves a little from run to run; the unpadded figure does not.
            "gzip_bytes": len(timer.body(path, True)),
            "gzip_bytes_unpadded": len(gzip.compress(raw, compresslevel=6, mtime=0)),
        }
    files = {}
    for name in STATIC_FILES:
        url = static(name)
        files[name] = {
            "url": url,
            "bytes": len(timer.body(url, False)),
            "gzip_bytes": len(timer.body(url, True)),
        }
    return {"pages": pages, "static": files}


def print_report(report: dict[str, Any], result_file: Path) -> None:
    print(f"Guide pages, server side ({report['renders']} renders each, {report['database']})")
    sample = report["sample"]
    rows = [*report["norwalk"].items(), (f"{sample['n']} random cities", sample)]
    header = f"{'page':<28}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    for title, pick in [
        ("Composed and rendered (page cache emptied before each request):", lambda r: r),
        ("CPU time of the same renders (other load on the machine excluded):", lambda r: r["cpu"]),
        ("From the page cache:", lambda r: r["cached"]),
        ("CPU time from the page cache:", lambda r: r["cached"]["cpu"]),
    ]:
        print(title)
        print(header)
        for name, row in rows:
            shown = pick(row)
            print(
                f"{name:<28}{shown['p50_ms']:>9.2f}{shown['p95_ms']:>9.2f}"
                f"{shown['p99_ms']:>9.2f}{shown['max_ms']:>9.2f}"
            )
        print()
    cold = sample["cold"]
    print(f"With nothing kept (every cache emptied), {cold['n']} of the random cities:")
    print(header)
    for name, shown in [("wall", cold), ("CPU", cold["cpu"])]:
        print(
            f"{name:<28}{shown['p50_ms']:>9.2f}{shown['p95_ms']:>9.2f}"
            f"{shown['p99_ms']:>9.2f}{shown['max_ms']:>9.2f}"
        )
    print()
    print(f"slowest sampled city, composed: {sample['slowest_path']}")
    print()
    print(f"{'response':<28}{'bytes':>9}{'gzip':>9}")
    sizes = report["sizes"]
    for name, row in [*sizes["pages"].items(), *sizes["static"].items()]:
        print(f"{name:<28}{row['bytes']:>9}{row['gzip_bytes']:>9}")
    static_gzip = sum(row["gzip_bytes"] for row in sizes["static"].values())
    for path, row in sizes["pages"].items():
        total = row["gzip_bytes"] + static_gzip
        print(f"{path} + static, gzip bodies: {total} bytes ({total / 1024:.1f} KB)")
    print(f"\nwritten to {result_file}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--quick", action="store_true", help="a few renders only, to check the bench runs"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_DIR,
        help="folder for the database and the results (default var/bench)",
    )
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    folder = args.out.resolve()
    result_file = folder / RESULT_NAME

    _configure_environment(folder)
    import django

    django.setup()
    from django.conf import settings

    print(prepare_database())
    collect_static()
    timer = Timer()
    report: dict[str, Any] = {
        "quick": args.quick,
        "renders": plan.renders,
        "warmup": WARMUP,
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "python": platform.python_version(),
        "django": django.get_version(),
        "norwalk": time_norwalks(timer, plan),
        "sample": time_sample(timer, plan),
        "sizes": measure_sizes(timer),
    }
    report["failures"] = [{"path": path, "status": status} for path, status in timer.failures]
    result_file.write_text(json.dumps(report, indent=2) + "\n")
    print_report(report, result_file)
    if timer.failures:
        print(f"\n{len(timer.failures)} responses were not 200: {timer.failures[:10]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
