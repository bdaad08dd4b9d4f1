"""Move every row of ``forum.Notification`` and ``mentoring.Notification`` into the one model.

Plain ``INSERT … SELECT`` (PostgreSQL and SQLite alike): ``created_at`` is ``auto_now_add``, so
an ORM insert would stamp every row with today. The old models are dropped by the forum's and
mentoring's next migrations, which depend on this one.
"""

from django.db import migrations


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    target = apps.get_model("notifications", "Notification")._meta.db_table
    forum_n = apps.get_model("forum", "Notification")._meta.db_table
    message = apps.get_model("forum", "Message")._meta.db_table
    room = apps.get_model("forum", "Room")._meta.db_table
    mentoring_n = apps.get_model("mentoring", "Notification")._meta.db_table
    columns = (
        "user_id, kind, actor_id, text, url, params, community_id, room_id, topic_id, message_id, seq, ref,"
        " created_at, read_at, shown, mail_due, emailed_at"
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {target} ({columns})"  # noqa: S608 (table names from the models)
            " SELECT n.user_id, n.kind,"
            " CASE WHEN n.kind IN ('mention', 'reply') THEN m.author_id END,"
            " n.text, n.url, '{}', r.community_id, m.room_id, COALESCE(n.topic_id, m.topic_id), n.message_id, m.seq,"
            " '', n.created_at, n.read_at, TRUE, FALSE, NULL"
            f" FROM {forum_n} n LEFT JOIN {message} m ON m.id = n.message_id LEFT JOIN {room} r ON r.id = m.room_id"
            " ORDER BY n.id"
        )
        cursor.execute(
            f"INSERT INTO {target} ({columns})"  # noqa: S608
            " SELECT n.user_id, n.kind, NULL, n.text,"
            " CASE WHEN n.relationship_id IS NULL THEN '/mentoring/'"
            " ELSE '/mentoring/koppels/' || CAST(n.relationship_id AS VARCHAR(20)) || '/' END,"
            " '{}', NULL, NULL, NULL, NULL, NULL,"
            " CASE WHEN n.relationship_id IS NULL THEN 'mentoring'"
            " ELSE 'mentoring:relationship:' || CAST(n.relationship_id AS VARCHAR(20)) END,"
            " n.created_at, n.read_at, TRUE, FALSE, NULL"
            f" FROM {mentoring_n} n ORDER BY n.id"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("forum", "0005_reply_to_and_image_attachments"),
        ("mentoring", "0003_relationship_person_set_null"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
