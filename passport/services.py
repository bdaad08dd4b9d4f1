"""Writes of the passport: define achievements, award (by hand or by rule), revoke, endorse,
choose what is public, and the share link. Keyword-only, one transaction each, permission-checked."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import Skill, User
from core.errors import Conflict, Forbidden, Invalid, NotFound
from forum.models import Community
from mentoring.models import Programme
from passport import credentials, evidence, permissions
from passport.models import Achievement, Award, Endorsement, PassportSettings, Rule


@transaction.atomic
def define_achievement(
    *,
    actor: Actor | User,
    community: Community | None = None,
    programme: Programme | None = None,
    name: str,
    description: str,
    criteria: str,
    skill: Skill | None = None,
    rule: str = Rule.MANUAL,
    image: UploadedFile | None = None,
) -> Achievement:
    actor = as_actor(actor)
    if (community is None) == (programme is None):
        raise Invalid(_("Choose a community or a programme."), field="owner", code="achievement_owner")
    if community is not None and not permissions.can_define_for_community(actor, community):
        raise Forbidden(_("Only facilitators of this community and editors define its achievements."))
    if programme is not None and not permissions.can_define_for_programme(actor, programme):
        raise Forbidden(_("Only the programme's coordinators define its achievements."))
    if rule == Rule.PAIR_GOALS_BOTH_WAYS and programme is None:
        raise Invalid(_("This rule belongs to a mentoring programme."), field="rule", code="rule_needs_programme")
    if rule in {Rule.THREE_ACCEPTED_ANSWERS, Rule.PUBLISHED_LESSON} and community is None:
        raise Invalid(_("This rule belongs to a community."), field="rule", code="rule_needs_community")
    achievement = Achievement(
        community=community,
        programme=programme,
        name=name.strip(),
        description=description.strip(),
        criteria=criteria.strip(),
        skill=skill,
        rule=rule,
        created_by=actor.member,
    )
    if image is not None:
        achievement.image = image
    achievement.save()
    return achievement


def _issue(
    *,
    achievement: Achievement,
    recipient: User,
    awarded_by: User | None,
    rule_ref: str,
    proof: list[credentials.Evidence],
) -> Award:
    """Store the award, then its signed credential (its status bit is the award's own id)."""
    if Award.objects.filter(achievement=achievement, recipient=recipient, revoked_at__isnull=True).exists():
        raise Conflict(_("This member already holds this achievement."), code="already_awarded")
    try:
        with transaction.atomic():
            award = Award.objects.create(
                achievement=achievement,
                recipient=recipient,
                awarded_by=awarded_by,
                rule_ref=rule_ref,
                awarded_at=timezone.now(),
                # Placeholder until the id is known; the id is never reused, so neither is the bit.
                status_index=_next_placeholder(),
            )
    except IntegrityError as error:
        raise Conflict(_("This member already holds this achievement."), code="already_awarded") from error
    award.status_index = award.pk
    document = credentials.unsigned_credential(award, email=recipient.email, evidence=proof)
    award.credential = credentials.sign(document)
    award.save(update_fields=["status_index", "credential"])
    return award


def _next_placeholder() -> int:
    # A large, unused index while the row has no id yet (status_index is unique).
    return 2_000_000_000 + secrets.randbelow(100_000_000)


@transaction.atomic
def award(
    *,
    actor: Actor | User,
    achievement: Achievement,
    recipient: User,
    evidence_urls: list[tuple[str, str]] | None = None,
) -> Award:
    """Award by hand: whoever manages the achievement, to a member."""
    actor = as_actor(actor)
    if not permissions.can_manage_achievement(actor, achievement):
        raise Forbidden(_("You may not award this achievement."))
    if recipient.pk == actor.pk and not actor.is_platform_admin:
        raise Forbidden(_("You cannot award an achievement to yourself."), code="self_award")
    proof = [credentials.Evidence(url=credentials.absolute(url), name=name) for url, name in evidence_urls or []]
    return _issue(achievement=achievement, recipient=recipient, awarded_by=actor.member, rule_ref="", proof=proof)


@transaction.atomic
def award_by_rule(
    *, achievement: Achievement, recipient: User, rule_ref: str, proof: list[credentials.Evidence]
) -> Award | None:
    """Award for a rule met (``rule_ref`` names what met it); a second call for the same does nothing."""
    if Award.objects.filter(achievement=achievement, recipient=recipient).exists():
        return None
    try:
        return _issue(achievement=achievement, recipient=recipient, awarded_by=None, rule_ref=rule_ref, proof=proof)
    except Conflict:
        return None


@transaction.atomic
def revoke(*, actor: Actor | User, award: Award, reason: str) -> Award:
    actor = as_actor(actor)
    locked = Award.objects.select_for_update().select_related("achievement").get(pk=award.pk)
    if not permissions.can_manage_achievement(actor, locked.achievement):
        raise Forbidden(_("You may not revoke this award."))
    if locked.revoked_at is not None:
        raise Conflict(_("This award was already revoked."), code="already_revoked")
    if not reason.strip():
        raise Invalid(_("Say why, for the member."), field="reason", code="reason_required")
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor.member
    locked.revocation_reason = reason.strip()
    locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    return locked


@transaction.atomic
def endorse(*, actor: Actor | User, endorsee: User, skill: Skill, comment: str = "") -> Endorsement:
    actor = as_actor(actor)
    if not actor.is_authenticated:
        raise Forbidden(_("Log in to endorse."))
    if endorsee.pk == actor.pk:
        raise Invalid(_("You cannot endorse yourself."), code="self_endorsement")
    if not evidence.shared_pair_or_topic(actor.member_id, endorsee.pk):
        raise Forbidden(
            _("Only people who were a mentoring pair or wrote in one topic together endorse each other."),
            code="no_shared_work",
        )
    try:
        with transaction.atomic():
            return Endorsement.objects.create(
                endorser=actor.member, endorsee=endorsee, skill=skill, comment=comment.strip()
            )
    except IntegrityError as error:
        raise Conflict(_("You already endorsed this skill."), code="already_endorsed") from error


@dataclass(frozen=True)
class Visibility:
    show_mentoring: bool
    show_contributions: bool
    show_endorsements: bool
    public_award_ids: frozenset[int]


@transaction.atomic
def save_visibility(*, actor: Actor | User, choice: Visibility) -> PassportSettings:
    actor = as_actor(actor)
    row, _created = PassportSettings.objects.select_for_update().get_or_create(user=actor.member)
    row.show_mentoring = choice.show_mentoring
    row.show_contributions = choice.show_contributions
    row.show_endorsements = choice.show_endorsements
    row.save(update_fields=["show_mentoring", "show_contributions", "show_endorsements"])
    mine = Award.objects.filter(recipient=actor.member)
    mine.filter(pk__in=choice.public_award_ids).update(public=True)
    mine.exclude(pk__in=choice.public_award_ids).update(public=False)
    return row


@transaction.atomic
def create_share_link(*, actor: Actor | User) -> str:
    """A new share link; the old one (if any) stops working."""
    actor = as_actor(actor)
    row, _created = PassportSettings.objects.select_for_update().get_or_create(user=actor.member)
    row.share_token = secrets.token_urlsafe(32)
    row.share_created_at = timezone.now()
    row.save(update_fields=["share_token", "share_created_at"])
    return row.share_token


@transaction.atomic
def revoke_share_link(*, actor: Actor | User) -> None:
    actor = as_actor(actor)
    PassportSettings.objects.filter(user=actor.member).update(share_token=None, share_created_at=None)


def achievement_for(*, actor: Actor | User, uuid: Any) -> Achievement:
    found = Achievement.objects.select_related("community", "programme", "skill").filter(uuid=uuid).first()
    if found is None:
        raise NotFound(_("No such achievement."))
    return found
