"""`export_hsds`: the directory as HSDS 3.1, as JSON (an API page of service_full documents)
or as the tabular data package (datapackage.json + one CSV per table).

Both forms stream: services are read in chunks with their related rows, tables row by row.
A location kept as an area only (a confidential shelter) is exported without its address.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import uuid
from collections.abc import Iterable, Iterator
from itertools import groupby
from pathlib import Path
from typing import IO, Any

from django.db.models import Prefetch, QuerySet

from waypost.directory.models import (
    HSDS_DAYS,
    Address,
    Location,
    Organization,
    Phone,
    PhoneType,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
    Taxonomy,
    TaxonomyTerm,
)
from waypost.directory.taxonomy import ATTRIBUTE_TAXONOMY
from waypost.hsds import tables as t
from waypost.hsds.tabular import DESCRIPTOR

CHUNK = 500


# One record as an HSDS dict ---------------------------------------------------------------


def _clean(record: dict[str, Any]) -> dict[str, Any]:
    """HSDS leaves out what is unknown: empty text, None and empty lists are dropped."""
    return {k: v for k, v in record.items() if v not in ("", None, [])}


def _when(value: dt.date | dt.datetime | dt.time | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        spec = "seconds" if not value.microsecond else "milliseconds"
        if value.microsecond % 1000:
            spec = "microseconds"
        return value.isoformat(timespec=spec).replace("+00:00", "Z")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    return value.isoformat()


def organization(org: Organization) -> dict[str, Any]:
    return _clean(
        {
            "id": str(org.hsds_id),
            "name": org.name,
            "alternate_name": org.alternate_name,
            # HSDS requires a description; the name is the least that can be said.
            "description": org.description or org.name,
            "email": org.email,
            "website": org.website,
            "tax_status": org.tax_status,
            "tax_id": org.tax_id,
            "year_incorporated": org.year_incorporated,
            "legal_status": org.legal_status,
            "logo": org.logo,
            "uri": org.uri,
            "parent_organization_id": _text(org.parent_organization_hsds_id),
        }
    )


def phone(item: Phone) -> dict[str, Any]:
    return _clean(
        {
            "id": str(item.hsds_id),
            "number": item.number,
            "extension": item.extension,
            "type": "textphone" if item.type == PhoneType.TTY else item.type,
            "description": item.description,
            "languages": [_phone_language(item)] if item.language else [],
        }
    )


def _phone_language(item: Phone) -> dict[str, Any]:
    return {"id": str(uuid.uuid5(item.hsds_id, f"language:{item.language}")), "code": item.language}


def schedules(rows: Iterable[Schedule]) -> list[dict[str, Any]]:
    """Rows that came from one HSDS schedule (one per day) become one schedule again."""
    out = []
    ordered = sorted(rows, key=lambda s: (str(s.hsds_group or s.hsds_id), s.weekday))
    for group, members in groupby(ordered, key=lambda s: s.hsds_group or s.hsds_id):
        days = list(members)
        first = days[0]
        out.append(
            _clean(
                {
                    "id": str(group),
                    "valid_from": _when(first.valid_from),
                    "valid_to": _when(first.valid_to),
                    "freq": "WEEKLY",
                    "byday": ",".join(HSDS_DAYS[d.weekday] for d in days),
                    "description": first.description,
                    "opens_at": _when(first.opens_at),
                    "closes_at": _when(first.closes_at),
                    "notes": first.notes,
                }
            )
        )
    return out


def address(location: Location) -> dict[str, Any] | None:
    try:
        found: Address = location.address
    except Address.DoesNotExist:
        return None
    if location.area_only:
        return None
    # HSDS requires a postal code; an address typed without one says so with "".
    return {"postal_code": ""} | _clean(
        {
            "id": str(found.hsds_id or uuid.uuid5(location.hsds_id, "address")),
            "attention": found.attention,
            "address_1": found.address_1,
            "address_2": found.address_2,
            "city": found.city,
            "region": found.region,
            "state_province": found.state_province,
            "postal_code": found.postal_code,
            "country": found.country,
            "address_type": found.address_type,
        }
    )


def location(item: Location) -> dict[str, Any]:
    found = address(item)
    return _clean(
        {
            "id": str(item.hsds_id),
            "location_type": item.location_type,
            "url": item.url,
            "name": item.name,
            "alternate_name": item.alternate_name,
            "description": item.description or item.area_description,
            "transportation": item.transportation,
            "latitude": item.latitude,
            "longitude": item.longitude,
            "external_identifier": item.external_identifier,
            "external_identifier_type": item.external_identifier_type,
            "addresses": [found] if found else [],
        }
    )


def taxonomy(item: Taxonomy) -> dict[str, Any]:
    return _clean(
        {
            "id": str(item.hsds_id),
            "name": item.name,
            "description": item.description or item.name,
            "uri": item.uri,
            "version": item.version,
        }
    )


def taxonomy_term(term: TaxonomyTerm) -> dict[str, Any]:
    return _clean(
        {
            "id": str(term.hsds_id),
            "code": term.code,
            "name": term.name,
            "description": term.description or term.name,
            "parent_id": str(term.parent.hsds_id) if term.parent else None,
            "taxonomy": term.taxonomy.name,
            "taxonomy_detail": taxonomy(term.taxonomy),
            "language": term.language,
            "term_uri": term.term_uri,
        }
    )


def attribute(service: Service, term: TaxonomyTerm) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid5(service.hsds_id, str(term.hsds_id))),
        "link_entity": "service",
        "taxonomy_term": taxonomy_term(term),
    }


def language(item: ServiceLanguage, service: Service) -> dict[str, Any]:
    return _clean(
        {
            "id": str(item.hsds_id or uuid.uuid5(service.hsds_id, f"language:{item.code}")),
            "name": item.name,
            "code": item.code,
            "note": item.note,
        }
    )


def service_area(area: ServiceArea) -> dict[str, Any]:
    return _clean(
        {
            "id": str(area.hsds_id),
            "name": area.name or (area.place.display_name if area.place else ""),
            "description": area.description,
            "uri": area.uri,
        }
    )


def service_full(service: Service) -> dict[str, Any]:
    """A service with everything Waypost knows about it, as an HSDS 3.1 service_full."""
    all_schedules = list(service.schedules.all())
    terms = [*service.categories.all(), *service.attributes.all()]
    return _clean(
        {
            "id": str(service.hsds_id),
            "organization_id": str(service.organization.hsds_id),
            "name": service.name,
            "alternate_name": service.alternate_name,
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "interpretation_services": service.interpretation_services,
            "application_process": service.application_process,
            "fees_description": service.fees_description,
            "wait_time": service.wait_time,
            "fees": service.fees,
            "accreditations": service.accreditations,
            "eligibility_description": service.eligibility_description,
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "assured_date": _when(service.assured_date),
            "assurer_email": service.assurer_email,
            "licenses": service.licenses,
            "alert": service.alert,
            "last_modified": _when(service.last_modified),
            "phones": [phone(p) for p in service.phones.all()],
            "schedules": schedules(all_schedules),
            "service_areas": [service_area(a) for a in service.areas.all()],
            "service_at_locations": [
                _clean(
                    {
                        "id": str(link.hsds_id),
                        "description": link.description,
                        "schedules": schedules(
                            s for s in all_schedules if s.location_id == link.location_id
                        ),
                        "location": location(link.location),
                    }
                )
                for link in service.at_locations.all()
            ],
            "languages": [language(lang, service) for lang in service.languages.all()],
            "organization": organization(service.organization),
            "attributes": [attribute(service, term) for term in terms],
        }
    )


def with_everything(services: QuerySet[Service]) -> QuerySet[Service]:
    """Services with every related row service_full reads, in a fixed number of queries."""
    terms = TaxonomyTerm.objects.select_related("taxonomy", "parent")
    return services.select_related("organization").prefetch_related(
        "phones",
        "schedules",
        Prefetch("areas", queryset=ServiceArea.objects.select_related("place")),
        "languages",
        Prefetch("categories", queryset=terms),
        Prefetch("attributes", queryset=terms),
        Prefetch(
            "at_locations",
            queryset=ServiceAtLocation.objects.select_related("location__address"),
        ),
    )


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
    services = with_everything(Service.objects.order_by("pk")).iterator(chunk_size=CHUNK)
    for index, service in enumerate(services):
        out.write(",\n" if index else "\n")
        out.write(json.dumps(service_full(service), ensure_ascii=False))
    out.write("\n]}\n")
    return total


def write_tabular(folder: Path) -> dict[str, int]:
    """A data package: datapackage.json and one CSV per table Waypost models."""
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
            n = 0
            for row in rows:
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
        if column.required:
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
    yield t.TAXONOMY, (taxonomy(x) for x in Taxonomy.objects.order_by("pk").iterator())
    yield (
        t.TAXONOMY_TERM,
        (
            {**taxonomy_term(x), "taxonomy_id": str(x.taxonomy.hsds_id)}
            for x in TaxonomyTerm.objects.select_related("taxonomy", "parent")
            .order_by("pk")
            .iterator()
        ),
    )
    yield t.ORGANIZATION, (organization(x) for x in Organization.objects.order_by("pk").iterator())
    yield (
        t.SERVICE,
        (
            {k: v for k, v in service_full(x).items() if not isinstance(v, list | dict)}
            for x in _plain(Service.objects.select_related("organization"))
        ),
    )
    yield (
        t.LOCATION,
        (
            {**location(x), "organization_id": _text(x.organization and x.organization.hsds_id)}
            for x in _plain(Location.objects.select_related("organization", "address"))
        ),
    )
    yield (
        t.ADDRESS,
        (
            {**found, "location_id": str(x.hsds_id)}
            for x in _plain(Location.objects.select_related("address"))
            if (found := address(x))
        ),
    )
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
            {**phone(x), "service_id": str(x.service.hsds_id)}
            for x in _plain(Phone.objects.select_related("service"))
        ),
    )
    yield t.SCHEDULE, _schedule_rows()
    yield (
        t.LANGUAGE,
        (
            {**language(x, x.service), "service_id": str(x.service.hsds_id)}
            for x in _plain(ServiceLanguage.objects.select_related("service"))
        ),
    )
    yield (
        t.LANGUAGE,
        (
            {**_phone_language(x), "phone_id": str(x.hsds_id)}
            for x in _plain(Phone.objects.exclude(language=""))
        ),
    )
    yield t.ATTRIBUTE, _attribute_rows()
    yield (
        t.SERVICE_AREA,
        (
            {**service_area(x), "service_id": str(x.service.hsds_id)}
            for x in _plain(ServiceArea.objects.select_related("service", "place"))
        ),
    )


def _plain(queryset: QuerySet[Any]) -> Iterator[Any]:
    return queryset.order_by("pk").iterator(chunk_size=2000)


def _schedule_rows() -> Iterator[dict[str, Any]]:
    rows = Schedule.objects.select_related("service", "location").order_by(
        "service_id", "hsds_group", "weekday", "pk"
    )
    for _service, members in groupby(rows.iterator(chunk_size=2000), key=lambda s: s.service_id):
        found = list(members)
        first = {s.hsds_group or s.hsds_id: s for s in reversed(found)}
        for item in schedules(found):
            row = first[uuid.UUID(item["id"])]
            yield {
                **item,
                "service_id": str(row.service.hsds_id),
                "location_id": str(row.location.hsds_id) if row.location else None,
            }


def _attribute_rows() -> Iterator[dict[str, Any]]:
    for through in (Service.categories.through, Service.attributes.through):
        links = through.objects.order_by("pk").values_list(
            "service__hsds_id", "taxonomyterm__hsds_id"
        )
        for service_id, term_id in links.iterator(chunk_size=5000):
            yield {
                "id": str(uuid.uuid5(service_id, str(term_id))),
                "link_id": str(service_id),
                "taxonomy_term_id": str(term_id),
                "link_entity": "service",
            }


def is_attribute(term: TaxonomyTerm) -> bool:
    return term.taxonomy.name == ATTRIBUTE_TAXONOMY
