""" "Can my record be cleared?": a form per state, answered privately.

The answers come by POST (never in the address, so never in the history or a server log),
are matched for this one request and forgotten: nothing is stored or logged, no cookie is
set, and the answer page is `no-store`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from waypost.guides.coverage import state_by_code, states
from waypost.places.services import city_at
from waypost.relief.forms import ReliefForm
from waypost.relief.services import check_record
from waypost.safeguards.decorators import body_larger_than
from waypost.site.pagecache import cached_page

# Five short answers fit in a few hundred bytes; a body far larger is no honest answer.
MAX_BODY_BYTES = 4096


# No CSRF token: it would need a cookie, and the form changes nothing: a forged POST
# only shows its sender a page.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@cached_page()
def record_relief(request: HttpRequest, state: str, city: str | None = None) -> HttpResponse:
    state_place = state_by_code(state)
    if state_place is None:
        raise Http404("No such state or city")
    city_place = None
    if city is not None:
        city_place = city_at(f"us/{state}/{city}")
        if city_place is None:
            raise Http404("No such state or city")
    choices = [(s.slug, s.name) for s in states()]
    context: dict[str, Any] = {"state": state_place, "city": city_place}
    if request.method != "POST":
        form = ReliefForm(initial={"state": state_place.slug}, states=choices)
        return render(request, "relief/check.html", {**context, "form": form})
    data, refused = _posted(request)
    form = ReliefForm(data, states=choices)
    if refused:
        form.add_error(None, refused)
    status = 200
    if form.is_valid():
        chosen = state_by_code(form.cleaned_data["state"])
        assert chosen is not None  # a choice from the list of states
        # Legal help near the city the reader came from, when the state is still its own.
        near = city_place if chosen == state_place else None
        context["page"] = check_record(chosen, near, form.answers(), get_language())
        context["state"] = chosen
        context["loc"] = context["page"].loc
    else:
        status = 400
    response = render(request, "relief/check.html", {**context, "form": form}, status=status)
    add_never_cache_headers(response)
    return response


def _posted(request: HttpRequest) -> tuple[QueryDict, str]:
    """The posted answers, or nothing and the reason they were refused."""
    too_big = _("The form sent was too large. Please answer the questions again.")
    if body_larger_than(request, MAX_BODY_BYTES):
        return QueryDict(), too_big
    try:
        return request.POST, ""
    except (RequestDataTooBig, TooManyFieldsSent):
        return QueryDict(), too_big
