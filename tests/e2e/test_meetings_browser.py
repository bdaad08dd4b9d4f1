"""Meetings end to end in Chromium: a facilitator plans a meeting → members say they come →
a member puts a message on the agenda from the message's own menu → the facilitator makes tables
and moves someone → writes the minutes with a decision and an action item → posts them in the
room → proposes them as a draft lesson. Axe on every page; the .ics read by ical.js."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from tests.peers.ical import parse_ics

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kring(make_user: Any) -> dict[str, Any]:
    from accounts.models import Organisation
    from forum import services as forum_services

    facilitator = make_user(name="Fenna Begeleider", email="fenna@example.test")
    community = forum_services.create_community(
        actor=facilitator, name="Warmtekring Zwolle", kind="kenniskring", description="Warmte.", waaromvraag="Samen."
    )
    orgs = [Organisation.objects.create(name=f"School {i}", slug=f"school-{i}", kind="school_mbo") for i in range(3)]
    members = []
    for i, name in enumerate(["Anna Smit", "Bram Kok", "Cas Mulder", "Dirk Visser", "Eva Bos", "Fien Jansen"]):
        user = make_user(name=name, email=f"lid{i}@example.test")
        user.profile.organisation = orgs[i % 3]
        user.profile.save()
        forum_services.join_community(actor=user, community=community)
        members.append(user)
    room = community.rooms.get()
    topic = forum_services.create_topic(actor=members[1], room=room, title="Warmtepomp in een oud huis")
    message = forum_services.post_message(
        actor=members[1], topic=topic, body="Wie weet hoe je een oud huis goed isoleert?", client_id=uuid.uuid4()
    )
    return {"facilitator": facilitator, "community": community, "members": members, "topic": topic, "message": message}


def test_plan_answer_agenda_tables_minutes_lesson(open_page: Any, kring: dict[str, Any]) -> None:
    from knowledge_base.models import LessonPage
    from meetings import services
    from meetings.models import Meeting, Seat

    community, members = kring["community"], kring["members"]
    # The facilitator plans a hybrid meeting from the community's meetings page; a wrong end time
    # first shows beside its field.
    fenna = open_page()
    fenna.use_session_of(kring["facilitator"])
    page = fenna.visit(community.get_absolute_url())
    page.get_by_role("link", name="Bijeenkomsten").click()
    fenna.check()
    page.get_by_role("link", name="Bijeenkomst plannen").click()
    fenna.check()
    day = dt.date.today() + dt.timedelta(days=14)
    page.get_by_label("Titel").fill("Kringavond isoleren")
    page.get_by_label("Datum").fill(day.isoformat())
    page.get_by_label("Van:", exact=True).fill("19:00")
    page.get_by_label("Tot:", exact=True).fill("18:00")
    page.get_by_label("Plaats:", exact=True).fill("Buurthuis De Kring, Zwolle")
    page.get_by_label("Videolink").fill("https://meet.example.test/isoleren")
    page.get_by_label("Aantal plaatsen").fill("5")
    page.get_by_role("button", name="Bijeenkomst plannen").click()
    fenna.check()
    assert "De bijeenkomst moet eindigen na het begin." in page.locator("main").inner_text()
    page.get_by_label("Tot:", exact=True).fill("21:00")
    page.get_by_role("button", name="Bijeenkomst plannen").click()
    fenna.check()
    meeting = Meeting.objects.get()
    assert page.url.endswith(meeting.get_absolute_url())
    ics = page.request.get(
        fenna.base_url + page.get_by_role("link", name="In mijn agenda zetten").get_attribute("href")
    )
    event = parse_ics(ics.body())["events"][0]
    assert event["summary"] == "Kringavond isoleren" and event["timezone"] == "Europe/Amsterdam"
    assert event["location"] == "Buurthuis De Kring, Zwolle, https://meet.example.test/isoleren"

    # Anna says she comes; four more do (through the service), the sixth lands on the waiting list.
    anna = open_page()
    anna.use_session_of(members[0])
    page = anna.visit(meeting.get_absolute_url())
    page.get_by_role("button", name="Ik kom", exact=True).click()
    anna.check()
    assert page.get_by_role("button", name="Ik kom", exact=True).get_attribute("aria-pressed") == "true"
    for member in members[1:5]:
        services.rsvp(actor=member, meeting=meeting, answer="going")
    assert services.rsvp(actor=members[5], meeting=meeting, answer="going").answer == "waiting"

    # Anna puts Bram's message on the agenda from the message's menu.
    page = anna.visit(kring["topic"].get_absolute_url())
    message = page.locator(f'article.message[data-message-id="{kring["message"].pk}"]')
    message.hover()
    page.locator("[data-message-toolbar]").get_by_role("button", name="Op de agenda zetten").click()
    page.get_by_role("heading", name="Op de agenda zetten").wait_for()
    anna.check()
    page.get_by_label("Kringavond isoleren").check()
    page.get_by_role("button", name="Op de agenda zetten").click()
    anna.check()
    agenda = page.locator(".agenda-list")
    assert "Wie weet hoe je een oud huis goed isoleert?" in agenda.inner_text()
    assert agenda.get_by_role("link", name="naar het bericht").count() == 1

    # The facilitator makes tables of two (the organisations mixed) and moves Anna to table 3.
    page = fenna.visit(meeting.get_absolute_url())
    page.get_by_role("link", name="Tafels maken").first.click()
    fenna.check()
    page.get_by_label("Mensen per tafel").fill("2")
    page.get_by_role("button", name="Tafels maken").click()
    fenna.check()
    assert page.locator(".table-grid > li").count() == 3
    seats = {s.user_id: s.table for s in Seat.objects.filter(meeting=meeting)}
    assert sorted(seats) == sorted(m.pk for m in members[:5])
    for table in set(seats.values()):
        together = [m for m in members[:5] if seats[m.pk] == table]
        orgs = [m.profile.organisation_id for m in together]
        assert len(set(orgs)) == len(orgs), "a table of two never seats two people of one organisation here"
    target = 3 if seats[members[0].pk] != 3 else 1
    page.get_by_label("Tafel voor Anna Smit").select_option(str(target))
    page.locator(".seat-list > li", has_text="Anna Smit").get_by_role("button", name="Verplaatsen").click()
    fenna.check()
    assert Seat.objects.get(meeting=meeting, user=members[0]).table == target

    # Minutes with a decision and an action item, posted in the room, proposed as a draft lesson.
    page.get_by_role("link", name="Notulen schrijven").click()
    fenna.check()
    page.get_by_label("Wat er besproken is").fill("We bespraken isoleren van oude huizen.")
    page.get_by_label("Besluiten").fill("We maken samen een checklist")
    page.get_by_label("Actiepunt 1: wat").fill("Checklist opstellen")
    page.get_by_label("Actiepunt 1: wie").select_option(label="Bram Kok")
    page.get_by_label("Actiepunt 1: wanneer klaar").fill((day + dt.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Notulen opslaan").click()
    fenna.check()
    minutes = page.locator("main")
    assert "We maken samen een checklist" in minutes.inner_text() and "Bram Kok" in minutes.inner_text()
    page.get_by_role("button", name="In de ruimte plaatsen").click()
    fenna.check()
    page.get_by_role("button", name="Voorstellen als les").click()
    fenna.check()
    lesson = LessonPage.objects.get()
    assert not lesson.live and lesson.origin_topic is not None
    assert f"Voorgesteld als concept-les “{lesson.title}”" in page.locator("main").inner_text()
    page.get_by_role("link", name="Praat over de notulen in de ruimte").click()
    fenna.check()
    assert "Checklist opstellen (Bram Kok" in page.locator("main").inner_text()


def _tab_to(page: Any, name: str, limit: int = 80) -> None:
    """Press Tab until the button named ``name`` has the focus (keyboard only, like a member would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def _focused(page: Any) -> dict[str, str]:
    return page.evaluate(
        "({id: document.activeElement.id, tag: document.activeElement.tagName,"
        " text: document.activeElement.textContent.trim()})"
    )


def test_after_answering_the_focus_lands_on_the_answer(open_page: Any, kring: dict[str, Any]) -> None:
    """RSVP POST → redirect → a new page: the keyboard is on the saved answer, not on <body>."""
    from meetings import services

    community, members = kring["community"], kring["members"]
    starts = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
    meeting = services.create_meeting(
        actor=kring["facilitator"],
        community=community,
        data=services.MeetingInput(
            title="Kringavond warmte",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            place="Buurthuis De Kring",
            capacity=1,
        ),
    )
    anna = open_page()
    anna.page.set_viewport_size({"width": 360, "height": 640})  # a phone: the page scrolls to the answer
    anna.use_session_of(members[0])
    page = anna.visit(meeting.get_absolute_url())
    _tab_to(page, "Ik kom")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"{meeting.get_absolute_url()}#rsvp-status")
    anna.check()
    focused = _focused(page)
    assert focused["id"] == "rsvp-status", focused
    assert "Ik kom" in focused["text"]
    # The focused answer shows below the sticky top bar, not under it, with the design system's ring.
    ring = page.evaluate(
        "(() => { const s = document.getElementById('rsvp-status'); const st = getComputedStyle(s);"
        " return {top: s.getBoundingClientRect().top,"
        " bar: document.querySelector('.app-header').getBoundingClientRect().bottom,"
        " style: st.outlineStyle, width: st.outlineWidth, padding: st.paddingLeft}; })()"
    )
    assert ring["top"] >= ring["bar"] and ring["style"] == "solid" and ring["width"] == "2px", ring
    assert ring["padding"] != "0px", ring  # room between the ring and the words
    # Full now: Bram lands on the waiting list and hears where he stands.
    bram = open_page()
    bram.use_session_of(members[1])
    page = bram.visit(meeting.get_absolute_url())
    _tab_to(page, "Ik kom")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"{meeting.get_absolute_url()}#rsvp-status")
    bram.check()
    focused = _focused(page)
    assert focused["id"] == "rsvp-status" and "wachtlijst" in focused["text"], focused
    # Changing the answer again keeps the keyboard there.
    _tab_to(page, "Misschien")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    bram.check()
    assert "Misschien" in _focused(page)["text"]
