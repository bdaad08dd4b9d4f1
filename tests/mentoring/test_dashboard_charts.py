"""The programme dashboard's charts: pairs per stage and goals met per direction over time,
server-rendered SVG (core.charts, shared with monitoring) with a table beside each."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import charts
from mentoring import selectors, services
from mentoring.models import Goal, MentoringProfile, Relationship, Status


def test_line_chart_places_points_and_leaves_out_hidden_values() -> None:
    chart = charts.line_chart("t", ["jan", "feb", "mrt"], [("a", [0, 5, 10]), ("b", [None, None, None])])
    first, second = chart.series
    assert first.points == f"0.0,{charts.HEIGHT}.0 300.0,{charts.HEIGHT - (charts.HEIGHT - 2) / 2:.1f} 600.0,2.0"
    assert second.points == "" and chart.maximum == 10
    assert (chart.first_label, chart.last_label) == ("jan", "mrt")
    single = charts.line_chart("t", ["jan"], [("a", [3])])
    assert single.series[0].points == "300.0,2.0"
    empty = charts.line_chart("t", [], [("a", [])])
    assert empty.series[0].points == "" and empty.maximum == 0


def _pairs(programme: Any, make_user: Callable[..., Any], statuses: list[str]) -> list[Relationship]:
    made = []
    for i, status in enumerate(statuses):
        young, old = make_user(name=f"Jong {i}"), make_user(name=f"Ervaren {i}")
        MentoringProfile.objects.create(user=young, years_experience=1)
        MentoringProfile.objects.create(user=old, years_experience=25)
        a, b = sorted((young, old), key=lambda u: u.pk)
        made.append(Relationship.objects.create(programme=programme, person_a=a, person_b=b, status=status))
    return made


def _side_of(rel: Relationship, *, young: bool) -> str:
    a_is_young = rel.person_a.mentoring_profile.years_experience < rel.person_b.mentoring_profile.years_experience  # type: ignore[union-attr]
    return "a" if a_is_young == young else "b"


def test_pairs_per_stage_lists_every_stage_in_order(
    programme_factory: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    programme = programme_factory()
    _pairs(programme, make_user, ["active", "active", "proposed", "completed"])
    stages = dict(selectors.pairs_per_stage(programme.relationships.all()))
    assert list(stages.values()) == [1, 0, 2, 0, 1, 0, 0, 0]
    assert next(iter(stages)) == str(Status.PROPOSED.label)


def test_goals_met_over_time_count_up_per_month_and_hide_small_directions(
    programme_factory: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    programme = programme_factory()  # 1 September 2026 to 30 June 2027
    rels = _pairs(programme, make_user, ["active"] * 5)
    tz = timezone.get_current_timezone()
    met_on = [dt.datetime(2026, 9, 20, tzinfo=tz), dt.datetime(2026, 10, 2, tzinfo=tz), None, None, None]
    for rel, when in zip(rels, met_on, strict=True):
        # Five goals where the less experienced one learns; two where the more experienced one does.
        Goal.objects.create(
            relationship=rel, side=_side_of(rel, young=True), description="x", progress=100 if when else 40, met_at=when
        )
    for rel in rels[:2]:
        Goal.objects.create(relationship=rel, side=_side_of(rel, young=False), description="y", progress=100)
    over_time = selectors.goals_met_over_time(
        programme=programme,
        relationships=programme.relationships.select_related(
            "person_a__mentoring_profile", "person_b__mentoring_profile"
        ),
        goals=list(Goal.objects.filter(relationship__programme=programme)),
        today=dt.date(2026, 11, 15),
    )
    assert over_time.months == [dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)]
    assert over_time.young == [1, 2, 2]
    assert over_time.old == [None, None, None]  # two goals: too few to show


def test_a_goal_is_met_when_it_reaches_100_and_no_longer_when_it_drops(active_pair: Any) -> None:
    rel = active_pair
    goal = Goal.objects.get(relationship=rel, side=rel.side_of(rel.person_a.pk))
    services.update_goal(actor=rel.person_a, goal=goal, progress=100)
    goal.refresh_from_db()
    assert goal.met_at is not None
    first = goal.met_at
    services.update_goal(actor=rel.person_a, goal=goal, progress=100)
    goal.refresh_from_db()
    assert goal.met_at == first  # stays the first moment
    services.update_goal(actor=rel.person_a, goal=goal, progress=50)
    goal.refresh_from_db()
    assert goal.met_at is None


def test_the_dashboard_shows_each_chart_with_its_table_and_no_inline_style(
    programme_factory: Callable[..., Any], make_user: Callable[..., Any], client: Client
) -> None:
    programme = programme_factory()
    _pairs(programme, make_user, ["active", "proposed"])
    client.force_login(programme.coordinators.get())
    response = client.get(reverse("mentoring:dashboard", args=[programme.slug]), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<svg class="chart-svg"') == 2
    assert "chart-line chart-line-" not in html  # no direction has 5 goals: no line is drawn
    assert html.count('class="chart-bar"') == 8  # every stage, also those without pairs
    assert "style=" not in html and "<style" not in html
    assert "Koppels per fase" in html and "Behaalde doelen door de tijd" in html
    # Every SVG is followed by its table.
    for svg in re.finditer(r'<svg class="chart-svg"', html):
        assert "<table" in html[svg.end() : svg.end() + 4000]
