"""Goals with milestones: the owner ticks them off and the goal's progress follows."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from core.errors import Forbidden
from mentoring import services
from mentoring.models import Relationship

pytestmark = pytest.mark.django_db


def test_milestones_move_the_goal_and_only_its_owner_ticks_them(active_pair: Relationship, client: Client) -> None:
    rel = active_pair
    goal = rel.goals.get(side="a")
    owner, partner = rel.person_a, rel.person_b
    first = services.add_milestone(actor=owner, goal=goal, title="Een dashboard lezen")
    services.add_milestone(actor=owner, goal=goal, title="Een dashboard bijstellen")
    with pytest.raises(Forbidden):
        services.add_milestone(actor=partner, goal=goal, title="Niet van mij")
    client.force_login(owner)
    client.post(reverse("mentoring:milestone_done", args=[first.pk]), {"done": "1"})
    goal.refresh_from_db()
    assert goal.progress == 50
    client.post(reverse("mentoring:milestone_new", args=[goal.pk]), {"title": "Uitleggen aan een collega"})
    goal.refresh_from_db()
    assert goal.milestones.count() == 3 and goal.progress == 33
    page = client.get(reverse("mentoring:relationship", args=[rel.pk])).content.decode()
    assert "Uitleggen aan een collega" in page
