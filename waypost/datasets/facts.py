"""Load a sourced facts file (norwalk-facts.json and files of the same shape).

Every record names its sources by key; each becomes a `Fact` with citations and one
check (the file's `checked_on` and `method`; "status": "unconfirmed" loads as unchecked).
Loading is all-or-nothing and idempotent: the first bad record stops the load with its
file, record and field, and loading the same file again updates rather than duplicates.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from waypost.datasets import locate
from waypost.datasets.errors import DataFileError
from waypost.datasets.records import Record
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
    ServiceLanguage,
    TaxonomyTerm,
)
from waypost.directory.taxonomy import ATTRIBUTE_TAXONOMY, CATEGORY_TAXONOMY, term_code
from waypost.evidence.models import Check, Fact, Outcome, Source
from waypost.evidence.services import cite, record_check
from waypost.guides.models import PlaceFact
from waypost.laws.models import Law, LawChange, LawTopic, Program, ProgramKind
from waypost.places.models import Place

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
SECTIONS = (
    "sources",
    "places",
    "laws",
    "law_changes",
    "programs",
    "benefits",
    "hotlines",
    "services",
)


@dataclass
class LoadReport:
    file: str
    counts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        parts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in self.counts.items())
        return f"{self.file}: loaded {parts}"


class FactsLoader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = path.name
        self.sources: dict[str, Source] = {}
        self.report = LoadReport(self.file)
        self.seen: dict[str, dict[tuple[Any, ...], str]] = {}

    # -- entry point -------------------------------------------------------------------
    def load(self) -> LoadReport:
        root = Record(self.file, "file", self._read_json())
        checked_on = root.date("checked_on")
        if checked_on is None:
            raise root.error("checked_on", "is missing")
        self.checked_on: dt.date = checked_on
        self.method = root.text("method", required=True)
        self.checked_by = root.text("checked_by") or "Waypost data team"
        unknown = set(root.data) - {
            *SECTIONS,
            "about",
            "checked_on",
            "method",
            "checked_by",
            "states",
            "notes",
        }
        if unknown:
            raise root.error(sorted(unknown)[0], "is not a section this loader knows")
        with transaction.atomic():
            for section in SECTIONS:
                records = root.records(section)
                handler = getattr(self, f"_load_{section}")
                for record in records:
                    handler(self._relabel(record, section))
                self.report.counts[section] = len(records)
        return self.report

    def _read_json(self) -> Any:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DataFileError(self.file, "file", None, "does not exist") from None
        except UnicodeDecodeError as exc:
            raise DataFileError(self.file, "file", None, f"is not UTF-8 ({exc.reason})") from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataFileError(
                self.file,
                f"line {exc.lineno}, column {exc.colno}",
                None,
                f"is not valid JSON ({exc.msg})",
            ) from None

    @staticmethod
    def _relabel(record: Record, section: str) -> Record:
        # "file.laws[2]" reads better as "laws[2] (Cal. Penal Code § 653.22)".
        label = record.label.removeprefix("file.")
        name = next(
            (
                record.data[k]
                for k in ("citation", "bill", "name", "key", "text")
                if isinstance(record.data.get(k), str)
            ),
            None,
        )
        record.label = f"{label} ({name[:60]})" if name else label
        return record

    def _once(self, section: str, key: tuple[Any, ...], record: Record, field_name: str) -> None:
        seen = self.seen.setdefault(section, {})
        if key in seen:
            raise record.error(field_name, f"duplicates {seen[key]}")
        seen[key] = record.label

    # -- evidence -----------------------------------------------------------------------
    def _load_sources(self, record: Record) -> None:
        key = record.text("key", required=True, max_length=120)
        self._once("sources", (key,), record, "key")
        url = record.text("url", required=True, max_length=500)
        if not url.startswith(("http://", "https://")):
            raise record.error("url", f"{url!r} is not an http(s) URL")
        as_of = record.data.get("as_of")
        source, _ = Source.objects.update_or_create(
            key=key,
            defaults={
                "url": url,
                "title": record.text("title", required=True, max_length=300),
                "publisher": record.text("publisher", max_length=200),
                "as_of": "" if as_of is None else str(as_of)[:10],
            },
        )
        self.sources[key] = source

    def _fact(self, record: Record, label: str, fact: Fact | None = None) -> Fact:
        """Create or refresh the fact behind a record: its citations, note and this check."""
        keys = record.text_list("sources", required=True)
        sources = []
        for key in keys:
            source = self.sources.get(key) or Source.objects.filter(key=key).first()
            if source is None:
                raise record.error("sources", f"source key {key!r} is not in 'sources'")
            sources.append(source)
        status = record.choice("status", ["confirmed", "unconfirmed"], default="confirmed")
        if fact is None:
            fact = Fact.objects.create(label=label[:300])
        note = record.text("note")
        if note and note not in fact.note:
            fact.note = f"{fact.note}; {note}" if fact.note else note
            fact.save(update_fields=["note"])
        excerpt = record.text("excerpt")
        for source in sources:
            cite(fact, source, excerpt)
        outcome = Outcome.CONFIRMED if status == "confirmed" else Outcome.UNCONFIRMED
        already = Check.objects.filter(
            fact=fact, checked_on=self.checked_on, method=self.method, outcome=outcome
        ).exists()
        if not already:
            record_check(
                fact,
                checked_on=self.checked_on,
                checked_by=self.checked_by,
                method=self.method,
                outcome=outcome,
                note=f"loaded from {self.file}",
            )
        return fact

    def _jurisdiction(self, record: Record, field_name: str = "jurisdiction") -> Place:
        code = record.text(field_name, required=True)
        try:
            return locate.jurisdiction(code)
        except locate.NotFound as exc:
            raise record.error(field_name, f"unknown jurisdiction: {exc}") from None
        except Place.DoesNotExist:
            raise record.error(field_name, "the gazetteer is not loaded") from None

    # -- places -------------------------------------------------------------------------
    def _load_places(self, record: Record) -> None:
        code = f"US-{record.text('state', required=True)}-{record.text('name', required=True)}"
        if record.text("country") not in ("", "US"):
            raise record.error("country", "only US places are supported")
        try:
            place = locate.jurisdiction(code)
        except locate.NotFound as exc:
            raise record.error("name", f"unknown place: {exc}") from None
        for fact_record in record.records("facts"):
            text = fact_record.text("text", required=True)
            question = fact_record.text("question") or "about"
            self._once("place facts", (place.pk, text), fact_record, "text")
            existing = PlaceFact.objects.filter(place=place, text=text).first()
            fact = self._fact(
                fact_record, f"{place.display_name}: {text}", existing.fact if existing else None
            )
            PlaceFact.objects.update_or_create(
                place=place, text=text, defaults={"question": question, "fact": fact}
            )

    # -- laws ---------------------------------------------------------------------------
    def _load_laws(self, record: Record) -> None:
        jurisdiction = self._jurisdiction(record)
        citation = record.text("citation", required=True, max_length=200)
        topic = record.choice("topic", ["", *LawTopic.values])
        self._once("laws", (jurisdiction.pk, citation, topic), record, "citation")
        effective_from = record.date("effective_from")
        effective_to = record.date("effective_to")
        if effective_from and effective_to and effective_to < effective_from:
            raise record.error("effective_to", "is before effective_from")
        existing = Law.objects.filter(
            jurisdiction=jurisdiction, citation=citation, topic=topic
        ).first()
        fact = self._fact(record, citation, existing.fact if existing else None)
        Law.objects.update_or_create(
            jurisdiction=jurisdiction,
            citation=citation,
            topic=topic,
            defaults={
                "title": record.text("title", required=True, max_length=200),
                "summary": record.text("summary", required=True),
                "classification": record.text("classification", max_length=120),
                "max_jail": record.text("max_jail", max_length=120),
                "max_fine_usd": record.whole_number("max_fine_usd"),
                "penalty_note": record.text("penalty_note"),
                "effective_from": effective_from,
                "effective_to": effective_to,
                "fact": fact,
            },
        )

    def _load_law_changes(self, record: Record) -> None:
        jurisdiction = self._jurisdiction(record)
        bill = record.text("bill", required=True, max_length=120)
        self._once("law changes", (jurisdiction.pk, bill), record, "bill")
        signed = record.date("signed")
        effective = record.date("effective")
        existing = LawChange.objects.filter(jurisdiction=jurisdiction, bill=bill).first()
        fact = self._fact(record, bill, existing.fact if existing else None)
        change_text = record.text("change", required=True)
        change, _ = LawChange.objects.update_or_create(
            jurisdiction=jurisdiction,
            bill=bill,
            defaults={
                "name": record.text("name", max_length=200),
                "signed_on": signed,
                "effective_on": effective,
                "change": change_text,
                "fact": fact,
            },
        )
        # A change names the sections it touched ("Repealed § 653.22"): link those laws so
        # a repealed law can say what repealed it.
        change.laws.set(
            law
            for law in Law.objects.filter(jurisdiction=jurisdiction)
            if _mentions_section(change_text, law.citation)
        )

    def _load_programs(self, record: Record, kind: str | None = None) -> None:
        jurisdiction = self._jurisdiction(record)
        kind = kind or record.choice("kind", list(ProgramKind.values))
        title = record.text(
            "title" if record.has("title") else "name", required=True, max_length=200
        )
        self._once("programs", (jurisdiction.pk, kind, title), record, "title")
        existing = Program.objects.filter(jurisdiction=jurisdiction, kind=kind, title=title).first()
        fact = self._fact(record, title, existing.fact if existing else None)
        Program.objects.update_or_create(
            jurisdiction=jurisdiction,
            kind=kind,
            title=title,
            defaults={
                "citation": record.text("citation", max_length=200),
                "summary": record.text("summary", required=True),
                "amount_usd_month": record.whole_number("amount_usd_month"),
                "effective_from": record.date("effective_from"),
                "effective_to": record.date("effective_to"),
                "fact": fact,
            },
        )

    def _load_benefits(self, record: Record) -> None:
        self._load_programs(record, kind=ProgramKind.BENEFIT)

    # -- directory ----------------------------------------------------------------------
    def _terms(self, record: Record, field_name: str, taxonomy: str) -> list[TaxonomyTerm]:
        names = record.text_list(field_name)
        codes = [term_code(name) for name in names]
        terms = {
            t.code: t for t in TaxonomyTerm.objects.filter(taxonomy__name=taxonomy, code__in=codes)
        }
        noun = {"categories": "category", "attributes": "attribute"}.get(field_name, field_name)
        for name, code in zip(names, codes, strict=True):
            if code not in terms:
                raise record.error(field_name, f"{name!r} is not a known {noun}")
        return [terms[code] for code in codes]

    def _service(self, record: Record, organization_name: str, section: str) -> Service:
        name = record.text("name", required=True, max_length=200)
        self._once(section, (organization_name, name), record, "name")
        categories = self._terms(record, "categories", CATEGORY_TAXONOMY)
        attributes = self._terms(record, "attributes", ATTRIBUTE_TAXONOMY)
        organization, _ = Organization.objects.get_or_create(name=organization_name[:200])
        existing = Service.objects.filter(organization=organization, name=name).first()
        fact = self._fact(record, name, existing.fact if existing else None)
        service, _ = Service.objects.update_or_create(
            organization=organization,
            name=name,
            defaults={
                "description": record.text("description"),
                "fees_description": record.text("cost", max_length=200),
                "hours_description": record.text("hours", max_length=200),
                "languages_description": record.text("languages_note", max_length=200),
                "fact": fact,
            },
        )
        service.categories.set(categories)
        service.attributes.set(attributes)
        for code in record.text_list("languages"):
            ServiceLanguage.objects.get_or_create(service=service, code=code[:12])
        return service

    def _phone(self, record: Record, service: Service, value: Any, label: str) -> None:
        if isinstance(value, str):
            value = {"number": value}
        phone_record = Record(self.file, label, value)
        number = phone_record.text("number", required=True, max_length=40)
        if not any(c.isdigit() for c in number):
            raise phone_record.error("number", f"{number!r} has no digits")
        kind = phone_record.choice("type", list(PhoneType.values), default=PhoneType.VOICE)
        language = phone_record.text("language", max_length=12)
        existing = Phone.objects.filter(
            service=service, number=number, type=kind, language=language
        ).first()
        # A phone number is a fact of its own, vouched for by the service's sources.
        fact = self._fact(
            record, f"{service.name}: {kind} {number}", existing.fact if existing else None
        )
        Phone.objects.update_or_create(
            service=service,
            number=number,
            type=kind,
            language=language,
            defaults={"description": phone_record.text("note", max_length=200), "fact": fact},
        )

    def _load_hotlines(self, record: Record) -> None:
        organization = record.text("operator") or record.text("name", required=True)
        service = self._service(record, organization, "hotlines")
        scope = self._jurisdiction(record, "scope")
        ServiceArea.objects.get_or_create(service=service, place=scope)
        phones = record.data.get("phones")
        if not isinstance(phones, list) or not phones:
            raise record.error("phones", "a hotline needs at least one phone")
        for index, phone in enumerate(phones):
            self._phone(record, service, phone, f"{record.label}.phones[{index}]")

    def _load_services(self, record: Record) -> None:
        organization = record.text("organization") or record.text("name", required=True)
        service = self._service(record, organization, "services")
        try:
            if record.has("address"):
                where, field_name = locate.address(record.text("address")), "address"
            elif record.has("area"):
                where, field_name = locate.area(record.text("area")), "area"
            else:
                raise record.error("address", "a service needs an address or an area")
        except locate.NotFound as exc:
            raise record.error("address" if record.has("address") else "area", str(exc)) from None
        area_text = record.text("area")
        location, _ = Location.objects.update_or_create(
            organization=service.organization,
            name=service.name,
            defaults={
                "place": where.place,
                "latitude": where.latitude,
                "longitude": where.longitude,
                "area_only": field_name == "area",
                "area_description": area_text,
                "timezone": where.place.timezone,
            },
        )
        ServiceAtLocation.objects.get_or_create(service=service, location=location)
        if where.street:
            Address.objects.update_or_create(
                location=location,
                defaults={
                    "address_1": where.street,
                    "city": where.place.name,
                    "state_province": where.place.state_code,
                    "postal_code": where.postal_code,
                },
            )
        if area_text:
            ServiceArea.objects.get_or_create(
                service=service, place=where.area, defaults={"description": area_text}
            )
        if record.has("phone"):
            self._phone(record, service, record.data["phone"], f"{record.label}.phone")
        self._schedules(record, service, location)

    def _schedules(self, record: Record, service: Service, location: Location) -> None:
        rows = []
        for item in record.records("schedule"):
            days = item.text_list("days", required=True)
            opens = _time(item, "opens")
            closes = _time(item, "closes")
            if closes <= opens:
                raise item.error("closes", "must be after opens")
            for day in days:
                if day not in DAYS:
                    raise item.error("days", f"{day!r} is not one of {', '.join(DAYS)}")
                rows.append(
                    Schedule(
                        service=service,
                        location=location,
                        weekday=DAYS.index(day),
                        opens_at=opens,
                        closes_at=closes,
                    )
                )
        if rows:
            Schedule.objects.filter(service=service).delete()
            Schedule.objects.bulk_create(rows)


def _mentions_section(text: str, citation: str) -> bool:
    section = citation.rpartition("§")[2].strip()
    if not section or " " in section:
        return False
    return re.search(rf"§\s*{re.escape(section)}(?![\w(]|\.\d)", text) is not None


def _time(record: Record, field_name: str) -> dt.time:
    value = record.text(field_name, required=True)
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise record.error(field_name, f"{value!r} is not a time (HH:MM)") from None


def load_facts_file(path: Path | str) -> LoadReport:
    return FactsLoader(Path(path)).load()
