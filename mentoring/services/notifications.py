"""Mentoring notifications: in-app, and by e-mail once the transaction has committed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.sites import absolute_url
from core.mail import mail_language, queue_mail
from mentoring.models import (
    Notification,
    Relationship,
)

log = logging.getLogger(__name__)

# Demo loading creates hundreds of notifications; it keeps them in-app only.
_send_email: ContextVar[bool] = ContextVar("mentoring_send_email", default=True)


@contextmanager
def without_email() -> Iterator[None]:
    token = _send_email.set(False)
    try:
        yield
    finally:
        _send_email.reset(token)


def notify(*, user: User | None, kind: str, relationship: Relationship | None, text: str) -> Notification | None:
    """An in-app notification, and an e-mail once the transaction has committed.

    ``user`` is ``None`` for the deleted side of a pair (``Relationship.person_a``/``person_b``
    are SET_NULL): there is no one to tell.
    """
    if user is None:
        return None
    note = Notification.objects.create(user=user, kind=kind, relationship=relationship, text=text[:300])
    if not _send_email.get():
        return note
    url = absolute_url(relationship.get_absolute_url() if relationship else "/mentoring/")
    # Through the durable mail queue after commit (core.mail): an SMTP server that is down
    # neither fails the action nor loses the mail.
    queue_mail(
        to=user.email,
        template="mail/notification",
        context={"subject": " ".join(text[:120].split()), "text": text, "url": url},
        language=mail_language(user),
    )
    return note


@transaction.atomic
def mark_notifications_read(*, actor: User) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())


def notify_pair(*, relationship: Relationship, kind: str, text: str) -> None:
    """The same notification to both people of a pair (a deleted side is skipped by ``notify``)."""
    for person in (relationship.person_a, relationship.person_b):
        notify(user=person, kind=kind, relationship=relationship, text=text)


def notify_partner(*, actor: User, relationship: Relationship, kind: str, text: str) -> None:
    """Tell the other person of the pair what ``actor`` did."""
    notify(user=relationship.partner_of(actor.pk), kind=kind, relationship=relationship, text=text)
