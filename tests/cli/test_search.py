"""``lineofsight search --verify`` and ``--rebuild``."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError
from django.db import connection

from lineofsight.goals.models import Objective
from lineofsight.search import index
from lineofsight.search.selectors import search
from tests.search_world import build


@pytest.fixture
def world(cast):
    return build(cast)


def test_verify_is_clean_after_the_actions(world, run):
    out = run("search", "--verify")
    assert "The search index matches the data." in out
    assert "0 missing, 0 out of date, 0 left over" in out


def test_rebuild_after_a_bulk_load(cast, world, run):
    # A bulk write passes the actions by: the index does not know it until rebuilt.
    Objective.objects.filter(pk=world.public.pk).update(title="Kestrel bulk rename")
    with pytest.raises(CommandError, match="1 out of date") as refused:
        run("search", "--verify")
    assert "lineofsight search --rebuild" in str(refused.value)
    assert search(cast.pia, "kestrel").groups == []
    out = run("search", "--rebuild")
    assert "Search index rebuilt:" in out and "documents" in out
    assert search(cast.pia, "kestrel").groups[0].results[0].id == world.public.pk
    assert "matches the data" in run("search", "--verify")


def test_rebuild_empties_what_is_gone(cast, world, run):
    index.write([index.Document("objective", 987_654, "Left over", "")])
    with pytest.raises(CommandError, match="1 left over"):
        run("search", "--verify")
    run("search", "--rebuild")
    assert (("objective", 987_654)) not in index.contents()


def test_one_mode_is_required(run):
    with pytest.raises(CommandError):
        run("search")


def test_the_migration_made_the_table(db):
    tables = connection.introspection.table_names(include_views=True)
    assert ("search_document" if connection.vendor == "postgresql" else "search_fts") in tables
