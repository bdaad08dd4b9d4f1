from __future__ import annotations

import uuid

import pytest

from forum import selectors, services
from forum.errors import Forbidden, Invalid, RateLimited
from forum.models import Message, MessageRevision, Reaction, Room
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_community_starts_with_owner_and_default_room(make_community, owner) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    assert community.memberships.get().role == "owner"
    assert list(community.rooms.values_list("name", flat=True)) == ["Algemeen"]
    assert community.member_count == 1


def test_seq_is_gap_free_and_client_id_deduplicates(make_community, owner) -> None:  # type: ignore[no-untyped-def]
    room = make_community().rooms.get()
    topic = services.create_topic(actor=owner, room=room, title="Warmtepompen")
    client_ids = [uuid.uuid4() for _ in range(20)]
    seqs = [
        services.post_message(actor=owner, topic=topic, body=f"bericht {i}", client_id=c).seq
        for i, c in enumerate(client_ids)
    ]
    assert seqs == list(range(1, 21))
    again = services.post_message(actor=owner, topic=topic, body="retry", client_id=client_ids[3])
    assert again.seq == 4 and again.body == "bericht 3"
    assert Message.objects.count() == 20
    room.refresh_from_db()
    assert room.last_seq == 20


def test_markdown_is_rendered_once_and_source_kept(make_community, owner) -> None:  # type: ignore[no-untyped-def]
    room = make_community().rooms.get()
    topic = services.create_topic(actor=owner, room=room, title="Opmaak")
    message = services.post_message(actor=owner, topic=topic, body="**vet** en `code`", client_id=uuid.uuid4())
    assert message.body == "**vet** en `code`"
    assert "<strong>vet</strong>" in message.body_html and "<code>code</code>" in message.body_html


def test_mentions_notify_readers_only(make_community, owner, make_user, add_member) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    sanne = make_user(name="Sanne de Vries")
    add_member(community, sanne)
    outsider = make_user(name="Piet Buiten")
    topic = services.create_topic(actor=owner, room=community.rooms.get(), title="Vraag")
    message = services.post_message(
        actor=owner, topic=topic, body="@**Sanne de Vries** en @**Piet Buiten** kijk eens", client_id=uuid.uuid4()
    )
    assert f"/profiel/{sanne.pk}/" in message.body_html
    assert Notification.objects.filter(user=sanne, kind="mention").count() == 1
    # Piet is not a member of an open community but may read it; no restricted leak either way.
    assert Notification.objects.filter(user=outsider, kind="mention").count() <= 1


def test_replies_notify_participants(make_community, owner, make_user, add_member) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    daan = make_user(name="Daan")
    add_member(community, daan)
    topic = services.create_topic(actor=owner, room=community.rooms.get(), title="Vraag", body="Wie weet dit?")
    services.post_message(actor=daan, topic=topic, body="Ik!", client_id=uuid.uuid4())
    assert Notification.objects.filter(user=owner, kind="reply").count() == 1


def test_edit_keeps_history_and_delete_leaves_tombstone(make_community, owner) -> None:  # type: ignore[no-untyped-def]
    topic = services.create_topic(actor=owner, room=make_community().rooms.get(), title="T")
    message = services.post_message(actor=owner, topic=topic, body="eerste", client_id=uuid.uuid4())
    services.edit_message(actor=owner, message=message, body="tweede")
    assert list(MessageRevision.objects.values_list("body", flat=True)) == ["eerste"]
    services.delete_message(actor=owner, message=message)
    message.refresh_from_db()
    assert message.deleted_at is not None and message.body_html == "" and message.seq == 1


def test_reactions_one_per_member_per_emoji(make_community, owner) -> None:  # type: ignore[no-untyped-def]
    topic = services.create_topic(actor=owner, room=make_community().rooms.get(), title="T")
    message = services.post_message(actor=owner, topic=topic, body="hoi", client_id=uuid.uuid4())
    services.react(actor=owner, message=message, emoji="👍", add=True)
    services.react(actor=owner, message=message, emoji="👍", add=True)
    assert Reaction.objects.count() == 1
    services.react(actor=owner, message=message, emoji="👍")
    assert Reaction.objects.count() == 0
    with pytest.raises(Invalid):
        services.react(actor=owner, message=message, emoji="<script>")


