import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_case_file"),
        ("inspections", "0005_regional_legal_references"),
    ]

    operations = [
        migrations.AddField(
            model_name="actionday",
            name="case",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="action_days",
                to="cases.case",
                verbose_name="case",
            ),
        ),
    ]
