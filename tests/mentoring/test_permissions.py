"""Who sees a pair's agreement, sessions and reflections: the two, the coordinator only
where both allowed it, and no one else (a 404 that gives nothing away)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentoring import permissions, services
from mentoring.models import Relationship, Session

pytestmark = pytest.mark.django_db

SECRET_NOTES = "Gedeelde notitie 7c1f"
PRIVATE_REFLECTION = "Prive reflectie 93ab"
SHARED_REFLECTION = "Gedeelde reflectie 5d2e"
AGREEMENT_TEXT = "Vertrouwelijk afgesproken e81b"


@pytest.fixture
def world(active_pair: Relationship, make_user: Any) -> dict[str, Any]:
    rel = active_pair
    a, b = rel.person_a, rel.person_b
    services.log_session(
        actor=a,
        relationship=rel,
        held_on=timezone.localdate(),
        mode="online",
        shared_notes=SECRET_NOTES,
        reflection=services.ReflectionInput(went_well=PRIVATE_REFLECTION, shared=False),
    )
    session = Session.objects.get(relationship=rel)
    services.save_reflection(
        actor=b, session=session, data=services.ReflectionInput(ran_into=SHARED_REFLECTION, shared=True)
    )
    rel.agreement.confidentiality = AGREEMENT_TEXT
    rel.agreement.save()
    coordinator = rel.programme.coordinators.get()  # type: ignore[union-attr]
    other_coordinator = make_user(name="Andere coördinator")
    stranger = make_user(name="Buitenstaander")
    staff = make_user(name="Beheerder", is_staff=True)
    return {
        "rel": rel,
        "session": session,
        "a": a,
        "b": b,
        "coordinator": coordinator,
        "other_coordinator": other_coordinator,
        "stranger": stranger,
        "staff": staff,
    }


def _page(client: Client, user: Any, url: str) -> tuple[int, str]:
    client.force_login(user)
    response = client.get(url)
    return response.status_code, response.content.decode()


# role -> (sees pair page, sees shared notes, sees A's private reflection, sees B's shared reflection)
MATRIX_DISALLOWED = {
    "a": (True, True, True, True),
    "b": (True, True, False, True),
    "coordinator": (False, False, False, False),
    "other_coordinator": (False, False, False, False),
    "stranger": (False, False, False, False),
    "staff": (False, False, False, False),
}
MATRIX_ALLOWED = {**MATRIX_DISALLOWED, "coordinator": (True, True, False, True)}


@pytest.mark.parametrize("coordinator_allowed", [False, True])
@pytest.mark.parametrize("role", list(MATRIX_DISALLOWED))
def test_relationship_page_matrix(world: dict[str, Any], client: Client, role: str, coordinator_allowed: bool) -> None:
    rel = world["rel"]
    if coordinator_allowed:
        services.set_coordinator_access(actor=world["a"], relationship=rel, allowed=True)
        services.set_coordinator_access(actor=world["b"], relationship=rel, allowed=True)
    expected = (MATRIX_ALLOWED if coordinator_allowed else MATRIX_DISALLOWED)[role]
    status, body = _page(client, world[role], reverse("mentoring:relationship", args=[rel.pk]))
    assert (status == 200) == expected[0]
    if status != 200:
        assert status == 404
    assert (SECRET_NOTES in body) == expected[1]
    assert (AGREEMENT_TEXT in body) == expected[1]
    assert (PRIVATE_REFLECTION in body) == expected[2]
    assert (SHARED_REFLECTION in body) == expected[3]


def test_one_permission_is_not_enough_for_the_coordinator(world: dict[str, Any], client: Client) -> None:
    rel = world["rel"]
    services.set_coordinator_access(actor=world["a"], relationship=rel, allowed=True)
    status, body = _page(client, world["coordinator"], reverse("mentoring:relationship", args=[rel.pk]))
    assert status == 404 and SECRET_NOTES not in body


@pytest.mark.parametrize("role", ["coordinator", "other_coordinator", "stranger", "staff"])
def test_outsiders_cannot_act_on_the_pair(world: dict[str, Any], client: Client, role: str) -> None:
    rel, session = world["rel"], world["session"]
    # The coordinator may read when allowed, but never act.
    services.set_coordinator_access(actor=world["a"], relationship=rel, allowed=True)
    services.set_coordinator_access(actor=world["b"], relationship=rel, allowed=True)
    client.force_login(world[role])
    posts = [
        (reverse("mentoring:session_new", args=[rel.pk]), {"held_on": "2026-01-01", "mode": "online"}),
        (reverse("mentoring:reflection", args=[session.pk]), {"went_well": "x"}),
        (reverse("mentoring:change_status", args=[rel.pk]), {"action": "pause"}),
        (reverse("mentoring:coordinator_access", args=[rel.pk]), {"allowed": "0"}),
        (reverse("mentoring:closing", args=[rel.pk]), {"taught": "x", "learned": "y"}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in (403, 404), url
        assert SECRET_NOTES not in response.content.decode()
    for url in (reverse("mentoring:agreement", args=[rel.pk]), reverse("mentoring:reflection", args=[session.pk])):
        response = client.get(url)
        assert response.status_code in (403, 404)
        assert PRIVATE_REFLECTION not in response.content.decode()
    assert session.reflections.count() == 2
    rel.refresh_from_db()
    assert rel.status == "active"


def test_permission_functions_for_reflections(world: dict[str, Any]) -> None:
    rel, session = world["rel"], world["session"]
    private = session.reflections.get(author=world["a"])
    shared = session.reflections.get(author=world["b"])
    assert permissions.can_view_reflection(world["a"], private, rel)
    assert not permissions.can_view_reflection(world["b"], private, rel)
    assert permissions.can_view_reflection(world["a"], shared, rel)
    assert not permissions.can_view_reflection(world["coordinator"], shared, rel)
    assert not permissions.can_view_reflection(world["stranger"], shared, rel)


def test_room_access_follows_the_pair(world: dict[str, Any]) -> None:
    rel = world["rel"]
    assert permissions.can_join_room(world["a"], rel) and permissions.can_join_room(world["b"], rel)
    assert not permissions.can_join_room(world["coordinator"], rel)
    assert not permissions.can_join_room(world["stranger"], rel)
    services.set_coordinator_access(actor=world["a"], relationship=rel, allowed=True)
    rel = services.set_coordinator_access(actor=world["b"], relationship=rel, allowed=True)
    assert permissions.can_join_room(world["coordinator"], rel)
    assert not permissions.can_join_room(world["other_coordinator"], rel)


def test_dashboard_and_export_only_for_coordinators(world: dict[str, Any], client: Client) -> None:
    programme = world["rel"].programme
    for role, ok in [("coordinator", True), ("a", False), ("stranger", False)]:
        client.force_login(world[role])
        for name in ("mentoring:dashboard", "mentoring:export"):
            response = client.get(reverse(name, args=[programme.slug]))
            assert (response.status_code == 200) == ok, (role, name)
    client.force_login(world["coordinator"])
    body = client.get(reverse("mentoring:export", args=[programme.slug])).content.decode()
    assert SECRET_NOTES not in body and PRIVATE_REFLECTION not in body and SHARED_REFLECTION not in body
    assert world["a"].display_name in body


def test_anonymous_is_sent_to_login(world: dict[str, Any], client: Client) -> None:
    response = client.get(reverse("mentoring:relationship", args=[world["rel"].pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_pair_room_is_restricted_to_the_two_and_follows_coordinator_consent(
    world: dict[str, Any], client: Client
) -> None:
    from forum.permissions import can_post_in_room, can_read_room

    rel = world["rel"]
    room = rel.room
    assert room is not None and room.is_restricted
    assert can_read_room(world["a"], room) and can_post_in_room(world["b"], room)
    for role in ("coordinator", "other_coordinator", "stranger", "staff"):
        assert not can_read_room(world[role], room), role
        client.force_login(world[role])
        response = client.get(room.get_absolute_url())
        assert response.status_code in (403, 404), role
        assert "Our conversation" not in response.content.decode()
        assert "Ons gesprek" not in response.content.decode()
    services.set_coordinator_access(actor=world["a"], relationship=rel, allowed=True)
    assert not can_read_room(world["coordinator"], room)  # one of the two is not enough
    services.set_coordinator_access(actor=world["b"], relationship=rel, allowed=True)
    assert can_read_room(world["coordinator"], room)
    assert not can_read_room(world["other_coordinator"], room)
    services.set_coordinator_access(actor=world["b"], relationship=rel, allowed=False)
    assert not can_read_room(world["coordinator"], room)
