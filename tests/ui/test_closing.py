"""Closing a cycle in the browser views: the cycle pages (HR closes with a confirmation
step), the close-out page and its htmx forms (adjusted grades, retrospectives, carry-over),
grades on the objective page, and calibrated confidence on the person and team pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions
from lineofsight.goals.models import KeyResult, Objective, Retrospective
from lineofsight.people.selectors import forget_organisation_cache

from ..closing import close, fresh, next_quarter, record_quarter

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def quarter(cast, cascade):
    record_quarter(cast, cascade)
    return cascade


@pytest.fixture
def closed(cast, quarter):
    close(cast, cast.q4)
    return quarter


# -- cycles ------------------------------------------------------------------------------


def test_the_cycle_list_offers_hr_the_close_button(cast, quarter):
    hr = text(signed_in(cast.hana).get("/cycles/"))
    assert "Q4 2026" in hr and "FY 2026" in hr
    assert f'href="/cycles/{cast.q4.pk}/close/"' in hr
    assert f'href="/cycles/{cast.q3.pk}/close-out/"' in hr  # Q3 is closed
    others = text(signed_in(cast.sam).get("/cycles/"))
    assert "Q4 2026" in others and f'href="/cycles/{cast.q4.pk}/close/"' not in others


def test_closing_asks_first_and_says_what_will_be_frozen_and_graded(cast, quarter):
    client = signed_in(cast.hana)
    page = text(client.get(f"/cycles/{cast.q4.pk}/close/"))
    assert "Close Q4 2026?" in page
    assert "Grades 3 objectives and 7 key results from their final progress" in page
    assert "check-ins (11)" in page
    assert "1 key result never had a check-in" in page  # the healthcare milestone
    assert "Objectives graded: 3 (average grade 0.54)." in page  # if it closed now
    assert fresh(cast.q4).state == "active"  # looking changes nothing
    response = client.post(f"/cycles/{cast.q4.pk}/close/")
    assert response.status_code == 302 and response.url == f"/cycles/{cast.q4.pk}/"
    assert fresh(cast.q4).state == "closed"
    assert fresh(quarter.ava_obj).computed_grade == 0.84
    after = text(client.get(f"/cycles/{cast.q4.pk}/"))
    assert "Q4 2026 is closed and graded." in after
    assert "Aspirational successes: 2 of 3 (0.7 counts as success)." in after
    assert "Recompute grades" in after


def test_only_hr_may_close_or_regrade(cast, quarter):
    for who in (cast.sam, cast.ava, cast.cora):
        client = signed_in(who)
        assert client.get(f"/cycles/{cast.q4.pk}/close/").status_code == 403
        assert client.post(f"/cycles/{cast.q4.pk}/close/").status_code == 403
        assert client.post(f"/cycles/{cast.q4.pk}/regrade/").status_code == 403
        assert "Close cycle" not in text(client.get(f"/cycles/{cast.q4.pk}/"))
    assert fresh(cast.q4).state == "active"
    # Closing twice says so and changes nothing.
    close(cast, cast.q4)
    again = signed_in(cast.hana).post(f"/cycles/{cast.q4.pk}/close/")
    assert again.status_code == 422 and "already closed" in text(again)


def test_hr_regrades_from_the_cycle_page(cast, closed):
    actions.record_check_in(
        acting_user=cast.hana,
        key_result=closed.ava_closes,
        value=6,
        confidence="on_track",
        amendment_reason="Signed on the last day",
    )
    client = signed_in(cast.hana)
    response = client.post(f"/cycles/{cast.q4.pk}/regrade/", follow=True)
    assert "Regraded Q4 2026: 2 objective grades and 1 key-result grades changed." in text(response)
    assert fresh(closed.ava_obj).computed_grade == 0.89


# -- the close-out page ------------------------------------------------------------------


def test_the_close_out_page_before_the_cycle_closes(cast, quarter):
    page = text(signed_in(cast.ava).get(f"/cycles/{cast.q4.pk}/close-out/"))
    assert "Q4 2026 is active. Grades are computed when HR closes it" in page
    assert quarter.ava_obj.title in page
    assert "Graded when Q4 2026 closes." in page
    assert "Adjust grade" not in page and "Carry over" not in page


def test_the_close_out_page_shows_grades_verdicts_and_the_calibration(cast, closed):
    next_quarter(cast)
    page = text(signed_in(cast.ava).get(f"/cycles/{cast.q4.pk}/close-out/"))
    assert "Close-out: Q4 2026" in page
    assert "Aspirational: 0.7 counts as success; landed 0.84: success" in page
    for kr, value in ((closed.ava_opps, "0.88"), (closed.ava_legal, "0.80")):
        assert f'id="grade-kr-{kr.pk}"' in page
        assert f'data-computed-grade="{value}"' in page
    # Every key result is unfinished: each has a carry-over control, the objective its forms.
    assert page.count(">Carry over<") == 3
    assert f'hx-get="/objectives/{closed.ava_obj.pk}/grade/"' in page
    assert f'hx-get="/objectives/{closed.ava_obj.pk}/retrospective/"' in page
    # The calibration card: Ava's calls were too cautious (everything succeeded).
    assert "Calibrated confidence" in page and 'data-reading="underconfident"' in page
    assert "Brier score" in page and "9 check-ins" in page
    # Sam's team objective is in his close-out, not in Ava's.
    assert closed.sales.title not in page
    assert closed.sales.title in text(signed_in(cast.sam).get(f"/cycles/{cast.q4.pk}/close-out/"))


def test_managers_and_hr_open_someone_elses_close_out_and_peers_cannot(cast, closed):
    url = f"/cycles/{cast.q4.pk}/close-out/?person={cast.ava.pk}"
    for who in (cast.sam, cast.cora, cast.hana):
        page = text(signed_in(who).get(url))
        assert "for Ava Adams" in page and closed.ava_obj.title in page
    for who in (cast.pia, cast.eli, cast.otto):
        assert signed_in(who).get(url).status_code == 404
    assert signed_in(cast.ava).get(f"/cycles/{cast.q4.pk}/close-out/?person=x").status_code == 404


# -- adjusting a grade -------------------------------------------------------------------


def test_adjusting_a_grade_with_htmx(cast, closed, htmx):
    client = signed_in(cast.ava)
    url = f"/objectives/{closed.ava_obj.pk}/grade/"
    form = client.get(url, **htmx)
    body = text(form)
    assert form.status_code == 200 and "<html" not in body
    assert f'hx-target="#grade-objective-{closed.ava_obj.pk}"' in body
    assert 'name="adjusted_grade"' in body and 'name="reason"' in body
    saved = client.post(url, {"adjusted_grade": "0.9", "reason": "Brightwater signed late"}, **htmx)
    body = text(saved)
    assert saved.status_code == 200
    assert body.startswith(f'<div class="grade-block" id="grade-objective-{closed.ava_obj.pk}"')
    assert 'data-computed-grade="0.84"' in body and 'data-adjusted-grade="0.90"' in body
    assert "Aspirational: 0.7 counts as success; adjusted to 0.90: success" in body
    assert "Brightwater signed late" in body and "Change adjusted grade" in body
    obj = fresh(closed.ava_obj)
    assert (obj.computed_grade, obj.adjusted_grade, obj.graded_by) == (0.84, 0.9, cast.ava)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"adjusted_grade": "1.4", "reason": "x"}, "A grade is from 0.0 to 1.0."),
        ({"adjusted_grade": "lots", "reason": "x"}, "Enter a number."),
        ({"adjusted_grade": "", "reason": "x"}, "Enter a grade from 0.0 to 1.0."),
        ({"adjusted_grade": "0.9", "reason": ""}, "This field is required."),
    ],
)
def test_a_bad_grade_is_shown_under_its_field_and_nothing_is_saved(
    cast, closed, htmx, data, message
):
    client = signed_in(cast.ava)
    response = client.post(f"/objectives/{closed.ava_obj.pk}/grade/", data, **htmx)
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#grade-objective-{closed.ava_obj.pk}-slot"
    assert message in text(response)
    assert fresh(closed.ava_obj).adjusted_grade is None
    assert not AuditEvent.objects.filter(action="objective.grade").exists()


def test_a_key_result_grade_can_be_changed_and_withdrawn(cast, closed, htmx):
    client = signed_in(cast.sam)  # Ava's manager
    url = f"/key-results/{closed.ava_closes.pk}/grade/"
    client.post(url, {"adjusted_grade": "1", "reason": "Signed on 2 October"}, **htmx)
    assert fresh(closed.ava_closes).adjusted_grade == 1.0
    form = text(client.get(url, **htmx))
    assert "Withdraw the adjustment" in form and 'value="Signed on 2 October"' not in form
    withdrawn = client.post(url, {"withdraw": "1", "reason": "Counted next quarter"}, **htmx)
    assert withdrawn.status_code == 200
    assert "Adjust grade" in text(withdrawn)
    assert fresh(closed.ava_closes).adjusted_grade is None


def test_grading_without_javascript_redirects_back(cast, closed):
    client = signed_in(cast.ava)
    page = client.get(f"/objectives/{closed.ava_obj.pk}/grade/")
    assert "<html" in page.content.decode()
    response = client.post(
        f"/objectives/{closed.ava_obj.pk}/grade/", {"adjusted_grade": "0.9", "reason": "Late"}
    )
    assert response.status_code == 302 and response.url == f"/objectives/{closed.ava_obj.pk}/"


def test_peers_may_not_grade(cast, closed):
    assert signed_in(cast.pia).get(f"/objectives/{closed.ava_obj.pk}/grade/").status_code == 403
    response = signed_in(cast.pia).post(
        f"/key-results/{closed.ava_opps.pk}/grade/", {"adjusted_grade": "1", "reason": "x"}
    )
    assert response.status_code == 403
    assert fresh(closed.ava_opps).adjusted_grade is None


# -- retrospectives ----------------------------------------------------------------------


def test_writing_a_retrospective_with_htmx(cast, closed, htmx):
    client = signed_in(cast.ava)
    url = f"/objectives/{closed.ava_obj.pk}/retrospective/"
    bad = client.post(url, {"what_happened": "", "decision": "keep"}, **htmx)
    assert bad.status_code == 422 and bad["HX-Retarget"] == f"#retro-{closed.ava_obj.pk}-slot"
    assert "This field is required." in text(bad)
    assert not Retrospective.objects.exists()
    saved = client.post(
        url,
        {
            "what_happened": "22 of 25 qualified, 8 past legal, 5 closes.",
            "in_control": "Outbound volume; not the budget freeze.",
            "learned": "Start security reviews in week one.",
            "decision": "change",
        },
        **htmx,
    )
    body = text(saved)
    assert saved.status_code == 200
    assert body.startswith(f'<div class="retro-block" id="retro-{closed.ava_obj.pk}"')
    assert "Start security reviews in week one." in body
    assert "Change: carry on, differently" in body and "Edit the retrospective" in body
    form = text(client.get(url, **htmx))
    assert "Start security reviews in week one." in form  # the form starts from what is there


# -- carrying over -----------------------------------------------------------------------


def test_carrying_a_key_result_over_with_htmx(cast, closed, htmx):
    nxt = next_quarter(cast)
    client = signed_in(cast.ava)
    url = f"/key-results/{closed.ava_legal.pk}/carry-over/"
    form = text(client.get(url, **htmx))
    assert "It starts from its last value, 8 opportunities" not in form  # no unit here
    assert "It starts from its last value, 8." in form
    assert f"Into a copy of “{closed.ava_obj.title}” in Q1 2027" in form
    low = client.post(url, {"into": "copy", "title": "10 past legal", "target_value": "5"}, **htmx)
    assert low.status_code == 422 and "target at or above its start" in text(low)
    assert not KeyResult.objects.filter(cycle=nxt.quarter).exists()
    data = {"into": "copy", "title": "10 past legal", "target_value": "10"}
    # First what it creates, and where; nothing is created until that is confirmed.
    review = text(client.post(url, data, **htmx))
    assert "Confirm what this creates.</strong> Nothing has been created yet." in review
    assert (
        "A key result <strong>“10 past legal”</strong> in Q1 2027, owned by Ava Adams: "
        "8 (from 8 to 10), starting at 0 %." in review
    )
    assert (
        f"In a <strong>new copy</strong> of the objective “{closed.ava_obj.title}” in "
        "Q1 2027" in review
    )
    assert 'name="confirm" value="yes"' in review and ">Confirm carry-over<" in review
    assert not KeyResult.objects.filter(cycle=nxt.quarter).exists()
    saved = client.post(url, {**data, "confirm": "yes"}, **htmx)
    body = text(saved)
    assert saved.status_code == 200
    assert body.startswith(f'<div class="carry-block" id="carry-{closed.ava_legal.pk}"')
    carried = KeyResult.objects.get(carried_from=closed.ava_legal)
    assert "Carried into Q1 2027" in body and f"#kr-{carried.pk}" in body
    assert ">Carry over<" not in body
    # The next key result of the same objective offers the copy made a moment ago.
    form = text(client.get(f"/key-results/{closed.ava_closes.pk}/carry-over/", **htmx))
    assert f"Into the copy of “{closed.ava_obj.title}” made in Q1 2027" in form
    # Both pages show the link.
    old_page = text(client.get(f"/objectives/{closed.ava_obj.pk}/"))
    assert "Carried into Q1 2027" in old_page
    new_page = text(client.get(f"/objectives/{carried.objective_id}/"))
    assert "Carried from Q4 2026" in new_page and closed.ava_legal.title in new_page


def test_carrying_into_a_chosen_objective_without_javascript(cast, closed):
    nxt = next_quarter(cast)
    target = actions.create_objective(
        acting_user=cast.ava,
        title="Close the late-stage pipeline",
        level="individual",
        cycle=nxt.quarter,
        owner_person=cast.ava,
    )
    client = signed_in(cast.ava)
    url = f"/key-results/{closed.ava_opps.pk}/carry-over/"
    assert f'value="o-{target.pk}"' in text(client.get(url))
    data = {"into": f"o-{target.pk}", "title": "30 qualified", "target_value": "30"}
    review = text(client.post(url, data))
    assert "In the objective <strong>“Close the late-stage pipeline”</strong> (Q1 2027)." in (
        review
    )
    assert not KeyResult.objects.filter(carried_from=closed.ava_opps).exists()
    response = client.post(url, {**data, "confirm": "yes"})
    assert response.status_code == 302
    carried = KeyResult.objects.get(carried_from=closed.ava_opps)
    assert (carried.objective, carried.start_value, carried.target_value) == (target, 22, 30)
    # An objective that is not offered is refused by name.
    refused = client.post(
        f"/key-results/{closed.ava_legal.pk}/carry-over/",
        {"into": f"o-{closed.sales.pk}", "title": "x"},
    )
    assert refused.status_code == 422
    assert "Select a valid choice" in text(refused)


# -- the objective page ------------------------------------------------------------------


def test_the_objective_page_of_a_closed_cycle_shows_both_grades_and_the_retrospective(cast, closed):
    actions.adjust_objective_grade(
        acting_user=cast.ava, objective=closed.ava_obj, adjusted_grade=0.9, reason="Signed late"
    )
    actions.save_retrospective(
        acting_user=cast.ava,
        objective=closed.ava_obj,
        what_happened="22 of 25 qualified.",
        decision="keep",
    )
    page = text(signed_in(cast.pia).get(f"/objectives/{closed.ava_obj.pk}/"))
    assert "Close-out" in page
    assert 'data-computed-grade="0.84"' in page and 'data-adjusted-grade="0.90"' in page
    assert "Aspirational: 0.7 counts as success; landed 0.84: success" in page
    assert "adjusted to 0.90: success" in page and "Signed late" in page
    assert "22 of 25 qualified." in page and "Keep: carry on as it is" in page
    assert 'data-computed-grade="0.88"' in page  # the key results' grades
    # Pia may read it all but change nothing.
    assert "Adjust grade" not in page and "Change adjusted grade" not in page
    assert "Edit the retrospective" not in page and ">Carry over<" not in page


def test_the_objective_page_of_a_running_cycle_has_no_close_out(cast, quarter):
    page = text(signed_in(cast.ava).get(f"/objectives/{quarter.ava_obj.pk}/"))
    assert "close-out-card" not in page and "grade-block" not in page


# -- calibrated confidence on the person and team pages ----------------------------------


def test_the_person_page_shows_calibration_to_the_person_managers_and_hr(cast, closed):
    for who in (cast.ava, cast.sam, cast.cora, cast.hana):
        page = text(signed_in(who).get(f"/people/{cast.ava.pk}/"))
        assert "Calibrated confidence" in page, who
        assert 'data-reading="underconfident"' in page
        assert closed.ava_opps.title in page
    for who in (cast.pia, cast.eli, cast.dev, cast.otto):
        page = text(signed_in(who).get(f"/people/{cast.ava.pk}/"))
        assert "Calibrated confidence" not in page and "Brier" not in page, who
        assert (
            signed_in(who).get(f"/people/{cast.ava.pk}/confidence-calibration/").status_code == 404
        )


def test_the_calibration_card_switches_cycles_with_htmx(cast, closed, htmx):
    url = f"/people/{cast.ava.pk}/confidence-calibration/"
    card = signed_in(cast.ava).get(url, {"cycle": cast.q3.pk}, **htmx)
    body = text(card)
    assert card.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<section class="card calibration-card"')
    assert "No confidence calls on graded key results yet" in body
    assert signed_in(cast.ava).get(url, {"cycle": cast.q4.pk + 999}).status_code == 404


def test_the_team_page_loads_its_calibration_for_its_leads(cast, closed, htmx):
    team_url = f"/teams/{cast.enterprise.pk}/"
    card_url = f"/teams/{cast.enterprise.pk}/confidence-calibration/"
    page = text(signed_in(cast.sam).get(team_url))
    assert f'hx-get="{card_url}"' in page
    card = text(signed_in(cast.sam).get(card_url, **htmx))
    assert "Calibrated confidence" in card and closed.sales_opps.title in card
    assert "lead, the leads above it, their managers and HR" in card
    for who in (cast.ava, cast.pia, cast.otto):
        assert card_url not in text(signed_in(who).get(team_url))
        assert signed_in(who).get(card_url).status_code == 404


# -- bounded queries ---------------------------------------------------------------------


def _grow(cast, nxt_cycle, n: int) -> None:
    objective = actions.create_objective(
        acting_user=cast.ava,
        title=f"More in {nxt_cycle.name}",
        level="individual",
        cycle=nxt_cycle,
        owner_person=cast.ava,
    )
    for i in range(n):
        kr = actions.create_key_result(
            acting_user=cast.ava,
            objective=objective,
            title=f"KR {i}",
            kind="increase",
            start_value=0,
            target_value=10,
            owner=cast.ava,
        )
        for value in (2, 5):
            actions.record_check_in(
                acting_user=cast.ava, key_result=kr, value=value, confidence="at_risk"
            )


def test_pages_run_the_same_queries_whatever_the_size_of_the_cycle(
    cast, cascade, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    nxt = next_quarter(cast)
    second = actions.create_cycle(
        acting_user=cast.hana,
        name="Q2 2027",
        kind="quarter",
        start_date=nxt.quarter.end_date.replace(month=4, day=1),
        end_date=nxt.quarter.end_date.replace(month=6, day=30),
        parent=nxt.year,
        state="active",
    )
    _grow(cast, nxt.quarter, 2)
    _grow(cast, second, 6)
    close(cast, nxt.quarter)
    close(cast, second)
    small = Objective.objects.get(title=f"More in {nxt.quarter.name}")
    large = Objective.objects.get(title=f"More in {second.name}")

    def count(client: Client, url: str) -> int:
        forget_organisation_cache()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        return len(ctx.captured_queries)

    client = signed_in(cast.sam)
    for small_url, large_url in [
        (
            f"/cycles/{nxt.quarter.pk}/close-out/?person={cast.ava.pk}",
            f"/cycles/{second.pk}/close-out/?person={cast.ava.pk}",
        ),
        (f"/objectives/{small.pk}/", f"/objectives/{large.pk}/"),
        (f"/cycles/{nxt.quarter.pk}/", f"/cycles/{second.pk}/"),
        (
            f"/people/{cast.ava.pk}/confidence-calibration/?cycle={nxt.quarter.pk}",
            f"/people/{cast.ava.pk}/confidence-calibration/?cycle={second.pk}",
        ),
    ]:
        assert count(client, small_url) == count(client, large_url), small_url
    with django_assert_max_num_queries(18):
        forget_organisation_cache()
        client.get(f"/cycles/{second.pk}/close-out/?person={cast.ava.pk}")
    hr = signed_in(cast.hana)
    assert count(hr, f"/cycles/{cast.q4.pk}/close/") <= 12
    assert reverse("cycle-close", args=[cast.q4.pk]) == f"/cycles/{cast.q4.pk}/close/"
