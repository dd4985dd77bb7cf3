# The acknowledged findings belong to the coach app now (coach 0001); the table stays.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('coach', '0001_initial'),
        ('insights', '0002_finding_acknowledgements'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='FindingAcknowledgement')],
            database_operations=[],
        ),
    ]
