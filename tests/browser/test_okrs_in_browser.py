"""The main journeys in a real browser: sign in, explore the tree, check in, ask why."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lineofsight.goals.models import CheckIn, KeyResult, Objective

from ..conftest import PASSWORD
from ..okrs import build_cascade

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signing_in_shows_my_okrs(cast, web, live_server):
    cascade = build_cascade(cast)
    web.goto(f"{live_server.url}/")
    assert "/login/" in web.url  # the home page asks for a login first
    web.get_by_label("Username").fill("ava")
    web.get_by_label("Password").fill("wrong password")
    web.get_by_role("button", name="Sign in").click()
    expect(web.locator(".form-errors")).to_be_visible()
    from ..conftest import PASSWORD

    web.get_by_label("Password").fill(PASSWORD)
    web.get_by_role("button", name="Sign in").click()
    expect(web.get_by_role("heading", name="My OKRs")).to_be_visible()
    expect(web.get_by_role("link", name=cascade.ava_obj.title).first).to_be_visible()
    expect(web.locator(f"#kr-{cascade.ava_opps.pk}")).to_be_visible()


def test_expanding_the_alignment_tree(cast, sign_in, live_server):
    cascade = build_cascade(cast)
    web = sign_in(cast.pia)
    web.goto(f"{live_server.url}/tree/?cycle={cast.q4.pk}")
    company = web.locator(f"#node-{cascade.company.pk}")
    toggle = company.locator(":scope > .node-row button.toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    children = web.locator(f"#children-{cascade.company.pk}")
    sales = children.locator(f"[data-objective='{cascade.sales.pk}']")
    expect(sales).to_be_visible()
    expect(sales).to_contain_text("Supports")
    expect(sales).to_contain_text(cascade.logos.title)
    expect(children.locator(f"[data-objective='{cascade.platform.pk}']")).to_contain_text(
        "Contributes"
    )
    sales.locator(":scope > .node-row button.toggle").click()
    ava = web.locator(f"#children-{cascade.company.pk}-{cascade.sales.pk}")
    expect(ava.locator(f"[data-objective='{cascade.ava_obj.pk}']")).to_be_visible()
    expect(ava).to_contain_text(cascade.ava_obj.title)
    # Collapsing hides the children again without another request.
    toggle.click()
    expect(children).to_be_hidden()


def test_the_tree_expands_collapses_and_filters_without_reloading(cast, sign_in, live_server):
    cascade = build_cascade(cast)
    web = sign_in(cast.pia)
    web.goto(f"{live_server.url}/tree/?cycle={cast.q4.pk}")
    expect(web.locator(".tree-cycle")).to_contain_text("Q4 2026")
    web.evaluate("window.notReloaded = true")
    ava = web.locator(f"[data-objective='{cascade.ava_obj.pk}']")
    expect(ava).to_have_count(0)  # two levels down: not loaded yet

    web.get_by_role("button", name="Expand all").click()
    expect(web.get_by_role("status")).to_have_text("Every objective is open.")
    expect(ava).to_be_visible()
    expect(web.locator("button.toggle[aria-expanded='false']")).to_have_count(0)

    web.get_by_role("button", name="Collapse all").click()
    expect(ava).to_be_hidden()
    expect(web.locator("button.toggle[aria-expanded='true']")).to_have_count(0)

    # The filter keeps the matches and the path down to them, by title or by owner.
    web.get_by_label("Filter by title or owner").fill("healthcare")
    platform = web.locator(f".tree-node[data-objective='{cascade.platform.pk}']")
    expect(platform).to_be_visible()
    expect(platform).to_have_class(re.compile("tree-match"))
    expect(web.locator(f"#node-{cascade.company.pk}")).to_be_visible()  # its ancestor
    expect(web.locator(f".tree-node[data-objective='{cascade.sales.pk}']")).to_be_hidden()
    expect(web.get_by_role("status")).to_have_text("1 objective matches “healthcare”.")
    web.get_by_label("Filter by title or owner").fill("ava adams")
    expect(ava).to_be_visible()
    expect(platform).to_be_hidden()
    web.get_by_label("Filter by title or owner").press("Enter")  # no submit, no reload
    web.get_by_label("Filter by title or owner").fill("")
    expect(web.locator(f".tree-node[data-objective='{cascade.sales.pk}']")).to_be_visible()
    assert web.evaluate("window.notReloaded") is True


def test_the_navigation_folds_into_a_menu_on_a_phone(cast, sign_in, live_server):
    web = sign_in(cast.ava)
    web.set_viewport_size({"width": 390, "height": 844})
    web.goto(f"{live_server.url}/tree/")
    header = web.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < 844 * 0.12  # was 40 % of the screen
    nav = web.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    menu = web.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.focus()
    web.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Check in")).to_be_visible()
    web.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(menu).to_be_focused()
    # Wide again, the navigation is always shown and the button is gone.
    web.set_viewport_size({"width": 1366, "height": 768})
    expect(nav.get_by_role("link", name="Check in")).to_be_visible()
    expect(menu).to_be_hidden()


def test_without_scripts_the_navigation_stays_open(cast, chromium, live_server):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(cast.ava.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Teams")).to_be_visible()
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    finally:
        context.close()


def test_check_in_moves_the_objective_without_reloading(cast, sign_in, live_server):
    cascade = build_cascade(cast)
    web = sign_in(cast.ava)
    web.goto(f"{live_server.url}/objectives/{cascade.ava_obj.pk}/")
    web.evaluate("window.__stillHere = 'yes'")
    summary = web.locator(f"#objective-summary-{cascade.ava_obj.pk}")
    expect(summary.locator(".pct")).to_have_text("0 %")
    row = web.locator(f"#kr-{cascade.ava_opps.pk}")
    row.get_by_role("button", name="Check in").click()
    form = row.locator("form.checkin-form")
    expect(form).to_be_visible()
    form.get_by_label("Current value").fill("15")
    form.get_by_label("At risk").check()
    form.get_by_label("Note").fill("Outbound sequence live")
    form.get_by_role("button", name="Save check-in").click()
    expect(row.locator(".checkin-form")).to_have_count(0)
    expect(row.locator(".kr-current")).to_contain_text("15")
    expect(row.locator(".pct")).to_have_text("60 %")
    # (15/25 + 0 + 0) / 3 = 20 %
    expect(summary.locator(".pct")).to_have_text("20 %")
    # The owner's new confidence, one click away beside the objective's forecast.
    tracking = web.locator(f"#objective-tracking-{cascade.ava_obj.pk}")
    expect(tracking.locator("[data-status]")).to_have_text("At risk")
    expect(web.locator("#check-in-history")).to_contain_text("Outbound sequence live")
    assert web.evaluate("window.__stillHere") == "yes"
    kr = KeyResult.objects.get(pk=cascade.ava_opps.pk)
    assert kr.current_value == 15
    assert CheckIn.objects.filter(key_result=kr, note="Outbound sequence live").count() == 1
    assert Objective.objects.get(pk=cascade.ava_obj.pk).progress == pytest.approx(0.2)


def test_check_in_error_is_shown_inline(cast, sign_in, live_server):
    cascade = build_cascade(cast)
    web = sign_in(cast.ava)
    web.goto(f"{live_server.url}/objectives/{cascade.ava_obj.pk}/")
    web.evaluate("window.__stillHere = 'yes'")
    row = web.locator(f"#kr-{cascade.ava_legal.pk}")
    row.get_by_role("button", name="Check in").click()
    form = row.locator("form.checkin-form")
    form.get_by_label("Current value").fill("")
    form.get_by_role("button", name="Save check-in").click()
    error = row.locator("[data-field='value'] .errorlist")
    expect(error).to_contain_text("Enter the current value")
    assert web.evaluate("window.__stillHere") == "yes"
    assert not CheckIn.objects.filter(key_result_id=cascade.ava_legal.pk).exists()
    # Correcting the value saves it.
    row.locator("form.checkin-form").get_by_label("Current value").fill("4")
    row.locator("form.checkin-form").get_by_role("button", name="Save check-in").click()
    expect(row.locator(".pct")).to_have_text("40 %")
    assert CheckIn.objects.filter(key_result_id=cascade.ava_legal.pk).count() == 1


def test_why_explanation_opens(cast, sign_in, live_server):
    from lineofsight.goals import actions

    cascade = build_cascade(cast)
    actions.record_check_in(
        acting_user=cast.ava, key_result=cascade.ava_opps, value=22, confidence="on_track"
    )
    web = sign_in(cast.sam)
    web.goto(f"{live_server.url}/objectives/{cascade.ava_obj.pk}/")
    why = web.get_by_role("button", name="Why 29 %?")
    why.click()
    panel = web.locator(f"#explain-objective-{cascade.ava_obj.pk}")
    expect(panel.locator("[data-explanation]")).to_be_visible()
    expect(panel).to_contain_text("sum(weight x progress)")
    expect(panel).to_contain_text(cascade.ava_opps.title)
    expect(panel).to_contain_text("88 %")
    expect(why).to_have_attribute("aria-expanded", "true")
    why.click()
    expect(panel.locator("[data-explanation]")).to_have_count(0)


def test_alignment_picker_creates_an_aligned_objective(cast, sign_in, live_server):
    cascade = build_cascade(cast)
    web = sign_in(cast.pia)
    web.goto(f"{live_server.url}/objectives/{cascade.sales.pk}/")
    web.get_by_role("link", name="Align a new objective here").click()
    expect(web.get_by_role("heading", name="New objective")).to_be_visible()
    # As a person would, start typing once the page has settled (its scripts listening and
    # the coach's first look done), not within the first milliseconds of its load.
    web.wait_for_load_state("networkidle")
    selected = web.locator(f"input[name=parent][value='o-{cascade.sales.pk}']")
    expect(selected).to_be_checked()
    web.get_by_label("Title").fill("Qualify 30 enterprise opportunities")
    web.get_by_label("Search objectives and key results").fill("healthcare")
    candidate = web.locator(f"#candidates input[name=parent][value='o-{cascade.platform.pk}']")
    expect(candidate).to_be_visible()
    expect(web.locator("#candidates")).not_to_contain_text(cascade.company.title)
    expect(web.locator("#candidates")).to_contain_text(cascade.sales.title)  # still chosen
    web.get_by_label("Search objectives and key results").fill("qualified")
    kr_choice = web.locator(f"#candidates input[name=parent][value='k-{cascade.sales_opps.pk}']")
    kr_choice.check()
    web.get_by_label("Supports (shown, not counted)").check()
    web.get_by_label("Alignment rationale").fill("Qualified opportunities feed the team's count.")
    web.get_by_role("button", name="Create objective").click()
    expect(web.get_by_role("heading", name="Qualify 30 enterprise opportunities")).to_be_visible()
    expect(web.locator("#parents-h + .link-list")).to_contain_text(cascade.sales_opps.title)
    created = Objective.objects.get(title="Qualify 30 enterprise opportunities")
    link = created.parent_links.get()
    assert link.parent_key_result_id == cascade.sales_opps.pk and link.kind == "supports"


def test_new_objective_alignment_error_is_shown_on_the_field(cast, sign_in, live_server):
    cascade = build_cascade(cast)
    web = sign_in(cast.sam)
    web.goto(f"{live_server.url}/objectives/new/?parent_kr={cascade.logos.pk}")
    web.get_by_label("Title").fill("Win forty logos")
    web.get_by_label("Owner").select_option(label="Enterprise Sales")
    web.get_by_role("button", name="Create objective").click()
    error = web.locator("[data-field='align_kind'] .errorlist")
    expect(error).to_contain_text("measured by check-ins")
    assert not Objective.objects.filter(title="Win forty logos").exists()
