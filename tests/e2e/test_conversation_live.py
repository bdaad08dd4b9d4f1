"""The conversation screen with two members in two Chromium contexts: live messages keep every
action, reaction chips toggle on both sides, reply and quote, the right one of two same-named
members is mentioned (and only that one notified), images are previewed, a draft survives a
reload, the topic opens at the first unread and marks read on scroll, the room's topic list is
live, and the keyboard path reaches the composer in one keystroke."""

from __future__ import annotations

import json
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from typing import Any

import pytest
from playwright.sync_api import expect

from forum import services
from forum.models import Membership, MembershipState, Message
from notifications.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_thread(fn: Any) -> Any:
    """Database work in a worker thread: Playwright's event loop occupies this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn).result()


def community_with(owner: Any, *members: Any, title: str = "Warmtepompen", body: str = "Welkom!") -> Any:
    community = services.create_community(
        actor=owner, name="Energie Kring", kind="hub", description="d", waaromvraag="w"
    )
    for member in members:
        Membership.objects.create(community=community, user=member, state=MembershipState.ACTIVE)
    return services.create_topic(actor=owner, room=community.rooms.get(), title=title, body=body)


def connected(member: Any, user: Any, path: str) -> Any:
    member.use_session_of(user)
    page = member.visit(path)
    page.locator("[data-live-topic][data-connected][data-ready]").wait_for()
    return page


def focused(page: Any, check: Any, seconds: float = 5.0) -> None:
    """Wait until ``check()`` holds, polling from here: ``wait_for_function`` with a string needs
    'unsafe-eval', which Kring's CSP refuses."""
    for _ in range(int(seconds * 20)):
        if check():
            return
        page.wait_for_timeout(50)
    where = page.evaluate("document.activeElement ? document.activeElement.outerHTML.slice(0, 240) : null")
    assert check(), f"focus is on {where}"


def send(page: Any, text: str) -> None:
    box = page.get_by_label("Je bericht")
    box.fill(text)
    box.press("Enter")


def article(page: Any, text: str) -> Any:
    return page.locator("section.messages > article.message[data-seq]", has_text=text)


