"""Direct messages in two Chromium contexts: Anna opens Bram's member card from his name in a
community topic (Enter opens it, Esc closes it and focus returns to the name), starts a conversation
from the card, and the two write to each other live; Bram's sidebar shows the unread message live."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from playwright.sync_api import expect

from forum import services
from forum.models import Membership, MembershipState, Room, RoomKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_thread(fn: Any) -> Any:
    """Database work in a worker thread: Playwright's event loop occupies this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn).result()


def poll(page: Any, check: Any, seconds: float = 10.0) -> None:
    """Wait until ``check()`` holds, polling from Python (CSP refuses ``wait_for_function`` strings)."""
    for _ in range(int(seconds * 20)):
        if check():
            return
        page.wait_for_timeout(50)
    assert check()


def setup(anna: Any, bram: Any) -> Any:
    community = services.create_community(
        actor=anna, name="Energie Kring", kind="hub", description="d", waaromvraag="w"
    )
    Membership.objects.create(community=community, user=bram, state=MembershipState.ACTIVE)
    topic = services.create_topic(actor=anna, room=community.rooms.get(), title="Warmtepompen", body="Welkom!")
    services.post_message(actor=bram, topic=topic, body="Ik heb een vraag over geluid.", client_id=uuid.uuid4())
    return topic


def send(page: Any, text: str) -> None:
    box = page.get_by_label("Je bericht")
    box.fill(text)
    box.press("Enter")


def test_start_a_direct_message_from_the_member_card(open_page, make_user) -> None:  # type: ignore[no-untyped-def]
    anna = make_user(name="Anna de Boer")
    bram = make_user(name="Bram Visser")
    topic = in_thread(lambda: setup(anna, bram))
    one, two = open_page(), open_page()

    # Anna reads the community topic and opens Bram's card from his name, by keyboard.
    one.use_session_of(anna)
    page1 = one.visit(topic.get_absolute_url())
    page1.locator("[data-live-topic][data-connected][data-ready]").wait_for()
    name = page1.locator("article.message a.message-author", has_text="Bram Visser").first
    name.focus()
    name.press("Enter")
    card = page1.locator("dialog.member-card-dialog[open]")
    card.wait_for()
    expect(card.locator("h2")).to_have_text("Bram Visser")
    expect(card).to_contain_text("Energie Kring")  # a community in common
    assert card.locator("a[href*='/mentoring/voorstellen/']").count() == 1
    poll(page1, lambda: page1.evaluate("document.activeElement?.hasAttribute('data-send-message')"))
    page1.keyboard.press("Escape")
    expect(page1.locator("dialog.member-card-dialog[open]")).to_have_count(0)
    poll(page1, lambda: page1.evaluate("document.activeElement?.classList.contains('message-author')"))

    # Opened again with a click, "Send a message" opens the conversation (the topic page, reused).
    name.click()
    card.locator("[data-send-message]").click()
    page1.wait_for_url("**/onderwerp/**")
    one.check()
    expect(page1.locator("h1.conversation-title")).to_have_text("Bram Visser")
    page1.locator("[data-live-topic][data-connected][data-ready]").wait_for()
    room = in_thread(lambda: Room.objects.get(kind=RoomKind.DIRECT))

    # Bram is elsewhere: the sidebar lists the conversation, and Anna's message raises its count live.
    two.use_session_of(bram)
    page2 = two.visit("/gemeenschappen/")
    link2 = page2.locator(f".sidebar-conversations a.sidebar-room[data-room-id='{room.pk}']")
    expect(link2).to_contain_text("Anna de Boer")
    expect(link2.locator("[data-unread-count]")).to_be_hidden()
    # (However late the sidebar's socket subscribes, it replays what came after the page's seq.)
    send(page1, "Hoi Bram, zullen we bellen?")
    expect(link2.locator("[data-unread-count]")).to_have_text("1", timeout=10_000)
    expect(page2.locator("[data-unread-total]")).to_have_text("1")

    # Bram opens it from the sidebar and answers; Anna sees the answer live.
    link2.click()
    two.check()
    page2.locator("[data-live-topic][data-connected][data-ready]").wait_for()
    expect(page2.locator("article.message", has_text="zullen we bellen")).to_have_count(1)
    send(page2, "Prima, morgen om tien uur.")
    expect(page1.locator("article.message", has_text="morgen om tien uur")).to_have_count(1, timeout=10_000)
    expect(page2.locator("article.message", has_text="morgen om tien uur")).to_have_count(1)
