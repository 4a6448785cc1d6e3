"""Waypost's directory as HSDS 3.1 objects (plain dicts ready for JSON).

One function per HSDS entity, shared by the HSDS API and the export. Objects that Waypost
keeps without an HSDS id of their own (an address, a language, an attribute link) get a
stable one derived from their owner's id, so the same record has the same id in every
export. Empty optional fields are left out rather than sent as empty strings (HSDS types
some of them as URIs or e-mail addresses, which an empty string is not).

Categories and attributes are both HSDS `attributes` (links to taxonomy terms); the term's
taxonomy tells them apart on import.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from itertools import groupby
from typing import Any

from django.db.models import Prefetch, QuerySet

from waypost.directory.models import (
    HSDS_DAYS,
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
from waypost.hsds.tables import SERVICE as SERVICE_TABLE

HSDS_VERSION = "3.1"
HSDS_PROFILE = "https://openreferral.org/hsds/3.1/"

JSON = dict[str, Any]


def derived_id(owner: uuid.UUID, what: str) -> str:
    """A stable HSDS id for a record Waypost stores without one (uuid5 of its owner)."""
    return str(uuid.uuid5(owner, what))


def _put(out: JSON, key: str, value: Any) -> None:
    if value not in ("", None, []):
        out[key] = value


def _time(value: dt.time) -> str:
    return value.strftime("%H:%M:%S")


def _datetime(value: dt.datetime) -> str:
    # As precise as the value is, so an imported "…:45.123Z" goes out as it came in.
    spec = "seconds" if not value.microsecond else "milliseconds"
    if value.microsecond % 1000:
        spec = "microseconds"
    return value.astimezone(dt.UTC).isoformat(timespec=spec).replace("+00:00", "Z")


# ---- taxonomies ---------------------------------------------------------------------------


def taxonomy(t: Taxonomy) -> JSON:
    # HSDS requires a description; the name is the least that can be said.
    out: JSON = {"id": str(t.hsds_id), "name": t.name, "description": t.description or t.name}
    _put(out, "uri", t.uri)
    _put(out, "version", t.version)
    return out


def taxonomy_term(term: TaxonomyTerm, *, detail: bool = False) -> JSON:
    """Needs `taxonomy` and `parent` loaded (select_related) to avoid a query per term."""
    out: JSON = {
        "id": str(term.hsds_id),
        "name": term.name,
        "description": term.description or term.name,
        "taxonomy": term.taxonomy.name,
        "taxonomy_id": str(term.taxonomy.hsds_id),
    }
    _put(out, "code", term.code)
    _put(out, "language", term.language)
    _put(out, "term_uri", term.term_uri)
    if term.parent_id is not None and term.parent is not None:
        out["parent_id"] = str(term.parent.hsds_id)
    if detail:
        out["taxonomy_detail"] = taxonomy(term.taxonomy)
    return out


def terms_queryset() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.select_related("taxonomy", "parent")


# ---- organizations -----------------------------------------------------------------------


def organization(org: Organization) -> JSON:
    out: JSON = {
        "id": str(org.hsds_id),
        "name": org.name,
        # HSDS requires a description; the name is the least that can be said.
        "description": org.description or org.name,
    }
    for key in (
        "alternate_name",
        "email",
        "website",
        "tax_status",
        "tax_id",
        "year_incorporated",
        "legal_status",
        "logo",
        "uri",
    ):
        _put(out, key, getattr(org, key))
    if org.parent_organization_hsds_id is not None:
        out["parent_organization_id"] = str(org.parent_organization_hsds_id)
    return out


def organization_full(org: Organization, services: Iterable[Service]) -> JSON:
    """An organization with its services: ids and names, as the HSDS API's default is."""
    out = organization(org)
    out["services"] = [service_list_item(s, with_organization=False) for s in services]
    return out


# ---- locations ---------------------------------------------------------------------------


def address(location: Location) -> JSON | None:
    addr = getattr(location, "address", None)
    if addr is None or location.area_only:
        return None
    out: JSON = {
        "id": str(addr.hsds_id) if addr.hsds_id else derived_id(location.hsds_id, "address"),
        "location_id": str(location.hsds_id),
        "address_1": addr.address_1,
        "city": addr.city,
        "state_province": addr.state_province,
        # Required by HSDS; an address typed without one says so with "".
        "postal_code": addr.postal_code,
        "country": addr.country,
        "address_type": addr.address_type or "physical",
    }
    for key in ("attention", "address_2", "region"):
        _put(out, key, getattr(addr, key))
    return out


