from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from frontend import health, selectors


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
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico where a page names no icon (the admins, raw files): the SVG.
    Resolved per request, as the static file's hashed name exists only after collectstatic."""
    return HttpResponseRedirect(static("frontend/favicon.svg"))
