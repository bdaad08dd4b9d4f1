"""A strict Content-Security-Policy (no inline scripts anywhere outside the CMS admin) and a
Permissions-Policy that turns off what Kring never uses."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Wagtail's and Django's admins ship inline scripts and styles of their own; they are staff-only.
EXEMPT_PREFIXES = ("/cms/", "/django-admin/")

# Passkeys (WebAuthn) are Kring's own; the rest no page needs.
PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "autoplay=()",
        "camera=()",
        "display-capture=()",
        "geolocation=()",
        "gyroscope=()",
        "magnetometer=()",
        "microphone=()",
        "midi=()",
        "payment=()",
        "usb=()",
        "serial=()",
        "bluetooth=()",
        "publickey-credentials-create=(self)",
        "publickey-credentials-get=(self)",
    ]
)


def origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def sso_origins() -> list[str]:
    """Origins of the single sign-on providers configured in settings: logging in (and out)
    posts a form to Kring that redirects there, and ``form-action`` governs that redirect too.
    An app may list extra origins (``form_action_origins``) when its provider signs in elsewhere
    than its ``server_url``."""
    origins: list[str] = []
    providers = getattr(settings, "SOCIALACCOUNT_PROVIDERS", {}) or {}
    for config in providers.values():
        apps = config.get("APPS", []) if isinstance(config, dict) else []
        for app in apps if isinstance(apps, list) else []:
            app_settings = app.get("settings", {}) if isinstance(app, dict) else {}
            urls: Iterable[str] = [app_settings.get("server_url", ""), *app_settings.get("form_action_origins", [])]
            for url in urls:
                origin = origin_of(str(url))
                if origin and origin not in origins:
                    origins.append(origin)
    return origins


def websocket_origins(request: HttpRequest | None) -> list[str]:
    """The site's own WebSocket origin (from SITE_URL) and this request's host, which Django has
    checked against ALLOWED_HOSTS."""
    found: list[str] = []
    site = urlsplit(str(settings.SITE_URL))
    if site.netloc:
        found.append(f"{'wss' if site.scheme == 'https' else 'ws'}://{site.netloc}")
    try:
        host = request.get_host() if request is not None else ""
    except Exception:
        host = ""
    if request is not None and host:
        origin = f"{'wss' if request.is_secure() else 'ws'}://{host}"
        if origin not in found:
            found.append(origin)
    return found


def content_security_policy(request: HttpRequest | None) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            " ".join(["connect-src 'self'", *websocket_origins(request)]),
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            " ".join(["form-action 'self'", *sso_origins()]),
            "frame-ancestors 'self'",
        ]
    )


# The policy as it stands for SITE_URL alone (pages add the request's own WebSocket origin).
POLICY = content_security_policy(None)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if not request.path.startswith(EXEMPT_PREFIXES):
            response.headers.setdefault("Content-Security-Policy", content_security_policy(request))
        return response
