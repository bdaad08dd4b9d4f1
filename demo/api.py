"""Demo API tokens: the demo member has one, so the tokens page shows a list (its secret is not kept)."""

from __future__ import annotations

from collections.abc import Callable

from accounts.models import User
from api import services
from api.models import AccessToken


def seed(say: Callable[[str], None]) -> None:
    member = User.objects.filter(email="sanne@kring.test").first()
    if member is None or AccessToken.objects.filter(user=member).exists():
        return
    services.create_token(actor=member, name="Schoolportaal", scopes=["read", "write"])
    say("1 API token (Sanne: Schoolportaal)")
