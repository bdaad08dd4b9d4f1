"""Reads for accounts."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Profile, User


def profile_for_display(*, user_id: int) -> Profile | None:
    return (
        Profile.objects.select_related("user", "organisation", "region")
        .prefetch_related("sectors", "languages")
        .filter(user_id=user_id, user__is_active=True)
        .first()
    )


def members_by_display_name(*, names: set[str]) -> QuerySet[User]:
    return User.objects.filter(is_active=True, profile__display_name__in=names).select_related("profile")
