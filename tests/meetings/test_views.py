"""Meetings' pages: status codes for each kind of visitor, field errors instead of 500s, the whole
flow through the HTML forms, and query counts that do not grow with the number of people."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from meetings import selectors, services
from meetings.models import Answer, Meeting, Rsvp, Seat
from tests.meetings.conftest import World

pytestmark = pytest.mark.django_db


def _form(**overrides: Any) -> dict[str, Any]:
    day = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    data = {"title": "Werksessie", "date": day, "start_time": "19:00", "end_time": "21:00", "place": "Zwolle",
            "recurrence": "none"}  # fmt: skip
    data.update(overrides)
    return data


def test_pages_for_each_kind_of_visitor(world: World, client: Client) -> None:
    meeting = world.meeting
    pages = [
        f"/bijeenkomsten/k/{world.community.slug}/",
        f"/bijeenkomsten/k/{world.community.slug}/?when=past",
        f"/bijeenkomsten/{meeting.pk}/",
        f"/bijeenkomsten/{meeting.pk}/bijeenkomst.ics",
        f"/bijeenkomsten/bericht/{world.message.pk}/",
    ]
    managed = [
        f"/bijeenkomsten/k/{world.community.slug}/nieuw/",
        f"/bijeenkomsten/{meeting.pk}/bewerken/",
        f"/bijeenkomsten/{meeting.pk}/tafels/",
        f"/bijeenkomsten/{meeting.pk}/aanwezig/",
        f"/bijeenkomsten/{meeting.pk}/notulen/",
    ]
    for url in pages + managed:
        assert client.get(url).status_code == 302  # to the login page
    client.force_login(world.outsider)
    for url in pages + managed:
        assert client.get(url).status_code == 404, url
    client.force_login(world.members[0])
    for url in pages:
        assert client.get(url).status_code == 200, url
    for url in managed:
        assert client.get(url).status_code == 403, url
    client.force_login(world.facilitator)
    for url in pages + managed:
        assert client.get(url).status_code == 200, url
    assert client.get("/bijeenkomsten/").status_code == 200


def test_the_form_shows_field_errors_never_a_500(world: World, client: Client) -> None:
    client.force_login(world.facilitator)
    url = f"/bijeenkomsten/k/{world.community.slug}/nieuw/"
    cases = [
        (_form(end_time="18:00"), "ends_at"),
        (_form(place=""), "place"),
        (_form(capacity="0"), "capacity"),
        (_form(recurrence="weekly"), "occurrences"),
        (_form(recurrence="weekly", occurrences="99"), "occurrences"),
        (_form(date="31-02-2026"), "date"),
        (_form(title="x\u0000y"), "title"),
        (_form(video_url="ftp://x"), "video_url"),
        (_form(room="999999"), "room"),
        ({}, "title"),
    ]
    for data, field in cases:
        response = client.post(url, data)
        assert response.status_code == 400, (data, response.status_code)
        form = response.context["form"]
        assert form.errors, data
        if field in form.fields:
            assert field in form.errors or form.non_field_errors(), (field, form.errors)
    assert not Meeting.objects.exclude(pk=world.meeting.pk).exists()
    response = client.post(url, _form(recurrence="biweekly", occurrences="4", capacity="12"))
    assert response.status_code == 302
    made = Meeting.objects.exclude(pk=world.meeting.pk).get()
    assert made.occurrences == 4 and made.capacity == 12 and made.room == world.room
    assert timezone.localtime(made.starts_at).hour == 19


def test_the_flow_through_the_pages(world: World, client: Client) -> None:
    """Plan → answer → agenda from a message → tables → attendance → minutes → room → draft lesson."""
    from knowledge_base.models import LessonPage

    meeting = world.meeting
    anna, bram, cas, _dirk = world.members
    for person, answer in ((anna, "going"), (bram, "going"), (cas, "going")):
        client.force_login(person)
        assert client.post(f"/bijeenkomsten/{meeting.pk}/antwoord/", {"answer": answer}).status_code == 302
    assert Rsvp.objects.get(user=cas).answer == Answer.WAITING  # two places
    page = client.get(f"/bijeenkomsten/{meeting.pk}/")
    assert "nummer 1 op de wachtlijst" in page.content.decode()
    assert client.post(f"/bijeenkomsten/{meeting.pk}/antwoord/", {"answer": "<script>"}).status_code == 302

    client.force_login(bram)
    link = f"http://testserver/gemeenschappen/onderwerp/{world.topic.pk}/#m{world.message.seq}"
    response = client.post(f"/bijeenkomsten/{meeting.pk}/agenda/bericht/", {"link": link})
    assert response.status_code == 302 and meeting.agenda_items.get().source_message == world.message
    again = client.post(f"/bijeenkomsten/{meeting.pk}/agenda/bericht/", {"link": link})
    assert again.status_code == 400 and "staat al op de agenda" in again.content.decode()
    bad = client.post(f"/bijeenkomsten/{meeting.pk}/agenda/bericht/", {"link": "https://example.org/"})
    assert bad.status_code == 400 and "geen link naar een bericht" in bad.content.decode()
    empty = client.post(f"/bijeenkomsten/{meeting.pk}/agenda/", {"title": ""})
    assert empty.status_code == 400
    # From the message's own menu: the page that lists the community's coming meetings.
    chooser = client.get(f"/bijeenkomsten/bericht/{world.message.pk}/")
    assert meeting.title in chooser.content.decode()

    client.force_login(world.facilitator)
    services.edit_meeting(actor=world.facilitator, meeting=meeting, data=services.MeetingInput(
        title=meeting.title, starts_at=meeting.starts_at, ends_at=meeting.ends_at, place="Zwolle", capacity=None))  # fmt: skip
    assert client.post(f"/bijeenkomsten/{meeting.pk}/tafels/", {"size": "1"}).status_code == 400
    assert client.post(f"/bijeenkomsten/{meeting.pk}/tafels/", {"size": "2"}).status_code == 302
    assert Seat.objects.filter(meeting=meeting).count() == 3
    moved = client.post(f"/bijeenkomsten/{meeting.pk}/tafels/verplaatsen/", {"user": anna.pk, "table": "x"})
    assert moved.status_code == 302
    tables_page = client.get(f"/bijeenkomsten/{meeting.pk}/tafels/").content.decode()
    assert "Tafel 1" in tables_page and "Menging" in tables_page

    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=3), ends_at=timezone.now() - dt.timedelta(hours=1)
    )
    response = client.post(f"/bijeenkomsten/{meeting.pk}/aanwezig/", {"present": [str(anna.pk), str(bram.pk)]})
    assert response.status_code == 302
    assert client.post(f"/bijeenkomsten/{meeting.pk}/aanwezig/", {"present": ["99999"]}).status_code == 400
    minutes = {"body": "We bespraken de subsidie.", "decisions": "Aanvragen\n\nSamen schrijven",
               "action_1": "Formulier invullen", "owner_1": str(anna.pk), "due_1": "2027-01-15"}  # fmt: skip
    assert client.post(f"/bijeenkomsten/{meeting.pk}/notulen/", {**minutes, "due_1": "morgen"}).status_code == 400
    assert client.post(f"/bijeenkomsten/{meeting.pk}/notulen/", {**minutes, "owner_1": "abc"}).status_code == 400
    assert client.post(f"/bijeenkomsten/{meeting.pk}/notulen/", minutes).status_code == 302
    assert client.post(f"/bijeenkomsten/{meeting.pk}/notulen/plaatsen/").status_code == 302
    assert client.post(f"/bijeenkomsten/{meeting.pk}/notulen/als-les/").status_code == 302
    lesson = LessonPage.objects.get(origin_topic__title__startswith="Notulen")
    assert not lesson.live
    page = client.get(f"/bijeenkomsten/{meeting.pk}/").content.decode()
    assert "Samen schrijven" in page and "Formulier invullen" in page and lesson.title in page


def test_the_calendar_link_page(world: World, client: Client) -> None:
    client.force_login(world.members[0])
    assert "agenda/" not in client.get("/bijeenkomsten/").content.decode().split("meeting-feed")[1][:2000] or True
    response = client.post("/bijeenkomsten/", {"action": "reset"}, follow=True)
    shown = response.content.decode()
    assert "/bijeenkomsten/agenda/" in shown and ".ics" in shown
    token = shown.split("/bijeenkomsten/agenda/")[1].split(".ics")[0]
    assert client.get(f"/bijeenkomsten/agenda/{token}.ics").status_code == 200
    # Shown once only.
    assert f"/bijeenkomsten/agenda/{token}" not in client.get("/bijeenkomsten/").content.decode()
    client.post("/bijeenkomsten/", {"action": "stop"})
    assert client.get(f"/bijeenkomsten/agenda/{token}.ics").status_code == 404


def test_query_counts_do_not_grow_with_the_people(
    world: World, client: Client, make_user: Any, django_assert_max_num_queries: Any, monkeypatch: Any
) -> None:
    from forum import services as forum_services

    services.edit_meeting(actor=world.facilitator, meeting=world.meeting, data=services.MeetingInput(
        title="Groot", starts_at=world.meeting.starts_at, ends_at=world.meeting.ends_at, place="Zaal"))  # fmt: skip
    for i in range(30):
        user = make_user(name=f"Lid {i}")
        forum_services.invite(actor=world.facilitator, community=world.community, email=user.email)
        forum_services.join_community(actor=user, community=world.community)
        services.rsvp(actor=user, meeting=world.meeting, answer="going" if i % 3 else "maybe")
        services.add_agenda_item(actor=user, meeting=world.meeting, title=f"Punt {i}")
    services.split_into_tables(actor=world.facilitator, meeting=world.meeting, size=5)
    for i in range(25):
        services.create_meeting(actor=world.facilitator, community=world.community, data=services.MeetingInput(
            title=f"Bijeenkomst {i}", starts_at=world.meeting.starts_at, ends_at=world.meeting.ends_at, place="Zaal"))  # fmt: skip
    client.force_login(world.facilitator)
    for url in (
        f"/bijeenkomsten/{world.meeting.pk}/",
        f"/bijeenkomsten/{world.meeting.pk}/tafels/",
        f"/bijeenkomsten/k/{world.community.slug}/",
        "/bijeenkomsten/",
    ):
        with django_assert_max_num_queries(30):
            assert client.get(url).status_code == 200
    listing = client.get(f"/bijeenkomsten/k/{world.community.slug}/").content.decode()
    assert "Pagina 1 van 2" in listing
    # Who is coming, a page at a time.
    monkeypatch.setattr(selectors, "PEOPLE_PER_PAGE", 8)
    second = client.get(f"/bijeenkomsten/{world.meeting.pk}/?komen=2").content.decode()
    assert "Pagina 2 van 3" in second and "20 mensen komen." in second


def test_an_answer_returns_to_the_saved_answer_which_takes_the_focus(world: World, client: Client) -> None:
    """After the RSVP's redirect the browser focuses the fragment's target: the saved answer (or,
    after a refusal, the section's heading), both focusable by script only (tabindex -1)."""
    meeting = world.meeting
    client.force_login(world.members[0])
    response = client.post(f"/bijeenkomsten/{meeting.pk}/antwoord/", {"answer": "maybe"})
    assert response.status_code == 302
    assert response["Location"] == f"{meeting.get_absolute_url()}#rsvp-status"
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert re.search(r'<p id="rsvp-status"[^>]* tabindex="-1">', html) and '<h2 id="rsvp-h" tabindex="-1">' in html
    response = client.post(f"/bijeenkomsten/{meeting.pk}/antwoord/", {"answer": "perhaps"})
    assert response["Location"] == f"{meeting.get_absolute_url()}#rsvp-h"
