"""The member's own endpoints: notifications, direct conversations and mentoring (issue 18's gaps)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from accounts.models import Skill
from forum import services as forum_services
from forum.models import Message
from mentoring import services as mentoring_services
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_notifications_list_and_mark_read(api_world: Any, token_client: Any) -> None:
    forum_services.post_message(
        actor=api_world.owner, topic=api_world.topic, body="Hoi @**Mo Lid**", client_id=uuid.uuid4()
    )
    client = token_client(api_world.member)
    page = client.get("/api/v1/notifications/").json()
    assert page["count"] >= 1 and page["page"] == 1
    first = page["results"][0]
    assert first["kind"] == "mention" and first["read_at"] is None and first["topic"] == api_world.topic.pk
    assert client.get("/api/v1/notifications/", page=99).json()["code"] == "no_such_page"
    # Someone else's ids mark nothing; the member's own are marked.
    other = token_client(api_world.outsider)
    assert other.post("/api/v1/notifications/read/", {"ids": [first["id"]]}).json() == {"marked": 0}
    assert client.post("/api/v1/notifications/read/", {"ids": [first["id"]]}).json() == {"marked": 1}
    assert Notification.objects.get(pk=first["id"]).read_at is not None
    assert client.post("/api/v1/notifications/read/", {}).json()["marked"] == page["count"] - 1
    reader = token_client(api_world.member, scopes=("read",))
    assert reader.post("/api/v1/notifications/read/", {}).status_code == 403


def test_direct_conversation_read_by_cursor_and_posted_idempotently(api_world: Any, token_client: Any) -> None:
    client = token_client(api_world.member)
    opened = client.post("/api/v1/conversations/", {"members": [api_world.owner.pk]})
    assert opened.status_code == 200, opened.content
    room_id = opened.json()["id"]
    assert opened.json()["title"] == "Olga Eigenaar"
    key = str(uuid.uuid4())
    first = client.post(f"/api/v1/conversations/{room_id}/messages/", {"body": "Hallo Olga", "client_id": key})
    assert first.status_code == 201, first.content
    again = client.post(f"/api/v1/conversations/{room_id}/messages/", {"body": "Hallo Olga", "client_id": key})
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert Message.objects.filter(room_id=room_id).count() == 1
    # The same key in another room is the forum's conflict.
    clash = client.post(
        f"/api/v1/rooms/{api_world.room.pk}/messages/", {"topic": api_world.topic.pk, "body": "x", "client_id": key}
    )
    assert clash.status_code == 409 and clash.json()["code"] == "client_id_reused"
    owner = token_client(api_world.owner)
    owner.post(f"/api/v1/conversations/{room_id}/messages/", {"body": "Dag Mo", "client_id": str(uuid.uuid4())})
    read = client.get(f"/api/v1/conversations/{room_id}/messages/", after=0, limit=1).json()
    assert [m["seq"] for m in read["results"]] == [1] and read["next_after"] == 1 and read["head_seq"] == 2
    rest = client.get(f"/api/v1/conversations/{room_id}/messages/", after=1).json()
    assert [m["seq"] for m in rest["results"]] == [2] and rest["next_after"] is None
    listed = client.get("/api/v1/conversations/").json()
    assert [c["id"] for c in listed["results"]] == [room_id] and listed["results"][0]["unread"] == 1
    # Not theirs: 404, the same as a room that is not a conversation.
    outsider = token_client(api_world.outsider)
    for path in (f"/api/v1/conversations/{room_id}/messages/", f"/api/v1/conversations/{api_world.room.pk}/messages/"):
        answer = outsider.get(path)
        assert answer.status_code == 404 and answer["Content-Type"] == "application/problem+json"
    refused = outsider.post(f"/api/v1/conversations/{room_id}/messages/", {"body": "x", "client_id": str(uuid.uuid4())})
    assert refused.status_code == 404
    assert outsider.get("/api/v1/conversations/").json()["count"] == 0


def test_a_blocked_member_cannot_write(api_world: Any, token_client: Any) -> None:
    room = forum_services.open_conversation(actor=api_world.member, others=[api_world.owner])
    forum_services.block_member(actor=api_world.owner, user=api_world.member)
    answer = token_client(api_world.member).post(
        f"/api/v1/conversations/{room.pk}/messages/", {"body": "hallo", "client_id": str(uuid.uuid4())}
    )
    assert answer.status_code == 403 and answer["Content-Type"] == "application/problem+json"


def test_mentoring_profile_suggestions_pairs_and_sessions(active_pair: Any, token_client: Any, make_user: Any) -> None:
    sanne = active_pair.person_a if active_pair.person_a.display_name == "Sanne" else active_pair.person_b
    mentoring_services.log_session(
        actor=sanne, relationship=active_pair, held_on=dt.date.today(), mode="online", shared_notes="Goed gesprek"
    )
    client = token_client(sanne, scopes=("mentoring",))
    profile = client.get("/api/v1/mentoring/profile/").json()
    assert [o["skill"]["name"] for o in profile["offers"]] == ["Data-analyse"]
    skill = Skill.objects.get(name="Klantgesprekken voeren")
    changed = client.patch("/api/v1/mentoring/profile/", {"hours_per_month": 6, "wants": [{"skill": skill.pk}]})
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["hours_per_month"] == 6 and [w["skill"]["id"] for w in body["wants"]] == [skill.pk]
    assert [o["skill"]["name"] for o in body["offers"]] == ["Data-analyse"]  # left out: kept
    bad = client.patch("/api/v1/mentoring/profile/", {"offers": [{"skill": 10**9}]})
    assert bad.status_code == 400 and bad.json()["code"] == "no_such_skill"
    assert client.patch("/api/v1/mentoring/profile/", {"hours_per_month": 999}).status_code == 400
    assert client.get("/api/v1/mentoring/suggestions/").status_code == 200
    pairs = client.get("/api/v1/mentoring/pairs/").json()
    assert [p["id"] for p in pairs["results"]] == [active_pair.pk]
    assert pairs["results"][0]["partner"]["name"] == "Henk"
    sessions = client.get(f"/api/v1/mentoring/pairs/{active_pair.pk}/sessions/").json()
    assert [x["shared_notes"] for x in sessions["results"]] == ["Goed gesprek"]
    # A token without the mentoring scope reads nothing of it; someone else's pair is a 404.
    reader = token_client(sanne, scopes=("read", "write"))
    assert reader.get("/api/v1/mentoring/pairs/").status_code == 403
    stranger = token_client(make_user(name="Vreemde"), scopes=("mentoring",))
    for path in (f"/api/v1/mentoring/pairs/{active_pair.pk}/", f"/api/v1/mentoring/pairs/{active_pair.pk}/sessions/"):
        answer = stranger.get(path)
        assert answer.status_code == 404 and "Goed gesprek" not in answer.content.decode()
    fresh = stranger.get("/api/v1/mentoring/profile/").json()
    assert fresh["updated_at"] is None and fresh["offers"] == []
    assert stranger.get("/api/v1/mentoring/pairs/").json()["count"] == 0
