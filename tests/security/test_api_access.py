"""The REST API's access matrix: every operation of the OpenAPI description × scope × role × secret.

The operations come from the generated description itself, so an endpoint added later is walked
too (a path parameter this test cannot fill fails it). The secrets are the access matrix's world
(``tests/security/test_access_matrix.py``): a private community's room and meeting, a mentoring
pair's room and a direct conversation, each with marker strings, and a draft lesson; and the
member's credential of the private community, not on their public passport. For each:

- anonymous callers get 401 problem+json, always;
- a token without the scope a call needs gets 403 ``permission_denied`` (before anything is read);
- a non-member, and the platform admin for the pair's and the conversation's restricted rooms,
  get no 2xx for a secret and never a marker byte, on any operation;
- a POST/DELETE by anyone who may not changes nothing in the database;
- the member with the right scope reads their own rooms, meeting, conversation, pair and credential (200);
- the conversation and pair endpoints: another's direct conversation or mentoring pair answers
  404 (or 403 for a missing scope) and no marker byte, and no one else's list holds them; nor
  does anyone else's list of credentials hold the member's;
- no answer is a server error, and every error is ``application/problem+json``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from api import services as api_services
from forum.models import Membership, Message, Reaction, Topic
from meetings.models import Rsvp
from mentoring.models import Relationship, Session
from notifications.models import Notification
from tests.security.counts import record_count
from tests.security.test_access_matrix import MARKERS, World, _direct, _meeting

pytestmark = pytest.mark.django_db

SCOPES = ("read", "write", "mentoring", "admin")
ROLES = ("anonymous", "member", "non_member", "admin")


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                found.append((path, method.upper(), operation))
    return found


def secrets(w: World) -> dict[str, dict[str, Any]]:
    """Per secret, the value of each path parameter that names it."""
    direct = _direct(w)
    pair_room = w.pair.room
    return {
        "private community": {
            "slug": w.community.slug,
            "room_id": w.room.pk,
            "topic_id": w.topic.pk,
            "message_id": w.message.pk,
            "meeting_id": _meeting(w).pk,
        },
        "mentoring pair": {
            "slug": pair_room.community.slug,
            "room_id": pair_room.pk,
            "topic_id": pair_room.topics.get().pk,
            "message_id": Message.objects.filter(room=pair_room).latest("seq").pk,
            "pair_id": w.pair.pk,
        },
        "direct conversation": {
            "slug": direct.community.slug,
            "room_id": direct.pk,
            "topic_id": direct.topics.get().pk,
            "message_id": Message.objects.filter(room=direct).latest("seq").pk,
        },
        "private credential": {"credential_id": _secret_credential(w).uuid},
    }


def _secret_credential(w: World) -> Any:
    """The member's credential of the private community, not on their public passport (made once)."""
    from passport import services as passport_services
    from passport.models import Award

    found = Award.objects.filter(recipient=w.users["member"], achievement__name="GEHEIM-PRESTATIE").first()
    if found is None:
        achievement = passport_services.define_achievement(
            actor=w.owner, community=w.community, name="GEHEIM-PRESTATIE", description="d", criteria="c"
        )
        found = passport_services.award(actor=w.owner, achievement=achievement, recipient=w.users["member"])
    return found


# Operations about one kind of secret only: a conversation's address takes a direct room, a
# pair's takes a pair (a room of a community there is "not a conversation": 404 for everyone).
# A meeting belongs to a community (the pair's and the conversation's rooms are in system communities,
# which have none); a credential is the only secret those addresses take.
ONLY_FOR = {
    "/api/v1/conversations/{": "direct conversation",
    "/api/v1/mentoring/pairs/{": "mentoring pair",
    "/api/v1/meetings/{": "private community",
    "/api/v1/passport/credentials/{": "private credential",
}


def applies(path: str, secret_name: str) -> bool:
    for prefix, name in ONLY_FOR.items():
        if path.startswith(prefix):
            return secret_name == name
    # The credential's secret is walked only through the addresses made for it.
    return secret_name != "private credential"


def needed_scope(path: str, method: str) -> str:
    if path.startswith("/api/v1/mentoring/"):
        return "mentoring"  # reading too: api.permissions' scope_family
    return "read" if method == "GET" else "write"


def fill(path: str, values: dict[str, Any]) -> str:
    import re

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"add the path parameter {name!r} to secrets() of {__name__}"
        return str(values[name])

    return re.sub(r"\{(\w+)\}", sub, path)


def body_for(path: str, values: dict[str, Any]) -> dict[str, Any]:
    if path.endswith("/messages/"):
        return {"topic": values["topic_id"], "body": "x GEHEIM-POGING", "client_id": str(uuid.uuid4())}
    if path.endswith("/topics/"):
        return {"title": "x GEHEIM-POGING"}
    if path.endswith("/reactions/"):
        return {"emoji": "👍", "add": True}
    if path.endswith("/rsvp/"):
        return {"answer": "going"}
    return {}


def snapshot(member: Any = None) -> tuple[int, ...]:
    unread = Notification.objects.filter(user=member, read_at__isnull=True).count() if member else 0
    return (
        Message.objects.count(),
        Topic.objects.count(),
        Reaction.objects.count(),
        Membership.objects.count(),
        Relationship.objects.count(),
        Session.objects.count(),
        Rsvp.objects.count(),
        unread,  # the member's unread notifications: no one else marks them read
    )


