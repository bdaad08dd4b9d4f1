from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.actor import Actor, as_actor
from accounts.models import User
from notifications import registry
from notifications.models import Notification


@transaction.atomic
def mark_read(*, actor: Actor | User, ids: Iterable[int] | None = None, ref_prefix: str | None = None) -> int:
    """Mark the member's unread notifications read: all, those ``ids``, or those whose ``ref``
    starts with ``ref_prefix`` (mentoring's "mark all read" marks its own)."""
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return 0
    qs = Notification.objects.filter(user_id=actor.member_id, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    if ref_prefix is not None:
        qs = qs.filter(ref__startswith=ref_prefix)
    count = qs.update(read_at=timezone.now())
    if count:
        member = actor.member_id
        transaction.on_commit(lambda: registry.announce([member]))
    return count
