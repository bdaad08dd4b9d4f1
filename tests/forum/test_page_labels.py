"""The forum's pages say labels, never stored codes; and say why a member cannot write."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from forum import selectors, services
from forum.models import Community, Membership, MembershipState, Role, Room
from forum.selectors.moderation import AuditAction

pytestmark = pytest.mark.django_db

RAW_CODES = ["centre_of_expertise", "living_lab", "national", "regional", "international", "innovatielab"]


def _visible_text(html: str) -> str:
    """The page's text as a reader sees it: tags and attribute values removed."""
    return re.sub(r"<[^>]*>", " ", html)


def test_directory_facets_and_cards_show_labels_not_codes(client, owner) -> None:  # type: ignore[no-untyped-def]
    Community.objects.bulk_create(
        [
            Community(
                name="Zorg CoE",
                slug="zorg",
                kind="centre_of_expertise",
                scope="national",
                description="d",
                waaromvraag="w",
            ),
            Community(
                name="Lab", slug="lab", kind="living_lab", scope="international", description="d", waaromvraag="w"
            ),
            Community(
                name="Innovatie",
                slug="innovatie",
                kind="innovatielab",
                scope="regional",
                description="d",
                waaromvraag="w",
            ),
        ]
    )
    html = client.get("/gemeenschappen/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    text = _visible_text(html)
    for code in RAW_CODES:
        assert code not in text, code
    assert "Centre of Expertise (1)" in text and "Living lab (1)" in text and "Landelijk (1)" in text
    # The stored values stay the options' values, so the filter still works.
    assert 'value="centre_of_expertise"' in html
    filtered = client.get("/gemeenschappen/?kind=living_lab", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Zorg CoE" not in filtered and ">Lab<" in filtered
    assert "Soort: Living lab" in _visible_text(filtered)


def test_directory_filters_come_before_the_cards(client, owner) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/gemeenschappen/").content.decode()
    assert html.index('<details class="filters') < html.index('id="results-heading"')


def test_directory_shows_unread_per_community_for_members(client, make_community, make_user, add_member, owner) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    other = make_community(name="Andere Kring")
    reader = make_user(name="Rita Reader")
    add_member(community, reader)
    add_member(other, reader)
    room = community.rooms.get()
    topic = services.create_topic(actor=owner, room=room, title="Eerste", body="hallo")
    client.force_login(reader)
    fresh = Room.objects.get(pk=room.pk)
    services.mark_read(actor=reader, room=fresh, seq=fresh.last_seq, topic=topic)  # read up to here
    for i in range(3):
        services.post_message(actor=owner, topic=topic, body=f"nieuw {i}", client_id=uuid.uuid4())
    unread = selectors.communities.unread_by_community(actor=reader, community_ids=[community.pk, other.pk])
    assert unread[community.pk] == 3 and unread.get(other.pk, 0) == 0
    html = client.get("/gemeenschappen/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert f'data-community-unread="{community.pk}">3 ongelezen' in html
    assert f'data-community-unread="{other.pk}"' not in html


def test_community_page_about_is_not_about_me(client, make_community) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    html = client.get(community.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Over deze gemeenschap" in html and "Over mij" not in html


def test_moderation_log_shows_labels(client, make_community, make_user, add_member, owner) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    member = make_user(name="Mo Member")
    add_member(community, member)
    room = community.rooms.get()
    target = services.create_room(actor=owner, community=community, name="Archief")
    topic = services.create_topic(actor=member, room=room, title="Verhuizen", body="bericht")
    message = topic.messages.get()
    services.hide_message(actor=owner, message=message, hidden=True)
    services.move_topic(actor=owner, topic=topic, room=target)
    membership = Membership.objects.get(community=community, user=member)
    services.change_role(actor=owner, membership=membership, role=Role.FACILITATOR)
    client.force_login(owner)
    html = client.get(f"/gemeenschappen/{community.slug}/moderatie/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    text = _visible_text(html)
    assert "Verborgen" in text and "Onderwerp verplaatst" in text and "Rol gewijzigd" in text
    assert "Lid → Begeleider" in text
    for code in ("hide", "move_topic", "change_role", "create_room", "facilitator"):
        assert not re.search(rf"\b{code}\b", text), code
    assert 'class="table-wrap"' in html


def test_every_audit_action_the_services_write_has_a_label() -> None:
    """A new action in the services needs a label here: read them from the code."""
    from pathlib import Path

    import forum.services

    written: set[str] = set()
    for path in Path(forum.services.__file__).parent.glob("*.py"):
        source = path.read_text()
        for call in re.findall(r"_audit\((.*?)\)\n", source, flags=re.S):
            written.update(re.findall(r'"([a-z_]+)"', call.split(",", 3)[2] if call.count(",") >= 2 else ""))
    assert written, "no audit actions found"
    assert written <= set(AuditAction.values), written - set(AuditAction.values)


def test_muted_member_is_told_until_when(make_community, make_user, add_member) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    room = community.rooms.get()
    member = make_user(name="Stil Lid")
    membership = add_member(community, member)
    assert selectors.post_blocked_reason(member, room) is None
    until = timezone.localtime(timezone.now() + timedelta(days=30)).replace(hour=15, minute=30, second=0)
    membership.muted_until = until
    membership.save()
    with translation.override("nl"):
        reason = selectors.post_blocked_reason(member, room)
    months = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ]
    assert (
        reason == f"Je bent gedempt in deze gemeenschap tot {until.day} {months[until.month - 1]} {until.year} 15:30."
    )
    membership.muted_until = timezone.now() + timedelta(days=365 * 20)
    membership.save()
    with translation.override("nl"):
        assert selectors.post_blocked_reason(member, room) == "Je bent gedempt in deze gemeenschap."


def test_other_reasons(make_community, make_user, add_member) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    room = community.rooms.get()
    outsider, banned, waiting = make_user(), make_user(), make_user()
    add_member(community, banned, state=MembershipState.BANNED)
    add_member(community, waiting, state=MembershipState.REQUESTED)
    with translation.override("en"):
        assert selectors.post_blocked_reason(outsider, room) == "Join the community to take part."
        assert "banned" in (selectors.post_blocked_reason(banned, room) or "")
        assert "waiting" in (selectors.post_blocked_reason(waiting, room) or "")
        room.is_archived = True
        assert "archived" in (selectors.post_blocked_reason(outsider, room) or "")


def test_room_page_gives_the_reason(client, make_community, make_user, add_member) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    room = community.rooms.get()
    member = make_user()
    add_member(community, member).__class__.objects.filter(user=member).update(
        muted_until=timezone.now() + timedelta(hours=1)
    )
    client.force_login(member)
    response = client.get(room.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.context["post_blocked_reason"].startswith("Je bent gedempt in deze gemeenschap tot ")
    assert response.context["can_post"] is False


def test_search_page_counts_and_shows_each_result_as_a_card(client, make_community, owner) -> None:  # type: ignore[no-untyped-def]
    topic = services.create_topic(
        actor=owner, room=make_community().rooms.get(), title="Warmte", body="Over warmtepompen"
    )
    services.post_message(actor=owner, topic=topic, body="Nog meer warmtepompen", client_id=uuid.uuid4())
    client.force_login(owner)
    html = client.get("/gemeenschappen/zoeken/?q=warmtepompen", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "2 resultaten voor “warmtepompen”" in html
    assert html.count('class="card search-result"') == 2


def test_topic_page_fragments_rendered_once_keep_each_language(client, make_community, owner) -> None:  # type: ignore[no-untyped-def]
    """The toolbar and dialogs are rendered once per process and language (``fragments`` cache):
    the second language must not get the first one's words."""
    topic = services.create_topic(actor=owner, room=make_community().rooms.get(), title="Talen", body="hallo")
    client.force_login(owner)
    for language, copy_link, shortcuts in [
        ("nl", "Link kopiëren", "Sneltoetsen"),
        ("en", "Copy link", "Keyboard shortcuts"),
        ("nl", "Link kopiëren", "Sneltoetsen"),
    ]:
        html = client.get(topic.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f'aria-label="{copy_link}"' in html and f">{shortcuts}</h2>" in html, language
