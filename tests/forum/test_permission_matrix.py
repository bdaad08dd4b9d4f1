"""Role × visibility × room × action: each cell allowed or refused as intended.

The expectations are written out here, independently of ``forum.permissions``, and a
refusal must carry none of the room's data.
"""

from __future__ import annotations

import uuid

import pytest

from forum import services
from forum.models import Membership, MembershipState, Message, Role

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "non_member", "requested", "member", "facilitator", "owner", "banned", "admin"]
SECRET = "Vertrouwelijke begroting 4711"

# Expected outcomes. Unrestricted room:
READ = {
    "open": {"non_member", "requested", "member", "facilitator", "owner", "admin"},
    "on_request": {"member", "facilitator", "owner", "admin"},
    "invite_only": {"member", "facilitator", "owner", "admin"},
}
VIEW_COMMUNITY = {
    "open": {"anonymous", "non_member", "requested", "member", "facilitator", "owner", "admin"},
    "on_request": {"anonymous", "non_member", "requested", "member", "facilitator", "owner", "admin"},
    "invite_only": {"member", "facilitator", "owner", "admin"},
}
POST = {"member", "facilitator", "owner"}
MODERATE = {"facilitator", "owner", "admin"}
# Restricted room: only the listed people (the owner who made it and the listed member).
RESTRICTED_READ = {"member", "owner"}
RESTRICTED_POST = {"member", "owner"}


def _setup(visibility: str, make_user):  # type: ignore[no-untyped-def]
    users = {role: make_user(name=f"{role} {visibility}") for role in ROLES if role != "anonymous"}
    users["admin"].is_superuser = True
    users["admin"].is_staff = True
    users["admin"].save()
    community = services.create_community(
        actor=users["owner"],
        name=f"Kring {visibility}",
        kind="hub",
        description="d",
        waaromvraag="w",
        visibility=visibility,
    )
    states = {
        "requested": MembershipState.REQUESTED,
        "member": MembershipState.ACTIVE,
        "facilitator": MembershipState.ACTIVE,
        "banned": MembershipState.BANNED,
    }
    for role, state in states.items():
        Membership.objects.create(
            community=community,
            user=users[role],
            state=state,
            role=Role.FACILITATOR if role == "facilitator" else Role.MEMBER,
        )
    open_room = community.rooms.get()
    restricted = services.create_room(
        actor=users["owner"], community=community, name="Bestuur", restricted=True, members=[users["member"]]
    )
    topics = {}
    for key, room in [("open", open_room), ("restricted", restricted)]:
        topic = services.create_topic(actor=users["owner"], room=room, title=f"Onderwerp {key}")
        services.post_message(actor=users["owner"], topic=topic, body=SECRET, client_id=uuid.uuid4())
        topics[key] = topic
    return users, community, topics


@pytest.mark.parametrize("visibility", ["open", "on_request", "invite_only"])
def test_permission_matrix(visibility: str, client, make_user) -> None:  # type: ignore[no-untyped-def]
    users, community, topics = _setup(visibility, make_user)
    cells = 0
    failures: list[str] = []

    def check(role: str, action: str, allowed: bool, response, secret: str | None = None) -> None:  # type: ignore[no-untyped-def]
        nonlocal cells
        cells += 1
        ok_status = response.status_code in {200, 302} if allowed else response.status_code in {302, 403, 404}
        body = response.content.decode(errors="replace")
        if not allowed and response.status_code == 302 and "/accounts/login/" not in response.get("Location", ""):
            ok_status = action.startswith("post")  # a refused post redirects back with an error
        leaked = secret is not None and not allowed and secret in body
        if not ok_status or leaked:
            failures.append(f"{visibility}/{role}/{action}: status {response.status_code}, leaked={leaked}")

    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        check(
            role,
            "view_community",
            role in VIEW_COMMUNITY[visibility],
            client.get(community.get_absolute_url()),
            "Kring",
        )
        for key, topic in topics.items():
            readers = READ[visibility] if key == "open" else RESTRICTED_READ
            posters = POST if key == "open" else RESTRICTED_POST
            check(role, f"read_{key}", role in readers, client.get(topic.get_absolute_url()), SECRET)
            before = Message.objects.filter(topic=topic).count()
            response = client.post(topic.get_absolute_url(), {"body": "poging", "client_id": str(uuid.uuid4())})
            created = Message.objects.filter(topic=topic).count() - before
            cells += 1
            if created != (1 if role in posters else 0):
                failures.append(f"{visibility}/{role}/post_{key}: created {created} (status {response.status_code})")
        check(role, "moderate", role in MODERATE, client.get(f"/gemeenschappen/{community.slug}/moderatie/"))
    print(f"permission matrix {visibility}: {cells} cells")
    assert not failures, "\n".join(failures)
