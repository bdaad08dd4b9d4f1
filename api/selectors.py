"""Reads of the API app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Max, Min, Q
from django.utils import timezone
from oauth2_provider.models import AccessToken as OAuthAccessToken
from oauth2_provider.models import Grant, RefreshToken, get_application_model

from accounts.actor import Actor, as_actor
from accounts.models import User
from api.models import AccessToken, Webhook, WebhookDelivery, WebhookEvent
from forum.models import Community, MembershipState, Role
from mentoring.models import Programme


def my_tokens(*, actor: Actor | User, page: int = 1) -> Page[AccessToken]:
    """The member's tokens, active ones first, newest first."""
    member = as_actor(actor).member
    qs = AccessToken.objects.filter(user=member).order_by("revoked_at", "-created_at", "-pk")
    return Paginator(qs, 25).get_page(page)


def token_by_secret(*, token_hash: str) -> AccessToken | None:
    """The active token with this hash, with its member (one query)."""
    return (
        AccessToken.objects.select_related("user", "user__profile")
        .filter(token_hash=token_hash, revoked_at=None, user__is_active=True)
        .first()
    )


# How many of a webhook's logged attempts its page shows (it keeps ``webhooks.DELIVERIES_KEPT``).
DELIVERIES_SHOWN = 20


@dataclass
class WebhookRow:
    """One webhook as its page shows it: the events by name and its newest delivery attempts."""

    hook: Webhook
    event_labels: list[str]
    deliveries: list[WebhookDelivery] = field(default_factory=list)


@dataclass
class WebhookOwner:
    """A community or programme the member manages, with its webhooks."""

    key: str  # "community:<id>" or "programme:<id>": the form's choice
    name: str
    kind: str  # "community" or "programme"
    webhooks: list[WebhookRow] = field(default_factory=list)


def webhook_owners(*, actor: Actor | User) -> list[WebhookOwner]:
    """The communities the member facilitates and the programmes they coordinate, with their
    webhooks and each one's newest ``DELIVERIES_SHOWN`` attempts (four queries; a member manages a
    handful, and each webhook keeps at most ``webhooks.DELIVERIES_KEPT`` attempts)."""
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return []
    communities = Community.objects.filter(
        is_system=False,
        memberships__user_id=actor.member_id,
        memberships__state=MembershipState.ACTIVE,
        memberships__role__in=[Role.FACILITATOR, Role.OWNER],
    ).order_by("name", "pk")[:100]
    programmes = Programme.objects.filter(coordinators=actor.member_id).order_by("name", "pk")[:100]
    owners = [WebhookOwner(f"community:{c.pk}", c.name, "community") for c in communities]
    owners += [WebhookOwner(f"programme:{p.pk}", p.name, "programme") for p in programmes]
    by_key = {o.key: o for o in owners}
    hooks = Webhook.objects.filter(
        Q(community_id__in=[c.pk for c in communities]) | Q(programme_id__in=[p.pk for p in programmes])
    )
    labels = dict(WebhookEvent.choices)
    rows: dict[int, WebhookRow] = {}
    for hook in hooks:
        key = f"community:{hook.community_id}" if hook.community_id else f"programme:{hook.programme_id}"
        if key in by_key:
            rows[hook.pk] = WebhookRow(hook, [str(labels.get(e, e)) for e in hook.events])
            by_key[key].webhooks.append(rows[hook.pk])
    for delivery in WebhookDelivery.objects.filter(webhook_id__in=list(rows)).order_by("-pk"):
        shown = rows[delivery.webhook_id].deliveries
        if len(shown) < DELIVERIES_SHOWN:
            shown.append(delivery)
    return owners


# --- OAuth 2 applications a member allowed ----------------------------------------------------------


@dataclass
class AuthorizedApp:
    """An application that can act for the member now: a live access token, a refresh token that can
    still be traded for one, or a code not yet traded (django-oauth-toolkit's rows)."""

    application: object  # oauth2_provider's Application (swappable)
    scopes: list[str]
    granted_at: dt.datetime  # when the member allowed it (the first token of the refresh chain)
    last_active_at: dt.datetime | None  # the last call or renewal with one of its access tokens


def authorized_applications(*, actor: Actor | User) -> list[AuthorizedApp]:
    """The applications the member has granted access that still holds, by name (four queries)."""
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return []
    member_id = actor.member_id
    now = timezone.now()
    oauth: dict[str, Any] = settings.OAUTH2_PROVIDER
    refresh_life = dt.timedelta(seconds=int(oauth.get("REFRESH_TOKEN_EXPIRE_SECONDS") or 0))
    live_refresh = RefreshToken.objects.filter(user_id=member_id, revoked__isnull=True)
    if refresh_life:
        live_refresh = live_refresh.filter(created__gt=now - refresh_life)
    refresh_rows = list(live_refresh.values_list("application_id", "token_family", "created", "access_token__scope"))
    access_rows = list(
        OAuthAccessToken.objects.filter(user_id=member_id, expires__gt=now).values_list(
            "application_id", "created", "scope"
        )
    )
    grant_rows = list(
        Grant.objects.filter(user_id=member_id, expires__gt=now).values_list("application_id", "created", "scope")
    )
    scopes: dict[int, set[str]] = {}
    granted: dict[int, dt.datetime] = {}

    def note(app_id: int | None, created: dt.datetime, scope: str | None) -> None:
        if app_id is None:
            return
        scopes.setdefault(app_id, set()).update((scope or "").split())
        granted[app_id] = min(granted.get(app_id, created), created)

    for app_id, _family, created, scope in refresh_rows:
        note(app_id, created, scope)
    for app_id, created, scope in access_rows:
        note(app_id, created, scope)
    for app_id, created, scope in grant_rows:
        note(app_id, created, scope)
    if not scopes:
        return []
    # A refresh token is rotated at each use; its family's first one says when the member allowed it.
    families = [family for _a, family, _c, _s in refresh_rows if family]
    if families:
        first = (
            RefreshToken.objects.filter(user_id=member_id, token_family__in=families)
            .values("application_id")
            .annotate(first=Min("created"))
        )
        for row in first:
            granted[row["application_id"]] = min(granted[row["application_id"]], row["first"])
    last = dict(
        OAuthAccessToken.objects.filter(user_id=member_id, application_id__in=list(scopes))
        .values("application_id")
        .annotate(last=Max("updated"))
        .values_list("application_id", "last")
    )
    apps = get_application_model().objects.filter(pk__in=list(scopes)).order_by("name", "pk")
    order = {"read": 0, "write": 1, "mentoring": 2}
    return [
        AuthorizedApp(
            application=app,
            scopes=sorted(scopes[app.pk], key=lambda s: (order.get(s, 9), s)),
            granted_at=granted[app.pk],
            last_active_at=last.get(app.pk),
        )
        for app in apps
    ]
