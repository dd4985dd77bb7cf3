"""The check-in screen (/check-in/) through Django's test client: rows, one-row saves with
htmx, "Save all" (all or nothing), errors per row, the due counts, bounded queries."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.utils import timezone

from lineofsight.goals import actions
from lineofsight.goals.models import CheckIn, Cycle, KeyResult, Objective
from lineofsight.goals.tracking.check_ins_due import organisation_today
from lineofsight.people.selectors import forget_organisation_cache

pytestmark = pytest.mark.django_db


@dataclass
class Now:
    cycle: Cycle
    objective: Objective
    calls: KeyResult  # increase 0 -> 20, overdue (checked in three weeks ago)
    demo: KeyResult  # milestone, never checked in (overdue)
    fresh: KeyResult  # increase 0 -> 10, checked in yesterday (not due)


def build_now(cast) -> Now:
    """A cycle around today with three key results of Ava's in different states."""
    today = organisation_today()
    cycle = actions.create_cycle(
        acting_user=None,
        name="Current period",
        kind="annual",
        start_date=today - dt.timedelta(days=40),
        end_date=today + dt.timedelta(days=50),
        state="active",
    )
    set_up = timezone.now() - dt.timedelta(days=40)  # set up when the cycle began
    objective = actions.create_objective(
        acting_user=cast.ava,
        title="Open the healthcare territory",
        level="individual",
        cycle=cycle,
        owner_person=cast.ava,
        at=set_up,
    )

    def kr(title: str, **kw: object) -> KeyResult:
        return actions.create_key_result(
            acting_user=cast.ava, objective=objective, title=title, owner=cast.ava, at=set_up, **kw
        )

    calls = kr("20 discovery calls", kind="increase", start_value=0, target_value=20, unit="calls")
    demo = kr("Demo environment ready", kind="milestone")
    fresh = kr("10 references", kind="increase", start_value=0, target_value=10)
    now = timezone.now()
    actions.record_check_in(
        acting_user=cast.ava,
        key_result=calls,
        value=4,
        confidence="at_risk",
        at=now - dt.timedelta(days=21),
    )
    actions.record_check_in(
        acting_user=cast.ava,
        key_result=fresh,
        value=3,
        confidence="on_track",
        at=now - dt.timedelta(days=1),
    )
    return Now(cycle, objective, calls, demo, fresh)


@pytest.fixture
def now(cast) -> Now:
    return build_now(cast)


def row_data(kr: KeyResult, **fields: str) -> dict[str, str]:
    """What the browser posts for one row, as the screen drew it, with ``fields`` typed in."""
    kr = KeyResult.objects.get(pk=kr.pk)
    shown_value = "" if kr.current_value is None else f"{kr.current_value:g}"
    data = {
        f"kr-{kr.pk}-shown_value": shown_value,
        f"kr-{kr.pk}-shown_done": "done" if kr.done else "not_done",
        f"kr-{kr.pk}-shown_confidence": kr.confidence or "on_track",
        f"kr-{kr.pk}-value": shown_value,
        f"kr-{kr.pk}-done": "done" if kr.done else "not_done",
        f"kr-{kr.pk}-confidence": kr.confidence or "on_track",
        f"kr-{kr.pk}-blockers": "",
        f"kr-{kr.pk}-note": "",
    }
    data.update({f"kr-{kr.pk}-{name}": value for name, value in fields.items()})
    return data


def screen(*rows: dict[str, str], save: str = "all", krs: list[KeyResult]) -> dict:
    data: dict = {"save": save, "rows": [str(kr.pk) for kr in krs]}
    for row in rows:
        data.update(row)
    return data


def fresh(kr: KeyResult) -> KeyResult:
    return KeyResult.objects.get(pk=kr.pk)


