# Blocker escalations: a kind of message of their own.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('integrations', '0004_inbox'),
    ]

    operations = [
        migrations.AlterField(
            model_name='inboxitem',
            name='kind',
            field=models.CharField(choices=[('reminder', 'Check-in reminder'), ('digest', 'Weekly digest'), ('escalation', 'Escalation'), ('review', 'Review'), ('alignment', 'Alignment proposal'), ('mention', 'Mention'), ('reply', 'Reply'), ('parent', 'Parent objective changed'), ('daily', 'Daily summary'), ('blocker', 'Blocker escalation')], max_length=12),
        ),
        migrations.AlterField(
            model_name='notification',
            name='kind',
            field=models.CharField(choices=[('reminder', 'Check-in reminder'), ('digest', 'Weekly digest'), ('escalation', 'Escalation'), ('review', 'Review'), ('alignment', 'Alignment proposal'), ('mention', 'Mention'), ('reply', 'Reply'), ('parent', 'Parent objective changed'), ('daily', 'Daily summary'), ('blocker', 'Blocker escalation')], max_length=12),
        ),
    ]
