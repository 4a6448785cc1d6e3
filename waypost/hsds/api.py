"""The HSDS 3.1 API, read-only and public: /api/hsds/...

List endpoints take the spec's parameters, combined with AND, and answer with the spec's
page wrapper, or as NDJSON (`format=ndjson`): one result per line, streamed, at most
NDJSON_MAX_ITEMS a response, `page` choosing the part and a `Link: <…>; rel="next"` header
naming the next one, so that no response holds a worker for the whole directory.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from waypost import parsing
from waypost.directory.models import (
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
)
from waypost.hsds import serialize
from waypost.params import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    BadParameter,
    Params,
    error_response,
    json_response,
    ndjson_response,
    not_found,
)
from waypost.places.geo import bounding_box, distance_mi
from waypost.places.models import ZipCode
from waypost.search import fulltext, tables

M = TypeVar("M", bound=Model)
LIST_PARAMS = ("page", "per_page", "format", "search")
METERS_PER_MILE = 1609.344
MAX_PROXIMITY_M = 500 * METERS_PER_MILE
NDJSON_CHUNK = 500
# Results in one NDJSON response: a fiftieth of a national directory (500,000 services), so
# that a response holds a worker for seconds rather than minutes.
NDJSON_MAX_ITEMS = 10_000
MAX_PAGE = 1_000_000_000


def _api(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """GET and HEAD only; a bad parameter becomes a 400 that names it."""

    # Read-only and cookie-free: refuse other methods with 405, not a CSRF failure.
    @csrf_exempt
    @require_safe
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except parsing.InvalidParameter as exc:
            return error_response(exc.parameter, exc.message)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _ndjson(params: Params) -> bool:
    return params.choice("format", ("json", "ndjson"), "json") == "ndjson"


def _page_numbers(params: Params) -> tuple[int, int]:
    """(page, results a page): an NDJSON part holds NDJSON_MAX_ITEMS, whatever per_page."""
    page = params.integer("page", 1, 1, MAX_PAGE)
    per_page = params.integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    return page, NDJSON_MAX_ITEMS if _ndjson(params) else per_page


def _paging(params: Params, total: int) -> tuple[int, int, int]:
    """(page, per_page, pages); a page past the last is an error, an empty first page not."""
    page, per_page = _page_numbers(params)
    pages = max(1, math.ceil(total / per_page))
    if page > pages:
        raise BadParameter("page", f"There {'is' if pages == 1 else 'are'} only {pages} page(s).")
    return page, per_page, pages


def _wrapper(total: int, page: int, pages: int, contents: list[Any]) -> HttpResponseBase:
    return json_response(
        {
            "total_items": total,
            "total_pages": pages,
            "page_number": page,
            "size": len(contents),
            "first_page": page == 1,
            "last_page": page == pages,
            "empty": total == 0,
            "contents": contents,
        }
    )


def _ndjson_part(
    params: Params, rows: Iterator[dict[str, Any]], page: int, pages: int
) -> StreamingHttpResponse:
    """One part of an NDJSON list, with a link to the next part unless it is the last."""
    response = ndjson_response(rows)
    if page < pages:
        response["Link"] = f'<{params.url(page=page + 1)}>; rel="next"'
    return response


def _page(
    params: Params,
    queryset: QuerySet[M],
    serialize_one: Callable[[M], dict[str, Any]],
) -> HttpResponseBase:
    """The spec's page wrapper, or a part of the NDJSON list."""
    total = queryset.count()
    page, per_page, pages = _paging(params, total)
    rows = queryset[(page - 1) * per_page : page * per_page]
    if _ndjson(params):
        streamed = (serialize_one(row) for row in rows.iterator(NDJSON_CHUNK))
        return _ndjson_part(params, streamed, page, pages)
    return _wrapper(total, page, pages, [serialize_one(row) for row in rows])


def _term_filter(params: Params, prefix: str = "") -> Q:
    """Records linked to a taxonomy term (as category or attribute), or to any term of a
    taxonomy."""
    condition = Q()
    term_id = params.uuid("taxonomy_term_id")
    if term_id is not None:
        condition &= Q(**{f"{prefix}categories__hsds_id": term_id}) | Q(
            **{f"{prefix}attributes__hsds_id": term_id}
        )
    taxonomy_id = params.uuid("taxonomy_id")
    if taxonomy_id is not None:
        condition &= Q(**{f"{prefix}categories__taxonomy__hsds_id": taxonomy_id}) | Q(
            **{f"{prefix}attributes__taxonomy__hsds_id": taxonomy_id}
        )
    return condition


