from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_signup_requires_email_verification_before_login(client, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):  # the mail is queued after commit
        response = client.post(
            reverse("account_signup"),
            {
                "display_name": "Noor Bakker",
                "email": "noor@example.nl",
                "password1": "een-lang-wachtwoord-42",
                "password2": "een-lang-wachtwoord-42",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="noor@example.nl")
    assert user.profile.display_name == "Noor Bakker"
    assert len(mail.outbox) == 1
    # Not verified yet: logging in leads to the "verify your e-mail" page, not a session.
    client.logout()
    response = client.post(reverse("account_login"), {"login": "noor@example.nl", "password": "een-lang-wachtwoord-42"})
    assert "_auth_user_id" not in client.session
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
    assert link
    client.post(link.group(0).split("testserver", 1)[-1])
    response = client.post(reverse("account_login"), {"login": "noor@example.nl", "password": "een-lang-wachtwoord-42"})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_form_errors_are_shown_per_field(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        reverse("account_signup"),
        {"display_name": "", "email": "not-an-email", "password1": "short", "password2": "other"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert User.objects.count() == 0
    assert "errorlist" in body or "error" in body


def test_oidc_provider_is_configured_from_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import importlib

    import config.settings as kring_settings

    monkeypatch.setenv("OIDC_CLIENT_ID", "kring")
    monkeypatch.setenv("OIDC_SERVER_URL", "https://sso.example.nl/realms/school")
    monkeypatch.setenv("OIDC_NAME", "Mijn school")
    reloaded = importlib.reload(kring_settings)
    try:
        app = reloaded.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]  # type: ignore[index]
        assert app["client_id"] == "kring"
        assert app["settings"]["server_url"] == "https://sso.example.nl/realms/school"
    finally:
        monkeypatch.delenv("OIDC_CLIENT_ID")
        importlib.reload(kring_settings)


@pytest.mark.redis
def test_allauth_rate_limits_use_redis_cache(settings) -> None:  # type: ignore[no-untyped-def]
    from allauth.core import ratelimit
    from django.core.cache import cache

    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    assert cache.set("kring-probe", 1) is None and cache.get("kring-probe") == 1
    assert ratelimit is not None
