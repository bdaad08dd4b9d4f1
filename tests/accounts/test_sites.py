"""The site's name and address come from settings everywhere: Django's Site, Wagtail's Site, mail
links, Message-IDs, the API's base URL; and e-mail encryption is never guessed."""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_sites_follow_site_url_and_site_name(settings: Any) -> None:
    from django.contrib.sites.models import Site
    from wagtail.models import Site as WagtailSite

    from accounts.sites import sync_sites

    settings.SITE_URL = "https://kring.school.nl"
    settings.SITE_NAME = "Kring Techniek"
    sync_sites()
    sync_sites()  # idempotent
    site = Site.objects.get_current()
    assert (site.domain, site.name) == ("kring.school.nl", "Kring Techniek")
    wagtail = WagtailSite.objects.get(is_default_site=True)
    assert (wagtail.hostname, wagtail.port, wagtail.site_name) == ("kring.school.nl", 443, "Kring Techniek")


def test_after_migrate_the_sites_are_not_example_com_or_localhost_80() -> None:
    """The test database was built by ``migrate``: its post_migrate ran the sync."""
    from django.contrib.sites.models import Site
    from wagtail.models import Site as WagtailSite

    site = Site.objects.get_current()
    assert site.domain != "example.com" and site.name == "Kring"
    wagtail = WagtailSite.objects.filter(is_default_site=True).first()
    if wagtail is not None:
        assert (wagtail.hostname, wagtail.port) == ("127.0.0.1", 8000)


def test_allauth_mail_links_and_subject_use_the_site_not_the_request_host(
    client: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SITE_URL = "https://kring.school.nl"
    with django_capture_on_commit_callbacks(execute=True):  # the mail is queued after commit
        response = client.post(
            "/accounts/signup/",
            {
                "display_name": "Noor Bakker",
                "email": "noor@example.nl",
                "password1": "een-lang-wachtwoord-42",
                "password2": "een-lang-wachtwoord-42",
            },
            HTTP_HOST="127.0.0.1",
        )
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.subject.startswith("[Kring] ")
    assert "example.com" not in message.subject + message.body
    links = re.findall(r"https?://\S+", message.body)
    assert links and all(link.startswith("https://kring.school.nl/") for link in links), links


def test_message_id_names_the_site() -> None:
    mail.EmailMessage("Onderwerp", "Tekst", to=["iemand@example.nl"]).send()
    assert mail.outbox[-1].message()["Message-ID"].endswith("@127.0.0.1>")


def test_wagtail_api_base_url_is_site_url(settings: Any) -> None:
    assert settings.WAGTAILAPI_BASE_URL == settings.SITE_URL


@pytest.mark.parametrize(
    ("env", "tls", "ssl", "port"),
    [
        ({}, False, False, 25),
        ({"EMAIL_USE_TLS": "true"}, True, False, 587),
        ({"EMAIL_USE_SSL": "true"}, False, True, 465),
        ({"EMAIL_USE_TLS": "true", "EMAIL_PORT": "2525"}, True, False, 2525),
    ],
)
def test_email_encryption_is_explicit(monkeypatch: Any, env: dict[str, str], tls: bool, ssl: bool, port: int) -> None:
    import config.settings as kring_settings

    monkeypatch.setenv("EMAIL_HOST", "smtp.school.nl")
    for name in ("EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        reloaded = importlib.reload(kring_settings)
        assert (tls, ssl, port) == (reloaded.EMAIL_USE_TLS, reloaded.EMAIL_USE_SSL, reloaded.EMAIL_PORT)
    finally:
        monkeypatch.delenv("EMAIL_HOST")
        importlib.reload(kring_settings)


def test_email_tls_and_ssl_together_fail_loudly(monkeypatch: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    import config.settings as kring_settings

    monkeypatch.setenv("EMAIL_HOST", "smtp.school.nl")
    monkeypatch.setenv("EMAIL_USE_TLS", "true")
    monkeypatch.setenv("EMAIL_USE_SSL", "true")
    try:
        with pytest.raises(ImproperlyConfigured):
            importlib.reload(kring_settings)
    finally:
        for name in ("EMAIL_HOST", "EMAIL_USE_TLS", "EMAIL_USE_SSL"):
            monkeypatch.delenv(name)
        importlib.reload(kring_settings)
