"""Minutes: writing them (decisions, action items), posting them in the forum, proposing them as a lesson."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import User
from core.errors import Conflict, Forbidden, Invalid
from core.text import check_text
from forum import services as forum_services
from forum.models import Membership, MembershipState, Topic
from knowledge_base import services as kb_services
from knowledge_base.models import LessonPage
from meetings import permissions
from meetings.models import ActionItem, Decision, Meeting, Minutes
from meetings.services._common import _locked
from meetings.services.planning import default_room

MAX_DECISIONS = 30
MAX_ACTION_ITEMS = 30


@dataclass(frozen=True)
class ActionInput:
    text: str
    owner: User | None = None
    due_on: dt.date | None = None


@transaction.atomic
def write_minutes(
    *,
    actor: Actor | User,
    meeting: Meeting,
    body: str,
    decisions: Sequence[str] = (),
    actions: Sequence[ActionInput] = (),
) -> Minutes:
    """Save the minutes with their decisions and action items (who, by when); replaces earlier ones."""
    actor = as_actor(actor)
    meeting = _locked(meeting)
    if not permissions.can_manage(actor, meeting.community):
        raise Forbidden(_("Only the community's facilitators can write the minutes."))
    if meeting.is_cancelled:
        raise Conflict(_("This meeting is cancelled."), code="meeting_cancelled")
    body = check_text(body or "", field="body", multiline=True).strip()
    if not body:
        raise Invalid(_("Write what was discussed."), field="body")
    if len(body) > 20000:
        raise Invalid(_("Keep the minutes under 20,000 characters."), field="body")
    clean_decisions = [" ".join(check_text(d, field="decisions").split()) for d in decisions]
    clean_decisions = [d for d in clean_decisions if d]
    if len(clean_decisions) > MAX_DECISIONS:
        raise Invalid(_("At most 30 decisions."), field="decisions")
    if any(len(d) > 500 for d in clean_decisions):
        raise Invalid(_("Keep each decision under 500 characters."), field="decisions")
    clean_actions = []
    for action in actions:
        text = " ".join(check_text(action.text or "", field="actions").split())
        if not text:
            continue
        if len(text) > 500:
            raise Invalid(_("Keep each action under 500 characters."), field="actions")
        if (
            action.owner is not None
            and not Membership.objects.filter(
                community=meeting.community, user=action.owner, state=MembershipState.ACTIVE
            ).exists()
        ):
            raise Invalid(_("Who does it must be a member of the community."), field="actions")
        clean_actions.append(ActionInput(text=text, owner=action.owner, due_on=action.due_on))
    if len(clean_actions) > MAX_ACTION_ITEMS:
        raise Invalid(_("At most 30 action items."), field="actions")
    minutes, _created = Minutes.objects.update_or_create(
        meeting=meeting, defaults={"body": body, "written_by": actor.member}
    )
    Decision.objects.filter(meeting=meeting).delete()
    Decision.objects.bulk_create(
        [Decision(meeting=meeting, text=d, position=i) for i, d in enumerate(clean_decisions, 1)]
    )
    ActionItem.objects.filter(meeting=meeting).delete()
    ActionItem.objects.bulk_create(
        [
            ActionItem(meeting=meeting, text=a.text, owner=a.owner, due_on=a.due_on, position=i)
            for i, a in enumerate(clean_actions, 1)
        ]
    )
    return minutes


def minutes_text(meeting: Meeting, minutes: Minutes) -> str:
    """The minutes as one forum message (Markdown), in the site's language."""
    when = formats.date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT")
    lines = [f"**{_('Minutes of %(title)s (%(when)s)') % {'title': meeting.title, 'when': when}}**", "", minutes.body]
    decisions = list(Decision.objects.filter(meeting=meeting))
    if decisions:
        lines += ["", f"**{_('Decisions')}**", *[f"- {d.text}" for d in decisions]]
    actions = list(ActionItem.objects.filter(meeting=meeting).select_related("owner__profile"))
    if actions:
        lines += ["", f"**{_('Action items')}**"]
        for a in actions:
            who = a.owner.display_name if a.owner else _("nobody yet")
            due = formats.date_format(a.due_on, "DATE_FORMAT") if a.due_on else _("no date")
            lines.append(f"- {a.text} ({who}, {due})")
    return "\n".join(lines)


@transaction.atomic
def post_minutes(*, actor: Actor | User, meeting: Meeting) -> Topic:
    """Post the minutes in the meeting's room through the forum's own services: a new topic the first
    time, a new message in that topic after a change."""
    actor = as_actor(actor)
    meeting = _locked(meeting)
    if not permissions.can_manage(actor, meeting.community):
        raise Forbidden(_("Only the community's facilitators can post the minutes."))
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        raise Conflict(_("Write the minutes first."), code="no_minutes")
    body = minutes_text(meeting, minutes)
    if len(body) > forum_services.MAX_BODY:
        raise Invalid(_("The minutes are too long for one message."), field="body")
    topic = minutes.topic
    if topic is None:
        room = meeting.room or default_room(meeting.community)
        if room is None:
            raise Conflict(_("This community has no open room to post the minutes in."), code="no_room")
        when = formats.date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT")
        title = (_("Minutes: %(title)s (%(when)s)") % {"title": meeting.title, "when": when})[:160]
        topic = forum_services.create_topic(actor=actor, room=room, title=title, body=body, client_id=uuid.uuid4())
        minutes.topic = topic
    else:
        forum_services.post_message(actor=actor, topic=topic, body=body, client_id=uuid.uuid4())
    minutes.posted_at = timezone.now()
    minutes.save(update_fields=["topic", "posted_at", "updated_at"])
    return topic


@transaction.atomic
def propose_minutes_as_lesson(*, actor: Actor | User, meeting: Meeting) -> LessonPage:
    """A draft lesson from the posted minutes, through the knowledge base's promotion (the one
    write path from conversation to lesson)."""
    actor = as_actor(actor)
    if not permissions.can_manage(actor, meeting.community):
        raise Forbidden(_("Only the community's facilitators can propose the minutes as a lesson."))
    minutes = Minutes.objects.select_related("topic__room__community").filter(meeting=meeting).first()
    if minutes is None or minutes.topic is None:
        raise Conflict(_("Post the minutes in the room first."), code="minutes_not_posted")
    lesson = kb_services.promote_topic_to_lesson(actor=actor.member, topic=minutes.topic)
    minutes.lesson = lesson
    minutes.save(update_fields=["lesson", "updated_at"])
    return lesson
