# The coach's acknowledged findings were kept by the insights app until the coach became an
# app of its own. The table stays as it is (rows, name and indexes): this migration only
# tells Django that the coach owns the model now, and insights 0003 that insights does not.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    """Keep the model's permissions and admin history: its content type changes app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="coach", model="findingacknowledgement").exists():
        ContentType.objects.filter(
            app_label="insights", model="findingacknowledgement"
        ).update(app_label="coach")


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="coach", model="findingacknowledgement").update(
        app_label="insights"
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('goals', '0004_cadence_grades_retrospectives'),
        ('insights', '0002_finding_acknowledgements'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='FindingAcknowledgement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(help_text='The rule, e.g. focus.person_objectives.', max_length=100)),
                        ('subject_kind', models.CharField(choices=[('objective', 'An objective'), ('key_result', 'A key result'), ('person', 'A person'), ('team', 'A team'), ('cycle', 'A cycle'), ('review_cycle', 'A review cycle')], max_length=20)),
                        ('subject_id', models.PositiveBigIntegerField()),
                        ('reason', models.TextField()),
                        ('acknowledged_at', models.DateTimeField()),
                        ('reopened_at', models.DateTimeField(blank=True, null=True)),
                        ('reopen_reason', models.TextField(blank=True)),
                        ('acknowledged_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('cycle', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='goals.cycle')),
                        ('reopened_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'insights_findingacknowledgement',
                        'verbose_name': 'acknowledged finding',
                        'verbose_name_plural': 'acknowledged findings',
                        'ordering': ['cycle', '-acknowledged_at', 'pk'],
                        'indexes': [models.Index(fields=['cycle', 'subject_kind', 'subject_id'], name='insights_fi_cycle_i_50eb05_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('reopened_at__isnull', True)), fields=('cycle', 'code', 'subject_kind', 'subject_id'), name='finding_acknowledgement_one_live')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
