"""Draft objectives proposed in a review, not yet published, become private like the review
they came from (they were made visible to everyone)."""

from django.db import migrations


def make_private(apps, schema_editor):  # type: ignore[no-untyped-def]
    Objective = apps.get_model("goals", "Objective")
    Objective.objects.filter(
        forward_draft__published_at__isnull=True, state="draft", visibility="public"
    ).update(visibility="private")


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_feedback_drafts_and_versions"),
    ]

    operations = [
        migrations.RunPython(make_private, migrations.RunPython.noop),
    ]
