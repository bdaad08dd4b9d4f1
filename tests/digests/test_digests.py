"""Digests on a seeded week: the content, nothing when nothing happened, nobody who visited."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, Sector, User
from digests import services
from digests.models import DigestSettings, Frequency
from forum import services as forum
from forum.models import Room
from mentoring.models import Relationship, Status
from mentoring.models import Session as MentoringSession

pytestmark = pytest.mark.django_db


def _org(name: str) -> Organisation:
    return Organisation.objects.create(name=name, slug=name.lower().replace(" ", "-"), kind="knowledge_institution")


def _away(user: User, days: int = 10) -> None:
    User.objects.filter(pk=user.pk).update(last_seen_at=timezone.now() - timedelta(days=days))
    user.refresh_from_db()


@pytest.fixture
def week(make_user: Any, make_community: Any, add_member: Any, owner: Any) -> dict[str, Any]:
    """A community where people of three organisations talked this week in one topic and people
    of one organisation in another; the reader was away all week."""
    community = make_community()
    room = Room.objects.filter(community=community).first()
    assert room is not None
    reader = make_user(name="Rita Reader", email="rita@example.test")
    add_member(community, reader)
    _away(reader)
    orgs = [_org("Hogeschool Utrecht"), _org("Installatiebedrijf Noord"), _org("Gemeente Zwolle")]
    people = []
    for index, org in enumerate(orgs):
        person = make_user(name=f"Person {index}")
        person.profile.organisation = org
        person.profile.save()
        add_member(community, person)
        people.append(person)
    busy = forum.create_topic(actor=people[0], room=room, title="Warmtepompen in oude huizen", body="Wie weet meer?")
    for person in people[1:]:
        forum.post_message(actor=person, topic=busy, body="Ik!", client_id=uuid.uuid4())
    quiet = forum.create_topic(actor=people[0], room=room, title="Koffie op vrijdag", body="Wie komt er?")
    forum.post_message(actor=people[0], topic=quiet, body="Ik neem koek mee.", client_id=uuid.uuid4())
    return {"community": community, "reader": reader, "busy": busy, "quiet": quiet, "people": people}


def _send(django_capture_on_commit_callbacks: Any) -> list[Any]:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_digests()
    return list(mail.outbox)


def test_the_digest_of_a_seeded_week(
    week: dict[str, Any], make_lesson: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://kring.example.nl"
    reader = week["reader"]
    energie = Sector.objects.first()
    reader.profile.sectors.set([energie])
    make_lesson("Begin bij de waaromvraag", sectors=[energie])
    make_lesson("Een les over iets anders", sectors=[Sector.objects.exclude(pk=energie.pk).first()])

    # A mentoring session the day after tomorrow, and one last month that is not upcoming.
    partner = week["people"][1]
    a, b = sorted([reader, partner], key=lambda u: u.pk)
    pair = Relationship.objects.create(person_a=a, person_b=b, status=Status.ACTIVE)
    MentoringSession.objects.create(relationship=pair, held_on=timezone.localdate() + timedelta(days=2))
    MentoringSession.objects.create(relationship=pair, held_on=timezone.localdate() - timedelta(days=30))

    sent = [m for m in _send(django_capture_on_commit_callbacks) if m.to == ["rita@example.test"]]
    assert len(sent) == 1
    message = sent[0]
    text = message.body
    html = message.alternatives[0][0]
    # The busiest conversation across organisations comes first; the one-organisation chat second.
    assert text.index("Warmtepompen in oude huizen") < text.index("Koffie op vrijdag")
    assert "3 organisaties" in text
    assert "Begin bij de waaromvraag" in text and "Een les over iets anders" not in text
    assert (
        f"https://kring.example.nl/gemeenschappen/onderwerp/{week['busy'].pk}/" in html
        or "https://kring.example.nl/" in html
    )
    assert all(link.startswith("https://kring.example.nl/") for link in _links(text))
    assert "Komende mentoringsessies" in text and "met Person 1" in text
    assert text.count("met Person 1") == 1  # the past session is not listed
    # One-click unsubscribe (RFC 8058).
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<https://kring.example.nl/samenvatting/uitschrijven/")
    # Sent once: a second run in the same week sends nothing.
    assert not [m for m in _send(django_capture_on_commit_callbacks) if m.to == ["rita@example.test"]]


def _links(text: str) -> list[str]:
    import re

    return re.findall(r"https?://\S+", text)


def test_nothing_is_sent_when_nothing_happened(
    make_user: Any, make_community: Any, add_member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    reader = make_user(email="stil@example.test")
    add_member(make_community(), reader)
    _away(reader)
    assert not [m for m in _send(django_capture_on_commit_callbacks) if m.to == ["stil@example.test"]]
    assert DigestSettings.objects.filter(user=reader, last_sent_at__isnull=False).count() == 0


def test_a_member_who_visited_gets_no_digest(week: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    reader = week["reader"]
    User.objects.filter(pk=reader.pk).update(last_seen_at=timezone.now() - timedelta(hours=3))
    assert not [m for m in _send(django_capture_on_commit_callbacks) if m.to == ["rita@example.test"]]


def test_off_means_no_digest_and_daily_is_possible(
    week: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    reader = week["reader"]
    services.set_frequency(actor=reader, frequency=Frequency.OFF)
    assert not [m for m in _send(django_capture_on_commit_callbacks) if m.to == ["rita@example.test"]]
    services.set_frequency(actor=reader, frequency=Frequency.DAILY)
    (daily,) = [m for m in _send(django_capture_on_commit_callbacks) if m.to == ["rita@example.test"]]
    assert "dag" in daily.subject


def test_the_settings_page_and_one_click_unsubscribe(
    week: dict[str, Any], client: Any, django_assert_max_num_queries: Any
) -> None:
    reader = week["reader"]
    client.force_login(reader)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("digests:settings")).status_code == 200
    assert client.post(reverse("digests:settings"), {"frequency": "daily"}).status_code == 302
    assert DigestSettings.objects.get(user=reader).frequency == "daily"
    assert client.post(reverse("digests:settings"), {"frequency": "hourly"}).status_code == 400
    client.logout()
    url = reverse("digests:unsubscribe", args=[services.unsubscribe_token(reader)])
    assert client.get(url).status_code == 200
    assert DigestSettings.objects.get(user=reader).frequency == "daily"  # a GET (a link scanner) changes nothing
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url).status_code == 403  # the page's button needs its CSRF token
    assert DigestSettings.objects.get(user=reader).frequency == "daily"
    # The mail provider's one-click POST (RFC 8058) needs no session and no token.
    assert strict.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert DigestSettings.objects.get(user=reader).frequency == "off"
    assert client.post(reverse("digests:unsubscribe", args=["forged"])).status_code == 404


def test_the_digest_costs_a_bounded_number_of_queries(
    week: dict[str, Any], make_user: Any, add_member: Any, django_assert_max_num_queries: Any
) -> None:
    """Ten more people talking in ten more topics do not make the digest cost more queries."""
    from digests import selectors

    reader = week["reader"]
    since, now = timezone.now() - timedelta(days=7), timezone.now()
    room = Room.objects.filter(community=week["community"]).first()
    for index in range(10):
        person = make_user(name=f"Extra {index}")
        add_member(week["community"], person)
        forum.create_topic(actor=person, room=room, title=f"Onderwerp {index}", body="Hallo")
    with django_assert_max_num_queries(8):
        content = selectors.digest_content(user=reader, since=since, now=now)
    assert len(content["conversations"]) == selectors.CONVERSATIONS
