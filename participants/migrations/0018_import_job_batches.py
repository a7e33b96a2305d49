import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0017_search_name_trigram"),
    ]

    operations = [
        migrations.RemoveField(model_name="importjob", name="rows_csv"),
        migrations.AddField(
            model_name="importjob",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.CreateModel(
            name="ImportJobBatch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField(verbose_name="number")),
                ("rows_csv", models.TextField(verbose_name="parsed rows")),
                (
                    "job",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="batches",
                        to="participants.importjob",
                        verbose_name="import",
                    ),
                ),
            ],
            options={
                "verbose_name": "batch of an import",
                "verbose_name_plural": "batches of an import",
                "constraints": [
                    models.UniqueConstraint(fields=("job", "number"), name="import_job_batch_once")
                ],
            },
        ),
    ]
