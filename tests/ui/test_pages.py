"""Reading pages: My OKRs, the tree, the objective page, explanations, history, directory."""

from __future__ import annotations

import datetime as dt
import re
from html import escape

import pytest
from django.urls import reverse

from lineofsight.goals import actions
from lineofsight.goals.models import AlignmentLink, Cycle

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def main(response) -> str:
    """The page without its header (which names the signed-in person)."""
    return text(response).split('<main id="main">', 1)[-1]


def make_private(cast, cascade):
    actions.update_objective(acting_user=cast.ava, objective=cascade.ava_obj, visibility="private")


# -- My OKRs ---------------------------------------------------------------------------


def test_home_lists_my_objectives_teams_and_key_results(cast, cascade, as_user):
    actions.record_check_in(
        acting_user=cast.ava, key_result=cascade.ava_opps, value=22, confidence="at_risk"
    )
    enterprise = actions.create_objective(
        acting_user=cast.sam,
        title="Own the enterprise segment",
        level="team",
        cycle=cast.q4,
        owner_team=cast.enterprise,
    )
    response = as_user(cast.ava).get(reverse("home"))
    assert response.status_code == 200
    body = text(response)
    assert cascade.ava_obj.title in body
    assert enterprise.title in body  # Ava's team's objective
    assert f'id="kr-{cascade.ava_opps.pk}"' in body
    assert reverse("key-result-check-in", args=[cascade.ava_opps.pk]) in body
    assert 'aria-valuenow="29"' in body  # (22/25 + 0 + 0) / 3
    assert "At risk" in body
    assert "Q4 2026" in body


def test_home_cycle_switcher_and_empty_states(cast, cascade, as_user):
    client = as_user(cast.otto)
    body = text(client.get(reverse("home")))
    assert "You have no objectives in Q4 2026 yet" in body
    assert reverse("objective-new") in body
    assert "You own no key results" in body
    body = text(client.get(reverse("home"), {"cycle": cast.q3.pk}))
    assert "Q3 2026 is closed" in body
    assert client.get(reverse("home"), {"cycle": 999999}).status_code == 404
    assert client.get(reverse("home"), {"cycle": "abc"}).status_code == 404


def test_home_without_any_cycle(db, as_user):
    from lineofsight.people.models import Person

    Cycle.objects.all().delete()
    person = Person.objects.create_user("solo", password="x")
    body = text(as_user(person).get(reverse("home")))
    assert "No cycles yet" in body


# -- The alignment tree ----------------------------------------------------------------


def test_tree_shows_company_objectives_and_unaligned(cast, cascade, as_user):
    lonely = actions.create_objective(
        acting_user=cast.dev,
        title="Learn the billing code",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.dev,
    )
    response = as_user(cast.pia).get(reverse("tree"), {"cycle": cast.q4.pk})
    body = text(response)
    assert cascade.company.title in body
    toggle = f'aria-controls="children-{cascade.company.pk}"'
    assert toggle in body and 'aria-expanded="false"' in body
    assert reverse("tree-children", args=[cascade.company.pk]) in body
    unaligned = body.split("Not aligned to anything", 1)[1]
    assert lonely.title in unaligned
    assert cascade.company.title not in unaligned
    assert cascade.ava_obj.title not in unaligned  # aligned to Sales
    # Once its only link has ended, an objective aligns to nothing.
    link = AlignmentLink.objects.live().get(child=cascade.ava_obj)
    actions.end_alignment(acting_user=cast.ava, link=link)
    unaligned = text(as_user(cast.pia).get(reverse("tree"), {"cycle": cast.q4.pk})).split(
        "Not aligned to anything", 1
    )[1]
    assert cascade.ava_obj.title in unaligned and lonely.title in unaligned


def test_tree_children_fragment(cast, cascade, as_user, htmx):
    response = as_user(cast.pia).get(reverse("tree-children", args=[cascade.company.pk]), **htmx)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body  # a fragment
    assert cascade.sales.title in body and cascade.platform.title in body
    assert "Supports" in body and "Contributes · weight 1" in body
    assert escape(cascade.logos.title) in body  # the key result Sales aligns to
    assert escape(cascade.verticals.title) in body
    assert "Team" in body and "Sales" in body
    assert f'data-objective="{cascade.sales.pk}"' in body


