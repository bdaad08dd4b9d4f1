"""Shared fixtures. In CI (CI=true) a test that needs a missing service fails instead of skipping."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings

# An independent iCalendar parser (ical.js on Node) for any test of an .ics file: ``ical_peer``.
from tests.peers.ical import ical_peer  # noqa: F401

# The real SMTP server (aiosmtpd) every test may ask for by name: ``smtp_server``.
from tests.peers.smtp import smtp_server  # noqa: F401

IN_CI = os.environ.get("CI", "").lower() == "true"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, available: bool, why: str) -> None:
    if available:
        return
    if IN_CI:
        pytest.fail(f"{name} is required in CI but unavailable: {why}", pytrace=False)
    pytest.skip(f"{name} not configured: {why}")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres"):
        require_service("PostgreSQL", settings.USING_POSTGRES, "set DATABASE_URL=postgres://…")
    if item.get_closest_marker("redis"):
        url = settings.REDIS_URL
        ok = bool(url) and _reachable("127.0.0.1", 6379)
        require_service("Redis", ok, "set REDIS_URL=redis://127.0.0.1:6379/0")


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    from allauth.account.models import EmailAddress

    from accounts import services
    from accounts.models import User

    counter = {"n": 0}

    def make(name: str = "", email: str = "", password: str = "secret-pass-123", **extra: Any) -> User:  # noqa: S107
        counter["n"] += 1
        email = email or f"user{counter['n']}@example.test"
        user = User.objects.create_user(email=email, password=password, **extra)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        services.ensure_profile(user=user, display_name=name or f"Member {counter['n']}")
        return user

    return make


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield


def restore_reference_data() -> None:
    """Put back what migrations load and a transactional test's flush removes: taxonomies,
    learning functions, Wagtail's locale, root page and collection, and the knowledge base's
    groups and workflow."""
    import importlib

    from django.apps import apps
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page

    from accounts.models import Sector
    from accounts.taxonomies import load_taxonomies

    if Sector.objects.exists():
        return
    load_taxonomies(apps)
    importlib.import_module("forum.migrations.0002_learning_functions_and_search_index").load_functions(apps, None)
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root"))
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    importlib.import_module("knowledge_base.migrations.0002_taxonomy_groups_workflow").forwards(apps, None)


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests flush every table, migration-loaded rows included; reload them."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and "db" not in request.fixturenames and "transactional_db" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db" if marker and marker.kwargs.get("transaction") else "db")
    restore_reference_data()
