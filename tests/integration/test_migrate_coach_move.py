"""Upgrading past the move of the acknowledged findings from the insights app to the coach
app: a database made before the move keeps every row, its table, its constraint, and the
content type (so permissions and admin history) of the model, both ways."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from lineofsight.coach.models import FindingAcknowledgement
from lineofsight.people.models import Person

TABLE = "insights_findingacknowledgement"
INSIGHTS_BEFORE = ("insights", "0002_finding_acknowledgements")
MOVE = [("coach", "0001_initial"), ("insights", "0003_finding_acknowledgements_to_coach")]
# Back to before the move: insights without its 0003, and no coach migration at all.
BACK = [INSIGHTS_BEFORE, ("coach", None)]
CODE = "focus.person_objectives"
PERM = "acknowledge_findingacknowledgement"


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # reads the applied migrations again
    return executor


def _before_the_move(executor: MigrationExecutor) -> list[tuple[str, str]]:
    """Every app at its latest migration but insights (at 0002) and coach (none)."""
    leaves = executor.loader.graph.leaf_nodes()
    return [n for n in leaves if n[0] not in ("insights", "coach")] + [INSIGHTS_BEFORE]


def _assert_before_the_move(executor: MigrationExecutor) -> None:
    applied = executor.loader.applied_migrations
    assert INSIGHTS_BEFORE in applied
    assert not any(m in applied for m in MOVE)
    assert not any(app == "coach" for app, _ in applied)


def _assert_all_applied(executor: MigrationExecutor) -> None:
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert all(m in executor.loader.applied_migrations for m in MOVE)


def _rows(model) -> list[dict]:  # type: ignore[no-untyped-def]
    return list(model.objects.order_by("pk").values())


def _tables() -> set[str]:
    with connection.cursor():
        return set(connection.introspection.table_names())


@pytest.mark.django_db(transaction=True)
def test_acknowledged_findings_survive_the_move_to_the_coach_app():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        _upgrade_and_downgrade(executor, leaves)
    finally:
        # Leave the database as every other test expects it, whatever happened above.
        _migrate(leaves)
        ContentType.objects.clear_cache()


def _upgrade_and_downgrade(executor: MigrationExecutor, leaves: list[tuple[str, str]]) -> None:
    # 1. A database from before the move.
    executor = _migrate(BACK)
    _assert_before_the_move(executor)
    before = _before_the_move(executor)
    assert executor.migration_plan(before) == []
    state = executor.loader.project_state(before)
    assert ("insights", "findingacknowledgement") in state.models
    assert not any(app == "coach" for app, _ in state.models)
    old = state.apps

    # 2. Its data, made with the models of the time.
    old_person = old.get_model("people", "Person")
    old_cycle = old.get_model("goals", "Cycle")
    old_ack = old.get_model("insights", "FindingAcknowledgement")
    old_ct = old.get_model("contenttypes", "ContentType")
    old_perm = old.get_model("auth", "Permission")
    old_log = old.get_model("admin", "LogEntry")

    eli = old_person.objects.create(username="eli")
    hana = old_person.objects.create(username="hana")
    dev = old_person.objects.create(username="dev")
    q4 = old_cycle.objects.create(
        name="Q4 2026",
        kind="quarter",
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 12, 31),
    )
    acknowledged = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
    reopened = old_ack.objects.create(
        cycle=q4,
        code=CODE,
        subject_kind="person",
        subject_id=dev.pk,
        reason="Dev is on leave for the quarter.",
        acknowledged_by=eli,
        acknowledged_at=acknowledged,
        reopened_at=acknowledged + dt.timedelta(days=7, hours=2),
        reopened_by=hana,
        reopen_reason="Dev came back early.",
    )
    # The same finding, acknowledged again after it was reopened: history is kept.
    live = old_ack.objects.create(
        cycle=q4,
        code=CODE,
        subject_kind="person",
        subject_id=dev.pk,
        reason="Dev is seconded to Sales until January.",
        acknowledged_by=eli,
        acknowledged_at=acknowledged + dt.timedelta(days=10),
    )
    rows = _rows(old_ack)
    assert [r["id"] for r in rows] == [reopened.pk, live.pk]

    # Before the move no coach content type could exist. (Going down should already have
    # moved today's back to insights: step 5 checks that; here the old database is made.)
    old_ct.objects.filter(app_label="coach", model="findingacknowledgement").delete()
    ct, _ = old_ct.objects.get_or_create(app_label="insights", model="findingacknowledgement")
    perm = old_perm.objects.create(content_type=ct, codename=PERM, name="Can acknowledge a finding")
    eli.user_permissions.add(perm)
    perms = set(old_perm.objects.filter(content_type=ct).values_list("pk", "codename"))
    log = old_log.objects.create(
        action_time=acknowledged,
        user=eli,
        content_type=ct,
        object_id=str(live.pk),
        object_repr="acknowledged finding",
        action_flag=1,
    )
    assert TABLE in _tables()

    # 3. The upgrade.
    executor = _migrate(leaves)
    _assert_all_applied(executor)
    ContentType.objects.clear_cache()

    # 4. Everything is where it was, seen through today's model.
    _assert_after_the_move(rows, ct.pk, perms, log.pk, eli.pk, live.pk, q4.pk, dev.pk)

    # 5. Down again, then up again: nothing is lost either way.
    executor = _migrate(BACK)
    _assert_before_the_move(executor)
    again = executor.loader.project_state(_before_the_move(executor)).apps
    assert _rows(again.get_model("insights", "FindingAcknowledgement")) == rows
    back_ct = again.get_model("contenttypes", "ContentType").objects.get(pk=ct.pk)
    assert (back_ct.app_label, back_ct.model) == ("insights", "findingacknowledgement")
    assert not (
        again.get_model("contenttypes", "ContentType")
        .objects.filter(app_label="coach", model="findingacknowledgement")
        .exists()
    )
    assert perms == set(
        again.get_model("auth", "Permission")
        .objects.filter(content_type_id=ct.pk)
        .values_list("pk", "codename")
    )
    assert TABLE in _tables()

    executor = _migrate(leaves)
    _assert_all_applied(executor)
    ContentType.objects.clear_cache()
    _assert_after_the_move(rows, ct.pk, perms, log.pk, eli.pk, live.pk, q4.pk, dev.pk)


def _assert_after_the_move(  # noqa: PLR0913
    rows: list[dict],
    ct_id: int,
    perms: set[tuple[int, str]],
    log_id: int,
    eli_id: int,
    live_id: int,
    cycle_id: int,
    dev_id: int,
) -> None:
    # The rows, every field as it was.
    assert _rows(FindingAcknowledgement) == rows
    reopened_row, live_row = rows
    assert reopened_row["reopened_at"] is not None
    assert reopened_row["reopened_by_id"] is not None
    assert reopened_row["reopen_reason"] == "Dev came back early."
    assert live_row["reopened_at"] is None
    assert live_row["acknowledged_by_id"] == eli_id
    assert [a.pk for a in FindingAcknowledgement.objects.live()] == [live_id]
    assert FindingAcknowledgement.objects.get(pk=live_id).key == (CODE, "person", dev_id)

    # Still one live acknowledgement per finding.
    with pytest.raises(IntegrityError), transaction.atomic():
        FindingAcknowledgement.objects.create(
            cycle_id=cycle_id,
            code=CODE,
            subject_kind="person",
            subject_id=dev_id,
            reason="A second live one.",
            acknowledged_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
        )
    assert _rows(FindingAcknowledgement) == rows

    # The same table, with its constraint and index; no table of the coach's own.
    tables = _tables()
    assert TABLE in tables
    assert not any("findingacknowledgement" in t for t in tables - {TABLE})
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    assert constraints["finding_acknowledgement_one_live"]["unique"]
    assert "insights_fi_cycle_i_50eb05_idx" in constraints

    # The content type moved app, keeping its id: permissions and admin history follow.
    ct = ContentType.objects.get(pk=ct_id)
    assert (ct.app_label, ct.model) == ("coach", "findingacknowledgement")
    assert not ContentType.objects.filter(model="findingacknowledgement").exclude(pk=ct_id)
    assert ContentType.objects.get_for_model(FindingAcknowledgement).pk == ct_id
    assert perms == set(
        Permission.objects.filter(content_type_id=ct_id).values_list("pk", "codename")
    )
    assert Person.objects.get(pk=eli_id).has_perm(f"coach.{PERM}")
    entry = LogEntry.objects.get(pk=log_id)
    assert entry.content_type_id == ct_id
    assert entry.get_edited_object() == FindingAcknowledgement.objects.get(pk=live_id)
