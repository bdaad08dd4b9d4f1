"""AVG/GDPR: a member downloads all their data and can delete their account for good."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts import privacy
from accounts.models import Profile, User
from forum import services as forum_services
from forum.models import Message, Reaction
from mentoring import models as mm
from mentoring import services as mentoring_services
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair_with_records(active_pair: Any, make_user: Any) -> dict[str, Any]:
    """Sanne and Henk: an active pair with goals, a session, reflections, messages, a notification."""
    rel = active_pair
    sanne, henk = (rel.person_a, rel.person_b) if rel.person_a.display_name == "Sanne" else (rel.person_b, rel.person_a)
    session = mentoring_services.log_session(
        actor=sanne,
        relationship=rel,
        held_on=dt.date.today(),
        mode="online",
        shared_notes="We oefenden een klantgesprek.",
        reflection=mentoring_services.ReflectionInput(went_well="GEHEIM-REFLECTIE-SANNE", learning_points="luisteren"),
    )
    mentoring_services.save_reflection(
        actor=henk, session=session, data=mentoring_services.ReflectionInput(went_well="reflectie van Henk")
    )
    owner = make_user(name="Olga")
    community = forum_services.create_community(
        actor=owner, name="Kring Zorg", kind="hub", description="d", waaromvraag="w", visibility="open"
    )
    forum_services.join_community(actor=sanne, community=community)
    room = community.rooms.get()
    topic = forum_services.create_topic(actor=owner, room=room, title="Warmtepompen")
    message = forum_services.post_message(
        actor=sanne, topic=topic, body="BERICHT-VAN-SANNE over warmtepompen", client_id=uuid.uuid4()
    )
    forum_services.edit_message(actor=sanne, message=message, body="BERICHT-VAN-SANNE, bijgewerkt")
    forum_services.post_message(actor=owner, topic=topic, body="@**Sanne** wat vind jij?", client_id=uuid.uuid4())
    forum_services.react(actor=sanne, message=message, emoji="👍", add=True)
    pair_message = forum_services.post_message(
        actor=sanne, topic=rel.room.topics.get(), body="in de koppelkamer", client_id=uuid.uuid4()
    )
    return {"owner": owner, "sanne": sanne, "henk": henk, "rel": rel, "message": message, "pair_message": pair_message}


def test_export_holds_profile_messages_mentoring_and_notifications(pair_with_records: dict[str, Any]) -> None:
    sanne = pair_with_records["sanne"]
    data = privacy.export_member_data(user=sanne)
    json.dumps(data)  # serialisable as it is
    assert data["format"] == privacy.FORMAT and data["version"] == 1
    assert data["account"]["email"] == "sanne@example.test"
    assert "password" not in data["account"]
    assert data["profile"]["display_name"] == "Sanne"
    bodies = [m["body"] for m in data["messages"]]
    assert "BERICHT-VAN-SANNE, bijgewerkt" in bodies and "in de koppelkamer" in bodies
    edited = next(m for m in data["messages"] if m["body"].startswith("BERICHT"))
    assert edited["revisions"][0]["body"] == "BERICHT-VAN-SANNE over warmtepompen"
    assert data["reactions"][0]["emoji"] == "👍"
    kinds = {n["kind"] for n in data["notifications"]["items"]}
    assert "mention" in kinds  # the forum's
    assert kinds & {"proposal", "agreement", "active"}, "mentoring notifications are exported"
    assert set(data["notification_preferences"]) == {"general", "kinds", "communities", "topics", "push_devices"}
    pair = data["mentoring"]["relationships"][0]
    assert pair["partner"] == "Henk"
    assert pair["agreement"]["rhythm"] == "Elke drie weken een uur"
    assert {g["description"] for g in pair["goals"]} == {"Een klantgesprek leiden", "Een dashboard bouwen"}
    session = pair["sessions"][0]
    assert session["shared_notes"] == "We oefenden een klantgesprek."
    # Only the member's own reflections: the partner's are the partner's data.
    assert [r["went_well"] for r in session["my_reflections"]] == ["GEHEIM-REFLECTIE-SANNE"]
    assert "reflectie van Henk" not in json.dumps(data)
    assert data["mentoring"]["profile"]["offers"], "skills offered are exported"
    assert data["mentoring"]["participations"][0]["programme"] == "Samen duiken"


def test_every_relation_to_the_user_is_classified() -> None:
    """A new model pointing at the user must be added to the export (or explicitly left out)."""
    found = set()
    for rel in User._meta.get_fields(include_hidden=True):
        if rel.auto_created and not rel.concrete and not rel.related_model._meta.auto_created:
            model = rel.related_model
            found.add(f"{model._meta.app_label}.{model.__name__}.{rel.field.name}")
    assert found - set(privacy.PERSONAL_RELATIONS) == set(), (
        "classify these in the owning app's privacy hook (relations=)"
    )
    assert set(privacy.PERSONAL_RELATIONS) - found == set(), "these relations no longer exist"


def test_export_page_downloads_json(client: Client, pair_with_records: dict[str, Any]) -> None:
    client.force_login(pair_with_records["sanne"])
    response = client.get(reverse("accounts:privacy_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["account"]["email"] == "sanne@example.test"


def test_privacy_pages_need_login(client: Client) -> None:
    for name in ("accounts:privacy", "accounts:privacy_export"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(reverse("accounts:privacy_delete")).status_code == 302


def test_delete_is_post_only_and_needs_the_password(client: Client, pair_with_records: dict[str, Any]) -> None:
    sanne = pair_with_records["sanne"]
    client.force_login(sanne)
    assert client.get(reverse("accounts:privacy_delete")).status_code == 405
    response = client.post(reverse("accounts:privacy_delete"), {"password": "wrong", "confirm": "on"})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    response = client.post(reverse("accounts:privacy_delete"), {"password": "secret-pass-123"})
    assert response.status_code == 400  # the confirmation box is required too
    assert User.objects.filter(pk=sanne.pk).exists()


def test_delete_account_removes_profile_and_mentoring_notes_keeps_messages(
    client: Client, pair_with_records: dict[str, Any]
) -> None:
    sanne, message, rel = pair_with_records["sanne"], pair_with_records["message"], pair_with_records["rel"]
    sanne_id = sanne.pk
    client.force_login(sanne)
    response = client.post(reverse("accounts:privacy_delete"), {"password": "secret-pass-123", "confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=sanne_id).exists()
    assert not Profile.objects.filter(user_id=sanne_id).exists()
    assert not mm.MentoringProfile.objects.filter(user_id=sanne_id).exists()
    assert not mm.Reflection.objects.filter(author_id=sanne_id).exists()
    assert not mm.Reflection.objects.filter(went_well="GEHEIM-REFLECTIE-SANNE").exists()
    # The pair is ended, not deleted: it is Henk's record too (see the partner test below).
    rel.refresh_from_db()
    assert rel.status == mm.Status.ENDED_EARLY and rel.ended_at is not None
    assert sanne_id not in (rel.person_a_id, rel.person_b_id)
    assert not Notification.objects.filter(user_id=sanne_id).exists()
    assert not Reaction.objects.filter(user_id=sanne_id).exists()
    message.refresh_from_db()
    assert message.author_id is None and message.body == "BERICHT-VAN-SANNE, bijgewerkt"
    # The browser is logged out.
    assert "_auth_user_id" not in client.session
    other = Client()
    other.force_login(pair_with_records["owner"])
    html = other.get(message.topic.get_absolute_url()).content.decode()
    assert "BERICHT-VAN-SANNE" in html
    authors = re.findall(r'<span class="message-author">(.*?)</span>', html)
    assert any(a.strip() in ("former member", "voormalig lid") for a in authors), authors
    assert not any("Sanne" in a for a in authors), authors
    # Mentions in other people's messages keep the text they wrote; the profile behind them is gone.
    assert other.get(f"/profiel/{sanne_id}/").status_code == 404


def test_delete_is_irreversible_and_the_address_is_free_again(
    pair_with_records: dict[str, Any], make_user: Any
) -> None:
    sanne = pair_with_records["sanne"]
    privacy.delete_account(user=sanne)
    again = make_user(name="Sanne opnieuw", email="sanne@example.test")
    data = privacy.export_member_data(user=again)
    assert data["messages"] == [] and data["mentoring"]["relationships"] == []
    assert Message.objects.filter(author__isnull=True).count() == 2


def test_deleting_an_account_keeps_the_partners_mentoring_record(pair_with_records: dict[str, Any]) -> None:
    """Relationship.person_a/person_b were CASCADE: one member deleting their account deleted the
    partner's pair with its sessions, the partner's own reflections, goals and check-ins."""
    sanne, henk, rel = pair_with_records["sanne"], pair_with_records["henk"], pair_with_records["rel"]
    sanne_id = sanne.pk
    sessions = list(mm.Session.objects.filter(relationship=rel).values_list("pk", flat=True))
    goals = mm.Goal.objects.filter(relationship=rel).count()
    checkins = mm.CheckIn.objects.filter(relationship=rel).count()
    henks = list(mm.Reflection.objects.filter(author=henk).values_list("pk", flat=True))
    assert sessions and goals and henks

    privacy.delete_account(user=sanne)

    rel = mm.Relationship.objects.get(pk=rel.pk)
    assert rel.status == mm.Status.ENDED_EARLY
    assert henk.pk in (rel.person_a_id, rel.person_b_id)
    assert sanne_id not in (rel.person_a_id, rel.person_b_id) and rel.partner_of(henk.pk) is None
    # The partner keeps the shared record and their own notes; the deleted member's own notes go.
    assert list(mm.Session.objects.filter(relationship=rel).values_list("pk", flat=True)) == sessions
    assert mm.Goal.objects.filter(relationship=rel).count() == goals
    assert mm.CheckIn.objects.filter(relationship=rel).count() == checkins
    assert list(mm.Reflection.objects.filter(author=henk).values_list("pk", flat=True)) == henks
    assert not mm.Reflection.objects.filter(author_id=sanne_id).exists()
    assert not mm.Closing.objects.filter(author_id=sanne_id).exists()
    # Henk's export still holds the pair, with the deleted side as "former member".
    data = privacy.export_member_data(user=henk)
    pair = data["mentoring"]["relationships"][0]
    assert pair["partner"] == privacy.FORMER_MEMBER
    assert [r["went_well"] for r in pair["sessions"][0]["my_reflections"]] == ["reflectie van Henk"]
    assert "GEHEIM-REFLECTIE-SANNE" not in json.dumps(data)
    # Henk and the programme's coordinator can still open every page that shows the pair.
    coordinator = rel.programme.coordinators.get()
    session_id = sessions[0]
    for user, urls in (
        (
            henk,
            [
                reverse("mentoring:home"),
                reverse("mentoring:relationship", args=[rel.pk]),
                reverse("mentoring:closing", args=[rel.pk]),
                reverse("mentoring:reflection", args=[session_id]),
            ],
        ),
        (
            coordinator,
            [
                reverse("mentoring:dashboard", args=[rel.programme.slug]),
                reverse("mentoring:export", args=[rel.programme.slug]),
            ],
        ),
    ):
        client = Client()
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 302), (url, response.status_code)
            if url != reverse("mentoring:home"):  # Henk's own notifications keep their text (docs/privacy.md)
                assert "Sanne" not in response.content.decode(), url


def _apps_with_member_data() -> dict[str, set[str]]:
    """Kring's own apps (not third-party ones) whose models point at the user -> those relations."""
    from django.apps import apps
    from django.conf import settings

    base = str(settings.BASE_DIR)
    found: dict[str, set[str]] = {}
    for config in apps.get_app_configs():
        if not config.path.startswith(base) or "site-packages" in config.path:
            continue
        for model in config.get_models():
            for field in model._meta.get_fields(include_parents=False):
                if field.is_relation and field.concrete and field.related_model is User:
                    found.setdefault(config.label, set()).add(f"{config.label}.{model.__name__}.{field.name}")
    return found


