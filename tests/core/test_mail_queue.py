"""The durable mail queue against a real SMTP server (aiosmtpd): with the server down no request
fails, nothing is lost, and once it is back each mail arrives exactly once."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import mail
from forum import services as forum_services
from tests.peers.smtp import SMTPServer

pytestmark = pytest.mark.django_db(transaction=True)

DURABLE = {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["mail", "default"]}


@pytest.fixture
def durable_queue(settings: Any) -> None:
    """The production setting: mail goes into the task table and waits for the worker."""
    settings.TASKS = {**settings.TASKS, "durable": DURABLE}


def run_worker() -> None:
    call_command("run_worker", batch=True, verbosity=0)


def mail_rows(**filters: Any) -> Any:
    return DBTaskResult.objects.filter(task_path=mail.deliver_mail.module_path, **filters)


def test_with_the_smtp_server_down_requests_succeed_and_every_mail_arrives_once_it_is_back(
    client: Any, smtp_server: SMTPServer, durable_queue: None, make_user: Any, mentee_mentor: Any
) -> None:
    smtp_server.stop()
    # 1. Sign-up: the verification mail.
    response = client.post(
        reverse("account_signup"),
        {
            "display_name": "Noor",
            "email": "noor@example.test",
            "password1": "een-lang-wachtwoord-42",
            "password2": "een-lang-wachtwoord-42",
        },
    )
    assert response.status_code == 302
    # 2. Password reset of an existing member.
    make_user(email="piet@example.test")
    response = client.post(reverse("account_reset_password"), {"email": "piet@example.test"})
    assert response.status_code == 302
    # 3. An invitation to someone without an account.
    owner = make_user(name="Olga", email="olga@example.test")
    community = forum_services.create_community(
        actor=owner, name="Energie Kring", kind="kenniskring", description="x", waaromvraag="Waarom leren we samen?"
    )
    client.force_login(owner)
    response = client.post(reverse("forum:invite", args=[community.slug]), {"email": "nieuw@example.test"})
    assert response.status_code == 302
    # 4. A mentoring proposal.
    sanne = mentee_mentor(
        "Sanne", email="sanne@example.test", years=2, offers=("Data-analyse",), wants=("Klantgesprekken voeren",)
    )
    henk = mentee_mentor(
        "Henk", email="henk@example.test", years=28, offers=("Klantgesprekken voeren",), wants=("Data-analyse",)
    )
    client.force_login(sanne)
    response = client.post(reverse("mentoring:propose", args=[henk.pk]), {"message": "Zullen we?"})
    assert response.status_code == 302

    recipients = ["noor@example.test", "piet@example.test", "nieuw@example.test", "henk@example.test"]
    assert mail_rows(status="READY").count() == len(recipients)
    assert smtp_server.messages == []

    # The worker runs while the server is still down: each attempt fails, the next is scheduled.
    run_worker()
    assert smtp_server.messages == []
    assert mail_rows(status="FAILED").count() == len(recipients)
    retries = list(mail_rows(status="READY"))
    assert len(retries) == len(recipients)
    assert all(row.run_after > timezone.now() for row in retries)
    assert {row.args_kwargs["kwargs"]["attempt"] for row in retries} == {2}

    # The server is back and the retries fall due.
    smtp_server.start()
    mail_rows(status="READY").update(run_after=timezone.now())
    run_worker()
    run_worker()  # a second pass finds nothing left to send

    for address in recipients:
        assert len(smtp_server.to(address)) == 1, (address, [m["To"] for m in smtp_server.messages])
    assert len(smtp_server.messages) == len(recipients)
    # Each mail kept the Message-ID it was given when it was queued.
    queued_ids = {row.args_kwargs["kwargs"]["message_id"] for row in retries}
    assert {m["Message-ID"] for m in smtp_server.messages} == queued_ids


def test_a_mail_whose_worker_died_goes_back_in_the_queue_once(
    smtp_server: SMTPServer, durable_queue: None, make_user: Any
) -> None:
    member = make_user(email="anna@example.test")
    mail.queue_mail(
        to=member.email,
        template="mail/notification",
        context={"subject": "Hoi", "text": "Hoi", "url": "/"},
        language="nl",
    )
    row = mail_rows(status="READY").get()
    # A worker claimed it and died before it marked the row done.
    row.claim("dead-worker")
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - mail.MAIL_STALE_AFTER * 2)
    run_worker()
    assert len(smtp_server.to("anna@example.test")) == 1
    run_worker()
    assert len(smtp_server.to("anna@example.test")) == 1


def test_a_permanent_refusal_is_not_retried(durable_queue: None, settings: Any, make_user: Any) -> None:
    server = SMTPServer()

    class Refuse:
        async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
            return "550 No such user here"

    from aiosmtpd.controller import Controller

    controller = Controller(Refuse(), hostname=server.host, port=server.port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = server.host, server.port, 5
        mail.queue_mail(
            to="nobody@example.test",
            template="mail/notification",
            context={"subject": "x", "text": "x", "url": "/"},
            language="nl",
        )
        run_worker()
    finally:
        controller.stop()
    assert mail_rows(status="FAILED").count() == 1
    assert mail_rows(status="READY").count() == 0


def test_retry_delays_grow_and_are_capped() -> None:
    delays = [mail.retry_delay(attempt).total_seconds() / 60 for attempt in range(1, 10)]
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60, 60]