def test_live_message_actions_reactions_reply_and_edit(open_page, make_user) -> None:  # type: ignore[no-untyped-def]
    sanne = make_user(name="Sanne de Vries")
    henk = make_user(name="Henk Bakker")
    topic = in_thread(lambda: community_with(sanne, henk))
    one, two = open_page(), open_page()
    page1 = connected(one, sanne, topic.get_absolute_url())
    page2 = connected(two, henk, topic.get_absolute_url())

    # Henk sends with Enter (no page load); Sanne gets it live, rendered by the server.
    send(page2, "Hoe zit het met **geluid**?")
    live = article(page1, "Hoe zit het met geluid").first
    live.locator(".message-body strong", has_text="geluid").wait_for()
    assert live.locator("a.message-author", has_text="Henk Bakker").count() == 1
    assert live.locator("time[data-format=relative]").get_attribute("title")  # exact time on hover
    assert page2.url.endswith(topic.get_absolute_url())

    # The live message has the toolbar: react through the emoji picker.
    live.hover()
    toolbar = page1.locator("[data-message-toolbar]")
    toolbar.get_by_role("button", name="Reageren").click()
    page1.get_by_role("menu", name="Reageren").get_by_role("menuitem", name="👍").click()
    chip1 = live.locator("button.reaction").first
    chip1.wait_for()
    emoji = chip1.get_attribute("data-emoji")
    assert chip1.get_attribute("aria-pressed") == "true"
    chip2 = article(page2, "Hoe zit het met geluid").first.locator(f'button.reaction[data-emoji="{emoji}"]')
    chip2.wait_for()
    assert chip2.get_attribute("aria-pressed") == "false"
    # Henk adds his: 2 on both sides; Sanne takes hers back: 1 on both sides, no reload.
    chip2.click()
    page1.locator(f'button.reaction[data-emoji="{emoji}"] span', has_text="2").wait_for()
    page2.locator(f'button.reaction[data-emoji="{emoji}"][aria-pressed=true] span', has_text="2").wait_for()
    page1.locator(f'button.reaction[data-emoji="{emoji}"]').click()
    page2.locator(f'button.reaction[data-emoji="{emoji}"] span', has_text="1").wait_for()
    page1.locator(f'button.reaction[data-emoji="{emoji}"][aria-pressed=false] span', has_text="1").wait_for()
    # Any emoji: "Meer emoji" in the menu opens the picker; its choice is a chip on both sides.
    live.hover()
    toolbar.get_by_role("button", name="Reageren").click()
    page1.get_by_role("menu", name="Reageren").get_by_role("menuitem", name="Meer emoji").click()
    page1.locator("emoji-picker #search").fill("eenhoorn")
    page1.locator("emoji-picker [role=option]", has_text="🦄").first.click()
    page2.locator('button.reaction[data-emoji="🦄"] span', has_text="1").wait_for()
    live.locator('button.reaction[data-emoji="🦄"][aria-pressed=true]').wait_for()

    # Reply to the live message from the toolbar: the reply bar, then a link back on both sides.
    live.hover()
    toolbar.get_by_role("button", name="Antwoorden").click()
    page1.locator("[data-reply-bar]", has_text="Henk Bakker").wait_for()
    send(page1, "Nauwelijks hoorbaar.")
    reply = article(page2, "Nauwelijks hoorbaar.")
    reply.locator(".message-reply a", has_text="Henk Bakker").wait_for()
    original = Message.objects.get(body="Hoe zit het met **geluid**?")
    assert Message.objects.get(body="Nauwelijks hoorbaar.").reply_to_id == original.pk
    assert page1.locator("[data-reply-bar]").is_hidden()

    # Quote: the composer gets the quoted text, the message quotes it.
    article(page2, "Nauwelijks hoorbaar.").hover()
    page2.locator("[data-message-toolbar]").get_by_role("button", name="Citeren").click()
    assert "> Nauwelijks hoorbaar." in page2.get_by_label("Je bericht").input_value()
    page2.get_by_label("Je bericht").press("End")
    page2.get_by_label("Je bericht").type("Mooi zo.")
    page2.get_by_label("Je bericht").press("Enter")
    article(page1, "Mooi zo.").locator(".message-body blockquote", has_text="Nauwelijks hoorbaar.").wait_for()

    # Henk edits his live message in place (Enter saves); Sanne sees the edit live.
    mine = article(page2, "Hoe zit het met geluid").first
    mine.hover()
    page2.locator("[data-message-toolbar]").get_by_role("button", name="Bewerken").click()
    editor = mine.locator(".message-edit textarea")
    editor.fill("Hoe zit het met **trillingen**?")
    editor.press("Enter")
    article(page1, "Hoe zit het met trillingen").locator(".message-edited").wait_for()
    one.check()
    two.check()


def test_mention_autocomplete_picks_the_right_one_of_two_same_named_members(open_page, make_user) -> None:  # type: ignore[no-untyped-def]
    from accounts.models import Organisation

    henk = make_user(name="Henk Bakker")
    sanne_a = make_user(name="Sanne de Vries")
    sanne_b = make_user(name="Sanne de Vries")

    def setup():  # type: ignore[no-untyped-def]
        for user, org in ((sanne_a, "Hogeschool Utrecht"), (sanne_b, "Installatiebedrijf Noord")):
            organisation = Organisation.objects.create(
                name=org, slug=org.lower().replace(" ", "-"), kind="knowledge_institution"
            )
            user.profile.organisation = organisation
            user.profile.save()
        return community_with(henk, sanne_a, sanne_b)

    topic = in_thread(setup)
    page = connected(open_page(), henk, topic.get_absolute_url())
    box = page.get_by_label("Je bericht")
    box.type("Vraag het @Sanne")
    listbox = page.get_by_role("listbox", name="Suggesties")
    options = listbox.get_by_role("option")
    options.nth(1).wait_for()
    assert options.count() == 2
    assert box.get_attribute("aria-expanded") == "true"
    target = listbox.get_by_role("option", name="Installatiebedrijf Noord")
    assert "Sanne de Vries" in target.inner_text()
    while page.locator("[role=option][aria-selected=true]", has_text="Installatiebedrijf Noord").count() == 0:
        box.press("ArrowDown")
    box.press("Enter")  # picks; does not send
    assert box.input_value() == f"Vraag het @**Sanne de Vries|{sanne_b.pk}** "
    box.type("eens.")
    box.press("Enter")
    page.locator("section.messages > article[data-seq] a", has_text="@Sanne de Vries").wait_for()
    notified = set(Notification.objects.filter(kind="mention").values_list("user_id", flat=True))
    assert notified == {sanne_b.pk}


