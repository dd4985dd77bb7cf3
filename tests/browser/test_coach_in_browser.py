"""The coach in a real browser: a copy-paste objective is flagged while it is typed, and a
finding is acknowledged on the health page without leaving it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lineofsight.coach.models import FindingAcknowledgement
from lineofsight.goals.models import Objective

from ..okrs import build_cascade

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_a_copied_objective_shows_the_finding_then_acknowledging_one(
    cast, sign_in, live_server
):
    cascade = build_cascade(cast)
    objectives = Objective.objects.count()
    web = sign_in(cast.sam)

    # While writing: the coach reads the title as it is typed, before anything is saved.
    web.goto(f"{live_server.url}/objectives/new/?parent={cascade.company.pk}")
    coach = web.locator("#coach-draft")
    expect(coach).to_contain_text("The coach reads the objective as you write it")
    web.get_by_label("Owner").select_option(f"team-{cast.enterprise.pk}")
    web.get_by_label("Title").press_sequentially("Grow ARR from $12M to $18M", delay=20)
    finding = coach.locator("[data-code='copy_paste.objective']")
    expect(finding).to_be_visible()
    expect(finding).to_contain_text("restates the objective it aligns to")
    expect(finding).to_contain_text("what can Enterprise Sales move")
    # Translating it clears the finding.
    web.get_by_label("Title").fill("Shorten the deal cycle for regulated enterprise buyers")
    expect(coach).to_contain_text("The coach has nothing to point out")
    assert Objective.objects.count() == objectives

    # On the health page: acknowledge a finding in place, with a reason.
    web.goto(f"{live_server.url}/health/?cycle={cast.q4.pk}")
    row = web.locator(f"#finding-focus-too-few-key-results-objective-{cascade.sales.pk}")
    expect(row).to_contain_text("has 1 key result")
    row.get_by_text("Acknowledge as a deliberate exception").click()
    row.get_by_role("button", name="Acknowledge").click()  # no reason yet
    row = web.locator(f"#finding-focus-too-few-key-results-objective-{cascade.sales.pk}")
    expect(row.locator(".errorlist")).to_contain_text("Say why this is a deliberate exception")
    row.get_by_label("Why is it a deliberate exception?").fill("One big bet this quarter")
    web.evaluate("window.__stillHere = 'yes'")
    row.get_by_role("button", name="Acknowledge").click()
    row = web.locator(f"#finding-focus-too-few-key-results-objective-{cascade.sales.pk}")
    expect(row).to_have_class("finding level-error is-acknowledged")
    expect(row).to_contain_text("Acknowledged by Sam Sato")
    expect(row).to_contain_text("One big bet this quarter")
    assert web.evaluate("window.__stillHere") == "yes"  # swapped in place, no reload
    ack = FindingAcknowledgement.objects.get()
    assert (ack.acknowledged_by_id, ack.subject_id) == (cast.sam.pk, cascade.sales.pk)
