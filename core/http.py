"""The one mapping of ``KringError`` to HTML answers.

- A form view calls :func:`add_to_form`: the message shows beside its field (or above the
  form) and the view answers 400 as for any invalid form.
- Anything else a view lets through is answered by :class:`KringErrorMiddleware`: ``NotFound``
  becomes Django's 404 page, ``Forbidden`` the 403 page, every other error a page with the
  message and the error's status (409, 429, 400 …).
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.errors import Forbidden, KringError, NotFound


def add_to_form(form: forms.BaseForm, error: KringError) -> None:
    """Show ``error`` on ``form``: beside its field when the form has that field, else above it."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def as_django_exception(error: KringError) -> Exception:
    """``NotFound`` as ``Http404`` and ``Forbidden`` as ``PermissionDenied``; other errors as they are."""
    if isinstance(error, NotFound):
        return Http404(error.message)
    if isinstance(error, Forbidden):
        return PermissionDenied(error.message)
    return error


class KringErrorMiddleware:
    """Answers a ``KringError`` that escaped a view, once for every app."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, KringError):
            return None
        mapped = as_django_exception(exception)
        if mapped is not exception:
            # Django's own handler renders its 404/403 pages for these.
            raise mapped from exception
        response = render(request, "refused.html", {"error": exception}, status=exception.status)
        if hasattr(exception, "wait_seconds"):
            response["Retry-After"] = str(max(1, round(exception.wait_seconds)))
        return response
