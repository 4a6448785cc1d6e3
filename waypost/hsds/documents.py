"""Reads HSDS 3.1 JSON: a service (service_full), an organization with its services, a list of
them, or an API page whose `contents` holds them. Pages and lists stream item by item (ijson),
so a file of any size is read in constant memory.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import ijson

from waypost.datasets.errors import DataFileError
from waypost.hsds import schema
from waypost.hsds import tables as t
from waypost.hsds.values import BadValue, HsdsId, convert
from waypost.hsds.writer import Row, Writer

PAGE_KEYS = {
    "contents",
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
}
# Records nest a dozen levels deep in the largest HSDS document (a page of organizations with
# their services, locations and addresses); deeper nesting is refused before it is built, as
# the memory a parser needs grows with the depth.
MAX_DEPTH = 48
# The most one record (a service, an organization) may take, and the file's part outside
# `contents`: each is held whole in memory while it is read.
MAX_RECORD_BYTES = 32 << 20
_OTHER_ENCODINGS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}
ORGANIZATION_KEYS = {
    "services",
    "legal_status",
    "tax_status",
    "tax_id",
    "year_incorporated",
    "parent_organization_id",
    "organization_identifiers",
    "programs",
    "website",
    "logo",
    "additional_websites",
}
_SCALARS = {"null", "boolean", "integer", "double", "number", "string"}


def read_json(path: Path, writer: Writer, advance: Callable[[int], None]) -> None:
    name = path.name
    with path.open("rb") as raw:
        _skip_bom(raw, name)
        try:
            for pointer, item in _items(raw, name):
                _document(name, pointer, item, writer)
                advance(raw.tell())
        except ijson.JSONError as exc:
            raise DataFileError(
                name, f"near byte {raw.tell()}", None, f"is not valid JSON ({exc})"
            ) from None
        except UnicodeDecodeError as exc:
            raise DataFileError(name, f"byte {exc.start}", None, "is not UTF-8 text") from None


def _skip_bom(raw: IO[bytes], name: str) -> None:
    """JSON is UTF-8 (RFC 8259); a UTF-8 byte order mark is read past, other encodings named."""
    start = raw.read(4)
    if start.startswith(codecs.BOM_UTF8):
        raw.seek(3)
        return
    raw.seek(0)
    encoding = next((e for bom, e in _OTHER_ENCODINGS.items() if start.startswith(bom)), None)
    if encoding is None and len(start) >= 2 and b"\x00" in start[:2]:
        encoding = "UTF-16 or UTF-32"
    if encoding is not None:
        raise DataFileError(
            name, "the start", None, f"is {encoding} text: save it as UTF-8, as JSON must be"
        )


def _items(raw: IO[bytes], name: str) -> Iterator[tuple[str, Any]]:
    """The records of the file with their JSON pointers: the items of a list or of a page's
    `contents`, or the file's one object, read in one pass of the parser's events."""
    events = _Events(raw, name)
    event, _value = events.next()
    if event == "start_array":
        yield from _array_items(events, "")
    elif event == "start_map":
        rest: dict[str, Any] = {}
        page = False
        while True:
            event, key = events.next()
            if event == "end_map":
                break
            event, value = events.next()
            if key == "contents" and event == "start_array":
                page = True
                yield from _array_items(events, "/contents")
            else:
                rest[key] = events.build(event, value, f"/{key}")
        if page or PAGE_KEYS & set(rest):
            if not page:
                raise DataFileError(
                    name,
                    "/contents",
                    "contents",
                    "must be a list of records (the file is a page of results)",
                )
        else:
            yield "", rest
    else:
        raise DataFileError(name, "the start", None, "is not a JSON object or list")
    events.end()


def _array_items(events: _Events, pointer: str) -> Iterator[tuple[str, Any]]:
    index = 0
    while True:
        event, value = events.next()
        if event == "end_array":
            return
        yield f"{pointer}/{index}", events.build(event, value, f"{pointer}/{index}")
        index += 1


class _Events:
    """The parser's events, with the nesting depth and the size of each record bounded."""

    def __init__(self, raw: IO[bytes], name: str) -> None:
        self.raw = raw
        self.name = name
        self.events = ijson.basic_parse(raw, use_float=True)
        self.depth = 0

    def next(self) -> tuple[str, Any]:
        found = next(self.events, None)
        if found is None:
            raise DataFileError(
                self.name, f"near byte {self.raw.tell()}", None, "is not valid JSON (it ends early)"
            )
        event, value = found
        if event in ("start_map", "start_array"):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise DataFileError(
                    self.name,
                    f"near byte {self.raw.tell()}",
                    None,
                    f"nests lists and objects more than {MAX_DEPTH} deep",
                )
        elif event in ("end_map", "end_array"):
            self.depth -= 1
        return event, value

    def build(self, event: str, value: Any, pointer: str) -> Any:
        """The value whose first event is this one, built whole."""
        if event in _SCALARS:
            return value
        builder = ijson.ObjectBuilder()
        builder.event(event, value)
        level = self.depth
        start = self.raw.tell()
        count = 0
        while self.depth >= level:
            event, value = self.next()
            builder.event(event, value)
            count += 1
            if count % 4096 == 0 and self.raw.tell() - start > MAX_RECORD_BYTES:
                raise DataFileError(
                    self.name,
                    pointer,
                    None,
                    f"is over {MAX_RECORD_BYTES >> 20} MB (the most one record may take)",
                )
        return builder.value

    def end(self) -> None:
        """Past the top-level value there may be only white space."""
        found = next(self.events, None)
        if found is not None:
            raise DataFileError(
                self.name, f"near byte {self.raw.tell()}", None, "has more after its JSON value"
            )


