from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "forum", "mentoring", "knowledge_base", "account", "wagtailcore"}
    }


def test_seed_demo_is_idempotent() -> None:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == first
    assert first["accounts.User"] >= 200
    assert first["accounts.Organisation"] >= 30
    text = out.getvalue()
    assert "members: 200/200" in text
    assert "sanne@kring.test" in text
