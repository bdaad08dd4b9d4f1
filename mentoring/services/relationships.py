"""A pair from proposal to end: propose, respond, coordinator access, pause, resume, end, close."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Conflict, Forbidden, Invalid
from core.text import check_text
from forum import services as forum_services
from mentoring import matching, selectors
from mentoring.models import (
    CLOSING_STATUSES,
    RUNNING_STATUSES,
    Closing,
    GoalsReached,
    MatchingMode,
    ParticipationStatus,
    Programme,
    Relationship,
    Satisfaction,
    Status,
)
from mentoring.services._checks import locked, reasons_json, require_party, require_status
from mentoring.services.notifications import notify, notify_pair, notify_partner
from notifications.models import NotificationKind


@transaction.atomic
def propose(
    *,
    actor: User,
    other: User,
    programme: Programme | None = None,
    message: str = "",
    rematch_of: Relationship | None = None,
) -> Relationship:
    if not actor.is_authenticated or not actor.is_active or not other.is_active or actor.pk == other.pk:
        raise Forbidden(_("You cannot propose a pair with this member."))
    check_text(message, field="message", multiline=True)
    if programme is not None:
        admitted = set(
            programme.participations.filter(
                status=ParticipationStatus.ADMITTED, user_id__in=[actor.pk, other.pk]
            ).values_list("user_id", flat=True)
        )
        if admitted != {actor.pk, other.pk}:
            raise Forbidden(_("You cannot propose a pair with this member."))
        if programme.matching_mode == MatchingMode.ROUND:
            raise Invalid(_("In this programme the coordinator makes the pairs."), code="mode")
    if rematch_of is not None and (
        rematch_of.side_of(actor.pk) is None or rematch_of.status not in (Status.ENDED_EARLY, Status.DECLINED)
    ):
        raise Forbidden(_("You cannot propose a pair with this member."))
    mine = selectors.candidate_for(user=actor)
    theirs = selectors.candidate_for(user=other)
    if mine is None or theirs is None:
        raise Invalid(_("Both of you need a mentoring profile first."), code="profile")
    if other.pk in selectors.unavailable_for(user=actor):
        raise Conflict(_("This member cannot take on a new pair with you now."), code="unavailable")
    failure = matching.hard_constraint_failure(mine, theirs)
    if failure is not None:
        raise Invalid(_("You do not meet the conditions for a pair (language, way of meeting, time)."))
    low, high = sorted((mine, theirs), key=lambda c: c.id)
    match = matching.explain(low, high, selectors.weights_for(programme))
    users = {actor.pk: actor, other.pk: other}
    try:
        with transaction.atomic():
            relationship = Relationship.objects.create(
                programme=programme,
                person_a=users[low.id],
                person_b=users[high.id],
                proposed_by=actor,
                rematch_of=rematch_of,
                accepted_by_a=actor.pk == low.id,
                accepted_by_b=actor.pk == high.id,
                score=match.score,
                reasons=reasons_json(match),
                message=message.strip()[:500],
            )
    except IntegrityError as exc:
        raise Conflict(_("You already have an open pair with this member."), code="duplicate") from exc
    notify(
        user=other,
        kind=NotificationKind.PROPOSAL,
        relationship=relationship,
        text=_("%(name)s proposes to learn from each other.") % {"name": actor.display_name},
    )
    return relationship


@transaction.atomic
def respond(*, actor: User, relationship: Relationship, accept: bool) -> Relationship:
    relationship = locked(relationship)
    side = require_party(actor, relationship)
    require_status(relationship, Status.PROPOSED)
    partner = relationship.partner_of(actor.pk)
    if not accept:
        relationship.status = Status.DECLINED
        relationship.ended_at = timezone.now()
        relationship.save(update_fields=["status", "ended_at"])
        notify(
            user=partner,
            kind=NotificationKind.DECLINED,
            relationship=relationship,
            text=_("%(name)s declined the proposal.") % {"name": actor.display_name},
        )
        return relationship
    setattr(relationship, f"accepted_by_{side}", True)
    fields = [f"accepted_by_{side}"]
    if relationship.accepted_by_a and relationship.accepted_by_b:
        relationship.status = Status.AGREEING
        fields += ["status", "room"]
        _open_room(relationship)
    relationship.save(update_fields=fields)
    notify(
        user=partner,
        kind=NotificationKind.ACCEPTED,
        relationship=relationship,
        text=_("%(name)s accepted: now make your agreement together.") % {"name": actor.display_name},
    )
    return relationship


@transaction.atomic
def withdraw(*, actor: User, relationship: Relationship) -> Relationship:
    """The proposer takes a proposal back before the other has answered."""
    relationship = locked(relationship)
    require_party(actor, relationship)
    if relationship.proposed_by_id != actor.pk:
        raise Forbidden(_("Only who made the proposal can withdraw it."))
    require_status(relationship, Status.PROPOSED)
    relationship.status = Status.WITHDRAWN
    relationship.ended_at = timezone.now()
    relationship.save(update_fields=["status", "ended_at"])
    notify_partner(
        actor=actor,
        relationship=relationship,
        kind=NotificationKind.DECLINED,
        text=_("%(name)s withdrew the proposal.") % {"name": actor.display_name},
    )
    return relationship


def _open_room(relationship: Relationship) -> None:
    """The pair's private room: a restricted forum room, with the coordinators if both allowed it."""
    if relationship.room_id is not None:
        return
    person_a, person_b = relationship.person_a, relationship.person_b
    if person_a is None or person_b is None:  # one of the two deleted their account: no new room
        return
    members = [person_a, person_b]
    if relationship.coordinator_allowed and relationship.programme is not None:
        members += list(relationship.programme.coordinators.all())
    title = f"{person_a.display_name} & {person_b.display_name}"
    relationship.room = forum_services.create_pair_room(title=title, members=members)


