"""Every dashboard figure against the hand-computed community of ``conftest.py``.

Messages in the range (the opening post of each topic counts): week of 2 March: t1 Anna + Eva,
t2 Bram + Olga, t3 Cas + Fien = 6 messages by 6 people; week of 9 March: t4 Dirk + Anna, t5 Eva +
Bram, t6 Fien + Dirk, t7 Olga twice = 8 messages by 6 people. Gijs's one message is deleted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation

from monitoring import selectors
from monitoring.models import CommunityDay, InteractionDay, MemberDay, NetworkOptOut, TopicStat
from monitoring.rollup import rollup
from tests.monitoring.conftest import END, NOW, START

pytestmark = pytest.mark.django_db


def board(f: Any) -> selectors.Dashboard:
    with translation.override("en"):
        return selectors.dashboard(community=f.community, start=START, end=END, now=NOW)


def test_weeks_messages_topics_questions_active(rolled: Any) -> None:
    b = board(rolled)
    assert [w.start for w in b.weeks] == [dt.date(2026, 3, 2), dt.date(2026, 3, 9)]
    assert [(w.messages, w.topics, w.questions, w.active) for w in b.weeks] == [(6, 3, 0, 6), (8, 4, 3, 6)]
    assert (b.messages, b.topics) == (14, 7)


def test_active_members_by_role_organisation_sector_are_suppressed_below_five(rolled: Any) -> None:
    b = board(rolled)
    # Week 1: owner Olga (1) and members Anna, Eva, Bram, Cas, Fien (5); week 2: Olga, and Dirk, Anna, Eva, Bram, Fien.
    # A group under five in every week is left out and counted.
    assert {r.label: r.cells for r in b.by_role} == {"Member": [5, 5]}
    # Org X: 4 people each week, Org Y: 2 -- all fewer than five.
    assert (b.by_organisation, b.by_sector) == ([], [])
    assert b.hidden_groups == [1, 2, 2]
    olga = rolled.people["olga"]
    olga.memberships.update(role="member")  # Olga as a member too: the week of 9 March has 6 members
    assert {r.label: r.cells for r in board(rolled).by_role} == {"Member": [6, 6]}


def test_time_to_first_answer_median_and_p90(rolled: Any) -> None:
    b = board(rolled)
    # Answered after 1, 2, 4, 8, 72 and 10 hours; t7 only has its starter. Sorted 1 2 4 8 10 72:
    # median (4 + 8) / 2 = 6; 90th percentile by nearest rank: rank ceil(0.9 × 6) = 6 -> 72.
    assert b.answered == 6
    assert (b.median_hours, b.p90_hours) == (6.0, 72.0)


def test_unanswered_after_48_hours_and_questions(rolled: Any) -> None:
    b = board(rolled)
    # t5 (answered after 72 h) and t7 (never) of 7 topics: 28.6 %; 3 questions is fewer than five.
    assert b.unanswered_topics == 28.6
    assert b.unanswered_questions is None
    assert (b.questions_opened, b.questions_resolved) == (3, 1)


def test_retention_by_monthly_cohort(rolled: Any) -> None:
    b = board(rolled)
    # March cohort: Anna, Bram, Cas, Dirk, Eva, Fien (6). April: Anna, Bram, Eva = 50 %; May: Anna = 16.7 %;
    # June has not begun on 20 May.
    [march] = b.cohorts
    assert (march.month, march.size, march.retained) == (dt.date(2026, 3, 1), 6, [50.0, 16.7, None])


def test_cohort_smaller_than_five_is_not_shown(rolled: Any) -> None:
    b = selectors.dashboard(community=rolled.community, start=dt.date(2026, 1, 1), end=END, now=NOW)
    january = b.cohorts[0]
    assert january.size == 3 and january.retained == []  # Olga, Gijs, Hugo


def test_crossing_organisations_and_sectors(rolled: Any) -> None:
    b = board(rolled)
    replies, mentions, pairs = b.crossings
    # Replies (to the topic's starter): Eva->Anna, Olga->Bram, Fien->Cas, Anna->Dirk, Bram->Eva, Dirk->Fien:
    # 4 of 6 cross Org X / Org Y, and the same 4 cross Energie / Agri & Food.
    assert (replies.total, replies.between_organisations, replies.between_sectors) == (6, 66.7, 66.7)
    # Mentions: Olga->Anna (by name), Anna->Eva (by id): two, fewer than five.
    assert (mentions.total, mentions.between_organisations) == (2, None)
    assert (pairs.total, pairs.between_organisations) == (1, None)


def test_bridges_and_opt_out(rolled: Any) -> None:
    b = board(rolled)
    # Anna is in touch with Eva, Dirk, Olga (reply, mention), Hugo (pair): Org Y and Org Z besides her own.
    assert [(x.name, x.organisations, x.sectors) for x in b.bridges] == [("Anna", 2, 2)]
    NetworkOptOut.objects.create(user=rolled.people["anna"])
    assert board(rolled).bridges == []


def test_lessons_produced(rolled: Any) -> None:
    from knowledge_base.models import LessonPage
    from knowledge_base.services import ensure_knowledge_tree

    tree = ensure_knowledge_tree()
    for title, when in (("Begin klein", dt.datetime(2026, 3, 5, 12)), ("Later", dt.datetime(2026, 4, 5, 12))):
        lesson = LessonPage(
            title=title,
            live=False,
            origin_community=rolled.community,
            waarom="<p>w</p>",
            hoe=[{"type": "paragraph", "value": "<p>Stap voor stap.</p>"}],
            waartoe="<p>Resultaat.</p>",
        )
        tree.lessons.add_child(instance=lesson)
        lesson.save_revision().publish()
        LessonPage.objects.filter(pk=lesson.pk).update(first_published_at=timezone.make_aware(when))
    assert board(rolled).lessons == 1


def test_rollup_is_idempotent_and_rerunnable(rolled: Any) -> None:
    def snapshot() -> tuple[Any, ...]:
        return (
            sorted(CommunityDay.objects.values_list("day", "messages", "topics", "questions")),
            sorted(MemberDay.objects.values_list("day", "user_id", "messages")),
            sorted(InteractionDay.objects.values_list("day", "kind", "source_id", "target_id", "count")),
            sorted(TopicStat.objects.values_list("topic_id", "first_answer_at")),
        )

    before = snapshot()
    rollup(start=dt.date(2026, 3, 1), end=NOW.date(), community_ids=[rolled.community.pk])
    rollup(start=dt.date(2026, 3, 9), end=dt.date(2026, 3, 9), community_ids=[rolled.community.pk])
    assert snapshot() == before
    assert sum(m for _d, m, _t, _q in before[0]) == 14 + 4  # the range and the four later messages


def test_default_start_is_the_last_day_rolled_up(rolled: Any) -> None:
    from monitoring.rollup import default_start

    assert default_start([rolled.community.pk]) == dt.date(2026, 5, 5)


def test_dashboard_reads_a_fixed_number_of_queries(rolled: Any, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(14):
        board(rolled)
