"""Mentoring's privacy hook: its part of a member's export, and ending their pairs when they go.

Registered in ``MentoringConfig.ready()``; ``accounts.privacy`` calls it (see ``docs/privacy.md``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import User
from accounts.privacy import ACTOR, EXPORTED, FORMER_MEMBER, record, records
from mentoring import models as mm
from mentoring import services

RELATIONS: dict[str, str] = {
    "mentoring.MentoringProfile.user": EXPORTED,
    "mentoring.Programme.coordinators": EXPORTED,
    "mentoring.Participation.user": EXPORTED,
    "mentoring.MatchingRound.run_by": ACTOR,
    "mentoring.Relationship.person_a": EXPORTED,
    "mentoring.Relationship.person_b": EXPORTED,
    "mentoring.Relationship.proposed_by": EXPORTED,
    "mentoring.Session.logged_by": EXPORTED,
    "mentoring.Reflection.author": EXPORTED,
    "mentoring.CheckIn.completed_by": EXPORTED,
    "mentoring.Closing.author": EXPORTED,
    # A matching round's proposed pairs (score and reasons) are about the member: theirs to see.
    "mentoring.RoundPair.person_a": EXPORTED,
    "mentoring.RoundPair.person_b": EXPORTED,
}


def export(user: User) -> dict[str, Any]:
    """The mentoring profile, participations, and every pair with its agreement, goals, sessions,
    check-ins and the member's own reflections and closing words (not the partner's)."""
    pairs = mm.Relationship.objects.filter(Q(person_a=user) | Q(person_b=user)).order_by("pk")
    relationships = []
    for pair in pairs:
        data = record(pair)
        partner = pair.partner_of(user.pk)
        data["partner"] = partner.display_name if partner is not None else FORMER_MEMBER
        agreement = mm.Agreement.objects.filter(relationship=pair).first()
        data["agreement"] = record(agreement) if agreement else None
        data["goals"] = records(mm.Goal.objects.filter(relationship=pair).order_by("pk"))
        sessions = []
        for session in mm.Session.objects.filter(relationship=pair).order_by("pk"):
            item = record(session)
            item["my_reflections"] = records(mm.Reflection.objects.filter(session=session, author=user))
            sessions.append(item)
        data["sessions"] = sessions
        data["checkins"] = records(mm.CheckIn.objects.filter(relationship=pair).order_by("pk"))
        data["my_closings"] = records(mm.Closing.objects.filter(relationship=pair, author=user).order_by("pk"))
        relationships.append(data)

    profile = mm.MentoringProfile.objects.filter(user=user).first()
    profile_data = None
    if profile is not None:
        profile_data = record(profile)
        profile_data["offers"] = records(profile.offers.select_related("skill").order_by("pk"))
        profile_data["wants"] = records(profile.wants.select_related("skill").order_by("pk"))

    return {
        "mentoring": {
            "profile": profile_data,
            "participations": [
                {**record(p), "programme": p.programme.name}
                for p in mm.Participation.objects.filter(user=user).select_related("programme").order_by("pk")
            ],
            "coordinates": [p.name for p in mm.Programme.objects.filter(coordinators=user).order_by("pk")],
            "relationships": relationships,
            "round_proposals": [
                {**record(p), "programme": p.matching_round.programme.name}
                for p in mm.RoundPair.objects.filter(Q(person_a=user) | Q(person_b=user))
                .select_related("matching_round__programme")
                .order_by("pk")
            ],
        },
    }


def forget(user: User) -> None:
    """End the member's pairs through mentoring's services; the rest goes by ``CASCADE``/``SET_NULL``."""
    services.end_pairs_of_departing_member(member=user)
