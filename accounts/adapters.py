from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts import services, sites
from accounts.models import User
from core.mail import mail_language, queue_mail

log = logging.getLogger(__name__)

END_SESSION_CACHE_SECONDS = 3600


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        # The member's mails come in the language they signed up in (editable on the profile page).
        language = translation.get_language() or settings.LANGUAGE_CODE
        user.language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            services.ensure_profile(user=user, display_name=form.cleaned_data.get("display_name", ""))
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Every allauth mail (verification, password reset, the security notices) through Kring's
        queue (core.mail): sent after commit by the worker, so an SMTP server that is down never
        fails the request; in the recipient's language; links from SITE_URL, not the request host."""
        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        language = mail_language(user) if user is not None else (translation.get_language() or settings.LANGUAGE_CODE)
        queue_mail(
            to=email,
            template=mail_template(template_prefix),
            context=mail_context(context, user=user, email=email),
            language=language,
        )

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        """After logging out of Kring, end the single sign-on session too (RP-initiated logout),
        so that on a shared computer the next click on the institution's button asks again."""
        local = super().get_logout_redirect_url(request)
        if not request.user.is_authenticated:
            return local
        provider_id = _sso_provider_of_session(request)
        if provider_id is None:
            return local
        return end_session_url(request, provider_id, post_logout_redirect=request.build_absolute_uri(local)) or local


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        services.ensure_profile(user=user, display_name=name_from_claims(sociallogin.account.extra_data))
        return user


def name_from_claims(extra_data: dict[str, Any]) -> str:
    """The member's name from the ID token's claims (then the userinfo's): ``name``, else
    ``given_name family_name``; empty when the provider sends neither."""
    for claims in (extra_data.get("id_token"), extra_data.get("userinfo"), extra_data):
        if not isinstance(claims, dict):
            continue
        name = str(claims.get("name") or "").strip()
        if not name:
            name = " ".join(str(claims.get(key) or "").strip() for key in ("given_name", "family_name")).strip()
        if name:
            return " ".join(name.split())[:80]
    return ""


def mail_template(template_prefix: str) -> str:
    """allauth's ``account/email/password_changed`` is Kring's ``mail/account/password_changed``
    (``mfa/email/…`` and ``socialaccount/email/…`` likewise): text, HTML and subject in core/templates/mail/."""
    app, _email, name = template_prefix.partition("/email/")
    return f"mail/{app.split('/')[-1]}/{name}"


def mail_context(context: dict[str, Any], *, user: User | None, email: str) -> dict[str, Any]:
    """allauth's context made JSON-serialisable for the queue: links on SITE_URL, the member's
    name instead of the user object, the time as text."""
    out: dict[str, Any] = {
        "email": email,
        "password_change_url": sites.absolute_url(reverse("account_change_password")),
    }
    for key, value in context.items():
        if key in {"request", "current_site", "user"}:
            continue
        if key == "timestamp" and isinstance(value, datetime):
            out["when"] = date_format(timezone.localtime(value), "DATETIME_FORMAT") + f" ({settings.TIME_ZONE})"
        elif key.endswith("_url") and isinstance(value, str):
            out[key] = _on_site(value)
        elif value is None or isinstance(value, str | int | float | bool):
            out[key] = value
        else:
            out[key] = str(getattr(value, "name", value))
    if user is not None:
        out["user_display"] = user.display_name
    return out


def _on_site(value: Any) -> Any:
    if not isinstance(value, str) or not urlsplit(value).scheme:
        return value
    parts = urlsplit(value)
    path = parts.path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
    return sites.absolute_url(path)


def _sso_provider_of_session(request: HttpRequest) -> str | None:
    """The OpenID Connect app this session last logged in through, if any."""
    from allauth.socialaccount.adapter import get_adapter as get_social_adapter

    records = [r for r in get_authentication_records(request, request.user) if r.get("method") == "socialaccount"]
    if not records:
        return None
    provider_id = str(records[-1].get("provider", ""))
    apps = get_social_adapter().list_apps(request, provider="openid_connect")
    return provider_id if any(app.provider_id == provider_id for app in apps) else None


def end_session_url(request: HttpRequest, provider_id: str, *, post_logout_redirect: str) -> str | None:
    """The provider's logout address (OpenID Connect RP-Initiated Logout 1.0), from its discovery
    document; None when it offers none or cannot be reached (then only Kring's session ends)."""
    from allauth.socialaccount.adapter import get_adapter as get_social_adapter
    from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter

    provider = get_social_adapter().get_provider(request, provider_id)
    key = f"accounts:oidc-end-session:{provider_id}:{provider.app.settings.get('server_url', '')}"
    endpoint = cache.get(key)
    if endpoint is None:
        try:
            endpoint = OpenIDConnectOAuth2Adapter(request, provider_id).openid_config.get("end_session_endpoint") or ""
        except (requests.RequestException, ValueError):
            log.warning("discovery document of %s unreachable; ending only Kring's session", provider_id)
            return None
        cache.set(key, endpoint, END_SESSION_CACHE_SECONDS)
    if not endpoint:
        return None
    query = urlencode({"client_id": provider.app.client_id, "post_logout_redirect_uri": post_logout_redirect})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
