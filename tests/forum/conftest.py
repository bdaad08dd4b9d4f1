from __future__ import annotations

from typing import Any

import pytest

from forum import services
from forum.models import Membership, MembershipState, Role


@pytest.fixture
def owner(make_user: Any) -> Any:
    return make_user(name="Olga Owner")


@pytest.fixture
def make_community(owner: Any) -> Any:
    def make(visibility: str = "open", name: str = "Energie Kring") -> Any:
        return services.create_community(
            actor=owner,
            name=name,
            kind="kenniskring",
            description="Over warmtepompen.",
            waaromvraag="Samen de energietransitie leren.",
            visibility=visibility,
        )

    return make


@pytest.fixture
def add_member() -> Any:
    def add(community: Any, user: Any, role: str = Role.MEMBER, state: str = MembershipState.ACTIVE) -> Membership:
        membership, _ = Membership.objects.update_or_create(
            community=community, user=user, defaults={"role": role, "state": state}
        )
        return membership

    return add