def test_any_one_emoji_is_a_reaction_in_one_form(make_community, owner) -> None:  # type: ignore[no-untyped-def]
    topic = services.create_topic(actor=owner, room=make_community().rooms.get(), title="T")
    message = services.post_message(actor=owner, topic=topic, body="hoi", client_id=uuid.uuid4())
    for emoji in ("🦄", "🧑🏻‍❤️‍💋‍🧑🏼", "🇳🇱", "👍🏽"):
        services.react(actor=owner, message=message, emoji=emoji, add=True)
    # The heart without its variation selector is the same chip as the one with it.
    services.react(actor=owner, message=message, emoji="❤", add=True)
    services.react(actor=owner, message=message, emoji="❤️", add=True)
    assert sorted(Reaction.objects.values_list("emoji", flat=True)) == sorted(["🦄", "🧑🏻‍❤️‍💋‍🧑🏼", "🇳🇱", "👍🏽", "❤️"])
    for wrong in ("", "ab", "👍👍", "1", "👍 a", "x" * 40):
        with pytest.raises(Invalid):
            services.react(actor=owner, message=message, emoji=wrong)
    # A member's reactions to one message are bounded.
    for emoji in ("😀", "😁", "😂", "🤣", "😃"):
        services.react(actor=owner, message=message, emoji=emoji, add=True)
    assert Reaction.objects.filter(message=message).count() == 10
    with pytest.raises(Invalid):
        services.react(actor=owner, message=message, emoji="😄", add=True)
    services.react(actor=owner, message=message, emoji="😀", add=False)  # taking one back still works
    assert Reaction.objects.filter(message=message).count() == 9


def test_slow_mode_tells_the_wait(make_community, owner, make_user, add_member) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    room = community.rooms.get()
    services.update_room(actor=owner, room=room, slow_mode_seconds=60)
    member = make_user()
    add_member(community, member)
    topic = services.create_topic(actor=owner, room=room, title="T")
    services.post_message(actor=member, topic=topic, body="een", client_id=uuid.uuid4())
    with pytest.raises(RateLimited) as caught:
        services.post_message(actor=member, topic=topic, body="twee", client_id=uuid.uuid4())
    assert 0 < caught.value.wait_seconds <= 60


def test_community_keeps_an_owner(make_community, owner) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    with pytest.raises(Invalid):
        services.leave_community(actor=owner, community=community)
    with pytest.raises(Invalid):
        services.change_role(actor=owner, membership=community.memberships.get(user=owner), role="member")


def test_archived_room_is_read_only(make_community, owner) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    room = community.rooms.get()
    topic = services.create_topic(actor=owner, room=room, title="T")
    services.update_room(actor=owner, room=room, archived=True)
    with pytest.raises(Forbidden):
        services.post_message(actor=owner, topic=topic, body="x", client_id=uuid.uuid4())


def test_request_approve_flow_and_unread(make_community, owner, make_user) -> None:  # type: ignore[no-untyped-def]
    community = make_community(visibility="on_request")
    eva = make_user(name="Eva")
    membership = services.join_community(actor=eva, community=community)
    assert membership.state == "requested"
    assert Notification.objects.filter(user=owner, kind="membership").exists()
    services.decide_membership(actor=owner, membership=membership, approve=True)
    assert Notification.objects.filter(user=eva, kind="membership").exists()
    topic = services.create_topic(actor=owner, room=community.rooms.get(), title="Welkom", body="Hallo allemaal")
    services.post_message(actor=owner, topic=topic, body="Nog iets", client_id=uuid.uuid4())
    assert selectors.unread_total(user=eva) == 2
    services.mark_read(actor=eva, room=Room.objects.get(pk=topic.room_id), seq=2)
    assert selectors.unread_total(user=eva) == 0


def test_move_topic_resequences_into_target(make_community, owner) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    general = community.rooms.get()
    other = services.create_room(actor=owner, community=community, name="Techniek")
    services.create_topic(actor=owner, room=other, title="Al hier", body="x")
    topic = services.create_topic(actor=owner, room=general, title="Verhuist", body="a")
    services.post_message(actor=owner, topic=topic, body="b", client_id=uuid.uuid4())
    services.move_topic(actor=owner, topic=topic, room=other)
    assert list(Message.objects.filter(room=other).order_by("seq").values_list("seq", flat=True)) == [1, 2, 3]


