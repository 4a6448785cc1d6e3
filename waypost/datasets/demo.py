"""The demo data set: gazetteer, categories, the facts files and editorial answers, then
the public national data sets found in `DATASETS_DIR` (WAYPOST_DATASETS_DIR), if set.

One loader for the demo site and the tests, so the demo never drifts from what is tested.
The tests load it without the national data sets, whatever the environment says.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from waypost.datasets.editorial import load_editorial_dir
from waypost.datasets.errors import DataFileError
from waypost.datasets.facts import load_facts_file
from waypost.datasets.national import dataset_files, import_dataset
from waypost.datasets.translations import load_translations_dir
from waypost.dataversion.services import many_writes
from waypost.directory.taxonomy import ensure_taxonomies
from waypost.places.gazetteer import load_gazetteer, refresh_statistics
from waypost.places.models import Place

PROJECT_DATA = settings.BASE_DIR / "data"


# One facts file per state (and DC), with its counties: editors of one state never touch
# another's file.
STATE_LAWS = "laws"
# Each state's statewide help (coalitions, compensation, 211, testing information).
STATE_RESOURCES = "resources"
STATE_COUNT = 51


def demo_files() -> list[Path]:
    """Facts files of the demo, in load order (federal law first, then each state's)."""
    return [
        PROJECT_DATA / "federal-facts.json",
        PROJECT_DATA / "norwalk-facts.json",
        *sorted((PROJECT_DATA / STATE_LAWS).glob("us-*.json")),
        *sorted((PROJECT_DATA / STATE_RESOURCES).glob("us-*.json")),
    ]


def load_datasets(folder: Path) -> list[str]:
    """Import every data set file the folder holds (recognised by name), each all or nothing."""
    if not folder.is_dir():
        raise DataFileError(str(folder), "folder", None, "does not exist (WAYPOST_DATASETS_DIR)")
    lines = []
    for kind, path in dataset_files(folder):
        summary = import_dataset(kind, path)
        lines += summary.lines(each_left_out=False)
    if not lines:
        lines.append(f"{folder}: no data set file (hrsa*.csv, hospitals*.csv, lsc*.json)")
    return lines


@many_writes()
def load_demo(*, gazetteer: bool = True, datasets: bool = True) -> list[str]:
    lines = []
    if gazetteer or not Place.objects.filter(path="us").exists():
        stats = load_gazetteer()
        lines.append(f"gazetteer: {stats.cities} cities, {stats.zip_codes} ZIP codes")
    ensure_taxonomies()
    for path in demo_files():
        if not path.exists():
            raise DataFileError(str(path), "file", None, "does not exist")
        lines.append(str(load_facts_file(path)))
    count = load_editorial_dir(PROJECT_DATA / "editorial")
    lines.append(f"editorial: {count} answers")
    count = load_translations_dir(PROJECT_DATA / "translations")
    lines.append(f"translations: {count} entries")
    if datasets and settings.DATASETS_DIR is not None:
        lines += load_datasets(settings.DATASETS_DIR)
    refresh_statistics()
    return lines
