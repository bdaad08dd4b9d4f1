"""Achievements awarded by rules, evaluated after the commit of what met them.

Listens (Django signals, so mentoring, the forum and the knowledge base stay unaware) for: a pair
completed (every goal on both sides reached), an accepted answer (the third in a community), and a
lesson published (from a community). Each rule awards once per member and achievement.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from forum.models import Topic
from knowledge_base.models import LessonPage
from mentoring.models import Relationship, Status
from passport import credentials, evidence, services
from passport.models import Achievement, Rule

ACCEPTED_ANSWERS_NEEDED = 3


def connect() -> None:
    from wagtail.signals import page_published

    post_save.connect(_relationship_saved, sender=Relationship, dispatch_uid="passport_pair_rule")
    post_save.connect(_topic_saved, sender=Topic, dispatch_uid="passport_answer_rule")
    page_published.connect(_lesson_published, sender=LessonPage, dispatch_uid="passport_lesson_rule")


def _relationship_saved(sender: Any, instance: Relationship, **kwargs: Any) -> None:
    if instance.status == Status.COMPLETED and instance.programme_id is not None:
        transaction.on_commit(lambda: evaluate_pair(instance.pk))


def _topic_saved(sender: Any, instance: Topic, **kwargs: Any) -> None:
    if instance.accepted_answer_id is not None:
        transaction.on_commit(lambda: evaluate_answers(instance.pk))


def _lesson_published(sender: Any, instance: LessonPage, **kwargs: Any) -> None:
    transaction.on_commit(lambda: evaluate_lesson(instance.pk))


def evaluate_pair(relationship_id: int) -> None:

    relationship = Relationship.objects.filter(pk=relationship_id).only("programme_id").first()
    if relationship is None or relationship.programme_id is None:
        return
    achievements = list(
        Achievement.objects.filter(programme_id=relationship.programme_id, rule=Rule.PAIR_GOALS_BOTH_WAYS)
    )
    if not achievements:
        return
    for member_id in evidence.pair_members(relationship_id):
        if member_id is None or relationship_id not in evidence.closed_pairs_with_goals_both_ways(member_id):
            continue
        member = evidence.member(member_id)
        for achievement in achievements:
            services.award_by_rule(
                achievement=achievement,
                recipient=member,
                rule_ref=f"mentoring:relationship:{relationship_id}",
                proof=[],  # a pair's page is private: the credential names no link to it
            )


def evaluate_answers(topic_id: int) -> None:

    topic = Topic.objects.select_related("room", "accepted_answer").filter(pk=topic_id).first()
    if topic is None or topic.accepted_answer is None or topic.accepted_answer.author_id is None:
        return
    community_id = topic.room.community_id
    achievements = list(Achievement.objects.filter(community_id=community_id, rule=Rule.THREE_ACCEPTED_ANSWERS))
    author_id = topic.accepted_answer.author_id
    if (
        not achievements
        or evidence.accepted_answer_count(author_id, community_id=community_id) < ACCEPTED_ANSWERS_NEEDED
    ):
        return
    title, url = evidence.message_topic_evidence(topic_id)
    for achievement in achievements:
        services.award_by_rule(
            achievement=achievement,
            recipient=evidence.member(author_id),
            rule_ref=f"forum:topic:{topic_id}",
            proof=[credentials.Evidence(url=credentials.absolute(url), name=title)],
        )


def evaluate_lesson(page_id: int) -> None:

    lesson = LessonPage.objects.filter(pk=page_id).first()
    if lesson is None or lesson.owner_id is None or lesson.origin_community_id is None:
        return
    achievements = list(Achievement.objects.filter(community_id=lesson.origin_community_id, rule=Rule.PUBLISHED_LESSON))
    for achievement in achievements:
        services.award_by_rule(
            achievement=achievement,
            recipient=evidence.member(lesson.owner_id),
            rule_ref=f"knowledge_base:lesson:{page_id}",
            proof=[credentials.Evidence(url=credentials.absolute(lesson.url or ""), name=lesson.title)],
        )
