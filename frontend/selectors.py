"""Reads that compose pages from several apps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection

from accounts.models import Organisation, User, display_name_of


def home_page_data(*, user: Any) -> dict[str, Any]:
    return {
        "member_count": User.objects.filter(is_active=True).count(),
        "organisation_count": Organisation.objects.count(),
    }


@dataclass(frozen=True, slots=True)
class Header:
    """What every page's header shows a signed-in member."""

    name: str
    unread_messages: int
    unread_notifications: int


# The header's query is the same for every member but the member: the ORM builds and compiles it
# once per database vendor with a stand-in id (compiling its subqueries cost ~4 ms of CPU per
# page), and each page runs that SQL with the member's id in the stand-in's places.
_STAND_IN = -7_046_113_237
_header_sql: dict[str, tuple[str, tuple[Any, ...]]] = {}


def _header_query() -> tuple[str, tuple[Any, ...]]:
    from forum import selectors as forum_selectors

    vendor = connection.vendor
    if vendor not in _header_sql:
        counts = forum_selectors.unread_counts(user=_STAND_IN)
        qs = (
            User.objects.filter(pk=_STAND_IN)
            .annotate(unread_total=counts["unread_total"], unread_notifications=counts["unread_notifications"])
            .values_list("profile__display_name", "unread_total", "unread_notifications")
        )
        _header_sql[vendor] = qs.query.sql_with_params()
    return _header_sql[vendor]


def header(*, user: User) -> Header:
    """The member's name and unread counts (messages, notifications) for every page: one query."""
    sql, params = _header_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk if p == _STAND_IN else p for p in params])
        row = cursor.fetchone()
    if row is None:  # removed while the request ran
        return Header(name=user.display_name, unread_messages=0, unread_notifications=0)
    profile_name, unread, notifications = row
    # User.display_name with the profile's name this query read: no query for the profile.
    return Header(
        name=display_name_of(profile_name, user.first_name, user.last_name, user.email),
        unread_messages=int(unread),
        unread_notifications=int(notifications),
    )
