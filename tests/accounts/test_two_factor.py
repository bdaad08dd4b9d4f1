"""Two-factor authentication is required for staff, editors, reviewers and mentoring coordinators
(``KRING_REQUIRE_2FA_FOR``): without it they are sent to set it up before anything else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.test import Client

pytestmark = pytest.mark.django_db

ROLES = ["staff", "editors", "reviewers", "coordinators"]
PASSWORD = "een-lang-wachtwoord-42"


@pytest.fixture(autouse=True)
def _require_2fa(settings: Any) -> None:
    settings.KRING_REQUIRE_2FA_FOR = ROLES


def logged_in(user: Any) -> Client:
    client = Client()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(user.pk)
    return client


def make_coordinator(user: Any) -> None:
    from mentoring.models import Programme

    programme = Programme.objects.create(
        name="Samen duiken", slug="samen-duiken", starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2027, 6, 30)
    )
    programme.coordinators.add(user)


@pytest.mark.parametrize("role", ROLES)
def test_a_member_with_a_role_is_sent_to_set_up_two_factor_first(role: str, make_user: Any) -> None:
    user = make_user(password=PASSWORD, is_staff=role == "staff")
    if role in ("editors", "reviewers"):
        user.groups.add(Group.objects.get(name={"editors": "Redacteuren", "reviewers": "Reviewers"}[role]))
    if role == "coordinators":
        make_coordinator(user)
    client = logged_in(user)
    for path in ("/", "/gemeenschappen/", "/profiel/bewerken/", "/cms/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/profiel/tweestapsverificatie/", path
    page = client.get("/profiel/tweestapsverificatie/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Stel eerst inloggen in twee stappen in" in body
    assert "/accounts/2fa/webauthn/add/" in body and "/accounts/2fa/totp/activate/" in body
    # Setting it up (and logging out) stays reachable.
    assert client.get("/accounts/2fa/").status_code == 200


def test_a_member_without_a_role_is_not_asked(make_user: Any) -> None:
    client = logged_in(make_user(password=PASSWORD))
    assert client.get("/").status_code == 200
    assert client.get("/profiel/tweestapsverificatie/")["Location"] == "/"


def test_the_requirement_is_configurable(settings: Any, make_user: Any) -> None:
    settings.KRING_REQUIRE_2FA_FOR = ["editors"]
    staff = make_user(password=PASSWORD, is_staff=True)
    assert logged_in(staff).get("/").status_code == 200
    settings.KRING_REQUIRE_2FA_FOR = []
    editor = make_user(password=PASSWORD)
    editor.groups.add(Group.objects.get(name="Redacteuren"))
    assert logged_in(editor).get("/").status_code == 200


def test_activating_totp_lifts_the_requirement_at_once(make_user: Any, django_capture_on_commit_callbacks: Any) -> None:
    user = make_user(password=PASSWORD, is_staff=True)
    client = logged_in(user)
    assert client.get("/")["Location"] == "/profiel/tweestapsverificatie/"
    page = client.get("/accounts/2fa/totp/activate/", follow=True)
    if page.redirect_chain:  # allauth asks for the password again first
        assert "/accounts/reauthenticate/" in page.redirect_chain[-1][0]
        page = client.post(page.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert page.status_code == 200
    secret = page.context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):  # allauth announces the new authenticator on commit
        response = client.post("/accounts/2fa/totp/activate/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get("/").status_code == 200


def test_a_role_given_during_a_session_is_noticed_within_minutes(make_user: Any, monkeypatch: Any) -> None:
    from accounts import two_factor

    user = make_user(password=PASSWORD)
    client = logged_in(user)
    assert client.get("/").status_code == 200
    user.groups.add(Group.objects.get(name="Reviewers"))
    now = two_factor.time.time()
    monkeypatch.setattr(two_factor.time, "time", lambda: now + two_factor.RECHECK_SECONDS + 1)
    assert client.get("/")["Location"] == "/profiel/tweestapsverificatie/"


def test_the_check_costs_no_query_on_an_ordinary_page(make_user: Any, django_assert_max_num_queries: Any) -> None:
    from accounts import two_factor

    user = make_user(password=PASSWORD)
    client = logged_in(user)
    client.get("/")
    session = client.session
    session.load()  # reading the session itself is the one query every page already makes
    session._session_cache = session.load()
    with django_assert_max_num_queries(0):
        assert two_factor.missing_for_session(session, user) is False
