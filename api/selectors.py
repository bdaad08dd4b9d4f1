"""Reads of the API app."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q

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
