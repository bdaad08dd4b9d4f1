"""Pages and documents of the passport: thin — parse, call a service or selector, render."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.actor import Actor
from accounts.models import User
from core.errors import Conflict, Forbidden, Invalid
from core.http import add_to_form
from forum.models import Community
from mentoring.models import Programme
from passport import credentials, keys, ob2, permissions, selectors, services
from passport.forms import AchievementForm, AwardForm, EndorseForm, RevokeForm, VisibilityForm
from passport.models import Award
from passport.signing import proof as signing_proof
from passport.signing import schema

LD_JSON = "application/ld+json"


def _json(document: dict[str, Any], *, content_type: str = "application/json", download: str = "") -> HttpResponse:
    response = HttpResponse(json.dumps(document, indent=2, ensure_ascii=False), content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"  # verifiers and backpacks fetch these from anywhere
    if download:
        response["Content-Disposition"] = f'attachment; filename="{download}"'
    return response


def did_document(request: HttpRequest) -> HttpResponse:
    return _json(keys.did_document(), content_type="application/did+ld+json")


def status_list(request: HttpRequest) -> HttpResponse:
    document = credentials.status_list_credential(
        selectors.revoked_indices(), size=selectors.highest_status_index() + 1
    )
    return _json(document, content_type=LD_JSON)


# --- the member's own passport -----------------------------------------------------------------


def _visibility_form(request: HttpRequest, view: selectors.Passport) -> VisibilityForm:
    choices = [(str(award.pk), award.achievement.name) for award in view.awards if not award.is_revoked]
    initial = {
        "show_mentoring": view.settings.show_mentoring,
        "show_contributions": view.settings.show_contributions,
        "show_endorsements": view.settings.show_endorsements,
        "public_awards": [str(award.pk) for award in view.awards if award.public],
    }
    return VisibilityForm(request.POST or None, initial=initial, award_choices=choices)


@login_required
def my_passport(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    view = selectors.passport(user, full=True)
    form = _visibility_form(request, view)
    if request.method == "POST" and form.is_valid():
        services.save_visibility(
            actor=Actor(user=user),
            choice=services.Visibility(
                show_mentoring=form.cleaned_data["show_mentoring"],
                show_contributions=form.cleaned_data["show_contributions"],
                show_endorsements=form.cleaned_data["show_endorsements"],
                public_award_ids=frozenset(int(pk) for pk in form.cleaned_data["public_awards"]),
            ),
        )
        messages.success(request, _("Your choice of what is public has been saved."))
        return redirect("passport:mine")
    share_url = (
        request.build_absolute_uri(f"/paspoort/gedeeld/{view.settings.share_token}/")
        if view.settings.share_token
        else ""
    )
    context = {"passport": view, "form": form, "share_url": share_url, "may_define": permissions.may_define_any(user)}
    return render(request, "passport/mine.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def share(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if request.POST.get("action") == "stop":
        services.revoke_share_link(actor=Actor(user=user))
        messages.success(request, _("The share link no longer works."))
    else:
        services.create_share_link(actor=Actor(user=user))
        messages.success(request, _("There is a new share link; an older one no longer works."))
    return redirect("passport:mine")


@login_required
def export_json(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return _json(selectors.export_record(user), download="leerpaspoort.json")


@login_required
def printable(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(request, "passport/print.html", {"passport": selectors.passport(user, full=True)})


# --- others' passports: only what the member made public ---------------------------------------


@login_required
def member_passport(request: HttpRequest, member_id: int) -> HttpResponse:
    member = get_object_or_404(User, pk=member_id, is_active=True)
    if member.pk == request.user.pk:
        return redirect("passport:mine")
    view = selectors.passport(member, full=False)
    context = {"passport": view, "endorse_form": EndorseForm(), "shared": False}
    return render(request, "passport/public.html", context)


def shared(request: HttpRequest, token: str) -> HttpResponse:
    view = selectors.shared_passport(token)
    if view is None:
        raise Http404
    response = render(request, "passport/public.html", {"passport": view, "shared": True})
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak to linked sites
    return response


@login_required
@require_POST
def endorse(request: HttpRequest, member_id: int) -> HttpResponse:
    member = get_object_or_404(User, pk=member_id, is_active=True)
    form = EndorseForm(request.POST)
    if form.is_valid():
        try:
            services.endorse(
                actor=Actor(user=request.user),
                endorsee=member,
                skill=form.cleaned_data["skill"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("Thank you: your endorsement has been saved."))
        except (Invalid, Conflict, Forbidden) as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Choose a skill."))
    return redirect("passport:member", member_id=member.pk)


# --- achievements ------------------------------------------------------------------------------


@login_required
def achievements(request: HttpRequest) -> HttpResponse:
    actor = Actor(user=request.user)
    page = Paginator(selectors.manageable_achievements(actor).order_by("name", "pk"), 25).get_page(
        request.GET.get("pagina")
    )
    return render(
        request, "passport/achievements.html", {"page": page, "may_define": permissions.may_define_any(actor)}
    )


@login_required
def achievement_create(request: HttpRequest) -> HttpResponse:
    actor = Actor(user=request.user)
    communities, programmes = selectors.definable_owners(actor)
    if not communities and not programmes:
        raise Forbidden(_("Facilitators, coordinators and editors define achievements."))
    owners = [(f"c{c.pk}", c.name) for c in communities] + [(f"p{p.pk}", p.name) for p in programmes]
    form = AchievementForm(request.POST or None, request.FILES or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        owner = form.cleaned_data["owner"]
        try:
            achievement = services.define_achievement(
                actor=actor,
                community=get_object_or_404(Community, pk=int(owner[1:])) if owner.startswith("c") else None,
                programme=get_object_or_404(Programme, pk=int(owner[1:])) if owner.startswith("p") else None,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                criteria=form.cleaned_data["criteria"],
                skill=form.cleaned_data["skill"],
                rule=form.cleaned_data["rule"],
                image=form.cleaned_data.get("image") or None,
            )
        except Invalid as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The achievement has been saved."))
            return redirect("passport:achievement_manage", uuid=achievement.uuid)
    return render(request, "passport/achievement_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def achievement_manage(request: HttpRequest, uuid: Any) -> HttpResponse:
    actor = Actor(user=request.user)
    achievement = services.achievement_for(actor=actor, uuid=uuid)
    if not permissions.can_manage_achievement(actor, achievement):
        raise Forbidden(_("You may not award this achievement."))
    form = AwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        recipient = User.objects.filter(email__iexact=form.cleaned_data["email"], is_active=True).first()
        if recipient is None:
            form.add_error("email", _("No member has this e-mail address."))
        else:
            url, name = form.cleaned_data["evidence_url"], form.cleaned_data["evidence_name"]
            try:
                services.award(
                    actor=actor,
                    achievement=achievement,
                    recipient=recipient,
                    evidence_urls=[(url, name or url)] if url else [],
                )
            except (Conflict, Forbidden) as error:
                add_to_form(form, error) if isinstance(error, Conflict) else messages.error(request, error.message)
            else:
                messages.success(request, _("Awarded: the credential has been signed."))
                return redirect("passport:achievement_manage", uuid=achievement.uuid)
    page = Paginator(selectors.awards_of(achievement), 25).get_page(request.GET.get("pagina"))
    context = {"achievement": achievement, "form": form, "page": page, "revoke_form": RevokeForm()}
    return render(request, "passport/achievement_manage.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def revoke(request: HttpRequest, uuid: Any) -> HttpResponse:
    award = get_object_or_404(Award.objects.select_related("achievement"), uuid=uuid)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why, for the member."))
    else:
        try:
            services.revoke(actor=Actor(user=request.user), award=award, reason=form.cleaned_data["reason"])
            messages.success(request, _("The credential has been revoked."))
        except (Conflict, Invalid) as error:
            messages.error(request, error.message)
    return redirect("passport:achievement_manage", uuid=award.achievement.uuid)


def achievement(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The achievement's public page (its id in every credential)."""
    found = services.achievement_for(actor=Actor(user=request.user), uuid=uuid)
    return render(request, "passport/achievement.html", {"achievement": found})


