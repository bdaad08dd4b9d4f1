"""The passport's credentials and meetings in the API: the member's own credentials and their signed
JSON (another's only while public), a community's meetings, and the RSVP through meetings' services
with the waiting list — idempotent, scoped (a read-only token cannot answer), problem+json on bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from forum import services as forum_services
from meetings import services as meeting_services
from meetings.models import Rsvp
from passport import services as passport_services
from tests.api.conftest import ApiWorld

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _award(world: ApiWorld, name: str = "Kringbouwer") -> Any:
    achievement = passport_services.define_achievement(
        actor=world.owner, community=world.community, name=name, description="Bouwt mee.", criteria="Doet mee."
    )
    return passport_services.award(actor=world.owner, achievement=achievement, recipient=world.member)


def _make_public(member: Any, *awards: Any) -> None:
    passport_services.save_visibility(
        actor=member,
        choice=passport_services.Visibility(
            show_mentoring=False,
            show_contributions=False,
            show_endorsements=False,
            public_award_ids=frozenset(a.pk for a in awards),
        ),
    )


def _meeting(world: ApiWorld, *, community: Any = None, days: int = 7, **extra: Any) -> Any:
    start = timezone.now() + dt.timedelta(days=days)
    return meeting_services.create_meeting(
        actor=world.owner,
        community=community or world.community,
        data=meeting_services.MeetingInput(
            title=extra.pop("title", "Startbijeenkomst"),
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            place="Zaal 1",
            **extra,
        ),
    )


# --- the passport ---------------------------------------------------------------------------------


def test_the_member_lists_their_own_credentials_with_links(api_world: ApiWorld, token_client: Callable) -> None:
    award = _award(api_world)
    second = _award(api_world, "Mentor")
    passport_services.revoke(actor=api_world.owner, award=second, reason="vergissing")
    answer = token_client(api_world.member, ("read",)).get("/api/v1/passport/credentials/")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["count"] == 2
    by_name = {row["achievement"]["name"]: row for row in body["results"]}
    row = by_name["Kringbouwer"]
    assert row["id"] == str(award.uuid) and row["community"]["slug"] == api_world.community.slug
    assert row["programme"] is None and row["revoked"] is False and row["public"] is False
    assert row["verify_url"].endswith(f"/paspoort/credential/{award.uuid}/")
    assert row["json_url"].endswith(f"/paspoort/credential/{award.uuid}.json")
    assert by_name["Mentor"]["revoked"] is True and by_name["Mentor"]["revoked_at"]
    # Someone else's list holds none of them.
    other = token_client(api_world.outsider, ("read",)).get("/api/v1/passport/credentials/").json()
    assert other["count"] == 0 and other["results"] == []


def test_the_signed_json_is_for_its_recipient_or_while_public(api_world: ApiWorld, token_client: Callable) -> None:
    award = _award(api_world)
    url = f"/api/v1/passport/credentials/{award.uuid}/"
    own = token_client(api_world.member, ("read",)).get(url)
    assert own.status_code == 200
    document = own.json()
    assert document == award.credential and document["proof"] and "OpenBadgeCredential" in document["type"]
    outsider = token_client(api_world.outsider, ("read",))
    hidden = outsider.get(url)
    assert (
        hidden.status_code == 404 and hidden["Content-Type"] == PROBLEM and "Kringbouwer" not in hidden.content.decode()
    )
    _make_public(api_world.member, award)
    assert outsider.get(url).json() == award.credential
    # Revoked: no longer public to others; its recipient still gets it (the status list says revoked).
    passport_services.revoke(actor=api_world.owner, award=award, reason="vergissing")
    assert outsider.get(url).status_code == 404
    assert token_client(api_world.member, ("read",)).get(url).status_code == 200


def test_passport_bad_input_and_scopes(api_world: ApiWorld, token_client: Callable) -> None:
    _award(api_world)
    client = token_client(api_world.member, ("read",))
    for path, status, code in (
        ("/api/v1/passport/credentials/?page=0", 400, "invalid"),
        ("/api/v1/passport/credentials/?page=abc", 400, "invalid"),
        ("/api/v1/passport/credentials/?page=9", 404, "no_such_page"),
        ("/api/v1/passport/credentials/geen-uuid/", 404, "no_such_endpoint"),
        ("/api/v1/passport/credentials/00000000-0000-0000-0000-000000000000/", 404, "not_found"),
    ):
        answer = client.get(path)
        assert (answer.status_code, answer["Content-Type"], answer.json()["code"]) == (status, PROBLEM, code), path
    refused = token_client(api_world.member, ("write",)).get("/api/v1/passport/credentials/")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert client.post("/api/v1/passport/credentials/", {}).status_code == 403  # a POST needs write, and …
    writer = token_client(api_world.member, ("read", "write"))
    assert writer.post("/api/v1/passport/credentials/", {}).status_code == 405  # … is no method here


# --- meetings -------------------------------------------------------------------------------------


def test_a_communitys_meetings_coming_and_past(api_world: ApiWorld, token_client: Callable) -> None:
    later = _meeting(api_world, days=14, title="Later")
    soon = _meeting(api_world, days=2, title="Binnenkort")
    past = _meeting(api_world, days=-30, title="Vorige maand")
    client = token_client(api_world.member, ("read",))
    coming = client.get(f"/api/v1/communities/{api_world.community.slug}/meetings/").json()
    assert [m["id"] for m in coming["results"]] == [soon.pk, later.pk]
    assert coming["results"][0]["community"]["slug"] == api_world.community.slug
    assert coming["results"][0]["url"] == f"/bijeenkomsten/{soon.pk}/"
    gone = client.get(f"/api/v1/communities/{api_world.community.slug}/meetings/", past="true").json()
    assert [m["id"] for m in gone["results"]] == [past.pk]
    detail = client.get(f"/api/v1/meetings/{soon.pk}/")
    assert detail.status_code == 200 and detail.json()["title"] == "Binnenkort" and detail.json()["my_answer"] is None


def test_a_private_communitys_meetings_do_not_exist_for_outsiders(
    api_world: ApiWorld, token_client: Callable, make_user: Callable
) -> None:
    secret = _meeting(api_world, community=api_world.private, title="GEHEIM-BIJEENKOMST")
    outsider = token_client(api_world.outsider, ("read", "write"))
    for answer in (
        outsider.get(f"/api/v1/communities/{api_world.private.slug}/meetings/"),
        outsider.get(f"/api/v1/meetings/{secret.pk}/"),
        outsider.client.put(
            f"/api/v1/meetings/{secret.pk}/rsvp/",
            '{"answer": "going"}',
            content_type="application/json",
            headers={"Authorization": f"Bearer {outsider.secret}"},
        ),
        outsider.delete(f"/api/v1/meetings/{secret.pk}/rsvp/"),
    ):
        assert answer.status_code == 404 and answer["Content-Type"] == PROBLEM
        assert "GEHEIM" not in answer.content.decode()
    assert not Rsvp.objects.exists()
    # The owner (a member) sees it.
    owner = token_client(api_world.owner, ("read",))
    assert owner.get(f"/api/v1/communities/{api_world.private.slug}/meetings/").json()["count"] == 1


def _put(client: Any, meeting_id: int, body: Any) -> Any:
    import json

    data = body if isinstance(body, str) else json.dumps(body)
    return client.client.put(
        f"/api/v1/meetings/{meeting_id}/rsvp/",
        data,
        content_type="application/json",
        headers={"Authorization": f"Bearer {client.secret}"},
    )


def test_rsvp_with_the_waiting_list_idempotent(api_world: ApiWorld, token_client: Callable, make_user: Any) -> None:
    meeting = _meeting(api_world, capacity=1)
    other = make_user(name="Wil Wachten")
    forum_services.join_community(actor=other, community=api_world.community)
    mo, wil = token_client(api_world.member), token_client(other)
    first = _put(mo, meeting.pk, {"answer": "going"})
    assert first.status_code == 200, first.content
    assert first.json()["my_answer"] == "going" and first.json()["going"] == 1
    answered_at = Rsvp.objects.get(user=api_world.member).answered_at
    again = _put(mo, meeting.pk, {"answer": "going"})
    assert again.status_code == 200 and again.json() == first.json()
    assert Rsvp.objects.get(user=api_world.member).answered_at == answered_at  # keeps its place
    waiting = _put(wil, meeting.pk, {"answer": "going"})
    assert waiting.json()["my_answer"] == "waiting" and waiting.json()["waiting"] == 1
    # Mo takes the answer back: Wil moves up. Twice is the same as once.
    assert mo.delete(f"/api/v1/meetings/{meeting.pk}/rsvp/").status_code == 204
    assert mo.delete(f"/api/v1/meetings/{meeting.pk}/rsvp/").status_code == 204
    assert wil.get(f"/api/v1/meetings/{meeting.pk}/").json()["my_answer"] == "going"
    assert mo.get(f"/api/v1/meetings/{meeting.pk}/").json()["my_answer"] is None
    assert _put(mo, meeting.pk, {"answer": "maybe"}).json()["my_answer"] == "maybe"


def test_rsvp_refusals_are_problems(api_world: ApiWorld, token_client: Callable) -> None:
    meeting = _meeting(api_world)
    reader = token_client(api_world.member, ("read",))
    refused = _put(reader, meeting.pk, {"answer": "going"})
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert reader.delete(f"/api/v1/meetings/{meeting.pk}/rsvp/").status_code == 403
    assert not Rsvp.objects.exists()
    writer = token_client(api_world.member)
    for body, status, field in (
        ({"answer": "ja"}, 400, "answer"),
        ({}, 400, "answer"),
        ("[1, 2]", 400, None),
        ("{niet json", 400, None),
    ):
        answer = _put(writer, meeting.pk, body)
        assert answer.status_code == status and answer["Content-Type"] == PROBLEM, (body, answer.content)
        if field:
            assert answer.json()["field"] == field
    assert _put(writer, 999_999, {"answer": "going"}).status_code == 404
    # Not a member of the open community: may see, may not answer.
    outsider = _put(token_client(api_world.outsider), meeting.pk, {"answer": "going"})
    assert outsider.status_code == 403 and outsider["Content-Type"] == PROBLEM
    meeting_services.cancel_meeting(actor=api_world.owner, meeting=meeting)
    cancelled = _put(writer, meeting.pk, {"answer": "going"})
    assert cancelled.status_code == 409 and cancelled.json()["code"] == "meeting_cancelled"
    assert not Rsvp.objects.exists()
    bad = reader.get(f"/api/v1/communities/{api_world.community.slug}/meetings/", past="misschien")
    assert bad.status_code == 400 and bad.json()["field"] == "past"
