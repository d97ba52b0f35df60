# The uploaded layer's name (relative to the uploads storage) was a plain text column;
# it becomes a FileField on the same column, so existing runs keep their names.

import config.storage
import gis.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("gis", "0010_signal_checklist_question"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importrun",
            name="stored_file",
            field=models.FileField(
                blank=True,
                max_length=500,
                storage=config.storage.uploads_storage,
                upload_to=gis.models.upload_name,
            ),
        ),
    ]
