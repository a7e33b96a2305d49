"""PostgreSQL indexes for the admin's prefix search (``istartswith``).

Django compares UPPER(column::text) LIKE 'WORD%'; only an expression index with the
pattern operator class serves that. SQLite scans its small embedded databases instead,
so there the migration does nothing.
"""

from django.db import migrations

COLUMNS = (
    ("participants_participant", "family_name"),
    ("participants_participant", "given_names"),
    ("participants_participant", "email"),
    ("participants_participant", "passport_name"),
    ("participants_identitydocument", "passport_number"),
)


def _index(column: str) -> str:
    return f"participant_{column}_prefix"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_index(column)} ON {table} "
            f"(UPPER({column}::text) text_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_index(column)}")


class Migration(migrations.Migration):
    dependencies = [("participants", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
