from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from accounts.models import Language, Skill


@pytest.fixture(autouse=True)
def _fresh_tables() -> Iterator[None]:
    from mentoring import selectors

    selectors.clear_table_cache()
    yield
    selectors.clear_table_cache()


@pytest.fixture
def skills(db: None) -> dict[str, Skill]:
    return {s.name: s for s in Skill.objects.all()}


@pytest.fixture
def mentee_mentor(make_user: Callable[..., Any], skills: dict[str, Skill]) -> Callable[..., Any]:
    """Make a member with a mentoring profile: ``member("Sanne", years=2, offers=[...], wants=[...])``."""
    from mentoring import services

    def make(name: str, *, years: int = 0, offers: tuple[str, ...] = (), wants: tuple[str, ...] = (), **kw: Any) -> Any:
        user = make_user(name=name, email=kw.pop("email", ""))
        user.profile.languages.set(Language.objects.filter(code__in=kw.pop("languages", ["nl"])))
        services.save_mentoring_profile(
            actor=user,
            years_experience=years,
            hours_per_month=kw.pop("hours", 4),
            mode=kw.pop("mode", "both"),
            prefers_other_organisation=kw.pop("prefers_other_organisation", False),
            sector_preference=kw.pop("sector_preference", "any"),
            max_relationships=kw.pop("max_relationships", 1),
            offers=[services.OfferInput(skill=skills[s], level=2, context="") for s in offers],
            wants=[services.WantInput(skill=skills[s], goal="") for s in wants],
        )
        return user

    return make


@pytest.fixture
def programme_factory(make_user: Callable[..., Any]) -> Callable[..., Any]:
    from mentoring.models import Participation, Programme

    def make(coordinator: Any = None, members: tuple[Any, ...] = (), **kw: Any) -> Programme:
        coordinator = coordinator or make_user(name="Coordinator")
        programme = Programme.objects.create(
            name=kw.pop("name", "Samen duiken"),
            slug=kw.pop("slug", "samen-duiken"),
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2027, 6, 30),
            **kw,
        )
        programme.coordinators.add(coordinator)
        for m in members:
            Participation.objects.create(programme=programme, user=m, status="admitted")
        return programme

    return make


@pytest.fixture
def sanne_henk(mentee_mentor: Callable[..., Any]) -> tuple[Any, Any]:
    sanne = mentee_mentor(
        "Sanne", email="sanne@example.test", years=2, offers=("Data-analyse",), wants=("Klantgesprekken voeren",)
    )
    henk = mentee_mentor(
        "Henk", email="henk@example.test", years=28, offers=("Klantgesprekken voeren",), wants=("Data-analyse",)
    )
    return sanne, henk


@pytest.fixture
def active_pair(sanne_henk: tuple[Any, Any], programme_factory: Callable[..., Any]) -> Any:
    """Sanne and Henk in a programme, with a signed agreement: an active pair."""
    from mentoring import services

    sanne, henk = sanne_henk
    programme = programme_factory(members=(sanne, henk))
    rel = services.propose(actor=sanne, other=henk, programme=programme)
    services.respond(actor=henk, relationship=rel, accept=True)
    rel.refresh_from_db()
    services.save_agreement(
        actor=sanne,
        relationship=rel,
        rhythm="Elke drie weken een uur",
        duration_months=6,
        confidentiality="Wat we bespreken blijft tussen ons.",
        goals_a=["Een klantgesprek leiden"] if rel.person_a == sanne else ["Een dashboard bouwen"],
        goals_b=["Een dashboard bouwen"] if rel.person_a == sanne else ["Een klantgesprek leiden"],
    )
    services.sign_agreement(actor=sanne, relationship=rel)
    services.sign_agreement(actor=henk, relationship=rel)
    rel.refresh_from_db()
    return rel
