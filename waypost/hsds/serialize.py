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
from typing import Any

from django.db.models import Prefetch, QuerySet

from waypost.directory.models import (
    HSDS_DAYS,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
    Taxonomy,
    TaxonomyTerm,
)

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
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


# ---- taxonomies ---------------------------------------------------------------------------


def taxonomy(t: Taxonomy) -> JSON:
    return {"id": str(t.hsds_id), "name": t.name, "description": t.description}


def taxonomy_term(term: TaxonomyTerm, *, detail: bool = False) -> JSON:
    """Needs `taxonomy` and `parent` loaded (select_related) to avoid a query per term."""
    out: JSON = {
        "id": str(term.hsds_id),
        "code": term.code,
        "name": term.name,
        "description": term.description,
        "taxonomy": term.taxonomy.name,
        "taxonomy_id": str(term.taxonomy.hsds_id),
    }
    if term.parent_id is not None and term.parent is not None:
        out["parent_id"] = str(term.parent.hsds_id)
    if detail:
        out["taxonomy_detail"] = taxonomy(term.taxonomy)
    return out


def terms_queryset() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.select_related("taxonomy", "parent")


# ---- organizations -----------------------------------------------------------------------


def organization(org: Organization) -> JSON:
    out: JSON = {"id": str(org.hsds_id), "name": org.name, "description": org.description}
    _put(out, "website", org.website)
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
    return {
        "id": derived_id(location.hsds_id, "address"),
        "location_id": str(location.hsds_id),
        "address_1": addr.address_1,
        "city": addr.city,
        "state_province": addr.state_province,
        "postal_code": addr.postal_code,
        "country": addr.country,
        "address_type": "physical",
    }


def location(loc: Location) -> JSON:
    """Needs `address` and `organization` loaded. An area-only location (a confidential
    shelter) gives its area, never a street address."""
    out: JSON = {
        "id": str(loc.hsds_id),
        "location_type": "physical",
        "latitude": loc.latitude,
        "longitude": loc.longitude,
    }
    _put(out, "name", loc.name)
    if loc.organization is not None:
        out["organization_id"] = str(loc.organization.hsds_id)
    _put(out, "description", loc.area_description)
    found = address(loc)
    out["addresses"] = [found] if found else []
    return out


# ---- a service's parts --------------------------------------------------------------------


def phone(p: Phone) -> JSON:
    out: JSON = {"id": str(p.hsds_id), "number": p.number, "type": p.type}
    _put(out, "description", p.description)
    if p.language:
        out["languages"] = [
            {"id": derived_id(p.hsds_id, f"language:{p.language}"), "code": p.language}
        ]
    return out


def schedule(s: Schedule, service: Service) -> JSON:
    out: JSON = {
        "id": str(s.hsds_id),
        "service_id": str(service.hsds_id),
        "freq": "WEEKLY",
        "wkst": "MO",
        "byday": HSDS_DAYS[s.weekday],
        "opens_at": _time(s.opens_at),
        "closes_at": _time(s.closes_at),
    }
    if s.location is not None:
        out["location_id"] = str(s.location.hsds_id)
    return out


def language(service: Service, code: str) -> JSON:
    return {
        "id": derived_id(service.hsds_id, f"language:{code}"),
        "service_id": str(service.hsds_id),
        "code": code,
    }


def attribute(service: Service, term: TaxonomyTerm) -> JSON:
    return {
        "id": derived_id(service.hsds_id, f"attribute:{term.hsds_id}"),
        "link_id": str(service.hsds_id),
        "link_type": "service",
        "link_entity": "service",
        "taxonomy_term_id": str(term.hsds_id),
        "taxonomy_term": taxonomy_term(term),
        "label": term.name,
    }


def service_area(area: ServiceArea, service: Service) -> JSON:
    out: JSON = {"id": str(area.hsds_id), "service_id": str(service.hsds_id)}
    _put(out, "name", area.place.display_name if area.place is not None else "")
    _put(out, "description", area.description)
    return out


# ---- services ----------------------------------------------------------------------------


def service_list_item(service: Service, *, with_organization: bool = True) -> JSON:
    """The service's own fields (HSDS's list form). Needs `organization` and `fact` loaded."""
    out: JSON = {
        "id": str(service.hsds_id),
        "organization_id": str(service.organization.hsds_id),
        "name": service.name,
        "status": service.status,
        "last_modified": _datetime(service.modified),
    }
    _put(out, "description", service.description)
    _put(out, "url", service.url)
    _put(out, "fees_description", service.fees_description)
    # HSDS's "assured_date": when the service's details were last confirmed.
    if service.fact.last_checked_on is not None:
        out["assured_date"] = service.fact.last_checked_on.isoformat()
    if with_organization:
        out["organization"] = organization(service.organization)
    return out


def service_minimal(service: Service) -> JSON:
    """What `minimal=true` asks for: the id and when it changed (and the required fields)."""
    return {
        "id": str(service.hsds_id),
        "name": service.name,
        "status": service.status,
        "last_modified": _datetime(service.modified),
    }


def service_full(service: Service) -> JSON:
    """A service with everything under it. Load it through `services_queryset(full=True)`."""
    out = service_list_item(service)
    out["phones"] = [phone(p) for p in service.phones.all()]
    out["schedules"] = [schedule(s, service) for s in service.schedules.all()]
    out["service_areas"] = [service_area(a, service) for a in service.areas.all()]
    out["languages"] = [language(service, la.code) for la in service.languages.all()]
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
    if not with_service:
        del out["service_id"]
        return out
    service = link.service
    out["service"] = service_full(service) if full else service_list_item(service)
    if full:
        here = [
            s
            for s in service.schedules.all()
            if s.location_id is None or s.location_id == link.location_id
        ]
        out["schedules"] = [schedule(s, service) for s in here]
        out["phones"] = [phone(p) for p in service.phones.all()]
    return out


def service_at_locations_queryset(*, full: bool) -> QuerySet[ServiceAtLocation]:
    links = ServiceAtLocation.objects.select_related(
        "location__address", "location__organization", "service__organization", "service__fact"
    )
    return links.prefetch_related(*_service_parts("service__")) if full else links
