"""The mentoring defects of issue 16, each with the test that failed before its fix."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import Language
from core.errors import Forbidden as CoreForbidden
from forum import services as forum_services
from forum.errors import ForumError
from mentoring import services
from mentoring.models import Programme, Relationship, Status

pytestmark = pytest.mark.django_db


def _admin(make_user: Any) -> Any:
    admin = make_user(name="Beheer")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return admin


def test_programme_edit_renders_iso_dates_for_date_inputs(programme_factory: Any, client: Client) -> None:
    programme: Programme = programme_factory()
    client.force_login(programme.coordinators.get())
    with translation.override("nl"):
        page = client.get(reverse("mentoring:programme_edit", args=[programme.slug]), HTTP_ACCEPT_LANGUAGE="nl")
    html = page.content.decode()
    # <input type=date> reads only YYYY-MM-DD; "01-09-2026" shows as empty.
    assert 'value="2026-09-01"' in html and 'value="2027-06-30"' in html


def test_programme_end_before_start_is_a_field_error_not_the_constraint(make_user: Any, client: Client) -> None:
    client.force_login(_admin(make_user))
    answer = client.post(
        reverse("mentoring:programme_new"),
        {
            "name": "Omgekeerd",
            "slug": "omgekeerd",
            "starts_on": "2026-10-01",
            "ends_on": "2026-09-01",
            "matching_mode": "both",
            "checkin_interval_days": 30,
            "weight_skills": 40,
            "weight_experience": 20,
            "weight_availability": 15,
            "weight_region": 10,
            "weight_organisation": 5,
            "weight_sector": 10,
        },
    )
    assert answer.status_code == 400
    form = answer.context["form"]
    assert form.errors["ends_on"]
    assert "programme_ends_after_start" not in answer.content.decode()
    assert not Programme.objects.filter(slug="omgekeerd").exists()


def test_hint_names_the_missing_language(mentee_mentor: Any, client: Client) -> None:
    mentee_mentor("Henk", years=28, offers=("Klantgesprekken voeren",), wants=("Data-analyse",))
    sanne = mentee_mentor("Sanne", years=2, offers=("Data-analyse",), wants=("Klantgesprekken voeren",), languages=[])
    client.force_login(sanne)
    html = client.get(reverse("mentoring:suggestions")).content.decode()
    assert "een taal die je spreekt" in html  # the page is Dutch first
    assert "Voeg vaardigheden toe" not in html


def test_suggestions_refresh_at_once_after_the_member_profile_changes(
    mentee_mentor: Any, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    henk = mentee_mentor("Henk", years=28, offers=("Klantgesprekken voeren",), wants=("Data-analyse",))
    sanne = mentee_mentor("Sanne", years=2, offers=("Data-analyse",), wants=("Klantgesprekken voeren",), languages=[])
    client.force_login(sanne)
    assert client.get(reverse("mentoring:suggestions")).context["suggestions"] == []
    with django_capture_on_commit_callbacks(execute=True):
        sanne.profile.languages.set(Language.objects.filter(code="nl"))
    found = client.get(reverse("mentoring:suggestions")).context["suggestions"]
    assert [s.user for s in found] == [henk]


def test_the_proposer_withdraws(sanne_henk: tuple[Any, Any], client: Client) -> None:
    sanne, henk = sanne_henk
    rel = services.propose(actor=sanne, other=henk)
    client.force_login(henk)
    page = client.get(reverse("mentoring:relationship", args=[rel.pk])).content.decode()
    assert "Mijn voorstel intrekken" not in page  # only the proposer may
    with pytest.raises(CoreForbidden):
        services.withdraw(actor=henk, relationship=rel)
    client.force_login(sanne)
    assert "Mijn voorstel intrekken" in client.get(reverse("mentoring:relationship", args=[rel.pk])).content.decode()
    client.post(reverse("mentoring:change_status", args=[rel.pk]), {"action": "withdraw"})
    rel.refresh_from_db()
    assert rel.status == Status.WITHDRAWN and rel.ended_at is not None
    # A withdrawn proposal does not stand in the way of a new one.
    again = services.propose(actor=henk, other=sanne)
    assert again.status == Status.PROPOSED


def _post(user: Any, rel: Relationship) -> Any:
    assert rel.room is not None
    topic = rel.room.topics.get()
    return forum_services.post_message(actor=user, topic=topic, body="Nog één ding", client_id=uuid.uuid4())


def test_the_pair_room_is_read_only_once_the_pair_ends(active_pair: Relationship) -> None:
    rel = active_pair
    _post(rel.person_a, rel)  # open while the pair runs
    services.end_early(actor=rel.person_a, relationship=rel, reason="Nieuwe baan")
    rel.refresh_from_db()
    assert rel.room is not None and rel.room.is_archived
    # Refused in the write path itself, whatever the page shows.
    with pytest.raises(ForumError):
        _post(rel.person_b, rel)


def test_the_pair_room_is_read_only_once_the_pair_completes(active_pair: Relationship) -> None:
    rel = active_pair
    for person in (rel.person_a, rel.person_b):
        services.write_closing(actor=person, relationship=rel, taught="Dashboards", learned="Gesprekken")
    rel.refresh_from_db()
    assert rel.status == Status.COMPLETED
    with pytest.raises(ForumError):
        _post(rel.person_a, rel)
