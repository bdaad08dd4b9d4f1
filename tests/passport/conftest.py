from __future__ import annotations

import pytest

from accounts.models import User
from forum.models import Community, Membership, MembershipState, Role
from passport import services
from passport.models import Achievement


@pytest.fixture
def facilitator(db) -> User:
    return User.objects.create_user(email="fac@example.org", password="pw-123456789", first_name="Fen")


@pytest.fixture
def member(db) -> User:
    return User.objects.create_user(email="Lid@Example.org", password="pw-123456789", first_name="Lotte")


@pytest.fixture
def community(db, facilitator) -> Community:
    community = Community.objects.create(name="Kenniskring Water", slug="water", kind="kenniskring")
    Membership.objects.create(
        community=community, user=facilitator, role=Role.FACILITATOR, state=MembershipState.ACTIVE
    )
    return community


@pytest.fixture
def achievement(community, facilitator) -> Achievement:
    return services.define_achievement(
        actor=facilitator,
        community=community,
        name="Waterwijzer",
        description="Beantwoordt praktijkvragen over waterbeheer.",
        criteria="Drie geaccepteerde antwoorden op praktijkvragen in de kenniskring.",
    )
