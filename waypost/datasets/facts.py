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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from waypost.datasets import locate
from waypost.datasets.errors import DataFileError
from waypost.datasets.records import Record
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
    ServiceLanguage,
    TaxonomyTerm,
)
from waypost.directory.taxonomy import ATTRIBUTE_TAXONOMY, CATEGORY_TAXONOMY, term_code
from waypost.evidence.models import Check, Fact, Outcome, Source
from waypost.evidence.services import cite, record_check
from waypost.guides.models import PlaceFact
from waypost.laws.models import (
    Law,
    LawChange,
    LawStatement,
    LawTopic,
    OtherConvictionsRule,
    Program,
    ProgramKind,
    ReliefRecord,
    ReliefRule,
    Remedy,
    TraffickingRule,
    citation_key,
)
from waypost.places.models import Place
from waypost.places.text import normalize_name

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# No relief law makes anyone wait longer; a larger number is a typing slip.
MAX_WAIT_YEARS = 30
SECTIONS = (
    "sources",
    "states",
    "places",
    "laws",
    "law_changes",
    "programs",
    "benefits",
    "hotlines",
    "services",
    "notes",
    "absent",
)

# The kinds of statewide help every state's resources file accounts for: a record of that
# kind, or an "absent" entry saying why the state has none.
RESOURCE_KINDS = (
    "sexual-assault",
    "domestic-violence",
    "victim-compensation",
    "211",
    "hiv-sti-testing",
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
        }
        if unknown:
            raise root.error(sorted(unknown)[0], "is not a section this loader knows")
        with transaction.atomic():
            self._check_states(root)
            loaders: dict[str, Callable[[Record], None]] = {
                "sources": self._load_sources,
                "places": self._load_places,
                "laws": self._load_laws,
                "law_changes": self._load_law_changes,
                "programs": self._load_programs,
                "benefits": self._load_benefits,
                "hotlines": self._load_hotlines,
                "services": self._load_services,
                "notes": self._load_notes,
                "absent": self._load_absent,
            }
            # In file order of SECTIONS: sources first, so that records can name them.
            for section in SECTIONS:
                if section == "states":
                    continue
                records = root.records(section)
                for record in records:
                    loaders[section](self._relabel(record, section))
                self.report.counts[section] = len(records)
        return self.report

    def _check_states(self, root: Record) -> None:
        """A file may list the states it covers; each must be a state the gazetteer knows."""
        states = root.data.get("states")
        if states is None:
            return
        if not isinstance(states, dict):
            raise root.error("states", "must map state codes to names")
        for code, name in states.items():
            place = Place.objects.filter(path=f"us/{str(code).lower()}").first()
            if place is None:
                raise root.error("states", f"{code!r} is not a US state code")
            if normalize_name(str(name)) != place.name_key:
                raise root.error("states", f"{code!r} is {place.name}, not {name!r}")

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
                "official": record.flag("official"),
            },
        )
        self.sources[key] = source

    def _fact(self, record: Record, label: str, fact: Fact | None = None) -> Fact:
        """Create or refresh the fact behind a record: its citations, note and this check."""
        status = record.choice("status", ["confirmed", "unconfirmed"], default="confirmed")
        # An unconfirmed record may name no source: it is kept (so editors see the gap)
        # but has no citation, and guides never show a fact without one.
        keys = record.text_list("sources", required=status == "confirmed")
        sources = []
        for key in keys:
            source = self.sources.get(key) or Source.objects.filter(key=key).first()
            if source is None:
                raise record.error("sources", f"source key {key!r} is not in 'sources'")
            sources.append(source)
        if fact is None:
            fact = Fact.objects.create(label=label[:300])
        note = record.text("note")
        if note and note not in fact.note:
            fact.note = f"{fact.note}; {note}" if fact.note else note
            fact.save(update_fields=["note"])
        caveat = record.text("caveat", max_length=300)
        if caveat and caveat not in fact.caveat:
            fact.caveat = f"{fact.caveat} {caveat}" if fact.caveat else caveat
            fact.save(update_fields=["caveat"])
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
            self._place_fact(fact_record, place, text, question)

    # -- laws ---------------------------------------------------------------------------
    def _load_laws(self, record: Record) -> None:
        jurisdiction = self._jurisdiction(record)
        citation = record.text("citation", max_length=200)
        title = record.text("title", required=True, max_length=200)
        topic = record.choice("topic", ["", *LawTopic.values])
        summary = record.text("summary", required=True)
        key = citation_key(citation)
        self._once("laws", (jurisdiction.pk, key or title, topic, summary), record, "citation")
        effective_from = record.date("effective_from")
        effective_to = record.date("effective_to")
        if effective_from and effective_to and effective_to < effective_from:
            raise record.error("effective_to", "is before effective_from")
        # One law per citation, whichever file names it first; each record adds a statement.
        law = (
            Law.objects.filter(jurisdiction=jurisdiction, citation_key=key).first()
            if key
            else Law.objects.filter(jurisdiction=jurisdiction, citation_key="", title=title).first()
        )
        if law is None:
            law = Law(jurisdiction=jurisdiction, citation=citation, title=title)
        for name, value in (("effective_from", effective_from), ("effective_to", effective_to)):
            current = getattr(law, name)
            if value is not None and current is not None and current != value and law.pk:
                raise record.error(name, f"{value} conflicts with {current} already loaded")
            if value is not None:
                setattr(law, name, value)
        law.save()
        wanted = set(record.text_list("sources"))
        statement = next(
            (
                st
                for st in law.statements.filter(topic=topic).select_related("fact")
                if _source_keys(st.fact) == wanted
            ),
            None,
        )
        fact = self._fact(record, law.citation or title, statement.fact if statement else None)
        if statement is None:
            statement = LawStatement(law=law, topic=topic, fact=fact)
        statement.title = title
        statement.summary = summary
        statement.classification = record.text("classification", max_length=120)
        statement.max_jail = record.text("max_jail", max_length=120)
        statement.max_fine_usd = record.whole_number("max_fine_usd")
        statement.penalty_note = record.text("penalty_note")
        statement.save()

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
            for law in Law.objects.filter(jurisdiction=jurisdiction).exclude(citation="")
            if _mentions_section(change_text, law.citation)
        )

    def _load_programs(self, record: Record, kind: str | None = None) -> None:
        jurisdiction = self._jurisdiction(record)
        kind = kind or record.choice("kind", list(ProgramKind.values))
        title = record.text(
            "title" if record.has("title") else "name", required=True, max_length=200
        )
        citation = record.text("citation", max_length=200)
        summary = record.text("summary", required=True)
        self._once("programs", (jurisdiction.pk, kind, title, citation, summary), record, "title")
        # Several sources can describe programs of one name ("Minors and prostitution
        # charges"): a program is the same one again only when its sources are.
        wanted = set(record.text_list("sources"))
        existing = next(
            (
                p
                for p in Program.objects.filter(
                    jurisdiction=jurisdiction, kind=kind, title=title, citation=citation
                )
                if _source_keys(p.fact) == wanted
            ),
            None,
        )
        fact = self._fact(record, title, existing.fact if existing else None)
        program = existing or Program(
            jurisdiction=jurisdiction, kind=kind, title=title, citation=citation, fact=fact
        )
        program.summary = summary
        program.amount_usd_month = record.whole_number("amount_usd_month")
        program.effective_from = record.date("effective_from")
        program.effective_to = record.date("effective_to")
        program.save()
        self._load_relief(record, program)

    def _load_relief(self, record: Record, program: Program) -> None:
        """The structured reading of a record-relief law, for the record-relief checker."""
        relief = record.record("relief")
        if relief is None:
            ReliefRule.objects.filter(program=program).delete()
            return
        if program.kind != ProgramKind.RECORD_RELIEF:
            raise record.error("relief", "only a record-relief program has one")
        wait = relief.whole_number("wait_years")
        if wait is not None and wait > MAX_WAIT_YEARS:
            raise relief.error("wait_years", f"{wait} is more than {MAX_WAIT_YEARS} years")
        relief.text("note")  # editors' remark on the reading: kept in the file
        known = {"remedies", "records", "trafficking", "wait_years"}
        known |= {"other_convictions", "minors_only", "note"}
        unknown = sorted(set(relief.data) - known)
        if unknown:
            raise relief.error(unknown[0], "is not a field of a relief record")
        ReliefRule.objects.update_or_create(
            program=program,
            defaults={
                "remedies": relief.choices("remedies", list(Remedy.values)),
                "records": relief.choices("records", list(ReliefRecord.values)),
                "trafficking": relief.choice("trafficking", ["", *TraffickingRule.values]),
                "wait_years": wait,
                "other_convictions": relief.choice(
                    "other_convictions", ["", *OtherConvictionsRule.values]
                ),
                "minors_only": relief.flag("minors_only"),
            },
        )

    def _load_notes(self, record: Record) -> None:
        """Special rules of a jurisdiction, shown with the answer on whether sex work is legal."""
        place = self._jurisdiction(record)
        text = record.text("summary", required=True)
        citation = record.text("citation", max_length=200)
        question = record.text("question") or "legal-status"
        self._once("notes", (place.pk, text), record, "summary")
        self._place_fact(record, place, text, question, citation)

    def _place_fact(
        self, record: Record, place: Place, text: str, question: str, citation: str = ""
    ) -> None:
        """Create or refresh a sourced statement about a place (a local fact or a note)."""
        existing = PlaceFact.objects.filter(place=place, text=text).first()
        fact = self._fact(
            record, f"{place.display_name}: {text}", existing.fact if existing else None
        )
        PlaceFact.objects.update_or_create(
            place=place,
            text=text,
            defaults={"question": question, "citation": citation, "fact": fact},
        )

    def _load_absent(self, record: Record) -> None:
        """A kind of statewide help the state does not have, and why: kept in the data so
        the gap is explained, not shown as a service."""
        kind = record.choice("resource", list(RESOURCE_KINDS))
        self._once("absent", (kind,), record, "resource")
        record.text("why", required=True)

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
        if record.has("resource"):
            record.choice("resource", list(RESOURCE_KINDS))
        url = record.text("url", max_length=500)
        if url and not url.startswith(("http://", "https://")):
            raise record.error("url", f"{url!r} is not an http(s) URL")
        self._once(section, (organization_name, name), record, "name")
        categories = self._terms(record, "categories", CATEGORY_TAXONOMY)
        attributes = self._terms(record, "attributes", ATTRIBUTE_TAXONOMY)
        organization = Organization.objects.filter(name=organization_name[:200]).order_by(
            "pk"
        ).first() or Organization.objects.create(name=organization_name[:200])
        existing = Service.objects.filter(organization=organization, name=name).first()
        fact = self._fact(record, name, existing.fact if existing else None)
        service, _ = Service.objects.update_or_create(
            organization=organization,
            name=name,
            defaults={
                "description": record.text("description") or record.text("summary"),
                "fees_description": record.text("cost", max_length=200),
                "hours_description": record.text("hours", max_length=200),
                "languages_description": record.text("languages_note", max_length=200),
                "url": url,
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
        phones = record.data.get("phones")
        if not isinstance(phones, list) or not phones:
            raise record.error("phones", "a hotline needs at least one phone")
        scope = self._jurisdiction(record, "scope")
        same = self._hotline_with_number(scope, phones)
        if same is not None:
            # The same line described by another file: one hotline, with both sources and
            # the categories of both (so it answers each question either file meant it for).
            self._fact(record, same.name, same.fact)
            same.categories.add(*self._terms(record, "categories", CATEGORY_TAXONOMY))
            for phone in same.phones.select_related("fact"):
                self._fact(record, phone.fact.label, phone.fact)
            return
        organization = record.text("operator") or record.text("name", required=True)
        service = self._service(record, organization, "hotlines")
        ServiceArea.objects.get_or_create(service=service, place=scope)
        for index, phone in enumerate(phones):
            self._phone(record, service, phone, f"{record.label}.phones[{index}]")

    def _hotline_with_number(self, scope: Place, phones: list[Any]) -> Service | None:
        numbers = {
            _digits(p if isinstance(p, str) else str(p.get("number", "")))
            for p in phones
            if isinstance(p, (str, dict))
        } - {""}
        candidates = Phone.objects.filter(
            service__areas__place=scope, service__at_locations__isnull=True
        ).select_related("service__fact")
        for phone in candidates:
            if _digits(phone.number) in numbers:
                return phone.service
        return None

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


def _digits(number: str) -> str:
    """A phone number's last ten digits: "1-888-774-2900" and "(888) 774-2900" agree."""
    return "".join(c for c in number if c.isdigit())[-10:]


def _source_keys(fact: Fact) -> set[str]:
    return set(fact.citations.values_list("source__key", flat=True))


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


@many_writes()
def load_facts_file(path: Path | str) -> LoadReport:
    return FactsLoader(Path(path)).load()
