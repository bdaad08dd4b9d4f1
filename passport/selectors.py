"""Reads of the passport: a member's passport (all of it for them, the chosen parts for others),
achievements, awards, and the revocation list's bits."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from accounts.actor import Actor, as_actor
from accounts.models import User
from forum.models import Community
from mentoring.models import Programme
from passport import evidence, permissions
from passport.models import Achievement, Award, Endorsement, PassportSettings

ENDORSEMENTS_SHOWN = 50


@dataclass
class EndorsedSkill:
    name: str
    count: int
    comments: list[str]


@dataclass
class Passport:
    member: User
    full: bool  # the member's own view (everything), or the public parts only
    settings: PassportSettings
    mentoring: evidence.MentoringRecord | None
    answers: list[evidence.Contribution] | None
    lessons: list[evidence.Contribution] | None
    meetings: list[evidence.Contribution] | None
    endorsements: list[EndorsedSkill] | None
    awards: list[Award]


def settings_of(member: User) -> PassportSettings:
    found = PassportSettings.objects.filter(user=member).first()
    return found or PassportSettings(user=member)


def _endorsements(member: User) -> list[EndorsedSkill]:
    grouped: dict[str, EndorsedSkill] = {}
    for row in (
        Endorsement.objects.filter(endorsee=member)
        .select_related("skill")
        .order_by("skill__name", "-created_at")[:ENDORSEMENTS_SHOWN]
    ):
        item = grouped.setdefault(row.skill.name, EndorsedSkill(row.skill.name, 0, []))
        item.count += 1
        if row.comment:
            item.comments.append(row.comment)
    return sorted(grouped.values(), key=lambda item: (-item.count, item.name))


def passport(member: User, *, full: bool) -> Passport:
    """``full``: the member's own view. Otherwise only what they made public — never more."""
    chosen = settings_of(member)
    awards = Award.objects.filter(recipient=member).select_related("achievement__community", "achievement__programme")
    if not full:
        awards = awards.filter(public=True, revoked_at__isnull=True)
    show = {
        "mentoring": full or chosen.show_mentoring,
        "contributions": full or chosen.show_contributions,
        "endorsements": full or chosen.show_endorsements,
    }
    return Passport(
        member=member,
        full=full,
        settings=chosen,
        mentoring=evidence.mentoring_of(member.pk) if show["mentoring"] else None,
        answers=evidence.accepted_answers(member.pk) if show["contributions"] else None,
        lessons=evidence.lessons(member.pk) if show["contributions"] else None,
        meetings=evidence.meetings_attended(member.pk) if show["contributions"] else None,
        endorsements=_endorsements(member) if show["endorsements"] else None,
        awards=list(awards[:100]),
    )


def shared_passport(token: str) -> Passport | None:
    row = PassportSettings.objects.filter(share_token=token).select_related("user").first() if token else None
    return passport(row.user, full=False) if row is not None and row.user.is_active else None


def export_record(member: User) -> dict[str, Any]:
    """The member's whole passport as plain JSON (the export download and the privacy export)."""
    view = passport(member, full=True)
    mentoring = view.mentoring or evidence.MentoringRecord()
    return {
        "member": member.get_full_name() or member.email,
        "mentoring": {
            "hours": mentoring.hours,
            "goals_reached_own": mentoring.goals_reached_mine,
            "goals_reached_other": mentoring.goals_reached_theirs,
            "pairs": [
                {
                    "partner": pair.partner_name,
                    "status": str(pair.status),
                    "sessions": pair.sessions,
                    "goals_own": [pair.goals_mine_met, pair.goals_mine],
                    "goals_other": [pair.goals_theirs_met, pair.goals_theirs],
                    "taught": pair.taught,
                    "learned": pair.learned,
                }
                for pair in mentoring.pairs
            ],
        },
        "accepted_answers": [{"title": c.title, "url": c.url} for c in view.answers or []],
        "lessons": [{"title": c.title, "url": c.url} for c in view.lessons or []],
        "meetings_attended": [
            {"title": c.title, "community": c.where, "url": c.url, "starts_at": c.when.isoformat() if c.when else None}
            for c in view.meetings or []
        ],
        "endorsements": [{"skill": e.name, "count": e.count, "comments": e.comments} for e in view.endorsements or []],
        "credentials": [award.credential for award in view.awards if award.credential],
    }


def manageable_achievements(actor: Actor | User) -> QuerySet[Achievement]:
    """Achievements of the communities the actor facilitates, the programmes they coordinate, or all (editors)."""
    actor = as_actor(actor)
    found = Achievement.objects.select_related("community", "programme").annotate(
        holders=Count("awards", filter=Q(awards__revoked_at__isnull=True))
    )
    if not actor.is_authenticated:
        return found.none()
    if permissions.is_editor(actor):
        return found.filter(Q(community__isnull=False) | Q(programme__coordinators=actor.member)).distinct()
    return found.filter(
        Q(
            community__memberships__user=actor.member,
            community__memberships__state="active",
            community__memberships__role__in=["facilitator", "owner"],
        )
        | Q(programme__coordinators=actor.member)
    ).distinct()


def definable_owners(actor: Actor | User) -> tuple[list[Community], list[Programme]]:
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return [], []
    communities = Community.objects.filter(is_system=False).order_by("name")
    if not permissions.is_editor(actor):
        communities = communities.filter(
            memberships__user=actor.member, memberships__state="active", memberships__role__in=["facilitator", "owner"]
        )
    programmes = Programme.objects.order_by("name")
    if not actor.is_platform_admin:
        programmes = programmes.filter(coordinators=actor.member)
    return list(communities.distinct()[:200]), list(programmes.distinct()[:200])


def awards_of(achievement: Achievement) -> QuerySet[Award]:
    return achievement.awards.select_related("recipient").order_by("-awarded_at", "-pk")


def revoked_indices() -> set[int]:
    return set(Award.objects.filter(revoked_at__isnull=False).values_list("status_index", flat=True))


def highest_status_index() -> int:
    return Award.objects.aggregate(top=Max("status_index"))["top"] or 0


def award_by_uuid(uuid: Any) -> Award | None:
    return (
        Award.objects.select_related("achievement__community", "achievement__programme", "achievement__skill")
        .filter(uuid=uuid)
        .first()
    )


def endorsement_counts(member: User) -> Counter[str]:
    return Counter(Endorsement.objects.filter(endorsee=member).values_list("skill__name", flat=True))


def my_credentials(*, actor: Actor | User) -> QuerySet[Award]:
    """The member's own awards, newest first, revoked ones too (they still verify, as revoked)."""
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return Award.objects.none()
    return (
        Award.objects.filter(recipient_id=actor.member_id)
        .select_related("achievement__community", "achievement__programme")
        .order_by("-awarded_at", "-pk")
    )


def visible_credential(*, actor: Actor | User, uuid: Any) -> Award | None:
    """The award if the actor may see its signed credential (``permissions.can_see_credential``);
    None whether it is missing or not theirs to see: the same answer, no existence leak."""
    award = Award.objects.select_related("recipient").filter(uuid=uuid).first()
    if award is None or not permissions.can_see_credential(actor, award):
        return None
    return award
