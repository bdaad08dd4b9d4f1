from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from frontend import health, selectors

FAVICON = "frontend/favicon.svg"


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/home.html", selectors.home_page_data(user=request.user))


COLOR_TOKENS = [
    "bg", "surface", "surface-2", "text", "text-muted", "border", "border-strong", "accent", "accent-hover",
    "accent-contrast", "accent-soft", "danger", "danger-soft", "success", "success-soft", "warning",
    "warning-soft", "focus", "highlight", "badge", "badge-text", "sidebar", "overlay",
]  # fmt: skip


def _icon_names() -> list[str]:
    listing = Path(__file__).resolve().parent / "icons.txt"
    return [
        line.strip()
        for line in listing.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


@require_GET
def style(request: HttpRequest) -> HttpResponse:
    """The living style page: every token and component of the design system, in the app shell."""
    now = timezone.now()
    return render(
        request,
        "frontend/style.html",
        {
            "color_tokens": COLOR_TOKENS,
            "space_tokens": range(1, 9),
            "radius_tokens": ["s", "m", "l", "round"],
            "shadow_tokens": range(1, 4),
            "text_tokens": ["xs", "s", "m", "l", "xl", "2xl"],
            "icon_names": _icon_names(),
            "times": [now - timedelta(minutes=m) for m in (0, 4, 150, 60 * 30, 60 * 24 * 40)],
        },
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    results = health.run_checks()
    failing = [name for name, status in results.items() if status != "ok"]
    body = {"status": "ok" if not failing else "fail", "checks": results, "failing": failing}
    return JsonResponse(body, status=200 if not failing else 503)


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico where a page names no icon (the admins, raw files): the SVG
    itself, read from the source tree (it exists there before and without collectstatic)."""
    path = finders.find(FAVICON)
    if not path:
        raise Http404
    return HttpResponse(Path(str(path)).read_bytes(), content_type="image/svg+xml")
