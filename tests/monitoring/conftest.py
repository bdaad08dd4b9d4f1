"""A hand-computed community for the monitoring figures (see ``test_figures.py`` for the sums).

People (organisation, sector): Olga the owner, Anna, Bram, Cas, Dirk (all Org X, Energie);
Eva, Fien, Gijs (Org Y, Agri & Food); Hugo (Org Z, Chemie). Anna … Fien joined on 5 March 2026,
Olga, Gijs and Hugo in January. The range is 2 … 15 March 2026 (two weeks); "now" is 20 May 2026.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

START = dt.date(2026, 3, 2)
END = dt.date(2026, 3, 15)
NOW = timezone.make_aware(dt.datetime(2026, 5, 20, 12, 0))


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


@dataclass
class Fixture:
    community: Any
    room: Any
    people: dict[str, Any]
    topics: dict[str, Any]


@pytest.fixture
def hand(make_user: Callable[..., Any]) -> Fixture:
    from accounts.models import Organisation, Sector
    from forum import services as forum_services
    from forum.models import Membership, MembershipState, Message, Role, Topic
    from mentoring.models import Relationship, Status

    orgs = {
        "X": Organisation.objects.create(name="Org X", slug="org-x", kind="school_mbo"),
        "Y": Organisation.objects.create(name="Org Y", slug="org-y", kind="school_hbo"),
        "Z": Organisation.objects.create(name="Org Z", slug="org-z", kind="school_wo"),
    }
    sectors = {
        "X": Sector.objects.get(name="Energie"),
        "Y": Sector.objects.get(name="Agri & Food"),
        "Z": Sector.objects.get(name="Chemie"),
    }
    who = {
        "olga": "X", "anna": "X", "bram": "X", "cas": "X", "dirk": "X",
        "eva": "Y", "fien": "Y", "gijs": "Y", "hugo": "Z",
    }  # fmt: skip
    people = {}
    for name, org in who.items():
        user = make_user(name=name.capitalize())
        user.profile.organisation = orgs[org]
        user.profile.save()
        user.profile.sectors.set([sectors[org]])
        people[name] = user
    community = forum_services.create_community(
        actor=people["olga"], name="Kring A", kind="hub", description="d", waaromvraag="w", visibility="open"
    )
    for name, user in people.items():
        if name != "olga":
            forum_services.join_community(actor=user, community=community)
    Membership.objects.filter(community=community).update(created_at=at(1, 10))
    Membership.objects.filter(
        community=community, user__in=[people[n] for n in ("anna", "bram", "cas", "dirk", "eva", "fien")]
    ).update(created_at=at(3, 5))
    assert Membership.objects.get(community=community, user=people["olga"]).role == Role.OWNER
    assert Membership.objects.filter(community=community, state=MembershipState.ACTIVE).count() == 9
    room = community.rooms.get()
    seq = {"n": room.last_seq}

    def topic(key: str, starter: str, when: dt.datetime, question: bool = False, resolved: bool = False) -> Any:
        t = Topic.objects.create(
            room=room, title=key, created_by=people[starter], is_question=question, is_resolved=resolved
        )
        Topic.objects.filter(pk=t.pk).update(created_at=when)
        post(t, starter, when)
        return t

    def post(t: Any, author: str, when: dt.datetime, body: str = "tekst", deleted: bool = False) -> Any:
        seq["n"] += 1
        m = Message.objects.create(
            room=room, topic=t, seq=seq["n"], author=people[author], client_id=uuid.uuid4(), body=body,
            body_html=body, deleted_at=when if deleted else None,
        )  # fmt: skip
        Message.objects.filter(pk=m.pk).update(created_at=when)
        return m

    topics = {
        "t1": topic("t1", "anna", at(3, 2)),
        "t2": topic("t2", "bram", at(3, 3)),
        "t3": topic("t3", "cas", at(3, 4)),
        "t4": topic("t4", "dirk", at(3, 9)),
        "t5": topic("t5", "eva", at(3, 10), question=True),
        "t6": topic("t6", "fien", at(3, 11), question=True, resolved=True),
        "t7": topic("t7", "olga", at(3, 12), question=True),
    }
    post(topics["t1"], "eva", at(3, 2, 11))  # 1 h
    post(topics["t2"], "olga", at(3, 3, 12), body="Zie @**Anna**")  # 2 h; a mention by name
    post(topics["t3"], "fien", at(3, 4, 14))  # 4 h
    post(topics["t4"], "anna", at(3, 9, 18), body=f"Vraag het @**Eva|{people['eva'].pk}**")  # 8 h
    post(topics["t5"], "bram", at(3, 13, 10))  # 72 h: late
    post(topics["t6"], "dirk", at(3, 11, 20))  # 10 h
    post(topics["t7"], "olga", at(3, 12, 11))  # the starter again: no answer
    post(topics["t3"], "gijs", at(3, 3), deleted=True)  # deleted: not counted (and before the topic)
    # After the range: activity for the March cohort's retention.
    for name in ("anna", "bram", "eva"):
        post(topics["t1"], name, at(4, 10))
    post(topics["t1"], "anna", at(5, 5))
    a, h = sorted([people["anna"], people["hugo"]], key=lambda u: u.pk)
    Relationship.objects.create(person_a=a, person_b=h, status=Status.ACTIVE, activated_at=at(3, 10))
    room.last_seq = seq["n"]
    room.save(update_fields=["last_seq"])
    return Fixture(community=community, room=room, people=people, topics=topics)


@pytest.fixture
def rolled(hand: Fixture) -> Fixture:
    from monitoring.rollup import rollup

    rollup(start=dt.date(2026, 3, 1), end=NOW.date(), community_ids=[hand.community.pk])
    return hand
