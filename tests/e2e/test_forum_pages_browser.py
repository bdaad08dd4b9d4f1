"""The forum's other pages at 360 and 1280 px: directory, community, members, moderation,
notifications. No sideways scrolling, axe-core 0, filters before the cards on a phone."""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from forum import services
from forum.models import Community, Membership, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [360, 1280]
# FORUM_PAGES_SHOTS=/some/dir keeps a screenshot of every page and width, to look at.
SHOTS = os.environ.get("FORUM_PAGES_SHOTS")


def _overflow(page: Any) -> int:
    """How far the page is wider than the viewport (0: no sideways scrolling)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def _shot(page: Any, name: str, width: int) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


@pytest.fixture
def world(make_user):  # type: ignore[no-untyped-def]
    olga = make_user(name="Olga Oosterhuis")
    people = [
        make_user(name=f"{first} {last}")
        for first, last in [
            ("Sanne", "de Vries-van der Wetering"),
            ("Henk", "Hoekstra"),
            ("Piet", "Pietersen"),
            ("Mila", "Martens"),
        ]
    ]

    def setup():  # type: ignore[no-untyped-def]
        community = services.create_community(
            actor=olga,
            name="Centre of Expertise Zorg en Technologie Noord-Nederland",
            kind="centre_of_expertise",
            scope="national",
            description="Zorgprofessionals, studenten en onderzoekers leren samen over technologie in de zorg.",
            waaromvraag="Hoe helpt technologie zorgverleners om langer gezond te werken?",
        )
        for kind, scope in [("living_lab", "international"), ("fieldlab", "regional"), ("innovatielab", "national")]:
            services.create_community(
                actor=olga, name=f"Kring {kind.title()}", kind=kind, scope=scope, description="d", waaromvraag="Waarom?"
            )
        for person in people:
            Membership.objects.create(community=community, user=person, role=Role.MEMBER, state="active")
        room = community.rooms.get()
        topic = services.create_topic(
            actor=olga, room=room, title="Zorgrobots in de praktijk", body="Wie heeft ervaring?"
        )
        for person in people:
            services.post_message(
                actor=person, topic=topic, body="@**Olga Oosterhuis** ik heb ervaring", client_id=uuid.uuid4()
            )
        message = topic.messages.order_by("seq").last()
        services.hide_message(actor=olga, message=message, hidden=True)
        services.mute_member(actor=olga, community=community, user=people[0], minutes=60, reason="Even rustig aan")
        archive = services.create_room(
            actor=olga, community=community, name="Archief met een heel lange naam voor ruimtes"
        )
        services.move_topic(actor=olga, topic=topic, room=archive)
        return Community.objects.get(pk=community.pk)

    with ThreadPoolExecutor(1) as pool:
        community = pool.submit(setup).result()
    return {"olga": olga, "community": community, "people": people}


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_fit_the_screen_and_pass_axe(open_page, world, width) -> None:  # type: ignore[no-untyped-def]
    facilitator = open_page()
    facilitator.page.set_viewport_size({"width": width, "height": 800})
    facilitator.use_session_of(world["olga"])
    slug = world["community"].slug
    pages = {
        "directory": "/gemeenschappen/",
        "directory-filtered": "/gemeenschappen/?kind=centre_of_expertise&scope=national",
        "community": f"/gemeenschappen/{slug}/",
        "members": f"/gemeenschappen/{slug}/leden/",
        "moderation": f"/gemeenschappen/{slug}/moderatie/",
        "notifications": "/meldingen/",
        "search": "/gemeenschappen/zoeken/?q=ervaring",
    }
    for name, path in pages.items():
        page = facilitator.visit(path)
        _shot(page, name, width)
        assert _overflow(page) <= 0, f"{name} at {width} px is {_overflow(page)} px too wide"

    page = facilitator.visit("/gemeenschappen/")
    filters = page.locator("details.filters")
    cards = page.locator(".community-card").first
    assert filters.bounding_box()["y"] < cards.bounding_box()["y"]  # filters first
    text = page.locator("main").inner_text()
    assert "centre_of_expertise" not in text and "living_lab" not in text and "international" not in text
    if width == 360:
        # Folded on a phone: open it by keyboard, choose, filter.
        assert not page.get_by_label("Soort").is_visible()
        page.locator("details.filters summary").focus()
        page.keyboard.press("Enter")
        assert page.get_by_label("Soort").is_visible()
    page.get_by_label("Soort").select_option(label="Living lab (1)")
    with page.expect_navigation():
        page.get_by_role("button", name="Filters toepassen").click()
    facilitator.check()
    assert page.locator(".community-card").count() == 1
    assert "Soort: Living lab" in page.locator("main").inner_text()

    page = facilitator.visit(f"/gemeenschappen/{slug}/moderatie/")
    log = page.locator("#audit-h + .table-wrap").inner_text()
    assert "Verborgen" in log and "Onderwerp verplaatst" in log and "Gedempt" in log
    assert "move_topic" not in log and "hide" not in log


def test_notification_groups_lead_to_the_message_and_mark_read(open_page, world) -> None:  # type: ignore[no-untyped-def]
    facilitator = open_page()
    facilitator.page.set_viewport_size({"width": 360, "height": 800})
    facilitator.use_session_of(world["olga"])
    page = facilitator.visit("/meldingen/")
    groups = page.locator(".notification-group")
    assert groups.count() == 1  # four mentions in one topic: one group
    link = page.get_by_role("link", name="Mila Martens en 3 anderen noemden je in “Zorgrobots in de praktijk”")
    href = link.get_attribute("href") or ""
    assert "/gemeenschappen/onderwerp/" in href and "#m" in href
    with page.expect_navigation():
        link.click()  # to the group's first unread message
    facilitator.check()
    assert page.url.endswith(href)
    page = facilitator.visit("/meldingen/")
    page.get_by_role("button", name="Markeren als gelezen").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    facilitator.check()
    assert page.locator(".notification-group.is-unread").count() == 0
    assert page.locator(".notification-group").count() == 1
