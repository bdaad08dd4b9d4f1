"""Mentoring notifications: through the notifications app (the one list, the badge, the member's
preferences for mail)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from accounts.models import User
from mentoring.models import Relationship
from notifications import services as notifications

# Every mentoring notification's ``ref`` starts with this: mentoring's own list and its
# "mark all as read" are about these.
REF = "mentoring"


def ref_of(relationship: Relationship | None) -> str:
    return f"{REF}:relationship:{relationship.pk}" if relationship is not None else REF


@contextmanager
def without_email() -> Iterator[None]:
    with notifications.without_email():
        yield


def notify(
    *, user: User | None, kind: str, relationship: Relationship | None, text: str, actor: User | None = None
) -> None:
    """Tell one member (in the app, and by mail as they chose).

    ``user`` is ``None`` for the deleted side of a pair (``Relationship.person_a``/``person_b``
    are SET_NULL): there is no one to tell.
    """
    if user is None:
        return
    notifications.notify(
        recipients=[user],
        kind=kind,
        text=text,
        url=relationship.get_absolute_url() if relationship else "/mentoring/",
        actor=actor,
        ref=ref_of(relationship),
    )


def mark_notifications_read(*, actor: User) -> int:
    return notifications.mark_read(actor=actor, ref_prefix=REF)


def notify_pair(*, relationship: Relationship, kind: str, text: str) -> None:
    """The same notification to both people of a pair (a deleted side is skipped by ``notify``)."""
    for person in (relationship.person_a, relationship.person_b):
        notify(user=person, kind=kind, relationship=relationship, text=text)


def notify_partner(*, actor: User, relationship: Relationship, kind: str, text: str) -> None:
    """Tell the other person of the pair what ``actor`` did."""
    notify(user=relationship.partner_of(actor.pk), kind=kind, relationship=relationship, text=text, actor=actor)