def _service_ids_matching(params: Params, prefix: str = "") -> QuerySet[Service]:
    """Service pks for the service-level filters (search, terms, organization, modified)."""
    services = Service.objects.all()
    text = params.text("search")
    if text is not None:
        services = services.filter(pk__in=_keyword_ids(text))
    condition = _term_filter(params)
    if condition:
        services = services.filter(pk__in=Service.objects.filter(condition).values("pk"))
    organization_id = params.uuid("organization_id")
    if organization_id is not None:
        services = services.filter(organization__hsds_id=organization_id)
    modified_after = params.datetime("modified_after")
    if modified_after is not None:
        services = services.filter(modified__gte=modified_after)
    return services


def _keyword_ids(text: str) -> RawSQL:
    """Ids of services matching the words, as a subquery (never a list in memory)."""
    try:
        keywords = fulltext.keyword_sql(text)
    except fulltext.NoWords as exc:
        raise BadParameter("search", str(exc)) from None
    where = f"WHERE {keywords.where}" if keywords.where else ""
    sql = f"SELECT s.id FROM {tables.SERVICE} s {keywords.join} {where}"
    return RawSQL(sql, (*keywords.join_params, *keywords.where_params))


def _path_id(raw: str) -> list[uuid.UUID]:
    """An id in a path, as a lookup list: a malformed one finds nothing (a JSON 404)."""
    try:
        return [parsing.identifier("id", raw)]
    except parsing.InvalidParameter:
        return []


# ---- views ---------------------------------------------------------------------------------


@_api
def root(request: HttpRequest) -> HttpResponseBase:
    Params(request, ())
    return json_response(
        {
            "version": serialize.HSDS_VERSION,
            "profile": serialize.HSDS_PROFILE,
            "openapi_url": request.build_absolute_uri("/api/openapi.json"),
        }
    )


@_api
def services(request: HttpRequest) -> HttpResponseBase:
    params = Params(
        request,
        (
            *LIST_PARAMS,
            "taxonomy_term_id",
            "taxonomy_id",
            "organization_id",
            "modified_after",
            "minimal",
            "full",
        ),
    )
    minimal, full = params.boolean("minimal"), params.boolean("full")
    if minimal and full:
        raise BadParameter("minimal", "Ask for minimal or full, not both.")
    ids = _service_ids_matching(params).values("pk")
    queryset = serialize.services_queryset(full=full).filter(pk__in=ids).order_by("name", "id")
    if minimal:
        return _page(params, queryset, serialize.service_minimal)
    return _page(params, queryset, serialize.service_full if full else serialize.service_list_item)


@_api
def service(request: HttpRequest, id: str) -> HttpResponseBase:
    Params(request, ())
    found = serialize.services_queryset(full=True).filter(hsds_id__in=_path_id(id)).first()
    return json_response(serialize.service_full(found)) if found else not_found("service")


@_api
def organizations(request: HttpRequest) -> HttpResponseBase:
    params = Params(
        request, (*LIST_PARAMS, "full", "full_service", "taxonomy_term_id", "taxonomy_id")
    )
    full = params.boolean("full") or params.boolean("full_service")
    queryset = Organization.objects.order_by("name", "id")
    text = params.text("search")
    if text is not None:
        queryset = queryset.filter(Q(name__icontains=text) | Q(description__icontains=text))
    condition = _term_filter(params, "services__")
    if condition:
        queryset = queryset.filter(pk__in=Organization.objects.filter(condition).values("pk"))
    if full:
        queryset = queryset.prefetch_related("services__organization", "services__fact")
        return _page(
            params, queryset, lambda org: serialize.organization_full(org, org.services.all())
        )
    return _page(params, queryset, serialize.organization)


@_api
def organization(request: HttpRequest, id: str) -> HttpResponseBase:
    Params(request, ("full_service",))
    found = Organization.objects.filter(hsds_id__in=_path_id(id)).first()
    if found is None:
        return not_found("organization")
    services = serialize.services_queryset(full=False).filter(organization=found)
    return json_response(serialize.organization_full(found, services.order_by("name", "id")))


@_api
def taxonomies(request: HttpRequest) -> HttpResponseBase:
    params = Params(request, LIST_PARAMS)
    queryset = Taxonomy.objects.order_by("name", "id")
    text = params.text("search")
    if text is not None:
        queryset = queryset.filter(Q(name__icontains=text) | Q(description__icontains=text))
    return _page(params, queryset, serialize.taxonomy)


@_api
def taxonomy(request: HttpRequest, id: str) -> HttpResponseBase:
    Params(request, ())
    found = Taxonomy.objects.filter(hsds_id__in=_path_id(id)).first()
    return json_response(serialize.taxonomy(found)) if found else not_found("taxonomy")


