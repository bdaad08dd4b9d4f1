"""The passport's demo step: achievements and signed credentials for the demo member, idempotent."""

from __future__ import annotations

import pytest

from accounts.models import User
from demo import passport as passport_demo
from forum.models import Community, Membership, MembershipState, Role
from passport import credentials
from passport.models import Achievement, Award

pytestmark = pytest.mark.django_db


def test_demo_step_awards_and_is_idempotent():
    facilitator = User.objects.create_user(email="facilitator@kring.test", password="x-123456789")
    sanne = User.objects.create_user(email="sanne@kring.test", password="x-123456789")
    community = Community.objects.create(name="Energiekring", slug="energie", kind="hub", visibility="open")
    Membership.objects.create(
        community=community, user=facilitator, role=Role.FACILITATOR, state=MembershipState.ACTIVE
    )
    passport_demo.seed(lambda text: None)
    passport_demo.seed(lambda text: None)
    assert Achievement.objects.filter(community=community).count() == 2
    awards = list(Award.objects.filter(recipient=sanne))
    assert len(awards) == 2 and sum(award.public for award in awards) == 1
    for award in awards:
        credentials.verify(award.credential)
