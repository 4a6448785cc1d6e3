"""The HTML of 60 reader pages, written to a folder, to compare two versions of the code.

Run from the repository root:

    python -m bench.page_snapshot --db DIR OUT        # writes OUT/<n>.html and OUT/index.json
    python -m bench.page_snapshot --db DIR --guides OUT
    python -m bench.page_snapshot --compare OLD NEW   # names every page whose HTML differs

DIR holds the SQLite database (migrated, then the demo loaded when it is empty); keep it
between the two snapshots, since services get random identifiers when they are loaded. Both
Norwalks and other guides in English and Spanish, searches, cards, state pages and service
pages, rendered through the WSGI application as a server would. With --guides, 60 city
guides instead: both Norwalks and 28 other cities, each in English and Spanish (the pages whose
speed bench/guide_pages.py measures).
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import os
import random
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED = 17
NORWALKS = ["us/ct/norwalk", "us/ca/norwalk"]
STATES = ["ct", "ca", "ny", "tx"]
SEARCHES = [
    "near=us/ct/norwalk",
    "near=us/ca/norwalk&q=testing",
    "near=06850&category=health&radius=10",
]
OTHER_CITIES = 11
SERVICES = 8
GUIDES_SEED = 42
GUIDES_OTHER_CITIES = 28


def _configure_environment(db_dir: Path) -> None:
    db_dir.mkdir(parents=True, exist_ok=True)
    os.environ["WAYPOST_VAR_DIR"] = str(db_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypost.settings")
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))


def _prepare() -> None:
    from django.core.management import call_command

    from waypost.datasets.demo import load_demo
    from waypost.guides.models import EditorialAnswer

    # Stops at once when something is missing (compiled translations, say) rather than
    # writing pages that differ for that reason.
    call_command("check", fail_level="ERROR")
    call_command("migrate", interactive=False, verbosity=0)
    if not EditorialAnswer.objects.exists():
        load_demo()
    call_command("collectstatic", interactive=False, verbosity=0)


BOTH_LANGUAGES = ["", "/es"]


def _other_cities(seed: int, count: int) -> list[str]:
    from waypost.places.models import Place, PlaceKind

    cities = sorted(
        Place.objects.filter(kind=PlaceKind.CITY)
        .exclude(path__in=NORWALKS)
        .values_list("path", flat=True)
    )
    return random.Random(seed).sample(cities, count)


def guide_paths() -> list[str]:
    cities = [*NORWALKS, *_other_cities(GUIDES_SEED, GUIDES_OTHER_CITIES)]
    return [f"{lang}/{path}/" for path in cities for lang in BOTH_LANGUAGES]


def page_paths() -> list[str]:
    from waypost.directory.models import Service

    both = BOTH_LANGUAGES
    paths = [f"{lang}/{path}/" for path in NORWALKS for lang in both]
    paths += [f"{lang}/{path}/card/" for path in NORWALKS for lang in both]
    paths += [f"{lang}/us/{code}/" for code in STATES for lang in both]
    paths += [f"{lang}/search/?{query}" for query in SEARCHES for lang in both]
    services = Service.objects.order_by("name", "hsds_id").values_list("hsds_id", flat=True)
    paths += [f"{lang}/services/{hsds_id}/" for hsds_id in services[:SERVICES] for lang in both]
    for path in _other_cities(SEED, OTHER_CITIES):
        paths += [f"{lang}/{path}/" for lang in both]
    return paths


def _get(app: Any, path: str) -> tuple[int, bytes]:
    route, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": route,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
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

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return int(statuses[0].split()[0]), body


def snapshot(db_dir: Path, out: Path, *, guides: bool = False) -> int:
    _configure_environment(db_dir)
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application

    _prepare()
    app = get_wsgi_application()
    out.mkdir(parents=True, exist_ok=True)
    index = []
    for number, path in enumerate(guide_paths() if guides else page_paths()):
        status, body = _get(app, path)
        name = f"{number:02d}.html"
        (out / name).write_bytes(body)
        index.append({"file": name, "path": path, "status": status})
    (out / "index.json").write_text(json.dumps(index, indent=2) + "\n")
    print(f"{len(index)} pages written to {out}")
    bad = [row for row in index if row["status"] != 200]
    for row in bad:
        print(f"status {row['status']}: {row['path']}")
    return 1 if bad else 0


def compare(old: Path, new: Path) -> int:
    old_index = json.loads((old / "index.json").read_text())
    new_index = {row["path"]: row for row in json.loads((new / "index.json").read_text())}
    differing = 0
    for row in old_index:
        other = new_index.get(row["path"])
        if other is None:
            print(f"missing in {new}: {row['path']}")
            differing += 1
            continue
        before = (old / row["file"]).read_text().splitlines()
        after = (new / other["file"]).read_text().splitlines()
        if before == after:
            continue
        differing += 1
        print(f"=== {row['path']}")
        diff = difflib.unified_diff(before, after, "before", "after", n=1, lineterm="")
        for line in diff:
            print(line)
    print(f"{len(old_index) - differing} of {len(old_index)} pages identical")
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", type=Path, help="folder of the SQLite database to render from")
    parser.add_argument("--compare", action="store_true", help="compare two snapshot folders")
    parser.add_argument(
        "--guides", action="store_true", help="60 city guides instead of the mix of pages"
    )
    parser.add_argument("folders", type=Path, nargs="+")
    args = parser.parse_args(argv)
    if args.compare:
        if len(args.folders) != 2:
            parser.error("--compare takes two folders: OLD NEW")
        return compare(*args.folders)
    if args.db is None or len(args.folders) != 1:
        parser.error("give --db DIR and one output folder")
    return snapshot(args.db, args.folders[0], guides=args.guides)


if __name__ == "__main__":
    sys.exit(main())
