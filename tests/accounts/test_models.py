from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Language, Organisation, Region, Sector, Skill, User

pytestmark = pytest.mark.django_db


def test_taxonomies_are_loaded_by_migration() -> None:
    assert Sector.objects.filter(is_topsector=True).count() == 9
    assert Sector.objects.filter(name="ICT", is_topsector=False).exists()
    assert Region.objects.count() == 12
    assert Skill.objects.filter(category="21st_century", name="Kritisch denken").exists()
    assert Skill.objects.filter(category="sector", sector__name="Energie").count() >= 3
    assert Language.objects.filter(code="nl").exists()


def test_email_is_the_login_and_is_case_insensitive_unique() -> None:
    user = User.objects.create_user(email="Sanne@Example.NL", password="x-very-long-pass")
    assert user.email == "sanne@example.nl"
    assert User.USERNAME_FIELD == "email"
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="SANNE@example.nl")


def test_only_companies_have_a_size_class() -> None:
    Organisation.objects.create(name="Bakkerij", slug="bakkerij", kind="company", size_class="zzp")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="ROC", slug="roc", kind="school_mbo", size_class="large")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Fabriek", slug="fabriek", kind="company", size_class="")


def test_display_name_falls_back_to_email(make_user) -> None:  # type: ignore[no-untyped-def]
    user = User.objects.create_user(email="piet@example.nl", password="x-very-long-pass")
    assert user.display_name == "piet"
    named = make_user(name="Sanne de Vries")
    assert str(named) == "Sanne de Vries"
