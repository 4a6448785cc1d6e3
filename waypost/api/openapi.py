"""The OpenAPI 3.1 document for every JSON endpoint, and the operations the docs page lists.

Written as data here, next to the views it describes; tests check it is a valid OpenAPI
document and that every route it names answers.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from waypost.hsds.api import NDJSON_MAX_ITEMS
from waypost.hsds.serialize import HSDS_VERSION
from waypost.params import DEFAULT_PER_PAGE, MAX_PER_PAGE
from waypost.search.services import DEFAULT_RADIUS_MI, MAX_RADIUS_MI
from waypost.search.services import MAX_PER_PAGE as SEARCH_MAX_PER_PAGE

JSON = dict[str, Any]
HSDS_SPEC = "https://docs.openreferral.org/en/latest/hsds/schema_reference.html"


def _param(
    name: str, description: str, schema: JSON, *, where: str = "query", required: bool = False
) -> JSON:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "description": description,
        "schema": schema,
    }


STRING: JSON = {"type": "string"}
BOOLEAN: JSON = {"type": "string", "enum": ["true", "false"]}
UUID: JSON = {"type": "string", "format": "uuid"}


def _page_params(max_per_page: int, default: int) -> list[JSON]:
    return [
        _param(
            "page",
            "Page number, from 1. A page past the last is an error.",
            {"type": "integer", "minimum": 1, "default": 1},
        ),
        _param(
            "per_page",
            f"Results per page, at most {max_per_page}.",
            {"type": "integer", "minimum": 1, "maximum": max_per_page, "default": default},
        ),
    ]


SEARCH_PARAMS: list[JSON] = [
    _param(
        "near",
        'Where to search from: a place path ("us/ct/norwalk"), a place name ("Norwalk, CT"), '
        'a 5-digit ZIP code, or "latitude,longitude". Without it, searches everywhere.',
        {"type": "string", "maxLength": 200},
    ),
    _param(
        "radius",
        f"Miles from `near` (default {DEFAULT_RADIUS_MI:g}), above 0 and at most "
        f"{MAX_RADIUS_MI:g}.",
        {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_RADIUS_MI},
    ),
    _param(
        "category",
        "Category code (repeatable, or comma-separated); a category includes its "
        "sub-categories; any one matches. Codes: /api/hsds/taxonomy_terms.",
        {"type": "array", "items": {"type": "string"}},
    ),
    _param(
        "attr",
        'Attribute code, like "free" or "no-id-required" (repeatable); all must apply.',
        {"type": "array", "items": {"type": "string"}},
    ),
    _param(
        "lang",
        'Language code, like "es" (repeatable); all must be spoken; "es" finds "es-MX".',
        {"type": "array", "items": {"type": "string"}},
    ),
    _param(
        "open",
        '"now"; a weekday and time, like "sat 14:00" (local time at each location); or an '
        "ISO 8601 date and time (with an offset: that instant; without: local time).",
        {"type": "string"},
    ),
    _param(
        "q",
        "Words that must all occur in the service's name or description; results are "
        "then ordered by relevance.",
        {"type": "string", "maxLength": 200},
    ),
    *_page_params(SEARCH_MAX_PER_PAGE, 20),
]

ERROR: JSON = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["message"],
            "properties": {
                "parameter": {"type": "string", "description": "The parameter at fault."},
                "message": {"type": "string"},
            },
        }
    },
}
OBJECT: JSON = {"type": "object"}
HSDS_PAGE: JSON = {
    "type": "object",
    "required": [
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
        "contents",
    ],
    "properties": {
        "total_items": {"type": "integer"},
        "total_pages": {"type": "integer"},
        "page_number": {"type": "integer"},
        "size": {"type": "integer"},
        "first_page": {"type": "boolean"},
        "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"},
        "contents": {"type": "array", "items": {"type": "object"}},
    },
}
SEARCH_RESULTS: JSON = {
    "type": "object",
    "required": ["total", "page", "per_page", "total_pages", "results"],
    "properties": {
        "total": {"type": "integer"},
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "total_pages": {"type": "integer"},
        "next": {"type": ["string", "null"]},
        "previous": {"type": ["string", "null"]},
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "name", "distance_mi"],
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "name": {"type": "string"},
                    "distance_mi": {"type": ["number", "null"]},
                },
            },
        },
    },
}


def _responses(schema: JSON, *, not_found: bool = False, ndjson: bool = False) -> JSON:
    ok: JSON = {"application/json": {"schema": schema}}
    success: JSON = {"description": "OK", "content": ok}
    if ndjson:
        ok["application/x-ndjson"] = {"schema": {"type": "string"}}
        success["headers"] = {
            "Link": {
                "description": 'With format=ndjson, where the next part is: `<URL>; rel="next"` '
                "(absent from the last part).",
                "schema": {"type": "string"},
            }
        }
    out: JSON = {
        "200": success,
        "400": {
            "description": "A bad parameter, named in the answer.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        },
    }
    if not_found:
        out["404"] = {
            "description": "No such record.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    return out


@dataclass(frozen=True)
class Operation:
    path: str
    summary: str
    description: str
    parameters: tuple[JSON, ...]
    responses: JSON
    tag: str

    @property
    def operation_id(self) -> str:
        parts = [p.strip("{}") for p in self.path.strip("/").split("/")]
        return "_".join(["get", *parts]).replace("-", "_") or "get_root"


def _hsds_list(path: str, summary: str, extra: list[JSON], description: str = "") -> Operation:
    params = [
        _param("search", "Words that must all occur (names and descriptions).", STRING),
        *_page_params(MAX_PER_PAGE, DEFAULT_PER_PAGE),
        _param(
            "format",
            f"json (a page) or ndjson (one result per line, streamed, at most "
            f"{NDJSON_MAX_ITEMS:,} a response whatever `per_page`: `page` picks the part and "
            'a `Link: <URL>; rel="next"` header names the next one).',
            {"type": "string", "enum": ["json", "ndjson"]},
        ),
        *extra,
    ]
    return Operation(
        path, summary, description, tuple(params), _responses(HSDS_PAGE, ndjson=True), "HSDS 3.1"
    )


def _hsds_one(path: str, summary: str, extra: tuple[JSON, ...] = ()) -> Operation:
    params = (_param("id", "The record's HSDS id.", UUID, where="path"), *extra)
    return Operation(path, summary, "", params, _responses(OBJECT, not_found=True), "HSDS 3.1")


TERM_ID = _param("taxonomy_term_id", "Only records linked to this taxonomy term.", UUID)
TAXONOMY_ID = _param("taxonomy_id", "Only records linked to a term of this taxonomy.", UUID)
ORGANIZATION_ID = _param("organization_id", "Only services of this organization.", UUID)
MODIFIED_AFTER = _param(
    "modified_after",
    "Only services changed at or after this time (ISO 8601; UTC when no offset is given).",
    {"type": "string"},
)
FULL = _param("full", "true: every nested record (phones, schedules, locations…).", BOOLEAN)


@functools.cache
def operations() -> tuple[Operation, ...]:
    place_path = _param(
        "path", 'A place path, like "us/ct/norwalk".', {"type": "string"}, where="path"
    )
    return (
        Operation(
            "/api/search",
            "Search the directory",
            "Services near a place, by category, attribute, language, opening time and "
            "words; nearest first (by relevance with words), each with `distance_mi`. The "
            "same parameters as the /search/ page.",
            tuple(SEARCH_PARAMS),
            _responses(SEARCH_RESULTS),
            "Waypost",
        ),
        Operation(
            "/api/places",
            "Find places",
            "Cities matching a name (most populous first) or the city of a ZIP code.",
            (
                _param(
                    "q",
                    'A city name ("Norwalk", "Norwalk, CT") or a ZIP code.',
                    {"type": "string", "maxLength": 100},
                    required=True,
                ),
            ),
            _responses(OBJECT),
            "Waypost",
        ),
        Operation(
            "/api/places/{path}",
            "A place",
            "A place and, for a state or country, the places under it.",
            (place_path,),
            _responses(OBJECT, not_found=True),
            "Waypost",
        ),
        Operation(
            "/api/guides/{path}",
            "A city's guide",
            "Every question of the city's guide with its answer's facts, each with its "
            "evidence (source numbers, status, check date), and the numbered sources.",
            (
                place_path,
                _param(
                    "date",
                    "The guide as it stood on this day (YYYY-MM-DD).",
                    {"type": "string", "format": "date"},
                ),
            ),
            _responses(OBJECT, not_found=True),
            "Waypost",
        ),
        Operation(
            "/api/laws",
            "Laws of a jurisdiction",
            "The laws a jurisdiction made (not those above it), each statement about them "
            "with its sources, status and check date.",
            (
                _param(
                    "jurisdiction",
                    'A place path: "us", "us/ct", "us/ct/norwalk".',
                    {"type": "string"},
                    required=True,
                ),
            ),
            _responses(OBJECT),
            "Waypost",
        ),
        Operation(
            "/api/hsds/",
            "HSDS API information",
            "The HSDS version and profile of this API and where its OpenAPI document is.",
            (),
            _responses(
                {
                    "type": "object",
                    "required": ["version", "profile", "openapi_url"],
                    "properties": {
                        "version": {"type": "string"},
                        "profile": {"type": "string"},
                        "openapi_url": {"type": "string"},
                    },
                }
            ),
            "HSDS 3.1",
        ),
        _hsds_list(
            "/api/hsds/services",
            "Services",
            [
                TERM_ID,
                TAXONOMY_ID,
                ORGANIZATION_ID,
                MODIFIED_AFTER,
                _param(
                    "minimal",
                    "true: only each service's id, name, status and last change.",
                    BOOLEAN,
                ),
                FULL,
            ],
        ),
        _hsds_one("/api/hsds/services/{id}", "A service, fully nested"),
        _hsds_list(
            "/api/hsds/organizations",
            "Organizations",
            [
                TERM_ID,
                TAXONOMY_ID,
                FULL,
                _param("full_service", "true: with each organization's services.", BOOLEAN),
            ],
        ),
        _hsds_one(
            "/api/hsds/organizations/{id}",
            "An organization with its services",
            (_param("full_service", "Accepted; services are always listed.", BOOLEAN),),
        ),
        _hsds_list("/api/hsds/taxonomies", "Taxonomies", []),
        _hsds_one("/api/hsds/taxonomies/{id}", "A taxonomy"),
        _hsds_list(
            "/api/hsds/taxonomy_terms",
            "Taxonomy terms (categories and attributes)",
            [
                TAXONOMY_ID,
                _param("top_only", "true: only terms without a parent.", BOOLEAN),
                _param("parent_id", "Only the children of this term.", UUID),
            ],
        ),
        _hsds_one("/api/hsds/taxonomy_terms/{id}", "A taxonomy term"),
        _hsds_list(
            "/api/hsds/service_at_locations",
            "Services at locations",
            [
                TERM_ID,
                TAXONOMY_ID,
                ORGANIZATION_ID,
                MODIFIED_AFTER,
                FULL,
                _param(
                    "postcode",
                    "A 5-digit ZIP code: locations with that postal code, or, "
                    "with proximity, near its centre.",
                    {"type": "string"},
                ),
                _param(
                    "proximity",
                    "Meters from the postcode's centre (needs postcode); results nearest first.",
                    {"type": "number", "exclusiveMinimum": 0},
                ),
            ],
            "Active services only.",
        ),
        _hsds_one("/api/hsds/service_at_locations/{id}", "A service at a location, nested"),
        Operation("/api/openapi.json", "This document", "", (), _responses(OBJECT), "Waypost"),
    )


@functools.cache
def document() -> JSON:
    paths: JSON = {}
    for op in operations():
        paths[op.path] = {
            "get": {
                "operationId": op.operation_id,
                "summary": op.summary,
                "description": op.description,
                "tags": [op.tag],
                "parameters": list(op.parameters),
                "responses": op.responses,
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Waypost API",
            "version": "1",
            "summary": "Waypost's directory, places, guides and laws, and the HSDS "
            f"{HSDS_VERSION} API.",
            "description": "Public and read-only: GET only, no key, no cookies. A bad "
            "parameter gets status 400 and a JSON error naming it; an unknown address (404) "
            "and a server error (500) get a JSON error too.",
            "license": {"name": "CC BY-SA 4.0", "identifier": "CC-BY-SA-4.0"},
        },
        "externalDocs": {"description": "HSDS 3.1", "url": HSDS_SPEC},
        "tags": [
            {"name": "Waypost", "description": "Places, guides, laws and search."},
            {"name": "HSDS 3.1", "description": "The Open Referral HSDS 3.1 API."},
        ],
        "paths": paths,
        "components": {"schemas": {"Error": ERROR}},
    }
