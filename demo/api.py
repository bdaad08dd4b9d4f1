"""Demo API access: the demo member has a token, so the tokens page shows a list (its secret is not
kept), and has allowed one OAuth 2 application, so the connected-apps page shows it; the demo
facilitator's community has a webhook with a delivery log."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Callable

from django.utils import timezone
from oauth2_provider.models import AccessToken as OAuthAccessToken
from oauth2_provider.models import RefreshToken, get_application_model

from accounts.models import User
from api import services, webhooks
from api.models import AccessToken, Webhook, WebhookEvent
from forum.models import Community, MembershipState, Role

DEMO_APP = "Leeromgeving van de hogeschool"


def seed(say: Callable[[str], None]) -> None:
    member = User.objects.filter(email="sanne@kring.test").first()
    if member is None or AccessToken.objects.filter(user=member).exists():
        return
    services.create_token(actor=member, name="Schoolportaal", scopes=["read", "write"])
    say("1 API token (Sanne: Schoolportaal)")


def seed_apps(say: Callable[[str], None]) -> None:
    member = User.objects.filter(email="sanne@kring.test").first()
    Application = get_application_model()
    if member is None or Application.objects.filter(name=DEMO_APP).exists():
        return
    app = Application.objects.create(
        name=DEMO_APP,
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://leeromgeving.example/kring/terug",
        skip_authorization=False,
        algorithm="",
    )
    # As after Sanne allowed it: an access token and a refresh token (the secrets are not kept).
    access = OAuthAccessToken.objects.create(
        user=member,
        application=app,
        token=secrets.token_urlsafe(32),
        expires=timezone.now() + dt.timedelta(hours=1),
        scope="read write",
    )
    RefreshToken.objects.create(
        user=member, application=app, token=secrets.token_urlsafe(32), access_token=access, token_family=uuid.uuid4()
    )
    say(f"1 connected app (Sanne: {DEMO_APP})")


def seed_webhooks(say: Callable[[str], None]) -> None:
    """A webhook of a community the demo facilitator runs, with a delivery log: a 503, its retried
    200, then a receiver that did not answer in time."""
    facilitator = User.objects.filter(email="facilitator@kring.test").first()
    if facilitator is None:
        return
    community = (
        Community.objects.filter(
            is_system=False,
            memberships__user=facilitator,
            memberships__state=MembershipState.ACTIVE,
            memberships__role__in=[Role.FACILITATOR, Role.OWNER],
        )
        .order_by("pk")
        .first()
    )
    if community is None or Webhook.objects.filter(community=community).exists():
        return
    # Made directly: services.add_webhook would look the example address up (it resolves nowhere).
    hook = Webhook.objects.create(
        community=community,
        target_url="https://intranet.example/kring/webhook",
        events=[WebhookEvent.MESSAGE_CREATED],
        secret=webhooks.new_secret(),
        created_by=facilitator,
    )
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    for delivery_id, attempt, status, error, ms in (
        (first, 1, 503, "", 41),
        (first, 2, 200, "", 38),
        (second, 1, 0, f"timeout after {webhooks.TIMEOUT} s", webhooks.TIMEOUT * 1000),
    ):
        webhooks.record_attempt(
            hook,
            delivery_id=delivery_id,
            event=WebhookEvent.MESSAGE_CREATED,
            attempt=attempt,
            status=status,
            error=error,
            duration_ms=ms,
        )
    say(f"1 webhook with 3 delivery attempts ({community.name})")
