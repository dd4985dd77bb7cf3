"""Statements built once (``core.rows``) read and write what the ORM reads and writes, and the
check-in they serve writes its parts together: in one statement on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lineofsight.core import audit, rows
from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions, rollup
from lineofsight.goals.models import CheckIn, KeyResult, Objective

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db

POSTGRES = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's pipeline and row locks"
)


def _values(instance):
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_a_row_read_here_equals_the_orm_s_with_its_related_rows(cast) -> None:
    c = build_cascade(cast)
    kr = KeyResult.objects.filter(objective=c.ava_obj).first()
    actions.record_check_in(acting_user=cast.ava, key_result=kr, value=7, confidence="at_risk")
    expected = KeyResult.objects.select_related("objective", "cycle").get(pk=kr.pk)
    got = rows.get(KeyResult, kr.pk, related=("objective", "cycle"))
    assert got is not None and type(got) is KeyResult
    assert _values(got) == _values(expected)
    assert isinstance(got.last_check_in_at, dt.datetime) and timezone.is_aware(got.last_check_in_at)
    with CaptureQueriesContext(connection) as captured:
        assert _values(got.objective) == _values(expected.objective)
        assert _values(got.cycle) == _values(expected.cycle)
    assert not captured.captured_queries  # attached, as select_related attaches them
    assert not got._state.adding and got._state.db == "default"
    assert rows.get(KeyResult, 10**9, related=("objective",)) is None


def test_a_locked_read_asks_for_the_row_lock_where_the_database_has_one(cast) -> None:
    c = build_cascade(cast)
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        rows.get(KeyResult, c.ava_opps.pk, related=("objective",), lock=True)
    sql = [q["sql"] for q in captured.captured_queries if "goals_keyresult" in q["sql"]][0]
    assert sql.endswith("FOR UPDATE OF t0") == connection.features.has_select_for_update


def test_a_row_written_here_reads_back_as_the_orm_writes_it(cast) -> None:
    c = build_cascade(cast)
    now = timezone.now()
    fields = {
        "key_result_id": c.ava_opps.pk,
        "value": 12.5,
        "done": None,
        "confidence": "on_track",
        "note": "Pipeline review — two deals slipped",
        "author_id": cast.ava.pk,
        "recorded_at": now,
        "progress": 0.25,
        "amendment_reason": "",
        "updated_at": now,
    }
    with connection.cursor() as cursor:
        cursor.execute(*rows.insert(CheckIn, fields))
        pk = cursor.fetchone()[0]
        cursor.execute(*rows.update(KeyResult, c.ava_opps.pk, {"confidence": "off_track"}))
    stored = CheckIn.objects.get(pk=pk)
    assert {name: getattr(stored, name) for name in fields} == fields
    assert KeyResult.objects.get(pk=c.ava_opps.pk).confidence == "off_track"
    loaded = rows.loaded(CheckIn, pk, **fields)
    assert _values(loaded) == _values(stored) and not loaded._state.adding


def test_statements_sent_together_are_answered_in_order(cast) -> None:
    c = build_cascade(cast)
    with transaction.atomic(), rows.pipeline():
        first = rows.read(KeyResult, c.ava_opps.pk, lock=True)
        climb = rollup.climb_from([("objective", c.ava_opps.objective_id)])
        second = rows.read(Objective, c.company.pk)
        assert first().pk == c.ava_opps.pk
        assert second().title == c.company.title
    figures = rollup.plan([("objective", c.ava_opps.objective_id)], climb=climb)
    assert len(figures) == 0  # nothing changed: nothing to write


def test_a_plan_scores_a_changed_key_result_without_writing_anything(cast) -> None:
    c = build_cascade(cast)
    before = dict(Objective.objects.values_list("pk", "progress"))
    with transaction.atomic():
        figures = rollup.plan(
            [("objective", c.ava_opps.objective_id)],
            changed={("key_result", c.ava_opps.pk): 1.0},
        )
    assert figures.objectives[c.ava_opps.objective_id] > before[c.ava_opps.objective_id]
    assert dict(Objective.objects.values_list("pk", "progress")) == before
    figures.write()
    after = dict(Objective.objects.values_list("pk", "progress"))
    assert {pk for pk in after if after[pk] != before[pk]} == set(figures.objectives)


def test_a_check_in_writes_its_reading_key_result_audit_row_and_figures(cast) -> None:
    c = build_cascade(cast)
    kr = c.ava_opps
    with audit.channel(via="chat"), CaptureQueriesContext(connection) as captured:
        check_in = actions.record_check_in(
            acting_user=cast.ava, key_result=kr, value=20, confidence="at_risk", note="Two won"
        )
    stored = CheckIn.objects.get(pk=check_in.pk)
    assert _values(check_in) == _values(stored)
    assert (stored.value, stored.confidence, stored.note) == (20, "at_risk", "Two won")
    fresh = KeyResult.objects.get(pk=kr.pk)
    assert (fresh.current_value, fresh.confidence) == (20, "at_risk")
    assert fresh.progress == stored.progress and fresh.last_check_in_at == stored.recorded_at
    event = AuditEvent.objects.get(action="check_in.record", subject_id=check_in.pk)
    assert event.subject_type == "goals.checkin" and event.actor_id == cast.ava.pk
    assert event.data == {"key_result": kr.pk, "value": 20, "done": None, "via": "chat"}
    assert rollup.verify()[0] == []
    writes = [q["sql"] for q in captured.captured_queries if 'INTO "goals_checkin"' in q["sql"]]
    if connection.vendor == "postgresql":
        # The reading, the key result, the audit row and the figures above: one statement.
        assert len(writes) == 1
        assert 'INTO "core_auditevent"' in writes[0] and "UPDATE goals_objective" in writes[0]
    else:
        assert len(writes) == 1 and 'INTO "core_auditevent"' not in writes[0]


def test_a_check_in_refused_writes_nothing(cast) -> None:
    c = build_cascade(cast)
    counts = (CheckIn.objects.count(), AuditEvent.objects.count())
    progress = dict(Objective.objects.values_list("pk", "progress"))
    with pytest.raises(Exception, match="confidence"):
        actions.record_check_in(
            acting_user=cast.ava, key_result=c.ava_opps, value=20, confidence="sure"
        )
    assert (CheckIn.objects.count(), AuditEvent.objects.count()) == counts
    assert dict(Objective.objects.values_list("pk", "progress")) == progress
    with pytest.raises(KeyResult.DoesNotExist):
        actions.record_check_in(
            acting_user=cast.ava,
            key_result=KeyResult(pk=10**9, objective_id=c.ava_obj.pk),
            value=1,
            confidence="on_track",
        )


@POSTGRES
@pytest.mark.django_db(transaction=True)
def test_check_ins_on_sibling_key_results_at_once_leave_their_objective_right(cast) -> None:
    """Two check-ins under the same objectives, the second sent while the first holds the
    locks: the second reads its inputs once it has them, so neither figure is lost."""
    c = build_cascade(cast)
    mine = c.ava_opps
    sibling = actions.create_key_result(
        acting_user=cast.hana,
        objective=c.ava_obj,
        title="Sibling",
        kind="increase",
        start_value=0,
        target_value=10,
        owner=cast.ava,
    )
    first_locked, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def second() -> None:
        try:
            first_locked.wait(10)
            actions.record_check_in(
                acting_user=cast.ava, key_result=sibling, value=10, confidence="on_track"
            )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    worker = threading.Thread(target=second)
    worker.start()
    with transaction.atomic():
        actions.record_check_in(
            acting_user=cast.ava, key_result=mine, value=40, confidence="on_track"
        )
        first_locked.set()
        release.wait(0.5)  # the second waits on the locks meanwhile
    worker.join(20)
    assert not worker.is_alive() and not errors
    assert rollup.verify()[0] == []
    assert CheckIn.objects.filter(key_result__in=[mine, sibling]).count() == 2
