"""Kring's own headers: the CSP's form-action and connect-src, Permissions-Policy, the favicon."""

from __future__ import annotations

from typing import Any

import pytest

from tests.peers.oidc_provider import provider_settings

pytestmark = pytest.mark.django_db


def directive(policy: str, name: str) -> str:
    return next(d for d in policy.split("; ") if d.startswith(name + " "))


def test_form_action_allows_exactly_the_configured_providers(client: Any, settings: Any) -> None:
    assert directive(client.get("/").headers["Content-Security-Policy"], "form-action") == "form-action 'self'"
    settings.SOCIALACCOUNT_PROVIDERS = provider_settings("https://sso.school.nl/realms/kring")
    policy = client.get("/").headers["Content-Security-Policy"]
    assert directive(policy, "form-action") == "form-action 'self' https://sso.school.nl"
    assert directive(policy, "default-src") == "default-src 'self'"  # nothing else widened
    assert directive(policy, "script-src") == "script-src 'self'"


def test_connect_src_is_the_sites_own_websocket_origin(client: Any, settings: Any) -> None:
    settings.SITE_URL = "https://kring.school.nl"
    settings.ALLOWED_HOSTS = ["kring.school.nl"]
    policy = client.get("/", HTTP_HOST="kring.school.nl", secure=True).headers["Content-Security-Policy"]
    assert directive(policy, "connect-src") == "connect-src 'self' wss://kring.school.nl"


def test_permissions_policy_everywhere(client: Any) -> None:
    for path in ("/", "/accounts/login/"):
        policy = client.get(path).headers["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy
        assert "publickey-credentials-get=(self)" in policy  # passkeys stay usable


def test_favicon(client: Any) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert '<link rel="icon" href="/static/frontend/favicon.svg"' in client.get("/").content.decode()
