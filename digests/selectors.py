"""What goes in a member's digest: the busiest conversations across organisations in their
communities, new lessons in their sectors, and their upcoming mentoring sessions.

Everything returned is plain data (strings, numbers, absolute links): it travels through the mail
queue as the mail's context. A bounded number of queries per member, whatever happened.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from core.mail import absolute_url
from forum.models import Membership, MembershipState, Message, RoomKind, Topic
from knowledge_base.models import LessonPage
from mentoring.models import OPEN_STATUSES, Relationship, Session

CONVERSATIONS = 5
LESSONS = 5
SESSIONS = 5


def hot_conversations(*, user: User, since: datetime) -> list[dict[str, Any]]:
    """Topics with messages since ``since`` in the member's active communities (rooms they may
    read), by how many organisations and then how many members took part; the member's own
    messages do not count."""
    community_ids = Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values("community_id")
    query = (
        Message.objects.filter(created_at__gte=since, deleted_at__isnull=True, room__community_id__in=community_ids)
        .filter(room__is_archived=False)
        .exclude(room__kind=RoomKind.DIRECT)  # a digest shows community conversations, never private ones
        .filter(Q(room__is_restricted=False) | Q(room__room_members__user=user))
        .exclude(author=user)
        .values("topic_id")
        .annotate(
            organisations=Count("author__profile__organisation", distinct=True),
            participants=Count("author", distinct=True),
            messages=Count("id", distinct=True),
        )
        .order_by("-organisations", "-participants", "-messages", "-topic_id")[:CONVERSATIONS]
    )
    rows = list(query)
    topics = Topic.objects.select_related("room__community").in_bulk([row["topic_id"] for row in rows])
    out = []
    for row in rows:
        topic = topics[row["topic_id"]]
        out.append(
            {
                "title": topic.title,
                "community": topic.room.community.name,
                "room": topic.room.name,
                "participants": row["participants"],
                "organisations": row["organisations"],
                "messages": row["messages"],
                "url": absolute_url(topic.get_absolute_url()),
            }
        )
    return out


def new_lessons(*, user: User, since: datetime) -> list[dict[str, Any]]:
    """Lessons published since ``since`` in the member's sectors (all new lessons when their
    profile names no sector)."""
    lessons = LessonPage.objects.live().public().filter(first_published_at__gte=since)
    profile = getattr(user, "profile", None)
    sector_ids = list(profile.sectors.values_list("pk", flat=True)) if profile is not None else []
    if sector_ids:
        lessons = lessons.filter(sectors__in=sector_ids).distinct()
    out = []
    for lesson in lessons.order_by("-first_published_at")[:LESSONS]:
        out.append({"title": lesson.title, "url": absolute_url(lesson.get_url() or "/kennisbank/")})
    return out


def upcoming_sessions(*, user: User, now: datetime, days: int) -> list[dict[str, Any]]:
    """Mentoring sessions of the member's open pairs on a date from today up to ``days`` ahead."""
    today = timezone.localdate(now)
    pairs = Relationship.objects.filter(Q(person_a=user) | Q(person_b=user), status__in=OPEN_STATUSES)
    sessions = (
        Session.objects.filter(relationship__in=pairs, held_on__gte=today, held_on__lte=today + timedelta(days=days))
        .select_related("relationship__person_a__profile", "relationship__person_b__profile")
        .order_by("held_on", "pk")[:SESSIONS]
    )
    out = []
    for session in sessions:
        partner = session.relationship.partner_of(user.pk)
        out.append(
            {
                "date": date_format(session.held_on, "DATE_FORMAT"),
                "partner": partner.display_name if partner is not None else "",
                "url": absolute_url(session.relationship.get_absolute_url()),
            }
        )
    return out


def digest_content(*, user: User, since: datetime, now: datetime, days_ahead: int = 7) -> dict[str, Any]:
    """The digest's sections; all empty when nothing happened."""
    return {
        "conversations": hot_conversations(user=user, since=since),
        "lessons": new_lessons(user=user, since=since),
        "sessions": upcoming_sessions(user=user, now=now, days=days_ahead),
    }


def is_empty(content: dict[str, Any]) -> bool:
    return not any(content.values())