def test_the_screen_lists_my_key_results_most_urgent_first(cast, now, as_user):
    response = as_user(cast.ava).get("/check-in/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Check in on all my key results</h1>" in html
    order = [int(pk) for pk in re.findall(r'id="checkin-row-(\d+)"', html)]
    assert order.index(now.calls.pk) < order.index(now.fresh.pk)
    assert order.index(now.demo.pk) < order.index(now.fresh.pk)
    start = html.index(f'id="checkin-row-{now.calls.pk}"')
    calls = html[start : html.index("checkin-save", start)]  # that row only
    assert 'data-due-state="overdue"' in calls
    assert "Overdue since" in calls
    assert 'data-pace="stale"' in calls  # never green when a check-in is overdue
    assert calls.count('class="pace ') == 1  # one status: the pace, stale winning
    head = html[: html.index('id="checkin-row-')]
    assert "data-risk-worst=" in head and "data-status=" not in head  # objectives: pace too
    assert '<option value="at_risk" selected>' in calls  # the owner's confidence, to change
    assert f'<label for="id_kr-{now.calls.pk}-value">Current value (calls)</label>' in calls
    assert f'<label for="id_kr-{now.demo.pk}-done">Milestone</label>' in html
    assert f'name="kr-{now.calls.pk}-value" value="4"' in html
    # The due count in the navigation and on My OKRs.
    assert 'data-due-count="2"' in html
    assert 'data-due-count="2"' in as_user(cast.ava).get("/").content.decode()


def test_a_key_result_added_today_is_due_in_a_week_and_its_objective_is_not_neglected(
    cast, as_user, htmx
):
    """Q4 began on 1 October; on 23 November Ava sets up an objective with a key result. Its
    first check-in is due a week later: not "Overdue since 7 Oct: 7 check-ins missed", not in
    the due count, and the coach does not call the objective "not updated"."""
    objective = actions.create_objective(
        acting_user=cast.ava,
        title="Open the healthcare territory",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
    )
    kr = actions.create_key_result(
        acting_user=cast.ava,
        objective=objective,
        title="20 discovery calls",
        kind="increase",
        start_value=0,
        target_value=20,
        owner=cast.ava,
    )
    client = as_user(cast.ava)
    html = client.get("/check-in/").content.decode()
    start = html.index(f'id="checkin-row-{kr.pk}"')
    row = html[start : html.index("checkin-save", start)]
    assert 'data-due-state="upcoming"' in row
    assert "Due Sun 29 Nov (in 6 days)" in row
    assert "Overdue" not in row and 'data-pace="stale"' not in row
    assert "data-due-count" not in html  # nothing due: no count in the navigation
    coach = client.get(f"/coach/objectives/{objective.pk}/", **htmx).content.decode()
    assert "has had a check-in yet" not in coach
    assert "has had no check-in since" not in coach


def test_a_row_saves_with_htmx_and_moves_the_objective(cast, now, as_user, htmx):
    client = as_user(cast.ava)
    data = screen(
        row_data(now.calls, value="10", note="Two more booked"),
        save=str(now.calls.pk),
        krs=[now.calls, now.demo, now.fresh],
    )
    response = client.post("/check-in/", data, **htmx)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith(f'<div class="checkin-row" id="checkin-row-{now.calls.pk}"')
    assert 'data-saved="true"' in html and 'class="row-status" role="status">' in html
    assert 'data-due-state="upcoming"' in html
    # Out of band: the objective's figures, the screen's summary and the navigation's count.
    objective_pct = (10 / 20 + 0 + 0.3) / 3
    assert f'id="objective-summary-{now.objective.pk}" hx-swap-oob="true"' in html
    assert f'data-percent="{round(objective_pct * 100)}"' in html
    assert 'id="checkin-summary" hx-swap-oob="true"' in html
    assert (
        'id="nav-due-count" class="nav-count" hx-swap-oob="true"' in html
        and 'data-due-count="1"' in html
    )
    reading = CheckIn.objects.get(key_result=now.calls, note="Two more booked")
    assert (reading.value, reading.author, reading.confidence) == (10, cast.ava, "at_risk")
    assert fresh(now.calls).progress == pytest.approx(0.5)


def test_a_bad_row_shows_its_error_and_saves_nothing(cast, now, as_user, htmx):
    client = as_user(cast.ava)
    before = CheckIn.objects.count()
    response = client.post(
        "/check-in/",
        screen(row_data(now.calls, value="lots"), save=str(now.calls.pk), krs=[now.calls]),
        **htmx,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.startswith(
        f'<div class="checkin-row is-due has-errors" id="checkin-row-{now.calls.pk}"'
    )
    assert f'id="id_kr-{now.calls.pk}-value_error" role="alert"><li>Enter a number.' in html
    assert 'value="lots"' in html  # what was typed stays
    # An error from the action itself, on its field: a milestone needs done or not done.
    response = client.post(
        "/check-in/",
        screen(row_data(now.calls, value=""), save=str(now.calls.pk), krs=[now.calls]),
        **htmx,
    )
    assert response.status_code == 422
    assert f'id="id_kr-{now.calls.pk}-value_error"' in response.content.decode()
    assert CheckIn.objects.count() == before


def test_save_all_records_every_filled_row_in_one_go(cast, now, as_user, htmx):
    client = as_user(cast.ava)
    data = screen(
        row_data(now.calls, value="8"),
        row_data(now.demo, done="done", confidence="on_track"),
        row_data(now.fresh),  # untouched: not saved
        krs=[now.calls, now.demo, now.fresh],
    )
    response = client.post("/check-in/", data, **htmx)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div id="checkin-rows"')
    assert "Saved 2 check-ins." in html
    assert html.count('data-saved="true"') == 2
    assert fresh(now.calls).current_value == 8
    assert fresh(now.demo).done is True
    assert CheckIn.objects.filter(key_result=now.fresh).count() == 1  # only yesterday's
    assert 'data-due-count="0"' not in html  # nothing due: no count shown
    assert 'id="nav-due-count" class="nav-count" hx-swap-oob="true"' in html


def test_save_all_is_all_or_nothing_and_marks_each_bad_row(cast, now, as_user, htmx):
    client = as_user(cast.ava)
    before = CheckIn.objects.count()
    data = screen(
        row_data(now.calls, value="9", note="Good row"),
        row_data(now.demo, done="", note="Bad row: neither done nor not done"),
        row_data(now.fresh, value="-"),
        krs=[now.calls, now.demo, now.fresh],
    )
    response = client.post("/check-in/", data, **htmx)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was saved: 2 rows need a correction" in html
    assert html.count(' has-errors" id="checkin-row-') == 2
    assert f'id="id_kr-{now.demo.pk}-done_error"' in html
    assert f'id="id_kr-{now.fresh.pk}-value_error"' in html
    assert 'value="Good row"' in html  # the good row keeps what was typed
    assert CheckIn.objects.count() == before
    assert fresh(now.calls).current_value == 4


def test_an_action_error_in_save_all_rolls_back_the_rows_already_recorded(cast, now, as_user, htmx):
    client = as_user(cast.ava)
    before = CheckIn.objects.count()
    # The first row is recorded first; the second has a note but no value, which the named
    # action refuses ("Enter the current value."): the first row's check-in is undone too.
    data = screen(
        row_data(now.calls, value="9"),
        row_data(now.fresh, value="", note="Waiting on legal"),
        krs=[now.calls, now.fresh],
    )
    response = client.post("/check-in/", data, **htmx)
    assert response.status_code == 422
    html = response.content.decode()
    assert (
        f'id="id_kr-{now.fresh.pk}-value_error" role="alert"><li>Enter the current value.' in html
    )
    assert CheckIn.objects.count() == before
    assert fresh(now.calls).current_value == 4
    assert fresh(now.objective.key_results.first()).progress == pytest.approx(0.2)


def test_a_key_result_that_left_the_screen_cannot_be_saved_from_it(cast, now, as_user, htmx):
    client = as_user(cast.ava)
    before = CheckIn.objects.count()
    actions.update_key_result(
        acting_user=cast.ava, key_result=now.fresh, state="abandoned", reason="Not needed"
    )
    data = screen(
        row_data(now.calls, value="9"), row_data(now.fresh, value="5"), krs=[now.calls, now.fresh]
    )
    assert client.post("/check-in/", data, **htmx).status_code == 404
    assert CheckIn.objects.count() == before


def test_nothing_to_save(cast, now, as_user, htmx):
    client = as_user(cast.ava)
    data = screen(row_data(now.calls), row_data(now.fresh), krs=[now.calls, now.fresh])
    response = client.post("/check-in/", data, **htmx)
    assert response.status_code == 422
    assert "Nothing to save" in response.content.decode()


def test_key_results_not_on_my_screen_cannot_be_posted(cast, now, as_user, htmx):
    sams = actions.create_objective(
        acting_user=cast.sam,
        title="Sam's plan",
        level="individual",
        cycle=now.cycle,
        owner_person=cast.sam,
    )
    his = actions.create_key_result(
        acting_user=cast.sam, objective=sams, title="His", kind="milestone", owner=cast.sam
    )
    before = CheckIn.objects.count()
    client = as_user(cast.ava)
    data = screen(row_data(now.calls, value="7"), row_data(his, done="done"), krs=[now.calls, his])
    assert client.post("/check-in/", data, **htmx).status_code == 404
    assert client.post("/check-in/", {"save": "x"}, **htmx).status_code == 404
    assert client.post("/check-in/", {"rows": ["a"]}, **htmx).status_code == 404
    assert CheckIn.objects.count() == before


def test_without_javascript_the_screen_is_one_form(cast, now, as_user):
    client = as_user(cast.ava)
    data = screen(row_data(now.calls, value="12"), krs=[now.calls, now.fresh])
    response = client.post("/check-in/", data)
    assert response.status_code == 302 and response.url == "/check-in/"
    page = client.get("/check-in/").content.decode()
    assert "Saved 1 check-in." in page
    bad = client.post("/check-in/", screen(row_data(now.calls, value="x"), krs=[now.calls]))
    assert bad.status_code == 422
    assert "<h1>Check in on all my key results</h1>" in bad.content.decode()


def test_someone_with_nothing_to_check_in_on_is_told_so(cast, now, as_user):
    html = as_user(cast.otto).get("/check-in/").content.decode()
    assert "Nothing to check in on" in html
    assert "data-due-count" not in html


def test_the_screen_runs_a_fixed_number_of_queries(
    cast, now, as_user, htmx, django_assert_max_num_queries
):
    client = as_user(cast.ava)

    def measure() -> tuple[int, int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        forget_organisation_cache()
        with CaptureQueriesContext(connection) as page:
            assert client.get("/check-in/").status_code == 200
        kr = fresh(now.calls)
        forget_organisation_cache()
        with CaptureQueriesContext(connection) as save:
            data = screen(
                row_data(kr, value=str((kr.current_value or 0) + 1)),
                save=str(kr.pk),
                krs=[kr],
            )
            assert client.post("/check-in/", data, **htmx).status_code == 200
        return len(page.captured_queries), len(save.captured_queries)

    small = measure()
    for i in range(5):
        objective = actions.create_objective(
            acting_user=cast.ava,
            title=f"More {i}",
            level="individual",
            cycle=now.cycle,
            owner_person=cast.ava,
        )
        for j in range(3):
            actions.create_key_result(
                acting_user=cast.ava,
                objective=objective,
                title=f"KR {i}.{j}",
                kind="increase",
                start_value=0,
                target_value=5,
                owner=cast.ava,
            )
    assert measure() == small
    page_queries, save_queries = small
    assert page_queries <= CHECK_IN_SCREEN_MAX
    assert save_queries <= CHECK_IN_ROW_SAVE_MAX


# The page: session, person, the policy's look-up of my teams, the organisation (its time zone
# and thresholds), my key results, the objectives' statuses and aligned children, and the key
# results behind each objective's pace, and the inbox's unread count in the navigation. A row
# save adds the check-in's own writes and roll-up.
CHECK_IN_SCREEN_MAX = 10
CHECK_IN_ROW_SAVE_MAX = 26
