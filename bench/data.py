"""Synthetic data in the bench database, made with the ORM and bulk SQL (Django side)."""

from __future__ import annotations

import os
import secrets
import time
import uuid
from datetime import timedelta
from typing import Any

from bench.common import apply_env, ensure_database

_READY = False


def setup_django() -> None:
    """Point Django at the bench database (created if missing) and migrate it."""
    global _READY
    if _READY:
        return
    apply_env()
    url = os.environ["DATABASE_URL"]
    if url.startswith("postgres"):
        ensure_database(url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from django.urls import get_resolver

    from core.process import settle

    get_resolver().url_patterns  # noqa: B018  (as config/asgi.py loads it)
    settle()  # as a server process does at start (config/asgi.py)
    _READY = True


def ensure_users(n: int, prefix: str = "bench") -> list[int]:
    """Users ``{prefix}-0 … {prefix}-(n-1)`` with profiles; returns their ids in order."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Profile, User

    emails = [f"{prefix}-{i}@bench.test" for i in range(n)]
    existing = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    missing = [e for e in emails if e not in existing]
    if missing:
        password = make_password("bench-password")
        User.objects.bulk_create([User(email=e, password=password) for e in missing], batch_size=2000)
        existing = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    ids = [existing[e] for e in emails]
    have = set(Profile.objects.filter(user_id__in=ids).values_list("user_id", flat=True))
    Profile.objects.bulk_create(
        [Profile(user_id=uid, display_name=f"Bench {i}") for i, uid in enumerate(ids) if uid not in have],
        batch_size=2000,
    )
    return ids


def sessions_for(user_ids: list[int]) -> list[str]:
    """A real Django session (as ``login()`` makes it) per user; returns the session keys."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from accounts.models import User

    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    store = SessionStore()
    backend = settings.AUTHENTICATION_BACKENDS[0]
    expire = timezone.now() + timedelta(days=1)
    rows, keys = [], []
    for uid in user_ids:
        key = secrets.token_hex(16)
        data = {"_auth_user_id": str(uid), "_auth_user_backend": backend, "_auth_user_hash": ""}
        data["_auth_user_hash"] = users[uid].get_session_auth_hash()
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        keys.append(key)
    Session.objects.bulk_create(rows, batch_size=2000)
    return keys


def community(slug: str, owner_id: int) -> Any:
    from forum.models import Community, CommunityKind, Visibility

    found = Community.objects.filter(slug=slug).first()
    if found is None:
        found = Community.objects.create(
            name=f"Bench {slug}",
            slug=slug,
            kind=CommunityKind.choices[0][0],
            description="Benchmark community.",
            waaromvraag="Om te meten.",
            visibility=Visibility.OPEN,
            created_by_id=owner_id,
        )
    return found


def join(comm: Any, user_ids: list[int]) -> None:
    from forum.models import Membership, MembershipState

    have = set(Membership.objects.filter(community=comm, user_id__in=user_ids).values_list("user_id", flat=True))
    Membership.objects.bulk_create(
        [Membership(community=comm, user_id=u, state=MembershipState.ACTIVE) for u in user_ids if u not in have],
        batch_size=2000,
    )
    Membership.objects.filter(community=comm, user_id__in=user_ids).update(state=MembershipState.ACTIVE)


def room_with_topic(comm: Any, slug: str, creator_id: int) -> tuple[int, int]:
    """A room (made once) and a fresh topic in it for this run; returns (room id, topic id)."""
    from forum.models import Room, Topic

    room = Room.objects.filter(community=comm, slug=slug).first()
    if room is None:
        room = Room.objects.create(community=comm, name=slug, slug=slug)
    topic = Topic.objects.create(room=room, title=f"Bench {time.strftime('%H:%M:%S')} {uuid.uuid4().hex[:6]}")
    topic.created_by_id = creator_id
    topic.save(update_fields=["created_by"])
    return room.pk, topic.pk


def fanout_fixture(n_users: int, small_rooms: int, small_size: int) -> dict[str, Any]:
    """Members, sessions and rooms for the fan-out benchmarks.

    Room ``big`` holds all ``n_users``; ``mid`` the first 100; ``s0 … s{small_rooms-1}``
    each ``small_size`` consecutive members.
    """
    setup_django()
    ids = ensure_users(n_users)
    keys = sessions_for(ids)
    comm = community("bench-fanout", ids[0])
    join(comm, ids)
    rooms: dict[str, Any] = {}
    rid, tid = room_with_topic(comm, "big", ids[0])
    rooms["big"] = {"room": rid, "topic": tid, "members": list(range(n_users))}
    rid, tid = room_with_topic(comm, "mid", ids[0])
    rooms["mid"] = {"room": rid, "topic": tid, "members": list(range(min(100, n_users)))}
    for r in range(small_rooms):
        rid, tid = room_with_topic(comm, f"s{r}", ids[0])
        members = [(r * small_size + k) % n_users for k in range(small_size)]
        rooms[f"s{r}"] = {"room": rid, "topic": tid, "members": members}
    return {"user_ids": ids, "sessions": keys, "rooms": rooms}