def kind_of(item: dict[str, Any]) -> str:
    """What record a document is: HSDS documents carry no type, so their fields tell."""
    keys = set(item)
    if isinstance(item.get("service"), dict):
        return "service_at_location"
    if "location_type" in keys:
        return "location"
    if keys & {"status", "service_at_locations", "organization", "program_id", "organization_id"}:
        return "service"
    if keys & ORGANIZATION_KEYS:
        return "organization"
    if keys & {"taxonomy_detail", "taxonomy_id", "parent_id", "code", "term_uri", "taxonomy"}:
        return "taxonomy_term"
    if keys & {"location_type", "latitude", "longitude", "addresses", "transportation"}:
        return "location"
    if "version" in keys:
        return "taxonomy"
    if "description" in keys and "name" in keys:
        return "organization"
    return "service"


def _document(file: str, pointer: str, item: Any, writer: Writer) -> None:
    if not isinstance(item, dict):
        raise DataFileError(
            file, pointer or "/", None, "must be a JSON object (a service or an organization)"
        )
    entity = kind_of(item)
    if entity not in schema.NESTING:
        raise DataFileError(
            file,
            pointer or "/",
            None,
            f"is a {entity.replace('_', ' ')}: Waypost imports services (with their "
            "locations), organizations, locations, taxonomies and taxonomy terms",
        )
    found = schema.problem(entity, item)
    if found is not None:
        where, field, reason = found
        raise DataFileError(file, pointer + where or "/", field, reason)
    reader = _Reader(file, writer)
    if entity == "organization":
        organization = reader.row(t.ORGANIZATION, item, pointer, strict=True)
        for index, service in enumerate(item.get("services") or []):
            reader.service(service, f"{pointer}/services/{index}", organization.id)
    elif entity == "service":
        reader.service(item, pointer, None)
    elif entity == "location":
        reader.location(item, pointer, None, strict=True)
    elif entity == "taxonomy":
        reader.row(t.TAXONOMY, item, pointer, strict=True)
    else:
        reader.term(item, pointer, strict=True)


