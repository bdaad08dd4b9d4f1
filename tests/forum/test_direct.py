"""Direct conversations: rooms of kind "direct" on the forum's one write path, who may message whom,
blocks, reports, the sidebar's section, the member card and the community's member list."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.test import Client

from accounts import privacy
from forum import permissions, selectors, services
from forum.errors import Forbidden, Invalid
from forum.models import (
    Block,
    Community,
    Flag,
    FlagState,
    Room,
    RoomKind,
    RoomMember,
    WhoMayMessage,
)
from frontend import selectors as frontend_selectors
from notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user: Any, make_community: Any, add_member: Any, owner: Any) -> dict[str, Any]:
    """Anna and Bram share a community; Stan is a stranger to both."""
    community = make_community()
    anna, bram, stan = make_user(name="Anna"), make_user(name="Bram"), make_user(name="Stan")
    add_member(community, anna)
    add_member(community, bram)
    return {"anna": anna, "bram": bram, "stan": stan, "community": community, "owner": owner}


def post(actor: Any, room: Room, body: str = "Hoi") -> Any:
    return services.post_message(actor=actor, topic=room.topics.get(), body=body, client_id=uuid.uuid4())


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the conversation ------------------------------------------------------------------------


def test_opening_twice_gives_the_same_conversation(people: dict[str, Any]) -> None:
    anna, bram = people["anna"], people["bram"]
    room = services.open_conversation(actor=anna, others=[bram])
    assert room.kind == RoomKind.DIRECT and room.is_restricted and room.community.is_system
    assert services.open_conversation(actor=bram, others=[anna.pk]).pk == room.pk
    assert services.open_conversation(actor=anna, others=[bram, bram, anna]).pk == room.pk
    assert Room.objects.filter(kind=RoomKind.DIRECT).count() == 1
    assert room.topics.count() == 1
    assert set(RoomMember.objects.filter(room=room).values_list("user_id", flat=True)) == {anna.pk, bram.pk}


def test_messages_take_the_rooms_seqs(people: dict[str, Any]) -> None:
    room = services.open_conversation(actor=people["anna"], others=[people["bram"]])
    first, second = post(people["anna"], room), post(people["bram"], room, "Dag Anna")
    assert (first.seq, second.seq) == (1, 2)
    room.refresh_from_db()
    assert room.last_seq == 2


def test_groups_up_to_eight(make_user: Any, people: dict[str, Any], add_member: Any) -> None:
    others = [make_user(name=f"Lid {i}") for i in range(8)]
    for other in others:
        add_member(people["community"], other)
    room = services.open_conversation(actor=people["anna"], others=others[:7])
    assert room.room_members.count() == 8
    with pytest.raises(Invalid):
        services.open_conversation(actor=people["anna"], others=others)
    with pytest.raises(Invalid):
        services.open_conversation(actor=people["anna"], others=[people["anna"]])


@pytest.mark.skipif(not settings.USING_POSTGRES, reason="the participant limit is a PostgreSQL trigger")
def test_the_database_refuses_a_ninth_participant(make_user: Any, people: dict[str, Any], add_member: Any) -> None:
    others = [make_user(name=f"Lid {i}") for i in range(8)]
    for other in others:
        add_member(people["community"], other)
    room = services.open_conversation(actor=people["anna"], others=others[:7])
    with pytest.raises(IntegrityError), transaction.atomic():
        RoomMember.objects.create(room=room, user=others[7])
    # A community room has no such limit.
    community_room = people["community"].rooms.get()
    for other in others:
        RoomMember.objects.create(room=community_room, user=other)


def test_the_database_keeps_direct_rooms_restricted_with_a_key(people: dict[str, Any]) -> None:
    community = people["community"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Room.objects.create(community=community, name="x", slug="x", kind=RoomKind.DIRECT, direct_key="1-2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Room.objects.create(community=community, name="y", slug="y", direct_key="1-2", is_restricted=True)


# --- who may message me, blocks --------------------------------------------------------------


def test_default_is_people_in_my_communities(people: dict[str, Any]) -> None:
    with pytest.raises(Forbidden) as refused:
        services.open_conversation(actor=people["stan"], others=[people["anna"]])
    assert refused.value.code == permissions.NO_SHARED_COMMUNITY
    services.set_message_setting(actor=people["anna"], who_may_message=WhoMayMessage.EVERYONE)
    room = services.open_conversation(actor=people["stan"], others=[people["anna"]])
    post(people["stan"], room)
    post(people["anna"], room)


def test_nobody_refuses_new_conversations_but_a_starter_hears_answers(people: dict[str, Any]) -> None:
    anna, bram = people["anna"], people["bram"]
    services.set_message_setting(actor=bram, who_may_message=WhoMayMessage.NOBODY)
    with pytest.raises(Forbidden) as refused:
        services.open_conversation(actor=anna, others=[bram])
    assert refused.value.code == permissions.NOT_ACCEPTED
    # Bram starts one himself: Anna may answer him although he accepts no new messages.
    room = services.open_conversation(actor=bram, others=[anna])
    post(bram, room)
    post(anna, room, "Antwoord")
    with pytest.raises(Invalid):
        services.set_message_setting(actor=bram, who_may_message="iedereen")


def test_a_blocked_member_cannot_start_or_post(people: dict[str, Any]) -> None:
    anna, bram = people["anna"], people["bram"]
    room = services.open_conversation(actor=bram, others=[anna])
    post(bram, room, "Voor de blokkade")
    services.block_member(actor=anna, user=bram)
    before = selectors.unread_total(user=anna)
    with pytest.raises(Forbidden) as refused:
        post(bram, room, "Na de blokkade")
    assert refused.value.code == permissions.BLOCKED
    Room.objects.filter(pk=room.pk).update(direct_key="other")  # no shortcut through the existing room
    with pytest.raises(Forbidden):
        services.open_conversation(actor=bram, others=[anna])
    assert selectors.unread_total(user=anna) == before  # nothing new is counted for Anna
    assert selectors.post_blocked_reason(bram, room) == permissions.refusal_message(permissions.BLOCKED)
    services.unblock_member(actor=anna, user=bram)
    post(bram, room, "Weer welkom")
    with pytest.raises(Invalid):
        services.block_member(actor=anna, user=anna)


def test_an_outsider_can_neither_read_nor_post(people: dict[str, Any]) -> None:
    room = services.open_conversation(actor=people["anna"], others=[people["bram"]])
    post(people["anna"], room, "GEHEIM-DM")
    topic = room.topics.get()
    stan = login(people["stan"])
    assert stan.get(topic.get_absolute_url()).status_code == 404
    assert stan.get(f"/gemeenschappen/berichten/{room.pk}/").status_code == 404
    answer = stan.post(topic.get_absolute_url(), {"body": "ik ook", "client_id": str(uuid.uuid4())})
    assert answer.status_code == 404
    assert room.messages.count() == 1
    with pytest.raises(Exception):  # noqa: B017 - NotFound, as for any room one may not read
        post(people["stan"], room)
    # The platform admin does not read conversations either.
    admin = people["owner"]
    admin.is_superuser = True
    admin.save()
    assert login(admin).get(topic.get_absolute_url()).status_code == 404


def test_direct_rooms_stay_out_of_communities_directory_and_search(people: dict[str, Any]) -> None:
    community = people["community"]
    count = Community.objects.get(pk=community.pk).member_count
    room = services.open_conversation(actor=people["anna"], others=[people["bram"]])
    post(people["anna"], room, "warmtepomp geheimpje")
    assert Community.objects.get(pk=community.pk).member_count == count
    assert room.community.slug not in [
        c.slug for c in selectors.directory(actor=people["stan"], filters=selectors.DirectoryFilters())["page"]
    ]
    assert room.pk not in [r.pk for r in selectors.readable_rooms(actor=people["anna"], community=community)]
    anna_found = selectors.search(actor=people["anna"], q="geheimpje")["page"]
    stan_found = selectors.search(actor=people["stan"], q="geheimpje")["page"]
    assert len(list(anna_found)) == 1
    assert len(list(stan_found)) == 0
    assert login(people["stan"]).get(f"/gemeenschappen/{room.community.slug}/").status_code == 404


# --- unread, the sidebar and the list ----------------------------------------------------------


def test_unread_in_the_sidebar_and_header(people: dict[str, Any]) -> None:
    anna, bram = people["anna"], people["bram"]
    room = services.open_conversation(actor=anna, others=[bram])
    post(anna, room, "een")
    post(anna, room, "twee")
    assert selectors.unread_total(user=bram) == 2
    (row,) = frontend_selectors.sidebar_conversations(user=bram)
    assert (row.id, row.name, row.unread) == (room.pk, "Anna", 2)
    assert row.url == room.topics.get().get_absolute_url()
    page = login(bram).get("/gemeenschappen/").content.decode()
    assert f'data-room-id="{room.pk}"' in page and "Anna" in page
    login(bram).get(room.topics.get().get_absolute_url())  # opening marks nothing read
    assert frontend_selectors.sidebar_conversations(user=bram)[0].unread == 2
    fresh = Room.objects.get(pk=room.pk)  # what came into sight, as the browser's read frame tells it
    services.mark_read(actor=bram, room=fresh, seq=fresh.last_seq, topic=room.topics.get())
    assert frontend_selectors.sidebar_conversations(user=bram)[0].unread == 0
    assert selectors.unread_total(user=bram) == 0
    assert frontend_selectors.sidebar_conversations(user=people["stan"]) == []


def test_list_page_and_query_bounds(people: dict[str, Any], make_user: Any, django_assert_max_num_queries: Any) -> None:
    anna = people["anna"]
    services.set_message_setting(actor=anna, who_may_message=WhoMayMessage.EVERYONE)
    for i in range(6):
        other = make_user(name=f"Persoon {i}")
        post(other, services.open_conversation(actor=other, others=[anna]))
    client = login(anna)
    with django_assert_max_num_queries(16):
        page = client.get("/gemeenschappen/berichten/")
    assert page.status_code == 200
    assert page.content.decode().count('class="card direct-row') == 6
    with django_assert_max_num_queries(16):
        assert client.get("/gemeenschappen/").status_code == 200


def test_start_over_http_redirects_to_the_conversation(people: dict[str, Any]) -> None:
    client = login(people["anna"])
    answer = client.post("/gemeenschappen/berichten/nieuw/", {"members": [people["bram"].pk]})
    room = Room.objects.get(kind=RoomKind.DIRECT)
    assert answer.status_code == 302 and answer["Location"] == room.topics.get().get_absolute_url()
    refused = client.post("/gemeenschappen/berichten/nieuw/", {"members": [people["stan"].pk]}, follow=True)
    assert "share a community" in refused.content.decode() or "gemeenschap" in refused.content.decode()
    for bad in ({"members": ["x"]}, {"members": []}, {"members": ["99999999999999"]}, {}):
        assert client.post("/gemeenschappen/berichten/nieuw/", bad).status_code == 302
    assert Room.objects.filter(kind=RoomKind.DIRECT).count() == 1


def test_the_topic_page_names_the_conversation(people: dict[str, Any]) -> None:
    room = services.open_conversation(actor=people["anna"], others=[people["bram"]])
    page = login(people["anna"]).get(room.topics.get().get_absolute_url()).content.decode()
    assert '<h1 class="conversation-title">Bram</h1>' in page
    assert f"/gemeenschappen/berichten/{room.pk}/melden/" in page
    assert "Manage topic" not in page and "Onderwerp beheren" not in page


def test_settings_page(people: dict[str, Any]) -> None:
    client = login(people["anna"])
    assert client.get("/gemeenschappen/berichten/instellingen/").status_code == 200
    assert client.post("/gemeenschappen/berichten/instellingen/", {"who_may_message": "nobody"}).status_code == 302
    assert selectors.message_setting(user=people["anna"]) == "nobody"
    assert client.post("/gemeenschappen/berichten/instellingen/", {"who_may_message": "x"}).status_code == 400
    client.post(f"/gemeenschappen/lid/{people['stan'].pk}/blokkeren/", {"action": "block"})
    assert Block.objects.filter(blocker=people["anna"], blocked=people["stan"]).exists()
    assert "Stan" in client.get("/gemeenschappen/berichten/instellingen/").content.decode()
    client.post(f"/gemeenschappen/lid/{people['stan'].pk}/blokkeren/", {"action": "unblock"})
    assert not Block.objects.exists()


# --- reports --------------------------------------------------------------------------------------


def test_report_goes_to_platform_moderators(people: dict[str, Any]) -> None:
    anna, bram = people["anna"], people["bram"]
    room = services.open_conversation(actor=anna, others=[bram])
    client = login(anna)
    assert client.post(f"/gemeenschappen/berichten/{room.pk}/melden/", {"reason": "Niets"}).status_code == 400
    post(bram, room, "iets onaardigs")
    assert client.get(f"/gemeenschappen/berichten/{room.pk}/melden/").status_code == 200
    assert client.post(f"/gemeenschappen/berichten/{room.pk}/melden/", {"reason": "Onaardig"}).status_code == 302
    flag = Flag.objects.get()
    assert flag.message.body == "iets onaardigs" and flag.state == FlagState.OPEN
    assert login(bram).get("/gemeenschappen/berichten/gemeld/").status_code == 404
    assert (
        login(people["stan"]).post(f"/gemeenschappen/berichten/{room.pk}/melden/", {"reason": "x"}).status_code == 404
    )
    admin = people["owner"]
    admin.is_superuser = True
    admin.save()
    moderator = login(admin)
    queue = moderator.get("/gemeenschappen/berichten/gemeld/").content.decode()
    assert "iets onaardigs" in queue and "Onaardig" in queue
    assert moderator.post("/gemeenschappen/berichten/gemeld/", {"room": room.pk}).status_code == 302
    assert Flag.objects.get().state == FlagState.RESOLVED
    with pytest.raises(Forbidden):
        services.resolve_conversation_reports(actor=anna, room=room)


# --- privacy -------------------------------------------------------------------------------------


def test_export_and_deletion(people: dict[str, Any]) -> None:
    anna, bram = people["anna"], people["bram"]
    room = services.open_conversation(actor=anna, others=[bram])
    mine = post(anna, room, "van Anna")
    services.block_member(actor=anna, user=people["stan"])
    services.set_message_setting(actor=anna, who_may_message=WhoMayMessage.EVERYONE)
    data = privacy.export_member_data(user=anna)
    assert data["direct_conversations"] == [{"room": room.pk, "with": ["Bram"], "my_messages": [mine.pk]}]
    assert data["direct_message_setting"] == "everyone"
    assert [b["user"] for b in data["blocked_members"]] == [people["stan"].pk]
    privacy.delete_account(user=anna)
    room.refresh_from_db()
    assert list(room.room_members.values_list("user_id", flat=True)) == [bram.pk]
    assert not Block.objects.exists()
    assert room.messages.get().author_id is None  # Bram keeps the conversation; Anna is a former member


# --- the member card and the member list -----------------------------------------------------


def test_member_card(people: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    anna, bram, stan = people["anna"], people["bram"], people["stan"]
    client = login(anna)
    with django_assert_max_num_queries(12):
        card = client.get(f"/gemeenschappen/lid/{bram.pk}/?fragment=1")
    html = card.content.decode()
    assert card.status_code == 200 and "<html" not in html
    assert "Bram" in html and people["community"].name in html
    assert 'name="members"' in html and f"/mentoring/voorstellen/{bram.pk}/" in html
    stranger = client.get(f"/gemeenschappen/lid/{stan.pk}/?fragment=1").content.decode()
    assert 'name="members"' not in stranger  # Stan accepts messages from his communities only
    page = client.get(f"/gemeenschappen/lid/{bram.pk}/")
    assert page.status_code == 200 and "<html" in page.content.decode()
    assert client.get("/gemeenschappen/lid/99999999/").status_code == 404
    assert Client().get(f"/gemeenschappen/lid/{bram.pk}/").status_code == 302


def test_member_list_search_and_filters(
    people: dict[str, Any], make_user: Any, add_member: Any, django_assert_max_num_queries: Any
) -> None:
    from accounts.models import Organisation, Sector

    community = people["community"]
    energie = Sector.objects.first()
    assert energie is not None
    org = Organisation.objects.create(name="Hogeschool Utrecht", kind="hbo")
    docent = make_user(name="Dora Docent")
    docent.profile.work_situation = "teacher"
    docent.profile.organisation = org
    docent.profile.save()
    docent.profile.sectors.add(energie)
    add_member(community, docent)
    for i in range(3):
        add_member(community, make_user(name=f"Extra {i}"))
    client = login(people["anna"])
    url = f"/gemeenschappen/{community.slug}/leden/"
    with django_assert_max_num_queries(20):
        everyone = client.get(url).content.decode()
    assert "Dora Docent" in everyone and "Extra 2" in everyone and f'data-member-card="{docent.pk}"' in everyone
    by_org = client.get(url, {"q": "utrecht"}).content.decode()
    assert "Dora Docent" in by_org and "Extra 2" not in by_org
    by_role = client.get(url, {"work_situation": "teacher"}).content.decode()
    assert "Dora Docent" in by_role and "Anna" not in by_role.split("members-table")[1]
    by_sector = client.get(url, {"sector": energie.slug}).content.decode()
    assert "Dora Docent" in by_sector and "Extra 1" not in by_sector
    assert client.get(url, {"sector": "nope", "q": "x" * 500}).status_code == 200


def test_a_conversation_keeps_its_one_topic(people: dict[str, Any]) -> None:
    room = services.open_conversation(actor=people["anna"], others=[people["bram"]])
    with pytest.raises(Forbidden):
        services.create_topic(actor=people["anna"], room=room, title="Tweede")
    client = login(people["anna"])
    room_page = f"/gemeenschappen/{room.community.slug}/{room.slug}/"
    assert client.get(room_page)["Location"] == f"/gemeenschappen/berichten/{room.pk}/"
    answer = client.post(room_page, {"title": "Tweede", "body": "x", "client_id": str(uuid.uuid4())})
    assert answer.status_code == 302
    assert room.topics.count() == 1
    assert login(people["stan"]).get(room_page).status_code == 404


def test_a_direct_message_notifies_the_other_participants_once(people: dict[str, Any], make_user: Any) -> None:
    """Kind direct_message for everyone else in the conversation, per message; no reply or mention
    notification besides it (they would say the same thing twice)."""
    anna, bram = people["anna"], people["bram"]
    room = services.open_conversation(actor=anna, others=[bram])
    post(anna, room, "Hoi @**Bram**")
    post(bram, room, "Hoi!")
    post(anna, room, "Zullen we bellen?")
    to_bram = list(Notification.objects.filter(user=bram).values_list("kind", flat=True))
    to_anna = list(Notification.objects.filter(user=anna).values_list("kind", flat=True))
    assert to_bram == [NotificationKind.DIRECT_MESSAGE] * 2
    assert to_anna == [NotificationKind.DIRECT_MESSAGE]
    first = Notification.objects.filter(user=bram).order_by("pk").first()
    assert first is not None and first.url.startswith(room.topics.get().get_absolute_url())


def test_the_composer_names_the_people_not_the_internal_topic(people: dict[str, Any]) -> None:
    """A direct conversation's one topic is called "Gesprek" inside; the composer says whom you
    write to (before: 'Bericht in “Gesprek”')."""
    anna, bram = people["anna"], people["bram"]
    room = services.open_conversation(actor=anna, others=[bram])
    html = login(anna).get(room.topics.get().get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert 'placeholder="Bericht aan Bram"' in html
    assert "Bericht in “" not in html


def test_member_card_lists_a_few_communities_in_common_then_how_many_more(
    people: dict[str, Any], add_member: Any
) -> None:
    from forum import services
    from forum.selectors.direct import COMMON_SHOWN

    anna, bram = people["anna"], people["bram"]
    for n in range(COMMON_SHOWN + 3):
        community = services.create_community(
            actor=anna, name=f"Kring {n:02d}", kind="hub", description="d", waaromvraag="w"
        )
        add_member(community, bram)
    html = login(anna).get(f"/gemeenschappen/lid/{bram.pk}/?fragment=1").content.decode()
    listed = html.count('class="tag" href="/gemeenschappen/')
    assert listed == COMMON_SHOWN, listed
    # 8 made here plus the fixture's one: 9 in common, 5 listed.
    assert "en nog 4" in html
