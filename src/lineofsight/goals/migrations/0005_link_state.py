import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def existing_links_stay_accepted(apps, schema_editor):
    """Every link made before proposals existed stays accepted, counting from its creation,
    as accepted by whoever made it."""
    link_model = apps.get_model("goals", "AlignmentLink")
    link_model.objects.update(
        state="accepted", decided_at=models.F("created_at"), decided_by=models.F("created_by")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('goals', '0004_cadence_grades_retrospectives'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='alignmentlink',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='alignmentlink',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='alignmentlink',
            name='decision_reason',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='alignmentlink',
            name='state',
            field=models.CharField(choices=[('accepted', 'Accepted'), ('pending', "Proposed, awaiting the parent's owners"), ('declined', 'Declined')], default='accepted', max_length=10),
        ),
        migrations.RunPython(existing_links_stay_accepted, migrations.RunPython.noop),
    ]
