"""Privacy hooks: the digest settings are exported and go with the account."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.privacy import EXPORTED, record
from digests.models import DigestSettings

RELATIONS: dict[str, str] = {"digests.DigestSettings.user": EXPORTED}


def export(user: User) -> dict[str, Any]:
    row = DigestSettings.objects.filter(user=user).first()
    return {"digest_settings": record(row, skip={"user"}) if row else None}


def forget(user: User) -> None:
    """Nothing to do: the row goes by CASCADE."""
