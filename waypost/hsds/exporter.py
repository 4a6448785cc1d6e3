"""`export_hsds`: the directory as HSDS 3.1, as JSON (an API page of service_full documents)
or as the tabular data package (datapackage.json + one CSV per table).

Both forms stream: services are read in chunks with their related rows, tables row by row.
A location kept as an area only (a confidential shelter) is exported without its address.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet

from waypost.directory.models import (
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
    Taxonomy,
)
from waypost.hsds import serialize
from waypost.hsds import tables as t
from waypost.hsds.tabular import DESCRIPTOR

CHUNK = 500


# Whole exports ----------------------------------------------------------------------------


def write_json(out: IO[str]) -> int:
    """Every service as one HSDS API page (the shape `import_hsds` reads back)."""
    total = Service.objects.count()
    head = {
        "total_items": total,
        "total_pages": 1,
        "page_number": 1,
        "size": total,
        "first_page": True,
        "last_page": True,
        "empty": total == 0,
    }
    out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "contents": [')
    services = serialize.services_queryset(full=True).order_by("pk").iterator(chunk_size=CHUNK)
    for index, service in enumerate(services):
        out.write(",\n" if index else "\n")
        out.write(json.dumps(serialize.service_full(service), ensure_ascii=False))
    out.write("\n]}\n")
    return total


# Cells the HSDS package requires that Waypost may hold empty (an address typed without a
# postal code): a row without one would break the package's constraints, so it is left out
# of the tabular export (the JSON form, where "" is a string, keeps it).
HSDS_REQUIRED = {"address": ("postal_code",)}


def write_tabular(folder: Path, left_out: dict[str, int] | None = None) -> dict[str, int]:
    """A data package: datapackage.json and one CSV per table Waypost models. `left_out`
    receives, by file, the rows left out for lack of a value HSDS requires."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for table, rows in _table_rows():
        # A table may come in parts (languages of services, then of phones): append.
        started = table.file in counts
        with (folder / table.file).open(
            "a" if started else "w", encoding="utf-8", newline=""
        ) as out:
            writer = csv.writer(out)
            if not started:
                writer.writerow([c.name for c in table.columns])
            names = [c.name for c in table.columns]
            needed = HSDS_REQUIRED.get(table.name, ())
            n = 0
            for row in rows:
                if any(not row.get(name) for name in needed):
                    if left_out is not None:
                        left_out[table.file] = left_out.get(table.file, 0) + 1
                    continue
                writer.writerow(["" if row.get(name) is None else row[name] for name in names])
                n += 1
        counts[table.file] = counts.get(table.file, 0) + n
    descriptor = {
        "name": "waypost-hsds",
        "title": "Waypost directory (HSDS 3.1)",
        "profile": "tabular-data-package",
        "version": "3.1",
        "resources": [_resource(table) for table in t.TABLES],
    }
    (folder / DESCRIPTOR).write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
    return counts


_FIELD_TYPES = {
    "text": ("string", None),
    "uuid": ("string", "uuid"),
    "email": ("string", "email"),
    "uri": ("string", "uri"),
    "int": ("number", None),
    "number": ("number", None),
    "date": ("date", None),
    "datetime": ("datetime", None),
    "time": ("time", None),
}


def _resource(table: t.Table) -> dict[str, Any]:
    fields = []
    for column in table.columns:
        kind, form = _FIELD_TYPES[column.kind]
        field: dict[str, Any] = {"name": column.name, "type": kind}
        if form:
            field["format"] = form
        if column.required or column.name in HSDS_REQUIRED.get(table.name, ()):
            field["constraints"] = {"required": True}
        fields.append(field)
    return {
        "name": table.name,
        "path": table.file,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": fields, "primaryKey": "id"},
    }


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _table_rows() -> Iterator[tuple[t.Table, Iterator[dict[str, Any]]]]:
    terms = serialize.terms_queryset().order_by("pk")
    yield t.TAXONOMY, (serialize.taxonomy(x) for x in Taxonomy.objects.order_by("pk").iterator())
    yield t.TAXONOMY_TERM, (serialize.taxonomy_term(x) for x in terms.iterator())
    yield (
        t.ORGANIZATION,
        (serialize.organization(x) for x in Organization.objects.order_by("pk").iterator()),
    )
    yield (
        t.SERVICE,
        (
            serialize.service_list_item(x, with_organization=False)
            for x in _plain(serialize.services_queryset(full=False))
        ),
    )
    locations = Location.objects.select_related("organization", "address")
    yield t.LOCATION, (serialize.location(x) for x in _plain(locations))
    yield t.ADDRESS, (found for x in _plain(locations) if (found := serialize.address(x)))
    yield (
        t.SERVICE_AT_LOCATION,
        (
            {
                "id": str(x.hsds_id),
                "service_id": str(x.service.hsds_id),
                "location_id": str(x.location.hsds_id),
                "description": x.description,
            }
            for x in _plain(ServiceAtLocation.objects.select_related("service", "location"))
        ),
    )
    yield (
        t.PHONE,
        (
            {**serialize.phone(x), "service_id": str(x.service.hsds_id)}
            for x in _plain(Phone.objects.select_related("service"))
        ),
    )
    yield t.SCHEDULE, _schedule_rows()
    yield (
        t.LANGUAGE,
        (
            serialize.language(x.service, x)
            for x in _plain(ServiceLanguage.objects.select_related("service"))
        ),
    )
    yield (
        t.LANGUAGE,
        (
            {**serialize.phone(x)["languages"][0], "phone_id": str(x.hsds_id)}
            for x in _plain(Phone.objects.exclude(language=""))
        ),
    )
    yield t.ATTRIBUTE, _attribute_rows()
    yield (
        t.SERVICE_AREA,
        (
            serialize.service_area(x, x.service)
            for x in _plain(ServiceArea.objects.select_related("service", "place"))
        ),
    )


def _plain(queryset: QuerySet[Any]) -> Iterator[Any]:
    return queryset.order_by("pk").iterator(chunk_size=2000)


def _schedule_rows() -> Iterator[dict[str, Any]]:
    rows = Schedule.objects.select_related("service", "location").order_by("service_id", "pk")
    for _service, members in groupby(rows.iterator(chunk_size=2000), key=lambda s: s.service_id):
        found = list(members)
        yield from serialize.schedules(found, found[0].service)


def _attribute_rows() -> Iterator[dict[str, Any]]:
    for through in (Service.categories.through, Service.attributes.through):
        links = through.objects.order_by("pk").values_list(
            "service__hsds_id", "taxonomyterm__hsds_id"
        )
        for service_id, term_id in links.iterator(chunk_size=5000):
            yield {
                "id": serialize.derived_id(service_id, f"attribute:{term_id}"),
                "link_id": str(service_id),
                "taxonomy_term_id": str(term_id),
                "link_entity": "service",
            }
