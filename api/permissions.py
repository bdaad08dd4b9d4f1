"""Scopes: which scope a call needs, and whether the caller has it.

Reading needs ``read``, writing ``write``; a view with ``scope_family = "mentoring"`` needs
``mentoring`` for both (a pair's sessions are more private than a room), and ``"admin"``
likewise. A session (Kring's own pages) has every scope but ``admin`` unless the member is a
platform administrator. Whether the member may do the thing itself is the services' and
selectors' check, as on every transport.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken as OAuthAccessToken
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from api.models import AccessToken, Scope


def needed_scope(request: Request, view: Any) -> str:
    family = getattr(view, "scope_family", None)
    if family:
        return str(family)
    return Scope.READ if request.method in SAFE_METHODS else Scope.WRITE


def granted_scopes(request: Request) -> set[str]:
    if isinstance(request.auth, AccessToken):
        return set(request.auth.scopes)
    if isinstance(request.auth, OAuthAccessToken):
        # What the member granted the application; admin can never be granted (not an OAuth scope).
        return set(str(request.auth.scope).split()) & {Scope.READ, Scope.WRITE, Scope.MENTORING}
    scopes = {Scope.READ, Scope.WRITE, Scope.MENTORING}
    if request.user.is_superuser:
        scopes.add(Scope.ADMIN)
    return {str(s) for s in scopes}


class HasScope(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        needed = needed_scope(request, view)
        if needed in granted_scopes(request):
            return True
        self.message = _("This call needs the '%(scope)s' scope.") % {"scope": needed}
        return False
