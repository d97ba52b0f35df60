from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_seed_competencies")]

    operations = [
        # The text written so far is Dutch: it stays, as the Dutch legal basis.
        migrations.RenameField("competency", "legal_basis", "legal_basis_nl"),
        migrations.AlterField(
            model_name="competency",
            name="legal_basis_nl",
            field=models.TextField(blank=True, verbose_name="legal basis (Dutch)"),
        ),
        migrations.AddField(
            model_name="competency",
            name="legal_basis_fr",
            field=models.TextField(blank=True, verbose_name="legal basis (French)"),
        ),
    ]
