"""Waypost's own records as JSON: places, search results, laws and guides with citations.

Every fact carries its evidence as on the page: the numbers of its sources (listed once per
document under `sources`), its status, and the date it was last checked. Facts with no source
are left out, as on the page.
"""

from __future__ import annotations

from typing import Any

from waypost.directory.models import Phone, Service, Weekday
from waypost.evidence.models import Source
from waypost.guides.citations import Evidence
from waypost.guides.services import Answer, Guide, Item
from waypost.laws.models import Law, LawChange, LawStatement, Program
from waypost.places.models import Place
from waypost.search.listing import SearchResult
from waypost.search.services import SearchPage
from waypost.translations.language import choice_label

JSON = dict[str, Any]


def place(p: Place) -> JSON:
    out: JSON = {
        "path": p.path,
        "name": p.name,
        "display_name": p.display_name,
        "kind": p.kind,
        "state_code": p.state_code or None,
        "latitude": p.latitude,
        "longitude": p.longitude,
        "timezone": p.timezone or None,
        "population": p.population,
        "url": p.get_absolute_url(),
    }
    if p.kind == "city":
        out["guide_api"] = f"/api/guides/{p.path}"
    return out


def _service(service: Service, phones: list[Phone] | tuple[Phone, ...] | None = None) -> JSON:
    return {
        "id": str(service.hsds_id),
        "name": service.name,
        "organization": service.organization.name,
        "description": service.description,
        "url": service.get_absolute_url(),
        "hsds_api": f"/api/hsds/services/{service.hsds_id}",
        "hours": service.hours_description or None,
        "fees": service.fees_description or None,
        "phones": [
            {"number": p.number, "type": p.type, "language": p.language or None}
            for p in (service.phones.all() if phones is None else phones)
        ],
    }


def search_result(result: SearchResult) -> JSON:
    out = _service(result.service, result.phones)
    out["distance_mi"] = result.distance_mi
    out["categories"] = sorted(t.code for t in result.categories)
    out["attributes"] = sorted(t.code for t in result.attributes)
    out["languages"] = list(result.languages)
    out["schedules"] = [
        {
            "weekday": choice_label(Weekday, s.weekday),
            "opens_at": s.opens_at.strftime("%H:%M"),
            "closes_at": s.closes_at.strftime("%H:%M"),
        }
        for s in result.schedules
    ]
    loc = result.location
    if loc is None:
        out["location"] = None
    else:
        addr = getattr(loc, "address", None)
        out["location"] = {
            "name": loc.name or None,
            "latitude": loc.latitude,
            "longitude": loc.longitude,
            "area_only": loc.area_only,
            "area": (loc.area_description or None) if loc.area_only else None,
            "address": str(addr) if addr is not None and not loc.area_only else None,
            "timezone": loc.timezone or None,
        }
    return out


def search_page(page: SearchPage, base: str) -> JSON:
    query = page.query
    origin = None
    if page.origin is not None:
        origin = {
            "label": page.origin.label,
            "latitude": page.origin.latitude,
            "longitude": page.origin.longitude,
        }
    return {
        "query": dict(query.to_params()),
        "origin": origin,
        "radius_mi": query.radius_mi if origin else None,
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "total_pages": page.pages,
        "next": f"{base}?{query.query_string(page=page.page + 1)}" if page.has_next else None,
        "previous": (
            f"{base}?{query.query_string(page=page.page - 1)}" if page.has_previous else None
        ),
        "results": [search_result(r) for r in page.results],
    }


# ---- laws and guides ----------------------------------------------------------------------


def source(number: int | None, s: Source) -> JSON:
    out: JSON = {"key": s.key, "url": s.url, "title": s.title}
    if number is not None:
        out = {"number": number, **out}
    out["publisher"] = s.publisher or None
    out["as_of"] = s.as_of or None
    return out


