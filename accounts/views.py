from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import selectors, services, two_factor
from accounts.forms import ProfileForm
from accounts.models import User


def profile_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    profile = selectors.profile_for_display(user_id=user_id)
    if profile is None:
        raise Http404
    return render(request, "accounts/profile_detail.html", {"profile": profile})


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    profile = services.ensure_profile(user=user)
    form = ProfileForm(
        request.POST or None, request.FILES or None, instance=profile, initial={"mail_language": user.language}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_profile(
                user=user,
                display_name=data["display_name"],
                career_stage=data["career_stage"],
                education_level=data["education_level"],
                work_situation=data["work_situation"],
                organisation=data["organisation"],
                sectors=data["sectors"],
                region=data["region"],
                languages=data["languages"],
                bio=data["bio"],
                language=data.get("mail_language") or None,
            )
            if data.get("avatar_upload"):
                services.set_avatar(user=user, upload=data["avatar_upload"])
        except ValidationError as exc:
            form.add_error("avatar_upload" if exc.code in {"too_large", "bad_type", "bad_image"} else None, exc)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile", user_id=user.pk)
    return render(request, "accounts/profile_edit.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def two_factor_required(request: HttpRequest) -> HttpResponse:
    """Why a member with a role must set up two-factor authentication, and how."""
    user = request.user
    assert isinstance(user, User)
    if not two_factor.two_factor_missing(user):
        two_factor.remember(request.session, user)
        return redirect("frontend:home")
    return render(
        request, "accounts/two_factor_required.html", {"passkeys": "webauthn" in settings.MFA_SUPPORTED_TYPES}
    )
