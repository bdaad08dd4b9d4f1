"""Every mail family renders in both languages with a text and an HTML part, the shared layout and
footer, and no link that is not on SITE_URL."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import allauth
import pytest

from accounts.adapters import mail_template
from core.mail import render_mail

SITE = "https://kring.example.nl"
CONTEXT = {
    "user_display": "Noor",
    "email": "noor@example.test",
    "activate_url": f"{SITE}/accounts/confirm-email/abc/",
    "password_reset_url": f"{SITE}/accounts/password/reset/key/abc/",
    "signup_url": f"{SITE}/accounts/signup/",
    "password_change_url": f"{SITE}/accounts/password/change/",
    "code": "123456",
    "from_email": "oud@example.test",
    "to_email": "nieuw@example.test",
    "deleted_email": "oud@example.test",
    "provider": "SURFconext",
    "when": "3 december 2026 17:00 (Europe/Amsterdam)",
    "ip": "192.0.2.1",
    "user_agent": "Firefox",
    "inviter": "Olga",
    "community": "Energie Kring",
    "url": f"{SITE}/gemeenschappen/",
    "subject": "Nieuw voorstel",
    "text": "Henk stelt een mentoringpaar voor.",
    "name": "Noor",
    "conversations": [
        {
            "title": "Warmte",
            "community": "Energie Kring",
            "room": "Algemeen",
            "participants": 3,
            "organisations": 2,
            "messages": 5,
            "url": f"{SITE}/gemeenschappen/onderwerp/1/",
        }
    ],
    "lessons": [{"title": "Begin bij de waaromvraag", "url": f"{SITE}/kennisbank/les/"}],
    "sessions": [{"date": "4 december 2026", "partner": "Henk", "url": f"{SITE}/mentoring/paar/1/"}],
}


def _families() -> list[str]:
    root = Path(allauth.__file__).parent
    account = {
        mail_template(str(path.relative_to(path.parents[2])).removesuffix("_subject.txt"))
        for path in root.rglob("templates/*/email/*_subject.txt")
    }
    return sorted(account | {"mail/invitation", "mail/notification", "mail/digest"})


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_mail_renders_both_parts_with_the_layout_and_only_site_links(settings: Any, language: str) -> None:
    settings.SITE_URL = SITE
    for family in _families():
        message = render_mail(
            to="noor@example.test", template=family, context=CONTEXT, language=language, unsubscribe_url=f"{SITE}/u/x/"
        )
        html = message.alternatives[0][0]
        assert message.subject.strip() and "\n" not in message.subject, family
        assert "{{" not in message.body + html and "{%" not in message.body + html, family
        assert html.lstrip().startswith("<!DOCTYPE html>") and f'lang="{language}"' in html, family
        footer = "Deze e-mail komt van Kring." if language == "nl" else "This mail comes from Kring."
        assert footer in message.body and footer in html, family
        links = re.findall(r"https?://[^\s\"<>]+", message.body + html)
        assert links and all(link.startswith(SITE + "/") for link in links), (family, links)
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_relative_link_from_a_caller_is_made_absolute(settings: Any) -> None:
    settings.SITE_URL = SITE
    message = render_mail(
        to="a@example.test",
        template="mail/notification",
        context={"subject": "x", "text": "x", "url": "/mentoring/"},
        language="nl",
    )
    assert f"{SITE}/mentoring/" in message.body and f'href="{SITE}/mentoring/"' in message.alternatives[0][0]
