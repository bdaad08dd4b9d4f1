"""The notifications page: a member's notifications grouped by topic and kind, newest first.

A group is every notification of one kind about one topic (replies, mentions, accepted
answers); a notification about no topic (a membership decision, a mentoring step) is a group
of its own. A group leads to the first unread message it is about (or, read, to the newest),
and says what happened: "3 nieuwe antwoorden in …", "Sanne en 2 anderen noemden je in …".

What a topic is called, where it lives and how many replies it has since are the forum's: it
answers through the ``topic_details`` hook (``notifications.registry``). Bounded: one page
costs the same few queries whatever the number of notifications, groups, mentions or replies
(``tests/notifications/test_page.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User, display_name_of
from notifications import registry
from notifications.models import Notification, NotificationKind
from notifications.texts import say

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
    place: str = ""  # the topic's community and room
    who: str = ""  # replies: who wrote them, at most two names and a count

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
        Notification.objects.filter(user=user, shown=True)
        .annotate(
            # Without a topic, a notification is its own group.
            single=Case(When(topic_id__isnull=True, then=F("pk")), default=Value(None), output_field=IntegerField()),
        )
        .values("kind", "topic_id", "single")
        .annotate(
            latest=Max("created_at"),
            newest_id=Max("pk"),
            total=Count("pk"),
            unread=Count("pk", filter=Q(read_at__isnull=True)),
            first_unread_seq=Min("seq", filter=Q(read_at__isnull=True)),
            first_seq=Min("seq"),
            newest_seq=Max("seq"),
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


def few_names(names: list[str]) -> str:
    """ "Sanne", "Sanne en Henk", "Sanne, Henk en 3 anderen": at most two names, then a count."""
    if len(names) <= 2:
        return _names(names) if names else ""
    others = len(names) - 2
    return ngettext(
        "%(first)s, %(second)s and %(count)s other", "%(first)s, %(second)s and %(count)s others", others
    ) % {"first": names[0], "second": names[1], "count": others}


def _describe(group: NotificationGroup, title: str, fallback: str) -> str:
    if group.kind == NotificationKind.REPLY and title:
        if group.is_unread:
            text = ngettext("%(count)s new reply in “%(topic)s”", "%(count)s new replies in “%(topic)s”", group.count)
        else:
            text = ngettext("%(count)s reply in “%(topic)s”", "%(count)s replies in “%(topic)s”", group.count)
        return text % {"count": group.count, "topic": title}
    if group.kind == NotificationKind.MENTION and group.names and title:
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
            topic_id=row["topic_id"],
            notification_id=row["single"] if row["topic_id"] is None else None,
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

    # The text and address of each group's newest notification (the fallback, and a group without a topic).
    newest = {
        pk: (say(kind, params, text), url)
        for pk, kind, params, text, url in Notification.objects.filter(
            pk__in=[r["newest_id"] for r in rows]
        ).values_list("pk", "kind", "params", "text", "url")
    }
    # The message each group leads to: its first unread one, or (all read) its newest one; replies
    # are counted from the group's first (unread) one.
    anchor: dict[tuple[str, int], int] = {}
    reply_from: dict[int, int | None] = {}
    for row, group in zip(rows, groups, strict=True):
        if group.topic_id is None:
            continue
        seq = row["first_unread_seq"] if group.is_unread else row["newest_seq"]
        if seq is not None:
            anchor[(group.kind, group.topic_id)] = seq
        if group.kind == NotificationKind.REPLY:
            reply_from[group.topic_id] = row["first_unread_seq"] if group.is_unread else row["first_seq"]
    topic_ids = {g.topic_id for g in groups if g.topic_id is not None}
    details: dict[int, registry.TopicDetail] = {}
    if topic_ids and registry.hooks.topic_details is not None:
        details = registry.hooks.topic_details(user.pk, {tid: reply_from.get(tid) for tid in topic_ids})

    # Mentions: who mentioned the member (in the unread notifications when there are any).
    mention_topics = [g.topic_id for g in groups if g.kind == NotificationKind.MENTION and g.topic_id]
    mentioners: dict[tuple[int, bool], list[str]] = {}
    mention_counts: dict[tuple[int, bool], int] = {}
    if mention_topics:
        for row in (
            Notification.objects.filter(
                user=user, shown=True, kind=NotificationKind.MENTION, topic_id__in=mention_topics
            )
            .values("topic_id", *_name_fields("actor"))
            .annotate(is_unread=Count("pk", filter=Q(read_at__isnull=True)), n=Count("pk"), last=Max("created_at"))
            .order_by("topic_id", "-last")
        ):
            name = _name(row, "actor")
            tid = row["topic_id"]
            for unread_only in (False, True):
                n = row["is_unread"] if unread_only else row["n"]
                if n:
                    mentioners.setdefault((tid, unread_only), []).append(name)
                    mention_counts[(tid, unread_only)] = mention_counts.get((tid, unread_only), 0) + n

    for row, group in zip(rows, groups, strict=True):
        text, url = newest.get(row["newest_id"], ("", ""))
        title = ""
        if group.topic_id is not None:
            detail = details.get(group.topic_id)
            if detail is not None:
                title = detail.title
                group.place = detail.place
                seq = anchor.get((group.kind, group.topic_id))
                url = detail.url + (f"#m{seq}" if seq else "")
            if group.kind == NotificationKind.MENTION:
                group.names = mentioners.get((group.topic_id, group.is_unread), [])
                group.count = mention_counts.get((group.topic_id, group.is_unread), group.total)
            elif group.kind == NotificationKind.REPLY and detail is not None:
                group.names = detail.repliers
                group.who = few_names(group.names)
                group.count = max(1, detail.replies)
        group.url = url
        group.text = _describe(group, title, text)
    result_page.object_list = groups
    return result_page


def notification_ids_in_group(*, user: User, key: str) -> list[int] | None:
    """The member's unread notifications in the group a "mark read" form names (None: no such group)."""
    kind, _sep, value = key.partition(":")
    if not value.isdigit():
        return None
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if kind == "id":
        qs = unread.filter(pk=int(value), topic_id__isnull=True)
    elif kind in NotificationKind.values:
        qs = unread.filter(kind=kind, topic_id=int(value))
    else:
        return None
    return list(qs.values_list("pk", flat=True))
