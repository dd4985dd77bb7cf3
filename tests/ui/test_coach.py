"""The coach in the browser pages: the health page, the quality cards, the inline checks while
writing an objective or a key result, acknowledging and reopening findings."""

from __future__ import annotations

import re

import pytest

from lineofsight.coach.models import FindingAcknowledgement
from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions
from lineofsight.goals.models import KeyResult, Objective

pytestmark = pytest.mark.django_db


def text_of(html: str, element_id: str) -> str:
    """The markup from the element with ``element_id`` to the end of its list or table."""
    start = html.index(f'id="{element_id}"')
    ends = [i for tag in ("</table>", "</ul>") if (i := html.find(tag, start)) >= 0]
    return html[start : min(ends)]


def figure(html: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert found is not None, name
    return found.group(1).strip()


def ack_form(cast, cascade, **extra: str) -> dict[str, str]:
    return {
        "cycle": str(cast.q4.pk),
        "code": "focus.too_few_key_results",
        "subject": "objective",
        "subject_id": str(cascade.sales.pk),
        "next": f"/objectives/{cascade.sales.pk}/",
        **extra,
    }


# -- the health page ------------------------------------------------------------------------


def test_the_health_page_reads_in_a_minute(cast, cascade, as_user):
    orphan = actions.create_objective(
        acting_user=cast.dev,
        title="Learn Rust",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.dev,
    )
    response = as_user(cast.hana).get(f"/health/?cycle={cast.q4.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alignment health" in html and 'aria-current="page">Health' in html
    assert figure(html, "aligned") == "75 %"  # 3 of 4 team and individual objectives
    assert figure(html, "orphans") == "1"
    table = text_of(html, "health-table")
    for department in ("Sales", "Engineering", "Legal", "People Ops"):
        assert department in table
    top = text_of(html, "top-findings")
    assert "Learn Rust" in top and "aligned to nothing" in top
    assert f'href="/objectives/{orphan.pk}/"' in html
    assert f'href="/health/departments/{cast.sales.pk}/?cycle={cast.q4.pk}"' in html


def test_a_department_has_its_own_health_page(cast, cascade, as_user):
    client = as_user(cast.sam)
    page = client.get(f"/health/departments/{cast.sales.pk}/?cycle={cast.q4.pk}")
    same = client.get(f"/health/?department={cast.sales.pk}&cycle={cast.q4.pk}")
    assert page.status_code == same.status_code == 200
    html = page.content.decode()
    assert "Teams in Sales" in html and "Enterprise Sales" in text_of(html, "health-table")
    assert "Sales (its own)" in text_of(html, "health-table")
    assert client.get("/health/departments/99999/").status_code == 404
    assert client.get("/health/?department=nope").status_code == 404
    assert client.get("/health/?cycle=99999").status_code == 404


def test_the_health_page_counts_only_what_the_viewer_may_see(cast, cascade, as_user):
    actions.create_objective(
        acting_user=cast.ava,
        title="Move to the healthcare territory",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    hidden = as_user(cast.otto).get(f"/health/?cycle={cast.q4.pk}").content.decode()
    assert "Move to the healthcare territory" not in hidden
    assert "of 3 team and individual objectives" in hidden
    shown = as_user(cast.sam).get(f"/health/?cycle={cast.q4.pk}").content.decode()
    assert "of 4 team and individual objectives" in shown


# -- quality cards ------------------------------------------------------------------------------


def test_the_objective_page_loads_its_quality_card(cast, cascade, as_user, htmx):
    client = as_user(cast.sam)
    page = client.get(f"/objectives/{cascade.sales.pk}/").content.decode()
    assert f'hx-get="/coach/objectives/{cascade.sales.pk}/"' in page
    card = client.get(f"/coach/objectives/{cascade.sales.pk}/", **htmx)
    assert card.status_code == 200
    html = card.content.decode()
    assert 'id="coach-objective"' in html and "<html" not in html
    score = int(re.search(r'data-score="(\d+)"', html).group(1))
    assert score <= 75
    assert "has 1 key result; a team objective needs at least 2" in html
    assert "Acknowledge as a deliberate exception" in html  # Sam may change it
    as_otto = as_user(cast.otto).get(f"/coach/objectives/{cascade.sales.pk}/", **htmx)
    assert "Acknowledge as a deliberate exception" not in as_otto.content.decode()


def test_the_team_page_loads_its_quality_card(cast, cascade, as_user, htmx):
    client = as_user(cast.eli)
    page = client.get(f"/teams/{cast.platform.pk}/").content.decode()
    assert f'hx-get="/coach/teams/{cast.platform.pk}/?cycle=' in page
    card = client.get(f"/coach/teams/{cast.platform.pk}/?cycle={cast.q4.pk}", **htmx)
    html = card.content.decode()
    assert card.status_code == 200 and 'id="coach-team"' in html
    assert "Quality of Platform's objectives" in html
    assert "None of Platform&#x27;s 1 key result is a leading indicator" in html
    assert client.get(f"/coach/teams/99999/?cycle={cast.q4.pk}", **htmx).status_code == 404


# -- while writing --------------------------------------------------------------------------


def test_the_objective_form_checks_the_draft_as_it_is_typed(cast, cascade, as_user):
    client = as_user(cast.sam)
    form = client.get("/objectives/new/").content.decode()
    assert 'hx-post="/coach/draft/objective/"' in form and 'id="coach-draft"' in form
    assert "delay:500ms" in form
    edit = client.get(f"/objectives/{cascade.sales.pk}/edit/").content.decode()
    assert f'hx-vals=\'{{"objective": "{cascade.sales.pk}"}}\'' in edit


def test_a_copy_paste_title_is_flagged_before_anything_is_saved(cast, cascade, as_user, htmx):
    client = as_user(cast.sam)
    objectives, revisions = Objective.objects.count(), AuditEvent.objects.count()
    response = client.post(
        "/coach/draft/objective/",
        {
            "title": "Grow ARR from $12M to $18M",
            "level": "team",
            "owner": f"team-{cast.enterprise.pk}",
            "cycle": str(cast.q4.pk),
            "parent": f"o-{cascade.company.pk}",
            "state": "active",
        },
        **htmx,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-code="copy_paste.objective"' in html
    assert "instead of translating it for Enterprise Sales" in html
    assert "what can Enterprise Sales move" in html
    assert "Acknowledge" not in html  # a draft has nothing to acknowledge yet
    assert "focus.too_few_key_results" not in html  # key results come on the next page
    assert (Objective.objects.count(), AuditEvent.objects.count()) == (objectives, revisions)


def test_a_translated_objective_reads_well(cast, cascade, as_user, htmx):
    response = as_user(cast.sam).post(
        "/coach/draft/objective/",
        {
            "title": "Shorten the enterprise deal cycle for regulated buyers",
            "level": "team",
            "owner": f"team-{cast.enterprise.pk}",
            "cycle": str(cast.q4.pk),
            "parent": f"o-{cascade.company.pk}",
        },
        **htmx,
    )
    assert "The coach has nothing to point out" in response.content.decode()


def test_an_unaligned_draft_and_a_half_typed_form(cast, cascade, as_user, htmx):
    client = as_user(cast.ava)
    unaligned = client.post(
        "/coach/draft/objective/",
        {
            "title": "Learn Rust",
            "level": "individual",
            "owner": f"person-{cast.ava.pk}",
            "cycle": str(cast.q4.pk),
            "parent": "garbage",
        },
        **htmx,
    ).content.decode()
    assert 'data-code="orphan.unaligned"' in unaligned
    empty = client.post("/coach/draft/objective/", {"cycle": "nope", "owner": "x-y"}, **htmx)
    assert empty.status_code == 200
    assert "points out what may weaken it" in empty.content.decode()
    hidden = client.post("/coach/draft/objective/?objective=99999", {"title": "x"}, **htmx)
    assert hidden.status_code == 404


def test_the_key_result_form_flags_an_activity_count(cast, cascade, as_user, htmx):
    client = as_user(cast.ava)
    form = client.get(f"/objectives/{cascade.ava_obj.pk}/key-results/new/").content.decode()
    assert f'hx-post="/coach/draft/objectives/{cascade.ava_obj.pk}/key-result/"' in form
    edit = client.get(f"/key-results/{cascade.ava_opps.pk}/edit/").content.decode()
    assert f"key-result/?key_result={cascade.ava_opps.pk}" in edit
    count = KeyResult.objects.count()
    response = client.post(
        f"/coach/draft/objectives/{cascade.ava_obj.pk}/key-result/",
        {
            "title": "Have 10 customer meetings",
            "kind": "increase",
            "start_value": "0",
            "target_value": "10",
            "unit": "meetings",
            "signal": "leading",
        },
        **htmx,
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'data-code="measurable.activity"' in html
    assert "Instead of counting meetings" in html
    assert KeyResult.objects.count() == count
    outcome = client.post(
        f"/coach/draft/objectives/{cascade.ava_obj.pk}/key-result/?key_result={cascade.ava_opps.pk}",
        {
            "title": "Qualified pipeline from $1M to $2.5M",
            "kind": "increase",
            "start_value": "1",
            "target_value": "2.5",
            "unit": "$M",
            "signal": "leading",
        },
        **htmx,
    )
    assert "measurable." not in outcome.content.decode()
    refused = as_user(cast.otto).post(
        f"/coach/draft/objectives/{cascade.ava_obj.pk}/key-result/", {"title": "x"}, **htmx
    )
    assert refused.status_code == 403


# -- acknowledging ------------------------------------------------------------------------


def test_acknowledging_with_bad_input_says_why_and_changes_nothing(cast, cascade, as_user, htmx):
    client = as_user(cast.sam)
    page = client.post("/coach/acknowledge/", ack_form(cast, cascade, reason="   "))
    assert page.status_code == 422
    html = page.content.decode()
    assert 'id="id_reason_error"' in html and "Say why this is a deliberate exception" in html
    fragment = client.post("/coach/acknowledge/", ack_form(cast, cascade, reason=""), **htmx)
    assert fragment.status_code == 422
    assert "Say why this is a deliberate exception" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    unknown = client.post(
        "/coach/acknowledge/", ack_form(cast, cascade, code="copy_paste.objective", reason="x")
    )
    assert unknown.status_code == 422
    assert "The coach reports no &#x27;copy_paste.objective&#x27; finding" in (
        unknown.content.decode()
    )
    assert (
        client.post("/coach/acknowledge/", ack_form(cast, cascade, subject_id="x")).status_code
        == 404
    )
    assert not FindingAcknowledgement.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="coach.").exists()


def test_acknowledging_and_reopening_a_finding(cast, cascade, as_user, htmx):
    client = as_user(cast.sam)
    form = client.get("/coach/acknowledge/", ack_form(cast, cascade))
    assert form.status_code == 200 and "has 1 key result" in form.content.decode()
    done = client.post("/coach/acknowledge/", ack_form(cast, cascade, reason="One big bet"))
    assert done.status_code == 302 and done.url == f"/objectives/{cascade.sales.pk}/"
    ack = FindingAcknowledgement.objects.get()
    assert (ack.reason, ack.acknowledged_by) == ("One big bet", cast.sam)
    card = client.get(f"/coach/objectives/{cascade.sales.pk}/", **htmx).content.decode()
    assert "Acknowledged exceptions (1)" in card and "One big bet" in card
    reopened = client.post(
        f"/coach/acknowledgements/{ack.pk}/reopen/",
        {"reason": "Add one", "next": "/health/"},
        **htmx,
    )
    assert reopened.status_code == 200
    assert "Acknowledge as a deliberate exception" in reopened.content.decode()
    ack.refresh_from_db()
    assert ack.reopened_by == cast.sam and ack.reopen_reason == "Add one"
    again = client.post(f"/coach/acknowledgements/{ack.pk}/reopen/", {"next": "/health/"})
    assert again.status_code == 302  # with a message: reopened already


def test_acknowledging_from_the_health_page_swaps_the_finding(cast, cascade, as_user, htmx):
    client = as_user(cast.sam)
    html = client.get(f"/health/?cycle={cast.q4.pk}").content.decode()
    dom_id = f"finding-focus-too-few-key-results-objective-{cascade.sales.pk}"
    assert f'hx-target="#{dom_id}"' in html
    swapped = client.post(
        "/coach/acknowledge/",
        ack_form(cast, cascade, reason="One big bet", next="/health/"),
        **htmx,
    )
    fragment = swapped.content.decode()
    assert swapped.status_code == 200 and f'id="{dom_id}"' in fragment
    assert "is-acknowledged" in fragment and "One big bet" in fragment
    after = client.get(f"/health/?cycle={cast.q4.pk}").content.decode()
    assert figure(after, "acknowledged") == "1"
    assert "Acknowledged (1)" in after


def test_only_editors_may_acknowledge(cast, cascade, as_user):
    refused = as_user(cast.otto).post("/coach/acknowledge/", ack_form(cast, cascade, reason="x"))
    assert refused.status_code == 403
    assert not FindingAcknowledgement.objects.exists()


# -- the limits, where HR edits the organisation ------------------------------------------


def test_hr_edits_the_coach_limits_in_the_admin(cast, as_user):
    from lineofsight.people.models import Organisation

    hana = as_user(cast.hana)
    org = Organisation.current()
    page = hana.get(f"/admin/people/organisation/{org.pk}/change/").content.decode()
    assert "Coaching" in page and 'name="max_objectives_person"' in page
    data = {
        "name": "Acme",
        "time_zone": "UTC",
        "pace_on_track": "0.7",
        "pace_off_track": "0.5",
        "escalate_after_misses": "2",
        "digest_weekday": "0",
        "max_objectives_person": "4",
        "min_key_results": "5",
        "max_key_results": "4",
    }
    refused = hana.post(f"/admin/people/organisation/{org.pk}/change/", data)
    assert refused.status_code == 200
    assert "The least number of key results for an objective (5) must not exceed" in (
        refused.content.decode()
    )
    assert Organisation.current().max_objectives_person == 3
    data["min_key_results"] = "3"
    saved = hana.post(f"/admin/people/organisation/{org.pk}/change/", data)
    assert saved.status_code == 302
    org = Organisation.current()
    assert (org.max_objectives_person, org.min_key_results, org.max_key_results) == (4, 3, 4)
    assert AuditEvent.objects.filter(
        action="organisation.update_coaching", actor=cast.hana
    ).exists()


def test_a_deliverable_milestone_is_questioned_until_acknowledged(cast, cascade, as_user, htmx):
    from lineofsight.goals.actions import create_key_result

    canteen = create_key_result(acting_user=cast.sam, objective=cascade.sales,
                                title="Refurbish the customer briefing centre", kind="milestone",
                                owner=cast.sam)
    client = as_user(cast.sam)
    card = client.get(f"/coach/objectives/{cascade.sales.pk}/", **htmx).content.decode()
    assert "\u201cRefurbish the customer briefing centre\u201d is a deliverable" in card
    assert "What outcome does it move?" in card
    form = ack_form(cast, cascade, code="measurable.deliverable", subject="key_result",
                    subject_id=str(canteen.pk), reason="The centre is the bet this quarter")
    assert client.post("/coach/acknowledge/", form).status_code == 302
    card = client.get(f"/coach/objectives/{cascade.sales.pk}/", **htmx).content.decode()
    assert "is a deliverable" not in card.split("Acknowledged exceptions")[0]
    assert "The centre is the bet this quarter" in card
