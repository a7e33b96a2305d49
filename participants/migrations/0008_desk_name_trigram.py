"""Trigram indexes for the desk's name search, on PostgreSQL only.

The desk matches a word anywhere in the family name, given names or Cyrillic name, case
aside: Django's ``icontains``, which PostgreSQL runs as ``UPPER(column) LIKE UPPER('%word%')``.
A GIN index of ``upper(column)`` with ``gin_trgm_ops`` serves exactly that expression, Latin
and Cyrillic alike. The indexes are not in the models' Meta: SQLite has no such index and
keeps the plain search, and a table SQLite rebuilds must not try to recreate them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

COLUMNS = ("family_name", "given_names", "name_cyrillic")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS participant_{column}_trgm "
            f"ON participants_participant USING gin (upper({column}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS participant_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("participants", "0007_door_rules_and_scanners")]

    operations = [TrigramExtension(), migrations.RunPython(create, drop)]
