"""The data migration: every row of ``forum.Notification`` and ``mentoring.Notification`` moves
into the one model, keeping its time, read state, topic, message and (mentoring) pair."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from forum import services as forum_services
from mentoring import services as mentoring_services
from notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("forum", "0005_reply_to_and_image_attachments"),
    ("mentoring", "0003_relationship_person_set_null"),
    ("notifications", "0001_initial"),
]


def _migrate(targets: list[tuple[str, str]] | None) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor.loader.project_state(targets).apps if targets else None


def test_old_rows_move_with_their_time_and_read_state(
    make_community: Any, owner: Any, make_user: Any, add_member: Any, sanne_henk: Any
) -> None:
    community = make_community()
    reader = make_user(name="Mila")
    add_member(community, reader)
    topic = forum_services.create_topic(actor=owner, room=community.rooms.get(), title="Oud", body="start")
    message = forum_services.post_message(actor=reader, topic=topic, body="een", client_id=uuid.uuid4())
    sanne, henk = sanne_henk
    pair = mentoring_services.propose(actor=sanne, other=henk)
    Notification.objects.all().delete()

    old_apps = _migrate(BEFORE)
    then = timezone.now() - dt.timedelta(days=40)
    forum_n = old_apps.get_model("forum", "Notification")
    mention = forum_n.objects.create(
        user_id=owner.pk, kind="mention", text="Mila noemde je", url="/x/", message_id=message.pk
    )
    reply = forum_n.objects.create(
        user_id=owner.pk, kind="reply", text="antwoord", url="/y/", message_id=message.pk, topic_id=topic.pk
    )
    member = forum_n.objects.create(user_id=reader.pk, kind="membership", text="Welkom", url="/z/")
    forum_n.objects.filter(pk=mention.pk).update(created_at=then, read_at=then)
    mentoring_n = old_apps.get_model("mentoring", "Notification")
    proposal = mentoring_n.objects.create(user_id=henk.pk, kind="proposal", relationship_id=pair.pk, text="voorstel")
    mentoring_n.objects.create(user_id=henk.pk, kind="reminder", relationship_id=None, text="plan iets")
    _migrate(None)

    moved = {(n.user_id, n.kind): n for n in Notification.objects.all()}
    assert len(moved) == 5
    m = moved[(owner.pk, "mention")]
    assert (m.created_at, m.read_at) == (then, then)
    assert (m.topic_id, m.message_id, m.seq, m.room_id, m.community_id) == (
        topic.pk,
        message.pk,
        message.seq,
        topic.room_id,
        community.pk,
    )
    assert m.actor_id == reader.pk and m.shown and not m.mail_due  # old rows are never mailed
    r = moved[(owner.pk, "reply")]
    assert r.topic_id == topic.pk and r.read_at is None and r.created_at == reply.created_at
    assert moved[(reader.pk, "membership")].topic_id is None and moved[(reader.pk, "membership")].url == member.url
    p = moved[(henk.pk, "proposal")]
    assert p.url == pair.get_absolute_url() and p.ref == f"mentoring:relationship:{pair.pk}"
    assert p.created_at == proposal.created_at and p.text == "voorstel"
    assert moved[(henk.pk, "reminder")].ref == "mentoring" and moved[(henk.pk, "reminder")].url == "/mentoring/"
