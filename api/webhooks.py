"""Outgoing webhooks: what happened, POSTed to a community's or programme's own address, signed.

- **Triggers** listen to the apps below, which stay unaware: the forum's ``messages_posted``
  signal (sent by its one write path), Wagtail's ``page_published`` for lessons, and
  ``post_save`` of mentoring's pairs and sessions. Each defers to ``transaction.on_commit``:
  a rolled-back action calls no one.
- **Delivery** goes through the durable task queue (django-tasks, backend ``durable``, as
  ``core.mail``): no request waits for a receiver. A receiver that answers other than 2xx, or
  not at all within ``TIMEOUT`` seconds, gets the same body again later: after 30 s, 1, 2, 4 …
  minutes, at most an hour apart, for ``MAX_ATTEMPTS`` attempts. Each delivery has one id
  (``Kring-Webhook-Id``), kept by every attempt, so a receiver can drop repeats. Every attempt is
  logged (``WebhookDelivery``: status or why none, attempt, duration), the newest
  ``DELIVERIES_KEPT`` per webhook, for the webhooks page.
- **Signature:** ``Kring-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``.
  A receiver recomputes it over the raw body, compares in constant time and refuses a ``t``
  more than five minutes off (docs/api.md, "Webhooks").
- **What is sent:** ids, names and the message's HTML as its readers see it; only the rooms of
  the community that are not restricted, and of mentoring only a pair's status and a session's
  date and state (never notes or reflections).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django_tasks import task, task_backends
from wagtail.signals import page_published

from api.models import REFUSED_PREFIX, TIMEOUT_PREFIX, Webhook, WebhookDelivery, WebhookEvent
from forum.models import Message
from forum.signals import messages_posted
from knowledge_base.models import LessonPage
from mentoring.models import Relationship, Session

log = logging.getLogger(__name__)

BACKEND = "durable"
QUEUE = "default"
MAX_ATTEMPTS = 12
TIMEOUT = 10  # seconds for one attempt
USER_AGENT = "Kring-Webhooks/1"


class WebhookDeferred(Exception):
    """The receiver did not take the delivery now; the next attempt is queued."""


# --- signing ------------------------------------------------------------------------------------


def new_secret() -> str:
    return "whsec_" + uuid.uuid4().hex + uuid.uuid4().hex[:16]


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return mac.hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, *, now: float | None = None, tolerance: int = 300) -> bool:
    """What a receiver does (and the tests' receiver): the header's signature over the raw body."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), parts.get("v1", ""))


# --- where it may go ----------------------------------------------------------------------------


def allow_private() -> bool:
    """Addresses on this machine or the local network: only where set (development and the tests)."""
    return bool(getattr(settings, "KRING_WEBHOOK_ALLOW_PRIVATE", settings.DEBUG))


def address_refusal(url: str) -> str | None:
    """Why Kring will not POST to ``url`` (None: it will): https only, and no private address, so a
    webhook cannot reach into Kring's own network."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return "invalid"
    if not host:
        return "invalid"
    private_ok = allow_private()
    if parts.scheme != "https" and not (private_ok and parts.scheme == "http"):
        return "not_https"
    if private_ok:
        return None
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return "unknown_host"
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]))
        if not address.is_global:
            return "private_address"
    return None


# --- delivery -----------------------------------------------------------------------------------


def retry_delay(attempt: int) -> timedelta:
    """After failed attempt ``attempt`` (1-based): 30 s, then 1, 2, 4 … minutes, at most 60."""
    if attempt <= 1:
        return timedelta(seconds=30)
    return timedelta(minutes=min(2 ** (attempt - 2), 60))


def _post(hook: Webhook, body: bytes, event: str, delivery_id: str) -> tuple[int, str]:
    """POST once: the HTTP status (0: no answer) and, without an answer, why."""
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310  (the scheme is checked: http(s) only)
        hook.target_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Kring-Webhook-Id": delivery_id,
            "Kring-Webhook-Event": event,
            "Kring-Signature": signature_header(hook.secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310
            return int(answer.status), ""
    except urllib.error.HTTPError as error:
        return int(error.code), ""
    except urllib.error.URLError as error:
        return 0, _why(error.reason)
    except (OSError, ValueError) as error:
        return 0, _why(error)


def _why(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return f"{TIMEOUT_PREFIX}{TIMEOUT} s"
    return (str(reason) or type(reason).__name__)[:200]


# Each webhook keeps its newest attempts only (shown on the webhooks page); older ones go on write.
DELIVERIES_KEPT = 50


def record_attempt(
    hook: Webhook, *, delivery_id: str, event: str, attempt: int, status: int, error: str, duration_ms: int
) -> WebhookDelivery:
    """Log one attempt and drop the webhook's attempts beyond the newest ``DELIVERIES_KEPT``."""
    with transaction.atomic():
        row = WebhookDelivery.objects.create(
            webhook=hook,
            delivery_id=delivery_id,
            event=event,
            attempt=attempt,
            status_code=status or None,
            error="" if status else error,
            duration_ms=duration_ms,
            attempted_at=timezone.now(),
        )
        newest = WebhookDelivery.objects.filter(webhook=hook).order_by("-pk").values_list("pk", flat=True)
        cutoff = newest[DELIVERIES_KEPT : DELIVERIES_KEPT + 1].first()
        if cutoff is not None:
            WebhookDelivery.objects.filter(webhook=hook, pk__lte=cutoff).delete()
    return row


@task(backend=BACKEND, queue_name=QUEUE)
def deliver_webhook(webhook_id: int, event: str, body: str, delivery_id: str, attempt: int = 1) -> int:
    """One attempt; a failure queues the next (the same body and id) with a growing delay."""
    hook = Webhook.objects.filter(pk=webhook_id).first()
    if hook is None:
        return 0  # removed meanwhile: nothing to deliver
    refusal = address_refusal(hook.target_url)
    started = time.monotonic()
    status, error = (0, f"{REFUSED_PREFIX}{refusal}") if refusal else _post(hook, body.encode(), event, delivery_id)
    duration_ms = round((time.monotonic() - started) * 1000)
    ok = 200 <= status < 300
    Webhook.objects.filter(pk=hook.pk).update(
        last_status=status, last_attempt_at=timezone.now(), failures=0 if ok else hook.failures + 1
    )
    record_attempt(
        hook,
        delivery_id=delivery_id,
        event=event,
        attempt=attempt,
        status=status,
        error=error,
        duration_ms=duration_ms,
    )
    if ok:
        return status
    if refusal or attempt >= MAX_ATTEMPTS or not task_backends[BACKEND].supports_defer:
        log.error("webhook %s delivery %s failed for good (attempt %s): %s", hook.pk, delivery_id, attempt, status)
        return status
    delay = retry_delay(attempt)
    deliver_webhook.using(run_after=timezone.now() + delay).enqueue(
        webhook_id=webhook_id, event=event, body=body, delivery_id=delivery_id, attempt=attempt + 1
    )
    log.warning(
        "webhook %s delivery %s answered %s; attempt %s in %s", hook.pk, delivery_id, status, attempt + 1, delay
    )
    raise WebhookDeferred(f"status {status}")


def _subscribed(event: str, *, community_id: int | None = None, programme_id: int | None = None) -> list[Webhook]:
    if community_id is None and programme_id is None:
        return []
    if community_id is not None:
        hooks = Webhook.objects.filter(community_id=community_id)
    else:
        hooks = Webhook.objects.filter(programme_id=int(programme_id or 0))
    return [h for h in hooks.only("pk", "events") if event in h.events]


def dispatch(
    event: str, data: dict[str, Any], *, community_id: int | None = None, programme_id: int | None = None
) -> int:
    """Queue ``event`` for every webhook of the owner that subscribes to it; call after commit."""
    hooks = _subscribed(event, community_id=community_id, programme_id=programme_id)
    for hook in hooks:
        delivery_id = str(uuid.uuid4())
        envelope = {"id": delivery_id, "event": event, "created_at": timezone.now(), "data": data}
        body = json.dumps(envelope, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
        deliver_webhook.enqueue(webhook_id=hook.pk, event=event, body=body, delivery_id=delivery_id)
    return len(hooks)


# --- triggers -----------------------------------------------------------------------------------

# Which communities and programmes have a webhook at all, per process for ``OWNERS_TTL`` seconds
# (a save or removal in this process clears it): the apps' hot paths (every post) then cost no
# query where no one listens; a webhook made in another process hears events within the TTL.
OWNERS_TTL = 10.0
_owners: tuple[float, set[int], set[int]] | None = None


def owners() -> tuple[set[int], set[int]]:
    global _owners
    if _owners is None or time.monotonic() - _owners[0] > OWNERS_TTL:
        rows = list(Webhook.objects.values_list("community_id", "programme_id"))
        _owners = (time.monotonic(), {c for c, _p in rows if c}, {p for _c, p in rows if p})
    return _owners[1], _owners[2]


def forget_owners(**kwargs: Any) -> None:
    global _owners
    _owners = None


def _messages_posted(sender: Any, messages: Iterable[Any], **kwargs: Any) -> None:
    ids = [m.pk for m in messages]
    if ids and owners()[0]:
        transaction.on_commit(lambda: messages_created(ids))


def messages_created(message_ids: list[int]) -> None:
    rows = (
        Message.objects.filter(
            pk__in=message_ids, room__is_restricted=False, room__community__is_system=False, deleted_at__isnull=True
        )
        .select_related("room__community", "author__profile")
        .order_by("pk")
    )
    for m in rows:
        community = m.room.community
        data = {
            "community": {"id": community.pk, "slug": community.slug},
            "room": m.room_id,
            "topic": m.topic_id,
            "message": m.pk,
            "seq": m.seq,
            "author": {"id": m.author_id, "name": m.author.display_name if m.author else ""},
            "body_html": m.body_html,
            "created_at": m.created_at,
        }
        dispatch(WebhookEvent.MESSAGE_CREATED, data, community_id=community.pk)


def _lesson_published(sender: Any, instance: Any, **kwargs: Any) -> None:
    if getattr(instance, "origin_community_id", None) in owners()[0]:
        transaction.on_commit(lambda: lesson_published(instance.pk))


def lesson_published(page_id: int) -> None:
    lesson = LessonPage.objects.filter(pk=page_id, live=True).first()
    if lesson is None or lesson.origin_community_id is None:
        return
    data = {"lesson": lesson.pk, "title": lesson.title, "url": lesson.full_url or lesson.url or ""}
    dispatch(WebhookEvent.LESSON_PUBLISHED, data, community_id=lesson.origin_community_id)


def _pair_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if instance.programme_id is not None and instance.programme_id in owners()[1]:
        data = {"pair": instance.pk, "status": instance.status, "created": created}
        programme_id = instance.programme_id
        transaction.on_commit(lambda: dispatch(WebhookEvent.MENTORING_PAIR, data, programme_id=programme_id))


def _session_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not owners()[1]:
        return
    programme_id = (
        Relationship.objects.filter(pk=instance.relationship_id).values_list("programme_id", flat=True).first()
    )
    if programme_id is not None and programme_id in owners()[1]:
        data = {
            "pair": instance.relationship_id,
            "session": instance.pk,
            "state": instance.state,
            "held_on": instance.held_on,
            "starts_at": instance.starts_at,
            "created": created,
        }
        transaction.on_commit(lambda: dispatch(WebhookEvent.MENTORING_SESSION, data, programme_id=programme_id))


def connect() -> None:
    messages_posted.connect(_messages_posted, dispatch_uid="api_webhook_messages")
    page_published.connect(_lesson_published, sender=LessonPage, dispatch_uid="api_webhook_lessons")
    post_save.connect(_pair_saved, sender=Relationship, dispatch_uid="api_webhook_pairs")
    post_save.connect(_session_saved, sender=Session, dispatch_uid="api_webhook_sessions")
    post_save.connect(forget_owners, sender=Webhook, dispatch_uid="api_webhook_owners_saved")
    post_delete.connect(forget_owners, sender=Webhook, dispatch_uid="api_webhook_owners_deleted")
