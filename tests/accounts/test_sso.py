"""Single sign-on against a real OpenID Connect provider (tests/peers/oidc), driven without a
browser: Kring through Django's test client, the provider's pages through ``requests``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client

from tests.peers.oidc_provider import SCHOOL_PASSWORD, provider_settings, running_provider

pytestmark = pytest.mark.django_db

KRING = "http://testserver"


@pytest.fixture
def school(settings: Any) -> Iterator[str]:
    with running_provider(
        redirect_uris=[f"{KRING}/accounts/oidc/school/login/callback/"], post_logout_redirect_uris=[f"{KRING}/"]
    ) as issuer:
        settings.SOCIALACCOUNT_PROVIDERS = provider_settings(issuer)
        yield issuer


def sso_login(client: Client, issuer: str, login: str, process: str = "login") -> Any:
    """Press the school's button in Kring, log in at the school, and return Kring's answer to the
    callback."""
    response = client.post("/accounts/oidc/school/login/", {"process": process})
    assert response.status_code == 302 and response["Location"].startswith(issuer), response
    browser = requests.Session()
    answer = browser.get(response["Location"], allow_redirects=True, timeout=10)
    form_action = re.search(r'<form method="post" action="([^"]+)"', answer.text)
    assert form_action, answer.text
    answer = browser.post(
        issuer + form_action.group(1),
        data={"login": login, "password": SCHOOL_PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    # Follow the provider's own redirects until it sends the browser back to Kring.
    while not answer.headers["Location"].startswith(KRING):
        location = answer.headers["Location"]
        answer = browser.get(location if location.startswith("http") else issuer + location, allow_redirects=False)
        assert answer.status_code in (302, 303), answer.text
    callback = urlsplit(answer.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_sso_signup_makes_a_profile_named_from_the_id_token(client: Client, school: str) -> None:
    from accounts.models import User

    response = sso_login(client, school, "docent1")
    assert response.status_code == 302, response
    user = User.objects.get(email="docent1@school.test")
    assert user.profile.display_name == "Anna de Vries"
    assert user.display_name == "Anna de Vries"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_logout_ends_the_providers_session_too(client: Client, school: str) -> None:
    sso_login(client, school, "docent1")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    end = urlsplit(response["Location"])
    assert f"{end.scheme}://{end.netloc}{end.path}" == f"{school}/session/end"
    assert "client_id=kring" in end.query
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2F" in end.query
    assert "_auth_user_id" not in client.session


def test_password_logout_stays_local(client: Client, school: str, make_user: Any) -> None:
    make_user(email="noor@example.nl", password="een-lang-wachtwoord-42")
    client.post("/accounts/login/", {"login": "noor@example.nl", "password": "een-lang-wachtwoord-42"})
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/"


def test_matching_email_never_takes_over_an_existing_account(client: Client, school: str, make_user: Any) -> None:
    """The school says docent1@school.test; a Kring account with that address already exists. The
    school's login must not become a login to that account, nor connect to it."""
    from allauth.socialaccount.models import SocialAccount

    existing = make_user(name="Echte Anna", email="docent1@school.test")
    sso_login(client, school, "docent1")
    assert client.session.get("_auth_user_id") != str(existing.pk)
    assert not SocialAccount.objects.filter(user=existing).exists()


def test_connecting_an_existing_account_needs_fresh_proof(client: Client, school: str, make_user: Any) -> None:
    """Linking the school account to a Kring account happens only from inside that account, and
    only when its owner proved it recently: an old session gets the password question first."""
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.socialaccount.models import SocialAccount

    member = make_user(name="Anna", email="anna@example.nl", password="een-lang-wachtwoord-42")
    client.post("/accounts/login/", {"login": "anna@example.nl", "password": "een-lang-wachtwoord-42"})
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{**r, "at": r["at"] - 3600} for r in records]
    session.save()

    response = sso_login(client, school, "docent1", process="connect")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not SocialAccount.objects.filter(user=member).exists()

    # Proved again, the same connection goes through.
    client.post(response["Location"], {"password": "een-lang-wachtwoord-42"})
    sso_login(client, school, "docent1", process="connect")
    assert SocialAccount.objects.get(user=member).uid == "docent1"
