"""Demo content of the learning passport: achievements of a community and a programme, and a few
signed credentials (sanne@kring.test holds two, one of them public), idempotent."""

from __future__ import annotations

from collections.abc import Callable

from accounts.models import Skill, User
from forum.models import Community, Membership, Role
from mentoring.models import Programme
from passport import services
from passport.models import Achievement, Award, PassportSettings, Rule

ACHIEVEMENTS = [
    (
        "Praktijkvraag beantwoord",
        "Heeft drie praktijkvragen van bedrijven in de kenniskring beantwoord, zo dat de vrager het antwoord accepteerde.",
        "Drie geaccepteerde antwoorden op praktijkvragen in deze learning community.",
        Rule.THREE_ACCEPTED_ANSWERS,
    ),
    (
        "Tafelvoorzitter",
        "Heeft een tafel tijdens een bijeenkomst van de kenniskring voorbereid en geleid.",
        "Bereidt een tafel voor (vraag, deelnemers, notulen) en leidt het gesprek; de kringcoördinator kent toe.",
        Rule.MANUAL,
    ),
]
PROGRAMME_ACHIEVEMENT = (
    "Mentor in tweerichtingsverkeer",
    "Heeft een mentoringkoppel afgerond waarin beide kanten hun leerdoelen haalden.",
    "Een afgerond koppel waarin alle leerdoelen van beide kanten gehaald zijn.",
    Rule.PAIR_GOALS_BOTH_WAYS,
)


def seed(progress: Callable[[str], None]) -> None:
    facilitator = User.objects.filter(email="facilitator@kring.test").first()
    sanne = User.objects.filter(email="sanne@kring.test").first()
    if facilitator is None or sanne is None:
        return
    membership = (
        Membership.objects.filter(
            user=facilitator, role__in=[Role.FACILITATOR, Role.OWNER], community__visibility="open"
        )
        .select_related("community")
        .order_by("pk")
        .first()
    )
    community: Community | None = membership.community if membership else None
    if community is None:
        return
    skill = Skill.objects.order_by("name").first()
    made = []
    for name, description, criteria, rule in ACHIEVEMENTS:
        achievement = Achievement.objects.filter(community=community, name=name).first()
        if achievement is None:
            achievement = services.define_achievement(
                actor=facilitator,
                community=community,
                name=name,
                description=description,
                criteria=criteria,
                skill=skill,
                rule=rule,
            )
        made.append(achievement)
    programme = Programme.objects.filter(coordinators__isnull=False).order_by("pk").first()
    if programme is not None and not Achievement.objects.filter(programme=programme).exists():
        coordinator = programme.coordinators.order_by("pk").first()
        name, description, criteria, rule = PROGRAMME_ACHIEVEMENT
        if coordinator is not None:
            services.define_achievement(
                actor=coordinator, programme=programme, name=name, description=description, criteria=criteria, rule=rule
            )
    for achievement in made:
        if not Award.objects.filter(achievement=achievement, recipient=sanne).exists():
            services.award(
                actor=facilitator,
                achievement=achievement,
                recipient=sanne,
                evidence_urls=[(community.get_absolute_url(), community.name)],
            )
    first = Award.objects.filter(recipient=sanne, achievement=made[0]).first()
    if first is not None and not first.public:
        Award.objects.filter(pk=first.pk).update(public=True)
    PassportSettings.objects.get_or_create(user=sanne, defaults={"show_contributions": True})
    progress(f"{Award.objects.count()} credentials")