def evidence(e: Evidence) -> JSON:
    return {
        "sources": list(e.refs),
        "status": str(e.status),
        "checked_on": e.checked_on.isoformat() if e.checked_on else None,
        "caveat": e.caveat or None,
        # Contact details resting only on sources older than the check window: the date of
        # the newest, which a reader should weigh instead of a check date.
        "old_source_as_of": e.old_source.as_of if e.old_source is not None else None,
    }


def law_statement(st: LawStatement) -> JSON:
    law = st.law
    return {
        "type": "law",
        "citation": law.citation or None,
        "title": st.heading,
        "jurisdiction": law.jurisdiction.path,
        "topic": st.topic or None,
        "summary": st.summary,
        "classification": st.classification or None,
        "max_jail": st.max_jail or None,
        "max_fine_usd": st.max_fine_usd,
        "penalty_note": st.penalty_note or None,
        "effective_from": law.effective_from.isoformat() if law.effective_from else None,
        "effective_to": law.effective_to.isoformat() if law.effective_to else None,
    }


def _record(item: Item) -> JSON:
    obj = item.obj
    if isinstance(obj, LawStatement):
        return law_statement(obj)
    if isinstance(obj, LawChange):
        return {
            "type": "law_change",
            "bill": obj.bill,
            "name": obj.name or None,
            "signed_on": obj.signed_on.isoformat() if obj.signed_on else None,
            "effective_on": obj.effective_on.isoformat() if obj.effective_on else None,
            "change": obj.change,
        }
    if isinstance(obj, Program):
        return {
            "type": "program",
            "kind": obj.kind,
            "title": obj.title,
            "citation": obj.citation or None,
            "summary": obj.summary,
            "amount_usd_month": obj.amount_usd_month,
        }
    if isinstance(obj, Service):
        out = {"type": "service", **_service(obj)}
        out["distance_mi"] = round(item.distance_mi, 1) if item.distance_mi is not None else None
        out["attributes"] = list(item.attributes)
        return out
    return {"type": "fact", "text": getattr(obj, "text", str(obj))}


def item(i: Item) -> JSON:
    return {**_record(i), "evidence": evidence(i.evidence)}


def _answer(answer: Answer) -> JSON:
    return {
        "slug": answer.question.slug,
        "question": str(answer.question.text),
        "editorial_html": answer.editorial_html or None,
        "editorial_evidence": evidence(answer.editorial.evidence) if answer.editorial else None,
        "blocks": [
            {"kind": b.kind, "heading": b.heading or None, "items": [item(i) for i in b.items]}
            for b in answer.blocks
            if b.items
        ],
    }


def guide(g: Guide) -> JSON:
    return {
        "place": place(g.place),
        "date": g.on.isoformat(),
        "language": g.language,
        "jurisdictions": [p.path for p in g.chain],
        "hotlines": [item(i) for i in g.hotlines],
        "about": [item(i) for i in g.about],
        "topics": [
            {
                "slug": s.topic.slug,
                "title": str(s.topic.title),
                "questions": [_answer(a) for a in s.answers],
            }
            for s in g.sections
        ],
        "no_longer_in_force": [item(i) for i in g.repealed],
        "nearest_elsewhere": [item(i) for i in g.nearest_elsewhere],
        "sources": [source(n, s) for n, s in enumerate(g.sources, start=1)],
        "notice": "Information, not legal advice.",
    }


def law(lw: Law, statements: list[tuple[LawStatement, list[Source], str]]) -> JSON:
    return {
        "citation": lw.citation or None,
        "title": lw.title,
        "jurisdiction": lw.jurisdiction.path,
        "effective_from": lw.effective_from.isoformat() if lw.effective_from else None,
        "effective_to": lw.effective_to.isoformat() if lw.effective_to else None,
        "statements": [
            {
                **law_statement(st),
                "status": status,
                "checked_on": st.fact.last_checked_on.isoformat()
                if st.fact.last_checked_on
                else None,
                "sources": [source(None, s) for s in sources],
            }
            for st, sources, status in statements
        ],
    }
