"""Moving the test database along the migration graph, for the data-migration tests."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(targets):
    """Migrate to ``targets`` ((app, name) pairs) and return the historical models there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_newest():
    """Back at the newest migration of every app, as the other tests expect the schema."""
    return migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())
