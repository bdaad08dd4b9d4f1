"""Per-room seq under concurrent writers, on the real PostgreSQL."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from forum import services
from forum.models import Message

WRITERS = 8
PER_WRITER = 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_get_gap_free_unique_seqs(make_community, owner, make_user, add_member) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    room = community.rooms.get()
    topic = services.create_topic(actor=owner, room=room, title="Drukte")
    writers = [make_user(name=f"Schrijver {i}") for i in range(WRITERS)]
    for writer in writers:
        add_member(community, writer)
    repeated = {writer.pk: uuid.uuid4() for writer in writers}
    errors: list[BaseException] = []
    barrier = threading.Barrier(WRITERS)

    def write(writer) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            for i in range(PER_WRITER):
                client_id = repeated[writer.pk] if i == 0 else uuid.uuid4()
                services.post_message(actor=writer, topic=topic, body=f"{writer.pk}:{i}", client_id=client_id)
            # The retry of the first post must not create another message.
            services.post_message(actor=writer, topic=topic, body="retry", client_id=repeated[writer.pk])
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    seqs = sorted(Message.objects.filter(room=room).values_list("seq", flat=True))
    assert seqs == list(range(1, WRITERS * PER_WRITER + 1))
    assert not Message.objects.filter(body="retry").exists()
