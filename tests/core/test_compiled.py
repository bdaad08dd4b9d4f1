"""``CompiledQuery``: the ORM's SQL built once, run with each member's id."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core.compiled import CompiledQuery

pytestmark = pytest.mark.django_db


def test_rows_are_the_orms_rows_for_each_member_and_the_query_is_built_once(make_user: Any) -> None:
    anna, bert = make_user(name="Anna"), make_user(name="Bert")
    builds: list[dict[str, int]] = []

    def build(member: int, other: int) -> Any:
        builds.append({"member": member, "other": other})
        return User.objects.filter(pk__in=[member, other]).order_by("pk").values_list("pk", "profile__display_name")

    query = CompiledQuery(build, "member", "other")
    for member, other in [(anna.pk, bert.pk), (bert.pk, bert.pk), (anna.pk, -1)]:
        with CaptureQueriesContext(connection) as ran:
            rows = query.rows(member=member, other=other)
        assert rows == list(build(member, other)), (member, other)
        assert len(ran) == 1
    assert len(builds) == 1 + 3  # one compile, then the comparisons above
    assert builds[0]["member"] != builds[0]["other"]  # every parameter has its own stand-in


def test_the_parameters_are_named() -> None:
    query = CompiledQuery(lambda member: User.objects.filter(pk=member).values_list("pk"), "member")
    with pytest.raises(TypeError):
        query.rows(user=1)
    with pytest.raises(ValueError):
        CompiledQuery(lambda: User.objects.values_list("pk"))