def test_image_preview_caption_and_attachment_only_post(open_page, make_user) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    sanne = make_user(name="Sanne de Vries")
    henk = make_user(name="Henk Bakker")
    topic = in_thread(lambda: community_with(sanne, henk))
    one, two = open_page(), open_page()
    page1 = connected(one, sanne, topic.get_absolute_url())
    page2 = connected(two, henk, topic.get_absolute_url())
    buffer = BytesIO()
    Image.new("RGB", (640, 360), (40, 120, 200)).save(buffer, format="PNG")
    page1.locator("form[data-composer] input[type=file]").set_input_files(
        {"name": "schema.png", "mimeType": "image/png", "buffer": buffer.getvalue()}
    )
    page1.locator(".composer-file", has_text="schema.png").wait_for()
    caption = page1.locator(".composer-file", has_text="schema.png").locator("input.composer-file-caption")
    assert caption.get_attribute("aria-label", timeout=1000).endswith(": schema.png")
    caption.fill("Het schema van de warmtepomp")
    page1.get_by_role("button", name="Versturen").click()
    image = page2.locator("section.messages > article .attachment-image img")
    image.wait_for()
    assert image.get_attribute("alt") == "Het schema van de warmtepomp"
    image.scroll_into_view_if_needed()
    page2.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert Message.objects.filter(topic=topic, body="").count() == 1  # an attachment without text
    page1.locator("section.messages > article .attachment-image img").wait_for()
    assert page1.locator("[data-pending]").count() == 0
    one.check()
    two.check()


def test_draft_survives_reload_and_is_cleared_on_send(open_page, make_user) -> None:  # type: ignore[no-untyped-def]
    sanne = make_user(name="Sanne de Vries")
    topic = in_thread(lambda: community_with(sanne))
    member = open_page()
    errors: list[str] = []
    member.page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page = connected(member, sanne, topic.get_absolute_url())
    # The emoji picker (vendored, loaded on first open, data served locally) works under the CSP.
    page.get_by_role("button", name="Emoji invoegen").click()
    picker = page.locator("emoji-picker")
    picker.locator("#search").fill("duim omhoog")
    picker.locator('[id^="emo-"]').first.click()
    # The picker looks the emoji up in its IndexedDB before it fires emoji-click: wait, don't race.
    expect(page.get_by_label("Je bericht")).to_have_value(re.compile("👍"))
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    # A :shortcode suggests emoji from the same data.
    page.get_by_label("Je bericht").fill("")
    page.get_by_label("Je bericht").type(":duim")
    page.get_by_role("listbox", name="Suggesties").get_by_role("option").first.wait_for()
    page.get_by_label("Je bericht").press("Enter")
    chosen = page.get_by_label("Je bericht").input_value().strip()
    assert chosen and ":" not in chosen and not chosen.isascii()
    page.get_by_label("Je bericht").fill("Half af: de COP van een")
    page.wait_for_timeout(500)
    page.reload()
    member.check()
    page.locator("[data-live-topic][data-ready]").wait_for()
    assert page.get_by_label("Je bericht").input_value() == "Half af: de COP van een"
    page.get_by_label("Je bericht").press("End")
    page.get_by_label("Je bericht").type(" lucht-waterpomp")
    page.get_by_label("Je bericht").press("Enter")
    article(page, "lucht-waterpomp").wait_for()
    page.reload()
    member.check()
    page.locator("[data-live-topic][data-ready]").wait_for()
    assert page.get_by_label("Je bericht").input_value() == ""