def test_accept_answer_only_on_questions(make_community, owner) -> None:  # type: ignore[no-untyped-def]
    room = make_community().rooms.get()
    question = services.create_topic(actor=owner, room=room, title="Hoe?", is_question=True, body="Hoe doe je dit?")
    answer = services.post_message(actor=owner, topic=question, body="Zo.", client_id=uuid.uuid4())
    services.accept_answer(actor=owner, topic=question, message=answer)
    question.refresh_from_db()
    assert question.accepted_answer_id == answer.pk and question.is_resolved
    plain = services.create_topic(actor=owner, room=room, title="Praatje", body="hoi")
    with pytest.raises(Invalid):
        services.accept_answer(actor=owner, topic=plain, message=plain.messages.get())


def test_search_finds_readable_messages_with_highlight(make_community, owner, make_user) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    topic = services.create_topic(
        actor=owner, room=community.rooms.get(), title="Warmtepomp", body="De warmtepomp <b>bromt</b>"
    )
    secret = services.create_room(actor=owner, community=community, name="Bestuur", restricted=True)
    services.create_topic(actor=owner, room=secret, title="Geheim", body="warmtepomp begroting")
    stranger = make_user()
    result = selectors.search(actor=stranger, q="warmtepomp")
    titles = [m.topic.title for m in result["page"]]
    assert titles == [topic.title]
    snippet = result["page"][0].snippet
    assert "<mark>" in snippet and "<b>" not in snippet
    assert len(selectors.search(actor=owner, q="warmtepomp")["page"].object_list) == 2


def test_replies_collapse_to_one_unread_notification_per_topic(make_community, owner, make_user, add_member) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    daan = make_user(name="Daan")
    add_member(community, daan)
    topic = services.create_topic(actor=owner, room=community.rooms.get(), title="Vraag", body="Wie weet dit?")
    for i in range(5):
        services.post_message(actor=daan, topic=topic, body=f"antwoord {i}", client_id=uuid.uuid4())
    assert Notification.objects.filter(user=owner, kind="reply").count() == 1
    services.mark_notifications_read(actor=owner)
    services.post_message(actor=daan, topic=topic, body="nog een", client_id=uuid.uuid4())
    assert Notification.objects.filter(user=owner, kind="reply", read_at__isnull=True).count() == 1


def test_lone_surrogates_are_refused_not_a_crash(make_community, owner) -> None:  # type: ignore[no-untyped-def]
    topic = services.create_topic(actor=owner, room=make_community().rooms.get(), title="T")
    with pytest.raises(Invalid):
        services.post_message(actor=owner, topic=topic, body="\ud800x", client_id=uuid.uuid4())


def test_reserved_community_slugs_come_from_the_url_conf(owner) -> None:  # type: ignore[no-untyped-def]
    from forum.services._common import reserved_slugs

    # The pages that were mirrored by hand before, read from forum/urls.py now.
    forum_pages = {"nieuw", "zoeken", "berichten", "lid", "uitnodiging", "onderwerp", "bericht", "bijlage"}
    assert reserved_slugs() == forum_pages | {"landelijk", "netwerkanalyse"}  # + monitoring's (below)
    community = services.create_community(
        actor=owner, name="Zoeken", kind="kenniskring", description="x", waaromvraag="Waarom zoeken we?"
    )
    assert community.slug == "zoeken-kring"


def test_monitoring_pages_beside_community_slugs_are_reserved_too(owner) -> None:  # type: ignore[no-untyped-def]
    """``/monitor/landelijk/`` is the national page: a community "Landelijk" had an unreachable dashboard."""
    from django.urls import resolve

    for name in ("Landelijk", "Netwerkanalyse"):
        community = services.create_community(
            actor=owner, name=name, kind="kenniskring", description="x", waaromvraag="Waarom meten we?"
        )
        assert community.slug == f"{name.lower()}-kring"
        assert resolve(f"/monitor/{community.slug}/").url_name == "dashboard"


@pytest.mark.django_db(transaction=True)
def test_invitation_mail_links_to_the_site_not_a_relative_path(make_community, owner, settings) -> None:  # type: ignore[no-untyped-def]
    """Before: ``/gemeenschappen/uitnodiging/…/``, a link no mail client can open."""
    from django.core import mail

    settings.SITE_URL = "https://kring.example.nl"
    community = make_community()
    invitation = services.invite(actor=owner, community=community, email="nieuw@example.nl")
    (sent,) = [m for m in mail.outbox if "nieuw@example.nl" in m.to]
    assert f"https://kring.example.nl/gemeenschappen/uitnodiging/{invitation.token}/" in sent.body, sent.body
