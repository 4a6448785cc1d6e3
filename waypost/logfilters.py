"""Logging that never writes a client address (docs/PRODUCT.md, "Privacy and safety rules").

Used by Django's logging (settings.LOGGING) and by the WSGI server's (deploy/gunicorn.conf.py),
which names a client's address in some of its own messages ("Invalid request from ip=...").
Importable before Django is set up.
"""

from __future__ import annotations

import ipaddress
import logging
import re

REMOVED = "[address removed]"
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

    return _CANDIDATE.sub(replace, text)


class NoClientAddress(logging.Filter):
    """Rewrites a record's message (and exception text) without any IP address in it."""

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