# --- credentials: public verification ------------------------------------------------------------
# A credential's pages answer anyone with its link (the printed passport carries links to all of a
# member's credentials, for an employer to verify); one the member did not make public is kept out
# of search engines.


def _unlisted_unless_public(response: HttpResponse, award: Any) -> HttpResponse:
    if not award.public:
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def credential(request: HttpRequest, uuid: Any) -> HttpResponse:
    award = selectors.award_by_uuid(uuid)
    if award is None:
        raise Http404
    problems: list[str] = []
    if award.credential:
        try:
            credentials.verify(award.credential)
        except signing_proof.ProofError as error:
            problems.append(str(error))
        problems += schema.errors(award.credential)
    context = {
        "award": award,
        "signature_ok": bool(award.credential) and not problems,
        "problems": problems,
        "evidence": award.credential.get("evidence", []) if award.credential else [],
    }
    return _unlisted_unless_public(render(request, "passport/credential.html", context), award)


def credential_json(request: HttpRequest, uuid: Any) -> HttpResponse:
    award = selectors.award_by_uuid(uuid)
    if award is None or not award.credential:
        raise Http404
    return _unlisted_unless_public(
        _json(award.credential, content_type=LD_JSON, download=f"credential-{award.uuid}.json"), award
    )


def ob2_issuer(request: HttpRequest) -> HttpResponse:
    return _json(ob2.issuer(), content_type=LD_JSON)


def ob2_badge(request: HttpRequest, uuid: Any) -> HttpResponse:
    return _json(ob2.badge(services.achievement_for(actor=Actor(user=request.user), uuid=uuid)), content_type=LD_JSON)


def ob2_assertion(request: HttpRequest, uuid: Any) -> HttpResponse:
    award = selectors.award_by_uuid(uuid)
    if award is None:
        raise Http404
    # OB 2.0: a revoked hosted assertion answers 410 with {"revoked": true}.
    response = JsonResponse(
        ob2.assertion(award), status=410 if award.is_revoked else 200, json_dumps_params={"indent": 2}
    )
    return _unlisted_unless_public(response, award)
