"""Writes for digests: a member's frequency, and sending the due digests (``manage.py send_digests``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Invalid
from core.mail import absolute_url, mail_language, queue_mail
from digests import selectors
from digests.models import INTERVALS, DigestSettings, Frequency

# A timer that runs a few minutes late must not skip a day: a digest is due this much early.
SLACK = timedelta(hours=1)
UNSUBSCRIBE_SALT = "digests.unsubscribe"


@transaction.atomic
def set_frequency(*, actor: User, frequency: str) -> DigestSettings:
    if frequency not in Frequency.values:
        raise Invalid(_("Choose how often you want a digest."), field="frequency")
    row, _created = DigestSettings.objects.select_for_update().get_or_create(user=actor)
    row.frequency = frequency
    row.save(update_fields=["frequency"])
    return row


def unsubscribe_token(user: User) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_of_token(token: str) -> User | None:
    try:
        user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def unsubscribe(*, token: str) -> User:
    """One-click unsubscribe (RFC 8058): the signed token is the authority, no login needed."""
    user = user_of_token(token)
    if user is None:
        raise Invalid(_("This link to unsubscribe is not valid."))
    set_frequency(actor=user, frequency=Frequency.OFF)
    return user


def _window(row: DigestSettings | None, now: datetime) -> tuple[timedelta, datetime] | None:
    """(interval, since) when this member's digest is due now, else None."""
    frequency = row.frequency if row is not None else Frequency.WEEKLY
    if frequency == Frequency.OFF:
        return None
    interval = INTERVALS[Frequency(frequency)]
    last_sent = row.last_sent_at if row is not None else None
    if last_sent is not None and now - last_sent < interval - SLACK:
        return None
    since = now - interval if last_sent is None else max(last_sent, now - interval)
    return interval, since


def send_digest(*, user: User, now: datetime) -> bool:
    """Send one member's digest if it is due, they have been away and something happened."""
    with transaction.atomic():
        row = DigestSettings.objects.select_for_update().filter(user=user).first()
        window = _window(row, now)
        if window is None:
            return False
        interval, since = window
        # Only to members who have been away: no visit since the last digest (or the interval).
        if user.last_seen_at is not None and user.last_seen_at >= since:
            return False
        content = selectors.digest_content(user=user, since=since, now=now, days_ahead=interval.days)
        if selectors.is_empty(content):
            return False
        frequency = row.frequency if row is not None else Frequency.WEEKLY
        if row is None:
            row = DigestSettings.objects.create(user=user, frequency=frequency)
        row.last_sent_at = now
        row.save(update_fields=["last_sent_at"])
        queue_mail(
            to=user.email,
            template="mail/digest",
            context={"name": user.display_name, "daily": frequency == Frequency.DAILY, **content},
            language=mail_language(user),
            unsubscribe_url=absolute_url(reverse("digests:unsubscribe", args=[unsubscribe_token(user)])),
        )
        return True


def send_digests(*, now: datetime | None = None) -> int:
    """Every member's due digest; returns how many were sent. Safe to run twice: a second run
    finds ``last_sent_at`` set."""
    now = now or timezone.now()
    candidates = (
        User.objects.filter(is_active=True)
        .exclude(digest_settings__frequency=Frequency.OFF)
        .filter(Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=now - INTERVALS[Frequency.DAILY] + SLACK))
        .select_related("profile")
        .order_by("pk")
    )
    return sum(send_digest(user=user, now=now) for user in candidates.iterator(chunk_size=500))
