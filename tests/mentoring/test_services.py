from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import Conflict, Forbidden, Invalid
from mentoring import selectors, services
from mentoring.models import Agreement, CheckIn, Goal, Relationship, Status
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_full_lifecycle_from_proposal_to_completion(
    sanne_henk: tuple[Any, Any], programme_factory: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sanne, henk = sanne_henk
    programme = programme_factory(members=(sanne, henk), checkin_interval_days=21)
    with django_capture_on_commit_callbacks(execute=True):
        rel = services.propose(actor=sanne, other=henk, programme=programme, message="Zullen we?")
    assert rel.status == Status.PROPOSED
    assert rel.person_a_id < rel.person_b_id
    assert rel.score > 0 and {r["criterion"] for r in rel.reasons} >= {"skills", "experience"}
    assert mail.outbox[-1].to == ["henk@example.test"]
    assert Notification.objects.filter(user=henk, kind="proposal").exists()

    rel = services.respond(actor=henk, relationship=rel, accept=True)
    assert rel.status == Status.AGREEING

    side_sanne = rel.side_of(sanne.pk)
    goals = {"a": ["Klantgesprek leiden"], "b": ["Dashboard bouwen"]}
    services.save_agreement(
        actor=henk,
        relationship=rel,
        rhythm="Maandelijks",
        duration_months=6,
        confidentiality="Tussen ons.",
        goals_a=goals["a"],
        goals_b=goals["b"],
    )
    services.sign_agreement(actor=sanne, relationship=rel)
    rel.refresh_from_db()
    assert rel.status == Status.AGREEING
    services.sign_agreement(actor=henk, relationship=rel)
    rel.refresh_from_db()
    assert rel.status == Status.ACTIVE and rel.activated_at is not None
    checkin = CheckIn.objects.get(relationship=rel)
    assert checkin.due_on == timezone.localdate() + dt.timedelta(days=21)

    session = services.log_session(
        actor=sanne,
        relationship=rel,
        held_on=timezone.localdate(),
        mode="online",
        shared_notes="Eerste kennismaking",
        reflection=services.ReflectionInput(went_well="Open gesprek", learning_points="Vragen stellen"),
    )
    assert session.reflections.get().author == sanne
    services.save_reflection(actor=henk, session=session, data=services.ReflectionInput(ran_into="Te weinig tijd"))
    assert session.reflections.count() == 2

    my_goal = Goal.objects.get(relationship=rel, side=side_sanne)
    services.update_goal(actor=sanne, goal=my_goal, progress=100)
    with pytest.raises(Forbidden):
        services.update_goal(actor=henk, goal=my_goal, progress=0)

    services.complete_checkin(actor=henk, checkin=checkin, note="Gaat goed")
    assert CheckIn.objects.filter(relationship=rel, completed_at__isnull=True).count() == 1

    services.write_closing(actor=sanne, relationship=rel, taught="Data", learned="Klantgesprekken")
    rel.refresh_from_db()
    assert rel.status == Status.ACTIVE
    services.write_closing(actor=henk, relationship=rel, taught="Klantgesprekken", learned="Data")
    rel.refresh_from_db()
    assert rel.status == Status.COMPLETED


def test_agreement_needs_a_goal_each_way_in_service_and_database(sanne_henk: tuple[Any, Any]) -> None:
    sanne, henk = sanne_henk
    rel = services.propose(actor=sanne, other=henk)
    services.respond(actor=henk, relationship=rel, accept=True)
    rel.refresh_from_db()
    with pytest.raises(Invalid) as exc:
        services.save_agreement(
            actor=sanne,
            relationship=rel,
            rhythm="x",
            duration_months=3,
            confidentiality="y",
            goals_a=["a"],
            goals_b=[" "],
        )
    assert exc.value.code == "goals_each_way"
    assert not Agreement.objects.exists()
    with pytest.raises(Conflict):
        services.sign_agreement(actor=sanne, relationship=rel)
    # The database refuses a signature without a goal each way too.
    agreement = Agreement.objects.create(relationship=rel, rhythm="x", confidentiality="y", goals_a=1, goals_b=0)
    agreement.signed_a_at = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        agreement.save()


def test_changing_the_agreement_clears_signatures(active_pair: Relationship) -> None:
    rel = active_pair
    assert rel.agreement.fully_signed
    # Once active the agreement is fixed; goals grow with add_goal instead.
    with pytest.raises(Conflict):
        services.save_agreement(
            actor=rel.person_a,
            relationship=rel,
            rhythm="x",
            duration_months=3,
            confidentiality="y",
            goals_a=["a"],
            goals_b=["b"],
        )
    services.add_goal(actor=rel.person_b, relationship=rel, description="Nog een doel")
    rel.agreement.refresh_from_db()
    assert rel.agreement.goals_b == 2


def test_signature_is_cleared_when_agreement_is_rewritten(sanne_henk: tuple[Any, Any]) -> None:
    sanne, henk = sanne_henk
    rel = services.propose(actor=sanne, other=henk)
    services.respond(actor=henk, relationship=rel, accept=True)
    kwargs = {"rhythm": "x", "duration_months": 3, "confidentiality": "y", "goals_a": ["a"], "goals_b": ["b"]}
    services.save_agreement(actor=sanne, relationship=rel, **kwargs)
    services.sign_agreement(actor=sanne, relationship=rel)
    services.save_agreement(actor=henk, relationship=rel, **{**kwargs, "rhythm": "z"})
    agreement = Agreement.objects.get(relationship=rel)
    assert agreement.signed_a_at is None and agreement.signed_b_at is None


def test_strangers_cannot_act_and_duplicates_are_refused(sanne_henk: tuple[Any, Any], make_user: Any) -> None:
    sanne, henk = sanne_henk
    stranger = make_user(name="Stranger")
    rel = services.propose(actor=sanne, other=henk)
    with pytest.raises(Forbidden):
        services.respond(actor=stranger, relationship=rel, accept=True)
    with pytest.raises(Conflict):
        services.propose(actor=henk, other=sanne)
    with pytest.raises(Forbidden):
        services.propose(actor=sanne, other=sanne)


def test_decline_then_rematch_and_end_early(sanne_henk: tuple[Any, Any], mentee_mentor: Any) -> None:
    sanne, henk = sanne_henk
    rel = services.propose(actor=sanne, other=henk)
    services.respond(actor=henk, relationship=rel, accept=False)
    rel.refresh_from_db()
    assert rel.status == Status.DECLINED
    # Henk declined: he is no longer suggested to Sanne.
    assert henk.pk in selectors.unavailable_for(user=sanne)
    anna = mentee_mentor("Anna", years=20, offers=("Klantgesprekken voeren",), wants=("Data-analyse",))
    new = services.propose(actor=sanne, other=anna, rematch_of=rel)
    assert new.rematch_of == rel
    services.respond(actor=anna, relationship=new, accept=True)
    with pytest.raises(Invalid):
        services.end_early(actor=sanne, relationship=new, reason=" ")
    services.end_early(actor=sanne, relationship=new, reason="Andere baan")
    new.refresh_from_db()
    assert new.status == Status.ENDED_EARLY and new.end_reason == "Andere baan"


def test_hard_constraints_block_a_proposal(mentee_mentor: Any) -> None:
    a = mentee_mentor("Ayşe", languages=["tr"], years=1)
    b = mentee_mentor("Bram", languages=["nl"], years=20)
    with pytest.raises(Invalid):
        services.propose(actor=a, other=b)


def test_suggestions_show_reasons_both_ways(sanne_henk: tuple[Any, Any], mentee_mentor: Any) -> None:
    sanne, henk = sanne_henk
    mentee_mentor("Gerrit", years=30, offers=("Robotica",), wants=("Pitchen",))
    found = selectors.suggestions_for(user=sanne)
    assert found[0].user == henk
    texts = " ".join(line.text for line in found[0].lines)
    assert "Henk kan jou leren: Klantgesprekken voeren" in texts
    assert "jij kunt Henk leren: Data-analyse" in texts
    assert sum(line.points or 0 for line in found[0].lines) == found[0].score


def test_people_at_capacity_are_not_suggested(sanne_henk: tuple[Any, Any], mentee_mentor: Any) -> None:
    sanne, henk = sanne_henk
    other = mentee_mentor("Fleur", years=1, offers=("Data-analyse",), wants=("Klantgesprekken voeren",))
    services.propose(actor=other, other=henk)
    assert henk.pk not in {s.user.pk for s in selectors.suggestions_for(user=sanne)}


def test_matching_round_proposes_pairs_and_reports_unmatched(
    mentee_mentor: Any, programme_factory: Any, make_user: Any
) -> None:
    young = [
        mentee_mentor(f"Jong {i}", years=i, offers=("Data-analyse",), wants=("Klantgesprekken voeren",))
        for i in range(3)
    ]
    old = [
        mentee_mentor(f"Oud {i}", years=20 + i, offers=("Klantgesprekken voeren",), wants=("Data-analyse",))
        for i in range(2)
    ]
    lonely = mentee_mentor("Alleen", years=25, languages=["pl"])
    coordinator = make_user(name="Coördinator")
    programme = programme_factory(coordinator=coordinator, members=(*young, *old, lonely))
    with pytest.raises(Forbidden):
        services.run_matching_round(actor=young[0], programme=programme)
    round_ = services.run_matching_round(actor=coordinator, programme=programme)
    assert round_.pair_count == 2
    assert not Relationship.objects.exists()  # a draft until the coordinator publishes it
    round_ = services.publish_round(actor=coordinator, matching_round=round_)
    assert Relationship.objects.filter(matching_round=round_, status=Status.PROPOSED).count() == 2
    reasons = {e["user_id"]: e["reason"] for e in round_.unmatched}
    assert reasons[lonely.pk] == "no_shared_language"
    assert len(reasons) == 2
    # A second round leaves the proposed pairs alone.
    again = services.run_matching_round(actor=coordinator, programme=programme)
    assert again.pair_count == 0


def test_reminders_are_sent_once(active_pair: Relationship) -> None:
    checkin = active_pair.checkins.get()
    # Both get the check-in reminder, and a nudge as no session was logged for a month.
    assert services.send_reminders(today=checkin.due_on) == 4
    kinds = sorted(Notification.objects.filter(kind__in=["checkin", "reminder"]).values_list("kind", flat=True))
    assert kinds == ["checkin", "checkin", "reminder", "reminder"]
    assert services.send_reminders(today=checkin.due_on) == 0


def test_dashboard_counts_and_suppresses_small_groups(active_pair: Relationship) -> None:
    board = selectors.dashboard(programme=active_pair.programme)  # type: ignore[arg-type]
    assert board.running == [(active_pair, 0)]
    assert all(d.total is None for d in board.directions)  # fewer than five goals each way
    assert all(n is None for _label, n in board.breakdown)
    rows = selectors.export_rows(programme=active_pair.programme)  # type: ignore[arg-type]
    assert rows[1][5] == "active" and rows[1][10:14] == ["0", "1", "0", "1"]


def test_matching_round_uses_the_capacity_people_have_left(
    mentee_mentor: Any, programme_factory: Any, make_user: Any
) -> None:
    young = [
        mentee_mentor(f"Jong {i}", years=i, offers=("Data-analyse",), wants=("Klantgesprekken voeren",))
        for i in range(3)
    ]
    old = mentee_mentor(
        "Oud", years=30, offers=("Klantgesprekken voeren",), wants=("Data-analyse",), max_relationships=2
    )
    other = mentee_mentor("Ander", years=25, offers=("Klantgesprekken voeren",), wants=("Data-analyse",))
    coordinator = make_user(name="Coördinator")
    programme = programme_factory(coordinator=coordinator, members=(*young, old, other))
    services.propose(actor=young[0], other=old, programme=programme)  # Oud has one place left
    round_ = services.run_matching_round(actor=coordinator, programme=programme)
    round_ = services.publish_round(actor=coordinator, matching_round=round_)
    pairs = Relationship.objects.filter(matching_round=round_)
    assert pairs.count() == 2
    assert sum(1 for r in pairs if old.pk in (r.person_a_id, r.person_b_id)) == 1
    assert young[0].pk not in {uid for r in pairs for uid in (r.person_a_id, r.person_b_id)}


def test_a_round_is_reviewed_locked_forbidden_swapped_then_published(
    mentee_mentor: Any, programme_factory: Any, make_user: Any
) -> None:
    from mentoring.models import RoundPair, RoundPairState

    young = [
        mentee_mentor(f"Jong {i}", years=i, offers=("Data-analyse",), wants=("Klantgesprekken voeren",))
        for i in range(3)
    ]
    old = [
        mentee_mentor(f"Oud {i}", years=20 + i, offers=("Klantgesprekken voeren",), wants=("Data-analyse",))
        for i in range(3)
    ]
    coordinator = make_user(name="Coördinator")
    programme = programme_factory(coordinator=coordinator, members=(*young, *old))
    draft = services.run_matching_round(actor=coordinator, programme=programme, min_score=10)
    pairs = list(draft.pairs.order_by("pk"))
    assert len(pairs) == 3 and all(p.reasons for p in pairs)  # each pair with its reasons
    with pytest.raises(Forbidden):
        services.set_round_pair_state(actor=young[0], pair=pairs[0], state=RoundPairState.LOCKED)
    locked, forbidden, _other = pairs
    services.set_round_pair_state(actor=coordinator, pair=locked, state=RoundPairState.LOCKED)
    services.set_round_pair_state(actor=coordinator, pair=forbidden, state=RoundPairState.FORBIDDEN)
    # Running again keeps the locked pair and never makes the forbidden one.
    again = services.run_matching_round(actor=coordinator, programme=programme, min_score=10)
    assert again.minimum_score == 10
    keys = {(p.person_a_id, p.person_b_id): p.state for p in again.pairs.all()}
    assert keys[(locked.person_a_id, locked.person_b_id)] == RoundPairState.LOCKED
    assert keys[(forbidden.person_a_id, forbidden.person_b_id)] == RoundPairState.FORBIDDEN
    # Swapping exchanges the partners of two pairs, with fresh scores and reasons.
    live = [p for p in again.pairs.all() if p.state != RoundPairState.FORBIDDEN]
    people_before = sorted(uid for p in live[:2] for uid in (p.person_a_id, p.person_b_id))
    first, second = services.swap_round_pairs(actor=coordinator, first=live[0], second=live[1])
    assert sorted(uid for p in (first, second) for uid in (p.person_a_id, p.person_b_id)) == people_before
    published = services.publish_round(actor=coordinator, matching_round=again)
    made = Relationship.objects.filter(matching_round=published)
    assert (
        made.count()
        == published.pair_count
        == RoundPair.objects.filter(matching_round=published).exclude(state=RoundPairState.FORBIDDEN).count()
    )
    assert not made.filter(person_a_id=forbidden.person_a_id, person_b_id=forbidden.person_b_id).exists()
    with pytest.raises(Conflict):
        services.publish_round(actor=coordinator, matching_round=published)
