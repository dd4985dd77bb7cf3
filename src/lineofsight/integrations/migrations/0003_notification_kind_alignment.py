
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('integrations', '0002_notification_kind_review'),
    ]

    operations = [
        migrations.AlterField(
            model_name='notification',
            name='kind',
            field=models.CharField(choices=[('reminder', 'Check-in reminder'), ('digest', 'Weekly digest'), ('escalation', 'Escalation'), ('review', 'Review'), ('alignment', 'Alignment proposal')], max_length=12),
        ),
    ]
