"""Account mails against a real SMTP server (aiosmtpd): both parts, the recipient's language,
links from SITE_URL, the site's name (never example.com), and the security notices."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import allauth
import pytest
from django.template.loader import get_template
from django.urls import reverse

from accounts.adapters import mail_template
from accounts.models import User
from tests.peers.smtp import SMTPServer, html_part, text_part

pytestmark = pytest.mark.django_db(transaction=True)

SITE = "https://kring.school.nl"


def _links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", text)


def _check_common(message: Any) -> tuple[str, str]:
    text, html = text_part(message), html_part(message)
    assert "example.com" not in str(message["Subject"]) + text + html
    assert _links(text) and all(link.startswith(SITE + "/") for link in _links(text)), _links(text)
    assert all(link.startswith(SITE + "/") for link in _links(html)), _links(html)
    # The footer: the site's name and the way to choose which mails come.
    assert "Kring" in text and "Kring" in html
    return text, html


def test_sign_up_mail_has_both_parts_in_the_language_of_the_sign_up(
    client: Any, smtp_server: SMTPServer, settings: Any
) -> None:
    settings.SITE_URL = SITE
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("account_signup"),
        {
            "display_name": "Noor Bakker",
            "email": "noor@example.test",
            "password1": "een-lang-wachtwoord-42",
            "password2": "een-lang-wachtwoord-42",
        },
        HTTP_HOST="127.0.0.1",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    assert User.objects.get(email="noor@example.test").language == "en"
    (message,) = smtp_server.to("noor@example.test")
    text, html = _check_common(message)
    assert "Confirm your e-mail address" in str(message["Subject"])
    assert "Welcome to Kring, Noor Bakker!" in text
    assert f"{SITE}/accounts/confirm-email/" in html
    assert message["Message-ID"].endswith("@kring.school.nl>")


def test_password_reset_mail_in_the_members_language(
    client: Any, smtp_server: SMTPServer, make_user: Any, settings: Any
) -> None:
    settings.SITE_URL = SITE
    make_user(email="piet@example.test", language="nl")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the page is in English, the member reads Dutch
    assert client.post(reverse("account_reset_password"), {"email": "piet@example.test"}).status_code == 302
    (message,) = smtp_server.to("piet@example.test")
    text, _html = _check_common(message)
    assert "Kies een nieuw wachtwoord" in str(message["Subject"])
    assert f"{SITE}/accounts/password/reset/key/" in text
    assert "Deze e-mail komt van Kring." in text


def test_a_security_notice_when_the_password_changes(
    client: Any, smtp_server: SMTPServer, make_user: Any, settings: Any
) -> None:
    settings.SITE_URL = SITE
    member = make_user(email="anna@example.test", language="en")
    client.force_login(member)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "secret-pass-123",
            "password1": "een-nieuw-wachtwoord-7",
            "password2": "een-nieuw-wachtwoord-7",
        },
    )
    assert response.status_code == 302
    (message,) = smtp_server.to("anna@example.test")
    text, _html = _check_common(message)
    assert "Your password was changed" in str(message["Subject"])
    assert f"{SITE}/accounts/password/change/" in text
    assert "IP address: 127.0.0.1" in text


def test_the_invitation_mail_links_to_the_site(smtp_server: SMTPServer, make_user: Any, settings: Any) -> None:
    from forum import services

    settings.SITE_URL = SITE
    owner = make_user(name="Olga", email="olga@example.test")
    community = services.create_community(
        actor=owner, name="Energie Kring", kind="kenniskring", description="x", waaromvraag="Waarom leren we samen?"
    )
    invitation = services.invite(actor=owner, community=community, email="nieuw@example.test")
    (message,) = smtp_server.to("nieuw@example.test")
    text, html = _check_common(message)
    link = f"{SITE}/gemeenschappen/uitnodiging/{invitation.token}/"
    assert link in text and link in html
    assert "Olga nodigt je uit voor Energie Kring op Kring." in text


def test_every_allauth_mail_has_kring_templates() -> None:
    """A new allauth mail (an upgrade) must not go out in allauth's own words and layout."""
    root = Path(allauth.__file__).parent
    prefixes = {
        str(path.relative_to(path.parents[2])).removesuffix("_subject.txt")
        for path in root.rglob("templates/*/email/*_subject.txt")
    }
    assert prefixes, "allauth's mail templates not found"
    for prefix in prefixes:
        name = mail_template(prefix)
        for suffix in ("_subject.txt", ".txt", ".html"):
            get_template(name + suffix)
