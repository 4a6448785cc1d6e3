"""Putting one data set file's sites into the directory, all or nothing, in bulk.

A service is known by its data set and its key there (`Service.dataset`, `dataset_key`).
Loading a file adds the services it has that the directory lacks, updates those whose
details changed, and marks those it no longer lists as inactive (hidden from guides and
search, kept with their history). Facts are never deleted or made anew: an existing record
keeps its fact, with the editors' checks, notes and readers' reports on it; the fact cites
the newest file of its data set instead of an older one. A phone number the file no longer
lists is removed from its service, its fact kept; a new number gets a new, unchecked fact.

Writes go in batches (bulk_create / bulk_update) inside `fulltext.bulk_load()`, which
indexes keywords and refills the search table once at the end; creations and updates are
recorded in the editors' history, with the file named as the reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from waypost.datasets.national.common import (
    ALREADY_LISTED,
    FACT_NOTE,
    Batch,
    LeftOut,
    PhoneNumber,
    Site,
    Summary,
    key_text,
)
from waypost.dataversion.services import many_writes
from waypost.directory.models import (
    Address,
    Location,
    Organization,
    Phone,
    PhoneType,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from waypost.directory.taxonomy import ATTRIBUTE_TAXONOMY, CATEGORY_TAXONOMY, ensure_taxonomies
from waypost.evidence.models import Citation, Fact, Source
from waypost.search import fulltext

BATCH_SIZE = 500
# Rows at one point to this many decimals (about a metre) and one address are one place.
COORDINATE_DECIMALS = 5
# Sources of a data set's files are keyed "dataset-<kind>-<as of>".
SOURCE_PREFIX = "dataset"

M = TypeVar("M", bound=Model)
T = TypeVar("T")


def source_key(kind: str, as_of: str) -> str:
    return f"{SOURCE_PREFIX}-{kind}-{as_of}"


def _chunks(items: Sequence[T], size: int = BATCH_SIZE) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _Existing:
    """A service of the data set already in the directory (read as values, not models)."""

    id: int
    fact_id: int
    name: str
    organization_id: int
    description: str
    url: str
    status: str


@dataclass(frozen=True)
class _ExistingPhone:
    id: int
    service_id: int
    number: str
    extension: int | None
    description: str
    fact_id: int

    @property
    def identity(self) -> tuple[str, int | None]:
        return "".join(c for c in self.number if c.isdigit())[-10:], self.extension


class Writer:
    def __init__(self, batch: Batch) -> None:
        self.batch = batch
        self.kind = batch.kind
        self.reason = f"imported from {batch.file}"
        self.now = timezone.now()
        self.changed: set[str] = set()
        self.left_out: list[LeftOut] = list(batch.left_out)
        self.sites: list[Site] = []

    def run(self) -> Summary:
        with transaction.atomic(), fulltext.bulk_load():
            ensure_taxonomies()
            self.source = self._source()
            self.sites = self._not_already_listed(self.batch.sites)
            self._read_existing()
            self._organizations()
            self._services()
            self._terms()
            self._phones()
            self._locations()
            self._areas()
            self._citations()
            retired = self._retire()
        new = sum(1 for s in self.sites if s.key not in self.existing)
        updated = len(self.changed)
        return Summary(
            kind=self.kind,
            file=self.batch.file,
            source=self.batch.source,
            rows=self.batch.rows,
            added=new,
            updated=updated,
            unchanged=len(self.sites) - new - updated,
            no_longer_listed=retired,
            merged=self.batch.merged,
            left_out=self.left_out,
        )

    # -- evidence ---------------------------------------------------------------------------
    def _source(self) -> Source:
        spec = self.batch.source
        source, _ = Source.objects.update_or_create(
            key=spec.key,
            defaults={
                "url": spec.url,
                "title": spec.title,
                "publisher": spec.publisher,
                "as_of": spec.as_of,
            },
        )
        return source

    def _new_facts(self, labels: list[str], note: str) -> list[Fact]:
        facts = [Fact(label=label[:300], note=note) for label in labels]
        created: list[Fact] = bulk_create_with_history(
            facts, Fact, batch_size=BATCH_SIZE, default_change_reason=self.reason
        )
        return created

    # -- what is there already --------------------------------------------------------------
    def _not_already_listed(self, sites: list[Site]) -> list[Site]:
        """Leave out sites the editors' own records already show: the same address (or, for
        a service reached by phone, the same name in the same state) and a category in
        common. A guide never lists one clinic twice, and the editors' record wins."""
        theirs = Service.objects.filter(dataset="", status="active")
        categories: dict[int, set[str]] = defaultdict(set)
        for service_id, code in Service.categories.through.objects.filter(
            service__dataset="", service__status="active"
        ).values_list("service_id", "taxonomyterm__code"):
            categories[service_id].add(code)
        at: dict[tuple[str, str, str], list[tuple[str, int]]] = defaultdict(list)
        for service_id, name, street, city, state in theirs.filter(
            at_locations__location__address__isnull=False
        ).values_list(
            "id",
            "name",
            "at_locations__location__address__address_1",
            "at_locations__location__address__city",
            "at_locations__location__address__state_province",
        ):
            at[(key_text(street), key_text(city), state.upper())].append((name, service_id))
        by_phone_only: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
        for service_id, name, organization, place_id in theirs.filter(
            at_locations__isnull=True, areas__place__isnull=False
        ).values_list("id", "name", "organization__name", "areas__place_id"):
            for text in (name, organization):
                by_phone_only[(key_text(text), place_id)].append((name, service_id))
        kept = []
        for site in sites:
            if site.located:
                found = at.get((key_text(site.street), key_text(site.city), site.state), [])
            else:
                found = by_phone_only.get((key_text(site.name), site.area_place_id or 0), [])
                found += by_phone_only.get(
                    (key_text(site.organization), site.area_place_id or 0), []
                )
            same = next((name for name, pk in found if categories[pk] & set(site.categories)), None)
            if same is None:
                kept.append(site)
            else:
                self.left_out.append(LeftOut(site.line, ALREADY_LISTED, site.name, repr(same)))
        return kept

    def _read_existing(self) -> None:
        ours = Service.objects.filter(dataset=self.kind)
        self.existing: dict[str, _Existing] = {
            key or "": _Existing(pk, fact_id, name, org, description, url, status)
            for key, pk, fact_id, name, org, description, url, status in ours.values_list(
                "dataset_key",
                "id",
                "fact_id",
                "name",
                "organization_id",
                "description",
                "url",
                "status",
            )
        }

    # -- organizations and services ---------------------------------------------------------
    def _organizations(self) -> None:
        known = dict(Organization.objects.values_list("name", "id"))
        websites: dict[str, str] = {}
        for site in self.sites:
            if site.organization_website:
                websites.setdefault(site.organization, site.organization_website)
        new = sorted({s.organization for s in self.sites} - set(known))
        Organization.objects.bulk_create(
            [Organization(name=name, website=websites.get(name, "")) for name in new],
            batch_size=BATCH_SIZE,
        )
        # An organisation already known keeps what it has; only a missing website is filled.
        bare = [name for name in websites if name in known]
        for chunk in _chunks(bare):
            missing = list(Organization.objects.filter(name__in=chunk, website=""))
            for organization in missing:
                organization.website = websites[organization.name]
            Organization.objects.bulk_update(missing, ["website"])
        self.organizations: dict[str, int] = dict(Organization.objects.values_list("name", "id"))

    def _services(self) -> None:
        new_sites = [s for s in self.sites if s.key not in self.existing]
        facts = self._new_facts([s.fact_label or s.name for s in new_sites], FACT_NOTE)
        services = [
            Service(
                organization_id=self.organizations[site.organization],
                name=site.name[:200],
                description=site.description,
                url=site.url,
                status="active",
                fact_id=fact.pk,
                dataset=self.kind,
                dataset_key=site.key,
            )
            for site, fact in zip(new_sites, facts, strict=True)
        ]
        bulk_create_with_history(
            services, Service, batch_size=BATCH_SIZE, default_change_reason=self.reason
        )
        self.service_ids: dict[str, int] = {s.dataset_key or "": s.pk for s in services}
        self.fact_ids: dict[str, int] = {
            site.key: f.pk for site, f in zip(new_sites, facts, strict=True)
        }

        changed: dict[int, Site] = {}
        for site in self.sites:
            old = self.existing.get(site.key)
            if old is None:
                continue
            self.service_ids[site.key] = old.id
            self.fact_ids[site.key] = old.fact_id
            wanted = (
                site.name[:200],
                self.organizations[site.organization],
                site.description,
                site.url,
                "active",
            )
            if wanted != (old.name, old.organization_id, old.description, old.url, old.status):
                changed[old.id] = site
        self._update_services(changed)

    def _update_services(self, changed: dict[int, Site]) -> None:
        if not changed:
            return
        services: list[Service] = []
        renamed: dict[int, str] = {}
        for chunk in _chunks(list(changed)):
            for service in Service.objects.filter(pk__in=chunk):
                site = changed[service.pk]
                if service.name != site.name[:200]:
                    renamed[service.fact_id] = site.fact_label or site.name
                service.name = site.name[:200]
                service.organization_id = self.organizations[site.organization]
                service.description = site.description
                service.url = site.url
                service.status = "active"
                service.modified = self.now
                services.append(service)
                self.changed.add(site.key)
        bulk_update_with_history(
            services,
            Service,
            ["name", "organization", "description", "url", "status", "modified"],
            batch_size=BATCH_SIZE,
            default_change_reason=self.reason,
        )
        # The editors' label follows the name; the fact itself (checks, note) stays.
        facts: list[Fact] = []
        for chunk in _chunks(list(renamed)):
            for fact in Fact.objects.filter(pk__in=chunk):
                fact.label = renamed[fact.pk][:300]
                facts.append(fact)
        bulk_update_with_history(
            facts, Fact, ["label"], batch_size=BATCH_SIZE, default_change_reason=self.reason
        )

    def _terms(self) -> None:
        """The data set's categories and attributes on each service; terms editors added stay."""
        codes = {c for s in self.sites for c in (*s.categories, *s.attributes)}
        terms = {
            (taxonomy, code): pk
            for taxonomy, code, pk in TaxonomyTerm.objects.filter(code__in=codes).values_list(
                "taxonomy__name", "code", "id"
            )
        }
        for field_name, taxonomy, codes_of in (
            ("categories", CATEGORY_TAXONOMY, lambda s: s.categories),
            ("attributes", ATTRIBUTE_TAXONOMY, lambda s: s.attributes),
        ):
            through: Any = getattr(Service, field_name).through
            have = set(
                through.objects.filter(service__dataset=self.kind).values_list(
                    "service_id", "taxonomyterm_id"
                )
            )
            links = []
            for site in self.sites:
                service_id = self.service_ids[site.key]
                for code in codes_of(site):
                    pair = (service_id, terms[(taxonomy, code)])
                    if pair not in have:
                        have.add(pair)
                        links.append(through(service_id=pair[0], taxonomyterm_id=pair[1]))
                        self._touch(site)
            through.objects.bulk_create(links, batch_size=BATCH_SIZE)

    def _touch(self, site: Site) -> None:
        """A record already there changed (new ones are counted as added)."""
        if site.key in self.existing:
            self.changed.add(site.key)

    # -- phones -----------------------------------------------------------------------------
    def _phones(self) -> None:
        existing: dict[int, list[_ExistingPhone]] = defaultdict(list)
        for row in Phone.objects.filter(service__dataset=self.kind).values_list(
            "id", "service_id", "number", "extension", "description", "fact_id"
        ):
            known = _ExistingPhone(*row)
            existing[known.service_id].append(known)
        new: list[tuple[Site, PhoneNumber]] = []
        updates: dict[int, PhoneNumber] = {}
        gone: list[int] = []
        self.phone_fact_ids: list[int] = []
        for site in self.sites:
            have = {p.identity: p for p in existing.pop(self.service_ids[site.key], [])}
            for wanted in site.phones:
                old = have.pop(wanted.identity, None)
                if old is None:
                    new.append((site, wanted))
                    self._touch(site)
                    continue
                self.phone_fact_ids.append(old.fact_id)
                if (old.number, old.description) != (wanted.number, wanted.description):
                    updates[old.id] = wanted
                    self._touch(site)
            if have:
                gone += [p.id for p in have.values()]
                self._touch(site)
        facts = self._new_facts(
            [f"{site.name}: {PhoneType.VOICE} {_shown(p)}" for site, p in new], ""
        )
        phones = [
            Phone(
                service_id=self.service_ids[site.key],
                number=p.number[:40],
                extension=p.extension,
                type=PhoneType.VOICE,
                description=p.description[:200],
                fact_id=fact.pk,
            )
            for (site, p), fact in zip(new, facts, strict=True)
        ]
        bulk_create_with_history(
            phones, Phone, batch_size=BATCH_SIZE, default_change_reason=self.reason
        )
        self.phone_fact_ids += [f.pk for f in facts]
        changed: list[Phone] = []
        for chunk in _chunks(list(updates)):
            for phone in Phone.objects.filter(pk__in=chunk):
                phone.number = updates[phone.pk].number[:40]
                phone.description = updates[phone.pk].description[:200]
                changed.append(phone)
        bulk_update_with_history(
            changed,
            Phone,
            ["number", "description"],
            batch_size=BATCH_SIZE,
            default_change_reason=self.reason,
        )
        # A number the file no longer lists leaves its service; its fact (and any check on
        # it) stays in the editors' workspace. Deleted one by one for the history.
        for chunk in _chunks(gone):
            for phone in Phone.objects.filter(pk__in=chunk):
                phone._change_reason = self.reason  # type: ignore[attr-defined]
                phone.delete()

    # -- locations --------------------------------------------------------------------------
    def _locations(self) -> None:
        """One location per place (point and address); the services there all link to it."""
        groups: dict[tuple[object, ...], list[Site]] = defaultdict(list)
        for site in self.sites:
            if site.located:
                groups[site.location_key(COORDINATE_DECIMALS)].append(site)
        links: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for link_id, service_id, location_id in ServiceAtLocation.objects.filter(
            service__dataset=self.kind
        ).values_list("id", "service_id", "location_id"):
            links[service_id].append((link_id, location_id))
        used = {location_id for pairs in links.values() for _link, location_id in pairs}
        locations = {loc.pk: loc for loc in _in_chunks(Location.objects.all(), sorted(used))}
        addresses = {
            a.location_id: a
            for a in _in_chunks(Address.objects.all(), sorted(used), field="location_id")
        }
        claimed: set[int] = set()
        plan: list[tuple[list[Site], Location | None]] = []
        for sites in groups.values():
            candidates = sorted(
                {
                    location_id
                    for site in sites
                    for _link, location_id in links.get(self.service_ids[site.key], [])
                }
                - claimed
            )
            target = locations[candidates[0]] if candidates else None
            if target is not None:
                claimed.add(target.pk)
            plan.append((sites, target))

        made = [self._location(sites[0], Location()) for sites, target in plan if target is None]
        Location.objects.bulk_create(made, batch_size=BATCH_SIZE)
        made_iter = iter(made)
        new_addresses: list[Address] = []
        changed_locations: list[Location] = []
        changed_addresses: list[Address] = []
        new_links: list[ServiceAtLocation] = []
        moved_links: list[ServiceAtLocation] = []
        for sites, target in plan:
            first = sites[0]
            if target is None:
                target = next(made_iter)
                new_addresses.append(self._address(first, Address(location=target)))
            else:
                before = _location_fields(target)
                if _location_fields(self._location(first, target)) != before:
                    changed_locations.append(target)
                    sites_changed = sites
                else:
                    sites_changed = []
                address = addresses.get(target.pk)
                if address is None:
                    new_addresses.append(self._address(first, Address(location=target)))
                    sites_changed = sites
                else:
                    before_address = _address_fields(address)
                    if _address_fields(self._address(first, address)) != before_address:
                        changed_addresses.append(address)
                        sites_changed = sites
                for site in sites_changed:
                    self._touch(site)
            for site in sites:
                service_id = self.service_ids[site.key]
                pairs = links.get(service_id, [])
                if any(location_id == target.pk for _link, location_id in pairs):
                    continue
                self._touch(site)
                if pairs:
                    moved_links.append(ServiceAtLocation(id=pairs[0][0], location_id=target.pk))
                else:
                    new_links.append(ServiceAtLocation(service_id=service_id, location=target))
        Address.objects.bulk_create(new_addresses, batch_size=BATCH_SIZE)
        fields = ["organization", "name", "latitude", "longitude", "place", "timezone"]
        Location.objects.bulk_update(changed_locations, fields, batch_size=BATCH_SIZE)
        Address.objects.bulk_update(
            changed_addresses,
            ["address_1", "address_2", "city", "state_province", "postal_code"],
            batch_size=BATCH_SIZE,
        )
        ServiceAtLocation.objects.bulk_update(moved_links, ["location"], batch_size=BATCH_SIZE)
        ServiceAtLocation.objects.bulk_create(new_links, batch_size=BATCH_SIZE)
        # A place no service of the data set is at any longer goes, unless someone gave it
        # opening hours or linked another service to it.
        left = sorted(used - claimed)
        linked = set(
            _in_chunks(
                ServiceAtLocation.objects.values_list("location_id", flat=True),
                left,
                field="location_id",
            )
        )
        scheduled = set(
            _in_chunks(
                Schedule.objects.values_list("location_id", flat=True), left, field="location_id"
            )
        )
        orphans = [pk for pk in left if pk not in linked and pk not in scheduled]
        for chunk in _chunks(orphans):
            Location.objects.filter(pk__in=chunk).delete()

    def _location(self, site: Site, location: Location) -> Location:
        assert site.latitude is not None and site.longitude is not None
        location.organization_id = self.organizations[site.organization]
        location.name = site.name[:200]
        location.latitude = site.latitude
        location.longitude = site.longitude
        location.place_id = site.place_id
        location.timezone = site.timezone
        return location

    @staticmethod
    def _address(site: Site, address: Address) -> Address:
        address.address_1 = site.street[:200]
        address.address_2 = site.street_2[:200]
        address.city = site.city[:120]
        address.state_province = site.state
        address.postal_code = site.postal_code[:20]
        return address

    # -- areas served by phone --------------------------------------------------------------
    def _areas(self) -> None:
        have = set(
            ServiceArea.objects.filter(service__dataset=self.kind).values_list(
                "service_id", "place_id"
            )
        )
        areas = []
        for site in self.sites:
            if site.area_place_id is None:
                continue
            pair = (self.service_ids[site.key], site.area_place_id)
            if pair not in have:
                have.add(pair)
                areas.append(
                    ServiceArea(
                        service_id=pair[0],
                        place_id=pair[1],
                        description=site.area_description[:300],
                    )
                )
                self._touch(site)
        ServiceArea.objects.bulk_create(areas, batch_size=BATCH_SIZE)

    # -- citations --------------------------------------------------------------------------
    def _citations(self) -> None:
        """Every fact of the file cites this file's source, and no older file of the data set
        (other sources, an official page an editor added, stay)."""
        facts = set(self.fact_ids.values()) | set(self.phone_fact_ids)
        older = f"{SOURCE_PREFIX}-{self.kind}-"
        citing: set[int] = set()
        stale: list[Citation] = []
        for query in (
            Citation.objects.filter(fact__service__dataset=self.kind),
            Citation.objects.filter(fact__phone__service__dataset=self.kind),
        ):
            for citation in query.select_related("source"):
                if citation.fact_id not in facts:
                    continue
                if citation.source_id == self.source.pk:
                    citing.add(citation.fact_id)
                elif citation.source.key.startswith(older):
                    stale.append(citation)
        new = [Citation(fact_id=pk, source=self.source) for pk in sorted(facts - citing)]
        bulk_create_with_history(
            new, Citation, batch_size=BATCH_SIZE, default_change_reason=self.reason
        )
        for citation in stale:
            citation._change_reason = self.reason  # type: ignore[attr-defined]
            citation.delete()

    # -- what the file no longer lists ------------------------------------------------------
    def _retire(self) -> int:
        listed = {s.key for s in self.sites}
        gone = [
            old.id
            for key, old in self.existing.items()
            if key not in listed and old.status == "active"
        ]
        services: list[Service] = []
        for chunk in _chunks(gone):
            for service in Service.objects.filter(pk__in=chunk):
                service.status = "inactive"
                service.modified = self.now
                services.append(service)
        bulk_update_with_history(
            services,
            Service,
            ["status", "modified"],
            batch_size=BATCH_SIZE,
            default_change_reason=f"no longer listed in {self.batch.file}",
        )
        return len(services)


def _shown(phone: PhoneNumber) -> str:
    return f"{phone.number} ext. {phone.extension}" if phone.extension else phone.number


def _location_fields(location: Location) -> tuple[object, ...]:
    return (
        location.organization_id,
        location.name,
        location.latitude,
        location.longitude,
        location.place_id,
        location.timezone,
    )


def _address_fields(address: Address) -> tuple[str, ...]:
    return (
        address.address_1,
        address.address_2,
        address.city,
        address.state_province,
        address.postal_code,
    )


def _in_chunks(query: Any, values: Sequence[int], field: str = "pk") -> Iterable[Any]:
    """The rows of `query` whose `field` is one of `values`, read a batch of values at a time
    (SQLite limits how many values one statement may hold)."""
    for chunk in _chunks(values):
        yield from query.filter(**{f"{field}__in": chunk})


@many_writes()
def write(batch: Batch) -> Summary:
    return Writer(batch).run()
