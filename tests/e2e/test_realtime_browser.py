"""Two members in two Chromium pages: live delivery, offline and back, a post sent once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from forum import services
from forum.models import Membership, MembershipState, Message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_live_delivery_offline_resume_and_single_send(open_page, make_user) -> None:  # type: ignore[no-untyped-def]
    sanne = make_user(name="Sanne de Vries")
    henk = make_user(name="Henk Bakker")

    def setup():  # type: ignore[no-untyped-def]
        # In a worker thread: Playwright's event loop occupies this one.
        community = services.create_community(
            actor=sanne, name="Energie Kring", kind="hub", description="d", waaromvraag="w"
        )
        Membership.objects.create(community=community, user=henk, state=MembershipState.ACTIVE)
        return services.create_topic(actor=sanne, room=community.rooms.get(), title="Warmtepompen", body="Welkom!")

    with ThreadPoolExecutor(1) as pool:
        topic = pool.submit(setup).result()

    one, two = open_page(), open_page()
    one.use_session_of(sanne)
    two.use_session_of(henk)
    page1 = one.visit(topic.get_absolute_url())
    page2 = two.visit(topic.get_absolute_url())
    page1.locator("[data-live-topic][data-connected]").wait_for()
    page2.locator("[data-live-topic][data-connected]").wait_for()

    # One posts, the other sees it live.
    page1.get_by_label("Je bericht").fill("Hoe zit het met **geluid**?")
    page1.get_by_role("button", name="Versturen").click()
    page2.locator(".message-body strong", has_text="geluid").wait_for()
    assert page1.url.endswith(topic.get_absolute_url())  # no page load: sent over the socket
    one.check()
    two.check()

    # Page two goes offline; a message is posted meanwhile; it shows up after coming back.
    two.page.context.set_offline(True)
    page2.locator("#live-status[data-state=offline]").wait_for()
    page1.get_by_label("Je bericht").fill("Gemist terwijl je weg was")
    page1.get_by_role("button", name="Versturen").click()
    page1.locator("[data-seq] .message-body", has_text="Gemist terwijl je weg was").wait_for()
    two.page.context.set_offline(False)
    page2.locator(".message-body", has_text="Gemist terwijl je weg was").wait_for(timeout=15_000)

    # A post written while offline is sent once when back.
    two.page.context.set_offline(True)
    page2.locator("#live-status[data-state=offline]").wait_for()
    page2.get_by_label("Je bericht").fill("Geschreven zonder netwerk")
    page2.get_by_role("button", name="Versturen").click()
    page2.locator("[data-pending]", has_text="Geschreven zonder netwerk").wait_for()
    two.page.context.set_offline(False)
    page2.locator("[data-live-topic][data-connected]").wait_for(timeout=15_000)
    page1.locator(".message-body", has_text="Geschreven zonder netwerk").wait_for(timeout=15_000)
    page2.locator("[data-seq] .message-body", has_text="Geschreven zonder netwerk").wait_for(timeout=15_000)
    page2.wait_for_timeout(1500)
    assert Message.objects.filter(body="Geschreven zonder netwerk").count() == 1
    assert page2.locator(".message-body", has_text="Geschreven zonder netwerk").count() == 1
    two.check()
