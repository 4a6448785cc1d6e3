"""Reads HSDS 3.1 JSON: a service (service_full), an organization with its services, a list of
them, or an API page whose `contents` holds them. Pages and lists stream item by item (ijson),
so a file of any size is read in constant memory.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import ijson

from waypost.datasets.errors import DataFileError
from waypost.hsds import schema
from waypost.hsds import tables as t
from waypost.hsds.values import BadValue, HsdsId, convert
from waypost.hsds.writer import Row, Writer

PAGE_KEYS = {"contents", "total_items", "total_pages", "page_number", "size"}


def read_json(path: Path, writer: Writer, advance: Callable[[int], None]) -> None:
    name = path.name
    with path.open("rb") as raw:
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


def _items(raw: IO[bytes], name: str) -> Iterator[tuple[str, Any]]:
    first = raw.read(64).lstrip()[:1]
    raw.seek(0)
    if first == b"[":
        for index, item in enumerate(ijson.items(raw, "item", use_float=True)):
            yield f"/{index}", item
        return
    if first != b"{":
        raise DataFileError(name, "the start", None, "is not a JSON object or list")
    if _is_page(raw):
        raw.seek(0)
        for index, item in enumerate(ijson.items(raw, "contents.item", use_float=True)):
            yield f"/contents/{index}", item
        return
    raw.seek(0)
    try:
        yield "", json.load(raw)
    except json.JSONDecodeError as exc:
        raise DataFileError(
            name, f"line {exc.lineno}, column {exc.colno}", None, f"is not valid JSON ({exc.msg})"
        ) from None


def _is_page(raw: IO[bytes]) -> bool:
    """True when a top-level key of the object is one of a page wrapper's."""
    for prefix, event, value in ijson.parse(raw):
        if prefix == "" and event == "map_key" and value in PAGE_KEYS:
            return True
    return False


def _document(file: str, pointer: str, item: Any, writer: Writer) -> None:
    if not isinstance(item, dict):
        raise DataFileError(
            file, pointer or "/", None, "must be a JSON object (a service or an organization)"
        )
    entity = "organization" if "services" in item else "service"
    found = schema.problem(entity, item)
    if found is not None:
        where, field, reason = found
        raise DataFileError(file, pointer + where or "/", field, reason)
    reader = _Reader(file, writer)
    if entity == "organization":
        organization = reader.row(t.ORGANIZATION, item, pointer, strict=True)
        for index, service in enumerate(item.get("services") or []):
            reader.service(service, f"{pointer}/services/{index}", organization.id)
    else:
        reader.service(item, pointer, None)


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
        if add:
            self.writer.add(table, row)
        return row

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
            location_id = self._location(location, f"{at}/location", organization)
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
                links["taxonomy_term_id"] = self._term(term, f"{at}/taxonomy_term")
            self.row(t.ATTRIBUTE, attribute, at, **links)

    def _term(self, term: dict[str, Any], pointer: str) -> HsdsId:
        row = self.row(t.TAXONOMY_TERM, term, pointer, add=False)
        detail = term.get("taxonomy_detail")
        if isinstance(detail, dict):
            row.extra["taxonomy_detail"] = self.row(
                t.TAXONOMY, detail, f"{pointer}/taxonomy_detail", add=False
            )
        row.strict = False
        self.writer.add(t.TAXONOMY_TERM, row)
        return row.id

    def _location(
        self, location: dict[str, Any], pointer: str, organization: HsdsId | None
    ) -> HsdsId:
        links: dict[str, Any] = {}
        if location.get("organization_id") is None and organization is not None:
            links["organization_id"] = organization
        row = self.row(t.LOCATION, location, pointer, **links)
        for index, address in enumerate(_list(location, "addresses")):
            self.row(t.ADDRESS, address, f"{pointer}/addresses/{index}", location_id=row.id)
        return row.id


def _list(item: Any, key: str) -> list[Any]:
    value = item.get(key) if isinstance(item, dict) else None
    return value if isinstance(value, list) else []
