"""Reads that compose pages from several apps."""

from __future__ import annotations

from typing import Any

from accounts.models import Organisation, User


def home_page_data(*, user: Any) -> dict[str, Any]:
    return {
        "member_count": User.objects.filter(is_active=True).count(),
        "organisation_count": Organisation.objects.count(),
    }
