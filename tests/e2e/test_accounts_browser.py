from __future__ import annotations

import re

import pyotp
import pytest
from django.core import mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signup_verify_login_enable_totp_and_login_with_code(open_page) -> None:  # type: ignore[no-untyped-def]
    tab = open_page()
    page = tab.visit("/accounts/signup/")
    page.get_by_label("Weergavenaam").fill("Lotte Smit")
    page.get_by_label("E-mailadres").fill("lotte@example.nl")
    page.locator("#id_password1").fill("een-sterk-wachtwoord-2026")
    page.locator("#id_password2").fill("een-sterk-wachtwoord-2026")
    page.locator("form:has(#id_password1) button[type=submit]").click()
    tab.check()
    assert "/accounts/confirm-email/" in page.url  # "check your inbox"

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    page.goto(link.group(0))
    tab.check()
    page.locator("main form button[type=submit]").click()
    tab.check()

    page = tab.visit("/accounts/login/")
    page.locator("#id_login").fill("lotte@example.nl")
    page.locator("#id_password").fill("een-sterk-wachtwoord-2026")
    page.locator("main form button[type=submit]").first.click()
    tab.check()
    assert page.locator("text=Lotte Smit").first.is_visible()

    page = tab.visit("/accounts/2fa/totp/activate/")
    if "/accounts/reauthenticate/" in page.url:  # allauth asks for the password again first
        page.locator("#id_password").fill("een-sterk-wachtwoord-2026")
        page.locator("main form button[type=submit]").click()
        tab.check()
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("#id_code").fill(pyotp.TOTP(secret).now())
    page.locator("main form button[type=submit]").click()
    tab.check()
    assert "/accounts/2fa/" in page.url

    page.locator(".header-profile").click()  # the profile menu
    page.get_by_role("menuitem", name="Uitloggen").click()
    tab.check()
    page = tab.visit("/accounts/login/")
    page.locator("#id_login").fill("lotte@example.nl")
    page.locator("#id_password").fill("een-sterk-wachtwoord-2026")
    page.locator("main form button[type=submit]").first.click()
    tab.check()
    assert "/accounts/2fa/authenticate/" in page.url
    page.locator("#id_code").fill(pyotp.TOTP(secret).now())
    page.locator("main form button[type=submit]").first.click()
    tab.check()
    assert page.locator("text=Lotte Smit").first.is_visible()


def test_language_switch_between_dutch_and_english(open_page) -> None:  # type: ignore[no-untyped-def]
    tab = open_page()
    page = tab.visit("/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("h1").inner_text() == "Samen leren in gemeenschappen"
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wisselen").click()
    tab.check()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Learning together in communities"
    page.get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Switch").click()
    tab.check()
    assert page.locator("html").get_attribute("lang") == "nl"
