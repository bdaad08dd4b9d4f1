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
    # --force: every step runs again (without it the loaded demo is recognised and left alone).
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert _counts() == first
    assert first["accounts.User"] >= 200
    assert first["accounts.Organisation"] >= 30
    text = out.getvalue()
    assert "members: 200/200" in text
    assert "sanne@kring.test" in text


def test_seed_demo_is_a_quick_no_op_when_loaded(django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts()
    again = io.StringIO()
    with django_assert_max_num_queries(3):  # make run starts in seconds: no step runs
        call_command("seed_demo", stdout=again)
    assert _counts() == first
    assert "already loaded" in again.getvalue() and "sanne@kring.test" in again.getvalue()


def test_seed_demo_loads_again_when_a_demo_login_is_gone() -> None:
    from accounts.models import User

    call_command("seed_demo", stdout=io.StringIO())
    User.objects.filter(email="sanne@kring.test").delete()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Demo content is ready" in out.getvalue()
    assert User.objects.filter(email="sanne@kring.test").exists()


def test_make_run_default_mode_migrates_and_seeds_on_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`make run` uses SQLite whatever CI's DATABASE_URL says; the suite otherwise runs on
    PostgreSQL in CI. Before: the batch's hand-written SQL read rows with converters that
    SQLite's backend cannot take from a field, so the demo's first post failed (AttributeError)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(SQLITE_PATH=str(tmp_path / "db.sqlite3"), MEDIA_ROOT=str(tmp_path / "media"), LOG_LEVEL="WARNING")
    for command in (["migrate", "--no-input", "-v", "0"], ["seed_demo"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=root, env=env, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert "members: 200/200" in result.stdout, result.stdout[-2000:]