def test_opens_at_first_unread_and_marks_read_on_scroll(open_page, make_user) -> None:  # type: ignore[no-untyped-def]
    sanne = make_user(name="Sanne de Vries")
    henk = make_user(name="Henk Bakker")

    def setup():  # type: ignore[no-untyped-def]
        topic = community_with(sanne, henk)
        for i in range(1, 41):
            services.post_message(
                actor=sanne if i <= 10 else henk, topic=topic, body=f"Bericht {i:02d}", client_id=uuid.uuid4()
            )
        return topic

    topic = in_thread(setup)
    first_unread = Message.objects.get(body="Bericht 11").seq
    member = open_page()
    member.use_session_of(sanne)
    page = member.page
    page.set_viewport_size({"width": 1280, "height": 700})
    reads: list[int] = []

    def watch(socket: Any) -> None:
        def sent(payload: Any) -> None:
            frame = json.loads(payload)
            if frame.get("type") == "read":
                reads.append(frame["seq"])

        socket.on("framesent", sent)

    page.on("websocket", watch)
    member.visit(topic.get_absolute_url())
    page.locator("[data-live-topic][data-connected][data-ready]").wait_for()
    divider = page.locator("[data-unread-divider]")
    assert divider.inner_text().strip().lower() == "nieuw"
    assert page.evaluate("(d) => d.nextElementSibling.dataset.seq", divider.element_handle()) == str(first_unread)
    list_box = page.locator("section.messages").bounding_box()
    divider_box = divider.bounding_box()
    assert list_box["y"] <= divider_box["y"] < list_box["y"] + list_box["height"] / 2  # near the top
    head = max(Message.objects.filter(topic=topic).values_list("seq", flat=True))
    # Only what came into sight is read (read frames on the socket); the rest after scrolling down.
    page.wait_for_timeout(1500)
    assert reads and first_unread <= max(reads) < head
    assert page.get_by_role("button", name="Naar nieuwste").is_visible()
    page.get_by_role("button", name="Naar nieuwste").click()
    page.wait_for_timeout(1500)
    assert max(reads) == head
    assert page.get_by_role("button", name="Naar nieuwste").is_hidden()


def test_topic_list_and_counts_live_on_the_room_page(open_page, make_user) -> None:  # type: ignore[no-untyped-def]
    sanne = make_user(name="Sanne de Vries")
    henk = make_user(name="Henk Bakker")
    topic = in_thread(lambda: community_with(sanne, henk))
    member = open_page()
    member.use_session_of(sanne)
    page = member.visit(topic.room.get_absolute_url())
    page.locator("body[data-connected]").wait_for()
    row = page.locator(f'[data-topic-list] [data-topic-id="{topic.pk}"]')
    assert row.locator("[data-message-count]").inner_text().startswith("1 ")
    in_thread(lambda: services.post_message(actor=henk, topic=topic, body="Nog een", client_id=uuid.uuid4()))
    row.locator("[data-message-count]", has_text="2 berichten").wait_for()  # the page's plural form
    new = in_thread(lambda: services.create_topic(actor=henk, room=topic.room, title="Zonneboilers", body="Wie?"))
    page.locator(f'[data-topic-list] [data-topic-id="{new.pk}"]', has_text="Zonneboilers").wait_for()
    in_thread(lambda: services.rename_topic(actor=sanne, topic=topic, title="Warmtepompen en geluid"))
    row.get_by_role("link", name="Warmtepompen en geluid").wait_for()
    member.check()


