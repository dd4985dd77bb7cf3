from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("goals", "0007_blockers_from_check_ins")]

    operations = [
        migrations.AlterField(
            model_name="checkin", name="blockers", field=models.TextField(blank=True, default="")
        ),
        migrations.RemoveField(model_name="checkin", name="blockers"),
    ]
