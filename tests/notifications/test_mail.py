"""Notification mail against a real SMTP server: batched, never what was read in the app, both
parts in the recipient's language, absolute links, one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

import datetime as dt
import importlib
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from forum import services as forum_services
from forum.models import Message, Room
from notifications import services
from notifications.models import KindSetting, Notification, NotificationKind, Preferences
from notifications.services import mail as mail_service

pytestmark = pytest.mark.django_db


def _post(user: Any, topic: Any, body: str) -> Message:
    return forum_services.post_message(actor=user, topic=topic, body=body, client_id=uuid.uuid4())


@pytest.fixture
def scene(make_community: Any, make_user: Any, add_member: Any, owner: Any) -> dict[str, Any]:
    community = make_community()
    sanne = make_user(name="Sanne Smit")
    add_member(community, sanne)
    topic = forum_services.create_topic(actor=owner, room=community.rooms.get(), title="Warmtepomp", body="Wie?")
    return {"owner": owner, "sanne": sanne, "topic": topic, "community": community}


def _parts(message: Any) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_a_mention_arrives_with_both_parts_absolute_links_and_one_click_unsubscribe(
    scene: dict[str, Any], smtp: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner, sanne, topic = scene["owner"], scene["sanne"], scene["topic"]
    with django_capture_on_commit_callbacks(execute=True):  # the immediate task backend: mailed at once
        message = _post(sanne, topic, "@**Olga Owner** kijk even")
    [mail] = smtp.wait(1)
    assert mail["To"] == owner.email
    assert "1 nieuwe melding" in mail["Subject"]  # Dutch: the site's language (the account keeps none)
    text, html = _parts(mail)
    link = f"https://kring.example/gemeenschappen/onderwerp/{topic.pk}/#m{message.seq}"
    assert "Sanne Smit noemde je in “Warmtepomp”" in text and link in text
    assert f'href="{link}"' in html
    assert 'href="/' not in html  # every link absolute
    unsubscribe = mail["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith("https://kring.example/meldingen/afmelden/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Notification.objects.get(user=owner, kind=NotificationKind.MENTION).emailed_at is not None

    # One click (a mail client's POST: no cookie, no CSRF token) turns mentions by mail off.
    client = Client(enforce_csrf_checks=True)
    path = unsubscribe.removeprefix("https://kring.example")
    assert client.get(path).status_code == 200  # a confirm page, nothing changed yet
    assert not KindSetting.objects.filter(user=owner).exists()
    response = client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    setting = KindSetting.objects.get(user=owner, kind=NotificationKind.MENTION)
    assert (setting.app, setting.email) == (True, False)
    with django_capture_on_commit_callbacks(execute=True):
        _post(sanne, topic, "@**Olga Owner** nog eens")
    assert len(smtp.messages) == 1  # still shown in the app, no longer mailed
    assert Notification.objects.filter(user=owner, kind=NotificationKind.MENTION, mail_due=False).count() == 1
    tampered = path[:-5] + "xxxx/"
    assert (
        client.post(
            tampered, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 404
    )
    assert client.post(path).status_code == 403  # the page's own button needs the CSRF token


def test_the_mail_is_in_the_recipients_language(
    scene: dict[str, Any], smtp: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    scene["owner"].language = "en"  # the member's own choice (accounts.User.language)
    scene["owner"].save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        _post(scene["sanne"], scene["topic"], "@**Olga Owner** look")
    [mail] = smtp.wait(1)
    assert "1 new notification" in mail["Subject"]
    text, html = _parts(mail)
    assert "Sanne Smit mentioned you in “Warmtepomp”" in text and "mentioned you" in html
    assert "Unsubscribe: https://kring.example/meldingen/afmelden/" in text  # the shared footer, in English


def _mail_replies(user: Any) -> None:
    KindSetting.objects.create(user=user, kind=NotificationKind.REPLY, app=True, email=True, push=False)


def test_a_busy_topic_gives_one_mail_not_twenty(
    scene: dict[str, Any], smtp: Any, make_user: Any, add_member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner, topic = scene["owner"], scene["topic"]
    _mail_replies(owner)
    _post(owner, topic, "Mijn vraag")
    people = [make_user(name=f"Lid {i}") for i in range(12)]
    for person in people:
        add_member(scene["community"], person)
    # Not committed yet (the job would run at once on the immediate backend): the batch job is
    # called directly, as the worker calls it MAIL_DELAY after the first notification.
    _post(people[0], topic, "antwoord 0 @**Olga Owner**")  # a mention: mailed by default
    for i, person in enumerate(people[1:], 1):
        _post(person, topic, f"antwoord {i}")  # replies collapse: one unread per topic
        _post(scene["sanne"], topic, f"@**Olga Owner** vraag {i}")
    due = Notification.objects.filter(user=owner, mail_due=True, emailed_at__isnull=True).count()
    assert due >= 12
    with django_capture_on_commit_callbacks(execute=True):
        told = services.send_batch(user_id=owner.pk)
    assert told == due
    [mail] = smtp.wait(1)
    text, _html = _parts(mail)
    assert text.count("https://kring.example/gemeenschappen/onderwerp/") == told
    assert not Notification.objects.filter(user=owner, mail_due=True, emailed_at__isnull=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_batch(user_id=owner.pk) == 0  # nothing twice
    assert len(smtp.messages) == 1


def test_the_first_unmailed_notification_schedules_the_job_once(
    scene: dict[str, Any], monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    notify_module = importlib.import_module("notifications.services.notify")
    scheduled: list[list[int]] = []
    monkeypatch.setattr(notify_module, "schedule", lambda ids: scheduled.append(list(ids)))
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(5):
            _post(scene["sanne"], scene["topic"], f"@**Olga Owner** {i}")
    assert scheduled == [[scene["owner"].pk]]


def test_read_in_the_app_is_not_mailed(
    scene: dict[str, Any], smtp: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner, sanne, topic = scene["owner"], scene["sanne"], scene["topic"]
    first = _post(sanne, topic, "@**Olga Owner** een")
    Notification.objects.filter(user=owner).update(read_at=timezone.now())  # marked read in the list
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_batch(user_id=owner.pk) == 0
    second = _post(sanne, topic, "@**Olga Owner** twee")
    # The topic read past the message (the conversation view marks read while scrolling).
    forum_services.mark_read(actor=owner, room=Room.objects.get(pk=topic.room_id), seq=second.seq)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_batch(user_id=owner.pk) == 0
    assert smtp.messages == [] and first.seq < second.seq
    assert not Notification.objects.filter(user=owner, mail_due=True, emailed_at__isnull=True).exists()


def test_quiet_hours_hold_the_mail_until_they_end(
    scene: dict[str, Any], smtp: Any, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = scene["owner"]
    local = timezone.localtime()
    start = (local - dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (local + dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    Preferences.objects.create(user=owner, quiet_from=start, quiet_until=end)
    requeued: list[tuple[int, Any]] = []
    monkeypatch.setattr(mail_service, "_enqueue", lambda uid, when: requeued.append((uid, when)))
    _post(scene["sanne"], scene["topic"], "@**Olga Owner** 's nachts")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_batch(user_id=owner.pk) == 0
    assert smtp.messages == []
    [(uid, when)] = requeued
    assert uid == owner.pk and timezone.localtime(when).time() == end
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_batch(user_id=owner.pk, now=when + dt.timedelta(seconds=1)) == 1
    assert len(smtp.wait(1)) == 1
