from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("gis", "0009_reference_layers")]

    operations = [
        migrations.AddField(
            model_name="signal",
            name="checklist",
            field=models.SlugField(blank=True, max_length=60, verbose_name="checklist"),
        ),
        migrations.AddField(
            model_name="signal",
            name="question",
            field=models.CharField(blank=True, max_length=80, verbose_name="checklist question"),
        ),
    ]
