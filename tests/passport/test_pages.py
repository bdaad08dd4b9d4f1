"""The passport's pages and services: visibility, share links, awarding, revoking, rules, privacy."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts import privacy
from accounts.models import Skill, User
from core.errors import Conflict, Forbidden
from passport import credentials, ob2, rules, selectors, services
from passport.models import Award, Endorsement, Rule
from passport.signing import schema

pytestmark = pytest.mark.django_db


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_outsiders_cannot_define_award_or_revoke(achievement, member, facilitator, community):
    with pytest.raises(Forbidden):
        services.award(actor=member, achievement=achievement, recipient=facilitator)
    with pytest.raises(Forbidden):
        services.define_achievement(actor=member, community=community, name="x", description="y", criteria="z")
    award = services.award(actor=facilitator, achievement=achievement, recipient=member)
    with pytest.raises(Forbidden):
        services.revoke(actor=member, award=award, reason="nee")
    with pytest.raises(Conflict):
        services.award(actor=facilitator, achievement=achievement, recipient=member)


def test_the_passport_is_private_by_default_and_the_member_chooses(achievement, member, facilitator):
    award = services.award(actor=facilitator, achievement=achievement, recipient=member)
    skill = Skill.objects.first()
    Endorsement.objects.create(endorser=facilitator, endorsee=member, skill=skill, comment="GEHEIM-LOF")
    other = login(facilitator)
    page = other.get(f"/paspoort/lid/{member.pk}/").content.decode()
    assert "Waterwijzer" not in page and "GEHEIM-LOF" not in page
    token = services.create_share_link(actor=member)
    shared = Client().get(f"/paspoort/gedeeld/{token}/").content.decode()
    assert "Waterwijzer" not in shared and "GEHEIM-LOF" not in shared
    response = login(member).post(
        "/paspoort/", {"show_endorsements": "on", "public_awards": [str(award.pk)]}, follow=False
    )
    assert response.status_code == 302
    shared = Client().get(f"/paspoort/gedeeld/{token}/").content.decode()
    assert "Waterwijzer" in shared and "GEHEIM-LOF" in shared
    # A new link revokes the old one; stopping revokes every link.
    new = services.create_share_link(actor=member)
    assert Client().get(f"/paspoort/gedeeld/{token}/").status_code == 404
    services.revoke_share_link(actor=member)
    assert Client().get(f"/paspoort/gedeeld/{new}/").status_code == 404


def test_a_revoked_credential_is_never_public(achievement, member, facilitator):
    award = services.award(actor=facilitator, achievement=achievement, recipient=member)
    Award.objects.filter(pk=award.pk).update(public=True)
    services.revoke(actor=facilitator, award=award, reason="vergissing")
    assert selectors.passport(member, full=False).awards == []
    page = Client().get(f"/paspoort/credential/{award.uuid}/").content.decode()
    assert "Ingetrokken" in page or "Revoked" in page
    assert Client().get(f"/paspoort/ob2/bewijs/{award.uuid}.json").status_code == 410


def test_credential_page_json_and_ob2(achievement, member, facilitator):
    award = services.award(actor=facilitator, achievement=achievement, recipient=member)
    client = Client()
    assert client.get(f"/paspoort/credential/{award.uuid}/").status_code == 200
    downloaded = json.loads(client.get(f"/paspoort/credential/{award.uuid}.json").content)
    credentials.verify(downloaded)
    assert schema.errors(downloaded) == []
    subject = downloaded["credentialSubject"]["identifier"][0]
    assert subject["identityHash"] == credentials.hashed_email("lid@example.org", subject["salt"])
    assertion = ob2.assertion(award)
    assert assertion["recipient"]["identity"] == subject["identityHash"]
    assert client.get(f"/paspoort/ob2/badge/{achievement.uuid}.json").json()["type"] == "BadgeClass"


def test_schema_rejects_a_credential_without_its_achievement(achievement, member, facilitator):
    award = services.award(actor=facilitator, achievement=achievement, recipient=member)
    broken = json.loads(json.dumps(award.credential))
    del broken["credentialSubject"]["achievement"]["criteria"]
    assert any("criteria" in line for line in schema.errors(broken))


def test_endorsement_needs_shared_work(member, facilitator):
    skill = Skill.objects.first()
    with pytest.raises(Forbidden):
        services.endorse(actor=facilitator, endorsee=member, skill=skill)


def test_three_accepted_answers_award_after_commit(community, facilitator, member, django_capture_on_commit_callbacks):
    import uuid as uuid_module

    from forum import services as forum_services
    from forum.models import Membership, MembershipState, Topic

    Membership.objects.create(community=community, user=member, state=MembershipState.ACTIVE)
    achievement = services.define_achievement(
        actor=facilitator,
        community=community,
        name="Drie antwoorden",
        description="d",
        criteria="c",
        rule=Rule.THREE_ACCEPTED_ANSWERS,
    )
    room = forum_services.create_room(actor=facilitator, community=community, name="Vragen")
    for index in range(3):
        topic = forum_services.create_topic(actor=facilitator, room=room, title=f"Vraag {index}", is_question=True)
        answer = forum_services.post_message(actor=member, topic=topic, body="antwoord", client_id=uuid_module.uuid4())
        with django_capture_on_commit_callbacks(execute=True):
            Topic.objects.filter(pk=topic.pk).update(accepted_answer=answer)
            topic.refresh_from_db()
            topic.save()
        assert Award.objects.filter(achievement=achievement, recipient=member).exists() == (index == 2)
    rules.evaluate_answers(topic.pk)  # a second evaluation awards nothing new
    assert Award.objects.filter(achievement=achievement, recipient=member).count() == 1


def test_privacy_export_and_deletion_revoke_the_credentials(achievement, member, facilitator):
    award = services.award(actor=facilitator, achievement=achievement, recipient=member)
    data = privacy.export_member_data(user=member)
    assert data["passport"]["awards"][0]["credential"]["id"] == award.credential["id"]
    privacy.delete_account(user=member)
    award.refresh_from_db()
    assert award.is_revoked and award.recipient_id is None and award.credential == {}
    assert award.status_index in selectors.revoked_indices()


def test_an_account_deleted_outside_the_privacy_flow_has_its_credentials_revoked(achievement, member, facilitator):
    """Before: deleting a user in the admin or a script broke on the database's rule that an award
    without recipient is revoked (seed_demo's reload test, CheckViolation)."""
    award = services.award(actor=facilitator, achievement=achievement, recipient=member)
    type(member).objects.filter(pk=member.pk).delete()
    award.refresh_from_db()
    assert award.is_revoked and award.recipient_id is None and award.credential == {}
    assert award.status_index in selectors.revoked_indices()


def test_pages_render_for_their_people(achievement, member, facilitator, django_assert_max_num_queries):
    services.award(actor=facilitator, achievement=achievement, recipient=member)
    owner = login(member)
    with django_assert_max_num_queries(30):
        assert owner.get("/paspoort/").status_code == 200
    assert owner.get("/paspoort/afdrukken/").status_code == 200
    assert owner.get("/paspoort/export.json").json()["credentials"]
    manager = login(facilitator)
    with django_assert_max_num_queries(30):
        assert manager.get("/paspoort/prestaties/").status_code == 200
    assert manager.get(f"/paspoort/prestaties/{achievement.uuid}/beheer/").status_code == 200
    assert manager.get("/paspoort/prestaties/nieuw/").status_code == 200
    assert owner.get("/paspoort/prestaties/nieuw/").status_code == 403
    bad = manager.post(f"/paspoort/prestaties/{achievement.uuid}/beheer/", {"email": "niemand@example.org"})
    assert bad.status_code == 400


def test_meetings_the_member_attended_are_in_the_passport_only_from_open_communities(member, facilitator, community):
    """Issue 21: attendance feeds the passport. A closed community's meeting stays out: a public
    passport would tell its readers what that community does."""
    import datetime as dt

    from django.utils import timezone

    from forum.models import Community, Membership, MembershipState, Role, Visibility
    from meetings import services as meeting_services
    from meetings.models import Meeting

    closed = Community.objects.create(
        name="Besloten kring", slug="besloten", kind="kenniskring", visibility=Visibility.INVITE_ONLY
    )
    held = timezone.now() - dt.timedelta(days=3)
    meetings = {}
    for key, where in (("open", community), ("closed", closed)):
        Membership.objects.get_or_create(
            community=where, user=facilitator, defaults={"role": Role.FACILITATOR, "state": MembershipState.ACTIVE}
        )
        Membership.objects.create(community=where, user=member, role=Role.MEMBER, state=MembershipState.ACTIVE)
        meetings[key] = Meeting.objects.create(
            community=where,
            title=f"Kringdag {key}",
            starts_at=held,
            ends_at=held + dt.timedelta(hours=2),
            place="Delft",
        )
        meeting_services.record_attendance(actor=facilitator, meeting=meetings[key], present=[member.pk])
    own = selectors.passport(member, full=True)
    assert [m.title for m in own.meetings or []] == ["Kringdag open"]
    assert selectors.passport(member, full=False).meetings is None  # contributions are private by default
    exported = selectors.export_record(member)["meetings_attended"]
    assert [m["title"] for m in exported] == ["Kringdag open"]
    page = login(member).get("/paspoort/").content.decode()
    assert "Kringdag open" in page and "Kringdag closed" not in page


def test_a_credential_the_member_did_not_make_public_is_kept_out_of_search_engines(achievement, member, facilitator):
    award = services.award(actor=facilitator, achievement=achievement, recipient=member)
    client = Client()
    paths = [f"/paspoort/credential/{award.uuid}/", f"/paspoort/credential/{award.uuid}.json"]
    for path in paths:
        assert client.get(path)["X-Robots-Tag"] == "noindex, nofollow", path
    award.public = True
    award.save(update_fields=["public"])
    for path in paths:
        assert "X-Robots-Tag" not in client.get(path), path
