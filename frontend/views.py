from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from frontend import health, selectors

FAVICON = "frontend/favicon.svg"


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/home.html", selectors.home_page_data(user=request.user))


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