def test_tree_children_counts_what_the_viewer_cannot_see(cast, cascade, as_user, htmx):
    make_private(cast, cascade)
    body = text(as_user(cast.otto).get(reverse("tree-children", args=[cascade.sales.pk]), **htmx))
    assert cascade.ava_obj.title not in body
    assert "+1 objective you cannot see" in body
    body = text(as_user(cast.sam).get(reverse("tree-children", args=[cascade.sales.pk]), **htmx))
    assert cascade.ava_obj.title in body
    assert "cannot see" not in body


def test_tree_children_of_an_invisible_objective_is_404(cast, cascade, as_user):
    make_private(cast, cascade)
    response = as_user(cast.otto).get(reverse("tree-children", args=[cascade.ava_obj.pk]))
    assert response.status_code == 404
    assert as_user(cast.otto).get(reverse("tree-children", args=[999999])).status_code == 404


# -- The objective page ----------------------------------------------------------------


def test_objective_page_shows_everything(cast, cascade, as_user):
    actions.record_check_in(
        acting_user=cast.ava,
        key_result=cascade.ava_opps,
        value=22,
        confidence="on_track",
        note="Outbound works",
        blockers="Waiting for the CRM export",
    )
    actions.create_initiative(
        acting_user=cast.ava,
        key_result=cascade.ava_opps,
        title="Outbound campaign",
        owner=cast.ava,
        link="https://crm.example/campaign",
    )
    response = as_user(cast.sam).get(reverse("objective", args=[cascade.sales.pk]))
    body = text(response)
    assert cascade.sales.title in body
    assert "Logos come from pipeline we generate and close." in body  # rationale
    assert "Aspirational" in body and "Team" in body and "Q4 2026" in body
    assert cascade.sales_opps.title in body and "Leading" in body
    assert "Why 15 %?" in body  # (0 + 29 %) / 2 in mode "both"
    assert reverse("objective-explain", args=[cascade.sales.pk]) in body
    # Parents: supports the logos key result, with controls for an editor.
    assert escape(cascade.logos.title) in body and "Supports" in body
    assert reverse("link-end", args=[cascade.sales.parent_links.get().pk]) in body
    # Children.
    assert cascade.ava_obj.title in body
    assert "revision" in body and reverse("objective-history", args=[cascade.sales.pk]) in body

    body = text(as_user(cast.ava).get(reverse("objective", args=[cascade.ava_obj.pk])))
    assert "Outbound works" in body and "Blocker:" in body  # check-in history
    # The blocker raised in the check-in shows on its key result, open, linked to its page.
    blocker = cascade.ava_opps.blockers.get()
    assert "Waiting for the CRM export" in body and "Open" in body
    assert reverse("blocker", args=[blocker.pk]) in body
    assert "Outbound campaign" in body and "https://crm.example/campaign" in body
    assert "22" in body and "25" in body
    assert reverse("key-result-check-in", args=[cascade.ava_opps.pk]) in body


def test_a_value_of_one_takes_its_unit_in_the_singular(cast, cascade, as_user):
    actions.record_check_in(
        acting_user=cast.sam, key_result=cascade.logos, value=1, confidence="at_risk"
    )
    body = text(as_user(cast.sam).get(reverse("objective", args=[cascade.company.pk])))
    assert "1 logo " in body and "40 logos" in body
    assert not re.search(r"\b1 logos\b", body)
    actions.record_check_in(
        acting_user=cast.sam, key_result=cascade.logos, value=2, confidence="at_risk"
    )
    body = text(as_user(cast.sam).get(reverse("objective", args=[cascade.company.pk])))
    assert "2 logos" in body and "1 logo " in body  # the history keeps the first reading


