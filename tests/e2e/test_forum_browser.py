"""Walk-through: directory → request to join → facilitator approves → post with a mention →
the mentioned member sees the notification and the unread count. axe on every page."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from forum import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_join_approve_mention_notification(open_page, make_user) -> None:  # type: ignore[no-untyped-def]
    olga = make_user(name="Olga Oosterhuis")
    eva = make_user(name="Eva Jansen")

    def setup():  # type: ignore[no-untyped-def]
        community = services.create_community(
            actor=olga,
            name="Fieldlab Warmtetransitie",
            kind="fieldlab",
            visibility="on_request",
            description="Installateurs en studenten leren samen.",
            waaromvraag="Samen van het gas af.",
        )
        topic = services.create_topic(
            actor=olga, room=community.rooms.get(), title="Eerste ervaringen", body="Welkom allemaal."
        )
        return community, topic

    with ThreadPoolExecutor(1) as pool:
        community, topic = pool.submit(setup).result()

    member, facilitator = open_page(), open_page()
    member.use_session_of(eva)
    facilitator.use_session_of(olga)

    page = member.visit("/gemeenschappen/")
    page.get_by_label("Gemeenschappen zoeken").fill("Warmtetransitie")
    page.get_by_role("button", name="Filters toepassen").click()
    member.check()
    page.get_by_role("link", name="Fieldlab Warmtetransitie").click()
    member.check()
    page.get_by_role("button", name="Vragen om lid te worden").click()
    member.check()
    assert page.get_by_text("Je aanvraag wacht op een begeleider.").is_visible()

    fpage = facilitator.visit(f"/gemeenschappen/{community.slug}/leden/")
    fpage.get_by_role("button", name="Toelaten").click()
    facilitator.check()
    assert fpage.get_by_role("link", name="Eva Jansen").is_visible()

    page = member.visit(topic.get_absolute_url())
    page.get_by_label("Je bericht").fill("Goed idee, @**Olga Oosterhuis**: zullen we donderdag beginnen?")
    page.get_by_role("button", name="Versturen").click()
    page.locator("[data-seq] .message-body a", has_text="@Olga Oosterhuis").wait_for()

    fpage = facilitator.visit("/")
    badge = fpage.locator("header a[href='/meldingen/'] [data-notification-count]")
    assert int(badge.inner_text()) >= 1
    unread = fpage.locator("header [data-unread-total]")
    assert unread.text_content() == "1"
    assert fpage.locator(".sidebar-room", has_text="Algemeen").locator("[data-unread-count]").inner_text() == "1"
    fpage.get_by_role("link", name="Meldingen").click()
    facilitator.check()
    fpage.get_by_role("link", name="Eva Jansen noemde je in “Eerste ervaringen”").click()
    facilitator.check()
    assert fpage.locator(".message-body", has_text="zullen we donderdag beginnen").is_visible()
