"""Behind the proxy, the reader's address (counted for rate limits, keyed, never kept) comes
from the proxy's X-Real-IP; from anyone else, that header is ignored."""

from __future__ import annotations

from django.test import RequestFactory, override_settings

from waypost.safeguards.keys import client_address


@override_settings(TRUSTED_PROXIES=frozenset({"127.0.0.1"}))
def test_the_trusted_proxy_names_the_reader() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.7")
    assert client_address(request) == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=frozenset({"127.0.0.1"}))
def test_a_reader_cannot_name_another_address() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.2", HTTP_X_REAL_IP="203.0.113.7")
    assert client_address(request) == "198.51.100.2"


@override_settings(TRUSTED_PROXIES=frozenset())
def test_without_a_proxy_the_header_is_ignored() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.7")
    assert client_address(request) == "127.0.0.1"
