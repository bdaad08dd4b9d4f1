"""The account pages for API tokens: make one (shown once), list, revoke; nobody else's."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from api import services as api_services
from api.models import AccessToken

pytestmark = pytest.mark.django_db


def test_make_a_token_shows_its_secret_once(make_user: Any, client: Client) -> None:
    member = make_user(name="Mo Lid")
    client.force_login(member)
    page = client.get("/profiel/api-sleutels/")
    assert page.status_code == 200
    answer = client.post("/profiel/api-sleutels/", {"name": "Schoolportaal", "scopes": ["read", "write"]})
    assert answer.status_code == 200
    token = AccessToken.objects.get(user=member)
    assert token.scopes == ["read", "write"]
    html = answer.content.decode()
    secret = html.split('id="token-secret-value"')[1].split('value="')[1].split('"')[0]
    assert secret.startswith("kring_") and api_services.hash_secret(secret) == token.token_hash
    assert "no-store" in answer["Cache-Control"] or "max-age=0" in answer["Cache-Control"]
    again = client.get("/profiel/api-sleutels/").content.decode()
    assert secret not in again and token.prefix in again
    answer = client.get("/api/v1/memberships/", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200


def test_bad_input_is_a_field_error_not_a_token(make_user: Any, client: Client) -> None:
    member = make_user(name="Mo Lid")
    client.force_login(member)
    answer = client.post("/profiel/api-sleutels/", {"name": "", "scopes": ["admin"]})
    assert answer.status_code == 400
    assert not AccessToken.objects.exists()
    assert 'aria-invalid="true"' in answer.content.decode() or "errorlist" in answer.content.decode()


def test_revoke_only_your_own(make_user: Any, client: Client) -> None:
    member = make_user(name="Mo Lid")
    other = make_user(name="Otto")
    token, _ = api_services.create_token(actor=member, name="a", scopes=["read"])
    client.force_login(other)
    assert client.post(f"/profiel/api-sleutels/{token.pk}/intrekken/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(member)
    assert client.post(f"/profiel/api-sleutels/{token.pk}/intrekken/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_only_a_platform_admin_may_give_the_manage_scope(make_user: Any) -> None:
    from core.errors import Invalid

    member = make_user(name="Mo Lid")
    with pytest.raises(Invalid):
        api_services.create_token(actor=member, name="x", scopes=["admin"])
    admin = make_user(name="Beheer", is_superuser=True, is_staff=True)
    token, _ = api_services.create_token(actor=admin, name="x", scopes=["admin"])
    assert token.scopes == ["admin"]


def test_privacy_export_has_tokens_without_hash(make_user: Any) -> None:
    from accounts.privacy import export_member_data

    member = make_user(name="Mo Lid")
    api_services.create_token(actor=member, name="portaal", scopes=["read"])
    archive = export_member_data(user=member)
    assert archive["api_tokens"][0]["name"] == "portaal"
    assert "token_hash" not in archive["api_tokens"][0]


@pytest.mark.parametrize(
    ("path", "current"),
    [("/profiel/api-sleutels/", "page"), ("/profiel/webhooks/", "true"), ("/profiel/gekoppelde-apps/", "true")],
)
def test_the_api_pages_are_a_section_of_the_account_menu(
    make_user: Any, client: Client, path: str, current: str
) -> None:
    """The account pages' side menu leads to the API pages and shows where one is, as for the others."""
    client.force_login(make_user(name="Mo Lid"))
    subnav = client.get(path).content.decode().split('class="subnav"')[1].split("</nav>")[0]
    assert f'<a href="/profiel/api-sleutels/" aria-current="{current}">' in subnav
    assert subnav.count("aria-current") == 1
