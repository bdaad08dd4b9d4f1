"""Every forum service × role × community visibility × open/restricted room.

Expectations are written out here, not derived from ``forum.permissions``. Each call
runs in a savepoint that is rolled back, so the cells do not influence each other.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from forum import services
from forum.errors import ForumError, RateLimited
from forum.models import Membership, MembershipState, Role

pytestmark = pytest.mark.django_db

ROLES = ["non_member", "requested", "member", "facilitator", "owner", "banned", "admin"]
READERS = {
    "open": {"non_member", "requested", "member", "facilitator", "owner", "admin"},
    "on_request": {"member", "facilitator", "owner", "admin"},
    "invite_only": {"member", "facilitator", "owner", "admin"},
}
MEMBERS = {"member", "facilitator", "owner"}
MODERATORS = {"facilitator", "owner", "admin"}
LISTED = {"member", "owner"}  # the restricted room lists its creator (owner) and the member


class Rollback(Exception):
    pass


def _expected(action: str, role: str, visibility: str, restricted: bool) -> bool:
    readers = LISTED if restricted else READERS[visibility]
    writers = LISTED if restricted else MEMBERS
    return {
        "create_topic": role in writers,
        "post_message": role in writers,
        "react": role in writers,
        "edit_own_of_owner": role == "owner",
        "delete_message_of_owner": role in readers and (role == "owner" or role in MODERATORS),
        "pin_message": role in readers and role in MODERATORS,
        "hide_message": role in readers and role in MODERATORS,
        "flag_message": role in readers,
        "mark_read": role in readers,
        "rename_topic": role in readers and (role == "owner" or role in MODERATORS),
        "create_room": role in MODERATORS,
        "update_room": role in MODERATORS,
        "invite": role in MODERATORS,
        "change_role_of_member": role in {"owner", "admin"},
        "ban_target": role in MODERATORS,
        "mute_target": role in MODERATORS,
        "join_community": role in {"non_member", "admin"} and visibility != "invite_only",
    }[action]


def _actions(
    users: dict[str, Any], community: Any, room: Any, topic: Any, message: Any, target: Any
) -> dict[str, Callable[[Any], Any]]:
    target_membership = Membership.objects.get(community=community, user=target)
    return {
        "create_topic": lambda u: services.create_topic(actor=u, room=room, title="Nieuw"),
        "post_message": lambda u: services.post_message(actor=u, topic=topic, body="hoi", client_id=uuid.uuid4()),
        "react": lambda u: services.react(actor=u, message=message, emoji="👍"),
        "edit_own_of_owner": lambda u: services.edit_message(actor=u, message=message, body="anders"),
        "delete_message_of_owner": lambda u: services.delete_message(actor=u, message=message),
        "pin_message": lambda u: services.pin_message(actor=u, message=message, pinned=True),
        "hide_message": lambda u: services.hide_message(actor=u, message=message, hidden=True),
        "flag_message": lambda u: services.flag_message(actor=u, message=message, reason="kijk even"),
        "mark_read": lambda u: services.mark_read(actor=u, room=room, seq=1),
        "rename_topic": lambda u: services.rename_topic(actor=u, topic=topic, title="Hernoemd"),
        "create_room": lambda u: services.create_room(actor=u, community=community, name="Extra"),
        "update_room": lambda u: services.update_room(actor=u, room=room, slow_mode_seconds=5),
        "invite": lambda u: services.invite(actor=u, community=community, email="nieuw@example.nl"),
        "change_role_of_member": lambda u: services.change_role(
            actor=u, membership=target_membership, role=Role.FACILITATOR
        ),
        "ban_target": lambda u: services.ban_member(actor=u, community=community, user=target),
        "mute_target": lambda u: services.mute_member(actor=u, community=community, user=target, minutes=5),
        "join_community": lambda u: services.join_community(actor=u, community=community),
    }


@pytest.mark.parametrize("visibility", ["open", "on_request", "invite_only"])
@pytest.mark.parametrize("restricted", [False, True], ids=["open_room", "restricted_room"])
def test_service_matrix(visibility: str, restricted: bool, make_user) -> None:  # type: ignore[no-untyped-def]
    users = {role: make_user(name=f"{role}") for role in ROLES}
    users["admin"].is_superuser = True
    users["admin"].save()
    target = make_user(name="doelwit")
    community = services.create_community(
        actor=users["owner"], name="Kring", kind="hub", description="d", waaromvraag="w", visibility=visibility
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
    Membership.objects.create(community=community, user=target, state=MembershipState.ACTIVE)
    room = community.rooms.get()
    if restricted:
        room = services.create_room(
            actor=users["owner"], community=community, name="Besloten", restricted=True, members=[users["member"]]
        )
    topic = services.create_topic(actor=users["owner"], room=room, title="Onderwerp")
    message = services.post_message(actor=users["owner"], topic=topic, body="eerste", client_id=uuid.uuid4())
    actions = _actions(users, community, room, topic, message, target)

    failures = []
    cells = 0
    for role in ROLES:
        for name, action in actions.items():
            cells += 1
            expected = _expected(name, role, visibility, restricted)
            user = type(users[role]).objects.get(pk=users[role].pk)  # fresh: no cached memberships
            try:
                with transaction.atomic():
                    action(user)
                    raise Rollback
            except Rollback:
                allowed = True
            except RateLimited:
                allowed = True
            except ForumError:
                allowed = False
            if allowed != expected:
                failures.append(
                    f"{role}/{name}: {'allowed' if allowed else 'refused'}, expected {'allowed' if expected else 'refused'}"
                )
    print(f"service matrix {visibility}/{'restricted' if restricted else 'open'} room: {cells} cells")
    assert not failures, "\n".join(failures)
