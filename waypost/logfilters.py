"""Logging that never writes a client address or a query string (docs/PRODUCT.md, "Privacy
and safety rules"): a search's query can hold where a reader is.

Used by Django's logging (settings.LOGGING) and by the WSGI server's (deploy/gunicorn.conf.py),
which names a client's address in some of its own messages ("Invalid request from ip=...")
and the whole address asked for when a request fails ("Error handling request GET /x?q=...").
Importable before Django is set up.
"""

from __future__ import annotations

import ipaddress
import logging
import re

REMOVED = "[address removed]"
QUERY_REMOVED = "?[query removed]"
# A path followed by its query string: the query goes, the path stays.
_QUERY = re.compile(r"(/[^\s?\"'<>]*)\?[^\s\"'<>]+")
# Anything that may be an IPv4 or IPv6 address; each candidate is confirmed by `ipaddress`,
# so times ("12:30:45") and version numbers stay.
_CANDIDATE = re.compile(r"\[?[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.%]*\]?")


def without_addresses(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        bare = token.strip("[]").rstrip(".:")
        host = bare.split("%", 1)[0]
        candidates = {host}
        if host.count(":") == 1:  # address:port
            candidates.add(host.rsplit(":", 1)[0])
        for candidate in candidates:
            try:
                ipaddress.ip_address(candidate)
            except ValueError:
                continue
            return REMOVED
        return token

    return _QUERY.sub(lambda m: m.group(1) + QUERY_REMOVED, _CANDIDATE.sub(replace, text))


class NoClientAddress(logging.Filter):
    """Rewrites a record's message (and exception text) without any IP address or query
    string in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = without_addresses(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = without_addresses(record.exc_text)
        return True
