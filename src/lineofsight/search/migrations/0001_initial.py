"""The full-text index: an FTS5 table on SQLite, a tsvector table with a GIN index on
PostgreSQL (``search/index.py``), filled from what is already there."""

from django.db import migrations

from lineofsight.search import build, index


def create(apps, schema_editor):
    conn = schema_editor.connection
    index.create(conn)
    build.fill(
        {
            "objective": apps.get_model("goals", "Objective"),
            "key_result": apps.get_model("goals", "KeyResult"),
            "initiative": apps.get_model("goals", "Initiative"),
            "person": apps.get_model("people", "Person"),
            "team": apps.get_model("people", "Team"),
        },
        conn,
    )


def drop(apps, schema_editor):
    index.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0005_link_state"),
        ("people", "0003_coach_settings"),
    ]

    operations = [migrations.RunPython(create, drop)]
