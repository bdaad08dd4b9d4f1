"""Reads of the notifications app: the grouped list, the badge's count, preferences."""

from django.db.models import QuerySet

from notifications.models import Notification
from notifications.selectors.groups import (
    GROUPS_PER_PAGE,
    NotificationGroup,
    notification_groups,
    notification_ids_in_group,
)
from notifications.selectors.preferences import (
    KindRow,
    community_levels,
    kind_rows,
    preferences_of,
    topic_watch,
)


def notification_list(*, user_id: int) -> QuerySet[Notification]:
    """The member's notifications shown in the app, newest first, ungrouped (the REST API's list)."""
    return Notification.objects.filter(user_id=user_id, shown=True).order_by("-created_at", "-pk")


def unread_count(*, user_id: int) -> int:
    """The badge: unread notifications shown in the app."""
    return Notification.objects.filter(user_id=user_id, shown=True, read_at__isnull=True).count()


__all__ = [
    "GROUPS_PER_PAGE",
    "KindRow",
    "NotificationGroup",
    "community_levels",
    "kind_rows",
    "notification_groups",
    "notification_ids_in_group",
    "notification_list",
    "preferences_of",
    "topic_watch",
    "unread_count",
]
