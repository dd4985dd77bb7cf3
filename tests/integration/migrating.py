"""Moving the test database between migrations, with the models as the database stands.

Migrating back to one app's earlier migration leaves every other app where it was, so the
historical models must come from every applied migration, not from the target's ancestors
alone (those would miss columns other apps' later migrations added, such as a NOT NULL flag).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(targets: list[tuple[str, str | None]]) -> Apps:
    """Migrate to ``targets`` and return the models of every migration now applied."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # reads the applied migrations again
    loader = executor.loader
    applied = [key for key in loader.applied_migrations if key in loader.graph.nodes]
    return loader.project_state(applied, at_end=True).apps


@contextmanager
def back_to_the_latest() -> Iterator[None]:
    """Whatever happens inside, leave the database fully migrated for the tests after."""
    try:
        yield
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