def test_keyboard_path_shortcuts_and_live_topic_state(open_page, make_user) -> None:  # type: ignore[no-untyped-def]
    sanne = make_user(name="Sanne de Vries")
    topic = in_thread(lambda: community_with(sanne))
    member = open_page()
    page = connected(member, sanne, topic.get_absolute_url())
    # One keystroke from page load to the composer; Enter sends, Shift+Enter breaks the line.
    page.keyboard.press("c")
    assert page.evaluate("document.activeElement.id") == "id_body"
    page.keyboard.type("Regel een")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("regel twee")
    page.keyboard.press("Enter")
    sent = article(page, "regel twee")
    sent.wait_for()
    assert Message.objects.filter(body="Regel een\nregel twee").count() == 1
    # Esc leaves the composer; ? lists the shortcuts; arrows move between messages (one tab stop).
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Sneltoetsen")
    dialog.wait_for()
    member.check()
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")  # closing returns focus to where it was; then move on
    # The shortcuts ignore keys while a dialog is open: wait until the attribute is gone too, not only
    # until it is hidden (CI once pressed "k" in between and the key was ignored).
    page.locator("dialog[open]").wait_for(state="detached")
    assert page.locator('section.messages > article[tabindex="0"]').count() == 1
    page.keyboard.press("k")
    seq = str(sent.get_attribute("data-seq"))
    focused(page, lambda: page.evaluate("document.activeElement?.dataset?.seq") == seq)
    page.keyboard.press("ArrowUp")
    focused(page, lambda: "Welkom!" in (page.evaluate("document.activeElement?.innerText") or ""))
    page.keyboard.press("ArrowDown")
    focused(page, lambda: page.evaluate("document.activeElement?.dataset?.seq") == seq)
    # A message re-rendered live (an edit from another tab) keeps the keyboard on it.
    stored = Message.objects.get(body="Regel een\nregel twee")
    in_thread(lambda: services.edit_message(actor=sanne, message=stored, body="Regel een\nregel drie"))
    article(page, "regel drie").wait_for()
    focused(page, lambda: page.evaluate("document.activeElement?.dataset?.seq") == seq)
    page.keyboard.press("e")  # edit own message in place, Esc cancels
    page.locator(".message-edit textarea").wait_for()
    page.keyboard.press("Escape")
    assert page.locator(".message-edit").count() == 0
    # The topic's state follows live: rename changes the h1 and the title, resolve shows the tag.
    in_thread(lambda: services.rename_topic(actor=sanne, topic=topic, title="Warmtepompen: geluid"))
    page.locator("h1", has_text="Warmtepompen: geluid").wait_for()
    assert "Warmtepompen: geluid" in page.title()
    in_thread(lambda: services.set_topic_resolved(actor=sanne, topic=topic, resolved=True))
    page.locator("[data-topic-resolved]").wait_for()


def test_sidebar_and_title_counts_live_on_every_page(open_page, make_user) -> None:  # type: ignore[no-untyped-def]
    sanne = make_user(name="Sanne de Vries")
    henk = make_user(name="Henk Bakker")
    topic = in_thread(lambda: community_with(sanne, henk))
    other = in_thread(lambda: services.create_topic(actor=sanne, room=topic.room, title="Zonneboilers", body="Wie?"))
    member = open_page()
    member.use_session_of(sanne)
    page = member.visit("/")
    page.locator("body[data-connected]").wait_for()
    link = page.locator(f'a.sidebar-room[data-room-id="{topic.room_id}"]')
    title = page.title()
    in_thread(lambda: services.post_message(actor=henk, topic=topic, body="Iemand?", client_id=uuid.uuid4()))
    link.locator("[data-unread-count]", has_text="1").wait_for()
    page.wait_for_function("() => document.title.startsWith('(1) ')")
    assert page.title() == f"(1) {title}"
    mention = f"@**Sanne de Vries|{sanne.pk}** kijk even"
    in_thread(lambda: services.post_message(actor=henk, topic=topic, body=mention, client_id=uuid.uuid4()))
    link.locator("[data-unread-count]", has_text="2").wait_for()
    link.locator("[data-mention-count]", has_text="1").wait_for()
    # Reading in the open topic (read frames) lowers the room's count in this tab's sidebar.
    page = member.visit(other.get_absolute_url())
    page.locator("[data-live-topic][data-connected][data-ready]").wait_for()
    in_thread(lambda: services.post_message(actor=henk, topic=other, body="Ik!", client_id=uuid.uuid4()))
    article(page, "Ik!").wait_for()
    page.wait_for_function("() => !document.title.startsWith('(')")
    member.check()


