"""Behind a reverse proxy: refuse to run with proxy headers that are missing or not applied.

With ``KRING_BEHIND_PROXY=true`` Kring expects what ``deploy/nginx/kring.conf`` and
``deploy/systemd/kring@.service`` set up: nginx overwrites ``X-Forwarded-For`` with the address
it saw (``$remote_addr``), and Daphne (``--proxy-headers``) copies that into ``REMOTE_ADDR``.
allauth's login rate limit and the WebSocket handshake limit key on ``REMOTE_ADDR``, so when
either half is missing every visitor shares nginx's address (or has none: on a Unix socket
allauth answers every login with 403), and when nginx appends instead of overwriting a client
picks its own address and escapes the limit. Each case is a deployment mistake: the request
is refused with a 503 and the log names the fix, instead of Kring running half-broken.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)


def proxy_headers_problem(meta: dict[str, object]) -> str | None:
    """What is wrong with a proxied request's client address, or None when nothing is."""
    forwarded = str(meta.get("HTTP_X_FORWARDED_FOR") or "").strip()
    remote = str(meta.get("REMOTE_ADDR") or "")
    if not forwarded:
        return (
            "the request has no X-Forwarded-For header: the proxy must set it "
            "(nginx: proxy_set_header X-Forwarded-For $remote_addr)"
        )
    if "," in forwarded:
        return (
            "X-Forwarded-For holds a list, so the proxy appends to what the client sent and a client "
            "can choose its own address: set it to the address the proxy saw "
            "(nginx: proxy_set_header X-Forwarded-For $remote_addr, not $proxy_add_x_forwarded_for)"
        )
    if remote != forwarded:
        return (
            f"REMOTE_ADDR is {remote or 'missing'!r}, not the X-Forwarded-For address: the server "
            "does not apply proxy headers (start Daphne with --proxy-headers)"
        )
    return None


class ProxyHeadersCheckMiddleware:
    """Installed first when ``KRING_BEHIND_PROXY`` is on (config/settings.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = proxy_headers_problem(request.META)
        if problem is None:
            return self.get_response(request)
        logger.error("KRING_BEHIND_PROXY is on but %s; refusing %s with 503", problem, request.path)
        return HttpResponse(
            "Kring is not set up correctly behind its proxy; the server log says why.\n",
            status=503,
            content_type="text/plain; charset=utf-8",
        )


def daphne_without_proxy_headers(argv: list[str]) -> bool:
    """True when this process is Daphne started without ``--proxy-headers``."""
    return bool(argv) and argv[0].rsplit("/", 1)[-1] == "daphne" and "--proxy-headers" not in argv
