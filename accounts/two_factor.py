"""Two-factor authentication required for members with power: staff, editors, reviewers and
mentoring coordinators (``settings.KRING_REQUIRE_2FA_FOR``).

Whether a member still has to set it up is worked out when they log in, when they add or remove
an authenticator, and again every few minutes, and kept in their session, so that an ordinary
page costs no query for it; only while it is missing is it checked on every page.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models import Q

from accounts.models import User

SESSION_KEY = "kring_2fa_missing"
RECHECK_SECONDS = 300
# The knowledge base's groups (knowledge_base/migrations/0002_taxonomy_groups_workflow.py).
ROLE_GROUPS = {"editors": "Redacteuren", "reviewers": "Reviewers"}
# Authenticators that count as a second factor; recovery codes only back them up.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def roles_requiring_2fa() -> set[str]:
    return {role.strip().lower() for role in settings.KRING_REQUIRE_2FA_FOR}


def holds_required_role(user: User) -> bool:
    roles = roles_requiring_2fa()
    if not roles:
        return False
    if "staff" in roles and (user.is_staff or user.is_superuser):
        return True
    condition = Q()
    groups = [ROLE_GROUPS[role] for role in roles if role in ROLE_GROUPS]
    if groups:
        condition |= Q(groups__name__in=groups)
    if "coordinators" in roles:
        # Named by the reverse relation of mentoring's Programme.coordinators, so that accounts
        # does not import an app above it.
        condition |= Q(coordinated_programmes__isnull=False)
    if not condition:
        return False
    return User.objects.filter(condition, pk=user.pk).exists()


def has_second_factor(user: User) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


def two_factor_missing(user: User) -> bool:
    """True if ``user`` must set up two-factor authentication before anything else."""
    return holds_required_role(user) and not has_second_factor(user)


def remember(session: Any, user: User) -> bool:
    missing = two_factor_missing(user)
    session[SESSION_KEY] = {"missing": missing, "at": time.time()}
    return missing


def missing_for_session(session: Any, user: User) -> bool:
    """Only "nothing missing" is trusted from the session (for a few minutes): a member who is
    still missing it is checked again on each page, so setting it up counts at once."""
    state = session.get(SESSION_KEY)
    if not isinstance(state, dict) or state.get("missing") or time.time() - float(state.get("at", 0)) > RECHECK_SECONDS:
        return remember(session, user)
    return False


def _on_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        remember(request.session, user)


def _on_authenticator_change(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if request is not None and user is not None and hasattr(request, "session"):
        remember(request.session, user)


def connect_signals() -> None:
    from allauth.mfa.signals import authenticator_added, authenticator_removed

    user_logged_in.connect(_on_login, dispatch_uid="accounts.two_factor.login")
    authenticator_added.connect(_on_authenticator_change, dispatch_uid="accounts.two_factor.added")
    authenticator_removed.connect(_on_authenticator_change, dispatch_uid="accounts.two_factor.removed")