def call(client: Client, method: str, url: str, secret: str | None, data: dict[str, Any]) -> Any:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    if method == "GET":
        return client.get(url, headers=headers)
    return client.generic(method, url, json.dumps(data), content_type="application/json", headers=headers)


def test_every_operation_scope_and_role(world: World) -> None:
    ops = operations()
    assert len(ops) >= 12, ops
    users = {
        "member": world.users["member"],
        "non_member": world.users["non_member"],
        "admin": world.users["admin"],
    }
    tokens: dict[tuple[str, str], str] = {}
    for role, user in users.items():
        for scope in SCOPES:
            if scope == "admin" and not user.is_superuser:
                continue
            tokens[(role, scope)] = api_services.create_token(actor=user, name=scope, scopes=[scope])[1]
        tokens[(role, "all")] = api_services.create_token(
            actor=user, name="all", scopes=[s for s in SCOPES if s != "admin" or user.is_superuser]
        )[1]
    client = Client()
    failures: list[str] = []
    cells = 0
    for secret_name, values in secrets(world).items():
        for path, method, _operation in ops:
            if not applies(path, secret_name):
                continue
            url = fill(path, values)
            needed = needed_scope(path, method)
            for role in ROLES:
                scopes = [None] if role == "anonymous" else [s for (r, s) in tokens if r == role]
                for scope in scopes:
                    if method == "DELETE" and role in ("member", "admin") and path.endswith("/membership/"):
                        continue  # leaving is their right (tests/api); it would end the walk's own access
                    secret = tokens[(role, scope)] if scope else None
                    before = snapshot(world.users["member"])
                    response = call(client, method, url, secret, body_for(path, values))
                    after = snapshot(world.users["member"])
                    cells += 1
                    status = response.status_code
                    label = f"{method} {url} ({secret_name}) as {role} with {scope}: {status}"
                    text = response.content.decode(errors="replace")
                    if status >= 500:
                        failures.append(f"server error: {label}")
                        continue
                    if status >= 400 and response["Content-Type"] != "application/problem+json":
                        failures.append(f"not problem+json: {label} {response['Content-Type']}")
                    if role == "anonymous" and status != 401:
                        failures.append(f"anonymous not 401: {label}")
                    refused = status == 403 and response.json().get("code") == "permission_denied"
                    if role != "anonymous" and scope not in ("all", needed) and not refused:
                        failures.append(f"missing scope not refused: {label}")
                    may_read = role == "member" or (role == "admin" and secret_name == "private community")
                    if not may_read:
                        if 200 <= status < 300 and "{" in path:  # lists: checked for markers and below
                            failures.append(f"a secret answered 2xx: {label}")
                        if leaked := [m for m in MARKERS if m in text]:
                            failures.append(f"leak {leaked}: {label}")
                        if after != before:
                            failures.append(f"changed the database {before} -> {after}: {label}")
                    elif method == "GET" and scope in (needed, "all") and "{" in path:
                        if path.startswith("/api/v1/communities/") and secret_name != "private community":
                            continue  # pair and conversation rooms live in system communities, not listed
                        if status != 200:
                            failures.append(f"the member cannot read their own: {label}")
    # Lists: an outsider's lists name no secret; the platform admin's hold no one else's
    # conversations or pairs.
    for path in ("/api/v1/communities/", "/api/v1/memberships/", "/api/v1/notifications/", "/api/v1/conversations/"):
        text = call(client, "GET", path, tokens[("non_member", "read")], {}).content.decode()
        if world.community.slug in text or any(m in text for m in MARKERS):
            failures.append(f"{path} names the private community to an outsider")
    for role in ("non_member", "admin"):
        for path in (
            "/api/v1/conversations/",
            "/api/v1/mentoring/pairs/",
            "/api/v1/notifications/",
            "/api/v1/passport/credentials/",
        ):
            body = call(client, "GET", path, tokens[(role, "all")], {}).json()
            if body.get("count") != 0:
                failures.append(f"{path} lists someone else's as {role}: {body}")
    # The member's own lists do hold them (so the walk above tested something).
    own = {
        p: call(client, "GET", p, tokens[("member", "all")], {}).json()
        for p in ("/api/v1/conversations/", "/api/v1/mentoring/pairs/")
    }
    if [r["id"] for r in own["/api/v1/conversations/"]["results"]] != [_direct(world).pk]:
        failures.append(f"the member's conversations: {own['/api/v1/conversations/']}")
    if world.pair.pk not in [r["id"] for r in own["/api/v1/mentoring/pairs/"]["results"]]:
        failures.append(f"the member's pairs: {own['/api/v1/mentoring/pairs/']}")
    credentials = call(client, "GET", "/api/v1/passport/credentials/", tokens[("member", "read")], {}).json()
    if str(_secret_credential(world).uuid) not in [r["id"] for r in credentials["results"]]:
        failures.append(f"the member's credentials: {credentials}")
    record_count("API access matrix", f"{cells} calls ({len(ops)} operations × scopes × roles × 4 secrets)")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:60])
