"""The pages: who may see them, the date range, the quick scan and the stories end to end."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from monitoring import selectors, services
from monitoring.models import Cycle, NetworkOptOut, ScanAnswer, ScanRound, ValueStory
from monitoring.scan import STATEMENTS
from tests.monitoring.conftest import END, START

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_dashboard_only_for_facilitators_and_admins(rolled: Any, make_user: Any) -> None:
    url = reverse("monitoring:dashboard", args=[rolled.community.slug])
    admin = make_user(name="Beheer", is_superuser=True, is_staff=True)
    outsider = make_user(name="Buiten")
    assert client_for(rolled.people["olga"]).get(url).status_code == 200
    assert client_for(admin).get(url).status_code == 200
    assert client_for(rolled.people["anna"]).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 403
    assert Client().get(url).status_code == 302
    national = reverse("monitoring:national")
    assert client_for(admin).get(national).status_code == 200
    assert client_for(rolled.people["olga"]).get(national).status_code == 403


def test_dashboard_page_shows_the_figures_in_a_bounded_number_of_queries(
    rolled: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(rolled.people["olga"])
    url = reverse("monitoring:dashboard", args=[rolled.community.slug])
    query = {"start": START.isoformat(), "end": END.isoformat()}
    client.get(url, query)
    with django_assert_max_num_queries(30):
        response = client.get(url, query, HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in text and "<table" in text
    assert "Anna" in text  # the bridge


def test_a_bad_range_is_a_field_error(rolled: Any) -> None:
    url = reverse("monitoring:dashboard", args=[rolled.community.slug])
    response = client_for(rolled.people["olga"]).get(url, {"start": "2026-03-15", "end": "2026-03-01"})
    assert response.status_code == 400
    assert response.context["form"].errors["end"]
    response = client_for(rolled.people["olga"]).get(url, {"start": "gisteren", "end": "2026-03-01"})
    assert response.status_code == 400


def test_quick_scan_rounds_results_and_weak_factor_lessons(hand: Any, make_user: Any) -> None:
    from knowledge_base.models import LessonPage, SuccessFactor
    from knowledge_base.services import ensure_knowledge_tree

    tree = ensure_knowledge_tree()
    lesson = LessonPage(
        title="Organiseer tweerichtingsverkeer",
        live=False,
        origin_community=hand.community,
        waarom="<p>w</p>",
        hoe=[{"type": "paragraph", "value": "<p>Stap.</p>"}],
        waartoe="<p>R.</p>",
    )
    tree.lessons.add_child(instance=lesson)
    lesson.success_factors.set([SuccessFactor.objects.get(code="two_way_mentoring")])
    lesson.save_revision().publish()

    olga = client_for(hand.people["olga"])
    url = reverse("monitoring:scan", args=[hand.community.slug])
    action = reverse("monitoring:scan_action", args=[hand.community.slug])
    assert olga.post(action, {"action": "open"}).status_code == 302
    first = ScanRound.objects.get(community=hand.community)
    # A member cannot open or close a round.
    assert client_for(hand.people["anna"]).post(action, {"action": "close"}).status_code == 403
    # Five members answer: mentoring scores 2, everything else 4.
    for name in ("anna", "bram", "cas", "dirk", "eva"):
        data = {s.code: 2 if s.factor == "two_way_mentoring" else 4 for s in STATEMENTS}
        response = client_for(hand.people[name]).post(url, data)
        assert response.status_code == 302, response.content
    # Fien answers only one statement of shared ownership, with 1.
    client_for(hand.people["fien"]).post(url, {"ownership_1": 1})
    # A bad score is a field error.
    response = client_for(hand.people["gijs"]).post(url, {"ownership_1": 9})
    assert response.status_code == 400
    assert olga.post(action, {"action": "close"}).status_code == 302
    results = selectors.scan_results(community=hand.community)
    by_code = {f.code: f for f in results.factors}
    assert results.respondents == [6]
    # Shared ownership: five people × two statements of 4, and Fien's 1: (40 + 1) / 11 = 3.73.
    assert by_code["shared_ownership"].means == [3.73]
    assert by_code["two_way_mentoring"].means == [2.0]
    assert by_code["two_way_mentoring"].weak and [x.title for x in by_code["two_way_mentoring"].lessons] == [
        "Organiseer tweerichtingsverkeer"
    ]
    assert not by_code["hybrid_learning"].weak
    # A second round with fewer than five answers: its means are not shown.
    services.open_scan_round(actor=_actor(hand.people["olga"]), community=hand.community)
    second = ScanRound.objects.exclude(pk=first.pk).get()
    services.answer_scan(actor=_actor(hand.people["anna"]), scan_round=second, scores={"hybrid_1": 5})
    results = selectors.scan_results(community=hand.community)
    assert results.respondents == [6, None]
    assert {f.code: f.means for f in results.factors}["hybrid_learning"] == [4.0, None]
    page = olga.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Organiseer tweerichtingsverkeer" in page and "<svg" in page
    assert ScanAnswer.objects.filter(round=first).count() == 5 * 12 + 1


def _actor(user: Any) -> Any:
    from accounts.actor import Actor

    return Actor(user=user)


def test_one_open_round_at_a_time(hand: Any) -> None:
    from core.errors import Conflict

    services.open_scan_round(actor=_actor(hand.people["olga"]), community=hand.community)
    with pytest.raises(Conflict):
        services.open_scan_round(actor=_actor(hand.people["olga"]), community=hand.community)


def test_stories_told_seen_by_cycle_and_proposed_as_lesson(hand: Any) -> None:
    from knowledge_base.models import LessonPage

    url = reverse("monitoring:stories", args=[hand.community.slug])
    anna = client_for(hand.people["anna"])
    # Without evidence: refused with a clear message.
    response = anna.post(url, {"cycle": "applied", "title": "Geleerd", "story": "Het werkte."})
    assert response.status_code == 400
    response = anna.post(
        url,
        {"cycle": "applied", "title": "Warmtepomp geplaatst", "story": "Dankzij t1.", "topic": hand.topics["t1"].pk},
    )
    assert response.status_code == 302
    bram = client_for(hand.people["bram"])
    bram.post(url, {"cycle": "immediate", "title": "Leuk gesprek", "story": "Fijn.", "topic": hand.topics["t2"].pk})
    # A member sees only their own stories; the facilitator sees all, filtered by cycle.
    assert "Leuk gesprek" not in anna.get(url).content.decode()
    olga = client_for(hand.people["olga"])
    page = olga.get(url, {"cycle": "applied"}).content.decode()
    assert "Warmtepomp geplaatst" in page and "Leuk gesprek" not in page
    story = ValueStory.objects.get(title="Warmtepomp geplaatst")
    propose = reverse("monitoring:story_propose", args=[hand.community.slug, story.pk])
    assert anna.post(propose).status_code == 403
    assert olga.post(propose).status_code == 302
    story.refresh_from_db()
    lesson = LessonPage.objects.get(pk=story.proposed_lesson_id)
    assert (lesson.live, lesson.origin_topic_id) == (False, hand.topics["t1"].pk)
    assert selectors.story_counts(community=hand.community) == {Cycle.APPLIED: 1, Cycle.IMMEDIATE: 1}


def test_stories_page_is_paginated_in_a_fixed_number_of_queries(hand: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(25):
        ValueStory.objects.create(
            community=hand.community, author=hand.people["anna"], cycle="potential", title=f"S{i}", story="x",
            topic=hand.topics["t1"],
        )  # fmt: skip
    olga = client_for(hand.people["olga"])
    url = reverse("monitoring:stories", args=[hand.community.slug])
    olga.get(url)
    with django_assert_max_num_queries(25):
        response = olga.get(url)
    assert response.context["page"].paginator.num_pages == 2


def test_network_setting(hand: Any) -> None:
    anna = client_for(hand.people["anna"])
    url = reverse("monitoring:network_setting")
    assert anna.get(url).status_code == 200
    assert anna.post(url, {"opt_out": "on"}).status_code == 302
    assert NetworkOptOut.objects.filter(user=hand.people["anna"]).exists()
    anna.post(url, {})
    assert not NetworkOptOut.objects.filter(user=hand.people["anna"]).exists()


def test_national_overview(rolled: Any) -> None:
    from accounts.models import Region, Sector
    from forum import services as forum_services

    rolled.community.sectors.set([Sector.objects.get(name="Energie")])
    rolled.community.regions.set([Region.objects.get(name="Gelderland")])
    other = forum_services.create_community(
        actor=rolled.people["anna"], name="Kring B", kind="fieldlab", description="d", waaromvraag="w",
        visibility="open",
    )  # fmt: skip
    for name in ("bram", "cas", "dirk", "eva"):
        forum_services.join_community(actor=rolled.people[name], community=other)
    with translation.override("en"):
        overview = selectors.national(today=dt.date(2026, 3, 15))
    kinds = {r.label: (r.communities, r.members, r.messages) for r in overview.by_kind}
    assert kinds == {"Hub": (1, 9, 14), "Fieldlab": (1, 5, 0)}
    assert {r.label: r.communities for r in overview.by_province} == {"Gelderland": 1, "No province": 1}
    # Anna, Bram, Cas, Dirk and Eva are in both: five shared members, so the link is shown.
    assert [(link.a, link.b, link.shared) for link in overview.links] in (
        [("Kring A", "Kring B", 5)],
        [("Kring B", "Kring A", 5)],
    )


def test_privacy_export_and_forget(hand: Any) -> None:
    from accounts.privacy import delete_account, export_member_data

    anna = hand.people["anna"]
    services.tell_story(
        actor=_actor(anna), community=hand.community, cycle="realised", title="T", story="S", topic=hand.topics["t1"]
    )
    data = export_member_data(user=anna)
    assert data["monitoring"]["value_stories"][0]["title"] == "T"
    delete_account(user=anna)
    assert not ValueStory.objects.exists()


def test_the_community_page_leads_members_to_the_scan_and_facilitators_to_the_dashboard(
    hand: Any, make_user: Any
) -> None:
    """Before: nothing on Kring linked to monitoring; the addresses had to be typed."""
    community_url = hand.community.get_absolute_url()
    dashboard = reverse("monitoring:dashboard", args=[hand.community.slug])
    scan = reverse("monitoring:scan", args=[hand.community.slug])
    stories = reverse("monitoring:stories", args=[hand.community.slug])
    with translation.override("nl"):
        member_page = client_for(hand.people["anna"]).get(community_url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        facilitator_page = client_for(hand.people["olga"]).get(community_url).content.decode()
        outsider_page = client_for(make_user(name="Buiten")).get(community_url).content.decode()
    assert f'href="{scan}"' in member_page and f'href="{stories}"' in member_page
    assert f'href="{dashboard}"' not in member_page
    assert f'href="{dashboard}"' in facilitator_page and ">Monitoring<" in facilitator_page
    assert not any(f'href="{url}"' in outsider_page for url in (dashboard, scan, stories))


def test_the_community_pages_sections_cost_no_query(hand: Any) -> None:
    """The links are decided by the forum's permission functions on memberships already loaded."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from forum import sections

    facilitator = client_for(hand.people["olga"])
    url = hand.community.get_absolute_url()
    facilitator.get(url)
    with CaptureQueriesContext(connection) as with_sections:
        facilitator.get(url)
    registered = dict(sections._SECTIONS)
    sections._SECTIONS.clear()
    try:
        with CaptureQueriesContext(connection) as without_sections:
            facilitator.get(url)
    finally:
        sections._SECTIONS.update(registered)
    assert registered and len(with_sections) == len(without_sections)