def test_older_messages_load_on_scroll_to_the_top_keeping_the_position(open_page, make_user) -> None:  # type: ignore[no-untyped-def]
    sanne = make_user(name="Sanne de Vries")

    def setup():  # type: ignore[no-untyped-def]
        topic = community_with(sanne)
        for i in range(1, 71):
            services.post_message(actor=sanne, topic=topic, body=f"Stap {i:02d}", client_id=uuid.uuid4())
        return topic

    topic = in_thread(setup)
    member = open_page()
    page = connected(member, sanne, topic.get_absolute_url())
    messages = page.locator("section.messages > article.message[data-seq]")
    shown = messages.count()
    assert shown == 50
    first = messages.first
    first_seq = first.get_attribute("data-seq")
    page.locator("section.messages").evaluate("(list) => { list.scrollTop = 0; }")
    page.wait_for_function(f"() => document.querySelectorAll('section.messages > article[data-seq]').length > {shown}")
    assert messages.first.inner_text().find("Welkom!") >= 0  # all 71, the opening message first
    assert page.locator("section.messages").get_attribute("data-has-older") == "false"
    # The message that was on top stays where the reader was looking (not thrown to the top).
    top = page.locator(f'section.messages > article[data-seq="{first_seq}"]').bounding_box()
    box = page.locator("section.messages").bounding_box()
    assert top is not None and box is not None and top["y"] >= box["y"] - 5


def test_a_member_of_many_rooms_opening_pages_quickly_is_never_told_to_slow_down(open_page, make_user) -> None:  # type: ignore[no-untyped-def]
    """The sidebar subscribes to every room of the member. Unpaced, 45 rooms on three quick page
    loads spent the member's read budget (60, then 20 a second) and the server's refusal
    ("Too many frames; slow down.") was shown on the topic page."""
    sanne = make_user(name="Sanne de Vries")

    def many_rooms() -> Any:
        first = community_with(sanne, title="Eerste vraag")
        for n in range(22):  # two rooms each (Algemeen and the default), 45 in all
            community = services.create_community(
                actor=sanne, name=f"Kring {n}", kind="hub", description="d", waaromvraag="w"
            )
            services.create_room(actor=sanne, community=community, name="Praktijkvragen")
        return first

    topic = in_thread(many_rooms)
    member = open_page()
    member.use_session_of(sanne)
    for _ in range(3):
        page = member.visit(topic.get_absolute_url())
        page.locator("[data-live-topic][data-connected][data-ready]").wait_for()
    page.wait_for_timeout(4000)  # the paced subscriptions finish (45 at 30, then 10 a second)
    status = page.locator("#live-status")
    assert "slow down" not in (status.text_content() or "")
    assert status.get_attribute("data-state") != "notice"


