"""Back-up and restore with the real tools (docs/operations.md, "Back-ups"): the demo is seeded,
``scripts/backup`` runs ``pg_dump -Fc`` and packs the media files, ``scripts/restore`` runs
``pg_restore`` into a fresh, uniquely named database; every table's row count, a few contents,
the id sequences and the media files must come back the same. The throwaway database is
dropped afterwards. PostgreSQL only: in CI a missing PostgreSQL fails the test.
"""

from __future__ import annotations

import io
import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from tests.security.counts import record_count

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
KRING_APPS = (
    "accounts_",
    "notifications_",
    "forum_",
    "mentoring_",
    "knowledge_base_",
    "realtime_",
    "digests_",
    "passport_",
    "monitoring_",
    "meetings_",
    "api_",
)
CONTENTS = {
    "messages": "SELECT md5(string_agg(id || ':' || coalesce(author_id, 0) || ':' || body, '|' ORDER BY id))"
    " FROM forum_message",
    "users": "SELECT md5(string_agg(id || ':' || email, '|' ORDER BY id)) FROM accounts_user",
    "pages": "SELECT md5(string_agg(id || ':' || path || ':' || title || ':' || live, '|' ORDER BY id))"
    " FROM wagtailcore_page",
    "pairs": "SELECT md5(string_agg(id || ':' || status, '|' ORDER BY id)) FROM mentoring_relationship",
    "room seqs": "SELECT md5(string_agg(id || ':' || last_seq, '|' ORDER BY id)) FROM forum_room",
}


def url_for(name: str) -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def snapshot(url: str) -> dict[str, Any]:
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        ]
        counts = {
            t: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone()[0] for t in tables
        }  # type: ignore[index]
        contents = {label: conn.execute(query).fetchone()[0] for label, query in CONTENTS.items()}  # type: ignore[index]
        sequences = {
            name: conn.execute(sql.SQL("SELECT last_value FROM {}").format(sql.Identifier(name))).fetchone()[0]  # type: ignore[index]
            for (name,) in conn.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
        }
    return {"counts": counts, "contents": contents, "sequences": sequences}


def test_backup_and_restore_with_pg_dump_and_pg_restore(tmp_path: Path) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    media = Path(settings.MEDIA_ROOT)
    (media / "avatars").mkdir(parents=True, exist_ok=True)
    (media / "avatars" / "sanne.png").write_bytes(b"\x89PNG fake avatar bytes")
    (media / "forum").mkdir(exist_ok=True)
    (media / "forum" / "notitie.txt").write_text("een bijlage", encoding="utf-8")

    source = url_for(connection.settings_dict["NAME"])
    before = snapshot(source)
    kring_tables = [t for t in before["counts"] if t.startswith(KRING_APPS)]
    assert before["counts"]["forum_message"] > 100 and before["counts"]["accounts_user"] >= 200, "the demo is seeded"

    scratch = f"kring_restore_{uuid.uuid4().hex[:12]}"
    maintenance = url_for("postgres")
    env = {**os.environ, "DATABASE_URL": source, "MEDIA_ROOT": str(media)}
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
    try:
        backup = subprocess.run(
            [str(ROOT / "scripts" / "backup"), str(tmp_path / "backups")],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert backup.returncode == 0, backup.stderr
        dump, archive = backup.stdout.split()
        assert dump.endswith(".dump") and archive.endswith("-media.tar.gz")
        assert Path(dump).read_bytes()[:5] == b"PGDMP", "pg_dump's custom format"

        restored_media = tmp_path / "restored-media"
        restore = subprocess.run(
            [str(ROOT / "scripts" / "restore"), dump, archive],
            env={**env, "DATABASE_URL": url_for(scratch), "MEDIA_ROOT": str(restored_media)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert restore.returncode == 0, restore.stderr
        after = snapshot(url_for(scratch))
    finally:
        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch)))

    assert after["counts"] == before["counts"], {
        t: (before["counts"].get(t), after["counts"].get(t))
        for t in set(before["counts"]) | set(after["counts"])
        if before["counts"].get(t) != after["counts"].get(t)
    }
    assert after["contents"] == before["contents"]
    assert after["sequences"] == before["sequences"], "ids continue where they were"
    for path in ("avatars/sanne.png", "forum/notitie.txt"):
        assert (restored_media / path).read_bytes() == (media / path).read_bytes()
    rows = sum(before["counts"].values())
    record_count(
        "back-up and restore",
        f"{len(before['counts'])} tables ({len(kring_tables)} of Kring's apps), {rows} rows, "
        f"{len(CONTENTS)} content checksums, {len(before['sequences'])} sequences identical after pg_restore",
    )
