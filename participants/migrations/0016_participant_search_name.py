"""The participant's search key in Latin letters, filled for the people already registered.

The key is derived as Participant.save() derives it (participants.transliteration), in batches
of BATCH rows by primary key; a later change of the spelling rules refills it the same way.
"""

from django.db import migrations, models

from participants.transliteration import search_key

BATCH = 2_000


def fill(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    rows = Participant.objects.using(schema_editor.connection.alias).order_by("pk")
    last = 0
    while batch := list(
        rows.filter(pk__gt=last).only("given_names", "family_name", "name_cyrillic")[:BATCH]
    ):
        for person in batch:
            person.search_name = search_key(
                person.given_names, person.family_name, person.name_cyrillic
            )
        Participant.objects.using(schema_editor.connection.alias).bulk_update(
            batch, ["search_name"]
        )
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("participants", "0015_identity_badge_photo")]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="search_name",
            field=models.TextField(blank=True, editable=False, verbose_name="search name"),
        ),
        # Backwards the column goes, and the key with it.
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