def test_objective_page_hides_editing_from_non_editors(cast, cascade, as_user):
    body = text(as_user(cast.otto).get(reverse("objective", args=[cascade.sales.pk])))
    assert reverse("objective-edit", args=[cascade.sales.pk]) not in body
    assert reverse("link-end", args=[cascade.sales.parent_links.get().pk]) not in body
    assert reverse("key-result-check-in", args=[cascade.sales_opps.pk]) not in body


def test_invisible_objective_is_404_like_a_missing_one(cast, cascade, as_user):
    make_private(cast, cascade)
    client = as_user(cast.otto)
    for name in ("objective", "objective-explain", "objective-history", "objective-edit"):
        assert client.get(reverse(name, args=[cascade.ava_obj.pk])).status_code == 404, name
        assert client.get(reverse(name, args=[999999])).status_code == 404, name
    for name in ("key-result-explain", "key-result-check-in", "key-result-edit"):
        assert client.get(reverse(name, args=[cascade.ava_opps.pk])).status_code == 404, name
    response = client.get(reverse("objective", args=[cascade.ava_obj.pk]))
    assert b"not shared with you" in response.content
    # Her manager still sees it.
    assert as_user(cast.sam).get(reverse("objective", args=[cascade.ava_obj.pk])).status_code == 200


# -- Explanations ----------------------------------------------------------------------


def test_objective_explanation_fragment(cast, cascade, as_user, htmx):
    actions.record_check_in(
        acting_user=cast.ava, key_result=cascade.ava_opps, value=22, confidence="on_track"
    )
    response = as_user(cast.sam).get(
        reverse("objective-explain", args=[cascade.ava_obj.pk]), **htmx
    )
    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    assert "Why 29 %?" in body
    assert "sum(weight x progress) / sum(weight)" in body
    assert cascade.ava_opps.title in body and "88 %" in body
    assert "icon-check" in body and "Yes</td>" in body
    assert "As of" in body


def test_explanation_as_of_a_past_date(cast, as_user, htmx):
    start = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)
    objective = actions.create_objective(
        acting_user=cast.ava,
        title="Qualify pipeline",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        at=start,
    )
    kr = actions.create_key_result(
        acting_user=cast.ava,
        objective=objective,
        title="Qualified opportunities",
        kind="increase",
        start_value=0,
        target_value=25,
        owner=cast.ava,
        at=start,
    )
    other = actions.create_key_result(
        acting_user=cast.ava,
        objective=objective,
        title="Closed deals",
        kind="milestone",
        owner=cast.ava,
        at=start,
    )
    past = dt.datetime(2026, 10, 5, 12, tzinfo=dt.UTC)
    actions.record_check_in(
        acting_user=cast.ava, key_result=kr, value=5, confidence="on_track", at=past
    )
    actions.record_check_in(acting_user=cast.ava, key_result=kr, value=25, confidence="on_track")
    assert other.pk
    client = as_user(cast.ava)
    url = reverse("key-result-explain", args=[kr.pk])
    assert "Why 100 %?" in text(client.get(url, **htmx))
    body = text(client.get(url, {"as_of": "2026-10-05"}, **htmx))
    assert "Why 20 % on 5 Oct 2026?" in body
    body = text(client.get(url, {"as_of": "2026-10-04"}, **htmx))
    assert "Why 0 % on 4 Oct 2026?" in body
    response = client.get(url, {"as_of": "5/10/2026"}, **htmx)
    assert response.status_code == 400
    assert "Enter a date as YYYY-MM-DD." in text(response)
    obj_url = reverse("objective-explain", args=[objective.pk])
    assert "Why 50 %?" in text(client.get(obj_url, **htmx))
    body = text(client.get(obj_url, {"as_of": "2026-10-05"}, **htmx))
    assert "Why 10 % on 5 Oct 2026?" in body  # (20 % + 0 %) / 2
    body = text(client.get(obj_url, {"as_of": "2026-09-01"}, **htmx))
    assert "did not exist yet" in body


