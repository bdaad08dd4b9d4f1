"""One way for every app to send a mail: queued after the transaction commits, rendered in the
recipient's language with both a text and an HTML part, every link absolute from ``SITE_URL``.

Callers name a template family ``<name>``: ``templates/<name>_subject.txt``, ``<name>.txt`` and
(optional) ``<name>.html``. The context must be JSON-serialisable: it travels through the task
queue, so a mail survives a worker restart and an SMTP server that is down.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


def absolute_url(path: str) -> str:
    """A link a mail client can open: relative paths get ``SITE_URL`` in front."""
    if path.startswith(("http://", "https://", "mailto:")):
        return path
    return settings.SITE_URL + ("" if path.startswith("/") else "/") + path


def render_mail(
    *, to: str, template: str, context: dict[str, Any], language: str, headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        try:
            html: str | None = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html = None
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers=headers or {})
    if html is not None:
        message.attach_alternative(html, "text/html")
    return message


@task()
def deliver_mail(
    to: str, template: str, context: dict[str, Any], language: str, headers: dict[str, str] | None = None
) -> None:
    render_mail(to=to, template=template, context=context, language=language, headers=headers).send()


def queue_mail(
    *, to: str, template: str, context: dict[str, Any], language: str, headers: dict[str, str] | None = None
) -> None:
    """Send after commit (a rolled-back action mails nobody)."""
    transaction.on_commit(
        lambda: deliver_mail.enqueue(to=to, template=template, context=context, language=language, headers=headers)
    )


def mail_language(user: Any) -> str:
    """The language a member reads their mail in: their own choice where the account keeps one,
    else the site's default."""
    return str(getattr(user, "language", "") or settings.LANGUAGE_CODE)
