import django.db.models.deletion
from django.db import migrations, models


def fill_targets(apps, schema_editor):
    link_model = apps.get_model("goals", "AlignmentLink")
    for link in link_model.objects.filter(target__isnull=True).select_related("parent_key_result"):
        link.target_id = link.parent_objective_id or link.parent_key_result.objective_id
        link.save(update_fields=["target"])


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="alignmentlink",
            name="target",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="incoming_links",
                to="goals.objective",
            ),
        ),
        migrations.RunPython(fill_targets, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="alignmentlink",
            name="target",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="incoming_links",
                to="goals.objective",
            ),
        ),
        migrations.AddIndex(
            model_name="alignmentlink",
            index=models.Index(fields=["target", "ended_at"], name="goals_align_target__b2654a_idx"),
        ),
    ]