def _archive_room(relationship: Relationship) -> None:
    """A closed pair's room becomes read-only: the record stays, the conversation ends."""
    if relationship.room is not None:
        forum_services.archive_pair_room(room=relationship.room)


@transaction.atomic
def set_coordinator_access(*, actor: User, relationship: Relationship, allowed: bool) -> Relationship:
    relationship = locked(relationship)
    side = require_party(actor, relationship)
    setattr(relationship, f"coordinator_allowed_by_{side}", allowed)
    relationship.save(update_fields=[f"coordinator_allowed_by_{side}"])
    if relationship.room is not None and relationship.programme is not None:
        change = forum_services.remove_room_member
        if relationship.coordinator_allowed:
            change = forum_services.add_room_member
        for coordinator in relationship.programme.coordinators.all():
            if coordinator.pk not in (relationship.person_a_id, relationship.person_b_id):
                change(room=relationship.room, user=coordinator)
    return relationship


def _move(actor: User, relationship: Relationship, *, source: str, target: str) -> Relationship:
    relationship = locked(relationship)
    require_party(actor, relationship)
    require_status(relationship, source)
    relationship.status = target
    relationship.save(update_fields=["status"])
    return relationship


@transaction.atomic
def pause(*, actor: User, relationship: Relationship) -> Relationship:
    return _move(actor, relationship, source=Status.ACTIVE, target=Status.PAUSED)


@transaction.atomic
def resume(*, actor: User, relationship: Relationship) -> Relationship:
    return _move(actor, relationship, source=Status.PAUSED, target=Status.ACTIVE)


@transaction.atomic
def end_early(*, actor: User, relationship: Relationship, reason: str) -> Relationship:
    relationship = locked(relationship)
    require_party(actor, relationship)
    require_status(relationship, Status.AGREEING, Status.ACTIVE, Status.PAUSED)
    if not check_text(reason, field="reason", multiline=True).strip():
        raise Invalid(_("Say briefly why you stop."), field="reason")
    relationship.status = Status.ENDED_EARLY
    relationship.end_reason = reason.strip()
    relationship.ended_at = timezone.now()
    relationship.save(update_fields=["status", "end_reason", "ended_at"])
    _archive_room(relationship)
    notify_partner(
        actor=actor,
        relationship=relationship,
        kind=NotificationKind.ENDED,
        text=_("%(name)s ended your pair early.") % {"name": actor.display_name},
    )
    return relationship


