"""Generated requests for every operation of the OpenAPI document: no server error, every
answer as documented (status, content type, schema), and malformed values refused.

Bounded (a few examples per operation, no shrinking) so it runs in `make test`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import positive_data_acceptance

from waypost.api.openapi import document
from waypost.wsgi import application

schema = schemathesis.openapi.from_dict(document())
schema.app = application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Requests here go through the real WSGI handler, which closes database connections
    at the end of each request; the test's transaction needs its connection to live on
    (Django's own test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_fails_and_keeps_to_its_document(case: Any) -> None:
    # A well-formed value can still name nothing we know (a ZIP, a place): a 400 for it is
    # the documented answer, so "schema-valid data must be accepted" does not apply.
    # The WSGI test client does not decompress: ask for plain bodies.
    case.call_and_validate(
        headers={"Accept-Encoding": "identity"}, excluded_checks=[positive_data_acceptance]
    )
