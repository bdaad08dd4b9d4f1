"""The agenda: items added by hand or from a forum message, and removing them."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import User
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.text import check_text
from forum.models import Message
from meetings import permissions
from meetings.models import AgendaItem, Meeting
from meetings.services._common import _locked

MAX_AGENDA_ITEMS = 50


def _next_position(meeting: Meeting) -> int:
    found = AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("position"))["m"]
    return (found or 0) + 1


def _check_agenda(actor: Actor, meeting: Meeting) -> None:
    if not permissions.can_see(actor, meeting):
        raise NotFound(_("This meeting does not exist."))
    if not (permissions.can_take_part(actor, meeting.community) or permissions.can_manage(actor, meeting.community)):
        raise Forbidden(_("Join the community first to add to the agenda."))
    if meeting.is_cancelled:
        raise Conflict(_("This meeting is cancelled."), code="meeting_cancelled")
    if AgendaItem.objects.filter(meeting=meeting).count() >= MAX_AGENDA_ITEMS:
        raise Conflict(_("The agenda is full (at most 50 items)."), code="agenda_full")


@transaction.atomic
def add_agenda_item(*, actor: Actor | User, meeting: Meeting, title: str, note: str = "") -> AgendaItem:
    actor = as_actor(actor)
    meeting = _locked(meeting)
    _check_agenda(actor, meeting)
    title = " ".join(check_text(title or "", field="title").split())
    if not title:
        raise Invalid(_("Write what you want to discuss."), field="title")
    if len(title) > 200:
        raise Invalid(_("Keep the item under 200 characters."), field="title")
    note = check_text(note or "", field="note", multiline=True).strip()
    if len(note) > 2000:
        raise Invalid(_("Keep the note under 2,000 characters."), field="note")
    return AgendaItem.objects.create(
        meeting=meeting, title=title, note=note, added_by=actor.member, position=_next_position(meeting)
    )


def _title_from(message: Message) -> str:
    """The message's text on one line, shortened (its Markdown marks kept: the agenda shows it as text)."""
    text = " ".join(message.body.split())
    return text if len(text) <= 120 else text[:119].rstrip() + "…"


@transaction.atomic
def add_message_to_agenda(*, actor: Actor | User, meeting: Meeting, message: Message) -> AgendaItem:
    """ "Op de agenda zetten": a message the actor can read, from an open room of the meeting's
    community, becomes an agenda item that links back to it (once per meeting)."""
    actor = as_actor(actor)
    meeting = _locked(meeting)
    _check_agenda(actor, meeting)
    message = Message.objects.select_related("room__community", "author__profile").get(pk=message.pk)
    if not permissions.can_put_message_on_agenda(actor, meeting, message):
        raise Invalid(_("Only a message from an open room of this community can go on its agenda."), field="message")
    if AgendaItem.objects.filter(meeting=meeting, source_message=message).exists():
        raise Conflict(_("This message is already on the agenda."), code="agenda_duplicate")
    author = message.author.display_name if message.author else _("Former member")
    try:
        with transaction.atomic():
            return AgendaItem.objects.create(
                meeting=meeting,
                title=_title_from(message) or _("A message"),
                note=_("From a message by %(name)s.") % {"name": author},
                added_by=actor.member,
                source_message=message,
                position=_next_position(meeting),
            )
    except IntegrityError as exc:  # the same message, added at the same moment by someone else
        raise Conflict(_("This message is already on the agenda."), code="agenda_duplicate") from exc


@transaction.atomic
def remove_agenda_item(*, actor: Actor | User, item: AgendaItem) -> None:
    """The one who added it, or a facilitator."""
    actor = as_actor(actor)
    meeting = item.meeting
    if not (
        permissions.can_manage(actor, meeting.community)
        or (item.added_by_id == actor.pk and permissions.can_take_part(actor, meeting.community))
    ):
        raise Forbidden(_("Only who added an item, or a facilitator, can remove it."))
    item.delete()
