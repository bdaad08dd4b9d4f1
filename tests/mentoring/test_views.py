from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentoring import services
from mentoring.models import (
    Goal,
    MentoringProfile,
    Participation,
    Programme,
    Relationship,
    Session,
    Status,
)

pytestmark = pytest.mark.django_db


def test_pages_render_for_a_party(active_pair: Relationship, client: Client) -> None:
    rel = active_pair
    services.log_session(actor=rel.person_a, relationship=rel, held_on=timezone.localdate(), mode="online")
    session = Session.objects.get()
    client.force_login(rel.person_a)
    for url in [
        reverse("mentoring:home"),
        reverse("mentoring:profile_edit"),
        reverse("mentoring:suggestions"),
        reverse("mentoring:relationship", args=[rel.pk]),
        reverse("mentoring:session_new", args=[rel.pk]),
        reverse("mentoring:reflection", args=[session.pk]),
        reverse("mentoring:closing", args=[rel.pk]),
        reverse("mentoring:programmes"),
        reverse("mentoring:programme", args=[rel.programme.slug]),  # type: ignore[union-attr]
    ]:
        assert client.get(url).status_code == 200, url


def test_profile_set_up_in_steps_saves_offers_and_wants(make_user: Any, client: Client, skills: dict[str, Any]) -> None:
    user = make_user(name="Lotte")
    client.force_login(user)
    url = reverse("mentoring:profile_edit")
    basics = {
        "years_experience": "3",
        "hours_per_month": "6",
        "mode": "online",
        "max_relationships": "1",
        "is_open": "on",
    }
    assert client.post(f"{url}?stap=basis", basics)["Location"] == f"{url}?stap=aanbod"
    # One searchable picker, not a select per row: the page lists each skill once.
    page = client.get(f"{url}?stap=aanbod").content.decode()
    assert page.count('role="option"') == len(skills) and page.count("<select") == 1  # the new row's template
    offer = skills["Data-analyse"]
    # Without JavaScript a skill is added by its name ("Add"), then given a level.
    assert client.post(f"{url}?stap=aanbod", {"add": "data-analyse", "stay": "1"})["Location"] == f"{url}?stap=aanbod"
    answer = client.post(
        f"{url}?stap=aanbod", {"skill": [offer.pk], f"level_{offer.pk}": "3", f"note_{offer.pk}": "Bij mijn stage"}
    )
    assert answer["Location"] == f"{url}?stap=leren"
    unknown = client.post(f"{url}?stap=leren", {"add": "Onderwaterbasketbal"})
    assert unknown.status_code == 400 and unknown.context["form"].errors["add"]
    want = skills["Pitchen"]
    client.post(f"{url}?stap=leren", {"skill": [want.pk], f"note_{want.pk}": "Een pitch geven voor investeerders"})
    prefs = {"prefers_other_organisation": "on", "sector_preference": "any", "motivation": "Ik wil leren en delen."}
    assert client.post(f"{url}?stap=voorkeuren", prefs)["Location"] == reverse("mentoring:suggestions")
    profile = MentoringProfile.objects.get(user=user)
    offered = profile.offers.get()
    assert (offered.skill.name, offered.level, offered.context) == ("Data-analyse", 3, "Bij mijn stage")
    assert profile.wants.get().goal == "Een pitch geven voor investeerders"
    assert profile.mode == "online" and profile.hours_per_month == 6 and profile.motivation == "Ik wil leren en delen."
    # Removing a skill keeps the others.
    client.post(f"{url}?stap=aanbod", {"skill": [offer.pk], f"level_{offer.pk}": "3", "remove": str(offer.pk)})
    assert not profile.offers.exists() and profile.wants.exists()


def test_propose_accept_agree_and_sign_through_the_pages(sanne_henk: tuple[Any, Any], client: Client) -> None:
    sanne, henk = sanne_henk
    client.force_login(sanne)
    page = client.get(reverse("mentoring:suggestions")).content.decode()
    assert "Henk" in page and "Klantgesprekken voeren" in page
    response = client.post(reverse("mentoring:propose", args=[henk.pk]), {"message": "Samen?"})
    rel = Relationship.objects.get()
    assert response["Location"] == rel.get_absolute_url()

    client.force_login(henk)
    client.post(reverse("mentoring:respond", args=[rel.pk]), {"answer": "accept"})
    rel.refresh_from_db()
    assert rel.status == Status.AGREEING
    # Goals for only one of the two: refused, nothing saved.
    bad = {"my_goals": "Data leren", "partner_goals": " ", "rhythm": "Maandelijks", "duration_months": "6"}
    response = client.post(reverse("mentoring:agreement", args=[rel.pk]), {**bad, "confidentiality": "x"})
    assert response.status_code == 400
    assert not Goal.objects.exists()
    good = {**bad, "partner_goals": "Klantgesprek leiden", "confidentiality": "Tussen ons"}
    assert client.post(reverse("mentoring:agreement", args=[rel.pk]), good).status_code == 302
    assert Goal.objects.get(side=rel.side_of(henk.pk)).description == "Data leren"
    client.post(reverse("mentoring:sign", args=[rel.pk]))
    client.force_login(sanne)
    client.post(reverse("mentoring:sign", args=[rel.pk]))
    rel.refresh_from_db()
    assert rel.status == Status.ACTIVE
    response = client.post(
        reverse("mentoring:session_new", args=[rel.pk]),
        {"held_on": timezone.localdate().isoformat(), "mode": "online", "went_well": "Fijn gesprek"},
    )
    assert response.status_code == 302
    assert Session.objects.get().reflections.get().went_well == "Fijn gesprek"


