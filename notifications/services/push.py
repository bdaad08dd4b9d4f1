"""Web Push (VAPID, ``pywebpush``): subscribe a device, and deliver a notification to every
device of a member.

The payload holds the notification's sentence only when the member allows it
(``Preferences.push_content``); otherwise just the kind ("Vermelding") and where it leads.
A 404 or 410 from the push service removes that subscription; any failure of one
subscription never stops delivery to the others. No push in quiet hours (it is dropped, not
held: a late push is noise).
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from functools import cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from accounts.actor import Actor, as_actor
from accounts.models import User
from core.errors import Forbidden, Invalid
from core.mail import mail_language
from notifications.models import NotificationKind, Preferences, PushSubscription
from notifications.preferences import in_quiet_hours
from notifications.texts import say

log = logging.getLogger(__name__)

PUSH_TTL = 24 * 3600  # seconds a push service keeps an undelivered push


@dataclass(frozen=True)
class Keys:
    vapid: Vapid02
    public: str  # base64url, the browser's applicationServerKey


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@cache
def keys() -> Keys | None:
    """The server's VAPID keys, or None when push is off (no keys and not DEBUG)."""
    private = settings.WEBPUSH_VAPID_PRIVATE_KEY
    if private:
        vapid = Vapid02.from_pem(private.encode()) if "BEGIN" in private else Vapid02.from_string(private)
    elif settings.DEBUG:
        path = settings.WEBPUSH_DEV_KEY_FILE
        if path.exists():
            vapid = Vapid02.from_pem(path.read_bytes())
        else:
            vapid = Vapid02()
            vapid.generate_keys()
            path.write_bytes(vapid.private_pem())
            path.chmod(0o600)
    else:
        return None
    public = vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return Keys(vapid=vapid, public=_b64(public))


def public_key() -> str:
    found = keys()
    return found.public if found else ""


def device_count(*, user_id: int) -> int:
    return PushSubscription.objects.filter(user_id=user_id).count()


@transaction.atomic
def subscribe(*, actor: Actor | User, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """This device gets the member's pushes (a device that changed hands moves to the new member)."""
    actor = as_actor(actor)
    if not actor.is_authenticated:
        raise Forbidden(_("Log in to change your notifications."))
    if keys() is None:
        raise Invalid(_("Push notifications are not available on this server."), code="push_off")
    if not endpoint.startswith(("https://", "http://")) or len(endpoint) > 1000 or not p256dh or not auth:
        raise Invalid(_("This device gave an address Kring cannot use."), code="push_subscription")
    sub, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user_id": actor.member_id, "p256dh": p256dh[:200], "auth": auth[:100]}
    )
    return sub


@transaction.atomic
def unsubscribe(*, actor: Actor | User, endpoint: str) -> int:
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return 0
    deleted, _kinds = PushSubscription.objects.filter(user_id=actor.member_id, endpoint=endpoint).delete()
    return deleted


@task()
def deliver_push(user_id: int, kind: str, text: str, url: str, params: dict[str, Any]) -> None:
    send_push(user_id=user_id, kind=kind, text=text, url=url, params=params)


def schedule(items: list[tuple[int, str, str, str, dict[str, Any]]]) -> None:
    """After commit: one job per notification to push."""
    for user_id, kind, text, url, params in items:
        try:
            deliver_push.enqueue(user_id, kind, text, url, params)
        except Exception:  # the notification is stored; a lost push is not worth an error
            log.warning("could not queue a push to user %s", user_id, exc_info=True)


def send_push(*, user_id: int, kind: str, text: str, url: str, params: dict[str, Any] | None = None) -> int:
    """Push to every device of the member; returns on how many it was accepted."""
    found = keys()
    subs = list(PushSubscription.objects.filter(user_id=user_id).order_by("pk"))
    if found is None or not subs:
        return 0
    prefs = Preferences.objects.filter(user_id=user_id).first()
    if prefs is not None and in_quiet_hours(timezone.localtime().time(), prefs.quiet_from, prefs.quiet_until):
        return 0
    user = User.objects.filter(pk=user_id).first()
    with translation.override(mail_language(user)):
        body = say(kind, params or {}, text) if prefs is not None and prefs.push_content else ""
        payload = json.dumps(
            {"title": str(NotificationKind(kind).label), "body": body, "url": url, "tag": kind},
            ensure_ascii=False,
        )
    accepted = 0
    for sub in subs:
        try:
            webpush(
                subscription_info={"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}},
                data=payload,
                vapid_private_key=found.vapid,
                vapid_claims={"sub": settings.WEBPUSH_SUBJECT},
                ttl=PUSH_TTL,
                timeout=10,
                headers={"Content-Type": "application/octet-stream"},  # RFC 8030's body type
            )
            accepted += 1
        except WebPushException as error:
            status = error.response.status_code if error.response is not None else None
            if status in (404, 410):  # the device unsubscribed or the subscription expired
                PushSubscription.objects.filter(pk=sub.pk).delete()
            else:
                log.warning("push to subscription %s failed (%s)", sub.pk, status)
        except Exception:  # a network fault on one device never stops the others
            log.warning("push to subscription %s failed", sub.pk, exc_info=True)
    return accepted
