"""The recurring jobs' slots (core.schedule): a run per whole interval since the epoch."""

from __future__ import annotations

import datetime as dt

import pytest

from lineofsight.core.schedule import Job, jobs

UTC = dt.UTC


def job(every: int) -> Job:
    return Job(name="snapshot", task_path="lineofsight.insights.tasks.refresh_figures", every=every)


def test_a_slot_is_a_whole_interval_since_the_epoch():
    every_15 = job(900)
    at = dt.datetime(2026, 11, 23, 9, 7, 30, tzinfo=UTC)
    slot = every_15.slot(at)
    assert every_15.slot_start(slot) == dt.datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert every_15.next_due(at) == dt.datetime(2026, 11, 23, 9, 15, tzinfo=UTC)
    # The whole slot maps to one number; its first second starts the next one.
    assert every_15.slot(dt.datetime(2026, 11, 23, 9, 14, 59, tzinfo=UTC)) == slot
    assert every_15.slot(dt.datetime(2026, 11, 23, 9, 15, tzinfo=UTC)) == slot + 1


def test_slots_do_not_depend_on_the_time_zone_of_the_clock():
    every_5 = job(300)
    utc = dt.datetime(2026, 3, 29, 0, 58, tzinfo=UTC)
    paris = utc.astimezone(dt.timezone(dt.timedelta(hours=2)))
    assert every_5.slot(utc) == every_5.slot(paris)


def test_the_jobs_and_their_intervals_come_from_the_settings(settings):
    settings.SCHEDULE = {
        "snapshot": {"task": "lineofsight.insights.tasks.refresh_figures", "every": 600},
        "deliver": {"task": "lineofsight.integrations.tasks.deliver_outbox", "every": 45},
    }
    assert [(j.name, j.every) for j in jobs()] == [("snapshot", 600), ("deliver", 45)]
    assert jobs()[1].task.name == "deliver_outbox"


def test_a_job_must_name_a_task():
    wrong = Job(name="x", task_path="lineofsight.core.schedule.jobs", every=60)
    with pytest.raises(TypeError, match="is not a task"):
        _ = wrong.task


def test_the_default_intervals_are_the_documented_ones():
    from django.conf import settings

    every = {name: spec["every"] for name, spec in settings.SCHEDULE.items()}
    assert every == {
        "snapshot": 900,
        "figures-after-check-ins": 30,
        "remind": 300,
        "deliver": 60,
        "end-of-cycle-figures": 3600,
        "data-sources": 300,
        "prune-task-results": 3600,
    }