def test_programme_create_join_admit_and_round(make_user: Any, mentee_mentor: Any, client: Client) -> None:
    from django.contrib.auth.models import Permission

    coordinator = make_user(name="Ingrid")
    member = mentee_mentor("Daan", years=1, offers=("Data-analyse",), wants=("Pitchen",))
    client.force_login(member)
    assert client.get(reverse("mentoring:programme_new")).status_code == 403
    coordinator.user_permissions.add(Permission.objects.get(codename="add_programme"))
    client.force_login(coordinator)
    data = {
        "name": "Samen duiken",
        "slug": "samen-duiken",
        "description": "Jong en ervaren in de watersector",
        "eligibility": "",
        "intake_questions": "Wat wil je leren?",
        "starts_on": "2026-09-01",
        "ends_on": "2027-06-30",
        "matching_mode": "both",
        "checkin_interval_days": "30",
        "weight_skills": "40",
        "weight_experience": "20",
        "weight_availability": "15",
        "weight_region": "10",
        "weight_organisation": "5",
        "weight_sector": "10",
    }
    response = client.post(reverse("mentoring:programme_new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    programme = Programme.objects.get()
    assert list(programme.coordinators.all()) == [coordinator]

    client.force_login(member)
    assert client.post(reverse("mentoring:programme", args=["samen-duiken"]), {"q0": ""}).status_code == 400
    client.post(reverse("mentoring:programme", args=["samen-duiken"]), {"q0": "Pitchen"})
    participation = Participation.objects.get()
    assert participation.status == "applied"
    assert participation.intake_answers == {"Wat wil je leren?": "Pitchen"}
    client.force_login(coordinator)
    client.post(reverse("mentoring:admit", args=["samen-duiken", participation.pk]))
    participation.refresh_from_db()
    assert participation.status == "admitted"
    response = client.post(reverse("mentoring:round", args=["samen-duiken"]), follow=True)
    assert response.status_code == 200
    assert "Daan" in response.content.decode()  # unmatched, with a reason


def test_csv_export_neutralises_formulas(active_pair: Relationship, client: Client) -> None:
    profile = active_pair.person_a.profile  # type: ignore[attr-defined]
    profile.display_name = "=HYPERLINK(1)"
    profile.save()
    client.force_login(active_pair.programme.coordinators.get())  # type: ignore[union-attr]
    body = client.get(reverse("mentoring:export", args=[active_pair.programme.slug])).content.decode()  # type: ignore[union-attr]
    assert "'=HYPERLINK(1)" in body


# --- Query counts: list pages do not grow with their rows ------------------------------------


def _pairs(make_user: Any, n: int, programme: Programme, me: Any) -> None:
    others = [make_user(name=f"Lid {i}") for i in range(n)]
    for i, other in enumerate(others):
        low, high = sorted((me, other), key=lambda u: u.pk)
        Participation.objects.create(programme=programme, user=other, status="admitted")
        MentoringProfile.objects.create(user=other, years_experience=i % 30)
        rel = Relationship.objects.create(
            programme=programme,
            person_a=low,
            person_b=high,
            status=[Status.ACTIVE, Status.PROPOSED, Status.COMPLETED, Status.DECLINED][i % 4],
            activated_at=timezone.now(),
        )
        Goal.objects.create(relationship=rel, side="a", description="x", progress=100 * (i % 2))
        Session.objects.create(relationship=rel, held_on=dt.date(2026, 10, 1))
        rel.checkins.create(due_on=dt.date(2026, 1, 1) + dt.timedelta(days=i))


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["mentoring:home", "dashboard", "export", "mentoring:programmes"])
def test_list_pages_run_a_constant_number_of_queries(
    make_user: Any, programme_factory: Any, client: Client, page: str
) -> None:
    counts = []
    for n in (10, 100):
        Relationship.objects.all().delete()
        me = make_user(name=f"Ik {n}")
        coordinator = make_user(name=f"Coördinator {n}")
        programme = programme_factory(coordinator=coordinator, slug=f"p{n}", name=f"Programma {n}")
        for i in range(n if page == "mentoring:programmes" else 0):
            programme_factory(coordinator=coordinator, slug=f"p{n}-{i}", name=f"Programma {n}-{i}")
        _pairs(make_user, n, programme, me)
        client.force_login(coordinator if page in ("dashboard", "export") else me)
        url = {
            "dashboard": reverse("mentoring:dashboard", args=[programme.slug]),
            "export": reverse("mentoring:export", args=[programme.slug]),
        }.get(page) or reverse(page)
        counts.append(_count(client, url))
    assert counts[0] == counts[1], counts


def test_reasons_read_in_english_too(sanne_henk: tuple[Any, Any], client: Client) -> None:
    sanne, _henk = sanne_henk
    client.force_login(sanne)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("mentoring:suggestions")).content.decode()
    assert "Henk can teach you: Klantgesprekken voeren; you can teach Henk: Data-analyse" in page
    client.cookies["django_language"] = "nl"
    page = client.get(reverse("mentoring:suggestions")).content.decode()
    assert "Henk kan jou leren: Klantgesprekken voeren; jij kunt Henk leren: Data-analyse" in page
