"""A trigram index for the desk's search of the Latin search key, on PostgreSQL only.

The same kind as 0008's: ``icontains`` runs as ``UPPER(search_name) LIKE UPPER('%word%')``,
which a GIN index of ``upper(search_name)`` with ``gin_trgm_ops`` serves.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS participant_search_name_trgm "
            "ON participants_participant USING gin (upper(search_name) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS participant_search_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("participants", "0016_participant_search_name")]

    operations = [migrations.RunPython(create, drop)]