class _Reader:
    def __init__(self, file: str, writer: Writer) -> None:
        self.file = file
        self.writer = writer

    def row(
        self,
        table: t.Table,
        obj: Any,
        pointer: str,
        *,
        strict: bool = False,
        add: bool = True,
        **links: HsdsId | str | None,
    ) -> Row:
        if not isinstance(obj, dict):
            raise DataFileError(self.file, pointer or "/", None, "must be a JSON object")
        values: dict[str, Any] = {}
        for column in table.columns:
            if column.name in links:
                values[column.name] = links[column.name]
                continue
            try:
                values[column.name] = convert(column, obj.get(column.name))
            except BadValue as exc:
                raise DataFileError(self.file, pointer or "/", column.name, str(exc)) from None
        row = Row(self.file, pointer or "/", values, strict=strict)
        self._note_unread(table, obj)
        if add:
            self.writer.add(table, row)
        return row

    def _note_unread(self, table: t.Table, obj: dict[str, Any]) -> None:
        """Fields Waypost does not keep are counted in the summary, not dropped unsaid."""
        known = READ.get(table.name, frozenset())
        for key, value in obj.items():
            if value in (None, "", [], {}) or key in known:
                continue
            if not table.has_column(key):
                what = f"{key} of {table.name.replace('_', ' ')}s"
                count = len(value) if isinstance(value, list) else 1
                self.writer.notes[f"{what} (not modelled)"] += count

    def service(self, item: Any, pointer: str, organization: HsdsId | None) -> None:
        if not isinstance(item, dict):
            raise DataFileError(self.file, pointer, None, "must be a JSON object (a service)")
        if isinstance(item.get("organization"), dict):
            organization = self.row(
                t.ORGANIZATION, item["organization"], f"{pointer}/organization"
            ).id
        links: dict[str, Any] = {}
        if organization is not None:
            links["organization_id"] = organization
        service = self.row(t.SERVICE, item, pointer, strict=True, add=False, **links)
        if service.values["organization_id"] is None:
            raise service.error(
                "organization", "is required here: every Waypost service belongs to an organization"
            )
        self.writer.add(t.SERVICE, service)
        sid = service.id
        self._service_children(item, pointer, sid, None, None)
        for index, link in enumerate(_list(item, "service_at_locations")):
            at = f"{pointer}/service_at_locations/{index}"
            location = link.get("location") if isinstance(link, dict) else None
            if not isinstance(location, dict):
                raise DataFileError(
                    self.file,
                    at,
                    "location",
                    "is required (a service_at_location names its location)",
                )
            location_id = self.location(location, f"{at}/location", organization)
            sal = self.row(t.SERVICE_AT_LOCATION, link, at, service_id=sid, location_id=location_id)
            self._service_children(link, at, sid, sal.id, location_id)

    def _service_children(
        self,
        item: dict[str, Any],
        pointer: str,
        service: HsdsId,
        sal: HsdsId | None,
        location: HsdsId | None,
    ) -> None:
        for index, phone in enumerate(_list(item, "phones")):
            row = self.row(
                t.PHONE, phone, f"{pointer}/phones/{index}", add=False, service_id=service
            )
            languages = _list(phone, "languages")
            if languages and isinstance(languages[0], dict) and languages[0].get("code"):
                row.extra["language"] = str(languages[0]["code"])[:12]
            if len(languages) > 1:
                self.writer.notes["languages of phones after the first (not modelled)"] += (
                    len(languages) - 1
                )
            self.writer.add(t.PHONE, row)
        for index, schedule in enumerate(_list(item, "schedules")):
            self.row(
                t.SCHEDULE,
                schedule,
                f"{pointer}/schedules/{index}",
                service_id=service,
                service_at_location_id=sal,
                location_id=location,
            )
        for index, area in enumerate(_list(item, "service_areas")):
            self.row(t.SERVICE_AREA, area, f"{pointer}/service_areas/{index}", service_id=service)
        if sal is not None:
            return
        for index, language in enumerate(_list(item, "languages")):
            self.row(t.LANGUAGE, language, f"{pointer}/languages/{index}", service_id=service)
        for index, attribute in enumerate(_list(item, "attributes")):
            at = f"{pointer}/attributes/{index}"
            term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
            links: dict[str, Any] = {"link_id": service, "link_entity": "service"}
            if isinstance(term, dict):
                links["taxonomy_term_id"] = self.term(term, f"{at}/taxonomy_term")
            self.row(t.ATTRIBUTE, attribute, at, **links)

    def term(self, term: dict[str, Any], pointer: str, *, strict: bool = False) -> HsdsId:
        row = self.row(t.TAXONOMY_TERM, term, pointer, add=False)
        detail = term.get("taxonomy_detail")
        if isinstance(detail, dict):
            row.extra["taxonomy_detail"] = self.row(
                t.TAXONOMY, detail, f"{pointer}/taxonomy_detail", add=False
            )
        row.strict = strict
        self.writer.add(t.TAXONOMY_TERM, row)
        return row.id

    def location(
        self,
        location: dict[str, Any],
        pointer: str,
        organization: HsdsId | None,
        *,
        strict: bool = False,
    ) -> HsdsId:
        links: dict[str, Any] = {}
        if location.get("organization_id") is None and organization is not None:
            links["organization_id"] = organization
        row = self.row(t.LOCATION, location, pointer, strict=strict, **links)
        for index, address in enumerate(_list(location, "addresses")):
            self.row(t.ADDRESS, address, f"{pointer}/addresses/{index}", location_id=row.id)
        return row.id


# The records each record holds that the reader goes on to read.
READ: dict[str, frozenset[str]] = {
    "organization": frozenset({"services"}),
    "service": frozenset(
        {
            "organization",
            "phones",
            "schedules",
            "service_areas",
            "languages",
            "attributes",
            "service_at_locations",
        }
    ),
    "service_at_location": frozenset({"location", "phones", "schedules", "service_areas"}),
    "location": frozenset({"addresses"}),
    "phone": frozenset({"languages"}),
    "attribute": frozenset({"taxonomy_term"}),
    "taxonomy_term": frozenset({"taxonomy_detail"}),
}


def _list(item: Any, key: str) -> list[Any]:
    value = item.get(key) if isinstance(item, dict) else None
    return value if isinstance(value, list) else []
