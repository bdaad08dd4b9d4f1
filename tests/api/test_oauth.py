"""OAuth 2 for institutional integrations: the full authorization-code flow with PKCE, through the
Django test client, and the API accepting the application's token with the scopes granted."""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from oauth2_provider.models import get_application_model

pytestmark = pytest.mark.django_db

REDIRECT = "https://portaal.example.test/kring/terug"


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


@pytest.fixture
def application(api_world: Any) -> Any:
    Application = get_application_model()
    return Application.objects.create(
        name="Schoolportaal",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT,
        skip_authorization=False,
        algorithm="",
    )


def authorize(client: Client, application: Any, scope: str, challenge: str | None) -> Any:
    params = {
        "response_type": "code",
        "client_id": application.client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "st4te",
    }
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    return params, client.get("/api/oauth/authorize/", params)


def code_flow(client: Client, application: Any, scope: str) -> dict[str, Any]:
    verifier, challenge = pkce()
    params, page = authorize(client, application, scope, challenge)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Schoolportaal" in text and 'name="allow"' in text
    allowed = client.post("/api/oauth/authorize/", {**params, "allow": "Authorize"})
    assert allowed.status_code == 302
    location = urlsplit(allowed["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT and query["state"] == ["st4te"]
    # The token request comes from the portal's server: no session, only the code and the verifier.
    token = Client().post(
        "/api/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": REDIRECT,
            "client_id": application.client_id,
            "code_verifier": verifier,
        },
    )
    assert token.status_code == 200, token.content
    return token.json()


def test_the_full_code_flow_with_pkce_gives_a_token_the_api_accepts(api_world: Any, application: Any) -> None:
    member = Client()
    member.force_login(api_world.member)
    body = code_flow(member, application, "read write")
    assert set(body["scope"].split()) == {"read", "write"} and body["token_type"] == "Bearer"
    portal = Client()
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    memberships = portal.get("/api/v1/memberships/", headers=bearer)
    assert memberships.status_code == 200
    assert [m["community"]["slug"] for m in memberships.json()["results"]] == [api_world.community.slug]
    posted = portal.post(
        f"/api/v1/rooms/{api_world.room.pk}/messages/",
        {"topic": api_world.topic.pk, "body": "Vanuit het portaal", "client_id": str(uuid.uuid4())},
        content_type="application/json",
        headers=bearer,
    )
    assert posted.status_code == 201 and posted.json()["author"]["id"] == api_world.member.pk
    # Not granted: mentoring. Not visible to the member: the private room.
    refused = portal.get("/api/v1/mentoring/pairs/", headers=bearer)
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert portal.get(f"/api/v1/rooms/{api_world.private_room.pk}/", headers=bearer).status_code == 404
    # The refresh token gives a new access token; a revoked token no longer works.
    refreshed = portal.post(
        "/api/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": body["refresh_token"], "client_id": application.client_id},
    )
    assert refreshed.status_code == 200
    new = refreshed.json()["access_token"]
    assert portal.get("/api/v1/memberships/", headers={"Authorization": f"Bearer {new}"}).status_code == 200
    revoked = portal.post(
        "/api/oauth/revoke_token/",
        {"token": new, "client_id": application.client_id, "token_type_hint": "access_token"},
    )
    assert revoked.status_code == 200
    gone = portal.get("/api/v1/memberships/", headers={"Authorization": f"Bearer {new}"})
    assert gone.status_code == 401 and gone["Content-Type"] == "application/problem+json"


def test_without_pkce_or_with_a_wrong_verifier_there_is_no_token(api_world: Any, application: Any) -> None:
    member = Client()
    member.force_login(api_world.member)
    _params, page = authorize(member, application, "read", challenge=None)
    assert page.status_code != 302 or "code=" not in page.get("Location", "")
    _verifier, challenge = pkce()
    params, _page = authorize(member, application, "read", challenge)
    allowed = member.post("/api/oauth/authorize/", {**params, "allow": "Authorize"})
    code = parse_qs(urlsplit(allowed["Location"]).query)["code"][0]
    wrong = Client().post(
        "/api/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": application.client_id,
            "code_verifier": pkce()[0],
        },
    )
    assert wrong.status_code == 400 and "access_token" not in wrong.json()


def test_admin_cannot_be_granted_and_a_refusal_gives_no_code(api_world: Any, application: Any) -> None:
    member = Client()
    member.force_login(api_world.member)
    _verifier, challenge = pkce()
    params, page = authorize(member, application, "admin", challenge)
    assert page.status_code in (200, 302, 400)
    assert "code=" not in page.get("Location", "")
    params, _page = authorize(member, application, "read", challenge)
    refused = member.post("/api/oauth/authorize/", params)  # no "allow": the member said no
    assert refused.status_code == 302 and "error=access_denied" in refused["Location"]


def test_a_made_up_bearer_token_is_a_401_problem(api_world: Any) -> None:
    answer = Client().get("/api/v1/memberships/", headers={"Authorization": "Bearer niet-echt"})
    assert answer.status_code == 401 and answer["Content-Type"] == "application/problem+json"
