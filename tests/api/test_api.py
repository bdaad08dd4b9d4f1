"""The REST API's own behaviour: tokens, scopes, problem+json, the message cursor, idempotent posts."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from api import services as api_services
from api.models import AccessToken
from forum.models import Message

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_a_hash_and_works_until_revoked(api_world: Any, token_client: Any) -> None:
    token, secret = api_services.create_token(actor=api_world.member, name="portaal", scopes=["read"])
    stored = AccessToken.objects.get(pk=token.pk)
    assert secret not in str(stored.__dict__.values())
    assert stored.token_hash == api_services.hash_secret(secret)
    client = token_client(api_world.member)
    client.secret = secret
    assert client.get("/api/v1/memberships/").status_code == 200
    api_services.revoke_token(actor=api_world.member, token_id=token.pk)
    answer = client.get("/api/v1/memberships/")
    assert answer.status_code == 401
    assert answer["Content-Type"] == "application/problem+json"
    assert answer["WWW-Authenticate"].startswith("Bearer")
    assert answer.json()["code"] == "authentication_failed"


def test_without_credentials_the_answer_is_a_401_problem(api_world: Any, client: Any) -> None:
    answer = client.get("/api/v1/communities/")
    assert answer.status_code == 401
    assert answer["Content-Type"] == "application/problem+json"
    body = answer.json()
    assert body["status"] == 401 and body["code"] == "not_authenticated" and body["type"].endswith("/not_authenticated")


def test_scopes_read_cannot_write(api_world: Any, token_client: Any) -> None:
    reader = token_client(api_world.member, scopes=("read",))
    answer = reader.post(
        f"/api/v1/rooms/{api_world.room.pk}/messages/",
        {"topic": api_world.topic.pk, "body": "hallo", "client_id": str(uuid.uuid4())},
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "permission_denied"
    assert "write" in answer.json()["detail"]
    assert reader.get(f"/api/v1/rooms/{api_world.room.pk}/messages/").status_code == 200


def test_messages_page_by_seq_cursor(api_world: Any, token_client: Any) -> None:
    from forum import services as forum_services

    for n in range(4):
        forum_services.post_message(
            actor=api_world.owner, topic=api_world.topic, body=f"bericht {n}", client_id=uuid.uuid4()
        )
    client = token_client(api_world.member)
    seen: list[int] = []
    after = 0
    while True:
        page = client.get(f"/api/v1/rooms/{api_world.room.pk}/messages/", after=after, limit=2).json()
        seen += [m["seq"] for m in page["results"]]
        if page["next_after"] is None:
            break
        after = page["next_after"]
    assert seen == [1, 2, 3, 4, 5]
    assert page["head_seq"] == 5


def test_messages_page_has_bounded_queries(
    api_world: Any, token_client: Any, django_assert_max_num_queries: Any
) -> None:
    from forum import services as forum_services

    for n in range(30):
        forum_services.post_message(
            actor=api_world.owner, topic=api_world.topic, body=f"b {n} :)", client_id=uuid.uuid4()
        )
    client = token_client(api_world.member)
    client.get("/api/v1/memberships/")  # warm the token's last-used write
    with django_assert_max_num_queries(8):
        answer = client.get(f"/api/v1/rooms/{api_world.room.pk}/messages/", limit=50)
    assert len(answer.json()["results"]) == 31


def test_posting_twice_with_one_client_id_stores_once(api_world: Any, token_client: Any) -> None:
    client = token_client(api_world.member)
    key = str(uuid.uuid4())
    post = {"topic": api_world.topic.pk, "body": "Via de API", "client_id": key}
    first = client.post(f"/api/v1/rooms/{api_world.room.pk}/messages/", post)
    second = client.post(f"/api/v1/rooms/{api_world.room.pk}/messages/", post)
    assert first.status_code == 201, first.content
    assert second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Message.objects.filter(client_id=key).count() == 1


def test_a_client_id_reused_in_another_room_is_a_409_problem(api_world: Any, token_client: Any) -> None:
    from forum import services as forum_services

    other = forum_services.create_community(
        actor=api_world.owner, name="Tweede", kind="hub", description="d", waaromvraag="w", visibility="open"
    )
    forum_services.join_community(actor=api_world.member, community=other)
    other_room = other.rooms.get()
    other_topic = forum_services.create_topic(actor=api_world.owner, room=other_room, title="Ander")
    client = token_client(api_world.member)
    key = str(uuid.uuid4())
    assert (
        client.post(
            f"/api/v1/rooms/{api_world.room.pk}/messages/", {"topic": api_world.topic.pk, "body": "a", "client_id": key}
        ).status_code
        == 201
    )
    answer = client.post(
        f"/api/v1/rooms/{other_room.pk}/messages/", {"topic": other_topic.pk, "body": "b", "client_id": key}
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "client_id_reused" and answer.json()["field"] == "client_id"


def test_validation_errors_name_their_field(api_world: Any, token_client: Any) -> None:
    client = token_client(api_world.member)
    answer = client.post(f"/api/v1/rooms/{api_world.room.pk}/messages/", {"topic": "x", "body": ""})
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"topic", "body", "client_id"}


def test_private_rooms_are_not_found_for_outsiders(api_world: Any, token_client: Any) -> None:
    client = token_client(api_world.outsider)
    for path in (
        f"/api/v1/rooms/{api_world.private_room.pk}/",
        f"/api/v1/rooms/{api_world.private_room.pk}/messages/",
        f"/api/v1/topics/{api_world.private_topic.pk}/",
        f"/api/v1/communities/{api_world.private.slug}/",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert b"GEHEIM" not in answer.content
    listing = client.get("/api/v1/communities/")
    assert b"Besloten" not in listing.content


def test_unknown_addresses_are_problems_too(api_world: Any, token_client: Any) -> None:
    client = token_client(api_world.member)
    answer = client.get("/api/v1/nothing/here/")
    assert answer.status_code == 404 and answer["Content-Type"] == "application/problem+json"
    answer = client.get("/api/v1/rooms/-1/")
    assert answer.status_code == 404 and answer["Content-Type"] == "application/problem+json"


def test_reactions(api_world: Any, token_client: Any) -> None:
    client = token_client(api_world.member)
    answer = client.post(f"/api/v1/messages/{api_world.message.pk}/reactions/", {"emoji": "👍", "add": True})
    assert answer.status_code == 200, answer.content
    assert answer.json()["reactions"] == {"👍": [api_world.member.pk]}
    bad = client.post(f"/api/v1/messages/{api_world.message.pk}/reactions/", {"emoji": "nope"})
    assert bad.status_code == 400 and bad.json()["field"] == "emoji"


def test_session_needs_csrf_on_unsafe_methods(api_world: Any) -> None:
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(api_world.member)
    assert browser.get("/api/v1/memberships/").status_code == 200
    answer = browser.post(
        f"/api/v1/rooms/{api_world.room.pk}/messages/",
        {"topic": api_world.topic.pk, "body": "x", "client_id": str(uuid.uuid4())},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert "CSRF" in answer.json()["detail"]


def test_rate_limit_per_token_is_a_429_problem_with_retry_after(
    api_world: Any, token_client: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("api.throttle.API_RATE_BURST", 3)
    monkeypatch.setattr("api.throttle.API_RATE_PER_SECOND", 0.01)
    client = token_client(api_world.member)
    other = token_client(api_world.outsider)
    statuses = [client.get("/api/v1/memberships/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    answer = client.get("/api/v1/memberships/")
    assert answer["Content-Type"] == "application/problem+json" and answer.json()["code"] == "rate_limited"
    assert int(answer["Retry-After"]) >= 1
    assert other.get("/api/v1/memberships/").status_code == 200  # another token has its own bucket


def test_etag_gives_304_until_the_room_changes(api_world: Any, token_client: Any) -> None:
    from forum import services as forum_services

    client = token_client(api_world.member)
    path = f"/api/v1/rooms/{api_world.room.pk}/messages/"
    first = client.get(path)
    etag = first["ETag"]
    assert etag and "private" in first["Cache-Control"] and "Authorization" in first["Vary"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    forum_services.post_message(actor=api_world.owner, topic=api_world.topic, body="nieuw", client_id=uuid.uuid4())
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_cors_is_off_by_default_and_follows_the_setting(api_world: Any, token_client: Any, settings: Any) -> None:
    client = token_client(api_world.member)
    origin = {"Origin": "https://portaal.example"}
    assert "Access-Control-Allow-Origin" not in client.get("/api/v1/memberships/", headers=origin)
    settings.CORS_ALLOWED_ORIGINS = ["https://portaal.example"]
    answer = client.get("/api/v1/memberships/", headers=origin)
    assert answer["Access-Control-Allow-Origin"] == "https://portaal.example"
    assert "Access-Control-Allow-Credentials" not in answer
    page = client.client.get("/", headers=origin)
    assert "Access-Control-Allow-Origin" not in page  # only /api/v1/


def test_an_address_with_a_newline_is_a_problem_too(api_world: Any, token_client: Any) -> None:
    """Found by Schemathesis: the catch-all's ``.*`` stopped at a newline, so Django's HTML 404 answered."""
    answer = token_client(api_world.member).get("/api/v1/communities/a%0Ab/")
    assert answer.status_code == 404 and answer["Content-Type"] == "application/problem+json"
