"""The closing survey: both sides answer once, the coordinator sees only totals of five or more."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts import privacy
from core.errors import Conflict, Invalid
from mentoring import selectors, services
from mentoring.models import Closing, Programme, Relationship, Status

SURVEY = {"satisfaction": "4", "goals_reached": "some", "would_recommend": "yes"}


def _close(client: Client, user: Any, rel: Relationship, **answers: str) -> Any:
    client.force_login(user)
    data = {"taught": f"Wat {user.display_name} leerde", "learned": "Gesprekken voeren", **SURVEY, **answers}
    return client.post(reverse("mentoring:closing", args=[rel.pk]), data)


def test_both_sides_answer_the_survey_and_the_pair_completes(active_pair: Any, client: Client) -> None:
    rel = active_pair
    page = client.get(reverse("mentoring:closing", args=[rel.pk]))  # not logged in: to the login page
    assert page.status_code == 302
    client.force_login(rel.person_a)
    page = client.get(reverse("mentoring:closing", args=[rel.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="satisfaction"' in html and 'name="would_recommend"' in html and 'name="goals_reached"' in html

    assert _close(client, rel.person_a, rel, satisfaction="5").status_code == 302
    rel.refresh_from_db()
    assert rel.status == Status.ACTIVE
    assert _close(client, rel.person_b, rel, satisfaction="3", would_recommend="no").status_code == 302
    rel.refresh_from_db()
    assert rel.status == Status.COMPLETED
    mine = Closing.objects.get(relationship=rel, author=rel.person_a)
    theirs = Closing.objects.get(relationship=rel, author=rel.person_b)
    assert (mine.satisfaction, mine.goals_reached, mine.would_recommend) == (5, "some", True)
    assert (theirs.satisfaction, theirs.would_recommend) == (3, False)


def test_the_form_asks_every_question_and_keeps_earlier_answers(active_pair: Any, client: Client) -> None:
    rel = active_pair
    client.force_login(rel.person_a)
    url = reverse("mentoring:closing", args=[rel.pk])
    response = client.post(url, {"taught": "Data", "learned": "Gesprekken", "satisfaction": "9"})
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"satisfaction", "goals_reached", "would_recommend"}
    assert not Closing.objects.exists()
    # Writing again replaces one's own answers: still one closing per person.
    _close(client, rel.person_a, rel, satisfaction="2")
    _close(client, rel.person_a, rel, satisfaction="4", would_recommend="no")
    closing = Closing.objects.get()
    assert (closing.satisfaction, closing.would_recommend) == (4, False)
    initial = client.get(url).context["form"].initial
    assert initial["satisfaction"] == 4 and initial["would_recommend"] == "no"


def test_the_service_refuses_answers_off_the_scale(active_pair: Any) -> None:
    rel = active_pair
    with pytest.raises(Invalid) as exc:
        services.write_closing(actor=rel.person_a, relationship=rel, taught="a", learned="b", satisfaction=6)
    assert exc.value.field == "satisfaction"
    with pytest.raises(Invalid) as exc:
        services.write_closing(actor=rel.person_a, relationship=rel, taught="a", learned="b", goals_reached="maybe")
    assert exc.value.field == "goals_reached"
    assert not Closing.objects.exists()


def test_the_database_keeps_one_answer_per_person_per_pair_on_the_scale(active_pair: Any) -> None:
    rel = active_pair
    Closing.objects.create(relationship=rel, author=rel.person_a, taught="a", learned="b", satisfaction=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        Closing.objects.create(relationship=rel, author=rel.person_a, taught="c", learned="d", satisfaction=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Closing.objects.create(relationship=rel, author=rel.person_b, taught="c", learned="d", satisfaction=6)


def _answers(programme: Programme, make_user: Callable[..., Any], ratings: list[int]) -> None:
    """Closed pairs in ``programme`` whose people answered with ``ratings`` (two per pair)."""
    people = [make_user(name=f"Lid {i}") for i in range(len(ratings) + len(ratings) % 2)]
    for i in range(0, len(people), 2):
        a, b = sorted(people[i : i + 2], key=lambda u: u.pk)
        rel = Relationship.objects.create(programme=programme, person_a=a, person_b=b, status=Status.COMPLETED)
        for person, rating in zip((a, b), ratings[i : i + 2], strict=False):
            Closing.objects.create(
                relationship=rel,
                author=person,
                taught="GEHEIM-ONDERWEZEN",
                learned="GEHEIM-GELEERD",
                satisfaction=rating,
                goals_reached="all" if rating >= 4 else "none",
                would_recommend=rating >= 3,
            )


def test_the_coordinator_sees_no_figures_below_five_answers(
    programme_factory: Callable[..., Any], make_user: Callable[..., Any], client: Client
) -> None:
    programme = programme_factory()
    _answers(programme, make_user, [5, 1, 4, 2])
    summary = selectors.closing_survey(programme=programme)
    assert summary.answers == 4 and not summary.shown
    assert summary.ratings == [] and summary.recommend_yes is None
    client.force_login(programme.coordinators.get())
    html = client.get(reverse("mentoring:dashboard", args=[programme.slug])).content.decode()
    assert "GEHEIM" not in html
    assert "Gemiddeld cijfer" not in html and "Average rating" not in html


def test_the_coordinator_sees_totals_from_five_answers(
    programme_factory: Callable[..., Any], make_user: Callable[..., Any], client: Client
) -> None:
    programme = programme_factory()
    _answers(programme, make_user, [5, 4, 4, 2, 1])
    # Answers in another programme never count here.
    _answers(programme_factory(slug="ander", name="Ander"), make_user, [1, 1, 1, 1, 1])
    summary = selectors.closing_survey(programme=programme)
    assert summary.answers == 5 and summary.shown
    assert summary.average == 3.2
    assert [n for _label, n in summary.ratings] == [1, 1, 0, 2, 1]
    assert [n for _label, n in summary.goals] == [3, 0, 2]
    assert (summary.recommend_yes, summary.recommend_no) == (3, 2)
    client.force_login(programme.coordinators.get())
    response = client.get(reverse("mentoring:dashboard", args=[programme.slug]), HTTP_ACCEPT_LANGUAGE="nl")
    html = response.content.decode()
    assert response.status_code == 200
    assert "GEHEIM" not in html  # what each taught and learned is never on the dashboard
    assert "3,2" in html or "3.2" in html


def test_the_privacy_export_holds_ones_own_answers_only(active_pair: Any) -> None:
    rel = active_pair
    services.write_closing(
        actor=rel.person_a, relationship=rel, taught="Data", learned="Gesprekken", satisfaction=5, goals_reached="all"
    )
    services.write_closing(
        actor=rel.person_b, relationship=rel, taught="Gesprekken", learned="Data", satisfaction=2, would_recommend=False
    )
    data = privacy.export_member_data(user=rel.person_a)
    (pair,) = data["mentoring"]["relationships"]
    (closing,) = pair["my_closings"]
    assert closing["satisfaction"] == 5 and closing["goals_reached"] == "all" and closing["would_recommend"] is None
    other = privacy.export_member_data(user=rel.person_b)["mentoring"]["relationships"][0]["my_closings"]
    assert [(c["satisfaction"], c["would_recommend"]) for c in other] == [(2, False)]


def test_a_pair_that_ended_early_can_still_answer_the_closing_survey(
    active_pair: Any, client: Client, make_user: Callable[..., Any]
) -> None:
    rel = active_pair
    services.end_early(actor=rel.person_b, relationship=rel, reason="Andere baan")
    # The pair page offers both of them the closing survey.
    for person in (rel.person_a, rel.person_b):
        client.force_login(person)
        html = client.get(rel.get_absolute_url()).content.decode()
        assert reverse("mentoring:closing", args=[rel.pk]) in html
        assert client.get(reverse("mentoring:closing", args=[rel.pk])).status_code == 200
    assert _close(client, rel.person_a, rel, satisfaction="2", would_recommend="no").status_code == 302
    services.write_closing(
        actor=rel.person_b, relationship=rel, taught="Planning", learned="Geduld", satisfaction=3, goals_reached="none"
    )
    rel.refresh_from_db()
    # Ended early it stays: answering the survey does not make the pair completed.
    assert rel.status == Status.ENDED_EARLY
    assert Closing.objects.filter(relationship=rel).count() == 2
    client.force_login(rel.person_a)
    html = client.get(rel.get_absolute_url()).content.decode()
    assert "Planning" in html  # what each taught and learned is on the pair's page, as for completed pairs
    # Their answers count in the coordinator's figures like those of completed pairs.
    _answers(rel.programme, make_user, [5, 4, 4])
    summary = selectors.closing_survey(programme=rel.programme)
    assert summary.answers == 5 and summary.shown
    assert summary.average == 3.6


def test_a_declined_or_withdrawn_pair_gets_no_closing_survey(sanne_henk: tuple[Any, Any], client: Client) -> None:
    sanne, henk = sanne_henk
    rel = services.propose(actor=sanne, other=henk)
    services.respond(actor=henk, relationship=rel, accept=False)
    with pytest.raises(Conflict):
        services.write_closing(actor=sanne, relationship=rel, taught="a", learned="b", satisfaction=3)
    client.force_login(sanne)
    assert reverse("mentoring:closing", args=[rel.pk]) not in client.get(rel.get_absolute_url()).content.decode()
