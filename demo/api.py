"""Demo API access: the demo member has a token, so the tokens page shows a list (its secret is not
kept), and has allowed one OAuth 2 application, so the connected-apps page shows it."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Callable

from django.utils import timezone
from oauth2_provider.models import AccessToken as OAuthAccessToken
from oauth2_provider.models import RefreshToken, get_application_model

from accounts.models import User
from api import services
from api.models import AccessToken

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
