"""Review cycles, templates and the policy in the browser views: every page and form, with
good and bad input, and who may use them."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re

import pytest
from django.test import Client

from lineofsight.core.models import AuditEvent
from lineofsight.reviews import policy
from lineofsight.reviews.cycles import template_actions
from lineofsight.reviews.cycles.default_template import default_questions
from lineofsight.reviews.models import (
    Feedback,
    Review,
    ReviewCycle,
    ReviewPolicy,
    ReviewTemplate,
)

from ..reviews import DEADLINES, build_review_cycle, default_template

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


# -- the policy --------------------------------------------------------------------------


def test_everyone_reads_the_default_policy(cast):
    page = text(signed_in(cast.otto).get("/reviews/policy/"))
    assert "OKRs are discussed in reviews as context, not as a formula" in page
    assert "Missing a stretch goal carries no penalty" in page
    assert "Pay is never a formula of OKR attainment" in page
    assert "This is the default policy" in page
    assert "/reviews/policy/edit/" not in page


def test_hr_publishes_a_new_version_with_a_reason(cast):
    client = signed_in(cast.hana)
    form = text(client.get("/reviews/policy/edit/"))
    assert "context, not as a formula" in form  # starts from the policy in force
    response = client.post(
        "/reviews/policy/edit/",
        {
            "mode": "context",
            "statement": "OKRs are context in every review.",
            "contribution": "Team results are shared.",
            "compensation": "Pay is never a formula of OKR attainment.",
            "reason": "Shorter wording",
        },
    )
    assert response.status_code == 302 and response.url == "/reviews/policy/"
    page = text(signed_in(cast.ava).get("/reviews/policy/"))
    assert "OKRs are context in every review." in page
    assert "Shorter wording" in page and "Hana Haddad" in page and "in force" in page


def test_a_policy_without_a_reason_is_refused_naming_the_field(cast):
    response = signed_in(cast.hana).post(
        "/reviews/policy/edit/", {"mode": "context", "statement": "Context.", "reason": ""}
    )
    assert response.status_code == 422
    assert 'data-field="reason"' in text(response) and "This field is required." in text(response)
    assert not ReviewPolicy.objects.exists()


def test_only_hr_edits_the_policy(cast):
    client = signed_in(cast.sam)
    assert client.get("/reviews/policy/edit/").status_code == 403
    response = client.post(
        "/reviews/policy/edit/", {"mode": "context", "statement": "Mine", "reason": "Mine"}
    )
    assert response.status_code == 403 and not ReviewPolicy.objects.exists()


# -- templates ---------------------------------------------------------------------------


def _template_post(name: str, questions: list[dict], scale=None, **extra) -> dict[str, str]:
    scale = scale or [("1", "Low", ""), ("2", "Mid", ""), ("3", "High", "")]
    data: dict[str, str] = {
        "name": name,
        "description": "",
        "scale-TOTAL_FORMS": str(len(scale)),
        "scale-INITIAL_FORMS": "0",
        "potential-TOTAL_FORMS": "0",
        "potential-INITIAL_FORMS": "0",
        "q-TOTAL_FORMS": str(len(questions)),
        "q-INITIAL_FORMS": "0",
    }
    for i, (value, label, description) in enumerate(scale):
        data[f"scale-{i}-value"] = value
        data[f"scale-{i}-label"] = label
        data[f"scale-{i}-description"] = description
    for i, q in enumerate(questions):
        data[f"q-{i}-text"] = q.get("text", "")
        data[f"q-{i}-section"] = q.get("section", "general")
        data[f"q-{i}-kind"] = q.get("kind", "text")
        data[f"q-{i}-ORDER"] = str(q.get("order", i + 1))
        for flag in ("for_self", "for_manager", "for_peer", "for_upward", "required", "DELETE"):
            if q.get(flag):
                data[f"q-{i}-{flag}"] = "on"
    data.update(extra)
    return data


QUESTIONS = [
    {"text": "What landed?", "section": "okrs", "for_self": True, "for_manager": True},
    {
        "text": "Reliability",
        "section": "baseline",
        "kind": "rating_text",
        "for_self": True,
        "for_manager": True,
    },
]


def test_the_new_template_form_starts_from_the_standard_template(cast):
    page = text(signed_in(cast.hana).get("/reviews/templates/new/"))
    assert 'value="Quarterly review"' in page
    assert "Reliability: delivers what was promised" in page
    assert 'value="Outstanding"' in page
    assert "Add a question" in page


def test_the_new_template_form_words_each_question_for_its_writer(cast):
    page = signed_in(cast.hana).get("/reviews/templates/new/").content.decode()
    rows = re.split(r'<div class="question-row', page)[1:]

    def row_with(question: str) -> str:
        (row,) = [r for r in rows if f'value="{question}"' in r]
        return row

    def asked_of(row: str, audience: str) -> bool:
        tag = re.search(rf'<input[^>]*name="q-\d+-for_{audience}"[^>]*>', row)
        assert tag is not None
        return "checked" in tag.group(0)

    theirs = row_with("What was in their control, and what was not?")
    yours = row_with("What was in your control, and what was not?")
    assert asked_of(theirs, "manager") and not asked_of(theirs, "self")
    assert asked_of(yours, "self") and not asked_of(yours, "manager")
    assert "Word each question for whoever answers it" in page


def test_hr_creates_a_template_reordering_and_skipping_removed_rows(cast):
    questions = [
        {**QUESTIONS[0], "order": 2},
        {**QUESTIONS[1], "order": 1},
        {"text": "Drop me", "for_self": True, "DELETE": True},
        {"text": ""},  # the empty extra row
    ]
    response = signed_in(cast.hana).post(
        "/reviews/templates/new/", _template_post("Eng", questions)
    )
    assert response.status_code == 302 and response.url == "/reviews/templates/"
    template = ReviewTemplate.objects.get(name="Eng")
    assert list(template.questions.values_list("text", flat=True)) == [
        "Reliability",
        "What landed?",
    ]
    assert [lv["label"] for lv in template.rating_scale] == ["Low", "Mid", "High"]


def test_add_a_question_posts_back_with_one_more_row(cast):
    data = _template_post("Eng", QUESTIONS, add_question="1")
    response = signed_in(cast.hana).post("/reviews/templates/new/", data)
    assert response.status_code == 200
    assert 'name="q-2-text"' in text(response)
    assert not ReviewTemplate.objects.exists()


def test_template_errors_sit_on_the_row_they_name(cast):
    client = signed_in(cast.hana)
    gap = [("1", "Low", ""), ("3", "High", "")]
    response = client.post("/reviews/templates/new/", _template_post("Eng", QUESTIONS, gap))
    assert response.status_code == 422
    assert "The values must run from 1 to 2" in text(response)
    no_label = [("1", "Low", ""), ("2", "", "Description only")]
    response = client.post("/reviews/templates/new/", _template_post("Eng", QUESTIONS, no_label))
    assert response.status_code == 422
    page = text(response)
    assert re.search(r'data-row="1">.*Level 2 needs a label', page)
    nobody = [QUESTIONS[0], {"text": "Asked of nobody"}]
    response = client.post("/reviews/templates/new/", _template_post("Eng", nobody))
    assert response.status_code == 422
    assert "Ask the question of someone" in text(response)
    no_self = [{"text": "Peers only", "for_peer": True}]
    response = client.post("/reviews/templates/new/", _template_post("Eng", no_self))
    assert response.status_code == 422
    assert "Add at least one question for the self review" in text(response)
    response = client.post("/reviews/templates/new/", _template_post("", QUESTIONS))
    assert response.status_code == 422 and 'data-field="name"' in text(response)
    assert not ReviewTemplate.objects.exists()


def test_editing_a_template_leaves_cycles_made_from_it_alone(cast):
    setup = build_review_cycle(cast)
    template = setup.template
    client = signed_in(cast.hana)
    page = text(client.get(f"/reviews/templates/{template.pk}/"))
    assert "keep their own copy" in page and 'value="Quarterly review"' in page
    response = client.post(
        f"/reviews/templates/{template.pk}/", _template_post("Quarterly review", QUESTIONS)
    )
    assert response.status_code == 302
    assert template.questions.count() == 2
    assert setup.cycle.questions.count() == len(default_questions())
    assert len(ReviewCycle.objects.get().rating_scale) == 5


def test_the_list_duplicates_archives_and_restores(cast):
    template = default_template()
    client = signed_in(cast.hana)
    page = text(client.get("/reviews/templates/"))
    assert "Quarterly review" in page and "1–5, potential 1–3" in page
    response = client.post(f"/reviews/templates/{template.pk}/duplicate/")
    copy = ReviewTemplate.objects.get(name="Copy of Quarterly review")
    assert response.url == f"/reviews/templates/{copy.pk}/"
    client.post(f"/reviews/templates/{template.pk}/archive/")
    assert ReviewTemplate.objects.get(pk=template.pk).archived
    assert "Archived" in text(client.get("/reviews/templates/"))
    client.post(f"/reviews/templates/{template.pk}/archive/", {"restore": "1"})
    assert not ReviewTemplate.objects.get(pk=template.pk).archived


@pytest.mark.parametrize("who", ["ava", "sam", "cora", "otto"])
def test_templates_are_hrs(cast, who):
    template = default_template()
    client = signed_in(getattr(cast, who))
    assert client.get("/reviews/templates/").status_code == 403
    assert client.get("/reviews/templates/new/").status_code == 403
    assert client.get(f"/reviews/templates/{template.pk}/").status_code == 404
    assert client.post(f"/reviews/templates/{template.pk}/duplicate/").status_code == 404
    assert client.post(f"/reviews/templates/{template.pk}/archive/").status_code == 404
    assert ReviewTemplate.objects.count() == 1 and not ReviewTemplate.objects.get().archived


# -- review cycles -----------------------------------------------------------------------


def _cycle_post(cast, **overrides) -> dict[str, str]:
    data = {
        "name": "Q3 2026 reviews",
        "kind": "quarter",
        "goal_cycle": str(cast.q3.pk),
        "next_goal_cycle": str(cast.q4.pk),
        "template": str(default_template().pk),
        "population": "organisation",
        "population_people": "",
        "anonymous_upward_feedback": "on",
        "policy_mode": "context",
        **{k: v.isoformat() for k, v in DEADLINES.items()},
    }
    data.update(overrides)
    return data


def test_hr_creates_a_draft_then_launches_it(cast):
    client = signed_in(cast.hana)
    form = text(client.get("/reviews/cycles/new/"))
    assert "Self reviews due" in form and "Context, not formula" in form
    response = client.post("/reviews/cycles/new/", _cycle_post(cast))
    cycle = ReviewCycle.objects.get()
    assert response.status_code == 302 and response.url == f"/reviews/cycles/{cycle.pk}/"
    page = text(client.get(response.url))
    assert "Draft" in page and "8 people" in page and "Launch" in page
    confirm = text(client.get(f"/reviews/cycles/{cycle.pk}/launch/"))
    assert "Launch Q3 2026 reviews?" in confirm and "8 people will get a review" in confirm
    response = client.post(f"/reviews/cycles/{cycle.pk}/launch/")
    assert response.status_code == 302
    assert Review.objects.filter(review_cycle=cycle).count() == 8
    again = client.post(f"/reviews/cycles/{cycle.pk}/launch/")
    assert again.status_code == 422 and "was launched already" in text(again)
    assert Review.objects.filter(review_cycle=cycle).count() == 8


def test_a_people_population_is_given_by_username_or_email(cast):
    client = signed_in(cast.hana)
    data = _cycle_post(cast, population="people", population_people="ava\npia@acme.test, dev")
    assert client.post("/reviews/cycles/new/", data).status_code == 302
    cycle = ReviewCycle.objects.get()
    assert set(cycle.population_people.values_list("username", flat=True)) == {"ava", "pia", "dev"}
    bad = _cycle_post(cast, name="Other", population="people", population_people="ava\nnobody")
    response = client.post("/reviews/cycles/new/", bad)
    assert response.status_code == 422 and "Nobody is called nobody" in text(response)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"self_review_due": "2026-06-01"}, "self_review_due", "on or after 2026-07-01"),
        ({"calibration_due": "2026-10-01"}, "calibration_due", "manager review deadline"),
        ({"sharing_due": "not a date"}, "sharing_due", "Enter a valid date."),
        ({"population": "teams"}, "population_teams", "Choose at least one team."),
        ({"policy_mode": "formula"}, "weight_okr_attainment", "at least one part"),
        (
            {"policy_mode": "formula", "weight_manager": "-1"},
            "weight_manager",
            "greater than or equal to 0",
        ),
        ({"next_goal_cycle": "fy"}, "next_goal_cycle", "Select a valid choice"),
    ],
)
def test_bad_cycles_are_refused_naming_the_field(cast, overrides, field, message):
    response = signed_in(cast.hana).post("/reviews/cycles/new/", _cycle_post(cast, **overrides))
    assert response.status_code == 422
    page = text(response)
    block = re.search(rf'data-field="{field}">(.*?)(data-field=|</form>)', page)
    assert block and message in block.group(1)
    assert not ReviewCycle.objects.exists()


def test_a_formula_cycle_shows_its_weights_in_words(cast):
    client = signed_in(cast.hana)
    data = _cycle_post(cast, policy_mode="formula", weight_okr_attainment="1", weight_manager="3")
    assert client.post("/reviews/cycles/new/", data).status_code == 302
    cycle = ReviewCycle.objects.get()
    assert cycle.formula_weights == {"okr_attainment": 1.0, "manager": 3.0}
    page = text(client.get(f"/reviews/cycles/{cycle.pk}/"))
    assert "25 % OKR attainment, 75 % manager's rating" in page
    assert "never counted as zero" in page


def test_the_population_preview_counts_people(cast, htmx):
    client = signed_in(cast.hana)
    response = client.get(
        "/reviews/cycles/population/",
        {"population": "teams", "population_teams": [cast.sales.pk]},
        **htmx,
    )
    assert "3 people would be reviewed" in text(response)
    response = client.get(
        "/reviews/cycles/population/", {"population": "people", "population_people": "zed"}, **htmx
    )
    assert "Nobody is called zed" in text(response)


def test_the_cycle_page_shows_the_phase_progress_and_the_table_for_hr(cast, monkeypatch):
    setup = build_review_cycle(cast)
    Feedback.objects.filter(review=setup["ava"], kind="self").update(state="submitted")
    Review.objects.filter(pk=setup["pia"].pk).update(state="shared", rating=4)
    from lineofsight.reviews.cycles import selectors

    monkeypatch.setattr(selectors, "organisation_today", lambda: dt.date(2026, 10, 12))
    page = text(signed_in(cast.hana).get(f"/reviews/cycles/{setup.cycle.pk}/"))
    assert "Phase today: Peer feedback" in page and "(4 days left)" in page
    assert 'Self reviews submitted</th><td class="count">1 of 8' in page
    assert 'Reviews shared</th><td class="count">1 of 8' in page
    assert "Over all 8 reviews" in page
    assert 'data-review="' in page and '4 <span class="meta">Exceeds</span>' in page
    assert "Ratings (CSV)" in page
    filtered = text(signed_in(cast.hana).get(f"/reviews/cycles/{setup.cycle.pk}/?state=shared"))
    assert filtered.count('data-review="') == 1


def test_a_manager_sees_progress_over_their_people_only_and_no_table(cast):
    setup = build_review_cycle(cast)
    page = text(signed_in(cast.sam).get(f"/reviews/cycles/{setup.cycle.pk}/"))
    assert "Over the 2 reviews you can see" in page
    assert 'data-review="' not in page and "Ratings (CSV)" not in page
    employee = text(signed_in(cast.ava).get(f"/reviews/cycles/{setup.cycle.pk}/"))
    assert "Over the 0 reviews you can see" in employee


def test_the_list_shows_each_person_the_cycles_that_concern_them(cast):
    sales = build_review_cycle(cast, population="teams", population_teams=[cast.sales])
    draft = build_review_cycle(cast, name="Next year", launch=False)
    hr = text(signed_in(cast.hana).get("/reviews/cycles/"))
    assert "Q3 2026 reviews" in hr and "Next year" in hr and "New review cycle" in hr
    ava = text(signed_in(cast.ava).get("/reviews/cycles/"))
    assert "Q3 2026 reviews" in ava and "Next year" not in ava
    assert "New review cycle" not in ava
    cora = text(signed_in(cast.cora).get("/reviews/cycles/"))  # Sam's manager
    assert "Q3 2026 reviews" in cora
    otto = text(signed_in(cast.otto).get("/reviews/cycles/"))
    assert "No review cycles concern you yet" in otto
    # The cycle itself is public once open; drafts are HR's.
    assert signed_in(cast.otto).get(f"/reviews/cycles/{sales.cycle.pk}/").status_code == 200
    assert signed_in(cast.otto).get(f"/reviews/cycles/{draft.cycle.pk}/").status_code == 404


def test_closing_asks_first(cast):
    setup = build_review_cycle(cast)
    client = signed_in(cast.hana)
    assert "Close Q3 2026 reviews?" in text(client.get(f"/reviews/cycles/{setup.cycle.pk}/close/"))
    assert client.post(f"/reviews/cycles/{setup.cycle.pk}/close/").status_code == 302
    assert ReviewCycle.objects.get().state == "closed"
    again = client.post(f"/reviews/cycles/{setup.cycle.pk}/close/")
    assert again.status_code == 422 and "Only an open cycle can be closed" in text(again)


@pytest.mark.parametrize("who", ["ava", "sam", "cora", "otto"])
def test_only_hr_creates_launches_closes_and_exports(cast, who):
    setup = build_review_cycle(cast)
    draft = build_review_cycle(cast, name="Draft", launch=False)
    client = signed_in(getattr(cast, who))
    assert client.get("/reviews/cycles/new/").status_code == 403
    assert client.post("/reviews/cycles/new/", _cycle_post(cast, name="Mine")).status_code == 403
    assert client.get("/reviews/cycles/population/").status_code == 403
    assert client.post(f"/reviews/cycles/{draft.cycle.pk}/launch/").status_code == 404
    assert client.post(f"/reviews/cycles/{setup.cycle.pk}/close/").status_code == 403
    assert client.get(f"/reviews/cycles/{setup.cycle.pk}/ratings.csv").status_code == 403
    assert ReviewCycle.objects.get(pk=setup.cycle.pk).state == "open"
    assert ReviewCycle.objects.get(pk=draft.cycle.pk).state == "draft"
    assert ReviewCycle.objects.count() == 2


# -- the ratings export ------------------------------------------------------------------


def _csv(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_the_ratings_csv_has_a_row_per_review(cast):
    setup = build_review_cycle(cast)
    Review.objects.filter(pk=setup["ava"].pk).update(
        rating=4,
        potential=2,
        attainment=0.7234,
        state="acknowledged",
        shared_at=dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC),
        acknowledged_at=dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC),
    )
    response = signed_in(cast.hana).get(f"/reviews/cycles/{setup.cycle.pk}/ratings.csv")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="ratings-q3-2026-reviews.csv"' in response["Content-Disposition"]
    rows = _csv(response)
    assert len(rows) == 8
    ava = next(r for r in rows if r["username"] == "ava")
    assert ava == {
        "person": "Ava Adams",
        "username": "ava",
        "teams": "Enterprise Sales",
        "manager": "Sam Sato",
        "rating": "4",
        "rating_label": "Exceeds",
        "potential": "2",
        "potential_label": "Ready for more",
        "okr_attainment": "0.72",
        "state": "Acknowledged",
        "calibrated_in": "",
        "shared_on": "2026-11-02",
        "acknowledged_on": "2026-11-03",
    }
    cora = next(r for r in rows if r["username"] == "cora")
    assert cora["manager"] == "" and cora["rating"] == "" and cora["state"] == "Self review"


def test_the_ratings_csv_defuses_formulas(cast):
    setup = build_review_cycle(cast)
    cast.ava.display_name = '=HYPERLINK("http://x","y")'
    cast.ava.save(update_fields=["display_name"])
    cast.sam.display_name = "@SUM(A1)"
    cast.sam.save(update_fields=["display_name"])
    rows = _csv(signed_in(cast.hana).get(f"/reviews/cycles/{setup.cycle.pk}/ratings.csv"))
    ava = next(r for r in rows if r["username"] == "ava")
    assert ava["person"] == '\'=HYPERLINK("http://x","y")'
    assert ava["manager"] == "'@SUM(A1)"


def test_a_draft_has_no_export_for_anyone_but_hr(cast):
    draft = build_review_cycle(cast, launch=False)
    assert (
        signed_in(cast.sam).get(f"/reviews/cycles/{draft.cycle.pk}/ratings.csv").status_code == 404
    )
    rows = _csv(signed_in(cast.hana).get(f"/reviews/cycles/{draft.cycle.pk}/ratings.csv"))
    assert rows == []


def test_the_navigation_links_to_reviews(cast):
    page = text(signed_in(cast.ava).get("/reviews/policy/"))
    assert re.search(r'<a href="/reviews/[^"]*" aria-current="page">Reviews</a>', page)


def test_pages_write_audit_rows_through_the_actions(cast):
    client = signed_in(cast.hana)
    client.post("/reviews/cycles/new/", _cycle_post(cast))
    cycle = ReviewCycle.objects.get()
    client.post(f"/reviews/cycles/{cycle.pk}/launch/")
    client.post(f"/reviews/cycles/{cycle.pk}/close/")
    actions = set(AuditEvent.objects.filter(actor=cast.hana).values_list("action", flat=True))
    assert {"create_review_cycle", "launch_review_cycle", "close_review_cycle"} <= actions
    template_actions.archive_review_template(acting_user=cast.hana, template=default_template())
    policy.publish_review_policy(acting_user=cast.hana, statement="Context.", reason="Because")
    assert policy.policy_in_force().published