def location(loc: Location) -> JSON:
    """Needs `address` and `organization` loaded. An area-only location (a confidential
    shelter) gives its area, never a street address."""
    out: JSON = {
        "id": str(loc.hsds_id),
        "location_type": loc.location_type or "physical",
        "latitude": loc.latitude,
        "longitude": loc.longitude,
    }
    for key in (
        "url",
        "name",
        "alternate_name",
        "transportation",
        "external_identifier",
        "external_identifier_type",
    ):
        _put(out, key, getattr(loc, key))
    if loc.organization is not None:
        out["organization_id"] = str(loc.organization.hsds_id)
    _put(out, "description", loc.description or loc.area_description)
    found = address(loc)
    out["addresses"] = [found] if found else []
    return out


# ---- a service's parts --------------------------------------------------------------------


def phone(p: Phone) -> JSON:
    # HSDS calls a TTY line a "textphone".
    kind = "textphone" if p.type == PhoneType.TTY else p.type
    out: JSON = {"id": str(p.hsds_id), "number": p.number, "type": kind}
    _put(out, "extension", p.extension)
    _put(out, "description", p.description)
    if p.language:
        out["languages"] = [
            {"id": derived_id(p.hsds_id, f"language:{p.language}"), "code": p.language}
        ]
    return out


def schedules(rows: Iterable[Schedule], service: Service) -> list[JSON]:
    """Weekly openings as HSDS schedules. Rows imported from one HSDS schedule (one row per
    day of its `byday`) share its id in `hsds_group` and go out joined again; a row typed in
    here is a schedule of its own. Needs each row's `location` loaded."""
    out: list[JSON] = []
    ordered = sorted(rows, key=lambda r: (str(r.hsds_group or r.hsds_id), r.weekday))
    for group, members in groupby(ordered, key=lambda r: r.hsds_group or r.hsds_id):
        days = list(members)
        first = days[0]
        item: JSON = {
            "id": str(group),
            "service_id": str(service.hsds_id),
            "freq": "WEEKLY",
            "byday": ",".join(HSDS_DAYS[d.weekday] for d in days),
            "opens_at": _time(first.opens_at),
            "closes_at": _time(first.closes_at),
        }
        if first.location is not None:
            item["location_id"] = str(first.location.hsds_id)
        for key in ("valid_from", "valid_to"):
            value = getattr(first, key)
            _put(item, key, value.isoformat() if value else None)
        _put(item, "description", first.description)
        _put(item, "notes", first.notes)
        out.append(item)
    return out


def language(service: Service, lang: ServiceLanguage) -> JSON:
    out: JSON = {
        "id": str(lang.hsds_id or derived_id(service.hsds_id, f"language:{lang.code}")),
        "service_id": str(service.hsds_id),
        "code": lang.code,
    }
    _put(out, "name", lang.name)
    _put(out, "note", lang.note)
    return out


def attribute(service: Service, term: TaxonomyTerm) -> JSON:
    return {
        "id": derived_id(service.hsds_id, f"attribute:{term.hsds_id}"),
        "link_id": str(service.hsds_id),
        "link_type": "service",
        "link_entity": "service",
        "taxonomy_term_id": str(term.hsds_id),
        "taxonomy_term": taxonomy_term(term, detail=True),
        "label": term.name,
    }


def service_area(area: ServiceArea, service: Service) -> JSON:
    out: JSON = {"id": str(area.hsds_id), "service_id": str(service.hsds_id)}
    _put(out, "name", area.name or (area.place.display_name if area.place is not None else ""))
    _put(out, "description", area.description)
    _put(out, "uri", area.uri)
    return out


# ---- services ----------------------------------------------------------------------------


