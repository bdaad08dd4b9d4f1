"""Thin views: parse, call a service or selector, render."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_POST

from accounts.models import User
from core import charts
from core.errors import Conflict, Forbidden, Invalid
from core.http import add_to_form
from mentoring import calendar, forms, matching, permissions, selectors, services
from mentoring.models import (
    CheckIn,
    Goal,
    Level,
    MatchingMode,
    MatchingRound,
    MentoringProfile,
    Milestone,
    Participation,
    ParticipationStatus,
    Programme,
    Relationship,
    RoundPair,
    Session,
    SessionState,
    Status,
)

UNMATCHED_REASONS = {
    matching.NO_SHARED_LANGUAGE: gettext_noop("No one on the other side speaks a language they speak."),
    matching.NO_COMMON_MODE: gettext_noop("No one on the other side can meet the way they can."),
    matching.NO_TIME: gettext_noop("They have no hours available."),
    matching.ONLY_PREVIOUS_PARTNERS: gettext_noop("The only compatible partners were earlier partners."),
    matching.NO_PARTNER_LEFT: gettext_noop(
        "Their compatible partners were matched with someone who fitted them better."
    ),
    matching.BELOW_MINIMUM: gettext_noop("No partner scored high enough."),
}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _act(request: HttpRequest, action: Callable[[], Any], done: str, back: str) -> HttpResponse:
    """Run a service for a POST; report refusals as messages.

    ``Forbidden`` is not caught: ``core.http.KringErrorMiddleware`` answers it with the 403 page.
    """
    try:
        action()
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(back)


# --- My mentoring --------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    relationships = list(selectors.relationships_of(user=user))
    rows = [(rel, rel.partner_of(user.pk)) for rel in relationships]
    context = {
        "profile": selectors.profile_with_skills(user=user),
        "open_rows": [r for r in rows if r[0].is_open],
        "past_rows": [r for r in rows if not r[0].is_open],
        "notifications": selectors.notifications_for(user=user),
        "programmes": list(selectors.programmes_for(user=user)),
        "can_create_programme": permissions.can_create_programme(user),
    }
    return render(request, "mentoring/home.html", context)


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    services.mark_notifications_read(actor=_user(request))
    return redirect("mentoring:home")


# The guided set-up: one short page per step (``?stap=``), each saved as it is left.
PROFILE_STEPS = [
    ("basis", gettext_noop("Time and meeting")),
    ("aanbod", gettext_noop("What I offer")),
    ("leren", gettext_noop("What I want to learn")),
    ("voorkeuren", gettext_noop("Preferences")),
]


def _profile_values(profile: MentoringProfile) -> dict[str, Any]:
    """Everything ``save_mentoring_profile`` takes, as the profile has it now."""
    return {
        "years_experience": profile.years_experience,
        "hours_per_month": profile.hours_per_month,
        "mode": profile.mode,
        "prefers_other_organisation": profile.prefers_other_organisation,
        "sector_preference": profile.sector_preference,
        "motivation": profile.motivation,
        "max_relationships": profile.max_relationships,
        "is_open": profile.is_open,
        "offers": [services.OfferInput(skill=o.skill, level=o.level, context=o.context) for o in profile.offers.all()],
        "wants": [services.WantInput(skill=w.skill, goal=w.goal) for w in profile.wants.all()],
    }


def _skill_rows(profile: MentoringProfile, step: str) -> list[forms.SkillRow]:
    if step == "aanbod":
        return [forms.SkillRow(skill=o.skill, level=o.level, note=o.context) for o in profile.offers.all()]
    return [forms.SkillRow(skill=w.skill, note=w.goal) for w in profile.wants.all()]


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    profile = selectors.profile_with_skills(user=user) or services.ensure_mentoring_profile(user=user)
    slugs = [slug for slug, _label in PROFILE_STEPS]
    step = request.GET.get("stap", slugs[0])
    if step not in slugs:
        step = slugs[0]
    index = slugs.index(step)
    data = request.POST if request.method == "POST" else None
    form: Any
    rows: list[forms.SkillRow] = []
    if step in ("aanbod", "leren"):
        form = forms.SkillPickForm(data, with_level=step == "aanbod")
        rows = _skill_rows(profile, step)
    elif step == "basis":
        form = forms.ProfileBasicsForm(data, instance=profile)
    else:
        form = forms.ProfilePreferencesForm(data, instance=profile)
    if request.method == "POST" and form.is_valid():
        values = _profile_values(profile)
        d = form.cleaned_data
        if step == "aanbod":
            chosen = [r for r in d["rows"] if str(r.skill.pk) != request.POST.get("remove")]
            values["offers"] = [services.OfferInput(skill=r.skill, level=r.level, context=r.note) for r in chosen]
        elif step == "leren":
            chosen = [r for r in d["rows"] if str(r.skill.pk) != request.POST.get("remove")]
            values["wants"] = [services.WantInput(skill=r.skill, goal=r.note) for r in chosen]
        else:
            values.update({k: v for k, v in d.items() if k in values})
        try:
            services.save_mentoring_profile(actor=user, **values)
        except (Invalid, Conflict) as exc:
            add_to_form(form, exc)
        else:
            stay = "remove" in request.POST or "stay" in request.POST
            if stay:
                return redirect(f"{request.path}?stap={step}")
            if index + 1 < len(slugs):
                return redirect(f"{request.path}?stap={slugs[index + 1]}")
            messages.success(request, _("Your mentoring profile has been saved."))
            return redirect("mentoring:suggestions")
    if request.method == "POST" and step in ("aanbod", "leren") and form.is_bound:
        # Show what was posted, so a refused row is not lost.
        posted = form.cleaned_data.get("rows") if hasattr(form, "cleaned_data") else None
        if posted is not None:
            rows = posted
    return render(
        request,
        "mentoring/profile_edit.html",
        {
            "form": form,
            "step": step,
            "steps": [(slug, _(label), i) for i, (slug, label) in enumerate(PROFILE_STEPS, start=1)],
            "step_number": index + 1,
            "step_label": _(PROFILE_STEPS[index][1]),
            "previous_step": slugs[index - 1] if index else None,
            "is_last": index + 1 == len(slugs),
            "rows": rows,
            "all_skills": selectors.all_skills(),
            "levels": Level.choices,
            "missing": selectors.missing_for_matching(user=user),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def suggestions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    # Programmes where members choose for themselves (in round-only ones the coordinator pairs).
    programmes = Programme.objects.filter(
        participations__user=user, participations__status=ParticipationStatus.ADMITTED
    ).exclude(matching_mode=MatchingMode.ROUND)
    form = forms.SuggestionFilterForm(request.GET or None, programmes=programmes)
    programme = skill = None
    same_region = False
    if form.is_valid():
        programme = form.cleaned_data["programme"]
        skill = form.cleaned_data["skill"]
        same_region = form.cleaned_data["same_region"]
    has_profile = selectors.profile_with_skills(user=user) is not None
    found = (
        selectors.suggestions_for(
            user=user,
            programme=programme,
            offers_skill=skill.pk if skill else None,
            same_region=same_region,
        )
        if has_profile
        else []
    )
    missing = selectors.missing_for_matching(user=user) if has_profile and not found else []
    return render(
        request,
        "mentoring/suggestions.html",
        {
            "form": form,
            "suggestions": found,
            "has_profile": has_profile,
            "programme": programme,
            "missing": missing,
        },
    )


@login_required
@require_POST
def propose(request: HttpRequest, user_id: int) -> HttpResponse:
    user = _user(request)
    other = get_object_or_404(User, pk=user_id, is_active=True)
    form = forms.ProposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Your proposal could not be sent."))
        return redirect("mentoring:suggestions")
    rematch_of = None
    if request.POST.get("rematch_of", "").isdigit():
        rematch_of = Relationship.objects.filter(pk=int(request.POST["rematch_of"])).first()
    try:
        rel = services.propose(
            actor=user,
            other=other,
            programme=form.cleaned_data["programme"],
            message=form.cleaned_data["message"],
            rematch_of=rematch_of,
        )
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.message)
        return redirect("mentoring:suggestions")
    messages.success(request, _("Your proposal has been sent to %(name)s.") % {"name": other.display_name})
    return redirect(rel)


# --- One pair ---------------------------------------------------------------------------------


@login_required
def relationship(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    rel = selectors.visible_relationship(user=user, pk=pk)
    page = selectors.relationship_page(user=user, relationship=rel)
    number = request.GET.get("tijdlijn", "1")
    timeline = selectors.pair_timeline(page=page, number=int(number) if number.isdigit() and len(number) < 6 else 1)
    side = page.side
    other = "b" if side == "a" else "a"
    agreement = page.agreement
    goal_groups = [
        (rel.person_a, page.goals_a, side == "a"),
        (rel.person_b, page.goals_b, side == "b"),
    ]
    if side == "b":
        goal_groups.reverse()
    return render(
        request,
        "mentoring/relationship.html",
        {
            "page": page,
            "timeline": timeline,
            "rel": rel,
            "is_party": side is not None,
            "i_accepted": bool(side and getattr(rel, f"accepted_by_{side}")),
            "i_signed": bool(agreement and side and getattr(agreement, f"signed_{side}_at")),
            "partner_signed": bool(agreement and side and getattr(agreement, f"signed_{other}_at")),
            "i_closed": any(c.author_id == user.pk for c in page.closings),
            "can_close": permissions.can_write_closing(user, rel),
            "goal_groups": goal_groups,
            "open_checkins": [c for c in page.checkins if c.completed_at is None],
            "done_checkins": [c for c in page.checkins if c.completed_at is not None],
            "progress_form": forms.GoalProgressForm(),
            "goal_form": forms.NewGoalForm(),
            "checkin_form": forms.CheckInForm(),
            "end_form": forms.EndForm(),
            "my_coordinator_flag": bool(side and getattr(rel, f"coordinator_allowed_by_{side}")),
            "room_url": _room_url(rel),
            "now": timezone.now(),
        },
    )


def _room_url(rel: Relationship) -> str:
    return rel.room.get_absolute_url() if rel.room is not None else ""


def _party_relationship(request: HttpRequest, pk: int) -> Relationship:
    user = _user(request)
    rel = selectors.visible_relationship(user=user, pk=pk)
    if not permissions.can_act_in_relationship(user, rel):
        raise Forbidden(_("Only the two people in this pair can do this."))
    return rel


@login_required
@require_POST
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    rel = selectors.visible_relationship(user=_user(request), pk=pk)
    accept = request.POST.get("answer") == "accept"
    done = _("You accepted. Now make your agreement together.") if accept else _("You declined the proposal.")
    return _act(
        request,
        lambda: services.respond(actor=_user(request), relationship=rel, accept=accept),
        done,
        rel.get_absolute_url(),
    )


@login_required
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    rel = _party_relationship(request, pk)
    if rel.status != Status.AGREEING:
        return redirect(rel)
    side = rel.side_of(user.pk)
    partner = rel.partner_of(user.pk)
    existing = getattr(rel, "agreement", None)
    initial: dict[str, Any] = {}
    if existing is not None:
        goals = list(rel.goals.all())
        mine = [g.description for g in goals if g.side == side]
        theirs = [g.description for g in goals if g.side != side]
        initial = {
            "rhythm": existing.rhythm,
            "duration_months": existing.duration_months,
            "confidentiality": existing.confidentiality,
            "my_goals": "\n".join(mine),
            "partner_goals": "\n".join(theirs),
        }
    partner_name = partner.display_name if partner else _("former member")
    form = forms.AgreementForm(request.POST or None, initial=initial, partner_name=partner_name)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        mine, theirs = d["my_goals"], d["partner_goals"]
        try:
            services.save_agreement(
                actor=user,
                relationship=rel,
                rhythm=d["rhythm"],
                duration_months=d["duration_months"],
                confidentiality=d["confidentiality"],
                goals_a=mine if side == "a" else theirs,
                goals_b=theirs if side == "a" else mine,
            )
        except (Invalid, Conflict) as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The agreement is saved. Sign it when you both agree."))
            return redirect(rel)
    return render(
        request,
        "mentoring/agreement_form.html",
        {"form": form, "rel": rel, "partner": partner},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    rel = _party_relationship(request, pk)
    return _act(
        request,
        lambda: services.sign_agreement(actor=_user(request), relationship=rel),
        _("You signed the agreement."),
        rel.get_absolute_url(),
    )


@login_required
@require_POST
def coordinator_access(request: HttpRequest, pk: int) -> HttpResponse:
    rel = _party_relationship(request, pk)
    allowed = request.POST.get("allowed") == "1"
    return _act(
        request,
        lambda: services.set_coordinator_access(actor=_user(request), relationship=rel, allowed=allowed),
        _("Your choice has been saved."),
        rel.get_absolute_url(),
    )


@login_required
def session_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    rel = _party_relationship(request, pk)
    form = forms.SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.log_session(
                actor=user,
                relationship=rel,
                held_on=d["held_on"],
                mode=d["mode"],
                shared_notes=d["shared_notes"],
                reflection=services.ReflectionInput(
                    went_well=d["went_well"],
                    ran_into=d["ran_into"],
                    learning_points=d["learning_points"],
                    shared=d["shared"],
                ),
            )
        except (Invalid, Conflict) as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The session has been logged."))
            return redirect(rel)
    return render(
        request,
        "mentoring/session_form.html",
        {"form": form, "rel": rel},
        status=400 if request.method == "POST" else 200,
    )


def _party_session(request: HttpRequest, pk: int) -> Session:
    session = get_object_or_404(Session.objects.select_related("relationship"), pk=pk)
    if not permissions.can_view_relationship(request.user, session.relationship):
        raise Http404
    if not permissions.can_act_in_relationship(_user(request), session.relationship):
        raise Forbidden(_("Only the two people in this pair can do this."))
    return session


@login_required
def session_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Plan a new session (``pk`` is the pair) or move a planned one (``session`` given)."""
    user = _user(request)
    rel = _party_relationship(request, pk)
    form = forms.SessionPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.plan_session(
                actor=user,
                relationship=rel,
                starts_at=d["starts_at"],
                duration_minutes=d["duration_minutes"],
                mode=d["mode"],
                place=d["place"],
                video_url=d["video_url"],
            )
        except (Invalid, Conflict) as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The session is planned. You both get a calendar invitation by e-mail."))
            return redirect(rel)
    return render(
        request,
        "mentoring/session_plan.html",
        {"form": form, "rel": rel, "session": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def session_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    session = _party_session(request, pk)
    rel = session.relationship
    if session.state != SessionState.PLANNED or session.starts_at is None:
        return redirect(rel)
    form = forms.SessionPlanForm(request.POST or None, initial=forms.SessionPlanForm.initial_for(session))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.reschedule_session(
                actor=user,
                session=session,
                starts_at=d["starts_at"],
                duration_minutes=d["duration_minutes"],
                mode=d["mode"],
                place=d["place"],
                video_url=d["video_url"],
            )
        except (Invalid, Conflict) as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The session has moved. You both get the new invitation by e-mail."))
            return redirect(rel)
    return render(
        request,
        "mentoring/session_plan.html",
        {"form": form, "rel": rel, "session": session},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = _party_session(request, pk)
    return _act(
        request,
        lambda: services.cancel_session(actor=_user(request), session=session),
        _("The session is cancelled. You both get the cancellation by e-mail."),
        session.relationship.get_absolute_url(),
    )


@login_required
@require_POST
def session_held(request: HttpRequest, pk: int) -> HttpResponse:
    session = _party_session(request, pk)
    return _act(
        request,
        lambda: services.mark_session_held(actor=_user(request), session=session),
        _("The session is marked as held. Add your reflection."),
        session.relationship.get_absolute_url(),
    )


@login_required
def session_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """The planned session's invitation, to download into any calendar."""
    session = _party_session(request, pk)
    if session.starts_at is None:
        raise Http404
    response = HttpResponse(calendar.session_ics(session), content_type=calendar.MIMETYPE)
    response["Content-Disposition"] = f'attachment; filename="sessie-{session.pk}.ics"'
    return response


@login_required
def reflection(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    session = get_object_or_404(Session.objects.select_related("relationship"), pk=pk)
    rel = session.relationship
    if not permissions.can_view_relationship(user, rel):
        raise Http404
    if not permissions.can_act_in_relationship(user, rel):
        raise Forbidden(_("Only the two people in this pair can do this."))
    mine = session.reflections.filter(author=user).first()
    initial = (
        {
            "went_well": mine.went_well,
            "ran_into": mine.ran_into,
            "learning_points": mine.learning_points,
            "shared": mine.shared,
        }
        if mine
        else {}
    )
    form = forms.ReflectionFields(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_reflection(actor=user, session=session, data=services.ReflectionInput(**form.cleaned_data))
        except (Invalid, Conflict) as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Your reflection has been saved."))
            return redirect(rel)
    return render(
        request,
        "mentoring/reflection_form.html",
        {"form": form, "rel": rel, "session": session},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def goal_progress(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_object_or_404(Goal.objects.select_related("relationship"), pk=pk)
    rel = _party_relationship(request, goal.relationship_id)
    form = forms.GoalProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Progress is a percentage from 0 to 100."))
        return redirect(rel)
    return _act(
        request,
        lambda: services.update_goal(actor=_user(request), goal=goal, progress=form.cleaned_data["progress"]),
        _("Progress saved."),
        rel.get_absolute_url(),
    )


@login_required
@require_POST
def milestone_new(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_object_or_404(Goal.objects.select_related("relationship"), pk=pk)
    rel = _party_relationship(request, goal.relationship_id)
    title = request.POST.get("title", "")
    return _act(
        request,
        lambda: services.add_milestone(actor=_user(request), goal=goal, title=title),
        _("Milestone added."),
        rel.get_absolute_url() + "#goals",
    )


@login_required
@require_POST
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone.objects.select_related("goal__relationship"), pk=pk)
    rel = _party_relationship(request, milestone.goal.relationship_id)
    done = request.POST.get("done") == "1"
    return _act(
        request,
        lambda: services.set_milestone_done(actor=_user(request), milestone=milestone, done=done),
        _("Progress saved."),
        rel.get_absolute_url() + "#goals",
    )


@login_required
@require_POST
def goal_new(request: HttpRequest, pk: int) -> HttpResponse:
    rel = _party_relationship(request, pk)
    form = forms.NewGoalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Describe the goal."))
        return redirect(rel)
    return _act(
        request,
        lambda: services.add_goal(actor=_user(request), relationship=rel, description=form.cleaned_data["description"]),
        _("Goal added."),
        rel.get_absolute_url(),
    )


@login_required
@require_POST
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(CheckIn.objects.select_related("relationship"), pk=pk)
    rel = _party_relationship(request, item.relationship_id)
    form = forms.CheckInForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _act(
        request,
        lambda: services.complete_checkin(actor=_user(request), checkin=item, note=note),
        _("Check-in done. Thank you."),
        rel.get_absolute_url(),
    )


@login_required
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    rel = _party_relationship(request, pk)
    user = _user(request)
    action = request.POST.get("action")
    if action == "pause":
        return _act(request, lambda: services.pause(actor=user, relationship=rel), _("Paused."), rel.get_absolute_url())
    if action == "resume":
        return _act(
            request, lambda: services.resume(actor=user, relationship=rel), _("Resumed."), rel.get_absolute_url()
        )
    if action == "withdraw":
        return _act(
            request,
            lambda: services.withdraw(actor=user, relationship=rel),
            _("You withdrew your proposal."),
            rel.get_absolute_url(),
        )
    if action == "end":
        form = forms.EndForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        return _act(
            request,
            lambda: services.end_early(actor=user, relationship=rel, reason=reason),
            _("Your pair has ended."),
            rel.get_absolute_url(),
        )
    raise Invalid(_("Choose pause, resume, withdraw or end."), code="action")


@login_required
def closing(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    rel = _party_relationship(request, pk)
    mine = rel.closings.filter(author=user).first()
    form = forms.ClosingForm(request.POST or None, initial=forms.ClosingForm.initial_for(mine))
    if request.method == "POST" and form.is_valid():
        try:
            services.write_closing(actor=user, relationship=rel, **form.cleaned_data)
        except (Invalid, Conflict) as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Thank you for closing your pair."))
            return redirect(rel)
    return render(
        request,
        "mentoring/closing_form.html",
        {"form": form, "rel": rel, "ended_early": rel.status == Status.ENDED_EARLY},
        status=400 if request.method == "POST" else 200,
    )


# --- Programmes ---------------------------------------------------------------------------------


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "mentoring/programme_list.html",
        {
            "programmes": selectors.programme_list(),
            "can_create": permissions.can_create_programme(request.user),
        },
    )


def _programme_from_form(request: HttpRequest, form: forms.ProgrammeForm, programme: Programme | None) -> Programme:
    d = form.cleaned_data
    return services.save_programme(
        actor=_user(request),
        programme=programme,
        name=d["name"],
        slug=d["slug"],
        description=d["description"],
        eligibility=d["eligibility"],
        intake_questions=d["intake_questions"],
        starts_on=d["starts_on"],
        ends_on=d["ends_on"],
        matching_mode=d["matching_mode"],
        checkin_interval_days=d["checkin_interval_days"],
        weights=matching.Weights(
            skills=d["weight_skills"],
            experience=d["weight_experience"],
            availability=d["weight_availability"],
            region=d["weight_region"],
            organisation=d["weight_organisation"],
            sector=d["weight_sector"],
        ),
        coordinators=programme.coordinators.all() if programme else (),
    )


@login_required
def programme_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug) if slug else None
    allowed = (
        permissions.can_manage_programme(request.user, programme)
        if programme
        else permissions.can_create_programme(request.user)
    )
    if not allowed:
        raise Forbidden(_("You may not create or edit this programme."))
    form = forms.ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _programme_from_form(request, form, programme)
        except (Invalid, Conflict) as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The programme has been saved."))
            return redirect("mentoring:dashboard", slug=saved.slug)
    return render(
        request,
        "mentoring/programme_form.html",
        {"form": form, "programme": programme},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    programme = get_object_or_404(Programme.objects.prefetch_related("coordinators__profile"), slug=slug)
    participation = selectors.participation_of(user=user, programme=programme)
    form = forms.JoinForm(request.POST or None, questions=programme.questions())
    if request.method == "POST" and form.is_valid():
        try:
            participation = services.join_programme(actor=user, programme=programme, answers=form.answers())
        except (Invalid, Conflict) as exc:
            add_to_form(form, exc)
        else:
            if participation.status == ParticipationStatus.ADMITTED:
                messages.success(request, _("Welcome to the programme."))
            else:
                messages.success(request, _("Thank you. The coordinator will look at your application."))
            return redirect(programme)
    return render(
        request,
        "mentoring/programme_detail.html",
        {
            "programme": programme,
            "participation": participation,
            "form": form,
            "can_manage": permissions.can_manage_programme(user, programme),
        },
        status=400 if request.method == "POST" else 200,
    )


def _managed(request: HttpRequest, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_manage_programme(request.user, programme):
        raise Forbidden(_("Only the coordinators of this programme can do this."))
    return programme


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _managed(request, slug)
    board = selectors.dashboard(programme=programme)
    unmatched = [(person, _(UNMATCHED_REASONS.get(reason, reason))) for person, reason in board.unmatched]
    over_time = board.goals_over_time
    month_labels = [formats.date_format(m, "M Y") for m in over_time.months] if over_time else []
    return render(
        request,
        "mentoring/dashboard.html",
        {
            "programme": programme,
            "board": board,
            "unmatched": unmatched,
            "invite_form": forms.InviteForm(),
            "round_form": forms.RoundForm(
                initial={"min_score": int(board.latest_round.minimum_score) if board.latest_round else 0}
            ),
            "swap_form": forms.SwapForm(matching_round=board.latest_round)
            if board.latest_round is not None and board.latest_round.is_draft and len(board.round_pairs) > 1
            else None,
            "statuses": ParticipationStatus,
            "stage_chart": charts.bar_chart(_("Pairs per stage"), [(label, n) for label, n in board.stages]),
            "goals_chart": charts.line_chart(
                _("Goals met per direction, month by month"),
                month_labels,
                [
                    (_("The less experienced one learns"), list(over_time.young) if over_time else []),
                    (_("The more experienced one learns"), list(over_time.old) if over_time else []),
                ],
            ),
            "goals_rows": list(zip(month_labels, over_time.young, over_time.old, strict=True)) if over_time else [],
        },
    )


@login_required
@require_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _managed(request, slug)
    form = forms.InviteForm(request.POST)
    member = (
        User.objects.filter(email__iexact=form.cleaned_data["email"], is_active=True).first()
        if form.is_valid()
        else None
    )
    if member is None:
        messages.error(request, _("There is no member with that e-mail address."))
        return redirect("mentoring:dashboard", slug=slug)
    return _act(
        request,
        lambda: services.invite_participant(actor=_user(request), programme=programme, user=member),
        _("%(name)s has been invited.") % {"name": member.display_name},
        programme_dashboard_url(programme),
    )


@login_required
def invite_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite a list: upload a CSV, see each row's check, then send the invitations."""
    programme = _managed(request, slug)
    if request.method == "POST" and "send" in request.POST:
        send = forms.InviteSendForm(request.POST)
        if send.is_valid():
            invited = services.invite_participants(
                actor=_user(request), programme=programme, rows=send.cleaned_data["rows"]
            )
            messages.success(
                request,
                ngettext("%(count)s member has been invited.", "%(count)s members have been invited.", len(invited))
                % {"count": len(invited)},
            )
            return redirect(programme_dashboard_url(programme))
        for error in send.non_field_errors():
            messages.error(request, str(error))
        return redirect("mentoring:invite_csv", slug=slug)
    form = forms.InviteCsvForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        preview = selectors.invite_preview(programme=programme, rows=form.cleaned_data["file"])
    return render(
        request,
        "mentoring/invite_csv.html",
        {
            "programme": programme,
            "form": form,
            "preview": preview,
            "ready": [row for row in preview or [] if row.ok],
            "refused": sum(1 for row in preview or [] if not row.ok),
        },
        status=400 if request.method == "POST" and preview is None else 200,
    )


def programme_dashboard_url(programme: Programme) -> str:
    from django.urls import reverse

    return reverse("mentoring:dashboard", args=[programme.slug])


@login_required
@require_POST
def admit(request: HttpRequest, slug: str, participation_id: int) -> HttpResponse:
    programme = _managed(request, slug)
    participation = get_object_or_404(Participation, pk=participation_id, programme=programme)
    return _act(
        request,
        lambda: services.admit_participant(actor=_user(request), participation=participation),
        _("Admitted."),
        programme_dashboard_url(programme),
    )


@login_required
@require_POST
def matching_round(request: HttpRequest, slug: str) -> HttpResponse:
    """Run (or run again) a draft round; the coordinator reviews it on the dashboard."""
    programme = _managed(request, slug)
    form = forms.RoundForm(request.POST)
    min_score = form.cleaned_data["min_score"] if form.is_valid() else 0
    try:
        round_ = services.run_matching_round(actor=_user(request), programme=programme, min_score=min_score)
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The draft round has %(pairs)s pairs; %(unmatched)s people stay unmatched. Review it, then publish.")
            % {"pairs": round_.pair_count, "unmatched": len(round_.unmatched)},
        )
    return redirect(programme_dashboard_url(programme) + "#round")


def _round_pair(request: HttpRequest, slug: str, round_id: int, pair_id: int) -> tuple[Programme, RoundPair]:
    programme = _managed(request, slug)
    pair = get_object_or_404(
        RoundPair.objects.select_related("matching_round__programme"),
        pk=pair_id,
        matching_round_id=round_id,
        matching_round__programme=programme,
    )
    return programme, pair


@login_required
@require_POST
def round_pair(request: HttpRequest, slug: str, round_id: int, pair_id: int) -> HttpResponse:
    programme, pair = _round_pair(request, slug, round_id, pair_id)
    state = request.POST.get("state", "")
    return _act(
        request,
        lambda: services.set_round_pair_state(actor=_user(request), pair=pair, state=state),
        _("The pair has been changed."),
        programme_dashboard_url(programme) + "#round",
    )


@login_required
@require_POST
def round_swap(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    programme = _managed(request, slug)
    round_ = get_object_or_404(MatchingRound, pk=round_id, programme=programme)
    form = forms.SwapForm(request.POST, matching_round=round_)
    if not form.is_valid():
        messages.error(request, _("Choose two different pairs of this round."))
        return redirect(programme_dashboard_url(programme) + "#round")
    return _act(
        request,
        lambda: services.swap_round_pairs(
            actor=_user(request), first=form.cleaned_data["first"], second=form.cleaned_data["second"]
        ),
        _("The partners of the two pairs have been swapped."),
        programme_dashboard_url(programme) + "#round",
    )


@login_required
@require_POST
def round_publish(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    programme = _managed(request, slug)
    round_ = get_object_or_404(MatchingRound, pk=round_id, programme=programme)
    return _act(
        request,
        lambda: services.publish_round(actor=_user(request), matching_round=round_),
        _("The round is published: both people of each pair have their proposal."),
        programme_dashboard_url(programme) + "#round",
    )


def _cell(value: str) -> str:
    # Spreadsheets run cells that start with these as formulas.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
def export_csv(request: HttpRequest, slug: str) -> HttpResponseBase:
    programme = _managed(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-pairs.csv"'
    writer = csv.writer(response)
    for row in selectors.export_rows(programme=programme):
        writer.writerow([_cell(v) for v in row])
    return response