def test_toolbar_pin_accept_hide_flag_delete_and_copy_link_live(open_page, make_user) -> None:  # type: ignore[no-untyped-def]
    """The rest of the toolbar, with a facilitator and a member in two contexts: pin and accept
    show on both sides without reload, hide leaves the member a notice, a report needs a reason and
    reaches the facilitators, delete asks first, and the link leads back to the message."""
    from forum.models import Flag, Topic

    sanne = make_user(name="Sanne de Vries")  # the community's owner: a facilitator
    henk = make_user(name="Henk Bakker")

    def question() -> Topic:
        topic = community_with(sanne, henk)
        return services.create_topic(
            actor=sanne, room=topic.room, title="Welke warmtepomp?", body="Wie weet raad?", is_question=True
        )

    topic = in_thread(question)
    one, two = open_page(), open_page()
    one.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page1 = connected(one, sanne, topic.get_absolute_url())
    page2 = connected(two, henk, topic.get_absolute_url())
    send(page2, "Een lucht-water warmtepomp.")
    send(page2, "Met een buffervat erbij.")
    answer1, answer2 = article(page1, "Een lucht-water"), article(page1, "Met een buffervat")
    answer2.wait_for()
    toolbar1 = page1.locator("[data-message-toolbar]")

    # A member's toolbar has no facilitator actions on another's message.
    article(page2, "Wie weet raad?").hover()
    toolbar2 = page2.locator("[data-message-toolbar]")
    assert toolbar2.get_by_role("button", name="Melden").is_visible()
    for name in ("Vastzetten", "Verbergen", "Als antwoord accepteren", "Verwijderen", "Bewerken"):
        assert toolbar2.get_by_role("button", name=name).is_hidden(), name

    # Pin: the tag on both sides, and the button now says it undoes.
    answer1.hover()
    toolbar1.get_by_role("button", name="Vastzetten").click()
    page2.locator("section.messages > article[data-pinned]", has_text="Een lucht-water").wait_for()
    answer1.locator(".tag", has_text="vastgezet").wait_for()
    answer1.hover()
    expect(toolbar1.get_by_role("button", name="Losmaken")).to_have_attribute("aria-pressed", "true")

    # Accept: shown again under the question on the member's page, live.
    toolbar1.get_by_role("button", name="Als antwoord accepteren").click()
    page2.locator(".accepted-answer article", has_text="Een lucht-water").wait_for()
    assert in_thread(lambda: Topic.objects.get(pk=topic.pk).accepted_answer.body) == "Een lucht-water warmtepomp."

    # Hide: both see a notice instead of the text (a live frame is the same for every viewer, so
    # it never carries hidden text); the facilitator can show it again from the toolbar.
    hidden_seq = answer2.get_attribute("data-seq")
    answer2.hover()
    toolbar1.get_by_role("button", name="Verbergen").click()
    article(page2, "verborgen door").wait_for()
    assert article(page2, "Met een buffervat").count() == 0
    hidden1 = page1.locator(f'section.messages > article[data-hidden][data-seq="{hidden_seq}"]')
    hidden1.wait_for()
    hidden1.hover()
    expect(toolbar1.get_by_role("button", name="Weer tonen")).to_have_attribute("aria-pressed", "true")

    # Report: a reason is required, then the facilitators have it.
    article(page2, "Wie weet raad?").hover()
    toolbar2.get_by_role("button", name="Melden").click()
    dialog = page2.locator("#flag-dialog")
    dialog.get_by_role("button", name="Melden").click()
    expect(dialog.locator("[name=reason]")).to_have_attribute("aria-invalid", "true")
    expect(dialog.get_by_role("alert")).to_have_text("Schrijf kort waarom, zodat een begeleider weet waar het om gaat.")
    focused(page2, lambda: page2.evaluate("document.activeElement.name") == "reason")
    dialog.locator("[name=reason]").fill("Reclame voor één merk.")
    dialog.get_by_role("button", name="Melden").click()
    page2.locator(".toast", has_text="De begeleiders kijken ernaar.").wait_for()
    flag = in_thread(lambda: Flag.objects.select_related("message").get())
    assert (flag.reason, flag.message.body, flag.reporter_id) == ("Reclame voor één merk.", "Wie weet raad?", henk.pk)

    # Delete asks first; after yes, both sides show it as deleted.
    mine = article(page2, "Een lucht-water").last
    mine.hover()
    toolbar2.get_by_role("button", name="Verwijderen").click()
    page2.locator("#delete-dialog").get_by_role("button", name="Verwijderen").click()
    page1.locator("section.messages > article[data-deleted]", has_text="verwijderd").wait_for()
    page2.locator("section.messages > article[data-deleted]", has_text="verwijderd").wait_for()

    # Copy link: the clipboard holds the message's address, which opens at that message.
    first = article(page1, "Wie weet raad?")
    first.hover()
    toolbar1.get_by_role("button", name="Link kopiëren").click()
    page1.locator(".toast", has_text="Link gekopieerd.").wait_for()
    link = page1.evaluate("navigator.clipboard.readText()")
    seq = first.get_attribute("data-seq")
    assert link.endswith(f"{topic.get_absolute_url()}#m{seq}"), link
    one.visit(link.removeprefix(one.base_url))
    assert page1.evaluate("location.hash") == f"#m{seq}"

    # The composer's placeholder names the topic where there is room, and is short where a
    # narrow box would cut it mid-word.
    box = page1.get_by_label("Je bericht")
    expect(box).to_have_attribute("placeholder", "Bericht in “Welke warmtepomp?”")
    page1.set_viewport_size({"width": 360, "height": 740})
    expect(box).to_have_attribute("placeholder", "Een bericht schrijven")
    one.check()
    two.check()


