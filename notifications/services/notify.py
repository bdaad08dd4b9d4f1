"""``notify``: the one way every app tells members that something happened.

Each recipient's preferences decide the channels (``notifications.preferences``): nothing at
all, in the app (listed and counted in the badge), and/or by mail (batched: the first unmailed
notification of a member starts a job a few minutes later that mails all of them at once).
After commit the badge of every member told is updated live (the forum's announce hook).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from accounts.models import User
from notifications import registry
from notifications.models import CommunitySetting, KindSetting, Notification, PushSubscription, TopicWatch
from notifications.preferences import Channels, decide
from notifications.services import push
from notifications.services.mail import schedule

# Demo loading creates hundreds of notifications; it keeps them in the app only.
_mail_enabled: ContextVar[bool] = ContextVar("notifications_mail_enabled", default=True)


@contextmanager
def without_email() -> Iterator[None]:
    """Notifications made inside are not mailed (the demo's seed)."""
    token = _mail_enabled.set(False)
    try:
        yield
    finally:
        _mail_enabled.reset(token)


@dataclass
class Pending:
    """One notification to one member, before the preferences have had their say."""

    user_id: int
    kind: str
    text: str
    url: str
    actor_id: int | None = None
    community_id: int | None = None
    room_id: int | None = None
    topic_id: int | None = None
    message_id: int | None = None
    seq: int | None = None
    ref: str = ""
    params: dict[str, Any] = field(default_factory=dict)


def _channels(items: Sequence[Pending]) -> list[Channels]:
    """Each item's channels; three queries for the whole batch, whatever its size."""
    users = {p.user_id for p in items}
    kinds = {p.kind for p in items}
    chosen = {
        (s.user_id, s.kind): Channels(s.app, s.email, s.push)
        for s in KindSetting.objects.filter(user_id__in=users, kind__in=kinds)
    }
    communities = {p.community_id for p in items if p.community_id is not None}
    levels: dict[tuple[int, int], str] = {}
    if communities:
        levels = {
            (uid, cid): level
            for uid, cid, level in CommunitySetting.objects.filter(
                user_id__in=users, community_id__in=communities
            ).values_list("user_id", "community_id", "level")
        }
    topics = {p.topic_id for p in items if p.topic_id is not None}
    watches: dict[tuple[int, int], str] = {}
    if topics:
        watches = {
            (uid, tid): state
            for uid, tid, state in TopicWatch.objects.filter(user_id__in=users, topic_id__in=topics).values_list(
                "user_id", "topic_id", "state"
            )
        }
    result = []
    for p in items:
        kwargs: dict[str, Any] = {"chosen": chosen.get((p.user_id, p.kind))}
        if p.community_id is not None and (p.user_id, p.community_id) in levels:
            kwargs["community_level"] = levels[(p.user_id, p.community_id)]
        if p.topic_id is not None:
            kwargs["watch"] = watches.get((p.user_id, p.topic_id))
        result.append(decide(p.kind, **kwargs))
    return result


def notify_batch(items: Sequence[Pending], *, announce: bool = True) -> set[int]:
    """Write the notifications the recipients want, in one insert; returns who was told in the app.

    Once per message per kind (the database's constraint): a second notification about the
    same message is dropped. ``announce=False`` when the caller announces itself (the forum's
    posting batch sends the badge events together with the room frames).
    """
    items = [p for p in items if p.user_id is not None and p.user_id != p.actor_id]
    if not items:
        return set()
    rows: list[Notification] = []
    pushes: list[tuple[int, str, str, str, dict[str, Any]]] = []
    mail = _mail_enabled.get()
    for p, channels in zip(items, _channels(items), strict=True):
        if channels.push:
            pushes.append((p.user_id, p.kind, p.text[:300], p.url[:300], p.params))
        if not (channels.app or channels.email):
            continue  # a push only: nothing to list or mail
        rows.append(
            Notification(
                user_id=p.user_id,
                kind=p.kind,
                actor_id=p.actor_id,
                text=p.text[:300],
                url=p.url[:300],
                params=p.params,
                community_id=p.community_id,
                room_id=p.room_id,
                topic_id=p.topic_id,
                message_id=p.message_id,
                seq=p.seq,
                ref=p.ref[:60],
                shown=channels.app,
                mail_due=channels.email and mail,
            )
        )
    if pushes:
        with_devices = set(
            PushSubscription.objects.filter(user_id__in={u for u, *_rest in pushes}).values_list("user_id", flat=True)
        )
        pushes = [item for item in pushes if item[0] in with_devices]
        if pushes:
            transaction.on_commit(lambda: push.schedule(pushes))
    if not rows:
        return set()
    mail_users = {n.user_id for n in rows if n.mail_due}
    waiting: set[int] = set()
    if mail_users:  # a member with mail already waiting for the batch job gets no second job
        waiting = set(
            Notification.objects.filter(user_id__in=mail_users, mail_due=True, emailed_at__isnull=True)
            .values_list("user_id", flat=True)
            .distinct()
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    told = {n.user_id for n in rows if n.shown}
    if announce:
        transaction.on_commit(lambda: registry.announce(told))
    from_now = sorted(mail_users - waiting)
    if from_now:
        transaction.on_commit(lambda: schedule(from_now))
    return told


def notify(
    *,
    recipients: Iterable[User | int],
    kind: str,
    url: str,
    text: str,
    actor: User | None = None,
    community_id: int | None = None,
    room_id: int | None = None,
    topic_id: int | None = None,
    message_id: int | None = None,
    seq: int | None = None,
    ref: str = "",
    params: dict[str, Any] | None = None,
) -> set[int]:
    """Tell ``recipients`` (never the actor) that ``kind`` happened; returns who was told in the app."""
    ids = sorted({r if isinstance(r, int) else r.pk for r in recipients})
    return notify_batch(
        [
            Pending(
                user_id=uid,
                kind=kind,
                text=text,
                url=url,
                actor_id=actor.pk if actor is not None else None,
                community_id=community_id,
                room_id=room_id,
                topic_id=topic_id,
                message_id=message_id,
                seq=seq,
                ref=ref,
                params=dict(params or {}),
            )
            for uid in ids
        ]
    )
