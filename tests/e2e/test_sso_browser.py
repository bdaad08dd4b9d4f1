"""Single sign-on in a real browser, under Kring's production Content-Security-Policy, against a
certified OpenID Connect provider (panva/node-oidc-provider, tests/peers/oidc).

The live server runs with DEBUG off (pytest-django's default) and the same CSP middleware as
production: the test reads the policy it served and fails on any CSP violation Chromium reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require_service
from tests.peers.oidc_provider import SCHOOL_PASSWORD, provider_settings, require_node_peer, running_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def oidc_provider(asgi_live_server: str, settings: Any) -> Iterator[str]:
    """The provider, with Kring (the live server) as its one client. Node, the package and
    Chromium are checked first: missing, the test skips, and fails in CI."""
    require_node_peer()
    require_service("Chromium", Path("/usr/bin/chromium").exists(), "run `make browser`")
    with running_provider(
        redirect_uris=[f"{asgi_live_server}/accounts/oidc/school/login/callback/"],
        post_logout_redirect_uris=[f"{asgi_live_server}/"],
    ) as issuer:
        settings.SITE_URL = asgi_live_server
        settings.SOCIALACCOUNT_PROVIDERS = provider_settings(issuer)
        yield issuer


def _school_login_form_shown(page: Any, issuer: str) -> bool:
    return page.url.startswith(issuer + "/interaction/") and page.locator("#login").is_visible()


def test_sso_login_name_from_id_token_and_logout_ends_the_provider_session(oidc_provider, open_page) -> None:  # type: ignore[no-untyped-def]
    from allauth.socialaccount.models import SocialAccount

    from accounts.models import User

    issuer = oidc_provider
    tab = open_page()
    page = tab.page
    csp_violations: list[str] = []
    page.on("console", lambda msg: csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None)

    # The login page names the school; the policy it is served with allows exactly Kring and the school.
    tab.visit("/accounts/login/")
    response = page.request.get(tab.base_url + "/accounts/login/")
    form_action = next(
        d for d in response.headers["content-security-policy"].split("; ") if d.startswith("form-action")
    )
    assert form_action == f"form-action 'self' {issuer}"

    page.get_by_role("link", name="Mijn school").click()
    tab.check()  # "Aanmelden via Mijn school": a form that posts to Kring, which redirects to the school
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{issuer}/interaction/**")
    assert _school_login_form_shown(page, issuer)
    page.locator("#login").fill("docent1")
    page.locator("#password").fill(SCHOOL_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(tab.base_url + "/")
    tab.check()

    # Signed up from the ID token: the name it carries, never the e-mail's local part.
    header = page.locator(".account-links")
    assert header.get_by_text("Anna de Vries").is_visible()
    assert "docent1" not in header.inner_text()
    user = User.objects.get(email="docent1@school.test")
    assert user.profile.display_name == "Anna de Vries"
    account = SocialAccount.objects.get(user=user)
    assert account.provider == "school"
    assert account.extra_data["id_token"]["name"] == "Anna de Vries"

    # The account menu leads to the connected accounts.
    tab.visit("/profiel/bewerken/")
    page.get_by_role("link", name="Gekoppelde accounts").click()
    tab.check()
    assert page.get_by_text("Mijn school").first.is_visible()

    # Logging out of Kring ends the school's session too (RP-initiated logout)...
    page.locator(".header-profile").click()  # the profile menu
    page.get_by_role("menuitem", name="Uitloggen").click()
    page.wait_for_url(f"{issuer}/session/end**")
    page.get_by_role("button", name="Ja, log mij uit").click()
    page.wait_for_url(tab.base_url + "/")
    tab.check()
    assert (
        page.get_by_role("link", name="Inloggen").first.is_visible()
        or page.locator("a[href='/accounts/login/']").first.is_visible()
    )

    # ...so the next person at this computer who clicks the school's button is asked who they are.
    tab.visit("/accounts/login/")
    page.get_by_role("link", name="Mijn school").click()
    tab.check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{issuer}/interaction/**")
    assert _school_login_form_shown(page, issuer)

    assert csp_violations == []