def test_connection_status_shows_over_the_list_without_moving_the_messages(open_page, make_user) -> None:  # type: ignore[no-untyped-def]
    """ "Verbinden…" appears at every page load and on every dropped connection: in the flow it pushed
    the messages down and back (Lighthouse: 0.21 cumulative layout shift on the topic page)."""
    sanne = make_user(name="Sanne de Vries")
    topic = in_thread(lambda: community_with(sanne))
    page = connected(open_page(), sanne, topic.get_absolute_url())
    article = page.locator("section.messages > article.message[data-seq]").last
    before = article.bounding_box()
    page.evaluate(
        """() => { const s = document.getElementById("live-status");
                   s.dataset.state = "reconnecting"; s.textContent = "Verbinding verbroken. Opnieuw verbinden…"; }"""
    )
    status = page.locator("#live-status").bounding_box()
    after = article.bounding_box()
    assert before is not None and after is not None and status is not None and status["height"] > 0
    assert after["y"] == before["y"] and after["height"] == before["height"]
    header = page.locator(".conversation-header").bounding_box()
    assert header is not None and status["y"] >= header["y"] + header["height"]  # below the title, over the list


def test_message_links_are_big_enough_to_tap_on_a_phone(open_page, make_user) -> None:  # type: ignore[no-untyped-def]
    """WCAG 2.2's target size (Lighthouse audits it; the every-page test runs WCAG 2.1): on a phone the
    time wraps under the author's name, and two 20 px links were too close to tap the right one."""
    from axe_playwright_python.sync_playwright import Axe

    sanne, lotte = make_user(name="Sanne de Vries"), make_user(name="Lotte Vos")

    def setup():  # type: ignore[no-untyped-def]
        from accounts.models import Organisation, Profile

        for person, name in [(sanne, "Hogeschool van Amsterdam"), (lotte, "Noorderpoort")]:
            Profile.objects.filter(user=person).update(
                organisation=Organisation.objects.create(name=name, slug=name.lower().replace(" ", "-"))
            )
        topic = community_with(sanne, lotte)
        for i, author in enumerate([lotte, sanne, lotte, sanne]):
            services.post_message(actor=author, topic=topic, body=f"Bericht {i}", client_id=uuid.uuid4())
        return topic

    topic = in_thread(setup)
    member = open_page()
    member.page.set_viewport_size({"width": 360, "height": 740})
    page = connected(member, sanne, topic.get_absolute_url())
    # However the line wraps (the name, the organisation and the time share it), each link is
    # at least 24 px tall, so no two links are closer than 24 px centre to centre.
    links = page.locator("section.messages .message-meta > a").all()
    assert len(links) >= 8
    heights = [box["height"] for box in (link.bounding_box() for link in links) if box is not None]
    assert min(heights) >= 24, heights
    results = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["target-size"]}})
    assert results.violations_count == 0, results.generate_report()