def service_list_item(service: Service, *, with_organization: bool = True) -> JSON:
    """The service's own fields (HSDS's list form). Needs `organization` and `fact` loaded."""
    out: JSON = {
        "id": str(service.hsds_id),
        "organization_id": str(service.organization.hsds_id),
        "name": service.name,
        "status": service.status,
        # An imported service keeps its source's date until it is edited here.
        "last_modified": _datetime(service.last_modified or service.modified),
    }
    for key in SERVICE_TEXT:
        _put(out, key, getattr(service, SERVICE_TABLE.stored[key]))
    # HSDS's "assured_date": when the service's details were last confirmed (here, or at
    # the source it was imported from).
    assured = service.fact.last_checked_on or service.assured_date
    if assured is not None:
        out["assured_date"] = assured.isoformat()
    if with_organization:
        out["organization"] = organization(service.organization)
    return out


# The service's HSDS fields kept as they are, but for those written above.
SERVICE_TEXT = tuple(
    column
    for column in SERVICE_TABLE.stored
    if column not in ("name", "status", "last_modified", "assured_date")
)


def service_minimal(service: Service) -> JSON:
    """What `minimal=true` asks for: the id and when it changed (and the required fields)."""
    return {
        "id": str(service.hsds_id),
        "name": service.name,
        "status": service.status,
        "last_modified": _datetime(service.last_modified or service.modified),
    }


def service_full(service: Service) -> JSON:
    """A service with everything under it. Load it through `services_queryset(full=True)`."""
    out = service_list_item(service)
    out["phones"] = [phone(p) for p in service.phones.all()]
    out["schedules"] = schedules(service.schedules.all(), service)
    out["service_areas"] = [service_area(a, service) for a in service.areas.all()]
    out["languages"] = [language(service, la) for la in service.languages.all()]
    out["attributes"] = [
        attribute(service, t) for t in [*service.categories.all(), *service.attributes.all()]
    ]
    out["service_at_locations"] = [
        service_at_location(link, with_service=False) for link in service.at_locations.all()
    ]
    return out


def _service_parts(prefix: str = "") -> list[Prefetch[Any]]:
    """Prefetches for everything service_full reads, from a service or via `prefix`."""
    return [
        Prefetch(f"{prefix}phones", queryset=Phone.objects.order_by("id")),
        Prefetch(f"{prefix}schedules", queryset=Schedule.objects.select_related("location")),
        Prefetch(
            f"{prefix}areas", queryset=ServiceArea.objects.select_related("place").order_by("id")
        ),
        Prefetch(f"{prefix}languages", queryset=ServiceLanguage.objects.order_by("code")),
        Prefetch(f"{prefix}categories", queryset=terms_queryset()),
        Prefetch(f"{prefix}attributes", queryset=terms_queryset()),
        Prefetch(
            f"{prefix}at_locations",
            queryset=ServiceAtLocation.objects.select_related(
                "location__address", "location__organization"
            ).order_by("id"),
        ),
    ]


def services_queryset(*, full: bool) -> QuerySet[Service]:
    services = Service.objects.select_related("organization", "fact")
    return services.prefetch_related(*_service_parts()) if full else services


# ---- service at location ------------------------------------------------------------------


def service_at_location(
    link: ServiceAtLocation, *, with_service: bool = True, full: bool = False
) -> JSON:
    """Needs `location` (with address and organization) and, with_service, `service` with
    its organization and fact loaded; `full` needs the service loaded as for service_full."""
    out: JSON = {
        "id": str(link.hsds_id),
        "service_id": str(link.service.hsds_id) if with_service else None,
        "location_id": str(link.location.hsds_id),
        "location": location(link.location),
    }
    _put(out, "description", link.description)
    if not with_service:
        del out["service_id"]
        # Nested in its service (loaded as for service_full): the openings at this location.
        here = [s for s in link.service.schedules.all() if s.location_id == link.location_id]
        _put(out, "schedules", schedules(here, link.service))
        return out
    service = link.service
    out["service"] = service_full(service) if full else service_list_item(service)
    if full:
        here = [
            s
            for s in service.schedules.all()
            if s.location_id is None or s.location_id == link.location_id
        ]
        out["schedules"] = schedules(here, service)
        out["phones"] = [phone(p) for p in service.phones.all()]
    return out


def service_at_locations_queryset(*, full: bool) -> QuerySet[ServiceAtLocation]:
    links = ServiceAtLocation.objects.select_related(
        "location__address", "location__organization", "service__organization", "service__fact"
    )
    return links.prefetch_related(*_service_parts("service__")) if full else links
