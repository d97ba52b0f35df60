# The document's file name (relative to the "documents" storage) was a plain text column;
# it becomes a FileField on the same column, so the names stay as they are.

import config.storage
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0007_seed_regional_decision_types"),
    ]

    operations = [
        migrations.RenameField(model_name="document", old_name="path", new_name="file"),
        migrations.AlterField(
            model_name="document",
            name="file",
            field=models.FileField(
                blank=True,
                max_length=300,
                storage=config.storage.documents_storage,
                upload_to="",
            ),
        ),
    ]
