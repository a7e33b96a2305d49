"""PostgreSQL indexes for the admin's prefix search (``istartswith``).

Django compares UPPER(column::text) LIKE 'WORD%'; only an expression index with the
pattern operator class serves that. SQLite scans its small embedded databases instead,
so there the migration does nothing.
"""

from django.db import migrations

COLUMNS = ("family_name", "given_names", "email", "passport_name")


def _index(column: str) -> str:
    return f"participant_{column}_prefix"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_index(column)} ON participants_participant "
            f"(UPPER({column}::text) text_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_index(column)}")


class Migration(migrations.Migration):
    dependencies = [("participants", "0002_participant_admin_indexes")]

    operations = [migrations.RunPython(create, drop)]
