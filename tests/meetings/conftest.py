"""A community with a facilitator (Fenna), members, an outsider, and a meeting next week."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from forum.models import Visibility


@dataclass
class World:
    community: Any
    room: Any
    facilitator: Any
    members: list[Any]
    outsider: Any
    meeting: Any
    topic: Any
    message: Any


def next_week(hour: int = 19) -> tuple[dt.datetime, dt.datetime]:
    day = timezone.localdate() + dt.timedelta(days=7)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
    return start, start + dt.timedelta(hours=2)


def meeting_input(**overrides: Any) -> Any:
    from meetings.services import MeetingInput

    start, end = next_week()
    values: dict[str, Any] = {"title": "Kringavond warmtepompen", "starts_at": start, "ends_at": end, "place": "Zwolle"}
    values.update(overrides)
    return MeetingInput(**values)


@pytest.fixture
def world(make_user: Callable[..., Any]) -> World:
    from forum import services as forum_services
    from meetings import services

    facilitator = make_user(name="Fenna Facilitator")
    community = forum_services.create_community(
        actor=facilitator,
        name="Besloten warmtekring",
        kind="kenniskring",
        description="Over warmte.",
        waaromvraag="Samen leren.",
        visibility=Visibility.INVITE_ONLY,
    )
    members = []
    for name in ("Anna", "Bram", "Cas", "Dirk"):
        user = make_user(name=name)
        forum_services.invite(actor=facilitator, community=community, email=user.email)
        forum_services.join_community(actor=user, community=community)
        members.append(user)
    outsider = make_user(name="Otto Buiten")
    room = community.rooms.get()
    topic = forum_services.create_topic(actor=members[0], room=room, title="Subsidie voor warmtepompen")
    message = forum_services.post_message(
        actor=members[0], topic=topic, body="Kunnen we de nieuwe subsidieregeling bespreken?", client_id=uuid.uuid4()
    )
    meeting = services.create_meeting(actor=facilitator, community=community, data=meeting_input(capacity=2))
    return World(community, room, facilitator, members, outsider, meeting, topic, message)
