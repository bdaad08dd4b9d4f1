"""The API's reference pages: Kring's docs page, and Swagger UI and Redoc served from static files.

Swagger UI and Redoc come from drf-spectacular-sidecar (no CDN). Their scripts load from our own
static files (Swagger UI's start script from its own address, not inline), so ``script-src 'self'``
holds; both set inline styles at run time, so these two pages alone allow ``'unsafe-inline'``
styles (the shell's policy middleware keeps a policy a response already has).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.response import Response

REFERENCE_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3.1 description (YAML; JSON with ``?format=json``)."""


class SwaggerView(SpectacularSwaggerSplitView):
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = REFERENCE_CSP
        return response


class RedocView(SpectacularRedocView):
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = REFERENCE_CSP
        return response


def docs(request: HttpRequest) -> HttpResponse:
    """What the API offers, how to authenticate, and where the references are (Wagtail's v2 too)."""
    return render(request, "api/docs.html", {})
