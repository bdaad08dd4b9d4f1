"""The API's one error mapping: every refusal as ``application/problem+json`` (RFC 9457).

``core.errors.KringError`` from the services and selectors, Django's ``Http404`` and
``PermissionDenied``, and DRF's own errors (validation, authentication, scope, method, parse)
all leave through :func:`problem_handler` (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``) with the
same fields: ``type``, ``title``, ``status``, ``detail``, Kring's stable ``code``, the ``field``
to blame when there is one, and for validation errors ``errors`` ({field: [messages]}).
Anything else is a bug and reaches Django's 500 handling.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from core.errors import Forbidden, KringError, NotFound, RateLimited

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "https://kring.example/problems/"  # a stable name per code, documented in docs/api.md

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    412: "Precondition Failed",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    503: "Service Unavailable",
}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error details as {"field" or "field.sub": [messages]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        for i, value in enumerate(detail):
            name = prefix if not isinstance(value, dict | list) else f"{prefix}.{i}"
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return out


def problem(
    *, status: int, code: str, detail: str, field: str | None = None, errors: dict[str, list[str]] | None = None
) -> Response:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if field:
        body["field"] = field
    if errors is not None:
        body["errors"] = errors
    return Response(body, status=status, content_type=PROBLEM_CONTENT_TYPE)


def problem_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = NotFound(_("This does not exist, or you cannot see it."))
    elif isinstance(exc, PermissionDenied):
        exc = Forbidden(_("You may not do this."))
    if isinstance(exc, KringError):
        response = problem(status=exc.status, code=exc.code, detail=exc.message, field=exc.field)
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(max(1, round(exc.wait_seconds)))
        return response
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        field, messages = next(iter(errors.items()), ("", [""]))
        return problem(
            status=400,
            code="invalid",
            detail=messages[0] if messages else _("The input is not valid."),
            field=None if field == "non_field_errors" else field,
            errors=errors,
        )
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.default_detail)
        response = problem(status=exc.status_code, code=str(code), detail=str(detail))
        if getattr(exc, "auth_header", None):
            response["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None) is not None:
            response["Retry-After"] = str(max(1, round(exc.wait)))
        return response
    return None
