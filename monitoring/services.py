"""Monitoring's writes: the quick scan, value-creation stories, the network opt-out.

The roll-up (``monitoring.rollup``) is the other write, run by its management command.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actor import Actor
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.text import check_text
from forum import permissions as forum_permissions
from forum.models import Community, Topic
from knowledge_base import services as kb_services
from knowledge_base.models import LessonPage
from mentoring.models import Relationship
from monitoring import permissions
from monitoring.models import Cycle, NetworkOptOut, ScanAnswer, ScanRound, ValueStory
from monitoring.scan import BY_CODE

# --- the quick scan ---------------------------------------------------------------------------------


@transaction.atomic
def open_scan_round(*, actor: Actor, community: Community) -> ScanRound:
    if not permissions.can_monitor(actor, community):
        raise Forbidden(_("Only the community's facilitators can open a quick scan."))
    if ScanRound.objects.filter(community=community, closed_at__isnull=True).exists():
        raise Conflict(_("A quick scan is already open in this community."), code="scan_open")
    try:
        with transaction.atomic():
            return ScanRound.objects.create(community=community, opened_by=actor.member)
    except IntegrityError as exc:  # two facilitators at once: the constraint keeps one open round
        raise Conflict(_("A quick scan is already open in this community."), code="scan_open") from exc


@transaction.atomic
def close_scan_round(*, actor: Actor, scan_round: ScanRound) -> ScanRound:
    if not permissions.can_monitor(actor, scan_round.community):
        raise Forbidden(_("Only the community's facilitators can close a quick scan."))
    if scan_round.closed_at is not None:
        raise Conflict(_("This quick scan is already closed."), code="scan_closed")
    scan_round.closed_at = timezone.now()
    scan_round.save(update_fields=["closed_at"])
    return scan_round


@transaction.atomic
def answer_scan(*, actor: Actor, scan_round: ScanRound, scores: dict[str, int]) -> int:
    """Store (or change) the member's scores; returns how many statements they answered."""
    if not permissions.can_take_part(actor, scan_round.community):
        raise Forbidden(_("Only members of this community can answer its quick scan."))
    if scan_round.closed_at is not None:
        raise Conflict(_("This quick scan is closed."), code="scan_closed")
    for code, score in scores.items():
        if code not in BY_CODE:
            raise Invalid(_("Unknown statement."), field=code)
        if not 1 <= int(score) <= 5:
            raise Invalid(_("Choose a score from 1 to 5."), field=code)
    if not scores:
        raise Invalid(_("Answer at least one statement."), code="scan_empty")
    for code, score in scores.items():
        ScanAnswer.objects.update_or_create(
            round=scan_round, user=actor.member, statement=code, defaults={"score": int(score)}
        )
    return len(scores)


# --- value-creation stories -------------------------------------------------------------------------


@transaction.atomic
def tell_story(
    *,
    actor: Actor,
    community: Community,
    cycle: str,
    title: str,
    story: str,
    topic: Topic | None = None,
    lesson: LessonPage | None = None,
    relationship: Relationship | None = None,
) -> ValueStory:
    if not permissions.can_take_part(actor, community):
        raise Forbidden(_("Only members of this community can tell a story here."))
    if cycle not in Cycle.values:
        raise Invalid(_("Choose a cycle."), field="cycle")
    title = check_text(title, field="title")
    story = check_text(story, field="story", multiline=True)
    if not title:
        raise Invalid(_("Give your story a title."), field="title")
    if not story:
        raise Invalid(_("Tell what happened."), field="story")
    if topic is not None and (
        topic.room.community_id != community.pk or not forum_permissions.can_read_room(actor, topic.room)
    ):
        raise Invalid(_("Choose a conversation of this community that you can read."), field="topic")
    if lesson is not None and not lesson.live:
        raise Invalid(_("Choose a published lesson."), field="lesson")
    if relationship is not None and actor.member_id not in (relationship.person_a_id, relationship.person_b_id):
        raise Invalid(_("Choose a mentoring pair you are part of."), field="relationship")
    if topic is None and lesson is None and relationship is None:
        raise Invalid(
            _("Link your story to evidence: a conversation, a lesson or a mentoring pair."), code="no_evidence"
        )
    return ValueStory.objects.create(
        community=community,
        author=actor.member,
        cycle=cycle,
        title=title,
        story=story,
        topic=topic,
        lesson=lesson,
        relationship=relationship,
    )


@transaction.atomic
def propose_story_as_lesson(*, actor: Actor, story: ValueStory) -> LessonPage:
    """A draft lesson from the story's conversation, through the knowledge base's promotion (the
    one write path for conversation → lesson); a story without a conversation cannot be promoted."""
    if not permissions.can_monitor(actor, story.community):
        raise Forbidden(_("Only the community's facilitators can propose a story as a lesson."))
    if story.topic is None:
        raise Conflict(
            _("Only a story linked to a conversation can become a draft lesson."), code="story_without_topic"
        )
    lesson = kb_services.promote_topic_to_lesson(actor=actor.member, topic=story.topic)
    story.proposed_lesson = lesson
    story.save(update_fields=["proposed_lesson"])
    return lesson


def story_for(*, actor: Actor, community: Community, story_id: int) -> ValueStory:
    story = ValueStory.objects.filter(pk=story_id, community=community).select_related("topic").first()
    if story is None:
        raise NotFound(_("This story does not exist."))
    return story


# --- the member's choice ----------------------------------------------------------------------------


@transaction.atomic
def set_network_opt_out(*, actor: Actor, opt_out: bool) -> None:
    if not actor.is_authenticated:
        raise Forbidden(_("Log in first."))
    if opt_out:
        NetworkOptOut.objects.get_or_create(user=actor.member)
    else:
        NetworkOptOut.objects.filter(user=actor.member).delete()
