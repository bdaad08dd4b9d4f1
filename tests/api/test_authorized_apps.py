"""The member's page of connected apps (``/profiel/gekoppelde-apps/``): the OAuth 2 applications they
allowed, with scopes, since when and last active, and taking access back (POST with CSRF): every
token of that application for that member stops working; another member's stay."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from tests.api.test_oauth import application, code_flow  # noqa: F401  (a fixture, registered by import)

pytestmark = pytest.mark.django_db

PAGE = "/profiel/gekoppelde-apps/"


def _logged_in(user: Any, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_the_page_lists_what_the_member_allowed_and_nothing_of_others(
    api_world: Any,
    application: Any,  # noqa: F811
) -> None:
    member = _logged_in(api_world.member)
    assert "Schoolportaal" not in member.get(PAGE).content.decode()
    body = code_flow(member, application, "read write")
    page = member.get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Schoolportaal" in text and f"/profiel/gekoppelde-apps/{application.pk}/intrekken/" in text
    row = text.split("<tbody>")[1].split("</tbody>")[0]
    assert "Lezen" in row and "Schrijven" in row and "Mentoring" not in row
    # Using the token shows as activity.
    before = AccessToken.objects.get(user=api_world.member).updated
    AccessToken.objects.update(updated=before.replace(year=before.year - 1))
    Client().get("/api/v1/memberships/", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert AccessToken.objects.get(user=api_world.member).updated > before.replace(year=before.year - 1)
    # Another member sees nothing of it.
    assert "Schoolportaal" not in _logged_in(api_world.outsider).get(PAGE).content.decode()
    # The tokens page links here.
    assert PAGE in member.get("/profiel/api-sleutels/").content.decode()


def test_taking_access_back_ends_every_token_of_that_member(
    api_world: Any,
    application: Any,  # noqa: F811
) -> None:
    member = _logged_in(api_world.member)
    body = code_flow(member, application, "read")
    other = _logged_in(api_world.outsider)
    other_body = code_flow(other, application, "read")
    revoke = f"{PAGE}{application.pk}/intrekken/"
    # POST only, and with the CSRF token.
    assert member.get(revoke).status_code == 405
    assert _logged_in(api_world.member, enforce_csrf_checks=True).post(revoke).status_code == 403
    assert AccessToken.objects.filter(user=api_world.member).exists()
    answer = member.post(revoke, follow=True)
    assert answer.status_code == 200 and "Schoolportaal heeft geen toegang meer" in answer.content.decode()
    for model in (AccessToken, RefreshToken, Grant):
        assert not model.objects.filter(user=api_world.member).exists()
    portal = Client()
    gone = portal.get("/api/v1/memberships/", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert gone.status_code == 401 and gone["Content-Type"] == "application/problem+json"
    refreshed = portal.post(
        "/api/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": body["refresh_token"], "client_id": application.client_id},
    )
    assert refreshed.status_code == 400
    # The other member's access stays; a second revoke, or one by a member who never allowed it, is 404.
    kept = portal.get("/api/v1/memberships/", headers={"Authorization": f"Bearer {other_body['access_token']}"})
    assert kept.status_code == 200
    assert member.post(revoke).status_code == 404
    assert member.post(f"{PAGE}999999/intrekken/").status_code == 404
    assert "Schoolportaal" in other.get(PAGE).content.decode()
