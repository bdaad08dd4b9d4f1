from django.db import migrations

FUNCTIONS = [
    ("voorwaardelijk", "Voorwaardelijk (leren om te werken)"),
    ("reactief", "Reactief (bijblijven)"),
    ("proactief", "Proactief (innoveren)"),
]


def load_functions(apps, schema_editor):  # type: ignore[no-untyped-def]
    LearningFunction = apps.get_model("forum", "LearningFunction")
    for code, name in FUNCTIONS:
        LearningFunction.objects.update_or_create(code=code, defaults={"name": name})


def create_search_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Full-text index for PostgreSQL only; SQLite searches with a simple fallback.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS forum_message_fts ON forum_message USING gin "
        "((to_tsvector('dutch'::regconfig, COALESCE(search_text, '')) || "
        "to_tsvector('english'::regconfig, COALESCE(search_text, ''))))"
    )


def drop_search_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS forum_message_fts")


class Migration(migrations.Migration):
    dependencies = [("forum", "0001_initial")]
    operations = [
        migrations.RunPython(load_functions, migrations.RunPython.noop),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
