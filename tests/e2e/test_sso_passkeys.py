"""Required two-factor authentication and passkeys in Chromium, with its virtual authenticator
(Chrome DevTools Protocol, ``WebAuthn.addVirtualAuthenticator``) standing in for a phone or a
fingerprint reader. WebAuthn needs a secure context: ``http://localhost`` is one."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "een-sterk-wachtwoord-2026"


def test_staff_must_add_a_passkey_first_and_can_then_sign_in_with_it(open_page, make_user, settings) -> None:  # type: ignore[no-untyped-def]
    from allauth.mfa.models import Authenticator

    settings.KRING_REQUIRE_2FA_FOR = ["staff", "editors", "reviewers", "coordinators"]
    user = make_user(name="Sanne Beheer", email="beheer@example.nl", password=PASSWORD, is_staff=True)
    tab = open_page()
    tab.base_url = tab.base_url.replace("127.0.0.1", "localhost")  # the passkey's relying party
    settings.SITE_URL = tab.base_url
    page = tab.page
    csp_violations: list[str] = []
    page.on("console", lambda msg: csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

    # Staff without a second factor: every page leads to the explanation first.
    tab.log_in(user.email, PASSWORD)
    assert page.url == tab.base_url + "/profiel/tweestapsverificatie/"
    assert page.get_by_role("heading", name="Stel eerst inloggen in twee stappen in").is_visible()
    tab.visit("/gemeenschappen/")
    assert page.url == tab.base_url + "/profiel/tweestapsverificatie/"

    page.get_by_role("link", name="Voeg een passkey toe").click()
    tab.check()
    if "/accounts/reauthenticate/" in page.url:  # allauth asks for the password again first
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        tab.check()
    assert "/accounts/2fa/webauthn/add/" in page.url
    page.locator("#id_name").fill("Laptop")
    page.locator("#id_passwordless").check()
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    tab.check()
    passkey = Authenticator.objects.get(user=user, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().is_passwordless

    # Now Kring opens as usual.
    tab.visit("/gemeenschappen/")
    assert page.url == tab.base_url + "/gemeenschappen/"

    # Log out, and sign in with the passkey alone.
    page.locator(".header-profile").click()  # the profile menu
    page.get_by_role("menuitem", name="Uitloggen").click()
    page.wait_for_url(tab.base_url + "/")
    tab.check()
    tab.visit("/accounts/login/")
    page.locator("#passkey_login").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    tab.check()
    assert page.locator(".account-links").get_by_text("Sanne Beheer").is_visible()
    assert csp_violations == []