def revise_target(cast, cascade, *, reading: float, target: float, reason: str) -> None:
    """Ava checks in on her key result, then revises its target with a reason."""
    actions.record_check_in(
        acting_user=cast.ava, key_result=cascade.ava_opps, value=reading, confidence="at_risk"
    )
    actions.update_key_result(
        acting_user=cast.ava, key_result=cascade.ava_opps, target_value=target, reason=reason
    )


def test_a_reason_with_its_own_full_stop_gets_no_second_one(cast, cascade, as_user, htmx):
    revise_target(cast, cascade, reading=10, target=20, reason="Two AEs left in August.")
    today = dt.datetime.now(tz=dt.UTC).date().isoformat()
    url = reverse("key-result-explain", args=[cascade.ava_opps.pk])
    body = text(as_user(cast.ava).get(url, {"as_of": today}, **htmx))
    assert "reason: Two AEs left in August)." in body
    assert not re.search(r"\.\W?\.", body.replace("...", ""))


def test_explanation_masks_objectives_the_viewer_cannot_see(cast, cascade, as_user):
    make_private(cast, cascade)
    body = text(as_user(cast.otto).get(reverse("objective-explain", args=[cascade.sales.pk])))
    assert cascade.ava_obj.title not in body
    assert "An objective you cannot see" in body


# -- History ---------------------------------------------------------------------------


def test_history_lists_revisions_with_reasons(cast, cascade, as_user):
    revise_target(cast, cascade, reading=3, target=30, reason="Territory grew")
    actions.update_objective(
        acting_user=cast.ava,
        objective=cascade.ava_obj,
        title="Build more pipeline",
        reason="Sharper",
    )
    link = cascade.ava_obj.parent_links.get()
    actions.end_alignment(acting_user=cast.ava, link=link, reason="Moved to marketing")
    body = text(as_user(cast.ava).get(reverse("objective-history", args=[cascade.ava_obj.pk])))
    assert "Revision 2" in body and "Sharper" in body and "Build more pipeline" in body
    assert "Territory grew" in body and "0 → 30" in body
    assert "Moved to marketing" in body


# -- People and teams ------------------------------------------------------------------


def test_people_directory_search_and_pages(cast, as_user):
    from lineofsight.people.models import Person

    for i in range(30):
        Person.objects.create_user(f"extra{i:02}", display_name=f"Extra Person {i:02}")
    client = as_user(cast.otto)
    body = text(client.get(reverse("people")))
    assert "Page 1 of 2" in body
    assert "Page 2 of 2" in text(client.get(reverse("people"), {"page": 2}))
    body = main(client.get(reverse("people"), {"q": "account exec"}))
    assert "Ava Adams" in body and "Pia Park" in body and "Otto Olsen" not in body
    assert "Nobody matches" in text(client.get(reverse("people"), {"q": "zzz"}))


def test_person_page(cast, cascade, as_user):
    body = text(as_user(cast.otto).get(reverse("person", args=[cast.ava.pk])))
    assert "Sam Sato" in body and "Cora Chen" in body  # manager chain
    assert "Enterprise Sales" in body
    assert cascade.ava_obj.title in body
    body = text(as_user(cast.otto).get(reverse("person", args=[cast.sam.pk])))
    assert "Ava Adams" in body and "Pia Park" in body  # reports
    make_private(cast, cascade)
    body = text(as_user(cast.otto).get(reverse("person", args=[cast.ava.pk])))
    assert cascade.ava_obj.title not in body
    assert as_user(cast.otto).get(reverse("person", args=[999999])).status_code == 404


def test_teams_nested_and_team_page(cast, cascade, as_user):
    response = as_user(cast.dev).get(reverse("teams"))
    body = text(response)
    assert body.index("Acme") < body.index("Sales") < body.index("Enterprise Sales")
    assert 'data-depth="2"' in body
    body = text(as_user(cast.dev).get(reverse("team", args=[cast.sales.pk])))
    assert "Sam Sato" in body and "Enterprise Sales" in body
    assert cascade.sales.title in body
    assert as_user(cast.dev).get(reverse("team", args=[999999])).status_code == 404
