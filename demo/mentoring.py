"""Demo content for mentoring: profiles, two programmes, a finished matching round and
pairs at every stage, with sessions and reflections.

Deterministic (a fixed random seed) and idempotent (natural keys, and each step only
moves a pair forward from where it stands), so running it twice leaves the same rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone

from accounts.models import Skill, User
from core.errors import KringError
from mentoring import calendar, selectors, services
from mentoring.models import (
    Goal,
    MatchingMode,
    MentoringProfile,
    Milestone,
    Participation,
    ParticipationStatus,
    Programme,
    Relationship,
    SectorPreference,
    Session,
    SessionState,
    Status,
)

Progress = Callable[[str], None]

DIGITAL = [
    "Data-analyse",
    "Programmeren",
    "AI toepassen",
    "Mediawijsheid",
    "Digitaal samenwerken",
    "Cloud en infrastructuur",
]
PRACTICE = ["Klantgesprekken voeren", "Projectmanagement", "Netwerken", "Pitchen", "Ondernemerschap", "Samenwerken"]
SECTOR_SKILLS = [
    "Waterbeheer",
    "Scheepsbouw",
    "Supply chain planning",
    "Duurzaam transport",
    "Warmtepompen installeren",
    "Energieadvies woningen",
    "Precisielandbouw",
    "Procesoperator",
    "Zorgtechnologie",
    "Robotica",
]
CONTEXTS = [
    "Dagelijks in mijn werk bij {org}",
    "In projecten met studenten en bedrijven",
    "Geleerd in mijn opleiding en stage",
    "Al jaren mijn vak; ik geef er ook training in",
    "In een fieldlab waar ik aan meedoe",
]
GOALS = [
    "Zelfstandig {skill} inzetten in een echt project",
    "{skill} goed genoeg beheersen om een collega te helpen",
    "Begrijpen hoe ervaren mensen {skill} aanpakken",
]
NOTES = [
    "Kennisgemaakt en onze leervragen naast elkaar gelegd.",
    "Samen een dataset van het waterschap doorgelopen; daarna een oefengesprek met een klant.",
    "Meegelopen op de werkplek en de ervaringen van de week besproken.",
    "Terugblik op de eerste maanden en de doelen bijgesteld.",
]
WENT_WELL = [
    "We stelden elkaar echte vragen uit ons werk; dat maakte het concreet.",
    "Het oefengesprek: ik kreeg meteen feedback die ik kon gebruiken.",
    "Ik merkte dat ik meer weet dan ik dacht, omdat ik het moest uitleggen.",
]
RAN_INTO = [
    "Het was lastig om tijd te vinden naast het project.",
    "Ik durfde niet goed te zeggen wat ik niet begreep.",
    "We wilden te veel tegelijk bespreken.",
]
LEARNING_POINTS = [
    "Eerst de vraag scherp maken, dan pas het antwoord zoeken.",
    "Vaker om hulp vragen, ook als ik ervaren ben.",
    "Een kleine stap per sessie is genoeg.",
]

PROGRAMMES = [
    {
        "slug": "samen-duiken",
        "name": "Samen duiken – mentorprogramma watersector",
        "description": (
            "Naar het voorbeeld van het mentorprogramma 'Dive in together!' van het Koninklijk Nederlands "
            "Waternetwerk: jonge en ervaren waterprofessionals vormen een koppel waarin allebei iets leren. "
            "De ervaren professional deelt vakkennis en netwerk; de jonge professional brengt nieuwe digitale "
            "vaardigheden en frisse vragen mee. Doel: kennisoverdracht, nieuwe leiders en een sterker netwerk "
            "in de watersector."
        ),
        "eligibility": "Professionals in de watersector: starters tot vijf jaar werkervaring en ervaren collega's.",
        "intake_questions": "Wat wil je dit jaar leren?\nWat kun je een ander leren?",
        "matching_mode": MatchingMode.ROUND,
        "starts_on": dt.date(2026, 9, 1),
        "ends_on": dt.date(2027, 6, 30),
        "checkin_interval_days": 42,
        "weights": {"skills": 45, "experience": 25, "availability": 10, "region": 5, "organisation": 10, "sector": 5},
    },
    {
        "slug": "talent-innovatie-pool",
        "name": "Talent Innovatie Pool Logistiek",
        "description": (
            "Naar de pilot Talent Innovatie Pool in de topsector Logistiek: studenten, high potentials van "
            "bedrijven en onderzoekers werken samen aan logistieke kennisvragen. In dit programma vormen ze "
            "koppels die over de grenzen van bedrijf en opleiding heen kijken: de student brengt actuele "
            "kennis mee, de professional de praktijk."
        ),
        "eligibility": "Studenten (mbo, hbo, wo), high potentials uit logistieke bedrijven en onderzoekers.",
        "intake_questions": "Aan welke logistieke kennisvraag werk je graag?",
        "matching_mode": MatchingMode.BOTH,
        "starts_on": dt.date(2026, 10, 1),
        "ends_on": dt.date(2027, 9, 30),
        "checkin_interval_days": 30,
        "weights": {"skills": 40, "experience": 20, "availability": 15, "region": 10, "organisation": 5, "sector": 10},
    },
]

NOT_IN_MENTORING = {"admin@kring.test", "redacteur@kring.test", "reviewer@kring.test", "coordinator@kring.test"}


def _years(stage: str, rng: random.Random) -> int:
    return {
        "student": 0,
        "starter": rng.randint(1, 5),
        "mid_career": rng.randint(6, 19),
        "experienced": rng.randint(20, 35),
        "returner": rng.randint(3, 10),
    }.get(stage, 2)


def _profiles(members: list[User], skills: dict[str, Skill], rng: random.Random) -> None:
    for user in members:
        stage = user.profile.career_stage
        years = _years(stage, rng)
        org = user.profile.organisation
        if years <= 5:
            offer_names = rng.sample(DIGITAL, k=rng.randint(1, 2))
            want_names = rng.sample(PRACTICE[:4] + SECTOR_SKILLS, k=rng.randint(1, 2))
        else:
            offer_names = rng.sample(SECTOR_SKILLS, k=1) + rng.sample(PRACTICE, k=rng.randint(1, 2))
            want_names = rng.sample(DIGITAL, k=rng.randint(1, 2))
        if user.email == "sanne@kring.test":
            years, offer_names, want_names = 3, ["Data-analyse", "Digitaal samenwerken"], ["Klantgesprekken voeren"]
        elif user.email == "henk@kring.test":
            years, offer_names, want_names = 28, ["Klantgesprekken voeren", "Waterbeheer"], ["Data-analyse"]
        services.save_mentoring_profile(
            actor=user,
            years_experience=years,
            hours_per_month=rng.choice([2, 4, 4, 6, 8]),
            mode=rng.choice(["online", "in_person", "both", "both", "both"]),
            prefers_other_organisation=rng.random() < 0.5,
            sector_preference=rng.choice([SectorPreference.ANY] * 3 + [SectorPreference.SAME, SectorPreference.OTHER]),
            motivation=rng.choice(
                [
                    "Ik wil mijn vakkennis doorgeven en zelf bijblijven met nieuwe technieken.",
                    "Ik leer graag van iemand met meer ervaring, en ik heb zelf ook iets te bieden.",
                    "Tweerichtingsverkeer: ik wil leren én leren aan een ander.",
                ]
            ),
            offers=[
                services.OfferInput(
                    skill=skills[name],
                    level=3 if years > 15 else 2,
                    context=rng.choice(CONTEXTS).format(org=org.name if org else "mijn werk"),
                )
                for name in offer_names
            ],
            wants=[
                services.WantInput(skill=skills[name], goal=rng.choice(GOALS).format(skill=name.lower()))
                for name in want_names
            ],
        )


def _admit(programme: Programme, members: list[User], status: str = ParticipationStatus.ADMITTED) -> None:
    for user in members:
        Participation.objects.get_or_create(
            programme=programme,
            user=user,
            defaults={
                "status": status,
                "intake_answers": dict.fromkeys(programme.questions(), "Zie mijn mentorprofiel."),
            },
        )


def _goals(user: User) -> list[str]:
    profile = MentoringProfile.objects.get(user=user)
    goals = [w.goal for w in profile.wants.all() if w.goal][:2]
    return goals or ["Mijn netwerk in de sector vergroten"]


def _advance(rel: Relationship, stage: str, rng: random.Random, today: dt.date) -> None:
    """Move a pair forward to ``stage``; a pair that is already past its first step stays as it is."""
    if rel.status != Status.PROPOSED:
        return
    a, b = rel.person_a, rel.person_b
    assert a is not None and b is not None  # a demo pair has both its members
    for person in (a, b):
        if not getattr(rel, f"accepted_by_{rel.side_of(person.pk)}"):
            rel = services.respond(actor=person, relationship=rel, accept=True)
    if stage == "agreeing":
        return
    services.save_agreement(
        actor=a,
        relationship=rel,
        rhythm=rng.choice(
            ["Elke drie weken een uur", "Eens per maand, afwisselend op elkaars werkplek", "Om de week online"]
        ),
        duration_months=rng.choice([6, 9, 12]),
        confidentiality="Wat we bespreken blijft tussen ons, tenzij we samen iets anders afspreken.",
        goals_a=_goals(a),
        goals_b=_goals(b),
    )
    services.sign_agreement(actor=a, relationship=rel)
    rel = services.sign_agreement(actor=b, relationship=rel)
    started = today - dt.timedelta(days=rng.choice([50, 70, 90]))
    Relationship.objects.filter(pk=rel.pk).update(
        activated_at=timezone.make_aware(dt.datetime.combine(started, dt.time(10)))
    )
    if rng.random() < 0.6:
        services.set_coordinator_access(actor=a, relationship=rel, allowed=True)
        services.set_coordinator_access(actor=b, relationship=rel, allowed=True)
    for n in range(rng.randint(1, 3)):
        held_on = started + dt.timedelta(days=7 + 21 * n)
        author = a if n % 2 == 0 else b
        session = services.log_session(
            actor=author,
            relationship=rel,
            held_on=min(held_on, today),
            mode=rng.choice(["online", "in_person"]),
            shared_notes=NOTES[n % len(NOTES)],
            reflection=services.ReflectionInput(
                went_well=rng.choice(WENT_WELL),
                ran_into=rng.choice(RAN_INTO),
                learning_points=rng.choice(LEARNING_POINTS),
                shared=rng.random() < 0.5,
            ),
        )
        partner = b if author == a else a
        services.save_reflection(
            actor=partner,
            session=session,
            data=services.ReflectionInput(
                went_well=rng.choice(WENT_WELL), learning_points=rng.choice(LEARNING_POINTS), shared=True
            ),
        )
    for goal in rel.goals.all():
        owner = a if goal.side == "a" else b
        services.update_goal(actor=owner, goal=goal, progress=rng.choice([20, 50, 80, 100]))
    if stage == "overdue":
        rel.checkins.filter(completed_at__isnull=True).update(due_on=today - dt.timedelta(days=5))
    elif stage == "ended_early":
        services.end_early(
            actor=b, relationship=rel, reason="Nieuwe baan in het buitenland; we houden contact via de kring."
        )
    elif stage == "completed":
        services.write_closing(
            actor=a,
            relationship=rel,
            taught="Hoe je data leesbaar maakt voor de praktijk.",
            learned="Hoe je een klantgesprek opbouwt.",
        )
        services.write_closing(
            actor=b,
            relationship=rel,
            taught="Hoe je een klantgesprek opbouwt.",
            learned="Werken met dashboards en open data.",
        )


def seed(progress: Progress) -> None:
    rng = random.Random(4711)
    today = timezone.localdate()
    skills = {s.name: s for s in Skill.objects.all()}
    coordinator = User.objects.get(email="coordinator@kring.test")
    coordinator.user_permissions.add(
        Permission.objects.get(codename="add_programme", content_type__app_label="mentoring")
    )
    members = list(
        User.objects.filter(is_active=True, profile__isnull=False)
        .exclude(email__in=NOT_IN_MENTORING)
        .select_related("profile__organisation")
        .order_by("email")
    )
    with services.without_email():
        _profiles(members, skills, rng)
        progress(f"mentoring profiles: {len(members)}")

        programmes = {}
        for spec in PROGRAMMES:
            weights = spec["weights"]
            assert isinstance(weights, dict)
            programme, _ = Programme.objects.update_or_create(
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "description": spec["description"],
                    "eligibility": spec["eligibility"],
                    "intake_questions": spec["intake_questions"],
                    "matching_mode": spec["matching_mode"],
                    "starts_on": spec["starts_on"],
                    "ends_on": spec["ends_on"],
                    "checkin_interval_days": spec["checkin_interval_days"],
                    **{f"weight_{k}": v for k, v in weights.items()},
                },
            )
            programme.coordinators.add(coordinator)
            programmes[spec["slug"]] = programme

        sanne_henk = [m for m in members if m.email in ("sanne@kring.test", "henk@kring.test")]
        others = [m for m in members if m not in sanne_henk]
        pool = rng.sample(others, k=min(len(others), 74))
        diving, tip, applied = pool[:40], pool[40:70], pool[70:74]

        duiken = programmes["samen-duiken"]
        _admit(duiken, diving)
        if not duiken.rounds.filter(published_at__isnull=False).exists():
            draft = services.run_matching_round(actor=coordinator, programme=duiken)
            services.publish_round(actor=coordinator, matching_round=draft)
        stages = ["active", "active", "overdue", "active", "completed", "ended_early", "agreeing", "agreeing"]
        round_pairs = list(
            Relationship.objects.filter(matching_round__programme=duiken).order_by("person_a_id", "person_b_id")
        )
        for rel, stage in zip(round_pairs, stages, strict=False):
            _advance(rel, stage, rng, today)
        progress(f"programme {duiken.name}: {len(diving)} participants, {len(round_pairs)} pairs from the round")

        pool_tip = programmes["talent-innovatie-pool"]
        _admit(pool_tip, [*tip, *sanne_henk])
        _admit(pool_tip, applied, status=ParticipationStatus.APPLIED)
        by_years = sorted(tip, key=lambda u: (MentoringProfile.objects.get(user=u).years_experience, u.email))
        for young, old in [(by_years[0], by_years[-1]), (by_years[1], by_years[-2]), (by_years[2], by_years[-3])]:
            if Relationship.objects.filter(Q(person_a=young, person_b=old) | Q(person_a=old, person_b=young)).exists():
                continue
            try:
                rel = services.propose(
                    actor=young, other=old, programme=pool_tip, message="Zullen we samen aan de slag?"
                )
            except KringError:
                continue  # a pair that breaks a hard constraint is simply left out
            _advance(rel, "active", rng, today)
        progress(f"programme {pool_tip.name}: {len(tip) + 2} participants, {len(applied)} applications")
        planned, milestones = _plan_ahead(today)
        progress(f"planned sessions: {planned}; milestones: {milestones}")
        if not duiken.rounds.filter(published_at__isnull=True).exists():
            # A second round as a draft, for the coordinator to review (lock, forbid, swap, publish).
            draft = services.run_matching_round(actor=coordinator, programme=duiken, min_score=20)
            progress(f"draft round in {duiken.name}: {draft.pair_count} pairs to review")
    selectors.bump_pool_version()


MILESTONES = ["Een eerste oefening samen gedaan", "Zelf toegepast in het werk", "Aan een collega uitgelegd"]


def _plan_ahead(today: dt.date) -> tuple[int, int]:
    """Every active pair has its next session planned (with a calendar invitation) and milestones
    on its first goal each way. Written directly: the demo sends no invitations by mail."""
    planned = milestones = 0
    for i, rel in enumerate(Relationship.objects.filter(status=Status.ACTIVE).order_by("pk")):
        if not rel.sessions.filter(state=SessionState.PLANNED).exists():
            day = today + dt.timedelta(days=3 + i % 10)
            starts = dt.datetime.combine(day, dt.time(10 + i % 6, 0), tzinfo=ZoneInfo("Europe/Amsterdam"))
            online = i % 2 == 0
            session = Session.objects.create(
                relationship=rel,
                state=SessionState.PLANNED,
                starts_at=starts,
                held_on=day,
                duration_minutes=60,
                mode="online" if online else "in_person",
                place="" if online else "Bibliotheek, leeszaal 2",
                video_url=f"https://meet.kring.test/koppel-{rel.pk}" if online else "",
                logged_by=rel.person_a,
            )
            session.ical_uid = calendar.new_uid(session.pk)
            session.save(update_fields=["ical_uid"])
            planned += 1
        for side in ("a", "b"):
            goal = Goal.objects.filter(relationship=rel, side=side).order_by("pk").first()
            if goal is None or goal.milestones.exists():
                continue
            done = timezone.now() - dt.timedelta(days=7)
            Milestone.objects.bulk_create(
                Milestone(goal=goal, title=title, done_at=done if n == 0 else None)
                for n, title in enumerate(MILESTONES)
            )
            milestones += len(MILESTONES)
    return planned, milestones