@_api
def taxonomy_terms(request: HttpRequest) -> HttpResponseBase:
    params = Params(request, (*LIST_PARAMS, "taxonomy_id", "top_only", "parent_id"))
    queryset = serialize.terms_queryset().order_by("taxonomy__name", "name", "id")
    text = params.text("search")
    if text is not None:
        queryset = queryset.filter(
            Q(name__icontains=text) | Q(code__icontains=text) | Q(description__icontains=text)
        )
    taxonomy_id = params.uuid("taxonomy_id")
    if taxonomy_id is not None:
        queryset = queryset.filter(taxonomy__hsds_id=taxonomy_id)
    if params.boolean("top_only"):
        queryset = queryset.filter(parent__isnull=True)
    parent_id = params.uuid("parent_id")
    if parent_id is not None:
        queryset = queryset.filter(parent__hsds_id=parent_id)
    return _page(params, queryset, lambda t: serialize.taxonomy_term(t, detail=True))


@_api
def taxonomy_term(request: HttpRequest, id: str) -> HttpResponseBase:
    Params(request, ())
    found = serialize.terms_queryset().filter(hsds_id__in=_path_id(id)).first()
    if found is None:
        return not_found("taxonomy term")
    return json_response(serialize.taxonomy_term(found, detail=True))


@_api
def service_at_locations(request: HttpRequest) -> HttpResponseBase:
    params = Params(
        request,
        (
            *LIST_PARAMS,
            "taxonomy_term_id",
            "taxonomy_id",
            "organization_id",
            "modified_after",
            "full",
            "postcode",
            "proximity",
        ),
    )
    full = params.boolean("full")
    service_ids = _service_ids_matching(params).values("pk")
    queryset = serialize.service_at_locations_queryset(full=full).filter(
        service__in=service_ids, service__status="active"
    )
    postcode = params.text("postcode")
    meters = params.number("proximity")
    if meters is not None and postcode is None:
        raise BadParameter("proximity", "Give a postcode to measure the proximity from.")
    if meters is not None and not 0 < meters <= MAX_PROXIMITY_M:
        raise BadParameter("proximity", f"Use more than 0 and at most {MAX_PROXIMITY_M:.0f} m.")
    if postcode is None:
        queryset = queryset.order_by("service__name", "id")
        return _page(params, queryset, lambda link: serialize.service_at_location(link, full=full))
    zip_code = _zip(postcode)
    if meters is None:
        queryset = queryset.filter(location__address__postal_code=zip_code.code)
        queryset = queryset.order_by("service__name", "id")
        return _page(params, queryset, lambda link: serialize.service_at_location(link, full=full))
    return _nearest(params, queryset, zip_code, meters, full)


def _zip(postcode: str) -> ZipCode:
    if len(postcode) != 5 or not parsing.is_digits(postcode):
        raise BadParameter("postcode", f"{postcode!r} is not a 5-digit ZIP code.")
    found = ZipCode.objects.filter(code=postcode).first()
    if found is None:
        raise BadParameter("postcode", f"We do not know the ZIP code {postcode}.")
    return found


def _nearest(
    params: Params,
    queryset: QuerySet[ServiceAtLocation],
    zip_code: ZipCode,
    meters: float,
    full: bool,
) -> HttpResponseBase:
    """Within `meters` of the ZIP's centre, nearest first (box on the index, then exact)."""
    miles = meters / METERS_PER_MILE
    lat, lng = zip_code.latitude, zip_code.longitude
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, miles)
    boxed = queryset.filter(
        location__latitude__range=(min_lat, max_lat),
        location__longitude__range=(min_lng, max_lng),
    ).values_list("pk", "location__latitude", "location__longitude")
    distances = {pk: d for pk, la, lo in boxed if (d := distance_mi(lat, lng, la, lo)) <= miles}
    ordered = sorted(distances, key=lambda pk: (distances[pk], pk))
    page, per_page, pages = _paging(params, len(ordered))
    chosen = ordered[(page - 1) * per_page : page * per_page]
    if _ndjson(params):
        return _ndjson_part(params, _in_order(queryset, chosen, full), page, pages)
    return _wrapper(len(ordered), page, pages, list(_in_order(queryset, chosen, full)))


def _in_order(
    queryset: QuerySet[ServiceAtLocation], pks: list[int], full: bool
) -> Iterator[dict[str, Any]]:
    for start in range(0, len(pks), NDJSON_CHUNK):
        chunk = pks[start : start + NDJSON_CHUNK]
        by_pk = {link.pk: link for link in queryset.filter(pk__in=chunk)}
        for pk in chunk:
            yield serialize.service_at_location(by_pk[pk], full=full)


@_api
def service_at_location(request: HttpRequest, id: str) -> HttpResponseBase:
    Params(request, ())
    found = (
        serialize.service_at_locations_queryset(full=True).filter(hsds_id__in=_path_id(id)).first()
    )
    if found is None:
        return not_found("service at location")
    return json_response(serialize.service_at_location(found, full=True))
