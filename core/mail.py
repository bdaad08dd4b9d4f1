"""One way for every app to send a mail: queued after the transaction commits, rendered in the
recipient's language with both a text and an HTML part, every link absolute from ``SITE_URL``.

Callers name a template family ``<name>``: ``templates/<name>_subject.txt``, ``<name>.txt`` and
(optional) ``<name>.html``. The context must be JSON-serialisable: it travels through the task
queue, so a mail survives a worker restart and an SMTP server that is down.

Durability (docs/reliability.md, "Mail"):

- ``queue_mail`` writes a row in the task table (django-tasks' database backend, alias
  ``durable``, queue ``mail``) once the caller's transaction has committed; no request ever
  talks to the SMTP server, so a server that is down never answers a request with a 500.
- The worker (``manage.py run_worker``) sends it. A temporary failure (connection refused, a
  4xx answer, a timeout) marks that attempt failed and enqueues the next attempt with a growing
  delay (1, 2, 4 … minutes, at most an hour apart, for ``MAIL_MAX_ATTEMPTS`` attempts, about two
  days). A permanent refusal (5xx for the recipient) is not retried.
- "Sent" means: the SMTP server accepted the message (250 after DATA). Each mail has one
  ``Message-ID``, chosen when it is queued and kept by every attempt. A worker that dies after
  claiming a mail leaves its row "running"; ``run_worker`` puts such rows back in the queue after
  ``MAIL_STALE_AFTER`` (far longer than the SMTP timeout), unless a later attempt of the same
  mail exists. A mail is never lost; the one window for a duplicate is a worker dying between
  the server's 250 and the row's update, and then the copy carries the same ``Message-ID``.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django_tasks import task, task_backends

log = logging.getLogger(__name__)

MAIL_BACKEND = "durable"
MAIL_QUEUE = "mail"
MAIL_MAX_ATTEMPTS = 48
MAIL_STALE_AFTER = timedelta(minutes=15)


class MailDeferred(Exception):
    """The SMTP server could not take the mail now; the next attempt is queued."""


def absolute_url(path: str) -> str:
    """A link a mail client can open: relative paths get ``SITE_URL`` in front."""
    if path.startswith(("http://", "https://", "mailto:")):
        return path
    return settings.SITE_URL + ("" if path.startswith("/") else "/") + path


def site_hostname() -> str:
    from urllib.parse import urlsplit

    return urlsplit(settings.SITE_URL).hostname or "localhost"


def render_mail(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str,
    headers: dict[str, str] | None = None,
    unsubscribe_url: str | None = None,
    attachments: list[list[str]] | None = None,
) -> EmailMultiAlternatives:
    # A link a caller left relative would reach no one: every ``url``/``*_url`` value is made absolute.
    context = {
        key: absolute_url(value)
        if (key == "url" or key.endswith("_url")) and isinstance(value, str) and value
        else value
        for key, value in context.items()
    }
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "preferences_url": absolute_url(preferences_path()),
        "unsubscribe_url": unsubscribe_url or "",
        "language": language,
        **context,
    }
    headers = dict(headers or {})
    if unsubscribe_url:
        # RFC 8058: one POST to the address unsubscribes, no page, no login.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        try:
            html: str | None = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html = None
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers=headers)
    if html is not None:
        message.attach_alternative(html, "text/html")
    # [[filename, content, mimetype], ...]: plain lists, as they travel through the task queue.
    for filename, content, mimetype in attachments or ():
        message.attach(filename, content, mimetype)
    return message


def preferences_path() -> str:
    """Where a member sets which mails they get: the notification preferences page where the
    project has one, else the digest settings."""
    for name in ("notifications:preferences", "digests:settings"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/"


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt ``attempt`` (1-based): 1, 2, 4 … minutes, at most 60."""
    return timedelta(minutes=min(2 ** (attempt - 1), 60))


def _is_permanent(error: Exception) -> bool:
    """A 5xx answer about the mail itself: sending it again gives the same answer."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return 500 <= error.smtp_code < 600
    return False


@task(backend=MAIL_BACKEND, queue_name=MAIL_QUEUE)
def deliver_mail(
    to: str,
    template: str,
    context: dict[str, Any],
    language: str,
    headers: dict[str, str] | None = None,
    message_id: str = "",
    attempt: int = 1,
    unsubscribe_url: str | None = None,
    attachments: list[list[str]] | None = None,
) -> str:
    message = render_mail(
        to=to,
        template=template,
        context=context,
        language=language,
        headers=headers,
        unsubscribe_url=unsubscribe_url,
        attachments=attachments,
    )
    if message_id:
        message.extra_headers["Message-ID"] = message_id
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        if _is_permanent(error):
            log.error("mail %s (%s) refused for good: %s", message_id, template, error)
            raise
        if attempt >= MAIL_MAX_ATTEMPTS or not task_backends[MAIL_BACKEND].supports_defer:
            log.error("mail %s (%s) not sent after %s attempts: %s", message_id, template, attempt, error)
            raise
        delay = retry_delay(attempt)
        deliver_mail.using(run_after=timezone.now() + delay).enqueue(
            to=to,
            template=template,
            context=context,
            language=language,
            headers=headers,
            message_id=message_id,
            attempt=attempt + 1,
            unsubscribe_url=unsubscribe_url,
            attachments=attachments,
        )
        log.warning("mail %s (%s) deferred, attempt %s in %s: %s", message_id, template, attempt + 1, delay, error)
        raise MailDeferred(str(error)) from error
    return message_id


def queue_mail(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str,
    headers: dict[str, str] | None = None,
    unsubscribe_url: str | None = None,
    attachments: list[list[str]] | None = None,
) -> None:
    """Send after commit (a rolled-back action mails nobody), through the durable queue."""
    message_id = make_msgid(domain=site_hostname())
    transaction.on_commit(
        lambda: deliver_mail.enqueue(
            to=to,
            template=template,
            context=context,
            language=language,
            headers=headers,
            message_id=message_id,
            unsubscribe_url=unsubscribe_url,
            attachments=attachments,
        )
    )


def requeue_stale_mail(*, now: Any = None) -> int:
    """Put mails whose worker died while sending them back in the queue (see the module's text).

    Only with the database backend; returns how many rows went back.
    """
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    path = f"{deliver_mail.module_path}"
    stale = DBTaskResult.objects.running().filter(task_path=path, started_at__lt=now - MAIL_STALE_AFTER)
    requeued = 0
    for row in stale:
        kwargs = row.args_kwargs.get("kwargs", {})
        later = (
            DBTaskResult.objects.filter(task_path=path, enqueued_at__gt=row.enqueued_at)
            .filter(args_kwargs__kwargs__message_id=kwargs.get("message_id", ""))
            .exists()
        )
        if later:
            continue
        DBTaskResult.objects.filter(pk=row.pk, status=row.status).update(status="READY", run_after=now)
        requeued += 1
    return requeued


def mail_language(user: Any) -> str:
    """The language a member reads their mail in: their own choice where the account keeps one,
    else the site's default."""
    return str(getattr(user, "language", "") or settings.LANGUAGE_CODE)
