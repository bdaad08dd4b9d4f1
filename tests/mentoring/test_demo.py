from __future__ import annotations

import pytest
from django.apps import apps

from demo import accounts as accounts_demo
from demo import mentoring as demo
from mentoring.models import MatchingRound, Milestone, Programme, Reflection, Relationship, Session, Status

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_app_config("mentoring").get_models()}


def test_demo_is_idempotent_and_shows_every_stage() -> None:
    lines: list[str] = []
    accounts_demo.seed(lambda line: None)
    demo.seed(lines.append)
    first = _counts()
    demo.seed(lambda line: None)
    assert _counts() == first
    assert Programme.objects.count() == 2
    assert MatchingRound.objects.filter(published_at__isnull=False).get().pair_count >= 8
    assert MatchingRound.objects.filter(published_at__isnull=True).count() == 1  # a draft to review
    assert Session.objects.filter(state="planned").exists() and Milestone.objects.filter(done_at__isnull=False).exists()
    statuses = set(Relationship.objects.values_list("status", flat=True))
    assert {Status.PROPOSED, Status.AGREEING, Status.ACTIVE, Status.COMPLETED, Status.ENDED_EARLY} <= statuses
    assert Session.objects.exists() and Reflection.objects.exists()
    assert any("mentoring profiles" in line for line in lines)
