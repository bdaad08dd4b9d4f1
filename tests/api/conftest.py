"""Fixtures for the API's tests: a small world, tokens with chosen scopes, a client that sends them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from api import services as api_services
from forum import services as forum_services
from forum.models import Visibility
from tests.mentoring.conftest import (  # noqa: F401  (pytest fixtures, registered by import)
    _fresh_tables,
    active_pair,
    mentee_mentor,
    programme_factory,
    sanne_henk,
    skills,
)


@dataclass
class ApiWorld:
    owner: Any
    member: Any
    outsider: Any
    community: Any
    room: Any
    topic: Any
    message: Any
    private: Any
    private_room: Any
    private_topic: Any


@pytest.fixture
def api_world(make_user: Callable[..., Any]) -> ApiWorld:
    owner = make_user(name="Olga Eigenaar")
    member = make_user(name="Mo Lid")
    outsider = make_user(name="Otto Buiten")
    community = forum_services.create_community(
        actor=owner, name="Open kring", kind="hub", description="open", waaromvraag="waarom", visibility="open"
    )
    forum_services.join_community(actor=member, community=community)
    room = community.rooms.get()
    topic = forum_services.create_topic(actor=owner, room=room, title="Warmtenet")
    message = forum_services.post_message(actor=owner, topic=topic, body="Eerste bericht", client_id=uuid.uuid4())
    private = forum_services.create_community(
        actor=owner,
        name="Besloten kring",
        kind="hub",
        description="besloten",
        waaromvraag="waarom",
        visibility=Visibility.INVITE_ONLY,
    )
    private_room = private.rooms.get()
    private_topic = forum_services.create_topic(actor=owner, room=private_room, title="GEHEIM-ONDERWERP")
    forum_services.post_message(actor=owner, topic=private_topic, body="GEHEIM-BERICHT", client_id=uuid.uuid4())
    return ApiWorld(owner, member, outsider, community, room, topic, message, private, private_room, private_topic)


class TokenClient:
    """A Django test client that sends ``Authorization: Bearer <secret>`` and JSON."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.client = Client()

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}", **(extra or {})}

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
        return self.client.get(path, params, headers=self._headers(headers))

    def post(self, path: str, data: Any = None, headers: dict[str, str] | None = None) -> Any:
        import json

        return self.client.post(
            path, json.dumps(data or {}), content_type="application/json", headers=self._headers(headers)
        )

    def patch(self, path: str, data: Any = None, headers: dict[str, str] | None = None) -> Any:
        import json

        return self.client.patch(
            path, json.dumps(data or {}), content_type="application/json", headers=self._headers(headers)
        )

    def delete(self, path: str, headers: dict[str, str] | None = None) -> Any:
        return self.client.delete(path, headers=self._headers(headers))


@pytest.fixture
def token_client() -> Callable[..., TokenClient]:
    def make(user: Any, scopes: tuple[str, ...] = ("read", "write")) -> TokenClient:
        _token, secret = api_services.create_token(actor=user, name="test", scopes=scopes)
        return TokenClient(secret)

    return make


@pytest.fixture(autouse=True)
def _fresh_buckets() -> Any:
    from api import throttle

    throttle.reset()
    yield
    throttle.reset()
