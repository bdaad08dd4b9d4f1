"""The notifications page: a member's notifications grouped by topic and kind, newest first.

A group is every notification of one kind about one topic (replies, mentions, accepted
answers); a notification about no topic (a membership decision) is a group of its own.
A group leads to the first unread message it is about (or, read, to the newest), and says
what happened: "3 nieuwe antwoorden in …", "Sanne en 2 anderen noemden je in …".

Bounded: one page costs the same six queries whatever the number of notifications, groups,
mentions or replies (``tests/forum/test_notifications_page.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User, display_name_of
from forum.models import Message, Notification, NotificationKind, Topic

GROUPS_PER_PAGE = 20


@dataclass
class NotificationGroup:
    """One row of the notifications page."""

    kind: str
    topic_id: int | None
    notification_id: int | None  # a group of one notification without a topic (marked read by id)
    latest: datetime
    total: int
    unread: int
    text: str = ""
    url: str = ""
    names: list[str] = field(default_factory=list)
    count: int = 0  # replies: the messages this group counts; mentions: the notifications

    @property
    def is_unread(self) -> bool:
        return self.unread > 0

    @property
    def key(self) -> str:
        """What the "mark read" form of this group posts: ``kind:topic`` or ``id:notification``."""
        if self.topic_id is None:
            return f"id:{self.notification_id}"
        return f"{self.kind}:{self.topic_id}"


def _grouped(user: User | int) -> QuerySet[Notification, dict[str, Any]]:
    return (
        Notification.objects.filter(user=user)
        .annotate(
            group_topic=Coalesce("topic_id", "message__topic_id"),
            # Without a topic, a notification is its own group.
            single=Case(
                When(topic__isnull=True, message__isnull=True, then=F("pk")),
                default=Value(None),
                output_field=IntegerField(),
            ),
        )
        .values("kind", "group_topic", "single")
        .annotate(
            latest=Max("created_at"),
            newest_id=Max("pk"),
            total=Count("pk"),
            unread=Count("pk", filter=Q(read_at__isnull=True)),
            first_unread_seq=Min("message__seq", filter=Q(read_at__isnull=True)),
            first_seq=Min("message__seq"),
            newest_seq=Max("message__seq"),
        )
        .order_by("-latest", "-newest_id")
    )


def _name_fields(path: str) -> list[str]:
    columns = ("profile__display_name", "first_name", "last_name", "email")
    return [f"{path}_id", *(f"{path}__{column}" for column in columns)]


def _name(row: dict[str, Any], path: str) -> str:
    """A member's name from the columns ``_name_fields`` read (as ``User.display_name`` makes it)."""
    if not row[f"{path}_id"]:
        return _("former member")
    return display_name_of(
        row[f"{path}__profile__display_name"],
        row[f"{path}__first_name"] or "",
        row[f"{path}__last_name"] or "",
        row[f"{path}__email"] or "",
    )


def _names(names: list[str]) -> str:
    """ "Sanne", "Sanne en Henk", "Sanne en 2 anderen"."""
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return _("%(first)s and %(second)s") % {"first": names[0], "second": names[1]}
    others = len(names) - 1
    return ngettext("%(first)s and %(count)s other", "%(first)s and %(count)s others", others) % {
        "first": names[0],
        "count": others,
    }


def _describe(group: NotificationGroup, title: str, fallback: str) -> str:
    if group.kind == NotificationKind.REPLY:
        if group.is_unread:
            text = ngettext("%(count)s new reply in “%(topic)s”", "%(count)s new replies in “%(topic)s”", group.count)
        else:
            text = ngettext("%(count)s reply in “%(topic)s”", "%(count)s replies in “%(topic)s”", group.count)
        return text % {"count": group.count, "topic": title}
    if group.kind == NotificationKind.MENTION and group.names:
        # The plural is the verb's: "Sanne noemde je", "Sanne en Henk noemden je".
        text = ngettext(
            "%(names)s mentioned you in “%(topic)s”", "%(names)s mentioned you in “%(topic)s”", len(group.names)
        )
        return text % {"names": _names(group.names), "topic": title}
    if group.kind == NotificationKind.ACCEPTED_ANSWER and title:
        return _("Your answer in “%(topic)s” was accepted") % {"topic": title}
    return fallback


