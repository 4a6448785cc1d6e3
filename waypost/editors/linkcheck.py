"""The link checker: request every source address and note dead ones as problems.

Polite by construction: one request at a time per host (hosts in parallel, bounded), a
timeout on every request, HEAD first (GET only where HEAD is refused), and a user agent
that says who is asking.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.client import HTTPException
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from waypost.evidence.models import Source
from waypost.reports.services import note_dead_link

# Answers that say "not for robots" or "slow down" rather than "gone": not dead links.
NOT_DEAD = {401, 403, 429}
# Servers that refuse HEAD answer these; the checker then asks again with GET.
RETRY_WITH_GET = {400, 403, 405, 501}


@dataclass(frozen=True)
class LinkResult:
    url: str
    ok: bool
    detail: str


def _request(url: str, method: str, timeout: float, user_agent: str) -> int:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": user_agent})
    try:
        # Redirects are followed (a moved page is not a dead one).
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if method == "GET":
                response.read(1024)  # enough to know it answers; the rest is not needed
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def check_url(url: str, timeout: float, user_agent: str) -> LinkResult:
    if urlsplit(url).scheme not in ("http", "https"):
        return LinkResult(url, False, "not a web address")
    try:
        status = _request(url, "HEAD", timeout, user_agent)
        if status in RETRY_WITH_GET:
            status = _request(url, "GET", timeout, user_agent)
    except TimeoutError:
        return LinkResult(url, False, f"no answer within {timeout:g} s")
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            return LinkResult(url, False, f"no answer within {timeout:g} s")
        return LinkResult(url, False, f"could not connect ({reason})")
    except (HTTPException, OSError, ValueError) as exc:
        return LinkResult(url, False, f"could not connect ({exc.__class__.__name__})")
    if status < 400 or status in NOT_DEAD:
        return LinkResult(url, True, f"HTTP {status}")
    return LinkResult(url, False, f"HTTP {status}")


def check_urls(
    urls: list[str], *, concurrency: int = 4, timeout: float = 10.0, user_agent: str = ""
) -> dict[str, LinkResult]:
    """Every address checked once; hosts in parallel (at most `concurrency`), each host's
    addresses one after another."""
    agent = user_agent or settings.LINK_CHECK_USER_AGENT
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in dict.fromkeys(urls):
        by_host[urlsplit(url).netloc.lower()].append(url)

    def run_host(host_urls: list[str]) -> list[LinkResult]:
        return [check_url(url, timeout, agent) for url in host_urls]

    results: dict[str, LinkResult] = {}
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        for batch in pool.map(run_host, by_host.values()):
            for result in batch:
                results[result.url] = result
    return results


@dataclass(frozen=True)
class LinkReport:
    checked: int
    dead: list[LinkResult]
    problems_opened: int


def check_sources(
    sources: list[Source], *, concurrency: int = 4, timeout: float = 10.0
) -> LinkReport:
    results = check_urls([s.url for s in sources], concurrency=concurrency, timeout=timeout)
    dead = [r for r in results.values() if not r.ok]
    opened = 0
    with transaction.atomic():
        for source in sources:
            result = results[source.url]
            if result.ok:
                continue
            for fact in source.facts.all():
                if note_dead_link(fact, source, result.detail) is not None:
                    opened += 1
    return LinkReport(len(results), dead, opened)
