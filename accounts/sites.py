"""The site's public name and address, from settings (``SITE_URL``, ``SITE_NAME``), everywhere.

Django's ``Site`` (allauth's mails and subjects read it), Wagtail's default ``Site``, links in
mails and the domain of every ``Message-ID`` follow ``SITE_URL``; never the host of whichever
request happens to send a mail, and never ``example.com`` or ``localhost:80``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings


def site_url() -> str:
    return str(settings.SITE_URL).rstrip("/")


def site_domain() -> str:
    """``host[:port]`` of ``SITE_URL``, as Django's ``Site.domain`` holds it."""
    return urlsplit(site_url()).netloc


def site_hostname() -> str:
    return urlsplit(site_url()).hostname or "localhost"


def site_port() -> int:
    parts = urlsplit(site_url())
    return parts.port or (443 if parts.scheme == "https" else 80)


def absolute_url(path: str) -> str:
    """A link for outside the browser (a mail, a calendar): ``SITE_URL`` plus the path."""
    if urlsplit(path).scheme:
        return path
    return site_url() + "/" + path.lstrip("/")


def use_site_domain_for_message_ids() -> None:
    """Django names the machine (``socket.getfqdn()``) in every ``Message-ID``; name the site.

    ``DNS_NAME`` caches the name on first use: filling the cache first is the hook Django offers.
    """
    from django.core.mail.utils import DNS_NAME

    DNS_NAME._fqdn = site_hostname()


def sync_sites(**kwargs: Any) -> None:
    """Make the Django Site and Wagtail's default Site match the settings. Idempotent: runs after
    every ``migrate`` (and after a test database flush) and writes only what differs."""
    from django.contrib.sites.models import Site as DjangoSite
    from wagtail.models import Site as WagtailSite

    using = kwargs.get("using", "default")
    site, created = DjangoSite.objects.using(using).get_or_create(
        pk=settings.SITE_ID, defaults={"domain": site_domain(), "name": settings.SITE_NAME}
    )
    if not created and (site.domain, site.name) != (site_domain(), settings.SITE_NAME):
        site.domain, site.name = site_domain(), settings.SITE_NAME
        site.save(using=using)
    DjangoSite.objects.clear_cache()

    default = WagtailSite.objects.using(using).filter(is_default_site=True).first()
    if default is not None:
        wanted = (site_hostname(), site_port(), settings.SITE_NAME)
        if (default.hostname, default.port, default.site_name) != wanted:
            default.hostname, default.port, default.site_name = wanted
            default.save(using=using)
