"""Unread counts (messages, and the notifications badge)."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    BigIntegerField,
    Count,
    F,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Greatest

from accounts.actor import Member
from accounts.models import User
from forum.models import (
    Membership,
    MembershipState,
    ReadState,
    RoomMember,
)
from notifications.models import Notification


def counted_read_states(user: User | int) -> QuerySet[ReadState]:
    """The member's markers in the rooms they read: those of their communities, and listed rooms."""
    active = Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values("community_id")
    listed = RoomMember.objects.filter(user=user).values("room_id")
    return ReadState.objects.filter(user=user).filter(
        Q(room__is_restricted=False, room__community_id__in=active) | Q(room_id__in=listed)
    )


def unread_total(*, user: Member) -> int:
    """Unread messages over all rooms this member reads: one query."""
    if not isinstance(user, User):  # not logged in
        return 0
    total = counted_read_states(user).aggregate(n=Sum(F("room__last_seq") - F("last_read_seq")))["n"]
    return max(0, int(total or 0))


def unread_notifications(*, user: Member) -> int:
    if not isinstance(user, User):  # not logged in
        return 0
    return Notification.objects.filter(user=user, shown=True, read_at__isnull=True).count()


def unread_counts(*, user: User | int) -> dict[str, Any]:
    """``unread_total`` and ``unread_notifications`` as annotations for a query on the member's row.

    The page header folds them into the one query it makes for the member (see
    ``frontend.selectors.header``); both are 0 or more, as the functions above return them.
    """
    messages = (
        counted_read_states(user)
        .values("user_id")
        .annotate(n=Sum(F("room__last_seq") - F("last_read_seq")))
        .values("n")
    )
    unread = (
        Notification.objects.filter(user=user, shown=True, read_at__isnull=True)
        .values("user_id")
        .annotate(n=Count("pk"))
    )
    return {
        "unread_total": Greatest(Coalesce(Subquery(messages), 0), 0, output_field=BigIntegerField()),
        "unread_notifications": Coalesce(Subquery(unread.values("n")), 0, output_field=BigIntegerField()),
    }