def notification_groups(*, user: User, page: int = 1, per_page: int = GROUPS_PER_PAGE) -> Page[NotificationGroup]:
    """One page of the member's notification groups, each with its text and the message it leads to."""
    result_page: Page[Any] = Paginator(_grouped(user), per_page).get_page(page)
    rows: list[dict[str, Any]] = list(result_page.object_list)
    groups = [
        NotificationGroup(
            kind=row["kind"],
            topic_id=row["group_topic"],
            notification_id=row["single"] if row["group_topic"] is None else None,
            latest=row["latest"],
            total=row["total"],
            unread=row["unread"],
            count=row["total"],
        )
        for row in rows
    ]
    if not rows:
        result_page.object_list = groups
        return result_page

    # The stored text and address of each group's newest notification (the fallback, and a group
    # without a topic).
    newest = {
        pk: (text, url)
        for pk, text, url in Notification.objects.filter(pk__in=[r["newest_id"] for r in rows]).values_list(
            "pk", "text", "url"
        )
    }
    topic_ids = {g.topic_id for g in groups if g.topic_id is not None}
    titles = dict(Topic.objects.filter(pk__in=topic_ids).values_list("pk", "title")) if topic_ids else {}

    # The message each group leads to: its first unread one, or (all read) its newest one.
    anchor: dict[tuple[str, int], int] = {}
    subject_from: dict[tuple[str, int], int] = {}  # replies: counted from this seq
    for row, group in zip(rows, groups, strict=True):
        if group.topic_id is None:
            continue
        seq = row["first_unread_seq"] if group.is_unread else row["newest_seq"]
        if seq is not None:
            anchor[(group.kind, group.topic_id)] = seq
        start = row["first_unread_seq"] if group.is_unread else row["first_seq"]
        if start is not None:
            subject_from[(group.kind, group.topic_id)] = start

    # Mentions: who mentioned the member (in the unread notifications when there are any).
    mention_topics = [g.topic_id for g in groups if g.kind == NotificationKind.MENTION and g.topic_id]
    mentioners: dict[tuple[int, bool], list[str]] = {}
    mention_counts: dict[tuple[int, bool], int] = {}
    if mention_topics:
        for row in (
            Notification.objects.filter(user=user, kind=NotificationKind.MENTION, message__topic_id__in=mention_topics)
            .values("message__topic_id", *_name_fields("message__author"))
            .annotate(is_unread=Count("pk", filter=Q(read_at__isnull=True)), n=Count("pk"), last=Max("created_at"))
            .order_by("message__topic_id", "-last")
        ):
            name = _name(row, "message__author")
            tid = row["message__topic_id"]
            for unread_only in (False, True):
                n = row["is_unread"] if unread_only else row["n"]
                if n:
                    mentioners.setdefault((tid, unread_only), []).append(name)
                    mention_counts[(tid, unread_only)] = mention_counts.get((tid, unread_only), 0) + n

    # Replies: the messages by others in the topic from the group's first (unread) reply on.
    reply_counts: dict[int, int] = {}
    repliers: dict[int, list[str]] = {}
    reply_from = {
        g.topic_id: subject_from[(g.kind, g.topic_id)]
        for g in groups
        if g.kind == NotificationKind.REPLY and g.topic_id is not None and (g.kind, g.topic_id) in subject_from
    }
    if reply_from:
        where = Q()
        for tid, seq in reply_from.items():
            where |= Q(topic_id=tid, seq__gte=seq)
        for row in (
            Message.objects.filter(where, deleted_at__isnull=True, is_hidden=False)
            .exclude(author_id=user.pk)
            .values("topic_id", *_name_fields("author"))
            .annotate(n=Count("pk"), last=Max("seq"))
            .order_by("topic_id", "-last")
        ):
            reply_counts[row["topic_id"]] = reply_counts.get(row["topic_id"], 0) + row["n"]
            repliers.setdefault(row["topic_id"], []).append(_name(row, "author"))

    for row, group in zip(rows, groups, strict=True):
        text, url = newest.get(row["newest_id"], ("", ""))
        if group.topic_id is not None:
            seq = anchor.get((group.kind, group.topic_id))
            url = reverse("forum:topic", args=[group.topic_id]) + (f"#m{seq}" if seq else "")
            if group.kind == NotificationKind.MENTION:
                group.names = mentioners.get((group.topic_id, group.is_unread), [])
                group.count = mention_counts.get((group.topic_id, group.is_unread), group.total)
            elif group.kind == NotificationKind.REPLY:
                group.names = repliers.get(group.topic_id, [])
                group.count = max(1, reply_counts.get(group.topic_id, 0))
        group.url = url
        group.text = _describe(group, titles.get(group.topic_id or 0, ""), text)
    result_page.object_list = groups
    return result_page


def notification_ids_in_group(*, user: User, key: str) -> list[int] | None:
    """The member's unread notifications in the group a "mark read" form names (None: no such group)."""
    kind, _sep, value = key.partition(":")
    if not value.isdigit():
        return None
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if kind == "id":
        qs = unread.filter(pk=int(value), topic__isnull=True, message__isnull=True)
    elif kind in NotificationKind.values:
        tid = int(value)
        qs = unread.filter(kind=kind).filter(Q(topic_id=tid) | Q(topic__isnull=True, message__topic_id=tid))
    else:
        return None
    return list(qs.values_list("pk", flat=True))
