"""The notification mail: batched per member, never what they already read, with one-click
unsubscribe (RFC 8058).

The first notification a member wants by mail starts ``send_notification_mail`` ``MAIL_DELAY``
later (on a backend that can defer; the immediate backend runs it at once); by then a busy topic
has added its replies, and one mail carries everything still unread. Quiet hours postpone the
job until they end.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.models import User
from core.mail import absolute_url, mail_language, queue_mail
from notifications import registry
from notifications.models import Notification, NotificationKind, Preferences
from notifications.preferences import quiet_hours_end
from notifications.services.preferences import turn_email_off
from notifications.texts import say

log = logging.getLogger(__name__)

MAIL_DELAY = dt.timedelta(minutes=5)
MAIL_ITEMS = 20  # lines in one mail; the rest is "and N more" with a link to the list
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


@task()
def send_notification_mail(user_id: int) -> None:
    send_batch(user_id=user_id)


def _enqueue(user_id: int, when: dt.datetime | None) -> None:
    job = send_notification_mail
    if when is not None and job.get_backend().supports_defer:
        job = job.using(run_after=when)
    job.enqueue(user_id)


def schedule(user_ids: list[int]) -> None:
    """After commit: a job per member, ``MAIL_DELAY`` from now."""
    when = timezone.now() + MAIL_DELAY
    for uid in user_ids:
        try:
            _enqueue(uid, when)
        except Exception:  # the notification is stored; the next one schedules again
            log.warning("could not queue the notification mail of user %s", uid, exc_info=True)


def unsubscribe_token(user_id: int, kinds: list[str]) -> str:
    return signing.dumps({"u": user_id, "k": sorted(set(kinds))}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_token(token: str) -> tuple[int, list[str]] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, kinds = int(data["u"]), [str(k) for k in data["k"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if not kinds or any(k not in NotificationKind.values for k in kinds):
        return None
    return user_id, kinds


def unsubscribe(*, token: str) -> tuple[User, list[str]] | None:
    """Turn off mail for the kinds a signed unsubscribe link names; None when the link is not valid."""
    parsed = read_token(token)
    if parsed is None:
        return None
    user = User.objects.filter(pk=parsed[0]).first()
    if user is None:
        return None
    return user, turn_email_off(user_id=user.pk, kinds=parsed[1])


def _unsubscribe_url(user_id: int, kinds: list[str]) -> str:
    return absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id, kinds)]))


def send_batch(*, user_id: int, now: dt.datetime | None = None) -> int:
    """Mail a member everything due and still unread; returns how many notifications the mail holds.

    Due notifications already read in the app (marked read, or the topic read past their
    message) are handled without a mail. In quiet hours nothing is sent and the job is
    scheduled again for when they end.
    """
    now = now or timezone.now()
    with transaction.atomic():
        user = User.objects.filter(pk=user_id, is_active=True).first()
        pending = list(
            Notification.objects.select_for_update()
            .filter(user_id=user_id, mail_due=True, emailed_at__isnull=True)
            .order_by("created_at", "pk")
        )
        if not pending:
            return 0
        if user is None or not user.email:
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
            return 0
        prefs = Preferences.objects.filter(user_id=user_id).first()
        if prefs is not None:
            end = quiet_hours_end(timezone.localtime(now), prefs.quiet_from, prefs.quiet_until)
            if end is not None:
                transaction.on_commit(lambda: _enqueue(user_id, end))
                return 0
        unread = [n for n in pending if n.read_at is None]
        seen: set[tuple[int, int]] = set()
        asked = [(n.topic_id, n.seq) for n in unread if n.topic_id is not None and n.seq is not None]
        if asked and registry.hooks.read_in_app is not None:
            seen = registry.hooks.read_in_app(user_id, asked)
        to_mail = [n for n in unread if (n.topic_id, n.seq) not in seen]
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
        if to_mail:
            language = mail_language(user)
            queue_mail(
                to=user.email,
                template="notifications/mail/notifications",
                context=_context(user, to_mail, language),
                language=language,
                unsubscribe_url=_unsubscribe_url(user_id, [n.kind for n in to_mail]),
            )
        return len(to_mail)


def _context(user: User, notes: list[Notification], language: str) -> dict[str, Any]:
    """JSON-serialisable (it travels through the task queue), texts already in ``language``."""
    with translation.override(language):
        items = [
            {
                "text": say(n.kind, n.params, n.text),
                "url": absolute_url(n.url),
                "kind": str(NotificationKind(n.kind).label),
            }
            for n in notes[:MAIL_ITEMS]
        ]
        kinds = sorted({str(NotificationKind(n.kind).label) for n in notes})
        return {
            "name": user.display_name,
            "items": items,
            "count": len(notes),
            "more": max(0, len(notes) - MAIL_ITEMS),
            "kinds": kinds,
            "list_url": absolute_url(reverse("notifications:list")),
            "preferences_url": absolute_url(reverse("notifications:preferences")),
            "unsubscribe_url": _unsubscribe_url(user.pk, [n.kind for n in notes]),
            "intro": _("This is what happened while you were away."),
        }
