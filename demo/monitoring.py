"""Demo content for monitoring: a quick scan with a closed and an open round, value-creation
stories, and the roll-up, in the first demo community. Idempotent: nothing is added twice."""

from __future__ import annotations

import random
from collections.abc import Callable

from django.core.management import call_command

from accounts.actor import Actor
from accounts.models import User
from forum.models import Community, Membership, MembershipState, Topic
from monitoring import services
from monitoring.models import ScanRound, ValueStory
from monitoring.scan import STATEMENTS

STORIES = [
    ("immediate", "Meteen geholpen bij mijn eerste warmtepomp", "Ik stelde een vraag en had binnen een uur drie antwoorden van installateurs."),
    ("potential", "Ik durf nu een klantgesprek te leiden", "In het gesprek over klantcontact kreeg ik tips die ik nog niet kende."),
    ("applied", "We werken nu met een checklist bij oplevering", "De checklist uit het gesprek gebruiken we nu op elk project."),
    ("realised", "Minder terugkomende storingen", "Sinds we de checklist gebruiken komen we veel minder vaak terug voor dezelfde storing."),
    ("reframing", "Leren is nu onderdeel van ons werk", "We zien de stagiair niet meer als hulp maar als iemand van wie wij ook leren."),
]  # fmt: skip


def seed(progress: Callable[[str], None]) -> None:
    community = Community.objects.filter(is_system=False).order_by("pk").first()
    if community is None or ScanRound.objects.filter(community=community).exists():
        call_command("monitoring_rollup", verbosity=0)
        return
    facilitator = User.objects.filter(email="facilitator@kring.test").first()
    if facilitator is None:
        return
    members = list(
        User.objects.filter(memberships__community=community, memberships__state=MembershipState.ACTIVE).order_by("pk")
    )
    if not Membership.objects.filter(community=community, user=facilitator, state=MembershipState.ACTIVE).exists():
        return
    rng = random.Random(20)
    boss = Actor(user=facilitator)
    first = services.open_scan_round(actor=boss, community=community)
    for member in members:
        scores = {s.code: rng.choice([2, 3, 3, 4, 4, 5]) for s in STATEMENTS}
        scores["mentors_1"] = scores["mentors_2"] = rng.choice([1, 2, 3])
        services.answer_scan(actor=Actor(user=member), scan_round=first, scores=scores)
    services.close_scan_round(actor=boss, scan_round=first)
    second = services.open_scan_round(actor=boss, community=community)
    for member in members[: max(0, len(members) - 2)]:
        scores = {s.code: rng.choice([3, 4, 4, 5]) for s in STATEMENTS}
        services.answer_scan(actor=Actor(user=member), scan_round=second, scores=scores)
    topics = list(Topic.objects.filter(room__community=community, room__is_restricted=False).order_by("pk")[:5])
    if topics and not ValueStory.objects.filter(community=community).exists():
        for i, (cycle, title, story) in enumerate(STORIES):
            author = members[i % len(members)]
            services.tell_story(
                actor=Actor(user=author), community=community, cycle=cycle, title=title, story=story,
                topic=topics[i % len(topics)],
            )  # fmt: skip
    call_command("monitoring_rollup", verbosity=0)
    progress(f"monitoring: a quick scan in two rounds and {len(STORIES)} stories in {community.name}")
