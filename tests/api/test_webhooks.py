"""Outgoing webhooks against a real HTTP receiver (``http.server`` in a thread) that checks the
signature: a new message is delivered once, signed; a 500 is retried later with the same body and
id; the page lets facilitators add and remove them, and no one else."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from api import services as api_services
from api import webhooks
from api.models import Webhook, WebhookDelivery
from forum import services as forum_services
from forum.models import Role

pytestmark = pytest.mark.django_db(transaction=True)

DURABLE = {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["mail", "default"]}


class Receiver:
    """A local HTTP server that records each POST, checks its signature, and answers the next
    status from ``answers`` (then 200)."""

    def __init__(self) -> None:
        self.secret = ""
        self.answers: list[int] = []
        self.received: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(
                    {
                        "body": json.loads(body),
                        "id": self.headers["Kring-Webhook-Id"],
                        "event": self.headers["Kring-Webhook-Event"],
                        "valid": webhooks.verify(receiver.secret, self.headers["Kring-Signature"], body),
                        "forged": webhooks.verify("whsec_wrong", self.headers["Kring-Signature"], body),
                    }
                )
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/kring"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.TASKS = {**settings.TASKS, "durable": DURABLE}
    settings.KRING_WEBHOOK_ALLOW_PRIVATE = True  # the receiver is on 127.0.0.1
    with Receiver() as r:
        yield r


def run_worker() -> None:
    call_command("run_worker", batch=True, verbosity=0)


def rows(**filters: Any) -> Any:
    return DBTaskResult.objects.filter(task_path=webhooks.deliver_webhook.module_path, **filters)


def test_a_message_is_delivered_signed_and_a_500_is_retried(receiver: Receiver, make_user: Any) -> None:
    owner = make_user(name="Olga")
    community = forum_services.create_community(
        actor=owner, name="Open kring", kind="hub", description="d", waaromvraag="w", visibility="open"
    )
    hook, secret = api_services.add_webhook(
        actor=owner, owner=community, target_url=receiver.url, events=["message.created"]
    )
    receiver.secret = secret
    receiver.answers = [500]
    topic = forum_services.create_topic(actor=owner, room=community.rooms.get(), title="Warmte")
    message = forum_services.post_message(actor=owner, topic=topic, body="Hallo **allemaal**", client_id=uuid.uuid4())
    assert rows(status="READY").count() == 1
    run_worker()  # first attempt: the receiver answers 500
    assert len(receiver.received) == 1
    first = receiver.received[0]
    assert first["valid"] and not first["forged"] and first["event"] == "message.created"
    assert first["body"]["data"]["message"] == message.pk
    assert "<strong>allemaal</strong>" in first["body"]["data"]["body_html"]
    retry = rows(status="READY").get()
    assert retry.run_after is not None and retry.run_after > timezone.now()  # backoff: later, not now
    hook.refresh_from_db()
    assert hook.last_status == 500 and hook.failures == 1
    run_worker()  # not yet due: nothing sent
    assert len(receiver.received) == 1
    rows(status="READY").update(run_after=timezone.now())
    run_worker()  # the retry: the same delivery, signed again
    assert len(receiver.received) == 2
    second = receiver.received[1]
    assert second["valid"] and second["id"] == first["id"] and second["body"] == first["body"]
    hook.refresh_from_db()
    assert hook.last_status == 200 and hook.failures == 0
    assert not rows(status="READY").exists()


def test_only_subscribed_events_of_open_rooms_are_sent(receiver: Receiver, make_user: Any) -> None:
    owner = make_user(name="Olga")
    community = forum_services.create_community(
        actor=owner, name="Open kring", kind="hub", description="d", waaromvraag="w", visibility="open"
    )
    api_services.add_webhook(actor=owner, owner=community, target_url=receiver.url, events=["lesson.published"])
    topic = forum_services.create_topic(actor=owner, room=community.rooms.get(), title="Warmte")
    forum_services.post_message(actor=owner, topic=topic, body="Niet voor de webhook", client_id=uuid.uuid4())
    assert not rows().exists()


def test_a_webhook_to_a_private_address_or_plain_http_is_refused(settings: Any, make_user: Any) -> None:
    settings.KRING_WEBHOOK_ALLOW_PRIVATE = False
    owner = make_user(name="Olga")
    community = forum_services.create_community(
        actor=owner, name="Open kring", kind="hub", description="d", waaromvraag="w", visibility="open"
    )
    for url, code in (("http://example.com/x", "not_https"), ("https://127.0.0.1/x", "private_address")):
        assert webhooks.address_refusal(url) == code
        with pytest.raises(Exception) as refused:
            api_services.add_webhook(actor=owner, owner=community, target_url=url, events=["message.created"])
        assert getattr(refused.value, "field", None) == "target_url"


def test_the_page_lets_facilitators_add_and_remove_and_no_one_else(client: Any, settings: Any, make_user: Any) -> None:
    settings.KRING_WEBHOOK_ALLOW_PRIVATE = True
    owner = make_user(name="Olga")
    member = make_user(name="Mo")
    community = forum_services.create_community(
        actor=owner, name="Open kring", kind="hub", description="d", waaromvraag="w", visibility="open"
    )
    forum_services.join_community(actor=member, community=community)
    client.force_login(owner)
    page = client.get("/profiel/webhooks/")
    assert page.status_code == 200 and "Open kring" in page.content.decode()
    answer = client.post(
        "/profiel/webhooks/",
        {"owner": f"community:{community.pk}", "target_url": "http://127.0.0.1:9/x", "events": ["message.created"]},
    )
    assert answer.status_code == 200, answer.content.decode()[:2000]
    hook = Webhook.objects.get(community=community)
    assert hook.secret in answer.content.decode() and answer["Cache-Control"].startswith("max-age=0")
    assert hook.secret not in client.get("/profiel/webhooks/").content.decode()  # shown once
    # A mentoring event does not belong to a community.
    wrong = client.post(
        "/profiel/webhooks/",
        {"owner": f"community:{community.pk}", "target_url": "http://127.0.0.1:9/y", "events": ["mentoring.pair"]},
    )
    assert wrong.status_code == 400
    # A plain member: no owner to choose, and another's webhook is not there to remove.
    client.force_login(member)
    refused = client.post(
        "/profiel/webhooks/",
        {"owner": f"community:{community.pk}", "target_url": "http://127.0.0.1:9/z", "events": ["message.created"]},
    )
    assert refused.status_code == 400 and Webhook.objects.count() == 1
    assert client.post(f"/profiel/webhooks/{hook.pk}/verwijderen/").status_code == 404
    # A facilitator (not only the owner) manages them.
    membership = community.memberships.get(user=member)
    membership.role = Role.FACILITATOR
    membership.save()
    assert client.post(f"/profiel/webhooks/{hook.pk}/verwijderen/").status_code == 302
    assert not Webhook.objects.exists()


def test_the_delivery_log_shows_a_failure_then_the_retried_success(
    receiver: Receiver, make_user: Any, client: Any
) -> None:
    owner = make_user(name="Olga")
    community = forum_services.create_community(
        actor=owner, name="Open kring", kind="hub", description="d", waaromvraag="w", visibility="open"
    )
    hook, receiver.secret = api_services.add_webhook(
        actor=owner, owner=community, target_url=receiver.url, events=["message.created"]
    )
    receiver.answers = [503]
    topic = forum_services.create_topic(actor=owner, room=community.rooms.get(), title="Warmte")
    forum_services.post_message(actor=owner, topic=topic, body="Hallo", client_id=uuid.uuid4())
    run_worker()
    rows(status="READY").update(run_after=timezone.now())
    run_worker()
    assert len(receiver.received) == 2 and receiver.received[0]["id"] == receiver.received[1]["id"]
    log = list(WebhookDelivery.objects.filter(webhook=hook).order_by("pk"))
    assert [(d.attempt, d.status_code, d.ok, d.event) for d in log] == [
        (1, 503, False, "message.created"),
        (2, 200, True, "message.created"),
    ]
    assert log[0].delivery_id == log[1].delivery_id == receiver.received[0]["id"]
    assert all(d.duration_ms >= 0 and d.error == "" for d in log)
    client.force_login(owner)
    page = client.get("/profiel/webhooks/").content.decode()
    section = page[page.index("webhook-deliveries") :]
    assert section.index("HTTP-status 200") < section.index("HTTP-status 503"), "newest first"
    # In words: the event as the form names it, what came of each attempt; never the raw code.
    assert "Een bericht in een van de open ruimtes van de gemeenschap" in section
    assert "message.created" not in section
    assert section.index("Afgeleverd") < section.index("Geweigerd")


def test_no_answer_is_logged_with_why_and_the_log_is_bounded(settings: Any, make_user: Any) -> None:
    settings.KRING_WEBHOOK_ALLOW_PRIVATE = True
    owner = make_user(name="Olga")
    community = forum_services.create_community(
        actor=owner, name="Open kring", kind="hub", description="d", waaromvraag="w", visibility="open"
    )
    # A port nothing listens on: the connection is refused, there is no status.
    with Receiver() as closed:
        url = closed.url
    hook, _secret = api_services.add_webhook(actor=owner, owner=community, target_url=url, events=["message.created"])
    webhooks.deliver_webhook.call(webhook_id=hook.pk, event="message.created", body="{}", delivery_id="d-1")
    failed = WebhookDelivery.objects.get(webhook=hook)
    assert failed.status_code is None and not failed.ok and failed.error and failed.attempt == 1
    for n in range(webhooks.DELIVERIES_KEPT + 5):
        webhooks.record_attempt(
            hook, delivery_id=f"d-{n}", event="message.created", attempt=1, status=200, error="", duration_ms=3
        )
    kept = WebhookDelivery.objects.filter(webhook=hook)
    assert kept.count() == webhooks.DELIVERIES_KEPT
    assert not kept.filter(pk=failed.pk).exists()  # the oldest went first
    assert kept.order_by("-pk").first().delivery_id == f"d-{webhooks.DELIVERIES_KEPT + 4}"  # type: ignore[union-attr]


def test_the_delivery_log_says_in_words_why_there_was_no_answer(client: Any, make_user: Any) -> None:
    owner = make_user(name="Olga")
    community = forum_services.create_community(
        actor=owner, name="Open kring", kind="hub", description="d", waaromvraag="w", visibility="open"
    )
    hook = Webhook.objects.create(community=community, target_url="https://hooks.example.test/k", events=[], secret="s")
    for n, error in enumerate(("refused: private_address", "timeout after 10 s", "[Errno 111] Connection refused")):
        webhooks.record_attempt(
            hook, delivery_id=f"d-{n}", event="lesson.published", attempt=n + 1, status=0, error=error, duration_ms=1500
        )
    client.force_login(owner)
    page = client.get("/profiel/webhooks/").content.decode()
    section = page[page.index("webhook-deliveries") :]
    for words in (
        "Niet verstuurd",
        "Kring stuurt niets naar dit adres.",
        "Geen antwoord",
        "Het andere systeem antwoordde niet op tijd.",
        "Geen verbinding",
        "Kring kon het adres niet bereiken.",
        "1,5 seconden",
    ):
        assert words in section, words
    for raw in ("lesson.published", "refused:", "timeout after", "Errno", "1500 ms"):
        assert raw not in section, raw
    # Times as the rest of Kring shows them: a <time> with the exact moment, the words for people.
    assert section.count("<time datetime=") == 3


def test_a_quick_answer_is_not_shown_as_zero_seconds(client: Any, make_user: Any) -> None:
    owner = make_user(name="Olga")
    community = forum_services.create_community(
        actor=owner, name="Open kring", kind="hub", description="d", waaromvraag="w", visibility="open"
    )
    hook = Webhook.objects.create(community=community, target_url="https://hooks.example.test/k", events=[], secret="s")
    webhooks.record_attempt(
        hook, delivery_id="d", event="lesson.published", attempt=1, status=204, error="", duration_ms=40
    )
    client.force_login(owner)
    page = client.get("/profiel/webhooks/").content.decode()
    section = page[page.index("webhook-deliveries") :]
    assert "minder dan 0,1 seconde" in section and "0,0 seconden" not in section