def test_every_app_holding_member_data_has_a_privacy_hook() -> None:
    """An app whose models point at the user registers a hook (export and forget) in its ready()."""
    holders = _apps_with_member_data()
    assert {"accounts", "forum", "mentoring"} <= set(holders), holders
    registered = {hook.app: hook for hook in privacy.hooks()}
    for label, relations in holders.items():
        hook = registered.get(label)
        assert hook is not None, f"{label} holds member data but registers no privacy hook"
        assert callable(hook.export) and callable(hook.forget), label
        assert relations <= set(hook.relations), f"{label}'s hook does not classify {relations - set(hook.relations)}"


def test_every_hook_takes_part_in_the_export_and_the_deletion(
    pair_with_records: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Export calls every hook's export and deletion every hook's forget (before the row goes)."""
    exported: list[str] = []
    forgotten: list[tuple[str, bool]] = []

    def spy(hook: privacy.Hook) -> privacy.Hook:
        def export(user: User) -> dict[str, Any]:
            exported.append(hook.app)
            return hook.export(user)

        def forget(user: User) -> None:
            forgotten.append((hook.app, User.objects.filter(pk=user.pk).exists()))
            hook.forget(user)

        return privacy.Hook(app=hook.app, export=export, forget=forget, relations=hook.relations)

    real = privacy.hooks()
    monkeypatch.setattr(privacy, "_hooks", {hook.app: spy(hook) for hook in real})
    apps = [hook.app for hook in real]
    assert {"accounts", "notifications", "forum", "mentoring", "knowledge_base"} <= set(apps)

    sanne = pair_with_records["sanne"]
    data = privacy.export_member_data(user=sanne)
    assert exported == apps
    # Each app's part is in the archive: a hook that was not called would leave its keys out.
    assert {"account", "messages", "mentoring"} <= set(data) and set(data["notifications"]) == {"items"}

    privacy.delete_account(user=sanne)
    assert forgotten == [(app, True) for app in apps]


def test_a_hook_cannot_claim_another_apps_relation() -> None:
    with pytest.raises(ValueError, match="already classified"):
        privacy.register(
            "intruder",
            export=lambda user: {},
            forget=lambda user: None,
            relations={"forum.Message.author": privacy.EXPORTED},
        )
    assert "intruder" not in {hook.app for hook in privacy.hooks()}
