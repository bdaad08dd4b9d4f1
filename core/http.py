"""The one mapping of ``KringError`` to HTML answers, and to JSON for requests that ask for it.

- A form view calls :func:`add_to_form`: the message shows beside its field (or above the
  form) and the view answers 400 as for any invalid form.
- Anything else a view lets through is answered by :class:`KringErrorMiddleware`: ``NotFound``
  becomes Django's 404 page, ``Forbidden`` the 403 page, every other error a page with the
  message and the error's status (409, 429, 400 …).
- A request with ``Accept: application/json`` gets JSON instead, from the same middleware:
  ``{"error": {"code", "message", "field"}}`` with the error's status (Django's ``Http404`` and
  ``PermissionDenied`` as ``not_found`` 404 and ``forbidden`` 403). A view answering a form
  that did not validate uses :func:`json_form_errors`: 400 with ``fields`` {name: [messages]}.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from core.errors import Forbidden, Invalid, KringError, NotFound


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


def wants_json(request: HttpRequest) -> bool:
    """The client asked for a JSON answer (``Accept: application/json``)."""
    return "application/json" in request.headers.get("Accept", "")


def _retry_after(response: HttpResponse, error: Exception) -> HttpResponse:
    wait = getattr(error, "wait_seconds", None)
    if wait is not None:
        response["Retry-After"] = str(max(1, round(wait)))
    return response


def json_error(error: KringError, *, fields: dict[str, list[str]] | None = None) -> JsonResponse:
    """``{"error": {"code", "message", "field"}}`` (and ``fields`` when given) with the error's status."""
    payload: dict[str, object] = {"error": {"code": error.code, "message": error.message, "field": error.field}}
    if fields is not None:
        payload["fields"] = fields
    response = JsonResponse(payload, status=error.status)
    _retry_after(response, error)
    return response


def json_form_errors(form: forms.BaseForm) -> JsonResponse:
    """A form that did not validate, as JSON: 400, the first message as ``error``, all in ``fields``."""
    fields = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
    name, messages = next(iter(fields.items()), ("", [""]))
    field = None if name in {"", "__all__"} else name
    return json_error(Invalid(messages[0] if messages else "", field=field), fields=fields)


class KringErrorMiddleware:
    """Answers a ``KringError`` that escaped a view, once for every app."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if wants_json(request):
            if isinstance(exception, Http404):
                return json_error(NotFound(str(exception) if exception.args else ""))
            if isinstance(exception, PermissionDenied):
                return json_error(Forbidden(str(exception) if exception.args else ""))
            if isinstance(exception, KringError):
                return json_error(exception)
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


TokenView = Callable[[HttpRequest, str], HttpResponse]


def one_click_unsubscribe(*, page: TokenView, one_click: TokenView) -> TokenView:
    """An unsubscribe address for a mail's ``List-Unsubscribe`` header (RFC 8058).

    The mail provider POSTs ``List-Unsubscribe=One-Click`` to it with no session and no CSRF
    token; the signed token in the address is the credential, so that POST alone is exempt.
    Anything else (the page and its button) goes through Django's CSRF check like every form."""
    protected = csrf_protect(page)

    def view(request: HttpRequest, token: str) -> HttpResponse:
        if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
            return one_click(request, token)
        return protected(request, token)

    # The view belongs to the app that made it (the access matrix finds an app's views by module).
    view.__module__ = page.__module__
    view.__name__ = view.__qualname__ = "unsubscribe"
    return csrf_exempt(view)