@transaction.atomic
def write_closing(
    *,
    actor: User,
    relationship: Relationship,
    taught: str,
    learned: str,
    satisfaction: int | None = None,
    goals_reached: str = "",
    would_recommend: bool | None = None,
) -> Closing:
    """Each writes what they taught and learned, and answers the closing survey (the same for both
    sides: a 1–5 rating of the match, goals reached, would recommend); when both have closed, the
    pair is completed. A pair that ended early stays ended early: both may still close it and answer
    the same survey, and their answers count in the coordinator's figures like any other. Writing
    again replaces one's own answers: one closing per person per pair (``closing_once_per_author``).
    The survey's answers are never shown per person: the coordinator sees them only in aggregate
    (``selectors.closing_survey``)."""
    relationship = locked(relationship)
    require_party(actor, relationship)
    require_status(relationship, *CLOSING_STATUSES)
    check_text(taught, field="taught", multiline=True)
    check_text(learned, field="learned", multiline=True)
    if not taught.strip() or not learned.strip():
        raise Invalid(_("Write both what you taught and what you learned."), code="empty")
    if satisfaction is not None and satisfaction not in Satisfaction.values:
        raise Invalid(_("Rate your match from 1 to 5."), code="scale", field="satisfaction")
    if goals_reached and goals_reached not in GoalsReached.values:
        raise Invalid(_("Choose one of the answers."), code="choice", field="goals_reached")
    closing, _created = Closing.objects.update_or_create(
        relationship=relationship,
        author=actor,
        defaults={
            "taught": taught.strip(),
            "learned": learned.strip(),
            "satisfaction": satisfaction,
            "goals_reached": goals_reached,
            "would_recommend": would_recommend,
        },
    )
    if relationship.status == Status.ENDED_EARLY:
        notify_partner(
            actor=actor,
            relationship=relationship,
            kind=NotificationKind.ENDED,
            text=_("%(name)s looked back on your pair that ended early. You can do that too.")
            % {"name": actor.display_name},
        )
    elif relationship.closings.count() == 2:
        relationship.status = Status.COMPLETED
        relationship.ended_at = timezone.now()
        relationship.save(update_fields=["status", "ended_at"])
        _archive_room(relationship)
        notify_pair(
            relationship=relationship, kind=NotificationKind.ENDED, text=_("You have both closed your pair. Well done!")
        )
    else:
        notify_partner(
            actor=actor,
            relationship=relationship,
            kind=NotificationKind.ENDED,
            text=_("%(name)s wrote what they taught and learned; your turn to close.") % {"name": actor.display_name},
        )
    return closing


@transaction.atomic
def end_pairs_of_departing_member(*, member: User) -> int:
    """The member deletes their account: a proposal counts as declined, a running pair ends early.

    The pairs stay, with their sessions, goals, check-ins and the partner's own notes: they are
    the partner's record too (``person_a``/``person_b`` become NULL when the user row goes).
    Called from the privacy hook (``mentoring/privacy.py``); the partner is not notified.
    """
    now = timezone.now()
    ended = 0
    pairs = Relationship.objects.select_for_update().filter(Q(person_a=member) | Q(person_b=member))
    for pair in pairs:
        if pair.status == Status.PROPOSED:
            pair.status = Status.DECLINED
        elif pair.status in RUNNING_STATUSES:
            pair.status = Status.ENDED_EARLY
        else:
            continue
        pair.ended_at = now
        pair.save(update_fields=["status", "ended_at"])
        _archive_room(pair)
        ended += 1
    return ended
