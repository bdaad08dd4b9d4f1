"""The pair's page as a timeline: everything in date order, bounded per page, a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentoring import selectors, services
from mentoring.models import CheckIn, Goal, Session

PRIVATE = "ALLEEN-VOOR-MIJ"


def _history(rel: Any, sessions: int) -> None:
    a, b = rel.person_a, rel.person_b
    today = timezone.localdate()
    for i in range(sessions):
        session = services.log_session(
            actor=a,
            relationship=rel,
            held_on=today - dt.timedelta(days=sessions - i),
            mode="online",
            shared_notes=f"Sessie {i}",
            reflection=services.ReflectionInput(went_well=f"Goed {i}", shared=True),
        )
        services.save_reflection(actor=b, session=session, data=services.ReflectionInput(went_well=PRIVATE))
    goal = Goal.objects.filter(relationship=rel, side=rel.side_of(a.pk)).first()
    assert goal is not None
    milestone = services.add_milestone(actor=a, goal=goal, title="Eerste stap")
    services.set_milestone_done(actor=a, milestone=milestone, done=True)
    checkin = CheckIn.objects.filter(relationship=rel, completed_at__isnull=True).first()
    if checkin is not None:
        services.complete_checkin(actor=b, checkin=checkin, note="Loopt goed")


def test_the_timeline_holds_every_kind_in_date_order(active_pair: Any, client: Client) -> None:
    rel = active_pair
    _history(rel, sessions=2)
    services.plan_session(
        actor=rel.person_a,
        relationship=rel,
        starts_at=timezone.now() + dt.timedelta(days=3),
        duration_minutes=60,
        mode="online",
        place="",
        video_url="https://meet.example.test/x",
    )
    page = selectors.relationship_page(user=rel.person_a, relationship=rel)
    timeline = selectors.pair_timeline(page=page)
    kinds = {e.kind for e in timeline.entries}
    assert {
        "proposed",
        "started",
        "agreement",
        "goal",
        "milestone",
        "session-held",
        "reflection",
        "session-planned",
    } <= kinds
    moments = [e.when for e in timeline.entries]
    assert moments == sorted(moments, reverse=True)
    # Person A never sees B's unshared reflection; B sees their own.
    assert all(PRIVATE not in (e.reflection.went_well if e.reflection else "") for e in timeline.entries)
    client.force_login(rel.person_a)
    html = client.get(reverse("mentoring:relationship", args=[rel.pk])).content.decode()
    assert '<ol class="timeline">' in html
    assert PRIVATE not in html
    assert len(re.findall(r'<time class="timeline-time" datetime="\d{4}-\d\d-\d\d', html)) == len(timeline.entries)
    client.force_login(rel.person_b)
    assert PRIVATE in client.get(reverse("mentoring:relationship", args=[rel.pk])).content.decode()


def test_the_timeline_is_bounded_and_pages_on(active_pair: Any, client: Client) -> None:
    rel = active_pair
    _history(rel, sessions=12)  # 12 sessions, 24 reflections and more: over a page
    page = selectors.relationship_page(user=rel.person_b, relationship=rel)
    first = selectors.pair_timeline(page=page, per_page=25)
    assert len(first.entries) == 25 and first.has_older and not first.has_newer
    last = selectors.pair_timeline(page=page, number=99, per_page=25)
    assert last.page == last.pages and not last.has_older
    everything = selectors.pair_timeline(page=page, per_page=1000).entries
    assert [e.when for e in everything] == sorted((e.when for e in everything), reverse=True)
    client.force_login(rel.person_b)
    url = reverse("mentoring:relationship", args=[rel.pk])
    for query in ("?tijdlijn=2", "?tijdlijn=0", "?tijdlijn=abc", "?tijdlijn=99999999999"):
        response = client.get(url + query)
        assert response.status_code == 200, query
        assert response.content.decode().count('class="timeline-item"') <= 25


def test_the_pair_page_costs_the_same_queries_however_long_the_history(active_pair: Any, client: Client) -> None:
    rel = active_pair
    client.force_login(rel.person_a)
    url = reverse("mentoring:relationship", args=[rel.pk])
    _history(rel, sessions=1)
    client.get(url)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as short:
        assert client.get(url).status_code == 200
    _history(rel, sessions=10)
    Session.objects.filter(relationship=rel).update(shared_notes="Meer")
    with CaptureQueriesContext(connection) as long:
        assert client.get(url).status_code == 200
    assert len(long.captured_queries) == len(short.captured_queries), [q["sql"] for q in long.captured_queries]
